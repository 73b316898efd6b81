//! Secondary index keys: byte strings whose order is the order screens want.
//!
//! Three families share one table. `REFS` keys say "record B points at record A" and answer "what
//! points at A" (contacts of an account, calls of a contact, opportunities in a stage). `SORT` keys
//! order one kind by one field (tasks by due date, contacts by name, calls by time). `FACTS` keys
//! (see `facts`) carry the fields the reports count. `OWNED` keys carry each record's owner and
//! the record it is about, which is all the service needs to tell who may read it, for every
//! record of a kind at once, without decoding one (an account's or contact's owner is in its
//! `FACTS` key instead: [`Indexed::OWNER_IN_FACTS`]).
//!
//! Ids take as few bytes as they need ([`push_id`]: a length byte, then the significant bytes),
//! which keeps their order. The record id that ends a key is written so that [`key_id`] reads it
//! from the end whatever comes before ([`push_last_id`]): a head byte with its high bit set, then
//! seven bits a byte with the high bit clear. An id of a million takes four bytes either way,
//! and an index has millions of them.

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
    /// An email address, one entry per address, by [`email_lookup`]: looked up exactly (who has
    /// this address), never listed in order, so a hash of four bytes stands for an address of
    /// thirty: a million contacts' index is 24 MB smaller.
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

/// Appends `id` in as few bytes as it needs, keeping the order of ids: how many bytes follow
/// (0 to 8), then the id's significant bytes, most significant first. A smaller id is shorter,
/// or as long and smaller byte for byte.
pub fn push_id(out: &mut Vec<u8>, id: Id) {
    let n = 8 - (id.leading_zeros() / 8) as usize;
    out.push(n as u8);
    out.extend_from_slice(&id.to_be_bytes()[8 - n..]);
}

/// The most bytes of seven bits after a [`push_last_id`]'s head: the head holds three more.
const MOST_GROUPS: u32 = 9;

/// Appends the record id that ends an index key (since schema 12), keeping the order of ids and
/// readable from the end ([`key_id`]): a head byte, `0x80` + 8 × the number of bytes after it +
/// the id's top three bits, then the rest of the id seven bits a byte, most significant first,
/// each under `0x80`. Ids under 8 take one byte, under 1,024 two, under 131,072 three, under
/// 16,777,216 four.
pub fn push_last_id(out: &mut Vec<u8>, id: Id) {
    let bits = Id::BITS - id.leading_zeros();
    let groups = bits.saturating_sub(3).div_ceil(7);
    out.push(0x80 | (groups as u8) << 3 | (id >> (7 * groups)) as u8);
    out.extend((0..groups).rev().map(|g| (id >> (7 * g)) as u8 & 0x7f));
}

/// Reads a [`push_id`] from the front of `bytes`: the id and the bytes after it.
pub fn read_id(bytes: &[u8]) -> Option<(Id, &[u8])> {
    let (&n, rest) = bytes.split_first()?;
    let n = usize::from(n);
    if n > 8 {
        return None;
    }
    // Byte by byte: a copy of a length known only here would call memmove, once per key of a
    // report's million.
    let id = rest.get(..n)?.iter().fold(0u64, |id, &b| id << 8 | u64::from(b));
    Some((id, &rest[n..]))
}

/// Reads a [`push_last_id`] that is all of `bytes`.
pub(super) fn read_last_id(bytes: &[u8]) -> Option<Id> {
    let (&head, groups) = bytes.split_first()?;
    let count = u32::from(head.checked_sub(0x80)? >> 3);
    if count > MOST_GROUPS || groups.len() != count as usize || groups.iter().any(|&g| g >= 0x80) {
        return None;
    }
    let id = groups.iter().fold(u128::from(head & 7), |id, &g| id << 7 | u128::from(g));
    Id::try_from(id).ok()
}

/// What an email address's [`SortField::Email`] keys hold: a hash of its [`text_key`] (the
/// same for any case and surrounding blanks), SipHash-1-3 with fixed keys, which is the same on
/// every machine and in every version, cut to its first four bytes (since schema 11). Two
/// addresses may share one (among a million addresses, one lookup in four thousand finds a
/// stranger): whoever reads the ids back compares the addresses.
pub fn email_lookup(address: &str) -> [u8; 4] {
    use std::hash::Hasher;
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0x726f_6c6f_6d61_696c, 0x6164_6472_6573_7365);
    h.write(&text_key(address));
    ((h.finish() >> 32) as u32).to_be_bytes()
}

/// The key saying `src` links to `target`.
pub fn ref_key(target: RecordRef, src: RecordRef) -> Vec<u8> {
    let mut k = ref_prefix(target, Some(src.kind));
    push_last_id(&mut k, src.id);
    k
}

/// The prefix of every key linking to `target` (from records of `src_kind`, if given).
pub fn ref_prefix(target: RecordRef, src_kind: Option<Kind>) -> Vec<u8> {
    let mut k = Vec::with_capacity(24);
    k.push(REFS);
    k.push(target.kind.code());
    push_id(&mut k, target.id);
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
    Some(read_id(key.get(2..)?)?.0)
}

/// Reads the linking record back out of a [`ref_key`].
pub fn ref_source(key: &[u8]) -> Option<RecordRef> {
    let (_, rest) = read_id(key.get(2..)?)?;
    let (&kind, id) = rest.split_first()?;
    Some(RecordRef::new(Kind::from_code(kind)?, read_last_id(id)?))
}

/// The prefix of every sort key of `kind` on `field`, followed by `value` bytes if given.
pub fn sort_prefix(kind: Kind, field: SortField, value: &[u8]) -> Vec<u8> {
    let mut k = sort_head(kind, field, value.len() + 10);
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
    push_last_id(&mut k, id);
    k
}

/// A sort key on a text: [`sort_key`] of its [`text_key`], made in one buffer.
fn text_sort_key(kind: Kind, field: SortField, text: &str, id: Id) -> Vec<u8> {
    let mut k = sort_head(kind, field, text.len() + 1 + 10);
    push_text_key(&mut k, text);
    push_last_id(&mut k, id);
    k
}

/// The record id at the end of an index key ([`push_last_id`]): every key but the report facts
/// of accounts and contacts, which start with it (see `facts`).
pub fn key_id(key: &[u8]) -> Option<Id> {
    let tail = &key[key.len().saturating_sub(MOST_GROUPS as usize + 1)..];
    let head = tail.iter().rposition(|&b| b >= 0x80)?;
    read_last_id(&tail[head..])
}

/// The record an index key is about: the record linking (a link), ordered (a sort key) or
/// counted (report facts; a deal for its moves). `None` for owner keys, which are the service's
/// own, and for keys that do not read.
pub fn key_record(key: &[u8]) -> Option<RecordRef> {
    match *key.first()? {
        REFS => ref_source(key),
        SORT => Some(RecordRef::new(Kind::from_code(*key.get(1)?)?, key_id(key)?)),
        super::facts::FACTS => super::facts::counted(key),
        _ => None,
    }
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

    /// Whether the facts key names the owner, and the record has no [`owned_key`]: accounts and
    /// contacts, the kinds a big file has most of, a key fewer each.
    const OWNER_IN_FACTS: bool = false;
}

/// A record's owner (empty when it has none) and the record it is about, when it has either:
/// what its [`owned_key`] says, and what the service's map of owners keeps of it.
pub fn ownership<R: Record>(r: &R) -> Option<(&str, Option<RecordRef>)> {
    let (owner, about) = (r.owner(), r.about());
    (owner.is_some() || about.is_some()).then(|| (owner.unwrap_or_default(), about))
}

/// The key saying who owns a record and what it is about: the family, the kind, the owner's
/// login (ended by a zero byte; empty for a quote, which follows its deal), the kind code and id
/// of the record it is about (a zero byte when none), and the record's id. Only for records that
/// have an owner or are about one, and not for accounts and contacts (see
/// [`Indexed::OWNER_IN_FACTS`]).
pub fn owned_key<R: Record>(r: &R) -> Option<Vec<u8>> {
    let (owner, about) = ownership(r)?;
    let mut k = owned_head(R::KIND, owner.len() + 1 + 10 + 10);
    push_text_key(&mut k, owner);
    match about {
        Some(a) => {
            k.push(a.kind.code());
            push_id(&mut k, a.id);
        }
        None => k.push(0),
    }
    push_last_id(&mut k, r.id());
    Some(k)
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
    let (&about_kind, tail) = rest.get(end + 1..)?.split_first()?;
    let (about, tail) = match about_kind {
        0 => (None, tail),
        code => {
            let (id, tail) = read_id(tail)?;
            (Some(RecordRef::new(Kind::from_code(code)?, id)), tail)
        }
    };
    Some((read_last_id(tail)?, owner, about))
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
    if !R::OWNER_IN_FACTS {
        keys.extend(owned_key(r));
    }
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
        keys.extend(self.emails.iter().map(|e| sort_key(k, SortField::Email, &email_lookup(&e.address), self.id)));
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

    const OWNER_IN_FACTS: bool = true;
}

impl Indexed for Account {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        vec![name_key(Kind::Account, &self.name, self.id)]
    }

    fn facts_key(&self) -> Option<Vec<u8>> {
        Some(super::facts::account_key(self))
    }

    const OWNER_IN_FACTS: bool = true;
}

impl Indexed for Lead {
    fn sort_keys(&self) -> Vec<Vec<u8>> {
        let mut keys = vec![
            name_key(Kind::Lead, &format!("{} {}", self.last_name, self.first_name), self.id),
            sort_key(Kind::Lead, SortField::Status, &[self.status as u8], self.id),
        ];
        if let Some(e) = &self.email {
            keys.push(sort_key(Kind::Lead, SortField::Email, &email_lookup(e), self.id));
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

    proptest::proptest! {
        /// Ids written short keep their order, read back from the front and from the end, and
        /// no id's bytes start another's, written either way.
        #[test]
        fn short_ids_keep_order_and_read_back(a: u64, b: u64, small in 0u64..70_000, head in proptest::collection::vec(proptest::num::u8::ANY, 0..12)) {
            for id in [a, b, small] {
                let mut k = head.clone();
                push_last_id(&mut k, id);
                proptest::prop_assert_eq!(key_id(&k), Some(id));
                let mut front = Vec::new();
                push_id(&mut front, id);
                front.extend_from_slice(&head);
                proptest::prop_assert_eq!(read_id(&front), Some((id, &head[..])));
            }
            for (a, b) in [(a, b), (a, small), (small, b >> (b % 64))] {
                for push in [push_id, push_last_id] {
                    let (mut x, mut y) = (Vec::new(), Vec::new());
                    push(&mut x, a);
                    push(&mut y, b);
                    proptest::prop_assert_eq!(x.cmp(&y), a.cmp(&b));
                    proptest::prop_assert!(a == b || !(x.starts_with(&y) || y.starts_with(&x)));
                }
            }
        }
    }

    #[test]
    fn short_ids_take_the_bytes_they_need() {
        let len = |id| {
            let mut k = Vec::new();
            push_id(&mut k, id);
            k.len()
        };
        assert_eq!([len(0), len(1), len(255), len(256), len(1_000_000), len(u64::MAX)], [1, 2, 2, 3, 4, 9]);
        assert_eq!(read_id(&[9, 0, 0, 0, 0, 0, 0, 0, 0, 1]), None, "no id is nine bytes long");
        let last_len = |id| {
            let mut k = Vec::new();
            push_last_id(&mut k, id);
            k.len()
        };
        let ids = [0, 7, 8, 1_023, 1_024, 131_071, 131_072, 1_000_000, 16_777_215, 16_777_216, u64::MAX];
        assert_eq!(ids.map(last_len), [1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 10]);
        assert_eq!(key_id(&[0x90, 0x01]), None, "cut short");
        assert_eq!(key_id(&[0x88, 0x01, 0x02]), None, "a byte too many");
        assert_eq!(key_id(&[0x7f]), None, "no head");
        assert_eq!(key_id(&[0xcf, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f]), None, "over 64 bits");
        assert_eq!(key_id(&[0xd0]), None, "more than nine bytes after the head");
    }

    #[test]
    fn an_address_is_looked_up_by_the_same_bytes_in_any_case_on_any_machine() {
        assert_eq!(email_lookup(" Ann@Acme.COM "), email_lookup("ann@acme.com"));
        assert_ne!(email_lookup("ann@acme.com"), email_lookup("ann@acme.co"));
        // Stored in files: the hash of an address never changes.
        assert_eq!(u32::from_be_bytes(email_lookup("ann@acme.com")), 0xc111_7d80);
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
        assert!(index_keys(&task).contains(&key));
        // An account's or contact's owner is in its facts key.
        let contact = Contact { id: 5, owner: "ann.lee".into(), ..Default::default() };
        assert!(index_keys(&contact).iter().all(|k| k[0] != OWNED));
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
