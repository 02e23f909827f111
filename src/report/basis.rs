//! The review's "what these numbers rest on": the rows read, rejected and merged per
//! input table, what the deals lack (amounts, dates) with counts and shares, and the
//! run's settings that shape a number (the overlap bound, exact or sampled measures with
//! their error bounds, the seeds, the alert settings). Everything comes from the
//! summary (`basis`, `overlap`, `betweenness`, `closeness`, `parameters`), so the page
//! says what the file says.
//!
//! For a partner manager: before anyone argues about a figure, this says what it was
//! computed from and what it leaves out.

use serde::Serialize;

use crate::export::summary::{ModeSection, Summary};

/// One input table's rows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TableLine {
    /// The contract table.
    pub table: String,
    /// Its file.
    pub file: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows left out by `--skip-invalid`.
    pub rejected: u64,
    /// Rows folded into a repeat of theirs.
    pub merged: u64,
}

/// A gap in the deals: how many lack something, of how many, and what it does.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Gap {
    /// What is missing ("an amount").
    pub what: &'static str,
    /// Deals lacking it.
    pub count: u64,
    /// Of this many.
    pub of: u64,
    /// count / of (0 when of is 0).
    pub share: f64,
    /// What it does to the numbers.
    pub effect: String,
}

/// A setting that shapes a number: its name and its value in words.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Setting {
    /// What it is ("Betweenness").
    pub name: &'static str,
    /// How it was set, in words.
    pub value: String,
}

/// The section's model.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Basis {
    /// Per input table; empty for results written before the summary had `basis`.
    pub tables: Vec<TableLine>,
    /// The deals' gaps, every one listed (zero counts too: "none" is a fact).
    pub gaps: Vec<Gap>,
    /// The run's settings.
    pub settings: Vec<Setting>,
    /// With `--period`: the gaps are the input's, before the window.
    pub before_window: bool,
}

/// `part / whole`, 0 for an empty whole.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A percentage in words with enough digits to stay non-zero.
fn percent(x: f64) -> String {
    super::show(Some(x), "share")
}

/// A sampled-or-exact measure in words; `bound` says what its epsilon bounds.
fn mode_words(m: Option<&ModeSection>, bound: &str) -> String {
    match m {
        None => "not computed (switched off)".into(),
        Some(m) if m.mode == "sampled" => format!(
            "sampled, {bound} ε = {}, holding with probability {} (seed {})",
            m.epsilon.map_or("–".into(), |e| format!("{e}")),
            m.delta.map_or("–".into(), |d| percent(1.0 - d)),
            m.seed.map_or("–".into(), |s| s.to_string()),
        ),
        Some(_) => "exact".into(),
    }
}

/// The section from the summary.
pub(super) fn basis(s: &Summary) -> Basis {
    let (tables, gaps) = match &s.basis {
        None => (Vec::new(), Vec::new()),
        Some(b) => {
            let d = &b.deals;
            let gaps = vec![
                Gap {
                    what: "amount",
                    count: d.amount_missing,
                    of: d.deals,
                    share: share(d.amount_missing, d.deals),
                    effect: format!(
                        "each counts as 0 in every revenue figure; {} of them won (of {} won deals, {})",
                        super::show(Some(d.won_amount_missing as f64), "count"),
                        super::show(Some(d.won as f64), "count"),
                        percent(share(d.won_amount_missing, d.won))
                    ),
                },
                Gap {
                    what: "created_at date",
                    count: d.created_at_missing,
                    of: d.deals,
                    share: share(d.created_at_missing, d.deals),
                    effect: "in no quarter of the growth chart and in no channel conflict".into(),
                },
                Gap {
                    what: "closed_at date (of the closed deals)",
                    count: d.closed_at_missing,
                    of: d.closed,
                    share: share(d.closed_at_missing, d.closed),
                    effect: "no time to close: left out of the days-to-close comparison".into(),
                },
            ];
            let tables = b
                .tables
                .iter()
                .map(|t| TableLine {
                    table: t.table.clone(),
                    file: t.file.clone(),
                    rows: t.rows,
                    rejected: t.rejected,
                    merged: t.merged,
                })
                .collect();
            (tables, gaps)
        }
    };
    let metrics = &s.parameters.result.metrics;
    let alerts = s.parameters.alert_settings();
    let settings = vec![
        Setting {
            name: "Overlapping pairs kept",
            value: match s.overlap.top_k {
                Some(k) => format!(
                    "the {k} strongest per partner and dimension in overlap_pairs; every pair counts in the per-partner overlap columns"
                ),
                None => "every overlapping pair (no top-k bound)".into(),
            },
        },
        Setting {
            name: "Betweenness",
            value: mode_words(
                s.betweenness.as_ref(),
                "every partner's value within ± ε of the exact one:",
            ),
        },
        Setting {
            name: "Closeness and harmonic",
            value: mode_words(
                s.closeness.as_ref(),
                "sources drawn for an error of at most",
            ),
        },
        Setting {
            name: "Communities",
            value: format!(
                "Louvain, the best of {} seeded trials (seed {})",
                metrics.community.trials, metrics.community.seed
            ),
        },
        Setting {
            name: "Random-removal resilience",
            value: format!(
                "the mean of {} seeded removal orders (seed {})",
                metrics.resilience.orders, metrics.resilience.seed
            ),
        },
        Setting {
            name: "Network map layout",
            value: format!("seeded force layout (seed {})", super::maps::MAP_SEED),
        },
        Setting {
            name: "Near-duplicate alert",
            value: format!(
                "customer jaccard at least {} and at least {} shared customers ([alerts] near_duplicate_min_shared)",
                crate::alerts::NEAR_DUPLICATE_JACCARD,
                alerts.near_duplicate_min_shared
            ),
        },
        Setting {
            name: "Concentration alert",
            value: format!(
                "normalized HHI above {} (the HHI rescaled for the number of categories)",
                crate::alerts::HHI_HIGH
            ),
        },
    ];
    Basis {
        tables,
        gaps,
        settings,
        before_window: s.period.is_some(),
    }
}
