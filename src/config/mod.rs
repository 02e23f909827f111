//! The user's config file (TOML): how a CRM export's file names, column names, words and
//! number / date formats map onto the data contract's, so that users never edit their
//! data.
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
//! [values.partner_type]         # free-text columns: your words -> one name
//! reseller = ["VAR", "Value Added Reseller"]
//! [matching]
//! vocabulary = "loose"          # default: case and spaces ignored; "exact" to compare bytes
//! [csv]
//! delimiter = ";"               # default ","
//! skip_empty_rows = true        # default: rows whose every field is empty are skipped, counted
//! [numbers]
//! decimal = ","                 # default "."
//! thousands = "."               # default: none allowed
//! currency = ["$", "€", "USD"]  # symbols or codes allowed before or after an amount
//! [dates]
//! format = "%m/%d/%Y"           # also accepted besides ISO 8601
//! [report]                      # the review page
//! currency = "EUR"              # the deals' currency: a code ("37.6M EUR") or a symbol ("€37.6M")
//! [deal_partners]               # links from a multi-valued deals column, not a file
//! from_deals_column = "Associated Company IDs"
//! separator = ";"
//! role = "influenced"
//! ```
//! The contract's own words stay valid unless a mapping reuses them. A config is checked
//! whole when it is read ([`Config::resolve`]): unknown keys, tables, columns or words are
//! errors, so a typo never falls back silently to the contract's names.

mod formats;
mod program;
mod report;
mod words;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::schema::{Role, Stage, TABLES};

pub(crate) use formats::NumberFormat;
use formats::{check_date_format, single_char};
pub use formats::{
    CsvOptions, DateOptions, LinksFromDeals, Matching, NumberOptions, Values, VocabularyMatch,
};
use program::resolve_tiers;
pub use program::{AlertsConfig, AttributionConfig, RoleWeightsConfig, RuleConfig, TierConfig};
pub use report::ReportConfig;
pub(crate) use words::Vocab;
pub use words::{normalize_word, TextMap};

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
    /// `[values.*]`: the user's words for the contract's stages and roles, and the
    /// names to give free-text values (`[values.stage] won = ["Closed Won"]`).
    #[serde(default)]
    pub values: Values,
    /// `[matching]`: how words are compared with those vocabularies
    /// (`vocabulary = "exact"`).
    #[serde(default)]
    pub matching: Matching,
    /// `[csv]`: the CSV dialect (`delimiter = ";"`, `skip_empty_rows = false`).
    #[serde(default)]
    pub csv: CsvOptions,
    /// `[numbers]`: how text amounts are written (`decimal = ","`, `thousands = "."`,
    /// `currency = ["€"]`).
    #[serde(default)]
    pub numbers: NumberOptions,
    /// `[dates]`: a date format accepted besides ISO 8601 (`format = "%m/%d/%Y"`).
    #[serde(default)]
    pub dates: DateOptions,
    /// deal_partners read from a multi-valued column of the deals table.
    #[serde(default)]
    pub deal_partners: Option<LinksFromDeals>,
    /// `[attribution]`: the attribution models' role weights and time-decay half-life
    /// (`half_life_days = 14`, `[attribution.role_weights] sourced = 0.6`).
    #[serde(default)]
    pub attribution: AttributionConfig,
    /// `[[tiers]]`: the program's tiers, highest first, each with its qualification
    /// rules (`name = "gold"`, `won_deals = { min = 10 }`).
    #[serde(default)]
    pub tiers: Vec<TierConfig>,
    /// `[alerts]`: the review's alert settings (`near_duplicate_min_shared = 5`).
    #[serde(default)]
    pub alerts: AlertsConfig,
    /// `[report]`: how the review page presents amounts (`currency = "EUR"`).
    #[serde(default)]
    pub report: ReportConfig,
}

/// Settings given as flags; each one overrides the same setting of the config file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// `--delimiter`: replaces `[csv] delimiter` (`";"`, `"\t"`).
    pub delimiter: Option<String>,
    /// `--decimal`: replaces `[numbers] decimal` (`","`).
    pub decimal: Option<String>,
    /// `--thousands`: replaces `[numbers] thousands` (`"."`).
    pub thousands: Option<String>,
    /// `--currency` (repeatable): when not empty, replaces `[numbers] currency`
    /// (`["$", "USD"]`).
    pub currency: Vec<String>,
    /// `--date-format`: replaces `[dates] format` (`"%d.%m.%Y"`).
    pub date_format: Option<String>,
    /// `--exact-vocabulary`: when true, words are compared byte for byte whatever
    /// `[matching] vocabulary` says.
    pub exact_vocabulary: bool,
}

/// A config checked whole: every mapping resolved into the lookups validation uses.
/// Only [`Config::resolve`] makes one, so a `Settings` cannot hold a bad mapping.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The config as written (file and column names are looked up in it).
    pub(crate) config: Config,
    pub(crate) stage: Vocab<Stage>,
    pub(crate) role: Vocab<Role>,
    pub(crate) partner_type: TextMap,
    pub(crate) tier: TextMap,
    pub(crate) region: TextMap,
    /// CSV field separator, flag over config.
    pub(crate) delimiter: u8,
    pub(crate) skip_empty_rows: bool,
    pub(crate) numbers: NumberFormat,
    /// Date format accepted besides ISO 8601, flag over config.
    pub(crate) date_format: Option<String>,
    pub(crate) links_from_deals: Option<ResolvedLinks>,
    /// `[attribution]`, checked.
    pub attribution: crate::vocab::attribution::AttributionParams,
    /// `[[tiers]]`, checked (highest first); empty without tiers.
    pub tiers: Vec<crate::vocab::tiers::Tier>,
    /// `[alerts]`, checked.
    pub alerts: crate::vocab::alerts::AlertSettings,
}

/// [`LinksFromDeals`], checked.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedLinks {
    /// The deals column holding the partner ids.
    pub(crate) column: String,
    /// What separates the ids inside a cell.
    pub(crate) separator: String,
    /// The role of every link made this way.
    pub(crate) role: Role,
}

impl Config {
    /// Reads and checks a config file. A file that cannot be read or does not fit the
    /// schema is an [`Error::Config`] naming the file.
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: format!("cannot be read: {e}"),
        })?;
        Self::from_toml(&text, path)
    }

    /// Parses and checks config text; `path` only names the file in an
    /// [`Error::Config`]. [`Config::from_file`] is this on the file's contents.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config> {
        let cfg: Config = toml::from_str(text).map_err(|e| Error::Config {
            path: PathBuf::from(path),
            message: e.to_string(),
        })?;
        cfg.resolve(&Overrides::default())
            .map_err(|message| Error::Config {
                path: PathBuf::from(path),
                message,
            })?;
        Ok(cfg)
    }

    /// Checks the whole config (with the flags' overrides) and builds its lookups.
    pub fn resolve(&self, o: &Overrides) -> std::result::Result<Settings, String> {
        self.check_names()?;
        let loose = !o.exact_vocabulary && self.matching.vocabulary == VocabularyMatch::Loose;
        let stage = Vocab::build("stage", &Stage::WORDS, &self.values.stage, loose)?;
        let role = Vocab::build("role", &Role::WORDS, &self.values.role, loose)?;
        let partner_type = TextMap::build("partner_type", &self.values.partner_type, loose)?;
        let tier = TextMap::build("tier", &self.values.tier, loose)?;
        let region = TextMap::build("region", &self.values.region, loose)?;
        let delimiter = o.delimiter.as_ref().unwrap_or(&self.csv.delimiter);
        let delimiter = single_char(delimiter, "delimiter")?;
        if !delimiter.is_ascii() || matches!(delimiter, '"' | '\n' | '\r') {
            return Err(format!(
                "delimiter {delimiter:?} must be one ASCII character other than a quote or a line break"
            ));
        }
        let numbers = NumberFormat::resolve(&self.numbers, o)?;
        let date_format = o.date_format.clone().or(self.dates.format.clone());
        if let Some(f) = &date_format {
            check_date_format(f)?;
        }
        let links_from_deals = self.resolve_links(&role)?;
        self.report.check()?;
        Ok(Settings {
            config: self.clone(),
            stage,
            role,
            partner_type,
            tier,
            region,
            delimiter: delimiter as u8,
            skip_empty_rows: self.csv.skip_empty_rows,
            numbers,
            date_format,
            links_from_deals,
            attribution: self.attribution.resolve()?,
            tiers: resolve_tiers(&self.tiers)?,
            alerts: self.alerts.resolve()?,
        })
    }

    /// The user's name for a contract column when the config maps it.
    pub fn mapped_column(&self, table: &str, contract_column: &str) -> Option<&str> {
        self.columns
            .get(table)
            .and_then(|m| m.get(contract_column))
            .map(String::as_str)
    }

    /// The file name configured for a table, if any.
    pub fn file_name(&self, table: &str) -> Option<&str> {
        self.files.get(table).map(String::as_str)
    }

    /// Every table of `[files]` and `[columns.*]`, and every column of `[columns.*]`, is
    /// the contract's.
    fn check_names(&self) -> std::result::Result<(), String> {
        for table in self.files.keys().chain(self.columns.keys()) {
            if !TABLES.iter().any(|t| t.name == table) {
                return Err(format!(
                    "unknown table '{table}' (tables: {})",
                    TABLES.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        for (table, cols) in &self.columns {
            let Some(spec) = TABLES.iter().find(|t| t.name == table) else {
                continue; // reported above
            };
            for c in cols.keys() {
                if !spec.columns.iter().any(|s| s.name == c) {
                    return Err(format!(
                        "unknown column '{c}' in [columns.{table}] (contract columns: {})",
                        spec.columns
                            .iter()
                            .map(|s| s.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    /// `[deal_partners]` from a deals column, checked; its role is a word of `role`.
    fn resolve_links(
        &self,
        role: &Vocab<Role>,
    ) -> std::result::Result<Option<ResolvedLinks>, String> {
        Ok(match &self.deal_partners {
            None => None,
            Some(l) => {
                if l.from_deals_column.trim().is_empty() {
                    return Err("[deal_partners] from_deals_column must name a column".into());
                }
                if l.separator.is_empty() {
                    return Err("[deal_partners] separator must not be empty".into());
                }
                if self.files.contains_key("deal_partners")
                    || self.columns.contains_key("deal_partners")
                {
                    return Err("deal_partners comes from the deals table ([deal_partners] from_deals_column); drop [files] deal_partners and [columns.deal_partners]".into());
                }
                let role = match &l.role {
                    None => Role::Influenced,
                    Some(r) => role.get(r).ok_or_else(|| {
                        format!(
                            "[deal_partners] role {r:?} is not a role (allowed: {})",
                            role.allowed
                        )
                    })?,
                };
                Some(ResolvedLinks {
                    column: l.from_deals_column.clone(),
                    separator: l.separator.clone(),
                    role,
                })
            }
        })
    }
}

/// The input-format settings in force, as the summary records them under
/// `parameters.input_format`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputFormatInfo {
    /// CSV field separator in force (`","`, `";"`).
    pub delimiter: String,
    /// How words were compared: `"loose"` or `"exact"`.
    pub vocabulary: &'static str,
    /// Whether CSV rows whose every field is empty were skipped.
    pub skip_empty_rows: bool,
    /// Decimal mark of text amounts (`"."` or `","`).
    pub decimal: String,
    /// Thousands separator allowed in text amounts, if any (`","`).
    pub thousands: Option<String>,
    /// Currency symbols or codes allowed around amounts (`["$"]`; empty: none).
    pub currency: Vec<String>,
    /// Date format accepted besides ISO 8601, if any (`"%m/%d/%Y"`).
    pub date_format: Option<String>,
    /// The deals column deal_partners was read from, when the config says so
    /// (`[deal_partners] from_deals_column`); null when it is a file.
    pub deal_partners_from_deals_column: Option<String>,
}

impl Settings {
    /// `[report]`, checked: what the summary records under `parameters.report` for
    /// the review page.
    pub fn report(&self) -> &ReportConfig {
        &self.config.report
    }

    /// What the summary records of how the input was read.
    pub fn format_info(&self) -> InputFormatInfo {
        InputFormatInfo {
            delimiter: (self.delimiter as char).to_string(),
            vocabulary: if self.stage.loose { "loose" } else { "exact" },
            skip_empty_rows: self.skip_empty_rows,
            decimal: self.numbers.decimal.to_string(),
            thousands: self.numbers.thousands.map(|c| c.to_string()),
            currency: self.numbers.currency.clone(),
            date_format: self.date_format.clone(),
            deal_partners_from_deals_column: self
                .links_from_deals
                .as_ref()
                .map(|l| l.column.clone()),
        }
    }

    /// The contract's settings (no config file, no flags).
    pub fn contract() -> Settings {
        Config::default()
            .resolve(&Overrides::default())
            .expect("the empty config resolves")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml: &str) -> Settings {
        Config::from_toml(toml, Path::new("c.toml"))
            .unwrap()
            .resolve(&Overrides::default())
            .unwrap()
    }

    #[test]
    fn maps_words_and_columns() {
        let cfg = Config::from_toml(
            "[columns.deals]\namount = \"Opportunity Amount\"\n[values.stage]\nwon = [\"Closed Won\"]\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(
            cfg.mapped_column("deals", "amount"),
            Some("Opportunity Amount")
        );
        assert_eq!(cfg.mapped_column("deals", "stage"), None);
        let v = cfg.resolve(&Overrides::default()).unwrap().stage;
        assert_eq!(v.get("Closed Won"), Some(Stage::Won));
        assert_eq!(v.get("won"), Some(Stage::Won));
        assert_eq!(v.get("Closed Lost"), None);
    }

    #[test]
    fn loose_matching_by_default_exact_on_request() {
        let s = settings("[values.stage]\nwon = [\"Closed Won\"]\n");
        for w in ["Won", "won ", " WON", "closed  won", "CLOSED WON"] {
            assert_eq!(s.stage.get(w), Some(Stage::Won), "{w:?}");
        }
        assert_eq!(s.stage.get("closedwon"), None);
        let s = settings(
            "[matching]\nvocabulary = \"exact\"\n[values.stage]\nwon = [\"Closed Won\"]\n",
        );
        assert_eq!(s.stage.get("Closed Won"), Some(Stage::Won));
        assert_eq!(s.stage.get("Won"), None);
        assert_eq!(s.stage.get("won "), None);
        let o = Overrides {
            exact_vocabulary: true,
            ..Overrides::default()
        };
        let s = Config::default().resolve(&o).unwrap();
        assert_eq!(s.stage.get("Won"), None);
    }

    #[test]
    fn free_text_maps_pass_unmapped_words_through() {
        let s = settings("[values.partner_type]\nreseller = [\"VAR\", \"Value Added Reseller\"]\n[values.region]\nNA = [\"North America\"]\n");
        assert_eq!(s.partner_type.apply("var"), "reseller");
        assert_eq!(s.partner_type.apply("value added  reseller"), "reseller");
        assert_eq!(s.partner_type.apply("isv"), "isv");
        assert_eq!(s.region.apply("north america"), "NA");
        assert_eq!(s.tier.apply("Gold"), "Gold");
    }

    #[test]
    fn rejects_typos_and_conflicts() {
        let p = Path::new("c.toml");
        for bad in [
            "[columns.deal]\namount = \"x\"\n",
            "[columns.deals]\namont = \"x\"\n",
            "[values.stage]\nwin = [\"W\"]\n",
            "[values.stage]\nwon = [\"X\"]\nlost = [\"X\"]\n",
            "[values.stage]\nwon = [\"Done\"]\nlost = [\"done\"]\n",
            "[values.partner_type]\na = [\"X\"]\nb = [\"x\"]\n",
            "[values.segment]\na = [\"X\"]\n",
            "[colums]\n",
            "[csv]\ndelimiter = \";;\"\n",
            "[csv]\ndelimiter = '\"'\n",
            "[numbers]\ndecimal = \";\"\n",
            "[numbers]\ndecimal = \",\"\nthousands = \",\"\n",
            "[numbers]\ncurrency = [\"1\"]\n",
            "[dates]\nformat = \"%Q\"\n",
            "[dates]\nformat = \"%m/%Y\"\n",
            "[deal_partners]\nseparator = \";\"\n",
            "[deal_partners]\nfrom_deals_column = \"X\"\nrole = \"boss\"\n",
            "[deal_partners]\nfrom_deals_column = \"X\"\n[files]\ndeal_partners = \"l.csv\"\n",
            "[matching]\nvocabulary = \"fuzzy\"\n",
        ] {
            assert!(Config::from_toml(bad, p).is_err(), "accepted: {bad}");
        }
    }

    #[test]
    fn numbers_that_would_make_a_sum_overflow_are_refused_naming_the_key() {
        let p = Path::new("c.toml");
        let refused = |toml: &str| match Config::from_toml(toml, p) {
            Err(e) => e.to_string(),
            Ok(c) => c.resolve(&Overrides::default()).unwrap_err(),
        };
        for (toml, says) in [
            (
                "[attribution.role_weights]\nsourced = 1e308\n",
                "[attribution.role_weights] sourced = 1e308: a weight must be a number of at least 0 and at most 1e6",
            ),
            (
                "[attribution.role_weights]\nco_sell = 1000000.5\n",
                "[attribution.role_weights] co_sell = 1000000.5",
            ),
            (
                "[attribution]\nhalf_life_days = 1.7e308\n",
                "[attribution] half_life_days = 1.7e308",
            ),
            (
                "[[tiers]]\nname = \"gold\"\nwon_deals = { min = 1e308 }\n",
                "[[tiers]] gold: won_deals min = 1e308 is beyond",
            ),
            (
                "[[tiers]]\nname = \"gold\"\nwin_rate = { max = -1e31 }\n",
                "[[tiers]] gold: win_rate max = -1e31 is beyond",
            ),
        ] {
            let e = refused(toml);
            assert!(e.contains(says), "{toml}: {e}");
        }
        // The bounds themselves are accepted.
        let s = settings(
            "[attribution]\nhalf_life_days = 1e6\n[attribution.role_weights]\nsourced = 1e6\nreferral = 0\n[[tiers]]\nname = \"gold\"\nwon_deals = { min = 1e30 }\n",
        );
        assert_eq!(s.attribution.role_weights.sourced, 1e6);
        assert_eq!(s.attribution.half_life_days, 1e6);
    }

    #[test]
    fn flags_override_the_file() {
        let cfg = Config::from_toml("[csv]\ndelimiter = \";\"\n", Path::new("c.toml")).unwrap();
        let s = cfg.resolve(&Overrides::default()).unwrap();
        assert_eq!(s.delimiter, b';');
        let o = Overrides {
            delimiter: Some("\t".into()),
            decimal: Some(",".into()),
            thousands: Some(".".into()),
            ..Overrides::default()
        };
        let s = cfg.resolve(&o).unwrap();
        assert_eq!(s.delimiter, b'\t');
        assert_eq!(s.numbers.decimal, ',');
        assert_eq!(s.numbers.thousands, Some('.'));
    }
}
