//! SHA-256 of the input files, recorded in the summary (`inputs`) so that a result can
//! be traced to the exact files it was computed from.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Settings;
use crate::error::{Error, Result};

/// SHA-256 (lower-case hex) of every input file found for a contract table in `input`,
/// keyed by the file's name as the summary shows it; the files are hashed in parallel.
/// Discovery problems are validation's to report: here they only mean nothing to hash.
pub fn input_checksums(input: &Path, settings: &Settings) -> Result<BTreeMap<String, String>> {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    let files = crate::io::read::discover(input, settings).unwrap_or_default();
    files
        .into_par_iter()
        .filter_map(|(_, s)| s)
        .map(|s| {
            let mut f =
                std::fs::File::open(&s.path).map_err(|e| Error::io("reading", &s.path, e))?;
            let mut h = Sha256::new();
            std::io::copy(&mut f, &mut h).map_err(|e| Error::io("reading", &s.path, e))?;
            let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            Ok((s.display, hex))
        })
        .collect()
}
