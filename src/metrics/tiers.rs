//! Tier qualification: which tier each partner's numbers earn, against the tier it has.
//!
//! The config lists the program's tiers from the highest to the lowest, each with rules
//! on partner_metrics columns (`[[tiers]] name = "gold"`, `won_deals = { min = 10 }`). A
//! rule tests any numeric partner_metrics column, or `<model>_revenue`, a partner's
//! revenue under an attribution model (`role_weighted_revenue`): `min` is met when
//! value >= min, `max` when value <= max, and a null value (a win rate with no closed
//! deal) meets no rule. A partner qualifies for a tier when it meets every one of its
//! rules (a tier without rules is met by all), and its `qualified_tier` is the highest
//! it qualifies for. Its `status` compares that with the tier it has:
//!
//! - `above`: it qualifies for a higher tier than its own: a promotion candidate;
//! - `meets`: it qualifies for its own tier and no higher;
//! - `below`: it does not meet its own tier's rules: at risk of demotion;
//! - `unknown`: it has no tier in the input, or the config has no rule (no tiers, or
//!   only tiers without rules: nothing to judge by).
//!
//! For a partner manager: the tier review, with for every rule how far each partner is
//! from the threshold (`gap` >= 0: met), so that "what does it take to make Gold" has a
//! number. O(partners × rules).

use std::collections::BTreeMap;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Float64Type, Int64Type};
use arrow::record_batch::RecordBatch;

use super::attribution::{Attribution, Model};

pub use crate::vocab::tiers::{rule_columns, Bound, Rule, Tier, MAX_THRESHOLD};

/// A partner's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Qualifies for a higher tier than its own.
    Above,
    /// Qualifies for its own tier, no higher.
    Meets,
    /// Does not qualify for its own tier.
    Below,
    /// No tier in the input, or no rule configured.
    Unknown,
}

impl Status {
    /// Every status, in output order.
    pub const ALL: [Status; 4] = [Status::Above, Status::Meets, Status::Below, Status::Unknown];

    /// The status word in the output.
    pub fn word(self) -> &'static str {
        match self {
            Status::Above => "above",
            Status::Meets => "meets",
            Status::Below => "below",
            Status::Unknown => "unknown",
        }
    }
}

/// One partner's tier fit.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerFit {
    /// Index of the highest tier it qualifies for (into the tier list); `None`: none.
    pub qualified: Option<usize>,
    /// Its status.
    pub status: Status,
    /// Per tier, per rule: the partner's value (null when the column is null for it).
    pub values: Vec<Vec<Option<f64>>>,
}

/// The attribution model a rule column names (`first_touch_revenue`), if it names one.
pub fn rule_model(column: &str) -> Option<Model> {
    column.strip_suffix("_revenue").and_then(Model::from_name)
}

/// Checks the tiers against the input's tier words (right after loading, before any
/// work): every tier a partner has must be configured.
pub fn check_names(tiers: &[Tier], input_tiers: &[Option<String>]) -> Result<(), String> {
    if tiers.is_empty() {
        return Ok(());
    }
    let configured: Vec<&str> = tiers.iter().map(|t| t.name.as_str()).collect();
    let mut input: Vec<&str> = input_tiers.iter().flatten().map(String::as_str).collect();
    input.sort_unstable();
    input.dedup();
    let missing: Vec<&str> = input
        .iter()
        .copied()
        .filter(|t| !configured.contains(t))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "[[tiers]] does not name the tier{} {} that partners have: the config's tiers are {}, the input's tiers are {}",
            if missing.len() == 1 { "" } else { "s" },
            quoted(&missing),
            quoted(&configured),
            quoted(&input),
        ));
    }
    Ok(())
}

/// Checks that every attribution model a rule tests can be computed (`absent`:
/// [`super::attribution::absent_models`]).
pub fn check_models(tiers: &[Tier], absent: &[(Model, &'static str)]) -> Result<(), String> {
    for t in tiers {
        for r in &t.rules {
            if let Some(m) = rule_model(&r.column)
                && let Some((_, why)) = absent.iter().find(|(a, _)| *a == m)
            {
                return Err(format!(
                    "[[tiers]] {}: the rule on {} needs the {} model, which this run cannot compute: {why}",
                    t.name,
                    r.column,
                    m.name()
                ));
            }
        }
    }
    Ok(())
}

fn quoted(v: &[&str]) -> String {
    if v.is_empty() {
        return "(none)".into();
    }
    v.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every partner's fit, from the partner_metrics batch (columns by name) and the
/// attribution models (`<model>_revenue`). `tiers` must have passed [`check_models`].
pub fn fit(
    tiers: &[Tier],
    partner_metrics: &RecordBatch,
    input_tiers: &[Option<String>],
    attribution: &Attribution,
) -> Vec<PartnerFit> {
    let n = partner_metrics.num_rows();
    let mut columns: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
    for t in tiers {
        for r in &t.rules {
            columns
                .entry(r.column.as_str())
                .or_insert_with(|| column(partner_metrics, attribution, &r.column, n));
        }
    }
    let no_rules = tiers.iter().all(|t| t.rules.is_empty());
    (0..n)
        .map(|p| {
            let values: Vec<Vec<Option<f64>>> = tiers
                .iter()
                .map(|t| {
                    t.rules
                        .iter()
                        .map(|r| columns[r.column.as_str()][p])
                        .collect()
                })
                .collect();
            let qualified = tiers.iter().zip(&values).position(|(t, v)| {
                t.rules
                    .iter()
                    .zip(v)
                    .all(|(r, &x)| r.gap(x).is_some_and(|g| g >= 0.0))
            });
            let own = input_tiers[p]
                .as_deref()
                .and_then(|name| tiers.iter().position(|t| t.name == name));
            // Tiers are listed highest first: a smaller index is a higher tier.
            let status = match (own, qualified) {
                _ if no_rules => Status::Unknown,
                (None, _) => Status::Unknown,
                (Some(_), None) => Status::Below,
                (Some(o), Some(q)) if q < o => Status::Above,
                (Some(o), Some(q)) if q == o => Status::Meets,
                (Some(_), Some(_)) => Status::Below,
            };
            PartnerFit {
                qualified,
                status,
                values,
            }
        })
        .collect()
}

/// A rule column's values per partner.
fn column(pm: &RecordBatch, a: &Attribution, name: &str, n: usize) -> Vec<Option<f64>> {
    if let Some(m) = rule_model(name) {
        let revenue = &a
            .models
            .iter()
            .find(|r| r.model == m)
            .expect("check_models refused absent models")
            .revenue;
        return revenue.iter().map(|&x| Some(x)).collect();
    }
    let c = pm.column_by_name(name).expect("a partner_metrics column");
    match c.data_type() {
        arrow::datatypes::DataType::Float64 => {
            let c = c.as_primitive::<Float64Type>();
            (0..n).map(|i| c.is_valid(i).then(|| c.value(i))).collect()
        }
        _ => {
            let c = c.as_primitive::<Int64Type>();
            (0..n)
                .map(|i| c.is_valid(i).then(|| c.value(i) as f64))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_value_meets_no_rule_and_the_gap_is_signed() {
        let min = Rule {
            column: "win_rate".into(),
            bound: Bound::Min,
            threshold: 0.3,
        };
        let max = Rule {
            column: "conflicts".into(),
            bound: Bound::Max,
            threshold: 2.0,
        };
        assert_eq!(min.gap(None), None);
        assert_eq!(min.gap(Some(0.5)), Some(0.2));
        assert_eq!(max.gap(Some(3.0)), Some(-1.0));
        assert_eq!(max.gap(Some(2.0)), Some(0.0));
    }

    #[test]
    fn rule_columns_are_numeric_metrics_and_model_revenues() {
        let c = rule_columns();
        assert!(
            c.contains(&"won_deals".to_string()) && c.contains(&"u_shaped_revenue".to_string())
        );
        assert!(!c.contains(&"partner_type".to_string()));
        assert_eq!(rule_model("time_decay_revenue"), Some(Model::TimeDecay));
        assert_eq!(rule_model("attributed_revenue"), None);
    }
}
