//! Writing a run's tables: where they go ([`Target`]: folder, format, CSV cells, run
//! metadata), the one streamed, parallel windowed writer ([`write_windowed`]) every
//! large table goes through (`overlap_pairs`, `channel_conflicts`, `cosell_edges`), and
//! the two writing stages of `analyze` ([`overlap_tables`], [`metric_tables`]).

use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::{Error, InputError, Result};
use crate::graph::GraphSet;
use crate::io::out::write::{self, CsvCells, OutputFormat, TableWriter};
use crate::metrics::overlap::{OverlapParams, OverlapPlan, OverlapResult, PartnerOverlap};
use crate::metrics::{self, MetricTables};
use crate::plan::{Shape, Stage};
use crate::progress::Meter;
use crate::schema::out;

/// Where and how a run writes its tables.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The (staged) output folder.
    pub dir: &'a Path,
    /// The tables' format (`--format`).
    pub format: OutputFormat,
    /// How a CSV output writes formula-like text (`--csv-raw`).
    pub csv_cells: CsvCells,
    /// The run metadata stored in every table ([`super::summary::table_metadata`]).
    pub meta: &'a str,
}

impl Target<'_> {
    /// Opens the table `name` with `schema`, for batches written one by one.
    pub fn create(&self, name: &str, schema: SchemaRef) -> Result<TableWriter> {
        TableWriter::create(
            self.dir,
            name,
            schema,
            self.format,
            self.csv_cells,
            self.meta,
        )
    }

    /// Writes the table `name` as the one batch `batch`.
    pub fn write(&self, name: &str, batch: &RecordBatch) -> Result<()> {
        write::write_table(
            self.dir,
            name,
            batch,
            self.format,
            self.csv_cells,
            self.meta,
        )
    }
}

/// The streamed, parallel windowed writer: `items` are taken `window` at a time, each
/// window's items are turned into their output by `compute` in parallel, and the
/// outputs are handed to `consume` in item order (so the file depends on the input
/// alone, never on the threads). At most one window's outputs are held at a time.
pub fn write_windowed<I: Sync, T: Send>(
    items: &[I],
    window: usize,
    compute: impl Fn(&I) -> T + Sync,
    mut consume: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    use rayon::prelude::*;
    for w in items.chunks(window.max(1)) {
        let outputs: Vec<T> = w.par_iter().map(&compute).collect();
        for o in outputs {
            consume(o)?;
        }
    }
    Ok(())
}

/// One window per thread of the current pool: the window of [`write_windowed`] for work
/// items of similar size.
fn thread_window() -> usize {
    rayon::current_num_threads().max(1)
}

/// `cosell_edges`, streamed: a window of partner chunks (one per thread) is computed in
/// parallel, then written in chunk order, one batch per chunk.
fn write_cosell_edges(to: &Target, g: &GraphSet) -> Result<()> {
    let mut w = to.create(out::COSELL_EDGES.name, out::COSELL_EDGES.schema())?;
    let chunks = metrics::cosell_edges::chunks(g);
    write_windowed(
        &chunks,
        thread_window(),
        |r| super::cosell_edges(g, &metrics::cosell_edges::edge_chunk(g, r.clone())),
        |b| {
            if b.num_rows() > 0 {
                w.write(&b)
            } else {
                Ok(())
            }
        },
    )?;
    w.finish()
}

/// Rows per `channel_conflicts` batch (chunks of groups are gathered up to it, so the
/// batches depend on the input alone).
const CONFLICT_BATCH: usize = 1 << 16;

/// `channel_conflicts`, streamed: the plan only counted them (at a million partners
/// they are hundreds of millions of rows), so the deals are sorted again and a window
/// of chunks of (customer, product) groups (one per thread) is listed in parallel,
/// gathered into batches of at least [`CONFLICT_BATCH`] rows in chunk order, and
/// written.
fn write_channel_conflicts(to: &Target, g: &GraphSet, window_days: f64) -> Result<()> {
    let t = &out::CHANNEL_CONFLICTS;
    let mut w = to.create(t.name, t.schema())?;
    let scan = metrics::overlap::conflicts::ConflictScan::new(g, window_days);
    let chunks: Vec<usize> = (0..scan.chunks()).collect();
    let mut pending = Vec::new();
    write_windowed(
        &chunks,
        thread_window(),
        |&c| scan.chunk_rows(g, c),
        |rows| {
            pending.extend(rows);
            if pending.len() >= CONFLICT_BATCH {
                w.write(&super::overlap::channel_conflicts(g, &pending))?;
                pending.clear();
            }
            Ok(())
        },
    )?;
    if !pending.is_empty() {
        w.write(&super::overlap::channel_conflicts(g, &pending))?;
    }
    w.finish()
}

/// The `overlap pairs` stage: `overlap_pairs` streamed to its file as `plan` planned
/// it, then `overlap_by_type` (computed by the plan) and `channel_conflicts` (streamed).
pub fn overlap_tables(
    to: &Target,
    g: &GraphSet,
    plan: OverlapPlan,
    params: &OverlapParams,
    meter: &Meter,
) -> Result<OverlapResult> {
    let mut sink = super::overlap::PairWriter {
        writer: to.create(out::OVERLAP_PAIRS.name, super::overlap::pair_schema())?,
        partner_ids: &g.partners.id,
    };
    let ov = plan.write(g, &mut sink, None, Some(meter))?;
    sink.writer.finish()?;
    to.write(
        out::OVERLAP_BY_TYPE.name,
        &super::overlap::overlap_by_type(&ov.by_type),
    )?;
    write_channel_conflicts(to, g, params.conflict_window_days)?;
    Ok(ov)
}

/// What the `export` stage writes from: the graphs, the metric results and the run's
/// choices of optional outputs.
#[derive(Debug, Clone, Copy)]
pub struct MetricOutputs<'a> {
    /// The built graphs (ids, names, the co-sell network).
    pub graphs: &'a GraphSet,
    /// Every metric result, tier fits included.
    pub metrics: &'a MetricTables,
    /// The overlap family's per-partner columns (from the `overlap pairs` stage).
    pub overlap: &'a PartnerOverlap,
    /// The configured tiers (the `tier_fit` rows).
    pub tiers: &'a [metrics::tiers::Tier],
    /// The run's shape: which optional tables are written ([`crate::plan::TABLES`]).
    pub shape: Shape,
    /// The rows `--skip-invalid` left out (`rejected_rows`, when the shape writes it).
    pub rejected: &'a [InputError],
    /// `--graph`: the co-sell network as a network file too.
    pub graph: Option<super::graphml::GraphFormat>,
}

/// The `export` stage: the tables [`crate::plan`] gives it, in its order, and the
/// network file (`--graph`) after partner_metrics, whose columns it carries.
pub fn metric_tables(to: &Target, o: &MetricOutputs) -> Result<()> {
    let (g, m) = (o.graphs, o.metrics);
    for name in Stage::Export.tables(&o.shape) {
        match name {
            n if n == out::PARTNER_METRICS.name => {
                let partner_metrics = super::partner_metrics(g, &m.partner, o.overlap);
                to.write(n, &partner_metrics)?;
                if let Some(super::graphml::GraphFormat::Graphml) = o.graph {
                    write_graphml(to, g, &partner_metrics)?;
                }
            }
            n if n == out::ATTRIBUTION.name => {
                to.write(n, &super::attribution(g, &m.attribution))?
            }
            n if n == out::TIER_FIT.name => {
                to.write(n, &super::tier_fit(g, o.tiers, &m.tier_fit))?
            }
            n if n == out::COSELL_EDGES.name => write_cosell_edges(to, g)?,
            n if n == out::COMMUNITIES.name => {
                to.write(n, &super::communities(g, &m.centrality.communities))?
            }
            n if n == out::DIVERSIFICATION.name => to.write(
                n,
                &super::network_effect::diversification(&m.diversification),
            )?,
            n if n == out::NETWORK_GROWTH.name => to.write(
                n,
                &super::network_effect::network_growth(&m.network_effect.growth),
            )?,
            n if n == out::RESILIENCE.name => to.write(
                n,
                &super::network_effect::resilience(&m.network_effect.resilience),
            )?,
            n if n == out::REJECTED_ROWS.name => to.write(n, &super::rejected_rows(o.rejected))?,
            n => unreachable!("plan::TABLES gives the export stage {n}, which it cannot write"),
        }
    }
    Ok(())
}

/// `--graph graphml`: the co-sell network with the partner_metrics columns.
fn write_graphml(to: &Target, g: &GraphSet, partner_metrics: &RecordBatch) -> Result<()> {
    let path = to.dir.join(super::graphml::GRAPHML_FILE);
    let file = std::fs::File::create(&path).map_err(|e| Error::io("creating", &path, e))?;
    super::graphml::write_graphml(g, partner_metrics, std::io::BufWriter::new(file))
        .map_err(|e| Error::io("writing", &path, e))
}
