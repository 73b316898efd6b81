//! The app served over SSH (`Place::Remote`): files come only from the upload folder the admin
//! named, or import is off; no demo data; no `$EDITOR`.

use super::common::ui::Ui;
use rolo::model::*;
use rolo::tui::Place;

#[test]
fn over_ssh_the_welcome_offers_neither_demo_data_nor_import_without_an_upload_folder() {
    let mut ui = Ui::empty(100, 30);
    ui.app.set_place(Place::Remote { import_dir: None });
    let s = ui.screen();
    assert!(s.contains("Welcome to rolo") && !s.contains("load the demo data"), "{s}");
    assert!(s.contains("import is off over SSH: the server was started without --import-dir"), "{s}");
    ui.keys("d");
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 0, "d loads no demo data");
    assert!(!ui.screen().contains("d load"), "nor is it hinted: {}", ui.screen());
    // The action itself is refused, however it is reached.
    ui.app.act(rolo::tui::Action::LoadDemo);
    assert!(ui.screen().contains("demo data is off over SSH"), "{}", ui.screen());
    ui.keys("i");
    assert!(ui.app.overlay().is_none(), "no question about a file");
    assert!(ui.screen().contains("import is off over SSH"), "{}", ui.screen());
    // Nor through the palette.
    ui.keys("e");
    let s = ui.screen();
    assert!(s.contains("No contacts yet. Press n to add one.") && !s.contains("demo"), "{s}");
    assert!(ui.app.palette_entries("demo").iter().all(|e| e.action != rolo::tui::Action::LoadDemo));
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 0);
}

#[test]
fn over_ssh_import_reads_only_files_inside_the_upload_folder() {
    let fixtures = format!("{}/tests/fixtures/import", env!("CARGO_MANIFEST_DIR"));
    let uploads = tempfile::tempdir().unwrap();
    std::fs::copy(format!("{fixtures}/bad.csv"), uploads.path().join("leads.csv")).unwrap();
    let mut ui = Ui::empty(120, 30);
    ui.app.set_place(Place::Remote { import_dir: Some(uploads.path().to_path_buf()) });
    assert!(ui.screen().contains("import a CSV or vCard file from the upload folder"), "{}", ui.screen());
    ui.keys("i");
    assert!(ui.screen().contains("from the upload folder: its name there"), "{}", ui.screen());
    ui.keys("esc");
    for outside in [format!("{fixtures}/bad.csv"), "../bad.csv".to_string()] {
        ui.keys("i").text(&outside).keys("enter");
        let s = ui.screen();
        assert!(s.contains("is outside the"), "{outside}: {s}");
        assert!(ui.app.import().is_none(), "{outside}");
        ui.keys("esc");
    }
    ui.keys("i").text("leads.csv").keys("enter");
    assert!(ui.screen().contains("Import leads.csv as contacts"), "{}", ui.screen());
}

#[test]
fn over_ssh_editor_is_off_and_the_field_says_so() {
    let mut ui = Ui::empty(120, 40);
    ui.app.set_place(Place::Remote { import_dir: None });
    // Even a loop that could run an editor is not asked to over SSH.
    ui.app.use_local_terminal();
    ui.keys("e g P n")
        .text("Widget")
        .keys("tab tab")
        .text("10")
        .keys("tab tab tab")
        .text("first")
        .keys("ctrl-x ctrl-e");
    assert!(ui.screen().contains("$EDITOR is off over SSH: type here"), "{}", ui.screen());
    assert_eq!(ui.app.take_editor_request(), None, "nothing for the loop");
}
