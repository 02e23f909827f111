//! A string pool for repeated keys (customer, product, region): each distinct string is
//! stored once and rows hold a `u32` code. `build` later renumbers codes in byte order.

use rustc_hash::FxHashMap;

pub use crate::vocab::NULL;

/// Interns the distinct values of a key column (customer, product, region ids): `code`
/// gives each new string the next `u32`, so rows store 4 bytes instead of a string.
#[derive(Debug, Clone, Default)]
pub struct Dict {
    /// Distinct values in first-seen order; a code indexes this.
    pub values: Vec<String>,
    index: FxHashMap<String, u32>,
}

impl Dict {
    /// Code of `s`, adding it when new.
    pub fn code(&mut self, s: &str) -> u32 {
        if let Some(&c) = self.index.get(s) {
            return c;
        }
        let c = u32::try_from(self.values.len()).expect("fewer than 4 billion distinct keys");
        self.values.push(s.to_string());
        self.index.insert(s.to_string(), c);
        c
    }

    /// Code of `s`, if it was added.
    pub fn get(&self, s: &str) -> Option<u32> {
        self.index.get(s).copied()
    }

    /// Number of distinct values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no value was added.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Renumbers codes so that code order is byte order of the values; returns the
    /// sorted values and `old code -> new code`.
    pub fn into_sorted(self) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.values.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            self.values[a as usize]
                .as_bytes()
                .cmp(self.values[b as usize].as_bytes())
        });
        let mut remap = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let mut values = self.values;
        let sorted = order
            .iter()
            .map(|&o| std::mem::take(&mut values[o as usize]))
            .collect();
        (sorted, remap)
    }
}
