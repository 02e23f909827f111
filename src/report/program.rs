//! The report's partner-program sections: "which story is fair" (the attribution
//! models side by side), the tier review (tier_fit), and "since last period" (a
//! comparison with an earlier run, `report NEW --since OLD`).

use serde::Serialize;

use super::columns::{floats, strs, top_by, Partners};
use crate::compare::{CompareTotals, Comparison};
use crate::error::Result;
use crate::results::Results;
use crate::schema::out;
use crate::schema::outputs::{ECOSYSTEM_CHANGES, PARTNER_CHANGES};

/// Partners listed per list of the program sections.
pub(crate) const PROGRAM_ROWS: usize = 10;

/// "Which story is fair": the top partners by the even split, ranked under every model.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FairStory {
    /// The models computed, in table order.
    pub models: Vec<String>,
    /// Models left out, with why.
    pub absent: Vec<(String, String)>,
    /// One row per partner of the summary's `fair_story`.
    pub rows: Vec<FairRow>,
    /// Per model (after even): its top ten shared with even's, and the largest rank
    /// change among even's top ten.
    pub agreement: Vec<(String, u64, u64)>,
}

/// One partner of [`FairStory`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FairRow {
    /// Its name, or id.
    pub partner: String,
    /// Revenue per model, in [`FairStory::models`] order.
    pub revenue: Vec<f64>,
    /// Rank per model, same order.
    pub rank: Vec<u64>,
}

/// The story table from the summary's `attribution` section; None when no model ran.
pub fn fair_story(r: &Results) -> Option<FairStory> {
    let a = &r.summary.attribution;
    if a.models.is_empty() {
        return None;
    }
    // Every model of `models` is a key of each partner's maps and of `agreement`
    // (checked when the summary was read: `Summary::from_json`).
    let rows = a
        .fair_story
        .iter()
        .map(|p| FairRow {
            partner: p.label().to_string(),
            revenue: a
                .models
                .iter()
                .map(|m| p.revenue.get(m).copied().unwrap_or_default())
                .collect(),
            rank: a
                .models
                .iter()
                .map(|m| p.rank.get(m).copied().unwrap_or(0))
                .collect(),
        })
        .collect();
    let agreement = a
        .models
        .iter()
        .skip(1)
        .map(|m| {
            let g = a.agreement.get(m).copied().unwrap_or_default();
            (
                m.clone(),
                g.top10_shared_with_even,
                g.largest_rank_change_in_even_top10,
            )
        })
        .collect();
    Some(FairStory {
        models: a.models.clone(),
        absent: a
            .absent
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        rows,
        agreement,
    })
}

/// The tier review: statuses counted, and the promotion candidates and partners at risk.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TierReview {
    /// The configured tiers, highest first.
    pub tiers: Vec<String>,
    /// (status, partners), in the order above, meets, below, unknown.
    pub status: Vec<(String, u64)>,
    /// Partners qualifying above their tier (the largest attributed revenue first).
    pub above: Vec<TierRow>,
    /// Partners below their tier's rules (the largest attributed revenue first).
    pub below: Vec<TierRow>,
}

/// One partner of a [`TierReview`] list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TierRow {
    /// Its name, or id.
    pub partner: String,
    /// Its tier.
    pub tier: String,
    /// The highest tier it qualifies for ("–" for none).
    pub qualified: String,
    /// Its attributed revenue.
    pub attributed_revenue: f64,
}

/// The tier review; None when no tiers are configured (or results predate tier_fit).
pub fn tier_review(r: &Results) -> Result<Option<TierReview>> {
    let t = &r.summary.tiers;
    let tiers = t.configured.clone();
    if tiers.is_empty() {
        return Ok(None);
    }
    let status = crate::metrics::tiers::Status::ALL
        .iter()
        .map(|s| {
            (
                s.word().to_string(),
                t.status.get(s.word()).copied().unwrap_or(0),
            )
        })
        .collect();
    let (Some(fit), Some(pm)) = (
        r.table(out::TIER_FIT.name),
        r.table(out::PARTNER_METRICS.name),
    ) else {
        return Ok(None);
    };
    let partners = Partners::of(pm)?;
    let revenue = floats(pm, const { out::PARTNER_METRICS.col("attributed_revenue") })?;
    let (id, tier, q, st) = (
        strs(fit, const { out::TIER_FIT.col("partner_id") })?,
        strs(fit, const { out::TIER_FIT.col("tier") })?,
        strs(fit, const { out::TIER_FIT.col("qualified_tier") })?,
        strs(fit, const { out::TIER_FIT.col("status") })?,
    );
    let mut rows: Vec<(String, TierRow)> = Vec::new();
    let mut last: Option<&str> = None;
    for i in 0..fit.num_rows() {
        let Some(pid) = &id[i] else { continue };
        if last == Some(pid.as_str()) {
            continue; // one row per rule: the partner's fit is the same on each
        }
        last = Some(pid.as_str());
        rows.push((
            st[i].clone().unwrap_or_default(),
            TierRow {
                partner: partners.shown(pid).to_string(),
                tier: tier[i].clone().unwrap_or_default(),
                qualified: q[i].clone().unwrap_or_else(|| "–".into()),
                attributed_revenue: partners.row(pid).map_or(0.0, |p| revenue[p].unwrap_or(0.0)),
            },
        ));
    }
    let pick = |status: &str| {
        let of: Vec<&TierRow> = rows
            .iter()
            .filter(|r| r.0 == status)
            .map(|r| &r.1)
            .collect();
        top_by(of.len(), PROGRAM_ROWS, |i| of[i].attributed_revenue)
            .into_iter()
            .map(|i| of[i].clone())
            .collect()
    };
    Ok(Some(TierReview {
        tiers,
        status,
        above: pick("above"),
        below: pick("below"),
    }))
}

/// A headline measure of [`SinceLast`]: (label, unit, before, now, change, the change's
/// unit). A share's change is in percentage points (`pts`), the others signed.
pub type Measure = (
    String,
    String,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    String,
);

/// "Since last period": the comparison with an earlier run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SinceLast {
    /// The earlier run's period ("all time" without one).
    pub old_period: String,
    /// This run's period.
    pub new_period: String,
    /// The headline measures.
    pub measures: Vec<Measure>,
    /// The totals: joined, gone quiet, ties gained and lost, new conflicts.
    pub totals: CompareTotals,
    /// The largest gains in attributed revenue.
    pub gainers: Vec<(String, f64)>,
    /// The largest losses.
    pub losers: Vec<(String, f64)>,
    /// Partners that joined (the largest new revenue first).
    pub joined: Vec<String>,
    /// Partners that went quiet (the largest old revenue first).
    pub went_quiet: Vec<String>,
}

/// The headline measures of [`SinceLast`]: (summary path, label, unit).
const HEADLINE: [(&str, &str, &str); 7] = [
    ("counts.deals", "Deals", "count"),
    ("revenue.total_won_revenue", "Won revenue", "money"),
    (
        "revenue.partner_revenue_share",
        "Partner revenue share",
        "share",
    ),
    ("revenue.cosell_rate", "Co-sell rate", "share"),
    (
        "partner_lift.win_rate_partner",
        "Win rate, partner-led",
        "share",
    ),
    ("counts.cosell_edges", "Co-selling ties", "count"),
    ("overlap.channel_conflicts", "Channel conflicts", "count"),
];

/// The run's review period, "2025-07-01 to 2025-09-30"; None for all time.
pub fn period(r: &Results) -> Option<String> {
    let p = r.summary.period.as_ref()?;
    match (p.from.as_deref(), p.to.as_deref()) {
        (None, None) => None,
        (f, t) => Some(format!("{} to {}", f.unwrap_or("…"), t.unwrap_or("…"))),
    }
}

/// The section from a comparison of `old` with `new` (this report's results).
pub fn since_last(old: &Results, new: &Results, c: &Comparison) -> Result<SinceLast> {
    let (m, o, n, d) = (
        strs(&c.ecosystem, const { ECOSYSTEM_CHANGES.col("measure") })?,
        floats(&c.ecosystem, const { ECOSYSTEM_CHANGES.col("old") })?,
        floats(&c.ecosystem, const { ECOSYSTEM_CHANGES.col("new") })?,
        floats(&c.ecosystem, const { ECOSYSTEM_CHANGES.col("change") })?,
    );
    let measures = HEADLINE
        .iter()
        .filter_map(|&(path, label, unit)| {
            let i = m.iter().position(|x| x.as_deref() == Some(path))?;
            let change_unit = if unit == "share" { "pts" } else { "signed" };
            Some((
                label.to_string(),
                unit.to_string(),
                o[i],
                n[i],
                d[i],
                change_unit.to_string(),
            ))
        })
        .collect();
    let p = &c.partners;
    let partners = Partners::of_changes(p)?;
    let act = strs(p, const { PARTNER_CHANGES.col("activity") })?;
    let change = floats(
        p,
        const { PARTNER_CHANGES.col("attributed_revenue_change") },
    )?;
    let (old_rev, new_rev) = (
        floats(p, const { PARTNER_CHANGES.col("attributed_revenue_old") })?,
        floats(p, const { PARTNER_CHANGES.col("attributed_revenue_new") })?,
    );
    let label = |i: usize| partners.names[i].clone();
    let n_rows = p.num_rows();
    let ch = |i: usize| change[i].unwrap_or(0.0);
    let gainers = top_by(n_rows, PROGRAM_ROWS, ch)
        .into_iter()
        .filter(|&i| ch(i) > 0.0)
        .map(|i| (label(i), ch(i)))
        .collect();
    let losers = top_by(n_rows, PROGRAM_ROWS, |i| -ch(i))
        .into_iter()
        .filter(|&i| ch(i) < 0.0)
        .map(|i| (label(i), ch(i)))
        .collect();
    let named = |activity: &str, rev: &[Option<f64>]| -> Vec<String> {
        let of: Vec<usize> = (0..n_rows)
            .filter(|&i| act[i].as_deref() == Some(activity))
            .collect();
        top_by(of.len(), PROGRAM_ROWS, |k| rev[of[k]].unwrap_or(0.0))
            .into_iter()
            .map(|k| label(of[k]))
            .collect()
    };
    Ok(SinceLast {
        old_period: period(old).unwrap_or_else(|| "all time".into()),
        new_period: period(new).unwrap_or_else(|| "all time".into()),
        measures,
        totals: c.totals.clone(),
        gainers,
        losers,
        joined: named("joined", &new_rev),
        went_quiet: named("went_quiet", &old_rev),
    })
}
