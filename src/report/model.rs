//! What the report shows, as data: every number on the page comes from here, and the
//! page embeds this model as a JSON data island (`<script id="ecograph-data">`), so a
//! test (and a curious reader) can check each one against the tables it came from.
//!
//! Lists are bounded (the top [`LEADERBOARD_ROWS`] partners, the [`CONFLICT_ROWS`]
//! largest conflicts, the [`COMMUNITY_ROWS`] largest communities), each with the count
//! of what was left out, so the page stays small for any ecosystem size.

use serde::Serialize;

use crate::error::Result;
use crate::results::Results;

// The map's and the account mapping's types live with the code that builds them.
pub use super::columns::Bounded;
pub use super::maps::{
    MapNode, NetworkMap, PairRow, TypeCell, MAP_EDGES, MAP_NODES, MAP_SEED, PAIR_ROWS,
};
pub use super::tiles::Tile;

/// Partners in the leaderboard.
pub const LEADERBOARD_ROWS: usize = 100;
/// Channel conflicts listed, largest combined amount first.
pub const CONFLICT_ROWS: usize = 25;
/// Communities listed, largest first.
pub const COMMUNITY_ROWS: usize = 20;

/// One leaderboard row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LeaderRow {
    /// partner_metrics.partner_id.
    pub partner_id: String,
    /// partner_metrics.name (the id when absent).
    pub name: String,
    /// partner_type, tier, region.
    pub partner_type: Option<String>,
    /// tier.
    pub tier: Option<String>,
    /// region.
    pub region: Option<String>,
    /// attributed_revenue.
    pub attributed_revenue: f64,
    /// won_deals.
    pub won_deals: i64,
    /// win_rate.
    pub win_rate: Option<f64>,
    /// cosell_degree.
    pub cosell_degree: i64,
    /// pagerank.
    pub pagerank: f64,
    /// betweenness.
    pub betweenness: Option<f64>,
    /// reach_loss.
    pub reach_loss: Option<f64>,
    /// community.
    pub community: Option<i64>,
}

/// One diversification dimension.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DivRow {
    /// diversification.dimension.
    pub dimension: String,
    /// entities.
    pub entities: i64,
    /// hhi (1 / entities..1).
    pub hhi: Option<f64>,
    /// The HHI rescaled to 0..1 for the number of entities
    /// ([`crate::alerts::normalized_hhi`]); null below two entities.
    pub hhi_normalized: Option<f64>,
    /// The band of the normalized HHI: `unconcentrated` (< 0.15), `moderate`
    /// (0.15-0.25), `high`; null below two entities.
    pub band: Option<&'static str>,
    /// top1_share.
    pub top1_share: Option<f64>,
    /// gini.
    pub gini: Option<f64>,
}

pub use super::quarters::Quarter;

/// One point of a resilience curve.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CurvePoint {
    /// `targeted` or `random`.
    pub strategy: String,
    /// removed_fraction.
    pub removed_fraction: f64,
    /// lcc_fraction.
    pub lcc_fraction: f64,
}

/// One channel conflict row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConflictRow {
    /// customer_id.
    pub customer_id: String,
    /// product_id.
    pub product_id: String,
    /// partner_a (its id).
    pub partner_a: String,
    /// partner_b (its id).
    pub partner_b: String,
    /// partner_a's name (its id when it has none).
    pub name_a: String,
    /// partner_b's name.
    pub name_b: String,
    /// deal_a, deal_b.
    pub deal_a: String,
    /// deal_b.
    pub deal_b: String,
    /// amount_a + amount_b: what is at stake.
    pub amount: f64,
    /// days_apart.
    pub days_apart: f64,
    /// stage_a / stage_b ("won / won": two partners paid for one account).
    pub stages: String,
}

/// A partner as a person reads it: its name, with its id for a tooltip.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Member {
    /// partner_id.
    pub partner_id: String,
    /// name (the id when absent).
    pub name: String,
}

/// Partners listed per community: the most central, and the largest by revenue.
pub const COMMUNITY_MEMBERS: usize = 3;

/// One community row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CommunityRow {
    /// community.
    pub community: i64,
    /// size.
    pub size: i64,
    /// top_partners (up to three ids, highest PageRank first), as names.
    pub central: Vec<Member>,
    /// The community's [`COMMUNITY_MEMBERS`] partners with the most attributed revenue
    /// (partner_metrics, ties by table order).
    pub largest: Vec<Member>,
    /// dominant_partner_type.
    pub dominant_partner_type: Option<String>,
    /// dominant_type_share.
    pub dominant_type_share: Option<f64>,
}

/// One alert: a finding that asks for attention, with the section holding its evidence.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Alert {
    /// A stable code (`revenue_concentration`, `dominant_partner`, `critical_partners`,
    /// `near_duplicates`, `channel_conflicts`, `fragile_network`, `hidden_brokers`).
    pub code: &'static str,
    /// The finding in one sentence.
    pub title: String,
    /// The anchor of the evidence on the page (`#diversification`).
    pub evidence: &'static str,
    /// The partners concerned, by name (at most ten).
    pub partners: Vec<String>,
    /// The numbers it rests on, by name (as the summary's `alerts.raised` records them).
    pub figures: std::collections::BTreeMap<String, f64>,
    /// Its rule in words with the run's thresholds ("... above hhi_high; hhi_high = 0.25"),
    /// as the summary's `alerts.rules` records it.
    pub rule: String,
}

/// Everything the page shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Model {
    /// ecograph's version that wrote the results (summary.ecograph_version).
    pub ecograph_version: String,
    /// The results' input folder (summary.parameters.input).
    pub input: String,
    /// The review period (`--period`), "2025-07-01 to 2025-09-30"; None for all time.
    pub period: Option<String>,
    /// The deals' currency as `[report] currency` names it
    /// (summary.parameters.report.currency); None: not named.
    pub currency: Option<String>,
    /// Executive summary tiles.
    pub tiles: Vec<Tile>,
    /// What asks for attention (ydata-profiling's alerts, in partner-program terms).
    pub alerts: Vec<Alert>,
    /// Top partners by attributed revenue.
    pub leaderboard: Bounded<LeaderRow>,
    /// Each diversification dimension against the HHI bands.
    pub diversification: Vec<DivRow>,
    /// Growth by quarter, and the fitted law (summary.growth.best_growth_law).
    pub growth: Vec<Quarter>,
    /// summary.growth.best_growth_law.
    pub growth_law: Option<String>,
    /// The quarters the growth chart draws and what it leaves off (None without a
    /// readable date).
    pub growth_window: Option<super::quarters::QuarterWindow>,
    /// The resilience curves.
    pub resilience: Vec<CurvePoint>,
    /// Largest channel conflicts by combined amount.
    pub conflicts: Bounded<ConflictRow>,
    /// Largest communities of two partners or more (empty when the run did not
    /// compute them); `total` counts every community, singletons included.
    pub communities: Bounded<CommunityRow>,
    /// Communities of a single partner, left out of the list (a partner that co-sells
    /// with nobody is a community of one).
    pub communities_of_one: usize,
    /// The co-sell network map.
    pub network: NetworkMap,
    /// The account-mapping matrix, every cell of overlap_by_type.
    pub account_mapping: Vec<TypeCell>,
    /// The partner pairs sharing the most customers (of the rows overlap_pairs keeps).
    pub top_pairs: Bounded<PairRow>,
    /// "Which story is fair": the attribution models side by side (None for results
    /// written before attribution existed).
    pub fair_story: Option<super::program::FairStory>,
    /// The tier review (None without `[[tiers]]`).
    pub tier_review: Option<super::program::TierReview>,
    /// "Since last period" (only with `report --since OLD`).
    pub since: Option<super::program::SinceLast>,
    /// What these numbers rest on.
    pub basis: super::basis::Basis,
}

pub use crate::alerts::{band, normalized_hhi};

use super::columns::{dates, floats, ints, missing, need, strs, top_by, Partners};
use crate::schema::out;

/// Builds the model from an output folder read back.
pub fn build(r: &Results) -> Result<Model> {
    let s = &r.summary;
    // In the order a missing table is reported: partner_metrics first.
    let (leaderboard, diversification, growth) = (leaderboard(r)?, diversification(r)?, growth(r)?);
    let (resilience, conflicts) = (resilience(r)?, conflicts(r)?);
    let (communities, communities_of_one) = communities(r)?;
    let (alerts, network) = (alerts(r)?, super::maps::network_map(r)?);
    let (account_mapping, top_pairs) = super::maps::account_mapping(r)?;
    Ok(Model {
        ecograph_version: s.ecograph_version.clone(),
        input: s.parameters.input.clone(),
        period: super::program::period(r),
        currency: s.parameters.report.currency.clone(),
        tiles: super::tiles::tiles(s),
        alerts,
        leaderboard,
        diversification,
        growth_window: super::quarters::quarter_window(&growth),
        growth,
        growth_law: s.growth.best_growth_law.clone(),
        resilience,
        conflicts,
        communities,
        communities_of_one,
        network,
        account_mapping,
        top_pairs,
        fair_story: super::program::fair_story(r),
        tier_review: super::program::tier_review(r)?,
        since: None,
        basis: super::basis::basis(s),
    })
}

/// The leaderboard: the top [`LEADERBOARD_ROWS`] partners by attributed revenue.
fn leaderboard(r: &Results) -> Result<Bounded<LeaderRow>> {
    let pm = need(r, &out::PARTNER_METRICS)?;
    let partners = Partners::of(pm)?;
    let (ty, tier, region) = (
        strs(pm, const { out::PARTNER_METRICS.col("partner_type") })?,
        strs(pm, const { out::PARTNER_METRICS.col("tier") })?,
        strs(pm, const { out::PARTNER_METRICS.col("region") })?,
    );
    let revenue = floats(pm, const { out::PARTNER_METRICS.col("attributed_revenue") })?;
    let (won, degree) = (
        ints(pm, const { out::PARTNER_METRICS.col("won_deals") })?,
        ints(pm, const { out::PARTNER_METRICS.col("cosell_degree") })?,
    );
    let (win, pr, btw, reach) = (
        floats(pm, const { out::PARTNER_METRICS.col("win_rate") })?,
        floats(pm, const { out::PARTNER_METRICS.col("pagerank") })?,
        floats(pm, const { out::PARTNER_METRICS.col("betweenness") })?,
        floats(pm, const { out::PARTNER_METRICS.col("reach_loss") })?,
    );
    let community = ints(pm, const { out::PARTNER_METRICS.col("community") })?;
    let rows = top_by(pm.num_rows(), LEADERBOARD_ROWS, |i| {
        revenue[i].unwrap_or(0.0)
    })
    .into_iter()
    .map(|i| LeaderRow {
        name: partners.names[i].clone(),
        partner_id: partners.ids[i].clone(),
        partner_type: ty[i].clone(),
        tier: tier[i].clone(),
        region: region[i].clone(),
        attributed_revenue: revenue[i].unwrap_or(0.0),
        won_deals: won[i].unwrap_or(0),
        win_rate: win[i],
        cosell_degree: degree[i].unwrap_or(0),
        pagerank: pr[i].unwrap_or(0.0),
        betweenness: btw[i],
        reach_loss: reach[i],
        community: community[i],
    })
    .collect();
    let leaderboard = Bounded {
        rows,
        total: pm.num_rows(),
    };
    Ok(leaderboard)
}

/// Each diversification dimension with its HHI band.
fn diversification(r: &Results) -> Result<Vec<DivRow>> {
    let d = need(r, &out::DIVERSIFICATION)?;
    let (dim, ent, hhi, top1, gini) = (
        strs(d, const { out::DIVERSIFICATION.col("dimension") })?,
        ints(d, const { out::DIVERSIFICATION.col("entities") })?,
        floats(d, const { out::DIVERSIFICATION.col("hhi") })?,
        floats(d, const { out::DIVERSIFICATION.col("top1_share") })?,
        floats(d, const { out::DIVERSIFICATION.col("gini") })?,
    );
    let diversification: Vec<DivRow> = (0..d.num_rows())
        .map(|i| {
            let entities = ent[i].unwrap_or(0);
            let normalized = hhi[i].and_then(|h| normalized_hhi(h, entities.max(0) as u64));
            DivRow {
                dimension: dim[i].clone().unwrap_or_default(),
                entities,
                hhi: hhi[i],
                hhi_normalized: normalized,
                band: normalized.map(band),
                top1_share: top1[i],
                gini: gini[i],
            }
        })
        .collect();
    Ok(diversification)
}

/// network_growth by quarter.
fn growth(r: &Results) -> Result<Vec<Quarter>> {
    let g = need(r, &out::NETWORK_GROWTH)?;
    let dates = dates(g, const { out::NETWORK_GROWTH.col("quarter_start") })?;
    let (wr, cp, deals) = (
        floats(g, const { out::NETWORK_GROWTH.col("won_revenue") })?,
        ints(g, const { out::NETWORK_GROWTH.col("cumulative_partners") })?,
        ints(g, const { out::NETWORK_GROWTH.col("deals") })?,
    );
    let growth: Vec<Quarter> = (0..g.num_rows())
        .map(|i| Quarter {
            quarter_start: dates[i]
                .and_then(arrow::temporal_conversions::date32_to_datetime)
                .map(|d| d.date().to_string())
                .unwrap_or_default(),
            won_revenue: wr[i].unwrap_or(0.0),
            cumulative_partners: cp[i].unwrap_or(0),
            deals: deals[i].unwrap_or(0),
        })
        .collect();
    Ok(growth)
}

/// The resilience curves.
fn resilience(r: &Results) -> Result<Vec<CurvePoint>> {
    let res = need(r, &out::RESILIENCE)?;
    let (st, rf, lf) = (
        strs(res, const { out::RESILIENCE.col("strategy") })?,
        floats(res, const { out::RESILIENCE.col("removed_fraction") })?,
        floats(res, const { out::RESILIENCE.col("lcc_fraction") })?,
    );
    let resilience: Vec<CurvePoint> = (0..res.num_rows())
        .map(|i| CurvePoint {
            strategy: st[i].clone().unwrap_or_default(),
            removed_fraction: rf[i].unwrap_or(0.0),
            lcc_fraction: lf[i].unwrap_or(0.0),
        })
        .collect();
    Ok(resilience)
}

/// The [`CONFLICT_ROWS`] largest channel conflicts by combined amount.
fn conflicts(r: &Results) -> Result<Bounded<ConflictRow>> {
    let partners = Partners::of(need(r, &out::PARTNER_METRICS)?)?;
    // channel_conflicts can have hundreds of millions of rows: streamed, keeping the
    // largest by amount (ties: the earlier row, i.e. the output order).
    let mut top: Vec<(f64, u64, ConflictRow)> = Vec::new();
    let mut total = 0u64;
    let found = r.stream(out::CHANNEL_CONFLICTS.name, &mut |c| {
        let (ca, cb) = (
            floats(c, const { out::CHANNEL_CONFLICTS.col("amount_a") })?,
            floats(c, const { out::CHANNEL_CONFLICTS.col("amount_b") })?,
        );
        let (cust, prod, pa, pb, da, db, days) = (
            strs(c, const { out::CHANNEL_CONFLICTS.col("customer_id") })?,
            strs(c, const { out::CHANNEL_CONFLICTS.col("product_id") })?,
            strs(c, const { out::CHANNEL_CONFLICTS.col("partner_a") })?,
            strs(c, const { out::CHANNEL_CONFLICTS.col("partner_b") })?,
            strs(c, const { out::CHANNEL_CONFLICTS.col("deal_a") })?,
            strs(c, const { out::CHANNEL_CONFLICTS.col("deal_b") })?,
            floats(c, const { out::CHANNEL_CONFLICTS.col("days_apart") })?,
        );
        let (sa, sb) = (
            strs(c, const { out::CHANNEL_CONFLICTS.col("stage_a") })?,
            strs(c, const { out::CHANNEL_CONFLICTS.col("stage_b") })?,
        );
        for i in 0..c.num_rows() {
            let amount = ca[i].unwrap_or(0.0) + cb[i].unwrap_or(0.0);
            let seq = total;
            total += 1;
            if top.len() >= CONFLICT_ROWS && amount <= top[CONFLICT_ROWS - 1].0 {
                continue;
            }
            top.push((
                amount,
                seq,
                ConflictRow {
                    customer_id: cust[i].clone().unwrap_or_default(),
                    product_id: prod[i].clone().unwrap_or_default(),
                    partner_a: pa[i].clone().unwrap_or_default(),
                    partner_b: pb[i].clone().unwrap_or_default(),
                    name_a: pa[i]
                        .as_deref()
                        .map(|p| partners.shown(p).to_string())
                        .unwrap_or_default(),
                    name_b: pb[i]
                        .as_deref()
                        .map(|p| partners.shown(p).to_string())
                        .unwrap_or_default(),
                    deal_a: da[i].clone().unwrap_or_default(),
                    deal_b: db[i].clone().unwrap_or_default(),
                    amount,
                    days_apart: days[i].unwrap_or(0.0),
                    stages: format!(
                        "{} / {}",
                        sa[i].as_deref().unwrap_or(""),
                        sb[i].as_deref().unwrap_or("")
                    ),
                },
            ));
            top.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            top.truncate(CONFLICT_ROWS);
        }
        Ok(())
    })?;
    if !found {
        return Err(missing(r, &out::CHANNEL_CONFLICTS));
    }
    let conflict_rows = total as usize;
    let conflicts = Bounded {
        rows: top.into_iter().map(|t| t.2).collect(),
        total: conflict_rows,
    };
    Ok(conflicts)
}

/// The [`COMMUNITY_ROWS`] largest communities of two partners or more, and how many
/// communities of one were left out (none when the run did not compute them). A
/// community of one is a partner that co-sells with nobody: listing those would fill
/// the table with single partners that form no group. Each row names its most central
/// partners (top_partners) and its largest by attributed revenue. O(partners + rows).
fn communities(r: &Results) -> Result<(Bounded<CommunityRow>, usize)> {
    let Some(t) = r.table(out::COMMUNITIES.name) else {
        let none = Bounded {
            rows: Vec::new(),
            total: 0,
        };
        return Ok((none, 0));
    };
    let (id, size, top, dom, share) = (
        ints(t, const { out::COMMUNITIES.col("community") })?,
        ints(t, const { out::COMMUNITIES.col("size") })?,
        strs(t, const { out::COMMUNITIES.col("top_partners") })?,
        strs(t, const { out::COMMUNITIES.col("dominant_partner_type") })?,
        floats(t, const { out::COMMUNITIES.col("dominant_type_share") })?,
    );
    let pm = need(r, &out::PARTNER_METRICS)?;
    let partners = Partners::of(pm)?;
    let member = |i: usize| Member {
        partner_id: partners.ids[i].clone(),
        name: partners.names[i].clone(),
    };
    let groups = (0..t.num_rows()).filter(|&i| size[i].unwrap_or(0) >= 2);
    let groups: Vec<usize> = groups.collect();
    let of_one = t.num_rows() - groups.len();
    let shown: Vec<usize> = top_by(groups.len(), COMMUNITY_ROWS, |k| {
        size[groups[k]].unwrap_or(0) as f64
    })
    .into_iter()
    .map(|k| groups[k])
    .collect();
    // The largest members of the shown communities: one pass over partner_metrics.
    let community = ints(pm, const { out::PARTNER_METRICS.col("community") })?;
    let revenue = floats(pm, const { out::PARTNER_METRICS.col("attributed_revenue") })?;
    let mut members: std::collections::HashMap<i64, Vec<usize>> = shown
        .iter()
        .filter_map(|&i| Some((id[i]?, Vec::new())))
        .collect();
    for (p, c) in community.iter().enumerate() {
        if let Some(list) = c.and_then(|c| members.get_mut(&c)) {
            list.push(p);
        }
    }
    let rows = shown
        .into_iter()
        .map(|i| {
            let mut largest = members
                .get(&id[i].unwrap_or(i64::MIN))
                .cloned()
                .unwrap_or_default();
            largest.sort_by(|&a, &b| {
                revenue[b]
                    .unwrap_or(0.0)
                    .total_cmp(&revenue[a].unwrap_or(0.0))
                    .then(a.cmp(&b))
            });
            largest.truncate(COMMUNITY_MEMBERS);
            let central = top[i]
                .as_deref()
                .unwrap_or("")
                .split(", ")
                .filter(|p| !p.is_empty())
                .map(|p| Member {
                    partner_id: p.to_string(),
                    name: partners.shown(p).to_string(),
                })
                .collect();
            CommunityRow {
                community: id[i].unwrap_or(0),
                size: size[i].unwrap_or(0),
                central,
                largest: largest.into_iter().map(member).collect(),
                dominant_partner_type: dom[i].clone(),
                dominant_type_share: share[i],
            }
        })
        .collect();
    let list = Bounded {
        rows,
        total: t.num_rows(),
    };
    Ok((list, of_one))
}

/// The alerts of `r` ([`crate::alerts`], declared there as data) as the page shows them.
fn alerts(r: &Results) -> Result<Vec<Alert>> {
    let settings = r.summary.parameters.alert_settings();
    Ok(crate::alerts::evaluate(r)?
        .into_iter()
        .map(|a| {
            let rule = crate::alerts::RULES
                .iter()
                .find(|x| x.id == a.id)
                .expect("evaluate raises declared alerts");
            Alert {
                code: rule.id,
                title: a.title,
                evidence: rule.anchor,
                partners: a.partners,
                figures: a.evidence,
                rule: {
                    let t: Vec<String> = rule
                        .thresholds
                        .iter()
                        .map(|(k, v)| format!("{k} = {}", settings.threshold(k, *v)))
                        .collect();
                    if t.is_empty() {
                        rule.rule.to_string()
                    } else {
                        format!("{}; {}", rule.rule, t.join(", "))
                    }
                },
            }
        })
        .collect())
}
