//! The key tables: one per screen, dialog and editor, and the text keys every field shares.

use super::{Action, Binding, TextKey};
use crate::tui::ScreenId;

const fn bind(keys: &'static [&'static str], action: Action, help: &'static str) -> Binding {
    Binding { keys, action, help, hint: false, label: None }
}

/// A binding the status bar advertises.
const fn hint(keys: &'static [&'static str], action: Action, help: &'static str) -> Binding {
    Binding { keys, action, help, hint: true, label: None }
}

/// A binding the status bar advertises in words of its own (`a new user`), where the action's
/// name would say less of what it does on that tab.
const fn hint_as(keys: &'static [&'static str], action: Action, label: &'static str, help: &'static str) -> Binding {
    Binding { keys, action, help, hint: true, label: Some(label) }
}

/// What `y` does on a list, the board and a record's page.
const COPY_EMAIL: &str = "copy the email (else the phone) to your clipboard";

/// What `Y` does there.
const COPY_PHONE: &str = "copy the phone number (else the email) to your clipboard";

/// Keys that work on every screen, outside text fields.
pub const GLOBAL: &[Binding] = &[
    hint(&["?"], Action::Help, "show the keys of this screen"),
    hint(&["/"], Action::Search, "search people, companies, leads, deals, cases and knowledge articles"),
    hint(&[":"], Action::Palette, "command palette: every action by name"),
    bind(&["1", "g p"], Action::Goto(ScreenId::Pipeline), "pipeline"),
    bind(&["2", "g c"], Action::Goto(ScreenId::Contacts), "contacts"),
    bind(&["3", "g a"], Action::Goto(ScreenId::Accounts), "accounts"),
    bind(&["4", "g l"], Action::Goto(ScreenId::Leads), "leads"),
    bind(&["5", "g t"], Action::Goto(ScreenId::Tasks), "tasks"),
    bind(&["6", "g C"], Action::Goto(ScreenId::Calls), "calls"),
    bind(&["7", "g A"], Action::Goto(ScreenId::Agenda), "agenda"),
    bind(&["8", "g r"], Action::Goto(ScreenId::Reports), "reports"),
    bind(&["9", "g s"], Action::Goto(ScreenId::Cases), "cases: the customer service queue"),
    bind(&["g P"], Action::Goto(ScreenId::Products), "the product catalogue"),
    bind(&["g S"], Action::Goto(ScreenId::Settings), "settings: pipeline stages, lead sources"),
    bind(&["g j"], Action::Goto(ScreenId::Projects), "projects"),
    bind(&["g D"], Action::Goto(ScreenId::Duplicates), "possible duplicate contacts, to merge"),
    bind(&["g d"], Action::MyDay, "my day: what you (and your team) planned today and did"),
    bind(&["g m"], Action::Goto(ScreenId::Marketing), "marketing: campaigns, contact lists, email templates"),
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
    bind(&["@"], Action::Assign, "assign to a user (the marked rows too)"),
    bind(&["*"], Action::Scope, "scope: all, mine, my team (the title says which)"),
    bind(&["+"], Action::AddToList, "marked contacts onto a list; none marked, filtered: save the filter"),
    bind(&["y"], Action::CopyEmail, COPY_EMAIL),
    bind(&["Y"], Action::CopyPhone, COPY_PHONE),
    hint(&["c"], Action::Call, "log a call with the contact (a timer runs)"),
    bind(&["M"], Action::Email, "write the contact an email (a template or your own words)"),
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
    hint(&["f"], Action::Filter, "filter: owner:NAME stage:NAME close:today..+90d amount:>1000 (Esc clears)"),
    hint(&["Z"], Action::Fold, "show or fold the won and lost stages"),
    bind(&["Q"], Action::Quote, "the deal's quote (a new draft when it has none)"),
    hint(&["v"], Action::View, "the deals as a list"),
    bind(&["c"], Action::Call, "log a call with the deal's contact"),
    bind(&["t"], Action::AddTask, "add a task about the deal"),
    bind(&["@"], Action::Assign, "assign the deal to a user"),
    bind(&["y"], Action::CopyEmail, COPY_EMAIL),
    bind(&["Y"], Action::CopyPhone, COPY_PHONE),
    bind(&["*"], Action::Scope, "scope: all, mine, my team (the title says which)"),
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
    hint(&["t"], Action::ImportKind, "import as contacts, accounts, leads, deals, tasks, calls, products or cases"),
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
    bind(&["@"], Action::Assign, "assign the task (or the contact due) to a user"),
    hint(&["f"], Action::Filter, "narrow: project:NAME owner:NAME account:NAME due:<today (Esc clears)"),
    bind(&["*"], Action::Scope, "scope: all, mine, my team (the title says which)"),
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
    hint(&["B"], Action::SendBirthdays, "greet today's birthdays by email: pick the template, see who gets it"),
    hint(&["D"], Action::MyDay, "my day: what was planned for the day shown and what was done"),
];

/// Keys of every tab of the settings screen (the users, teams and roles tabs only for those with
/// the settings right); each tab adds its own.
pub const SETTINGS: &[Binding] = &[
    hint(&["tab"], Action::NextSection, "next: stages, lead sources, users, teams, roles"),
    bind(&["backtab"], Action::PrevSection, "previous of those"),
    bind(&["j", "down"], Action::Down, "next row"),
    bind(&["k", "up"], Action::Up, "previous row"),
    bind(&["g g", "home"], Action::Top, "first one"),
    bind(&["G", "end"], Action::Bottom, "last one"),
];

/// Keys of the Cases screen and a case's page (the list's keys and `@` assign too).
pub const CASES: &[Binding] = &[
    hint_as(
        &["s"],
        Action::Status,
        "next status",
        "next status: new, assigned, waiting, resolved (asks the resolution), closed",
    ),
    hint_as(
        &["x"],
        Action::Complete,
        "close",
        "close the case (asking its resolution if none yet); a closed one: reopen it",
    ),
    hint_as(&["a"], Action::Comment, "comment", "add an internal comment to the case"),
    hint_as(
        &["p"],
        Action::Reply,
        "reply",
        "reply to the customer: a public comment, the case's first response if none yet",
    ),
    hint_as(&["c"], Action::Call, "log call", "log a call on the case with its contact"),
    bind(&["@"], Action::Assign, "assign the case to a user (a new one becomes assigned)"),
    bind(&["K"], Action::Article, "write a knowledge article from the resolved case: its subject and resolution"),
];

/// Keys of the Marketing screen.
pub const MARKETING: &[Binding] = &[
    hint(&["tab"], Action::NextSection, "next tab: campaigns, lists, templates"),
    bind(&["backtab"], Action::PrevSection, "previous tab"),
    bind(&["j", "down"], Action::Down, "next row"),
    bind(&["k", "up"], Action::Up, "previous row"),
    bind(&["g g", "home"], Action::Top, "first one"),
    bind(&["G", "end"], Action::Bottom, "last one"),
    hint(&["enter", "l", "right"], Action::Open, "open it"),
    hint(&["n"], Action::New, "new campaign, list or template (the tab's)"),
    hint(&["e"], Action::Edit, "edit it"),
    hint(&["d"], Action::Delete, "delete it (asks first)"),
    hint(&["S"], Action::SendCampaign, "send the campaign: pick a template and a list, see who gets it, confirm"),
];

/// Keys of the settings' pipeline stages.
pub const SETTINGS_STAGES: &[Binding] = &[
    hint(&["K", "shift-up"], Action::StageUp, "move the stage earlier (the board's columns follow)"),
    hint(&["J", "shift-down"], Action::StageDown, "move the stage later"),
    hint_as(&["n", "a"], Action::New, "new stage", "new stage"),
    hint_as(&["e", "r"], Action::Edit, "edit stage", "rename the stage, change its probability"),
    hint_as(&["d"], Action::Delete, "delete stage", "delete the stage (asks where its deals go)"),
];

/// Keys of the settings' lead sources.
pub const SETTINGS_SOURCES: &[Binding] = &[
    hint_as(&["K", "shift-up"], Action::StageUp, "move earlier", "move the source earlier in the pickers"),
    hint_as(&["J", "shift-down"], Action::StageDown, "move later", "move the source later"),
    hint_as(&["n", "a"], Action::New, "new source", "new lead source"),
    hint_as(&["e", "r"], Action::Edit, "rename", "rename the lead source (its leads and deals follow)"),
    hint_as(&["d"], Action::Delete, "delete source", "delete the lead source (asks where its leads go)"),
];

/// Keys of the settings' competitors list.
pub const SETTINGS_COMPETITORS: &[Binding] = &[
    hint_as(&["K", "shift-up"], Action::StageUp, "move earlier", "move the competitor earlier in the pickers"),
    hint_as(&["J", "shift-down"], Action::StageDown, "move later", "move the competitor later"),
    hint_as(&["n", "a"], Action::New, "new competitor", "add a competitor deals can be up against"),
    hint_as(&["e", "r"], Action::Edit, "rename", "rename the competitor (its deals follow)"),
    hint_as(&["d"], Action::Delete, "delete", "delete the competitor (asks where its deals go)"),
];

/// Keys of the settings' users tab.
pub const SETTINGS_USERS: &[Binding] = &[
    hint_as(&["a", "n"], Action::New, "new user", "add a user, one question at a time"),
    hint_as(&["e"], Action::Edit, "edit or enable", "edit the user; a disabled one is enabled again"),
    hint_as(&["d"], Action::Delete, "disable", "disable the user (asks first); their records stay theirs"),
];

/// Keys of the settings' teams tab.
pub const SETTINGS_TEAMS: &[Binding] = &[
    hint_as(&["a", "n"], Action::New, "new team", "add a team"),
    hint_as(&["r", "e"], Action::Edit, "rename", "rename the team (its users follow)"),
];

/// Keys of the settings' roles tab.
pub const SETTINGS_ROLES: &[Binding] = &[
    hint_as(&["l", "right"], Action::Right, "next cell", "the cell to the right (from the roles: their table)"),
    bind(&["h", "left"], Action::Left, "the cell to the left (from the table's first: the roles)"),
    hint(&["c"], Action::CopyRole, "copy the selected role under a new name"),
    hint_as(&["enter", "space"], Action::Pick, "change cell", "cycle the level or toggle the right under the cursor"),
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
pub const CALLABLE_PAGE: &[Binding] = &[
    hint(&["c"], Action::Call, "log a call with this contact (a timer runs)"),
    bind(&["M"], Action::Email, "write this contact an email"),
];

/// Keys of a campaign's own page, over those of every record's page.
pub const CAMPAIGN_PAGE: &[Binding] = &[
    hint(&["S"], Action::SendCampaign, "send the campaign: pick a template and a list, see who gets it, confirm"),
    hint(&["R"], Action::Respond, "record that a contact answered (Enter picks the contact)"),
];

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
    bind(&["@"], Action::Assign, "assign this record to a user"),
    bind(&["y"], Action::CopyEmail, COPY_EMAIL),
    bind(&["Y"], Action::CopyPhone, COPY_PHONE),
];

/// Keys of the first-run welcome screen.
pub const WELCOME: &[Binding] = &[
    hint(&["d"], Action::LoadDemo, "load the demo data"),
    hint(&["e", "enter"], Action::StartEmpty, "start with an empty database"),
    hint(&["i"], Action::Import, "import a CSV or vCard file"),
];

/// Keys of the welcome screen over SSH, where demo data is off.
pub const WELCOME_SSH: &[Binding] = &[
    hint(&["e", "enter"], Action::StartEmpty, "start with an empty database"),
    hint(&["i"], Action::Import, "import a CSV or vCard file"),
];

/// Keys of a record form (the text keys edit the focused field).
pub const FORM: &[Binding] = &[
    hint(&["ctrl-s"], Action::Save, "save"),
    hint(&["esc"], Action::Back, "close (asks when something changed)"),
    hint(&["tab", "down"], Action::NextField, "next field"),
    bind(&["backtab", "up"], Action::PrevField, "previous field"),
    hint(&["enter"], Action::Pick, "a new line in notes; picks a record or a word; else the next field"),
    bind(&["f1"], Action::Help, "show the keys"),
    bind(&["ctrl-x ctrl-e"], Action::ExternalEditor, EXTERNAL_EDITOR),
    bind(&["ctrl-r"], Action::Reload, "after \"changed meanwhile\": reload, keeping what you typed"),
];

/// What `ctrl-x ctrl-e` does in a field of lines.
const EXTERNAL_EDITOR: &str = "notes in $EDITOR (VISUAL, EDITOR, else vi), on a local terminal";

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
    bind(&["tab"], Action::NextField, "next field"),
    bind(&["enter"], Action::Pick, "next field (in the notes: a new line)"),
    bind(&["backtab"], Action::PrevField, "previous field"),
    bind(&["f1"], Action::Help, "show the keys"),
    bind(&["ctrl-x ctrl-e"], Action::ExternalEditor, EXTERNAL_EDITOR),
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

/// Keys of a filter line, a list's, the board's or the task lists' (the text keys edit the
/// filter; the screen narrows as you type).
pub const FILTER: &[Binding] = &[
    hint(&["enter"], Action::Done, "keep the filter (a wrong term stays to fix)"),
    hint(&["esc"], Action::Back, "clear the filter"),
    hint(&["up"], Action::Up, "an earlier filter of this screen (kept while rolo runs)"),
    hint(&["down"], Action::Down, "a later filter of this screen"),
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
    ("Cases", CASES),
    ("Marketing", MARKETING),
    ("Campaign page", CAMPAIGN_PAGE),
    ("Settings", SETTINGS),
    ("Settings: pipeline stages", SETTINGS_STAGES),
    ("Settings: lead sources", SETTINGS_SOURCES),
    ("Settings: competitors", SETTINGS_COMPETITORS),
    ("Settings: users", SETTINGS_USERS),
    ("Settings: teams", SETTINGS_TEAMS),
    ("Settings: roles", SETTINGS_ROLES),
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
    ("Filter line", FILTER),
    ("Confirmations", CONFIRM),
    ("This help", HELP),
    ("Everywhere", GLOBAL),
    ("In text fields (other keys type; a proposed value is replaced)", TEXT),
];
