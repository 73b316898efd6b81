//! The application state and what each key does to it. Every read and write goes through
//! [`Crm`], here or in [`App::prepare`]; drawing (in `view`) only reads this state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ScreenId;
use super::ctx::Ctx;
use super::mode::{Ask, Assigning, Confirm, Message, Mode, Overlay, PickFor, Targets};
use super::screen::{self, Agenda, Board, Duplicates, Effect, Marketing, Reports, Screen, Settings, TaskLists};
use crate::crm::{Crm, Result};
use crate::model::{Id, Kind, Lead, Opportunity, RecordRef, Stage, StageOutcome, ValidationError};
use crate::text::count;
use crate::tui::call::CallForm;
use crate::tui::detail::Detail;
use crate::tui::form::Form;
use crate::tui::keymap::{self, Action, Binding, Lookup};
use crate::tui::line::LineField;
use crate::tui::list::RecordList;
use crate::tui::page::{Page, RecordPages};
use crate::tui::quote::QuoteEditor;
use crate::tui::search::{LIMIT, SearchBox, Searcher};

mod act;
mod copy;
mod editors;
mod filters;
mod mail;
mod mouse;
mod outside;
mod overlays;
mod pages;
mod prefs;

pub use overlays::PaletteEntry;
use overlays::{PickKey, pick_key};

/// The most rows a filter keeps (the best matches), so a one-letter filter over a million
/// records stays instant; the list's title says "10,000+" when more match.
const FILTER_LIMIT: usize = 10_000;

/// The id a picker gives the account it offers to create (ids start at 1).
const NEW_ACCOUNT: Id = 0;

/// How many records a form's picker offers.
const PICKER_LIMIT: usize = 20;

/// How long a status message stays.
const MESSAGE_TIME: Duration = Duration::from_secs(5);

/// Everything the TUI shows.
pub struct App {
    crm: Arc<Crm>,
    searcher: Searcher,
    /// Runs the list filters' queries, off the UI thread like the `/` search.
    filter_searcher: Searcher,
    /// The stage and source names filters are read against, read when a filter line opens.
    vocabulary: crate::crm::Vocabulary,
    /// Each screen's last filters, for ↑ in its filter line (in memory, for the session).
    filter_history: crate::tui::filter::History,
    /// The `/` search as it was last closed, reopened by `/` with its query selected.
    last_search: Option<SearchBox>,
    index_ready: Arc<AtomicBool>,
    /// The screen on show.
    pub screen: ScreenId,
    /// The contacts list.
    pub contacts: RecordList,
    /// The accounts list.
    pub accounts: RecordList,
    /// The pipeline board.
    pub board: Board,
    /// The leads list.
    pub leads: RecordList,
    /// The product catalogue.
    pub products: RecordList,
    /// The settings screen.
    pub settings: Settings,
    /// The possible-duplicates screen.
    pub duplicates: Duplicates,
    /// Campaigns, contact lists and email templates.
    pub marketing: Marketing,
    /// Mail being sent in the background, if any.
    mail: Option<mail::MailJob>,
    /// The task lists.
    pub tasks: TaskLists,
    /// The agenda.
    pub agenda: Agenda,
    /// The calls list.
    pub calls: RecordList,
    /// The projects list.
    pub projects: RecordList,
    /// The customer service queue.
    pub cases: RecordList,
    /// The deals as a list (the Pipeline screen's other view).
    pub deals: RecordList,
    /// Whether the Pipeline screen shows the deals as a list instead of the board.
    pub deals_listed: bool,
    /// The Reports screen (reports compute on worker threads, so a slow one never freezes it).
    pub reports: Reports,
    /// The welcome or a record's page, shown in place of the screen.
    page: Option<Page>,
    /// What sits over the screen, bottom first: the top one takes the keys.
    modes: Vec<Mode>,
    /// The status-bar message.
    pub message: Option<Message>,
    /// Keys of a sequence typed so far (`g` of `g g`).
    pub pending: String,
    /// Whether the search index is still loading.
    pub indexing: bool,
    /// Whether an answer (partial or whole) came to the search or a picker since the loop last
    /// asked ([`App::wants_redraw`]).
    arrived: bool,
    /// Set when the user leaves.
    pub quit: bool,
    /// The window is below the minimum size: only quitting keys act.
    too_small: bool,
    /// Lines of a record's page that fit on screen.
    detail_rows: usize,
    /// Columns of a record page's lines (inside its borders).
    detail_cols: usize,
    /// The database holds no accounts, contacts, leads or deals (known since the last write).
    empty: bool,
    /// The user, the clock and the window, as of the last key or frame.
    pub(super) ctx: Ctx,
    /// Whether the app runs on a local terminal, where `$EDITOR` can take it over.
    local_terminal: bool,
    /// Where the app runs: over SSH, files come only from the upload folder and demo data is off.
    place: crate::tui::Place,
    /// The text of a field to edit in `$EDITOR`, waiting for the loop.
    editor: Option<String>,
    /// The text `y` copies to the user's clipboard, waiting for the loop.
    clipboard: Option<String>,
    /// The user's preferences, read when the app opens.
    prefs: crate::model::Prefs,
    /// The user's own keys, asked before the tables: `(key, action)`.
    own_keys: Vec<(String, Action)>,
    /// When and where the last left click was: a second one there soon after opens.
    last_click: Option<(std::time::Instant, (u16, u16))>,
    /// Who the app acts as, when an admin acts as someone else (`--as`): "as bob (rep) · by
    /// admin ann", read when the app opens and after each write, for the status bar.
    pub acting: Option<String>,
    /// What others committed that the app has taken in.
    outside: outside::Outside,
}

/// Access to the topmost layer of one kind on the stack, under any dialogs over it: read, and
/// (given a second name) write.
macro_rules! layer {
    ($name:ident, $variant:ident, $ty:ty, $what:literal $(, $name_mut:ident)?) => {
        impl App {
            #[doc = $what]
            pub fn $name(&self) -> Option<&$ty> {
                self.modes.iter().rev().find_map(|m| match m {
                    Mode::$variant(x) => Some(x),
                    _ => None,
                })
            }

            $(
            fn $name_mut(&mut self) -> Option<&mut $ty> {
                self.modes.iter_mut().rev().find_map(|m| match m {
                    Mode::$variant(x) => Some(x),
                    _ => None,
                })
            }
            )?
        }
    };
}

layer!(form, Form, Form, "The open record form.", form_mut);
layer!(quote, Quote, QuoteEditor, "The open quote editor.", quote_mut);
layer!(import, Import, crate::tui::import::ImportWizard, "The open import wizard.", import_mut);
layer!(filter_line, Filter, crate::tui::filter::FilterLine, "The screen's filter line, while keys go to it.");

impl App {
    /// The call being logged.
    pub fn call(&self) -> Option<&CallForm> {
        self.modes.iter().rev().find_map(|m| match m {
            Mode::Call(x) => Some(&**x),
            _ => None,
        })
    }

    /// The app over `crm`, on the screen its user chose (else the contacts; the welcome over it
    /// for an empty database), with their keys.
    pub fn new(crm: Arc<Crm>) -> Result<App> {
        // The app's own handle: `z` undoes what was done in this app, nothing done before it opened.
        let crm = Arc::new(crm.with_session(crm.session().clone()));
        let empty = crm.is_empty()?;
        // The search index loads in the background; the switcher shows it meanwhile.
        let index_ready = Arc::new(AtomicBool::new(false));
        {
            let (crm, ready) = (crm.clone(), index_ready.clone());
            crate::tui::background::spawn(move || {
                let _ = crm.load_search();
                ready.store(true, Ordering::SeqCst);
            });
        }
        let ctx = Ctx {
            teamless: teamless(&crm),
            ..Ctx::new(crm.session(), super::Theme::plain(), ratatui::layout::Rect::default())
        };
        let acting = acting(&crm);
        let prefs = crm.actor().map(|a| a.user().prefs.clone()).unwrap_or_default();
        // Birthdays in the next two weeks greet the rep as rolo starts.
        let greeting =
            screen::birthdays_soon(&crm, 14, ctx.today)?.map(|text| Message { text, error: false, at: Instant::now() });
        // What was committed before the app read anything is not news to it.
        let seen = crm.commits();
        let mut app = App {
            searcher: Searcher::new(crm.clone()),
            filter_searcher: Searcher::new(crm.clone()),
            vocabulary: Default::default(),
            filter_history: Default::default(),
            last_search: None,
            index_ready,
            crm,
            screen: ScreenId::Contacts,
            contacts: RecordList::new(Kind::Contact),
            accounts: RecordList::new(Kind::Account),
            board: Board::new(),
            leads: RecordList::new(Kind::Lead),
            products: RecordList::new(Kind::Product),
            deals: RecordList::new(Kind::Opportunity),
            calls: RecordList::new(Kind::Call),
            projects: RecordList::new(Kind::Project),
            cases: RecordList::new(Kind::Case),
            settings: Settings::new(),
            duplicates: Default::default(),
            marketing: Marketing::new(),
            mail: None,
            tasks: TaskLists::new(),
            agenda: Agenda::new(ctx.today),
            deals_listed: false,
            reports: Reports::new(),
            page: empty.then_some(Page::Welcome),
            modes: Vec::new(),
            message: greeting,
            pending: String::new(),
            indexing: true,
            arrived: false,
            quit: false,
            too_small: false,
            detail_rows: 1,
            detail_cols: 78,
            empty,
            ctx,
            local_terminal: false,
            place: crate::tui::Place::Local,
            editor: None,
            clipboard: None,
            prefs: Default::default(),
            own_keys: Vec::new(),
            last_click: None,
            acting,
            outside: outside::Outside::new(seen),
        };
        app.apply_prefs(prefs);
        Ok(app)
    }

    /// Fits the lists to a window `width`×`height`; below [`MIN_SIZE`](crate::tui::widgets::MIN_SIZE)
    /// nothing is drawn but a request for a larger window, so only quitting keys act.
    pub fn set_viewport(&mut self, width: u16, height: u16) {
        self.too_small = width < crate::tui::widgets::MIN_SIZE.0 || height < crate::tui::widgets::MIN_SIZE.1;
        self.ctx.size = ratatui::layout::Rect::new(0, 0, width, height);
        // Switcher, status bar and two borders.
        self.detail_rows = height.saturating_sub(4).max(1) as usize;
        self.detail_cols = width.saturating_sub(2) as usize;
        let (rows, cols) = (self.detail_rows, self.detail_cols);
        if let Some(d) = self.detail_mut() {
            d.fit(rows, cols);
        }
        self.tasks.height = crate::tui::widgets::task_rows(height);
        let rows = crate::tui::widgets::list_rows(height);
        self.reports.set_height(rows);
        for l in self.lists_mut() {
            l.height = rows;
            l.select(l.selected);
        }
    }

    /// Every record list, whichever screen shows it.
    fn lists_mut(&mut self) -> [&mut RecordList; 8] {
        [
            &mut self.contacts,
            &mut self.accounts,
            &mut self.leads,
            &mut self.products,
            &mut self.deals,
            &mut self.calls,
            &mut self.projects,
            &mut self.cases,
        ]
    }

    /// Reads what the next frame needs (rows on screen) and takes finished search answers.
    pub fn prepare(&mut self) {
        self.tick();
        self.take_outside_changes();
        self.indexing = !self.index_ready.load(Ordering::SeqCst);
        if let Some(answer) = self.searcher.poll() {
            self.arrived = true;
            // Read before the dialog is borrowed: whether the picker is the account picker.
            let picking = match self.overlay() {
                Some(Overlay::Picker { field, .. }) => self.form().and_then(|f| f.picker_kind(*field)),
                _ => None,
            };
            match self.overlay_mut() {
                Some(Overlay::Search(b)) => b.receive(answer),
                Some(Overlay::Picker { hits, selected, waiting, query, field, .. })
                    if *waiting == Some(answer.generation) && answer.complete =>
                {
                    *waiting = None;
                    *hits = answer.hits.unwrap_or_default();
                    // An account not there yet is made from the picker: offered after the
                    // matches, unless one has that very name.
                    let name = query.value().trim();
                    if picking == Some(Kind::Account)
                        && !name.is_empty()
                        && !hits.iter().any(|h| h.label.eq_ignore_ascii_case(name))
                    {
                        let detail = "a new account: Enter creates it".to_string();
                        let label = name.to_string();
                        hits.push(crate::search::Hit { kind: Kind::Account, id: NEW_ACCOUNT, label, detail, score: 0 });
                    }
                    *selected = (*selected).min(hits.len().saturating_sub(1));
                }
                _ => {}
            }
        }
        self.take_filter_answer();
        self.poll_mail();
        let crm = self.crm.clone();
        let ctx = self.ctx.clone();
        if let Some(list) = self.list_mut()
            && let Err(e) = list.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.on_board()
            && let Err(e) = self.board.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.on_agenda()
            && let Err(e) = self.agenda.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.on_tasks()
            && let Err(e) = self.tasks.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.screen == ScreenId::Settings
            && let Err(e) = self.settings.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.screen == ScreenId::Marketing
            && self.page.is_none()
            && let Err(e) = self.marketing.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if let Some(report) = self.import_mut().and_then(|w| w.poll()) {
            let kind = self.import().map_or(Kind::Contact, |w| w.kind);
            self.refresh_after_write();
            self.say(crate::tui::import::summary(kind, &report));
        }
        if (self.screen == ScreenId::Duplicates || self.duplicates.busy())
            && let Err(e) = self.duplicates.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.on_reports()
            && let Err(e) = self.reports.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.message.as_ref().is_some_and(|m| m.at.elapsed() > MESSAGE_TIME) {
            self.message = None;
        }
    }

    /// Waits until background work (the index load, the awaited search answer) is done, so that
    /// tests see the same frame every time.
    pub fn settle(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.busy() && Instant::now() < deadline {
            self.prepare();
            std::thread::sleep(Duration::from_millis(2));
        }
        self.prepare();
    }

    /// Whether background work whose answer changes the screen is under way: the index load, a
    /// report, the duplicates, an import, the matches a dialog or a list filter awaits, a long
    /// list's ids.
    pub fn busy(&self) -> bool {
        !self.index_ready.load(Ordering::SeqCst)
            || self.reports.busy()
            || self.duplicates.busy()
            || self.import().is_some_and(|w| w.busy())
            || self.dialog_awaits()
            || self.list().is_some_and(|l| l.awaiting.is_some() || l.is_loading())
    }

    /// Whether the screen moves on its own while work is under way (the reports' spinner, an
    /// import's progress bar), so the loop draws it a few times a second until the work is done.
    pub fn animates(&self) -> bool {
        (self.on_reports() && self.reports.busy()) || self.import().is_some_and(|w| w.busy()) || self.sending()
    }

    /// Whether the dialog on top (the search, a picker) awaits the matches of what was typed in it.
    pub(super) fn dialog_awaits(&self) -> bool {
        matches!(self.overlay(), Some(Overlay::Search(b)) if b.waiting.is_some())
            || matches!(self.overlay(), Some(Overlay::Picker { waiting: Some(_), .. }))
    }

    /// Waits (a second at most) for the matches the dialog on top awaits; false if they are
    /// still to come.
    pub(super) fn await_matches(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(1);
        while self.dialog_awaits() && Instant::now() < deadline {
            self.prepare();
            std::thread::sleep(Duration::from_millis(1));
        }
        !self.dialog_awaits()
    }

    /// The list of the current screen, if it has one.
    pub fn list(&self) -> Option<&RecordList> {
        match self.screen {
            ScreenId::Contacts => Some(&self.contacts),
            ScreenId::Accounts => Some(&self.accounts),
            ScreenId::Leads => Some(&self.leads),
            ScreenId::Products => Some(&self.products),
            ScreenId::Calls => Some(&self.calls),
            ScreenId::Projects => Some(&self.projects),
            ScreenId::Cases => Some(&self.cases),
            ScreenId::Pipeline if self.deals_listed => Some(&self.deals),
            _ => None,
        }
    }

    fn list_mut(&mut self) -> Option<&mut RecordList> {
        match self.screen {
            ScreenId::Contacts => Some(&mut self.contacts),
            ScreenId::Accounts => Some(&mut self.accounts),
            ScreenId::Leads => Some(&mut self.leads),
            ScreenId::Products => Some(&mut self.products),
            ScreenId::Calls => Some(&mut self.calls),
            ScreenId::Projects => Some(&mut self.projects),
            ScreenId::Cases => Some(&mut self.cases),
            ScreenId::Pipeline if self.deals_listed => Some(&mut self.deals),
            _ => None,
        }
    }

    /// Whether the agenda is what the user sees and drives.
    pub fn on_agenda(&self) -> bool {
        self.screen == ScreenId::Agenda && self.page.is_none()
    }

    /// Whether the Reports screen is what the user sees and drives.
    pub fn on_reports(&self) -> bool {
        self.screen == ScreenId::Reports && self.page.is_none()
    }

    /// Whether the task lists are what the user sees and drives.
    pub fn on_tasks(&self) -> bool {
        self.screen == ScreenId::Tasks && self.page.is_none()
    }

    /// Whether the pipeline board is what the user sees and drives.
    pub fn on_board(&self) -> bool {
        self.screen == ScreenId::Pipeline && !self.deals_listed && self.page.is_none()
    }

    /// Says the app runs on a local terminal: `Ctrl-X Ctrl-E` then hands a field of lines to
    /// `$EDITOR` (through [`App::take_editor_request`]) instead of saying it cannot.
    pub fn use_local_terminal(&mut self) {
        self.local_terminal = true;
    }

    /// Says where the app runs (see [`Place`](crate::tui::Place)); `Place::Local` until told.
    pub fn set_place(&mut self, place: crate::tui::Place) {
        self.place = place;
    }

    /// Where the app runs.
    pub fn place(&self) -> &crate::tui::Place {
        &self.place
    }

    /// The text of the field to edit in `$EDITOR`, when one was asked for: the loop runs the
    /// editor, then gives the text back through [`App::edited`].
    pub fn take_editor_request(&mut self) -> Option<String> {
        self.editor.take()
    }

    /// Says why `$EDITOR` gave nothing back (the field is left as it was).
    pub fn say_editor_failed(&mut self, e: &std::io::Error) {
        self.say_error(format!("$EDITOR: {e}"));
    }

    /// Puts the text `$EDITOR` left into the field it was asked for.
    pub fn edited(&mut self, text: String) {
        let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
        match self.modes.last_mut() {
            Some(Mode::Form(form)) => form.put_lines(text),
            Some(Mode::Call(call)) => call.notes = crate::tui::widgets::TextArea::new(&text),
            _ => {}
        }
    }

    /// The dialog on top, if the top layer is one.
    pub fn overlay(&self) -> Option<&Overlay> {
        match self.modes.last() {
            Some(Mode::Overlay(o)) => Some(o),
            _ => None,
        }
    }

    fn overlay_mut(&mut self) -> Option<&mut Overlay> {
        match self.modes.last_mut() {
            Some(Mode::Overlay(o)) => Some(o),
            _ => None,
        }
    }

    /// What sits over the screen, bottom first.
    pub fn modes(&self) -> &[Mode] {
        &self.modes
    }

    /// Puts `mode` on top: it takes the keys until it closes.
    fn push(&mut self, mode: Mode) {
        self.modes.push(mode);
    }

    /// Opens a dialog on top.
    fn open_overlay(&mut self, overlay: Overlay) {
        self.push(Mode::Overlay(overlay));
    }

    /// Closes the topmost layer that `is` tells.
    fn close(&mut self, is: fn(&Mode) -> bool) {
        if let Some(at) = self.modes.iter().rposition(is) {
            self.modes.remove(at);
        }
    }

    /// Takes the top layer off, when `is` tells it, while its keys are handled; [`App::put_back`]
    /// returns it under whatever the handling opened.
    fn take_top(&mut self, is: fn(&Mode) -> bool) -> Option<(usize, Mode)> {
        if !self.modes.last().is_some_and(is) {
            return None;
        }
        self.modes.pop().map(|m| (self.modes.len(), m))
    }

    /// Returns a layer taken by [`App::take_top`] to its place.
    fn put_back(&mut self, at: usize, mode: Mode) {
        self.modes.insert(at.min(self.modes.len()), mode);
    }

    /// The key tables the help puts first: those of the editor being typed in, else those in
    /// force.
    pub fn help_context(&self) -> Vec<&'static [Binding]> {
        if self.call().is_some() {
            vec![keymap::CALL]
        } else if self.quote().is_some_and(|q| q.editing.is_some()) {
            vec![keymap::QUOTE_CELL, keymap::QUOTE]
        } else if self.form().is_some() {
            vec![keymap::FORM]
        } else {
            self.context()
        }
    }

    /// The key tables in force now, most specific first.
    pub fn context(&self) -> Vec<&'static [Binding]> {
        // The editors that hold the screen answer for it, under any dialog over them.
        let holding = self.modes.iter().rev().find_map(|m| match m {
            Mode::Import(_) => Some(keymap::IMPORT),
            Mode::Quote(_) => Some(keymap::QUOTE),
            _ => None,
        });
        if let Some(table) = holding {
            vec![table]
        } else if self.welcome() {
            let welcome = if self.place.is_remote() { keymap::WELCOME_SSH } else { keymap::WELCOME };
            vec![welcome, keymap::GLOBAL]
        } else if self.screen == ScreenId::Projects || self.detail().is_some_and(|d| d.record.kind == Kind::Project) {
            let base = if self.detail().is_some() { keymap::DETAIL } else { keymap::LIST };
            vec![keymap::PROJECTS, base, keymap::GLOBAL]
        } else if let Some(d) = self.detail() {
            // A record's page: its kind's own keys first.
            let own = match d.record.kind {
                Kind::Task => keymap::TASK_PAGE,
                Kind::Lead => keymap::LEADS,
                Kind::Contact | Kind::Opportunity => keymap::CALLABLE_PAGE,
                Kind::Campaign => keymap::CAMPAIGN_PAGE,
                Kind::Case => keymap::CASES,
                _ => &[],
            };
            [own, keymap::DETAIL, keymap::GLOBAL].into_iter().filter(|t| !t.is_empty()).collect()
        } else if self.on_board() {
            vec![keymap::BOARD, keymap::GLOBAL]
        } else if let Some(screen) = self.screen_on_show() {
            let mut keys = screen.keys();
            keys.push(keymap::GLOBAL);
            keys
        } else if let Some(list) = self.list() {
            let mut keys = list.keys();
            keys.push(keymap::GLOBAL);
            keys
        } else {
            vec![keymap::GLOBAL]
        }
    }

    /// The screen on show when it is one that owns its keys, drawing and reading.
    pub(super) fn screen_on_show(&self) -> Option<&dyn Screen> {
        match self.screen {
            _ if self.page.is_some() => None,
            ScreenId::Settings => Some(&self.settings),
            ScreenId::Marketing => Some(&self.marketing),
            ScreenId::Duplicates => Some(&self.duplicates),
            ScreenId::Agenda => Some(&self.agenda),
            ScreenId::Reports => Some(&self.reports),
            ScreenId::Tasks => Some(&self.tasks),
            _ => None,
        }
    }

    fn screen_on_show_mut(&mut self) -> Option<&mut dyn Screen> {
        match self.screen {
            _ if self.page.is_some() => None,
            ScreenId::Settings => Some(&mut self.settings),
            ScreenId::Marketing => Some(&mut self.marketing),
            ScreenId::Duplicates => Some(&mut self.duplicates),
            ScreenId::Agenda => Some(&mut self.agenda),
            ScreenId::Reports => Some(&mut self.reports),
            ScreenId::Tasks => Some(&mut self.tasks),
            _ => None,
        }
    }

    /// The context of this moment: the session's clock read again.
    fn tick(&mut self) {
        self.ctx = Ctx {
            teamless: self.ctx.teamless,
            hits: self.ctx.hits.clone(),
            ..Ctx::new(self.crm.session(), self.ctx.theme, self.ctx.size)
        };
    }

    /// Runs what a screen's `update` asked for, in order; the first failure stops the rest.
    fn run(&mut self, effects: Vec<Effect>) -> Result<()> {
        for effect in effects {
            match effect {
                Effect::Write(command) => {
                    let said = command.run(&self.crm)?;
                    self.say(said);
                    self.refresh_after_write();
                }
                Effect::Open(record) => self.open(record)?,
                Effect::Follow(record) => self.follow(record, false)?,
                Effect::Overlay(overlay) => self.open_overlay(overlay),
                Effect::EditForm(kind, id) => self.push(Mode::Form(Form::open(&self.crm, kind, id)?)),
                Effect::Form(form) => self.push(Mode::Form(*form)),
                Effect::Say(text) => self.say(text),
                Effect::Refuse(text) => self.say_error(text),
                Effect::AskDelete(targets) => self.ask_delete(targets)?,
                Effect::Assign(targets) => self.ask_assign(targets)?,
                Effect::Call(about) => self.log_call(Some(about))?,
                Effect::Filter => self.open_filter(),
                Effect::NewDeal(stage) => self.push(Mode::Form(Form::new_opportunity(&self.crm, stage)?)),
                Effect::SendCampaign(id) => self.push(Mode::Form(Form::campaign_send(&self.crm, id)?)),
                Effect::Day(date) => self.show_day(date)?,
            }
        }
        Ok(())
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message { text: text.into(), error: false, at: Instant::now() });
    }

    fn say_error(&mut self, text: impl Into<String>) {
        self.message = Some(Message { text: text.into(), error: true, at: Instant::now() });
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.tick();
        // Ctrl-C quits from anywhere, typing included.
        let global = keymap::action_in(keymap::GLOBAL, &key);
        if global == Some(Action::ForceQuit) {
            self.quit = true;
            return;
        }
        if self.too_small {
            // Nothing but "make the window larger" is on screen: a key acting blindly behind it
            // would surprise. Only quitting is allowed.
            self.quit = global == Some(Action::Quit);
            return;
        }
        // The top layer takes the keys.
        match self.modes.last() {
            Some(Mode::Overlay(_)) => return self.overlay_key(key),
            Some(Mode::Call(_)) => return self.call_key(key),
            Some(Mode::Quote(q)) if q.picker.is_some() || q.editing.is_some() => return self.quote_typing(key),
            Some(Mode::Import(w)) if w.picker.is_some() => return self.import_typing(key),
            Some(Mode::Form(_)) => return self.form_key(key),
            Some(Mode::Filter(_)) => return self.filter_key(key),
            _ => {}
        }
        if self.on_reports() && self.reports.typing.is_some() {
            return self.reports.type_key(key, self.ctx.today, self.ctx.dates);
        }
        let Some(name) = keymap::key_name(&key) else { return };
        let seq = if self.pending.is_empty() { name } else { format!("{} {name}", self.pending) };
        let tables = self.context();
        match self.own_key(&tables, &seq).unwrap_or_else(|| keymap::lookup(&tables, &seq)) {
            Lookup::Action(a) => {
                self.pending.clear();
                self.act(a);
            }
            Lookup::Prefix => self.pending = seq,
            Lookup::None => self.pending.clear(),
        }
    }

    /// Types pasted text into whatever has the focus, as if typed: a line break is Enter, other
    /// control characters are dropped. Each key is cheap (query lines stop at their cap), so a
    /// long paste never holds the app.
    pub fn paste(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n");
        // A line break is one only in a field of lines: elsewhere (the search, a name) it would
        // submit, and the rest of the paste would run as keys.
        let lines = self.takes_lines();
        for c in text.chars() {
            let code = match c {
                '\n' | '\r' if lines => KeyCode::Enter,
                '\n' | '\r' | '\t' => KeyCode::Char(' '),
                c if c.is_control() => continue,
                c => KeyCode::Char(c),
            };
            self.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        }
    }

    /// Whether something typed is not saved yet (an open form, a call, a quote): what a session
    /// ended from outside (the server stopping, an idle timeout) tells the user it lost.
    pub fn unsaved(&self) -> bool {
        self.modes.iter().any(|m| match m {
            Mode::Form(form) => form.dirty,
            Mode::Call(call) => call.outcome.is_some() || !call.notes.value().is_empty(),
            Mode::Quote(quote) => quote.dirty,
            _ => false,
        })
    }

    /// Whether the focused field holds several lines (notes, descriptions).
    fn takes_lines(&self) -> bool {
        match self.modes.last() {
            Some(Mode::Call(form)) => form.focus == crate::tui::call::Slot::Notes,
            Some(Mode::Form(form)) => form.fields.get(form.focus).is_some_and(|f| f.takes_lines()),
            _ => false,
        }
    }

    /// Performs an action (from a key or the palette).
    pub fn act(&mut self, action: Action) {
        if let Err(e) = self.try_act(action) {
            self.say_error(e.to_string());
        }
    }

    /// Opens the `/` search: the last one again, its query selected and searched afresh (the
    /// records may have changed), or an empty one.
    fn reopen_search(&mut self) {
        let mut b = self.last_search.take().map(SearchBox::again).unwrap_or_default();
        if !b.query.value().trim().is_empty() {
            b.waiting = Some(self.searcher.start(b.query.value(), &[], LIMIT));
        }
        self.open_overlay(Overlay::Search(b));
    }

    /// Forgets what the lists and the open record showed, after a write.
    fn refresh_after_write(&mut self) {
        self.empty = self.crm.is_empty().unwrap_or(false);
        self.acting = acting(&self.crm);
        self.ctx.teamless = teamless(&self.crm);
        // The lists read again what the write touched (and others' commits meanwhile), no more:
        // logging a call does not read a hundred thousand contacts again. A filtered list on show
        // asks its filter again: a record the write made or brought back (an undone delete)
        // shows, one it changed away leaves.
        let changes = self.crm.all_changes_since(self.outside.written);
        self.outside.written = changes.upto;
        self.take_in_lists(&changes);
        self.settings.invalidate();
        self.marketing.invalidate();
        self.duplicates.invalidate();
        self.tasks.invalidate();
        self.agenda.invalidate();
        self.board.invalidate();
        // Answers being computed now would show the data before the write: ask again.
        self.reports.invalidate();
        self.reload_detail();
        // Others' commits until now are read with these: not news to take in again.
        self.outside.seen = self.crm.commits();
    }
}

impl App {
    /// Asks the filter of the list on show again, if it has one (after a write, or a new scope
    /// whose records the kept matches may not hold).
    fn refilter(&mut self) {
        if let Some((kind, text)) = self.list().filter(|l| l.is_filtered()).map(|l| (l.kind, l.filter.clone()))
            && let Ok(filter) = crate::crm::Filter::parse(kind, &text, &self.vocabulary, self.ctx.today)
        {
            self.filter_list(&text, Some(filter));
        }
    }
}

/// How the status bar says who acts when an admin acts as someone else: "as bob (rep) · by
/// admin ann"; `None` for the user acting as themselves.
fn acting(crm: &Crm) -> Option<String> {
    let actor = crm.actor().ok()?;
    actor.acting_for().map(|by| format!("as {} · by admin {by}", actor.who()))
}

/// Whether the acting user is in no team.
fn teamless(crm: &Crm) -> bool {
    crm.actor().is_ok_and(|a| a.user().team.is_none())
}

/// The screen that lists records of `kind`, if one does.
fn screen_of(kind: Kind) -> Option<ScreenId> {
    Some(match kind {
        Kind::Contact => ScreenId::Contacts,
        Kind::Account => ScreenId::Accounts,
        Kind::Opportunity => ScreenId::Pipeline,
        Kind::Lead => ScreenId::Leads,
        Kind::Product => ScreenId::Products,
        Kind::Project => ScreenId::Projects,
        Kind::Call => ScreenId::Calls,
        Kind::Task => ScreenId::Tasks,
        Kind::Case => ScreenId::Cases,
        _ => return None,
    })
}
