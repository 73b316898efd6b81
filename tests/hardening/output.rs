//! Output that cannot be written: the exit code says what happened to the data. A write that
//! committed exits 0 (a retrying script would make a duplicate), a listing whose output was lost
//! exits 1 on one line, and an unwritable stderr never aborts rolo.

use std::fs::File;
use std::process::Stdio;

use super::{fingerprint, populated, rolo};

/// One command of every family, and whether it changes the data.
const COMMANDS: &[(&str, bool)] = &[
    ("account add --name Zed", true),
    ("account list", false),
    ("contact add --first Ann --last Lee", true),
    ("contact show 1", false),
    ("contact duplicates", false),
    ("lead add --first Bob --last Stone", true),
    ("lead list", false),
    ("opp add --name Pilot --account 1 --amount 10 --close-date 2027-01-01", true),
    ("opp list", false),
    ("stage add Pilot", true),
    ("stage list", false),
    ("source add Fair", true),
    ("source list", false),
    ("product add --name Kit --price 5", true),
    ("product list", false),
    ("quote show 1", false),
    ("task add --title Ring", true),
    ("task list", false),
    ("task done 1", true),
    ("call log --contact 1 --duration 5m", true),
    ("call list", false),
    ("event list", false),
    ("agenda --days 7", false),
    ("project add --name Move --due 2027-02-01", true),
    ("project list", false),
    ("campaign add --name Fair", true),
    ("campaign list", false),
    ("list add --name Friends", true),
    ("list list", false),
    ("note add --to contact:1 Hello", true),
    ("note list", false),
    ("timeline contact:1", false),
    ("search zoe", false),
    ("report stages", false),
    ("report stages --csv", false),
    ("report forecast --csv", false),
    ("export contact --format csv", false),
    ("export account --format json", false),
    ("check", false),
];

fn full() -> Stdio {
    Stdio::from(File::options().write(true).open("/dev/full").expect("/dev/full"))
}

#[test]
fn exit_codes_say_whether_the_data_changed_when_stdout_is_full() {
    for json in [false, true] {
        let (_dir, db) = populated();
        for (line, writes) in COMMANDS {
            let mut args: Vec<&str> = line.split(' ').collect();
            if json && !line.contains("--csv") && !line.contains("--format") {
                args.insert(0, "--json");
            }
            let before = fingerprint(&db);
            let out = rolo(&db, &args).stdout(full()).output().expect("rolo runs");
            let changed = fingerprint(&db) != before;
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(changed, *writes, "{line}: data changed? {stderr}");
            assert_eq!(out.status.code(), Some(if *writes { 0 } else { 1 }), "{line} (json {json}): {stderr}");
            assert!(!stderr.contains("internal fault"), "{line}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{line}: one line says what happened: {stderr}");
            let said = if *writes { "note: saved" } else { "error: the output could not be written" };
            assert!(stderr.starts_with(said), "{line}: {stderr}");
        }
    }
}

#[test]
fn a_full_stderr_never_aborts() {
    let (_dir, db) = populated();
    let failing = ["contact show 999", "account add --name ''", "report nothing"];
    for line in COMMANDS.iter().map(|(l, _)| *l).chain(failing) {
        let args: Vec<&str> = line.split(' ').map(|w| if w == "''" { "" } else { w }).collect();
        let out = rolo(&db, &args).stdout(full()).stderr(full()).output().expect("rolo runs");
        let code = out.status.code();
        assert!(matches!(code, Some(0..=2)), "{line}: ended by a signal or an odd code: {:?}", out.status);
    }
    let out = rolo(&db, &["contact", "show", "999"]).stderr(full()).output().expect("rolo runs");
    assert_eq!(out.status.code(), Some(1), "a failure still exits 1 when it cannot be said");
}

#[test]
fn files_written_and_imports_count_as_saved_when_stdout_is_full() {
    let (dir, db) = populated();
    let copy = dir.path().join("copy.redb");
    let csv = dir.path().join("out.csv");
    let people = dir.path().join("people.csv");
    std::fs::write(&people, "First Name,Last Name\nNew,Person\n").unwrap();
    let lines: [&[&str]; 4] = [
        &["backup", copy.to_str().unwrap()],
        &["export", "contact", "--out", csv.to_str().unwrap()],
        &["import", "contact", people.to_str().unwrap()],
        &["demo", "--contacts", "5", "--force"],
    ];
    for args in lines {
        let out = rolo(&db, args).stdout(full()).output().expect("rolo runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{}: {stderr}", args[0]);
        assert!(stderr.starts_with("note: saved"), "{}: {stderr}", args[0]);
    }
    assert!(copy.exists() && csv.exists());
}
