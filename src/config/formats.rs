//! How the input is written: the `[values.*]` and `[matching]` tables as written, the CSV
//! dialect, number and date formats, deal_partners from a deals column, and the checks
//! of single characters and date formats.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Overrides;

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
    pub(crate) fn is_plain(&self) -> bool {
        *self == NumberFormat::default()
    }
}

impl NumberFormat {
    /// `[numbers]` with the flags' overrides, checked: the decimal mark, the thousands
    /// separator (never the decimal mark) and the currency symbols.
    pub(super) fn resolve(
        numbers: &NumberOptions,
        o: &Overrides,
    ) -> std::result::Result<NumberFormat, String> {
        let decimal = match o.decimal.as_ref().or(numbers.decimal.as_ref()) {
            None => '.',
            Some(d) => match single_char(d, "decimal")? {
                c @ ('.' | ',') => c,
                c => return Err(format!("decimal mark {c:?} must be \".\" or \",\"")),
            },
        };
        let thousands = match o.thousands.as_ref().or(numbers.thousands.as_ref()) {
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
            numbers.currency.clone()
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
        Ok(NumberFormat {
            decimal,
            thousands,
            currency,
        })
    }
}

pub(super) fn single_char(s: &str, what: &str) -> std::result::Result<char, String> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("{what} {s:?} must be exactly one character")),
    }
}

/// Refuses a date format chrono cannot use, or one that names no day.
pub(super) fn check_date_format(f: &str) -> std::result::Result<(), String> {
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
