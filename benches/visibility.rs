//! Search with permissions: the same complete rankings asked by an admin (who reads everything)
//! and by a rep (who reads their team's records), over one database of contacts owned by
//! 20 users in 4 teams. The rep's search skips what they may not read, from the owner of each
//! entry held in memory, never decoding a record.
//!
//! `ROLO_BENCH_SIZE` sets how many contacts (default 1000000), `ROLO_BENCH_ROUNDS` how often
//! each query runs (default 15). Run with `cargo bench --bench visibility`.

use std::time::{Duration, Instant};

use rolo::crm::{Crm, Session, Workload};
use rolo::model::{Contact, User};

const QUERIES: [&str; 7] = ["pat", "jones", "pat jon", "emma ito", "zz", "e", "jo"];
const TEAMS: usize = 4;
const USERS: usize = 20;
const LIMIT: usize = 50;

fn main() {
    let n: usize = std::env::var("ROLO_BENCH_SIZE").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rounds: usize = std::env::var("ROLO_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(15);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let admin = Crm::open_for(&dir.path().join("bench.redb"), Workload::Session).expect("open");
    for t in 0..TEAMS {
        admin.add_team(&format!("team{t}")).expect("team");
    }
    for u in 0..USERS {
        let mut user = User::new(&format!("rep{u}"), &format!("Rep {u}"), "rep");
        user.team = Some(format!("team{}", u % TEAMS));
        admin.add_user(user).expect("user");
    }
    let start = Instant::now();
    admin
        .write_bulk("bench", |tx| {
            for i in 0..n {
                let (first, last) = name(i);
                let owner = format!("rep{}", i % USERS);
                tx.create(Contact { first_name: first, last_name: last, owner, ..Default::default() })?;
            }
            Ok(())
        })
        .expect("contacts");
    println!("== {n} contacts owned by {USERS} reps in {TEAMS} teams (written in {:.1?})", start.elapsed());
    let rep = admin.with_session(Session::new("rep0"));
    // The first search loads the index (with each entry's owner); a rep's first search also loads
    // the map of every record's owner, which leaves out the names of accounts out of sight.
    for (who, crm) in [("admin", &admin), ("rep", &rep)] {
        let start = Instant::now();
        crm.search("warm up", &[], LIMIT).expect("search");
        println!(
            "{who}: first search (loads {}) {:.1?}",
            if who == "rep" { "the owners" } else { "the index" },
            start.elapsed()
        );
    }
    println!("query        admin median   rep median   rep / admin   admin hits   rep hits");
    for q in QUERIES {
        let a = median(rounds, || fresh(&admin, q));
        let r = median(rounds, || fresh(&rep, q));
        let hits = |crm: &Crm| crm.search(q, &[], LIMIT).map(|h| h.len()).unwrap_or(0);
        let ratio = r.as_secs_f64() / a.as_secs_f64().max(1e-9);
        println!("{q:<12} {a:>12.2?} {r:>12.2?} {ratio:>12.2}x {:>12} {:>10}", hits(&admin), hits(&rep));
    }
}

/// How long a complete ranking of `q` takes, after a query that `q` does not extend (so the
/// search looks at every entry, not at the last query's candidates).
fn fresh(crm: &Crm, q: &str) -> Duration {
    crm.search("qqqq", &[], LIMIT).expect("search");
    let start = Instant::now();
    std::hint::black_box(crm.search(q, &[], LIMIT).expect("search"));
    start.elapsed()
}

/// The median of `rounds` timings.
fn median(rounds: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..rounds).map(|_| f()).collect();
    times.sort();
    times[times.len() / 2]
}

/// A varied name for contact `i`.
fn name(i: usize) -> (String, String) {
    const FIRST: [&str; 12] = ["Pat", "Ann", "Jo", "Sofía", "Wei", "Zoë", "Li", "Sam", "Ola", "Kim", "Ravi", "Emma"];
    const LAST: [&str; 12] =
        ["Jones", "Lee", "Müller", "García", "Chen", "O'Brien", "Smith", "Patel", "Kowalski", "Dubois", "Ito", "Silva"];
    let h = i.wrapping_mul(2_654_435_761);
    (FIRST[h % 12].to_string(), format!("{}{}", LAST[(h / 12) % 12], i % 1000))
}
