//! The report's network map (the most central partners and their ties, laid out) and
//! the account-mapping matrix with the most overlapping partner pairs.

use serde::Serialize;

use super::columns::{customer_pairs, floats, ints, need, strs, top_by, Bounded, Partners};
use crate::error::Result;
use crate::results::Results;
use crate::schema::out;

/// Overlapping partner pairs listed (customer dimension, most shared customers first,
/// then jaccard).
pub const PAIR_ROWS: usize = 25;

/// One cell of the account-mapping matrix (overlap_by_type).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypeCell {
    /// type_a (null: partners without a type).
    pub type_a: Option<String>,
    /// type_b.
    pub type_b: Option<String>,
    /// pairs sharing at least one customer.
    pub pairs: i64,
    /// pairs / possible_pairs.
    pub pair_density: f64,
}

/// One overlapping pair of partners (customer dimension).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PairRow {
    /// partner_a's name (its id when absent).
    pub name_a: String,
    /// partner_b's name.
    pub name_b: String,
    /// shared customers.
    pub shared: i64,
    /// jaccard.
    pub jaccard: f64,
}

/// Partners on the network map: the most central by PageRank.
pub const MAP_NODES: usize = 300;
/// Ties drawn at most: the strongest (shared deals, then partner order), so the page
/// stays small however dense the core is.
pub const MAP_EDGES: usize = 2000;
/// Seed of the map's layout.
pub const MAP_SEED: u64 = 42;

/// A partner on the network map.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapNode {
    /// partner_id.
    pub partner_id: String,
    /// name (the id when absent).
    pub name: String,
    /// Layout position in [0, 1]² (`report::layout`).
    pub x: f64,
    /// Layout position.
    pub y: f64,
    /// attributed_revenue: the node's size.
    pub attributed_revenue: f64,
    /// community: the node's colour (null when not computed).
    pub community: Option<i64>,
    /// pagerank: why it is on the map.
    pub pagerank: f64,
}

/// The co-sell network map: the most central partners and the ties among them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NetworkMap {
    /// The partners shown, PageRank descending (ties by id).
    pub nodes: Vec<MapNode>,
    /// Ties among them: (index into nodes, index into nodes, shared_deals), the
    /// [`MAP_EDGES`] strongest, in cosell_edges order.
    pub edges: Vec<(usize, usize, i64)>,
    /// Ties among the map's partners in all (drawn or not).
    pub total_edges: usize,
    /// Partners in all.
    pub total: usize,
}

/// The map: the [`MAP_NODES`] partners of highest PageRank, the cosell_edges among them,
/// laid out by `report::layout` (seeded, so the same results give the same picture).
pub(super) fn network_map(r: &Results) -> Result<NetworkMap> {
    let pm = need(r, &out::PARTNER_METRICS)?;
    let partners = Partners::of(pm)?;
    let pr: Vec<f64> = floats(pm, const { out::PARTNER_METRICS.col("pagerank") })?
        .into_iter()
        .map(|x| x.unwrap_or(0.0))
        .collect();
    let rev = floats(pm, const { out::PARTNER_METRICS.col("attributed_revenue") })?;
    let community = ints(pm, const { out::PARTNER_METRICS.col("community") })?;
    let chosen = top_by(pm.num_rows(), MAP_NODES, |i| pr[i]);
    let slot: std::collections::HashMap<&str, usize> = chosen
        .iter()
        .enumerate()
        .map(|(k, &i)| (partners.ids[i].as_str(), k))
        .collect();
    let mut edges = Vec::new();
    r.stream(out::COSELL_EDGES.name, &mut |e| {
        let (a, b, w) = (
            strs(e, const { out::COSELL_EDGES.col("partner_a") })?,
            strs(e, const { out::COSELL_EDGES.col("partner_b") })?,
            ints(e, const { out::COSELL_EDGES.col("shared_deals") })?,
        );
        for i in 0..e.num_rows() {
            let (Some(a), Some(b)) = (a[i].as_deref(), b[i].as_deref()) else {
                continue;
            };
            if let (Some(&x), Some(&y)) = (slot.get(a), slot.get(b)) {
                edges.push((x, y, w[i].unwrap_or(0)));
            }
        }
        Ok(())
    })?;
    let total_edges = edges.len();
    // The layout uses every tie; only the drawing is bounded.
    let pairs: Vec<(usize, usize)> = edges.iter().map(|&(a, b, _)| (a, b)).collect();
    let pos = super::layout::force_layout(chosen.len(), &pairs, MAP_SEED);
    if edges.len() > MAP_EDGES {
        let keep = top_by(edges.len(), MAP_EDGES, |i| edges[i].2 as f64);
        let mut keep = keep;
        keep.sort_unstable();
        edges = keep.into_iter().map(|i| edges[i]).collect();
    }
    let nodes = chosen
        .iter()
        .zip(pos)
        .map(|(&i, (x, y))| MapNode {
            name: partners.names[i].clone(),
            partner_id: partners.ids[i].clone(),
            x,
            y,
            attributed_revenue: rev[i].unwrap_or(0.0),
            community: community[i],
            pagerank: pr[i],
        })
        .collect();
    Ok(NetworkMap {
        nodes,
        edges,
        total_edges,
        total: pm.num_rows(),
    })
}

/// The matrix cells and the most overlapping customer pairs.
pub(super) fn account_mapping(r: &Results) -> Result<(Vec<TypeCell>, Bounded<PairRow>)> {
    let t = need(r, &out::OVERLAP_BY_TYPE)?;
    let (ta, tb, pairs, density) = (
        strs(t, const { out::OVERLAP_BY_TYPE.col("type_a") })?,
        strs(t, const { out::OVERLAP_BY_TYPE.col("type_b") })?,
        ints(t, const { out::OVERLAP_BY_TYPE.col("pairs") })?,
        floats(t, const { out::OVERLAP_BY_TYPE.col("pair_density") })?,
    );
    let cells = (0..t.num_rows())
        .map(|i| TypeCell {
            type_a: ta[i].clone(),
            type_b: tb[i].clone(),
            pairs: pairs[i].unwrap_or(0),
            pair_density: density[i].unwrap_or(0.0),
        })
        .collect();
    let partners = Partners::of(need(r, &out::PARTNER_METRICS)?)?;
    // Streamed; kept: the PAIR_ROWS customer pairs with the most shared customers, then
    // the highest jaccard, ties by file order.
    type Cand = (i64, f64, u64, Option<String>, Option<String>);
    let better = |x: &Cand, y: &Cand| y.0.cmp(&x.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2));
    let (mut top, mut total): (Vec<Cand>, u64) = (Vec::new(), 0);
    customer_pairs(r, &mut |p| {
        let cand: Cand = (p.shared, p.jaccard, total, None, None);
        total += 1;
        if top.len() >= PAIR_ROWS && better(&top[PAIR_ROWS - 1], &cand).is_lt() {
            return;
        }
        top.push((cand.0, cand.1, cand.2, p.a.clone(), p.b.clone()));
        top.sort_by(better);
        top.truncate(PAIR_ROWS);
    })?;
    let label = |id: &Option<String>| partners.label(id.as_deref());
    Ok((
        cells,
        Bounded {
            rows: top
                .into_iter()
                .map(|(shared, jaccard, _, a, b)| PairRow {
                    name_a: label(&a),
                    name_b: label(&b),
                    shared,
                    jaccard,
                })
                .collect(),
            total: total as usize,
        },
    ))
}
