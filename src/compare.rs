//! `ecograph compare OLD NEW --out DIR`: what changed between two analyze runs, for a
//! quarterly business review.
//!
//! Reads two output folders (any format; typically two `--period` runs) and writes:
//!
//! - `partner_changes`: one row per partner of either run (by partner_id): activity
//!   (`joined`: deals in NEW but none in OLD; `went_quiet`: the reverse; `active`: deals in
//!   both; `inactive`: in neither), deals, won deals, attributed revenue and its rank,
//!   PageRank, betweenness and co-sell degree, old and new with their changes; co-sell
//!   ties gained and lost; channel conflicts in NEW that OLD did not have; tier status
//!   and qualified tier, old and new;
//! - `attribution_changes`: per attribution model both runs computed, each partner's
//!   revenue and rank, old and new;
//! - `ecosystem_changes`: every number of the summaries' counts, network, revenue,
//!   partner_lift, overlap (conflicts, unique customers) and tier statuses, old, new,
//!   change and relative change;
//! - `compare_summary.json`: the two runs (folder, period), and the totals: partners
//!   joined and gone quiet, ties gained and lost, new conflicts, tier statuses changed.
//!
//! A partner absent from a run counts as 0 deals and 0 revenue there (its old or new
//! columns are null). compare(X, X) has every change 0. Ties and conflicts are matched
//! by a 64-bit hash of their ids (SipHash with fixed keys), so what is held is 8 bytes
//! (in a hash set) per tie of either run and per conflict of OLD, besides the
//! per-partner counts; a false match needs a collision of two 64-bit hashes. OLD's ties
//! are streamed twice.
//!
//! O(partners + ties + conflicts) time, streamed over the pair-sized tables.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};
use crate::export::summary::Summary;
use crate::results::{floats, ints, strs, Partners, Results};
use crate::schema::out;
use crate::schema::outputs::{ATTRIBUTION_CHANGES, ECOSYSTEM_CHANGES, PARTNER_CHANGES};

/// The summary written beside the tables.
pub const COMPARE_SUMMARY_FILE: &str = "compare_summary.json";

/// One side's per-partner numbers, by partner_id.
#[derive(Default)]
struct Side {
    /// partner_metrics' partners: ids and names.
    partners: Partners,
    deals: HashMap<String, i64>,
    won: HashMap<String, i64>,
    revenue: HashMap<String, f64>,
    rank: HashMap<String, i64>,
    pagerank: HashMap<String, f64>,
    betweenness: HashMap<String, f64>,
    degree: HashMap<String, i64>,
    /// partner -> (status, qualified tier).
    tier: HashMap<String, (String, Option<String>)>,
    /// model -> partner -> (revenue, rank).
    models: BTreeMap<String, HashMap<String, (f64, i64)>>,
}

fn side(r: &Results) -> Result<Side> {
    let pm = r
        .table(out::PARTNER_METRICS.name)
        .ok_or_else(|| Error::Results {
            path: r.dir.clone(),
            reason: format!(
                "it has no {} table; compare needs one",
                out::PARTNER_METRICS.name
            ),
        })?;
    let mut s = Side {
        partners: Partners::of(pm)?,
        ..Side::default()
    };
    let ids = &s.partners.ids;
    let rev: Vec<f64> = floats(pm, const { out::PARTNER_METRICS.col("attributed_revenue") })?
        .into_iter()
        .map(|x| x.unwrap_or(0.0))
        .collect();
    let ranks = crate::metrics::attribution::ranks(&rev);
    for (i, id) in ids.iter().enumerate() {
        s.revenue.insert(id.clone(), rev[i]);
        s.rank.insert(id.clone(), i64::from(ranks[i]));
    }
    let int = |c: &str, m: &mut HashMap<String, i64>| {
        for (id, v) in ids.iter().zip(ints(pm, c)?) {
            m.insert(id.clone(), v.unwrap_or(0));
        }
        Ok::<(), Error>(())
    };
    int(const { out::PARTNER_METRICS.col("deals") }, &mut s.deals)?;
    int(const { out::PARTNER_METRICS.col("won_deals") }, &mut s.won)?;
    int(
        const { out::PARTNER_METRICS.col("cosell_degree") },
        &mut s.degree,
    )?;
    let float = |c: &str, m: &mut HashMap<String, f64>| {
        for (id, v) in ids.iter().zip(floats(pm, c)?) {
            if let Some(v) = v {
                m.insert(id.clone(), v);
            }
        }
        Ok::<(), Error>(())
    };
    float(
        const { out::PARTNER_METRICS.col("pagerank") },
        &mut s.pagerank,
    )?;
    float(
        const { out::PARTNER_METRICS.col("betweenness") },
        &mut s.betweenness,
    )?;
    if let Some(t) = r.table(out::TIER_FIT.name) {
        let (id, st, q) = (
            strs(t, const { out::TIER_FIT.col("partner_id") })?,
            strs(t, const { out::TIER_FIT.col("status") })?,
            strs(t, const { out::TIER_FIT.col("qualified_tier") })?,
        );
        for i in 0..t.num_rows() {
            if let (Some(id), Some(st)) = (&id[i], &st[i]) {
                s.tier
                    .entry(id.clone())
                    .or_insert_with(|| (st.clone(), q[i].clone()));
            }
        }
    }
    if let Some(a) = r.table(out::ATTRIBUTION.name) {
        let (id, model, rev, rank) = (
            strs(a, const { out::ATTRIBUTION.col("partner_id") })?,
            strs(a, const { out::ATTRIBUTION.col("model") })?,
            floats(a, const { out::ATTRIBUTION.col("attributed_revenue") })?,
            ints(a, const { out::ATTRIBUTION.col("rank") })?,
        );
        for i in 0..a.num_rows() {
            if let (Some(id), Some(m)) = (&id[i], &model[i]) {
                s.models
                    .entry(m.clone())
                    .or_default()
                    .insert(id.clone(), (rev[i].unwrap_or(0.0), rank[i].unwrap_or(0)));
            }
        }
    }
    Ok(s)
}

fn key(parts: &[Option<&str>]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// The co-sell ties of a run as hashed (partner_a, partner_b) keys, with their partners.
fn ties(r: &Results, mut f: impl FnMut(u64, &str, &str)) -> Result<()> {
    r.stream(out::COSELL_EDGES.name, &mut |b| {
        let (a, c) = (
            strs(b, const { out::COSELL_EDGES.col("partner_a") })?,
            strs(b, const { out::COSELL_EDGES.col("partner_b") })?,
        );
        for (a, c) in a.iter().zip(&c) {
            if let (Some(a), Some(c)) = (a, c) {
                f(key(&[Some(a), Some(c)]), a, c);
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// The channel conflicts of a run as hashed (deal_a, deal_b, partner_a, partner_b) keys.
fn conflicts(r: &Results, mut f: impl FnMut(u64, &str, &str)) -> Result<()> {
    r.stream(out::CHANNEL_CONFLICTS.name, &mut |b| {
        let [da, db, pa, pb] = [
            const { out::CHANNEL_CONFLICTS.col("deal_a") },
            const { out::CHANNEL_CONFLICTS.col("deal_b") },
            const { out::CHANNEL_CONFLICTS.col("partner_a") },
            const { out::CHANNEL_CONFLICTS.col("partner_b") },
        ]
        .map(|c| strs(b, c));
        let cols = [da?, db?, pa?, pb?];
        for i in 0..b.num_rows() {
            let k = key(&cols.each_ref().map(|c| c[i].as_deref()));
            if let (Some(a), Some(c)) = (&cols[2][i], &cols[3][i]) {
                f(k, a, c);
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// Totals of a comparison (`compare_summary.json`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CompareTotals {
    /// Partners with deals in NEW and none in OLD.
    pub joined: u64,
    /// Partners with deals in OLD and none in NEW.
    pub went_quiet: u64,
    /// Co-sell ties in NEW that OLD did not have.
    pub ties_gained: u64,
    /// Co-sell ties of OLD that NEW does not have.
    pub ties_lost: u64,
    /// Channel conflicts in NEW that OLD did not have.
    pub new_conflicts: u64,
    /// Partners whose tier status differs.
    pub tier_status_changed: u64,
}

/// What [`compare`] computed: the three tables and the totals.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// `partner_changes`.
    pub partners: RecordBatch,
    /// `attribution_changes`.
    pub attribution: RecordBatch,
    /// `ecosystem_changes`.
    pub ecosystem: RecordBatch,
    /// The totals.
    pub totals: CompareTotals,
}

/// Compares two output folders (module doc).
pub fn compare(old: &Results, new: &Results) -> Result<Comparison> {
    let (o, n) = (side(old)?, side(new)?);
    let mut ids: Vec<&String> = o.partners.ids.iter().chain(&n.partners.ids).collect();
    ids.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    ids.dedup();
    let mut pairs = PairChanges::default();
    tie_changes(old, new, &mut pairs)?;
    conflict_changes(old, new, &mut pairs)?;
    Ok(Comparison {
        totals: totals(&ids, &o, &n, &pairs),
        partners: partner_changes(&ids, &o, &n, &pairs),
        attribution: attribution_changes(&ids, &o, &n),
        ecosystem: ecosystem_changes(&old.summary, &new.summary),
    })
}

/// What changed in the pair-sized tables: per partner and in all.
#[derive(Default)]
struct PairChanges {
    /// partner -> co-sell ties in NEW that OLD did not have.
    gained: HashMap<String, i64>,
    /// partner -> co-sell ties of OLD that NEW does not have.
    lost: HashMap<String, i64>,
    /// partner -> channel conflicts in NEW that OLD did not have.
    fresh: HashMap<String, i64>,
    ties_gained: u64,
    ties_lost: u64,
    new_conflicts: u64,
}

/// The ties gained and lost. OLD's keys, NEW's against them (gained), then OLD streamed
/// again against NEW's keys (lost), so only the hashes are held.
fn tie_changes(old: &Results, new: &Results, c: &mut PairChanges) -> Result<()> {
    let mut old_ties: HashSet<u64> = HashSet::new();
    ties(old, |k, _, _| {
        old_ties.insert(k);
    })?;
    let mut seen: HashSet<u64> = HashSet::new();
    ties(new, |k, a, b| {
        seen.insert(k);
        if !old_ties.contains(&k) {
            c.ties_gained += 1;
            *c.gained.entry(a.to_string()).or_default() += 1;
            *c.gained.entry(b.to_string()).or_default() += 1;
        }
    })?;
    drop(old_ties);
    ties(old, |k, a, b| {
        if !seen.contains(&k) {
            c.ties_lost += 1;
            *c.lost.entry(a.to_string()).or_default() += 1;
            *c.lost.entry(b.to_string()).or_default() += 1;
        }
    })
}

/// The channel conflicts of NEW that OLD did not have.
fn conflict_changes(old: &Results, new: &Results, c: &mut PairChanges) -> Result<()> {
    let mut old_conf: HashSet<u64> = HashSet::new();
    conflicts(old, |k, _, _| {
        old_conf.insert(k);
    })?;
    conflicts(new, |k, a, b| {
        if !old_conf.contains(&k) {
            c.new_conflicts += 1;
            *c.fresh.entry(a.to_string()).or_default() += 1;
            *c.fresh.entry(b.to_string()).or_default() += 1;
        }
    })
}

/// A partner's activity from its deals in OLD and NEW: joined, went_quiet, active or
/// inactive.
fn activity(o: &Side, n: &Side, id: &str) -> &'static str {
    let (a, b) = (
        o.deals.get(id).copied().unwrap_or(0),
        n.deals.get(id).copied().unwrap_or(0),
    );
    match (a > 0, b > 0) {
        (false, true) => "joined",
        (true, false) => "went_quiet",
        (true, true) => "active",
        (false, false) => "inactive",
    }
}

/// NEW - OLD, an absent side counting 0; null when both are absent.
fn delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(b.unwrap_or(0.0) - a.unwrap_or(0.0)),
    }
}

impl Side {
    /// Partner `id`'s tier status.
    fn status(&self, id: &str) -> Option<String> {
        self.tier.get(id).map(|t| t.0.clone())
    }

    /// The highest tier partner `id` qualifies for.
    fn qualified(&self, id: &str) -> Option<String> {
        self.tier.get(id).and_then(|t| t.1.clone())
    }
}

/// The totals: the pair changes', and partners joined, gone quiet and with another tier
/// status.
fn totals(ids: &[&String], o: &Side, n: &Side, pairs: &PairChanges) -> CompareTotals {
    let mut totals = CompareTotals {
        ties_gained: pairs.ties_gained,
        ties_lost: pairs.ties_lost,
        new_conflicts: pairs.new_conflicts,
        ..CompareTotals::default()
    };
    for id in ids {
        match activity(o, n, id) {
            "joined" => totals.joined += 1,
            "went_quiet" => totals.went_quiet += 1,
            _ => {}
        }
        if o.status(id) != n.status(id) {
            totals.tier_status_changed += 1;
        }
    }
    totals
}

/// `partner_changes`: one row per partner of either run (`ids`), old and new.
fn partner_changes(ids: &[&String], o: &Side, n: &Side, pairs: &PairChanges) -> RecordBatch {
    let get_i = |m: &HashMap<String, i64>, id: &str| m.get(id).copied();
    let get_f = |m: &HashMap<String, f64>, id: &str| m.get(id).copied();
    let both = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| b - a);
    // NEW's name for a partner of NEW (null when it has none there), else OLD's.
    let name = |id: &str| {
        let side = if n.partners.row(id).is_some() {
            &n.partners
        } else {
            &o.partners
        };
        side.name_of(id).map(str::to_string)
    };
    let count = |m: &HashMap<String, i64>, id: &str| Some(m.get(id).copied().unwrap_or(0));
    let text = |f: &dyn Fn(&str) -> Option<String>| -> ArrayRef {
        Arc::new(StringArray::from_iter(ids.iter().map(|id| f(id))))
    };
    let int = |f: &dyn Fn(&str) -> Option<i64>| -> ArrayRef {
        Arc::new(Int64Array::from_iter(ids.iter().map(|id| f(id))))
    };
    let float = |f: &dyn Fn(&str) -> Option<f64>| -> ArrayRef {
        Arc::new(Float64Array::from_iter(ids.iter().map(|id| f(id))))
    };
    crate::export::batch::named(
        &PARTNER_CHANGES,
        vec![
            (
                "partner_id",
                Arc::new(StringArray::from_iter_values(
                    ids.iter().map(|s| s.as_str()),
                )),
            ),
            ("name", text(&|id| name(id))),
            (
                "activity",
                Arc::new(StringArray::from_iter_values(
                    ids.iter().map(|id| activity(o, n, id)),
                )),
            ),
            ("deals_old", int(&|id| get_i(&o.deals, id))),
            ("deals_new", int(&|id| get_i(&n.deals, id))),
            ("won_deals_old", int(&|id| get_i(&o.won, id))),
            ("won_deals_new", int(&|id| get_i(&n.won, id))),
            ("attributed_revenue_old", float(&|id| get_f(&o.revenue, id))),
            ("attributed_revenue_new", float(&|id| get_f(&n.revenue, id))),
            (
                "attributed_revenue_change",
                float(&|id| delta(get_f(&o.revenue, id), get_f(&n.revenue, id))),
            ),
            ("rank_old", int(&|id| get_i(&o.rank, id))),
            ("rank_new", int(&|id| get_i(&n.rank, id))),
            (
                "rank_change",
                int(&|id| {
                    get_i(&o.rank, id)
                        .zip(get_i(&n.rank, id))
                        .map(|(a, b)| a - b)
                }),
            ),
            ("pagerank_old", float(&|id| get_f(&o.pagerank, id))),
            ("pagerank_new", float(&|id| get_f(&n.pagerank, id))),
            (
                "pagerank_change",
                float(&|id| both(get_f(&o.pagerank, id), get_f(&n.pagerank, id))),
            ),
            (
                "betweenness_change",
                float(&|id| both(get_f(&o.betweenness, id), get_f(&n.betweenness, id))),
            ),
            ("cosell_degree_old", int(&|id| get_i(&o.degree, id))),
            ("cosell_degree_new", int(&|id| get_i(&n.degree, id))),
            ("ties_gained", int(&|id| count(&pairs.gained, id))),
            ("ties_lost", int(&|id| count(&pairs.lost, id))),
            ("new_conflicts", int(&|id| count(&pairs.fresh, id))),
            ("tier_status_old", text(&|id| o.status(id))),
            ("tier_status_new", text(&|id| n.status(id))),
            ("qualified_tier_old", text(&|id| o.qualified(id))),
            ("qualified_tier_new", text(&|id| n.qualified(id))),
        ],
    )
}

/// `attribution_changes`: the models both runs computed, in the attribution order, each
/// with every partner of either run (`ids`).
fn attribution_changes(ids: &[&String], o: &Side, n: &Side) -> RecordBatch {
    let order = |m: &str| {
        crate::metrics::attribution::Model::from_name(m).map_or(usize::MAX, |m| m as usize)
    };
    let mut models: Vec<&String> = o
        .models
        .keys()
        .filter(|m| n.models.contains_key(*m))
        .collect();
    models.sort_by_key(|m| order(m));
    let rows: Vec<(&String, &String)> = models
        .iter()
        .flat_map(|m| ids.iter().map(move |id| (*m, *id)))
        .collect();
    let at = |s: &Side, m: &str, id: &str| s.models.get(m).and_then(|v| v.get(id)).copied();
    crate::export::batch::named(
        &ATTRIBUTION_CHANGES,
        vec![
            (
                "partner_id",
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| r.1.as_str()),
                )),
            ),
            (
                "model",
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| r.0.as_str()),
                )),
            ),
            (
                "revenue_old",
                Arc::new(Float64Array::from_iter(
                    rows.iter().map(|r| at(o, r.0, r.1).map(|x| x.0)),
                )),
            ),
            (
                "revenue_new",
                Arc::new(Float64Array::from_iter(
                    rows.iter().map(|r| at(n, r.0, r.1).map(|x| x.0)),
                )),
            ),
            (
                "revenue_change",
                Arc::new(Float64Array::from_iter(rows.iter().map(|r| {
                    delta(at(o, r.0, r.1).map(|x| x.0), at(n, r.0, r.1).map(|x| x.0))
                }))),
            ),
            (
                "rank_old",
                Arc::new(Int64Array::from_iter(
                    rows.iter().map(|r| at(o, r.0, r.1).map(|x| x.1)),
                )),
            ),
            (
                "rank_new",
                Arc::new(Int64Array::from_iter(
                    rows.iter().map(|r| at(n, r.0, r.1).map(|x| x.1)),
                )),
            ),
            (
                "rank_change",
                Arc::new(Int64Array::from_iter(rows.iter().map(|r| {
                    at(o, r.0, r.1).zip(at(n, r.0, r.1)).map(|(a, b)| a.1 - b.1)
                }))),
            ),
        ],
    )
}

/// The summary sections compared (typed, as the summary declares them), by key.
fn compared_sections(s: &Summary) -> [(&'static str, serde_json::Value); 6] {
    let v = |x: serde_json::Result<serde_json::Value>| x.expect("summary sections are plain data");
    [
        ("counts", v(serde_json::to_value(&s.counts))),
        ("network", v(serde_json::to_value(&s.network))),
        ("revenue", v(serde_json::to_value(&s.revenue))),
        ("partner_lift", v(serde_json::to_value(&s.partner_lift))),
        ("overlap", v(serde_json::to_value(s.overlap))),
        ("tiers", v(serde_json::to_value(&s.tiers))),
    ]
}

/// Every number of the [`compared_sections`] (nested objects flattened with dots), old
/// and new.
fn ecosystem_changes(old: &Summary, new: &Summary) -> RecordBatch {
    fn leaves(prefix: String, v: &serde_json::Value, out: &mut BTreeMap<String, Option<f64>>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    leaves(format!("{prefix}.{k}"), x, out);
                }
            }
            serde_json::Value::Number(x) => {
                out.insert(prefix, x.as_f64());
            }
            serde_json::Value::Null => {
                out.insert(prefix, None);
            }
            _ => {}
        }
    }
    let mut measures: Vec<(String, Option<f64>, Option<f64>)> = Vec::new();
    for ((section, old), (_, new)) in compared_sections(old).iter().zip(&compared_sections(new)) {
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        leaves(section.to_string(), old, &mut a);
        leaves(section.to_string(), new, &mut b);
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            if k == "overlap.top_k" {
                continue; // a parameter, not a result
            }
            if k.starts_with("partner_lift.intervals.") {
                continue; // the uncertainty of a figure, not a figure
            }
            measures.push((
                k.clone(),
                a.get(k).copied().flatten(),
                b.get(k).copied().flatten(),
            ));
        }
    }
    let d = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| b - a);
    crate::export::batch::named(
        &ECOSYSTEM_CHANGES,
        vec![
            (
                "measure",
                Arc::new(StringArray::from_iter_values(
                    measures.iter().map(|m| m.0.as_str()),
                )),
            ),
            (
                "old",
                Arc::new(Float64Array::from_iter(measures.iter().map(|m| m.1))),
            ),
            (
                "new",
                Arc::new(Float64Array::from_iter(measures.iter().map(|m| m.2))),
            ),
            (
                "change",
                Arc::new(Float64Array::from_iter(
                    measures.iter().map(|m| d(m.1, m.2)),
                )),
            ),
            (
                "relative_change",
                Arc::new(Float64Array::from_iter(measures.iter().map(|m| {
                    d(m.1, m.2)
                        .zip(m.1)
                        .and_then(|(x, a)| (a != 0.0).then(|| x / a.abs()))
                }))),
            ),
        ],
    )
}

/// `ecograph compare OLD NEW --out DIR`: reads both folders, writes the comparison into
/// DIR atomically (refused like an analyze output: an existing DIR only with
/// `overwrite`, and only one ecograph wrote); a CSV's formula-like text as `csv_cells`
/// says.
pub fn write_comparison(
    old_dir: &Path,
    new_dir: &Path,
    out: &Path,
    format: crate::io::out::write::OutputFormat,
    csv_cells: crate::io::out::write::CsvCells,
    overwrite: bool,
) -> Result<PathBuf> {
    let (old, new) = (Results::read(old_dir)?, Results::read(new_dir)?);
    use crate::io::out::atomic_dir::{Protected, StagedDir};
    let protect = [
        Protected::input_folder(old_dir),
        Protected::input_folder(new_dir),
    ];
    let staged = StagedDir::create(out, overwrite, &protect)?;
    let c = compare(&old, &new)?;
    let meta = serde_json::json!({
        "schema_version": crate::schema::OUTPUT_SCHEMA_VERSION,
        "ecograph_version": env!("CARGO_PKG_VERSION"),
        "old": old_dir.display().to_string(),
        "new": new_dir.display().to_string(),
    })
    .to_string();
    for (name, batch) in [
        (PARTNER_CHANGES.name, &c.partners),
        (ATTRIBUTION_CHANGES.name, &c.attribution),
        (ECOSYSTEM_CHANGES.name, &c.ecosystem),
    ] {
        crate::io::out::write::write_table(staged.path(), name, batch, format, csv_cells, &meta)?;
    }
    let run = |r: &Results, dir: &Path| {
        serde_json::json!({
            "folder": dir.display().to_string(),
            "period": r.summary.period,
            "ecograph_version": r.summary.ecograph_version,
        })
    };
    let summary = serde_json::json!({
        "old": run(&old, old_dir),
        "new": run(&new, new_dir),
        "totals": c.totals,
    });
    crate::io::out::write::write_json(staged.path(), COMPARE_SUMMARY_FILE, &summary)?;
    staged.commit()
}
