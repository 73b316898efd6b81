//! Bulk writes against SQLite, in the same run: a CSV of N contacts written by rolo's own
//! exporter, imported by `rolo import contact` (duplicate checks on, the default) and by
//! `sqlite3 .import` plus an index on the email column; then `rolo demo --contacts N` (the
//! median of `ROLO_BENCH_DEMO_RUNS` runs, 3 by default, and the highest peak) and `rolo check`
//! on it. Each side runs as a child process; its wall time and peak memory (the
//! child's maximum resident set) and the file it wrote (its length, and the blocks it takes on
//! disk: redb leaves the end of a file it grew unwritten) are printed, with the ratios. Each
//! starts after a `sync`, so that none is slowed by the writing back of the one before's file.
//!
//! The same import, `rolo migrate` of the demo and `rolo check` run against a database on a
//! throwaway PostgreSQL server made from the machine's binaries too (its size is the tables'
//! with their indexes; the server's memory is not the child's): the second column of the file's
//! figures. That server runs without fsync. It goes on writing out what it was given for a while
//! after each step, which would slow whatever ran beside it: it is started after the file's side
//! has run, and each of its steps is followed by a checkpoint, waited for.
//!
//! `cargo bench --bench import`; `ROLO_BENCH_N` sets N (default 1,000,000). Without `sqlite3` on
//! the PATH its side is skipped with a message, and so is PostgreSQL's without its binaries
//! (`ROLO_BENCH_BACKENDS=file` skips it too). With `ROLO_BENCH_CSV=FILE` it only writes the CSV
//! to FILE and keeps it, for profiling one side by hand.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rolo::model::{Address, Consent, Contact, Date, Email, Phone, Validity};

/// What one child process took.
struct Run {
    wall: Duration,
    peak_mb: f64,
}

fn main() {
    let n: u32 = std::env::var("ROLO_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    if let Some(kept) = std::env::var_os("ROLO_BENCH_CSV") {
        let written = write_csv(Path::new(&kept), n);
        println!("csv: {written} contacts written to {}", Path::new(&kept).display());
        return;
    }
    let csv = dir.path().join("contacts.csv");
    let start = Instant::now();
    let written = write_csv(&csv, n);
    let mb = |p: &Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
    // What the file takes on disk: redb grows a file by doubling it, and the part not yet
    // written to is a hole in it (sparse), which `ls` counts and the disk does not.
    let disk_mb = |p: &Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).map_or(0.0, |m| (m.blocks() * 512) as f64 / 1e6)
    };
    println!("csv: {n} contacts, {:.0} MB, written in {:.1?} by rolo's exporter", mb(&csv), start.elapsed());
    assert_eq!(written, n as usize);

    let rolo = env!("CARGO_BIN_EXE_rolo");
    let db = dir.path().join("import.redb");
    let import = run(Command::new(rolo).arg("--db").arg(&db).args(["import", "contact"]).arg(&csv));
    let import_mb = mb(&db);
    println!(
        "rolo import:    {:>7.1?}  peak {:>6.0} MB  file {import_mb:>6.0} MB ({:.0} MB on disk)",
        import.wall,
        import.peak_mb,
        disk_mb(&db)
    );

    let lite = dir.path().join("import.sqlite");
    match which("sqlite3") {
        Some(sqlite) => {
            let sql = run(Command::new(sqlite).arg(&lite).args([
                "-cmd",
                ".mode csv",
                &format!(".import {} contacts", csv.display()),
                "CREATE INDEX contacts_email ON contacts(\"E-mail 1 - Value\");",
            ]));
            println!(
                "sqlite3 import: {:>7.1?}  peak {:>6.0} MB  file {:>6.0} MB ({:.0} MB on disk)",
                sql.wall,
                sql.peak_mb,
                mb(&lite),
                disk_mb(&lite)
            );
            println!(
                "ratios (rolo / sqlite): time {:.2}x (target 2x), file {:.2}x, on disk {:.2}x (target 1.5x); rolo peak {:.0} MB (target 300)",
                import.wall.as_secs_f64() / sql.wall.as_secs_f64(),
                mb(&db) / mb(&lite).max(f64::MIN_POSITIVE),
                disk_mb(&db) / disk_mb(&lite).max(f64::MIN_POSITIVE),
                import.peak_mb
            );
        }
        None => println!("sqlite3 is not on the PATH: its side is skipped"),
    }
    std::fs::remove_file(&db).ok();
    let demo_db = dir.path().join("demo.redb");
    // The demo's time swings with the machine's load more than the import's: the median of a
    // few runs, each into a new file, with every run's time printed.
    let runs = std::env::var("ROLO_BENCH_DEMO_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(3usize).max(1);
    let demos: Vec<Run> = (0..runs)
        .map(|_| {
            std::fs::remove_file(&demo_db).ok();
            run(Command::new(rolo).arg("--db").arg(&demo_db).args(["demo", "--contacts", &n.to_string()]))
        })
        .collect();
    let mut walls: Vec<_> = demos.iter().map(|d| d.wall).collect();
    walls.sort();
    let each: Vec<String> = demos.iter().map(|d| format!("{:.1?}", d.wall)).collect();
    println!(
        "rolo demo:      {:>7.1?}  peak {:>6.0} MB  file {:>6.0} MB ({:.0} MB on disk) (median of {runs}: {}; targets 20 s, 500 MB)",
        walls[runs / 2],
        demos.iter().map(|d| d.peak_mb).fold(0.0, f64::max),
        mb(&demo_db),
        disk_mb(&demo_db),
        each.join(", ")
    );
    let check = run(Command::new(rolo).arg("--db").arg(&demo_db).arg("check"));
    println!("rolo check:     {:>7.1?}  peak {:>6.0} MB (targets 30 s, 500 MB)", check.wall, check.peak_mb);
    let server = match std::env::var("ROLO_BENCH_BACKENDS").is_ok_and(|b| !b.contains("postgres")) {
        true => None,
        false => rolo::store::Throwaway::shared(),
    };
    if server.is_none() {
        println!("PostgreSQL's side is skipped (no PostgreSQL binaries, or ROLO_BENCH_BACKENDS)");
    }
    if let Some(server) = server {
        let address = server.new_database().expect("a database");
        let pg = run(Command::new(rolo).args(["--db", &address, "import", "contact"]).arg(&csv));
        let size = pg_mb(&address);
        settle(&address);
        println!("rolo import pg: {:>7.1?}  peak {:>6.0} MB  tables {size:>5.0} MB", pg.wall, pg.peak_mb);
        println!(
            "ratios (PostgreSQL / file): time {:.2}x, size {:.2}x",
            pg.wall.as_secs_f64() / import.wall.as_secs_f64(),
            size / import_mb.max(f64::MIN_POSITIVE)
        );
        let address = server.new_database().expect("a database");
        let moved = run(Command::new(rolo).arg("--db").arg(&demo_db).args(["migrate", "--to", &address]));
        println!(
            "migrate to pg:  {:>7.1?}  peak {:>6.0} MB  tables {:>5.0} MB",
            moved.wall,
            moved.peak_mb,
            pg_mb(&address)
        );
        settle(&address);
        let check = run(Command::new(rolo).args(["--db", &address, "check"]));
        println!("rolo check pg:  {:>7.1?}  peak {:>6.0} MB", check.wall, check.peak_mb);
    }
}

/// Waits for the PostgreSQL server at `address` to write out what it was given, so that the next
/// step is timed on a quiet machine.
fn settle(address: &str) {
    let mut client = postgres::Client::connect(address, postgres::NoTls).expect("connect");
    client.batch_execute("CHECKPOINT").expect("a checkpoint");
}

/// The size of rolo's tables (with their indexes) in the PostgreSQL database at `address`, in MB.
fn pg_mb(address: &str) -> f64 {
    let mut client = postgres::Client::connect(address, postgres::NoTls).expect("connect");
    let row = client
        .query_one(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'",
            &[],
        )
        .expect("the tables' size");
    row.get::<_, i64>(0) as f64 / 1e6
}

/// Runs `cmd` to its end, which must succeed, with its output discarded.
// The child is reaped by `wait4`, which also gives its own peak memory; `Child::wait` cannot.
#[allow(clippy::zombie_processes)]
fn run(cmd: &mut Command) -> Run {
    use std::process::Stdio;
    // Each command starts on a settled disk: the writing back of what the one before wrote (a
    // demo writes a gigabyte) is not charged to the next, on either side.
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    let start = Instant::now();
    let child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start the child");
    let pid = child.id() as libc::pid_t;
    // The child's own resource use, from the kernel as it is reaped.
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(reaped, pid, "wait4");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !ok {
        let mut err = String::new();
        if let Some(mut e) = child.stderr {
            std::io::Read::read_to_string(&mut e, &mut err).ok();
        }
        panic!("{cmd:?} failed: {err}");
    }
    // ru_maxrss is in KiB on Linux.
    Run { wall, peak_mb: usage.ru_maxrss as f64 / 1024.0 }
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

const FIRST: [&str; 24] = [
    "Ann", "Bob", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hugo", "Ines", "Jun", "Kofi", "Lena", "Mateo", "Nadia",
    "Oscar", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Uma", "Viktor", "Wen", "Zoë",
];
const LAST: [&str; 20] = [
    "Lee", "Stone", "Martin", "Novak", "García", "Okafor", "Schmidt", "Rossi", "Tanaka", "Dubois", "Kowalski",
    "Nakamura", "Silva", "Jensen", "O'Brien", "Müller", "Haddad", "Larsen", "Costa", "Ivanova",
];
const CITIES: [(&str, &str); 8] = [
    ("Paris", "France"),
    ("Berlin", "Germany"),
    ("Austin", "United States"),
    ("Osaka", "Japan"),
    ("Lagos", "Nigeria"),
    ("Lima", "Peru"),
    ("Oslo", "Norway"),
    ("Pune", "India"),
];

/// Writes `n` contacts at `n / 4` companies as `rolo export contact` would, by its exporter.
fn write_csv(path: &Path, n: u32) -> usize {
    let accounts = (n / 4).max(1);
    let companies: HashMap<u64, String> = (1..=u64::from(accounts)).map(|i| (i, format!("Company {i} Ltd"))).collect();
    let notes = HashMap::new();
    let file = std::io::BufWriter::new(std::fs::File::create(path).expect("csv file"));
    // In slices, so the bench holds only a slice of contacts at a time.
    let mut sheet_rows = 0;
    let mut out = file;
    let slice = 50_000;
    for from in (0..n).step_by(slice) {
        let contacts: Vec<Contact> = (from..(from + slice as u32).min(n)).map(|i| contact(i, accounts)).collect();
        let mut bytes = Vec::new();
        sheet_rows += rolo::export::contacts_csv(&contacts, &companies, &notes, &mut bytes).expect("export");
        // Every slice starts with the header line: keep the first one only.
        let body =
            if from == 0 { &bytes[..] } else { &bytes[bytes.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1)..] };
        std::io::Write::write_all(&mut out, body).expect("write csv");
    }
    sheet_rows
}

fn contact(i: u32, accounts: u32) -> Contact {
    let (first, last) = (FIRST[i as usize % FIRST.len()], LAST[(i as usize / 7) % LAST.len()]);
    let (city, country) = CITIES[i as usize % CITIES.len()];
    let local: String =
        format!("{first}.{last}.{i}").to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
    let mut email = Email::new(format!("{local}@example.com"));
    email.consent = Consent::ALL[i as usize % Consent::ALL.len()];
    email.validity = Validity::ALL[(i as usize / 3) % Validity::ALL.len()];
    Contact {
        first_name: first.into(),
        last_name: last.into(),
        title: i.is_multiple_of(3).then(|| "Buyer".into()),
        account: Some(u64::from(i % accounts) + 1),
        emails: vec![email],
        phones: vec![Phone::new(format!(
            "+33 1 {:02} {:02} {:02} {:02}",
            i % 100,
            i / 100 % 100,
            i / 10_000 % 100,
            i % 97
        ))],
        addresses: vec![Address { city: Some(city.into()), country: Some(country.into()), ..Default::default() }],
        birthday: i.is_multiple_of(3).then(|| Date::from_ymd(1960 + (i % 40) as i32, 1 + i % 12, 1 + i % 28)).flatten(),
        tags: if i.is_multiple_of(12) { vec!["vip".into()] } else { Vec::new() },
        ..Default::default()
    }
}
