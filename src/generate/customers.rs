//! The customers: segment (large accounts are mostly enterprise), industry, region,
//! name, and a heavy-tailed popularity (a few large accounts get many deals).
//! [`draw_customers`] draws them; [`write_customers`] also writes customers.csv.

use std::path::{Path, PathBuf};

use rand::Rng;

use super::config::GenConfig;
use super::names::company_name;
use super::sampler::{pick, Scatter};
use super::streams::{rng_for, STREAM_CUSTOMERS};
use super::vocab::{
    INDUSTRIES, INDUSTRY_SHARES, REGIONS, REGION_SHARES, SEGMENTS, SEG_ENTERPRISE, SEG_MID_MARKET,
    SEG_SMB,
};
use super::writer::{IdFormat, Table};
use super::GenerateError;
use crate::schema::CUSTOMERS;

/// Per-customer state kept for drawing deals, indexed by customer number.
pub(crate) struct Customers {
    /// Index into [`SEGMENTS`].
    pub(crate) segment: Vec<u8>,
    /// Index into [`REGIONS`].
    pub(crate) region: Vec<u8>,
    /// Popularity rank -> customer number.
    pub(crate) popularity: Scatter,
}

impl Customers {
    /// Number of customers.
    pub(crate) fn len(&self) -> usize {
        self.segment.len()
    }
}

/// One drawn customer, as customers.csv shows it.
pub(crate) struct CustomerRow<'a> {
    /// Customer number (0-based; the id is built from number + 1).
    pub(crate) number: usize,
    /// Company name.
    pub(crate) name: &'a str,
    /// Index into [`SEGMENTS`].
    pub(crate) segment: usize,
    /// Index into [`INDUSTRIES`].
    pub(crate) industry: usize,
    /// Index into [`REGIONS`].
    pub(crate) region: usize,
}

/// Draws `n` customers (segments, industries and regions in popularity order, then the
/// names in id order), hands each one to `emit` in id order, and returns the state the
/// deal drawer needs.
pub(crate) fn draw_customers(
    cfg: &GenConfig,
    n: usize,
    mut emit: impl FnMut(&CustomerRow<'_>) -> Result<(), GenerateError>,
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
    let mut name = String::new();
    for i in 0..n {
        let (_, noun) = INDUSTRIES[industry[i] as usize];
        company_name(&mut rng, &[noun], &mut name);
        emit(&CustomerRow {
            number: i,
            name: &name,
            segment: segment[i] as usize,
            industry: industry[i] as usize,
            region: region[i] as usize,
        })?;
    }
    Ok(Customers {
        segment,
        region,
        popularity,
    })
}

/// Draws the customers, writes customers.csv (its path is pushed to `files`) and
/// returns the per-customer state.
pub(crate) fn write_customers(
    cfg: &GenConfig,
    n: usize,
    out_dir: &Path,
    ids: IdFormat,
    files: &mut Vec<PathBuf>,
) -> Result<Customers, GenerateError> {
    let mut table = Table::create(out_dir, &CUSTOMERS)?;
    let customers = draw_customers(cfg, n, |row| {
        ids.write(&mut table.buf, row.number as u64 + 1);
        table.field_buf()?;
        table.field(row.name.as_bytes())?;
        table.field(SEGMENTS[row.segment].as_bytes())?;
        table.field(INDUSTRIES[row.industry].0.as_bytes())?;
        table.field(REGIONS[row.region].as_bytes())?;
        table.end()
    })?;
    files.push(table.finish()?);
    Ok(customers)
}
