//! The tier rules' shape (`[[tiers]]` in the config): the tiers, their rules and the
//! columns a rule may test.
//!
//! They live on the ground floor so that the config can check `[[tiers]]` without
//! depending on the metrics; how partners are judged against them (qualified tier,
//! status, gaps) is in [`crate::metrics::tiers`], which re-exports everything here.

use super::attribution::Model;

/// The largest threshold magnitude a tier rule accepts (`{ min = ... }`): above any
/// value a partner_metrics column can hold (revenues are at most `u32::MAX` deals of
/// [`crate::validate::MAX_AMOUNT`], about 4.3e24), so the gap `value - threshold`
/// stays finite.
pub const MAX_THRESHOLD: f64 = 1e30;

/// Which side of a threshold a rule wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bound {
    /// value >= threshold.
    Min,
    /// value <= threshold.
    Max,
}

impl Bound {
    /// `min` or `max`, as in the config and the output.
    pub fn word(self) -> &'static str {
        match self {
            Bound::Min => "min",
            Bound::Max => "max",
        }
    }
}

/// One rule of a tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// A numeric partner_metrics column, or `<model>_revenue`.
    pub column: String,
    /// The side of the threshold the rule wants.
    pub bound: Bound,
    /// The threshold.
    pub threshold: f64,
}

impl Rule {
    /// How far `value` is on the rule's side of the threshold (>= 0: met); `None` for a
    /// null value, which meets no rule.
    pub fn gap(&self, value: Option<f64>) -> Option<f64> {
        value.map(|v| match self.bound {
            Bound::Min => v - self.threshold,
            Bound::Max => self.threshold - v,
        })
    }
}

/// One tier: its name (the partners table's `tier` word) and its rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// The tier's name, as partners' `tier` values say it.
    pub name: String,
    /// Its rules, by column, then min before max.
    pub rules: Vec<Rule>,
}

/// The columns a rule may test: every numeric partner_metrics column but the two ids
/// (`component`, `community`), and `<model>_revenue` for each attribution model.
pub fn rule_columns() -> Vec<String> {
    let mut v: Vec<String> = crate::schema::out::PARTNER_METRICS
        .columns
        .iter()
        .filter(|c| c.ty != crate::schema::outputs::OutType::Text)
        .filter(|c| !matches!(c.name, "component" | "community"))
        .map(|c| c.name.to_string())
        .collect();
    v.extend(Model::ALL.iter().map(|m| format!("{}_revenue", m.name())));
    v
}
