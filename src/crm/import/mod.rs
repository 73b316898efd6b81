//! Bringing many records in at once: all of them in one transaction or none, accounts matched or
//! created by name, the other records a row names (a deal's stage, a task's contact) found, and
//! duplicates of what is already there (or earlier in the same file) found and skipped, merged or
//! created as the caller says.

mod duplicates;
mod merge;
mod references;
mod write;

use serde::Serialize;

use super::{Crm, Result, Tx};
use crate::model::{Account, Call, Case, Contact, Id, Kind, Lead, Opportunity, Product, Record, RecordRef, Task};
pub(super) use duplicates::People;
use duplicates::{PersonKeys, name_key};
pub(super) use merge::merge_contact;
use write::Importer;

/// One record to bring in, with what it refers to by name.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Where it came from (a line of the file), for messages.
    pub line: u64,
    /// The record.
    pub record: Arrival,
    /// The organisation it belongs to, by name: matched (ignoring case) or created.
    pub company: Option<String>,
    /// Free text kept as a note on the record.
    pub notes: Option<String>,
    /// Other records it names, found when it is brought in.
    pub refs: Vec<Reference>,
}

/// A row made ready to be brought in: what it is matched by (its company's folded name, a
/// person's duplicate keys) worked out once. Where rows are read on a thread of their own, it
/// is worked out there, off the thread that writes.
#[derive(Debug, Clone)]
pub struct Ready {
    row: Incoming,
    /// The row's company: its name trimmed, and folded as accounts are matched by.
    company: Option<(String, String)>,
    /// A person's duplicate keys.
    person: Option<PersonKeys>,
}

impl From<Incoming> for Ready {
    fn from(row: Incoming) -> Ready {
        let company =
            row.company.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(|c| (c.to_string(), name_key(c)));
        let person = match &row.record {
            Arrival::Contact(c) => Some(PersonKeys::of(c)),
            _ => None,
        };
        Ready { row, company, person }
    }
}

/// A record a row names, to be found when the row is brought in: a deal's stage or campaign, the
/// contact of a deal, task or call, a task's deal, project or lead.
#[derive(Debug, Clone)]
pub struct Reference {
    /// What it names.
    pub kind: Kind,
    /// The name (any case, accents ignored), or a person's email.
    pub text: String,
    /// The column it came from, for messages.
    pub column: Option<String>,
    /// Whether the row stands without it (what a converted lead became): one not found is no
    /// problem.
    pub optional: bool,
}

/// The records an import brings.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// A person.
    Contact(Box<Contact>),
    /// An organisation.
    Account(Box<Account>),
    /// A prospect.
    Lead(Box<Lead>),
    /// A deal; its account comes from [`Incoming::company`], its stage from a reference (else the
    /// first open stage).
    Opportunity(Box<Opportunity>),
    /// Something to do.
    Task(Box<Task>),
    /// A phone call; its contact comes from a reference.
    Call(Box<Call>),
    /// A catalogue item.
    Product(Box<Product>),
    /// A customer service case; its account comes from [`Incoming::company`], its contact and
    /// product from references.
    Case(Box<Case>),
}

impl Arrival {
    /// What the record's own rules say of it.
    fn validate(&self) -> std::result::Result<(), crate::model::ValidationError> {
        match self {
            Arrival::Contact(c) => c.validate(),
            Arrival::Account(a) => a.validate(),
            Arrival::Lead(l) => l.validate(),
            Arrival::Opportunity(o) => o.validate(),
            Arrival::Task(t) => t.validate(),
            Arrival::Call(c) => c.validate(),
            Arrival::Product(p) => p.validate(),
            Arrival::Case(c) => c.validate(),
        }
    }

    /// The record's owner, for the kinds that have one.
    fn owner_mut(&mut self) -> Option<&mut String> {
        match self {
            Arrival::Contact(c) => Some(&mut c.owner),
            Arrival::Account(a) => Some(&mut a.owner),
            Arrival::Lead(l) => Some(&mut l.owner),
            Arrival::Opportunity(o) => Some(&mut o.owner),
            Arrival::Task(t) => Some(&mut t.owner),
            Arrival::Call(c) => Some(&mut c.owner),
            Arrival::Case(c) => Some(&mut c.owner),
            Arrival::Product(_) => None,
        }
    }
}

/// What to do with a record that duplicates one already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnDuplicate {
    /// Leave it out, and say so.
    #[default]
    Skip,
    /// Fold what it adds (emails, phones, addresses, tags, empty fields) into the existing one.
    Merge,
    /// Create it anyway.
    Create,
}

/// Something wrong with one line of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The file's line.
    pub line: u64,
    /// The column, when one is to blame.
    pub column: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {}: {}", self.line, c, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// The one-line summary of a refused import: how many lines to fix, and the first problem.
pub(super) fn refusal(problems: &[RowProblem]) -> String {
    let mut lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
    lines.dedup();
    let n = lines.len();
    let first = problems.first().map(|p| format!(" ({p}{})", if problems.len() > 1 { "; …" } else { "" }));
    format!(
        "the import was refused, nothing was written: {} to fix{}",
        crate::text::count(n, "line", "lines"),
        first.unwrap_or_default()
    )
}

/// A line found to duplicate a record.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    /// The line.
    pub line: u64,
    /// The record it duplicates.
    pub existing: RecordRef,
    /// Why: the shared email, phone or name.
    pub reason: String,
}

/// What an import did (or, rehearsed, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Lines read.
    pub rows: usize,
    /// Ids of the records created.
    pub created: Vec<Id>,
    /// Ids of existing records that took in a duplicate.
    pub merged: Vec<Id>,
    /// Duplicates left out.
    pub skipped: Vec<Duplicate>,
    /// People created although they share a phone with someone of another name (an office
    /// line, or the same person written differently): listed among possible duplicates.
    pub possible: Vec<Duplicate>,
    /// Ids of accounts created for company names nobody had.
    pub accounts_created: Vec<Id>,
    /// Whether nothing was written (a rehearsal).
    pub dry_run: bool,
}

impl Crm {
    /// Brings `rows` in, in one transaction: every row lands or none does. Rows that fail
    /// validation, here or already when read (the `Err` rows), are all reported together (by
    /// line) and nothing is written. With `dry_run` everything is checked and counted, and
    /// nothing kept. `progress` hears how many rows are done every thousand rows, and once more
    /// with `true` when every row is in and only the writing is left (some seconds at a million
    /// rows). Needs the import right.
    pub fn import<R: Into<Ready>>(
        &self,
        rows: impl IntoIterator<Item = std::result::Result<R, Vec<RowProblem>>>,
        policy: OnDuplicate,
        dry_run: bool,
        progress: &mut dyn FnMut(usize, bool),
    ) -> Result<ImportReport> {
        // A dry run needs it too: it is the same import, rehearsed.
        self.actor()?.require(crate::model::Right::Import)?;
        let summary = format!("imported by {}", self.user());
        let rows = rows.into_iter().map(|row| row.map(Into::into));
        let run = |tx: &mut Tx| Importer::new(tx, policy)?.run(rows, progress);
        let mut report = if dry_run { self.rehearse_bulk(&summary, run)? } else { self.write_bulk(&summary, run)? };
        report.dry_run = dry_run;
        Ok(report)
    }
}
