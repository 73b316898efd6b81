//! The full-screen app driven by key presses, read back from a `TestBackend` buffer.

mod common;
#[path = "tui/copy.rs"]
mod copy;
#[path = "tui/day.rs"]
mod day;
#[path = "tui/filters.rs"]
mod filters;
#[path = "tui/marketing.rs"]
mod marketing;
#[path = "tui/mouse.rs"]
mod mouse;
#[path = "tui/prefs.rs"]
mod prefs;
#[path = "tui/projects.rs"]
mod projects;
#[path = "tui/remote.rs"]
mod remote;
#[path = "tui/service.rs"]
mod service;
#[path = "tui/sessions.rs"]
mod sessions;
#[path = "tui/teams.rs"]
mod teams;

use std::sync::Arc;

use common::ui::Ui;
use rolo::crm::Crm;
use rolo::model::*;
use rolo::tui::App;

impl Ui {
    /// The records of `common::populate` and a few more people.
    fn populated(w: u16, h: u16) -> Ui {
        let dir = tempfile::tempdir().unwrap();
        let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
        let m = common::populate(&crm);
        for (first, last) in [("Ann", "Lee"), ("Bob", "Stone"), ("Chloé", "Martin")] {
            crm.create(Contact {
                first_name: first.into(),
                last_name: last.into(),
                account: Some(m.account),
                ..Default::default()
            })
            .unwrap();
        }
        crm.create(Account { name: "Acme Ltd".into(), industry: Some("Software".into()), ..Default::default() })
            .unwrap();
        Ui::with(dir, Arc::new(crm), w, h)
    }

    /// Deals spread over the stages, with dates that never move: far ahead, and one long past.
    fn pipeline(w: u16, h: u16) -> Ui {
        let dir = tempfile::tempdir().unwrap();
        let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
        let stages = crm.stages().unwrap();
        let acme = crm.create(Account { name: "Acme Ltd".into(), ..Default::default() }).unwrap().id;
        let kobe = crm.create(Account { name: "Kobe Shipping 株式会社".into(), ..Default::default() }).unwrap().id;
        let deals = [
            ("Fleet licences", acme, "12000.50", "2099-03-31", 0, Some(("Send pricing", "2099-03-01"))),
            ("Harbor pilot", kobe, "5000", "2000-01-31", 0, None),
            ("Renewal 2099", acme, "48000", "2099-06-30", 1, Some(("Meet the CFO", "2000-02-01"))),
            ("Expansion", kobe, "150000", "2099-09-30", 7, None),
        ];
        for (name, account, amount, close, stage, step) in deals {
            crm.create_opportunity(Opportunity {
                name: name.into(),
                account,
                amount: Amount::parse(amount).unwrap(),
                close_date: common::date(close),
                stage: stages[stage].id,
                next_step: step.map(|(s, _)| s.to_string()),
                next_step_date: step.map(|(_, d)| common::date(d)),
                ..Default::default()
            })
            .unwrap();
        }
        Ui::with(dir, Arc::new(crm), w, h)
    }

    /// The deal called `name`.
    fn deal(&self, name: &str) -> Opportunity {
        self.crm.list::<Opportunity>(|o| o.name == name).unwrap().remove(0)
    }

    /// The name of deal `o`'s stage.
    fn stage_of(&self, o: &Opportunity) -> String {
        self.crm.get::<Stage>(o.stage).unwrap().name
    }
}

#[test]
fn first_run_offers_demo_data_or_an_empty_start() {
    let mut ui = Ui::empty(100, 30);
    let s = ui.screen();
    assert!(s.contains("Welcome to rolo") && s.contains("load the demo data"), "{s}");
    ui.keys("e");
    let s = ui.screen();
    assert!(s.contains("No contacts yet. Press n to add one"), "{s}");

    let mut ui = Ui::empty(100, 30);
    ui.keys("d");
    let s = ui.screen();
    assert!(s.contains("demo data loaded"), "{s}");
    assert!(s.contains("Contacts (2"), "{s}");
}

#[test]
fn first_run_imports_a_csv_file_through_the_wizard_fixing_its_mapping() {
    let fixtures = format!("{}/tests/fixtures/import", env!("CARGO_MANIFEST_DIR"));
    let mut ui = Ui::empty(120, 30);
    ui.keys("i").text(&format!("{fixtures}/bad.csv")).keys("enter");
    let s = ui.screen();
    assert!(s.contains("Import bad.csv as contacts"), "{s}");
    let email = s.lines().find(|l| l.contains("│Email")).unwrap_or_default();
    assert!(email.contains("email") && email.contains("good@example.com · not-an-email"), "guess and samples: {s}");
    // The check keeps the odd values and warns of each, before anything is written.
    ui.keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("The file is fine: it would create 4 contacts"), "{s}");
    assert!(s.contains("line 3, column Email: 'not-an-email'") && s.contains("line 4, column Birthday"), "{s}");
    assert!(s.contains("line 6, column Birthday: 2999-01-01 is in the future"), "{s}");
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 0);
    // Leave the two bad columns out, picking the field by typing.
    ui.keys("j j enter").text("ign").keys("enter");
    ui.keys("j enter").text("ign").keys("enter");
    let s = ui.screen();
    assert!(s.lines().any(|l| l.contains("│Birthday") && l.contains("left out *")), "chosen by hand: {s}");
    ui.keys("ctrl-s");
    assert!(ui.screen().contains("The file is fine: it would create 4 contacts"), "{}", ui.screen());
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 0, "a check writes nothing");
    ui.keys("ctrl-s");
    assert!(ui.screen().contains("Imported: created 4 contacts"), "{}", ui.screen());
    // Switching the wizard to another kind after the import does not make it forget it: closing
    // it shows what was imported, not a welcome saying the database is empty.
    ui.keys("t esc");
    let s = ui.screen();
    assert!(s.contains("Contacts (4)") && s.contains("Bad Date"), "{s}");

    // Another file, as it comes: the companies become accounts.
    ui.keys("I").text(&format!("{fixtures}/google.csv")).keys("enter ctrl-s ctrl-s");
    let s = ui.screen();
    assert!(s.contains("created 3 contacts, 2 new accounts"), "{s}");
    ui.keys("esc");
    assert!(ui.screen().contains("Zoë O'Brien-Müller"), "{}", ui.screen());
}

#[test]
fn the_import_wizard_switches_kind_and_duplicate_policy_and_refuses_an_unmappable_file() {
    let fixtures = format!("{}/tests/fixtures/import", env!("CARGO_MANIFEST_DIR"));
    let mut ui = Ui::populated(120, 30);
    ui.keys("I").text(&format!("{fixtures}/accounts.csv")).keys("enter t");
    assert!(ui.screen().contains("as accounts (t)"), "{}", ui.screen());
    ui.keys("o");
    assert!(ui.screen().contains("duplicates: merge (o)"), "{}", ui.screen());
    for kind in ["leads", "opportunities", "tasks", "calls", "products", "cases", "contacts"] {
        ui.keys("t");
        assert!(ui.screen().contains(&format!("as {kind} (t)")), "{}", ui.screen());
    }
    // Leaving every column out leaves nothing to name the records by: said at once.
    ui.keys("esc I").text(&format!("{fixtures}/google.csv")).keys("enter");
    let columns = ui.app.import().map_or(0, |w| w.headers.len());
    for _ in 0..columns {
        ui.keys("enter").text("ignore").keys("enter j");
    }
    let s = ui.screen();
    assert!(s.contains("no column holds the contact's name"), "{s}");
    let before = ui.crm.count(Kind::Contact).unwrap();
    ui.keys("ctrl-s esc");
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), before);
    // A path that is not there is said in the prompt, which stays open.
    ui.keys("I").text("/nowhere/at/all.csv").keys("enter");
    assert!(ui.screen().contains("cannot read /nowhere/at/all.csv"), "{}", ui.screen());
}

#[test]
fn z_undoes_on_every_screen_and_shift_z_folds_the_board() {
    let mut ui = Ui::pipeline(140, 40);
    let said = |ui: &Ui| ui.app.message.as_ref().map(|m| (m.text.clone(), m.error)).unwrap_or_default();
    for screen in ["1", "2", "5", "7", "8", "g S"] {
        ui.keys(screen).keys("z");
        let (text, error) = said(&ui);
        assert!(text.contains("nothing to undo") && error, "{screen}: {text}");
    }
    // On the board, z undoes and leaves the fold alone; Z folds.
    ui.keys("1");
    let folded = ui.screen();
    ui.keys("z");
    assert_eq!(ui.screen().lines().nth(1), folded.lines().nth(1), "z leaves the board's columns alone");
    ui.keys("Z");
    assert_eq!(said(&ui), ("won and lost stages shown".to_string(), false));
    assert_ne!(ui.screen().lines().nth(1), folded.lines().nth(1), "Z shows the won and lost stages");
    // The palette offers it by name.
    ui.keys(":").text("undo");
    assert!(ui.screen().contains("undo the last change"), "{}", ui.screen());
}

#[test]
fn z_puts_back_a_deal_moved_on_the_board_and_a_deleted_deal() {
    let mut ui = Ui::pipeline(140, 40);
    // What was there before the app opened is not this session's to undo.
    ui.keys("1 z");
    assert!(ui.app.message.as_ref().is_some_and(|m| m.error && m.text.contains("nothing to undo")));
    ui.keys("L");
    assert_eq!(ui.stage_of(&ui.deal("Harbor pilot")), "Qualification");
    ui.keys("z");
    let harbor = ui.deal("Harbor pilot");
    assert_eq!((ui.stage_of(&harbor).as_str(), harbor.probability), ("Prospecting", 10));
    let said = ui.app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.starts_with("Undone: ") && said.contains("Harbor pilot"), "{said}");
    assert!(ui.screen().contains("Prospecting (2)"), "the board shows it back: {}", ui.screen());
    let selected = ui.app.board.selected().map(|c| c.id);
    assert_eq!(selected, Some(harbor.id), "the deal put back is selected, so the next key acts on it");
    // A deal deleted with d, y comes back with z, under its own id.
    let before = ui_deals(&ui);
    ui.keys("d y");
    assert_eq!(ui_deals(&ui).len(), before.len() - 1, "one deal deleted");
    ui.keys("z");
    assert_eq!(ui_deals(&ui), before, "the deleted deal is back as it was");
}

/// Every deal, by id.
fn ui_deals(ui: &Ui) -> Vec<Opportunity> {
    ui.crm.list::<Opportunity>(|_| true).unwrap()
}

#[test]
fn the_board_moves_deals_between_stages_and_closes_them() {
    let mut ui = Ui::pipeline(140, 40);
    ui.keys("1");
    let s = ui.screen();
    assert!(s.contains("Prospecting (2)") && s.contains("Qualification (1)"), "{s}");
    assert!(s.contains("Σ 17.0k USD · w 1.7k"), "column totals and weighted totals: {s}");
    assert!(s.contains("2000-01-31!"), "a past close date is marked: {s}");
    assert!(s.contains("→ 2000-02-01! Meet the"), "a late next step is marked: {s}");
    // The first card is the soonest to close: Harbor pilot. Move it right, twice, then back.
    ui.keys("L");
    let harbor = ui.deal("Harbor pilot");
    assert_eq!((ui.stage_of(&harbor).as_str(), harbor.probability), ("Qualification", 20));
    let s = ui.screen();
    assert!(
        s.contains("Prospecting (1)") && s.contains("Qualification (2)") && s.contains("→ Qualification (20%)"),
        "{s}"
    );
    ui.keys("shift-right H");
    assert_eq!(ui.stage_of(&ui.deal("Harbor pilot")), "Qualification", "the selection followed the card");
    let timeline = ui.crm.timeline(RecordRef::new(Kind::Opportunity, harbor.id)).unwrap();
    assert!(timeline.iter().any(|t| t.summary.contains("Qualification")), "moves are in the timeline: {timeline:?}");
    // Won, then lost with a reason; both leave the board while closed stages are folded.
    ui.keys("w");
    assert_eq!(ui.deal("Harbor pilot").status, StageOutcome::Won);
    let s = ui.screen();
    assert!(s.contains("Qualification (1)") && s.contains("Harbor pilot won: 5,000.00 USD"), "{s}");
    ui.keys("h x").text("budget cut").keys("enter");
    let fleet = ui.deal("Fleet licences");
    assert_eq!((fleet.status, fleet.lost_reason.as_deref()), (StageOutcome::Lost, Some("budget cut")));
    // Unfolded (Z), the won and lost columns show them; moving into a lost stage asks why.
    ui.keys("Z");
    let s = ui.screen();
    assert!(s.contains("Closed Won (1)") || s.contains("more ▶"), "{s}");
    ui.keys("l l l l l l l").keys("k");
    let before = ui.deal("Expansion");
    assert_eq!(ui.stage_of(&before), "Negotiation/Review");
    // Past the last open stage a deal is won: asked first, since one key would do it.
    ui.keys("L");
    assert!(ui.screen().contains("Mark Expansion won?"), "{}", ui.screen());
    ui.keys("n");
    assert_eq!(ui.stage_of(&ui.deal("Expansion")), "Negotiation/Review", "any key but y cancels");
    ui.keys("L y");
    let won = ui.deal("Expansion");
    assert_eq!(ui.stage_of(&won), "Closed Won", "the next stage after the last open one is won");
    ui.keys("L");
    assert!(ui.screen().contains("Why was Expansion lost?"), "a move into a lost stage asks why");
    ui.keys("esc");
    assert_eq!(ui.deal("Expansion").status, StageOutcome::Won, "Esc moves nothing");
    // Back out of a closed stage: asked first too.
    ui.keys("H");
    assert!(ui.screen().contains("Open Expansion again, in Negotiation/Review?"), "{}", ui.screen());
}

/// Sums too large to count say so on the board, never a number wrapped around.
#[test]
fn board_sums_too_large_to_count_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let account = crm.create(Account { name: "Acme Ltd".into(), ..Default::default() }).unwrap().id;
    let negotiation = crm.stage_named("Negotiation/Review").unwrap().id;
    for name in ["Huge one", "Huge two"] {
        crm.create_opportunity(Opportunity {
            name: name.into(),
            account,
            amount: Amount::parse("92233720368547758.07").unwrap(),
            close_date: common::date("2099-01-01"),
            stage: negotiation,
            ..Default::default()
        })
        .unwrap();
    }
    let mut ui = Ui::with(dir, Arc::new(crm), 300, 30);
    let s = ui.keys("1").screen();
    let head = s.lines().find(|l| l.contains("Σ too large"));
    assert!(head.is_some_and(|l| l.contains("w too large")), "the sum and the weighted sum: {s}");
    assert!(!s.contains("18,446") && !s.contains("18446"), "{s}");
}

#[test]
fn the_board_filters_and_creates_deals_in_the_selected_stage() {
    let mut ui = Ui::pipeline(140, 40);
    ui.keys("1 f").text("account:kobe").keys("enter");
    let s = ui.screen();
    assert!(s.contains("filter: account:kobe") && s.contains("Harbor pilot") && !s.contains("Fleet licences"), "{s}");
    ui.keys("f").text(" colour:red").keys("enter");
    assert!(ui.screen().contains("opportunities have no field 'colour'"), "a bad filter is explained inline");
    ui.keys("esc esc");
    assert!(ui.screen().contains("Fleet licences"), "Esc clears the filter");
    ui.keys("l n").text("Pilot 2").keys("tab").text("Acme Ltd").keys("tab").text("2500").keys("ctrl-s");
    let pilot = ui.deal("Pilot 2");
    assert_eq!((ui.stage_of(&pilot).as_str(), pilot.amount, pilot.probability), ("Qualification", Amount(250_000), 20));
}

#[test]
fn leads_change_status_and_convert_through_an_editable_preview() {
    let mut ui = Ui::populated(120, 36);
    ui.keys("4");
    let s = ui.screen();
    assert!(s.contains("Leads (1)") && s.contains("Li Wang") && s.contains("Harbor Partners"), "{s}");
    assert!(s.contains("trade show") && s.contains("new"), "{s}");
    ui.keys("s");
    assert!(ui.screen().contains("Li Wang: contacted"));
    let lead = ui.crm.list::<Lead>(|_| true).unwrap().remove(0);
    assert_eq!(lead.status, LeadStatus::Contacted);
    let counts = |ui: &Ui| [Kind::Account, Kind::Contact, Kind::Opportunity].map(|k| ui.crm.count(k).unwrap());
    let before = counts(&ui);

    // The preview: a new account (nobody is called Harbor Partners), the person, a deal.
    ui.keys("C");
    let s = ui.screen();
    assert!(s.contains("Convert the lead Li Wang") && s.contains("account: a new one, Harbor Partners"), "{s}");
    // Point it at the existing account instead: the preview says so as you type.
    for _ in 0.."Harbor Partners".len() {
        ui.keys("backspace");
    }
    ui.text("ōsaka trading 株式会社");
    assert!(ui.screen().contains("account: the existing ōsaka trading 株式会社"), "{}", ui.screen());
    // A bad email in the preview refuses the whole conversion: nothing is written.
    ui.keys("tab tab tab tab").text(" not-an-email").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("not a valid email"), "{s}");
    assert_eq!(counts(&ui), before, "a failed conversion leaves nothing behind");
    assert!(ui.crm.list::<Lead>(|_| true).unwrap()[0].converted.is_none());
    for _ in 0.." not-an-email".len() {
        ui.keys("backspace");
    }
    // The refusal put the focus on the email; the amount is three fields down.
    ui.keys("tab tab tab").text("12000").keys("ctrl-s");
    ui.screen();
    let said = ui.app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.starts_with("lead Li Wang (Harbor Partners) converted: contact Li Wang"), "{said}");
    let after = counts(&ui);
    assert_eq!(after, [before[0], before[1] + 1, before[2] + 1], "one contact and one deal, the account reused");
    let lead = ui.crm.list::<Lead>(|_| true).unwrap().remove(0);
    let done = lead.converted.expect("the lead points at what it became");
    let deal = ui.crm.get::<Opportunity>(done.opportunity.unwrap()).unwrap();
    assert_eq!((deal.amount, deal.account), (Amount(1_200_000), done.account));
    // A converted lead stays as it was.
    ui.keys("4 e");
    assert!(ui.screen().contains("was converted"), "{}", ui.screen());
    ui.keys("C");
    let said = ui.app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("was converted into Li Wang at Ōsaka Trading") && !said.contains("account 1"), "{said}");
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("Converted on") && s.contains("› account: Ōsaka Trading 株式会社"), "where it went: {s}");
}

#[test]
fn the_quote_editor_adds_lines_by_product_and_recomputes_totals_as_you_type() {
    let mut ui = Ui::pipeline(120, 36);
    for (name, price) in [("Pro licence", "149.90"), ("Support plan", "1200")] {
        let p = Product { name: name.into(), price: Amount::parse(price).unwrap(), active: true, ..Default::default() };
        ui.crm.create(p).unwrap();
    }
    ui.keys("1 Q");
    let s = ui.screen();
    assert!(s.contains("Quote (new) · Harbor pilot · draft") && s.contains("No lines yet"), "{s}");
    ui.keys("esc 1 Q");
    assert_eq!(ui.crm.count(Kind::Quote).unwrap(), 0, "looking at a new quote stores nothing");
    ui.keys("a").text("pro").keys("enter");
    let s = ui.screen();
    // Numbers align right: the line's total ends where its column's header ends.
    let end = |line: &str, text: &str| line[..line.rfind(text).unwrap() + text.len()].chars().count();
    let header = s.lines().find(|l| l.contains("LINE TOTAL")).unwrap_or_else(|| panic!("{s}"));
    let row = s.lines().find(|l| l.contains("Pro licence")).unwrap_or_else(|| panic!("{s}"));
    assert_eq!(end(row, "149.90"), end(header, "LINE TOTAL"), "{s}");
    // Quantity 3 (the cell's value is selected: typing replaces it), then the discount 10%:
    // the totals follow each keystroke, before any save.
    ui.keys("enter").text("3");
    assert!(ui.screen().contains("449.70 USD"), "{}", ui.screen());
    ui.keys("tab tab").text("10");
    let s = ui.screen();
    assert!(s.contains("44.97 USD") && s.contains("404.73 USD") && s.contains("unsaved"), "{s}");
    // A cell edits at its cursor: Home, then 1, makes 13 of 3.
    ui.keys("tab home").text("1");
    assert!(ui.screen().contains("1,753.83 USD"), "13 × 149.90 less 10%: {}", ui.screen());
    // An emptied cell leaves no total standing, and says why.
    ui.keys("ctrl-u");
    let s = ui.screen();
    assert!(!s.contains("1,753.83") && s.contains("total                — USD"), "{s}");
    assert!(s.contains("quantity: '' is not a whole number of at least 1"), "{s}");
    // Text that is not a number is refused: Tab stays in the cell, Ctrl-S saves nothing.
    ui.text("abc").keys("tab");
    let s = ui.screen();
    assert!(s.contains("quantity: 'abc' is not a whole number of at least 1: fix it, or Esc puts back 3"), "{s}");
    ui.keys("ctrl-s");
    assert!(ui.screen().contains("not saved: quantity: 'abc'"), "{}", ui.screen());
    assert_eq!(ui.crm.count(Kind::Quote).unwrap(), 0, "a cell that does not read is never saved");
    // Esc puts the cell back as it was; 2 then Enter keeps 2.
    ui.keys("esc");
    assert!(ui.screen().contains("404.73 USD"), "{}", ui.screen());
    ui.keys("enter").text("2").keys("enter");
    assert!(ui.screen().contains("269.82 USD"), "2 × 149.90 less 10%: {}", ui.screen());
    ui.keys("s ctrl-s");
    let quote = ui.crm.list::<Quote>(|_| true).unwrap().remove(0);
    assert_eq!(
        (quote.status, quote.lines.len(), quote.totals().unwrap().total),
        (QuoteStatus::Sent, 1, Amount(26_982))
    );
    assert!(ui.screen().contains("saved Q-00001: total 269.82 USD"), "{}", ui.screen());
    // Typing then Esc leaves the saved quote as it was, not unsaved.
    ui.keys("enter").text("9");
    assert!(ui.screen().contains("unsaved"), "{}", ui.screen());
    ui.keys("esc");
    let s = ui.screen();
    assert!(!s.contains("unsaved") && s.contains("269.82 USD"), "{s}");
    // A second line, removed again: closing unsaved asks first.
    ui.keys("a").text("support").keys("enter d esc");
    assert!(ui.screen().contains("Close the quote without saving?"));
    ui.keys("y");
    assert_eq!(ui.crm.get::<Quote>(quote.id).unwrap().lines.len(), 1);
    assert!(ui.screen().contains("Pipeline"), "back on the board");
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("Q-00001  sent") && s.contains("269.82 USD"), "the deal lists its quote: {s}");
}

#[test]
fn accepting_a_quote_sets_the_deal_amount_and_leaves_the_quote_read_only() {
    let mut ui = Ui::pipeline(120, 36);
    let p = Product { name: "Pro licence".into(), price: Amount(14_990), active: true, ..Default::default() };
    ui.crm.create(p).unwrap();
    ui.keys("1 Q a").text("pro").keys("enter enter").text("3").keys("enter s s ctrl-s");
    let s = ui.screen();
    assert!(s.contains("accepted: the deal's amount is now 449.70 USD"), "said on screen: {s}");
    let quote = ui.crm.list::<Quote>(|_| true).unwrap().remove(0);
    assert_eq!(ui.crm.get::<Opportunity>(quote.opportunity).unwrap().amount, Amount(44_970));
    // Read-only: no new line, no typing into a cell, no removing.
    for key in ["a", "enter", "d"] {
        ui.keys(key);
        assert!(ui.screen().contains("is accepted: move it back to draft to edit it"), "{key}: {}", ui.screen());
        assert!(ui.app.quote().is_some_and(|q| q.editing.is_none() && q.picker.is_none()), "{key}");
    }
    assert_eq!(ui.crm.get::<Quote>(quote.id).unwrap(), quote);
    // Back in draft (accepted → rejected → draft) and saved, it edits again.
    ui.keys("s s ctrl-s enter").text("4").keys("enter ctrl-s");
    assert_eq!(ui.crm.get::<Quote>(quote.id).unwrap().lines[0].quantity, 4);
}

#[test]
fn the_product_catalogue_lists_and_takes_new_products() {
    let mut ui = Ui::populated(120, 30);
    ui.keys("g P");
    let s = ui.screen();
    assert!(s.contains("Products (1)") && s.contains("Pro licence") && s.contains("149.90 USD"), "{s}");
    ui.keys("n").text("Support plan").keys("tab").text("SUP-1").keys("tab").text("12x").keys("ctrl-s");
    assert!(ui.screen().contains("is not an amount"), "{}", ui.screen());
    ui.keys("backspace ctrl-s");
    let p = ui.crm.list::<Product>(|p| p.name == "Support plan").unwrap().remove(0);
    assert_eq!((p.price, p.sku.as_deref(), p.active), (Amount(1200), Some("SUP-1"), true));
    ui.keys("esc");
    assert!(ui.screen().contains("Products (2)"));
}

#[test]
fn the_deals_also_show_as_a_list_by_close_date_or_next_step() {
    let mut ui = Ui::pipeline(140, 30);
    ui.keys("1 v");
    let s = ui.screen();
    assert!(s.contains("Deals (4) by close date"), "{s}");
    let first = s.lines().position(|l| l.contains("Harbor pilot")).unwrap();
    let last = s.lines().position(|l| l.contains("Expansion")).unwrap();
    assert!(first < last, "soonest close first: {s}");
    assert!(s.contains("Prospecting (10%)") && s.contains("150,000.00 USD"), "{s}");
    ui.keys("o");
    let s = ui.screen();
    let renewal = s.lines().position(|l| l.contains("Renewal 2099")).unwrap();
    let harbor = s.lines().position(|l| l.contains("Harbor pilot")).unwrap();
    assert!(s.contains("by next step") && renewal < harbor, "deals with a next step first: {s}");
    ui.keys("g g enter");
    assert!(ui.screen().contains("Renewal 2099") && ui.screen().contains("Quotes"));
    ui.keys("esc v");
    assert!(ui.screen().contains("Prospecting (2)"), "back to the board");
}

#[test]
fn settings_reorder_add_edit_and_remove_stages_and_the_board_follows() {
    let mut ui = Ui::pipeline(140, 40);
    ui.keys("g S");
    let s = ui.screen();
    assert!(s.contains("Settings") && s.contains("Prospecting") && s.contains("Closed Lost"), "{s}");
    assert!(s.contains("trade show") && !s.contains("trade_show"), "the lead sources are listed as words: {s}");
    // Qualification first: the board's first column follows.
    ui.keys("j K");
    assert_eq!(ui.crm.stages().unwrap()[0].name, "Qualification");
    ui.keys("1");
    let s = ui.screen();
    let q = s.find("Qualification (1)").unwrap();
    let p = s.find("Prospecting (2)").unwrap();
    assert!(q < p, "the board shows the new order: {s}");
    // A new stage, then a new default probability that the deals in it follow.
    ui.keys("g S n").text("Pilot").keys("tab").text("35").keys("ctrl-s");
    let stages = ui.crm.stages().unwrap();
    let pilot = stages.iter().position(|s| s.name == "Pilot").expect("added");
    assert_eq!(stages[pilot + 1].name, "Closed Won", "an open stage goes before the closed ones");
    assert!(ui.screen().contains("Pipeline stages, in board order"), "back on the stages: {}", ui.screen());
    ui.keys("g g e tab backspace backspace").text("25").keys("ctrl-s");
    assert_eq!(ui.deal("Renewal 2099").probability, 25, "deals without a hand-set probability follow");
    // Deleting a stage with deals asks where they go, then moves them.
    ui.keys("d");
    assert!(ui.screen().contains("holds 1 deal: move them to which stage"), "{}", ui.screen());
    ui.text("prospecting").keys("enter");
    assert!(ui.crm.stages().unwrap().iter().all(|s| s.name != "Qualification"));
    assert_eq!(ui.stage_of(&ui.deal("Renewal 2099")), "Prospecting");
    assert!(ui.screen().contains("1 deal moved to Prospecting"), "{}", ui.screen());
}

#[test]
fn settings_edit_lead_sources_and_the_leads_follow() {
    let mut ui = Ui::pipeline(120, 36);
    ui.crm.create(Lead { last_name: "Lee".into(), source: Some("web_site".into()), ..Default::default() }).unwrap();
    ui.keys("g S tab");
    let s = ui.screen();
    let web = s.lines().find(|l| l.contains("web site")).unwrap_or_default();
    assert!(web.split_whitespace().any(|w| w == "1"), "the source's leads are counted: {s}");
    ui.keys("n").text("LinkedIn").keys("enter");
    assert_eq!(ui.crm.lead_sources().unwrap().last().map(String::as_str), Some("LinkedIn"));
    assert!(ui.screen().contains("lead source LinkedIn added"), "{}", ui.screen());
    // Up to the first place, then rename it.
    ui.keys("g g");
    for _ in 0..14 {
        ui.keys("G K");
    }
    ui.keys("g g e ctrl-u").text("LinkedIn Ads").keys("enter");
    assert_eq!(ui.crm.lead_sources().unwrap()[0], "LinkedIn Ads");
    // web_site is in use: deleting it asks where its lead goes.
    let web = ui.crm.lead_sources().unwrap().iter().position(|s| s == "web_site").unwrap();
    ui.keys("g g");
    for _ in 0..web {
        ui.keys("j");
    }
    ui.keys("d");
    assert!(ui.screen().contains("web site is the source of 1 lead or deal"), "{}", ui.screen());
    ui.text("linkedin ads").keys("enter");
    let lead = ui.crm.list::<Lead>(|_| true).unwrap().remove(0);
    assert_eq!(lead.source.as_deref(), Some("LinkedIn Ads"));
    assert!(!ui.crm.lead_sources().unwrap().contains(&"web_site".to_string()));
    // An unused one asks to confirm; the stages were never touched.
    ui.keys("g g j d y");
    assert_eq!(ui.crm.lead_sources().unwrap().len(), 13);
    assert_eq!(ui.crm.stages().unwrap().len(), 10);
}

#[test]
fn possible_duplicates_are_listed_and_merged_after_a_question() {
    let mut ui = Ui::populated(120, 30);
    let twin = ui
        .crm
        .create(Contact {
            first_name: "Zoe".into(),
            last_name: "Obrien".into(),
            emails: vec![Email::new("ZOE@osaka.example.com")],
            ..Default::default()
        })
        .unwrap();
    ui.keys("g D");
    let s = ui.screen();
    assert!(s.contains("Possible duplicates (1)") && s.contains("same email ZOE@osaka.example.com"), "{s}");
    let row = s.lines().find(|l| l.contains("same email")).unwrap();
    assert!(row.find("Zoë O'Brien-Müller").unwrap() < row.find("Zoe Obrien").unwrap(), "the older is kept: {s}");
    // Keep the newer one instead, then merge after saying yes.
    ui.keys("x");
    let row = ui.screen().lines().find(|l| l.contains("same email")).unwrap().to_string();
    assert!(row.find("Zoe Obrien").unwrap() < row.find("Zoë O'Brien-Müller").unwrap(), "{row}");
    ui.keys("m");
    assert!(ui.screen().contains(&format!("into Zoe Obrien (#{})?", twin.id)), "{}", ui.screen());
    ui.keys("n");
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 5, "any key but y leaves both");
    ui.keys("m y");
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 4);
    let kept: Contact = ui.crm.get(twin.id).unwrap();
    assert_eq!(kept.title.as_deref(), Some("CTO"), "the kept contact gains what it lacked");
    let s = ui.screen();
    assert!(s.contains("No contacts look like the same person"), "{s}");
    assert!(s.contains(&format!("into Zoe Obrien (#{})", twin.id)), "the merge is reported: {s}");
}

#[test]
fn a_windows_1252_file_is_shown_and_imported_as_such_by_the_wizard() {
    let fixtures = format!("{}/tests/fixtures/import", env!("CARGO_MANIFEST_DIR"));
    let mut ui = Ui::empty(100, 30);
    ui.keys("i").text(&format!("{fixtures}/latin1.csv")).keys("enter");
    assert!(ui.screen().lines().any(|l| l.contains("│First Name") && l.contains("José")), "{}", ui.screen());
    ui.keys("ctrl-s ctrl-s");
    assert!(ui.screen().contains("Imported: created"), "{}", ui.screen());
    let people = ui.crm.list::<Contact>(|c| c.last_name == "Martínez").unwrap();
    assert_eq!(people[0].first_name, "José");
}

#[test]
fn a_vcard_file_imports_through_the_wizard_without_a_mapping() {
    let fixtures = format!("{}/tests/fixtures/import", env!("CARGO_MANIFEST_DIR"));
    let mut ui = Ui::populated(120, 30);
    let before = ui.crm.count(Kind::Contact).unwrap();
    ui.keys("I").text(&format!("{fixtures}/contacts-4.0.vcf")).keys("enter t");
    let s = ui.screen();
    assert!(s.contains("(vCard: ") && s.contains("as contacts"), "{s}");
    assert!(s.contains("Each card becomes a contact"), "{s}");
    ui.keys("ctrl-s");
    assert!(ui.screen().contains("The file is fine: it would create"), "{}", ui.screen());
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), before, "a check writes nothing");
    ui.keys("ctrl-s");
    assert!(ui.screen().contains("Imported: created"), "{}", ui.screen());
    assert!(ui.crm.count(Kind::Contact).unwrap() > before);
}

/// Presses `keys` and counts them, for the keystroke budget of the call flow.
fn counted(ui: &mut Ui, keys: &str, count: &mut usize) {
    *count += keys.split_whitespace().count();
    ui.keys(keys);
}

#[test]
fn a_call_is_logged_in_three_keys_from_the_contact_list() {
    let mut ui = Ui::populated(120, 36);
    let mut n = 0;
    // The list opens on Ann Lee (first by name).
    counted(&mut ui, "c", &mut n);
    let s = ui.screen();
    assert!(s.contains("Call with Ann Lee") && s.contains("[v]oicemail"), "{s}");
    counted(&mut ui, "v ctrl-s", &mut n);
    assert_eq!(n, 3, "contact found → saved call with its outcome");
    let calls = ui.crm.calls(None, None).unwrap();
    assert_eq!((calls.len(), calls[0].outcome), (2, CallOutcome::Voicemail));
    let ann = ui.crm.list::<Contact>(|c| c.first_name == "Ann").unwrap().remove(0);
    assert_eq!(calls[0].contact, ann.id);
    assert!(ann.last_activity.is_some(), "the contact's last activity moved");
    assert!(ui.screen().contains("call with Ann Lee"), "{}", ui.screen());
}

/// In the call form Enter answers the call table: a new line in the notes, else the next field.
#[test]
fn enter_in_the_call_notes_starts_a_line_and_elsewhere_moves_on() {
    let mut ui = Ui::populated(120, 36);
    ui.keys("2 c c").text("left a message").keys("enter").text("back monday").keys("enter");
    let s = ui.screen();
    let line = s.lines().position(|l| l.contains("notes  left a message")).expect(&s);
    assert!(s.lines().nth(line + 2).is_some_and(|l| l.contains("│            ▏")), "a third line: {s}");
    ui.keys("backspace");
    ui.keys("tab").text("Pricing").keys("enter").text("fri").keys("ctrl-s");
    let call = ui.crm.calls(None, None).unwrap().remove(0);
    assert_eq!(call.notes.as_deref(), Some("left a message\nback monday"));
    assert!(ui.crm.list::<Task>(|t| t.title == "Pricing").unwrap().len() == 1, "Enter left the follow-up for the date");
    // The call's page shows the notes line by line.
    ui.keys("6 enter");
    let s = ui.screen();
    let line = s.lines().position(|l| l.contains("notes") && l.contains("left a message")).expect(&s);
    assert!(s.lines().nth(line + 1).is_some_and(|l| l.contains("back monday")), "{s}");
}

#[test]
fn a_call_from_search_with_notes_and_a_follow_up_task_stays_within_six_keys() {
    let mut ui = Ui::populated(120, 36);
    let mut n = 0;
    counted(&mut ui, "/", &mut n);
    ui.text("bob st");
    counted(&mut ui, "ctrl-l v", &mut n);
    ui.text("left a message\nback on Monday");
    counted(&mut ui, "tab", &mut n);
    ui.text("Pricing for Bob");
    counted(&mut ui, "tab", &mut n);
    // The proposed due date (+3d) is selected: typing replaces it.
    ui.text("fri");
    assert!(ui.screen().contains("fri▏"), "{}", ui.screen());
    counted(&mut ui, "ctrl-s", &mut n);
    assert!(n <= 6, "{n} keys");
    let call = ui.crm.calls(None, None).unwrap().remove(0);
    assert_eq!(call.notes.as_deref(), Some("left a message\nback on Monday"));
    let task = ui.crm.list::<Task>(|t| t.title == "Pricing for Bob").unwrap().remove(0);
    let bob = ui.crm.list::<Contact>(|c| c.first_name == "Bob").unwrap().remove(0);
    assert_eq!(
        (task.contact, task.account),
        (Some(bob.id), bob.account),
        "the task is linked to the person and company"
    );
    let fri = Date::parse_relative("fri", Date::today()).unwrap();
    assert_eq!(task.due, Some(fri));
}

/// Every kind of text field answers the same keys: typing at the cursor, Home and End (Ctrl-A,
/// Ctrl-E), arrows, Delete, Ctrl-W and Ctrl-U.
#[test]
fn every_text_field_edits_with_the_same_keys() {
    // How to reach the field from the contacts (or the board), and what to look for around it.
    let fields = [
        ("form field", "2 n"),
        ("form field of lines", "g P n tab tab tab tab tab"),
        ("call notes", "2 c c"),
        ("call follow-up", "2 c c tab"),
        ("call duration", "2 c c tab tab tab"),
        ("one-line question", "2 t"),
        ("list filter", "2 f"),
        ("board filter", "1 f"),
        ("search box", "/"),
        ("palette", ":"),
        ("form picker", "2 n tab tab tab tab tab enter"),
        ("reports period", "8 P"),
        ("quote product picker", "1 Q a"),
        ("quote cell", "1 Q a enter enter"),
    ];
    for (what, open) in fields {
        let mut ui = Ui::populated(140, 40);
        let p = Product { name: "Pro licence".into(), price: Amount(14_990), active: true, ..Default::default() };
        ui.crm.create(p).unwrap();
        ui.keys(open);
        ui.text("ab cd").keys("home").text("x").keys("end ctrl-w").text("ef");
        assert!(ui.screen().contains("xab ef▏"), "{what}: typed at the cursor, a word deleted: {}", ui.screen());
        ui.keys("ctrl-a delete");
        assert!(ui.screen().contains("▏ab ef"), "{what}: start, delete: {}", ui.screen());
        ui.keys("ctrl-e left left backspace");
        assert!(ui.screen().contains("ab▏ef"), "{what}: end, left, backspace: {}", ui.screen());
        ui.keys("ctrl-u").text("ok").keys("left").text("z");
        assert!(ui.screen().contains("oz▏k"), "{what}: emptied, typed again: {}", ui.screen());
    }
}

/// The help lists the keys of text fields: F1 in a form shows the form's keys first (Ctrl-S
/// among them), then the text keys; `?` elsewhere after the screen's own keys.
#[test]
fn the_help_lists_the_keys_of_text_fields() {
    let mut ui = Ui::populated(120, 70);
    ui.keys("2 n f1");
    let s = ui.screen();
    assert!(s.contains("In text fields") && s.contains("ctrl-w") && s.contains("delete the word before"), "{s}");
    let forms = s.find("Forms").expect("the form's own keys");
    assert!(forms < s.find("Everywhere").unwrap() && s.contains("ctrl-s"), "a form's help starts with its keys: {s}");
    ui.keys("esc");
    assert!(ui.screen().contains("New contact"), "Esc closes the help, the form stays: {}", ui.screen());
    ui.keys("esc 2 ?");
    let s = ui.screen();
    assert!(s.contains("Lists") && s.contains("In text fields") && s.contains("home, ctrl-a"), "{s}");
    ui.keys("esc c f1");
    let s = ui.screen();
    assert!(s.contains("empty the field") && s.contains("log the call"), "the call form too: {s}");
}

/// Enter in a field the model keeps lines in (notes, a description, a goal) starts a new line;
/// Ctrl-S saves every line. Elsewhere Enter goes on to the next field.
#[test]
fn enter_in_a_description_adds_a_line_and_ctrl_s_saves_both() {
    let mut ui = Ui::populated(120, 40);
    ui.keys("g P n").text("Widget").keys("tab tab").text("10").keys("tab tab tab").text("first");
    ui.keys("enter").text("second");
    let s = ui.screen();
    let first = s.lines().position(|l| l.contains("description  first")).expect(&s);
    assert!(s.lines().nth(first + 1).is_some_and(|l| l.contains("│              second▏")), "the next line: {s}");
    ui.keys("ctrl-s");
    let saved = ui.crm.list::<Product>(|p| p.name == "Widget").unwrap();
    assert_eq!(saved.first().and_then(|p| p.description.as_deref()), Some("first\nsecond"), "{}", ui.screen());
}

/// Ctrl-X Ctrl-E hands a field of lines to `$EDITOR` through the loop on a local terminal, and
/// says inline that it cannot elsewhere (or on a one-line field).
#[test]
fn ctrl_x_ctrl_e_edits_a_field_of_lines_in_the_editor() {
    let mut ui = Ui::populated(120, 40);
    ui.keys("g P n ctrl-x ctrl-e");
    assert!(ui.screen().contains("only notes and descriptions open in $EDITOR"), "{}", ui.screen());
    ui.text("Widget").keys("tab tab").text("10").keys("tab tab tab").text("first").keys("ctrl-x ctrl-e");
    assert!(ui.screen().contains("$EDITOR needs rolo on a local terminal"), "{}", ui.screen());
    assert_eq!(ui.app.take_editor_request(), None, "nothing for the loop");
    ui.app.use_local_terminal();
    ui.keys("ctrl-x ctrl-e");
    assert_eq!(ui.app.take_editor_request().as_deref(), Some("first"));
    ui.app.edited("one\ntwo\n".into());
    ui.keys("ctrl-s");
    let saved = ui.crm.list::<Product>(|p| p.name == "Widget").unwrap();
    assert_eq!(saved.first().and_then(|p| p.description.as_deref()), Some("one\ntwo"), "{}", ui.screen());
    // The call form's notes too.
    ui.keys("2 c c").text("left a message").keys("ctrl-x ctrl-e");
    assert_eq!(ui.app.take_editor_request().as_deref(), Some("left a message"));
    ui.app.edited("called back\n".into());
    assert!(ui.screen().contains("called back▏"), "{}", ui.screen());
}

/// `?` lists every key of every mode: the screens', the dialogs', the editors' and the text keys.
#[test]
fn every_key_of_every_mode_is_in_the_help() {
    let mut ui = Ui::populated(200, 400);
    ui.keys("?");
    let s = ui.screen();
    for (name, table) in rolo::tui::keymap::ALL {
        assert!(s.contains(name), "{name}: {s}");
        for b in table.iter() {
            assert!(s.contains(&b.keys.join(", ")) && s.contains(b.help), "{name}: {:?} {}", b.keys, b.help);
        }
    }
}

/// Values rolo proposes are selected: the first character typed replaces them; a cursor key
/// keeps them for editing.
#[test]
fn a_proposed_value_is_replaced_by_what_is_typed() {
    let mut ui = Ui::populated(120, 36);
    // A new deal's close date, 30 days on: typed over, not appended to.
    ui.keys("1 n tab tab tab tab").text("2099-01-31");
    assert!(ui.screen().contains("2099-01-31▏"), "{}", ui.screen());
    // A record being edited keeps its values: the cursor waits at the end.
    let mut ui = Ui::populated(120, 36);
    ui.keys("3 e").text("!");
    assert!(ui.screen().contains("Acme Ltd!▏"), "{}", ui.screen());
    // The period typed on the Reports screen starts as the one picked, selected.
    let mut ui = Ui::populated(120, 36);
    ui.keys("8 p P").text("2");
    assert!(ui.screen().contains("from to: 2▏"), "{}", ui.screen());
    ui.keys("esc P right").text("x");
    assert!(ui.screen().contains("x▏") && !ui.screen().contains("from to: x"), "{}", ui.screen());
}

#[test]
fn a_call_form_refuses_a_missing_outcome_and_a_bad_duration_in_place() {
    let mut ui = Ui::populated(120, 36);
    let before = ui.crm.calls(None, None).unwrap().len();
    ui.keys("c ctrl-s");
    assert!(ui.screen().contains("outcome: press c, v, n, b or w first"), "{}", ui.screen());
    ui.keys("n tab tab tab").text("ages").keys("ctrl-s");
    assert!(ui.screen().contains("duration:"), "{}", ui.screen());
    assert_eq!(ui.crm.calls(None, None).unwrap().len(), before, "nothing was logged");
    ui.keys("esc y");
    assert!(ui.screen().contains("call not logged"));
}

#[test]
fn tasks_are_added_on_one_line_with_natural_dates_then_completed_snoozed_and_reopened() {
    let mut ui = Ui::empty(120, 30);
    let today = Date::today();
    ui.keys("e 5");
    assert!(ui.screen().contains("Today (0)") && ui.screen().contains("Nothing due today"), "{}", ui.screen());
    for line in ["Call Ann today", "Send pricing tomorrow !high", "Renew licences +3d", "Plan the week fri"] {
        ui.keys("n").text(line).keys("enter");
    }
    let due = |ui: &Ui, title: &str| ui.crm.list::<Task>(|t| t.title == title).unwrap().remove(0);
    assert_eq!(due(&ui, "Call Ann").due, Some(today));
    let pricing = due(&ui, "Send pricing");
    assert_eq!((pricing.due, pricing.priority), (Some(today.add_days(1)), Priority::High));
    assert_eq!(due(&ui, "Renew licences").due, Some(today.add_days(3)));
    assert_eq!(due(&ui, "Plan the week").due, Some(Date::parse_relative("fri", today).unwrap()));
    let s = ui.screen();
    assert!(s.contains("Today (1)") && s.contains("Upcoming (3)") && s.contains("All (4)"), "{s}");
    // Complete today's, then see it in Done and reopen it.
    ui.keys("x");
    let s = ui.screen();
    assert!(s.contains("Today (0)") && s.contains("Done (1)") && s.contains("Call Ann: done"), "{s}");
    ui.keys("[ [");
    assert!(ui.screen().contains("✓ Call Ann"), "{}", ui.screen());
    ui.keys("u");
    assert!(due(&ui, "Call Ann").is_open());
    // Upcoming (past Due to contact and round): snooze the first a day, then another until a
    // date asked for.
    ui.keys("tab tab tab tab");
    assert!(ui.screen().contains("Send pricing"));
    ui.keys("s");
    assert_eq!(due(&ui, "Send pricing").due, Some(today.add_days(2)));
    ui.keys("g g S").text("+10d").keys("enter");
    let moved = ui.crm.list::<Task>(|t| t.due == Some(today.add_days(10))).unwrap();
    assert_eq!(moved.len(), 1, "one task moved ten days on");
    ui.keys("S").text("someday").keys("enter");
    assert!(ui.screen().contains("until: 'someday' is not a date"), "{}", ui.screen());
}

#[test]
fn a_task_added_from_a_record_is_linked_to_it() {
    let mut ui = Ui::populated(120, 30);
    ui.keys("enter t").text("Send the contract +2d").keys("enter");
    let ann = ui.crm.list::<Contact>(|c| c.first_name == "Ann").unwrap().remove(0);
    let t = ui.crm.list::<Task>(|t| t.title == "Send the contract").unwrap().remove(0);
    assert_eq!((t.contact, t.account), (Some(ann.id), ann.account));
    assert!(ui.screen().contains("Send the contract"), "the detail lists the new task: {}", ui.screen());
    ui.keys("esc 5 tab tab");
    let s = ui.screen();
    assert!(s.contains("Send the contract") && s.contains("contact Ann Lee"), "{s}");
}

#[test]
fn the_agenda_shows_a_day_or_a_week_in_time_order_and_takes_new_events() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let today = Date::today();
    let tomorrow = today.add_days(1);
    // A birthday tomorrow (born 1990; a 29 February is left to other tests).
    let born = Date::from_ymd(1990, chrono::Datelike::month(&tomorrow.0), chrono::Datelike::day(&tomorrow.0))
        .unwrap_or(Date::from_ymd(1990, 3, 1).unwrap());
    let ann = Contact { first_name: "Ann".into(), last_name: "Lee".into(), birthday: Some(born), ..Default::default() };
    let ann = crm.create(ann).unwrap().id;
    let at = |h: u32| Timestamp::parse_local(&format!("{today} {h:02}:00")).unwrap();
    crm.create_event(Event { title: "Demo at Acme".into(), start: at(14), ..Default::default() }).unwrap();
    crm.create_event(Event { title: "Breakfast".into(), start: at(8), ..Default::default() }).unwrap();
    crm.create(Task { title: "Send pricing".into(), due: Some(today), ..Default::default() }).unwrap();
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    assert!(ui.screen().contains("birthdays soon: Ann Lee"), "a notice at start: {}", ui.screen());
    ui.keys("7");
    let s = ui.screen();
    assert!(s.contains("(today)"), "{s}");
    let breakfast = s.find("Breakfast").unwrap();
    let demo = s.find("Demo at Acme").unwrap();
    let pricing = s.find("Send pricing").unwrap();
    assert!(breakfast < demo && s.contains("08:00") && s.contains("14:00"), "in time order: {s}");
    assert!(pricing > 0 && !s.contains("birthday   Ann Lee"), "one day only: {s}");
    assert!(s.contains("birthdays soon: Ann Lee turns"), "the next two weeks' birthdays under the day: {s}");
    ui.keys("w");
    // When today ends its week (a Sunday), tomorrow's birthday is in the next one.
    let last_day = chrono::Datelike::weekday(&today.0) == chrono::Weekday::Sun;
    if last_day {
        ui.keys("]");
    }
    assert!(ui.screen().contains("birthday   Ann Lee"), "{}", ui.screen());
    if last_day {
        ui.keys("[");
    }
    ui.keys("d ]");
    assert!(ui.screen().contains("birthday   Ann Lee") && !ui.screen().contains("Breakfast"), "the next day");
    ui.keys(". n").text("Call prep").keys("tab tab tab tab enter").text("ann").keys("enter ctrl-s");
    let e = ui.crm.list::<Event>(|e| e.title == "Call prep").unwrap().remove(0);
    assert_eq!((e.attendees.clone(), e.start), (vec![ann], at(9)), "09:00 today by default, Ann picked");
    assert!(ui.screen().contains("Call prep"), "{}", ui.screen());
    // The new event opens, naming its people; Esc comes back to the agenda, in time order.
    assert!(ui.screen().contains("attendees       Ann Lee"), "{}", ui.screen());
    ui.keys("esc");
    let s = ui.screen();
    assert!(s.contains("Agenda ·"), "back where it was opened: {s}");
    assert!(s.find("Breakfast").unwrap() < s.find("Call prep").unwrap(), "{s}");
    // A name typed over a picked one is refused, never dropped.
    ui.keys("n").text("Typo").keys("tab tab tab tab enter").text("ann").keys("enter backspace ctrl-s");
    assert!(ui.screen().contains("'Ann Le' was not picked"), "{}", ui.screen());
}

#[test]
fn the_calls_screen_lists_recent_calls_and_filters_them() {
    let mut ui = Ui::populated(140, 30);
    let people = ui.crm.list::<Contact>(|_| true).unwrap();
    for (i, outcome) in [CallOutcome::Voicemail, CallOutcome::Busy, CallOutcome::Voicemail].into_iter().enumerate() {
        let started_at = Timestamp::parse_local(&format!("2026-11-0{} 10:00", i + 2)).unwrap();
        let call = Call { contact: people[i].id, outcome, started_at, duration_secs: 90, ..Default::default() };
        ui.crm.log_call(call).unwrap();
    }
    ui.keys("6");
    let s = ui.screen();
    assert!(
        s.contains("Calls (4) by time, newest first") && s.contains("2026-11-04 10:00") && s.contains("voicemail"),
        "{s}"
    );
    let newest = s.find("2026-11-04").unwrap();
    let older = s.find("2026-11-02").unwrap();
    assert!(newest < older, "newest first: {s}");
    ui.keys("f").text("outcome:voicemail").keys("enter");
    let s = ui.screen();
    assert!(s.contains("Calls (2 of 4)") && !s.contains("busy"), "{s}");
    ui.keys("f").text(" country:japan").keys("enter");
    assert!(ui.screen().contains("Nothing matches the filter"), "nobody here lives in Japan: {}", ui.screen());
    ui.keys("f");
    for _ in 0.."outcome:voicemail country:japan".len() {
        ui.keys("backspace");
    }
    ui.keys("enter");
    assert!(ui.screen().contains("Calls (4)"));
    // c on a call logs another with the same person.
    ui.keys("c");
    assert!(ui.screen().contains("Call with"), "{}", ui.screen());
}

#[test]
fn a_project_shows_its_progress_takes_tasks_and_closes_with_its_goal() {
    let mut ui = Ui::populated(120, 36);
    let account = ui.crm.account_named("Acme Ltd").unwrap();
    let project = Project {
        name: "Rollout".into(),
        account,
        due: common::date("2000-06-30"),
        goal: Some("All sites live".into()),
        ..Default::default()
    };
    let project = ui.crm.create(project).unwrap().id;
    for (title, done) in [("Site A", true), ("Site B", false), ("Site C", false)] {
        let t = ui.crm.create(Task { title: title.into(), project: Some(project), ..Default::default() }).unwrap();
        if done {
            ui.crm.set_task_done(t.id, true).unwrap();
        }
    }
    ui.keys("g j");
    let s = ui.screen();
    assert!(s.contains("Projects (") && s.contains("Rollout") && s.contains("2000-06-30!"), "overdue marked: {s}");
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("Tasks 1/3 done ███████░░░░░░░░░░░░░"), "{s}");
    ui.keys("t").text("Site D").keys("enter");
    assert!(ui.screen().contains("Tasks 1/4 done"), "{}", ui.screen());
    ui.keys("x").text("maybe").keys("enter");
    assert!(ui.screen().contains("answer y"), "{}", ui.screen());
    ui.keys("backspace backspace backspace backspace backspace").text("y").keys("enter");
    let p = ui.crm.get::<Project>(project).unwrap();
    assert_eq!((p.status, p.goal_met), (ProjectStatus::Done, GoalMet::Yes));
}

#[test]
fn contacts_due_by_their_cadence_are_listed_and_a_call_resets_them() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let days_ago = |n: i64| Some(Date::today().add_days(-n).start_local());
    for (first, last_seen) in [("Overdue", 40), ("Recent", 5), ("Late", 31)] {
        let c = Contact {
            first_name: first.into(),
            last_name: "Person".into(),
            follow_up_days: Some(30),
            last_activity: days_ago(last_seen),
            ..Default::default()
        };
        crm.create(c).unwrap();
    }
    let mut ui = Ui::with(dir, Arc::new(crm), 120, 30);
    ui.keys("5 [");
    let s = ui.screen();
    assert!(s.contains("Due to contact (2)") && !s.contains("Recent Person"), "{s}");
    let first = s.find("Overdue Person").unwrap();
    let second = s.find("Late Person").unwrap();
    assert!(first < second && s.contains("10 days over") && s.contains("1 day over"), "most overdue first: {s}");
    ui.keys("c v ctrl-s");
    let s = ui.screen();
    assert!(s.contains("Due to contact (1)") && !s.contains("Overdue Person  "), "the call reset the cadence: {s}");
}

#[test]
fn esc_lets_go_of_marks_and_an_empty_picker_lists_accounts_by_name() {
    let mut ui = Ui::populated(120, 30);
    ui.keys("space space");
    assert!(ui.screen().contains("2 marked"), "{}", ui.screen());
    ui.keys("esc");
    let s = ui.screen();
    assert!(s.contains("2 rows unmarked") && !s.contains("marked)"), "{s}");
    ui.keys("n tab tab tab tab tab");
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("Pick an account") && s.contains("Acme Ltd") && s.contains("Ōsaka Trading"), "{s}");
}

#[test]
fn snapshots_of_the_board() {
    for (w, h) in [(80, 24), (200, 50)] {
        let mut ui = Ui::pipeline(w, h);
        ui.keys("1");
        insta::assert_snapshot!(format!("board_{w}x{h}"), ui.screen());
    }
}

#[test]
fn number_keys_and_g_prefixes_switch_screens() {
    let mut ui = Ui::populated(100, 30);
    assert!(ui.screen().contains("Contacts (4)"));
    ui.keys("3");
    let s = ui.screen();
    assert!(s.contains("Accounts (2)") && s.contains("Acme Ltd") && s.contains("Software"), "{s}");
    ui.keys("g c");
    assert!(ui.screen().contains("Contacts (4)"));
    ui.keys("1");
    assert!(ui.screen().contains("Prospecting (1)"));
    ui.keys("g A");
    assert!(ui.screen().contains("Agenda ·") && ui.screen().contains("(today)"));
}

#[test]
fn help_lists_the_keys_of_the_screen_from_the_key_map() {
    let mut ui = Ui::populated(100, 60);
    ui.keys("?");
    let s = ui.screen();
    assert!(s.contains("Lists") && s.contains("open the selected record") && s.contains("Everywhere"), "{s}");
    assert!(s.contains("ctrl-c") && s.contains("quit at once"), "{s}");
    ui.keys("esc");
    assert!(!ui.screen().contains("Everywhere"));

    // In a small window the help scrolls to the global keys.
    let mut ui = Ui::populated(80, 24);
    ui.keys("?");
    assert!(!ui.screen().contains("quit at once"));
    ui.keys("j j j");
    assert!(ui.screen().contains("first row"), "j scrolls a line at a time");
    ui.keys("G");
    assert!(ui.screen().contains("This help") && ui.screen().contains("to the end"), "{}", ui.screen());
    ui.keys("g");
    assert!(ui.screen().contains("first row"), "g goes back to the top: {}", ui.screen());
}

#[test]
fn the_palette_runs_any_action_by_name() {
    let mut ui = Ui::populated(100, 30);
    ui.keys(":");
    ui.text("accounts");
    assert!(ui.screen().contains("go to Accounts"));
    ui.keys("enter");
    assert!(ui.screen().contains("Accounts (2)"));
}

#[test]
fn the_palette_offers_every_action_and_says_where_one_acts_when_not_here() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("2 :").text("deal won");
    let s = ui.screen();
    assert!(s.contains("mark deal won  (w · Pipeline board)"), "the board's key, from the contacts: {s}");
    ui.keys("enter");
    let said = ui.app.message.as_ref().map(|m| (m.text.clone(), m.error));
    assert_eq!(said, Some(("mark deal won acts in Pipeline board (w there), not here".to_string(), false)));
    assert!(ui.screen().contains("Contacts ("), "still on the contacts: {}", ui.screen());
    // What acts here comes first and runs.
    ui.keys(":").text("new record");
    let first = ui.app.palette_entries("new record").remove(0);
    assert_eq!((first.action, first.elsewhere), (rolo::tui::Action::New, None));
}

#[test]
fn search_finds_and_opens_a_record() {
    let mut ui = Ui::populated(120, 40);
    ui.keys("/");
    ui.text("zoe obri");
    let s = ui.screen();
    assert!(s.contains("Zoë O'Brien-Müller"), "{s}");
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.contains("contact · Zoë O'Brien-Müller"), "{s}");
    assert!(s.contains("Prefers email"), "the note shows: {s}");
    assert!(s.contains("Ōsaka Trading"), "the account shows by name: {s}");
    assert!(s.contains("Fleet licences"), "the open deal shows: {s}");
}

#[test]
fn creating_a_contact_shows_errors_in_place_then_saves() {
    let mut ui = Ui::populated(100, 40);
    ui.keys("n");
    assert!(ui.screen().contains("New contact"));
    ui.text("Ann").keys("tab tab");
    ui.text("not-an-email").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("! is required: give it a value"), "last name is flagged: {s}");
    // The focus went to the field at fault; a typo is fixed where it is, the cursor drawn there.
    ui.text("Mrsh").keys("left left left").text("a");
    assert!(ui.screen().contains("Ma▏rsh"), "{}", ui.screen());
    ui.keys("end ctrl-s");
    let s = ui.screen();
    assert!(s.contains("is not a valid email address"), "{s}");
    for _ in 0.."not-an-email".len() {
        ui.keys("backspace");
    }
    ui.text("ann@marsh.example").keys("tab tab tab").text("acme ltd").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("contact · Ann Marsh"), "{s}");
    assert!(s.contains("Acme Ltd"), "{s}");
    let saved = ui.crm.list::<Contact>(|c| c.last_name == "Marsh").unwrap();
    assert_eq!(saved[0].primary_email(), Some("ann@marsh.example"));
}

#[test]
fn editing_an_account_saves_and_refreshes() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("3 enter e");
    assert!(ui.screen().contains("Edit account"));
    for _ in 0.."Acme Ltd".chars().count() {
        ui.keys("backspace");
    }
    ui.text("Acme Group").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("account · Acme Group") && s.contains("saved account Acme Group"), "{s}");
    assert!(ui.crm.account_named("acme group").unwrap().is_some());
}

#[test]
fn delete_asks_first_and_explains_a_refusal() {
    let mut ui = Ui::populated(100, 30);
    // Ann Lee is first by name; she has nothing attached.
    assert!(ui.screen().contains("Ann Lee"));
    ui.keys("d");
    // Dialogs name the record by its label, never by its number.
    let s = ui.screen();
    assert!(s.contains("Delete contact Ann Lee?") && !s.contains("contact:"), "{s}");
    ui.keys("n");
    assert!(ui.screen().contains("cancelled"));
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 4);
    ui.keys("d y");
    let s = ui.screen();
    assert!(s.contains("deleted contact Ann Lee") && s.contains("Contacts (3)"), "{s}");
    // Zoë (second now, after Chloé Martin) has a call: the delete is refused and says why.
    ui.keys("g g j d y");
    let s = ui.screen();
    assert!(s.contains("still used by 1 call"), "{s}");
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 3);
}

#[test]
fn marked_rows_are_deleted_together() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("space space");
    assert!(ui.screen().contains("2 marked"));
    ui.keys("d");
    assert!(ui.screen().contains("Delete 2 contacts?"));
    ui.keys("y");
    assert!(ui.screen().contains("Contacts (2)"));
}

#[test]
fn leaving_a_changed_form_asks_and_ctrl_c_always_quits() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("n").text("Half");
    ui.keys("esc");
    assert!(ui.screen().contains("Drop the unsaved changes?"));
    ui.keys("n");
    assert!(ui.screen().contains("New contact"), "still editing");
    ui.keys("esc y");
    assert!(!ui.screen().contains("New contact"));
    ui.keys("q");
    assert!(ui.app.quit);

    let mut ui = Ui::populated(100, 30);
    ui.keys("n").text("x").keys("ctrl-c");
    assert!(ui.app.quit);
}

#[test]
fn notes_are_added_from_the_detail_view() {
    let mut ui = Ui::populated(100, 40);
    ui.keys("enter a");
    ui.text("Called about the renewal").keys("enter");
    let s = ui.screen();
    assert!(s.contains("note added") && s.contains("Called about the renewal"), "{s}");
}

#[test]
fn stored_escape_sequences_are_drawn_harmlessly() {
    let mut ui = Ui::empty(100, 30);
    ui.crm
        .create(Contact {
            first_name: "\u{1b}[31mEvil\u{7}".into(),
            last_name: "Name\u{1b}]0;pwned\u{7}".into(),
            ..Default::default()
        })
        .unwrap();
    ui.app = App::new(ui.crm.clone()).unwrap();
    let s = ui.screen();
    assert!(s.contains("[31mEvil"), "{s}");
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
}

#[test]
fn a_small_window_asks_for_more_room_and_keys_do_not_act_behind_it() {
    let mut ui = Ui::populated(50, 10);
    assert!(ui.screen().contains("make the window larger"));
    // Keys that would switch screens, open search or add a record do nothing unseen.
    ui.keys("1 / n 3");
    ui.term.backend_mut().resize(100, 30);
    ui.term.resize(ratatui::layout::Rect::new(0, 0, 100, 30)).unwrap();
    let s = ui.screen();
    assert!(s.contains("2 Contacts") && s.contains("Ann Lee") && !s.contains("Search"), "{s}");
    assert!(!ui.app.quit);
    ui.term.backend_mut().resize(50, 10);
    ui.term.resize(ratatui::layout::Rect::new(0, 0, 50, 10)).unwrap();
    ui.keys("q");
    assert!(ui.app.quit, "q still quits below the minimum size");
}

#[test]
fn snapshots_of_the_main_screens() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut ui = Ui::populated(w, h);
        insta::assert_snapshot!(format!("contacts_{w}x{h}"), ui.screen());
        ui.keys("3");
        insta::assert_snapshot!(format!("accounts_{w}x{h}"), ui.screen());
        ui.keys("?");
        insta::assert_snapshot!(format!("help_{w}x{h}"), ui.screen());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    #[test]
    fn every_screen_draws_at_any_size(w in 1u16..300, h in 1u16..100, screen in 0usize..8, overlay in 0usize..4) {
        let mut ui = Ui::populated(w, h);
        let keys = ["1", "2", "3", "4", "5", "6", "7", "8"];
        ui.keys(keys[screen]);
        match overlay {
            1 => { ui.keys("?"); }
            2 => { ui.keys("/").text("an"); }
            3 => { ui.keys("2 enter"); }
            _ => {}
        }
        ui.screen();
    }
}

#[test]
fn marked_rows_take_a_label_an_owner_and_a_list_together() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("space space #").text("vip").keys("enter");
    assert!(ui.screen().contains("labelled 2 records 'vip'"));
    ui.keys("+").text("Newsletter").keys("enter");
    assert!(ui.screen().contains("2 added to the list 'Newsletter'"));
    ui.crm.add_user(User::new("maria", "Maria Roth", "rep")).unwrap();
    ui.keys("@").text("maria").keys("enter");
    assert!(ui.screen().contains("2 records assigned to maria"), "{}", ui.screen());
    let tagged = ui.crm.list::<Contact>(|c| c.tags == ["vip"] && c.owner == "maria").unwrap();
    assert_eq!(tagged.len(), 2);
    let lists = ui.crm.list::<ContactList>(|l| l.name == "Newsletter").unwrap();
    assert_eq!(lists[0].members.len(), 2);
    // An empty label is refused in place.
    ui.keys("# enter");
    let s = ui.screen();
    assert!(s.contains("tag: is empty") && s.contains("Label for"), "{s}");
}

#[test]
fn contacts_order_by_each_column_and_reverse() {
    let mut ui = Ui::populated(120, 30);
    ui.crm
        .create(Contact {
            first_name: "Al".into(),
            last_name: "Zed".into(),
            addresses: vec![Address { country: Some("Austria".into()), ..Default::default() }],
            ..Default::default()
        })
        .unwrap();
    ui.keys("o");
    assert!(ui.screen().contains("by account"));
    ui.keys("o");
    let s = ui.screen();
    assert!(s.contains("by country"), "{s}");
    let first = s.lines().nth(3).unwrap_or_default().to_string();
    assert!(first.contains("Al Zed"), "Austria first: {s}");
    ui.keys("o");
    let s = ui.screen();
    assert!(s.contains("by last activity") && s.lines().nth(3).unwrap_or_default().contains("Zoë"), "{s}");
    ui.keys("O");
    assert!(ui.screen().contains("by last activity, reversed"));
    ui.keys("o");
    assert!(ui.screen().contains("by name, reversed"));
}

#[test]
fn the_account_field_picks_by_fuzzy_search() {
    let mut ui = Ui::populated(100, 40);
    ui.keys("n").text("Dee").keys("tab").text("Ray").keys("tab tab tab tab enter");
    assert!(ui.screen().contains("Pick an account"));
    ui.text("acm");
    assert!(ui.screen().contains("Acme Ltd"));
    ui.keys("enter ctrl-s");
    let s = ui.screen();
    assert!(s.contains("contact · Dee Ray") && s.contains("Acme Ltd"), "{s}");
}

#[test]
fn the_filter_line_narrows_the_list_and_esc_clears_it() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("f").text("stone");
    let s = ui.screen();
    assert!(s.contains("Contacts (1 of 4)") && s.contains("filter: stone") && s.contains("Bob Stone"), "{s}");
    assert!(!s.contains("Ann Lee"), "{s}");
    ui.keys("enter");
    // The filter stays while moving; Esc then clears it.
    ui.keys("j");
    assert!(ui.screen().contains("Contacts (1 of 4)"));
    ui.keys("esc");
    let s = ui.screen();
    assert!(s.contains("Contacts (4)") && s.contains("Ann Lee"), "{s}");
    ui.keys("f").text("zzzz");
    assert!(ui.screen().contains("Nothing matches the filter"));
}

#[test]
fn creating_and_deleting_an_account_with_a_refusal_on_the_way() {
    let mut ui = Ui::populated(100, 40);
    ui.keys("3 n ctrl-s");
    let s = ui.screen();
    assert!(
        s.contains("New account") && s.contains("! is required: give it a value"),
        "the empty name is flagged: {s}"
    );
    ui.text("Globex").keys("tab tab tab tab tab tab");
    // The status starts as "prospect", proposed: the first character typed replaces it.
    ui.text("bankrupt").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("'bankrupt' is not one of: prospect"), "{s}");
    ui.keys("ctrl-u").text("customer").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("account · Globex") && s.contains("customer"), "{s}");
    // An account with a deal cannot go (its people would only be unlinked); an empty one can.
    ui.keys("h g g G d y");
    let s = ui.screen();
    assert!(
        s.contains("account Ōsaka Trading 株式会社 (account:1) is still used by 1"),
        "Ōsaka Trading is last by name: {s}"
    );
    ui.keys("g g j d y");
    let s = ui.screen();
    assert!(s.contains("deleted account ") && s.contains("Accounts (2)"), "{s}");
}

#[test]
fn a_refused_delete_of_marked_rows_deletes_none_of_them() {
    let mut ui = Ui::populated(100, 30);
    // Ann Lee (free to go) and Zoë (she has a call) are marked together.
    ui.keys("space space space d y");
    let s = ui.screen();
    assert!(s.contains("still used by 1 call"), "{s}");
    assert_eq!(ui.crm.count(Kind::Contact).unwrap(), 4, "all or nothing");
}

#[test]
fn q_backs_out_of_a_record_and_quits_from_the_list() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("enter");
    assert!(ui.screen().contains("contact · Ann Lee"));
    ui.keys("q");
    assert!(!ui.app.quit && ui.screen().contains("Contacts (4)"));
    ui.keys("q");
    assert!(ui.app.quit);
}

#[test]
fn the_picker_links_the_account_picked_even_when_names_repeat() {
    let mut ui = Ui::populated(100, 40);
    let second = ui
        .crm
        .create(Account {
            name: "Acme Ltd".into(),
            address: Address { city: Some("Lyon".into()), ..Default::default() },
            ..Default::default()
        })
        .unwrap();
    ui.app = App::new(ui.crm.clone()).unwrap();
    ui.keys("n").text("Eve").keys("tab").text("Lyon").keys("tab tab tab tab enter");
    ui.text("acme lyon").keys("enter ctrl-s");
    let eve = ui.crm.list::<Contact>(|c| c.first_name == "Eve").unwrap();
    assert_eq!(eve[0].account, Some(second.id));
}

#[test]
fn dialogs_titles_and_details_name_records_by_label_and_values_by_words() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("enter a");
    let s = ui.screen();
    assert!(s.contains("Note on contact Ann Lee") && !s.contains("contact:"), "{s}");
    ui.keys("esc esc e");
    let s = ui.screen();
    assert!(s.contains("Edit contact Ann Lee"), "{s}");
    ui.keys("esc 4 enter");
    let s = ui.screen();
    assert!(s.contains("trade show") && !s.contains("trade_show"), "a lead source reads as words: {s}");
}

#[test]
fn a_message_longer_than_the_status_bar_is_shown_whole() {
    let mut ui = Ui::populated(80, 24);
    let path = "/nowhere/a folder that is not there/with more words in its name/so the message wraps/contacts.csv";
    ui.keys("I").text(path).keys("enter");
    let s = ui.screen();
    let bottom: String = s.lines().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(" ");
    assert!(bottom.contains("contacts.csv") && bottom.contains("nowhere"), "the whole message: {s}");
}

#[test]
fn cut_text_ends_in_an_ellipsis_and_amounts_align_right() {
    let mut ui = Ui::pipeline(80, 24);
    ui.keys("1 v");
    let s = ui.screen();
    // The amount column's right edge: every amount ends where its header ends.
    let header = s.lines().find(|l| l.contains("AMOUNT")).unwrap_or_else(|| panic!("a header: {s}"));
    let edge = header.find("AMOUNT").unwrap() + "AMOUNT".len();
    for amount in ["12,000.50 USD", "150,000.00 USD"] {
        let line = s.lines().find(|l| l.contains(amount)).unwrap_or_else(|| panic!("{amount} shown: {s}"));
        let end = line.find(amount).unwrap() + amount.len();
        assert_eq!(
            line[..end].chars().count(),
            header[..edge].chars().count(),
            "{amount} is right-aligned under AMOUNT: {s}"
        );
    }
    // A task about a deal with a long name: the ABOUT column ends in "…".
    let deal = ui.crm.list::<Opportunity>(|o| o.name == "Fleet licences").unwrap().remove(0);
    let mut long = deal.clone();
    long.name = "Fleet licences for the whole northern region and its harbour offices".into();
    ui.crm.update(long).unwrap();
    ui.crm
        .create(Task {
            title: "Send pricing".into(),
            opportunity: Some(deal.id),
            due: Some(rolo::model::Date::today()),
            ..Default::default()
        })
        .unwrap();
    ui.keys("5");
    let s = ui.screen();
    let row = s.lines().find(|l| l.contains("Send pricing")).unwrap_or_else(|| panic!("{s}"));
    assert!(row.contains("Fleet licences") && row.contains('…'), "{s}");
}

#[test]
fn a_record_page_opens_its_linked_records_comes_back_and_stops_at_its_end() {
    use rolo::tui::DetailLine;
    let mut ui = Ui::populated(100, 40);
    ui.keys("j j enter");
    let s = ui.screen();
    assert!(s.contains("contact · Zoë") && s.contains("› Fleet licences"), "{s}");
    // The page is shorter than the window: the end does not scroll its top away.
    ui.keys("G");
    assert!(ui.screen().contains("contact · Zoë") && ui.screen().lines().any(|l| l.contains("first name")));
    let line_of = |ui: &Ui, text: &str| {
        let d = ui.app.detail().expect("a record is open");
        d.lines.iter().position(|l| matches!(l, DetailLine::Item(t, _) if t.contains(text))).expect(text)
    };
    let deal = line_of(&ui, "Fleet licences");
    ui.keys("g g");
    for _ in 0..deal {
        ui.keys("j");
    }
    ui.keys("enter");
    assert!(ui.screen().contains("opportunity · Fleet licences"), "{}", ui.screen());
    ui.keys("esc");
    assert!(ui.screen().contains("contact · Zoë"), "Esc comes back: {}", ui.screen());
    assert_eq!(ui.app.detail().unwrap().cursor, deal, "on the same line");
    // A task opened from the page is completed with x there.
    let task = line_of(&ui, "Send pricing");
    for _ in deal..task {
        ui.keys("j");
    }
    ui.keys("enter");
    let s = ui.screen();
    assert!(s.lines().last().unwrap_or_default().starts_with("x complete"), "a task's page says x: {s}");
    ui.keys("x");
    let t = ui.crm.list::<Task>(|t| t.title == "Send pricing").unwrap().remove(0);
    assert!(!t.is_open(), "x completed the task from its page");
    ui.keys("esc");
    let s = ui.screen();
    assert!(s.contains("contact · Zoë") && !s.contains("[high] Send pricing"), "the open tasks follow: {s}");
}

#[test]
fn the_agenda_heads_today_with_overdue_tasks_and_x_completes_them() {
    let mut ui = Ui::populated(100, 30);
    let today = rolo::model::Date::today();
    let task = |title: &str, due| Task { title: title.into(), due: Some(due), ..Default::default() };
    ui.crm.create(task("Older chore", today.add_days(-400))).unwrap();
    ui.crm.create(task("Due today", today)).unwrap();
    ui.keys("7");
    let s = ui.screen();
    let items: Vec<&str> = s.lines().filter(|l| l.contains("overdue") || l.contains("Due today")).collect();
    assert!(items.len() == 3 && items[0].contains("Older chore") && items[1].contains("Send pricing"), "{s}");
    assert!(items[1].contains("· Fleet licences"), "who or what a task is about: {s}");
    assert!(items[2].contains("task") && items[2].contains("Due today"), "today's own tasks follow: {s}");
    ui.keys("g g x");
    let s = ui.screen();
    assert!(s.contains("Older chore: done") && !s.contains("overdue  Older chore"), "{s}");
    // A week further on, nothing is overdue there.
    ui.keys("]");
    assert!(!ui.screen().contains("overdue"), "{}", ui.screen());
}

#[test]
fn done_tasks_list_the_newest_completed_first() {
    let mut ui = Ui::populated(100, 30);
    let at = |s: &str| rolo::model::Timestamp::parse_local(s).unwrap();
    for (title, done) in [("Done first", "2026-11-02 10:00"), ("Done last", "2026-11-30 10:00")] {
        let t = ui.crm.create(Task { title: title.into(), ..Default::default() }).unwrap();
        ui.crm.update(Task { status: TaskStatus::Done, completed_at: Some(at(done)), ..t }).unwrap();
    }
    ui.keys("5 ] ] ] ]");
    let s = ui.screen();
    let first = s.find("Done last").unwrap_or_else(|| panic!("{s}"));
    assert!(first < s.find("Done first").unwrap(), "{s}");
    // The date shown is when each was done.
    let row = s.lines().find(|l| l.contains("Done last")).unwrap_or_default();
    assert!(s.contains("DONE") && row.contains("2026-11-30"), "{s}");
}

#[test]
fn after_starting_empty_the_palette_still_offers_the_demo_data() {
    let mut ui = Ui::empty(100, 30);
    ui.keys("e :").text("demo");
    assert!(ui.screen().contains("load demo data"), "{}", ui.screen());
    ui.keys("enter");
    assert!(ui.crm.count(Kind::Contact).unwrap() > 0);
    ui.keys(":").text("demo");
    assert!(!ui.screen().contains("load demo data"), "only while the database is empty: {}", ui.screen());
}

#[test]
fn the_search_and_the_palette_move_on_the_keys_their_tables_list() {
    use rolo::tui::keymap::{Action, PICKER, SEARCH};
    let mut ui = Ui::populated(120, 40);
    let selected = |ui: &Ui| match ui.app.overlay() {
        Some(rolo::tui::Overlay::Search(b)) => b.selected,
        Some(rolo::tui::Overlay::Palette { selected, .. }) => *selected,
        other => panic!("no list open: {other:?}"),
    };
    for (open, table) in [("/", SEARCH), (":", PICKER)] {
        for b in table.iter().filter(|b| matches!(b.action, Action::Down | Action::Up)) {
            for k in b.keys {
                ui.keys(open).text("o");
                let start = if b.action == Action::Up { 1 } else { 0 };
                if start == 1 {
                    ui.keys("down");
                }
                ui.keys(k);
                assert_eq!(selected(&ui), 1 - start, "{open} {k} should {}", b.help);
                ui.keys("esc");
            }
        }
    }
}

/// The query of the open search overlay.
fn search_query(ui: &Ui) -> Option<String> {
    match ui.app.overlay() {
        Some(rolo::tui::Overlay::Search(b)) => Some(b.query.value().to_string()),
        _ => None,
    }
}

#[test]
fn a_pasted_page_is_capped_in_the_search_the_filter_the_palette_and_pickers_and_esc_closes_at_once() {
    let mut ui = Ui::populated(120, 40);
    let page: String = "Bob Stone and friends ".repeat(230).chars().take(5000).collect();
    let cap = rolo::search::MAX_QUERY;
    // Typed key by key: the query stops at the cap, so at most that many searches ever run.
    ui.keys("/").text(&page);
    assert_eq!(search_query(&ui).map(|q| q.chars().count()), Some(cap));
    assert!(ui.screen().contains("Bob Stone"), "what the cap keeps is searched");
    ui.app.handle_key(common::ui::key("esc"));
    assert!(ui.app.overlay().is_none(), "Esc closes the search at once");
    // Pasted in one event: the same.
    ui.keys("/");
    ui.app.paste(&page);
    assert_eq!(search_query(&ui).map(|q| q.chars().count()), Some(cap));
    ui.app.handle_key(common::ui::key("esc"));
    assert!(ui.app.overlay().is_none());
    // The list filter, the palette and a picker stop at the cap too.
    ui.keys("f").text(&page);
    assert_eq!(ui.app.contacts.filter.chars().count(), cap);
    ui.keys("esc");
    assert!(!ui.app.contacts.is_filtered() && !ui.screen().contains("filter:"), "Esc clears the filter");
    ui.keys(":").text(&page);
    let palette = match ui.app.overlay() {
        Some(rolo::tui::Overlay::Palette { query, .. }) => query.value().chars().count(),
        _ => 0,
    };
    assert_eq!(palette, cap);
    ui.keys("esc n tab tab tab tab tab enter").text(&page);
    let picker = match ui.app.overlay() {
        Some(rolo::tui::Overlay::Picker { query, .. }) => query.value().chars().count(),
        _ => 0,
    };
    assert_eq!(picker, cap);
}

#[test]
fn an_exact_deal_name_ranks_first_in_search() {
    let mut ui = Ui::pipeline(120, 40);
    let acme = ui.crm.list::<Account>(|a| a.name == "Acme Ltd").unwrap()[0].id;
    let stage = ui.crm.stages().unwrap()[0].id;
    for n in [7, 72, 77] {
        let name = format!("Renewal deal #{n}");
        let close = common::date("2099-01-31");
        ui.crm
            .create_opportunity(Opportunity { name, account: acme, stage, close_date: close, ..Default::default() })
            .unwrap();
    }
    ui.keys("/").text("renewal deal #7");
    let s = ui.screen();
    let first = s.lines().find(|l| l.contains("Renewal deal #")).unwrap_or_default();
    assert!(first.contains("Renewal deal #7 "), "the exact name first: {s}");
}

#[test]
fn the_list_filter_ranks_best_first_from_the_top_and_says_when_it_keeps_only_the_best() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    let person =
        |first: &str, last: &str| Contact { first_name: first.into(), last_name: last.into(), ..Default::default() };
    crm.write_bulk("test load", |tx| {
        for i in 0..60 {
            tx.create(person(&format!("Person{i:02}"), "Anders"))?;
        }
        tx.create(person("Michael", "Anderson"))?;
        tx.create(person("Olga", "Andersson"))?;
        Ok(())
    })
    .unwrap();
    let mut ui = Ui::with(dir, Arc::new(crm), 100, 24);
    // From the bottom of the list, a filter starts at the top with the best row selected.
    ui.keys("G");
    assert!(ui.app.contacts.offset > 0);
    ui.keys("f").text("olga andersson");
    let s = ui.screen();
    assert_eq!((ui.app.contacts.offset, ui.app.contacts.selected), (0, 0), "{s}");
    let rows: Vec<&str> = s.lines().filter(|l| l.contains("Anders")).collect();
    assert!(rows[0].contains("Olga Andersson"), "the best match first: {s}");
    assert!(s.contains("best match first"), "{s}");
    // A new order starts at the top too.
    ui.keys("enter esc G o");
    assert_eq!((ui.app.contacts.offset, ui.app.contacts.selected), (0, 0));
}

#[test]
fn a_filter_that_keeps_only_its_best_matches_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
    crm.write_bulk("test load", |tx| {
        (0..10_005).try_for_each(|i| {
            let c = Contact { first_name: format!("Kim{i}"), last_name: "Lee".into(), ..Default::default() };
            tx.create(c).map(drop)
        })
    })
    .unwrap();
    let mut ui = Ui::with(dir, Arc::new(crm), 100, 24);
    ui.keys("f").text("lee");
    let s = ui.screen();
    assert!(s.contains("Contacts (10,000+ of 10,005"), "{s}");
}

#[test]
fn a_board_filter_selects_the_first_column_with_a_matching_deal() {
    let mut ui = Ui::pipeline(140, 40);
    ui.keys("1 f").text("close:2099-06-01..2099-07-01").keys("enter");
    let s = ui.screen();
    assert!(s.contains("Renewal 2099"), "{s}");
    assert_eq!(ui.app.board.selected().map(|c| c.name.as_str()), Some("Renewal 2099"), "{s}");
}

#[test]
fn esc_from_a_record_found_by_search_goes_back_to_the_results_and_slash_brings_the_last_query() {
    let mut ui = Ui::populated(120, 40);
    ui.keys("/").text("bob stone").keys("enter");
    assert!(ui.screen().contains("contact · Bob Stone"));
    ui.keys("esc");
    assert_eq!(search_query(&ui).as_deref(), Some("bob stone"), "back to the results");
    assert!(ui.screen().contains("Bob Stone"));
    ui.keys("esc /");
    assert_eq!(search_query(&ui).as_deref(), Some("bob stone"), "the last query comes back");
    // Enter uses it; typing replaces it.
    ui.keys("enter");
    assert!(ui.screen().contains("contact · Bob Stone"));
    ui.keys("esc esc /").text("ann");
    assert_eq!(search_query(&ui).as_deref(), Some("ann"));
}

#[test]
fn labels_filter_the_list_with_tag_terms_and_plain_words() {
    let mut ui = Ui::populated(120, 30);
    let vip =
        Contact { first_name: "Vera".into(), last_name: "Ng".into(), tags: vec!["VIP".into()], ..Default::default() };
    let vip = ui.crm.create(vip).unwrap().id;
    let plain = Contact { first_name: "Vip".into(), last_name: "Walker".into(), ..Default::default() };
    ui.crm.create(plain).unwrap();
    ui.keys("f").text("tag:vip");
    let s = ui.screen();
    assert_eq!(ui.app.contacts.ids, [vip], "{s}");
    assert!(s.contains("Vera Ng") && !s.contains("Vip Walker"), "{s}");
    ui.keys("esc f").text("vip");
    let s = ui.screen();
    assert!(s.contains("Vera Ng") && s.contains("Vip Walker"), "a plain word matches labels too: {s}");
    ui.keys("esc 3 f").text("tag:vip");
    assert!(ui.screen().contains("Nothing matches the filter"));
}

#[test]
fn stage_and_account_fields_are_pickers_and_a_new_account_is_made_in_place() {
    let mut ui = Ui::pipeline(100, 30);
    ui.keys("1 n").text("Harbour cranes").keys("tab").text("Brand New Co").keys("enter");
    let s = ui.screen();
    assert!(s.contains("Brand New Co") && s.contains("a new account: Enter creates it"), "{s}");
    ui.keys("enter");
    assert!(ui.crm.account_named("brand new co").unwrap().is_some(), "made in place");
    ui.keys("tab tab tab tab enter");
    let s = ui.screen();
    assert!(s.contains("Pick one") && s.contains("Qualification") && s.contains("Closed Won"), "{s}");
    ui.text("nego").keys("enter");
    ui.keys("ctrl-s");
    let deal = ui.crm.list::<Opportunity>(|o| o.name == "Harbour cranes").unwrap().remove(0);
    let stage: Stage = ui.crm.get(deal.stage).unwrap();
    assert!(stage.name.starts_with("Negotiation"), "{}", stage.name);
    assert_eq!(deal.account, ui.crm.account_named("brand new co").unwrap().unwrap());
}

#[test]
fn enter_typed_right_after_a_query_takes_that_querys_matches() {
    let mut ui = Ui::pipeline(100, 30);
    ui.keys("1 n").text("Harbour cranes").keys("tab enter");
    assert!(ui.screen().contains("Acme Ltd"), "the picker opens on the first accounts: {}", ui.screen());
    // Typed and Enter in one burst, before the search answers: never the older list's first row.
    burst(&mut ui, "Zed Corp\n");
    ui.keys("ctrl-s");
    let deal = ui.crm.list::<Opportunity>(|o| o.name == "Harbour cranes").unwrap().remove(0);
    assert_eq!(Some(deal.account), ui.crm.account_named("zed corp").unwrap(), "the account typed was made");
    // The search box too: Enter opens what the query typed finds.
    ui.keys("esc esc");
    ui.keys("/");
    burst(&mut ui, "kobe\n");
    let s = ui.screen();
    assert!(search_query(&ui).is_none() && s.contains("Kobe Shipping"), "a record Kobe finds is open: {s}");
}

/// Types `keys` (a line break is Enter) faster than any answer comes: no frame in between.
fn burst(ui: &mut Ui, keys: &str) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    for c in keys.chars() {
        let code = if c == '\n' { KeyCode::Enter } else { KeyCode::Char(c) };
        ui.app.handle_key(KeyEvent::from(code));
    }
}

#[test]
fn a_pasted_line_break_is_a_space_outside_a_field_of_lines_and_runs_nothing() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("/");
    ui.app.paste("bob\nd\nstone");
    assert_eq!(search_query(&ui).as_deref(), Some("bob d stone"), "{}", ui.screen());
    assert!(!ui.screen().contains("contact · "), "no record opened by the paste");
    // In a call's notes, a line break stays one.
    ui.keys("esc 2 c tab");
    ui.app.paste("first line\nsecond line");
    assert_eq!(ui.app.call().map(|c| c.notes.value()).as_deref(), Some("first line\nsecond line"));
}

#[test]
fn esc_from_the_search_results_returns_to_the_page_the_search_started_from() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("enter");
    assert!(ui.screen().contains("contact · Ann Lee"));
    ui.keys("/").text("bob stone").keys("enter");
    assert!(ui.screen().contains("contact · Bob Stone"), "{}", ui.screen());
    ui.keys("esc");
    assert!(search_query(&ui).is_some(), "back to the results: {}", ui.screen());
    ui.keys("esc");
    let s = ui.screen();
    assert!(s.contains("contact · Ann Lee") && search_query(&ui).is_none(), "{s}");
}

#[test]
fn ordering_a_filtered_list_is_refused_rather_than_done_unseen() {
    let mut ui = Ui::populated(100, 30);
    ui.keys("f").text("lee").keys("enter o");
    let s = ui.screen();
    let said = ui.app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(s.contains("best match first") && said.contains("Esc clears the filter, then o orders"), "{s}");
    ui.keys("esc");
    assert!(ui.screen().contains("Contacts (4) by name"), "the order is as it was: {}", ui.screen());
}

#[test]
fn a_report_table_too_wide_for_its_numbers_shortens_them_rather_than_cut_them() {
    let mut ui = Ui::pipeline(64, 24);
    let stages = ui.crm.stages().unwrap();
    let acme = ui.crm.account_named("acme ltd").unwrap().unwrap();
    for (i, amount) in ["385142000.55", "153227930.10", "142730800"].iter().enumerate() {
        ui.crm
            .create_opportunity(Opportunity {
                name: format!("Big {i}"),
                account: acme,
                amount: Amount::parse(amount).unwrap(),
                close_date: common::date("2099-05-31"),
                stage: stages[i].id,
                ..Default::default()
            })
            .unwrap();
    }
    ui.keys("8 j v");
    let s = ui.screen();
    let rows: Vec<&str> = s.lines().filter(|l| l.contains("Prospecting") || l.contains("Qualification")).collect();
    assert!(!rows.is_empty(), "{s}");
    for row in rows {
        assert!(!row.contains('…'), "no number is cut: {s}");
    }
    assert!(s.contains("385M"), "shortened: {s}");
    let switcher = s.lines().next().unwrap_or_default();
    assert!(
        switcher.contains("8 Reports") && switcher.contains("1 Pipeline"),
        "the screen on show keeps its title: {s}"
    );
    // The selected bar's numbers, on two lines, in full.
    let below: String = s.lines().filter(|l| !l.contains("Prospecting  ")).collect::<Vec<_>>().join(" ");
    assert!(below.contains("385,159,001.05 USD"), "{s}");
}

#[test]
fn a_deal_page_shows_its_amount_grouped_and_its_stage_once() {
    let mut ui = Ui::pipeline(100, 30);
    ui.keys("1 enter");
    let s = ui.screen();
    assert!(s.contains("opportunity · Harbor pilot"), "{s}");
    assert!(s.contains("5,000.00") && !s.contains("5000.00"), "{s}");
    assert_eq!(s.lines().filter(|l| l.trim_start_matches('│').trim_start().starts_with("stage ")).count(), 1, "{s}");
}

#[test]
fn converting_into_a_picked_account_keeps_the_lead_s_own_company() {
    let mut ui = Ui::populated(120, 36);
    ui.keys("4 C enter").text("osaka");
    ui.keys("enter ctrl-s");
    let lead = ui.crm.list::<Lead>(|_| true).unwrap().remove(0);
    let made = lead.converted.expect("converted");
    assert_eq!(ui.crm.get::<Account>(made.account).unwrap().name, "Ōsaka Trading 株式会社");
    assert_eq!(lead.company.as_deref(), Some("Harbor Partners"), "what the lead said stays");
}

#[test]
fn a_lead_s_page_takes_the_lead_keys() {
    let mut ui = Ui::populated(120, 36);
    ui.keys("4 enter");
    let s = ui.screen();
    assert!(s.contains("lead · Li Wang"), "{s}");
    let hints = s.lines().last().unwrap_or_default();
    assert!(hints.contains("C convert") && !hints.contains("c log a call"), "only the keys a lead takes: {s}");
    ui.keys("s");
    assert_eq!(ui.crm.list::<Lead>(|_| true).unwrap()[0].status, LeadStatus::Contacted);
    ui.keys("C");
    assert!(ui.screen().contains("Convert the lead Li Wang"), "{}", ui.screen());
}

#[test]
fn a_stage_named_nowhere_is_said_when_deleting_a_stage_with_deals() {
    let mut ui = Ui::pipeline(120, 30);
    ui.keys("g S d");
    assert!(ui.screen().contains("move them to which stage"), "{}", ui.screen());
    ui.text("nowhere").keys("enter");
    let said = ui.app.message.as_ref().map(|m| (m.text.clone(), m.error)).unwrap_or_default();
    assert!(said.1 && said.0.contains("nowhere"), "the refusal is said: {said:?}");
    assert!(ui.screen().contains("nowhere"), "and shown: {}", ui.screen());
}

#[test]
fn undoing_a_delete_in_a_filtered_list_shows_the_record_again() {
    let mut ui = Ui::populated(120, 30);
    ui.keys("2 f").text("stone").keys("enter");
    assert!(ui.screen().contains("Bob Stone"), "{}", ui.screen());
    ui.keys("d y");
    assert!(ui.app.contacts.ids.is_empty(), "deleted: {}", ui.screen());
    ui.keys("z");
    let s = ui.screen();
    assert_eq!(ui.app.contacts.ids.len(), 1, "{s}");
    assert!(s.contains("│ Bob Stone") && s.contains("filter: stone"), "back, under the same filter: {s}");
}

#[test]
fn a_form_in_a_small_window_scrolls_to_the_focused_field_and_the_status_bar_shows_its_keys() {
    let mut ui = Ui::populated(60, 15);
    ui.keys("2 n");
    let fields: Vec<&str> = ui.app.form().unwrap().fields.iter().map(|f| f.label).collect();
    let last = fields.len() - 1;
    for _ in 0..last {
        ui.keys("tab");
    }
    let s = ui.screen();
    assert!(s.contains(&format!("{}  ▏", fields[last])), "the last field, focused, is in sight: {s}");
    assert!(s.contains("Ctrl-S save"), "the form's keys stay on its last row: {s}");
    let bar = s.lines().last().unwrap_or_default();
    assert!(!bar.contains("new record"), "the status bar speaks of the form, not the list under it: {bar}");
}

#[test]
fn deleting_a_note_from_its_page_goes_back_to_the_contact_it_was_opened_from() {
    let mut ui = Ui::populated(120, 36);
    ui.keys("2 enter a").text("call back in May").keys("enter");
    let contact = ui.app.detail().map(|d| d.record).unwrap();
    for _ in 0..40 {
        if ui.app.detail().and_then(|d| d.linked()).is_some_and(|r| r.kind == Kind::Note) {
            break;
        }
        ui.keys("j");
    }
    ui.keys("enter");
    assert_eq!(ui.app.detail().map(|d| d.record.kind), Some(Kind::Note), "{}", ui.screen());
    assert!(ui.screen().contains("contact Ann Lee"), "what the note is about, by name: {}", ui.screen());
    ui.keys("d y");
    assert_eq!(ui.app.detail().map(|d| d.record), Some(contact), "{}", ui.screen());
}

#[test]
fn deleting_a_contact_with_calls_says_why_it_was_refused() {
    let mut ui = Ui::populated(120, 30);
    let ann = ui.crm.list::<Contact>(|c| c.first_name == "Ann").unwrap().remove(0);
    let at = rolo::model::Timestamp::now();
    ui.crm.log_call(rolo::model::Call { contact: ann.id, started_at: at, ..Default::default() }).unwrap();
    ui.keys("2");
    while ui.app.contacts.selected_id() != Some(ann.id) {
        ui.keys("j");
    }
    ui.keys("d y");
    let said = ui.app.message.as_ref().map(|m| (m.text.clone(), m.error)).unwrap_or_default();
    assert!(said.1 && said.0.contains("is still used by 1 call"), "{said:?}");
    assert!(ui.crm.find::<Contact>(ann.id).unwrap().is_some());
}

#[test]
fn a_label_on_a_deal_is_refused_before_any_question() {
    let mut ui = Ui::pipeline(120, 30);
    ui.keys("1 v #");
    let said = ui.app.message.as_ref().map(|m| (m.text.clone(), m.error)).unwrap_or_default();
    assert_eq!(said, ("only contacts and accounts carry labels".to_string(), true));
    assert!(ui.app.overlay().is_none(), "no question left open to swallow keys");
}

#[test]
fn enter_on_a_field_naming_a_record_opens_it() {
    let mut ui = Ui::populated(120, 36);
    ui.keys("2 enter");
    let contact = ui.app.detail().map(|d| d.record).unwrap();
    for _ in 0..10 {
        if ui.app.detail().and_then(|d| d.linked()).is_some_and(|r| r.kind == Kind::Account) {
            break;
        }
        ui.keys("j");
    }
    assert!(ui.app.detail().and_then(|d| d.linked()).is_some_and(|r| r.kind == Kind::Account), "{}", ui.screen());
    ui.keys("enter");
    assert_eq!(ui.app.detail().map(|d| d.record.kind), Some(Kind::Account), "{}", ui.screen());
    ui.keys("esc");
    assert_eq!(ui.app.detail().map(|d| d.record), Some(contact), "Esc comes back to the contact");
}
