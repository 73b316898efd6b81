//! `y` and `Y` copy the selected record's email or phone number through the loop's host (OSC 52
//! on a terminal), on the lists, the board and a record's page; the app itself writes nothing.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use ratatui::crossterm::event::Event;
use rolo::crm::Crm;
use rolo::model::*;
use rolo::tui::{Events, Host, Theme};

use super::common::ui::{Ui, key};

/// Keys given one a frame, as typed, then Ctrl-C.
struct Script(VecDeque<Option<Event>>);

impl Events for Script {
    fn next(&mut self, _: Duration) -> io::Result<Option<Event>> {
        Ok(self.0.pop_front().unwrap_or(Some(Event::Key(key("ctrl-c")))))
    }
}

/// A host that keeps what it was asked to copy (and runs no editor).
#[derive(Default)]
pub(crate) struct Clipboard(Vec<String>);

impl Host for Clipboard {
    fn edit(&mut self, _: &str) -> io::Result<String> {
        Err(io::Error::other("no editor here"))
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        self.0.push(text.to_string());
        Ok(())
    }
}

/// Runs the loop over `keys` (then Ctrl-C, which ends it); returns what was copied.
fn run(ui: &mut Ui, keys: &str) -> Vec<String> {
    ui.screen();
    let mut events = Script(keys.split_whitespace().flat_map(|k| [Some(Event::Key(key(k))), None]).collect());
    let mut host = Clipboard::default();
    rolo::tui::run(&mut ui.term, &mut ui.app, &mut events, &Theme::plain(), &AtomicBool::new(false), &mut host)
        .unwrap();
    ui.app.quit = false;
    host.0
}

/// Ann (email and phone), Bob (a phone only) and Cy (neither), and a deal of Acme with Ann.
fn people() -> Ui {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let person = |first: &str, email: Option<&str>, phone: Option<&str>| {
        let c = Contact {
            first_name: first.into(),
            last_name: "Test".into(),
            emails: email.map(Email::new).into_iter().collect(),
            phones: phone.map(Phone::new).into_iter().collect(),
            ..Default::default()
        };
        crm.create(c).unwrap().id
    };
    let ann = person("Ann", Some("ann@example.com"), Some("+44 20 7946 0000"));
    person("Bob", None, Some("+33 1 23 45 67 89"));
    person("Cy", None, None);
    let acme = crm.create(Account { name: "Acme".into(), ..Default::default() }).unwrap().id;
    let stage = crm.stages().unwrap()[0].id;
    let deal = Opportunity {
        name: "Fleet".into(),
        account: acme,
        contact: Some(ann),
        amount: Amount::units(10),
        close_date: Date::parse_iso("2099-01-01").unwrap(),
        stage,
        ..Default::default()
    };
    crm.create_opportunity(deal).unwrap();
    Ui::with(dir, Arc::new(crm), 120, 30)
}

#[test]
fn y_copies_the_email_and_shift_y_the_phone_through_the_host() {
    let mut ui = people();
    ui.keys("2 g g");
    assert_eq!(run(&mut ui, "y"), ["ann@example.com"]);
    assert!(ui.frame().contains("copied ann@example.com (your terminal must allow OSC 52)"), "{}", ui.frame());
    assert_eq!(run(&mut ui, "Y"), ["+44 20 7946 0000"]);
    assert_eq!(run(&mut ui, "j y"), ["+33 1 23 45 67 89"], "no email: the phone");
    assert_eq!(run(&mut ui, "j y"), Vec::<String>::new());
    assert!(ui.frame().contains("Cy Test has no email or phone to copy"), "{}", ui.frame());
    // A record's page, and the board: a deal reaches its contact.
    assert_eq!(run(&mut ui, "g g enter y"), ["ann@example.com"]);
    assert_eq!(run(&mut ui, "esc 1 y"), ["ann@example.com"]);
}

#[test]
fn y_and_shift_y_are_in_the_help_of_the_lists_the_board_and_pages() {
    for table in [rolo::tui::keymap::LIST, rolo::tui::keymap::BOARD, rolo::tui::keymap::DETAIL] {
        let keys: Vec<(&[&str], rolo::tui::Action)> = table.iter().map(|b| (b.keys, b.action)).collect();
        assert!(keys.contains(&(&["y"][..], rolo::tui::Action::CopyEmail)), "{keys:?}");
        assert!(keys.contains(&(&["Y"][..], rolo::tui::Action::CopyPhone)), "{keys:?}");
    }
}
