//! The typed rows validation produces and the graph build reorders. One shape, two
//! invariants, told apart by type: [`FileOrder`] rows are in the order of the input
//! file with keys into the validator's dictionaries; [`IdOrder`] rows (the graph
//! build's [`crate::build::Partners`] and [`crate::build::Deals`]) are sorted by id
//! with keys into `GraphSet::customers`, `products` and `regions`. Only the crate can
//! make either (a private field), so a value of these types always holds its invariant.

use std::marker::PhantomData;

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
    /// deal_id.
    pub id: Vec<String>,
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
