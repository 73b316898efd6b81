//! The session's clock drives every "today" the service and the command line use: a handle on a
//! fixed clock reads relative dates, overdue tasks and the agenda as of that day.

use clap::Parser;
use rolo::cli::args::Cli;
use rolo::crm::{Clock, Crm, Session, TaskFilter};
use rolo::model::{Date, Task, Timestamp};

/// A handle over a fresh database whose clock stands still on Monday 2026-03-09, 10:30.
fn on_a_monday() -> (tempfile::TempDir, Crm) {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let at = Timestamp::from_local_naive(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap().and_hms_opt(10, 30, 0).unwrap(),
    );
    (dir, crm.with_session(Session::new("ann").with_clock(Clock::Fixed(at))))
}

fn run(crm: &Crm, args: &[&str]) {
    let cli = Cli::try_parse_from(std::iter::once("rolo").chain(args.iter().copied())).unwrap();
    rolo::cli::run(crm, cli.command.unwrap(), true).unwrap();
}

#[test]
fn a_relative_due_date_on_the_command_line_counts_from_the_sessions_today() {
    let (_dir, crm) = on_a_monday();
    run(&crm, &["task", "add", "--title", "Call Ann", "--due", "fri"]);
    let task = crm.list::<Task>(|_| true).unwrap().remove(0);
    assert_eq!(task.due.unwrap().to_string(), "2026-03-13", "the Friday after the session's Monday");
    assert_eq!(task.owner, "ann", "the session's user owns it");
}

#[test]
fn overdue_tasks_and_the_agenda_follow_the_sessions_clock() {
    let (_dir, crm) = on_a_monday();
    let due =
        |d: &str| Task { title: format!("due {d}"), due: Some(Date::parse_iso(d).unwrap()), ..Default::default() };
    crm.create(due("2026-03-06")).unwrap();
    crm.create(due("2026-03-10")).unwrap();
    let today = crm.session().today();
    let overdue: Vec<String> = crm.tasks(TaskFilter::Overdue, today).unwrap().into_iter().map(|t| t.title).collect();
    assert_eq!(overdue, ["due 2026-03-06"]);
    let agenda = crm.agenda(today, 1, today).unwrap();
    assert!(agenda.iter().any(|i| i.date == today), "the overdue task heads the session's today");
}
