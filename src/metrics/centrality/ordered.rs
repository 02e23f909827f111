//! Deterministic parallel reduction over fixed chunks of work items.
//!
//! Per-source kernels (Brandes, breadth-first searches) add floating-point partial
//! results into one vector per node. Adding them in whatever order threads finish would
//! change the last bits between runs, so here the items are cut into chunks of a fixed
//! size, each chunk fills its own partial vector, and the partials are folded into the
//! total strictly in chunk order. Chunks are computed a window at a time, so memory is
//! bounded by the window, while results depend only on the chunk size, never on the
//! thread count or the window.

use rayon::prelude::*;

use crate::progress::Meter;

/// Folds `chunk(range, &mut partial)` over `0..items` cut into chunks of `chunk_size`,
/// in chunk order, into a zeroed `len`-long vector. `init()` gives a fresh partial and
/// `add(total, partial)` folds one partial in. Reports its progress to `meter`, if any:
/// `items` `unit`s in all, advanced after each window (from the calling thread, so
/// workers never wait on the display).
pub(crate) fn ordered_fold<P: Send>(
    items: usize,
    chunk_size: usize,
    meter: Option<&Meter>,
    unit: &'static str,
    init: impl Fn() -> P + Sync,
    chunk: impl Fn(std::ops::Range<usize>, &mut P) + Sync,
    mut add: impl FnMut(&mut P, &P),
) -> P {
    let silent = Meter::silent();
    let meter = meter.unwrap_or(&silent);
    meter.start(items as u64, unit);
    let chunk_size = chunk_size.max(1);
    let chunks = items.div_ceil(chunk_size);
    let window = 4 * rayon::current_num_threads().max(1);
    let mut total = init();
    let mut start = 0;
    while start < chunks {
        let end = (start + window).min(chunks);
        let partials: Vec<P> = (start..end)
            .into_par_iter()
            .map(|c| {
                let mut p = init();
                chunk(c * chunk_size..((c + 1) * chunk_size).min(items), &mut p);
                p
            })
            .collect();
        for p in &partials {
            add(&mut total, p);
        }
        meter.add((((end * chunk_size).min(items)) - (start * chunk_size).min(items)) as u64);
        start = end;
    }
    total
}

/// `total[i] += part[i]` for float vectors.
pub(crate) fn add_into(total: &mut [f64], part: &[f64]) {
    for (t, p) in total.iter_mut().zip(part) {
        *t += p;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bits_for_any_thread_count() {
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    ordered_fold(
                        10_007,
                        13,
                        None,
                        "items",
                        || vec![0.0f64; 3],
                        |r, p| {
                            for i in r {
                                p[i % 3] += 1.0 / (i as f64 + 0.1);
                            }
                        },
                        |t, p| add_into(t, p),
                    )
                })
        };
        assert_eq!(run(1), run(3));
    }
}
