//! Resilience of the co-sell network to losing partners (contract §3 `resilience`, §4):
//! the largest connected component left after removing a fraction f of the partners.
//!
//! Strategies: `targeted` removes partners by cosell_degree in the full network,
//! descending (not recomputed as partners go), ties by partner_id; `random` is the mean
//! over [`ResilienceParams::orders`] (20 by default, §4: at least 20) uniformly random
//! orders, order i drawn from ChaCha8 seeded with `seed` on stream i (Fisher-Yates via
//! rand's `SliceRandom::shuffle`), so each order is fixed by (seed, i) alone.
//! Removing fraction f removes floor(f n) partners, computed in integers as
//! floor(percent × n / 100) for f in (0, .01, .02, .05, .1, .2, .3, .5);
//! `lcc_fraction` = size of the largest component of the remaining partners / n (all
//! partners, removed ones included in the denominator).
//!
//! Algorithm (Newman & Ziff 2000, "Efficient Monte Carlo algorithm and high-precision
//! results for percolation", PRL 85): add the partners back in reverse removal order into
//! a union-find (union by size, path halving), tracking the largest component, and read
//! it off whenever the remaining count reaches a checkpoint. O(m α(n)) per order, O(n)
//! memory per order; the random orders run in parallel, each computing its own integer
//! sizes, summed as integers in order index, so results are identical for any thread count.
//!
//! For a partner manager: if the curve of `targeted` falls much faster than `random`, the
//! network hangs on a few hubs; losing the top 1 % of co-sellers would break it apart.

use petgraph::unionfind::UnionFind;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::graph::Csr;

/// Removed fractions, in percent (contract §3: 0, .01, .02, .05, .1, .2, .3, .5).
pub const FRACTIONS_PERCENT: [u64; 8] = [0, 1, 2, 5, 10, 20, 30, 50];
/// `strategy` of the curve removing partners by cosell_degree, largest first.
pub const TARGETED: &str = "targeted";
/// `strategy` of the curve averaged over random removal orders.
pub const RANDOM: &str = "random";

/// Parameters of the random strategy; recorded in every output's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ResilienceParams {
    /// Seed of the random removal orders (`--resilience-seed`).
    pub seed: u64,
    /// Number of random orders averaged (at least 1; the contract asks for 20 or more).
    pub orders: u32,
}

impl Default for ResilienceParams {
    fn default() -> Self {
        ResilienceParams {
            seed: 42,
            orders: 20,
        }
    }
}

impl ResilienceParams {
    /// Checks at least one random removal order.
    pub fn check(&self) -> crate::error::Result<()> {
        if self.orders == 0 {
            return Err(crate::error::Error::Parameter(
                "the resilience curve needs at least 1 random removal order, got 0".into(),
            ));
        }
        Ok(())
    }
}

/// One row of the `resilience` table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResiliencePoint {
    /// `strategy`: [`TARGETED`] or [`RANDOM`].
    pub strategy: &'static str,
    /// `removed_fraction`: share of partners removed, one of 0, .01, .02, .05, .1, .2, .3,
    /// .5 (floor(fraction × partners) removed).
    pub removed_fraction: f64,
    /// `lcc_fraction`: largest component left, as a share of all partners (removed ones
    /// included), 0..=1; for `random`, the mean over the orders.
    pub lcc_fraction: f64,
}

/// Partners removed at each checkpoint: floor(percent × n / 100).
pub fn removed_counts(n: usize) -> [usize; 8] {
    FRACTIONS_PERCENT.map(|pct| (pct * n as u64 / 100) as usize)
}

/// Targeted removal order: cosell_degree descending, ties by partner index (id order).
pub fn targeted_order(g: &Csr) -> Vec<u32> {
    let mut order: Vec<u32> = (0..g.rows() as u32).collect();
    order.sort_by_key(|&p| (std::cmp::Reverse(g.degree(p as usize)), p));
    order
}

/// Random removal order number `i` of `seed`.
pub fn random_order(n: usize, seed: u64, i: u32) -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(i));
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(&mut rng);
    order
}

/// petgraph's union-find (union by rank, path compression) with the size of each set,
/// kept at its root.
struct SizedSets {
    sets: UnionFind<u32>,
    size: Vec<u32>,
}

impl SizedSets {
    fn new(n: usize) -> Self {
        SizedSets {
            sets: UnionFind::new(n),
            size: vec![1; n],
        }
    }

    /// Joins the sets of a and b; returns the size of the joined set.
    fn union(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.sets.find_mut(a), self.sets.find_mut(b));
        if ra == rb {
            return self.size[ra as usize];
        }
        let joined = self.size[ra as usize] + self.size[rb as usize];
        self.sets.union(ra, rb);
        let root = self.sets.find_mut(ra);
        self.size[root as usize] = joined;
        joined
    }
}

/// Largest component size left after removing `order[..k]`, for each k of
/// [`removed_counts`] (`order` is a permutation of the partners).
pub fn lcc_sizes(g: &Csr, order: &[u32]) -> [u64; 8] {
    let n = g.rows();
    let removed = removed_counts(n);
    let mut sets = SizedSets::new(n);
    let mut present = vec![false; n];
    let mut largest = 0u32;
    let mut out = [0u64; 8];
    // Checkpoints from the most removed (fewest present) to none removed.
    let mut next = removed.len();
    for added in 0..=n {
        // `added` partners present: order[n - added..].
        while next > 0 && n - removed[next - 1] == added {
            next -= 1;
            out[next] = u64::from(largest);
        }
        if added == n {
            break;
        }
        let v = order[n - 1 - added];
        present[v as usize] = true;
        largest = largest.max(1);
        for &w in g.row(v as usize) {
            if present[w as usize] {
                largest = largest.max(sets.union(v, w));
            }
        }
    }
    out
}

/// The `resilience` table: the share of all partners left in the largest connected
/// component after removing 0, 1, 2, 5, 10, 20, 30 and 50 % of the partners, first by
/// `targeted` removal (highest cosell_degree first, not recomputed), then averaged over
/// `params.orders` seeded `random` orders (rules in the module doc).
///
/// For a partner manager: if the `targeted` curve falls much faster than the `random` one,
/// the network hangs on a few hubs; losing the top co-sellers would break it apart.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric.
/// * `params`: `seed` (42) and `orders` (20, at least 1: it panics on 0) of the random
///   strategy.
///
/// # Returns
/// * 16 [`ResiliencePoint`]s: the 8 fractions of [`FRACTIONS_PERCENT`] for
///   [`TARGETED`], then for [`RANDOM`]; `lcc_fraction` is the largest component's size
///   over n (removed partners included in the denominator); floor(f n) partners are
///   removed at fraction f.
///
/// # Complexity
/// * Time complexity: **O((R + 1) (n + m) α(n))**, plus **O(n log n)** for the targeted
///   order.
/// * Auxiliary space: **O(n)** per order (the random orders run in parallel).
///
/// where **R** is `params.orders`, **n** the number of partners, **m** the number of
/// co-sell edges and **α** the inverse Ackermann function.
///
/// Reference: Albert, Jeong & Barabási 2000, "Error and attack tolerance of complex
/// networks", Nature 406 (the two strategies); Newman & Ziff 2000, "Efficient Monte Carlo
/// algorithm and high-precision results for percolation", PRL 85 (adding partners back
/// into a union-find).
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::network_effect::resilience::{resilience, ResilienceParams, TARGETED};
/// // A hub and 9 partners that co-sell only with it (n = 10).
/// let spokes: Vec<(u32, u32, u32)> = (1..10).map(|leaf| (0, leaf, 1)).collect();
/// let g = Csr::symmetric_from_sorted_edges(10, &spokes);
/// let rows = resilience(&g, &ResilienceParams::default());
/// assert_eq!(rows.len(), 16);
/// let (targeted, random) = rows.split_at(8);
/// assert!(targeted.iter().all(|r| r.strategy == TARGETED));
/// // Removing 10 % removes 1 partner, the hub: everyone is left alone (1/10).
/// let curve: Vec<f64> = targeted.iter().map(|r| r.lcc_fraction).collect();
/// assert_eq!(curve, vec![1.0, 1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.1]);
/// assert_eq!((targeted[4].removed_fraction, random[0].lcc_fraction), (0.1, 1.0));
/// // Random losses hit the hub only sometimes: that curve never falls below targeted.
/// assert!(random.iter().zip(targeted).all(|(r, t)| r.lcc_fraction >= t.lcc_fraction));
/// ```
pub fn resilience(g: &Csr, params: &ResilienceParams) -> Vec<ResiliencePoint> {
    assert!(
        params.orders >= 1,
        "resilience needs at least one random order"
    );
    let n = g.rows();
    let targeted = lcc_sizes(g, &targeted_order(g));
    let random: Vec<[u64; 8]> = (0..params.orders)
        .into_par_iter()
        .map(|i| lcc_sizes(g, &random_order(n, params.seed, i)))
        .collect();
    let mut random_sum = [0u64; 8];
    for sizes in &random {
        for (s, x) in random_sum.iter_mut().zip(sizes) {
            *s += x;
        }
    }
    let denom = n as f64;
    let point = |strategy, j: usize, lcc: f64| ResiliencePoint {
        strategy,
        removed_fraction: FRACTIONS_PERCENT[j] as f64 / 100.0,
        lcc_fraction: lcc,
    };
    let mut rows = Vec::with_capacity(16);
    for (j, &size) in targeted.iter().enumerate() {
        rows.push(point(TARGETED, j, size as f64 / denom));
    }
    for (j, &sum) in random_sum.iter().enumerate() {
        rows.push(point(
            RANDOM,
            j,
            sum as f64 / (f64::from(params.orders) * denom),
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_checkpoints() {
        assert_eq!(removed_counts(10), [0, 0, 0, 0, 1, 2, 3, 5]);
        assert_eq!(removed_counts(100), [0, 1, 2, 5, 10, 20, 30, 50]);
        assert_eq!(removed_counts(1), [0; 8]);
    }

    #[test]
    fn star_breaks_when_its_hub_goes() {
        // Hub 0 with 10 leaves, plus a separate pair 11-12: n = 13.
        let mut edges: Vec<(u32, u32, u32)> = (1..=10).map(|l| (0, l, 1)).collect();
        edges.push((11, 12, 1));
        let g = Csr::symmetric_from_sorted_edges(13, &edges);
        let order = targeted_order(&g);
        // The hub first, then the degree-1 partners by id.
        assert_eq!(order, (0..13).collect::<Vec<u32>>());
        // 13 partners: removed counts [0, 0, 0, 0, 1, 2, 3, 6]; the pair 11-12 survives.
        assert_eq!(lcc_sizes(&g, &order), [11, 11, 11, 11, 2, 2, 2, 2]);
        let reversed: Vec<u32> = (0..13).rev().collect();
        // Removing 12, 11, 10, ... first leaves the star whole longer.
        assert_eq!(lcc_sizes(&g, &reversed), [11, 11, 11, 11, 11, 11, 10, 7]);
    }

    #[test]
    fn random_orders_are_permutations_fixed_by_seed() {
        let a = random_order(50, 7, 3);
        let mut s = a.clone();
        s.sort_unstable();
        assert_eq!(s, (0..50).collect::<Vec<u32>>());
        assert_eq!(a, random_order(50, 7, 3));
        assert_ne!(a, random_order(50, 7, 4));
        assert_ne!(a, random_order(50, 8, 3));
    }
}
