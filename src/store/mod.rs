//! redb storage: tables, the record envelope, secondary indexes, the audit trail, id sequences and
//! the schema version. Knows nothing of the UI or of business rules; the service decides what to
//! write, this module writes it.

mod chunks;
mod clean;
pub(crate) mod codec;
pub mod facts;
mod guard;
pub mod keys;
mod upgrade;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

pub use codec::Stored;
pub use guard::{Health, guarding, hush_caught_panics};
pub use keys::{Indexed, SortField};

use crate::model::{AuditEntry, BulkCreation, Id, Kind, RecordRef};

/// The schema this build reads and writes. Schema 1 kept one search-key row per record; 2 packs
/// them in chunks (see `chunks`); 3 stores a lead's or deal's source by name, from a list kept
/// in the settings table (2 stored one of fourteen fixed sources by number); 4 adds the report
/// facts (see `facts`); 5 gives each won or lost deal the day it closed (record format 2), its
/// report facts dated by it. Opening an older file upgrades it, one step at a time, inside one
/// transaction.
pub const SCHEMA_VERSION: u64 = 5;

const INDEX: TableDefinition<&[u8], ()> = TableDefinition::new("index");
const AUDIT: TableDefinition<&[u8], &[u8]> = TableDefinition::new("audit");
/// (kind, chunk) → the packed search texts of that chunk's records.
const SEARCH: TableDefinition<(u8, u64), &[u8]> = TableDefinition::new("search_chunks");
/// Schema 1's search keys, one row per record: read once to upgrade, then dropped.
const SEARCH_V1: TableDefinition<(u8, u64), &str> = TableDefinition::new("search_keys");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Named lists and values the teams edit (the lead sources), bincode-encoded.
const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");

/// Opens every table of a transaction; the same code serves both kinds of transaction.
macro_rules! open_tables {
    ($txn:expr, $health:expr) => {
        Tables {
            health: $health,
            records: Kind::ALL
                .iter()
                .map(|&k| $txn.open_table(records(k)))
                .collect::<std::result::Result<_, _>>()
                .map_err(other)?,
            index: $txn.open_table(INDEX).map_err(other)?,
            audit: $txn.open_table(AUDIT).map_err(other)?,
            search: $txn.open_table(SEARCH).map_err(other)?,
            meta: $txn.open_table(META).map_err(other)?,
            settings: $txn.open_table(SETTINGS).map_err(other)?,
            pending: Vec::new(),
            removed: HashSet::new(),
            texts: BTreeMap::new(),
            seqs: HashMap::new(),
        }
    };
}

/// The table holding records of `kind`: id → envelope.
fn records(kind: Kind) -> TableDefinition<'static, u64, &'static [u8]> {
    TableDefinition::new(kind.name())
}

/// Something went wrong below the business rules: the file, the format or a record.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the file.
    #[error("the database {0} is open in another rolo process: close that one, then try again")]
    Busy(PathBuf),
    /// The file is not a rolo database, or is damaged.
    #[error("the database {path} cannot be read ({detail}): restore a backup, or point --db at another file")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What redb said.
        detail: String,
    },
    /// A newer rolo wrote the file.
    #[error(
        "the database {path} was written by a newer rolo (schema {found}; this one knows {SCHEMA_VERSION}): upgrade rolo"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// The schema version found.
        found: u64,
    },
    /// One record could not be decoded.
    #[error("{record} cannot be read: {detail}")]
    BadRecord {
        /// The record.
        record: RecordRef,
        /// Why.
        detail: String,
    },
    /// The file system refused.
    #[error("cannot use the database file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database's folder cannot be made (a file stands where a folder should).
    #[error(
        "cannot make the folder {path} for the database ({source}): is part of that path a file? Choose another --db path"
    )]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The backup cannot be written where asked.
    #[error("cannot write the backup {path}: {source}: check that its folder exists and can be written to")]
    Backup {
        /// The backup file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The backup target is taken.
    #[error("the backup file {0} exists already: choose a new name")]
    BackupExists(PathBuf),
    /// Any other storage failure, with redb's words.
    #[error("storage error: {0}")]
    Other(String),
}

/// Turns any redb error into a [`StoreError`].
fn other(e: impl Into<redb::Error>) -> StoreError {
    StoreError::Other(e.into().to_string())
}

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database file. Cheap to share: clone the `Arc` around it.
pub struct Store {
    path: PathBuf,
    workload: Workload,
    health: Arc<Health>,
    db: RwLock<Option<Arc<Database>>>,
}

/// What the file is opened for, which decides how much memory redb may keep for pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Workload {
    /// A long session or a bulk load: redb's own large cache keeps hot pages and buffers big
    /// writes (a million-contact load runs about a fifth faster with it).
    #[default]
    Session,
    /// One command that reads or writes a little and exits: a small cache, since filling a large
    /// one once costs more (page faults) than it saves; a cold search over a million contacts
    /// runs about a sixth faster.
    Brief,
}

/// The page cache of a [`Workload::Brief`] open, in bytes.
const BRIEF_CACHE: usize = 16 << 20;

impl Store {
    /// Opens the file, creating it (and its folder) when missing; refuses files it cannot read.
    pub fn open(path: &Path, workload: Workload) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder { path: dir.to_path_buf(), source })?;
        }
        let health = Arc::new(Health::new(path));
        let db = health.guard(|| open_db(path, workload))?;
        let store = Store { path: path.to_path_buf(), workload, health, db: RwLock::new(Some(Arc::new(db))) };
        store.prepare()?;
        Ok(store)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates missing tables, checks the schema version and upgrades an older file.
    fn prepare(&self) -> Result<()> {
        let w = self.write()?;
        let found = w.tables()?.meta("schema_version")?;
        match found {
            Some(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::TooNew { path: self.path.clone(), found });
            }
            // Each step reads what the one before wrote: the facts are derived from records that
            // already name their lead sources, and closed deals are dated from the moves in them.
            Some(old) => {
                if old < 2 {
                    w.pack_search_keys()?;
                }
                if old < 3 {
                    w.name_lead_sources()?;
                }
                if old < 4 {
                    facts::derive(&mut w.tables()?)?;
                }
                if old < 5 {
                    upgrade::date_closed_deals(&mut w.tables()?)?;
                }
            }
            None => {}
        }
        if found != Some(SCHEMA_VERSION) {
            w.tables()?.set_meta("schema_version", SCHEMA_VERSION)?;
        }
        w.clean_texts()?;
        w.commit()
    }

    fn db(&self) -> Result<Arc<Database>> {
        self.health.check()?;
        let guard = self.db.read().unwrap_or_else(|e| e.into_inner());
        guard.clone().ok_or_else(|| StoreError::Other("the database is closed".into()))
    }

    /// Starts a read: a consistent snapshot, never blocked by writers.
    pub fn read(&self) -> Result<Reader> {
        let db = self.db()?;
        self.snapshot(db)
    }

    /// A snapshot even of a file found damaged, so that `check` can say how much of it reads.
    pub fn read_damaged(&self) -> Result<Reader> {
        let guard = self.db.read().unwrap_or_else(|e| e.into_inner());
        let db = guard.clone().ok_or_else(|| StoreError::Other("the database is closed".into()))?;
        drop(guard);
        self.snapshot(db)
    }

    fn snapshot(&self, db: Arc<Database>) -> Result<Reader> {
        self.health.guard(|| {
            let txn = db.begin_read().map_err(other)?;
            Ok(open_tables!(txn, self.health.clone()))
        })
    }

    /// Starts the one write transaction; nothing is kept unless it is committed.
    ///
    /// After a failed commit redb refuses further writes on the same handle, so the file is
    /// reopened once before giving up.
    pub fn write(&self) -> Result<Writer> {
        let db = self.db()?;
        let mut txn = match self.health.guard(|| Ok(db.begin_write()))? {
            Ok(txn) => txn,
            Err(redb::TransactionError::Storage(redb::StorageError::PreviousIo)) => {
                self.reopen()?;
                let db = self.db()?;
                self.health.guard(|| db.begin_write().map_err(other))?
            }
            Err(e) => return Err(other(e)),
        };
        // Each commit also saves the allocator state, so that a rolo killed mid-session (a closed
        // terminal, a power cut) reopens at once instead of walking a big file to repair it.
        txn.set_quick_repair(true);
        Ok(Writer { txn: Some(txn), health: self.health.clone() })
    }

    fn reopen(&self) -> Result<()> {
        let mut guard = self.db.write().unwrap_or_else(|e| e.into_inner());
        self.release(guard.take());
        *guard = Some(Arc::new(open_db(&self.path, self.workload)?));
        Ok(())
    }

    /// Verifies every page of the file against its checksum (redb repairs what it can).
    /// Returns whether a repair was needed; fails when the file cannot be trusted.
    pub fn verify_pages(&self) -> Result<bool> {
        let mut guard = self.db.write().unwrap_or_else(|e| e.into_inner());
        let db =
            guard.as_mut().and_then(Arc::get_mut).ok_or_else(|| StoreError::Other("the database is in use".into()))?;
        match self.health.guard(|| Ok(db.check_integrity()))? {
            Ok(clean) => Ok(!clean),
            Err(e) => Err(StoreError::Corrupt { path: self.path.clone(), detail: e.to_string() }),
        }
    }

    /// Writes a consistent copy of the whole database to `target` (which must not exist): into
    /// a temporary file beside it first, renamed into place once complete.
    pub fn backup(&self, target: &Path) -> Result<()> {
        let io = |source| StoreError::Backup { path: target.to_path_buf(), source };
        if target.exists() {
            return Err(StoreError::BackupExists(target.to_path_buf()));
        }
        let partial = target.with_extension("partial");
        // Holding the write transaction keeps every writer out while the file is copied.
        let hold = self.write()?;
        let copied = std::fs::copy(&self.path, &partial)
            .and_then(|_| std::fs::File::open(&partial)?.sync_all())
            .and_then(|()| {
                if target.exists() {
                    Err(std::io::ErrorKind::AlreadyExists.into())
                } else {
                    std::fs::rename(&partial, target)
                }
            });
        drop(hold);
        copied.map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                StoreError::BackupExists(target.to_path_buf())
            } else {
                io(e)
            }
        })
    }
}

impl Store {
    /// Closes a handle to the file. Closing writes to the file, so a file found damaged is left
    /// as it is (the next open repairs what it can), and a panic while closing is caught.
    fn release(&self, db: Option<Arc<Database>>) {
        if self.health.check().is_err() {
            std::mem::forget(db);
        } else {
            let _ = self.health.guard(|| {
                drop(db);
                Ok(())
            });
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let db = self.db.get_mut().unwrap_or_else(|e| e.into_inner()).take();
        self.release(db);
    }
}

fn open_db(path: &Path, workload: Workload) -> Result<Database> {
    let mut builder = Database::builder();
    if let Workload::Brief = workload {
        builder.set_cache_size(BRIEF_CACHE);
    }
    builder.create(path).map_err(|e| match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Busy(path.to_path_buf()),
        redb::DatabaseError::Storage(redb::StorageError::Io(source)) if !is_damage(&source) => {
            StoreError::Io { path: path.to_path_buf(), source }
        }
        other => StoreError::Corrupt { path: path.to_path_buf(), detail: other.to_string() },
    })
}

/// Whether an I/O error at open time means the file's content is wrong, not that it is unreachable.
fn is_damage(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    !matches!(e.kind(), NotFound | PermissionDenied | ReadOnlyFilesystem | StorageFull | IsADirectory | WouldBlock)
}

/// Every table, opened once: by a read snapshot ([`Reader`]) or by the writer ([`WriteTables`]).
/// Opening a redb table costs far more than one lookup, so a transaction opens each just once.
pub struct Tables<Rec, Idx, Aud, Sea, Met, Set> {
    /// The file's health: every call into redb runs through its guard.
    health: Arc<Health>,
    /// One record table per kind, in [`Kind::ALL`] order.
    records: Vec<Rec>,
    index: Idx,
    audit: Aud,
    search: Sea,
    meta: Met,
    settings: Set,
    /// Index keys written but not yet inserted (writer only): inserting them in key order at
    /// once keeps the same index pages hot, several times faster than scattered inserts.
    pending: Vec<Vec<u8>>,
    /// Index keys removed but not yet deleted (writer only); a later insert of the same key
    /// cancels its removal.
    removed: HashSet<Vec<u8>>,
    /// Search texts set (or removed, `None`) but not yet packed into their chunks (writer only),
    /// by (kind code, id).
    texts: BTreeMap<(u8, Id), Option<String>>,
    /// Id sequences handed out but not yet stored (writer only).
    seqs: HashMap<String, u64>,
}

/// A read-only snapshot of the database.
pub type Reader = Tables<
    redb::ReadOnlyTable<u64, &'static [u8]>,
    redb::ReadOnlyTable<&'static [u8], ()>,
    redb::ReadOnlyTable<&'static [u8], &'static [u8]>,
    redb::ReadOnlyTable<(u8, u64), &'static [u8]>,
    redb::ReadOnlyTable<&'static str, u64>,
    redb::ReadOnlyTable<&'static str, &'static [u8]>,
>;

/// The tables of the write transaction: reads see its own writes.
pub type WriteTables<'t> = Tables<
    redb::Table<'t, u64, &'static [u8]>,
    redb::Table<'t, &'static [u8], ()>,
    redb::Table<'t, &'static [u8], &'static [u8]>,
    redb::Table<'t, (u8, u64), &'static [u8]>,
    redb::Table<'t, &'static str, u64>,
    redb::Table<'t, &'static str, &'static [u8]>,
>;

/// The single write transaction; nothing lands until [`Writer::commit`]. Its tables are opened
/// by [`Writer::tables`] and must be dropped before the commit.
pub struct Writer {
    /// Always there until the commit or the drop takes it.
    txn: Option<redb::WriteTransaction>,
    health: Arc<Health>,
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
    fn txn(&self) -> Result<&redb::WriteTransaction> {
        self.txn.as_ref().ok_or_else(|| StoreError::Other("the transaction has ended".into()))
    }

    /// Opens every table for reading and writing.
    pub fn tables(&self) -> Result<WriteTables<'_>> {
        let txn = self.txn()?;
        self.health.guard(|| Ok(open_tables!(txn, self.health.clone())))
    }

    /// Schema 1 → 2: moves the one-row-per-record search keys into chunks and drops their table.
    fn pack_search_keys(&self) -> Result<()> {
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
    pub fn commit(mut self) -> Result<()> {
        let txn = self.txn.take().ok_or_else(|| StoreError::Other("the transaction has ended".into()))?;
        self.health.guard(|| txn.commit().map_err(other))
    }
}

/// Where a kind's table sits in [`Tables::records`].
fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0)
}

/// Raw access that readers and the writer both offer; everything else in [`Read`] builds on it.
pub trait RawRead {
    /// The stored envelope of one record.
    fn raw(&self, r: RecordRef) -> Result<Option<Vec<u8>>>;
    /// Whether a record exists (without copying it).
    fn contains(&self, r: RecordRef) -> Result<bool>;
    /// Calls `f` with each index key in `[from, to)` (reversed when asked) until it returns false.
    fn scan_index(&self, from: &[u8], to: &[u8], rev: bool, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()>;
    /// Calls `f` with every (id, envelope) of `kind` in id order until it returns false.
    fn scan_records(&self, kind: Kind, f: &mut dyn FnMut(Id, &[u8]) -> bool) -> Result<()>;
    /// Calls `f` with the audit entries whose keys lie in `[from, to]` until it returns false.
    fn scan_audit_range(&self, from: &[u8], to: &[u8], f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()>;
    /// Calls `f` with every search key of `kind`, in id order.
    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> Result<()>;
    /// How many records of `kind` there are.
    fn count(&self, kind: Kind) -> Result<u64>;
    /// A number kept in the meta table.
    fn meta(&self, key: &str) -> Result<Option<u64>>;
    /// The stored bytes of a setting.
    fn setting_bytes(&self, key: &str) -> Result<Option<Vec<u8>>>;
}

impl<Rec, Idx, Aud, Sea, Met, Set> RawRead for Tables<Rec, Idx, Aud, Sea, Met, Set>
where
    Rec: ReadableTable<u64, &'static [u8]>,
    Idx: ReadableTable<&'static [u8], ()>,
    Aud: ReadableTable<&'static [u8], &'static [u8]>,
    Sea: ReadableTable<(u8, u64), &'static [u8]>,
    Met: ReadableTable<&'static str, u64>,
    Set: ReadableTable<&'static str, &'static [u8]>,
{
    fn raw(&self, r: RecordRef) -> Result<Option<Vec<u8>>> {
        self.health.guard(|| Ok(self.records[slot(r.kind)].get(r.id).map_err(other)?.map(|v| v.value().to_vec())))
    }

    fn contains(&self, r: RecordRef) -> Result<bool> {
        self.health.guard(|| Ok(self.records[slot(r.kind)].get(r.id).map_err(other)?.is_some()))
    }

    fn scan_index(&self, from: &[u8], to: &[u8], rev: bool, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        self.health.guard(|| {
            debug_assert!(self.pending.is_empty() && self.removed.is_empty(), "flush the index before reading it");
            let range = self.index.range::<&[u8]>(from..to).map_err(other)?;
            let items: Box<dyn Iterator<Item = _>> = if rev { Box::new(range.rev()) } else { Box::new(range) };
            for item in items {
                let (k, _) = item.map_err(other)?;
                if !f(k.value()) {
                    break;
                }
            }
            Ok(())
        })
    }

    fn scan_records(&self, kind: Kind, f: &mut dyn FnMut(Id, &[u8]) -> bool) -> Result<()> {
        self.health.guard(|| {
            for item in self.records[slot(kind)].iter().map_err(other)? {
                let (k, v) = item.map_err(other)?;
                if !f(k.value(), v.value()) {
                    break;
                }
            }
            Ok(())
        })
    }

    fn scan_audit_range(&self, from: &[u8], to: &[u8], f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        self.health.guard(|| {
            for item in self.audit.range::<&[u8]>(from..=to).map_err(other)? {
                let (_, v) = item.map_err(other)?;
                if !f(v.value()) {
                    break;
                }
            }
            Ok(())
        })
    }

    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> Result<()> {
        self.health.guard(|| {
            debug_assert!(self.texts.is_empty(), "flush the search texts before reading them");
            for item in self.search.range((kind.code(), 0)..=(kind.code(), u64::MAX)).map_err(other)? {
                let (k, v) = item.map_err(other)?;
                chunks::walk(k.value().1, v.value(), f).map_err(StoreError::Other)?;
            }
            Ok(())
        })
    }

    fn count(&self, kind: Kind) -> Result<u64> {
        self.health.guard(|| self.records[slot(kind)].len().map_err(other))
    }

    fn meta(&self, key: &str) -> Result<Option<u64>> {
        self.health.guard(|| Ok(self.meta.get(key).map_err(other)?.map(|v| v.value())))
    }

    fn setting_bytes(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.health.guard(|| Ok(self.settings.get(key).map_err(other)?.map(|v| v.value().to_vec())))
    }
}

/// Typed reads, the same for a snapshot and for the writer.
pub trait Read: RawRead {
    /// A list of names kept under a setting key (the lead sources), if one was stored.
    fn names(&self, key: &str) -> Result<Option<Vec<String>>> {
        self.setting_bytes(key)?.map(|bytes| codec::decode_setting(key, &bytes)).transpose()
    }

    /// One record, if it exists.
    fn get<R: Indexed>(&self, id: Id) -> Result<Option<R>> {
        let what = RecordRef::new(R::KIND, id);
        self.raw(what)?.map(|bytes| codec::decode(what, &bytes)).transpose()
    }

    /// Whether a record exists.
    fn exists(&self, r: RecordRef) -> Result<bool> {
        self.contains(r)
    }

    /// Every record of a kind for which `keep` says yes, in id order.
    fn all<R: Indexed>(&self, mut keep: impl FnMut(&R) -> bool) -> Result<Vec<R>> {
        let mut found = Gather::default();
        self.scan_records(R::KIND, &mut |id, bytes| {
            found.take(codec::decode::<R>(RecordRef::new(R::KIND, id), bytes).map(|r| Some(r).filter(&mut keep)))
        })?;
        found.finish()
    }

    /// Calls `f` with each record of a kind, in id order, until it returns false: a scan that
    /// keeps nothing itself.
    fn each<R: Indexed>(&self, mut f: impl FnMut(R) -> bool) -> Result<()> {
        let mut failed = None;
        self.scan_records(R::KIND, &mut |id, bytes| match codec::decode::<R>(RecordRef::new(R::KIND, id), bytes) {
            Ok(r) => f(r),
            Err(e) => {
                failed = Some(e);
                false
            }
        })?;
        failed.map_or(Ok(()), Err)
    }

    /// Records of `kind` that link to `target`, as ids, in id order.
    fn linking(&self, target: RecordRef, kind: Kind) -> Result<Vec<Id>> {
        let prefix = keys::ref_prefix(target, Some(kind));
        let mut ids = Vec::new();
        self.scan_index(&prefix, &keys::prefix_end(&prefix), false, &mut |k| {
            ids.extend(keys::key_id(k));
            true
        })?;
        Ok(ids)
    }

    /// Calls `f` with every link to a record of `kind`, in the order of the records linked to: the
    /// id of the record linked to, and the record linking to it.
    fn links_to_kind(&self, kind: Kind, f: &mut dyn FnMut(Id, RecordRef)) -> Result<()> {
        let prefix = keys::kind_ref_prefix(kind);
        self.scan_index(&prefix, &keys::prefix_end(&prefix), false, &mut |k| {
            if let (Some(target), Some(src)) = (keys::ref_target(k), keys::ref_source(k)) {
                f(target, src);
            }
            true
        })
    }

    /// Every record, of any kind, that links to `target`.
    fn referrers(&self, target: RecordRef) -> Result<Vec<RecordRef>> {
        let prefix = keys::ref_prefix(target, None);
        let mut refs = Vec::new();
        self.scan_index(&prefix, &keys::prefix_end(&prefix), false, &mut |k| {
            refs.extend(keys::ref_source(k));
            true
        })?;
        Ok(refs)
    }

    /// Ids of `kind` ordered by `field`, from the value `from` (inclusive) to `to` (exclusive;
    /// `None` for the end), at most `limit`, backwards when `rev`.
    fn sorted(
        &self,
        kind: Kind,
        field: SortField,
        from: &[u8],
        to: Option<&[u8]>,
        rev: bool,
        limit: usize,
    ) -> Result<Vec<Id>> {
        let start = keys::sort_prefix(kind, field, from);
        let end = match to {
            Some(to) => keys::sort_prefix(kind, field, to),
            None => keys::prefix_end(&keys::sort_prefix(kind, field, &[])),
        };
        let mut ids = Vec::new();
        self.scan_index(&start, &end, rev, &mut |k| {
            ids.extend(keys::key_id(k));
            ids.len() < limit
        })?;
        Ok(ids)
    }

    /// The records with those ids, skipping any that are gone.
    fn many<R: Indexed>(&self, ids: &[Id]) -> Result<Vec<R>> {
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            out.extend(self.get::<R>(id)?);
        }
        Ok(out)
    }

    /// The bulk load that created `target`, if it was created by one.
    fn bulk_creation(&self, target: RecordRef) -> Result<Option<BulkCreation>> {
        let from = bulk_key(target.kind, target.id);
        let mut found = None;
        self.scan_audit_range(&from, &bulk_key(target.kind, u64::MAX), &mut |bytes| {
            found = Some(codec::decode::<BulkCreation>(target, bytes));
            false
        })?;
        Ok(found.transpose()?.filter(|b| b.first <= target.id))
    }

    /// The audit trail of one record, oldest first.
    fn audit(&self, target: RecordRef) -> Result<Vec<AuditEntry>> {
        let prefix = audit_prefix(target);
        let mut found = Gather::default();
        let end = keys::prefix_end(&prefix);
        self.scan_audit_range(&prefix, &end, &mut |bytes| found.take(codec::decode(target, bytes).map(Some)))?;
        found.finish()
    }
}

impl<T: RawRead> Read for T {}

/// Collects decoded values during a scan, stopping at the first that fails to decode.
struct Gather<T> {
    out: Vec<T>,
    failure: Option<StoreError>,
}

impl<T> Default for Gather<T> {
    fn default() -> Self {
        Gather { out: Vec::new(), failure: None }
    }
}

impl<T> Gather<T> {
    /// Keeps a value (or skips `None`); returns whether the scan should go on.
    fn take(&mut self, item: Result<Option<T>>) -> bool {
        match item {
            Ok(v) => {
                self.out.extend(v);
                true
            }
            Err(e) => {
                self.failure = Some(e);
                false
            }
        }
    }

    /// The values, or the failure that stopped the scan.
    fn finish(self) -> Result<Vec<T>> {
        self.failure.map_or(Ok(self.out), Err)
    }
}

fn audit_prefix(target: RecordRef) -> Vec<u8> {
    let mut k = vec![target.kind.code()];
    k.extend_from_slice(&target.id.to_be_bytes());
    k
}

/// Key of a bulk-creation entry in the audit table: a family byte no kind uses, the kind, the
/// run's last id (so the first key at or after an id finds the run that may hold it).
fn bulk_key(kind: Kind, last: Id) -> Vec<u8> {
    let mut k = vec![0xff, kind.code()];
    k.extend_from_slice(&last.to_be_bytes());
    k
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
            let removed = std::mem::take(&mut self.removed);
            let mut pending = std::mem::take(&mut self.pending);
            pending.retain(|k| !removed.contains(k));
            pending.sort_unstable();
            pending.dedup();
            for k in removed {
                self.index.remove(k.as_slice()).map_err(other)?;
            }
            for k in pending {
                self.index.insert(k.as_slice(), ()).map_err(other)?;
            }
            for (key, value) in std::mem::take(&mut self.seqs) {
                self.meta.insert(key.as_str(), value).map_err(other)?;
            }
            self.pack_texts()
        })
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
        self.health.clone().guard(|| {
            self.settings.insert(key, codec::payload(&names).as_slice()).map_err(other)?;
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
            Ok(old)
        })
    }

    /// Writes a record under its own id, replacing what is stored or putting back one that was
    /// removed, and returns what it replaced: undo puts records back as they were. The id
    /// sequence is left alone, so ids are still never reused.
    pub fn restore<R: Indexed>(&mut self, rec: &R) -> Result<Option<R>> {
        self.health.clone().guard(|| {
            let old: Option<R> = self.get(rec.id())?;
            self.put(rec, old.as_ref())?;
            Ok(old)
        })
    }

    fn put<R: Indexed>(&mut self, rec: &R, old: Option<&R>) -> Result<()> {
        let new_keys = keys::index_keys(rec);
        let old_keys = old.map(keys::index_keys).unwrap_or_default();
        for k in old_keys.iter().filter(|k| new_keys.binary_search(k).is_err()) {
            self.unindex(k);
        }
        for k in new_keys.into_iter().filter(|k| old_keys.binary_search(k).is_err()) {
            self.removed.remove(&k);
            self.pending.push(k);
        }
        self.records[slot(R::KIND)].insert(rec.id(), codec::encode(rec).as_slice()).map_err(other)?;
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
            self.records[slot(R::KIND)].remove(id).map_err(other)?;
            self.set_search_key(old.record_ref(), None);
            Ok(Some(old))
        })
    }

    /// Sets (or with `None` removes) the search text of a record; it is packed at the flush.
    pub fn set_search_key(&mut self, r: RecordRef, key: Option<&str>) {
        self.texts.insert((r.kind.code(), r.id), key.map(str::to_string));
    }

    /// Records a run of records created by one bulk load.
    pub fn append_bulk_creation(&mut self, entry: &BulkCreation) -> Result<()> {
        self.health.clone().guard(|| {
            let key = bulk_key(entry.kind, entry.last);
            self.audit.insert(key.as_slice(), codec::encode(entry).as_slice()).map_err(other)?;
            Ok(())
        })
    }

    /// Appends an entry to a record's audit trail.
    pub fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.health.clone().guard(|| {
            let seq = self.next_id("seq:audit")?;
            if let Some(k) = facts::move_key(entry, seq) {
                self.removed.remove(&k);
                self.pending.push(k);
            }
            let mut key = audit_prefix(entry.target);
            key.extend_from_slice(&seq.to_be_bytes());
            self.audit.insert(key.as_slice(), codec::encode(entry).as_slice()).map_err(other)?;
            Ok(())
        })
    }
}

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
        facts::audit_moves(&r.audit, &mut |k| {
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
