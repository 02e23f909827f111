//! Writing drawn deals: one deals.csv row per [`Deal`] and one deal_partners.csv row
//! per partner link, numbering the deals in the order they are written.

use std::path::{Path, PathBuf};

use super::calendar::Calendar;
use super::deal::Deal;
use super::vocab::{REGIONS, ROLES, STAGES};
use super::writer::{write_amount, Ids, Table};
use super::GenerateError;
use crate::schema::{DEALS, DEAL_PARTNERS};

/// Days after created_at an open deal's partners touch it, at most.
const OPEN_TOUCH_DAYS: u32 = 30;

/// One link in this many has no touched_at (an untimed deal for the touch models).
const UNTIMED_ONE_IN: u64 = 50;

/// The touched_at day of link `j` of deal number `number`: the lead partner touches the
/// deal the day it is created, the others on a day between creation and close (for an
/// open deal, within [`OPEN_TOUCH_DAYS`] and the horizon); one link in
/// [`UNTIMED_ONE_IN`] has none. A hash of the deal number and link, not a random draw:
/// every other column stays exactly what the seed drew before touched_at existed.
fn touched_day(deal: &Deal, number: u64, j: usize, horizon: u32) -> Option<u32> {
    let mut h =
        number.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (j as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    h ^= h >> 31;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 29;
    if h.is_multiple_of(UNTIMED_ONE_IN) {
        return None;
    }
    if j == 0 {
        return Some(deal.created_day);
    }
    let last = deal
        .closed_day
        .unwrap_or_else(|| (deal.created_day + OPEN_TOUCH_DAYS).min(horizon.saturating_sub(1)));
    let span = u64::from(last.saturating_sub(deal.created_day)) + 1;
    Some(deal.created_day + ((h >> 8) % span) as u32)
}

/// The two open deal tables.
pub(crate) struct DealWriter<'a> {
    cal: &'a Calendar,
    ids: Ids,
    deals: Table,
    links: Table,
    /// Number of deals written so far (= number of the last deal).
    written: u64,
    link_rows: u64,
    /// Scratch buffer for partner ids.
    scratch: Vec<u8>,
}

/// What [`DealWriter::finish`] wrote.
pub(crate) struct DealCounts {
    /// Rows of deals.csv.
    pub(crate) deals: u64,
    /// Rows of deal_partners.csv.
    pub(crate) links: u64,
}

impl<'a> DealWriter<'a> {
    /// Creates deals.csv and deal_partners.csv in `out_dir` with their headers.
    pub(crate) fn create(
        out_dir: &Path,
        cal: &'a Calendar,
        ids: Ids,
    ) -> Result<Self, GenerateError> {
        let deals = Table::create(out_dir, &DEALS)?;
        let links = Table::create(out_dir, &DEAL_PARTNERS)?;
        Ok(DealWriter {
            cal,
            ids,
            deals,
            links,
            written: 0,
            link_rows: 0,
            scratch: Vec::with_capacity(16),
        })
    }

    /// Writes `deal` as the next deal and its partner links; returns the number of
    /// deals written so far.
    pub(crate) fn write(&mut self, deal: &Deal) -> Result<u64, GenerateError> {
        self.written += 1;

        // deals.csv
        let t = &mut self.deals;
        self.ids.deal.write(&mut t.buf, self.written);
        t.field_buf()?;
        match deal.customer {
            Some(c) => {
                self.ids.customer.write(&mut t.buf, c as u64 + 1);
                t.field_buf()?;
            }
            None => t.field(b"")?,
        }
        match deal.product {
            Some(p) => {
                self.ids.product.write(&mut t.buf, p as u64 + 1);
                t.field_buf()?;
            }
            None => t.field(b"")?,
        }
        match deal.cents {
            Some(cents) => {
                write_amount(&mut t.buf, cents);
                t.field_buf()?;
            }
            None => t.field(b"")?,
        }
        t.field(if deal.stage_blank {
            b""
        } else {
            STAGES[deal.stage].as_bytes()
        })?;
        t.field(self.cal.date(deal.created_day))?;
        t.field(match deal.closed_day {
            Some(day) => self.cal.date(day),
            None => b"",
        })?;
        t.field(REGIONS[deal.region].as_bytes())?;
        t.end()?;

        // deal_partners.csv
        let l = &mut self.links;
        let mut deal_text = std::mem::take(&mut l.buf);
        self.ids.deal.write(&mut deal_text, self.written);
        for (j, (p, role)) in deal.links().enumerate() {
            self.ids.partner.write(&mut self.scratch, p as u64 + 1);
            l.field(&deal_text)?;
            l.field(&self.scratch)?;
            l.field(ROLES[role as usize].as_bytes())?;
            l.field(match touched_day(deal, self.written, j, self.cal.days()) {
                Some(day) => self.cal.date(day),
                None => b"",
            })?;
            l.end()?;
            self.link_rows += 1;
        }
        l.buf = deal_text;
        Ok(self.written)
    }

    /// Flushes both tables, pushes their paths to `files` (deals, then deal_partners)
    /// and returns the row counts.
    pub(crate) fn finish(self, files: &mut Vec<PathBuf>) -> Result<DealCounts, GenerateError> {
        files.push(self.deals.finish()?);
        files.push(self.links.finish()?);
        Ok(DealCounts {
            deals: self.written,
            links: self.link_rows,
        })
    }
}
