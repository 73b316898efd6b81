//! Secondary index keys: byte strings whose order is the order screens want.
//!
//! Three families share one table. `REFS` keys say "record B points at record A" and answer "what
//! points at A" (contacts of an account, calls of a contact, opportunities in a stage). `SORT` keys
//! order one kind by one field (tasks by due date, contacts by name, calls by time). `FACTS` keys
//! (see `facts`) carry the fields the reports count. `OWNED` keys carry each record's owner and
//! the record it is about, which is all the service needs to tell who may read it, for every
//! record of a kind at once, without decoding one.

use crate::model::{
    Account, Article, Call, Campaign, Case, Contact, ContactList, Event, Id, Kind, Lead, Message, Note, Opportunity,
    Product, Project, Quote, Record, RecordRef, Stage, Task, Template,
};

/// Key family: a link from one record to another.
const REFS: u8 = 1;
/// Key family: one kind ordered by one field.
const SORT: u8 = 2;
/// Key family: a record's owner and the record it is about.
const OWNED: u8 = 4;

/// The fields kinds are ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum SortField {
    /// Lower-cased name (contacts: last then first).
    Name = 1,
    /// Lower-cased email address, one entry per address.
    Email = 2,
    /// A calendar date: due date, close date, birthday (month and day).
    Date = 4,
    /// An instant: call start, event start, last activity.
    Time = 5,
    /// A status code, for "open tasks", "new leads".
    Status = 6,
    /// An opportunity's next-step date.
    NextStep = 7,
}

/// Order-preserving bytes of a signed 32-bit number.
pub fn i32_key(v: i32) -> [u8; 4] {
    ((v as u32) ^ 0x8000_0000).to_be_bytes()
}

/// Order-preserving bytes of a signed 64-bit number.
pub fn i64_key(v: i64) -> [u8; 8] {
    ((v as u64) ^ 0x8000_0000_0000_0000).to_be_bytes()
}

/// Lower-cased text ended by a zero byte, so that "ab" sorts before "abc" whatever follows.
pub fn text_key(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 1);
    push_text_key(&mut out, text);
    out
}

/// Appends [`text_key`]`(text)` to `out`: bulk loads make a few of these per record.
fn push_text_key(out: &mut Vec<u8>, text: &str) {
    let text = text.trim();
    match text.is_ascii() {
        true => out.extend(text.bytes().filter(|&b| b != 0).map(|b| b.to_ascii_lowercase())),
        false => out.extend(text.to_lowercase().bytes().filter(|&b| b != 0)),
    }
    out.push(0);
}

/// The key saying `src` links to `target`.
pub fn ref_key(target: RecordRef, src: RecordRef) -> Vec<u8> {
    let mut k = ref_prefix(target, Some(src.kind));
    k.extend_from_slice(&src.id.to_be_bytes());
    k
}

/// The prefix of every key linking to `target` (from records of `src_kind`, if given).
pub fn ref_prefix(target: RecordRef, src_kind: Option<Kind>) -> Vec<u8> {
    let mut k = Vec::with_capacity(20);
    k.push(REFS);
    k.push(target.kind.code());
    k.extend_from_slice(&target.id.to_be_bytes());
    if let Some(kind) = src_kind {
        k.push(kind.code());
    }
    k
}

/// The prefix of every key linking to any record of `kind`.
pub fn kind_ref_prefix(kind: Kind) -> Vec<u8> {
    vec![REFS, kind.code()]
}

/// Reads the id of the record linked to back out of a [`ref_key`].
pub fn ref_target(key: &[u8]) -> Option<Id> {
    Some(u64::from_be_bytes(key.get(2..10)?.try_into().ok()?))
}

/// Reads the linking record back out of a [`ref_key`].
pub fn ref_source(key: &[u8]) -> Option<RecordRef> {
    let kind = Kind::from_code(*key.get(10)?)?;
    let id = u64::from_be_bytes(key.get(11..19)?.try_into().ok()?);
    Some(RecordRef::new(kind, id))
}

/// The prefix of every sort key of `kind` on `field`, followed by `value` bytes if given.
pub fn sort_prefix(kind: Kind, field: SortField, value: &[u8]) -> Vec<u8> {
    let mut k = sort_head(kind, field, value.len() + 8);
    k.extend_from_slice(value);
    k
}

/// The family, kind and field bytes every sort key starts with, with room for `more` after.
fn sort_head(kind: Kind, field: SortField, more: usize) -> Vec<u8> {
    let mut k = Vec::with_capacity(3 + more);
    k.extend_from_slice(&[SORT, kind.code(), field as u8]);
    k
}

fn sort_key(kind: Kind, field: SortField, value: &[u8], id: Id) -> Vec<u8> {
    let mut k = sort_prefix(kind, field, value);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// A sort key on a text: [`sort_key`] of its [`text_key`], made in one buffer.
fn text_sort_key(kind: Kind, field: SortField, text: &str, id: Id) -> Vec<u8> {
    let mut k = sort_head(kind, field, text.len() + 1 + 8);
    push_text_key(&mut k, text);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The record id at the end of any index key.
pub fn key_id(key: &[u8]) -> Option<Id> {
    let tail = key.len().checked_sub(8)?;
    Some(u64::from_be_bytes(key[tail..].try_into().ok()?))
}

/// The record an index key is about: the record linking (a link), ordered (a sort key) or
/// counted (report facts; a deal for its moves). `None` for owner keys, which are the service's
/// own, and for keys that do not read.
pub fn key_record(key: &[u8]) -> Option<RecordRef> {
    let id = key_id(key)?;
    let kind = match *key.first()? {
        REFS => Kind::from_code(*key.get(10)?)?,
        SORT => Kind::from_code(*key.get(1)?)?,
        super::facts::FACTS => match *key.get(1)? {
            super::facts::MOVES => Kind::Opportunity,
            code => Kind::from_code(code)?,
        },
        _ => return None,
    };
    Some(RecordRef::new(kind, id))
}

/// The smallest key greater than every key that starts with `prefix`.
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0xff; prefix.len() + 1]
}

/// What a record contributes to the index: its links and its sort keys.
pub trait Indexed: Record + super::Stored + 'static {
    /// Sort keys of this record (its links are added by [`index_keys`]).
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }

    /// The report facts key of this record (see `facts`), for the kinds reports count.
    fn facts_key(&self) -> Option<Vec<u8>> {
        None
    }
}

/// The key saying who owns a record and what it is about: the family, the kind, the owner's
/// login (ended by a zero byte; empty for a quote, which follows its deal), the kind code and id
/// of the record it is about (zeros when none), and the record's id. Only for records that have
/// an owner or are about one.
pub fn owned_key<R: Record>(r: &R) -> Option<Vec<u8>> {
    let owner = r.owner();
    let about = r.about();
    if owner.is_none() && about.is_none() {
        return None;
    }
    let owner = owner.unwrap_or("");
    let mut k = owned_head(R::KIND, owner.len() + 1 + 9 + 8);
    push_text_key(&mut k, owner);
    match about {
        Some(a) => {
            k.push(a.kind.code());
            k.extend_from_slice(&a.id.to_be_bytes());
        }
        None => k.extend_from_slice(&[0; 9]),
    }
    k.extend_from_slice(&r.id().to_be_bytes());
    Some(k)
}

/// The owner key among a record's index keys (see [`owned_key`]), without making it again.
pub fn owned_among(keys: &[Vec<u8>]) -> Option<&[u8]> {
    keys.iter().find(|k| k.first() == Some(&OWNED)).map(Vec::as_slice)
}

/// The prefix of the owner keys of one kind.
pub fn owned_prefix(kind: Kind) -> Vec<u8> {
    owned_head(kind, 0)
}

/// [`owned_prefix`] with room for `more` bytes after it.
fn owned_head(kind: Kind, more: usize) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + more);
    k.extend_from_slice(&[OWNED, kind.code()]);
    k
}

/// The id, owner and what it is about, read back out of an [`owned_key`].
pub fn read_owned(key: &[u8]) -> Option<(Id, &str, Option<RecordRef>)> {
    let rest = key.get(2..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    let owner = std::str::from_utf8(&rest[..end]).ok()?;
    let tail = rest.get(end + 1..)?;
    if tail.len() != 17 {
        return None;
    }
    let about_id = u64::from_be_bytes(tail[1..9].try_into().ok()?);
    let about = match tail[0] {
        0 => None,
        code => Some(RecordRef::new(Kind::from_code(code)?, about_id)),
    };
    Some((u64::from_be_bytes(tail[9..].try_into().ok()?), owner, about))
}

/// Every index key a record owns.
pub fn index_keys<R: Indexed>(r: &R) -> Vec<Vec<u8>> {
    let me = r.record_ref();
    let links = r.links();
    let sort = r.sort_keys();
    let mut keys: Vec<Vec<u8>> = Vec::with_capacity(links.len() + sort.len() + 2);
    keys.extend(links.iter().map(|l| ref_key(l.target, me)));
    keys.extend(sort);
    keys.extend(r.facts_key());
    keys.extend(owned_key(r));
    keys.sort();
    keys.dedup();
    keys
}

fn name_key(kind: Kind, name: &str, id: Id) -> Vec<u8> {
    text_sort_key(kind, SortField::Name, name, id)
}

impl Indexed for Contact {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        let k = Kind::Contact;
        let mut keys = Vec::with_capacity(3 + self.emails.len());
        keys.push(name_key(k, &format!("{} {}", self.last_name, self.first_name), self.id));
        keys.extend(self.emails.iter().map(|e| text_sort_key(k, SortField::Email, &e.address, self.id)));
        if let Some(b) = self.birthday {
            use chrono::Datelike;
            keys.push(sort_key(k, SortField::Date, &[b.0.month() as u8, b.0.day() as u8], self.id));
        }
        if let Some(t) = self.last_activity {
            keys.push(sort_key(k, SortField::Time, &i64_key(t.0), self.id));
        }
        keys
    }

    fn facts_key(&self) -> Option<Vec<u8>> {
        Some(super::facts::contact_key(self))
    }
}

impl Indexed for Account {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        vec![name_key(Kind::Account, &self.name, self.id)]
    }

    fn facts_key(&self) -> Option<Vec<u8>> {
        Some(super::facts::account_key(self))
    }
}

impl Indexed for Lead {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        let mut keys = vec![
            name_key(Kind::Lead, &format!("{} {}", self.last_name, self.first_name), self.id),
            sort_key(Kind::Lead, SortField::Status, &[self.status as u8], self.id),
        ];
        if let Some(e) = &self.email {
            keys.push(text_sort_key(Kind::Lead, SortField::Email, e, self.id));
        }
        keys
    }
}

impl Indexed for Opportunity {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        // Deals are listed by stage (the links) and by close date, not by name.
        let mut keys = vec![sort_key(Kind::Opportunity, SortField::Date, &i32_key(self.close_date.days()), self.id)];
        if let Some(d) = self.next_step_date {
            keys.push(sort_key(Kind::Opportunity, SortField::NextStep, &i32_key(d.days()), self.id));
        }
        keys
    }

    fn facts_key(&self) -> Option<Vec<u8>> {
        Some(super::facts::deal_key(self))
    }
}

impl Indexed for Task {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        // Open tasks first, by due date; undated ones sort after every date.
        let due = self.due.map(|d| d.days()).unwrap_or(i32::MAX);
        let mut value = vec![u8::from(!self.is_open())];
        value.extend_from_slice(&i32_key(due));
        vec![sort_key(Kind::Task, SortField::Date, &value, self.id)]
    }

    fn facts_key(&self) -> Option<Vec<u8>> {
        Some(super::facts::task_key(self))
    }
}

impl Indexed for Call {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        vec![sort_key(Kind::Call, SortField::Time, &i64_key(self.started_at.0), self.id)]
    }

    fn facts_key(&self) -> Option<Vec<u8>> {
        Some(super::facts::call_key(self))
    }
}

impl Indexed for Event {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        vec![sort_key(Kind::Event, SortField::Time, &i64_key(self.start.0), self.id)]
    }
}

impl Indexed for Project {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        vec![sort_key(Kind::Project, SortField::Date, &i32_key(self.due.days()), self.id)]
    }
}

impl Indexed for Product {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        vec![name_key(Kind::Product, &self.name, self.id)]
    }
}

impl Indexed for Stage {}
impl Indexed for Quote {}
impl Indexed for Campaign {}
impl Indexed for ContactList {}
impl Indexed for Note {}
impl Indexed for Template {}
impl Indexed for Article {}

impl Indexed for Case {
    /// Open cases first, by when their SLA is due (none last), then the others.
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        let mut value = vec![u8::from(!self.status.is_open())];
        value.extend_from_slice(&i64_key(self.sla_due.map_or(i64::MAX, |t| t.0)));
        vec![sort_key(Kind::Case, SortField::Time, &value, self.id)]
    }
}

impl Indexed for Message {
    fn facts_key(&self) -> Option<Vec<u8>> {
        Some(super::facts::email_key(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_keys_keep_order() {
        let mut xs = [-5i64, 3, i64::MIN, 0, i64::MAX, -1];
        let mut keys: Vec<_> = xs.iter().map(|&x| i64_key(x)).collect();
        xs.sort();
        keys.sort();
        assert_eq!(keys, xs.iter().map(|&x| i64_key(x)).collect::<Vec<_>>());
        assert!(i32_key(-1) < i32_key(0));
    }

    #[test]
    fn text_keys_sort_prefixes_first() {
        let a = sort_key(Kind::Account, SortField::Name, &text_key("ab"), u64::MAX);
        let b = sort_key(Kind::Account, SortField::Name, &text_key("abc"), 0);
        assert!(a < b);
    }

    proptest::proptest! {
        /// The ASCII shortcut lower-cases as Unicode does, so keys stored before it still match.
        #[test]
        fn text_keys_lower_case_as_unicode_does(text in "[A-Za-z0-9 \\x00\t]{0,24}|\\PC{0,24}") {
            let mut unicode = text.trim().to_lowercase().into_bytes();
            unicode.retain(|&b| b != 0);
            unicode.push(0);
            proptest::prop_assert_eq!(text_key(&text), unicode);
        }
    }

    #[test]
    fn owner_keys_read_back() {
        let task =
            Task { id: 9, title: "Call".into(), owner: "ann.lee".into(), contact: Some(4), ..Default::default() };
        let key = owned_key(&task).unwrap();
        assert_eq!(read_owned(&key), Some((9, "ann.lee", Some(RecordRef::new(Kind::Contact, 4)))));
        assert_eq!(owned_among(&index_keys(&task)), Some(key.as_slice()));
        assert_eq!(owned_among(&index_keys(&Product { id: 1, ..Default::default() })), None);
        assert_eq!(key_id(&key), Some(9));
        assert!(owned_key(&Product { id: 1, ..Default::default() }).is_none());
    }

    #[test]
    fn ref_keys_read_back() {
        let target = RecordRef::new(Kind::Account, 9);
        let src = RecordRef::new(Kind::Contact, 300);
        let k = ref_key(target, src);
        assert!(k.starts_with(&ref_prefix(target, Some(Kind::Contact))));
        assert_eq!(ref_source(&k), Some(src));
        assert_eq!(key_id(&k), Some(300));
        assert!(prefix_end(&ref_prefix(target, None)) > k);
    }
}
