//! The reports: the facts they read (and the upgrade that writes them into older files), and the
//! Reports screen driven by key presses.

mod common;

use redb::ReadableTable;
use rolo::crm::{Crm, ReportQuery};
use rolo::model::*;

/// A file written before the report facts existed (schema 2): the same records, without their
/// facts keys. Opening it writes them, so the reports count everything and `rolo check` agrees.
#[test]
fn opening_a_file_without_report_facts_derives_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.redb");
    {
        let crm = Crm::open(&path).unwrap();
        let m = common::populate(&crm);
        let qualification = crm.stages().unwrap()[1].id;
        let mut deal: Opportunity = crm.get(m.opportunity).unwrap();
        deal.stage = qualification;
        crm.update_opportunity(deal).unwrap();
    }
    {
        let index: redb::TableDefinition<&[u8], ()> = redb::TableDefinition::new("index");
        let meta: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta");
        let db = redb::Database::create(&path).unwrap();
        let w = db.begin_write().unwrap();
        {
            let mut t = w.open_table(index).unwrap();
            let facts: Vec<Vec<u8>> =
                t.range::<&[u8]>(&[3u8][..]..&[4u8][..]).unwrap().map(|e| e.unwrap().0.value().to_vec()).collect();
            assert!(facts.len() >= 6, "an account, a contact, a deal, a task, a call and a move: {}", facts.len());
            for k in facts {
                t.remove(k.as_slice()).unwrap();
            }
            w.open_table(meta).unwrap().insert("schema_version", 2).unwrap();
        }
        w.commit().unwrap();
    }
    let crm = Crm::open(&path).unwrap();
    assert_eq!(crm.check().unwrap(), Vec::<String>::new());
    let stages = crm.stages_report(ReportQuery::default()).unwrap();
    assert_eq!((stages.total.count, stages.stages[1].count), (1, 1), "the deal, now in Qualification");
    let november =
        ReportQuery { from: Some(common::date("2026-11-01")), to: Some(common::date("2026-11-30")), currency: None };
    assert_eq!(crm.calls_report(november).unwrap().calls, 1);
    let today = ReportQuery::default();
    let moved: u32 = crm.activity_report(today).unwrap().rows.iter().map(|r| r.deals_moved).sum();
    assert_eq!(moved, 1, "the move in the audit trail");
    assert_eq!(crm.emails_report(ReportQuery::default(), None).unwrap().total.total, 1);
}
