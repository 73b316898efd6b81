//! Data in and out: `import`, `export` and `backup`.

use anyhow::{Result, bail};
use clap::Args;

use super::output::{self, Out, Present};
use super::stdio;
use crate::crm::{Crm, OnDuplicate};
use crate::model::{
    Account, Call, Contact, Event, Id, Kind, Lead, Note, Opportunity, Product, RecordRef, Task, ValidationError,
};
use std::path::PathBuf;

/// `import`.
#[derive(Debug, Args)]
#[command(after_help = crate::import::columns::help())]
pub struct ImportArgs {
    /// What the file holds: contact, account, lead, opportunity (opp), task, call, product or case.
    #[arg(value_parser = super::shell::Offered(super::shell::importable), hide_possible_values = true)]
    pub kind: String,
    /// The file: CSV (comma, semicolon or tab separated; a header line names the columns), or
    /// for contacts vCard (.vcf, versions 2.1, 3.0 and 4.0); `-` reads stdin.
    pub file: PathBuf,
    /// What the file is (default: from its extension, else from its first line).
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    /// Read column COLUMN as FIELD (e.g. --map "E-mail 1 - Value=email", --map Notes=ignore);
    /// repeat for more columns. Other columns are mapped from their headers.
    #[arg(long, value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// Check everything and report what would happen, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// What to do with a row that duplicates an existing record (same email, phone, or name at
    /// the same company).
    #[arg(long, value_enum, default_value_t = DuplicateArg::Skip)]
    pub on_duplicate: DuplicateArg,
    /// How the file writes dates, in strftime form (e.g. %d/%m/%Y); ISO and M/D/YYYY are read
    /// without it.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Read a file that is not UTF-8 as Latin-1 / Windows-1252.
    #[arg(long)]
    pub latin1: bool,
    /// Refuse the file for any value that does not fit its field (a date that is not one, an
    /// address without a domain). Without it such values are kept as written, in the record's
    /// note or marked invalid, each with a warning naming line and column.
    #[arg(long)]
    pub strict: bool,
}

/// `import --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// Comma, semicolon or tab separated values with a header line.
    Csv,
    /// vCards: contacts only.
    #[value(alias = "vcf")]
    Vcard,
}

/// `--on-duplicate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DuplicateArg {
    /// Leave the row out and report it.
    Skip,
    /// Add what the row brings (emails, phones, empty fields) to the existing record.
    Merge,
    /// Create the record anyway.
    Create,
}

/// `export`.
#[derive(Debug, Args)]
#[command(after_help = EXPORT_HELP)]
pub struct ExportArgs {
    /// What to export: contacts, accounts, leads, opps, tasks, events... (any kind, singular or
    /// plural).
    #[arg(value_parser = super::shell::Offered(super::shell::kinds), hide_possible_values = true)]
    pub kind: String,
    /// The format (default: from the --out file's extension, else csv).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Write to FILE instead of stdout (refused if FILE exists, unless --force).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// What `rolo export --help` adds below the options.
const EXPORT_HELP: &str = "Formats: csv and json for every kind; vcard for contacts; ics for events and tasks \
(tasks without a due date are left out). A CSV of contacts, accounts or leads imports again with rolo import; \
cells that start like a spreadsheet formula (= + - @) are written with a leading ' that rolo import takes off.";

/// `export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON array, as `rolo --json KIND list` prints it.
    Json,
    /// vCard 4.0, one card per contact.
    #[value(alias = "vcf")]
    Vcard,
    /// iCalendar: a VEVENT per event, a VTODO per task with a due date.
    #[value(alias = "ical")]
    Ics,
}

/// `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist).
    pub file: PathBuf,
}

/// `rolo migrate`: where the copy goes.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// A PostgreSQL database's address (postgres://USER@HOST/DATABASE) holding no rolo records
    /// yet, or a new file (FILE.redb).
    #[arg(long, value_name = "ADDRESS|FILE")]
    pub to: PathBuf,
}

pub(super) fn import(out: &Out, crm: &Crm, a: ImportArgs) -> Result<()> {
    let kind: Kind = a.kind.parse().map_err(anyhow::Error::msg)?;
    let mut map = Vec::new();
    for m in &a.map {
        let Some((column, field)) = m.rsplit_once('=') else {
            bail!("--map {m}: write it as COLUMN=FIELD, like --map \"E-mail 1 - Value=email\"");
        };
        map.push((column.trim().to_string(), field.trim().to_string()));
    }
    let format = a.format.map(|f| match f {
        ImportFormat::Csv => crate::import::Format::Csv,
        ImportFormat::Vcard => crate::import::Format::Vcard,
    });
    let options = crate::import::Options {
        map,
        date_format: a.date_format,
        latin1: a.latin1,
        format,
        strict: a.strict,
        currency: Some(crm.session().currency()),
    };
    let policy = match a.on_duplicate {
        DuplicateArg::Skip => OnDuplicate::Skip,
        DuplicateArg::Merge => OnDuplicate::Merge,
        DuplicateArg::Create => OnDuplicate::Create,
    };
    let shown = std::cell::OnceCell::new();
    let progress = |done: usize, total: usize| {
        let bar = shown.get_or_init(|| super::progress::counted(out, total as u64, "importing")).bar();
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if done == total {
            bar.set_message("every row read, writing…");
        }
    };
    let outcome = match super::files::local(&a.file) {
        // A file here is read as it is imported.
        Some(path) => crate::import::file(crm, kind, path, &options, policy, a.dry_run, &progress),
        None => match super::files::read(&a.file) {
            Ok(bytes) => {
                let bytes = crate::import::decoded(bytes);
                crate::import::from_bytes(crm, kind, &a.file, bytes, &options, policy, a.dry_run, &progress)
            }
            Err(e) => match e.downcast::<crate::import::ImportError>() {
                Ok(e) => Err(e),
                Err(e) => return Err(e),
            },
        },
    };
    drop(shown);
    if out.json
        && let Err(e) = &outcome
    {
        // Scripts reading stdout learn why as well as stderr does.
        let problems: Vec<serde_json::Value> = match e {
            crate::import::ImportError::Crm(crate::crm::CrmError::Rejected(problems)) => {
                problems.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect()
            }
            other => vec![serde_json::json!({ "line": null, "column": null, "message": other.to_string() })],
        };
        out.json_value(&serde_json::json!({ "kind": kind.name(), "refused": true, "problems": problems }));
    }
    let crate::import::Outcome { report, notes } = outcome?;
    if out.json {
        let mut v = serde_json::to_value(&report)?;
        v["kind"] = kind.name().into();
        v["notes"] = serde_json::to_value(&notes)?;
        out.json_value(&v);
        return Ok(());
    }
    for note in &notes {
        say_err!("note: {}", crate::text::sanitize(note));
    }
    let verb = if a.dry_run { "would import" } else { "imported" };
    use crate::text::count;
    let mut parts = vec![format!("{} created", report.created.len())];
    if !report.merged.is_empty() {
        parts.push(format!("{} merged", report.merged.len()));
    }
    if !report.skipped.is_empty() {
        parts.push(count(report.skipped.len(), "duplicate skipped", "duplicates skipped"));
    }
    if !report.accounts_created.is_empty() {
        parts.push(count(report.accounts_created.len(), "new account", "new accounts"));
    }
    if !report.possible.is_empty() {
        parts.push(count(report.possible.len(), "possible duplicate", "possible duplicates"));
    }
    say!("{verb} {}: {}", count(report.rows, &format!("{kind} row"), &format!("{kind} rows")), parts.join(", "));
    for d in &report.skipped {
        say!("  line {}: {} of {}", d.line, crate::text::sanitize(&d.reason), d.existing);
    }
    for d in &report.possible {
        let reason = crate::text::sanitize(&d.reason);
        say!("  line {}: created, {reason} as {} (see rolo contact duplicates)", d.line, d.existing);
    }
    if a.dry_run {
        say!("nothing was written (dry run)");
    }
    Ok(())
}

/// What an export wrote: how many records, and how many tasks were left out of a calendar for
/// want of a due date.
struct Exported {
    count: usize,
    /// Tasks written into a calendar of events.
    todos: usize,
    undated: usize,
}

pub(super) fn export(out: &Out, crm: &Crm, a: ExportArgs) -> Result<()> {
    use crate::export::Format;
    let kind: Kind = a.kind.parse().map_err(|m: String| ValidationError::new("kind", m))?;
    let format = match a.format {
        Some(ExportFormat::Csv) => Format::Csv,
        Some(ExportFormat::Json) => Format::Json,
        Some(ExportFormat::Vcard) => Format::Vcard,
        Some(ExportFormat::Ics) => Format::Ics,
        None => a.out.as_deref().and_then(Format::from_extension).unwrap_or(Format::Csv),
    };
    crate::export::check(kind, format)?;
    crm.actor()?.require(crate::model::Right::Export)?;
    if let Some(path) = &a.out {
        super::files::may_write(crm.path(), path, a.force)?;
    }
    // The whole export is made in memory first: a failure leaves no half-written file or output.
    let mut data = Vec::new();
    let spinner = super::progress::spinning(out, &format!("exporting {}", kind.plural()));
    let done = export_to(crm, kind, format, &mut data)?;
    drop(spinner);
    let Some(path) = &a.out else {
        use std::io::Write as _;
        let mut stdout = stdio::Stdout;
        stdout.write_all(&data)?;
        stdout.flush()?;
        if done.undated > 0 {
            say_err!("note: {} without a due date left out", crate::text::count(done.undated, "task", "tasks"));
        }
        return Ok(());
    };
    super::files::write(path, &data, a.force)?;
    stdio::mark_saved();
    let file = path.display().to_string();
    let value = serde_json::json!({ "kind": kind.name(), "format": format.name(), "count": done.count, "file": file });
    out.done(&value, || {
        let undated = match done.undated {
            0 => String::new(),
            n => format!(" ({} without a due date left out)", crate::text::count(n, "task", "tasks")),
        };
        let todos = match done.todos {
            0 => String::new(),
            n => format!(" and {}", crate::text::count(n, "task", "tasks")),
        };
        format!("exported {}{todos} to {file}{undated}", crate::text::count(done.count, kind.name(), kind.plural()))
    });
    Ok(())
}

/// Writes every record of `kind` as `format` (already checked to suit the kind) to `to`.
fn export_to(crm: &Crm, kind: Kind, format: crate::export::Format, to: &mut Vec<u8>) -> Result<Exported> {
    use crate::export::{self as ex, Format};
    let companies = || -> Result<std::collections::HashMap<Id, String>> {
        Ok(crm.list::<Account>(|_| true)?.into_iter().map(|a| (a.id, a.name)).collect())
    };
    let links = Links { crm, read: Default::default() };
    let count = match (format, kind) {
        (Format::Json, _) => crate::model::with_record_type!(kind, R => export_json::<R>(crm, to))?,
        (Format::Csv, Kind::Contact) => {
            ex::contacts_csv(&crm.list::<Contact>(|_| true)?, &companies()?, &contact_notes(crm)?, to)?
        }
        (Format::Csv, Kind::Account) => ex::accounts_csv(&crm.list::<Account>(|_| true)?, to)?,
        (Format::Csv, Kind::Lead) => ex::leads_csv(&crm.list::<Lead>(|_| true)?, &links, to)?,
        (Format::Csv, Kind::Opportunity) => ex::opportunities_csv(&crm.list::<Opportunity>(|_| true)?, &links, to)?,
        (Format::Csv, Kind::Task) => ex::tasks_csv(&crm.list::<Task>(|_| true)?, &links, to)?,
        (Format::Csv, Kind::Call) => ex::calls_csv(&crm.list::<Call>(|_| true)?, &links, to)?,
        (Format::Csv, Kind::Product) => ex::products_csv(&crm.list::<Product>(|_| true)?, to)?,
        (Format::Csv, Kind::Case) => ex::cases_csv(&crm.list::<crate::model::Case>(|_| true)?, &links, to)?,
        (Format::Csv, _) => crate::model::with_record_type!(kind, R => export_objects_csv::<R>(crm, to))?,
        (Format::Vcard, _) => ex::vcards(&crm.list::<Contact>(|_| true)?, &companies()?, &contact_notes(crm)?, to)?,
        (Format::Ics, _) => {
            // A calendar of events holds the tasks with a due date too; one of tasks, tasks only.
            let mut events = if kind == Kind::Event { crm.list::<Event>(|_| true)? } else { Vec::new() };
            let mut tasks = crm.list::<Task>(|_| true)?;
            events.sort_by_key(|e| (e.start, e.id));
            tasks.sort_by_key(|t| (t.due, t.id));
            let mut people = ex::Attendees::new();
            for id in events.iter().flat_map(|e| &e.attendees) {
                if !people.contains_key(id)
                    && let Ok(c) = crm.get::<Contact>(*id)
                {
                    people.insert(*id, (c.full_name(), c.primary_email().map(str::to_string)));
                }
            }
            let n = ex::ics(&events, &tasks, &people, to)?;
            let todos = if kind == Kind::Event { n.todos } else { 0 };
            return Ok(Exported { count: n.written - todos, todos, undated: n.undated });
        }
    };
    Ok(Exported { count, todos: 0, undated: 0 })
}

/// The notes of each contact, oldest first: what a contact export carries with it.
fn contact_notes(crm: &Crm) -> Result<std::collections::HashMap<Id, Vec<String>>> {
    let mut notes: std::collections::HashMap<Id, Vec<String>> = Default::default();
    for n in crm.list::<Note>(|n| n.target.kind == Kind::Contact)? {
        notes.entry(n.target.id).or_default().push(n.text);
    }
    Ok(notes)
}

/// Names and emails of linked records for CSV exports, each read once.
struct Links<'a> {
    crm: &'a Crm,
    read: std::cell::RefCell<std::collections::HashMap<RecordRef, (String, String)>>,
}

impl Links<'_> {
    /// The name and (for people) the first email of `record`; nothing when it is gone.
    fn get(&self, record: RecordRef) -> (String, String) {
        if let Some(known) = self.read.borrow().get(&record) {
            return known.clone();
        }
        let person = |name: String, email: Option<&str>| (name, email.unwrap_or_default().to_string());
        let found = match record.kind {
            Kind::Contact => self.crm.get::<Contact>(record.id).map(|c| person(c.full_name(), c.primary_email())),
            Kind::Lead => self.crm.get::<Lead>(record.id).map(|l| person(l.full_name(), l.email.as_deref())),
            kind => {
                crate::model::with_record_type!(kind, T => self.crm.get::<T>(record.id).map(|r| person(crate::model::Record::label(&r), None)))
            }
        };
        let found = found.unwrap_or_default();
        self.read.borrow_mut().insert(record, found.clone());
        found
    }
}

impl crate::export::Linked for Links<'_> {
    fn name(&self, record: RecordRef) -> String {
        self.get(record).0
    }

    fn email(&self, record: RecordRef) -> String {
        self.get(record).1
    }
}

/// Every record of kind `R` as one JSON array, the objects `rolo --json KIND list` prints, one
/// object made at a time.
fn export_json<R: Present>(crm: &Crm, to: &mut Vec<u8>) -> Result<usize> {
    use serde::Serializer as _;
    let all = crm.list::<R>(|_| true)?;
    let names = output::Names::new(crm);
    crate::text::plain_json(&mut *to).collect_seq(all.iter().map(|r| names.record(r)))?;
    to.push(b'\n');
    Ok(all.len())
}

/// Every record of kind `R` as CSV, one column per field of its JSON object.
fn export_objects_csv<R: Present>(crm: &Crm, to: &mut Vec<u8>) -> Result<usize> {
    let all = crm.list::<R>(|_| true)?;
    let names = output::Names::new(crm);
    Ok(crate::export::objects_csv(|| all.iter().map(|r| names.record(r)), to)?)
}

/// `migrate`: the whole database copied into another, on this machine's disk or a server.
pub(super) fn migrate(out: &Out, crm: &Crm, a: MigrateArgs) -> Result<()> {
    if super::files::local(&a.to).is_none() {
        bail!(
            "rolo migrate copies from this machine: stop the server and run `rolo --db {} migrate --to …` on its machine",
            crm.path().display()
        );
    }
    let spinner = super::progress::spinning(out, "copying");
    let copied = crm.migrate_to(&a.to)?;
    drop(spinner);
    stdio::mark_saved();
    let records: u64 = copied.records.values().sum();
    out.done(&copied, || {
        let some = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let kinds: Vec<String> = copied.records.iter().map(|(kind, &n)| some(n, kind.name(), kind.plural())).collect();
        format!(
            "copied {} ({}), {} and {} to {}: open it with --db",
            some(records, "record", "records"),
            if kinds.is_empty() { "none".to_string() } else { kinds.join(", ") },
            some(copied.audit_entries, "audit entry", "audit entries"),
            some(copied.settings, "setting", "settings"),
            copied.into.display(),
        )
    });
    Ok(())
}

/// `backup`: a consistent copy of the database.
pub(super) fn backup(out: &Out, crm: &Crm, a: BackupArgs) -> Result<()> {
    let spinner = super::progress::spinning(out, "backing up");
    super::files::backup(crm, &a.file)?;
    drop(spinner);
    stdio::mark_saved();
    out.done(&serde_json::json!({ "backup": a.file }), || format!("backed up to {}", a.file.display()));
    Ok(())
}
