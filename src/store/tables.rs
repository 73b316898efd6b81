//! The tables of the file (one per record kind, `index`, `audit`, `search_chunks`, `meta`,
//! `settings`) and [`Tables`], every one of them opened once per transaction: by a read snapshot
//! ([`Reader`]) or by the writer ([`WriteTables`]), with what the writer holds back until its
//! flush.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use redb::{ReadTransaction, TableDefinition, WriteTransaction};

use super::{Health, Result, other};
use crate::model::{Id, Kind};

const INDEX: TableDefinition<&[u8], ()> = TableDefinition::new("index");
const AUDIT: TableDefinition<&[u8], &[u8]> = TableDefinition::new("audit");
/// (kind, chunk) → the packed search texts of that chunk's records.
const SEARCH: TableDefinition<(u8, u64), &[u8]> = TableDefinition::new("search_chunks");
/// Schema 1's search keys, one row per record: read once to upgrade, then dropped.
pub(super) const SEARCH_V1: TableDefinition<(u8, u64), &str> = TableDefinition::new("search_keys");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Named lists and values the teams edit (the lead sources), bincode-encoded.
const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");

/// The table holding records of `kind`: id → envelope.
pub(super) fn records(kind: Kind) -> TableDefinition<'static, u64, &'static [u8]> {
    TableDefinition::new(kind.name())
}

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

/// Opens every table of a read snapshot.
pub(super) fn read_tables(txn: &ReadTransaction, health: Arc<Health>) -> Result<Reader> {
    Ok(open_tables!(txn, health))
}

/// Opens every table of the write transaction.
pub(super) fn write_tables(txn: &WriteTransaction, health: Arc<Health>) -> Result<WriteTables<'_>> {
    Ok(open_tables!(txn, health))
}

/// Every table, opened once: by a read snapshot ([`Reader`]) or by the writer ([`WriteTables`]).
/// Opening a redb table costs far more than one lookup, so a transaction opens each just once.
pub struct Tables<Rec, Idx, Aud, Sea, Met, Set> {
    /// The file's health: every call into redb runs through its guard.
    pub(super) health: Arc<Health>,
    /// One record table per kind, in [`Kind::ALL`] order.
    pub(super) records: Vec<Rec>,
    pub(super) index: Idx,
    pub(super) audit: Aud,
    pub(super) search: Sea,
    pub(super) meta: Met,
    pub(super) settings: Set,
    /// Index keys written but not yet inserted (writer only): inserting them in key order at
    /// once keeps the same index pages hot, several times faster than scattered inserts.
    pub(super) pending: Vec<Vec<u8>>,
    /// Index keys removed but not yet deleted (writer only); a later insert of the same key
    /// cancels its removal.
    pub(super) removed: HashSet<Vec<u8>>,
    /// Search texts set (or removed, `None`) but not yet packed into their chunks (writer only),
    /// by (kind code, id).
    pub(super) texts: BTreeMap<(u8, Id), Option<String>>,
    /// Id sequences handed out but not yet stored (writer only).
    pub(super) seqs: HashMap<String, u64>,
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

/// Where a kind's table sits in [`Tables::records`].
pub(super) fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0)
}
