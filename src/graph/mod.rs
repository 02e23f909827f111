//! Validated tables -> [`GraphSet`]: ids interned to compact `u32` in byte order of the
//! external id (so index order is id order everywhere a tie must be broken), the co-sell
//! network as a weighted CSR, and the partner x deal / customer / product incidences.

pub mod csr;

use rayon::prelude::*;

pub use csr::Csr;

use crate::schema::{Role, Stage};
use crate::validate::{DealRows, FileOrder, IdOrder, Link, PartnerRows, ValidatedTables, NULL};

/// Deals per parallel task when listing co-sell pairs; fixed so results never depend
/// on the thread count.
const DEAL_CHUNK: usize = 64 * 1024;

/// Partner attributes, indexed by partner index (id order): the validated rows, permuted.
pub type Partners = PartnerRows<IdOrder>;

/// Deal attributes, indexed by deal index (id order): the validated rows, permuted, with
/// keys renumbered to index `GraphSet::customers`, `products`, `regions` (or [`NULL`]).
pub type Deals = DealRows<IdOrder>;

/// Everything the metric kernels need, with no strings on the hot paths.
#[derive(Debug, Clone)]
pub struct GraphSet {
    /// Partner attributes; index p is partner p in every graph below.
    pub partners: Partners,
    /// Deal attributes; index d is deal d in every graph below.
    pub deals: Deals,
    /// Distinct customer ids (of deals and the customers table) in byte order;
    /// `deals.customer` and `partner_customers` index this.
    pub customers: Vec<String>,
    /// Distinct product ids (of deals, partner_products and the products table) in
    /// byte order; `deals.product` and `partner_products` index this.
    pub products: Vec<String>,
    /// Distinct deal regions in byte order (after `[values.region]` mapping);
    /// `deals.region` indexes this.
    pub regions: Vec<String>,
    /// deal -> its distinct partners (ascending).
    pub deal_partners: Csr,
    /// Parallel to `deal_partners.targets`: the roles the partner has on the deal, one
    /// bit per [`Role`] ([`Role::bit`]), OR-ed over its rows. `sourced` when any of its
    /// rows says so (contract §4): [`GraphSet::is_sourced`].
    pub deal_partner_roles: Vec<u8>,
    /// Parallel to `deal_partners.targets`: the earliest touched_at of the partner's rows
    /// on the deal (ms since the epoch, UTC), [`NO_TOUCH`] when none has one; `None` when
    /// deal_partners has no touched_at column.
    pub deal_partner_touched: Option<Vec<i64>>,
    /// Which deals make co-sell ties (`--cosell-stages`).
    pub cosell_stages: CosellStages,
    /// partner -> its deals (ascending), the transpose of `deal_partners`.
    pub partner_deals: Csr,
    /// Co-sell network G: symmetric, weight = distinct shared deals (contract §2).
    pub cosell: Csr,
    /// partner -> customers reached through any deal.
    pub partner_customers: Csr,
    /// partner -> products carried (partner_products).
    pub partner_products: Csr,
    /// Distinct (partner, product) pairs from partner_products.
    pub partner_product_links: usize,
}

impl GraphSet {
    /// Number of partners (rows of `partner_deals`, nodes of `cosell`).
    pub fn n_partners(&self) -> usize {
        self.partners.id.len()
    }

    /// Number of deals (rows of `deal_partners`).
    pub fn n_deals(&self) -> usize {
        self.deals.id.len()
    }

    /// Number of undirected co-sell edges.
    pub fn cosell_edges(&self) -> usize {
        self.cosell.nnz() / 2
    }

    /// Whether the partner of deal-partner link `link` (an index into
    /// `deal_partners.targets`) sourced the deal.
    pub fn is_sourced(&self, link: usize) -> bool {
        self.deal_partner_roles[link] & Role::Sourced.bit() != 0
    }
}

/// A link without a touched_at (in [`GraphSet::deal_partner_touched`]).
pub const NO_TOUCH: i64 = i64::MIN;

/// Which deals make the co-sell network's ties (`--cosell-stages`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CosellStages {
    /// Every deal, open, lost or won (contract §2, the default).
    #[default]
    Any,
    /// Won deals only: the network of partners who have closed business together.
    Won,
}

impl CosellStages {
    /// Whether a deal at `stage` makes ties.
    pub fn counts(self, stage: Stage) -> bool {
        match self {
            CosellStages::Any => true,
            CosellStages::Won => stage == Stage::Won,
        }
    }
}

/// Permutation that sorts `ids` by bytes: `order[new] = old`, and its inverse.
fn sort_order<'a>(n: usize, id: impl Fn(usize) -> &'a str + Sync) -> (Vec<u32>, Vec<u32>) {
    let mut order: Vec<u32> = (0..n as u32).collect();
    // Exports are often sorted already: an O(n) check saves the O(n log n) sort.
    if !(1..n).all(|i| id(i - 1).as_bytes() < id(i).as_bytes()) {
        // Ids are unique after validation, so the unstable sort is a total order.
        order.par_sort_unstable_by(|&a, &b| {
            id(a as usize).as_bytes().cmp(id(b as usize).as_bytes())
        });
    }
    let mut rank = vec![0u32; n];
    for (new, &old) in order.iter().enumerate() {
        rank[old as usize] = new as u32;
    }
    (order, rank)
}

fn permute<T: Clone + Send + Sync>(v: &[T], order: &[u32]) -> Vec<T> {
    order.par_iter().map(|&o| v[o as usize].clone()).collect()
}

/// Like [`permute`] but moves the values out (no clone of each string).
fn permute_owned<T: Default>(mut v: Vec<T>, order: &[u32]) -> Vec<T> {
    order
        .iter()
        .map(|&o| std::mem::take(&mut v[o as usize]))
        .collect()
}

fn remap_keys(keys: &[u32], order: &[u32], remap: &[u32]) -> Vec<u32> {
    order
        .par_iter()
        .map(|&o| {
            let k = keys[o as usize];
            if k == NULL {
                NULL
            } else {
                remap[k as usize]
            }
        })
        .collect()
}

/// Builds the graphs, co-sell ties from deals at any stage. O((deals + links + pairs)
/// log) for the sorts, parallel.
pub fn build(t: ValidatedTables) -> GraphSet {
    build_with(t, CosellStages::Any)
}

/// Builds the graphs, co-sell ties from the deals `cosell_stages` counts ([`build`]).
pub fn build_with(mut t: ValidatedTables, cosell_stages: CosellStages) -> GraphSet {
    let pid = &t.partners.id;
    let (p_order, p_rank) = sort_order(pid.len(), |i| pid[i].as_str());
    let did = &t.deals.id;
    let (d_order, d_rank) = sort_order(did.len(), |i| did.get(i));
    let (customers, c_remap) = t.customers.into_sorted();
    let (products, pr_remap) = t.products.into_sorted();
    let (regions, r_remap) = t.regions.into_sorted();

    let partners = permute_partners(&mut t.partners, &p_order);
    let deals = permute_deals(&mut t.deals, &d_order, &c_remap, &pr_remap, &r_remap);
    let n = partners.id.len();
    let m = deals.id.len();
    // Between the passes, a run being stopped stops (crate::progress::checkpoint).
    use crate::progress::checkpoint;
    checkpoint();
    let (deal_partners, roles, touched) =
        deal_partner_links(m, &t.links, t.link_touched.take(), &d_rank, &p_rank);
    checkpoint();
    let partner_deals = partner_deals(n, m, &deal_partners);
    let partner_customers = partner_customers(n, m, &deal_partners, &deals.customer);
    checkpoint();
    let (partner_products, partner_product_links) =
        partner_products(n, &t.partner_products, &p_rank, &pr_remap);
    checkpoint();
    let cosell = cosell_network(n, &deal_partners, |d| cosell_stages.counts(deals.stage[d]));

    GraphSet {
        partners,
        deals,
        customers,
        products,
        regions,
        deal_partners,
        deal_partner_roles: roles,
        deal_partner_touched: touched,
        cosell_stages,
        partner_deals,
        cosell,
        partner_customers,
        partner_products,
        partner_product_links,
    }
}

/// The partners in id order (`order` from [`sort_order`]); ids and names are moved out
/// of `rows`, not cloned.
fn permute_partners(rows: &mut PartnerRows<FileOrder>, order: &[u32]) -> Partners {
    Partners {
        id: permute_owned(std::mem::take(&mut rows.id), order),
        name: permute_owned(std::mem::take(&mut rows.name), order),
        partner_type: permute(&rows.partner_type, order),
        tier: permute(&rows.tier, order),
        region: permute(&rows.region, order),
        joined_ms: permute(&rows.joined_ms, order),
        order: std::marker::PhantomData,
    }
}

/// The deals in id order (`order` from [`sort_order`]), their customer, product and
/// region keys renumbered to the sorted dictionaries (`remap` of each).
///
/// Each column of `rows` is taken and freed as soon as its id-order copy is made (one
/// statement a column), so the two orders of the deals are never held whole
/// together: at 50M deals that was 3.5 GB more at the build's peak. `rows` is left
/// empty.
fn permute_deals(
    rows: &mut DealRows<FileOrder>,
    order: &[u32],
    customers: &[u32],
    products: &[u32],
    regions: &[u32],
) -> Deals {
    use std::mem::take;
    // One statement a column: a statement's temporaries (the taken file-order column)
    // are freed at its end, a struct literal's only once the whole literal is built.
    let id = crate::validate::Ids::take(take(&mut rows.id).as_arrow(), order.iter().copied());
    let customer = remap_keys(&take(&mut rows.customer), order, customers);
    let product = remap_keys(&take(&mut rows.product), order, products);
    let amount = permute(&take(&mut rows.amount), order);
    let stage = permute(&take(&mut rows.stage), order);
    let created_ms = permute(&take(&mut rows.created_ms), order);
    let closed_ms = permute(&take(&mut rows.closed_ms), order);
    let region = remap_keys(&take(&mut rows.region), order, regions);
    Deals {
        id,
        customer,
        product,
        amount,
        stage,
        created_ms,
        closed_ms,
        region,
        order: std::marker::PhantomData,
    }
}

/// deal -> partners (`m` deals), with the roles each partner has on the deal and, when
/// the links have a touched_at, its earliest touch. `d_rank` and `p_rank` map file rows
/// to indexes.
fn deal_partner_links(
    m: usize,
    links: &[Link],
    link_touched: Option<Vec<Option<i64>>>,
    d_rank: &[u32],
    p_rank: &[u32],
) -> (Csr, Vec<u8>, Option<Vec<i64>>) {
    // The roles are OR-ed over duplicate rows. Key layout: deal << 32 | partner; after
    // sorting, duplicates are adjacent.
    let key = |l: &Link| {
        (u64::from(d_rank[l.deal as usize]) << 32) | u64::from(p_rank[l.partner as usize])
    };
    let mut sorted: Vec<(u64, u8)> = links.par_iter().map(|l| (key(l), l.role.bit())).collect();
    sorted.par_sort_unstable();
    let mut keys: Vec<u64> = Vec::with_capacity(sorted.len());
    let mut roles: Vec<u8> = Vec::with_capacity(sorted.len());
    for (k, r) in sorted {
        if keys.last() == Some(&k) {
            *roles.last_mut().expect("pushed with the key") |= r;
        } else {
            keys.push(k);
            roles.push(r);
        }
    }
    // The earliest touch of each (deal, partner), over the same keys.
    let touched = link_touched.map(|touched| {
        let mut tl: Vec<(u64, i64)> = links
            .par_iter()
            .zip(touched.par_iter())
            .map(|(l, ms)| (key(l), ms.unwrap_or(i64::MAX)))
            .collect();
        tl.par_sort_unstable();
        tl.dedup_by_key(|e| e.0); // sorted: the first of a key is its earliest touch
        debug_assert_eq!(tl.len(), keys.len());
        tl.into_iter()
            .map(|(_, ms)| if ms == i64::MAX { NO_TOUCH } else { ms })
            .collect::<Vec<i64>>()
    });
    (Csr::from_sorted_keys(m, &keys), roles, touched)
}

/// partner -> deals (`n` partners, `m` deals): the transpose of `deal_partners`.
fn partner_deals(n: usize, m: usize, deal_partners: &Csr) -> Csr {
    let mut pd: Vec<u64> = (0..m)
        .into_par_iter()
        .flat_map_iter(|d| {
            deal_partners
                .row(d)
                .iter()
                .map(move |&p| (u64::from(p) << 32) | d as u64)
        })
        .collect();
    pd.par_sort_unstable();
    Csr::from_sorted_keys(n, &pd)
}

/// partner -> customers reached through its deals (`customer` of each deal, [`NULL`]
/// for none).
fn partner_customers(n: usize, m: usize, deal_partners: &Csr, customer: &[u32]) -> Csr {
    let mut pc: Vec<u64> = (0..m)
        .into_par_iter()
        .filter(|&d| customer[d] != NULL)
        .flat_map_iter(|d| {
            let c = u64::from(customer[d]);
            deal_partners
                .row(d)
                .iter()
                .map(move |&p| (u64::from(p) << 32) | c)
        })
        .collect();
    pc.par_sort_unstable();
    pc.dedup();
    Csr::from_sorted_keys(n, &pc)
}

/// partner -> products carried, from the (partner row, product code) pairs of
/// partner_products, and the number of distinct pairs.
fn partner_products(
    n: usize,
    pairs: &[(u32, u32)],
    p_rank: &[u32],
    product_remap: &[u32],
) -> (Csr, usize) {
    let mut pp: Vec<u64> = pairs
        .iter()
        .map(|&(p, prod)| {
            (u64::from(p_rank[p as usize]) << 32) | u64::from(product_remap[prod as usize])
        })
        .collect();
    pp.par_sort_unstable();
    pp.dedup();
    (Csr::from_sorted_keys(n, &pp), pp.len())
}

/// The co-sell network's size, counted from the validated tables before it is built
/// ([`count_cosell`]): what `--max-cosell-edges` checks and `--dry-run` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CosellCount {
    /// Σ k(k-1)/2 over the deals that make ties: the ties if no two deals shared a
    /// pair, an upper bound of the network's edges. k is a deal's deal_partners rows,
    /// or its distinct partners when `exact` was counted.
    pub upper_bound: u64,
    /// The distinct ties (the network's edges, the `cosell_edges` rows), when they were
    /// counted (only when the bound is above the threshold asked for).
    pub exact: Option<u64>,
    /// The largest deal that makes ties: its k, as in `upper_bound`.
    pub largest_deal: u64,
}

impl CosellCount {
    /// The edges the network will have at most: the exact count when known, else the
    /// upper bound.
    pub fn edges_at_most(&self) -> u64 {
        self.exact.unwrap_or(self.upper_bound)
    }
}

/// Pairs among `k` (the ties a deal of `k` partners makes, the partner pairs an item
/// carried by `k` partners gives), k(k-1)/2, saturating (sums of it are too): a count
/// compared with a limit must never wrap to a small number.
pub(crate) fn ties(k: u64) -> u64 {
    k.saturating_mul(k.saturating_sub(1)) / 2
}

/// Counts the co-sell network of `t` (deals `stages` counts) without building it.
///
/// The upper bound Σ k(k-1)/2 needs one counting pass over the deal-partner rows; when
/// it is above `exact_above`, the rows are sorted and deduplicated, and the distinct
/// ties are counted: per partner, its co-partners of higher index marked once each, in
/// parallel, holding no pair (the build lists every pair of every deal, 8 bytes each,
/// before merging them).
///
/// # Complexity
/// * Bound: time **O(L + m)**, space **O(m)** for L deal-partner rows and m deals.
/// * Exact: time **O(L log L + Σ k²)** (Σ k²: what the build spends listing pairs),
///   space **O(L)** and **O(n)** per thread, without the build's 8 bytes per listed
///   pair.
pub fn count_cosell(t: &ValidatedTables, stages: CosellStages, exact_above: u64) -> CosellCount {
    let stage = &t.deals.stage;
    // First the bound from a counting pass (k: the deal's rows, a partner listed twice
    // counted twice): O(L), no sort, and all most runs need.
    let mut rows = vec![0u64; stage.len()];
    for l in t
        .links
        .iter()
        .filter(|l| stages.counts(stage[l.deal as usize]))
    {
        rows[l.deal as usize] += 1;
    }
    let listed = CosellCount {
        upper_bound: rows.iter().map(|&k| ties(k)).fold(0, u64::saturating_add),
        exact: None,
        largest_deal: rows.iter().copied().max().unwrap_or(0),
    };
    drop(rows);
    if listed.upper_bound <= exact_above {
        return listed;
    }
    let mut keys: Vec<u64> = t
        .links
        .par_iter()
        .filter(|l| stages.counts(stage[l.deal as usize]))
        .map(|l| (u64::from(l.deal) << 32) | u64::from(l.partner))
        .collect();
    keys.par_sort_unstable();
    keys.dedup();
    let (mut upper, mut largest) = (0u64, 0u64);
    for run in keys.chunk_by(|a, b| a >> 32 == b >> 32) {
        let k = run.len() as u64;
        upper = upper.saturating_add(ties(k));
        largest = largest.max(k);
    }
    let mut count = CosellCount {
        upper_bound: upper,
        exact: None,
        largest_deal: largest,
    };
    if upper <= exact_above {
        return count;
    }
    let n = t.partners.id.len();
    let deal_partners = Csr::from_sorted_keys(stage.len(), &keys);
    let mut pd: Vec<u64> = keys.iter().map(|k| k.rotate_right(32)).collect(); // partner << 32 | deal
    drop(keys);
    pd.par_sort_unstable();
    let partner_deals = Csr::from_sorted_keys(n, &pd);
    drop(pd);
    count.exact = Some(
        (0..n)
            .into_par_iter()
            .with_min_len(1024)
            .map_init(
                || vec![u32::MAX; n],
                |mark, p| {
                    let mut ties = 0u64;
                    for &d in partner_deals.row(p) {
                        for &q in deal_partners.row(d as usize) {
                            if q as usize > p && mark[q as usize] != p as u32 {
                                mark[q as usize] = p as u32;
                                ties += 1;
                            }
                        }
                    }
                    ties
                },
            )
            .sum(),
    );
    count
}

/// The co-sell network G (contract §2): edge {p, q} weighted by the number of distinct
/// deals both are on, over the deals `counts` accepts (every deal by default;
/// `--cosell-stages won`: won deals). Pairs are listed per fixed-size chunk of deals in
/// parallel, then sorted and counted, so the result does not depend on the thread count.
pub fn cosell_network(n: usize, deal_partners: &Csr, counts: impl Fn(usize) -> bool + Sync) -> Csr {
    let m = deal_partners.rows();
    let chunks: Vec<Vec<u64>> = (0..m.div_ceil(DEAL_CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut out = Vec::new();
            for d in (c * DEAL_CHUNK..((c + 1) * DEAL_CHUNK).min(m)).filter(|&d| counts(d)) {
                let ps = deal_partners.row(d);
                for (i, &p) in ps.iter().enumerate() {
                    for &q in &ps[i + 1..] {
                        out.push((u64::from(p) << 32) | u64::from(q));
                    }
                }
            }
            out
        })
        .collect();
    let mut pairs: Vec<u64> = chunks.concat();
    pairs.par_sort_unstable();
    let mut edges: Vec<(u32, u32, u32)> = Vec::new();
    for k in pairs {
        let (p, q) = ((k >> 32) as u32, k as u32);
        match edges.last_mut() {
            Some(e) if e.0 == p && e.1 == q => e.2 += 1,
            _ => edges.push((p, q, 1)),
        }
    }
    Csr::symmetric_from_sorted_edges(n, &edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deal_ties_saturate_instead_of_wrapping() {
        assert_eq!(
            [ties(0), ties(1), ties(4), ties(10_000)],
            [0, 0, 6, 49_995_000]
        );
        assert_eq!(ties(u64::MAX), u64::MAX / 2);
        assert_eq!(ties(1 << 33), u64::MAX / 2);
    }
}
