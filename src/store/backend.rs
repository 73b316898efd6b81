//! The database behind the service, whichever backend holds it: [`Store`] opens one and hands
//! out its snapshots ([`Snapshot`]) and its one writer at a time ([`Writer`]); each backend
//! implements [`Backend`] and [`WriteTxn`] over its own storage, and the rules of what a write
//! implies (`WriteTables`) are the same for all.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::copy::Dump;
use super::open::FileStore;
use super::pg::{self, PgStore};
use super::{RawRead, Result, StoreError, Workload, WriteTables};

/// Where a file that belongs with the database at `db` goes, its name ending in `suffix` (a
/// server's socket, its host key): beside a database file; for a database on a PostgreSQL server,
/// in this machine's data folder under a name drawn from the address, so that every rolo of the
/// machine given that address finds the same file.
pub fn companion(db: &Path, suffix: &str) -> PathBuf {
    if !pg::is_address(db) {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        return PathBuf::from(name);
    }
    let folder = directories::ProjectDirs::from("", "", "rolo")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(std::env::temp_dir);
    // Its callers make the file there next; a folder that cannot be made fails them, named.
    let _ = std::fs::create_dir_all(&folder);
    let mut h = siphasher::sip128::SipHasher13::new();
    std::hash::Hasher::write(&mut h, pg::shown(&db.to_string_lossy()).as_bytes());
    let hash = siphasher::sip128::Hasher128::finish128(&h).as_u128();
    folder.join(format!("postgres-{:016x}{suffix}", hash >> 64))
}

/// A read snapshot: the database as it was at one moment, whatever is committed after.
pub type Snapshot = dyn RawRead + Send + Sync;

/// What a backend offers the store.
pub(super) trait Backend: Send + Sync {
    /// Why the database failed (a caught storage fault), once it has.
    fn failure(&self) -> Option<String>;
    /// A consistent snapshot, never blocked by the writer.
    fn read(&self) -> Result<Arc<Snapshot>>;
    /// A snapshot even of a database found damaged, so that `check` can say how much of it reads.
    fn read_damaged(&self) -> Result<Arc<Snapshot>>;
    /// The one write transaction.
    fn write(&self) -> Result<Writer>;
    /// A snapshot that reads every table whole, for a copy.
    fn dump(&self) -> Result<Arc<dyn Dump>>;
    /// Verifies the stored pages; returns whether a repair was needed.
    fn verify_pages(&self) -> Result<bool>;
    /// Gives the space of removed data back; false when it cannot now (nothing done).
    fn compact(&self) -> Result<bool>;
    /// Copies the database's file, as it is and consistent, to `to` (a new path); `None` for a
    /// database with no file of its own (a backup then goes through [`Store::copy_into`]).
    fn copy_file(&self, _to: &Path) -> Option<Result<()>> {
        None
    }
    /// The number of the newest commit, where several nodes share the database (`None`: only
    /// this process writes it).
    fn shared_commits(&self) -> Result<Option<u64>> {
        Ok(None)
    }
    /// The commits after the number `seen` on a database nodes share, as each described itself.
    fn commits_after(&self, seen: u64) -> Result<Followed> {
        Ok(Followed { upto: seen, changes: Some(Vec::new()) })
    }
}

/// How many commits' changes [`Store::commits_after`] answers at once.
pub const CHANGES_AT_ONCE: usize = 256;

/// The commits after a number on a database several nodes share.
#[derive(Debug, PartialEq, Eq)]
pub struct Followed {
    /// The newest commit's number.
    pub upto: u64,
    /// Each commit's number and what it said it changed ([`Writer::share`]), in order, at most
    /// [`CHANGES_AT_ONCE`] (ask again from the last for the rest); `None` when the database no
    /// longer keeps them all (the follower fell too far behind), so that anything may have
    /// changed. A commit that shared nothing has no entry.
    pub changes: Option<Vec<(u64, Vec<u8>)>>,
}

/// One backend's write transaction.
pub(super) trait WriteTxn {
    /// Its tables, read and written under the rules of [`WriteTables`].
    fn tables(&self) -> Result<WriteTables<'_>>;
    /// Commits: readers see the writes at once; see [`Unsynced`] for when they are on disk.
    fn commit_in_memory(self: Box<Self>) -> Result<Unsynced>;
    /// The number this transaction's commit will have, where nodes share the database.
    fn number(&self) -> Option<u64> {
        None
    }
    /// Keeps `change` with the commit for the nodes following the database (see [`Followed`]).
    fn share(&self, _change: &[u8]) -> Result<()> {
        Ok(())
    }
}

/// The database, cheap to share behind an `Arc`.
pub struct Store {
    backend: Box<dyn Backend>,
    path: PathBuf,
}

/// Whether there is a database at `db` to open without making one: the file exists, or the
/// database at the address answers and holds rolo's tables.
pub fn holds_database(db: &Path) -> bool {
    match db.to_str().filter(|_| pg::is_address(db)) {
        Some(address) => pg::holds_tables(address),
        None => db.exists(),
    }
}

impl Store {
    /// Opens the database at `db`: a file, created (with its folder) when missing, or a
    /// PostgreSQL database at a `postgres://` address, given rolo's tables when it has none.
    /// Refuses a database it cannot read.
    pub fn open(db: &Path, workload: Workload) -> Result<Store> {
        if let Some(address) = db.to_str().filter(|_| pg::is_address(db)) {
            let backend = Box::new(PgStore::open(address)?);
            return Ok(Store { backend, path: pg::shown(address).into() });
        }
        Ok(Store { backend: Box::new(FileStore::open(db, workload)?), path: db.to_path_buf() })
    }

    /// Where the database is: its file, or its address without the password.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why the database failed (a caught storage fault), once it has: every later request gets
    /// that error, and nothing more is written.
    pub fn failure(&self) -> Option<String> {
        self.backend.failure()
    }

    /// Starts a read: a consistent snapshot, never blocked by writers. Queries that come between
    /// two commits share one snapshot.
    pub fn read(&self) -> Result<Arc<Snapshot>> {
        self.backend.read()
    }

    /// A snapshot even of a database found damaged, so that `check` can say how much of it reads.
    pub fn read_damaged(&self) -> Result<Arc<Snapshot>> {
        self.backend.read_damaged()
    }

    /// A snapshot that reads every table whole, for a copy ([`Store::copy_into`]).
    pub(super) fn dump(&self) -> Result<Arc<dyn Dump>> {
        self.backend.dump()
    }

    /// Starts the one write transaction; nothing is kept unless it is committed.
    pub fn write(&self) -> Result<Writer> {
        self.backend.write()
    }

    /// Verifies every stored page (repairing what can be); returns whether a repair was needed,
    /// fails when the database cannot be trusted.
    pub fn verify_pages(&self) -> Result<bool> {
        self.backend.verify_pages()
    }

    /// Gives the space of data no record holds any more (a person erased) back, so its bytes
    /// leave the file. Returns false when another handle holds the database open (nothing done).
    pub fn compact(&self) -> Result<bool> {
        self.backend.compact()
    }

    /// Writes a consistent copy of the whole database to the new file `target`: a file's own
    /// bytes, or a database on a server copied into a file (which `rolo migrate` can bring back).
    pub fn backup(&self, target: &Path) -> Result<()> {
        if pg::is_address(target) {
            return Err(StoreError::Other(
                "a backup is written to a file: to copy into a database on a server, use rolo migrate --to".into(),
            ));
        }
        super::copy::new_file(target, |partial| match self.backend.copy_file(partial) {
            Some(copied) => copied,
            None => {
                self.copy_into(&Store::open(partial, Workload::Bulk)?)?;
                // For its owner alone, as the server's data was for those it lets in.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let private = std::fs::set_permissions(partial, std::fs::Permissions::from_mode(0o600));
                    private.map_err(|source| StoreError::Backup { path: partial.to_path_buf(), source })?;
                }
                Ok(())
            }
        })
    }

    /// The newest commit's number where several nodes (processes on other machines) share the
    /// database, so that each follows the others' commits ([`Store::commits_after`]); `None` for a
    /// file, which one process holds.
    pub fn shared_commits(&self) -> Result<Option<u64>> {
        self.backend.shared_commits()
    }

    /// What was committed after the commit numbered `seen`, by any node, on a database nodes
    /// share.
    pub fn commits_after(&self, seen: u64) -> Result<Followed> {
        self.backend.commits_after(seen)
    }
}

/// The single write transaction; nothing lands until [`Writer::commit`]. Its tables are opened
/// by [`Writer::tables`] and must be dropped before the commit; dropped uncommitted, it keeps
/// nothing.
pub struct Writer(pub(super) Box<dyn WriteTxn>);

impl Writer {
    /// Opens every table for reading and writing.
    pub fn tables(&self) -> Result<WriteTables<'_>> {
        self.0.tables()
    }

    /// Makes every write of this transaction durable, or none of them.
    pub fn commit(self) -> Result<()> {
        self.commit_in_memory()?.sync()
    }

    /// Commits: readers see the writes, and the database is free for the next writer at once.
    /// Nothing is to be reported saved until [`Unsynced::sync`] returns.
    pub fn commit_in_memory(self) -> Result<Unsynced> {
        self.0.commit_in_memory()
    }

    /// The number this transaction's commit will have, where nodes share the database.
    pub fn number(&self) -> Option<u64> {
        self.0.number()
    }

    /// Keeps `change`, what this transaction changed, with its commit for the other nodes to
    /// read (nothing is kept where no other node follows).
    pub fn share(&self, change: &[u8]) -> Result<()> {
        self.0.share(change)
    }
}

/// A commit made, and perhaps not yet on disk.
#[must_use = "a commit is saved only once synced"]
pub struct Unsynced(pub(super) Option<Box<dyn FnOnce() -> Result<()> + Send>>);

impl Unsynced {
    /// Returns once the commit is on disk (at once where committing made it durable).
    pub fn sync(self) -> Result<()> {
        self.0.map_or(Ok(()), |wait| wait())
    }
}
