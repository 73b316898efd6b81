//! The emails report: contacts' addresses by consent and validity, and the addresses of one cell.

use serde::{Deserialize, Serialize};

use super::chart::{Bucket, Chart, ChartView, Unit, measure, row};
use super::{ReportQuery, period_words};
use crate::crm::{Crm, Result};
use crate::model::{Consent, Contact, Date, Id, Validity};
use crate::store::Read;
use crate::store::facts::{self};
use crate::text::spoken;

/// The consents in report order (rows of the emails report).
pub const CONSENT_ROWS: [Consent; 3] = [Consent::OptedIn, Consent::OptedOut, Consent::Unknown];

/// Contact email addresses counted by consent × validity, and perhaps the addresses of one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailsReport {
    /// First day a counted contact was created on (none: no lower bound).
    pub from: Option<Date>,
    /// Last day a counted contact was created on (none: no upper bound).
    pub to: Option<Date>,
    /// One row per consent, in [`CONSENT_ROWS`] order.
    pub rows: Vec<ConsentRow>,
    /// The column sums (`consent` is `total`).
    pub total: ConsentRow,
    /// The drill-down: the addresses behind the asked cell, by contact id then address order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<EmailAddress>>,
}

/// The addresses of one consent, counted by validity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConsentRow {
    /// `opted_in`, `opted_out`, `unknown`, or `total` for the sums.
    pub consent: String,
    /// Known to arrive.
    pub valid: u32,
    /// Known not to be deliverable.
    pub invalid: u32,
    /// Mail to them came back.
    pub bounced: u32,
    /// Not known.
    pub unknown: u32,
    /// The row's sum.
    pub total: u32,
}

impl ConsentRow {
    fn add(&mut self, v: Validity) {
        match v {
            Validity::Valid => self.valid += 1,
            Validity::Invalid => self.invalid += 1,
            Validity::Bounced => self.bounced += 1,
            Validity::Unknown => self.unknown += 1,
        }
        self.total += 1;
    }
}

/// One address of the drill-down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailAddress {
    /// The contact's id.
    pub contact: Id,
    /// The contact's name.
    pub name: String,
    /// The address.
    pub address: String,
    /// Its consent.
    pub consent: Consent,
    /// Its validity.
    pub validity: Validity,
}

/// Which addresses to list in the emails report: none given matches any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailCell {
    /// Only addresses with this consent.
    pub consent: Option<Consent>,
    /// Only addresses with this validity.
    pub validity: Option<Validity>,
}

impl EmailCell {
    /// Whether an address with this consent and validity is in the cell.
    pub fn holds(&self, consent: Consent, validity: Validity) -> bool {
        self.consent.is_none_or(|k| k == consent) && self.validity.is_none_or(|v| v == validity)
    }
}

impl Crm {
    /// Every email address of the contacts created in the period (default: every contact), by
    /// consent and validity; with `cell`, also the addresses in it.
    pub fn emails_report(&self, query: ReportQuery, cell: Option<EmailCell>) -> Result<EmailsReport> {
        query.check()?;
        let r = self.reader()?;
        let from = query.from.map(Date::start_local);
        let until = query.to.map(|t| t.add_days(1).start_local());
        let mut rows: Vec<ConsentRow> =
            CONSENT_ROWS.iter().map(|c| ConsentRow { consent: c.word().into(), ..Default::default() }).collect();
        let mut total = ConsentRow { consent: "total".into(), ..Default::default() };
        // The contacts with an address in the asked cell.
        let mut listed = Vec::new();
        facts::contacts(&r, &mut |c| {
            if from.is_some_and(|f| c.created < f) || until.is_some_and(|u| c.created >= u) {
                return;
            }
            let mut in_cell = false;
            for (consent, validity) in c.emails() {
                let row = CONSENT_ROWS.iter().position(|&k| k == consent).unwrap_or(CONSENT_ROWS.len() - 1);
                rows[row].add(validity);
                total.add(validity);
                in_cell |= cell.is_some_and(|cell| cell.holds(consent, validity));
            }
            if in_cell {
                listed.push(c.id);
            }
        })?;
        let addresses = match cell {
            None => None,
            Some(cell) => Some(
                r.many::<Contact>(&listed)?
                    .iter()
                    .flat_map(|c| {
                        c.emails.iter().filter(|e| cell.holds(e.consent, e.validity)).map(|e| EmailAddress {
                            contact: c.id,
                            name: c.full_name(),
                            address: e.address.clone(),
                            consent: e.consent,
                            validity: e.validity,
                        })
                    })
                    .collect(),
            ),
        };
        Ok(EmailsReport { from: query.from, to: query.to, rows, total, addresses })
    }
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Email addresses by consent, one measure per validity and one for them all.
    pub fn emails(r: &EmailsReport) -> Chart {
        let validities =
            [None, Some(Validity::Valid), Some(Validity::Invalid), Some(Validity::Bounced), Some(Validity::Unknown)];
        let rows = r
            .rows
            .iter()
            .map(|c| {
                let consent = c.consent.parse::<Consent>().ok();
                let values = [c.total, c.valid, c.invalid, c.bounced, c.unknown].map(|n| Some(i64::from(n))).to_vec();
                let behind = validities
                    .map(|validity| {
                        Some(Bucket::Emails { from: r.from, to: r.to, cell: EmailCell { consent, validity } })
                    })
                    .to_vec();
                row(spoken(&c.consent), values, behind)
            })
            .collect();
        Chart {
            title: format!("Email addresses of contacts created {}", period_words(r.from, r.to)),
            from: r.from,
            to: r.to,
            currency: None,
            views: vec![ChartView {
                name: "by consent".into(),
                measures: ["addresses", "valid", "invalid", "bounced", "unknown"]
                    .map(|n| measure(n, Unit::Count))
                    .to_vec(),
                rows,
            }],
            note: format!("{} in all", crate::text::count(r.total.total as usize, "address", "addresses")),
        }
    }
}
