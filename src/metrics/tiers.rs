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

use super::attribution::{Attribution, Model};
use super::overlap::PartnerOverlap;
use super::PartnerMetrics;

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
pub(crate) fn rule_model(column: &str) -> Option<Model> {
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

/// Every partner's fit, from the metric results: the partner_metrics columns
/// ([`PartnerMetrics`], and the overlap family's [`PartnerOverlap`], known once its
/// pairs are written) and the attribution models (`<model>_revenue`). `tiers` must have
/// passed [`check_models`].
///
/// # Complexity
/// * **O(partners × rules)**.
pub fn fit(
    tiers: &[Tier],
    partner: &PartnerMetrics,
    overlap: &PartnerOverlap,
    input_tiers: &[Option<String>],
    attribution: &Attribution,
) -> Vec<PartnerFit> {
    let n = input_tiers.len();
    let mut columns: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
    for t in tiers {
        for r in &t.rules {
            columns.entry(r.column.as_str()).or_insert_with(|| {
                column(partner, overlap, attribution, &r.column, n)
                    .expect("the config accepts rule_columns() only")
            });
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

/// A rule column's values per partner, as partner_metrics holds them (integers through
/// the table's Int64, a switched-off measure null everywhere); `None` for a name that
/// is not a rule column ([`rule_columns`]).
fn column(
    m: &PartnerMetrics,
    o: &PartnerOverlap,
    a: &Attribution,
    name: &str,
    n: usize,
) -> Option<Vec<Option<f64>>> {
    fn all<T: Copy>(v: &[T], f: impl Fn(T) -> f64) -> Vec<Option<f64>> {
        v.iter().map(|&x| Some(f(x))).collect()
    }
    let float = |v: &[f64]| all(v, |x| x);
    let int = |v: &[u32]| all(v, f64::from);
    let switchable = |v: &Option<Vec<f64>>| v.as_deref().map_or(vec![None; n], float);
    let c = &m.centrality;
    if let Some(model) = rule_model(name) {
        let revenue = &a
            .models
            .iter()
            .find(|r| r.model == model)
            .expect("check_models refused absent models")
            .revenue;
        return Some(float(revenue));
    }
    Some(match name {
        "deals" => int(&m.activity.deals),
        "won_deals" => int(&m.activity.won_deals),
        "win_rate" => m.activity.win_rate.clone(),
        "sourced_revenue" => float(&m.activity.sourced_revenue),
        "influenced_revenue" => float(&m.activity.influenced_revenue),
        "attributed_revenue" => float(&m.activity.attributed_revenue),
        "customers" => int(&m.customers),
        "products" => int(&m.products),
        "cosell_degree" => int(&m.cosell_degree),
        // Written as Int64, read back as f64: the same conversion here.
        "cosell_strength" => all(&m.cosell_strength, |x| x as i64 as f64),
        "pagerank" => float(&m.pagerank),
        "betweenness" => switchable(&c.betweenness),
        "closeness" => switchable(&c.closeness),
        "harmonic" => switchable(&c.harmonic),
        "clustering" => switchable(&c.clustering),
        "core_number" => c.core_number.as_deref().map_or(vec![None; n], int),
        "constraint" => c.constraint.clone().unwrap_or_else(|| vec![None; n]),
        "effective_size" => c.effective_size.clone().unwrap_or_else(|| vec![None; n]),
        "component_size" => (0..n)
            .map(|p| Some(f64::from(m.components.size_of(p))))
            .collect(),
        "max_customer_overlap" => float(&o.max_customer_overlap),
        "overlapping_partners" => int(&o.overlapping_partners),
        "unique_customers" => int(&o.unique_customers),
        "conflicts" => int(&o.conflicts),
        "potential_influence" => float(&o.potential_influence),
        "reach_loss" => m.reach_loss.clone(),
        "revenue_at_risk" => float(&m.revenue_at_risk),
        "customer_hhi" => m.customer_hhi.clone(),
        _ => return None,
    })
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

    #[test]
    fn every_rule_column_is_read_from_the_metric_results() {
        let n = 2;
        let m = PartnerMetrics {
            activity: crate::metrics::activity::Activity {
                deals: vec![0; n],
                won_deals: vec![0; n],
                win_rate: vec![None; n],
                sourced_revenue: vec![0.0; n],
                influenced_revenue: vec![0.0; n],
                attributed_revenue: vec![0.0; n],
            },
            customers: vec![0; n],
            products: vec![0; n],
            cosell_degree: vec![0; n],
            cosell_strength: vec![0; n],
            pagerank: vec![0.0; n],
            components: crate::metrics::components::Components {
                id: vec![0, 1],
                sizes: vec![1, 1],
            },
            reach_loss: vec![None; n],
            customer_hhi: vec![None; n],
            revenue_at_risk: vec![0.0; n],
            ..Default::default()
        };
        let o = PartnerOverlap {
            max_customer_overlap: vec![0.0; n],
            overlapping_partners: vec![0; n],
            unique_customers: vec![0; n],
            conflicts: vec![0; n],
            potential_influence: vec![0.0; n],
        };
        let a = Attribution {
            models: Model::ALL
                .iter()
                .map(|&model| crate::metrics::attribution::ModelRevenue {
                    model,
                    revenue: vec![0.0; n],
                    rank: vec![1; n],
                })
                .collect(),
            absent: Vec::new(),
            partner_won_revenue: 0.0,
            untimed_deals: None,
            untimed_revenue: None,
        };
        for c in rule_columns() {
            let v = column(&m, &o, &a, &c, n).unwrap_or_else(|| panic!("{c} is not read"));
            assert_eq!(v.len(), n, "{c}");
        }
        assert!(column(&m, &o, &a, "partner_id", n).is_none());
    }
}
