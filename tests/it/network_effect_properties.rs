//! Properties of the diversification and network-effect kernels on random inputs:
//! concentration bounds, reach_loss equal to remove-and-recount on every partner of random
//! graphs up to 2,000 partners (and 0 exactly for non-articulation points), resilience
//! curves equal to a brute-force recount of the same removal orders and non-increasing,
//! and bit-identical results for 1 and 2 threads.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ecograph::graph::Csr;
use ecograph::metrics::diversification::concentration;
use ecograph::metrics::network_effect::reach_loss::{cut_pieces, reach_loss};
use ecograph::metrics::network_effect::resilience::{
    lcc_sizes, random_order, removed_counts, resilience, targeted_order, ResilienceParams,
};

/// Simple undirected graph on n nodes from arbitrary pairs (self loops and repeats dropped).
fn graph(n: usize, pairs: &[(usize, usize)]) -> Csr {
    let mut edges: Vec<(u32, u32, u32)> = pairs
        .iter()
        .filter(|(a, b)| a % n != b % n)
        .map(|&(a, b)| {
            let (a, b) = ((a % n) as u32, (b % n) as u32);
            (a.min(b), a.max(b), 1)
        })
        .collect();
    edges.sort_unstable();
    edges.dedup();
    Csr::symmetric_from_sorted_edges(n, &edges)
}

/// Component sizes of g without the nodes where `gone` is true (plain BFS).
fn component_sizes(g: &Csr, gone: &[bool]) -> Vec<u64> {
    let n = g.rows();
    let mut seen = gone.to_vec();
    let mut sizes = Vec::new();
    let mut queue = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        queue.push(s);
        let mut size = 0;
        while let Some(u) = queue.pop() {
            size += 1;
            for &v in g.row(u) {
                if !seen[v as usize] {
                    seen[v as usize] = true;
                    queue.push(v as usize);
                }
            }
        }
        sizes.push(size);
    }
    sizes
}

fn pairs(sizes: &[u64]) -> u64 {
    sizes.iter().map(|&s| s * s.saturating_sub(1) / 2).sum()
}

/// reach_loss by the contract's formula, removing each partner and recounting; and
/// whether the removal splits the partner's component (articulation point).
fn brute_force(g: &Csr) -> (Vec<Option<f64>>, Vec<bool>) {
    let n = g.rows();
    let none = vec![false; n];
    let p_g = pairs(&component_sizes(g, &none));
    // Component size of each node, by labelling components.
    let mut label = vec![usize::MAX; n];
    let mut sizes = Vec::new();
    for s in 0..n {
        if label[s] != usize::MAX {
            continue;
        }
        let mut stack = vec![s];
        label[s] = sizes.len();
        let mut size = 0u64;
        while let Some(u) = stack.pop() {
            size += 1;
            for &v in g.row(u) {
                if label[v as usize] == usize::MAX {
                    label[v as usize] = sizes.len();
                    stack.push(v as usize);
                }
            }
        }
        sizes.push(size);
    }
    let mut loss = Vec::with_capacity(n);
    let mut cut = Vec::with_capacity(n);
    let base_components = sizes.len();
    for p in 0..n {
        let mut gone = vec![false; n];
        gone[p] = true;
        let rest = component_sizes(g, &gone);
        let s = sizes[label[p]];
        // p's component falls into rest.len() - (base - 1) pieces: a cut vertex at two.
        cut.push(rest.len() > base_components);
        loss.push((p_g > 0).then(|| (p_g - (s - 1) - pairs(&rest)) as f64 / p_g as f64));
    }
    (loss, cut)
}

/// A sparse random graph with many cut vertices: a random forest, a few extra edges,
/// and some isolated nodes.
fn sparse_graph(n: usize, extra: usize, seed: u64) -> Csr {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pairs = Vec::new();
    for v in 1..n {
        if rng.random_range(0..10) < 9 {
            pairs.push((v, rng.random_range(0..v)));
        }
    }
    for _ in 0..extra {
        pairs.push((rng.random_range(0..n), rng.random_range(0..n)));
    }
    graph(n, &pairs)
}

#[test]
fn reach_loss_equals_brute_force_up_to_2000_partners() {
    let mut checked = 0;
    for (i, &(n, extra)) in [
        (1, 0),
        (2, 1),
        (5, 2),
        (40, 10),
        (200, 20),
        (200, 400),
        (700, 150),
        (2000, 300),
    ]
    .iter()
    .enumerate()
    {
        let g = sparse_graph(n, extra, i as u64);
        let (want, cut) = brute_force(&g);
        let got = reach_loss(&g);
        let pieces = cut_pieces(&g);
        for p in 0..n {
            match (got[p], want[p]) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "n={n} p={p}: {a} vs {b}"),
                (a, b) => assert_eq!(a, b, "n={n} p={p}"),
            }
            assert_eq!(pieces.articulation[p], cut[p], "n={n} p={p}: articulation");
            if !cut[p] {
                assert!(
                    got[p].is_none_or(|x| x == 0.0),
                    "n={n} p={p}: not a cut vertex"
                );
            }
        }
        checked += n;
    }
    assert!(checked > 3000);
}

/// A path of 100,000 partners: the iterative search needs no deep call stack.
#[test]
fn reach_loss_on_a_long_path() {
    let n = 100_000usize;
    let edges: Vec<(u32, u32, u32)> = (0..n as u32 - 1).map(|i| (i, i + 1, 1)).collect();
    let g = Csr::symmetric_from_sorted_edges(n, &edges);
    let rl = reach_loss(&g);
    let p_g = (n * (n - 1) / 2) as f64;
    // Removing node i leaves pieces i and n - 1 - i: lost pairs i (n - 1 - i).
    for i in [0usize, 1, 500, n / 2, n - 2, n - 1] {
        let want = (i * (n - 1 - i)) as f64 / p_g;
        assert!((rl[i].unwrap() - want).abs() < 1e-15, "node {i}");
    }
}

#[test]
fn resilience_equals_brute_force_for_the_same_orders() {
    for (i, &(n, extra)) in [(1, 0), (7, 3), (60, 30), (300, 200), (1000, 600)]
        .iter()
        .enumerate()
    {
        let g = sparse_graph(n, extra, 100 + i as u64);
        let mut orders = vec![targeted_order(&g)];
        orders.extend((0..4).map(|k| random_order(n, 42, k)));
        for order in &orders {
            let got = lcc_sizes(&g, order);
            for (j, &k) in removed_counts(n).iter().enumerate() {
                let mut gone = vec![false; n];
                for &p in &order[..k] {
                    gone[p as usize] = true;
                }
                let want = component_sizes(&g, &gone).into_iter().max().unwrap_or(0);
                assert_eq!(got[j], want, "n={n} checkpoint {j}");
            }
            assert!(got.windows(2).all(|w| w[1] <= w[0]), "curve rises: {got:?}");
        }
        // The table's random curve is the mean of orders 0..20 of the seed.
        let table = resilience(&g, &ResilienceParams::default());
        for (j, _) in removed_counts(n).iter().enumerate() {
            let sum: u64 = (0..20)
                .map(|k| lcc_sizes(&g, &random_order(n, 42, k))[j])
                .sum();
            assert_eq!(table[8 + j].lcc_fraction, sum as f64 / (20.0 * n as f64));
            assert_eq!(table[j].lcc_fraction, got_targeted(&g)[j] as f64 / n as f64);
        }
    }
}

fn got_targeted(g: &Csr) -> [u64; 8] {
    lcc_sizes(g, &targeted_order(g))
}

#[test]
fn thread_count_does_not_change_bits() {
    let g = sparse_graph(3000, 2000, 9);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let t = resilience(&g, &ResilienceParams::default());
            let rl = reach_loss(&g);
            (
                t.iter()
                    .map(|r| r.lcc_fraction.to_bits())
                    .collect::<Vec<_>>(),
                rl.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>(),
            )
        })
    };
    assert_eq!(run(1), run(2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn concentration_bounds(values in prop::collection::vec(
        prop_oneof![Just(0.0), 0.0..1e9f64, 1e-3..10.0f64], 0..60)) {
        let c = concentration(&values);
        let k = values.iter().filter(|&&v| v > 0.0).count();
        prop_assert_eq!(c.entities as usize, k);
        if k == 0 {
            prop_assert!(c.hhi.is_none() && c.gini.is_none() && c.entropy.is_none());
        } else {
            let hhi = c.hhi.unwrap();
            prop_assert!(hhi >= 1.0 / k as f64 - 1e-12 && hhi <= 1.0 + 1e-12, "hhi {}", hhi);
            let eff = c.effective_number.unwrap();
            prop_assert!(eff >= 1.0 - 1e-9 && eff <= k as f64 + 1e-9);
            let g = c.gini.unwrap();
            prop_assert!((0.0..1.0).contains(&g) || g.abs() < 1e-12, "gini {}", g);
            prop_assert!(g < 1.0);
            match c.normalized_entropy {
                None => prop_assert_eq!(k, 1),
                Some(h) => prop_assert!((-1e-12..=1.0 + 1e-12).contains(&h), "H {}", h),
            }
            let (t1, t5) = (c.top1_share.unwrap(), c.top5_share.unwrap());
            prop_assert!(t1 <= t5 + 1e-15 && t5 <= 1.0 + 1e-12 && t1 >= 1.0 / k as f64 - 1e-12);
        }
    }

    #[test]
    fn reach_loss_matches_brute_force(n in 1usize..40,
                                      pairs in prop::collection::vec((0usize..40, 0usize..40), 0..60)) {
        let g = graph(n, &pairs);
        let (want, cut) = brute_force(&g);
        let got = reach_loss(&g);
        for p in 0..n {
            match (got[p], want[p]) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-12),
                (a, b) => prop_assert_eq!(a, b),
            }
            if !cut[p] {
                prop_assert!(got[p].is_none_or(|x| x == 0.0));
            }
        }
    }

    #[test]
    fn targeted_curve_never_rises(n in 1usize..120,
                                  pairs in prop::collection::vec((0usize..120, 0usize..120), 0..300)) {
        let g = graph(n, &pairs);
        let t = resilience(&g, &ResilienceParams { seed: 1, orders: 20 });
        for w in t[..8].windows(2) {
            prop_assert!(w[1].lcc_fraction <= w[0].lcc_fraction);
        }
        for w in t[8..].windows(2) {
            prop_assert!(w[1].lcc_fraction <= w[0].lcc_fraction);
        }
        for r in &t {
            prop_assert!(r.lcc_fraction > 0.0 && r.lcc_fraction <= 1.0);
        }
    }
}
