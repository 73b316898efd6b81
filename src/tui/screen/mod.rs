//! The screens that own their state: each answers actions with effects (`update`, which touches
//! neither the database nor the clock), reads what its next frame needs (`prepare`), and draws
//! itself (`draw`). The app routes keys to the screen on show and runs the effects.

mod agenda;
pub(crate) mod board;
mod duplicates;
mod list;
mod marketing;
mod people;
pub(crate) mod reports;
mod settings;
pub(crate) mod tasks;

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;

pub use agenda::{Agenda, birthdays_soon};
pub use board::Board;
pub use duplicates::Duplicates;
pub use marketing::Marketing;
pub use reports::{Period, Reports};
pub use settings::Settings;
pub use tasks::TaskLists;

use super::ctx::Ctx;
use super::form::Form;
use super::hits::Target;
use super::keymap::{Action, Binding};
use super::mode::Overlay;
use crate::crm::{Crm, Result};
use crate::model::{Id, Kind, RecordRef};

/// A screen: its state, its keys, what an action does to it, and how it reads and draws.
pub trait Screen {
    /// The key tables in force on this screen, most specific first (the global keys follow).
    fn keys(&self) -> Vec<&'static [Binding]>;

    /// Whether the screen answers this app-wide action itself as it stands (Esc backing out of
    /// a chart rather than out of the screen); the app answers the others.
    fn keeps(&self, _action: Action) -> bool {
        false
    }

    /// What `action` does: the state changes at once; the rest (writes, dialogs, records to open)
    /// comes back as effects for the loop to run. Pure: no database, no clock but `ctx`'s.
    fn update(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect>;

    /// Reads what the next frame needs (only what is stale); an error is said in the status bar.
    fn prepare(&mut self, crm: &Arc<Crm>, ctx: &Ctx) -> std::result::Result<(), String>;

    /// Draws the screen in `area`, from its state only, marking in `ctx.hits` what a click
    /// can pick.
    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx);

    /// The pointer is on `target`, as the last frame drew it. A click (`click`) selects it and
    /// says whether it selected what a second click opens; the wheel only turns the screen to
    /// the pane the target lies in, which the wheel's steps then move.
    fn point(&mut self, _target: Target, _click: bool) -> bool {
        false
    }
}

/// Something an action asks of the loop, which runs it after `update` returns.
#[derive(Debug)]
pub enum Effect {
    /// A command on the service: what it returns is said in the status bar and every screen reads
    /// again; its error is said instead.
    Write(Command),
    /// Open this record's page.
    Open(RecordRef),
    /// Open this record's page from the record page on show, which Esc then comes back to.
    Follow(RecordRef),
    /// Open a dialog over the screen.
    Overlay(Overlay),
    /// Open the form of a record of this kind (`None`: a new one), read through the service.
    EditForm(Kind, Option<Id>),
    /// Open this form as it is.
    Form(Box<Form>),
    /// Say this in the status bar.
    Say(String),
    /// Say this in the status bar as a refusal (what was not done and what to do instead).
    Refuse(String),
    /// Ask before deleting these records (named through the service).
    AskDelete(Vec<RecordRef>),
    /// Pick the user to give these records to.
    Assign(Vec<RecordRef>),
    /// Log a call with the person behind this record (a contact, or a deal's, a task's contact).
    Call(RecordRef),
    /// Open the screen's filter line, holding its filter.
    Filter,
    /// Open the form of a new deal, in this stage (by name) if any.
    NewDeal(Option<String>),
    /// Ask for the template and list to send this campaign with.
    SendCampaign(Id),
    /// Show the working day of this date: the user's, and their team's people's.
    Day(crate::model::Date),
}

/// The body of a [`Command`]: what it does on the service, and what to say when done.
type Run = Box<dyn FnOnce(&Crm) -> Result<String>>;

/// A named command on the service, run by the loop.
pub struct Command {
    /// What it does, in a few words ("move stage").
    pub name: &'static str,
    run: Run,
}

impl Command {
    /// The command `name`, doing `run` and saying what it returns.
    pub fn new(name: &'static str, run: impl FnOnce(&Crm) -> Result<String> + 'static) -> Command {
        Command { name, run: Box::new(run) }
    }

    /// Runs it on `crm`: what to say, or the error.
    pub fn run(self, crm: &Crm) -> Result<String> {
        (self.run)(crm)
    }
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Command({})", self.name)
    }
}

/// Completes task `id` (or opens it again), saying which.
pub fn set_task_done(id: Id, done: bool) -> Command {
    Command::new(if done { "complete the task" } else { "reopen the task" }, move |crm| {
        let t = crm.set_task_done(id, done)?;
        Ok(format!("{}: {}", t.title, if t.is_open() { "open again" } else { "done" }))
    })
}

/// How far a move action goes in a list: one row, or to either end; `None` for other actions.
pub fn step(action: Action) -> Option<isize> {
    match action {
        Action::Up => Some(-1),
        Action::Down => Some(1),
        Action::Top => Some(isize::MIN / 2),
        Action::Bottom => Some(isize::MAX / 2),
        _ => None,
    }
}
