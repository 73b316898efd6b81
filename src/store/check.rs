//! `rolo check` for the store: every record decodes, links point at records that exist, the
//! index holds exactly the keys the records call for, the search texts unpack; a damaged table
//! is reported with how much of it reads.

use std::collections::HashSet;

use super::{Indexed, Result, Snapshot, codec, facts, keys};
use crate::model::{Kind, RecordRef};

/// Checks the whole file: every record decodes, its links point at records that exist, the
/// index holds exactly the entries the records call for, and the search texts unpack. Returns
/// the problems, one sentence each.
///
/// The index is compared in bounded memory: the keys the records call for and the keys found
/// are tallied per bucket of their hash (a count and a sum of 128-bit hashes); only the buckets
/// that disagree are read again, a few at a time, to name the entries stray or missing.
pub fn check(r: &Snapshot) -> Result<Vec<String>> {
    // The first pass in parts on two threads, the largest first so that both end together; the
    // problems are said in the order of the parts, whichever thread found them.
    let parts: Vec<Part> = Kind::ALL.iter().map(|&k| Part::Kind(k)).chain([Part::Moves, Part::Index]).collect();
    let size = |p: &Part| match p {
        Part::Kind(k) => r.count(*k).unwrap_or(0),
        Part::Moves => 0,
        Part::Index => u64::MAX,
    };
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(&parts[i])));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || -> Result<Vec<(usize, Done)>> {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            let mut part = Done::default();
            let (expected, found) = (&mut part.expected, &mut part.found);
            part.problems = check_part(r, parts[i], &mut |k| expected.add(&k), &mut |k| found.add(k))?;
            done.push((i, part));
        }
        Ok(done)
    };
    let (mine, theirs) = std::thread::scope(|s| {
        let theirs = s.spawn(work);
        (work(), theirs.join())
    });
    let theirs = theirs.map_err(|_| super::StoreError::Other("the check stopped on a fault".into()))?;
    let mut done = mine?;
    done.extend(theirs?);
    done.sort_by_key(|(i, _)| *i);
    let (mut problems, mut expected, mut found) = (Vec::new(), Tally::default(), Tally::default());
    for (_, part) in done {
        problems.extend(part.problems);
        expected.merge(&part.expected);
        found.merge(&part.found);
    }
    if !problems.is_empty() {
        // With a table unreadable, the index comparison would only repeat the damage.
        return Ok(problems);
    }
    let differing: Vec<usize> = (0..BUCKETS).filter(|&b| expected.buckets[b] != found.buckets[b]).collect();
    let (mut stray, mut missing) = (Vec::new(), Vec::new());
    for group in differing.chunks(BUCKETS_AT_ONCE) {
        let (mut want, mut have) = (HashSet::new(), HashSet::new());
        let mine = |k: &[u8]| group.contains(&bucket(hash(k)));
        for &part in &parts {
            check_part(
                r,
                part,
                &mut |k| {
                    if mine(&k) {
                        want.insert(k);
                    }
                },
                &mut |k| {
                    if mine(k) {
                        have.insert(k.to_vec());
                    }
                },
            )?;
        }
        stray.extend(have.difference(&want).map(|k| format!("index entry {} matches no record", hex(k))));
        missing.extend(want.difference(&have).map(|k| format!("index entry {} is missing", hex(k))));
    }
    stray.sort();
    missing.sort();
    problems.extend(stray);
    problems.extend(missing);
    Ok(problems)
}

/// A part of the first pass.
#[derive(Clone, Copy)]
enum Part {
    /// A record table and its search texts.
    Kind(Kind),
    /// The deal moves in the audit trail.
    Moves,
    /// The index.
    Index,
}

/// What a part of the first pass found: its problems, and the index keys called for and found.
#[derive(Default)]
struct Done {
    problems: Vec<String>,
    expected: Tally,
    found: Tally,
}

/// Reads one part of the file, handing each index key the records call for to `expected` and
/// each key the index holds to `found`; returns the problems met.
fn check_part(
    r: &Snapshot,
    part: Part,
    expected: &mut dyn FnMut(Vec<u8>),
    found: &mut dyn FnMut(&[u8]),
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    match part {
        Part::Kind(kind) => {
            crate::model::with_record_type!(kind, R => check_kind::<R>(r, &mut problems, expected)?);
            if let Err(e) = r.scan_search(kind, &mut |_, _| ()) {
                problems.push(format!("the search texts of {} cannot be read: {e}", kind.plural()));
            }
        }
        Part::Moves => {
            if let Err(e) = facts::audit_moves(r, expected) {
                problems.push(format!("the audit table is damaged: {e}"));
            }
        }
        Part::Index => {
            let mut read = 0u64;
            let scanned = scan_index(r, &mut |k| {
                read += 1;
                found(k);
            });
            if let Err(e) = scanned {
                problems.push(format!("the index table is damaged: {read} entries read before it failed ({e})"));
            }
        }
    }
    Ok(problems)
}

/// How many buckets the index keys are tallied in.
const BUCKETS: usize = 256;

/// How many disagreeing buckets are compared key by key at once (a sixteenth of the index).
const BUCKETS_AT_ONCE: usize = BUCKETS / 16;

/// Index keys tallied per bucket: how many, and the wrapping sum of their hashes. Two sets of
/// distinct keys with equal tallies in a bucket are the same set but for a 128-bit collision.
struct Tally {
    buckets: Vec<(u64, u128)>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally { buckets: vec![(0, 0); BUCKETS] }
    }
}

impl Tally {
    fn add(&mut self, key: &[u8]) {
        let h = hash(key);
        let (count, sum) = &mut self.buckets[bucket(h)];
        *count += 1;
        *sum = sum.wrapping_add(h);
    }

    fn merge(&mut self, other: &Tally) {
        for ((count, sum), (n, s)) in self.buckets.iter_mut().zip(&other.buckets) {
            *count += n;
            *sum = sum.wrapping_add(*s);
        }
    }
}

fn hash(key: &[u8]) -> u128 {
    use std::hash::Hasher;
    let mut h = siphasher::sip128::SipHasher13::new_with_keys(0x726f_6c6f, 0x0069_6e64_6578);
    h.write(key);
    siphasher::sip128::Hasher128::finish128(&h).as_u128()
}

fn bucket(hash: u128) -> usize {
    (hash >> 120) as usize % BUCKETS
}

/// Calls `f` with every key of the index, in order.
fn scan_index(r: &Snapshot, f: &mut dyn FnMut(&[u8])) -> Result<()> {
    r.scan_index(&[], &[0xff; 4], false, &mut |k| {
        f(k);
        true
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the records of one kind; a table that stops reading part-way is reported with how
/// many of its records could be read, and the check goes on with the next table.
fn check_kind<R: Indexed>(r: &Snapshot, problems: &mut Vec<String>, expected: &mut dyn FnMut(Vec<u8>)) -> Result<()> {
    let mut read = 0u64;
    let mut links = Links::default();
    let scanned = r.scan_records(R::KIND, &mut |id, bytes| {
        read += 1;
        match codec::decode_record::<R>(RecordRef::new(R::KIND, id), bytes) {
            Ok(rec) if rec.id() != id => {
                problems.push(format!("{} holds the id {}", RecordRef::new(R::KIND, id), rec.id()))
            }
            Ok(rec) => {
                keys::index_keys(&rec).into_iter().for_each(&mut *expected);
                for link in rec.links() {
                    links.pending.push((rec.record_ref(), link.field, link.target));
                }
                if links.pending.len() >= LINKS_AT_ONCE {
                    links.follow(r, problems);
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
        true
    });
    links.follow(r, problems);
    if let Err(e) = scanned {
        problems.push(format!("the {} table is damaged: {read} records read before it failed ({e})", R::KIND));
    }
    Ok(())
}

/// How many links are looked up at once (a few queries on a server, not one per link).
const LINKS_AT_ONCE: usize = 4096;

/// Links read but not yet looked up: (the record, its field, the record it names).
#[derive(Default)]
struct Links {
    pending: Vec<(RecordRef, &'static str, RecordRef)>,
}

impl Links {
    /// Looks the pending links up, saying each whose record does not exist; a lookup that
    /// failed is said once.
    fn follow(&mut self, r: &Snapshot, problems: &mut Vec<String>) {
        let targets: Vec<RecordRef> = self.pending.iter().map(|&(_, _, target)| target).collect();
        let found = match r.contains_many(&targets) {
            Ok(found) => found,
            Err(e) => {
                let (from, _, _) = self.pending[0];
                problems.push(format!("the links of {} from {from} on cannot be looked up: {e}", targets.len()));
                self.pending.clear();
                return;
            }
        };
        for ((from, field, target), there) in self.pending.drain(..).zip(found) {
            if !there {
                problems.push(format!("{from}: its {field} {target} does not exist"));
            }
        }
    }
}

#[cfg(test)]
pub(in crate::store) mod tests {
    use crate::model::{Account, Contact, Kind};
    use crate::store::open::tests::{add_account, temp_store};
    use crate::store::{Store, Workload, keys};

    /// Over more links than are looked up at once, the two that name no record are said, in
    /// the order of the records holding them (`store` is empty to begin with: contacts are
    /// numbered from 1).
    pub(in crate::store) fn each_link_to_no_record_is_named(store: &Store) {
        let acme = add_account(store, "Acme");
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        for i in 0..super::LINKS_AT_ONCE + 10 {
            let gone = [7, super::LINKS_AT_ONCE + 3].contains(&i);
            let account = if gone { acme.id + 100 + i as u64 } else { acme.id };
            let mut c = Contact { last_name: format!("P{i}"), account: Some(account), ..Default::default() };
            t.insert(&mut c).unwrap();
        }
        t.flush().unwrap();
        drop(t);
        w.commit().unwrap();
        assert_eq!(
            super::check(&store.read().unwrap()).unwrap(),
            [
                format!("contact:8: its account account:{} does not exist", acme.id + 107),
                format!(
                    "contact:{}: its account account:{} does not exist",
                    super::LINKS_AT_ONCE + 4,
                    acme.id + 103 + super::LINKS_AT_ONCE as u64
                ),
            ]
        );
    }

    #[test]
    fn each_link_to_no_record_is_named_in_a_file() {
        let (_dir, store) = temp_store(Workload::Brief);
        each_link_to_no_record_is_named(&store);
    }

    #[test]
    fn an_index_entry_missing_or_matching_no_record_is_named() {
        let (_dir, store) = temp_store(Workload::Brief);
        for name in ["Acme", "Globex", "Initech"] {
            add_account(&store, name);
        }
        assert_eq!(super::check(&store.read().unwrap()).unwrap(), Vec::<String>::new());
        let globex = Account { id: 2, name: "Globex".into(), ..Default::default() };
        let gone = keys::index_keys(&globex).remove(0);
        let stray = keys::sort_prefix(Kind::Account, keys::SortField::Name, b"nobody\0\x89");
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        t.raw.remove_keys(&[&gone].into_iter().collect()).unwrap();
        t.raw.add_keys(&[&stray].into_iter().collect()).unwrap();
        drop(t);
        w.commit().unwrap();
        assert_eq!(
            super::check(&store.read().unwrap()).unwrap(),
            [
                format!("index entry {} matches no record", super::hex(&stray)),
                format!("index entry {} is missing", super::hex(&gone)),
            ]
        );
    }
}
