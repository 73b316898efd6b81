//! A user's preferences as the app reads them: the theme's name, the screen it opens on and
//! keys of their own for actions (`copy-email=c`). Checked here when set, since the names are
//! the app's; read leniently when the app starts (a name an older rolo did not know is skipped).

use super::keymap::{self, Action, Binding};
use super::{ScreenId, Theme};
use crate::model::{Prefs, ValidationError};

/// The themes, by name: colour (the default) or plain (bold, reverse and symbols only).
pub const THEMES: [&str; 2] = ["color", "plain"];

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
/// naming the choices.
pub fn check(prefs: &Prefs) -> Result<(), ValidationError> {
    if let Some(theme) = &prefs.theme
        && !THEMES.contains(&theme.as_str())
    {
        return Err(ValidationError::new("theme", format!("'{theme}' is not a theme: use {}", THEMES.join(" or "))));
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
    /// The theme the user chose (colour unless they chose plain), plain whatever they chose when
    /// their terminal asks for no colour (`NO_COLOR`, locally or sent by their SSH client).
    pub fn for_user(prefs: &Prefs, no_color: bool) -> Theme {
        match (no_color, prefs.theme.as_deref()) {
            (true, _) | (_, Some("plain")) => Theme::plain(),
            _ => Theme::color(),
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
        assert!(said(prefs(Some("neon"), None, &[])).contains("'neon' is not a theme: use color or plain"));
        assert!(said(prefs(None, Some("home"), &[])).contains("use one of pipeline, contacts"));
        assert!(said(prefs(None, None, &[("fly", "f")])).contains("'fly' is not an action: use one of help, search"));
        assert!(said(prefs(None, None, &[("new", "ctrl-banana")])).contains("'ctrl-banana' is not a key"));
    }

    #[test]
    fn the_theme_is_the_users_unless_the_terminal_wants_no_colour() {
        let plain = format!("{:?}", Theme::plain());
        assert_eq!(format!("{:?}", Theme::for_user(&prefs(Some("plain"), None, &[]), false)), plain);
        assert_eq!(format!("{:?}", Theme::for_user(&prefs(Some("color"), None, &[]), true)), plain);
        assert_ne!(format!("{:?}", Theme::for_user(&Prefs::default(), false)), plain);
    }
}
