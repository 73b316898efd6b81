//! The writer on PostgreSQL: a transaction that first takes its turn on the one row of
//! `rolo_writer`, so writers on every node follow one another as they do on a file. The turn
//! makes writers serial already, so the writer runs at read committed: serializable would add
//! nothing but a predicate lock per row read, which runs a million-record load out of the
//! server's shared memory. Engines that run every transaction serializable (CockroachDB) may
//! refuse a writer its turn (SQLSTATE 40001): it begins again. Records
//! are held back and sent a few thousand at a time (a bulk load would otherwise wait on a round
//! trip per record); index keys come sorted in batches already.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::read::Session;
use super::{KEPT_CHANGES, Pool, fail, id_col, kind_col, lost_race};
use crate::model::{Id, Kind, RecordRef};
use crate::store::backend::{Unsynced, WriteTxn};
use crate::store::open::Latest;
use crate::store::{Health, Keys, RawRead, RawWrite, Result, StoreError, WriteTables};

/// How many records the writer holds back before sending them.
const HELD_RECORDS: usize = 4096;

/// How many keys go in one statement.
const KEYS_AT_ONCE: usize = 8192;

/// How many times a writer that lost the race for its turn starts again before giving up.
const TRIES: u32 = 50;

/// Records written (or removed: `None`) and not yet sent, by kind and id.
type Held = BTreeMap<(Kind, Id), Option<Vec<u8>>>;

/// The write transaction.
pub(in crate::store) struct PgWriter {
    session: Session,
    health: Arc<Health>,
    latest: Arc<Latest<Session>>,
    /// The number its commit will have: `rolo_writer`'s count once its turn came.
    number: i64,
    /// Records written (or removed: `None`) and not yet sent.
    held: RefCell<Held>,
}

impl PgWriter {
    /// Starts the transaction once it is this writer's turn.
    pub(in crate::store) fn begin(
        pool: Arc<Pool>,
        health: Arc<Health>,
        latest: Arc<Latest<Session>>,
    ) -> Result<PgWriter> {
        let (mut tries, mut number) = (0, 0);
        let session = Session::begin(pool, &mut |c| loop {
            c.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
            match c.query_raw("UPDATE rolo_writer SET commits = commits + 1 WHERE one = 1 RETURNING commits", &[]) {
                Ok(Some(row)) => {
                    number = row.get(0);
                    return Ok(());
                }
                Ok(None) => {
                    let _ = c.batch("ROLLBACK");
                    return Err(StoreError::Other(
                        "the database's rolo_writer row is missing: restore it (INSERT INTO rolo_writer SELECT 1, coalesce(max(number), 0) FROM rolo_changes), or the database from a backup".into(),
                    ));
                }
                Err(e) if lost_race(&e) && tries < TRIES => {
                    c.batch("ROLLBACK")?;
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(u64::from(tries)));
                }
                Err(e) => {
                    let _ = c.batch("ROLLBACK");
                    return Err(fail(e));
                }
            }
        })?;
        Ok(PgWriter { session, health, latest, number, held: RefCell::new(BTreeMap::new()) })
    }

    /// Holds back a record written (or removed: `None`), sending what is held once it is enough.
    fn hold(&self, r: RecordRef, envelope: Option<Vec<u8>>) -> Result<()> {
        let full = {
            let mut held = self.held.borrow_mut();
            held.insert((r.kind, r.id), envelope);
            held.len() >= HELD_RECORDS
        };
        if full { self.send() } else { Ok(()) }
    }

    /// Sends the records held back.
    fn send(&self) -> Result<()> {
        let held = std::mem::take(&mut *self.held.borrow_mut());
        if held.is_empty() {
            return Ok(());
        }
        let (mut kinds, mut ids, mut envelopes) = (Vec::new(), Vec::new(), Vec::new());
        let (mut gone_kinds, mut gone_ids) = (Vec::new(), Vec::new());
        for ((kind, id), envelope) in &held {
            match envelope {
                Some(bytes) => {
                    kinds.push(kind_col(*kind));
                    ids.push(id_col(*id));
                    envelopes.push(bytes.as_slice());
                }
                None => {
                    gone_kinds.push(kind_col(*kind));
                    gone_ids.push(id_col(*id));
                }
            }
        }
        self.session.with(|c| {
            if !kinds.is_empty() {
                c.execute(
                    "INSERT INTO rolo_records (kind, id, envelope) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[]) \
                     ON CONFLICT (kind, id) DO UPDATE SET envelope = EXCLUDED.envelope",
                    &[&kinds, &ids, &envelopes],
                )?;
            }
            if !gone_kinds.is_empty() {
                c.execute(
                    "DELETE FROM rolo_records WHERE (kind, id) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))",
                    &[&gone_kinds, &gone_ids],
                )?;
            }
            Ok(())
        })
    }
}

impl WriteTxn for PgWriter {
    fn tables(&self) -> Result<WriteTables<'_>> {
        Ok(WriteTables::new(Box::new(PgTables { w: self }), self.health.clone(), None))
    }

    /// Commits on the server, which makes it durable: nothing is left to wait for.
    fn commit_in_memory(self: Box<Self>) -> Result<Unsynced> {
        self.send()?;
        let PgWriter { session, latest, .. } = *self;
        let committed = session.commit();
        latest.forget();
        committed?;
        Ok(Unsynced(None))
    }

    fn number(&self) -> Option<u64> {
        Some(self.number as u64)
    }

    /// Keeps the change, and lets the oldest kept go now and then.
    fn share(&self, change: &[u8]) -> Result<()> {
        self.session.with(|c| {
            c.execute("INSERT INTO rolo_changes (number, change) VALUES ($1, $2)", &[&self.number, &change])?;
            if self.number % 64 == 0 {
                c.execute("DELETE FROM rolo_changes WHERE number <= $1", &[&(self.number - KEPT_CHANGES)])?;
            }
            Ok(())
        })
    }
}

/// The writer's tables: its reads see the records it holds back.
struct PgTables<'w> {
    w: &'w PgWriter,
}

impl PgTables<'_> {
    fn session(&self) -> &Session {
        &self.w.session
    }

    /// Runs `sql`, which takes an array of index keys, over `keys` a batch at a time.
    fn keys_by_batch(&self, sql: &'static str, keys: &Keys) -> Result<()> {
        let keys: Vec<&[u8]> = keys.iter().collect();
        self.session().with(|c| {
            for batch in keys.chunks(KEYS_AT_ONCE) {
                c.execute(sql, &[&batch])?;
            }
            Ok(())
        })
    }
}

impl RawRead for PgTables<'_> {
    fn raw(&self, r: RecordRef) -> Result<Option<Vec<u8>>> {
        if let Some(held) = self.w.held.borrow().get(&(r.kind, r.id)) {
            return Ok(held.clone());
        }
        self.session().raw(r)
    }

    fn contains(&self, r: RecordRef) -> Result<bool> {
        if let Some(held) = self.w.held.borrow().get(&(r.kind, r.id)) {
            return Ok(held.is_some());
        }
        self.session().contains(r)
    }

    fn scan_index(&self, from: &[u8], to: &[u8], rev: bool, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        self.session().scan_index(from, to, rev, f)
    }

    fn scan_records(&self, kind: Kind, f: &mut dyn FnMut(Id, &[u8]) -> bool) -> Result<()> {
        self.w.send()?;
        self.session().scan_records(kind, f)
    }

    fn scan_audit_range(&self, from: &[u8], to: &[u8], f: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<()> {
        self.session().scan_audit_range(from, to, f)
    }

    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> Result<()> {
        self.session().scan_search(kind, f)
    }

    fn count(&self, kind: Kind) -> Result<u64> {
        self.w.send()?;
        self.session().count(kind)
    }

    fn meta(&self, key: &str) -> Result<Option<u64>> {
        self.session().meta(key)
    }

    fn setting_bytes(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.session().setting_bytes(key)
    }

    fn version(&self, r: RecordRef) -> Result<Option<(u64, String)>> {
        self.session().version(r)
    }
}

impl RawWrite for PgTables<'_> {
    fn put_raw(&mut self, r: RecordRef, envelope: Vec<u8>) -> Result<()> {
        self.w.hold(r, Some(envelope))
    }

    fn remove_raw(&mut self, r: RecordRef) -> Result<()> {
        self.w.hold(r, None)
    }

    fn add_keys(&mut self, sorted: &Keys) -> Result<()> {
        self.keys_by_batch("INSERT INTO rolo_index SELECT unnest($1::bytea[]) ON CONFLICT DO NOTHING", sorted)
    }

    fn remove_keys(&mut self, sorted: &Keys) -> Result<()> {
        self.keys_by_batch("DELETE FROM rolo_index WHERE key = ANY($1::bytea[])", sorted)
    }

    fn remove_key_range(&mut self, from: &[u8], to: &[u8]) -> Result<()> {
        self.session().with(|c| c.execute("DELETE FROM rolo_index WHERE key >= $1 AND key < $2", &[&from, &to]))?;
        Ok(())
    }

    fn chunk_size(&self) -> u64 {
        crate::store::chunks::WIDE_CHUNK
    }

    fn chunk(&self, kind: Kind, chunk: u64) -> Result<Option<Vec<u8>>> {
        self.session().with(|c| {
            let row = c.query_opt(
                "SELECT texts FROM rolo_search WHERE kind = $1 AND chunk = $2",
                &[&kind_col(kind), &(chunk as i64)],
            )?;
            Ok(row.map(|row| row.get(0)))
        })
    }

    fn put_chunk(&mut self, kind: Kind, chunk: u64, packed: Option<&[u8]>) -> Result<()> {
        let (kind, chunk) = (kind_col(kind), chunk as i64);
        self.session().with(|c| match packed {
            Some(bytes) => c.execute(
                "INSERT INTO rolo_search VALUES ($1, $2, $3) ON CONFLICT (kind, chunk) DO UPDATE SET texts = EXCLUDED.texts",
                &[&kind, &chunk, &bytes],
            ),
            None => c.execute("DELETE FROM rolo_search WHERE kind = $1 AND chunk = $2", &[&kind, &chunk]),
        })?;
        Ok(())
    }

    fn put_audit(&mut self, key: &[u8], entry: &[u8]) -> Result<()> {
        self.session().with(|c| {
            c.execute(
                "INSERT INTO rolo_audit VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET entry = EXCLUDED.entry",
                &[&key, &entry],
            )
        })?;
        Ok(())
    }

    fn remove_audit_range(&mut self, from: &[u8], to: &[u8]) -> Result<()> {
        self.session().with(|c| c.execute("DELETE FROM rolo_audit WHERE key >= $1 AND key < $2", &[&from, &to]))?;
        Ok(())
    }

    fn put_meta(&mut self, key: &str, value: u64) -> Result<()> {
        self.session().with(|c| {
            c.execute(
                "INSERT INTO rolo_meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&key, &(value as i64)],
            )
        })?;
        Ok(())
    }

    fn put_setting(&mut self, key: &str, value: Option<&[u8]>) -> Result<()> {
        self.session().with(|c| match value {
            Some(bytes) => c.execute(
                "INSERT INTO rolo_settings VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&key, &bytes],
            ),
            None => c.execute("DELETE FROM rolo_settings WHERE key = $1", &[&key]),
        })?;
        Ok(())
    }

    fn put_version(&mut self, r: RecordRef, version: u64, by: &str) -> Result<()> {
        self.session().with(|c| {
            c.execute(
                "INSERT INTO rolo_versions VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (kind, id) DO UPDATE SET version = EXCLUDED.version, author = EXCLUDED.author",
                &[&kind_col(r.kind), &id_col(r.id), &(version as i64), &by],
            )
        })?;
        Ok(())
    }
}
