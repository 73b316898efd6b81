//! What sits over a screen and holds the keys while open: questions (`Ask`), confirmations,
//! the search, the palette, pickers and the help; and the status-bar message.

use std::time::Instant;

use super::call::CallForm;
use super::filter::FilterLine;
use super::form::Form;
use super::import::ImportWizard;
use super::line::LineField;
use super::quote::QuoteEditor;
use super::search::SearchBox;
use super::userform::UserDraft;
use crate::crm::Crm;
use crate::model::{Id, RecordRef, Stage};

/// One layer over the screen: the app keeps them on one stack, the top one takes the keys, and
/// they are drawn bottom to top. A state the stack cannot hold (two forms' keys at once, a call
/// form under a question it never asked) cannot be written.
#[derive(Debug)]
pub enum Mode {
    /// A dialog: help, search, palette, a confirmation, a picker, a question.
    Overlay(Overlay),
    /// A record form.
    Form(Form),
    /// The call being logged (boxed: its timer and fields make it the largest layer).
    Call(Box<CallForm>),
    /// The quote editor, holding the screen while open.
    Quote(QuoteEditor),
    /// The import wizard, holding the screen while open.
    Import(ImportWizard),
    /// The screen's filter line (a list's, the board's, the task lists') while keys go to it.
    Filter(FilterLine),
}

/// The records an action applies to, and how dialogs name them ("contact Ann Lee", "3 contacts").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// The records.
    pub refs: Vec<RecordRef>,
    /// Their name in a question.
    pub name: String,
}

impl Targets {
    /// `refs`, named by their labels as `crm` reads them.
    pub fn named(crm: &Crm, refs: Vec<RecordRef>) -> Targets {
        let name = match refs.as_slice() {
            [one] => format!("{} {}", one.kind, crm.label(*one)),
            many if many.iter().all(|r| r.kind == many[0].kind) => {
                format!("{} {}s", many.len(), many[0].kind)
            }
            many => format!("{} records", many.len()),
        };
        Targets { refs, name }
    }
}

/// What a picker's choice is for, when not a form's field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickFor {
    /// Give these records to the user chosen.
    Assign(Assigning),
    /// Answer the question on show of the user dialog (the role, the team), the choice's text
    /// as the answer (the first choice of a team, "no team", as none).
    User(Box<UserDraft>),
}

impl PickFor {
    /// The picker's title.
    pub fn title(&self) -> String {
        match self {
            PickFor::Assign(a) => format!("Assign {} to a user", a.targets.name),
            PickFor::User(draft) => draft.prompt(),
        }
    }
}

/// The records a user picker gives away (`@`), and the login of each of its choices, in the
/// order of the picker's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigning {
    /// The records to give.
    pub targets: Targets,
    /// The active users' logins, one per word of the picker.
    pub logins: Vec<String>,
}

impl Assigning {
    /// Who `targets` may go to: every active user of `crm`'s directory, and how the picker shows
    /// each ("Ann Lee (ann) · team East").
    pub fn users(crm: &Crm, targets: Targets) -> crate::crm::Result<(Assigning, Vec<String>)> {
        let dir = crm.directory()?;
        let active: Vec<_> = dir.users.iter().filter(|u| u.active).collect();
        let words = active
            .iter()
            .map(|u| {
                let team = u.team.as_ref().map(|t| format!(" · team {t}")).unwrap_or_default();
                format!("{} ({}){team}", u.name, u.login)
            })
            .collect();
        let logins = active.iter().map(|u| u.login.clone()).collect();
        Ok((Assigning { targets, logins }, words))
    }
}

/// What a confirmation is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Delete these records.
    Delete(Targets),
    /// Delete this stage (it holds no deals).
    DeleteStage(Stage),
    /// Delete this entry of a picklist (no lead or deal carries it).
    DeletePick(crate::model::Picklist, String),
    /// Disable this user (by login): their records keep them as owner.
    DisableUser(String),
    /// Enable this disabled user (by login) again.
    EnableUser(String),
    /// Merge contact `gone` into contact `keep`.
    Merge {
        /// The contact kept.
        keep: Id,
        /// The contact merged into it and deleted.
        gone: Id,
        /// What to ask.
        question: String,
    },
    /// Drop the form's unsaved changes.
    DiscardForm,
    /// Close the quote editor without saving.
    DiscardQuote,
    /// Close the call form without logging the call.
    DiscardCall,
    /// Send mail as planned: a campaign, today's birthday greetings.
    Send {
        /// Who gets what.
        planned: Box<crate::tui::sends::Planned>,
        /// What is sent, as the status bar names it ("the campaign Spring push").
        what: String,
        /// What to ask: the count, who is left out, the first message.
        question: String,
    },
    /// Move a deal into a stage that wins it or opens it again: asked first, y confirms.
    MoveDeal {
        /// The deal.
        id: Id,
        /// Where it goes.
        stage: Stage,
        /// What to ask.
        question: String,
    },
}

/// A box drawn over the screen.
#[derive(Debug)]
pub enum Overlay {
    /// The keys of this screen, scrolled down so many lines.
    Help(usize),
    /// Fuzzy search.
    Search(SearchBox),
    /// Every action by name.
    Palette {
        /// What is typed.
        query: LineField,
        /// The selected entry.
        selected: usize,
    },
    /// A yes/no question.
    Confirm(Confirm),
    /// Picks a record (or one of the words a field takes) for a form field by fuzzy search.
    Picker {
        /// The form field filled on Enter.
        field: usize,
        /// What is typed.
        query: LineField,
        /// Matching records, or matching words (numbered by their place in `choices`).
        hits: Vec<crate::search::Hit>,
        /// The selected match.
        selected: usize,
        /// The words the field takes; empty when it takes a record.
        choices: Vec<String>,
        /// The search (run off the UI thread) whose matches are awaited, if any.
        waiting: Option<u64>,
        /// What the choice is for when it is not a form's value: a user to give records to
        /// (`@`), or the answer to the user dialog's question.
        purpose: Option<Box<PickFor>>,
    },
    /// Lines to read (the working day), scrolled down so many lines.
    Text {
        /// The box's title.
        title: String,
        /// What it says.
        lines: Vec<String>,
        /// How far it is scrolled.
        scroll: usize,
    },
    /// One line of text to type, and what it is for.
    Input {
        /// What the text is for.
        ask: Ask,
        /// What is typed, with the cursor.
        text: LineField,
    },
}

impl Overlay {
    /// A one-line question, its answer starting as `text`.
    pub fn ask(ask: Ask, text: impl Into<String>) -> Overlay {
        Overlay::Input { ask, text: LineField::new(text) }
    }
}

/// What a line of typed text is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A note on this record.
    Note(Targets),
    /// A label for these records.
    Tag(Targets),
    /// The list to put these contacts on.
    List(Targets),
    /// The name of a dynamic list saving this contacts filter.
    SaveFilter(String),
    /// The CSV file to import contacts from (`true`: named inside the upload folder, over SSH).
    ImportFile(bool),
    /// Why this deal was lost; with a stage, it moves there (else to the first lost stage).
    LostReason(Id, Option<Id>, String),
    /// Where the deals of a stage being deleted go.
    MoveDealsTo(Stage, usize),
    /// The name of a new entry of a picklist.
    NewPick(crate::model::Picklist),
    /// The new name of this entry of a picklist.
    RenamePick(crate::model::Picklist, String),
    /// Where the leads and deals carrying an entry of a picklist being deleted go (this many).
    MovePickTo(crate::model::Picklist, String, usize),
    /// A task on one line, linked to this record if any.
    QuickTask(Option<Targets>),
    /// Until when to snooze this task (its title).
    SnoozeUntil(Id, String),
    /// Whether this project's goal was met (y / n), to close it; its name and open tasks.
    GoalMet(Id, String, usize),
    /// The next question about a user being added or edited.
    User(Box<UserDraft>),
    /// The name of a new team.
    NewTeam,
    /// The new name of this team.
    RenameTeam(String),
    /// The name of a copy of this role.
    CopyRole(String),
    /// What fixed this case (its label), to move it to this status (resolved or closed).
    Resolution(Id, String, crate::model::CaseStatus),
    /// A comment on this case (its label): public (sent to the customer) or internal.
    CaseComment(Id, String, bool),
}

impl Ask {
    /// The prompt over the line.
    pub fn prompt(&self) -> String {
        match self {
            Ask::Note(r) => format!("Note on {}", r.name),
            Ask::Tag(t) => format!("Label for {}", t.name),
            Ask::List(t) => format!("Put {} on the list (name; made if new)", t.name),
            Ask::SaveFilter(f) => format!(
                "Save the filter '{}' as a dynamic list: its name (to put contacts on a static list, mark them with space, then +)",
                crate::text::first_line(f, 40)
            ),
            Ask::ImportFile(false) => {
                "Import a CSV or vCard file: its path (you see the columns and check the file before anything is written)"
                    .to_string()
            }
            Ask::ImportFile(true) => {
                "Import a CSV or vCard file from the upload folder: its name there (you see the columns and check the \
                 file before anything is written)"
                    .to_string()
            }
            Ask::LostReason(_, _, name) => format!("Why was {name} lost?"),
            Ask::QuickTask(None) => "New task: a title, then a date (today, fri, +3d) and !high if need be".to_string(),
            Ask::QuickTask(Some(r)) => {
                format!("New task about {}: a title, then a date (fri, +3d) and !high if need be", r.name)
            }
            Ask::SnoozeUntil(_, title) => format!("Snooze {title} until (tomorrow, mon, +3d, 2026-12-01)"),
            Ask::GoalMet(_, name, 0) => format!("Close {name}: was its goal met? y or n"),
            Ask::GoalMet(_, name, open) => {
                let tasks = crate::text::count(*open, "task is", "tasks are");
                format!("Close {name} ({tasks} still open): was its goal met? y or n")
            }
            Ask::NewPick(list) => format!("New {} (its name)", list.noun()),
            Ask::Resolution(_, name, crate::model::CaseStatus::Resolved) => {
                format!("Resolve {name}: what fixed it? (the resolution)")
            }
            Ask::Resolution(_, name, _) => format!("Close {name}: what fixed it? (the resolution)"),
            Ask::CaseComment(_, name, true) => format!("Reply to the customer on {name} (a public comment)"),
            Ask::CaseComment(_, name, false) => format!("Internal comment on {name}"),
            Ask::User(draft) => draft.prompt(),
            Ask::NewTeam => "New team (its name)".to_string(),
            Ask::RenameTeam(name) => format!("Rename the team {name} to"),
            Ask::CopyRole(name) => format!("Copy the role {name} as (a new role's name)"),
            Ask::RenamePick(list, name) => format!("Rename the {} {} to", list.noun(), crate::text::spoken(name)),
            Ask::MovePickTo(list, name, n) => format!(
                "{} is the {field} of {}: move them to which {field}? (- leaves them without one)",
                crate::text::spoken(name),
                match list {
                    crate::model::Picklist::LeadSources => crate::text::count(*n, "lead or deal", "leads and deals"),
                    crate::model::Picklist::Competitors => crate::text::count(*n, "deal", "deals"),
                },
                field = list.field(),
            ),
            Ask::MoveDealsTo(s, n) => {
                format!(
                    "{} holds {}: move them to which stage before deleting it?",
                    s.name,
                    crate::text::count(*n, "deal", "deals")
                )
            }
        }
    }

    /// The keys under the answer's line: Enter goes on to the next question of the user dialog
    /// until the last, which saves.
    pub fn help(&self) -> &'static str {
        match self {
            Ask::User(draft) if !draft.is_last() => "Enter next · Esc cancels",
            _ => "Enter saves · Esc cancels",
        }
    }
}

/// A transient message in the status bar.
#[derive(Debug, Clone)]
pub struct Message {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
    /// When it was set.
    pub at: Instant,
}
