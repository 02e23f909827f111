//! Revenue concentration (contract §3 `diversification`, §4; partner_metrics
//! `customer_hhi`): are we dangerously dependent on a few partners, one region, one
//! product, one customer?
//!
//! One row per dimension, in this order, each the [`concentration`] of the positive
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
//! inside [`concentration`]), so results are bit-identical for any thread count.
//! Complexity: O(deals + links + k log k) for the table, O(links log) for customer_hhi
//! (each partner sorts its own won deals by customer; parallel over partners, pull).
//!
//! For a partner manager: a partner with customer_hhi near 1 lives off one account; the
//! table says whether the whole ecosystem does.

pub mod concentration;

use rayon::prelude::*;
use std::collections::BTreeMap;

pub use concentration::{concentration, Concentration};

use crate::build::GraphSet;
use crate::schema::Stage;
use crate::validate::NULL;

/// Dimension names, in output order.
pub const DIMENSIONS: [&str; 5] = ["partner", "partner_type", "region", "product", "customer"];

/// One row of the `diversification` table.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionRow {
    pub dimension: &'static str,
    pub concentration: Concentration,
}

/// Computes the table, one row per entry of [`DIMENSIONS`].
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

/// `customer_hhi` per partner (module doc), indexed by partner.
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
