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
//! [deal_partners]               # links from a multi-valued deals column, not a file
//! from_deals_column = "Associated Company IDs"
//! separator = ";"
//! role = "influenced"
//! ```
//! The contract's own words stay valid unless a mapping reuses them. A config is checked
//! whole when it is read ([`Config::resolve`]): unknown keys, tables, columns or words are
//! errors, so a typo never falls back silently to the contract's names.

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
}

/// One `[[tiers]]` entry as written: its name, and every other key a rule on a
/// partner_metrics column (or `<model>_revenue`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct TierConfig {
    /// The tier's name, as the partners table's `tier` says it.
    pub name: String,
    /// column -> its bounds.
    #[serde(flatten)]
    pub rules: BTreeMap<String, RuleConfig>,
}

/// A tier rule's bounds as written: `{ min = 10 }`, `{ max = 3 }` or both.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Met when the value is at least this.
    pub min: Option<f64>,
    /// Met when the value is at most this.
    pub max: Option<f64>,
}

/// A config number as a message shows it: as written for ordinary ones, with an
/// exponent when too large to read in full (`1e308`, not 309 digits).
fn short(v: f64) -> String {
    if v.abs() >= 1e16 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// `[[tiers]]`, checked: names unique and non-empty, columns known, bounds numbers.
fn resolve_tiers(
    tiers: &[TierConfig],
) -> std::result::Result<Vec<crate::vocab::tiers::Tier>, String> {
    use crate::vocab::tiers::{rule_columns, Bound, Rule, Tier, MAX_THRESHOLD};
    let allowed = rule_columns();
    let mut out: Vec<Tier> = Vec::new();
    for t in tiers {
        if t.name.trim().is_empty() {
            return Err("[[tiers]]: every tier needs a name (name = \"gold\")".into());
        }
        if out.iter().any(|o| o.name == t.name) {
            return Err(format!("[[tiers]] \"{}\" is listed twice", t.name));
        }
        let mut rules = Vec::new();
        for (column, r) in &t.rules {
            if !allowed.contains(column) {
                let models: Vec<&str> = crate::vocab::attribution::Model::ALL
                    .iter()
                    .map(|m| m.name())
                    .collect();
                // Not allowed, so not a partner_metrics column: `x_revenue` names a model.
                return Err(match column.strip_suffix("_revenue") {
                    Some(model) => format!(
                        "[[tiers]] {}: unknown attribution model \"{model}\" in {column} (models: {})",
                        t.name,
                        models.join(", ")
                    ),
                    None => format!(
                        "[[tiers]] {}: unknown rule column \"{column}\" (a numeric partner_metrics column or <model>_revenue: {})",
                        t.name,
                        allowed.join(", ")
                    ),
                });
            }
            if r.min.is_none() && r.max.is_none() {
                return Err(format!(
                    "[[tiers]] {}: the rule on {column} needs min or max ({column} = {{ min = 10 }})",
                    t.name
                ));
            }
            for (bound, v) in [(Bound::Min, r.min), (Bound::Max, r.max)] {
                if let Some(v) = v {
                    if !v.is_finite() {
                        return Err(format!(
                            "[[tiers]] {}: {column} {} = {v} is not a number",
                            t.name,
                            bound.word()
                        ));
                    }
                    if v.abs() > MAX_THRESHOLD {
                        return Err(format!(
                            "[[tiers]] {}: {column} {} = {} is beyond ±{MAX_THRESHOLD:e}, which no partner_metrics value can reach",
                            t.name,
                            bound.word(),
                            short(v)
                        ));
                    }
                    rules.push(Rule {
                        column: column.clone(),
                        bound,
                        threshold: v,
                    });
                }
            }
            if let (Some(lo), Some(hi)) = (r.min, r.max)
                && lo > hi
            {
                return Err(format!(
                    "[[tiers]] {}: {column} has min = {lo} above max = {hi}: no partner could meet it",
                    t.name
                ));
            }
        }
        out.push(Tier {
            name: t.name.clone(),
            rules,
        });
    }
    Ok(out)
}

/// `[attribution]` as written; unset keys keep the defaults of
/// [`crate::metrics::attribution::AttributionParams`].
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AttributionConfig {
    /// Half-life of `time_decay`, in days (> 0; default 7).
    pub half_life_days: Option<f64>,
    /// Weight per role for `role_weighted` (each >= 0; normalized over the roles on each
    /// deal).
    #[serde(default)]
    pub role_weights: RoleWeightsConfig,
}

/// `[attribution.role_weights]` as written: one optional weight per contract role.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoleWeightsConfig {
    /// `sourced` (default 0.5).
    pub sourced: Option<f64>,
    /// `co_sell` (default 0.3).
    pub co_sell: Option<f64>,
    /// `fulfilled` (default 0.1).
    pub fulfilled: Option<f64>,
    /// `influenced` (default 0.05).
    pub influenced: Option<f64>,
    /// `referral` (default 0.05).
    pub referral: Option<f64>,
}

impl AttributionConfig {
    /// The parameters, or what is wrong with them.
    pub fn resolve(
        &self,
    ) -> std::result::Result<crate::vocab::attribution::AttributionParams, String> {
        use crate::vocab::attribution::{MAX_HALF_LIFE_DAYS, MAX_ROLE_WEIGHT};
        let mut p = crate::vocab::attribution::AttributionParams::default();
        if let Some(h) = self.half_life_days {
            if !(h.is_finite() && h > 0.0 && h <= MAX_HALF_LIFE_DAYS) {
                return Err(format!(
                    "[attribution] half_life_days = {}: the half-life must be a number of days above 0 and at most {MAX_HALF_LIFE_DAYS:e}",
                    short(h)
                ));
            }
            p.half_life_days = h;
        }
        let w = &self.role_weights;
        for (role, value, slot) in [
            ("sourced", w.sourced, &mut p.role_weights.sourced),
            ("co_sell", w.co_sell, &mut p.role_weights.co_sell),
            ("fulfilled", w.fulfilled, &mut p.role_weights.fulfilled),
            ("influenced", w.influenced, &mut p.role_weights.influenced),
            ("referral", w.referral, &mut p.role_weights.referral),
        ] {
            if let Some(v) = value {
                if !(v.is_finite() && (0.0..=MAX_ROLE_WEIGHT).contains(&v)) {
                    return Err(format!(
                        "[attribution.role_weights] {role} = {}: a weight must be a number of at least 0 and at most {MAX_ROLE_WEIGHT:e} (weights are relative: only their ratios on a deal matter)",
                        short(v)
                    ));
                }
                *slot = v;
            }
        }
        Ok(p)
    }
}

/// Vocabulary mappings: contract word (or, for free text, the name to use) -> the
/// user's words for it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Values {
    /// `[values.stage]`: contract stage (`won`, `lost`, `open`) -> the CRM's words for
    /// it (`won = ["Closed Won"]`); an unmapped, unknown stage is a row error.
    #[serde(default)]
    pub stage: BTreeMap<String, Vec<String>>,
    /// `[values.role]`: contract role (`sourced`, `influenced`, `co_sell`, `fulfilled`,
    /// `referral`) -> the CRM's words for it (`sourced = ["Partner Sourced"]`).
    #[serde(default)]
    pub role: BTreeMap<String, Vec<String>>,
    /// `[values.partner_type]`: name to report -> the words that mean it
    /// (`reseller = ["VAR", "Value Added Reseller"]`); other types pass unchanged.
    #[serde(default)]
    pub partner_type: BTreeMap<String, Vec<String>>,
    /// `[values.tier]`: name to report -> the words that mean it
    /// (`gold = ["Gold", "GOLD partner"]`); other tiers pass unchanged.
    #[serde(default)]
    pub tier: BTreeMap<String, Vec<String>>,
    /// Applies to every region column (partners, deals, customers).
    #[serde(default)]
    pub region: BTreeMap<String, Vec<String>>,
}

/// How words are compared with the vocabularies.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    /// `[matching] vocabulary`: `"loose"` (default) or `"exact"`; applies to stages,
    /// roles and every `[values.*]` mapping.
    #[serde(default)]
    pub vocabulary: VocabularyMatch,
}

/// `loose` (default): `Closed Won`, `closed won` and ` Closed  Won ` are one word (case
/// ignored, surrounding spaces dropped, inner runs of spaces made one). `exact`: bytes.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum VocabularyMatch {
    /// `"loose"`: case, surrounding spaces and repeated inner spaces are ignored.
    #[default]
    Loose,
    /// `"exact"`: words must match byte for byte (`Won` is not `won`).
    Exact,
}

/// CSV dialect.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CsvOptions {
    /// Field separator: one ASCII character (`","`, `";"`, `"\t"`, `"|"`).
    #[serde(default = "comma")]
    pub delimiter: String,
    /// Skip rows whose every field is empty (Excel's `,,,,` rows), counting them.
    #[serde(default = "yes")]
    pub skip_empty_rows: bool,
}

fn comma() -> String {
    ",".into()
}

fn yes() -> bool {
    true
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: comma(),
            skip_empty_rows: true,
        }
    }
}

/// How amounts are written in text files.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NumberOptions {
    /// Decimal mark: `"."` (default) or `","`.
    #[serde(default)]
    pub decimal: Option<String>,
    /// Thousands separator (none by default): `","`, `"."`, `" "`, `"'"` or `"_"`.
    #[serde(default)]
    pub thousands: Option<String>,
    /// Currency symbols or codes allowed before or after the number (`"$"`, `"USD"`).
    #[serde(default)]
    pub currency: Vec<String>,
}

/// How dates are written in text files.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DateOptions {
    /// A chrono / strftime format (`%m/%d/%Y`, `%d.%m.%Y %H:%M`), accepted besides ISO 8601.
    #[serde(default)]
    pub format: Option<String>,
}

/// `deal_partners` taken from a column of the deals table that lists partner ids
/// (HubSpot's `Associated Company IDs`: `9001;9003`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LinksFromDeals {
    /// The deals column holding the partner ids, as named in the file.
    pub from_deals_column: String,
    /// What separates the ids inside a cell (default `;`).
    #[serde(default = "semicolon")]
    pub separator: String,
    /// The role of every link made this way (default `influenced`).
    #[serde(default)]
    pub role: Option<String>,
}

fn semicolon() -> String {
    ";".into()
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

/// Number format of text amounts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NumberFormat {
    /// `.` or `,`.
    pub(crate) decimal: char,
    /// Thousands separator, when one is allowed.
    pub(crate) thousands: Option<char>,
    /// Currency symbols or codes allowed before or after the number.
    pub(crate) currency: Vec<String>,
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat {
            decimal: '.',
            thousands: None,
            currency: Vec::new(),
        }
    }
}

impl NumberFormat {
    /// Whether this is the contract's plain format (no leniency).
    pub fn is_plain(&self) -> bool {
        *self == NumberFormat::default()
    }
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
        let decimal = match o.decimal.as_ref().or(self.numbers.decimal.as_ref()) {
            None => '.',
            Some(d) => match single_char(d, "decimal")? {
                c @ ('.' | ',') => c,
                c => return Err(format!("decimal mark {c:?} must be \".\" or \",\"")),
            },
        };
        let thousands = match o.thousands.as_ref().or(self.numbers.thousands.as_ref()) {
            None => None,
            Some(t) => match single_char(t, "thousands")? {
                c @ (',' | '.' | ' ' | '\'' | '_' | '\u{a0}' | '\u{202f}') => Some(c),
                c => {
                    return Err(format!(
                        "thousands separator {c:?} must be one of \",\" \".\" \" \" \"'\" \"_\""
                    ))
                }
            },
        };
        if thousands == Some(decimal) {
            return Err(format!(
                "the thousands separator and the decimal mark are both {decimal:?}"
            ));
        }
        let currency: Vec<String> = if o.currency.is_empty() {
            self.numbers.currency.clone()
        } else {
            o.currency.clone()
        };
        for c in &currency {
            let t = c.trim();
            if t.is_empty()
                || t.chars()
                    .any(|ch| ch.is_ascii_digit() || "+-.,".contains(ch))
            {
                return Err(format!(
                    "currency {c:?} must be a symbol or code without digits, signs, '.' or ','"
                ));
            }
        }
        let date_format = o.date_format.clone().or(self.dates.format.clone());
        if let Some(f) = &date_format {
            check_date_format(f)?;
        }
        let links_from_deals = match &self.deal_partners {
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
        };
        Ok(Settings {
            config: self.clone(),
            stage,
            role,
            partner_type,
            tier,
            region,
            delimiter: delimiter as u8,
            skip_empty_rows: self.csv.skip_empty_rows,
            numbers: NumberFormat {
                decimal,
                thousands,
                currency,
            },
            date_format,
            links_from_deals,
            attribution: self.attribution.resolve()?,
            tiers: resolve_tiers(&self.tiers)?,
        })
    }

    /// The user's name for a contract column (the contract name when not mapped).
    pub fn column_name<'a>(&'a self, table: &str, contract_column: &'a str) -> &'a str {
        self.mapped_column(table, contract_column)
            .unwrap_or(contract_column)
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
}

fn single_char(s: &str, what: &str) -> std::result::Result<char, String> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("{what} {s:?} must be exactly one character")),
    }
}

/// Refuses a date format chrono cannot use, or one that names no day.
fn check_date_format(f: &str) -> std::result::Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    let items: Vec<Item> = StrftimeItems::new(f).collect();
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return Err(format!("date format {f:?} is not a valid strftime format"));
    }
    if !f.contains("%d") && !f.contains("%e") && !f.contains("%F") && !f.contains("%D") {
        return Err(format!(
            "date format {f:?} names no day of the month (%d); e.g. \"%m/%d/%Y\""
        ));
    }
    Ok(())
}

/// The form a word is compared in: `loose` drops case, surrounding spaces and repeated
/// inner spaces; `exact` keeps the bytes.
pub fn normalize_word(word: &str, loose: bool) -> std::borrow::Cow<'_, str> {
    if !loose {
        return std::borrow::Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len());
    for (i, part) in word.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.extend(part.chars().flat_map(char::to_lowercase));
    }
    std::borrow::Cow::Owned(out)
}

/// A word -> value lookup built from the contract's words plus the user's mapping.
#[derive(Debug, Clone)]
pub(crate) struct Vocab<T> {
    map: HashMap<String, T>,
    loose: bool,
    /// The accepted words, for error messages.
    pub allowed: String,
}

impl<T: Copy + PartialEq> Vocab<T> {
    fn build(
        what: &str,
        words: &[(&'static str, T)],
        user: &BTreeMap<String, Vec<String>>,
        loose: bool,
    ) -> std::result::Result<Self, String> {
        let mut map: HashMap<String, T> = words
            .iter()
            .map(|(w, v)| (normalize_word(w, loose).into_owned(), *v))
            .collect();
        let mut user_words: HashMap<String, &str> = HashMap::new();
        let mut shown: Vec<String> = words.iter().map(|(w, _)| w.to_string()).collect();
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
                let key = normalize_word(word, loose).into_owned();
                if let Some(prev) = user_words.insert(key.clone(), contract_word)
                    && prev != contract_word
                {
                    return Err(format!(
                        "{what} word '{word}' is mapped to both '{prev}' and '{contract_word}'{}",
                        if loose {
                            " (words are compared ignoring case and spaces; set [matching] vocabulary = \"exact\" to tell them apart)"
                        } else {
                            ""
                        }
                    ));
                }
                map.insert(key, value);
                shown.push(word.clone());
            }
        }
        shown.sort_unstable();
        shown.dedup();
        let allowed = shown
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(", ")
            + if loose {
                " (case and spaces ignored)"
            } else {
                " (exact match)"
            };
        Ok(Vocab {
            map,
            loose,
            allowed,
        })
    }

    /// The value `word` stands for (compared as the vocabulary's matching says).
    pub fn get(&self, word: &str) -> Option<T> {
        // Keys are normalized, so a word found as it is needs no normalizing (the usual
        // case: `won`), and the per-row allocation is paid only by unusual spellings.
        if let Some(v) = self.map.get(word) {
            return Some(*v);
        }
        if !self.loose {
            return None;
        }
        self.map.get(normalize_word(word, true).as_ref()).copied()
    }
}

/// Free-text value mapping (`[values.partner_type]`): a mapped word becomes its name;
/// anything else passes through unchanged.
#[derive(Debug, Clone, Default)]
pub struct TextMap {
    map: HashMap<String, String>,
    loose: bool,
}

impl TextMap {
    fn build(
        what: &str,
        user: &BTreeMap<String, Vec<String>>,
        loose: bool,
    ) -> std::result::Result<Self, String> {
        let mut map: HashMap<String, String> = HashMap::new();
        for (name, theirs) in user {
            if name.trim().is_empty() {
                return Err(format!("[values.{what}] maps to an empty name"));
            }
            for word in theirs {
                let key = normalize_word(word, loose).into_owned();
                if let Some(prev) = map.insert(key, name.clone())
                    && prev != *name
                {
                    return Err(format!(
                        "{what} word '{word}' is mapped to both '{prev}' and '{name}'"
                    ));
                }
            }
        }
        Ok(TextMap { map, loose })
    }

    /// Whether nothing is mapped (every word passes through).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The name for `word`: its mapping, or `word` itself.
    pub fn apply<'a>(&'a self, word: &'a str) -> &'a str {
        if self.map.is_empty() {
            return word;
        }
        if let Some(name) = self.map.get(word) {
            return name;
        }
        if !self.loose {
            return word;
        }
        self.map
            .get(normalize_word(word, true).as_ref())
            .map(String::as_str)
            .unwrap_or(word)
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
        assert_eq!(cfg.column_name("deals", "amount"), "Opportunity Amount");
        assert_eq!(cfg.column_name("deals", "stage"), "stage");
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
