//! The partners: join days (a founding cohort on day 0, the others spread over the
//! quarters, more of them in later ones), type, tier, region, name and whether they
//! ever transact. [`draw_partners`] draws them; [`write_partners`] also writes
//! partners.csv.

use std::path::{Path, PathBuf};

use rand::Rng;

use super::calendar::Calendar;
use super::config::GenConfig;
use super::names::company_name;
use super::params::{FOUNDING_SHARE, JOIN_GROWTH};
use super::sampler::pick;
use super::streams::{rng_for, STREAM_PARTNERS};
use super::vocab::{PARTNER_TAILS, PARTNER_TYPES, REGIONS, REGION_SHARES, TIERS};
use super::writer::{IdFormat, Table};
use super::GenerateError;
use crate::schema::PARTNERS;

/// "No value" in the `u32` per-partner state (and in the deal drawer's ring of recent
/// deals).
pub(crate) const NONE: u32 = u32::MAX;

/// Per-partner state kept for drawing deals, indexed by partner number (join order =
/// id order).
pub(crate) struct Partners {
    /// Day of `joined_at` (non-decreasing in the partner number).
    pub(crate) join_day: Vec<u32>,
    /// Dormant partners (registered but never transacting) are never drawn.
    pub(crate) active: Vec<bool>,
    /// Index into [`PARTNER_TYPES`].
    pub(crate) kind: Vec<u8>,
    /// Index into [`TIERS`].
    pub(crate) tier: Vec<u8>,
    /// Customer of the partner's last deal, or [`NONE`].
    pub(crate) last_customer: Vec<u32>,
    /// The other partner of the partner's last co-sell deal, or [`NONE`].
    pub(crate) last_teammate: Vec<u32>,
    /// Products of partner `i` are `prod_ids[prod_offsets[i]..prod_offsets[i + 1]]`
    /// (filled by [`super::portfolios`]).
    pub(crate) prod_offsets: Vec<u32>,
    /// See [`prod_offsets`](Self::prod_offsets).
    pub(crate) prod_ids: Vec<u32>,
}

impl Partners {
    /// Number of partners.
    pub(crate) fn len(&self) -> usize {
        self.join_day.len()
    }

    /// Attachment fitness: weight added per deal (and the initial weight on joining).
    pub(crate) fn fitness(&self, p: usize) -> u64 {
        PARTNER_TYPES[self.kind[p] as usize].fitness * TIERS[self.tier[p] as usize].fitness
    }
}

/// One drawn partner, as partners.csv shows it.
pub(crate) struct PartnerRow<'a> {
    /// Partner number (0-based; the id is built from number + 1).
    pub(crate) number: usize,
    /// Company name.
    pub(crate) name: &'a str,
    /// Index into [`PARTNER_TYPES`].
    pub(crate) kind: usize,
    /// Index into [`TIERS`].
    pub(crate) tier: usize,
    /// Index into [`REGIONS`].
    pub(crate) region: usize,
    /// Day of `joined_at`.
    pub(crate) join_day: u32,
}

/// Draws the partners in id order, hands each one to `emit`, and returns the state the
/// deal drawer needs (product lists still empty).
pub(crate) fn draw_partners(
    cfg: &GenConfig,
    cal: &Calendar,
    mut emit: impl FnMut(&PartnerRow<'_>) -> Result<(), GenerateError>,
) -> Result<Partners, GenerateError> {
    let n = cfg.partners;
    let mut rng = rng_for(cfg.seed, STREAM_PARTNERS);
    let founding = ((n as f64 * FOUNDING_SHARE).round() as usize).clamp(1, n);

    // Join days: founding cohort on day 0, the others in quarters weighted by
    // JOIN_GROWTH^q, uniformly within the quarter; sorted so that ids follow join order.
    let quarters = cal.quarters();
    let q_weights: Vec<f64> = (0..quarters).map(|q| JOIN_GROWTH.powi(q as i32)).collect();
    let q_total: f64 = q_weights.iter().sum();
    let mut join_day = vec![0u32; n];
    for d in join_day.iter_mut().skip(founding) {
        let mut r = rng.random::<f64>() * q_total;
        let mut q = 0;
        while q + 1 < quarters && r >= q_weights[q] {
            r -= q_weights[q];
            q += 1;
        }
        let (lo, hi) = cal.quarter_bounds(q);
        *d = rng.random_range(lo..hi);
    }
    join_day.sort_unstable();

    let type_shares: Vec<u32> = PARTNER_TYPES.iter().map(|t| t.share).collect();
    let tier_shares: Vec<u32> = TIERS.iter().map(|t| t.share).collect();
    let founding_tier_shares: Vec<u32> = TIERS.iter().map(|t| t.founding_share).collect();

    let mut kind = Vec::with_capacity(n);
    let mut tier = Vec::with_capacity(n);
    let mut active = Vec::with_capacity(n);
    let mut name = String::new();
    for (i, &day) in join_day.iter().enumerate() {
        let k = pick(&mut rng, &type_shares);
        let t = if i < founding {
            pick(&mut rng, &founding_tier_shares)
        } else {
            pick(&mut rng, &tier_shares)
        };
        let region = pick(&mut rng, &REGION_SHARES);
        company_name(&mut rng, &PARTNER_TAILS, &mut name);
        // Founding partners all transact, so that some partner can be drawn from day 0.
        let dormant = rng.random_bool(TIERS[t].dormant);
        kind.push(k as u8);
        tier.push(t as u8);
        active.push(i < founding || !dormant);
        emit(&PartnerRow {
            number: i,
            name: &name,
            kind: k,
            tier: t,
            region,
            join_day: day,
        })?;
    }
    Ok(Partners {
        join_day,
        active,
        kind,
        tier,
        last_customer: vec![NONE; n],
        last_teammate: vec![NONE; n],
        prod_offsets: Vec::new(),
        prod_ids: Vec::new(),
    })
}

/// Draws the partners, writes partners.csv (its path is pushed to `files`) and returns
/// the per-partner state.
pub(crate) fn write_partners(
    cfg: &GenConfig,
    cal: &Calendar,
    out_dir: &Path,
    ids: IdFormat,
    files: &mut Vec<PathBuf>,
) -> Result<Partners, GenerateError> {
    let mut table = Table::create(out_dir, &PARTNERS)?;
    let partners = draw_partners(cfg, cal, |row| {
        ids.write(&mut table.buf, row.number as u64 + 1);
        table.field_buf()?;
        table.field(row.name.as_bytes())?;
        table.field(PARTNER_TYPES[row.kind].name.as_bytes())?;
        table.field(TIERS[row.tier].name.as_bytes())?;
        table.field(REGIONS[row.region].as_bytes())?;
        table.field(cal.date(row.join_day))?;
        table.end()
    })?;
    files.push(table.finish()?);
    Ok(partners)
}
