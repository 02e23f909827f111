//! Writing drawn deals: one deals.csv row per [`Deal`] and one deal_partners.csv row
//! per partner link, numbering the deals in the order they are written.

use std::path::{Path, PathBuf};

use super::calendar::Calendar;
use super::deal::Deal;
use super::vocab::{REGIONS, ROLES, STAGES};
use super::writer::{write_amount, Ids, Table};
use super::GenerateError;
use crate::schema::{DEALS, DEAL_PARTNERS};

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
        for (p, role) in deal.links() {
            self.ids.partner.write(&mut self.scratch, p as u64 + 1);
            l.field(&deal_text)?;
            l.field(&self.scratch)?;
            l.field(ROLES[role as usize].as_bytes())?;
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
