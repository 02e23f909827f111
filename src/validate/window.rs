//! A review period: the run restricted to the deals created in a window of dates.
//!
//! `--from DATE --to DATE` (both inclusive, UTC; either may be left open) or `--period
//! 2025Q3` keeps the deals whose created_at instant lies in [from 00:00, (to + 1 day)
//! 00:00) UTC; deals without created_at are left out, and so are the deal_partners rows of
//! every deal left out. Partners all stay (a partner without a deal in the window has 0
//! deals). Everything after is computed on what is kept, and the window is recorded in
//! the summary and every table's metadata.
//!
//! For a partner manager: the quarter's numbers, for the quarterly business review, and
//! two of them side by side with `ecograph compare`.

use chrono::{Datelike, NaiveDate};

use super::{Link, ValidatedTables};

/// An inclusive window of dates (UTC); `None` on a side leaves it open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// First day kept.
    pub from: Option<NaiveDate>,
    /// Last day kept.
    pub to: Option<NaiveDate>,
}

impl serde::Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let mut st = s.serialize_struct("Window", 2)?;
        st.serialize_field("from", &day(self.from))?;
        st.serialize_field("to", &day(self.to))?;
        st.end()
    }
}

const DAY_MS: i64 = 86_400_000;

impl Window {
    /// The window of `--from` / `--to` (YYYY-MM-DD), or of `--period` (`2025Q3`, or a
    /// year `2025`); an error says what is wrong, in the flags' words.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        period: Option<&str>,
    ) -> Result<Option<Window>, String> {
        let date = |flag: &str, s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| format!("{flag} {s}: not a date (YYYY-MM-DD, e.g. 2025-07-01)"))
        };
        let w = match (from, to, period) {
            (None, None, None) => return Ok(None),
            (_, _, Some(p)) if from.is_some() || to.is_some() => {
                return Err(format!(
                    "--period {p} is a shorthand for --from and --to: give one or the other"
                ));
            }
            (_, _, Some(p)) => Window::of_period(p)?,
            (f, t, None) => Window {
                from: f.map(|s| date("--from", s)).transpose()?,
                to: t.map(|s| date("--to", s)).transpose()?,
            },
        };
        if let (Some(f), Some(t)) = (w.from, w.to)
            && f > t
        {
            return Err(format!(
                "--from {f} is after --to {t}: the window would hold no day"
            ));
        }
        Ok(Some(w))
    }

    /// `2025Q3` (July to September 2025) or `2025` (the year).
    fn of_period(p: &str) -> Result<Window, String> {
        let bad = || format!("--period {p}: expected a quarter like 2025Q3 or a year like 2025");
        let (year, quarter) = match p.split_once(['Q', 'q']) {
            Some((y, q)) => (y, Some(q)),
            None => (p, None),
        };
        let year: i32 = year.parse().map_err(|_| bad())?;
        let (first, last) = match quarter {
            None => (1, 12),
            Some(q) => match q.parse::<u32>() {
                Ok(q @ 1..=4) => (3 * q - 2, 3 * q),
                _ => return Err(bad()),
            },
        };
        let from = NaiveDate::from_ymd_opt(year, first, 1).ok_or_else(bad)?;
        let next = if last == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, last + 1, 1)
        }
        .ok_or_else(bad)?;
        Ok(Window {
            from: Some(from),
            to: next.pred_opt(),
        })
    }

    /// The window as [start, end) in ms since the epoch, UTC.
    fn bounds_ms(&self) -> (i64, i64) {
        let ms = |d: NaiveDate| i64::from(d.num_days_from_ce() - 719_163) * DAY_MS;
        (
            self.from.map_or(i64::MIN, ms),
            self.to.map_or(i64::MAX, |d| ms(d) + DAY_MS),
        )
    }

    /// Whether a deal created at `created_ms` is in the window.
    pub fn holds(&self, created_ms: Option<i64>) -> bool {
        let (start, end) = self.bounds_ms();
        created_ms.is_some_and(|c| start <= c && c < end)
    }
}

/// What restricting kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WindowCounts {
    /// Deals created in the window.
    pub deals_in_window: u64,
    /// Deals left out (created outside it, or without created_at).
    pub deals_left_out: u64,
}

impl ValidatedTables {
    /// Keeps the deals created in `w` and their deal_partners rows (module doc).
    pub fn restrict_to(&mut self, w: &Window) -> WindowCounts {
        let d = &self.deals;
        let keep: Vec<usize> = (0..d.created_ms.len())
            .filter(|&i| w.holds(d.created_ms[i]))
            .collect();
        let counts = WindowCounts {
            deals_in_window: keep.len() as u64,
            deals_left_out: (d.created_ms.len() - keep.len()) as u64,
        };
        let mut new_row = vec![u32::MAX; d.created_ms.len()];
        for (n, &old) in keep.iter().enumerate() {
            new_row[old] = n as u32;
        }
        let pick = |v: &[u32]| keep.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let deals = super::DealRows {
            id: super::Ids::kept(d.id.as_arrow(), &keep),
            customer: pick(&d.customer),
            product: pick(&d.product),
            amount: keep.iter().map(|&i| d.amount[i]).collect(),
            stage: keep.iter().map(|&i| d.stage[i]).collect(),
            created_ms: keep.iter().map(|&i| d.created_ms[i]).collect(),
            closed_ms: keep.iter().map(|&i| d.closed_ms[i]).collect(),
            region: pick(&d.region),
            order: std::marker::PhantomData,
        };
        self.deals = deals;
        let kept_links: Vec<usize> = (0..self.links.len())
            .filter(|&l| new_row[self.links[l].deal as usize] != u32::MAX)
            .collect();
        self.links = kept_links
            .iter()
            .map(|&l| Link {
                deal: new_row[self.links[l].deal as usize],
                ..self.links[l]
            })
            .collect();
        if let Some(t) = &self.link_touched {
            self.link_touched = Some(kept_links.iter().map(|&l| t[l]).collect());
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn a_quarter_is_its_three_months() {
        let w = Window::parse(None, None, Some("2025Q3")).unwrap().unwrap();
        assert_eq!((w.from, w.to), (day("2025-07-01"), day("2025-09-30")));
        let w = Window::parse(None, None, Some("2024Q4")).unwrap().unwrap();
        assert_eq!((w.from, w.to), (day("2024-10-01"), day("2024-12-31")));
        let w = Window::parse(None, None, Some("2024")).unwrap().unwrap();
        assert_eq!((w.from, w.to), (day("2024-01-01"), day("2024-12-31")));
    }

    #[test]
    fn the_last_day_is_kept_whole_and_the_next_midnight_is_not() {
        let w = Window::parse(Some("2024-02-01"), Some("2024-03-31"), None)
            .unwrap()
            .unwrap();
        let ms = |y, m, d, h| {
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis()
        };
        assert!(w.holds(Some(ms(2024, 2, 1, 0))));
        assert!(w.holds(Some(ms(2024, 3, 31, 23))));
        assert!(!w.holds(Some(ms(2024, 4, 1, 0))));
        assert!(!w.holds(Some(ms(2024, 1, 31, 23))));
        assert!(!w.holds(None));
    }

    #[test]
    fn bad_windows_say_what_is_wrong() {
        let e = Window::parse(Some("2025-09-30"), Some("2025-07-01"), None).unwrap_err();
        assert!(
            e.contains("--from 2025-09-30 is after --to 2025-07-01"),
            "{e}"
        );
        assert!(Window::parse(None, None, Some("2025Q5"))
            .unwrap_err()
            .contains("2025Q3"));
        assert!(Window::parse(Some("2025-13-01"), None, None)
            .unwrap_err()
            .contains("not a date"));
        assert!(Window::parse(Some("2025-01-01"), None, Some("2025Q1")).is_err());
    }
}
