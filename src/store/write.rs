//! The write side: the one write transaction ([`Writer`]), the primitive writes a backend offers
//! ([`RawWrite`]), and the rules every write follows on top of them ([`WriteTables`]: records with
//! their index keys, search texts, audit entries, id sequences, versions, settings), index keys
//! and search texts held back until the flush.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::backend::{Unsynced, WriteTxn};
use super::durable::Durable;
use super::held::Keys;
use super::open::Latest;
use super::read::{audit_prefix, bulk_key};
use super::spill::{Spill, Spiller};
use super::tables::{Handed, OwnerChange, SEARCH_V1, SEARCH_V2, Written, write_tables};
use super::{Health, Indexed, RawRead, Read, Result, StoreError, chunks, codec, facts, keys, other};
use crate::model::{AuditEntry, BulkCreation, Id, Kind, RecordRef};

/// The primitive writes of one backend's write transaction, beneath [`WriteTables`], which
/// decides what to write; reads through [`RawRead`] see the writes made so far.
pub trait RawWrite: RawRead {
    /// Stores the envelope of a record, new or over the one there.
    fn put_raw(&mut self, r: RecordRef, envelope: Vec<u8>) -> Result<()>;
    /// Removes the envelope of a record.
    fn remove_raw(&mut self, r: RecordRef) -> Result<()>;
    /// Writes the records `put_raw` held back (a backend may hold new ones, and reads see them
    /// meanwhile). Whoever writes through these primitives calls it before the commit
    /// ([`WriteTables::flush`] does), or the held records are not written.
    fn write_made(&mut self) -> Result<()> {
        Ok(())
    }
    /// Adds index keys, given sorted and each once; a key already there stays once.
    fn add_keys(&mut self, sorted: &Keys) -> Result<()>;
    /// Removes index keys, given sorted; a key not there is no error.
    fn remove_keys(&mut self, sorted: &Keys) -> Result<()>;
    /// Removes every index key in `[from, to)`.
    fn remove_key_range(&mut self, from: &[u8], to: &[u8]) -> Result<()>;
    /// How many consecutive ids share a chunk of search texts here (see `chunks`).
    fn chunk_size(&self) -> u64;
    /// The packed search texts of one chunk of a kind (see `chunks`).
    fn chunk(&self, kind: Kind, chunk: u64) -> Result<Option<Vec<u8>>>;
    /// Stores the packed texts of one chunk, or with `None` removes it.
    fn put_chunk(&mut self, kind: Kind, chunk: u64, packed: Option<&[u8]>) -> Result<()>;
    /// Stores one entry of the audit trail under its key.
    fn put_audit(&mut self, key: &[u8], entry: &[u8]) -> Result<()>;
    /// Removes every audit entry whose key lies in `[from, to)`.
    fn remove_audit_range(&mut self, from: &[u8], to: &[u8]) -> Result<()>;
    /// Sets a number in the meta table.
    fn put_meta(&mut self, key: &str, value: u64) -> Result<()>;
    /// Stores the bytes of a setting, or with `None` removes it.
    fn put_setting(&mut self, key: &str, value: Option<&[u8]>) -> Result<()>;
    /// Sets a record's version and who wrote it.
    fn put_version(&mut self, r: RecordRef, version: u64, by: &str) -> Result<()>;
}

/// The write transaction's tables as the service writes them: every write of a record brings its
/// index keys, owner change and version with it. Index keys and search texts are held back until
/// [`WriteTables::flush`] (which a read of the index needs first), id sequences too.
pub struct WriteTables<'t> {
    /// The backend's writes.
    pub(super) raw: Box<dyn RawWrite + 't>,
    /// The database's health: a storage fault in a write marks it failed.
    pub(super) health: Arc<Health>,
    /// Index keys written but not yet inserted: inserting them in key order at once keeps the
    /// same index pages hot, several times faster than scattered inserts.
    pub(super) pending: Keys,
    /// Index keys removed but not yet deleted; a later insert of the same key cancels its removal.
    pub(super) removed: FxHashSet<Vec<u8>>,
    /// Runs of held-back index keys spilled to a scratch file (a bulk load).
    pub(super) spill: Option<Spiller>,
    /// The folder where a scratch file may go (none: keys are written instead of spilled).
    pub(super) scratch: Option<Arc<std::path::Path>>,
    /// How many index keys are held before they are spilled (small in tests).
    pub(super) held_keys: usize,
    /// Search texts set (or removed, `None`) but not yet packed into their chunks, in the order
    /// they were set (the last for a record counts): a bulk load sets them in id order, so a list
    /// sorted once at packing costs less than a tree kept sorted throughout.
    pub(super) texts: Vec<((Kind, Id), Option<String>)>,
    /// Id sequences handed out but not yet stored.
    pub(super) seqs: FxHashMap<&'static str, u64>,
    /// Each change of a record's owner or what it is about, in the order written: what the
    /// service's map of owners takes in after the commit.
    pub(super) owners: Handed<OwnerChange>,
    /// Who writes: the login each record written is stamped with in its version.
    pub(super) author: String,
    /// What this transaction wrote, for the sessions told of each commit.
    pub(super) written: Written,
}

/// How a record comes to be written: new, given its id from the sequence just now (its bytes
/// perhaps encoded already), or over the version stored (if any), which it replaces.
enum Put<'r, R> {
    New(Option<codec::Encoded>),
    Over(Option<&'r R>),
}

/// The write transaction of the file; nothing lands until it is committed.
pub(super) struct FileWriter {
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

impl Drop for FileWriter {
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

impl FileWriter {
    pub(super) fn txn(&self) -> Result<&redb::WriteTransaction> {
        self.txn.as_ref().ok_or_else(|| StoreError::Other("the transaction has ended".into()))
    }

    /// Schema 1 → 2: moves the one-row-per-record search keys into chunks and drops their table.
    pub(super) fn pack_search_keys(&self) -> Result<()> {
        use redb::ReadableTable;
        let old = self.txn()?.open_table(SEARCH_V1).map_err(other)?;
        let mut t = self.tables()?;
        for item in old.iter().map_err(other)? {
            let (k, v) = item.map_err(other)?;
            let (code, id) = k.value();
            let kind = Kind::from_code(code).ok_or_else(|| StoreError::Other(format!("unknown kind {code}")))?;
            t.texts.push(((kind, id), Some(v.value().to_string())));
        }
        t.flush()?;
        drop((t, old));
        self.txn()?.delete_table(SEARCH_V1).map_err(other)?;
        Ok(())
    }

    /// Moves the search texts from the chunks of 256 ids of schemas 2 to 9 into chunks of
    /// `chunks::FILE_CHUNK` (compressed, whichever way they were stored), and drops the old table.
    pub(super) fn rechunk_search_texts(&self) -> Result<()> {
        // A damaged page may make the storage panic: the guard turns that into an error naming it.
        self.health.clone().guard(|| self.move_search_texts())
    }

    fn move_search_texts(&self) -> Result<()> {
        use redb::ReadableTable;
        let old = self.txn()?.open_table(SEARCH_V2).map_err(other)?;
        let mut t = self.tables()?;
        for item in old.iter().map_err(other)? {
            let (k, v) = item.map_err(other)?;
            let (code, chunk) = k.value();
            let kind = Kind::from_code(code).ok_or_else(|| StoreError::Other(format!("unknown kind {code}")))?;
            let mut texts = Vec::new();
            chunks::walk(chunk, chunks::WIDE_CHUNK, v.value(), &mut |id, text| texts.push((id, text.to_string())))
                .map_err(StoreError::Other)?;
            for (id, text) in texts {
                t.set_search_key(RecordRef::new(kind, id), Some(text))?;
            }
        }
        t.flush()?;
        drop((t, old));
        self.txn()?.delete_table(SEARCH_V2).map_err(other)?;
        Ok(())
    }
}

impl WriteTxn for FileWriter {
    fn tables(&self) -> Result<WriteTables<'_>> {
        let txn = self.txn()?;
        let raw = self.health.guard(|| write_tables(txn, self.health.clone()))?;
        Ok(WriteTables::new(Box::new(raw), self.health.clone(), Some(self.dir.clone())))
    }

    /// Commits in memory (redb's `Durability::None`): readers see the writes, and the file is
    /// free for the next writer at once. The commit is on disk once a durable commit covers it,
    /// which the first writer waiting makes for every commit made so far.
    fn commit_in_memory(mut self: Box<Self>) -> Result<Unsynced> {
        let txn = self.txn.take().ok_or_else(|| StoreError::Other("the transaction has ended".into()))?;
        let committed = self.health.guard(|| txn.commit().map_err(other));
        self.latest.forget();
        committed?;
        let n = self.durable.committed();
        let (db, health, durable) = (self.db.clone(), self.health.clone(), self.durable.clone());
        Ok(Unsynced(Some(Box::new(move || {
            durable.wait(n, || {
                health.guard(|| {
                    let mut txn = db.begin_write().map_err(other)?;
                    txn.set_quick_repair(true);
                    txn.commit().map_err(other)
                })
            })
        }))))
    }
}

/// How many index keys the writer holds back before spilling them as a sorted run: few enough
/// (some megabytes of short keys; four runs may be in hand at once, see [`Spiller`]) that a
/// million-record load holds a bounded part of them, enough that the flush merges some tens of
/// runs.
pub(super) const HELD_KEYS: usize = 1 << 17;

/// How many bytes of index keys the writer holds back at most, however long the keys: a
/// million long names are spilled in runs as a million short ones are, and the runs in hand at
/// once (see [`Spiller`]) stay some tens of megabytes. Short keys reach [`HELD_KEYS`] first.
const HELD_BYTES: usize = 8 << 20;

/// How many search texts the writer holds back before packing them into their chunks.
const HELD_TEXTS: usize = 1 << 16;

/// A chunk of search texts (kind, chunk number) with its texts as changed, to be packed.
type ChangedChunk = ((Kind, u64), BTreeMap<Id, String>);

/// How many chunks of search texts are unpacked, changed and compressed at a time: however
/// scattered the held texts, a pack holds a bounded part of the search index in memory.
const PACKED_AT_ONCE: usize = 64;

/// The fewest chunks (half of those packed at a time) worth starting a thread beside the
/// writer's to compress.
const BESIDE_AT_LEAST: usize = 8;

/// How many merged keys the index is given at a time: the merge's output held in memory (a few
/// in unit tests, whose loads then cross the threads in many batches).
const SORTED_BATCH: usize = if cfg!(test) { 64 } else { 1 << 16 };

/// A failure of the scratch file of held-back index keys.
pub(super) fn scratch(e: std::io::Error) -> StoreError {
    StoreError::Other(format!("the scratch file of index keys beside the database failed: {e}"))
}

/// The meta key of each kind's id sequence (`seq:contact`), by the kind's slot: made once, as
/// every record inserted asks for one.
static SEQ_KEYS: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| Kind::ALL.iter().map(|k| format!("seq:{}", k.name())).collect());

fn seq_key(kind: Kind) -> &'static str {
    &SEQ_KEYS[super::tables::slot(kind)]
}

impl<'t> WriteTables<'t> {
    /// The rules over a backend's writes, with nothing held back yet; keys spill to a scratch file
    /// in `scratch` when given.
    pub(super) fn new(raw: Box<dyn RawWrite + 't>, health: Arc<Health>, scratch: Option<Arc<std::path::Path>>) -> Self {
        WriteTables {
            raw,
            health,
            pending: Keys::default(),
            removed: FxHashSet::default(),
            spill: None,
            scratch,
            held_keys: HELD_KEYS,
            texts: Vec::new(),
            seqs: FxHashMap::default(),
            owners: Handed::default(),
            author: String::new(),
            written: Written::default(),
        }
    }

    /// The next free id of a sequence.
    fn next_id(&mut self, key: &'static str) -> Result<Id> {
        let next = self.free_id(key)?;
        self.seqs.insert(key, next);
        Ok(next)
    }

    /// The id a sequence gives next, without taking it.
    fn free_id(&self, key: &str) -> Result<Id> {
        let last = match self.seqs.get(key) {
            Some(&n) => n,
            None => self.raw.meta(key)?.unwrap_or(0),
        };
        Ok(last + 1)
    }

    /// The id the next record of `kind` inserted in this transaction will get: for a record
    /// whose fields name its own id (a quote's number).
    pub fn upcoming_id(&self, kind: Kind) -> Result<Id> {
        self.free_id(seq_key(kind))
    }

    /// Writes what is held back (index keys, sequences): before reading the index, and before
    /// the commit.
    pub fn flush(&mut self) -> Result<()> {
        self.health.clone().guard(|| {
            self.raw.write_made()?;
            self.write_keys()?;
            for (key, value) in std::mem::take(&mut self.seqs) {
                self.raw.put_meta(key, value)?;
            }
            self.pack_texts()
        })
    }

    /// Writes the held-back index keys, sorted (a sorted run fills the index's pages in order),
    /// with those spilled before, merged.
    fn write_keys(&mut self) -> Result<()> {
        let removed = std::mem::take(&mut self.removed);
        let mut pending = std::mem::take(&mut self.pending).sorted();
        let removed_sorted = removed.iter().collect::<Keys>().sorted();
        if !removed.is_empty() {
            self.raw.remove_keys(&removed_sorted)?;
        }
        match self.spill.take() {
            Some(mut spiller) => {
                let spill = spiller.finish()?;
                self.merge_into_index(&spill, pending, &removed_sorted)
            }
            None => {
                if !removed.is_empty() {
                    pending.retain(|k| !removed.contains(k));
                }
                self.raw.add_keys(&pending)
            }
        }
    }

    /// Writes the spilled runs and the keys still `held` into the index, but those `removed`
    /// (sorted: walked beside the merged keys): a thread of its own merges them into sorted
    /// batches while this one writes each batch.
    fn merge_into_index(&mut self, spill: &Spill, held: Keys, removed: &Keys) -> Result<()> {
        let (raw, health) = (&mut self.raw, &self.health);
        std::thread::scope(|s| {
            let (batches, merged) = std::sync::mpsc::sync_channel::<Result<Keys>>(2);
            s.spawn(move || {
                let mut batch = Keys::with_capacity(SORTED_BATCH, 0);
                let mut removed = removed.iter().peekable();
                // Guarded as the writer's own calls are: a panic here fails the write, quietly.
                let done = health.guard(|| {
                    let mut each = |k: &[u8]| {
                        while removed.next_if(|r| *r < k).is_some() {}
                        if removed.peek() != Some(&k) {
                            batch.push(k);
                        }
                        if batch.len() == SORTED_BATCH {
                            let full = std::mem::replace(&mut batch, Keys::with_capacity(SORTED_BATCH, 0));
                            // Refused: the writer stopped on an error of its own, and says it.
                            batches.send(Ok(full)).map_err(|_| std::io::Error::other("the index writer stopped"))?;
                        }
                        Ok(())
                    };
                    spill.merge(held, &mut each).map_err(scratch)
                });
                let _ = batches.send(done.map(|()| batch));
            });
            for batch in merged {
                raw.add_keys(&batch?)?;
            }
            Ok(())
        })
    }

    /// Holds `key` back for the flush (see [`WriteTables::hold_new_key`]); a removal of it
    /// still waiting is cancelled.
    pub(super) fn hold_key(&mut self, key: &[u8]) -> Result<()> {
        if !self.removed.is_empty() {
            self.removed.remove(key);
        }
        self.hold_new_key(key)
    }

    /// Holds back for the flush a key not waiting to be removed. Once [`HELD_KEYS`] keys (or
    /// [`HELD_BYTES`]) are held they are spilled, as a sorted run, to a scratch file beside the
    /// database (or, should that fail, written): a bulk load holds a bounded part of its keys,
    /// and the flush merges them.
    fn hold_new_key(&mut self, key: &[u8]) -> Result<()> {
        self.pending.push(key);
        if self.pending.len() < self.held_keys && self.pending.bytes() < HELD_BYTES {
            return Ok(());
        }
        if self.spill.is_none()
            && let Some(dir) = &self.scratch
        {
            self.spill = Spiller::new(dir, self.health.clone()).ok();
        }
        let Some(spiller) = self.spill.as_mut() else { return self.write_keys() };
        // The next run is about as long as this one: room for it at once, not by doubling.
        let next = Keys::with_capacity(self.pending.len(), self.pending.bytes());
        spiller.spill(std::mem::replace(&mut self.pending, next))
    }

    /// Rewrites each chunk that a held-back search text falls in, [`PACKED_AT_ONCE`] chunks at a
    /// time: each unpacked, changed, compressed and written back.
    fn pack_texts(&mut self) -> Result<()> {
        let size = self.raw.chunk_size();
        // As many again may come (past the first packing of a bulk load): room for them at once.
        let capacity = self.texts.len().min(HELD_TEXTS);
        let mut texts = std::mem::replace(&mut self.texts, Vec::with_capacity(capacity));
        // Stable: a record's texts stay in the order they were set, and the last is applied last.
        texts.sort_by_key(|&(at, _)| at);
        let mut texts = texts.into_iter().peekable();
        let mut changed = Vec::with_capacity(PACKED_AT_ONCE);
        while let Some(((kind, id), text)) = texts.next() {
            let key = (kind, chunks::chunk_of(id, size));
            let mut chunk = match self.raw.chunk(kind, key.1)? {
                Some(bytes) => chunks::unpack(key.1, size, &bytes).map_err(StoreError::Other)?,
                None => BTreeMap::new(),
            };
            let mut apply = |id, text: Option<String>| match text {
                Some(t) => chunk.insert(id, t),
                None => chunk.remove(&id),
            };
            apply(id, text);
            while let Some(((kind, id), text)) = texts.next_if(|((k, id), _)| (*k, chunks::chunk_of(*id, size)) == key)
            {
                debug_assert_eq!(kind, key.0);
                apply(id, text);
            }
            changed.push((key, chunk));
            if changed.len() == PACKED_AT_ONCE || texts.peek().is_none() {
                self.put_chunks(&changed)?;
                changed.clear();
            }
        }
        Ok(())
    }

    /// Compresses and writes chunks of texts (removing those left empty): half of them on a
    /// thread beside the writer's when there are enough and one can be started, under the
    /// store's guard as the writer is.
    fn put_chunks(&mut self, changed: &[ChangedChunk]) -> Result<()> {
        let size = self.raw.chunk_size();
        let pack = |group: &[ChangedChunk]| {
            let packed =
                group.iter().map(|(_, texts)| (!texts.is_empty()).then(|| chunks::pack(texts, size)).transpose());
            packed.collect::<std::result::Result<Vec<_>, String>>().map_err(StoreError::Other)
        };
        let (mine, beside) = changed.split_at(changed.len() / 2);
        let health = &self.health;
        let packed = std::thread::scope(|s| {
            let started = (beside.len() >= BESIDE_AT_LEAST)
                .then(|| std::thread::Builder::new().spawn_scoped(s, || health.guard(|| pack(beside))).ok())
                .flatten();
            let Some(beside) = started else { return pack(changed) };
            let mut packed = pack(mine)?;
            packed.extend(beside.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?);
            Ok(packed)
        })?;
        for (((kind, chunk), _), bytes) in changed.iter().zip(packed) {
            self.raw.put_chunk(*kind, *chunk, bytes.as_deref())?;
        }
        Ok(())
    }

    /// Sets a number in the meta table.
    pub fn set_meta(&mut self, key: &str, value: u64) -> Result<()> {
        self.health.clone().guard(|| self.raw.put_meta(key, value))
    }

    /// Stores a list of names under a setting key (see [`Read::names`]).
    pub fn set_names(&mut self, key: &str, names: &[String]) -> Result<()> {
        self.set_setting(key, &names)
    }

    /// Removes a setting.
    pub fn remove_setting(&mut self, key: &str) -> Result<()> {
        self.health.clone().guard(|| {
            self.raw.put_setting(key, None)?;
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
            self.raw.put_setting(key, Some(codec::payload(value).as_slice()))?;
            self.written.settings = true;
            Ok(())
        })
    }

    /// Stores a new record, giving it the next id of its kind.
    pub fn insert<R: Indexed>(&mut self, rec: &mut R) -> Result<()> {
        self.insert_encoded(rec, None)
    }

    /// Stores a new record as [`WriteTables::insert`] does, with its bytes encoded beforehand
    /// when given (see [`codec::Encoded`]).
    pub fn insert_encoded<R: Indexed>(&mut self, rec: &mut R, encoded: Option<codec::Encoded>) -> Result<()> {
        self.health.clone().guard(|| {
            rec.set_id(self.next_id(seq_key(R::KIND))?);
            self.put(rec, Put::New(encoded))
        })
    }

    /// Replaces a stored record, returning what it was.
    pub fn update<R: Indexed>(&mut self, rec: &R) -> Result<R> {
        self.health.clone().guard(|| {
            let old: R =
                self.get(rec.id())?.ok_or_else(|| StoreError::Other(format!("{} vanished", rec.record_ref())))?;
            self.put(rec, Put::Over(Some(&old)))?;
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
        let number = self.raw.version(r)?.map_or(0, |(n, _)| n);
        self.raw.put_version(r, number + 1, &self.author)
    }

    /// Writes a record under its own id, replacing what is stored or putting back one that was
    /// removed, and returns what it replaced: undo puts records back as they were. The id
    /// sequence is left alone, so ids are still never reused.
    pub fn restore<R: Indexed>(&mut self, rec: &R) -> Result<Option<R>> {
        self.health.clone().guard(|| {
            let old: Option<R> = self.get(rec.id())?;
            self.put(rec, Put::Over(old.as_ref()))?;
            self.stamp(rec.record_ref())?;
            Ok(old)
        })
    }

    fn put<R: Indexed>(&mut self, rec: &R, how: Put<'_, R>) -> Result<()> {
        let (old, encoded, new) = match how {
            Put::New(encoded) => (None, encoded, true),
            Put::Over(old) => (old, None, false),
        };
        let new_keys = keys::index_keys(rec);
        let old_keys = old.map(keys::index_keys).unwrap_or_default();
        let state = keys::ownership(rec);
        if state != old.and_then(keys::ownership) {
            let state = state.map(|(owner, about)| (owner.to_string(), about));
            self.owners.push((rec.record_ref(), state));
        }
        for k in old_keys.iter().filter(|k| new_keys.binary_search(k).is_err()) {
            self.unindex(k);
        }
        for k in new_keys.into_iter().filter(|k| old_keys.binary_search(k).is_err()) {
            // Every key of a record holds its id, and a new one's id was never used before: none
            // of its keys can be waiting to be removed.
            if new {
                debug_assert!(!self.removed.contains(&k), "a new record's key was removed");
                self.hold_new_key(&k)?;
            } else {
                self.hold_key(&k)?;
            }
        }
        let bytes = match encoded {
            Some(codec::Encoded(bytes)) => {
                debug_assert_eq!(
                    bytes,
                    codec::encode_record(rec),
                    "{} was changed after it was encoded",
                    rec.record_ref()
                );
                bytes
            }
            None => codec::encode_record(rec),
        };
        self.raw.put_raw(rec.record_ref(), bytes)?;
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
            let old_keys = keys::index_keys(&old);
            for k in &old_keys {
                self.unindex(k);
            }
            if keys::ownership(&old).is_some() {
                self.owners.push((old.record_ref(), None));
            }
            self.raw.remove_raw(old.record_ref())?;
            self.stamp(old.record_ref())?;
            self.written.note(old.record_ref());
            self.set_search_key(old.record_ref(), None)?;
            Ok(Some(old))
        })
    }

    /// Sets (or with `None` removes) the search text of a record; it is packed at the flush, or
    /// once [`HELD_TEXTS`] texts are held.
    pub fn set_search_key(&mut self, r: RecordRef, key: Option<String>) -> Result<()> {
        self.texts.push(((r.kind, r.id), key));
        if self.texts.len() >= HELD_TEXTS { self.health.clone().guard(|| self.pack_texts()) } else { Ok(()) }
    }

    /// Records a run of records created by one bulk load.
    pub fn append_bulk_creation(&mut self, entry: &BulkCreation) -> Result<()> {
        self.health.clone().guard(|| {
            let key = bulk_key(entry.kind, entry.last);
            self.raw.put_audit(&key, &codec::encode(entry))
        })
    }

    /// Removes every audit entry of `target` (a person erased): the caller notes the erasure.
    pub fn scrub_audit(&mut self, target: RecordRef) -> Result<()> {
        self.health.clone().guard(|| {
            let prefix = audit_prefix(target);
            self.raw.remove_audit_range(&prefix, &keys::prefix_end(&prefix))
        })
    }

    /// Appends an entry to a record's audit trail.
    pub fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.health.clone().guard(|| {
            let seq = self.next_id("seq:audit")?;
            if let Some(k) = facts::move_key(entry, seq) {
                self.hold_key(&k)?;
            }
            let mut key = audit_prefix(entry.target);
            key.extend_from_slice(&seq.to_be_bytes());
            self.raw.put_audit(&key, &codec::encode(entry))
        })
    }
}

/// The writer reads what it wrote; the index and the search texts once flushed.
impl RawRead for WriteTables<'_> {
    fn raw(&self, r: RecordRef) -> Result<Option<Vec<u8>>> {
        self.raw.raw(r)
    }

    fn raw_each(&self, refs: &[RecordRef], f: &mut dyn FnMut(usize, &[u8]) -> Result<()>) -> Result<()> {
        self.raw.raw_each(refs, f)
    }

    fn contains(&self, r: RecordRef) -> Result<bool> {
        self.raw.contains(r)
    }

    fn scan_index(&self, from: &[u8], to: &[u8], rev: bool, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        debug_assert!(self.pending.is_empty() && self.removed.is_empty(), "flush the index before reading it");
        self.raw.scan_index(from, to, rev, f)
    }

    fn scan_records(&self, kind: Kind, f: &mut dyn FnMut(Id, &[u8]) -> bool) -> Result<()> {
        self.raw.scan_records(kind, f)
    }

    fn scan_audit_range(&self, from: &[u8], to: &[u8], f: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<()> {
        self.raw.scan_audit_range(from, to, f)
    }

    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> Result<()> {
        debug_assert!(self.texts.is_empty(), "flush the search texts before reading them");
        self.raw.scan_search(kind, f)
    }

    fn count(&self, kind: Kind) -> Result<u64> {
        self.raw.count(kind)
    }

    fn meta(&self, key: &str) -> Result<Option<u64>> {
        self.raw.meta(key)
    }

    fn setting_bytes(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.raw.setting_bytes(key)
    }

    fn version(&self, r: RecordRef) -> Result<Option<(u64, String)>> {
        self.raw.version(r)
    }
}
