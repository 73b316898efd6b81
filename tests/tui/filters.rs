//! The one filter language on every screen's filter line: lists, the deals list, the board, the
//! task lists and the calls narrow as the filter is typed; a wrong term is said under the line
//! while the rows stay; ↑ brings back the screen's last filters.

use super::common::ui::Ui;
use rolo::model::*;

/// A contact called `first last` living in `country`, labelled `tags`.
fn person(ui: &Ui, first: &str, last: &str, country: &str, tags: &[&str]) -> Id {
    let address = Address { country: Some(country.into()), ..Default::default() };
    let tags = tags.iter().map(|t| t.to_string()).collect();
    let c = Contact {
        first_name: first.into(),
        last_name: last.into(),
        addresses: vec![address],
        tags,
        ..Default::default()
    };
    ui.crm.create(c).unwrap().id
}

#[test]
fn contacts_filter_by_country_and_tag_as_you_type() {
    let mut ui = Ui::populated(120, 30);
    let remy = person(&ui, "Rémy", "Blanc", "France", &["vip"]);
    let lou = person(&ui, "Lou", "Noir", "France", &[]);
    person(&ui, "Hans", "Weiss", "Germany", &["vip"]);
    ui.keys("2 f").text("country:fra");
    let mut ids = ui.app.contacts.ids.clone();
    ids.sort();
    assert_eq!(ids, [remy, lou]);
    ui.text(" tag:vip");
    let s = ui.screen();
    assert_eq!(ui.app.contacts.ids, [remy], "{s}");
    assert!(s.contains("Rémy Blanc") && !s.contains("Lou Noir") && !s.contains("Hans Weiss"), "{s}");
}

#[test]
fn a_wrong_term_is_said_under_the_line_naming_it_and_the_rows_stay() {
    let mut ui = Ui::populated(120, 30);
    person(&ui, "Rémy", "Blanc", "France", &[]);
    ui.keys("2 f").text("country:france");
    assert!(ui.screen().contains("Contacts (1 of 5)"));
    // Made wrong in one key: `xcountry` is no field.
    ui.keys("home").text("x");
    let s = ui.screen();
    assert!(s.contains("contacts have no field 'xcountry'"), "the term is named: {s}");
    assert!(s.contains("Contacts (1 of 5)") && s.contains("Rémy Blanc"), "the last good rows stay: {s}");
    ui.keys("enter");
    assert!(ui.app.filter_line().is_some(), "Enter leaves a wrong filter open to fix");
    ui.keys("home delete");
    assert!(!ui.screen().contains("no field"), "fixed, the error goes: {}", ui.screen());
    ui.keys("enter");
    assert!(ui.app.filter_line().is_none());
}

#[test]
fn the_deals_list_filters_by_amount() {
    let mut ui = Ui::pipeline(140, 40);
    ui.keys("1 v f").text("amount:>20000");
    let s = ui.screen();
    assert!(s.contains("Renewal 2099") && s.contains("Expansion"), "{s}");
    assert!(!s.contains("Fleet licences") && !s.contains("Harbor pilot"), "{s}");
}

#[test]
fn the_board_filters_by_owner_and_stage() {
    let mut ui = Ui::pipeline(160, 40);
    ui.crm.add_user(User::new("zoe", "Zoe Park", "rep")).unwrap();
    let mut o = ui.deal("Renewal 2099");
    o.owner = "zoe".into();
    ui.crm.update(o).unwrap();
    ui.keys("1 f").text("owner:zoe");
    let s = ui.screen();
    assert!(s.contains("Renewal 2099") && !s.contains("Fleet licences"), "{s}");
    ui.keys("esc f").text("stage:prosp");
    let s = ui.screen();
    assert!(s.contains("Fleet licences") && !s.contains("Renewal 2099"), "a stage by the start of its name: {s}");
    ui.keys("enter");
    assert!(ui.screen().contains("filter: stage:prosp (Esc clears)"), "{}", ui.screen());
    ui.keys("f").text(" colour:x");
    assert!(ui.screen().contains("opportunities have no field 'colour'"), "{}", ui.screen());
}

#[test]
fn tasks_filter_by_due_date() {
    let mut ui = Ui::populated(120, 30);
    let today = Date::today();
    let task = |title: &str, due| Task { title: title.into(), due: Some(due), ..Default::default() };
    let late = ui.crm.create(task("Older chore", today.add_days(-400))).unwrap().id;
    ui.crm.create(task("Later chore", today.add_days(10))).unwrap();
    // The All section.
    ui.keys("5 tab tab tab f").text("due:<today");
    let s = ui.screen();
    assert!(s.contains("Older chore") && !s.contains("Later chore"), "{s}");
    assert!(ui.app.tasks.ids.contains(&late));
    ui.keys("enter");
    assert!(ui.screen().contains("filter: due:<today (Esc clears)"), "{}", ui.screen());
    ui.keys("esc");
    assert!(ui.screen().contains("Later chore"), "Esc clears the filter");
}

#[test]
fn calls_filter_by_an_outcome_prefix() {
    let mut ui = Ui::populated(140, 30);
    let people = ui.crm.list::<Contact>(|_| true).unwrap();
    for (i, outcome) in [CallOutcome::Voicemail, CallOutcome::Busy].into_iter().enumerate() {
        let started_at = Timestamp::parse_local(&format!("2026-11-0{} 10:00", i + 2)).unwrap();
        let call = Call { contact: people[i].id, outcome, started_at, duration_secs: 90, ..Default::default() };
        ui.crm.log_call(call).unwrap();
    }
    ui.keys("6 f").text("outcome:voi");
    let s = ui.screen();
    assert!(s.contains("Calls (1 of 3)") && s.contains("voicemail") && !s.contains("busy"), "{s}");
}

#[test]
fn up_brings_back_the_screen_s_last_filters() {
    let mut ui = Ui::populated(120, 30);
    ui.keys("2 f").text("stone").keys("enter esc");
    ui.keys("f").text("lee").keys("enter esc");
    ui.keys("6 f up");
    assert_eq!(ui.app.filter_line().map(|l| l.line.value().to_string()).as_deref(), Some(""), "calls have none");
    ui.keys("esc 2 f");
    assert!(ui.screen().contains("↑ earlier filters"), "the status bar says so: {}", ui.screen());
    ui.keys("up");
    let s = ui.screen();
    assert!(s.contains("filter: lee") && s.contains("Ann Lee") && !s.contains("Bob Stone"), "{s}");
    ui.keys("up");
    assert!(ui.screen().contains("Bob Stone") && !ui.screen().contains("Ann Lee"));
    ui.keys("down down");
    assert!(ui.screen().contains("Contacts (4)"), "back to the empty line: {}", ui.screen());
    // ↑ is in the help, with the filter line's keys.
    let help = rolo::tui::keymap::help_sections(&[]);
    let (_, keys) = help.iter().find(|(name, _)| *name == "Filter line").unwrap();
    assert!(keys.iter().any(|b| b.keys.contains(&"up") && b.help.contains("earlier filter")));
}

#[test]
fn a_pasted_page_in_the_board_filter_is_taken_at_once() {
    let mut ui = Ui::pipeline(140, 40);
    let page: String = "Harbor pilot ".repeat(400).chars().take(5000).collect();
    ui.keys("1 f");
    let started = std::time::Instant::now();
    ui.app.paste(&page);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "a paste never holds the keys");
    assert_eq!(ui.app.filter_line().map(|l| l.line.value().chars().count()), Some(rolo::search::MAX_QUERY));
    assert!(ui.screen().contains("Harbor pilot"), "{}", ui.screen());
}
