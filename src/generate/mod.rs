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
//! # Knobs
//!
//! The public knobs are the fields of [`GenConfig`]; the shape parameters are the
//! constants of this module (each documented) and the tables of `vocab`.

mod calendar;
mod sampler;
mod vocab;
mod writer;

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use calendar::Calendar;
use sampler::{pick, skewed_rank, std_normal, Fenwick, Scatter};
use vocab::*;
use writer::{write_amount, IdFormat, Table};

/// Parameters of a generated ecosystem. Same config + seed => byte-identical files.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenConfig {
    /// Seed of the ChaCha8 random generator.
    pub seed: u64,
    /// Number of partners (e.g. 300 for the demo, 100 000 for benches, up to 1 000 000).
    pub partners: usize,
    /// Number of deals (e.g. 4 000 demo, 3 000 000 bench, up to 50 000 000).
    pub deals: usize,
    /// Number of customers; default `max(deals / 4, 50)`.
    pub customers: Option<usize>,
    /// Number of products; default `1.2 * sqrt(partners)` clamped to 20..=400.
    pub products: Option<usize>,
    /// Year of the first day of the horizon (1 January); default 2021.
    pub start_year: i32,
    /// Length of the horizon in calendar quarters; default 16 (four years).
    pub quarters: u32,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 42,
            partners: 300,
            deals: 4_000,
            customers: None,
            products: None,
            start_year: 2021,
            quarters: 16,
        }
    }
}

impl GenConfig {
    /// The number of customers generated (the explicit one or the default).
    pub fn resolved_customers(&self) -> usize {
        self.customers.unwrap_or((self.deals / 4).max(50))
    }

    /// The number of products generated (the explicit one or the default).
    pub fn resolved_products(&self) -> usize {
        self.products.unwrap_or(
            ((self.partners as f64).sqrt() * 1.2)
                .round()
                .clamp(20.0, 400.0) as usize,
        )
    }

    /// Checks the parameters; [`generate`] calls it first.
    pub fn validate(&self) -> Result<(), GenerateError> {
        let err = |m: String| Err(GenerateError::InvalidConfig(m));
        if self.partners == 0 || self.partners > MAX_PARTNERS {
            return err(format!(
                "partners must be between 1 and {MAX_PARTNERS}, got {}",
                self.partners
            ));
        }
        if self.deals == 0 {
            return err("deals must be at least 1".into());
        }
        let customers = self.resolved_customers();
        if customers == 0 || customers > MAX_ENTITIES {
            return err(format!(
                "customers must be between 1 and {MAX_ENTITIES}, got {customers}"
            ));
        }
        let products = self.resolved_products();
        if products == 0 || products > MAX_ENTITIES {
            return err(format!(
                "products must be between 1 and {MAX_ENTITIES}, got {products}"
            ));
        }
        if !(1..=MAX_QUARTERS).contains(&self.quarters) {
            return err(format!(
                "quarters must be between 1 and {MAX_QUARTERS}, got {}",
                self.quarters
            ));
        }
        if !(1000..=9000).contains(&self.start_year) {
            return err(format!(
                "start_year must be between 1000 and 9000, got {}",
                self.start_year
            ));
        }
        Ok(())
    }
}

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

/// Why [`generate`] failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A file could not be created or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The parameters are out of range.
    #[error("invalid generator configuration: {0}")]
    InvalidConfig(String),
}

// ---------------------------------------------------------------------------------------
// Shape parameters.

/// Upper bound on `partners` (per-partner product offsets are `u32`).
const MAX_PARTNERS: usize = 100_000_000;
/// Upper bound on `customers` and `products` (ids are stored as `u32`).
const MAX_ENTITIES: usize = u32::MAX as usize - 1;
/// Upper bound on `quarters` (100 years keeps every date on four-digit years).
const MAX_QUARTERS: u32 = 400;

/// Share of partners in the founding cohort, all joined on the first day.
const FOUNDING_SHARE: f64 = 0.07;
/// Growth factor, quarter over quarter, of the number of partners joining.
const JOIN_GROWTH: f64 = 1.10;
/// Deals per day grow as `(joined partners)^DEAL_GROWTH_EXPONENT` (network effect).
const DEAL_GROWTH_EXPONENT: f64 = 1.2;
/// Relative deal volume on Saturdays and Sundays.
const WEEKEND_FACTOR: f64 = 0.2;
/// Log-normal day-to-day noise of the deal volume.
const DAILY_NOISE_SIGMA: f64 = 0.15;

/// Share of deals with at least one partner (the rest are direct).
const PARTNER_DEAL_SHARE: f64 = 0.73;
/// Share of partner draws made by preferential attachment; the others pick a joined
/// active partner uniformly (mixed attachment, which tempers the first-mover advantage
/// of the founding cohort while keeping a heavy tail).
const PREFERENTIAL_SHARE: f64 = 0.7;
/// Probability that the lead partner of a partner deal is `sourced`.
const LEAD_SOURCED_PROB: f64 = 0.82;
/// Probability that another partner of a sourced deal is `sourced` too (split credit).
const SECOND_SOURCED_PROB: f64 = 0.07;
/// Probability that a partner deal lists one of its partners twice, with two roles.
const DUPLICATE_PARTNER_PROB: f64 = 0.005;
/// Probability that a lead partner re-teams with its last co-sell partner.
const TEAM_REUSE_PROB: f64 = 0.55;
/// Probability that a lead partner goes back to its last customer.
const CUSTOMER_REUSE_PROB: f64 = 0.45;
/// Probability that a lead partner re-teaming with its last co-sell partner goes back
/// to its last customer (account teams keep working the same accounts).
const RETEAM_CUSTOMER_REUSE_PROB: f64 = 0.85;
/// Probability that a partner deal sells one of the lead partner's own products.
const LEAD_PRODUCT_PROB: f64 = 0.8;
/// Probability that a sourced deal copies customer and product of a recent sourced deal
/// of another partner (a channel conflict).
const CONFLICT_PROB: f64 = 0.02;
/// Conflicts copy a deal created at most this many days earlier (exclusive).
const CONFLICT_WINDOW_DAYS: u32 = 90;

/// Probability of an empty customer_id.
const NULL_CUSTOMER_PROB: f64 = 0.005;
/// Probability of an empty product_id.
const NULL_PRODUCT_PROB: f64 = 0.005;
/// Probability of an empty amount.
const NULL_AMOUNT_PROB: f64 = 0.01;
/// Probability that a won deal has an empty stage (null = won), ~1 % of all deals.
const NULL_STAGE_OF_WON_PROB: f64 = 0.03;
/// Probability that a deal is in its customer's region.
const CUSTOMER_REGION_PROB: f64 = 0.92;

/// Customer popularity: rank `floor(n * U^CUSTOMER_SKEW)`.
const CUSTOMER_SKEW: f64 = 2.0;
/// Product popularity: rank `floor(n * U^PRODUCT_SKEW)`.
const PRODUCT_SKEW: f64 = 1.6;
/// Sigma of the log-normal deal amount.
const AMOUNT_SIGMA: f64 = 1.0;
/// Mean amount multiplier of single-partner deals (over direct deals).
const SINGLE_PARTNER_AMOUNT_FACTOR: f64 = 1.15;
/// Mean amount multiplier of co-sell deals (>= 2 partners).
const COSELL_AMOUNT_FACTOR: f64 = 1.9;
/// Win probability of direct deals.
const WIN_RATE_DIRECT: f64 = 0.24;
/// Win probability of single-partner deals (plus the lead's tier bonus).
const WIN_RATE_SINGLE: f64 = 0.33;
/// Win probability of co-sell deals (plus the lead's tier bonus).
const WIN_RATE_COSELL: f64 = 0.41;
/// Shortest sales cycle, days from created_at to closed_at.
const MIN_CYCLE_DAYS: u32 = 10;
/// Longest sales cycle.
const MAX_CYCLE_DAYS: u32 = 180;
/// Partner deals close faster: their cycle beyond the minimum is scaled by this.
const PARTNER_CYCLE_FACTOR: f64 = 0.8;

/// `progress` is called every this many deals.
const PROGRESS_EVERY: u64 = 10_000;

/// Independent ChaCha streams, one per phase, so that each table's randomness does not
/// depend on how many draws another phase made.
const STREAM_PARTNERS: u64 = 1;
const STREAM_PRODUCTS: u64 = 2;
const STREAM_CUSTOMERS: u64 = 3;
const STREAM_PARTNER_PRODUCTS: u64 = 4;
const STREAM_VOLUME: u64 = 5;
const STREAM_DEALS: u64 = 6;

/// "No value" in the `u32` per-partner state.
const NONE: u32 = u32::MAX;

fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Per-partner state, indexed by partner number (join order = id order).
struct Partners {
    join_day: Vec<u32>,
    /// Dormant partners (registered but never transacting) are never drawn.
    active: Vec<bool>,
    kind: Vec<u8>,
    tier: Vec<u8>,
    last_customer: Vec<u32>,
    last_teammate: Vec<u32>,
    /// Products of partner `i` are `prod_ids[prod_offsets[i]..prod_offsets[i + 1]]`.
    prod_offsets: Vec<u32>,
    prod_ids: Vec<u32>,
}

impl Partners {
    /// Attachment fitness: weight added per deal (and the initial weight on joining).
    fn fitness(&self, p: usize) -> u64 {
        PARTNER_TYPES[self.kind[p] as usize].fitness * TIERS[self.tier[p] as usize].fitness
    }
}

/// Per-customer state, indexed by customer number.
struct Customers {
    segment: Vec<u8>,
    region: Vec<u8>,
    popularity: Scatter,
}

/// A recent sourced deal a conflict can copy.
#[derive(Clone, Copy)]
struct Recent {
    day: u32,
    customer: u32,
    product: u32,
    partner: u32,
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

    let partner_id = IdFormat::new("P", 6, n_partners);
    let product_id = IdFormat::new("PR", 4, n_products);
    let customer_id = IdFormat::new("C", 7, n_customers);
    let deal_id = IdFormat::new("D", 8, cfg.deals);

    let mut files = Vec::with_capacity(6);
    let mut partners = write_partners(cfg, &cal, out_dir, partner_id, &mut files)?;
    let (product_popularity, n_products) =
        write_products(cfg, n_products, out_dir, product_id, &mut files)?;
    let customers = write_customers(cfg, n_customers, out_dir, customer_id, &mut files)?;
    let partner_product_links = write_partner_products(
        cfg,
        &mut partners,
        n_products,
        product_popularity,
        out_dir,
        partner_id,
        product_id,
        &mut files,
    )?;

    let volume = daily_volume(cfg, &cal, &partners.join_day);
    let ids = Ids {
        partner: partner_id,
        product: product_id,
        customer: customer_id,
        deal: deal_id,
    };
    let mut gen = DealGen {
        rng: rng_for(cfg.seed, STREAM_DEALS),
        cal: &cal,
        partners,
        customers,
        n_products,
        product_popularity,
        fenwick: Fenwick::new(n_partners),
        ring: vec![
            Recent {
                day: NONE,
                customer: 0,
                product: 0,
                partner: 0,
            };
            CONFLICT_WINDOW_DAYS as usize
        ],
        ids,
        deals: Table::create(
            out_dir,
            "deals",
            &[
                "deal_id",
                "customer_id",
                "product_id",
                "amount",
                "stage",
                "created_at",
                "closed_at",
                "region",
            ],
        )?,
        links: Table::create(out_dir, "deal_partners", &["deal_id", "partner_id", "role"])?,
        joined: 0,
        next_deal: 0,
        link_rows: 0,
        scratch: Vec::with_capacity(16),
    };

    let total = cfg.deals as u64;
    let mut joined = 0usize;
    for (day, &count) in volume.iter().enumerate() {
        let day = day as u32;
        while joined < n_partners && gen.partners.join_day[joined] <= day {
            if gen.partners.active[joined] {
                let w = gen.partners.fitness(joined);
                gen.fenwick.add(joined, w);
            }
            joined += 1;
        }
        gen.joined = joined;
        for _ in 0..count {
            gen.deal(day)?;
            if gen.next_deal.is_multiple_of(PROGRESS_EVERY) {
                progress(gen.next_deal, total);
            }
        }
    }
    debug_assert_eq!(gen.next_deal, total);
    if !total.is_multiple_of(PROGRESS_EVERY) {
        progress(total, total);
    }
    let deal_partner_links = gen.link_rows;
    let DealGen { deals, links, .. } = gen;
    files.push(deals.finish()?);
    files.push(links.finish()?);

    Ok(GenReport {
        partners: n_partners as u64,
        deals: total,
        deal_partner_links,
        partner_product_links,
        customers: n_customers as u64,
        products: n_products as u64,
        files,
    })
}

/// A name from the word tables: `Head Tail 123`, sometimes with a comma
/// (`..., Inc.`) or a quoted head (`"Head" Tail 123`) to exercise CSV quoting.
fn company_name<R: Rng>(rng: &mut R, tails: &[&str], out: &mut String) {
    use std::fmt::Write;
    out.clear();
    let head = NAME_HEADS[rng.random_range(0..NAME_HEADS.len())];
    let tail = tails[rng.random_range(0..tails.len())];
    let number = rng.random_range(1..1000u32);
    let quirk = rng.random_range(0..1000u32);
    let _ = match quirk {
        0..=4 => write!(out, "\"{head}\" {tail} {number}"),
        5..=19 => write!(out, "{head} {tail} {number}, Inc."),
        20..=24 => write!(out, "{head} & {tail}, LLC"),
        _ => write!(out, "{head} {tail} {number}"),
    };
}

/// Draws the partners (join days in increasing order, type, tier, region), writes
/// partners.csv and returns the per-partner state.
fn write_partners(
    cfg: &GenConfig,
    cal: &Calendar,
    out_dir: &Path,
    ids: IdFormat,
    files: &mut Vec<PathBuf>,
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

    let mut table = Table::create(
        out_dir,
        "partners",
        &[
            "partner_id",
            "name",
            "partner_type",
            "tier",
            "region",
            "joined_at",
        ],
    )?;
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

        ids.write(&mut table.buf, i as u64 + 1);
        table.field_buf()?;
        table.field(name.as_bytes())?;
        table.field(PARTNER_TYPES[k].name.as_bytes())?;
        table.field(TIERS[t].name.as_bytes())?;
        table.field(REGIONS[region].as_bytes())?;
        table.field(cal.date(day))?;
        table.end()?;
    }
    files.push(table.finish()?);
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

/// Writes products.csv; returns the popularity scatter and the product count.
fn write_products(
    cfg: &GenConfig,
    n: usize,
    out_dir: &Path,
    ids: IdFormat,
    files: &mut Vec<PathBuf>,
) -> Result<(Scatter, usize), GenerateError> {
    use std::fmt::Write;
    let mut rng = rng_for(cfg.seed, STREAM_PRODUCTS);
    let popularity = Scatter::new(&mut rng, n);
    let mut table = Table::create(out_dir, "products", &["product_id", "name", "category"])?;
    let mut name = String::new();
    for i in 0..n {
        let head = PRODUCT_HEADS[rng.random_range(0..PRODUCT_HEADS.len())];
        let (noun, category) = PRODUCT_NOUNS[rng.random_range(0..PRODUCT_NOUNS.len())];
        let edition = PRODUCT_EDITIONS[rng.random_range(0..PRODUCT_EDITIONS.len())];
        name.clear();
        let _ = write!(name, "{head} {noun} {edition}");
        ids.write(&mut table.buf, i as u64 + 1);
        table.field_buf()?;
        table.field(name.as_bytes())?;
        table.field(category.as_bytes())?;
        table.end()?;
    }
    files.push(table.finish()?);
    Ok((popularity, n))
}

/// Draws customer segments (large accounts are mostly enterprise), industries and
/// regions, writes customers.csv and returns the per-customer state.
fn write_customers(
    cfg: &GenConfig,
    n: usize,
    out_dir: &Path,
    ids: IdFormat,
    files: &mut Vec<PathBuf>,
) -> Result<Customers, GenerateError> {
    let mut rng = rng_for(cfg.seed, STREAM_CUSTOMERS);
    let popularity = Scatter::new(&mut rng, n);
    let mut segment = vec![0u8; n];
    let mut region = vec![0u8; n];
    let mut industry = vec![0u8; n];
    for rank in 0..n {
        let id = popularity.map(rank);
        // Share of enterprise accounts falls from ~70 % among the largest accounts to
        // ~6 % in the long tail.
        let f = rank as f64 / n as f64;
        let p_enterprise = 0.06 + 0.64 * (-40.0 * f).exp();
        let u = rng.random::<f64>();
        segment[id] = if u < p_enterprise {
            SEG_ENTERPRISE
        } else if u < p_enterprise + 0.32 {
            SEG_MID_MARKET
        } else {
            SEG_SMB
        };
        region[id] = pick(&mut rng, &REGION_SHARES) as u8;
        industry[id] = pick(&mut rng, &INDUSTRY_SHARES) as u8;
    }
    let mut table = Table::create(
        out_dir,
        "customers",
        &["customer_id", "name", "segment", "industry", "region"],
    )?;
    let mut name = String::new();
    for i in 0..n {
        let (industry_name, noun) = INDUSTRIES[industry[i] as usize];
        company_name(&mut rng, &[noun], &mut name);
        ids.write(&mut table.buf, i as u64 + 1);
        table.field_buf()?;
        table.field(name.as_bytes())?;
        table.field(SEGMENTS[segment[i] as usize].as_bytes())?;
        table.field(industry_name.as_bytes())?;
        table.field(REGIONS[region[i] as usize].as_bytes())?;
        table.end()?;
    }
    files.push(table.finish()?);
    Ok(Customers {
        segment,
        region,
        popularity,
    })
}

/// Draws each partner's portfolio (1-10 distinct products, heavy-tailed, popular
/// products more often), writes partner_products.csv and fills the partners' product
/// lists. Returns the number of rows.
#[allow(clippy::too_many_arguments)]
fn write_partner_products(
    cfg: &GenConfig,
    partners: &mut Partners,
    n_products: usize,
    popularity: Scatter,
    out_dir: &Path,
    partner_ids: IdFormat,
    product_ids: IdFormat,
    files: &mut Vec<PathBuf>,
) -> Result<u64, GenerateError> {
    let mut rng = rng_for(cfg.seed, STREAM_PARTNER_PRODUCTS);
    let mut table = Table::create(
        out_dir,
        "partner_products",
        &["partner_id", "product_id", "relation"],
    )?;
    let n = partners.join_day.len();
    partners.prod_offsets = Vec::with_capacity(n + 1);
    partners.prod_offsets.push(0);
    partners.prod_ids = Vec::with_capacity(n * 3);
    let mut mine: Vec<u32> = Vec::with_capacity(PRODUCTS_PER_PARTNER.len());
    let mut partner_text = Vec::new();
    for p in 0..n {
        let count = (1 + pick(&mut rng, &PRODUCTS_PER_PARTNER)).min(n_products);
        mine.clear();
        while mine.len() < count {
            let mut product =
                popularity.map(skewed_rank(&mut rng, n_products, PRODUCT_SKEW)) as u32;
            let mut tries = 0;
            while mine.contains(&product) && tries < 16 {
                product = popularity.map(skewed_rank(&mut rng, n_products, PRODUCT_SKEW)) as u32;
                tries += 1;
            }
            // Fall back to the next free product id (count <= n_products, so one exists).
            while mine.contains(&product) {
                product = (product + 1) % n_products as u32;
            }
            mine.push(product);
        }
        mine.sort_unstable();
        let weights = &PARTNER_TYPES[partners.kind[p] as usize].relation_weights;
        partner_ids.write(&mut partner_text, p as u64 + 1);
        for &product in &mine {
            let relation = pick(&mut rng, weights);
            table.field(&partner_text)?;
            product_ids.write(&mut table.buf, product as u64 + 1);
            table.field_buf()?;
            table.field(RELATIONS[relation].as_bytes())?;
            table.end()?;
        }
        partners.prod_ids.extend_from_slice(&mine);
        partners.prod_offsets.push(partners.prod_ids.len() as u32);
    }
    files.push(table.finish()?);
    Ok(partners.prod_ids.len() as u64)
}

/// Number of deals created on each day of the horizon: weights
/// `joined^DEAL_GROWTH_EXPONENT × weekday factor × log-normal noise`, turned into
/// integer counts summing exactly to `cfg.deals` by cumulative rounding.
fn daily_volume(cfg: &GenConfig, cal: &Calendar, join_day: &[u32]) -> Vec<u64> {
    let mut rng = rng_for(cfg.seed, STREAM_VOLUME);
    let days = cal.days();
    let mut weights = Vec::with_capacity(days as usize);
    let mut joined = 0usize;
    for day in 0..days {
        while joined < join_day.len() && join_day[joined] <= day {
            joined += 1;
        }
        let weekday = if cal.is_weekend(day) {
            WEEKEND_FACTOR
        } else {
            1.0
        };
        let noise = (DAILY_NOISE_SIGMA * std_normal(&mut rng)).exp();
        let w = (joined as f64).powf(DEAL_GROWTH_EXPONENT) * weekday * noise;
        weights.push(((w * 1024.0).round() as u64).max(1));
    }
    let total_weight: u128 = weights.iter().map(|&w| w as u128).sum();
    let n = cfg.deals as u128;
    let mut cum = 0u128;
    let mut before = 0u128;
    weights
        .iter()
        .map(|&w| {
            cum += w as u128;
            let upto = n * cum / total_weight;
            let count = upto - before;
            before = upto;
            count as u64
        })
        .collect()
}

/// Id formats of the four id kinds.
struct Ids {
    partner: IdFormat,
    product: IdFormat,
    customer: IdFormat,
    deal: IdFormat,
}

/// The streaming deal generator: per-entity state plus the two open deal tables.
struct DealGen<'a> {
    rng: ChaCha8Rng,
    cal: &'a Calendar,
    partners: Partners,
    customers: Customers,
    n_products: usize,
    product_popularity: Scatter,
    /// Attachment weights of the partners; 0 until a partner joins.
    fenwick: Fenwick,
    /// Slot `day % CONFLICT_WINDOW_DAYS` holds the last sourced deal of that day.
    ring: Vec<Recent>,
    /// Partners joined so far (a prefix of the partner numbers).
    joined: usize,
    ids: Ids,
    deals: Table,
    links: Table,
    /// Number of deals written so far (= number of the last deal).
    next_deal: u64,
    link_rows: u64,
    /// Scratch buffer for partner ids.
    scratch: Vec<u8>,
}

impl DealGen<'_> {
    /// Draws a joined, active partner: by preferential attachment with probability
    /// [`PREFERENTIAL_SHARE`], else uniformly.
    fn sample_partner(&mut self) -> u32 {
        if !self.rng.random_bool(PREFERENTIAL_SHARE) {
            for _ in 0..4 {
                let p = self.rng.random_range(0..self.joined);
                if self.partners.active[p] {
                    return p as u32;
                }
            }
        }
        self.fenwick
            .sample(&mut self.rng)
            .expect("the founding partners join on day 0") as u32
    }

    fn sample_customer(&mut self) -> u32 {
        let n = self.customers.segment.len();
        self.customers
            .popularity
            .map(skewed_rank(&mut self.rng, n, CUSTOMER_SKEW)) as u32
    }

    fn sample_product(&mut self) -> u32 {
        self.product_popularity
            .map(skewed_rank(&mut self.rng, self.n_products, PRODUCT_SKEW)) as u32
    }

    /// A recent sourced deal (within the conflict window) whose sourcing partner is not
    /// `lead`, or `None`.
    fn recent_for_conflict(&mut self, day: u32) -> Option<Recent> {
        let back = self.rng.random_range(0..CONFLICT_WINDOW_DAYS);
        let then = day.checked_sub(back)?;
        let entry = self.ring[(then % CONFLICT_WINDOW_DAYS) as usize];
        (entry.day == then).then_some(entry)
    }

    /// Generates and writes one deal created on `day`, with its partner links.
    fn deal(&mut self, day: u32) -> Result<(), GenerateError> {
        self.next_deal += 1;
        let k = if self.rng.random_bool(PARTNER_DEAL_SHARE) {
            1 + pick(&mut self.rng, &PARTNERS_PER_DEAL)
        } else {
            0
        };

        // Team: lead partner by preferential attachment, then teammates (re-teaming
        // with the lead's last co-sell partner when possible).
        let mut team = [0u32; 4];
        let mut roles = [0u8; 4];
        let mut n = 0usize;
        let mut conflict: Option<Recent> = None;
        let mut lead_sourced = false;
        let mut reteamed = false;
        if k > 0 {
            let mut lead = self.sample_partner();
            lead_sourced = self.rng.random_bool(LEAD_SOURCED_PROB);
            if lead_sourced && self.rng.random_bool(CONFLICT_PROB) {
                if let Some(entry) = self.recent_for_conflict(day) {
                    let mut tries = 0;
                    while lead == entry.partner && tries < 4 {
                        lead = self.sample_partner();
                        tries += 1;
                    }
                    if lead != entry.partner {
                        conflict = Some(entry);
                    }
                }
            }
            team[0] = lead;
            n = 1;
            let mate = self.partners.last_teammate[lead as usize];
            let mut tries = 0;
            while n < k && tries < 12 {
                tries += 1;
                let reuse =
                    n == 1 && tries == 1 && mate != NONE && self.rng.random_bool(TEAM_REUSE_PROB);
                reteamed |= reuse;
                let candidate = if reuse { mate } else { self.sample_partner() };
                if !team[..n].contains(&candidate) {
                    team[n] = candidate;
                    n += 1;
                }
            }
            for j in 0..n {
                let kind = &PARTNER_TYPES[self.partners.kind[team[j] as usize] as usize];
                let sourced = if j == 0 {
                    lead_sourced
                } else {
                    lead_sourced && self.rng.random_bool(SECOND_SOURCED_PROB)
                };
                roles[j] = if sourced {
                    ROLE_SOURCED
                } else {
                    1 + pick(&mut self.rng, &kind.role_weights) as u8
                };
            }
        }
        let lead = team[0] as usize;

        let customer = if let Some(c) = conflict {
            Some(c.customer)
        } else if self.rng.random_bool(NULL_CUSTOMER_PROB) {
            None
        } else if n > 0
            && self.partners.last_customer[lead] != NONE
            && self.rng.random_bool(if reteamed {
                RETEAM_CUSTOMER_REUSE_PROB
            } else {
                CUSTOMER_REUSE_PROB
            })
        {
            Some(self.partners.last_customer[lead])
        } else {
            Some(self.sample_customer())
        };
        let product = if let Some(c) = conflict {
            Some(c.product)
        } else if self.rng.random_bool(NULL_PRODUCT_PROB) {
            None
        } else if n > 0 && self.rng.random_bool(LEAD_PRODUCT_PROB) {
            let lo = self.partners.prod_offsets[lead] as usize;
            let hi = self.partners.prod_offsets[lead + 1] as usize;
            Some(self.partners.prod_ids[self.rng.random_range(lo..hi)])
        } else {
            Some(self.sample_product())
        };
        let region = match customer {
            Some(c) if self.rng.random_bool(CUSTOMER_REGION_PROB) => {
                self.customers.region[c as usize] as usize
            }
            _ => pick(&mut self.rng, &REGION_SHARES),
        };

        // Amount: log-normal with the segment's mean, scaled up for partner deals.
        let segment = customer.map_or(SEG_MID_MARKET, |c| self.customers.segment[c as usize]);
        let factor = match n {
            0 => 1.0,
            1 => SINGLE_PARTNER_AMOUNT_FACTOR,
            _ => COSELL_AMOUNT_FACTOR,
        };
        let mean = SEGMENT_MEAN_AMOUNT[segment as usize] * factor;
        let mu = mean.ln() - 0.5 * AMOUNT_SIGMA * AMOUNT_SIGMA;
        let amount = (mu + AMOUNT_SIGMA * std_normal(&mut self.rng)).exp();
        let cents = (amount * 100.0).round().clamp(100.0, 1e13) as u64;

        // Stage: open when the cycle would end after the horizon.
        let u = self.rng.random::<f64>();
        let mut span = (MAX_CYCLE_DAYS - MIN_CYCLE_DAYS) as f64 * u.powf(1.3);
        if n > 0 {
            span *= PARTNER_CYCLE_FACTOR;
        }
        let closed_day = day + MIN_CYCLE_DAYS + span.round() as u32;
        let stage = if closed_day >= self.cal.days() {
            STAGE_OPEN
        } else {
            let p_win = match n {
                0 => WIN_RATE_DIRECT,
                1 => WIN_RATE_SINGLE,
                _ => WIN_RATE_COSELL,
            } + if n > 0 {
                TIERS[self.partners.tier[lead] as usize].win_bonus
            } else {
                0.0
            };
            if self.rng.random_bool(p_win) {
                STAGE_WON
            } else {
                STAGE_LOST
            }
        };
        let null_stage = stage == STAGE_WON && self.rng.random_bool(NULL_STAGE_OF_WON_PROB);
        let null_amount = self.rng.random_bool(NULL_AMOUNT_PROB);
        let duplicate = if n > 0 && self.rng.random_bool(DUPLICATE_PARTNER_PROB) {
            let j = self.rng.random_range(0..n);
            let r = self.rng.random_range(0..ROLES.len() as u8 - 1);
            Some((team[j], if r >= roles[j] { r + 1 } else { r }))
        } else {
            None
        };

        // deals.csv
        let t = &mut self.deals;
        self.ids.deal.write(&mut t.buf, self.next_deal);
        t.field_buf()?;
        match customer {
            Some(c) => {
                self.ids.customer.write(&mut t.buf, c as u64 + 1);
                t.field_buf()?;
            }
            None => t.field(b"")?,
        }
        match product {
            Some(p) => {
                self.ids.product.write(&mut t.buf, p as u64 + 1);
                t.field_buf()?;
            }
            None => t.field(b"")?,
        }
        if null_amount {
            t.field(b"")?;
        } else {
            write_amount(&mut t.buf, cents);
            t.field_buf()?;
        }
        t.field(if null_stage {
            b""
        } else {
            STAGES[stage].as_bytes()
        })?;
        t.field(self.cal.date(day))?;
        t.field(if stage == STAGE_OPEN {
            b""
        } else {
            self.cal.date(closed_day)
        })?;
        t.field(REGIONS[region].as_bytes())?;
        t.end()?;

        // deal_partners.csv
        let l = &mut self.links;
        let mut deal_text = std::mem::take(&mut l.buf);
        self.ids.deal.write(&mut deal_text, self.next_deal);
        let rows = team[..n]
            .iter()
            .zip(&roles[..n])
            .map(|(&p, &r)| (p, r))
            .chain(duplicate);
        for (p, role) in rows {
            self.ids.partner.write(&mut self.scratch, p as u64 + 1);
            l.field(&deal_text)?;
            l.field(&self.scratch)?;
            l.field(ROLES[role as usize].as_bytes())?;
            l.end()?;
            self.link_rows += 1;
        }
        l.buf = deal_text;

        // State updates: attachment weights, last customer, last teammate, recent deals.
        for j in 0..n {
            let p = team[j] as usize;
            let w = self.partners.fitness(p);
            self.fenwick.add(p, w);
            if let Some(c) = customer {
                self.partners.last_customer[p] = c;
            }
            if n >= 2 {
                self.partners.last_teammate[p] = if j == 0 { team[1] } else { team[0] };
            }
        }
        if let (true, Some(c), Some(p)) = (lead_sourced, customer, product) {
            self.ring[(day % CONFLICT_WINDOW_DAYS) as usize] = Recent {
                day,
                customer: c,
                product: p,
                partner: team[0],
            };
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
