//! Strict parsers for the contract's value formats (§4): numbers and ISO 8601 dates.
//! Written out because the contract is stricter than Rust's or polars' parsers
//! (`5,000`, `1_000`, `.5` and `NaN` text must be refused, offsets converted to UTC).

use chrono::{NaiveDate, NaiveDateTime};

use crate::config::NumberFormat;

/// Why an amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountError {
    /// Not a number in the expected format.
    NotANumber,
    /// NaN.
    Nan,
    /// Infinite.
    Infinite,
    /// Below zero.
    Negative,
    /// Above [`MAX_AMOUNT`].
    TooLarge,
}

/// The largest amount a deal may have: 10^15 (one quadrillion, in any currency).
///
/// Refined by ecograph (contract §1, "`amount` is a finite number >= 0"): a finite
/// amount can still make a sum infinite (two deals of 1e308 add up to `inf`, and every
/// share and concentration computed from it becomes NaN). The bound is far above any
/// real deal (the largest contracts are about 10^11 in dollars, and a billion-dollar
/// deal written in the currency with the most units to the dollar, the Iranian rial at
/// about 10^6, is 10^15), and below 2^53 ≈ 9.007e15, under which every whole amount is
/// exact in an f64. Every figure the engine computes is a sum of at most one amount per
/// deal (attribution shares and role weights are normalized per deal to at most 1), so
/// with at most `u32::MAX` ≈ 4.3e9 deals no sum exceeds 4.3e24, and no product of two
/// such sums (squares in concentration, pairs in Gini) exceeds 1.9e49: finite with
/// about 259 orders of magnitude to spare below `f64::MAX` ≈ 1.8e308, so no running
/// total needs a check of its own (even 2^64 deals would sum to at most 1.8e34).
pub const MAX_AMOUNT: f64 = 1e15;

/// Parses `[+-]digits[.digits][e[+-]digits]` into a finite amount >= 0.
pub(crate) fn parse_amount(s: &str) -> Result<f64, AmountError> {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    // Compared in place: lower-casing a copy cost an allocation per amount.
    if t.eq_ignore_ascii_case("nan") {
        return Err(AmountError::Nan);
    }
    if t.eq_ignore_ascii_case("inf") || t.eq_ignore_ascii_case("infinity") {
        return Err(AmountError::Infinite);
    }
    if !is_decimal_literal(s.as_bytes()) {
        return Err(AmountError::NotANumber);
    }
    let v: f64 = s.parse().map_err(|_| AmountError::NotANumber)?;
    check_amount(v)
}

/// Parses an amount written the way `fmt` declares: currency symbols or codes before
/// or after the number (`$1,200.00`, `1.200,00 EUR`), a decimal comma, thousands
/// separators in groups of three (`1,2,3` is refused, not read as 123), surrounding
/// spaces. The plain contract format goes straight to [`parse_amount`].
pub(crate) fn parse_amount_with(s: &str, fmt: &NumberFormat) -> Result<f64, AmountError> {
    if fmt.is_plain() {
        return parse_amount(s);
    }
    let mut t = s.trim();
    let mut sign = "";
    if let Some(rest) = t.strip_prefix(['+', '-']) {
        sign = &t[..1];
        t = rest.trim_start();
    }
    for c in &fmt.currency {
        let c = c.trim();
        if let Some(rest) = t.strip_prefix(c) {
            t = rest.trim_start();
            break;
        }
        if let Some(rest) = t.strip_suffix(c) {
            t = rest.trim_end();
            break;
        }
    }
    if sign.is_empty()
        && let Some(rest) = t.strip_prefix(['+', '-'])
    {
        sign = &t[..1];
        t = rest;
    }
    // The other mark is never read as a decimal point: with a decimal comma and no
    // '.' thousands separator, `1.500` is refused rather than read as 1.5 (it may mean
    // 1500), and likewise `1,500` with a decimal point and no ',' separator.
    let other = if fmt.decimal == ',' { '.' } else { ',' };
    if fmt.thousands != Some(other) && t.contains(other) {
        return Err(AmountError::NotANumber);
    }
    let (int, frac) = match t.split_once(fmt.decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let mut plain = String::with_capacity(t.len() + 1);
    plain.push_str(sign);
    match fmt.thousands {
        Some(sep) if int.contains(sep) => {
            for (k, group) in int.split(sep).enumerate() {
                let ok = group.bytes().all(|b| b.is_ascii_digit())
                    && if k == 0 {
                        (1..=3).contains(&group.len())
                    } else {
                        group.len() == 3
                    };
                if !ok {
                    return Err(AmountError::NotANumber);
                }
                plain.push_str(group);
            }
        }
        _ => plain.push_str(int),
    }
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    parse_amount(&plain)
}

/// Range rules shared by text and typed (Parquet / Arrow) amounts.
pub(crate) fn check_amount(v: f64) -> Result<f64, AmountError> {
    if v.is_nan() {
        Err(AmountError::Nan)
    } else if v.is_infinite() {
        Err(AmountError::Infinite)
    } else if v < 0.0 {
        Err(AmountError::Negative)
    } else if v > MAX_AMOUNT {
        Err(AmountError::TooLarge)
    } else {
        Ok(v + 0.0) // turns -0.0 into 0.0
    }
}

/// The end of the one or more ASCII digits starting at `i`; `None` when there is none.
fn some_digits(b: &[u8], i: usize) -> Option<usize> {
    let n = b
        .get(i..)?
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (n > 0).then_some(i + n)
}

/// `i`, or `i + 1` when a `+` or `-` stands there.
fn after_sign(b: &[u8], i: usize) -> usize {
    if matches!(b.get(i), Some(b'+' | b'-')) {
        i + 1
    } else {
        i
    }
}

/// The end of the `[+-]digits[.digits][(e|E)[+-]digits]` at the start of `b`.
fn decimal_literal_end(b: &[u8]) -> Option<usize> {
    let mut i = some_digits(b, after_sign(b, 0))?;
    if b.get(i) == Some(&b'.') {
        i = some_digits(b, i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i = some_digits(b, after_sign(b, i + 1))?;
    }
    Some(i)
}

fn is_decimal_literal(b: &[u8]) -> bool {
    decimal_literal_end(b) == Some(b.len())
}

const MS_PER_DAY: i64 = 86_400_000;

fn num(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let part = b.get(at..at + len)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(part).ok()?.parse().ok()
}

/// Parses `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fff]]`, and
/// `Z` or `+-HH:MM`; returns milliseconds since 1970-01-01 UTC (offsets applied).
pub(crate) fn parse_datetime_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(b, 0, 4)? as i32, num(b, 5, 2)?, num(b, 8, 2)?)?;
    let days = date
        .signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1)?)
        .num_days();
    let mut ms = days * MS_PER_DAY;
    if b.len() == 10 {
        return Some(ms);
    }
    if b[10] != b'T' && b[10] != b' ' {
        return None;
    }
    let mut i = 11;
    let hh = num(b, i, 2)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    let mm = num(b, i + 3, 2)?;
    i += 5;
    let mut ss = 0;
    let mut frac_ms = 0i64;
    if b.get(i) == Some(&b':') {
        ss = num(b, i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            let j = some_digits(b, i + 1)?;
            // Milliseconds from the first three fraction digits (truncated).
            let frac = &s[i + 1..j];
            let padded = format!("{:0<3}", &frac[..frac.len().min(3)]);
            frac_ms = padded.parse().ok()?;
            i = j;
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    ms += i64::from(hh * 3600 + mm * 60 + ss) * 1000 + frac_ms;
    match b.get(i) {
        None => Some(ms),
        Some(b'Z') if i + 1 == b.len() => Some(ms),
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = num(b, i + 1, 2)?;
            let om = num(b, i + 4, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let offset = i64::from(oh * 3600 + om * 60) * 1000;
            // Local time = UTC + offset, so UTC = local - offset.
            Some(if sign == b'+' {
                ms - offset
            } else {
                ms + offset
            })
        }
        _ => None,
    }
}

/// Parses an ISO 8601 date or timestamp, or one written in `format` (a chrono
/// strftime format: with a time, or a date alone at midnight UTC).
pub(crate) fn parse_date_with(s: &str, format: Option<&str>) -> Option<i64> {
    if let Some(ms) = parse_datetime_ms(s) {
        return Some(ms);
    }
    let f = format?;
    let s = s.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
        return Some(dt.and_utc().timestamp_millis());
    }
    NaiveDate::parse_from_str(s, f)
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(decimal: char, thousands: Option<char>, currency: &[&str]) -> NumberFormat {
        NumberFormat {
            decimal,
            thousands,
            currency: currency.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn declared_number_formats() {
        let us = fmt('.', Some(','), &["$", "USD"]);
        assert_eq!(parse_amount_with("$1,200.00", &us), Ok(1200.0));
        assert_eq!(parse_amount_with(" 1,234,567.5 USD", &us), Ok(1_234_567.5));
        assert_eq!(parse_amount_with("USD 12", &us), Ok(12.0));
        assert_eq!(parse_amount_with("-$5", &us), Err(AmountError::Negative));
        assert_eq!(parse_amount_with("$-5", &us), Err(AmountError::Negative));
        for bad in [
            "1,2,3", "12,34.5", "1,2345", ",123", "$", "1.200,00", "€5", "1 200",
        ] {
            assert_eq!(
                parse_amount_with(bad, &us),
                Err(AmountError::NotANumber),
                "{bad}"
            );
        }
        let eu = fmt(',', Some('.'), &["€"]);
        assert_eq!(parse_amount_with("1.200,00", &eu), Ok(1200.0));
        assert_eq!(parse_amount_with("1.200,00 €", &eu), Ok(1200.0));
        assert_eq!(parse_amount_with("0,5", &eu), Ok(0.5));
        assert_eq!(
            parse_amount_with("1,200.00", &eu),
            Err(AmountError::NotANumber)
        );
        let comma_only = fmt(',', None, &[]);
        assert_eq!(parse_amount_with("12,5", &comma_only), Ok(12.5));
        assert_eq!(
            parse_amount_with("1.200,5", &comma_only),
            Err(AmountError::NotANumber)
        );
        assert_eq!(
            parse_amount_with("1.5", &comma_only),
            Err(AmountError::NotANumber)
        );
        let dollars = fmt('.', None, &["$"]);
        assert_eq!(parse_amount_with("$1.5", &dollars), Ok(1.5));
        assert_eq!(
            parse_amount_with("$1,500", &dollars),
            Err(AmountError::NotANumber)
        );
        // The plain format stays the strict contract grammar.
        assert_eq!(
            parse_amount_with(" 5", &NumberFormat::default()),
            Err(AmountError::NotANumber)
        );
    }

    #[test]
    fn declared_date_formats() {
        let us = Some("%m/%d/%Y");
        assert_eq!(
            parse_date_with("03/31/2025", us),
            parse_datetime_ms("2025-03-31")
        );
        assert_eq!(
            parse_date_with("2025-03-31", us),
            parse_datetime_ms("2025-03-31")
        );
        assert_eq!(parse_date_with("31/03/2025", us), None);
        assert_eq!(parse_date_with("03/31/2025", None), None);
        let with_time = Some("%d.%m.%Y %H:%M");
        assert_eq!(
            parse_date_with("31.03.2025 14:30", with_time),
            parse_datetime_ms("2025-03-31T14:30:00Z")
        );
    }

    #[test]
    fn amounts_follow_the_contract_grammar() {
        assert_eq!(parse_amount("1250.50"), Ok(1250.5));
        assert_eq!(parse_amount("+3e2"), Ok(300.0));
        assert_eq!(parse_amount("0"), Ok(0.0));
        assert_eq!(parse_amount("-0"), Ok(0.0));
        for bad in ["5,000", "1_000", ".5", "5.", "1e", "abc", "", " 5", "5 "] {
            assert_eq!(parse_amount(bad), Err(AmountError::NotANumber), "{bad}");
        }
        assert_eq!(parse_amount("NaN"), Err(AmountError::Nan));
        assert_eq!(parse_amount("-inf"), Err(AmountError::Infinite));
        assert_eq!(parse_amount("1e999"), Err(AmountError::Infinite));
        assert_eq!(parse_amount("-2.5"), Err(AmountError::Negative));
    }

    #[test]
    fn amounts_above_the_bound_are_refused_and_the_bound_is_accepted() {
        assert_eq!(parse_amount("1e15"), Ok(MAX_AMOUNT));
        assert_eq!(parse_amount("1000000000000000"), Ok(MAX_AMOUNT));
        assert_eq!(
            parse_amount("1000000000000000.5"),
            Err(AmountError::TooLarge)
        );
        for big in ["1.7e308", "1e308", "1e16", "9007199254740993"] {
            assert_eq!(parse_amount(big), Err(AmountError::TooLarge), "{big}");
        }
        assert_eq!(check_amount(f64::MAX), Err(AmountError::TooLarge));
        assert_eq!(check_amount(5e-324), Ok(5e-324));
        assert!(check_amount(-0.0).unwrap().is_sign_positive());
        // The bound keeps any sum of u32::MAX amounts, and the square of that sum, finite.
        let total = MAX_AMOUNT * f64::from(u32::MAX);
        assert!((total * total).is_finite() && total * total < f64::MAX / 1e250);
    }

    #[test]
    fn dates_and_offsets() {
        assert_eq!(parse_datetime_ms("1970-01-02"), Some(MS_PER_DAY));
        assert_eq!(parse_datetime_ms("1970-01-01T01:00Z"), Some(3_600_000));
        assert_eq!(parse_datetime_ms("1970-01-01 01:00:00.5"), Some(3_600_500));
        assert_eq!(parse_datetime_ms("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_datetime_ms("1969-12-31T23:00:00-01:00"), Some(0));
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "25-01-01",
            "2025/01/01",
            "2025-01-01T",
            "2025-01-01T25:00",
            "2025-01-01 10:00+1",
        ] {
            assert_eq!(parse_datetime_ms(bad), None, "{bad}");
        }
    }
}
