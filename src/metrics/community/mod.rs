//! Communities of the co-sell network (contract §3 `community`, summary `modularity`)
//! and the `communities` table that names each one by its leading partners.

pub mod louvain;

pub use louvain::{communities, modularity, LouvainParams};

impl LouvainParams {
    /// Checks at least one trial and a positive, finite resolution; the message names the
    /// CLI flag where there is one (`--community-trials`).
    pub fn check(&self) -> crate::error::Result<()> {
        if self.trials == 0 {
            return Err(crate::error::Error::Parameter(
                "--community-trials must be at least 1".into(),
            ));
        }
        let r = self.resolution;
        if !(r > 0.0 && r.is_finite()) {
            return Err(crate::error::Error::Parameter(format!(
                "the Louvain resolution must be a positive number, got {r}"
            )));
        }
        Ok(())
    }
}

/// Partners listed per community in `top_partners`.
pub const TOP_PARTNERS: usize = 3;

/// One row of the `communities` table.
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityRow {
    /// `community`: the community id, numbered 0, 1, ... by each one's smallest
    /// partner_id (as partner_metrics' `community`).
    pub community: u32,
    /// `size`: partners in the community.
    pub size: u32,
    /// Up to [`TOP_PARTNERS`] partner indices, highest pagerank first (ties by id).
    pub top_partners: Vec<u32>,
    /// Most frequent partner_type (ties: the smaller type name); None when no member has one.
    pub dominant_partner_type: Option<String>,
    /// Members with that type / size.
    pub dominant_type_share: Option<f64>,
}

/// The `communities` table: one row per community with its size, its three leading
/// partners by PageRank and its dominant partner_type, so each community can be named.
///
/// For a partner manager: who leads each co-selling group and what kind of partners it
/// is made of (a group of resellers around one ISV, say).
///
/// # Arguments
/// * `label`: the community of each partner, numbered densely from 0 (as
///   [`communities`] returns them).
/// * `pagerank`: the PageRank of each partner (for `top_partners`).
/// * `partner_type`: the partner_type of each partner, `None` when null.
///
/// All three are indexed by partner index (id order).
///
/// # Returns
/// * One [`CommunityRow`] per community 0, 1, ..., in that order: `size`, up to
///   [`TOP_PARTNERS`] partner indices by descending PageRank (ties by id), the most
///   frequent non-null partner_type (ties: the smaller name) and its share of the size
///   (both `None` when no member has a type).
///
/// # Complexity
/// * Time complexity: **O(n log n)** (members sorted by PageRank and by type).
/// * Auxiliary space: **O(n)**.
///
/// where **n** is the number of partners.
///
/// Reference: ecograph's own summary table (contract §3 `communities`); no library
/// function computes it.
///
/// # Example
/// ```rust
/// use ecograph::metrics::community::community_rows;
/// // Partners 0, 1, 3 form community 0, partner 2 community 1.
/// let label = [0, 0, 1, 0];
/// let pagerank = [0.1, 0.4, 0.2, 0.4];
/// let t = |s: &str| Some(s.to_string());
/// let types = [t("isv"), t("msp"), None, t("isv")];
/// let rows = community_rows(&label, &pagerank, &types);
/// assert_eq!(rows.len(), 2);
/// // 1 and 3 tie on PageRank: the smaller index first.
/// assert_eq!((rows[0].size, rows[0].top_partners.clone()), (3, vec![1, 3, 0]));
/// assert_eq!(rows[0].dominant_partner_type.as_deref(), Some("isv"));
/// assert_eq!(rows[0].dominant_type_share, Some(2.0 / 3.0));
/// assert_eq!((rows[1].size, rows[1].dominant_partner_type.clone()), (1, None));
/// ```
pub fn community_rows(
    label: &[u32],
    pagerank: &[f64],
    partner_type: &[Option<String>],
) -> Vec<CommunityRow> {
    let k = label.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); k];
    for (p, &c) in label.iter().enumerate() {
        members[c as usize].push(p as u32);
    }
    members
        .into_iter()
        .enumerate()
        .map(|(c, mut m)| {
            let size = m.len() as u32;
            let mut types: Vec<&str> = m
                .iter()
                .filter_map(|&p| partner_type[p as usize].as_deref())
                .collect();
            types.sort_unstable();
            let mut dominant: Option<(&str, usize)> = None;
            for run in types.chunk_by(|a, b| a == b) {
                if dominant.is_none_or(|(_, n)| run.len() > n) {
                    dominant = Some((run[0], run.len()));
                }
            }
            // Stable sort: equal pagerank keeps id order.
            m.sort_by(|&a, &b| pagerank[b as usize].total_cmp(&pagerank[a as usize]));
            m.truncate(TOP_PARTNERS);
            CommunityRow {
                community: c as u32,
                size,
                top_partners: m,
                dominant_partner_type: dominant.map(|(t, _)| t.to_string()),
                dominant_type_share: dominant.map(|(_, n)| n as f64 / f64::from(size)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_name_leaders_and_dominant_type() {
        let label = [0, 0, 1, 0];
        let pr = [0.1, 0.4, 0.2, 0.4];
        let t = |s: &str| Some(s.to_string());
        let types = [t("isv"), t("msp"), None, t("isv")];
        let rows = community_rows(&label, &pr, &types);
        assert_eq!(rows[0].top_partners, vec![1, 3, 0]);
        assert_eq!(rows[0].dominant_partner_type.as_deref(), Some("isv"));
        assert!((rows[0].dominant_type_share.unwrap() - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(rows[1].size, 1);
        assert_eq!(rows[1].dominant_partner_type, None);
    }
}
