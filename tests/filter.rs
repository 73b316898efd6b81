//! The filter language answered by the service: records made through `Crm`, filtered by
//! `Crm::filtered`, `Crm::kept` and `Crm::matching`, the right ids back (through the indexes a
//! term has, and by reading the kind whole where none answers).

mod common;

use common::{date, fresh};
use rolo::crm::{Crm, CrmError, Filter, FilterError, Filtered};
use rolo::model::*;

fn today() -> Date {
    date("2026-06-15")
}

fn filter(crm: &Crm, kind: Kind, text: &str) -> Filter {
    crm.parse_filter(kind, text, today()).unwrap()
}

fn ids(crm: &Crm, kind: Kind, text: &str) -> Vec<Id> {
    let found = crm.filtered(&filter(crm, kind, text), 100).unwrap();
    assert!(!found.more, "{text}");
    found.ids
}

struct Shop {
    acme: Id,
    ann: Id,
    bob: Id,
    deals: [Id; 3],
}

/// Two accounts, a person at each, three deals in different stages and closing at different
/// times.
fn shop(crm: &Crm) -> Shop {
    let acme =
        crm.create(Account { name: "Acme Corp".into(), tags: vec!["vip".into()], ..Default::default() }).unwrap().id;
    let globex = crm.create(Account { name: "Globex".into(), ..Default::default() }).unwrap().id;
    let ann = crm
        .create(Contact {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            account: Some(acme),
            tags: vec!["VIP".into()],
            addresses: vec![Address { country: Some("France".into()), ..Default::default() }],
            ..Default::default()
        })
        .unwrap()
        .id;
    let bob = crm
        .create(Contact {
            first_name: "Bob".into(),
            last_name: "Stone".into(),
            account: Some(globex),
            addresses: vec![Address { country: Some("Germany".into()), ..Default::default() }],
            ..Default::default()
        })
        .unwrap()
        .id;
    let deal = |name: &str, account, stage: &str, units, close: &str| {
        crm.create_opportunity(Opportunity {
            name: name.into(),
            account,
            amount: Amount::units(units),
            close_date: date(close),
            stage: crm.stage_named(stage).unwrap().id,
            ..Default::default()
        })
        .unwrap()
        .id
    };
    let deals = [
        deal("Fleet licences", acme, "Negotiation/Review", 12_000, "2026-08-01"),
        deal("Support plan", acme, "Prospecting", 2_000, "2026-07-01"),
        deal("Warehouse kit", globex, "Negotiation/Review", 40_000, "2027-02-01"),
    ];
    Shop { acme, ann, bob, deals }
}

#[test]
fn deals_are_found_by_stage_close_date_amount_and_account() {
    let (_dir, crm) = fresh();
    let s = shop(&crm);
    let [fleet, support, warehouse] = s.deals;
    assert_eq!(ids(&crm, Kind::Opportunity, "stage:nego"), [fleet, warehouse]);
    // Through the close-date index: earliest first.
    assert_eq!(ids(&crm, Kind::Opportunity, "close:today..+90d"), [support, fleet]);
    assert_eq!(ids(&crm, Kind::Opportunity, "close:2026-08-01.."), [fleet, warehouse]);
    assert_eq!(ids(&crm, Kind::Opportunity, "close:<2026-08-01"), [support]);
    assert_eq!(ids(&crm, Kind::Opportunity, "stage:nego close:..+90d"), [fleet]);
    assert_eq!(ids(&crm, Kind::Opportunity, "amount:>10000"), [fleet, warehouse]);
    assert_eq!(ids(&crm, Kind::Opportunity, "amount:1000..5000"), [support]);
    assert_eq!(ids(&crm, Kind::Opportunity, "account:acme -stage:pros"), [fleet]);
    assert_eq!(ids(&crm, Kind::Opportunity, "status:won"), Vec::<Id>::new());
    // The board's old spelling of a range.
    assert_eq!(ids(&crm, Kind::Opportunity, "from:2026-07-15 to:2026-12-31"), [fleet]);
}

#[test]
fn plain_words_rank_by_search_and_the_terms_keep() {
    let (_dir, crm) = fresh();
    let s = shop(&crm);
    assert_eq!(ids(&crm, Kind::Opportunity, "fleet"), [s.deals[0]]);
    assert_eq!(ids(&crm, Kind::Contact, "lee tag:vip"), [s.ann]);
    assert_eq!(ids(&crm, Kind::Contact, "stone tag:vip"), Vec::<Id>::new());
    assert_eq!(ids(&crm, Kind::Contact, "country:germany"), [s.bob]);
    assert_eq!(ids(&crm, Kind::Contact, "account:glob"), [s.bob]);
    assert_eq!(ids(&crm, Kind::Contact, "account:o"), [s.ann, s.bob]);
    assert_eq!(ids(&crm, Kind::Account, "tag:vip"), [s.acme]);
}

#[test]
fn a_limit_caps_the_answer_and_says_more_matched() {
    let (_dir, crm) = fresh();
    let s = shop(&crm);
    let f = filter(&crm, Kind::Opportunity, "stage:nego");
    assert_eq!(crm.filtered(&f, 1).unwrap(), Filtered { ids: vec![s.deals[0]], more: true });
    assert_eq!(crm.filtered(&f, 2).unwrap(), Filtered { ids: vec![s.deals[0], s.deals[2]], more: false });
    let all = crm.filtered(&Filter::all(Kind::Contact), 10).unwrap();
    assert_eq!(all.ids, [s.ann, s.bob]);
}

#[test]
fn kept_narrows_ids_in_the_order_given() {
    let (_dir, crm) = fresh();
    let s = shop(&crm);
    let [fleet, support, warehouse] = s.deals;
    let f = filter(&crm, Kind::Opportunity, "amount:>1000");
    assert_eq!(crm.kept(&f, &[warehouse, 999, support, fleet]).unwrap(), [warehouse, support, fleet]);
    let f = filter(&crm, Kind::Opportunity, "account:globex");
    assert_eq!(crm.kept(&f, &[fleet, warehouse]).unwrap(), [warehouse]);
}

#[test]
fn matching_narrows_records_in_the_order_given_and_looks_for_plain_words() {
    let (_dir, crm) = fresh();
    let s = shop(&crm);
    let people = |text: &str| {
        let given = crm.many::<Contact>(&[s.bob, s.ann]).unwrap();
        crm.matching(&filter(&crm, Kind::Contact, text), given).unwrap().iter().map(|c| c.id).collect::<Vec<_>>()
    };
    assert_eq!(people(""), [s.bob, s.ann]);
    assert_eq!(people("account:o"), [s.bob, s.ann]);
    // Unlike `kept`, plain words are looked for in each record's search text, any case.
    assert_eq!(people("LEE"), [s.ann]);
    assert_eq!(people("st"), [s.bob]);
    assert_eq!(people("lee -tag:vip"), Vec::<Id>::new());
}

#[test]
fn calls_are_found_by_outcome_time_and_their_contacts_account_and_country() {
    let (_dir, crm) = fresh();
    let s = shop(&crm);
    let at = |d: &str| Timestamp::from_local_naive(date(d).0.and_hms_opt(10, 0, 0).unwrap());
    let call = |contact, outcome, when: &str| {
        crm.log_call(Call { contact, outcome, started_at: at(when), duration_secs: 120, ..Default::default() })
            .unwrap()
            .id
    };
    let a = call(s.ann, CallOutcome::Voicemail, "2026-06-10");
    let b = call(s.bob, CallOutcome::Busy, "2026-06-14");
    let c = call(s.ann, CallOutcome::Connected, "2026-06-15");
    assert_eq!(ids(&crm, Kind::Call, "outcome:voi"), [a]);
    assert_eq!(ids(&crm, Kind::Call, "account:acme"), [a, c]);
    assert_eq!(ids(&crm, Kind::Call, "country:ger"), [b]);
    // Through the time index, oldest first.
    assert_eq!(ids(&crm, Kind::Call, "from:-3d"), [b, c]);
    assert_eq!(ids(&crm, Kind::Call, "time:today"), [c]);
    assert_eq!(ids(&crm, Kind::Call, "from:-7d to:yesterday account:acme"), [a]);
    assert_eq!(ids(&crm, Kind::Call, "-outcome:busy duration:2m"), [a, c]);
}

#[test]
fn tasks_are_found_by_title_words_project_and_due_date() {
    let (_dir, crm) = fresh();
    let s = shop(&crm);
    common::add_users(&crm, "rep", &["ann"]);
    let project =
        crm.create(Project { name: "Rollout".into(), due: date("2026-09-01"), ..Default::default() }).unwrap().id;
    let task = |title: &str, due: &str, project| {
        crm.create(Task {
            title: title.into(),
            due: Some(date(due)),
            contact: Some(s.ann),
            project,
            owner: "ann".into(),
            ..Default::default()
        })
        .unwrap()
        .id
    };
    let send = task("Send the offer", "2026-06-10", Some(project));
    let call = task("Call back", "2026-06-20", None);
    assert_eq!(ids(&crm, Kind::Task, "send owner:ann"), [send]);
    assert_eq!(ids(&crm, Kind::Task, "project:roll"), [send]);
    assert_eq!(ids(&crm, Kind::Task, "due:<today"), [send]);
    assert_eq!(ids(&crm, Kind::Task, "account:acme due:>=today"), [call]);
    assert_eq!(ids(&crm, Kind::Project, "due:2026-09-01"), [project]);
}

#[test]
fn products_are_found_by_name_words_price_and_whether_sold() {
    let (_dir, crm) = fresh();
    let product = |name: &str, units, active| {
        crm.create(Product { name: name.into(), price: Amount::units(units), active, ..Default::default() }).unwrap().id
    };
    let (pro, basic, old) =
        (product("Pro licence", 150, true), product("Basic licence", 20, true), product("Pro box", 90, false));
    assert_eq!(ids(&crm, Kind::Product, "licence"), [pro, basic]);
    assert_eq!(ids(&crm, Kind::Product, "pro price:<100"), [old]);
    assert_eq!(ids(&crm, Kind::Product, "active:yes price:50.."), [pro]);
}

#[test]
fn a_wrong_term_is_a_typed_error_naming_it() {
    let (_dir, crm) = fresh();
    let err = crm.parse_filter(Kind::Opportunity, "stage:closed", today()).unwrap_err();
    assert!(
        matches!(&err, CrmError::Filter(FilterError::Ambiguous { matches, .. }) if matches == &["Closed Won", "Closed Lost"]),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "'stage:closed' could be Closed Won or Closed Lost: type more of it");
    let err = crm.parse_filter(Kind::Call, "stage:nego", today()).unwrap_err().to_string();
    assert!(err.starts_with("calls have no field 'stage'; filter by: outcome"), "{err}");
    crm.add_to_picklist(Picklist::LeadSources, "Webinar", None).unwrap();
    let lead =
        crm.create(Lead { last_name: "Roe".into(), source: Some("Webinar".into()), ..Default::default() }).unwrap().id;
    assert_eq!(ids(&crm, Kind::Lead, "source:webi"), [lead]);
}
