//! `cosell_degree` (neighbours in G) is a CSR row length; `cosell_strength` is the sum
//! of incident weights w(p, q), i.e. co-sell deal-partner pairings (contract §3).

use rayon::prelude::*;

use crate::build::Csr;

/// Sum of incident edge weights per node, exact in integers. O(m).
pub fn strength(g: &Csr) -> Vec<u64> {
    (0..g.rows())
        .into_par_iter()
        .map(|p| g.row_weights(p).iter().map(|&w| u64::from(w)).sum())
        .collect()
}
