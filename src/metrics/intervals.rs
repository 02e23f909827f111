//! 95 % confidence intervals for the partner-lift comparison (partner-led against
//! direct deals, [`super::ecosystem::PartnerLift`]): how far chance alone could move a
//! win rate or a ratio, so that a lift is read as a difference only when its interval
//! stays on one side of 1.
//!
//! - [`wilson`]: the Wilson score interval of a proportion x / n (Wilson 1927, "Probable
//!   inference, the law of succession, and statistical inference", JASA 22; as
//!   statsmodels' `proportion_confint(method="wilson")`). O(1).
//! - [`katz_ratio`]: the Katz log interval of a ratio of two proportions
//!   (x1 / n1) / (x2 / n2) (Katz, Baptista, Azen & Pike 1978, Biometrics 34; statsmodels'
//!   `confint_proportions_2indep(compare="ratio", method="log")`). O(1).
//! - [`bootstrap_ratio_of_means`]: the seeded percentile bootstrap of mean(a) / mean(b),
//!   each group resampled independently with replacement ([`RESAMPLES`] times). O((|a| +
//!   |b|) · B), run only while both groups hold at most [`BOOTSTRAP_LIMIT`] values.
//! - [`delta_log_ratio_of_means`]: for larger groups, the delta-method interval on the
//!   log of the ratio, from each group's count, mean and variance. O(1) once the
//!   moments are summed. Why a switch: the bootstrap costs 2,000 passes over the
//!   values, which at 50 million deals is hours; with more than 10,000 values a side
//!   the mean's sampling distribution is normal to well within the printed precision
//!   (central limit theorem: a skewness of 6, as log-normal deal sizes have, shrinks to
//!   6 / √10,000 = 0.06), which is what the bootstrap would find. When only one side
//!   is that large and the other has a few dozen values, the small side's normal
//!   approximation is cruder than its bootstrap would be; the summary names the method
//!   used (`*_method`).
//!
//! Randomness: resample b draws from its own SplitMix64 generator (Steele, Lea & Flood
//! 2014; Vigna's `splitmix64.c`), seeded with output b + 1 of a SplitMix64 seeded with
//! the run's seed; an index below n is Lemire's multiply-and-reject ("Fast random
//! integer generation in an interval", 2019). Resamples run in parallel but each is fixed
//! by (seed, b) alone and they are collected in b order, so the interval is the same to
//! the bit at any thread count. tests/fixtures/intervals/make_intervals.py replays the
//! same draws in Python and lets numpy take the means and percentiles.

use rand::{RngCore, SeedableRng};
use rand_xoshiro::SplitMix64;
use rayon::prelude::*;

/// The standard normal quantile of 0.975 (scipy's `norm.ppf(0.975)`): a two-sided 95 %
/// interval.
pub(crate) const Z_95: f64 = 1.959963984540054;

/// The interval's confidence level, as the summary records it.
pub(crate) const LEVEL: f64 = 0.95;

/// Bootstrap resamples B. With 2,000, the 2.5th and 97.5th percentiles each rest on
/// about 50 resamples beyond them, the usual recommendation for percentile intervals
/// (Efron & Tibshirani 1993, §19.3: 1,000 to 2,000).
pub(crate) const RESAMPLES: usize = 2_000;

/// The largest group (values per side) bootstrapped: beyond it
/// [`delta_log_ratio_of_means`] is used. At most 2 · 10,000 · 2,000 = 4 · 10⁷ draws per
/// interval, well under a second in a release build.
pub(crate) const BOOTSTRAP_LIMIT: usize = 10_000;

/// The Wilson score interval of the proportion `successes / n` at 95 %:
/// with p = x / n and z = [`Z_95`],
/// centre = (p + z² / 2n) / (1 + z² / n),
/// half-width = z √(p (1 - p) / n + z² / 4n²) / (1 + z² / n),
/// clamped to [0, 1] (rounding can leave the bound at x = 0 or x = n a few ulps outside).
/// Unlike the normal (Wald) interval it keeps its coverage near 0 and 1 and for small n.
/// `None` when n = 0 or successes > n.
pub(crate) fn wilson(successes: u64, n: u64) -> Option<[f64; 2]> {
    if n == 0 || successes > n {
        return None;
    }
    let (x, n) = (successes as f64, n as f64);
    let p = x / n;
    let z2 = Z_95 * Z_95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some([(centre - half).max(0.0), (centre + half).min(1.0)])
}

/// The Katz log interval of the ratio of proportions r = (x1 / n1) / (x2 / n2) at 95 %:
/// exp(ln r ± z √(1/x1 - 1/n1 + 1/x2 - 1/n2)), the normal approximation of ln r.
/// `None` when a group is empty or has no success (ln r or its variance is infinite),
/// or when both groups are all successes (variance 0: nothing to bound, not certainty).
pub(crate) fn katz_ratio(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<[f64; 2]> {
    if x1 == 0 || x2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let var = 1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2;
    if var <= 0.0 {
        return None;
    }
    let log_r = (x1 / n1).ln() - (x2 / n2).ln();
    let half = Z_95 * var.sqrt();
    Some([(log_r - half).exp(), (log_r + half).exp()])
}

/// Count, mean and sum of squared deviations of a stream of values, by Welford's update
/// (sequential, so the same order gives the same bits). O(1) per value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// Adds one value.
    pub(crate) fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Moments of a slice, in order.
    #[cfg(test)]
    pub(crate) fn of(xs: &[f64]) -> Moments {
        let mut m = Moments::default();
        xs.iter().for_each(|&x| m.push(x));
        m
    }

    /// Squared standard error of ln(mean): s² / (n mean²), s² the sample variance
    /// (n - 1 denominator); `None` unless n ≥ 2 and mean > 0.
    fn log_mean_variance(&self) -> Option<f64> {
        (self.n >= 2 && self.mean > 0.0)
            .then(|| self.m2 / (self.n - 1) as f64 / (self.n as f64 * self.mean * self.mean))
    }
}

/// The delta-method 95 % interval of mean(a) / mean(b) on the log scale:
/// exp(ln(mean a / mean b) ± z √(s_a² / (n_a mean_a²) + s_b² / (n_b mean_b²))).
/// `None` unless both groups have two values or more and a positive mean, or when the
/// variance is 0 or not finite.
pub(crate) fn delta_log_ratio_of_means(a: &Moments, b: &Moments) -> Option<[f64; 2]> {
    let var = a.log_mean_variance()? + b.log_mean_variance()?;
    if !(var > 0.0 && var.is_finite()) {
        return None;
    }
    let log_r = a.mean.ln() - b.mean.ln();
    let half = Z_95 * var.sqrt();
    Some([(log_r - half).exp(), (log_r + half).exp()])
}

/// The generator of resample `b`: output b + 1 of SplitMix64(`seed`) seeds it (the
/// stream's (b+1)-th state, reached in O(1) by starting b golden-ratio steps in).
/// SplitMix64 is `rand_xoshiro`'s, Vigna's `splitmix64.c`: small and exactly
/// reproducible in any language, which is what the reference test needs.
fn for_resample(seed: u64, b: u64) -> SplitMix64 {
    const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut stream = SplitMix64::seed_from_u64(seed.wrapping_add(b.wrapping_mul(GOLDEN)));
    SplitMix64::seed_from_u64(stream.next_u64())
}

/// A uniform index in 0..n (n > 0), by Lemire's method: the high word of x · n,
/// redrawn while the low word falls in the biased range below 2^64 mod n. Written out
/// (rather than `rand`'s `random_range`, whose method may change between versions) so
/// the numpy reference can replay the same draws.
fn below(rng: &mut SplitMix64, n: u64) -> u64 {
    let mut m = u128::from(rng.next_u64()) * u128::from(n);
    if (m as u64) < n {
        let t = n.wrapping_neg() % n;
        while (m as u64) < t {
            m = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (m >> 64) as u64
}

/// The q-quantile (0 ≤ q ≤ 1) of sorted values, numpy's default ("linear") rule:
/// h = (len - 1) q, interpolated between the values at ⌊h⌋ and ⌊h⌋ + 1 (in numpy's
/// arithmetic, from the nearer end).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let i = h.floor() as usize;
    let Some(&hi) = sorted.get(i + 1) else {
        return sorted[sorted.len() - 1];
    };
    let (lo, t) = (sorted[i], h - i as f64);
    let d = hi - lo;
    if t >= 0.5 {
        hi - d * (1.0 - t)
    } else {
        lo + d * t
    }
}

/// Mean of `n` values of `xs` drawn with replacement from `rng`, summed in draw order.
fn resampled_mean(xs: &[f64], rng: &mut SplitMix64) -> f64 {
    let n = xs.len() as u64;
    let sum: f64 = (0..n).map(|_| xs[below(rng, n) as usize]).sum();
    sum / n as f64
}

/// The seeded percentile bootstrap 95 % interval of mean(a) / mean(b): `resamples`
/// times, resample a then b with replacement (each its own size; resample b's draws
/// from [`for_resample`]`(seed, b)`), take the ratio of the resampled means;
/// the interval is the 2.5th and 97.5th percentiles of the ratios ([`quantile`]).
/// `None` when a group has fewer than two values (a one-value group has no spread to
/// resample), or when any resample's ratio is undefined or not finite (a resampled
/// direct mean of 0): a percentile of the defined ones would understate the spread.
/// O((|a| + |b|) · resamples), parallel over resamples, bit-identical at any thread
/// count.
pub(crate) fn bootstrap_ratio_of_means(
    a: &[f64],
    b: &[f64],
    seed: u64,
    resamples: usize,
) -> Option<[f64; 2]> {
    if a.len() < 2 || b.len() < 2 || resamples == 0 {
        return None;
    }
    let mut ratios = bootstrap_ratios(a, b, seed, resamples)?;
    ratios.sort_by(f64::total_cmp);
    Some([quantile(&ratios, 0.025), quantile(&ratios, 0.975)])
}

/// The resampled ratios of means of [`bootstrap_ratio_of_means`], in resample order;
/// `None` as soon as one is undefined or not finite. Each resample is fixed by
/// (seed, its number), and rayon collects them in order.
fn bootstrap_ratios(a: &[f64], b: &[f64], seed: u64, resamples: usize) -> Option<Vec<f64>> {
    (0..resamples as u64)
        .into_par_iter()
        .map(|r| {
            let mut rng = for_resample(seed, r);
            let ma = resampled_mean(a, &mut rng);
            let mb = resampled_mean(b, &mut rng);
            let x = ma / mb;
            (mb != 0.0 && x.is_finite()).then_some(x)
        })
        .collect()
}

#[cfg(test)]
mod tests;
