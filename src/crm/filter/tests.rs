use std::ops::Bound;

use proptest::prelude::*;

use super::*;
use crate::model::{
    Account, Address, Call, CallOutcome, Contact, Email, Lead, LeadStatus, Opportunity, Product, Project, RecordRef,
    StageOutcome, Task, TaskStatus, Timestamp,
};

fn today() -> Date {
    Date::from_ymd(2026, 6, 15).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> i64 {
    i64::from(Date::from_ymd(y, m, d).unwrap().days())
}

fn names() -> Vocabulary {
    Vocabulary {
        stages: vec![(1, "Prospecting".into()), (2, "Negotiation".into()), (3, "Needs analysis".into())],
        sources: vec!["Web".into(), "Trade show".into(), "Referral".into()],
        ..Default::default()
    }
}

fn parse(kind: Kind, text: &str) -> Result<Filter, FilterError> {
    Filter::parse(kind, text, &names(), today())
}

fn only(kind: Kind, text: &str) -> Term {
    let f = parse(kind, text).unwrap();
    assert_eq!(f.terms().len(), 1, "{text}: {f:?}");
    f.terms()[0].clone()
}

fn span(low: Bound<i64>, high: Bound<i64>) -> Test {
    Test::In(Range { low, high })
}

#[test]
fn empty_text_keeps_everything() {
    let f = parse(Kind::Contact, "   ").unwrap();
    assert!(f.is_empty());
    assert_eq!(f, Filter::all(Kind::Contact));
}

#[test]
fn text_person_and_label_terms_read_in_lower_case() {
    assert_eq!(only(Kind::Contact, "account:ACME").test, Test::Contains("acme".into()));
    assert_eq!(only(Kind::Contact, "owner:Ann").test, Test::Is("ann".into()));
    assert_eq!(only(Kind::Contact, "tag:VIP").test, Test::StartsWith("vip".into()));
    assert_eq!(only(Kind::Contact, "country:france").field, Field::Country);
}

#[test]
fn quoted_values_and_phrases_keep_their_spaces() {
    assert_eq!(only(Kind::Contact, r#"account:"Acme Corp""#).test, Test::Contains("acme corp".into()));
    let f = parse(Kind::Contact, r#""ann lee" owner:bob"#).unwrap();
    assert_eq!(f.words(), ["ann lee"]);
    // A quoted colon is a word, not a field.
    assert_eq!(parse(Kind::Contact, r#""at:10""#).unwrap().words(), ["at:10"]);
    // An unclosed quote runs to the end rather than failing.
    assert_eq!(only(Kind::Contact, r#"account:"acme corp"#).test, Test::Contains("acme corp".into()));
}

#[test]
fn word_values_are_completed_from_unambiguous_prefixes() {
    assert_eq!(only(Kind::Call, "outcome:voi").test, Test::Word("voicemail"));
    assert_eq!(only(Kind::Call, "outcome:no-answer").test, Test::Word("no_answer"));
    assert_eq!(only(Kind::Call, r#"outcome:"no answer""#).test, Test::Word("no_answer"));
    assert_eq!(only(Kind::Task, "status:in").test, Test::Word("in_progress"));
    assert_eq!(only(Kind::Task, "priority:HIGH").test, Test::Word("high"));
    assert_eq!(only(Kind::Opportunity, "status:won").test, Test::Word(StageOutcome::Won.word()));
    assert_eq!(only(Kind::Lead, "rating:h").test, Test::Word("hot"));
}

#[test]
fn stages_and_sources_are_named_from_the_database() {
    assert_eq!(only(Kind::Opportunity, "stage:nego").test, Test::Id(2));
    assert_eq!(only(Kind::Opportunity, "stage:pro").test, Test::Id(1));
    assert_eq!(only(Kind::Opportunity, r#"stage:"needs analysis""#).test, Test::Id(3));
    assert_eq!(only(Kind::Lead, "source:trade").test, Test::Is("trade show".into()));
    let err = parse(Kind::Opportunity, "stage:ne").unwrap_err();
    assert_eq!(
        err,
        FilterError::Ambiguous {
            term: "stage:ne".into(),
            matches: vec!["Negotiation".into(), "Needs analysis".into()]
        }
    );
    assert_eq!(err.to_string(), "'stage:ne' could be Negotiation or Needs analysis: type more of it");
    let err = parse(Kind::Lead, "source:fax").unwrap_err().to_string();
    assert_eq!(err, "'source:fax': use one of: Web, Trade show, Referral");
    let empty = Filter::parse(Kind::Opportunity, "stage:x", &Vocabulary::default(), today()).unwrap_err();
    assert!(empty.to_string().contains("nothing to choose from"), "{empty}");
}

#[test]
fn dates_compare_and_range_relative_to_today() {
    let t = i64::from(today().days());
    assert_eq!(only(Kind::Opportunity, "close:today..+90d").test, span(Bound::Included(t), Bound::Included(t + 90)));
    assert_eq!(
        only(Kind::Opportunity, "close:..2026-12-31").test,
        span(Bound::Unbounded, Bound::Included(day(2026, 12, 31)))
    );
    assert_eq!(
        only(Kind::Opportunity, "close:2026-07-01..").test,
        span(Bound::Included(day(2026, 7, 1)), Bound::Unbounded)
    );
    assert_eq!(only(Kind::Contact, "last_activity:<-90d").test, span(Bound::Unbounded, Bound::Excluded(t - 90)));
    assert_eq!(only(Kind::Task, "due:<today").test, span(Bound::Unbounded, Bound::Excluded(t)));
    assert_eq!(only(Kind::Task, "due:<=tomorrow").test, span(Bound::Unbounded, Bound::Included(t + 1)));
    assert_eq!(only(Kind::Task, "due:>=-2w").test, span(Bound::Included(t - 14), Bound::Unbounded));
    assert_eq!(only(Kind::Task, "due:today").test, span(Bound::Included(t), Bound::Included(t)));
    assert_eq!(only(Kind::Task, "due:=2026-06-20").test, span(Bound::Included(t + 5), Bound::Included(t + 5)));
    // `last-activity` is the same field, and `from:` / `to:` bound the kind's main date.
    assert_eq!(only(Kind::Contact, "last-activity:>today").field, Field::LastActivity);
    let call = only(Kind::Call, "from:-7d");
    assert_eq!((call.field, call.test), (Field::Time, span(Bound::Included(t - 7), Bound::Unbounded)));
    let deal = only(Kind::Opportunity, "to:2026-12-01");
    assert_eq!((deal.field, deal.test), (Field::Close, span(Bound::Unbounded, Bound::Included(day(2026, 12, 1)))));
}

#[test]
fn dates_read_in_the_typists_order_too() {
    let us = Vocabulary {
        dates: crate::model::Dates { format: crate::model::DateFormat::MonthDayYear, ..Default::default() },
        ..names()
    };
    let f = Filter::parse(Kind::Opportunity, "close:07/01/2026..12/31/2026", &us, today()).unwrap();
    let range = span(Bound::Included(day(2026, 7, 1)), Bound::Included(day(2026, 12, 31)));
    assert_eq!(f.terms()[0].test, range);
    let iso = Filter::parse(Kind::Opportunity, "close:2026-07-01..2026-12-31", &us, today()).unwrap();
    assert_eq!(iso.terms()[0].test, range, "ISO still reads");
    let err = Filter::parse(Kind::Opportunity, "close:<31/12/2026", &us, today()).unwrap_err().to_string();
    assert!(err.contains("use MM/DD/YYYY or YYYY-MM-DD"), "{err}");
    assert!(parse(Kind::Opportunity, "close:<12/31/2026").is_err(), "ISO users' filters are ISO");
}

#[test]
fn numbers_money_and_durations_compare_and_range() {
    assert_eq!(only(Kind::Opportunity, "amount:>10000").test, span(Bound::Excluded(1_000_000), Bound::Unbounded));
    assert_eq!(
        only(Kind::Opportunity, "amount:1000..5000.50").test,
        span(Bound::Included(100_000), Bound::Included(500_050))
    );
    assert_eq!(only(Kind::Opportunity, "probability:>=50").test, span(Bound::Included(50), Bound::Unbounded));
    assert_eq!(only(Kind::Opportunity, "prob:50").test, span(Bound::Included(50), Bound::Included(50)));
    assert_eq!(only(Kind::Call, "duration:>5m").test, span(Bound::Excluded(300), Bound::Unbounded));
    assert_eq!(only(Kind::Account, "employees:10..50").test, span(Bound::Included(10), Bound::Included(50)));
    assert_eq!(only(Kind::Product, "active:y").test, Test::Flag(true));
    assert_eq!(only(Kind::Product, "active:no").test, Test::Flag(false));
}

#[test]
fn a_leading_minus_or_bang_negates_a_term() {
    let t = only(Kind::Contact, "-tag:vip");
    assert!(t.negated);
    assert_eq!(t.test, Test::StartsWith("vip".into()));
    assert!(only(Kind::Contact, "!owner:ann").negated);
    assert!(!only(Kind::Contact, "owner:ann").negated);
    // A plain word cannot be negated: said, rather than matching nothing.
    assert!(matches!(parse(Kind::Contact, "-x"), Err(FilterError::BadValue { .. })));
    assert_eq!(parse(Kind::Contact, "jean-luc").unwrap().words(), ["jean-luc"]);
}

#[test]
fn plain_words_are_kept_for_the_search() {
    let f = parse(Kind::Contact, "ann tag:vip lee 10:30").unwrap();
    assert_eq!(f.words(), ["ann", "lee", "10:30"]);
    assert_eq!(f.query(), "ann lee 10:30");
    assert_eq!(f.terms().len(), 1);
}

#[test]
fn second_spellings_of_fields_are_read() {
    assert_eq!(only(Kind::Task, "opp:renewal").field, Field::Deal);
    assert_eq!(only(Kind::Contact, "label:vip").field, Field::Tag);
    assert_eq!(only(Kind::Opportunity, "close-date:today").field, Field::Close);
    assert_eq!(only(Kind::Quote, "valid:<today").field, Field::Valid);
}

#[test]
fn what_the_old_filters_accepted_still_reads() {
    // The board's.
    let f = parse(Kind::Opportunity, "owner:ann account:Acme close:2026-06-01..2027-03-31 from:today to:+30d").unwrap();
    assert_eq!(f.terms().len(), 5);
    // The task lists' scope.
    let f = parse(Kind::Task, "Send owner:ann project:Rollout account:acme").unwrap();
    assert_eq!((f.words(), f.terms().len()), (&["Send".to_string()][..], 3));
    // The calls'.
    let f = parse(Kind::Call, "outcome:busy account:acme country:fr from:-7d to:today").unwrap();
    assert_eq!(f.terms().len(), 5);
    // The lists' labels.
    assert_eq!(parse(Kind::Account, "tag:vip acme").unwrap().words(), ["acme"]);
}

#[test]
fn a_field_the_kind_lacks_is_named_with_the_fields_it_takes() {
    let err = parse(Kind::Call, "stage:nego").unwrap_err();
    assert!(matches!(&err, FilterError::UnknownField { field, .. } if field == "stage"));
    let text = err.to_string();
    assert!(
        text.starts_with("calls have no field 'stage'; filter by: outcome, contact, account, owner, direction, time"),
        "{text}"
    );
    assert!(text.ends_with("from, to"), "{text}");
    assert!(parse(Kind::Product, "owner:ann").unwrap_err().to_string().contains("products have no field 'owner'"));
    let none = parse(Kind::Note, "owner:ann").unwrap_err();
    assert_eq!(none, FilterError::NoFields { kinds: "notes" });
    assert!(parse(Kind::Note, "just words").is_ok());
}

#[test]
fn bad_values_name_the_term_and_what_to_write() {
    let e = |kind, text| parse(kind, text).unwrap_err().to_string();
    assert_eq!(e(Kind::Contact, "owner:"), "'owner:': write a value after 'owner:'");
    assert_eq!(
        e(Kind::Call, "outcome:maybe"),
        "'outcome:maybe': use one of: connected, voicemail, no_answer, busy, wrong_number"
    );
    assert!(e(Kind::Task, "due:someday").starts_with("'due:someday': 'someday' is not a date"));
    assert!(e(Kind::Opportunity, "amount:>lots").starts_with("'amount:>lots': 'lots' is not an amount"));
    assert_eq!(e(Kind::Opportunity, "probability:high"), "'probability:high': 'high' is not a whole number");
    assert!(e(Kind::Call, "duration:long").contains("is not a duration"));
    assert!(e(Kind::Product, "active:maybe").contains("use one of: yes, no"));
    assert!(matches!(parse(Kind::Call, "outcome:maybe").unwrap_err(), FilterError::BadValue { .. }));
}

#[test]
fn an_ambiguous_word_lists_its_matches() {
    let err = parse(Kind::Lead, "status:con").unwrap_err();
    assert_eq!(
        err,
        FilterError::Ambiguous { term: "status:con".into(), matches: vec!["contacted".into(), "converted".into()] }
    );
    assert_eq!(only(Kind::Lead, "status:cont").test, Test::Word(LeadStatus::Contacted.word()));
    // A value spelled whole wins over longer ones it starts.
    let names = Vocabulary { stages: vec![(4, "Closed won".into()), (5, "Closed".into())], ..Default::default() };
    let f = Filter::parse(Kind::Opportunity, "stage:closed", &names, today()).unwrap();
    assert_eq!(f.terms()[0].test, Test::Id(5));
}

#[test]
fn bad_ranges_are_refused() {
    let e = |text| parse(Kind::Opportunity, text).unwrap_err();
    assert!(matches!(e("close:+90d..today"), FilterError::BadRange { .. }));
    assert!(e("close:+90d..today").to_string().contains("comes after"), "{}", e("close:+90d..today"));
    assert!(e("amount:..").to_string().contains("write at least one end"));
    assert!(e("amount:>=").to_string().contains("write a value after '>='"));
    assert!(matches!(e("amount:5000..1000"), FilterError::BadRange { .. }));
}

fn ctx() -> Context<'static> {
    Context::of([
        (RecordRef::new(Kind::Account, 1), Linked { name: "Acme Corp".into(), ..Linked::default() }),
        (RecordRef::new(Kind::Account, 2), Linked { name: "Globex".into(), ..Linked::default() }),
        (
            RecordRef::new(Kind::Contact, 7),
            Linked {
                name: "Ann Lee".into(),
                account: Some(1),
                country: Some("France".into()),
                city: Some("Lyon".into()),
            },
        ),
        (RecordRef::new(Kind::Project, 3), Linked { name: "Rollout".into(), ..Linked::default() }),
    ])
}

fn keeps<R: Filterable>(kind: Kind, text: &str, rec: &R) -> bool {
    parse(kind, text).unwrap().matches(rec, &ctx()).unwrap()
}

#[test]
fn contacts_are_kept_by_account_place_labels_and_last_activity() {
    let ann = Contact {
        last_name: "Lee".into(),
        owner: "ann".into(),
        account: Some(1),
        tags: vec!["VIP-gold".into()],
        emails: vec![Email::new("ann@acme.example")],
        addresses: vec![Address { country: Some("France".into()), city: Some("Paris".into()), ..Default::default() }],
        last_activity: Some(today().add_days(-100).start_local()),
        ..Default::default()
    };
    assert!(keeps(Kind::Contact, "account:acme owner:ANN tag:vip country:fra city:par", &ann));
    assert!(keeps(Kind::Contact, "email:acme.example last_activity:<-90d", &ann));
    assert!(!keeps(Kind::Contact, "account:globex", &ann));
    assert!(!keeps(Kind::Contact, "-tag:vip", &ann));
    assert!(keeps(Kind::Contact, "-tag:gold", &ann), "labels match by their start");
    assert!(!keeps(Kind::Contact, "last_activity:>-30d", &ann));
    // A contact never contacted has no last activity: no range keeps it, its negation does.
    let never = Contact { last_name: "New".into(), ..Default::default() };
    assert!(!keeps(Kind::Contact, "last_activity:<today", &never));
    assert!(keeps(Kind::Contact, "-last_activity:<today", &never));
    assert!(!keeps(Kind::Contact, "account:acme", &never));
}

#[test]
fn deals_are_kept_by_stage_amount_probability_and_close_date() {
    let deal = Opportunity {
        name: "Renewal".into(),
        account: 1,
        stage: 2,
        amount: Amount::units(12_000),
        probability: 60,
        close_date: today().add_days(30),
        status: StageOutcome::Open,
        owner: "bob".into(),
        lead_source: Some("Trade show".into()),
        ..Default::default()
    };
    assert!(keeps(Kind::Opportunity, "stage:nego amount:>10000 probability:>=50 close:today..+90d", &deal));
    assert!(keeps(Kind::Opportunity, "account:acme status:open source:trade owner:bob", &deal));
    assert!(!keeps(Kind::Opportunity, "stage:pro", &deal));
    assert!(!keeps(Kind::Opportunity, "amount:1000..5000", &deal));
    assert!(!keeps(Kind::Opportunity, "close:..+29d", &deal));
    assert!(keeps(Kind::Opportunity, "close:..+30d", &deal), "range ends are included");
    assert!(!keeps(Kind::Opportunity, "close:<+30d", &deal), "< excludes its end");
    assert!(!keeps(Kind::Opportunity, "from:+31d", &deal));
}

#[test]
fn tasks_are_kept_by_their_account_or_their_contacts() {
    let task = Task {
        title: "Send the offer".into(),
        contact: Some(7),
        project: Some(3),
        status: TaskStatus::InProgress,
        due: Some(today().add_days(-1)),
        owner: "ann".into(),
        ..Default::default()
    };
    assert!(keeps(Kind::Task, "account:acme contact:ann project:roll status:in due:<today", &task));
    assert!(!keeps(Kind::Task, "status:done", &task));
    let own = Task { account: Some(2), contact: Some(7), ..task.clone() };
    assert!(keeps(Kind::Task, "account:globex", &own), "its own account comes first");
    let f = parse(Kind::Task, "send offer").unwrap();
    assert!(f.matches_words(&task.title));
    assert!(!f.matches_words("Call back"));
}

#[test]
fn calls_are_kept_by_outcome_and_their_contacts_account_and_country() {
    let call = Call {
        contact: 7,
        outcome: CallOutcome::Voicemail,
        started_at: Timestamp::from_local_naive(today().0.and_hms_opt(10, 0, 0).unwrap()),
        duration_secs: 400,
        owner: "ann".into(),
        ..Default::default()
    };
    assert!(keeps(Kind::Call, "outcome:voi account:acme country:fr city:lyon contact:lee", &call));
    assert!(keeps(Kind::Call, "from:today to:today time:today duration:>5m direction:out", &call));
    assert!(!keeps(Kind::Call, "outcome:busy", &call));
    assert!(!keeps(Kind::Call, "from:tomorrow", &call));
    assert!(!keeps(Kind::Call, "country:germany", &call));
    let unknown = Call { contact: 99, ..call };
    assert!(!keeps(Kind::Call, "account:acme", &unknown), "a call whose contact is gone has no account");
}

#[test]
fn other_kinds_read_their_own_fields() {
    let account = Account {
        name: "Acme".into(),
        status: crate::model::AccountStatus::Customer,
        employees: Some(40),
        annual_revenue: Some(Amount::units(2_000_000)),
        tags: vec!["vip".into()],
        ..Default::default()
    };
    assert!(keeps(Kind::Account, "status:cust employees:10..50 revenue:>=1000000 tag:vip", &account));
    assert!(!keeps(Kind::Account, "status:prospect", &account));
    let lead = Lead {
        last_name: "Roe".into(),
        status: LeadStatus::Contacted,
        company: Some("Initech".into()),
        ..Default::default()
    };
    assert!(keeps(Kind::Lead, "status:contacted company:init", &lead));
    assert!(!keeps(Kind::Lead, "rating:hot", &lead), "a lead without a rating has none of them");
    let project = Project { name: "Rollout".into(), account: Some(1), due: today(), ..Default::default() };
    assert!(keeps(Kind::Project, "account:acme due:today status:active", &project));
    let product = Product { name: "Widget".into(), price: Amount::units(50), active: true, ..Default::default() };
    assert!(keeps(Kind::Product, "price:<100 active:yes", &product));
    assert!(!keeps(Kind::Product, "active:no", &product));
    let quote = crate::model::Quote {
        number: "Q-0007".into(),
        valid_until: Some(today()),
        status: crate::model::QuoteStatus::Sent,
        ..Default::default()
    };
    assert!(keeps(Kind::Quote, "number:q-00 valid:<=today status:sent", &quote));
    assert!(!keeps(Kind::Quote, "status:acc", &quote));
    let event = crate::model::Event {
        title: "Demo".into(),
        start: today().start_local(),
        location: Some("Lyon office".into()),
        owner: "ann".into(),
        ..Default::default()
    };
    assert!(keeps(Kind::Event, "start:today location:lyon owner:ann", &event));
    let campaign = crate::model::Campaign {
        name: "Spring".into(),
        budget: Some(Amount::units(5000)),
        start: Some(today()),
        end: None,
        ..Default::default()
    };
    assert!(keeps(Kind::Campaign, "budget:5000 start:today status:plan", &campaign));
    assert!(!keeps(Kind::Campaign, "end:..+30d", &campaign), "no end date is in no range");
}

proptest! {
    #[test]
    fn parse_never_panics(text in ".{0,200}", k in 0usize..Kind::ALL.len()) {
        let _ = parse(Kind::ALL[k], &text);
    }

    #[test]
    fn terms_of_every_field_never_panic(k in 0usize..Kind::ALL.len(), f in 0usize..64, value in "[-+<>=.:a-z0-9 \"]{0,30}") {
        let kind = Kind::ALL[k];
        if let Some((field, _)) = fields(kind).get(f % fields(kind).len().max(1)) {
            let _ = parse(kind, &format!("{}:{value}", field.name()));
        }
    }
}

#[test]
fn long_input_parses_quickly() {
    let started = std::time::Instant::now();
    for text in [
        "x".repeat(5_000),
        "tag:vip ".repeat(625),
        "\"".repeat(5_000),
        "close:today..+90d ".repeat(280),
        "a:".repeat(2_500),
    ] {
        let _ = parse(Kind::Opportunity, &text);
        let _ = parse(Kind::Contact, &text);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn any_five_thousand_characters_parse_quickly(text in ".{5000}") {
        let started = std::time::Instant::now();
        for kind in [Kind::Contact, Kind::Opportunity, Kind::Call] {
            let _ = parse(kind, &text);
        }
        prop_assert!(started.elapsed() < std::time::Duration::from_millis(500), "{:?}", started.elapsed());
    }
}

#[test]
fn ranges_that_cannot_both_hold_and_stray_punctuation_are_errors() {
    let e = parse(Kind::Call, "from:2026-12-01 to:2026-11-01").unwrap_err();
    assert!(matches!(&e, FilterError::BadRange { term, .. } if term == "from:2026-12-01 to:2026-11-01"), "{e:?}");
    let e = parse(Kind::Opportunity, "amount:>5000 amount:<100").unwrap_err();
    assert!(matches!(e, FilterError::BadRange { .. }), "{e:?}");
    // Ranges that meet, or one negated, keep what lies in both.
    assert!(parse(Kind::Call, "from:2026-11-01 to:2026-11-01").is_ok());
    assert!(parse(Kind::Opportunity, "amount:>5000 -amount:<100").is_ok());
    let e = parse(Kind::Contact, "ann -jennifer").unwrap_err();
    assert!(e.to_string().contains("only a field:value term can be negated"), "{e}");
    for stray in ["-", ":", "!", "-:", "..."] {
        let e = parse(Kind::Contact, stray).unwrap_err();
        assert!(e.to_string().contains("neither a term nor a word"), "{stray}: {e}");
    }
}
