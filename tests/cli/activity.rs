//! `task`, `call`, `event`, `agenda`, `project`, `campaign`, `list`, `note` and `timeline`.

use super::*;

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
    db.fails_with("campaign add --name X --budget 1,00", 1, "error: budget: '1,00'");
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
// --filter on task, call, event, project and campaign listings
// ---------------------------------------------------------------------------------------------

#[test]
fn call_list_filter_takes_word_prefixes_and_day_ranges() {
    let db = Db::new();
    let ann = ann(&db, acme(&db));
    let bob = bob(&db);
    let vm = db.id(format!("call log --contact {ann} --outcome voicemail --at '2026-03-02 09:00'"));
    let ok = db.id(format!("call log --contact {bob} --outcome connected --duration 10m --at '2026-03-05 10:00'"));
    let ids = |filter: &str| numbers_of(&db.json(["call", "list", "--filter", filter]), "id");
    assert_eq!(ids("outcome:voi"), [vm]);
    assert_eq!(ids("-outcome:voi"), [ok]);
    assert_eq!(ids("account:acme"), [vm]);
    assert_eq!(ids("time:2026-03-04..2026-03-31"), [ok]);
    assert_eq!(ids("duration:>5m"), [ok]);
    assert_eq!(
        numbers_of(&db.json(format!("call list --contact {bob} --filter outcome:voi")), "id"),
        Vec::<u64>::new()
    );
    let err = db.fails_with("call list --filter outcome:zz", 1, "error: filter: 'outcome:zz': use one of: connected");
    assert!(err.contains("voicemail"), "{err}");
    db.fails_with("call list --filter mood:good", 1, "calls have no field 'mood'; filter by: outcome, contact");
}

#[test]
fn task_event_project_and_campaign_lists_take_a_filter() {
    let db = Db::new();
    let urgent = db.id("task add --title 'Send pricing' --priority high --due 2026-01-10");
    db.id("task add --title 'File notes' --priority low --due 2026-02-10");
    let tasks = |line: &str| numbers_of(&db.json(line), "id");
    assert_eq!(tasks("task list --all --filter priority:high"), [urgent]);
    assert_eq!(tasks("task list --all --filter 'due:<2026-02-01'"), [urgent]);
    assert_eq!(tasks("task list --all --filter pricing"), [urgent]);
    db.ok(format!("task done {urgent}"));
    assert_eq!(tasks("task list --done --filter priority:high"), [urgent]);
    assert_eq!(tasks("task list --open --filter priority:high"), Vec::<u64>::new());

    let lunch = db.id("event add --title Lunch --start '2026-05-01 12:00' --location Paris");
    db.id("event add --title Demo --start '2026-05-02 09:00' --location Berlin");
    assert_eq!(tasks("event list --filter location:paris"), [lunch]);
    assert_eq!(tasks("event list --from 2026-05-02 --filter location:paris"), Vec::<u64>::new());

    db.id("project add --name Rollout --due 2027-01-31");
    let pilot = db.id("project add --name Pilot --due 2026-12-15");
    assert_eq!(tasks("project list --filter due:..2026-12-31"), [pilot]);
    db.ok(format!("project done --goal-met {pilot}"));
    assert_eq!(tasks("project list --filter status:done"), [pilot]);

    let spring = db.id("campaign add --name Spring --budget 5000 --status active");
    db.id("campaign add --name Autumn --budget 500");
    assert_eq!(tasks("campaign list --filter 'budget:>1000'"), [spring]);
    assert_eq!(tasks("campaign list --filter status:act"), [spring]);
    db.fails_with("campaign list --filter budget:lots", 1, "error: filter: 'budget:lots'");
}

// ---------------------------------------------------------------------------------------------
// day
// ---------------------------------------------------------------------------------------------

#[test]
fn day_counts_what_was_planned_and_what_was_done() {
    let db = Db::new();
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let c = ann(&db, acme(&db));
    let due = db.id("task add --title 'Send terms' --due today");
    db.id("task add --title 'Book demo' --due today");
    let old = db.id("task add --title 'Old one' --due 2020-01-01");
    db.id("task add --title 'Next week' --due +7d");
    db.ok(format!("task done {due}"));
    db.ok(format!("task done {old}"));
    db.id(format!("event add --title 'Review' --start '{today} 23:59'"));
    db.ok(format!("call log --contact {c} --outcome connected --duration 5m --at '{today} 09:00'"));
    db.ok(format!("call log --contact {c} --outcome connected --duration 90s --at '{today} 10:00'"));
    db.ok(format!("call log --contact {c} --outcome 'no answer' --at '{today} 11:00'"));
    db.ok(format!("call log --contact {c} --outcome connected --duration 1h --at '2020-01-01 11:00'"));
    let deal = db.id(format!("opp add --name Fleet --account 1 --amount 10 --close-date +30d --next-step 'Send pricing' --next-step-date {today}"));
    db.ok(format!("opp move {deal} Qualification"));
    let day = db.json("day");
    assert_eq!(day.as_array().unwrap().len(), 1, "the actor's own day");
    let me = &day[0];
    assert_eq!(
        pick(me, &["tasks_done", "calls", "connected", "talk_secs", "emails", "deals_moved"]),
        json!([2, 3, 2, 390, 0, 1])
    );
    let planned: Vec<(String, bool)> = me["planned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["title"].as_str().unwrap().to_string(), p["done"].as_bool().unwrap()))
        .collect();
    let planned: Vec<(&str, bool)> = planned.iter().map(|(t, d)| (t.as_str(), *d)).collect();
    assert_eq!(
        planned,
        [("Book demo", false), ("Send terms", true), ("Review", false), ("Fleet: Send pricing", false)],
        "tasks due today open then done, the meeting not yet held, the step"
    );
    let text = db.ok("day");
    assert!(
        text.contains("done: 2 tasks · 3 calls (2 connected, 6m 30s on the phone) · 0 emails · 1 deal moved"),
        "{text}"
    );
    assert!(text.contains("effectiveness: 1 of 2 tasks due done (50%), 3 calls made, 6m 30s on calls"), "{text}");
    // Another day has none of it.
    let before = db.json("day --date 2020-01-01");
    assert_eq!(pick(&before[0], &["tasks_done", "calls", "talk_secs"]), json!([0, 1, 3600]));
    assert_eq!(before[0]["planned"][0]["title"], "Old one");
    db.fails_with("day --date someday", 1, "date: 'someday' is not a date");
}

#[test]
fn a_team_s_days_are_those_whose_records_the_actor_sees() {
    let db = Db::new();
    db.ok("team add East");
    db.ok("user add ann --name Ann --role rep --team East");
    db.ok("user add bob --name Bob --role rep --team East");
    db.ok("user add cy --name Cy --role manager --team East");
    db.ok("user add dee --name Dee --role rep");
    db.ok("--as ann task add --title 'Ann thing' --due today");
    db.ok("--as bob task add --title 'Bob thing' --due today");
    let team = db.json("--as cy day --team");
    let people: Vec<&str> = team.as_array().unwrap().iter().map(|d| d["user"].as_str().unwrap()).collect();
    assert_eq!(people, ["ann", "bob", "cy"], "the team, not Dee");
    assert_eq!(team[1]["planned"][0]["title"], "Bob thing");
    let bob = db.json("--as cy day --user bob");
    assert_eq!(bob[0]["planned"][0]["title"], "Bob thing");
    // A rep's role reads the team's tasks: the same team; Dee, in no team, sees her own day only.
    assert_eq!(db.json("--as ann day --team").as_array().unwrap().len(), 3);
    let own = db.json("--as dee day --team");
    let people: Vec<&str> = own.as_array().unwrap().iter().map(|d| d["user"].as_str().unwrap()).collect();
    assert_eq!(people, ["dee"]);
    db.fails_with("--as dee day --user bob", 1, "dee (rep) may not see bob's records");
    db.fails_with("day --user nobody", 1, "'nobody' is not a rolo user");
}
