//! One function per contract table: its rows checked (through [`Check`]) and turned
//! into the typed rows of [`super::ValidatedTables`]. Tables are checked in contract
//! order, since references point backwards: deal_partners needs the partner and deal
//! ids, partner_products the partner ids and the products table.

use arrow::array::Array;
use rustc_hash::FxHashMap as HashMap;

use super::check::{keep_rows, part, rejected_ids, resolve, Check, Problems};
use super::columns::{amount_cells, date_cells, texts};
use super::dict::Dict;
use super::id_table::IdIndex;
use super::rows::Ids;
use super::{DealRows, FileOrder, Link, PartnerRows, TableStats};
use crate::config::{Settings, TextMap};
use crate::error::Rule;
use crate::io::raw::RawTable;
use crate::schema::{Role, Stage};

fn stats(table: &'static str, raw: &RawTable, rows: usize, kept: usize) -> TableStats {
    TableStats {
        table,
        file: raw.source.display.clone(),
        rows,
        kept,
    }
}

/// Partners in file order, and every row's id (None where it is empty), for the
/// reference checks.
pub(super) fn partners(
    raw: &RawTable,
    settings: &Settings,
    p: &mut Problems,
) -> (PartnerRows<FileOrder>, Vec<String>, TableStats) {
    let date_format = settings.date_format.as_deref();
    let mut c = Check::new(raw);
    c.empty_table(p);
    let pid = c.ids(p, "partner_id");
    let name = c.optional_texts(p, "name", &TextMap::default());
    let ptype = c.optional_texts(p, "partner_type", &settings.partner_type);
    let tier = c.optional_texts(p, "tier", &settings.tier);
    let pregion = c.optional_texts(p, "region", &settings.region);
    let joined = c.dates(p, "joined_at", date_format);
    let keep = c.kept();
    let partners = PartnerRows {
        id: keep
            .iter()
            .map(|&r| if pid.is_valid(r) { pid.value(r) } else { "" }.to_string())
            .collect(),
        name: keep_rows(name, &c.bad),
        partner_type: keep_rows(ptype, &c.bad),
        tier: keep_rows(tier, &c.bad),
        region: keep_rows(pregion, &c.bad),
        joined_ms: keep_rows(joined, &c.bad),
        order: std::marker::PhantomData,
    };
    let s = stats("partners", raw, c.bad.len(), keep.len());
    (partners, rejected_ids(&pid, &keep), s)
}

/// The dictionaries deals fill: customers, products and regions.
pub(super) struct Dicts {
    pub customers: Dict,
    pub products: Dict,
    pub regions: Dict,
}

/// Deals in file order, and every row's id. The id, customer, product and remaining
/// columns are checked in parallel and absorbed in that order.
///
/// The raw table is taken, not borrowed: it is freed as soon as every column is typed,
/// before the kept rows are gathered, and the typed columns are compacted in place
/// ([`keep_rows`]), so the raw text and two copies of the typed columns are never held
/// together.
pub(super) fn deals(
    table: RawTable,
    settings: &Settings,
    p: &mut Problems,
    dicts: &mut Dicts,
) -> Deals {
    let sk = p.skip_invalid;
    let raw = &table;
    let mut c = Check::new(raw);
    c.empty_table(p);
    let Dicts {
        customers,
        products,
        regions,
    } = dicts;
    let ((ids_part, cust_part), (prod_part, rest_part)) = rayon::join(
        || {
            rayon::join(
                || part(raw, sk, |c, p| c.ids(p, "deal_id")),
                || {
                    part(raw, sk, |c, p| {
                        c.keys(p, "customer_id", customers, &TextMap::default())
                    })
                },
            )
        },
        || {
            rayon::join(
                || {
                    part(raw, sk, |c, p| {
                        c.keys(p, "product_id", products, &TextMap::default())
                    })
                },
                || part(raw, sk, |c, p| deal_values(c, p, settings, regions)),
            )
        },
    );
    let did = c.absorb(p, ids_part);
    let cust = c.absorb(p, cust_part);
    let prod = c.absorb(p, prod_part);
    let (amount, stage, created, closed, dregion) = c.absorb(p, rest_part);
    let keep = c.kept();
    let s = stats("deals", raw, c.bad.len(), keep.len());
    let bad = std::mem::take(&mut c.bad);
    drop(c);
    let rejected = rejected_ids(&did, &keep);
    let mut gaps = DealGaps {
        deals: keep.len(),
        ..DealGaps::default()
    };
    for &r in &keep {
        let won = stage[r] == Stage::Won;
        gaps.won += usize::from(won);
        if amount[r].is_none() {
            gaps.missing += 1;
            gaps.missing_won += usize::from(won);
        }
        gaps.missing_created += usize::from(created[r].is_none());
        if stage[r] != Stage::Open {
            gaps.closed += 1;
            gaps.missing_closed += usize::from(closed[r].is_none());
        }
    }
    let some_amounts_missing = super::warnings::some_amounts_missing(raw, &gaps);
    // Every column is typed: the text goes before the kept rows are gathered.
    drop(table);
    let amount: Vec<f64> = keep.iter().map(|&r| amount[r].unwrap_or(0.0)).collect();
    let rows = DealRows {
        id: Ids::kept(&did, &keep),
        customer: keep_rows(cust, &bad),
        product: keep_rows(prod, &bad),
        amount,
        stage: keep_rows(stage, &bad),
        created_ms: keep_rows(created, &bad),
        closed_ms: keep_rows(closed, &bad),
        region: keep_rows(dregion, &bad),
        order: std::marker::PhantomData,
    };
    Deals {
        rows,
        rejected,
        stats: s,
        gaps,
        some_amounts_missing,
    }
}

/// What typing the deals table gives ([`deals`]).
pub(super) struct Deals {
    /// The kept deals, in file order.
    pub(super) rows: DealRows<FileOrder>,
    /// The ids of rejected rows ([`rejected_ids`]).
    pub(super) rejected: Vec<String>,
    pub(super) stats: TableStats,
    pub(super) gaps: DealGaps,
    /// The `some_amounts_missing` warning, when amounts are missing.
    pub(super) some_amounts_missing: Option<crate::error::Warning>,
}

/// What the kept deals lack: amounts (counted as 0; the `some_amounts_missing` warning)
/// and dates (a deal without created_at is in no quarter and no conflict; a closed deal
/// without closed_at has no time to close). The summary's `basis` records them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DealGaps {
    /// Deals kept.
    pub deals: usize,
    /// Of them, deals without an amount.
    pub missing: usize,
    /// Won deals kept.
    pub won: usize,
    /// Of them, won deals without an amount.
    pub missing_won: usize,
    /// Deals kept without created_at.
    pub missing_created: usize,
    /// Closed deals kept (won or lost).
    pub closed: usize,
    /// Of them, deals without closed_at.
    pub missing_closed: usize,
}

/// Columns of deals: amount, stage, created_at, closed_at, region.
type DealValues = (
    Vec<Option<f64>>,
    Vec<Stage>,
    Vec<Option<i64>>,
    Vec<Option<i64>>,
    Vec<u32>,
);

fn deal_values(
    c: &mut Check,
    p: &mut Problems,
    settings: &Settings,
    regions: &mut Dict,
) -> DealValues {
    let deals_raw = c.raw;
    let stage_vocab = &settings.stage;
    let date_format = settings.date_format.as_deref();
    let (amount_raw, (created_raw, closed_raw)) = rayon::join(
        || amount_cells(deals_raw, "amount", &settings.numbers),
        || {
            rayon::join(
                || date_cells(deals_raw, "created_at", date_format),
                || date_cells(deals_raw, "closed_at", date_format),
            )
        },
    );
    let amount = c.cells(p, "amount", amount_raw);
    let mut stage = vec![Stage::Won; deals_raw.n_rows()];
    if let Some(col) = c.text(p, "stage", "text") {
        for (row, v) in texts(&col).enumerate() {
            if let Some(s) = v {
                match stage_vocab.get(s) {
                    Some(st) => stage[row] = st,
                    None => c.row(
                        p,
                        row,
                        "stage",
                        Some(s),
                        Rule::UnknownStage {
                            allowed: stage_vocab.allowed.clone(),
                        },
                    ),
                }
            }
        }
    }
    let created = c.cells(p, "created_at", created_raw);
    let closed = c.cells(p, "closed_at", closed_raw);
    let region = c.keys(p, "region", regions, &settings.region);
    (amount, stage, created, closed, region)
}

/// The kept deal_partners rows: both ends resolved, and their touched_at when the
/// table has that column.
pub(super) struct LinkRows {
    pub(super) links: Vec<Link>,
    /// touched_at of each kept row (ms since the epoch, UTC); `None` when the table has
    /// no touched_at column.
    pub(super) touched: Option<Vec<Option<i64>>>,
}

/// deal_partners rows with both ends resolved (the deal, partner, role and touched_at
/// columns are checked in parallel and absorbed in that order). The raw table is taken
/// and freed once every column is typed, before the kept rows are gathered (as in
/// [`deals`]).
pub(super) fn deal_partners(
    table: RawTable,
    settings: &Settings,
    p: &mut Problems,
    partner_index: &IdIndex<'_>,
    deal_index: &IdIndex<'_>,
) -> (LinkRows, TableStats) {
    let sk = p.skip_invalid;
    let raw = &table;
    let mut c = Check::new(raw);
    let n = raw.n_rows();
    let mut link_deal = vec![u32::MAX; n];
    let mut link_partner = vec![u32::MAX; n];
    let default_role = settings
        .links_from_deals
        .as_ref()
        .map_or(Role::Influenced, |l| l.role);
    let mut link_role = vec![default_role; n];
    let has_touch = raw.column("touched_at").is_some();
    let date_format = settings.date_format.as_deref();
    let ((deal_part, touch_part), (partner_part, role_part)) = rayon::join(
        || {
            rayon::join(
                || {
                    part(raw, sk, |c, p| {
                        resolve(c, p, "deal_id", "deals", deal_index, &mut link_deal)
                    })
                },
                || part(raw, sk, |c, p| c.dates(p, "touched_at", date_format)),
            )
        },
        || {
            rayon::join(
                || {
                    part(raw, sk, |c, p| {
                        resolve(
                            c,
                            p,
                            "partner_id",
                            "partners",
                            partner_index,
                            &mut link_partner,
                        )
                    })
                },
                || part(raw, sk, |c, p| roles(c, p, &settings.role, &mut link_role)),
            )
        },
    );
    c.absorb(p, deal_part);
    c.absorb(p, partner_part);
    c.absorb(p, role_part);
    let touched = c.absorb(p, touch_part);
    let bad = std::mem::take(&mut c.bad);
    let file = raw.source.display.clone();
    drop(c);
    drop(table);
    let links: Vec<Link> = (0..n)
        .filter(|&row| !bad[row])
        .map(|row| Link {
            deal: link_deal[row],
            partner: link_partner[row],
            role: link_role[row],
        })
        .collect();
    let s = TableStats {
        table: "deal_partners",
        file,
        rows: bad.len(),
        kept: links.len(),
    };
    let touched = has_touch.then(|| keep_rows(touched, &bad));
    (LinkRows { links, touched }, s)
}

/// Roles of deal_partners (null = the default role).
fn roles(c: &mut Check, p: &mut Problems, vocab: &crate::config::Vocab<Role>, out: &mut [Role]) {
    if let Some(col) = c.text(p, "role", "text") {
        for (row, v) in texts(&col).enumerate() {
            if let Some(s) = v {
                match vocab.get(s) {
                    Some(r) => out[row] = r,
                    None => c.row(
                        p,
                        row,
                        "role",
                        Some(s),
                        Rule::UnknownRole {
                            allowed: vocab.allowed.clone(),
                        },
                    ),
                }
            }
        }
    }
}

/// A products or customers table: unique ids, which join `dict`. Returns the kept
/// ids when `want_ids` (products: partner_products is checked against them; nothing
/// checks against the customers table, and collecting its ids was a string copy and a
/// hash insert per customer for nothing) and the table's stats.
pub(super) fn catalog(
    raw: &RawTable,
    id_column: &str,
    table: &'static str,
    p: &mut Problems,
    dict: &mut Dict,
    want_ids: bool,
) -> (Option<HashMap<String, ()>>, TableStats) {
    let mut c = Check::new(raw);
    let ids = c.ids(p, id_column);
    let keep = c.kept();
    let mut set = want_ids.then(HashMap::default);
    for &r in &keep {
        if ids.is_valid(r) {
            let id = ids.value(r);
            dict.code(id);
            if let Some(set) = &mut set {
                set.insert(id.to_string(), ());
            }
        }
    }
    (set, stats(table, raw, c.bad.len(), keep.len()))
}

/// partner_products as (partner row, product code), sorted and deduplicated; product
/// ids are checked against the products table when there is one.
pub(super) fn partner_products(
    raw: &RawTable,
    p: &mut Problems,
    partner_index: &IdIndex<'_>,
    product_table_ids: Option<&HashMap<String, ()>>,
    products: &mut Dict,
) -> (Vec<(u32, u32)>, TableStats) {
    let mut out = Vec::new();
    let mut c = Check::new(raw);
    let mut pp_partner = vec![u32::MAX; raw.n_rows()];
    resolve(
        &mut c,
        p,
        "partner_id",
        "partners",
        partner_index,
        &mut pp_partner,
    );
    if let Some(col) = c.text(p, "product_id", "text or integer ids") {
        for (row, v) in texts(&col).enumerate() {
            match v {
                None => c.row(p, row, "product_id", Some(""), Rule::EmptyId),
                Some(s) => {
                    if product_table_ids.is_some_and(|set| !set.contains_key(s)) {
                        c.row(
                            p,
                            row,
                            "product_id",
                            Some(s),
                            Rule::DanglingReference {
                                target_table: "products",
                            },
                        );
                    } else if !c.bad[row] {
                        out.push((pp_partner[row], products.code(s)));
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    let kept = c.bad.iter().filter(|b| !**b).count();
    (out, stats("partner_products", raw, c.bad.len(), kept))
}
