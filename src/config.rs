//! The user's config file (TOML): how a CRM export's file names, column names and stage /
//! role words map onto the data contract's, so that users never edit their data.
//!
//! ```toml
//! [files]                       # optional: file name per contract table
//! deals = "Opportunities.csv"
//! [columns.deals]               # contract column = "your column"
//! deal_id = "Opportunity ID"
//! amount = "Opportunity Amount"
//! [values.stage]                # contract word = ["your words", ...]
//! won = ["Closed Won"]
//! lost = ["Closed Lost"]
//! open = ["Prospecting", "Qualification"]
//! [values.role]
//! sourced = ["Partner Sourced"]
//! ```
//! The contract's own words stay valid unless a mapping reuses them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::schema::{Role, Stage, TABLES};

/// The parsed config file. Every key is optional; `Config::default()` is the contract.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// table -> file name inside the input folder.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// table -> (contract column -> user column).
    #[serde(default)]
    pub columns: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub values: Values,
}

/// Vocabulary mappings: contract word -> the user's words for it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Values {
    #[serde(default)]
    pub stage: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub role: BTreeMap<String, Vec<String>>,
}

impl Config {
    /// Reads and checks a config file: unknown tables, columns or words are errors,
    /// so a typo does not silently fall back to the contract's names.
    pub fn from_file(path: &Path) -> Result<Config> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::io("reading config", path, e))?;
        Self::from_toml(&text, path)
    }

    pub fn from_toml(text: &str, path: &Path) -> Result<Config> {
        let err = |message: String| Error::Config {
            path: PathBuf::from(path),
            message,
        };
        let cfg: Config = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        for table in cfg.files.keys().chain(cfg.columns.keys()) {
            if !TABLES.iter().any(|t| t.name == table) {
                return Err(err(format!(
                    "unknown table '{table}' (tables: {})",
                    TABLES.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
                )));
            }
        }
        for (table, cols) in &cfg.columns {
            let spec = TABLES
                .iter()
                .find(|t| t.name == table)
                .expect("checked above");
            for c in cols.keys() {
                if !spec.columns.iter().any(|s| s.name == c) {
                    return Err(err(format!(
                        "unknown column '{c}' in [columns.{table}] (contract columns: {})",
                        spec.columns
                            .iter()
                            .map(|s| s.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
        cfg.stage_vocab().map_err(&err)?;
        cfg.role_vocab().map_err(&err)?;
        Ok(cfg)
    }

    /// The user's name for a contract column (the contract name when not mapped).
    pub fn column_name<'a>(&'a self, table: &str, contract_column: &'a str) -> &'a str {
        self.columns
            .get(table)
            .and_then(|m| m.get(contract_column))
            .map(String::as_str)
            .unwrap_or(contract_column)
    }

    /// The file name configured for a table, if any.
    pub fn file_name(&self, table: &str) -> Option<&str> {
        self.files.get(table).map(String::as_str)
    }

    pub fn stage_vocab(&self) -> std::result::Result<Vocab<Stage>, String> {
        Vocab::build("stage", &Stage::WORDS, &self.values.stage)
    }

    pub fn role_vocab(&self) -> std::result::Result<Vocab<Role>, String> {
        Vocab::build("role", &Role::WORDS, &self.values.role)
    }
}

/// A word -> value lookup built from the contract's words plus the user's mapping.
#[derive(Debug, Clone)]
pub struct Vocab<T> {
    map: HashMap<String, T>,
    /// The accepted words, for error messages.
    pub allowed: String,
}

impl<T: Copy + PartialEq> Vocab<T> {
    fn build(
        what: &str,
        words: &[(&'static str, T)],
        user: &BTreeMap<String, Vec<String>>,
    ) -> std::result::Result<Self, String> {
        let mut map: HashMap<String, T> = words.iter().map(|(w, v)| (w.to_string(), *v)).collect();
        let mut user_words: HashMap<&str, &str> = HashMap::new();
        for (contract_word, theirs) in user {
            let value = words
                .iter()
                .find(|(w, _)| w == contract_word)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    format!(
                        "unknown {what} '{contract_word}' in [values.{what}] (contract words: {})",
                        words.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(", ")
                    )
                })?;
            for word in theirs {
                if let Some(prev) = user_words.insert(word, contract_word) {
                    if prev != contract_word {
                        return Err(format!(
                            "{what} word '{word}' is mapped to both '{prev}' and '{contract_word}'"
                        ));
                    }
                }
                map.insert(word.clone(), value);
            }
        }
        let mut allowed: Vec<&str> = map.keys().map(String::as_str).collect();
        allowed.sort_unstable();
        let allowed = allowed
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Vocab { map, allowed })
    }

    pub fn get(&self, word: &str) -> Option<T> {
        self.map.get(word).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_words_and_columns() {
        let cfg = Config::from_toml(
            "[columns.deals]\namount = \"Opportunity Amount\"\n[values.stage]\nwon = [\"Closed Won\"]\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(cfg.column_name("deals", "amount"), "Opportunity Amount");
        assert_eq!(cfg.column_name("deals", "stage"), "stage");
        let v = cfg.stage_vocab().unwrap();
        assert_eq!(v.get("Closed Won"), Some(Stage::Won));
        assert_eq!(v.get("won"), Some(Stage::Won));
        assert_eq!(v.get("Closed Lost"), None);
    }

    #[test]
    fn rejects_typos_and_conflicts() {
        let p = Path::new("c.toml");
        assert!(Config::from_toml("[columns.deal]\namount = \"x\"\n", p).is_err());
        assert!(Config::from_toml("[columns.deals]\namont = \"x\"\n", p).is_err());
        assert!(Config::from_toml("[values.stage]\nwin = [\"W\"]\n", p).is_err());
        assert!(Config::from_toml("[values.stage]\nwon = [\"X\"]\nlost = [\"X\"]\n", p).is_err());
        assert!(Config::from_toml("[colums]\n", p).is_err());
    }
}
