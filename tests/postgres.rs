//! The service's suites again, each test on a new database of a throwaway PostgreSQL server (see
//! `common::database`): one conformance suite for both backends. Where the PostgreSQL binaries
//! are missing the run says so loudly and the suites run on files again.

// Each suite declares `mod common` as it does as a test crate of its own, so `common` is compiled
// once per suite here: the price of running the same files unchanged.
#![allow(clippy::duplicate_mod)]

mod common;
#[path = "crm.rs"]
mod crm;
#[path = "filter.rs"]
mod filter;
#[path = "permissions.rs"]
mod permissions;
#[path = "serve.rs"]
mod serve;
#[path = "service.rs"]
mod service;
#[path = "undo.rs"]
mod undo;

/// Two nodes (two `Crm`s, each with its own store, as two `rolo serve` processes have) over one
/// PostgreSQL database.
mod nodes {
    use rolo::crm::{Crm, CrmError, Session};
    use rolo::model::{Contact, Kind, RecordRef, User};

    /// Two handles over a new database, each opened on its own; `None` (the run said why) where
    /// no PostgreSQL server can be had.
    fn two_nodes() -> Option<(Crm, Crm)> {
        let server = rolo::store::Throwaway::shared()?;
        let address = std::path::PathBuf::from(server.new_database().expect("a database"));
        let a = Crm::open(&address).expect("node a");
        a.add_user(User::new("ann", "Ann Lee", "admin")).unwrap();
        a.add_user(User::new("bob", "Bob Stone", "admin")).unwrap();
        let b = Crm::open(&address).expect("node b");
        Some((a.with_session(Session::new("ann")), b.with_session(Session::new("bob"))))
    }

    #[test]
    fn what_one_node_writes_the_other_reads_at_its_next_query() {
        let Some((ann, bob)) = two_nodes() else { return };
        assert_eq!(bob.count(Kind::Contact).unwrap(), 0);
        let id = ann.create(Contact { first_name: "Li".into(), last_name: "Wang".into(), ..Default::default() });
        let id = id.unwrap().id;
        assert_eq!(bob.count(Kind::Contact).unwrap(), 1, "b's kept snapshot gave way to the new commit");
        assert_eq!(bob.get::<Contact>(id).unwrap().last_name, "Wang");
        // Both write, one after the other, each seeing what the other wrote.
        let mut c = bob.get::<Contact>(id).unwrap();
        c.title = Some("CTO".into());
        bob.update(c).unwrap();
        let mut c = ann.get::<Contact>(id).unwrap();
        assert_eq!(c.title.as_deref(), Some("CTO"));
        c.first_name = "Lee".into();
        ann.update(c).unwrap();
        let c = bob.get::<Contact>(id).unwrap();
        assert_eq!((c.first_name.as_str(), c.title.as_deref()), ("Lee", Some("CTO")), "no update lost");
        // Ids keep one sequence across nodes.
        let other = bob.create(Contact { first_name: "Mo".into(), last_name: "Diaz".into(), ..Default::default() });
        assert_eq!(other.unwrap().id, id + 1);
    }

    #[test]
    fn a_save_on_one_node_over_a_change_made_on_the_other_is_refused_naming_who() {
        let Some((ann, bob)) = two_nodes() else { return };
        let id = ann.create(Contact { first_name: "Li".into(), last_name: "Wang".into(), ..Default::default() });
        let id = id.unwrap().id;
        let target = RecordRef::new(Kind::Contact, id);
        let (mut mine, seen) = ann.get_versioned::<Contact>(id).unwrap();
        let (mut theirs, their_seen) = bob.get_versioned::<Contact>(id).unwrap();
        theirs.title = Some("CTO".into());
        bob.expecting(target, their_seen).update(theirs).unwrap();
        mine.first_name = "Lee".into();
        let refused = ann.expecting(target, seen).update(mine).unwrap_err();
        assert!(matches!(&refused, CrmError::Stale { by, .. } if by == "Bob Stone"), "{refused}");
        assert_eq!(ann.get::<Contact>(id).unwrap().first_name, "Li", "nothing written");
    }

    #[test]
    fn writers_on_two_nodes_at_once_take_turns_and_lose_nothing() {
        let Some((ann, bob)) = two_nodes() else { return };
        let id = ann.create(Contact { first_name: "N".into(), last_name: "0".into(), ..Default::default() });
        let id = id.unwrap().id;
        // Each node appends its tag to the contact's interests 20 times, at the same time.
        let append = |crm: &Crm, tag: &str| {
            for i in 0..20 {
                crm.write(|tx| {
                    let mut c: Contact = tx.get(id)?;
                    c.interests.push(format!("{tag}{i}"));
                    tx.update(c, None)
                })
                .unwrap();
            }
        };
        std::thread::scope(|s| {
            s.spawn(|| append(&ann, "a"));
            s.spawn(|| append(&bob, "b"));
        });
        let c = ann.get::<Contact>(id).unwrap();
        assert_eq!(c.interests.len(), 40, "every write kept: {:?}", c.interests);
    }

    #[test]
    fn a_backup_of_a_database_on_a_server_is_left_to_the_servers_tools() {
        let Some((ann, _)) = two_nodes() else { return };
        let dir = tempfile::tempdir().unwrap();
        let e = ann.backup(&dir.path().join("copy.redb")).unwrap_err().to_string();
        assert!(e.contains("is on a server") && e.contains("pg_dump"), "{e}");
        assert!(!dir.path().join("copy.redb").exists());
    }
}
