//! The public knobs of the generator ([`GenConfig`]) and the checks of their ranges.
//!
//! The checks run before anything is written, so a bad configuration leaves the
//! output folder untouched.

use super::GenerateError;

/// Upper bound on `partners` (per-partner product offsets are `u32`).
const MAX_PARTNERS: usize = 100_000_000;
/// Upper bound on `customers` and `products` (ids are stored as `u32`).
const MAX_ENTITIES: usize = u32::MAX as usize - 1;
/// Upper bound on `quarters` (100 years keeps every date on four-digit years).
const MAX_QUARTERS: u32 = 400;

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

    /// Checks the parameters; [`generate`](super::generate) calls it first.
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
