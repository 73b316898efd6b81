//! The mouse, driven through the same harness as the keys: titles, rows, double clicks, the wheel.

use std::sync::Arc;

use ratatui::crossterm::event::MouseEventKind;

use super::common::ui::Ui;
use rolo::crm::Crm;
use rolo::model::*;
use rolo::tui::ScreenId;

/// Three contacts, listed by name: Ann Able, Bo Baker, Cy Cole.
fn three() -> Ui {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    for (first, last) in [("Cy", "Cole"), ("Ann", "Able"), ("Bo", "Baker")] {
        crm.create(Contact { first_name: first.into(), last_name: last.into(), ..Default::default() }).unwrap();
    }
    Ui::with(dir, Arc::new(crm), 100, 24)
}

/// The column where `text` starts on row `y` of the screen.
fn column_of(ui: &mut Ui, y: usize, text: &str) -> u16 {
    let screen = ui.screen();
    let line = screen.lines().nth(y).unwrap();
    let at = line.find(text).unwrap_or_else(|| panic!("no {text:?} on row {y}: {line}"));
    line[..at].chars().count() as u16
}

#[test]
fn a_click_on_a_title_goes_to_its_screen() {
    let mut ui = three();
    let x = column_of(&mut ui, 0, "Leads");
    ui.click(x + 2, 0);
    assert_eq!(ui.app.screen, ScreenId::Leads);
    let x = column_of(&mut ui, 0, "Contacts");
    ui.click(x, 0);
    assert_eq!(ui.app.screen, ScreenId::Contacts);
    // The name at the left goes nowhere.
    ui.click(1, 0);
    assert_eq!(ui.app.screen, ScreenId::Contacts);
}

#[test]
fn a_click_selects_a_row_a_second_opens_it_and_the_wheel_moves() {
    let mut ui = three();
    let row = |ui: &mut Ui, name: &str| ui.screen().lines().position(|l| l.contains(name)).unwrap() as u16;
    let bo = row(&mut ui, "Bo Baker");
    ui.click(10, bo);
    assert!(ui.screen().contains("Bo Baker"));
    let selected = ui.app.list().unwrap().selected;
    assert_eq!(selected, 1, "the second row");
    // Below the last row, nothing changes.
    ui.click(10, bo + 5);
    assert_eq!(ui.app.list().unwrap().selected, 1);
    // The wheel moves the selection as j and k do.
    ui.mouse(MouseEventKind::ScrollDown, 10, bo);
    assert_eq!(ui.app.list().unwrap().selected, 2);
    ui.mouse(MouseEventKind::ScrollUp, 10, bo);
    ui.mouse(MouseEventKind::ScrollUp, 10, bo);
    assert_eq!(ui.app.list().unwrap().selected, 0);
    // Two clicks on one row open its record.
    let cy = row(&mut ui, "Cy Cole");
    ui.click(12, cy).click(12, cy);
    let page = ui.screen();
    assert!(ui.app.detail().is_some(), "{page}");
    assert!(page.lines().nth(1).is_some_and(|l| l.contains("Cy Cole")), "{page}");
}

#[test]
fn a_dialog_over_the_screen_ignores_clicks() {
    let mut ui = three();
    ui.keys("n");
    let x = column_of(&mut ui, 0, "Leads");
    ui.click(x, 0);
    assert_eq!(ui.app.screen, ScreenId::Contacts, "the form stays until Esc");
    assert!(!ui.app.modes().is_empty());
}
