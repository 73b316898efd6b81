//! `cli::invoke`: one command line run in this process with its own streams and file policy, as
//! a server runs its clients' commands: the same output, JSON and exit codes as the binary, and
//! files named on the command line handled as the policy says.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::PathBuf;

use rolo::cli::files::{Files, Given};
use rolo::cli::stdio::Captured;
use rolo::cli::{Io, invoke};
use rolo::crm::{Crm, Session};

use super::Line;

/// What one command gave: exit code, stdout, stderr.
struct Ran {
    code: u8,
    out: String,
    err: String,
}

/// Runs `line` for `crm` under `files`, with `stdin` as its stdin.
fn call(crm: &Crm, files: Files, stdin: &str, line: impl Line) -> Ran {
    let (out, err) = (Captured::default(), Captured::default());
    let io =
        Io::new(Box::new(Cursor::new(stdin.as_bytes().to_vec())), Box::new(out.clone()), Box::new(err.clone()), files);
    let args: Vec<String> = std::iter::once("rolo".to_string()).chain(line.words()).collect();
    let code = invoke(crm, &args, io).code;
    let text = |c: &Captured| String::from_utf8(c.take()).expect("UTF-8 output");
    Ran { code, out: text(&out), err: text(&err) }
}

/// A fresh database, acting as its admin `tester`.
fn tester() -> (tempfile::TempDir, Crm) {
    let (dir, crm) = super::common::fresh();
    (dir, crm.with_session(Session::new("tester")))
}

const CSV: &str = "first,last,email\nAnn,Lee,ann@example.com\nBob,Ray,bob@example.com\n";

#[test]
fn a_command_prints_to_its_own_streams_as_the_binary_does() {
    let (_dir, crm) = tester();
    let made = call(&crm, Files::Local, "", "account add --name Acme");
    assert_eq!((made.code, made.err.as_str()), (0, ""));
    assert!(made.out.starts_with("created account 1: Acme"), "{}", made.out);
    let listed = call(&crm, Files::Local, "", "--json account list");
    let v: serde_json::Value = serde_json::from_str(&listed.out).expect("JSON on stdout");
    assert_eq!(v[0]["name"], "Acme");
    assert_eq!(listed.code, 0);
}

#[test]
fn failures_and_usage_errors_give_the_binarys_exit_codes_and_lines() {
    let (_dir, crm) = tester();
    let missing = call(&crm, Files::Local, "", "contact show 999");
    assert_eq!((missing.code, missing.out.as_str()), (1, ""));
    assert!(missing.err.starts_with("error: no contact 999") && missing.err.lines().count() == 1, "{}", missing.err);
    let usage = call(&crm, Files::Local, "", "contact frobnicate");
    assert_eq!(usage.code, 2);
    assert!(usage.err.starts_with("error: unrecognized subcommand 'frobnicate'"), "{}", usage.err);
    let none = call(&crm, Files::Remote, "", "");
    assert_eq!((none.code, none.err.as_str()), (2, "error: a command is missing here (see the list with --help)\n"));
    let help = call(&crm, Files::Remote, "", "account --help");
    assert_eq!(help.code, 0);
    assert!(help.out.contains("Usage: rolo account"), "{}", help.out);
}

#[test]
fn commands_on_many_threads_each_print_to_their_own_caller() {
    let (_dir, crm) = tester();
    let runs: Vec<Ran> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let crm = crm.clone();
                s.spawn(move || call(&crm, Files::Remote, "", format!("account add --name Firm{i}")))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("no panic")).collect()
    });
    for (i, ran) in runs.iter().enumerate() {
        assert_eq!(ran.code, 0);
        assert_eq!(ran.out.lines().filter(|l| l.starts_with("created account")).count(), 1, "{}", ran.out);
        assert!(ran.out.contains(&format!("Firm{i}")), "{}", ran.out);
    }
}

#[test]
fn over_ssh_file_arguments_are_refused_and_nothing_is_written() {
    let (dir, crm) = tester();
    let file = dir.path().join("people.csv");
    std::fs::write(&file, CSV).expect("write fixture");
    let import = call(&crm, Files::Remote, "", ["import", "contacts", file.to_str().expect("path")]);
    assert_eq!(import.code, 1);
    assert!(import.err.contains("over SSH, files on the server are not read or written"), "{}", import.err);
    assert!(import.err.contains("import contacts -"), "{}", import.err);
    let out = dir.path().join("out.csv");
    let export = call(&crm, Files::Remote, "", ["export", "contacts", "--out", out.to_str().expect("path")]);
    assert_eq!(export.code, 1);
    assert!(!out.exists(), "an export over SSH wrote on the server's disk");
    let copy = dir.path().join("copy.redb");
    let backup = call(&crm, Files::Remote, "", ["backup", copy.to_str().expect("path")]);
    assert_eq!(backup.code, 1);
    assert!(!copy.exists(), "a backup over SSH wrote on the server's disk");
    assert_eq!(call(&crm, Files::Remote, "", "--json contact list").out.trim(), "[]");
}

#[test]
fn over_ssh_an_import_reads_stdin_and_an_export_writes_stdout() {
    let (_dir, crm) = tester();
    let import = call(&crm, Files::Remote, CSV, "import contacts -");
    assert_eq!((import.code, import.err.as_str()), (0, ""));
    assert!(import.out.starts_with("imported 2 contact rows: 2 created"), "{}", import.out);
    let export = call(&crm, Files::Remote, "", "export contacts --format csv");
    assert_eq!(export.code, 0);
    assert!(export.out.contains("ann@example.com") && export.out.contains("bob@example.com"), "{}", export.out);
}

#[test]
fn over_ssh_another_database_is_refused() {
    let (dir, crm) = tester();
    let other = dir.path().join("other.redb");
    let ran = call(&crm, Files::Remote, "", ["--db", other.to_str().expect("path"), "account", "list"]);
    assert_eq!(ran.code, 1);
    assert!(ran.err.starts_with("error: --db: this server serves"), "{}", ran.err);
    let served = crm.path().to_str().expect("path").to_string();
    assert_eq!(call(&crm, Files::Remote, "", ["--db", &served, "account", "list"]).code, 0);
    if rolo::store::is_address(crm.path()) {
        // Another database on the same server is another database.
        let other = served.replace("search_path%3D", "search_path%3Dother");
        assert_ne!(other, served);
        let ran = call(&crm, Files::Remote, "", ["--db", &other, "account", "list"]);
        assert!(ran.code == 1 && ran.err.starts_with("error: --db: this server serves"), "{}", ran.err);
    }
}

#[test]
fn for_a_client_files_come_from_it_and_go_back_to_it() {
    let (dir, crm) = tester();
    let given = Given::new(HashMap::from([(PathBuf::from("people.csv"), CSV.as_bytes().to_vec())]));
    let import = call(&crm, Files::Given(given.clone()), "", "import contacts people.csv");
    assert_eq!((import.code, import.err.as_str()), (0, ""), "{}", import.out);
    let export = call(&crm, Files::Given(given.clone()), "", "export contacts --out mine.csv");
    assert_eq!(export.code, 0, "{}", export.err);
    assert_eq!(export.out, "exported 2 contacts to mine.csv\n");
    let backup = call(&crm, Files::Given(given.clone()), "", "backup copy.redb");
    assert_eq!(backup.code, 0, "{}", backup.err);
    let outputs = given.take_outputs();
    assert_eq!(outputs.iter().map(|o| o.path.to_str().unwrap_or("")).collect::<Vec<_>>(), ["mine.csv", "copy.redb"]);
    assert!(String::from_utf8_lossy(&outputs[0].bytes).contains("ann@example.com"));
    assert!(outputs[1].bytes.len() > 1000, "the backup holds the database");
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
    let database_files = usize::from(!rolo::store::is_address(crm.path()));
    assert_eq!(left.len(), database_files, "the server's folder holds only the database: {left:?}");
    let unsent = call(&crm, Files::Given(given), "", "import contacts other.csv");
    assert_eq!(unsent.code, 1);
    assert!(unsent.err.starts_with("error: cannot read other.csv"), "{}", unsent.err);
}
