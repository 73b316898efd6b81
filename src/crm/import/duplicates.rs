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
    /// One map per kind of key (see [`Key::family`]): each grows on its own, so the moment a
    /// map doubles holds a quarter of the keys twice, not all of them. A hash is kept as two
    /// halves and an id as 32 bits, twelve bytes an entry; an id too large for that is
    /// [`WIDE`] there and kept in `wide`.
    keys: [HashMap<[u32; 2], u32>; 4],
    wide: HashMap<(usize, u64), Id>,
}

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

impl Key<'_> {
    /// Which of the maps of [`People`] holds the key.
    fn family(&self) -> usize {
        match self {
            Key::Email(_) => 0,
            Key::Phone(_) => 1,
            Key::Tail(..) => 2,
            Key::Name(..) => 3,
        }
    }

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

impl People {
    /// Remembers a contact's keys (the first holder of a key keeps it).
    pub(in crate::crm) fn learn(&mut self, c: &Contact) {
        for e in &c.emails {
            self.hold(Key::Email(&e.address.trim().to_lowercase()), c.id);
        }
        for p in &c.phones {
            let key = PhoneKey::of(&p.number);
            if let Some(full) = &key.full {
                self.hold(Key::Phone(full), c.id);
            }
            if let Some(tail) = &key.tail {
                self.hold(Key::Tail(tail, key.national), c.id);
            }
        }
        self.hold(Key::Name(&name_key(&c.full_name()), c.account), c.id);
    }

    fn hold(&mut self, key: Key, id: Id) {
        let (family, hash) = (key.family(), key.hash());
        let narrow = u32::try_from(id).ok().filter(|&n| n != WIDE);
        let held = self.keys[family].entry(halves(hash)).or_insert(narrow.unwrap_or(WIDE));
        if *held == WIDE && narrow.is_none() {
            self.wide.entry((family, hash)).or_insert(id);
        }
    }

    /// The first holder of `key`, read with `get` (to be confirmed: it may hold another key of
    /// the same hash).
    fn holder(&self, key: Key, get: &mut dyn FnMut(Id) -> Option<Contact>) -> Option<Contact> {
        let (family, hash) = (key.family(), key.hash());
        match *self.keys[family].get(&halves(hash))? {
            WIDE => get(*self.wide.get(&(family, hash))?),
            id => get(Id::from(id)),
        }
    }

    /// The contact `c` duplicates, why, and how surely; `get` reads a known person by id.
    pub(in crate::crm) fn find(
        &self,
        c: &Contact,
        get: &mut dyn FnMut(Id) -> Option<Contact>,
    ) -> Option<(Id, String, Likeness)> {
        for e in &c.emails {
            let address = e.address.trim().to_lowercase();
            let held = self.holder(Key::Email(&address), get);
            if let Some(known) = held.filter(|k| k.emails.iter().any(|x| x.address.trim().to_lowercase() == address)) {
                return Some((known.id, format!("same email {}", e.address), Likeness::Same));
            }
        }
        let name = name_key(&c.full_name());
        let held = self.holder(Key::Name(&name, c.account), get);
        if let Some(known) = held.filter(|k| k.account == c.account && name_key(&k.full_name()) == name) {
            return Some((known.id, format!("same name {} at the same company", c.full_name()), Likeness::Same));
        }
        let mut maybe = None;
        for p in &c.phones {
            let key = PhoneKey::of(&p.number);
            // A number with its country code meets the same number in full, or one written
            // without a country code by its last nine digits; without one, any by those digits.
            let shares = |k: &Contact| k.phones.iter().any(|x| PhoneKey::of(&x.number).meets(&key));
            let mut known = key.full.as_deref().and_then(|f| self.holder(Key::Phone(f), get)).filter(shares);
            for national in [true, false] {
                if known.is_none() && (national || key.national) {
                    known = key.tail.as_deref().and_then(|t| self.holder(Key::Tail(t, national), get)).filter(shares);
                }
            }
            let Some(known) = known else { continue };
            if names_agree(&name_key(&known.full_name()), &name) {
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
    deunicode::deunicode(name).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
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
            people.learn(p);
        }
        let mut get = |id: Id| known.iter().find(|p| p.id == id).cloned();
        let found =
            |c: &Contact, get: &mut dyn FnMut(Id) -> Option<Contact>| people.find(c, get).map(|(id, _, how)| (id, how));
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
