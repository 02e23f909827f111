//! The review's alerts as data: thresholds, the seven [`RULES`] (id, rule in words,
//! thresholds, the anchor of the evidence on the page) and the summary's `alerts`
//! section ([`AlertsSection`]). Declared here, below the summary writer that records
//! them; [`crate::alerts`] evaluates them on an output folder read back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// HHI above which a diversification dimension is "high" (the US merger guidelines'
/// band, docs/OUTPUTS.md); its "moderate" band starts at [`HHI_MODERATE`].
pub const HHI_HIGH: f64 = 0.25;
/// HHI from which a dimension is "moderate".
pub const HHI_MODERATE: f64 = 0.15;
/// Share of partner revenue above which one partner is an alert.
pub const DOMINANT_SHARE: f64 = 0.25;
/// reach_loss above which a partner's departure is an alert.
pub const CRITICAL_REACH_LOSS: f64 = 0.05;
/// Customer jaccard from which two partners are near-duplicates.
pub const NEAR_DUPLICATE_JACCARD: f64 = 0.9;
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
        rule: "a diversification dimension's HHI is above hhi_high",
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
        rule: "customer pairs of overlap_pairs with jaccard at least near_duplicate_jaccard",
        thresholds: &[("near_duplicate_jaccard", NEAR_DUPLICATE_JACCARD)],
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
    /// The section for the alerts `raised`.
    pub fn new(raised: Vec<Raised>) -> AlertsSection {
        AlertsSection {
            rules: RULES
                .iter()
                .map(|r| {
                    let rec = RuleRecord {
                        rule: r.rule.to_string(),
                        thresholds: r
                            .thresholds
                            .iter()
                            .map(|(k, v)| (k.to_string(), *v))
                            .collect(),
                    };
                    (r.id.to_string(), rec)
                })
                .collect(),
            raised,
        }
    }
}

/// The HHI band of the US merger guidelines (docs/OUTPUTS.md).
pub fn band(hhi: f64) -> &'static str {
    if hhi < HHI_MODERATE {
        "unconcentrated"
    } else if hhi <= HHI_HIGH {
        "moderate"
    } else {
        "high"
    }
}
