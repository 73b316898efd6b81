//! redb storage: tables, the record envelope, secondary indexes, the audit trail, id sequences and
//! the schema version. Knows nothing of the UI or of business rules; the service decides what to
//! write, this module writes it.
//!
//! `open` has the file (open, upgrade, health, backup), `tables` the tables a transaction opens,
//! `read` and `write` what a snapshot and the writer do with them, `check` the whole-file check;
//! this module keeps the schema version and the errors.

mod backend;
mod check;
mod chunks;
mod clean;
pub(crate) mod codec;
mod copy;
mod durable;
pub mod facts;
mod guard;
mod held;
pub mod keys;
mod made;
mod open;
mod pg;
mod read;
mod spill;
mod tables;
mod upgrade;
mod write;

pub use backend::{CHANGES_AT_ONCE, Followed, Snapshot, Store, Unsynced, Writer, companion, holds_database};
pub use check::check;
pub use codec::{Encoded, Stored};
pub use copy::Copied;
pub use guard::{Health, guarding, hush_caught_panics};
pub use held::Keys;
pub use keys::{Indexed, SortField, key_record};
pub use open::Workload;
pub use pg::{Throwaway, TlsFiles, is_address, shown as address_without_password};
pub use read::{RawRead, Read};
pub use tables::{Handed, OwnerChange, Reader, Written};
pub use write::{RawWrite, WriteTables};

use std::path::PathBuf;

use crate::model::RecordRef;

/// The schema this build reads and writes. Schema 1 kept one search-key row per record; 2 packs
/// them in chunks (see `chunks`); 3 stores a lead's or deal's source by name, from a list kept
/// in the settings table (2 stored one of fourteen fixed sources by number); 4 adds the report
/// facts (see `facts`); 5 gives each won or lost deal the day it closed (record format 2), its
/// report facts dated by it; 6 adds the owner keys (see `keys::owned_key`) and keeps the users,
/// teams and roles in the settings (the service turns an older file's free-text owners into
/// users); 7 gives a user's preferences their date conventions; 8 adds a contact's last activity, and
/// a deal's account, owner and competitor, to their report facts (record format 6 names its competitor); 9 stores the
/// chunks of search texts compressed (see `chunks`); 10 writes the ids in index keys in as few
/// bytes as they need, a contact's or account's report facts name it once, an email address is
/// kept as a hash (see `keys`), and a file's search chunks hold 64 ids instead of 256 (see
/// `chunks`); 11 keeps a contact's or account's owner in its report facts instead of an owner
/// key, an instant there in as few bytes as it needs, and four bytes of an address's hash, and
/// writes records in format 8, without their id (see `codec`; older records are read as they
/// are, and shrink when next written); 12 writes the id that ends an index key readable from the
/// end without its length twice (`keys::push_last_id`), and records in format 9, their change
/// time kept as the seconds after their creation. Opening an older file upgrades it, one
/// step at a time, inside one transaction.
pub const SCHEMA_VERSION: u64 = 12;

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
