//! The report's network map (the most central partners and their ties, laid out) and
//! the account-mapping matrix with the most overlapping partner pairs.

use super::columns::{floats, ints, need, strs, top_by, Partners};
use super::model::{
    Bounded, MapNode, NetworkMap, PairRow, TypeCell, MAP_EDGES, MAP_NODES, MAP_SEED, PAIR_ROWS,
};
use crate::error::Result;
use crate::results::Results;

/// The map: the [`MAP_NODES`] partners of highest PageRank, the cosell_edges among them,
/// laid out by `report::layout` (seeded, so the same results give the same picture).
pub(super) fn network_map(r: &Results) -> Result<NetworkMap> {
    let pm = need(r, "partner_metrics")?;
    let partners = Partners::of(pm)?;
    let pr: Vec<f64> = floats(pm, "pagerank")?
        .into_iter()
        .map(|x| x.unwrap_or(0.0))
        .collect();
    let rev = floats(pm, "attributed_revenue")?;
    let community = ints(pm, "community")?;
    let chosen = top_by(pm.num_rows(), MAP_NODES, |i| pr[i]);
    let slot: std::collections::HashMap<&str, usize> = chosen
        .iter()
        .enumerate()
        .map(|(k, &i)| (partners.ids[i].as_str(), k))
        .collect();
    let mut edges = Vec::new();
    r.stream("cosell_edges", &mut |e| {
        let (a, b, w) = (
            strs(e, "partner_a")?,
            strs(e, "partner_b")?,
            ints(e, "shared_deals")?,
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
    let t = need(r, "overlap_by_type")?;
    let (ta, tb, pairs, density) = (
        strs(t, "type_a")?,
        strs(t, "type_b")?,
        ints(t, "pairs")?,
        floats(t, "pair_density")?,
    );
    let cells = (0..t.num_rows())
        .map(|i| TypeCell {
            type_a: ta[i].clone(),
            type_b: tb[i].clone(),
            pairs: pairs[i].unwrap_or(0),
            pair_density: density[i].unwrap_or(0.0),
        })
        .collect();
    let partners = Partners::of(need(r, "partner_metrics")?)?;
    // Streamed; kept: the PAIR_ROWS customer pairs with the most shared customers, then
    // the highest jaccard, ties by file order.
    type Cand = (i64, f64, u64, Option<String>, Option<String>);
    let better = |x: &Cand, y: &Cand| y.0.cmp(&x.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2));
    let (mut top, mut total): (Vec<Cand>, u64) = (Vec::new(), 0);
    r.stream("overlap_pairs", &mut |p| {
        let (a, b, dim, shared, j) = (
            strs(p, "partner_a")?,
            strs(p, "partner_b")?,
            strs(p, "dimension")?,
            ints(p, "shared")?,
            floats(p, "jaccard")?,
        );
        for i in 0..p.num_rows() {
            if dim[i].as_deref() != Some("customer") {
                continue;
            }
            let cand: Cand = (
                shared[i].unwrap_or(0),
                j[i].unwrap_or(0.0),
                total,
                None,
                None,
            );
            total += 1;
            if top.len() >= PAIR_ROWS && better(&top[PAIR_ROWS - 1], &cand).is_lt() {
                continue;
            }
            top.push((cand.0, cand.1, cand.2, a[i].clone(), b[i].clone()));
            top.sort_by(better);
            top.truncate(PAIR_ROWS);
        }
        Ok(())
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
