//! Seeded, streaming generator of realistic partner ecosystems.
//!
//! [`generate`] writes the six input tables of the data contract (`partners`, `products`,
//! `customers`, `deals`, `deal_partners`, `partner_products`) as CSV files. The same
//! [`GenConfig`] (seed included) always gives byte-identical files on a given platform;
//! nothing depends on the machine's clock, on hash-map order or on thread scheduling.
//!
//! # What is modelled, and why
//!
//! The data must exercise every metric `ecograph analyze` computes, so it reproduces the
//! mechanisms that shape real partner ecosystems rather than uniform noise:
//!
//! * **Preferential attachment** (Barabási-Albert). Each deal picks its lead partner,
//!   and its co-sell partners, with probability proportional to
//!   `fitness × (1 + deals the partner is on so far)`, where the fitness is a product of
//!   a partner-type factor (distributors and resellers attract more deals than referral
//!   partners) and a tier factor (Bianconi-Barabási "fitness"). This yields a
//!   heavy-tailed deal count per partner, hubs in the co-sell network, a meaningful
//!   k-core / betweenness structure and concentrated revenue (Gini, HHI). A share of
//!   the draws (30 %) is uniform over the joined partners instead ("mixed attachment"):
//!   with many more deals than partners, pure preferential attachment would hand
//!   nearly everything to the founding cohort, whose head start never erodes.
//! * **Dormant partners.** Some partners, mostly `registered` ones, sign up and never
//!   transact (they stay isolated nodes, as in real partner programmes); founding
//!   partners are always active.
//! * **Join-time gating.** Partners join over the horizon: a founding cohort on the
//!   first day, the rest spread over the quarters with more joiners in later ones. A
//!   partner's attachment weight is 0 until its `joined_at`, so it is never on a deal
//!   created before it joined, and the network grows by accretion as real ecosystems
//!   do. Deals per day grow super-linearly with the number of joined partners (a
//!   network effect), so cumulative partners, co-sell edges and won revenue grow
//!   together and the densification and growth-law fits have signal.
//! * **Sampling** uses a Fenwick tree over partners in join order (partner ids are
//!   assigned in join order): O(log n) per draw and per update, O(n) memory, no list
//!   of past participations.
//! * **Deals.** About 27 % are direct (no partner); partner deals have 1-4 partners
//!   (60/28/9/3 %). The lead partner is usually `sourced`, sometimes a second partner
//!   is too (revenue split), the others are `influenced`, `co_sell`, `fulfilled` or
//!   `referral` according to their type. Partner-led deals win more often than direct
//!   ones, co-sell deals (>= 2 partners) are larger and partner deals close faster, so
//!   partner lift and co-sell lift differ from 1. Amounts are log-normal with a mean set
//!   by the customer's segment. Deals close 10-180 days after creation; a deal whose
//!   closing date would fall after the horizon is `open`, so open deals are the recent
//!   ones.
//! * **Customers and products** have heavy-tailed popularity (a few large accounts with
//!   many deals); a deal's region is usually its customer's. Partners tend to go back
//!   to their last customer and co-sell partners to re-team with their last teammate,
//!   which creates partner pairs with high customer overlap (Jaccard >= 0.5).
//! * **Channel conflicts**: a small share of sourced deals copy the customer and product
//!   of a sourced deal of the last 90 days with a different sourcing partner.
//! * **Null rules**: ~1 % of amounts and ~1 % of stages are empty (the empty stages are
//!   on won deals, as null means `won`), ~0.5 % of customer and product ids are empty,
//!   ~0.5 % of partner deals list one partner twice with two roles, and a few names
//!   contain a comma or a double quote to exercise CSV quoting.
//!
//! # Memory and streaming
//!
//! Memory is O(partners + customers + products + days): per-partner state (join day,
//! type, tier, region, last customer, last teammate, product list), per-customer segment
//! and region, the Fenwick tree and the per-day deal counts. Deals are generated in
//! created_at order and written as they are made, so 50 million deals need no more
//! memory than 5 thousand.
//!
//! # Layout
//!
//! Each table is drawn by a function that hands its rows to a callback and returns the
//! state later phases need, so the draws can be tested without writing or parsing CSV;
//! a `write_*` companion feeds the rows to a CSV `writer`. Deals are drawn one at a
//! time by `deal` into a plain struct, then written by `deal_writer`.
//!
//! * `config`: [`GenConfig`] and its range checks; `error`: [`GenerateError`].
//! * `params`: the shape parameters (each documented); `vocab`: the fixed tables of
//!   names, shares and vocabularies; `streams`: one random stream per phase.
//! * `partners`, `products`, `customers`, `portfolios` (partner_products): the
//!   entity tables; `names`: company names; `volume`: deals per day.
//! * `deal`: drawing one deal; `deal_writer`: its deals and deal_partners rows.
//! * `calendar`: the days of the horizon and their dates; `sampler`: the Fenwick tree
//!   and other sampling primitives; `writer`: CSV tables and id formatting.
//!
//! # Knobs
//!
//! The public knobs are the fields of [`GenConfig`]; the shape parameters are the
//! constants of `params` and the tables of `vocab`.

mod calendar;
mod config;
mod customers;
mod deal;
mod deal_writer;
mod error;
mod names;
mod params;
mod partners;
mod portfolios;
mod products;
mod sampler;
mod streams;
mod vocab;
mod volume;
mod writer;

use std::path::{Path, PathBuf};

pub use config::GenConfig;
pub use error::GenerateError;

use calendar::Calendar;
use deal::DealDraw;
use deal_writer::DealWriter;
use params::MAX_CYCLE_DAYS;
use writer::Ids;

/// `progress` is called every this many deals.
const PROGRESS_EVERY: u64 = 10_000;

/// What [`generate`] wrote.
#[derive(Debug, Clone)]
pub struct GenReport {
    /// Rows of partners.csv.
    pub partners: u64,
    /// Rows of deals.csv.
    pub deals: u64,
    /// Rows of deal_partners.csv.
    pub deal_partner_links: u64,
    /// Rows of partner_products.csv.
    pub partner_product_links: u64,
    /// Rows of customers.csv.
    pub customers: u64,
    /// Rows of products.csv.
    pub products: u64,
    /// The files written, in the order partners, products, customers,
    /// partner_products, deals, deal_partners.
    pub files: Vec<PathBuf>,
}

/// Writes a seeded synthetic partner ecosystem as six CSV tables into `out_dir`
/// (which must exist; existing files of the same names are overwritten).
///
/// `progress(done_deals, total_deals)` is called every 10 000 deals and once at the end.
pub fn generate(
    cfg: &GenConfig,
    out_dir: &Path,
    progress: &dyn Fn(u64, u64),
) -> Result<GenReport, GenerateError> {
    cfg.validate()?;
    let n_partners = cfg.partners;
    let n_customers = cfg.resolved_customers();
    let n_products = cfg.resolved_products();
    let cal = Calendar::new(cfg.start_year, cfg.quarters, MAX_CYCLE_DAYS + 1)?;
    let ids = Ids::new(n_partners, n_products, n_customers, cfg.deals);

    // The entity tables, each from its own random stream.
    let mut files = Vec::with_capacity(6);
    let mut partners = partners::write_partners(cfg, &cal, out_dir, ids.partner, &mut files)?;
    let product_popularity =
        products::write_products(cfg, n_products, out_dir, ids.product, &mut files)?;
    let customers =
        customers::write_customers(cfg, n_customers, out_dir, ids.customer, &mut files)?;
    let partner_product_links = portfolios::write_portfolios(
        cfg,
        &mut partners,
        n_products,
        product_popularity,
        out_dir,
        ids,
        &mut files,
    )?;

    // The deals, in created_at order, each written as soon as it is drawn.
    let volume = volume::daily_volume(cfg, &cal, &partners.join_day);
    let mut draw = DealDraw::new(
        cfg.seed,
        cal.days(),
        partners,
        customers,
        n_products,
        product_popularity,
    );
    let mut deals = DealWriter::create(out_dir, &cal, ids)?;
    let total = cfg.deals as u64;
    for (day, &count) in volume.iter().enumerate() {
        for _ in 0..count {
            let done = deals.write(&draw.draw(day as u32))?;
            if done.is_multiple_of(PROGRESS_EVERY) {
                progress(done, total);
            }
        }
    }
    if !total.is_multiple_of(PROGRESS_EVERY) {
        progress(total, total);
    }
    let counts = deals.finish(&mut files)?;
    debug_assert_eq!(counts.deals, total);

    Ok(GenReport {
        partners: n_partners as u64,
        deals: total,
        deal_partner_links: counts.links,
        partner_product_links,
        customers: n_customers as u64,
        products: n_products as u64,
        files,
    })
}

#[cfg(test)]
mod tests;
