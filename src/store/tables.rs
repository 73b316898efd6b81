//! The tables of the file (one per record kind, `index`, `audit`, `search_chunks`, `meta`,
//! `settings`, `versions`) and [`Tables`], every one of them opened once per transaction: by a
//! read snapshot ([`Reader`]) or by the writer ([`WriteTables`]), with what the writer holds back
//! until its flush.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use redb::{Key, ReadOnlyTable, ReadTransaction, TableDefinition, Value, WriteTransaction};

use super::{Health, Result, other};
use crate::model::{Id, Kind, RecordRef};

const INDEX: TableDefinition<&[u8], ()> = TableDefinition::new("index");
const AUDIT: TableDefinition<&[u8], &[u8]> = TableDefinition::new("audit");
/// (kind, chunk) → the packed search texts of that chunk's records.
const SEARCH: TableDefinition<(u8, u64), &[u8]> = TableDefinition::new("search_chunks");
/// Schema 1's search keys, one row per record: read once to upgrade, then dropped.
pub(super) const SEARCH_V1: TableDefinition<(u8, u64), &str> = TableDefinition::new("search_keys");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Named lists and values the teams edit (the lead sources), bincode-encoded.
const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");
/// (kind, id) → (version, login of its writer) of every record written since it was created (a
/// record never changed has none: version 0). Kept for removed records too, since ids are never
/// reused and undo can put one back.
const VERSIONS: TableDefinition<(u8, u64), (u64, &str)> = TableDefinition::new("versions");

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

impl<Rec, Idx, Aud, Sea, Met, Set, Ver> Tables<Rec, Idx, Aud, Sea, Met, Set, Ver> {
    /// The tables (the record tables, then the others in the order of the fields), with nothing
    /// held back yet.
    fn new(health: Arc<Health>, records: Vec<Rec>, others: (Idx, Aud, Sea, Met, Set, Ver)) -> Self {
        let (index, audit, search, meta, settings, versions) = others;
        Tables {
            health,
            records,
            index,
            audit,
            search,
            meta,
            settings,
            versions,
            pending: Vec::new(),
            removed: HashSet::new(),
            spill: None,
            scratch: None,
            held_keys: super::write::HELD_KEYS,
            texts: BTreeMap::new(),
            seqs: HashMap::new(),
            owners: Handed::default(),
            author: String::new(),
            written: Written::default(),
        }
    }
}

/// The tables of a read snapshot, each opened when first read.
pub(super) fn read_tables(txn: ReadTransaction, health: Arc<Health>) -> Reader {
    let txn = Arc::new(txn);
    let records = Kind::ALL.iter().map(|&k| Lazy::new(&txn, records(k))).collect();
    let others = (
        Lazy::new(&txn, INDEX),
        Lazy::new(&txn, AUDIT),
        Lazy::new(&txn, SEARCH),
        Lazy::new(&txn, META),
        Lazy::new(&txn, SETTINGS),
        Lazy::new(&txn, VERSIONS),
    );
    Tables::new(health, records, others)
}

/// Opens every table of the write transaction (creating those a file lacks: the versions table
/// of a file written before records had versions starts empty, every record at version 0).
pub(super) fn write_tables(
    txn: &WriteTransaction,
    health: Arc<Health>,
    scratch: Arc<std::path::Path>,
) -> Result<WriteTables<'_>> {
    let records = Kind::ALL.iter().map(|&k| txn.open_table(records(k))).collect::<std::result::Result<_, _>>();
    let others = (
        txn.open_table(INDEX).map_err(other)?,
        txn.open_table(AUDIT).map_err(other)?,
        txn.open_table(SEARCH).map_err(other)?,
        txn.open_table(META).map_err(other)?,
        txn.open_table(SETTINGS).map_err(other)?,
        txn.open_table(VERSIONS).map_err(other)?,
    );
    let mut tables = Tables::new(health, records.map_err(other)?, others);
    tables.scratch = Some(scratch);
    Ok(tables)
}

/// Every table of a transaction, each opened at most once: by the writer ([`WriteTables`]) when
/// it starts, by a read snapshot ([`Reader`]) when first read ([`Lazy`]).
pub struct Tables<Rec, Idx, Aud, Sea, Met, Set, Ver> {
    /// The file's health: every call into redb runs through its guard.
    pub(super) health: Arc<Health>,
    /// One record table per kind, in [`Kind::ALL`] order.
    pub(super) records: Vec<Rec>,
    pub(super) index: Idx,
    pub(super) audit: Aud,
    pub(super) search: Sea,
    pub(super) meta: Met,
    pub(super) settings: Set,
    pub(super) versions: Ver,
    /// Index keys written but not yet inserted (writer only): inserting them in key order at
    /// once keeps the same index pages hot, several times faster than scattered inserts.
    pub(super) pending: Vec<Vec<u8>>,
    /// Index keys removed but not yet deleted (writer only); a later insert of the same key
    /// cancels its removal.
    pub(super) removed: HashSet<Vec<u8>>,
    /// Runs of held-back index keys spilled to a scratch file (writer only, a bulk load).
    pub(super) spill: Option<super::spill::Spill>,
    /// The database's folder, where a scratch file goes (writer only).
    pub(super) scratch: Option<Arc<std::path::Path>>,
    /// How many index keys are held before they are spilled (writer only; small in tests).
    pub(super) held_keys: usize,
    /// Search texts set (or removed, `None`) but not yet packed into their chunks (writer only),
    /// by (kind code, id).
    pub(super) texts: BTreeMap<(u8, Id), Option<String>>,
    /// Id sequences handed out but not yet stored (writer only).
    pub(super) seqs: HashMap<String, u64>,
    /// Each change of a record's owner or what it is about, in the order written (writer only):
    /// what the service's map of owners takes in after the commit.
    pub(super) owners: Handed<OwnerChange>,
    /// Who writes (writer only): the login each record written is stamped with in `versions`.
    pub(super) author: String,
    /// What this transaction wrote (writer only), for the sessions told of each commit.
    pub(super) written: Written,
}

/// What one write transaction wrote, as the sessions watching the file are told of it: the kinds
/// of record written, and which records while they are few (a bulk load names only its kinds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Every kind of record created, changed or removed.
    pub kinds: BTreeSet<Kind>,
    /// The records created, changed or removed, while at most [`Written::NAMED`] (none once
    /// more: see `many`).
    pub records: BTreeSet<RecordRef>,
    /// Whether more records were written than are named: any record of `kinds` may have changed.
    pub many: bool,
    /// Whether a setting changed (users, teams, roles, lead sources), which any screen may show.
    pub settings: bool,
}

impl Written {
    /// How many records a transaction names before it names only their kinds.
    pub const NAMED: usize = 64;

    /// Notes a write of `r`.
    pub(super) fn note(&mut self, r: RecordRef) {
        self.kinds.insert(r.kind);
        if !self.many {
            self.records.insert(r);
            if self.records.len() > Self::NAMED {
                self.records.clear();
                self.many = true;
            }
        }
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && !self.settings
    }
}

/// A record's owner and what it is about after a write (`None`: it has neither, or is gone).
pub type OwnerChange = (RecordRef, Option<(String, Option<RecordRef>)>);

/// What a transaction hands on after its commit (owner changes, search texts): each item while
/// there are at most [`Handed::HELD`], else only word that there were more (a bulk load), and
/// whoever keeps them in memory reads them again from the file rather than hold a million twice.
#[derive(Debug)]
pub enum Handed<T> {
    /// The items, in the order written.
    Each(Vec<T>),
    /// Too many to hold.
    Many,
}

impl<T> Default for Handed<T> {
    fn default() -> Self {
        Handed::Each(Vec::new())
    }
}

impl<T> Handed<T> {
    /// How many items are handed on one by one.
    pub const HELD: usize = 1 << 16;

    /// Notes an item written.
    pub fn push(&mut self, item: T) {
        if let Handed::Each(items) = self {
            if items.len() < Self::HELD {
                items.push(item);
            } else {
                *self = Handed::Many;
            }
        }
    }
}

/// A read-only snapshot of the database.
pub type Reader = Tables<
    Lazy<u64, &'static [u8]>,
    Lazy<&'static [u8], ()>,
    Lazy<&'static [u8], &'static [u8]>,
    Lazy<(u8, u64), &'static [u8]>,
    Lazy<&'static str, u64>,
    Lazy<&'static str, &'static [u8]>,
    Lazy<(u8, u64), (u64, &'static str)>,
>;

/// The tables of the write transaction: reads see its own writes.
pub type WriteTables<'t> = Tables<
    redb::Table<'t, u64, &'static [u8]>,
    redb::Table<'t, &'static [u8], ()>,
    redb::Table<'t, &'static [u8], &'static [u8]>,
    redb::Table<'t, (u8, u64), &'static [u8]>,
    redb::Table<'t, &'static str, u64>,
    redb::Table<'t, &'static str, &'static [u8]>,
    redb::Table<'t, (u8, u64), (u64, &'static str)>,
>;

/// Where a kind's table sits in [`Tables::records`].
pub(super) fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use crate::model::{Account, Kind, Record};
    use crate::store::open::tests::{add_account, temp_store};
    use crate::store::{RawRead, Read, Workload};

    #[test]
    fn a_snapshot_opens_its_tables_when_read_and_still_sees_only_its_moment() {
        let (_dir, store) = temp_store(Workload::Brief);
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
