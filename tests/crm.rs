//! The service and the store together: round trips of every kind, the audit trail, deletion rules,
//! lead conversion's all-or-nothing, and what opening a bad file says.

mod common;

use common::{date, fresh, populate};
use rolo::crm::{ConvertLead, Crm, CrmError, NewOpportunity, TaskFilter};
use rolo::model::*;
use rolo::store::{RawRead, StoreError};

/// Every kind survives a close and reopen unchanged, field for field.
#[test]
fn every_kind_round_trips_through_the_file() {
    let (dir, crm) = fresh();
    let m = populate(&crm);
    let before = snapshot(&crm, &m);
    drop(crm);
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let after = snapshot(&crm, &m);
    assert_eq!(before, after);
    assert_eq!(crm.get::<Contact>(m.contact).unwrap().first_name, "Zoë");
    assert_eq!(crm.get::<Account>(m.account).unwrap().name, "Ōsaka Trading 株式会社");
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap().amount, Amount(1_200_050));
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
}

/// Every record of `m`, in full, as text.
fn snapshot(crm: &Crm, m: &common::Made) -> Vec<String> {
    vec![
        format!("{:?}", crm.get::<Account>(m.account).unwrap()),
        format!("{:?}", crm.get::<Contact>(m.contact).unwrap()),
        format!("{:?}", crm.get::<Lead>(m.lead).unwrap()),
        format!("{:?}", crm.get::<Opportunity>(m.opportunity).unwrap()),
        format!("{:?}", crm.get::<Product>(m.product).unwrap()),
        format!("{:?}", crm.get::<Quote>(m.quote).unwrap()),
        format!("{:?}", crm.get::<Task>(m.task).unwrap()),
        format!("{:?}", crm.get::<Call>(m.call).unwrap()),
        format!("{:?}", crm.get::<Event>(m.event).unwrap()),
        format!("{:?}", crm.get::<Project>(m.project).unwrap()),
        format!("{:?}", crm.get::<Campaign>(m.campaign).unwrap()),
        format!("{:?}", crm.get::<ContactList>(m.list).unwrap()),
        format!("{:?}", crm.get::<Note>(m.note).unwrap()),
    ]
}

#[test]
fn new_database_has_the_default_stages_in_order() {
    let (_d, crm) = fresh();
    let stages = crm.stages().unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"Prospecting"));
    assert_eq!(names.last(), Some(&"Closed Lost"));
    assert_eq!(stages.len(), 10);
    assert_eq!(crm.stage_named("negotiation/REVIEW").unwrap().probability, 80);
    let err = crm.stage_named("Nowhere").unwrap_err().to_string();
    assert!(err.contains("stage") && err.contains("Prospecting"), "{err}");
}

#[test]
fn moving_a_deal_follows_the_stage_unless_set_by_hand() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let o = crm.get::<Opportunity>(m.opportunity).unwrap();
    assert_eq!((o.probability, o.status), (10, StageOutcome::Open));
    let o = crm.move_opportunity(m.opportunity, "proposal/price quote", None).unwrap();
    assert_eq!(o.probability, 65);
    let o = crm.move_opportunity(m.opportunity, "Needs Analysis", Some(42)).unwrap();
    assert_eq!(o.probability, 42);
    let o = crm.move_opportunity(m.opportunity, "Negotiation/Review", None).unwrap();
    assert_eq!(o.probability, 42, "a probability set by hand sticks");
    let o = crm.move_opportunity(m.opportunity, "closed won", None).unwrap();
    assert_eq!((o.probability, o.status), (100, StageOutcome::Won));
    let timeline = crm.timeline(RecordRef::new(Kind::Opportunity, m.opportunity)).unwrap();
    let last_change = timeline.iter().find(|i| i.what == "updated").unwrap();
    assert!(last_change.summary.contains("to Closed Won"), "{last_change:?}");
}

#[test]
fn updates_are_audited_field_by_field() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let mut c = crm.get::<Contact>(m.contact).unwrap();
    c.title = Some("CEO".into());
    crm.update(c).unwrap();
    let audit = crm.reader().unwrap();
    let entries = rolo::store::Read::audit(&audit, RecordRef::new(Kind::Contact, m.contact)).unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.action, AuditAction::Updated);
    assert_eq!(last.changes, vec![Change { field: "title".into(), old: "CTO".into(), new: "CEO".into() }]);
    assert_eq!(entries[0].action, AuditAction::Created);
}

#[test]
fn timeline_lists_activities_newest_first() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let items = crm.timeline(RecordRef::new(Kind::Contact, m.contact)).unwrap();
    let whats: Vec<&str> = items.iter().map(|i| i.what.as_str()).collect();
    for expected in ["created", "note", "call", "task", "event", "opportunity"] {
        assert!(whats.contains(&expected), "{expected} missing from {whats:?}");
    }
    assert!(items.windows(2).all(|w| w[0].at >= w[1].at));
    let missing = crm.timeline(RecordRef::new(Kind::Contact, 999)).unwrap_err();
    assert!(matches!(missing, CrmError::NotFound(_)));
}

#[test]
fn logging_a_call_moves_last_activity_forward_only() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let c = crm.get::<Contact>(m.contact).unwrap();
    // The event on 2026-12-02 is later than the call.
    assert_eq!(c.last_activity, Some(Timestamp::parse_local("2026-12-02 14:00").unwrap()));
    let old = Timestamp::parse_local("2026-01-02 09:00").unwrap();
    crm.log_call(Call { contact: m.contact, started_at: old, ..Default::default() }).unwrap();
    assert_eq!(crm.get::<Contact>(m.contact).unwrap().last_activity, c.last_activity);
    let err = crm.log_call(Call { contact: 404, started_at: Timestamp(1), ..Default::default() }).unwrap_err();
    assert!(err.to_string().starts_with("contact: contact:404 does not exist"), "{err}");
}

#[test]
fn delete_refuses_needed_records_cascades_notes_and_unlinks_the_rest() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let err = crm.delete::<Contact>(m.contact).unwrap_err();
    assert!(matches!(err, CrmError::InUse { .. }));
    assert!(err.to_string().contains("1 call"), "{err}");
    assert!(crm.get::<Contact>(m.contact).is_ok(), "nothing was deleted");

    crm.delete::<Call>(m.call).unwrap();
    crm.delete::<Contact>(m.contact).unwrap();
    assert!(matches!(crm.get::<Note>(m.note), Err(CrmError::NotFound(_))), "the note went with its contact");
    assert_eq!(crm.get::<Task>(m.task).unwrap().contact, None, "the task lost its link");
    assert!(crm.get::<ContactList>(m.list).unwrap().members.is_empty());
    assert!(crm.get::<Event>(m.event).unwrap().attendees.is_empty());
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap().contact, None);
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
}

#[test]
fn lead_conversion_matches_the_account_by_name_and_links_back() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let mut lead = crm.get::<Lead>(m.lead).unwrap();
    lead.company = Some("  ōsaka TRADING 株式会社 ".into());
    crm.update(lead).unwrap();
    let how = ConvertLead {
        opportunity: Some(NewOpportunity { amount: Some(Amount::units(900)), ..Default::default() }),
        ..Default::default()
    };
    let c = crm.convert_lead(m.lead, how).unwrap();
    assert_eq!(c.account, m.account, "matched by name, ignoring case and spaces");
    let contact = crm.get::<Contact>(c.contact).unwrap();
    assert_eq!((contact.first_name.as_str(), contact.account), ("Li", Some(m.account)));
    let opp = crm.get::<Opportunity>(c.opportunity.unwrap()).unwrap();
    assert_eq!((opp.amount, opp.lead, opp.campaign), (Amount::units(900), Some(m.lead), Some(m.campaign)));
    let lead = crm.get::<Lead>(m.lead).unwrap();
    assert_eq!(lead.status, LeadStatus::Converted);
    assert_eq!(lead.converted.map(|x| x.contact), Some(c.contact));
    let again = crm.convert_lead(m.lead, ConvertLead::default()).unwrap_err();
    assert!(matches!(again, CrmError::Conflict(_)));
}

#[test]
fn failed_conversion_leaves_nothing_behind() {
    let (_d, crm) = fresh();
    let lead = crm
        .create(Lead {
            first_name: "Ann".into(),
            last_name: "Smith".into(),
            company: Some("New Co".into()),
            ..Default::default()
        })
        .unwrap();
    let counts = |crm: &Crm| {
        let r = crm.reader().unwrap();
        Kind::ALL.map(|k| r.count(k).unwrap())
    };
    let before = counts(&crm);
    // The account and the contact are made first; the opportunity then fails its validation.
    let how = ConvertLead {
        opportunity: Some(NewOpportunity { amount: Some(Amount(-100)), ..Default::default() }),
        ..Default::default()
    };
    let err = crm.convert_lead(lead.id, how).unwrap_err();
    assert!(err.to_string().contains("amount"), "{err}");
    assert_eq!(counts(&crm), before);
    assert_eq!(crm.get::<Lead>(lead.id).unwrap().status, LeadStatus::New);
    assert!(crm.search("New Co", &[Kind::Account], 5).unwrap().is_empty(), "no search key left behind");
    // And the next success uses the ids the failure did not keep.
    let ok = crm.convert_lead(lead.id, ConvertLead::default()).unwrap();
    assert_eq!(ok.account, 1);
}

#[test]
fn validation_names_the_field_and_writes_nothing() {
    let (_d, crm) = fresh();
    let err = crm.create(Account { name: "  ".into(), ..Default::default() }).unwrap_err();
    assert_eq!(err.to_string(), "name: is required: give it a value");
    let err = crm
        .create(Contact { first_name: "A".into(), last_name: "B".into(), account: Some(7), ..Default::default() })
        .unwrap_err();
    assert!(err.to_string().starts_with("account: account:7 does not exist"), "{err}");
    assert_eq!(crm.count(Kind::Contact).unwrap(), 0);
    assert_eq!(crm.count(Kind::Account).unwrap(), 0);
}

#[test]
fn tasks_filter_by_state_and_due_date() {
    let (_d, crm) = fresh();
    let today = date("2026-11-25");
    for (title, due) in [("late", "2026-11-20"), ("now", "2026-11-25"), ("soon", "2026-11-30")] {
        crm.create(Task { title: title.into(), due: Some(date(due)), ..Default::default() }).unwrap();
    }
    crm.create(Task { title: "someday".into(), ..Default::default() }).unwrap();
    let titles = |f| crm.tasks(f, today).unwrap().into_iter().map(|t| t.title).collect::<Vec<_>>();
    assert_eq!(titles(TaskFilter::Open), ["late", "now", "soon", "someday"]);
    assert_eq!(titles(TaskFilter::Overdue), ["late"]);
    assert_eq!(titles(TaskFilter::Today), ["now"]);
    crm.set_task_done(1, true).unwrap();
    assert_eq!(titles(TaskFilter::Done), ["late"]);
    assert_eq!(titles(TaskFilter::Overdue), Vec::<String>::new());
    assert!(crm.set_task_done(1, true).is_err());
    crm.set_task_done(1, false).unwrap();
    assert_eq!(titles(TaskFilter::Overdue), ["late"]);
}

#[test]
fn agenda_gathers_events_tasks_next_steps_and_birthdays() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let items = crm.agenda(date("2026-12-01"), 2).unwrap();
    let lines: Vec<(String, AgendaKindName)> =
        items.iter().map(|i| (i.date.to_string(), AgendaKindName(format!("{:?}", i.kind)))).collect();
    assert!(lines.contains(&("2026-12-01".into(), AgendaKindName("Task".into()))), "{lines:?}");
    assert!(lines.contains(&("2026-12-01".into(), AgendaKindName("NextStep".into()))), "{lines:?}");
    assert!(lines.contains(&("2026-12-02".into(), AgendaKindName("Event".into()))), "{lines:?}");
    // A 29 February birthday shows on the day in a leap year.
    let leap = crm.agenda(date("2028-02-29"), 1).unwrap();
    assert!(leap.iter().any(|i| i.title.contains("Zoë") && i.title.contains("turns 48")), "{leap:?}");
    let _ = m;
}

#[derive(Debug, PartialEq)]
struct AgendaKindName(String);

#[test]
fn email_status_changes_one_address() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let c = crm.set_email_status(m.contact, "ZOE@osaka.example.com", rolo::crm::EmailStatusChange::OptOut).unwrap();
    assert_eq!(c.emails[0].consent, Consent::OptedOut);
    assert_eq!(c.emails[0].validity, Validity::Valid);
    let err = crm.set_email_status(m.contact, "nobody@x.com", rolo::crm::EmailStatusChange::Bounced).unwrap_err();
    assert!(err.to_string().contains("zoe@osaka.example.com"), "{err}");
}

#[test]
fn quote_totals_are_integer_and_rounded_per_line() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let q = crm.get::<Quote>(m.quote).unwrap();
    assert_eq!(q.number, format!("Q-{:05}", m.quote));
    let t = q.totals();
    // 3 × 149.90 = 449.70; 10% = 44.97.
    assert_eq!((t.subtotal, t.discount, t.total), (Amount(44_970), Amount(4_497), Amount(40_473)));
}

#[test]
fn search_finds_people_by_company_and_forgets_the_deleted() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let hits = crm.search("osaka", &[Kind::Contact], 5).unwrap();
    assert_eq!(hits.first().map(|h| h.id), Some(m.contact));
    let mut a = crm.get::<Account>(m.account).unwrap();
    a.name = "Kobe Shipping".into();
    crm.update(a).unwrap();
    assert_eq!(crm.search("kobe", &[Kind::Contact], 5).unwrap().first().map(|h| h.id), Some(m.contact));
    crm.delete::<Lead>(m.lead).unwrap();
    assert!(crm.search("li wang", &[Kind::Lead], 5).unwrap().is_empty());
}

#[test]
fn a_file_that_is_not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.redb");
    let junk = b"this is not a redb file at all, just text that goes on and on".repeat(100);
    std::fs::write(&path, &junk).unwrap();
    let err = Crm::open(&path).err().expect("must fail").to_string();
    assert!(err.contains("cannot be read") && err.contains("junk.redb"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), junk, "the file was left alone");
}

#[test]
fn a_file_from_a_newer_rolo_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.redb");
    drop(Crm::open(&path).unwrap());
    {
        let db = redb::Database::create(&path).unwrap();
        let w = db.begin_write().unwrap();
        w.open_table(redb::TableDefinition::<&str, u64>::new("meta")).unwrap().insert("schema_version", 99).unwrap();
        w.commit().unwrap();
    }
    let err = Crm::open(&path).err().expect("must fail");
    assert!(matches!(err, CrmError::Store(StoreError::TooNew { found: 99, .. })), "{err}");
    assert!(err.to_string().contains("upgrade rolo"));
}

#[test]
fn a_second_process_is_told_the_file_is_busy() {
    let (dir, crm) = fresh();
    let out = assert_cmd::Command::cargo_bin("rolo")
        .unwrap()
        .args(["--db", dir.path().join("t.redb").to_str().unwrap(), "contact", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: the database") && err.contains("open in another rolo process"), "{err}");
    assert_eq!(err.lines().count(), 1);
    drop(crm);
}

#[test]
fn bulk_loads_share_one_audit_entry_per_kind_and_show_in_the_timeline() {
    let (_d, crm) = fresh();
    let ids: Vec<Id> = crm
        .write_bulk("import people.csv", |tx| {
            (0..3)
                .map(|i| {
                    let c = Contact { first_name: format!("P{i}"), last_name: "Bulk".into(), ..Default::default() };
                    Ok(tx.create(c)?.id)
                })
                .collect()
        })
        .unwrap();
    let single =
        crm.create(Contact { first_name: "One".into(), last_name: "Alone".into(), ..Default::default() }).unwrap();
    let r = crm.reader().unwrap();
    for &id in &ids {
        let target = RecordRef::new(Kind::Contact, id);
        assert!(rolo::store::Read::audit(&r, target).unwrap().is_empty(), "no per-record entry");
        let created = crm.timeline(target).unwrap();
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].summary, "created contact by import people.csv");
    }
    let own = crm.timeline(single.record_ref()).unwrap();
    assert_eq!((own.len(), own[0].summary.as_str()), (1, "created contact"), "a later record is not in the run");
}

#[test]
fn a_deal_is_lost_only_with_a_reason() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let err = crm.move_opportunity(m.opportunity, "closed lost", None).unwrap_err();
    assert!(err.to_string().starts_with("reason: is required"), "{err}");
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap().status, StageOutcome::Open);
    let lost = crm.close_opportunity(m.opportunity, StageOutcome::Lost, Some("No budget")).unwrap();
    assert_eq!((lost.status, lost.lost_reason.as_deref()), (StageOutcome::Lost, Some("No budget")));
}

/// Search texts are stored packed by id range: edits, deletes and a bulk load spanning several
/// ranges must all be what a reopened file searches.
#[test]
fn search_texts_survive_a_reopen_across_id_ranges() {
    let (dir, crm) = fresh();
    let person =
        |i: usize| Contact { first_name: format!("Person{i:03}"), last_name: "Quill".into(), ..Default::default() };
    crm.write_bulk("test load", |tx| (0..600).try_for_each(|i| tx.create(person(i)).map(drop))).unwrap();
    let find = |crm: &Crm, q: &str| crm.search(q, &[Kind::Contact], 1000).unwrap().len();
    let id_of = |crm: &Crm, q: &str| crm.search(q, &[Kind::Contact], 1).unwrap()[0].id;
    let renamed = id_of(&crm, "Person300");
    let mut c = crm.get::<Contact>(renamed).unwrap();
    c.first_name = "Yarrow".into();
    crm.update(c).unwrap();
    for q in ["Person000", "Person255", "Person256", "Person599"] {
        let id = id_of(&crm, q);
        crm.delete::<Contact>(id).unwrap();
    }
    drop(crm);
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    assert_eq!(find(&crm, "quill"), 600 - 4);
    assert_eq!(id_of(&crm, "yarrow quill"), renamed);
    for q in ["Person000", "Person255", "Person256", "Person599", "Person300"] {
        assert!(crm.search(q, &[Kind::Contact], 5).unwrap().iter().all(|h| !h.label.starts_with(q)), "{q} is gone");
    }
    assert_eq!(id_of(&crm, "Person257"), id_of(&crm, "Person257 quill"));
}
