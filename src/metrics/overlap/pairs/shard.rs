//! The pair product cut into blocks of partners that can run anywhere: the
//! partner-block kernel of a run spread over machines (the Spark job of the Python
//! package, `python/ecograph/spark.py`, docs/SPARK.md).
//!
//! - [`ShardIndex`]: what every worker holds, one Arrow record batch with a row per
//!   partner (in partner index order, which is id byte order): its type code and its
//!   items. The worker builds the full transpose (item -> partners) from it once.
//! - [`shard`]: one contiguous block of partners -> one row per partner of the block
//!   ([`SHARD_COLUMNS`]): its pairs with the partners after it, the rows a min-jaccard
//!   cut keeps among them, the max jaccard and the count at or above the threshold over
//!   its whole row, the items only it reaches, its top-K list, and its pairs with the
//!   partners after it summed by their type.
//! - [`fold`]: the blocks' rows back into the [`CustomerPass`] (customer dimension) or
//!   the [`PairPlan`] (product dimension) one machine computes, and the plan of the
//!   whole family ([`plan_with`](crate::metrics::overlap::plan_with)) with a [`ShardRunner`] deciding where blocks run.
//!
//! Exactness: every number is an integer count or sum, a max, or a jaccard computed by
//! [`jaccard`] from the same three integers on either side of a pair; no float is ever
//! added. So neither where a block runs, nor how partners are cut into blocks, nor the
//! order in which blocks come back can change a bit: the fold equals the single-machine
//! pass (property tests below, and the Python package's tests over random blockings).
//! Unlike the single-machine customer pass, which visits each pair once (q > p) and
//! updates both partners with atomics, a block walks its partners' whole rows, so a
//! partner's columns are complete inside its own block and no block writes another's.
//!
//! Complexity: a block costs its partners' full rows, Σ_{p ∈ block} Σ_{c ∈ items(p)}
//! |partners(c)| counter steps; all blocks together twice the half-row pass. Memory per
//! worker: the index and its transpose (about 8 bytes a link plus 8 a partner), one
//! counter and bitmap of n partners, and the block's output.
//!
//! For a partner manager: the same account map, computed by many machines at once.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, ListArray, ListBuilder, RecordBatch, StructBuilder,
    UInt32Array, UInt32Builder, UInt64Array, UInt64Builder,
};
use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, UInt32Type};
use rayon::prelude::*;

use super::kernel::Walk;
use super::{Blocking, CustomerPass, Incidence, PairPlan};
use crate::error::{Error, Result};
use crate::graph::Csr;
use crate::metrics::overlap::by_type::PartnerTypes;
use crate::metrics::overlap::topk::{self, KeptPairs};
use crate::metrics::overlap::transpose::Transpose;
use crate::metrics::overlap::{jaccard, OverlapParams};

/// The columns of a [`ShardIndex`] batch: `type_code` (UInt32, the partner's type
/// among the sorted distinct types, nulls last) and `items` (`List<UInt32>`, its items
/// ascending).
pub const INDEX_COLUMNS: [&str; 2] = ["type_code", "items"];

/// The columns of a [`shard`] batch, one row per partner of the block.
pub const SHARD_COLUMNS: [&str; 8] = [
    "partner",
    "pairs",
    "kept",
    "max_jaccard",
    "overlapping",
    "unique",
    "top",
    "types",
];

/// What every worker of a distributed run holds for one dimension: the partner x
/// item incidence, the partners' type codes, and the full transpose built from them.
#[derive(Debug, Clone)]
pub struct ShardIndex {
    rows: Csr,
    codes: Vec<u32>,
    types: usize,
    t: Transpose,
}

fn index_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("type_code", DataType::UInt32, false),
        Field::new(
            "items",
            DataType::List(Arc::new(Field::new_list_field(DataType::UInt32, false))),
            false,
        ),
    ]))
}

impl ShardIndex {
    /// The index of one dimension of an input: `rows` the partner x item incidence
    /// (`GraphSet::partner_customers` or `partner_products`) over `items` items, and
    /// the partners' types.
    pub fn new(rows: &Csr, items: usize, types: &PartnerTypes) -> Result<ShardIndex> {
        Ok(ShardIndex {
            rows: rows.clone(),
            codes: (0..rows.rows()).map(|p| types.code(p)).collect(),
            types: types.len(),
            t: Transpose::new(rows, items, true)?,
        })
    }

    /// The index as the Arrow batch a driver broadcasts ([`INDEX_COLUMNS`]).
    pub fn to_batch(&self) -> Result<RecordBatch> {
        index_batch(&self.rows, &self.codes)
    }

    /// Reads an index batch back ([`ShardIndex::to_batch`]) and builds its transpose.
    /// The batch comes from elsewhere, so it is checked: the columns and their types,
    /// no null, every partner's items strictly ascending, type codes below the number
    /// of partners.
    pub fn from_batch(batch: &RecordBatch) -> Result<ShardIndex> {
        let bad = |what: &str| Error::Parameter(format!("overlap shard index: {what}"));
        let codes = batch
            .column_by_name("type_code")
            .and_then(|c| c.as_primitive_opt::<UInt32Type>())
            .ok_or_else(|| bad("no UInt32 column type_code"))?;
        let items = batch
            .column_by_name("items")
            .and_then(|c| c.as_list_opt::<i32>())
            .ok_or_else(|| bad("no List<UInt32> column items"))?;
        let values = items
            .values()
            .as_primitive_opt::<UInt32Type>()
            .ok_or_else(|| bad("items are not UInt32"))?;
        if codes.null_count() + items.null_count() + values.null_count() > 0 {
            return Err(bad("a null value"));
        }
        let base = items.value_offsets()[0] as usize;
        let offsets: Vec<usize> = items
            .value_offsets()
            .iter()
            .map(|&o| o as usize - base)
            .collect();
        let targets: Vec<u32> = values.values()[base..base + offsets[offsets.len() - 1]].to_vec();
        let rows = Csr {
            offsets,
            targets,
            weights: Vec::new(),
        };
        if (0..rows.rows()).any(|p| rows.row(p).windows(2).any(|w| w[0] >= w[1])) {
            return Err(bad("a partner's items are not strictly ascending"));
        }
        let codes: Vec<u32> = codes.values().to_vec();
        // Codes number the distinct types, so each is below the partner count: a larger
        // one would size the per-type sums by a number from outside.
        let types = codes.iter().max().map_or(0, |&m| m as usize + 1);
        if types > codes.len() {
            return Err(bad("a type code not below the number of partners"));
        }
        let n_items = rows.targets.iter().max().map_or(0, |&m| m as usize + 1);
        let t = Transpose::new(&rows, n_items, true)?;
        Ok(ShardIndex {
            rows,
            codes,
            types,
            t,
        })
    }

    /// Number of partners.
    pub fn partners(&self) -> usize {
        self.rows.rows()
    }

    fn incidence(&self) -> Incidence<'_> {
        Incidence {
            rows: &self.rows,
            t: std::borrow::Cow::Borrowed(&self.t),
        }
    }

    /// The contiguous blocks of partners a distributed run computes, cut by the same
    /// rule as the single-machine passes ([`Blocking::blocks`]: bounded estimated work
    /// and partners per block), a function of the input alone.
    pub fn blocks(&self, blocking: &Blocking) -> Vec<Range<usize>> {
        blocking.blocks(&self.incidence())
    }
}

/// The index batch of the incidence `rows` with the partners' type `codes`
/// ([`INDEX_COLUMNS`]): what the driver broadcasts, made without building the
/// transpose, which only the workers need.
fn index_batch(rows: &Csr, codes: &[u32]) -> Result<RecordBatch> {
    let offsets: Vec<i32> = rows
        .offsets
        .iter()
        .map(|&o| i32::try_from(o))
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| too_large("links"))?;
    let items = ListArray::try_new(
        Arc::new(Field::new_list_field(DataType::UInt32, false)),
        arrow::buffer::OffsetBuffer::new(offsets.into()),
        Arc::new(UInt32Array::from(rows.targets.clone())),
        None,
    )
    .map_err(arrow_error)?;
    RecordBatch::try_new(
        index_schema(),
        vec![Arc::new(UInt32Array::from(codes.to_vec())), Arc::new(items)],
    )
    .map_err(arrow_error)
}

/// The blocks of a distributed run over the incidence `rows` (`items` items), cut by
/// [`Blocking::cut`] from each partner's full-row work as the workers' transpose
/// gives it (Σ over its items of the partners on the item, for items of two partners
/// or more), counted here from item degrees without building that transpose.
fn blocks(rows: &Csr, items: usize, blocking: &Blocking) -> Vec<Range<usize>> {
    let mut degree =
        vec![0usize; items.max(rows.targets.iter().max().map_or(0, |&m| m as usize + 1))];
    for &c in &rows.targets {
        degree[c as usize] += 1;
    }
    let works: Vec<usize> = (0..rows.rows())
        .into_par_iter()
        .map(|p| {
            rows.row(p)
                .iter()
                .map(|&c| degree[c as usize])
                .filter(|&k| k >= 2)
                .sum()
        })
        .collect();
    blocking.cut(&works)
}

fn too_large(what: &str) -> Error {
    Error::Parameter(format!(
        "overlap shard index: more {what} than an Arrow list holds (2^31)"
    ))
}

fn arrow_error(e: arrow::error::ArrowError) -> Error {
    Error::Parameter(format!("overlap shard: {e}"))
}

fn top_fields() -> Fields {
    Fields::from(vec![
        Field::new("other", DataType::UInt32, false),
        Field::new("shared", DataType::UInt32, false),
    ])
}

fn type_fields() -> Fields {
    Fields::from(vec![
        Field::new("type", DataType::UInt32, false),
        Field::new("pairs", DataType::UInt64, false),
        Field::new("shared", DataType::UInt64, false),
    ])
}

/// The schema of a [`shard`] batch ([`SHARD_COLUMNS`]); the Spark job declares the same
/// one for its `mapInArrow` output.
pub fn shard_schema() -> SchemaRef {
    let list = |fields: Fields| {
        DataType::List(Arc::new(Field::new_list_field(
            DataType::Struct(fields),
            false,
        )))
    };
    Arc::new(Schema::new(vec![
        Field::new("partner", DataType::UInt32, false),
        Field::new("pairs", DataType::UInt64, false),
        Field::new("kept", DataType::UInt64, false),
        Field::new("max_jaccard", DataType::Float64, false),
        Field::new("overlapping", DataType::UInt32, false),
        Field::new("unique", DataType::UInt32, false),
        Field::new("top", list(top_fields()), false),
        Field::new("types", list(type_fields()), false),
    ]))
}

/// One block of partners of `index`: a row per partner p of `block` with
/// - `pairs`: partners q > p sharing at least one item with p;
/// - `kept`: those whose jaccard passes `params.min_jaccard` (all without it; what a
///   run without `--overlap-top-k` writes);
/// - `max_jaccard`, `overlapping`: the highest jaccard over p's whole row, and how
///   many partners reach `params.threshold` with it (`max_customer_overlap`,
///   `overlapping_partners` in the customer dimension);
/// - `unique`: p's items no other partner has (`unique_customers`);
/// - `top`: p's top-K list under `params.top_k` (other partner, shared), empty without;
/// - `types`: the pairs (p, q > p) summed by q's type code (`overlap_by_type`).
///
/// Errors when the block lies outside the index. Time: the block's full rows (module
/// documentation); one counter of n partners.
pub fn shard(
    index: &ShardIndex,
    params: &OverlapParams,
    block: Range<usize>,
) -> Result<RecordBatch> {
    let n = index.partners();
    if block.start > block.end || block.end > n {
        return Err(Error::Parameter(format!(
            "overlap shard: block {}..{} outside the {n} partners",
            block.start, block.end
        )));
    }
    let inc = index.incidence();
    let mut walk = Walk::new(n);
    let len = block.len();
    let (mut partner, mut pairs, mut kept) = (
        UInt32Builder::with_capacity(len),
        UInt64Builder::with_capacity(len),
        UInt64Builder::with_capacity(len),
    );
    let (mut max_j, mut over, mut unique) = (
        Vec::with_capacity(len),
        UInt32Builder::with_capacity(len),
        UInt32Builder::with_capacity(len),
    );
    let mut top = ListBuilder::new(StructBuilder::from_fields(top_fields(), 0))
        .with_field(Field::new_list_field(DataType::Struct(top_fields()), false));
    let mut types = ListBuilder::new(StructBuilder::from_fields(type_fields(), 0)).with_field(
        Field::new_list_field(DataType::Struct(type_fields()), false),
    );
    let mut keys = Vec::new();
    let (mut sums, mut touched) = (vec![(0u64, 0u64); index.types], Vec::<u32>::new());
    for p in block {
        crate::progress::checkpoint();
        walk.accumulate(&inc, p, true);
        let (pu, sp) = (p as u32, inc.size(p));
        let (mut p_pairs, mut p_kept, mut p_max, mut p_over) = (0u64, 0u64, 0.0f64, 0u32);
        keys.clear();
        walk.drain(|q, shared| {
            let j = jaccard(shared, sp, inc.size(q as usize));
            p_max = p_max.max(j);
            p_over += u32::from(j >= params.threshold);
            let passes = !params.min_jaccard.is_some_and(|m| j < m);
            if params.top_k.is_some() && passes {
                keys.push((j, q, shared));
            }
            if q > pu {
                p_pairs += 1;
                p_kept += u64::from(passes);
                let t = index.codes[q as usize];
                let cell = &mut sums[t as usize];
                if cell.0 == 0 {
                    touched.push(t);
                }
                cell.0 += 1;
                cell.1 += u64::from(shared);
            }
        });
        partner.append_value(pu);
        pairs.append_value(p_pairs);
        kept.append_value(p_kept);
        max_j.push(p_max);
        over.append_value(p_over);
        unique.append_value(
            inc.rows
                .row(p)
                .iter()
                .filter(|&&c| !inc.shared(c as usize))
                .count() as u32,
        );
        if let Some(k) = params.top_k {
            let list = top.values();
            for &(_, q, shared) in topk::top(&mut keys, k) {
                list.field_builder::<UInt32Builder>(0)
                    .expect("top: other")
                    .append_value(q);
                list.field_builder::<UInt32Builder>(1)
                    .expect("top: shared")
                    .append_value(shared);
                list.append(true);
            }
        }
        top.append(true);
        touched.sort_unstable();
        let list = types.values();
        for &t in &touched {
            let (np, ns) = std::mem::take(&mut sums[t as usize]);
            list.field_builder::<UInt32Builder>(0)
                .expect("types: type")
                .append_value(t);
            list.field_builder::<UInt64Builder>(1)
                .expect("types: pairs")
                .append_value(np);
            list.field_builder::<UInt64Builder>(2)
                .expect("types: shared")
                .append_value(ns);
            list.append(true);
        }
        touched.clear();
        types.append(true);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(partner.finish()),
        Arc::new(pairs.finish()),
        Arc::new(kept.finish()),
        Arc::new(Float64Array::from(max_j)),
        Arc::new(over.finish()),
        Arc::new(unique.finish()),
        Arc::new(top.finish()),
        Arc::new(types.finish()),
    ];
    RecordBatch::try_new(shard_schema(), columns).map_err(arrow_error)
}

/// [`shard`] of one block on `threads` threads: the block cut into pieces (four per
/// thread), each computed by [`shard`] on a pool of its own, the batches in piece
/// order. The rows are [`shard`]'s for the whole block, only split over several
/// batches, so [`fold`] gives the same result. For a Spark task given several cores
/// (`spark.task.cpus`): one index per executor then serves all of them, instead of one
/// copy per single-core task.
pub fn shard_threads(
    index: &ShardIndex,
    params: &OverlapParams,
    block: Range<usize>,
    threads: usize,
) -> Result<Vec<RecordBatch>> {
    let threads = threads.max(1);
    if threads == 1 || block.len() < 2 {
        return Ok(vec![shard(index, params, block)?]);
    }
    let piece = block.len().div_ceil(threads * 4).max(1);
    let pieces: Vec<Range<usize>> = block
        .clone()
        .step_by(piece)
        .map(|s| s..(s + piece).min(block.end))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Parameter(format!("cannot start {threads} threads: {e}")))?;
    pool.install(|| {
        pieces
            .into_par_iter()
            .map(|r| shard(index, params, r))
            .collect()
    })
}

/// One dimension folded from its blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Folded {
    /// Pairs sharing at least one item.
    pub pairs: u64,
    /// Pairs a min-jaccard cut keeps (all of them without one).
    pub kept: u64,
    /// Per partner, its highest jaccard.
    pub max_jaccard: Vec<f64>,
    /// Per partner, partners at or above the threshold.
    pub overlapping: Vec<u32>,
    /// Per partner, items it alone has.
    pub unique: Vec<u32>,
    /// (type_a <= type_b) -> (pairs, shared items).
    pub by_type: BTreeMap<(u32, u32), (u64, u64)>,
    /// Every partner's top-K list as (partner_a < partner_b, shared).
    pub top: Vec<(u32, u32, u32)>,
}

/// Folds the [`shard`] batches of one dimension, in any order, into its totals and
/// columns. The batches must hold every partner of `0..n` exactly once (any blocking);
/// anything else is an error, as is a batch of another schema. Integer sums and
/// per-partner values only, so the result is the same for any order or blocking.
pub fn fold(batches: &[RecordBatch], n: usize, codes: &[u32]) -> Result<Folded> {
    let bad = |what: String| Error::Parameter(format!("overlap shards: {what}"));
    let mut f = Folded {
        max_jaccard: vec![0.0; n],
        overlapping: vec![0; n],
        unique: vec![0; n],
        ..Folded::default()
    };
    let mut seen = vec![false; n];
    for b in batches {
        if b.schema().fields() != shard_schema().fields() {
            return Err(bad(format!(
                "a batch of another schema: {:?}",
                b.schema().fields()
            )));
        }
        let col = |i: usize| b.column(i);
        let partner = col(0).as_primitive::<UInt32Type>();
        let pairs = col(1).as_any().downcast_ref::<UInt64Array>();
        let kept = col(2).as_any().downcast_ref::<UInt64Array>();
        let max_j = col(3).as_any().downcast_ref::<Float64Array>();
        let over = col(4).as_primitive::<UInt32Type>();
        let unique = col(5).as_primitive::<UInt32Type>();
        let (Some(pairs), Some(kept), Some(max_j)) = (pairs, kept, max_j) else {
            return Err(bad("a column of another type".into()));
        };
        let top = col(6).as_list::<i32>();
        let types = col(7).as_list::<i32>();
        for i in 0..b.num_rows() {
            let p = partner.value(i) as usize;
            if p >= n || std::mem::replace(&mut seen[p], true) {
                return Err(bad(format!(
                    "partner {p} twice or outside the {n} partners"
                )));
            }
            f.pairs += pairs.value(i);
            f.kept += kept.value(i);
            f.max_jaccard[p] = max_j.value(i);
            f.overlapping[p] = over.value(i);
            f.unique[p] = unique.value(i);
            let list = top.value(i);
            let list = list.as_struct();
            let (other, shared) = (
                list.column(0).as_primitive::<UInt32Type>(),
                list.column(1).as_primitive::<UInt32Type>(),
            );
            for j in 0..list.len() {
                let (q, s) = (other.value(j), shared.value(j));
                let pu = p as u32;
                f.top.push((pu.min(q), pu.max(q), s));
            }
            let list = types.value(i);
            let list = list.as_struct();
            let (t, np, ns) = (
                list.column(0).as_primitive::<UInt32Type>(),
                list.column(1)
                    .as_primitive::<arrow::datatypes::UInt64Type>(),
                list.column(2)
                    .as_primitive::<arrow::datatypes::UInt64Type>(),
            );
            let tp = *codes
                .get(p)
                .ok_or_else(|| bad(format!("no type code for partner {p}")))?;
            for j in 0..list.len() {
                let tq = t.value(j);
                let e = f.by_type.entry((tp.min(tq), tp.max(tq))).or_default();
                e.0 += np.value(j);
                e.1 += ns.value(j);
            }
        }
    }
    if let Some(p) = seen.iter().position(|s| !s) {
        return Err(bad(format!("no row for partner {p}")));
    }
    Ok(f)
}

impl Folded {
    /// The dimension's plan, as [`super::plan_pairs`] makes it: the kept rows under
    /// `--overlap-top-k`, else the counts.
    pub fn plan(&mut self, params: &OverlapParams) -> PairPlan {
        if params.top_k.is_some() {
            let kept = KeptPairs::from_lists(std::mem::take(&mut self.top));
            PairPlan {
                pairs: self.pairs,
                rows: kept.len() as u64,
                kept: Some(kept),
            }
        } else {
            PairPlan {
                pairs: self.pairs,
                rows: self.kept,
                kept: None,
            }
        }
    }

    /// The customer dimension's pass, as [`super::customer_pass`] makes it.
    pub fn customer_pass(mut self, params: &OverlapParams) -> CustomerPass {
        let plan = self.plan(params);
        CustomerPass {
            plan,
            max_jaccard: self.max_jaccard,
            overlapping: self.overlapping,
            by_type: self.by_type,
        }
    }
}

/// Where the blocks of a distributed run are computed: the Spark job's runner sends
/// them to executors; [`Local`] computes them here (for tests and as the reference).
pub trait ShardRunner: Sync {
    /// Runs [`shard`] on every block of `blocks` (contiguous, in partner order, covering
    /// every partner) of the index `index` ([`ShardIndex::to_batch`]) with `params`,
    /// and returns the blocks' batches in any order. `dimension` names the dimension
    /// ("customer" or "product") for messages and logs.
    fn run(
        &self,
        dimension: &str,
        index: &RecordBatch,
        params: &OverlapParams,
        blocks: &[Range<usize>],
    ) -> Result<Vec<RecordBatch>>;
}

/// Computes every block in this process, in parallel on the current rayon pool, from
/// the index batch read back as a worker reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Local;

impl ShardRunner for Local {
    fn run(
        &self,
        _dimension: &str,
        index: &RecordBatch,
        params: &OverlapParams,
        blocks: &[Range<usize>],
    ) -> Result<Vec<RecordBatch>> {
        let index = ShardIndex::from_batch(index)?;
        blocks
            .par_iter()
            .map(|b| shard(&index, params, b.clone()))
            .collect()
    }
}

/// The work per block of a distributed run: blocks much larger than the
/// single-machine passes' ([`Blocking::default`]), so that a task's fixed cost (a
/// Spark task is tens of milliseconds) stays small beside its work.
pub const DISTRIBUTED_BLOCK_WORK: usize = 1 << 24;

/// One dimension through `runner`: its index, cut into blocks of `blocking`, run,
/// and folded.
pub fn run_dimension(
    runner: &dyn ShardRunner,
    dimension: &str,
    rows: &Csr,
    items: usize,
    types: &PartnerTypes,
    params: &OverlapParams,
    blocking: &Blocking,
) -> Result<Folded> {
    let codes: Vec<u32> = (0..rows.rows()).map(|p| types.code(p)).collect();
    let batch = index_batch(rows, &codes)?;
    let batches = runner.run(dimension, &batch, params, &blocks(rows, items, blocking))?;
    fold(&batches, rows.rows(), &codes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::overlap::pairs::{customer_pass, plan_pairs};
    use crate::metrics::overlap::transpose::tests::incidence;
    use crate::metrics::overlap::Dimension;
    use proptest::prelude::*;

    /// A random incidence: `n` partners over `items` items, with a few very popular
    /// items and some identical sets (ties at jaccard 1).
    fn random_rows(seed: u64, n: usize, items: u32) -> Vec<Vec<u32>> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut rows: Vec<Vec<u32>> = Vec::with_capacity(n);
        for p in 0..n {
            if p > 0 && rng.random_bool(0.15) {
                let copy = rows[rng.random_range(0..p)].clone();
                rows.push(copy);
                continue;
            }
            let k = rng.random_range(0..6usize);
            let mut r: Vec<u32> = (0..k)
                .map(|_| {
                    if rng.random_bool(0.3) {
                        rng.random_range(0..2.min(items))
                    } else {
                        rng.random_range(0..items)
                    }
                })
                .collect();
            r.sort_unstable();
            r.dedup();
            rows.push(r);
        }
        rows
    }

    /// Cuts 0..n at random places.
    fn random_blocks(seed: u64, n: usize) -> Vec<Range<usize>> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let mut out = Vec::new();
        let mut start = 0;
        while start < n {
            let end = (start + rng.random_range(1..=n.max(1))).min(n);
            out.push(start..end);
            start = end;
        }
        out
    }

    fn params_variants() -> Vec<OverlapParams> {
        let d = OverlapParams::default();
        vec![
            d,
            OverlapParams::all_pairs(),
            OverlapParams {
                top_k: Some(1),
                ..d
            },
            OverlapParams {
                top_k: Some(3),
                min_jaccard: Some(0.4),
                threshold: 0.25,
                ..d
            },
            OverlapParams {
                top_k: None,
                min_jaccard: Some(0.5),
                ..d
            },
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any blocking, any block order: the fold is the single-machine customer pass
        /// and product plan, to the bit.
        #[test]
        fn shards_fold_into_the_single_machine_pass(
            seed in 0u64..10_000, n in 1usize..60, items in 1u32..40,
        ) {
            let rows = random_rows(seed, n, items);
            let refs: Vec<&[u32]> = rows.iter().map(Vec::as_slice).collect();
            let a = incidence(&refs);
            let names = ["isv", "msp", "reseller"];
            let types: Vec<Option<String>> = (0..n)
                .map(|p| (p % 4 != 3).then(|| names[p % 3].to_string()))
                .collect();
            let types = PartnerTypes::new(&types);
            for params in params_variants() {
                let inc = Incidence::new(&a, items as usize, &params).unwrap();
                let want = customer_pass(&inc, &types, &params, &Blocking::default()).unwrap();
                let want_product =
                    plan_pairs(&inc, Dimension::Product, &params, &Blocking::default()).unwrap();
                let want_unique = crate::metrics::overlap::partner::unique_customers(&inc);
                let index = ShardIndex::new(&a, items as usize, &types).unwrap();
                // Through the batch, as a worker gets it.
                let index = ShardIndex::from_batch(&index.to_batch().unwrap()).unwrap();
                let mut batches: Vec<RecordBatch> = random_blocks(seed, n)
                    .into_iter()
                    .map(|b| shard(&index, &params, b).unwrap())
                    .collect();
                batches.reverse();
                let folded = fold(&batches, n, &index.codes).unwrap();
                prop_assert_eq!(&folded.unique, &want_unique);
                let mut product = folded.clone();
                let got_product = product.plan(&params);
                prop_assert_eq!(
                    (got_product.pairs, got_product.rows, &got_product.kept),
                    (want_product.pairs, want_product.rows, &want_product.kept)
                );
                let got = folded.customer_pass(&params);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                prop_assert_eq!(bits(&got.max_jaccard), bits(&want.max_jaccard));
                prop_assert_eq!(&got.overlapping, &want.overlapping);
                prop_assert_eq!(&got.by_type, &want.by_type);
                prop_assert_eq!(
                    (got.plan.pairs, got.plan.rows, &got.plan.kept),
                    (want.plan.pairs, want.plan.rows, &want.plan.kept)
                );
            }
        }
    }

    #[test]
    fn the_drivers_blocks_are_the_workers_cut_without_a_transpose() {
        for seed in 0..20 {
            let rows = random_rows(seed, 80, 30);
            let refs: Vec<&[u32]> = rows.iter().map(Vec::as_slice).collect();
            let a = incidence(&refs);
            let index = ShardIndex::new(&a, 30, &PartnerTypes::new(&vec![None; 80])).unwrap();
            for work in [1, 5, 40, 1 << 20] {
                let b = Blocking {
                    work,
                    max_partners: 7,
                    window: 0,
                };
                assert_eq!(
                    blocks(&a, 30, &b),
                    index.blocks(&b),
                    "seed {seed}, work {work}"
                );
            }
        }
    }

    #[test]
    fn an_index_batch_with_a_type_code_past_the_partners_is_refused() {
        let a = incidence(&[&[0], &[0]]);
        let batch = index_batch(&a, &[0, u32::MAX]).unwrap();
        let e = ShardIndex::from_batch(&batch).unwrap_err().to_string();
        assert!(e.contains("type code"), "{e}");
        assert!(ShardIndex::from_batch(&index_batch(&a, &[1, 0]).unwrap()).is_ok());
    }

    #[test]
    fn a_block_on_several_threads_folds_like_one() {
        let rows = random_rows(5, 300, 25);
        let refs: Vec<&[u32]> = rows.iter().map(Vec::as_slice).collect();
        let a = incidence(&refs);
        let types = PartnerTypes::new(&vec![None; 300]);
        let index = ShardIndex::new(&a, 25, &types).unwrap();
        let p = OverlapParams::default();
        let one = fold(&[shard(&index, &p, 0..300).unwrap()], 300, &index.codes).unwrap();
        for threads in [2, 3, 7] {
            let mut batches = shard_threads(&index, &p, 0..150, threads).unwrap();
            assert!(batches.len() > 1, "the block was not split");
            batches.extend(shard_threads(&index, &p, 150..300, threads).unwrap());
            assert_eq!(fold(&batches, 300, &index.codes).unwrap(), one);
        }
    }

    #[test]
    fn a_fold_missing_or_repeating_a_partner_is_an_error() {
        let a = incidence(&[&[0, 1], &[1], &[0]]);
        let types = PartnerTypes::new(&[None, None, None]);
        let index = ShardIndex::new(&a, 2, &types).unwrap();
        let p = OverlapParams::default();
        let first = shard(&index, &p, 0..2).unwrap();
        let all = shard(&index, &p, 0..3).unwrap();
        assert!(fold(std::slice::from_ref(&first), 3, &index.codes).is_err());
        assert!(fold(&[first, all.clone()], 3, &index.codes).is_err());
        assert!(fold(&[all], 3, &index.codes).is_ok());
        assert!(shard(&index, &p, 2..4).is_err());
    }

    #[test]
    fn an_index_batch_with_unsorted_items_is_refused() {
        let items = ListArray::try_new(
            Arc::new(Field::new_list_field(DataType::UInt32, false)),
            arrow::buffer::OffsetBuffer::new(vec![0i32, 2].into()),
            Arc::new(UInt32Array::from(vec![2, 1])),
            None,
        )
        .unwrap();
        let batch = RecordBatch::try_new(
            index_schema(),
            vec![Arc::new(UInt32Array::from(vec![0])), Arc::new(items)],
        )
        .unwrap();
        let e = ShardIndex::from_batch(&batch).unwrap_err().to_string();
        assert!(e.contains("strictly ascending"), "{e}");
    }
}
