//! Customer service on the command line: the case commands from opening to the article, the
//! queue and its filters, a call logged on a case, the SLA settings, the cases report, and cases
//! in and out of CSV.

use super::*;

/// A database with Acme, Ann Lee at Acme (ann@acme.com) and the product Laser 2000.
fn service_db() -> Db {
    let db = Db::new();
    let acme = acme(&db);
    ann(&db, acme);
    db.ok("product add --name 'Laser 2000' --price 100");
    db
}

#[test]
fn a_case_goes_from_opening_through_its_thread_to_a_knowledge_article() {
    let db = service_db();
    let out = db
        .ok("case add --subject 'Printer jams' --account 1 --contact 1 --product 1 --priority urgent --channel email");
    assert_eq!(out.trim(), "created case 1: C-000001 Printer jams");
    let case = db.json("case show C-000001");
    assert_eq!((case["number"].as_str(), case["status"].as_str()), (Some("C-000001"), Some("new")));
    assert_eq!((case["account_name"].as_str(), case["product_name"].as_str()), (Some("Acme Ltd"), Some("Laser 2000")));
    assert!(case["sla_due"].is_string() && case["first_response"].is_null(), "{case}");
    // A call logged on the case is with its contact and is its first response.
    db.ok("call log --case C-000001 --notes 'Asked for the model'");
    let call = &db.json("call list")[0];
    assert_eq!((call["contact"].as_u64(), call["case"].as_u64()), (Some(1), Some(1)));
    assert!(db.json("case show 1")["first_response"].is_string());
    db.ok("case comment 1 'Checked the logs'");
    db.ok(["case", "comment", "c1", "A new roller is on its way", "--public"]);
    let shown = db.ok("case show 1");
    assert!(shown.contains("internal comment by") && shown.contains("public comment by"), "{shown}");
    assert!(shown.contains("call out with Ann Lee"), "{shown}");
    let thread = db.json("case show 1")["thread"].clone();
    let mut types: Vec<&str> = thread.as_array().unwrap().iter().map(|t| t["type"].as_str().unwrap()).collect();
    types.sort_unstable();
    assert_eq!(types, ["call", "comment", "comment"], "within one second the order is not said");
    // Moving on, closing with a resolution, reopening, closing again, the article.
    assert!(db.ok("case status 1 waiting").contains("marked waiting case 1"));
    db.fails_with("case status 1 resolved", 1, "resolution: is required to mark a case resolved");
    db.fails_with("case article 1", 1, "resolve it first");
    db.ok("case close 1 --resolution 'Replaced the roller'");
    assert_eq!(db.json("case show 1")["status"], "closed");
    assert!(db.ok("case reopen C-000001").contains("reopened case 1"));
    assert!(db.json("case show 1")["resolution"].is_null());
    db.ok("case status 1 resolved --resolution 'Replaced the roller'");
    assert!(db.ok("case article 1").contains("wrote article 1: Printer jams"));
    db.fails_with("case article 1", 1, "has its knowledge article already (1: Printer jams)");
    // The trail keeps what each resolution was, though reopening clears it.
    let trail = db.ok("timeline case:1");
    assert!(trail.contains("reopened (closed before, as: Replaced the roller)"), "{trail}");
    let kb = db.json("kb show 1");
    assert_eq!((kb["body"].as_str(), kb["case"].as_u64()), (Some("Replaced the roller"), Some(1)));
    assert!(db.ok("search roller").contains("Printer jams"), "the article is found by its answer");
    assert!(db.ok("kb list").contains("C-000001"));
    db.ok("kb add --title 'Reset a password' --body 'Settings, then Security'");
    assert_eq!(db.count("kb list"), 2);
}

#[test]
fn the_queue_lists_open_cases_soonest_sla_first_and_filters_them() {
    let db = service_db();
    db.ok("case add --subject 'Low one' --priority low");
    db.ok("case add --subject 'Urgent one' --priority urgent --account 1");
    db.ok("case add --subject 'Normal one'");
    db.ok(["case", "close", "3", "--resolution", "Answered by phone\nand by email"]);
    assert_eq!(db.json("case show 3")["resolution"], "Answered by phone\nand by email", "a resolution keeps its lines");
    let subjects = |line: &str| texts_of(&db.json(line), "subject");
    assert_eq!(subjects("case list"), ["Urgent one", "Low one"], "open only, soonest SLA first");
    assert_eq!(subjects("case list --all"), ["Urgent one", "Low one", "Normal one"]);
    assert_eq!(subjects("case list --status closed"), ["Normal one"]);
    assert_eq!(subjects("case list --priority urgent"), ["Urgent one"]);
    assert_eq!(subjects("case list --filter account:acme"), ["Urgent one"]);
    assert_eq!(subjects("case list --filter status:closed"), ["Normal one"], "a filter on status is the filter's own");
    // A case about a person is their account's unless it says otherwise.
    db.ok("case add --subject 'From Ann' --contact 1");
    assert_eq!(db.json("case show 4")["account_name"], "Acme Ltd");
    assert!(subjects("case list --breached").is_empty());
    let table = db.ok("case list");
    assert!(has_row(&table, &["C-000002", "urgent", "new", "Urgent one", "Acme"]), "{table}");
    db.ok("user add bo --name 'Bo Berg'");
    db.ok("case assign 1 bo");
    assert_eq!(db.json("case show 1")["status"], "assigned", "a new case given to someone is assigned");
    assert!(db.ok("case list --filter owner:nobody").contains("no cases match the filter"));
}

#[test]
fn bad_case_input_names_the_field_and_changes_nothing() {
    let db = service_db();
    db.ok("case add --subject 'Printer jams'");
    db.fails_with("case add --subject ' '", 1, "subject: is required");
    db.fails_with(
        "case add --subject X --priority soon",
        1,
        "priority: 'soon' is not one of: low, normal, high, urgent",
    );
    db.fails_with("case add --subject X --channel fax", 1, "channel:");
    db.fails_with("case add --subject X --account 99", 1, "account: account:99 does not exist");
    db.fails_with("case add --subject X --satisfaction 9", 1, "satisfaction: 9 is not from 1 to 5");
    db.fails_with("case add --subject X --team Nowhere", 1, "team: 'Nowhere' is not a team");
    db.fails_with("case show C-000009", 1, "case 9");
    db.fails_with("case status 1 done", 1, "status: 'done' is not one of: new, assigned, waiting, resolved, closed");
    db.fails_with("case comment 1 ' '", 1, "text: is required");
    db.fails_with("case reopen 1", 1, "nothing to reopen");
    db.fails_with("call log --case 1", 1, "contact: is required: the case has no contact");
    db.fails_only("case show X-1", 2, "is not a case: give its number");
}

#[test]
fn service_settings_set_the_sla_of_new_cases_and_refuse_what_they_cannot_use() {
    let db = service_db();
    db.ok("settings set sla.urgent 2h");
    db.ok("settings set work.hours 08:00-16:00");
    db.ok("settings set work.days mon-fri");
    db.ok("settings set work.zone Europe/Paris");
    let shown = db.json("settings show");
    assert_eq!((shown["sla.urgent"].as_str(), shown["work.hours"].as_str()), (Some("2h"), Some("08:00-16:00")));
    assert_eq!(shown["work.zone"], "Europe/Paris");
    assert!(db.ok("settings show").contains("work.days: mon,tue,wed,thu,fri"));
    db.fails_with("settings set work.hours 17-9", 1, "work.hours: '17-9' is not a working day");
    db.fails_with("settings set sla.high soon", 1, "sla.high: 'soon' is not a time");
    db.fails_with("settings set work.zone Mars/Base", 1, "not a time zone");
    db.fails_with("settings set sla.later 1h", 1, "not a setting: use smtp.url");
}

#[test]
fn the_cases_report_counts_by_week_status_and_sla_as_json_and_csv() {
    let db = service_db();
    db.ok("case add --subject 'One' --account 1 --priority high");
    db.ok("case add --subject 'Two' --account 1 --product 1");
    db.ok("case close 2 --resolution 'Done'");
    let r = db.json("report cases");
    assert_eq!(r["opened"], 2);
    assert_eq!(r["weeks"].as_array().unwrap().len(), 12, "twelve ISO weeks by default");
    let last = r["weeks"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["opened"].as_u64(), last["closed"].as_u64()), (Some(2), Some(1)));
    let closed = r["by_status"].as_array().unwrap().iter().find(|s| s["status"] == "closed").unwrap().clone();
    assert_eq!(closed["by_priority"], serde_json::json!([0, 1, 0, 0]));
    assert_eq!((r["sla_met"].as_u64(), r["sla_breached"].as_u64()), (Some(2), Some(0)));
    assert_eq!(r["by_account"][0]["name"], "Acme Ltd");
    assert!(r["median_resolution_secs"].is_number());
    let csv = db.ok("report cases --csv");
    assert!(csv.starts_with("week,opened,closed\n") && csv.trim_end().ends_with(",2,1"), "{csv}");
    let text = db.ok("report cases");
    assert!(text.contains("SLA: 2 met or not yet due, 0 breached") && text.contains("Median time"), "{text}");
}

#[test]
fn cases_go_out_as_csv_and_come_back_in_with_their_people_and_products() {
    let db = service_db();
    db.ok("case add --subject 'Printer jams' --account 1 --contact 1 --product 1 --priority high");
    db.ok("case add --subject 'VAT wrong' --account 1 --priority urgent");
    db.ok("case close 2 --resolution 'Fixed the rate'");
    let file = db.file("cases.csv");
    db.ok(format!("export case --out {}", file.display()));
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("Number,Subject,Account Name,Contact,Contact Email,Product,Priority,Status"), "{csv}");
    // Into another database that knows the people and products: the same cases.
    let other = service_db();
    let out = other.ok(format!("import case {}", file.display()));
    assert!(out.contains("imported 2 case rows: 2 created"), "{out}");
    let back = other.json("case list --all");
    let pick_of = |v: &Value| {
        pick(v, &["subject", "priority", "status", "account", "contact", "product", "resolution", "created"])
    };
    let mine: Vec<Value> = db.json("case list --all").as_array().unwrap().iter().map(pick_of).collect();
    let theirs: Vec<Value> = back.as_array().unwrap().iter().map(pick_of).collect();
    assert_eq!(mine, theirs);
    // Again: the same cases are recognised and skipped.
    let again = other.ok(format!("import case {}", file.display()));
    assert!(again.contains("0 created, 2 duplicates skipped"), "{again}");
    // Another tool's export, CRLF, its own words; a row naming nobody refuses the whole file.
    let foreign = db.file("tickets.csv");
    std::fs::write(
        &foreign,
        "Subject,Account Name,Contact Email,Priority,Status,Origin,Date Created\r\n\
         Screen flickers,Acme,ann@acme.com,High,Open_Assigned,Web,2026-11-30 10:00\r\n\
         Noisy fan,Acme,nobody@nowhere.example,Low,Pending Input,Phone,2026-11-30 11:00\r\n",
    )
    .unwrap();
    db.refused(format!("import case {}", foreign.display()), &["nothing was written", "line 3, column Contact Email"]);
    let fixed = std::fs::read_to_string(&foreign).unwrap().replace("nobody@nowhere.example", "");
    std::fs::write(&foreign, fixed).unwrap();
    db.ok(format!("import case {}", foreign.display()));
    let got = db.json("case list --filter channel:web");
    let want = serde_json::json!(["Screen flickers", "assigned", "high", 1]);
    assert_eq!(pick(&got[0], &["subject", "status", "priority", "contact"]), want);
    assert_eq!(db.json("case list --status waiting")[0]["subject"], "Noisy fan", "Pending Input is waiting");
}
