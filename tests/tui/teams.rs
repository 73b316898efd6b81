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

/// Adds the rep `dee` to ann's team East, owning the contact Cal `last`.
fn dee_owns(crm: &Crm, last: &str) {
    crm.add_user(User { team: Some("East".into()), ..User::new("dee", "Dee Holt", "rep") }).unwrap();
    crm.create(Contact { first_name: "Cal".into(), last_name: last.into(), owner: "dee".into(), ..Default::default() })
        .unwrap();
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
    assert!(s.contains("Assign contact Ann Lee to a user") && !s.contains("  (Enter"), "{s}");
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
    ui.keys("G @");
    let s = ui.screen();
    assert!(s.contains("ann (rep) may not") && !s.contains("Assign contact"), "refused before picking: {s}");
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
    // The admin is in no team: "my team" is skipped.
    ui.keys("*");
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

/// The Settings screen (`g S`) of the app over `crm`.
fn settings(dir: tempfile::TempDir, crm: Crm) -> Ui {
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    ui.keys("g S");
    ui
}

#[test]
fn the_people_tabs_show_for_an_admin_and_not_for_a_rep() {
    let (dir, crm) = shared();
    let ann = crm.acting_as("ann").unwrap();
    let mut admin = settings(dir, crm);
    let s = admin.screen();
    assert!(s.contains("Users") && s.contains("Teams") && s.contains("Roles"), "{s}");
    admin.keys("tab tab tab");
    let s = admin.screen();
    assert!(s.contains("LOGIN") && s.contains("Ann Lee") && s.contains("East"), "the users: {s}");
    let mut rep = settings(tempfile::tempdir().unwrap(), ann);
    rep.keys("tab tab tab");
    let s = rep.screen();
    assert!(!s.contains("Roles") && !s.contains("LOGIN"), "a rep sees only the stages and sources: {s}");
    assert!(s.contains("Pipeline stages"), "{s}");
}

#[test]
fn a_team_is_added_and_renamed_on_its_tab() {
    let (dir, crm) = shared();
    let mut ui = settings(dir, crm);
    ui.keys("tab tab tab tab a").text("West").keys("enter");
    let s = ui.screen();
    assert!(s.contains("team West added") && s.contains("West"), "{s}");
    ui.keys("G r ctrl-u").text("North").keys("enter");
    assert!(ui.screen().contains("team West renamed North"), "{}", ui.screen());
    assert_eq!(ui.crm.directory().unwrap().teams, ["East", "North"]);
}

#[test]
fn a_user_is_added_through_the_questions_and_disabled_after_a_confirmation() {
    let (dir, crm) = shared();
    let mut ui = settings(dir, crm);
    ui.keys("tab tab tab a").text("cy").keys("enter").text("Cy Moss").keys("enter enter");
    assert!(ui.screen().contains("4 of 6: role (admin, manager, rep)"), "{}", ui.screen());
    ui.text("boss").keys("enter");
    let s = ui.screen();
    assert!(s.contains("nothing matches") && s.contains("4 of 6: role"), "the role is picked from the list: {s}");
    ui.keys("ctrl-u").text("manager").keys("enter");
    let s = ui.screen();
    assert!(s.contains("5 of 6: team") && s.contains("(no team)") && s.contains("East"), "{s}");
    ui.text("east").keys("enter");
    assert!(ui.screen().contains("6 of 6: time zone"), "{}", ui.screen());
    ui.text("Mars/Base").keys("enter");
    assert!(ui.screen().contains("'Mars/Base' is not a time zone"), "said, the question stays: {}", ui.screen());
    ui.keys("ctrl-u enter");
    assert!(ui.screen().contains("user cy added"), "{}", ui.screen());
    let cy = ui.crm.directory().unwrap().user("cy").cloned().unwrap();
    assert_eq!((cy.name.as_str(), cy.role.as_str(), cy.team.as_deref()), ("Cy Moss", "manager", Some("East")));
    ui.keys("G d y");
    assert!(ui.screen().contains("user cy disabled"), "{}", ui.screen());
    assert!(!ui.crm.directory().unwrap().user("cy").unwrap().active);
    ui.keys("d");
    assert!(ui.screen().contains("cy is already disabled: e enables them again"), "{}", ui.screen());
    ui.keys("e");
    assert!(ui.screen().contains("Enable cy again?"), "{}", ui.screen());
    ui.keys("y");
    assert!(ui.screen().contains("user cy enabled"), "{}", ui.screen());
    assert!(ui.crm.directory().unwrap().user("cy").unwrap().active);
    // The last admin is refused before the question, and says why.
    ui.keys("g g d");
    let s = ui.screen();
    assert!(s.contains("is the last active admin: make another") && !s.contains("Disable"), "{s}");
}

#[test]
fn a_copied_role_changes_cell_by_cell_and_a_built_in_one_is_fixed() {
    let (dir, crm) = shared();
    let mut ui = settings(dir, crm);
    ui.keys("tab tab tab tab tab");
    assert!(ui.screen().contains("admin (fixed)"), "{}", ui.screen());
    ui.keys("G l");
    assert!(ui.screen().contains("rep is built in and fixed: c copies it"), "said on entering: {}", ui.screen());
    ui.keys("enter");
    assert!(ui.screen().contains("fixed"), "a built-in role is refused: {}", ui.screen());
    ui.keys("h c").text("closer").keys("enter");
    assert!(ui.screen().contains("role closer copied from rep"), "{}", ui.screen());
    // The copy is selected: its table is the one entered.
    ui.keys("l enter");
    let role = ui.crm.directory().unwrap().role("closer").unwrap();
    assert_eq!(role.level(Kind::Account, Act::Read), Level::All, "team cycles on to all: {}", ui.screen());
    ui.keys("G enter");
    let role = ui.crm.directory().unwrap().role("closer").unwrap();
    assert!(role.has(Right::Send), "the last row, the send right, toggled: {}", ui.screen());
}

#[test]
fn star_cycles_mine_then_my_team_for_a_rep_and_the_task_lists_follow() {
    let (dir, crm) = shared();
    dee_owns(&crm, "Dunn");
    for (title, owner) in [("Ann's chore", "ann"), ("Dee's chore", "dee")] {
        crm.create(Task { title: title.into(), owner: owner.into(), ..Default::default() }).unwrap();
    }
    let ann = crm.acting_as("ann").unwrap();
    let mut ui = Ui::with(dir, Arc::new(ann), 100, 30);
    ui.keys("*");
    let s = ui.screen();
    assert!(s.contains("Contacts · mine") && s.contains("Bea Stone") && !s.contains("Cal Dunn"), "{s}");
    ui.keys("*");
    let s = ui.screen();
    assert!(s.contains("Contacts · my team") && s.contains("Bea Stone") && s.contains("Cal Dunn"), "{s}");
    ui.keys("5 tab tab tab *");
    let s = ui.screen();
    assert!(s.contains("Tasks · mine") && s.contains("Ann's chore") && !s.contains("Dee's chore"), "{s}");
}

#[test]
fn a_user_is_edited_from_their_name_on_with_the_values_so_far_proposed() {
    let (dir, crm) = shared();
    let mut ui = settings(dir, crm);
    ui.keys("tab tab tab j e");
    assert!(ui.screen().contains("Edit ann, 1 of 5: name"), "{}", ui.screen());
    ui.text("Ann Park").keys("enter enter");
    assert!(ui.screen().contains("3 of 5: role"), "{}", ui.screen());
    // The role and the team so far are selected: Enter keeps them.
    ui.keys("enter enter enter");
    assert!(ui.screen().contains("user ann changed"), "{}", ui.screen());
    let ann = ui.crm.directory().unwrap().user("ann").cloned().unwrap();
    assert_eq!((ann.name.as_str(), ann.role.as_str(), ann.team.as_deref()), ("Ann Park", "rep", Some("East")));
}

/// The roles tab with the cursor in the rep's table, on its read of contacts.
#[test]
fn snapshot_of_the_roles_tab() {
    let (dir, crm) = shared();
    let mut ui = Ui::with(dir, Arc::new(crm), 100, 30);
    ui.keys("g S tab tab tab tab tab j j l j");
    // Kept with the other screens' snapshots.
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("tui__settings_roles_100x30", ui.screen());
    });
}

#[test]
fn a_filtered_list_keeps_its_filter_across_scopes() {
    let (dir, crm) = shared();
    dee_owns(&crm, "Stone");
    let ann = crm.acting_as("ann").unwrap();
    let mut ui = Ui::with(dir, Arc::new(ann), 100, 30);
    ui.keys("f").text("stone").keys("enter *");
    let s = ui.screen();
    assert!(s.contains("Bea Stone") && !s.contains("Cal Stone"), "mine: {s}");
    ui.keys("*");
    let s = ui.screen();
    assert!(s.contains("Contacts · my team") && s.contains("Bea Stone") && s.contains("Cal Stone"), "{s}");
}

#[test]
fn marked_rows_are_assigned_all_or_none() {
    let (dir, crm) = shared();
    crm.copy_role("rep", "closer").unwrap();
    crm.set_role_level("closer", Kind::Contact, Act::Read, Level::All).unwrap();
    crm.set_role_right("closer", Right::Assign, true).unwrap();
    crm.add_user(User::new("cy", "Cy Moss", "closer")).unwrap();
    crm.create(Contact { first_name: "Cy".into(), last_name: "Own".into(), owner: "cy".into(), ..Default::default() })
        .unwrap();
    let cy = crm.acting_as("cy").unwrap();
    let mut ui = Ui::with(dir, Arc::new(cy), 100, 30);
    ui.keys("space space space @").text("bob").keys("enter");
    let s = ui.screen();
    assert!(s.contains("cy (closer) may not edit contact"), "the first record cy may not change is said: {s}");
    assert!(ui.crm.list::<Contact>(|c| c.owner == "bob").unwrap().is_empty(), "none of them moved");
}

/// Ann's contact Bea Stone and her deal Harbor, both at the admin's Acme, which ann may not read.
fn linked_to_a_hidden_account() -> (tempfile::TempDir, Crm, Id, Id) {
    let (dir, crm) = shared();
    let acme = crm.list::<Account>(|_| true).unwrap()[0].id;
    let mut bea = contact(&crm, "Stone");
    bea.account = Some(acme);
    crm.update(bea).unwrap();
    let deal = crm
        .create_opportunity(Opportunity {
            name: "Harbor".into(),
            account: acme,
            close_date: Date::parse_iso("2099-01-01").unwrap(),
            stage: crm.stages().unwrap()[0].id,
            owner: "ann".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    (dir, crm, acme, deal)
}

#[test]
fn editing_keeps_a_link_to_an_account_the_user_may_not_read() {
    let (dir, crm, acme, deal) = linked_to_a_hidden_account();
    let ann = crm.acting_as("ann").unwrap();
    assert!(ann.find::<Account>(acme).unwrap().is_none(), "hidden from ann");
    let mut ui = Ui::with(dir, Arc::new(ann), 120, 30);
    ui.keys("e");
    let s = ui.screen();
    assert!(s.contains("(not yours to see)"), "shown as hidden, not empty: {s}");
    ui.keys("tab ctrl-s");
    assert_eq!(contact(&ui.crm, "Stone").account, Some(acme), "kept: {}", ui.screen());
    ui.keys("1 e");
    assert!(ui.screen().contains("Edit opportunity Harbor"), "{}", ui.screen());
    ui.keys("tab ctrl-s");
    let s = ui.screen();
    assert!(!s.contains("is required"), "{s}");
    assert_eq!(ui.crm.get::<Opportunity>(deal).unwrap().account, acme);
}

#[test]
fn editing_or_deleting_a_record_the_user_may_not_change_is_refused_before_opening() {
    let (dir, crm) = shared();
    dee_owns(&crm, "Dunn");
    let ann = crm.acting_as("ann").unwrap();
    let mut ui = Ui::with(dir, Arc::new(ann), 120, 30);
    ui.keys("f").text("dunn").keys("enter e");
    let s = ui.screen();
    assert!(s.contains("ann (rep) may not edit contact") && !s.contains("Edit contact"), "no form: {s}");
    ui.keys("d");
    let s = ui.screen();
    assert!(s.contains("ann (rep) may not delete contact") && !s.contains("Delete Cal"), "no question: {s}");
}

#[test]
fn a_taken_login_is_refused_when_given_and_each_question_but_the_last_says_enter_next() {
    let (dir, crm) = shared();
    let mut ui = settings(dir, crm);
    ui.keys("tab tab tab a");
    assert!(ui.screen().contains("Enter next · Esc cancels"), "{}", ui.screen());
    ui.text("ann").keys("enter");
    let s = ui.screen();
    assert!(s.contains("'ann' is taken") && s.contains("1 of 6: login"), "said at once: {s}");
    ui.keys("ctrl-u").text("cy").keys("enter");
    assert!(ui.screen().contains("2 of 6: name"), "{}", ui.screen());
    ui.text("Cy Moss").keys("enter enter enter enter");
    let s = ui.screen();
    assert!(s.contains("6 of 6: time zone") && s.contains("Enter saves · Esc cancels"), "{s}");
}

#[test]
fn each_people_tab_shows_its_own_keys_in_the_status_bar() {
    let (dir, crm) = shared();
    let mut ui = settings(dir, crm);
    let footer = |ui: &mut Ui| ui.screen().lines().last().unwrap_or_default().to_string();
    assert!(footer(&mut ui).contains("K move stage earlier"), "the stages' keys: {}", footer(&mut ui));
    ui.keys("tab tab tab");
    let s = footer(&mut ui);
    assert!(s.contains("a new user · e edit or enable · d disable") && !s.contains("move stage"), "{s}");
    ui.keys("tab");
    let s = footer(&mut ui);
    assert!(s.contains("a new team · r rename") && !s.contains("new record"), "{s}");
    ui.keys("tab");
    let s = footer(&mut ui);
    assert!(s.contains("c copy the role · enter change cell") && !s.contains("move stage"), "{s}");
}

#[test]
fn at_on_the_tasks_screen_assigns_the_selected_task() {
    let (dir, crm) = shared();
    crm.create(Task { title: "Send the offer".into(), ..Default::default() }).unwrap();
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    ui.keys("5 tab tab tab @");
    assert!(ui.screen().contains("Assign task Send the offer to a user"), "{}", ui.screen());
    ui.text("bob").keys("enter");
    assert!(ui.screen().contains("task Send the offer assigned to bob"), "{}", ui.screen());
    assert_eq!(ui.crm.list::<Task>(|_| true).unwrap()[0].owner, "bob");
}

#[test]
fn star_skips_my_team_for_a_user_in_no_team_and_says_so() {
    let (dir, crm) = shared();
    crm.create(Contact { first_name: "Bo".into(), last_name: "Ray".into(), owner: "bob".into(), ..Default::default() })
        .unwrap();
    let bob = crm.acting_as("bob").unwrap();
    let mut ui = Ui::with(dir, Arc::new(bob), 120, 30);
    ui.keys("*");
    assert!(ui.screen().contains("Contacts · mine"), "{}", ui.screen());
    ui.keys("*");
    let s = ui.screen();
    assert!(!s.contains("· my team") && s.contains("you are in no team: my team skipped"), "{s}");
    ui.keys("1 * *");
    assert!(ui.screen().contains("deals: all (you are in no team"), "{}", ui.screen());
}

#[test]
fn editing_an_event_keeps_an_attendee_the_user_may_not_read() {
    let (dir, crm) = shared();
    let (lee, stone) = (contact(&crm, "Lee").id, contact(&crm, "Stone").id);
    let start = Timestamp::parse_local(&format!("{} 10:00", crm.session().today())).unwrap();
    let event =
        Event { title: "Review".into(), start, attendees: vec![lee, stone], owner: "ann".into(), ..Default::default() };
    let id = crm.create_event(event).unwrap().id;
    let ann = crm.acting_as("ann").unwrap();
    let mut ui = Ui::with(dir, Arc::new(ann), 120, 30);
    ui.keys("7 e");
    let s = ui.screen();
    // An attendee ann may not see is not shown to her; her save keeps them where they were.
    assert!(s.contains("Edit event Review") && s.contains("Bea Stone") && !s.contains("Ann Lee, Bea"), "{s}");
    ui.keys("ctrl-s");
    assert_eq!(crm.get::<Event>(id).unwrap().attendees, [lee, stone], "{}", ui.screen());
}
