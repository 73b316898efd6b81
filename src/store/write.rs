//! The write side: the one write transaction ([`Writer`]) and what its tables write (records
//! with their index keys, search texts, audit entries, id sequences, settings), index keys and
//! search texts held back until the flush.

use std::collections::BTreeMap;
use std::sync::Arc;

use redb::ReadableTable;

use super::durable::Durable;
use super::open::Latest;
use super::read::{audit_prefix, bulk_key};
use super::tables::{Handed, OwnerChange, SEARCH_V1, Written, slot, write_tables};
use super::{Health, Indexed, Read, Result, StoreError, WriteTables, chunks, codec, facts, keys, other};
use crate::model::{AuditEntry, BulkCreation, Id, Kind, RecordRef};

/// The single write transaction; nothing lands until [`Writer::commit`]. Its tables are opened
/// by [`Writer::tables`] and must be dropped before the commit.
pub struct Writer {
    /// Always there until the commit or the drop takes it.
    pub(super) txn: Option<redb::WriteTransaction>,
    pub(super) health: Arc<Health>,
    /// The store's newest snapshot, forgotten at the commit.
    pub(super) latest: Arc<Latest>,
    /// The file, for the durable commit that puts this one on disk.
    pub(super) db: Arc<redb::Database>,
    /// The commits made and those on disk.
    pub(super) durable: Arc<Durable>,
    /// The database's folder, for a bulk load's scratch file.
    pub(super) dir: Arc<std::path::Path>,
}

impl Drop for Writer {
    /// An uncommitted transaction rolls back here, which on a damaged file can panic too.
    fn drop(&mut self) {
        if let Some(txn) = self.txn.take() {
            let _ = self.health.guard(|| {
                drop(txn);
                Ok(())
            });
        }
    }
}

impl Writer {
    pub(super) fn txn(&self) -> Result<&redb::WriteTransaction> {
        self.txn.as_ref().ok_or_else(|| StoreError::Other("the transaction has ended".into()))
    }

    /// Opens every table for reading and writing.
    pub fn tables(&self) -> Result<WriteTables<'_>> {
        let txn = self.txn()?;
        self.health.guard(|| write_tables(txn, self.health.clone(), self.dir.clone()))
    }

    /// Schema 1 → 2: moves the one-row-per-record search keys into chunks and drops their table.
    pub(super) fn pack_search_keys(&self) -> Result<()> {
        let old = self.txn()?.open_table(SEARCH_V1).map_err(other)?;
        let mut t = self.tables()?;
        for item in old.iter().map_err(other)? {
            let (k, v) = item.map_err(other)?;
            t.texts.insert(k.value(), Some(v.value().to_string()));
        }
        t.flush()?;
        drop((t, old));
        self.txn()?.delete_table(SEARCH_V1).map_err(other)?;
        Ok(())
    }

    /// Makes every write of this transaction durable, or none of them.
    pub fn commit(self) -> Result<()> {
        self.commit_in_memory()?.sync()
    }

    /// Commits in memory: readers see the writes, and the file is free for the next writer at
    /// once. Nothing is on disk (nor to be reported saved) until [`Unsynced::sync`] returns.
    pub fn commit_in_memory(mut self) -> Result<Unsynced> {
        let txn = self.txn.take().ok_or_else(|| StoreError::Other("the transaction has ended".into()))?;
        let committed = self.health.guard(|| txn.commit().map_err(other));
        self.latest.forget();
        committed?;
        let n = self.durable.committed();
        Ok(Unsynced { db: self.db.clone(), health: self.health.clone(), durable: self.durable.clone(), n })
    }
}

/// A commit made in memory and not yet on disk.
#[must_use = "a commit is saved only once synced"]
pub struct Unsynced {
    db: Arc<redb::Database>,
    health: Arc<Health>,
    durable: Arc<Durable>,
    /// Its number among the file's commits.
    n: u64,
}

impl Unsynced {
    /// Returns once the commit is on disk: a durable commit covers it (made by this writer, or
    /// by another one for every commit waiting with it).
    pub fn sync(self) -> Result<()> {
        self.durable.wait(self.n, || {
            self.health.guard(|| {
                let mut txn = self.db.begin_write().map_err(other)?;
                txn.set_quick_repair(true);
                txn.commit().map_err(other)
            })
        })
    }
}

/// How many index keys the writer holds back before spilling them as a sorted run: enough for
/// few runs, few enough (some tens of megabytes) that a million-record load holds a bounded
/// part of them.
pub(super) const HELD_KEYS: usize = 1 << 18;

/// How many search texts the writer holds back before packing them into their chunks.
const HELD_TEXTS: usize = 1 << 16;

/// How many merged keys [`insert_sorted`] is given at a time: the merge's output held in memory.
const SORTED_BATCH: usize = 1 << 16;

/// A stretch shorter than this is not worth a cursor, whose closing rewrites the page it ends in.
const CURSOR_FROM: usize = 64;

/// How many keys [`insert_sorted`] inserts each on its own after a short stretch, before it tries
/// a cursor again: keys that interleave with those there (a call's link among its contact's
/// others) go in where they belong, in pages this transaction already holds.
const ONE_BY_ONE: usize = 1024;

/// Inserts keys, sorted and each once, into the index. A stretch of them that falls between two
/// keys already there goes in through one cursor, which packs it into full pages and updates the
/// pages above once a megabyte, instead of a descent from the root and a page rewrite per key:
/// a bulk load's keys mostly land in such stretches (a new kind's keys, ids past the last). Where
/// the stretches turn out short, the keys that follow are inserted each on its own.
fn insert_sorted(index: &mut redb::Table<&[u8], ()>, keys: &[Vec<u8>]) -> Result<()> {
    let mut at = 0;
    while let Some(first) = keys.get(at) {
        let start = at;
        if keys.len() - at >= CURSOR_FROM {
            let mut cursor = index.lower_bound_mut(std::ops::Bound::Included(first.as_slice())).map_err(other)?;
            // The gap is before the smallest key not below `first`: refused there, `first` is that key.
            while let Some(k) = keys.get(at) {
                match cursor.insert_before(k.as_slice(), ()) {
                    Ok(()) => at += 1,
                    Err(redb::CursorError::UnorderedKey) => {
                        if at == start {
                            at += 1;
                        }
                        break;
                    }
                    Err(e) => return Err(other(e)),
                }
            }
            cursor.close().map_err(other)?;
        }
        if at - start < CURSOR_FROM {
            let end = keys.len().min(at + ONE_BY_ONE);
            for k in &keys[at..end] {
                index.insert(k.as_slice(), ()).map_err(other)?;
            }
            at = end;
        }
    }
    Ok(())
}

/// A failure of the scratch file of held-back index keys.
fn scratch(e: std::io::Error) -> StoreError {
    StoreError::Other(format!("the scratch file of index keys beside the database failed: {e}"))
}

fn seq_key(kind: Kind) -> String {
    format!("seq:{}", kind.name())
}

impl WriteTables<'_> {
    /// The next free id of a sequence.
    fn next_id(&mut self, key: &str) -> Result<Id> {
        let last = match self.seqs.get(key) {
            Some(&n) => n,
            None => self.meta.get(key).map_err(other)?.map(|v| v.value()).unwrap_or(0),
        };
        self.seqs.insert(key.to_string(), last + 1);
        Ok(last + 1)
    }

    /// Writes what is held back (index keys, sequences): before reading the index, and before
    /// the commit.
    pub fn flush(&mut self) -> Result<()> {
        self.health.clone().guard(|| {
            self.write_keys()?;
            for (key, value) in std::mem::take(&mut self.seqs) {
                self.meta.insert(key.as_str(), value).map_err(other)?;
            }
            self.pack_texts()
        })
    }

    /// Writes the held-back index keys, sorted (a sorted run fills the index's pages in order),
    /// with those spilled before, merged.
    fn write_keys(&mut self) -> Result<()> {
        let removed = std::mem::take(&mut self.removed);
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_unstable();
        pending.dedup();
        for k in &removed {
            self.index.remove(k.as_slice()).map_err(other)?;
        }
        match self.spill.take() {
            Some(spill) => {
                let index = &mut self.index;
                let mut batch: Vec<Vec<u8>> = Vec::with_capacity(SORTED_BATCH);
                // A failed write of the index is told as itself, not as the scratch file's.
                let mut failed = None;
                spill
                    .merge(pending, &mut |k| {
                        if !removed.contains(k) {
                            batch.push(k.to_vec());
                        }
                        if batch.len() == SORTED_BATCH {
                            if let Err(e) = insert_sorted(index, &batch) {
                                failed = Some(e);
                                return Err(std::io::Error::other("the index could not be written"));
                            }
                            batch.clear();
                        }
                        Ok(())
                    })
                    .map_err(|e| failed.take().unwrap_or_else(|| scratch(e)))?;
                insert_sorted(&mut self.index, &batch)
            }
            None => {
                pending.retain(|k| !removed.contains(k));
                insert_sorted(&mut self.index, &pending)
            }
        }
    }

    /// Holds `key` back for the flush. Once [`HELD_KEYS`] keys are held they are spilled, as a
    /// sorted run, to a scratch file beside the database (or, should that fail, written): a bulk
    /// load holds a bounded part of its keys, and the index still takes them in one sorted pass.
    fn hold_key(&mut self, key: Vec<u8>) -> Result<()> {
        self.removed.remove(&key);
        self.pending.push(key);
        if self.pending.len() < self.held_keys {
            return Ok(());
        }
        if self.spill.is_none()
            && let Some(dir) = &self.scratch
        {
            self.spill = super::spill::Spill::new(dir).ok();
        }
        let Some(spill) = self.spill.as_mut() else { return self.write_keys() };
        let mut run = std::mem::take(&mut self.pending);
        run.sort_unstable();
        run.dedup();
        spill.write_run(&run).map_err(scratch)
    }

    /// Rewrites each chunk that a held-back search text falls in.
    fn pack_texts(&mut self) -> Result<()> {
        let mut texts = std::mem::take(&mut self.texts).into_iter().peekable();
        while let Some(((kind, id), text)) = texts.next() {
            let key = (kind, chunks::chunk_of(id));
            let mut chunk = match self.search.get(key).map_err(other)? {
                Some(bytes) => chunks::unpack(key.1, bytes.value()).map_err(StoreError::Other)?,
                None => BTreeMap::new(),
            };
            let mut apply = |id, text: Option<String>| match text {
                Some(t) => chunk.insert(id, t),
                None => chunk.remove(&id),
            };
            apply(id, text);
            while let Some(((kind, id), text)) = texts.next_if(|((k, id), _)| (*k, chunks::chunk_of(*id)) == key) {
                debug_assert_eq!(kind, key.0);
                apply(id, text);
            }
            if chunk.is_empty() {
                self.search.remove(key).map_err(other)?;
            } else {
                self.search.insert(key, chunks::pack(&chunk).as_slice()).map_err(other)?;
            }
        }
        Ok(())
    }

    /// Sets a number in the meta table.
    pub fn set_meta(&mut self, key: &str, value: u64) -> Result<()> {
        self.health.clone().guard(|| {
            self.meta.insert(key, value).map_err(other)?;
            Ok(())
        })
    }

    /// Stores a list of names under a setting key (see [`Read::names`]).
    pub fn set_names(&mut self, key: &str, names: &[String]) -> Result<()> {
        self.set_setting(key, &names)
    }

    /// Removes a setting.
    pub fn remove_setting(&mut self, key: &str) -> Result<()> {
        self.health.clone().guard(|| {
            self.settings.remove(key).map_err(other)?;
            self.written.settings = true;
            Ok(())
        })
    }

    /// The owner changes written so far (see [`OwnerChange`]), taken out.
    pub fn take_owner_changes(&mut self) -> Handed<OwnerChange> {
        std::mem::take(&mut self.owners)
    }

    /// Stores a value under a setting key (see [`Read::setting`]).
    pub fn set_setting<T: serde::Serialize>(&mut self, key: &str, value: &T) -> Result<()> {
        self.health.clone().guard(|| {
            self.settings.insert(key, codec::payload(value).as_slice()).map_err(other)?;
            self.written.settings = true;
            Ok(())
        })
    }

    /// Stores a new record, giving it the next id of its kind.
    pub fn insert<R: Indexed>(&mut self, rec: &mut R) -> Result<()> {
        self.health.clone().guard(|| {
            rec.set_id(self.next_id(&seq_key(R::KIND))?);
            self.put(rec, None)
        })
    }

    /// Replaces a stored record, returning what it was.
    pub fn update<R: Indexed>(&mut self, rec: &R) -> Result<R> {
        self.health.clone().guard(|| {
            let old: R =
                self.get(rec.id())?.ok_or_else(|| StoreError::Other(format!("{} vanished", rec.record_ref())))?;
            self.put(rec, Some(&old))?;
            self.stamp(rec.record_ref())?;
            Ok(old)
        })
    }

    /// Names who writes in this transaction: every record changed is stamped with their login.
    pub fn set_author(&mut self, login: &str) {
        self.author = login.to_string();
    }

    /// What this transaction wrote so far, taken out.
    pub fn take_written(&mut self) -> Written {
        std::mem::take(&mut self.written)
    }

    /// Gives a record changed, put back or removed its next version, stamped with the author.
    fn stamp(&mut self, r: RecordRef) -> Result<()> {
        let key = (r.kind.code(), r.id);
        let number = self.versions.get(key).map_err(other)?.map_or(0, |v| v.value().0);
        self.versions.insert(key, (number + 1, self.author.as_str())).map_err(other)?;
        Ok(())
    }

    /// Writes a record under its own id, replacing what is stored or putting back one that was
    /// removed, and returns what it replaced: undo puts records back as they were. The id
    /// sequence is left alone, so ids are still never reused.
    pub fn restore<R: Indexed>(&mut self, rec: &R) -> Result<Option<R>> {
        self.health.clone().guard(|| {
            let old: Option<R> = self.get(rec.id())?;
            self.put(rec, old.as_ref())?;
            self.stamp(rec.record_ref())?;
            Ok(old)
        })
    }

    fn put<R: Indexed>(&mut self, rec: &R, old: Option<&R>) -> Result<()> {
        let new_keys = keys::index_keys(rec);
        let old_keys = old.map(keys::index_keys).unwrap_or_default();
        let owned = keys::owned_key(rec);
        if owned != old.and_then(keys::owned_key) {
            let state = owned.map(|_| (rec.owner().unwrap_or_default().to_string(), rec.about()));
            self.owners.push((rec.record_ref(), state));
        }
        for k in old_keys.iter().filter(|k| new_keys.binary_search(k).is_err()) {
            self.unindex(k);
        }
        for k in new_keys.into_iter().filter(|k| old_keys.binary_search(k).is_err()) {
            self.hold_key(k)?;
        }
        self.records[slot(R::KIND)].insert(rec.id(), codec::encode(rec).as_slice()).map_err(other)?;
        self.written.note(rec.record_ref());
        Ok(())
    }

    fn unindex(&mut self, key: &[u8]) {
        self.removed.insert(key.to_vec());
    }

    /// Removes a record, its index entries and its search key, returning it.
    pub fn remove<R: Indexed>(&mut self, id: Id) -> Result<Option<R>> {
        self.health.clone().guard(|| {
            let Some(old) = self.get::<R>(id)? else { return Ok(None) };
            for k in keys::index_keys(&old) {
                self.unindex(&k);
            }
            if keys::owned_key(&old).is_some() {
                self.owners.push((old.record_ref(), None));
            }
            self.records[slot(R::KIND)].remove(id).map_err(other)?;
            self.stamp(old.record_ref())?;
            self.written.note(old.record_ref());
            self.set_search_key(old.record_ref(), None)?;
            Ok(Some(old))
        })
    }

    /// Sets (or with `None` removes) the search text of a record; it is packed at the flush, or
    /// once [`HELD_TEXTS`] texts are held.
    pub fn set_search_key(&mut self, r: RecordRef, key: Option<&str>) -> Result<()> {
        self.texts.insert((r.kind.code(), r.id), key.map(str::to_string));
        if self.texts.len() >= HELD_TEXTS { self.health.clone().guard(|| self.pack_texts()) } else { Ok(()) }
    }

    /// Records a run of records created by one bulk load.
    pub fn append_bulk_creation(&mut self, entry: &BulkCreation) -> Result<()> {
        self.health.clone().guard(|| {
            let key = bulk_key(entry.kind, entry.last);
            self.audit.insert(key.as_slice(), codec::encode(entry).as_slice()).map_err(other)?;
            Ok(())
        })
    }

    /// Removes every audit entry of `target` (a person erased): the caller notes the erasure.
    pub fn scrub_audit(&mut self, target: RecordRef) -> Result<()> {
        self.health.clone().guard(|| {
            let prefix = audit_prefix(target);
            let end = keys::prefix_end(&prefix);
            let doomed: Vec<Vec<u8>> = self
                .audit
                .range::<&[u8]>(prefix.as_slice()..end.as_slice())
                .map_err(other)?
                .map(|item| item.map(|(k, _)| k.value().to_vec()).map_err(other))
                .collect::<Result<_>>()?;
            for k in doomed {
                self.audit.remove(k.as_slice()).map_err(other)?;
            }
            Ok(())
        })
    }

    /// Appends an entry to a record's audit trail.
    pub fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.health.clone().guard(|| {
            let seq = self.next_id("seq:audit")?;
            if let Some(k) = facts::move_key(entry, seq) {
                self.hold_key(k)?;
            }
            let mut key = audit_prefix(entry.target);
            key.extend_from_slice(&seq.to_be_bytes());
            self.audit.insert(key.as_slice(), codec::encode(entry).as_slice()).map_err(other)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: redb::TableDefinition<&[u8], ()> = redb::TableDefinition::new("t");

    fn key(n: u32) -> Vec<u8> {
        n.to_be_bytes().to_vec()
    }

    /// The table's keys after `there` are stored and `added` inserted through `insert_sorted`.
    fn after(there: &[u32], added: &[u32]) -> Vec<u32> {
        let dir = tempfile::tempdir().unwrap();
        let db = redb::Database::create(dir.path().join("t.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut t = txn.open_table(T).unwrap();
            for &n in there {
                t.insert(key(n).as_slice(), ()).unwrap();
            }
            insert_sorted(&mut t, &added.iter().map(|&n| key(n)).collect::<Vec<_>>()).unwrap();
        }
        txn.commit().unwrap();
        let txn = redb::ReadableDatabase::begin_read(&db).unwrap();
        let t = txn.open_table(T).unwrap();
        t.iter().unwrap().map(|e| u32::from_be_bytes(e.unwrap().0.value().try_into().unwrap())).collect()
    }

    #[test]
    fn sorted_keys_land_among_those_there_each_once() {
        // Stretches past the last key, between keys, equal to keys there, one key between two.
        let there: Vec<u32> = (0..3000).map(|n| n * 7).collect();
        let mut added: Vec<u32> = (20_000..25_000).collect();
        added.extend([5, 7, 8, 9, 14, 700, 701, 702]);
        added.extend((0..2000).map(|n| n * 7 + 3));
        added.sort();
        added.dedup();
        let mut want: Vec<u32> = there.iter().chain(&added).copied().collect();
        want.sort();
        want.dedup();
        assert_eq!(after(&there, &added), want);
        // Few keys take the one-at-a-time path; none at all is fine too.
        assert_eq!(after(&[1, 3], &[0, 2, 3, 4]), vec![0, 1, 2, 3, 4]);
        assert_eq!(after(&[1], &[]), vec![1]);
        assert_eq!(after(&[], &(0..100).collect::<Vec<_>>()), (0..100).collect::<Vec<_>>());
        // A cursor opened at a key already there skips it.
        assert_eq!(after(&[0, 500], &(0..2000).collect::<Vec<_>>()), (0..2000).collect::<Vec<_>>());
    }
}
