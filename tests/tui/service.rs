//! The Cases screen (`9`): the queue soonest SLA first with a late case said as late, `n` opens
//! a case, `s` moves it on, `x` closes it with its resolution (and reopens a closed one), `a`
//! and `p` comment and reply, `@` assigns, `f` filters; a case's page shows its SLA, thread and
//! the account's other open cases; the cases report charts on the Reports screen.

use super::common::ui::Ui;
use rolo::model::*;

/// Opens a case of `priority` for Acme (the first account), opened `hours_ago`.
fn case(ui: &Ui, subject: &str, priority: CasePriority, hours_ago: i64) -> Case {
    let acme = ui.crm.list::<Account>(|_| true).unwrap()[0].id;
    let created = Timestamp(Timestamp::now().0 - hours_ago * 3600);
    let c = Case { subject: subject.into(), priority, account: Some(acme), created, ..Default::default() };
    ui.crm.create(c).unwrap()
}

#[test]
fn the_queue_shows_open_cases_soonest_sla_first_and_says_when_one_is_late() {
    let mut ui = Ui::populated(120, 30);
    case(&ui, "Printer jams", CasePriority::Normal, 0);
    case(&ui, "Site down", CasePriority::Urgent, 24 * 30);
    ui.keys("9");
    let s = ui.screen();
    assert!(s.contains("Cases (2) by SLA"), "{s}");
    let rows: Vec<&str> = s.lines().filter(|l| l.contains("C-00000")).collect();
    assert!(rows[0].contains("Site down") && rows[0].contains("late "), "the late one first: {s}");
    assert!(rows[1].contains("Printer jams") && !rows[1].contains("late"), "{s}");
    // The filter line takes the shared language.
    ui.keys("f").text("breached:yes").keys("enter");
    let s = ui.screen();
    assert!(s.contains("Site down") && !s.contains("Printer jams"), "{s}");
}

#[test]
fn keys_move_a_case_on_close_it_with_a_resolution_and_reopen_it() {
    let mut ui = Ui::populated(120, 30);
    let c = case(&ui, "Printer jams", CasePriority::High, 0);
    ui.keys("9 s");
    assert!(ui.screen().contains("C-000001: assigned"), "{}", ui.screen());
    ui.keys("s");
    assert_eq!(ui.crm.get::<Case>(c.id).unwrap().status, CaseStatus::Waiting);
    // Resolving asks what fixed it; Esc leaves it as it was.
    ui.keys("s");
    assert!(ui.screen().contains("what fixed it?"), "{}", ui.screen());
    ui.keys("esc x");
    ui.text("New roller").keys("enter");
    assert!(ui.screen().contains("C-000001 closed: New roller"), "{}", ui.screen());
    let closed = ui.crm.get::<Case>(c.id).unwrap();
    assert_eq!((closed.status, closed.resolution.as_deref()), (CaseStatus::Closed, Some("New roller")));
    assert!(ui.screen().contains("met"), "{}", ui.screen());
    // K writes the answer down for the next rep.
    ui.keys("K");
    assert!(ui.screen().contains("wrote knowledge article 1: Printer jams"), "{}", ui.screen());
    assert_eq!(ui.crm.get::<Article>(1).unwrap().body, "New roller");
    ui.keys("x");
    assert!(ui.screen().contains("C-000001 reopened: assigned"), "{}", ui.screen());
    // Resolved with s (asked what fixed it), then x closes it keeping the resolution.
    ui.keys("s s");
    assert!(ui.screen().contains("Resolve C-000001 Printer jams: what fixed it?"), "{}", ui.screen());
    ui.text("Cleaned the drum").keys("enter x");
    assert!(ui.screen().contains("C-000001 closed"), "{}", ui.screen());
    let closed = ui.crm.get::<Case>(c.id).unwrap();
    assert_eq!((closed.status, closed.resolution.as_deref()), (CaseStatus::Closed, Some("Cleaned the drum")));
}

#[test]
fn a_cases_page_shows_its_sla_thread_and_the_accounts_other_open_cases() {
    let mut ui = Ui::populated(120, 40);
    case(&ui, "Printer jams", CasePriority::Urgent, 0);
    case(&ui, "Invoice wrong", CasePriority::Low, 0);
    ui.keys("9 enter");
    let s = ui.screen();
    assert!(s.contains("case · C-000001 Printer jams") && s.contains("left (due "), "{s}");
    assert!(s.contains("Other open cases of") && s.contains("C-000002") && s.contains("Invoice wrong"), "{s}");
    assert!(s.contains("nothing yet: a adds a comment"), "{s}");
    ui.keys("a").text("Checked the logs").keys("enter");
    ui.keys("p").text("A roller is on its way").keys("enter");
    let s = ui.screen();
    assert!(s.contains("comment") && s.contains("Checked the logs"), "{s}");
    assert!(s.contains("reply") && s.contains("A roller is on its way"), "{s}");
    let first = ui.crm.get::<Case>(1).unwrap().first_response;
    assert!(first.is_some(), "the reply is the first response");
}

#[test]
fn n_opens_a_case_from_the_form_with_the_cases_own_priorities() {
    let mut ui = Ui::populated(120, 30);
    ui.keys("9 n").text("Screen flickers").keys("tab ctrl-u").text("urgent").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("case · C-000001 Screen flickers") && s.contains("urgent"), "{s}");
    let c = ui.crm.get::<Case>(1).unwrap();
    assert_eq!(c.priority, CasePriority::Urgent);
    assert!(c.sla_due.is_some());
    // A priority the case does not have is refused on its field.
    ui.keys("esc n").text("Another").keys("tab ctrl-u").text("someday").keys("ctrl-s");
    assert!(ui.screen().contains("'someday' is not one of: low, normal, high, urgent"), "{}", ui.screen());
}

#[test]
fn the_cases_report_charts_and_opens_the_cases_behind_a_bar() {
    let mut ui = Ui::populated(120, 30);
    case(&ui, "Printer jams", CasePriority::Urgent, 0);
    ui.keys("8");
    while !ui.screen().contains("▶cases") {
        ui.keys("j");
    }
    ui.keys("l");
    let s = ui.screen();
    assert!(s.contains("Cases opened") && s.contains("by week · opened  closed"), "{s}");
    ui.keys("G enter");
    let s = ui.screen();
    assert!(s.contains("Printer jams") && s.contains("C-000001"), "the case behind the last week's bar: {s}");
}
