//! The typed rows validation produces and the graph build reorders. One shape, two
//! invariants, told apart by type: [`FileOrder`] rows are in the order of the input
//! file with keys into the validator's dictionaries; [`IdOrder`] rows (the graph
//! build's [`crate::graph::Partners`] and [`crate::graph::Deals`]) are sorted by id
//! with keys into `GraphSet::customers`, `products` and `regions`. Only the crate can
//! make either (a private field), so a value of these types always holds its invariant.

use std::marker::PhantomData;

use arrow::array::{Array, LargeStringArray, UInt32Array};

use crate::schema::{Role, Stage};

/// Rows in the input file's order (rejected rows removed); keys are validator
/// dictionary codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileOrder;

/// Rows sorted by the bytes of their id (index = the graph's partner or deal index);
/// keys index the `GraphSet` id lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdOrder;

/// Partner attributes, one entry per partner, in the order `O`.
#[derive(Debug, Clone)]
pub struct PartnerRows<O> {
    /// partner_id.
    pub id: Vec<String>,
    /// name (null when absent).
    pub name: Vec<Option<String>>,
    /// partner_type, after the config's value mapping.
    pub partner_type: Vec<Option<String>>,
    /// tier, after the config's value mapping.
    pub tier: Vec<Option<String>>,
    /// region, after the config's value mapping.
    pub region: Vec<Option<String>>,
    /// joined_at, milliseconds since the epoch (UTC).
    pub joined_ms: Vec<Option<i64>>,
    pub(crate) order: PhantomData<O>,
}

/// Deal attributes, one entry per deal, in the order `O`. Keys are dictionary codes
/// ([`crate::validate::NULL`] for null): the validator's in [`FileOrder`], indices into
/// `GraphSet::customers` / `products` / `regions` in [`IdOrder`].
#[derive(Debug, Clone)]
pub struct DealRows<O> {
    /// deal_id, in one buffer ([`Ids`]: a deals table is the largest one).
    pub id: Ids,
    /// customer_id key.
    pub customer: Vec<u32>,
    /// product_id key.
    pub product: Vec<u32>,
    /// Null amounts are 0 (contract §1).
    pub amount: Vec<f64>,
    /// Stage, after the config's vocabulary (null = won).
    pub stage: Vec<Stage>,
    /// created_at, milliseconds since the epoch (UTC).
    pub created_ms: Vec<Option<i64>>,
    /// closed_at, milliseconds since the epoch (UTC).
    pub closed_ms: Vec<Option<i64>>,
    /// region key.
    pub region: Vec<u32>,
    pub(crate) order: PhantomData<O>,
}

/// One deal_partners row with both ends resolved to file-order row indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// Deal row.
    pub deal: u32,
    /// Partner row.
    pub partner: u32,
    /// The partner's role on the deal (null = influenced).
    pub role: Role,
}

/// A column of ids in one contiguous buffer (Arrow `LargeUtf8`, no nulls): 8 bytes of
/// offset plus the id's bytes a row, against about 56 for a `Vec<String>` (a 24-byte
/// `String` and its own allocation). At 50 M deals that is 0.9 GB instead of 2.8.
#[derive(Debug, Clone, PartialEq)]
pub struct Ids(LargeStringArray);

impl Ids {
    /// Number of ids.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no id.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Id `i`.
    pub fn get(&self, i: usize) -> &str {
        self.0.value(i)
    }

    /// The ids in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.0.value(i))
    }

    /// The ids at `rows` (a null there is an empty id), in that order.
    pub(crate) fn take(ids: &LargeStringArray, rows: impl ExactSizeIterator<Item = u32>) -> Ids {
        let idx = UInt32Array::from_iter_values(rows);
        let taken = arrow::compute::take(ids, &idx, None).expect("row indices are in range");
        let taken = taken
            .as_any()
            .downcast_ref::<LargeStringArray>()
            .expect("take keeps the type")
            .clone();
        if taken.null_count() == 0 {
            Ids(taken)
        } else {
            Ids(taken.iter().map(|v| Some(v.unwrap_or(""))).collect())
        }
    }

    /// The ids of the rows `kept` (ascending, as validation keeps them; a null there is
    /// an empty id). When every row is kept the column is shared, not copied.
    pub(crate) fn kept(ids: &LargeStringArray, kept: &[usize]) -> Ids {
        if kept.len() == ids.len() && ids.null_count() == 0 {
            return Ids(ids.clone());
        }
        Ids::take(ids, kept.iter().map(|&r| r as u32))
    }

    /// The column as Arrow.
    pub fn as_arrow(&self) -> &LargeStringArray {
        &self.0
    }
}

impl Default for Ids {
    /// No ids.
    fn default() -> Ids {
        std::iter::empty::<&str>().collect()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Ids {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Ids(LargeStringArray::from_iter_values(iter))
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Ids {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Ids {
    fn eq(&self, other: &[S; N]) -> bool {
        self == other.as_slice()
    }
}
