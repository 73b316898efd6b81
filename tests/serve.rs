//! `rolo serve` driven as reps drive it: a real SSH client logs in with a key, opens the app on a
//! pty and reads the screen as a terminal shows it, or runs one command.

mod common;
#[path = "common/ssh.rs"]
mod ssh;

use std::time::Duration;

use rolo::crm::Crm;
use rolo::model::{Contact, User};
use rolo::serve::{Options, Running};
use tempfile::TempDir;

/// A server on a free port over a fresh database with the users `ann` and `bob` (managers of the
/// team east), `cid` (a rep of the team west) and `dee` (disabled), each with a key of their own.
struct Served {
    _dir: TempDir,
    crm: Crm,
    running: Running,
}

async fn served(tune: impl FnOnce(&mut Options)) -> Served {
    let (dir, crm) = common::fresh();
    crm.add_team("east").unwrap();
    crm.add_team("west").unwrap();
    for (i, (login, role, team)) in
        [("ann", "manager", "east"), ("bob", "manager", "east"), ("cid", "rep", "west"), ("dee", "rep", "west")]
            .into_iter()
            .enumerate()
    {
        let mut user = User::new(login, &format!("{login} user"), role);
        user.team = Some(team.into());
        crm.add_user(user).unwrap();
        crm.add_key(login, &ssh::public_line(&ssh::key(i as u8 + 1))).unwrap();
    }
    crm.disable_user("dee", None).unwrap();
    let mut options = Options {
        listen: "127.0.0.1:0".into(),
        host_key: dir.path().join("host_ed25519"),
        max_sessions: 20,
        max_per_user: 4,
        idle: Duration::from_secs(600),
        import_dir: None,
        socket_group: None,
    };
    tune(&mut options);
    let running = rolo::serve::start(crm.clone(), options).await.expect("the server starts");
    Served { _dir: dir, crm, running }
}

impl Served {
    async fn login(&self, login: &str) -> Option<russh::client::Handle<ssh::Client>> {
        let seed = match login {
            "ann" => 1,
            "bob" => 2,
            "cid" => 3,
            "dee" => 4,
            _ => 9,
        };
        ssh::login(self.running.addr, login, &ssh::key(seed)).await
    }

    async fn app(&self, login: &str) -> ssh::App {
        let handle = self.login(login).await.expect("logged in");
        let mut app = ssh::App::open(handle, 100, 30).await;
        assert!(app.wait_for("Contacts").await, "the app shows:\n{}", app.text());
        app
    }

    fn contact_of(&self, owner: &str, first: &str) -> rolo::model::Id {
        let crm = self.crm.for_user(owner).unwrap();
        let c =
            Contact { first_name: first.into(), last_name: "Lee".into(), owner: owner.into(), ..Default::default() };
        crm.create(c).unwrap().id
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_key_opens_the_app_and_q_gives_the_screen_back() {
    let s = served(|_| {}).await;
    s.contact_of("ann", "Zelda");
    let mut app = s.app("ann").await;
    assert!(app.screen.screen().alternate_screen());
    assert!(app.wait_for("Zelda Lee").await, "{}", app.text());
    app.keys(b"q").await;
    assert!(app.wait_closed().await);
    assert_eq!(app.status, Some(0));
    assert!(!app.screen.screen().alternate_screen(), "the client's screen is given back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_t_host_rolo_opens_the_app_too() {
    let s = served(|_| {}).await;
    let handle = s.login("ann").await.unwrap();
    let mut app = ssh::App::open_running(handle, 100, 30, Some("rolo")).await;
    assert!(app.wait_for("Welcome").await, "{}", app.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_an_unknown_user_and_a_disabled_user_are_refused() {
    let s = served(|_| {}).await;
    assert!(ssh::login(s.running.addr, "ann", &ssh::key(2)).await.is_none(), "bob's key is not ann's");
    assert!(ssh::login(s.running.addr, "zed", &ssh::key(1)).await.is_none(), "no such user");
    assert!(s.login("dee").await.is_none(), "a disabled user");
    assert!(s.login("ann").await.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_follows_the_client_window_and_keys_split_over_packets() {
    let s = served(|_| {}).await;
    let mut app = s.app("ann").await;
    app.resize(120, 40).await;
    assert!(app.wait_until(|a| a.screen.screen().cell(39, 0).is_some_and(|c| !c.contents().is_empty())).await);
    // `/` opens the search; an Esc split from nothing is the Esc key, closing it.
    app.keys(b"/").await;
    assert!(app.wait_for("Search").await, "{}", app.text());
    app.keys(b"\x1b").await;
    assert!(app.wait_until(|a| !a.text().contains("Search")).await, "{}", app.text());
    // A key after a sequence in the same packet is a key of its own: Down, then 3 (accounts).
    app.keys(b"\x1b[B3").await;
    assert!(app.wait_for("Accounts (").await, "{}", app.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permissions_hold_over_ssh_as_on_the_command_line() {
    let s = served(|_| {}).await;
    let cids = s.contact_of("cid", "Quentin");
    let handle = s.login("ann").await.unwrap();
    let ran = ssh::exec(&handle, &format!("rolo contact show {cids}"), b"").await;
    assert_eq!(ran.status, Some(1), "{ran:?}");
    assert!(ran.stderr.contains(&format!("no contact {cids}")), "{ran:?}");
    let mine = ssh::exec(&handle, "rolo whoami --json", b"").await;
    assert_eq!(mine.status, Some(0), "{mine:?}");
    assert!(mine.stdout.contains("\"login\": \"ann\""), "{mine:?}");
    let mut app = ssh::App::open(handle, 100, 30).await;
    assert!(app.wait_for("Welcome").await, "ann sees an empty database:\n{}", app.text());
    assert!(!app.text().contains("Quentin"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_over_ssh_reads_stdin_and_refuses_the_servers_files() {
    let s = served(|_| {}).await;
    let handle = s.login("ann").await.unwrap();
    let csv = b"first_name,last_name\nOona,Berg\nPia,Lund\n";
    let ran = ssh::exec(&handle, "rolo import contacts -", csv).await;
    assert_eq!(ran.status, Some(0), "{ran:?}");
    let listed = ssh::exec(&handle, "contact list --json", b"").await;
    assert!(listed.stdout.contains("Oona") && listed.stdout.contains("Pia"), "{listed:?}");
    let refused = ssh::exec(&handle, "rolo export contacts --out /tmp/x.csv", b"").await;
    assert_eq!(refused.status, Some(1), "{refused:?}");
    assert!(refused.stderr.contains("over SSH"), "{refused:?}");
    let backup = ssh::exec(&handle, "rolo backup /tmp/copy.redb", b"").await;
    assert_eq!(backup.status, Some(1), "{backup:?}");
    assert!(backup.stderr.contains("no backup is written on the server"), "{backup:?}");
    let usage = ssh::exec(&handle, "rolo contact frobnicate", b"").await;
    assert_eq!(usage.status, Some(2), "{usage:?}");
    let quotes = ssh::exec(&handle, "rolo contact add --first 'Ann", b"").await;
    assert_eq!(quotes.status, Some(2), "{quotes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_rep_saves_shows_on_the_others_screen_without_a_key() {
    let s = served(|_| {}).await;
    s.contact_of("bob", "Anton");
    let mut ann = s.app("ann").await;
    assert!(ann.wait_for("Anton Lee").await, "{}", ann.text());
    let bob = s.login("bob").await.unwrap();
    let ran = ssh::exec(&bob, "rolo contact add --first Berta --last Lee", b"").await;
    assert_eq!(ran.status, Some(0), "{ran:?}");
    assert!(ann.wait_for("Berta Lee").await, "bob's new contact shows for ann, his team's manager:\n{}", ann.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_killed_mid_frame_leaves_the_others_working() {
    let s = served(|_| {}).await;
    for i in 0..40 {
        s.contact_of("ann", &format!("Name{i:02}"));
    }
    let mut ann = s.app("ann").await;
    let mut bob = s.app("bob").await;
    // Bob's connection drops while his screen is being drawn.
    bob.keys(b"3").await;
    drop(bob);
    ann.keys(b"j").await;
    ann.keys(b"/Name07").await;
    assert!(ann.wait_for("Name07 Lee").await, "{}", ann.text());
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while s.running.sessions() > 1 && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(s.running.sessions(), 1, "bob's session ended, ann's goes on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_ends_and_says_why() {
    let s = served(|o| o.idle = Duration::from_millis(300)).await;
    let mut app = s.app("ann").await;
    assert!(app.wait_closed().await);
    assert!(String::from_utf8_lossy(&app.raw).contains("the session ended"), "{}", app.text());
    assert!(!app.screen.screen().alternate_screen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_capped_per_user() {
    let s = served(|o| o.max_per_user = 1).await;
    let _first = s.app("ann").await;
    let handle = s.login("ann").await.unwrap();
    let ran = ssh::exec(&handle, "rolo whoami", b"").await;
    assert_eq!(ran.status, Some(1), "{ran:?}");
    assert!(ran.stderr.contains("close one first"), "{ran:?}");
    assert!(s.login("bob").await.is_some(), "others are not held back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_server_tells_every_session() {
    let s = served(|_| {}).await;
    let mut ann = s.app("ann").await;
    let mut bob = s.app("bob").await;
    // Ann has typed into a new contact's form, not saved.
    ann.keys(b"2").await;
    ann.keys(b"n").await;
    assert!(ann.wait_for("first name").await, "{}", ann.text());
    ann.keys(b"Zed").await;
    assert!(ann.wait_for("Zed").await);
    s.running.stop(Duration::from_secs(5)).await;
    for app in [&mut ann, &mut bob] {
        assert!(app.wait_closed().await);
        assert!(String::from_utf8_lossy(&app.raw).contains("the server is stopping"));
    }
    assert!(String::from_utf8_lossy(&ann.raw).contains("NOT saved") && ann.status == Some(1), "ann is told");
    assert!(!String::from_utf8_lossy(&bob.raw).contains("NOT saved") && bob.status == Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn y_copies_the_selected_email_to_the_reps_own_clipboard() {
    let s = served(|_| {}).await;
    let crm = s.crm.for_user("ann").unwrap();
    let emails = vec![rolo::model::Email::new("yara@example.com")];
    crm.create(Contact { first_name: "Yara".into(), last_name: "Lee".into(), emails, ..Default::default() }).unwrap();
    let mut app = s.app("ann").await;
    assert!(app.wait_for("Yara Lee").await);
    app.keys(b"y").await;
    let osc = format!("\x1b]52;c;{}\x07", "eWFyYUBleGFtcGxlLmNvbQ==");
    assert!(app.wait_until(|a| String::from_utf8_lossy(&a.raw).contains(&osc)).await);
}

/// A server process, stopped when dropped (a failed test leaves none running).
struct ServerProcess(std::process::Child);

impl std::ops::Deref for ServerProcess {
    type Target = std::process::Child;
    fn deref(&self) -> &std::process::Child {
        &self.0
    }
}

impl std::ops::DerefMut for ServerProcess {
    fn deref_mut(&mut self) -> &mut std::process::Child {
        &mut self.0
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `rolo serve` started as a process over the database `db`, its host key in `dir`; its address.
fn serve_process(db: &std::path::Path, dir: &std::path::Path) -> (ServerProcess, std::net::SocketAddr) {
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_rolo"))
        .arg("--db")
        .arg(db)
        .args(["serve", "--listen", "127.0.0.1:0", "--host-key"])
        .arg(dir.join("host"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut first).unwrap();
    // The pipe is closed now, before the server wrote its second line.
    let addr = first.split(" on ").nth(1).and_then(|a| a.split_whitespace().next()).and_then(|a| a.parse().ok());
    (ServerProcess(server), addr.unwrap_or_else(|| panic!("no address in {first:?}")))
}

#[test]
fn the_server_outlives_a_closed_stdout_and_clients_that_vanish() {
    let (dir, crm) = common::fresh();
    let db = crm.path().to_path_buf();
    drop(crm);
    let (mut server, addr) = serve_process(&db, dir.path());
    for _ in 0..20 {
        // A client that connects and drops at once, mid-greeting.
        drop(std::net::TcpStream::connect(addr));
    }
    std::thread::sleep(Duration::from_millis(300));
    let mut banner = [0u8; 8];
    let mut stream = std::net::TcpStream::connect(addr).expect("still listening");
    std::io::Read::read_exact(&mut stream, &mut banner).unwrap();
    assert_eq!(&banner, b"SSH-2.0-");
    assert!(server.try_wait().unwrap().is_none(), "the server is still up");
    server.kill().unwrap();
}

#[test]
fn the_command_line_beside_a_running_server_goes_through_it() {
    if common::on_postgres() {
        return; // every rolo reaches a database on a server directly
    }
    let (dir, crm) = common::fresh();
    let db = crm.path().to_path_buf();
    drop(crm);
    let (mut server, addr) = serve_process(&db, dir.path());
    let rolo = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::cargo_bin("rolo").unwrap();
        cmd.arg("--db").arg(&db).arg("--wait").arg("0").args(args);
        cmd.assert()
    };
    rolo(&["contact", "add", "--first", "Ines", "--last", "Roth"]).success();
    let listed = rolo(&["--json", "contact", "list"]).success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&listed).contains("Roth"));
    rolo(&["contact", "show", "999"]).failure().code(1);
    // The app itself is served over SSH: the local one says where.
    let said = rolo(&[]).failure().get_output().stderr.clone();
    assert!(
        String::from_utf8_lossy(&said).contains(&format!("ssh -p {}", addr.port())),
        "{}",
        String::from_utf8_lossy(&said)
    );
    // SIGTERM stops it cleanly: exit 0, the socket gone, the file free for a local rolo again.
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    assert!(server.wait().unwrap().success());
    assert!(!rolo::serve::socket::socket_path(&db).exists());
    rolo(&["contact", "list"]).success();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_sharing_a_database_on_a_server_show_each_others_saves_within_a_second() {
    let (dir, crm) = common::fresh();
    let db = crm.path().to_path_buf();
    if !rolo::store::is_address(&db) {
        return; // a file is one server's alone
    }
    for (seed, login) in [(1, "ann"), (2, "bob")] {
        crm.add_user(User::new(login, &format!("{login} user"), "admin")).unwrap();
        crm.add_key(login, &ssh::public_line(&ssh::key(seed))).unwrap();
    }
    crm.create(Contact { first_name: "Anton".into(), last_name: "Lee".into(), ..Default::default() }).unwrap();
    let (a_dir, b_dir) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a_dir).unwrap();
    std::fs::create_dir_all(&b_dir).unwrap();
    let (node_a, at_a) = serve_process(&db, &a_dir);
    let (node_b, at_b) = serve_process(&db, &b_dir);
    let mut ann = ssh::App::open(ssh::login(at_b, "ann", &ssh::key(1)).await.expect("ann on b"), 100, 30).await;
    assert!(ann.wait_for("Anton Lee").await, "{}", ann.text());
    let bob = ssh::login(at_a, "bob", &ssh::key(2)).await.expect("bob on a");
    let ran = ssh::exec(&bob, "rolo contact add --first Berta --last Lee", b"").await;
    assert_eq!(ran.status, Some(0), "{ran:?}");
    let saved = std::time::Instant::now();
    assert!(ann.wait_for("Berta Lee").await, "bob's contact, saved on node a, shows on b:\n{}", ann.text());
    assert!(saved.elapsed() < Duration::from_secs(1), "shown after {:?}", saved.elapsed());
    drop((node_a, node_b));
}
