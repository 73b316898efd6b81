//! The service acts for a session and keeps its rules whichever path changes a record: the
//! session's clock is every "today" (relative dates, overdue tasks, the agenda); each rule is
//! checked through the generic `Crm::update`, and the commands that carry them (snooze, the
//! lead-status cycle, deleting several records, a task about a record, moving a deal).

mod common;

use clap::Parser;
use rolo::cli::args::Cli;
use rolo::crm::{Clock, ConvertLead, Crm, CrmError, Session, TaskFilter};
use rolo::model::{
    Account, Contact, Date, Kind, Lead, LeadStatus, Opportunity, Picklist, RecordRef, StageOutcome, Task, Timestamp,
};

/// A fresh database, acting as "ann" on a clock fixed at Monday 2026-03-09, 10:30.
fn crm() -> (tempfile::TempDir, Crm) {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&common::database(dir.path())).unwrap();
    let at = Timestamp::from_local_naive(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap().and_hms_opt(10, 30, 0).unwrap(),
    );
    crm.add_user(rolo::model::User::new("ann", "Ann Lee", "admin")).unwrap();
    (dir, crm.with_session(Session::new("ann").with_clock(Clock::Fixed(at))))
}

fn day(text: &str) -> Date {
    Date::parse_iso(text).unwrap()
}

fn lead(crm: &Crm) -> Lead {
    crm.create(Lead {
        first_name: "Li".into(),
        last_name: "Wang".into(),
        company: Some("Osaka Trading".into()),
        ..Default::default()
    })
    .unwrap()
}

fn deal(crm: &Crm) -> Opportunity {
    let account = crm.create(Account { name: "Acme".into(), ..Default::default() }).unwrap().id;
    let deal = Opportunity { name: "Big".into(), account, close_date: day("2026-04-01"), ..Default::default() };
    crm.create_opportunity(deal).unwrap()
}

#[test]
fn a_converted_lead_is_read_only_through_the_generic_update() {
    let (_dir, crm) = crm();
    let l = lead(&crm);
    crm.convert_lead(l.id, ConvertLead::default()).unwrap();
    let mut edited: Lead = crm.get(l.id).unwrap();
    edited.last_name = "Other".into();
    let err = crm.update(edited).unwrap_err();
    assert!(matches!(err, CrmError::ConvertedLead { lead, .. } if lead == l.id), "{err}");
    assert!(err.to_string().contains("was converted into Li Wang at Osaka Trading"), "{err}");
    assert_eq!(crm.get::<Lead>(l.id).unwrap().last_name, "Wang", "nothing changed");
    // Its owner may still change hands.
    crm.add_user(rolo::model::User::new("bob", "Bob Stone", "rep")).unwrap();
    let mut handed: Lead = crm.get(l.id).unwrap();
    handed.owner = "bob".into();
    assert_eq!(crm.update(handed).unwrap().owner, "bob");
    assert!(crm.editable(&crm.get::<Lead>(l.id).unwrap()).is_err(), "front ends can ask before a form opens");
}

#[test]
fn a_deal_given_another_stage_through_the_generic_update_is_placed_in_it() {
    let (_dir, crm) = crm();
    let d = deal(&crm);
    let won = crm.stages().unwrap().into_iter().find(|s| s.outcome == StageOutcome::Won).unwrap();
    let from = crm.get::<rolo::model::Stage>(d.stage).unwrap().name;
    let moved = crm.update(Opportunity { stage: won.id, ..d.clone() }).unwrap();
    assert_eq!(moved.status, StageOutcome::Won);
    assert_eq!(moved.probability, won.probability);
    assert_eq!(moved.closed_on, Some(day("2026-03-09")), "closed on the session's today");
    let trail = crm.audit(RecordRef::new(Kind::Opportunity, d.id)).unwrap();
    assert_eq!(trail.last().unwrap().summary.as_deref(), Some(format!("moved from {from} to {}", won.name).as_str()));

    let lost = crm.stages().unwrap().into_iter().find(|s| s.outcome == StageOutcome::Lost).unwrap();
    let err = crm.update(Opportunity { stage: lost.id, ..moved }).unwrap_err();
    assert!(err.to_string().contains("reason"), "a lost deal needs a reason: {err}");
    let lost_deal = crm.move_deal(d.id, lost.id, Some("price")).unwrap();
    assert_eq!((lost_deal.status, lost_deal.lost_reason.as_deref()), (StageOutcome::Lost, Some("price")));
}

#[test]
fn snoozing_puts_a_task_off_a_day_from_today_or_its_due_date_or_until_a_day() {
    let (_dir, crm) = crm();
    let task = |due: &str| crm.create(Task { title: due.into(), due: Some(day(due)), ..Default::default() }).unwrap();
    let late = task("2026-03-01");
    assert_eq!(crm.snooze_task(late.id, None).unwrap().due, Some(day("2026-03-10")), "overdue: tomorrow");
    let ahead = task("2026-03-20");
    assert_eq!(crm.snooze_task(ahead.id, None).unwrap().due, Some(day("2026-03-21")), "a day after it was due");
    assert_eq!(crm.snooze_task(ahead.id, Some(day("2026-04-01"))).unwrap().due, Some(day("2026-04-01")));
}

#[test]
fn the_lead_status_cycle_skips_converted_and_changes_all_or_none() {
    let (_dir, crm) = crm();
    let l = lead(&crm);
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(crm.advance_lead_status(&[l.id]).unwrap().unwrap().status);
    }
    use LeadStatus::*;
    assert_eq!(seen, [Contacted, Qualified, Unqualified, New]);
    let other = lead(&crm);
    crm.convert_lead(other.id, ConvertLead::default()).unwrap();
    let err = crm.advance_lead_status(&[l.id, other.id]).unwrap_err();
    assert!(matches!(err, CrmError::ConvertedLead { .. }), "{err}");
    assert_eq!(crm.get::<Lead>(l.id).unwrap().status, New, "the first lead is left as it was too");
}

#[test]
fn deleting_several_records_is_all_or_nothing() {
    let (_dir, crm) = crm();
    let d = deal(&crm);
    let loose = crm.create(Contact { first_name: "A".into(), last_name: "B".into(), ..Default::default() }).unwrap();
    let contact = RecordRef::new(Kind::Contact, loose.id);
    let stage = RecordRef::new(Kind::Stage, d.stage);
    let err = crm.delete_many(&[contact, stage]).unwrap_err();
    assert!(matches!(err, CrmError::InUse { .. }), "the stage holds a deal: {err}");
    assert!(crm.find::<Contact>(loose.id).unwrap().is_some(), "the contact was kept");
    assert_eq!(crm.delete_many(&[contact, RecordRef::new(Kind::Opportunity, d.id)]).unwrap(), 2);
    assert!(crm.find::<Contact>(loose.id).unwrap().is_none());
}

#[test]
fn a_task_about_a_person_is_filed_under_their_account_too() {
    let (_dir, crm) = crm();
    let account = crm.create(Account { name: "Acme".into(), ..Default::default() }).unwrap().id;
    let person =
        Contact { first_name: "A".into(), last_name: "B".into(), account: Some(account), ..Default::default() };
    let person = crm.create(person).unwrap();
    let about = RecordRef::new(Kind::Contact, person.id);
    let t = crm.add_task_about(Task { title: "Call".into(), ..Default::default() }, about).unwrap();
    assert_eq!((t.contact, t.account), (Some(person.id), Some(account)));
    assert_eq!(crm.linking::<Task>(RecordRef::new(Kind::Account, account)).unwrap().len(), 1);
}

fn run(crm: &Crm, args: &[&str]) {
    let cli = Cli::try_parse_from(std::iter::once("rolo").chain(args.iter().copied())).unwrap();
    rolo::cli::run(crm, cli.command.unwrap(), true).unwrap();
}

#[test]
fn a_relative_due_date_on_the_command_line_counts_from_the_sessions_today() {
    let (_dir, crm) = crm();
    run(&crm, &["task", "add", "--title", "Call Ann", "--due", "fri"]);
    let task = crm.list::<Task>(|_| true).unwrap().remove(0);
    assert_eq!(task.due.unwrap().to_string(), "2026-03-13", "the Friday after the session's Monday");
    assert_eq!(task.owner, "ann", "the session's user owns it");
}

#[test]
fn overdue_tasks_and_the_agenda_follow_the_sessions_clock() {
    let (_dir, crm) = crm();
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

#[test]
fn refusals_are_typed_by_what_happened() {
    let (_dir, crm) = crm();
    let t = crm.create(Task { title: "Call Ann".into(), ..Default::default() }).unwrap();
    crm.set_task_done(t.id, true).unwrap();
    let err = crm.set_task_done(t.id, true).unwrap_err();
    assert!(matches!(&err, CrmError::Already { state, .. } if state == "done"), "{err}");
    assert_eq!(err.to_string(), "the task Call Ann is already done");
    crm.add_to_picklist(Picklist::LeadSources, "Fair", None).unwrap();
    let err = crm.add_to_picklist(Picklist::LeadSources, "FAIR", None).unwrap_err();
    assert!(matches!(&err, CrmError::DuplicateName { kind: "lead source", name } if name == "Fair"), "{err}");
    let d = deal(&crm);
    let err =
        crm.close_opportunity(d.id, StageOutcome::Won, None).and(crm.close_opportunity(d.id, StageOutcome::Won, None));
    assert!(matches!(err, Err(CrmError::Already { .. })), "{err:?}");
}

#[test]
fn a_quote_is_saved_whole_and_a_lead_converted_with_its_edits() {
    let (_dir, crm) = crm();
    let d = deal(&crm);
    let q = crm.save_quote(rolo::model::Quote { opportunity: d.id, ..Default::default() }).unwrap();
    assert_eq!(q.number, format!("Q-{:05}", q.id), "a new quote is numbered");
    let q = crm.save_quote(rolo::model::Quote { valid_until: Some(day("2026-04-01")), ..q }).unwrap();
    assert_eq!(q.valid_until, Some(day("2026-04-01")), "a stored one is updated");

    let mut l = lead(&crm);
    l.first_name = "Lin".into();
    let made = crm.convert_edited_lead(l.clone(), ConvertLead::default()).unwrap();
    assert_eq!(crm.get::<Contact>(made.contact).unwrap().first_name, "Lin", "converted as edited");
    assert_eq!(crm.get::<Lead>(l.id).unwrap().first_name, "Lin");
}

#[test]
fn leads_in_a_status_are_read_through_the_status_index_in_id_order() {
    let (_dir, crm) = crm();
    let ids: Vec<_> = (0..4).map(|_| lead(&crm).id).collect();
    crm.advance_lead_status(&[ids[3], ids[1]]).unwrap();
    let contacted: Vec<_> = crm.leads_in_status(LeadStatus::Contacted).unwrap().into_iter().map(|l| l.id).collect();
    assert_eq!(contacted, [ids[1], ids[3]]);
    assert_eq!(crm.leads_in_status(LeadStatus::New).unwrap().len(), 2);
    assert!(crm.leads_in_status(LeadStatus::Qualified).unwrap().is_empty());
}

#[test]
fn a_save_based_on_an_older_version_is_refused_naming_who_changed_it_and_nothing_is_written() {
    let (_dir, ann) = crm();
    ann.add_user(rolo::model::User::new("bob", "Bob Stone", "admin")).unwrap();
    let bob = ann.with_session(Session::new("bob"));
    let id =
        ann.create(Contact { first_name: "Li".into(), last_name: "Wang".into(), ..Default::default() }).unwrap().id;
    let target = RecordRef::new(Kind::Contact, id);
    // Both open the contact; Bob saves first.
    let (mut mine, seen) = ann.get_versioned::<Contact>(id).unwrap();
    let (mut theirs, their_seen) = bob.get_versioned::<Contact>(id).unwrap();
    theirs.title = Some("CTO".into());
    bob.expecting(target, their_seen).update(theirs).unwrap();
    assert_ne!(ann.version(target).unwrap(), seen, "every write gives the record its next version");
    let commits = ann.commits();
    mine.first_name = "Lee".into();
    let refused = ann.expecting(target, seen).update(mine.clone()).unwrap_err();
    assert!(matches!(&refused, CrmError::Stale { record, by } if *record == target && by == "Bob Stone"));
    assert_eq!(
        refused.to_string(),
        format!("contact {id} was changed meanwhile by Bob Stone: reload it, then save again")
    );
    assert_eq!(ann.commits(), commits, "nothing written");
    let stored: Contact = ann.get(id).unwrap();
    assert_eq!((stored.first_name.as_str(), stored.title.as_deref()), ("Li", Some("CTO")));
    // Read again, the save goes through; without an expected version (the command line) too.
    let (_, now) = ann.get_versioned::<Contact>(id).unwrap();
    assert_eq!(ann.expecting(target, now).update(mine.clone()).unwrap().first_name, "Lee");
    mine.last_name = "Wong".into();
    ann.update(mine.clone()).unwrap();
    // Deleted by Bob while Ann's form is open: her save says so, by whom.
    let (_, before) = ann.get_versioned::<Contact>(id).unwrap();
    bob.delete::<Contact>(id).unwrap();
    let gone = ann.expecting(target, before).update(mine).unwrap_err();
    assert!(matches!(&gone, CrmError::Deleted { by, .. } if by == "Bob Stone"), "{gone}");
    assert!(
        gone.to_string().starts_with(&format!("contact {id} was deleted meanwhile by Bob Stone: nothing was saved"))
    );
}

#[test]
fn every_write_of_a_record_gives_it_a_new_version_undo_and_consequences_included() {
    let (_dir, crm) = crm();
    let account = crm.create(Account { name: "Acme".into(), ..Default::default() }).unwrap();
    let contact = crm
        .create(Contact {
            first_name: "Li".into(),
            last_name: "Wang".into(),
            account: Some(account.id),
            ..Default::default()
        })
        .unwrap();
    let target = RecordRef::new(Kind::Contact, contact.id);
    let mut seen = vec![crm.version(target).unwrap()];
    let mut titled = contact.clone();
    titled.title = Some("CTO".into());
    crm.update(titled).unwrap();
    seen.push(crm.version(target).unwrap());
    crm.undo().unwrap();
    seen.push(crm.version(target).unwrap());
    // Deleting the account unlinks the contact: a consequence, a write of it all the same.
    crm.delete::<Account>(account.id).unwrap();
    seen.push(crm.version(target).unwrap());
    let all = seen.len();
    seen.dedup();
    assert_eq!(seen.len(), all, "{seen:?}");
    // A form opened before the delete is refused, one opened after saves.
    let refused = crm.expecting(target, seen[2]).update(contact.clone()).unwrap_err();
    assert!(matches!(refused, CrmError::Stale { ref by, .. } if by == "Ann Lee"), "{refused}");
}

/// An instant given in UTC: the service settings' zone is UTC until set.
fn utc(text: &str) -> Timestamp {
    Timestamp(chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap().and_utc().timestamp())
}

/// The same database acting for `login` at `at`.
fn at(crm: &Crm, login: &str, at: &str) -> Crm {
    crm.with_session(Session::new(login).with_clock(Clock::Fixed(utc(at))))
}

#[test]
fn a_cases_sla_runs_in_working_hours_across_the_weekend_and_is_breached_when_late() {
    use rolo::model::{Case, CasePriority, CaseStatus};
    let (_dir, crm) = crm();
    crm.set_service_setting("work.zone", "UTC").unwrap();
    // Friday 16:00: a day's SLA (eight working hours) runs one hour, then seven on Monday.
    let friday = at(&crm, "ann", "2026-12-04 16:00");
    let high =
        friday.create(Case { subject: "Printer jams".into(), priority: CasePriority::High, ..Default::default() });
    let high = high.unwrap();
    assert_eq!(high.sla_due, Some(utc("2026-12-07 16:00")));
    // Saturday evening, outside working hours: four hours from nine on Monday.
    let urgent = Case { subject: "Site down".into(), priority: CasePriority::Urgent, ..Default::default() };
    let urgent = at(&crm, "ann", "2026-12-05 20:00").create(urgent).unwrap();
    assert_eq!(urgent.sla_due, Some(utc("2026-12-07 13:00")));
    // A new priority counts again from the opening.
    let mut changed = urgent.clone();
    changed.priority = CasePriority::Low;
    let changed = at(&crm, "ann", "2026-12-06 10:00").update(changed).unwrap();
    assert_eq!(changed.sla_due, Some(utc("2026-12-11 17:00")), "five working days from Monday nine");
    // Breached: open past its due time, in the filter language too.
    let monday = at(&crm, "ann", "2026-12-07 16:01");
    let breached = monday.parse_filter(Kind::Case, "breached:yes", day("2026-12-07")).unwrap();
    assert_eq!(monday.filtered(&breached, 10).unwrap().ids, vec![high.id]);
    // Resolved in time stays met however late it is read.
    let done = at(&crm, "ann", "2026-12-07 15:00").case_status(high.id, CaseStatus::Resolved, Some("Roller".into()));
    assert_eq!(done.unwrap().resolved_at, Some(utc("2026-12-07 15:00")));
    assert!(monday.filtered(&breached, 10).unwrap().ids.is_empty());
}

#[test]
fn a_cases_first_response_is_its_first_call_email_or_public_comment_and_closing_needs_a_resolution() {
    use rolo::model::{Call, Case, CaseStatus};
    let (_dir, crm) = crm();
    let contact = crm.create(Contact { first_name: "Bo".into(), last_name: "Berg".into(), ..Default::default() });
    let contact = contact.unwrap().id;
    let opened = at(&crm, "ann", "2026-12-07 09:00");
    let case = opened.create(Case { subject: "Login fails".into(), contact: Some(contact), ..Default::default() });
    let case = case.unwrap();
    assert_eq!(case.first_response, None);
    // An internal comment is no response; a call on the case is.
    at(&crm, "ann", "2026-12-07 09:30").comment_case(case.id, "Checked the logs", false).unwrap();
    assert_eq!(crm.get::<Case>(case.id).unwrap().first_response, None);
    let call = Call { contact, case: Some(case.id), started_at: utc("2026-12-07 10:00"), ..Default::default() };
    at(&crm, "ann", "2026-12-07 10:05").log_call(call).unwrap();
    assert_eq!(crm.get::<Case>(case.id).unwrap().first_response, Some(utc("2026-12-07 10:00")));
    at(&crm, "ann", "2026-12-07 11:00").comment_case(case.id, "Sent a reset link", true).unwrap();
    assert_eq!(crm.get::<Case>(case.id).unwrap().first_response, Some(utc("2026-12-07 10:00")), "the first stays");
    let thread = crm.case_thread(case.id).unwrap();
    let times: Vec<Timestamp> = thread.iter().map(|t| t.at()).collect();
    assert_eq!(times, [utc("2026-12-07 09:30"), utc("2026-12-07 10:00"), utc("2026-12-07 11:00")]);
    // Closing without a resolution is refused naming it; with one it is stamped; reopening is audited.
    let e = crm.case_status(case.id, CaseStatus::Closed, None).unwrap_err();
    assert!(e.to_string().starts_with("resolution:"), "{e}");
    at(&crm, "ann", "2026-12-08 09:00").case_status(case.id, CaseStatus::Closed, Some("Reset".into())).unwrap();
    let reopened = crm.reopen_case(case.id).unwrap();
    assert_eq!((reopened.status, reopened.resolved_at, reopened.resolution), (CaseStatus::Assigned, None, None));
    let trail = crm.audit(RecordRef::new(Kind::Case, reopened.id)).unwrap();
    assert!(trail.iter().any(|e| e.summary.as_deref().is_some_and(|s| s.starts_with("reopened"))), "{trail:?}");
    assert!(crm.reopen_case(case.id).unwrap_err().to_string().contains("nothing to reopen"));
}

#[test]
fn a_resolved_case_becomes_a_knowledge_article_that_search_finds() {
    use rolo::model::{Article, Case, CaseStatus};
    let (_dir, crm) = crm();
    let case = crm.create(Case { subject: "Toner streaks".into(), ..Default::default() }).unwrap();
    let early = crm.article_from_case(case.id, None, None).unwrap_err().to_string();
    assert!(early.contains("resolve it first"), "{early}");
    crm.case_status(case.id, CaseStatus::Resolved, Some("Shake the cartridge, then clean the drum".into())).unwrap();
    let article = crm.article_from_case(case.id, None, None).unwrap();
    assert_eq!((article.title.as_str(), article.case), ("Toner streaks", Some(case.id)));
    assert_eq!(crm.get::<Article>(article.id).unwrap().body, "Shake the cartridge, then clean the drum");
    crm.load_search().unwrap();
    let hits = crm.search("cartridge drum", &[], 5).unwrap();
    assert!(hits.iter().any(|h| h.kind == Kind::Article && h.id == article.id), "{hits:?}");
}

/// Adds the teams Support and Sales, with a rep in each: sam and ola.
fn two_teams(crm: &Crm) {
    use rolo::model::User;
    crm.add_team("Support").unwrap();
    crm.add_team("Sales").unwrap();
    crm.add_user(User { team: Some("Support".into()), ..User::new("sam", "Sam Support", "rep") }).unwrap();
    crm.add_user(User { team: Some("Sales".into()), ..User::new("ola", "Ola Sales", "rep") }).unwrap();
}

#[test]
fn a_reps_cases_obey_their_role_and_a_case_joins_its_owners_team() {
    use rolo::model::Case;
    let (_dir, crm) = crm();
    two_teams(&crm);
    let sam = at(&crm, "sam", "2026-12-07 09:00");
    let case = sam.create(Case { subject: "Broken hinge".into(), ..Default::default() }).unwrap();
    assert_eq!(case.team.as_deref(), Some("Support"));
    let bad = sam.create(Case { subject: "x".into(), team: Some("Nobody".into()), ..Default::default() });
    assert!(bad.unwrap_err().to_string().starts_with("team:"));
    // A rep of another team neither sees it nor answers it.
    let ola = at(&crm, "ola", "2026-12-07 10:00");
    assert!(matches!(ola.get::<Case>(case.id), Err(CrmError::NotFound(_))));
    assert!(matches!(ola.comment_case(case.id, "hi", true), Err(CrmError::NotFound(_))));
    let report = ola.cases_report(rolo::crm::ReportQuery::default()).unwrap();
    assert_eq!(report.opened, 0, "the report counts only what the reader may see");
    assert_eq!(sam.cases_report(rolo::crm::ReportQuery::default()).unwrap().opened, 1);
}

#[test]
fn after_a_bulk_load_too_big_to_hand_over_the_owners_and_search_are_read_again() {
    let (_dir, crm) = crm();
    two_teams(&crm);
    let (sam, ola) = (crm.acting_as("sam").unwrap(), crm.acting_as("ola").unwrap());
    // Both have the owners and the search index loaded before the load.
    assert!(sam.list::<Contact>(|_| true).unwrap().is_empty());
    assert!(ola.search("zed", &[Kind::Contact], 5).unwrap().is_empty());
    // More people than a commit hands the owners' map and the search index one by one.
    let n = 70_000;
    crm.write_bulk("loaded", |tx| {
        for i in 0..n {
            let first = if i == n - 1 { "Zed".to_string() } else { format!("P{i}") };
            tx.create(Contact {
                first_name: first,
                last_name: "Bulk".into(),
                owner: "ola".into(),
                ..Default::default()
            })?;
        }
        Ok(())
    })
    .unwrap();
    let seen = |crm: &Crm| crm.list::<Contact>(|_| true).unwrap().len();
    assert_eq!(seen(&ola), n);
    assert_eq!(seen(&sam), 0, "another team's people stay out of sight");
    assert_eq!(ola.search("zed bulk", &[Kind::Contact], 5).unwrap().len(), 1, "the index read again has them");
    assert!(sam.search("zed bulk", &[Kind::Contact], 5).unwrap().is_empty());
}

#[test]
fn a_project_network_holds_only_the_tasks_the_actor_may_see() {
    use rolo::model::{Project, Task};
    let (_dir, ann) = crm();
    ann.add_user(rolo::model::User::new("bob", "Bob Stone", "rep")).unwrap();
    ann.add_user(rolo::model::User::new("cy", "Cy Rey", "rep")).unwrap();
    let project = Project { name: "Rollout".into(), owner: "bob".into(), ..Default::default() };
    let project = ann.create(project).unwrap().id;
    // Build is about Cy's deal (a task is about its deal before its project): Cy's to see.
    let account = ann.create(rolo::model::Account { name: "Acme".into(), owner: "cy".into(), ..Default::default() });
    let deal = rolo::model::Opportunity {
        name: "Fleet".into(),
        account: account.unwrap().id,
        owner: "cy".into(),
        stage: ann.stages().unwrap()[0].id,
        ..Default::default()
    };
    let deal = ann.create_opportunity(deal).unwrap().id;
    let task = |title: &str, owner: &str, after: Vec<u64>, opportunity: Option<u64>| {
        let t = Task {
            title: title.into(),
            owner: owner.into(),
            project: Some(project),
            after,
            opportunity,
            ..Default::default()
        };
        ann.create(t).unwrap().id
    };
    let design = task("Design", "bob", vec![], None);
    let build = task("Build", "cy", vec![design], Some(deal));
    let ship = task("Ship", "bob", vec![build, design], None);
    let whole = ann.network_tasks(project);
    assert_eq!(whole, (vec![design, build, ship], vec![(design, build), (design, ship), (build, ship)]));
    assert_eq!(ann.project_network(project).unwrap().critical.len(), 3);
    // Bob sees his project's tasks but Cy's, and no wait through it: a path of two, one wait.
    let bob = ann.with_session(Session::new("bob"));
    assert_eq!(bob.network_tasks(project), (vec![design, ship], vec![(design, ship)]));
    // Cy may not read Bob's project at all.
    let cy = ann.with_session(Session::new("cy"));
    assert!(matches!(cy.project_network(project), Err(CrmError::NotFound(_))));
}

/// A project's network as its task numbers and waits (before, after) by number.
trait NetworkTasks {
    fn network_tasks(&self, project: u64) -> (Vec<u64>, Vec<(u64, u64)>);
}

impl NetworkTasks for Crm {
    fn network_tasks(&self, project: u64) -> (Vec<u64>, Vec<(u64, u64)>) {
        let net = self.project_network(project).unwrap();
        let task = |i: usize| net.steps[i].task;
        (net.steps.iter().map(|s| s.task).collect(), net.edges.iter().map(|&(b, a)| (task(b), task(a))).collect())
    }
}

/// Creates `rec` in a bulk load both ways: as it stands, and prepared on a thread of its own.
fn both_ways<R: rolo::crm::Indexed + Clone + Send>(crm: &Crm, rec: R) -> rolo::crm::Result<(R, R)> {
    crm.write_bulk("both ways", |tx| {
        let stamp = tx.stamp();
        let prepared = std::thread::scope(|s| s.spawn(|| stamp.prepare(rec.clone())).join().unwrap())?;
        Ok((tx.create(rec)?, tx.create_prepared(prepared)?))
    })
}

#[test]
fn a_record_prepared_on_another_thread_is_stored_as_create_stores_it() {
    let (_dir, crm) = crm();
    let account = crm.create(Account { name: "Osaka Trading".into(), ..Default::default() }).unwrap().id;
    let person = Contact {
        first_name: "Li\u{7}".into(),
        last_name: "Wang".into(),
        account: Some(account),
        ..Default::default()
    };
    let (made, prepared) = both_ways(&crm, person).unwrap();
    assert_eq!((prepared.first_name.as_str(), prepared.owner.as_str()), ("Li", "ann"), "tidied, owned by the actor");
    assert_eq!(Contact { id: made.id, ..prepared.clone() }, made, "the same record but its id");
    assert_eq!(crm.get::<Contact>(prepared.id).unwrap(), prepared, "stored as returned");
    let found: Vec<_> = crm.search("osaka wang", &[Kind::Contact], 5).unwrap().iter().map(|h| h.id).collect();
    assert_eq!(found.len(), 2, "both found by their account's name: {found:?}");
    assert!(found.contains(&prepared.id));
    assert_eq!(crm.check().unwrap(), Vec::<String>::new(), "the index agrees");

    // A lead source spelled otherwise is spelled as listed, in the record stored too.
    let lead = Lead { last_name: "Ito".into(), source: Some(" Cold_Call ".into()), ..Default::default() };
    let (_, prepared) = both_ways(&crm, lead).unwrap();
    assert_eq!(prepared.source.as_deref(), Some("cold_call"));
    assert_eq!(crm.get::<Lead>(prepared.id).unwrap(), prepared);
    // A case's rules still fill it in: its deadline.
    let (_, case) = both_ways(&crm, rolo::model::Case { subject: "Jammed".into(), ..Default::default() }).unwrap();
    assert!(case.sla_due.is_some());
    // Found by its number, which is its id.
    let hits = crm.search(&case.number(), &[Kind::Case], 5).unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [case.id], "{}", case.number());
    // An invalid record is refused on the thread that prepares it, as create refuses it.
    let nameless = Contact::default();
    let stamp = crm.write(|tx| Ok(tx.stamp())).unwrap();
    assert_eq!(stamp.prepare(nameless.clone()).unwrap_err().to_string(), crm.create(nameless).unwrap_err().to_string());
}

#[test]
fn a_prepared_record_obeys_the_writers_role_and_only_its_own_transaction_takes_it() {
    let (_dir, crm) = crm();
    two_teams(&crm);
    let sam = crm.acting_as("sam").unwrap();
    let theirs = Contact { last_name: "Other".into(), owner: "ola".into(), ..Default::default() };
    let refused = sam.write_bulk("theirs", |tx| {
        let prepared = tx.stamp().prepare(theirs.clone())?;
        tx.create_prepared(prepared)
    });
    let as_created = sam.create(theirs.clone()).unwrap_err();
    assert!(matches!(as_created, CrmError::NoRight { .. }), "a rep gives no one a record: {as_created}");
    assert_eq!(refused.unwrap_err().to_string(), as_created.to_string());
    let prepared = sam
        .write_bulk("first", |tx| Ok(tx.stamp().prepare(Contact { owner: String::new(), ..theirs })))
        .unwrap()
        .unwrap();
    let refused = sam.write_bulk("second", |tx| tx.create_prepared(prepared)).unwrap_err();
    assert!(refused.to_string().contains("prepared for another transaction"), "{refused}");
    assert!(sam.list::<Contact>(|_| true).unwrap().is_empty(), "nothing was written");
}
