//! Report facts: index keys that carry the few fields the reports count, so that a report scans
//! keys (a few dozen bytes each) instead of decoding whole records.
//!
//! One key per account, contact, opportunity, task, call and email, made by [`super::Indexed`] like any
//! other index key (so writes, deletes and `rolo check` keep them right), and one per deal move in
//! the audit trail, written with its audit entry. Every key starts with the [`FACTS`] family byte
//! and a topic (the kind's code, or [`MOVES`]); it ends with the record id, as every index key
//! does, but for accounts and contacts, which start with it, once (a million contacts' keys are
//! most of a file's index). An account's or contact's owner is in its facts key rather than in
//! an owner key of its own (`keys::Indexed::OWNER_IN_FACTS`): a key fewer a contact. Ids are
//! written as `keys::push_id` writes them, the one ending a key as `keys::push_last_id` does. Instants are kept
//! as UTC seconds, never as local dates, so that a key does not depend on
//! the time zone it was written in. A deal's date is the day it closed, or while it is open the
//! day it is expected to close ([`Opportunity::report_date`]).
//!
//! | topic       | key after family and topic                                                     | order      |
//! |-------------|--------------------------------------------------------------------------------|------------|
//! | account     | id, country (flag byte, text, 0), owner, 0                                     | id         |
//! | contact     | id, created, last activity (flag byte, instant), account (0: none), consent × 16 + validity per address, 0xff, country, owner, 0 | id |
//! | opportunity | date, stage, status, probability, currency, amount, account, owner, 0, competitor (flag byte, text, 0), id | date |
//! | task        | state, completed at, created, due (`i32::MAX`: none), owner, 0, id             | state, completion |
//! | call        | started at, outcome, direction, duration, contact, owner, 0, id                | start      |
//! | moves       | at, audit sequence, user, 0, deal id                                           | time       |
//! | email       | handed over at, result, owner, 0, id                                           | time       |

use super::held::Keys;
use super::keys::{i32_key, i64_key, key_id, prefix_end, push_id, push_last_id, read_id, read_last_id};
use super::{RawRead, Result, StoreError, WriteTables};
use crate::model::{
    Account, Amount, AuditEntry, CallDirection, CallOutcome, Consent, Contact, Currency, Date, Delivery, Id, Kind,
    Opportunity, RecordRef, StageOutcome, Task, TaskStatus, Timestamp, Validity,
};

/// Key family of report facts (after the `REFS` and `SORT` families of `keys`).
pub const FACTS: u8 = 3;
/// Topic of deal moves (no kind has this code).
pub const MOVES: u8 = 0xfe;

/// How the audit summary of a deal that changed stage starts (written by the stage rules of `Tx::update`).
pub const MOVED_SUMMARY: &str = "moved from ";

/// Where a task stands, for the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Open or in progress.
    Open = 0,
    /// Done, with the time it was done.
    Done = 1,
    /// Anything else: cancelled, or done without a time.
    Closed = 2,
}

/// An opportunity as the money reports see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DealFacts {
    /// The deal.
    pub id: Id,
    /// The day it closed (won or lost), or while open its expected close date.
    pub close: Date,
    /// Its stage.
    pub stage: Id,
    /// Open, won or lost.
    pub status: StageOutcome,
    /// Its own probability, percent.
    pub probability: u8,
    /// The currency of its amount.
    pub currency: Currency,
    /// Its amount.
    pub amount: Amount,
    /// The buying account.
    pub account: Id,
}

/// What a deal's facts key holds besides its [`DealFacts`]: the texts, borrowed from the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DealNames<'a> {
    /// The rep in charge.
    pub owner: &'a str,
    /// The competitor it is up against, if any.
    pub competitor: Option<&'a str>,
}

/// An email as the reports see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailFacts<'a> {
    /// The email.
    pub id: Id,
    /// When it was handed over.
    pub at: Timestamp,
    /// What became of it.
    pub result: Delivery,
    /// Who sent it.
    pub owner: &'a str,
}

/// A call as the reports see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallFacts<'a> {
    /// The call.
    pub id: Id,
    /// When it started.
    pub at: Timestamp,
    /// How it went.
    pub outcome: CallOutcome,
    /// Who phoned whom.
    pub direction: CallDirection,
    /// How long it lasted, seconds.
    pub duration_secs: u32,
    /// Who was on the line.
    pub contact: Id,
    /// Who made or took it.
    pub owner: &'a str,
}

/// A task as the reports see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFacts<'a> {
    /// The task.
    pub id: Id,
    /// Open, done or otherwise closed.
    pub state: TaskState,
    /// When it was done (done tasks only).
    pub completed: Option<Timestamp>,
    /// When it was created.
    pub created: Timestamp,
    /// When it is due.
    pub due: Option<Date>,
    /// Who does it.
    pub owner: &'a str,
}

/// A contact as the reports see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactFacts<'a> {
    /// The contact.
    pub id: Id,
    /// When it was created.
    pub created: Timestamp,
    /// When it was last called, met or done a task with.
    pub last_activity: Option<Timestamp>,
    /// Its account.
    pub account: Option<Id>,
    /// The consent and validity of each address (a byte each).
    emails: &'a [u8],
}

/// What a contact's facts key holds besides its [`ContactFacts`]: the texts, borrowed from the
/// key. Apart because most reports never look at them, and reading text means checking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactNames<'a> {
    /// The country of its first address that names one.
    pub country: Option<&'a str>,
    /// Its owner's login.
    pub owner: &'a str,
}

impl ContactFacts<'_> {
    /// The consent and validity of each of its addresses, in order.
    pub fn emails(&self) -> impl Iterator<Item = (Consent, Validity)> + '_ {
        self.emails.iter().map(|&b| {
            (
                Consent::ALL.get(usize::from(b >> 4)).copied().unwrap_or_default(),
                Validity::ALL.get(usize::from(b & 0xf)).copied().unwrap_or_default(),
            )
        })
    }
}

/// An account as the reports see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFacts<'a> {
    /// The account.
    pub id: Id,
    /// Its country.
    pub country: Option<&'a str>,
    /// Its owner's login.
    pub owner: &'a str,
}

/// One deal moved to another stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move<'a> {
    /// The deal.
    pub deal: Id,
    /// When.
    pub at: Timestamp,
    /// Who moved it.
    pub user: &'a str,
}

// ---------------------------------------------------------------------------------------------
// writing keys
// ---------------------------------------------------------------------------------------------

fn head(topic: u8, capacity: usize) -> Vec<u8> {
    let mut k = Vec::with_capacity(capacity);
    k.push(FACTS);
    k.push(topic);
    k
}

/// Text inside a key: its bytes without NUL, then a NUL.
fn push_text(k: &mut Vec<u8>, text: &str) {
    k.extend(text.bytes().filter(|&b| b != 0));
    k.push(0);
}

/// An optional text: a flag byte (0 none, 1 some), then the text.
fn push_opt_text(k: &mut Vec<u8>, text: Option<&str>) {
    k.push(u8::from(text.is_some()));
    push_text(k, text.unwrap_or_default());
}

/// An instant where its order does not matter, in as few bytes as it needs: its seconds
/// zigzagged (0, -1, 1, -2...) and written as an id.
fn push_instant(k: &mut Vec<u8>, t: Timestamp) {
    push_id(k, ((t.0 << 1) ^ (t.0 >> 63)) as u64);
}

/// The facts key of an account.
pub fn account_key(a: &Account) -> Vec<u8> {
    let mut k = head(Kind::Account.code(), 24 + a.owner.len());
    push_id(&mut k, a.id);
    push_opt_text(&mut k, a.address.country.as_deref());
    push_text(&mut k, &a.owner);
    k
}

/// The facts key of a contact.
pub fn contact_key(c: &Contact) -> Vec<u8> {
    let mut k = head(Kind::Contact.code(), 40 + c.emails.len() + c.owner.len());
    push_id(&mut k, c.id);
    push_instant(&mut k, c.created);
    match c.last_activity {
        Some(t) => {
            k.push(1);
            push_instant(&mut k, t);
        }
        None => k.push(0),
    }
    push_id(&mut k, c.account.unwrap_or(0));
    k.extend(c.emails.iter().map(|e| (e.consent as u8) << 4 | e.validity as u8));
    k.push(0xff);
    push_opt_text(&mut k, c.country());
    push_text(&mut k, &c.owner);
    k
}

/// The facts key of an opportunity.
pub fn deal_key(o: &Opportunity) -> Vec<u8> {
    let competitor = o.competitor.as_deref();
    let mut k = head(Kind::Opportunity.code(), 48 + o.owner.len() + competitor.map_or(0, str::len));
    k.extend_from_slice(&i32_key(o.report_date().days()));
    push_id(&mut k, o.stage);
    k.push(o.status as u8);
    k.push(o.probability);
    k.extend_from_slice(o.currency.as_str().as_bytes());
    k.extend_from_slice(&i64_key(o.amount.0));
    push_id(&mut k, o.account);
    push_text(&mut k, &o.owner);
    push_opt_text(&mut k, competitor);
    push_last_id(&mut k, o.id);
    k
}

/// The facts key of a task.
pub fn task_key(t: &Task) -> Vec<u8> {
    let (state, completed) = match (t.status, t.completed_at) {
        _ if t.is_open() => (TaskState::Open, 0),
        (TaskStatus::Done, Some(at)) => (TaskState::Done, at.0),
        _ => (TaskState::Closed, 0),
    };
    let mut k = head(Kind::Task.code(), 40 + t.owner.len());
    k.push(state as u8);
    k.extend_from_slice(&i64_key(completed));
    k.extend_from_slice(&i64_key(t.created.0));
    k.extend_from_slice(&i32_key(t.due.map_or(i32::MAX, |d| d.days())));
    push_text(&mut k, &t.owner);
    push_last_id(&mut k, t.id);
    k
}

/// The facts key of a call.
pub fn call_key(c: &crate::model::Call) -> Vec<u8> {
    let mut k = head(Kind::Call.code(), 40 + c.owner.len());
    k.extend_from_slice(&i64_key(c.started_at.0));
    k.push(c.outcome as u8);
    k.push(c.direction as u8);
    k.extend_from_slice(&c.duration_secs.to_be_bytes());
    push_id(&mut k, c.contact);
    push_text(&mut k, &c.owner);
    push_last_id(&mut k, c.id);
    k
}

/// The facts key of an email.
pub fn email_key(m: &crate::model::Message) -> Vec<u8> {
    let mut k = head(Kind::Email.code(), 20 + m.owner.len());
    k.extend_from_slice(&i64_key(m.at.0));
    k.push(m.result as u8);
    push_text(&mut k, &m.owner);
    push_last_id(&mut k, m.id);
    k
}

/// The facts key of an audit entry numbered `seq`, when it records a deal changing stage.
pub fn move_key(entry: &AuditEntry, seq: u64) -> Option<Vec<u8>> {
    let moved = entry.summary.as_deref().is_some_and(|s| s.starts_with(MOVED_SUMMARY));
    if entry.target.kind != Kind::Opportunity || !moved {
        return None;
    }
    let mut k = head(MOVES, 40 + entry.user.len());
    k.extend_from_slice(&i64_key(entry.at.0));
    k.extend_from_slice(&seq.to_be_bytes());
    push_text(&mut k, &entry.user);
    push_last_id(&mut k, entry.target.id);
    Some(k)
}

// ---------------------------------------------------------------------------------------------
// reading keys
// ---------------------------------------------------------------------------------------------

/// Reads a key from front to back.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (front, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(front)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }

    fn i64(&mut self) -> Option<i64> {
        Some((self.u64()? ^ 0x8000_0000_0000_0000) as i64)
    }

    /// An instant as `push_instant` writes it.
    fn instant(&mut self) -> Option<Timestamp> {
        let z = self.id()?;
        Some(Timestamp((z >> 1) as i64 ^ -((z & 1) as i64)))
    }

    fn i32(&mut self) -> Option<i32> {
        Some((u32::from_be_bytes(self.take(4)?.try_into().ok()?) ^ 0x8000_0000) as i32)
    }

    fn text(&mut self) -> Option<&'a str> {
        let end = self.0.iter().position(|&b| b == 0)?;
        let text = std::str::from_utf8(self.take(end)?).ok()?;
        self.take(1)?;
        Some(text)
    }

    fn opt_text(&mut self) -> Option<Option<&'a str>> {
        let present = self.byte()? == 1;
        let text = self.text()?;
        Some(present.then_some(text))
    }

    /// An id as `push_id` writes it.
    fn id(&mut self) -> Option<Id> {
        let (id, rest) = read_id(self.0)?;
        self.0 = rest;
        Some(id)
    }

    /// The record id that ends a key, and nothing after it.
    fn last_id(&self) -> Option<Id> {
        read_last_id(self.0)
    }

    /// Nothing left: the key ended where its kind's keys end.
    fn end(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }
}

/// The record a facts key counts: the account or contact it starts with, else the record (a
/// deal, for its moves) it ends with.
pub(super) fn counted(key: &[u8]) -> Option<RecordRef> {
    let (kind, id) = match *key.get(1)? {
        MOVES => (Kind::Opportunity, key_id(key)?),
        code => match Kind::from_code(code)? {
            kind @ (Kind::Account | Kind::Contact) => (kind, body(key).id()?),
            kind => (kind, key_id(key)?),
        },
    };
    Some(RecordRef::new(kind, id))
}

/// A key's fields after its family and topic bytes.
fn body(key: &[u8]) -> Cursor<'_> {
    Cursor(key.get(2..).unwrap_or_default())
}

fn word<T: Copy>(all: &[T], code: u8) -> Option<T> {
    all.get(code as usize).copied()
}

fn parse_account(key: &[u8]) -> Option<AccountFacts<'_>> {
    let mut c = body(key);
    let id = c.id()?;
    let country = c.opt_text()?;
    let owner = c.text()?;
    c.end()?;
    Some(AccountFacts { country, owner, id })
}

/// A contact's facts, and a cursor at the names that follow them.
fn contact_head(key: &[u8]) -> Option<(ContactFacts<'_>, Cursor<'_>)> {
    let mut c = body(key);
    let id = c.id()?;
    let created = c.instant()?;
    let last_activity = match c.byte()? {
        0 => None,
        _ => Some(c.instant()?),
    };
    let account = Some(c.id()?).filter(|&a| a != 0);
    let n = c.0.iter().position(|&b| b == 0xff)?;
    let emails = c.take(n)?;
    c.take(1)?;
    Some((ContactFacts { created, last_activity, account, emails, id }, c))
}

fn parse_contact(key: &[u8]) -> Option<(ContactFacts<'_>, ContactNames<'_>)> {
    let (facts, mut c) = contact_head(key)?;
    let names = ContactNames { country: c.opt_text()?, owner: c.text()? };
    c.end()?;
    Some((facts, names))
}

fn parse_deal(key: &[u8]) -> Option<(DealFacts, DealNames<'_>)> {
    let mut c = body(key);
    let close = Date::from_days(c.i32()?)?;
    let stage = c.id()?;
    let status = word(StageOutcome::ALL, c.byte()?)?;
    let probability = c.byte()?;
    let currency = Currency::parse(std::str::from_utf8(c.take(3)?).ok()?).ok()?;
    let amount = Amount(c.i64()?);
    let account = c.id()?;
    let names = DealNames { owner: c.text()?, competitor: c.opt_text()? };
    Some((DealFacts { close, stage, status, probability, currency, amount, account, id: c.last_id()? }, names))
}

fn parse_task(key: &[u8]) -> Option<TaskFacts<'_>> {
    let mut c = body(key);
    let state = [TaskState::Open, TaskState::Done, TaskState::Closed].get(c.byte()? as usize).copied()?;
    let completed = Some(Timestamp(c.i64()?)).filter(|_| state == TaskState::Done);
    let created = Timestamp(c.i64()?);
    let due = match c.i32()? {
        i32::MAX => None,
        days => Some(Date::from_days(days)?),
    };
    let owner = c.text()?;
    Some(TaskFacts { state, completed, created, due, owner, id: c.last_id()? })
}

fn parse_call(key: &[u8]) -> Option<CallFacts<'_>> {
    let mut c = body(key);
    let at = Timestamp(c.i64()?);
    let outcome = word(CallOutcome::ALL, c.byte()?)?;
    let direction = word(CallDirection::ALL, c.byte()?)?;
    let duration_secs = u32::from_be_bytes(c.take(4)?.try_into().ok()?);
    let contact = c.id()?;
    let owner = c.text()?;
    Some(CallFacts { at, outcome, direction, duration_secs, contact, owner, id: c.last_id()? })
}

fn parse_email(key: &[u8]) -> Option<EmailFacts<'_>> {
    let mut c = body(key);
    let at = Timestamp(c.i64()?);
    let result = word(Delivery::ALL, c.byte()?)?;
    let owner = c.text()?;
    Some(EmailFacts { at, result, owner, id: c.last_id()? })
}

fn parse_move(key: &[u8]) -> Option<Move<'_>> {
    let mut c = body(key);
    let at = Timestamp(c.i64()?);
    c.u64()?;
    let user = c.text()?;
    Some(Move { at, user, deal: c.last_id()? })
}

/// Calls `f` with every facts key of `topic` from `from` (key bytes after the topic, inclusive)
/// to `to` (exclusive; `None`: to the last). `f` parses the key and says `None` when it cannot:
/// damage, reported as an error.
fn scan(
    r: &(impl RawRead + ?Sized),
    topic: u8,
    from: &[u8],
    to: Option<&[u8]>,
    f: &mut dyn FnMut(&[u8]) -> Option<()>,
) -> Result<()> {
    let start = [&[FACTS, topic][..], from].concat();
    let end = match to {
        Some(to) => [&[FACTS, topic][..], to].concat(),
        None => prefix_end(&[FACTS, topic]),
    };
    let mut bad = false;
    r.scan_index(&start, &end, false, &mut |k| {
        bad = f(k).is_none();
        !bad
    })?;
    if bad {
        return Err(unreadable());
    }
    Ok(())
}

/// A facts key that does not read as its kind's.
fn unreadable() -> StoreError {
    StoreError::Other("a report index entry cannot be read: run rolo check".into())
}

/// Every contact's facts, in id order.
pub fn contacts(r: &(impl RawRead + ?Sized), f: &mut dyn FnMut(ContactFacts)) -> Result<()> {
    scan(r, Kind::Contact.code(), &[], None, &mut |k| contact_head(k).map(|(c, _)| f(c)))
}

/// [`contacts`], each with its country and owner.
pub fn contacts_named(r: &(impl RawRead + ?Sized), f: &mut dyn FnMut(ContactFacts, ContactNames)) -> Result<()> {
    scan(r, Kind::Contact.code(), &[], None, &mut |k| parse_contact(k).map(|(c, names)| f(c, names)))
}

/// Every account's facts, in id order.
pub fn accounts(r: &(impl RawRead + ?Sized), f: &mut dyn FnMut(AccountFacts)) -> Result<()> {
    scan(r, Kind::Account.code(), &[], None, &mut |k| parse_account(k).map(&mut *f))
}

/// The facts of the records of `topic` (accounts or contacts, whose keys start with the id)
/// with these ids (in increasing order): looked up one by one when they are few next to the
/// `total` of the kind, else picked out of one pass over the keys from the first id to the last.
fn among(r: &impl RawRead, topic: u8, ids: &[Id], total: u64, f: &mut dyn FnMut(&[u8]) -> Option<()>) -> Result<()> {
    let (Some(first), Some(last)) = (ids.first(), ids.last()) else { return Ok(()) };
    let key = |id: Id| {
        let mut k = vec![FACTS, topic];
        push_id(&mut k, id);
        k
    };
    let bytes = |id: Id| key(id).split_off(2);
    if (ids.len() as u64).saturating_mul(16) < total {
        let ranges: Vec<_> = ids.iter().map(|&id| (key(id), key(id.saturating_add(1)))).collect();
        let mut bad = false;
        r.scan_index_ranges(&ranges, &mut |k| {
            bad = f(k).is_none();
            !bad
        })?;
        return if bad { Err(unreadable()) } else { Ok(()) };
    }
    let mut next = 0;
    scan(r, topic, &bytes(*first), Some(&bytes(last.saturating_add(1))), &mut |k| {
        let id = read_id(k.get(2..)?)?.0;
        while ids.get(next).is_some_and(|&i| i < id) {
            next += 1;
        }
        if ids.get(next) == Some(&id) {
            f(k)?;
        }
        Some(())
    })
}

/// The facts and names of the contacts with these ids (in increasing order).
pub fn contacts_among(r: &impl RawRead, ids: &[Id], f: &mut dyn FnMut(ContactFacts, ContactNames)) -> Result<()> {
    among(r, Kind::Contact.code(), ids, r.count(Kind::Contact)?, &mut |k| {
        parse_contact(k).map(|(c, names)| f(c, names))
    })
}

/// The facts of the accounts with these ids (in increasing order).
pub fn accounts_among(r: &impl RawRead, ids: &[Id], f: &mut dyn FnMut(AccountFacts)) -> Result<()> {
    among(r, Kind::Account.code(), ids, r.count(Kind::Account)?, &mut |k| parse_account(k).map(&mut *f))
}

/// The deals dated from `from` to `to` (both inclusive; `None`: open-ended), by date: open ones by
/// their expected close date, closed ones by the day they closed.
pub fn deals(r: &impl RawRead, from: Option<Date>, to: Option<Date>, f: &mut dyn FnMut(DealFacts)) -> Result<()> {
    deals_named(r, from, to, &mut |d, _| f(d))
}

/// [`deals`], each with its owner and competitor.
pub fn deals_named(
    r: &impl RawRead,
    from: Option<Date>,
    to: Option<Date>,
    f: &mut dyn FnMut(DealFacts, DealNames),
) -> Result<()> {
    let start = from.map(|d| i32_key(d.days()).to_vec()).unwrap_or_default();
    let end = to.map(|d| i32_key(d.days().saturating_add(1)));
    scan(r, Kind::Opportunity.code(), &start, end.as_ref().map(|e| &e[..]), &mut |k| {
        parse_deal(k).map(|(d, names)| f(d, names))
    })
}

/// Every open task (open or in progress).
pub fn open_tasks(r: &impl RawRead, f: &mut dyn FnMut(TaskFacts)) -> Result<()> {
    let state = [TaskState::Open as u8];
    scan(r, Kind::Task.code(), &state, Some(&[TaskState::Open as u8 + 1]), &mut |k| parse_task(k).map(&mut *f))
}

/// The tasks done from `from` up to, not including, `to`, in the order they were done.
pub fn done_tasks(r: &impl RawRead, from: Timestamp, to: Timestamp, f: &mut dyn FnMut(TaskFacts)) -> Result<()> {
    let at = |t: Timestamp| [&[TaskState::Done as u8][..], &i64_key(t.0)].concat();
    scan(r, Kind::Task.code(), &at(from), Some(&at(to)), &mut |k| parse_task(k).map(&mut *f))
}

/// The tasks closed without a time of completion (cancelled, or done before rolo kept it).
pub fn closed_tasks(r: &impl RawRead, f: &mut dyn FnMut(TaskFacts)) -> Result<()> {
    let state = [TaskState::Closed as u8];
    scan(r, Kind::Task.code(), &state, Some(&[TaskState::Closed as u8 + 1]), &mut |k| parse_task(k).map(&mut *f))
}

/// The calls started from `from` up to, not including, `to`, in time order.
pub fn calls(r: &impl RawRead, from: Timestamp, to: Timestamp, f: &mut dyn FnMut(CallFacts)) -> Result<()> {
    scan(r, Kind::Call.code(), &i64_key(from.0), Some(&i64_key(to.0)), &mut |k| parse_call(k).map(&mut *f))
}

/// The emails handed over from `from` up to, not including, `to`, in time order.
pub fn emails(r: &impl RawRead, from: Timestamp, to: Timestamp, f: &mut dyn FnMut(EmailFacts)) -> Result<()> {
    scan(r, Kind::Email.code(), &i64_key(from.0), Some(&i64_key(to.0)), &mut |k| parse_email(k).map(&mut *f))
}

/// The deal moves from `from` up to, not including, `to`, in time order.
pub fn moves(r: &impl RawRead, from: Timestamp, to: Timestamp, f: &mut dyn FnMut(Move)) -> Result<()> {
    scan(r, MOVES, &i64_key(from.0), Some(&i64_key(to.0)), &mut |k| parse_move(k).map(&mut *f))
}

// ---------------------------------------------------------------------------------------------
// upkeep
// ---------------------------------------------------------------------------------------------

/// Calls `f` with the move key of every audit entry that records a deal move.
pub(super) fn audit_moves(r: &(impl RawRead + ?Sized), f: &mut dyn FnMut(Vec<u8>)) -> Result<()> {
    let code = Kind::Opportunity.code();
    // A deal's entries: its kind code, its id, the entry's number.
    let last = [&[code][..], &[0xff; 16]].concat();
    let mut failure = None;
    r.scan_audit_range(&[code], &last, &mut |key, value| {
        let Some(seq) = key.get(9..17).and_then(|s| s.try_into().ok()).map(u64::from_be_bytes) else { return true };
        let target = RecordRef::new(Kind::Opportunity, u64::from_be_bytes(key[1..9].try_into().unwrap_or_default()));
        match super::codec::decode::<AuditEntry>(target, value) {
            Ok(entry) => {
                if let Some(k) = move_key(&entry, seq) {
                    f(k);
                }
                true
            }
            Err(e) => {
                failure = Some(e);
                false
            }
        }
    })?;
    failure.map_or(Ok(()), Err)
}

/// Writes the whole index again from the records and the deal moves in the audit trail, in the
/// shape this build writes: the upgrade of a file whose keys were written otherwise.
pub(super) fn rederive_index(t: &mut WriteTables) -> Result<()> {
    t.flush()?;
    // A damaged file may make the storage panic: the guard turns that into an error naming it.
    t.health.clone().guard(|| t.raw.remove_key_range(&[], &[0xff]))?;
    for kind in Kind::ALL {
        crate::model::with_record_type!(kind, T => derive_kind::<T>(t)?);
    }
    let mut keys = Keys::default();
    audit_moves(&*t, &mut |k| keys.push(&k))?;
    for k in keys.iter() {
        t.hold_key(k)?;
    }
    t.flush()
}

/// Holds back the index keys of every record of `R`, then writes them.
fn derive_kind<R: super::Indexed>(t: &mut WriteTables) -> Result<()> {
    // One buffer for them all: a kind may have millions of records and five keys each.
    let mut keys = Keys::default();
    // A record that does not decode has no keys to give: the file still opens, and `rolo check`
    // names it, as it would have before the upgrade.
    t.scan_records(R::KIND, &mut |id, bytes| {
        if let Ok(rec) = super::codec::decode_record::<R>(RecordRef::new(R::KIND, id), bytes) {
            super::keys::index_keys(&rec).iter().for_each(|k| keys.push(k));
        }
        true
    })?;
    for k in keys.iter() {
        t.hold_key(k)?;
    }
    t.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, Call, Email};

    #[test]
    fn instants_read_back_whatever_their_size() {
        for t in [0, -1, 1, 1_780_000_000, -62_135_596_800, i64::MIN, i64::MAX] {
            let mut k = Vec::new();
            push_instant(&mut k, Timestamp(t));
            let mut c = Cursor(&k);
            assert_eq!((c.instant(), c.end()), (Some(Timestamp(t)), Some(())), "{t}");
        }
        let mut now = Vec::new();
        push_instant(&mut now, Timestamp(1_780_000_000));
        assert_eq!(now.len(), 5, "a date of this century takes five bytes, not eight");
    }

    #[test]
    fn record_keys_read_back() {
        let c = Contact {
            id: 7,
            account: Some(3),
            owner: "ann\0 lee".into(),
            created: Timestamp(-5),
            last_activity: Some(Timestamp(-9)),
            emails: vec![
                Email { consent: Consent::OptedOut, validity: Validity::Bounced, ..Email::new("a@b.example") },
                Email::new("c@d.example"),
            ],
            addresses: vec![
                Address::default(),
                Address { country: Some("Côte d'Ivoire".into()), ..Default::default() },
            ],
            ..Default::default()
        };
        let k = contact_key(&c);
        let (f, names) = parse_contact(&k).unwrap();
        assert_eq!((f.id, f.account, f.created), (7, Some(3), Timestamp(-5)));
        assert_eq!(names, ContactNames { country: Some("Côte d'Ivoire"), owner: "ann lee" });
        assert_eq!(contact_head(&k).unwrap().0, f);
        assert_eq!(f.last_activity, Some(Timestamp(-9)));
        assert_eq!(
            f.emails().collect::<Vec<_>>(),
            [(Consent::OptedOut, Validity::Bounced), (Consent::Unknown, Validity::Unknown)]
        );
        let k = contact_key(&Contact { id: 8, ..Default::default() });
        let (bare, names) = parse_contact(&k).unwrap();
        assert_eq!((bare.account, names.country, bare.emails().count()), (None, None, 0));
        assert_eq!(bare.last_activity, None);
        // An empty country is still a country (the report decides what a blank one means).
        let a = Account {
            id: 9,
            address: Address { country: Some(String::new()), ..Default::default() },
            ..Default::default()
        };
        assert_eq!(parse_account(&account_key(&a)), Some(AccountFacts { id: 9, country: Some(""), owner: "" }));

        let o = Opportunity {
            id: 4,
            close_date: Date::from_ymd(2026, 2, 28).unwrap(),
            stage: 2,
            status: StageOutcome::Won,
            probability: 100,
            currency: Currency::parse("eur").unwrap(),
            amount: Amount(-1),
            ..Default::default()
        };
        let k = deal_key(&o);
        let (d, names) = parse_deal(&k).unwrap();
        assert_eq!((d.id, d.close, d.stage, d.status, d.probability), (4, o.close_date, 2, StageOutcome::Won, 100));
        assert_eq!((d.currency, d.amount, d.account), (o.currency, Amount(-1), 0));
        assert_eq!(names, DealNames { owner: "", competitor: None });
        let o = Opportunity { account: 12, owner: "ann".into(), competitor: Some("Rival\0 Inc".into()), ..o };
        let k = deal_key(&o);
        let (d, names) = parse_deal(&k).unwrap();
        assert_eq!((d.id, d.account), (4, 12));
        assert_eq!(names, DealNames { owner: "ann", competitor: Some("Rival Inc") });

        let call = Call {
            id: 5,
            contact: 7,
            started_at: Timestamp(1_800_000_000),
            duration_secs: 90,
            outcome: CallOutcome::WrongNumber,
            direction: CallDirection::In,
            owner: "ann\0bob".into(),
            ..Default::default()
        };
        let k = call_key(&call);
        let f = parse_call(&k).unwrap();
        assert_eq!((f.id, f.contact, f.at, f.duration_secs), (5, 7, call.started_at, 90));
        assert_eq!((f.outcome, f.direction, f.owner), (CallOutcome::WrongNumber, CallDirection::In, "annbob"));
    }

    #[test]
    fn task_keys_sort_open_then_done_by_time() {
        let task = |status, completed: Option<i64>, due| Task {
            id: 1,
            status,
            completed_at: completed.map(Timestamp),
            due,
            owner: "ann".into(),
            ..Default::default()
        };
        let k = task_key(&task(TaskStatus::InProgress, None, None));
        let open = parse_task(&k).unwrap();
        assert_eq!((open.state, open.completed, open.due), (TaskState::Open, None, None));
        let due = Date::from_ymd(2026, 1, 1);
        let done = task_key(&task(TaskStatus::Done, Some(-10), due));
        assert_eq!(
            parse_task(&done).map(|t| (t.state, t.completed, t.due)),
            Some((TaskState::Done, Some(Timestamp(-10)), due))
        );
        let later = task_key(&task(TaskStatus::Done, Some(10), None));
        assert!(task_key(&task(TaskStatus::Open, None, None)) < done && done < later);
        // Done without a time, or cancelled: neither open nor done.
        assert_eq!(parse_task(&task_key(&task(TaskStatus::Done, None, None))).unwrap().state, TaskState::Closed);
        assert_eq!(
            parse_task(&task_key(&task(TaskStatus::Cancelled, Some(5), None))).unwrap().state,
            TaskState::Closed
        );
    }

    #[test]
    fn only_deal_moves_make_move_keys() {
        let entry = |kind, summary: &str| AuditEntry {
            target: RecordRef::new(kind, 3),
            at: Timestamp(100),
            user: "ann".into(),
            action: crate::model::AuditAction::Updated,
            changes: Vec::new(),
            summary: Some(summary.into()),
        };
        let k = move_key(&entry(Kind::Opportunity, "moved from A to B"), 42).unwrap();
        assert_eq!(parse_move(&k), Some(Move { deal: 3, at: Timestamp(100), user: "ann" }));
        // Two moves in the same second stay two keys.
        assert_ne!(Some(k.clone()), move_key(&entry(Kind::Opportunity, "moved from B to C"), 43));
        assert_eq!(move_key(&entry(Kind::Opportunity, "converted"), 1), None);
        assert_eq!(move_key(&entry(Kind::Lead, "moved from A to B"), 1), None);
        assert_eq!(parse_deal(&k[..10]), None, "a cut key does not read");
    }
}
