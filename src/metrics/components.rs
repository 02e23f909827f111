//! Connected components of the co-sell network (contract §3 `component`,
//! `component_size`; §4: numbered 0, 1, ... in the order of their smallest partner_id).
//!
//! Union-find (petgraph's `UnionFind`, union by rank with path compression) over the
//! edges: O(m α(n)). Since partner indices are in id order, scanning partners in index
//! order meets each component first at its smallest id. For a partner manager: which
//! islands the co-selling network falls into, and how big each is.

use petgraph::unionfind::UnionFind;

use crate::graph::Csr;

/// Connected components of the co-sell network: the partner_metrics columns `component`
/// and `component_size`, and the summary's `network.components` and `lcc_fraction`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Components {
    /// Component id per partner.
    pub id: Vec<u32>,
    /// Size per component id.
    pub sizes: Vec<u32>,
}

impl Components {
    /// Number of components (the summary's `network.components`); an isolated partner
    /// is a component of its own.
    pub fn count(&self) -> usize {
        self.sizes.len()
    }

    /// Partners in the largest component; 0 without partners.
    pub fn largest(&self) -> u32 {
        self.sizes.iter().copied().max().unwrap_or(0)
    }

    /// Size of each partner's component.
    pub fn size_of(&self, p: usize) -> u32 {
        self.sizes[self.id[p] as usize]
    }
}

/// Connected components of the co-sell network: the largest groups of partners linked by
/// chains of co-selling ties, numbered 0, 1, ... in the order of their smallest partner
/// index (so of their smallest partner_id).
///
/// For a partner manager: which islands the co-selling network falls into, and how big
/// each is; an isolated partner is an island of one.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric.
///
/// # Returns
/// * [`Components`]: `id`, the component of each partner (indexed like `g`'s rows), and
///   `sizes`, the size of each component by id.
///
/// # Complexity
/// * Time complexity: **O((n + m) α(n))**.
/// * Auxiliary space: **O(n)**.
///
/// where **n** is the number of partners, **m** the number of co-sell edges and **α** the
/// inverse Ackermann function (union-find).
///
/// Reference: union-find (Tarjan 1975, "Efficiency of a good but not linear set union
/// algorithm", JACM 22(2)), with petgraph's `UnionFind`; the same sets as NetworkX
/// `connected_components`.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::components::connected_components;
/// // a - d and c - e co-sell; b co-sells with nobody.
/// let g = Csr::symmetric_from_sorted_edges(5, &[(0, 3, 1), (2, 4, 1)]);
/// let c = connected_components(&g);
/// assert_eq!(c.id, vec![0, 1, 2, 0, 2]);
/// assert_eq!(c.sizes, vec![2, 1, 2]);
/// assert_eq!((c.count(), c.largest(), c.size_of(4)), (3, 2, 2));
/// ```
pub fn connected_components(g: &Csr) -> Components {
    let n = g.rows();
    let mut uf = UnionFind::<u32>::new(n);
    for p in 0..n {
        for &q in g.row(p) {
            if (q as usize) > p {
                uf.union(p as u32, q);
            }
        }
    }
    let mut label_of_root = vec![u32::MAX; n];
    let mut id = vec![0u32; n];
    let mut sizes = Vec::new();
    for (p, slot) in id.iter_mut().enumerate() {
        let root = uf.find_mut(p as u32) as usize;
        if label_of_root[root] == u32::MAX {
            label_of_root[root] = sizes.len() as u32;
            sizes.push(0);
        }
        *slot = label_of_root[root];
        sizes[*slot as usize] += 1;
    }
    Components { id, sizes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_by_smallest_member() {
        // 0-3, 1 alone, 2-4
        let g = Csr::symmetric_from_sorted_edges(5, &[(0, 3, 1), (2, 4, 1)]);
        let c = connected_components(&g);
        assert_eq!(c.id, vec![0, 1, 2, 0, 2]);
        assert_eq!(c.sizes, vec![2, 1, 2]);
        assert_eq!(c.largest(), 2);
    }
}
