//! The partner program in the config: `[[tiers]]` (each tier's qualification rules on
//! partner_metrics columns) and `[attribution]` (role weights, time-decay half-life),
//! as written and checked into the metric parameters.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One `[[tiers]]` entry as written: its name, and every other key a rule on a
/// partner_metrics column (or `<model>_revenue`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct TierConfig {
    /// The tier's name, as the partners table's `tier` says it.
    pub name: String,
    /// column -> its bounds.
    #[serde(flatten)]
    pub rules: BTreeMap<String, RuleConfig>,
}

/// A tier rule's bounds as written: `{ min = 10 }`, `{ max = 3 }` or both.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Met when the value is at least this.
    pub min: Option<f64>,
    /// Met when the value is at most this.
    pub max: Option<f64>,
}

/// A config number as a message shows it: as written for ordinary ones, with an
/// exponent when too large to read in full (`1e308`, not 309 digits).
pub(super) fn short(v: f64) -> String {
    if v.abs() >= 1e16 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// `[[tiers]]`, checked: names unique and non-empty, columns known, bounds numbers.
pub(super) fn resolve_tiers(
    tiers: &[TierConfig],
) -> std::result::Result<Vec<crate::vocab::tiers::Tier>, String> {
    use crate::vocab::tiers::{rule_columns, Bound, Rule, Tier, MAX_THRESHOLD};
    let allowed = rule_columns();
    let mut out: Vec<Tier> = Vec::new();
    for t in tiers {
        if t.name.trim().is_empty() {
            return Err("[[tiers]]: every tier needs a name (name = \"gold\")".into());
        }
        if out.iter().any(|o| o.name == t.name) {
            return Err(format!("[[tiers]] \"{}\" is listed twice", t.name));
        }
        let mut rules = Vec::new();
        for (column, r) in &t.rules {
            if !allowed.contains(column) {
                let models: Vec<&str> = crate::vocab::attribution::Model::ALL
                    .iter()
                    .map(|m| m.name())
                    .collect();
                // Not allowed, so not a partner_metrics column: `x_revenue` names a model.
                return Err(match column.strip_suffix("_revenue") {
                    Some(model) => format!(
                        "[[tiers]] {}: unknown attribution model \"{model}\" in {column} (models: {})",
                        t.name,
                        models.join(", ")
                    ),
                    None => format!(
                        "[[tiers]] {}: unknown rule column \"{column}\" (a numeric partner_metrics column or <model>_revenue: {})",
                        t.name,
                        allowed.join(", ")
                    ),
                });
            }
            if r.min.is_none() && r.max.is_none() {
                return Err(format!(
                    "[[tiers]] {}: the rule on {column} needs min or max ({column} = {{ min = 10 }})",
                    t.name
                ));
            }
            for (bound, v) in [(Bound::Min, r.min), (Bound::Max, r.max)] {
                if let Some(v) = v {
                    if !v.is_finite() {
                        return Err(format!(
                            "[[tiers]] {}: {column} {} = {v} is not a number",
                            t.name,
                            bound.word()
                        ));
                    }
                    if v.abs() > MAX_THRESHOLD {
                        return Err(format!(
                            "[[tiers]] {}: {column} {} = {} is beyond ±{MAX_THRESHOLD:e}, which no partner_metrics value can reach",
                            t.name,
                            bound.word(),
                            short(v)
                        ));
                    }
                    rules.push(Rule {
                        column: column.clone(),
                        bound,
                        threshold: v,
                    });
                }
            }
            if let (Some(lo), Some(hi)) = (r.min, r.max)
                && lo > hi
            {
                return Err(format!(
                    "[[tiers]] {}: {column} has min = {lo} above max = {hi}: no partner could meet it",
                    t.name
                ));
            }
        }
        out.push(Tier {
            name: t.name.clone(),
            rules,
        });
    }
    Ok(out)
}

/// `[attribution]` as written; unset keys keep the defaults of
/// [`crate::vocab::attribution::AttributionParams`].
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AttributionConfig {
    /// Half-life of `time_decay`, in days (> 0; default 7).
    pub half_life_days: Option<f64>,
    /// Weight per role for `role_weighted` (each >= 0; normalized over the roles on each
    /// deal).
    #[serde(default)]
    pub role_weights: RoleWeightsConfig,
}

/// `[alerts]` as written: the review's alert settings a program may tune.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertsConfig {
    /// Shared customers a near-duplicate pair needs (at least 1; default
    /// [`crate::vocab::alerts::NEAR_DUPLICATE_MIN_SHARED`]).
    pub near_duplicate_min_shared: Option<i64>,
}

impl AlertsConfig {
    /// The settings, or what is wrong with them.
    pub fn resolve(&self) -> std::result::Result<crate::vocab::alerts::AlertSettings, String> {
        use crate::vocab::alerts::{AlertSettings, MAX_NEAR_DUPLICATE_MIN_SHARED};
        let mut s = AlertSettings::default();
        if let Some(v) = self.near_duplicate_min_shared {
            if !(1..=MAX_NEAR_DUPLICATE_MIN_SHARED as i64).contains(&v) {
                return Err(format!(
                    "[alerts] near_duplicate_min_shared = {v}: it must be a whole number of shared customers from 1 to {}",
                    crate::error::thousands(MAX_NEAR_DUPLICATE_MIN_SHARED)
                ));
            }
            s.near_duplicate_min_shared = v as u64;
        }
        Ok(s)
    }
}

/// `[attribution.role_weights]` as written: one optional weight per contract role.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoleWeightsConfig {
    /// `sourced` (default 0.5).
    pub sourced: Option<f64>,
    /// `co_sell` (default 0.3).
    pub co_sell: Option<f64>,
    /// `fulfilled` (default 0.1).
    pub fulfilled: Option<f64>,
    /// `influenced` (default 0.05).
    pub influenced: Option<f64>,
    /// `referral` (default 0.05).
    pub referral: Option<f64>,
}

impl AttributionConfig {
    /// The parameters, or what is wrong with them.
    pub fn resolve(
        &self,
    ) -> std::result::Result<crate::vocab::attribution::AttributionParams, String> {
        use crate::vocab::attribution::{MAX_HALF_LIFE_DAYS, MAX_ROLE_WEIGHT};
        let mut p = crate::vocab::attribution::AttributionParams::default();
        if let Some(h) = self.half_life_days {
            if !(h.is_finite() && h > 0.0 && h <= MAX_HALF_LIFE_DAYS) {
                return Err(format!(
                    "[attribution] half_life_days = {}: the half-life must be a number of days above 0 and at most {MAX_HALF_LIFE_DAYS:e}",
                    short(h)
                ));
            }
            p.half_life_days = h;
        }
        let w = &self.role_weights;
        for (role, value, slot) in [
            ("sourced", w.sourced, &mut p.role_weights.sourced),
            ("co_sell", w.co_sell, &mut p.role_weights.co_sell),
            ("fulfilled", w.fulfilled, &mut p.role_weights.fulfilled),
            ("influenced", w.influenced, &mut p.role_weights.influenced),
            ("referral", w.referral, &mut p.role_weights.referral),
        ] {
            if let Some(v) = value {
                if !(v.is_finite() && (0.0..=MAX_ROLE_WEIGHT).contains(&v)) {
                    return Err(format!(
                        "[attribution.role_weights] {role} = {}: a weight must be a number of at least 0 and at most {MAX_ROLE_WEIGHT:e} (weights are relative: only their ratios on a deal matter)",
                        short(v)
                    ));
                }
                *slot = v;
            }
        }
        Ok(p)
    }
}
