//! Shape parameters of the generated ecosystem, in one place so that tuning the model
//! means editing this file (and the tables of [`super::vocab`]) only.
//!
//! Each constant says what it shapes; the module overview in [`super`] says why.

// Partners and the volume of deals over time.

/// Share of partners in the founding cohort, all joined on the first day.
pub(crate) const FOUNDING_SHARE: f64 = 0.07;
/// Growth factor, quarter over quarter, of the number of partners joining.
pub(crate) const JOIN_GROWTH: f64 = 1.10;
/// Deals per day grow as `(joined partners)^DEAL_GROWTH_EXPONENT` (network effect).
pub(crate) const DEAL_GROWTH_EXPONENT: f64 = 1.2;
/// Relative deal volume on Saturdays and Sundays.
pub(crate) const WEEKEND_FACTOR: f64 = 0.2;
/// Log-normal day-to-day noise of the deal volume.
pub(crate) const DAILY_NOISE_SIGMA: f64 = 0.15;

// Who is on a deal.

/// Share of deals with at least one partner (the rest are direct).
pub(crate) const PARTNER_DEAL_SHARE: f64 = 0.73;
/// Share of partner draws made by preferential attachment; the others pick a joined
/// active partner uniformly (mixed attachment, which tempers the first-mover advantage
/// of the founding cohort while keeping a heavy tail).
pub(crate) const PREFERENTIAL_SHARE: f64 = 0.7;
/// Probability that the lead partner of a partner deal is `sourced`.
pub(crate) const LEAD_SOURCED_PROB: f64 = 0.82;
/// Probability that another partner of a sourced deal is `sourced` too (split credit).
pub(crate) const SECOND_SOURCED_PROB: f64 = 0.07;
/// Probability that a partner deal lists one of its partners twice, with two roles.
pub(crate) const DUPLICATE_PARTNER_PROB: f64 = 0.005;
/// Probability that a lead partner re-teams with its last co-sell partner.
pub(crate) const TEAM_REUSE_PROB: f64 = 0.55;
/// Probability that a lead partner goes back to its last customer.
pub(crate) const CUSTOMER_REUSE_PROB: f64 = 0.45;
/// Probability that a lead partner re-teaming with its last co-sell partner goes back
/// to its last customer (account teams keep working the same accounts).
pub(crate) const RETEAM_CUSTOMER_REUSE_PROB: f64 = 0.85;
/// Probability that a partner deal sells one of the lead partner's own products.
pub(crate) const LEAD_PRODUCT_PROB: f64 = 0.8;
/// Probability that a sourced deal copies customer and product of a recent sourced deal
/// of another partner (a channel conflict).
pub(crate) const CONFLICT_PROB: f64 = 0.02;
/// Conflicts copy a deal created at most this many days earlier (exclusive).
pub(crate) const CONFLICT_WINDOW_DAYS: u32 = 90;

// Empty fields and regions.

/// Probability of an empty customer_id.
pub(crate) const NULL_CUSTOMER_PROB: f64 = 0.005;
/// Probability of an empty product_id.
pub(crate) const NULL_PRODUCT_PROB: f64 = 0.005;
/// Probability of an empty amount.
pub(crate) const NULL_AMOUNT_PROB: f64 = 0.01;
/// Probability that a won deal has an empty stage (null = won), ~1 % of all deals.
pub(crate) const NULL_STAGE_OF_WON_PROB: f64 = 0.03;
/// Probability that a deal is in its customer's region.
pub(crate) const CUSTOMER_REGION_PROB: f64 = 0.92;

// Popularity, amounts, outcomes and sales cycles.

/// Customer popularity: rank `floor(n * U^CUSTOMER_SKEW)`.
pub(crate) const CUSTOMER_SKEW: f64 = 2.0;
/// Product popularity: rank `floor(n * U^PRODUCT_SKEW)`.
pub(crate) const PRODUCT_SKEW: f64 = 1.6;
/// Sigma of the log-normal deal amount.
pub(crate) const AMOUNT_SIGMA: f64 = 1.0;
/// Mean amount multiplier of single-partner deals (over direct deals).
pub(crate) const SINGLE_PARTNER_AMOUNT_FACTOR: f64 = 1.15;
/// Mean amount multiplier of co-sell deals (>= 2 partners).
pub(crate) const COSELL_AMOUNT_FACTOR: f64 = 1.9;
/// Win probability of direct deals.
pub(crate) const WIN_RATE_DIRECT: f64 = 0.24;
/// Win probability of single-partner deals (plus the lead's tier bonus).
pub(crate) const WIN_RATE_SINGLE: f64 = 0.33;
/// Win probability of co-sell deals (plus the lead's tier bonus).
pub(crate) const WIN_RATE_COSELL: f64 = 0.41;
/// Shortest sales cycle, days from created_at to closed_at.
pub(crate) const MIN_CYCLE_DAYS: u32 = 10;
/// Longest sales cycle.
pub(crate) const MAX_CYCLE_DAYS: u32 = 180;
/// Partner deals close faster: their cycle beyond the minimum is scaled by this.
pub(crate) const PARTNER_CYCLE_FACTOR: f64 = 0.8;
