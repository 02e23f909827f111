//! Revenue concentration (contract §3 `diversification`, §4; partner_metrics
//! `customer_hhi`): are we dangerously dependent on a few partners, one region, one
//! product, one customer?
//!
//! One row per dimension, in this order, each the [`concentration()`] of the positive
//! values of its entities:
//! - `partner`: each partner's attributed_revenue;
//! - `partner_type`: attributed_revenue summed by the partner's partner_type; partners
//!   with a null partner_type are left out (contract §4: entities with a null key are
//!   left out), so this row covers only typed partners;
//! - `region`, `product`, `customer`: won revenue of all won deals (direct ones included)
//!   grouped by the deal's own region / product_id / customer_id; deals with a null key
//!   are left out.
//!
//! Per partner, `customer_hhi` = Σ_c (A_c / A)², where A_c is the full amount of the won
//! deals the partner is on with customer c and A = Σ_c A_c. Null when the partner has no
//! won deal (§4); decided here: won deals with a null customer_id are left out (a null key
//! is no entity, as in the `customer` row), and customer_hhi is also null when the
//! partner's won deals with a customer all have amount 0 (no share is defined).
//!
//! Sums run in a fixed order (deal order into per-entity totals, then ascending value
//! inside [`concentration()`]), so results are bit-identical for any thread count.
//! Complexity: O(deals + links + k log k) for the table, O(links log) for customer_hhi
//! (each partner sorts its own won deals by customer; parallel over partners, pull).
//!
//! For a partner manager: a partner with customer_hhi near 1 lives off one account; the
//! table says whether the whole ecosystem does.

pub mod concentration;

use rayon::prelude::*;
use std::collections::BTreeMap;

pub use concentration::{concentration, Concentration};

use crate::graph::GraphSet;
use crate::schema::Stage;
use crate::vocab::NULL;

/// Dimension names, in output order.
pub const DIMENSIONS: [&str; 5] = ["partner", "partner_type", "region", "product", "customer"];

/// One row of the `diversification` table.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionRow {
    /// `dimension`: what the revenue is grouped by, one of [`DIMENSIONS`].
    pub dimension: &'static str,
    /// The row's other columns (`entities` .. `top5_share`); every measure null when no
    /// entity of the dimension has positive revenue.
    pub concentration: Concentration,
}

/// The `diversification` table: the [`concentration()`] of revenue across partners, partner
/// types, regions, products and customers, one row per entry of [`DIMENSIONS`], in that
/// order. Partners and partner types use each partner's attributed revenue; regions,
/// products and customers the won revenue of all won deals grouped by the deal's own key
/// (rules in the module doc).
///
/// For a partner manager: whether the ecosystem lives off a few partners, one region, one
/// product or one customer.
///
/// # Arguments
/// * `g`: the graphs of a validated input ([`crate::graph::build`]).
/// * `attributed_revenue`: each partner's attributed revenue, indexed by partner index
///   ([`Activity::attributed_revenue`](crate::metrics::activity::Activity::attributed_revenue)).
///
/// # Returns
/// * Five [`DimensionRow`]s (`partner`, `partner_type`, `region`, `product`, `customer`);
///   a dimension with no positive value has 0 entities and every measure `None`.
///
/// # Complexity
/// * Time complexity: **O(n log t + m + k log k)**.
/// * Auxiliary space: **O(t + k)**.
///
/// where **n** is the number of partners, **t** the partner types, **m** the deals and
/// **k** the largest number of entities of one dimension (regions, products, customers).
///
/// Reference: Herfindahl-Hirschman index, Shannon entropy and Gini per dimension, as
/// [`concentration()`] cites.
///
/// # Example
/// ```rust
/// use ecograph::metrics::{activity, diversification::diversification};
/// use ecograph::{graph, config::Settings, validate};
/// # let dir = tempfile::tempdir().unwrap();
/// # let table = |name: &str, csv: &str| std::fs::write(dir.path().join(name), csv).unwrap();
/// // An input folder in contract form (`table` writes one CSV file of it).
/// // Partners A, B, C (indices 0, 1, 2); deals D1..D4 (0..3); customers C1, C2 (0, 1).
/// table("partners.csv", "partner_id,partner_type\nA,reseller\nB,isv\nC,reseller\n");
/// table(
///     "deals.csv",
///     "deal_id,customer_id,product_id,amount,stage,created_at\n\
///      D1,C1,X,300,won,2024-01-10\n\
///      D2,C1,X,200,open,2024-01-20\n\
///      D3,C2,Y,100,won,2024-04-05\n\
///      D4,C1,Y,400,open,2024-05-01\n",
/// );
/// table(
///     "deal_partners.csv",
///     "deal_id,partner_id,role\nD1,A,sourced\nD1,B,influenced\nD2,C,sourced\n\
///      D3,A,sourced\nD4,B,sourced\n",
/// );
/// let tables = validate::load_and_validate(dir.path(), &Settings::contract(), false).unwrap();
/// let g = graph::build(tables);
/// // Won: D1 (C1, X, 300; A and B: 150 each) and D3 (C2, Y, 100; A).
/// let revenue = activity::compute(&g).attributed_revenue;
/// assert_eq!(revenue, vec![250.0, 150.0, 0.0]);
/// let rows = diversification(&g, &revenue);
/// let hhi: Vec<(&str, Option<f64>)> = rows
///     .iter()
///     .map(|r| (r.dimension, r.concentration.hhi))
///     .collect();
/// assert_eq!(
///     hhi,
///     vec![
///         ("partner", Some(0.53125)),      // (5/8)² + (3/8)²
///         ("partner_type", Some(0.53125)), // reseller 250 (A + C), isv 150
///         ("region", None),                // no deal has a region
///         ("product", Some(0.625)),        // X 300, Y 100
///         ("customer", Some(0.625)),       // C1 300, C2 100
///     ]
/// );
/// ```
pub fn diversification(g: &GraphSet, attributed_revenue: &[f64]) -> Vec<DimensionRow> {
    // Partner types summed in partner (id) order; BTreeMap for a fixed entity order.
    let mut by_type: BTreeMap<&str, f64> = BTreeMap::new();
    for (t, &r) in g.partners.partner_type.iter().zip(attributed_revenue) {
        if let Some(t) = t {
            *by_type.entry(t.as_str()).or_insert(0.0) += r;
        }
    }
    let by_type: Vec<f64> = by_type.into_values().collect();
    let region = won_revenue_by(g, &g.deals.region, g.regions.len());
    let product = won_revenue_by(g, &g.deals.product, g.products.len());
    let customer = won_revenue_by(g, &g.deals.customer, g.customers.len());
    let values: [&[f64]; 5] = [attributed_revenue, &by_type, &region, &product, &customer];
    DIMENSIONS
        .iter()
        .zip(values)
        .map(|(&dimension, v)| DimensionRow {
            dimension,
            concentration: concentration(v),
        })
        .collect()
}

/// Won revenue per key (deal's own column, [`NULL`] left out), summed in deal order.
fn won_revenue_by(g: &GraphSet, keys: &[u32], n_keys: usize) -> Vec<f64> {
    let mut sums = vec![0.0; n_keys];
    for (d, &k) in keys.iter().enumerate() {
        if k != NULL && g.deals.stage[d] == Stage::Won {
            sums[k as usize] += g.deals.amount[d];
        }
    }
    sums
}

/// `customer_hhi` of every partner: the HHI of its won revenue by customer,
/// `Σ_c (A_c / A)²` with A_c the full amount of the won deals it is on with customer c
/// and A = Σ_c A_c (deals with a null customer_id left out).
///
/// For a partner manager: a partner with customer_hhi near 1 lives off one account.
///
/// # Arguments
/// * `g`: the graphs of a validated input ([`crate::graph::build`]).
///
/// # Returns
/// * The HHI of each partner, indexed by partner index (id order); `None` when it has no
///   won deal with a customer, or when those all have amount 0.
///
/// # Complexity
/// * Time complexity: **O(L log d)**.
/// * Auxiliary space: **O(d)** per thread.
///
/// where **L** is the number of partner-deal links and **d** the most deals of one
/// partner.
///
/// Reference: Herfindahl 1950, Hirschman 1945, per partner (contract §3 `customer_hhi`).
///
/// # Example
/// ```rust
/// use ecograph::metrics::diversification::customer_hhi;
/// use ecograph::{graph, config::Settings, validate};
/// # let dir = tempfile::tempdir().unwrap();
/// # let table = |name: &str, csv: &str| std::fs::write(dir.path().join(name), csv).unwrap();
/// // An input folder in contract form (`table` writes one CSV file of it).
/// // Partners A, B, C (indices 0, 1, 2); deals D1..D4 (0..3); customers C1, C2 (0, 1).
/// table("partners.csv", "partner_id,partner_type\nA,reseller\nB,isv\nC,reseller\n");
/// table(
///     "deals.csv",
///     "deal_id,customer_id,product_id,amount,stage,created_at\n\
///      D1,C1,X,300,won,2024-01-10\n\
///      D2,C1,X,200,open,2024-01-20\n\
///      D3,C2,Y,100,won,2024-04-05\n\
///      D4,C1,Y,400,open,2024-05-01\n",
/// );
/// table(
///     "deal_partners.csv",
///     "deal_id,partner_id,role\nD1,A,sourced\nD1,B,influenced\nD2,C,sourced\n\
///      D3,A,sourced\nD4,B,sourced\n",
/// );
/// let tables = validate::load_and_validate(dir.path(), &Settings::contract(), false).unwrap();
/// let g = graph::build(tables);
/// // A won 300 with C1 (D1) and 100 with C2 (D3): 0.75² + 0.25². B won only D1 (C1).
/// // C won nothing.
/// assert_eq!(customer_hhi(&g), vec![Some(0.625), Some(1.0), None]);
/// ```
pub fn customer_hhi(g: &GraphSet) -> Vec<Option<f64>> {
    (0..g.n_partners())
        .into_par_iter()
        .map_init(Vec::new, |won: &mut Vec<(u32, f64)>, p| {
            won.clear();
            won.extend(
                g.partner_deals
                    .row(p)
                    .iter()
                    .map(|&d| d as usize)
                    .filter(|&d| g.deals.stage[d] == Stage::Won && g.deals.customer[d] != NULL)
                    .map(|d| (g.deals.customer[d], g.deals.amount[d])),
            );
            if won.is_empty() {
                return None;
            }
            // Stable sort: amounts of one customer stay in deal order.
            won.sort_by_key(|&(c, _)| c);
            let mut per_customer: Vec<f64> = Vec::new();
            let mut last = NULL;
            for &(c, a) in won.iter() {
                if c == last {
                    *per_customer.last_mut().expect("pushed for c") += a;
                } else {
                    per_customer.push(a);
                    last = c;
                }
            }
            concentration::hhi(&mut per_customer)
        })
        .collect()
}
