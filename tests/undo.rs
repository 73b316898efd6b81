//! Undo through the service: each kind of change is put back exactly, the search finds what came
//! back, the indexes stay whole, and one session never undoes another's work.

mod common;

use common::{fresh, populate};
use rolo::crm::{ConvertLead, Crm, CrmError, NewOpportunity, Session, UndoRefusal};
use rolo::model::*;

/// Asserts the database is sound and the search finds `name` as `id` of `kind`.
fn sound_and_found(crm: &Crm, kind: Kind, name: &str, id: Id) {
    assert_eq!(crm.check().unwrap(), Vec::<String>::new(), "no index problem");
    let hits = crm.search(name, &[kind], 5).unwrap();
    assert!(hits.iter().any(|h| h.kind == kind && h.id == id), "{name} is found again: {hits:?}");
}

/// Loads the search index, so that undo must keep the in-memory index in step too.
fn with_search(crm: &Crm) {
    crm.search("warm up", &[], 1).unwrap();
}

#[test]
fn a_moved_deal_goes_back_to_its_stage() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    with_search(&crm);
    let before: Opportunity = crm.get(m.opportunity).unwrap();
    crm.move_opportunity(m.opportunity, "Negotiation/Review", None).unwrap();
    let undone = crm.undo().unwrap();
    assert!(undone.summary.starts_with("Undone: opportunity Fleet licences moved from"), "{}", undone.summary);
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap(), before);
    sound_and_found(&crm, Kind::Opportunity, "Fleet licences", m.opportunity);
    let timeline = crm.timeline(RecordRef::new(Kind::Opportunity, m.opportunity)).unwrap();
    assert!(timeline.iter().any(|i| i.summary.starts_with("undo: opportunity Fleet")), "the audit says it was an undo");
}

#[test]
fn a_won_or_lost_deal_gets_its_stage_back_and_loses_its_closing_day() {
    for outcome in [StageOutcome::Won, StageOutcome::Lost] {
        let (_d, crm) = fresh();
        let m = populate(&crm);
        let before: Opportunity = crm.get(m.opportunity).unwrap();
        let closed = crm.close_opportunity(m.opportunity, outcome, Some("price")).unwrap();
        assert!(closed.closed_on.is_some());
        crm.undo().unwrap();
        let back: Opportunity = crm.get(m.opportunity).unwrap();
        assert_eq!((back.closed_on, back.stage), (None, before.stage), "{outcome}");
        assert_eq!(back, before);
        sound_and_found(&crm, Kind::Opportunity, "Fleet licences", m.opportunity);
    }
}

#[test]
fn a_completed_task_is_open_again_and_its_contact_as_before() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let task: Task = crm.get(m.task).unwrap();
    let contact: Contact = crm.get(m.contact).unwrap();
    crm.set_task_done(m.task, true).unwrap();
    assert_ne!(crm.get::<Contact>(m.contact).unwrap(), contact, "completing moved the contact's last activity");
    assert_eq!(crm.undo().unwrap().summary, "Undone: task Send pricing completed");
    assert_eq!(crm.get::<Task>(m.task).unwrap(), task);
    assert_eq!(crm.get::<Contact>(m.contact).unwrap(), contact);
    sound_and_found(&crm, Kind::Contact, "Zoë", m.contact);
}

/// Three contacts of one account, for changes made to several records at once.
fn three(crm: &Crm) -> Vec<Contact> {
    let account = crm.create(Account { name: "Acme".into(), ..Default::default() }).unwrap().id;
    ["Ann Lee", "Bo Berg", "Cy Cole"]
        .iter()
        .map(|name| {
            let (first, last) = name.split_once(' ').unwrap();
            let c = Contact {
                first_name: first.into(),
                last_name: last.into(),
                account: Some(account),
                ..Default::default()
            };
            crm.create(c).unwrap()
        })
        .collect()
}

fn reread(crm: &Crm, people: &[Contact]) -> Vec<Contact> {
    people.iter().map(|c| crm.get(c.id).unwrap()).collect()
}

#[test]
fn a_label_owner_or_list_change_on_several_records_is_undone_at_once() {
    let (_d, crm) = fresh();
    common::add_users(&crm, "rep", &["bob"]);
    let people = three(&crm);
    with_search(&crm);
    let refs: Vec<RecordRef> = people.iter().map(|c| c.record_ref()).collect();
    let ids: Vec<Id> = people.iter().map(|c| c.id).collect();

    crm.tag(&refs, "vip").unwrap();
    assert_eq!(crm.search("vip", &[Kind::Contact], 5).unwrap().len(), 3);
    assert_eq!(crm.undo().unwrap().summary, "Undone: changed tags of 3 contacts");
    assert_eq!(reread(&crm, &people), people);
    assert!(crm.search("vip", &[Kind::Contact], 5).unwrap().is_empty(), "the label left the search texts");

    crm.assign_many(&refs, "bob").unwrap();
    assert_eq!(crm.undo().unwrap().summary, "Undone: 3 contacts assigned to bob");
    assert_eq!(reread(&crm, &people), people);

    crm.add_to_list("Prospects", &ids).unwrap();
    let undone = crm.undo().unwrap();
    assert!(undone.summary.contains("created list Prospects"), "{}", undone.summary);
    assert!(crm.list::<ContactList>(|_| true).unwrap().is_empty(), "the list made for them is gone");
    sound_and_found(&crm, Kind::Contact, "Ann Lee", people[0].id);
}

#[test]
fn a_deleted_contact_comes_back_with_its_id_and_its_links() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    with_search(&crm);
    let contact: Contact = crm.get(m.contact).unwrap();
    let (task, note, list, event, deal, call) = (
        crm.get::<Task>(m.task).unwrap(),
        crm.get::<Note>(m.note).unwrap(),
        crm.get::<ContactList>(m.list).unwrap(),
        crm.get::<Event>(m.event).unwrap(),
        crm.get::<Opportunity>(m.opportunity).unwrap(),
        crm.get::<Call>(m.call).unwrap(),
    );
    // A call needs its contact: it goes first, then the contact (unlinking its task, list,
    // event and deal, and taking its note with it).
    crm.delete::<Call>(m.call).unwrap();
    crm.delete::<Contact>(m.contact).unwrap();
    assert_eq!(crm.get::<Task>(m.task).unwrap().contact, None);

    let undone = crm.undo().unwrap();
    assert!(undone.summary.starts_with("Undone: deleted contact Zoë O'Brien-Müller, with"), "{}", undone.summary);
    assert_eq!(crm.get::<Contact>(m.contact).unwrap(), contact, "back under its old id");
    assert_eq!(crm.get::<Task>(m.task).unwrap(), task, "relinked");
    assert_eq!(crm.get::<Note>(m.note).unwrap(), note);
    assert_eq!(crm.get::<ContactList>(m.list).unwrap(), list);
    assert_eq!(crm.get::<Event>(m.event).unwrap(), event);
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap(), deal);
    assert!(crm.get::<Call>(m.call).is_err(), "one undo, one change: the call is still deleted");
    sound_and_found(&crm, Kind::Contact, "Zoë", m.contact);

    assert_eq!(crm.undo().unwrap().summary, format!("Undone: deleted call {}", call.label()));
    assert_eq!(crm.get::<Call>(m.call).unwrap(), call, "the second undo takes back the change before");
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
}

#[test]
fn a_deleted_account_comes_back_and_its_contacts_are_linked_again() {
    let (_d, crm) = fresh();
    let people = three(&crm);
    with_search(&crm);
    let account = people[0].account.unwrap();
    let before: Account = crm.get(account).unwrap();
    crm.delete::<Account>(account).unwrap();
    assert!(reread(&crm, &people).iter().all(|c| c.account.is_none()), "the contacts were unlinked");
    assert!(crm.search("Acme", &[Kind::Contact], 5).unwrap().is_empty(), "the company left their search texts");

    crm.undo().unwrap();
    assert_eq!(crm.get::<Account>(account).unwrap(), before);
    assert_eq!(reread(&crm, &people), people);
    sound_and_found(&crm, Kind::Account, "Acme", account);
    assert_eq!(crm.search("Acme", &[Kind::Contact], 5).unwrap().len(), 3, "their search texts name it again");
}

#[test]
fn a_created_record_is_deleted_and_its_id_not_reused() {
    let (_d, crm) = fresh();
    with_search(&crm);
    let ann = crm.create(Contact { first_name: "Ann".into(), last_name: "Lee".into(), ..Default::default() }).unwrap();
    assert_eq!(crm.undo().unwrap().summary, "Undone: created contact Ann Lee");
    assert!(matches!(crm.get::<Contact>(ann.id), Err(CrmError::NotFound(_))));
    assert!(crm.search("Ann Lee", &[], 5).unwrap().is_empty(), "the search forgot it");
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
    let next = crm.create(Contact { first_name: "Bo".into(), last_name: "Berg".into(), ..Default::default() }).unwrap();
    assert!(next.id > ann.id, "ids are never reused");
}

#[test]
fn a_lead_conversion_is_undone_whole() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    with_search(&crm);
    let lead: Lead = crm.get(m.lead).unwrap();
    let how = ConvertLead { opportunity: Some(NewOpportunity::default()), ..Default::default() };
    let made = crm.convert_lead(m.lead, how).unwrap();
    let undone = crm.undo().unwrap();
    assert!(undone.summary.contains("created account Harbor Partners"), "{}", undone.summary);
    assert_eq!(crm.get::<Lead>(m.lead).unwrap(), lead, "the lead is open again, not converted");
    assert!(crm.get::<Account>(made.account).is_err() && crm.get::<Contact>(made.contact).is_err());
    assert!(crm.get::<Opportunity>(made.opportunity.unwrap()).is_err());
    sound_and_found(&crm, Kind::Lead, "Li Wang", m.lead);
    assert!(crm.search("Harbor", &[Kind::Account], 5).unwrap().is_empty());
}

#[test]
fn two_undos_take_back_the_last_two_changes_newest_first() {
    let (_d, crm) = fresh();
    let m = populate(&crm);
    let deal: Opportunity = crm.get(m.opportunity).unwrap();
    let task: Task = crm.get(m.task).unwrap();
    crm.move_opportunity(m.opportunity, "Negotiation/Review", None).unwrap();
    crm.set_task_done(m.task, true).unwrap();
    assert!(crm.undo().unwrap().summary.contains("task Send pricing"));
    assert_eq!(crm.get::<Task>(m.task).unwrap(), task);
    assert_ne!(crm.get::<Opportunity>(m.opportunity).unwrap(), deal, "the move is still there");
    assert!(crm.undo().unwrap().summary.contains("opportunity Fleet licences"));
    assert_eq!(crm.get::<Opportunity>(m.opportunity).unwrap(), deal);
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
}

#[test]
fn nothing_to_undo_is_said_and_opening_a_file_is_not_undoable() {
    let (_d, crm) = fresh();
    let err = crm.undo().unwrap_err();
    assert!(matches!(err, CrmError::NothingToUndo), "{err}");
    assert!(err.to_string().contains("nothing to undo"), "{err}");
    assert_eq!(crm.stages().unwrap().len(), 10, "the default stages stay");
}

#[test]
fn undo_is_refused_when_another_session_changed_the_record_since() {
    let (_d, ann) = fresh();
    common::add_users(&ann, "admin", &["bob"]);
    let bob = ann.with_session(Session::new("bob"));
    let people = three(&ann);
    let refs: Vec<RecordRef> = people.iter().map(|c| c.record_ref()).collect();
    ann.tag(&refs, "vip").unwrap();
    let mut bo: Contact = bob.get(people[1].id).unwrap();
    bo.title = Some("CFO".into());
    let bos = bob.update(bo).unwrap();

    let err = ann.undo().unwrap_err();
    assert!(matches!(&err, CrmError::Undo(UndoRefusal::ChangedSince { by, .. }) if by == "bob"), "{err}");
    assert!(err.to_string().contains("contact Bo Berg was changed since by bob"), "{err}");
    assert_eq!(bob.get::<Contact>(bos.id).unwrap(), bos, "bob's work is kept");
    assert_eq!(ann.get::<Contact>(people[0].id).unwrap().tags, vec!["vip"], "nothing was undone");

    bob.undo().unwrap();
    ann.undo().expect("the change stayed on ann's list and can be undone once bob's is gone");
    assert_eq!(reread(&ann, &people), people);
}

#[test]
fn a_session_never_undoes_another_sessions_change() {
    let (_d, ann) = fresh();
    common::add_users(&ann, "admin", &["bob"]);
    let bob = ann.with_session(Session::new("bob"));
    let mine = ann.create(Contact { first_name: "Ann".into(), last_name: "Lee".into(), ..Default::default() }).unwrap();
    let his = bob.create(Contact { first_name: "Bob".into(), last_name: "Ray".into(), ..Default::default() }).unwrap();
    assert_eq!(ann.undo().unwrap().summary, "Undone: created contact Ann Lee");
    assert!(ann.get::<Contact>(his.id).is_ok(), "bob's contact stays");
    assert!(matches!(ann.undo(), Err(CrmError::NothingToUndo)));
    assert!(ann.get::<Contact>(mine.id).is_err());
    assert!(bob.undo().is_ok() && bob.get::<Contact>(his.id).is_err(), "bob undoes his own");
}

#[test]
fn undoing_a_record_made_since_by_another_session_would_dangle_and_is_refused() {
    let (_d, ann) = fresh();
    common::add_users(&ann, "admin", &["bob"]);
    let bob = ann.with_session(Session::new("bob"));
    let acme = ann.create(Account { name: "Acme".into(), ..Default::default() }).unwrap();
    bob.create(Contact {
        first_name: "Cy".into(),
        last_name: "Cole".into(),
        account: Some(acme.id),
        ..Default::default()
    })
    .unwrap();
    let err = ann.undo().unwrap_err();
    assert!(err.to_string().contains("account Acme is now used by 1 contact"), "{err}");
    assert!(ann.get::<Account>(acme.id).is_ok());
}

#[test]
fn undoing_a_delete_whose_linked_record_is_gone_since_is_refused() {
    let (_d, ann) = fresh();
    common::add_users(&ann, "admin", &["bob"]);
    let bob = ann.with_session(Session::new("bob"));
    let people = three(&ann);
    let account = people[0].account.unwrap();
    ann.delete::<Contact>(people[0].id).unwrap();
    bob.delete::<Account>(account).unwrap();
    let err = ann.undo().unwrap_err();
    let said = err.to_string();
    assert!(said.contains("contact Ann Lee links to account:") && said.contains("which bob deleted since"), "{said}");
    assert!(ann.get::<Contact>(people[0].id).is_err(), "nothing came back");
    assert_eq!(ann.check().unwrap(), Vec::<String>::new());
}

#[test]
fn a_lead_source_change_cannot_be_undone_and_leaves_the_list() {
    let (_d, crm) = fresh();
    let ann = crm.create(Contact { first_name: "Ann".into(), last_name: "Lee".into(), ..Default::default() }).unwrap();
    crm.add_to_picklist(Picklist::LeadSources, "Podcast", None).unwrap();
    let err = crm.undo().unwrap_err();
    assert!(matches!(err, CrmError::Undo(UndoRefusal::Beyond { .. })), "{err}");
    assert!(err.to_string().contains("lead-source list"), "{err}");
    assert_eq!(crm.undo().unwrap().summary, "Undone: created contact Ann Lee", "undo goes on further back");
    assert!(crm.get::<Contact>(ann.id).is_err());
}

#[test]
fn bulk_loads_are_not_undone() {
    let (_d, crm) = fresh();
    crm.write_bulk("rolo demo", |tx| {
        tx.create(Contact { first_name: "Ann".into(), last_name: "Lee".into(), ..Default::default() })
    })
    .unwrap();
    assert!(matches!(crm.undo(), Err(CrmError::NothingToUndo)));
}
