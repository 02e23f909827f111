//! The review's alerts, declared once as data: each [`AlertRule`] has an id, its rule in
//! words, its thresholds and the anchor of its evidence on the page; [`evaluate`] checks
//! them on an output folder read back and gives, for each alert raised, the numbers it
//! rests on and its sentence, formatted from those same numbers and thresholds (no
//! threshold is repeated in a text). `analyze` records the rules and the alerts raised
//! in the summary's `alerts` section ([`AlertsSection`]), the report shows the same
//! alerts, and the notebooks read their thresholds from the summary.
//!
//! For a partner manager: what in these results asks for attention first, and why.

use crate::error::Result;
use crate::results::{floats, strs, top_by, Partners, Results};
use crate::schema::out;

// The declarations (thresholds, rules, the summary's section) sit below the export,
// which writes them into the summary; this module evaluates them on results read back.
pub use crate::export::alerts::*;

/// A share in a partner manager's words: "a quarter", "half", else "12 %".
fn share_words(x: f64) -> String {
    match x {
        _ if x == 0.25 => "a quarter".into(),
        _ if x == 0.5 => "half".into(),
        _ => format!("{:.0} %", x * 100.0),
    }
}

/// "s" unless `n` is one.
fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn raise(id: &str, title: String, evidence: &[(&str, f64)], partners: Vec<String>) -> Raised {
    let rule = RULES.iter().find(|r| r.id == id).expect("a declared alert");
    Raised {
        id: id.to_string(),
        title,
        anchor: rule.anchor.to_string(),
        evidence: evidence.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        partners,
    }
}

/// The alerts of an output folder read back, in [`RULES`] order.
pub fn evaluate(r: &Results) -> Result<Vec<Raised>> {
    let need = |t: &str| {
        r.table(t).ok_or_else(|| crate::error::Error::Results {
            path: r.dir.clone(),
            reason: format!("it has no {t} table; the alerts need one"),
        })
    };
    let pm = need(out::PARTNER_METRICS.name)?;
    let partners = Partners::of(pm)?;
    let revenue: Vec<f64> = floats(pm, const { out::PARTNER_METRICS.col("attributed_revenue") })?
        .into_iter()
        .map(|x| x.unwrap_or(0.0))
        .collect();
    let mut out = Vec::new();
    out.extend(concentration(need(out::DIVERSIFICATION.name)?)?);
    out.extend(dominant(&partners, &revenue));
    out.extend(critical(pm, &partners)?);
    out.extend(near_duplicates(r, &partners)?);
    let mut conflicts = 0usize;
    r.stream(out::CHANNEL_CONFLICTS.name, &mut |b| {
        conflicts += b.num_rows();
        Ok(())
    })?;
    if conflicts > 0 {
        out.push(raise(
            "channel_conflicts",
            format!(
                "{} channel conflict{}: partners sourcing deals on the same customer and product.",
                crate::error::thousands(conflicts as u64),
                plural(conflicts)
            ),
            &[("conflicts", conflicts as f64)],
            Vec::new(),
        ));
    }
    out.extend(fragile(need(out::RESILIENCE.name)?)?);
    out.extend(hidden_brokers(pm, &partners, &revenue)?);
    Ok(out)
}

/// Dimensions whose normalized HHI ([`normalized_hhi`]) is in the "high" band. The
/// evidence keeps, per dimension, the raw HHI, the entity count and the normalized HHI,
/// so a reader can redo the arithmetic; the sentence names the largest share too.
fn concentration(d: &arrow::record_batch::RecordBatch) -> Result<Option<Raised>> {
    let dim = strs(d, const { out::DIVERSIFICATION.col("dimension") })?;
    let hhi = floats(d, const { out::DIVERSIFICATION.col("hhi") })?;
    let entities = crate::results::ints(d, const { out::DIVERSIFICATION.col("entities") })?;
    let top1 = floats(d, const { out::DIVERSIFICATION.col("top1_share") })?;
    struct High {
        dimension: String,
        hhi: f64,
        entities: u64,
        normalized: f64,
        top1: f64,
    }
    let high: Vec<High> = (0..d.num_rows())
        .filter_map(|i| {
            let (h, n) = (hhi[i]?, entities[i]?.max(0) as u64);
            let normalized = normalized_hhi(h, n)?;
            (band(normalized) == "high").then(|| High {
                dimension: dim[i].clone().unwrap_or_default(),
                hhi: h,
                entities: n,
                normalized,
                top1: top1[i].unwrap_or(0.0),
            })
        })
        .collect();
    Ok((!high.is_empty()).then(|| {
        let said: Vec<String> = high
            .iter()
            .map(|h| {
                format!(
                    "{} (the largest of {} holds {:.0} %; normalized HHI {:.2}, HHI {:.2})",
                    h.dimension,
                    crate::error::thousands(h.entities),
                    h.top1 * 100.0,
                    h.normalized,
                    h.hhi
                )
            })
            .collect();
        let mut evidence: Vec<(String, f64)> = Vec::new();
        for h in &high {
            evidence.push((format!("hhi_{}", h.dimension), h.hhi));
            evidence.push((format!("entities_{}", h.dimension), h.entities as f64));
            evidence.push((format!("hhi_normalized_{}", h.dimension), h.normalized));
        }
        let evidence: Vec<(&str, f64)> = evidence.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        raise(
            "revenue_concentration",
            format!(
                "Revenue is highly concentrated by {} (normalized HHI above {HHI_HIGH}).",
                said.join("; ")
            ),
            &evidence,
            Vec::new(),
        )
    }))
}

fn dominant(partners: &Partners, revenue: &[f64]) -> Option<Raised> {
    let total: f64 = revenue.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let &i = top_by(revenue.len(), 1, |i| revenue[i]).first()?;
    let share = revenue[i] / total;
    (share > DOMINANT_SHARE).then(|| {
        raise(
            "dominant_partner",
            format!(
                "{} holds {:.1} % of partner revenue (more than {}).",
                partners.names[i],
                revenue[i] / total * 100.0,
                share_words(DOMINANT_SHARE)
            ),
            &[("share", share)],
            vec![partners.names[i].clone()],
        )
    })
}

fn critical(pm: &arrow::record_batch::RecordBatch, partners: &Partners) -> Result<Option<Raised>> {
    let reach = floats(pm, const { out::PARTNER_METRICS.col("reach_loss") })?;
    let n = pm.num_rows();
    let critical: Vec<usize> = top_by(n, n, |i| reach[i].unwrap_or(0.0))
        .into_iter()
        .filter(|&i| reach[i].is_some_and(|x| x > CRITICAL_REACH_LOSS))
        .collect();
    Ok((!critical.is_empty()).then(|| {
        raise(
            "critical_partners",
            format!(
                "{} partner{} would each disconnect more than {:.0} % of connected partner pairs by leaving.",
                crate::error::thousands(critical.len() as u64),
                plural(critical.len()),
                CRITICAL_REACH_LOSS * 100.0
            ),
            &[("partners", critical.len() as f64)],
            critical.iter().take(NAMED_PARTNERS).map(|&i| partners.names[i].clone()).collect(),
        )
    }))
}

/// overlap_pairs is streamed: count the near-duplicate customer pairs, keep the first
/// [`NAMED_PAIRS`] to name.
///
/// A pair counts when its jaccard is at least [`NEAR_DUPLICATE_JACCARD`] and it shares
/// at least the run's `near_duplicate_min_shared` customers
/// ([`NEAR_DUPLICATE_MIN_SHARED`] by default): two partners with one customer each, the
/// same one, are not duplicates of each other. The pairs of high jaccard below that
/// support are counted in the evidence (`pairs_below_min_shared`), not raised.
fn near_duplicates(r: &Results, partners: &Partners) -> Result<Option<Raised>> {
    let min_shared = r
        .summary
        .parameters
        .alert_settings()
        .near_duplicate_min_shared;
    let (mut dups, mut below, mut named) = (0usize, 0usize, Vec::new());
    r.stream(out::OVERLAP_PAIRS.name, &mut |p| {
        let (a, b, dim, j, shared) = (
            strs(p, const { out::OVERLAP_PAIRS.col("partner_a") })?,
            strs(p, const { out::OVERLAP_PAIRS.col("partner_b") })?,
            strs(p, const { out::OVERLAP_PAIRS.col("dimension") })?,
            floats(p, const { out::OVERLAP_PAIRS.col("jaccard") })?,
            crate::results::ints(p, const { out::OVERLAP_PAIRS.col("shared") })?,
        );
        for i in 0..p.num_rows() {
            if dim[i].as_deref() == Some("customer")
                && j[i].is_some_and(|x| x >= NEAR_DUPLICATE_JACCARD)
            {
                if shared[i].is_none_or(|s| s < min_shared as i64) {
                    below += 1;
                    continue;
                }
                dups += 1;
                if named.len() < NAMED_PAIRS {
                    named.push((a[i].clone(), b[i].clone()));
                }
            }
        }
        Ok(())
    })?;
    Ok((dups > 0).then(|| {
        raise(
            "near_duplicates",
            format!(
                "{} partner pair{} share at least {:.0} % of their customers, {} or more each (customer jaccard >= {NEAR_DUPLICATE_JACCARD}): near-duplicates.",
                crate::error::thousands(dups as u64),
                plural(dups),
                NEAR_DUPLICATE_JACCARD * 100.0,
                crate::error::thousands(min_shared)
            ),
            &[
                ("pairs", dups as f64),
                ("pairs_below_min_shared", below as f64),
                ("min_shared", min_shared as f64),
            ],
            named
                .iter()
                .map(|(a, b)| format!("{} / {}", partners.label(a.as_deref()), partners.label(b.as_deref())))
                .collect(),
        )
    }))
}

fn fragile(res: &arrow::record_batch::RecordBatch) -> Result<Option<Raised>> {
    let st = strs(res, const { out::RESILIENCE.col("strategy") })?;
    let rf = floats(res, const { out::RESILIENCE.col("removed_fraction") })?;
    let lf = floats(res, const { out::RESILIENCE.col("lcc_fraction") })?;
    let targeted: Vec<(f64, f64)> = (0..res.num_rows())
        .filter(|&i| st[i].as_deref() == Some("targeted"))
        .map(|i| (rf[i].unwrap_or(0.0), lf[i].unwrap_or(0.0)))
        .collect();
    let start = targeted.iter().find(|p| p.0 == 0.0).map(|p| p.1);
    let at = targeted
        .iter()
        .find(|p| (p.0 - COLLAPSE_REMOVED).abs() < 1e-9)
        .map(|p| p.1);
    Ok(match (start, at) {
        (Some(s0), Some(s1)) if s0 > 0.0 && s1 < COLLAPSE_LEFT * s0 => Some(raise(
            "fragile_network",
            format!(
                "Removing the {:.0} % most central partners shrinks the largest co-selling island from {:.0} % to {:.0} % of partners.",
                COLLAPSE_REMOVED * 100.0,
                s0 * 100.0,
                s1 * 100.0
            ),
            &[("lcc_before", s0), ("lcc_after", s1)],
            Vec::new(),
        )),
        _ => None,
    })
}

/// Central far beyond revenue: in the top 1 / [`HIDDEN_CENTRAL_DIVISOR`] by PageRank, in
/// the bottom [`HIDDEN_REVENUE_BELOW`] by attributed revenue.
fn hidden_brokers(
    pm: &arrow::record_batch::RecordBatch,
    partners: &Partners,
    revenue: &[f64],
) -> Result<Option<Raised>> {
    let pr: Vec<f64> = floats(pm, const { out::PARTNER_METRICS.col("pagerank") })?
        .into_iter()
        .map(|x| x.unwrap_or(0.0))
        .collect();
    let n = pm.num_rows();
    if n < HIDDEN_MIN_PARTNERS {
        return Ok(None);
    }
    let by_pr = top_by(n, n.div_ceil(HIDDEN_CENTRAL_DIVISOR), |i| pr[i]);
    // rank[i]: partner i's place by attributed revenue (0 = most).
    let mut rank = vec![0; n];
    for (k, i) in top_by(n, n, |i| revenue[i]).into_iter().enumerate() {
        rank[i] = k;
    }
    let below = (n as f64 * HIDDEN_REVENUE_BELOW) as usize;
    let hidden: Vec<usize> = by_pr.into_iter().filter(|&i| rank[i] >= below).collect();
    Ok((!hidden.is_empty()).then(|| {
        let one = hidden.len() == 1;
        raise(
            "hidden_brokers",
            format!(
                "{} partner{} among the {} % most central in co-selling earn{} less attributed revenue than {} the partners: influence the revenue split does not show.",
                hidden.len(),
                if one { " is" } else { "s are" },
                100 / HIDDEN_CENTRAL_DIVISOR,
                if one { "s" } else { "" },
                share_words(HIDDEN_REVENUE_BELOW)
            ),
            &[("partners", hidden.len() as f64)],
            hidden.iter().take(NAMED_PARTNERS).map(|&i| partners.names[i].clone()).collect(),
        )
    }))
}

/// `summary` with its `alerts` section ([`AlertsSection`]): the alerts evaluated on the
/// tables of the output folder `dir` as written (as the report reads them), before the
/// summary itself is written.
pub fn with_alerts(
    mut summary: serde_json::Value,
    dir: &std::path::Path,
) -> Result<serde_json::Value> {
    let r = Results::with_summary(dir, &summary)?;
    let raised = evaluate(&r)?;
    let section = AlertsSection::new(raised, &r.summary.parameters.alert_settings());
    summary["alerts"] = serde_json::to_value(section).expect("alerts are plain data");
    Ok(summary)
}
