//! The review's alert settings a config may change (`[alerts]`), resolved by the config
//! and recorded in the summary; the rules themselves are declared in
//! [`crate::export::alerts`].

use serde::{Deserialize, Serialize};

/// Shared customers a pair needs besides the jaccard to be a near-duplicate (the
/// default of `[alerts] near_duplicate_min_shared`). Two partners with one customer each,
/// the same one, have a jaccard of 1 and say nothing: on the demo, a generated 10,000
/// partner ecosystem and a real co-investment network (9,681 of its 9,740 pairs at
/// jaccard 0.9 or more share exactly one company), the pairs of high jaccard are almost
/// all such coincidences. At five shared customers and a jaccard of 0.9, each partner
/// has five or six customers and nearly all are the other's: a pattern in two books of
/// business, not one account that happens to be in both.
pub const NEAR_DUPLICATE_MIN_SHARED: u64 = 5;
/// The largest `near_duplicate_min_shared` a config may set.
pub const MAX_NEAR_DUPLICATE_MIN_SHARED: u64 = 1_000_000;

/// The alert settings a config may change (`[alerts]`), recorded in the summary's
/// `parameters.alerts` so that a results folder read back is judged as it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSettings {
    /// Shared customers a near-duplicate pair needs ([`NEAR_DUPLICATE_MIN_SHARED`]).
    pub near_duplicate_min_shared: u64,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            near_duplicate_min_shared: NEAR_DUPLICATE_MIN_SHARED,
        }
    }
}

impl AlertSettings {
    /// Threshold `name` of a rule: the setting's value where the config can change it,
    /// else the declared one.
    pub(crate) fn threshold(&self, name: &str, declared: f64) -> f64 {
        match name {
            "near_duplicate_min_shared" => self.near_duplicate_min_shared as f64,
            _ => declared,
        }
    }
}
