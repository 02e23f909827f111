//! The products: a name and a category each, and a popularity order (a bijection of
//! the ids, so that the most popular product is not always id 1). [`draw_products`]
//! draws them; [`write_products`] also writes products.csv.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use rand::Rng;

use super::config::GenConfig;
use super::sampler::Scatter;
use super::streams::{rng_for, STREAM_PRODUCTS};
use super::vocab::{PRODUCT_EDITIONS, PRODUCT_HEADS, PRODUCT_NOUNS};
use super::writer::{IdFormat, Table};
use super::GenerateError;
use crate::schema::PRODUCTS;

/// One drawn product, as products.csv shows it.
pub(crate) struct ProductRow<'a> {
    /// Product number (0-based; the id is built from number + 1).
    pub(crate) number: usize,
    /// `Head Noun Edition`.
    pub(crate) name: &'a str,
    /// The noun's category.
    pub(crate) category: &'static str,
}

/// Draws `n` products in id order, hands each one to `emit`, and returns the
/// popularity scatter (popularity rank -> product number).
pub(crate) fn draw_products(
    cfg: &GenConfig,
    n: usize,
    mut emit: impl FnMut(&ProductRow<'_>) -> Result<(), GenerateError>,
) -> Result<Scatter, GenerateError> {
    let mut rng = rng_for(cfg.seed, STREAM_PRODUCTS);
    let popularity = Scatter::new(&mut rng, n);
    let mut name = String::new();
    for i in 0..n {
        let head = PRODUCT_HEADS[rng.random_range(0..PRODUCT_HEADS.len())];
        let (noun, category) = PRODUCT_NOUNS[rng.random_range(0..PRODUCT_NOUNS.len())];
        let edition = PRODUCT_EDITIONS[rng.random_range(0..PRODUCT_EDITIONS.len())];
        name.clear();
        let _ = write!(name, "{head} {noun} {edition}");
        emit(&ProductRow {
            number: i,
            name: &name,
            category,
        })?;
    }
    Ok(popularity)
}

/// Draws the products, writes products.csv (its path is pushed to `files`) and returns
/// the popularity scatter.
pub(crate) fn write_products(
    cfg: &GenConfig,
    n: usize,
    out_dir: &Path,
    ids: IdFormat,
    files: &mut Vec<PathBuf>,
) -> Result<Scatter, GenerateError> {
    let mut table = Table::create(out_dir, &PRODUCTS)?;
    let popularity = draw_products(cfg, n, |row| {
        ids.write(&mut table.buf, row.number as u64 + 1);
        table.field_buf()?;
        table.field(row.name.as_bytes())?;
        table.field(row.category.as_bytes())?;
        table.end()
    })?;
    files.push(table.finish()?);
    Ok(popularity)
}
