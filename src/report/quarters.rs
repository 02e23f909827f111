//! Calendar quarters of the growth chart: network_growth's rows ([`Quarter`]), their
//! index and label ("2025Q3"), and the window of at most a hundred years the chart
//! draws ([`quarter_window`]), with what falls outside it counted for the page.
//! Apart from the chart and the model so that both use it and neither needs the other.

use serde::Serialize;

/// One quarter of network_growth.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quarter {
    /// quarter_start, ISO date.
    pub quarter_start: String,
    /// won_revenue.
    pub won_revenue: f64,
    /// cumulative_partners.
    pub cumulative_partners: i64,
    /// deals.
    pub deals: i64,
}

/// A calendar quarter as one number, `year × 4 + (quarter − 1)`, from a quarter_start
/// such as "2025-07-01"; None when the text is not an ISO date (a null date).
pub(crate) fn quarter_index(date: &str) -> Option<i32> {
    let mut parts = date.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: i32 = parts.next()?.parse().ok()?;
    (1..=12)
        .contains(&month)
        .then(|| year.checked_mul(4)?.checked_add((month - 1) / 3))
        .flatten()
}

/// The label of quarter index `q`: "2025Q3".
pub(crate) fn quarter_label(q: i32) -> String {
    format!("{}Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
}

/// The quarters the growth chart draws, and what falls outside them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterWindow {
    /// First and last quarter index drawn (`quarter_index`).
    #[serde(skip)]
    pub(crate) first: i32,
    #[serde(skip)]
    pub(crate) last: i32,
    /// "2001Q1", the first quarter drawn.
    pub from: String,
    /// "2025Q4", the last quarter drawn.
    pub to: String,
    /// Rows of network_growth (quarters holding a deal) outside the window.
    pub quarters_left_off: usize,
    /// Their deals.
    pub deals_left_off: i64,
    /// Their won revenue.
    pub revenue_left_off: f64,
}

/// The window of at most `MAX_QUARTERS` quarters the growth chart draws: the one
/// holding the most deals, the latest of equals. A whole history shorter than a
/// hundred years is drawn whole; a stray date centuries away (a 1900-01-01 default, a
/// 9999-12-31 sentinel) neither stretches the chart to a million bars nor pushes the
/// real quarters off it, and what it leaves off is counted for the page to say.
/// None when no row has a readable date. O(rows log rows).
pub fn quarter_window(quarters: &[Quarter]) -> Option<QuarterWindow> {
    let mut at: Vec<(i32, i64, f64)> = quarters
        .iter()
        .filter_map(|q| {
            Some((
                quarter_index(&q.quarter_start)?,
                q.deals.max(0),
                q.won_revenue,
            ))
        })
        .collect();
    at.sort_by_key(|x| x.0);
    // Two pointers: for each last row `j`, the rows from `i` lie within MAX_QUARTERS.
    let (mut best, mut i, mut inside) = (None::<(i64, usize, usize)>, 0, 0i64);
    for j in 0..at.len() {
        inside = inside.saturating_add(at[j].1);
        while at[j].0 - at[i].0 >= MAX_QUARTERS {
            inside -= at[i].1;
            i += 1;
        }
        if best.is_none_or(|(most, _, _)| inside >= most) {
            best = Some((inside, i, j));
        }
    }
    let (_, i, j) = best?;
    let (first, last) = (at[i].0, at[j].0);
    let outside = at[..i].iter().chain(&at[j + 1..]);
    let (quarters_left_off, deals_left_off, revenue_left_off) = outside
        .fold((0, 0i64, 0.0), |(n, d, r), x| {
            (n + 1, d.saturating_add(x.1), r + x.2)
        });
    Some(QuarterWindow {
        first,
        last,
        from: quarter_label(first),
        to: quarter_label(last),
        quarters_left_off,
        deals_left_off,
        revenue_left_off,
    })
}

/// Quarters the growth chart spans at most (a hundred years).
pub(crate) const MAX_QUARTERS: i32 = 400;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A network_growth row of `n` deals and `n` won revenue.
    pub(crate) fn deals(start: &str, n: i64) -> Quarter {
        Quarter {
            deals: n,
            ..quarter(start, n as f64)
        }
    }

    /// Three real quarters (15 deals from 2023Q1 to 2025Q4) and a stray one of 2
    /// deals dated `stray`.
    pub(crate) fn real_with_stray(stray: &str) -> Vec<Quarter> {
        vec![
            deals(stray, 2),
            deals("2023-01-01", 4),
            deals("2024-07-01", 5),
            deals("2025-10-01", 6),
        ]
    }

    /// A network_growth row of one deal (for the chart's tests too).
    pub(crate) fn quarter(start: &str, won_revenue: f64) -> Quarter {
        Quarter {
            quarter_start: start.into(),
            won_revenue,
            cumulative_partners: 0,
            deals: 1,
        }
    }

    #[test]
    fn a_stray_date_neither_stretches_the_window_nor_pushes_the_real_quarters_off() {
        // A 1900-01-01 default before, a 9999-12-31 sentinel after: the window is the
        // real quarters', and the strays are counted, not drawn.
        for stray in ["1900-01-01", "9999-12-31"] {
            let w = quarter_window(&real_with_stray(stray)).unwrap();
            assert_eq!(
                (w.from.as_str(), w.to.as_str()),
                ("2023Q1", "2025Q4"),
                "{stray}"
            );
            assert_eq!((w.quarters_left_off, w.deals_left_off), (1, 2));
            assert_eq!(w.revenue_left_off, 2.0);
        }
        // Counter-example: a history of exactly a hundred years is drawn whole.
        let whole = [deals("1926-01-01", 1), deals("2025-10-01", 1)];
        let w = quarter_window(&whole).unwrap();
        assert_eq!((w.quarters_left_off, w.from.as_str()), (0, "1926Q1"));
        // Of two equal windows, the latest.
        let w = quarter_window(&[deals("1800-01-01", 3), deals("2000-01-01", 3)]).unwrap();
        assert_eq!((w.from.as_str(), w.quarters_left_off), ("2000Q1", 1));
    }
}
