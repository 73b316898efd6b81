//! Bringing many records in at once: all of them in one transaction or none, accounts matched or
//! created by name, and duplicates of what is already there (or earlier in the same file) found
//! and skipped, merged or created as the caller says.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use super::{Crm, CrmError, Result, Tx};
use crate::model::{Account, Consent, Contact, Id, Kind, Lead, Note, Record, RecordRef};
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
    /// Ids of accounts created for company names nobody had.
    pub accounts_created: Vec<Id>,
    /// Whether nothing was written (a rehearsal).
    pub dry_run: bool,
}

impl Crm {
    /// Brings `rows` in, in one transaction: every row lands or none does. Rows that fail
    /// validation, here or already when read (the `Err` rows), are all reported together (by
    /// line) and nothing is written. With `dry_run` everything is checked and counted, and
    /// nothing kept. `progress` hears how many rows are done.
    pub fn import(
        &self,
        rows: impl IntoIterator<Item = std::result::Result<Incoming, Vec<RowProblem>>>,
        policy: OnDuplicate,
        dry_run: bool,
        progress: &dyn Fn(usize),
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
    phones: HashMap<String, Id>,
    names: HashMap<(String, Option<Id>), Id>,
}

impl People {
    /// Remembers a contact's keys (the first holder of a key keeps it).
    pub(super) fn learn(&mut self, c: &Contact) {
        for e in &c.emails {
            self.emails.entry(e.address.trim().to_lowercase()).or_insert(c.id);
        }
        for p in &c.phones {
            if let Some(k) = phone_key(&p.number) {
                self.phones.entry(k).or_insert(c.id);
            }
        }
        self.names.entry((name_key(&c.full_name()), c.account)).or_insert(c.id);
    }

    /// The contact `c` duplicates, and why.
    pub(super) fn find(&self, c: &Contact) -> Option<(Id, String)> {
        for e in &c.emails {
            if let Some(&id) = self.emails.get(&e.address.trim().to_lowercase()) {
                return Some((id, format!("same email {}", e.address)));
            }
        }
        for p in &c.phones {
            if let Some(&id) = phone_key(&p.number).and_then(|k| self.phones.get(&k)) {
                return Some((id, format!("same phone {}", p.number)));
            }
        }
        let id = self.names.get(&(name_key(&c.full_name()), c.account))?;
        Some((*id, format!("same name {} at the same company", c.full_name())))
    }
}

/// A phone number reduced to its last nine digits, so that "+44 20 7946 0018" and "020 7946
/// 0018" meet; numbers of fewer than seven digits are too short to compare.
fn phone_key(number: &str) -> Option<String> {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 7).then(|| digits[digits.len().saturating_sub(9)..].iter().collect())
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
    /// Lead ids by email.
    leads: Option<HashMap<String, Id>>,
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
            leads: None,
            report: ImportReport::default(),
            problems: Vec::new(),
        })
    }

    fn run(
        mut self,
        rows: impl IntoIterator<Item = std::result::Result<Incoming, Vec<RowProblem>>>,
        progress: &dyn Fn(usize),
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
                if let Err(p) = self.check(&row) {
                    self.problems.push(p);
                }
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
                progress(done + 1);
            }
        }
        if !self.problems.is_empty() {
            return Err(CrmError::Rejected(self.problems));
        }
        Ok(self.report)
    }

    /// What the record's own rules say of a row, once nothing will be written anyway.
    fn check(&self, row: &Incoming) -> std::result::Result<(), RowProblem> {
        let checked = match &row.record {
            Arrival::Contact(c) => c.validate(),
            Arrival::Account(a) => a.validate(),
            Arrival::Lead(l) => l.validate(),
        };
        checked.map_err(|v| RowProblem { line: row.line, column: Some(v.field), message: v.message })
    }

    /// Brings one row in.
    fn bring(&mut self, row: Incoming) -> Result<()> {
        let account = match row.company.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(name) => Some(self.account(name)?),
            None => None,
        };
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
                self.lead(row.line, *l)?
            }
        };
        if let (Some(target), Some(text)) = (made, row.notes.filter(|n| !n.trim().is_empty()))
            && !self.has_note(target, &text)?
        {
            self.tx.create(Note::new(target, &text))?;
        }
        Ok(())
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
        let found = self.people.as_ref().and_then(|p| p.find(&c));
        let Some(target) = self.place(line, found, c, merge_contact)? else { return Ok(None) };
        if let Some(people) = &mut self.people {
            people.learn(&target);
        }
        Ok(Some(target.record_ref()))
    }

    fn organisation(&mut self, line: u64, a: Account) -> Result<Option<RecordRef>> {
        let key = name_key(&a.name);
        let found = self.accounts.get(&key).map(|&id| (id, format!("same name {}", a.name)));
        let Some(target) = self.place(line, found, a, merge_account)? else { return Ok(None) };
        self.accounts.entry(key).or_insert(target.id);
        Ok(Some(target.record_ref()))
    }

    fn lead(&mut self, line: u64, l: Lead) -> Result<Option<RecordRef>> {
        if self.leads.is_none() {
            let existing = self.tx.read().all::<Lead>(|l| l.email.is_some())?;
            self.leads =
                Some(existing.into_iter().filter_map(|l| Some((l.email?.trim().to_lowercase(), l.id))).collect());
        }
        let email = l.email.as_deref().map(|e| e.trim().to_lowercase());
        let found = email.as_ref().and_then(|e| self.leads.as_ref()?.get(e).copied());
        let found = found.map(|id| (id, format!("same email {}", l.email.as_deref().unwrap_or_default())));
        let Some(target) = self.place(line, found, l, merge_lead)? else { return Ok(None) };
        if let (Some(e), Some(leads)) = (email, &mut self.leads) {
            leads.entry(e).or_insert(target.id);
        }
        Ok(Some(target.record_ref()))
    }

    /// Settles a row that may duplicate a record (`found`: its id and why), as the policy says:
    /// skipped (and reported), folded into the existing record with `merge`, or created. Returns
    /// the record the row ended in, if any.
    fn place<R: Indexed>(
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
                let mut existing: R = self.tx.get(id)?;
                merge(&mut existing, rec);
                let merged = self.tx.update(existing, Some("merged from an import".into()))?;
                self.report.merged.push(id);
                merged
            }
            _ => {
                let made = self.tx.create(rec)?;
                self.report.created.push(made.id());
                made
            }
        }))
    }
}

/// Fills what `into` lacks from `from`, and adds the emails, phones, addresses and tags it has
/// that `into` has not.
pub(super) fn merge_contact(into: &mut Contact, from: Contact) {
    fill(&mut into.first_name, from.first_name);
    fill_opt(&mut into.middle_name, from.middle_name);
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
        if !into.phones.iter().any(|x| phone_key(&x.number).is_some_and(|k| Some(k) == phone_key(&p.number))) {
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
        assert_eq!(phone_key("+44 20 7946 0018"), phone_key("020 7946 0018"));
        assert_eq!(phone_key("12345"), None);
        assert_eq!(name_key("  Zoë   O'Brien "), name_key("zoe o'brien"));
    }
}
