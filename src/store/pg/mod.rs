//! PostgreSQL, and the distributed engines that speak its protocol: the database at
//! `postgres://…`. It holds the tables a rolo file holds, one SQL table each keyed the same way
//! (see `schema.sql`), so the service above reads and writes the same keys through the same
//! rules (`WriteTables`); what differs is how a snapshot and the writer reach them.
//!
//! A snapshot is a read-only transaction at repeatable read on a connection of its own. The
//! writer first updates the one row of `rolo_writer`: writers on every node take turns there,
//! one after another, and one that lost the race (SQLSTATE 40001, on engines that run every
//! transaction serializable) starts again before it has done anything, which is the client-side
//! retry such engines ask for.

mod read;
mod throwaway;
mod tls;
mod write;

pub use throwaway::{Throwaway, TlsFiles};

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use postgres::error::SqlState;
use postgres::types::ToSql;

use super::backend::{Backend, Followed, Snapshot, Writer};
use super::open::Latest;
use super::{Health, RawRead, Result, SCHEMA_VERSION, StoreError};
use read::PgRead;

/// The schema of the SQL tables this build creates and reads (not the data's schema, which is
/// `SCHEMA_VERSION` on both backends): `schema.sql` makes schema 1, and each step here the next.
const STEPS: [(i32, &str); 1] = [(2, include_str!("changes.sql"))];

/// The schema of the SQL tables this build creates and reads.
const TABLES_VERSION: i32 = STEPS[STEPS.len() - 1].0;

/// How many of the newest commits' changes the database keeps for nodes following it (see
/// `changes.sql`): at a commit a second, nearly three hours of them.
const KEPT_CHANGES: i64 = 10_000;

/// How long a snapshot is shared by the queries that follow it: long enough for a screen's
/// queries, short of the servers' idle-transaction timeouts, and short enough not to hold back
/// the server's clean-up of old rows.
const KEEP: std::time::Duration = std::time::Duration::from_secs(10);

/// How many idle connections the store keeps for the next snapshot or writer.
const IDLE: usize = 8;

/// Whether `db` names a PostgreSQL database rather than a file.
pub fn is_address(db: &Path) -> bool {
    db.to_str().is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// An address as it may be shown: without its password (after the user name, or a `password`
/// parameter).
pub fn shown(address: &str) -> String {
    let (head, query) = address.split_once('?').map_or((address, None), |(h, q)| (h, Some(q)));
    let head = match (head.find("://"), head.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match head[scheme + 3..at].split_once(':') {
            Some((name, _)) => format!("{}{name}:***{}", &head[..scheme + 3], &head[at..]),
            None => head.to_string(),
        },
        _ => head.to_string(),
    };
    let Some(query) = query else { return head };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => p.to_string(),
        })
        .collect();
    format!("{head}?{}", params.join("&"))
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
    /// How connections are encrypted, when the address asks for it.
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
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
        let client = off_runtime(|| match &self.tls {
            Some(tls) => self.config.connect(tls.clone()),
            None => self.config.connect(postgres::NoTls),
        })
        .map_err(|e| {
            StoreError::Other(format!(
                "cannot reach the database {}: {}: check the address, and that the server runs and lets you in",
                self.shown,
                said(&e)
            ))
        })?;
        let mut conn = Conn { client: Some(client), statements: HashMap::new() };
        // Each of rolo's queries reads a few rows by index; compiling one (which PostgreSQL does
        // for a query it takes for a large one, as a thousand ranges of unknown width) costs
        // more than it saves. An engine without the setting keeps its own way.
        let _ = conn.batch("SET jit = off");
        Ok(conn)
    }

    /// A connection on which `start` succeeded. An idle connection the server ended meanwhile (a
    /// restart, a timeout) fails its first statement: the next one is tried, then a new one.
    fn started(&self, start: &mut dyn FnMut(&mut Conn) -> Result<()>) -> Result<Conn> {
        let mut dead = 0;
        loop {
            let mut conn = self.take()?;
            match start(&mut conn) {
                Ok(()) => return Ok(conn),
                Err(_) if dead <= IDLE && (conn.is_closed() || conn.batch("SELECT 1").is_err()) => dead += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// Runs `ask` (a query outside any transaction) on a connection that answers, kept after.
    fn ask<T>(&self, mut ask: impl FnMut(&mut Conn) -> Result<T>) -> Result<T> {
        let mut answer = None;
        let conn = self.started(&mut |c| {
            answer = Some(ask(c)?);
            Ok(())
        })?;
        self.give_back(conn);
        Ok(answer.expect("started only once `ask` answered"))
    }

    /// Keeps a connection for later, unless it broke or enough are kept.
    fn give_back(&self, conn: Conn) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if !conn.is_closed() && idle.len() < IDLE {
            idle.push(conn);
        }
    }
}

/// One connection, with the statements it prepared.
pub(super) struct Conn {
    /// Always there until the connection is dropped.
    client: Option<postgres::Client>,
    statements: HashMap<&'static str, postgres::Statement>,
}

impl Drop for Conn {
    /// Closing talks to the server too, so it runs away from any async runtime as well.
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            off_runtime(move || drop(client));
        }
    }
}

impl Conn {
    /// Runs `f` on the client, away from any async runtime of the caller (see [`off_runtime`]).
    fn run<T: Send>(
        &mut self,
        f: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error> + Send,
    ) -> Result<T, postgres::Error> {
        let Some(client) = self.client.as_mut() else { unreachable!("a connection is used only until dropped") };
        off_runtime(move || f(client))
    }

    /// The statement `sql`, prepared once per connection.
    fn prepared(&mut self, sql: &'static str) -> Result<postgres::Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.run(|c| c.prepare(sql))?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    /// Runs a query.
    fn query(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<postgres::Row>> {
        let s = self.prepared(sql).map_err(fail)?;
        self.run(|c| c.query(&s, params)).map_err(fail)
    }

    /// Runs a query of at most one row.
    fn query_opt(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<postgres::Row>> {
        let s = self.prepared(sql).map_err(fail)?;
        self.run(|c| c.query_opt(&s, params)).map_err(fail)
    }

    /// Runs a query of at most one row; the server's error as it came (the writer tells a lost
    /// race by it).
    fn query_raw(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<postgres::Row>, postgres::Error> {
        let s = self.prepared(sql)?;
        self.run(|c| c.query_opt(&s, params))
    }

    /// Runs a statement.
    fn execute(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let s = self.prepared(sql).map_err(fail)?;
        self.run(|c| c.execute(&s, params)).map_err(fail)
    }

    /// Whether the connection closed (the server went, or ended it).
    fn is_closed(&self) -> bool {
        self.client.as_ref().is_none_or(postgres::Client::is_closed)
    }

    /// Runs statements that take no parameters (transaction control).
    fn batch(&mut self, sql: &str) -> Result<()> {
        self.run(|c| c.batch_execute(sql)).map_err(fail)
    }
}

/// Runs `f` on a thread of its own when the caller is inside an async runtime (`rolo serve`
/// answers logins there): the client drives its connection with a runtime of its own, which
/// cannot start inside another. Elsewhere `f` runs here.
pub(super) fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(out) => out,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// How many write transactions the database has had (as the connection's transaction sees it).
fn commits(conn: &mut Conn) -> Result<i64> {
    let row = conn.query_opt("SELECT commits FROM rolo_writer WHERE one = 1", &[])?;
    Ok(row.map_or(0, |row| row.get(0)))
}

/// What the server said, without the client's wrapping.
fn said(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    // The cause says what went wrong (a TLS handshake: the certificate it did not trust).
    let mut said = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !said.contains(&text) {
            said = format!("{said}: {text}");
        }
        cause = c.source();
    }
    said
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

/// Whether the database at `address` answers and holds rolo's tables; nothing is created.
pub(super) fn holds_tables(address: &str) -> bool {
    let shown = shown(address);
    let Ok((config, tls)) = tls::read(address, &shown) else { return false };
    let pool = Pool { config, tls, shown, idle: Mutex::new(Vec::new()) };
    let there = pool.ask(|c| c.query_opt("SELECT to_regclass('rolo_schema') IS NOT NULL", &[]));
    there.ok().flatten().is_some_and(|row| row.get::<_, bool>(0))
}

impl PgStore {
    /// Connects to the database at `address`, creating rolo's tables in an empty one.
    pub(super) fn open(address: &str) -> Result<PgStore> {
        let shown = shown(address);
        let (config, tls) = tls::read(address, &shown).map_err(StoreError::Other)?;
        let pool = Arc::new(Pool { config, tls, shown: shown.clone(), idle: Mutex::new(Vec::new()) });
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
        let from = match found {
            None => {
                conn.batch(include_str!("schema.sql"))?;
                conn.execute("INSERT INTO rolo_schema VALUES (1)", &[])?;
                1
            }
            Some(v) if v > TABLES_VERSION => {
                let _ = conn.batch("ROLLBACK");
                return Err(StoreError::Other(format!(
                    "the database {} holds rolo tables of a newer rolo (tables {v}; this one knows {TABLES_VERSION}): upgrade rolo",
                    self.pool.shown
                )));
            }
            Some(v) => v,
        };
        for (version, step) in STEPS.iter().filter(|(v, _)| *v > from) {
            conn.batch(step)?;
            conn.execute("INSERT INTO rolo_schema VALUES ($1)", &[version])?;
        }
        conn.batch("COMMIT")?;
        self.pool.give_back(conn);
        let w = self.write()?;
        let t = w.tables()?;
        match t.meta("schema_version")? {
            Some(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::TooNew { path: self.pool.shown.clone().into(), found });
            }
            // Schema 9 only compressed the search chunks written from then on (older ones read
            // as they are); 10, 11 and 12 write the index keys again, smaller (the record
            // formats of 11 and 12 read beside the older ones).
            Some(8..=11) => {
                let mut t = t;
                super::facts::rederive_index(&mut t)?;
                t.set_meta("schema_version", SCHEMA_VERSION)?;
                drop(t);
                return w.commit();
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

    /// The kept snapshot while no commit came since, from any node (one small query tells), else
    /// a new one.
    fn read(&self) -> Result<Arc<Snapshot>> {
        if let Some(kept) = self.latest.kept() {
            // What this process can tell alone first; the server is asked only about a snapshot
            // that could still be kept.
            if !kept.broken() && kept.began.elapsed() < KEEP && kept.seen == Some(self.pool.ask(commits)?) {
                return Ok(kept);
            }
            self.latest.forget();
        }
        Ok(self.latest.get_or_take(|| PgRead::snapshot(self.pool.clone()))?)
    }

    fn read_damaged(&self) -> Result<Arc<Snapshot>> {
        Ok(Arc::new(PgRead::snapshot(self.pool.clone())?))
    }

    fn dump(&self) -> Result<Arc<dyn super::copy::Dump>> {
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

    /// The server gives the space of removed rows back itself (autovacuum). What rolo keeps of
    /// past commits for the other nodes goes: their news holds search texts, so an erased
    /// person's words would stay in it. Nodes behind then read everything again.
    fn compact(&self) -> Result<bool> {
        self.pool.ask(|c| c.execute("DELETE FROM rolo_changes", &[]))?;
        Ok(true)
    }

    fn shared_commits(&self) -> Result<Option<u64>> {
        Ok(Some(self.pool.ask(commits)? as u64))
    }

    /// One statement, so one snapshot: the newest number, and the changes after `seen` while
    /// the database keeps them all.
    fn commits_after(&self, seen: u64) -> Result<Followed> {
        let rows = self.pool.ask(|c| {
            c.query(
                "SELECT w.commits, c.number, c.change FROM rolo_writer w \
                 LEFT JOIN rolo_changes c ON c.number > $1 AND w.commits - $1 <= $2 \
                 WHERE w.one = 1 ORDER BY c.number LIMIT $3",
                &[&(seen as i64), &KEPT_CHANGES, &(super::backend::CHANGES_AT_ONCE as i64)],
            )
        })?;
        let upto = rows.first().map_or(seen, |row| row.get::<_, i64>(0) as u64);
        let changes = rows
            .iter()
            .filter_map(|row| Some((row.get::<_, Option<i64>>(1)? as u64, row.get::<_, Option<Vec<u8>>>(2)?)))
            .collect();
        let kept = upto.saturating_sub(seen) <= KEPT_CHANGES as u64;
        Ok(Followed { upto, changes: kept.then_some(changes) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use crate::store::Store;

    #[test]
    fn an_address_is_shown_without_its_password() {
        assert_eq!(shown("postgres://ann:s3cret@db.example.com/rolo"), "postgres://ann:***@db.example.com/rolo");
        assert_eq!(
            shown("postgres://ann@db/rolo?password=s3cret&host=/run"),
            "postgres://ann@db/rolo?password=***&host=/run"
        );
        assert_eq!(shown("postgresql://db/rolo?host=/tmp/x"), "postgresql://db/rolo?host=/tmp/x");
    }

    /// A store over a new database of the throwaway server, and a plain connection to it. The
    /// store's connections are named `doomed_` and the database's schema, so that a test ends
    /// them and no other test's.
    fn store() -> Option<(Store, postgres::Client)> {
        let (doomed, address) = new_database()?;
        let store = Store::open(Path::new(&doomed), crate::store::Workload::Brief).expect("open");
        Some((store, postgres::Client::connect(&address, postgres::NoTls).expect("connect")))
    }

    /// A new database's address for stores (whose connections the test's end closes), and its
    /// plain address.
    fn new_database() -> Option<(String, String)> {
        let address = Throwaway::shared()?.new_database().expect("a database");
        let schema = address.rsplit("%3D").next().unwrap_or_default();
        Some((format!("{address}&application_name=doomed_{schema}"), address))
    }

    #[test]
    fn a_database_of_schema_9_has_its_index_written_again() {
        let Some((doomed, _)) = new_database() else { return };
        let open = || Store::open(Path::new(&doomed), crate::store::Workload::Brief).expect("open");
        let store = open();
        crate::store::open::tests::add_account(&store, "Acme");
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        t.raw.remove_key_range(&[], &[0xff]).unwrap();
        t.set_meta("schema_version", 9).unwrap();
        drop(t);
        w.commit().unwrap();
        assert_ne!(crate::store::check::check(&store.read().unwrap()).unwrap(), Vec::<String>::new());
        drop(store);
        let store = open();
        assert_eq!(crate::store::check::check(&store.read().unwrap()).unwrap(), Vec::<String>::new());
        assert_eq!(store.read().unwrap().meta("schema_version").unwrap(), Some(SCHEMA_VERSION));
    }

    #[test]
    fn each_link_to_no_record_is_named_by_the_check() {
        let Some((store, _)) = store() else { return };
        crate::store::check::tests::each_link_to_no_record_is_named(&store);
    }

    #[test]
    fn a_kept_snapshot_whose_connection_died_gives_way_to_a_new_one() {
        let Some((store, mut admin)) = store() else { return };
        let kept = store.read().unwrap();
        assert_eq!(kept.count(Kind::Contact).unwrap(), 0);
        drop(kept);
        // The server ends every other connection (a restart, an idle timeout).
        let ended = admin
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = 'doomed_' || current_schema()",
                &[],
            )
            .unwrap();
        assert!(!ended.is_empty(), "the store's connections were found");
        // The kept snapshot fails the one query that finds its connection gone; the next query
        // takes a new snapshot, from a live connection.
        let _ = store.read().and_then(|r| r.count(Kind::Contact));
        assert_eq!(store.read().unwrap().count(Kind::Contact).unwrap(), 0, "the next query takes a new snapshot");
    }

    #[test]
    fn tables_of_an_older_rolo_are_brought_up_to_date_on_open_and_newer_ones_refused() {
        let Some(server) = Throwaway::shared() else { return };
        let address = server.new_database().expect("a database");
        let mut admin = postgres::Client::connect(&address, postgres::NoTls).expect("connect");
        // Tables as the first rolo on PostgreSQL made them, with a commit already counted.
        admin
            .batch_execute("CREATE TABLE rolo_schema (version integer NOT NULL); INSERT INTO rolo_schema VALUES (1)")
            .unwrap();
        admin.batch_execute(include_str!("schema.sql")).unwrap();
        admin.batch_execute("UPDATE rolo_writer SET commits = 7").unwrap();
        let store = Store::open(Path::new(&address), crate::store::Workload::Brief).expect("open");
        let version: i32 = admin.query_one("SELECT max(version) FROM rolo_schema", &[]).unwrap().get(0);
        assert_eq!(version, TABLES_VERSION);
        // The step made the table of changes, which the next commit fills.
        let w = store.write().unwrap();
        assert_eq!(w.number(), Some(9), "opening wrote the data's schema version in commit 8");
        w.share(b"news").unwrap();
        w.commit().unwrap();
        let followed = store.commits_after(8).unwrap();
        assert_eq!(followed, Followed { upto: 9, changes: Some(vec![(9, b"news".to_vec())]) });
        assert_eq!(store.commits_after(9).unwrap().changes, Some(vec![]));
        admin.batch_execute("INSERT INTO rolo_schema VALUES (99)").unwrap();
        let e = Store::open(Path::new(&address), crate::store::Workload::Brief).err().expect("refused").to_string();
        assert!(e.contains("newer rolo (tables 99") && e.contains("upgrade rolo"), "{e}");
    }

    #[test]
    fn a_follower_too_far_behind_is_told_so_rather_than_given_part_of_the_changes() {
        let Some((store, mut admin)) = store() else { return };
        let w = store.write().unwrap();
        let first = w.number().unwrap();
        w.share(b"old").unwrap();
        w.commit().unwrap();
        admin.batch_execute(&format!("UPDATE rolo_writer SET commits = commits + {KEPT_CHANGES}")).unwrap();
        let followed = store.commits_after(first - 1).unwrap();
        assert_eq!((followed.upto, followed.changes), (first + KEPT_CHANGES as u64, None));
        let recent = store.commits_after(first).unwrap();
        assert_eq!(recent.changes, Some(vec![]), "one just within reach is given what is kept");
    }

    /// A certificate authority (PEM), and a certificate for localhost it signed with its key.
    fn certificates() -> (String, TlsFiles) {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = ca.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        (ca.pem(), TlsFiles { certificate: cert.pem(), key: key.serialize_pem() })
    }

    #[test]
    fn an_address_asking_for_tls_gets_it_checked_and_an_untrusted_server_is_refused() {
        if Throwaway::shared().is_none() {
            return; // no binaries: said once, loudly
        }
        let (ca, files) = certificates();
        let server = Throwaway::start_tls(&files).expect("a server speaking TLS");
        let dir = tempfile::tempdir().unwrap();
        let (trusted, stranger) = (dir.path().join("ca.pem"), dir.path().join("other.pem"));
        std::fs::write(&trusted, ca).unwrap();
        std::fs::write(&stranger, certificates().0).unwrap();
        let over_tls = server.tls_address("postgres").unwrap();
        let open = |address: String| Store::open(Path::new(&address), crate::store::Workload::Brief);
        let store = open(format!("{over_tls}&sslrootcert={}", trusted.display())).expect("open over TLS");
        assert_eq!(store.read().unwrap().count(Kind::Contact).unwrap(), 0);
        // The file may be written percent-encoded, as other parameters may.
        let encoded = trusted.display().to_string().replace('/', "%2F");
        assert!(open(format!("{over_tls}&sslrootcert={encoded}")).is_ok());
        // libpq's verify-full reads as require: rolo checks the certificate either way.
        let verify_full = over_tls.replace("sslmode=require", "sslmode=verify-full");
        assert!(open(format!("{verify_full}&sslrootcert={}", trusted.display())).is_ok());
        // The server takes TCP only with TLS, so the store above spoke it.
        let plain = open(over_tls.replace("sslmode=require", "sslmode=disable")).err().expect("refused").to_string();
        assert!(plain.contains("no pg_hba.conf entry") && plain.contains("no encryption"), "{plain}");
        // A server whose certificate no trusted authority signed is not spoken to.
        let e = open(format!("{over_tls}&sslrootcert={}", stranger.display())).err().expect("refused").to_string();
        assert!(e.contains("cannot reach the database") && e.contains("certificate"), "{e}");
        let e = open(over_tls.clone()).err().expect("the system does not trust the test authority").to_string();
        assert!(e.contains("certificate") || e.contains("trusts no certificates"), "{e}");
        let e = open(format!("{over_tls}&sslrootcert={}", dir.path().join("none.pem").display()))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("none.pem cannot be read") && e.contains("PEM"), "{e}");
        let e = open(format!("{}&sslrootcert={}", server.address("postgres"), trusted.display()));
        assert!(e.err().unwrap().to_string().contains("without sslmode=require"));
    }

    #[test]
    fn many_small_index_ranges_read_as_many_scans_would_in_the_order_given() {
        let Some((store, _)) = store() else { return };
        let keys: Vec<Vec<u8>> = (0u16..3000).map(|i| vec![9, (i >> 8) as u8, i as u8, 1]).collect();
        let w = store.write().unwrap();
        w.tables().unwrap().raw.add_keys(&keys.iter().collect()).unwrap();
        w.commit().unwrap();
        let r = store.read().unwrap();
        // Every third key's range, last first, over more than one batch; one range finds none.
        let mut ranges: Vec<(Vec<u8>, Vec<u8>)> =
            keys.iter().step_by(3).rev().map(|k| (k[..3].to_vec(), vec![k[0], k[1], k[2], 2])).collect();
        ranges.push((vec![8], vec![8, 1]));
        let (mut one_by_one, mut at_once) = (Vec::new(), Vec::new());
        for (from, to) in &ranges {
            r.scan_index(from, to, false, &mut |k| {
                one_by_one.push(k.to_vec());
                true
            })
            .unwrap();
        }
        r.scan_index_ranges(&ranges, &mut |k| {
            at_once.push(k.to_vec());
            true
        })
        .unwrap();
        assert_eq!(at_once.len(), 1000);
        assert_eq!(at_once, one_by_one);
        let mut first = Vec::new();
        r.scan_index_ranges(&ranges, &mut |k| {
            first.push(k.to_vec());
            false
        })
        .unwrap();
        assert_eq!(first, [keys[2997].clone()], "stops when told");
    }

    #[test]
    fn a_writer_without_its_turn_row_is_refused_saying_how_to_mend_it() {
        let Some((store, mut admin)) = store() else { return };
        admin.batch_execute("DELETE FROM rolo_writer").unwrap();
        let e = store.write().err().expect("refused").to_string();
        assert!(e.contains("rolo_writer row is missing") && e.contains("INSERT INTO rolo_writer"), "{e}");
    }
}
