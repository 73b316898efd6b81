//! Reading other tools' files into records: CSV with its header mapped to fields, cells turned
//! into typed values, every bad cell reported by line and column. Knows nothing of storage: it
//! hands [`Incoming`] rows to [`Crm::import`](crate::crm::Crm::import), which finds the records
//! rows name, decides about duplicates and writes all or nothing.

pub(crate) mod card;
pub mod columns;
mod kept;

use chrono::NaiveDate;

use crate::crm::{Arrival, Crm, CrmError, ImportReport, Incoming, OnDuplicate, Reference, RowProblem};
use crate::model::{
    Account, Address, Amount, Call, CallDirection, CallOutcome, Consent, Contact, Currency, Date, Email, Kind, Lead,
    LeadConversion, LeadStatus, Opportunity, Phone, Priority, Product, Record, Task, TaskStatus, Timestamp,
    ValidationError, check_email, check_phone,
};
use columns::{Field, Part};

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
    mut progress: impl FnMut(usize, usize),
) -> Result<Outcome, ImportError> {
    let bytes = read_file(path)?;
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
    let file = read_csv(bytes, options.latin1).map_err(|e| match e {
        ImportError::Unreadable(m) => ImportError::Unreadable(format!("{}: {m}", path.display())),
        e => e,
    })?;
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
    let rows = records(&file, &mapping, &options, &mut notes);
    let report = crm.import(rows, policy, dry_run, &mut |done, all_in| {
        progress(done, if all_in { done } else { total.max(done + 1) })
    })?;
    Ok(Outcome { report, notes })
}

/// The bytes of the file at `path`, as UTF-8 when they are UTF-16 (as Windows and Apple tools
/// write it, with a byte-order mark or without: then told by its zero bytes); other bytes as
/// they are.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io { path: path.to_path_buf(), source })?;
    Ok(from_utf16(&bytes).map_or(bytes, String::into_bytes))
}

/// `bytes` decoded when they are UTF-16: a byte-order mark says which end comes first;
/// without one, text that is mostly ASCII has a zero in every other byte (after each character
/// in little-endian, before it in big-endian). `None` for anything else.
fn from_utf16(bytes: &[u8]) -> Option<String> {
    let encoding = match bytes {
        [0xff, 0xfe, ..] => encoding_rs::UTF_16LE,
        [0xfe, 0xff, ..] => encoding_rs::UTF_16BE,
        _ => {
            let head = &bytes[..bytes.len().min(400) & !1];
            let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
            let half = head.len() / 2;
            match (zeros(0), zeros(1)) {
                (even, odd) if half >= 2 && odd * 10 >= half * 7 && even == 0 => encoding_rs::UTF_16LE,
                (even, odd) if half >= 2 && even * 10 >= half * 7 && odd == 0 => encoding_rs::UTF_16BE,
                _ => return None,
            }
        }
    };
    let (text, _, _) = encoding.decode(bytes);
    Some(text.trim_start_matches('\u{feff}').to_string())
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
pub const KINDS: [Kind; 7] =
    [Kind::Contact, Kind::Account, Kind::Lead, Kind::Opportunity, Kind::Task, Kind::Call, Kind::Product];

/// A CSV file decoded into memory, its header read; rows are read on demand, so that a
/// million-row file never sits in memory twice.
pub struct CsvFile {
    text: String,
    delimiter: u8,
    /// Column names.
    pub headers: Vec<String>,
}

/// Reads CSV bytes: a UTF-8 byte-order mark is dropped, the delimiter (comma, semicolon or tab)
/// is told from the header line, quoted cells may hold newlines. Bytes that are not UTF-8 are
/// an error naming the line, unless `latin1` says to decode them as Windows-1252.
pub fn read_csv(bytes: Vec<u8>, latin1: bool) -> Result<CsvFile, ImportError> {
    let bom = if bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    let text = match String::from_utf8(bytes) {
        Ok(mut t) => {
            t.drain(..bom);
            t
        }
        Err(e) if latin1 => encoding_rs::WINDOWS_1252.decode_without_bom_handling(e.as_bytes()).0.into_owned(),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(ImportError::Unreadable(format!(
                "line {line} is not UTF-8 text: save the file as UTF-8, or pass --latin1 if it is Latin-1 / Windows-1252"
            )));
        }
    };
    // The CSV reader takes an unclosed quote as a cell running to the end of the file, which
    // would swallow every row after it into one name: refuse it, naming where it opened.
    let delimiter = delimiter(&text);
    if let Some(line) = unclosed_quote(&text, delimiter) {
        return Err(ImportError::Unreadable(format!(
            "line {line} opens a quoted cell that is never closed: add the closing \" (a quote inside a cell is written \"\")"
        )));
    }
    let mut file = CsvFile { text, delimiter, headers: Vec::new() };
    let mut reader = file.reader();
    file.headers = reader.headers().map_err(unreadable)?.iter().map(|h| h.trim().to_string()).collect();
    if file.headers.iter().all(String::is_empty) {
        return Err(ImportError::Unreadable(
            "the file has no header line: the first line must name the columns".into(),
        ));
    }
    Ok(file)
}

fn unreadable(e: csv::Error) -> ImportError {
    ImportError::Unreadable(format!("the file is not readable CSV: {e}"))
}

impl CsvFile {
    fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(self.text.as_bytes())
    }

    /// About how many rows there are (lines, less the header): for progress.
    pub fn approximate_rows(&self) -> usize {
        self.text.bytes().filter(|&b| b == b'\n').count().saturating_sub(1).max(1)
    }

    /// The rows, each with the line an editor shows it starting on (counted from its byte
    /// offset, so CR LF and LF files agree), skipping blank ones.
    pub fn rows(&self) -> impl Iterator<Item = Result<(u64, csv::StringRecord), ImportError>> + '_ {
        let (mut counted, mut line) = (0, 1);
        self.reader().into_records().filter_map(move |record| match record {
            Ok(r) if r.iter().all(|c| c.trim().is_empty()) => None,
            Ok(r) => {
                let mut at = r.position().map_or(counted, |p| p.byte() as usize).clamp(counted, self.text.len());
                // After a CR the reader may place a record at the LF that ends the line before.
                at += self.text.as_bytes()[at..].iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
                line += self.text.as_bytes()[counted..at].iter().filter(|&&b| b == b'\n').count() as u64;
                counted = at;
                Some(Ok((line, r)))
            }
            Err(e) => Some(Err(unreadable(e))),
        })
    }
}

/// The line of a quoted cell that is never closed, if any. Only a quote at the start of a cell
/// opens one (`27" monitor` is plain text); inside, `""` is a quote and the next lone `"` closes.
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    let (mut line, mut open_at, mut at_start) = (1, None, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        match (open_at, c) {
            (Some(_), '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (Some(_), '"') => open_at = None,
            (None, '"') if at_start => open_at = Some(line),
            _ => {}
        }
        at_start = open_at.is_none() && (c == '\n' || c == '\r' || c == char::from(delimiter));
    }
    open_at
}

/// The delimiter that splits the first line into the most columns.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |d: char| {
        let mut quoted = false;
        first
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == d
            })
            .count()
    };
    [(',', b','), (';', b';'), ('\t', b'\t')].into_iter().max_by_key(|&(c, _)| count(c)).map_or(b',', |(_, d)| d)
}

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

/// Turns one row into a record, or says what is wrong with each bad cell. `notes` gathers what
/// the user should know (cells left out, such as a birthday without a year).
pub fn convert(
    mapping: &Mapping,
    headers: &[String],
    options: &Options,
    line: u64,
    cells: &csv::StringRecord,
    notes: &mut Vec<String>,
) -> Result<Incoming, Vec<RowProblem>> {
    let mut row =
        Row { kind: mapping.kind, line, headers, fields: &mapping.fields, cells, options, problems: Vec::new(), notes };
    let incoming = row.build(mapping);
    if row.problems.is_empty() { Ok(incoming) } else { Err(row.problems) }
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

/// One row being read.
struct Row<'a> {
    kind: Kind,
    line: u64,
    headers: &'a [String],
    fields: &'a [Option<Field>],
    cells: &'a csv::StringRecord,
    options: &'a Options,
    problems: Vec<RowProblem>,
    notes: &'a mut Vec<String>,
}

/// Values of one row gathered by field before they become a record.
#[derive(Default)]
struct Cells {
    first: Option<String>,
    last: Option<String>,
    middle: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    department: Option<String>,
    name: Option<String>,
    title: Option<String>,
    company: Option<String>,
    emails: Vec<Email>,
    phones: Vec<Phone>,
    /// Labels of email and phone groups, from their label columns.
    labels: Vec<(String, String)>,
    /// The group of each email, in order (for its consent and validity columns).
    email_groups: Vec<String>,
    /// Consent and validity words by email group.
    statuses: Vec<(Field, String, usize)>,
    /// Whether a consent column said each address's consent (then "Email Opt Out" does not).
    consent_known: bool,
    /// Addresses by group, in column order.
    addresses: Vec<(String, Address)>,
    birthday: Option<Date>,
    /// Year, month and day of a birthday given in three columns.
    birth_parts: [Option<u32>; 3],
    notes: Vec<String>,
    tags: Vec<String>,
    owner: Option<String>,
    do_not_call: bool,
    opted_out: bool,
    websites: Vec<String>,
    interests: Vec<String>,
    skills: Vec<String>,
    follow_up_days: Option<u32>,
    industry: Option<String>,
    employees: Option<u32>,
    revenue: Option<Amount>,
    currency: Option<Currency>,
    status: Option<String>,
    source: Option<String>,
    rating: Option<String>,
    /// Records the row names (a deal's stage, a task's contact), found by the import.
    refs: Vec<Reference>,
    amount: Option<Amount>,
    /// A deal's close date or a task's due date.
    date: Option<Date>,
    /// When a call began.
    at: Option<Timestamp>,
    probability: Option<u8>,
    next_step: Option<String>,
    next_step_date: Option<Date>,
    closed_on: Option<Date>,
    lost_reason: Option<String>,
    priority: Option<Priority>,
    completed: Option<Timestamp>,
    /// When a lead was converted, as the file says.
    converted_at: Option<Timestamp>,
    direction: Option<CallDirection>,
    duration: Option<u32>,
    outcome: Option<CallOutcome>,
    sku: Option<String>,
    active: Option<bool>,
}

impl Cells {
    /// The notes, for the kinds that keep them in a field of their own (tasks, calls, products)
    /// rather than as a note record.
    fn take_notes(&mut self) -> Option<String> {
        let notes = std::mem::take(&mut self.notes);
        (!notes.is_empty()).then(|| notes.join("\n\n"))
    }

    /// The label a group's label column gave, if any.
    fn label_of(&self, group: &str) -> Option<String> {
        self.labels.iter().find(|(g, l)| g == group && !l.is_empty()).map(|(_, l)| l.clone())
    }
}

impl Row<'_> {
    fn build(&mut self, mapping: &Mapping) -> Incoming {
        let cells = self.cells;
        let mut c = Cells::default();
        for (field, cell) in mapping.fields.iter().zip(cells) {
            if let Some(Field::LabelOf(group)) = field {
                c.labels.push((group.clone(), label_text(cell)));
            }
        }
        for (i, field) in mapping.fields.iter().enumerate() {
            let (Some(field), Some(cell)) = (field, cells.get(i)) else { continue };
            let value = cell_text(cell);
            if value.is_empty() {
                continue;
            }
            self.take(&mut c, i, field, value);
        }
        let record = match mapping.kind {
            Kind::Account => Arrival::Account(Box::new(self.account(&mut c))),
            Kind::Lead => Arrival::Lead(Box::new(self.lead(&mut c))),
            Kind::Opportunity => Arrival::Opportunity(Box::new(self.opportunity(&mut c))),
            Kind::Task => Arrival::Task(Box::new(self.task(&mut c))),
            Kind::Call => Arrival::Call(Box::new(self.call(&mut c))),
            Kind::Product => Arrival::Product(Box::new(self.product(&mut c))),
            _ => Arrival::Contact(Box::new(self.contact(&mut c))),
        };
        let notes = (!c.notes.is_empty()).then(|| c.notes.join("\n\n"));
        Incoming { line: self.line, record, company: c.company.take(), notes, refs: c.refs }
    }

    /// A value that does not fit its field: with `--strict` a problem, else kept as written in
    /// the record's note (`Birthday: 31/31/1990`) with a warning naming line and column.
    fn soft(&mut self, c: &mut Cells, column: usize, value: &str, message: String) {
        if self.options.strict {
            return self.problem(column, message);
        }
        let header = self.headers.get(column).cloned().unwrap_or_default();
        c.notes.push(format!("{header}: {value}"));
        self.warn(Some(header), format!("{message}; kept as written in the note"));
    }

    /// Tells the user something about this row without refusing it.
    fn warn(&mut self, column: Option<String>, message: String) {
        self.notes.push(RowProblem { line: self.line, column, message }.to_string());
    }

    fn problem(&mut self, column: usize, message: impl Into<String>) {
        let column = self.headers.get(column).cloned();
        self.problems.push(RowProblem { line: self.line, column, message: message.into() });
    }

    fn take(&mut self, c: &mut Cells, i: usize, field: &Field, v: &str) {
        let text = || Some(v.to_string());
        match field {
            Field::First => c.first = text(),
            Field::Last => c.last = text(),
            Field::Middle => c.middle = text(),
            Field::Prefix => c.prefix = text(),
            Field::Suffix => c.suffix = text(),
            Field::Department => c.department = text(),
            Field::Name => c.name = text(),
            Field::Title => c.title = text(),
            Field::Company => c.company = text(),
            Field::Email(label, group) => {
                let label = label.clone().or_else(|| c.label_of(group));
                for address in split(v, true) {
                    if !c.emails.iter().any(|e| e.address.eq_ignore_ascii_case(&address)) {
                        c.emails.push(Email { label: label.clone(), ..Email::new(address) });
                        c.email_groups.push(group.clone());
                    }
                }
            }
            Field::Phone(label, group) => {
                let label = label.clone().or_else(|| c.label_of(group));
                for number in split(v, false) {
                    c.phones.push(Phone { label: label.clone(), ..Phone::new(number) });
                }
            }
            Field::LabelOf(_) => {}
            Field::Address(part, group) => {
                let at = match c.addresses.iter().position(|(g, _)| g == group) {
                    Some(at) => at,
                    None => {
                        let label = columns::address_label(group);
                        c.addresses.push((group.clone(), Address { label, ..Default::default() }));
                        c.addresses.len() - 1
                    }
                };
                let a = &mut c.addresses[at].1;
                let slot = match part {
                    Part::Street => &mut a.street,
                    Part::City => &mut a.city,
                    Part::Region => &mut a.region,
                    Part::PostalCode => &mut a.postal_code,
                    Part::Country => &mut a.country,
                    Part::Label => &mut a.label,
                };
                *slot = Some(if *part == Part::Label { label_text(v) } else { v.to_string() });
            }
            Field::Birthday => match self.date(v) {
                Ok(d) => c.birthday = d,
                Err(m) => self.soft(c, i, v, m),
            },
            Field::BirthPart(part) => match v.parse::<u32>() {
                Ok(n) => c.birth_parts[usize::from(*part).min(2)] = Some(n),
                Err(_) => self.soft(c, i, v, format!("'{v}' is not a number: write the {field} in digits")),
            },
            Field::Notes => c.notes.push(v.to_string()),
            Field::Tags => c.tags.extend(split(v, true).into_iter().filter(|t| !t.starts_with('*'))),
            Field::Interests => c.interests.extend(split(v, true)),
            Field::Skills => c.skills.extend(split(v, true)),
            Field::FollowUpDays => match v.parse::<u32>() {
                Ok(days) if days > 0 => c.follow_up_days = Some(days),
                _ => self.soft(c, i, v, format!("'{v}' is not a number of days: write a whole number, like 30")),
            },
            Field::Consent(_) | Field::Validity(_) => c.statuses.push((field.clone(), v.to_string(), i)),
            Field::Owner => c.owner = text(),
            Field::DoNotCall => match yes_no(v) {
                Some(b) => c.do_not_call = b,
                None => self.soft(c, i, v, format!("'{v}' is not yes or no")),
            },
            Field::EmailOptOut => match yes_no(v) {
                Some(b) => c.opted_out = b,
                None => self.soft(c, i, v, format!("'{v}' is not yes or no")),
            },
            // Several web addresses in one cell are written as Google does, with " ::: ".
            Field::Website => {
                c.websites.extend(v.split(":::").map(str::trim).filter(|w| !w.is_empty()).map(str::to_string))
            }
            Field::Industry => c.industry = text(),
            Field::Employees => match v.replace([',', ' ', '_'], "").parse() {
                Ok(n) => c.employees = Some(n),
                Err(_) => self.soft(c, i, v, format!("'{v}' is not a whole number of employees")),
            },
            Field::Revenue => match money(v) {
                Ok(a) => c.revenue = Some(a),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Currency => match Currency::parse(v) {
                Ok(cur) => c.currency = Some(cur),
                Err(e) => self.soft(c, i, v, e.message),
            },
            Field::Status => c.status = text(),
            Field::Source => c.source = text(),
            Field::Rating => c.rating = text(),
            Field::Stage | Field::Campaign | Field::Contact | Field::Opportunity | Field::Project | Field::Lead => {
                let kind = match field {
                    Field::Stage => Kind::Stage,
                    Field::Campaign => Kind::Campaign,
                    Field::Contact => Kind::Contact,
                    Field::Opportunity => Kind::Opportunity,
                    Field::Project => Kind::Project,
                    _ => Kind::Lead,
                };
                c.refs.push(Reference {
                    kind,
                    text: v.to_string(),
                    column: self.headers.get(i).cloned(),
                    optional: false,
                });
            }
            Field::Converted(kind) => {
                c.refs.push(Reference {
                    kind: *kind,
                    text: v.to_string(),
                    column: self.headers.get(i).cloned(),
                    optional: true,
                });
            }
            Field::ConvertedAt => match self.instant(v) {
                Ok(t) => c.converted_at = Some(t),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Amount => match money(v) {
                Ok(a) => c.amount = Some(a),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Date if self.kind == Kind::Call => match self.instant(v) {
                Ok(t) => c.at = Some(t),
                Err(m) => self.problem(i, m),
            },
            Field::Date => match self.date(v) {
                Ok(d) => c.date = d,
                Err(m) if self.kind == Kind::Opportunity => self.problem(i, m),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::NextStepDate => match self.date(v) {
                Ok(d) => c.next_step_date = d,
                Err(m) => self.soft(c, i, v, m),
            },
            Field::ClosedOn => match self.date(v) {
                Ok(d) => c.closed_on = d,
                Err(m) => self.problem(i, m),
            },
            Field::Completed => match self.instant(v) {
                Ok(t) => c.completed = Some(t),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Probability => match v.trim_end_matches('%').trim().parse::<u8>() {
                Ok(p) if p <= 100 => c.probability = Some(p),
                _ => self.soft(c, i, v, format!("'{v}' is not a percentage: write a whole number from 0 to 100")),
            },
            Field::NextStep => c.next_step = text(),
            Field::LostReason => c.lost_reason = text(),
            Field::Priority => match priority(v) {
                Ok(p) => c.priority = Some(p),
                Err(e) => self.soft(c, i, v, e.message),
            },
            Field::Direction => match direction(v) {
                Ok(d) => c.direction = Some(d),
                Err(e) => self.soft(c, i, v, e.message),
            },
            Field::Outcome => match outcome(v) {
                Ok(o) => c.outcome = Some(o),
                Err(e) => self.soft(c, i, v, e.message),
            },
            Field::Duration => match duration(v) {
                Ok(d) => c.duration = Some(d),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Sku => c.sku = text(),
            Field::Active => match yes_no(v) {
                Some(b) => c.active = Some(b),
                None => self.soft(c, i, v, format!("'{v}' is not yes or no")),
            },
            Field::Ignore => {}
        }
    }

    /// A date in the file's form (see [`read_date`]).
    fn date(&mut self, v: &str) -> Result<Option<Date>, String> {
        read_date(v, self.options.date_format.as_deref(), self.line, self.notes)
    }

    /// An instant in the file's form: RFC 3339 (`2026-11-20T09:30:00Z`, as rolo writes them), a
    /// local `YYYY-MM-DD HH:MM[:SS]`, Outlook's `M/D/YYYY h:mm AM`, or the `--date-format`
    /// followed by a time; a date alone is its local midnight.
    fn instant(&mut self, v: &str) -> Result<Timestamp, String> {
        let custom = self.options.date_format.as_deref();
        let with_time = |f: &str| [format!("{f} %H:%M:%S"), format!("{f} %H:%M"), format!("{f} %I:%M %p")];
        let forms = custom.into_iter().chain(["%m/%d/%Y"]).flat_map(with_time);
        for form in custom.map(str::to_string).into_iter().chain(forms) {
            if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v, &form)
                && Date::checked(t.date()).is_some()
            {
                return Ok(Timestamp::from_local_naive(t));
            }
        }
        if !v.eq_ignore_ascii_case("now")
            && let Ok(t) = Timestamp::parse_local(v)
        {
            return Ok(t);
        }
        match self.date(v) {
            Ok(Some(d)) => Ok(d.start_local()),
            _ => Err(format!("'{v}' is not a date and time: use YYYY-MM-DD HH:MM (local time) or M/D/YYYY h:mm AM")),
        }
    }

    /// The first and last name: given apart, or split from a whole name at its last space. A
    /// single name is the last name.
    fn names(c: &mut Cells) -> (String, String) {
        let (mut first, mut last) = (c.first.take().unwrap_or_default(), c.last.take().unwrap_or_default());
        if first.is_empty()
            && last.is_empty()
            && let Some(name) = c.name.take()
        {
            match name.rsplit_once(char::is_whitespace) {
                Some((f, l)) => (first, last) = (f.trim().to_string(), l.trim().to_string()),
                None => last = name,
            }
        }
        if last.is_empty() {
            last = std::mem::take(&mut first);
        }
        (first, last)
    }

    fn contact(&mut self, c: &mut Cells) -> Contact {
        self.email_statuses(c);
        let (first_name, last_name) = Row::names(c);
        let mut emails = std::mem::take(&mut c.emails);
        if c.opted_out && !c.consent_known {
            emails.iter_mut().for_each(|e| e.consent = Consent::OptedOut);
        }
        if c.birthday.is_none() {
            c.birthday = self.birthday_of_parts(c);
        }
        let mut contact = Contact {
            first_name,
            last_name,
            middle_name: c.middle.take(),
            prefix: c.prefix.take(),
            suffix: c.suffix.take(),
            department: c.department.take(),
            title: c.title.take(),
            emails,
            phones: std::mem::take(&mut c.phones),
            addresses: std::mem::take(&mut c.addresses).into_iter().map(|(_, a)| a).filter(|a| !a.is_empty()).collect(),
            birthday: c.birthday,
            interests: std::mem::take(&mut c.interests),
            skills: std::mem::take(&mut c.skills),
            follow_up_days: c.follow_up_days,
            social: std::mem::take(&mut c.websites),
            do_not_call: c.do_not_call,
            owner: c.owner.take().unwrap_or_default(),
            tags: std::mem::take(&mut c.tags),
            ..Default::default()
        };
        if let Some(name) = kept::named_after_email(&mut contact) {
            let at = self.fields.iter().position(|f| matches!(f, Some(Field::Email(..))));
            let message = format!("the row has only an email address: named {name} after it, tagged {}", kept::REVIEW);
            self.warn(at.and_then(|i| self.headers.get(i).cloned()), message);
        }
        if !self.options.strict {
            kept::contact(&mut contact).into_iter().for_each(|k| self.kept(c, k));
        } else if self.each_bad_address(&contact) {
            return contact;
        }
        self.check(&contact);
        contact
    }

    /// With `--strict`, a problem for every email and phone of `contact` that does not check,
    /// each on the column that holds it; whether there was any.
    fn each_bad_address(&mut self, contact: &Contact) -> bool {
        let emails = contact.emails.iter().map(|e| (e.address.as_str(), check_email(&e.address)));
        let phones = contact.phones.iter().map(|p| (p.number.as_str(), check_phone("phone", &p.number)));
        let bad: Vec<(String, ValidationError)> =
            emails.chain(phones).filter_map(|(value, checked)| Some((value.to_string(), checked.err()?))).collect();
        for (value, e) in &bad {
            let column = self.column_holding(value);
            let message = format!("{}: {}", e.field, e.message);
            self.problems.push(RowProblem { line: self.line, column, message });
        }
        !bad.is_empty()
    }

    /// The header of the email, phone or birthday column whose cell holds `value`.
    fn column_holding(&self, value: &str) -> Option<String> {
        let at = self.fields.iter().zip(self.cells).position(|(f, cell)| {
            matches!(f, Some(Field::Email(..) | Field::Phone(..) | Field::Birthday)) && cell_text(cell).contains(value)
        });
        at.and_then(|i| self.headers.get(i).cloned())
    }

    /// Sets each email's consent and validity from its group's columns.
    fn email_statuses(&mut self, c: &mut Cells) {
        for (field, word, column) in std::mem::take(&mut c.statuses) {
            let (Field::Consent(group) | Field::Validity(group)) = &field else { continue };
            c.consent_known |= matches!(field, Field::Consent(_));
            let at = c.email_groups.iter().position(|g| g == group);
            let Some(email) = at.and_then(|at| c.emails.get_mut(at)) else { continue };
            let read = match field {
                Field::Consent(_) => word.parse().map(|v| email.consent = v),
                _ => word.parse().map(|v| email.validity = v),
            };
            if let Err(e) = read {
                self.soft(c, column, &word, e.message);
            }
        }
    }

    /// The birthday three columns give (year, month, day); a month and day without a year is
    /// left out with a note, as a birthday without a year always is.
    fn birthday_of_parts(&mut self, c: &mut Cells) -> Option<Date> {
        let column = self.fields.iter().position(|f| matches!(f, Some(Field::BirthPart(_))));
        let column = column.and_then(|i| self.headers.get(i).cloned());
        match c.birth_parts {
            [None, None, None] => None,
            [Some(y), Some(m), Some(d)] => {
                let date = i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, m, d)).map(Date);
                if date.is_none() {
                    c.notes.push(format!("birthday: {y}-{m}-{d}"));
                    self.warn(column, format!("{y}-{m}-{d} is not a date; kept as written in the note"));
                }
                date
            }
            [_, m, d] => {
                let said = [m, d].map(|p| p.map_or("?".to_string(), |p| format!("{p:02}")));
                let message = format!("the birthday --{}-{} has no year and was left out", said[0], said[1]);
                self.warn(column, message);
                None
            }
        }
    }

    /// Warns of a value kept out of its field (see [`kept`]), naming the column that held it,
    /// and puts it in the note when it went there.
    fn kept(&mut self, c: &mut Cells, k: kept::Kept) {
        if k.noted {
            c.notes.push(k.note());
        }
        self.warn(self.column_holding(&k.value), k.message);
    }

    fn account(&mut self, c: &mut Cells) -> Account {
        let mut account = Account {
            name: c.name.take().unwrap_or_default(),
            industry: c.industry.take(),
            website: c.websites.first().cloned(),
            phone: c.phones.first().map(|p| p.number.clone()),
            email: c.emails.first().map(|e| e.address.clone()),
            address: std::mem::take(&mut c.addresses).into_iter().next().map(|(_, a)| a).unwrap_or_default(),
            employees: c.employees,
            annual_revenue: c.revenue,
            owner: c.owner.take().unwrap_or_default(),
            tags: std::mem::take(&mut c.tags),
            ..Default::default()
        };
        account.address.label = None;
        if let Some(cur) = c.currency {
            account.currency = cur;
        }
        if let Some(s) = c.status.take() {
            match s.parse() {
                Ok(status) => account.status = status,
                Err(e) => self.field_soft(c, e, &s),
            }
        }
        self.check(&account);
        account
    }

    fn lead(&mut self, c: &mut Cells) -> Lead {
        let (first_name, last_name) = Row::names(c);
        let mut lead = Lead {
            first_name,
            last_name,
            company: c.company.clone(),
            title: c.title.take(),
            email: c.emails.first().map(|e| e.address.clone()),
            phone: c.phones.first().map(|p| p.number.clone()),
            owner: c.owner.take().unwrap_or_default(),
            ..Default::default()
        };
        if !self.options.strict {
            kept::lead(&mut lead).into_iter().for_each(|k| self.kept(c, k));
        }
        // A lead's company is its own text, not a link: the company column is not an account.
        c.company = None;
        // Checked against the database's lead sources (and the words other CRMs use for them)
        // when the lead is stored.
        lead.source = c.source.take();
        if let Some(s) = c.status.take() {
            match s.parse() {
                Ok(status) => lead.status = status,
                Err(e) => self.field_soft(c, e, &s),
            }
        }
        // A lead the file says was converted: what it became is found when it is brought in
        // (a conversion with no records yet stands for that).
        if lead.status == LeadStatus::Converted {
            let at = c.converted_at.unwrap_or_else(Timestamp::now);
            lead.converted = Some(LeadConversion { account: 0, contact: 0, opportunity: None, at });
        }
        if let Some(s) = c.rating.take() {
            match s.parse() {
                Ok(rating) => lead.rating = Some(rating),
                Err(e) => self.field_soft(c, e, &s),
            }
        }
        self.check(&lead);
        lead
    }

    fn opportunity(&mut self, c: &mut Cells) -> Opportunity {
        if c.company.is_none() {
            self.missing("account", &[Field::Company], "every deal belongs to an account");
        }
        let Some(close_date) = c.date else {
            self.missing("close date", &[Field::Date], "a deal needs the date it is expected to close");
            return Opportunity::default();
        };
        let mut o = Opportunity {
            name: c.name.take().unwrap_or_default(),
            amount: c.amount.unwrap_or_default(),
            close_date,
            probability: c.probability.unwrap_or_default(),
            probability_manual: c.probability.is_some(),
            next_step: c.next_step.take(),
            next_step_date: c.next_step_date,
            closed_on: c.closed_on,
            lost_reason: c.lost_reason.take(),
            owner: c.owner.take().unwrap_or_default(),
            ..Default::default()
        };
        if let Some(cur) = c.currency {
            o.currency = cur;
        }
        // Checked against the database's lead sources when the deal is stored, as for leads.
        o.lead_source = c.source.take();
        self.check(&o);
        o
    }

    fn task(&mut self, c: &mut Cells) -> Task {
        let mut t = Task {
            title: c.name.take().unwrap_or_default(),
            due: c.date,
            priority: c.priority.unwrap_or_default(),
            notes: c.take_notes(),
            owner: c.owner.take().unwrap_or_default(),
            completed_at: c.completed,
            ..Default::default()
        };
        if let Some(s) = c.status.take() {
            match task_status(&s) {
                Ok(status) => t.status = status,
                Err(e) => self.field_soft(c, e, &s),
            }
        }
        self.check(&t);
        t
    }

    fn call(&mut self, c: &mut Cells) -> Call {
        if !c.refs.iter().any(|r| r.kind == Kind::Contact) {
            self.missing("contact", &[Field::Contact], "a call is with a contact: give their email or name");
        }
        let Some(started_at) = c.at else {
            self.missing("time", &[Field::Date], "a call needs the time it began");
            return Call::default();
        };
        let call = Call {
            started_at,
            duration_secs: c.duration.unwrap_or_default(),
            direction: c.direction.unwrap_or_default(),
            outcome: c.outcome.unwrap_or_default(),
            notes: c.take_notes(),
            owner: c.owner.take().unwrap_or_default(),
            ..Default::default()
        };
        self.check(&call);
        call
    }

    fn product(&mut self, c: &mut Cells) -> Product {
        let mut p = Product {
            name: c.name.take().unwrap_or_default(),
            sku: c.sku.take(),
            price: c.amount.unwrap_or_default(),
            active: c.active.unwrap_or(true),
            description: c.take_notes(),
            ..Default::default()
        };
        if let Some(cur) = c.currency {
            p.currency = cur;
        }
        self.check(&p);
        p
    }

    /// Reports a required value the row lacks (`what`, held by one of `fields`), on its column
    /// when the file has one (unless its cell was reported already as not readable).
    fn missing(&mut self, what: &str, fields: &[Field], why: &str) {
        match self.fields.iter().position(|f| f.as_ref().is_some_and(|f| fields.contains(f))) {
            Some(at) if self.problems.iter().any(|p| p.column.as_ref() == self.headers.get(at)) => {}
            Some(at) => self.problem(at, format!("is empty: {why}")),
            None => self.problems.push(RowProblem {
                line: self.line,
                column: None,
                message: format!("no {what}: {why}; map a column to it with --map COLUMN={}", fields[0]),
            }),
        }
    }

    /// Reports what the record's own rules say is wrong, naming the column of the field.
    fn check(&mut self, record: &impl Record) {
        if let Err(e) = record.validate() {
            self.field_problem(e);
        }
    }

    /// The column that fills the record field a validation error names.
    fn column_of(&self, e: &ValidationError) -> Option<usize> {
        let field = Field::parse(&e.field).map(|f| std::mem::discriminant(&f.for_kind(self.kind)));
        self.fields.iter().position(|f| f.as_ref().map(std::mem::discriminant) == field && field.is_some())
    }

    /// A word of a record field that is not one of its values (`value`, a status or rating):
    /// kept in the note with a warning, as [`Row::soft`] does.
    fn field_soft(&mut self, c: &mut Cells, e: ValidationError, value: &str) {
        match self.column_of(&e) {
            Some(at) => self.soft(c, at, value, format!("{}: {}", e.field, e.message)),
            None => self.field_problem(e),
        }
    }

    /// A problem with a record field, put on the column that fills it.
    fn field_problem(&mut self, e: ValidationError) {
        match self.column_of(&e) {
            Some(at) => self.problem(at, format!("{}: {}", e.field, e.message)),
            None => self.problems.push(RowProblem { line: self.line, column: None, message: e.to_string() }),
        }
    }
}

/// A date as files write it: the `custom` chrono form if given, else ISO, year/month/day with
/// slashes, Outlook's month/day/year or vCard's `YYYYMMDD`; a time after it is ignored. Outlook's
/// "0/0/00" means none; a date without a year (Google's "--02-29", vCard's "--0229") cannot be
/// kept and is left out, with a note naming `line`.
fn read_date(v: &str, custom: Option<&str>, line: u64, notes: &mut Vec<String>) -> Result<Option<Date>, String> {
    if v == "0/0/00" || v == "0/0/0000" {
        return Ok(None);
    }
    if v.starts_with("--") {
        notes.push(format!("line {line}: the birthday {v} has no year and was left out"));
        return Ok(None);
    }
    let head = v.split(['T', ' ']).next().unwrap_or(v);
    let forms = custom.into_iter().chain(["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%Y%m%d"]);
    for form in forms {
        let parsed = NaiveDate::parse_from_str(v, form).or_else(|_| NaiveDate::parse_from_str(head, form));
        if let Some(d) = parsed.ok().and_then(Date::checked) {
            return Ok(Some(d));
        }
    }
    let hint = custom
        .map_or("use YYYY-MM-DD or M/D/YYYY, or say the form with --date-format (like %d.%m.%Y)".into(), |f| {
            format!("it does not match --date-format {f}")
        });
    Err(format!("'{v}' is not a date: {hint}"))
}

/// A label as a label column writes it: Google's own words (`* Mobile`, `Work`) in lower case,
/// as rolo writes labels; one of the user's own (`Assistant`) as written.
fn label_text(cell: &str) -> String {
    let label = cell_text(cell).trim_start_matches('*').trim();
    const WORDS: &[&str] = &["mobile", "work", "home", "other", "main", "fax", "pager", "work fax", "home fax"];
    let lower = label.to_lowercase();
    if WORDS.contains(&lower.as_str()) { lower } else { label.to_string() }
}

/// The text of a cell, trimmed, without the `'` that `rolo export` puts before
/// a cell that starts like a formula (`'=SUM(A1)`, `'+44 20 7946 0018`); see [`crate::export::neutralise`].
fn cell_text(cell: &str) -> &str {
    crate::export::unguard(cell.trim()).trim()
}

/// The values of a cell holding several: Google's " ::: ", or semicolons, or (when `commas`)
/// commas.
fn split(v: &str, commas: bool) -> Vec<String> {
    let parts: Vec<&str> = if v.contains(":::") {
        v.split(":::").collect()
    } else if v.contains(';') {
        v.split(';').collect()
    } else if commas {
        v.split(',').collect()
    } else {
        vec![v]
    };
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// An amount as spreadsheets write it: `12,000.50`, `$ 12000`, `€99`.
fn money(v: &str) -> Result<Amount, String> {
    Amount::parse(&v.replace([',', ' ', '$', '€', '£'], ""))
        .map_err(|_| format!("'{v}' is not an amount: write it like 12000 or 12000.50"))
}

/// How urgent a task is, as other tools say it ("Medium", "Urgent").
fn priority(v: &str) -> Result<Priority, ValidationError> {
    match columns::normal(v).as_str() {
        "medium" | "none" | "normal" => Ok(Priority::Normal),
        "urgent" | "highest" | "critical" => Ok(Priority::High),
        "lowest" => Ok(Priority::Low),
        _ => v.parse(),
    }
}

/// Where a task stands, as other tools say it ("Not Started", "Completed", "Deferred").
fn task_status(v: &str) -> Result<TaskStatus, ValidationError> {
    match columns::normal(v).as_str() {
        "notstarted" | "todo" | "new" | "deferred" | "waitingonsomeoneelse" | "waiting" | "pending" => {
            Ok(TaskStatus::Open)
        }
        "started" | "inprogress" | "ongoing" => Ok(TaskStatus::InProgress),
        "completed" | "complete" | "closed" | "finished" => Ok(TaskStatus::Done),
        "canceled" => Ok(TaskStatus::Cancelled),
        _ => v.parse(),
    }
}

/// Who phoned whom, as other tools say it ("Inbound", "Outgoing").
fn direction(v: &str) -> Result<CallDirection, ValidationError> {
    match columns::normal(v).as_str() {
        "inbound" | "incoming" | "received" => Ok(CallDirection::In),
        "outbound" | "outgoing" | "placed" | "dialed" => Ok(CallDirection::Out),
        _ => v.parse(),
    }
}

/// How a call went, as other tools say it ("Left voicemail", "No Answer", "Answered").
fn outcome(v: &str) -> Result<CallOutcome, ValidationError> {
    match columns::normal(v).as_str() {
        "answered" | "completed" | "leftlivemessage" | "reached" => Ok(CallOutcome::Connected),
        "leftvoicemail" | "leftmessage" | "voicemail" | "voicemailleft" => Ok(CallOutcome::Voicemail),
        "noanswer" | "unanswered" | "missed" => Ok(CallOutcome::NoAnswer),
        _ => v.parse(),
    }
}

/// A call's length: seconds (`300`), `5m`, `1h30m`, or a clock reading `0:05:00` / `5:00`.
fn duration(v: &str) -> Result<u32, String> {
    let parts: Option<Vec<u64>> = v.split(':').map(|p| p.trim().parse::<u32>().ok().map(u64::from)).collect();
    let secs = match parts.as_deref() {
        Some([m, s]) => m * 60 + s,
        Some([h, m, s]) => h * 3600 + m * 60 + s,
        _ => return crate::model::parse_duration(v),
    };
    u32::try_from(secs).map_err(|_| format!("'{v}' is not a duration: write it like 90s, 5m or 1:30:00"))
}

/// Yes or no as exports write it.
fn yes_no(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "on" => Some(true),
        "no" | "n" | "false" | "0" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_is_read_with_or_without_a_byte_order_mark_and_other_text_is_left_alone() {
        let text = "First Name,Last Name\r\nZoë,Ōta\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(from_utf16(&le).as_deref(), Some(text), "little-endian without a mark");
        assert_eq!(from_utf16(&be).as_deref(), Some(text), "big-endian without a mark");
        let marked: Vec<u8> = [0xff, 0xfe].into_iter().chain(le).collect();
        assert_eq!(from_utf16(&marked).as_deref(), Some(text));
        assert_eq!(from_utf16(text.as_bytes()), None);
        assert_eq!(from_utf16("Zoë,Ōta\n".as_bytes()), None);
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opened_and_plain_quotes_are_text() {
        assert_eq!(unclosed_quote("a,b\n1,\"x,y\n2,z\n", b','), Some(2));
        assert_eq!(unclosed_quote("a,b\n\"Lee, \"\"Al\"\"\",x\n", b','), None, "doubled quotes inside a cell");
        assert_eq!(unclosed_quote("a,b\nMonitor 27\",x\n", b','), None, "a quote inside plain text");
        assert_eq!(unclosed_quote("a;b\n1;\"two\nlines\";3\n", b';'), None, "a closed cell over two lines");
    }
}
