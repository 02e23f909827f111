//! One pass over every block of partner rows, the streamed, writer-facing part of the
//! pair product: blocks are computed a window at a time in parallel (one block per
//! thread, order-preserving collect) and handed to the sink in block order, which
//! writes window k while window k + 1 is computed, so at most two windows of pairs are
//! alive (memory bounds in [the parent module](super)).
//!
//! Kept apart from the kernel (how a block is computed) and from the plan (which passes
//! a dimension needs): this is where pools, windows and the sink meet.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;

use super::kernel::{compute_block, BlockOut, Scratch, Tasks, TypeSums, Walk};
use super::{Blocking, Incidence};
use crate::error::{Error, Result};
use crate::metrics::overlap::{Dimension, PairSink, SharedBlock};
use crate::progress::Meter;

/// Results of one pass, concatenated in partner order / merged.
#[derive(Default)]
pub(super) struct PassOut {
    pub(super) total: u64,
    pub(super) written: u64,
    /// The top-K lists of every partner, in partner order.
    pub(super) top: Vec<(u32, u32, u32)>,
    pub(super) types: BTreeMap<(u32, u32), (u64, u64)>,
}

/// One pass over the blocks of `inc` doing `tasks`, reporting the blocks done to
/// `meter`.
pub(super) fn pass(
    inc: &Incidence,
    dim: Dimension,
    tasks: &Tasks,
    types: usize,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
    meter: &Meter,
) -> Result<PassOut> {
    if tasks.full && !inc.t.full() {
        return Err(Error::Parameter(
            "overlap: a full-row pass needs the transpose with heads (Incidence::new with \
             the pass's parameters)"
                .into(),
        ));
    }
    let n = inc.partners();
    let blocks = blocking.blocks(inc);
    let sizes = inc.sizes();
    meter.start(
        blocks.len() as u64,
        match dim {
            Dimension::Customer => "customer pair blocks",
            Dimension::Product => "product pair blocks",
        },
    );
    // Pools: a scratch per concurrently running block (at most one per thread), and the
    // pair buffers of two windows; both come back clean (the walk resets itself, buffers
    // are cleared on reuse), so which task gets which never shows in the output.
    let scratches: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());
    let buffers: Mutex<Vec<SharedBlock>> = Mutex::new(Vec::new());
    let take_scratch = || {
        let pooled = scratches.lock().ok().and_then(|mut v| v.pop());
        pooled.unwrap_or_else(|| Scratch {
            walk: Walk::new(n),
            types: tasks.stats.map(|_| TypeSums::new(types)),
            keys: Vec::new(),
        })
    };
    let compute = |window: &[Range<usize>]| -> Vec<BlockOut> {
        window
            .par_iter()
            .map(|r| {
                let mut s = take_scratch();
                let buf = buffers
                    .lock()
                    .ok()
                    .and_then(|mut v| v.pop())
                    .unwrap_or_default();
                let out = compute_block(inc, r.clone(), tasks, &mut s, buf);
                if let Ok(mut v) = scratches.lock() {
                    v.push(s);
                }
                out
            })
            .collect()
    };
    let recycle = |blocks: Vec<SharedBlock>| {
        if let Ok(mut v) = buffers.lock() {
            v.extend(blocks);
        }
    };
    let mut acc = PassOut::default();
    // The sink writes window k while window k + 1 is computed (so at most two windows
    // of pairs are alive); the order of writes is the block order.
    let mut pending: Option<Vec<SharedBlock>> = None;
    for window in blocks.chunks(blocking.window_len()) {
        let outs = match pending.take() {
            Some(prev) => {
                let (written, outs) = rayon::join(
                    || sink.write(dim, sizes, &prev).map(|()| prev),
                    || compute(window),
                );
                recycle(written?);
                outs
            }
            None => compute(window),
        };
        meter.add(outs.len() as u64);
        let mut pairs = Vec::with_capacity(outs.len());
        for o in outs {
            acc.total += o.total;
            acc.written += o.pairs.len() as u64;
            acc.top.extend(o.top);
            if o.pairs.is_empty() {
                recycle(vec![o.pairs]);
            } else {
                pairs.push(o.pairs);
            }
        }
        if tasks.emit.is_some() && !pairs.is_empty() {
            pending = Some(pairs);
        }
    }
    if let Some(prev) = pending {
        sink.write(dim, sizes, &prev)?;
    }
    let scratches = scratches.into_inner().unwrap_or_default();
    for ts in scratches.into_iter().filter_map(|s| s.types) {
        for (k, (np, ns)) in ts.cells {
            let e = acc.types.entry(k).or_default();
            e.0 += np;
            e.1 += ns;
        }
    }
    Ok(acc)
}
