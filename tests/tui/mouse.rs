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

/// Three deals on the board: two in the first stage (Apex then Birch by close date), one in the
/// second (Cedar), the board on show.
fn board() -> Ui {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let acme = crm.create(Account { name: "Acme".into(), ..Default::default() }).unwrap().id;
    let stages = crm.stages().unwrap();
    for (name, stage, close) in [("Apex", 0, "2099-01-01"), ("Birch", 0, "2099-02-01"), ("Cedar", 1, "2099-03-01")] {
        let deal = Opportunity {
            name: name.into(),
            account: acme,
            amount: Amount::units(10),
            close_date: Date::parse_iso(close).unwrap(),
            stage: stages[stage].id,
            ..Default::default()
        };
        crm.create_opportunity(deal).unwrap();
    }
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    ui.keys("1");
    ui
}

/// Where `text` is on the screen: its column and row.
fn place_of(ui: &mut Ui, text: &str) -> (u16, u16) {
    let screen = ui.screen();
    let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains(text)).unwrap_or_else(|| panic!("{screen}"));
    (line[..line.find(text).unwrap()].chars().count() as u16, y as u16)
}

#[test]
fn a_click_on_a_card_selects_it_a_second_opens_it_and_the_wheel_moves_the_column_under_it() {
    let mut ui = board();
    assert_eq!(ui.app.board.selected().unwrap().name, "Apex");
    let (x, y) = place_of(&mut ui, "Cedar");
    ui.click(x + 1, y);
    assert_eq!(ui.app.board.selected().unwrap().name, "Cedar", "a card in another column");
    // A card's other lines pick it too.
    let (x, y) = place_of(&mut ui, "Birch");
    ui.click(x, y + 2);
    assert_eq!(ui.app.board.selected().unwrap().name, "Birch");
    // The wheel over the first column's heading moves within that column.
    let (cx, cy) = place_of(&mut ui, "Cedar");
    ui.click(cx, cy);
    let (hx, hy) = place_of(&mut ui, "Birch");
    ui.mouse(MouseEventKind::ScrollUp, hx, hy - 3);
    assert_eq!(ui.app.board.selected().unwrap().name, "Apex", "the wheel turned to the first column");
    // Two clicks on a card open the deal.
    let (x, y) = place_of(&mut ui, "Cedar");
    ui.click(x, y).click(x, y);
    assert!(ui.app.detail().is_some(), "{}", ui.screen());
    assert!(ui.screen().lines().nth(1).is_some_and(|l| l.contains("Cedar")), "{}", ui.screen());
}

#[test]
fn a_click_picks_a_report_then_a_bar_and_a_second_click_lists_the_records_behind_it() {
    let mut ui = board();
    ui.keys(&ScreenId::Reports.number().to_string());
    ui.app.reports.invalidate();
    let (x, y) = place_of(&mut ui, "stages");
    ui.click(x, y);
    assert_eq!(ui.app.reports.name(), "stages");
    // Wait for the chart, worked out on a worker thread.
    for _ in 0..200 {
        if ui.app.reports.shown().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        ui.screen();
    }
    let rows = ui.app.reports.shown().map(|v| v.rows.len()).unwrap_or(0);
    assert!(rows >= 2, "{}", ui.screen());
    let second = ui.app.reports.shown().unwrap().rows[1].label.clone();
    // The lying bars (or upright ones) carry their label: a click on the second picks it.
    let (x, y) = place_of(&mut ui, &second);
    ui.click(x, y);
    let picked = ui.app.reports.selected;
    assert_eq!(picked, 1, "{}", ui.screen());
    ui.click(x, y);
    for _ in 0..200 {
        if ui.screen().contains("Cedar") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(ui.screen().contains("Cedar"), "the deal behind the second stage's bar: {}", ui.screen());
    assert!(!ui.screen().contains("Apex"), "{}", ui.screen());
}

#[test]
fn a_click_selects_a_task_and_a_second_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    crm.create(Contact { first_name: "Ann".into(), last_name: "Able".into(), ..Default::default() }).unwrap();
    let due = Date::parse_iso("2020-01-01").unwrap();
    for title in ["Call back", "Send terms", "Book demo"] {
        crm.create(Task { title: title.into(), due: Some(due), ..Default::default() }).unwrap();
    }
    let mut ui = Ui::with(dir, Arc::new(crm), 100, 24);
    ui.keys(&ScreenId::Tasks.number().to_string()).keys("]");
    let (x, y) = place_of(&mut ui, "Send terms");
    ui.click(x, y);
    let picked = ui.app.tasks.selected_task().map(|t| t.title.clone());
    assert_eq!(picked.as_deref(), Some("Send terms"), "{}", ui.screen());
    ui.click(x, y);
    assert!(ui.app.detail().is_some(), "{}", ui.screen());
}
