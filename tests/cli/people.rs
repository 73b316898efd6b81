//! `account`, `contact` (email status, duplicates and merge) and `search`.

use super::*;

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
    db.fails_with(format!("account delete {a}"), 1, "account Acme Group (account:1) is still used by 1 opportunity");
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
    db.fails_with("account add --name X --revenue 12,00", 1, "error: revenue: '12,00'");
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
    db.fails_with(format!("contact merge {ann} {twin}"), 1, &format!("contact:{twin} does not exist"));
    db.fails_with(format!("contact merge {ann} {ann}"), 1, "error: contact: is the same contact twice");
    assert_eq!(db.json("contact duplicates")[0]["second"], third, "the third still looks like Ann");
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
// --filter on account and contact listings
// ---------------------------------------------------------------------------------------------

#[test]
fn contact_list_filter_keeps_the_matching_contacts_in_name_order() {
    let db = Db::new();
    let a = acme(&db);
    // Made in the other order than their names sort, so the listing's order is seen.
    let ann = db.id(format!("contact add --first Ann --last Lee --country France --email ann@acme.com --account {a}"));
    let zoe = db.id(format!("contact add --first Zoe --last Adams --country France --tag vip --account {a}"));
    let bob = db.id("contact add --first Bob --last Stone --country Germany --tag vip");
    let ids = |filter: &str| numbers_of(&db.json(["contact", "list", "--filter", filter]), "id");
    assert_eq!(ids("country:france"), [zoe, ann]);
    assert_eq!(ids("country:france -tag:vip"), [ann]);
    assert_eq!(ids("tag:vip"), [zoe, bob]);
    // Plain words: found in the name or emails, any case, without reordering.
    assert_eq!(ids("ACME.com"), [ann]);
    assert_eq!(ids("a"), [zoe, ann]);
    // With --account, both must hold.
    assert_eq!(numbers_of(&db.json(format!("contact list --account {a} --filter tag:vip")), "id"), [zoe]);
    let out = db.ok("contact list --filter country:france");
    assert!(out.find("Zoe Adams").unwrap() < out.find("Ann Lee").unwrap(), "{out}");
    assert!(!out.contains("Bob Stone"), "{out}");
    assert_eq!(db.ok("contact list --filter country:spain").trim(), "no contacts match the filter");
}

#[test]
fn a_filtered_listing_prints_the_same_json_objects() {
    let db = Db::new();
    let a = acme(&db);
    ann(&db, a);
    bob(&db);
    let all = db.json("contact list");
    let some = db.json("contact list --filter account:acme");
    assert_eq!(some.as_array().unwrap().len(), 1);
    assert_eq!(some[0], all[0], "the filtered listing's object is the unfiltered one's");
    assert_eq!(db.json("contact list --filter account:nobody"), json!([]));
}

#[test]
fn account_list_filter_reads_numbers_words_and_money() {
    let db = Db::new();
    acme(&db);
    db.ok("account add --name Globex --employees 120 --revenue 5000000 --status customer");
    db.ok("account add --name Initech --employees 40 --status customer");
    let names = |filter: &str| texts_of(&db.json(["account", "list", "--filter", filter]), "name");
    assert_eq!(names("employees:>=50"), ["Globex"]);
    assert_eq!(names("employees:10..50"), ["Initech"]);
    assert_eq!(names("status:cust"), ["Globex", "Initech"]);
    assert_eq!(names("-status:cust"), ["Acme Ltd"]);
    assert_eq!(names("revenue:>1000000"), ["Globex"]);
}

#[test]
fn a_wrong_filter_is_an_error_naming_the_term() {
    let db = Db::new();
    ann(&db, acme(&db));
    let err = db.fails_with("contact list --filter stage:won", 1, "error: filter: contacts have no field 'stage'");
    assert!(err.contains("filter by: owner, account, country"), "{err}");
    db.fails_with("account list --filter status:zz", 1, "error: filter: 'status:zz': use one of: prospect, customer");
    db.fails_with("account list --filter employees:lots", 1, "error: filter: 'employees:lots'");
    db.fails_with("contact list --filter created:2027-01-01..2026-01-01", 1, "write the earlier end first");
    db.fails_with("contact list --filter", 2, "--filter");
    db.fails_with("contact list --filter --json", 1, "error: filter: '--json' is a flag, not a filter");
}
