//! Every output table, declared once as data: name, one line on what a row is, and per
//! column its name, Arrow type, nullability and a one-line meaning.
//!
//! The declaration drives the batch builders in `export` ([`OutTable::batch`] fixes the
//! schema, so it never depends on the data), the column reference in `docs/OUTPUTS.md`
//! ([`OutTable::markdown`], kept in sync by a test), and the tests that read outputs.
//! Renaming, retyping or removing a column here is a schema change: bump
//! [`super::OUTPUT_SCHEMA_VERSION`].

use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;

/// The Arrow type of an output column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutType {
    /// UTF-8 text (`Utf8`).
    Text,
    /// 64-bit signed integer (`Int64`).
    Int,
    /// 64-bit float (`Float64`).
    Float,
    /// Calendar date (`Date32`, days since 1970-01-01).
    Date,
}

impl OutType {
    /// The Arrow data type written.
    pub fn arrow(self) -> DataType {
        match self {
            OutType::Text => DataType::Utf8,
            OutType::Int => DataType::Int64,
            OutType::Float => DataType::Float64,
            OutType::Date => DataType::Date32,
        }
    }

    /// The type's name in the column reference.
    pub fn name(self) -> &'static str {
        match self {
            OutType::Text => "string",
            OutType::Int => "int64",
            OutType::Float => "float64",
            OutType::Date => "date32",
        }
    }
}

/// One column of an output table.
#[derive(Debug, Clone, Copy)]
pub struct OutColumn {
    /// Column name, as written.
    pub name: &'static str,
    /// Arrow type.
    pub ty: OutType,
    /// Whether the column may hold nulls (declared so for every run, whether or not this
    /// run's data has one).
    pub nullable: bool,
    /// What the value means, in one line.
    pub doc: &'static str,
}

/// One output table.
#[derive(Debug, Clone, Copy)]
pub struct OutTable {
    /// File stem (`partner_metrics` -> `partner_metrics.parquet`).
    pub name: &'static str,
    /// What one row is and when the table is written.
    pub doc: &'static str,
    /// Columns in output order.
    pub columns: &'static [OutColumn],
}

impl OutTable {
    /// The Arrow schema every file of this table has.
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(c.name, c.ty.arrow(), c.nullable))
                .collect::<Vec<_>>(),
        ))
    }

    /// The column names in order.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// A batch of this table from its columns in declared order.
    ///
    /// # Panics
    /// When the arrays do not match the declaration (count, type, nulls in a non-nullable
    /// column, lengths): that is a bug in the exporter, never a property of the input.
    pub fn batch(&self, columns: Vec<ArrayRef>) -> RecordBatch {
        RecordBatch::try_new(self.schema(), columns).unwrap_or_else(|e| {
            panic!(
                "exporter bug: columns do not match the declaration of {}: {e}",
                self.name
            )
        })
    }

    /// The table's column reference as a Markdown table (docs/OUTPUTS.md).
    pub fn markdown(&self) -> String {
        let mut s = String::from("| column | type | null | meaning |\n|---|---|---|---|\n");
        for c in self.columns {
            s.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.name,
                c.ty.name(),
                if c.nullable { "yes" } else { "no" },
                c.doc
            ));
        }
        s
    }
}

use OutType::{Date, Float, Int, Text};

const fn col(name: &'static str, ty: OutType, nullable: bool, doc: &'static str) -> OutColumn {
    OutColumn {
        name,
        ty,
        nullable,
        doc,
    }
}

/// Every output table, in the order the documentation lists them.
pub const OUTPUT_TABLES: [OutTable; 12] = [
    PARTNER_METRICS,
    ATTRIBUTION,
    TIER_FIT,
    COSELL_EDGES,
    COMMUNITIES,
    DIVERSIFICATION,
    NETWORK_GROWTH,
    RESILIENCE,
    OVERLAP_PAIRS,
    CHANNEL_CONFLICTS,
    OVERLAP_BY_TYPE,
    REJECTED_ROWS,
];

/// `partner_metrics`: one row per partner.
pub const PARTNER_METRICS: OutTable = OutTable {
    name: "partner_metrics",
    doc: "One row per partner, in partner_id order. Centrality columns switched off with `--metrics` are null.",
    columns: &[
        col("partner_id", Text, false, "the partner's id, from the partners table"),
        col("name", Text, true, "the partner's name, from the partners table; null when absent"),
        col("partner_type", Text, true, "from the partners table (after `[values.partner_type]` mapping)"),
        col("tier", Text, true, "from the partners table (after `[values.tier]` mapping)"),
        col("region", Text, true, "from the partners table (after `[values.region]` mapping)"),
        col("deals", Int, false, "distinct deals the partner is on, any stage"),
        col("won_deals", Int, false, "of those, the won ones"),
        col("win_rate", Float, true, "won / (won + lost); null when none of its deals has closed"),
        col("sourced_revenue", Float, false, "won deals where it is `sourced`, split evenly between the sourcing partners"),
        col("influenced_revenue", Float, false, "full amount of won deals it worked on without sourcing them"),
        col("attributed_revenue", Float, false, "each won deal split evenly over all its partners; sums to the won revenue of partner deals"),
        col("customers", Int, false, "distinct customers reached through its deals, any stage"),
        col("products", Int, false, "products it carries (partner_products)"),
        col("cosell_degree", Int, false, "other partners it has co-sold with (shared at least one deal)"),
        col("cosell_strength", Int, false, "sum over its co-sell partners of the deals shared"),
        col("pagerank", Float, false, "weight in the co-selling network (sums to 1): high when it co-sells with partners that are central themselves"),
        col("betweenness", Float, true, "share of shortest co-selling routes between other partners that run through it (0..1): a broker; exact or sampled, the summary says which"),
        col("closeness", Float, true, "how few co-selling steps separate it from the partners it reaches, scaled by the share it reaches (Wasserman-Faust), 0..1"),
        col("harmonic", Float, true, "mean of 1 / steps to every other partner (0 when unreachable), 0..1"),
        col("clustering", Float, true, "share of its co-sellers that also co-sell with each other, 0..1"),
        col("core_number", Int, true, "deepest k-core it belongs to: a group where everyone co-sells with at least k others of it"),
        col("constraint", Float, true, "Burt's constraint, weighted by deals shared: high when its co-selling is concentrated on partners tied to each other (can exceed 1); null without co-selling"),
        col("effective_size", Float, true, "Burt's effective size: co-sellers minus their redundancy, weighted; null without co-selling"),
        col("community", Int, true, "co-selling community (Louvain, seeded), numbered by smallest partner_id; see communities"),
        col("component", Int, false, "connected island of the co-sell network (0 holds the smallest partner_id)"),
        col("component_size", Int, false, "partners in that island (1: it never co-sells)"),
        col("max_customer_overlap", Float, false, "highest customer jaccard with any other partner (0 without customers)"),
        col("overlapping_partners", Int, false, "partners whose customer jaccard with it is at least `--overlap-threshold`"),
        col("unique_customers", Int, false, "customers no other partner reaches: the accounts you would lose with it"),
        col("conflicts", Int, false, "channel_conflicts rows naming it"),
        col("potential_influence", Float, false, "amounts of open deals whose customer it already reaches and on which it is not a partner"),
        col("reach_loss", Float, true, "share of connected partner pairs that lose their co-selling path if it leaves; null when nobody co-sells"),
        col("revenue_at_risk", Float, false, "won revenue of deals on which it is the only partner, plus won direct deals at its unique customers: what leaving would put at stake"),
        col("customer_hhi", Float, true, "HHI of its won revenue by customer (1 = one customer); null without won deals with a customer"),
    ],
};

/// `attribution`: every attribution model's revenue per partner.
pub const ATTRIBUTION: OutTable = OutTable {
    name: "attribution",
    doc: "One row per attribution model computed and partner, by model (even, role_weighted, first_touch, last_touch, u_shaped, time_decay), then partner_id.",
    columns: &[
        col("partner_id", Text, false, "the partner"),
        col("model", Text, false, "the attribution model (how each won partner deal is split over its partners)"),
        col("attributed_revenue", Float, false, "the partner's won revenue under the model; each model sums to the won revenue of partner deals"),
        col("share", Float, true, "its share of partner revenue under the model; null when that revenue is 0"),
        col("rank", Int, false, "1 = the most revenue under the model; ties by partner_id"),
    ],
};

/// `tier_fit`: every partner's tier against the tier its numbers earn, rule by rule.
pub const TIER_FIT: OutTable = OutTable {
    name: "tier_fit",
    doc: "One row per partner and rule of every `[[tiers]]` tier (one row per partner when there is no rule), by partner_id, then tier as listed, then rule_column and bound.",
    columns: &[
        col("partner_id", Text, false, "the partner"),
        col("tier", Text, true, "its tier in the partners table; null when it has none"),
        col("qualified_tier", Text, true, "the highest tier whose every rule it meets; null when none"),
        col("status", Text, false, "above (promotion candidate), meets, below (at risk of demotion) or unknown (no tier, or no rule configured)"),
        col("rule_tier", Text, true, "the tier of this row's rule; null on a partner's only row when there is no rule"),
        col("rule_column", Text, true, "the partner_metrics column (or <model>_revenue) the rule tests"),
        col("bound", Text, true, "min (met when value >= threshold) or max (value <= threshold)"),
        col("threshold", Float, true, "the rule's threshold"),
        col("value", Float, true, "the partner's value; null when the column is null for it (a null meets no rule)"),
        col("gap", Float, true, "value - threshold for min, threshold - value for max: >= 0 is met; null with a null value"),
    ],
};

/// The tables of `ecograph compare OLD NEW --out DIR`, in the order the documentation
/// lists them.
pub const COMPARE_TABLES: [OutTable; 3] = [PARTNER_CHANGES, ATTRIBUTION_CHANGES, ECOSYSTEM_CHANGES];

/// `partner_changes` (compare): per partner, old and new.
pub const PARTNER_CHANGES: OutTable = OutTable {
    name: "partner_changes",
    doc: "One row per partner of either run, by partner_id; a partner absent from a run has null old (or new) columns and counts as 0 in the changes.",
    columns: &[
        col("partner_id", Text, false, "the partner"),
        col("name", Text, true, "its name (from NEW, else OLD)"),
        col("activity", Text, false, "joined (deals in NEW, none in OLD), went_quiet (the reverse), active (both) or inactive (neither)"),
        col("deals_old", Int, true, "deals in OLD"),
        col("deals_new", Int, true, "deals in NEW"),
        col("won_deals_old", Int, true, "won deals in OLD"),
        col("won_deals_new", Int, true, "won deals in NEW"),
        col("attributed_revenue_old", Float, true, "attributed revenue (even split) in OLD"),
        col("attributed_revenue_new", Float, true, "in NEW"),
        col("attributed_revenue_change", Float, true, "NEW - OLD (an absent side counts 0)"),
        col("rank_old", Int, true, "rank by attributed revenue in OLD (1 = most)"),
        col("rank_new", Int, true, "in NEW"),
        col("rank_change", Int, true, "rank_old - rank_new: above 0 moved up"),
        col("pagerank_old", Float, true, "PageRank in OLD"),
        col("pagerank_new", Float, true, "in NEW"),
        col("pagerank_change", Float, true, "NEW - OLD; null unless both have it"),
        col("betweenness_change", Float, true, "betweenness NEW - OLD; null unless both have it"),
        col("cosell_degree_old", Int, true, "co-sellers in OLD"),
        col("cosell_degree_new", Int, true, "in NEW"),
        col("ties_gained", Int, false, "co-sell ties in NEW that OLD did not have"),
        col("ties_lost", Int, false, "co-sell ties of OLD that NEW does not have"),
        col("new_conflicts", Int, false, "channel conflicts naming it in NEW that OLD did not have"),
        col("tier_status_old", Text, true, "tier_fit status in OLD (above, meets, below, unknown)"),
        col("tier_status_new", Text, true, "in NEW"),
        col("qualified_tier_old", Text, true, "the highest tier it qualified for in OLD"),
        col("qualified_tier_new", Text, true, "in NEW"),
    ],
};

/// `attribution_changes` (compare): per model both runs computed, per partner.
pub const ATTRIBUTION_CHANGES: OutTable = OutTable {
    name: "attribution_changes",
    doc: "One row per attribution model both runs computed and partner of either run, by model, then partner_id.",
    columns: &[
        col("partner_id", Text, false, "the partner"),
        col("model", Text, false, "the attribution model"),
        col("revenue_old", Float, true, "its revenue under the model in OLD"),
        col("revenue_new", Float, true, "in NEW"),
        col("revenue_change", Float, true, "NEW - OLD (an absent side counts 0)"),
        col("rank_old", Int, true, "its rank under the model in OLD"),
        col("rank_new", Int, true, "in NEW"),
        col("rank_change", Int, true, "rank_old - rank_new: above 0 moved up"),
    ],
};

/// `ecosystem_changes` (compare): the summaries' numbers side by side.
pub const ECOSYSTEM_CHANGES: OutTable = OutTable {
    name: "ecosystem_changes",
    doc: "One row per number of the summaries' counts, network, revenue, partner_lift, overlap and tiers sections (dotted path), by section, then path.",
    columns: &[
        col("measure", Text, false, "the summary key, e.g. revenue.total_won_revenue"),
        col("old", Float, true, "its value in OLD"),
        col("new", Float, true, "in NEW"),
        col("change", Float, true, "NEW - OLD; null unless both have it"),
        col("relative_change", Float, true, "change / |OLD|; null when OLD is 0 or null"),
    ],
};

/// `cosell_edges`: the co-sell network as an edge list.
pub const COSELL_EDGES: OutTable = OutTable {
    name: "cosell_edges",
    doc: "One row per co-sell tie (two partners sharing at least one deal), by partner_a, partner_b; always written.",
    columns: &[
        col("partner_a", Text, false, "the tie's smaller partner_id"),
        col("partner_b", Text, false, "the larger one"),
        col("shared_deals", Int, false, "distinct deals both are on, any stage: the co-sell weight"),
        col("shared_won_deals", Int, false, "of those, the won ones"),
        col("shared_won_revenue", Float, false, "summed amounts of those won deals, each in full on every tie of the deal"),
    ],
};

/// `communities`: one row per co-selling community.
pub const COMMUNITIES: OutTable = OutTable {
    name: "communities",
    doc: "One row per community of the co-sell network; not written when `--metrics` drops `community`.",
    columns: &[
        // Declared nullable as schema version 1 shipped it (it shares the name of the
        // switchable partner_metrics column); never null here.
        col("community", Int, true, "community id, numbered by each one's smallest partner_id (as in partner_metrics); never null"),
        col("size", Int, false, "partners in the community"),
        col("top_partners", Text, false, "up to three partner_ids, highest pagerank first (ties by id), joined with \", \""),
        col("dominant_partner_type", Text, true, "most common partner_type among its members (ties: the smaller name); null when no member has a type"),
        col("dominant_type_share", Float, true, "members with that type / size; null when no member has a type"),
    ],
};

/// `diversification`: one row per dimension of won revenue.
pub const DIVERSIFICATION: OutTable = OutTable {
    name: "diversification",
    doc: "One row per dimension (partner, partner_type, region, product, customer) of won revenue: how concentrated it is.",
    columns: &[
        col("dimension", Text, false, "what the revenue is grouped by"),
        col("entities", Int, false, "how many of them have won revenue"),
        col("hhi", Float, true, "Herfindahl-Hirschman index, sum of share squared: 1 / entities (even) to 1 (one takes all)"),
        col("effective_number", Float, true, "1 / hhi: as concentrated as this many equal-sized ones"),
        col("entropy", Float, true, "Shannon entropy of the shares (natural log)"),
        col("normalized_entropy", Float, true, "entropy / ln(entities), 0..1 (1 = perfectly even); null for a single entity"),
        col("gini", Float, true, "Gini coefficient over the entities with revenue: 0 equal, towards 1 one holds everything"),
        col("top1_share", Float, true, "share of the largest one"),
        col("top5_share", Float, true, "share of the largest five"),
    ],
};

/// `network_growth`: one row per calendar quarter.
pub const NETWORK_GROWTH: OutTable = OutTable {
    name: "network_growth",
    doc: "One row per calendar quarter (UTC, by deal created_at) holding at least one deal; undated deals are left out.",
    columns: &[
        col("quarter_start", Date, false, "first day of the quarter"),
        col("deals", Int, false, "deals created in it"),
        col("won_revenue", Float, false, "amount of those deals that are won (booked in the quarter the deal was created)"),
        col("active_partners", Int, false, "partners on those deals"),
        col("cumulative_partners", Int, false, "partners counted from their first deal"),
        col("cumulative_cosell_edges", Int, false, "co-selling pairs counted from their first shared deal"),
        col("cumulative_won_revenue", Float, false, "won revenue up to and including the quarter"),
    ],
};

/// `resilience`: the co-selling network's largest island as partners are removed.
pub const RESILIENCE: OutTable = OutTable {
    name: "resilience",
    doc: "16 rows: the `targeted` curve (largest cosell_degree first), then the `random` one (mean of 20 seeded orders), at 8 removed fractions each.",
    columns: &[
        col("strategy", Text, false, "`targeted` or `random`"),
        col("removed_fraction", Float, false, "share of partners removed: 0, .01, .02, .05, .1, .2, .3, .5"),
        col("lcc_fraction", Float, false, "largest co-selling island left, as a share of all partners"),
    ],
};

/// `overlap_pairs`: pairs of partners sharing customers or products.
pub const OVERLAP_PAIRS: OutTable = OutTable {
    name: "overlap_pairs",
    doc: "One row per pair of partners sharing at least one customer or product, customer pairs first, then by partner_a, partner_b; by default each partner's 10 most similar per dimension (`--overlap-top-k`, `all` = every pair) and `--overlap-min-jaccard`.",
    columns: &[
        col("partner_a", Text, false, "the pair's smaller partner_id"),
        col("partner_b", Text, false, "the larger one"),
        col("dimension", Text, false, "`customer` or `product`: what they share"),
        col("shared", Int, false, "customers (or products) both have"),
        col("size_a", Int, false, "partner_a's customers (or products)"),
        col("size_b", Int, false, "partner_b's"),
        col("jaccard", Float, false, "shared / union"),
        col("overlap_coefficient", Float, false, "shared / the smaller set: 1 means one's accounts are all the other's too"),
        col("cosine", Float, false, "shared / sqrt(size_a * size_b)"),
    ],
};

/// `channel_conflicts`: pairs of deals where partners collide on one account.
pub const CHANNEL_CONFLICTS: OutTable = OutTable {
    name: "channel_conflicts",
    doc: "Two deals on the same customer and product, sourced by different partners, created at most `--conflict-window-days` apart, any stage.",
    columns: &[
        col("customer_id", Text, false, "the account both deals are on"),
        col("product_id", Text, false, "the product both deals sell"),
        col("deal_a", Text, false, "the smaller deal_id"),
        col("deal_b", Text, false, "the larger one"),
        col("partner_a", Text, false, "a partner sourcing deal_a"),
        col("partner_b", Text, false, "a partner sourcing deal_b"),
        col("days_apart", Float, false, "days between the two deals' created_at (fractional with times)"),
        col("amount_a", Float, false, "deal_a's amount"),
        col("amount_b", Float, false, "deal_b's amount"),
        col("stage_a", Text, false, "deal_a's stage (won, lost or open): a won/won collision paid two partners"),
        col("stage_b", Text, false, "deal_b's stage"),
    ],
};

/// `overlap_by_type`: the account-mapping matrix by partner type.
pub const OVERLAP_BY_TYPE: OutTable = OutTable {
    name: "overlap_by_type",
    doc: "For each pair of partner types (type_a <= type_b, untyped partners last) with at least one pair sharing a customer.",
    columns: &[
        col("type_a", Text, true, "a partner type; null for partners without one"),
        col("type_b", Text, true, "the other type (may equal type_a)"),
        col("partners_a", Int, false, "partners of type_a"),
        col("partners_b", Int, false, "partners of type_b"),
        col("possible_pairs", Int, false, "pairs of distinct partners these types can form"),
        col("pairs", Int, false, "of those, pairs sharing at least one customer"),
        col("shared_customers", Int, false, "customers those pairs share, summed over pairs"),
        col("pair_density", Float, false, "pairs / possible_pairs, so types of different sizes compare fairly"),
    ],
};

/// `rejected_rows`: the rows `--skip-invalid` left out.
pub const REJECTED_ROWS: OutTable = OutTable {
    name: "rejected_rows",
    doc: "Written with `--skip-invalid` only: one row per rule a left-out row broke.",
    columns: &[
        col(
            "table",
            Text,
            false,
            "contract table of the row (partners, deals, deal_partners, ...)",
        ),
        col("row", Int, false, "1-based data row in that table's file"),
        col("column", Text, true, "the column whose value broke a rule"),
        col("value", Text, true, "the offending value as read"),
        col(
            "reason",
            Text,
            false,
            "`code: message`, e.g. `dangling_reference: id does not exist in the partners table`",
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_within_each_table_and_across_tables() {
        let mut tables: Vec<&str> = OUTPUT_TABLES.iter().map(|t| t.name).collect();
        tables.sort_unstable();
        tables.dedup();
        assert_eq!(tables.len(), OUTPUT_TABLES.len());
        for t in OUTPUT_TABLES {
            let mut c = t.column_names();
            c.sort_unstable();
            c.dedup();
            assert_eq!(c.len(), t.columns.len(), "{}", t.name);
            assert!(t
                .columns
                .iter()
                .all(|c| !c.doc.is_empty() && !c.doc.contains('|')));
        }
    }

    /// docs/OUTPUTS.md holds, between `<!-- columns: NAME -->` and `<!-- /columns -->`,
    /// each table's [`OutTable::markdown`] and one line of its doc; every declared table
    /// (analyze's, then compare's) has exactly one such block. `ECOGRAPH_BLESS=1 cargo test --lib outputs` rewrites
    /// the blocks after a change to the declaration.
    #[test]
    fn docs_outputs_md_is_the_declaration() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/OUTPUTS.md");
        let text = std::fs::read_to_string(path).expect("docs/OUTPUTS.md");
        let mut out = String::new();
        let mut rest = text.as_str();
        let mut seen = Vec::new();
        while let Some(i) = rest.find("<!-- columns: ") {
            let (before, after) = rest.split_at(i);
            out.push_str(before);
            let open_end = after.find(" -->").expect("block opening ends with -->");
            let name = &after["<!-- columns: ".len()..open_end];
            let close = after.find("<!-- /columns -->").expect("block closes");
            let table = OUTPUT_TABLES
                .iter()
                .chain(COMPARE_TABLES.iter())
                .find(|t| t.name == name)
                .unwrap_or_else(|| panic!("docs/OUTPUTS.md documents unknown table {name}"));
            seen.push(name.to_string());
            out.push_str(&format!(
                "<!-- columns: {name} -->\n{}\n\n{}<!-- /columns -->",
                table.doc,
                table.markdown()
            ));
            rest = &after[close + "<!-- /columns -->".len()..];
        }
        out.push_str(rest);
        let mut names: Vec<String> = OUTPUT_TABLES
            .iter()
            .chain(COMPARE_TABLES.iter())
            .map(|t| t.name.into())
            .collect();
        assert_eq!(seen, names, "one block per table, in declaration order");
        names.clear();
        if std::env::var_os("ECOGRAPH_BLESS").is_some() {
            std::fs::write(path, &out).expect("write docs/OUTPUTS.md");
        } else {
            assert!(
                out == text,
                "docs/OUTPUTS.md differs from schema::outputs; run ECOGRAPH_BLESS=1 cargo test --lib outputs"
            );
        }
    }

    /// docs/CONTRACT.md §3 defines every output table the declaration has, under its
    /// own `### name` heading, and names every declared column in that table's section
    /// as a whole word (the definitions are prose, the declaration is the list).
    #[test]
    fn docs_contract_md_defines_every_declared_column() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CONTRACT.md");
        let text = std::fs::read_to_string(path).expect("docs/CONTRACT.md");
        let start = text.find("## 3. Output").expect("a section 3");
        let end = text.find("## 4.").expect("a section 4");
        let outputs = &text[start..end];
        let word = |hay: &str, w: &str| {
            let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
            hay.match_indices(w)
                .any(|(i, _)| !hay[..i].ends_with(ident) && !hay[i + w.len()..].starts_with(ident))
        };
        let mut missing = Vec::new();
        for t in OUTPUT_TABLES {
            let heading = format!("### {}", t.name);
            let Some(at) = outputs.find(&heading) else {
                missing.push(t.name.to_string());
                continue;
            };
            let body = &outputs[at + heading.len()..];
            let section = &body[..body.find("\n### ").unwrap_or(body.len())];
            for c in t.columns {
                if !word(section, c.name) {
                    missing.push(format!("{}.{}", t.name, c.name));
                }
            }
        }
        assert!(missing.is_empty(), "docs/CONTRACT.md §3 lacks {missing:?}");
    }

    #[test]
    #[should_panic(expected = "exporter bug")]
    fn a_null_in_a_non_nullable_column_is_refused() {
        use arrow::array::{Float64Array, StringArray};
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["targeted"])),
            Arc::new(Float64Array::from(vec![Some(0.0)])),
            Arc::new(Float64Array::from(vec![None])),
        ];
        RESILIENCE.batch(cols);
    }
}
