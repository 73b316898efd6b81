//! The write: one import's state inside its transaction ([`Importer`]), each row settled (its
//! account found or made once the row is kept, its references found, then skipped, merged or
//! created as the policy says) and its notes added.

use rustc_hash::FxHashMap as HashMap;

use super::duplicates::{
    Likeness, People, PersonKeys, call_key, case_key, lead_key, name_key, opportunity_key, product_key, task_key,
};
use super::merge::{
    merge_account, merge_call, merge_case, merge_contact, merge_lead, merge_opportunity, merge_product, merge_task,
};
use super::references::{Directory, converted};
use super::{Arrival, Duplicate, ImportReport, OnDuplicate, Ready, Reference, RowProblem};
use crate::crm::sales::{closing_day, find_stage, place_in_stage};
use crate::crm::{CrmError, Result, Tx};
use crate::model::{
    Account, Call, Case, Contact, Id, Kind, Lead, Note, Opportunity, Product, Record, RecordRef, Stage, StageOutcome,
    Task,
};
use crate::store::{Indexed, Read};

/// One import's state inside its transaction.
pub(super) struct Importer<'t, 'a> {
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
    /// The account the current row names and nobody has yet: its name, and that folded.
    pending: Option<(String, String)>,
    report: ImportReport,
    problems: Vec<RowProblem>,
    /// Who may own what comes in: the users, and whether the actor may give records to others.
    owners: Option<(crate::model::Directory, bool)>,
}

impl<'t, 'a> Importer<'t, 'a> {
    pub(super) fn new(tx: &'t mut Tx<'a>, policy: OnDuplicate) -> Result<Importer<'t, 'a>> {
        let mut accounts = HashMap::default();
        for a in tx.visible().all::<Account>(|_| true)? {
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
            owners: None,
        })
    }

    pub(super) fn run(
        mut self,
        rows: impl IntoIterator<Item = std::result::Result<Ready, Vec<RowProblem>>>,
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
            let line = row.row.line;
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
    fn check(&mut self, ready: &Ready) -> Result<()> {
        let row = &ready.row;
        if let Err(v) = row.record.validate() {
            self.problems.push(RowProblem { line: row.line, column: Some(v.field), message: v.message });
        }
        let account = ready.company.as_ref().and_then(|(_, key)| self.accounts.get(key).copied());
        self.find_all(row.line, &row.refs, account)?;
        Ok(())
    }

    /// Brings one row in.
    fn bring(&mut self, ready: Ready) -> Result<()> {
        let Ready { row, company, person } = ready;
        // An account nobody has yet is made only once the row is kept (a skipped duplicate
        // creates nothing); until then the row names it by a number no record has.
        let account = company.as_ref().map(|(_, key)| self.accounts.get(key).copied().unwrap_or(PENDING));
        self.pending = company.filter(|_| account == Some(PENDING));
        let found = self.find_all(row.line, &row.refs, account)?;
        if !self.problems.is_empty() {
            return Ok(());
        }
        let link = |kind: Kind| found.iter().find(|(k, _)| *k == kind).map(|&(_, id)| id);
        let mut notes = row.notes;
        let mut record = row.record;
        if let Some(owner) = record.owner_mut()
            && let Some(said) = self.own(owner)?
        {
            // Tasks and calls keep notes of their own; other records get a note.
            let kept = match &mut record {
                Arrival::Task(t) => Some(&mut t.notes),
                Arrival::Call(c) => Some(&mut c.notes),
                Arrival::Case(c) => Some(&mut c.description),
                _ => None,
            };
            let into = kept.unwrap_or(&mut notes);
            *into = Some(into.take().map_or(said.clone(), |n| format!("{n}\n\n{said}")));
        }
        let made = match record {
            Arrival::Contact(mut c) => {
                c.account = c.account.or(account);
                self.contact(row.line, *c, person.as_ref())?
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
            Arrival::Case(mut c) => {
                c.account = account.or(c.account);
                c.contact = link(Kind::Contact).or(c.contact);
                c.product = link(Kind::Product).or(c.product);
                self.keyed(row.line, *c, case_key, merge_case)?
            }
        };
        if let (Some(target), Some(text)) = (made, notes.filter(|n| !n.trim().is_empty()))
            && !self.has_note(target, &text)?
        {
            self.tx.create(Note::new(target, &text))?;
        }
        Ok(())
    }

    /// Settles who owns a record coming in: the actor, unless the actor may give records to
    /// others (an admin or manager) and the row names a user (by login or name), so an admin's
    /// export imports back as it was. A name that is no user's is kept in the record's note
    /// ("owner: …"), which is returned, and the actor owns the record.
    fn own(&mut self, owner: &mut String) -> Result<Option<String>> {
        let me = self.tx.user.to_string();
        if self.owners.is_none() {
            let can_assign = self.tx.require(crate::model::Right::Assign).is_ok();
            self.owners = Some((self.tx.directory()?, can_assign));
        }
        let Some((dir, can_assign)) = &self.owners else { return Ok(None) };
        let text = owner.trim().to_string();
        *owner = me;
        if text.is_empty() || !*can_assign {
            return Ok(None);
        }
        let login = crate::model::login_from(&text);
        let found = dir.users.iter().filter(|u| u.active).find(|u| {
            u.login == text.to_lowercase() || u.login == login || u.name.trim().to_lowercase() == text.to_lowercase()
        });
        match found {
            Some(u) => {
                *owner = u.login.clone();
                Ok(None)
            }
            None => Ok(Some(format!("owner: {text}"))),
        }
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
            let directory = Directory::of(&self.tx.visible(), r.kind)?;
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

    /// The id of the account called `name` (`key` folded), created when nobody has it.
    fn account(&mut self, name: String, key: String) -> Result<Id> {
        if let Some(&id) = self.accounts.get(&key) {
            return Ok(id);
        }
        let id = self.tx.create(Account { name, ..Default::default() })?.id;
        self.accounts.insert(key, id);
        self.report.accounts_created.push(id);
        Ok(id)
    }

    /// Creates, merges or skips a contact; returns the record that notes go to.
    fn contact(&mut self, line: u64, c: Contact, keys: Option<&PersonKeys>) -> Result<Option<RecordRef>> {
        if self.people.is_none() {
            let mut people = People::default();
            self.tx.visible().each::<Contact>(|existing| {
                people.learn(&existing, None);
                true
            })?;
            self.people = Some(people);
        }
        let tx = &self.tx;
        let found = match self.people.as_ref().and_then(|p| p.find(&c, keys, &mut |id| tx.get(id).ok())) {
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
            people.learn(&target, keys);
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
            for existing in self.tx.visible().all::<R>(|_| true)? {
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
        if let Some((name, key)) = self.pending.take() {
            let id = self.account(name, key)?;
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

impl AtAccount for Case {
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
