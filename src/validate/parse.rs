//! Strict parsers for the contract's value formats (§4): numbers and ISO 8601 dates.
//! Written out because the contract is stricter than Rust's or polars' parsers
//! (`5,000`, `1_000`, `.5` and `NaN` text must be refused, offsets converted to UTC).

use chrono::NaiveDate;

/// Why an amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    NotANumber,
    Nan,
    Infinite,
    Negative,
}

/// Parses `[+-]digits[.digits][e[+-]digits]` into a finite amount >= 0.
pub fn parse_amount(s: &str) -> Result<f64, AmountError> {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = t.to_ascii_lowercase();
    if lower == "nan" {
        return Err(AmountError::Nan);
    }
    if lower == "inf" || lower == "infinity" {
        return Err(AmountError::Infinite);
    }
    if !is_decimal_literal(s.as_bytes()) {
        return Err(AmountError::NotANumber);
    }
    let v: f64 = s.parse().map_err(|_| AmountError::NotANumber)?;
    check_amount(v)
}

/// Range rules shared by text and typed (Parquet / Arrow) amounts.
pub fn check_amount(v: f64) -> Result<f64, AmountError> {
    if v.is_nan() {
        Err(AmountError::Nan)
    } else if v.is_infinite() {
        Err(AmountError::Infinite)
    } else if v < 0.0 {
        Err(AmountError::Negative)
    } else {
        Ok(v + 0.0) // turns -0.0 into 0.0
    }
}

fn digits(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn is_decimal_literal(b: &[u8]) -> bool {
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let j = digits(b, i);
    if j == i {
        return false;
    }
    i = j;
    if i < b.len() && b[i] == b'.' {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return false;
        }
        i = j;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let j = digits(b, i);
        if j == i {
            return false;
        }
        i = j;
    }
    i == b.len()
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
pub fn parse_datetime_ms(s: &str) -> Option<i64> {
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
            let j = digits(b, i + 1);
            if j == i + 1 {
                return None;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

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
