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

/// Partners considered for the network map: the most central by PageRank.
pub const MAP_NODES: usize = 300;
/// Ties drawn at most: the strongest (shared deals, then partner order), so the page
/// stays small however dense the core is.
pub const MAP_EDGES: usize = 2000;
/// Seed of the map's layout.
pub const MAP_SEED: u64 = 42;
/// A community's colour by its rank among the map's communities (most partners on the
/// map first): Tableau 10 without its grey, which is kept for every other partner
/// ([`OTHER_COLOUR`]).
pub(super) const PALETTE: [&str; 9] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
    "#17becf",
];
/// The colour of a partner outside the nine largest communities on the map, or without
/// a community (`--metrics` dropped it).
pub(super) const OTHER_COLOUR: &str = "#969696";

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
    /// community (null when not computed).
    pub community: Option<i64>,
    /// The node's colour, `#rrggbb`: the nine communities with the most partners on the
    /// map get Tableau 10's colours without its grey, in that order; every other partner
    /// is grey (#969696).
    pub colour: String,
    /// pagerank: why it is on the map.
    pub pagerank: f64,
    /// won_deals.
    pub won_deals: i64,
    /// win_rate (null when none of its deals closed).
    pub win_rate: Option<f64>,
    /// cosell_degree: its co-sellers in the whole network, on the map or not.
    pub cosell_degree: i64,
    /// betweenness (null when not computed).
    pub betweenness: Option<f64>,
    /// reach_loss (null when nobody co-sells).
    pub reach_loss: Option<f64>,
    /// Ties of this partner drawn on the map (among [`NetworkMap::edges`]).
    pub ties_drawn: usize,
    /// The card the page shows for it: (label, value as the page prints it), the
    /// figures above formatted by `report::show`, then type, tier and region when
    /// the partners table has them.
    pub card: Vec<(String, String)>,
}

/// The co-sell network map: the most central partners that co-sell with each other,
/// and the ties among them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NetworkMap {
    /// The partners shown: the [`MAP_NODES`] of highest PageRank that have at least one
    /// tie among them, PageRank descending (ties by id).
    pub nodes: Vec<MapNode>,
    /// Ties among them: (index into nodes, index into nodes, shared_deals), the
    /// [`MAP_EDGES`] strongest, in cosell_edges order.
    pub edges: Vec<(usize, usize, i64)>,
    /// Ties among the map's partners in all (drawn or not).
    pub total_edges: usize,
    /// Of the [`MAP_NODES`] most central partners, those with no tie to any other of
    /// them: counted here, not drawn (a ring of unconnected dots says nothing).
    pub isolated: usize,
    /// Partners in all.
    pub total: usize,
}

/// The map: of the [`MAP_NODES`] partners of highest PageRank, those with a tie among
/// them (the others are counted in `isolated`), the cosell_edges among them, laid out by
/// `report::layout` (seeded, so the same results give the same picture). Time
/// O(partners + cosell_edges) to read, O(rounds · n²) to lay out n ≤ [`MAP_NODES`].
pub(super) fn network_map(r: &Results) -> Result<NetworkMap> {
    let pm = need(r, &out::PARTNER_METRICS)?;
    let partners = Partners::of(pm)?;
    let pr: Vec<f64> = floats(pm, const { out::PARTNER_METRICS.col("pagerank") })?
        .into_iter()
        .map(|x| x.unwrap_or(0.0))
        .collect();
    let rev = floats(pm, const { out::PARTNER_METRICS.col("attributed_revenue") })?;
    let community = ints(pm, const { out::PARTNER_METRICS.col("community") })?;
    let (won, degree) = (
        ints(pm, const { out::PARTNER_METRICS.col("won_deals") })?,
        ints(pm, const { out::PARTNER_METRICS.col("cosell_degree") })?,
    );
    let (win, btw, reach) = (
        floats(pm, const { out::PARTNER_METRICS.col("win_rate") })?,
        floats(pm, const { out::PARTNER_METRICS.col("betweenness") })?,
        floats(pm, const { out::PARTNER_METRICS.col("reach_loss") })?,
    );
    let (ty, tier, region) = (
        strs(pm, const { out::PARTNER_METRICS.col("partner_type") })?,
        strs(pm, const { out::PARTNER_METRICS.col("tier") })?,
        strs(pm, const { out::PARTNER_METRICS.col("region") })?,
    );
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
    let (chosen, mut edges) = connected_only(&chosen, edges);
    let total_edges = edges.len();
    // The layout uses every tie; only the drawing is bounded.
    let pairs: Vec<(usize, usize)> = edges.iter().map(|&(a, b, _)| (a, b)).collect();
    let pos = super::layout::force_layout(chosen.len(), &pairs, MAP_SEED);
    if edges.len() > MAP_EDGES {
        let mut keep = top_by(edges.len(), MAP_EDGES, |i| edges[i].2 as f64);
        keep.sort_unstable();
        edges = keep.into_iter().map(|i| edges[i]).collect();
    }
    let mut ties_drawn = vec![0usize; chosen.len()];
    for &(a, b, _) in &edges {
        ties_drawn[a] += 1;
        ties_drawn[b] += 1;
    }
    let colours = community_colours(chosen.iter().map(|&i| community[i]));
    let show = super::show;
    let nodes = chosen
        .iter()
        .zip(pos)
        .zip(colours)
        .zip(ties_drawn)
        .map(|(((&i, (x, y)), colour), ties_drawn)| {
            let revenue = rev[i].unwrap_or(0.0);
            let (won_deals, cosell_degree) = (won[i].unwrap_or(0), degree[i].unwrap_or(0));
            let mut card: Vec<(String, String)> = [
                ("Attributed revenue", show(Some(revenue), "money")),
                ("Won deals", show(Some(won_deals as f64), "count")),
                ("Win rate", show(win[i], "share")),
                ("Co-sellers", show(Some(cosell_degree as f64), "count")),
                ("Ties drawn here", show(Some(ties_drawn as f64), "count")),
                ("PageRank", show(Some(pr[i]), "small")),
                ("Betweenness", show(btw[i], "small")),
                ("Reach loss", show(reach[i], "share")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            for (label, value) in [("Type", &ty[i]), ("Tier", &tier[i]), ("Region", &region[i])] {
                if let Some(v) = value {
                    card.push((label.to_string(), v.clone()));
                }
            }
            if let Some(cm) = community[i] {
                card.push(("Community".to_string(), cm.to_string()));
            }
            MapNode {
                name: partners.names[i].clone(),
                partner_id: partners.ids[i].clone(),
                x,
                y,
                attributed_revenue: revenue,
                community: community[i],
                colour,
                pagerank: pr[i],
                won_deals,
                win_rate: win[i],
                cosell_degree,
                betweenness: btw[i],
                reach_loss: reach[i],
                ties_drawn,
                card,
            }
        })
        .collect();
    Ok(NetworkMap {
        nodes,
        edges,
        total_edges,
        isolated: slot.len() - chosen.len(),
        total: pm.num_rows(),
    })
}

/// Drops the partners of `chosen` that no edge touches, keeping the others' order, and
/// renumbers `edges` (indices into `chosen`) to the partners kept. Time O(n + m).
fn connected_only(
    chosen: &[usize],
    edges: Vec<(usize, usize, i64)>,
) -> (Vec<usize>, Vec<(usize, usize, i64)>) {
    let mut tied = vec![false; chosen.len()];
    for &(a, b, _) in &edges {
        tied[a] = true;
        tied[b] = true;
    }
    let mut new_index = vec![usize::MAX; chosen.len()];
    let mut kept = Vec::new();
    for (k, &i) in chosen.iter().enumerate() {
        if tied[k] {
            new_index[k] = kept.len();
            kept.push(i);
        }
    }
    let edges = edges
        .into_iter()
        .map(|(a, b, w)| (new_index[a], new_index[b], w))
        .collect();
    (kept, edges)
}

/// Each partner's colour: the communities ranked by partners on the map (most first,
/// ties by the smaller number), the first [`PALETTE`]`.len()` coloured in order, the
/// rest and partners without a community [`OTHER_COLOUR`].
fn community_colours(communities: impl Iterator<Item = Option<i64>> + Clone) -> Vec<String> {
    let mut sizes: std::collections::BTreeMap<i64, usize> = std::collections::BTreeMap::new();
    for cm in communities.clone().flatten() {
        *sizes.entry(cm).or_default() += 1;
    }
    let mut ranked: Vec<(i64, usize)> = sizes.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    communities
        .map(|cm| {
            cm.and_then(|cm| ranked.iter().take(PALETTE.len()).position(|x| x.0 == cm))
                .map_or(OTHER_COLOUR, |k| PALETTE[k])
                .to_string()
        })
        .collect()
}

/// The script the page runs for the interactive map: graphology and sigma.js (vendored
/// in `vendor/`, see its README.md), then the page's own `map.js`, one after the other.
/// None of them holds `</script` or `<!--` (a test checks), so it is inlined as it is.
pub(super) fn map_script() -> String {
    [
        include_str!("vendor/graphology.umd.min.js"),
        include_str!("vendor/sigma.min.js"),
        include_str!("map.js"),
    ]
    .join("\n;\n")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partners_without_a_tie_are_dropped_and_ties_renumbered() {
        // Partners 10, 11, 12, 13 (slots 0..4): 11 has no tie, 13 ties only to 10.
        let (kept, edges) = connected_only(&[10, 11, 12, 13], vec![(0, 2, 5), (3, 0, 1)]);
        assert_eq!(kept, vec![10, 12, 13]);
        assert_eq!(edges, vec![(0, 1, 5), (2, 0, 1)]);
        // Everyone tied: nothing changes.
        let (kept, edges) = connected_only(&[4, 5], vec![(1, 0, 2)]);
        assert_eq!((kept, edges), (vec![4, 5], vec![(1, 0, 2)]));
        // Nobody tied: nothing drawn.
        assert_eq!(connected_only(&[1, 2], vec![]), (vec![], vec![]));
    }

    #[test]
    fn the_largest_communities_get_the_palette_the_rest_grey() {
        // Community 7 has three partners, 3 two, 9 one; ties by the smaller number.
        let cms = [Some(3), Some(7), None, Some(7), Some(9), Some(3), Some(7)];
        let c = community_colours(cms.iter().copied());
        assert_eq!(c[1], PALETTE[0]);
        assert_eq!(c[0], PALETTE[1]);
        assert_eq!(c[4], PALETTE[2]);
        assert_eq!(c[2], OTHER_COLOUR);
        // Ten communities of one partner: the tenth (largest number) is grey.
        let c = community_colours((0..10).map(Some));
        assert_eq!(c[8], PALETTE[8]);
        assert_eq!(c[9], OTHER_COLOUR);
        assert!(!PALETTE.contains(&OTHER_COLOUR));
    }

    #[test]
    fn the_inlined_script_cannot_end_its_script_element() {
        let s = map_script().to_ascii_lowercase();
        assert!(!s.contains("</script") && !s.contains("<!--"));
        assert!(s.contains("new sigma(") && s.contains("graphology"));
    }
}
