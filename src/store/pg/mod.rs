//! PostgreSQL, and the distributed engines that speak its protocol: the database at
//! `postgres://…`. It holds the tables a rolo file holds, one SQL table each keyed the same way
//! (see `schema.sql`), so the service above reads and writes the same keys through the same
//! rules (`WriteTables`); what differs is how a snapshot and the writer reach them.
//!
//! A snapshot is a read-only transaction at repeatable read on a connection of its own. The
//! writer runs serializable, and first updates the one row of `rolo_writer`: writers on every
//! node take turns there, and one that lost the race (SQLSTATE 40001) starts again before it has
//! done anything, which is the client-side retry such engines ask for.

mod read;
mod throwaway;
mod write;

pub use throwaway::Throwaway;

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use postgres::error::SqlState;
use postgres::types::ToSql;

use super::backend::{Backend, Snapshot, Writer};
use super::open::Latest;
use super::{Health, RawRead, Result, SCHEMA_VERSION, StoreError};
use read::PgRead;

/// The schema of the SQL tables this build creates and reads (not the data's schema, which is
/// `SCHEMA_VERSION` on both backends).
const TABLES_VERSION: i32 = 1;

/// How many idle connections the store keeps for the next snapshot or writer.
const IDLE: usize = 8;

/// Whether `db` names a PostgreSQL database rather than a file.
pub fn is_address(db: &Path) -> bool {
    db.to_str().is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// An address as it may be shown: without its password.
pub fn shown(address: &str) -> String {
    match (address.find("://"), address.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &address[scheme + 3..at];
            match user.split_once(':') {
                Some((name, _)) => format!("{}{name}:***{}", &address[..scheme + 3], &address[at..]),
                None => address.to_string(),
            }
        }
        _ => address.to_string(),
    }
}

/// A database on a PostgreSQL server.
pub(super) struct PgStore {
    pool: Arc<Pool>,
    health: Arc<Health>,
    /// The newest snapshot, shared by the queries until this store's next commit.
    latest: Arc<Latest<PgRead>>,
}

/// The connections to one database, and how to make more.
pub(super) struct Pool {
    config: postgres::Config,
    /// The address, as shown in messages.
    shown: String,
    idle: Mutex<Vec<Conn>>,
}

impl Pool {
    /// A connection: an idle one, or a new one.
    fn take(&self) -> Result<Conn> {
        if let Some(conn) = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop() {
            return Ok(conn);
        }
        let client = self.config.connect(postgres::NoTls).map_err(|e| {
            StoreError::Other(format!(
                "cannot reach the database {}: {}: check the address, and that the server runs and lets you in",
                self.shown,
                said(&e)
            ))
        })?;
        Ok(Conn { client, statements: HashMap::new() })
    }

    /// Keeps a connection for later, unless it broke or enough are kept.
    fn give_back(&self, conn: Conn) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if !conn.client.is_closed() && idle.len() < IDLE {
            idle.push(conn);
        }
    }
}

/// One connection, with the statements it prepared.
pub(super) struct Conn {
    client: postgres::Client,
    statements: HashMap<&'static str, postgres::Statement>,
}

impl Conn {
    fn statement(&mut self, sql: &'static str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(fail)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    /// Runs a query, prepared once per connection.
    fn query(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<postgres::Row>> {
        let s = self.statement(sql)?;
        self.client.query(&s, params).map_err(fail)
    }

    /// Runs a query of at most one row.
    fn query_opt(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<postgres::Row>> {
        let s = self.statement(sql)?;
        self.client.query_opt(&s, params).map_err(fail)
    }

    /// Runs a statement.
    fn execute(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let s = self.statement(sql)?;
        self.client.execute(&s, params).map_err(fail)
    }

    /// Runs statements that take no parameters (transaction control).
    fn batch(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql).map_err(fail)
    }
}

/// What the server said, without the client's wrapping.
fn said(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

/// A server error as a store error.
fn fail(e: postgres::Error) -> StoreError {
    StoreError::Other(format!("the database server: {}", said(&e)))
}

/// Whether the server refused a transaction that lost a race with another (SQLSTATE 40001).
fn lost_race(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::T_R_SERIALIZATION_FAILURE)
}

/// A kind code as its column holds it.
fn kind_col(kind: crate::model::Kind) -> i16 {
    i16::from(kind.code())
}

/// An id as its column holds it (ids stay far below 2^63).
fn id_col(id: crate::model::Id) -> i64 {
    id as i64
}

impl PgStore {
    /// Connects to the database at `address`, creating rolo's tables in an empty one.
    pub(super) fn open(address: &str) -> Result<PgStore> {
        let shown = shown(address);
        let config = postgres::Config::from_str(address).map_err(|e| {
            StoreError::Other(format!(
                "the database address {shown} cannot be read ({e}): write it as postgres://USER@HOST/DATABASE"
            ))
        })?;
        let pool = Arc::new(Pool { config, shown: shown.clone(), idle: Mutex::new(Vec::new()) });
        let store = PgStore { pool, health: Arc::new(Health::new(Path::new(&shown))), latest: Arc::default() };
        store.prepare()?;
        Ok(store)
    }

    /// Creates the tables in a database without them, and checks the data's schema version.
    fn prepare(&self) -> Result<()> {
        let mut conn = self.pool.take()?;
        conn.batch("CREATE TABLE IF NOT EXISTS rolo_schema (version integer NOT NULL)")
            .or_else(|_| conn.batch("SELECT 1 FROM rolo_schema LIMIT 1"))?;
        conn.batch("BEGIN; LOCK TABLE rolo_schema IN EXCLUSIVE MODE")?;
        let found: Option<i32> = conn.query_opt("SELECT max(version) FROM rolo_schema", &[])?.and_then(|r| r.get(0));
        match found {
            None => {
                conn.batch(include_str!("schema.sql"))?;
                conn.execute("INSERT INTO rolo_schema VALUES ($1)", &[&TABLES_VERSION])?;
            }
            Some(v) if v > TABLES_VERSION => {
                let _ = conn.batch("ROLLBACK");
                return Err(StoreError::Other(format!(
                    "the database {} holds rolo tables of a newer rolo (tables {v}; this one knows {TABLES_VERSION}): upgrade rolo",
                    self.pool.shown
                )));
            }
            Some(_) => {}
        }
        conn.batch("COMMIT")?;
        self.pool.give_back(conn);
        let w = self.write()?;
        let t = w.tables()?;
        match t.meta("schema_version")? {
            Some(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::TooNew { path: self.pool.shown.clone().into(), found });
            }
            Some(found) if found < SCHEMA_VERSION => {
                return Err(StoreError::Other(format!(
                    "the database {} holds data of an older rolo (schema {found}): copy it to a file with an older rolo, then open that file with this one",
                    self.pool.shown
                )));
            }
            Some(_) => return Ok(()),
            None => {}
        }
        let mut t = t;
        t.set_meta("schema_version", SCHEMA_VERSION)?;
        // A new database's texts are clean as they arrive.
        t.set_meta(super::clean::CLEAN, 1)?;
        drop(t);
        w.commit()
    }
}

impl Backend for PgStore {
    fn failure(&self) -> Option<String> {
        self.health.check().err().map(|e| e.to_string())
    }

    fn read(&self) -> Result<Arc<Snapshot>> {
        Ok(self.latest.get_or_take(|| PgRead::snapshot(self.pool.clone()))?)
    }

    fn read_damaged(&self) -> Result<Arc<Snapshot>> {
        Ok(Arc::new(PgRead::snapshot(self.pool.clone())?))
    }

    fn write(&self) -> Result<Writer> {
        let w = write::PgWriter::begin(self.pool.clone(), self.health.clone(), self.latest.clone())?;
        Ok(Writer(Box::new(w)))
    }

    /// The server keeps its own pages whole: nothing to verify from here.
    fn verify_pages(&self) -> Result<bool> {
        Ok(false)
    }

    /// The server gives space back itself (autovacuum).
    fn compact(&self) -> Result<bool> {
        Ok(true)
    }

    fn backup(&self, _target: &Path) -> Result<()> {
        Err(StoreError::Other(format!(
            "the database {} is on a server: back it up with the server's tools (pg_dump), or copy it to a file with `rolo migrate --to FILE.redb`",
            self.pool.shown
        )))
    }
}
