//! The intervals against independent references (tests/fixtures/intervals/intervals.json,
//! made by make_intervals.py with statsmodels, scipy and numpy), their null rules, the
//! decisions they support (a real difference excludes 1, equal groups do not), their
//! coverage, and their determinism across thread counts.

use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn fixture() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/intervals/intervals.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Equal to 1e-12 relative (1e-15 absolute near 0).
fn close(got: [f64; 2], want: &serde_json::Value, what: &str) {
    for (g, w) in got.iter().zip(want.as_array().unwrap()) {
        let w = w.as_f64().unwrap();
        assert!(
            (g - w).abs() <= 1e-12 * w.abs() + 1e-15,
            "{what}: got {got:?}, reference {want}"
        );
    }
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn int(v: &serde_json::Value, k: &str) -> u64 {
    v[k].as_u64().unwrap()
}

#[test]
fn z_is_scipys_normal_quantile() {
    let z = fixture()["z"].as_f64().unwrap();
    assert!((Z_95 - z).abs() < 1e-15, "{Z_95} against {z}");
}

#[test]
fn wilson_matches_statsmodels() {
    let f = fixture();
    let cases = f["wilson"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for c in cases {
        let (x, n) = (int(c, "successes"), int(c, "n"));
        close(
            wilson(x, n).unwrap(),
            &c["interval"],
            &format!("wilson {x}/{n}"),
        );
    }
}

#[test]
fn katz_matches_statsmodels() {
    let f = fixture();
    for c in f["katz_ratio"].as_array().unwrap() {
        let (x1, n1, x2, n2) = (int(c, "x1"), int(c, "n1"), int(c, "x2"), int(c, "n2"));
        let got = katz_ratio(x1, n1, x2, n2).unwrap();
        close(got, &c["interval"], &format!("katz {x1}/{n1} : {x2}/{n2}"));
    }
}

#[test]
fn bootstrap_matches_numpy_replay() {
    let f = fixture();
    let cases = f["bootstrap_ratio_of_means"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for c in cases {
        let (a, b) = (floats(&c["a"]), floats(&c["b"]));
        let resamples = int(c, "resamples") as usize;
        assert_eq!(resamples, RESAMPLES);
        let name = c["name"].as_str().unwrap();
        let seed = int(c, "seed");
        // The draws themselves: the first and last resamples' ratios, and the mean of all.
        let ratios = bootstrap_ratios(&a, &b, seed, resamples).unwrap();
        for (i, want) in c["first_ratios"].as_array().unwrap().iter().enumerate() {
            let want = want.as_f64().unwrap();
            assert!(
                (ratios[i] - want).abs() <= 1e-12 * want.abs(),
                "{name}: ratio {i}"
            );
        }
        let last = c["last_ratio"].as_f64().unwrap();
        assert!(
            (ratios[resamples - 1] - last).abs() <= 1e-12 * last.abs(),
            "{name}"
        );
        let mean = ratios.iter().sum::<f64>() / resamples as f64;
        let want = c["mean_ratio"].as_f64().unwrap();
        assert!(
            (mean - want).abs() <= 1e-12 * want.abs(),
            "{name}: mean ratio"
        );
        let got = bootstrap_ratio_of_means(&a, &b, seed, resamples).unwrap();
        close(got, &c["interval"], name);
    }
}

#[test]
fn delta_matches_numpy() {
    let f = fixture();
    for c in f["delta_log_ratio_of_means"].as_array().unwrap() {
        let (a, b) = (floats(&c["a"]), floats(&c["b"]));
        let got = delta_log_ratio_of_means(&Moments::of(&a), &Moments::of(&b)).unwrap();
        close(got, &c["interval"], c["name"].as_str().unwrap());
    }
}

/// Undefined or unboundable cases give no interval, never NaN.
#[test]
fn degenerate_groups_give_no_interval() {
    assert_eq!(wilson(0, 0), None);
    assert_eq!(wilson(3, 2), None);
    // No win on one side: ln of the ratio is infinite.
    assert_eq!(katz_ratio(0, 10, 3, 10), None);
    assert_eq!(katz_ratio(3, 10, 0, 10), None);
    assert_eq!(katz_ratio(1, 0, 1, 1), None);
    // Both sides always win: no spread to bound.
    assert_eq!(katz_ratio(5, 5, 7, 7), None);
    let two = [1.0, 2.0];
    assert_eq!(bootstrap_ratio_of_means(&[1.0], &two, 1, 100), None);
    assert_eq!(bootstrap_ratio_of_means(&two, &[], 1, 100), None);
    // A resample of the direct side can be all zeros: its ratio is undefined.
    assert_eq!(
        bootstrap_ratio_of_means(&two, &[0.0, 0.0, 0.0, 1.0], 1, 2_000),
        None
    );
    let m = |xs: &[f64]| Moments::of(xs);
    assert_eq!(delta_log_ratio_of_means(&m(&[1.0]), &m(&two)), None);
    assert_eq!(delta_log_ratio_of_means(&m(&two), &m(&[0.0, 0.0])), None);
    assert_eq!(
        delta_log_ratio_of_means(&m(&[3.0, 3.0]), &m(&[2.0, 2.0])),
        None
    );
    assert_eq!(delta_log_ratio_of_means(&m(&[-1.0, -2.0]), &m(&two)), None);
}

/// Exponential values with the given mean (inverse transform).
fn exponential(rng: &mut ChaCha8Rng, n: usize, mean: f64) -> Vec<f64> {
    (0..n)
        .map(|_| -mean * (1.0 - rng.random::<f64>()).ln())
        .collect()
}

fn excludes_one(ci: [f64; 2]) -> bool {
    ci[0] > 1.0 || ci[1] < 1.0
}

/// The decision the tiles print: a real difference gives an interval beyond 1, equal
/// groups one that contains 1 (the counter-example where it must not fire).
#[test]
fn a_real_difference_excludes_one_and_equal_groups_do_not() {
    // Win rates 45 % against 30 % of 400 closed deals each; then 35 % against 35 %.
    let lift = katz_ratio(180, 400, 120, 400).unwrap();
    assert!(lift[0] > 1.0, "{lift:?}");
    let same = katz_ratio(140, 400, 140, 400).unwrap();
    assert!(!excludes_one(same), "{same:?}");
    assert!(!excludes_one(wilson(140, 400).unwrap().map(|p| p / 0.35)));

    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (big, small) = (
        exponential(&mut rng, 300, 150.0),
        exponential(&mut rng, 300, 100.0),
    );
    let up = bootstrap_ratio_of_means(&big, &small, 42, RESAMPLES).unwrap();
    assert!(up[0] > 1.0, "{up:?}");
    let down = bootstrap_ratio_of_means(&small, &big, 42, RESAMPLES).unwrap();
    assert!(down[1] < 1.0, "{down:?}");
    let (a, b) = (
        exponential(&mut rng, 300, 100.0),
        exponential(&mut rng, 300, 100.0),
    );
    let even = bootstrap_ratio_of_means(&a, &b, 42, RESAMPLES).unwrap();
    assert!(!excludes_one(even), "{even:?}");
    let delta = delta_log_ratio_of_means(&Moments::of(&big), &Moments::of(&small)).unwrap();
    assert!(delta[0] > 1.0, "{delta:?}");
    assert!(!excludes_one(
        delta_log_ratio_of_means(&Moments::of(&a), &Moments::of(&b)).unwrap()
    ));
}

/// The same seed gives the same bits at one and at two threads; another seed another
/// interval (the seed is used).
#[test]
fn bootstrap_is_the_same_at_any_thread_count() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let (a, b) = (
        exponential(&mut rng, 500, 3.0),
        exponential(&mut rng, 700, 2.0),
    );
    let on = |threads: usize, seed: u64| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| bootstrap_ratio_of_means(&a, &b, seed, RESAMPLES).unwrap())
    };
    let one = on(1, 42);
    assert_eq!(one.map(f64::to_bits), on(2, 42).map(f64::to_bits));
    assert_ne!(one, on(2, 43));
}

/// Wilson's exact coverage (the binomial probability of the outcomes whose interval
/// holds the true p), averaged over p in 0.05..=0.95, is 95 % to within half a point
/// for n = 30 and n = 200.
#[test]
fn wilson_covers_95_percent() {
    for n in [30u64, 200] {
        let ps: Vec<f64> = (0..=90).map(|i| 0.05 + 0.01 * f64::from(i)).collect();
        let mean: f64 = ps
            .iter()
            .map(|&p| {
                (0..=n)
                    .filter(|&x| {
                        let [lo, hi] = wilson(x, n).unwrap();
                        lo <= p && p <= hi
                    })
                    .map(|x| binomial_pmf(n, x, p))
                    .sum::<f64>()
            })
            .sum::<f64>()
            / ps.len() as f64;
        assert!((0.945..=0.955).contains(&mean), "n {n}: {mean}");
    }
}

/// Binomial probability of x successes in n trials, through logs.
fn binomial_pmf(n: u64, x: u64, p: f64) -> f64 {
    let ln_choose: f64 = (1..=x).map(|i| ((n - x + i) as f64 / i as f64).ln()).sum();
    (ln_choose + x as f64 * p.ln() + (n - x) as f64 * (1.0 - p).ln()).exp()
}

/// Katz's exact coverage for two groups of 60 closed deals, true win rates 0.4 and 0.3
/// (ratio 4/3) and 0.3 and 0.3, is within 93-97 %.
#[test]
fn katz_covers_95_percent() {
    let n = 60;
    for (p1, p2) in [(0.4, 0.3), (0.3, 0.3), (0.5, 0.25)] {
        let mut cover = 0.0;
        for x1 in 0..=n {
            for x2 in 0..=n {
                if let Some([lo, hi]) = katz_ratio(x1, n, x2, n)
                    && lo <= p1 / p2
                    && p1 / p2 <= hi
                {
                    cover += binomial_pmf(n, x1, p1) * binomial_pmf(n, x2, p2);
                }
            }
        }
        assert!((0.93..=0.97).contains(&cover), "{p1} / {p2}: {cover}");
    }
}

/// On 400 simulated pairs of exponential samples (means 120 and 100, 150 and 120
/// values), the bootstrap interval holds the true ratio 1.2 in 93-97 % of them.
#[test]
fn bootstrap_covers_95_percent() {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let trials = 400;
    let covered = (0..trials)
        .filter(|&t| {
            let a = exponential(&mut rng, 150, 120.0);
            let b = exponential(&mut rng, 120, 100.0);
            let [lo, hi] = bootstrap_ratio_of_means(&a, &b, t, 400).unwrap();
            lo <= 1.2 && 1.2 <= hi
        })
        .count();
    let share = covered as f64 / trials as f64;
    assert!((0.93..=0.97).contains(&share), "{share}");
}

/// numpy's linear percentile: ends, interpolation from either side, one value.
#[test]
fn quantile_is_numpys_linear() {
    let xs = [1.0, 2.0, 4.0, 8.0, 16.0];
    assert_eq!(quantile(&xs, 0.0), 1.0);
    assert_eq!(quantile(&xs, 1.0), 16.0);
    assert_eq!(quantile(&xs, 0.5), 4.0);
    assert!((quantile(&xs, 0.1) - 1.4).abs() < 1e-12);
    assert!((quantile(&xs, 0.9) - 12.8).abs() < 1e-12);
    assert_eq!(quantile(&[7.0], 0.975), 7.0);
}

/// Lemire's index is uniform enough to see: 0..3 drawn 30,000 times, each within 2 % of
/// a third; and never out of range for n = 1 and n near 2^64.
#[test]
fn bounded_draws_are_uniform_and_in_range() {
    let mut rng = for_resample(42, 0);
    let mut counts = [0u32; 3];
    for _ in 0..30_000 {
        counts[below(&mut rng, 3) as usize] += 1;
    }
    assert!(
        counts.iter().all(|&c| (9_800..=10_200).contains(&c)),
        "{counts:?}"
    );
    assert!((0..100).all(|_| below(&mut rng, 1) == 0));
    let big = u64::MAX - 5;
    assert!((0..100).all(|_| below(&mut rng, big) < big));
}

/// Why the switch to the delta method is safe: on skewed (log-normal, σ = 1) deal sizes
/// of 3,000 a side, already well below the 10,000 limit, the delta-method bounds are
/// within 1 % of the bootstrap's.
#[test]
fn delta_method_agrees_with_the_bootstrap_on_large_groups() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut lognormal = |n: usize, mu: f64| -> Vec<f64> {
        (0..n)
            .map(|_| {
                // Box-Muller: one standard normal from two uniforms.
                let (u, v): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
                let z = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
                (mu + z).exp()
            })
            .collect()
    };
    let (a, b) = (lognormal(3_000, 10.3), lognormal(3_000, 10.0));
    let boot = bootstrap_ratio_of_means(&a, &b, 42, RESAMPLES).unwrap();
    let delta = delta_log_ratio_of_means(&Moments::of(&a), &Moments::of(&b)).unwrap();
    for (x, y) in boot.iter().zip(delta) {
        assert!(
            (x / y - 1.0).abs() < 0.01,
            "bootstrap {boot:?}, delta {delta:?}"
        );
    }
}
