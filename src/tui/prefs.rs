//! A user's preferences as the app reads them: the theme's name, the screen it opens on and
//! keys of their own for actions (`copy-email=c`). Checked here when set, since the names are
//! the app's; read leniently when the app starts (a name an older rolo did not know is skipped).

use super::keymap::{self, Action, Binding};
use super::{ScreenId, Theme};
use crate::model::{Prefs, ValidationError};

pub use super::theme::THEMES;

/// The key tables a key of the user's own may act in: the screens', the pages' and the
/// everywhere keys, whose keys go through one lookup (not the dialogs' and editors').
const SCREEN_TABLES: &[&[Binding]] = &[
    keymap::GLOBAL,
    keymap::LIST,
    keymap::BOARD,
    keymap::DEALS,
    keymap::LEADS,
    keymap::PROJECTS,
    keymap::TASKS,
    keymap::AGENDA,
    keymap::REPORTS,
    keymap::SETTINGS,
    keymap::SETTINGS_STAGES,
    keymap::SETTINGS_SOURCES,
    keymap::SETTINGS_USERS,
    keymap::SETTINGS_TEAMS,
    keymap::SETTINGS_ROLES,
    keymap::DUPLICATES,
    keymap::DETAIL,
    keymap::CALLABLE_PAGE,
    keymap::TASK_PAGE,
    keymap::QUOTE,
    keymap::IMPORT,
];

/// An action's name in preferences: its variant in kebab case (`copy-email`, `goto-pipeline`).
pub fn action_id(action: Action) -> String {
    let mut id = String::new();
    for c in format!("{action:?}").chars() {
        match c {
            '(' => id.push('-'),
            ')' => {}
            c if c.is_ascii_uppercase() => {
                if !id.is_empty() && !id.ends_with('-') {
                    id.push('-');
                }
                id.push(c.to_ascii_lowercase());
            }
            c => id.push(c),
        }
    }
    id
}

/// Every action a key of the user's own may be given to, in table order, once each.
pub fn actions() -> Vec<Action> {
    let mut all: Vec<Action> = Vec::new();
    for b in SCREEN_TABLES.iter().flat_map(|t| t.iter()) {
        if !all.contains(&b.action) {
            all.push(b.action);
        }
    }
    all
}

/// Every action a key of the user's own may be given to, by name, with the keys the app gives it
/// and what it does: what `rolo config keys` lists.
pub fn action_keys() -> Vec<(String, Vec<&'static str>, &'static str)> {
    actions()
        .into_iter()
        .map(|action| {
            let bindings: Vec<&Binding> =
                SCREEN_TABLES.iter().flat_map(|t| t.iter()).filter(|b| b.action == action).collect();
            let mut keys: Vec<&'static str> = Vec::new();
            for k in bindings.iter().flat_map(|b| b.keys.iter()) {
                if !keys.contains(k) {
                    keys.push(k);
                }
            }
            (action_id(action), keys, bindings.first().map_or("", |b| b.help))
        })
        .collect()
}

/// The action named `id` (see [`action_id`]).
fn action_named(id: &str) -> Option<Action> {
    actions().into_iter().find(|a| action_id(*a) == id)
}

/// Whether `key` names keys as the key tables write them: one press (`c`, `ctrl-k`, `f2`) or a
/// sequence of them separated by spaces (`g x`).
fn key_reads(key: &str) -> bool {
    !key.trim().is_empty() && key.split(' ').all(|k| keymap::key_event(k).is_some())
}

/// The screen named `name` (its title, any case).
pub fn screen_named(name: &str) -> Option<ScreenId> {
    ScreenId::every().find(|s| s.title().eq_ignore_ascii_case(name.trim()))
}

/// Refuses preferences naming a theme, a screen, an action or a key the app does not know,
/// naming the choices, and keys of the user's own that clash ([`clashes`]).
pub fn check(prefs: &Prefs) -> Result<(), ValidationError> {
    check_names(prefs)?;
    clashes(prefs)
}

/// Refuses a theme, a screen, an action or a key the app does not know, naming the choices.
pub fn check_names(prefs: &Prefs) -> Result<(), ValidationError> {
    if let Some(theme) = &prefs.theme
        && Theme::named(theme).is_none()
    {
        return Err(ValidationError::new(
            "theme",
            format!("'{theme}' is not a theme: use one of {}", THEMES.join(", ")),
        ));
    }
    if let Some(screen) = &prefs.default_screen
        && screen_named(screen).is_none()
    {
        let names: Vec<String> = ScreenId::every().map(|s| s.title().to_lowercase()).collect();
        return Err(ValidationError::new(
            "default-screen",
            format!("'{screen}' is not a screen: use one of {}", names.join(", ")),
        ));
    }
    if let Some(format) = &prefs.date_format {
        crate::model::DateFormat::named(format).map_err(|e| ValidationError::new("date-format", e))?;
    }
    if let Some(day) = &prefs.week_start {
        crate::model::week_start_named(day).map_err(|e| ValidationError::new("week-start", e))?;
    }
    for (action, key) in &prefs.keys {
        if action_named(action).is_none() {
            let names: Vec<String> = actions().into_iter().map(action_id).collect();
            return Err(ValidationError::new(
                "key",
                format!("'{action}' is not an action: use one of {}", names.join(", ")),
            ));
        }
        if !key_reads(key) {
            return Err(ValidationError::new(
                "key",
                format!(
                    "'{key}' is not a key: write it as the help does, e.g. c, C, ctrl-k, f2, enter, or g x for a sequence"
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a key of the user's own that would take a key from another action where both act
/// (unless that action is given a key of its own too), that starts or ends another key's
/// sequence there (`g` against `g p`), or that two of the user's actions share; the message names
/// both actions.
pub fn clashes(prefs: &Prefs) -> Result<(), ValidationError> {
    let own: Vec<(Action, &str)> = prefs.keys.iter().filter_map(|(a, k)| Some((action_named(a)?, k.trim()))).collect();
    let rebound = |action: Action| own.iter().any(|(a, _)| *a == action);
    let clash = |mine: &str, theirs: &str| {
        let starts =
            |long: &str, short: &str| long.starts_with(short) && long.as_bytes().get(short.len()) == Some(&b' ');
        starts(mine, theirs) || starts(theirs, mine)
    };
    for (i, (action, key)) in own.iter().enumerate() {
        for (other, other_key) in &own[i + 1..] {
            if other != action && (key == other_key || clash(key, other_key)) && acting_together(*action, *other) {
                return Err(conflict(key, *action, other_key, *other));
            }
        }
        for table in in_force_with(*action) {
            for b in table.iter().filter(|b| b.action != *action) {
                for theirs in b.keys {
                    if (theirs == key && !rebound(b.action)) || clash(key, theirs) {
                        return Err(conflict(key, *action, theirs, b.action));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The key tables in force wherever `action` acts: the tables that bind it and the everywhere
/// keys beside each (all of them, for an everywhere action).
fn in_force_with(action: Action) -> Vec<&'static [Binding]> {
    let binds = |t: &[Binding]| t.iter().any(|b| b.action == action);
    if binds(keymap::GLOBAL) {
        return SCREEN_TABLES.to_vec();
    }
    let mut tables: Vec<&'static [Binding]> = SCREEN_TABLES.iter().copied().filter(|t| binds(t)).collect();
    tables.push(keymap::GLOBAL);
    tables
}

/// Whether `a` and `b` act somewhere at the same time.
fn acting_together(a: Action, b: Action) -> bool {
    in_force_with(a).iter().any(|t| t.iter().any(|x| x.action == b))
}

/// A refused key, naming both actions.
fn conflict(key: &str, action: Action, theirs: &str, other: Action) -> ValidationError {
    let (action, other) = (action_id(action), action_id(other));
    let problem = if key == theirs {
        format!(
            "'{key}' for {action} is already {other}'s key where both act: pick another key, or give {other} one of its own too"
        )
    } else {
        format!("'{key}' for {action} clashes with '{theirs}' ({other}) where both act: one key would start the other")
    };
    ValidationError::new("key", problem)
}

/// The user's keys that read (`(key, action)`), for the app to look up before its tables.
pub fn overrides(prefs: &Prefs) -> Vec<(String, Action)> {
    prefs
        .keys
        .iter()
        .filter(|(_, key)| key_reads(key))
        .filter_map(|(action, key)| Some((key.clone(), action_named(action)?)))
        .collect()
}

impl Theme {
    /// The theme the user chose (dark unless they chose another), plain whatever they chose
    /// when their terminal asks for no colour (`NO_COLOR`, locally or sent by their SSH client).
    pub fn for_user(prefs: &Prefs, no_color: bool) -> Theme {
        match prefs.theme.as_deref().and_then(Theme::named) {
            _ if no_color => Theme::plain(),
            Some(theme) => theme,
            None => Theme::color(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefs(theme: Option<&str>, screen: Option<&str>, keys: &[(&str, &str)]) -> Prefs {
        Prefs {
            theme: theme.map(str::to_string),
            default_screen: screen.map(str::to_string),
            keys: keys.iter().map(|(a, k)| (a.to_string(), k.to_string())).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn actions_are_named_in_kebab_case_and_read_back() {
        assert_eq!(action_id(Action::CopyEmail), "copy-email");
        assert_eq!(action_id(Action::Goto(ScreenId::Pipeline)), "goto-pipeline");
        assert_eq!(action_named("goto-contacts"), Some(Action::Goto(ScreenId::Contacts)));
        assert_eq!(action_named("yes"), None, "a confirmation's key is not a screen's");
    }

    #[test]
    fn what_the_app_does_not_know_is_refused_naming_the_choices() {
        assert!(check(&prefs(Some("plain"), Some("Pipeline"), &[("copy-email", "ctrl-y"), ("new", "g n")])).is_ok());
        let said = |p: Prefs| check(&p).unwrap_err().to_string();
        assert!(
            said(prefs(Some("neon"), None, &[]))
                .contains("'neon' is not a theme: use one of dark, light, high-contrast, 16-color, plain")
        );
        assert!(said(prefs(None, Some("home"), &[])).contains("use one of pipeline, contacts"));
        assert!(said(prefs(None, None, &[("fly", "f")])).contains("'fly' is not an action: use one of help, search"));
        assert!(said(prefs(None, None, &[("new", "ctrl-banana")])).contains("'ctrl-banana' is not a key"));
    }

    #[test]
    fn a_key_taken_from_another_action_is_refused_naming_both() {
        let said = |keys: &[(&str, &str)]| check(&prefs(None, None, keys)).err().map(|e| e.to_string());
        let taken = said(&[("copy-email", "c")]).unwrap();
        assert!(taken.contains("'c' for copy-email is already call's key where both act"), "{taken}");
        assert_eq!(said(&[("copy-email", "c"), ("call", "f5")]), None, "call keeps a key of its own");
        let starts = said(&[("new", "g")]).unwrap();
        assert!(starts.contains("'g' for new clashes with 'g g' (top)"), "{starts}");
        let shared = said(&[("copy-email", "ctrl-y"), ("copy-phone", "ctrl-y")]).unwrap();
        assert!(shared.contains("'ctrl-y' for copy-email is already copy-phone's key"), "{shared}");
        // Keys of actions that never act together may be the same.
        assert_eq!(said(&[("copy-role", "ctrl-y"), ("won", "ctrl-y")]), None);
    }

    #[test]
    fn every_theme_is_named_and_no_colour_wins() {
        for name in THEMES {
            assert!(Theme::named(name).is_some(), "{name}");
            assert!(check(&prefs(Some(name), None, &[])).is_ok(), "{name}");
            assert_eq!(Theme::for_user(&prefs(Some(name), None, &[]), true), Theme::plain(), "{name}");
        }
        assert_eq!(Theme::named("color"), Theme::named("dark"), "the name older rolos saved");
        assert_eq!(Theme::named("16-colour"), Theme::named("16-color"));
        let distinct: std::collections::HashSet<String> =
            THEMES.iter().map(|n| format!("{:?}", Theme::named(n).unwrap())).collect();
        assert_eq!(distinct.len(), THEMES.len(), "each theme draws differently");
    }

    #[test]
    fn the_theme_is_the_users_unless_the_terminal_wants_no_colour() {
        let plain = format!("{:?}", Theme::plain());
        assert_eq!(format!("{:?}", Theme::for_user(&prefs(Some("plain"), None, &[]), false)), plain);
        assert_eq!(format!("{:?}", Theme::for_user(&prefs(Some("color"), None, &[]), true)), plain);
        assert_ne!(format!("{:?}", Theme::for_user(&Prefs::default(), false)), plain);
    }
}
