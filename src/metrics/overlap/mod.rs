//! Overlap and channel conflict: account mapping at ecosystem scale (contract §3
//! `overlap_pairs`, `channel_conflicts`, the partner_metrics columns
//! `max_customer_overlap` .. `potential_influence`, and `overlap_by_type`).
//!
//! - [`pairs`]: the sparse product `A · Aᵀ` of a partner x item incidence (customers or
//!   products) by fixed blocks of partner rows, streamed to a [`PairSink`] block by block;
//! - [`transpose`]: the pruned item -> partners transpose the pair passes walk;
//! - [`topk`]: the `--overlap-top-k` rows (the union of the partners' top-K lists);
//! - [`by_type`]: the partner_type x partner_type account-mapping matrix;
//! - [`partner`]: `unique_customers` and `potential_influence`;
//! - [`conflicts`]: channel conflicts between deals on the same customer and product.
//!
//! [`plan`] computes the whole family except the writing, and writes nothing: the
//! customer pass (every per-partner column and the by-type matrix; under
//! `--overlap-top-k` a full-row pass that also keeps each partner's top-K list), the
//! product's top-K lists, and per dimension the exact number of rows the bounds keep
//! (under top-K the size of the lists' union, which is the rows themselves; with only a
//! min-jaccard cut, or none, a counting half-row pass). The caller thus knows every
//! table's size before it pays for the writing (`--max-pair-rows`, `--dry-run`);
//! [`OverlapPlan::write`] then writes the kept rows (top-K), or streams the pairs in one
//! half-row pass per dimension. [`run`] is both. Nothing ever holds the whole pair
//! list: at most the n K rows a top-K bound keeps.

pub mod by_type;
pub mod conflicts;
pub mod pairs;
pub mod partner;
pub mod topk;
pub mod transpose;

pub use pairs::shard;

use crate::error::Result;
use crate::graph::GraphSet;
use crate::progress::Meter;

/// Which incidence a pair was computed on (the `dimension` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Partners sharing customers (partner_customers, from the deals); written first.
    Customer,
    /// Partners carrying the same products (partner_products).
    Product,
}

impl Dimension {
    /// The `dimension` column's value: `"customer"` or `"product"`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Dimension::Customer => "customer",
            Dimension::Product => "product",
        }
    }
}

/// The default bound of `overlap_pairs`: a pair is written when it is among either
/// partner's 10 most similar (per dimension). Ten is the default `topK` of Neo4j GDS
/// Node Similarity, the anchor the issue named: enough for "who looks most like this
/// partner", and it keeps the file at most 10 rows a partner per dimension (about 1.5 M
/// rows for 100k partners instead of 199 M). `--overlap-top-k all` writes every pair.
pub const DEFAULT_TOP_K: u32 = 10;

/// Parameters of the overlap family that change results (`--overlap-*`,
/// `--conflict-window-days`). They go into the run metadata.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct OverlapParams {
    /// `overlapping_partners` counts partners with customer Jaccard >= this (inclusive).
    pub threshold: f64,
    /// `overlap_pairs` keeps pairs with jaccard >= this (inclusive); `None` = all.
    pub min_jaccard: Option<f64>,
    /// `overlap_pairs` keeps a pair in either partner's top K by jaccard; `None` = every
    /// pair (`--overlap-top-k all`). Default [`DEFAULT_TOP_K`].
    pub top_k: Option<u32>,
    /// Two deals conflict when created at most this many days apart (inclusive).
    pub conflict_window_days: f64,
}

impl Default for OverlapParams {
    fn default() -> Self {
        OverlapParams {
            threshold: 0.5,
            min_jaccard: None,
            top_k: Some(DEFAULT_TOP_K),
            conflict_window_days: 90.0,
        }
    }
}

impl OverlapParams {
    /// The defaults with `overlap_pairs` unbounded (`--overlap-top-k all`): every pair
    /// sharing at least one item is written, as the contract's first version did.
    pub fn all_pairs() -> Self {
        OverlapParams {
            top_k: None,
            ..OverlapParams::default()
        }
    }

    /// Checks ranges as an [`Error::Parameter`](crate::error::Error::Parameter); the
    /// message names the flag ([`OverlapParams::validate`]).
    pub fn check(&self) -> Result<()> {
        self.validate().map_err(crate::error::Error::Parameter)
    }

    /// Checks ranges; the message names the flag.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let unit = |name: &str, x: f64| {
            if (0.0..=1.0).contains(&x) {
                Ok(())
            } else {
                Err(format!("{name} must be between 0 and 1, got {x}"))
            }
        };
        unit("--overlap-threshold", self.threshold)?;
        if let Some(j) = self.min_jaccard {
            unit("--overlap-min-jaccard", j)?;
        }
        if self.top_k == Some(0) {
            return Err("--overlap-top-k must be at least 1, got 0".into());
        }
        let w = self.conflict_window_days;
        if !(w.is_finite() && w >= 0.0) {
            return Err(format!(
                "--conflict-window-days must be a finite number of days >= 0, got {w}"
            ));
        }
        Ok(())
    }

    /// True when `overlap_pairs` is bounded and some pairs may be left out.
    pub fn bounded(&self) -> bool {
        self.min_jaccard.is_some() || self.top_k.is_some()
    }
}

/// The three similarity columns of one partner pair from its shared count and set sizes:
/// `(jaccard, overlap_coefficient, cosine)` with jaccard = shared / (size_a + size_b -
/// shared), overlap = shared / min(size_a, size_b) and cosine = shared / √(size_a ·
/// size_b). Computed in one place so every caller, and both directions of a pair, gets the
/// same bits.
///
/// For a partner manager: how much two partners' account lists (or product lines)
/// overlap, as a share of both lists (jaccard), of the smaller one (overlap) or of their
/// geometric mean (cosine).
///
/// # Arguments
/// * `shared`: items (customers or products) both partners have, at least 1.
/// * `size_a`, `size_b`: the two partners' item counts, each ≥ `shared`.
///
/// # Returns
/// * `(jaccard, overlap_coefficient, cosine)`, each in (0, 1].
///
/// # Complexity
/// * Time and space: **O(1)**.
///
/// Reference: Jaccard 1901; the Szymkiewicz-Simpson overlap coefficient; the cosine
/// (Ochiai) coefficient; the columns SciPy's `A @ A.T` gives after dividing by the sizes
/// (contract §3 `overlap_pairs`).
///
/// # Example
/// ```rust
/// use ecograph::metrics::overlap::similarities;
/// // Partner a reaches 4 customers, b reaches 2, both of them among a's.
/// let (jaccard, overlap, cosine) = similarities(2, 4, 2);
/// assert_eq!(jaccard, 0.5); // 2 / (4 + 2 - 2)
/// assert_eq!(overlap, 1.0); // all of b's customers are a's
/// assert!((cosine - 1.0 / 2f64.sqrt()).abs() < 1e-15); // 2 / √8
/// ```
#[inline]
pub fn similarities(shared: u32, size_a: u32, size_b: u32) -> (f64, f64, f64) {
    let (s, a, b) = (f64::from(shared), f64::from(size_a), f64::from(size_b));
    let union = u64::from(size_a) + u64::from(size_b) - u64::from(shared);
    (
        s / union as f64,
        s / f64::from(size_a.min(size_b)),
        s / (a * b).sqrt(),
    )
}

/// Jaccard similarity of one partner pair alone: shared / (size_a + size_b - shared), the
/// same bits as the first value of [`similarities`] (used where only jaccard is needed:
/// thresholds, top-k).
///
/// For a partner manager: the share of the two partners' combined accounts that both of
/// them work.
///
/// # Arguments
/// * `shared`: items both partners have, at least 1.
/// * `size_a`, `size_b`: the two partners' item counts, each ≥ `shared`.
///
/// # Returns
/// * The jaccard similarity, in (0, 1].
///
/// # Complexity
/// * Time and space: **O(1)**.
///
/// Reference: Jaccard 1901, "Étude comparative de la distribution florale"; NetworkX's
/// `jaccard_coefficient` is the same ratio on neighbour sets.
///
/// # Example
/// ```rust
/// use ecograph::metrics::overlap::{jaccard, similarities};
/// // 1 customer in common out of 3 + 2: 1 / 4.
/// assert_eq!(jaccard(1, 3, 2), 0.25);
/// assert_eq!(jaccard(1, 3, 2).to_bits(), similarities(1, 3, 2).0.to_bits());
/// ```
#[inline]
pub fn jaccard(shared: u32, size_a: u32, size_b: u32) -> f64 {
    let union = u64::from(size_a) + u64::from(size_b) - u64::from(shared);
    f64::from(shared) / union as f64
}

/// One block of `overlap_pairs` as the kernel produces it: only (partner_a, partner_b,
/// shared) per pair, partner_a stored once per row; sorted by (partner_a, partner_b),
/// partner_a < partner_b (partner indices, so id byte order). The sizes and the
/// similarity columns are derived when the block is written ([`PairBlock::expand`],
/// the writer's batch builder), so a pair costs 8 bytes while it waits for the writer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SharedBlock {
    /// (partner_a, end): pairs `prev end..end` of `b` / `shared` have this partner_a.
    pub rows: Vec<(u32, u32)>,
    /// partner_b of each pair (partner index, greater than its partner_a).
    pub b: Vec<u32>,
    /// `shared`: items (customers or products) the pair has in common, at least 1.
    pub shared: Vec<u32>,
}

impl SharedBlock {
    /// Number of pairs in the block.
    pub fn len(&self) -> usize {
        self.b.len()
    }

    /// Whether the block holds no pair.
    pub fn is_empty(&self) -> bool {
        self.b.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.rows.clear();
        self.b.clear();
        self.shared.clear();
    }

    /// Appends a pair (partner_b, shared) to the current row (see [`Self::end_row`]).
    #[inline]
    pub(crate) fn push(&mut self, b: u32, shared: u32) {
        self.b.push(b);
        self.shared.push(shared);
    }

    /// Closes the pairs pushed since the previous row as partner `a`'s (no-op if none);
    /// rows are closed in ascending order of `a`.
    #[inline]
    pub(crate) fn end_row(&mut self, a: u32) {
        let end = self.b.len() as u32;
        let start = self.rows.last().map_or(0, |r| r.1);
        if end > start {
            self.rows.push((a, end));
        }
    }

    /// partner_a of every pair, in order.
    pub fn a_iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut start = 0u32;
        self.rows.iter().flat_map(move |&(a, end)| {
            let n = (end - start) as usize;
            start = end;
            std::iter::repeat_n(a, n)
        })
    }
}

/// Set sizes of a dimension's partners (row lengths of the incidence).
#[derive(Debug, Clone, Copy)]
pub struct Sizes<'a>(pub &'a crate::graph::Csr);

impl Sizes<'_> {
    /// Items (customers or products) of partner `p`: its `size_a` / `size_b`.
    #[inline]
    pub fn get(&self, p: u32) -> u32 {
        self.0.degree(p as usize) as u32
    }
}

/// One block of `overlap_pairs` rows with every column (what [`CollectSink`] keeps).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairBlock {
    /// `partner_a`: the pair's smaller partner index.
    pub a: Vec<u32>,
    /// `partner_b`: the larger one.
    pub b: Vec<u32>,
    /// `shared`: items both partners have.
    pub shared: Vec<u32>,
    /// `size_a`: partner_a's items.
    pub size_a: Vec<u32>,
    /// `size_b`: partner_b's items.
    pub size_b: Vec<u32>,
    /// `jaccard`: shared / union, in (0, 1].
    pub jaccard: Vec<f64>,
    /// `overlap_coefficient`: shared / the smaller size, in (0, 1].
    pub overlap: Vec<f64>,
    /// `cosine`: shared / √(size_a · size_b), in (0, 1].
    pub cosine: Vec<f64>,
}

impl PairBlock {
    /// Number of pairs (rows) in the block.
    pub fn len(&self) -> usize {
        self.a.len()
    }

    /// Whether the block holds no pair.
    pub fn is_empty(&self) -> bool {
        self.a.is_empty()
    }

    /// Every column of a kernel block (the same [`similarities`] the writer uses).
    pub fn expand(block: &SharedBlock, sizes: Sizes) -> PairBlock {
        let mut out = PairBlock::default();
        for ((a, &b), &shared) in block.a_iter().zip(&block.b).zip(&block.shared) {
            let (size_a, size_b) = (sizes.get(a), sizes.get(b));
            let (j, o, c) = similarities(shared, size_a, size_b);
            out.a.push(a);
            out.b.push(b);
            out.shared.push(shared);
            out.size_a.push(size_a);
            out.size_b.push(size_b);
            out.jaccard.push(j);
            out.overlap.push(o);
            out.cosine.push(c);
        }
        out
    }
}

/// Receives the pair output a window of blocks at a time, in block order (so a writer
/// can turn the blocks of one window into record batches in parallel). `sizes` gives
/// size_a / size_b for the similarity columns.
pub trait PairSink: Send {
    /// Takes the next window of `dimension`'s blocks (customer pairs first, then product
    /// pairs; within a dimension in (partner_a, partner_b) order across calls). An error
    /// stops the pass and is returned by it.
    fn write(&mut self, dimension: Dimension, sizes: Sizes, blocks: &[SharedBlock]) -> Result<()>;
}

/// Collects every block in memory with all its columns: for tests and small inputs.
#[derive(Debug, Default)]
pub struct CollectSink {
    /// Every block received, with its dimension, in the order written.
    pub blocks: Vec<(Dimension, PairBlock)>,
}

impl PairSink for CollectSink {
    fn write(&mut self, dimension: Dimension, sizes: Sizes, blocks: &[SharedBlock]) -> Result<()> {
        self.blocks.extend(
            blocks
                .iter()
                .map(|b| (dimension, PairBlock::expand(b, sizes))),
        );
        Ok(())
    }
}

/// Discards pairs (when only the per-partner columns are wanted).
#[derive(Debug, Default)]
pub struct NullSink;

impl PairSink for NullSink {
    fn write(&mut self, _: Dimension, _: Sizes, _: &[SharedBlock]) -> Result<()> {
        Ok(())
    }
}

/// The per-partner columns of the family, indexed by partner index (id order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnerOverlap {
    /// `max_customer_overlap`: highest customer jaccard with any other partner, 0..=1 (0
    /// without customers).
    pub max_customer_overlap: Vec<f64>,
    /// `overlapping_partners`: partners whose customer jaccard with it is at least
    /// [`OverlapParams::threshold`].
    pub overlapping_partners: Vec<u32>,
    /// `unique_customers`: its customers that no other partner reaches.
    pub unique_customers: Vec<u32>,
    /// `conflicts`: channel_conflicts rows naming it (as partner_a or partner_b).
    pub conflicts: Vec<u32>,
    /// `potential_influence`: amounts of open deals whose customer it already reaches
    /// and on which it is not a partner.
    pub potential_influence: Vec<f64>,
}

impl PartnerOverlap {
    /// Number of partners (length of every column).
    pub fn len(&self) -> usize {
        self.max_customer_overlap.len()
    }

    /// Whether there is no partner.
    pub fn is_empty(&self) -> bool {
        self.max_customer_overlap.is_empty()
    }
}

/// The summary's `overlap` section: the bound in force and the counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OverlapCounts {
    /// The `overlap_pairs` bound in force, per partner and dimension: `--overlap-top-k`
    /// (null = every pair was written). Also in every table's metadata under `overlap`.
    pub top_k: Option<u32>,
    /// Partner pairs sharing >= 1 customer (before any output bound).
    pub customer_pairs: u64,
    /// Partner pairs sharing >= 1 product (before any output bound).
    pub product_pairs: u64,
    /// Customer rows written to overlap_pairs (after the bounds).
    pub customer_pairs_written: u64,
    /// Product rows written to overlap_pairs (after the bounds).
    pub product_pairs_written: u64,
    /// Rows of channel_conflicts.
    pub channel_conflicts: u64,
    /// Customers reached by exactly one partner.
    pub unique_customers: u64,
}

impl OverlapCounts {
    /// Rows of `overlap_pairs`: the customer and product rows after the bounds (what
    /// `--max-pair-rows` limits).
    pub fn rows_written(&self) -> u64 {
        self.customer_pairs_written + self.product_pairs_written
    }
}

/// Everything of the family except the streamed pairs.
#[derive(Debug, Clone, Default)]
pub struct OverlapResult {
    /// The five overlap columns of `partner_metrics`.
    pub partner: PartnerOverlap,
    /// The `overlap_by_type` table, type pairs with at least one overlapping pair.
    pub by_type: Vec<by_type::TypeRow>,
    /// The `channel_conflicts` rows, in output order: listed by [`run`]; None from a
    /// [`plan`], which only counts them (`analyze` streams them to the file,
    /// [`conflicts::ConflictScan`]).
    pub conflicts: Option<conflicts::Conflicts>,
    /// The summary's `overlap` section.
    pub counts: OverlapCounts,
}

/// The whole overlap family on one input: the customer pairs (with the per-partner
/// columns and the partner_type matrix from the same streamed pass), then the product
/// pairs, written to `sink` block by block; channel conflicts, `unique_customers` and
/// `potential_influence` in memory. The module doc explains the passes.
///
/// For a partner manager: account mapping at ecosystem scale, i.e. which partners chase
/// the same accounts or carry the same products, how strongly, and where their deals
/// collide.
///
/// # Arguments
/// * `g`: the graphs of a validated input ([`crate::graph::build`]).
/// * `params`: `threshold` for `overlapping_partners` (0.5), the output bounds
///   `min_jaccard` (none) and `top_k` ([`DEFAULT_TOP_K`]), and `conflict_window_days` (90).
/// * `sink`: receives the `overlap_pairs` blocks ([`CollectSink`] keeps them in memory,
///   [`NullSink`] drops them, the exporter writes them).
/// * `blocking`: the block sizes of the streamed passes; `None` for the defaults (tests
///   pass tiny blocks to exercise the streaming; the pairs are the same for any).
///
/// # Returns
/// * [`OverlapResult`]: the per-partner columns, the `overlap_by_type` rows, the
///   channel conflicts and the summary counts; or the sink's error, or an error when an
///   incidence is too large for `u32` offsets.
///
/// # Complexity
/// * Time complexity: **O(Σ_c k_c² + Σ_x k_x² + m log m + r)** (two half passes' pair
///   steps per dimension, with or without `top_k`).
/// * Auxiliary space: **O(n + L)** plus two windows of blocks of 8 bytes a pair, and
///   with `top_k` 12 bytes per kept row (at most n K per dimension).
///
/// where **k_c** (**k_x**) is the number of partners on customer c (carrying product x),
/// **m** the deals, **r** the conflict rows, **n** the partners and **L** the
/// partner-customer and partner-product links.
///
/// Reference: Gustavson 1978, "Two fast algorithms for sparse matrices", ACM TOMS 4(3)
/// (the row-by-row product behind SciPy's `A @ A.T`); compared with a SciPy / pandas
/// reference in `tests/overlap_fixtures.rs`.
///
/// # Example
/// ```rust
/// use ecograph::metrics::overlap::{run, CollectSink, Dimension, OverlapParams};
/// use ecograph::{graph, config::Settings, validate};
/// # let dir = tempfile::tempdir().unwrap();
/// # let table = |name: &str, csv: &str| std::fs::write(dir.path().join(name), csv).unwrap();
/// // An input folder in contract form (`table` writes one CSV file of it).
/// // Partners A, B, C (indices 0, 1, 2); deals D1..D4 (0..3); customers C1, C2 (0, 1).
/// // Products: A carries X, B carries X and Y.
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
/// table("partner_products.csv", "partner_id,product_id\nA,X\nB,X\nB,Y\n");
/// let tables = validate::load_and_validate(dir.path(), &Settings::contract(), false).unwrap();
/// let g = graph::build(tables);
/// let mut sink = CollectSink::default();
/// let r = run(&g, &OverlapParams::default(), &mut sink, None).unwrap();
/// let pairs: Vec<(Dimension, u32, u32, f64)> = sink
///     .blocks
///     .iter()
///     .flat_map(|(d, b)| (0..b.len()).map(move |i| (*d, b.a[i], b.b[i], b.jaccard[i])))
///     .collect();
/// // A reaches C1 and C2, B and C reach C1: jaccard 1/2, 1/2 and 1. A and B share X.
/// assert_eq!(
///     pairs,
///     vec![
///         (Dimension::Customer, 0, 1, 0.5),
///         (Dimension::Customer, 0, 2, 0.5),
///         (Dimension::Customer, 1, 2, 1.0),
///         (Dimension::Product, 0, 1, 0.5),
///     ]
/// );
/// assert_eq!(r.partner.max_customer_overlap, vec![0.5, 1.0, 1.0]);
/// assert_eq!(r.partner.unique_customers, vec![1, 0, 0]); // only A reaches C2
/// assert_eq!(r.partner.conflicts, vec![1, 0, 1]); // A's D1 and C's D2 collide
/// assert_eq!(r.partner.potential_influence, vec![600.0, 200.0, 400.0]);
/// assert_eq!((r.counts.customer_pairs, r.counts.product_pairs), (3, 1));
/// ```
pub fn run(
    g: &GraphSet,
    params: &OverlapParams,
    sink: &mut dyn PairSink,
    blocking: Option<&pairs::Blocking>,
) -> Result<OverlapResult> {
    let mut r = plan(g, params, blocking)?.write(g, sink, blocking, None)?;
    r.conflicts = Some(conflicts::channel_conflicts(g, params.conflict_window_days));
    Ok(r)
}

/// The overlap family computed in full except the `overlap_pairs` rows: every count,
/// column and table of [`OverlapResult`], and per dimension the kept rows of a top-K
/// bound. Made by [`plan`]; [`OverlapPlan::write`] then writes the pairs.
///
/// `analyze` plans right after building the graphs, so it knows every table's row
/// count before it computes or writes anything else, and can refuse a pair output
/// larger than its limit at once (`--max-pair-rows`), or print the estimate and stop
/// (`--dry-run`).
#[derive(Debug, Clone)]
pub struct OverlapPlan {
    params: OverlapParams,
    customer: pairs::PairPlan,
    product: pairs::PairPlan,
    result: OverlapResult,
}

impl OverlapPlan {
    /// Every result of the family but the pair rows; `counts` already holds the rows the
    /// writing pass will write ([`OverlapCounts::rows_written`]).
    pub fn result(&self) -> &OverlapResult {
        &self.result
    }

    /// Streams the pairs to `sink` (customer pairs, then product pairs) as planned, and
    /// returns the family's results. `blocking`: block sizes (`None`: the defaults; the
    /// same pairs for any blocking); `meter`: where to report the blocks written (`None`:
    /// nowhere).
    pub fn write(
        self,
        g: &GraphSet,
        sink: &mut dyn PairSink,
        blocking: Option<&pairs::Blocking>,
        meter: Option<&Meter>,
    ) -> Result<OverlapResult> {
        let default_blocking = pairs::Blocking::default();
        let blocking = blocking.unwrap_or(&default_blocking);
        let silent = Meter::silent();
        let meter = meter.unwrap_or(&silent);
        let p = &self.params;
        for (dim, rows, items, plan) in [
            (
                Dimension::Customer,
                &g.partner_customers,
                g.customers.len(),
                &self.customer,
            ),
            (
                Dimension::Product,
                &g.partner_products,
                g.products.len(),
                &self.product,
            ),
        ] {
            if plan.streams() {
                let inc = pairs::Incidence::new(rows, items, p)?;
                pairs::write_pairs(&inc, dim, p, plan, sink, blocking, meter)?;
            } else {
                // The plan holds the rows: no transpose to build, no pass to run.
                pairs::write_kept(plan, dim, Sizes(rows), sink, blocking, meter)?;
            }
        }
        Ok(self.result)
    }
}

/// Plans the overlap family on one input (see [`OverlapPlan`]): the customer pass
/// (per-partner columns, by-type matrix, top-K lists), the product's top-K lists, the
/// rows each dimension will write, channel conflicts, `unique_customers` and
/// `potential_influence`. Writes nothing. Time: [`run`]'s, less the writing pass of the
/// dimensions without a top-K bound. `blocking`: block sizes (`None`: the defaults;
/// tests use tiny blocks to exercise the streaming).
pub fn plan(
    g: &GraphSet,
    params: &OverlapParams,
    blocking: Option<&pairs::Blocking>,
) -> Result<OverlapPlan> {
    let default_blocking = pairs::Blocking::default();
    let blocking = blocking.unwrap_or(&default_blocking);
    let types = by_type::PartnerTypes::new(&g.partners.partner_type);
    let customers = pairs::Incidence::new(&g.partner_customers, g.customers.len(), params)?;
    let cust = pairs::customer_pass(&customers, &types, params, blocking)?;
    let unique = partner::unique_customers(&customers);
    drop(customers);
    let products = pairs::Incidence::new(&g.partner_products, g.products.len(), params)?;
    let product = pairs::plan_pairs(&products, Dimension::Product, params, blocking)?;
    drop(products);
    Ok(finish_plan(g, params, types, cust, unique, product))
}

/// [`plan`] with both dimensions' pair products computed in blocks by `runner` (the
/// Spark job's executors, or [`shard::Local`]): the same plan to the bit (see
/// [`shard`]). `blocking`: the blocks' work (`None`:
/// [`shard::DISTRIBUTED_BLOCK_WORK`]).
pub fn plan_with(
    g: &GraphSet,
    params: &OverlapParams,
    runner: &dyn shard::ShardRunner,
    blocking: Option<&pairs::Blocking>,
) -> Result<OverlapPlan> {
    let distributed = pairs::Blocking {
        work: shard::DISTRIBUTED_BLOCK_WORK,
        max_partners: usize::MAX,
        window: 0,
    };
    let blocking = blocking.unwrap_or(&distributed);
    let types = by_type::PartnerTypes::new(&g.partners.partner_type);
    let run = |name: &str, rows: &crate::graph::Csr, items: usize| {
        shard::run_dimension(runner, name, rows, items, &types, params, blocking)
    };
    let customers = run(
        Dimension::Customer.name(),
        &g.partner_customers,
        g.customers.len(),
    )?;
    let unique = customers.unique.clone();
    let cust = customers.customer_pass(params);
    let product = run(
        Dimension::Product.name(),
        &g.partner_products,
        g.products.len(),
    )?
    .plan(params);
    Ok(finish_plan(g, params, types, cust, unique, product))
}

/// The plan from both dimensions' passes: channel conflicts counted, the per-partner
/// columns and counts put together.
fn finish_plan(
    g: &GraphSet,
    params: &OverlapParams,
    types: by_type::PartnerTypes,
    cust: pairs::CustomerPass,
    unique: Vec<u32>,
    product: pairs::PairPlan,
) -> OverlapPlan {
    let (conflict_rows, conflicts_per_partner) =
        conflicts::ConflictScan::new(g, params.conflict_window_days).count(g);
    let counts = OverlapCounts {
        top_k: params.top_k,
        customer_pairs: cust.plan.pairs,
        product_pairs: product.pairs,
        customer_pairs_written: cust.plan.rows,
        product_pairs_written: product.rows,
        channel_conflicts: conflict_rows,
        unique_customers: unique.iter().map(|&u| u64::from(u)).sum(),
    };
    let partner = PartnerOverlap {
        max_customer_overlap: cust.max_jaccard,
        overlapping_partners: cust.overlapping,
        unique_customers: unique,
        conflicts: conflicts_per_partner,
        potential_influence: partner::potential_influence(g),
    };
    OverlapPlan {
        params: *params,
        customer: cust.plan,
        product,
        result: OverlapResult {
            partner,
            by_type: types.rows(&cust.by_type),
            conflicts: None,
            counts,
        },
    }
}
