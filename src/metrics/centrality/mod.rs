//! Centrality on the co-sell network: who holds the co-selling network together, who
//! brokers between groups, who sits at its core. One file per measure; each can be
//! switched off with `--metrics` so a run pays only for what it needs.

pub mod betweenness;
pub(crate) mod brandes_batch;
pub mod closeness;
pub mod closeness_sampled;
pub mod core_number;
pub mod degree;
pub mod neighborhood;
pub(crate) mod ordered;
pub mod pagerank;
pub(crate) mod path_sampler;
pub(crate) mod relabel;

// The measures and the selection are vocabulary the run plan and the CLI share with the
// metrics: they live on the ground floor (`crate::vocab::measures`).
pub(crate) use crate::vocab::measures::Measure;
pub use crate::vocab::measures::Selection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_selection() {
        assert_eq!(Selection::parse("all").unwrap(), Selection::all());
        let s = Selection::parse("betweenness, core_number").unwrap();
        assert_eq!(s.names(), vec!["betweenness", "core_number"]);
        let s = Selection::parse("-betweenness,-closeness").unwrap();
        assert!(!s.has(Measure::Betweenness) && s.has(Measure::Harmonic));
        assert!(Selection::parse("pagerankk")
            .unwrap_err()
            .contains("unknown"));
        assert!(Selection::parse("clustering,-closeness").is_err());
        assert_eq!(
            Selection::parse("none").unwrap().names(),
            Vec::<&str>::new()
        );
    }
}
