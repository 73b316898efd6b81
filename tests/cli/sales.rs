//! `lead` (and convert), `opp` (move, win, lose), `stage`, `product` and `quote`.

use super::*;

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
    db.fails_with(format!("lead convert {lead} --amount 12,0"), 1, "error: amount: '12,0'");
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
    db.fails_with("opp list --account 99", 1, "error: no account 99 (account:99 does not exist)");
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
// --filter on lead, opp, product and quote listings
// ---------------------------------------------------------------------------------------------

#[test]
fn opp_list_filter_takes_ranges_on_amounts_and_dates_and_stage_prefixes() {
    let db = Db::new();
    let a = acme(&db);
    let big = deal(&db, a);
    let small = db.id(format!("opp add --name Small --account {a} --amount 900 --close-date 2027-03-01"));
    let late = db.id(format!("opp add --name Late --account {a} --amount 50000 --close-date 2027-06-30"));
    db.ok(format!("opp win {late}"));
    let ids = |filter: &str| numbers_of(&db.json(["opp", "list", "--filter", filter]), "id");
    assert_eq!(ids("amount:>10000"), [big, late]);
    assert_eq!(ids("amount:..1000"), [small]);
    assert_eq!(ids("close:2027-01-01..2027-03-31"), [big, small]);
    assert_eq!(ids("from:2027-02-01"), [small, late]);
    assert_eq!(ids("status:won"), [late]);
    assert_eq!(ids("-status:won amount:>500"), [big, small]);
    assert_eq!(ids("big"), [big]);
    // Combined with --stage: both hold.
    assert_eq!(numbers_of(&db.json("opp list --stage 'Closed Won' --filter amount:<1000"), "id"), Vec::<u64>::new());
    assert_eq!(numbers_of(&db.json("opp list --stage prospecting --filter amount:<1000"), "id"), [small]);
    db.fails_with("opp list --filter stage:clo", 1, "error: filter: 'stage:clo' could be Closed Won or Closed Lost");
    assert_eq!(ids("stage:prosp"), [big, small]);
    db.fails_with("opp list --filter close:soon", 1, "error: filter: 'close:soon'");
    db.fails_with("opp list --filter stage:zz", 1, "error: filter: 'stage:zz': use one of:");
}

#[test]
fn lead_product_and_quote_lists_take_a_filter() {
    let db = Db::new();
    db.ok("lead add --first Ann --last Lee --company Acme --rating hot --status contacted");
    let cold = db.id("lead add --first Bob --last Stone --company Initech --rating cold");
    let leads = |filter: &str| texts_of(&db.json(["lead", "list", "--filter", filter]), "company");
    assert_eq!(leads("rating:hot"), ["Acme"]);
    assert_eq!(leads("company:init"), ["Initech"]);
    assert_eq!(numbers_of(&db.json("lead list --status new --filter rating:cold"), "id"), [cold]);
    assert_eq!(numbers_of(&db.json("lead list --status new --filter rating:hot"), "id"), Vec::<u64>::new());

    db.ok("product add --name Widget --price 20 --sku W-1");
    db.ok("product add --name Gadget --price 250 --sku G-1 --active false");
    let products = |filter: &str| texts_of(&db.json(["product", "list", "--filter", filter]), "name");
    assert_eq!(products("price:>100"), ["Gadget"]);
    assert_eq!(products("active:yes"), ["Widget"]);
    db.fails_with(
        "product list --filter owner:ann",
        1,
        "error: filter: products have no field 'owner'; filter by: sku",
    );

    let a = acme(&db);
    let d = deal(&db, a);
    let q = db.id(format!("quote add --opp {d}"));
    db.id(format!("quote add --opp {d}"));
    db.ok(format!("quote edit {q} --status sent"));
    assert_eq!(numbers_of(&db.json("quote list --filter status:sent"), "id"), [q]);
    assert_eq!(numbers_of(&db.json(format!("quote list --opp {d} --filter -status:draft")), "id"), [q]);
}
