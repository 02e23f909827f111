//! The overlap family's tables as Arrow batches: `overlap_pairs` (streamed through
//! [`PairWriter`]), `channel_conflicts` and `overlap_by_type`.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray, StringBuilder};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::Result;
use crate::graph::GraphSet;
use crate::io::out::write::TableWriter;
use crate::metrics::overlap::by_type::TypeRow;
use crate::metrics::overlap::conflicts::Conflict;
use crate::metrics::overlap::{Dimension, PairBlock, PairSink, SharedBlock, Sizes};
use crate::schema::out;

/// Schema of `overlap_pairs` (fixed before the first block is written).
pub fn pair_schema() -> SchemaRef {
    out::OVERLAP_PAIRS.schema()
}

fn ints<T: Copy + Into<i64>>(v: &[T]) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(v.iter().map(|&x| x.into())))
}

fn ids(names: &[String], idx: impl Iterator<Item = u32>, len: usize) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(len, 8 * len);
    for i in idx {
        b.append_value(names[i as usize].as_str());
    }
    Arc::new(b.finish())
}

/// One block of pairs as a batch of `overlap_pairs`: the sizes and similarity columns
/// come from [`PairBlock::expand`] (the one place that derives them, with
/// [`similarities`](crate::metrics::overlap::similarities)), so every caller writes the
/// same bits; the ids and the dimension are added here.
pub(crate) fn pair_batch(
    partner_ids: &[String],
    dim: Dimension,
    sizes: Sizes,
    b: &SharedBlock,
) -> RecordBatch {
    let PairBlock {
        a,
        b,
        shared,
        size_a,
        size_b,
        jaccard,
        overlap,
        cosine,
    } = PairBlock::expand(b, sizes);
    let n = a.len();
    let dim_col: ArrayRef = Arc::new(StringArray::from_iter_values(std::iter::repeat_n(
        dim.name(),
        n,
    )));
    out::OVERLAP_PAIRS.batch(vec![
        ids(partner_ids, a.iter().copied(), n),
        ids(partner_ids, b.iter().copied(), n),
        dim_col,
        ints(&shared),
        ints(&size_a),
        ints(&size_b),
        Arc::new(Float64Array::from(jaccard)),
        Arc::new(Float64Array::from(overlap)),
        Arc::new(Float64Array::from(cosine)),
    ])
}

/// Streams pair blocks into an `overlap_pairs` table: the batches of one window are
/// built in parallel, then written in block order
/// ([`write_windowed`](super::tables::write_windowed)).
pub struct PairWriter<'a> {
    /// The open `overlap_pairs` table (schema [`pair_schema`]); the caller finishes it
    /// after the overlap run.
    pub writer: TableWriter,
    /// Partner ids by partner index (`GraphSet::partners.id`), to write ids, not
    /// indices.
    pub partner_ids: &'a [String],
}

impl PairSink for PairWriter<'_> {
    fn write(&mut self, dim: Dimension, sizes: Sizes, blocks: &[SharedBlock]) -> Result<()> {
        let (ids, writer) = (self.partner_ids, &mut self.writer);
        // The kernel hands one window at a time: its blocks are one window here.
        super::tables::write_windowed(
            blocks,
            blocks.len(),
            |b| pair_batch(ids, dim, sizes, b),
            |batch| writer.write(&batch),
        )
    }
}

/// `channel_conflicts` rows `r` (in output order) as one batch.
pub fn channel_conflicts(g: &GraphSet, r: &[Conflict]) -> RecordBatch {
    let text = |names: &[String], f: &dyn Fn(usize) -> u32| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(
            (0..r.len()).map(|i| names[f(i) as usize].as_str()),
        ))
    };
    let deal = |f: &dyn Fn(usize) -> u32| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(
            (0..r.len()).map(|i| g.deals.id.get(f(i) as usize)),
        ))
    };
    let amount = |f: &dyn Fn(usize) -> u32| -> ArrayRef {
        Arc::new(Float64Array::from_iter_values(
            (0..r.len()).map(|i| g.deals.amount[f(i) as usize]),
        ))
    };
    let stage = |f: &dyn Fn(usize) -> u32| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(
            (0..r.len()).map(|i| g.deals.stage[f(i) as usize].word()),
        ))
    };
    out::CHANNEL_CONFLICTS.batch(vec![
        text(&g.customers, &|i| r[i].customer),
        text(&g.products, &|i| r[i].product),
        deal(&|i| r[i].deal_a),
        deal(&|i| r[i].deal_b),
        text(&g.partners.id, &|i| r[i].partner_a),
        text(&g.partners.id, &|i| r[i].partner_b),
        Arc::new(Float64Array::from_iter_values(
            r.iter().map(|x| x.days_apart),
        )),
        amount(&|i| r[i].deal_a),
        amount(&|i| r[i].deal_b),
        stage(&|i| r[i].deal_a),
        stage(&|i| r[i].deal_b),
    ])
}

/// `overlap_by_type`.
pub fn overlap_by_type(rows: &[TypeRow]) -> RecordBatch {
    let u = |f: &dyn Fn(&TypeRow) -> u64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(
            rows.iter().map(|r| f(r) as i64),
        ))
    };
    out::OVERLAP_BY_TYPE.batch(vec![
        Arc::new(StringArray::from_iter(
            rows.iter().map(|r| r.type_a.as_deref()),
        )),
        Arc::new(StringArray::from_iter(
            rows.iter().map(|r| r.type_b.as_deref()),
        )),
        u(&|r| r.partners_a),
        u(&|r| r.partners_b),
        u(&|r| r.possible_pairs),
        u(&|r| r.pairs),
        u(&|r| r.shared_customers),
        Arc::new(Float64Array::from_iter_values(
            rows.iter().map(|r| r.pair_density),
        )),
    ])
}
