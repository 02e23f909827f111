//! Between two Louvain levels: the partition's modularity summed on the level's
//! (smaller) graph, and the next level built with one node per community, its inside
//! weight as a self loop.
//!
//! Both run community by community (or node by node) in parallel and add the same
//! numbers in the same order as the sequential definition, or integers whose sums are
//! exact in any order, so the result is the same bits for any thread count (see
//! [the parent module](super)).

use std::borrow::Cow;

use rayon::prelude::*;

use super::Level;

/// [`modularity`] of the partition `com` (dense labels 0..k) of `level`'s nodes, summed
/// on the level's graph: each community's inside weight and total degree are the same
/// integers as on the co-sell network (a node's self loop is the weight inside it), and
/// their sums are exact when the total weight is below 2^53, so this is the same value,
/// bit for bit, for a fraction of the work once the levels shrink.
pub(super) fn level_modularity(level: &Level, com: &[u32], k: usize, resolution: f64) -> f64 {
    let per_node: Vec<(f64, f64)> = (0..level.nodes())
        .into_par_iter()
        .with_min_len(1024)
        .map(|a| {
            let (targets, weights) = level.row(a);
            let mut degree = 2.0 * level.self_loop[a];
            let mut inside = degree;
            for (&b, &w) in targets.iter().zip(weights) {
                degree += w;
                if com[b as usize] == com[a] {
                    inside += w;
                }
            }
            (degree, inside)
        })
        .collect();
    let mut inside = vec![0.0f64; k];
    let mut degree = vec![0.0f64; k];
    let mut m2 = 0.0;
    for (a, &(d, i)) in per_node.iter().enumerate() {
        m2 += d;
        degree[com[a] as usize] += d;
        inside[com[a] as usize] += i;
    }
    let m = m2 / 2.0;
    (0..k)
        .map(|c| inside[c] / 2.0 / m - resolution * (degree[c] / m2).powi(2))
        .sum()
}

/// The next level: one node per community, weights summed, inside weight as a self loop.
/// Each community sums its members' rows in member order (as the sequential definition
/// does), communities in parallel.
pub(super) fn aggregate(level: &Level, com: &[u32], k: usize) -> Level<'static> {
    // Members of each community, ascending (a counting sort).
    let mut start = vec![0usize; k + 1];
    for &c in com {
        start[c as usize + 1] += 1;
    }
    for c in 0..k {
        start[c + 1] += start[c];
    }
    let mut fill = start[..k].to_vec();
    let mut members = vec![0u32; com.len()];
    for (v, &c) in com.iter().enumerate() {
        members[fill[c as usize]] = v as u32;
        fill[c as usize] += 1;
    }
    /// One range of communities: row lengths, targets, weights and self loops.
    type Part = (Vec<usize>, Vec<u32>, Vec<f64>, Vec<f64>);
    let per_task = k.div_ceil(4 * rayon::current_num_threads()).max(256);
    let parts: Vec<Part> = (0..k.div_ceil(per_task))
        .into_par_iter()
        .map_init(
            || (vec![0.0f64; k], vec![u32::MAX; k], Vec::new()),
            |(acc, stamp, touched), p| {
                let range = p * per_task..((p + 1) * per_task).min(k);
                let mut part: Part = Default::default();
                for c in range {
                    touched.clear();
                    let mut self_loop = 0.0f64;
                    for &v in &members[start[c]..start[c + 1]] {
                        self_loop += level.self_loop[v as usize];
                        let (targets, weights) = level.row(v as usize);
                        for (&u, &w) in targets.iter().zip(weights) {
                            let cu = com[u as usize];
                            if cu as usize == c {
                                if u > v {
                                    self_loop += w;
                                }
                            } else if stamp[cu as usize] != c as u32 {
                                stamp[cu as usize] = c as u32;
                                touched.push(cu);
                                acc[cu as usize] = w;
                            } else {
                                acc[cu as usize] += w;
                            }
                        }
                    }
                    touched.sort_unstable();
                    part.0.push(touched.len());
                    part.1.extend_from_slice(touched);
                    part.2.extend(touched.iter().map(|&cu| acc[cu as usize]));
                    part.3.push(self_loop);
                }
                part
            },
        )
        .collect();
    let mut offsets = Vec::with_capacity(k + 1);
    offsets.push(0);
    let entries = parts.iter().map(|p| p.1.len()).sum();
    let (mut targets, mut weights) = (Vec::with_capacity(entries), Vec::with_capacity(entries));
    let mut self_loop = Vec::with_capacity(k);
    for (lens, t, w, s) in parts {
        for len in lens {
            offsets.push(offsets.last().copied().unwrap_or(0) + len);
        }
        targets.extend(t);
        weights.extend(w);
        self_loop.extend(s);
    }
    Level {
        offsets: Cow::Owned(offsets),
        targets: Cow::Owned(targets),
        weights,
        self_loop,
    }
}
