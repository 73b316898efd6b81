//! A project's page: its tasks, and the network they make (boxes layered by what each waits
//! for, the critical path heavy, done tasks dashed), drawn to the window's width; a task's
//! page and form: what it waits for and what waits for it.

use std::sync::Arc;

use super::common::ui::Ui;
use rolo::crm::{Clock, Crm, Session};
use rolo::model::*;

/// Ann's project "Website relaunch", seen on 2027-01-10: the brief is done, five tasks wait for
/// it, the rest wait along two chains to the launch; "Analytics" is late.
fn relaunch(w: u16, h: u16) -> (Ui, Id) {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    crm.add_user(User::new("ann", "Ann Lee", "admin")).unwrap();
    let at = Timestamp(
        chrono::NaiveDate::from_ymd_opt(2027, 1, 10).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc().timestamp(),
    );
    let utc = Some(chrono_tz::UTC);
    let crm = crm.with_session(Session::new("ann").with_clock(Clock::Fixed(at)).in_zone(utc));
    let due = |d: &str| Some(Date::parse_iso(d).unwrap());
    let project =
        Project { name: "Website relaunch".into(), due: Date::parse_iso("2027-03-01").unwrap(), ..Default::default() };
    let project = crm.create(project).unwrap().id;
    let tasks = [
        ("Brief", "2027-01-05", vec![]),
        ("Design", "2027-01-20", vec![1]),
        ("Content plan", "2027-01-20", vec![1]),
        ("Build pages", "2027-02-01", vec![2]),
        ("Write copy", "2027-02-01", vec![3]),
        ("Review", "2027-02-10", vec![4, 5]),
        ("Launch", "2027-02-15", vec![6, 2]),
        ("Press release", "2027-02-15", vec![5]),
        ("Pick hosting", "2027-01-25", vec![1]),
        ("Legal check", "2027-01-25", vec![1]),
        ("Analytics", "2027-01-08", vec![1]),
    ];
    for (title, when, _) in &tasks {
        crm.create(Task { title: title.to_string(), due: due(when), project: Some(project), ..Default::default() })
            .unwrap();
    }
    crm.set_task_done(1, true).unwrap();
    for (i, (_, _, after)) in tasks.iter().enumerate() {
        if !after.is_empty() {
            let mut t: Task = crm.get(i as Id + 1).unwrap();
            t.after = after.clone();
            crm.update(t).unwrap();
        }
    }
    (Ui::with(dir, Arc::new(crm), w, h), project)
}

/// Opens the project and scrolls its page to show the network from its heading: to the bottom,
/// then up until the heading is the first line.
fn network(ui: &mut Ui) -> String {
    ui.keys("g j enter G");
    let mut screen = ui.screen();
    for _ in 0..400 {
        if screen.lines().nth(2).is_some_and(|l| l.contains("Network")) {
            break;
        }
        screen = ui.keys("k").screen();
    }
    screen
}

#[test]
fn the_network_is_drawn_to_the_window_width() {
    for (w, h) in [(80, 24), (160, 48)] {
        let (mut ui, _) = relaunch(w, h);
        let screen = network(&mut ui);
        insta::assert_snapshot!(format!("project_network_{w}x{h}"), screen);
    }
}

#[test]
fn a_task_shows_what_it_waits_for_and_its_form_picks_more() {
    let (mut ui, _) = relaunch(120, 40);
    ui.keys("g j enter");
    let s = ui.screen();
    assert!(
        s.contains("[x] #1 Brief due 2027-01-05") && s.contains("[ ] #6 Review due 2027-02-10 · after #4, #5"),
        "{s}"
    );
    // Review's own page: what it waits for, and what waits for it, each opening with Enter.
    for _ in 0..11 {
        ui.keys("j");
    }
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("task · Review"), "{s}");
    let waits = s.find("Waits for").unwrap();
    let waiting = s.find("Waiting for it").unwrap();
    let (build, launch) = (s.find("#4 Build pages").unwrap(), s.find("#7 Launch").unwrap());
    assert!(waits < build && build < waiting && waiting < launch, "{s}");
    // Waiting for Launch, which waits for it, is refused in place, the circle named whole.
    ui.keys("e tab tab tab");
    assert!(ui.screen().contains("#4 Build pages, #5 Write copy"), "{}", ui.screen());
    ui.keys("enter").text("Launch").keys("enter ctrl-s");
    let s = ui.screen();
    assert!(s.contains("#4 Build pages, #5 Write copy, #7 Launch"), "{s}");
    assert!(
        s.contains("! would make a circle of tasks waiting for each") && s.contains("#7 Launch → #6 Review (each"),
        "{s}"
    );
    assert_eq!(ui.crm.get::<Task>(6).unwrap().after, vec![4, 5], "nothing saved");
    // A word that names no task is refused too; a number typed is taken.
    ui.keys("ctrl-u").text("soon").keys("ctrl-s");
    assert!(ui.screen().contains("'soon' names no task: write its number (#12), or press Enter"), "{}", ui.screen());
    ui.keys("ctrl-u").text("#9, 4").keys("ctrl-s");
    assert_eq!(ui.crm.get::<Task>(6).unwrap().after, vec![9, 4]);
    let s = ui.screen();
    assert!(s.contains("#9 Pick hosting") && !s.contains("#5 Write copy"), "{s}");
}

/// A project of `n` tasks, every one but the first waiting for the first.
fn fan(n: u64, w: u16, h: u16) -> Ui {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let project = Project { name: "Fan".into(), due: Date::parse_iso("2027-03-01").unwrap(), ..Default::default() };
    let project = crm.create(project).unwrap().id;
    for i in 1..=n {
        let after = if i == 1 { vec![] } else { vec![1] };
        crm.create(Task { title: format!("Step {i}"), project: Some(project), after, ..Default::default() }).unwrap();
    }
    Ui::with(dir, Arc::new(crm), w, h)
}

#[test]
fn a_network_wider_than_the_window_says_so_and_one_too_large_is_named_not_drawn() {
    // Twenty tasks waiting for one: a box a layer, and lines to the later ones passing beside.
    let mut ui = fan(20, 80, 24);
    let s = network(&mut ui);
    assert!(s.contains("114 columns wide: the window cuts it; rolo project graph 1 prints it whole"), "{s}");
    // Wide enough, nothing is cut off, and nothing said.
    let mut ui = fan(20, 200, 60);
    let s = network(&mut ui);
    assert!(!s.contains("columns wide") && s.contains("#7 Step 7"), "{s}");
    let mut ui = fan(300, 120, 40);
    let s = network(&mut ui);
    assert!(s.contains("too many tasks and waits to draw in a terminal: rolo project graph 1 --format dot"), "{s}");
}
