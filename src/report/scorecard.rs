//! Per-partner scorecards (`ecograph report OUT --partner ID`, `--partners top:N`): the
//! page a partner manager sends a partner before a quarterly review. Each page has the
//! partner's figures against ecosystem percentiles, its top co-sellers, its customer
//! overlaps, its channel conflicts and its reach loss; all from the output tables, with
//! the page's model embedded as a JSON data island like the review's.
//!
//! Percentile: the share of partners with a lower value, ties counted half (the mid-rank
//! percentile), so the median partner reads 50 and every partner at the same value reads
//! the same. Time O(n log n) per figure, plus one pass over each table per partner.

use serde::Serialize;

use super::model::{floats, ints, need, strs, top_by};
use crate::error::{Error, Result};
use crate::results::Results;

/// Rows of each list on a scorecard.
pub const LIST_ROWS: usize = 10;

/// Which partners get a scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// These partner ids, in this order.
    Ids(Vec<String>),
    /// The top N by attributed revenue.
    Top(usize),
}

/// One figure of a partner against the ecosystem.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figure {
    /// The partner_metrics column.
    pub column: &'static str,
    /// Its label on the page.
    pub label: &'static str,
    /// The partner's value (null when undefined for it).
    pub value: Option<f64>,
    /// How to print it (the review's units).
    pub unit: &'static str,
    /// Mid-rank percentile among the partners with a value, 0..100.
    pub percentile: Option<f64>,
}

/// A row of a list: another partner (or a conflict), with its numbers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Other {
    /// The other partner's id.
    pub partner_id: String,
    /// Its name (the id when absent).
    pub name: String,
    /// The row's count (shared deals, shared customers, or days apart).
    pub count: f64,
    /// The row's amount (shared won revenue, jaccard, or the amount at stake).
    pub value: f64,
}

/// One partner's scorecard.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scorecard {
    /// partner_id.
    pub partner_id: String,
    /// name.
    pub name: String,
    /// partner_type, tier, region (as in the input).
    pub partner_type: Option<String>,
    /// tier.
    pub tier: Option<String>,
    /// region.
    pub region: Option<String>,
    /// The figures against the ecosystem.
    pub figures: Vec<Figure>,
    /// Top co-sellers: shared deals, shared won revenue (cosell_edges).
    pub cosellers: Vec<Other>,
    /// Co-sellers in all.
    pub cosellers_total: usize,
    /// Largest customer overlaps: shared customers, jaccard (overlap_pairs, customer rows).
    pub overlaps: Vec<Other>,
    /// Customer overlap rows in all (of those overlap_pairs keeps).
    pub overlaps_total: usize,
    /// Largest conflicts naming it: days apart, amount at stake (channel_conflicts).
    pub conflicts: Vec<Other>,
    /// Conflicts naming it in all.
    pub conflicts_total: usize,
}

/// (column, label, unit) of the figures.
const FIGURES: [(&str, &str, &str); 9] = [
    ("attributed_revenue", "Attributed revenue", "money"),
    ("sourced_revenue", "Sourced revenue", "money"),
    ("won_deals", "Won deals", "count"),
    ("win_rate", "Win rate", "share"),
    ("customers", "Customers reached", "count"),
    ("cosell_degree", "Co-sellers", "count"),
    ("pagerank", "PageRank (centrality)", "small"),
    ("betweenness", "Betweenness (brokerage)", "small"),
    ("reach_loss", "Reach loss if it left", "share"),
];

/// Mid-rank percentile of `v` among `all` (values present only).
fn percentile(all: &[f64], v: f64) -> f64 {
    let below = all.iter().filter(|&&x| x < v).count() as f64;
    let equal = all.iter().filter(|&&x| x == v).count() as f64;
    100.0 * (below + equal / 2.0) / all.len().max(1) as f64
}

/// The scorecards of `sel` from an output folder read back.
pub fn build(r: &Results, sel: &Selection) -> Result<Vec<Scorecard>> {
    let pm = need(r, "partner_metrics")?;
    let ids: Vec<String> = strs(pm, "partner_id")
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    let names: Vec<String> = strs(pm, "name")
        .into_iter()
        .zip(&ids)
        .map(|(n, id)| n.unwrap_or_else(|| id.clone()))
        .collect();
    let index: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let chosen: Vec<usize> = match sel {
        Selection::Top(n) => {
            let rev = floats(pm, "attributed_revenue");
            top_by(pm.num_rows(), *n, |i| rev[i].unwrap_or(0.0))
        }
        Selection::Ids(want) => want
            .iter()
            .map(|id| {
                index.get(id.as_str()).copied().ok_or_else(|| {
                    Error::Parameter(format!(
                        "--partner {id}: no such partner_id in {} (partner_metrics has {} partners)",
                        r.dir.display(),
                        ids.len()
                    ))
                })
            })
            .collect::<Result<_>>()?,
    };
    let columns: Vec<Vec<Option<f64>>> = FIGURES
        .iter()
        .map(|&(c, _, _)| {
            match pm
                .schema()
                .field_with_name(c)
                .map(|f| f.data_type().clone())
            {
                Ok(arrow::datatypes::DataType::Int64) => ints(pm, c)
                    .into_iter()
                    .map(|x| x.map(|v| v as f64))
                    .collect(),
                _ => floats(pm, c),
            }
        })
        .collect();
    let present: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| c.iter().flatten().copied().collect())
        .collect();
    let (ty, tier, region) = (
        strs(pm, "partner_type"),
        strs(pm, "tier"),
        strs(pm, "region"),
    );
    let edges = need(r, "cosell_edges")?;
    let (ea, eb, ew, er) = (
        strs(edges, "partner_a"),
        strs(edges, "partner_b"),
        ints(edges, "shared_deals"),
        floats(edges, "shared_won_revenue"),
    );
    let pairs = need(r, "overlap_pairs")?;
    let (pa, pb, pd, ps, pj) = (
        strs(pairs, "partner_a"),
        strs(pairs, "partner_b"),
        strs(pairs, "dimension"),
        ints(pairs, "shared"),
        floats(pairs, "jaccard"),
    );
    let c = need(r, "channel_conflicts")?;
    let (ca, cb, cd, am_a, am_b) = (
        strs(c, "partner_a"),
        strs(c, "partner_b"),
        floats(c, "days_apart"),
        floats(c, "amount_a"),
        floats(c, "amount_b"),
    );
    let other = |me: &str, a: &Option<String>, b: &Option<String>| -> Option<String> {
        match (a.as_deref(), b.as_deref()) {
            (Some(x), Some(y)) if x == me => Some(y.to_string()),
            (Some(x), Some(y)) if y == me => Some(x.to_string()),
            _ => None,
        }
    };
    let row = |id: String, count: f64, value: f64| Other {
        name: index
            .get(id.as_str())
            .map(|&i| names[i].clone())
            .unwrap_or_else(|| id.clone()),
        partner_id: id,
        count,
        value,
    };
    Ok(chosen
        .into_iter()
        .map(|p| {
            let me = ids[p].as_str();
            let figures = FIGURES
                .iter()
                .enumerate()
                .map(|(k, &(column, label, unit))| Figure {
                    column,
                    label,
                    value: columns[k][p],
                    unit,
                    percentile: columns[k][p].map(|v| percentile(&present[k], v)),
                })
                .collect();
            let mut cosellers: Vec<Other> = (0..edges.num_rows())
                .filter_map(|i| {
                    other(me, &ea[i], &eb[i])
                        .map(|o| row(o, ew[i].unwrap_or(0) as f64, er[i].unwrap_or(0.0)))
                })
                .collect();
            let cosellers_total = cosellers.len();
            // Most won revenue together first, then most deals shared (stable: ties stay
            // in cosell_edges order, i.e. by id).
            cosellers.sort_by(|x, y| {
                y.value
                    .total_cmp(&x.value)
                    .then(y.count.total_cmp(&x.count))
            });
            cosellers.truncate(LIST_ROWS);
            let mut overlaps: Vec<Other> = (0..pairs.num_rows())
                .filter(|&i| pd[i].as_deref() == Some("customer"))
                .filter_map(|i| {
                    other(me, &pa[i], &pb[i])
                        .map(|o| row(o, ps[i].unwrap_or(0) as f64, pj[i].unwrap_or(0.0)))
                })
                .collect();
            let overlaps_total = overlaps.len();
            overlaps.sort_by(|x, y| {
                y.count
                    .total_cmp(&x.count)
                    .then(y.value.total_cmp(&x.value))
            });
            overlaps.truncate(LIST_ROWS);
            let mut conflicts: Vec<Other> = (0..c.num_rows())
                .filter_map(|i| {
                    other(me, &ca[i], &cb[i]).map(|o| {
                        row(
                            o,
                            cd[i].unwrap_or(0.0),
                            am_a[i].unwrap_or(0.0) + am_b[i].unwrap_or(0.0),
                        )
                    })
                })
                .collect();
            let conflicts_total = conflicts.len();
            conflicts.sort_by(|x, y| y.value.total_cmp(&x.value));
            conflicts.truncate(LIST_ROWS);
            Scorecard {
                partner_id: me.to_string(),
                name: names[p].clone(),
                partner_type: ty[p].clone(),
                tier: tier[p].clone(),
                region: region[p].clone(),
                figures,
                cosellers,
                cosellers_total,
                overlaps,
                overlaps_total,
                conflicts,
                conflicts_total,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn mid_rank_percentiles() {
        let all = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(percentile(&all, 1.0), 12.5);
        assert_eq!(percentile(&all, 2.0), 50.0);
        assert_eq!(percentile(&all, 3.0), 87.5);
    }
}
