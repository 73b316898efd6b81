//! The analysis reports (customers, competitors) worked out by hand, and the competitor list.

use super::*;

/// Days from `date` (YYYY-MM-DD) to today, local time.
fn days_since(date: &str) -> i64 {
    let today = chrono::Local::now().date_naive();
    (today - chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap()).num_days()
}

/// An account with its segment and one contact; returns (account, contact).
fn customer(db: &Db, name: &str, segment: &str) -> (u64, u64) {
    let account = db.id(format!("account add --name '{name}' {segment}"));
    let contact = db.id(format!("contact add --first Pat --last '{name}' --account {account}"));
    (account, contact)
}

/// A deal of `account` for `amount`, closing (or closed, in a closed stage) on `close`.
fn deal(db: &Db, account: u64, amount: &str, close: &str, more: &str) -> u64 {
    db.id(format!("opp add --name Deal --account {account} --amount {amount} --close-date {close} {more}"))
}

/// Three customers and an account without a won deal:
///
/// | account | segment                 | won (closed on)                        | open (close)       | activity |
/// |---------|-------------------------|----------------------------------------|--------------------|----------|
/// | Kobe    | Shipping, Japan, 5000   | 6,000.00 (2026-03-01)                  |                    | none     |
/// | Acme    | Software, France, 40    | 1,000.50 (2026-01-10), 2,000.01 (02-10) | 500.00 (2099-01-01) | a call today |
/// | Zeta    | none                    | 999.99 (2026-04-01), 100 EUR (04-02)   | 300.00 (2026-01-31) | a call today |
/// | Idle    | none                    |                                        | 50.00 (2099-01-01) |          |
fn customers(db: &Db) -> (u64, u64, u64) {
    let (kobe, _) = customer(db, "Kobe", "--industry Shipping --country Japan --employees 5000");
    let (acme, ann) = customer(db, "Acme", "--industry Software --country France --employees 40");
    let (zeta, zed) = customer(db, "Zeta", "");
    let (idle, _) = customer(db, "Idle", "");
    let won = "--stage 'Closed Won'";
    deal(db, kobe, "6000", "2026-03-01", won);
    deal(db, acme, "1000.50", "2026-01-10", won);
    deal(db, acme, "2000.01", "2026-02-10", won);
    deal(db, acme, "500", "2099-01-01", "");
    deal(db, zeta, "999.99", "2026-04-01", won);
    deal(db, zeta, "100", "2026-04-02", &format!("{won} --currency EUR"));
    deal(db, zeta, "300", "2026-01-31", "");
    deal(db, idle, "50", "2099-01-01", "");
    for person in [ann, zed] {
        db.ok(format!("call log --contact {person}"));
    }
    (kobe, acme, zeta)
}

#[test]
fn customers_report_ranks_by_revenue_marks_key_and_at_risk_customers() {
    let db = Db::new();
    let (kobe, acme, zeta) = customers(&db);
    let today = chrono::Local::now().date_naive().to_string();
    let r = db.json("report customers");
    assert_eq!(
        pick(&r, &["from", "to", "today", "quiet_days", "currency", "left_out", "other_currencies", "won"]),
        json!([null, null, today, 90, "USD", 1, ["EUR"], "10000.50"])
    );
    // Key: Kobe (60% of the revenue) and Acme (then 90%, past 80%); Zeta is not needed.
    assert_eq!(pick(&r, &["key_share", "key_customers", "at_risk"]), json!([80, 2, 2]));
    let quiet = format!("quiet for {} days", days_since("2026-03-01"));
    let row = |c: &Value| {
        pick(c, &["account", "name", "won", "deals", "average", "open", "open_deals", "last_activity", "key", "risk"])
    };
    let rows: Vec<Value> = r["customers"].as_array().unwrap().iter().map(row).collect();
    assert_eq!(
        rows,
        [
            json!([kobe, "Kobe", "6000.00", 1, "6000.00", "0.00", 0, "2026-03-01", true, quiet]),
            // 3,000.51 over two deals: 1,500.255, rounded half away from zero.
            json!([acme, "Acme", "3000.51", 2, "1500.26", "500.00", 1, today, true, null]),
            json!([zeta, "Zeta", "999.99", 1, "999.99", "300.00", 1, today, false, "every open deal slipped"]),
        ]
    );
    let segment = |i: usize| pick(&r["customers"][i], &["industry", "country", "size"]);
    assert_eq!(segment(0), json!(["Shipping", "Japan", "1001+"]));
    assert_eq!(segment(1), json!(["Software", "France", "11-50"]));
    assert_eq!(segment(2), json!([null, null, null]));

    // A period counts the deals won in it; the pipeline and activity stay as they are now.
    let spring = db.json("report customers --from 2026-02-01 --to 2026-03-31");
    let rows: Vec<Value> =
        spring["customers"].as_array().unwrap().iter().map(|c| pick(c, &["name", "won", "deals", "key"])).collect();
    assert_eq!(rows, [json!(["Kobe", "6000.00", 1, true]), json!(["Acme", "2000.01", 1, true])]);
    assert_eq!(spring["won"], json!("8000.01"));
    // A shorter quiet spell puts no one else at risk: the others were active today.
    let strict = db.json("report customers --quiet-days 0");
    assert_eq!(strict["at_risk"], json!(2));
    let lax = db.json(format!("report customers --quiet-days {}", days_since("2026-03-01")));
    assert_eq!(lax["customers"][0]["risk"], json!(null), "quiet for exactly that many days is not yet at risk");
    let eur = db.json("report customers --currency eur");
    assert_eq!(pick(&eur, &["won", "left_out", "key_customers"]), json!(["100.00", 4, 1]));

    assert_eq!(
        db.ok("report customers --csv").lines().take(2).collect::<Vec<_>>(),
        [
            "account_id,account,won,deals,average,open,open_deals,last_activity,key,risk,industry,country,size,currency",
            &format!("{kobe},Kobe,6000.00,1,6000.00,0.00,0,2026-03-01,true,{quiet},Shipping,Japan,1001+,USD"),
        ]
    );
    let text = db.ok("report customers");
    assert!(text.contains("10,000.50 won from 3 customers; ★ 2 key customers make 80% of it; 2 at risk"), "{text}");
    assert!(has_row(&text, &["1", "★ Kobe", "6,000.00", &quiet]), "{text}");
    assert!(has_row(&text, &["3", "Zeta", "999.99", "every open deal slipped"]), "{text}");
    assert!(text.contains("Amounts in USD; 1 opportunity in EUR left out"), "{text}");
    assert_eq!(db.json("report customers --from 2020-01-01 --to 2020-12-31")["customers"], json!([]));
    db.fails_with("report customers --quiet-days many", 2, "--quiet-days");
}

/// Deals against two competitors and none: Rival Inc won 1,000.00, lost 2,500.50 and 100.00
/// (price) and 10.00 (a missing feature); Other Co one open deal of 700.00; none won 50.00.
fn rivals(db: &Db) {
    let acme = db.id("account add --name Acme");
    db.ok("competitor add 'Rival Inc'");
    db.ok("competitor add 'Other Co'");
    deal(db, acme, "1000", "2026-03-01", "--stage 'Closed Won' --competitor 'rival inc'");
    for (amount, reason) in [("2500.50", "Price too high"), ("100", " Price too high "), ("10", "Missing feature")] {
        let id = deal(db, acme, amount, "2027-01-01", "--competitor Rival-Inc");
        db.ok(vec!["opp".to_string(), "lose".into(), id.to_string(), "--reason".into(), reason.into()]);
    }
    deal(db, acme, "700", "2027-01-01", "--competitor 'Other Co'");
    deal(db, acme, "50", "2026-03-01", "--stage 'Closed Won'");
}

#[test]
fn competitors_report_counts_wins_and_losses_with_the_reasons() {
    let db = Db::new();
    rivals(&db);
    let r = db.json("report competitors");
    assert_eq!(pick(&r, &["from", "to", "currency", "left_out"]), json!([null, null, "USD", 0]));
    let row = |c: &Value| {
        pick(
            c,
            &[
                "competitor",
                "won",
                "won_amount",
                "lost",
                "lost_amount",
                "open",
                "open_amount",
                "win_rate",
                "lost_reasons",
            ],
        )
    };
    let rows: Vec<Value> = r["competitors"].as_array().unwrap().iter().map(row).collect();
    let reasons = json!([{"reason": "Price too high", "deals": 2}, {"reason": "Missing feature", "deals": 1}]);
    assert_eq!(
        rows,
        [
            json!(["Rival Inc", 1, "1000.00", 3, "2610.50", 0, "0.00", 25, reasons]),
            json!(["Other Co", 0, "0.00", 0, "0.00", 1, "700.00", null, []]),
            json!([null, 1, "50.00", 0, "0.00", 0, "0.00", 100, []]),
        ]
    );
    // Deals are dated by the day they closed: the losses (today) fall outside March.
    let march = db.json("report competitors --from 2026-03-01 --to 2026-03-31");
    assert_eq!(pick(&march["competitors"][0], &["won", "lost"]), json!([1, 0]));
    assert_eq!(
        db.ok("report competitors --csv").lines().nth(1),
        Some("Rival Inc,1,1000.00,3,2610.50,0,0.00,25,Price too high (2); Missing feature (1),USD")
    );
    let text = db.ok("report competitors");
    assert!(has_row(&text, &["Rival Inc", "1,000.00", "2,610.50", "25%"]), "{text}");
    assert!(text.contains("Lost to Rival Inc:\n     2  Price too high\n     1  Missing feature"), "{text}");
}

#[test]
fn the_competitor_list_is_kept_like_the_lead_sources_and_deals_follow_it() {
    let db = Db::new();
    assert_eq!(db.json("competitor list"), json!([]));
    let acme = db.id("account add --name Acme");
    db.fails_with(
        format!("opp add --name D --account {acme} --amount 1 --close-date 2027-01-01 --competitor Rival"),
        1,
        "error: competitor: 'Rival' is not on the list: there are no competitors yet; add it in Settings (g S) or with rolo competitor add",
    );
    assert_eq!(db.ok("competitor add 'Rival Inc'"), "Rival Inc is competitor 1 of 1\n");
    db.ok("competitor add 'Other Co' --position 1");
    let id = deal(&db, acme, "1", "2027-01-01", "--competitor 'RIVAL inc'");
    assert_eq!(db.json(format!("opp show {id}"))["competitor"], json!("Rival Inc"), "spelled as the list spells it");
    db.fails_with("competitor add rival-inc", 1, "error: there is already a competitor 'Rival Inc': pick another name");
    db.fails_with(
        "competitor delete 'Rival Inc'",
        1,
        "error: 'Rival Inc' is the competitor of 1 deal: say where they go (--to COMPETITOR) or take it off them (--clear)",
    );
    assert_eq!(
        db.json("competitor list"),
        json!([{"name": "Other Co", "deals": 0}, {"name": "Rival Inc", "deals": 1}])
    );
    assert!(db.ok("competitor rename 'Rival Inc' 'Rival Group'").contains("1 record follows"));
    assert_eq!(db.json(format!("opp show {id}"))["competitor"], json!("Rival Group"));
    db.ok("competitor delete 'Rival Group' --to 'Other Co'");
    assert_eq!(db.json(format!("opp show {id}"))["competitor"], json!("Other Co"));
    db.ok("competitor delete 'Other Co' --clear");
    assert_eq!(db.json(format!("opp show {id}"))["competitor"], json!(null));
    assert_eq!(db.json("competitor list"), json!([]), "the competitor list may be empty");
    db.fails_with("competitor delete Nobody", 1, "error: competitor: 'Nobody' is not on the list");
}

/// Two reps in team East and one in none, with quotas for the first quarter of 2026:
///
/// | owner | deal                 | amount   | date       | counts toward                       |
/// |-------|----------------------|----------|------------|-------------------------------------|
/// | ann   | won                  | 4,000.00 | 2026-02-10 | ann Q1, East Q1                     |
/// | ann   | open, Prospecting 10% | 1,000.00 | 2026-03-15 | weighted 100.00                     |
/// | ann   | open                 | 2,000.00 | 2026-04-01 | nothing (after the quarter)         |
/// | ann   | won in EUR           | 500 EUR  | 2026-01-05 | nothing (the quotas are in USD)     |
/// | bob   | won                  | 6,000.01 | 2026-03-31 | East Q1                             |
/// | bob   | lost                 | 999.00   | (today)    | nothing                             |
/// | cy    | won in EUR           | 300 EUR  | 2026-02-28 | cy 2026-02 (500 EUR)                |
fn quota_shop(db: &Db) {
    db.ok("team add East");
    db.ok("user add ann --name Ann --team East");
    db.ok("user add bob --name Bob --team East");
    db.ok("user add cy --name Cy");
    let acme = db.id("account add --name Acme");
    let won = "--stage 'Closed Won'";
    deal(db, acme, "4000", "2026-02-10", &format!("{won} --owner ann"));
    deal(db, acme, "1000", "2026-03-15", "--owner ann");
    deal(db, acme, "2000", "2026-04-01", "--owner ann");
    deal(db, acme, "500", "2026-01-05", &format!("{won} --owner ann --currency EUR"));
    deal(db, acme, "6000.01", "2026-03-31", &format!("{won} --owner bob"));
    let lost = deal(db, acme, "999", "2026-03-01", "--owner bob");
    db.ok(format!("opp lose {lost} --reason Budget"));
    deal(db, acme, "300", "2026-02-28", &format!("{won} --owner cy --currency EUR"));
    db.ok("quota set ann 2026-q1 10000");
    db.ok("quota set --team East 2026-Q1 30000.50");
    db.ok("quota set cy 2026-02 500 --currency EUR");
}

#[test]
fn quotas_report_sets_won_and_the_weighted_pipeline_against_each_quota() {
    let db = Db::new();
    quota_shop(&db);
    let r = db.json("report quotas --from 2026-01-01 --to 2026-03-31");
    assert_eq!(pick(&r, &["from", "to", "currency"]), json!(["2026-01-01", "2026-03-31", "USD"]));
    let row = |q: &Value| {
        pick(
            q,
            &[
                "holder",
                "period",
                "quota",
                "currency",
                "people",
                "won",
                "weighted",
                "forecast",
                "attainment",
                "forecast_attainment",
            ],
        )
    };
    let rows: Vec<Value> = r["quotas"].as_array().unwrap().iter().map(row).collect();
    assert_eq!(
        rows,
        [
            // A month before the quarter that ends after it.
            json!([{"user": "cy"}, "2026-02", "500.00", "EUR", ["cy"], "300.00", "0.00", "300.00", 60, 60]),
            json!([{"user": "ann"}, "2026-Q1", "10000.00", "USD", ["ann"], "4000.00", "100.00", "4100.00", 40, 41]),
            // 10,000.01 of 30,000.50 is 33.33%; with 100.00 weighted, 33.66%: both rounded down.
            json!([{"team": "East"}, "2026-Q1", "30000.50", "USD", ["ann", "bob"], "10000.01", "100.00", "10100.01", 33, 33]),
        ]
    );
    // A range of only March still lists the quarter (it overlaps), not February's quota.
    let march = db.json("report quotas --from 2026-03-01 --to 2026-03-31");
    assert_eq!(march["quotas"].as_array().unwrap().len(), 2);
    // Each sees the deals they may read: cy, a rep in no team, sees none of ann's.
    let as_cy = db.json("--as cy report quotas --from 2026-01-01 --to 2026-03-31");
    assert_eq!(as_cy["quotas"][1]["won"], json!("0.00"), "{as_cy}");
    assert_eq!(
        db.ok("report quotas --from 2026-01-01 --to 2026-03-31 --csv").lines().nth(3),
        Some("2026-Q1,East,team,30000.50,10000.01,100.00,10100.01,33,33,USD")
    );
    let text = db.ok("report quotas --from 2026-01-01 --to 2026-03-31");
    assert!(has_row(&text, &["2026-Q1", "team East", "30,000.50 USD", "10,000.01", "33%"]), "{text}");
    assert!(text.contains("│ the quota; in USD"), "{text}");
}

#[test]
fn quotas_are_set_listed_and_deleted_by_those_who_keep_the_settings() {
    let db = Db::new();
    quota_shop(&db);
    assert_eq!(
        db.ok("quota list --period 2026-Q1"),
        "PERIOD   FOR           AMOUNT  CURRENCY\n2026-Q1  ann        10,000.00  USD\n2026-Q1  team East  30,000.50  USD\n"
    );
    assert_eq!(
        db.json("quota list")[0],
        json!({"holder": {"user": "cy"}, "period": "2026-02", "amount": "500.00", "currency": "EUR"})
    );
    // Setting one again replaces it.
    db.ok("quota set ann 2026-Q1 12000");
    assert_eq!(db.json("quota list --period 2026-q1")[0]["amount"], json!("12000.00"));
    db.fails_with("quota set zed 2026-Q1 100", 1, "error: there is no user 'zed': see the users with rolo user list");
    db.fails_with("quota set --team West 2026-Q1 100", 1, "error: there is no team 'West'");
    db.fails_with(
        "quota set ann 2026-Q5 100",
        1,
        "error: period: '2026-Q5' is not a month or a quarter: write it like 2027-01 or 2027-Q1",
    );
    db.fails_with("quota set ann 2026-13 100", 1, "error: period: '2026-13' is not a month or a quarter");
    db.fails_with("quota set ann 2026-Q1 0", 1, "error: amount: must be more than zero");
    db.fails_with("quota set ann 2026-Q1 ten", 1, "amount");
    db.fails_with(
        "quota set --team East ann 2026-Q1 5",
        1,
        "error: quota: 3 words given: give --team TEAM PERIOD AMOUNT",
    );
    db.fails_with("--as ann quota set ann 2026-Q1 99999", 1, "settings");
    db.fails_with("quota delete ann 2026-Q2", 1, "error: there is no quota 'ann 2026-Q2'");
    assert!(db.ok("quota delete --team East 2026-Q1").contains("deleted the quota of team East for 2026-Q1"));
    assert_eq!(db.count("quota list"), 2);
}

/// Three products and the quotes of four deals (W: Widget 100.00, G: Gadget 250.00, Z: Gizmo
/// 9.99):
///
/// | deal              | quotes                                            | counts as a sale        |
/// |-------------------|---------------------------------------------------|-------------------------|
/// | won on 2026-02-10 | Z ×100 (draft), then W ×3 at 10% off + G ×1 (draft) | the latest: W, G, in February |
/// | open              | W ×2 at 5% off + Z ×3, accepted                   | yes, dated today        |
/// | won on 2026-03-05 | G ×2 at 20% off, accepted; then W ×1 (draft)      | the accepted one, March |
/// | open              | W ×50 (draft)                                     | no                      |
fn product_shop(db: &Db) -> (u64, u64, u64) {
    let acme = db.id("account add --name Acme");
    let product = |name: &str, price: &str| db.id(format!("product add --name {name} --price {price}"));
    let (w, g, z) = (product("Widget", "100"), product("Gadget", "250"), product("Gizmo", "9.99"));
    let quote = |deal: u64, lines: &[(u64, u32, u8)], accepted: bool| {
        let q = db.id(format!("quote add --opp {deal}"));
        for (product, qty, discount) in lines {
            db.ok(format!("quote line {q} --product {product} --qty {qty} --discount {discount}"));
        }
        if accepted {
            db.ok(format!("quote edit {q} --status accepted"));
        }
    };
    let won = "--stage 'Closed Won'";
    let d1 = deal(db, acme, "1", "2026-02-10", won);
    quote(d1, &[(z, 100, 0)], false);
    quote(d1, &[(w, 3, 10), (g, 1, 0)], false);
    let d2 = deal(db, acme, "1", "2099-01-01", "");
    quote(d2, &[(w, 2, 5), (z, 3, 0)], true);
    let d3 = deal(db, acme, "1", "2026-03-05", won);
    quote(d3, &[(g, 2, 20)], true);
    quote(d3, &[(w, 1, 0)], false);
    let d4 = deal(db, acme, "1", "2099-01-01", "");
    quote(d4, &[(w, 50, 0)], false);
    (w, g, z)
}

#[test]
fn products_report_counts_units_revenue_discounts_prices_and_pairs() {
    let db = Db::new();
    let (w, g, z) = product_shop(&db);
    let month = chrono::Local::now().format("%Y-%m").to_string();
    let r = db.json("report products");
    assert_eq!(pick(&r, &["currency", "left_out", "quotes"]), json!(["USD", 0, 3]));
    let row = |p: &Value| {
        pick(p, &["product", "name", "list_price", "quotes", "units", "revenue", "average_discount", "average_price"])
    };
    let rows: Vec<Value> = r["products"].as_array().unwrap().iter().map(row).collect();
    assert_eq!(
        rows,
        [
            // 250.00 + 500.00 less 100.00 off: 650.00 for 3 units (216.666…), 100/750 = 13.3% off.
            json!([g, "Gadget", "250.00", 2, 3, "650.00", 13, "216.67"]),
            // 300.00 less 30.00, and 200.00 less 10.00: 460.00 for 5 units, 40/500 = 8% off.
            json!([w, "Widget", "100.00", 2, 5, "460.00", 8, "92.00"]),
            json!([z, "Gizmo", "9.99", 1, 3, "29.97", 0, "9.99"]),
        ]
    );
    assert_eq!(
        r["products"][1]["months"],
        json!([
            {"month": "2026-02", "units": 3, "revenue": "270.00", "average_price": "90.00"},
            {"month": month, "units": 2, "revenue": "190.00", "average_price": "95.00"},
        ])
    );
    assert_eq!(
        r["months"],
        json!([
            {"month": "2026-02", "quotes": 1, "units": 4, "revenue": "520.00"},
            {"month": "2026-03", "quotes": 1, "units": 2, "revenue": "400.00"},
            {"month": month, "quotes": 1, "units": 5, "revenue": "219.97"},
        ])
    );
    assert_eq!(
        r["pairs"],
        json!([
            {"a": w, "a_name": "Widget", "b": g, "b_name": "Gadget", "quotes": 1},
            {"a": w, "a_name": "Widget", "b": z, "b_name": "Gizmo", "quotes": 1},
        ])
    );
    let march = db.json("report products --from 2026-03-01 --to 2026-03-31");
    let rows: Vec<Value> =
        march["products"].as_array().unwrap().iter().map(|p| pick(p, &["name", "units", "revenue"])).collect();
    assert_eq!(rows, [json!(["Gadget", 2, "400.00"])]);
    assert_eq!(
        db.ok("report products --csv").lines().take(3).collect::<Vec<_>>(),
        [
            "product_id,product,month,units,revenue,average_price,currency",
            &format!("{g},Gadget,2026-02,1,250.00,250.00,USD"),
            &format!("{g},Gadget,2026-03,2,400.00,200.00,USD"),
        ]
    );
    let text = db.ok("report products");
    assert!(has_row(&text, &["Gadget", "2", "3", "650.00", "13%", "216.67", "250.00"]), "{text}");
    assert!(text.contains("Bought together:\n     1  Widget + Gadget\n     1  Widget + Gizmo"), "{text}");
    assert_eq!(db.json("report products --currency eur")["products"], json!([]));
}

#[test]
fn a_task_waits_for_others_and_a_circle_of_waiting_is_refused_naming_it() {
    let db = Db::new();
    let project = db.id("project add --name Rollout --due 2027-03-01");
    let task = |title: &str| db.id(format!("task add --title {title} --project {project}"));
    let (design, build, ship) = (task("Design"), task("Build"), task("Ship"));
    db.ok(format!("task edit {build} --after {design}"));
    db.ok(format!("task edit {ship} --after {build} --after {design} --after {build}"));
    assert_eq!(db.json(format!("task show {ship}"))["after"], json!([build, design]), "each once, in order");
    db.fails_with(
        format!("task edit {design} --after {ship}"),
        1,
        &format!(
            "error: after: would make a circle of tasks waiting for each other: #{design} Design → #{ship} Ship → #{design} Design (each waits for the next): take one out"
        ),
    );
    db.fails_with(
        format!("task edit {design} --after {design}"),
        1,
        &format!("error: after: task {design} cannot wait for itself"),
    );
    db.fails_with(format!("task edit {design} --after 999"), 1, "999");
    // Without the shortcut from Ship, the circle runs through Build.
    db.ok(format!("task edit {ship} --not-after {design}"));
    db.fails_with(
        format!("task edit {design} --after {ship}"),
        1,
        &format!("#{design} Design → #{ship} Ship → #{build} Build → #{design} Design"),
    );
    // A task deleted is no longer waited for.
    db.ok(format!("task delete {build}"));
    assert_eq!(db.json(format!("task show {ship}"))["after"], json!([]));
    db.ok(format!("task edit {design} --after {ship}"));
}

#[test]
fn a_project_graph_draws_its_tasks_as_a_network_with_the_critical_path() {
    let db = Db::new();
    let project = db.id("project add --name Rollout --due 2027-03-01");
    db.fails_with(format!("project graph {}", project + 1), 1, "no project");
    assert_eq!(
        db.ok(format!("project graph {project}")).trim_end(),
        format!(
            "Rollout (project {project}): 0 tasks, 0 done: add one with rolo task add --project {project} --title TITLE"
        )
    );
    let task = |title: &str, more: &str| db.id(format!("task add --title {title} --project {project} {more}"));
    let (design, build, ship) = (task("Design", ""), task("Build", "--due 2020-01-01"), task("Ship", ""));
    assert_eq!(db.json(format!("task show {ship}"))["owner_name"], "tester");
    let text = db.ok(format!("project graph {project}"));
    assert!(text.contains("no two open tasks wait for each other"), "{text}");
    db.ok(format!("task edit {build} --after {design}"));
    db.ok(format!("task edit {ship} --after {build} --after {design}"));
    let text = db.ok(format!("project graph {project}"));
    assert_eq!(
        text,
        format!(
            "Rollout (project {project}): 3 tasks, 0 done; critical path (3 to do): #{design} → #{build} → #{ship}

┏━━━━━━━━━━━━━━━━━━━━━━┓
┃ #{design} Design            ┃
┃ tester               ┃
┗━━━━━━━━━━━┳━━━━━━━━━━┛
            ┣──────────────┐
            ▼              │
┏━━━━━━━━━━━━━━━━━━━━━━┓   │
┃ #{build} Build             ┃   │
┃ ! 2020-01-01 · test… ┃   │
┗━━━━━━━━━━━┳━━━━━━━━━━┛   │
            ┣──────────────┘
            ▼
┏━━━━━━━━━━━━━━━━━━━━━━┓
┃ #{ship} Ship              ┃
┃ tester               ┃
┗━━━━━━━━━━━━━━━━━━━━━━┛

━ critical path  ┄ done  ! late
"
        )
    );
    // Done, Design leaves the critical path and is dashed; Build and Ship remain on it.
    db.ok(format!("task done {design}"));
    let text = db.ok(format!("project graph {project}"));
    assert!(text.contains("3 tasks, 1 done; critical path (2 to do): #2 → #3"), "{text}");
    assert!(text.contains("┌┄┄┄") && text.contains("┆ #1 Design"), "{text}");
    let v = db.json(format!("project graph {project}"));
    assert_eq!(v["critical_path"], json!([build, ship]));
    assert_eq!(v["tasks"][2]["after"], json!([design, build]));
    assert_eq!((v["tasks"][0]["done"].clone(), v["tasks"][1]["late"].clone()), (json!(true), json!(true)));
    let dot = db.ok(format!("project graph {project} --format dot"));
    assert!(dot.starts_with("digraph \"Rollout\" {\n"), "{dot}");
    assert!(
        dot.contains(&format!(
            "  t{design} -> t{build};\n  t{design} -> t{ship};\n  t{build} -> t{ship} [penwidth=2, color=red];\n}}"
        )),
        "{dot}"
    );
    // A narrow width still takes one box a layer.
    assert!(db.ok(format!("project graph {project} --width 10")).lines().all(|l| l.chars().count() <= 80));
}

#[test]
fn a_deals_competitor_comes_in_and_goes_out_in_csv_spelled_as_the_list_spells_it() {
    let db = Db::new();
    db.ok("account add --name Acme");
    db.ok(["competitor", "add", "Northwind CRM"]);
    let file = db.file("deals.csv");
    let csv = "Opportunity Name,Account Name,Stage,Amount,Close Date,Competitor\r\n\
               Fleet,Acme,Prospecting,100,2027-01-01,northwind crm\r\n\
               Harbor,Acme,Prospecting,200,2027-01-01,\r\n";
    std::fs::write(&file, csv).unwrap();
    db.ok(format!("import opps {}", file.display()));
    let deals = db.json("opp list");
    let by_name: Vec<(String, Value)> = deals
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap().to_string(), d["competitor"].clone()))
        .collect();
    assert!(
        by_name.contains(&("Fleet".into(), json!("Northwind CRM")))
            && by_name.contains(&("Harbor".into(), json!(null))),
        "{deals}"
    );
    let out = db.ok("export opps");
    assert!(out.lines().next().unwrap().contains("Lost Reason,Competitor,Owner"), "{out}");
    assert!(out.contains("Fleet,Acme,,,Prospecting,100.00,USD,2027-01-01,10,,,,,,,Northwind CRM,"), "{out}");
    // One competitor the list lacks refuses the whole file, naming the line and the way out.
    let bad = db.file("bad.csv");
    std::fs::write(
        &bad,
        "Opportunity Name,Account Name,Stage,Amount,Close Date,Competitor\nDock,Acme,Prospecting,5,2027-01-01,Globex\n",
    )
    .unwrap();
    db.refused(
        format!("import opps {}", bad.display()),
        &["nothing was written", "line 2, column Competitor: 'Globex' is not one of: Northwind CRM; add it in Settings (g S) or with rolo competitor add"],
    );
}
