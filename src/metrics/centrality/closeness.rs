//! Closeness (Wasserman-Faust) and harmonic centrality by hops: how few co-selling
//! steps separate a partner from the rest of the ecosystem.
//!
//! Definitions (contract §3; NetworkX `closeness_centrality` with `wf_improved=True` and
//! `harmonic_centrality` divided by n-1): with r(v) the partners reachable from v
//! (v included), `closeness(v) = (|r(v)|-1)/Σ_{u∈r(v)} d(v,u) · (|r(v)|-1)/(n-1)`
//! (Wasserman & Faust 1994, eq. 5.3; 0 when v reaches nobody), and
//! `harmonic(v) = Σ_{u≠v} 1/d(v,u) / (n-1)` (Marchiori & Latora 2000; 1/∞ = 0; 0 for n = 1).
//!
//! Computed with a multi-source BFS (Then et al. 2014, "The more the merrier: efficient
//! multi-source graph traversal", VLDB 8(4)): 512 sources share one traversal, each node
//! carrying a 512-bit mask (one cache line) of the sources that have reached it. The
//! graph is undirected, so d(s, v) = d(v, s): when the sources of mask bits reach v at
//! level d, v's own farness grows by d·popcount and its harmonic sum by popcount/d.
//! Three things make it fast on partner networks (measured in BENCHMARKS.md):
//! - the graph is first renumbered breadth-first (`centrality::relabel`), so neighbours
//!   sit close in memory and each component is one range of ids;
//! - a top-down level only ORs the frontier into its neighbours' `next` masks (one
//!   cache line written per edge); new bits are separated from seen ones once per node;
//! - levels whose frontier touches more than `BOTTOM_UP_SHARE` (5 %) of the component's
//!   edges run bottom-up (Beamer et al. 2012, "Direction-optimizing breadth-first
//!   search", SC'12): every node not yet reached by all sources ORs its neighbours'
//!   frontiers, reading memory in order and skipping nodes already saturated.
//!
//! Every node accumulates only its own sums, batches of sources run in parallel, and
//! the per-batch partials are folded in batch order (integers are exact; the harmonic
//! floats are folded in fixed order, and the renumbering depends on the graph alone),
//! so the result is the same for any thread count.
//! Time O(n/512 · D · m) cache-line operations for diameter D; memory O(n) per thread.
//!
//! For a partner manager: high closeness means the partner can reach, through co-selling
//! relationships, most of the ecosystem in few steps; harmonic says the same but is not
//! dominated by islands the partner cannot reach.

use std::sync::Mutex;

use super::ordered::ordered_fold;
use super::relabel::Relabelled;
use crate::graph::Csr;
use crate::progress::Meter;

/// Words per source mask: 8 x 64 = 512 sources share one traversal, and one node's mask
/// is one 64-byte cache line.
const WORDS: usize = 8;
/// Sources per batch.
const LANES: usize = 64 * WORDS;
/// Batches per fold chunk (fixed: the float summation order depends on it).
const BATCHES_PER_CHUNK: usize = 1;
/// A level runs bottom-up when its frontier's edges exceed this share of the
/// component's (tuned on the 100k-partner benchmark network: from 2 % to 20 % the time
/// hardly changes; top-down only is about 3x slower).
const BOTTOM_UP_SHARE: f64 = 0.05;

type Mask = [u64; WORDS];
const EMPTY: Mask = [0; WORDS];

fn is_empty(m: &Mask) -> bool {
    m.iter().fold(0, |a, &w| a | w) == 0
}

/// Per-node sums over all sources.
pub(super) struct Sums {
    /// Σ d(s, v) over the sources s that reach v.
    pub(super) farness: Vec<u64>,
    /// Sources s ≠ v that reach v.
    pub(super) reached: Vec<u32>,
    /// Σ 1 / d(s, v) over the sources s ≠ v that reach v.
    pub(super) harmonic: Vec<f64>,
}

impl Sums {
    fn new(n: usize) -> Self {
        Sums {
            farness: vec![0; n],
            reached: vec![0; n],
            harmonic: vec![0.0; n],
        }
    }

    fn add(&mut self, o: &Sums) {
        for i in 0..self.farness.len() {
            self.farness[i] += o.farness[i];
            self.reached[i] += o.reached[i];
            self.harmonic[i] += o.harmonic[i];
        }
    }

    /// Adds the contribution of `new` sources first reaching `w` at level `d`.
    fn reach(&mut self, w: usize, d: u64, count: u32) {
        self.farness[w] += d * u64::from(count);
        self.reached[w] += count;
        self.harmonic[w] += f64::from(count) / d as f64;
    }
}

/// The component every source of a batch lies in, when they share one: its node range
/// and its number of arcs (both directions counted).
#[derive(Clone)]
struct Component {
    nodes: std::ops::Range<usize>,
    arcs: usize,
}

/// Per-thread traversal state; all masks are empty between runs.
struct Masks {
    seen: Vec<Mask>,
    frontier: Vec<Mask>,
    next: Vec<Mask>,
    active: Vec<u32>,
    touched: Vec<u32>,
    visited: Vec<u32>,
}

impl Masks {
    fn new(n: usize) -> Self {
        Masks {
            seen: vec![EMPTY; n],
            frontier: vec![EMPTY; n],
            next: vec![EMPTY; n],
            active: Vec::new(),
            touched: Vec::new(),
            visited: Vec::new(),
        }
    }

    /// One multi-source BFS from up to [`LANES`] `sources`, adding into `sums`. With
    /// `single`, all sources lie in that component and levels may run bottom-up.
    fn run(&mut self, g: &Csr, sources: &[u32], single: Option<&Component>, sums: &mut Sums) {
        self.active.clear();
        self.visited.clear();
        let mut all = EMPTY;
        for (bit, &s) in sources.iter().enumerate() {
            let s = s as usize;
            if is_empty(&self.seen[s]) {
                self.active.push(s as u32);
                self.visited.push(s as u32);
            }
            let (word, mask) = (bit / 64, 1u64 << (bit % 64));
            self.seen[s][word] |= mask;
            self.frontier[s][word] |= mask;
            all[word] |= mask;
        }
        let mut d = 0u64;
        while !self.active.is_empty() {
            d += 1;
            self.touched.clear();
            let work: usize = self.active.iter().map(|&v| g.degree(v as usize)).sum();
            match single {
                Some(c) if work as f64 > BOTTOM_UP_SHARE * c.arcs as f64 => {
                    self.bottom_up(g, c.nodes.clone(), &all)
                }
                _ => self.top_down(g),
            }
            for &v in &self.active {
                self.frontier[v as usize] = EMPTY;
            }
            self.active.clear();
            for &w in &self.touched {
                let w = w as usize;
                let next = std::mem::replace(&mut self.next[w], EMPTY);
                let seen = &mut self.seen[w];
                let (mut new, mut count, mut before) = (EMPTY, 0u32, 0u64);
                for k in 0..WORDS {
                    before |= seen[k];
                    new[k] = next[k] & !seen[k];
                    seen[k] |= new[k];
                    count += new[k].count_ones();
                }
                if count == 0 {
                    continue;
                }
                if before == 0 {
                    self.visited.push(w as u32);
                }
                self.frontier[w] = new;
                self.active.push(w as u32);
                sums.reach(w, d, count);
            }
        }
        for &v in &self.visited {
            self.seen[v as usize] = EMPTY;
        }
    }

    /// Pushes every frontier mask into the neighbours' `next` masks.
    fn top_down(&mut self, g: &Csr) {
        for &v in &self.active {
            let f = self.frontier[v as usize];
            for &w in g.row(v as usize) {
                let next = &mut self.next[w as usize];
                if is_empty(next) {
                    self.touched.push(w);
                }
                for k in 0..WORDS {
                    next[k] |= f[k];
                }
            }
        }
    }

    /// Every node of `nodes` not yet reached by `all` sources pulls its neighbours'
    /// frontier masks.
    fn bottom_up(&mut self, g: &Csr, nodes: std::ops::Range<usize>, all: &Mask) {
        for w in nodes {
            let seen = &self.seen[w];
            if seen == all {
                continue;
            }
            let mut pulled = EMPTY;
            for &v in g.row(w) {
                let f = &self.frontier[v as usize];
                for k in 0..WORDS {
                    pulled[k] |= f[k];
                }
            }
            let mut any = 0;
            for k in 0..WORDS {
                pulled[k] &= !seen[k];
                any |= pulled[k];
            }
            if any != 0 {
                self.next[w] = pulled;
                self.touched.push(w as u32);
            }
        }
    }
}

/// Closeness and harmonic centrality of every partner, by hops (edge weights are
/// ignored), in NetworkX's definitions: closeness with the Wasserman-Faust correction
/// for partners that cannot reach the whole network, harmonic divided by n - 1 (formulas
/// in the module doc). Both come from the same breadth-first searches, 512 sources at a
/// time.
///
/// For a partner manager: high closeness means the partner reaches most of the ecosystem
/// through co-selling relationships in few steps; harmonic says the same but is not
/// dominated by islands the partner cannot reach.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric.
/// * `meter`: where to report the batches of 512 sources done; `None` reports nothing.
///
/// # Returns
/// * `(closeness, harmonic)`, each indexed like `g`'s rows, in [0, 1]; both 0 for an
///   isolated partner (and for every partner when n ≤ 1).
///
/// # Complexity
/// * Time complexity: **O(⌈n / 512⌉ · D · (n + m))** operations on 512-bit masks
///   (the **O(n (n + m))** of one BFS per source, 512 sources per traversal).
/// * Auxiliary space: **O(n)** per thread (three 64-byte masks per partner).
///
/// where **n** is the number of partners, **m** the number of co-sell edges and **D** the
/// diameter of the largest component.
///
/// Reference: Wasserman & Faust 1994, *Social Network Analysis*, eq. 5.3; Marchiori &
/// Latora 2000, "Harmony in the small-world"; the same values as NetworkX
/// `closeness_centrality(G, wf_improved=True)` and `harmonic_centrality(G)` / (n - 1).
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::closeness::closeness_harmonic;
/// // A path a - b - c and an isolated d (n = 4).
/// let g = Csr::symmetric_from_sorted_edges(4, &[(0, 1, 1), (1, 2, 1)]);
/// let (closeness, harmonic) = closeness_harmonic(&g, None);
/// // b reaches 2 partners at total distance 2: (2/2)·(2/3); a at distance 3: (2/3)·(2/3).
/// assert!((closeness[1] - 2.0 / 3.0).abs() < 1e-15);
/// assert!((closeness[0] - 4.0 / 9.0).abs() < 1e-15);
/// // a: (1/1 + 1/2) / 3; b: (1 + 1) / 3. NetworkX agrees on all eight values.
/// assert!((harmonic[0] - 0.5).abs() < 1e-15 && (harmonic[1] - 2.0 / 3.0).abs() < 1e-15);
/// assert_eq!((closeness[3], harmonic[3]), (0.0, 0.0));
/// ```
pub fn closeness_harmonic(g: &Csr, meter: Option<&Meter>) -> (Vec<f64>, Vec<f64>) {
    let r = Relabelled::breadth_first(g);
    // Every partner with a co-sell edge is a source (an isolated one reaches nobody).
    let sources: Vec<u32> = (0..g.rows() as u32)
        .filter(|&v| r.graph.degree(v as usize) > 0)
        .collect();
    let sums = traverse(&r, &sources, meter);
    let sums = Sums {
        farness: r.to_original(&sums.farness),
        reached: r.to_original(&sums.reached),
        harmonic: r.to_original(&sums.harmonic),
    };
    finish(g.rows(), &sums)
}

/// The per-node sums (by new id of `r`) over the BFS of every source in `sources` (new
/// ids, ascending), 512 sources per traversal, batches in parallel and folded in batch
/// order; reports the batches done to `meter`. The exact computation passes every
/// partner with an edge, the sampled one ([`super::closeness_sampled`]) its sample.
pub(super) fn traverse(r: &Relabelled, sources: &[u32], meter: Option<&Meter>) -> Sums {
    let n = r.graph.rows();
    let h = &r.graph;
    let components: Vec<Component> = r
        .components
        .iter()
        .map(|nodes| Component {
            nodes: nodes.clone(),
            arcs: h.offsets[nodes.end] - h.offsets[nodes.start],
        })
        .collect();
    // Components are contiguous, so batches of consecutive sources mostly share one.
    let batches = sources.len().div_ceil(LANES);
    // Scratch masks are reused across batches: a fresh set per batch would page-fault
    // 3 x 64 bytes per node each time.
    let pool: Mutex<Vec<Masks>> = Mutex::new(Vec::new());
    ordered_fold(
        batches,
        BATCHES_PER_CHUNK,
        meter,
        "source batches",
        || Sums::new(n),
        |range, sums| {
            let taken = pool.lock().ok().and_then(|mut p| p.pop());
            let mut m = taken.unwrap_or_else(|| Masks::new(n));
            for b in range {
                let batch = &sources[b * LANES..((b + 1) * LANES).min(sources.len())];
                let first = r.component_of[batch[0] as usize];
                let last = r.component_of[batch[batch.len() - 1] as usize];
                let single = (first == last).then(|| &components[first as usize]);
                m.run(h, batch, single, sums);
            }
            if let Ok(mut p) = pool.lock() {
                p.push(m);
            }
        },
        |t, p| t.add(p),
    )
}

fn finish(n: usize, sums: &Sums) -> (Vec<f64>, Vec<f64>) {
    let mut closeness = vec![0.0; n];
    let mut harmonic = vec![0.0; n];
    if n <= 1 {
        return (closeness, harmonic);
    }
    let n1 = (n - 1) as f64;
    for v in 0..n {
        let reach = f64::from(sums.reached[v]);
        if sums.farness[v] > 0 {
            closeness[v] = reach / sums.farness[v] as f64 * (reach / n1);
        }
        harmonic[v] = sums.harmonic[v] / n1;
    }
    (closeness, harmonic)
}

/// One plain BFS per source, sequential: the reference for tests.
pub fn closeness_harmonic_sequential(g: &Csr) -> (Vec<f64>, Vec<f64>) {
    let n = g.rows();
    let mut sums = Sums::new(n);
    let mut dist = vec![u32::MAX; n];
    let mut queue = Vec::new();
    for s in 0..n {
        queue.clear();
        queue.push(s);
        dist[s] = 0;
        let mut head = 0;
        while head < queue.len() {
            let v = queue[head];
            head += 1;
            for &w in g.row(v) {
                if dist[w as usize] == u32::MAX {
                    dist[w as usize] = dist[v] + 1;
                    queue.push(w as usize);
                }
            }
        }
        for &v in &queue[1..] {
            let d = dist[v];
            sums.farness[s] += u64::from(d);
            sums.reached[s] += 1;
            sums.harmonic[s] += 1.0 / f64::from(d);
        }
        for &v in &queue {
            dist[v] = u32::MAX;
        }
    }
    finish(n, &sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_isolated() {
        // 0-1-2 and an isolated 3: n = 4.
        let g = Csr::symmetric_from_sorted_edges(4, &[(0, 1, 1), (1, 2, 1)]);
        let (c, h) = closeness_harmonic(&g, None);
        // node 1: reaches 2 at total distance 2 -> (2/2)·(2/3)
        assert!((c[1] - 2.0 / 3.0).abs() < 1e-15);
        // node 0: reaches 2 at distance 3 -> (2/3)·(2/3)
        assert!((c[0] - 4.0 / 9.0).abs() < 1e-15);
        assert_eq!(c[3], 0.0);
        assert!((h[0] - 1.5 / 3.0).abs() < 1e-15);
        assert_eq!(h[3], 0.0);
    }

    #[test]
    fn multi_source_matches_plain_bfs() {
        let mut e = Vec::new();
        for i in 0..500u32 {
            for d in [1, 9, 40] {
                if i + d < 500 && (i * 7 + d) % 6 != 0 {
                    e.push((i, i + d, 1));
                }
            }
        }
        e.sort_unstable();
        let g = Csr::symmetric_from_sorted_edges(520, &e);
        let (c, h) = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| closeness_harmonic(&g, None));
        let (c0, h0) = closeness_harmonic_sequential(&g);
        assert_eq!(c, c0, "closeness uses exact integers");
        for (a, b) in h.iter().zip(&h0) {
            assert!((a - b).abs() < 1e-12);
        }
        assert_eq!(closeness_harmonic(&g, None), (c, h));
    }
}
