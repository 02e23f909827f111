//! A deterministic force-directed layout for the report's co-sell network map
//! (Fruchterman & Reingold 1991, "Graph drawing by force-directed placement", Software:
//! Practice and Experience 21(11)). The positions are computed here, not in the browser, so
//! that the interactive map and the printed SVG show the same seeded picture on every
//! machine; no layout crate fits, so the few lines are here.
//!
//! Nodes start at seeded pseudo-random places in the unit square (ChaCha8), then for a
//! fixed number of rounds every pair repels with k²/d and every edge attracts with d²/k
//! (k = sqrt(1/n)), a weak gravity pulls every node towards the centre (so small islands of
//! the map, such as a pair that co-sells only with each other, stay near the rest instead
//! of flying to the edge; partners with no tie at all are left off the map before), and each node
//! moves at most the current temperature, which cools linearly to zero, inside the unit
//! square (Fruchterman and Reingold's frame). Sums run in index order on one thread, so
//! the same graph gives the same coordinates on every machine. Positions are finally
//! scaled into [0, 1]².
//! Time O(rounds · (n² + m)), for the few hundred nodes of the map.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Rounds of the simulation.
pub(crate) const ROUNDS: usize = 250;
/// Strength of the pull towards the centre: a node at distance r moves by GRAVITY · r
/// (before the temperature cap), whatever n.
const GRAVITY: f64 = 2.0;

/// Positions in [0, 1]² for `n` nodes joined by `edges` (index pairs), from `seed`.
pub fn force_layout(n: usize, edges: &[(usize, usize)], seed: u64) -> Vec<(f64, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random::<f64>(), rng.random::<f64>()))
        .collect();
    if n < 2 {
        return pos.into_iter().map(|_| (0.5, 0.5)).collect();
    }
    let k = (1.0 / n as f64).sqrt();
    let mut disp = vec![(0.0f64, 0.0f64); n];
    for round in 0..ROUNDS {
        let t = 0.1 * (1.0 - round as f64 / ROUNDS as f64);
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let d2 = (dx * dx + dy * dy).max(1e-9);
                let f = k * k / d2;
                disp[i].0 += dx * f;
                disp[i].1 += dy * f;
                disp[j].0 -= dx * f;
                disp[j].1 -= dy * f;
            }
        }
        for &(a, b) in edges {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-9);
            let f = d / k;
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        for (p, d) in pos.iter_mut().zip(disp.iter_mut()) {
            d.0 -= GRAVITY * (p.0 - 0.5);
            d.1 -= GRAVITY * (p.1 - 0.5);
            let len = (d.0 * d.0 + d.1 * d.1).sqrt();
            if len > 0.0 {
                let step = len.min(t) / len;
                p.0 = (p.0 + d.0 * step).clamp(0.0, 1.0);
                p.1 = (p.1 + d.1 * step).clamp(0.0, 1.0);
            }
        }
    }
    let (min_x, max_x) = pos
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
    let (min_y, max_y) = pos
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
    let (sx, sy) = ((max_x - min_x).max(1e-9), (max_y - min_y).max(1e-9));
    pos.into_iter()
        .map(|p| ((p.0 - min_x) / sx, (p.1 - min_y) / sy))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_bounded_and_ties_pull_together() {
        // Two triangles joined by one edge: the triangles' nodes end closer to each other
        // than to the other triangle's.
        let e = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)];
        let a = force_layout(6, &e, 7);
        assert_eq!(a, force_layout(6, &e, 7));
        assert!(a
            .iter()
            .all(|p| (0.0..=1.0).contains(&p.0) && (0.0..=1.0).contains(&p.1)));
        let d = |i: usize, j: usize| ((a[i].0 - a[j].0).powi(2) + (a[i].1 - a[j].1).powi(2)).sqrt();
        assert!(d(0, 1) < d(0, 5) && d(4, 5) < d(1, 4), "{a:?}");
        assert_eq!(force_layout(1, &[], 7), vec![(0.5, 0.5)]);
    }
}
