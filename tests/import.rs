//! `rolo import` and `rolo export` end to end, through the binary: deals, tasks, calls and
//! products from CSV, contacts from vCard 3.0 and 4.0, and export-then-import round trips. Each
//! test works on its own databases in a temporary folder; a refused import must name every bad
//! line and leave the database exactly as it was.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use tempfile::TempDir;

mod common;

use common::{import_fixture as fixture, texts};

/// A database (a file in its own folder, or one on the PostgreSQL run's server) and the `rolo`
/// binary run against it.
struct Db {
    dir: TempDir,
    path: PathBuf,
}

/// Listings that together show every record an import can write.
const EVERYTHING: [&[&str]; 9] = [
    &["account", "list"],
    &["contact", "list"],
    &["lead", "list"],
    &["opp", "list"],
    &["product", "list"],
    &["task", "list", "--all"],
    &["call", "list"],
    &["note", "list"],
    &["campaign", "list"],
];

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = common::database(dir.path());
        Db { dir, path }
    }

    /// A file beside the database.
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` to a file beside the database and returns its path.
    fn write(&self, name: &str, text: &str) -> String {
        let path = self.file(name);
        std::fs::write(&path, text).expect("write a test file");
        path.to_string_lossy().into_owned()
    }

    /// Adds a rep for each login (the command line's user, `tester`, is the file's admin).
    fn users(&self, logins: &[&str]) {
        let crm = common::open_as_tester(&self.path);
        common::add_users(&crm, "rep", logins);
    }

    /// Runs rolo with `args`, as user `tester`, away from the real home folder.
    fn run(&self, args: &[&str]) -> Output {
        self.run_in("C.UTF-8", args)
    }

    /// Runs rolo with `args` as [`Db::run`] does, in the locale `lang` (`en_GB.UTF-8`).
    fn run_in(&self, lang: &str, args: &[&str]) -> Output {
        common::rolo_in(&self.path, lang).args(args).output().expect("rolo runs")
    }

    /// Runs a command that must succeed; returns stdout and stderr.
    fn ok(&self, args: &[&str]) -> (String, String) {
        let out = self.run(args);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "rolo {args:?} failed: {stderr}");
        (stdout, stderr)
    }

    /// Runs a command with `--json` that must succeed; returns what it printed.
    fn json(&self, args: &[&str]) -> Value {
        let (stdout, _) = self.ok(&[&["--json"], args].concat());
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("rolo {args:?} printed no JSON ({e}): {stdout}"))
    }

    /// Every listing, as JSON.
    fn everything(&self) -> Vec<Value> {
        EVERYTHING.iter().map(|listing| self.json(listing)).collect()
    }

    /// Runs an import that must be refused: exit 1, nothing on stdout, the `error:` line and then
    /// exactly `lines` (one per problem), and the database as it was. Returns stderr.
    fn refused(&self, args: &[&str], lines: &[&str]) -> String {
        let before = self.everything();
        let out = self.run(args);
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(1), "rolo {args:?}: {stderr}");
        assert!(stdout.is_empty(), "a refused import printed {stdout}");
        let mut said = stderr.lines();
        let first = said.next().unwrap_or_default();
        assert!(first.starts_with("error: the import was refused, nothing was written"), "{stderr}");
        assert_eq!(said.map(str::trim).collect::<Vec<_>>(), lines, "rolo {args:?}");
        assert_eq!(self.everything(), before, "a refused import changed the database");
        stderr
    }

    /// Exports `kind` as `format` to a file beside the database; returns its path and text.
    fn export(&self, kind: &str, format: &str) -> (String, String) {
        let path = self.file(&format!("{kind}.{format}"));
        let _ = std::fs::remove_file(&path);
        self.ok(&["export", kind, "--format", format, "--out", path.to_str().unwrap()]);
        let text = std::fs::read_to_string(&path).expect("the export");
        (path.to_string_lossy().into_owned(), text)
    }
}

/// Fields of a JSON object, in order.
fn fields(v: &Value, names: &[&str]) -> Value {
    Value::Array(names.iter().map(|n| v[*n].clone()).collect())
}

/// A listing with what a new database numbers or stamps anew taken out of every object.
fn renumbered(mut list: Value) -> Value {
    const ANEW: [&str; 11] = [
        "id",
        "account",
        "contact",
        "stage",
        "opportunity",
        "project",
        "lead",
        "campaign",
        "created",
        "updated",
        "last_activity",
    ];
    for item in list.as_array_mut().expect("a listing") {
        for key in ANEW {
            item.as_object_mut().expect("an object").remove(key);
        }
    }
    list
}

/// A database holding the people, companies and deals the deal, task and call fixtures name.
fn with_people() -> Db {
    let db = Db::new();
    db.ok(&["import", "contact", &fixture("google.csv")]);
    db.ok(&["import", "account", &fixture("accounts.csv")]);
    db.users(&["ann"]);
    db
}

// ---------------------------------------------------------------------------------------------
// Deals, tasks, calls and products from CSV
// ---------------------------------------------------------------------------------------------

#[test]
fn deals_import_with_their_accounts_stages_and_contacts() {
    let db = with_people();
    let report = db.json(&["import", "opportunities", &fixture("opportunities.csv")]);
    assert_eq!(report["kind"], "opportunity");
    assert_eq!(report["created"], json!([1, 2, 3]), "{report}");
    assert_eq!(report["accounts_created"], json!([]), "every account was there already: {report}");
    assert_eq!(report["notes"], json!(["columns left out: Type (map one with --map COLUMN=FIELD)"]));

    let fleet = db.json(&["opp", "show", "1"]);
    assert_eq!(
        fields(&fleet, &["name", "account_name", "stage_name", "amount", "close_date", "owner", "next_step"]),
        json!([
            "Fleet licences",
            "Ōsaka Trading 株式会社",
            "Negotiation/Review",
            "12000.50",
            "2026-12-31",
            "ann",
            "Send pricing"
        ])
    );
    assert_eq!(fields(&fleet, &["probability", "probability_manual", "status"]), json!([80, false, "open"]));
    assert_eq!(fleet["contact"], 1, "found by email, whatever its case");
    let pilot = db.json(&["opp", "show", "2"]);
    assert_eq!(fields(&pilot, &["probability", "probability_manual", "amount"]), json!([35, true, "5000.00"]));
    assert_eq!(pilot["contact"], 3, "Sam Lee, found by name");
    let won = db.json(&["opp", "show", "3"]);
    assert_eq!(fields(&won, &["stage_name", "status", "probability"]), json!(["Closed Won", "won", 100]));
    let notes = db.json(&["note", "list"]);
    assert!(notes.to_string().contains("Two-year term,\\nrenewal in 2028"), "the description is a note: {notes}");
}

#[test]
fn tasks_import_with_what_they_are_about() {
    let db = with_people();
    db.ok(&["import", "opp", &fixture("opportunities.csv")]);
    let report = db.json(&["import", "task", &fixture("tasks.csv")]);
    assert_eq!(report["created"], json!([1, 2, 3]), "{report}");
    let t = db.json(&["task", "show", "1"]);
    assert_eq!(
        fields(&t, &["title", "due", "priority", "status", "contact", "account", "opportunity", "owner", "notes"]),
        json!(["Send pricing", "2026-12-01", "high", "open", 1, 1, 1, "ann", "Include the\nvolume discount"])
    );
    let t = db.json(&["task", "show", "2"]);
    assert_eq!(
        fields(&t, &["priority", "status", "contact", "due"]),
        json!(["normal", "in_progress", 3, "2026-12-05"])
    );
    let t = db.json(&["task", "show", "3"]);
    assert_eq!(fields(&t, &["status", "account", "due", "priority"]), json!(["done", 4, null, "low"]));
}

#[test]
fn calls_import_with_their_contacts_times_and_outcomes() {
    let db = with_people();
    let report = db.json(&["import", "calls", &fixture("calls.csv")]);
    assert_eq!(report["created"], json!([1, 2]), "{report}");
    let calls = db.json(&["call", "list"]);
    let first = &calls[1];
    assert_eq!(
        fields(first, &["contact", "direction", "duration_secs", "outcome", "notes"]),
        json!([1, "out", 300, "voicemail", "Asked about pricing"])
    );
    let second = &calls[0];
    assert_eq!(
        fields(second, &["contact", "direction", "duration_secs", "outcome", "notes"]),
        json!([3, "in", 3930, "connected", "Wants a demo,\nnext week"])
    );
    let (list, _) = db.ok(&["call", "list"]);
    assert!(list.contains("2026-11-20 10:30") && list.contains("2026-11-21 09:15"), "local times: {list}");
}

#[test]
fn products_import_with_codes_prices_and_whether_sold() {
    let db = Db::new();
    db.json(&["import", "product", &fixture("products.csv")]);
    let all = db.json(&["product", "list"]);
    let rows: Vec<Value> =
        all.as_array().unwrap().iter().map(|p| fields(p, &["name", "sku", "price", "currency", "active"])).collect();
    assert_eq!(
        rows,
        [
            json!(["Pro licence", "PRO-1", "149.90", "EUR", true]),
            json!(["Starter licence", "START-1", "1049.00", "EUR", false]),
            json!(["Onboarding day", null, "900.00", "EUR", true]),
        ]
    );
    assert_eq!(all[0]["description"], "Per seat, per year");
}

#[test]
fn with_strict_bad_deal_rows_are_all_named_and_nothing_is_written() {
    let db = with_people();
    let file = db.write(
        "deals.csv",
        "Opportunity Name,Account Name,Stage,Amount,Close Date,Probability,Contact\n\
         Good deal,Acme Ltd,Prospecting,100,2026-12-01,,\n\
         No such stage,Acme Ltd,Signed,100,2026-12-01,,\n\
         Bad amount,Acme Ltd,Prospecting,lots,2026-12-01,,\n\
         No date,Acme Ltd,Prospecting,100,,,\n\
         ,Acme Ltd,Prospecting,100,2026-12-01,120,\n\
         No account,,Prospecting,100,2026-12-01,,\n\
         Nobody,Acme Ltd,Prospecting,100,2026-12-01,,nobody@example.com\n",
    );
    db.refused(
        &["import", "opp", &file, "--strict"],
        &[
            "line 3, column Stage: 'Signed' is not a stage: use one of Prospecting, Qualification, Needs Analysis, \
             Value Proposition, Id. Decision Makers, Perception Analysis, Proposal/Price Quote, Negotiation/Review, \
             Closed Won, Closed Lost",
            "line 4, column Amount: 'lots' is not an amount: write it like 12000 or 12000.50",
            "line 5, column Close Date: is empty: a deal needs the date it is expected to close",
            "line 6, column Probability: '120' is not a percentage: write a whole number from 0 to 100",
            "line 6, column Opportunity Name: name: is required: give it a value",
            "line 7, column Account Name: is empty: every deal belongs to an account",
            "line 8, column Contact: no contact has the email or full name 'nobody@example.com': add or import the \
             contacts first, or correct the cell",
        ],
    );
}

#[test]
fn with_strict_bad_task_call_and_product_rows_are_all_named_and_nothing_is_written() {
    let db = with_people();
    db.ok(&["import", "opp", &fixture("opportunities.csv")]);
    let tasks = db.write(
        "tasks.csv",
        "Subject,Due Date,Priority,Contact,Opportunity\n\
         Fine,2026-12-01,high,Sam Lee,\n\
         ,2026-12-01,,,\n\
         Late,31/31/2026,urgentish,Nobody Here,\n\
         Which deal,,,,Big deal\n",
    );
    db.refused(
        &["import", "task", &tasks, "--strict"],
        &[
            "line 3, column Subject: title: is required: give it a value",
            "line 4, column Due Date: '31/31/2026' is not a date: use YYYY-MM-DD or M/D/YYYY, or say the form with \
             --date-format (like %d.%m.%Y)",
            "line 4, column Priority: 'urgentish' is not one of: low, normal, high",
            "line 5, column Opportunity: no opportunity has the name 'Big deal': add or import the opportunities \
             first, or correct the cell",
        ],
    );
    let calls = db.write(
        "calls.csv",
        "Date,Contact,Duration,Outcome\n\
         2026-11-20 10:30,Sam Lee,5m,busy\n\
         2026-11-20 10:30,,5m,\n\
         yesterday-ish,Sam Lee,forever,hung up\n\
         ,sam@globex.example.com,,\n",
    );
    db.refused(
        &["import", "call", &calls, "--strict"],
        &[
            "line 3, column Contact: is empty: a call is with a contact: give their email or name",
            "line 4, column Date: 'yesterday-ish' is not a date and time: use YYYY-MM-DD HH:MM (local time) or \
             M/D/YYYY h:mm AM",
            "line 4, column Duration: 'forever' is not a duration: write it like 90s, 5m or 1h30m",
            "line 4, column Outcome: 'hung up' is not one of: connected, voicemail, no_answer, busy, wrong_number",
            "line 5, column Date: is empty: a call needs the time it began",
        ],
    );
    let products = db.write(
        "products.csv",
        "Product Name,Unit Price,Active\nFine,10,yes\nPricey,ten euros,yes\nMaybe,10,perhaps\nFree,-1,no\n",
    );
    db.refused(
        &["import", "product", &products, "--strict"],
        &[
            "line 3, column Unit Price: 'ten euros' is not an amount: write it like 12000 or 12000.50",
            "line 4, column Active: 'perhaps' is not yes or no",
            "line 5, column Unit Price: price: -1.00 is negative: amounts are 0 or more",
        ],
    );
}

#[test]
fn a_dry_run_of_each_kind_counts_everything_and_writes_nothing() {
    let db = with_people();
    let before = db.everything();
    for (kind, file, rows) in
        [("opp", "opportunities.csv", 3), ("call", "calls.csv", 2), ("product", "products.csv", 3)]
    {
        let report = db.json(&["import", kind, &fixture(file), "--dry-run"]);
        assert_eq!((report["dry_run"].as_bool(), report["rows"].as_u64()), (Some(true), Some(rows)), "{report}");
        assert_eq!(report["created"].as_array().map(Vec::len), Some(rows as usize), "{report}");
        assert_eq!(db.everything(), before, "a dry run of {kind} wrote");
    }
    // Tasks name deals, which a dry run did not write: a rehearsal finds what is missing too.
    let (_, text) = db.ok(&["import", "opp", &fixture("opportunities.csv"), "--dry-run"]);
    assert!(text.is_empty() || text.starts_with("note:"), "{text}");
    let out = db.run(&["import", "task", &fixture("tasks.csv"), "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(texts(&out).1.contains("line 2, column Opportunity: no opportunity has the name 'Fleet licences'"));
    let (said, _) = db.ok(&["import", "product", &fixture("products.csv"), "--dry-run"]);
    assert_eq!(said, "would import 3 product rows: 3 created\nnothing was written (dry run)\n");
}

/// A database with deals, tasks, calls and products that use every column: odd names, a lost
/// deal, a probability set by hand, done and undated tasks, multi-line notes, formula-looking
/// text.
fn busy() -> Db {
    let db = Db::new();
    db.ok(&["account", "add", "--name", "Société Générale d'Électricité"]);
    db.users(&["ann"]);
    db.ok(&["account", "add", "--name", "=Formula Ltd"]);
    db.ok(&["contact", "add", "--first", "Zoë", "--last", "Müller", "--email", "zoe@sge.example.fr", "--account", "1"]);
    db.ok(&["contact", "add", "--first", "太郎", "--last", "山田", "--account", "2"]);
    db.ok(&["lead", "add", "--first", "Li", "--last", "Wang", "--email", "li@dragon.example.com"]);
    db.ok(&["campaign", "add", "--name", "Salon 2026"]);
    db.ok(&["project", "add", "--name", "Déploiement", "--due", "2027-03-01", "--account", "1"]);
    db.ok(&["product", "add", "--name", "Licence Pro", "--price", "149.90", "--sku", "PRO-1", "--currency", "EUR"]);
    db.ok(&["product", "add", "--name", "=cheap", "--price", "0", "--active", "false", "--description", "a\nb"]);
    db.ok(&[
        "opp",
        "add",
        "--name",
        "Flotte, phase 2",
        "--account",
        "1",
        "--amount",
        "12000.50",
        "--close-date",
        "2026-12-31",
        "--stage",
        "Qualification",
        "--probability",
        "55",
        "--contact",
        "1",
        "--next-step",
        "Envoyer le devis",
        "--next-step-date",
        "2026-12-01",
        "--currency",
        "EUR",
        "--source",
        "trade-show",
        "--campaign",
        "1",
        "--owner",
        "ann",
    ]);
    db.ok(&["opp", "add", "--name", "山田 pilot", "--account", "2", "--amount", "300", "--close-date", "2026-10-01"]);
    db.ok(&["opp", "lose", "2", "--reason", "Budget cut; maybe next year"]);
    db.ok(&[
        "task",
        "add",
        "--title",
        "Relancer Zoë",
        "--due",
        "2026-12-02",
        "--priority",
        "high",
        "--contact",
        "1",
        "--opp",
        "1",
        "--project",
        "1",
        "--account",
        "1",
        "--notes",
        "Appeler\navant midi",
    ]);
    db.ok(&["task", "add", "--title", "Qualify Li", "--lead", "1", "--priority", "low"]);
    db.ok(&["task", "add", "--title", "Send gift", "--due", "2026-11-01", "--contact", "2"]);
    db.ok(&["task", "done", "3"]);
    db.ok(&[
        "call",
        "log",
        "--contact",
        "1",
        "--at",
        "2026-11-20 10:30",
        "--duration",
        "1h5m",
        "--notes",
        "Prix,\nvolume",
    ]);
    db.ok(&[
        "call",
        "log",
        "--contact",
        "2",
        "--at",
        "2026-11-21 09:00",
        "--direction",
        "in",
        "--outcome",
        "no-answer",
    ]);
    db
}

#[test]
fn deals_tasks_calls_and_products_export_and_import_back_as_the_same_records() {
    let db = busy();
    let fresh = Db::new();
    // What no CSV brings: the campaign and the project the deals and tasks name, and the users
    // who own records.
    fresh.ok(&["campaign", "add", "--name", "Salon 2026"]);
    fresh.users(&["ann"]);
    fresh.ok(&["project", "add", "--name", "Déploiement", "--due", "2027-03-01"]);
    for kind in ["account", "contact", "lead", "product", "opportunity", "task", "call"] {
        let (path, text) = db.export(kind, "csv");
        assert!(!text.lines().skip(1).any(|l| l.starts_with(['=', '+', '-', '@'])), "{text}");
        let report = fresh.json(&["import", kind, &path]);
        assert_eq!(report["skipped"], json!([]), "{kind}: {report}");
        assert_eq!(fresh.export(kind, "csv").1, text, "{kind}: the export of the import differs");
    }
    for listing in [&["opp", "list"][..], &["task", "list", "--all"], &["call", "list"], &["product", "list"]] {
        assert_eq!(renumbered(fresh.json(listing)), renumbered(db.json(listing)), "{listing:?}");
    }
    let opp = fresh.json(&["opp", "show", "1"]);
    assert_eq!(fields(&opp, &["probability", "probability_manual", "campaign"]), json!([55, true, 1]));
    let lost = fresh.json(&["opp", "show", "2"]);
    assert_eq!(fields(&lost, &["status", "lost_reason"]), json!(["lost", "Budget cut; maybe next year"]));
    let task = fresh.json(&["task", "show", "1"]);
    assert_eq!(fields(&task, &["contact", "opportunity", "project", "account"]), json!([1, 1, 1, 1]));
    assert_eq!(fresh.json(&["task", "show", "2"])["lead"], 1);
    assert_eq!(fresh.json(&["product", "show", "2"])["name"], "=cheap");
}

#[test]
fn deals_tasks_calls_and_products_already_there_are_skipped_merged_or_created() {
    let db = busy();
    let mut exported = Vec::new();
    for kind in ["product", "opportunity", "task", "call"] {
        exported.push((kind, db.export(kind, "csv").0));
    }
    let before = db.everything();
    for (kind, path) in &exported {
        let report = db.json(&["import", kind, path]);
        assert_eq!(report["created"], json!([]), "{kind}: {report}");
        let reasons: Vec<&str> =
            report["skipped"].as_array().unwrap().iter().filter_map(|d| d["reason"].as_str()).collect();
        let expected = match *kind {
            "product" => vec!["same SKU PRO-1", "same name =cheap"],
            "opportunity" => {
                vec!["same name Flotte, phase 2 at the same account", "same name 山田 pilot at the same account"]
            }
            "task" => vec![
                "same task Relancer Zoë due 2026-12-02",
                "same task Qualify Li without a due date",
                "same task Send gift due 2026-11-01",
            ],
            _ => vec!["same contact at 2026-11-20 10:30", "same contact at 2026-11-21 09:00"],
        };
        assert_eq!(reasons, expected, "{kind}");
    }
    assert_eq!(db.everything(), before, "skipping duplicates changed something");

    // Merge fills what was empty and keeps what was there; create doubles.
    let more = db.write(
        "more.csv",
        "Product Name,SKU,Unit Price,Description\nLicence Pro,pro-1,1.00,Per seat\nNew thing,NEW-1,5,\n",
    );
    let report = db.json(&["import", "product", &more, "--on-duplicate", "merge"]);
    assert_eq!((report["merged"].clone(), report["created"].clone()), (json!([1]), json!([3])), "{report}");
    let pro = db.json(&["product", "show", "1"]);
    assert_eq!(fields(&pro, &["price", "description", "sku"]), json!(["149.90", "Per seat", "PRO-1"]));
    let report = db.json(&["import", "product", &more, "--on-duplicate", "create"]);
    assert_eq!(report["created"], json!([4, 5]), "{report}");
    let calls = db.write("calls.csv", "Date,Contact Email,Notes\n2026-11-20 10:30,zoe@sge.example.fr,Again\n");
    let report = db.json(&["import", "call", &calls, "--on-duplicate", "merge"]);
    assert_eq!(report["merged"], json!([1]), "{report}");
    assert_eq!(db.json(&["call", "list"]).to_string().matches("Prix,\\nvolume").count(), 1, "notes kept");
}

// ---------------------------------------------------------------------------------------------
// Contacts from vCard
// ---------------------------------------------------------------------------------------------

/// A contact of a listing as the fields a vCard carries: names, title, company, emails and
/// phones with their labels, addresses, birthday, tags, links.
fn card_fields(c: &Value) -> Value {
    let pairs = |list: &Value, value: &str| {
        Value::Array(list.as_array().unwrap().iter().map(|x| json!([x[value], x["label"]])).collect())
    };
    json!({
        "name": [c["first_name"], c["middle_name"], c["last_name"]],
        "title": c["title"],
        "company": c["account_name"],
        "emails": pairs(&c["emails"], "address"),
        "phones": pairs(&c["phones"], "number"),
        "addresses": c["addresses"],
        "birthday": c["birthday"],
        "tags": c["tags"],
        "social": c["social"],
    })
}

/// The contact called `first` in a listing.
fn person<'v>(list: &'v Value, first: &str) -> &'v Value {
    list.as_array().unwrap().iter().find(|c| c["first_name"] == first).unwrap_or_else(|| panic!("no {first}: {list}"))
}

#[test]
fn a_phone_s_vcard_3_file_imports_every_contact() {
    let db = Db::new();
    let (said, notes) = db.ok(&["import", "contact", &fixture("contacts-3.0.vcf")]);
    assert_eq!(said, "imported 4 contact rows: 4 created, 3 new accounts\n");
    assert_eq!(
        notes,
        "note: line 37: the birthday 1604-04-12 has no year and was left out\n\
         note: left out of every card: X-ABADR, PHOTO\n"
    );
    let all = db.json(&["contact", "list"]);
    // The name's prefix and the company's department are kept.
    assert_eq!(fields(person(&all, "Zoë"), &["prefix", "department"]), json!(["Dr.", "Sales"]));
    assert_eq!(
        card_fields(person(&all, "Zoë")),
        json!({
            "name": ["Zoë", "Q", "O'Brien-Müller"],
            "title": "Head, Sales",
            "company": "Ōsaka Trading 株式会社",
            "emails": [["zoe@osaka.example.com", "work"], ["zoe.home@example.com", "home"]],
            "phones": [["+81 90 1234 5678", "mobile"], ["+81 6 1234 5678", "Office"]],
            "addresses": [{
                "label": "home", "street": "1-2-3 Umeda\nBuilding 4", "city": "大阪", "region": "Osaka",
                "postal_code": "530-0001", "country": "Japan"
            }],
            "birthday": "1980-02-29",
            "tags": [],
            "social": [],
        })
    );
    let taro = person(&all, "太郎");
    assert_eq!(fields(taro, &["last_name", "birthday", "account_name"]), json!(["山田", null, "山田商事株式会社"]));
    let ana = card_fields(person(&all, "Ana"));
    assert_eq!(ana["tags"], json!(["myContacts", "VIP"]));
    assert_eq!(ana["social"], json!(["https://acme.example.com"]));
    assert_eq!(ana["phones"], json!([["+34 600 123 456", "mobile"]]));
    let ayse = person(&all, "Ayşe");
    assert_eq!(ayse["last_name"], "Öztürk", "quoted-printable UTF-8");
    let notes = db.json(&["note", "list"]).to_string();
    assert!(notes.contains("Met at the Kyoto fair; likes green tea.\\nPrefers email."), "{notes}");
    assert!(notes.contains("Café owner"), "quoted-printable Latin-1: {notes}");
}

#[test]
fn a_vcard_4_file_imports_every_contact() {
    let db = Db::new();
    let report = db.json(&["import", "contacts", &fixture("contacts-4.0.vcf")]);
    assert_eq!((report["created"].clone(), report["accounts_created"].clone()), (json!([1, 2, 3]), json!([1, 2])));
    assert_eq!(
        report["notes"],
        json!(["line 27: the birthday --0517 has no year and was left out", "left out of every card: GENDER"])
    );
    let all = db.json(&["contact", "list"]);
    assert_eq!(
        card_fields(person(&all, "Léa")),
        json!({
            "name": ["Léa", null, "Dubois-Martin"],
            "title": "Directrice technique",
            "company": "Société Générale d'Électricité",
            "emails": [["lea@sge.example.fr", "work"], ["lea.dubois@example.fr", "home"]],
            "phones": [["+33-6-98-76-54-32", "mobile"], ["+33-1-23-45-67-89", "work"]],
            "addresses": [{
                "label": "work", "street": "8 rue de la Paix", "city": "Paris", "region": "Île-de-France",
                "postal_code": "75002", "country": "France"
            }],
            "birthday": "1985-04-12",
            "tags": ["clients", "Paris, centre"],
            "social": ["https://sge.example.fr"],
        })
    );
    assert_eq!(fields(person(&all, "秀英"), &["last_name", "account_name"]), json!(["王", "Globex Corporation"]));
    assert_eq!(fields(person(&all, "Sam"), &["last_name", "account_name"]), json!(["Lee", "Globex Corporation"]));
    assert!(db.json(&["note", "list"]).to_string().contains("Rencontrée au salon\\nrappeler en janvier"));
}

#[test]
fn contacts_exported_as_vcards_import_back_as_the_same_people() {
    let db = Db::new();
    db.ok(&["import", "contact", &fixture("contacts-4.0.vcf")]);
    db.ok(&["import", "contact", &fixture("google.csv")]);
    db.ok(&["contact", "add", "--first", "=SUM(A1)", "--last", "Stone", "--phone", "+1 555 0100", "--tag", "a;b"]);
    let (path, _) = db.export("contacts", "vcard");
    let fresh = Db::new();
    let report = fresh.json(&["import", "contact", &path]);
    assert_eq!(report["created"].as_array().map(Vec::len), Some(5), "{report}");
    let (before, after) = (db.json(&["contact", "list"]), fresh.json(&["contact", "list"]));
    // The vCard writer spells a web address in its normal form, with a `/` after a bare host.
    let people = |list: &Value| {
        let mut people: Vec<Value> = list.as_array().unwrap().iter().map(card_fields).collect();
        for p in &mut people {
            for link in p["social"].as_array_mut().unwrap() {
                *link = json!(link.as_str().unwrap().trim_end_matches('/'));
            }
        }
        people
    };
    assert_eq!(people(&after), people(&before));
    // A file named otherwise is read as vCard when told, or from its first line.
    let renamed = db.file("people.csv");
    std::fs::copy(&path, &renamed).unwrap();
    let again = Db::new();
    let report = again.json(&["import", "contact", renamed.to_str().unwrap(), "--format", "vcard"]);
    assert_eq!(report["created"].as_array().map(Vec::len), Some(5));
    let unnamed = db.file("people.txt");
    std::fs::copy(&path, &unnamed).unwrap();
    let report = Db::new().json(&["import", "contact", unnamed.to_str().unwrap(), "--dry-run"]);
    assert_eq!(report["created"].as_array().map(Vec::len), Some(5));
}

#[test]
fn with_strict_a_bad_vcard_is_refused_naming_every_bad_line() {
    let db = Db::new();
    db.ok(&["contact", "add", "--first", "Ann", "--last", "Lee"]);
    let bad = db.write(
        "bad.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Person\r\nEMAIL:good@example.com\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Date\r\nBDAY:1990-31-31\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:nobody@example.com\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bad Email\r\nEMAIL:not-an-email\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Broken\r\nNOTE:a line that should have been folded\r\nwithout a space\r\n\
         END:VCARD\r\nBEGIN:VCARD\r\nFN:Never read\r\nEND:VCARD\r\n",
    );
    db.refused(
        &["import", "contact", &bad, "--strict"],
        &[
            "line 9, column BDAY: '1990-31-31' is not a date: use YYYY-MM-DD or M/D/YYYY, or say the form with \
             --date-format (like %d.%m.%Y)",
            "line 18, column EMAIL: email: 'not-an-email' is not a valid email address: write it like \
             name@example.com",
            "line 24: 'without a space' is not a vCard line (NAME:value): a line that goes on starts with a space; \
             nothing after it was read",
        ],
    );
    let latin1 =
        db.write("latin1.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Jos\u{e9}\nN:Mart\u{ed}nez;Jos\u{e9}\nEND:VCARD\n");
    let bytes = std::fs::read_to_string(&latin1).unwrap().chars().map(|c| c as u32 as u8).collect::<Vec<u8>>();
    std::fs::write(&latin1, bytes).unwrap();
    db.refused(
        &["import", "contact", &latin1, "--strict"],
        &[
            "line 3, column FN: line 3 is not UTF-8 text: save the file as UTF-8, or pass --latin1 if it is Latin-1 \
             / Windows-1252",
            "line 4, column N: line 4 is not UTF-8 text: save the file as UTF-8, or pass --latin1 if it is Latin-1 \
             / Windows-1252",
        ],
    );
    db.ok(&["import", "contact", &latin1, "--latin1"]);
    assert_eq!(fields(person(&db.json(&["contact", "list"]), "José"), &["last_name"]), json!(["Martínez"]));
    let out = db.run(&["import", "account", &fixture("contacts-4.0.vcf")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(texts(&out).1.contains("is a vCard file, which holds contacts: import it with rolo import contact"));
    let out = db.run(&["import", "contact", &fixture("contacts-4.0.vcf"), "--map", "FN=last"]);
    assert!(texts(&out).1.contains("--map is for CSV files"), "{}", texts(&out).1);
}

#[test]
fn vcard_duplicates_are_skipped_merged_or_created() {
    let db = Db::new();
    db.ok(&["import", "contact", &fixture("contacts-4.0.vcf")]);
    let before = db.everything();
    let report = db.json(&["import", "contact", &fixture("contacts-4.0.vcf")]);
    let skipped: Vec<Value> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| json!([d["line"], d["existing"]["id"], d["reason"]]))
        .collect();
    assert_eq!(
        skipped,
        [
            json!([1, 1, "same email lea@sge.example.fr"]),
            json!([21, 2, "same email wang@globex.example.com"]),
            json!([30, 3, "same email sam@globex.example.com"]),
        ]
    );
    assert_eq!(db.everything(), before, "skipping changed the database");

    // The same people, one with a new phone and a new email, another found by name and company.
    let newer = db.write(
        "newer.vcf",
        "BEGIN:VCARD\nVERSION:3.0\nN:Dubois-Martin;Léa;;;\nEMAIL;TYPE=INTERNET:LEA@SGE.EXAMPLE.FR\n\
         EMAIL:lea@new.example.fr\nTEL;TYPE=HOME:+33 1 99 99 99 99\nTITLE:CTO\nEND:VCARD\n\
         BEGIN:VCARD\nVERSION:3.0\nFN:Sam Lee\nORG:globex corporation\nTEL:+1 555 0199\nEND:VCARD\n",
    );
    let report = db.json(&["import", "contact", &newer, "--dry-run", "--on-duplicate", "merge"]);
    assert_eq!(report["merged"], json!([1, 3]), "{report}");
    assert_eq!(db.everything(), before, "a dry run merged");
    db.json(&["import", "contact", &newer, "--on-duplicate", "merge"]);
    let lea = card_fields(&db.json(&["contact", "show", "1"]));
    assert_eq!(
        lea["emails"],
        json!([["lea@sge.example.fr", "work"], ["lea.dubois@example.fr", "home"], ["lea@new.example.fr", null]])
    );
    assert_eq!(lea["phones"].as_array().map(Vec::len), Some(3));
    assert_eq!(lea["title"], "Directrice technique", "a merge fills only what was empty");
    assert_eq!(card_fields(&db.json(&["contact", "show", "3"]))["phones"], json!([["+1 555 0199", null]]));

    let report = db.json(&["import", "contact", &newer, "--on-duplicate", "create"]);
    assert_eq!(report["created"], json!([4, 5]), "{report}");
    assert_eq!(db.json(&["contact", "list"]).as_array().map(Vec::len), Some(5));
}

// ---------------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------------

/// A CSV of `n` products.
fn many_products(db: &Db, n: usize) -> String {
    let mut text = String::from("Product Name,SKU,Unit Price\n");
    for i in 0..n {
        text.push_str(&format!("Item {i},SKU-{i},{}.50\n", i % 100));
    }
    db.write("many.csv", &text)
}

#[test]
fn the_import_tells_its_progress_every_thousand_rows_and_when_only_the_writing_is_left() {
    let db = Db::new();
    let file = many_products(&db, 2_500);
    let (_dir, crm) = common::fresh();
    let mut heard = Vec::new();
    let options = rolo::import::Options::default();
    let outcome = rolo::import::file(
        &crm,
        rolo::model::Kind::Product,
        Path::new(&file),
        &options,
        rolo::crm::OnDuplicate::Skip,
        false,
        |done, total| heard.push((done, total)),
    )
    .expect("the import");
    assert_eq!(outcome.report.created.len(), 2_500);
    assert_eq!(heard, [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]);
}

#[test]
fn no_progress_bar_reaches_a_pipe_or_json() {
    let db = Db::new();
    let file = many_products(&db, 6_000);
    let (said, stderr) = db.ok(&["import", "product", &file, "--dry-run"]);
    assert_eq!(said, "would import 6000 product rows: 6000 created\nnothing was written (dry run)\n");
    assert_eq!(stderr, "", "stderr is not a terminal");
    let out = db.run(&["--json", "import", "product", &file]);
    assert_eq!(texts(&out).1, "");
    assert_eq!(db.json(&["product", "list"]).as_array().map(Vec::len), Some(6_000));
}

// ---------------------------------------------------------------------------------------------
// Real files from other tools: odd values kept with warnings, every line number right
// ---------------------------------------------------------------------------------------------

/// The note texts on record `on` (`contact:1`).
fn notes_on(db: &Db, on: &str) -> Vec<String> {
    let notes = db.json(&["note", "list"]);
    let on_record = |n: &&Value| format!("{}:{}", n["target"]["kind"].as_str().unwrap_or(""), n["target"]["id"]) == on;
    notes.as_array().unwrap().iter().filter(on_record).map(|n| n["text"].as_str().unwrap().to_string()).collect()
}

#[test]
fn odd_values_in_a_crlf_csv_are_kept_with_a_warning_naming_the_line_an_editor_shows() {
    let db = Db::new();
    let file = db.write(
        "google.csv",
        "Name,Given Name,Family Name,Birthday,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value\r\n\
         Ann Lee,Ann,Lee,31/31/1990,ann@example.com,Mobile,12\r\n\
         \"Bob\r\nStone\",Bob,Stone,1985-04-12,contact1@invalid,Pager,pager\r\n\
         Cy Moss,Cy,Moss,,cy@example.com,Work,+1 418 656 9254\r\n",
    );
    let (said, warned) = db.ok(&["import", "contact", &file]);
    assert_eq!(said, "imported 3 contact rows: 3 created\n");
    assert_eq!(
        warned.lines().collect::<Vec<_>>(),
        [
            "note: line 2, column Birthday: '31/31/1990' is not a date: use YYYY-MM-DD or M/D/YYYY, or say the form \
             with --date-format (like %d.%m.%Y); kept as written in the note",
            "note: line 2, column Phone 1 - Value: '12' is not a phone number: use digits, spaces, + - ( ); kept as \
             written in the note",
            "note: line 3, column E-mail 1 - Value: 'contact1@invalid' is not a valid email address: write it like \
             name@example.com; kept, marked invalid",
            "note: line 3, column Phone 1 - Value: 'pager' is not a phone number: use digits, spaces, + - ( ); kept \
             as written in the note",
        ]
    );
    let ann = db.json(&["contact", "show", "1"]);
    assert_eq!(fields(&ann, &["birthday", "phones"]), json!([null, []]));
    assert_eq!(notes_on(&db, "contact:1"), ["Birthday: 31/31/1990\n\nphone: 12"]);
    let bob = db.json(&["contact", "show", "2"]);
    assert_eq!(bob["emails"][0]["address"], "contact1@invalid");
    assert_eq!(bob["emails"][0]["validity"], "invalid", "kept, and marked so no mail goes to it");
    assert_eq!(notes_on(&db, "contact:2"), ["phone: pager"]);
    let cy = db.json(&["contact", "show", "3"]);
    assert_eq!(cy["phones"], json!([{ "number": "+1 418 656 9254", "label": "work" }]));

    // --strict refuses the same file, on the same lines, writing nothing.
    let again = Db::new();
    again.refused(
        &["import", "contact", &file, "--strict"],
        &[
            "line 2, column Birthday: '31/31/1990' is not a date: use YYYY-MM-DD or M/D/YYYY, or say the form with \
             --date-format (like %d.%m.%Y)",
            "line 2, column Phone 1 - Value: phone: '12' is not a phone number: use digits, spaces, + - ( )",
            "line 3, column E-mail 1 - Value: email: 'contact1@invalid' is not a valid email address: write it like \
             name@example.com",
            "line 3, column Phone 1 - Value: phone: 'pager' is not a phone number: use digits, spaces, + - ( )",
        ],
    );
}

#[test]
fn a_refused_import_with_json_prints_its_problems_on_stdout() {
    let db = Db::new();
    let file = db.write("deals.csv", "Opportunity Name,Account Name,Close Date\nA,Acme,someday\nB,,2026-12-01\n");
    let out = db.run(&["--json", "import", "opp", &file]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.starts_with("error: the import was refused, nothing was written: 2 lines to fix"), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {stdout}"));
    assert_eq!(v["refused"], true);
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(2), "{v}");
    assert_eq!(fields(&v["problems"][0], &["line", "column"]), json!([2, "Close Date"]));
    assert_eq!(fields(&v["problems"][1], &["line", "column"]), json!([3, "Account Name"]));
}

#[test]
fn every_bad_email_and_phone_of_a_card_is_named_on_its_own_line() {
    let db = Db::new();
    let file = db.write(
        "two.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.com\r\nEMAIL:not-an-email\r\n\
         TEL:555 0101\r\nTEL:1\r\nEND:VCARD\r\n",
    );
    db.refused(
        &["import", "contact", &file, "--strict"],
        &[
            "line 5, column EMAIL: email: 'not-an-email' is not a valid email address: write it like \
             name@example.com",
            "line 7, column TEL: phone: '1' is not a phone number: use digits, spaces, + - ( )",
        ],
    );
    let (_, warned) = db.ok(&["import", "contact", &file]);
    assert_eq!(
        warned.lines().collect::<Vec<_>>(),
        [
            "note: line 5, column EMAIL: 'not-an-email' is not a valid email address: write it like \
             name@example.com; kept as written in the note",
            "note: line 7, column TEL: '1' is not a phone number: use digits, spaces, + - ( ); kept as written in \
             the note",
        ]
    );
    assert_eq!(notes_on(&db, "contact:1"), ["email: not-an-email\n\nphone: 1"]);
}

/// `text` as UTF-16 little-endian without a byte-order mark, as Apple's tools write vCards.
fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[test]
fn cards_from_phones_and_address_books_keep_what_their_owners_wrote() {
    let db = Db::new();
    let file = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen;;;\r\n\
        NOTE;ENCODING=QUOTED-PRINTABLE:Caf=E9 owner\r\nTEL;WORK;FAX:+49 30 1234567\r\nEND:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=8E=52=93=63;=91=BE=98=59;;;\r\n\
        TEL;CELL:090-1234-5678\r\nEND:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:4.0\r\nFN:James Richter\r\nN:Richter\\, James;Fred;;Mr.;Jr.\r\n\
        TEL;VALUE=uri;TYPE=work:tel:+1-418-656-9254;ext=102\r\nBDAY;VALUE=text:circa 1800\r\n\
        ADR;TYPE=postal,work:;;1 Main St;Quebec;QC;G1V 0A6;Canada\r\nEND:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL;TYPE=INTERNET:kim.park@example.com\r\nEND:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:Apple Computer AG\r\nORG:Apple Computer AG;\r\n\
        X-ABShowAs:COMPANY\r\nTEL;TYPE=WORK:+41 43 123 45 67\r\nURL:http://TheProfile.com\r\nEND:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:ABC Marketing\r\nORG:ABC Marketing\r\nEND:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\xe5\xb1\xb1\xe7\x94\xb0 \xe8\x8a\xb1\xe5\xad\x90\r\nEND:VCARD\r\n"
        .to_vec();
    let path = db.file("cards.vcf");
    std::fs::write(&path, &file).unwrap();
    let report = db.json(&["import", "contact", path.to_str().unwrap()]);
    let apple = db.file("apple.vcf");
    std::fs::write(&apple, utf16le("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ōta;Aiko;;;\r\nEND:VCARD\r\n")).unwrap();
    db.ok(&["import", "contact", apple.to_str().unwrap()]);
    let notes = report["notes"].to_string();
    assert!(notes.contains("line 3, column N: is not UTF-8 text and has no CHARSET: read as Windows-1252"), "{notes}");
    assert!(notes.contains("'circa 1800' is a birthday in words; kept as written in the note"), "{notes}");
    assert!(notes.contains("line 22: the card has only an email address: named kim.park after it"), "{notes}");
    assert!(!notes.contains("the name's prefix"), "a prefix is kept: {notes}");

    let people = db.json(&["contact", "list"]);
    let juergen = person(&people, "Jürgen");
    assert_eq!(fields(juergen, &["last_name"]), json!(["Müller"]), "quoted-printable Windows-1252");
    assert_eq!(juergen["phones"], json!([{ "number": "+49 30 1234567", "label": "work fax" }]));
    let taro = person(&people, "太郎");
    assert_eq!(fields(taro, &["last_name"]), json!(["山田"]), "Shift_JIS");
    let james = person(&people, "Fred");
    assert_eq!(james["last_name"], "Richter, James", "an escaped comma stays a comma");
    assert_eq!(james["phones"], json!([{ "number": "+1-418-656-9254 x102", "label": "work" }]));
    assert_eq!(james["birthday"], Value::Null);
    assert_eq!(james["addresses"][0]["label"], "work", "a postal work address is a work address");
    let kim = person(&people, "");
    assert_eq!(fields(kim, &["last_name", "tags"]), json!(["kim.park", ["to-review"]]));
    assert_eq!(kim["emails"][0]["address"], "kim.park@example.com");
    let aiko = person(&people, "Aiko");
    assert_eq!(fields(aiko, &["last_name"]), json!(["Ōta"]), "UTF-16 without a byte-order mark");
    assert_eq!(people.as_array().map(Vec::len), Some(6), "{people}");
    let hanako = person(&people, "花子");
    assert_eq!(hanako["last_name"], "山田", "a Japanese full name is family name first");

    let accounts = db.json(&["account", "list"]);
    let names: Vec<&str> = accounts.as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ABC Marketing", "Apple Computer AG"], "company cards are accounts");
    let apple = accounts.as_array().unwrap().iter().find(|a| a["name"] == "Apple Computer AG").unwrap();
    let apple = db.json(&["account", "show", &apple["id"].to_string()]);
    assert_eq!(fields(&apple, &["phone", "website"]), json!(["+41 43 123 45 67", "http://TheProfile.com"]));
    let all_notes = db.json(&["note", "list"]).to_string();
    assert!(all_notes.contains("Café owner") && all_notes.contains("birthday: circa 1800"), "{all_notes}");
}

#[test]
fn a_utf16_csv_imports_and_a_doubled_column_is_read_or_said() {
    let db = Db::new();
    let text = "First Name,Last Name,Email,Email,Company,Company,Web Page,Web Page\r\n\
                Zoë,Ōta,zoe@example.com,zoe@home.example,Acme,Acme Holdings,acme.example,https://zoe.example\r\n";
    let path = db.file("utf16.csv");
    let marked: Vec<u8> = [0xff, 0xfe].into_iter().chain(utf16le(text)).collect();
    std::fs::write(&path, marked).unwrap();
    let report = db.json(&["import", "contact", path.to_str().unwrap()]);
    assert_eq!(
        report["notes"],
        json!(["columns Company (column 5) and Company (column 6) both hold the company, which takes one value: \
             Company was read and Company left out"])
    );
    let zoe = db.json(&["contact", "show", "1"]);
    assert_eq!(fields(&zoe, &["first_name", "last_name", "account_name"]), json!(["Zoë", "Ōta", "Acme"]));
    let emails: Vec<&str> = zoe["emails"].as_array().unwrap().iter().map(|e| e["address"].as_str().unwrap()).collect();
    assert_eq!(emails, ["zoe@example.com", "zoe@home.example"]);
    assert_eq!(zoe["social"], json!(["acme.example", "https://zoe.example"]));
    let again = Db::new();
    std::fs::write(&path, utf16le(text)).unwrap();
    again.ok(&["import", "contact", path.to_str().unwrap()]);
    assert_eq!(again.json(&["contact", "show", "1"])["last_name"], "Ōta", "without a byte-order mark");
}

#[test]
fn thunderbird_and_outlook_csv_layouts_keep_birthdays_faxes_and_email_only_people() {
    let db = Db::new();
    let thunderbird = db.write(
        "thunderbird.csv",
        "First Name,Last Name,Display Name,Primary Email,Work Phone,Fax Number,Birth Year,Birth Month,Birth Day\r\n\
         Ann,Lee,Ann Lee,ann@example.com,555 0101,555 0199,1985,4,12\r\n\
         Bob,Stone,Bob Stone,contact1@invalid,,,,5,17\r\n",
    );
    let report = db.json(&["import", "contact", &thunderbird]);
    assert_eq!(report["created"], json!([1, 2]), "{report}");
    let notes = report["notes"].to_string();
    assert!(notes.contains("line 3, column Birth Year: the birthday --05-17 has no year and was left out"), "{notes}");
    let ann = db.json(&["contact", "show", "1"]);
    assert_eq!(ann["birthday"], "1985-04-12", "assembled from three columns");
    assert_eq!(
        ann["phones"],
        json!([{ "number": "555 0101", "label": "work" }, { "number": "555 0199", "label": "fax" }])
    );
    assert_eq!(db.json(&["contact", "show", "2"])["emails"][0]["validity"], "invalid");

    let outlook = db.write(
        "outlook.csv",
        "First Name,Last Name,E-mail Address,Business Fax,Home Fax,Birthday\r\n\
         ,,kim.park@example.com,,,31/12/1985\r\n\
         Cy,Moss,cy@example.com,+1 418 555 0100,+1 418 555 0101,05/06/1990\r\n",
    );
    let report = db.json(&["import", "contact", &outlook]);
    let notes = report["notes"].to_string();
    assert!(notes.contains("dates are read day first (%d/%m/%Y), as 31/12/1985 says"), "{notes}");
    assert!(
        notes.contains("line 2, column E-mail Address: the row has only an email address: named kim.park"),
        "{notes}"
    );
    let kim = db.json(&["contact", "show", "3"]);
    assert_eq!(fields(&kim, &["last_name", "birthday", "tags"]), json!(["kim.park", "1985-12-31", ["to-review"]]));
    let cy = db.json(&["contact", "show", "4"]);
    assert_eq!(cy["birthday"], "1990-06-05", "the whole column is read day first");
    assert_eq!(
        cy["phones"],
        json!([{ "number": "+1 418 555 0100", "label": "work fax" }, { "number": "+1 418 555 0101", "label": "home fax" }])
    );
}

#[test]
fn a_shared_office_line_is_a_possible_duplicate_and_a_skipped_row_creates_nothing() {
    let db = Db::new();
    let first = db.write(
        "first.csv",
        "First Name,Last Name,Email,Phone,Company\n\
         Ann,Lee,ann@acme.example,+1 418 656 9254,Acme\n\
         Raj,Patel,raj@example.com,+96123456789,\n",
    );
    db.ok(&["import", "contact", &first]);
    let second = db.write(
        "second.csv",
        "First Name,Last Name,Email,Phone,Company\n\
         Bob,Stone,bob@acme.example,+1 (418) 656-9254,Acme\n\
         Ann,Lee,ann@acme.example,,Globex\n\
         Ira,Katz,ira@example.com,+123456789,\n\
         Ann,Lee,,418 656 9254,Initech\n",
    );
    let dry = db.json(&["import", "contact", &second, "--dry-run"]);
    assert_eq!(dry["accounts_created"], json!([]), "the skipped rows create no company: {dry}");
    let report = db.json(&["import", "contact", &second]);
    assert_eq!(report["created"], json!([3, 4]), "{report}");
    let skipped: Vec<Value> =
        report["skipped"].as_array().unwrap().iter().map(|d| fields(d, &["line", "reason"])).collect();
    assert_eq!(
        skipped,
        [json!([3, "same email ann@acme.example"]), json!([5, "same phone 418 656 9254 and name"])],
        "{report}"
    );
    let possible = &report["possible"];
    assert_eq!(possible.as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(fields(&possible[0], &["line", "reason"]), json!([2, "same phone +1 (418) 656-9254 (another name)"]));
    assert_eq!(report["accounts_created"], json!([]), "Globex and Initech came only with skipped rows");
    let names: Vec<String> =
        db.json(&["account", "list"]).as_array().unwrap().iter().map(|a| a["name"].to_string()).collect();
    assert_eq!(names, ["\"Acme\""]);
    let pairs = db.json(&["contact", "duplicates"]);
    assert!(pairs.to_string().contains("another name"), "the shared line is on the duplicates list: {pairs}");
    assert_eq!(db.json(&["contact", "show", "4"])["last_name"], "Katz", "+123456789 is not +96123456789");
}

#[test]
fn exported_converted_leads_import_as_converted_or_say_what_they_became() {
    let db = Db::new();
    db.ok(&[
        "lead",
        "add",
        "--first",
        "Bob",
        "--last",
        "Stone",
        "--company",
        "Harbor Partners",
        "--email",
        "bob@harbor.example",
    ]);
    db.ok(&["lead", "add", "--first", "Cy", "--last", "Moss", "--email", "cy@example.com"]);
    db.ok(&["lead", "convert", "1", "--opportunity", "Harbor pilot", "--amount", "5000", "--close-date", "2026-12-31"]);
    let (accounts, _) = db.export("accounts", "csv");
    let (contacts, _) = db.export("contacts", "csv");
    let (deals, _) = db.export("opp", "csv");
    let (leads, text) = db.export("leads", "csv");
    assert!(text.contains("Harbor Partners,bob@harbor.example,Harbor pilot,"), "{text}");

    let again = Db::new();
    again.ok(&["import", "account", &accounts]);
    again.ok(&["import", "contact", &contacts]);
    again.ok(&["import", "opp", &deals]);
    let report = again.json(&["import", "lead", &leads]);
    assert_eq!(report["created"], json!([1, 2]), "{report}");
    let bob = again.json(&["lead", "show", "1"]);
    assert_eq!(bob["status"], "converted");
    let was = db.json(&["lead", "show", "1"]);
    assert_eq!(bob["converted"]["at"], was["converted"]["at"], "{bob}");
    assert_eq!(bob["converted"]["contact"], 1);
    assert_eq!(bob["converted"]["account"], 1);
    assert_eq!(bob["converted"]["opportunity"], 1);
    assert_eq!(again.json(&["lead", "show", "2"])["status"], "new");

    let bare = Db::new();
    bare.ok(&["import", "lead", &leads]);
    let bob = bare.json(&["lead", "show", "1"]);
    assert_eq!((bob["status"].clone(), bob["converted"].clone()), (json!("qualified"), Value::Null));
    let notes = bare.json(&["note", "list"]).to_string();
    assert!(
        notes.contains("into account Harbor Partners, contact bob@harbor.example, opportunity Harbor pilot"),
        "what it became is kept as a note: {notes}"
    );
}

#[test]
fn dates_that_could_be_read_either_way_follow_the_locale_and_the_note_says_which() {
    let file = "First Name,Last Name,Birthday\nAnn,Lee,05/06/1990\nBob,Stone,\n";
    let us = Db::new();
    let report = us.json(&["import", "contact", &us.write("people.csv", file)]);
    assert_eq!(
        report["notes"],
        json!(["dates such as 05/06/1990 could be read either way: read month first (%m/%d/%Y); pass --date-format \
             %d/%m/%Y if the day comes first"])
    );
    assert_eq!(us.json(&["contact", "show", "1"])["birthday"], "1990-05-06");
    let uk = Db::new();
    let out = uk.run_in("en_GB.UTF-8", &["--json", "import", "contact", &uk.write("people.csv", file)]);
    assert!(out.status.success(), "{}", texts(&out).1);
    assert!(texts(&out).0.contains("read day first (%d/%m/%Y)"), "{}", texts(&out).0);
    assert_eq!(uk.json(&["contact", "show", "1"])["birthday"], "1990-06-05");
}

#[test]
fn an_owner_column_names_users_for_an_admin_and_an_unknown_owner_is_kept_in_a_note() {
    let db = Db::new();
    db.ok(&["account", "add", "--name", "Acme"]);
    db.users(&["ann"]);
    let csv = "First Name,Last Name,Owner\r\nZoë,Ōsaka,ann\r\nLi,Wang,Ann user\r\nMo,Diaz,Walter White\r\nCy,Berg,\r\n";
    let path = db.write("owners.csv", csv);
    db.ok(&["import", "contact", &path]);
    let contacts = db.json(&["contact", "list"]);
    let find = |first: &str| contacts.as_array().unwrap().iter().find(|c| c["first_name"] == first).unwrap().clone();
    let owner = |first: &str| find(first)["owner"].as_str().unwrap().to_string();
    assert_eq!(owner("Zoë"), "ann", "a login names its user");
    assert_eq!(owner("Li"), "ann", "so does a user's name");
    assert_eq!(owner("Mo"), "tester", "no user of that name: the importer owns it");
    assert_eq!(owner("Cy"), "tester");
    let timeline = db.json(&["timeline", &format!("contact:{}", find("Mo")["id"])]).to_string();
    assert!(timeline.contains("owner: Walter White"), "the name is kept in a note: {timeline}");
}
