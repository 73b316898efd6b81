//! Two sessions over one database: a form saved after someone else changed its record is
//! refused and reloads keeping what was typed, and each app shows the other's commits.

use std::sync::Arc;

use super::common::ui::Ui;
use rolo::crm::{Crm, Session};
use rolo::model::*;

/// A database holding the people `names` (first, last), opened by its admin (the OS user) in
/// the app; and a handle of Bob Ray's, an admin too.
fn shared(names: &[(&str, &str)]) -> (Ui, Crm) {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    crm.add_user(User::new("bob", "Bob Ray", "admin")).unwrap();
    for (first, last) in names {
        crm.create(Contact { first_name: first.to_string(), last_name: last.to_string(), ..Default::default() })
            .unwrap();
    }
    let bob = crm.with_session(Session::new("bob"));
    (Ui::with(dir, Arc::new(crm), 100, 30), bob)
}

fn person(crm: &Crm, last: &str) -> Contact {
    crm.list::<Contact>(|c| c.last_name == last).unwrap().remove(0)
}

#[test]
fn a_form_saved_after_someone_else_changed_its_record_is_refused_and_reloads_keeping_what_was_typed() {
    let (mut ui, bob) = shared(&[("Li", "Wang")]);
    ui.keys("2 e tab tab tab tab").text("CEO");
    // Meanwhile Bob gives Li another title and a city.
    let mut theirs = person(&bob, "Wang");
    theirs.title = Some("CTO".into());
    theirs.addresses.push(Address { city: Some("Paris".into()), ..Default::default() });
    bob.update(theirs).unwrap();
    let screen = ui.keys("ctrl-s").screen();
    assert!(screen.contains("changed meanwhile by Bob Ray"), "{screen}");
    assert!(screen.contains("Ctrl-R reload"), "{screen}");
    assert!(screen.contains("CEO"), "what was typed stays on screen: {screen}");
    assert!(!screen.contains("Paris"), "an open form is never overwritten by another's commit: {screen}");
    assert_eq!(person(&ui.crm, "Wang").title.as_deref(), Some("CTO"), "nothing written");
    // Reloaded: Bob's city comes in, the title typed stays, saying what the record holds now.
    let screen = ui.keys("ctrl-r").screen();
    assert!(screen.contains("Paris") && screen.contains("CEO"), "{screen}");
    assert!(screen.contains("now 'CTO' in the record; Ctrl-S saves yours"), "{screen}");
    assert!(!screen.contains("changed meanwhile by"), "{screen}");
    ui.keys("ctrl-s");
    let saved = person(&ui.crm, "Wang");
    assert_eq!((saved.title.as_deref(), saved.addresses[0].city.as_deref()), (Some("CEO"), Some("Paris")));
}

#[test]
fn an_app_shows_what_another_app_committed_keeping_its_selection() {
    let (mut ann, bob) = shared(&[("Cal", "Holt"), ("Dee", "Moss"), ("Eve", "Park")]);
    let mut other = Ui::with(tempfile::tempdir().unwrap(), Arc::new(bob), 100, 30);
    let moss = person(&ann.crm, "Moss").id;
    ann.keys("2 j");
    assert_eq!(ann.app.list().unwrap().selected_id(), Some(moss));
    assert!(!ann.app.wants_redraw(), "nothing happened: an idle session is not drawn again");
    // Bob adds someone who sorts first, in his own app.
    other.keys("2 n").text("Abe").keys("tab").text("Adams").keys("ctrl-s");
    assert!(ann.app.wants_redraw(), "another session's commit touches the list on show");
    let screen = ann.screen();
    assert!(screen.contains("Abe Adams"), "{screen}");
    assert_eq!(ann.app.list().unwrap().selected_id(), Some(moss), "the selection stays on its record");
}

#[test]
fn a_record_page_shows_what_another_session_changed_in_it() {
    let (mut ann, bob) = shared(&[("Dee", "Moss")]);
    ann.keys("2 enter");
    let mut dee = person(&bob, "Moss");
    dee.title = Some("Head of Sales".into());
    bob.update(dee).unwrap();
    let screen = ann.screen();
    assert!(screen.contains("Head of Sales"), "{screen}");
}

#[test]
fn a_record_page_shows_a_record_another_session_linked_to_it() {
    let (mut ann, bob) = shared(&[("Dee", "Moss")]);
    ann.keys("2 enter");
    // A note about Dee changes no field of hers: it is found by what it links to.
    bob.create(Note::new(person(&bob, "Moss").record_ref(), "Prefers calls after 3pm")).unwrap();
    let screen = ann.screen();
    assert!(screen.contains("Prefers calls after 3pm"), "{screen}");
}

/// Polls of the loop with no key: each runs `at` with its number, and the last one stops the loop.
struct Idle<F: FnMut(usize)> {
    polls: usize,
    last: usize,
    at: F,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl<F: FnMut(usize)> rolo::tui::Events for Idle<F> {
    fn next(&mut self, _: std::time::Duration) -> std::io::Result<Option<ratatui::crossterm::event::Event>> {
        self.polls += 1;
        (self.at)(self.polls);
        if self.polls >= self.last {
            self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(None)
    }
}

#[test]
fn the_loop_draws_an_idle_session_only_when_another_sessions_commit_shows_in_it() {
    let (mut ann, bob) = shared(&[("Cal", "Holt")]);
    ann.screen();
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    let mut run = |ann: &mut Ui, at: &mut dyn FnMut(usize)| {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut events = Idle { polls: 0, last: 4, at, stop: stop.clone() };
        let theme = rolo::tui::Theme::plain();
        rolo::tui::run(&mut term, &mut ann.app, &mut events, &theme, &stop, &mut crate::copy::Clipboard::default())
            .unwrap();
        let drawn = term.get_frame().count();
        let text = format!("{:?}", term.backend().buffer());
        (drawn, text)
    };
    let (drawn, _) = run(&mut ann, &mut |_| {});
    assert_eq!(drawn, 1, "the first frame, then nothing while nothing happens");
    let (drawn, screen) = run(&mut ann, &mut |poll| {
        if poll == 1 {
            bob.create(Contact { first_name: "Abe".into(), last_name: "Adams".into(), ..Default::default() }).unwrap();
        }
    });
    assert_eq!(drawn, 3, "the loop's first frame, and one for Bob's contact");
    assert!(screen.contains("Abe Adams"), "{screen}");
}

#[test]
fn a_quote_saved_after_someone_else_changed_it_is_refused_and_nothing_is_written() {
    let mut ui = Ui::pipeline(120, 36);
    ui.crm.add_user(User::new("bob", "Bob Ray", "admin")).unwrap();
    let bob = ui.crm.with_session(Session::new("bob"));
    ui.keys("1 Q ctrl-s");
    let quote = bob.list::<Quote>(|_| true).unwrap().remove(0);
    // Saved again by its editor: the version it read after its own save is the stored one.
    ui.keys("s ctrl-s");
    assert_eq!(bob.get::<Quote>(quote.id).unwrap().status, QuoteStatus::Sent);
    let mut theirs = bob.get::<Quote>(quote.id).unwrap();
    theirs.valid_until = Some(rolo::model::Date::parse_iso("2099-01-31").unwrap());
    bob.save_quote(theirs).unwrap();
    let screen = ui.keys("s ctrl-s").screen();
    assert!(screen.contains("changed meanwhile by Bob Ray"), "{screen}");
    let stored = bob.get::<Quote>(quote.id).unwrap();
    assert_eq!((stored.status, stored.valid_until.is_some()), (QuoteStatus::Sent, true), "nothing written");
}

#[test]
fn the_board_shows_a_deal_another_session_moved() {
    let mut ui = Ui::pipeline(140, 40);
    // The admin in another session of their own.
    let other = ui.crm.with_session(ui.crm.session().clone());
    let s = ui.keys("1").screen();
    assert!(s.contains("Prospecting (2)") && s.contains("Qualification (1)"), "{s}");
    let stages = other.stages().unwrap();
    other.move_deal(ui.deal("Harbor pilot").id, stages[1].id, None).unwrap();
    let s = ui.screen();
    assert!(s.contains("Prospecting (1)") && s.contains("Qualification (2)"), "{s}");
}

#[test]
fn a_list_reads_again_only_the_rows_another_session_changed() {
    let (mut ann, bob) = shared(&[("Cal", "Holt"), ("Dee", "Moss")]);
    let s = ann.keys("2").screen();
    assert!(s.find("Cal Holt") < s.find("Dee Moss"), "{s}");
    let mut cal = person(&bob, "Holt");
    cal.last_name = "Zimmer".into();
    cal.emails.push(Email::new("cal@zimmer.example"));
    bob.update(cal).unwrap();
    // The row shows the change at once; the ids are not read again, so it keeps its place
    // until the list is read whole (a record new to it, or one of the app's own writes).
    let s = ann.screen();
    assert!(s.contains("cal@zimmer.example") && s.find("Cal Zimmer") < s.find("Dee Moss"), "{s}");
}

#[test]
fn a_list_at_its_top_shows_what_another_session_put_first() {
    let (mut ann, bob) = shared(&[("Cal", "Holt"), ("Dee", "Moss")]);
    let mut other = Ui::with(tempfile::tempdir().unwrap(), Arc::new(bob), 100, 30);
    ann.term.backend_mut().resize(100, 15);
    // More calls than Ann's screen holds.
    other.keys("2");
    for _ in 0..12 {
        other.keys("c c ctrl-s");
    }
    ann.keys("6");
    assert!(ann.screen().contains("Cal Holt"), "{}", ann.screen());
    // Bob logs a newer call: it comes first in Ann's list, newest first, and shows.
    other.keys("j c c ctrl-s");
    // Others' commits are taken in at most every 500 ms.
    std::thread::sleep(std::time::Duration::from_millis(550));
    let screen = ann.screen();
    let (moss, holt) = (screen.find("Dee Moss"), screen.find("Cal Holt"));
    assert!(moss.is_some() && moss < holt, "the newest call on top:\n{screen}");
}

#[test]
fn a_change_to_a_row_off_screen_draws_nothing_until_it_shows() {
    let names: Vec<(String, String)> = (0..60).map(|i| ("Pat".to_string(), format!("Row{i:02}"))).collect();
    let names: Vec<(&str, &str)> = names.iter().map(|(f, l)| (f.as_str(), l.as_str())).collect();
    let (mut ann, bob) = shared(&names);
    let s = ann.keys("2").screen();
    assert!(s.contains("Pat Row00") && !s.contains("Pat Row59"), "{s}");
    let mut last = person(&bob, "Row59");
    last.emails.push(Email::new("buyer@row.example"));
    bob.update(last).unwrap();
    assert!(!ann.app.wants_redraw(), "a session showing none of it is not drawn again");
    let s = ann.keys("G").screen();
    assert!(s.contains("Pat Row59") && s.contains("buyer@row.example"), "read when it shows: {s}");
    // A change to a row on screen is drawn (others' commits are taken in at most every 500 ms).
    let mut shown = person(&bob, "Row58");
    shown.emails.push(Email::new("owner@row.example"));
    bob.update(shown).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(550));
    assert!(ann.app.wants_redraw());
    assert!(ann.screen().contains("owner@row.example"));
}
