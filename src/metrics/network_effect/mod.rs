//! Network effect and resilience: does the ecosystem get more valuable as it grows, or
//! just bigger (`growth`), and what breaks if a partner leaves (`reach_loss`,
//! `resilience`)?
//!
//! - [`growth`]: the `network_growth` table per calendar quarter and the summary's
//!   `growth` fits (densification and revenue exponents, best growth law);
//! - [`reach_loss`]: per partner, exact, by articulation points in linear time;
//! - [`resilience`]: targeted and random removal curves by union-find.

pub mod growth;
pub mod reach_loss;
pub mod resilience;

use crate::graph::GraphSet;
use crate::metrics::diversification::{self, DimensionRow};

/// The family's ecosystem-level results (reach_loss is a partner_metrics column).
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkEffect {
    /// The `network_growth` table, one entry per quarter.
    pub growth: growth::GrowthTable,
    /// The summary's `growth` fits of that table.
    pub fits: growth::GrowthFits,
    /// The `resilience` table: the `targeted` curve, then the `random` one.
    pub resilience: Vec<resilience::ResiliencePoint>,
}

/// Everything this family and diversification add to a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// partner_metrics `reach_loss`, per partner.
    pub reach_loss: Vec<Option<f64>>,
    /// partner_metrics `customer_hhi`, per partner.
    pub customer_hhi: Vec<Option<f64>>,
    /// The `diversification` table.
    pub diversification: Vec<DimensionRow>,
    /// `network_growth`, the summary's `growth` fits and `resilience`.
    pub network_effect: NetworkEffect,
}

/// Computes the growth table, its fits, the resilience curves, reach_loss, customer_hhi
/// and the diversification table (`attributed_revenue` per partner from activity). The
/// independent parts run side by side; each is deterministic on its own.
pub fn family(
    g: &GraphSet,
    attributed_revenue: &[f64],
    params: &resilience::ResilienceParams,
) -> Family {
    let ((reach_loss, customer_hhi), (table, (resilience, diversification))) = rayon::join(
        || {
            rayon::join(
                || reach_loss::reach_loss(&g.cosell),
                || diversification::customer_hhi(g),
            )
        },
        || {
            rayon::join(
                || growth::network_growth(g),
                || {
                    rayon::join(
                        || resilience::resilience(&g.cosell, params),
                        || diversification::diversification(g, attributed_revenue),
                    )
                },
            )
        },
    );
    Family {
        reach_loss,
        customer_hhi,
        diversification,
        network_effect: NetworkEffect {
            fits: growth::fits(&table),
            growth: table,
            resilience,
        },
    }
}
