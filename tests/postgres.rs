//! The service's suites again, each test on a new database of a throwaway PostgreSQL server (see
//! `common::database`): one conformance suite for both backends. Where the PostgreSQL binaries
//! are missing the run says so loudly and the suites run on files again.

// Each suite declares `mod common` as it does as a test crate of its own, so `common` is compiled
// once per suite here: the price of running the same files unchanged.
#![allow(clippy::duplicate_mod)]

#[path = "cli/main.rs"]
mod cli;
mod common;
#[path = "crm.rs"]
mod crm;
#[path = "filter.rs"]
mod filter;
#[path = "import.rs"]
mod import;
#[path = "permissions.rs"]
mod permissions;
#[path = "reports.rs"]
mod reports;
#[path = "serve.rs"]
mod serve;
#[path = "service.rs"]
mod service;
#[path = "undo.rs"]
mod undo;

/// Two nodes (two `Crm`s, each with its own store, as two `rolo serve` processes have) over one
/// PostgreSQL database.
mod nodes {
    use std::time::{Duration, Instant};

    use rolo::crm::{Crm, CrmError, Session};
    use rolo::model::{Call, Contact, Kind, Record, RecordRef, User};

    /// Two nodes over a new database, each opened on its own, with the users ann, bob (admins)
    /// and cy (a rep), and the database's address; `None` (the run said why) where no PostgreSQL
    /// server can be had.
    fn two_nodes_at() -> Option<(String, Crm, Crm)> {
        let server = rolo::store::Throwaway::shared()?;
        let address = server.new_database().expect("a database");
        let a = Crm::open(std::path::Path::new(&address)).expect("node a");
        a.add_user(User::new("ann", "Ann Lee", "admin")).unwrap();
        a.add_user(User::new("bob", "Bob Stone", "admin")).unwrap();
        a.add_user(User::new("cy", "Cy Park", "rep")).unwrap();
        let b = Crm::open(std::path::Path::new(&address)).expect("node b");
        Some((address, a, b))
    }

    /// Ann on one node, Bob on the other.
    fn two_nodes() -> Option<(Crm, Crm)> {
        let (_, a, b) = two_nodes_at()?;
        Some((a.with_session(Session::new("ann")), b.with_session(Session::new("bob"))))
    }

    /// Waits (at most `within`) until `crm`'s node has taken in a commit after `seen`, as a
    /// session's loop sees it; returns what changed and how long it took.
    fn news_after(crm: &Crm, seen: u64, within: Duration) -> (rolo::crm::Changes, Duration) {
        let start = Instant::now();
        while crm.commits() == seen && start.elapsed() < within {
            std::thread::sleep(Duration::from_millis(10));
        }
        (crm.changes_since(seen), start.elapsed())
    }

    #[test]
    fn a_write_on_one_node_shows_in_a_session_on_the_other_within_a_second() {
        let Some((ann, bob)) = two_nodes() else { return };
        // Bob's node has its search index, built before Ann writes.
        assert!(bob.search("zephyr", &[], 5).unwrap().is_empty());
        let seen = bob.commits();
        let c = ann.create(Contact { first_name: "Quill".into(), last_name: "Zephyr".into(), ..Default::default() });
        let target = c.unwrap().record_ref();
        // Bob's session does nothing but ask, as its loop does before each frame.
        let (changes, took) = news_after(&bob, seen, Duration::from_secs(5));
        assert_eq!(bob.own_commits(), 0, "what bob's node took in is not bob's own saving");
        assert!(took < Duration::from_secs(1), "told after {took:?}");
        assert!(changes.touches(target) && !changes.everything, "{changes:?}");
        let found = |q: &str| bob.search(q, &[], 5).unwrap().iter().map(|h| h.id).collect::<Vec<_>>();
        assert_eq!(found("zephyr"), [target.id], "found in the index it already had");
        // A rename and a removal reach it too.
        let mut c: Contact = ann.get(target.id).unwrap();
        c.last_name = "Moss".into();
        ann.update(c).unwrap();
        assert_eq!((found("zephyr"), found("quill moss")), (vec![], vec![target.id]));
        ann.delete::<Contact>(target.id).unwrap();
        assert!(found("quill moss").is_empty());
        // A session is not told of its own node's commits as news, but of the other node's.
        let seen = ann.commits();
        bob.create(Contact { first_name: "Ada".into(), last_name: "Byrne".into(), ..Default::default() }).unwrap();
        assert!(bob.changes_since(bob.commits() - 1).is_empty(), "its own write is not news to it");
        assert!(news_after(&ann, seen, Duration::from_secs(1)).0.touches_kind(Kind::Contact));
    }

    #[test]
    fn who_may_see_what_follows_an_owner_changed_on_the_other_node() {
        let Some((_, a, b)) = two_nodes_at() else { return };
        let ann = a.with_session(Session::new("ann"));
        let cy = b.with_session(Session::new("cy"));
        let contact = ann.create(Contact { last_name: "Wang".into(), owner: "cy".into(), ..Default::default() });
        let contact = contact.unwrap();
        let call = Call {
            contact: contact.id,
            owner: "ann".into(),
            started_at: rolo::model::Timestamp(1_772_000_000),
            ..Default::default()
        };
        ann.log_call(call).unwrap();
        assert_eq!(cy.list::<Call>(|_| true).unwrap().len(), 1, "cy reads the call about cy's contact");
        let mut moved: Contact = ann.get(contact.id).unwrap();
        moved.owner = "ann".into();
        ann.update(moved).unwrap();
        assert_eq!(cy.list::<Call>(|_| true).unwrap().len(), 0, "no longer, once the contact is ann's");
        assert!(cy.search("wang", &[], 5).unwrap().is_empty(), "nor is the contact found");
    }

    #[test]
    fn a_node_that_fell_too_far_behind_reads_everything_again() {
        let Some((address, a, b)) = two_nodes_at() else { return };
        let (ann, bob) = (a.with_session(Session::new("ann")), b.with_session(Session::new("bob")));
        assert!(bob.search("wang", &[], 5).unwrap().is_empty());
        let seen = bob.commits();
        // Many commits later (the database no longer keeps what each changed)...
        let mut admin = postgres::Client::connect(&address, postgres::NoTls).unwrap();
        admin.batch_execute("UPDATE rolo_writer SET commits = commits + 100000").unwrap();
        ann.create(Contact { last_name: "Wang".into(), ..Default::default() }).unwrap();
        let (changes, _) = news_after(&bob, seen, Duration::from_secs(5));
        assert!(changes.everything, "{changes:?}");
        assert_eq!(bob.search("wang", &[], 5).unwrap().len(), 1, "the index was read again");
        // A commit that left no news (a node of an older rolo) is not taken for one that
        // changed nothing.
        let seen = bob.commits();
        admin.batch_execute("UPDATE rolo_writer SET commits = commits + 1").unwrap();
        ann.create(Contact { last_name: "Moss".into(), ..Default::default() }).unwrap();
        let (changes, _) = news_after(&bob, seen, Duration::from_secs(5));
        assert!(changes.everything, "{changes:?}");
        assert_eq!(bob.search("moss", &[], 5).unwrap().len(), 1);
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
    fn a_file_moves_to_postgresql_and_back_whole() {
        let Some(server) = rolo::store::Throwaway::shared() else { return };
        let dir = tempfile::tempdir().unwrap();
        let file = Crm::open(&dir.path().join("a.redb")).unwrap();
        file.add_user(User::new("tester", "Tester", "admin")).unwrap();
        let file = file.with_session(Session::new("tester"));
        let made = crate::common::populate(&file);
        // Enough people for several chunks of search texts, which hold fewer ids in a file
        // than on the server: each copy packs them in its target's size.
        for i in 0..300 {
            let first = if i == 250 { "Zebulon".to_string() } else { format!("Person{i}") };
            file.create(Contact { first_name: first, last_name: "Moss".into(), ..Default::default() }).unwrap();
        }
        let address = std::path::PathBuf::from(server.new_database().unwrap());
        let there = file.migrate_to(&address).unwrap();
        let on_server = crate::common::open_as_tester(&address);
        let back = on_server.migrate_to(&dir.path().join("b.redb")).unwrap();
        assert!(there.search_chunks < back.search_chunks, "{there:?} {back:?}");
        let same = rolo::store::Copied { into: there.into.clone(), search_chunks: there.search_chunks, ..back };
        assert_eq!(same, there, "every table came back as it went");
        let again = crate::common::open_as_tester(&dir.path().join("b.redb"));
        let contact = RecordRef::new(Kind::Contact, made.contact);
        for crm in [&on_server, &again] {
            assert_eq!(crm.list::<Contact>(|_| true).unwrap(), file.list::<Contact>(|_| true).unwrap());
            assert_eq!(crm.list::<Call>(|_| true).unwrap(), file.list::<Call>(|_| true).unwrap());
            assert_eq!(crm.audit(contact).unwrap(), file.audit(contact).unwrap());
            assert!(crm.check().unwrap().is_empty(), "{}", crm.path().display());
            let found = crm.search("zebulon", &[Kind::Contact], 5).unwrap();
            assert_eq!(found.iter().map(|h| h.label.as_str()).collect::<Vec<_>>(), ["Zebulon Moss"]);
        }
    }

    #[test]
    fn a_tab_completed_against_a_database_without_rolo_makes_nothing_there() {
        let Some(server) = rolo::store::Throwaway::shared() else { return };
        let address = server.new_database().expect("a database");
        let out = assert_cmd::Command::cargo_bin("rolo")
            .unwrap()
            .args([
                "--db", &address, "complete", "--shell", "fish", "--index", "3", "--", "rolo", "contact", "show", "",
            ])
            .output()
            .unwrap();
        assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
        let mut admin = postgres::Client::connect(&address, postgres::NoTls).unwrap();
        let made: bool = admin.query_one("SELECT to_regclass('rolo_schema') IS NOT NULL", &[]).unwrap().get(0);
        assert!(!made, "no rolo tables were made by a Tab");
    }

    #[test]
    fn a_backup_of_a_database_on_a_server_is_a_file_that_migrates_back() {
        let Some((address, a, _)) = two_nodes_at() else { return };
        let ann = a.with_session(Session::new("ann"));
        let id = ann.create(Contact { first_name: "Li".into(), last_name: "Wang".into(), ..Default::default() });
        let id = id.unwrap().id;
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copy.redb");
        // A file beside it named as a half-written copy might be is left alone.
        std::fs::write(dir.path().join("copy.partial"), "mine").unwrap();
        // The whole database is an admin's to copy, as by migrate.
        let refused = a.with_session(Session::new("cy")).backup(&copy).unwrap_err();
        assert!(matches!(refused, CrmError::NotAdmin { .. }), "{refused}");
        assert!(!copy.exists());
        ann.backup(&copy).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600, "for its owner alone");
        let file = Crm::open(&copy).unwrap().with_session(Session::new("ann"));
        assert_eq!(file.get::<Contact>(id).unwrap().last_name, "Wang");
        assert_eq!(file.audit(RecordRef::new(Kind::Contact, id)).unwrap().len(), 1);
        assert!(file.check().unwrap().is_empty());
        let names =
            |dir: &std::path::Path| std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect::<Vec<_>>();
        let mut left = names(dir.path());
        left.sort();
        assert_eq!(left, ["copy.partial", "copy.redb"], "nothing half written is left beside it");
        assert_eq!(std::fs::read_to_string(dir.path().join("copy.partial")).unwrap(), "mine");
        // Never over a file, nor into a folder that is not there.
        let e = ann.backup(&copy).unwrap_err().to_string();
        assert!(e.contains("exists already"), "{e}");
        let e = ann.backup(&dir.path().join("no/such/x.redb")).unwrap_err().to_string();
        assert!(e.contains("x.redb") && e.contains("no folder"), "{e}");
        assert!(!dir.path().join("no").exists());
        // A backup is a file: a database is migrate's.
        let e = ann.backup(std::path::Path::new(&address)).unwrap_err().to_string();
        assert!(e.contains("rolo migrate --to"), "{e}");
    }
}
