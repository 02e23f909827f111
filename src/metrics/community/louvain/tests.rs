//! Louvain's unit tests: the optimised algorithm gives the same bits as the plain one it
//! replaced (kept here as `plain`), two cliques joined by a bridge are found, and a
//! network without edges has no modularity. Kept in their own file because `plain`, a
//! second Louvain, is as long as the code it checks.

use super::*;

/// The algorithm as it was written before the work-saving changes (lists of
/// neighbours, every node evaluated on every pass, modularity on the whole network
/// after each level): the optimised one must give the same bits.
mod plain {
    use super::super::{modularity, MAX_PASSES, MIN_GAIN, THRESHOLD};
    use crate::graph::Csr;
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    struct Level {
        adj: Vec<Vec<(u32, f64)>>,
        self_loop: Vec<f64>,
    }

    pub(super) fn run(g: &Csr, seed: u64, stream: u64, resolution: f64) -> Vec<u32> {
        let n = g.rows();
        let mut member: Vec<u32> = (0..n as u32).collect();
        let m: f64 = g.weights.iter().map(|&w| f64::from(w)).sum::<f64>() / 2.0;
        if m == 0.0 {
            return member;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        let mut level = Level {
            adj: (0..n)
                .map(|v| {
                    let r = g.row(v).iter().zip(g.row_weights(v));
                    r.map(|(&u, &w)| (u, f64::from(w))).collect()
                })
                .collect(),
            self_loop: vec![0.0; n],
        };
        let mut q = modularity(g, &member, resolution).unwrap_or(0.0);
        loop {
            let (com, moved) = one_level(&level, m, resolution, &mut rng);
            if !moved {
                break;
            }
            let mut dense = vec![u32::MAX; com.len()];
            for &c in &com {
                dense[c as usize] = 0;
            }
            let mut k = 0;
            for d in dense.iter_mut().filter(|d| **d == 0) {
                *d = k;
                k += 1;
            }
            let com: Vec<u32> = com.iter().map(|&c| dense[c as usize]).collect();
            member = member.iter().map(|&c| com[c as usize]).collect();
            let new_q = modularity(g, &member, resolution).unwrap_or(0.0);
            if new_q - q <= THRESHOLD {
                break;
            }
            q = new_q;
            let mut self_loop = vec![0.0f64; k as usize];
            let mut lists: Vec<Vec<(u32, f64)>> = vec![Vec::new(); k as usize];
            for (v, row) in level.adj.iter().enumerate() {
                let cv = com[v];
                self_loop[cv as usize] += level.self_loop[v];
                for &(u, w) in row {
                    let cu = com[u as usize];
                    if cu != cv {
                        lists[cv as usize].push((cu, w));
                    } else if (u as usize) > v {
                        self_loop[cv as usize] += w;
                    }
                }
            }
            let adj = lists
                .into_iter()
                .map(|mut l| {
                    l.sort_by_key(|&(c, _)| c);
                    let mut out: Vec<(u32, f64)> = Vec::new();
                    for (c, w) in l {
                        match out.last_mut() {
                            Some(last) if last.0 == c => last.1 += w,
                            _ => out.push((c, w)),
                        }
                    }
                    out
                })
                .collect();
            level = Level { adj, self_loop };
        }
        member
    }

    fn one_level(level: &Level, m: f64, resolution: f64, rng: &mut ChaCha8Rng) -> (Vec<u32>, bool) {
        let n = level.adj.len();
        let degree: Vec<f64> = (0..n)
            .map(|v| level.adj[v].iter().map(|&(_, w)| w).sum::<f64>() + 2.0 * level.self_loop[v])
            .collect();
        let mut stot = degree.clone();
        let mut com: Vec<u32> = (0..n as u32).collect();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.shuffle(rng);
        let (mut weight_to, mut seen) = (vec![0.0f64; n], vec![false; n]);
        let mut met: Vec<u32> = Vec::new();
        let mut improved = false;
        let two_m2 = 2.0 * m * m;
        for _ in 0..MAX_PASSES {
            let mut moves = 0;
            for &u in &order {
                let u = u as usize;
                met.clear();
                for &(v, w) in &level.adj[u] {
                    let c = com[v as usize] as usize;
                    if !seen[c] {
                        seen[c] = true;
                        met.push(c as u32);
                    }
                    weight_to[c] += w;
                }
                let (k, own) = (degree[u], com[u] as usize);
                stot[own] -= k;
                let remove_cost = -weight_to[own] / m + resolution * stot[own] * k / two_m2;
                let (mut best_gain, mut best) = (MIN_GAIN, own);
                for &c in met.iter().filter(|&&c| c as usize != own) {
                    let c = c as usize;
                    let gain = remove_cost + weight_to[c] / m - resolution * stot[c] * k / two_m2;
                    if gain > best_gain {
                        (best_gain, best) = (gain, c);
                    }
                }
                stot[best] += k;
                if best != own {
                    com[u] = best as u32;
                    moves += 1;
                    improved = true;
                }
                for &c in &met {
                    (weight_to[c as usize], seen[c as usize]) = (0.0, false);
                }
                weight_to[own] = 0.0;
            }
            if moves == 0 {
                break;
            }
        }
        (com, improved)
    }
}

/// A graph of `groups` planted groups with dense ties inside and sparse ones across,
/// weights 1..=6, a few isolated nodes and hubs: several levels and tail passes.
fn planted(n: usize, groups: usize, seed: u64) -> Csr {
    use rand::Rng;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut e = Vec::new();
    for a in 0..n as u32 {
        for b in a + 1..n as u32 {
            let same = a as usize % groups == b as usize % groups;
            let hub = a < 3 || b < 3;
            let p = if same {
                0.25
            } else if hub {
                0.2
            } else {
                0.02
            };
            if a as usize % 17 != 16 && b as usize % 17 != 16 && rng.random::<f64>() < p {
                e.push((a, b, rng.random_range(1..=6)));
            }
        }
    }
    Csr::symmetric_from_sorted_edges(n, &e)
}

#[test]
fn the_same_bits_as_the_plain_algorithm() {
    for (case, &(n, groups)) in [(40, 3), (120, 5), (300, 8), (600, 20)].iter().enumerate() {
        let g = planted(n, groups, case as u64);
        for resolution in [0.0, 0.5, 1.0, 1.7] {
            for seed in [1, 42] {
                // Each trial equals the plain run, and the best of three is picked
                // from them as before (highest modularity, ties: lowest trial).
                let mut want = (Vec::new(), None);
                for t in 0..3 {
                    let got = run(&g, seed, t, resolution);
                    let plain = plain::run(&g, seed, t, resolution);
                    assert_eq!(got, plain, "n {n} γ {resolution} seed {seed} trial {t}");
                    let label = renumber(&got);
                    let q = modularity(&g, &label, resolution);
                    if t == 0 || q.unwrap_or(0.0) > want.1.unwrap_or(0.0) {
                        want = (label, q);
                    }
                }
                let params = LouvainParams {
                    seed,
                    trials: 3,
                    resolution,
                };
                assert_eq!(communities(&g, &params), want, "n {n} γ {resolution}");
            }
        }
    }
}

#[test]
fn two_cliques_joined_by_a_bridge() {
    let mut e = Vec::new();
    for a in 0..5u32 {
        for b in a + 1..5 {
            e.push((a, b, 1));
            e.push((a + 5, b + 5, 1));
        }
    }
    e.push((4, 5, 1));
    e.sort_unstable();
    let g = Csr::symmetric_from_sorted_edges(11, &e);
    let (c, q) = communities(&g, &LouvainParams::default());
    assert_eq!(c, vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2]);
    // Q = 2·(10/21 - (21/42)²)
    let want = 2.0 * (10.0 / 21.0 - 0.25);
    assert!((q.unwrap() - want).abs() < 1e-12, "{q:?}");
}

#[test]
fn no_edges_no_modularity() {
    let g = Csr::symmetric_from_sorted_edges(3, &[]);
    let (c, q) = communities(&g, &LouvainParams::default());
    assert_eq!(c, vec![0, 1, 2]);
    assert_eq!(q, None);
}
