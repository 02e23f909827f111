//! Brandes' exact betweenness, several sources per sweep, with the bits of one sweep per
//! source.
//!
//! [`Batch`] runs up to [`LANES`] breadth-first searches at once, one per *lane*, in the
//! spirit of multi-source BFS (Then et al. 2014, "The more the merrier: efficient
//! multi-source graph traversal", VLDB) and of the batched algebraic Brandes of
//! GraphBLAS / LAGraph (Buluç & Gilbert's combinatorial BLAS; GAP times exact
//! betweenness in batches of sources). Per node, the per-lane state sits side by side
//! (`[f64; LANES]`, one cache line): a node reached by several lanes is loaded once for
//! all of them, the dependency sums of the lanes are independent chains the processor
//! overlaps (a single source's sum is one serial chain of additions), and which lanes
//! reached a node is one byte, so a neighbour every lane has already seen costs a load
//! and a test. Levels are global depths: the list of a depth holds each node that some
//! lane reaches at that depth once, with the byte of those lanes.
//!
//! **Same bits as one source at a time** (`betweenness::Scratch`, the reference):
//! - σ: path counts are integers, exact in f64 while at most 2^53; every partial sum is
//!   at most the final count, so when no final count exceeds 2^53 every order of
//!   addition gives the same bits. A batch where one does is recomputed with the
//!   reference, source by source (never seen on co-sell networks, but possible).
//! - δ: each lane sums `coeff` over the whole row of a node, in CSR order, exactly as the
//!   reference does; entries of other depths are +0.0 in that lane in both (the backward
//!   pass goes from the farthest depth, and in a BFS a neighbour is at most one level
//!   away), and adding +0.0 to a non-negative sum changes no bit. Then `δ = σ·sum` and
//!   `coeff = (1 + δ)/σ`, the same operations.
//! - The dependencies are added into the caller's accumulator per node in source order,
//!   after the batch, as the reference adds them source after source.
//!
//! **Leaf folding** (Sariyüce et al. 2013, "Shattering and compressing networks for
//! betweenness centrality", SDM; Puzis et al. 2012), kept exact: the search from a leaf
//! ℓ (one neighbour u) is the search from u shifted one level, so for every node v other
//! than u and ℓ, δ_ℓ(v) = δ_u(v) bit for bit (same σ, the same successors in the same
//! rows: ℓ is in no row but u's), and δ_ℓ(u) is the sum of u's row without ℓ. A leaf's
//! lane therefore starts at its neighbour, and sources sharing a start share a lane:
//! the breadth-first numbering gives a node's leaves consecutive ids, so a hub's leaves
//! usually cost one search together.
//!
//! Time O(m) per lane as the reference (each arc is scanned once per distinct depth
//! among the lanes that reach its node); memory O(LANES · n), reused across batches.

use crate::graph::Csr;

/// Most searches per sweep: one byte of lane flags per node.
pub(crate) const LANES: usize = 8;

/// Largest path count every order of f64 additions computes exactly (2^53).
const EXACT_SIGMA: f64 = 9_007_199_254_740_992.0;

/// The state of one batch of searches, reset only where it was touched.
pub(crate) struct Batch<const L: usize> {
    /// σ per lane while searching; after the backward pass, δ per lane.
    sd: Vec<[f64; L]>,
    /// `(1 + δ_s(w)) / σ_sw` per lane once w's dependency is final, +0.0 before.
    coeff: Vec<[f64; L]>,
    /// Lanes that have reached each node (bit k: lane k).
    seen: Vec<u8>,
    /// Lanes reaching each node at the depth being discovered.
    next: Vec<u8>,
    /// Per depth, the nodes some lane reaches at it: depth k is
    /// `nodes[levels[k]..levels[k + 1]]`, with the lanes in `masks`.
    nodes: Vec<u32>,
    masks: Vec<u8>,
    levels: Vec<usize>,
    /// Every node reached by some lane, once.
    touched: Vec<u32>,
    /// The sums of the depth being accumulated.
    level_sum: Vec<[f64; L]>,
    /// Start node of each lane.
    starts: Vec<u32>,
    /// Lane of each source of the run.
    lane_of: Vec<usize>,
    /// δ_ℓ(u) of each source of the run that is a leaf ℓ started at u (else unused).
    leaf_delta: Vec<f64>,
}

impl<const L: usize> Batch<L> {
    /// Scratch for graphs of `n` nodes.
    pub(crate) fn new(n: usize) -> Batch<L> {
        Batch {
            sd: vec![[0.0; L]; n],
            coeff: vec![[0.0; L]; n],
            seen: vec![0; n],
            next: vec![0; n],
            nodes: Vec::new(),
            masks: Vec::new(),
            levels: Vec::new(),
            touched: Vec::new(),
            level_sum: Vec::new(),
            starts: Vec::with_capacity(L),
            lane_of: Vec::new(),
            leaf_delta: Vec::new(),
        }
    }

    /// Adds δ_s(v) to `acc[v]` for every source s of `sources` (in that order) and
    /// every node v ≠ s, with the bits of the reference; `reference(s, acc)` is called
    /// for the sources of a batch whose path counts exceed 2^53. Sources must have an
    /// edge.
    pub(crate) fn accumulate(
        &mut self,
        g: &Csr,
        sources: &[u32],
        acc: &mut [f64],
        mut reference: impl FnMut(usize, &mut [f64]),
    ) {
        let mut i = 0;
        while i < sources.len() {
            // The longest run from i whose sources start at most LANES distinct nodes.
            self.starts.clear();
            self.lane_of.clear();
            let mut j = i;
            while j < sources.len() {
                let start = start_of(g, sources[j]);
                match self.starts.iter().position(|&x| x == start) {
                    Some(k) => self.lane_of.push(k),
                    None if self.starts.len() < L => {
                        self.lane_of.push(self.starts.len());
                        self.starts.push(start);
                    }
                    None => break,
                }
                j += 1;
            }
            if self.sweeps(g) {
                self.add_run(g, &sources[i..j], acc);
            } else {
                for &s in &sources[i..j] {
                    reference(s as usize, acc);
                }
            }
            self.reset();
            i = j;
        }
    }

    /// [`Self::forward`] then, unless it failed, [`Self::backward`]. (Compiling them for
    /// AVX2 as well made no difference on the 20k benchmark: the sweeps wait on memory.)
    fn sweeps(&mut self, g: &Csr) -> bool {
        let exact = self.forward(g);
        if exact {
            self.backward(g);
        }
        exact
    }

    /// The breadth-first searches of all lanes, level by level, filling σ, the depth
    /// lists and `touched`. False when some path count exceeds 2^53.
    fn forward(&mut self, g: &Csr) -> bool {
        self.levels.push(0);
        for (k, &s) in self.starts.iter().enumerate() {
            let s = s as usize;
            self.seen[s] = 1 << k;
            self.sd[s][k] = 1.0;
            self.nodes.push(s as u32);
            self.masks.push(1 << k);
            self.touched.push(s as u32);
        }
        let mut head = 0;
        while head < self.nodes.len() {
            let end = self.nodes.len();
            self.levels.push(end);
            for i in head..end {
                let v = self.nodes[i] as usize;
                let lanes = self.masks[i];
                // σ of the lanes at this depth, +0.0 in the others: adding it where every
                // one of `lanes` is new changes the other lanes by no bit.
                let sv = masked(&self.sd[v], lanes);
                for &w in g.row(v) {
                    let w = w as usize;
                    let new = lanes & !self.seen[w];
                    if new != 0 {
                        if self.next[w] == 0 {
                            self.nodes.push(w as u32);
                        }
                        self.next[w] |= new;
                        let add = if new == lanes { sv } else { masked(&sv, new) };
                        let sw = &mut self.sd[w];
                        for k in 0..L {
                            sw[k] += add[k];
                        }
                    }
                }
            }
            for i in end..self.nodes.len() {
                let w = self.nodes[i] as usize;
                if self.seen[w] == 0 {
                    self.touched.push(w as u32);
                }
                let m = std::mem::take(&mut self.next[w]);
                self.seen[w] |= m;
                self.masks.push(m);
            }
            head = end;
        }
        self.touched
            .iter()
            .all(|&v| self.sd[v as usize].iter().all(|&x| x <= EXACT_SIGMA))
    }

    /// Brandes' backward pass of all lanes, depth by depth from the farthest, pulling:
    /// `δ(v) = σ(v) · Σ_{w ∈ N(v)} coeff(w)` per lane reaching v at that depth (see the
    /// module doc for why the other entries are +0.0). Leaves δ in `sd`.
    fn backward(&mut self, g: &Csr) {
        for d in (0..self.levels.len() - 1).rev() {
            let (lo, hi) = (self.levels[d], self.levels[d + 1]);
            self.level_sum.clear();
            for &v in &self.nodes[lo..hi] {
                let coeff = &self.coeff;
                let sum = g.row(v as usize).iter().fold([0.0; L], |mut sum, &w| {
                    let c = &coeff[w as usize];
                    for k in 0..L {
                        sum[k] += c[k];
                    }
                    sum
                });
                self.level_sum.push(sum);
            }
            for (i, sum) in (lo..hi).zip(&self.level_sum) {
                let v = self.nodes[i] as usize;
                let lanes = self.masks[i];
                for (k, &s) in sum.iter().enumerate() {
                    if (lanes >> k) & 1 != 0 {
                        let sigma = self.sd[v][k];
                        let delta = sigma * s;
                        self.coeff[v][k] = (1.0 + delta) / sigma;
                        self.sd[v][k] = delta;
                    }
                }
            }
        }
    }

    /// Adds the dependencies of `sources` (the run the lanes were started for) into
    /// `acc`, per node in source order.
    fn add_run(&mut self, g: &Csr, sources: &[u32], acc: &mut [f64]) {
        // δ_ℓ(u) for a leaf ℓ started at u: u's row without ℓ, in CSR order; σ_ℓu = 1.
        self.leaf_delta.clear();
        for (&s, &k) in sources.iter().zip(&self.lane_of) {
            let u = self.starts[k];
            let mut sum = 0.0;
            if u != s {
                for &x in g.row(u as usize) {
                    if x != s {
                        sum += self.coeff[x as usize][k];
                    }
                }
            }
            self.leaf_delta.push(1.0 * sum);
        }
        for &v in &self.touched {
            let deltas = &self.sd[v as usize];
            let a = &mut acc[v as usize];
            for ((&s, &k), &leaf) in sources.iter().zip(&self.lane_of).zip(&self.leaf_delta) {
                if v == s {
                    continue;
                }
                *a += if v == self.starts[k] { leaf } else { deltas[k] };
            }
        }
    }

    /// Clears what the batch touched.
    fn reset(&mut self) {
        for &v in &self.touched {
            let v = v as usize;
            self.sd[v] = [0.0; L];
            self.coeff[v] = [0.0; L];
            self.seen[v] = 0;
        }
        self.touched.clear();
        self.nodes.clear();
        self.masks.clear();
        self.levels.clear();
    }
}

/// `x` in the lanes of `lanes`, +0.0 in the others.
#[inline(always)]
fn masked<const L: usize>(x: &[f64; L], lanes: u8) -> [f64; L] {
    std::array::from_fn(|k| {
        let keep = 0u64.wrapping_sub(u64::from((lanes >> k) & 1));
        f64::from_bits(x[k].to_bits() & keep)
    })
}

/// Where the search of source `s` starts: its only neighbour when it is a leaf.
fn start_of(g: &Csr, s: u32) -> u32 {
    match g.row(s as usize) {
        [u] => *u,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::super::betweenness::{exact_sequential, exact_with_lanes};
    use crate::graph::Csr;

    fn csr(n: usize, mut e: Vec<(u32, u32, u32)>) -> Csr {
        e.sort_unstable();
        e.dedup_by_key(|x| (x.0, x.1));
        Csr::symmetric_from_sorted_edges(n, &e)
    }

    fn edge(a: usize, b: usize) -> (u32, u32, u32) {
        (a.min(b) as u32, a.max(b) as u32, 1)
    }

    /// A random graph with what the reductions of the literature fold: a sparse core,
    /// pendant leaves (some on the same hub), open twins, bridges to small blocks, pairs
    /// and isolated nodes.
    fn shattered(seed: u64) -> Csr {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let core = rng.random_range(5..60);
        let mut e = Vec::new();
        for v in 1..core {
            e.push(edge(v, rng.random_range(0..v)));
        }
        for _ in 0..rng.random_range(0..2 * core) {
            let (a, b) = (rng.random_range(0..core), rng.random_range(0..core));
            if a != b {
                e.push(edge(a, b));
            }
        }
        let mut n = core;
        for _ in 0..rng.random_range(0..core) {
            // a leaf
            e.push(edge(n, rng.random_range(0..core.min(4))));
            n += 1;
        }
        for _ in 0..rng.random_range(0..4) {
            // an open twin of a core node
            let t = rng.random_range(0..core);
            let row: Vec<usize> = e
                .iter()
                .filter_map(|&(a, b, _)| {
                    if a as usize == t {
                        Some(b as usize)
                    } else if b as usize == t {
                        Some(a as usize)
                    } else {
                        None
                    }
                })
                .collect();
            for w in row {
                e.push(edge(n, w));
            }
            n += 1;
        }
        for _ in 0..rng.random_range(0..3) {
            // a triangle hanging on a bridge
            let a = rng.random_range(0..core);
            e.extend([
                edge(a, n),
                edge(n, n + 1),
                edge(n + 1, n + 2),
                edge(n, n + 2),
            ]);
            n += 3;
        }
        e.push(edge(n, n + 1)); // a pair
        csr(n + 3, e) // and an isolated node
    }

    #[test]
    fn every_lane_count_has_the_reference_bits() {
        for seed in 0..60 {
            let g = shattered(seed);
            let want = exact_sequential(&g);
            for got in [
                exact_with_lanes::<1>(&g),
                exact_with_lanes::<2>(&g),
                exact_with_lanes::<4>(&g),
                exact_with_lanes::<8>(&g),
            ] {
                let same = got
                    .iter()
                    .zip(&want)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "seed {seed}");
            }
        }
    }

    #[test]
    fn path_counts_past_2_pow_53_fall_back_to_the_reference() {
        // 60 layers of 2 nodes, each joined to both of the next: 2^59 shortest paths
        // from one end to the other, plus a few leaves and chords for uneven sums.
        let mut e = vec![edge(0, 1), edge(0, 2)];
        for l in 0..59 {
            let (a, b) = (1 + 2 * l, 3 + 2 * l);
            e.extend([
                edge(a, b),
                edge(a, b + 1),
                edge(a + 1, b),
                edge(a + 1, b + 1),
            ]);
        }
        for (i, v) in [5usize, 40, 77, 118].into_iter().enumerate() {
            e.push(edge(v, 121 + i));
        }
        let g = csr(125, e);
        let want = exact_sequential(&g);
        let got = exact_with_lanes::<8>(&g);
        assert!(got
            .iter()
            .zip(&want)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
