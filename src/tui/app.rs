//! The application state and what each key does to it. Every read and write goes through
//! [`Crm`], here or in [`App::prepare`]; drawing (in `view`) only reads this state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ScreenId;
use super::board::{Board, BoardFilter};
use super::call::CallForm;
use super::ctx::Ctx;
use super::detail::Detail;
use super::form::Form;
use super::keymap::{self, Action, Binding, Lookup};
use super::line::LineField;
use super::list::{Pass, RecordList};
use super::mode::{Ask, Confirm, Message, Overlay, Targets};
use super::quote::QuoteEditor;
use super::screen::{self, Agenda, Duplicates, Effect, Screen, Settings};
use super::search::{LIMIT, SearchBox, Searcher};
use super::tasks::TaskLists;
use crate::crm::{Crm, Result};
use crate::model::{Id, Kind, Lead, LeadStatus, Opportunity, RecordRef, Stage, StageOutcome, ValidationError};
use crate::text::count;

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
    /// Runs the list filters' searches, off the UI thread like the `/` search.
    filter_searcher: Searcher,
    /// The `/` search as it was last closed, reopened by `/` with its query selected.
    last_search: Option<SearchBox>,
    /// Whether the open record was opened from the `/` search, which Esc then goes back to.
    from_search: bool,
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
    /// The task lists.
    pub tasks: TaskLists,
    /// The agenda.
    pub agenda: Agenda,
    /// The calls list.
    pub calls: RecordList,
    /// The projects list.
    pub projects: RecordList,
    /// The deals as a list (the Pipeline screen's other view).
    pub deals: RecordList,
    /// Whether the Pipeline screen shows the deals as a list instead of the board.
    pub deals_listed: bool,
    /// The Reports screen (reports compute on worker threads, so a slow one never freezes it).
    pub reports: super::reports::Reports,
    /// An open record, over the list.
    pub detail: Option<Detail>,
    /// The screen a record was opened from, to go back to when it closes.
    came_from: Option<ScreenId>,
    /// An open form, over everything but overlays.
    pub form: Option<Form>,
    /// The quote editor, holding the screen while open.
    pub quote: Option<QuoteEditor>,
    /// The import wizard, while open.
    pub import: Option<super::import::ImportWizard>,
    /// The call being logged, over everything but overlays.
    pub call: Option<CallForm>,
    /// An overlay, over everything.
    pub overlay: Option<Overlay>,
    /// The first-run welcome, while shown.
    pub welcome: bool,
    /// The status-bar message.
    pub message: Option<Message>,
    /// Keys of a sequence typed so far (`g` of `g g`).
    pub pending: String,
    /// Whether the search index is still loading.
    pub indexing: bool,
    /// The filter line of the list while keys go to it.
    pub filtering: Option<LineField>,
    /// Set when the user leaves.
    pub quit: bool,
    /// The window is below the minimum size: only quitting keys act.
    too_small: bool,
    /// Lines of a record's page that fit on screen.
    detail_rows: usize,
    /// The records opened from a record's page, each with its screen: Esc goes back along it.
    /// Each step holds the page, its screen, and whether Esc from that page goes back to the
    /// search it was opened from.
    trail: Vec<(Detail, ScreenId, bool)>,
    /// The database holds no accounts, contacts, leads or deals (known since the last write).
    empty: bool,
    /// The user, the clock and the window, as of the last key or frame.
    pub(super) ctx: Ctx,
}

impl App {
    /// The app over `crm`, on the contacts screen (or the welcome, for an empty database).
    pub fn new(crm: Arc<Crm>) -> Result<App> {
        let empty = crm.is_empty()?;
        // The search index loads in the background; the switcher shows it meanwhile.
        let index_ready = Arc::new(AtomicBool::new(false));
        {
            let (crm, ready) = (crm.clone(), index_ready.clone());
            std::thread::spawn(move || {
                let _ = crm.load_search();
                ready.store(true, Ordering::SeqCst);
            });
        }
        let ctx = Ctx::new(crm.session(), super::Theme::plain(), ratatui::layout::Rect::default());
        // Birthdays in the next two weeks greet the rep as rolo starts.
        let greeting =
            screen::birthdays_soon(&crm, 14, ctx.today)?.map(|text| Message { text, error: false, at: Instant::now() });
        Ok(App {
            searcher: Searcher::new(crm.clone()),
            filter_searcher: Searcher::new(crm.clone()),
            last_search: None,
            from_search: false,
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
            settings: Settings::new(),
            duplicates: Default::default(),
            tasks: TaskLists::new(),
            agenda: Agenda::new(ctx.today),
            deals_listed: false,
            reports: super::reports::Reports::new(),
            detail: None,
            came_from: None,
            form: None,
            quote: None,
            import: None,
            call: None,
            overlay: None,
            welcome: empty,
            message: greeting,
            pending: String::new(),
            indexing: true,
            filtering: None,
            quit: false,
            too_small: false,
            detail_rows: 1,
            trail: Vec::new(),
            empty,
            ctx,
        })
    }

    /// Fits the lists to a window `width`×`height`; below [`MIN_SIZE`](super::widgets::MIN_SIZE)
    /// nothing is drawn but a request for a larger window, so only quitting keys act.
    pub fn set_viewport(&mut self, width: u16, height: u16) {
        self.too_small = width < super::widgets::MIN_SIZE.0 || height < super::widgets::MIN_SIZE.1;
        self.ctx.size = ratatui::layout::Rect::new(0, 0, width, height);
        // Switcher, status bar and two borders.
        self.detail_rows = height.saturating_sub(4).max(1) as usize;
        if let Some(d) = &mut self.detail {
            d.height = self.detail_rows;
            d.follow();
        }
        self.tasks.height = super::widgets::task_rows(height);
        let rows = super::widgets::list_rows(height);
        self.reports.set_height(rows);
        for l in self.lists_mut() {
            l.height = rows;
            l.select(l.selected);
        }
    }

    /// Every record list, whichever screen shows it.
    fn lists_mut(&mut self) -> [&mut RecordList; 7] {
        [
            &mut self.contacts,
            &mut self.accounts,
            &mut self.leads,
            &mut self.products,
            &mut self.deals,
            &mut self.calls,
            &mut self.projects,
        ]
    }

    /// Reads what the next frame needs (rows on screen) and takes finished search answers.
    pub fn prepare(&mut self) {
        self.tick();
        self.indexing = !self.index_ready.load(Ordering::SeqCst);
        if let Some(answer) = self.searcher.poll() {
            match &mut self.overlay {
                Some(Overlay::Search(b)) => b.receive(answer),
                Some(Overlay::Picker { hits, selected, waiting, query, field, .. })
                    if *waiting == Some(answer.generation) && answer.complete =>
                {
                    *waiting = None;
                    *hits = answer.hits.unwrap_or_default();
                    // An account not there yet is made from the picker: offered after the
                    // matches, unless one has that very name.
                    let name = query.value().trim();
                    let accounts = self.form.as_ref().and_then(|f| f.picker_kind(*field)) == Some(Kind::Account);
                    if accounts && !name.is_empty() && !hits.iter().any(|h| h.label.eq_ignore_ascii_case(name)) {
                        let detail = "a new account: Enter creates it".to_string();
                        let label = name.to_string();
                        hits.push(crate::search::Hit { kind: Kind::Account, id: NEW_ACCOUNT, label, detail, score: 0 });
                    }
                    *selected = (*selected).min(hits.len().saturating_sub(1));
                }
                _ => {}
            }
        }
        if let Some(answer) = self.filter_searcher.poll().filter(|a| a.complete) {
            let list = self.lists_mut().into_iter().find(|l| l.awaiting == Some(answer.generation));
            let failed = list.and_then(|list| {
                list.awaiting = None;
                let hits = match answer.hits {
                    Ok(hits) => hits,
                    Err(e) => return Some(e),
                };
                let capped = answer.full;
                let ids = hits.into_iter().map(|h| h.id).collect();
                let text = list.filter.clone();
                list.set_filter(&text, Some(Pass::Ranked { ids, capped }));
                None
            });
            if let Some(e) = failed {
                self.say_error(e);
            }
        }
        let crm = self.crm.clone();
        if let Some(list) = self.list_mut()
            && let Err(e) = list.prepare(&crm)
        {
            self.say_error(e.to_string());
        }
        if self.on_board()
            && let Err(e) = self.board.prepare(&crm)
        {
            self.say_error(e.to_string());
        }
        let ctx = self.ctx.clone();
        if self.on_agenda()
            && let Err(e) = self.agenda.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.on_tasks()
            && let Err(e) = self.tasks.prepare(&crm)
        {
            self.say_error(e.to_string());
        }
        if self.screen == ScreenId::Settings
            && let Err(e) = self.settings.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if let Some(report) = self.import.as_mut().and_then(|w| w.poll()) {
            let kind = self.import.as_ref().map_or(Kind::Contact, |w| w.kind);
            self.refresh_after_write();
            self.say(super::import::summary(kind, &report));
        }
        if (self.screen == ScreenId::Duplicates || self.duplicates.busy())
            && let Err(e) = self.duplicates.prepare(&crm, &ctx)
        {
            self.say_error(e);
        }
        if self.on_reports()
            && let Err(e) = self.reports.prepare(&crm, ctx.today)
        {
            self.say_error(e.to_string());
        }
        if self.message.as_ref().is_some_and(|m| m.at.elapsed() > MESSAGE_TIME) {
            self.message = None;
        }
    }

    /// Waits until background work (the index load, the awaited search answer) is done, so that
    /// tests see the same frame every time.
    pub fn settle(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let busy = |app: &App| {
            !app.index_ready.load(Ordering::SeqCst)
                || app.reports.busy()
                || app.duplicates.busy()
                || app.import.as_ref().is_some_and(|w| w.busy())
                || matches!(&app.overlay, Some(Overlay::Search(b)) if b.waiting.is_some())
                || app.list().is_some_and(|l| l.awaiting.is_some())
                || matches!(&app.overlay, Some(Overlay::Picker { waiting: Some(_), .. }))
        };
        while busy(self) && Instant::now() < deadline {
            self.prepare();
            std::thread::sleep(Duration::from_millis(2));
        }
        self.prepare();
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
            ScreenId::Pipeline if self.deals_listed => Some(&mut self.deals),
            _ => None,
        }
    }

    /// Whether the agenda is what the user sees and drives.
    pub fn on_agenda(&self) -> bool {
        self.screen == ScreenId::Agenda && self.detail.is_none() && !self.welcome
    }

    /// Whether the Reports screen is what the user sees and drives.
    pub fn on_reports(&self) -> bool {
        self.screen == ScreenId::Reports && self.detail.is_none() && !self.welcome
    }

    /// Whether the task lists are what the user sees and drives.
    pub fn on_tasks(&self) -> bool {
        self.screen == ScreenId::Tasks && self.detail.is_none() && !self.welcome
    }

    /// Whether the pipeline board is what the user sees and drives.
    pub fn on_board(&self) -> bool {
        self.screen == ScreenId::Pipeline && !self.deals_listed && self.detail.is_none() && !self.welcome
    }

    /// The key tables in force now, most specific first.
    pub fn context(&self) -> Vec<&'static [Binding]> {
        if self.import.is_some() {
            vec![keymap::IMPORT]
        } else if self.quote.is_some() {
            vec![keymap::QUOTE]
        } else if self.welcome {
            vec![keymap::WELCOME, keymap::GLOBAL]
        } else if self.screen == ScreenId::Projects
            || self.detail.as_ref().is_some_and(|d| d.record.kind == Kind::Project)
        {
            let base = if self.detail.is_some() { keymap::DETAIL } else { keymap::LIST };
            vec![keymap::PROJECTS, base, keymap::GLOBAL]
        } else if let Some(d) = &self.detail {
            // A record's page: its kind's own keys first.
            let own = match d.record.kind {
                Kind::Task => keymap::TASK_PAGE,
                Kind::Lead => keymap::LEADS,
                Kind::Contact | Kind::Opportunity => keymap::CALLABLE_PAGE,
                _ => &[],
            };
            [own, keymap::DETAIL, keymap::GLOBAL].into_iter().filter(|t| !t.is_empty()).collect()
        } else if self.on_board() {
            vec![keymap::BOARD, keymap::GLOBAL]
        } else if self.screen == ScreenId::Reports && self.detail.is_none() {
            vec![keymap::REPORTS, keymap::GLOBAL]
        } else if let Some(screen) = self.screen_on_show() {
            let mut keys = screen.keys();
            keys.push(keymap::GLOBAL);
            keys
        } else if self.on_tasks() {
            vec![keymap::TASKS, keymap::GLOBAL]
        } else if self.screen == ScreenId::Pipeline {
            vec![keymap::DEALS, keymap::LIST, keymap::GLOBAL]
        } else if self.screen == ScreenId::Leads {
            vec![keymap::LEADS, keymap::LIST, keymap::GLOBAL]
        } else if self.list().is_some() {
            vec![keymap::LIST, keymap::GLOBAL]
        } else {
            vec![keymap::GLOBAL]
        }
    }

    /// The screen on show when it is one that owns its keys, drawing and reading.
    pub(super) fn screen_on_show(&self) -> Option<&dyn Screen> {
        match self.screen {
            _ if self.detail.is_some() || self.welcome => None,
            ScreenId::Settings => Some(&self.settings),
            ScreenId::Duplicates => Some(&self.duplicates),
            ScreenId::Agenda => Some(&self.agenda),
            _ => None,
        }
    }

    fn screen_on_show_mut(&mut self) -> Option<&mut dyn Screen> {
        match self.screen {
            _ if self.detail.is_some() || self.welcome => None,
            ScreenId::Settings => Some(&mut self.settings),
            ScreenId::Duplicates => Some(&mut self.duplicates),
            ScreenId::Agenda => Some(&mut self.agenda),
            _ => None,
        }
    }

    /// The context of this moment: the session's clock read again.
    fn tick(&mut self) {
        self.ctx = Ctx::new(self.crm.session(), self.ctx.theme, self.ctx.size);
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
                Effect::Overlay(overlay) => self.overlay = Some(overlay),
                Effect::EditForm(kind, id) => self.form = Some(Form::open(&self.crm, kind, id)?),
                Effect::Form(form) => self.form = Some(*form),
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
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        if self.too_small {
            // Nothing but "make the window larger" is on screen: a key acting blindly behind it
            // would surprise. Only quitting is allowed.
            if key.code == KeyCode::Char('q') && key.modifiers.is_empty() {
                self.quit = true;
            }
            return;
        }
        if self.overlay.is_some() {
            return self.overlay_key(key);
        }
        if self.call.is_some() {
            return self.call_key(key);
        }
        if self.quote.as_ref().is_some_and(|q| q.picker.is_some() || q.editing.is_some()) {
            return self.quote_typing(key);
        }
        if self.import.as_ref().is_some_and(|w| w.picker.is_some()) {
            return self.import_typing(key);
        }
        if self.form.is_some() {
            return self.form_key(key);
        }
        if self.filtering.is_some() {
            return self.filter_key(key);
        }
        if self.on_reports() && self.reports.typing.is_some() {
            return self.reports.type_key(key, self.ctx.today);
        }
        let Some(name) = keymap::key_name(&key) else { return };
        let seq = if self.pending.is_empty() { name } else { format!("{} {name}", self.pending) };
        match keymap::lookup(&self.context(), &seq) {
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
        for c in text.chars() {
            let code = match c {
                '\n' | '\r' => KeyCode::Enter,
                c if c.is_control() => continue,
                c => KeyCode::Char(c),
            };
            self.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        }
    }

    /// Performs an action (from a key or the palette).
    pub fn act(&mut self, action: Action) {
        if let Err(e) = self.try_act(action) {
            self.say_error(e.to_string());
        }
    }

    fn try_act(&mut self, action: Action) -> Result<()> {
        if let Some(w) = &mut self.import {
            match action {
                Action::Up => w.move_by(-1),
                Action::Down => w.move_by(1),
                Action::Top => w.move_by(isize::MIN / 2),
                Action::Bottom => w.move_by(isize::MAX / 2),
                Action::PageUp => w.scroll_by(-5),
                Action::PageDown => w.scroll_by(5),
                Action::ChooseField => w.pick(),
                Action::ImportKind if !w.busy() => w.next_kind(),
                Action::ImportPolicy if !w.busy() => w.next_policy(),
                Action::CheckImport => w.run(&self.crm),
                Action::Back if w.busy() => self.say("the import runs to its end; it writes all or nothing"),
                Action::Back => {
                    let done = matches!(w.step, super::import::Step::Done(_));
                    let kind = w.kind;
                    self.import = None;
                    if done && let Some(screen) = screen_of(kind) {
                        self.welcome = false;
                        self.screen = screen;
                    }
                }
                Action::Help => self.overlay = Some(Overlay::Help(0)),
                Action::ForceQuit => self.quit = true,
                _ => {}
            }
            return Ok(());
        }
        if let Some(q) = &mut self.quote {
            match action {
                Action::Up => q.move_by(-1),
                Action::Down => q.move_by(1),
                Action::AddLine => q.pick(&self.crm)?,
                Action::EditLine => q.edit()?,
                Action::RemoveLine => q.remove()?,
                Action::QuoteStatus => q.next_status(),
                Action::Save => {
                    let accepted = q.save(&self.crm)?;
                    let (number, total) = (q.quote.number.clone(), q.quote.totals().map(|t| t.total));
                    let (currency, total) = (q.quote.currency, crate::model::Amount::grouped_sum(total));
                    let deal = if accepted {
                        format!("; accepted: the deal's amount is now {total} {currency}")
                    } else {
                        String::new()
                    };
                    self.say(format!("saved {number}: total {total} {currency}{deal}"));
                    self.refresh_after_write();
                }
                Action::Back if q.dirty => self.overlay = Some(Overlay::Confirm(Confirm::DiscardQuote)),
                Action::Back => self.quote = None,
                Action::Help => self.overlay = Some(Overlay::Help(0)),
                Action::Palette => self.overlay = Some(Overlay::Palette { query: LineField::default(), selected: 0 }),
                Action::ForceQuit => self.quit = true,
                _ => {}
            }
            return Ok(());
        }
        if self.on_reports()
            && let Some(done) = self.reports.act(action, self.ctx.today)
        {
            match done {
                super::reports::Done::Open(r) => self.open(r)?,
                super::reports::Done::Say(text) => self.say(text),
                super::reports::Done::Nothing => {}
            }
            return Ok(());
        }
        // The screens that own their keys answer all but the app's own (leaving, help, search,
        // the palette, switching screens, undo, import).
        let app_wide = matches!(
            action,
            Action::Quit
                | Action::ForceQuit
                | Action::Help
                | Action::Search
                | Action::Palette
                | Action::Goto(_)
                | Action::Back
                | Action::Undo
                | Action::Import
        );
        let ctx = self.ctx.clone();
        if !app_wide && let Some(screen) = self.screen_on_show_mut() {
            let effects = screen.update(action, &ctx);
            return self.run(effects);
        }
        let half = self.list().map_or(10, |l| l.height.max(2) / 2) as isize;
        let page = self.list().map_or(20, |l| l.height.max(1)) as isize;
        match action {
            // `q` leaves rolo from the top level; inside a record it backs out, like Esc.
            Action::Quit if self.detail.is_some() => self.close_detail(),
            Action::Open if self.detail.is_some() => {
                let here = self.screen;
                if let Some(d) = self.detail.clone()
                    && let Some(target) = d.linked()
                {
                    self.open(target)?;
                    self.trail.push((d, here, std::mem::take(&mut self.from_search)));
                }
            }
            Action::Quit | Action::ForceQuit => self.quit = true,
            Action::Help => self.overlay = Some(Overlay::Help(0)),
            Action::Search => self.reopen_search(),
            Action::Palette => self.overlay = Some(Overlay::Palette { query: LineField::default(), selected: 0 }),
            Action::Goto(s) => {
                self.welcome = false;
                self.detail = None;
                self.came_from = None;
                self.from_search = false;
                self.screen = s;
            }
            Action::Back if self.detail.is_some() => self.close_detail(),
            Action::Back => {
                self.welcome = false;
                // Esc first lets go of marks, then of the filter.
                if let Some(l) = self.list_mut().filter(|l| !l.marked.is_empty()) {
                    let n = l.marked.len();
                    l.marked.clear();
                    self.say(format!("{} unmarked", count(n, "row", "rows")));
                } else if let Some(l) = self.list_mut().filter(|l| l.is_filtered() || l.awaiting.is_some()) {
                    l.awaiting = None;
                    l.set_filter("", None);
                }
                if self.on_tasks() && !self.tasks.scope.is_empty() {
                    self.tasks.set_scope(super::tasks::TaskScope::default());
                    self.say("task filter cleared");
                }
                if self.on_board() && !self.board.filter.is_empty() {
                    self.board.set_filter(BoardFilter::default());
                    self.say("board filter cleared");
                }
            }
            Action::Filter if self.screen == ScreenId::Calls && self.detail.is_none() => {
                self.overlay = Some(Overlay::ask(Ask::CallFilter, self.calls.filter.clone()));
            }
            Action::Filter if self.on_tasks() => {
                self.overlay = Some(Overlay::ask(Ask::TaskScope, self.tasks.scope.text()));
            }
            Action::Filter if self.on_board() => {
                self.overlay = Some(Overlay::ask(Ask::BoardFilter, self.board.filter.text()));
            }
            Action::Filter => {
                if let Some(list) = self.list() {
                    self.filtering = Some(LineField::new(list.filter.clone()));
                }
            }
            Action::Up | Action::Down | Action::Top | Action::Bottom if self.on_tasks() => {
                self.tasks.move_by(screen::step(action).unwrap_or(0));
            }
            Action::CloseProject => {
                if let Some(r) = self.current().filter(|r| r.kind == Kind::Project) {
                    let p: crate::model::Project = self.crm.get(r.id)?;
                    let r2 = self.crm.reader()?;
                    let ids = crate::store::Read::linking(&r2, r, Kind::Task)?;
                    let open = crate::store::Read::many::<crate::model::Task>(&r2, &ids)?
                        .iter()
                        .filter(|t| t.is_open())
                        .count();
                    self.overlay = Some(Overlay::ask(Ask::GoalMet(r.id, p.name, open), ""));
                }
            }
            Action::NextSection | Action::PrevSection => self.tasks.next_section(action == Action::PrevSection),
            Action::AddTask => {
                let about = if self.on_tasks() { None } else { self.current() };
                let about = about.map(|r| Targets::named(&self.crm, vec![r]));
                self.overlay = Some(Overlay::ask(Ask::QuickTask(about), ""));
            }
            Action::Complete | Action::Reopen => {
                if let Some(id) = self.current().filter(|r| r.kind == Kind::Task).map(|r| r.id) {
                    self.run(vec![Effect::Write(screen::set_task_done(id, action == Action::Complete))])?;
                }
            }
            Action::Snooze => {
                if let Some(id) = self.current().filter(|r| r.kind == Kind::Task).map(|r| r.id) {
                    let mut t: crate::model::Task = self.crm.get(id)?;
                    let today = self.ctx.today;
                    t.due = Some(t.due.filter(|d| *d > today).unwrap_or(today).add_days(1));
                    let t = self.crm.update(t)?;
                    self.say(format!("{}: due {}", t.title, t.due.map(|d| d.to_string()).unwrap_or_default()));
                    self.refresh_after_write();
                }
            }
            Action::SnoozeAsk => {
                if let Some(id) = self.current().filter(|r| r.kind == Kind::Task).map(|r| r.id) {
                    let title = self.crm.label(RecordRef::new(Kind::Task, id));
                    self.overlay = Some(Overlay::ask(Ask::SnoozeUntil(id, title), ""));
                }
            }
            Action::Open if self.on_tasks() && self.tasks.section == super::tasks::DUE => {
                if let Some(r) = self.current() {
                    self.open(r)?;
                }
            }
            Action::Open if self.on_tasks() => {
                if let Some(t) = self.tasks.selected_task() {
                    match t.about() {
                        Some(r) => self.open(r)?,
                        None => self.open(RecordRef::new(Kind::Task, t.id))?,
                    }
                }
            }
            Action::New if self.on_tasks() => {
                self.overlay = Some(Overlay::ask(Ask::QuickTask(None), ""));
            }
            Action::Up | Action::Down | Action::Top | Action::Bottom if self.on_board() => {
                self.board.move_card(screen::step(action).unwrap_or(0));
            }
            Action::Left | Action::Right => self.board.move_col(if action == Action::Left { -1 } else { 1 }),
            Action::MoveLeft | Action::MoveRight => self.move_deal(if action == Action::MoveLeft { -1 } else { 1 })?,
            Action::Won => {
                if let Some(card) = self.board.selected() {
                    let o = self.crm.close_opportunity(card.id, StageOutcome::Won, None)?;
                    self.say(format!("{} won: {} {}", o.name, o.amount.grouped(), o.currency));
                    self.board.moved(&o);
                }
            }
            Action::Lost => {
                if let Some(card) = self.board.selected() {
                    self.overlay = Some(Overlay::ask(Ask::LostReason(card.id, None, card.name.clone()), ""));
                }
            }
            Action::Status => {
                let targets: Vec<Id> = self.targets().iter().filter(|t| t.kind == Kind::Lead).map(|t| t.id).collect();
                if !targets.is_empty() {
                    let changed = self.crm.write(|tx| {
                        let mut last = None;
                        for id in &targets {
                            let mut l: Lead = tx.get(*id)?;
                            if l.converted.is_some() {
                                return Err(crate::crm::CrmError::Conflict(format!(
                                    "the lead {} was converted: its status stays converted",
                                    l.full_name()
                                )));
                            }
                            l.status = next_status(l.status);
                            last = Some(tx.update(l, None)?);
                        }
                        Ok(last)
                    })?;
                    if let Some(l) = changed {
                        let who = if targets.len() == 1 { l.full_name() } else { format!("{} leads", targets.len()) };
                        self.say(format!("{who}: {}", l.status));
                    }
                    self.refresh_after_write();
                }
            }
            // Keys of other contexts (the quote editor, the screens that own their keys, the
            // import wizard) do nothing here.
            Action::AddLine
            | Action::EditLine
            | Action::RemoveLine
            | Action::QuoteStatus
            | Action::Save
            | Action::Merge
            | Action::Swap
            | Action::StageUp
            | Action::StageDown
            | Action::DayView
            | Action::WeekView
            | Action::Earlier
            | Action::Later
            | Action::Today
            | Action::ChooseField
            | Action::CheckImport
            | Action::ImportKind
            | Action::ImportPolicy
            | Action::Text(_) => {}
            Action::Call => {
                let contact = match self.current() {
                    Some(r) if r.kind == Kind::Contact => Some(r.id),
                    Some(r) if r.kind == Kind::Opportunity => self.crm.get::<Opportunity>(r.id)?.contact,
                    Some(r) if r.kind == Kind::Call => Some(self.crm.get::<crate::model::Call>(r.id)?.contact),
                    Some(r) if r.kind == Kind::Task => self.crm.get::<crate::model::Task>(r.id)?.contact,
                    _ => None,
                };
                match contact {
                    Some(id) => self.call = Some(CallForm::open(&self.crm, id)?),
                    None => {
                        self.say_error("calls are with people: select a contact (or a deal with one), then press c")
                    }
                }
            }
            Action::Quote => {
                if let Some(r) = self.current().filter(|r| r.kind == Kind::Opportunity) {
                    self.quote = Some(QuoteEditor::open(&self.crm, r.id)?);
                } else {
                    self.say_error("quotes belong to deals: open one on the Pipeline screen, then press Q");
                }
            }
            Action::Convert => {
                if let Some(r) = self.current().filter(|r| r.kind == Kind::Lead) {
                    self.form = Some(Form::convert(&self.crm, r.id)?);
                }
            }
            // Report keys do nothing off the Reports screen.
            Action::NextPeriod | Action::CustomPeriod | Action::ChartTable | Action::NextMeasure | Action::NextView => {
            }
            Action::View => self.deals_listed = !self.deals_listed,
            Action::Fold => {
                self.board.toggle_fold();
                self.say(if self.board.folded { "won and lost stages folded" } else { "won and lost stages shown" });
            }
            Action::Open if self.on_board() => {
                if let Some(card) = self.board.selected() {
                    self.open(RecordRef::new(Kind::Opportunity, card.id))?;
                }
            }
            Action::New if self.on_board() => {
                let stage = self.board.stage().map(|s| s.name.clone());
                self.form = Some(Form::new_opportunity(&self.crm, stage)?);
            }
            Action::Undo => {
                let undone = self.crm.undo()?;
                self.refresh_after_write();
                self.say(format!("Undone: {}", undone.summary));
            }
            Action::LoadDemo => {
                let size = crate::demo::DemoSize::for_contacts(200);
                let added = crate::demo::fill(&self.crm, &size, 1, false)?;
                self.welcome = false;
                self.refresh_after_write();
                self.say(format!("demo data loaded: {} contacts, {} accounts", added.contacts, added.accounts));
            }
            Action::Import => self.overlay = Some(Overlay::ask(Ask::ImportFile, "")),
            Action::StartEmpty => {
                self.welcome = false;
                self.say("an empty database: press n to add a contact");
            }
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::HalfUp
            | Action::HalfDown
            | Action::PageUp
            | Action::PageDown
                if self.detail.is_some() =>
            {
                if let Some(d) = &mut self.detail {
                    d.move_by(match action {
                        Action::Up => -1,
                        Action::Down => 1,
                        Action::HalfUp => -half,
                        Action::HalfDown => half,
                        Action::PageUp => -page,
                        Action::PageDown => page,
                        Action::Top => isize::MIN / 2,
                        _ => isize::MAX / 2,
                    });
                }
            }
            Action::Up => self.move_list(-1),
            Action::Down => self.move_list(1),
            Action::HalfUp => self.move_list(-half),
            Action::HalfDown => self.move_list(half),
            Action::PageUp => self.move_list(-page),
            Action::PageDown => self.move_list(page),
            Action::Top => self.move_list(isize::MIN / 2),
            Action::Bottom => self.move_list(isize::MAX / 2),
            Action::Open => {
                if let Some(l) = self.list()
                    && let Some(id) = l.selected_id()
                {
                    let r = RecordRef::new(l.kind, id);
                    self.open(r)?;
                }
            }
            Action::Mark => {
                if let Some(l) = self.list_mut() {
                    l.toggle_mark();
                    l.move_by(1);
                }
            }
            Action::MarkRange => {
                if let Some(l) = self.list_mut() {
                    l.mark_range();
                }
            }
            Action::Sort | Action::SortReverse if self.list().is_some_and(|l| l.is_filtered() && !l.is_pinned()) => {
                self.say_error("a filtered list shows the best matches first: Esc clears the filter, then o orders");
            }
            Action::Sort => {
                if let Some(l) = self.list_mut() {
                    l.next_order();
                }
            }
            Action::SortReverse => {
                if let Some(l) = self.list_mut() {
                    l.reverse();
                }
            }
            Action::New => match self.list().map(|l| l.kind) {
                Some(Kind::Opportunity) => self.form = Some(Form::new_opportunity(&self.crm, None)?),
                Some(Kind::Call) => {
                    self.say_error("calls are logged with a person: c on a contact, or Ctrl-L in / search")
                }
                Some(kind) => self.form = Some(Form::open(&self.crm, kind, None)?),
                None => {}
            },
            Action::Edit => {
                if let Some(r) = self.current() {
                    if matches!(
                        r.kind,
                        Kind::Contact
                            | Kind::Account
                            | Kind::Opportunity
                            | Kind::Lead
                            | Kind::Product
                            | Kind::Task
                            | Kind::Project
                    ) {
                        self.form = Some(Form::open(&self.crm, r.kind, Some(r.id))?);
                    } else {
                        self.say_error(format!("{} records are edited with rolo {} edit for now", r.kind, r.kind));
                    }
                }
            }
            Action::Delete => {
                let targets = self.targets();
                if !targets.is_empty() {
                    self.overlay = Some(Overlay::Confirm(Confirm::Delete(Targets::named(&self.crm, targets))));
                }
            }
            Action::Note => {
                if let Some(d) = &self.detail
                    && matches!(d.record.kind, Kind::Account | Kind::Contact | Kind::Lead | Kind::Opportunity)
                {
                    self.overlay = Some(Overlay::ask(Ask::Note(Targets::named(&self.crm, vec![d.record])), ""));
                }
            }
            Action::Tag | Action::Owner | Action::AddToList => {
                let targets = self.targets();
                if action == Action::AddToList && targets.iter().any(|t| t.kind != Kind::Contact) {
                    self.say_error("only contacts go on lists: mark contacts, then press +");
                } else if !targets.is_empty() {
                    let targets = Targets::named(&self.crm, targets);
                    let ask = match action {
                        Action::Tag => Ask::Tag(targets),
                        Action::Owner => Ask::Owner(targets),
                        _ => Ask::List(targets),
                    };
                    self.overlay = Some(Overlay::ask(ask, ""));
                }
            }
        }
        Ok(())
    }

    /// Moves the selected deal one stage left or right (asking why when it lands in a lost
    /// stage); the probability follows the stage unless set by hand.
    fn move_deal(&mut self, delta: isize) -> Result<()> {
        let Some(card) = self.board.selected().cloned() else { return Ok(()) };
        let target = usize::try_from(self.board.col as isize + delta).ok().and_then(|i| self.board.columns.get(i));
        let Some(stage) = target.map(|c| c.stage.clone()) else {
            self.say_error(if delta < 0 { "this is the first stage" } else { "this is the last stage" });
            return Ok(());
        };
        if stage.outcome == StageOutcome::Lost {
            self.overlay = Some(Overlay::ask(Ask::LostReason(card.id, Some(stage.id), card.name.clone()), ""));
            return Ok(());
        }
        let open_now = self.board.columns.get(self.board.col).is_some_and(|c| c.stage.outcome == StageOutcome::Open);
        let question = match (open_now, stage.outcome) {
            (true, StageOutcome::Won) => Some(format!("Mark {} won?", card.name)),
            (false, StageOutcome::Open) => Some(format!("Open {} again, in {}?", card.name, stage.name)),
            (false, _) => Some(format!("Move {} to {}?", card.name, stage.name)),
            _ => None,
        };
        match question {
            Some(question) => self.overlay = Some(Overlay::Confirm(Confirm::MoveDeal { id: card.id, stage, question })),
            None => self.put_deal(card.id, &stage)?,
        }
        Ok(())
    }

    /// Moves deal `id` into `stage`, saved at once, and repositions its card.
    fn put_deal(&mut self, id: Id, stage: &Stage) -> Result<()> {
        let mut o: Opportunity = self.crm.get(id)?;
        o.stage = stage.id;
        let o = self.crm.update_opportunity(o)?;
        self.say(format!("{} → {} ({}%)", o.name, stage.name, o.probability));
        self.board.moved(&o);
        Ok(())
    }

    /// The ids of the calls a filter line lets through (every call is read).
    fn calls_matching(&self, text: &str) -> Result<std::collections::HashSet<Id>> {
        let bad = |m: String| ValidationError::new("filter", m);
        let today = self.ctx.today;
        let (mut outcome, mut account, mut country, mut from, mut to) = (None, None, None, None, None);
        for word in text.split_whitespace() {
            let (k, v) =
                word.split_once(':').ok_or_else(|| bad(format!("'{word}': write key:value, e.g. outcome:busy")))?;
            match k {
                "outcome" => outcome = Some(v.parse::<crate::model::CallOutcome>()?),
                "account" => account = Some(v.to_lowercase()),
                "country" => country = Some(v.to_lowercase()),
                "from" => from = Some(crate::model::Date::parse_relative(v, today).map_err(bad)?),
                "to" => to = Some(crate::model::Date::parse_relative(v, today).map_err(bad)?),
                other => {
                    let m = format!("'{other}' is not a call filter: use outcome, account, country, from or to");
                    return Err(bad(m).into());
                }
            }
        }
        let r = self.crm.reader()?;
        let mut people: std::collections::HashMap<Id, (String, String)> = std::collections::HashMap::new();
        let mut pass = std::collections::HashSet::new();
        for call in self.crm.calls(None, from)? {
            if outcome.is_some_and(|o| o != call.outcome) || to.is_some_and(|t| call.started_at.local_date() > t) {
                continue;
            }
            if account.is_some() || country.is_some() {
                let (acct, ctry) = match people.get(&call.contact) {
                    Some(v) => v.clone(),
                    None => {
                        let c = crate::store::Read::get::<crate::model::Contact>(&r, call.contact)?;
                        let acct = match c.as_ref().and_then(|c| c.account) {
                            Some(a) => crate::store::Read::get::<crate::model::Account>(&r, a)?
                                .map(|a| a.name)
                                .unwrap_or_default(),
                            None => String::new(),
                        };
                        let ctry = c.as_ref().and_then(|c| c.country()).unwrap_or_default().to_string();
                        people.insert(call.contact, (acct.to_lowercase(), ctry.to_lowercase()));
                        (acct.to_lowercase(), ctry.to_lowercase())
                    }
                };
                if account.as_ref().is_some_and(|a| !acct.contains(a))
                    || country.as_ref().is_some_and(|c| !ctry.contains(c))
                {
                    continue;
                }
            }
            pass.insert(call.id);
        }
        Ok(pass)
    }

    /// What an action applies to: the open record, else the marked rows, else the selected one.
    fn targets(&self) -> Vec<RecordRef> {
        if self.on_board() || self.on_tasks() {
            return self.current().into_iter().collect();
        }
        match (&self.detail, self.list()) {
            (Some(d), _) => vec![d.record],
            (None, Some(l)) if !l.marked.is_empty() => l.marked.iter().map(|&id| RecordRef::new(l.kind, id)).collect(),
            (None, Some(l)) => l.selected_id().map(|id| RecordRef::new(l.kind, id)).into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The record the user is looking at: the open one, or the selected row or card.
    fn current(&self) -> Option<RecordRef> {
        if self.on_board() {
            return self.board.selected().map(|c| RecordRef::new(Kind::Opportunity, c.id));
        }
        if self.on_tasks() {
            return self.tasks.selected_ref();
        }
        match (&self.detail, self.list()) {
            (Some(d), _) => Some(d.record),
            (None, Some(l)) => l.selected_id().map(|id| RecordRef::new(l.kind, id)),
            _ => None,
        }
    }

    fn move_list(&mut self, delta: isize) {
        if let Some(l) = self.list_mut() {
            l.move_by(delta);
        }
    }

    /// Opens a record's detail view (switching to its screen when it has one).
    pub fn open(&mut self, record: RecordRef) -> Result<()> {
        let mut detail = Detail::load(&self.crm, record)?;
        detail.height = self.detail_rows;
        if self.detail.is_none() {
            self.trail.clear();
            if !self.welcome {
                self.came_from = Some(self.screen);
            }
        }
        if let Some(screen) = screen_of(record.kind) {
            self.screen = screen;
        }
        self.welcome = false;
        self.detail = Some(detail);
        Ok(())
    }

    /// Closes the open record, back to the screen it was opened from, and to the search results
    /// when it was opened from them.
    fn close_detail(&mut self) {
        // A record opened from the search goes back to its results, over the page (or list) the
        // search was started from.
        let to_search = std::mem::take(&mut self.from_search);
        // Back to the record this one was opened from, read again (the way may have changed it;
        // one deleted meanwhile is passed over).
        let mut back = false;
        while let Some((was, screen, from_search)) = self.trail.pop() {
            if let Ok(mut d) = Detail::load(&self.crm, was.record) {
                (d.cursor, d.scroll, d.height) = (was.cursor, was.scroll, self.detail_rows);
                d.follow();
                self.detail = Some(d);
                self.screen = screen;
                self.from_search = from_search;
                back = true;
                break;
            }
        }
        if !back {
            self.detail = None;
            if let Some(s) = self.came_from.take() {
                self.screen = s;
            }
        }
        if to_search {
            self.reopen_search();
        }
    }

    /// Opens the `/` search: the last one again, its query selected and searched afresh (the
    /// records may have changed), or an empty one.
    fn reopen_search(&mut self) {
        let mut b = self.last_search.take().map(SearchBox::again).unwrap_or_default();
        if !b.query.value().trim().is_empty() {
            b.waiting = Some(self.searcher.start(b.query.value(), &[], LIMIT));
        }
        self.overlay = Some(Overlay::Search(b));
    }

    /// Forgets what the lists and the open record showed, after a write.
    fn refresh_after_write(&mut self) {
        self.empty = self.crm.is_empty().unwrap_or(false);
        for l in self.lists_mut() {
            l.invalidate();
        }
        self.settings.invalidate();
        self.duplicates.invalidate();
        self.tasks.invalidate();
        self.agenda.invalidate();
        self.board.invalidate();
        // Answers being computed now would show the data before the write: ask again.
        self.reports.invalidate();
        if let Some(d) = &self.detail {
            let scroll = d.scroll;
            let (cursor, height) = (d.cursor, d.height);
            self.detail = Detail::load(&self.crm, d.record).ok().map(|mut fresh| {
                (fresh.cursor, fresh.scroll, fresh.height) = (cursor, scroll, height);
                fresh.follow();
                fresh
            });
        }
    }

    fn overlay_key(&mut self, key: KeyEvent) {
        let Some(overlay) = self.overlay.take() else { return };
        let result = match overlay {
            Overlay::Help(scroll) => {
                self.overlay = match key.code {
                    KeyCode::Esc | KeyCode::Char('q' | '?') => None,
                    KeyCode::Char('j') | KeyCode::Down => Some(Overlay::Help((scroll + 1).min(64))),
                    KeyCode::Char('k') | KeyCode::Up => Some(Overlay::Help(scroll.saturating_sub(1))),
                    KeyCode::Char('G') | KeyCode::End => Some(Overlay::Help(64)),
                    KeyCode::Char('g') | KeyCode::Home => Some(Overlay::Help(0)),
                    _ => Some(Overlay::Help(scroll)),
                };
                Ok(())
            }
            Overlay::Confirm(what) if key.code == KeyCode::Char('y') => self.confirmed(what),
            Overlay::Confirm(_) => {
                self.say("cancelled");
                Ok(())
            }
            Overlay::Search(b) => self.search_key(b, key),
            Overlay::Picker { field, mut query, mut hits, mut selected, choices, mut waiting } => {
                match pick_key(key, &mut query, &mut selected, hits.len()) {
                    PickKey::Cancel => return,
                    PickKey::Choose => {
                        return self
                            .picked(field, hits.get(selected))
                            .unwrap_or_else(|e| self.say_error(e.to_string()));
                    }
                    PickKey::Typed => {
                        let kind = self.form.as_ref().and_then(|f| f.picker_kind(field)).unwrap_or(Kind::Account);
                        (hits, waiting) = self.picker_hits(kind, &choices, query.value(), hits);
                    }
                    PickKey::Moved => {}
                }
                self.overlay = Some(Overlay::Picker { field, query, hits, selected, choices, waiting });
                Ok(())
            }
            Overlay::Palette { query, selected } => self.palette_key(query, selected, key),
            Overlay::Input { ask, mut text } => match key.code {
                KeyCode::Esc => Ok(()),
                // On failure the line stays open so the text can be fixed.
                KeyCode::Enter => {
                    self.answer(&ask, text.value()).inspect_err(|_| self.overlay = Some(Overlay::Input { ask, text }))
                }
                _ => {
                    text.handle(key);
                    self.overlay = Some(Overlay::Input { ask, text });
                    Ok(())
                }
            },
        };
        if let Err(e) = result {
            self.say_error(e.to_string());
        }
    }

    /// Keys typed on the filter line: the list narrows as the filter grows.
    fn filter_key(&mut self, key: KeyEvent) {
        // Taken first: without a list to filter, the line closes rather than hold the keys.
        let Some(mut line) = self.filtering.take() else { return };
        let Some(kind) = self.list().map(|l| l.kind) else { return };
        let text = match key.code {
            KeyCode::Enter => return,
            KeyCode::Esc => String::new(),
            _ => {
                let changed = edit_query(&mut line, key);
                let text = line.value().to_string();
                self.filtering = Some(line);
                if !changed {
                    return;
                }
                text
            }
        };
        let (query, tags) = super::list::tag_terms(&text);
        if !tags.is_empty() && !matches!(kind, Kind::Contact | Kind::Account) {
            self.say_error("filter: only contacts and accounts carry labels (tag:)");
        }
        // The list narrows when the search, run off the UI thread, answers (see `prepare`).
        let awaiting = (!query.is_empty()).then(|| {
            let keep = Box::new(move |crm: &Crm, hits| super::list::labelled(crm, hits, &tags));
            self.filter_searcher.start_keeping(&query, &[kind], FILTER_LIMIT, keep)
        });
        if let Some(l) = self.list_mut() {
            l.awaiting = awaiting;
            if awaiting.is_some() {
                l.filter = text;
            } else {
                l.set_filter(&text, None);
            }
        }
    }

    /// Does what typed text was asked for.
    fn answer(&mut self, ask: &Ask, text: &str) -> Result<()> {
        let message = match ask {
            Ask::Note(target) => {
                self.crm.add_note(target.refs[0], text)?;
                "note added".to_string()
            }
            Ask::Tag(targets) => format!("labelled {} records '{}'", self.crm.tag(&targets.refs, text)?, text.trim()),
            Ask::Owner(targets) => {
                format!("{} records now belong to {}", self.crm.set_owner(&targets.refs, text)?, text.trim())
            }
            Ask::List(targets) => {
                let ids: Vec<_> = targets.refs.iter().filter(|t| t.kind == Kind::Contact).map(|t| t.id).collect();
                format!("{} added to the list '{}'", self.crm.add_to_list(text, &ids)?, text.trim())
            }
            Ask::LostReason(id, stage, _) => {
                let o = match stage {
                    Some(stage) => {
                        let mut o: Opportunity = self.crm.get(*id)?;
                        o.stage = *stage;
                        o.lost_reason = Some(text.to_string());
                        self.crm.update_opportunity(o)?
                    }
                    None => self.crm.close_opportunity(*id, StageOutcome::Lost, Some(text))?,
                };
                self.board.moved(&o);
                format!("{} lost: {}", o.name, text.trim())
            }
            Ask::QuickTask(about) => {
                let mut t = crate::model::Task::quick(text, self.ctx.today)?;
                if let Some(r) = about {
                    link_task(&self.crm, &mut t, r.refs[0])?;
                }
                let t = self.crm.create(t)?;
                let due = t.due.map(|d| format!(", due {d}")).unwrap_or_default();
                format!("task added: {}{due} ({})", t.title, t.priority)
            }
            Ask::SnoozeUntil(id, _) => {
                let until = crate::model::Date::parse_relative(text, self.ctx.today)
                    .map_err(|m| ValidationError::new("until", m))?;
                let mut t: crate::model::Task = self.crm.get(*id)?;
                t.due = Some(until);
                let t = self.crm.update(t)?;
                format!("{}: due {until}", t.title)
            }
            Ask::GoalMet(id, ..) => {
                let met = match text.trim().to_lowercase().as_str() {
                    "y" | "yes" => true,
                    "n" | "no" => false,
                    other => {
                        let m = format!("'{other}': answer y (the goal was met) or n");
                        return Err(ValidationError::new("goal met", m).into());
                    }
                };
                let p = self.crm.complete_project(*id, met)?;
                format!("{} closed, goal {}", p.name, if met { "met" } else { "missed" })
            }
            Ask::CallFilter => {
                let pass = if text.trim().is_empty() { None } else { Some(self.calls_matching(text)?) };
                let said = match &pass {
                    Some(p) => count(p.len(), "call matches", "calls match"),
                    None => "every call".to_string(),
                };
                self.calls.set_filter(text.trim(), pass.map(Pass::Set));
                said
            }
            Ask::TaskScope => {
                let scope = super::tasks::TaskScope::parse(text).map_err(|m| ValidationError::new("filter", m))?;
                let said = if scope.is_empty() {
                    "task filter cleared".to_string()
                } else {
                    format!("tasks of {}", scope.text())
                };
                self.tasks.set_scope(scope);
                said
            }
            Ask::NewSource => {
                let list = self.crm.add_lead_source(text, None)?;
                self.settings.source_selected = list.len() - 1;
                format!("lead source {} added", text.trim())
            }
            Ask::RenameSource(name) => {
                let moved = self.crm.rename_lead_source(name, text)?;
                format!("{name} renamed {}; {}", text.trim(), count(moved, "record follows", "records follow"))
            }
            Ask::MoveSourceTo(name, _) => {
                let to = Some(text.trim()).filter(|t| *t != "-");
                let moved = self.crm.delete_lead_source(name, to, to.is_none())?;
                match to {
                    Some(to) => {
                        format!("lead source {name} deleted; {} to {to}", count(moved, "record moved", "records moved"))
                    }
                    None => format!(
                        "lead source {name} deleted; {} without a source",
                        count(moved, "record left", "records left")
                    ),
                }
            }
            Ask::MoveDealsTo(stage, _) => {
                let to = self.crm.stage_by_name_or_id(text)?;
                let moved = self.crm.delete_stage(stage.id, Some(to.id))?;
                format!("stage {} deleted; {} to {}", stage.name, count(moved, "deal moved", "deals moved"), to.name)
            }
            Ask::BoardFilter => {
                let filter =
                    crate::tui::board::BoardFilter::parse(text).map_err(|m| ValidationError::new("filter", m))?;
                let said = if filter.is_empty() {
                    "board filter cleared".to_string()
                } else {
                    format!("showing {}", filter.describe())
                };
                self.board.set_filter(filter);
                said
            }
            Ask::ImportFile => {
                let path = expand_home(text.trim());
                let kind = match self.screen {
                    ScreenId::Accounts if !self.welcome => Kind::Account,
                    ScreenId::Leads if !self.welcome => Kind::Lead,
                    _ => Kind::Contact,
                };
                let wizard = super::import::ImportWizard::open(path, kind)
                    .map_err(|e| crate::crm::CrmError::Conflict(e.to_string()))?;
                let said = format!("{}: check the fields, then Ctrl-S", wizard.file_name());
                self.import = Some(wizard);
                said
            }
        };
        self.say(message);
        // A lost deal is already where it belongs on the board; anything else reads again.
        if !matches!(ask, Ask::LostReason(..)) {
            self.refresh_after_write();
        }
        Ok(())
    }

    fn confirmed(&mut self, what: Confirm) -> Result<()> {
        match what {
            Confirm::DiscardForm => {
                self.form = None;
                self.say("changes dropped");
            }
            Confirm::Merge { keep, gone, .. } => {
                let c = self.crm.merge_contacts(keep, gone)?;
                self.say(format!("merged #{gone} into {} (#{keep})", c.full_name()));
                self.refresh_after_write();
            }
            Confirm::DeleteSource(name) => {
                self.crm.delete_lead_source(&name, None, false)?;
                self.say(format!("lead source {name} deleted"));
                self.refresh_after_write();
            }
            Confirm::DeleteStage(stage) => {
                self.crm.delete_stage(stage.id, None)?;
                self.say(format!("stage {} deleted", stage.name));
                self.refresh_after_write();
            }
            Confirm::MoveDeal { id, stage, .. } => self.put_deal(id, &stage)?,
            Confirm::DiscardCall => {
                self.call = None;
                self.say("call not logged");
            }
            Confirm::DiscardQuote => {
                self.quote = None;
                self.say("quote changes dropped");
            }
            Confirm::Delete(targets) => {
                // All of them or none: one transaction.
                let deleted = self.crm.write(|tx| {
                    for t in &targets.refs {
                        crate::model::with_record_type!(t.kind, T => { tx.delete::<T>(t.id)?; });
                    }
                    Ok(())
                });
                if let Err(e) = deleted {
                    self.refresh_after_write();
                    return Err(e);
                }
                if self.detail.as_ref().is_some_and(|d| targets.refs.contains(&d.record)) {
                    self.detail = None;
                }
                for l in self.lists_mut() {
                    l.marked.clear();
                }
                self.refresh_after_write();
                self.say(format!("deleted {}", targets.name));
            }
        }
        Ok(())
    }

    fn search_key(&mut self, mut b: SearchBox, key: KeyEvent) -> Result<()> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => {
                self.last_search = Some(b);
                return Ok(());
            }
            KeyCode::Enter => {
                if let Some(hit) = b.hits.get(b.selected) {
                    let record = RecordRef::new(hit.kind, hit.id);
                    self.last_search = Some(b);
                    // The page the search was started from is where its Esc comes back to.
                    let origin = self.detail.clone().map(|d| (d, self.screen, std::mem::take(&mut self.from_search)));
                    self.open(record)?;
                    self.trail.extend(origin);
                    self.from_search = true;
                    return Ok(());
                }
            }
            // Ctrl-L logs a call with the contact found, straight from the search.
            KeyCode::Char('l') if ctrl => {
                if let Some(hit) = b.hits.get(b.selected).filter(|h| h.kind == Kind::Contact) {
                    self.call = Some(CallForm::open(&self.crm, hit.id)?);
                    return Ok(());
                }
            }
            KeyCode::Down | KeyCode::Tab => b.selected = (b.selected + 1).min(b.hits.len().saturating_sub(1)),
            KeyCode::Char('n' | 'j') if ctrl => b.selected = (b.selected + 1).min(b.hits.len().saturating_sub(1)),
            KeyCode::Up | KeyCode::BackTab => b.selected = b.selected.saturating_sub(1),
            KeyCode::Char('p' | 'k') if ctrl => b.selected = b.selected.saturating_sub(1),
            _ => {
                if edit_query(&mut b.query, key) {
                    b.selected = 0;
                    if b.query.value().trim().is_empty() {
                        b.hits.clear();
                        b.waiting = None;
                    } else {
                        b.partial = false;
                        b.waiting = Some(self.searcher.start(b.query.value(), &[], LIMIT));
                    }
                }
            }
        }
        self.overlay = Some(Overlay::Search(b));
        Ok(())
    }

    fn palette_key(&mut self, mut query: LineField, mut selected: usize, key: KeyEvent) -> Result<()> {
        let entries = self.palette_entries(query.value());
        match pick_key(key, &mut query, &mut selected, entries.len()) {
            PickKey::Cancel => return Ok(()),
            PickKey::Choose => {
                if let Some(&(action, _)) = entries.get(selected) {
                    self.act(action);
                }
                return Ok(());
            }
            PickKey::Typed | PickKey::Moved => {}
        }
        self.overlay = Some(Overlay::Palette { query, selected });
        Ok(())
    }

    /// Palette entries matching `query`, best first: every action of the current context with
    /// its keys.
    pub fn palette_entries(&self, query: &str) -> Vec<(Action, String)> {
        let mut all: Vec<(Action, String)> = Vec::new();
        for table in self.context() {
            for b in table {
                if !all.iter().any(|(a, _)| *a == b.action) {
                    all.push((b.action, format!("{}  ({})", b.action.name(), b.keys.join(", "))));
                }
            }
        }
        // A new user who chose to start empty can still ask for the demo data.
        if !self.welcome && !all.iter().any(|(a, _)| *a == Action::LoadDemo) && self.empty {
            all.push((Action::LoadDemo, format!("{}  (while the database is empty)", Action::LoadDemo.name())));
        }
        if query.trim().is_empty() {
            return all;
        }
        let names: Vec<String> = all.iter().map(|(a, _)| a.name()).collect();
        let ranked = crate::search::rank_items(query, &names);
        ranked.into_iter().map(|i| all[i].clone()).collect()
    }

    /// What a picker offers for `query`: the words of a word field that match it; for a record
    /// field, before anything is typed, the first records by name, else the `shown` ones until
    /// the best matches, searched off the UI thread, arrive (the search's number is returned).
    fn picker_hits(
        &self,
        kind: Kind,
        choices: &[String],
        query: &str,
        shown: Vec<crate::search::Hit>,
    ) -> (Vec<crate::search::Hit>, Option<u64>) {
        if !choices.is_empty() {
            let word = |i: usize| crate::search::Hit {
                kind,
                id: i as Id,
                label: choices[i].clone(),
                detail: String::new(),
                score: 0,
            };
            return (crate::search::rank_items(query, choices).into_iter().map(word).collect(), None);
        }
        if !query.trim().is_empty() {
            return (shown, Some(self.searcher.start(query, &[kind], PICKER_LIMIT)));
        }
        let Ok(r) = self.crm.reader() else { return (Vec::new(), None) };
        let ids = crate::store::Read::sorted(&r, kind, crate::store::SortField::Name, &[], None, false, 20)
            .unwrap_or_default();
        let hits = ids
            .into_iter()
            .map(|id| {
                let label = crate::crm::label_of(&r, RecordRef::new(kind, id));
                crate::search::Hit { kind, id, label, detail: String::new(), score: 0 }
            })
            .collect();
        (hits, None)
    }

    /// Fills form field `field` with what its picker chose; a new account is created first.
    fn picked(&mut self, field: usize, hit: Option<&crate::search::Hit>) -> Result<()> {
        let Some(hit) = hit else { return Ok(()) };
        let (label, mut id) = (hit.label.clone(), hit.id);
        // Only the account picker offers a new record; a word field's words are numbered from 0.
        let accounts = self.form.as_ref().and_then(|f| f.picker_kind(field)) == Some(Kind::Account);
        if accounts && id == NEW_ACCOUNT {
            id = self.crm.create(crate::model::Account { name: label.clone(), ..Default::default() })?.id;
            self.say(format!("account {label} created"));
        }
        if let Some(form) = self.form.as_mut() {
            form.pick(field, label, id);
            form.refresh_hint(&self.crm);
        }
        Ok(())
    }

    /// Keys of the call form: one key picks the outcome, Ctrl-S logs the call.
    fn call_key(&mut self, key: KeyEvent) {
        let Some(mut form) = self.call.take() else { return };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => self.quit = true,
            KeyCode::Char('s') if ctrl => match form.save(&self.crm) {
                Ok((call, task)) => {
                    let mut said = format!(
                        "call with {} logged: {}, {}",
                        form.who,
                        call.outcome,
                        crate::model::format_duration(call.duration_secs)
                    );
                    if let Some(t) = task {
                        let due = t.due.map(|d| format!(" due {d}")).unwrap_or_default();
                        said.push_str(&format!("; follow-up task '{}'{due}", t.title));
                    }
                    self.say(said);
                    self.refresh_after_write();
                    return;
                }
                Err(e) => {
                    if form.error.is_none() {
                        form.error = Some(e.to_string());
                    }
                }
            },
            KeyCode::Esc => {
                if form.outcome.is_some() || !form.notes.value().is_empty() {
                    self.overlay = Some(Overlay::Confirm(Confirm::DiscardCall));
                } else {
                    return;
                }
            }
            KeyCode::Tab => form.tab(false),
            KeyCode::BackTab => form.tab(true),
            KeyCode::F(1) => self.overlay = Some(Overlay::Help(0)),
            _ => form.key(key),
        }
        self.call = Some(form);
    }

    /// Keys while the import wizard's field picker is open.
    fn import_typing(&mut self, key: KeyEvent) {
        let Some(w) = &mut self.import else { return };
        let Some(mut picker) = w.picker.take() else { return };
        let len = w.choices().len();
        match pick_key(key, &mut picker.query, &mut picker.selected, len) {
            PickKey::Cancel => {}
            PickKey::Choose => {
                w.picker = Some(picker);
                if let Some(name) = w.choices().get(w.picker.as_ref().map_or(0, |p| p.selected)).copied() {
                    w.choose(name);
                } else {
                    w.picker = None;
                }
            }
            PickKey::Typed | PickKey::Moved => w.picker = Some(picker),
        }
    }

    /// Keys while the quote editor's picker is open or a cell is being typed into.
    fn quote_typing(&mut self, key: KeyEvent) {
        let Some(q) = &mut self.quote else { return };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(mut picker) = q.picker.take() {
            match pick_key(key, &mut picker.query, &mut picker.selected, picker.hits.len()) {
                PickKey::Cancel => return,
                PickKey::Choose => {
                    if let Some(&i) = picker.hits.get(picker.selected) {
                        q.add(i);
                    }
                    return;
                }
                PickKey::Typed => q.filter(&mut picker),
                PickKey::Moved => {}
            }
            q.picker = Some(picker);
            return;
        }
        match key.code {
            KeyCode::Char('s') if ctrl => self.act(Action::Save),
            KeyCode::Tab => q.next_cell(false),
            KeyCode::BackTab => q.next_cell(true),
            KeyCode::F(1) => self.overlay = Some(Overlay::Help(0)),
            KeyCode::Enter => q.done(),
            KeyCode::Esc => q.cancel(),
            _ => {
                q.type_key(key);
            }
        }
    }

    fn form_key(&mut self, key: KeyEvent) {
        let Some(mut form) = self.form.take() else { return };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('s') if ctrl => match form.save(&self.crm) {
                Ok(Some(saved)) => {
                    self.refresh_after_write();
                    let name = Targets::named(&self.crm, vec![saved]).name;
                    if form.converting.is_some() {
                        // Say what the conversion made: the person, their account, a deal if any.
                        let made = form.target.and_then(|id| self.crm.get::<Lead>(id).ok()).and_then(|l| l.converted);
                        let label = |kind, id| self.crm.label(RecordRef::new(kind, id));
                        let account = made.as_ref().map(|c| label(Kind::Account, c.account)).unwrap_or_default();
                        let deal = made.as_ref().and_then(|c| c.opportunity);
                        let deal = deal.map(|o| format!(", and the deal {}", label(Kind::Opportunity, o)));
                        let deal = deal.unwrap_or_else(|| ", no deal".to_string());
                        self.say(format!("lead {} converted: {name} at {account}{deal}", form.name));
                        let _ = self.open(saved);
                        return;
                    }
                    let verb = if form.target.is_some() { "saved" } else { "created" };
                    self.say(format!("{verb} {name}"));
                    // A new stage stays in the Settings list it was added to, where its keys are.
                    if form.target.is_none() && form.kind != Kind::Stage {
                        let _ = self.open(saved);
                    }
                    return;
                }
                Ok(None) => {
                    let problem = form.fields[form.focus].error.clone().unwrap_or_default();
                    self.say_error(format!("{}: {problem}", form.fields[form.focus].label));
                }
                Err(e) => self.say_error(e.to_string()),
            },
            KeyCode::Esc => {
                if form.dirty {
                    self.overlay = Some(Overlay::Confirm(Confirm::DiscardForm));
                } else {
                    return;
                }
            }
            KeyCode::Enter
                if form.picker_kind(form.focus).is_some() || form.choices(&self.crm, form.focus).is_some() =>
            {
                let choices = form.choices(&self.crm, form.focus).unwrap_or_default();
                let kind = form.picker_kind(form.focus).unwrap_or(Kind::Account);
                // An account typed so far is looked for; a word field offers every word.
                let query =
                    if kind == Kind::Account && choices.is_empty() { form.fields[form.focus].value() } else { "" };
                let (hits, waiting) = self.picker_hits(kind, &choices, query, Vec::new());
                let current = form.fields[form.focus].value();
                let selected = hits.iter().position(|h| h.label == current).unwrap_or(0);
                // The account typed so far is proposed: the first key typed replaces it.
                let query = LineField::proposed(query);
                let overlay = Overlay::Picker { field: form.focus, query, hits, selected, choices, waiting };
                self.overlay = Some(overlay);
            }
            KeyCode::F(1) => self.overlay = Some(Overlay::Help(0)),
            KeyCode::Tab | KeyCode::Down | KeyCode::Enter => form.move_focus(1),
            KeyCode::BackTab | KeyCode::Up => form.move_focus(-1),
            _ => {
                form.edit(key);
            }
        }
        form.refresh_hint(&self.crm);
        self.form = Some(form);
    }
}

/// Links a new task to the record it is about (and a person's or deal's account too).
fn link_task(crm: &Crm, t: &mut crate::model::Task, about: RecordRef) -> Result<()> {
    match about.kind {
        Kind::Contact => {
            t.contact = Some(about.id);
            t.account = crm.get::<crate::model::Contact>(about.id)?.account;
        }
        Kind::Opportunity => {
            t.opportunity = Some(about.id);
            t.account = Some(crm.get::<Opportunity>(about.id)?.account);
        }
        Kind::Account => t.account = Some(about.id),
        Kind::Lead => t.lead = Some(about.id),
        Kind::Project => t.project = Some(about.id),
        _ => {}
    }
    Ok(())
}

/// The status a lead takes at the next press of `s`: new → contacted → qualified → unqualified
/// → new (converted is set by converting).
fn next_status(s: LeadStatus) -> LeadStatus {
    match s {
        LeadStatus::New => LeadStatus::Contacted,
        LeadStatus::Contacted => LeadStatus::Qualified,
        LeadStatus::Qualified => LeadStatus::Unqualified,
        _ => LeadStatus::New,
    }
}

/// A typed path with a leading `~/` made absolute.
fn expand_home(path: &str) -> std::path::PathBuf {
    let home = || directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    match path.strip_prefix("~/").and_then(|rest| Some(home()?.join(rest))) {
        Some(full) => full,
        None => std::path::PathBuf::from(path),
    }
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
        _ => return None,
    })
}

/// What a key did in a pick list with a query line (the palette, a form's record picker, the
/// quote's product picker, the import wizard's field picker).
enum PickKey {
    /// Esc: close without picking.
    Cancel,
    /// Enter: take the selected entry.
    Choose,
    /// The selection moved (or the key did nothing).
    Moved,
    /// The query changed; the selection is back on the first entry.
    Typed,
}

/// Applies `key` to a pick list of `len` entries narrowed by `query`.
fn pick_key(key: KeyEvent, query: &mut LineField, selected: &mut usize, len: usize) -> PickKey {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let last = len.saturating_sub(1);
    match key.code {
        KeyCode::Esc => PickKey::Cancel,
        KeyCode::Enter => PickKey::Choose,
        KeyCode::Down | KeyCode::Tab => {
            *selected = (*selected + 1).min(last);
            PickKey::Moved
        }
        KeyCode::Char('n' | 'j') if ctrl => {
            *selected = (*selected + 1).min(last);
            PickKey::Moved
        }
        KeyCode::Up | KeyCode::BackTab => {
            *selected = selected.saturating_sub(1);
            PickKey::Moved
        }
        KeyCode::Char('p' | 'k') if ctrl => {
            *selected = selected.saturating_sub(1);
            PickKey::Moved
        }
        _ if edit_query(query, key) => {
            *selected = 0;
            PickKey::Typed
        }
        _ => PickKey::Moved,
    }
}

/// Applies a typing key to a query line (the search, a list filter, a picker, the palette); says
/// whether the query changed. A query takes at most [`crate::search::MAX_QUERY`] characters, the
/// most a search reads, so that a paste costs no more than a name.
fn edit_query(query: &mut LineField, key: KeyEvent) -> bool {
    let typing = matches!(key.code, KeyCode::Char(_)) && !key.modifiers.contains(KeyModifiers::CONTROL);
    if typing && !query.is_selected() && query.value().chars().nth(crate::search::MAX_QUERY - 1).is_some() {
        return false;
    }
    query.handle(key) == Some(true)
}
