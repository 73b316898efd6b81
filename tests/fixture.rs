//! The database written by record format 1 must stay readable by every later rolo.
//!
//! `tests/fixtures/format1.redb` was written by `cargo test --test fixture -- --ignored
//! write_format1_fixture` (the records of `common::populate`). Never regenerate it after a format
//! change: add a new fixture for the new format instead, and keep this test.

mod common;

use std::path::PathBuf;

use rolo::crm::{Crm, Order, ReportQuery};
use rolo::model::*;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format1.redb")
}

/// `tests/fixtures/schema9.redb`: `rolo demo --contacts 30` as schema 9 wrote it, every id in its
/// index keys eight bytes long.
fn schema9() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema9.redb")
}

/// A fixture opened from a copy of it (opening upgrades it), in a folder kept while the test runs.
fn opened(fixture: PathBuf) -> (tempfile::TempDir, Crm) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join(fixture.file_name().unwrap());
    std::fs::copy(&fixture, &copy).unwrap();
    let crm = Crm::open(&copy).unwrap();
    (dir, crm)
}

#[test]
fn a_schema9_index_is_written_again_smaller_and_answers_as_before() {
    let (_dir, crm) = opened(schema9());
    // Every index key is the one this build derives from the records and the audit trail, and
    // no old one is left.
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
    // Each kind of key reads back as the records say: links, sort orders and report facts.
    let contacts = crm.list::<Contact>(|_| true).unwrap();
    assert_eq!(contacts.len(), 30);
    for account in crm.list::<Account>(|_| true).unwrap() {
        let linked: Vec<Id> = crm.linking::<Contact>(account.record_ref()).unwrap().iter().map(|c| c.id).collect();
        let named: Vec<Id> = contacts.iter().filter(|c| c.account == Some(account.id)).map(|c| c.id).collect();
        assert_eq!(linked, named, "the people of {}", account.name);
    }
    let by_name: Vec<Id> = crm.ordered::<Contact>(Order::Name, false).unwrap().iter().map(|c| c.id).collect();
    let mut sorted = contacts.clone();
    sorted.sort_by_key(|c| (format!("{} {}", c.last_name, c.first_name).to_lowercase(), c.id));
    assert_eq!(by_name, sorted.iter().map(|c| c.id).collect::<Vec<_>>());
    let (from, to) = (common::date("2020-01-01"), common::date("2030-12-31"));
    let deals: Vec<Opportunity> = crm.list::<Opportunity>(|o| (from..=to).contains(&o.report_date())).unwrap();
    let stages = crm.stages_report(ReportQuery { from: Some(from), to: Some(to), currency: None }).unwrap();
    assert!(deals.len() > 5);
    assert_eq!(stages.total.count as usize + stages.left_out as usize, deals.len());
    let usd = deals.iter().filter(|o| o.currency == stages.currency);
    assert_eq!(stages.total.amount, Amount(usd.map(|o| o.amount.0).sum()));
}

#[test]
fn format1_database_still_reads() {
    let (_dir, crm) = opened(fixture());
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
    for kind in [Kind::Account, Kind::Contact, Kind::Lead, Kind::Opportunity, Kind::Quote, Kind::Task, Kind::Call] {
        assert_eq!(crm.count(kind).unwrap(), 1, "{kind}");
    }
    let contact = crm.get::<Contact>(2).or_else(|_| crm.get::<Contact>(1)).unwrap();
    assert_eq!(contact.full_name(), "Zoë O'Brien-Müller");
    assert_eq!(contact.emails[0].consent, Consent::OptedIn);
    assert_eq!(contact.birthday, Some(common::date("1980-02-29")));
    // Schema 2 numbered the lead source; opening the file named it.
    let lead = crm.list::<Lead>(|_| true).unwrap().remove(0);
    assert_eq!(lead.source.as_deref(), Some("trade_show"));
    assert_eq!(crm.lead_sources().unwrap().len(), DEFAULT_LEAD_SOURCES.len());
    let opp = crm.list::<Opportunity>(|_| true).unwrap().remove(0);
    assert_eq!((opp.name.as_str(), opp.amount, opp.probability), ("Fleet licences", Amount(1_200_050), 10));
    let quote = crm.list::<Quote>(|_| true).unwrap().remove(0);
    assert_eq!(quote.totals().unwrap().total, Amount(40_473));
    assert_eq!(crm.stages().unwrap().len(), 10);
    // Schema 1 kept search texts one row per record; opening the file packed them.
    assert_eq!(crm.search("osaka", &[Kind::Account], 1).unwrap()[0].label, "Ōsaka Trading 株式会社");
}

#[test]
fn the_owners_of_an_older_file_become_users_and_whoever_opens_it_its_admin() {
    let (_dir, crm) = opened(fixture());
    let directory = crm.directory().unwrap();
    // The file's records were owned by "me", as older rolos wrote the owner.
    let me = directory.user("me").expect("the owner is a user");
    assert_eq!((me.role.as_str(), me.active), ("rep", true));
    let admin = directory.users.iter().find(|u| u.role == "admin").expect("an admin");
    assert_eq!(admin.login, crm.user(), "whoever opened the file is its admin, not locked out");
    assert_eq!(admin.os_user.as_deref(), Some(rolo::crm::os_user().as_str()));
    assert_eq!(crm.get::<Contact>(1).or_else(|_| crm.get::<Contact>(2)).unwrap().owner, "me");
    // The owner reads their records as a rep.
    let owner = crm.with_session(rolo::crm::Session::new("me"));
    assert_eq!(owner.count(Kind::Contact).unwrap(), 1);
    assert_eq!(owner.actor().unwrap().role().name, "rep");
    assert_eq!(crm.check().unwrap(), Vec::<String>::new(), "the owner keys were derived");
}

#[test]
#[ignore = "writes the committed fixture; run only when adding a new format's fixture"]
fn write_format1_fixture() {
    let path = fixture();
    let _ = std::fs::remove_file(&path);
    let crm = Crm::open(&path).unwrap();
    common::populate(&crm);
}
