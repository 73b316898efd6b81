//! The tables of the file (one per record kind, `index`, `audit`, `search_chunks`, `meta`,
//! `settings`) and [`Tables`], every one of them opened once per transaction: by a read snapshot
//! ([`Reader`]) or by the writer ([`WriteTables`]), with what the writer holds back until its
//! flush.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use redb::{Key, ReadOnlyTable, ReadTransaction, TableDefinition, Value, WriteTransaction};

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

/// A table as the read side reaches it: the writer's, opened with its transaction, or a
/// snapshot's, opened on first use ([`Lazy`]).
pub trait Slot {
    /// The redb table.
    type Table;
    /// The table, opened now if it was not yet.
    fn table(&self) -> Result<&Self::Table>;
}

impl<'t, K: Key + 'static, V: Value + 'static> Slot for redb::Table<'t, K, V> {
    type Table = Self;

    fn table(&self) -> Result<&Self> {
        Ok(self)
    }
}

/// A table of a read snapshot, opened the first time a read needs it: opening a redb table costs
/// far more than one lookup, and most reads (one record, one index range) need one or two of the
/// tables, so a snapshot taken for a single record costs little more than that record's lookup.
pub struct Lazy<K: Key + 'static, V: Value + 'static> {
    txn: Arc<ReadTransaction>,
    definition: TableDefinition<'static, K, V>,
    opened: OnceLock<ReadOnlyTable<K, V>>,
}

impl<K: Key + 'static, V: Value + 'static> Lazy<K, V> {
    fn new(txn: &Arc<ReadTransaction>, definition: TableDefinition<'static, K, V>) -> Self {
        Lazy { txn: txn.clone(), definition, opened: OnceLock::new() }
    }
}

impl<K: Key + 'static, V: Value + 'static> Slot for Lazy<K, V> {
    type Table = ReadOnlyTable<K, V>;

    fn table(&self) -> Result<&ReadOnlyTable<K, V>> {
        if let Some(table) = self.opened.get() {
            return Ok(table);
        }
        // Two threads sharing a snapshot may both open it; the first one kept serves both.
        let opened = self.txn.open_table(self.definition).map_err(other)?;
        Ok(self.opened.get_or_init(|| opened))
    }
}

impl<Rec, Idx, Aud, Sea, Met, Set> Tables<Rec, Idx, Aud, Sea, Met, Set> {
    /// The tables, with nothing held back yet.
    fn new(
        health: Arc<Health>,
        records: Vec<Rec>,
        index: Idx,
        audit: Aud,
        search: Sea,
        meta: Met,
        settings: Set,
    ) -> Self {
        Tables {
            health,
            records,
            index,
            audit,
            search,
            meta,
            settings,
            pending: Vec::new(),
            removed: HashSet::new(),
            texts: BTreeMap::new(),
            seqs: HashMap::new(),
            owners: Vec::new(),
        }
    }
}

/// The tables of a read snapshot, each opened when first read.
pub(super) fn read_tables(txn: ReadTransaction, health: Arc<Health>) -> Reader {
    let txn = Arc::new(txn);
    let records = Kind::ALL.iter().map(|&k| Lazy::new(&txn, records(k))).collect();
    let (index, audit, search) = (Lazy::new(&txn, INDEX), Lazy::new(&txn, AUDIT), Lazy::new(&txn, SEARCH));
    Tables::new(health, records, index, audit, search, Lazy::new(&txn, META), Lazy::new(&txn, SETTINGS))
}

/// Opens every table of the write transaction.
pub(super) fn write_tables(txn: &WriteTransaction, health: Arc<Health>) -> Result<WriteTables<'_>> {
    let records = Kind::ALL.iter().map(|&k| txn.open_table(records(k))).collect::<std::result::Result<_, _>>();
    Ok(Tables::new(
        health,
        records.map_err(other)?,
        txn.open_table(INDEX).map_err(other)?,
        txn.open_table(AUDIT).map_err(other)?,
        txn.open_table(SEARCH).map_err(other)?,
        txn.open_table(META).map_err(other)?,
        txn.open_table(SETTINGS).map_err(other)?,
    ))
}

/// Every table of a transaction, each opened at most once: by the writer ([`WriteTables`]) when
/// it starts, by a read snapshot ([`Reader`]) when first read ([`Lazy`]).
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
    /// Each change of a record's owner or what it is about, in the order written (writer only):
    /// what the service's map of owners takes in after the commit.
    pub(super) owners: Vec<OwnerChange>,
}

/// A record's owner and what it is about after a write (`None`: it has neither, or is gone).
pub type OwnerChange = (crate::model::RecordRef, Option<(String, Option<crate::model::RecordRef>)>);

/// A read-only snapshot of the database.
pub type Reader = Tables<
    Lazy<u64, &'static [u8]>,
    Lazy<&'static [u8], ()>,
    Lazy<&'static [u8], &'static [u8]>,
    Lazy<(u8, u64), &'static [u8]>,
    Lazy<&'static str, u64>,
    Lazy<&'static str, &'static [u8]>,
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

#[cfg(test)]
mod tests {
    use crate::model::{Account, Kind, Record};
    use crate::store::open::tests::add_account;
    use crate::store::{RawRead, Read, Store, Workload};

    #[test]
    fn a_snapshot_opens_its_tables_when_read_and_still_sees_only_its_moment() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("lazy.redb"), Workload::Brief).unwrap();
        let before = store.read().unwrap();
        let read_early = before.count(Kind::Account).unwrap();
        let acme = add_account(&store, "Acme");
        // The accounts table was opened before the write, the index and audit tables only now:
        // both answer as of the moment the snapshot was taken.
        assert_eq!((read_early, before.count(Kind::Account).unwrap()), (0, 0));
        assert_eq!(before.get::<Account>(acme.id).unwrap(), None);
        assert!(before.linking(acme.record_ref(), Kind::Contact).unwrap().is_empty());
        let after = store.read().unwrap();
        assert_eq!(after.get::<Account>(acme.id).unwrap().map(|a| a.name), Some("Acme".to_string()));
        assert_eq!(after.count(Kind::Account).unwrap(), 1);
    }
}
