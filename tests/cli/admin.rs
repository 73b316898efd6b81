//! `source`, `demo`, `check` and `backup`.

use super::*;

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
    if super::common::on_postgres() {
        return; // a server keeps its own pages (see the store's tests of a damaged file)
    }
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

#[test]
fn migrate_copies_the_whole_database_into_a_new_one_and_never_over_data() {
    let db = Db::new();
    let a = acme(&db);
    ann(&db, a);
    deal(&db, a);
    let copy = db.file("moved/copy.redb");
    let copy_name = copy.to_str().unwrap();
    let said = db.ok(["migrate", "--to", copy_name]);
    assert!(said.starts_with("copied 13 records (1 account, 1 contact, 1 opportunity, 10 stages), "), "{said}");
    assert!(said.trim_end().ends_with(&format!("to {copy_name}: open it with --db")), "{said}");
    assert_eq!(snapshot(&copy), db.snapshot(), "every record, as it was");
    assert!(run_ok(&copy, "check").contains("database ok"));
    let v = db.json(["migrate", "--to", db.file("again.redb").to_str().unwrap()]);
    assert_eq!((v["records"]["contact"].as_u64(), v["records"]["account"].as_u64()), (Some(1), Some(1)), "{v}");
    assert!(v["audit_entries"].as_u64() > Some(0) && v["index_keys"].as_u64() > Some(0), "{v}");
    // An existing file is never written over, nor is a database that holds records.
    let taken = db.file("taken.redb");
    std::fs::write(&taken, "keep me").unwrap();
    db.fails_with(["migrate", "--to", taken.to_str().unwrap()], 1, "already exists");
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "keep me");
    db.fails_with("migrate", 2, "--to");
}
