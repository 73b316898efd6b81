//! Users, teams and roles in the app: `@` assigns through a user picker, `*` narrows a list or
//! the board to mine or my team, the status bar says who acts under `--as`, and the Settings
//! tabs of users, teams and roles for those with the settings right.

use std::sync::Arc;

use super::common::ui::Ui;
use rolo::crm::Crm;
use rolo::model::*;

/// A database whose admin (the OS user, who opened it) owns Acme and Ann Lee, while the rep
/// `ann` (team East) owns Bea Stone; and the rep `bob`, in no team.
fn shared() -> (tempfile::TempDir, Crm) {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    crm.add_team("East").unwrap();
    crm.add_user(User { team: Some("East".into()), ..User::new("ann", "Ann Lee", "rep") }).unwrap();
    crm.add_user(User::new("bob", "Bob Ray", "rep")).unwrap();
    let person = |first: &str, last: &str, owner: Option<&str>| {
        let mut c = Contact { first_name: first.into(), last_name: last.into(), ..Default::default() };
        if let Some(o) = owner {
            c.owner = o.into();
        }
        crm.create(c).unwrap().id
    };
    person("Ann", "Lee", None);
    person("Bea", "Stone", Some("ann"));
    crm.create(Account { name: "Acme Ltd".into(), ..Default::default() }).unwrap();
    (dir, crm)
}

/// The contact named `last`.
fn contact(crm: &Crm, last: &str) -> Contact {
    crm.list::<Contact>(|c| c.last_name == last).unwrap().remove(0)
}

#[test]
fn at_assigns_the_selected_contact_through_a_user_picker() {
    let (dir, crm) = shared();
    let mut ui = Ui::with(dir, Arc::new(crm), 100, 30);
    ui.keys("@");
    let s = ui.screen();
    assert!(s.contains("Assign contact Ann Lee to"), "{s}");
    assert!(s.contains("Ann Lee (ann) · team East") && s.contains("Bob Ray (bob)"), "the active users: {s}");
    ui.text("bob").keys("enter");
    assert!(ui.screen().contains("contact Ann Lee assigned to bob"), "{}", ui.screen());
    assert_eq!(contact(&ui.crm, "Lee").owner, "bob");
}

#[test]
fn at_assigns_the_marked_rows_in_one_write() {
    let (dir, crm) = shared();
    let mut ui = Ui::with(dir, Arc::new(crm), 100, 30);
    ui.keys("space space @").text("ann").keys("enter");
    assert!(ui.screen().contains("2 records assigned to ann"), "{}", ui.screen());
    assert_eq!(ui.crm.list::<Contact>(|c| c.owner == "ann").unwrap().len(), 2);
}

#[test]
fn at_on_the_board_and_on_a_record_page_assigns_the_deal_and_the_record() {
    let (dir, crm) = shared();
    let acme = crm.list::<Account>(|_| true).unwrap()[0].id;
    let stage = crm.stages().unwrap()[0].id;
    let deal = crm
        .create_opportunity(Opportunity {
            name: "Fleet".into(),
            account: acme,
            close_date: Date::parse_iso("2099-01-01").unwrap(),
            stage,
            ..Default::default()
        })
        .unwrap();
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    ui.keys("1 @").text("bob").keys("enter");
    assert_eq!(ui.crm.get::<Opportunity>(deal.id).unwrap().owner, "bob");
    ui.keys("3 enter @").text("ann").keys("enter");
    assert_eq!(ui.crm.get::<Account>(acme).unwrap().owner, "ann", "{}", ui.screen());
}

#[test]
fn a_rep_without_the_assign_right_sees_the_refusal() {
    let (dir, crm) = shared();
    let ann = crm.acting_as("ann").unwrap();
    let mut ui = Ui::with(dir, Arc::new(ann), 100, 30);
    ui.keys("G @").text("bob").keys("enter");
    let s = ui.screen();
    assert!(s.contains("ann (rep) may not"), "{s}");
    assert_eq!(contact(&ui.crm, "Stone").owner, "ann", "nothing changed");
}

#[test]
fn star_narrows_a_list_to_mine_then_my_team_and_says_so_in_the_title() {
    let (dir, crm) = shared();
    let mut ui = Ui::with(dir, Arc::new(crm), 100, 30);
    let s = ui.screen();
    assert!(s.contains("Bea Stone") && s.contains("Ann Lee"), "{s}");
    ui.keys("*");
    let s = ui.screen();
    assert!(s.contains("Contacts · mine"), "{s}");
    assert!(s.contains("Ann Lee") && !s.contains("Bea Stone"), "only the admin's own: {s}");
    ui.keys("* *");
    let s = ui.screen();
    assert!(!s.contains("· mine") && s.contains("Bea Stone"), "back to all: {s}");
}

#[test]
fn star_on_the_board_keeps_my_deals() {
    let (dir, crm) = shared();
    let acme = crm.list::<Account>(|_| true).unwrap()[0].id;
    let stage = crm.stages().unwrap()[0].id;
    let close_date = Date::parse_iso("2099-01-01").unwrap();
    let admin = crm.actor().unwrap().login().to_string();
    for (name, owner) in [("Fleet", admin.as_str()), ("Harbor", "ann")] {
        let o = Opportunity {
            name: name.into(),
            account: acme,
            close_date,
            stage,
            owner: owner.into(),
            ..Default::default()
        };
        crm.create_opportunity(o).unwrap();
    }
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    ui.keys("1");
    let s = ui.screen();
    assert!(s.contains("Fleet") && s.contains("Harbor"), "{s}");
    ui.keys("*");
    let s = ui.screen();
    assert!(s.contains("Pipeline · mine") && s.contains("Fleet") && !s.contains("Harbor"), "{s}");
}

#[test]
fn the_status_bar_says_who_acts_under_as() {
    let (dir, crm) = shared();
    let me =
        Ui::with(tempfile::tempdir().unwrap(), Arc::new(crm.with_session(crm.session().clone())), 120, 30).screen();
    assert!(!me.contains("by admin"), "nothing said when acting as oneself: {me}");
    let admin = crm.actor().unwrap().login().to_string();
    let bob = crm.acting_as("bob").unwrap();
    let s = Ui::with(dir, Arc::new(bob), 120, 30).screen();
    assert!(s.contains(&format!("as bob (rep) · by admin {admin}")), "{s}");
}

#[test]
fn a_record_page_names_its_owner() {
    let (dir, crm) = shared();
    let mut ui = Ui::with(dir, Arc::new(crm), 100, 30);
    ui.keys("G enter");
    let s = ui.screen();
    assert!(s.contains("Bea Stone"), "{s}");
    assert!(s.lines().any(|l| l.contains("owner") && l.contains("Ann Lee")), "the owner by name: {s}");
}
