//! One uniformly random shortest path between two partners, found by a balanced
//! bidirectional BFS: the sampling step of approximate betweenness.
//!
//! Method (Borassi & Natale 2019, "KADABRA is an ADaptive Algorithm for Betweenness via
//! Random Approximation", JEA 24, §4): grow a BFS ball around s and one around t, always
//! extending by one full level the side whose frontier has the smaller total degree,
//! until a level of one side reaches nodes of the other ball. If the s side's new level
//! r_s + 1 touches the t ball, every touched node w has dist_t(w) = r_t (a node closer
//! to t would have been found from t already), so d(s, t) = r_s + 1 + r_t and every
//! shortest path crosses exactly one node of that level with dist_t = r_t. Hence
//! σ_st = Σ_w σ_s(w) σ_t(w): pick w with probability σ_s(w)σ_t(w)/σ_st, then walk back
//! to s choosing each predecessor z with probability σ_s(z)/σ_s(current), and likewise
//! to t. The result is uniform over all shortest s-t paths.
//!
//! On small-world networks the two balls meet after exploring far fewer edges than one
//! full BFS (about the square root of them on random graphs), which is what makes tens
//! of thousands of samples affordable on 100k-partner networks.

use rand::Rng;

use crate::graph::Csr;

const UNSEEN: u32 = u32::MAX;

/// Per-thread state; arrays are reset only where a sample touched them.
pub(crate) struct PathSampler {
    dist: [Vec<u32>; 2],
    sigma: [Vec<f64>; 2],
    frontier: [Vec<u32>; 2],
    touched: [Vec<u32>; 2],
    next: Vec<u32>,
}

impl PathSampler {
    /// A sampler for graphs of `n` nodes: a distance and a path-count array of n per side.
    pub(crate) fn new(n: usize) -> Self {
        PathSampler {
            dist: [vec![UNSEEN; n], vec![UNSEEN; n]],
            sigma: [vec![0.0; n], vec![0.0; n]],
            frontier: [Vec::new(), Vec::new()],
            touched: [Vec::new(), Vec::new()],
            next: Vec::new(),
        }
    }

    fn reset(&mut self) {
        for side in 0..2 {
            for &v in &self.touched[side] {
                self.dist[side][v as usize] = UNSEEN;
                self.sigma[side][v as usize] = 0.0;
            }
            self.touched[side].clear();
            self.frontier[side].clear();
        }
    }

    fn start(&mut self, side: usize, v: usize) {
        self.dist[side][v] = 0;
        self.sigma[side][v] = 1.0;
        self.touched[side].push(v as u32);
        self.frontier[side].push(v as u32);
    }

    /// Extends `side`'s ball by one level; returns whether the new level touches the
    /// other ball.
    fn expand(&mut self, g: &Csr, side: usize) -> bool {
        let other = 1 - side;
        let mut met = false;
        self.next.clear();
        for i in 0..self.frontier[side].len() {
            let v = self.frontier[side][i] as usize;
            let (dv, sv) = (self.dist[side][v], self.sigma[side][v]);
            for &w in g.row(v) {
                let w = w as usize;
                if self.dist[side][w] == UNSEEN {
                    self.dist[side][w] = dv + 1;
                    self.touched[side].push(w as u32);
                    self.next.push(w as u32);
                    met |= self.dist[other][w] != UNSEEN;
                }
                if self.dist[side][w] == dv + 1 {
                    self.sigma[side][w] += sv;
                }
            }
        }
        std::mem::swap(&mut self.frontier[side], &mut self.next);
        met
    }

    fn frontier_degree(&self, g: &Csr, side: usize) -> usize {
        self.frontier[side]
            .iter()
            .map(|&v| g.degree(v as usize))
            .sum()
    }

    /// Walks from `w` back to the root of `side`, calling `visit` on every node passed
    /// strictly between them, each predecessor drawn with probability σ(z)/σ(current).
    fn walk_back(
        &self,
        g: &Csr,
        side: usize,
        mut w: usize,
        rng: &mut impl Rng,
        visit: &mut impl FnMut(usize),
    ) {
        let (dist, sigma) = (&self.dist[side], &self.sigma[side]);
        while dist[w] > 1 {
            let dw = dist[w];
            let mut pick = rng.random::<f64>() * sigma[w];
            let mut chosen = usize::MAX;
            for &z in g.row(w) {
                let z = z as usize;
                if dist[z] != UNSEEN && dist[z] + 1 == dw {
                    chosen = z;
                    pick -= sigma[z];
                    if pick < 0.0 {
                        break;
                    }
                }
            }
            visit(chosen);
            w = chosen;
        }
    }

    /// Draws one shortest s-t path uniformly and calls `visit` on each of its interior
    /// nodes; returns false (visiting nothing) when t is unreachable from s.
    pub(crate) fn sample(
        &mut self,
        g: &Csr,
        s: usize,
        t: usize,
        rng: &mut impl Rng,
        mut visit: impl FnMut(usize),
    ) -> bool {
        self.reset();
        self.start(0, s);
        self.start(1, t);
        let side = loop {
            if self.frontier[0].is_empty() || self.frontier[1].is_empty() {
                return false;
            }
            let side = usize::from(self.frontier_degree(g, 1) < self.frontier_degree(g, 0));
            if self.expand(g, side) {
                break side;
            }
        };
        let other = 1 - side;
        // The meeting level: nodes of `side`'s new frontier inside the other ball.
        let total: f64 = self.frontier[side]
            .iter()
            .filter(|&&w| self.dist[other][w as usize] != UNSEEN)
            .map(|&w| self.sigma[side][w as usize] * self.sigma[other][w as usize])
            .sum();
        let mut pick = rng.random::<f64>() * total;
        let mut meet = usize::MAX;
        for &w in &self.frontier[side] {
            let w = w as usize;
            if self.dist[other][w] != UNSEEN {
                meet = w;
                pick -= self.sigma[side][w] * self.sigma[other][w];
                if pick < 0.0 {
                    break;
                }
            }
        }
        if meet != s && meet != t {
            visit(meet);
        }
        self.walk_back(g, 0, meet, rng, &mut visit);
        self.walk_back(g, 1, meet, rng, &mut visit);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// A 4-cycle 0-1-2-3-0 plus a tail 2-4: paths 0->4 go through 1 or 3, each half the
    /// time, and always through 2.
    #[test]
    fn uniform_over_shortest_paths() {
        let g = Csr::symmetric_from_sorted_edges(
            5,
            &[(0, 1, 1), (0, 3, 1), (1, 2, 1), (2, 3, 1), (2, 4, 1)],
        );
        let mut ps = PathSampler::new(5);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut count = [0u32; 5];
        for _ in 0..4000 {
            assert!(ps.sample(&g, 0, 4, &mut rng, |v| count[v] += 1));
        }
        assert_eq!(count[0], 0);
        assert_eq!(count[4], 0);
        assert_eq!(count[2], 4000);
        assert_eq!(count[1] + count[3], 4000);
        assert!((count[1] as i32 - 2000).abs() < 150, "{count:?}");
        // Adjacent and unreachable pairs.
        assert!(ps.sample(&g, 0, 1, &mut rng, |_| panic!("no interior")));
        let g2 = Csr::symmetric_from_sorted_edges(3, &[(0, 1, 1)]);
        let mut ps2 = PathSampler::new(3);
        assert!(!ps2.sample(&g2, 0, 2, &mut rng, |_| {}));
    }
}
