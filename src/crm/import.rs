//! Bringing many records in at once: all of them in one transaction or none, accounts matched or
//! created by name, the other records a row names (a deal's stage, a task's contact) found, and
//! duplicates of what is already there (or earlier in the same file) found and skipped, merged or
//! created as the caller says.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use super::sales::{closing_day, find_stage, place_in_stage};
use super::{Crm, CrmError, Result, Tx};
use crate::model::{
    Account, Call, Campaign, Consent, Contact, Id, Kind, Lead, LeadConversion, LeadStatus, Note, Opportunity, Product,
    Project, Record, RecordRef, Stage, StageOutcome, Task,
};
use crate::store::{Indexed, Read};

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
    /// rows).
    pub fn import(
        &self,
        rows: impl IntoIterator<Item = std::result::Result<Incoming, Vec<RowProblem>>>,
        policy: OnDuplicate,
        dry_run: bool,
        progress: &mut dyn FnMut(usize, bool),
    ) -> Result<ImportReport> {
        let summary = format!("imported by {}", self.user());
        let run = |tx: &mut Tx| Importer::new(tx, policy)?.run(rows, progress);
        let mut report = if dry_run { self.rehearse_bulk(&summary, run)? } else { self.write_bulk(&summary, run)? };
        report.dry_run = dry_run;
        Ok(report)
    }
}

/// Keys by which two people are the same person.
#[derive(Default)]
pub(super) struct People {
    emails: HashMap<String, Id>,
    /// Numbers written with their country code, in full (`+96123456789`).
    phones: HashMap<String, Id>,
    /// The last nine digits of numbers written with a country code [0], and without one [1].
    tails: [HashMap<String, Id>; 2],
    names: HashMap<(String, Option<Id>), Id>,
    /// Each known person's folded name, to tell whether a shared phone is theirs.
    name_of: HashMap<Id, String>,
}

/// How surely a contact is someone already known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Likeness {
    /// The same email, the same name at one company, or the same phone and name.
    Same,
    /// Only a phone in common (an office line people share): a possible duplicate, to look at.
    Maybe,
}

impl People {
    /// Remembers a contact's keys (the first holder of a key keeps it).
    pub(super) fn learn(&mut self, c: &Contact) {
        for e in &c.emails {
            self.emails.entry(e.address.trim().to_lowercase()).or_insert(c.id);
        }
        for p in &c.phones {
            let key = PhoneKey::of(&p.number);
            if let Some(full) = key.full {
                self.phones.entry(full).or_insert(c.id);
            }
            if let Some(tail) = key.tail {
                self.tails[usize::from(key.national)].entry(tail).or_insert(c.id);
            }
        }
        self.names.entry((name_key(&c.full_name()), c.account)).or_insert(c.id);
        self.name_of.entry(c.id).or_insert_with(|| name_key(&c.full_name()));
    }

    /// The contact `c` duplicates, why, and how surely.
    pub(super) fn find(&self, c: &Contact) -> Option<(Id, String, Likeness)> {
        for e in &c.emails {
            if let Some(&id) = self.emails.get(&e.address.trim().to_lowercase()) {
                return Some((id, format!("same email {}", e.address), Likeness::Same));
            }
        }
        let name = name_key(&c.full_name());
        if let Some(&id) = self.names.get(&(name.clone(), c.account)) {
            return Some((id, format!("same name {} at the same company", c.full_name()), Likeness::Same));
        }
        let mut maybe = None;
        for p in &c.phones {
            let key = PhoneKey::of(&p.number);
            // A number with its country code meets the same number in full, or one written
            // without a country code by its last nine digits; without one, any by those digits.
            let full = key.full.as_ref().and_then(|f| self.phones.get(f));
            let national = key.tail.as_ref().and_then(|t| self.tails[1].get(t));
            let international = key.tail.as_ref().filter(|_| key.national).and_then(|t| self.tails[0].get(t));
            if let Some(&id) = full.or(national).or(international) {
                if self.name_of.get(&id).is_some_and(|known| names_agree(known, &name)) {
                    return Some((id, format!("same phone {} and name", p.number), Likeness::Same));
                }
                maybe.get_or_insert((id, format!("same phone {} (another name)", p.number), Likeness::Maybe));
            }
        }
        maybe
    }
}

/// A phone number as duplicates compare it: in full when written with its country code (`+`
/// or `00`), and by its last nine digits, so that "+44 20 7946 0018" and "020 7946 0018" meet
/// but "+96123456789" and "+123456789" do not. Numbers of fewer than seven digits are too
/// short to compare.
struct PhoneKey {
    full: Option<String>,
    tail: Option<String>,
    /// Written without a country code.
    national: bool,
}

impl PhoneKey {
    fn of(number: &str) -> PhoneKey {
        // An extension (`x102`, `ext. 102`) is not part of the line.
        let line = number.split(['x', 'X', ',', ';']).next().unwrap_or(number);
        let line = line.split("ext").next().unwrap_or(line).trim_start();
        let digits: String = line.chars().filter(char::is_ascii_digit).collect();
        let international = line.starts_with('+') || line.starts_with("00");
        if digits.len() < 7 {
            return PhoneKey { full: None, tail: None, national: !international };
        }
        let full = international.then(|| format!("+{}", digits.strip_prefix("00").unwrap_or(&digits)));
        let tail = Some(digits[digits.len().saturating_sub(9)..].to_string());
        PhoneKey { full, tail, national: !international }
    }

    /// Whether two numbers are one line.
    fn meets(&self, other: &PhoneKey) -> bool {
        match (&self.full, &other.full) {
            (Some(a), Some(b)) => a == b,
            _ => self.tail.is_some() && self.tail == other.tail,
        }
    }
}

/// Whether two folded names can be one person's: the same first word, and the rest the same
/// but for what one adds (`zoe obrien` and `zoe o'brien-muller`), letters only.
fn names_agree(a: &str, b: &str) -> bool {
    let split = |n: &str| {
        let mut words = n.split_whitespace();
        let first = words.next().unwrap_or_default().to_string();
        let rest: String = words.flat_map(str::chars).filter(|c| c.is_alphanumeric()).collect();
        (first, rest)
    };
    let ((first_a, rest_a), (first_b, rest_b)) = (split(a), split(b));
    first_a == first_b && (rest_a.starts_with(&rest_b) || rest_b.starts_with(&rest_a))
}

/// A name folded for comparison: lower case, accents and extra spaces gone.
fn name_key(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One import's state inside its transaction.
struct Importer<'t, 'a> {
    tx: &'t mut Tx<'a>,
    policy: OnDuplicate,
    /// Account ids by folded name: those there before, and those this import made.
    accounts: HashMap<String, Id>,
    people: Option<People>,
    /// Per kind (leads, deals, tasks, calls, products), the ids of records by their duplicate key.
    seen: HashMap<Kind, HashMap<String, Id>>,
    /// Per kind, the records rows may name.
    named: HashMap<Kind, Directory>,
    /// The pipeline stages in board order, once a deal needs them.
    stages: Option<Vec<Stage>>,
    /// The name of the account the current row names and nobody has yet.
    pending: Option<String>,
    report: ImportReport,
    problems: Vec<RowProblem>,
}

impl<'t, 'a> Importer<'t, 'a> {
    fn new(tx: &'t mut Tx<'a>, policy: OnDuplicate) -> Result<Importer<'t, 'a>> {
        let mut accounts = HashMap::default();
        for a in tx.read().all::<Account>(|_| true)? {
            accounts.entry(name_key(&a.name)).or_insert(a.id);
        }
        Ok(Importer {
            tx,
            policy,
            accounts,
            people: None,
            seen: HashMap::default(),
            named: HashMap::default(),
            stages: None,
            pending: None,
            report: ImportReport::default(),
            problems: Vec::new(),
        })
    }

    fn run(
        mut self,
        rows: impl IntoIterator<Item = std::result::Result<Incoming, Vec<RowProblem>>>,
        progress: &mut dyn FnMut(usize, bool),
    ) -> Result<ImportReport> {
        for (done, row) in rows.into_iter().enumerate() {
            self.report.rows += 1;
            let row = match row {
                Ok(row) => row,
                Err(mut problems) => {
                    self.problems.append(&mut problems);
                    continue;
                }
            };
            if !self.problems.is_empty() {
                // The import is lost already: only look for more problems.
                self.check(&row)?;
                continue;
            }
            let line = row.line;
            if let Err(e) = self.bring(row) {
                match e {
                    CrmError::Invalid(v) => {
                        self.problems.push(RowProblem { line, column: Some(v.field.clone()), message: v.message })
                    }
                    CrmError::Store(e) => return Err(CrmError::Store(e)),
                    other => self.problems.push(RowProblem { line, column: None, message: other.to_string() }),
                }
            }
            if done % 1000 == 999 {
                progress(done + 1, false);
            }
        }
        progress(self.report.rows, true);
        if !self.problems.is_empty() {
            return Err(CrmError::Rejected(self.problems));
        }
        Ok(self.report)
    }

    /// What the record's own rules say of a row, and whether the records it names exist, once
    /// nothing will be written anyway.
    fn check(&mut self, row: &Incoming) -> Result<()> {
        if let Err(v) = row.record.validate() {
            self.problems.push(RowProblem { line: row.line, column: Some(v.field), message: v.message });
        }
        let account = row.company.as_deref().and_then(|name| self.accounts.get(&name_key(name)).copied());
        self.find_all(row.line, &row.refs, account)?;
        Ok(())
    }

    /// Brings one row in.
    fn bring(&mut self, row: Incoming) -> Result<()> {
        // An account nobody has yet is made only once the row is kept (a skipped duplicate
        // creates nothing); until then the row names it by a number no record has.
        let name = row.company.as_deref().map(str::trim).filter(|c| !c.is_empty());
        self.pending = name.filter(|n| !self.accounts.contains_key(&name_key(n))).map(str::to_string);
        let account = name.map(|n| self.accounts.get(&name_key(n)).copied().unwrap_or(PENDING));
        let found = self.find_all(row.line, &row.refs, account)?;
        if !self.problems.is_empty() {
            return Ok(());
        }
        let link = |kind: Kind| found.iter().find(|(k, _)| *k == kind).map(|&(_, id)| id);
        let mut notes = row.notes;
        let made = match row.record {
            Arrival::Contact(mut c) => {
                c.account = c.account.or(account);
                self.contact(row.line, *c)?
            }
            Arrival::Account(a) => self.organisation(row.line, *a)?,
            Arrival::Lead(mut l) => {
                if l.company.is_none() {
                    l.company = row.company.clone();
                }
                if let Some(said) = converted(&mut l, &link, &row.refs) {
                    notes = Some(notes.map_or(said.clone(), |n| format!("{n}\n\n{said}")));
                }
                self.keyed(row.line, *l, lead_key, merge_lead)?
            }
            Arrival::Opportunity(mut o) => {
                o.account = account.unwrap_or_default();
                o.contact = link(Kind::Contact).or(o.contact);
                o.campaign = link(Kind::Campaign).or(o.campaign);
                let stage = self.stage(link(Kind::Stage))?;
                // A probability that is the stage's own is not one set by hand.
                o.probability_manual &= o.probability != stage.probability;
                let closed = closing_day(&o, self.tx.now().local_date());
                place_in_stage(&mut o, &stage, closed);
                self.keyed(row.line, *o, opportunity_key, merge_opportunity)?
            }
            Arrival::Task(mut t) => {
                t.account = account.or(t.account);
                t.contact = link(Kind::Contact).or(t.contact);
                t.lead = link(Kind::Lead).or(t.lead);
                t.opportunity = link(Kind::Opportunity).or(t.opportunity);
                t.project = link(Kind::Project).or(t.project);
                self.keyed(row.line, *t, task_key, merge_task)?
            }
            Arrival::Call(mut c) => {
                c.contact = link(Kind::Contact).unwrap_or(c.contact);
                self.keyed(row.line, *c, call_key, merge_call)?
            }
            Arrival::Product(p) => self.keyed(row.line, *p, product_key, merge_product)?,
        };
        if let (Some(target), Some(text)) = (made, notes.filter(|n| !n.trim().is_empty()))
            && !self.has_note(target, &text)?
        {
            self.tx.create(Note::new(target, &text))?;
        }
        Ok(())
    }

    /// Finds the records a row names, one of each kind: of several references to one kind (a
    /// contact's email and name), the first found. What cannot be found is a problem of `line`.
    fn find_all(&mut self, line: u64, refs: &[Reference], account: Option<Id>) -> Result<Vec<(Kind, Id)>> {
        let mut found: Vec<(Kind, Id)> = Vec::new();
        let mut missing: Vec<(Kind, RowProblem)> = Vec::new();
        // Emails first: they name one person where a name may name several.
        let mut refs: Vec<&Reference> = refs.iter().collect();
        refs.sort_by_key(|r| !r.text.contains('@'));
        for r in refs {
            if found.iter().any(|(k, _)| *k == r.kind) {
                continue;
            }
            match self.find(r, account)? {
                Ok(id) => {
                    found.push((r.kind, id));
                    missing.retain(|(k, _)| *k != r.kind);
                }
                Err(_) if r.optional => {}
                Err(message) if !missing.iter().any(|(k, _)| *k == r.kind) => {
                    missing.push((r.kind, RowProblem { line, column: r.column.clone(), message }));
                }
                Err(_) => {}
            }
        }
        self.problems.extend(missing.into_iter().map(|(_, p)| p));
        Ok(found)
    }

    /// The record `r` names (at `account` when several share the name), or what is wrong.
    fn find(&mut self, r: &Reference, account: Option<Id>) -> Result<std::result::Result<Id, String>> {
        if r.kind == Kind::Account {
            let id = self.accounts.get(&name_key(&r.text)).copied();
            return Ok(id.ok_or_else(|| format!("no account has the name '{}'", r.text.trim())));
        }
        if r.kind == Kind::Stage {
            return Ok(find_stage(self.stages()?, &r.text).map(|s| s.id).map_err(|e| match e {
                CrmError::Invalid(v) => v.message,
                other => other.to_string(),
            }));
        }
        if !self.named.contains_key(&r.kind) {
            let directory = Directory::of(self.tx.read(), r.kind)?;
            self.named.insert(r.kind, directory);
        }
        Ok(self.named[&r.kind].find(r.kind, &r.text, account))
    }

    /// The stages in board order, read once.
    fn stages(&mut self) -> Result<&[Stage]> {
        if self.stages.is_none() {
            let mut stages = self.tx.read().all::<Stage>(|_| true)?;
            stages.sort_by_key(|s| (s.order, s.id));
            self.stages = Some(stages);
        }
        Ok(self.stages.as_deref().unwrap_or_default())
    }

    /// The stage with id `id`, or without one the first open stage (where new deals start).
    fn stage(&mut self, id: Option<Id>) -> Result<Stage> {
        let stages = self.stages()?;
        let stage = match id {
            Some(id) => stages.iter().find(|s| s.id == id),
            None => stages.iter().find(|s| s.outcome == StageOutcome::Open),
        };
        stage.cloned().ok_or(CrmError::NoStage { outcome: crate::model::StageOutcome::Open })
    }

    /// Whether `target` (when it took in a duplicate) already has a note saying `text`.
    fn has_note(&mut self, target: RecordRef, text: &str) -> Result<bool> {
        if self.report.merged.last() != Some(&target.id) {
            return Ok(false);
        }
        for id in self.tx.index()?.linking(target, Kind::Note)? {
            if self.tx.get::<Note>(id)?.text == text.trim() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The id of the account called `name`, created when nobody has it.
    fn account(&mut self, name: &str) -> Result<Id> {
        let key = name_key(name);
        if let Some(&id) = self.accounts.get(&key) {
            return Ok(id);
        }
        let id = self.tx.create(Account { name: name.to_string(), ..Default::default() })?.id;
        self.accounts.insert(key, id);
        self.report.accounts_created.push(id);
        Ok(id)
    }

    /// Creates, merges or skips a contact; returns the record that notes go to.
    fn contact(&mut self, line: u64, c: Contact) -> Result<Option<RecordRef>> {
        if self.people.is_none() {
            let mut people = People::default();
            for existing in self.tx.read().all::<Contact>(|_| true)? {
                people.learn(&existing);
            }
            self.people = Some(people);
        }
        let found = match self.people.as_ref().and_then(|p| p.find(&c)) {
            Some((id, reason, Likeness::Maybe)) => {
                let existing = RecordRef::new(Kind::Contact, id);
                self.report.possible.push(Duplicate { line, existing, reason });
                None
            }
            Some((id, reason, Likeness::Same)) => Some((id, reason)),
            None => None,
        };
        let Some(target) = self.place(line, found, c, merge_contact)? else { return Ok(None) };
        if let Some(people) = &mut self.people {
            people.learn(&target);
        }
        Ok(Some(target.record_ref()))
    }

    fn organisation(&mut self, line: u64, a: Account) -> Result<Option<RecordRef>> {
        self.pending = None;
        let key = name_key(&a.name);
        let found = self.accounts.get(&key).map(|&id| (id, format!("same name {}", a.name)));
        let Some(target) = self.place(line, found, a, merge_account)? else { return Ok(None) };
        self.accounts.entry(key).or_insert(target.id);
        Ok(Some(target.record_ref()))
    }

    /// Creates, merges or skips a record of a kind with one duplicate key (`key`: the key and
    /// how to say that two records share it); returns the record that notes go to.
    fn keyed<R: Indexed + AtAccount>(
        &mut self,
        line: u64,
        rec: R,
        key: fn(&R) -> Option<(String, String)>,
        merge: fn(&mut R, R),
    ) -> Result<Option<RecordRef>> {
        if !self.seen.contains_key(&R::KIND) {
            let mut keys = HashMap::default();
            for existing in self.tx.read().all::<R>(|_| true)? {
                if let Some((k, _)) = key(&existing) {
                    keys.entry(k).or_insert(existing.id());
                }
            }
            self.seen.insert(R::KIND, keys);
        }
        let own = key(&rec);
        let found = own.as_ref().and_then(|(k, why)| Some((*self.seen[&R::KIND].get(k)?, why.clone())));
        let Some(target) = self.place(line, found, rec, merge)? else { return Ok(None) };
        if let (Some((k, _)), Some(seen)) = (own, self.seen.get_mut(&R::KIND)) {
            seen.entry(k).or_insert(target.id());
        }
        Ok(Some(target.record_ref()))
    }

    /// Creates the account the row names and nobody had, now that the row is kept, and puts
    /// its id where the row held [`PENDING`].
    fn settle<R: AtAccount>(&mut self, rec: &mut R) -> Result<()> {
        if let Some(name) = self.pending.take() {
            let id = self.account(&name)?;
            rec.at_account(id);
        }
        Ok(())
    }

    /// Settles a row that may duplicate a record (`found`: its id and why), as the policy says:
    /// skipped (and reported), folded into the existing record with `merge`, or created. Returns
    /// the record the row ended in, if any.
    fn place<R: Indexed + AtAccount>(
        &mut self,
        line: u64,
        found: Option<(Id, String)>,
        rec: R,
        merge: fn(&mut R, R),
    ) -> Result<Option<R>> {
        Ok(Some(match (found, self.policy) {
            (Some((id, reason)), OnDuplicate::Skip) => {
                let existing = RecordRef::new(R::KIND, id);
                self.report.skipped.push(Duplicate { line, existing, reason });
                return Ok(None);
            }
            (Some((id, _)), OnDuplicate::Merge) => {
                let mut rec = rec;
                self.settle(&mut rec)?;
                let mut existing: R = self.tx.get(id)?;
                merge(&mut existing, rec);
                let merged = self.tx.update(existing, Some("merged from an import".into()))?;
                self.report.merged.push(id);
                merged
            }
            _ => {
                let mut rec = rec;
                self.settle(&mut rec)?;
                let made = self.tx.create(rec)?;
                self.report.created.push(made.id());
                made
            }
        }))
    }
}

/// Links a lead the file says was converted to what it became, when those records are here
/// (`link` finds them): its account and contact at least. When they are not, the lead comes in
/// qualified, and the returned text (kept as a note on it) says what it had become.
fn converted(l: &mut Lead, link: &dyn Fn(Kind) -> Option<Id>, refs: &[Reference]) -> Option<String> {
    let at = l.converted.take_if(|c| c.account == 0 && c.contact == 0)?.at;
    if let (Some(account), Some(contact)) = (link(Kind::Account), link(Kind::Contact)) {
        let opportunity = link(Kind::Opportunity);
        l.converted = Some(LeadConversion { account, contact, opportunity, at });
        return None;
    }
    l.status = LeadStatus::Qualified;
    let named: Vec<String> =
        refs.iter().filter(|r| r.optional).map(|r| format!("{} {}", r.kind, r.text.trim())).collect();
    Some(format!(
        "Converted on {} into {} (not in this database when it was imported).",
        at.display_local(),
        if named.is_empty() { "records not named in the file".to_string() } else { named.join(", ") }
    ))
}

/// The account id a row holds while its account is still to be made: no record has it.
const PENDING: Id = Id::MAX;

/// Records that may belong to an account an import makes for them.
trait AtAccount {
    /// Puts `id` where the record holds [`PENDING`].
    fn at_account(&mut self, _id: Id) {}
}

impl AtAccount for Contact {
    fn at_account(&mut self, id: Id) {
        if self.account == Some(PENDING) {
            self.account = Some(id);
        }
    }
}

impl AtAccount for Opportunity {
    fn at_account(&mut self, id: Id) {
        if self.account == PENDING {
            self.account = id;
        }
    }
}

impl AtAccount for Task {
    fn at_account(&mut self, id: Id) {
        if self.account == Some(PENDING) {
            self.account = Some(id);
        }
    }
}

impl AtAccount for Account {}
impl AtAccount for Lead {}
impl AtAccount for Call {}
impl AtAccount for Product {}

/// Fills what `into` lacks from `from`, and adds the emails, phones, addresses and tags it has
/// that `into` has not.
pub(super) fn merge_contact(into: &mut Contact, from: Contact) {
    fill(&mut into.first_name, from.first_name);
    fill_opt(&mut into.middle_name, from.middle_name);
    fill_opt(&mut into.prefix, from.prefix);
    fill_opt(&mut into.suffix, from.suffix);
    fill_opt(&mut into.department, from.department);
    fill_opt(&mut into.title, from.title);
    into.account = into.account.or(from.account);
    into.birthday = into.birthday.or(from.birthday);
    for e in from.emails {
        match into.emails.iter_mut().find(|x| x.address.eq_ignore_ascii_case(&e.address)) {
            Some(x) if e.consent == Consent::OptedOut => x.consent = Consent::OptedOut,
            Some(_) => {}
            None => into.emails.push(e),
        }
    }
    for p in from.phones {
        if !into.phones.iter().any(|x| PhoneKey::of(&x.number).meets(&PhoneKey::of(&p.number))) {
            into.phones.push(p);
        }
    }
    for a in from.addresses {
        if !into.addresses.contains(&a) {
            into.addresses.push(a);
        }
    }
    union(&mut into.tags, from.tags);
    union(&mut into.interests, from.interests);
    union(&mut into.skills, from.skills);
    union(&mut into.social, from.social);
    into.do_not_call |= from.do_not_call;
    into.follow_up_days = into.follow_up_days.or(from.follow_up_days);
    into.last_activity = into.last_activity.max(from.last_activity);
}

fn merge_account(into: &mut Account, from: Account) {
    fill_opt(&mut into.industry, from.industry);
    fill_opt(&mut into.website, from.website);
    fill_opt(&mut into.phone, from.phone);
    fill_opt(&mut into.email, from.email);
    if into.address == Default::default() {
        into.address = from.address;
    }
    into.employees = into.employees.or(from.employees);
    into.annual_revenue = into.annual_revenue.or(from.annual_revenue);
    union(&mut into.tags, from.tags);
}

/// Records of one kind by what a row may call them: folded names and lower-case emails, each
/// with the record's account (which tells apart two deals of one name).
#[derive(Default)]
struct Directory {
    keys: HashMap<String, Vec<(Id, Option<Id>)>>,
}

impl Directory {
    /// Every record of `kind` that rows may name (contacts and leads by full name and email;
    /// deals, projects and campaigns by name).
    fn of(r: &impl Read, kind: Kind) -> Result<Directory> {
        let mut d = Directory::default();
        match kind {
            Kind::Contact => {
                for c in r.all::<Contact>(|_| true)? {
                    d.add(&c.full_name(), c.id, c.account);
                    for e in &c.emails {
                        d.add(&e.address, c.id, c.account);
                    }
                }
            }
            Kind::Lead => {
                for l in r.all::<Lead>(|_| true)? {
                    d.add(&l.full_name(), l.id, None);
                    d.add(l.email.as_deref().unwrap_or_default(), l.id, None);
                }
            }
            Kind::Opportunity => {
                r.all::<Opportunity>(|_| true)?.iter().for_each(|o| d.add(&o.name, o.id, Some(o.account)))
            }
            Kind::Project => r.all::<Project>(|_| true)?.iter().for_each(|p| d.add(&p.name, p.id, p.account)),
            Kind::Campaign => r.all::<Campaign>(|_| true)?.iter().for_each(|c| d.add(&c.name, c.id, None)),
            _ => {}
        }
        Ok(d)
    }

    fn add(&mut self, text: &str, id: Id, account: Option<Id>) {
        if text.trim().is_empty() {
            return;
        }
        let ids = self.keys.entry(lookup_key(text)).or_default();
        if !ids.iter().any(|&(i, _)| i == id) {
            ids.push((id, account));
        }
    }

    /// The one record of `kind` that `text` names, preferring those at `account` when several
    /// share a name; or why there is none.
    fn find(&self, kind: Kind, text: &str, account: Option<Id>) -> std::result::Result<Id, String> {
        let all = self.keys.get(&lookup_key(text)).map(Vec::as_slice).unwrap_or_default();
        let here: Vec<Id> = all.iter().filter(|(_, a)| account.is_some() && *a == account).map(|&(i, _)| i).collect();
        let ids = if here.is_empty() { all.iter().map(|&(i, _)| i).collect() } else { here };
        let person = matches!(kind, Kind::Contact | Kind::Lead);
        match ids.as_slice() {
            [id] => Ok(*id),
            [] => Err(format!(
                "no {kind} has the {} '{}': add or import the {} first, or correct the cell",
                if person { "email or full name" } else { "name" },
                text.trim(),
                kind.plural()
            )),
            many => {
                let ids: Vec<String> = many.iter().map(Id::to_string).collect();
                let instead =
                    if person { "the email instead" } else { "a name only one has, or fill the account column" };
                Err(format!(
                    "'{}' names {} {} ({}): write {instead}",
                    text.trim(),
                    many.len(),
                    kind.plural(),
                    ids.join(", ")
                ))
            }
        }
    }
}

/// How a row's text is looked up: an email by its lower case, a name folded.
fn lookup_key(text: &str) -> String {
    if text.contains('@') { text.trim().to_lowercase() } else { name_key(text) }
}

/// Leads are the same when they share an email.
fn lead_key(l: &Lead) -> Option<(String, String)> {
    let email = l.email.as_deref().map(str::trim).filter(|e| !e.is_empty())?;
    Some((email.to_lowercase(), format!("same email {email}")))
}

/// Deals are the same when they share a name and an account.
fn opportunity_key(o: &Opportunity) -> Option<(String, String)> {
    Some((format!("{}\u{1f}{}", name_key(&o.name), o.account), format!("same name {} at the same account", o.name)))
}

/// Tasks are the same when they share a title, a due date and what they are about.
fn task_key(t: &Task) -> Option<(String, String)> {
    let about = (t.account, t.contact, t.opportunity);
    let key = format!("{}\u{1f}{:?}\u{1f}{about:?}", name_key(&t.title), t.due);
    let due = t.due.map_or("without a due date".to_string(), |d| format!("due {d}"));
    Some((key, format!("same task {} {due}", t.title)))
}

/// Calls are the same when they are with one contact at one time.
fn call_key(c: &Call) -> Option<(String, String)> {
    Some((
        format!("{}\u{1f}{}", c.contact, c.started_at.0),
        format!("same contact at {}", c.started_at.display_local()),
    ))
}

/// Products are the same when they share a SKU, or, without one, a name.
fn product_key(p: &Product) -> Option<(String, String)> {
    Some(match p.sku.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(sku) => (format!("sku\u{1f}{}", sku.to_lowercase()), format!("same SKU {sku}")),
        None => (format!("name\u{1f}{}", name_key(&p.name)), format!("same name {}", p.name)),
    })
}

fn merge_opportunity(into: &mut Opportunity, from: Opportunity) {
    into.contact = into.contact.or(from.contact);
    fill_opt(&mut into.next_step, from.next_step);
    into.next_step_date = into.next_step_date.or(from.next_step_date);
    fill_opt(&mut into.lead_source, from.lead_source);
    into.campaign = into.campaign.or(from.campaign);
}

fn merge_task(into: &mut Task, from: Task) {
    fill_opt(&mut into.notes, from.notes);
    into.lead = into.lead.or(from.lead);
    into.project = into.project.or(from.project);
}

fn merge_call(into: &mut Call, from: Call) {
    fill_opt(&mut into.notes, from.notes);
    if into.duration_secs == 0 {
        into.duration_secs = from.duration_secs;
    }
}

fn merge_product(into: &mut Product, from: Product) {
    fill_opt(&mut into.sku, from.sku);
    fill_opt(&mut into.description, from.description);
}

fn merge_lead(into: &mut Lead, from: Lead) {
    fill(&mut into.first_name, from.first_name);
    fill_opt(&mut into.company, from.company);
    fill_opt(&mut into.title, from.title);
    fill_opt(&mut into.phone, from.phone);
    fill_opt(&mut into.source, from.source);
    into.rating = into.rating.or(from.rating);
}

fn fill(slot: &mut String, value: String) {
    if slot.trim().is_empty() {
        *slot = value;
    }
}

fn fill_opt(slot: &mut Option<String>, value: Option<String>) {
    if slot.as_deref().is_none_or(|s| s.trim().is_empty()) {
        *slot = value;
    }
}

fn union(list: &mut Vec<String>, more: Vec<String>) {
    for m in more {
        if !list.iter().any(|x| x.eq_ignore_ascii_case(&m)) {
            list.push(m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_meet_across_formats_and_names_across_accents() {
        let key = PhoneKey::of;
        assert!(key("+44 20 7946 0018").meets(&key("020 7946 0018")));
        assert!(key("+44 20 7946 0018").meets(&key("0044 20 7946 0018")));
        assert!(!key("+96123456789").meets(&key("+123456789")), "country codes differ");
        assert!(key("+1 418 656 9254 x102").meets(&key("+1-418-656-9254")));
        assert!(!key("12345").meets(&key("12345")), "too short to compare");
        assert_eq!(name_key("  Zoë   O'Brien "), name_key("zoe o'brien"));
        assert!(names_agree(&name_key("Zoe OBrien"), &name_key("Zoë O'Brien-Müller")));
        assert!(!names_agree(&name_key("Ann Lee"), &name_key("Bob Stone")));
        assert!(!names_agree(&name_key("Ann Lee"), &name_key("Anne Lee")));
    }
}
