//! The service and the store together: round trips of every kind, the audit trail, deletion rules,
//! lead conversion's all-or-nothing, and what opening a bad file says.

mod common;

use common::{date, fresh, populate};
use rolo::crm::StoreError;
use rolo::crm::{ConvertLead, Crm, CrmError, NewOpportunity, TaskFilter};
use rolo::model::*;

/// Every kind survives a close and reopen unchanged, field for field.
#[test]
fn every_kind_round_trips_through_the_file() {
    let (_dir, crm) = fresh();
    let m = populate(&crm);
    let before = snapshot(&crm, &m);
    let db = crm.path().to_path_buf();
    drop(crm);
    let crm = Crm::open(&db).unwrap();
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
    let entries = crm.audit(RecordRef::new(Kind::Contact, m.contact)).unwrap();
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
    assert!(matches!(again, CrmError::AlreadyConverted { lead, .. } if lead == m.lead), "{again}");
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
    let counts = |crm: &Crm| Kind::ALL.map(|k| crm.count(k).unwrap());
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
    let items = crm.agenda(date("2026-12-01"), 2, date("2026-11-30")).unwrap();
    let lines: Vec<(String, AgendaKindName)> =
        items.iter().map(|i| (i.date.to_string(), AgendaKindName(format!("{:?}", i.kind)))).collect();
    assert!(lines.contains(&("2026-12-01".into(), AgendaKindName("Task".into()))), "{lines:?}");
    assert!(lines.contains(&("2026-12-01".into(), AgendaKindName("NextStep".into()))), "{lines:?}");
    assert!(lines.contains(&("2026-12-02".into(), AgendaKindName("Event".into()))), "{lines:?}");
    // A 29 February birthday shows on the day in a leap year.
    let leap = crm.agenda(date("2028-02-29"), 1, date("2026-11-30")).unwrap();
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
    let t = q.totals().unwrap();
    // 3 × 149.90 = 449.70; 10% = 44.97.
    assert_eq!((t.subtotal, t.discount, t.total), (Amount(44_970), Amount(4_497), Amount(40_473)));
}

/// Accepting a quote gives its deal the quote's total as amount (in the deal's trail), and an
/// accepted quote refuses every change but a move back to draft, through any write path.
#[test]
fn an_accepted_quote_sets_the_deal_amount_and_is_read_only_until_back_in_draft() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let mut q = crm.get::<Quote>(m.quote).unwrap();
    q.status = QuoteStatus::Accepted;
    crm.update(q).unwrap();
    let deal = crm.get::<Opportunity>(m.opportunity).unwrap();
    assert_eq!(deal.amount, Amount(40_473), "the deal's amount is the quote's total");
    let trail = crm.audit(RecordRef::new(Kind::Opportunity, m.opportunity)).unwrap();
    let last = trail.last().unwrap();
    assert!(last.changes.iter().any(|c| c.field == "amount" && c.new == "404.73"), "{last:?}");
    let said = format!("amount 404.73 USD from accepted quote Q-{:05}", m.quote);
    assert_eq!(last.summary.as_deref(), Some(said.as_str()));
    // Any change to its lines or terms is refused, through the generic path and the line command.
    let mut q = crm.get::<Quote>(m.quote).unwrap();
    q.lines[0].quantity = 12;
    let err = crm.update(q.clone()).unwrap_err().to_string();
    assert!(err.contains(&format!("quote Q-{:05} is accepted: move it back to draft to edit it", m.quote)), "{err}");
    assert!(crm.add_quote_line(m.quote, m.product, 1, 0).is_err());
    q.status = QuoteStatus::Rejected;
    assert!(crm.update(q.clone()).is_err(), "rejecting does not open it to edits");
    let err = crm.delete::<Quote>(m.quote).unwrap_err().to_string();
    assert!(err.contains("is accepted: move it back to draft to delete it"), "{err}");
    assert_eq!(crm.get::<Quote>(m.quote).unwrap().lines[0].quantity, 3, "nothing changed");
    // A status change alone is taken; back in draft it is editable, and accepting again follows.
    let mut q = crm.get::<Quote>(m.quote).unwrap();
    q.status = QuoteStatus::Draft;
    crm.update(q).unwrap();
    crm.add_quote_line(m.quote, m.product, 1, 0).unwrap();
    let mut q = crm.get::<Quote>(m.quote).unwrap();
    q.status = QuoteStatus::Accepted;
    crm.update(q).unwrap();
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap().amount, Amount(40_473 + 14_990));
    // A quote accepted on its first save sets the amount too.
    let quote = Quote { opportunity: m.opportunity, status: QuoteStatus::Accepted, ..Default::default() };
    let made = crm.write(|tx| tx.create_quote(quote)).unwrap();
    assert_eq!(made.status, QuoteStatus::Accepted);
    assert_eq!(made.number, format!("Q-{:05}", made.id), "numbered as it is made");
    assert_eq!(crm.get::<Quote>(made.id).unwrap().number, made.number);
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap().amount, Amount(0));
    // With a line, the deal's trail names it by the number it is made with.
    let line =
        QuoteLine { product: None, description: "Setup".into(), quantity: 2, unit_price: Amount(5_000), discount: 0 };
    let quote =
        Quote { opportunity: m.opportunity, status: QuoteStatus::Accepted, lines: vec![line], ..Default::default() };
    let made = crm.write(|tx| tx.create_quote(quote)).unwrap();
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap().amount, Amount(10_000));
    let trail = crm.audit(RecordRef::new(Kind::Opportunity, m.opportunity)).unwrap();
    let said = format!("amount 100.00 USD from accepted quote {}", made.number);
    assert_eq!(trail.last().unwrap().summary.as_deref(), Some(said.as_str()));
    // Stored accepted through the generic path, it may still be given its number once.
    let quote = Quote { opportunity: m.opportunity, status: QuoteStatus::Accepted, ..Default::default() };
    let q = crm.create(quote).unwrap();
    let numbered = crm.update(Quote { number: format!("Q-{:05}", q.id), ..q }).unwrap();
    assert!(crm.update(Quote { number: "Q-1".into(), ..numbered }).is_err(), "but not renumbered");
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
fn a_second_process_waits_for_the_file_then_is_told_it_is_busy() {
    if common::on_postgres() {
        return; // a server has no file to lock
    }
    let (dir, crm) = fresh();
    let db = dir.path().join("t.redb");
    let rolo = |wait: &str| {
        let mut cmd = assert_cmd::Command::cargo_bin("rolo").unwrap();
        cmd.args(["--db", db.to_str().unwrap(), "--wait", wait, "contact", "list"]);
        cmd
    };
    let started = std::time::Instant::now();
    let out = rolo("0.4").output().unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(400), "it waited");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: the database") && err.contains("open in another rolo process"), "{err}");
    assert_eq!(err.lines().count(), 1);
    // Let go of the file while the command waits: it goes on.
    let holder = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(crm);
    });
    let out = rolo("10").output().unwrap();
    holder.join().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = rolo("soon").output().unwrap();
    assert_eq!(err.status.code(), Some(2), "a wait that is no number is a usage error");
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
    for &id in &ids {
        let target = RecordRef::new(Kind::Contact, id);
        assert!(crm.audit(target).unwrap().is_empty(), "no per-record entry");
        let created = crm.timeline(target).unwrap();
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].summary, "created contact: import people.csv");
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
    let (_dir, crm) = fresh();
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
    let db = crm.path().to_path_buf();
    drop(crm);
    let crm = Crm::open(&db).unwrap();
    assert_eq!(find(&crm, "quill"), 600 - 4);
    assert_eq!(id_of(&crm, "yarrow quill"), renamed);
    for q in ["Person000", "Person255", "Person256", "Person599", "Person300"] {
        assert!(crm.search(q, &[Kind::Contact], 5).unwrap().iter().all(|h| !h.label.starts_with(q)), "{q} is gone");
    }
    assert_eq!(id_of(&crm, "Person257"), id_of(&crm, "Person257 quill"));
}

// ---------------------------------------------------------------------------------------------
// Editing the pipeline
// ---------------------------------------------------------------------------------------------

/// A deal of a new account in the stage called `stage`; `manual` sets its probability by hand.
fn deal_in(crm: &Crm, stage: &str, manual: Option<u8>) -> Opportunity {
    let account = crm.create(Account { name: format!("Buyer in {stage}"), ..Default::default() }).unwrap().id;
    let mut opp = Opportunity {
        name: format!("Deal in {stage}"),
        account,
        amount: Amount::units(1000),
        close_date: date("2027-01-15"),
        stage: crm.stage_named(stage).unwrap().id,
        ..Default::default()
    };
    if let Some(p) = manual {
        (opp.probability, opp.probability_manual) = (p, true);
    }
    crm.create_opportunity(opp).unwrap()
}

/// The stage names in board order.
fn stage_names(crm: &Crm) -> Vec<String> {
    crm.stages().unwrap().into_iter().map(|s| s.name).collect()
}

/// The stage orders in board order.
fn stage_orders(crm: &Crm) -> Vec<u32> {
    crm.stages().unwrap().iter().map(|s| s.order).collect()
}

/// How many audit entries each of the first 20 stage ids has.
fn stage_audit(crm: &Crm) -> Vec<usize> {
    (1..=20).map(|id| crm.audit(RecordRef::new(Kind::Stage, id)).unwrap().len()).collect()
}

/// Every stage and deal in full, and every audit entry about them: what a failed pipeline command
/// must leave exactly as it was.
fn pipeline(crm: &Crm) -> String {
    let deals = crm.list::<Opportunity>(|_| true).unwrap();
    let audit: Vec<usize> =
        deals.iter().map(|d| crm.audit(RecordRef::new(Kind::Opportunity, d.id)).unwrap().len()).collect();
    format!("{:?}\n{deals:?}\n{audit:?}\n{:?}", crm.stages().unwrap(), stage_audit(crm))
}

#[test]
fn new_stages_are_placed_and_every_order_renumbered() {
    let (_d, crm) = fresh();
    assert_eq!(stage_orders(&crm), (1..=10).collect::<Vec<_>>(), "a new database numbers its stages from 1");
    let audit_before = stage_audit(&crm);

    // An open stage goes before the first closed one, with the probability of the open stage
    // before it; only the two closed stages move (and are audited).
    let demo = crm.add_stage("  Demo ", None, StageOutcome::Open, None).unwrap();
    assert_eq!((demo.name.as_str(), demo.order, demo.probability), ("Demo", 9, 80));
    assert_eq!(stage_names(&crm)[7..], ["Negotiation/Review", "Demo", "Closed Won", "Closed Lost"]);
    assert_eq!(stage_orders(&crm), (1..=11).collect::<Vec<_>>());
    let audit = stage_audit(&crm);
    let changed: Vec<usize> = (0..20).filter(|&i| audit[i] != audit_before[i]).map(|i| i + 1).collect();
    assert_eq!(changed, [9, 10, 11], "only the stages whose order changed are written, plus the new one");
    let last = crm.audit(RecordRef::new(Kind::Stage, 9)).unwrap().pop().unwrap();
    assert_eq!(last.changes, vec![Change { field: "order".into(), old: "9".into(), new: "10".into() }]);

    // Closed stages go to the end; a position puts a stage there; default probabilities.
    let won = crm.add_stage("Renewed", None, StageOutcome::Won, None).unwrap();
    assert_eq!((won.order, won.probability), (12, 100));
    let lost = crm.add_stage("Disqualified", None, StageOutcome::Lost, Some(0)).unwrap();
    assert_eq!((lost.order, lost.probability), (1, 0));
    let early = crm.add_stage("Discovery", Some(15), StageOutcome::Open, Some(2)).unwrap();
    assert_eq!(early.order, 3);
    assert_eq!(stage_names(&crm)[..4], ["Disqualified", "Prospecting", "Discovery", "Qualification"]);
    assert_eq!(stage_orders(&crm), (1..=14).collect::<Vec<_>>());
    let after = crm.add_stage("Second", None, StageOutcome::Open, Some(3)).unwrap();
    assert_eq!(after.probability, 15, "an open stage takes the probability of the open stage before it");

    // Names are unique whatever the case and spaces; positions stay on the board.
    let before = pipeline(&crm);
    let err = crm.add_stage(" closed WON ", Some(5), StageOutcome::Open, None).unwrap_err();
    assert!(err.to_string().starts_with("name: a stage called Closed Won already exists"), "{err}");
    let err = crm.add_stage("Far", None, StageOutcome::Open, Some(16)).unwrap_err();
    assert_eq!(err.to_string(), "position: 17 is past the end: use 1 to 16");
    let err = crm.add_stage(" ", None, StageOutcome::Open, None).unwrap_err();
    assert!(err.to_string().starts_with("name: is required"), "{err}");
    assert_eq!(pipeline(&crm), before);
}

#[test]
fn a_new_default_probability_moves_open_deals_not_set_by_hand() {
    let (_d, crm) = fresh();
    let follows = deal_in(&crm, "Qualification", None);
    let by_hand = deal_in(&crm, "Qualification", Some(55));
    let elsewhere = deal_in(&crm, "Needs Analysis", None);
    let won = deal_in(&crm, "Closed Won", None);
    let qualification = crm.stage_named("qualification").unwrap();

    let stage = crm.edit_stage(qualification.id, None, Some(35)).unwrap();
    assert_eq!((stage.name.as_str(), stage.probability), ("Qualification", 35));
    let prob = |o: &Opportunity| crm.get::<Opportunity>(o.id).unwrap().probability;
    assert_eq!([prob(&follows), prob(&by_hand), prob(&elsewhere)], [35, 55, 25]);
    let timeline = crm.timeline(RecordRef::new(Kind::Opportunity, follows.id)).unwrap();
    let summaries: Vec<&str> = timeline.iter().map(|i| i.summary.as_str()).collect();
    assert!(summaries.contains(&"probability follows stage Qualification (35%)"), "{summaries:?}");
    assert_eq!(crm.timeline(RecordRef::new(Kind::Opportunity, by_hand.id)).unwrap().len(), 1, "untouched");

    // Closed deals keep theirs; a deal created later takes the new default.
    let closed_won = crm.stage_named("closed won").unwrap();
    crm.edit_stage(closed_won.id, None, Some(90)).unwrap();
    assert_eq!(prob(&won), 100);
    assert_eq!(deal_in(&crm, "Qualification", None).probability, 35);

    // Renaming: the new name is free (its own in another case is fine), the deals stay.
    let renamed = crm.edit_stage(qualification.id, Some(" Qualified ".into()), None).unwrap();
    assert_eq!(renamed.name, "Qualified");
    assert_eq!(crm.stage_named("QUALIFIED").unwrap().id, qualification.id);
    crm.edit_stage(qualification.id, Some("qualified".into()), None).unwrap();
    let before = pipeline(&crm);
    let err = crm.edit_stage(qualification.id, Some("prospecting".into()), Some(70)).unwrap_err();
    assert!(err.to_string().starts_with("name: a stage called Prospecting already exists"), "{err}");
    let err = crm.edit_stage(qualification.id, None, Some(101)).unwrap_err();
    assert!(err.to_string().starts_with("probability:"), "{err}");
    assert!(matches!(crm.edit_stage(404, None, Some(5)), Err(CrmError::NotFound(_))));
    assert_eq!(pipeline(&crm), before);
}

#[test]
fn moving_a_stage_renumbers_the_board() {
    let (_d, crm) = fresh();
    let lost = crm.stage_named("closed lost").unwrap();
    let stages = crm.move_stage(lost.id, 0).unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names[..3], ["Closed Lost", "Prospecting", "Qualification"]);
    assert_eq!(stages.iter().map(|s| s.order).collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>());
    assert_eq!(crm.stages().unwrap(), stages, "what it returns is what is stored");
    assert_eq!(stage_names(&crm).last().map(String::as_str), Some("Closed Won"));

    let stages = crm.move_stage(lost.id, 9).unwrap();
    assert_eq!(stages.last().unwrap().id, lost.id);
    assert_eq!(stages[0].name, "Prospecting");
    assert_eq!(stage_orders(&crm), (1..=10).collect::<Vec<_>>());

    let before = pipeline(&crm);
    let err = crm.move_stage(lost.id, 10).unwrap_err();
    assert_eq!(err.to_string(), "position: 11 is past the end: use 1 to 10");
    assert!(matches!(crm.move_stage(404, 0), Err(CrmError::NotFound(_))));
    assert_eq!(pipeline(&crm), before);
}

#[test]
fn deleting_a_stage_moves_its_deals_first() {
    let (_d, crm) = fresh();
    let follows = deal_in(&crm, "Needs Analysis", None);
    let by_hand = deal_in(&crm, "Needs Analysis", Some(33));
    let bystander = deal_in(&crm, "Prospecting", None);
    let needs = crm.stage_named("needs analysis").unwrap();
    let negotiation = crm.stage_named("negotiation/review").unwrap();

    // With deals in it and nowhere to put them: refused, with the count and the fix.
    let before = pipeline(&crm);
    let err = crm.delete_stage(needs.id, None).unwrap_err();
    assert!(matches!(err, CrmError::StageInUse { .. }), "{err}");
    assert_eq!(err.to_string(), "2 deals are in stage Needs Analysis: pass --move-to STAGE to move them there first");
    let err = crm.delete_stage(needs.id, Some(needs.id)).unwrap_err();
    assert!(err.to_string().starts_with("move-to: is Needs Analysis, the stage being deleted"), "{err}");
    assert!(matches!(crm.delete_stage(needs.id, Some(404)), Err(CrmError::NotFound(_))));
    let won = crm.stage_named("closed won").unwrap();
    let err = crm.delete_stage(needs.id, Some(won.id)).unwrap_err();
    assert!(err.to_string().starts_with("move-to: is Closed Won, a won stage"), "never wins deals in bulk: {err}");
    assert_eq!(pipeline(&crm), before);

    // Moved as a stage move does: the probability follows unless set by hand.
    assert_eq!(crm.delete_stage(needs.id, Some(negotiation.id)).unwrap(), 2);
    assert!(matches!(crm.get::<Stage>(needs.id), Err(CrmError::NotFound(_))));
    let get = |o: &Opportunity| crm.get::<Opportunity>(o.id).unwrap();
    assert_eq!((get(&follows).stage, get(&follows).probability), (negotiation.id, 80));
    assert_eq!((get(&by_hand).stage, get(&by_hand).probability), (negotiation.id, 33));
    assert_eq!(get(&bystander), bystander);
    let timeline = crm.timeline(RecordRef::new(Kind::Opportunity, follows.id)).unwrap();
    let summaries: Vec<&str> = timeline.iter().map(|i| i.summary.as_str()).collect();
    assert!(summaries.contains(&"moved from Needs Analysis to Negotiation/Review"), "{summaries:?}");
    assert_eq!(stage_orders(&crm), (1..=9).collect::<Vec<_>>());
    assert!(!stage_names(&crm).contains(&"Needs Analysis".to_string()));

    // Into a lost stage: lost, with a reason saying why.
    let qualification = crm.stage_named("qualification").unwrap();
    let lost = crm.stage_named("closed lost").unwrap();
    let dropped = deal_in(&crm, "Qualification", Some(60));
    assert_eq!(crm.delete_stage(qualification.id, Some(lost.id)).unwrap(), 1);
    let dropped = get(&dropped);
    assert_eq!((dropped.stage, dropped.status, dropped.probability), (lost.id, StageOutcome::Lost, 0));
    assert_eq!(dropped.lost_reason.as_deref(), Some("stage Qualification removed"));

    // An empty stage needs no --move-to.
    let empty = crm.stage_named("value proposition").unwrap();
    assert_eq!(crm.delete_stage(empty.id, None).unwrap(), 0);
    assert_eq!(stage_orders(&crm), (1..=7).collect::<Vec<_>>());
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
}

#[test]
fn the_last_open_won_and_lost_stages_cannot_be_deleted() {
    let (_d, crm) = fresh();
    let before = pipeline(&crm);
    for (name, outcome) in [("closed won", "won"), ("closed lost", "lost")] {
        let stage = crm.stage_named(name).unwrap();
        let err = crm.delete_stage(stage.id, Some(1)).unwrap_err();
        assert!(matches!(err, CrmError::LastStage { .. }), "{err}");
        assert!(err.to_string().contains(&format!("is the last {outcome} stage")), "{err}");
    }
    assert_eq!(pipeline(&crm), before);

    // Every open stage but one can go; the last cannot.
    let open: Vec<Stage> = crm.stages().unwrap().into_iter().filter(|s| s.outcome == StageOutcome::Open).collect();
    for s in &open[1..] {
        crm.delete_stage(s.id, None).unwrap();
    }
    let err = crm.delete_stage(open[0].id, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Prospecting is the last open stage and the pipeline needs one: add another open stage first"
    );
    assert_eq!(stage_names(&crm), ["Prospecting", "Closed Won", "Closed Lost"]);

    // With another won stage, the first one can go.
    let renewed = crm.add_stage("Renewed", None, StageOutcome::Won, None).unwrap();
    crm.delete_stage(crm.stage_named("closed won").unwrap().id, None).unwrap();
    assert_eq!(stage_names(&crm), ["Prospecting", "Closed Lost", "Renewed"]);
    assert_eq!(
        crm.close_opportunity(deal_in(&crm, "Prospecting", None).id, StageOutcome::Won, None).unwrap().stage,
        renewed.id
    );
}

#[test]
fn a_stage_command_that_fails_midway_keeps_nothing() {
    let (_d, crm) = fresh();
    let deal = deal_in(&crm, "Needs Analysis", None);
    let needs = crm.stage_named("needs analysis").unwrap();
    let before = pipeline(&crm);

    // Every stage makes room for the new first one, then the new one fails its checks.
    let err = crm.add_stage("Lead-in", Some(150), StageOutcome::Open, Some(0)).unwrap_err();
    assert!(err.to_string().starts_with("probability:"), "{err}");
    assert_eq!(pipeline(&crm), before);

    // The deal moves and the stage goes; then the same transaction fails.
    let err = crm
        .write(|tx| {
            assert_eq!(tx.delete_stage(needs.id, Some(8))?, 1);
            tx.add_stage("Negotiation/Review", None, StageOutcome::Open, None)
        })
        .unwrap_err();
    assert!(err.to_string().starts_with("name: a stage called Negotiation/Review"), "{err}");
    assert_eq!(pipeline(&crm), before);
    assert_eq!(crm.get::<Opportunity>(deal.id).unwrap().stage, needs.id);

    // A new default that its deals follow, then a failure.
    let err = crm
        .write(|tx| {
            tx.edit_stage(needs.id, None, Some(45))?;
            tx.move_stage(needs.id, 99)
        })
        .unwrap_err();
    assert!(err.to_string().starts_with("position:"), "{err}");
    assert_eq!(pipeline(&crm), before);
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
}

/// Birthdays are counted from the index and only the first few are read, so the start-up
/// notice stays cheap however many people a big database holds.
#[test]
fn birthdays_count_them_all_and_read_only_the_first_few() {
    let (_d, crm) = fresh();
    let today = Date::today();
    let born = |n: i64| {
        let d = today.add_days(n);
        Date::from_ymd(1990, chrono::Datelike::month(&d.0), chrono::Datelike::day(&d.0))
    };
    for (i, n) in [0, 1, 1, 3, 20].into_iter().enumerate() {
        let c =
            Contact { first_name: format!("P{i}"), last_name: "Born".into(), birthday: born(n), ..Default::default() };
        crm.create(c).unwrap();
    }
    let (first, total) = crm.birthdays(today, 14, 2).unwrap();
    assert_eq!((first.len(), total), (2, 4), "the one in 20 days is outside the fortnight");
    assert!(first[0].date <= first[1].date);
    let all = crm.birthdays(today, 14, usize::MAX).unwrap().0;
    assert_eq!(all.len(), 4);
}

/// Two records of one person become one that keeps everything of both; the pair was found first.
#[test]
fn merging_duplicates_keeps_every_email_phone_and_activity_of_both() {
    let (_dir, crm) = fresh();
    let m = populate(&crm);
    let old: Contact = crm.get(m.contact).unwrap();
    let twin = crm
        .create(Contact {
            first_name: "Zoe".into(),
            last_name: "O'Brien".into(),
            emails: vec![
                Email { consent: Consent::OptedOut, ..Email::new(old.emails[0].address.to_uppercase()) },
                Email::new("zoe@home.example"),
            ],
            phones: vec![Phone::new("+81 90 1111 2222")],
            ..Default::default()
        })
        .unwrap();
    let pairs = crm.duplicate_contacts(10).unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!((pairs[0].first, pairs[0].second), (m.contact, twin.id));
    assert!(pairs[0].reason.starts_with("same email"), "{}", pairs[0].reason);

    let kept = crm.merge_contacts(twin.id, m.contact).unwrap();
    assert_eq!(kept.full_name(), "Zoe O'Brien", "the kept contact's own name stays");
    let addresses: Vec<_> = kept.emails.iter().map(|e| e.address.to_lowercase()).collect();
    assert_eq!(addresses, [old.emails[0].address.to_lowercase(), "zoe@home.example".to_string()]);
    assert_eq!(kept.emails[0].consent, Consent::OptedOut, "an opt-out is never lost");
    assert_eq!(kept.phones.len(), old.phones.len() + 1);
    assert_eq!(kept.account, old.account);
    assert_eq!(kept.birthday, old.birthday);
    // Everything that pointed at the merged contact now points at the kept one.
    assert_eq!(crm.get::<Task>(m.task).unwrap().contact, Some(twin.id));
    assert_eq!(crm.get::<Call>(m.call).unwrap().contact, twin.id);
    assert_eq!(crm.get::<Event>(m.event).unwrap().attendees, [twin.id]);
    assert_eq!(crm.get::<ContactList>(m.list).unwrap().members, [twin.id]);
    assert_eq!(crm.get::<Note>(m.note).unwrap().target, RecordRef::new(Kind::Contact, twin.id));
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap().contact, Some(twin.id));
    assert!(matches!(crm.get::<Contact>(m.contact), Err(CrmError::NotFound(_))));
    let notes = crm.list::<Note>(|n| n.target.id == twin.id).unwrap();
    assert!(notes.iter().any(|n| n.text.starts_with("Merged with Zoë O'Brien-Müller")), "{notes:?}");
    assert_eq!(crm.duplicate_contacts(10).unwrap(), vec![]);
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
    // A contact is not merged with itself, nor with one that is gone.
    assert!(crm.merge_contacts(twin.id, twin.id).is_err());
    assert!(matches!(crm.merge_contacts(twin.id, m.contact), Err(CrmError::NotFound(_))));
}

#[test]
fn demo_contacts_were_last_active_no_earlier_than_their_calls() {
    let (_d, crm) = fresh();
    rolo::demo::fill(&crm, &rolo::demo::DemoSize::for_contacts(200), 1, false, &mut || {}).unwrap();
    let last: std::collections::HashMap<Id, Option<Timestamp>> =
        crm.list::<Contact>(|_| true).unwrap().into_iter().map(|c| (c.id, c.last_activity)).collect();
    let calls = crm.list::<Call>(|_| true).unwrap();
    assert!(!calls.is_empty());
    // Some demo people carry labels to filter by.
    assert!(crm.list::<Contact>(|c| c.tags.iter().any(|t| t == "vip")).unwrap().len() >= 10);
    for call in calls {
        let seen = last[&call.contact];
        assert!(seen.is_some_and(|t| t >= call.started_at), "call {} after {seen:?}", call.id);
    }
}

/// An email sent counts in the activity report for its sender, and its number opens the email.
#[test]
fn emails_count_in_the_activity_report_and_open_from_it() {
    use rolo::crm::{ActivityCount, Bucket, ReportQuery};
    let (dir, crm) = common::fresh();
    crm.set_mail_setting("smtp.from", "Ann <ann@rolo.example>").unwrap();
    let c = crm
        .create(Contact {
            first_name: "Bo".into(),
            last_name: "Chen".into(),
            emails: vec![Email::new("bo@x.example")],
            ..Default::default()
        })
        .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let write = |p: &std::path::Path, d: &[u8]| std::fs::write(p, d).map_err(|e| e.to_string());
    let mut folder = rolo::mail::Folder::new(&out, Box::new(write));
    let draft = crm.compose(c.id, None, "Hi {{first_name}}", "A word.").unwrap();
    let sent = crm.send_email(draft, &mut folder).unwrap();
    let today = crm.session().today();
    let report = crm.activity_report(ReportQuery::default()).unwrap();
    let row = report.rows.iter().find(|r| r.owner == crm.user()).expect("a row for the sender");
    assert_eq!((row.day, row.emails, row.calls), (today, 1, 0));
    let bucket =
        Bucket::Activity { owner: crm.user().to_string(), from: today, to: today, which: ActivityCount::Emails };
    assert_eq!(bucket.kind(), Kind::Email);
    assert_eq!(crm.records_in(&bucket).unwrap(), [sent.record_ref()]);
}

/// A bulk load knows the records it made exist without reading them back, but not once it has
/// removed one: a link to a record made and deleted in the same load is refused.
#[test]
fn a_bulk_load_links_to_what_it_made_and_not_to_what_it_removed() {
    let (_dir, crm) = fresh();
    let account = |name: &str| Account { name: name.into(), ..Default::default() };
    let filed = |first: &str, account| Contact {
        first_name: first.into(),
        last_name: "Quill".into(),
        account: Some(account),
        ..Default::default()
    };
    let made = crm
        .write_bulk("test load", |tx| {
            let a = tx.create(account("Acme"))?;
            tx.create(filed("Ann", a.id))?;
            Ok(a.id)
        })
        .unwrap();
    assert_eq!(crm.list::<Contact>(|c| c.account == Some(made)).unwrap().len(), 1);
    let refused = crm.write_bulk("test load", |tx| {
        let a = tx.create(account("Gone"))?;
        tx.create(account("Kept"))?;
        tx.delete::<Account>(a.id)?;
        tx.create(filed("Bo", a.id))
    });
    assert!(
        matches!(&refused, Err(CrmError::Invalid(e)) if e.field == "account" && e.message.contains("does not exist")),
        "{refused:?}"
    );
    assert!(crm.list::<Account>(|a| a.name != "Acme").unwrap().is_empty(), "the refused load wrote nothing");
}

#[test]
fn migrate_copies_every_record_id_audit_entry_version_and_user_into_a_new_database() {
    let (dir, crm) = fresh();
    let made = populate(&crm);
    let contact = RecordRef::new(Kind::Contact, made.contact);
    let mut c: Contact = crm.get(made.contact).unwrap();
    c.title = Some("CFO".into());
    crm.update(c).unwrap();
    // A new database beside this one: a file, or in the PostgreSQL run another database there.
    let target = common::database(&dir.path().join("moved"));
    let copied = crm.migrate_to(&target).unwrap();
    assert_eq!(copied.records.get(&Kind::Contact), Some(&crm.count(Kind::Contact).unwrap()));
    let copy = common::open_as_tester(&target);
    for kind in Kind::ALL {
        assert_eq!(copy.count(kind).unwrap(), crm.count(kind).unwrap(), "{kind}");
    }
    assert_eq!(copy.list::<Contact>(|_| true).unwrap(), crm.list::<Contact>(|_| true).unwrap());
    assert_eq!(copy.list::<Opportunity>(|_| true).unwrap(), crm.list::<Opportunity>(|_| true).unwrap());
    assert_eq!(copy.list::<Task>(|_| true).unwrap(), crm.list::<Task>(|_| true).unwrap());
    assert_eq!(copy.list::<Note>(|_| true).unwrap(), crm.list::<Note>(|_| true).unwrap());
    assert_eq!(copy.audit(contact).unwrap(), crm.audit(contact).unwrap(), "the audit trail came along");
    assert_eq!(copy.version(contact).unwrap(), crm.version(contact).unwrap(), "and the versions");
    assert_eq!(copy.directory().unwrap(), crm.directory().unwrap(), "and the users, teams and roles");
    let name = crm.get::<Contact>(made.contact).unwrap().last_name;
    assert!(copy.search(&name, &[Kind::Contact], 5).unwrap().iter().any(|h| h.id == made.contact), "and the search");
    assert!(copy.check().unwrap().is_empty(), "the copy checks clean");
    // Ids go on from where the source's were.
    let next = copy.create(Contact { last_name: "Next".into(), ..Default::default() }).unwrap().id;
    assert_eq!(next, crm.create(Contact { last_name: "Next".into(), ..Default::default() }).unwrap().id);
    // A database that holds records is no target, nor is the database itself.
    let again = crm.migrate_to(&target).unwrap_err().to_string();
    assert!(again.contains("already"), "{again}");
    assert!(crm.migrate_to(crm.path()).unwrap_err().to_string().contains("is the database itself"));
}

#[test]
fn only_an_admin_may_migrate_and_a_target_that_cannot_be_made_is_refused() {
    let (dir, crm) = fresh();
    populate(&crm);
    crm.add_user(User::new("rita", "Rita Rep", "rep")).unwrap();
    let rep = crm.acting_as("rita").unwrap();
    let target = dir.path().join("copy.redb");
    let refused = rep.migrate_to(&target).unwrap_err().to_string();
    assert!(refused.contains("only an admin may"), "{refused}");
    assert!(!target.exists(), "nothing written");
    // A folder that cannot be made (a file is in the way): refused, naming why.
    std::fs::write(dir.path().join("blocker"), b"").unwrap();
    let blocked = dir.path().join("blocker").join("copy.redb");
    assert!(crm.migrate_to(&blocked).is_err());
    assert!(!blocked.exists());
}
