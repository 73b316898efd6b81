//! Duplicate finding: the keys by which a row is a record already there (or earlier in the
//! file): a person's email, name at one company, or phone and name; one key for each other kind.

use rustc_hash::FxHashMap as HashMap;

use crate::model::{Call, Case, Contact, Id, Lead, Opportunity, Product, Task};

/// Keys by which two people are the same person, each held as a 64-bit hash with the first
/// person holding it: a million people take some tens of megabytes, not a copy of every address
/// and name. A hash met is confirmed on that person's record, so two keys sharing a hash (once
/// in billions of imports) cannot make strangers duplicates.
#[derive(Default)]
pub(in crate::crm) struct People {
    /// One map per kind of key ([`EMAIL`], [`PHONE`], [`TAIL`], [`NAME`]): each grows on its own, so the moment a
    /// map doubles holds a quarter of the keys twice, not all of them. A hash is kept as two
    /// halves and an id as 32 bits, twelve bytes an entry; an id too large for that is
    /// [`WIDE`] there and kept in `wide`.
    keys: [HashMap<[u32; 2], u32>; 4],
    wide: HashMap<(usize, u64), Id>,
}

/// From how many keys' room on the maps of [`People`] double at loads of their own.
const STAGGERED: usize = 1 << 12;

/// The id kept in a map of [`People`] for one that does not fit in 32 bits.
const WIDE: u32 = u32::MAX;

/// One key of a person, hashed for [`People`].
#[derive(Hash)]
enum Key<'a> {
    /// An email address, lower-cased.
    Email(&'a str),
    /// A number written with its country code, in full (`+96123456789`).
    Phone(&'a str),
    /// The last nine digits of a number, and whether it was written without a country code.
    Tail(&'a str, bool),
    /// A folded name at an account (or at none).
    Name(&'a str, Option<Id>),
}

/// The map of [`People`] holding emails.
const EMAIL: usize = 0;
/// The map of [`People`] holding numbers in full.
const PHONE: usize = 1;
/// The map of [`People`] holding numbers' last digits.
const TAIL: usize = 2;
/// The map of [`People`] holding names at accounts.
const NAME: usize = 3;

impl Key<'_> {
    fn hash(&self) -> u64 {
        use std::hash::{BuildHasher, Hash, Hasher};
        // Fixed keys: the same key hashes alike in every run.
        let mut h =
            std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().build_hasher();
        Hash::hash(self, &mut h);
        h.finish()
    }
}

/// A 64-bit hash as two 32-bit halves (a map entry aligned to four bytes).
fn halves(hash: u64) -> [u32; 2] {
    [(hash >> 32) as u32, hash as u32]
}

/// How surely a contact is someone already known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::crm) enum Likeness {
    /// The same email, the same name at one company, or the same phone and name.
    Same,
    /// Only a phone in common (an office line people share): a possible duplicate, to look at.
    Maybe,
}

/// A person's keys, folded and hashed once: an import works them out as it reads a row (on the
/// reading thread), then finds the row's person by them and, once the row is kept, learns them.
#[derive(Debug, Clone)]
pub(in crate::crm) struct PersonKeys {
    /// The fields the keys were folded from, hashed: keys are used only for a record that
    /// still says what they were folded from.
    source: u64,
    /// Each email, in the record's order: lower-cased, and its key's hash.
    emails: Vec<(String, u64)>,
    /// Each phone, in the record's order: its key, the hash of its full key, and the hashes of
    /// its last digits written with a country code and without one.
    phones: Vec<(PhoneKey, Option<u64>, [Option<u64>; 2])>,
    /// The folded name (hashed with an account when looked up).
    name: String,
}

impl PersonKeys {
    /// The keys of `c`.
    pub(in crate::crm) fn of(c: &Contact) -> PersonKeys {
        let emails = c
            .emails
            .iter()
            .map(|e| {
                let address = e.address.trim().to_lowercase();
                let hash = Key::Email(&address).hash();
                (address, hash)
            })
            .collect();
        let phones = c
            .phones
            .iter()
            .map(|p| {
                let key = PhoneKey::of(&p.number);
                let full = key.full.as_deref().map(|f| Key::Phone(f).hash());
                let tail = [true, false].map(|national| key.tail.as_deref().map(|t| Key::Tail(t, national).hash()));
                (key, full, tail)
            })
            .collect();
        PersonKeys { source: Self::source(c), emails, phones, name: name_key(&c.full_name()) }
    }

    /// What the keys of `c` are folded from, hashed.
    fn source(c: &Contact) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        (&c.first_name, &c.middle_name, &c.last_name).hash(&mut h);
        for e in &c.emails {
            e.address.hash(&mut h);
        }
        for p in &c.phones {
            p.number.hash(&mut h);
        }
        h.finish()
    }

    /// These keys, when they are still those of `c`, else the keys of `c` worked out now.
    fn of_record<'k>(keys: Option<&'k PersonKeys>, c: &Contact) -> std::borrow::Cow<'k, PersonKeys> {
        match keys.filter(|k| k.source == Self::source(c)) {
            Some(k) => std::borrow::Cow::Borrowed(k),
            None => std::borrow::Cow::Owned(Self::of(c)),
        }
    }
}

impl People {
    /// Remembers a contact's keys (the first holder of a key keeps it); `keys` are those worked
    /// out beforehand, if any.
    pub(in crate::crm) fn learn(&mut self, c: &Contact, keys: Option<&PersonKeys>) {
        let keys = PersonKeys::of_record(keys, c);
        for &(_, hash) in &keys.emails {
            self.hold(EMAIL, hash, c.id);
        }
        for (key, full, tail) in &keys.phones {
            if let Some(hash) = full {
                self.hold(PHONE, *hash, c.id);
            }
            if let Some(hash) = tail[usize::from(!key.national)] {
                self.hold(TAIL, hash, c.id);
            }
        }
        self.hold(NAME, Key::Name(&keys.name, c.account).hash(), c.id);
    }

    fn hold(&mut self, family: usize, hash: u64, id: Id) {
        let map = &mut self.keys[family];
        // The maps hold about as many keys each, and would double at the same row: at a million
        // people, four old tables beside four new ones. Each doubles at a load of its own
        // instead, so that one old table at a time is held beside its new one.
        let room = map.capacity();
        if room >= STAGGERED && map.len() >= room / 16 * (16 - 2 * family) {
            map.reserve(room - map.len() + 1);
        }
        let narrow = u32::try_from(id).ok().filter(|&n| n != WIDE);
        let held = map.entry(halves(hash)).or_insert(narrow.unwrap_or(WIDE));
        if *held == WIDE && narrow.is_none() {
            self.wide.entry((family, hash)).or_insert(id);
        }
    }

    /// The first holder of a key, read with `get` (to be confirmed: it may hold another key of
    /// the same hash).
    fn holder(&self, family: usize, hash: u64, get: &mut dyn FnMut(Id) -> Option<Contact>) -> Option<Contact> {
        match *self.keys[family].get(&halves(hash))? {
            WIDE => get(*self.wide.get(&(family, hash))?),
            id => get(Id::from(id)),
        }
    }

    /// The contact `c` duplicates, why, and how surely; `keys` are those worked out beforehand,
    /// if any, and `get` reads a known person by id.
    pub(in crate::crm) fn find(
        &self,
        c: &Contact,
        keys: Option<&PersonKeys>,
        get: &mut dyn FnMut(Id) -> Option<Contact>,
    ) -> Option<(Id, String, Likeness)> {
        let keys = PersonKeys::of_record(keys, c);
        for (e, (address, hash)) in c.emails.iter().zip(&keys.emails) {
            let held = self.holder(EMAIL, *hash, get);
            if let Some(known) = held.filter(|k| k.emails.iter().any(|x| x.address.trim().to_lowercase() == *address)) {
                return Some((known.id, format!("same email {}", e.address), Likeness::Same));
            }
        }
        let name = &keys.name;
        let held = self.holder(NAME, Key::Name(name, c.account).hash(), get);
        if let Some(known) = held.filter(|k| k.account == c.account && name_key(&k.full_name()) == *name) {
            return Some((known.id, format!("same name {} at the same company", c.full_name()), Likeness::Same));
        }
        let mut maybe = None;
        for (p, (key, full, tail)) in c.phones.iter().zip(&keys.phones) {
            // A number with its country code meets the same number in full, or one written
            // without a country code by its last nine digits; without one, any by those digits.
            let shares = |k: &Contact| k.phones.iter().any(|x| PhoneKey::of(&x.number).meets(key));
            let mut known = full.and_then(|hash| self.holder(PHONE, hash, get)).filter(shares);
            for (national, hash) in [true, false].into_iter().zip(tail) {
                if known.is_none() && (national || key.national) {
                    known = hash.and_then(|hash| self.holder(TAIL, hash, get)).filter(shares);
                }
            }
            let Some(known) = known else { continue };
            if names_agree(&name_key(&known.full_name()), name) {
                return Some((known.id, format!("same phone {} and name", p.number), Likeness::Same));
            }
            maybe.get_or_insert((known.id, format!("same phone {} (another name)", p.number), Likeness::Maybe));
        }
        maybe
    }
}

/// A phone number as duplicates compare it: in full when written with its country code (`+`
/// or `00`), and by its last nine digits, so that "+44 20 7946 0018" and "020 7946 0018" meet
/// but "+96123456789" and "+123456789" do not. Numbers of fewer than seven digits are too
/// short to compare.
#[derive(Debug, Clone)]
pub(super) struct PhoneKey {
    full: Option<String>,
    tail: Option<String>,
    /// Written without a country code.
    national: bool,
}

impl PhoneKey {
    pub(super) fn of(number: &str) -> PhoneKey {
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
    pub(super) fn meets(&self, other: &PhoneKey) -> bool {
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
pub(super) fn name_key(name: &str) -> String {
    // What deunicode gives is ASCII, which a name mostly is already.
    let ascii = match name.is_ascii() {
        true => std::borrow::Cow::Borrowed(name),
        false => std::borrow::Cow::Owned(deunicode::deunicode(name)),
    };
    let mut folded = String::with_capacity(ascii.len());
    for word in ascii.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    folded
}

/// Leads are the same when they share an email.
pub(super) fn lead_key(l: &Lead) -> Option<(String, String)> {
    let email = l.email.as_deref().map(str::trim).filter(|e| !e.is_empty())?;
    Some((email.to_lowercase(), format!("same email {email}")))
}

/// Deals are the same when they share a name and an account.
pub(super) fn opportunity_key(o: &Opportunity) -> Option<(String, String)> {
    Some((format!("{}\u{1f}{}", name_key(&o.name), o.account), format!("same name {} at the same account", o.name)))
}

/// Tasks are the same when they share a title, a due date and what they are about.
pub(super) fn task_key(t: &Task) -> Option<(String, String)> {
    let about = (t.account, t.contact, t.opportunity);
    let key = format!("{}\u{1f}{:?}\u{1f}{about:?}", name_key(&t.title), t.due);
    let due = t.due.map_or("without a due date".to_string(), |d| format!("due {d}"));
    Some((key, format!("same task {} {due}", t.title)))
}

/// Calls are the same when they are with one contact at one time.
pub(super) fn call_key(c: &Call) -> Option<(String, String)> {
    Some((
        format!("{}\u{1f}{}", c.contact, c.started_at.0),
        format!("same contact at {}", c.started_at.display_local()),
    ))
}

/// Cases are the same when they share a subject and an account and were opened at one time
/// (a file exported and imported again).
pub(super) fn case_key(c: &Case) -> Option<(String, String)> {
    let key = format!("{}\u{1f}{:?}\u{1f}{}", name_key(&c.subject), c.account, c.created.0);
    Some((key, format!("same case {} opened at the same time", c.subject)))
}

/// Products are the same when they share a SKU, or, without one, a name.
pub(super) fn product_key(p: &Product) -> Option<(String, String)> {
    Some(match p.sku.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(sku) => (format!("sku\u{1f}{}", sku.to_lowercase()), format!("same SKU {sku}")),
        None => (format!("name\u{1f}{}", name_key(&p.name)), format!("same name {}", p.name)),
    })
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

    proptest::proptest! {
        /// Folded as before the ASCII path: transliterated, lower-cased, words joined by one space.
        #[test]
        fn names_fold_as_transliterated_lower_cased_words(name in "[ a-zA-Z\\t\u{b}\u{c}\r\nÀ-ÿŁłΣσ日本\u{3000}\u{a0}'-]{0,24}") {
            let expected = deunicode::deunicode(&name).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(name_key(&name), expected);
        }
    }

    #[test]
    fn keys_folded_beforehand_serve_only_the_record_they_were_folded_from() {
        use crate::model::Email;
        let ann = Contact {
            id: 3,
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            emails: vec![Email::new("ann@x.example")],
            ..Default::default()
        };
        let mut other = ann.clone();
        other.first_name = "Bo".into();
        other.emails = vec![Email::new("other@x.example")];
        let mut people = People::default();
        // Keys folded from another record are not learned for this one: its own are.
        people.learn(&ann, Some(&PersonKeys::of(&other)));
        let mut get = |id: Id| (id == 3).then(|| ann.clone());
        let row = Contact { id: 0, ..ann.clone() };
        assert_eq!(people.find(&row, Some(&PersonKeys::of(&other)), &mut get).map(|(id, ..)| id), Some(3));
        assert_eq!(people.find(&other, Some(&PersonKeys::of(&other)), &mut get), None);
    }

    #[test]
    fn many_people_are_found_by_each_key_as_their_maps_double_one_at_a_time() {
        use crate::model::{Email, Phone};
        let person = |n: u64| Contact {
            id: n + 1,
            first_name: format!("Zoë{n}"),
            last_name: "Lee".into(),
            account: Some(n % 7),
            emails: vec![Email::new(format!("p{n}@x.example"))],
            phones: vec![Phone::new(format!("+44 20 {n:08}"))],
            ..Default::default()
        };
        let known: Vec<Contact> = (0..20_000).map(person).collect();
        let mut people = People::default();
        for (i, p) in known.iter().enumerate() {
            // Keys folded beforehand and keys worked out on the spot, alike.
            people.learn(p, (i % 2 == 0).then(|| PersonKeys::of(p)).as_ref());
        }
        assert!(people.keys.iter().all(|map| map.len() == 20_000));
        let mut get = |id: Id| known.get(usize::try_from(id).ok()? - 1).cloned();
        for n in (0..20_000).step_by(997) {
            let row = |f: &dyn Fn(&mut Contact)| {
                let mut c = Contact { id: 0, ..person(n) };
                f(&mut c);
                c
            };
            let by_email = row(&|c| c.phones.clear());
            let by_phone = row(&|c| c.emails = vec![Email::new("new@x.example")]);
            let by_national = row(&|c| {
                c.emails.clear();
                c.phones = vec![Phone::new(format!("020 {n:08}"))];
            });
            let by_name = row(&|c| {
                c.emails.clear();
                c.phones.clear();
            });
            for c in [by_email, by_phone, by_national, by_name] {
                let found = people.find(&c, Some(&PersonKeys::of(&c)), &mut get).map(|(id, _, how)| (id, how));
                assert_eq!(found, Some((n + 1, Likeness::Same)), "{c:?}");
            }
        }
    }

    #[test]
    fn people_are_found_by_their_keys_whatever_their_ids_and_only_when_the_record_agrees() {
        use crate::model::{Email, Phone};
        let person = |id: Id, first: &str, email: &str, phone: &str| Contact {
            id,
            first_name: first.into(),
            last_name: "Lee".into(),
            emails: vec![Email::new(email)],
            phones: vec![Phone::new(phone)],
            ..Default::default()
        };
        let known = [
            person(7, "Ann", "ann@x.example", "+44 20 7946 0018"),
            person(u64::MAX - 1, "Bo", "bo@x.example", "555 0100 200"),
        ];
        let mut people = People::default();
        for p in &known {
            people.learn(p, None);
        }
        let mut get = |id: Id| known.iter().find(|p| p.id == id).cloned();
        let found = |c: &Contact, get: &mut dyn FnMut(Id) -> Option<Contact>| {
            people.find(c, None, get).map(|(id, _, how)| (id, how))
        };
        assert_eq!(found(&person(0, "Zed", "ANN@x.example", "1"), &mut get), Some((7, Likeness::Same)));
        assert_eq!(
            found(&person(0, "Zed", "bo@x.example", "1"), &mut get),
            Some((u64::MAX - 1, Likeness::Same)),
            "an id past 32 bits"
        );
        assert_eq!(found(&person(0, "Ann", "z@x.example", "020 7946 0018"), &mut get), Some((7, Likeness::Same)));
        assert_eq!(found(&person(0, "Cy", "z@x.example", "020 7946 0018"), &mut get), Some((7, Likeness::Maybe)));
        // A key whose hash is held by someone whose record does not have it is no match.
        let mut stranger = |_| Some(person(7, "Other", "other@x.example", "+1 999 999 9999"));
        assert_eq!(found(&person(0, "Zed", "ann@x.example", "1"), &mut stranger), None);
    }
}
