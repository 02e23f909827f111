//! Per-partner scorecards (`ecograph report OUT --partner ID`, `--partners top:N`): the
//! page a partner manager sends a partner before a quarterly review. Each page has the
//! partner's figures against ecosystem percentiles, its top co-sellers, its customer
//! overlaps, its channel conflicts and its reach loss; all from the output tables, with
//! the page's model embedded as a JSON data island like the review's.
//!
//! Percentile: the share of partners with a lower value, ties counted half (the mid-rank
//! percentile), so the median partner reads 50 and every partner at the same value reads
//! the same. A tie is not hidden behind that one number: when other partners share the
//! value, the page gives the range it spans (below it .. at or below it, "tied 12-58");
//! when every partner has the same value, it says so and gives no percentile, since "50"
//! would rank what is not ranked. Time O(n log n) per figure, plus one pass over each
//! table per partner.

use arrow::record_batch::RecordBatch;
use serde::Serialize;

use super::columns::{customer_pairs, floats, ints, need, strs, top_by, Partners};
use crate::error::{Error, Result};
use crate::results::Results;
use crate::schema::out;

/// Rows of each list on a scorecard.
pub(crate) const LIST_ROWS: usize = 10;

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
    /// Mid-rank percentile among the partners with a value, 0..100; null when every
    /// partner has the same value (nothing to rank).
    pub percentile: Option<f64>,
    /// Where the value stands among the partners with one, ties included.
    pub standing: Option<Standing>,
}

/// A value's place among the partners with a value, with its ties.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Standing {
    /// Percent of the partners strictly below it.
    pub below: f64,
    /// Percent of the partners at or below it: with `below`, the range a tie spans.
    pub at_or_below: f64,
    /// Partners with exactly this value, this one included.
    pub tied: usize,
    /// Partners with a value.
    pub of: usize,
    /// Every partner has this value: no percentile is given.
    pub all_equal: bool,
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

/// partner_metrics' column `c`; in a constant, checked against the declaration at
/// compile time.
const fn metric(c: &'static str) -> &'static str {
    out::PARTNER_METRICS.col(c)
}

/// (column, label, unit) of the figures.
const FIGURES: [(&str, &str, &str); 9] = [
    (metric("attributed_revenue"), "Attributed revenue", "money"),
    (metric("sourced_revenue"), "Sourced revenue", "money"),
    (metric("won_deals"), "Won deals", "count"),
    (metric("win_rate"), "Win rate", "share"),
    (metric("customers"), "Customers reached", "count"),
    (metric("cosell_degree"), "Co-sellers", "count"),
    (metric("pagerank"), "PageRank (centrality)", "small"),
    (metric("betweenness"), "Betweenness (brokerage)", "small"),
    (metric("reach_loss"), "Reach loss if it left", "share"),
];

/// Where `v` stands among `all` (values present only).
fn standing(all: &[f64], v: f64) -> Standing {
    let below = all.iter().filter(|&&x| x < v).count();
    let tied = all.iter().filter(|&&x| x == v).count();
    let of = all.len().max(1);
    Standing {
        below: 100.0 * below as f64 / of as f64,
        at_or_below: 100.0 * (below + tied) as f64 / of as f64,
        tied,
        of: all.len(),
        all_equal: tied == all.len(),
    }
}

/// Mid-rank percentile of `v` among `all` (values present only): below plus half the
/// ties; None when all are equal.
fn percentile(all: &[f64], v: f64) -> Option<f64> {
    let s = standing(all, v);
    (!s.all_equal).then(|| (s.below + s.at_or_below) / 2.0)
}

/// The scorecards of `sel` from an output folder read back.
pub fn build(r: &Results, sel: &Selection) -> Result<Vec<Scorecard>> {
    let pm = need(r, &out::PARTNER_METRICS)?;
    let partners = Partners::of(pm)?;
    let chosen = choose(r, pm, &partners, sel)?;
    let columns = figure_columns(pm)?;
    let present: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| c.iter().flatten().copied().collect())
        .collect();
    let (ty, tier, region) = (
        strs(pm, const { out::PARTNER_METRICS.col("partner_type") })?,
        strs(pm, const { out::PARTNER_METRICS.col("tier") })?,
        strs(pm, const { out::PARTNER_METRICS.col("region") })?,
    );
    // One streaming pass per pair-sized table for every chosen partner at once.
    let cards = Cards::new(&partners, &chosen);
    let cosellers = coseller_lists(r, &cards)?;
    let overlaps = overlap_lists(r, &cards)?;
    let conflicts = conflict_lists(r, &cards)?;
    let lists = cosellers.into_iter().zip(overlaps).zip(conflicts);
    Ok(chosen
        .iter()
        .zip(lists)
        .map(|(&p, ((cosellers, overlaps), conflicts))| {
            let (cosellers, cosellers_total) = cosellers.finish(by_value_then_count);
            let (overlaps, overlaps_total) = overlaps.finish(by_count_then_value);
            let (conflicts, conflicts_total) = conflicts.finish(by_value);
            Scorecard {
                partner_id: partners.ids[p].clone(),
                name: partners.names[p].clone(),
                partner_type: ty[p].clone(),
                tier: tier[p].clone(),
                region: region[p].clone(),
                figures: figures(&columns, &present, p),
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

/// The partner_metrics rows that get a card: the top N by attributed revenue, or the ids
/// asked for in their order (an unknown id is refused, naming the folder).
fn choose(
    r: &Results,
    pm: &RecordBatch,
    partners: &Partners,
    sel: &Selection,
) -> Result<Vec<usize>> {
    match sel {
        Selection::Top(n) => {
            let rev = floats(pm, const { out::PARTNER_METRICS.col("attributed_revenue") })?;
            Ok(top_by(pm.num_rows(), *n, |i| rev[i].unwrap_or(0.0)))
        }
        Selection::Ids(want) => want
            .iter()
            .map(|id| {
                partners.row(id).ok_or_else(|| {
                    Error::Parameter(format!(
                        "--partner {id}: no such partner_id in {} (partner_metrics has {} partners)",
                        r.dir.display(),
                        partners.len()
                    ))
                })
            })
            .collect(),
    }
}

/// The [`FIGURES`] columns of partner_metrics as floats (an Int64 column converted), in
/// their order.
fn figure_columns(pm: &RecordBatch) -> Result<Vec<Vec<Option<f64>>>> {
    FIGURES
        .iter()
        .map(|&(c, _, _)| {
            match pm
                .schema()
                .field_with_name(c)
                .map(|f| f.data_type().clone())
            {
                Ok(arrow::datatypes::DataType::Int64) => Ok(ints(pm, c)?
                    .into_iter()
                    .map(|x| x.map(|v| v as f64))
                    .collect()),
                _ => floats(pm, c),
            }
        })
        .collect()
}

/// Row `p`'s figures: each [`FIGURES`] value of `columns` with its percentile among
/// `present` (the values of its column that are not null).
fn figures(columns: &[Vec<Option<f64>>], present: &[Vec<f64>], p: usize) -> Vec<Figure> {
    FIGURES
        .iter()
        .enumerate()
        .map(|(k, &(column, label, unit))| Figure {
            column,
            label,
            value: columns[k][p],
            unit,
            percentile: columns[k][p].and_then(|v| percentile(&present[k], v)),
            standing: columns[k][p].map(|v| standing(&present[k], v)),
        })
        .collect()
}

/// How a list's rows are ordered, best first. The sorts are stable: ties stay in file
/// order (by id).
type Order = fn(&Other, &Other) -> std::cmp::Ordering;

/// Co-sellers: shared won revenue, then shared deals.
fn by_value_then_count(x: &Other, y: &Other) -> std::cmp::Ordering {
    y.value
        .total_cmp(&x.value)
        .then(y.count.total_cmp(&x.count))
}

/// Overlaps: shared customers, then jaccard.
fn by_count_then_value(x: &Other, y: &Other) -> std::cmp::Ordering {
    y.count
        .total_cmp(&x.count)
        .then(y.value.total_cmp(&x.value))
}

/// Conflicts: the amount at stake.
fn by_value(x: &Other, y: &Other) -> std::cmp::Ordering {
    y.value.total_cmp(&x.value)
}

/// One list of one card while the tables stream by: its best rows so far and the rows
/// offered in all.
#[derive(Default)]
struct List {
    rows: Vec<Other>,
    total: usize,
}

impl List {
    /// Counts `o` and keeps it as a candidate; the candidates are sorted and cut to
    /// [`LIST_ROWS`] whenever they reach twice that.
    fn keep(&mut self, o: Other, order: Order) {
        self.total += 1;
        self.rows.push(o);
        if self.rows.len() >= 2 * LIST_ROWS {
            self.rows.sort_by(order);
            self.rows.truncate(LIST_ROWS);
        }
    }

    /// The best [`LIST_ROWS`] rows, and the rows offered in all.
    fn finish(mut self, order: Order) -> (Vec<Other>, usize) {
        self.rows.sort_by(order);
        self.rows.truncate(LIST_ROWS);
        (self.rows, self.total)
    }
}

/// The chosen partners as the pair-sized tables see them: a row naming a chosen partner
/// becomes a candidate on its card, naming the other partner.
struct Cards<'a> {
    partners: &'a Partners,
    /// The card of each chosen partner_id (of a partner chosen twice: the last).
    slot: std::collections::HashMap<&'a str, usize>,
    /// Cards in all.
    count: usize,
}

impl<'a> Cards<'a> {
    fn new(partners: &'a Partners, chosen: &[usize]) -> Cards<'a> {
        let slot = chosen
            .iter()
            .enumerate()
            .map(|(k, &p)| (partners.ids[p].as_str(), k))
            .collect();
        Cards {
            partners,
            slot,
            count: chosen.len(),
        }
    }

    /// One empty list per card.
    fn lists(&self) -> Vec<List> {
        (0..self.count).map(|_| List::default()).collect()
    }

    /// Calls `f(card, other)` for each partner of the pair (`a`, `b`) that has a card.
    fn pair(&self, a: &Option<String>, b: &Option<String>, f: &mut dyn FnMut(usize, &str)) {
        if let (Some(a), Some(b)) = (a.as_deref(), b.as_deref()) {
            if let Some(&k) = self.slot.get(a) {
                f(k, b);
            }
            if let Some(&k) = self.slot.get(b) {
                f(k, a);
            }
        }
    }

    /// A list row for the other partner `id`.
    fn row(&self, id: &str, count: f64, value: f64) -> Other {
        Other {
            name: self.partners.shown(id).to_string(),
            partner_id: id.to_string(),
            count,
            value,
        }
    }
}

/// Each card's co-sellers (cosell_edges: shared deals, shared won revenue); an error
/// when the folder has no cosell_edges.
fn coseller_lists(r: &Results, cards: &Cards) -> Result<Vec<List>> {
    let mut lists = cards.lists();
    if !r.stream(out::COSELL_EDGES.name, &mut |e| {
        let (ea, eb, ew, er) = (
            strs(e, const { out::COSELL_EDGES.col("partner_a") })?,
            strs(e, const { out::COSELL_EDGES.col("partner_b") })?,
            ints(e, const { out::COSELL_EDGES.col("shared_deals") })?,
            floats(e, const { out::COSELL_EDGES.col("shared_won_revenue") })?,
        );
        for i in 0..e.num_rows() {
            cards.pair(&ea[i], &eb[i], &mut |k, other| {
                let o = cards.row(other, ew[i].unwrap_or(0) as f64, er[i].unwrap_or(0.0));
                lists[k].keep(o, by_value_then_count);
            });
        }
        Ok(())
    })? {
        return Err(super::columns::missing(r, &out::COSELL_EDGES));
    }
    Ok(lists)
}

/// Each card's customer overlaps (overlap_pairs' customer rows: shared customers,
/// jaccard).
fn overlap_lists(r: &Results, cards: &Cards) -> Result<Vec<List>> {
    let mut lists = cards.lists();
    customer_pairs(r, &mut |p| {
        cards.pair(p.a, p.b, &mut |k, other| {
            let o = cards.row(other, p.shared as f64, p.jaccard);
            lists[k].keep(o, by_count_then_value);
        });
    })?;
    Ok(lists)
}

/// Each card's channel conflicts (days apart, the amount at stake).
fn conflict_lists(r: &Results, cards: &Cards) -> Result<Vec<List>> {
    let mut lists = cards.lists();
    r.stream(out::CHANNEL_CONFLICTS.name, &mut |c| {
        let (ca, cb, cd, am_a, am_b) = (
            strs(c, const { out::CHANNEL_CONFLICTS.col("partner_a") })?,
            strs(c, const { out::CHANNEL_CONFLICTS.col("partner_b") })?,
            floats(c, const { out::CHANNEL_CONFLICTS.col("days_apart") })?,
            floats(c, const { out::CHANNEL_CONFLICTS.col("amount_a") })?,
            floats(c, const { out::CHANNEL_CONFLICTS.col("amount_b") })?,
        );
        for i in 0..c.num_rows() {
            cards.pair(&ca[i], &cb[i], &mut |k, other| {
                let amount = am_a[i].unwrap_or(0.0) + am_b[i].unwrap_or(0.0);
                let o = cards.row(other, cd[i].unwrap_or(0.0), amount);
                lists[k].keep(o, by_value);
            });
        }
        Ok(())
    })?;
    Ok(lists)
}

#[cfg(test)]
mod tests {
    use super::{percentile, standing};

    #[test]
    fn mid_rank_percentiles() {
        let all = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(percentile(&all, 1.0), Some(12.5));
        assert_eq!(percentile(&all, 2.0), Some(50.0));
        assert_eq!(percentile(&all, 3.0), Some(87.5));
    }

    /// The counter-examples of the review: every partner at 0 sourced revenue, or at a
    /// 100 % win rate, is not "percentile 50".
    #[test]
    fn all_equal_values_have_no_percentile() {
        for v in [0.0, 1.0] {
            let all = vec![v; 300];
            assert_eq!(percentile(&all, v), None);
            let s = standing(&all, v);
            assert!(s.all_equal);
            assert_eq!((s.tied, s.of), (300, 300));
        }
    }

    /// A tie spans a range: 6 of 10 partners at 0 are "0-60", the rest stand alone.
    #[test]
    fn ties_give_the_range_they_span() {
        let mut all = vec![0.0; 6];
        all.extend([1.0, 2.0, 3.0, 4.0]);
        let s = standing(&all, 0.0);
        assert_eq!(
            (s.below, s.at_or_below, s.tied, s.all_equal),
            (0.0, 60.0, 6, false)
        );
        let s = standing(&all, 3.0);
        assert_eq!((s.below, s.at_or_below, s.tied), (80.0, 90.0, 1));
        assert_eq!(percentile(&all, 3.0), Some(85.0));
    }
}
