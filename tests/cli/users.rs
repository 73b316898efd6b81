//! Users, teams and roles: `rolo user`, `team`, `role`, `whoami`, `--as`, `--owner`, `assign`,
//! `contact erase`, and what each role may and may not do from the command line.

use serde_json::{Value, json};

use super::*;

/// Teams East and West: ann and bob, reps of East; carl, East's manager; wes, a rep of West.
fn teams(db: &Db) {
    db.ok("team add East");
    db.ok("team add West");
    db.ok("user add ann --name 'Ann Lee' --team east");
    db.ok("user add bob --name 'Bob Stone' --team East");
    db.ok("user add carl --name 'Carl Moss' --role manager --team East");
    db.ok("user add wes --name 'Wes Hale' --team West");
}

/// A contact `first` Test added by (and so owned by) `login`.
fn contact_of(db: &Db, login: &str, first: &str) -> u64 {
    db.id(format!("--as {login} contact add --first {first} --last Test"))
}

/// The ids of a JSON array of records.
fn ids(list: &Value) -> Vec<u64> {
    numbers_of(list, "id")
}

#[test]
fn users_are_added_listed_shown_and_edited() {
    let db = Db::new();
    db.ok("team add East");
    let out = db.ok("user add ANN --name 'Ann Lee' --email ann@acme.example --team east --time-zone Europe/Paris");
    assert_eq!(out.trim(), "added user ann (Ann Lee, rep)");
    let bob = db.json("user add bob --name Bob --role MANAGER --os-user bstone");
    assert_eq!(pick(&bob, &["login", "role", "os_user", "active"]), json!(["bob", "manager", "bstone", true]));
    let all = db.json("user list");
    assert_eq!(texts_of(&all, "login"), ["tester", "ann", "bob"]);
    assert_eq!(all[1]["team"], "East", "the team as the directory spells it");
    assert!(has_row(&db.ok("user list"), &["ann", "Ann Lee", "rep", "East", "yes", "ann@acme.example"]));
    let ann = db.json("user show Ann");
    assert_eq!(pick(&ann, &["name", "email", "time_zone"]), json!(["Ann Lee", "ann@acme.example", "Europe/Paris"]));
    assert!(has_row(&db.ok("user show ann"), &["time zone", "Europe/Paris"]));
    let ann = db.json("user edit ann --name 'Ann Stone' --email '' --role manager --team ''");
    assert_eq!(pick(&ann, &["name", "email", "role", "team"]), json!(["Ann Stone", null, "manager", null]));
    assert_eq!(db.json("user edit ann --active no")["active"], false);
    assert_eq!(db.ok("user edit ann --active yes").trim(), "updated user ann (Ann Stone, manager)");
}

#[test]
fn bad_users_are_refused() {
    let db = Db::new();
    db.ok("user add ann --name Ann");
    db.fails_with("user add 'ann lee' --name X", 1, "error: login: 'ann lee' is not a login");
    db.fails_with("user add Ann --name X", 1, "there is already a user 'ann': pick another name");
    db.fails_with("user add x --name ''", 1, "error: name: is empty");
    db.fails_with("user add x --name X --role boss", 1, "error: role: 'boss' is not a role: use one of admin");
    db.fails_with("user add x --name X --team Nowhere", 1, "there is no team 'Nowhere': rolo team add");
    db.fails_with("user add x --name X --time-zone Mars/Base", 1, "error: time-zone: 'Mars/Base' is not a time zone");
    db.fails_with("user add x --name X --email nope", 1, "error: email: 'nope' is not an email address");
    db.fails_with("user edit nobody --name X", 1, "'nobody' is not a rolo user of this database");
    db.fails_with("user edit ann --active maybe", 1, "error: active: 'maybe' is not yes or no");
    db.fails_with("user show nobody", 1, "rolo user add nobody --name NAME");
    db.fails_with("user add x", 2, "--name");
}

#[test]
fn teams_are_added_listed_and_renamed() {
    let db = Db::new();
    assert_eq!(db.ok("team list").trim(), "no teams yet (add one with rolo team add NAME)");
    assert_eq!(db.ok("team add East").trim(), "added team East");
    db.ok("team add West");
    db.ok("user add ann --name Ann --team East");
    db.ok("user add bob --name Bob --team east");
    assert_eq!(db.json("team list"), json!([{"name": "East", "members": 2}, {"name": "West", "members": 0}]));
    assert!(has_row(&db.ok("team list"), &["East", "2"]));
    assert_eq!(db.json("team add South"), json!({"name": "South", "members": 0}));
    assert_eq!(db.json("team rename South 'Deep South'"), json!({"name": "Deep South", "was": "South"}));
    assert_eq!(db.ok("team rename east North").trim(), "renamed team east to North");
    assert_eq!(db.json("user show ann")["team"], "North", "the users follow their team");
    db.fails_with("team add west", 1, "there is already a team 'west'");
    db.fails_with("team add ''", 1, "error: name: is empty");
    db.fails_with("team rename Nope X", 1, "there is no team 'Nope'");
    db.fails_with("team rename North West", 1, "there is already a team 'West'");
}

#[test]
fn roles_are_listed_shown_copied_and_set() {
    let db = Db::new();
    let roles = db.json("role list");
    assert_eq!(texts_of(&roles, "name"), ["admin", "manager", "rep"]);
    assert_eq!(roles[0]["users"], 1, "the OS user is the admin");
    assert_eq!(roles[1]["rights"], json!(["export", "import", "assign", "send"]));
    let rep = db.ok("role show rep");
    assert!(has_row(&rep, &["KIND", "READ", "CREATE", "EDIT", "DELETE"]), "{rep}");
    assert!(rep.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["contact", "team", "all", "own", "none"]));
    assert!(rep.trim_end().ends_with("rights: none"), "{rep}");
    let manager = db.json("role show manager");
    assert_eq!(
        manager["levels"][1],
        json!({"kind": "contact", "read": "team", "create": "all", "edit": "team", "delete": "team"})
    );
    assert_eq!(manager["built_in"], true);
    let copied = db.json("role copy manager lead");
    assert_eq!(pick(&copied, &["name", "built_in"]), json!(["lead", false]));
    assert_eq!(copied["levels"], manager["levels"], "a copy starts as its original");
    let copy = db.ok("role copy rep Closer");
    assert_eq!(copy.trim(), "copied role rep as closer: change it with rolo role set");
    assert_eq!(db.ok("role set closer contact delete own").trim(), "role closer: set contact delete own");
    let closer = db.json("role set closer EXPORT yes");
    assert_eq!(closer["rights"], json!(["export"]));
    assert_eq!(closer["levels"][1]["delete"], "own");
    assert_eq!(db.json("role set closer export no")["rights"], json!([]));
    assert_eq!(texts_of(&db.json("role list"), "name"), ["admin", "manager", "rep", "lead", "closer"]);
    assert!(has_row(&db.ok("role list"), &["closer", "copy", "0"]));
}

#[test]
fn bad_role_changes_name_what_is_allowed() {
    let db = Db::new();
    db.ok("role copy rep closer");
    db.fails_with("role set rep contact edit all", 1, "rep is a built-in role and stays as it is: copy it");
    db.fails_with("role set admin export no", 1, "admin is a built-in role");
    db.fails_with("role set nope export yes", 1, "there is no role 'nope': copy one first");
    db.fails_with(
        "role set closer contact edit everything",
        1,
        "error: level: 'everything' is not a level: use none, own, team or all",
    );
    db.fails_with(
        "role set closer contact destroy own",
        1,
        "error: action: 'destroy' is not an action: use read, create, edit or delete",
    );
    db.fails_with(
        "role set closer widget edit own",
        1,
        "error: kind: 'widget' is neither a kind of record (account, contact",
    );
    db.fails_with("role set closer stage edit all", 1, "error: kind: stages are settings");
    db.fails_with(
        "role set closer fly yes",
        1,
        "error: right: 'fly' is not a right: use export, import, assign, settings or send",
    );
    db.fails_with("role set closer contact yes", 1, "error: level: is missing: give the action and the level");
    db.fails_with("role set closer export maybe", 1, "'maybe' is not yes or no");
    db.fails_with("role set closer export", 2, "<ACTION|YES_NO>");
    db.fails_with("role copy rep Closer", 1, "there is already a role 'closer'");
    db.fails_with("role copy boss x", 1, "there is no role 'boss'");
    db.fails_with("role copy rep 'big boss'", 1, "error: name: 'big boss' is not a role name");
    db.fails_with("role show boss", 1, "there is no role 'boss': one of admin, manager, rep, closer");
}

#[test]
fn whoami_says_who_acts_and_for_whom() {
    let db = Db::new();
    teams(&db);
    let me = db.ok("whoami");
    assert!(has_row(&me, &["login", "tester"]) && has_row(&me, &["role", "admin"]), "{me}");
    assert!(!me.contains("acting as"), "{me}");
    assert_eq!(db.json("whoami")["acting_for"], Value::Null);
    let ann = db.ok("--as ANN whoami");
    assert!(has_row(&ann, &["name", "Ann Lee"]) && has_row(&ann, &["team", "East"]), "{ann}");
    assert!(ann.trim_end().ends_with("acting as ann for admin tester"), "{ann}");
    let json = db.json("--as ann whoami");
    assert_eq!(pick(&json, &["login", "role", "team", "acting_for"]), json!(["ann", "rep", "East", "tester"]));
}

#[test]
fn acting_as_someone_reads_days_in_their_time_zone() {
    let db = Db::new();
    // A day apart at every hour: UTC+14 and UTC-11.
    db.ok("user add kim --name Kim --time-zone Pacific/Kiritimati");
    db.ok("user add pat --name Pat --time-zone Pacific/Pago_Pago");
    let due = |login: &str| db.json(format!("--as {login} task add --title X --due today"))["due"].clone();
    let today_in = |tz: chrono_tz::Tz| json!(chrono::Utc::now().with_timezone(&tz).date_naive().to_string());
    assert_eq!(due("kim"), today_in(chrono_tz::Pacific::Kiritimati));
    assert_eq!(due("pat"), today_in(chrono_tz::Pacific::Pago_Pago));
}

#[test]
fn only_an_admin_acts_as_someone_else() {
    let db = Db::new();
    teams(&db);
    db.ok("user edit ann --os-user annlee");
    // ann runs rolo from her own OS account: she is herself, and no one else.
    let as_os = |os: &str, line: &str| {
        let out = rolo(&db.path).env("USER", os).args(line.words()).output().expect("run rolo");
        let (stdout, stderr) = texts(&out);
        (out.status.code(), stdout, stderr)
    };
    let (code, stdout, _) = as_os("annlee", "--json whoami");
    assert_eq!((code, serde_json::from_str::<Value>(&stdout).unwrap()["login"].clone()), (Some(0), json!("ann")));
    let before = db.snapshot();
    let (code, stdout, stderr) = as_os("annlee", "--as bob contact add --first X --last Y");
    assert_eq!((code, stdout.as_str()), (Some(1), ""));
    assert_eq!(stderr.trim(), "error: ann (rep) may not act as bob: only an admin may");
    assert_eq!(db.snapshot(), before, "nothing written");
    db.fails_with("--as nobody whoami", 1, "'nobody' is not a rolo user of this database");
    db.ok("user edit bob --active no");
    db.fails_with(
        "--as bob contact add --first X --last Y",
        1,
        "bob is disabled: ask an admin to enable the user again",
    );
}

#[test]
fn a_rep_sees_their_team_and_edits_their_own() {
    let db = Db::new();
    teams(&db);
    let (a, b, w) = (contact_of(&db, "ann", "Amy"), contact_of(&db, "bob", "Ben"), contact_of(&db, "wes", "Wil"));
    assert_eq!(ids(&db.json("--as ann contact list")), [a, b], "ann sees her team's contacts, not West's");
    assert_eq!(ids(&db.json("--as wes contact list")), [w]);
    db.fails_with(
        format!("--as ann contact show {w}"),
        1,
        &format!("error: no contact {w} (contact:{w} does not exist)"),
    );
    db.fails_with(format!("--as ann contact edit {w} --title X"), 1, &format!("no contact {w}"));
    db.fails_with(
        format!("--as ann contact edit {b} --title X"),
        1,
        &format!("error: ann (rep) may not edit contact {b}, owned by bob: ask a manager"),
    );
    db.fails_with(
        format!("--as ann contact delete {a}"),
        1,
        &format!("ann (rep) may not delete contact {a}: ask a manager"),
    );
    assert_eq!(db.json(format!("--as ann contact edit {a} --title Boss"))["title"], "Boss");
    db.fails_with(format!("--as carl contact show {w}"), 1, &format!("no contact {w}"));
    assert_eq!(
        db.json(format!("--as carl contact edit {b} --title Lead"))["title"],
        "Lead",
        "a manager edits the team's"
    );
}

#[test]
fn a_rep_may_neither_export_import_nor_assign() {
    let db = Db::new();
    teams(&db);
    let a = contact_of(&db, "ann", "Amy");
    db.fails_with(
        "--as ann export contact",
        1,
        "error: ann (rep) may not export records: ask an admin for the export right",
    );
    let out = db.file("out.csv");
    db.fails_with(format!("--as ann export contact --out {}", out.display()), 1, "may not export records");
    assert!(!out.exists(), "no file written");
    let file = common::import_fixture("google.csv");
    db.fails_with(
        format!("--as ann import contact {file}"),
        1,
        "ann (rep) may not import records: ask an admin for the import right",
    );
    db.fails_with(format!("--as ann import contact {file} --dry-run"), 1, "may not import records");
    db.fails_with(
        format!("--as ann contact assign {a} bob"),
        1,
        "ann (rep) may not give records to another owner: ask an admin for the assign right",
    );
    db.fails_with("--as ann contact add --first X --last Y --owner bob", 1, "may not give records to another owner");
    assert_eq!(db.json(format!("--as carl contact assign {a} bob"))["owner"], "bob", "a manager may");
}

#[test]
fn a_rep_export_holds_only_what_they_may_read() {
    let db = Db::new();
    teams(&db);
    let (a, b, _) = (contact_of(&db, "ann", "Amy"), contact_of(&db, "bob", "Ben"), contact_of(&db, "wes", "Wil"));
    db.ok("role copy rep exporter");
    db.ok("role set exporter export yes");
    db.ok("user edit ann --role exporter");
    let out = db.ok("--as ann export contact --format json");
    let exported: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(ids(&exported), [a, b], "wes's contact is not ann's to export");
    let csv = db.ok("--as ann export contact");
    assert!(csv.contains("Amy") && csv.contains("Ben") && !csv.contains("Wil"), "{csv}");
    assert_eq!(db.count("export contact --format json"), 3, "the admin exports everything");
}

#[test]
fn a_manager_assigns_within_reach() {
    let db = Db::new();
    teams(&db);
    let (b, w) = (contact_of(&db, "bob", "Ben"), contact_of(&db, "wes", "Wil"));
    let moved = db.json(format!("--as carl contact assign {b} ANN"));
    assert_eq!(pick(&moved, &["id", "owner", "owner_name"]), json!([b, "ann", "Ann Lee"]));
    let out = db.ok(format!("--as carl contact assign {b} bob"));
    assert_eq!(out.trim(), format!("assigned contact {b}: Ben Test to Bob Stone (bob)"));
    db.fails_with(format!("--as carl contact assign {w} ann"), 1, &format!("no contact {w}"));
    db.fails_with(
        format!("--as carl contact assign {b} nobody"),
        1,
        "error: owner: 'nobody' is not a user: use a login from rolo user list",
    );
    db.fails_with("--as carl contact assign 99 ann", 1, "no contact 99");
}

#[test]
fn every_owned_kind_is_added_for_an_owner_and_assigned() {
    let db = Db::new();
    db.ok("user add ann --name 'Ann Lee'");
    db.ok("user add bob --name 'Bob Stone'");
    let acme = acme(&db);
    let c = bob(&db);
    for (noun, line) in [
        ("account", "account add --name Initech".to_string()),
        ("contact", "contact add --first Cy --last Dee".into()),
        ("lead", "lead add --first Lu --last Lee".into()),
        ("opp", format!("opp add --name Deal --account {acme} --amount 100 --close-date 2027-01-15")),
        ("task", "task add --title Call".into()),
        ("call", format!("call log --contact {c}")),
        ("event", "event add --title Meet --start '2027-01-15 10:00'".into()),
        ("project", "project add --name Rollout --due 2027-02-01".into()),
        ("campaign", "campaign add --name Spring".into()),
        ("note", format!("note add --to contact:{c} Hello")),
    ] {
        let added = db.json(format!("{line} --owner ANN"));
        assert_eq!(pick(&added, &["owner", "owner_name"]), json!(["ann", "Ann Lee"]), "{line}");
        let id = added["id"].as_u64().unwrap();
        assert_eq!(db.json(format!("{noun} assign {id} Bob"))["owner"], "bob", "{noun}");
        let out = db.ok(format!("{noun} assign {id} ann"));
        assert!(out.starts_with("assigned ") && out.trim_end().ends_with(" to Ann Lee (ann)"), "{noun}: {out}");
        assert_eq!(db.json(format!("{noun} show {id}"))["owner"], "ann", "{noun}");
        db.fails_with(format!("{line} --owner nobody"), 1, "error: owner: 'nobody' is not a user");
        db.fails_with(format!("{noun} assign {id} nobody"), 1, "'nobody' is not a user");
    }
    db.fails_with("product assign 1 ann", 2, "assign");
}

#[test]
fn owners_show_by_name() {
    let db = Db::new();
    db.ok("user add ann --name 'Ann Lee'");
    let acme = db.id("account add --name Acme --owner ann");
    let c = db.id("contact add --first Al --last Bo --owner ann");
    assert!(has_row(&db.ok("account list"), &["Acme", "Ann Lee (ann)"]));
    assert!(has_row(&db.ok(format!("account show {acme}")), &["owner", "Ann Lee (ann)"]));
    assert!(has_row(&db.ok(format!("contact show {c}")), &["owner", "Ann Lee (ann)"]));
    let list = db.json("contact list");
    assert_eq!(pick(&list[0], &["owner", "owner_name"]), json!(["ann", "Ann Lee"]));
    let exported: Value = serde_json::from_str(&db.ok("export contact --format json")).unwrap();
    assert_eq!(exported[0]["owner_name"], "Ann Lee", "an export's objects are the listing's");
}

#[test]
fn disabling_keeps_or_transfers_records_and_never_the_last_admin() {
    let db = Db::new();
    teams(&db);
    let (a, b) = (contact_of(&db, "ann", "Amy"), contact_of(&db, "bob", "Ben"));
    let acme = db.id("--as bob account add --name Acme");
    let out = db.ok("user disable bob");
    assert_eq!(out.trim(), "disabled user bob");
    assert_eq!(db.json(format!("contact show {b}"))["owner"], "bob", "records keep their owner");
    assert_eq!(db.json("user show bob")["active"], false);
    db.fails_with("--as bob whoami", 1, "bob is disabled");
    db.fails_with(format!("contact assign {a} bob"), 1, "error: owner: bob is disabled: choose an active user");
    db.ok("user edit bob --active yes");
    db.fails_with("user disable bob --transfer-to nobody", 1, "'nobody' is not a rolo user");
    db.ok("user disable wes");
    db.fails_with("user disable bob --transfer-to wes", 1, "error: transfer-to: wes is disabled too");
    db.fails_with("user disable bob --transfer-to bob", 1, "is bob, the user being disabled");
    let done = db.json("user disable bob --transfer-to ANN");
    assert_eq!(done, json!({"login": "bob", "active": false, "transferred_to": "ann", "moved": 2}));
    assert_eq!(db.json(format!("contact show {b}"))["owner"], "ann");
    assert_eq!(db.json(format!("account show {acme}"))["owner"], "ann");
    db.fails_with(
        "user disable tester",
        1,
        "error: login: tester is the last active admin: make another user admin first",
    );
    db.fails_with("user edit tester --role rep", 1, "no active admin");
    db.fails_with("user edit tester --active no", 1, "no active admin");
    db.fails_with(
        "--as ann user disable carl",
        1,
        "ann (rep) may not change the settings: ask an admin for the settings right",
    );
    db.fails_with("--as carl team add South", 1, "carl (manager) may not change the settings");
    db.ok("check");
}

#[test]
fn a_copied_role_gives_its_users_what_it_says() {
    let db = Db::new();
    teams(&db);
    db.ok("role copy rep closer");
    db.ok("role set closer contact delete own");
    db.ok("role set closer account create none");
    db.ok("user add dan --name Dan --role closer --team East");
    let d = contact_of(&db, "dan", "Dee");
    let a = contact_of(&db, "ann", "Amy");
    db.fails_with(
        format!("--as dan contact delete {a}"),
        1,
        &format!("dan (closer) may not delete contact {a}, owned by ann"),
    );
    assert_eq!(db.ok(format!("--as dan contact delete {d}")).trim(), format!("deleted contact {d}: Dee Test"));
    db.fails_with(format!("--as ann contact delete {a}"), 1, "ann (rep) may not delete contact");
    db.fails_with("--as dan account add --name Acme", 1, "dan (closer) may not create accounts: ask a manager");
    db.ok("role set closer contact read own");
    assert_eq!(db.count("--as dan contact list"), 0, "reading their own only, dan no longer sees ann's");
}

/// What the database holds: the file's bytes, or on PostgreSQL every row of rolo's tables, one
/// after the other.
fn stored_bytes(db: &Db) -> Vec<u8> {
    let Some(address) = db.path.to_str().filter(|_| rolo::store::is_address(&db.path)) else {
        return std::fs::read(&db.path).unwrap();
    };
    let mut client = postgres::Client::connect(address, postgres::NoTls).unwrap();
    let rows = client
        .query(
            "SELECT envelope FROM rolo_records UNION ALL SELECT key FROM rolo_index \
             UNION ALL SELECT key || entry FROM rolo_audit UNION ALL SELECT texts FROM rolo_search \
             UNION ALL SELECT value FROM rolo_settings UNION ALL SELECT change FROM rolo_changes",
            &[],
        )
        .unwrap();
    rows.iter().flat_map(|row| row.get::<_, Vec<u8>>(0).into_iter().chain([0])).collect()
}

#[test]
fn erase_removes_the_person_and_their_trail() {
    let db = Db::new();
    teams(&db);
    let eve = db.id("contact add --first Eve --last Smith --email eve@secret.example --title Spy");
    db.ok(format!("contact edit {eve} --title 'Head of Spies'"));
    let note = db.id(format!("note add --to contact:{eve} 'Eve keeps secrets'"));
    let out = db.ok(format!("contact erase {eve}"));
    assert_eq!(out.trim(), format!("erased contact Eve Smith (contact:{eve})"));
    db.fails_with(format!("contact show {eve}"), 1, &format!("no contact {eve}"));
    let trail = db.json(format!("timeline contact:{eve}"));
    assert_eq!(trail.as_array().unwrap().len(), 1, "only the erasure is left: {trail}");
    assert_eq!(pick(&trail[0], &["summary", "user"]), json!(["erased: personal data removed", "tester"]));
    let text = db.ok(format!("timeline contact:{eve}"));
    assert!(!text.contains("Spies") && !text.contains("eve@"), "{text}");
    // Nor does the file keep their bytes in pages no record uses any more; on PostgreSQL, no
    // row of rolo's tables holds them, not even the news of past commits kept for other nodes.
    let bytes = stored_bytes(&db);
    let holds = |gone: &[u8]| bytes.windows(gone.len()).any(|w| w == gone);
    db.fails_with(format!("timeline note:{note}"), 1, &format!("no note {note}"));
    assert!(holds(b"personal data removed"), "the check finds what is there");
    for gone in [&b"eve@secret.example"[..], b"Head of Spies", b"Eve keeps secrets"] {
        assert!(!holds(gone), "{} is still in the database", String::from_utf8_lossy(gone));
    }
    let gone = db.id("contact add --first Gus --last Gone");
    assert_eq!(db.json(format!("contact erase {gone}")), json!({"id": gone, "name": "Gus Gone", "erased": true}));
    let a = contact_of(&db, "ann", "Amy");
    db.fails_with(format!("--as ann contact erase {a}"), 1, &format!("ann (rep) may not delete contact {a}"));
    db.fails_with(format!("--as ann timeline contact:{eve}"), 1, &format!("no contact {eve}"));
    db.fails_with("contact erase 99", 1, "no contact 99");
    db.ok("check");
}

#[test]
fn the_settings_right_manages_users_but_makes_no_one_admin() {
    let db = Db::new();
    db.ok("user add bob --name Bob");
    db.ok("user add cy --name Cy");
    db.ok("role copy rep keeper");
    db.ok("role set keeper settings yes");
    db.ok("user edit bob --role keeper");
    // bob may manage users and teams...
    db.ok("--as bob team add East");
    db.ok("--as bob user edit cy --team East");
    // ...but not make anyone admin, change an admin, or change the role he holds.
    let before = db.snapshot();
    db.fails_with(
        "--as bob user edit bob --role admin",
        1,
        "bob (keeper) may not change the admin bob or make anyone admin",
    );
    db.fails_with(
        "--as bob user add eve --name Eve --role admin",
        1,
        "may not change the admin eve or make anyone admin",
    );
    db.fails_with("--as bob user disable tester", 1, "may not change the admin tester");
    db.fails_with("--as bob role set keeper import yes", 1, "bob (keeper) may not change the role keeper they hold");
    db.fails_with(
        "--as bob role copy admin boss",
        1,
        "bob (keeper) may not make a role boss that grants more than keeper",
    );
    db.fails_with("--as bob user edit cy --role manager", 1, "may not give cy a role that grants more than keeper");
    assert_eq!(db.snapshot(), before, "nothing changed");
    // Stages and lead sources are settings too; a rep has no say in them.
    db.fails_with(
        "--as cy source add Fair",
        1,
        "cy (rep) may not change the settings: ask an admin for the settings right",
    );
    db.fails_with("--as cy stage add Pilot", 1, "cy (rep) may not change the settings");
    db.fails_with("--as cy stage edit 3 --name Needs", 1, "cy (rep) may not change the settings");
    db.ok("--as bob source add Fair");
}

#[test]
fn an_os_account_acts_as_one_user_only() {
    let db = Db::new();
    db.ok("user add bob --name Bob");
    db.fails_with("user add cy --name Cy --os-user bob", 1, "error: os-user: the OS account bob already acts as bob");
    db.ok("user add cy --name Cy --os-user carl");
    db.fails_with("user add dd --name Dd --os-user carl", 1, "the OS account carl already acts as cy");
    db.ok("--as bob whoami");
    db.ok("user edit bob --name Bobby");
}

#[test]
fn a_linked_record_out_of_sight_is_named_by_no_name_and_kept_on_edit() {
    let db = Db::new();
    teams(&db);
    let acme = db.id("--as wes account add --name 'Acme West'");
    let amy = db.id(format!("contact add --first Amy --last Test --account {acme} --owner ann"));
    let shown = db.json(format!("--as ann contact show {amy}"));
    assert_eq!(shown["account"], acme);
    assert!(shown.get("account_name").is_none(), "the account's name is not ann's to see: {shown}");
    let found = db.json("--as ann search amy").to_string();
    assert!(found.contains("Amy") && !found.contains("Acme West"), "the account's name is left out: {found}");
    assert!(db.json("search amy").to_string().contains("Acme West"), "the admin sees it");
    db.ok(format!("--as ann contact edit {amy} --title Buyer"));
    assert_eq!(db.json(format!("contact show {amy}"))["account"], acme, "her edit keeps the link");
    let list = db.id("list add --name Fair");
    let wendy = db.id("--as wes contact add --first Wendy --last West");
    db.ok(format!("list member {list} {amy}"));
    db.ok(format!("list member {list} {wendy}"));
    assert_eq!(db.json(format!("--as ann list show {list}"))["members"], json!([amy]), "only the members ann may see");
    // A rep may not change a list at all; a manager may, with the contacts they may see.
    db.fails_with(format!("--as ann list member {list} {wendy}"), 1, "ann (rep) may not edit list");
    db.fails_with(format!("--as carl list member {list} {wendy}"), 1, &format!("no contact {wendy}"));
    db.fails_with(format!("--as carl list member {list} {amy}"), 1, "already on the list");
    assert_eq!(db.json(format!("list show {list}"))["members"], json!([amy, wendy]));
}

#[test]
fn work_on_ones_own_records_goes_on_when_what_they_name_is_out_of_sight() {
    let db = Db::new();
    teams(&db);
    let acme = db.id("--as wes account add --name 'Acme West'");
    let wendy = db.id("--as wes contact add --first Wendy --last West");
    let deal = db.id(format!("opp add --name Pilot --account {acme} --amount 100 --close-date 2027-01-31 --owner ann"));
    let widget = db.id("product add --name Widget --price 10");
    let quote = db.id(format!("--as ann quote add --opp {deal}"));
    let text = db.ok(format!("--as ann quote line {quote} --product {widget} --qty 2"));
    assert!(text.contains("Widget") && text.contains(&format!("#{acme}")), "{text}");
    assert!(db.ok(format!("--as ann quote show {quote} --format md")).contains("Pilot"));
    let task = db.id(format!("task add --title 'Call Wendy' --contact {wendy} --owner ann"));
    db.ok(format!("--as ann task done {task}"));
    assert_eq!(db.json(format!("task show {task}"))["status"], "done");
    assert!(db.json(format!("contact show {wendy}"))["last_activity"].is_string(), "her last activity follows");
    // Wes reads the task (it is about his contact) but it is ann's to change.
    assert_eq!(db.json(format!("--as wes task show {task}"))["owner"], "ann");
    db.fails_with(
        format!("--as wes task edit {task} --title Mine"),
        1,
        &format!("wes (rep) may not edit task {task}, owned by ann"),
    );
}

#[test]
fn converting_or_merging_records_out_of_sight_says_they_are_not_there() {
    let db = Db::new();
    teams(&db);
    let lead = db.id("--as wes lead add --first Lu --last West --company 'West Co'");
    let (amy, wendy) = (contact_of(&db, "ann", "Amy"), contact_of(&db, "wes", "Wendy"));
    let before = db.snapshot();
    db.fails_with(format!("--as ann lead convert {lead}"), 1, &format!("no lead {lead}"));
    db.fails_with(format!("--as carl contact merge {amy} {wendy}"), 1, &format!("no contact {wendy}"));
    db.fails_with(format!("--as carl contact merge {wendy} {amy}"), 1, &format!("no contact {wendy}"));
    assert_eq!(db.snapshot(), before, "nothing changed");
}

const KEY_A: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJmgziG0KNCEuU375YT2MqlaTafgMhqSEVJk8DvHjY4z a@laptop";
const KEY_B: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIASmv/cciJBPnYyuemSjE814XDwj7TabCgna7TP+c+46 b@laptop";

#[test]
fn ssh_keys_are_added_from_a_file_or_stdin_listed_and_removed() {
    let db = Db::new();
    db.ok("user add ann --name Ann");
    let file = db.file("ann.pub");
    std::fs::write(&file, format!("{KEY_A}\n")).unwrap();
    let out = db.ok(["--as", "ann", "user", "key", "add", "ann", file.to_str().unwrap()]);
    assert_eq!(
        out.trim(),
        "added key 1 for ann: ssh-ed25519 SHA256:zy4u9xF72v+H+cx+Upe9ppxUds3OtIp3Tl0axp3KxeU a@laptop"
    );
    let piped =
        rolo(&db.path).args(["--json", "--as", "ann", "user", "key", "add", "ann", "-"]).write_stdin(KEY_B).output();
    let (stdout, stderr) = texts(&piped.unwrap());
    assert!(stderr.is_empty(), "{stderr}");
    let added: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(pick(&added, &["login", "number", "comment"]), json!(["ann", 2, "b@laptop"]));
    let listed = db.json("--as ann user key list");
    assert_eq!(texts_of(&listed, "algorithm"), ["ssh-ed25519", "ssh-ed25519"]);
    assert_eq!(numbers_of(&listed, "number"), [1, 2]);
    assert!(has_row(&db.ok("user key list ann"), &["ann", "1", "SHA256:zy4u9xF72v", "ssh-ed25519", "a@laptop"]));
    let gone = db.ok("user key remove ann SHA256:zy4u9xF72v+H+cx+Upe9ppxUds3OtIp3Tl0axp3KxeU");
    assert!(gone.starts_with("removed key 1 of ann: ssh-ed25519"), "{gone}");
    db.ok("user key rm ann 1");
    assert_eq!(db.ok("user key list ann").trim(), "no keys yet (add one with rolo user key add LOGIN FILE)");
}

#[test]
fn bad_ssh_keys_are_refused_naming_why() {
    let db = Db::new();
    db.ok("user add ann --name Ann");
    db.ok("user add bob --name Bob");
    let file = db.file("k.pub");
    let add = |text: &str, needle: &str| {
        std::fs::write(&file, text).unwrap();
        db.fails_only(["--as", "ann", "user", "key", "add", "ann", file.to_str().unwrap()], 1, needle);
    };
    add("ssh-ed25519 AAAAbroken", "error: key: not an OpenSSH public key");
    add("-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n-----END OPENSSH PRIVATE KEY-----\n", "PRIVATE key: keep it secret");
    add("", "error: key: is empty");
    db.fails_only("user key add ann /nowhere/k.pub", 1, "error: cannot read /nowhere/k.pub");
    std::fs::write(&file, KEY_A).unwrap();
    db.ok(["--as", "bob", "user", "key", "add", "bob", file.to_str().unwrap()]);
    db.fails_only(["--as", "ann", "user", "key", "add", "ann", file.to_str().unwrap()], 1, "is held by bob");
    db.fails_only(
        ["--as", "ann", "user", "key", "add", "bob", file.to_str().unwrap()],
        1,
        "may not change the settings",
    );
    db.fails_only("--as ann user key list bob", 1, "may not change the settings");
    db.fails_only("--as ann user key remove bob 1", 1, "may not change the settings");
    db.fails_only("user key remove bob 7", 1, "there is no key '7'");
    db.fails_only("user key list nobody", 1, "'nobody' is not a rolo user");
    assert_eq!(db.count("user key list"), 1, "only bob's key was kept");
}

#[test]
fn preferences_are_set_by_their_user_and_shown() {
    let db = Db::new();
    db.ok("user add ann --name Ann");
    let shown = db.ok("--as ann user prefs ann");
    assert!(has_row(&shown, &["theme", "dark (default)"]) && has_row(&shown, &["keys", "the usual ones"]), "{shown}");
    let set = db.json([
        "--as",
        "ann",
        "user",
        "prefs",
        "ann",
        "--theme",
        "Plain",
        "--default-screen",
        "Pipeline",
        "--key",
        "copy-email=ctrl-y",
        "--key",
        "new=g n",
        "--date-format",
        "dd/mm/yyyy",
        "--week-start",
        "Sunday",
    ]);
    assert_eq!(
        set,
        json!({
            "login": "ann",
            "theme": "plain",
            "default_screen": "pipeline",
            "date_format": "DD/MM/YYYY",
            "week_start": "sunday",
            "keys": { "copy-email": "ctrl-y", "new": "g n" },
        })
    );
    let shown = db.ok("user prefs ann");
    assert!(has_row(&shown, &["date format", "DD/MM/YYYY"]) && has_row(&shown, &["week start", "sunday"]), "{shown}");
    let set = db.json("--as ann user prefs ann --theme '' --key new=");
    assert_eq!(pick(&set, &["theme", "keys"]), json!([null, { "copy-email": "ctrl-y" }]));
    assert_eq!(db.json("user show ann")["prefs"]["default_screen"], "pipeline", "kept with the user");
    db.ok("user prefs ann --default-screen leads");
}

#[test]
fn bad_preferences_are_refused_naming_the_choices() {
    let db = Db::new();
    db.ok("user add ann --name Ann");
    db.ok("user add bob --name Bob");
    db.fails_with(
        "user prefs ann --theme neon",
        1,
        "error: theme: 'neon' is not a theme: use one of dark, light, high-contrast, 16-color, plain",
    );
    db.fails_with(
        "user prefs ann --default-screen home",
        1,
        "error: default-screen: 'home' is not a screen: use one of pipeline, contacts",
    );
    db.fails_with("user prefs ann --key fly=f", 1, "error: key: 'fly' is not an action: use one of");
    db.fails_with(
        "user prefs ann --date-format 31.12.99",
        1,
        "error: date-format: '31.12.99' is not a date format: use one of YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY",
    );
    db.fails_with("user prefs ann --week-start weekend", 1, "error: week-start: 'weekend' is not a day of the week");
    db.fails_with("user prefs ann --key new=ctrl-banana", 1, "error: key: 'ctrl-banana' is not a key");
    db.fails_with("user prefs ann --key new", 1, "error: key: 'new' is not ACTION=KEY");
    db.fails_with("--as ann user prefs bob --theme plain", 1, "ann (rep) may not change the settings");
    db.fails_with("user prefs nobody --theme plain", 1, "'nobody' is not a rolo user");
}
