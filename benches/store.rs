//! Storage figures: one durable single-record commit (median, p99), a bulk load of N contacts, a
//! full decode scan of them, the search index's load and one search, for each backend: a file,
//! then a database on a throwaway PostgreSQL server made from the machine's binaries (skipped,
//! saying so, where they are missing; that server runs without fsync, so its commit figures are
//! the round trips and the server's work, not a disk's). `ROLO_BENCH_N` sets N (default
//! 1,000,000); `ROLO_BENCH_ONLY=file|postgres` runs one backend.
//!
//! Run with `cargo bench --bench store`. Prints one line per figure.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rolo::crm::Crm;
use rolo::model::{Account, Contact, Email, Phone};

fn main() {
    let n: u32 = std::env::var("ROLO_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let only = std::env::var("ROLO_BENCH_ONLY").unwrap_or_default();
    let dir = tempfile::tempdir().expect("temp dir");
    if only != "postgres" {
        println!("-- file");
        figures(n, dir.path().join("commits.redb"), dir.path().join("bulk.redb"));
    }
    if only != "file" {
        match rolo::store::Throwaway::shared() {
            Some(server) => {
                println!("-- postgres (throwaway server, local socket, fsync off)");
                let db = || PathBuf::from(server.new_database().expect("a database"));
                figures(n, db(), db());
            }
            None => println!("-- postgres: skipped (no PostgreSQL binaries)"),
        }
    }
}

/// The figures of one backend: commits into the database `commits`, the rest into `bulk`.
fn figures(n: u32, commits: PathBuf, bulk: PathBuf) {
    // Single-record commits: each create is its own durable transaction.
    let crm = Crm::open(&commits).expect("open");
    let account = crm.create(Account { name: "Bench Ltd".into(), ..Default::default() }).expect("account").id;
    let mut times: Vec<Duration> = (0..2_000)
        .map(|i| {
            let start = Instant::now();
            crm.create(contact(i, account)).expect("create");
            start.elapsed()
        })
        .collect();
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!("single-record commit: median {:?}, p99 {:?} ({} commits)", pct(0.5), pct(0.99), times.len());
    drop(crm);

    // Bulk load: N contacts through the same service path as `rolo demo`, in large transactions.
    let crm = Crm::open(&bulk).expect("open");
    let account = crm.create(Account { name: "Bench Ltd".into(), ..Default::default() }).expect("account").id;
    let start = Instant::now();
    let batch = 250_000;
    for first in (0..n).step_by(batch as usize) {
        crm.write_bulk("bench", |tx| {
            for i in first..(first + batch).min(n) {
                tx.create(contact(i, account))?;
            }
            Ok(())
        })
        .expect("bulk write");
    }
    let load = start.elapsed();
    println!("bulk load of {n} contacts: {load:.2?} ({:.0} contacts/s)", n as f64 / load.as_secs_f64());

    // Full decode scan.
    let start = Instant::now();
    let all = crm.list::<Contact>(|_| true).expect("scan");
    let scan = start.elapsed();
    assert_eq!(all.len(), n as usize);
    println!("decode scan of {n} contacts: {scan:.2?} ({:.0} ns/contact)", scan.as_nanos() as f64 / n as f64);

    // Search index load (from the key table) and one query.
    let start = Instant::now();
    crm.load_search().expect("search index");
    println!("search index load: {:.2?}", start.elapsed());
    let start = Instant::now();
    let hits = crm.search("pat jones", &[], 20).expect("search");
    println!("search 'pat jones': {:.2?} ({} hits)", start.elapsed(), hits.len());
    if let Ok(meta) = std::fs::metadata(&bulk) {
        println!("file size: {} MB", meta.len() / 1_000_000);
    }
}

const FIRST: [&str; 8] = ["Patricia", "James", "Zoë", "Wei", "Priya", "Lukas", "Sofía", "Aiko"];
const LAST: [&str; 8] = ["Jones", "Smith", "Müller", "Chen", "Patel", "Rossi", "Sato", "García"];

fn contact(i: u32, account: u64) -> Contact {
    let (f, l) = (FIRST[i as usize % 8], LAST[(i as usize / 8) % 8]);
    Contact {
        first_name: f.into(),
        last_name: l.into(),
        account: Some(account),
        emails: vec![Email::new(format!("c{i}@aperture{}.example.com", i % 97))],
        phones: vec![Phone::new(format!("+1 555 {:07}", i))],
        ..Default::default()
    }
}
