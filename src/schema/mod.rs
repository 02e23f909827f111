//! Input and output schemas, defined once: table names, column names and the
//! vocabularies of the data contract (`DATA_CONTRACT.md` §1 and §3).

/// Version of the output schema, written into every output file's metadata and the
/// summary. Bump it when a column is renamed, retyped or removed.
pub const OUTPUT_SCHEMA_VERSION: u32 = 1;

/// What a column holds, which decides how it is parsed and which Parquet/Arrow types
/// are accepted for it (contract §4 "Parquet / Arrow types").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Non-empty string id; integer columns are read as their decimal text.
    Id,
    /// Free text (names, types, regions, stage and role words).
    Text,
    /// Non-negative finite number; null means 0.
    Amount,
    /// ISO 8601 date or timestamp.
    Date,
}

/// One column of an input table.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: ColumnKind,
    pub required: bool,
}

const fn col(name: &'static str, kind: ColumnKind, required: bool) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required,
    }
}

/// One input table of the contract.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub name: &'static str,
    pub required: bool,
    pub columns: &'static [ColumnSpec],
}

use ColumnKind::*;

pub const PARTNERS: TableSpec = TableSpec {
    name: "partners",
    required: true,
    columns: &[
        col("partner_id", Id, true),
        col("name", Text, false),
        col("partner_type", Text, false),
        col("tier", Text, false),
        col("region", Text, false),
        col("joined_at", Date, false),
    ],
};

pub const DEALS: TableSpec = TableSpec {
    name: "deals",
    required: true,
    columns: &[
        col("deal_id", Id, true),
        col("customer_id", Id, false),
        col("product_id", Id, false),
        col("amount", Amount, false),
        col("stage", Text, false),
        col("created_at", Date, false),
        col("closed_at", Date, false),
        col("region", Text, false),
    ],
};

pub const DEAL_PARTNERS: TableSpec = TableSpec {
    name: "deal_partners",
    required: true,
    columns: &[
        col("deal_id", Id, true),
        col("partner_id", Id, true),
        col("role", Text, false),
    ],
};

pub const PARTNER_PRODUCTS: TableSpec = TableSpec {
    name: "partner_products",
    required: false,
    columns: &[
        col("partner_id", Id, true),
        col("product_id", Id, true),
        col("relation", Text, false),
    ],
};

pub const PRODUCTS: TableSpec = TableSpec {
    name: "products",
    required: false,
    columns: &[
        col("product_id", Id, true),
        col("name", Text, false),
        col("category", Text, false),
    ],
};

pub const CUSTOMERS: TableSpec = TableSpec {
    name: "customers",
    required: false,
    columns: &[
        col("customer_id", Id, true),
        col("name", Text, false),
        col("segment", Text, false),
        col("industry", Text, false),
        col("region", Text, false),
    ],
};

/// The six tables, in the order they are loaded and reported.
pub const TABLES: [TableSpec; 6] = [
    PARTNERS,
    DEALS,
    DEAL_PARTNERS,
    PARTNER_PRODUCTS,
    PRODUCTS,
    CUSTOMERS,
];

/// Deal stage (contract §1: `won`, `lost` or `open`; null = `won`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Won,
    Lost,
    Open,
}

impl Stage {
    pub const WORDS: [(&'static str, Stage); 3] = [
        ("won", Stage::Won),
        ("lost", Stage::Lost),
        ("open", Stage::Open),
    ];
}

/// A partner's role on a deal (contract §1; null = `influenced`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Sourced,
    Influenced,
    CoSell,
    Fulfilled,
    Referral,
}

impl Role {
    pub const WORDS: [(&'static str, Role); 5] = [
        ("sourced", Role::Sourced),
        ("influenced", Role::Influenced),
        ("co_sell", Role::CoSell),
        ("fulfilled", Role::Fulfilled),
        ("referral", Role::Referral),
    ];
}

/// The output tables, declared once: [`outputs`].
pub mod outputs;

/// Output tables by name (`out::PARTNER_METRICS.name`, `out::SUMMARY_FILE`).
pub mod out {
    pub use super::outputs::{
        CHANNEL_CONFLICTS, COMMUNITIES, DIVERSIFICATION, NETWORK_GROWTH, OVERLAP_BY_TYPE,
        OVERLAP_PAIRS, PARTNER_METRICS, REJECTED_ROWS, RESILIENCE,
    };

    /// The run summary (JSON), beside the tables.
    pub const SUMMARY_FILE: &str = "ecosystem_summary.json";
}
