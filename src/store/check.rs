//! `rolo check` for the store: every record decodes, links point at records that exist, the
//! index holds exactly the keys the records call for, the search texts unpack; a damaged table
//! is reported with how much of it reads.

use std::collections::HashSet;

use super::tables::Slot;
use super::{Indexed, RawRead, Read, Reader, Result, codec, facts, keys};
use crate::model::{Kind, RecordRef};

/// Checks the whole file: every record decodes, its links point at records that exist, the
/// index holds exactly the entries the records call for, and the search texts unpack. Returns
/// the problems, one sentence each.
pub fn check(r: &Reader) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut expected = HashSet::new();
    for kind in Kind::ALL {
        crate::model::with_record_type!(kind, R => check_kind::<R>(r, &mut problems, &mut expected)?);
        if let Err(e) = r.scan_search(kind, &mut |_, _| ()) {
            problems.push(format!("the search texts of {} cannot be read: {e}", kind.plural()));
        }
    }
    let moves = r.health.guard(|| {
        facts::audit_moves(r.audit.table()?, &mut |k| {
            expected.insert(k);
        })
    });
    if let Err(e) = moves {
        problems.push(format!("the audit table is damaged: {e}"));
    }
    let mut found = HashSet::new();
    let scanned = r.scan_index(&[], &[0xff; 4], false, &mut |k| {
        found.insert(k.to_vec());
        true
    });
    if let Err(e) = scanned {
        problems.push(format!("the index table is damaged: {} entries read before it failed ({e})", found.len()));
    }
    if !problems.is_empty() {
        // With a table unreadable, the index comparison would only repeat the damage.
        return Ok(problems);
    }
    let mut stray: Vec<String> =
        found.difference(&expected).map(|k| format!("index entry {} matches no record", hex(k))).collect();
    let mut missing: Vec<String> =
        expected.difference(&found).map(|k| format!("index entry {} is missing", hex(k))).collect();
    stray.sort();
    missing.sort();
    problems.extend(stray);
    problems.extend(missing);
    Ok(problems)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the records of one kind; a table that stops reading part-way is reported with how
/// many of its records could be read, and the check goes on with the next table.
fn check_kind<R: Indexed>(r: &Reader, problems: &mut Vec<String>, expected: &mut HashSet<Vec<u8>>) -> Result<()> {
    let mut read = 0u64;
    let scanned = r.scan_records(R::KIND, &mut |id, bytes| {
        read += 1;
        match codec::decode::<R>(RecordRef::new(R::KIND, id), bytes) {
            Ok(rec) if rec.id() != id => {
                problems.push(format!("{} holds the id {}", RecordRef::new(R::KIND, id), rec.id()))
            }
            Ok(rec) => {
                expected.extend(keys::index_keys(&rec));
                for link in rec.links() {
                    if !matches!(r.exists(link.target), Ok(true)) {
                        problems.push(format!(
                            "{}: its {} {} does not exist",
                            rec.record_ref(),
                            link.field,
                            link.target
                        ));
                    }
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
        true
    });
    if let Err(e) = scanned {
        problems.push(format!("the {} table is damaged: {read} records read before it failed ({e})", R::KIND));
    }
    Ok(())
}
