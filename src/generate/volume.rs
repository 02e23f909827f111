//! How many deals are created on each day: growing super-linearly with the number of
//! joined partners (a network effect), lower on weekends, with day-to-day noise.

use super::calendar::Calendar;
use super::config::GenConfig;
use super::params::{DAILY_NOISE_SIGMA, DEAL_GROWTH_EXPONENT, WEEKEND_FACTOR};
use super::sampler::std_normal;
use super::streams::{rng_for, STREAM_VOLUME};

/// Number of deals created on each day of the horizon: weights
/// `joined^DEAL_GROWTH_EXPONENT × weekday factor × log-normal noise`, turned into
/// integer counts summing exactly to `cfg.deals` by cumulative rounding.
pub(crate) fn daily_volume(cfg: &GenConfig, cal: &Calendar, join_day: &[u32]) -> Vec<u64> {
    let mut rng = rng_for(cfg.seed, STREAM_VOLUME);
    let days = cal.days();
    let mut weights = Vec::with_capacity(days as usize);
    let mut joined = 0usize;
    for day in 0..days {
        while joined < join_day.len() && join_day[joined] <= day {
            joined += 1;
        }
        let weekday = if cal.is_weekend(day) {
            WEEKEND_FACTOR
        } else {
            1.0
        };
        let noise = (DAILY_NOISE_SIGMA * std_normal(&mut rng)).exp();
        let w = (joined as f64).powf(DEAL_GROWTH_EXPONENT) * weekday * noise;
        weights.push(((w * 1024.0).round() as u64).max(1));
    }
    let total_weight: u128 = weights.iter().map(|&w| w as u128).sum();
    let n = cfg.deals as u128;
    let mut cum = 0u128;
    let mut before = 0u128;
    weights
        .iter()
        .map(|&w| {
            cum += w as u128;
            let upto = n * cum / total_weight;
            let count = upto - before;
            before = upto;
            count as u64
        })
        .collect()
}
