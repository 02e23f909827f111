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
use crate::graph::{Csr, GraphSet};
use crate::schema::Stage;
use crate::vocab::NULL;

/// `unique_customers` of every partner: how many of its customers no other partner
/// reaches, `|{c ∈ customers(p) : partners(c) = {p}}|`.
///
/// For a partner manager: the accounts only this partner brings, the ones you would lose
/// with it.
///
/// # Arguments
/// * `customers`: the partner x customer incidence with its transpose
///   ([`Incidence::new`] on [`GraphSet::partner_customers`]).
///
/// # Returns
/// * The count for each partner, indexed like the incidence's rows.
///
/// # Complexity
/// * Time complexity: **O(n + L)**; auxiliary space **O(n)** for the result.
///
/// where **n** is the number of partners and **L** the partner-customer links.
///
/// Reference: contract §3 `unique_customers` (the exclusive accounts of account mapping);
/// checked against a pandas reference in `tests/overlap_fixtures.rs`.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::overlap::{pairs::Incidence, partner::unique_customers, OverlapParams};
/// // Partner 0 reaches customers 0 and 1, partner 1 customers 1 and 2, partner 2 none.
/// let key = |p: u64, c: u64| (p << 32) | c;
/// let rows = Csr::from_sorted_keys(3, &[key(0, 0), key(0, 1), key(1, 1), key(1, 2)]);
/// let customers = Incidence::new(&rows, 3, &OverlapParams::all_pairs()).unwrap();
/// // Customer 1 is shared; 0 is partner 0's alone, 2 partner 1's alone.
/// assert_eq!(unique_customers(&customers), vec![1, 1, 0]);
/// ```
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

/// `potential_influence` of every partner: the total amount of the open deals on
/// customers it already reaches (through any deal, any stage) and on which it is not a
/// partner, `Σ amount_d` over those deals d.
///
/// For a partner manager: open pipeline this partner could help close because it already
/// knows the account.
///
/// # Arguments
/// * `g`: the graphs of a validated input ([`crate::graph::build`]).
///
/// # Returns
/// * The amount for each partner, indexed by partner index (id order); 0.0 when none.
///
/// # Complexity
/// * Time complexity: **O(m log m + Σ_c |partners(c)| · |open(c)| · log k)**.
/// * Auxiliary space: **O(m)** (the open deals by customer).
///
/// where **m** is the number of deals, **open(c)** the open deals on customer c and **k**
/// the most partners on one deal.
///
/// Reference: Crossbeam's "potential influence" (contract §3); checked against a pandas
/// reference in `tests/overlap_fixtures.rs`.
///
/// # Example
/// ```rust
/// use ecograph::metrics::overlap::partner::potential_influence;
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
/// // Open deals on C1: D2 (200, partner C) and D4 (400, partner B).
/// // A knows C1 and is on neither: 600; B is on D4: 200; C is on D2: 400.
/// assert_eq!(potential_influence(&g), vec![600.0, 200.0, 400.0]);
/// ```
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
