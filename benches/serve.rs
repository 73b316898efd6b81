//! `rolo serve` under load: a server process over a demo database, and many reps at SSH clients
//! (in this process) each typing a key every 200 ms on a 120×40 terminal — a search, moves in the
//! list, a record opened and closed, a call logged — while the server's memory and CPU are read
//! from /proc.
//!
//! For each number of sessions (added step by step) it prints the keystroke-to-frame time (from
//! a key sent to the first bytes of the frame it caused), p50/p90/p99/max, keys that brought no
//! frame within 2 s, the server's resident memory per session and its CPU use; at the end, whether
//! every call logged was kept.
//!
//! `ROLO_BENCH_SIZE` contacts (default 100000), `ROLO_BENCH_STEPS` session counts (default
//! 10,50,100,200), `ROLO_BENCH_SECONDS` per step (default 20), `ROLO_BENCH_LOG` the server's log
//! filter (default warn). The database is made once under
//! target/ and kept for later runs. Run with `cargo bench --bench serve`.

#[path = "../tests/common/ssh.rs"]
#[allow(dead_code)]
mod ssh;

use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use russh::ChannelMsg;
use tokio::sync::Mutex;

/// Users the sessions log in as (each may have 8 sessions).
const USERS: usize = 40;
/// What a rep types, one key every [`PERIOD`]: search (`/` and two letters, see [`QUERIES`]),
/// leave it, move, open a record and go back, log a call (c, v for voicemail, Ctrl-S).
const SCRIPT: [&[u8]; 13] = [b"/", b"?", b"?", b"\x1b", b"j", b"j", b"k", b"\r", b"h", b"c", b"v", b"\x13", b"j"];
/// The two letters session `n` searches for (`QUERIES[n % 20]`): reps look for different people.
const QUERIES: [&str; 20] = [
    "an", "ma", "jo", "li", "el", "sa", "da", "ch", "ka", "mi", "ro", "pe", "al", "be", "ju", "le", "ni", "to", "ca",
    "ha",
];
const PERIOD: Duration = Duration::from_millis(200);
/// A key with no frame after this long is counted as lost.
const NO_FRAME: Duration = Duration::from_secs(2);

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let size: usize = env("ROLO_BENCH_SIZE", 100_000);
    let steps: Vec<usize> = std::env::var("ROLO_BENCH_STEPS")
        .unwrap_or_else(|_| "10,50,100,200".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let seconds: u64 = env("ROLO_BENCH_SECONDS", 20);
    let rolo = env!("CARGO_BIN_EXE_rolo");
    let db = prepare(rolo, size);
    let work = tempfile::tempdir().expect("a temporary folder");
    // The server writes to a copy: every run starts from the same data.
    let copy = work.path().join("served.redb");
    std::fs::copy(&db, &copy).expect("a copy of the database");
    let calls_before = count_calls(&copy);
    let mut server = std::process::Command::new(rolo)
        .args(["--db", copy.to_str().unwrap(), "serve", "--listen", "127.0.0.1:0", "--max-sessions", "1000"])
        .arg("--host-key")
        .arg(work.path().join("host"))
        .env("RUST_LOG", std::env::var("ROLO_BENCH_LOG").unwrap_or_else(|_| "warn".into()))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("rolo serve starts");
    let mut first = String::new();
    let mut said = std::io::BufReader::new(server.stdout.take().unwrap());
    said.read_line(&mut first).expect("the server says where");
    std::thread::spawn(move || std::io::copy(&mut said, &mut std::io::sink()));
    let addr: std::net::SocketAddr = first
        .split(" on ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    let pid = server.id();
    println!(
        "serving {size} contacts at {addr} (server pid {pid}); {seconds} s per step, a key every 200 ms per session"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let saved = runtime.block_on(run(addr, pid, &steps, seconds));
    let _ = std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
    let _ = server.wait();
    let calls_after = count_calls(&copy);
    let kept = calls_after - calls_before;
    // Calls saved after the bench stopped waiting for their confirmation are kept, not lost.
    println!(
        "calls the app said were logged: {saved}; in the database: {kept} ({})",
        if kept >= saved as usize {
            "no write lost".to_string()
        } else {
            format!("{} WRITES LOST", saved as usize - kept)
        }
    );
}

/// The demo database of `size` contacts with [`USERS`] admins holding keys, made once.
fn prepare(rolo: &str, size: usize) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("contacts-{size}.redb"));
    if db.exists() {
        return db;
    }
    let began = Instant::now();
    let partial = dir.join("making.redb");
    let _ = std::fs::remove_file(&partial);
    let ok = std::process::Command::new(rolo)
        .args(["--db", partial.to_str().unwrap(), "demo", "--contacts", &size.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "the demo data was made");
    let crm = rolo::crm::Crm::open(&partial).unwrap();
    for u in 0..USERS {
        let login = format!("rep{u:02}");
        crm.add_user(rolo::model::User::new(&login, &format!("Rep {u}"), "admin")).unwrap();
        crm.add_key(&login, &ssh::public_line(&ssh::key(u as u8 + 1))).unwrap();
    }
    drop(crm);
    std::fs::rename(&partial, &db).unwrap();
    println!("made {} in {:.0?}", db.display(), began.elapsed());
    db
}

fn count_calls(db: &std::path::Path) -> usize {
    let crm = rolo::crm::Crm::open(db).expect("the database opens");
    crm.count(rolo::model::Kind::Call).expect("calls counted") as usize
}

/// One open session: its channel and where it is in the script.
struct Rep {
    channel: russh::Channel<russh::client::Msg>,
    _handle: russh::client::Handle<ssh::Client>,
    step: usize,
    /// The session's screen as its terminal shows it.
    screen: vt100::Parser,
}

/// What the typing tasks measure.
#[derive(Default)]
struct Tally {
    /// Each key's time to its frame, with its place in [`SCRIPT`] and when it was sent.
    latencies: std::sync::Mutex<Vec<(usize, Instant, Duration)>>,
    lost: AtomicUsize,
    saved: AtomicU64,
    /// Ctrl-S pressed without the app saying a call was logged.
    unsaved: AtomicUsize,
}

async fn run(addr: std::net::SocketAddr, pid: u32, steps: &[usize], seconds: u64) -> u64 {
    let mut reps: Vec<Arc<Mutex<Rep>>> = Vec::new();
    let total_saved = Arc::new(AtomicU64::new(0));
    println!(
        "{:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>9} {:>11} {:>6}",
        "sessions", "keys", "p50 ms", "p90 ms", "p99 ms", "max ms", "lost", "RSS MiB", "KiB/session", "CPU %"
    );
    println!("(CPU %: the server's, of one core; the clients' in this process follows it in brackets)");
    let mut base_rss = None;
    for &target in steps {
        while reps.len() < target {
            let n = reps.len();
            let handle = ssh::try_login(addr, &format!("rep{:02}", n % USERS), &ssh::key((n % USERS) as u8 + 1))
                .await
                .unwrap_or_else(|e| panic!("session {n} not logged in: {e}"));
            let mut channel = handle.channel_open_session().await.unwrap();
            channel.request_pty(true, "xterm-256color", 120, 40, 0, 0, &[]).await.unwrap();
            channel.request_shell(true).await.unwrap();
            // The first frame.
            let mut screen = vt100::Parser::new(40.try_into().unwrap(), 120.try_into().unwrap(), 0);
            while !screen.screen().contents().contains("Contacts (") {
                match tokio::time::timeout(Duration::from_secs(30), channel.wait()).await {
                    Ok(Some(ChannelMsg::Data { data })) => screen.process(&data),
                    Ok(Some(_)) => {}
                    _ => panic!("no first frame"),
                }
            }
            reps.push(Arc::new(Mutex::new(Rep { channel, _handle: handle, step: 0, screen })));
            if base_rss.is_none() {
                tokio::time::sleep(Duration::from_secs(2)).await;
                base_rss = Some(rss_kib(pid));
            }
        }
        // The sessions just opened read their lists in the background: the clock starts when
        // the server has settled (under a tenth of a core for a second, or after a minute).
        let opened = Instant::now();
        loop {
            let before = cpu_ticks(pid);
            tokio::time::sleep(Duration::from_secs(1)).await;
            let used = (cpu_ticks(pid) - before) as f64 / ticks_per_second();
            if used < 0.1 || opened.elapsed() > Duration::from_secs(60) {
                break;
            }
        }
        let settled = opened.elapsed();
        let tally = Arc::new(Tally::default());
        let cpu_before = cpu_ticks(pid);
        let clients_before = cpu_ticks(std::process::id());
        let began = Instant::now();
        let until = began + Duration::from_secs(seconds);
        let tasks: Vec<_> = reps
            .iter()
            .enumerate()
            .map(|(i, rep)| {
                let (rep, tally) = (rep.clone(), tally.clone());
                // Sessions start their keys spread over one period.
                let offset = PERIOD * i as u32 / reps.len() as u32;
                tokio::spawn(type_keys(rep, tally, until, offset, i))
            })
            .collect();
        for t in tasks {
            let _ = t.await;
        }
        let spent = began.elapsed();
        let share = |ticks: u64| ticks as f64 / ticks_per_second() / spent.as_secs_f64() * 100.0;
        let cpu = share(cpu_ticks(pid) - cpu_before);
        let clients = share(cpu_ticks(std::process::id()) - clients_before);
        let rss = rss_kib(pid);
        let keyed = tally.latencies.lock().unwrap().clone();
        let mut l: Vec<Duration> = keyed.iter().map(|&(_, _, d)| d).collect();
        l.sort();
        let pct =
            |p: f64| l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1))).copied().unwrap_or_default();
        let per_session = rss.saturating_sub(base_rss.unwrap_or(rss)) / (reps.len().max(2) as u64 - 1);
        println!(
            "{:>8} {:>7} {:>7.1} {:>7.1} {:>7.1} {:>7.1} {:>6} {:>9.1} {:>11} {:>6.0} ({:.0})",
            reps.len(),
            l.len(),
            ms(pct(0.5)),
            ms(pct(0.9)),
            ms(pct(0.99)),
            ms(l.last().copied().unwrap_or_default()),
            tally.lost.load(Ordering::Relaxed),
            rss as f64 / 1024.0,
            per_session,
            cpu,
            clients
        );
        println!("         p99 ms by key: {}", by_key(&keyed));
        println!("         p99 ms by 5 s: {}", by_time(&keyed, began));
        println!("         (the server settled {:.1} s after the last session opened)", settled.as_secs_f64());
        total_saved.fetch_add(tally.saved.load(Ordering::Relaxed), Ordering::Relaxed);
        let unsaved = tally.unsaved.load(Ordering::Relaxed);
        if unsaved > 0 {
            println!("         {unsaved} Ctrl-S without a call logged");
        }
    }
    // Every session quits (its last keys taken in first), so the last calls are surely saved
    // before the server stops.
    for rep in &reps {
        let rep = rep.lock().await;
        let _ = rep.channel.data(&b"\x1b\x1bqq"[..]).await;
    }
    let until = Instant::now() + Duration::from_secs(60);
    for rep in &reps {
        let mut rep = rep.lock().await;
        while let Ok(Some(_)) = tokio::time::timeout_at(until.into(), rep.channel.wait()).await {}
    }
    total_saved.load(Ordering::Relaxed)
}

/// Types the script's keys every [`PERIOD`] until `until`, timing each key to the first frame
/// bytes after it.
async fn type_keys(rep: Arc<Mutex<Rep>>, tally: Arc<Tally>, until: Instant, offset: Duration, who: usize) {
    tokio::time::sleep(offset).await;
    let mut rep = rep.lock().await;
    let mut next = Instant::now();
    while next < until {
        // What is left of earlier frames (search answers arriving late) is read first.
        while let Ok(Some(msg)) = tokio::time::timeout(Duration::ZERO, rep.channel.wait()).await {
            if let ChannelMsg::Data { data } = msg {
                rep.screen.process(&data);
            }
        }
        let query = QUERIES[who % QUERIES.len()].as_bytes();
        let key = match rep.step {
            1 => &query[..1],
            2 => &query[1..2],
            step => SCRIPT[step],
        };
        let step = rep.step;
        rep.step = (rep.step + 1) % SCRIPT.len();
        // A Ctrl-S is a call saved only when the call form was open (a key the server has not
        // taken in yet may leave it closed on this screen).
        let calling = key == b"\x13" && rep.screen.screen().contents().contains("Call with");
        let sent = Instant::now();
        rep.channel.data(key).await.expect("key sent");
        let deadline = sent + NO_FRAME;
        let mut framed = false;
        loop {
            match tokio::time::timeout_at(deadline.into(), rep.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => {
                    if !framed {
                        tally.latencies.lock().unwrap().push((step, sent, sent.elapsed()));
                        framed = true;
                    }
                    rep.screen.process(&data);
                    // A call counts as saved once its form is gone and the app says it was logged.
                    let text = rep.screen.screen().contents();
                    if !calling || (!text.contains("Call with") && text.contains(" logged: ")) {
                        if calling {
                            tally.saved.fetch_add(1, Ordering::Relaxed);
                        }
                        break;
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => panic!("session {who} ended"),
                Err(_) if !framed => {
                    tally.lost.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Err(_) => {
                    tally.unsaved.fetch_add(1, Ordering::Relaxed);
                    break;
                }
            }
        }
        next += PERIOD;
        tokio::time::sleep_until(next.into()).await;
    }
}

/// The p99 of each key of the script, named as typed.
fn by_key(keyed: &[(usize, Instant, Duration)]) -> String {
    let names = ["/", "a", "n", "Esc", "j", "j", "k", "Enter", "h", "c", "v", "^S", "j"];
    (0..SCRIPT.len())
        .map(|step| format!("{} {:.0}", names[step], ms(p99(keyed.iter().filter(|k| k.0 == step)))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The p99 of the keys sent in each 5 seconds from `began`: a start that settles shows here.
fn by_time(keyed: &[(usize, Instant, Duration)], began: Instant) -> String {
    let slice = |k: &(usize, Instant, Duration)| (k.1.saturating_duration_since(began).as_secs() / 5) as usize;
    let slices = keyed.iter().map(slice).max().map_or(0, |m| m + 1);
    (0..slices)
        .map(|n| format!("{:.0}", ms(p99(keyed.iter().filter(|k| slice(k) == n)))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The 99th percentile of the keys' times.
fn p99<'a>(keys: impl Iterator<Item = &'a (usize, Instant, Duration)>) -> Duration {
    let mut l: Vec<Duration> = keys.map(|k| k.2).collect();
    l.sort();
    l.get((l.len() * 99 / 100).min(l.len().saturating_sub(1))).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The server's user + system CPU time, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    field(11) + field(12)
}

fn ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
}
