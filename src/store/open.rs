//! The file itself: opening it (creating, checking the schema, upgrading), its health, the
//! snapshots and the one write transaction it hands out, page verification and backups.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use redb::{Database, ReadableDatabase};

use super::backend::{Backend, Snapshot, WriteTxn, Writer};
use super::durable::Durable;
use super::tables::read_tables;
use super::write::FileWriter;
use super::{Health, RawRead, Reader, Result, SCHEMA_VERSION, StoreError, facts, other, upgrade};

/// The database file, redb's.
pub(super) struct FileStore {
    path: PathBuf,
    /// The file's folder: a bulk load's scratch file goes there.
    dir: Arc<Path>,
    workload: Workload,
    health: Arc<Health>,
    db: RwLock<Option<Arc<Database>>>,
    latest: Arc<Latest>,
    /// The commits made and those on disk (see [`FileWriter`]'s commit).
    durable: Arc<Durable>,
}

/// The newest snapshot, shared by every query until the next commit: taking a snapshot (and
/// opening the tables it reads) costs more than reading one record, and the front ends ask for
/// records one query at a time.
pub(super) struct Latest<T = Reader> {
    /// Commits so far: a snapshot taken before one is never kept after it.
    commits: AtomicU64,
    reader: Mutex<Option<Arc<T>>>,
}

impl<T> Default for Latest<T> {
    fn default() -> Self {
        Latest { commits: AtomicU64::new(0), reader: Mutex::new(None) }
    }
}

impl<T> Latest<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Arc<T>>> {
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The snapshot kept, if one is.
    pub(super) fn kept(&self) -> Option<Arc<T>> {
        self.lock().clone()
    }

    /// The snapshot kept, or a new one from `take`, kept unless a commit came meanwhile.
    pub(super) fn get_or_take(&self, take: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
        if let Some(reader) = self.lock().clone() {
            return Ok(reader);
        }
        let seen = self.commits.load(Ordering::SeqCst);
        let reader = Arc::new(take()?);
        let mut kept = self.lock();
        if self.commits.load(Ordering::SeqCst) == seen {
            *kept = Some(reader.clone());
        }
        Ok(reader)
    }

    /// Forgets the kept snapshot: the database changed (a commit), or is about to be closed.
    pub(super) fn forget(&self) {
        self.commits.fetch_add(1, Ordering::SeqCst);
        let old = self.lock().take();
        drop(old);
    }
}

/// What the file is opened for, which decides how much memory redb may keep for pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Workload {
    /// A long session (the app, a server): redb's own large cache keeps hot pages.
    #[default]
    Session,
    /// One command that reads or writes a little and exits: a small cache, since filling a large
    /// one once costs more (page faults) than it saves; a cold search over a million contacts
    /// runs about a sixth faster.
    Brief,
    /// One command that imports many records: a small cache, since
    /// its index keys reach the index in one sorted pass and its pages need not stay in memory;
    /// a million-contact import keeps the same speed in a fraction of the memory.
    Bulk,
    /// The demo data: a bulk load whose records touch, at random, millions made before them (a
    /// call moves its contact's last activity, a contact's search text reads its account's
    /// name). A larger cache keeps those pages at hand: a million-contact demo runs 7% faster,
    /// in under 400 MB.
    Demo,
}

/// The page cache of a [`Workload::Brief`] open, in bytes.
const BRIEF_CACHE: usize = 16 << 20;

/// The page cache of a [`Workload::Bulk`] open, in bytes.
const BULK_CACHE: usize = 16 << 20;

/// The page cache of a [`Workload::Demo`] open, in bytes.
const DEMO_CACHE: usize = 128 << 20;

impl FileStore {
    /// Opens the file, creating it (and its folder) when missing; refuses files it cannot read.
    pub(super) fn open(path: &Path, workload: Workload) -> Result<FileStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder { path: dir.to_path_buf(), source })?;
        }
        let health = Arc::new(Health::new(path));
        let db = health.guard(|| open_db(path, workload))?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let store = FileStore {
            path: path.to_path_buf(),
            dir: dir.into(),
            workload,
            health,
            db: RwLock::new(Some(Arc::new(db))),
            latest: Arc::default(),
            durable: Arc::default(),
        };
        store.prepare()?;
        Ok(store)
    }

    /// Creates missing tables, checks the schema version and upgrades an older file.
    fn prepare(&self) -> Result<()> {
        let w = self.writer()?;
        let found = w.tables()?.meta("schema_version")?;
        match found {
            Some(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::TooNew { path: self.path.clone(), found });
            }
            // Each step reads what the one before wrote: the index is derived from records that
            // already name their lead sources, and closed deals are dated from the moves in it.
            Some(old) => {
                if old < 2 {
                    w.pack_search_keys()?;
                }
                if old < 3 {
                    w.name_lead_sources()?;
                }
                if old < 12 {
                    facts::rederive_index(&mut w.tables()?)?;
                }
                if old < 5 {
                    upgrade::date_closed_deals(&mut w.tables()?)?;
                }
                if old < 7 {
                    upgrade::add_date_prefs(&mut w.tables()?)?;
                }
                if old < 10 {
                    w.rechunk_search_texts()?;
                }
            }
            None => {}
        }
        if found != Some(SCHEMA_VERSION) {
            w.tables()?.set_meta("schema_version", SCHEMA_VERSION)?;
        }
        w.clean_texts()?;
        Writer(Box::new(w)).commit()
    }

    fn db(&self) -> Result<Arc<Database>> {
        self.health.check()?;
        let guard = self.db.read().unwrap_or_else(|e| e.into_inner());
        guard.clone().ok_or_else(|| StoreError::Other("the database is closed".into()))
    }

    /// Starts a read: a consistent snapshot, never blocked by writers.
    /// Queries that come between two commits share one snapshot.
    fn reader(&self) -> Result<Arc<Reader>> {
        let db = self.db()?;
        self.latest.get_or_take(|| self.snapshot(db))
    }

    fn damaged_reader(&self) -> Result<Reader> {
        let guard = self.db.read().unwrap_or_else(|e| e.into_inner());
        let db = guard.clone().ok_or_else(|| StoreError::Other("the database is closed".into()))?;
        drop(guard);
        self.snapshot(db)
    }

    fn snapshot(&self, db: Arc<Database>) -> Result<Reader> {
        self.health.guard(|| {
            let txn = db.begin_read().map_err(other)?;
            Ok(read_tables(txn, self.health.clone()))
        })
    }

    /// Starts the one write transaction; nothing is kept unless it is committed.
    ///
    /// After a failed commit redb refuses further writes on the same handle, so the file is
    /// reopened once before giving up.
    fn writer(&self) -> Result<FileWriter> {
        let mut db = self.db()?;
        let mut txn = match self.health.guard(|| Ok(db.begin_write()))? {
            Ok(txn) => txn,
            Err(redb::TransactionError::Storage(redb::StorageError::PreviousIo)) => {
                self.reopen()?;
                db = self.db()?;
                self.health.guard(|| db.begin_write().map_err(other))?
            }
            Err(e) => return Err(other(e)),
        };
        // Committed in memory, then put on disk with others' commits (see `Writer::commit`).
        // Each durable commit also saves the allocator state, so that a rolo killed mid-session
        // (a closed terminal, a power cut) reopens at once instead of walking a big file to
        // repair it.
        txn.set_durability(redb::Durability::None).map_err(other)?;
        Ok(FileWriter {
            txn: Some(txn),
            health: self.health.clone(),
            latest: self.latest.clone(),
            db,
            durable: self.durable.clone(),
            dir: self.dir.clone(),
        })
    }

    fn reopen(&self) -> Result<()> {
        self.latest.forget();
        let mut guard = self.db.write().unwrap_or_else(|e| e.into_inner());
        self.release(guard.take());
        *guard = Some(Arc::new(open_db(&self.path, self.workload)?));
        Ok(())
    }

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

impl Backend for FileStore {
    fn failure(&self) -> Option<String> {
        self.health.check().err().map(|e| e.to_string())
    }

    fn read(&self) -> Result<Arc<Snapshot>> {
        Ok(self.reader()?)
    }

    fn read_damaged(&self) -> Result<Arc<Snapshot>> {
        Ok(Arc::new(self.damaged_reader()?))
    }

    fn write(&self) -> Result<Writer> {
        Ok(Writer(Box::new(self.writer()?)))
    }

    fn dump(&self) -> Result<Arc<dyn super::copy::Dump>> {
        Ok(self.reader()?)
    }

    /// Verifies every page of the file against its checksum (redb repairs what it can).
    fn verify_pages(&self) -> Result<bool> {
        self.latest.forget();
        let mut guard = self.db.write().unwrap_or_else(|e| e.into_inner());
        let db =
            guard.as_mut().and_then(Arc::get_mut).ok_or_else(|| StoreError::Other("the database is in use".into()))?;
        match self.health.guard(|| Ok(db.check_integrity()))? {
            Ok(clean) => Ok(!clean),
            Err(e) => Err(StoreError::Corrupt { path: self.path.clone(), detail: e.to_string() }),
        }
    }

    /// Rewrites the file without its free pages.
    fn compact(&self) -> Result<bool> {
        self.latest.forget();
        let mut guard = self.db.write().unwrap_or_else(|e| e.into_inner());
        let Some(db) = guard.as_mut().and_then(Arc::get_mut) else { return Ok(false) };
        self.health.guard(|| db.compact().map_err(|e| StoreError::Other(e.to_string())))
    }

    /// Holding the write transaction keeps every writer out while the file is copied.
    fn copy_file(&self, to: &Path) -> Option<Result<()>> {
        let copied = self.writer().and_then(|_hold| {
            std::fs::copy(&self.path, to)
                .and_then(|_| std::fs::File::open(to)?.sync_all())
                .map_err(|source| StoreError::Backup { path: to.to_path_buf(), source })
        });
        Some(copied)
    }
}

impl Drop for FileStore {
    fn drop(&mut self) {
        self.latest.forget();
        let db = self.db.get_mut().unwrap_or_else(|e| e.into_inner()).take();
        self.release(db);
    }
}

fn open_db(path: &Path, workload: Workload) -> Result<Database> {
    let mut builder = Database::builder();
    match workload {
        Workload::Brief => builder.set_cache_size(BRIEF_CACHE),
        Workload::Bulk => builder.set_cache_size(BULK_CACHE),
        Workload::Demo => builder.set_cache_size(DEMO_CACHE),
        Workload::Session => &mut builder,
    };
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

#[cfg(test)]
pub(super) mod tests {
    use std::sync::Arc;

    use crate::model::{Account, Kind};
    use crate::store::{RawRead, Read, Store, Workload};

    /// A store in a folder of its own, opened for `workload`.
    pub(in crate::store) fn temp_store(workload: Workload) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("rolo.redb"), workload).unwrap();
        (dir, store)
    }

    /// Every contact's search text in `store`, by id.
    pub(in crate::store) fn contact_texts(store: &Store) -> Vec<(crate::model::Id, String)> {
        let mut read = Vec::new();
        store.read().unwrap().scan_search(Kind::Contact, &mut |id, t| read.push((id, t.to_string()))).unwrap();
        read
    }

    /// Writes an account called `name`, committed.
    pub(in crate::store) fn add_account(store: &Store, name: &str) -> Account {
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        let mut account = Account { name: name.into(), ..Default::default() };
        t.insert(&mut account).unwrap();
        t.flush().unwrap();
        drop(t);
        w.commit().unwrap();
        account
    }

    #[test]
    fn queries_between_two_commits_share_a_snapshot_and_a_commit_gives_a_new_one() {
        let (_dir, store) = temp_store(Workload::Brief);
        let first = store.read().unwrap();
        assert!(Arc::ptr_eq(&first, &store.read().unwrap()), "no commit between: one snapshot");
        let acme = add_account(&store, "Acme");
        let after = store.read().unwrap();
        assert!(!Arc::ptr_eq(&first, &after));
        assert_eq!(after.get::<Account>(acme.id).unwrap().map(|a| a.name), Some("Acme".to_string()));
        assert_eq!((first.count(Kind::Account).unwrap(), after.count(Kind::Account).unwrap()), (0, 1));
        // A write given up changes nothing, and the snapshot stays shared.
        drop(store.write().unwrap());
        assert!(Arc::ptr_eq(&after, &store.read().unwrap()));
    }

    #[test]
    fn texts_scattered_over_many_chunks_are_packed_in_batches_and_read_back() {
        use crate::model::RecordRef;
        let (_dir, store) = temp_store(Workload::Bulk);
        let text = |id: u64, round: u32| format!("Zoë Ōsaka {id} {round}\tAcme Ltd");
        // One text in each of 150 chunks, then every third changed and every fifth removed:
        // packed 64 chunks at a time, each batch's second half beside the writer.
        let ids: Vec<u64> = (0..150).map(|i| i * 256 + i % 7).collect();
        for round in 0..2 {
            let w = store.write().unwrap();
            let mut t = w.tables().unwrap();
            for (n, &id) in ids.iter().enumerate() {
                let r = RecordRef::new(Kind::Contact, id);
                match (round, n % 3, n % 5) {
                    (0, ..) | (1, 0, _) => t.set_search_key(r, Some(text(id, round))).unwrap(),
                    (1, _, 0) => t.set_search_key(r, None).unwrap(),
                    _ => {}
                }
            }
            t.flush().unwrap();
            drop(t);
            w.commit().unwrap();
        }
        let read = contact_texts(&store);
        let expected: Vec<(u64, String)> = ids
            .iter()
            .enumerate()
            .filter_map(|(n, &id)| match (n % 3, n % 5) {
                (0, _) => Some((id, text(id, 1))),
                (_, 0) => None,
                _ => Some((id, text(id, 0))),
            })
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn the_last_text_set_for_a_record_in_a_transaction_is_the_one_kept() {
        use crate::model::RecordRef;
        let (_dir, store) = temp_store(Workload::Bulk);
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        let r = |id| RecordRef::new(Kind::Contact, id);
        // 600 records over several chunks, out of id order, each set three times: a first text,
        // then (every fourth) removed, then a last text for all but every seventh.
        let ids: Vec<u64> = (0..600u64).map(|i| (i * 389) % 600 + 1).collect();
        for round in 0..3 {
            for &id in &ids {
                match round {
                    0 => t.set_search_key(r(id), Some(format!("first {id}"))).unwrap(),
                    1 if id % 4 == 0 => t.set_search_key(r(id), None).unwrap(),
                    2 if id % 7 != 0 => t.set_search_key(r(id), Some(format!("last {id}"))).unwrap(),
                    _ => {}
                }
            }
        }
        t.flush().unwrap();
        drop(t);
        w.commit().unwrap();
        let read = contact_texts(&store);
        let expected: Vec<(u64, String)> = (1..=600u64)
            .filter_map(|id| match (id % 4, id % 7) {
                (_, 1..) => Some((id, format!("last {id}"))),
                (1.., 0) => Some((id, format!("first {id}"))),
                _ => None,
            })
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn records_a_writer_holds_back_read_as_written_and_reach_their_tables() {
        let (_dir, store) = temp_store(Workload::Bulk);
        let mut before = add_account(&store, "Before");
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        // Over the 2 MB a writer holds: the first ones go into the table mid-way, the rest wait.
        let mut made = Vec::new();
        for i in 0..3000 {
            let mut account = Account { name: format!("Firm {i:04} {}", "x".repeat(1000)), ..Default::default() };
            t.insert(&mut account).unwrap();
            made.push(account);
        }
        let names = |t: &crate::store::WriteTables| -> Vec<String> {
            t.all::<Account>(|_| true).unwrap().into_iter().map(|a| a.name).collect()
        };
        let mut want: Vec<String> = std::iter::once(&before).chain(&made).map(|a| a.name.clone()).collect();
        assert_eq!((t.count(Kind::Account).unwrap(), names(&t)), (3001, want.clone()), "in id order, each once");
        let mut first_two = Vec::new();
        t.each::<Account>(|a| {
            first_two.push(a.id);
            first_two.len() < 2
        })
        .unwrap();
        assert_eq!(first_two, [before.id, made[0].id], "a scan stops where it is told");
        // Changed, removed and put back: held ones and the one in the table alike.
        let last = made.len() - 1;
        made[last].name = "Renamed".into();
        t.update(&made[last]).unwrap();
        before.name = "Before, renamed".into();
        t.update(&before).unwrap();
        let gone = t.remove::<Account>(made[last - 1].id).unwrap().unwrap();
        assert_eq!(t.get::<Account>(gone.id).unwrap(), None);
        let back = t.remove::<Account>(before.id).unwrap().unwrap();
        t.restore(&back).unwrap();
        let back = t.remove::<Account>(made[last].id).unwrap().unwrap();
        t.restore(&back).unwrap();
        want[0] = "Before, renamed".into();
        want[last + 1] = "Renamed".into();
        want.remove(last);
        assert_eq!((t.count(Kind::Account).unwrap(), names(&t)), (3000, want.clone()));
        t.flush().unwrap();
        drop(t);
        w.commit().unwrap();
        let r = store.read().unwrap();
        let stored: Vec<String> = r.all::<Account>(|_| true).unwrap().into_iter().map(|a| a.name).collect();
        assert_eq!((r.count(Kind::Account).unwrap(), stored), (3000, want));
        assert_eq!(crate::store::check(&r).unwrap(), Vec::<String>::new(), "the index holds exactly the records' keys");
    }

    #[test]
    fn keys_spilled_in_runs_reach_the_index_once_each_and_removed_ones_do_not() {
        let (dir, store) = temp_store(Workload::Bulk);
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        t.held_keys = 3;
        let mut accounts = Vec::new();
        // Enough keys, in runs of three, that the merged stream goes in through cursors too.
        let names = ["Delta", "Acme", "Globex", "Initech", "Hooli", "Umbrella", "Bravo"].map(String::from);
        for name in names.into_iter().chain((0..400).map(|i| format!("Firm {:03}", (i * 37) % 400))) {
            let mut account = Account { name, ..Default::default() };
            t.insert(&mut account).unwrap();
            accounts.push(account);
        }
        assert!(t.spill.is_some(), "runs went to a scratch file");
        // A record removed after its keys were spilled leaves none behind.
        t.remove::<Account>(accounts[1].id).unwrap();
        t.remove::<Account>(accounts[300].id).unwrap();
        t.flush().unwrap();
        drop(t);
        w.commit().unwrap();
        let r = store.read().unwrap();
        let names: Vec<String> = r.all::<Account>(|_| true).unwrap().into_iter().map(|a| a.name).collect();
        assert_eq!(names.len(), 405);
        assert_eq!(crate::store::check(&r).unwrap(), Vec::<String>::new(), "the index holds exactly the records' keys");
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(files, ["rolo.redb"], "no scratch file is left beside the database");
    }
}
