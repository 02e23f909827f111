//! The partners' product portfolios: 1-10 distinct products per partner (few for most,
//! heavy-tailed), popular products more often, each with a relation that depends on
//! the partner's type. [`draw_portfolios`] draws them into the partners' product
//! lists; [`write_portfolios`] also writes partner_products.csv.

use std::path::{Path, PathBuf};

use super::config::GenConfig;
use super::params::PRODUCT_SKEW;
use super::partners::Partners;
use super::sampler::{pick, skewed_rank, Scatter};
use super::streams::{rng_for, STREAM_PARTNER_PRODUCTS};
use super::vocab::{PARTNER_TYPES, PRODUCTS_PER_PARTNER, RELATIONS};
use super::writer::{Ids, Table};
use super::GenerateError;
use crate::schema::PARTNER_PRODUCTS;

/// The portfolio of one partner, as partner_products.csv shows it.
pub(crate) struct Portfolio<'a> {
    /// Partner number (0-based).
    pub(crate) partner: usize,
    /// Distinct product numbers, increasing.
    pub(crate) products: &'a [u32],
    /// Index into [`RELATIONS`] of each product.
    pub(crate) relations: &'a [usize],
}

/// Draws each partner's portfolio in partner order, hands it to `emit` and appends it
/// to the partners' product lists. Returns the number of (partner, product) pairs.
pub(crate) fn draw_portfolios(
    cfg: &GenConfig,
    partners: &mut Partners,
    n_products: usize,
    popularity: Scatter,
    mut emit: impl FnMut(&Portfolio<'_>) -> Result<(), GenerateError>,
) -> Result<u64, GenerateError> {
    let mut rng = rng_for(cfg.seed, STREAM_PARTNER_PRODUCTS);
    let n = partners.len();
    partners.prod_offsets = Vec::with_capacity(n + 1);
    partners.prod_offsets.push(0);
    partners.prod_ids = Vec::with_capacity(n * 3);
    let mut mine: Vec<u32> = Vec::with_capacity(PRODUCTS_PER_PARTNER.len());
    let mut relations: Vec<usize> = Vec::with_capacity(PRODUCTS_PER_PARTNER.len());
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
        relations.clear();
        relations.extend(mine.iter().map(|_| pick(&mut rng, weights)));
        emit(&Portfolio {
            partner: p,
            products: &mine,
            relations: &relations,
        })?;
        partners.prod_ids.extend_from_slice(&mine);
        partners.prod_offsets.push(partners.prod_ids.len() as u32);
    }
    Ok(partners.prod_ids.len() as u64)
}

/// Draws the portfolios, writes partner_products.csv with the partner and product ids
/// of `ids` (its path is pushed to `files`) and returns its number of rows.
pub(crate) fn write_portfolios(
    cfg: &GenConfig,
    partners: &mut Partners,
    n_products: usize,
    popularity: Scatter,
    out_dir: &Path,
    ids: Ids,
    files: &mut Vec<PathBuf>,
) -> Result<u64, GenerateError> {
    let Ids {
        partner: partner_ids,
        product: product_ids,
        ..
    } = ids;
    let mut table = Table::create(out_dir, &PARTNER_PRODUCTS)?;
    let mut partner_text = Vec::new();
    let rows = draw_portfolios(cfg, partners, n_products, popularity, |portfolio| {
        partner_ids.write(&mut partner_text, portfolio.partner as u64 + 1);
        for (&product, &relation) in portfolio.products.iter().zip(portfolio.relations) {
            table.field(&partner_text)?;
            product_ids.write(&mut table.buf, product as u64 + 1);
            table.field_buf()?;
            table.field(RELATIONS[relation].as_bytes())?;
            table.end()?;
        }
        Ok(())
    })?;
    files.push(table.finish()?);
    Ok(rows)
}
