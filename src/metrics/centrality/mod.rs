//! Centrality on the co-sell network: who holds the co-selling network together.

pub mod degree;
pub mod pagerank;
