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

/// Output table names and their columns, in output order.
pub mod out {
    pub const PARTNER_METRICS: &str = "partner_metrics";
    pub const REJECTED_ROWS: &str = "rejected_rows";
    pub const SUMMARY_FILE: &str = "ecosystem_summary.json";

    pub const COMMUNITIES: &str = "communities";

    pub const DIVERSIFICATION: &str = "diversification";
    pub const NETWORK_GROWTH: &str = "network_growth";
    pub const RESILIENCE: &str = "resilience";

    pub const OVERLAP_PAIRS: &str = "overlap_pairs";
    pub const CHANNEL_CONFLICTS: &str = "channel_conflicts";
    pub const OVERLAP_BY_TYPE: &str = "overlap_by_type";

    pub const PARTNER_METRICS_COLUMNS: [&str; 32] = [
        "partner_id",
        "partner_type",
        "tier",
        "region",
        "deals",
        "won_deals",
        "win_rate",
        "sourced_revenue",
        "influenced_revenue",
        "attributed_revenue",
        "customers",
        "products",
        "cosell_degree",
        "cosell_strength",
        "pagerank",
        "betweenness",
        "closeness",
        "harmonic",
        "clustering",
        "core_number",
        "constraint",
        "effective_size",
        "community",
        "component",
        "component_size",
        "max_customer_overlap",
        "overlapping_partners",
        "unique_customers",
        "conflicts",
        "potential_influence",
        "reach_loss",
        "customer_hhi",
    ];

    pub const OVERLAP_PAIRS_COLUMNS: [&str; 9] = [
        "partner_a",
        "partner_b",
        "dimension",
        "shared",
        "size_a",
        "size_b",
        "jaccard",
        "overlap_coefficient",
        "cosine",
    ];

    pub const CHANNEL_CONFLICTS_COLUMNS: [&str; 9] = [
        "customer_id",
        "product_id",
        "deal_a",
        "deal_b",
        "partner_a",
        "partner_b",
        "days_apart",
        "amount_a",
        "amount_b",
    ];

    pub const OVERLAP_BY_TYPE_COLUMNS: [&str; 8] = [
        "type_a",
        "type_b",
        "partners_a",
        "partners_b",
        "possible_pairs",
        "pairs",
        "shared_customers",
        "pair_density",
    ];

    pub const COMMUNITIES_COLUMNS: [&str; 5] = [
        "community",
        "size",
        "top_partners",
        "dominant_partner_type",
        "dominant_type_share",
    ];

    pub const DIVERSIFICATION_COLUMNS: [&str; 9] = [
        "dimension",
        "entities",
        "hhi",
        "effective_number",
        "entropy",
        "normalized_entropy",
        "gini",
        "top1_share",
        "top5_share",
    ];

    pub const NETWORK_GROWTH_COLUMNS: [&str; 7] = [
        "quarter_start",
        "deals",
        "won_revenue",
        "active_partners",
        "cumulative_partners",
        "cumulative_cosell_edges",
        "cumulative_won_revenue",
    ];

    pub const RESILIENCE_COLUMNS: [&str; 3] = ["strategy", "removed_fraction", "lcc_fraction"];

    pub const REJECTED_ROWS_COLUMNS: [&str; 5] = ["table", "row", "column", "value", "reason"];
}
