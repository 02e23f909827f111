//! Weighted PageRank on the co-sell network, with NetworkX semantics.
//!
//! Formula (Page, Brin, Motwani & Winograd 1999; NetworkX `pagerank`): with damping
//! α = 0.85, strength s(u) = Σ_v w(u, v), and D the dangling (isolated) partners,
//!
//! `x'(v) = α Σ_{u ~ v} x(u) w(u, v) / s(u) + (α Σ_{u ∈ D} x(u) + 1 - α) / n`
//!
//! starting from x = 1/n, iterated until Σ |x' - x| < tolerance (contract §4: 1e-10).
//! Dangling mass is spread uniformly, as NetworkX does without a `dangling` argument.
//!
//! Parallel *pull* design: each x'(v) is written by one task, summing v's neighbours in
//! CSR order; the two global sums (dangling mass, L1 change) are reduced per fixed chunk
//! and then folded in chunk order, so the bits never depend on the thread count.
//! Complexity: O(m) per iteration, O(n) extra memory.
//!
//! For a partner manager: how much of the co-selling flow runs through a partner,
//! counting not only how many partners it works with but how central those are.

use rayon::prelude::*;

use crate::graph::Csr;

/// Nodes per reduction chunk. Fixed, so partial sums never depend on the thread count.
const CHUNK: usize = 4096;

/// How PageRank iterates; recorded in the run metadata.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PageRankParams {
    /// Probability α of following a tie rather than jumping, in (0, 1) (0.85,
    /// `--pagerank-damping`).
    pub damping: f64,
    /// Stop when the L1 change of one iteration is below this.
    pub tolerance: f64,
    /// Safety net: stop after this many iterations even if not converged (10,000).
    pub max_iterations: usize,
}

impl Default for PageRankParams {
    fn default() -> Self {
        PageRankParams {
            damping: 0.85,
            tolerance: 1e-10,
            max_iterations: 10_000,
        }
    }
}

impl PageRankParams {
    /// Checks the damping is in (0, 1); the message names the CLI flag
    /// (`--pagerank-damping`), so a library caller reads what a CLI user reads.
    ///
    /// # Example
    /// ```
    /// use ecograph::metrics::PageRankParams;
    /// let p = PageRankParams { damping: 2.0, ..PageRankParams::default() };
    /// assert_eq!(
    ///     p.check().unwrap_err().to_string(),
    ///     "invalid parameter: --pagerank-damping must be in (0, 1), got 2"
    /// );
    /// ```
    pub fn check(&self) -> crate::error::Result<()> {
        let d = self.damping;
        if !(d > 0.0 && d < 1.0) {
            return Err(crate::error::Error::Parameter(format!(
                "--pagerank-damping must be in (0, 1), got {d}"
            )));
        }
        Ok(())
    }
}

/// Sums `f(i)` over `0..n` in fixed chunks, folding the chunk sums in order.
fn chunked_sum(n: usize, f: impl Fn(usize) -> f64 + Sync) -> f64 {
    let parts: Vec<f64> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| (c * CHUNK..((c + 1) * CHUNK).min(n)).map(&f).sum())
        .collect();
    parts.iter().sum()
}

/// Weighted PageRank of every partner: the stationary distribution of a random walk on
/// the co-sell network that follows a tie with probability proportional to its weight
/// (shared deals) and, with probability 1 - `damping` or from an isolated partner, jumps
/// to a partner drawn uniformly. Power iteration from the uniform vector until the L1
/// change of one iteration is below the tolerance (formula in the module doc).
///
/// For a partner manager: how much of the co-selling flow runs through a partner,
/// counting not only how many partners it works with but how central those are.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric, weight = shared deals
///   ([`GraphSet::cosell`](crate::graph::GraphSet::cosell)).
/// * `params`: `damping` α (0.85), `tolerance` on the L1 change (1e-10) and
///   `max_iterations` (10,000).
///
/// # Returns
/// * The score of each partner, indexed like `g`'s rows, summing to 1 (empty for an empty
///   graph), and the number of iterations run (`max_iterations` when it did not converge).
///
/// # Complexity
/// * Time complexity: **O(k (n + m))**.
/// * Auxiliary space: **O(n)**.
///
/// where **k** is the number of iterations, **n** the partners and **m** the co-sell edges.
///
/// Reference: Page, Brin, Motwani & Winograd 1999, "The PageRank citation ranking:
/// bringing order to the web"; the same values as NetworkX
/// `pagerank(G, alpha=0.85, weight="weight")` (dangling mass spread uniformly).
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::pagerank::{pagerank, PageRankParams};
/// // A path a - b - c. By symmetry x_a = x_c, and the fixed point
/// // x_b = 0.85 (x_a + x_c) + 0.05, x_a = 0.85 x_b / 2 + 0.05 gives
/// // x_b = 18/37, x_a = x_c = 19/74 (NetworkX: 0.486486..., 0.256756...).
/// let g = Csr::symmetric_from_sorted_edges(3, &[(0, 1, 1), (1, 2, 1)]);
/// let (x, iterations) = pagerank(&g, &PageRankParams::default());
/// assert!((x[1] - 18.0 / 37.0).abs() < 1e-9);
/// assert!((x[0] - 19.0 / 74.0).abs() < 1e-9 && (x[2] - 19.0 / 74.0).abs() < 1e-9);
/// assert!(iterations > 1 && (x.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// ```
pub fn pagerank(g: &Csr, params: &PageRankParams) -> (Vec<f64>, usize) {
    let n = g.rows();
    if n == 0 {
        return (Vec::new(), 0);
    }
    let alpha = params.damping;
    let inv_strength: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|u| {
            let s: u64 = g.row_weights(u).iter().map(|&w| u64::from(w)).sum();
            if s == 0 {
                0.0
            } else {
                1.0 / s as f64
            }
        })
        .collect();
    let dangling: Vec<usize> = (0..n).filter(|&u| g.degree(u) == 0).collect();
    let mut x = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    let mut y = vec![0.0; n];
    for it in 1..=params.max_iterations {
        y.par_iter_mut()
            .enumerate()
            .for_each(|(u, yu)| *yu = x[u] * inv_strength[u]);
        let dangling_mass: f64 = dangling.iter().map(|&u| x[u]).sum();
        let base = (alpha * dangling_mass + 1.0 - alpha) / n as f64;
        next.par_iter_mut().enumerate().for_each(|(v, xv)| {
            let mut acc = 0.0;
            for (&u, &w) in g.row(v).iter().zip(g.row_weights(v)) {
                acc += f64::from(w) * y[u as usize];
            }
            *xv = alpha * acc + base;
        });
        let err = chunked_sum(n, |v| (next[v] - x[v]).abs());
        std::mem::swap(&mut x, &mut next);
        if err < params.tolerance {
            return (x, it);
        }
    }
    (x, params.max_iterations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolated_partners_share_dangling_mass() {
        // A triangle plus two isolated partners: symmetric by construction.
        let g = Csr::symmetric_from_sorted_edges(5, &[(0, 1, 1), (0, 2, 1), (1, 2, 1)]);
        let (x, it) = pagerank(&g, &PageRankParams::default());
        assert!(it > 1);
        assert!((x.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((x[0] - x[1]).abs() < 1e-15 && (x[3] - x[4]).abs() < 1e-15);
        assert!(x[0] > x[3]);
    }

    #[test]
    fn thread_count_does_not_change_bits() {
        let edges: Vec<(u32, u32, u32)> = (0..20_000u32)
            .map(|i| (i, i + 1 + i % 7, 1 + i % 3))
            .filter(|e| e.1 < 20_000)
            .collect();
        let mut edges = edges;
        edges.sort_unstable();
        edges.dedup_by_key(|e| (e.0, e.1));
        let g = Csr::symmetric_from_sorted_edges(20_000, &edges);
        let run = |t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
                .install(|| pagerank(&g, &PageRankParams::default()))
        };
        assert_eq!(run(1), run(4));
    }
}
