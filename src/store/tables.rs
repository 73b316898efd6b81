//! The tables of the file (one per record kind, `index`, `audit`, `search_texts`, `meta`,
//! `settings`, `versions`) and [`Tables`], every one of them opened once per transaction: by a
//! read snapshot ([`Reader`]) or by the writer ([`WriteTables`]), with what the writer holds back
//! until its flush.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use redb::{
    Key, ReadOnlyTable, ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition, Value, WriteTransaction,
};

use super::held::Keys;
use super::made::Made;
use super::{Health, RawRead, RawWrite, Result, StoreError, chunks, other};
use crate::model::{Id, Kind, RecordRef};

const INDEX: TableDefinition<&[u8], ()> = TableDefinition::new("index");
const AUDIT: TableDefinition<&[u8], &[u8]> = TableDefinition::new("audit");
/// (kind, chunk) → the packed search texts of that chunk's records, `chunks::FILE_CHUNK` ids a
/// chunk.
pub(super) const SEARCH: TableDefinition<(u8, u64), &[u8]> = TableDefinition::new("search_texts");
/// Schemas 2 to 9's chunks of `chunks::WIDE_CHUNK` ids: read once to upgrade, then dropped.
pub(super) const SEARCH_V2: TableDefinition<(u8, u64), &[u8]> = TableDefinition::new("search_chunks");
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
    /// The tables: the record tables, then the others in the order of the fields.
    fn new(health: Arc<Health>, records: Vec<Rec>, others: (Idx, Aud, Sea, Met, Set, Ver)) -> Self {
        let (index, audit, search, meta, settings, versions) = others;
        Tables { health, records, index, audit, search, meta, settings, versions, made: Made::default() }
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
pub(super) fn write_tables(txn: &WriteTransaction, health: Arc<Health>) -> Result<RedbWrite<'_>> {
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
    tables.made = Made::new(Kind::ALL.len());
    Ok(tables)
}

/// Every table of a redb transaction, each opened at most once: by the writer ([`RedbWrite`]) when
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
    /// The records the writer created and holds back from their tables (a reader's holds
    /// none).
    pub(super) made: Made,
}

/// What one write transaction wrote, as the sessions watching the file are told of it: the kinds
/// of record written, and which records while they are few (a bulk load names only its kinds).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// The redb tables of the write transaction, under the rules of [`super::WriteTables`].
pub type RedbWrite<'t> = Tables<
    redb::Table<'t, u64, &'static [u8]>,
    redb::Table<'t, &'static [u8], ()>,
    redb::Table<'t, &'static [u8], &'static [u8]>,
    redb::Table<'t, (u8, u64), &'static [u8]>,
    redb::Table<'t, &'static str, u64>,
    redb::Table<'t, &'static str, &'static [u8]>,
    redb::Table<'t, (u8, u64), (u64, &'static str)>,
>;

impl<Rec, Idx, Aud, Sea, Met, Set, Ver> RawRead for Tables<Rec, Idx, Aud, Sea, Met, Set, Ver>
where
    Rec: Slot<Table: ReadableTable<u64, &'static [u8]>>,
    Idx: Slot<Table: ReadableTable<&'static [u8], ()>>,
    Aud: Slot<Table: ReadableTable<&'static [u8], &'static [u8]>>,
    Sea: Slot<Table: ReadableTable<(u8, u64), &'static [u8]>>,
    Met: Slot<Table: ReadableTable<&'static str, u64>>,
    Set: Slot<Table: ReadableTable<&'static str, &'static [u8]>>,
    Ver: Slot<Table: ReadableTable<(u8, u64), (u64, &'static str)>>,
{
    fn raw(&self, r: RecordRef) -> Result<Option<Vec<u8>>> {
        let mut found = None;
        self.raw_each(&[r], &mut |_, envelope| {
            found = Some(envelope.to_vec());
            Ok(())
        })?;
        Ok(found)
    }

    fn raw_each(&self, refs: &[RecordRef], f: &mut dyn FnMut(usize, &[u8]) -> Result<()>) -> Result<()> {
        self.health.guard(|| {
            for (i, r) in refs.iter().enumerate() {
                if let Some(held) = self.made.get(slot(r.kind), r.id) {
                    f(i, held)?;
                } else if let Some(stored) = self.records[slot(r.kind)].table()?.get(r.id).map_err(other)? {
                    f(i, stored.value())?;
                }
            }
            Ok(())
        })
    }

    fn contains(&self, r: RecordRef) -> Result<bool> {
        if self.made.get(slot(r.kind), r.id).is_some() {
            return Ok(true);
        }
        self.health.guard(|| Ok(self.records[slot(r.kind)].table()?.get(r.id).map_err(other)?.is_some()))
    }

    fn scan_index(&self, from: &[u8], to: &[u8], rev: bool, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        self.health.guard(|| {
            let range = self.index.table()?.range::<&[u8]>(from..to).map_err(other)?;
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
            for item in self.records[slot(kind)].table()?.iter().map_err(other)? {
                let (k, v) = item.map_err(other)?;
                if !f(k.value(), v.value()) {
                    return Ok(());
                }
            }
            // Held records come after the table's, in id order (see `made`).
            for (id, envelope) in self.made.records(slot(kind)) {
                if !f(id, envelope) {
                    break;
                }
            }
            Ok(())
        })
    }

    fn scan_audit_range(&self, from: &[u8], to: &[u8], f: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<()> {
        self.health.guard(|| {
            for item in self.audit.table()?.range::<&[u8]>(from..=to).map_err(other)? {
                let (k, v) = item.map_err(other)?;
                if !f(k.value(), v.value()) {
                    break;
                }
            }
            Ok(())
        })
    }

    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> Result<()> {
        self.health.guard(|| {
            for item in self.search.table()?.range((kind.code(), 0)..=(kind.code(), u64::MAX)).map_err(other)? {
                let (k, v) = item.map_err(other)?;
                chunks::walk(k.value().1, chunks::FILE_CHUNK, v.value(), f).map_err(StoreError::Other)?;
            }
            Ok(())
        })
    }

    fn count(&self, kind: Kind) -> Result<u64> {
        let stored = self.health.guard(|| self.records[slot(kind)].table()?.len().map_err(other))?;
        Ok(stored + self.made.count(slot(kind)))
    }

    fn meta(&self, key: &str) -> Result<Option<u64>> {
        self.health.guard(|| Ok(self.meta.table()?.get(key).map_err(other)?.map(|v| v.value())))
    }

    fn setting_bytes(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.health.guard(|| Ok(self.settings.table()?.get(key).map_err(other)?.map(|v| v.value().to_vec())))
    }

    fn version(&self, r: RecordRef) -> Result<Option<(u64, String)>> {
        self.health.guard(|| {
            let row = self.versions.table()?.get((r.kind.code(), r.id)).map_err(other)?;
            Ok(row.map(|v| {
                let (n, by) = v.value();
                (n, by.to_string())
            }))
        })
    }
}

impl super::copy::Dump for Reader {
    fn chunk_size(&self) -> u64 {
        chunks::FILE_CHUNK
    }

    fn dump_chunks(&self, kind: Kind, f: &mut dyn FnMut(u64, &[u8]) -> Result<()>) -> Result<()> {
        self.health.guard(|| {
            for item in self.search.table()?.range((kind.code(), 0)..=(kind.code(), u64::MAX)).map_err(other)? {
                let (k, v) = item.map_err(other)?;
                f(k.value().1, v.value())?;
            }
            Ok(())
        })
    }

    fn dump_versions(&self, f: &mut dyn FnMut(RecordRef, u64, &str) -> Result<()>) -> Result<()> {
        self.health.guard(|| {
            for item in self.versions.table()?.iter().map_err(other)? {
                let (k, v) = item.map_err(other)?;
                let ((code, id), (version, by)) = (k.value(), v.value());
                let kind = Kind::from_code(code)
                    .ok_or_else(|| StoreError::Other(format!("a version of unknown kind {code}")))?;
                f(RecordRef::new(kind, id), version, by)?;
            }
            Ok(())
        })
    }

    fn dump_meta(&self, f: &mut dyn FnMut(&str, u64) -> Result<()>) -> Result<()> {
        self.health.guard(|| {
            for item in self.meta.table()?.iter().map_err(other)? {
                let (k, v) = item.map_err(other)?;
                f(k.value(), v.value())?;
            }
            Ok(())
        })
    }

    fn dump_settings(&self, f: &mut dyn FnMut(&str, &[u8]) -> Result<()>) -> Result<()> {
        self.health.guard(|| {
            for item in self.settings.table()?.iter().map_err(other)? {
                let (k, v) = item.map_err(other)?;
                f(k.value(), v.value())?;
            }
            Ok(())
        })
    }
}

impl RawWrite for RedbWrite<'_> {
    fn put_raw(&mut self, r: RecordRef, envelope: Vec<u8>) -> Result<()> {
        let at = slot(r.kind);
        let ceiling = match self.made.ceiling(at) {
            Some(ceiling) => ceiling,
            None => self.records[at].last().map_err(other)?.map_or(0, |(k, _)| k.value()),
        };
        let Some(envelope) = self.made.hold(at, ceiling, r.id, envelope) else {
            return if self.made.full() { self.write_made() } else { Ok(()) };
        };
        self.records[at].insert(r.id, envelope.as_slice()).map_err(other)?;
        Ok(())
    }

    fn remove_raw(&mut self, r: RecordRef) -> Result<()> {
        if !self.made.remove(slot(r.kind), r.id) {
            self.records[slot(r.kind)].remove(r.id).map_err(other)?;
        }
        Ok(())
    }

    fn write_made(&mut self) -> Result<()> {
        for (at, held) in self.made.take() {
            let table = &mut self.records[at];
            let mut held = held.into_iter().peekable();
            {
                // The gap after the table's last record: every held id is above it.
                let mut cursor = table.upper_bound_mut(std::ops::Bound::<u64>::Unbounded).map_err(other)?;
                while let Some((id, envelope)) = held.peek() {
                    match cursor.insert_before(*id, envelope.as_slice()) {
                        Ok(()) => drop(held.next()),
                        // Not above the last after all: the rest go in one by one.
                        Err(redb::CursorError::UnorderedKey) => break,
                        Err(e) => return Err(other(e)),
                    }
                }
                cursor.close().map_err(other)?;
            }
            for (id, envelope) in held {
                table.insert(id, envelope.as_slice()).map_err(other)?;
            }
        }
        Ok(())
    }

    fn add_keys(&mut self, sorted: &Keys) -> Result<()> {
        insert_sorted(&mut self.index, sorted)
    }

    fn remove_keys(&mut self, sorted: &Keys) -> Result<()> {
        for k in sorted.iter() {
            self.index.remove(k).map_err(other)?;
        }
        Ok(())
    }

    fn remove_key_range(&mut self, from: &[u8], to: &[u8]) -> Result<()> {
        self.index.retain_in(from..to, |_, _| false).map_err(other)
    }

    fn chunk_size(&self) -> u64 {
        chunks::FILE_CHUNK
    }

    fn chunk(&self, kind: Kind, chunk: u64) -> Result<Option<Vec<u8>>> {
        Ok(self.search.get((kind.code(), chunk)).map_err(other)?.map(|v| v.value().to_vec()))
    }

    fn put_chunk(&mut self, kind: Kind, chunk: u64, packed: Option<&[u8]>) -> Result<()> {
        match packed {
            Some(bytes) => self.search.insert((kind.code(), chunk), bytes).map(drop),
            None => self.search.remove((kind.code(), chunk)).map(drop),
        }
        .map_err(other)
    }

    fn put_audit(&mut self, key: &[u8], entry: &[u8]) -> Result<()> {
        self.audit.insert(key, entry).map_err(other)?;
        Ok(())
    }

    fn remove_audit_range(&mut self, from: &[u8], to: &[u8]) -> Result<()> {
        self.audit.retain_in(from..to, |_, _| false).map_err(other)
    }

    fn put_meta(&mut self, key: &str, value: u64) -> Result<()> {
        self.meta.insert(key, value).map_err(other)?;
        Ok(())
    }

    fn put_setting(&mut self, key: &str, value: Option<&[u8]>) -> Result<()> {
        match value {
            Some(bytes) => self.settings.insert(key, bytes).map(drop),
            None => self.settings.remove(key).map(drop),
        }
        .map_err(other)
    }

    fn put_version(&mut self, r: RecordRef, version: u64, by: &str) -> Result<()> {
        self.versions.insert((r.kind.code(), r.id), (version, by)).map_err(other)?;
        Ok(())
    }
}

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
fn insert_sorted(index: &mut redb::Table<&[u8], ()>, keys: &Keys) -> Result<()> {
    let mut at = 0;
    while let Some(first) = keys.get(at) {
        let start = at;
        if keys.len() - at >= CURSOR_FROM {
            let mut cursor = index.lower_bound_mut(std::ops::Bound::Included(first)).map_err(other)?;
            // The gap is before the smallest key not below `first`: refused there, `first` is that key.
            while let Some(k) = keys.get(at) {
                match cursor.insert_before(k, ()) {
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
            for k in (at..end).filter_map(|i| keys.get(i)) {
                index.insert(k, ()).map_err(other)?;
            }
            at = end;
        }
    }
    Ok(())
}

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

    #[test]
    fn many_records_come_in_the_order_asked_without_those_missing_and_a_damaged_one_is_named() {
        let (_dir, store) = temp_store(Workload::Brief);
        let acme = add_account(&store, "Acme");
        let globex = add_account(&store, "Globex");
        let r = store.read().unwrap();
        let names: Vec<String> =
            r.many::<Account>(&[globex.id, 999, acme.id, globex.id]).unwrap().into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["Globex", "Acme", "Globex"]);
        assert!(r.many::<Account>(&[]).unwrap().is_empty());
        // The writer reads the records it holds back the same way.
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        t.raw.put_raw(globex.record_ref(), vec![0xff, 1, 2, 3]).unwrap();
        let err = t.many::<Account>(&[acme.id, globex.id]).unwrap_err().to_string();
        assert!(err.contains("account:2"), "{err}");
    }
}

#[cfg(test)]
mod sorted_tests {
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
            insert_sorted(&mut t, &added.iter().map(|&n| key(n)).collect::<Keys>()).unwrap();
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
