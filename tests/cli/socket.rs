//! The command line beside a running server: with the server's socket listening in this process
//! (which holds the database file, so a command that did not go through the socket would find
//! it busy), `rolo` commands run through it as the rolo user of the test's OS account, print
//! what they print locally, and read and write their files on this side.

use std::sync::Arc;

use rolo::crm::{Crm, UserChange};
use rolo::serve::socket::{SocketServer, listen, peer, socket_path};

use super::{Db, rolo, texts};

/// A database the binary made (as `tester`, its admin), held by a server in this process.
struct Served {
    // Stopped before the folder holding its socket goes.
    server: SocketServer,
    crm: Crm,
    db: Db,
}

/// The name of the OS account running the tests (the socket's peer).
fn me() -> String {
    // SAFETY: getuid cannot fail.
    peer::user_name(unsafe { libc::getuid() }).expect("this account has a name")
}

/// A fresh database file; `None` in the PostgreSQL run, where no server opens a socket (every
/// rolo reaches a database on a server directly).
fn file_db() -> Option<Db> {
    Some(Db::new()).filter(|db| !rolo::store::is_address(&db.path))
}

impl Served {
    /// A server over a fresh database file (see [`file_db`]); `mapped`: the test's OS account
    /// acts as `tester`.
    fn new(mapped: bool) -> Option<Served> {
        let db = file_db()?;
        db.ok("whoami");
        let crm = super::common::open_as_tester(&db.path);
        if mapped {
            let change = UserChange { os_user: Some(Some(me())), ..UserChange::default() };
            crm.edit_user("tester", change).expect("map the OS account");
        }
        let server = listen(Arc::new(crm.clone()), &socket_path(&db.path), None).expect("listen");
        Some(Served { server, crm, db })
    }
}

const CSV: &str = "first,last,email\nAnn,Lee,ann@example.com\nBob,Ray,bob@example.com\n";

#[test]
fn a_command_through_the_socket_prints_what_it_prints_locally() {
    let Some(served) = Served::new(true) else { return };
    let local = Db::new();
    // Written by two databases, maybe a minute apart: all but the clock must agree.
    let unclocked_text = |db: &Db, line: &str| {
        let out = db.ok(line);
        out.lines()
            .filter(|l| !l.starts_with("created   ") && !l.starts_with("updated   "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for line in ["account add --name Acme --city Lyon", "account show 1", "account list"] {
        assert_eq!(unclocked_text(&served.db, line), unclocked_text(&local, line), "{line}");
    }
    let unclocked = |db: &Db| {
        let mut list = db.json("account list");
        for account in list.as_array_mut().expect("a JSON list") {
            let fields = account.as_object_mut().expect("a JSON object");
            for clock in ["created", "updated"] {
                assert!(fields.remove(clock).is_some(), "{clock} in {fields:?}");
            }
        }
        list
    };
    assert_eq!(unclocked(&served.db), unclocked(&local));
    assert_eq!(served.crm.get::<rolo::model::Account>(1).expect("written by the server").name, "Acme");
    let err = served.db.fails_with("contact show 99", 1, "no contact 99");
    assert_eq!(err, local.fails_with("contact show 99", 1, "no contact 99"));
}

#[test]
fn files_named_on_the_command_line_are_read_and_written_by_the_client() {
    let Some(served) = Served::new(true) else { return };
    let csv = served.db.file("people.csv");
    std::fs::write(&csv, CSV).expect("write the file");
    let imported = served.db.ok(["import", "contacts", csv.to_str().expect("path")]);
    assert!(imported.starts_with("imported 2 contact rows: 2 created"), "{imported}");
    let out = served.db.file("out.csv");
    let exported = served.db.ok(["export", "contacts", "--out", out.to_str().expect("path")]);
    assert_eq!(exported, format!("exported 2 contacts to {}\n", out.display()));
    let written = std::fs::read_to_string(&out).expect("the export is on the client's side");
    assert!(written.contains("ann@example.com") && written.contains("bob@example.com"), "{written}");
    served.db.fails_only(["export", "contacts", "--out", out.to_str().expect("path")], 1, "already exists");
    let copy = served.db.file("copy.redb");
    served.db.ok(["backup", copy.to_str().expect("path")]);
    let from_copy = rolo(&copy).args(["--json", "contact", "list"]).output().expect("run rolo");
    assert_eq!(from_copy.status.code(), Some(0), "{:?}", texts(&from_copy));
    let people: serde_json::Value = serde_json::from_slice(&from_copy.stdout).expect("JSON");
    assert_eq!(people.as_array().map(Vec::len), Some(2));
}

#[test]
fn an_import_through_the_socket_reads_the_clients_stdin() {
    let Some(served) = Served::new(true) else { return };
    let out = rolo(&served.db.path).args(["import", "contacts", "-"]).write_stdin(CSV).output().expect("run rolo");
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("imported 2 contact rows: 2 created"), "{stdout}");
}

#[test]
fn a_peer_whose_account_is_no_rolo_user_is_refused() {
    let Some(served) = Served::new(false) else { return };
    let err = served.db.fails_only("account list", 1, &format!("the rolo server acts for OS user {}", me()));
    assert!(err.contains("is not a rolo user of this database"), "{err}");
    let mut bo = rolo::model::User::new("bo", "Bo Lind", "rep");
    bo.os_user = Some(me());
    served.crm.add_user(bo).expect("add bo");
    assert_eq!(served.db.ok("whoami").lines().next(), Some("login      bo"));
    served.crm.disable_user("bo", None).expect("disable bo");
    served.db.fails_only("whoami", 1, "bo is disabled");
}

#[test]
fn a_command_past_the_cap_on_connections_is_told_the_server_is_busy() {
    use rolo::serve::socket::{MAX_CONNECTIONS, wire};
    let Some(served) = Served::new(true) else { return };
    let sock = socket_path(&served.db.path);
    // Connections that say nothing hold their threads; the kernel queues them in order.
    let held: Vec<_> =
        (0..MAX_CONNECTIONS).map(|_| std::os::unix::net::UnixStream::connect(&sock).expect("connect")).collect();
    let one_more = std::os::unix::net::UnixStream::connect(&sock).expect("connect");
    let mut from = &one_more;
    let reply: wire::Reply = wire::read_header(&mut from).expect("a reply");
    let _stdout = wire::read_frame(&mut from, 1 << 20).expect("stdout");
    let err = wire::read_frame(&mut from, 1 << 20).expect("stderr");
    assert_eq!(reply.code, 1);
    assert_eq!(
        String::from_utf8_lossy(&err),
        format!("error: the rolo server is busy ({MAX_CONNECTIONS} commands running): try again\n")
    );
    drop(held);
}

#[test]
fn the_app_while_a_server_runs_names_its_ssh_address() {
    let Some(served) = Served::new(true) else { return };
    served.server.announce(2222, "crm.example");
    let out = rolo(&served.db.path).output().expect("run rolo");
    let (stdout, stderr) = texts(&out);
    assert_eq!((out.status.code(), stdout.as_str()), (Some(1), ""));
    assert!(stderr.contains("serves the app over SSH: open it with `ssh -p 2222 tester@crm.example`"), "{stderr}");
}

#[test]
fn a_socket_left_by_a_crash_is_passed_over_a_live_one_kept_and_stop_removes_it() {
    let Some(db) = file_db() else { return };
    let stale = std::os::unix::net::UnixListener::bind(socket_path(&db.path)).expect("bind");
    drop(stale);
    assert!(socket_path(&db.path).exists());
    assert_eq!(db.ok("whoami").lines().next(), Some("login      tester"));
    let Some(served) = Served::new(true) else { return };
    let sock = socket_path(&served.db.path);
    let second = listen(Arc::new(served.crm.clone()), &sock, None).err().expect("one server per socket");
    assert!(second.to_string().ends_with("another rolo server answers there: stop it first"), "{second}");
    served.server.stop();
    assert!(!sock.exists(), "the socket file is gone once the server stops");
}

#[test]
fn the_socket_is_for_the_owner_and_the_group_and_an_unknown_group_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let Some(served) = Served::new(true) else { return };
    let sock = socket_path(&served.db.path);
    let mode = std::fs::metadata(&sock).expect("the socket").permissions().mode();
    assert_eq!(mode & 0o777, 0o660);
    let other = served.db.file("other.sock");
    let refused = listen(Arc::new(served.crm.clone()), &other, Some("no-such-group-for-rolo")).err().expect("refused");
    assert_eq!(refused.to_string(), "there is no group no-such-group-for-rolo on this system");
    assert!(!other.exists(), "nothing is left behind");
}

#[test]
fn a_server_and_a_client_of_other_versions_say_so() {
    use rolo::serve::socket::wire::{self, Reply, Request};
    use std::io::Write;
    let Some(served) = Served::new(true) else { return };
    // A client from the future, to this server.
    let stream = std::os::unix::net::UnixStream::connect(socket_path(&served.db.path)).expect("connect");
    let mut to = &stream;
    wire::write_header(&mut to, &serde_json::json!({ "version": 99, "args": ["rolo", "whoami"] })).expect("send");
    to.flush().expect("flush");
    let mut from = &stream;
    let reply: Reply = wire::read_header(&mut from).expect("a reply of this version");
    let out = wire::read_frame(&mut from, 1 << 20).expect("stdout");
    let err = wire::read_frame(&mut from, 1 << 20).expect("stderr");
    assert!(out.is_empty());
    assert_eq!(reply.code, 1);
    assert_eq!(
        String::from_utf8_lossy(&err),
        "error: this rolo server (v1) cannot talk to your rolo (v99): use the same rolo binary\n"
    );
    // This client, to a server from the future.
    let Some(db) = file_db() else { return };
    let listener = std::os::unix::net::UnixListener::bind(socket_path(&db.path)).expect("bind");
    let future = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("a client");
        let mut from = &stream;
        let _: Request = wire::read_header(&mut from).expect("this version's request");
        let mut to = &stream;
        wire::write_header(&mut to, &serde_json::json!({ "version": 99, "code": 0 })).expect("reply");
    });
    db.fails_only("whoami", 1, "this rolo (v1) cannot talk to the server (v99): use the same rolo binary");
    future.join().expect("the fake server ends");
}

#[test]
fn through_the_socket_a_full_stdout_fails_a_listing_but_not_a_saved_record() {
    use std::process::Stdio;
    let Some(served) = Served::new(true) else { return };
    let full = || Stdio::from(std::fs::File::options().write(true).open("/dev/full").expect("/dev/full"));
    let run = |line: &str| {
        let mut command = super::common::rolo_in(&served.db.path, "C.UTF-8");
        command.args(line.split(' ')).stdout(full()).output().expect("run rolo")
    };
    let saved = run("account add --name Acme");
    let (_, err) = texts(&saved);
    assert_eq!(saved.status.code(), Some(0), "{err}");
    assert!(err.starts_with("note: saved, but the confirmation could not be printed"), "{err}");
    let listed = run("account list");
    let (_, err) = texts(&listed);
    assert_eq!(listed.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: the output could not be written"), "{err}");
    assert_eq!(served.crm.list::<rolo::model::Account>(|_| true).expect("list").len(), 1);
}

#[test]
fn the_clients_config_currency_goes_with_its_commands_and_imports() {
    let Some(served) = Served::new(true) else { return };
    let file = served.db.file("rolo").join("config.toml");
    std::fs::create_dir_all(file.parent().expect("a folder")).expect("the config folder");
    std::fs::write(&file, "currency = \"EUR\"\n").expect("write the config");
    let acme = served.db.id("account add --name Acme");
    let deal = served.db.json(format!("opp add --name Pilot --account {acme} --amount 10 --close-date 2027-01-15"));
    assert_eq!(deal["currency"], "EUR");
    let csv = served.db.file("deals.csv");
    std::fs::write(&csv, "name,account,amount,close date\nFleet,Acme,500,2027-02-01\n").expect("write the file");
    served.db.ok(["import", "opportunities", csv.to_str().expect("path")]);
    let fleet = served.crm.list::<rolo::model::Opportunity>(|o| o.name == "Fleet").expect("read");
    assert_eq!(fleet[0].currency.to_string(), "EUR", "a row without a currency gets the config's");
    assert_eq!(
        served.crm.get::<rolo::model::Opportunity>(deal["id"].as_u64().unwrap()).unwrap().currency.to_string(),
        "EUR"
    );
}

#[test]
fn the_shell_completes_ids_from_the_server_holding_the_database() {
    let Some(served) = Served::new(true) else { return };
    let anna = served.db.id("contact add --first Anna --last Lee");
    let out = rolo(&served.db.path)
        .args(["complete", "--shell", "fish", "--index", "3", "--", "rolo", "contact", "show", ""])
        .output()
        .expect("run rolo");
    assert_eq!(texts(&out).0, format!("{anna}\tAnna Lee\n"), "{:?}", texts(&out).1);
    // Words of the grammar are still the shell script's: nothing comes back for them.
    let out = rolo(&served.db.path)
        .args(["complete", "--shell", "zsh", "--index", "1", "--", "rolo", "con"])
        .output()
        .expect("run rolo");
    assert_eq!(texts(&out), (String::new(), String::new()));
}
