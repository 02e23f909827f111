//! Local clustering and Burt's structural holes (constraint, effective size): measures
//! of a partner's immediate co-selling neighbourhood, computed in one pass because all
//! three are sums over the common neighbours of a partner and each of its neighbours.
//!
//! Definitions (contract §3; NetworkX `clustering` unweighted, `constraint` and
//! `effective_size` with `weight`):
//! - clustering `c(v) = 2 T(v) / (d(v)(d(v)-1))`, T(v) the triangles through v, 0 when
//!   d(v) < 2 (Watts & Strogatz 1998).
//! - with `p_vw = w(v,w) / Σ_x w(v,x)` (share of v's co-selling in its tie to w) and
//!   `m_vw = w(v,w) / max_x w(v,x)`:
//!   constraint `C(v) = Σ_{n∈N(v)} (p_vn + Σ_{w∈N(v)} p_vw p_wn)²` and effective size
//!   `E(v) = Σ_{n∈N(v)} (1 - Σ_{w∈N(v)} p_vw m_nw)` (Burt 1992, *Structural Holes*,
//!   ch. 2; NetworkX's weighted formulas). Both are undefined (null) for isolated
//!   partners.
//!
//! Only common neighbours w ∈ N(v) ∩ N(n) contribute. Constraint and effective size
//! need, for each tie (v, n), sums of floats over the common neighbours, added in
//! index order (the order the per-partner pass, [`neighborhood_reference`], adds them
//! in). A degree-ordered forward triangle kernel cannot give them those bits: it meets
//! a tie's common neighbours in three roles (as the lowest, middle or highest corner of
//! their triangle), not in index order, and float addition is not associative; listing
//! every triangle to sort them would take memory proportional to the triangles. So each
//! undirected tie's two rows are intersected once (the shorter one scanned, membership
//! tested by marks or by a forward-moving search), the common neighbours come out in
//! index order, and both directions' sums are added in that order, with the same
//! expressions: the reference's bits for half its intersections and half its
//! divisions. Each sum is stored in its tie's CSR slot (written once, by the tie's
//! lower-index end), and each partner then folds its slots in row order. The
//! intersections also count each partner's linked co-seller pairs 2 T(v), integers
//! added atomically, which give the clustering. Parallel over partners; nothing
//! depends on the thread count.
//!
//! Clustering alone ([`clustering`], what a run computes when constraint and effective
//! size are not asked for) counts triangles with the forward algorithm (Schank & Wagner
//! 2005, "Finding, counting and listing all triangles in large graphs"; Latapy 2008):
//! ties are oriented from the lower to the higher of (degree, index), and each triangle
//! is found once, from its lowest corner, by marking that corner's out-neighbours and
//! scanning theirs: O(m·a), at most O(m^1.5), a sixth or less of the intersections
//! above, which meet every triangle six times. The coefficient is computed from the same
//! integers by the same expression, so the paths give the same bits.
//!
//! For a partner manager: clustering says whether a partner's co-sellers also co-sell
//! with each other (a tight club) or not; low constraint and high effective size mark
//! the brokers whose partners would otherwise not be connected.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::graph::Csr;

/// Per-partner results; constraint and effective size are NaN for isolated partners.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Neighborhood {
    /// Local clustering, unweighted, 0..=1; 0 with fewer than two co-sellers.
    pub clustering: Vec<f64>,
    /// Burt's constraint, weighted by deals shared; can exceed 1 in small closed groups.
    pub constraint: Vec<f64>,
    /// Burt's effective size, weighted, between 1 and the partner's degree.
    pub effective_size: Vec<f64>,
}

/// The columns from per-partner (clustering, constraint, effective size) rows, in
/// partner order.
impl FromIterator<(f64, f64, f64)> for Neighborhood {
    fn from_iter<I: IntoIterator<Item = (f64, f64, f64)>>(rows: I) -> Self {
        let mut out = Neighborhood::default();
        for (c, k, e) in rows {
            out.clustering.push(c);
            out.constraint.push(k);
            out.effective_size.push(e);
        }
        out
    }
}

/// Nodes per parallel task.
const CHUNK: usize = 256;

/// Average clustering of the co-sell network: the mean of the local clustering
/// coefficients, partners with fewer than two co-sellers counting as 0, summed in index
/// order (`average_clustering` in the summary).
///
/// For a partner manager: how often two partners who both co-sell with a third also
/// co-sell with each other, across the whole ecosystem.
///
/// # Arguments
/// * `clustering`: the local clustering of every partner
///   ([`Neighborhood::clustering`] from [`neighborhood`]).
///
/// # Returns
/// * The mean, or 0.0 for an empty network.
///
/// # Complexity
/// * Time complexity: **O(n)**; auxiliary space **O(1)**, where **n** is the number of
///   partners.
///
/// Reference: Watts & Strogatz 1998, "Collective dynamics of 'small-world' networks";
/// NetworkX `average_clustering` (with its default `count_zeros=True`).
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::neighborhood::{average_clustering, neighborhood};
/// // Triangle a, b, c; d hangs off c; e is isolated: (1 + 1 + 1/3 + 0 + 0) / 5 = 7/15
/// // (NetworkX: 0.4666...).
/// let g = Csr::symmetric_from_sorted_edges(5, &[(0, 1, 1), (0, 2, 1), (1, 2, 1), (2, 3, 1)]);
/// let avg = average_clustering(&neighborhood(&g).clustering);
/// assert!((avg - 7.0 / 15.0).abs() < 1e-15);
/// assert_eq!(average_clustering(&[]), 0.0);
/// ```
pub fn average_clustering(clustering: &[f64]) -> f64 {
    if clustering.is_empty() {
        return 0.0;
    }
    clustering.iter().sum::<f64>() / clustering.len() as f64
}

/// Local clustering, Burt's constraint and Burt's effective size of every partner, in one
/// pass over each partner's co-selling neighbourhood (definitions in the module doc):
/// clustering ignores weights, constraint and effective size weigh each tie by its shared
/// deals.
///
/// For a partner manager: clustering says whether a partner's co-sellers also co-sell
/// with each other (a tight club); low constraint and high effective size mark the
/// brokers whose partners would otherwise not be connected.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric, weight = shared deals, without self loops.
///
/// # Returns
/// * A [`Neighborhood`] with three vectors indexed like `g`'s rows: `clustering` (0 below
///   two co-sellers), `constraint` and `effective_size` (NaN for isolated partners, where
///   they are undefined).
///
/// # Complexity
/// * Time complexity: **O(Σ_{{v,u}∈E} min(d(v), d(u)) · log Δ)**, each undirected tie
///   intersected once.
/// * Auxiliary space: **O(n + m)** (two floats per tie slot), plus **O(n)** per
///   parallel task.
///
/// where **E** is the set of co-sell edges, **m** their number, **d** the degree,
/// **Δ** the largest degree and **n** the number of partners.
///
/// Reference: Watts & Strogatz 1998 (clustering); Burt 1992, *Structural Holes*, ch. 2
/// (constraint, effective size); the same values as NetworkX `clustering(G)`,
/// `constraint(G, weight="weight")` and `effective_size(G, weight="weight")`.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::neighborhood::neighborhood;
/// // Triangle a, b, c; d hangs off c; e is isolated. c brokers between the triangle and d.
/// let g = Csr::symmetric_from_sorted_edges(5, &[(0, 1, 1), (0, 2, 1), (1, 2, 1), (2, 3, 1)]);
/// let nb = neighborhood(&g);
/// // c: 1 of its 3 co-seller pairs co-sell with each other.
/// assert_eq!(nb.clustering, vec![1.0, 1.0, 1.0 / 3.0, 0.0, 0.0]);
/// // NetworkX: constraint(c) = 0.6111... = 11/18, effective_size(c) = 2.333... = 7/3,
/// // the least constrained and the largest of the five; d depends on c alone.
/// assert!((nb.constraint[2] - 11.0 / 18.0).abs() < 1e-12);
/// assert!((nb.effective_size[2] - 7.0 / 3.0).abs() < 1e-12);
/// assert_eq!((nb.constraint[3], nb.effective_size[3]), (1.0, 1.0));
/// assert!(nb.constraint[4].is_nan() && nb.effective_size[4].is_nan());
/// ```
pub fn neighborhood(g: &Csr) -> Neighborhood {
    let n = g.rows();
    let (strength, max_weight) = strengths(g);
    let sums = edge_sums(g, &strength, &max_weight);
    let rows: Vec<(f64, f64, f64)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|c| {
            let (sums, strength) = (&sums, &strength);
            (c * CHUNK..((c + 1) * CHUNK).min(n)).map(move |v| {
                let d = g.degree(v);
                if d == 0 {
                    return (0.0, f64::NAN, f64::NAN);
                }
                let sv = strength[v];
                let mut constraint = 0.0;
                let mut effective = 0.0;
                // In row order, as the per-partner pass (`neighborhood_reference`) adds.
                for (slot, &w_vn) in (g.offsets[v]..g.offsets[v + 1]).zip(g.row_weights(v)) {
                    let indirect = f64::from_bits(sums.indirect[slot].load(Ordering::Relaxed));
                    let redundancy = f64::from_bits(sums.redundancy[slot].load(Ordering::Relaxed));
                    let direct = f64::from(w_vn) / sv;
                    constraint += (direct + indirect) * (direct + indirect);
                    effective += 1.0 - redundancy;
                }
                let linked_pairs = sums.common[v].load(Ordering::Relaxed);
                (coefficient(linked_pairs, d), constraint, effective)
            })
        })
        .collect();
    rows.into_iter().collect()
}

/// Each partner's strength `Σ_x w(v,x)` and largest tie weight `max_x w(v,x)`.
fn strengths(g: &Csr) -> (Vec<f64>, Vec<f64>) {
    let n = g.rows();
    let strength: Vec<f64> = (0..n)
        .map(|v| g.row_weights(v).iter().map(|&w| f64::from(w)).sum())
        .collect();
    let max_weight: Vec<f64> = (0..n)
        .map(|v| f64::from(g.row_weights(v).iter().copied().max().unwrap_or(0)))
        .collect();
    (strength, max_weight)
}

/// The sums over common neighbours of every directed tie (v, n), by CSR slot of n in
/// v's row: `indirect = Σ_w p_vw w(n,w) / s_w` and `redundancy = Σ_w p_vw w(n,w) /
/// max_x w(n,x)`, f64 bits; and per partner `common`, the number of (neighbour, common
/// neighbour) pairs, 2 T(v).
struct EdgeSums {
    indirect: Vec<AtomicU64>,
    redundancy: Vec<AtomicU64>,
    common: Vec<AtomicU64>,
}

/// [`EdgeSums`] of every tie, one intersection per undirected tie {v, n} (v < n)
/// serving both directions: the common neighbours come out in increasing index, and
/// each direction's two sums are added in that order, term by term the expressions of
/// the per-partner pass, so every sum has the bits it had when each direction
/// intersected the two rows itself (half the intersections). The shares
/// `p_vw = w(v,w) / s_v` are divided once per slot, as that pass divided them once per
/// row, and reused by both directions.
///
/// The tie's owner v marks its row (its slots in a dense array), then scans the
/// shorter of the two rows: n's row, testing each entry against the marks, or v's row,
/// finding each entry in n's row by a search that only moves forward. Each slot is
/// written once, by the owner of its tie, and the common counts are integer atomic
/// adds, so the result does not depend on the threads.
fn edge_sums(g: &Csr, strength: &[f64], max_weight: &[f64]) -> EdgeSums {
    let n = g.rows();
    let zero = |len: usize| (0..len).map(|_| AtomicU64::new(0f64.to_bits())).collect();
    let sums = EdgeSums {
        indirect: zero(g.nnz()),
        redundancy: zero(g.nnz()),
        common: (0..n).map(|_| AtomicU64::new(0)).collect(),
    };
    let share: Vec<f64> = (0..n)
        .into_par_iter()
        .flat_map_iter(|v| {
            let sv = strength[v];
            g.row_weights(v).iter().map(move |&w| f64::from(w) / sv)
        })
        .collect();
    let ctx = TieContext {
        g,
        strength,
        max_weight,
        share: &share,
        sums: &sums,
    };
    // Scratch per rayon job, not per chunk: zeroing it for every 256 partners was tens
    // of GB of memset at 1M partners. The marks are reset after each partner, so reuse
    // cannot change a result.
    (0..n.div_ceil(CHUNK)).into_par_iter().for_each_init(
        || vec![u32::MAX; n],
        |mark, c| {
            crate::progress::checkpoint();
            for v in c * CHUNK..((c + 1) * CHUNK).min(n) {
                ctx.ties_of(v, mark);
            }
        },
    );
    sums
}

/// What [`TieContext::ties_of`] reads and writes.
struct TieContext<'a> {
    g: &'a Csr,
    strength: &'a [f64],
    max_weight: &'a [f64],
    /// `w(v,x) / s_v` by CSR slot.
    share: &'a [f64],
    sums: &'a EdgeSums,
}

impl TieContext<'_> {
    /// The sums of every tie {v, n} with n > v (see [`edge_sums`]); `mark[x]` holds
    /// v's slot offset of x while v is processed (`u32::MAX` otherwise).
    fn ties_of(&self, v: usize, mark: &mut [u32]) {
        let (g, sums) = (self.g, self.sums);
        let (nv, wv) = (g.row(v), g.row_weights(v));
        // Ties to higher indices only: the row is sorted, so they are its tail.
        let first = nv.partition_point(|&x| (x as usize) <= v);
        if first == nv.len() {
            return;
        }
        let (ov, sv) = (g.offsets[v], &self.share[g.offsets[v]..g.offsets[v + 1]]);
        for (i, &x) in nv.iter().enumerate() {
            mark[x as usize] = i as u32;
        }
        let mut common_v = 0u64;
        for (k, &nb) in nv.iter().enumerate().skip(first) {
            let nb = nb as usize;
            let (rn, wn) = (g.row(nb), g.row_weights(nb));
            let on = g.offsets[nb];
            let sn = &self.share[on..g.offsets[nb + 1]];
            // v -> n: p_vw w(n,w) / s_w and p_vw w(n,w) / max_n; n -> v: p_nw w(v,w) /
            // s_w and p_nw w(v,w) / max_v, as the per-partner pass has them.
            let (mut ind_vn, mut red_vn, mut ind_nv, mut red_nv) = (0.0, 0.0, 0.0, 0.0);
            let mut common = 0u64;
            let mut visit = |w: usize, i: usize, j: usize| {
                let (p_vw, w_vw) = (sv[i], wv[i]);
                let (p_nw, w_nw) = (sn[j], wn[j]);
                ind_vn += p_vw * f64::from(w_nw) / self.strength[w];
                red_vn += p_vw * f64::from(w_nw) / self.max_weight[nb];
                ind_nv += p_nw * f64::from(w_vw) / self.strength[w];
                red_nv += p_nw * f64::from(w_vw) / self.max_weight[v];
                common += 1;
            };
            if rn.len() <= nv.len() {
                for (j, &w) in rn.iter().enumerate() {
                    let i = mark[w as usize];
                    if i != u32::MAX {
                        visit(w as usize, i as usize, j);
                    }
                }
            } else {
                let mut from = 0;
                for (i, &w) in nv.iter().enumerate() {
                    from += rn[from..].partition_point(|&x| x < w);
                    if rn.get(from) == Some(&w) {
                        visit(w as usize, i, from);
                    }
                }
            }
            let (at_v, at_n) = (ov + k, on + slot_of(rn, v));
            sums.indirect[at_v].store(ind_vn.to_bits(), Ordering::Relaxed);
            sums.redundancy[at_v].store(red_vn.to_bits(), Ordering::Relaxed);
            sums.indirect[at_n].store(ind_nv.to_bits(), Ordering::Relaxed);
            sums.redundancy[at_n].store(red_nv.to_bits(), Ordering::Relaxed);
            if common > 0 {
                common_v += common;
                sums.common[nb].fetch_add(common, Ordering::Relaxed);
            }
        }
        if common_v > 0 {
            sums.common[v].fetch_add(common_v, Ordering::Relaxed);
        }
        for &x in nv {
            mark[x as usize] = u32::MAX;
        }
    }
}

/// The position of `v` in the sorted row `row` (the graph is symmetric: it is there).
fn slot_of(row: &[u32], v: usize) -> usize {
    row.partition_point(|&x| (x as usize) < v)
}

/// The per-partner pass [`neighborhood`] replaced, kept as its reference (property
/// tests compare the bits): for every directed tie (v, n) the shorter of the two rows
/// is scanned, so each tie's common neighbours are found twice, and each triangle six
/// times.
///
/// # Complexity
/// * Time complexity: **O(Σ_{(v,u)∈E} min(d(v), d(u)) · log Δ)**; auxiliary space
///   **O(n)** per parallel task.
pub fn neighborhood_reference(g: &Csr) -> Neighborhood {
    let n = g.rows();
    let (strength, max_weight) = strengths(g);
    let rows: Vec<(f64, f64, f64)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|c| {
            crate::progress::checkpoint();
            let mut mark = vec![u32::MAX; n];
            let mut share = vec![0.0f64; n];
            let (strength, max_weight) = (&strength, &max_weight);
            (c * CHUNK..((c + 1) * CHUNK).min(n))
                .map(|v| node(g, v, strength, max_weight, &mut mark, &mut share))
                .collect::<Vec<_>>()
        })
        .collect();
    rows.into_iter().collect()
}

/// Local clustering of every partner alone, by triangle counting (module doc): the
/// same values, bit for bit, as [`neighborhood`]'s `clustering`, without the tie sums,
/// when constraint and effective size are not needed.
///
/// For a partner manager: whether a partner's co-sellers also co-sell with each other
/// (a tight club) or not.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric, without self loops (weights are ignored).
///
/// # Returns
/// * The local clustering of each partner, indexed like `g`'s rows, 0..=1; 0 with fewer
///   than two co-sellers.
///
/// # Complexity
/// * Time complexity: **O(m · a)**, at most **O(m^1.5)**.
/// * Auxiliary space: **O(n + m)**, plus **O(n)** per parallel task.
///
/// where **m** is the number of co-sell edges, **n** the number of partners and **a**
/// the graph's arboricity (small for co-sell networks).
///
/// Reference: Watts & Strogatz 1998 (the coefficient); Schank & Wagner 2005, "Finding,
/// counting and listing all triangles in large graphs" (the forward algorithm); the
/// same values as NetworkX `clustering(G)`.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::neighborhood::{clustering, neighborhood};
/// // Triangle a, b, c; d hangs off c; e is isolated.
/// let g = Csr::symmetric_from_sorted_edges(5, &[(0, 1, 1), (0, 2, 1), (1, 2, 1), (2, 3, 1)]);
/// // c: 1 of its 3 co-seller pairs co-sell with each other (NetworkX: 0.333...).
/// assert_eq!(clustering(&g), vec![1.0, 1.0, 1.0 / 3.0, 0.0, 0.0]);
/// assert_eq!(clustering(&g), neighborhood(&g).clustering);
/// ```
pub fn clustering(g: &Csr) -> Vec<f64> {
    let n = g.rows();
    let t = triangles(g);
    (0..n).map(|v| coefficient(2 * t[v], g.degree(v))).collect()
}

/// Triangles through each node (forward algorithm, module doc).
fn triangles(g: &Csr) -> Vec<u64> {
    let n = g.rows();
    // Rank by (degree, index): ties point from the lower rank to the higher one.
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_unstable_by_key(|&v| (g.degree(v as usize), v));
    let mut rank = vec![0u32; n];
    for (r, &v) in order.iter().enumerate() {
        rank[v as usize] = r as u32;
    }
    // Out-neighbours of each rank, in rank space.
    let mut offsets = vec![0usize; n + 1];
    for (r, &v) in order.iter().enumerate() {
        let up = g
            .row(v as usize)
            .iter()
            .filter(|&&u| rank[u as usize] > r as u32)
            .count();
        offsets[r + 1] = offsets[r] + up;
    }
    let mut targets = vec![0u32; offsets[n]];
    for (r, &v) in order.iter().enumerate() {
        let mut i = offsets[r];
        for &u in g.row(v as usize) {
            let ru = rank[u as usize];
            if ru > r as u32 {
                targets[i] = ru;
                i += 1;
            }
        }
    }
    let out = |r: usize| &targets[offsets[r]..offsets[r + 1]];
    let found: Vec<AtomicU64> = (0..n).map(|_| AtomicU64::new(0)).collect();
    // One mark array per rayon job (a mark is the index of the node that set it, and
    // each node sets its own, so a reused array cannot mislead).
    (0..n.div_ceil(CHUNK)).into_par_iter().for_each_init(
        || vec![u32::MAX; n],
        |mark, c| {
            crate::progress::checkpoint();
            for u in c * CHUNK..((c + 1) * CHUNK).min(n) {
                let ou = out(u);
                if ou.len() < 2 {
                    continue;
                }
                for &w in ou {
                    mark[w as usize] = u as u32;
                }
                // Each triangle u < v < w (in rank) once, from u.
                let mut at_u = 0u64;
                for &v in ou {
                    let mut at_v = 0u64;
                    for &w in out(v as usize) {
                        if mark[w as usize] == u as u32 {
                            at_v += 1;
                            found[w as usize].fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    if at_v > 0 {
                        found[v as usize].fetch_add(at_v, Ordering::Relaxed);
                        at_u += at_v;
                    }
                }
                if at_u > 0 {
                    found[u].fetch_add(at_u, Ordering::Relaxed);
                }
            }
        },
    );
    let mut t = vec![0u64; n];
    for (r, f) in found.into_iter().enumerate() {
        t[order[r] as usize] = f.into_inner();
    }
    t
}

/// `2 T / (d (d - 1))` from `2 T` (ordered pairs of linked co-sellers), 0 when d < 2:
/// the one expression every path uses, so they agree bit for bit.
fn coefficient(linked_pairs: u64, d: usize) -> f64 {
    if d < 2 {
        0.0
    } else {
        linked_pairs as f64 / (d as f64 * (d - 1) as f64)
    }
}

/// (clustering, constraint, effective size) of one partner.
fn node(
    g: &Csr,
    v: usize,
    strength: &[f64],
    max_weight: &[f64],
    mark: &mut [u32],
    share: &mut [f64],
) -> (f64, f64, f64) {
    let nv = g.row(v);
    let d = nv.len();
    if d == 0 {
        return (0.0, f64::NAN, f64::NAN);
    }
    let sv = strength[v];
    for (&x, &w) in nv.iter().zip(g.row_weights(v)) {
        mark[x as usize] = v as u32;
        share[x as usize] = f64::from(w) / sv;
    }
    let mut common_total = 0u64;
    let mut constraint = 0.0;
    let mut effective = 0.0;
    for (&nb, &w_vn) in nv.iter().zip(g.row_weights(v)) {
        let nb = nb as usize;
        let (rn, wn) = (g.row(nb), g.row_weights(nb));
        let mut indirect = 0.0;
        let mut redundancy = 0.0;
        let mut common = 0u64;
        let mut visit = |w: usize, w_nw: u32| {
            // p_vw p_wn and p_vw m_nw; w(w, n) = w(n, w).
            let p_vw = share[w];
            indirect += p_vw * f64::from(w_nw) / strength[w];
            redundancy += p_vw * f64::from(w_nw) / max_weight[nb];
            common += 1;
        };
        if rn.len() <= d {
            for (&w, &w_nw) in rn.iter().zip(wn) {
                if mark[w as usize] == v as u32 {
                    visit(w as usize, w_nw);
                }
            }
        } else {
            for &w in nv {
                if let Ok(i) = rn.binary_search(&w) {
                    visit(w as usize, wn[i]);
                }
            }
        }
        common_total += common;
        let direct = f64::from(w_vn) / sv;
        constraint += (direct + indirect) * (direct + indirect);
        effective += 1.0 - redundancy;
    }
    for &x in nv {
        mark[x as usize] = u32::MAX;
    }
    (coefficient(common_total, d), constraint, effective)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangle_with_tail() {
        // 0-1-2 triangle, 2-3 tail, 4 isolated; unit weights.
        let g = Csr::symmetric_from_sorted_edges(5, &[(0, 1, 1), (0, 2, 1), (1, 2, 1), (2, 3, 1)]);
        let r = neighborhood(&g);
        assert_eq!(r.clustering, vec![1.0, 1.0, 1.0 / 3.0, 0.0, 0.0]);
        // Node 3: one neighbour (2), no common neighbours: constraint 1, esize 1.
        assert_eq!(r.constraint[3], 1.0);
        assert_eq!(r.effective_size[3], 1.0);
        // Node 0: neighbours 1, 2 (p = 1/2 each); p_12 = 1/2, p_21 = 1/3.
        // C = (1/2 + 1/2·1/3)² + (1/2 + 1/2·1/2)²
        let c0 = (0.5f64 + 0.5 / 3.0).powi(2) + (0.5f64 + 0.25).powi(2);
        assert!((r.constraint[0] - c0).abs() < 1e-15);
        // E(0) = 2 - (1/2·1 + 1/2·1) = 1
        assert!((r.effective_size[0] - 1.0).abs() < 1e-15);
        assert!(r.constraint[4].is_nan() && r.effective_size[4].is_nan());
        assert!((average_clustering(&r.clustering) - (7.0 / 3.0) / 5.0).abs() < 1e-15);
        assert_eq!(clustering(&g), r.clustering);
    }

    #[test]
    fn triangle_counting_equals_the_neighbourhood_pass() {
        // K5 plus a pendant and a 4-cycle with one chord: hubs, ties of degree, leaves.
        let mut e = Vec::new();
        for a in 0..5u32 {
            for b in a + 1..5 {
                e.push((a, b, 1));
            }
        }
        e.extend([
            (4, 5, 2),
            (6, 7, 1),
            (6, 9, 1),
            (7, 8, 1),
            (7, 9, 3),
            (8, 9, 1),
        ]);
        e.sort_unstable();
        let g = Csr::symmetric_from_sorted_edges(11, &e);
        let t = triangles(&g);
        assert_eq!(t, vec![6, 6, 6, 6, 6, 0, 1, 2, 1, 2, 0]);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&clustering(&g)), bits(&neighborhood(&g).clustering));
        let (new, old) = (neighborhood(&g), neighborhood_reference(&g));
        assert_eq!(bits(&new.clustering), bits(&old.clustering));
        assert_eq!(bits(&new.constraint), bits(&old.constraint));
        assert_eq!(bits(&new.effective_size), bits(&old.effective_size));
    }
}
