//! The executive-summary tiles, declared once: label, the summary key each shows,
//! the typed read of that key, unit and how to read it; for the partner-lift tiles also
//! the 95 % interval (`partner_lift.intervals`) and, for a ratio, what it says: a
//! difference only when the whole interval lies on one side of 1.

use crate::export::summary::Summary;
use serde::Serialize;

/// One executive-summary tile.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tile {
    /// The tile's title, in a partner manager's words.
    pub label: &'static str,
    /// The value (null when undefined for this ecosystem).
    pub value: Option<f64>,
    /// How to print it: `count`, `money`, `share`, `ratio`, `days`.
    pub unit: &'static str,
    /// Where it comes from (`summary: revenue.cosell_rate`).
    pub source: String,
    /// One line: how to read it.
    pub how_to_read: &'static str,
    /// The value's 95 % interval `[low, high]`, in the value's unit; null for a tile
    /// without one, or when the groups are too small to bound it.
    pub interval: Option<[f64; 2]>,
    /// Where the interval comes from (`summary: partner_lift.intervals.win_rate_ratio`);
    /// null for a tile without one.
    pub interval_source: Option<String>,
    /// For a ratio tile, the interval read plainly (above 1, below 1, or "no clear
    /// difference" when it includes 1); null for other tiles and when the ratio is null.
    pub verdict: Option<&'static str>,
}

/// What a partner / direct ratio's interval says, in a partner manager's words.
struct Verdict {
    /// The whole interval above 1.
    above: &'static str,
    /// The whole interval below 1.
    below: &'static str,
}

/// The interval includes 1: chance alone could give this ratio with no real difference.
const NO_CLEAR_DIFFERENCE: &str = "No clear difference: the interval includes 1.";

/// The ratio is defined but its interval is not (a side with one deal, or no win).
const NO_INTERVAL: &str = "Too few deals on one side to tell a difference from chance.";

impl Verdict {
    /// The sentence for `interval` of a defined ratio (`None` for an undefined one).
    fn read(&self, value: Option<f64>, interval: Option<[f64; 2]>) -> Option<&'static str> {
        value?;
        Some(match interval {
            None => NO_INTERVAL,
            Some([low, _]) if low > 1.0 => self.above,
            Some([_, high]) if high < 1.0 => self.below,
            Some(_) => NO_CLEAR_DIFFERENCE,
        })
    }
}

/// One summary tile, declared: its label, the summary key it shows (the page prints it
/// as the tile's source), the typed read of that key, its unit and how to read it.
struct TileDecl {
    label: &'static str,
    key: &'static str,
    value: fn(&Summary) -> Option<f64>,
    unit: &'static str,
    how_to_read: &'static str,
    /// The interval's key in `partner_lift.intervals` and its typed read.
    interval: Option<(&'static str, Interval)>,
    verdict: Option<Verdict>,
}

/// A typed read of one interval of `partner_lift.intervals` (null for results written
/// before the summary had them).
type Interval = fn(&crate::metrics::ecosystem::LiftIntervals) -> Option<[f64; 2]>;

/// The summary tiles.
const TILES: [TileDecl; 10] = [
    TileDecl {
        label: "Partners",
        key: "counts.partners",
        value: |s| Some(s.counts.partners as f64),
        unit: "count",
        how_to_read: "Partners in the program, with or without deals.",
        interval: None,
        verdict: None,
    },
    TileDecl {
        label: "Won revenue",
        key: "revenue.total_won_revenue",
        value: |s| Some(s.revenue.total_won_revenue),
        unit: "money_tile",
        how_to_read: "All won deals, with or without a partner.",
        interval: None,
        verdict: None,
    },
    TileDecl {
        label: "Partner revenue share",
        key: "revenue.partner_revenue_share",
        value: |s| s.revenue.partner_revenue_share,
        unit: "share",
        how_to_read: "Share of won revenue on deals with at least one partner.",
        interval: None,
        verdict: None,
    },
    TileDecl {
        label: "Co-sell rate",
        key: "revenue.cosell_rate",
        value: |s| s.revenue.cosell_rate,
        unit: "share",
        how_to_read: "Share of won revenue from deals two or more partners worked together.",
        interval: None,
        verdict: None,
    },
    TileDecl {
        label: "Co-sell lift",
        key: "revenue.cosell_lift",
        value: |s| s.revenue.cosell_lift,
        unit: "ratio",
        how_to_read: "A won co-sold deal is this many times a won single-partner deal.",
        interval: None,
        verdict: None,
    },
    TileDecl {
        label: "Win rate, partner-led",
        key: "partner_lift.win_rate_partner",
        value: |s| s.partner_lift.win_rate_partner,
        unit: "share",
        how_to_read: "Won / closed, deals with a partner.",
        interval: Some(("win_rate_partner", |i| i.win_rate_partner)),
        verdict: None,
    },
    TileDecl {
        label: "Win rate, direct",
        key: "partner_lift.win_rate_direct",
        value: |s| s.partner_lift.win_rate_direct,
        unit: "share",
        how_to_read: "Won / closed, deals without one.",
        interval: Some(("win_rate_direct", |i| i.win_rate_direct)),
        verdict: None,
    },
    TileDecl {
        label: "Win rate, partner-led vs direct",
        key: "partner_lift.win_rate_ratio",
        value: |s| s.partner_lift.win_rate_ratio,
        unit: "ratio",
        how_to_read: "Partner-led win rate over direct win rate.",
        interval: Some(("win_rate_ratio", |i| i.win_rate_ratio)),
        verdict: Some(Verdict {
            above: "Partner-led wins more often: the interval is above 1.",
            below: "Direct wins more often: the interval is below 1.",
        }),
    },
    TileDecl {
        label: "Deal size, partner-led vs direct",
        key: "partner_lift.mean_won_amount_ratio",
        value: |s| s.partner_lift.mean_won_amount_ratio,
        unit: "ratio",
        how_to_read: "Mean won partner deal over mean won direct deal.",
        interval: Some(("mean_won_amount_ratio", |i| i.mean_won_amount_ratio)),
        verdict: Some(Verdict {
            above: "Partner-led deals are larger: the interval is above 1.",
            below: "Partner-led deals are smaller: the interval is below 1.",
        }),
    },
    TileDecl {
        label: "Time to close, partner-led vs direct",
        key: "partner_lift.days_to_close_ratio",
        value: |s| s.partner_lift.days_to_close_ratio,
        unit: "ratio",
        how_to_read: "Below 1: partner deals close faster.",
        interval: Some(("days_to_close_ratio", |i| i.days_to_close_ratio)),
        verdict: Some(Verdict {
            above: "Partner-led deals close slower: the interval is above 1.",
            below: "Partner-led deals close faster: the interval is below 1.",
        }),
    },
];

/// The summary tiles of `s`, in page order.
pub(super) fn tiles(s: &Summary) -> Vec<Tile> {
    TILES
        .iter()
        .map(|t| {
            let value = (t.value)(s);
            let interval = t
                .interval
                .and_then(|(_, read)| s.partner_lift.intervals.as_ref().and_then(read));
            Tile {
                label: t.label,
                value,
                unit: t.unit,
                source: format!("summary: {}", t.key),
                how_to_read: t.how_to_read,
                // Results written before the summary had intervals show none.
                interval: interval.filter(|_| value.is_some()),
                interval_source: t
                    .interval
                    .filter(|_| s.partner_lift.intervals.is_some())
                    .map(|(k, _)| format!("summary: partner_lift.intervals.{k}")),
                verdict: match (&t.verdict, &s.partner_lift.intervals) {
                    (Some(v), Some(_)) => v.read(value, interval),
                    _ => None,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each tile's printed source is the key its typed read takes.
    #[test]
    fn tile_sources_name_the_keys_they_read() {
        let v = serde_json::json!({
            "counts": {"partners": 7.0},
            "revenue": {"total_won_revenue": 1.0, "partner_revenue_share": 2.0,
                        "cosell_rate": 3.0, "cosell_lift": 4.0},
            "partner_lift": {"win_rate_partner": 5.0, "win_rate_direct": 6.0, "win_rate_ratio": 7.0,
                             "mean_won_amount_ratio": 8.0, "days_to_close_ratio": 9.0},
        });
        let mut s: Summary = serde_json::from_value(serde_json::json!({
            "schema_version": 1, "ecograph_version": "x",
            "counts": {"partners": 0, "products": 0, "customers": 0, "deals": 0,
                       "deal_partner_links": 0, "partner_product_links": 0, "cosell_edges": 0},
            "network": {"density": null, "components": 0, "lcc_fraction": null,
                        "average_clustering": null, "modularity": null},
            "revenue": {"total_won_revenue": 0.0},
            "partner_lift": {},
            "growth": {}, "pagerank": {"iterations": 0},
            "validation": {"rejected_rows": 0, "warnings": []},
            "parameters": {"input": "", "format": "csv", "config": null,
                           "result": {"metrics": {"community": {"seed": 0, "trials": 0},
                                                  "resilience": {"seed": 0, "orders": 0}}}},
            "overlap": {"top_k": null, "customer_pairs": 0, "product_pairs": 0,
                        "customer_pairs_written": 0, "product_pairs_written": 0,
                        "channel_conflicts": 0, "unique_customers": 0},
            "attribution": {"models": [], "absent": {}, "partner_won_revenue": 0.0,
                            "totals": {}, "untimed_deals": null, "untimed_revenue": null,
                            "fair_story": [], "agreement": {}},
            "tiers": {"configured": [], "status": {}, "qualified": {}},
            "period": null
        }))
        .unwrap();
        s.counts.partners = 7;
        s.revenue = serde_json::from_value(v["revenue"].clone()).unwrap();
        s.partner_lift = serde_json::from_value(v["partner_lift"].clone()).unwrap();
        for t in tiles(&s) {
            let key = t.source.strip_prefix("summary: ").unwrap();
            let (section, k) = key.split_once('.').unwrap();
            assert_eq!(t.value, v[section][k].as_f64(), "{key}");
            // a summary written before the intervals: none shown, nothing claimed
            assert_eq!(
                (t.interval, t.interval_source, t.verdict),
                (None, None, None)
            );
        }
    }

    /// A ratio's sentence: a difference only when the whole interval is on one side of
    /// 1; an interval touching or straddling 1 is no clear difference.
    #[test]
    fn verdicts_claim_a_difference_only_beyond_one() {
        let v = Verdict {
            above: "above",
            below: "below",
        };
        assert_eq!(v.read(Some(1.5), Some([1.2, 1.9])), Some("above"));
        assert_eq!(v.read(Some(0.8), Some([0.7, 0.95])), Some("below"));
        assert_eq!(
            v.read(Some(1.3), Some([0.9, 1.8])),
            Some(NO_CLEAR_DIFFERENCE)
        );
        assert_eq!(
            v.read(Some(0.9), Some([0.5, 1.0])),
            Some(NO_CLEAR_DIFFERENCE)
        );
        assert_eq!(
            v.read(Some(1.1), Some([1.0, 1.2])),
            Some(NO_CLEAR_DIFFERENCE)
        );
        assert_eq!(v.read(Some(2.0), None), Some(NO_INTERVAL));
        assert_eq!(v.read(None, None), None);
    }
}
