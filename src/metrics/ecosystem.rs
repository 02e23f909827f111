//! Ecosystem-level figures for `ecosystem_summary.json` (contract §3 and §4):
//! network shape (density, components, largest component) and revenue figures
//! (partner_revenue_share, cosell_rate, cosell_lift, partner lift).
//!
//! With W = won revenue of all won deals, k(d) = distinct partners on deal d:
//! - `partner_revenue_share = Σ_{won, k ≥ 1} amount / W` — how much revenue partners touch;
//! - `cosell_rate = Σ_{won, k ≥ 2} amount / W` — how much is co-sold;
//! - `cosell_lift = mean won amount (k ≥ 2) / mean won amount (k = 1)` — is co-selling
//!   worth more per deal;
//! - partner lift: win rate, mean won amount and mean days from created_at to closed_at
//!   (closed deals with both dates) for partner deals (k ≥ 1) against direct ones (k = 0),
//!   with ratios partner / direct; null without direct deals.
//!
//!   Each with its 95 % interval (`partner_lift.intervals`, [`LiftIntervals`]; methods
//!   in `src/metrics/intervals.rs`): Wilson for the win rates, Katz log for their ratio,
//!   a seeded percentile bootstrap (delta method on the log beyond 10,000 values a side)
//!   for the ratios of means.
//!
//! Sums run sequentially in deal order (O(deals)), so they are reproducible to the bit;
//! the bootstrap is O(values · 2,000) for groups of at most 10,000 values and the same
//! bits at any thread count.

use serde::Serialize;

use super::components::Components;
use super::intervals::{self, Moments};
use crate::graph::GraphSet;
use crate::schema::Stage;

const MS_PER_DAY: f64 = 86_400_000.0;

/// The summary's `counts` object: how many nodes and links of each kind the input has.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Counts {
    /// Partners: the validated rows of the partners table.
    pub partners: usize,
    /// Distinct product ids over every table that names one (products, deals,
    /// partner_products).
    pub products: usize,
    /// Distinct customer ids over every table that names one (customers, deals).
    pub customers: usize,
    /// Deals: the validated rows of the deals table.
    pub deals: usize,
    /// Distinct (deal, partner) links of deal_partners.
    pub deal_partner_links: usize,
    /// Distinct (partner, product) links of partner_products.
    pub partner_product_links: usize,
    /// Undirected co-sell edges: partner pairs sharing at least one deal, any stage.
    pub cosell_edges: usize,
}

/// The summary's `network` object: the shape of the co-sell network.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Network {
    /// Share of partner pairs that co-sell, 2 m / (n (n - 1)), in 0..=1; 0 with fewer
    /// than two partners (as NetworkX), so never null in practice.
    pub density: Option<f64>,
    /// Connected components, isolated partners included ([`Components::count`]).
    pub components: usize,
    /// Share of all partners in the largest component, in 0..=1; null without partners.
    pub lcc_fraction: Option<f64>,
    /// Mean local clustering (degree < 2 counts as 0); set by the centrality suite,
    /// null when clustering is switched off.
    pub average_clustering: Option<f64>,
    /// Weighted modularity (resolution 1) of the communities; null when switched off
    /// or without co-sell edges.
    pub modularity: Option<f64>,
}

/// The summary's `revenue` object; amounts in the input's currency unit.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Revenue {
    /// Sum of the amounts of all won deals, direct ones included (W).
    pub total_won_revenue: f64,
    /// Won revenue of deals with at least one partner / W, in 0..=1; null when W = 0.
    pub partner_revenue_share: Option<f64>,
    /// Won revenue of deals with two or more partners / W, in 0..=1; null when W = 0.
    pub cosell_rate: Option<f64>,
    /// Mean won amount of deals with two or more partners / that of deals with exactly
    /// one; null when either mean is undefined or the denominator is 0.
    pub cosell_lift: Option<f64>,
}

/// The summary's `partner_lift` object: partner deals (at least one partner) against
/// direct deals (none). A value is null when its group has nothing to average (so every
/// direct value is null without direct deals); a ratio, partner / direct, is null when
/// either side is null or the direct value is 0.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct PartnerLift {
    /// Won / (won + lost) of partner deals, in 0..=1; null when none has closed.
    pub win_rate_partner: Option<f64>,
    /// Won / (won + lost) of direct deals, in 0..=1; null when none has closed.
    pub win_rate_direct: Option<f64>,
    /// `win_rate_partner / win_rate_direct`.
    pub win_rate_ratio: Option<f64>,
    /// Mean amount of won partner deals; null without one.
    pub mean_won_amount_partner: Option<f64>,
    /// Mean amount of won direct deals; null without one.
    pub mean_won_amount_direct: Option<f64>,
    /// `mean_won_amount_partner / mean_won_amount_direct`.
    pub mean_won_amount_ratio: Option<f64>,
    /// Mean days (fractional, UTC) from created_at to closed_at of closed partner deals
    /// having both dates; null without one.
    pub mean_days_to_close_partner: Option<f64>,
    /// The same for closed direct deals.
    pub mean_days_to_close_direct: Option<f64>,
    /// `mean_days_to_close_partner / mean_days_to_close_direct`: below 1, partner deals
    /// close faster.
    pub days_to_close_ratio: Option<f64>,
    /// `intervals`: the 95 % interval of each win rate and ratio. Always written; `None`
    /// only for results written before the summary had it (the key is then left out
    /// again when such a summary is written back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervals: Option<LiftIntervals>,
}

/// How a ratio of means got its 95 % interval.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RatioMethod {
    /// Seeded percentile bootstrap, both groups of at most 10,000 values.
    Bootstrap,
    /// Delta method on the log of the ratio, a group above 10,000 values.
    DeltaLog,
}

/// The summary's `partner_lift.intervals`: 95 % confidence intervals `[low, high]` of
/// the partner-lift figures, each null when its figure is or when the groups are too
/// small to bound it. A ratio's interval that does not contain 1 says the groups differ
/// beyond what chance alone explains (at the 5 % level).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct LiftIntervals {
    /// The confidence level, 0.95.
    pub level: f64,
    /// Wilson score interval of `win_rate_partner`.
    pub win_rate_partner: Option<[f64; 2]>,
    /// Wilson score interval of `win_rate_direct`.
    pub win_rate_direct: Option<[f64; 2]>,
    /// Katz log interval of `win_rate_ratio`; null when a side has no won deal.
    pub win_rate_ratio: Option<[f64; 2]>,
    /// Interval of `mean_won_amount_ratio` (method in `mean_won_amount_ratio_method`);
    /// null when a side has fewer than two won deals.
    pub mean_won_amount_ratio: Option<[f64; 2]>,
    /// How `mean_won_amount_ratio`'s interval was computed; null with it.
    pub mean_won_amount_ratio_method: Option<RatioMethod>,
    /// Interval of `days_to_close_ratio`; null when a side has fewer than two closed
    /// deals with both dates.
    pub days_to_close_ratio: Option<[f64; 2]>,
    /// How `days_to_close_ratio`'s interval was computed; null with it.
    pub days_to_close_ratio_method: Option<RatioMethod>,
    /// Bootstrap resamples per interval (2,000).
    pub resamples: usize,
    /// Groups with more values than this (per side) get the delta method (10,000).
    pub bootstrap_limit: usize,
    /// Seed of the bootstrap (the run's `--seed`).
    pub seed: u64,
}

/// Parameters of the partner-lift intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LiftParams {
    /// Seed of the bootstrap resamples (`--seed`, 42).
    pub seed: u64,
}

impl Default for LiftParams {
    fn default() -> Self {
        LiftParams { seed: 42 }
    }
}

/// The ecosystem-level sections of `ecosystem_summary.json` computed here; each field
/// is the summary key of the same name.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct EcosystemSummary {
    /// `counts`: nodes and links of each kind.
    pub counts: Counts,
    /// `network`: density, components, largest component, average clustering, modularity.
    pub network: Network,
    /// `revenue`: total won revenue and the partner / co-sell shares of it.
    pub revenue: Revenue,
    /// `partner_lift`: partner against direct deals.
    pub partner_lift: PartnerLift,
}

/// The values of one group kept for its interval: their moments, and the values
/// themselves while there are at most [`intervals::BOOTSTRAP_LIMIT`] of them (beyond,
/// the delta method needs only the moments, so memory stays O(limit), not O(deals)).
#[derive(Default)]
struct Sample {
    moments: Moments,
    values: Vec<f64>,
    over_limit: bool,
}

impl Sample {
    fn push(&mut self, x: f64) {
        self.moments.push(x);
        if self.over_limit {
            return;
        }
        if self.values.len() == intervals::BOOTSTRAP_LIMIT {
            self.over_limit = true;
            self.values = Vec::new();
        } else {
            self.values.push(x);
        }
    }
}

/// The 95 % interval of mean(a) / mean(b) and its method: the bootstrap while both
/// groups are within the limit, else the delta method.
fn ratio_interval(a: &Sample, b: &Sample, seed: u64) -> (Option<[f64; 2]>, Option<RatioMethod>) {
    let (ci, method) = if a.over_limit || b.over_limit {
        (
            intervals::delta_log_ratio_of_means(&a.moments, &b.moments),
            RatioMethod::DeltaLog,
        )
    } else {
        (
            intervals::bootstrap_ratio_of_means(&a.values, &b.values, seed, intervals::RESAMPLES),
            RatioMethod::Bootstrap,
        )
    };
    (ci, ci.map(|_| method))
}

/// Running sums for one group of deals (direct, partner, single-partner, co-sell).
#[derive(Default)]
struct Group {
    won: u64,
    lost: u64,
    won_amount: f64,
    close_days: f64,
    closed_with_dates: u64,
}

/// The values behind a group's means, for their intervals: won amounts and closing
/// days (the deals [`Group::add`] averages).
#[derive(Default)]
struct Samples {
    won_amounts: Sample,
    days: Sample,
}

impl Samples {
    fn add(&mut self, stage: Stage, amount: f64, days: Option<f64>) {
        if stage == Stage::Won {
            self.won_amounts.push(amount);
        }
        if let Some(days) = days {
            self.days.push(days);
        }
    }
}

impl Group {
    /// Counts one deal in this group.
    fn add(&mut self, stage: Stage, amount: f64, days: Option<f64>) {
        match stage {
            Stage::Won => {
                self.won += 1;
                self.won_amount += amount;
            }
            Stage::Lost => self.lost += 1,
            Stage::Open => {}
        }
        if let Some(days) = days {
            self.close_days += days;
            self.closed_with_dates += 1;
        }
    }

    fn win_rate(&self) -> Option<f64> {
        let closed = self.won + self.lost;
        (closed > 0).then(|| self.won as f64 / closed as f64)
    }
    fn mean_won(&self) -> Option<f64> {
        (self.won > 0).then(|| self.won_amount / self.won as f64)
    }
    fn mean_days(&self) -> Option<f64> {
        (self.closed_with_dates > 0).then(|| self.close_days / self.closed_with_dates as f64)
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => Some(a / b),
        _ => None,
    }
}

fn share(part: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| part / total)
}

/// The counts, network shape, revenue figures and partner lift of one input (formulas in
/// the module doc), with `average_clustering` and `modularity` left null for the
/// centrality suite to fill in. `components` are those of `g.cosell`; `lift` seeds the
/// bootstrap. O(deals), in deal order, plus the intervals' bootstrap.
pub(crate) fn summarize(
    g: &GraphSet,
    components: &Components,
    lift: &LiftParams,
) -> EcosystemSummary {
    let n = g.n_partners();
    let (mut direct, mut partner, mut single, mut cosell) = (
        Group::default(),
        Group::default(),
        Group::default(),
        Group::default(),
    );
    let (mut direct_values, mut partner_values) = (Samples::default(), Samples::default());
    let mut total_won = 0.0;
    for d in 0..g.n_deals() {
        let k = g.deal_partners.degree(d);
        let amount = g.deals.amount[d];
        let stage = g.deals.stage[d];
        let days = match (g.deals.created_ms[d], g.deals.closed_ms[d]) {
            (Some(a), Some(b)) if stage != Stage::Open => Some((b - a) as f64 / MS_PER_DAY),
            _ => None,
        };
        if stage == Stage::Won {
            total_won += amount;
        }
        if k == 0 {
            direct.add(stage, amount, days);
            direct_values.add(stage, amount, days);
        } else {
            partner.add(stage, amount, days);
            partner_values.add(stage, amount, days);
            if k == 1 { &mut single } else { &mut cosell }.add(stage, amount, days);
        }
    }
    let edges = g.cosell_edges();
    EcosystemSummary {
        counts: Counts {
            partners: n,
            products: g.products.len(),
            customers: g.customers.len(),
            deals: g.n_deals(),
            deal_partner_links: g.deal_partners.nnz(),
            partner_product_links: g.partner_product_links,
            cosell_edges: edges,
        },
        network: Network {
            density: Some(if n >= 2 {
                2.0 * edges as f64 / (n as f64 * (n as f64 - 1.0))
            } else {
                0.0
            }),
            components: components.count(),
            lcc_fraction: (n > 0).then(|| f64::from(components.largest()) / n as f64),
            average_clustering: None,
            modularity: None,
        },
        revenue: Revenue {
            total_won_revenue: total_won,
            partner_revenue_share: share(partner.won_amount, total_won),
            cosell_rate: share(cosell.won_amount, total_won),
            cosell_lift: ratio(cosell.mean_won(), single.mean_won()),
        },
        partner_lift: PartnerLift {
            win_rate_partner: partner.win_rate(),
            win_rate_direct: direct.win_rate(),
            win_rate_ratio: ratio(partner.win_rate(), direct.win_rate()),
            mean_won_amount_partner: partner.mean_won(),
            mean_won_amount_direct: direct.mean_won(),
            mean_won_amount_ratio: ratio(partner.mean_won(), direct.mean_won()),
            mean_days_to_close_partner: partner.mean_days(),
            mean_days_to_close_direct: direct.mean_days(),
            days_to_close_ratio: ratio(partner.mean_days(), direct.mean_days()),
            intervals: Some(lift_intervals(
                (&partner, &partner_values),
                (&direct, &direct_values),
                lift.seed,
            )),
        },
    }
}

/// The intervals of the partner-lift figures (rules on [`LiftIntervals`]); each is null
/// when its figure is.
fn lift_intervals(
    (partner, p): (&Group, &Samples),
    (direct, d): (&Group, &Samples),
    seed: u64,
) -> LiftIntervals {
    let closed = |g: &Group| g.won + g.lost;
    let defined = |ci: Option<[f64; 2]>, value: Option<f64>| ci.filter(|_| value.is_some());
    let (amount, amount_method) = ratio_interval(&p.won_amounts, &d.won_amounts, seed);
    // Its own resample streams: the days draw independently of the amounts.
    let (days, days_method) = ratio_interval(&p.days, &d.days, seed.wrapping_add(1));
    let amount_ratio = ratio(partner.mean_won(), direct.mean_won());
    let days_ratio = ratio(partner.mean_days(), direct.mean_days());
    LiftIntervals {
        level: intervals::LEVEL,
        win_rate_partner: intervals::wilson(partner.won, closed(partner)),
        win_rate_direct: intervals::wilson(direct.won, closed(direct)),
        win_rate_ratio: intervals::katz_ratio(
            partner.won,
            closed(partner),
            direct.won,
            closed(direct),
        ),
        mean_won_amount_ratio: defined(amount, amount_ratio),
        mean_won_amount_ratio_method: amount_method.filter(|_| amount_ratio.is_some()),
        days_to_close_ratio: defined(days, days_ratio),
        days_to_close_ratio_method: days_method.filter(|_| days_ratio.is_some()),
        resamples: intervals::RESAMPLES,
        bootstrap_limit: intervals::BOOTSTRAP_LIMIT,
        seed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(xs: impl IntoIterator<Item = f64>) -> Sample {
        let mut s = Sample::default();
        xs.into_iter().for_each(|x| s.push(x));
        s
    }

    /// Up to the limit a side keeps its values and is bootstrapped; one value more and
    /// it keeps only its moments (memory O(limit)), and the delta method bounds the
    /// ratio. Both intervals hold the ratio of means.
    #[test]
    fn a_side_above_the_limit_switches_to_the_delta_method() {
        let limit = intervals::BOOTSTRAP_LIMIT;
        let values = |n: usize, scale: f64| (0..n).map(move |i| scale * (1 + i % 7) as f64);
        let at = sample(values(limit, 2.0));
        assert!(!at.over_limit && at.values.len() == limit);
        let above = sample(values(limit + 1, 2.0));
        assert!(above.over_limit && above.values.capacity() == 0);
        assert_eq!(above.moments, {
            let mut m = Moments::default();
            values(limit + 1, 2.0).for_each(|x| m.push(x));
            m
        });
        let small = sample(values(50, 1.0));
        let (ci, method) = ratio_interval(&small, &sample(values(40, 1.0)), 1);
        assert_eq!(method, Some(RatioMethod::Bootstrap));
        assert!(ci.is_some_and(|[lo, hi]| lo < 1.0 && 1.0 < hi), "{ci:?}");
        let (ci, method) = ratio_interval(&above, &small, 1);
        assert_eq!(method, Some(RatioMethod::DeltaLog));
        assert!(
            ci.is_some_and(|[lo, hi]| lo < 2.0 && 2.0 < hi && lo > 1.5),
            "{ci:?}"
        );
        // No interval, no method.
        assert_eq!(ratio_interval(&sample([1.0]), &small, 1), (None, None));
    }
}
