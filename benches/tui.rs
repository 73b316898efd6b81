//! Frame figures of the full-screen app over N contacts (`ROLO_BENCH_N`, default 1,000,000):
//! time to the first frame, and keystroke-to-frame latency for moving, paging, jumping, opening
//! a record and typing a search; then the pipeline board over `ROLO_BENCH_DEALS` opportunities
//! (default 100,000, spread over every stage): its first frame, moving about, and moving deals.
//! Run with `cargo bench --bench tui`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rolo::crm::Crm;
use rolo::model::{Account, Amount, Contact, Date, Email, Opportunity};
use rolo::tui::{App, Theme};

fn main() {
    let n: u32 = std::env::var("ROLO_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let deals: u32 = std::env::var("ROLO_BENCH_DEALS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tui.redb");
    {
        let crm = Crm::open(&path).expect("open");
        let first = ["Patricia", "James", "Zoë", "Wei", "Priya", "Lukas", "Sofía", "Aiko"];
        let last = ["Jones", "Smith", "Müller", "Chen", "Patel", "Rossi", "Sato", "García"];
        for start in (0..n).step_by(250_000) {
            crm.write_bulk("bench", |tx| {
                let account = tx.create(Account { name: format!("Aperture{start}"), ..Default::default() })?.id;
                for i in start..(start + 250_000).min(n) {
                    tx.create(Contact {
                        first_name: first[i as usize % 8].into(),
                        last_name: format!("{}{}", last[(i as usize / 8) % 8], i % 1000),
                        account: Some(account),
                        emails: vec![Email::new(format!("c{i}@aperture.example.com"))],
                        ..Default::default()
                    })?;
                }
                Ok(())
            })
            .expect("load");
        }
        let stages = crm.stages().expect("stages");
        crm.write_bulk("bench", |tx| {
            let accounts: Vec<u64> = (0..1000)
                .map(|i| tx.create(Account { name: format!("Globex{i}"), ..Default::default() }).map(|a| a.id))
                .collect::<Result<_, _>>()?;
            for i in 0..deals {
                tx.create_opportunity(Opportunity {
                    name: format!("Deal {i}"),
                    account: accounts[i as usize % accounts.len()],
                    amount: Amount(i64::from(i % 500) * 10_000),
                    close_date: Date::today().add_days(i64::from(i % 365) - 60),
                    stage: stages[i as usize % stages.len()].id,
                    ..Default::default()
                })?;
            }
            Ok(())
        })
        .expect("deals");
    }
    let theme = Theme::plain();
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");

    let start = Instant::now();
    let crm = Arc::new(Crm::open(&path).expect("open"));
    let mut app = App::new(crm).expect("app");
    app.set_viewport(160, 48);
    app.prepare();
    term.draw(|f| rolo::tui::draw(f, &app, &theme)).expect("draw");
    println!("first frame over {n} contacts: {:.1?}", start.elapsed());

    let mut frame = |app: &mut App, key: KeyEvent| {
        let t = Instant::now();
        app.handle_key(key);
        app.prepare();
        term.draw(|f| rolo::tui::draw(f, app, &theme)).expect("draw");
        t.elapsed()
    };
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    report("j (next row)", (0..500).map(|_| frame(&mut app, key(KeyCode::Char('j')))).collect());
    report("page down", (0..200).map(|_| frame(&mut app, key(KeyCode::PageDown))).collect());
    app.settle();
    report("G (last row)", vec![frame(&mut app, key(KeyCode::Char('G')))]);
    report("enter (open record)", vec![frame(&mut app, key(KeyCode::Enter))]);
    frame(&mut app, key(KeyCode::Esc));
    frame(&mut app, key(KeyCode::Char('/')));
    report("typing a search, per key", "pat jones".chars().map(|c| frame(&mut app, key(KeyCode::Char(c)))).collect());
    let t = Instant::now();
    app.settle();
    println!("search answer after the last key: {:.1?}", t.elapsed());

    frame(&mut app, key(KeyCode::Esc));
    report(&format!("1 (the board over {deals} deals, first frame)"), vec![frame(&mut app, key(KeyCode::Char('1')))]);
    report("j (next card)", (0..200).map(|_| frame(&mut app, key(KeyCode::Char('j')))).collect());
    report(
        "l / h (next / previous stage)",
        (0..100).map(|i| frame(&mut app, key(KeyCode::Char(if i % 2 == 0 { 'l' } else { 'h' })))).collect(),
    );
    report(
        "L / H (move a deal, saved)",
        (0..100).map(|i| frame(&mut app, key(KeyCode::Char(if i % 2 == 0 { 'L' } else { 'H' })))).collect(),
    );
    report("z (unfold won and lost)", vec![frame(&mut app, key(KeyCode::Char('z')))]);
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{what}: median {:.2?}, p95 {:.2?}, max {:.2?} ({} frames)",
        p(0.5),
        p(0.95),
        times[times.len() - 1],
        times.len()
    );
}
