//! `[report]`: how the review page presents amounts. The data contract says nothing of
//! a currency (an amount is a number in whatever currency the deals are in), so the
//! page names one only when the user does.

use serde::{Deserialize, Serialize};

/// Characters a currency may have at most: "EUR", "€", "US$", "CHF", "BTC" fit.
const CURRENCY_CHARS: usize = 8;

/// `[report]` as written: `currency = "EUR"` (a code, shown after amounts: "37.6M EUR")
/// or a symbol (`"€"`, shown before: "€37.6M").
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// The deals' currency as the page names it; none: amounts are shown as numbers and
    /// the page says their currency is not named.
    pub currency: Option<String>,
}

impl ReportConfig {
    /// Whether nothing is set (the default): a results folder written before `[report]`
    /// was recorded reads as this.
    pub fn is_unset(&self) -> bool {
        self == &ReportConfig::default()
    }

    /// Checks `currency`: one to eight characters, no space at either end, no control
    /// character, not a digit (a digit would read as part of the amount).
    pub(super) fn check(&self) -> std::result::Result<(), String> {
        let Some(c) = &self.currency else {
            return Ok(());
        };
        let n = c.chars().count();
        if n == 0 || n > CURRENCY_CHARS || c.trim() != c {
            return Err(format!(
                "[report] currency {c:?} must be 1 to {CURRENCY_CHARS} characters without spaces around it, e.g. \"EUR\" or \"€\""
            ));
        }
        if c.chars().any(|ch| ch.is_control() || ch.is_ascii_digit()) {
            return Err(format!(
                "[report] currency {c:?} must not hold a digit or a control character, e.g. \"EUR\" or \"€\""
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str) -> std::result::Result<(), String> {
        ReportConfig {
            currency: Some(c.into()),
        }
        .check()
    }

    #[test]
    fn a_currency_is_a_short_code_or_symbol() {
        for ok in ["EUR", "€", "US$", "CHF", "£"] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for bad in ["", " EUR", "EUR ", "EURO-DOLLAR", "1€", "E\nR"] {
            assert!(check(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(ReportConfig::default().check(), Ok(()));
    }
}
