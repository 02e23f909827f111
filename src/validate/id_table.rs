//! Ids looked up by their text without storing the text twice: a hash table of `u32`
//! row numbers whose keys are read from the id column itself.
//!
//! A `HashMap<&str, u32>` costs 24 bytes a slot (a 16-byte `&str` and the value) plus
//! the control byte; this table costs 4 + 1. At 50M deals, the duplicate check's map and
//! the index deal_partners resolves against were 1.7 GB and 1.4 GB of the load's peak;
//! as row tables they are 0.34 GB each. The text is hashed with FxHash, as before, and
//! compared byte for byte on a hit, so the answers are those of the maps they replace.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashSet};

/// The hash of an id's bytes (every id is hashed as bytes, found or inserted).
fn hash(id: &[u8]) -> u64 {
    FxBuildHasher.hash_one(id)
}

/// Rows by the id they hold, where `id_of(row)` reads a row's id.
#[derive(Default)]
pub(super) struct RowsById {
    table: HashTable<u32>,
}

impl RowsById {
    /// Room for `n` ids without growing.
    pub(super) fn with_capacity(n: usize) -> RowsById {
        RowsById {
            table: HashTable::with_capacity(n),
        }
    }

    /// The row holding `id`, if one was inserted.
    pub(super) fn get<'s>(&self, id: &[u8], id_of: impl Fn(u32) -> &'s [u8]) -> Option<u32> {
        self.table.find(hash(id), |&r| id_of(r) == id).copied()
    }

    /// The first row inserted with `id`, or else inserts `row` for it and returns
    /// `None`. `id_of` must read every row inserted so far (not `row` itself).
    pub(super) fn first_or_insert<'s>(
        &mut self,
        id: &[u8],
        row: u32,
        id_of: impl Fn(u32) -> &'s [u8],
    ) -> Option<u32> {
        let h = hash(id);
        if let Some(&first) = self.table.find(h, |&r| id_of(r) == id) {
            return Some(first);
        }
        self.table.insert_unique(h, row, |&r| hash(id_of(r)));
        None
    }
}

/// Id -> kept row of a table that others reference (partners, deals), `u32::MAX` for an
/// id found only on rejected rows: what deal_partners and partner_products resolve
/// their references against.
pub(super) struct IdIndex<'a> {
    /// Kept row -> its id.
    kept: Box<dyn Fn(u32) -> &'a str + Sync + 'a>,
    rows: RowsById,
    /// Ids of rejected rows that no kept row holds.
    rejected: FxHashSet<&'a str>,
}

impl<'a> IdIndex<'a> {
    /// The index of `n` kept rows whose ids `kept` reads, and of the ids of rejected
    /// rows `rejected`. A duplicate keeps its first row's mapping.
    pub(super) fn new(
        n: usize,
        kept: impl Fn(u32) -> &'a str + Sync + 'a,
        rejected: &'a [String],
    ) -> IdIndex<'a> {
        let mut rows = RowsById::with_capacity(n);
        for k in 0..n as u32 {
            rows.first_or_insert(kept(k).as_bytes(), k, |r| kept(r).as_bytes());
        }
        let mut others = FxHashSet::default();
        for id in rejected {
            if rows.get(id.as_bytes(), |r| kept(r).as_bytes()).is_none() {
                others.insert(id.as_str());
            }
        }
        IdIndex {
            kept: Box::new(kept),
            rows,
            rejected: others,
        }
    }

    /// The kept row of `id`; `Some(u32::MAX)` when only rejected rows hold it; `None`
    /// when no row does.
    pub(super) fn get(&self, id: &str) -> Option<u32> {
        self.rows
            .get(id.as_bytes(), |r| (self.kept)(r).as_bytes())
            .or_else(|| self.rejected.contains(id).then_some(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rustc_hash::FxHashMap;

    proptest! {
        /// The index answers as the `HashMap<&str, u32>` it replaced: kept ids to their
        /// first kept row, other rejected ids to `u32::MAX`, anything else to nothing.
        #[test]
        fn index_answers_as_the_map(
            kept in proptest::collection::vec("[a-e]{0,3}", 0..60),
            rejected in proptest::collection::vec("[a-g]{0,3}", 0..20),
            asked in proptest::collection::vec("[a-h]{0,3}", 0..40),
        ) {
            let mut map: FxHashMap<&str, u32> = FxHashMap::default();
            for (k, id) in kept.iter().enumerate() {
                map.entry(id.as_str()).or_insert(k as u32);
            }
            for id in &rejected {
                map.entry(id.as_str()).or_insert(u32::MAX);
            }
            let index = IdIndex::new(kept.len(), |r| kept[r as usize].as_str(), &rejected);
            for id in kept.iter().chain(&rejected).chain(&asked) {
                prop_assert_eq!(index.get(id), map.get(id.as_str()).copied(), "{}", id);
            }
        }

        /// `first_or_insert` gives each repeated id its first row, through growth.
        #[test]
        fn first_rows_of_repeated_ids(ids in proptest::collection::vec("[a-z]{0,2}", 0..300)) {
            let mut rows = RowsById::default();
            let mut first: FxHashMap<&str, u32> = FxHashMap::default();
            for (r, id) in ids.iter().enumerate() {
                let got = rows.first_or_insert(id.as_bytes(), r as u32, |x| ids[x as usize].as_bytes());
                prop_assert_eq!(got, first.get(id.as_str()).copied());
                first.entry(id.as_str()).or_insert(r as u32);
            }
        }
    }
}
