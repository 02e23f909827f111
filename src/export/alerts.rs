//! The review's alerts as data: thresholds, the seven [`RULES`] (id, rule in words,
//! thresholds, the anchor of the evidence on the page) and the summary's `alerts`
//! section ([`AlertsSection`]). Declared here, below the summary writer that records
//! them; [`crate::alerts`] evaluates them on an output folder read back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Normalized HHI ([`normalized_hhi`]) above which a diversification dimension is
/// "high"; its "moderate" band starts at [`HHI_MODERATE`]. The cut points are the US
/// merger guidelines' (docs/OUTPUTS.md), read on the normalized index so that a dimension
/// with few categories is not "high" by construction: four regions can never have an HHI
/// below 0.25.
pub const HHI_HIGH: f64 = 0.25;
/// Normalized HHI from which a dimension is "moderate".
pub const HHI_MODERATE: f64 = 0.15;
/// Share of partner revenue above which one partner is an alert.
pub const DOMINANT_SHARE: f64 = 0.25;
/// reach_loss above which a partner's departure is an alert.
pub const CRITICAL_REACH_LOSS: f64 = 0.05;
/// Customer jaccard from which two partners are near-duplicates.
pub const NEAR_DUPLICATE_JACCARD: f64 = 0.9;
// The settings a config may change live on the ground floor, below the config that
// resolves them.
pub use crate::vocab::alerts::{
    AlertSettings, MAX_NEAR_DUPLICATE_MIN_SHARED, NEAR_DUPLICATE_MIN_SHARED,
};
/// The targeted curve "collapses" when removing this share of partners...
pub const COLLAPSE_REMOVED: f64 = 0.05;
/// ...leaves less than this share of the largest island it started with.
pub const COLLAPSE_LEFT: f64 = 0.5;
/// Hidden brokers: among the most central 1 / this of partners by PageRank...
pub const HIDDEN_CENTRAL_DIVISOR: usize = 20;
/// ...and in the bottom this share by attributed revenue.
pub const HIDDEN_REVENUE_BELOW: f64 = 0.5;
/// Partners named by an alert at most.
pub const NAMED_PARTNERS: usize = 10;
/// Near-duplicate pairs named at most.
pub const NAMED_PAIRS: usize = 5;
/// Partners from which the hidden-brokers rule is checked.
pub const HIDDEN_MIN_PARTNERS: usize = 20;

/// One alert, declared.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlertRule {
    /// A stable code.
    pub id: &'static str,
    /// When it is raised, in words (thresholds by name).
    pub rule: &'static str,
    /// Its thresholds, by name.
    pub thresholds: &'static [(&'static str, f64)],
    /// The anchor of its evidence on the page (`#diversification`).
    pub anchor: &'static str,
}

/// Every alert, in the order the page lists them.
pub const RULES: [AlertRule; 7] = [
    AlertRule {
        id: "revenue_concentration",
        rule: "a diversification dimension of at least two entities has a normalized HHI, (hhi - 1/entities) / (1 - 1/entities), above hhi_high",
        thresholds: &[("hhi_high", HHI_HIGH)],
        anchor: "#diversification",
    },
    AlertRule {
        id: "dominant_partner",
        rule: "the partner with the most attributed revenue holds more than dominant_share of it",
        thresholds: &[("dominant_share", DOMINANT_SHARE)],
        anchor: "#leaderboard",
    },
    AlertRule {
        id: "critical_partners",
        rule: "partners whose reach_loss is above critical_reach_loss",
        thresholds: &[("critical_reach_loss", CRITICAL_REACH_LOSS)],
        anchor: "#leaderboard",
    },
    AlertRule {
        id: "near_duplicates",
        rule: "customer pairs of overlap_pairs with jaccard at least near_duplicate_jaccard and at least near_duplicate_min_shared shared customers",
        thresholds: &[
            ("near_duplicate_jaccard", NEAR_DUPLICATE_JACCARD),
            ("near_duplicate_min_shared", NEAR_DUPLICATE_MIN_SHARED as f64),
        ],
        anchor: "#account-mapping",
    },
    AlertRule {
        id: "channel_conflicts",
        rule: "channel_conflicts has rows",
        thresholds: &[],
        anchor: "#conflicts",
    },
    AlertRule {
        id: "fragile_network",
        rule: "removing the collapse_removed most central partners (targeted resilience) leaves less than collapse_left of the largest island",
        thresholds: &[("collapse_removed", COLLAPSE_REMOVED), ("collapse_left", COLLAPSE_LEFT)],
        anchor: "#resilience",
    },
    AlertRule {
        id: "hidden_brokers",
        rule: "partners among the most central top_share by PageRank ranked in the bottom revenue_below by attributed revenue (from min_partners partners)",
        thresholds: &[
            ("top_share", 1.0 / HIDDEN_CENTRAL_DIVISOR as f64),
            ("revenue_below", HIDDEN_REVENUE_BELOW),
            ("min_partners", HIDDEN_MIN_PARTNERS as f64),
        ],
        anchor: "#leaderboard",
    },
];

/// An alert raised: its rule's id and anchor, the numbers it rests on, its sentence
/// (formatted from those numbers and the rule's thresholds) and the partners concerned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Raised {
    /// The rule's id.
    pub id: String,
    /// The finding in one sentence.
    pub title: String,
    /// The anchor of the evidence on the page.
    pub anchor: String,
    /// The numbers it rests on, by name.
    pub evidence: BTreeMap<String, f64>,
    /// The partners concerned, by name (at most [`NAMED_PARTNERS`]).
    pub partners: Vec<String>,
}

/// The summary's `alerts` section: every rule with its thresholds, and the alerts
/// raised, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertsSection {
    /// Per rule id: its rule in words and its thresholds by name.
    pub rules: BTreeMap<String, RuleRecord>,
    /// The alerts raised, in the page's order.
    pub raised: Vec<Raised>,
}

/// A rule as the summary records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRecord {
    /// When it is raised, in words.
    pub rule: String,
    /// Its thresholds, by name.
    pub thresholds: BTreeMap<String, f64>,
}

impl AlertsSection {
    /// The section for the alerts `raised` under `settings`.
    pub fn new(raised: Vec<Raised>, settings: &AlertSettings) -> AlertsSection {
        AlertsSection {
            rules: RULES
                .iter()
                .map(|r| {
                    let rec = RuleRecord {
                        rule: r.rule.to_string(),
                        thresholds: r
                            .thresholds
                            .iter()
                            .map(|(k, v)| (k.to_string(), settings.threshold(k, *v)))
                            .collect(),
                    };
                    (r.id.to_string(), rec)
                })
                .collect(),
            raised,
        }
    }
}

/// The HHI rescaled to 0..1 whatever the number of entities:
/// `(hhi - 1/n) / (1 - 1/n)`, 0 when the `n` entities are equal, 1 when one takes all.
/// None for fewer than two entities, where concentration has no meaning (one region is
/// not "concentrated", it is all there is).
///
/// The raw HHI cannot go below 1/n, so with four regions it is at least 0.25, the
/// guidelines' "high" line: a shares vector of 36, 25, 20, 19 % has an HHI of 0.268 and a
/// normalized HHI of 0.024. With hundreds of entities the two agree to within 1/n.
///
/// ```
/// use ecograph::alerts::normalized_hhi;
/// assert_eq!(normalized_hhi(0.25, 4), Some(0.0)); // four equal regions
/// assert_eq!(normalized_hhi(1.0, 4), Some(1.0)); // one region takes all
/// assert_eq!(normalized_hhi(1.0, 1), None);
/// ```
pub fn normalized_hhi(hhi: f64, entities: u64) -> Option<f64> {
    if entities < 2 || !hhi.is_finite() {
        return None;
    }
    let floor = 1.0 / entities as f64;
    // Shares are rounded sums: clamp the last ulp that could fall below the floor.
    Some(((hhi - floor) / (1.0 - floor)).clamp(0.0, 1.0))
}

/// The concentration band of a normalized HHI ([`normalized_hhi`]), with the US merger
/// guidelines' cut points (docs/OUTPUTS.md).
pub fn band(hhi: f64) -> &'static str {
    if hhi < HHI_MODERATE {
        "unconcentrated"
    } else if hhi <= HHI_HIGH {
        "moderate"
    } else {
        "high"
    }
}
