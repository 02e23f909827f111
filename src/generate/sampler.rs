//! Sampling primitives: a Fenwick tree for weighted sampling with updates, small
//! categorical tables, a standard normal and a cheap pseudo-random bijection.

use rand::Rng;

/// Fenwick (binary indexed) tree over integer weights.
///
/// Supports `add` (increase one weight) and `sample` (draw an index with probability
/// proportional to its weight) in O(log n), with O(n) memory. Weights are integers, so
/// the total is exact and a draw is a pure function of the random number consumed.
/// Entries with weight 0 are never drawn: the generator keeps partners that have not
/// joined yet at 0, which restricts draws to the prefix of joined partners.
#[derive(Debug, Clone)]
pub(crate) struct Fenwick {
    /// 1-based tree; `tree[0]` is unused.
    tree: Vec<u64>,
    total: u64,
    /// Largest power of two <= n (0 when n = 0).
    top: usize,
}

impl Fenwick {
    /// A tree of `n` zero weights.
    pub(crate) fn new(n: usize) -> Self {
        let top = if n == 0 {
            0
        } else {
            1usize << (usize::BITS - 1 - n.leading_zeros())
        };
        Fenwick {
            tree: vec![0; n + 1],
            total: 0,
            top,
        }
    }

    /// Adds `delta` to the weight of entry `i` (0-based).
    pub(crate) fn add(&mut self, i: usize, delta: u64) {
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] += delta;
            j += j & j.wrapping_neg();
        }
        self.total += delta;
    }

    /// Sum of all weights.
    #[cfg(test)]
    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    /// Sum of the weights of entries `0..i`.
    #[cfg(test)]
    pub(crate) fn prefix(&self, i: usize) -> u64 {
        let mut j = i;
        let mut s = 0;
        while j > 0 {
            s += self.tree[j];
            j &= j - 1;
        }
        s
    }

    /// The entry `i` with `prefix(i) <= target < prefix(i + 1)`; `target` must be below
    /// [`total`](Self::total).
    pub(crate) fn find(&self, mut target: u64) -> usize {
        let mut pos = 0;
        let mut step = self.top;
        while step > 0 {
            let next = pos + step;
            if next < self.tree.len() && self.tree[next] <= target {
                pos = next;
                target -= self.tree[next];
            }
            step >>= 1;
        }
        pos
    }

    /// Draws an entry with probability proportional to its weight; `None` when all
    /// weights are 0.
    pub(crate) fn sample<R: Rng>(&self, rng: &mut R) -> Option<usize> {
        if self.total == 0 {
            None
        } else {
            Some(self.find(rng.random_range(0..self.total)))
        }
    }
}

/// Draws an index of `weights` with probability proportional to its weight (linear scan;
/// for the small fixed tables of [`super::vocab`]).
pub(crate) fn pick<R: Rng>(rng: &mut R, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    unreachable!("r < total")
}

/// A standard normal draw (Box-Muller, one of the pair).
pub(crate) fn std_normal<R: Rng>(rng: &mut R) -> f64 {
    // 1 - U is in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A draw of `floor(n * U^skew)` for U uniform in [0, 1): rank 0 is the most likely,
/// with a density falling like `x^(1/skew - 1)` (heavy head, long tail).
pub(crate) fn skewed_rank<R: Rng>(rng: &mut R, n: usize, skew: f64) -> usize {
    let u = rng.random::<f64>();
    ((n as f64 * u.powf(skew)) as usize).min(n - 1)
}

/// A bijection of `0..n` (`i -> (i * stride + offset) mod n` with `stride` coprime to
/// `n`), used to scatter popularity ranks over ids so that id 1 is not always the
/// biggest customer or product.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scatter {
    n: u64,
    stride: u64,
    offset: u64,
}

impl Scatter {
    /// A bijection of `0..n`, `n >= 1`, picked with `rng`.
    pub(crate) fn new<R: Rng>(rng: &mut R, n: usize) -> Self {
        let n = n as u64;
        let mut stride = ((n as f64 * 0.618_033_988_75) as u64).max(1);
        while gcd(stride, n) != 1 {
            stride += 1;
        }
        let offset = rng.random_range(0..n);
        Scatter { n, stride, offset }
    }

    /// Image of `i`.
    pub(crate) fn map(&self, i: usize) -> usize {
        ((i as u128 * self.stride as u128 + self.offset as u128) % self.n as u128) as usize
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn fenwick_find_matches_linear_scan() {
        let weights = [0u64, 3, 0, 0, 5, 1, 0, 2, 7, 0, 4];
        let mut f = Fenwick::new(weights.len());
        for (i, &w) in weights.iter().enumerate() {
            f.add(i, w);
        }
        assert_eq!(f.total(), weights.iter().sum::<u64>());
        let mut expected = Vec::new();
        for (i, &w) in weights.iter().enumerate() {
            expected.extend(std::iter::repeat_n(i, w as usize));
        }
        for (target, &want) in expected.iter().enumerate() {
            assert_eq!(f.find(target as u64), want, "target {target}");
        }
        for i in 0..=weights.len() {
            assert_eq!(f.prefix(i), weights[..i].iter().sum::<u64>());
        }
    }

    #[test]
    fn fenwick_sampling_is_proportional_and_skips_zero_weights() {
        let mut f = Fenwick::new(5);
        assert_eq!(f.sample(&mut ChaCha8Rng::seed_from_u64(1)), None);
        f.add(1, 1);
        f.add(3, 3);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut counts = [0u32; 5];
        for _ in 0..40_000 {
            counts[f.sample(&mut rng).unwrap()] += 1;
        }
        assert_eq!(counts[0] + counts[2] + counts[4], 0);
        let ratio = counts[3] as f64 / counts[1] as f64;
        assert!((2.7..3.3).contains(&ratio), "ratio {ratio}");
    }

    #[test]
    fn scatter_is_a_bijection() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for n in [1usize, 2, 10, 97, 100, 1024] {
            let s = Scatter::new(&mut rng, n);
            let mut seen = vec![false; n];
            for i in 0..n {
                let j = s.map(i);
                assert!(!seen[j]);
                seen[j] = true;
            }
        }
    }
}
