//! Per-partner columns of the overlap family that need no pair list.
//!
//! - `unique_customers(p) = |{c ∈ customers(p) : partners(c) = {p}}|`: customers no
//!   other partner reaches (contract §3). O(nnz). For a partner manager: the accounts
//!   only this partner brings, the ones you would lose with it.
//! - `potential_influence(p) = Σ amount_d` over open deals d whose customer p already
//!   reaches (through any deal, any stage) and on which p is not a partner (contract §3,
//!   Crossbeam's "potential influence"). Pull design: each partner sums its own
//!   customers' open deals in (customer, deal) index order, so the result does not depend
//!   on the thread count. O(Σ_c |partners(c)| · |open deals(c)| · log) time, O(open
//!   deals) extra memory. For a partner manager: open pipeline this partner could help
//!   close because it already knows the account.

use rayon::prelude::*;

use super::pairs::Incidence;
use crate::build::{Csr, GraphSet};
use crate::schema::Stage;
use crate::validate::NULL;

pub fn unique_customers(customers: &Incidence) -> Vec<u32> {
    (0..customers.partners())
        .into_par_iter()
        .map(|p| {
            customers
                .rows
                .row(p)
                .iter()
                .filter(|&&c| !customers.shared(c as usize))
                .count() as u32
        })
        .collect()
}

/// customer -> its open deals (ascending).
fn open_deals_by_customer(g: &GraphSet) -> Csr {
    let mut keys: Vec<u64> = (0..g.n_deals())
        .filter(|&d| g.deals.stage[d] == Stage::Open && g.deals.customer[d] != NULL)
        .map(|d| (u64::from(g.deals.customer[d]) << 32) | d as u64)
        .collect();
    keys.sort_unstable();
    // Deal customer codes index `g.customers` (build renumbers them).
    Csr::from_sorted_keys(g.customers.len(), &keys)
}

pub fn potential_influence(g: &GraphSet) -> Vec<f64> {
    let open = open_deals_by_customer(g);
    (0..g.n_partners())
        .into_par_iter()
        .map(|p| {
            let mut sum = 0.0;
            for &c in g.partner_customers.row(p) {
                for &d in open.row(c as usize) {
                    let d = d as usize;
                    if g.deal_partners.row(d).binary_search(&(p as u32)).is_err() {
                        sum += g.deals.amount[d];
                    }
                }
            }
            sum
        })
        .collect()
}
