//! A transaction on a connection of its own ([`Session`]) and what it reads: a snapshot is one
//! (read-only, repeatable read), the writer reads through one too. The connection goes back to
//! the pool when the session ends. Ranges are read a page at a time, keyed on the last row read,
//! so a screen that wants the first fifty keys of a million reads about that many, and a
//! callback may read the same session again between pages.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::{Conn, Pool, id_col, kind_col};
use crate::model::{Id, Kind, RecordRef};
use crate::store::{RawRead, Result, StoreError, chunks};

/// The first page of a range: what a screen shows at once.
const FIRST_PAGE: i64 = 64;

/// The largest page: each page after the first is four times the one before, up to this.
const LAST_PAGE: i64 = 4096;

/// How many ranges [`RawRead::scan_index_ranges`] (or records [`RawRead::contains_many`]) reads
/// with one query.
const RANGES_AT_ONCE: usize = 1024;

/// One transaction on a connection taken from the pool; dropped before [`Session::end`], it
/// rolls back.
pub(in crate::store) struct Session {
    conn: Mutex<Option<Conn>>,
    pool: Arc<Pool>,
    /// When the transaction began.
    pub(in crate::store) began: std::time::Instant,
    /// How many commits the database had when a snapshot began (none for the writer).
    pub(in crate::store) seen: Option<i64>,
    /// Whether a statement failed: the server then ends the transaction (a snapshot is not to be
    /// kept; the writer may not commit, since the server would roll back and call it done).
    broken: AtomicBool,
}

/// A read snapshot: one consistent moment of the database.
pub(in crate::store) type PgRead = Session;

impl Session {
    /// A snapshot: a read-only transaction at repeatable read, which notes how many commits it
    /// sees.
    pub(in crate::store) fn snapshot(pool: Arc<Pool>) -> Result<Session> {
        let mut session = Session::begin(pool, &mut |c| c.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))?;
        session.seen = Some(session.with(super::commits)?);
        Ok(session)
    }

    /// A session whose transaction `start` begins on a connection from the pool.
    pub(in crate::store) fn begin(pool: Arc<Pool>, start: &mut dyn FnMut(&mut Conn) -> Result<()>) -> Result<Session> {
        let conn = pool.started(start)?;
        Ok(Session {
            conn: Mutex::new(Some(conn)),
            pool,
            began: std::time::Instant::now(),
            seen: None,
            broken: AtomicBool::new(false),
        })
    }

    /// Runs `f` on the session's connection.
    pub(in crate::store) fn with<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let conn = conn.as_mut().ok_or_else(|| StoreError::Other("the transaction has ended".into()))?;
        let out = f(conn);
        if out.is_err() {
            self.broken.store(true, Ordering::SeqCst);
        }
        out
    }

    /// Whether a statement of the session failed, or its connection closed.
    pub(in crate::store) fn broken(&self) -> bool {
        self.broken.load(Ordering::SeqCst)
            || self.conn.lock().unwrap_or_else(|e| e.into_inner()).as_ref().is_none_or(Conn::is_closed)
    }

    /// Commits the transaction, giving the connection back. Refused once a statement failed; a
    /// connection lost while committing is said to leave the outcome unknown.
    pub(in crate::store) fn commit(self) -> Result<()> {
        if self.broken() {
            return Err(StoreError::Other("a step of this save failed: nothing was saved; try again".into()));
        }
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some(mut conn) = conn else { return Err(StoreError::Other("the transaction has ended".into())) };
        match conn.run(|c| c.batch_execute("COMMIT")) {
            Ok(()) => {
                self.pool.give_back(conn);
                Ok(())
            }
            Err(e) if e.as_db_error().is_some() => Err(StoreError::Other(format!(
                "the database server refused the save ({}): nothing was saved; try again",
                super::said(&e)
            ))),
            Err(e) => Err(StoreError::Other(format!(
                "the connection to the database server broke while saving ({e}): the save may or may not have been kept; look, then try again"
            ))),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let conn = self.conn.get_mut().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(mut conn) = conn
            && conn.batch("ROLLBACK").is_ok()
        {
            self.pool.give_back(conn);
        }
    }
}

/// The smallest byte string after `key`.
fn after(key: &[u8]) -> Vec<u8> {
    let mut next = key.to_vec();
    next.push(0);
    next
}

/// Reads pages of rows by `page` (given the page's size, returning its rows) until `f` says stop
/// or a page comes back short; `f` returns false to stop.
fn paged<R>(mut page: impl FnMut(i64) -> Result<Vec<R>>, mut f: impl FnMut(&R) -> Result<bool>) -> Result<()> {
    let mut size = FIRST_PAGE;
    loop {
        let rows = page(size)?;
        for row in &rows {
            if !f(row)? {
                return Ok(());
            }
        }
        if (rows.len() as i64) < size {
            return Ok(());
        }
        size = (size * 4).min(LAST_PAGE);
    }
}

impl Session {
    /// Calls `f` with each (number, bytes) row of `kind` that `sql` selects (given the kind, the
    /// first number and a page size), in number order, until it returns false.
    fn numbered(&self, sql: &'static str, kind: Kind, f: &mut dyn FnMut(u64, &[u8]) -> Result<bool>) -> Result<()> {
        self.numbered_rows(sql, kind, |row| row.get::<_, Vec<u8>>(1), |n, bytes| f(n, bytes))
    }

    /// [`Session::numbered`] for rows whose columns after the number `read` takes.
    fn numbered_rows<R>(
        &self,
        sql: &'static str,
        kind: Kind,
        read: impl Fn(&postgres::Row) -> R,
        mut f: impl FnMut(u64, &R) -> Result<bool>,
    ) -> Result<()> {
        let mut next = 0i64;
        paged(
            |size| {
                let rows = self.with(|c| c.query(sql, &[&kind_col(kind), &next, &size]))?;
                let rows: Vec<(i64, R)> = rows.iter().map(|row| (row.get(0), read(row))).collect();
                if let Some((last, _)) = rows.last() {
                    next = last + 1;
                }
                Ok(rows)
            },
            |(n, row)| f(*n as u64, row),
        )
    }

    /// Runs `sql` over `refs` a thousand at a time (`$1` their kinds, `$2` their ids, unnested
    /// with ordinality, so each row's first column numbers its record from 1), calling `f` with
    /// each row and the index in `refs` of its record.
    fn per_record(
        &self,
        refs: &[RecordRef],
        sql: &'static str,
        f: &mut dyn FnMut(usize, &postgres::Row),
    ) -> Result<()> {
        for (b, batch) in refs.chunks(RANGES_AT_ONCE).enumerate() {
            let (kinds, ids): (Vec<i16>, Vec<i64>) = batch.iter().map(|r| (kind_col(r.kind), id_col(r.id))).unzip();
            let rows = self.with(|c| c.query(sql, &[&kinds, &ids]))?;
            for row in &rows {
                if let Some(n) = usize::try_from(row.get::<_, i64>(0) - 1).ok().filter(|&n| n < batch.len()) {
                    f(b * RANGES_AT_ONCE + n, row);
                }
            }
        }
        Ok(())
    }
}

impl RawRead for Session {
    fn raw(&self, r: RecordRef) -> Result<Option<Vec<u8>>> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT envelope FROM rolo_records WHERE kind = $1 AND id = $2",
                &[&kind_col(r.kind), &id_col(r.id)],
            )?;
            Ok(row.map(|row| row.get(0)))
        })
    }

    fn contains(&self, r: RecordRef) -> Result<bool> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT 1 FROM rolo_records WHERE kind = $1 AND id = $2",
                &[&kind_col(r.kind), &id_col(r.id)],
            )?;
            Ok(row.is_some())
        })
    }

    /// A query per thousand records, where a lookup each would be a round trip each (`rolo
    /// check` following every link).
    fn contains_many(&self, refs: &[RecordRef]) -> Result<Vec<bool>> {
        let mut found = vec![false; refs.len()];
        let sql = "SELECT r.n FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS r(kind, id, n) \
                   WHERE EXISTS (SELECT 1 FROM rolo_records x WHERE x.kind = r.kind AND x.id = r.id)";
        self.per_record(refs, sql, &mut |i, _| found[i] = true)?;
        Ok(found)
    }

    /// A query per thousand records, where a read each would be a round trip each (the accounts
    /// a report names).
    fn raw_each(&self, refs: &[RecordRef], f: &mut dyn FnMut(usize, &[u8]) -> Result<()>) -> Result<()> {
        // A join's rows come in no promised order: they are put in the order asked first.
        let mut found: Vec<Option<Vec<u8>>> = vec![None; refs.len()];
        let sql = "SELECT r.n, x.envelope FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS r(kind, id, n) \
                   JOIN rolo_records x ON x.kind = r.kind AND x.id = r.id";
        self.per_record(refs, sql, &mut |i, row| found[i] = Some(row.get(1)))?;
        found.iter().enumerate().try_for_each(|(i, envelope)| envelope.as_ref().map_or(Ok(()), |e| f(i, e)))
    }

    /// A query per thousand ranges, where a scan each would be a round trip each (a report
    /// reading the facts of the contacts its calls name). Meant for small ranges: each batch's
    /// keys are read whole.
    fn scan_index_ranges(&self, ranges: &[(Vec<u8>, Vec<u8>)], f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        for batch in ranges.chunks(RANGES_AT_ONCE) {
            let (lows, highs): (Vec<&[u8]>, Vec<&[u8]>) = batch.iter().map(|(lo, hi)| (&lo[..], &hi[..])).unzip();
            let rows = self.with(|c| {
                c.query(
                    // Lateral, so that each range is its own index scan: as a join, the planner
                    // (told there are a thousand ranges of unknown width) may scan the whole
                    // index once per range.
                    "SELECT k.key FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS r(lo, hi, n) \
                     CROSS JOIN LATERAL (SELECT key FROM rolo_index WHERE key >= r.lo AND key < r.hi ORDER BY key) k \
                     ORDER BY r.n, k.key",
                    &[&lows, &highs],
                )
            })?;
            for row in &rows {
                if !f(row.get(0)) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn scan_index(&self, from: &[u8], to: &[u8], rev: bool, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        let (mut lo, mut hi) = (from.to_vec(), to.to_vec());
        paged(
            |size| {
                let rows = self.with(|c| match rev {
                    false => c.query(
                        "SELECT key FROM rolo_index WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3",
                        &[&lo, &hi, &size],
                    ),
                    true => c.query(
                        "SELECT key FROM rolo_index WHERE key >= $1 AND key < $2 ORDER BY key DESC LIMIT $3",
                        &[&lo, &hi, &size],
                    ),
                })?;
                let keys: Vec<Vec<u8>> = rows.iter().map(|row| row.get(0)).collect();
                match (rev, keys.last()) {
                    (false, Some(last)) => lo = after(last),
                    (true, Some(last)) => hi = last.clone(),
                    (_, None) => {}
                }
                Ok(keys)
            },
            |k| Ok(f(k)),
        )
    }

    fn scan_records(&self, kind: Kind, f: &mut dyn FnMut(Id, &[u8]) -> bool) -> Result<()> {
        self.numbered(
            "SELECT id, envelope FROM rolo_records WHERE kind = $1 AND id >= $2 ORDER BY id LIMIT $3",
            kind,
            &mut |id, envelope| Ok(f(id, envelope)),
        )
    }

    fn scan_audit_range(&self, from: &[u8], to: &[u8], f: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<()> {
        let mut lo = from.to_vec();
        paged(
            |size| {
                let rows = self.with(|c| {
                    c.query(
                        "SELECT key, entry FROM rolo_audit WHERE key >= $1 AND key <= $2 ORDER BY key LIMIT $3",
                        &[&lo, &to, &size],
                    )
                })?;
                let rows: Vec<(Vec<u8>, Vec<u8>)> = rows.iter().map(|row| (row.get(0), row.get(1))).collect();
                if let Some((last, _)) = rows.last() {
                    lo = after(last);
                }
                Ok(rows)
            },
            |(key, entry)| Ok(f(key, entry)),
        )
    }

    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> Result<()> {
        self.numbered(
            "SELECT chunk, texts FROM rolo_search WHERE kind = $1 AND chunk >= $2 ORDER BY chunk LIMIT $3",
            kind,
            &mut |chunk, texts| {
                chunks::walk(chunk, chunks::WIDE_CHUNK, texts, f).map_err(StoreError::Other)?;
                Ok(true)
            },
        )
    }

    fn count(&self, kind: Kind) -> Result<u64> {
        self.with(|c| {
            let row = c.query_opt("SELECT count(*) FROM rolo_records WHERE kind = $1", &[&kind_col(kind)])?;
            Ok(row.map_or(0, |row| row.get::<_, i64>(0) as u64))
        })
    }

    fn meta(&self, key: &str) -> Result<Option<u64>> {
        self.with(|c| {
            let row = c.query_opt("SELECT value FROM rolo_meta WHERE key = $1", &[&key])?;
            Ok(row.map(|row| row.get::<_, i64>(0) as u64))
        })
    }

    fn setting_bytes(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.with(|c| {
            let row = c.query_opt("SELECT value FROM rolo_settings WHERE key = $1", &[&key])?;
            Ok(row.map(|row| row.get(0)))
        })
    }

    fn version(&self, r: RecordRef) -> Result<Option<(u64, String)>> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT version, author FROM rolo_versions WHERE kind = $1 AND id = $2",
                &[&kind_col(r.kind), &id_col(r.id)],
            )?;
            Ok(row.map(|row| (row.get::<_, i64>(0) as u64, row.get(1))))
        })
    }

    fn commit_number(&self) -> Option<u64> {
        self.seen.map(|n| n as u64)
    }
}

impl crate::store::copy::Dump for Session {
    fn chunk_size(&self) -> u64 {
        chunks::WIDE_CHUNK
    }

    fn dump_chunks(&self, kind: Kind, f: &mut dyn FnMut(u64, &[u8]) -> Result<()>) -> Result<()> {
        self.numbered(
            "SELECT chunk, texts FROM rolo_search WHERE kind = $1 AND chunk >= $2 ORDER BY chunk LIMIT $3",
            kind,
            &mut |chunk, texts| f(chunk, texts).map(|()| true),
        )
    }

    fn dump_versions(&self, f: &mut dyn FnMut(RecordRef, u64, &str) -> Result<()>) -> Result<()> {
        for kind in Kind::ALL {
            self.numbered_rows(
                "SELECT id, version, author FROM rolo_versions WHERE kind = $1 AND id >= $2 ORDER BY id LIMIT $3",
                kind,
                |row| (row.get::<_, i64>(1), row.get::<_, String>(2)),
                |id, (version, by)| f(RecordRef::new(kind, id), *version as u64, by).map(|()| true),
            )?;
        }
        Ok(())
    }

    fn dump_meta(&self, f: &mut dyn FnMut(&str, u64) -> Result<()>) -> Result<()> {
        for row in self.with(|c| c.query("SELECT key, value FROM rolo_meta ORDER BY key", &[]))? {
            f(row.get(0), row.get::<_, i64>(1) as u64)?;
        }
        Ok(())
    }

    fn dump_settings(&self, f: &mut dyn FnMut(&str, &[u8]) -> Result<()>) -> Result<()> {
        for row in self.with(|c| c.query("SELECT key, value FROM rolo_settings ORDER BY key", &[]))? {
            f(row.get(0), row.get(1))?;
        }
        Ok(())
    }
}
