//! End-to-end tests of the `rolo` command line against the contract in CLI.md.
//!
//! For every command: a success path that checks the real output (the human text and the `--json`
//! form), and bad input that must fail with the right exit code (1 = the operation failed,
//! 2 = usage error), an `error: ...` line on stderr naming the field or record, nothing on stdout,
//! and no change to the database. Each test works on its own database in a temporary folder, as
//! user `tester`.
//!
//! Command lines are written as one string split like a shell would (single quotes group words,
//! `''` is an empty word), or as a list of words when a value holds odd characters.

mod common;

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
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
const LISTINGS: [&str; 14] = [
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
    "note list",
];

/// Every listing of a database, as JSON.
fn snapshot(db: &Path) -> Vec<Value> {
    LISTINGS.iter().map(|l| json_of(db, *l)).collect()
}

/// The stdout and stderr of a finished command, as text.
fn texts(out: &std::process::Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A scratch database, deleted with its folder when dropped.
struct Db {
    _dir: TempDir,
    path: PathBuf,
    /// The last snapshot, while no command that may write has run since: saves listing the
    /// database twice per bad input when several are tried in a row.
    known: RefCell<Option<Vec<Value>>>,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("rolo.redb");
        Db { _dir: dir, path, known: RefCell::new(None) }
    }

    /// A file name beside the database.
    fn file(&self, name: &str) -> PathBuf {
        self.path.with_file_name(name)
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
        .env("HOME", db.path.parent().unwrap())
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
// account
// ---------------------------------------------------------------------------------------------

#[test]
fn account_add_list_show() {
    let db = Db::new();
    let out = db.ok("account add --name 'Acme Ltd' --industry Tools --city Paris --employees 50");
    assert_eq!(out.trim(), "created account 1: Acme Ltd");

    let beta = db.json("account add --name Beta --revenue 1500000.5 --email info@beta.io");
    assert_eq!(beta["id"], 2);
    assert_eq!(beta["name"], "Beta");
    assert_eq!(beta["annual_revenue"], "1500000.50");
    assert_eq!(beta["currency"], "USD");
    assert_eq!(beta["status"], "prospect");
    assert_eq!(beta["owner"], "tester");

    let list = db.json("account list");
    assert_eq!(texts_of(&list, "name"), ["Acme Ltd", "Beta"]);
    assert_eq!(list[0]["address"]["city"], "Paris");
    assert_eq!(list[0]["employees"], 50);

    let text = db.ok("account list");
    assert!(has_row(&text, &["ID", "NAME", "INDUSTRY", "CITY"]), "{text}");
    assert!(has_row(&text, &["1", "Acme Ltd", "Tools", "Paris", "tester"]), "{text}");

    let show = db.ok("account show 1");
    assert!(show.lines().any(|l| l.starts_with("name") && l.ends_with("Acme Ltd")), "{show}");
    assert_eq!(db.json("account show 2")["email"], "info@beta.io");
}

#[test]
fn account_edit_and_delete() {
    let db = Db::new();
    let a = acme(&db);
    let v = db.json(format!("account edit {a} --name 'Acme Group' --status customer --industry ''"));
    assert_eq!(pick(&v, &["name", "status"]), json!(["Acme Group", "customer"]));
    assert_eq!(v["industry"], Value::Null, "an empty value clears an optional field");

    // Refused while an opportunity needs it.
    let d = deal(&db, a);
    db.fails_with(format!("account delete {a}"), 1, "account:1 is still used by 1 opportunity");
    db.ok(format!("opp delete {d}"));
    assert_eq!(db.ok(format!("account delete {a}")).trim(), "deleted account 1: Acme Group");
    assert_eq!(db.json("account list"), json!([]));
}

#[test]
fn account_bad_input() {
    let db = Db::new();
    acme(&db);
    db.fails_with("account add --name '  '", 1, "error: name: is required");
    db.fails_with("account add --name X --email bad", 1, "error: email: 'bad'");
    db.fails_with("account add --name X --revenue 12,000", 1, "error: revenue: '12,000'");
    db.fails_with("account add --name X --status weird", 1, "error: status: 'weird'");
    db.fails_with("account add --name X --currency dollars", 1, "error: currency: 'dollars'");
    db.fails_with("account add --name X --parent 77", 1, "error: parent: account:77 does not exist");
    db.fails_with("account show 99", 1, "account:99 does not exist");
    db.fails_with("account edit 99 --name Y", 1, "account:99 does not exist");
    db.fails_with("account delete 99", 1, "account:99 does not exist");
    db.fails_with("account add", 2, "--name");
    db.fails_with("account add --name X --employees many", 2, "--employees");
}

// ---------------------------------------------------------------------------------------------
// contact (and email-status)
// ---------------------------------------------------------------------------------------------

#[test]
fn contact_add_list_show() {
    let db = Db::new();
    let a = acme(&db);
    let c = db.json(format!(
        "contact add --first Ann --last Lee --email ann@acme.com --email ann.lee@home.org \
         --phone '+44 20 7946 0958' --account {a} --title CTO --country UK --birthday 1980-05-17"
    ));
    assert_eq!(c["id"], 1);
    assert_eq!(pick(&c, &["first_name", "last_name"]), json!(["Ann", "Lee"]));
    assert_eq!(c["account"], a);
    assert_eq!(c["account_name"], "Acme Ltd");
    assert_eq!(texts_of(&c["emails"], "address"), ["ann@acme.com", "ann.lee@home.org"]);
    assert_eq!(c["emails"][0]["consent"], "unknown");
    assert_eq!(c["phones"][0]["number"], "+44 20 7946 0958");
    assert_eq!(c["addresses"][0]["country"], "UK");
    assert_eq!(c["birthday"], "1980-05-17");
    assert_eq!(c["owner"], "tester");

    assert_eq!(db.ok("contact add --first Bob --last Stone").trim(), "created contact 2: Bob Stone");

    // By last name; filtered by account.
    assert_eq!(texts_of(&db.json("contact list"), "last_name"), ["Lee", "Stone"]);
    assert_eq!(texts_of(&db.json(format!("contact list --account {a}")), "last_name"), ["Lee"]);
    let text = db.ok("contact list");
    assert!(has_row(&text, &["Ann Lee", "Acme Ltd", "ann@acme.com", "+44 20 7946 0958", "UK"]), "{text}");
    assert_eq!(db.json("contact show 2")["first_name"], "Bob");
}

#[test]
fn contact_email_status() {
    let db = Db::new();
    let c = ann(&db, acme(&db));
    // The address matches ignoring case; consent and validity are kept apart.
    let out = db.ok(format!("contact email-status {c} ANN@acme.com --opt-in"));
    assert_eq!(out.trim(), "updated contact 1: Ann Lee");
    let v = db.json(format!("contact email-status {c} ann@acme.com --invalid"));
    assert_eq!(pick(&v["emails"][0], &["consent", "validity"]), json!(["opted_in", "invalid"]));
    let v = db.json(format!("contact email-status {c} ann@acme.com --opt-out"));
    assert_eq!(v["emails"][0]["consent"], "opted_out");
    let v = db.json(format!("contact email-status {c} ann@acme.com --valid"));
    assert_eq!(v["emails"][0]["validity"], "valid");
}

#[test]
fn contact_bad_input() {
    let db = Db::new();
    ann(&db, acme(&db));
    let add = "contact add --first Cy --last Dunn";
    db.fails_with(format!("{add} --email not-an-email"), 1, "error: email: 'not-an-email'");
    db.fails_with(format!("{add} --email a@x.com --email A@X.com"), 1, "error: email: 'A@X.com' is listed twice");
    db.fails_with(format!("{add} --phone 12"), 1, "error: phone: '12'");
    db.fails_with(format!("{add} --birthday 1980-13-01"), 1, "error: birthday: '1980-13-01'");
    db.fails_with(format!("{add} --birthday 2999-01-01"), 1, "error: birthday: 2999-01-01 is in the future");
    db.fails_with(format!("{add} --account 99"), 1, "error: account: account:99 does not exist");
    db.fails_with("contact add --first Cy --last ' '", 1, "error: last name: is required");
    db.fails_with("contact show 99", 1, "contact:99 does not exist");
    db.fails_with("contact add --last Dunn", 2, "--first");
}

#[test]
fn contact_email_status_bad_input() {
    let db = Db::new();
    let c = ann(&db, acme(&db));
    let no_address = "error: email: contact 1 has no address 'who@acme.com' (it has: ann@acme.com)";
    db.fails_with(format!("contact email-status {c} who@acme.com --opt-in"), 1, no_address);
    db.fails_with("contact email-status 99 ann@acme.com --opt-in", 1, "contact:99 does not exist");
    db.fails_with(format!("contact email-status {c} ann@acme.com"), 2, "--opt-in");
    db.fails_with(format!("contact email-status {c} ann@acme.com --opt-in --opt-out"), 2, "--opt-out");
}

// ---------------------------------------------------------------------------------------------
// lead (and convert)
// ---------------------------------------------------------------------------------------------

#[test]
fn lead_add_and_list() {
    let db = Db::new();
    let l = db.json(
        "lead add --first Carl --last Diaz --company 'Diaz Co' --email carl@diaz.io --phone 555-0101 \
         --source web-site --status contacted",
    );
    assert_eq!(l["id"], 1);
    assert_eq!(l["company"], "Diaz Co");
    assert_eq!(l["source"], "web_site");
    assert_eq!(l["status"], "contacted");
    assert_eq!(l["converted"], Value::Null);
    let out = db.ok("lead add --first Dee --last Egan --company 'Egan AB'");
    assert_eq!(out.trim(), "created lead 2: Dee Egan (Egan AB)");

    assert_eq!(texts_of(&db.json("lead list"), "last_name"), ["Diaz", "Egan"]);
    assert_eq!(texts_of(&db.json("lead list --status new"), "last_name"), ["Egan"]);
    let text = db.ok("lead list");
    assert!(has_row(&text, &["Carl Diaz", "Diaz Co", "contacted", "carl@diaz.io"]), "{text}");
}

#[test]
fn lead_convert_with_an_opportunity() {
    let db = Db::new();
    let lead = db.id("lead add --first Carl --last Diaz --company 'Diaz Co' --email carl@diaz.io");
    let c = db.json(format!("lead convert {lead} --opportunity 'Diaz deal' --amount 12000.50 --close-date 2027-03-31"));
    let [account, contact, opp] = ["account", "contact", "opportunity"].map(|k| c[k].as_u64().unwrap());

    assert_eq!(db.json(format!("account show {account}"))["name"], "Diaz Co");
    let person = db.json(format!("contact show {contact}"));
    assert_eq!(pick(&person, &["first_name", "account"]), json!(["Carl", account]));
    assert_eq!(person["emails"][0]["address"], "carl@diaz.io");
    let o = db.json(format!("opp show {opp}"));
    assert_eq!(o["name"], "Diaz deal");
    assert_eq!(o["amount"], "12000.50");
    assert_eq!(o["close_date"], "2027-03-31");
    assert_eq!(pick(&o, &["stage_name", "probability"]), json!(["Prospecting", 10]));
    assert_eq!(pick(&o, &["lead", "contact"]), json!([lead, contact]));
    let l = db.json(format!("lead show {lead}"));
    assert_eq!(l["status"], "converted");
    assert_eq!(l["converted"]["contact"], contact);
}

#[test]
fn lead_convert_matches_an_existing_account() {
    let db = Db::new();
    let a = acme(&db);
    let lead = db.id("lead add --first Dee --last Egan --company 'acme ltd'");
    let out = db.ok(format!("lead convert {lead}"));
    assert_eq!(out.trim(), format!("converted lead {lead}: account {a}, contact 1"));
    assert_eq!(db.count("account list"), 1, "no second account");
    assert_eq!(db.json("opp list"), json!([]), "no opportunity unless asked for");
    let c = db.json(format!("lead convert {}", db.id("lead add --first Eve --last Fox")));
    assert_eq!(c["opportunity"], Value::Null);
}

#[test]
fn lead_sources_are_added_renamed_moved_and_removed_and_records_follow() {
    let db = Db::new();
    let sources = db.json("source list");
    assert_eq!(sources.as_array().unwrap().len(), 14, "a new database starts with the usual sources");
    assert_eq!(sources[9], json!({ "name": "web_site", "leads": 0, "deals": 0 }));
    assert_eq!(db.ok("source add 'LinkedIn Ads' --position 1").trim(), "LinkedIn Ads is lead source 1 of 15");
    // A source is named loosely and stored as the list spells it; other CRMs' words are understood.
    let ann = db.id("lead add --first Ann --last Lee --source linkedin-ads");
    assert_eq!(db.json(format!("lead show {ann}"))["source"], "LinkedIn Ads");
    let bo = db.id("lead add --first Bo --last Ek --source Web");
    assert_eq!(db.json(format!("lead show {bo}"))["source"], "web_site");
    let a = db.id("account add --name Acme");
    let deal = db
        .id(format!("opp add --name Pilot --account {a} --amount 10 --close-date 2027-01-15 --source 'linkedin ads'"));
    db.fails_with(
        "lead add --first X --last Y --source Fax",
        1,
        "error: source: 'Fax' is not one of: LinkedIn Ads, cold call",
    );
    // Renaming carries the leads and deals along.
    assert_eq!(
        db.ok("source rename linkedin_ads LinkedIn").trim(),
        "renamed linkedin_ads to LinkedIn; 2 records follow"
    );
    assert_eq!(db.json(format!("lead show {ann}"))["source"], "LinkedIn");
    assert_eq!(db.json(format!("opp show {deal}"))["lead_source"], "LinkedIn");
    db.fails_with("source add LINKEDIN", 1, "error: there is already a lead source 'LinkedIn'");
    db.fails_with("source rename web_site ''", 1, "error: name: is empty");
    // Moving changes the order pickers show.
    db.ok("source move linkedin 15");
    assert_eq!(db.json("source list")[14]["name"], "LinkedIn");
    db.fails_with("source move linkedin 16", 1, "error: position: is past the end");
    // A source in use is removed only once its records have somewhere to go.
    db.fails_with("source delete linkedin", 1, "'LinkedIn' is the source of 1 lead and 1 deal: say where they go");
    assert_eq!(db.ok("source delete linkedin --to partner").trim(), "deleted linkedin; moved 2 records to partner");
    assert_eq!(db.json(format!("opp show {deal}"))["lead_source"], "partner");
    db.fails_with("source delete cold_call --to phone", 1, "error: to: is the source being removed");
    db.ok("source delete web_site --clear");
    assert_eq!(db.json(format!("lead show {bo}"))["source"], Value::Null);
    db.fails_with("source delete nowhere", 1, "error: source: 'nowhere' is not one of");
    assert_eq!(db.count("source list"), 13);
}

#[test]
fn possible_duplicates_are_listed_and_merged_from_the_command_line() {
    let db = Db::new();
    assert_eq!(db.ok("contact duplicates").trim(), "no possible duplicates");
    let a = db.id("account add --name Acme");
    let ann = db.id(format!("contact add --first Ann --last Lee --email ann@acme.example --account {a}"));
    let twin = db.id("contact add --first Ann --last Lee --email ANN@ACME.example --phone '+44 20 7946 0018'");
    let third = db.id("contact add --first Anne --last Lee --phone '020 7946 0018'");
    let call = db.id(format!("call log --contact {twin} --outcome connected"));
    let pairs = db.json("contact duplicates");
    assert_eq!(column(&pairs, "second"), [&json!(twin), &json!(third)]);
    assert_eq!(pairs[0]["first"], ann);
    assert_eq!(pairs[0]["reason"], "same email ANN@ACME.example");
    assert_eq!(pairs[1]["reason"], "same phone 020 7946 0018 (another name)");
    let out = db.ok(format!("contact merge {ann} {twin}"));
    assert_eq!(out.trim(), format!("merged contact {twin} into contact {ann}: Ann Lee"));
    let kept = db.json(format!("contact show {ann}"));
    assert_eq!(kept["phones"][0]["number"], "+44 20 7946 0018");
    assert_eq!(db.json(format!("call show {call}"))["contact"], ann);
    db.fails_with(format!("contact merge {ann} {twin}"), 1, "error: contact:");
    db.fails_with(format!("contact merge {ann} {ann}"), 1, "error: contact: is the same contact twice");
    assert_eq!(db.json("contact duplicates")[0]["second"], third, "the third still looks like Ann");
}

#[test]
fn lead_bad_input() {
    let db = Db::new();
    db.id("lead add --first Carl --last Diaz");
    let add = "lead add --first X --last Y";
    db.fails_with(format!("{add} --email nope"), 1, "error: email: 'nope'");
    db.fails_with(format!("{add} --source nowhere"), 1, "error: source: 'nowhere'");
    db.fails_with(format!("{add} --status converted"), 1, "error: status: 'converted' is set by converting");
    db.fails_with(format!("{add} --campaign 5"), 1, "error: campaign: campaign:5 does not exist");
    db.fails_with("lead add --first X --last ''", 1, "error: last name: is required");
    db.fails_with("lead list --status bogus", 1, "error: status: 'bogus'");
    db.fails_with("lead add --first X", 2, "--last");
}

#[test]
fn lead_convert_bad_input() {
    let db = Db::new();
    let lead = db.id("lead add --first Carl --last Diaz --company 'Diaz Co'");
    db.fails_with("lead convert 99", 1, "lead:99 does not exist");
    db.fails_with(format!("lead convert {lead} --amount 12,000"), 1, "error: amount: '12,000'");
    db.fails_with(format!("lead convert {lead} --close-date 2027-02-30"), 1, "error: close-date: '2027-02-30'");
    db.fails_with(format!("lead convert {lead} --account 99"), 1, "account:99 does not exist");
    db.ok(format!("lead convert {lead}"));
    db.fails_with(format!("lead convert {lead}"), 1, "lead 1 was already converted");
    db.fails_with(format!("lead edit {lead} --last Other"), 1, "lead 1 was converted");
    db.fails_with("lead convert", 2, "<ID>");
}

// ---------------------------------------------------------------------------------------------
// opp (and move, win, lose)
// ---------------------------------------------------------------------------------------------

#[test]
fn opp_add_list_show() {
    let db = Db::new();
    let a = acme(&db);
    let c = ann(&db, a);
    let o = db.json(format!(
        "opp add --name 'Big deal' --account {a} --amount 12000.50 --close-date 2027-01-15 \
         --stage 'needs analysis' --contact {c} --next-step 'Call the CFO' --next-step-date 2026-12-01"
    ));
    assert_eq!(o["id"], 1);
    assert_eq!(o["name"], "Big deal");
    assert_eq!(pick(&o, &["amount", "currency"]), json!(["12000.50", "USD"]));
    assert_eq!(o["stage_name"], "Needs Analysis");
    assert_eq!(o["probability"], 25, "the probability follows the stage");
    assert_eq!(o["probability_manual"], false);
    assert_eq!(o["account_name"], "Acme Ltd");
    assert_eq!(pick(&o, &["contact", "next_step"]), json!([c, "Call the CFO"]));
    assert_eq!(o["status"], "open");

    // Without --stage: the first stage; a probability given by hand sticks.
    let out =
        db.ok(format!("opp add --name Small --account {a} --amount 500 --close-date 2026-12-20 --probability 33"));
    assert_eq!(out.trim(), "created opportunity 2: Small");
    let small = db.json("opp show 2");
    assert_eq!(pick(&small, &["stage_name", "probability"]), json!(["Prospecting", 33]));
    assert_eq!(small["amount"], "500.00");

    // By close date; filtered by stage (any case) and account.
    assert_eq!(texts_of(&db.json("opp list"), "name"), ["Small", "Big deal"]);
    assert_eq!(texts_of(&db.json("opp list --stage 'NEEDS ANALYSIS'"), "name"), ["Big deal"]);
    db.fails_with("opp list --account 99", 1, "error: account:99 does not exist");
    let text = db.ok("opp list");
    assert!(
        has_row(&text, &["Big deal", "Acme Ltd", "Needs Analysis", "25%", "12,000.50 USD", "2027-01-15"]),
        "{text}"
    );
}

#[test]
fn opp_move_probability_follows_the_stage() {
    let db = Db::new();
    let o = deal(&db, acme(&db));
    let out = db.ok(format!("opp move {o} negotiation/review"));
    assert_eq!(out.trim(), "moved opportunity 1 to Negotiation/Review (80%)");
    let v = db.json(format!("opp move {o} Qualification"));
    assert_eq!(pick(&v, &["stage_name", "probability"]), json!(["Qualification", 20]));
    // Set by hand, it sticks through later moves between open stages.
    let v = db.json(format!("opp move {o} Qualification --probability 45"));
    assert_eq!(pick(&v, &["probability", "probability_manual"]), json!([45, true]));
    let v = db.json(format!("opp move {o} 'Value Proposition'"));
    assert_eq!(pick(&v, &["stage_name", "probability"]), json!(["Value Proposition", 45]));
}

#[test]
fn opp_win_and_lose() {
    let db = Db::new();
    let a = acme(&db);
    let won = deal(&db, a);
    assert_eq!(db.ok(format!("opp win {won}")).trim(), "opportunity 1 is won");
    let state = ["stage_name", "status", "probability"];
    assert_eq!(pick(&db.json(format!("opp show {won}")), &state), json!(["Closed Won", "won", 100]));

    let lost = deal(&db, a);
    let v = db.json(format!("opp lose {lost} --reason 'Too pricey'"));
    assert_eq!(v["id"], lost);
    assert_eq!(pick(&v, &state), json!(["Closed Lost", "lost", 0]));
    assert_eq!(v["lost_reason"], "Too pricey");
    assert_eq!(numbers_of(&db.json("opp list --stage 'closed lost'"), "id"), [lost]);
}

/// Winning or losing a deal records the day it closed; reopening it clears that day; the
/// forecast counts won money on the day the deal was won, not on its expected close date.
#[test]
fn a_closed_deal_keeps_the_day_it_closed() {
    let db = Db::new();
    let a = acme(&db);
    let today = chrono::Local::now().date_naive().to_string();
    let won = db.id(format!("opp add --name Won --account {a} --amount 700 --close-date 2099-06-30"));
    assert_eq!(db.json(format!("opp show {won}"))["closed_on"], Value::Null, "open: not closed");
    assert_eq!(db.json(format!("opp win {won}"))["closed_on"], json!(today));
    let lost = db.id(format!("opp add --name Lost --account {a} --amount 5 --close-date 2099-06-30"));
    assert_eq!(db.json(format!("opp lose {lost} --reason price"))["closed_on"], json!(today));
    assert!(db.ok(format!("opp show {won}")).contains(&today), "the text shows it too");
    // Entered as won: closed on its close date, or today when that is still to come.
    let past =
        db.json(format!("opp add --name Past --account {a} --amount 1 --close-date 2026-01-02 --stage 'closed won'"));
    assert_eq!(past["closed_on"], json!("2026-01-02"));
    let future =
        db.json(format!("opp add --name Soon --account {a} --amount 1 --close-date 2099-01-02 --stage 'closed won'"));
    assert_eq!(future["closed_on"], json!(today));
    // The won money is in this month's row, not in June 2099's.
    let f = db.json("report forecast --from 2099-06-01 --to 2099-06-30");
    assert_eq!(f["months"][1]["closed_won"], "0.00", "{f}");
    let f = db.json("report forecast");
    assert_eq!(f["months"][1]["closed_won"], "701.00", "{f}");
    // Reopened: no closing day, and back in the pipeline of its expected month.
    let v = db.json(format!("opp move {won} prospecting"));
    assert_eq!(pick(&v, &["status", "closed_on"]), json!(["open", null]));
    let f = db.json("report forecast --from 2099-06-01 --to 2099-06-30");
    assert_eq!(pick(&f["months"][1], &["open", "pipeline", "closed_won"]), json!([1, "700.00", "0.00"]), "{f}");
}

#[test]
fn opp_bad_input() {
    let db = Db::new();
    let a = acme(&db);
    deal(&db, a);
    let add =
        |amount: &str, close: &str| format!("opp add --name X --account {a} --amount {amount} --close-date {close}");
    db.fails_with(add("12.345", "2027-01-01"), 1, "error: amount: '12.345' has more than two decimals");
    db.fails_with(add("lots", "2027-01-01"), 1, "error: amount: 'lots' is not an amount");
    db.fails_with(add("-5", "2027-01-01"), 2, "'-5'");
    let negative = format!("opp add --name X --account {a} --amount=-5 --close-date 2027-01-01");
    db.fails_with(negative, 1, "error: amount: -5.00 is negative");
    db.fails_with(add("5", "01/02/2027"), 1, "error: close-date: '01/02/2027'");
    db.fails_with(add("5", "2027-01-01") + " --stage Nope", 1, "error: stage: 'Nope' is not a stage");
    db.fails_with(add("5", "2027-01-01") + " --probability 150", 2, "--probability");
    db.fails_with(add("5", "2027-01-01") + " --contact 99", 1, "error: contact: contact:99 does not exist");
    db.fails_with(add("5", "2027-01-01") + " --next-step-date soon", 1, "error: next-step-date: 'soon'");
    let other = "--amount 5 --close-date 2027-01-01";
    db.fails_with(format!("opp add --name X --account 99 {other}"), 1, "error: account: account:99 does not exist");
    db.fails_with(format!("opp add --name ' ' --account {a} {other}"), 1, "error: name: is required");
    db.fails_with(format!("opp add --name X --account {a} --amount 5"), 2, "--close-date");
    db.fails_with("opp list --stage nope", 1, "error: stage: 'nope'");
}

#[test]
fn opp_move_win_lose_bad_input() {
    let db = Db::new();
    let o = deal(&db, acme(&db));
    db.fails_with(format!("opp move {o} nowhere"), 1, "error: stage: 'nowhere' is not a stage: use one of Prospecting");
    db.fails_with("opp move 99 qualification", 1, "opportunity:99 does not exist");
    db.fails_with(format!("opp move {o} qualification --probability 101"), 2, "--probability");
    db.fails_with(format!("opp move {o}"), 2, "<STAGE>");
    db.fails_with("opp win 99", 1, "opportunity:99 does not exist");
    db.fails_with("opp win", 2, "<ID>");
    db.fails_with("opp lose 99 --reason x", 1, "opportunity:99 does not exist");
    db.fails_with(format!("opp lose {o}"), 2, "--reason");
}

#[test]
fn opp_edit_with_an_unknown_stage_changes_nothing() {
    let db = Db::new();
    let o = deal(&db, acme(&db));
    db.fails_with(format!("opp edit {o} --name Renamed --stage nope"), 1, "error: stage: 'nope'");
}

#[test]
fn opp_lose_needs_a_reason() {
    let db = Db::new();
    let o = deal(&db, acme(&db));
    db.fails_with(format!("opp lose {o} --reason ' '"), 1, "error: reason:");
}

// ---------------------------------------------------------------------------------------------
// stage list
// ---------------------------------------------------------------------------------------------

#[test]
fn stage_list() {
    let db = Db::new();
    let stages = db.json("stage list");
    let names = [
        "Prospecting",
        "Qualification",
        "Needs Analysis",
        "Value Proposition",
        "Id. Decision Makers",
        "Perception Analysis",
        "Proposal/Price Quote",
        "Negotiation/Review",
        "Closed Won",
        "Closed Lost",
    ];
    assert_eq!(texts_of(&stages, "name"), names);
    assert_eq!(numbers_of(&stages, "probability"), [10, 20, 25, 30, 40, 50, 65, 80, 100, 0]);
    assert_eq!(texts_of(&stages, "outcome")[7..], ["open", "won", "lost"]);
    assert_eq!(numbers_of(&stages, "id"), (1..=10).collect::<Vec<_>>());
    assert_eq!(numbers_of(&stages, "order"), (1..=10).collect::<Vec<_>>());
    let text = db.ok("stage list");
    assert!(has_row(&text, &["9", "Closed Won", "100%", "won"]), "{text}");
}

#[test]
fn stage_bad_input() {
    let db = Db::new();
    db.fails_with("stage list extra", 2, "'extra'");
    db.fails_with("stage add --name Custom", 2, "'--name'");
}

/// The stage names of `stage list`, in board order.
fn stage_names(db: &Db) -> Vec<String> {
    texts_of(&db.json("stage list"), "name")
}

#[test]
fn stage_add_places_the_stage() {
    let db = Db::new();
    let out = db.ok("stage add Demo --probability 70");
    assert_eq!(out.trim(), "created stage 11: Demo");
    let v = db.json("stage add Renewal --outcome won");
    assert_eq!(pick(&v, &["id", "name", "order", "probability", "outcome"]), json!([12, "Renewal", 12, 100, "won"]));
    let v = db.json("stage add 'First call' --probability 5 --position 1");
    assert_eq!(pick(&v, &["name", "order", "probability", "outcome"]), json!(["First call", 1, 5, "open"]));
    let names = stage_names(&db);
    assert_eq!(names[..2], ["First call", "Prospecting"]);
    assert_eq!(names[8..], ["Negotiation/Review", "Demo", "Closed Won", "Closed Lost", "Renewal"]);
    assert_eq!(numbers_of(&db.json("stage list"), "order"), (1..=13).collect::<Vec<_>>());
    let text = db.ok("stage list");
    assert!(has_row(&text, &["11", "10", "Demo", "70%", "open"]), "{text}");
    // A deal can go there at once, and takes its probability.
    let o = deal(&db, acme(&db));
    let v = db.json(format!("opp move {o} demo"));
    assert_eq!(pick(&v, &["stage_name", "probability"]), json!(["Demo", 70]));
}

#[test]
fn stage_edit_renames_and_moves_open_deals_with_the_default() {
    let db = Db::new();
    let a = acme(&db);
    let follows = deal(&db, a);
    let by_hand = deal(&db, a);
    db.ok(format!("opp edit {by_hand} --probability 15"));
    let won = deal(&db, a);
    db.ok(format!("opp win {won}"));

    let out = db.ok("stage edit PROSPECTING --probability 12");
    assert_eq!(out.trim(), "updated stage 1: Prospecting");
    let prob = |id: u64| db.json(format!("opp show {id}"))["probability"].clone();
    assert_eq!([prob(follows), prob(by_hand)], [json!(12), json!(15)]);
    // By id, a rename; closed deals keep their probability.
    let v = db.json("stage edit 9 --name 'Signed' --probability 95");
    assert_eq!(pick(&v, &["id", "name", "probability"]), json!([9, "Signed", 95]));
    assert_eq!(pick(&db.json(format!("opp show {won}")), &["stage_name", "probability"]), json!(["Signed", 100]));
    assert!(db.ok("timeline opp:1").contains("probability follows stage Prospecting (12%)"));
}

#[test]
fn stage_move_reorders_the_board() {
    let db = Db::new();
    let out = db.ok("stage move 'closed lost' 1");
    assert!(out.starts_with("moved stage Closed Lost to position 1\n"), "{out}");
    assert!(has_row(&out, &["10", "1", "Closed Lost", "0%", "lost"]), "{out}");
    assert!(has_row(&out, &["1", "2", "Prospecting", "10%", "open"]), "{out}");
    let v = db.json("stage move 1 10");
    assert_eq!(numbers_of(&v, "order"), (1..=10).collect::<Vec<_>>());
    assert_eq!(numbers_of(&v, "id"), [10, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    assert_eq!(db.json("stage list"), v, "the listing shows the new order");
}

#[test]
fn stage_delete_moves_the_deals_first() {
    let db = Db::new();
    let a = acme(&db);
    let o = deal(&db, a);
    let other = deal(&db, a);
    db.ok(format!("opp move {other} qualification"));
    let v = db.json("stage delete prospecting --move-to 'needs analysis'");
    assert_eq!(v, json!({ "deleted": 1, "moved": 1 }));
    assert_eq!(pick(&db.json(format!("opp show {o}")), &["stage_name", "probability"]), json!(["Needs Analysis", 25]));
    assert_eq!(stage_names(&db)[0], "Qualification");
    assert_eq!(numbers_of(&db.json("stage list"), "order"), (1..=9).collect::<Vec<_>>());
    // Into a lost stage: the deal is lost, and says why.
    let out = db.ok("stage delete 2 --move-to 'closed lost'");
    assert_eq!(out.trim(), "deleted stage 2: Qualification; moved 1 deal to Closed Lost");
    let lost = db.json(format!("opp show {other}"));
    assert_eq!(pick(&lost, &["status", "lost_reason"]), json!(["lost", "stage Qualification removed"]));
    // An empty stage goes without --move-to.
    assert_eq!(db.ok("stage rm 'value proposition'").trim(), "deleted stage 4: Value Proposition");
    assert_eq!(db.count("stage list"), 7);
    db.ok("check");
}

#[test]
fn stage_commands_bad_input_change_nothing() {
    let db = Db::new();
    deal(&db, acme(&db));
    db.fails_with("stage add ' closed won '", 1, "error: name: a stage called Closed Won already exists");
    db.fails_with("stage add ''", 1, "error: name: is required");
    db.fails_with("stage add X --outcome maybe", 1, "error: outcome: 'maybe'");
    db.fails_with("stage add X --probability 101", 2, "--probability");
    db.fails_with("stage add X --position 0", 2, "--position");
    db.fails_with("stage add X --position 12", 1, "error: position: 12 is past the end: use 1 to 11");
    db.fails_with("stage add", 2, "<NAME>");

    db.fails_with("stage edit nope --probability 5", 1, "error: stage: 'nope' is not a stage");
    db.fails_with("stage edit 99 --probability 5", 1, "error: stage: '99' is not a stage");
    db.fails_with("stage edit prospecting", 2, "--probability");
    db.fails_with("stage edit prospecting --probability 101", 2, "--probability");
    db.fails_with("stage edit prospecting --name 'Closed Lost'", 1, "error: name: a stage called Closed Lost");

    db.fails_with("stage move prospecting 11", 1, "error: position: 11 is past the end: use 1 to 10");
    db.fails_with("stage move prospecting 0", 2, "<POSITION>");
    db.fails_with("stage move nope 1", 1, "error: stage: 'nope'");

    let err = db.fails_with("stage delete prospecting", 1, "1 deal is in stage Prospecting");
    assert!(err.contains("pass --move-to STAGE"), "{err}");
    db.fails_with("stage delete prospecting --move-to nope", 1, "error: move-to: 'nope' is not a stage");
    db.fails_with("stage delete prospecting --move-to 1", 1, "error: move-to: is Prospecting, the stage being deleted");
    db.fails_with("stage delete 'closed won'", 1, "error: Closed Won is the last won stage");
    db.fails_with("stage delete 'closed lost' --move-to 1", 1, "error: Closed Lost is the last lost stage");
    db.fails_with("stage delete nope", 1, "error: stage: 'nope'");
}

// ---------------------------------------------------------------------------------------------
// product
// ---------------------------------------------------------------------------------------------

#[test]
fn product_add_and_list() {
    let db = Db::new();
    let p = db.json("product add --name Widget --price 49.9 --sku W-1");
    assert_eq!(p["id"], 1);
    assert_eq!(pick(&p, &["price", "currency"]), json!(["49.90", "USD"]));
    assert_eq!(pick(&p, &["sku", "active"]), json!(["W-1", true]));
    assert_eq!(db.ok("product add --name Gadget --price 1000").trim(), "created product 2: Gadget");
    assert_eq!(texts_of(&db.json("product list"), "price"), ["49.90", "1000.00"]);
    let text = db.ok("product list");
    assert!(has_row(&text, &["Gadget", "1,000.00 USD", "yes"]), "{text}");
}

#[test]
fn product_bad_input() {
    let db = Db::new();
    db.id("product add --name Widget --price 49.90");
    db.fails_with("product add --name X --price 4.999", 1, "error: price: '4.999' has more than two decimals");
    db.fails_with("product add --name X --price abc", 1, "error: price: 'abc' is not an amount");
    db.fails_with("product add --name '' --price 3", 1, "error: name: is required");
    db.fails_with("product add --name X --price 5 --currency EURO", 1, "error: currency: 'EURO'");
    db.fails_with("product show 9", 1, "product:9 does not exist");
    db.fails_with("product add --name X", 2, "--price");
}

// ---------------------------------------------------------------------------------------------
// quote (add, line, show)
// ---------------------------------------------------------------------------------------------

/// A deal, and products "Widget" (49.90) and "Gadget" (1000): their ids.
fn catalogue(db: &Db) -> (u64, u64, u64) {
    let o = deal(db, acme(db));
    let widget = db.id("product add --name Widget --price 49.90");
    let gadget = db.id("product add --name Gadget --price 1000");
    (o, widget, gadget)
}

#[test]
fn quote_add_line_show_totals() {
    let db = Db::new();
    let (o, widget, gadget) = catalogue(&db);
    let v = db.json(format!("quote add --opp {o}"));
    assert_eq!(pick(&v, &["id", "number", "status"]), json!([1, "Q-00001", "draft"]));
    assert_eq!(v["totals"], json!({"subtotal": "0.00", "discount": "0.00", "total": "0.00"}));
    let q = v["id"].as_u64().unwrap();

    // A line prints the whole quote: 3 × 49.90 less 10% = 134.73.
    let text = db.ok(format!("quote line {q} --product {widget} --qty 3 --discount 10"));
    assert!(text.starts_with("Quote Q-00001 for Acme Ltd (Big deal), draft"), "{text}");
    assert!(has_row(&text, &["Widget", "3", "49.90", "10%", "134.73"]), "{text}");

    let v = db.json(format!("quote line {q} --product {gadget} --qty 2"));
    assert_eq!(texts_of(&v["lines"], "description"), ["Widget", "Gadget"]);
    assert_eq!(v["lines"][1]["unit_price"], "1000.00");

    let v = db.json(format!("quote show {q}"));
    assert_eq!(v["totals"], json!({"subtotal": "2149.70", "discount": "14.97", "total": "2134.73"}));
    let text = db.ok(format!("quote show {q}"));
    let row = |label: &str| text.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no {label}: {text}"));
    assert!(row("Subtotal").ends_with(" 2,149.70 USD"), "{text}");
    assert!(row("Discount").ends_with(" -14.97 USD"), "{text}");
    assert!(row("Total").ends_with(" 2,134.73 USD"), "{text}");

    assert_eq!(texts_of(&db.json(format!("quote list --opp {o}")), "number"), ["Q-00001"]);
}

#[test]
fn quote_bad_input() {
    let db = Db::new();
    let (o, w, _) = catalogue(&db);
    let old = db.id("product add --name Old --price 5 --active false");
    let q = db.id(format!("quote add --opp {o}"));
    db.fails_with("quote add --opp 99", 1, "opportunity:99 does not exist");
    db.fails_with(format!("quote line {q} --product 99 --qty 1"), 1, "product:99 does not exist");
    db.fails_with(format!("quote line 99 --product {w} --qty 1"), 1, "quote:99 does not exist");
    db.fails_with(format!("quote line {q} --product {w} --qty 0"), 1, "error: qty: must be at least 1");
    db.fails_with(format!("quote line {q} --product {w} --qty 1 --discount 150"), 2, "--discount");
    db.fails_with(format!("quote line {q} --product {old} --qty 1"), 1, "error: product: Old is no longer sold");
    db.fails_with("quote show 99", 1, "quote:99 does not exist");
    db.fails_with("quote add", 2, "--opp");
    db.fails_with(format!("quote line {q} --product {w}"), 2, "--qty");
}

#[test]
fn an_accepted_quote_sets_the_deal_amount_and_refuses_changes_until_back_in_draft() {
    let db = Db::new();
    let (o, widget, _) = catalogue(&db);
    let q = db.id(format!("quote add --opp {o}"));
    db.ok(format!("quote line {q} --product {widget} --qty 3 --discount 10"));
    db.ok(format!("quote edit {q} --status accepted"));
    assert_eq!(db.json(format!("opp show {o}"))["amount"], "134.73", "the deal's amount is the quote's total");
    let refused = "error: quote Q-00001 is accepted: move it back to draft to edit it";
    db.fails_with(format!("quote line {q} --product {widget} --qty 1"), 1, refused);
    db.fails_with(format!("quote edit {q} --valid-until 2099-01-31"), 1, refused);
    db.fails_with(format!("quote delete {q}"), 1, "is accepted: move it back to draft to delete it");
    assert_eq!(db.json(format!("quote show {q}"))["lines"].as_array().map(Vec::len), Some(1), "nothing changed");
    db.ok(format!("quote edit {q} --status draft"));
    db.ok(format!("quote line {q} --product {widget} --qty 1"));
}

#[test]
fn quote_show_has_no_trailing_spaces() {
    let db = Db::new();
    let (o, w, _) = catalogue(&db);
    let q = db.id(format!("quote add --opp {o}"));
    let text = db.ok(format!("quote line {q} --product {w} --qty 1"));
    for line in text.lines() {
        assert_eq!(line, line.trim_end(), "trailing spaces in {line:?}");
    }
}

#[test]
fn quote_show_as_markdown() {
    let db = Db::new();
    let (o, widget, gadget) = catalogue(&db);
    let a = db.json(format!("opp show {o}"))["account"].as_u64().unwrap();
    let c = ann(&db, a);
    db.ok(format!("opp edit {o} --contact {c}"));
    let q = db.id(format!("quote add --opp {o}"));
    db.ok(format!("quote line {q} --product {widget} --qty 3 --discount 10"));
    db.ok(format!("quote line {q} --product {gadget} --qty 2"));
    let v = db.json(format!("quote edit {q} --status sent --valid-until 2027-01-31"));
    assert_eq!(pick(&v, &["status", "valid_until"]), json!(["sent", "2027-01-31"]));

    let md = db.ok(format!("quote show {q} --format md"));
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines[0], "# Quote Q-00001", "{md}");
    for expected in [
        "- **Account:** Acme Ltd",
        "- **Contact:** Ann Lee",
        "- **Opportunity:** Big deal",
        "- **Valid until:** 2027-01-31",
        "- **Status:** sent",
        "- **Currency:** USD",
        "| Product | Quantity | Unit price | Discount % | Line total |",
        "|---|---:|---:|---:|---:|",
        "| Widget | 3 | 49.90 | 10 | 134.73 |",
        "| Gadget | 2 | 1,000.00 | 0 | 2,000.00 |",
        "| Subtotal | 2,149.70 USD |",
        "| Discount | -14.97 USD |",
        "| **Total** | **2,134.73 USD** |",
    ] {
        assert!(lines.contains(&expected), "no line {expected:?} in:\n{md}");
    }
    assert!(lines.iter().any(|l| l.starts_with("- **Date:** ")), "{md}");
    for line in &lines {
        assert_eq!(*line, line.trim_end(), "trailing spaces in {line:?}");
    }
    // The default stays the terminal table, and JSON stays JSON.
    assert!(db.ok(format!("quote show {q}")).starts_with("Quote Q-00001 for Acme Ltd (Big deal), sent"));
    assert_eq!(db.ok(format!("quote show {q} --format text")), db.ok(format!("quote show {q}")));
    assert_eq!(db.json(format!("quote show {q}"))["totals"]["total"], "2134.73");
}

#[test]
fn quote_markdown_escapes_table_characters_and_bad_formats_fail() {
    let db = Db::new();
    let o = deal(&db, acme(&db));
    let p = db.id("product add --name 'Pipe | *fitting*' --price 2.50");
    let q = db.id(format!("quote add --opp {o}"));
    let empty = db.ok(format!("quote show {q} --format md"));
    assert!(empty.contains("*This quote has no lines yet.*"), "{empty}");
    assert!(empty.contains("| **Total** | **0.00 USD** |"), "{empty}");
    db.ok(format!("quote line {q} --product {p} --qty 4"));
    let md = db.ok(format!("quote show {q} --format md"));
    assert!(md.contains("| Pipe \\| \\*fitting\\* | 4 | 2.50 | 0 | 10.00 |"), "{md}");

    db.fails_with(format!("quote show {q} --format pdf"), 2, "--format");
    db.fails_with(format!("quote show {q} --format md --json"), 1, "error: format: md cannot be combined with --json");
    db.fails_with(["--json", "quote", "show", &q.to_string(), "--format", "md"], 1, "error: format:");
    db.fails_with("quote show 99 --format md", 1, "quote:99 does not exist");
    db.fails_with(format!("quote edit {q} --status maybe"), 1, "error: status:");
}

// ---------------------------------------------------------------------------------------------
// task (add, list, done, reopen)
// ---------------------------------------------------------------------------------------------

#[test]
fn task_add_list_done_reopen() {
    let db = Db::new();
    let c = ann(&db, acme(&db));
    let late = db.json(format!("task add --title 'Call Ann' --due 2020-01-01 --priority high --contact {c}"));
    assert_eq!(late["id"], 1);
    assert_eq!(pick(&late, &["due", "priority"]), json!(["2020-01-01", "high"]));
    assert_eq!(pick(&late, &["status", "owner"]), json!(["open", "tester"]));
    assert_eq!(db.ok("task add --title 'Today thing' --due today").trim(), "created task 2: Today thing");
    db.id("task add --title 'Later thing' --due 2099-01-01");
    db.id("task add --title Someday");

    let titles = |filter: &str| texts_of(&db.json(format!("task list {filter}")), "title");
    assert_eq!(titles(""), ["Call Ann", "Today thing", "Later thing", "Someday"], "open ones, by due date");
    assert_eq!(titles("--overdue"), ["Call Ann"]);
    assert_eq!(titles("--today"), ["Today thing"]);
    assert!(titles("--done").is_empty());
    let text = db.ok("task list --overdue");
    assert!(has_row(&text, &["1", "high", "Call Ann", "2020-01-01!", "open", "Ann Lee"]), "{text}");

    assert_eq!(db.ok("task done 1").trim(), "completed task 1: Call Ann");
    assert_eq!(titles("--done"), ["Call Ann"]);
    assert!(titles("--overdue").is_empty());
    let v = db.json("task show 1");
    assert_eq!(v["status"], "done");
    assert!(v["completed_at"].is_string(), "{v}");

    let v = db.json("task reopen 1");
    assert_eq!(pick(&v, &["status", "completed_at"]), json!(["open", null]));
    assert_eq!(titles("--overdue"), ["Call Ann"]);
}

#[test]
fn task_bad_input() {
    let db = Db::new();
    let t = db.id("task add --title 'Call Ann'");
    db.fails_with("task add --title X --due 2026-02-30", 1, "error: due: '2026-02-30' is not a date");
    db.fails_with("task add --title X --priority urgent", 1, "error: priority: 'urgent'");
    db.fails_with("task add --title '  '", 1, "error: title: is required");
    db.fails_with("task add --title X --contact 99", 1, "error: contact: contact:99 does not exist");
    db.fails_with("task add --title X --project 99", 1, "error: project: project:99 does not exist");
    db.fails_with(format!("task reopen {t}"), 1, "the task Call Ann is already open");
    db.fails_with("task done 99", 1, "task:99 does not exist");
    db.fails_with("task reopen 99", 1, "task:99 does not exist");
    db.ok(format!("task done {t}"));
    db.fails_with(format!("task done {t}"), 1, "the task Call Ann is already done");
    db.fails_with("task add", 2, "--title");
    db.fails_with("task list --overdue --today", 2, "--today");
}

// ---------------------------------------------------------------------------------------------
// call (log, list)
// ---------------------------------------------------------------------------------------------

#[test]
fn call_log_and_list() {
    let db = Db::new();
    let a = acme(&db);
    let (ann, bob) = (ann(&db, a), bob(&db));
    let v = db.json(format!(
        "call log --contact {ann} --direction in --duration 1h30m --outcome no-answer \
         --notes 'Left a message' --at '2026-03-20 09:30'"
    ));
    assert_eq!(v["id"], 1);
    assert_eq!(v["contact_name"], "Ann Lee");
    assert_eq!(pick(&v, &["direction", "outcome"]), json!(["in", "no_answer"]));
    assert_eq!(v["duration_secs"], 5400);
    assert_eq!(v["owner"], "tester");
    let out = db.ok(format!("call log --contact {bob} --duration 90s --at '2026-01-05 14:00'"));
    assert_eq!(out.trim(), "logged call 2: out call, connected");

    // Newest first; filtered by contact and date.
    assert_eq!(numbers_of(&db.json("call list"), "id"), [1, 2]);
    assert_eq!(numbers_of(&db.json(format!("call list --contact {bob}")), "id"), [2]);
    assert_eq!(numbers_of(&db.json("call list --since 2026-02-01"), "id"), [1]);
    let text = db.ok("call list");
    assert!(has_row(&text, &["2026-03-20 09:30", "Ann Lee", "in", "1h 30m", "Left a message"]), "{text}");
    // A call is activity with the contact.
    assert!(db.json(format!("contact show {ann}"))["last_activity"].is_string());
}

#[test]
fn a_value_is_spelled_with_spaces_for_people_and_snake_case_in_json_and_flags_take_either() {
    let db = Db::new();
    let ann = ann(&db, acme(&db));
    for (i, outcome) in ["no answer", "no-answer", "No_Answer", "wrong number"].iter().enumerate() {
        let v = db.json(format!("call log --contact {ann} --outcome '{outcome}' --at '2026-03-2{i} 09:30'"));
        assert!(v["outcome"] == "no_answer" || v["outcome"] == "wrong_number", "{v}");
    }
    let text = db.ok("call list");
    assert!(text.contains("no answer") && text.contains("wrong number") && !text.contains('_'), "{text}");
    db.ok("lead add --first Li --last Wang --company Harbor --source 'trade-show'");
    let lead = db.json("lead show 1");
    assert_eq!(lead["source"], "trade_show");
    let text = db.ok("lead show 1");
    assert!(text.contains("trade show") && !text.contains("trade_show"), "{text}");
    assert!(db.ok("lead list").contains("trade show"));
    assert!(db.ok("source list").contains("trade show"));
}

#[test]
fn call_bad_input() {
    let db = Db::new();
    let c = ann(&db, acme(&db));
    db.fails_with("call log --contact 99", 1, "error: contact: contact:99 does not exist");
    db.fails_with(format!("call log --contact {c} --duration soon"), 1, "error: duration: 'soon'");
    db.fails_with(format!("call log --contact {c} --duration 25h"), 1, "error: duration: is longer than a day");
    db.fails_with(format!("call log --contact {c} --outcome happy"), 1, "error: outcome: 'happy'");
    db.fails_with(format!("call log --contact {c} --direction sideways"), 1, "error: direction: 'sideways'");
    db.fails_with(format!("call log --contact {c} --at '2026-13-01 10:00'"), 1, "error: at: '2026-13-01 10:00'");
    db.fails_with("call list --since yesterdayish", 1, "error: since: 'yesterdayish'");
    db.fails_with("call log", 2, "--contact");
}

// ---------------------------------------------------------------------------------------------
// event add and agenda
// ---------------------------------------------------------------------------------------------

#[test]
fn event_add_and_list() {
    let db = Db::new();
    let (a, b) = (ann(&db, acme(&db)), bob(&db));
    let v = db.json(format!(
        "event add --title Demo --start '2030-06-03 10:00' --end '2030-06-03 11:30' --location Paris \
         --contact {a} --contact {b}"
    ));
    assert_eq!(v["id"], 1);
    assert_eq!(pick(&v, &["title", "location"]), json!(["Demo", "Paris"]));
    assert_eq!(v["attendees"], json!([a, b]));
    assert_eq!(v["owner"], "tester");
    let text = db.ok("event list");
    assert!(has_row(&text, &["1", "2030-06-03 10:00", "2030-06-03 11:30", "Demo", "Paris"]), "{text}");
    // A meeting is activity with each attendee.
    assert!(db.json(format!("contact show {b}"))["last_activity"].is_string());
}

#[test]
fn event_bad_input() {
    let db = Db::new();
    ann(&db, acme(&db));
    let at = "--start '2030-06-03 10:00'";
    db.fails_with("event add --title X --start 'tomorrow 10am'", 1, "error: start: 'tomorrow 10am'");
    db.fails_with(format!("event add --title X {at} --end '2030-06-03 09:00'"), 1, "error: end: is before the start");
    db.fails_with(format!("event add --title X {at} --contact 99"), 1, "error: contact: contact:99 does not exist");
    db.fails_with(format!("event add --title '' {at}"), 1, "error: title: is required");
    db.fails_with("event add --title X", 2, "--start");
}

#[test]
fn agenda_shows_each_kind_by_day() {
    let db = Db::new();
    let a = acme(&db);
    db.id("contact add --first Ann --last Lee --birthday 1990-06-02");
    db.id("event add --title Demo --start '2030-06-03 09:00'");
    db.id("task add --title 'Send proposal' --due 2030-06-01");
    db.id(format!(
        "opp add --name 'Big deal' --account {a} --amount 1 --close-date 2030-07-01 \
         --next-step 'Call CFO' --next-step-date 2030-06-02"
    ));
    db.id("task add --title 'Too late' --due 2030-06-04");

    let items = db.json("agenda --date 2030-06-01 --days 3");
    assert_eq!(texts_of(&items, "date"), ["2030-06-01", "2030-06-02", "2030-06-02", "2030-06-03"]);
    assert_eq!(texts_of(&items, "kind"), ["task", "birthday", "next_step", "event"]);
    assert_eq!(texts_of(&items, "title"), ["Send proposal", "Ann Lee turns 40", "Big deal: Call CFO", "Demo"]);
    assert_eq!(items[3]["record"], json!({"kind": "event", "id": 1}));

    let text = db.ok("agenda --date 2030-06-03");
    assert!(has_row(&text, &["2030-06-03", "09:00", "event", "Demo", "event:1"]), "{text}");
    assert_eq!(db.ok("agenda --date 2031-01-01").trim(), "nothing on the agenda on 2031-01-01");
    assert_eq!(db.json("agenda --date 2031-01-01 --days 7"), json!([]));
}

#[test]
fn agenda_bad_input() {
    let db = Db::new();
    db.fails_with("agenda --date 2026-02-30", 1, "error: date: '2026-02-30'");
    db.fails_with("agenda --days 0", 1, "error: days: 0 is out of range");
    db.fails_with("agenda --days 400", 1, "error: days: 400 is out of range");
    db.fails_with("agenda --days some", 2, "--days");
}

// ---------------------------------------------------------------------------------------------
// project (add, done)
// ---------------------------------------------------------------------------------------------

#[test]
fn project_add_and_done() {
    let db = Db::new();
    let a = acme(&db);
    let v = db.json(format!("project add --name Rollout --due 2027-01-31 --account {a} --goal '50 seats live'"));
    assert_eq!(v["id"], 1);
    assert_eq!(pick(&v, &["status", "goal_met"]), json!(["active", "pending"]));
    assert_eq!(pick(&v, &["goal", "due"]), json!(["50 seats live", "2027-01-31"]));
    assert_eq!(db.ok("project add --name Pilot --due 2026-12-15").trim(), "created project 2: Pilot");
    assert_eq!(texts_of(&db.json("project list"), "name"), ["Pilot", "Rollout"], "by due date");

    let v = db.json("project done 1 --goal-met");
    assert_eq!(pick(&v, &["status", "goal_met"]), json!(["done", "yes"]));
    assert!(v["completed_at"].is_string(), "{v}");
    assert_eq!(db.ok("project done 2 --goal-missed").trim(), "completed project 2: Pilot");
    assert_eq!(texts_of(&db.json("project list"), "goal_met"), ["no", "yes"]);
    let text = db.ok("project list");
    assert!(has_row(&text, &["Rollout", "Acme Ltd", "2027-01-31", "done", "yes"]), "{text}");
}

#[test]
fn project_bad_input() {
    let db = Db::new();
    let p = db.id("project add --name Rollout --due 2027-01-31");
    db.fails_with("project add --name X --due someday", 1, "error: due: 'someday'");
    db.fails_with("project add --name '' --due 2027-01-01", 1, "error: name: is required");
    db.fails_with("project add --name X --due 2027-01-01 --account 99", 1, "error: account: account:99 does not exist");
    db.fails_with("project add --name X", 2, "--due");
    db.fails_with("project done 99 --goal-met", 1, "project:99 does not exist");
    db.fails_with(format!("project done {p}"), 2, "--goal-met");
    db.fails_with(format!("project done {p} --goal-met --goal-missed"), 2, "--goal-missed");
    db.ok(format!("project done {p} --goal-met"));
    db.fails_with(format!("project done {p} --goal-missed"), 1, "project 1 is already done");
}

#[test]
fn project_add_status_done_names_the_status_field() {
    let db = Db::new();
    db.fails_with("project add --name X --due 2027-01-01 --status done", 1, "error: status:");
}

// ---------------------------------------------------------------------------------------------
// campaign
// ---------------------------------------------------------------------------------------------

#[test]
fn campaign_add_and_list() {
    let db = Db::new();
    let v = db
        .json("campaign add --name 'Spring push' --channel email --budget 2500.5 --start 2027-03-01 --end 2027-04-30");
    assert_eq!(v["id"], 1);
    assert_eq!(pick(&v, &["budget", "channel"]), json!(["2500.50", "email"]));
    assert_eq!(pick(&v, &["start", "end"]), json!(["2027-03-01", "2027-04-30"]));
    assert_eq!(v["status"], "planned");
    assert_eq!(db.ok("campaign add --name Fair --status active").trim(), "created campaign 2: Fair");
    assert_eq!(texts_of(&db.json("campaign list"), "status"), ["planned", "active"]);
    let text = db.ok("campaign list");
    assert!(has_row(&text, &["Spring push", "email", "planned", "2,500.50 USD", "2027-03-01", "2027-04-30"]), "{text}");
    // A lead can name the campaign that brought it.
    assert_eq!(db.json("lead add --first A --last B --campaign 1")["campaign"], 1);
}

#[test]
fn campaign_bad_input() {
    let db = Db::new();
    db.id("campaign add --name 'Spring push'");
    db.fails_with("campaign add --name X --budget 1,000", 1, "error: budget: '1,000'");
    db.fails_with(
        "campaign add --name X --start 2027-03-01 --end 2027-02-01",
        1,
        "error: end: 2027-02-01 is before the start",
    );
    db.fails_with("campaign add --name X --start 2027-03-32", 1, "error: start: '2027-03-32'");
    db.fails_with("campaign add --name X --status live", 1, "error: status: 'live'");
    db.fails_with("campaign add --name ' '", 1, "error: name: is required");
    db.fails_with("campaign add", 2, "--name");
}

// ---------------------------------------------------------------------------------------------
// list (add, member)
// ---------------------------------------------------------------------------------------------

#[test]
fn list_add_and_member() {
    let db = Db::new();
    let (a, b) = (ann(&db, acme(&db)), bob(&db));
    let v = db.json("list add --name Newsletter");
    assert_eq!(pick(&v, &["id", "name"]), json!([1, "Newsletter"]));
    assert_eq!(v["members"], json!([]));
    assert_eq!(db.json(format!("list member 1 {a}"))["members"], json!([a]));
    assert_eq!(db.ok(format!("list member 1 {b}")).trim(), "updated list 1: Newsletter");
    assert_eq!(db.json("list show 1")["members"], json!([a, b]));
    let text = db.ok("list list");
    assert!(text.lines().any(|l| l.contains("Newsletter") && l.ends_with('2')), "{text}");
}

#[test]
fn list_bad_input() {
    let db = Db::new();
    let c = ann(&db, acme(&db));
    db.id("list add --name Newsletter");
    db.ok(format!("list member 1 {c}"));
    db.fails_with(format!("list member 1 {c}"), 1, "Ann Lee is already on the list 'Newsletter'");
    db.fails_with("list member 1 99", 1, "contact:99 does not exist");
    db.fails_with(format!("list member 99 {c}"), 1, "list:99 does not exist");
    db.fails_with("list add --name ''", 1, "error: name: is required");
    db.fails_with("list add", 2, "--name");
    db.fails_with("list member 1", 2, "<CONTACT>");
}

// ---------------------------------------------------------------------------------------------
// note add and timeline
// ---------------------------------------------------------------------------------------------

#[test]
fn note_add() {
    let db = Db::new();
    let a = acme(&db);
    let (c, o) = (ann(&db, a), deal(&db, a));
    let v = db.json(format!("note add --to contact:{c} '  Prefers email  '"));
    assert_eq!(v["id"], 1);
    assert_eq!(v["text"], "Prefers email");
    assert_eq!(v["target"], json!({"kind": "contact", "id": c}));
    assert_eq!(v["owner"], "tester");
    assert_eq!(db.ok(format!("note add --to opp:{o} 'Budget approved'")).trim(), "added note 2: Budget approved");
    assert_eq!(texts_of(&db.json(format!("note list --to opportunity:{o}")), "text"), ["Budget approved"]);
}

#[test]
fn note_bad_input() {
    let db = Db::new();
    ann(&db, acme(&db));
    let t = db.id("task add --title T");
    db.fails_with("note add --to account:1 '  '", 1, "error: text: is required");
    db.fails_with("note add --to contact:99 x", 1, "contact:99 does not exist");
    db.fails_with(format!("note add --to task:{t} x"), 1, "error: to: notes go on an account, contact, lead or opp");
    db.fails_with("note add --to widget:1 x", 1, "error: to: 'widget' is not a kind of record");
    db.fails_with("note add --to contact x", 1, "error: to: 'contact' is not a record");
    db.fails_with("note add x", 2, "--to");
    db.fails_with("note add --to contact:1", 2, "<TEXT>");
}

#[test]
fn timeline_shows_changes_and_activities() {
    let db = Db::new();
    let c = ann(&db, acme(&db));
    db.ok(format!("note add --to contact:{c} 'Prefers email'"));
    db.ok(format!("call log --contact {c} --notes 'Asked for references' --at '2020-01-01 10:00'"));
    db.ok(format!("contact edit {c} --title CTO"));

    let items = db.json(format!("timeline contact:{c}"));
    let whats = texts_of(&items, "what");
    for what in ["created", "updated", "note", "call"] {
        assert!(whats.iter().any(|w| w == what), "no {what} line: {items}");
    }
    assert!(texts_of(&items, "user").iter().all(|u| u == "tester"), "{items}");
    let summaries = texts_of(&items, "summary");
    assert!(summaries.iter().any(|s| s == "Prefers email"), "{items}");
    assert!(summaries.iter().any(|s| s.contains("title") && s.contains("CTO")), "{items}");
    // Newest first: the 2020 call is the last line.
    let at = texts_of(&items, "at");
    assert!(at.windows(2).all(|w| w[0] >= w[1]), "not newest first: {at:?}");
    assert_eq!(whats.last().map(String::as_str), Some("call"));

    let text = db.ok(format!("timeline contact:{c}"));
    assert!(has_row(&text, &["WHEN", "WHAT", "SUMMARY", "BY"]), "{text}");
    assert!(has_row(&text, &["2020-01-01 10:00", "call", "Asked for references", "tester"]), "{text}");
}

#[test]
fn timeline_within_one_second_is_newest_first() {
    // These commands usually run within one second: the later change must still come first.
    let db = Db::new();
    let o = deal(&db, acme(&db));
    db.ok(format!("opp move {o} qualification"));
    db.ok(format!("opp win {o}"));
    let items = db.json(format!("timeline opp:{o}"));
    let changes: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["what"] == "created" || i["what"] == "updated")
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        ["moved from Qualification to Closed Won", "moved from Prospecting to Qualification", "created opportunity"]
    );
}

#[test]
fn timeline_bad_input() {
    let db = Db::new();
    db.fails_with("timeline contact:99", 1, "contact:99 does not exist");
    db.fails_with("timeline foo", 1, "error: record: 'foo' is not a record");
    db.fails_with("timeline widget:1", 1, "error: record: 'widget' is not a kind of record");
    db.fails_with("timeline", 2, "<RECORD>");
}

// ---------------------------------------------------------------------------------------------
// search
// ---------------------------------------------------------------------------------------------

#[test]
fn search_finds_records_best_first() {
    let db = Db::new();
    let a = acme(&db);
    ann(&db, a);
    deal(&db, a);
    db.id("lead add --first Dee --last Egan --company 'Egan AB'");

    let hits = db.json("search acme");
    assert_eq!(
        hits[0],
        json!({"kind": "account", "id": a, "label": "Acme Ltd", "detail": "Paris", "score": hits[0]["score"]})
    );
    let scores = numbers_of(&hits, "score");
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "not best first: {scores:?}");
    // People and deals are found by their account's name too.
    let labels = texts_of(&hits, "label");
    assert!(labels.iter().any(|l| l == "Ann Lee") && labels.iter().any(|l| l == "Big deal"), "{hits}");

    assert_eq!(texts_of(&db.json("search acme --kind contact"), "label"), ["Ann Lee"]);
    assert_eq!(db.count("search acme --limit 1"), 1);
    assert_eq!(texts_of(&db.json("search egan"), "kind"), ["lead"]);

    let text = db.ok("search ann");
    assert!(has_row(&text, &["contact", "Ann Lee", "ann@acme.com"]), "{text}");
    assert_eq!(db.ok("search zzzzqqq").trim(), "nothing matches 'zzzzqqq'");
    assert_eq!(db.json("search zzzzqqq"), json!([]));
}

#[test]
fn search_bad_input() {
    let db = Db::new();
    acme(&db);
    db.fails_with("search acme --kind task", 1, "error: kind: task is not searched");
    db.fails_with("search acme --kind widget", 1, "error: kind: 'widget' is not a kind of record");
    db.fails_with("search acme --limit few", 2, "--limit");
    db.fails_with("search", 2, "<QUERY>");
}

#[test]
fn search_limit_zero_is_rejected() {
    let db = Db::new();
    acme(&db);
    db.fails_with("search acme --limit 0", 1, "error: limit:");
}

// ---------------------------------------------------------------------------------------------
// report stages, projects
// ---------------------------------------------------------------------------------------------

/// One row of the stages report as JSON (ids are not checked).
fn stage_row(row: &Value) -> Value {
    pick(row, &["stage", "outcome", "count", "amount", "weighted"])
}

#[test]
fn stages_report_counts_and_sums_every_stage() {
    let db = Db::new();
    // The forecast's deals (see `forecast_deals`), whatever their close date: weighted is each
    // deal's amount × its own probability, rounded per deal; the won deal is at 100%, the lost at 0%.
    forecast_deals(&db);
    let r = db.json("report stages");
    assert_eq!(
        pick(&r, &["from", "to", "currency", "left_out", "other_currencies"]),
        json!([null, null, "USD", 1, ["EUR"]])
    );
    let rows: Vec<Value> = r["stages"].as_array().unwrap().iter().map(stage_row).collect();
    assert_eq!(
        rows,
        [
            // Before 9,999.00 @10 + Jan B 10.01 @50 + After 8,888.00 @10: 999.90 + 5.01 + 888.80
            json!(["Prospecting", "open", 3, "18897.01", "1893.71"]),
            json!(["Qualification", "open", 1, "0.01", "0.01"]),
            json!(["Needs Analysis", "open", 0, "0.00", "0.00"]),
            json!(["Value Proposition", "open", 0, "0.00", "0.00"]),
            json!(["Id. Decision Makers", "open", 0, "0.00", "0.00"]),
            json!(["Perception Analysis", "open", 1, "2500.00", "1250.00"]),
            json!(["Proposal/Price Quote", "open", 1, "300.00", "195.00"]),
            json!(["Negotiation/Review", "open", 1, "1000.00", "800.00"]),
            json!(["Closed Won", "won", 1, "700.00", "700.00"]),
            json!(["Closed Lost", "lost", 1, "400.00", "0.00"]),
        ]
    );
    assert_eq!(stage_row(&r["total"]), json!(["Total", "open", 9, "23797.02", "4838.72"]));

    // Only the deals closing in the range; the EUR deal alone when asked for.
    let half = db.json(format!("report stages {HALF}"));
    assert_eq!(stage_row(&half["stages"][0]), json!(["Prospecting", "open", 1, "10.01", "5.01"]));
    assert_eq!(
        stage_row(&half["total"]),
        json!(["Total", "open", 6, "4510.02", "2950.02"]),
        "the lost deal closed today"
    );
    let eur = db.json(format!("report stages {HALF} --currency eur"));
    assert_eq!(pick(&eur, &["currency", "left_out", "other_currencies"]), json!(["EUR", 6, ["USD"]]));
    assert_eq!(stage_row(&eur["stages"][6]), json!(["Proposal/Price Quote", "open", 1, "5000.00", "3250.00"]));
    assert_eq!(stage_row(&eur["total"]), json!(["Total", "open", 1, "5000.00", "3250.00"]));
}

#[test]
fn stages_report_as_csv_and_text() {
    let db = Db::new();
    forecast_deals(&db);
    assert_eq!(
        db.ok(format!("report stages {HALF} --csv")),
        "stage,outcome,count,amount,weighted,currency\n\
         Prospecting,open,1,10.01,5.01,USD\n\
         Qualification,open,1,0.01,0.01,USD\n\
         Needs Analysis,open,0,0.00,0.00,USD\n\
         Value Proposition,open,0,0.00,0.00,USD\n\
         Id. Decision Makers,open,0,0.00,0.00,USD\n\
         Perception Analysis,open,1,2500.00,1250.00,USD\n\
         Proposal/Price Quote,open,1,300.00,195.00,USD\n\
         Negotiation/Review,open,1,1000.00,800.00,USD\n\
         Closed Won,won,1,700.00,700.00,USD\n\
         Closed Lost,lost,0,0.00,0.00,USD\n\
         Total,,6,4510.02,2950.02,USD\n"
    );
    let text = db.ok(format!("report stages {HALF}"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Opportunities by stage, closing 2026-01-01 to 2026-06-30, in USD", "{text}");
    assert!(has_row(&text, &["Perception Analysis", " 1 ", "2,500.00", "1,250.00"]), "{text}");
    assert!(has_row(&text, &["Total", " 6 ", "4,510.02", "2,950.02"]), "{text}");
    // Bars: Perception Analysis's 2,500.00 fills the 58 cells left beside 20-column labels.
    let bar = |label: &str| *lines.iter().find(|l| l.starts_with(label) && l.contains('│')).unwrap();
    assert_eq!(bar("Perception Analysis"), format!("Perception Analysis  │{}{}", "█".repeat(29), "░".repeat(29)));
    assert_eq!(bar("Closed Lost"), "Closed Lost          │", "lost today, out of the range");
    assert_eq!(bar("Needs Analysis"), "Needs Analysis       │");
    assert_eq!(lines.last(), Some(&"Amounts in USD; 1 opportunity in EUR left out: see it with --currency EUR."));
    for line in &lines {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}");
    }
}

#[test]
fn projects_report_states_and_counts() {
    let db = Db::new();
    let late = db.id("project add --name Late --due 2020-03-01");
    let ahead = db.id("project add --name Ahead --due 2099-01-01");
    let met = db.id("project add --name Met --due 2020-01-01 --goal 'Ten sites'");
    db.ok(format!("project done {met} --goal-met"));
    let missed = db.id("project add --name Missed --due 2098-01-01 --goal 'Five sites'");
    db.ok(format!("project done {missed} --goal-missed"));
    let dropped = db.id("project add --name Dropped --due 2020-02-01");
    db.ok(format!("project edit {dropped} --status cancelled"));
    let r = db.json("report projects");
    assert_eq!(
        r["counts"],
        json!([
            {"state": "on_track", "count": 1},
            {"state": "overdue", "count": 1},
            {"state": "goal_met", "count": 1},
            {"state": "goal_missed", "count": 1},
            {"state": "cancelled", "count": 1},
        ])
    );
    assert_eq!(r["total"], 5);
    // By due date.
    assert_eq!(numbers_of(&r["projects"], "id"), [met, dropped, late, missed, ahead]);
    assert_eq!(texts_of(&r["projects"], "state"), ["goal_met", "cancelled", "overdue", "goal_missed", "on_track"]);
    assert_eq!(
        db.ok("report projects --from 2020-02-01 --to 2098-01-01 --csv"),
        format!(
            "id,name,due,state\n{dropped},Dropped,2020-02-01,cancelled\n{late},Late,2020-03-01,overdue\n\
                 {missed},Missed,2098-01-01,goal_missed\n"
        )
    );
    let text = db.ok("report projects");
    assert!(has_row(&text, &[&late.to_string(), "Late", "2020-03-01", "overdue"]), "{text}");
    assert!(has_row(&text, &["done, goal met 1", "│█"]), "{text}");
    assert!(text.contains("5 projects in all"), "{text}");
}

/// Five addresses of three contacts (and one contact without any):
///
/// | address    | consent   | validity |
/// |------------|-----------|----------|
/// | ann@a.com  | opted in  | valid    |
/// | ann2@a.com | unknown   | unknown  |
/// | bob@b.com  | opted out | bounced  |
/// | cy@c.com   | opted in  | invalid  |
/// | cy2@c.com  | unknown   | valid    |
fn email_people(db: &Db) -> (u64, u64, u64) {
    let ann = db.id("contact add --first Ann --last Lee --email ann@a.com --email ann2@a.com");
    let bob = db.id("contact add --first Bob --last Stone --email bob@b.com");
    let cy = db.id("contact add --first Cy --last Young --email cy@c.com --email cy2@c.com");
    db.id("contact add --first Dee --last Noemail");
    db.ok(format!("contact email-status {ann} ann@a.com --opt-in"));
    db.ok(format!("contact email-status {ann} ann@a.com --valid"));
    db.ok(format!("contact email-status {bob} bob@b.com --opt-out"));
    db.ok(format!("contact email-status {bob} bob@b.com --bounced"));
    db.ok(format!("contact email-status {cy} cy@c.com --opt-in"));
    db.ok(format!("contact email-status {cy} cy@c.com --invalid"));
    db.ok(format!("contact email-status {cy} cy2@c.com --valid"));
    (ann, bob, cy)
}

#[test]
fn emails_report_counts_consent_by_validity_and_drills_down() {
    let db = Db::new();
    let (ann, _bob, cy) = email_people(&db);
    let r = db.json("report emails");
    let row = |consent: &str, n: [u64; 5]| json!({"consent": consent, "valid": n[0], "invalid": n[1], "bounced": n[2], "unknown": n[3], "total": n[4]});
    assert_eq!(
        r["rows"],
        json!([row("opted_in", [1, 1, 0, 0, 2]), row("opted_out", [0, 0, 1, 0, 1]), row("unknown", [1, 0, 0, 1, 2])])
    );
    assert_eq!(r["total"], row("total", [2, 1, 1, 1, 5]));
    assert!(r.get("addresses").is_none(), "no drill-down unless asked: {r}");
    assert_eq!(
        db.ok("report emails --csv"),
        "consent,valid,invalid,bounced,unknown,total\n\
         opted_in,1,1,0,0,2\n\
         opted_out,0,0,1,0,1\n\
         unknown,1,0,0,1,2\n\
         total,2,1,1,1,5\n"
    );
    // The drill-down: one consent, one validity, or one cell.
    let list = |cell: &str| texts_of(&db.json(format!("report emails --list {cell}"))["addresses"], "address");
    assert_eq!(list("opted-in"), ["ann@a.com", "cy@c.com"]);
    assert_eq!(list("any,valid"), ["ann@a.com", "cy2@c.com"]);
    assert_eq!(list("unknown,unknown"), ["ann2@a.com"]);
    assert_eq!(list("opted-out,valid"), Vec::<String>::new());
    assert_eq!(
        db.ok("report emails --csv --list opted_in,invalid"),
        format!("contact,name,email,consent,validity\n{cy},Cy Young,cy@c.com,opted_in,invalid\n")
    );
    let text = db.ok("report emails --list any,valid");
    assert!(has_row(&text, &[&ann.to_string(), "Ann Lee", "ann@a.com", "opted in", "valid"]), "{text}");
    let text = db.ok("report emails");
    assert!(has_row(&text, &["opted out", " 0 ", " 1 "]), "{text}");
    assert!(has_row(&text, &["total", " 2 ", " 1 ", " 5"]), "{text}");
    // Only contacts created in the period count.
    let later = db.json("report emails --from 2999-01-01");
    assert_eq!(later["total"], row("total", [0, 0, 0, 0, 0]));
    db.fails_with("report emails --list maybe", 1, "error: list: 'maybe' is not one of");
    db.fails_with("report emails --list any,lost", 1, "error: list: 'lost' is not one of");
}

#[test]
fn calls_report_ranks_accounts_and_counts_by_country_outcome_direction() {
    let db = Db::new();
    let acme = acme(&db); // France
    let ann = ann(&db, acme);
    let beta = db.id("account add --name Beta --country Germany");
    let bo = db.id(format!("contact add --first Bo --last Berg --account {beta}"));
    let zed = db.id("contact add --first Zed --last Nobody");
    let call = |contact: u64, at: &str, more: &str| db.ok(format!("call log --contact {contact} --at '{at}' {more}"));
    call(ann, "2026-02-28 23:59", "--duration 9m"); // before the range
    call(ann, "2026-03-01 00:00", "--duration 5m");
    call(ann, "2026-03-03 10:00", "--direction in --outcome voicemail --duration 1m");
    call(ann, "2026-03-31 23:00", "--duration 10m");
    call(bo, "2026-03-10 09:00", "--duration 20m");
    call(zed, "2026-03-15 09:00", "--outcome no-answer --duration 0");
    call(ann, "2026-04-01 00:00", "--duration 7m"); // after the range
    let r = db.json("report calls --from 2026-03-01 --to 2026-03-31");
    assert_eq!(pick(&r, &["from", "to", "calls", "talk_secs"]), json!(["2026-03-01", "2026-03-31", 5, 2160]));
    let acct = |id: u64, name: &str, calls: u64, talk: u64| json!({"account": id, "name": name, "calls": calls, "talk_secs": talk});
    assert_eq!(r["top_by_calls"], json!([acct(acme, "Acme Ltd", 3, 960), acct(beta, "Beta", 1, 1200)]));
    assert_eq!(r["top_by_talk"], json!([acct(beta, "Beta", 1, 1200), acct(acme, "Acme Ltd", 3, 960)]));
    let count = |label: &str, calls: u64, talk: u64| json!({"label": label, "calls": calls, "talk_secs": talk});
    assert_eq!(r["by_country"], json!([count("France", 3, 960), count("Germany", 1, 1200), count("unknown", 1, 0)]));
    assert_eq!(
        r["by_outcome"],
        json!([
            count("connected", 3, 2100),
            count("voicemail", 1, 60),
            count("no_answer", 1, 0),
            count("busy", 0, 0),
            count("wrong_number", 0, 0),
        ])
    );
    assert_eq!(r["by_direction"], json!([count("out", 4, 2100), count("in", 1, 60)]));
    assert_eq!(
        db.ok("report calls --from 2026-03-01 --to 2026-03-31 --csv"),
        "breakdown,label,calls,talk_secs\n\
         top_by_calls,Acme Ltd,3,960\ntop_by_calls,Beta,1,1200\n\
         top_by_talk,Beta,1,1200\ntop_by_talk,Acme Ltd,3,960\n\
         country,France,3,960\ncountry,Germany,1,1200\ncountry,unknown,1,0\n\
         outcome,connected,3,2100\noutcome,voicemail,1,60\noutcome,no_answer,1,0\noutcome,busy,0,0\n\
         outcome,wrong_number,0,0\ndirection,out,4,2100\ndirection,in,1,60\n"
    );
    let text = db.ok("report calls --from 2026-03-01 --to 2026-03-31");
    assert!(text.starts_with("Calls 2026-03-01 to 2026-03-31: 5, 36m talk time"), "{text}");
    assert!(has_row(&text, &["Acme Ltd", " 3 ", "16m"]), "{text}");
    assert!(text.lines().any(|l| l == format!("France  │{}", "█".repeat(60))), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}");
    }
    // The default period is the 30 days ending today: none of these calls.
    assert_eq!(db.json("report calls")["calls"], 0);
}

// ---------------------------------------------------------------------------------------------
// report forecast
// ---------------------------------------------------------------------------------------------

/// The forecast range of the dataset below: the first half of 2026.
const HALF: &str = "--from 2026-01-01 --to 2026-06-30";

/// Deals around the first half of 2026, worked out by hand (default stage probabilities:
/// Prospecting 10, Qualification 20, Perception Analysis 50, Proposal/Price Quote 65,
/// Negotiation/Review 80):
///
/// | deal     | close      | amount     | stage (default %)   | prob | weighted            | best case (50) |
/// |----------|------------|------------|---------------------|------|---------------------|----------------|
/// | Before   | 2025-12-31 | 9,999.00   | Prospecting         | 10   | out of range        |                |
/// | Jan A    | 2026-01-01 | 1,000.00   | Negotiation (80)    | 80   | 800.00              | yes            |
/// | Jan B    | 2026-01-31 | 10.01      | Prospecting (10)    | 50 * | 5.005 -> 5.01       | no             |
/// | Jan C    | 2026-01-15 | 0.01       | Qualification (20)  | 50 * | 0.005 -> 0.01       | no             |
/// | Feb      | 2026-02-15 | 2,500.00   | Perception (50)     | 50   | 1,250.00            | yes (= 50)     |
/// | Won      | 2026-04-01 | 700.00     | Closed Won (entered)|      | closed won 04-01    |                |
/// | Lost     | 2026-05-20 | 400.00     | Closed Lost (today) |      | not counted         |                |
/// | Jun      | 2026-06-30 | 300.00     | Proposal (65)       | 65   | 195.00              | yes            |
/// | Euro     | 2026-06-30 | 5,000 EUR  | Proposal (65)       | 65   | left out (EUR)      |                |
/// | After    | 2026-07-01 | 8,888.00   | Prospecting         | 10   | out of range        |                |
///
/// (* set by hand.) The won deal was entered won, so it closed on its close date; the lost one was
/// lost today, which dates it in the reports. January's weighted sum is 800.00 + 5.01 + 0.01 = 805.02: rounded once per
/// deal, half away from zero. Rounding the sum once would give 805.01; rounding half to even or
/// truncating would give 805.00.
fn forecast_deals(db: &Db) {
    let a = acme(db);
    let add = |name: &str, amount: &str, close: &str, more: &str| {
        db.id(format!("opp add --name '{name}' --account {a} --amount {amount} --close-date {close} {more}"))
    };
    add("Before", "9999", "2025-12-31", "");
    add("Jan A", "1000", "2026-01-01", "--stage negotiation/review");
    add("Jan B", "10.01", "2026-01-31", "--probability 50");
    add("Jan C", "0.01", "2026-01-15", "--stage qualification --probability 50");
    add("Feb", "2500", "2026-02-15", "--stage 'perception analysis'");
    add("Won", "700", "2026-04-01", "--stage 'closed won'");
    let lost = add("Lost", "400", "2026-05-20", "");
    db.ok(format!("opp lose {lost} --reason 'Went elsewhere'"));
    add("Jun", "300", "2026-06-30", "--stage 'proposal/price quote'");
    add("Euro", "5000", "2026-06-30", "--stage 'proposal/price quote' --currency EUR");
    add("After", "8888", "2026-07-01", "");
}

/// One period of a forecast as JSON.
fn period(label: &str, from: &str, to: &str, open: u64, sums: [&str; 4]) -> Value {
    let mut p = past_due(to, open, sums);
    p["label"] = json!(label);
    p["from"] = json!(from);
    p
}

/// The first row of a forecast as JSON: the open deals expected before `to`'s morrow, whatever
/// their date.
fn past_due(to: &str, open: u64, sums: [&str; 4]) -> Value {
    let [pipeline, weighted, best_case, closed_won] = sums;
    json!({"label": "past due", "from": null, "to": to, "open": open,
           "pipeline": pipeline, "weighted": weighted, "best_case": best_case, "closed_won": closed_won})
}

#[test]
fn forecast_by_month_and_quarter_in_json() {
    let db = Db::new();
    forecast_deals(&db);
    let f = db.json(format!("report forecast {HALF}"));
    assert_eq!(
        pick(&f, &["from", "to", "currency", "best_case_min", "left_out", "other_currencies"]),
        json!(["2026-01-01", "2026-06-30", "USD", 50, 1, ["EUR"]]),
        "six USD deals count against one EUR"
    );
    // The deal expected before the range and still open is past due: nothing open is left out.
    let before = past_due("2025-12-31", 1, ["9999.00", "999.90", "0.00", "0.00"]);
    assert_eq!(
        f["months"],
        json!([
            before,
            period("2026-01", "2026-01-01", "2026-01-31", 3, ["1010.02", "805.02", "1000.00", "0.00"]),
            period("2026-02", "2026-02-01", "2026-02-28", 1, ["2500.00", "1250.00", "2500.00", "0.00"]),
            period("2026-03", "2026-03-01", "2026-03-31", 0, ["0.00", "0.00", "0.00", "0.00"]),
            period("2026-04", "2026-04-01", "2026-04-30", 0, ["0.00", "0.00", "0.00", "700.00"]),
            period("2026-05", "2026-05-01", "2026-05-31", 0, ["0.00", "0.00", "0.00", "0.00"]),
            period("2026-06", "2026-06-01", "2026-06-30", 1, ["300.00", "195.00", "300.00", "0.00"]),
        ])
    );
    assert_eq!(
        f["quarters"],
        json!([
            before,
            period("2026-Q1", "2026-01-01", "2026-03-31", 4, ["3510.02", "2055.02", "3500.00", "0.00"]),
            period("2026-Q2", "2026-04-01", "2026-06-30", 1, ["300.00", "195.00", "300.00", "700.00"]),
        ])
    );
    // --by only picks the rows of the table and CSV: JSON always has both lists.
    assert_eq!(db.json(format!("report forecast {HALF} --by quarter")), f);
}

#[test]
fn forecast_best_case_threshold_currency_and_clipped_range() {
    let db = Db::new();
    forecast_deals(&db);
    let best = |min: &str| {
        let f = db.json(format!("report forecast {HALF} --best-case-min {min}"));
        assert_eq!(f["best_case_min"], min.parse::<u64>().unwrap());
        (f["quarters"][1]["best_case"].clone(), f["quarters"][2]["best_case"].clone())
    };
    assert_eq!(best("0"), (json!("3510.02"), json!("300.00")), "every open deal");
    assert_eq!(best("51"), (json!("1000.00"), json!("300.00")), "the 50% stage drops out");
    assert_eq!(best("80"), (json!("1000.00"), json!("0.00")));
    assert_eq!(best("100"), (json!("0.00"), json!("0.00")), "no open stage is at 100%");

    let eur = db.json(format!("report forecast {HALF} --currency eur"));
    assert_eq!(pick(&eur, &["currency", "left_out", "other_currencies"]), json!(["EUR", 7, ["USD"]]));
    assert_eq!(
        eur["months"][6],
        period("2026-06", "2026-06-01", "2026-06-30", 1, ["5000.00", "3250.00", "5000.00", "0.00"])
    );
    assert_eq!(
        (eur["quarters"][0]["pipeline"].clone(), eur["quarters"][1]["pipeline"].clone()),
        (json!("0.00"), json!("0.00"))
    );

    // A range inside the months: the periods are clipped to it; the open deals of the days
    // before are past due, the others left out are not counted.
    let f = db.json("report forecast --from 2026-01-02 --to 2026-04-01");
    assert_eq!(
        f["quarters"],
        json!([
            past_due("2026-01-01", 2, ["10999.00", "1799.90", "1000.00", "0.00"]),
            period("2026-Q1", "2026-01-02", "2026-03-31", 3, ["2510.02", "1255.02", "2500.00", "0.00"]),
            period("2026-Q2", "2026-04-01", "2026-04-01", 0, ["0.00", "0.00", "0.00", "700.00"]),
        ])
    );
    assert_eq!(texts_of(&f["months"], "label"), ["past due", "2026-01", "2026-02", "2026-03", "2026-04"]);
    // The deals one day outside --from and --to count when the range takes them in.
    let f = db.json("report forecast --from 2025-12-31 --to 2026-07-01 --by quarter");
    assert_eq!(texts_of(&f["quarters"], "label"), ["past due", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]);
    assert_eq!(texts_of(&f["quarters"], "pipeline"), ["0.00", "9999.00", "3510.02", "300.00", "8888.00"]);
    assert_eq!(pick(&f["quarters"][4], &["from", "to"]), json!(["2026-07-01", "2026-07-01"]));
}

#[test]
fn forecast_as_csv() {
    let db = Db::new();
    forecast_deals(&db);
    assert_eq!(
        db.ok(format!("report forecast {HALF} --csv")),
        "period,from,to,open,pipeline,weighted,best_case,closed_won\n\
         past due,,2025-12-31,1,9999.00,999.90,0.00,0.00\n\
         2026-01,2026-01-01,2026-01-31,3,1010.02,805.02,1000.00,0.00\n\
         2026-02,2026-02-01,2026-02-28,1,2500.00,1250.00,2500.00,0.00\n\
         2026-03,2026-03-01,2026-03-31,0,0.00,0.00,0.00,0.00\n\
         2026-04,2026-04-01,2026-04-30,0,0.00,0.00,0.00,700.00\n\
         2026-05,2026-05-01,2026-05-31,0,0.00,0.00,0.00,0.00\n\
         2026-06,2026-06-01,2026-06-30,1,300.00,195.00,300.00,0.00\n"
    );
    assert_eq!(
        db.ok(format!("report forecast {HALF} --csv --by quarter --best-case-min 80")),
        "period,from,to,open,pipeline,weighted,best_case,closed_won\n\
         past due,,2025-12-31,1,9999.00,999.90,0.00,0.00\n\
         2026-Q1,2026-01-01,2026-03-31,4,3510.02,2055.02,1000.00,0.00\n\
         2026-Q2,2026-04-01,2026-06-30,1,300.00,195.00,0.00,700.00\n"
    );
}

#[test]
fn forecast_text_has_a_table_bars_and_the_currency() {
    let db = Db::new();
    forecast_deals(&db);
    let text = db.ok(format!("report forecast {HALF}"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Forecast 2026-01-01 to 2026-06-30 in USD, by month", "{text}");
    assert!(has_row(&text, &["PERIOD", "OPEN", "PIPELINE", "WEIGHTED", "BEST CASE", "CLOSED WON"]), "{text}");
    assert!(has_row(&text, &["2026-01", " 3 ", "1,010.02", "805.02", "1,000.00", "0.00"]), "{text}");
    assert!(has_row(&text, &["2026-04", " 0 ", "0.00", "700.00"]), "{text}");
    assert!(has_row(&text, &["past due", " 1 ", "9,999.00", "999.90", "0.00", "0.00"]), "{text}");
    // Bars scale to the largest pipeline (the past due 9,999.00 fills 60 cells); the weighted
    // part is solid: February 2,500.00 -> 15 cells, 1,250.00 of it -> 8; January 1,010.02 -> 6,
    // 805.02 of it -> 5.
    let bar = |label: &str| {
        *lines
            .iter()
            .find(|l| l.starts_with(&format!("{label:<8} │")))
            .unwrap_or_else(|| panic!("no {label} bar: {text}"))
    };
    assert_eq!(bar("past due"), format!("past due │{}{}", "█".repeat(6), "░".repeat(54)));
    assert_eq!(bar("2026-02"), format!("2026-02  │{}{}", "█".repeat(8), "░".repeat(7)));
    assert_eq!(bar("2026-01"), format!("2026-01  │{}░", "█".repeat(5)));
    assert_eq!(bar("2026-06"), "2026-06  │█░");
    assert_eq!(bar("2026-04"), "2026-04  │", "no open pipeline, no bar");
    assert!(text.contains("a full bar is 9,999.00"), "{text}");
    assert!(lines.contains(&"Best case: open deals in stages at 50% or more."), "{text}");
    assert_eq!(lines.last(), Some(&"Amounts in USD; 1 opportunity in EUR left out: see it with --currency EUR."));
    for line in &lines {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}");
        assert_eq!(*line, line.trim_end(), "trailing spaces in {line:?}");
    }

    let text = db.ok(format!("report forecast {HALF} --by quarter --currency USD"));
    assert!(has_row(&text, &["2026-Q1", " 4 ", "3,510.02", "2,055.02", "3,500.00"]), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("2026-01")), "no month rows when by quarter: {text}");
    // An empty forecast says so instead of drawing nothing.
    let empty = Db::new().ok("report forecast --from 2030-01-01 --to 2030-03-31");
    assert!(empty.contains("no open pipeline in this range"), "{empty}");
    assert!(empty.contains("Amounts in USD."), "{empty}");
}

/// Every open deal expected up to the forecast's last day is in one of its rows, whatever the
/// range: the pipeline adds up to the open deals of the stages report up to the same day.
#[test]
fn forecast_pipeline_is_the_open_pipeline_up_to_its_last_day() {
    let db = Db::new();
    forecast_deals(&db);
    let cents = |v: &Value| rolo::model::Amount::parse(v.as_str().unwrap()).unwrap().0;
    for (from, to) in [("2026-01-01", "2026-06-30"), ("2026-03-01", "2026-03-31"), ("2030-01-01", "2030-03-31")] {
        let f = db.json(format!("report forecast --from {from} --to {to}"));
        let stages = db.json(format!("report stages --to {to}"));
        let open: i64 = stages["stages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["outcome"] == "open")
            .map(|s| cents(&s["amount"]))
            .sum();
        for by in ["months", "quarters"] {
            let pipeline: i64 = f[by].as_array().unwrap().iter().map(|p| cents(&p["pipeline"])).sum();
            assert_eq!(pipeline, open, "{from} to {to} by {by}: {f}");
        }
    }
}

#[test]
fn forecast_defaults_to_twelve_months_from_this_month() {
    let db = Db::new();
    let f = db.json("report forecast");
    let months = texts_of(&f["months"], "label");
    assert_eq!(months.len(), 13, "past due and twelve months: {f}");
    let today = chrono::Local::now().date_naive();
    assert_eq!(months[1], today.format("%Y-%m").to_string());
    assert_eq!(f["from"], today.format("%Y-%m-01").to_string());
    assert!(matches!(f["quarters"].as_array().unwrap().len(), 5 | 6), "{f}");
    assert_eq!(pick(&f, &["currency", "left_out"]), json!(["USD", 0]));
}

// ---------------------------------------------------------------------------------------------
// report tasks, campaigns, activity
// ---------------------------------------------------------------------------------------------

/// Today, and the Monday of this ISO week, as the binary sees them (local time).
fn this_week() -> (chrono::NaiveDate, chrono::NaiveDate) {
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    (today, today - chrono::Days::new(today.weekday().num_days_from_monday() as u64))
}

/// One week of the tasks report: `[completed, late, open, overdue]`.
fn task_week(w: &Value) -> Value {
    pick(w, &["completed", "late", "open", "overdue"])
}

#[test]
fn tasks_report_counts_completion_per_iso_week() {
    let db = Db::new();
    let (_, monday) = this_week();
    let day = |offset: i64| (monday + chrono::TimeDelta::days(offset)).to_string();
    // Completed now (this week): one after its due date (last Sunday), three on time (due today,
    // none, in three weeks).
    for due in [format!("--due {}", day(-1)), "--due today".into(), String::new(), format!("--due {}", day(20))] {
        let id = db.id(format!("task add --title Done {due}"));
        db.ok(format!("task done {id}"));
    }
    // Still open: due last Sunday (overdue this week), this Saturday (overdue only from its
    // morrow: this week counts as of today), next Monday, in three weeks, never.
    for due in [-1, 5, 7, 20].map(|d| format!("--due {}", day(d))).into_iter().chain([String::new()]) {
        db.id(format!("task add --title Open {due}"));
    }
    // This week's overdue tasks are the ones the task list calls overdue: last Sunday's, and
    // Saturday's when today is Sunday.
    let overdue = db.json("task list --overdue").as_array().expect("tasks").len() as u64;
    assert_eq!(overdue, 1 + u64::from(day(6) == this_week().0.to_string()));
    // The default period: the 8 weeks ending with this one; the tasks were all created this week.
    let r = db.json("report tasks");
    assert_eq!((r["from"].clone(), r["to"].clone()), (json!(day(-49)), json!(day(6))), "{r}");
    let weeks = r["weeks"].as_array().expect("weeks");
    assert_eq!(weeks.len(), 8, "{r}");
    for w in &weeks[..7] {
        assert_eq!(task_week(w), json!([0, 0, 0, 0]), "nothing before this week: {r}");
    }
    assert_eq!(task_week(&weeks[7]), json!([4, 1, 5, overdue]), "{r}");
    assert_eq!(weeks[7]["from"], json!(day(0)));
    assert_eq!(r["on_time_rate"], json!(0.75));
    // A period from a Wednesday to a Tuesday is widened to whole weeks; next week has not come:
    // nothing is overdue in it yet.
    let r = db.json(format!("report tasks --from {} --to {}", day(2), day(8)));
    assert_eq!((r["from"].clone(), r["to"].clone()), (json!(day(0)), json!(day(13))), "{r}");
    let weeks: Vec<Value> = r["weeks"].as_array().expect("weeks").iter().map(task_week).collect();
    assert_eq!(weeks, [json!([4, 1, 5, overdue]), json!([0, 0, 5, 0])], "{r}");
    // Fixed weeks across a year end: ISO week labels; weeks after today have nothing overdue.
    assert_eq!(
        db.json("report tasks --from 2099-12-30 --to 2100-01-05"),
        json!({
            "from": "2099-12-28",
            "to": "2100-01-10",
            "today": this_week().0.to_string(),
            "weeks": [
                {"week": "2099-W53", "from": "2099-12-28", "to": "2100-01-03", "completed": 0, "late": 0, "open": 5, "overdue": 0},
                {"week": "2100-W01", "from": "2100-01-04", "to": "2100-01-10", "completed": 0, "late": 0, "open": 5, "overdue": 0},
            ],
            "on_time_rate": null,
        })
    );
    assert_eq!(
        db.ok("report tasks --from 2020-01-01 --to 2020-01-12 --csv"),
        "week,from,to,completed,late,open,overdue\n\
         2020-W01,2019-12-30,2020-01-05,0,0,0,0\n\
         2020-W02,2020-01-06,2020-01-12,0,0,0,0\n"
    );
    let text = db.ok("report tasks");
    assert!(text.contains("75% of the tasks completed in this range were on time"), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}");
    }
    db.fails_with(
        "report tasks --from 2000-01-01 --to 2030-01-01",
        1,
        "error: to: 1999-12-27 to 2030-01-06 spans 1567 weeks: give at most 520",
    );
}

#[test]
fn campaigns_report_counts_leads_deals_and_cost_per_lead() {
    let db = Db::new();
    let acme = acme(&db);
    let spring = db.id("campaign add --name Spring --budget 1000");
    let fair = db.id("campaign add --name Fair --budget 500 --currency EUR");
    db.id("campaign add --name Quiet");
    let lead = |campaign: u64| db.id(format!("lead add --first A --last B --company 'Acme Ltd' --campaign {campaign}"));
    let opp_of = |c: &Value| c["opportunity"].as_u64().expect("an opportunity");
    // Spring: three leads, two converted (one with a won 3,000 deal); an open deal of its own;
    // and a won 700 deal from Fair's lead that names Spring as its campaign (counted for both).
    let won = opp_of(&db.json(format!("lead convert {} --amount 3000 --close-date 2027-01-31", lead(spring))));
    db.ok(format!("opp win {won}"));
    db.json(format!("lead convert {}", lead(spring)));
    lead(spring);
    db.id(format!("opp add --name Open --account {acme} --amount 200 --close-date 2027-01-31 --campaign {spring}"));
    let both = opp_of(&db.json(format!("lead convert {} --amount 700 --close-date 2027-01-31", lead(fair))));
    db.ok(format!("opp edit {both} --campaign {spring}"));
    db.ok(format!("opp win {both}"));
    // Fair: a won deal in euros, left out of a report in dollars.
    let euros = db.id(format!(
        "opp add --name Euro --account {acme} --amount 999 --close-date 2027-01-31 --campaign {fair} --currency EUR"
    ));
    db.ok(format!("opp win {euros}"));
    // Dollars by default: two won dollar deals (three counts) and one dollar budget beat one of each in euros.
    assert_eq!(
        db.json("report campaigns"),
        json!({"currency": "USD", "campaigns": [
            {"id": spring, "name": "Spring", "leads": 3, "converted": 2, "opportunities": 3,
             "won": "3700.00", "budget": "1000.00", "cost_per_lead": "333.33"},
            {"id": fair, "name": "Fair", "leads": 1, "converted": 1, "opportunities": 2,
             "won": "700.00", "budget": null, "cost_per_lead": null},
            {"id": 3, "name": "Quiet", "leads": 0, "converted": 0, "opportunities": 0,
             "won": "0.00", "budget": null, "cost_per_lead": null},
        ]})
    );
    let eur = db.json("report campaigns --currency eur");
    assert_eq!(eur["currency"], "EUR");
    assert_eq!(
        eur["campaigns"]
            .as_array()
            .expect("campaigns")
            .iter()
            .map(|c| pick(c, &["won", "budget", "cost_per_lead"]))
            .collect::<Vec<_>>(),
        [json!(["0.00", null, null]), json!(["999.00", "500.00", "500.00"]), json!(["0.00", null, null])]
    );
    assert_eq!(
        db.ok("report campaigns --csv"),
        "id,name,leads,converted,opportunities,won,budget,cost_per_lead,currency\n\
         1,Spring,3,2,3,3700.00,1000.00,333.33,USD\n\
         2,Fair,1,1,2,700.00,,,USD\n\
         3,Quiet,0,0,0,0.00,,,USD\n"
    );
    let text = db.ok("report campaigns");
    assert!(has_row(&text, &["Spring", " 3 ", "3,700.00", "1,000.00", "333.33"]), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}");
    }
    db.fails_with("report campaigns --from 2026-01-01", 1, "error: from: the campaigns report covers every campaign");
}

#[test]
fn activity_report_counts_calls_tasks_and_moves_per_person_and_day() {
    let db = Db::new();
    // As in the README: `--from mon` starts the period on this week's Monday, not the next one.
    let (today, monday) = this_week();
    let week = db.json("report activity --from mon --to today");
    assert_eq!(pick(&week, &["from", "to"]), json!([monday.to_string(), today.to_string()]), "{week}");
    let acme = acme(&db);
    let ann = ann(&db, acme);
    // Commands run as bob (they stamp bob as the owner of calls and the author of moves).
    let as_bob = |line: String| {
        let out = rolo(&db.path).env("ROLO_USER", "bob").args(line.as_str().words()).output().expect("run rolo");
        assert_eq!(out.status.code(), Some(0), "rolo {line} as bob failed: {:?}", texts(&out));
    };
    let call = |at: &str, more: &str| format!("call log --contact {ann} --at '{at}' {more}");
    db.ok(call("2026-02-28 23:59", "")); // before the range
    db.ok(call("2026-03-01 10:00", ""));
    db.ok(call("2026-03-01 11:00", "--outcome voicemail"));
    db.ok(call("2026-03-03 09:00", ""));
    db.ok(call("2026-03-04 00:00", "")); // after the range
    as_bob(call("2026-03-02 12:00", "--outcome no-answer"));
    as_bob(call("2026-03-03 08:00", ""));
    // Today: a call now, tasks completed (counted for their owner, whoever completes them) and
    // deals moved (counted for whoever moved them: a win is a move too; creating one is not).
    db.ok(format!("call log --contact {ann}"));
    for owner in ["tester", "carol"] {
        let id = db.id(format!("task add --title Do --owner {owner}"));
        db.ok(format!("task done {id}"));
    }
    db.id("task add --title Open");
    let deal = |name: &str| {
        db.id(format!("opp add --name {name} --account {acme} --amount 100 --close-date 2027-01-31 --owner carol"))
    };
    let (one, two) = (deal("One"), deal("Two"));
    db.ok(format!("opp move {one} Qualification"));
    db.ok(format!("opp win {one}"));
    as_bob(format!("opp move {two} Qualification"));
    let row = |owner: &str, day: &str, n: [u64; 4]| json!({"owner": owner, "day": day, "calls": n[0], "connected": n[1], "tasks_done": n[2], "deals_moved": n[3]});
    assert_eq!(
        db.json("report activity --from 2026-03-01 --to 2026-03-03"),
        json!({"from": "2026-03-01", "to": "2026-03-03", "rows": [
            row("bob", "2026-03-02", [1, 0, 0, 0]),
            row("bob", "2026-03-03", [1, 1, 0, 0]),
            row("tester", "2026-03-01", [2, 1, 0, 0]),
            row("tester", "2026-03-03", [1, 1, 0, 0]),
        ]})
    );
    let (today, _) = this_week();
    let day = today.to_string();
    assert_eq!(
        db.json("report activity"),
        json!({"from": (today - chrono::Days::new(6)).to_string(), "to": day, "rows": [
            row("bob", &day, [0, 0, 0, 1]),
            row("carol", &day, [0, 0, 1, 0]),
            row("tester", &day, [1, 1, 1, 2]),
        ]})
    );
    assert_eq!(
        db.ok("report activity --from 2026-03-01 --to 2026-03-03 --csv"),
        "owner,day,calls,connected,tasks_done,deals_moved\n\
         bob,2026-03-02,1,0,0,0\nbob,2026-03-03,1,1,0,0\n\
         tester,2026-03-01,2,1,0,0\ntester,2026-03-03,1,1,0,0\n"
    );
    let text = db.ok("report activity --from 2026-03-01 --to 2026-03-03");
    assert!(has_row(&text, &["tester", "2026-03-01", " 2 ", " 1 "]), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}");
    }
    assert_eq!(db.json("report activity --from 2020-01-01 --to 2020-01-31")["rows"], json!([]));
}

/// The reports built besides the forecast.
const BUILT_REPORTS: [&str; 7] = ["stages", "projects", "emails", "calls", "tasks", "campaigns", "activity"];

#[test]
fn report_bad_input() {
    let db = Db::new();
    forecast_deals(&db);
    db.fails_with(
        "report frobnicate",
        1,
        "error: report: 'frobnicate' is not a report: use one of stages, tasks, calls, projects, emails, forecast, campaigns, activity",
    );
    for name in BUILT_REPORTS {
        db.fails_with(format!("report {name} --from 2026-13-01"), 1, "error: from: '2026-13-01' is not a date");
        db.fails_with(
            format!("report {name} --from 2026-06-01 --to 2026-01-01"),
            1,
            "error: to: 2026-01-01 is before --from 2026-06-01",
        );
        db.fails_with(format!("--json report {name} --csv"), 1, "error: csv: cannot be combined with --json");
    }
    db.fails_with("report forecast --from 2026-13-01", 1, "error: from: '2026-13-01' is not a date");
    db.fails_with("report forecast --to soon", 1, "error: to: 'soon' is not a date");
    db.fails_with(
        "report forecast --from 2026-06-01 --to 2026-01-01",
        1,
        "error: to: 2026-01-01 is before --from 2026-06-01",
    );
    db.fails_with("report forecast --from 2026-01-01 --to 2526-01-01", 1, "error: to:");
    db.fails_with("report forecast --best-case-min 101", 2, "--best-case-min");
    db.fails_with("report forecast --best-case-min -1", 2, "-1");
    db.fails_with("report forecast --by week", 2, "--by");
    db.fails_with("report forecast --currency EURO", 1, "error: currency: 'EURO' is not a currency code");
    db.fails_with("--json report forecast --csv", 1, "error: csv: cannot be combined with --json");
    db.fails_with("report forecast --csv --json", 1, "error: csv:");
    db.fails_with("report", 2, "<NAME>");
}

// ---------------------------------------------------------------------------------------------
// demo, check, backup
// ---------------------------------------------------------------------------------------------

#[test]
fn demo_fills_an_empty_database_the_same_way_each_time() {
    let db = Db::new();
    let summary = db.json("demo --contacts 40 --seed 7");
    // 40 contacts and 10 accounts, plus the contact the one converted lead (of 12) became.
    assert_eq!(pick(&summary, &["contacts", "accounts", "leads"]), json!([41, 10, 12]));
    assert!(summary["opportunities"].as_u64() > Some(0), "{summary}");
    let people = db.json("contact list");
    assert_eq!(people.as_array().unwrap().len(), 41);
    assert_eq!(db.count("account list"), 10);
    assert_eq!(db.json("lead list --status converted").as_array().unwrap().len(), 1);
    assert!(db.ok("check").contains("database ok"));
    // An accepted demo quote gave its deal its total, said in the deal's timeline by number.
    let quotes = db.json("quote list");
    let accepted = quotes.as_array().unwrap().iter().find(|q| q["status"] == "accepted").expect("an accepted quote");
    let (deal, number) = (accepted["opportunity"].as_u64().unwrap(), accepted["number"].as_str().unwrap());
    let timeline = db.ok(format!("timeline opp:{deal}"));
    assert!(timeline.contains(&format!("from accepted quote {number}")), "{timeline}");

    // The same seed gives the same people.
    let other = Db::new();
    let text = other.ok("demo --contacts 40 --seed 7");
    assert!(text.starts_with("demo data added: 10 accounts, 41 contacts"), "{text}");
    let full = |v: &Value| [texts_of(v, "first_name"), texts_of(v, "last_name")];
    assert_eq!(full(&other.json("contact list")), full(&people));
}

#[test]
fn demo_bad_input() {
    let db = Db::new();
    acme(&db);
    db.fails_with("demo --contacts 40", 1, "--force");
    db.fails_with("demo --contacts many", 2, "--contacts");
    // With --force it adds to what is there.
    db.ok("demo --contacts 40 --force");
    assert_eq!(db.count("account list"), 11);
}

#[test]
fn check_a_sound_database() {
    let db = Db::new();
    let a = acme(&db);
    ann(&db, a);
    deal(&db, a);
    assert_eq!(db.ok("check").trim(), "database ok: every record decodes, links resolve, indexes agree");
    assert_eq!(db.json("check"), json!({"ok": true, "problems": []}));
}

#[test]
fn check_bad_input() {
    // Not a database at all: refused, naming the file, which is left alone.
    let db = Db::new();
    let junk = db.file("junk.redb");
    std::fs::write(&junk, "this is not a database\n").unwrap();
    let out = rolo(&junk).arg("check").output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.starts_with("error: ") && stderr.lines().count() == 1, "{stderr}");
    assert!(stderr.contains("junk.redb"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&junk).unwrap(), "this is not a database\n");

    db.fails_with("check extra", 2, "'extra'");
}

#[test]
fn check_a_damaged_database() {
    let db = Db::new();
    acme(&db);
    // Keep the file header; overwrite every page after it.
    let mut bytes = std::fs::read(&db.path).unwrap();
    bytes[4096..].fill(0xab);
    std::fs::write(&db.path, &bytes).unwrap();
    db.fails_only("check", 1, "error: ");
}

#[test]
fn backup_copies_the_database() {
    let db = Db::new();
    let a = acme(&db);
    ann(&db, a);
    deal(&db, a);
    let copy = db.file("copy.redb");
    let copy_name = copy.to_str().unwrap();
    assert_eq!(db.ok(["backup", copy_name]).trim(), format!("backed up to {copy_name}"));
    assert_eq!(snapshot(&copy), db.snapshot());
    assert!(run_ok(&copy, "check").contains("database ok"));

    let copy2 = db.file("copy2.redb");
    let v = db.json(["backup", copy2.to_str().unwrap()]);
    assert_eq!(v["backup"], copy2.to_str().unwrap());
    assert!(copy2.exists());
}

#[test]
fn backup_bad_input() {
    let db = Db::new();
    acme(&db);
    let taken = db.file("taken.redb");
    std::fs::write(&taken, "keep me").unwrap();
    db.fails_with(["backup", taken.to_str().unwrap()], 1, "taken.redb");
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "keep me", "an existing file is never overwritten");
    let nowhere = db.file("no/such/folder/x.redb");
    db.fails_with(["backup", nowhere.to_str().unwrap()], 1, "x.redb");
    db.fails_with("backup", 2, "<FILE>");
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

/// A file of `tests/fixtures/import`.
fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

impl Db {
    /// Runs an import that must be refused: exit 1, nothing on stdout, an `error:` line first and
    /// then one line per problem, each `needles` among them, and the database unchanged.
    fn refused(&self, line: impl Line, needles: &[&str]) -> String {
        let args = line.words();
        let before = self.snapshot();
        let out = rolo(&self.path).args(&args).output().expect("run rolo");
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(1), "rolo {args:?}: stdout {stdout} stderr {stderr}");
        assert!(stdout.is_empty(), "rolo {args:?} printed {stdout}");
        assert!(stderr.starts_with("error: ") && !stderr.contains("panicked"), "{stderr}");
        for n in needles {
            assert!(stderr.contains(n), "rolo {args:?}: stderr does not mention {n:?}: {stderr}");
        }
        assert_eq!(self.snapshot(), before, "a refused import changed the database");
        stderr
    }
}

#[test]
fn a_google_contacts_export_imports_with_its_companies_labels_and_quoted_newlines() {
    let db = Db::new();
    let report = db.json(["import", "contact", &fixture("google.csv")]);
    assert_eq!((report["rows"].as_u64(), report["created"].as_array().map(Vec::len)), (Some(3), Some(3)));
    assert_eq!(report["accounts_created"].as_array().map(Vec::len), Some(2), "{report}");
    let zoe = db.json("contact show 1");
    assert_eq!(zoe["first_name"], "Zoë");
    assert_eq!(zoe["account_name"], "Ōsaka Trading 株式会社");
    assert_eq!(column(&zoe["emails"], "address"), ["zoe@osaka.example.com", "zoe.home@example.com"]);
    assert_eq!(column(&zoe["phones"], "label")[0], "mobile");
    assert_eq!(zoe["addresses"][0]["street"], "1-2-3 Umeda");
    assert_eq!(zoe["addresses"][0]["postal_code"], "530-0001");
    assert_eq!(zoe["birthday"], "1980-02-29");
    assert_eq!(zoe["tags"], json!(["Customers"]), "Google's system groups are left out");
    let notes = db.json("note list");
    assert_eq!(notes[0]["text"], "Met at the\nKyoto fair", "a quoted newline stays inside the cell");
    // Google writes several values in one cell with ":::".
    let sam = db.json("contact show 3");
    assert_eq!(column(&sam["emails"], "address"), ["sam@globex.example.com", "sam.lee@example.org"]);
    assert_eq!(sam["account"], db.json("contact show 2")["account"], "one Globex for both");
    // A birthday without a year cannot be kept: it is left out and said so.
    assert!(report["notes"].to_string().contains("--05-17"), "{report}");
    assert_eq!(db.json("contact show 2")["birthday"], Value::Null);
}

#[test]
fn an_outlook_export_reads_its_business_address_and_month_first_dates() {
    let db = Db::new();
    db.json(["import", "contacts", &fixture("outlook.csv")]);
    let ana = db.json("contact show 1");
    assert_eq!(ana["title"], "Buyer", "Outlook's Title column is Ms / Mr, its Job Title the title");
    assert_eq!((&ana["prefix"], &ana["department"]), (&json!("Ms."), &json!("Sales")));
    assert_eq!(ana["birthday"], "1985-07-04");
    assert_eq!(ana["addresses"][0]["city"], "Madrid");
    assert_eq!(ana["addresses"][0]["label"], "work");
    assert_eq!(ana["tags"], json!(["VIP", "Spain"]));
    assert_eq!(column(&ana["phones"], "number"), ["+34 91 000 0001", "+34 91 555 0101", "+34 600 123 456"]);
    assert_eq!(column(&ana["phones"], "label")[0], "work fax", "a fax is kept, marked so");
    let john = db.json("contact show 2");
    assert_eq!(john["birthday"], Value::Null, "0/0/00 means no birthday");
    assert_eq!(john["middle_name"], "Q");
    assert_eq!((&john["prefix"], &john["suffix"]), (&json!("Mr."), &json!("Jr.")));
    assert_eq!(john["addresses"][0]["label"], "home");
}

#[test]
fn a_semicolon_file_with_a_bom_imports_with_a_mapping() {
    let db = Db::new();
    let file = fixture("semicolon_bom.csv");
    db.fails_only(["import", "contact", &file], 1, "map one with --map COLUMN=last");
    let maps = ["Vorname=first", "Nachname=last", "E-Mail=email", "Firma=company", "Geburtstag=birthday"];
    let mut line: Vec<String> = ["import", "contact", &file].map(String::from).to_vec();
    for m in maps {
        line.extend(["--map".to_string(), m.to_string()]);
    }
    db.json(line);
    let list = db.json("contact list");
    assert_eq!(column(&list, "last_name"), ["Groß", "Weiß"]);
    assert_eq!(db.json("contact show 1")["birthday"], "1975-12-01");
    assert_eq!(db.count("account list"), 1);
    db.fails_only(["import", "contact", &file, "--map", "Nope=first"], 1, "no column 'Nope'");
    db.fails_only(["import", "contact", &file, "--map", "Vorname=shoe-size"], 1, "no field 'shoe-size'");
}

#[test]
fn with_strict_one_bad_row_refuses_the_whole_import_naming_every_bad_line() {
    let db = Db::new();
    let err = db.refused(
        ["import", "contact", &fixture("bad.csv"), "--strict"],
        &["3 lines", "line 3, column Email", "line 4, column Birthday", "31/31/1990", "line 6, column Birthday"],
    );
    assert!(!err.contains("line 2"), "the good line is not blamed: {err}");
    assert_eq!(db.count("contact list"), 0);
    // An unclosed quote would swallow every later row into one cell: refused, naming its line.
    std::fs::write(db.file("open.csv"), "First Name,Last Name\nAnn,Lee\nBob,\"Stone\nCy,Young\n").unwrap();
    let open = db.file("open.csv").display().to_string();
    let err = db.refused(["import", "contact", &open], &["line 3 opens a quoted cell that is never closed"]);
    assert_eq!(err.lines().count(), 1);
    let err = db.refused(["import", "contact", &fixture("latin1.csv")], &["line 2 is not UTF-8", "--latin1"]);
    assert_eq!(err.lines().count(), 1);
    db.json(["import", "contact", &fixture("latin1.csv"), "--latin1"]);
    assert_eq!(db.json("contact show 1")["last_name"], "Martínez");
}

#[test]
fn duplicates_are_skipped_merged_or_created_as_asked() {
    let db = Db::new();
    let file = fixture("google.csv");
    db.json(["import", "contact", &file]);
    let dry = db.json(["import", "contact", &file, "--dry-run", "--on-duplicate", "create"]);
    assert_eq!((dry["dry_run"].as_bool(), dry["created"].as_array().map(Vec::len)), (Some(true), Some(3)));
    assert_eq!(db.count("contact list"), 3, "a dry run writes nothing");
    let skip = db.json(["import", "contact", &file]);
    assert_eq!(skip["skipped"].as_array().map(Vec::len), Some(3));
    assert!(skip["skipped"][0]["reason"].as_str().unwrap().contains("zoe@osaka.example.com"), "{skip}");
    assert_eq!(db.count("contact list"), 3);
    // The same person under another address but the same phone, written another way.
    std::fs::write(db.file("more.csv"), "Name,Email,Phone\nZoe OBrien,zoe@new.example.com,+81-90-1234-5678\n").unwrap();
    let more = db.file("more.csv").display().to_string();
    db.json(["import", "contact", &more, "--on-duplicate", "merge"]);
    let zoe = db.json("contact show 1");
    assert_eq!(zoe["emails"].as_array().map(Vec::len), Some(3), "the new address joins: {zoe}");
    assert_eq!(zoe["last_name"], "O'Brien-Müller", "what was there stays");
    assert_eq!(db.count("contact list"), 3);
    db.json(["import", "contact", &file, "--on-duplicate", "merge"]);
    assert_eq!(db.count("note list"), 1, "merging the same file again adds no second copy of its note");
    db.json(["import", "contact", &file, "--on-duplicate", "create"]);
    assert_eq!(db.count("contact list"), 6);
}

#[test]
fn accounts_and_leads_import_from_crm_exports() {
    let db = Db::new();
    db.json(["import", "account", &fixture("accounts.csv")]);
    let initech = db.json("account show 1");
    assert_eq!((initech["employees"].as_u64(), &initech["annual_revenue"]), (Some(1200), &json!("5000000.00")));
    assert_eq!(initech["address"]["city"], "Austin");
    db.json(["import", "lead", &fixture("leads.csv")]);
    let li = db.json("lead show 1");
    assert_eq!(
        (li["source"].as_str(), li["status"].as_str(), li["rating"].as_str()),
        (Some("web_site"), Some("new"), Some("hot"))
    );
    assert_eq!(li["company"], "Dragon Tea");
    assert_eq!(db.json("lead show 2")["source"], "trade_show");
    assert_eq!(db.count("account list"), 2, "a lead's company is not an account");
}

/// Runs a `--json` command in time zone `tz`; it must succeed.
fn json_in(db: &Db, tz: &str, line: &[&str]) -> Value {
    let out = rolo(&db.path).env("TZ", tz).arg("--json").args(line).output().expect("run rolo");
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "TZ={tz} rolo {line:?}: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn local_times_stay_on_their_local_day_across_a_year_end_in_any_time_zone() {
    for tz in ["Asia/Tokyo", "America/Los_Angeles", "UTC"] {
        let db = Db::new();
        let c = db.id("contact add --first Ann --last Lee");
        let late =
            ["event", "add", "--title", "New Year call", "--start", "2026-12-31 23:30", "--contact", &c.to_string()];
        json_in(&db, tz, &late);
        json_in(&db, tz, &["call", "log", "--contact", &c.to_string(), "--at", "2026-12-31 23:45"]);
        // The last evening of the year is on 31 December there, not on 1 January.
        let eve = json_in(&db, tz, &["agenda", "--date", "2026-12-31"]);
        assert!(eve.to_string().contains("New Year call"), "TZ={tz}: {eve}");
        let new_year = json_in(&db, tz, &["agenda", "--date", "2027-01-01"]);
        assert!(!new_year.to_string().contains("New Year call"), "TZ={tz}: {new_year}");
        let calls = json_in(&db, tz, &["call", "list", "--since", "2026-12-31"]);
        assert_eq!(calls.as_array().map(Vec::len), Some(1), "TZ={tz}: {calls}");
        let none = json_in(&db, tz, &["call", "list", "--since", "2027-01-01"]);
        assert_eq!(none.as_array().map(Vec::len), Some(0), "TZ={tz}: {none}");
        // A week of agenda across the month and year end holds it once.
        let week = json_in(&db, tz, &["agenda", "--date", "2026-12-28", "--days", "7"]);
        assert_eq!(week.to_string().matches("New Year call").count(), 1, "TZ={tz}: {week}");
    }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// A `--json` listing with `keys` taken out of every object: what a fresh database assigns anew
/// (ids, links by id, times) is not expected to survive an export and an import.
fn without(mut list: Value, keys: &[&str]) -> Value {
    for item in list.as_array_mut().expect("a JSON array") {
        let object = item.as_object_mut().expect("an object");
        for k in keys {
            object.remove(*k);
        }
    }
    list
}

/// What an export to `file` printed, and the file's text.
fn exported(db: &Db, kind: &str, format: &str, file: &str) -> (String, String) {
    let path = db.file(file);
    let out = db.ok(["export", kind, "--format", format, "--out", path.to_str().unwrap()]);
    (out, std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Every cell of a CSV text, row by row (the header first).
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV row").iter().map(String::from).collect())
        .collect()
}

/// Asserts that no cell of a CSV text starts like a spreadsheet formula.
fn no_formula_cells(text: &str) {
    for (line, row) in csv_cells(text).iter().enumerate() {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']),
                "row {line}: cell {cell:?} runs as a formula"
            );
        }
    }
}

/// Contacts with accents, CJK text, two emails, a phone starting with +, a birthday and tags.
fn people(db: &Db) {
    let osaka = db.id(["account", "add", "--name", "Ōsaka Trading 株式会社", "--city", "Osaka"]).to_string();
    db.id([
        "contact",
        "add",
        "--first",
        "Zoë",
        "--last",
        "O'Brien-Müller",
        "--middle",
        "Q",
        "--email",
        "zoe@osaka.example.com",
        "--email",
        "zoe.home@example.com",
        "--phone",
        "+81 90 1234 5678",
        "--phone",
        "06-6123-4567",
        "--account",
        &osaka,
        "--title",
        "Head, Sales",
        "--birthday",
        "1980-02-29",
        "--tag",
        "vip",
        "--tag",
        "Kansai; west",
        "--city",
        "大阪",
        "--country",
        "日本",
        "--interest",
        "tea, ceremony",
    ]);
    db.id(["contact", "add", "--first", "太郎", "--last", "山田", "--email", "taro@example.jp", "--tag", "株主"]);
    db.id([
        "contact",
        "add",
        "--first",
        "=SUM(A1)",
        "--last",
        "Stone",
        "--phone",
        "+1 555 0100",
        "--do-not-call",
        "true",
    ]);
}

#[test]
fn contacts_exported_as_csv_import_back_as_the_same_records() {
    let db = Db::new();
    people(&db);
    let path = db.file("contacts.csv");
    let (out, text) = exported(&db, "contacts", "csv", "contacts.csv");
    assert_eq!(out, format!("exported 3 contacts to {}\n", path.display()));
    no_formula_cells(&text);
    let rows = csv_cells(&text);
    assert_eq!(rows.len(), 4, "a header and one line per contact: {text}");
    assert!(rows[1].contains(&"'+81 90 1234 5678".to_string()), "{:?}", rows[1]);
    assert!(rows[1].contains(&"Ōsaka Trading 株式会社".to_string()), "{:?}", rows[1]);

    let fresh = Db::new();
    let report = fresh.json(["import", "contacts", path.to_str().unwrap()]);
    assert_eq!(report["created"].as_array().map(Vec::len), Some(3), "{report}");
    let keys = ["id", "account", "created", "updated", "last_activity"];
    let (before, after) = (db.json("contact list"), fresh.json("contact list"));
    assert_eq!(without(after.clone(), &keys), without(before, &keys));
    let zoe = after.as_array().unwrap().iter().find(|c| c["first_name"] == "Zoë").unwrap();
    assert_eq!(column(&zoe["phones"], "number"), ["+81 90 1234 5678", "06-6123-4567"]);
    assert_eq!(zoe["tags"], json!(["vip", "Kansai; west"]));
    assert_eq!(zoe["interests"], json!(["tea, ceremony"]));
    assert_eq!(zoe["account_name"], "Ōsaka Trading 株式会社");
}

#[test]
fn a_google_export_keeps_its_labels_through_export_and_import() {
    let db = Db::new();
    db.json(["import", "contacts", &fixture("google.csv")]);
    let (_, text) = exported(&db, "contact", "csv", "again.csv");
    assert!(text.lines().next().unwrap().contains("E-mail 2 - Label,E-mail 2 - Value"), "{text}");
    let fresh = Db::new();
    fresh.json(["import", "contact", db.file("again.csv").to_str().unwrap()]);
    let keys = ["id", "account", "created", "updated", "last_activity"];
    let after = fresh.json("contact list");
    assert_eq!(without(after.clone(), &keys), without(db.json("contact list"), &keys));
    let zoe = after.as_array().unwrap().iter().find(|c| c["first_name"] == "Zoë").unwrap();
    assert_eq!(column(&zoe["emails"], "label"), ["work", "home"]);
    assert_eq!(column(&zoe["phones"], "label"), ["mobile", "work"]);
    assert_eq!(zoe["social"], json!(["https://osaka.example.com"]));
}

#[test]
fn a_formula_looking_name_is_neutralised_in_the_csv_and_comes_back_unchanged() {
    let db = Db::new();
    db.id(["contact", "add", "--first", "=SUM(A1)", "--last", "@Risk", "--title=-1", "--tag", "+plus"]);
    db.id(["account", "add", "--name", "=HYPERLINK(\"http://x\")", "--phone", "+44 20 7946 0018"]);
    let (_, contacts) = exported(&db, "contacts", "csv", "c.csv");
    let row = &csv_cells(&contacts)[1];
    for cell in ["'=SUM(A1)", "'@Risk", "'-1", "'+plus"] {
        assert!(row.contains(&cell.to_string()), "{cell} in {row:?}");
    }
    let (_, accounts) = exported(&db, "accounts", "csv", "a.csv");
    no_formula_cells(&accounts);
    assert!(accounts.contains("'=HYPERLINK"), "{accounts}");

    let fresh = Db::new();
    fresh.json(["import", "contacts", db.file("c.csv").to_str().unwrap()]);
    fresh.json(["import", "accounts", db.file("a.csv").to_str().unwrap()]);
    let c = fresh.json("contact show 1");
    assert_eq!(pick(&c, &["first_name", "last_name", "title"]), json!(["=SUM(A1)", "@Risk", "-1"]));
    assert_eq!(c["tags"], json!(["+plus"]));
    let a = fresh.json("account show 1");
    assert_eq!(pick(&a, &["name", "phone"]), json!(["=HYPERLINK(\"http://x\")", "+44 20 7946 0018"]));
}

#[test]
fn accounts_and_leads_exported_as_csv_import_back_as_the_same_records() {
    let db = Db::new();
    db.id([
        "account",
        "add",
        "--name",
        "Société Générale d'Électricité",
        "--industry",
        "Énergie",
        "--website",
        "https://sge.example.fr",
        "--phone",
        "+33 1 23 45 67 89",
        "--email",
        "contact@sge.example.fr",
        "--street",
        "1, rue de la Paix",
        "--city",
        "Paris",
        "--region",
        "Île-de-France",
        "--postal-code",
        "75002",
        "--country",
        "France",
        "--employees",
        "1200",
        "--revenue",
        "5000000.50",
        "--currency",
        "EUR",
        "--status",
        "customer",
        "--tag",
        "energy",
        "--tag",
        "eu",
    ]);
    db.id(["account", "add", "--name", "東京ガス", "--country", "日本"]);
    let (out, _) = exported(&db, "account", "csv", "accounts.csv");
    assert!(out.starts_with("exported 2 accounts to "), "{out}");
    db.id([
        "lead",
        "add",
        "--first",
        "Li",
        "--last",
        "Wáng",
        "--company",
        "Dragon Tea 龍茶",
        "--title",
        "Buyer",
        "--email",
        "li@dragon.example.com",
        "--phone",
        "+86 21 5555 0000",
        "--source",
        "trade-show",
        "--status",
        "contacted",
        "--rating",
        "hot",
    ]);
    db.id(["lead", "add", "--first", "Tom", "--last", "Jones"]);
    let (out, _) = exported(&db, "leads", "csv", "leads.csv");
    assert!(out.starts_with("exported 2 leads to "), "{out}");

    let fresh = Db::new();
    fresh.json(["import", "account", db.file("accounts.csv").to_str().unwrap()]);
    fresh.json(["import", "lead", db.file("leads.csv").to_str().unwrap()]);
    let keys = ["id", "created", "updated"];
    assert_eq!(without(fresh.json("account list"), &keys), without(db.json("account list"), &keys));
    assert_eq!(without(fresh.json("lead list"), &keys), without(db.json("lead list"), &keys));
    assert_eq!(fresh.json("account show 1")["annual_revenue"], "5000000.50");
}

#[test]
fn json_export_holds_every_record_as_the_listing_shows_it() {
    let db = Db::new();
    let a = acme(&db);
    ann(&db, a);
    bob(&db);
    deal(&db, a);
    let by_id = |mut list: Value| {
        list.as_array_mut().unwrap().sort_by_key(|item| item["id"].as_u64());
        list
    };
    for (kind, listing) in [("contacts", "contact list"), ("opp", "opp list"), ("stages", "stage list")] {
        let text = db.ok(["export", kind, "--format", "json"]);
        let exported: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{kind}: not JSON ({e}): {text}"));
        assert_eq!(by_id(exported), by_id(db.json(listing)), "{kind}");
    }
    // A .json file name is enough to ask for JSON.
    let file = db.file("deals.json");
    let v = db.json(["export", "opportunities", "--out", file.to_str().unwrap()]);
    assert_eq!(v, json!({"kind": "opportunity", "format": "json", "count": 1, "file": file.to_str().unwrap()}));
    let deals: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(deals[0]["account_name"], "Acme Ltd");
}

#[test]
fn other_kinds_export_as_csv_with_a_column_per_field() {
    let db = Db::new();
    let a = acme(&db);
    let c = ann(&db, a);
    db.id(format!("project add --name Rollout --due 2027-01-15 --account {a} --goal '=live'"));
    db.id(format!("event add --title 'Kick-off' --start '2026-03-02 10:00' --contact {c}"));
    let text = db.ok("export project");
    let rows = csv_cells(&text);
    let cell = |row: &Vec<String>, name: &str| row[rows[0].iter().position(|h| h == name).unwrap()].clone();
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!(cell(&rows[1], "name"), "Rollout");
    assert_eq!(cell(&rows[1], "due"), "2027-01-15");
    assert_eq!(cell(&rows[1], "goal"), "'=live");
    let events = csv_cells(&db.ok("export events --format csv"));
    let attendees = events[0].iter().position(|h| h == "attendees").unwrap();
    assert_eq!(events[1][attendees], format!("[{c}]"), "a list is written as JSON");
}

#[test]
fn contacts_export_as_vcards_that_parse_back() {
    let db = Db::new();
    people(&db);
    let labelled = db.file("labelled.csv");
    std::fs::write(&labelled, "First Name,Last Name,Mobile Phone,Business Phone,E-mail 1 - Label,E-mail 1 - Value\nAnn,Lee,+44 7700 900123,+44 20 7946 0018,work,ann@acme.com\n").unwrap();
    db.json(["import", "contacts", labelled.to_str().unwrap()]);
    let (out, text) = exported(&db, "contacts", "vcard", "people.vcf");
    assert!(out.starts_with("exported 4 contacts to "), "{out}");
    assert!(text.split_inclusive('\n').all(|l| l.ends_with("\r\n")), "CRLF line ends: {text:?}");
    let cards = vcard::VCard::parse_multiple(&text).unwrap_or_else(|e| panic!("not vCard ({e}): {text}"));
    assert_eq!(cards.len(), 4);
    for card in &cards {
        card.validate().unwrap_or_else(|e| panic!("{e}: {card}"));
    }
    let named = |given: &str| {
        cards.iter().find(|c| c.names[0].value.given_names == [given]).unwrap_or_else(|| panic!("no card for {given}"))
    };
    let zoe = named("Zoë");
    assert_eq!(zoe.formatted_names[0].value, "Zoë Q O'Brien-Müller");
    assert_eq!(zoe.names[0].value.family_names, ["O'Brien-Müller"]);
    assert_eq!(zoe.names[0].value.additional_names, ["Q"]);
    let emails: Vec<&str> = zoe.emails.iter().map(|e| e.value.as_str()).collect();
    assert_eq!(emails, ["zoe@osaka.example.com", "zoe.home@example.com"]);
    let tels: Vec<String> = zoe
        .telephones
        .iter()
        .map(|t| match &t.value {
            vcard::values::TelValue::Text(number) => number.clone(),
            other => panic!("a phone number is written as text, not {other:?}"),
        })
        .collect();
    assert_eq!(tels, ["+81 90 1234 5678", "06-6123-4567"]);
    assert_eq!(zoe.telephones[0].parameters.pref.map(|p| p.get()), Some(1), "the first number is preferred");
    assert_eq!(zoe.organizations[0].value.name, "Ōsaka Trading 株式会社");
    assert_eq!(zoe.titles[0].value, "Head, Sales");
    assert_eq!(zoe.categories[0].value, ["vip", "Kansai; west"]);
    let born = vcard::values::Date::from_year_month_day(1980, 2, 29).unwrap();
    assert_eq!(zoe.birthdays[0].value, born.into());
    assert_eq!(named("太郎").names[0].value.family_names, ["山田"]);
    let ann = named("Ann");
    assert_eq!(ann.telephones[0].parameters.types, [vcard::TypeValue::Cell], "a mobile number is a cell phone");
    assert_eq!(ann.telephones[1].parameters.types, [vcard::TypeValue::Work]);
    assert_eq!(ann.emails[0].parameters.types, [vcard::TypeValue::Work]);
    assert!(text.contains("\r\nFN:=SUM(A1) Stone\r\n"), "vCard text is not a spreadsheet: {text}");
}

/// Every content line of an iCalendar or vCard text, unfolded (RFC 5545 3.1).
fn unfolded(text: &str) -> Vec<String> {
    text.replace("\r\n ", "").split("\r\n").filter(|l| !l.is_empty()).map(String::from).collect()
}

#[test]
fn events_and_dated_tasks_export_as_icalendar_in_utc() {
    let db = Db::new();
    let tokyo = |line: &[&str]| json_in(&db, "Asia/Tokyo", line);
    tokyo(&["event", "add", "--title", "Kick-off", "--start", "2026-01-05 09:00", "--end", "2026-01-05 10:30"]);
    let long = "Quarterly review with Ōsaka Trading 株式会社 and Globex; budget, hiring, the roadmap";
    tokyo(&["event", "add", "--title", long, "--start", "2026-01-01 08:30", "--location", "大阪 本社 会議室 A"]);
    let (out, text) = exported(&db, "events", "ics", "events.ics");
    assert!(out.starts_with("exported 2 events to "), "{out}");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
    assert!(text.split_inclusive('\n').all(|l| l.ends_with("\r\n")), "CRLF line ends: {text:?}");
    assert!(text.split("\r\n").all(|l| l.len() <= 75), "a line is longer than 75 octets: {text}");
    let lines = unfolded(&text);
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 2);
    for line in [
        "UID:event-1@rolo",
        "DTSTART:20260105T000000Z",
        "DTEND:20260105T013000Z",
        "UID:event-2@rolo",
        "DTSTART:20251231T233000Z",
        "LOCATION:大阪 本社 会議室 A",
        "SUMMARY:Quarterly review with Ōsaka Trading 株式会社 and Globex\\; budget\\, hiring\\, the roadmap",
    ] {
        assert!(lines.iter().any(|l| l == line), "no line {line} in {lines:#?}");
    }

    db.id("task add --title 'Send deck' --due 2026-01-09 --priority high");
    let done = db.id("task add --title 'Book room' --due 2026-01-07 --priority low");
    db.ok(format!("task done {done}"));
    db.id("task add --title Someday");
    let (out, text) = exported(&db, "tasks", "ics", "tasks.ics");
    assert!(out.contains("exported 2 tasks to ") && out.contains("(1 task without a due date left out)"), "{out}");
    let lines = unfolded(&text);
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VTODO").count(), 2, "{text}");
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 0, "{text}");
    for line in [
        "DUE;VALUE=DATE:20260109",
        "PRIORITY:1",
        "STATUS:NEEDS-ACTION",
        "DUE;VALUE=DATE:20260107",
        "PRIORITY:9",
        "STATUS:COMPLETED",
    ] {
        assert!(lines.iter().any(|l| l == line), "no line {line} in {text}");
    }
    assert!(!text.contains("Someday"), "{text}");
}

/// What a calendar application reads from rolo's .ics files: the calendar parsed back by an
/// iCalendar parser, event by event and task by task.
#[test]
fn an_ics_export_parses_back_into_the_same_events_and_tasks() {
    use icalendar::{Component, DatePerhapsTime, EventLike};
    let db = Db::new();
    let ann = db.id("contact add --first Ann --last Lee --email ann@acme.example");
    let bo = db.id("contact add --first Bo --last 'Stone, Jr.'");
    db.id(format!(
        "event add --title 'Kick-off; Q1' --start '2026-01-05 09:00' --end '2026-01-05 10:30' --location 'Room 1, east' --contact {ann} --contact {bo}"
    ));
    db.id("event add --title 'Ōsaka visit 株式会社' --start '2026-02-10 14:00'");
    db.id("task add --title 'Send deck, v2' --due 2026-01-09 --priority high");
    let read = |kind: &str| {
        let (_, text) = exported(&db, kind, "ics", &format!("{kind}.ics"));
        let unfolded = icalendar::parser::unfold(&text);
        let parsed = icalendar::parser::read_calendar(&unfolded).unwrap_or_else(|e| panic!("{e}: {text}"));
        icalendar::Calendar::from(parsed)
    };
    let calendar = read("events");
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].get_summary(), Some("Kick-off; Q1"));
    assert_eq!(events[0].get_location(), Some("Room 1, east"));
    assert_eq!(events[1].get_summary(), Some("Ōsaka visit 株式会社"));
    let start = |e: &icalendar::Event| match e.get_start() {
        Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t))) => Some(t.to_rfc3339()),
        other => panic!("not a time in UTC: {other:?}"),
    };
    let local = |text: &str| {
        let t = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        Some(t.and_local_timezone(chrono::Local).unwrap().with_timezone(&chrono::Utc).to_rfc3339())
    };
    assert_eq!(start(events[0]), local("2026-01-05 09:00"));
    assert_eq!(start(events[1]), local("2026-02-10 14:00"));
    let attendees: Vec<(String, Option<String>)> = events[0]
        .multi_properties()
        .get("ATTENDEE")
        .into_iter()
        .flatten()
        .map(|p| (p.value().to_string(), p.params().get("CN").map(|c| c.value().to_string())))
        .collect();
    assert_eq!(
        attendees,
        [
            ("mailto:ann@acme.example".to_string(), Some("Ann Lee".to_string())),
            (format!("urn:rolo:contact:{bo}"), Some("Bo Stone, Jr.".to_string())),
        ]
    );
    let todos: Vec<_> = calendar.todos().collect();
    assert_eq!(todos.len(), 1, "a calendar of events holds the dated tasks too");
    assert_eq!(todos[0].get_summary(), Some("Send deck, v2"));
    let calendar = read("tasks");
    let todos: Vec<_> = calendar.todos().collect();
    assert_eq!(todos.len(), 1);
    assert_eq!(todos[0].get_summary(), Some("Send deck, v2"));
    assert_eq!(todos[0].get_due(), Some(DatePerhapsTime::Date(chrono::NaiveDate::from_ymd_opt(2026, 1, 9).unwrap())));
}

#[test]
fn export_to_stdout_prints_only_the_data() {
    let db = Db::new();
    ann(&db, acme(&db));
    bob(&db);
    let text = db.ok("export contact");
    assert!(text.starts_with("First Name,"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
    let text = db.ok("--json export contacts");
    assert!(text.starts_with("First Name,"), "--json does not wrap the data: {text}");
    assert!(db.ok("export contacts --format vcf").starts_with("BEGIN:VCARD\r\n"));
}

#[test]
fn export_bad_input() {
    let db = Db::new();
    ann(&db, acme(&db));
    db.fails_with("export widgets", 1, "'widgets' is not a kind of record");
    db.fails_with("export accounts --format vcard", 1, "accounts cannot be exported as vcard: use csv or json");
    db.fails_with("export contacts --format ics", 1, "use csv, json or vcard");
    db.fails_with("export tasks --format vcard", 1, "use csv, json or ics");
    db.fails_with("export contacts --format pdf", 2, "pdf");
    db.fails_with("export contacts --force", 2, "--out");
    db.fails_with("export", 2, "<KIND>");

    let taken = db.file("taken.csv");
    std::fs::write(&taken, "keep me").unwrap();
    let taken_name = taken.to_str().unwrap();
    db.fails_with(["export", "contacts", "--out", taken_name], 1, "taken.csv already exists");
    db.fails_with(["--json", "export", "contacts", "--out", taken_name], 1, "--force");
    db.fails_with(["export", "accounts", "--format", "vcard", "--out", taken_name, "--force"], 1, "vcard");
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "keep me", "an existing file is never overwritten");
    let nowhere = db.file("no/such/folder/x.csv");
    db.fails_with(["export", "contacts", "--out", nowhere.to_str().unwrap()], 1, "x.csv");
    db.fails_with(["export", "contacts", "--out", db.path.to_str().unwrap(), "--force"], 1, "is the database itself");

    // --force replaces the file, whole.
    let out = db.ok(["export", "contacts", "--out", taken_name, "--force"]);
    assert_eq!(out, format!("exported 1 contact to {taken_name}\n"));
    assert!(std::fs::read_to_string(&taken).unwrap().starts_with("First Name,"));
    let leftovers: Vec<_> = std::fs::read_dir(taken.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
