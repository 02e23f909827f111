//! The generated time horizon: whole calendar quarters from 1 January of the start year.
//!
//! Days are counted from the first day of the horizon (day 0); dates are formatted once
//! per day up front, so writing a date is a copy of 10 bytes.

use chrono::{Datelike, Months, NaiveDate, Weekday};

use super::GenerateError;

/// The horizon's quarters and the ISO text of every day that can be written.
pub(crate) struct Calendar {
    /// Day number of the first day of each quarter, plus the end of the horizon.
    quarter_starts: Vec<u32>,
    /// `YYYY-MM-DD` of days `0..dates.len()` (the horizon plus room for closing dates).
    dates: Vec<[u8; 10]>,
    weekend: Vec<bool>,
}

impl Calendar {
    /// `quarters` quarters starting on 1 January `start_year`; dates are available up to
    /// `extra_days` after the horizon.
    pub(crate) fn new(
        start_year: i32,
        quarters: u32,
        extra_days: u32,
    ) -> Result<Self, GenerateError> {
        let bad = || {
            GenerateError::InvalidConfig(format!(
                "start_year {start_year} with {quarters} quarters is outside the supported dates"
            ))
        };
        let start = NaiveDate::from_ymd_opt(start_year, 1, 1).ok_or_else(bad)?;
        let mut quarter_starts = Vec::with_capacity(quarters as usize + 1);
        for q in 0..=quarters {
            let d = start
                .checked_add_months(Months::new(3 * q))
                .ok_or_else(bad)?;
            quarter_starts.push((d - start).num_days() as u32);
        }
        let total = quarter_starts[quarters as usize] + extra_days;
        let mut dates = Vec::with_capacity(total as usize);
        let mut weekend = Vec::with_capacity(total as usize);
        let mut d = start;
        for _ in 0..total {
            let mut text = [0u8; 10];
            let s = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            if s.len() != 10 {
                return Err(bad());
            }
            text.copy_from_slice(s.as_bytes());
            dates.push(text);
            weekend.push(matches!(d.weekday(), Weekday::Sat | Weekday::Sun));
            d = d.succ_opt().ok_or_else(bad)?;
        }
        Ok(Calendar {
            quarter_starts,
            dates,
            weekend,
        })
    }

    /// Number of quarters.
    pub(crate) fn quarters(&self) -> usize {
        self.quarter_starts.len() - 1
    }

    /// Number of days in the horizon (the last day is `days() - 1`).
    pub(crate) fn days(&self) -> u32 {
        *self.quarter_starts.last().expect("at least one entry")
    }

    /// First day of quarter `q` and first day of the next one.
    pub(crate) fn quarter_bounds(&self, q: usize) -> (u32, u32) {
        (self.quarter_starts[q], self.quarter_starts[q + 1])
    }

    /// `YYYY-MM-DD` of day `day`.
    pub(crate) fn date(&self, day: u32) -> &[u8] {
        &self.dates[day as usize]
    }

    /// Whether day `day` is a Saturday or a Sunday.
    pub(crate) fn is_weekend(&self, day: u32) -> bool {
        self.weekend[day as usize]
    }
}
