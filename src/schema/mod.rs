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
    /// The column's contract name, the header a file must have unless the config maps
    /// it (`deal_id`).
    pub name: &'static str,
    /// What the column holds, which decides how its cells are parsed.
    pub kind: ColumnKind,
    /// Whether a file of the table must have the column; an absent optional column is
    /// treated as all null (and may raise a warning).
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
    /// The table's contract name, also its file stem unless `[files]` maps it
    /// (`deals` -> `deals.csv`, `deals.parquet` or `deals.arrow`).
    pub name: &'static str,
    /// Whether the input folder must hold the table (`partners`, `deals`,
    /// `deal_partners`); an optional table may be absent.
    pub required: bool,
    /// The contract columns, in contract order.
    pub columns: &'static [ColumnSpec],
}

use ColumnKind::*;

/// `partners`: one row per partner (id, name, type, tier, region, join date).
pub(crate) const PARTNERS: TableSpec = TableSpec {
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

/// `deals`: one row per deal (customer, product, amount, stage, dates, region).
pub(crate) const DEALS: TableSpec = TableSpec {
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

/// `deal_partners`: which partners are on which deal, in what role, and when each
/// first touched it (`touched_at`, optional: the touch-based attribution models).
pub(crate) const DEAL_PARTNERS: TableSpec = TableSpec {
    name: "deal_partners",
    required: true,
    columns: &[
        col("deal_id", Id, true),
        col("partner_id", Id, true),
        col("role", Text, false),
        col("touched_at", Date, false),
    ],
};

/// `partner_products` (optional): the products each partner carries.
pub(crate) const PARTNER_PRODUCTS: TableSpec = TableSpec {
    name: "partner_products",
    required: false,
    columns: &[
        col("partner_id", Id, true),
        col("product_id", Id, true),
        col("relation", Text, false),
    ],
};

/// `products` (optional): the product catalogue deals and partner_products refer to.
pub(crate) const PRODUCTS: TableSpec = TableSpec {
    name: "products",
    required: false,
    columns: &[
        col("product_id", Id, true),
        col("name", Text, false),
        col("category", Text, false),
    ],
};

/// `customers` (optional): the customers deals refer to, with segment and region.
pub(crate) const CUSTOMERS: TableSpec = TableSpec {
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
    /// `won`: closed and won; only won deals count as revenue (the default for an
    /// empty stage).
    Won,
    /// `lost`: closed and lost; counts against the win rate.
    Lost,
    /// `open`: not closed yet; potential influence looks at these.
    Open,
}

impl Stage {
    /// The contract's word for each stage.
    pub(crate) const WORDS: [(&'static str, Stage); 3] = [
        ("won", Stage::Won),
        ("lost", Stage::Lost),
        ("open", Stage::Open),
    ];

    /// The contract's word for the stage (`won`, `lost`, `open`).
    pub fn word(self) -> &'static str {
        match self {
            Stage::Won => "won",
            Stage::Lost => "lost",
            Stage::Open => "open",
        }
    }
}

/// A partner's role on a deal (contract §1; null = `influenced`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// `sourced`: the partner brought the deal in. The only role the metrics single
    /// out: a won deal's `sourced_revenue` is split among its sourced partners, and
    /// every other role counts as influenced.
    Sourced,
    /// `influenced`: the partner helped on a deal it did not bring in (the default
    /// for an empty role).
    Influenced,
    /// `co_sell`: the partner sold the deal jointly with the vendor.
    CoSell,
    /// `fulfilled`: the partner delivered what the deal sold.
    Fulfilled,
    /// `referral`: the partner referred the customer.
    Referral,
}

impl Role {
    /// The role's bit in a set of roles (`GraphSet::deal_partner_roles`).
    pub const fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The contract's word for each role.
    pub(crate) const WORDS: [(&'static str, Role); 5] = [
        ("sourced", Role::Sourced),
        ("influenced", Role::Influenced),
        ("co_sell", Role::CoSell),
        ("fulfilled", Role::Fulfilled),
        ("referral", Role::Referral),
    ];
}

// The output tables, declared once. No outer doc comment here: with one, rustdoc would
// resolve the links of `outputs.rs`'s own `//!` docs from this module, and break them.
pub mod outputs;

pub mod batch;

/// Output tables by name (`out::PARTNER_METRICS.name`, `out::SUMMARY_FILE`).
pub mod out {
    pub use super::outputs::{
        ATTRIBUTION, CHANNEL_CONFLICTS, COMMUNITIES, COSELL_EDGES, DIVERSIFICATION, NETWORK_GROWTH,
        OVERLAP_BY_TYPE, OVERLAP_PAIRS, PARTNER_METRICS, REJECTED_ROWS, RESILIENCE, TIER_FIT,
    };

    /// The run summary (JSON), beside the tables.
    pub const SUMMARY_FILE: &str = "ecosystem_summary.json";
}
