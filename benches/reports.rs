//! Report figures: how long each report of `rolo report NAME` (and the Reports screen) takes to
//! compute with its default period, median and slowest of several runs.
//!
//! `ROLO_BENCH_DB` names an existing database to measure (a file or a `postgres://` address; it
//! is opened, so it must not be in use, and it is upgraded if an older rolo wrote it). Without it,
//! a demo database of `ROLO_BENCH_N` contacts (default 1,000,000; every other kind scales with it,
//! see `rolo demo`) is made in a temporary folder and measured, then copied (`rolo migrate`) to a
//! database on a throwaway PostgreSQL server made from the machine's binaries and measured there
//! too (skipped, saying so, where they are missing; `ROLO_BENCH_BACKENDS=file` skips it).
//! `ROLO_BENCH_RUNS` sets the runs per report (default 7); `ROLO_BENCH_ONLY` (e.g. `calls,tasks`)
//! measures only those reports.
//!
//! Run with `cargo bench --bench reports`. Prints one line per report and backend.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rolo::crm::{Crm, ForecastQuery, ReportQuery, Session};
use rolo::model::Kind;

fn main() {
    let runs: usize = std::env::var("ROLO_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(7).max(1);
    let dir = tempfile::tempdir().expect("temp dir");
    if let Some(given) = std::env::var_os("ROLO_BENCH_DB") {
        measure(Path::new(&given), runs);
        return;
    }
    let n: u32 = std::env::var("ROLO_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let path = dir.path().join("reports.redb");
    let crm = Crm::open(&path).expect("open");
    let start = Instant::now();
    rolo::demo::fill(&crm, &rolo::demo::DemoSize::for_contacts(n), 1, false, &mut || {}).expect("demo data");
    println!("demo data of {n} contacts made in {:.1?}", start.elapsed());
    drop(crm);
    println!("-- file");
    measure(&path, runs);
    if std::env::var("ROLO_BENCH_BACKENDS").is_ok_and(|b| !b.contains("postgres")) {
        return;
    }
    let Some(server) = rolo::store::Throwaway::shared() else {
        println!("-- postgres: skipped (no PostgreSQL binaries)");
        return;
    };
    let address = PathBuf::from(server.new_database().expect("a database"));
    // The demo's first user is its admin, who may copy it all.
    let crm = Crm::open(&path).expect("open");
    let admin = crm.directory().expect("directory").users.first().expect("a demo user").login.clone();
    let start = Instant::now();
    let copied = crm.with_session(Session::new(&admin)).migrate_to(&address).expect("migrate");
    let records: u64 = copied.records.values().sum();
    println!(
        "-- postgres (throwaway server, local socket, fsync off): migrated {records} records in {:.1?}",
        start.elapsed()
    );
    drop(crm);
    measure(&address, runs);
}

/// Opens the database at `path` and times each report on it.
fn measure(path: &Path, runs: usize) {
    let start = Instant::now();
    let crm = Crm::open(path).expect("open");
    println!("opened {} in {:.2?}", path.display(), start.elapsed());
    let sizes: Vec<String> = [Kind::Contact, Kind::Account, Kind::Opportunity, Kind::Call, Kind::Task, Kind::Lead]
        .iter()
        .map(|&k| format!("{} {}", crm.count(k).expect("count"), k.plural()))
        .collect();
    println!("{}", sizes.join(", "));
    let q = ReportQuery::default();
    type Run<'a> = Box<dyn Fn() -> String + 'a>;
    let reports: Vec<(&str, Run)> = vec![
        (
            "forecast",
            Box::new(|| {
                let f = crm.forecast(ForecastQuery::default()).expect("forecast");
                format!("{} to {}", f.from, f.to)
            }),
        ),
        ("stages", Box::new(|| period(crm.stages_report(q).expect("stages").from, None))),
        (
            "tasks",
            Box::new(|| {
                let r = crm.tasks_report(q).expect("tasks");
                format!("{} to {}", r.from, r.to)
            }),
        ),
        (
            "calls",
            Box::new(|| {
                let r = crm.calls_report(q).expect("calls");
                format!("{} to {} ({} calls)", r.from, r.to, r.calls)
            }),
        ),
        ("projects", Box::new(|| period(crm.projects_report(q).expect("projects").from, None))),
        ("emails", Box::new(|| period(crm.emails_report(q, None).expect("emails").from, None))),
        (
            "campaigns",
            Box::new(|| format!("every campaign ({})", crm.campaigns_report(q).expect("campaigns").campaigns.len())),
        ),
        (
            "activity",
            Box::new(|| {
                let r = crm.activity_report(q).expect("activity");
                format!("{} to {}", r.from, r.to)
            }),
        ),
        (
            "cases",
            Box::new(|| {
                let r = crm.cases_report(q).expect("cases");
                format!("{} to {}", r.from, r.to)
            }),
        ),
        (
            "customers",
            Box::new(|| {
                let r = crm.customers_report(q, 90).expect("customers");
                format!("{} ({} customers)", period(r.from, r.to), r.customers.len())
            }),
        ),
        (
            "competitors",
            Box::new(|| {
                let r = crm.competitors_report(q).expect("competitors");
                format!("{} ({} competitors)", period(r.from, r.to), r.competitors.len())
            }),
        ),
        (
            "quotas",
            Box::new(|| {
                let r = crm.quotas_report(q).expect("quotas");
                format!("{} to {} ({} quotas)", r.from, r.to, r.quotas.len())
            }),
        ),
        (
            "products",
            Box::new(|| {
                let r = crm.products_report(q).expect("products");
                format!("{} ({} products)", period(r.from, r.to), r.products.len())
            }),
        ),
        (
            "day",
            Box::new(|| {
                let today = crm.session().today();
                let people = crm.working_day(today, rolo::crm::Whose::Team).expect("day");
                format!("{today}, each of {} people", people.len())
            }),
        ),
        (
            "network",
            Box::new(|| {
                let net = crm.project_network(1).expect("project 1");
                format!("project 1's {} tasks", net.steps.len())
            }),
        ),
    ];
    let only = std::env::var("ROLO_BENCH_ONLY").unwrap_or_default();
    for (name, run) in reports.into_iter().filter(|(n, _)| only.is_empty() || only.split(',').any(|o| o == *n)) {
        let mut said = String::new();
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                said = run();
                start.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "report {name:<11} median {:>9.1?}  slowest {:>9.1?}  ({runs} runs; period {said})",
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}

/// A period with open ends in words.
fn period(from: Option<rolo::model::Date>, to: Option<rolo::model::Date>) -> String {
    match (from, to) {
        (None, None) => "all".to_string(),
        (from, to) => format!(
            "{} to {}",
            from.map_or("start".into(), |d| d.to_string()),
            to.map_or("end".into(), |d| d.to_string())
        ),
    }
}
