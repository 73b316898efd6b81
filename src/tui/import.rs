//! The import wizard: a CSV file's columns with the field each is mapped to and its first
//! values, fixed by hand where the guess is wrong (a vCard file needs no mapping); a check that
//! runs the whole import without writing and lists every bad line; then the import itself on a
//! worker thread, with a gauge. The reading, mapping and writing are the same code as
//! `rolo import`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use super::theme::Theme;
use super::widgets::{grid, popup};
use crate::crm::{Crm, ImportReport, OnDuplicate};
use crate::import::columns::FIELD_NAMES as FIELD_DESCRIPTIONS;
use crate::import::columns::{self, FIELD_NAMES, Field};
use crate::import::{Format, ImportError, KINDS, Mapping, Options};
use crate::model::Kind;
use crate::text::{sanitize, truncate, width};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, TableState, Wrap};

/// How many rows of the file the mapping table shows as examples.
const SAMPLE_ROWS: usize = 3;

/// Where the wizard is.
#[derive(Debug)]
pub enum Step {
    /// Columns and fields on show; the user fixes the mapping.
    Mapping,
    /// The import is being rehearsed (nothing written).
    Checking,
    /// The rehearsal passed: what the import will do, and the warnings to read first (values
    /// kept as written, columns and properties left out).
    Ready(ImportReport, Vec<String>),
    /// The rehearsal failed: every problem, one per line.
    Refused(Vec<String>),
    /// The import is running.
    Importing,
    /// The import is done.
    Done(ImportReport),
}

/// A field being picked for the selected column.
#[derive(Debug, Default)]
pub struct FieldPicker {
    /// What was typed to narrow the fields.
    pub query: super::line::LineField,
    /// The selected entry of [`FieldPicker::choices`].
    pub selected: usize,
}

/// The state of the import wizard.
#[derive(Debug)]
pub struct ImportWizard {
    /// The file.
    pub path: PathBuf,
    /// Whether it holds vCards (contacts, no columns to map) rather than CSV.
    pub vcard: bool,
    /// Whether its bytes are not UTF-8, so read as Windows-1252.
    pub latin1: bool,
    /// What its rows become.
    pub kind: Kind,
    /// What to do with a row that matches an existing record.
    pub policy: OnDuplicate,
    /// The column names.
    pub headers: Vec<String>,
    /// The first rows' cells, per column.
    pub samples: Vec<Vec<String>>,
    /// The field chosen per column (`None`: left out).
    pub fields: Vec<Option<Field>>,
    /// Columns whose field was chosen by hand.
    pub chosen: Vec<bool>,
    /// The selected column.
    pub selected: usize,
    /// The selected line of a problem list or report, for scrolling.
    pub scroll: usize,
    /// The field picker, while open.
    pub picker: Option<FieldPicker>,
    /// Where the wizard is.
    pub step: Step,
    /// The kind of the records the last import made, kept whatever is done after it (another
    /// kind, another mapping): what to show once the wizard closes.
    pub imported: Option<Kind>,
    /// Why the mapping cannot be used as it is, if it cannot.
    pub error: Option<String>,
    /// Rows read so far by the running check or import.
    pub progress: Arc<AtomicUsize>,
    /// About how many rows the file holds (exactly, once all are read).
    pub total: Arc<AtomicUsize>,
    job: Option<Receiver<Result<crate::import::Outcome, ImportError>>>,
}

impl ImportWizard {
    /// Reads the header and the first rows of the file at `path` and guesses the fields of
    /// `kind`. A file that cannot be read as CSV is an error naming why.
    pub fn open(path: PathBuf, kind: Kind) -> Result<ImportWizard, ImportError> {
        let bytes = crate::import::read_file(&path)?;
        let mut wizard = ImportWizard {
            path,
            vcard: false,
            latin1: false,
            kind,
            policy: OnDuplicate::Skip,
            fields: Vec::new(),
            chosen: Vec::new(),
            headers: Vec::new(),
            samples: Vec::new(),
            selected: 0,
            scroll: 0,
            picker: None,
            step: Step::Mapping,
            imported: None,
            error: None,
            progress: Arc::new(AtomicUsize::new(0)),
            total: Arc::new(AtomicUsize::new(0)),
            job: None,
        };
        // Older spreadsheets and phones write Windows-1252: such a file is read (and imported) as
        // that, rather than refused.
        wizard.latin1 = std::str::from_utf8(&bytes).is_err();
        if Format::of(&wizard.path, &bytes) == Format::Vcard {
            wizard.vcard = true;
            wizard.kind = Kind::Contact;
            wizard.total.store(crate::import::cards_in(&bytes), Ordering::Relaxed);
            return Ok(wizard);
        }
        let file = crate::import::read_csv(bytes, wizard.latin1)?;
        let mut samples = vec![Vec::new(); file.headers.len()];
        for row in file.rows().take(SAMPLE_ROWS) {
            let (_, cells) = row?;
            for (column, cell) in samples.iter_mut().zip(cells.iter()) {
                column.push(cell.to_string());
            }
        }
        wizard.total.store(file.approximate_rows(), Ordering::Relaxed);
        wizard.chosen = vec![false; file.headers.len()];
        wizard.headers = file.headers;
        wizard.samples = samples;
        wizard.guess();
        Ok(wizard)
    }

    /// Guesses every field not chosen by hand, and says whether the mapping can be used.
    fn guess(&mut self) {
        let mapping = Mapping::new(self.kind, &self.headers, &self.overrides());
        // The wizard's own choices always fit the kind, so the one refusal left is a mapping
        // that names nobody.
        self.error = mapping.as_ref().err().map(|_| {
            let what = if self.kind == Kind::Account { "name" } else { "last (or name)" };
            format!("no column holds the {}'s name: choose {what} for one (Enter on it)", self.kind)
        });
        self.fields = match mapping {
            Ok(m) => m.fields,
            Err(_) => (0..self.headers.len())
                .map(|i| match self.chosen[i] {
                    true => self.fields.get(i).cloned().flatten(),
                    false => columns::guess(self.kind, &self.headers[i]),
                })
                .collect(),
        };
    }

    /// The fields chosen by hand, as `--map COLUMN=FIELD` pairs.
    fn overrides(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .zip(&self.chosen)
            .zip(&self.fields)
            .filter(|((_, chosen), _)| **chosen)
            .map(|((h, _), f)| (h.clone(), f.as_ref().map_or("ignore".to_string(), ToString::to_string)))
            .collect()
    }

    /// Imports as the next kind (contacts, accounts, leads, deals...), guessing the fields
    /// again. A vCard file holds contacts only.
    pub fn next_kind(&mut self) {
        if self.vcard {
            return;
        }
        let at = KINDS.iter().position(|&k| k == self.kind).map_or(0, |i| (i + 1) % KINDS.len());
        self.kind = KINDS[at];
        self.chosen.iter_mut().for_each(|c| *c = false);
        self.step = Step::Mapping;
        self.guess();
    }

    /// Settles duplicates the next way: skip, merge, create.
    pub fn next_policy(&mut self) {
        self.policy = match self.policy {
            OnDuplicate::Skip => OnDuplicate::Merge,
            OnDuplicate::Merge => OnDuplicate::Create,
            OnDuplicate::Create => OnDuplicate::Skip,
        };
        self.step = Step::Mapping;
    }

    /// Moves the column selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = super::stepped(self.selected, delta, self.headers.len());
    }

    /// Scrolls the list of problems, clamped.
    pub fn scroll_by(&mut self, delta: isize) {
        let len = match &self.step {
            Step::Refused(lines) | Step::Ready(_, lines) => lines.len(),
            _ => 0,
        };
        self.scroll = super::stepped(self.scroll, delta, len);
    }

    /// The field names the picker offers for this kind, "ignore" last.
    pub fn choices(&self) -> Vec<&'static str> {
        let query = self.picker.as_ref().map_or("", |p| p.query.value());
        let names: Vec<&'static str> = FIELD_NAMES
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| Field::parse(n).is_some_and(|f| f.fits(self.kind) && f != Field::Ignore))
            .chain(["ignore"])
            .collect();
        if query.is_empty() {
            return names;
        }
        let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        crate::search::rank_items(query, &owned).into_iter().map(|i| names[i]).collect()
    }

    /// Opens the field picker on the selected column.
    pub fn pick(&mut self) {
        if matches!(self.step, Step::Mapping | Step::Ready(..) | Step::Refused(_))
            && !self.headers.is_empty()
            && !self.vcard
        {
            // The column's field is selected to begin with.
            let current =
                self.fields.get(self.selected).cloned().flatten().map_or("ignore".to_string(), |f| f.to_string());
            let selected = self.choices().iter().position(|c| *c == current).unwrap_or(0);
            self.picker = Some(FieldPicker { query: Default::default(), selected });
        }
    }

    /// Gives the selected column the picked field and closes the picker.
    pub fn choose(&mut self, name: &str) {
        self.picker = None;
        let Some(field) = Field::parse(name) else { return };
        if let Some(slot) = self.fields.get_mut(self.selected) {
            *slot = (field != Field::Ignore).then_some(field);
            self.chosen[self.selected] = true;
        }
        self.step = Step::Mapping;
        self.guess();
    }

    /// Rehearses the import on a worker thread (from the mapping), or runs it for real (once the
    /// rehearsal passed).
    pub fn run(&mut self, crm: &Arc<Crm>) {
        if self.job.is_some() || self.error.is_some() {
            return;
        }
        let dry_run = match self.step {
            Step::Mapping | Step::Refused(_) => true,
            Step::Ready(..) => false,
            Step::Checking | Step::Importing | Step::Done(_) => return,
        };
        self.step = if dry_run { Step::Checking } else { Step::Importing };
        self.progress.store(0, Ordering::Relaxed);
        let (tx, rx) = channel();
        let (crm, kind, path, policy) = (crm.clone(), self.kind, self.path.clone(), self.policy);
        let options = Options {
            map: self.overrides(),
            latin1: self.latin1,
            currency: Some(crm.session().currency()),
            ..Options::default()
        };
        let (progress, total) = (self.progress.clone(), self.total.clone());
        crate::tui::background::spawn(move || {
            let seen = |done: usize, all: usize| {
                progress.store(done, Ordering::Relaxed);
                total.store(all, Ordering::Relaxed);
            };
            let _ = tx.send(crate::import::file(&crm, kind, &path, &options, policy, dry_run, seen));
        });
        self.job = Some(rx);
    }

    /// Takes the answer of the running check or import, if it came. Returns the report of a
    /// finished import (the caller refreshes its lists).
    pub fn poll(&mut self) -> Option<ImportReport> {
        let answer = self.job.as_ref()?.try_recv().ok()?;
        self.job = None;
        self.scroll = 0;
        let importing = matches!(self.step, Step::Importing);
        match answer {
            Ok(outcome) if importing => {
                self.imported = Some(self.kind);
                self.step = Step::Done(outcome.report.clone());
                Some(outcome.report)
            }
            Ok(outcome) => {
                self.step = Step::Ready(outcome.report, outcome.notes);
                None
            }
            Err(ImportError::Crm(crate::crm::CrmError::Rejected(problems))) => {
                self.step = Step::Refused(problems.iter().map(ToString::to_string).collect());
                None
            }
            Err(e) => {
                self.step = Step::Refused(vec![e.to_string()]);
                None
            }
        }
    }

    /// Whether a check or an import is running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// The file's name, for titles.
    pub fn file_name(&self) -> String {
        self.path.file_name().map_or(self.path.as_os_str(), |n| n).to_string_lossy().into_owned()
    }
}

/// One line saying what an import did (or would do).
pub fn summary(kind: Kind, r: &ImportReport) -> String {
    use crate::text::count;
    let (create, merge, skip) =
        if r.dry_run { ("would create", "merge", "skip") } else { ("created", "merged", "skipped") };
    let mut said = format!("{create} {}", count(r.created.len(), kind.name(), kind.plural()));
    if !r.merged.is_empty() {
        said.push_str(&format!(", {merge} {}", count(r.merged.len(), "duplicate", "duplicates")));
    }
    if !r.skipped.is_empty() {
        said.push_str(&format!(", {skip} {}", count(r.skipped.len(), "duplicate", "duplicates")));
    }
    if !r.possible.is_empty() {
        said.push_str(&format!(", {} (g D)", count(r.possible.len(), "possible duplicate", "possible duplicates")));
    }
    if !r.accounts_created.is_empty() {
        let accounts = count(r.accounts_created.len(), "new account", "new accounts");
        said.push_str(&if r.dry_run { format!(", add {accounts}") } else { format!(", {accounts}") });
    }
    said
}

/// The import wizard: the columns with their fields and first values, then what the check or
/// the import found, or its progress.
pub fn draw(f: &mut Frame, area: Rect, w: &ImportWizard, theme: &Theme) {
    use super::import::Step;
    let policy = match w.policy {
        crate::crm::OnDuplicate::Skip => "skip",
        crate::crm::OnDuplicate::Merge => "merge",
        crate::crm::OnDuplicate::Create => "create",
    };
    let total = w.total.load(std::sync::atomic::Ordering::Relaxed);
    let title = if w.vcard {
        let cards = crate::text::count(total, "card", "cards");
        format!(" Import {} (vCard: {cards}) as contacts · duplicates: {policy} (o) ", sanitize(&w.file_name()))
    } else {
        format!(
            " Import {} as {} (t) · duplicates: {policy} (o) · about {} ",
            sanitize(&w.file_name()),
            w.kind.plural(),
            crate::text::count(total, "row", "rows")
        )
    };
    let block = Block::new().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let below = match &w.step {
        // Room for every problem or warning, each as many rows as it wraps to, up to half.
        Step::Refused(lines) | Step::Ready(_, lines) => {
            let room = (inner.width as usize).max(1);
            let rows: usize = lines.iter().map(|l| width(l).div_ceil(room).max(1)).sum();
            (rows.min(u16::MAX as usize) as u16).saturating_add(2).clamp(4, (inner.height / 2).max(4))
        }
        _ => 4,
    };
    let [top, bottom] = Layout::vertical([Constraint::Min(3), Constraint::Length(below)]).areas(inner);
    let rows = w.headers.iter().enumerate().map(|(i, h)| {
        let field = match (&w.fields[i], w.chosen[i]) {
            (Some(f), true) => format!("{f} *"),
            (Some(f), false) => f.to_string(),
            (None, true) => "— left out *".to_string(),
            (None, false) => "— left out".to_string(),
        };
        let samples = w.samples[i]
            .iter()
            .map(|s| if s.trim().is_empty() { "–".to_string() } else { s.clone() })
            .collect::<Vec<_>>()
            .join(" · ");
        let style = match (i == w.selected, w.fields[i].is_some()) {
            (true, _) => theme.focus(),
            (false, true) => theme.text(),
            (false, false) => theme.dim(),
        };
        (vec![h.clone(), field, samples], style)
    });
    let widths = [Constraint::Fill(2), Constraint::Length(16), Constraint::Fill(5)];
    if w.vcard {
        let text = "Each card becomes a contact: names, emails and phones with their labels, addresses, \
                    company (an account, matched or made), birthday, note and categories.";
        f.render_widget(Paragraph::new(Line::styled(text, theme.text())).wrap(Wrap { trim: true }), top);
    } else {
        let mut state = TableState::new().with_selected(Some(w.selected));
        let table = grid(top.width, &widths, &["COLUMN", "FIELD", "FIRST ROWS"], &[], theme.dim(), rows);
        f.render_stateful_widget(table, top, &mut state);
    }
    let progress = |verb: &str| {
        let done = w.progress.load(std::sync::atomic::Ordering::Relaxed);
        let ratio = if total == 0 { 0.0 } else { (done as f64 / total as f64).min(1.0) };
        // Every row read: what is left is writing (or, for a check, throwing away) the transaction.
        let label = if done > 0 && done >= total {
            format!("{verb}: all {done} rows read, finishing…")
        } else {
            format!("{verb} {done} of about {total} rows")
        };
        ratatui::widgets::Gauge::default().gauge_style(theme.focus()).ratio(ratio).label(label)
    };
    let [first, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(bottom);
    let line = |text: String, style: Style| Paragraph::new(Line::styled(text, style)).wrap(Wrap { trim: true });
    match &w.step {
        Step::Mapping => match &w.error {
            Some(e) => f.render_widget(line(e.clone(), theme.error()), bottom),
            None if w.vcard => f.render_widget(
                line("Ctrl-S checks the whole file; nothing is written until you import.".into(), theme.dim()),
                bottom,
            ),
            None => f.render_widget(
                line(
                    "Enter changes a column's field (* = chosen by hand). Ctrl-S checks the whole file; nothing is written until you import.".into(),
                    theme.dim(),
                ),
                bottom,
            ),
        },
        Step::Checking => f.render_widget(progress("checking"), first),
        Step::Importing => f.render_widget(progress("importing"), first),
        Step::Ready(r, warnings) => {
            let said = super::import::summary(w.kind, r);
            f.render_widget(line(format!("The file is fine: it {said}."), theme.ok()), first);
            let hint = if warnings.is_empty() {
                "Ctrl-S imports it, in one transaction; Esc leaves."
            } else {
                "Ctrl-S imports it, in one transaction, warnings and all; Ctrl-D / Ctrl-U scroll them; Esc leaves."
            };
            let mut lines = vec![Line::styled(hint, theme.dim())];
            lines.extend(warnings.iter().skip(w.scroll).map(|p| Line::styled(sanitize(p).into_owned(), theme.text())));
            // A long warning wraps: it names the line, the column and what was done.
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
        }
        Step::Done(r) => {
            let said = super::import::summary(w.kind, r);
            f.render_widget(line(format!("Imported: {said}."), theme.ok()), first);
            let next = if r.skipped.is_empty() && r.merged.is_empty() {
                "Esc shows them."
            } else {
                "Esc shows them; g D lists people who may be the same, to merge."
            };
            f.render_widget(line(next.into(), theme.dim()), rest);
        }
        Step::Refused(problems) => {
            let head = format!(
                "{}; nothing was written. Fix the mapping (Enter on a column) or the file, then Ctrl-S again.",
                crate::text::count(problems.len(), "problem", "problems")
            );
            f.render_widget(line(head, theme.error()), first);
            let lines: Vec<Line> = problems.iter().skip(w.scroll).map(|p| Line::raw(sanitize(p).into_owned())).collect();
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
        }
    }
    if let Some(picker) = &w.picker {
        let choices = w.choices();
        let column = w.headers.get(w.selected).map_or(String::new(), |h| sanitize(h).into_owned());
        let inner = popup(f, area, 44, (choices.len() as u16 + 3).min(area.height), &format!("Field of {column}"));
        let mut lines = vec![picker.query.after(Span::styled("> ", theme.title()), inner.width as usize)];
        let shown = (inner.height as usize).saturating_sub(1).max(1);
        let first = picker.selected.saturating_sub(shown - 1);
        lines.extend(choices.iter().enumerate().skip(first).take(shown).map(|(i, c)| {
            let described = FIELD_DESCRIPTIONS.iter().find(|(n, _)| n == c).map_or("", |(_, d)| d);
            let text = format!("{c:<14} {described}");
            Line::styled(
                truncate(&text, inner.width as usize),
                if i == picker.selected { theme.focus() } else { theme.text() },
            )
        }));
        f.render_widget(Paragraph::new(lines), inner);
    }
}
