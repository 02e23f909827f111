//! One independent ChaCha8 stream per phase, so that each table's randomness does not
//! depend on how many draws another phase made (changing how customers are drawn does
//! not reshuffle the partners).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Stream of the partners (join days, types, tiers, regions, names, dormancy).
pub(crate) const STREAM_PARTNERS: u64 = 1;
/// Stream of the products.
pub(crate) const STREAM_PRODUCTS: u64 = 2;
/// Stream of the customers.
pub(crate) const STREAM_CUSTOMERS: u64 = 3;
/// Stream of the partners' product portfolios.
pub(crate) const STREAM_PARTNER_PRODUCTS: u64 = 4;
/// Stream of the daily deal volume.
pub(crate) const STREAM_VOLUME: u64 = 5;
/// Stream of the deals and their partner links.
pub(crate) const STREAM_DEALS: u64 = 6;

/// The generator of phase `stream` for `seed`.
pub(crate) fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
