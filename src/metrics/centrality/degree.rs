//! `cosell_degree` (neighbours in G) is a CSR row length; `cosell_strength` is the sum
//! of incident weights w(p, q), i.e. co-sell deal-partner pairings (contract §3).

use rayon::prelude::*;

use crate::graph::Csr;

/// Co-sell strength of every partner: the sum of the weights of its co-sell ties, i.e.
/// the number of (deal, other partner) pairings it co-sold with (`cosell_strength`),
/// exact in integers. Its plain degree (`cosell_degree`) is [`Csr::degree`].
///
/// For a partner manager: how much co-selling a partner does, counting a partner it
/// shares five deals with five times.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric, weight = shared deals.
///
/// # Returns
/// * `Σ_q w(p, q)` for each partner p, indexed like `g`'s rows (0 for isolated ones).
///
/// # Complexity
/// * Time complexity: **O(n + m)**.
/// * Auxiliary space: **O(n)** for the result.
///
/// where **n** is the number of partners and **m** the number of co-sell edges.
///
/// Reference: weighted degree ("strength"), Barrat, Barthélemy, Pastor-Satorras &
/// Vespignani 2004, PNAS 101(11); NetworkX `G.degree(weight="weight")`.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::degree::strength;
/// // a - b on 2 shared deals, b - c on 3: b co-sold 5 times, with 2 partners.
/// let g = Csr::symmetric_from_sorted_edges(3, &[(0, 1, 2), (1, 2, 3)]);
/// assert_eq!(strength(&g), vec![2, 5, 3]);
/// assert_eq!(g.degree(1), 2);
/// ```
pub fn strength(g: &Csr) -> Vec<u64> {
    (0..g.rows())
        .into_par_iter()
        .map(|p| g.row_weights(p).iter().map(|&w| u64::from(w)).sum())
        .collect()
}
