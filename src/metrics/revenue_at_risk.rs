//! Revenue at risk: the won revenue that hangs on one partner alone.
//!
//! For partner p:
//!
//!   revenue_at_risk_p = Σ amount_d over won deals d with P_d = {p}
//!                     + Σ amount_d over won direct deals d (P_d = ∅) whose customer is
//!                       one of p's unique customers,
//!
//! where a unique customer of p is one reached through the deals (any stage) of p and of
//! no other partner (`unique_customers` in partner_metrics). A won partner deal at a
//! unique customer has p as its only partner, so it is in the first sum already; each
//! deal counts once.
//!
//! For a partner manager: what leaving would put at stake, beside `reach_loss` (what it
//! would cut in the co-selling network): the deals nobody else worked on, and the
//! direct business at the accounts only this partner reaches.
//!
//! O(deals + links); each partner's deals are summed in deal order (a pull per partner),
//! so the result does not depend on the thread count.

use rayon::prelude::*;

use crate::graph::GraphSet;
use crate::schema::Stage;
use crate::vocab::NULL;

/// No partner, or more than one, reaches the customer.
const SHARED: u32 = u32::MAX;

/// `revenue_at_risk` per partner index (formula in the module doc).
pub fn revenue_at_risk(g: &GraphSet) -> Vec<f64> {
    // The one partner reaching each customer, or SHARED.
    let mut owner = vec![SHARED; g.customers.len()];
    let mut seen = vec![0u8; g.customers.len()];
    for p in 0..g.n_partners() {
        for &c in g.partner_customers.row(p) {
            let c = c as usize;
            seen[c] = seen[c].saturating_add(1);
            owner[c] = if seen[c] == 1 { p as u32 } else { SHARED };
        }
    }
    // Won direct deals per unique-customer owner, in deal order.
    let mut direct: Vec<Vec<u32>> = vec![Vec::new(); g.n_partners()];
    for d in 0..g.n_deals() {
        let c = g.deals.customer[d];
        if g.deals.stage[d] == Stage::Won && g.deal_partners.degree(d) == 0 && c != NULL {
            let o = owner[c as usize];
            if o != SHARED {
                direct[o as usize].push(d as u32);
            }
        }
    }
    (0..g.n_partners())
        .into_par_iter()
        .map(|p| {
            // Summed from +0.0: `Iterator::sum` of f64 starts at -0.0, so a partner
            // with nothing at risk read `-0` in every output.
            let alone = g
                .partner_deals
                .row(p)
                .iter()
                .map(|&d| d as usize)
                .filter(|&d| g.deals.stage[d] == Stage::Won && g.deal_partners.degree(d) == 1)
                .fold(0.0, |s, d| s + g.deals.amount[d]);
            let at_unique_customers = direct[p]
                .iter()
                .fold(0.0, |s, &d| s + g.deals.amount[d as usize]);
            alone + at_unique_customers
        })
        .collect()
}
