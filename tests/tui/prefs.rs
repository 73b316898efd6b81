//! A user's preferences drive the app: it opens on their screen, draws in their theme and takes
//! their own keys before the tables.

use std::sync::Arc;

use super::common::ui::Ui;
use rolo::crm::{Crm, Session};
use rolo::model::*;
use rolo::tui::{ScreenId, Theme};

/// The rep ann, with a contact of hers (so no welcome), and her preferences.
fn ann_with(prefs: Prefs) -> Ui {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    crm.add_user(User::new("ann", "Ann Lee", "rep")).unwrap();
    crm.set_prefs("ann", prefs).unwrap();
    let ann = crm.with_session(Session::new("ann"));
    let bea = Contact {
        first_name: "Bea".into(),
        last_name: "Stone".into(),
        emails: vec![Email::new("bea@example.com")],
        ..Default::default()
    };
    ann.create(bea).unwrap();
    Ui::with(dir, Arc::new(ann), 120, 30)
}

fn keys(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(a, k)| (a.to_string(), k.to_string())).collect()
}

#[test]
fn the_app_opens_on_the_users_screen_in_their_theme() {
    let ui =
        ann_with(Prefs { default_screen: Some("leads".into()), theme: Some("plain".into()), ..Default::default() });
    assert_eq!(ui.app.screen, ScreenId::Leads);
    assert_eq!(format!("{:?}", ui.app.theme(false)), format!("{:?}", Theme::plain()));
    let ui = ann_with(Prefs::default());
    assert_eq!(ui.app.screen, ScreenId::Contacts, "the contacts unless they chose");
    assert_eq!(format!("{:?}", ui.app.theme(false)), format!("{:?}", Theme::color()));
    assert_eq!(format!("{:?}", ui.app.theme(true)), format!("{:?}", Theme::plain()), "NO_COLOR wins");
}

#[test]
fn the_users_keys_act_before_the_tables_where_their_action_does() {
    let mut ui = ann_with(Prefs { keys: keys(&[("copy-email", "c"), ("goto-leads", "g x")]), ..Default::default() });
    // The hints and the palette say the keys as they now are.
    let s = ui.screen();
    assert!(!s.contains("c log a call"), "c no longer calls: {s}");
    let copy = ui.app.palette_entries("").into_iter().find(|e| e.action == rolo::tui::Action::CopyEmail).unwrap();
    assert!(copy.label.ends_with("(c, y)"), "{}", copy.label);
    ui.keys("g g c");
    assert_eq!(ui.app.take_copy_request().as_deref(), Some("bea@example.com"), "c copies instead of calling");
    assert!(ui.app.call().is_none(), "{}", ui.screen());
    ui.keys("g x");
    assert_eq!(ui.app.screen, ScreenId::Leads);
    ui.keys("?");
    let help = ui.screen();
    let own = help.lines().position(|l| l.contains("Your own keys (rolo user prefs, the config file)")).expect(&help);
    assert!(help.lines().nth(own + 1).is_some_and(|l| l.contains("c ") && l.contains("copy the email")), "{help}");
    assert!(help.lines().nth(own + 2).is_some_and(|l| l.contains("g x") && l.contains("go to Leads")), "{help}");
    ui.keys("esc");
    // Where the action is not bound (a dialog), the key is what it always was.
    ui.keys("2 /").text("c");
    assert!(ui.screen().contains("c▏"), "typed into the search: {}", ui.screen());
}

#[test]
fn a_stored_name_the_app_does_not_know_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let me = crm.actor().unwrap().login().to_string();
    // As another front end might have stored them: the service does not know the app's names.
    let odd = Prefs {
        default_screen: Some("home".into()),
        theme: Some("neon".into()),
        keys: keys(&[("fly", "f")]),
        ..Default::default()
    };
    crm.set_prefs(&me, odd).unwrap();
    crm.create(Contact { first_name: "Bea".into(), last_name: "Stone".into(), ..Default::default() }).unwrap();
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    assert_eq!(ui.app.screen, ScreenId::Contacts);
    assert!(ui.screen().contains("Bea"), "{}", ui.screen());
}

#[test]
fn the_config_files_preferences_lie_over_the_users_record() {
    let mut ui = ann_with(Prefs {
        default_screen: Some("leads".into()),
        theme: Some("plain".into()),
        keys: keys(&[("copy-email", "ctrl-y"), ("goto-leads", "g x")]),
        date_format: Some("DD/MM/YYYY".into()),
        week_start: Some("sunday".into()),
    });
    ui.app.prefer(&Prefs {
        default_screen: Some("pipeline".into()),
        theme: None,
        keys: keys(&[("copy-email", "ctrl-e")]),
        date_format: Some("MM/DD/YYYY".into()),
        week_start: None,
    });
    let dates = ui.app.dates();
    assert_eq!(dates.format, DateFormat::MonthDayYear, "the file's date format wins");
    assert_eq!(dates.week_start, chrono::Weekday::Sun, "the record's week start stays");
    assert_eq!(ui.app.screen, ScreenId::Pipeline, "the file's screen wins");
    assert_eq!(ui.app.theme(false), Theme::plain(), "the record's theme stays where the file sets none");
    let own: Vec<String> = ui.app.own_keys().iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(own, ["g x", "ctrl-e"], "the file's key replaces the record's for that action");
}

/// One screen in every theme: the contacts list with a row selected, a hint line and the tabs,
/// each cell's colours and attributes recorded.
#[test]
fn each_theme_draws_the_contacts_in_its_own_colours() {
    for name in rolo::tui::prefs::THEMES {
        let mut ui = ann_with(Prefs::default());
        let theme = Theme::named(name).unwrap();
        insta::assert_snapshot!(format!("theme_{name}"), ui.styled(&theme));
    }
}

#[test]
fn a_new_deal_in_the_app_takes_the_sessions_currency() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let me = crm.actor().unwrap().login().to_string();
    crm.create(Contact { first_name: "Bea".into(), last_name: "Stone".into(), ..Default::default() }).unwrap();
    let eur = Currency::parse("EUR").unwrap();
    let crm = crm.with_session(Session::new(me).with_currency(Some(eur)));
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    ui.keys("1 n");
    let form = ui.screen();
    let currency = form.lines().find(|l| l.contains("currency")).unwrap_or_else(|| panic!("{form}"));
    assert!(currency.contains("EUR"), "{form}");
}

#[test]
fn dates_show_and_read_the_users_way_on_the_board_in_forms_and_on_pages() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    crm.add_user(User::new("ann", "Ann Lee", "rep")).unwrap();
    crm.set_prefs("ann", Prefs { date_format: Some("DD/MM/YYYY".into()), ..Default::default() }).unwrap();
    let crm = Arc::new(crm.with_session(Session::new("ann")));
    let acme = crm.create(Account { name: "Acme".into(), ..Default::default() }).unwrap().id;
    let deal = Opportunity {
        name: "Fleet".into(),
        account: acme,
        amount: Amount::units(10),
        close_date: Date::parse_iso("2099-01-31").unwrap(),
        stage: crm.stages().unwrap()[0].id,
        ..Default::default()
    };
    let id = crm.create_opportunity(deal).unwrap().id;
    let mut ui = Ui::with(dir, crm.clone(), 120, 30);
    ui.keys("1");
    assert!(ui.screen().contains("31/01/2099"), "{}", ui.screen());
    assert!(!ui.screen().contains("2099-01-31"), "{}", ui.screen());
    // The form shows the date that way and reads one typed that way.
    ui.keys("e");
    assert!(ui.screen().contains("31/01/2099"), "{}", ui.screen());
    // name, account, amount, currency, then the close date.
    ui.keys("tab tab tab tab ctrl-u").text("15/02/2099").keys("ctrl-s");
    let saved: Opportunity = crm.get(id).unwrap();
    assert_eq!(saved.close_date, Date::parse_iso("2099-02-15").unwrap(), "{}", ui.screen());
    // A date the other way round is refused naming the field and both ways to write it.
    ui.keys("e tab tab tab tab ctrl-u").text("02/31/2099").keys("ctrl-s");
    let screen = ui.screen();
    assert!(screen.contains("use DD/MM/YYYY or"), "{screen}");
    ui.keys("esc y");
    // The deal's page writes its dates the same way.
    ui.keys("enter");
    assert!(ui.screen().contains("15/02/2099"), "{}", ui.screen());
    assert!(!ui.screen().contains("2099-02-15"), "the history's change too: {}", ui.screen());
    // A chart's title, worked out in ISO by the service, reads the user's way too.
    ui.keys(&format!("esc {}", ScreenId::Reports.number()));
    for _ in 0..300 {
        if ui.app.reports.shown().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        ui.screen();
    }
    let screen = ui.screen();
    let year = Date::today().0.format("%Y").to_string();
    assert!(screen.contains(&format!("/{year} to ")), "{screen}");
    assert!(!screen.contains(&format!("{year}-")), "{screen}");
}
