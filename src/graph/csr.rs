//! Compressed sparse row adjacency with `u32` node ids.
//!
//! Why our own and not `petgraph::csr::Csr`: the graphs here are built in one shot from a
//! sorted, de-duplicated key list produced in parallel, and the metric kernels want the
//! raw slices (`targets`, `weights`) for pull-style parallel loops. petgraph's `Csr`
//! inserts edges one by one through `&mut self` and stores `usize`-sized indices; this
//! type is two flat vectors and an offset array, built in O(n + m).

/// Rows of `u32` column indices with optional `u32` weights, each row sorted ascending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Csr {
    /// `offsets[r]..offsets[r + 1]` is row r's range in `targets`; length rows + 1.
    pub offsets: Vec<usize>,
    /// Column indices of every row, row after row, each row ascending.
    pub targets: Vec<u32>,
    /// Same length as `targets`, or empty for an unweighted incidence.
    pub weights: Vec<u32>,
}

impl Csr {
    /// Builds from keys `(row << 32) | col`, which must be sorted and unique.
    pub fn from_sorted_keys(rows: usize, keys: &[u64]) -> Csr {
        let mut offsets = vec![0usize; rows + 1];
        for &k in keys {
            offsets[(k >> 32) as usize + 1] += 1;
        }
        for r in 0..rows {
            offsets[r + 1] += offsets[r];
        }
        let targets = keys.iter().map(|&k| k as u32).collect();
        Csr {
            offsets,
            targets,
            weights: Vec::new(),
        }
    }

    /// Builds an undirected, symmetric adjacency from edges `(p, q, w)` with p < q,
    /// sorted by (p, q) and unique. Every row comes out sorted (see the note inside).
    pub fn symmetric_from_sorted_edges(nodes: usize, edges: &[(u32, u32, u32)]) -> Csr {
        let mut offsets = vec![0usize; nodes + 1];
        for &(p, q, _) in edges {
            offsets[p as usize + 1] += 1;
            offsets[q as usize + 1] += 1;
        }
        for r in 0..nodes {
            offsets[r + 1] += offsets[r];
        }
        let mut fill = offsets[..nodes].to_vec();
        let mut targets = vec![0u32; 2 * edges.len()];
        let mut weights = vec![0u32; 2 * edges.len()];
        // Edges arrive sorted by (p, q): row q first receives its smaller neighbours p in
        // ascending order (edges (p, q)), then its larger ones (edges (q, r)), so rows stay sorted.
        for &(p, q, w) in edges {
            let (p, q) = (p as usize, q as usize);
            targets[fill[p]] = q as u32;
            weights[fill[p]] = w;
            fill[p] += 1;
            targets[fill[q]] = p as u32;
            weights[fill[q]] = w;
            fill[q] += 1;
        }
        Csr {
            offsets,
            targets,
            weights,
        }
    }

    /// Number of rows (nodes of a graph).
    pub fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Row `r`'s column indices (a node's neighbours), ascending.
    pub fn row(&self, r: usize) -> &[u32] {
        &self.targets[self.offsets[r]..self.offsets[r + 1]]
    }

    /// Row `r`'s weights, parallel to [`Csr::row`]; panics on an unweighted `Csr` with
    /// a non-empty row.
    pub fn row_weights(&self, r: usize) -> &[u32] {
        &self.weights[self.offsets[r]..self.offsets[r + 1]]
    }

    /// Number of entries in row `r` (a node's neighbour count, not its weight).
    pub fn degree(&self, r: usize) -> usize {
        self.offsets[r + 1] - self.offsets[r]
    }

    /// Number of stored entries (twice the edge count for a symmetric graph).
    pub fn nnz(&self) -> usize {
        self.targets.len()
    }

    /// The rows `order` (in that order) with every entry mapped through `new_id` and
    /// each row sorted again: a relabelled, reordered copy (unweighted).
    pub fn relabelled_rows(&self, order: &[u32], new_id: &[u32]) -> Csr {
        let mut offsets = Vec::with_capacity(order.len() + 1);
        offsets.push(0);
        let mut targets = Vec::with_capacity(order.iter().map(|&r| self.degree(r as usize)).sum());
        for &r in order {
            let start = targets.len();
            targets.extend(self.row(r as usize).iter().map(|&c| new_id[c as usize]));
            targets[start..].sort_unstable();
            offsets.push(targets.len());
        }
        Csr {
            offsets,
            targets,
            weights: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_rows_are_sorted() {
        let edges = [(0, 2, 1), (0, 3, 2), (1, 2, 1), (2, 3, 5)];
        let g = Csr::symmetric_from_sorted_edges(4, &edges);
        assert_eq!(g.row(2), &[0, 1, 3]);
        assert_eq!(g.row_weights(2), &[1, 1, 5]);
        assert_eq!(g.row(3), &[0, 2]);
        assert_eq!(g.nnz(), 8);
    }

    #[test]
    fn incidence_from_keys() {
        let row = |r: u64, c: u64| (r << 32) | c;
        let keys = [row(0, 4), row(2, 1), row(2, 7)];
        let g = Csr::from_sorted_keys(3, &keys);
        assert_eq!(g.row(0), &[4]);
        assert!(g.row(1).is_empty());
        assert_eq!(g.row(2), &[1, 7]);
    }
}
