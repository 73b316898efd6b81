//! End-to-end tests of the `rolo` command line against the contract in docs/CLI.md, one module
//! per noun as in `src/cli/`; this file holds the harness the modules share.
//!
//! For every command: a success path that checks the real output (the human text and the `--json`
//! form), and bad input that must fail with the right exit code (1 = the operation failed,
//! 2 = usage error), an `error: ...` line on stderr naming the field or record, nothing on stdout,
//! and no change to the database. Each test works on its own database in a temporary folder, as
//! user `tester`.
//!
//! Command lines are written as one string split like a shell would (single quotes group words,
//! `''` is an empty word), or as a list of words when a value holds odd characters.

#[path = "../common/mod.rs"]
mod common;

mod activity;
mod admin;
mod analysis;
mod invoke;
mod marketing;
mod people;
mod report;
mod sales;
mod service;
mod shell;
mod socket;
mod transfer;
mod users;

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::texts;
use serde_json::{Value, json};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/// `rolo --db <db>` as user `tester`, isolated from the real home folder and environment.
fn rolo(db: &Path) -> Command {
    Command::from_std(common::rolo_in(db, "C.UTF-8"))
}

/// A command line: a string split like a shell would, or a list of words.
trait Line {
    fn words(&self) -> Vec<String>;
}

impl Line for &str {
    fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        let (mut word, mut started, mut quoted) = (String::new(), false, false);
        for c in self.chars() {
            match c {
                '\'' => (quoted, started) = (!quoted, true),
                c if c.is_whitespace() && !quoted => {
                    if started {
                        words.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                c => {
                    word.push(c);
                    started = true;
                }
            }
        }
        assert!(!quoted, "unbalanced quote in {self:?}");
        if started {
            words.push(word);
        }
        words
    }
}

impl Line for String {
    fn words(&self) -> Vec<String> {
        self.as_str().words()
    }
}

impl Line for Vec<String> {
    fn words(&self) -> Vec<String> {
        self.clone()
    }
}

impl<const N: usize> Line for [&str; N] {
    fn words(&self) -> Vec<String> {
        self.iter().map(|w| w.to_string()).collect()
    }
}

/// Runs a command that must succeed, with nothing on stderr; returns stdout.
fn run_ok(db: &Path, line: impl Line) -> String {
    let args = line.words();
    let out = rolo(db).args(&args).output().expect("run rolo");
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "rolo {args:?} failed\nstdout: {stdout}\nstderr: {stderr}");
    assert!(stderr.is_empty(), "rolo {args:?} wrote to stderr: {stderr}");
    stdout
}

/// Runs a command with `--json` that must succeed; stdout must be exactly one JSON value.
fn json_of(db: &Path, line: impl Line) -> Value {
    let args = [vec!["--json".to_string()], line.words()].concat();
    let stdout = run_ok(db, args.clone());
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("rolo {args:?}: stdout is not JSON ({e}):\n{stdout}"))
}

/// The listings that together show everything a command can change (tasks: all of them).
const LISTINGS: [&str; 21] = [
    "account list",
    "contact list",
    "lead list",
    "opp list",
    "stage list",
    "product list",
    "quote list",
    "task list --all",
    "call list",
    "event list",
    "project list",
    "campaign list",
    "list list",
    "template list",
    "email list",
    "case list --all",
    "kb list",
    "note list",
    "user list",
    "team list",
    "role list",
];

/// Every listing of a database, as JSON.
fn snapshot(db: &Path) -> Vec<Value> {
    LISTINGS.iter().map(|l| json_of(db, *l)).collect()
}

/// A scratch database (a file in a temporary folder, or in the PostgreSQL run a new database on
/// its server) and a folder for the files a test writes, deleted when dropped.
struct Db {
    dir: TempDir,
    path: PathBuf,
    /// The last snapshot, while no command that may write has run since: saves listing the
    /// database twice per bad input when several are tried in a row.
    known: RefCell<Option<Vec<Value>>>,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = common::database(dir.path());
        Db { dir, path, known: RefCell::new(None) }
    }

    /// A file name in the test's folder (beside the database, where that is a file).
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs a command that must succeed; returns stdout.
    fn ok(&self, line: impl Line) -> String {
        self.known.take();
        run_ok(&self.path, line)
    }

    /// Runs a command with `--json` that must succeed, and parses its output.
    fn json(&self, line: impl Line) -> Value {
        self.known.take();
        json_of(&self.path, line)
    }

    /// Runs a `--json` command that prints one record and returns its `"id"`.
    fn id(&self, line: impl Line) -> u64 {
        let v = self.json(line);
        v["id"].as_u64().unwrap_or_else(|| panic!("no numeric \"id\" in {v}"))
    }

    /// The length of a `--json` listing.
    fn count(&self, line: impl Line) -> usize {
        self.json(line).as_array().expect("a JSON array").len()
    }

    /// Every listing as JSON: what must not change when a command fails.
    fn snapshot(&self) -> Vec<Value> {
        snapshot(&self.path)
    }

    /// Runs a command that must fail with exit `code`, print nothing on stdout, an `error: `
    /// line (exactly one line for operation errors) containing `needle` on stderr, and leave the
    /// database as it was. Returns stderr.
    fn fails_with(&self, line: impl Line, code: i32, needle: &str) -> String {
        let args = line.words();
        let before = self.known.take().unwrap_or_else(|| self.snapshot());
        let err = self.fails_only(args.clone(), code, needle);
        let after = self.snapshot();
        for ((listing, b), a) in LISTINGS.iter().zip(&before).zip(&after) {
            assert_eq!(a, b, "rolo {args:?} failed but changed what `rolo {listing}` shows");
        }
        self.known.replace(Some(after));
        err
    }

    /// As [`Db::fails_with`], without looking at the database.
    fn fails_only(&self, line: impl Line, code: i32, needle: &str) -> String {
        let args = line.words();
        let out = rolo(&self.path).args(&args).output().expect("run rolo");
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(code), "rolo {args:?}: wrong exit code\nstdout: {stdout}\nstderr: {stderr}");
        assert!(stdout.is_empty(), "rolo {args:?} failed but printed on stdout: {stdout}");
        assert!(stderr.starts_with("error: "), "rolo {args:?}: stderr does not start with 'error: ': {stderr}");
        assert!(!stderr.contains("panicked"), "rolo {args:?} panicked: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "rolo {args:?}: the error is not one line: {stderr}");
        assert!(stderr.contains(needle), "rolo {args:?}: stderr does not mention {needle:?}: {stderr}");
        stderr
    }
}

/// The values of `key` in every object of a JSON array.
fn column<'a>(list: &'a Value, key: &str) -> Vec<&'a Value> {
    list.as_array().unwrap_or_else(|| panic!("not a JSON array: {list}")).iter().map(|item| &item[key]).collect()
}

/// The text values of `key` in every object of a JSON array.
fn texts_of(list: &Value, key: &str) -> Vec<String> {
    let text = |v: &Value| v.as_str().unwrap_or_else(|| panic!("{key} is not text: {v}")).to_string();
    column(list, key).into_iter().map(text).collect()
}

/// The number values of `key` in every object of a JSON array.
fn numbers_of(list: &Value, key: &str) -> Vec<u64> {
    column(list, key).into_iter().map(|v| v.as_u64().unwrap_or_else(|| panic!("{key} is not a number: {v}"))).collect()
}

/// The values of `keys` in a JSON object, as an array: several fields checked at once.
fn pick(object: &Value, keys: &[&str]) -> Value {
    keys.iter().map(|k| object[*k].clone()).collect()
}

/// Whether some line of `text` contains every one of `parts` (a table row, say).
fn has_row(text: &str, parts: &[&str]) -> bool {
    text.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

// ---------------------------------------------------------------------------------------------
// Fixtures: small records the tests build on
// ---------------------------------------------------------------------------------------------

/// Account "Acme Ltd" (Tools, Paris, France).
fn acme(db: &Db) -> u64 {
    db.id("account add --name 'Acme Ltd' --industry Tools --city Paris --country France")
}

/// Contact "Ann Lee" (ann@acme.com) at `account`.
fn ann(db: &Db, account: u64) -> u64 {
    db.id(format!("contact add --first Ann --last Lee --email ann@acme.com --account {account}"))
}

/// Contact "Bob Stone", on his own.
fn bob(db: &Db) -> u64 {
    db.id("contact add --first Bob --last Stone")
}

/// Opportunity "Big deal" of `account`: 12000.50, closing 2027-01-15, in the first stage.
fn deal(db: &Db, account: u64) -> u64 {
    db.id(format!("opp add --name 'Big deal' --account {account} --amount 12000.50 --close-date 2027-01-15"))
}

// ---------------------------------------------------------------------------------------------
// Global behaviour
// ---------------------------------------------------------------------------------------------

#[test]
fn command_lines_split_like_a_shell() {
    assert_eq!("a 'b c'  '' d".words(), ["a", "b c", "", "d"]);
}

/// Every command path of the binary (`account add`, `agenda`...) with its long flags, from the
/// clap grammar itself.
fn commands(cmd: &clap::Command, path: &str, all: &mut Vec<(String, Vec<String>)>) {
    for sub in cmd.get_subcommands() {
        let path = format!("{path} {}", sub.get_name()).trim().to_string();
        if sub.has_subcommands() {
            commands(sub, &path, all);
        } else {
            let flags = sub.get_arguments().filter(|a| !a.is_global_set()).filter_map(|a| a.get_long());
            all.push((path, flags.map(|f| format!("--{f}")).collect()));
        }
    }
}

#[test]
fn the_contract_lists_every_command_and_flag_the_binary_accepts() {
    use clap::CommandFactory;
    let contract = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CLI.md")).unwrap();
    let section = contract.split("## Commands").nth(1).unwrap().split("\n## ").next().unwrap();
    let mut all = Vec::new();
    commands(&rolo::cli::args::Cli::command(), "", &mut all);
    assert!(all.len() > 90, "{all:?}");
    for (path, flags) in &all {
        let start = format!("- `rolo {path} ");
        let whole = format!("- `rolo {path}`");
        let line = section.lines().find(|l| l.starts_with(&start) || l.starts_with(&whole));
        let line = line.unwrap_or_else(|| panic!("docs/CLI.md does not list `rolo {path}`"));
        for flag in flags.iter().filter(|f| *f != "--help") {
            assert!(line.contains(flag.as_str()), "docs/CLI.md: `rolo {path}` lacks {flag}");
        }
    }
    for line in section.lines().filter(|l| l.starts_with("- `rolo ")) {
        assert!(
            all.iter().any(|(path, _)| line.starts_with(&format!("- `rolo {path}"))),
            "docs/CLI.md lists a command the binary does not take: {line}"
        );
    }
    for global in ["--db", "--json", "--help", "--version", "ROLO_DB"] {
        assert!(contract.contains(global), "docs/CLI.md does not say {global}");
    }
}

#[test]
fn the_contract_names_every_field_each_kind_is_filtered_by() {
    use rolo::crm::filter::{fields, main_date};
    let contract = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CLI.md")).unwrap();
    let section = contract.split("## Filters").nth(1).expect("docs/CLI.md has a Filters section");
    let section = section.split("\n## ").next().unwrap();
    for kind in rolo::model::Kind::ALL.into_iter().filter(|k| !fields(*k).is_empty()) {
        let start = format!("- {} (`rolo ", kind.plural());
        let line = section.lines().find(|l| l.starts_with(&start));
        let line = line.unwrap_or_else(|| panic!("docs/CLI.md: the Filters section has no line for {}", kind.plural()));
        for (field, _) in fields(kind) {
            assert!(
                line.contains(&format!("`{}`", field.name())),
                "docs/CLI.md: {} lack `{}`",
                kind.plural(),
                field.name()
            );
        }
        let main = main_date(kind).map(|f| format!("`from:`/`to:` bound `{}`", f.name()));
        assert!(main.is_none_or(|m| line.contains(&m)), "docs/CLI.md: {} lack their from:/to: date", kind.plural());
    }
}

#[test]
fn every_command_has_help() {
    let db = Db::new();
    for command in [
        "account add",
        "contact email-status",
        "lead convert",
        "opp move",
        "opp win",
        "opp lose",
        "stage list",
        "stage add",
        "stage edit",
        "stage move",
        "stage delete",
        "product add",
        "quote line",
        "task reopen",
        "call log",
        "event add",
        "agenda",
        "project done",
        "campaign add",
        "list member",
        "note add",
        "timeline",
        "search",
        "report",
        "quote show",
        "demo",
        "check",
        "backup",
        "export",
        "user add",
        "user disable",
        "team rename",
        "role set",
        "whoami",
        "contact assign",
        "contact erase",
    ] {
        let out = db.ok(format!("{command} --help"));
        assert!(out.contains(&format!("Usage: rolo {command}")), "rolo {command} --help: {out}");
    }
}

#[test]
fn the_database_can_come_from_rolo_db() {
    let db = Db::new();
    acme(&db);
    let out = Command::new(env!("CARGO_BIN_EXE_rolo"))
        .env("ROLO_DB", &db.path)
        .env("USER", "tester")
        .env("HOME", db.dir.path())
        .env_remove("ROLO_USER")
        .args(["--json", "account", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(texts_of(&list, "name"), ["Acme Ltd"]);
}

#[test]
fn a_noun_without_a_verb_is_a_one_line_usage_error() {
    let db = Db::new();
    db.fails_with("contact", 2, "a command is missing");
}

#[test]
fn unknown_commands_are_usage_errors() {
    let db = Db::new();
    db.fails_with("frobnicate", 2, "frobnicate");
    db.fails_with("account frobnicate", 2, "frobnicate");
}

// ---------------------------------------------------------------------------------------------
// Contract-wide rules the binary does not keep yet
// ---------------------------------------------------------------------------------------------

#[test]
fn usage_errors_are_one_line() {
    let db = Db::new();
    let err = db.fails_with("account add", 2, "--name");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn errors_stay_on_one_clean_line_whatever_the_input() {
    let db = Db::new();
    ann(&db, acme(&db));
    db.fails_with(["contact", "add", "--first", "A", "--last", "B", "--email", "bad\nx@y.com"], 1, "error: email:");
    db.fails_with(["task", "add", "--title", "X", "--due", "2026\n-01"], 1, "error: due:");
    let err = db.fails_with(["opp", "list", "--stage", "no\u{1b}[2Jstage"], 1, "error: stage:");
    assert!(!err.contains('\u{1b}'), "a control character reaches the terminal: {err:?}");
}

#[test]
fn a_closed_stdout_pipe_does_not_panic() {
    let db = Db::new();
    db.ok("demo --contacts 100");
    // The listing is larger than a pipe's buffer, so rolo writes after the reader has gone.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rolo"))
        .arg("--db")
        .arg(&db.path)
        .args(["--json", "contact", "list"])
        .env("USER", "tester")
        .env("RUST_BACKTRACE", "0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
