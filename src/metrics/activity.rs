//! Partner activity and revenue attribution (contract §3, partner_metrics).
//!
//! For a partner p, over the distinct deals it is on:
//! - `deals`, `won_deals`; `win_rate = won / (won + lost)`, null when none closed;
//! - `sourced_revenue = Σ_{won d, p sourced on d} amount_d / |sourced partners on d|`;
//! - `influenced_revenue = Σ_{won d, p on d, not sourced} amount_d`;
//! - `attributed_revenue = Σ_{won d} amount_d / |partners on d|`, which splits every
//!   won partner deal exactly once, so the column sums to the won revenue of partner deals.
//!
//! For a partner manager: sourced is what the partner brought in, influenced what it
//! touched, attributed its fair share of the total. Pull design: each partner sums its
//! own deals in deal order, so the result does not depend on the thread count. O(links).

use rayon::prelude::*;

use crate::graph::GraphSet;
use crate::schema::Stage;

/// The activity and revenue columns of `partner_metrics`, one entry per partner, indexed
/// by partner index (id order). Amounts are in the input's currency unit, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Activity {
    /// `deals`: distinct deals the partner is on, any stage.
    pub deals: Vec<u32>,
    /// `won_deals`: of those, the won ones.
    pub won_deals: Vec<u32>,
    /// `win_rate`: won / (won + lost), in 0..=1; `None` (null) while none of its deals
    /// has closed.
    pub win_rate: Vec<Option<f64>>,
    /// `sourced_revenue`: won deals where the partner is `sourced`, each amount split
    /// evenly between the deal's sourcing partners.
    pub sourced_revenue: Vec<f64>,
    /// `influenced_revenue`: the full amount of every won deal the partner is on without
    /// sourcing it (so it does not add up across partners).
    pub influenced_revenue: Vec<f64>,
    /// `attributed_revenue`: each won deal split evenly over all its partners; sums to the
    /// won revenue of partner deals.
    pub attributed_revenue: Vec<f64>,
}

struct Row {
    deals: u32,
    won: u32,
    win_rate: Option<f64>,
    sourced: f64,
    influenced: f64,
    attributed: f64,
}

/// Activity and revenue attribution of every partner, over the distinct deals it is on
/// (formulas in the module doc). Each partner sums its own deals in deal order, so the
/// result does not depend on the thread count; O(deal-partner links).
pub fn compute(g: &GraphSet) -> Activity {
    let m = g.n_deals();
    // Sourced partners per deal.
    let n_sourced: Vec<u32> = (0..m)
        .into_par_iter()
        .map(|d| {
            let r = g.deal_partners.offsets[d]..g.deal_partners.offsets[d + 1];
            r.filter(|&link| g.is_sourced(link)).count() as u32
        })
        .collect();
    let rows: Vec<Row> = (0..g.n_partners())
        .into_par_iter()
        .map(|p| {
            let mut row = Row {
                deals: 0,
                won: 0,
                win_rate: None,
                sourced: 0.0,
                influenced: 0.0,
                attributed: 0.0,
            };
            let mut lost = 0u32;
            for &d in g.partner_deals.row(p) {
                let d = d as usize;
                row.deals += 1;
                match g.deals.stage[d] {
                    Stage::Lost => lost += 1,
                    Stage::Open => {}
                    Stage::Won => {
                        row.won += 1;
                        let amount = g.deals.amount[d];
                        let members = g.deal_partners.row(d);
                        row.attributed += amount / members.len() as f64;
                        let pos = members
                            .binary_search(&(p as u32))
                            .expect("p is on its own deal");
                        if g.is_sourced(g.deal_partners.offsets[d] + pos) {
                            row.sourced += amount / f64::from(n_sourced[d]);
                        } else {
                            row.influenced += amount;
                        }
                    }
                }
            }
            let closed = row.won + lost;
            row.win_rate = (closed > 0).then(|| f64::from(row.won) / f64::from(closed));
            row
        })
        .collect();
    Activity {
        deals: rows.iter().map(|r| r.deals).collect(),
        won_deals: rows.iter().map(|r| r.won).collect(),
        win_rate: rows.iter().map(|r| r.win_rate).collect(),
        sourced_revenue: rows.iter().map(|r| r.sourced).collect(),
        influenced_revenue: rows.iter().map(|r| r.influenced).collect(),
        attributed_revenue: rows.iter().map(|r| r.attributed).collect(),
    }
}
