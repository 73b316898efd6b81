//! `report`: every report as JSON, CSV and text, and bad input.

use super::*;

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
    // Commands run as bob (they stamp bob as the owner of calls and the author of moves), an
    // admin who reads and moves everyone's records; carol owns records.
    db.ok("user add bob --name Bob --role admin");
    db.ok("user add carol --name Carol");
    let as_bob = |line: String| db.ok(format!("--as bob {line}"));
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
    let row = |owner: &str, day: &str, n: [u64; 4]| json!({"owner": owner, "day": day, "calls": n[0], "connected": n[1], "tasks_done": n[2], "deals_moved": n[3], "emails": 0});
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
        "owner,day,calls,connected,tasks_done,deals_moved,emails\n\
         bob,2026-03-02,1,0,0,0,0\nbob,2026-03-03,1,1,0,0,0\n\
         tester,2026-03-01,2,1,0,0,0\ntester,2026-03-03,1,1,0,0,0\n"
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
