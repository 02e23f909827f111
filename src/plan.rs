//! The run plan of `analyze`, declared once: every stage in run order, with the name
//! progress, `-v`, `--dry-run` and the summary's `timings_s` show, what it computes,
//! when it runs, and every table, with the stage that writes it. The run
//! ([`crate::pipeline`], [`crate::metrics::compute`]), the export
//! ([`crate::export::tables`]) and the estimate ([`crate::estimate`], whose per-stage
//! memory and time are an exhaustive match on [`Stage`]) all read it, so the three
//! cannot drift apart.

use crate::schema::out;
use crate::vocab::measures::{Measure, Selection};

/// A stage of `analyze`, in run order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Read the input files and check every rule (checksums beside it).
    Load,
    /// Intern ids, build the co-sell network and the incidences.
    Build,
    /// Plan the overlap family: count pairs under the bounds, conflicts, by-type matrix.
    OverlapPlan,
    /// Activity, revenue columns, connected components, the ecosystem counts.
    Activity,
    /// The attribution models.
    Attribution,
    /// Weighted PageRank.
    PageRank,
    /// Betweenness, exact or sampled.
    Betweenness,
    /// Closeness and harmonic, exact or sampled.
    ClosenessHarmonic,
    /// Clustering with constraint and effective size (one pass for the three).
    ClusteringHoles,
    /// Clustering alone (triangle counting).
    Clustering,
    /// Core number.
    CoreNumber,
    /// Louvain communities.
    Communities,
    /// Network growth, reach loss, resilience, diversification, revenue at risk.
    NetworkEffect,
    /// Write the overlap family's tables (pairs streamed as computed).
    OverlapPairs,
    /// Write every other table (tier fits computed just before).
    Export,
    /// Write report.html (`--report`).
    Report,
}

/// One stage's declaration.
#[derive(Debug, Clone, Copy)]
pub struct StageDecl {
    /// The stage.
    pub stage: Stage,
    /// Its name as progress, `-v`, `--dry-run` and `timings_s` show it.
    pub name: &'static str,
    /// What it computes, in a line.
    pub computes: &'static str,
}

const fn decl(stage: Stage, name: &'static str, computes: &'static str) -> StageDecl {
    StageDecl {
        stage,
        name,
        computes,
    }
}

/// Every stage, in run order (the order of [`Stage`]).
pub const STAGES: [StageDecl; 16] = [
    decl(
        Stage::Load,
        "load + validate",
        "read the input files, check every rule, hash them",
    ),
    decl(
        Stage::Build,
        "build graphs",
        "ids, the co-sell network, the incidences",
    ),
    decl(
        Stage::OverlapPlan,
        "overlap + conflicts",
        "pair counts under the bounds, conflicts, by-type matrix",
    ),
    decl(
        Stage::Activity,
        "activity + components",
        "deals, win rate, revenues, components, ecosystem counts",
    ),
    decl(Stage::Attribution, "attribution", "the attribution models"),
    decl(Stage::PageRank, "pagerank", "weighted PageRank"),
    decl(
        Stage::Betweenness,
        "betweenness",
        "betweenness, exact or sampled",
    ),
    decl(
        Stage::ClosenessHarmonic,
        "closeness + harmonic",
        "closeness and harmonic, exact or sampled",
    ),
    decl(
        Stage::ClusteringHoles,
        "clustering + structural holes",
        "clustering, constraint, effective size",
    ),
    decl(Stage::Clustering, "clustering", "clustering alone"),
    decl(Stage::CoreNumber, "core number", "core number"),
    decl(Stage::Communities, "communities", "Louvain communities"),
    decl(
        Stage::NetworkEffect,
        "network effect + diversification",
        "growth, reach loss, resilience, diversification, revenue at risk",
    ),
    decl(
        Stage::OverlapPairs,
        "overlap pairs",
        "the overlap family's tables, pairs streamed",
    ),
    decl(Stage::Export, "export", "tier fits and every other table"),
    decl(Stage::Report, "report", "report.html"),
];

/// When a table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// By every run.
    Always,
    /// When `--metrics` keeps `community`.
    Communities,
    /// With `--skip-invalid`.
    SkipInvalid,
}

/// One output table's declaration: the stage that writes it and when.
#[derive(Debug, Clone, Copy)]
pub struct TableDecl {
    /// The table's name ([`out`]).
    pub name: &'static str,
    /// The stage that writes it.
    pub stage: Stage,
    /// When it is written.
    pub when: When,
}

const fn table(name: &'static str, stage: Stage, when: When) -> TableDecl {
    TableDecl { name, stage, when }
}

/// Every table a run writes, in the order `--dry-run` lists them and, within a stage,
/// the order the stage writes them.
pub const TABLES: [TableDecl; 12] = [
    table(out::PARTNER_METRICS.name, Stage::Export, When::Always),
    table(out::ATTRIBUTION.name, Stage::Export, When::Always),
    table(out::TIER_FIT.name, Stage::Export, When::Always),
    table(out::COSELL_EDGES.name, Stage::Export, When::Always),
    table(out::COMMUNITIES.name, Stage::Export, When::Communities),
    table(out::DIVERSIFICATION.name, Stage::Export, When::Always),
    table(out::NETWORK_GROWTH.name, Stage::Export, When::Always),
    table(out::RESILIENCE.name, Stage::Export, When::Always),
    table(out::OVERLAP_PAIRS.name, Stage::OverlapPairs, When::Always),
    table(out::OVERLAP_BY_TYPE.name, Stage::OverlapPairs, When::Always),
    table(
        out::CHANNEL_CONFLICTS.name,
        Stage::OverlapPairs,
        When::Always,
    ),
    table(out::REJECTED_ROWS.name, Stage::Export, When::SkipInvalid),
];

/// The choices of a run that decide which stages run and which tables are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// The centrality measures computed (`--metrics`).
    pub centrality: Selection,
    /// `--skip-invalid`: `rejected_rows` is written.
    pub skip_invalid: bool,
    /// `--report`: the report stage runs (the estimate leaves it out).
    pub report: bool,
}

impl Stage {
    /// The stage's declaration.
    pub(crate) fn decl(self) -> &'static StageDecl {
        &STAGES[self as usize]
    }

    /// The stage's name as progress, `-v`, `--dry-run` and `timings_s` show it.
    pub fn name(self) -> &'static str {
        self.decl().name
    }

    /// Whether a run of `shape` goes through the stage.
    pub fn runs(self, shape: &Shape) -> bool {
        let sel = shape.centrality;
        let holes = sel.has(Measure::Constraint) || sel.has(Measure::EffectiveSize);
        match self {
            Stage::Betweenness => sel.has(Measure::Betweenness),
            Stage::ClosenessHarmonic => sel.has(Measure::Closeness) || sel.has(Measure::Harmonic),
            Stage::ClusteringHoles => holes,
            Stage::Clustering => !holes && sel.has(Measure::Clustering),
            Stage::CoreNumber => sel.has(Measure::CoreNumber),
            Stage::Communities => sel.has(Measure::Community),
            Stage::Report => shape.report,
            _ => true,
        }
    }

    /// The tables the stage writes in a run of `shape`, in writing order.
    pub fn tables(self, shape: &Shape) -> impl Iterator<Item = &'static str> + '_ {
        tables(shape)
            .filter(move |t| t.stage == self)
            .map(|t| t.name)
    }
}

impl When {
    /// Whether a run of `shape` writes a table written `self`.
    pub fn holds(self, shape: &Shape) -> bool {
        match self {
            When::Always => true,
            When::Communities => shape.centrality.has(Measure::Community),
            When::SkipInvalid => shape.skip_invalid,
        }
    }
}

/// The stages a run of `shape` goes through, in run order.
pub fn stages(shape: &Shape) -> impl Iterator<Item = Stage> + '_ {
    STAGES.iter().map(|d| d.stage).filter(|s| s.runs(shape))
}

/// The tables a run of `shape` writes, in the `--dry-run` order ([`TABLES`]).
pub fn tables(shape: &Shape) -> impl Iterator<Item = &'static TableDecl> + '_ {
    TABLES.iter().filter(|t| t.when.holds(shape))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_declared_in_enum_order_with_unique_names() {
        for (i, d) in STAGES.iter().enumerate() {
            assert_eq!(d.stage as usize, i, "{}", d.name);
        }
        let mut names: Vec<&str> = STAGES.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), STAGES.len());
    }

    #[test]
    fn every_output_table_is_declared_once() {
        let mut declared: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        let mut outputs: Vec<&str> = crate::schema::outputs::OUTPUT_TABLES
            .iter()
            .map(|t| t.name)
            .collect();
        declared.sort_unstable();
        outputs.sort_unstable();
        assert_eq!(declared, outputs);
    }
}
