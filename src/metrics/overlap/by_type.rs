//! `overlap_by_type`: the account-mapping matrix by partner_type x partner_type.
//!
//! For types s <= t (text byte order; a partner without a type is grouped under a null
//! type, which sorts after every text): pairs = number of partner pairs {p, q}, one of
//! type s and the other of type t, sharing at least one customer; shared_customers =
//! Σ shared over those pairs; possible_pairs = n_s · n_t (C(n_s, 2) when s = t), so
//! pair_density = pairs / possible_pairs compares type pairs of different sizes. Only
//! type pairs with at least one overlapping partner pair are listed (the table stays
//! small whatever the number of types).
//!
//! Computed inside the streamed customer pass (each pair q > p adds to its type cell),
//! never from a materialized pair list; integer sums, so the block order of the merge
//! cannot change a bit. Complexity: O(pairs) on top of the pass, O(types²) memory at worst.
//!
//! For a partner manager: which kinds of partner collide on the same accounts (resellers
//! with MSPs more than with ISVs?), normalized for how many partners of each kind exist.

use std::collections::BTreeMap;

/// Partner types interned in byte order, null last.
#[derive(Debug, Clone)]
pub struct PartnerTypes {
    code: Vec<u32>,
    labels: Vec<Option<String>>,
    counts: Vec<u64>,
}

/// One row of `overlap_by_type`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeRow {
    /// `type_a`: a partner type; `None` (null) for partners without one.
    pub type_a: Option<String>,
    /// `type_b`: the other type, `type_a <= type_b` (null last; may equal type_a).
    pub type_b: Option<String>,
    /// `partners_a`: partners of type_a.
    pub partners_a: u64,
    /// `partners_b`: partners of type_b.
    pub partners_b: u64,
    /// `possible_pairs`: pairs of distinct partners the two types can form, n_a · n_b
    /// (C(n_a, 2) when type_a = type_b).
    pub possible_pairs: u64,
    /// `pairs`: of those, the pairs sharing at least one customer (at least 1 in a row).
    pub pairs: u64,
    /// `shared_customers`: customers those pairs share, summed over the pairs.
    pub shared_customers: u64,
    /// `pair_density`: pairs / possible_pairs, in (0, 1].
    pub pair_density: f64,
}

impl PartnerTypes {
    /// Interns the partner_type of every partner (indexed by partner index, `None` when
    /// null) and counts the partners of each type.
    pub fn new(types: &[Option<String>]) -> PartnerTypes {
        let mut labels: Vec<Option<String>> = types.to_vec();
        // Some(_) < None would be wrong for Option's derived order (None is smallest):
        // sort texts by bytes and put null last.
        labels.sort_by(|a, b| match (a, b) {
            (Some(x), Some(y)) => x.as_bytes().cmp(y.as_bytes()),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        labels.dedup();
        let index: std::collections::HashMap<&Option<String>, u32> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l, i as u32))
            .collect();
        let code: Vec<u32> = types.iter().map(|t| index[t]).collect();
        let mut counts = vec![0u64; labels.len()];
        for &c in &code {
            counts[c as usize] += 1;
        }
        PartnerTypes {
            code,
            labels,
            counts,
        }
    }

    /// Number of distinct types, the null type included when some partner has none.
    pub(crate) fn len(&self) -> usize {
        self.labels.len()
    }

    /// Type code of partner `p`: its type's rank in byte order, null last.
    pub(crate) fn code(&self, p: usize) -> u32 {
        self.code[p]
    }

    /// The table rows from the summed cells `(type_a, type_b) -> (pairs, shared)`.
    pub fn rows(&self, cells: &BTreeMap<(u32, u32), (u64, u64)>) -> Vec<TypeRow> {
        cells
            .iter()
            .map(|(&(a, b), &(pairs, shared))| {
                let (na, nb) = (self.counts[a as usize], self.counts[b as usize]);
                let possible = if a == b {
                    na * na.saturating_sub(1) / 2
                } else {
                    na * nb
                };
                TypeRow {
                    type_a: self.labels[a as usize].clone(),
                    type_b: self.labels[b as usize].clone(),
                    partners_a: na,
                    partners_b: nb,
                    possible_pairs: possible,
                    pairs,
                    shared_customers: shared,
                    pair_density: pairs as f64 / possible as f64,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_type_sorts_last() {
        let t = PartnerTypes::new(&[
            Some("msp".into()),
            None,
            Some("isv".into()),
            Some("msp".into()),
        ]);
        assert_eq!(t.len(), 3);
        assert_eq!((t.code(0), t.code(1), t.code(2), t.code(3)), (1, 2, 0, 1));
        let rows = t.rows(&BTreeMap::from([((0, 1), (2, 5)), ((1, 1), (1, 1))]));
        assert_eq!(rows[0].type_a.as_deref(), Some("isv"));
        assert_eq!(rows[0].possible_pairs, 2);
        assert_eq!(rows[1].possible_pairs, 1);
        assert_eq!(rows[1].pair_density, 1.0);
    }
}
