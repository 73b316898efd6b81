//! The full-screen app: an event loop over [`App`] (state and key handling) and `view` (drawing).
//!
//! The loop is generic over the ratatui backend and over where events come from, so the same code
//! runs in a local terminal, under `TestBackend` in tests, and later over an SSH channel.

mod app;
mod background;
mod call;
mod ctx;
mod detail;
mod filter;
mod form;
mod fuzzy;
mod hits;
mod host;
mod import;
pub mod keymap;
mod line;
mod list;
mod mode;
mod page;
mod place;
pub mod prefs;
mod quote;
pub(crate) mod screen;
mod search;
mod sends;
mod tabs;
mod theme;
mod userform;
mod view;
mod widgets;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

pub use app::{App, PaletteEntry};
pub use ctx::Ctx;
pub use detail::DetailLine;
use host::TerminalHost;
pub use host::{Host, osc52};
pub use keymap::Action;
pub use mode::Overlay;
pub use place::Place;
pub use screen::Period;
pub use theme::Theme;
pub use view::draw;

use crate::crm::Crm;

/// The screens, in switcher order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreenId {
    /// Deals by stage.
    Pipeline,
    /// People.
    Contacts,
    /// Organisations.
    Accounts,
    /// Leads.
    Leads,
    /// Tasks.
    Tasks,
    /// Calls.
    Calls,
    /// The agenda.
    Agenda,
    /// Reports.
    Reports,
    /// Customer service cases, the queue.
    Cases,
    /// The product catalogue (`g P`; off the numbered row).
    Products,
    /// Pipeline stages and lead sources (`g S`; off the numbered row).
    Settings,
    /// Projects (`g j`; off the numbered row).
    Projects,
    /// Contacts that look like one person (`g D`; off the numbered row).
    Duplicates,
    /// Campaigns, contact lists and email templates (`g m`; off the numbered row).
    Marketing,
}

impl ScreenId {
    /// Every screen, in order.
    pub const ALL: [ScreenId; 9] = [
        ScreenId::Pipeline,
        ScreenId::Contacts,
        ScreenId::Accounts,
        ScreenId::Leads,
        ScreenId::Tasks,
        ScreenId::Calls,
        ScreenId::Agenda,
        ScreenId::Reports,
        ScreenId::Cases,
    ];

    /// The screens off the numbered row, reached with `g` only.
    pub const OFF_ROW: [ScreenId; 5] =
        [ScreenId::Products, ScreenId::Settings, ScreenId::Projects, ScreenId::Duplicates, ScreenId::Marketing];

    /// Every screen: the numbered ones, then those off the row.
    pub fn every() -> impl Iterator<Item = ScreenId> {
        ScreenId::ALL.into_iter().chain(ScreenId::OFF_ROW)
    }

    /// Its number key.
    pub fn number(self) -> usize {
        ScreenId::ALL.iter().position(|&s| s == self).unwrap_or(0) + 1
    }

    /// Its name.
    pub fn title(self) -> &'static str {
        match self {
            ScreenId::Pipeline => "Pipeline",
            ScreenId::Contacts => "Contacts",
            ScreenId::Accounts => "Accounts",
            ScreenId::Leads => "Leads",
            ScreenId::Tasks => "Tasks",
            ScreenId::Calls => "Calls",
            ScreenId::Agenda => "Agenda",
            ScreenId::Reports => "Reports",
            ScreenId::Cases => "Cases",
            ScreenId::Products => "Products",
            ScreenId::Settings => "Settings",
            ScreenId::Projects => "Projects",
            ScreenId::Duplicates => "Duplicates",
            ScreenId::Marketing => "Marketing",
        }
    }
}

/// A selection `at` moved by `delta` among `len` rows, kept on a row (0 when there are none): how
/// every list, column and table of the app moves.
pub(crate) fn stepped(at: usize, delta: isize, len: usize) -> usize {
    let last = len.saturating_sub(1) as isize;
    (at as isize).saturating_add(delta).clamp(0, last) as usize
}

/// Where events come from: the local terminal, a test script, an SSH channel (`serve::terminal`).
pub trait Events {
    /// The next event, or `None` when none came within `timeout`.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;
}

/// Events of the local terminal, read on a thread of their own.
///
/// crossterm's reader never returns once the terminal is gone (a closed window, a dropped SSH
/// session): it spins on the dead tty, timeout or not. Reading on a separate thread keeps the
/// loop free to notice the hangup (a signal, or [`terminal_gone`]) and close the database
/// cleanly; the reading thread ends with the process.
pub struct TerminalEvents {
    events: std::sync::mpsc::Receiver<io::Result<Event>>,
    /// Raised while `$EDITOR` has the terminal: the reader leaves the keys to it.
    paused: Arc<AtomicBool>,
}

impl TerminalEvents {
    /// Starts reading the terminal.
    pub fn start() -> TerminalEvents {
        let (tx, events) = std::sync::mpsc::channel();
        let paused = Arc::new(AtomicBool::new(false));
        let waiting = paused.clone();
        std::thread::spawn(move || {
            loop {
                // Paused, the terminal is not even polled (polling takes the waiting input in);
                // otherwise a key is read once there, so a pause takes effect within a poll.
                if waiting.load(Ordering::SeqCst) {
                    std::thread::sleep(READ_POLL);
                    continue;
                }
                match event::poll(READ_POLL) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => return drop(tx.send(Err(e))),
                }
                let event = event::read();
                let failed = event.is_err();
                if tx.send(event).is_err() || failed {
                    return;
                }
            }
        });
        TerminalEvents { events, paused }
    }
}

/// How long the terminal reader waits for a key before it looks whether it is paused.
const READ_POLL: Duration = Duration::from_millis(50);

impl Events for TerminalEvents {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        use std::sync::mpsc::RecvTimeoutError;
        match self.events.recv_timeout(timeout) {
            Ok(event) => event.map(Some),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(io::ErrorKind::UnexpectedEof.into()),
        }
    }
}

/// Whether the terminal on standard input has hung up (its window closed, its SSH session
/// dropped), asked without reading from it.
#[cfg(unix)]
fn terminal_gone() -> bool {
    let mut fd = libc::pollfd { fd: libc::STDIN_FILENO, events: 0, revents: 0 };
    // SAFETY: one valid pollfd, a zero timeout; poll only writes `revents`.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

#[cfg(not(unix))]
fn terminal_gone() -> bool {
    false
}

/// Runs the app until the user quits (or `stop` is raised, by a signal for instance), drawn
/// with `theme` ([`App::theme`]); what the app asks of the machine showing it (a field to edit,
/// a text to copy) goes to `host`.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut dyn Events,
    theme: &Theme,
    stop: &AtomicBool,
    host: &mut dyn Host,
) -> io::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let (mut redraw, mut drawn) = (true, Instant::now());
    while !app.quit && !stop.load(Ordering::SeqCst) {
        // A frame when something may show differently: an event came (a key, a resize), or the
        // app says so (others' commits on show, work under way); an idle session costs nothing.
        if redraw {
            let size = terminal.size().map_err(io::Error::other)?;
            app.set_viewport(size.width, size.height);
            app.prepare();
            terminal.draw(|f| view::draw(f, app, theme)).map_err(io::Error::other)?;
            drawn = Instant::now();
        }
        // Events already waiting (a paste arriving key by key) are all taken before the next
        // frame, within about a frame's time, so a long paste is not drawn a key at a time.
        // Work under way (a search's answer) is looked for every frame, and drawn when it comes
        // (a spinner a few times a second); an idle app wakes only a few times a second (a
        // server runs hundreds of them).
        let idle = if app.busy() { FRAME_TIME } else { IDLE_WAIT };
        let (mut wait, until) = (idle, Instant::now() + FRAME_TIME);
        redraw = false;
        while let Some(event) = events.next(wait)? {
            handle(app, event);
            redraw = true;
            wait = Duration::ZERO;
            if app.quit || Instant::now() >= until {
                break;
            }
        }
        redraw = redraw || app.wants_redraw() || (app.animates() && drawn.elapsed() >= PROGRESS_TIME);
        // A field handed to `$EDITOR` comes back edited; the screen is drawn afresh after it.
        if let Some(text) = app.take_editor_request() {
            redraw = true;
            match host.edit(&text) {
                Ok(edited) => app.edited(edited),
                Err(e) => app.say_editor_failed(&e),
            }
            // Resized to its own size, the terminal is cleared and drawn whole, without asking
            // the terminal where its cursor is (the answer would race the key reader).
            let size = terminal.size().map_err(io::Error::other)?;
            terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height)).map_err(io::Error::other)?;
        }
        // `y` puts a record's email or phone on the user's clipboard, through their terminal.
        if let Some(text) = app.take_copy_request()
            && let Err(e) = host.copy(&text)
        {
            app.say_copy_failed(&e);
        }
    }
    Ok(())
}

/// How long the loop takes waiting events before it draws again.
const FRAME_TIME: Duration = Duration::from_millis(16);

/// While a spinner turns or a progress bar moves, how often it is drawn.
const PROGRESS_TIME: Duration = Duration::from_millis(100);

/// How long an idle app waits for an event before it looks whether anything else changed (a
/// message to take down, others' commits, a call's timer).
const IDLE_WAIT: Duration = Duration::from_millis(250);

/// Hands one event to the app.
fn handle(app: &mut App, event: Event) {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => app.handle_key(k),
        Event::Paste(text) => app.paste(&text),
        Event::Mouse(m) => app.mouse(m),
        _ => {}
    }
}

/// What the machine the app runs on adds to the user's record: the config file's preferences
/// (with the command line's theme over its) and mouse switch.
#[derive(Debug, Clone, Default)]
pub struct Local {
    /// Preferences laid over the user's own (what they leave out, the record keeps).
    pub prefs: crate::model::Prefs,
    /// Whether the app takes the mouse.
    pub mouse: bool,
}

/// Opens the app in this terminal; the terminal is restored on every way out, panics included.
pub fn run_local(crm: Crm, local: Local) -> io::Result<()> {
    let crm = Arc::new(crm);
    let mut app = App::new(crm.clone()).map_err(io::Error::other)?;
    app.prefer(&local.prefs);
    // A closed terminal (SIGHUP) or a kill (SIGTERM) ends the loop like `q`, so the database is
    // closed cleanly.
    let stop = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(signal, stop.clone());
    }
    let mut terminal = ratatui::try_init()?;
    // A storage panic caught as a damaged file must not restore the terminal under the app.
    crate::crm::hush_caught_panics();
    // A paste arrives as one event (typed into the focused field by `App::paste`), not as keys.
    let _ = ratatui::crossterm::execute!(io::stdout(), event::EnableBracketedPaste);
    if local.mouse {
        let _ = ratatui::crossterm::execute!(io::stdout(), event::EnableMouseCapture);
    }
    // Not every hangup comes with a signal (rolo run under nohup, or by a tool that keeps its
    // own): look at the terminal itself too.
    let watch = stop.clone();
    std::thread::spawn(move || {
        while !watch.load(Ordering::SeqCst) {
            if terminal_gone() {
                watch.store(true, Ordering::SeqCst);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    });
    app.use_local_terminal();
    let mut events = TerminalEvents::start();
    let mut host = TerminalHost { paused: events.paused.clone(), mouse: local.mouse };
    let theme = app.theme(Theme::no_color_asked());
    let result = run(&mut terminal, &mut app, &mut events, &theme, &stop, &mut host);
    let _ = ratatui::crossterm::execute!(io::stdout(), event::DisableMouseCapture, event::DisableBracketedPaste);
    ratatui::restore();
    drop(app);
    close(crm);
    result
}

/// Waits (a few seconds at most) for background readers to let go of the database, then closes
/// it, so the next start does not have to repair a file left open.
fn close(mut crm: Arc<Crm>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match Arc::try_unwrap(crm) {
            Ok(crm) => return drop(crm),
            Err(shared) if std::time::Instant::now() < deadline => {
                crm = shared;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(_) => return,
        }
    }
}
