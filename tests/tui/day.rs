//! The working day in the app: `g d` anywhere (and the palette), `D` on the Agenda for the day
//! shown; the user's own day first, then their team's people's.

use std::sync::Arc;

use super::common::ui::Ui;
use rolo::crm::{Crm, Session};
use rolo::model::*;
use rolo::tui::ScreenId;

/// Cy the manager, with Ann of his team and Dee of none; Ann has a task due today and one due
/// tomorrow, Cy a task due today that he completed.
fn team() -> Ui {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    crm.add_team("East").unwrap();
    for (login, name, role, team) in [
        ("cy", "Cy Manager", "manager", Some("East")),
        ("ann", "Ann Rep", "rep", Some("East")),
        ("dee", "Dee Solo", "rep", None),
    ] {
        crm.add_user(User { team: team.map(str::to_string), ..User::new(login, name, role) }).unwrap();
    }
    let today = Date::today();
    let as_user = |login: &str| crm.with_session(Session::new(login));
    let ann = as_user("ann");
    ann.create(Task { title: "Call Acme".into(), due: Some(today), ..Default::default() }).unwrap();
    ann.create(Task { title: "Send terms".into(), due: Some(today.add_days(1)), ..Default::default() }).unwrap();
    as_user("dee").create(Task { title: "Dee's own".into(), due: Some(today), ..Default::default() }).unwrap();
    let cy = as_user("cy");
    let done = cy.create(Task { title: "Plan the week".into(), due: Some(today), ..Default::default() }).unwrap();
    cy.set_task_done(done.id, true).unwrap();
    Ui::with(dir, Arc::new(cy), 120, 40)
}

#[test]
fn g_d_shows_my_day_first_then_my_teams() {
    let mut ui = team();
    ui.keys("g d");
    let screen = ui.screen();
    let at = |text: &str| screen.find(text).unwrap_or_else(|| panic!("no {text:?}: {screen}"));
    assert!(at("Cy Manager (cy)") < at("Ann Rep (ann)"), "{screen}");
    assert!(screen.contains("✓ task      Plan the week"), "{screen}");
    assert!(screen.contains("done: 1 task · 0 calls"), "{screen}");
    assert!(screen.contains("effectiveness: 1 of 1 tasks due done (100%)"), "{screen}");
    assert!(screen.contains("  task      Call Acme"), "{screen}");
    assert!(!screen.contains("Send terms") && !screen.contains("Dee"), "tomorrow's task, and Dee of no team: {screen}");
    ui.keys("esc");
    assert!(!ui.screen().contains("Plan the week"), "Esc closes it");
}

#[test]
fn d_on_the_agenda_shows_the_day_in_focus() {
    let mut ui = team();
    ui.keys(&ScreenId::Agenda.number().to_string()).keys("] D");
    let screen = ui.screen();
    assert!(screen.contains("Send terms"), "tomorrow's day: {screen}");
    assert!(!screen.contains("Call Acme"), "{screen}");
    assert!(screen.contains("nothing was due") || screen.contains("0 of"), "{screen}");
}

#[test]
fn g_d_reaches_the_day_from_the_screens_that_answer_their_own_keys() {
    let mut ui = team();
    for screen in [ScreenId::Reports, ScreenId::Tasks, ScreenId::Pipeline] {
        ui.keys(&screen.number().to_string()).keys("g d");
        assert!(ui.screen().contains("Plan the week"), "{screen:?}: {}", ui.screen());
        ui.keys("esc");
    }
}
