//! Reading other tools' files into records: CSV with its header mapped to fields, cells turned
//! into typed values, every bad cell reported by line and column. Knows nothing of storage: it
//! hands [`Incoming`] rows to [`Crm::import`](crate::crm::Crm::import), which finds the records
//! rows name, decides about duplicates and writes all or nothing.

pub(crate) mod card;
mod cells;
pub mod columns;
mod delimited;
mod kept;
mod rows;

use cells::cell_text;
pub use delimited::{CsvFile, decoded, read_csv, read_file, text};
pub use rows::convert;

use crate::crm::{Crm, CrmError, ImportReport, Incoming, OnDuplicate, Ready, RowProblem};
use crate::model::Kind;
use columns::Field;

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Columns mapped by hand: (header, field name), over the guesses.
    pub map: Vec<(String, String)>,
    /// A chrono format for dates (`%d/%m/%Y`), tried before the usual forms.
    pub date_format: Option<String>,
    /// Read bytes that are not UTF-8 as Windows-1252 (Latin-1), as older spreadsheets write.
    pub latin1: bool,
    /// What the file is: CSV or vCard. Unset, the file's extension says (`.csv`, `.vcf`), else
    /// its first line (`BEGIN:VCARD`).
    pub format: Option<Format>,
    /// Refuse the file for any value that does not fit its field, rather than keep it as
    /// written with a warning.
    pub strict: bool,
    /// The currency of a row's amounts when it names none (the session's: the config file's).
    pub currency: Option<crate::model::Currency>,
}

/// What a file to import holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma, semicolon or tab separated values with a header line.
    Csv,
    /// vCards (2.1, 3.0 or 4.0): contacts only.
    Vcard,
}

impl Format {
    /// What the file at `path` holds, from its extension, else from its first bytes.
    pub fn of(path: &std::path::Path, bytes: &[u8]) -> Format {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("vcf" | "vcard") => Format::Vcard,
            Some("csv" | "tsv") => Format::Csv,
            _ if card::looks_like_vcard(bytes) => Format::Vcard,
            _ => Format::Csv,
        }
    }
}

/// How many vCards `bytes` hold (for a progress gauge's total).
pub fn cards_in(bytes: &[u8]) -> usize {
    card::count(bytes)
}

/// Why a file cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The service refused the rows (see [`CrmError::Rejected`]) or the database failed.
    #[error(transparent)]
    Crm(#[from] CrmError),
    /// The bytes are not readable text or not CSV.
    #[error("{0}")]
    Unreadable(String),
    /// The header cannot be mapped, or a mapping is wrong.
    #[error("{0}")]
    Mapping(String),
}

/// What an import did, and what the user should know about the file.
#[derive(Debug)]
pub struct Outcome {
    /// What was (or would be) created, merged and skipped.
    pub report: ImportReport,
    /// Columns left out, cells dropped.
    pub notes: Vec<String>,
}

/// Imports the file at `path` (CSV, or vCard for contacts) as records of `kind` through `crm`:
/// the whole path from the bytes to the transaction, shared by the command line and the TUI.
/// `progress` hears (rows done, about how many in all) every thousand rows, and (rows, rows)
/// once every row is read and checked, while the records are written; the TUI can run the
/// import on a worker thread and pass a closure that sends these on to its gauge.
pub fn file(
    crm: &Crm,
    kind: Kind,
    path: &std::path::Path,
    options: &Options,
    policy: OnDuplicate,
    dry_run: bool,
    progress: impl FnMut(usize, usize),
) -> Result<Outcome, ImportError> {
    // A UTF-8 CSV file is read as it is imported; others (vCards, UTF-16, Latin-1) whole.
    let format = match options.format {
        Some(format) => format,
        None => Format::of(path, &delimited::head(path)?),
    };
    if format == Format::Csv
        && let Some(file) = delimited::open_csv(path).map_err(|e| named(path, e))?
    {
        return csv(crm, kind, file, options, policy, dry_run, progress);
    }
    from_bytes(crm, kind, path, read_file(path)?, options, policy, dry_run, progress)
}

/// [`file()`] over bytes already read (as [`decoded`] gives them), `path` naming them in
/// messages and telling the format by its extension: stdin, or a file a client sent.
#[allow(clippy::too_many_arguments)]
pub fn from_bytes(
    crm: &Crm,
    kind: Kind,
    path: &std::path::Path,
    bytes: Vec<u8>,
    options: &Options,
    policy: OnDuplicate,
    dry_run: bool,
    mut progress: impl FnMut(usize, usize),
) -> Result<Outcome, ImportError> {
    if options.format.unwrap_or_else(|| Format::of(path, &bytes)) == Format::Vcard {
        if kind != Kind::Contact {
            return Err(ImportError::Mapping(format!(
                "{} is a vCard file, which holds contacts: import it with rolo import contact",
                path.display()
            )));
        }
        if !options.map.is_empty() {
            return Err(ImportError::Mapping(
                "--map is for CSV files: a vCard's properties are read by their names".into(),
            ));
        }
        let mut notes = Vec::new();
        let total = card::count(&bytes);
        let rows = card::rows(&bytes, options, &mut notes);
        let report = crm.import(rows, policy, dry_run, &mut |done, all_in| {
            progress(done, if all_in { done } else { total.max(done + 1) })
        })?;
        return Ok(Outcome { report, notes });
    }
    let file = read_csv(bytes, options.latin1).map_err(|e| named(path, e))?;
    csv(crm, kind, file, options, policy, dry_run, progress)
}

/// An unreadable file's error, naming the file.
fn named(path: &std::path::Path, e: ImportError) -> ImportError {
    match e {
        ImportError::Unreadable(m) => ImportError::Unreadable(format!("{}: {m}", path.display())),
        e => e,
    }
}

/// Imports the rows of a CSV file opened (see [`file()`]).
#[allow(clippy::too_many_arguments)]
fn csv(
    crm: &Crm,
    kind: Kind,
    file: CsvFile,
    options: &Options,
    policy: OnDuplicate,
    dry_run: bool,
    mut progress: impl FnMut(usize, usize),
) -> Result<Outcome, ImportError> {
    let mapping = Mapping::new(kind, &file.headers, &options.map)?;
    let mut notes = Vec::new();
    for &(read, left) in &mapping.doubled {
        let (a, b) = (&file.headers[read], &file.headers[left]);
        let field = mapping.fields[read].as_ref().map(ToString::to_string).unwrap_or_default();
        notes.push(format!(
            "columns {a} (column {}) and {b} (column {}) both hold the {field}, which takes one value: {a} was read and {b} left out",
            read + 1,
            left + 1
        ));
    }
    let unmapped = mapping.unmapped(&file.headers);
    if !unmapped.is_empty() {
        notes.push(format!("columns left out: {} (map one with --map COLUMN=FIELD)", unmapped.join(", ")));
    }
    let mut options = options.clone();
    if options.date_format.is_none()
        && let Some((form, said)) = date_order(&file, &mapping)
    {
        options.date_format = form;
        notes.push(said);
    }
    let total = file.approximate_rows();
    // Rows are read, converted and made ready (their keys folded) on a second thread while this
    // one writes them.
    let report = std::thread::scope(|scope| {
        let ready = records(&file, &mapping, &options, &mut notes).map(|row| row.map(Ready::from));
        let rows = crate::ahead::read_ahead(scope, ready);
        crm.import(rows, policy, dry_run, &mut |done, all_in| {
            progress(done, if all_in { done } else { total.max(done + 1) })
        })
    })
    .map_err(|e| match e {
        // The service names a record's field (`competitor`); the user knows the column.
        CrmError::Rejected(mut problems) => {
            for p in &mut problems {
                if let Some(c) = p.column.as_mut().filter(|c| !file.headers.contains(c))
                    && let Some(header) = header_of(kind, &mapping, &file.headers, c)
                {
                    *c = header;
                }
            }
            CrmError::Rejected(problems)
        }
        e => e,
    })?;
    Ok(Outcome { report, notes })
}

/// The header of the column that fills record field `field`, if one does.
fn header_of(kind: Kind, mapping: &Mapping, headers: &[String], field: &str) -> Option<String> {
    headers.get(column_filling(kind, &mapping.fields, field)?).cloned()
}

/// The column (of those holding `fields`) that fills the record field a message names.
fn column_filling(kind: Kind, fields: &[Option<Field>], field: &str) -> Option<usize> {
    let wanted = std::mem::discriminant(&Field::parse(field)?.for_kind(kind));
    fields.iter().position(|f| f.as_ref().map(std::mem::discriminant) == Some(wanted))
}

/// Which order the file's numeric dates (`31/12/1985`, `12.31.1985`) write day and month in,
/// told from its date columns: a first number over 12 says day first, a second one over 12
/// month first, and dotted dates that could be either are day first. Returns the form to read
/// them with (`None`: month first) and what to tell the user, or nothing when the file's dates
/// are read month first as always.
fn date_order(file: &CsvFile, mapping: &Mapping) -> Option<(Option<String>, String)> {
    let dated: Vec<usize> = (0..mapping.fields.len())
        .filter(|&i| {
            matches!(mapping.fields[i], Some(Field::Birthday | Field::Date | Field::NextStepDate | Field::Completed))
        })
        .collect();
    let (mut separator, mut day_first, mut month_first, mut either) = (None, None, None, None);
    for (_, cells) in file.rows().take(100_000).flatten() {
        for &i in &dated {
            let value = cells.get(i).map(cell_text).unwrap_or_default();
            let head = value.split([' ', 'T']).next().unwrap_or_default();
            let Some(sep) = ['/', '.', '-'].into_iter().find(|&c| head.matches(c).count() == 2) else { continue };
            let parts: Vec<u32> = head.split(sep).filter_map(|p| p.parse().ok()).collect();
            let [a, b, year] = parts[..] else { continue };
            if year == 0 || head.split(sep).nth(2).is_none_or(|y| y.len() != 4) {
                continue;
            }
            separator.get_or_insert(sep);
            let seen = match (a > 12, b > 12) {
                (true, false) => &mut day_first,
                (false, true) => &mut month_first,
                (false, false) => &mut either,
                (true, true) => continue,
            };
            seen.get_or_insert_with(|| head.to_string());
        }
    }
    let sep = separator?;
    let form = |first: &str, second: &str| format!("%{first}{sep}%{second}{sep}%Y");
    let (day, month) = (form("d", "m"), form("m", "d"));
    Some(match (day_first, month_first, either) {
        (Some(seen), None, _) => (
            Some(day.clone()),
            format!("dates are read day first ({day}), as {seen} says; pass --date-format to say otherwise"),
        ),
        (None, Some(_), _) => return None,
        (Some(a), Some(b), _) => (
            None,
            format!(
                "dates are written both day first ({a}) and month first ({b}): read month first, the others kept as written"
            ),
        ),
        (None, None, seen) => {
            let seen = seen?;
            // Dotted dates are European; others follow the user's locale (month first in the US).
            if sep == '.' || locale_writes_day_first() {
                (
                    Some(day.clone()),
                    format!(
                        "dates such as {seen} could be read either way: read day first ({day}); pass --date-format {month} if the month comes first"
                    ),
                )
            } else {
                (
                    None,
                    format!(
                        "dates such as {seen} could be read either way: read month first ({month}); pass --date-format {day} if the day comes first"
                    ),
                )
            }
        }
    })
}

/// Whether the user's locale (`LC_ALL`, `LC_TIME` or `LANG`, like `en_GB.UTF-8`) writes the day
/// before the month: every region does but the United States, the Philippines and Canada; a
/// locale without a region (`C`) does not say so.
fn locale_writes_day_first() -> bool {
    let locale = ["LC_ALL", "LC_TIME", "LANG"].iter().find_map(|v| std::env::var(v).ok().filter(|l| !l.is_empty()));
    let region =
        locale.as_deref().and_then(|l| l.split(['.', '@']).next()?.split_once('_').map(|(_, r)| r.to_string()));
    region.is_some_and(|r| !["US", "PH", "CA"].contains(&r.as_str()))
}

/// The kinds a CSV can bring in.
pub const KINDS: [Kind; 8] =
    [Kind::Contact, Kind::Account, Kind::Lead, Kind::Opportunity, Kind::Task, Kind::Call, Kind::Product, Kind::Case];

/// Which field each column holds.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The records the file holds.
    pub kind: Kind,
    /// Per column, its field (None: left out).
    pub fields: Vec<Option<Field>>,
    /// Columns left out because an earlier one holds the same field, which takes one value:
    /// (the column read, the column left out).
    pub doubled: Vec<(usize, usize)>,
}

impl Mapping {
    /// Guesses a field for each header, then applies `overrides` (header = field name). Fails
    /// when an override names an unknown column or field, or nothing holds the record's name.
    pub fn new(kind: Kind, headers: &[String], overrides: &[(String, String)]) -> Result<Mapping, ImportError> {
        if !KINDS.contains(&kind) {
            return Err(ImportError::Mapping(format!(
                "{kind} records cannot be imported from CSV yet: import one of {}",
                KINDS.map(|k| k.name()).join(", ")
            )));
        }
        let mut fields: Vec<Option<Field>> = headers.iter().map(|h| columns::guess(kind, h)).collect();
        // Outlook's "Title" is Mr / Ms when a "Job Title" column is there: a person's prefix.
        if headers.iter().any(|h| columns::normal(h) == "jobtitle") {
            for (h, f) in headers.iter().zip(&mut fields) {
                if columns::normal(h) == "title" {
                    *f = Some(Field::Prefix).filter(|p| p.fits(kind));
                }
            }
        }
        for (column, field) in overrides {
            let at = headers
                .iter()
                .position(|h| h == column.trim())
                .or_else(|| headers.iter().position(|h| columns::normal(h) == columns::normal(column)))
                .ok_or_else(|| {
                    ImportError::Mapping(format!(
                        "--map {column}={field}: the file has no column '{column}'; its columns are: {}",
                        headers.join(", ")
                    ))
                })?;
            let parsed = Field::parse(field).ok_or_else(|| {
                let names: Vec<&str> = columns::FIELD_NAMES.iter().map(|(n, _)| *n).collect();
                ImportError::Mapping(format!(
                    "--map {column}={field}: no field '{field}'; use one of {}",
                    names.join(", ")
                ))
            })?;
            let parsed = parsed.for_kind(kind);
            if !parsed.fits(kind) {
                return Err(ImportError::Mapping(format!(
                    "--map {column}={field}: {kind} records have no {parsed} field"
                )));
            }
            fields[at] = (parsed != Field::Ignore).then_some(parsed);
        }
        // Two columns of one field that takes several values (emails, phones, web sites...) are
        // both read; of one that takes a single value, the first is.
        let mut doubled = Vec::new();
        for later in 0..fields.len() {
            let first = fields[..later].iter().position(|f| f.is_some() && *f == fields[later]);
            if let Some(first) = first
                && !fields[later].as_ref().is_some_and(Field::takes_several)
            {
                fields[later] = None;
                doubled.push((first, later));
            }
        }
        let mapping = Mapping { kind, fields, doubled };
        let needed: &[(&str, &[Field])] = match kind {
            Kind::Contact | Kind::Lead => &[("name", &[Field::First, Field::Last, Field::Name])],
            Kind::Call => &[("contact", &[Field::Contact]), ("time", &[Field::Date])],
            _ => &[("name", &[Field::Name])],
        };
        // A person may be named after their email address when nothing else names them.
        // (Columns no field took may hold the names: then a mapping is asked for.)
        let only_emails = mapping.unmapped(headers).is_empty();
        let email = |f: &Field| kind == Kind::Contact && only_emails && matches!(f, Field::Email(..));
        for (what, fields) in needed {
            if !mapping.fields.iter().flatten().any(|f| fields.contains(f) || email(f)) {
                let field = if fields.len() > 1 { "last (or name)".to_string() } else { fields[0].to_string() };
                return Err(ImportError::Mapping(format!(
                    "no column holds the {kind}'s {what}: map one with --map COLUMN={field} (columns: {})",
                    headers.join(", ")
                )));
            }
        }
        Ok(mapping)
    }

    /// Headers of the columns left out.
    pub fn unmapped<'h>(&self, headers: &'h [String]) -> Vec<&'h str> {
        let doubled = |i: usize| self.doubled.iter().any(|&(_, left)| left == i);
        headers
            .iter()
            .zip(&self.fields)
            .enumerate()
            .filter(|(i, (h, f))| f.is_none() && !h.is_empty() && !doubled(*i))
            .map(|(_, (h, _))| h.as_str())
            .collect()
    }
}

/// Every row of `file` as a record (or its problems), in order: what
/// [`Crm::import`](crate::crm::Crm::import) takes. A file that stops being CSV midway gives
/// its error as a problem of the line reached.
pub fn records<'f>(
    file: &'f CsvFile,
    mapping: &'f Mapping,
    options: &'f Options,
    notes: &'f mut Vec<String>,
) -> impl Iterator<Item = Result<Incoming, Vec<RowProblem>>> + 'f {
    let mut last = 1;
    file.rows().map(move |row| match row {
        Ok((line, cells)) => {
            last = line;
            convert(mapping, &file.headers, options, line, &cells, notes)
        }
        Err(e) => Err(vec![RowProblem { line: last + 1, column: None, message: e.to_string() }]),
    })
}
