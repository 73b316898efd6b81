//! Writing records out for other tools: CSV that spreadsheets and `rolo import` read, vCard for
//! address books, iCalendar for calendars. Knows nothing of the database or the terminal: the
//! caller reads the records (through [`Crm`](crate::crm::Crm)) and says where the bytes go.
//!
//! Every CSV cell that a spreadsheet would run as a formula is neutralised ([`neutralise`]), and
//! the importer undoes exactly that ([`unguard`]), so a round trip through rolo keeps the text.

mod calendar;
mod card;
mod table;

use std::borrow::Cow;
use std::fmt;

use crate::model::Kind;
/// vCard and iCalendar values forbid control characters other than tab and carry line breaks as
/// `\n`: the text every data output gets.
use crate::text::plain as plain_text;

pub use calendar::{Attendees, IcsCount, ics};
pub use card::vcards;
pub use table::{
    Linked, Sheet, accounts_csv, calls_csv, cases_csv, contacts_csv, leads_csv, objects_csv, opportunities_csv,
    products_csv, tasks_csv,
};

/// A file format records can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON array of the records, as `rolo --json KIND list` shows them.
    Json,
    /// vCard 4.0 (RFC 6350), one card per contact.
    Vcard,
    /// iCalendar (RFC 5545): events as VEVENTs, dated tasks as VTODOs.
    Ics,
}

impl Format {
    /// The word used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Vcard => "vcard",
            Format::Ics => "ics",
        }
    }

    /// The format a file name's extension suggests (`people.vcf` is vCard), if any.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Format::Csv,
            "json" => Format::Json,
            "vcf" | "vcard" => Format::Vcard,
            "ics" | "ical" | "ifb" => Format::Ics,
            _ => return None,
        })
    }

    /// The formats records of `kind` can be exported in: CSV and JSON for every kind, vCard for
    /// contacts, iCalendar for events and tasks.
    pub fn for_kind(kind: Kind) -> &'static [Format] {
        match kind {
            Kind::Contact => &[Format::Csv, Format::Json, Format::Vcard],
            Kind::Event | Kind::Task => &[Format::Csv, Format::Json, Format::Ics],
            _ => &[Format::Csv, Format::Json],
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why records could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The format does not suit the kind (vCard for accounts, say).
    #[error("format: {} cannot be exported as {format}: use {}", kind.plural(), choices(*kind))]
    Unsupported {
        /// The records asked for.
        kind: Kind,
        /// The format asked for.
        format: Format,
    },
    /// Writing failed (a full disk, a closed pipe).
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("cannot write the CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A record holds something its format cannot carry.
    #[error("{record}: {message}")]
    Record {
        /// The record, `contact:12`.
        record: crate::model::RecordRef,
        /// What is wrong and what to do.
        message: String,
    },
}

/// The formats of `kind` as a choice: "csv, json or vcard".
fn choices(kind: Kind) -> String {
    let names: Vec<&str> = Format::for_kind(kind).iter().map(|f| f.name()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// Fails unless records of `kind` can be written as `format`.
pub fn check(kind: Kind, format: Format) -> Result<(), ExportError> {
    if Format::for_kind(kind).contains(&format) { Ok(()) } else { Err(ExportError::Unsupported { kind, format }) }
}

/// The first characters that make a spreadsheet read a cell as a formula (or, for tab, carriage
/// return and NUL, that some of them strip before doing so).
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\0'];

/// A CSV cell made safe to open in a spreadsheet: one that starts like a formula (`=`, `+`, `-`,
/// `@`, tab, carriage return, NUL) gets a leading `'`, which spreadsheets read as "this is text".
/// [`unguard`] takes it off again on import.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// The inverse of [`neutralise`]: a cell that starts with `'` and then a formula character loses
/// the quote; any other cell is left as it is.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_come_back() {
        for cell in ["=SUM(A1)", "+44 20 7946 0018", "-5", "@home", "\tx", "\rx", "\0x"] {
            let safe = neutralise(cell);
            assert!(safe.starts_with('\''), "{cell:?}");
            assert_eq!(unguard(&safe), cell);
        }
        for cell in ["Ann", "", "'quoted", "'", "O'Brien", "1+1"] {
            assert_eq!(neutralise(cell), cell);
            assert_eq!(unguard(cell), cell, "a quote before anything else stays");
        }
    }

    #[test]
    fn formats_follow_the_kind() {
        assert!(check(Kind::Contact, Format::Vcard).is_ok());
        assert!(check(Kind::Event, Format::Ics).is_ok());
        assert!(check(Kind::Task, Format::Ics).is_ok());
        let e = check(Kind::Account, Format::Vcard).unwrap_err().to_string();
        assert_eq!(e, "format: accounts cannot be exported as vcard: use csv or json");
        let e = check(Kind::Contact, Format::Ics).unwrap_err().to_string();
        assert!(e.ends_with("use csv, json or vcard"), "{e}");
        assert_eq!(Format::from_extension("a/b.VCF".as_ref()), Some(Format::Vcard));
        assert_eq!(Format::from_extension("b.ics".as_ref()), Some(Format::Ics));
        assert_eq!(Format::from_extension("b".as_ref()), None);
    }
}
