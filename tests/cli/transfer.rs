//! `import` and `export`: files other tools write, and round trips through rolo.

use super::common::import_fixture as fixture;
use super::*;

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

impl Db {
    /// Runs an import that must be refused: exit 1, nothing on stdout, an `error:` line first and
    /// then one line per problem, each `needles` among them, and the database unchanged.
    pub(super) fn refused(&self, line: impl Line, needles: &[&str]) -> String {
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
fn an_import_of_dash_reads_stdin_and_tells_a_vcard_by_its_first_line() {
    let db = Db::new();
    let csv = "first,last,email\nAnn,Lee,ann@example.com\n";
    let out = rolo(&db.path).args(["import", "contacts", "-"]).write_stdin(csv).output().expect("run rolo");
    assert_eq!(texts(&out).0, "imported 1 contact row: 1 created\n", "{}", texts(&out).1);
    let card = "BEGIN:VCARD\nVERSION:3.0\nN:Ray;Bob;;;\nFN:Bob Ray\nEND:VCARD\n";
    let out = rolo(&db.path).args(["import", "contacts", "-"]).write_stdin(card).output().expect("run rolo");
    assert_eq!(texts(&out).0, "imported 1 contact row: 1 created\n", "{}", texts(&out).1);
    assert_eq!(texts_of(&db.json("contact list"), "last_name"), ["Lee", "Ray"]);
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
    let itself = if rolo::store::is_address(&db.path) {
        "is a database's address, not a file"
    } else {
        "is the database itself"
    };
    db.fails_with(["export", "contacts", "--out", db.path.to_str().unwrap(), "--force"], 1, itself);

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
