//! Company names for partners and customers, built from the word tables of
//! [`super::vocab`]; a few contain a comma or a double quote to exercise CSV quoting.

use std::fmt::Write;

use rand::Rng;

use super::vocab::NAME_HEADS;

/// Replaces `out` with a name from the word tables: `Head Tail 123`, sometimes with a
/// comma (`..., Inc.`) or a quoted head (`"Head" Tail 123`).
pub(crate) fn company_name<R: Rng>(rng: &mut R, tails: &[&str], out: &mut String) {
    out.clear();
    let head = NAME_HEADS[rng.random_range(0..NAME_HEADS.len())];
    let tail = tails[rng.random_range(0..tails.len())];
    let number = rng.random_range(1..1000u32);
    let quirk = rng.random_range(0..1000u32);
    let _ = match quirk {
        0..=4 => write!(out, "\"{head}\" {tail} {number}"),
        5..=19 => write!(out, "{head} {tail} {number}, Inc."),
        20..=24 => write!(out, "{head} & {tail}, LLC"),
        _ => write!(out, "{head} {tail} {number}"),
    };
}
