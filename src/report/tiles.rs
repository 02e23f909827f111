//! The executive-summary tiles, declared once: label, the summary key each shows,
//! the typed read of that key, unit and how to read it.

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
}

/// One summary tile, declared: its label, the summary key it shows (the page prints it
/// as the tile's source), the typed read of that key, its unit and how to read it.
struct TileDecl {
    label: &'static str,
    key: &'static str,
    value: fn(&Summary) -> Option<f64>,
    unit: &'static str,
    how_to_read: &'static str,
}

/// The summary tiles.
const TILES: [TileDecl; 9] = [
    TileDecl {
        label: "Partners",
        key: "counts.partners",
        value: |s| Some(s.counts.partners as f64),
        unit: "count",
        how_to_read: "Partners in the program, with or without deals.",
    },
    TileDecl {
        label: "Won revenue",
        key: "revenue.total_won_revenue",
        value: |s| Some(s.revenue.total_won_revenue),
        unit: "money_tile",
        how_to_read: "All won deals, with or without a partner.",
    },
    TileDecl {
        label: "Partner revenue share",
        key: "revenue.partner_revenue_share",
        value: |s| s.revenue.partner_revenue_share,
        unit: "share",
        how_to_read: "Share of won revenue on deals with at least one partner.",
    },
    TileDecl {
        label: "Co-sell rate",
        key: "revenue.cosell_rate",
        value: |s| s.revenue.cosell_rate,
        unit: "share",
        how_to_read: "Share of won revenue from deals two or more partners worked together.",
    },
    TileDecl {
        label: "Co-sell lift",
        key: "revenue.cosell_lift",
        value: |s| s.revenue.cosell_lift,
        unit: "ratio",
        how_to_read: "A won co-sold deal is this many times a won single-partner deal.",
    },
    TileDecl {
        label: "Win rate, partner-led",
        key: "partner_lift.win_rate_partner",
        value: |s| s.partner_lift.win_rate_partner,
        unit: "share",
        how_to_read: "Won / closed, deals with a partner.",
    },
    TileDecl {
        label: "Win rate, direct",
        key: "partner_lift.win_rate_direct",
        value: |s| s.partner_lift.win_rate_direct,
        unit: "share",
        how_to_read: "Won / closed, deals without one.",
    },
    TileDecl {
        label: "Deal size, partner-led vs direct",
        key: "partner_lift.mean_won_amount_ratio",
        value: |s| s.partner_lift.mean_won_amount_ratio,
        unit: "ratio",
        how_to_read: "Mean won partner deal over mean won direct deal.",
    },
    TileDecl {
        label: "Time to close, partner-led vs direct",
        key: "partner_lift.days_to_close_ratio",
        value: |s| s.partner_lift.days_to_close_ratio,
        unit: "ratio",
        how_to_read: "Below 1: partner deals close faster.",
    },
];

pub(super) fn tiles(s: &Summary) -> Vec<Tile> {
    TILES
        .iter()
        .map(|t| Tile {
            label: t.label,
            value: (t.value)(s),
            unit: t.unit,
            source: format!("summary: {}", t.key),
            how_to_read: t.how_to_read,
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
            "partner_lift": {"win_rate_partner": 5.0, "win_rate_direct": 6.0,
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
        }
    }
}
