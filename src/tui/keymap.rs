//! The key map: one table per context, the single source of truth for the dispatcher, the help
//! overlay, the status-bar hints and the command palette.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ScreenId;

/// Everything a key (or the palette) can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave rolo (from the top level; inside a record, back out).
    Quit,
    /// Leave rolo at once, from anywhere.
    ForceQuit,
    /// Back out one level.
    Back,
    /// Move up one row.
    Up,
    /// Move down one row.
    Down,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Half a page down.
    HalfDown,
    /// Half a page up.
    HalfUp,
    /// A page down.
    PageDown,
    /// A page up.
    PageUp,
    /// Open the selected record.
    Open,
    /// Show the keys.
    Help,
    /// Every action by name.
    Palette,
    /// Fuzzy search over people, companies and deals.
    Search,
    /// Go to a screen.
    Goto(ScreenId),
    /// New record of the kind on screen.
    New,
    /// Edit the selected or shown record.
    Edit,
    /// Delete the selected or shown record (asks first).
    Delete,
    /// Mark the selected row.
    Mark,
    /// Mark from the last mark to here.
    MarkRange,
    /// Filter the list.
    Filter,
    /// Order by the next column.
    Sort,
    /// Reverse the order.
    SortReverse,
    /// Add a note to the shown record.
    Note,
    /// Label the marked (or selected) records.
    Tag,
    /// Hand the marked (or selected) records to another owner.
    Owner,
    /// Put the marked (or selected) contacts on a list.
    AddToList,
    /// Load the demo data (welcome screen).
    LoadDemo,
    /// Start with an empty database (welcome screen).
    StartEmpty,
    /// Import contacts from a CSV file.
    Import,
    /// Select the previous column (board).
    Left,
    /// Select the next column (board).
    Right,
    /// Move the selected deal to the previous stage.
    MoveLeft,
    /// Move the selected deal to the next stage.
    MoveRight,
    /// Mark the selected deal won.
    Won,
    /// Mark the selected deal lost (asking why).
    Lost,
    /// Fold or unfold the won and lost columns.
    Fold,
    /// Take back the last change made in this session.
    Undo,
    /// Move to the next field (or cell) of a form.
    NextField,
    /// Move to the previous field (or cell) of a form.
    PrevField,
    /// Pick the value of a form field that takes a record or a word (else the next field).
    Pick,
    /// Give the call its outcome (the key's letter).
    CallOutcome,
    /// Give the call its direction (the key's letter).
    CallDirection,
    /// Keep what is typed (a quote cell, an answer, a filter).
    Done,
    /// Say yes to a question.
    Yes,
    /// Give the selected (or marked) leads their next status.
    Status,
    /// Convert the selected lead (a preview first).
    Convert,
    /// Open the deal's quote (a new draft when it has none).
    Quote,
    /// Add a quote line by picking a product.
    AddLine,
    /// Type into the selected quote line.
    EditLine,
    /// Remove the selected quote line.
    RemoveLine,
    /// Give the quote its next status.
    QuoteStatus,
    /// Save the quote.
    Save,
    /// Give the report the next period: its own, this week, month, quarter, year.
    NextPeriod,
    /// Give the report a period typed from … to ….
    CustomPeriod,
    /// Show the report as a chart or as a table.
    ChartTable,
    /// Chart the report's next measure.
    NextMeasure,
    /// Show the report's next breakdown.
    NextView,
    /// Show the deals as a board or as a list.
    View,
    /// Move the selected stage one place earlier on the board.
    StageUp,
    /// Move the selected stage one place later on the board.
    StageDown,
    /// Log a call with the selected (or shown) contact.
    Call,
    /// Add a task (linked to the selected or shown record, if any).
    AddTask,
    /// Show the next task section.
    NextSection,
    /// Show the previous task section.
    PrevSection,
    /// Complete the selected task.
    Complete,
    /// Open the selected task again.
    Reopen,
    /// Move the selected task's due date a day on.
    Snooze,
    /// Move the selected task's due date, asking to when.
    SnoozeAsk,
    /// Show one day.
    DayView,
    /// Show a week.
    WeekView,
    /// Show the previous day or week.
    Earlier,
    /// Show the next day or week.
    Later,
    /// Back to today.
    Today,
    /// Close the selected (or shown) project, asking whether its goal was met.
    CloseProject,
    /// Merge the selected pair of contacts into one.
    Merge,
    /// Swap which contact of the selected pair is kept.
    Swap,
    /// Choose the field of the selected column of the file being imported.
    ChooseField,
    /// Check the file being imported (writing nothing), or import it once checked.
    CheckImport,
    /// Import the file as the next kind of record.
    ImportKind,
    /// Settle duplicates the next way: skip, merge, create.
    ImportPolicy,
    /// An editing key of a text field.
    Text(TextKey),
}

/// The editing keys of every text field (see `tui::line`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKey {
    /// One character left.
    Left,
    /// One character right.
    Right,
    /// One word left.
    WordLeft,
    /// One word right.
    WordRight,
    /// To the start of the line.
    Start,
    /// To the end of the line.
    End,
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character under the cursor.
    Delete,
    /// Delete the word before the cursor.
    DeleteWord,
    /// Delete the word after the cursor.
    DeleteWordAfter,
    /// Empty the field.
    Clear,
    /// Delete from the cursor to the end.
    DeleteToEnd,
}

impl Action {
    /// The name shown in the palette and the help.
    pub fn name(self) -> String {
        match self {
            Action::Goto(s) => format!("go to {}", s.title()),
            Action::Text(_) => TEXT.iter().find(|b| b.action == self).map_or("", |b| b.help).to_string(),
            other => match other {
                Action::Quit => "quit",
                Action::ForceQuit => "quit now",
                Action::Back => "back",
                Action::Up => "up",
                Action::Down => "down",
                Action::Top => "first row",
                Action::Bottom => "last row",
                Action::HalfDown => "half page down",
                Action::HalfUp => "half page up",
                Action::PageDown => "page down",
                Action::PageUp => "page up",
                Action::Open => "open",
                Action::Help => "help",
                Action::Palette => "command palette",
                Action::Search => "search",
                Action::New => "new record",
                Action::Edit => "edit record",
                Action::Delete => "delete record",
                Action::Mark => "mark row",
                Action::MarkRange => "mark range",
                Action::Filter => "filter the list",
                Action::Sort => "order by next column",
                Action::SortReverse => "reverse order",
                Action::Note => "add note",
                Action::Tag => "label marked rows",
                Action::Owner => "set owner of marked rows",
                Action::AddToList => "add marked contacts to a list",
                Action::LoadDemo => "load demo data",
                Action::StartEmpty => "start empty",
                Action::Import => "import a CSV or vCard file",
                Action::Left => "previous column",
                Action::Right => "next column",
                Action::MoveLeft => "move deal to previous stage",
                Action::MoveRight => "move deal to next stage",
                Action::Won => "mark deal won",
                Action::Lost => "mark deal lost",
                Action::Fold => "fold won and lost stages",
                Action::Undo => "undo the last change",
                Action::NextField => "next field",
                Action::PrevField => "previous field",
                Action::Pick => "pick the field's value",
                Action::CallOutcome => "the call's outcome",
                Action::CallDirection => "the call's direction",
                Action::Done => "keep what is typed",
                Action::Yes => "yes",
                Action::Status => "next lead status",
                Action::Convert => "convert lead",
                Action::Quote => "edit the deal's quote",
                Action::AddLine => "add a quote line",
                Action::EditLine => "edit the quote line",
                Action::RemoveLine => "remove the quote line",
                Action::QuoteStatus => "next quote status",
                Action::Save => "save",
                Action::NextPeriod => "report: next period",
                Action::CustomPeriod => "report: period from … to …",
                Action::ChartTable => "report: chart or table",
                Action::NextMeasure => "report: next measure",
                Action::NextView => "report: next breakdown",
                Action::View => "deals as board or list",
                Action::StageUp => "move stage earlier",
                Action::StageDown => "move stage later",
                Action::Call => "log a call",
                Action::AddTask => "add a task",
                Action::NextSection => "next section",
                Action::PrevSection => "previous task section",
                Action::Complete => "complete the task",
                Action::Reopen => "reopen the task",
                Action::Snooze => "snooze the task a day",
                Action::SnoozeAsk => "snooze the task until…",
                Action::DayView => "agenda: one day",
                Action::WeekView => "agenda: a week",
                Action::Earlier => "agenda: earlier",
                Action::Later => "agenda: later",
                Action::Today => "agenda: today",
                Action::CloseProject => "close the project",
                Action::Merge => "merge the duplicate pair",
                Action::Swap => "swap which contact is kept",
                Action::ChooseField => "choose the field",
                Action::CheckImport => "check, then import",
                Action::ImportKind => "import as another kind",
                Action::ImportPolicy => "change what duplicates do",
                Action::Goto(_) | Action::Text(_) => unreachable!("handled above"),
            }
            .to_string(),
        }
    }
}

/// One binding: the keys (alternatives; a space separates the keys of a sequence), what they
/// do, and the help text.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Alternatives, e.g. `["j", "down"]`, `["g g", "home"]`.
    pub keys: &'static [&'static str],
    /// What they do.
    pub action: Action,
    /// Shown in the help overlay.
    pub help: &'static str,
    /// Whether the status bar lists it among the keys that matter here.
    pub hint: bool,
}

const fn bind(keys: &'static [&'static str], action: Action, help: &'static str) -> Binding {
    Binding { keys, action, help, hint: false }
}

/// A binding the status bar advertises.
const fn hint(keys: &'static [&'static str], action: Action, help: &'static str) -> Binding {
    Binding { keys, action, help, hint: true }
}

/// Keys that work on every screen, outside text fields.
pub const GLOBAL: &[Binding] = &[
    hint(&["?"], Action::Help, "show the keys of this screen"),
    hint(&["/"], Action::Search, "search people, companies, leads and deals"),
    hint(&[":"], Action::Palette, "command palette: every action by name"),
    bind(&["1", "g p"], Action::Goto(ScreenId::Pipeline), "pipeline"),
    bind(&["2", "g c"], Action::Goto(ScreenId::Contacts), "contacts"),
    bind(&["3", "g a"], Action::Goto(ScreenId::Accounts), "accounts"),
    bind(&["4", "g l"], Action::Goto(ScreenId::Leads), "leads"),
    bind(&["5", "g t"], Action::Goto(ScreenId::Tasks), "tasks"),
    bind(&["6", "g C"], Action::Goto(ScreenId::Calls), "calls"),
    bind(&["7", "g A"], Action::Goto(ScreenId::Agenda), "agenda"),
    bind(&["8", "g r"], Action::Goto(ScreenId::Reports), "reports"),
    bind(&["g P"], Action::Goto(ScreenId::Products), "the product catalogue"),
    bind(&["g S"], Action::Goto(ScreenId::Settings), "settings: pipeline stages, lead sources"),
    bind(&["g j"], Action::Goto(ScreenId::Projects), "projects"),
    bind(&["g D"], Action::Goto(ScreenId::Duplicates), "possible duplicate contacts, to merge"),
    bind(&["I"], Action::Import, "import a CSV or vCard file"),
    bind(&["z"], Action::Undo, "undo the last change made in this session"),
    bind(&["esc"], Action::Back, "back out one level"),
    hint(&["q"], Action::Quit, "quit (inside a record: back out)"),
    bind(&["ctrl-c"], Action::ForceQuit, "quit at once"),
];

/// Keys of a record list (contacts, accounts).
pub const LIST: &[Binding] = &[
    bind(&["j", "down"], Action::Down, "down"),
    bind(&["k", "up"], Action::Up, "up"),
    bind(&["g g", "home"], Action::Top, "first row"),
    bind(&["G", "end"], Action::Bottom, "last row"),
    bind(&["ctrl-d"], Action::HalfDown, "half page down"),
    bind(&["ctrl-u"], Action::HalfUp, "half page up"),
    bind(&["pagedown"], Action::PageDown, "page down"),
    bind(&["pageup"], Action::PageUp, "page up"),
    hint(&["enter", "l", "right"], Action::Open, "open the selected record"),
    hint(&["n"], Action::New, "new record"),
    hint(&["e"], Action::Edit, "edit the selected record"),
    hint(&["d"], Action::Delete, "delete (asks first; marked rows too)"),
    hint(&["space"], Action::Mark, "mark the row"),
    bind(&["V"], Action::MarkRange, "mark from the last mark to here"),
    hint(&["f"], Action::Filter, "filter the list (Enter keeps it, Esc clears it)"),
    bind(&["#"], Action::Tag, "label the marked rows (or the selected one)"),
    bind(&["@"], Action::Owner, "hand the marked rows to another owner"),
    bind(&["+"], Action::AddToList, "put the marked contacts on a list"),
    hint(&["c"], Action::Call, "log a call with the contact (a timer runs)"),
    bind(&["t"], Action::AddTask, "add a task linked to the selected record"),
    bind(&["o"], Action::Sort, "order by the next column"),
    bind(&["O"], Action::SortReverse, "reverse the order"),
];

/// Keys of the pipeline board.
pub const BOARD: &[Binding] = &[
    hint(&["H", "shift-left"], Action::MoveLeft, "move the deal to the previous stage"),
    hint(&["L", "shift-right"], Action::MoveRight, "move the deal to the next stage"),
    hint(&["w"], Action::Won, "mark the deal won"),
    hint(&["x"], Action::Lost, "mark the deal lost (asks why)"),
    bind(&["h", "left"], Action::Left, "previous stage"),
    bind(&["l", "right"], Action::Right, "next stage"),
    bind(&["j", "down"], Action::Down, "next deal"),
    bind(&["k", "up"], Action::Up, "previous deal"),
    bind(&["g g", "home"], Action::Top, "first deal"),
    bind(&["G", "end"], Action::Bottom, "last deal"),
    hint(&["enter"], Action::Open, "open the deal"),
    hint(&["n"], Action::New, "new deal in this stage"),
    bind(&["e"], Action::Edit, "edit the deal"),
    bind(&["d"], Action::Delete, "delete the deal (asks first)"),
    hint(&["f"], Action::Filter, "filter: owner:NAME account:TEXT close:FROM..TO (Esc clears)"),
    hint(&["Z"], Action::Fold, "show or fold the won and lost stages"),
    bind(&["Q"], Action::Quote, "the deal's quote (a new draft when it has none)"),
    hint(&["v"], Action::View, "the deals as a list"),
    bind(&["c"], Action::Call, "log a call with the deal's contact"),
    bind(&["t"], Action::AddTask, "add a task about the deal"),
];

/// Keys of the deals list, over those of every list.
pub const DEALS: &[Binding] = &[
    hint(&["v"], Action::View, "the deals as a board"),
    bind(&["Q"], Action::Quote, "the deal's quote (a new draft when it has none)"),
];

/// Keys of every text field: form fields, the call form, quote cells, questions, filters, the
/// search box, pickers and the Reports period. Other characters are typed at the cursor; a
/// value rolo proposes is selected, and the first character typed replaces it.
pub const TEXT: &[Binding] = &[
    bind(&["left", "ctrl-b"], Action::Text(TextKey::Left), "cursor one character left"),
    bind(&["right", "ctrl-f"], Action::Text(TextKey::Right), "cursor one character right"),
    bind(&["ctrl-left"], Action::Text(TextKey::WordLeft), "cursor one word left"),
    bind(&["ctrl-right"], Action::Text(TextKey::WordRight), "cursor one word right"),
    bind(&["home", "ctrl-a"], Action::Text(TextKey::Start), "cursor to the start"),
    bind(&["end", "ctrl-e"], Action::Text(TextKey::End), "cursor to the end"),
    bind(&["backspace", "ctrl-h"], Action::Text(TextKey::Backspace), "delete the character before the cursor"),
    bind(&["delete"], Action::Text(TextKey::Delete), "delete the character under the cursor"),
    bind(&["ctrl-w"], Action::Text(TextKey::DeleteWord), "delete the word before the cursor"),
    bind(&["ctrl-delete"], Action::Text(TextKey::DeleteWordAfter), "delete the word after the cursor"),
    bind(&["ctrl-u"], Action::Text(TextKey::Clear), "empty the field"),
    bind(&["ctrl-k"], Action::Text(TextKey::DeleteToEnd), "delete to the end"),
];

/// Keys of the quote editor (it holds the screen until closed).
pub const QUOTE: &[Binding] = &[
    hint(&["a"], Action::AddLine, "add a line: pick a product"),
    hint(&["enter", "e"], Action::EditLine, "edit the line: Tab moves between quantity, price, discount"),
    hint(&["d"], Action::RemoveLine, "remove the line"),
    hint(&["s"], Action::QuoteStatus, "next status: draft, sent, accepted, rejected"),
    hint(&["ctrl-s"], Action::Save, "save the quote"),
    bind(&["j", "down"], Action::Down, "next line"),
    bind(&["k", "up"], Action::Up, "previous line"),
    hint(&["esc", "q"], Action::Back, "close (asks when unsaved)"),
    bind(&["?"], Action::Help, "show the keys"),
    bind(&[":"], Action::Palette, "command palette"),
    bind(&["ctrl-c"], Action::ForceQuit, "quit at once"),
];

/// Keys of the import wizard.
pub const IMPORT: &[Binding] = &[
    hint(&["enter", "e"], Action::ChooseField, "choose the column's field (type to narrow)"),
    hint(&["t"], Action::ImportKind, "import as contacts, accounts, leads, deals, tasks, calls or products"),
    hint(&["o"], Action::ImportPolicy, "duplicates: skip, merge or create"),
    hint(&["ctrl-s"], Action::CheckImport, "check the whole file (writes nothing); again to import"),
    bind(&["j", "down"], Action::Down, "next column"),
    bind(&["k", "up"], Action::Up, "previous column"),
    bind(&["g g", "home"], Action::Top, "first column"),
    bind(&["G", "end"], Action::Bottom, "last column"),
    bind(&["ctrl-d", "pagedown"], Action::PageDown, "scroll the problems down"),
    bind(&["ctrl-u", "pageup"], Action::PageUp, "scroll the problems up"),
    hint(&["esc", "q"], Action::Back, "close (nothing is written before the import)"),
    bind(&["?"], Action::Help, "show the keys"),
    bind(&["ctrl-c"], Action::ForceQuit, "quit at once"),
];

/// Keys of the task lists.
pub const TASKS: &[Binding] = &[
    hint(&["n", "t"], Action::AddTask, "add: a title, then a date (fri, +3d) and !high if need be"),
    hint(&["x"], Action::Complete, "complete"),
    bind(&["u"], Action::Reopen, "reopen"),
    hint(&["s"], Action::Snooze, "snooze a day"),
    bind(&["S"], Action::SnoozeAsk, "snooze until… (asks)"),
    hint(&["tab", "]"], Action::NextSection, "next section: today, overdue, upcoming, all, done, due to contact"),
    bind(&["c"], Action::Call, "log a call (with the contact due, or the task's contact)"),
    bind(&["backtab", "["], Action::PrevSection, "previous section"),
    bind(&["j", "down"], Action::Down, "next task"),
    bind(&["k", "up"], Action::Up, "previous task"),
    bind(&["g g", "home"], Action::Top, "first task"),
    bind(&["G", "end"], Action::Bottom, "last task"),
    bind(&["enter"], Action::Open, "open what the task is about"),
    bind(&["e"], Action::Edit, "edit the task"),
    bind(&["d"], Action::Delete, "delete the task (asks first)"),
    hint(&["f"], Action::Filter, "narrow: project:NAME owner:NAME account:NAME (Esc clears)"),
];

/// Keys of the agenda.
pub const AGENDA: &[Binding] = &[
    hint(&["d"], Action::DayView, "one day"),
    hint(&["w"], Action::WeekView, "a week"),
    hint(&["[", "h", "left"], Action::Earlier, "the day (or week) before"),
    hint(&["]", "l", "right"], Action::Later, "the day (or week) after"),
    hint(&["."], Action::Today, "today"),
    hint(&["n"], Action::New, "new event (Enter on attendees picks people)"),
    bind(&["j", "down"], Action::Down, "next item"),
    bind(&["k", "up"], Action::Up, "previous item"),
    bind(&["g g", "home"], Action::Top, "first item"),
    bind(&["G", "end"], Action::Bottom, "last item"),
    bind(&["enter"], Action::Open, "open the item's record"),
    hint(&["x"], Action::Complete, "complete the task"),
    bind(&["e"], Action::Edit, "edit the event"),
];

/// Keys of the settings screen.
pub const SETTINGS: &[Binding] = &[
    hint(&["tab", "backtab"], Action::NextSection, "switch between stages and lead sources"),
    bind(&["j", "down"], Action::Down, "next stage or source"),
    bind(&["k", "up"], Action::Up, "previous stage or source"),
    bind(&["g g", "home"], Action::Top, "first one"),
    bind(&["G", "end"], Action::Bottom, "last one"),
    hint(&["K", "shift-up"], Action::StageUp, "move it earlier (the board's columns follow)"),
    hint(&["J", "shift-down"], Action::StageDown, "move it later"),
    hint(&["n"], Action::New, "new stage or source"),
    hint(&["e"], Action::Edit, "rename (a stage: also its probability)"),
    hint(&["d"], Action::Delete, "delete (asks where its deals or leads go)"),
];

/// Keys of the possible-duplicates screen.
pub const DUPLICATES: &[Binding] = &[
    bind(&["j", "down"], Action::Down, "next pair"),
    bind(&["k", "up"], Action::Up, "previous pair"),
    bind(&["g g", "home"], Action::Top, "first pair"),
    bind(&["G", "end"], Action::Bottom, "last pair"),
    hint(&["m"], Action::Merge, "merge the pair into the contact kept (asks first)"),
    hint(&["x"], Action::Swap, "swap which contact is kept"),
    hint(&["enter"], Action::Open, "open the contact kept"),
];

/// Keys of the Reports screen: the list of reports, the chart (or table) of one, and the
/// records behind a bar.
pub const REPORTS: &[Binding] = &[
    hint(&["enter"], Action::Open, "to the chart; on a bar, its records; on a record, open it"),
    hint(&["p"], Action::NextPeriod, "period: its own, this week, month, quarter, year"),
    hint(&["P"], Action::CustomPeriod, "period from … to … (typed; Enter applies, Esc cancels)"),
    hint(&["v"], Action::ChartTable, "chart or table"),
    hint(&["m"], Action::NextMeasure, "chart the next measure (amount, weighted, deals…)"),
    hint(&["tab"], Action::NextView, "next breakdown (by month or quarter, by country…)"),
    bind(&["j", "down"], Action::Down, "next report, bar or record"),
    bind(&["k", "up"], Action::Up, "previous report, bar or record"),
    bind(&["g g", "home"], Action::Top, "first one"),
    bind(&["G", "end"], Action::Bottom, "last one"),
    bind(&["ctrl-d"], Action::HalfDown, "half a page down (records)"),
    bind(&["ctrl-u"], Action::HalfUp, "half a page up (records)"),
    bind(&["l", "right"], Action::Right, "to the chart"),
    bind(&["h", "left"], Action::Left, "back: to the chart, to the list of reports"),
];

/// Keys of the projects list and a project's detail.
pub const PROJECTS: &[Binding] = &[hint(&["x"], Action::CloseProject, "close the project (asks: goal met?)")];

/// Keys of a person's or a deal's page, over those of every record's page.
pub const CALLABLE_PAGE: &[Binding] = &[hint(&["c"], Action::Call, "log a call with this contact (a timer runs)")];

/// Keys of a task's own page, over those of every record's page.
pub const TASK_PAGE: &[Binding] =
    &[hint(&["x"], Action::Complete, "complete this task"), hint(&["u"], Action::Reopen, "reopen this task")];

/// Keys of the leads list, over those of every list.
pub const LEADS: &[Binding] = &[
    hint(&["C"], Action::Convert, "convert: preview the account, contact and deal, then Ctrl-S"),
    hint(&["s"], Action::Status, "next status: new, contacted, qualified, unqualified"),
];

/// Keys of a record's detail view.
pub const DETAIL: &[Binding] = &[
    bind(&["j", "down"], Action::Down, "next line"),
    bind(&["k", "up"], Action::Up, "previous line"),
    bind(&["g g", "home"], Action::Top, "top"),
    bind(&["G", "end"], Action::Bottom, "bottom"),
    bind(&["ctrl-d", "pagedown"], Action::HalfDown, "half a page down"),
    bind(&["ctrl-u", "pageup"], Action::HalfUp, "half a page up"),
    hint(&["enter"], Action::Open, "open the deal, task, call, note or person on this line (› marks them)"),
    hint(&["e"], Action::Edit, "edit this record"),
    hint(&["a"], Action::Note, "add a note"),
    hint(&["t"], Action::AddTask, "add a task linked to this record"),
    bind(&["d"], Action::Delete, "delete this record (asks first)"),
    hint(&["h", "left"], Action::Back, "back to the list"),
    bind(&["Q"], Action::Quote, "a deal's quote (a new draft when it has none)"),
];

/// Keys of the first-run welcome screen.
pub const WELCOME: &[Binding] = &[
    hint(&["d"], Action::LoadDemo, "load the demo data"),
    hint(&["e", "enter"], Action::StartEmpty, "start with an empty database"),
    hint(&["i"], Action::Import, "import a CSV or vCard file"),
];

/// Keys of a record form (the text keys edit the focused field).
pub const FORM: &[Binding] = &[
    hint(&["ctrl-s"], Action::Save, "save"),
    hint(&["esc"], Action::Back, "close (asks when something changed)"),
    hint(&["tab", "down"], Action::NextField, "next field"),
    bind(&["backtab", "up"], Action::PrevField, "previous field"),
    hint(&["enter"], Action::Pick, "on a field that takes a record or a word: pick it; elsewhere the next field"),
    bind(&["f1"], Action::Help, "show the keys"),
];

/// Keys of the call form (the text keys edit the notes and the follow-up).
pub const CALL: &[Binding] = &[
    hint(
        &["c", "v", "n", "b", "w"],
        Action::CallOutcome,
        "on the outcome: connected, voicemail, no answer, busy, wrong number",
    ),
    bind(&["o", "i"], Action::CallDirection, "on the direction: out or in"),
    hint(&["ctrl-s"], Action::Save, "log the call (and its follow-up task) in one write"),
    hint(&["esc"], Action::Back, "close (asks when an outcome or notes were given)"),
    bind(&["tab", "enter"], Action::NextField, "next field (Enter in the notes starts a new line)"),
    bind(&["backtab"], Action::PrevField, "previous field"),
    bind(&["f1"], Action::Help, "show the keys"),
];

/// Keys of a quote cell being typed into (the text keys edit it).
pub const QUOTE_CELL: &[Binding] = &[
    hint(&["tab"], Action::NextField, "next cell: quantity, unit price, discount"),
    bind(&["backtab"], Action::PrevField, "previous cell"),
    hint(&["enter"], Action::Done, "keep the line (a cell that does not read holds the editor)"),
    hint(&["esc"], Action::Back, "put the cell back as it was"),
    hint(&["ctrl-s"], Action::Save, "save the quote"),
    bind(&["f1"], Action::Help, "show the keys"),
];

/// Keys of a pick list with a query line: form pickers, the quote's product picker, the import
/// wizard's field picker and the palette (the text keys edit the query).
pub const PICKER: &[Binding] = &[
    bind(&["down", "tab", "ctrl-n", "ctrl-j"], Action::Down, "next match"),
    bind(&["up", "backtab", "ctrl-p", "ctrl-k"], Action::Up, "previous match"),
    hint(&["enter"], Action::Open, "take the selected match"),
    hint(&["esc"], Action::Back, "close without picking"),
];

/// Keys of the `/` search (the text keys edit the query).
pub const SEARCH: &[Binding] = &[
    bind(&["down", "tab", "ctrl-n", "ctrl-j"], Action::Down, "next result"),
    bind(&["up", "backtab", "ctrl-p", "ctrl-k"], Action::Up, "previous result"),
    hint(&["enter"], Action::Open, "open the selected record"),
    hint(&["ctrl-l"], Action::Call, "log a call with the selected person"),
    hint(&["esc"], Action::Back, "close (the query is kept for the next /)"),
];

/// Keys of a one-line question (the text keys edit the answer).
pub const ASK: &[Binding] = &[
    hint(&["enter"], Action::Done, "answer (a refused answer stays open to fix)"),
    hint(&["esc"], Action::Back, "cancel"),
];

/// Keys of a list's filter line (the text keys edit the filter; the list narrows as you type).
pub const FILTER: &[Binding] = &[
    hint(&["enter"], Action::Done, "keep the filter and go back to the list"),
    hint(&["esc"], Action::Back, "clear the filter"),
];

/// Keys of a yes/no question.
pub const CONFIRM: &[Binding] =
    &[hint(&["y"], Action::Yes, "yes, do it"), hint(&["n", "esc"], Action::Back, "no (any other key too)")];

/// Keys of this help.
pub const HELP: &[Binding] = &[
    bind(&["j", "down"], Action::Down, "scroll down"),
    bind(&["k", "up"], Action::Up, "scroll up"),
    bind(&["g", "home"], Action::Top, "to the top"),
    bind(&["G", "end"], Action::Bottom, "to the end"),
    hint(&["esc", "q", "?"], Action::Back, "close"),
];

/// Every key table with the name the help gives its section, screens first, then what sits over
/// them, then the keys of every screen and of every text field: the help lists them all.
pub const ALL: &[(&str, &[Binding])] = &[
    ("Lists", LIST),
    ("Pipeline board", BOARD),
    ("Deals as a list", DEALS),
    ("Leads", LEADS),
    ("Projects", PROJECTS),
    ("Tasks", TASKS),
    ("Agenda", AGENDA),
    ("Reports", REPORTS),
    ("Settings", SETTINGS),
    ("Possible duplicates", DUPLICATES),
    ("A record's page", DETAIL),
    ("A person's or a deal's page", CALLABLE_PAGE),
    ("A task's page", TASK_PAGE),
    ("Welcome", WELCOME),
    ("Quote editor", QUOTE),
    ("A quote cell", QUOTE_CELL),
    ("Import wizard", IMPORT),
    ("Forms", FORM),
    ("Call form", CALL),
    ("Pickers and the palette", PICKER),
    ("Search", SEARCH),
    ("Questions", ASK),
    ("List filter line", FILTER),
    ("Confirmations", CONFIRM),
    ("This help", HELP),
    ("Everywhere", GLOBAL),
    ("In text fields (other keys type; a proposed value is replaced)", TEXT),
];

/// The sections of the help for the tables in force (`context`, most specific first): those
/// first, the global keys and the text keys next, then every other table, so `?` lists every key
/// of every mode with the ones that act here on top.
pub fn help_sections(context: &[&'static [Binding]]) -> Vec<(&'static str, &'static [Binding])> {
    // Constants are compared by what they hold: each use of one may be its own copy.
    let same = |a: &[Binding], b: &[Binding]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.keys == y.keys && x.help == y.help)
    };
    let title = |t: &'static [Binding]| ALL.iter().find(|(_, x)| same(x, t)).map_or("This screen", |(n, _)| n);
    let mut sections: Vec<(&'static str, &'static [Binding])> = Vec::new();
    let first = context.iter().copied().chain([GLOBAL, TEXT]);
    for table in first.chain(ALL.iter().map(|(_, t)| *t)) {
        if !sections.iter().any(|(_, t)| same(t, table)) {
            sections.push((title(table), table));
        }
    }
    sections
}

/// The text form of a key press as the tables write it: `j`, `G`, `ctrl-d`, `enter`, `esc`...
pub fn key_name(key: &KeyEvent) -> Option<String> {
    let base = match key.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    let arrow = matches!(key.code, KeyCode::Left | KeyCode::Right | KeyCode::Up | KeyCode::Down);
    Some(if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("ctrl-{base}")
    } else if arrow && key.modifiers.contains(KeyModifiers::SHIFT) {
        format!("shift-{base}")
    } else {
        base
    })
}

/// What a key sequence means in these tables (first table first): an action, the start of a
/// longer sequence, or nothing.
pub enum Lookup {
    /// The sequence names an action.
    Action(Action),
    /// The sequence begins a longer one (`g` of `g g`).
    Prefix,
    /// Nothing.
    None,
}

/// The action `key` names in `table` (a mode whose keys are single presses), if any.
pub fn action_in(table: &[Binding], key: &KeyEvent) -> Option<Action> {
    match lookup(&[table], &key_name(key)?) {
        Lookup::Action(a) => Some(a),
        _ => None,
    }
}

/// Looks `seq` up in the tables, in order.
pub fn lookup(tables: &[&[Binding]], seq: &str) -> Lookup {
    let mut prefix = false;
    for table in tables {
        for b in table.iter() {
            for k in b.keys {
                if *k == seq {
                    return Lookup::Action(b.action);
                }
                if k.starts_with(seq) && k.as_bytes().get(seq.len()) == Some(&b' ') {
                    prefix = true;
                }
            }
        }
    }
    if prefix { Lookup::Prefix } else { Lookup::None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_and_alternatives() {
        let tables: &[&[Binding]] = &[LIST, GLOBAL];
        assert!(matches!(lookup(tables, "j"), Lookup::Action(Action::Down)));
        assert!(matches!(lookup(tables, "down"), Lookup::Action(Action::Down)));
        assert!(matches!(lookup(tables, "g"), Lookup::Prefix));
        assert!(matches!(lookup(tables, "g g"), Lookup::Action(Action::Top)));
        assert!(matches!(lookup(tables, "g c"), Lookup::Action(Action::Goto(ScreenId::Contacts))));
        assert!(matches!(lookup(tables, "x"), Lookup::None));
    }

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for table in
            [LIST, DETAIL, WELCOME, BOARD, LEADS, REPORTS, DEALS, SETTINGS, TASKS, AGENDA, PROJECTS, DUPLICATES, TEXT]
        {
            let mut seen = std::collections::HashSet::new();
            for b in table.iter().chain(GLOBAL) {
                for k in b.keys {
                    // A screen key may shadow a global one on purpose only for `esc`-like backs.
                    if !seen.insert(*k) && b.action != Action::Back {
                        panic!("{k} is bound twice");
                    }
                }
            }
        }
    }

    #[test]
    fn the_help_lists_every_table_once_with_the_tables_in_force_first() {
        let sections = help_sections(&[FORM]);
        assert_eq!(sections[0].0, "Forms");
        assert_eq!((sections[1].0, sections[2].1.len()), ("Everywhere", TEXT.len()));
        for (name, _) in ALL {
            let shown = sections.iter().filter(|(n, _)| n == name).count();
            assert_eq!(shown, 1, "{name}");
        }
    }

    #[test]
    fn the_modes_tables_mean_one_thing_per_key() {
        for table in [FORM, CALL, QUOTE_CELL, PICKER, SEARCH, ASK, FILTER, CONFIRM, HELP] {
            let mut seen = std::collections::HashSet::new();
            for b in table.iter() {
                for k in b.keys {
                    assert!(seen.insert(*k), "{k} is bound twice");
                }
            }
        }
    }
}
