//! Attribution models: how each won partner deal's amount is split over its partners.
//!
//! One split of revenue is one story; a partner program needs to see several side by
//! side. Under every model a won deal d with partners P_d (distinct, in partner_id
//! order) gives each p in P_d a share s_{d,p} >= 0 with Σ_p s_{d,p} = 1, and
//!
//!   attributed_p = Σ_{won d ∋ p} amount_d · s_{d,p},
//!
//! so every model sums to the won revenue of partner deals (up to rounding).
//!
//! | model | s_{d,p} |
//! |---|---|
//! | `even` | 1 / \|P_d\| (`attributed_revenue` of partner_metrics) |
//! | `role_weighted` | w(p) / Σ_q w(q), w(p) = the largest weight of p's roles on d; 1 / \|P_d\| when every weight is 0 |
//! | `first_touch` | 1 for the first partner to touch the deal |
//! | `last_touch` | 1 for the last |
//! | `u_shaped` | 1 partner: 1; 2: ½ each; n ≥ 3: 0.4 first, 0.4 last, 0.2 / (n − 2) each other |
//! | `time_decay` | w(p) / Σ_q w(q), w(p) = 2^(−age_p / half-life), age_p = days from p's touch to the deal's close (≥ 0) |
//!
//! The touch models need deal_partners' `touched_at`: a partner's touch on a deal is the
//! earliest touched_at of its rows. Partners are ordered by (touch, partner_id), so ties in
//! time go by partner_id. A deal on which some partner has no touch is *untimed*: the
//! order is unknown, so the four touch models split it evenly, and the summary counts
//! these deals. time_decay measures ages from the deal's closed_at, or from its latest
//! touch when it has no closed_at; a touch after the close has age 0. Without a
//! touched_at column (or with one empty everywhere) the touch models are absent.
//!
//! Default role weights (a starting point, meant to be set in the config to the
//! program's own rules; they sum to 1): sourced 0.5, co_sell 0.3, fulfilled 0.1,
//! influenced 0.05, referral 0.05. Default half-life: 7 days, the half-life of Google
//! Ads' time-decay model.
//!
//! For a partner manager: "even" rewards being on deals, "role_weighted" rewards the
//! work the CRM says each partner did, "first_touch" finding deals, "last_touch" closing
//! them, "u_shaped" both, and "time_decay" being there at the end. Where they agree, the
//! credit is uncontroversial; where they disagree, the program's rules pick the story.
//!
//! Complexity: O(links) per model (plus a sort of each deal's partners for the touch
//! models), parallel over deals, then over partners; each partner sums its own deals in
//! deal order, so the result does not depend on the thread count.

use rayon::prelude::*;

use crate::graph::{GraphSet, NO_TOUCH};
use crate::schema::Stage;

pub use crate::vocab::attribution::{
    AttributionParams, Model, RoleWeights, MAX_HALF_LIFE_DAYS, MAX_ROLE_WEIGHT,
};

/// One model's revenue per partner.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRevenue {
    /// The model.
    pub model: Model,
    /// Attributed revenue per partner index (id order).
    pub revenue: Vec<f64>,
    /// Rank per partner index ([`ranks`]: 1 = the most, ties by partner_id).
    pub rank: Vec<u32>,
}

/// The attribution of every model that could be computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// The computed models, in [`Model::ALL`] order.
    pub models: Vec<ModelRevenue>,
    /// The models left out, with why.
    pub absent: Vec<(Model, &'static str)>,
    /// Won revenue of deals with at least one partner: what every model sums to.
    pub partner_won_revenue: f64,
    /// Won partner deals some partner of which has no touch (split evenly by the touch
    /// models); `None` when the touch models are absent.
    pub untimed_deals: Option<u64>,
    /// Their won revenue; `None` when the touch models are absent.
    pub untimed_revenue: Option<f64>,
}

/// Why the touch models are absent when deal_partners has no touched_at column.
pub(crate) const NO_TOUCH_COLUMN: &str = "deal_partners has no touched_at column";
/// Why the touch models are absent when every touched_at is empty.
pub(crate) const EMPTY_TOUCH_COLUMN: &str = "touched_at is empty on every deal_partners row";

/// The links' touches when the touch models can run: deal_partners has a touched_at
/// column with at least one value.
fn touches(g: &GraphSet) -> Option<&[i64]> {
    g.deal_partner_touched
        .as_deref()
        .filter(|t| t.iter().any(|&ms| ms != NO_TOUCH))
}

/// The models these graphs cannot compute, with why (known before any work, so that a
/// tier rule on one is refused at once).
pub fn absent_models(g: &GraphSet) -> Vec<(Model, &'static str)> {
    if touches(g).is_some() {
        return Vec::new();
    }
    let reason = match &g.deal_partner_touched {
        None => NO_TOUCH_COLUMN,
        Some(_) => EMPTY_TOUCH_COLUMN,
    };
    Model::ALL
        .into_iter()
        .filter(|m| m.needs_touch())
        .map(|m| (m, reason))
        .collect()
}

/// Every model's revenue per partner. `even` is `activity`'s `attributed_revenue` (the
/// same numbers, not recomputed).
pub fn compute(g: &GraphSet, even: &[f64], params: &AttributionParams) -> Attribution {
    let won_partner_deal =
        |d: usize| g.deals.stage[d] == Stage::Won && g.deal_partners.degree(d) > 0;
    let partner_won_revenue = (0..g.n_deals())
        .filter(|&d| won_partner_deal(d))
        .map(|d| g.deals.amount[d])
        .sum();
    let touched = touches(g);
    let absent = absent_models(g);
    let of = |model, revenue: Vec<f64>| ModelRevenue {
        model,
        rank: ranks(&revenue),
        revenue,
    };
    let mut models = vec![of(Model::Even, even.to_vec())];
    for model in Model::ALL.into_iter().skip(1) {
        if absent.iter().any(|(m, _)| *m == model) {
            continue;
        }
        let shares = link_shares(g, model, params, touched);
        models.push(of(model, pull(g, &shares)));
    }
    let (untimed_deals, untimed_revenue) = match touched {
        None => (None, None),
        Some(t) => {
            let untimed: Vec<usize> = (0..g.n_deals())
                .filter(|&d| won_partner_deal(d) && link_range(g, d).any(|l| t[l] == NO_TOUCH))
                .collect();
            let revenue = untimed.iter().map(|&d| g.deals.amount[d]).sum();
            (Some(untimed.len() as u64), Some(revenue))
        }
    };
    Attribution {
        models,
        absent,
        partner_won_revenue,
        untimed_deals,
        untimed_revenue,
    }
}

fn link_range(g: &GraphSet, d: usize) -> std::ops::Range<usize> {
    g.deal_partners.offsets[d]..g.deal_partners.offsets[d + 1]
}

/// Each link's share of its deal under `model` (0 on deals that are not won), parallel
/// to `deal_partners.targets`.
fn link_shares(
    g: &GraphSet,
    model: Model,
    params: &AttributionParams,
    touched: Option<&[i64]>,
) -> Vec<f64> {
    (0..g.n_deals())
        .into_par_iter()
        .flat_map_iter(|d| {
            let r = link_range(g, d);
            let mut s = vec![0.0; r.len()];
            if g.deals.stage[d] == Stage::Won && !r.is_empty() {
                deal_shares(g, d, model, params, touched, &mut s);
            }
            s
        })
        .collect()
}

/// The shares of deal d's partners (in partner_id order) under `model`, into `out`.
fn deal_shares(
    g: &GraphSet,
    d: usize,
    model: Model,
    params: &AttributionParams,
    touched: Option<&[i64]>,
    out: &mut [f64],
) {
    let r = link_range(g, d);
    let n = out.len();
    let even = |out: &mut [f64]| out.fill(1.0 / n as f64);
    match model {
        Model::Even => even(out),
        Model::RoleWeighted => {
            for (o, l) in out.iter_mut().zip(r) {
                *o = params.role_weights.of_set(g.deal_partner_roles[l]);
            }
            normalize_or_even(out);
        }
        _ => {
            let t = &touched.expect("the touch models need touched_at")[r];
            if t.contains(&NO_TOUCH) {
                return even(out);
            }
            // Positions in touch order; partner_id order breaks ties (positions are in it).
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by_key(|&i| (t[i], i));
            let (first, last) = (order[0], order[n - 1]);
            match model {
                Model::FirstTouch => out[first] = 1.0,
                Model::LastTouch => out[last] = 1.0,
                Model::UShaped => match n {
                    1 => out[0] = 1.0,
                    2 => out.fill(0.5),
                    _ => {
                        out.fill(0.2 / (n - 2) as f64);
                        out[first] = 0.4;
                        out[last] = 0.4;
                    }
                },
                Model::TimeDecay => {
                    let close = g.deals.closed_ms[d].unwrap_or(t[last]);
                    let age = |ms: i64| ((close - ms) as f64 / 86_400_000.0).max(0.0);
                    // Ages relative to the youngest touch: the same shares after
                    // normalizing, without underflow for touches years before the close.
                    let youngest = t.iter().map(|&ms| age(ms)).fold(f64::INFINITY, f64::min);
                    for (o, &ms) in out.iter_mut().zip(t) {
                        *o = 0.5f64.powf((age(ms) - youngest) / params.half_life_days);
                    }
                    normalize_or_even(out);
                }
                Model::Even | Model::RoleWeighted => unreachable!("handled above"),
            }
        }
    }
}

/// Divides by the sum; the even split when the sum is 0.
fn normalize_or_even(w: &mut [f64]) {
    let sum: f64 = w.iter().sum();
    if sum > 0.0 {
        w.iter_mut().for_each(|x| *x /= sum);
    } else {
        let n = w.len() as f64;
        w.fill(1.0 / n);
    }
}

/// Per partner, Σ amount · share over its won deals in deal order.
fn pull(g: &GraphSet, shares: &[f64]) -> Vec<f64> {
    (0..g.n_partners())
        .into_par_iter()
        .map(|p| {
            let mut sum = 0.0;
            for &d in g.partner_deals.row(p) {
                let d = d as usize;
                if g.deals.stage[d] != Stage::Won {
                    continue;
                }
                let pos = g
                    .deal_partners
                    .row(d)
                    .binary_search(&(p as u32))
                    .expect("p is on its own deal");
                sum += g.deals.amount[d] * shares[g.deal_partners.offsets[d] + pos];
            }
            sum
        })
        .collect()
}

/// Ranks (1 = most revenue; ties by partner index, i.e. partner_id) of `revenue`.
pub fn ranks(revenue: &[f64]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..revenue.len()).collect();
    order.sort_by(|&a, &b| revenue[b].total_cmp(&revenue[a]).then(a.cmp(&b)));
    let mut rank = vec![0; revenue.len()];
    for (k, i) in order.into_iter().enumerate() {
        rank[i] = k as u32 + 1;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Role;

    #[test]
    fn a_role_set_weighs_as_its_heaviest_role() {
        let w = RoleWeights::default();
        assert_eq!(w.of_set(Role::Sourced.bit() | Role::Referral.bit()), 0.5);
        assert_eq!(w.of_set(Role::Influenced.bit()), 0.05);
        assert_eq!(w.of_set(0), 0.0);
    }

    #[test]
    fn ranks_go_by_revenue_then_index() {
        assert_eq!(ranks(&[1.0, 3.0, 3.0, 0.0]), vec![3, 1, 2, 4]);
    }

    #[test]
    fn names_round_trip() {
        for m in Model::ALL {
            assert_eq!(Model::from_name(m.name()), Some(m));
        }
        assert_eq!(Model::from_name("linear"), None);
    }
}
