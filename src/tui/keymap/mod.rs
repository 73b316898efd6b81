//! The key map: one table per context, the single source of truth for the dispatcher, the help
//! overlay, the status-bar hints and the command palette.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ScreenId;

mod tables;

pub use tables::*;

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
    /// Give the marked (or selected, or shown) records to a user, picked from the active users.
    Assign,
    /// Narrow a list or the board to the next scope: all, mine, my team.
    Scope,
    /// Copy the selected role under a new name (Settings).
    CopyRole,
    /// Put the marked (or selected) contacts on a list.
    AddToList,
    /// Copy the selected record's email (else its phone) to the user's clipboard.
    CopyEmail,
    /// Copy the selected record's phone (else its email) to the user's clipboard.
    CopyPhone,
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
    /// Edit the field of lines in `$EDITOR`.
    ExternalEditor,
    /// Read the record a form edits again after a save refused as changed meanwhile, keeping
    /// what was typed.
    Reload,
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
    /// Write an email to the selected (or shown) contact.
    Email,
    /// Send the selected campaign to a list.
    SendCampaign,
    /// Send today's birthdays a greeting.
    SendBirthdays,
    /// Show the working day: what was planned and what was done.
    MyDay,
    /// Record that a contact answered the campaign.
    Respond,
    /// Add an internal comment to the case.
    Comment,
    /// Reply to the customer on the case (a public comment).
    Reply,
    /// Write a knowledge article from the resolved case.
    Article,
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
                Action::Assign => "assign to a user",
                Action::Scope => "scope: mine, my team, all",
                Action::CopyRole => "copy the role",
                Action::AddToList => "add marked contacts to a list",
                Action::Email => "write an email",
                Action::SendCampaign => "send the campaign",
                Action::SendBirthdays => "greet today's birthdays",
                Action::MyDay => "my day",
                Action::Respond => "record a response",
                Action::Comment => "comment on the case",
                Action::Reply => "reply to the customer",
                Action::Article => "write a knowledge article from the case",

                Action::CopyEmail => "copy the email",
                Action::CopyPhone => "copy the phone number",
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
                Action::ExternalEditor => "edit the field in $EDITOR",
                Action::Reload => "reload the record, keeping what you typed",
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
    /// The words the status bar shows for it, when not the action's name.
    pub label: Option<&'static str>,
}

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

/// The key press a table's name stands for (`j`, `G`, `ctrl-s`, `shift-left`, `f1`...): the
/// inverse of [`key_name`], so tests press exactly the keys the tables list.
pub fn key_event(name: &str) -> Option<KeyEvent> {
    let (mods, base) = match (name.strip_prefix("ctrl-"), name.strip_prefix("shift-")) {
        (Some(rest), _) => (KeyModifiers::CONTROL, rest),
        (_, Some(rest)) => (KeyModifiers::SHIFT, rest),
        _ => (KeyModifiers::NONE, name),
    };
    let code = match base {
        "space" => KeyCode::Char(' '),
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
        c => {
            let mut chars = c.chars();
            let (Some(ch), None) = (chars.next(), chars.next()) else { return None };
            KeyCode::Char(ch)
        }
    };
    Some(KeyEvent::new(code, mods))
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
    fn every_key_a_table_lists_reads_back_as_its_name() {
        for (name, table) in ALL {
            for k in table.iter().flat_map(|b| b.keys).flat_map(|k| k.split(' ')) {
                let key = key_event(k).unwrap_or_else(|| panic!("{name}: {k} names no key"));
                assert_eq!(key_name(&key).as_deref(), Some(k), "{name}");
            }
        }
    }

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
        for table in [
            LIST,
            DETAIL,
            WELCOME,
            WELCOME_SSH,
            BOARD,
            LEADS,
            REPORTS,
            DEALS,
            SETTINGS,
            TASKS,
            AGENDA,
            PROJECTS,
            DUPLICATES,
            TEXT,
        ]
        .into_iter()
        .chain([
            SETTINGS_STAGES,
            SETTINGS_SOURCES,
            SETTINGS_COMPETITORS,
            SETTINGS_USERS,
            SETTINGS_TEAMS,
            SETTINGS_ROLES,
        ]) {
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
