//! The reports: the facts they read (and the upgrade that writes them into older files), and the
//! Reports screen driven by key presses.

mod common;

use redb::ReadableTable;
use rolo::crm::{Crm, ReportQuery};
use rolo::model::*;

/// A file written before the report facts existed (schema 3): the same records, without their
/// facts keys. Opening it writes them, so the reports count everything and `rolo check` agrees.
#[test]
fn opening_a_file_without_report_facts_derives_them() {
    if common::on_postgres() {
        return; // an upgrade of an older file
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.redb");
    {
        let crm = Crm::open(&path).unwrap();
        let m = common::populate(&crm);
        let qualification = crm.stages().unwrap()[1].id;
        let mut deal: Opportunity = crm.get(m.opportunity).unwrap();
        deal.stage = qualification;
        crm.update(deal).unwrap();
    }
    {
        let index: redb::TableDefinition<&[u8], ()> = redb::TableDefinition::new("index");
        let meta: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta");
        let db = redb::Database::create(&path).unwrap();
        let w = db.begin_write().unwrap();
        {
            let mut t = w.open_table(index).unwrap();
            let facts: Vec<Vec<u8>> =
                t.range::<&[u8]>(&[3u8][..]..&[4u8][..]).unwrap().map(|e| e.unwrap().0.value().to_vec()).collect();
            assert!(facts.len() >= 6, "an account, a contact, a deal, a task, a call and a move: {}", facts.len());
            for k in facts {
                t.remove(k.as_slice()).unwrap();
            }
            w.open_table(meta).unwrap().insert("schema_version", 3).unwrap();
        }
        w.commit().unwrap();
    }
    let crm = Crm::open(&path).unwrap();
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
    let stages = crm.stages_report(ReportQuery::default()).unwrap();
    assert_eq!((stages.total.count, stages.stages[1].count), (1, 1), "the deal, now in Qualification");
    let november =
        ReportQuery { from: Some(common::date("2026-11-01")), to: Some(common::date("2026-11-30")), currency: None };
    assert_eq!(crm.calls_report(november).unwrap().calls, 1);
    let today = ReportQuery::default();
    let moved: u32 = crm.activity_report(today).unwrap().rows.iter().map(|r| r.deals_moved).sum();
    assert_eq!(moved, 1, "the move in the audit trail");
    let chart = crm.report_chart(rolo::crm::Report::Activity, today).unwrap();
    let behind = chart.views[0].rows[0].behind[3].clone().unwrap();
    let deal = crm.list::<Opportunity>(|_| true).unwrap().remove(0).id;
    assert_eq!(crm.records_in(&behind).unwrap(), [RecordRef::new(Kind::Opportunity, deal)], "the deal moved");
    assert_eq!(crm.emails_report(ReportQuery::default(), None).unwrap().total.total, 1);
}

/// A file of schema 4, its deals in record format 1 (without the day they closed): opening it
/// gives each won or lost deal the day of its closing move, else its close date, and dates its
/// report facts by it; `rolo check` agrees, and the forecast counts the won money on that day.
#[test]
fn opening_a_schema4_file_dates_its_closed_deals() {
    if common::on_postgres() {
        return; // an upgrade of an older file
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.redb");
    let today = Date::today();
    let deals: Vec<Opportunity> = {
        let crm = Crm::open(&path).unwrap();
        let account = crm.create(Account { name: "Acme".into(), ..Default::default() }).unwrap().id;
        let won = crm.stage_named("Closed Won").unwrap().id;
        let deal = |name: &str, close: &str, stage| {
            let opp = Opportunity {
                name: name.into(),
                account,
                amount: Amount::units(100),
                close_date: common::date(close),
                stage,
                ..Default::default()
            };
            crm.create_opportunity(opp).unwrap().id
        };
        deal("Still open", "2026-01-10", 0);
        let moved = deal("Won by a move", "2099-06-01", 0);
        crm.close_opportunity(moved, StageOutcome::Won, None).unwrap();
        deal("Entered won", "2026-03-01", won);
        let lost = deal("Lost", "2099-02-01", 0);
        crm.close_opportunity(lost, StageOutcome::Lost, Some("price")).unwrap();
        crm.list::<Opportunity>(|_| true).unwrap()
    };
    {
        let db = redb::Database::create(&path).unwrap();
        let w = db.begin_write().unwrap();
        {
            let records: redb::TableDefinition<u64, &[u8]> = redb::TableDefinition::new("opportunity");
            let index: redb::TableDefinition<&[u8], ()> = redb::TableDefinition::new("index");
            let meta: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta");
            let (mut records, mut index) = (w.open_table(records).unwrap(), w.open_table(index).unwrap());
            for d in &deals {
                // Format 1: the fields of today's deal without the day it closed.
                let v1 = (
                    (d.id, &d.name, d.account, d.contact, d.amount, d.currency, d.close_date, d.stage),
                    (d.probability, d.probability_manual, &d.next_step, d.next_step_date, &d.lead_source),
                    (d.campaign, d.lead, &d.owner, d.status, &d.lost_reason, d.created, d.updated),
                );
                let mut bytes = vec![1u8];
                bytes.extend(bincode::serde::encode_to_vec(v1, bincode::config::standard()).unwrap());
                records.insert(d.id, bytes.as_slice()).unwrap();
                // Schema 4 dated every deal's facts by its close date.
                index.remove(rolo::store::facts::deal_key(d).as_slice()).unwrap();
                let old = Opportunity { closed_on: None, ..d.clone() };
                index.insert(rolo::store::facts::deal_key(&old).as_slice(), ()).unwrap();
            }
            w.open_table(meta).unwrap().insert("schema_version", 4).unwrap();
        }
        w.commit().unwrap();
    }
    let crm = Crm::open(&path).unwrap();
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
    let closed: Vec<(String, Option<Date>)> =
        crm.list::<Opportunity>(|_| true).unwrap().into_iter().map(|o| (o.name, o.closed_on)).collect();
    assert_eq!(
        closed,
        [
            ("Still open".to_string(), None),
            ("Won by a move".to_string(), Some(today)),
            ("Entered won".to_string(), Some(common::date("2026-03-01"))),
            ("Lost".to_string(), Some(today)),
        ]
    );
    // The won money lands in the month each deal closed, not the month it was expected in.
    let month = |from: Date| {
        let query = rolo::crm::ForecastQuery { from: Some(from), to: Some(from), ..Default::default() };
        crm.forecast_on(query, today).unwrap().months[1].closed_won
    };
    assert_eq!(month(today), Amount::units(100));
    assert_eq!(month(common::date("2026-03-01")), Amount::units(100));
    assert_eq!(month(common::date("2099-06-01")), Amount(0));
}

// ---------------------------------------------------------------------------------------------
// the Reports screen
// ---------------------------------------------------------------------------------------------

use std::sync::Arc;

use common::ui::Ui;
use rolo::model::format_duration;
use serde_json::Value;

/// The period the screen is given in these tests: the first half of 2026.
const HALF: &str = "2026-01-01 2026-06-30";

/// An instant in local time.
fn at(s: &str) -> Timestamp {
    Timestamp::parse_local(s).unwrap()
}

/// A small shop, every date fixed (records created in the first half of 2026, or long before
/// or after), so that every number below can be worked out by hand:
///
/// | deal           | account | amount     | close      | stage (default %)  | campaign    |
/// |----------------|---------|------------|------------|--------------------|-------------|
/// | Fleet licences | Acme    | 12,000.50  | 2026-03-31 | Prospecting (10)   |             |
/// | Harbor pilot   | Kobe    | 5,000.00   | 2026-01-15 | Qualification (20) |             |
/// | Renewal        | Acme    | 48,000.00  | 2026-06-30 | Negotiation (80)   | Spring fair |
/// | Expansion      | Kobe    | 150,000.00 | 2026-05-20 | Closed Won         | Spring fair |
/// | Euro deal      | Acme    | 7,000 EUR  | 2026-02-01 | Prospecting        |             |
/// | Late one       | Acme    | 1,000.00   | 2027-01-10 | Prospecting        |             |
///
/// Calls: Ann (Acme, France) 2026-03-01 5m connected and 2026-03-03 1m voicemail (in), both
/// Ann's; Bo (Kobe, Japan) 2026-03-10 20m connected and Cy (no account, Chile) 2026-04-02 no
/// answer, both Bob's. Tasks: one done late (due 03-02, done 03-04, Ann's), one done early (due
/// 03-10, done 03-03, Bob's), one open due 2026-03-05. Projects: one goal met, one missed, one
/// cancelled, one due in 2099, one overdue since 2000. Renewal and Expansion were up against the
/// one competitor, Rival Inc. The acting user has a quota for the second quarter and for May.
fn shop() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::database(dir.path());
    let crm = Crm::open(&path).unwrap();
    // The calls and tasks below belong to two reps.
    crm.add_user(User::new("ann", "Ann Lee", "rep")).unwrap();
    crm.add_user(User::new("bob", "Bob Ray", "rep")).unwrap();
    let created = at("2026-01-05 09:00");
    let address = |country: &str| Address { country: Some(country.into()), ..Default::default() };
    let account = |name: &str, country: &str| {
        crm.create(Account { name: name.into(), address: address(country), created, ..Default::default() }).unwrap().id
    };
    let (acme, kobe) = (account("Acme Ltd", "France"), account("Kobe Shipping 株式会社", "Japan"));
    let email = |a: &str, consent, validity| Email { consent, validity, ..Email::new(a) };
    let person = |first: &str, last: &str, account, emails, addresses| {
        crm.create(Contact {
            first_name: first.into(),
            last_name: last.into(),
            account,
            emails,
            addresses,
            created,
            ..Default::default()
        })
        .unwrap()
        .id
    };
    let ann = person(
        "Ann",
        "Lee",
        Some(acme),
        vec![
            email("ann@acme.example", Consent::OptedIn, Validity::Valid),
            email("ann@home.example", Consent::Unknown, Validity::Unknown),
        ],
        vec![],
    );
    let bo =
        person("Bo", "Berg", Some(kobe), vec![email("bo@kobe.example", Consent::OptedOut, Validity::Bounced)], vec![]);
    let cy = person(
        "Cy",
        "Young",
        None,
        vec![email("cy@young.example", Consent::OptedIn, Validity::Invalid)],
        vec![address("Chile")],
    );
    let spring = crm
        .create(Campaign { name: "Spring fair".into(), budget: Some(Amount::units(5000)), ..Default::default() })
        .unwrap()
        .id;
    let autumn = crm.create(Campaign { name: "Autumn webinar".into(), ..Default::default() }).unwrap().id;
    // Two cases opened in January, both long past their SLA.
    for (subject, account, priority, status) in [
        ("Printer jams", acme, CasePriority::Urgent, CaseStatus::Assigned),
        ("Invoice wrong", kobe, CasePriority::Low, CaseStatus::Waiting),
    ] {
        let case =
            Case { subject: subject.into(), account: Some(account), priority, status, created, ..Default::default() };
        crm.create(case).unwrap();
    }
    for (first, campaign) in [("Lia", spring), ("Max", spring), ("Noa", autumn)] {
        crm.create(Lead {
            first_name: first.into(),
            last_name: "Lead".into(),
            campaign: Some(campaign),
            ..Default::default()
        })
        .unwrap();
    }
    crm.add_to_picklist(Picklist::Competitors, "Rival Inc", None).unwrap();
    // Quotas of the acting user for the second quarter and for May (Expansion is won in May).
    let me = QuotaHolder::User(crm.session().user().to_string());
    for (period, amount) in [("2026-Q2", "200000"), ("2026-05", "100000")] {
        let (period, amount) = (QuotaPeriod::parse(period).unwrap(), Amount::parse(amount).unwrap());
        crm.set_quota(Quota { holder: me.clone(), period, amount, currency: Currency::default() }).unwrap();
    }
    let stages = crm.stages().unwrap();
    let stage = |name: &str| stages.iter().find(|s| s.name.starts_with(name)).unwrap().id;
    let deals = [
        ("Fleet licences", acme, "12000.50", "USD", "2026-03-31", "Prospecting", None),
        ("Harbor pilot", kobe, "5000", "USD", "2026-01-15", "Qualification", None),
        ("Renewal", acme, "48000", "USD", "2026-06-30", "Negotiation", Some(spring)),
        ("Expansion", kobe, "150000", "USD", "2026-05-20", "Closed Won", Some(spring)),
        ("Euro deal", acme, "7000", "EUR", "2026-02-01", "Prospecting", None),
        ("Late one", acme, "1000", "USD", "2027-01-10", "Prospecting", None),
    ];
    for (name, account, amount, currency, close, in_stage, campaign) in deals {
        crm.create_opportunity(Opportunity {
            name: name.into(),
            account,
            amount: Amount::parse(amount).unwrap(),
            currency: Currency::parse(currency).unwrap(),
            close_date: common::date(close),
            stage: stage(in_stage),
            campaign,
            created,
            // The won deal and one open one were up against a rival.
            competitor: matches!(name, "Expansion" | "Renewal").then(|| "rival inc".to_string()),
            ..Default::default()
        })
        .unwrap();
    }
    // Expansion's one quote counts as a sale (the deal is won): two licences and a year of support.
    let product = |name: &str, price: &str| {
        crm.create(Product {
            name: name.into(),
            price: Amount::parse(price).unwrap(),
            active: true,
            ..Default::default()
        })
        .unwrap()
        .id
    };
    let (licence, support) = (product("Licence", "100"), product("Support", "50"));
    let expansion = crm.list::<Opportunity>(|o| o.name == "Expansion").unwrap()[0].id;
    let quote = crm.create_quote(expansion).unwrap().id;
    crm.add_quote_line(quote, licence, 2, 10).unwrap();
    crm.add_quote_line(quote, support, 1, 0).unwrap();
    let call = |contact, when: &str, secs, outcome, direction, owner: &str| {
        crm.log_call(Call {
            contact,
            started_at: at(when),
            duration_secs: secs,
            outcome,
            direction,
            owner: owner.into(),
            ..Default::default()
        })
        .unwrap();
    };
    call(ann, "2026-03-01 10:00", 300, CallOutcome::Connected, CallDirection::Out, "ann");
    call(ann, "2026-03-03 11:00", 60, CallOutcome::Voicemail, CallDirection::In, "ann");
    call(bo, "2026-03-10 09:00", 1200, CallOutcome::Connected, CallDirection::Out, "bob");
    call(cy, "2026-04-02 16:30", 0, CallOutcome::NoAnswer, CallDirection::Out, "bob");
    let task = |title: &str, due: &str, done: Option<&str>, owner: &str| {
        crm.create(Task {
            title: title.into(),
            due: Some(common::date(due)),
            status: if done.is_some() { TaskStatus::Done } else { TaskStatus::Open },
            completed_at: done.map(at),
            owner: owner.into(),
            created: at("2026-02-23 09:00"),
            ..Default::default()
        })
        .unwrap();
    };
    task("Send pricing", "2026-03-02", Some("2026-03-04 15:00"), "ann");
    task("Call back", "2026-03-10", Some("2026-03-03 12:00"), "bob");
    task("Prepare demo", "2026-03-05", None, "ann");
    let project = |name: &str, due: &str, status, goal_met| {
        crm.create(Project { name: name.into(), due: common::date(due), status, goal_met, ..Default::default() })
            .unwrap();
    };
    project("Rollout", "2026-02-01", ProjectStatus::Done, GoalMet::Yes);
    project("Migration", "2026-04-01", ProjectStatus::Done, GoalMet::No);
    project("Pilot site", "2026-05-01", ProjectStatus::Cancelled, GoalMet::Pending);
    project("Training", "2099-01-01", ProjectStatus::Active, GoalMet::Pending);
    project("Old audit", "2000-06-01", ProjectStatus::Active, GoalMet::Pending);
    (dir, path)
}

/// The Reports screen over the shop, in a `w`×`h` terminal.
fn screen_over(dir: tempfile::TempDir, path: &std::path::Path, w: u16, h: u16) -> Ui {
    Ui::with(dir, Arc::new(Crm::open(path).unwrap()), w, h)
}

/// The line of the screen that starts (inside the right-hand box) with `start`, without the
/// box's right side.
fn line_with<'a>(screen: &'a str, start: &str) -> &'a str {
    let line = screen.lines().find(|l| l.contains(&format!("│{start}")));
    line.unwrap_or_else(|| panic!("no line {start:?}:\n{screen}")).trim_end_matches('│').trim_end()
}

#[test]
fn each_chart_at_80x24() {
    // One snapshot per chart whichever run (file or PostgreSQL) draws it.
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    let _same_snapshots = settings.bind_to_scope();
    let (dir, path) = shop();
    let mut ui = screen_over(dir, &path, 80, 24);
    // The reports whose own period never moves with the calendar first, then the others over
    // the first half of 2026.
    ui.keys("8 j");
    for name in ["stages", "projects", "emails", "campaigns"] {
        while !ui.screen().contains(&format!("▶{name}")) {
            ui.keys("j");
        }
        // The projects report says which day "overdue" is measured against.
        let shown = ui.screen().replace(&Date::today().to_string(), "YYYY-MM-DD");
        insta::assert_snapshot!(format!("chart_{name}_80x24"), shown);
    }
    ui.keys("g g P ctrl-u").text(HALF).keys("enter");
    for name in ["forecast", "tasks", "calls", "cases", "activity"] {
        while !ui.screen().contains(&format!("▶{name}")) {
            ui.keys("j");
        }
        insta::assert_snapshot!(format!("chart_{name}_80x24"), ui.screen());
    }
}

/// A number of a report's JSON as the screen writes it: a count with thousands separators.
fn count(v: &Value) -> String {
    Amount(v.as_i64().unwrap() * 100).grouped().trim_end_matches(".00").to_string()
}

/// An amount of a report's JSON (`"13000.50"`) as the screen writes it, with its currency.
fn money(v: &Value, currency: &str) -> String {
    match v.as_str() {
        Some(a) => format!("{} {currency}", Amount::parse(a).unwrap().grouped()),
        None => "—".to_string(),
    }
}

/// The line under the chart naming the selected bar and every number of its row.
fn readout(label: &str, numbers: &[(&str, String)]) -> String {
    let parts: Vec<String> = numbers.iter().map(|(m, v)| format!("{m} {v}")).collect();
    format!("▶ {label}: {}", parts.join(" · "))
}

/// What `rolo report NAME --json` prints, as the readouts of the chart's rows, breakdown by
/// breakdown: the chart must say exactly these.
fn expected_readouts(name: &str, r: &Value, users: &Directory) -> Vec<Vec<String>> {
    let rows = |key: &str| r[key].as_array().unwrap().clone();
    let cur = r["currency"].as_str().unwrap_or_default();
    let words = |v: &Value| v.as_str().unwrap().replace('_', " ");
    let secs = |v: &Value| format_duration(v.as_u64().unwrap() as u32);
    match name {
        "forecast" => ["months", "quarters"]
            .iter()
            .map(|by| {
                rows(by)
                    .iter()
                    .map(|p| {
                        readout(
                            p["label"].as_str().unwrap(),
                            &[
                                ("pipeline", money(&p["pipeline"], cur)),
                                ("weighted", money(&p["weighted"], cur)),
                                ("best case", money(&p["best_case"], cur)),
                                ("closed won", money(&p["closed_won"], cur)),
                                ("open deals", count(&p["open"])),
                            ],
                        )
                    })
                    .collect()
            })
            .collect(),
        "stages" => vec![
            rows("stages")
                .iter()
                .map(|s| {
                    readout(
                        s["stage"].as_str().unwrap(),
                        &[
                            ("amount", money(&s["amount"], cur)),
                            ("weighted", money(&s["weighted"], cur)),
                            ("deals", count(&s["count"])),
                        ],
                    )
                })
                .collect(),
        ],
        "tasks" => vec![
            rows("weeks")
                .iter()
                .map(|w| {
                    readout(
                        w["week"].as_str().unwrap(),
                        &[
                            ("completed", count(&w["completed"])),
                            ("completed late", count(&w["late"])),
                            ("open", count(&w["open"])),
                            ("overdue", count(&w["overdue"])),
                        ],
                    )
                })
                .collect(),
        ],
        "calls" => {
            // Accounts ranked by talk time give their talk time first: the measure they chart.
            let accounts = |key: &str| {
                rows(key)
                    .iter()
                    .map(|a| {
                        let mut n = vec![("calls", count(&a["calls"])), ("talk time", secs(&a["talk_secs"]))];
                        if key == "top_by_talk" {
                            n.reverse();
                        }
                        readout(a["name"].as_str().unwrap(), &n)
                    })
                    .collect::<Vec<_>>()
            };
            let labelled = |key: &str| {
                rows(key)
                    .iter()
                    .map(|c| {
                        readout(
                            &words(&c["label"]),
                            &[("calls", count(&c["calls"])), ("talk time", secs(&c["talk_secs"]))],
                        )
                    })
                    .collect::<Vec<_>>()
            };
            vec![
                accounts("top_by_calls"),
                accounts("top_by_talk"),
                labelled("by_country"),
                labelled("by_outcome"),
                labelled("by_direction"),
            ]
        }
        "projects" => {
            vec![
                rows("counts")
                    .iter()
                    .map(|c| readout(&words(&c["state"]), &[("projects", count(&c["count"]))]))
                    .collect(),
            ]
        }
        "emails" => vec![
            rows("rows")
                .iter()
                .map(|c| {
                    readout(
                        &words(&c["consent"]),
                        &[
                            ("addresses", count(&c["total"])),
                            ("valid", count(&c["valid"])),
                            ("invalid", count(&c["invalid"])),
                            ("bounced", count(&c["bounced"])),
                            ("unknown", count(&c["unknown"])),
                        ],
                    )
                })
                .collect(),
        ],
        "campaigns" => vec![
            rows("campaigns")
                .iter()
                .map(|c| {
                    readout(
                        c["name"].as_str().unwrap(),
                        &[
                            ("leads", count(&c["leads"])),
                            ("converted", count(&c["converted"])),
                            ("deals", count(&c["opportunities"])),
                            ("won", money(&c["won"], cur)),
                            ("budget", money(&c["budget"], cur)),
                            ("cost per lead", money(&c["cost_per_lead"], cur)),
                        ],
                    )
                })
                .collect(),
        ],
        "activity" => {
            let fields = ["calls", "connected", "tasks_done", "deals_moved", "emails"];
            let named = |n: [i64; 5]| {
                let names = ["calls", "connected", "tasks done", "deals moved", "emails"];
                names.iter().zip(n).map(|(m, v)| (*m, count(&Value::from(v)))).collect::<Vec<_>>()
            };
            let mut people: Vec<(String, [i64; 5])> = Vec::new();
            let mut days = Vec::new();
            for a in rows("rows") {
                let n = fields.map(|f| a[f].as_i64().unwrap());
                // The screen names people as the directory does; JSON keeps their login.
                let login = a["owner"].as_str().unwrap();
                let owner = users.user(login).map_or(login, |u| u.name.as_str()).to_string();
                days.push(readout(&format!("{owner} {}", a["day"].as_str().unwrap()), &named(n)));
                match people.last_mut() {
                    Some((o, sums)) if *o == owner => sums.iter_mut().zip(n).for_each(|(s, x)| *s += x),
                    _ => people.push((owner, n)),
                }
            }
            vec![people.iter().map(|(o, n)| readout(o, &named(*n))).collect(), days]
        }
        "customers" => {
            let customer = |c: &Value| {
                let name = c["name"].as_str().unwrap();
                let label = if c["key"].as_bool().unwrap() { format!("★ {name}") } else { name.to_string() };
                readout(
                    &label,
                    &[
                        ("won", money(&c["won"], cur)),
                        ("open", money(&c["open"], cur)),
                        ("won deals", count(&c["deals"])),
                    ],
                )
            };
            let customers = rows("customers");
            let mut industries: Vec<(String, i64, i64)> = Vec::new();
            for c in &customers {
                let name = c["industry"].as_str().unwrap_or("(no industry)").to_string();
                let won = Amount::parse(c["won"].as_str().unwrap()).unwrap().0;
                let deals = c["deals"].as_i64().unwrap();
                match industries.iter_mut().find(|i| i.0 == name) {
                    Some(i) => (i.1, i.2) = (i.1 + won, i.2 + deals),
                    None => industries.push((name, won, deals)),
                }
            }
            industries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            vec![
                customers.iter().take(20).map(customer).collect(),
                customers.iter().filter(|c| !c["risk"].is_null()).take(20).map(customer).collect(),
                industries
                    .iter()
                    .map(|(name, won, deals)| {
                        let won = format!("{} {cur}", Amount(*won).grouped());
                        readout(name, &[("won", won), ("won deals", count(&Value::from(*deals)))])
                    })
                    .collect(),
            ]
        }
        "quotas" => vec![
            rows("quotas")
                .iter()
                .filter(|q| q["currency"] == r["currency"])
                .map(|q| {
                    let holder = match (q["holder"]["user"].as_str(), q["holder"]["team"].as_str()) {
                        (Some(login), _) => login.to_string(),
                        (_, team) => format!("team {}", team.unwrap()),
                    };
                    readout(
                        &format!("{holder} · {}", q["period"].as_str().unwrap()),
                        &[
                            ("won", money(&q["won"], cur)),
                            ("forecast", money(&q["forecast"], cur)),
                            ("quota", money(&q["quota"], cur)),
                            ("attained %", count(&q["attainment"])),
                        ],
                    )
                })
                .collect(),
        ],
        "products" => {
            let sums = |m: &Value| {
                vec![
                    ("revenue", money(&m["revenue"], cur)),
                    ("sales", count(&m["quotes"])),
                    ("units", count(&m["units"])),
                ]
            };
            vec![
                rows("products")
                    .iter()
                    .take(20)
                    .map(|p| {
                        let mut numbers = sums(p);
                        numbers.push(("average price", money(&p["average_price"], cur)));
                        readout(p["name"].as_str().unwrap(), &numbers)
                    })
                    .collect(),
                rows("months").iter().map(|m| readout(m["month"].as_str().unwrap(), &sums(m))).collect(),
                rows("pairs")
                    .iter()
                    .map(|p| {
                        let label = format!("{} + {}", p["a_name"].as_str().unwrap(), p["b_name"].as_str().unwrap());
                        readout(&label, &[("sales", count(&p["quotes"]))])
                    })
                    .collect(),
            ]
        }
        "competitors" => vec![
            rows("competitors")
                .iter()
                .map(|c| {
                    readout(
                        c["competitor"].as_str().unwrap_or("(none)"),
                        &[
                            ("won", money(&c["won_amount"], cur)),
                            ("lost", money(&c["lost_amount"], cur)),
                            ("won deals", count(&c["won"])),
                            ("lost deals", count(&c["lost"])),
                        ],
                    )
                })
                .collect(),
        ],
        "cases" => {
            let n = |v: &Value| count(v);
            let groups = |key: &str| {
                rows(key)
                    .iter()
                    .map(|g| {
                        readout(
                            g["name"].as_str().unwrap(),
                            &[("opened", n(&g["opened"])), ("breached", n(&g["breached"]))],
                        )
                    })
                    .collect::<Vec<_>>()
            };
            vec![
                rows("weeks")
                    .iter()
                    .map(|w| {
                        readout(
                            w["week"].as_str().unwrap(),
                            &[("opened", n(&w["opened"])), ("closed", n(&w["closed"]))],
                        )
                    })
                    .collect(),
                rows("by_status")
                    .iter()
                    .map(|s| {
                        let p = s["by_priority"].as_array().unwrap();
                        let names = ["low", "normal", "high", "urgent"];
                        readout(&words(&s["status"]), &names.iter().zip(p).map(|(m, v)| (*m, n(v))).collect::<Vec<_>>())
                    })
                    .collect(),
                vec![
                    readout("met or not yet due", &[("cases", n(&r["sla_met"]))]),
                    readout("breached", &[("cases", n(&r["sla_breached"]))]),
                ],
                groups("by_account"),
                groups("by_product"),
            ]
        }
        other => panic!("no report {other}"),
    }
}

/// The readout line of a screen, without the box around it.
fn readout_of(screen: &str) -> String {
    let line = screen.lines().find(|l| l.contains("│▶ ")).unwrap_or_else(|| panic!("no readout:\n{screen}"));
    line[line.find("▶ ").unwrap()..].trim_end_matches('│').trim_end().to_string()
}

#[test]
fn the_charts_say_what_the_command_line_prints_as_json() {
    let (dir, path) = shop();
    let db = path.to_str().unwrap().to_string();
    let (from, to) = HALF.split_once(' ').unwrap();
    let json: Vec<(&str, Value)> = rolo::crm::Report::ALL
        .iter()
        .map(|r| {
            let name = r.name();
            let mut args = vec!["--db", &db, "--json", "report", name];
            if name != "campaigns" {
                args.extend(["--from", from, "--to", to]);
            }
            let out = assert_cmd::Command::cargo_bin("rolo").unwrap().args(&args).output().unwrap();
            assert!(out.status.success(), "rolo report {name}: {}", String::from_utf8_lossy(&out.stderr));
            (name, serde_json::from_slice(&out.stdout).unwrap())
        })
        .collect();
    let mut ui = screen_over(dir, &path, 200, 50);
    let users = ui.crm.directory().unwrap();
    ui.keys("8 P ctrl-u").text(HALF).keys("enter");
    for (i, (name, report)) in json.iter().enumerate() {
        ui.keys("h g g");
        for _ in 0..i {
            ui.keys("j");
        }
        ui.keys("l");
        assert!(ui.screen().contains(&format!("▶{name}")), "{name}:\n{}", ui.screen());
        for (v, view) in expected_readouts(name, report, &users).iter().enumerate() {
            ui.keys("g g");
            assert!(!view.is_empty(), "{name}: the shop gives every breakdown rows");
            for (k, expected) in view.iter().enumerate() {
                assert_eq!(&readout_of(&ui.screen()), expected, "{name}, breakdown {v}, row {k}");
                ui.keys("j");
            }
            assert_eq!(&readout_of(&ui.screen()), view.last().unwrap(), "{name}: no rows beyond the report's");
            ui.keys("tab");
        }
    }
    // The table shows the same numbers, every measure of every row.
    ui.keys("h g g j l v");
    let s = ui.screen();
    assert!(s.contains("▸AMOUNT") && s.contains("WEIGHTED") && s.contains("DEALS"), "{s}");
    let row = line_with(&s, "Prospecting ");
    assert!(row.ends_with("Prospecting           12,000.50   1,200.05      1"), "amount, weighted, deals: {row}");
}

#[test]
fn periods_are_picked_with_p_or_typed_and_a_wrong_one_is_said_in_place() {
    let (dir, path) = shop();
    let mut ui = screen_over(dir, &path, 80, 24);
    ui.keys("8 j");
    assert!(ui.screen().contains("stages · its own period · chart"), "{}", ui.screen());
    for period in ["this week", "this month", "this quarter", "this year", "its own period"] {
        ui.keys("p");
        assert!(ui.screen().contains(&format!("stages · {period} · chart")), "{period}:\n{}", ui.screen());
    }
    let (from, to) = rolo::tui::Period::Month.range(Date::today(), rolo::model::Dates::default()).unwrap();
    ui.keys("p p");
    assert!(ui.screen().contains(&format!("closing {from} to {to}, in USD")), "{}", ui.screen());
    // Typed: the line opens with the period shown; a wrong one stays open and says why, under it.
    ui.keys("P");
    assert!(ui.screen().contains(&format!("from to: {from} {to}▏")), "{}", ui.screen());
    ui.keys("ctrl-u").text("2026-06-30 2026-01-01").keys("enter");
    let s = ui.screen();
    assert!(s.contains("from to: 2026-06-30 2026-01-01▏") && s.contains("! 2026-01-01 is before 2026-06-30"), "{s}");
    ui.keys("esc");
    let s = ui.screen();
    assert!(!s.contains("from to:") && s.contains("stages · this month · chart"), "Esc keeps the period: {s}");
    ui.keys("P ctrl-u").text("2026-01-01 soon").keys("enter");
    assert!(ui.screen().contains("! 'soon' is not a date"), "{}", ui.screen());
    ui.keys("ctrl-w").text(HALF.split_once(' ').unwrap().1).keys("enter");
    let s = ui.screen();
    assert!(s.contains("stages · 2026-01-01 to 2026-06-30 · chart"), "{s}");
    assert!(s.contains("closing 2026-01-01 to 2026-06-30, in USD"), "{s}");
    // Every report follows the period, except the campaigns report, which has none.
    ui.keys("j");
    assert!(ui.screen().contains("Tasks by ISO week, 2025-12-29 to 2026-07-05"), "{}", ui.screen());
    ui.keys("G");
    while !ui.screen().contains("▶activity") {
        ui.keys("k");
    }
    let s = ui.screen();
    assert!(
        s.contains("activity · 2026-01-01 to 2026-06-30") && s.contains("Activity 2026-01-01 to 2026-06-30"),
        "{s}"
    );
    ui.keys("k p");
    assert!(ui.screen().contains("the campaigns report has no period"), "{}", ui.screen());
}

/// `P` offers the period shown (the report's own too), selected: what is typed replaces it. In
/// the period's first date a weekday is the last one, so the README's `mon today` is this week
/// so far.
#[test]
fn a_typed_period_replaces_the_one_offered_and_starts_on_the_last_weekday_named() {
    use chrono::{Datelike, Months};
    let (dir, path) = shop();
    let mut ui = screen_over(dir, &path, 80, 24);
    ui.keys("8");
    assert!(ui.screen().contains("Forecast"), "{}", ui.screen());
    let today = Date::today();
    let first = today.0.with_day(1).unwrap();
    let last = first.checked_add_months(Months::new(12)).unwrap().pred_opt().unwrap();
    ui.keys("P");
    assert!(ui.screen().contains(&format!("from to: {first} {last}▏")), "{}", ui.screen());
    ui.text("mon today").keys("enter");
    let monday = today.add_days(-i64::from(today.0.weekday().num_days_from_monday()));
    let s = ui.screen();
    assert!(s.contains(&format!("forecast · {monday} to {today} · chart")), "{s}");
    // Backspace on the period offered clears it; a key that moves keeps it.
    ui.keys("P backspace");
    assert!(ui.screen().contains("from to: ▏"), "{}", ui.screen());
    ui.keys("esc P end");
    assert!(ui.screen().contains(&format!("from to: {monday} {today}▏")), "{}", ui.screen());
}

#[test]
fn a_bar_opens_the_records_behind_it_and_esc_comes_back_to_the_same_bar() {
    let (dir, path) = shop();
    let mut ui = screen_over(dir, &path, 80, 24);
    ui.keys("8 j enter");
    // The chart has the keys now: j moves over the bars, v and m change what is shown.
    ui.keys("j");
    assert!(readout_of(&ui.screen()).starts_with("▶ Qualification: amount 5,000.00 USD"), "{}", ui.screen());
    ui.keys("v");
    let s = ui.screen();
    assert!(s.contains("stages · its own period · table") && s.contains("▸AMOUNT"), "{s}");
    ui.keys("m");
    assert!(ui.screen().contains("▸WEIGHTED"), "{}", ui.screen());
    ui.keys("v");
    let s = ui.screen();
    assert!(line_with(&s, "▶Qualification").ends_with(" 1,000.00"), "weighted is charted: {s}");
    assert!(line_with(&s, " Negotiation/Review").contains(" 38,400.00 ████"), "{s}");
    // The records behind the bar; Enter opens one; Esc comes back to the list, then the chart.
    ui.keys("j j j j j j enter");
    let s = ui.screen();
    assert!(s.contains("Negotiation/Review · weighted (1)") && s.contains("Renewal"), "{s}");
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("opportunity · Renewal") && s.contains("Negotiation/Review (80%)"), "{s}");
    ui.keys("esc");
    assert!(ui.screen().contains("Negotiation/Review · weighted (1)"), "{}", ui.screen());
    ui.keys("esc");
    let s = ui.screen();
    assert!(readout_of(&s).starts_with("▶ Negotiation/Review: amount 48,000.00 USD"), "{s}");
    assert!(s.contains("▶Negotiation/Review"), "the same bar: {s}");
    // The count of records listed is the number on the bar: two deals in Prospecting (one in EUR
    // is left out of a report in dollars).
    ui.keys("m g g enter");
    let s = ui.screen();
    assert!(s.contains("Prospecting · deals (2)") && s.contains("Fleet lice") && s.contains("Late one"), "{s}");
    assert!(!s.contains("Euro deal"), "{s}");
    ui.keys("esc h");
    // Other reports list their own kind of record: the late task of week 10, the calls of Chile.
    ui.keys("j l P ctrl-u").text(HALF).keys("enter m g g");
    for _ in 0..9 {
        ui.keys("j");
    }
    assert!(readout_of(&ui.screen()).starts_with("▶ 2026-W10: completed 2 · completed late 1"), "{}", ui.screen());
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("2026-W10 · completed late (1)") && s.contains("Send pricing"), "{s}");
    assert!(!s.contains("Call back"), "done on time: {s}");
    ui.keys("esc h j l tab tab");
    assert!(ui.screen().contains("by country"), "{}", ui.screen());
    // France (2 calls), then Chile and Japan (1 each), alphabetically.
    ui.keys("G k enter");
    let s = ui.screen();
    assert!(s.contains("Chile · calls (1)") && s.contains("Cy Young") && s.contains("no answer"), "{s}");
    ui.keys("esc h j j l m enter");
    let s = ui.screen();
    assert!(s.contains("opted in · valid (1)") && s.contains("Ann Lee") && s.contains("ann@acme.example"), "{s}");
}

/// The accounts ranked by talk time chart their talk time (not their number of calls), even
/// after the calls were charted in the breakdown before.
#[test]
fn top_accounts_by_talk_time_chart_talk_time() {
    let (dir, path) = shop();
    let mut ui = screen_over(dir, &path, 80, 24);
    ui.keys("8 j j j l P ctrl-u").text(HALF).keys("enter tab");
    let s = ui.screen();
    assert!(s.contains("top accounts by talk time · talk time  calls"), "{s}");
    let bars = s.lines().find(|l| l.contains("█20m█")).unwrap_or_else(|| panic!("Kobe's 20m drawn:\n{s}"));
    assert!(bars.contains("█6m█"), "Acme's 6m drawn: {s}");
    // Charting talk time by calls, then moving to the accounts by talk time: talk time again.
    ui.keys("tab tab tab tab m tab");
    assert!(ui.screen().contains("█20m█"), "{}", ui.screen());
}

#[test]
fn a_report_computes_without_holding_the_screen() {
    let (dir, path) = shop();
    let mut ui = screen_over(dir, &path, 80, 24);
    ui.app.handle_key(common::ui::key("8"));
    // The report is asked for as the frame is prepared, and drawn once its answer is in.
    ui.app.prepare();
    let s = ui.frame();
    assert!(s.contains("computing…") && s.contains("▶forecast"), "{s}");
    assert!(ui.screen().contains("Forecast"), "{}", ui.screen());
}

/// Behind every count of every chart lie as many records as it says (the emails report counts
/// addresses and lists the people who have them: never more people than addresses).
#[test]
fn behind_each_count_lie_that_many_records() {
    let (_dir, path) = shop();
    let crm = Crm::open(&path).unwrap();
    let (from, to) = HALF.split_once(' ').unwrap();
    let half = ReportQuery { from: Some(common::date(from)), to: Some(common::date(to)), currency: None };
    let mut checked = 0;
    for report in rolo::crm::Report::ALL {
        let name = report.name();
        let query = if report.has_period() { half } else { ReportQuery::default() };
        let chart = crm.report_chart(report, query).unwrap();
        for view in &chart.views {
            for row in &view.rows {
                for ((m, value), behind) in view.measures.iter().zip(&row.values).zip(&row.behind) {
                    let (rolo::crm::Unit::Count, Some(n), Some(bucket)) = (m.unit, value, behind) else { continue };
                    let listed = crm.records_in(bucket).unwrap();
                    assert!(listed.iter().all(|r| r.kind == bucket.kind()), "{name}: {listed:?}");
                    let what = format!("{name} {} {}: {n} counted, {} listed", view.name, row.label, listed.len());
                    if name == "emails" {
                        assert!(listed.len() as i64 <= *n, "{what}");
                    } else {
                        assert_eq!(listed.len() as i64, *n, "{what}");
                    }
                    checked += usize::from(*n > 0);
                }
            }
        }
    }
    assert!(checked >= 30, "the shop fills most bars: {checked}");
}

/// The tasks behind a bar name their owners as the directory names them, not by login.
#[test]
fn the_tasks_behind_a_bar_name_their_owners() {
    let (dir, path) = shop();
    let mut ui = screen_over(dir, &path, 120, 30);
    ui.keys("8 j j P ctrl-u").text(HALF).keys("enter enter");
    while !readout_of(&ui.screen()).starts_with("▶ 2026-W10") {
        ui.keys("j");
    }
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("OWNER") && s.contains("Ann Lee") && s.contains("Bob Ray"), "{s}");
}
