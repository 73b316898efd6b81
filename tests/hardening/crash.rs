//! A rolo killed (SIGKILL) in the middle of an import or a demo leaves all of it or none of it,
//! and the file checks clean. The fast slice kills at a few points; the `#[ignore]`d run kills
//! at many (`cargo test --test hardening -- --ignored crash`).

use std::path::Path;
use std::time::Duration;

use rolo::model::Kind;

use super::rolo;

/// Records of every kind but the stages (which a new file is given).
fn held(db: &Path) -> u64 {
    let crm = super::common::open_as_tester(db);
    Kind::ALL.iter().filter(|k| **k != Kind::Stage).map(|&k| crm.count(k).unwrap()).sum()
}

/// Runs `args` over a new file, kills it after `after`, checks the file, and returns it with
/// the records it holds.
fn killed(dir: &Path, name: &str, args: &[&str], after: Duration) -> (std::path::PathBuf, u64) {
    let db = dir.join(name);
    let mut child =
        rolo(&db, args).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
    let count = held(&db);
    let check = rolo(&db, &["check"]).output().unwrap();
    assert!(check.status.success(), "{name}: check after a kill: {}", String::from_utf8_lossy(&check.stderr));
    (db, count)
}

/// Kills a demo and an import at each of `delays` (milliseconds) and checks all-or-nothing.
fn kill_at(delays: &[u64]) {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.redb");
    assert!(rolo(&whole, &["demo", "--contacts", "1500"]).output().unwrap().status.success());
    let full_demo = held(&whole);
    let csv = dir.path().join("people.csv");
    let rows: String = (0..4_000).map(|i| format!("A{i},L{i},a{i}@x.example\n")).collect();
    std::fs::write(&csv, format!("First Name,Last Name,Email\n{rows}")).unwrap();
    for (n, &ms) in delays.iter().enumerate() {
        let after = Duration::from_millis(ms);
        let (db, count) = killed(dir.path(), &format!("demo{n}.redb"), &["demo", "--contacts", "1500"], after);
        assert!(count == 0 || count == full_demo, "a demo killed after {ms} ms left {count} of {full_demo} records");
        if count == 0 {
            let again = rolo(&db, &["demo", "--contacts", "10"]).output().unwrap();
            assert!(again.status.success(), "a new demo after a kill: {}", String::from_utf8_lossy(&again.stderr));
        }
        let args = ["import", "contact", csv.to_str().unwrap()];
        let (_, count) = killed(dir.path(), &format!("import{n}.redb"), &args, after);
        assert!(count == 0 || count == 4_000, "an import killed after {ms} ms left {count} contacts");
    }
}

#[test]
fn a_killed_demo_or_import_leaves_all_or_nothing() {
    kill_at(&[150, 700]);
}

#[test]
#[ignore = "a long run: a hundred kills"]
fn crash_many_kill_points() {
    kill_at(&(0..100).map(|i| 20 + i * 25).collect::<Vec<_>>());
}
