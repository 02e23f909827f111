//! The attribution models' names and parameters: the words the config and the metrics
//! share (`[attribution]` in the config, `<model>_revenue` in the outputs).
//!
//! They live on the ground floor so that the config can resolve `[attribution]` and
//! `[[tiers]]` without depending on the metrics that use them; the models themselves,
//! with their formulas, complexity and what they mean for a partner manager, are in
//! [`crate::metrics::attribution`], which re-exports everything here.

use crate::schema::Role;

/// An attribution model ([`crate::metrics::attribution`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Model {
    /// Each partner of a deal gets the same share.
    Even,
    /// Shares by the weight of each partner's role.
    RoleWeighted,
    /// All to the first partner to touch the deal.
    FirstTouch,
    /// All to the last partner to touch the deal.
    LastTouch,
    /// 40 % first, 40 % last, 20 % shared by the partners in between.
    UShaped,
    /// More to the partners who touched the deal closer to its close.
    TimeDecay,
}

impl Model {
    /// Every model, in output order.
    pub const ALL: [Model; 6] = [
        Model::Even,
        Model::RoleWeighted,
        Model::FirstTouch,
        Model::LastTouch,
        Model::UShaped,
        Model::TimeDecay,
    ];

    /// The model's name in the outputs and the config.
    pub fn name(self) -> &'static str {
        match self {
            Model::Even => "even",
            Model::RoleWeighted => "role_weighted",
            Model::FirstTouch => "first_touch",
            Model::LastTouch => "last_touch",
            Model::UShaped => "u_shaped",
            Model::TimeDecay => "time_decay",
        }
    }

    /// The model of a name, if it is one.
    pub fn from_name(name: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether the model orders partners by their touch (needs `touched_at`).
    pub fn needs_touch(self) -> bool {
        !matches!(self, Model::Even | Model::RoleWeighted)
    }
}

/// The weight of each role for `role_weighted` (`[attribution.role_weights]`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RoleWeights {
    /// The partner brought the deal in.
    pub sourced: f64,
    /// The partner sold it jointly with the vendor.
    pub co_sell: f64,
    /// The partner delivered what it sold.
    pub fulfilled: f64,
    /// The partner helped on it.
    pub influenced: f64,
    /// The partner referred the customer.
    pub referral: f64,
}

impl Default for RoleWeights {
    fn default() -> Self {
        RoleWeights {
            sourced: 0.5,
            co_sell: 0.3,
            fulfilled: 0.1,
            influenced: 0.05,
            referral: 0.05,
        }
    }
}

impl RoleWeights {
    /// The weight of one role.
    pub fn of(&self, role: Role) -> f64 {
        match role {
            Role::Sourced => self.sourced,
            Role::CoSell => self.co_sell,
            Role::Fulfilled => self.fulfilled,
            Role::Influenced => self.influenced,
            Role::Referral => self.referral,
        }
    }

    /// The largest weight among a set of roles ([`Role::bit`] flags); 0 for none.
    pub fn of_set(&self, roles: u8) -> f64 {
        Role::WORDS
            .iter()
            .filter(|(_, r)| roles & r.bit() != 0)
            .map(|&(_, r)| self.of(r))
            .fold(0.0, f64::max)
    }
}

/// The largest role weight the config accepts (`[attribution.role_weights]`).
///
/// Weights are relative (each partner's is divided by the sum on its deal), so only
/// their ratios matter: 10^6 leaves room for weights written as fractions, percentages
/// or per-mille with six orders of magnitude between the largest and a small one,
/// while the sum on a deal of `u32::MAX` partners stays below 4.3e15, far from
/// overflowing (a weight of 1e308 made that sum infinite and every share NaN).
pub const MAX_ROLE_WEIGHT: f64 = 1e6;

/// The longest `time_decay` half-life the config accepts, in days (about 2,700 years:
/// every touch of any real deal then weighs the same, as with any longer one).
pub const MAX_HALF_LIFE_DAYS: f64 = 1e6;

/// Parameters of the attribution models (`[attribution]` in the config).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct AttributionParams {
    /// Weights of `role_weighted`.
    pub role_weights: RoleWeights,
    /// Half-life of `time_decay`, in days (> 0).
    pub half_life_days: f64,
}

impl Default for AttributionParams {
    fn default() -> Self {
        AttributionParams {
            role_weights: RoleWeights::default(),
            half_life_days: 7.0,
        }
    }
}
