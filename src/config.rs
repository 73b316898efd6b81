//! The user's config file for local use (`~/.config/rolo/config.toml` on Linux): the database
//! rolo opens by default, and the app's preferences (theme, the screen it opens on, keys of
//! their own, the mouse). A served session reads the same preferences from the user's record
//! instead. This module reads the file; what its names mean (themes, screens, actions, keys) is
//! checked by the caller's [`Names`] (the app's own tables, given by `cli::config`), whose
//! refusal this module places on its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Prefs;

/// The file's settings; every one may be left out.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The database when neither `--db` nor `ROLO_DB` names one: a file (`~/` is the home
    /// folder; a relative path is beside the config file) or a `postgres://` address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<PathBuf>,
    /// The app's theme: dark, light, high-contrast, 16-color or plain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// The screen the app opens on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_screen: Option<String>,
    /// The currency of a deal, product or account revenue added here without one (USD unless
    /// set): a three-letter code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// How the app writes and reads dates: YYYY-MM-DD (the default), DD/MM/YYYY, MM/DD/YYYY or
    /// DD.MM.YYYY. Files, JSON and the command line's output keep ISO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// The day the app's weeks start on (monday unless set): the agenda's week and the reports'
    /// "this week".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week_start: Option<String>,
    /// Whether the app takes the mouse (clicks, the wheel; on unless set off); off leaves the
    /// terminal's own text selection alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mouse: Option<bool>,
    /// Keys of the user's own: action = key (`copy-email = "ctrl-y"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
}

/// What is wrong with a config file, with the line when the file says it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error(
        "the config file {path} could not be read: {why}: make it readable, remove it, or set ROLO_CONFIG to another file"
    )]
    Unreadable {
        /// The file.
        path: String,
        /// The system's reason.
        why: String,
    },
    /// The file does not read as rolo's config.
    #[error("the config file {path}, line {line}: {problem} (rolo config edit)")]
    Invalid {
        /// The file.
        path: String,
        /// The line, from 1.
        line: usize,
        /// What is wrong there and what to write instead.
        problem: String,
    },
}

/// The keys the file takes, as written in it.
pub const KEYS: [&str; 8] =
    ["database", "theme", "default-screen", "currency", "date-format", "week-start", "mouse", "keys"];

/// Each key the file takes and what it sets, for the manual.
pub const SETTINGS: [(&str, &str); 8] = [
    (
        "database = \"PATH\"",
        "The database when neither --db nor ROLO_DB names one (~/ is home; relative: beside the file; or a postgres:// address).",
    ),
    ("theme = \"NAME\"", "dark, light, high-contrast, 16-color or plain (NO_COLOR always wins)."),
    ("default-screen = \"NAME\"", "The screen the app opens on: pipeline, contacts, accounts, leads, tasks, ..."),
    ("currency = \"CODE\"", "The currency of a deal, product or account revenue added without one (default USD)."),
    (
        "date-format = \"PATTERN\"",
        "How the app writes and reads dates: YYYY-MM-DD (default), DD/MM/YYYY, MM/DD/YYYY or DD.MM.YYYY.",
    ),
    ("week-start = \"DAY\"", "The day the app's weeks start on: the agenda's week, the reports' this week (monday)."),
    ("mouse = true|false", "Whether the app takes the mouse (on unless set off; hold Shift to select text)."),
    (
        "[keys] ACTION = \"KEY\"",
        "Keys of your own by action (rolo config keys lists them); a key that clashes is refused.",
    ),
];

/// Where the config file is: `ROLO_CONFIG` when set, else `config.toml` in the platform config
/// folder (`$XDG_CONFIG_HOME/rolo` or `~/.config/rolo` on Linux).
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ROLO_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "rolo").map(|d| d.config_dir().join("config.toml"))
}

/// A check of what the settings name, beyond their types: the setting it refuses (as written in
/// the file: `theme`, a `[keys]` action) and why, for the error to give the line.
pub type Names<'a> = &'a dyn Fn(&Config) -> Result<(), (String, String)>;

/// The config in `file`, its names checked by `names`; the defaults when it does not exist.
pub fn read(file: &Path, names: Names) -> Result<Config, ConfigError> {
    let text = match std::fs::read(file) {
        Ok(bytes) => bytes,
        // No file, or no folder for one (a home that is not a folder): nothing set.
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
            return Ok(Config::default());
        }
        Err(e) => return Err(ConfigError::Unreadable { path: file.display().to_string(), why: e.to_string() }),
    };
    let invalid = |line, problem| ConfigError::Invalid { path: file.display().to_string(), line, problem };
    let text = String::from_utf8(text).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|b| **b == b'\n').count();
        invalid(line, "is not UTF-8 text: save the file as UTF-8".to_string())
    })?;
    let mut config = parse(&text).map_err(|(line, problem)| invalid(line, problem))?;
    if config.database.as_ref().is_some_and(|d| d.as_os_str().is_empty()) {
        let problem = "database: is empty: name a file, like database = \"~/crm/rolo.redb\", or remove the line";
        return Err(invalid(line_of(&text, "database"), problem.to_string()));
    }
    names(&config).map_err(|(key, problem)| invalid(line_of(&text, &key), problem))?;
    if let Some(db) = config.database.take() {
        config.database = Some(resolve(&db, file.parent()));
    }
    Ok(config)
}

/// The line (from 1) that sets `key` in `text` (quoted or not), else the first.
fn line_of(text: &str, key: &str) -> usize {
    let sets = |l: &str| {
        let l = l.trim_start().trim_start_matches('"');
        l.strip_prefix(key).is_some_and(|rest| rest.trim_start_matches('"').trim_start().starts_with('='))
    };
    text.lines().position(sets).map_or(1, |n| n + 1)
}

/// The config written in `text`, or the line (from 1) and what is wrong there.
pub fn parse(text: &str) -> Result<Config, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    toml::from_str(text).map_err(|e| {
        let start = e.span().map_or(0, |s| s.start.min(text.len()));
        let line = 1 + text[..start].matches('\n').count();
        // The setting on that line, to name in the message.
        let key = text.lines().nth(line - 1).and_then(|l| l.split_once('=')).map(|(k, _)| k.trim().trim_matches('"'));
        (line, problem(e.message(), key.filter(|k| !k.is_empty())))
    })
}

/// The parser's message said for a person: an unknown key names the keys the file takes, a
/// setting given twice says so, any other problem names the setting on its line.
fn problem(message: &str, key: Option<&str>) -> String {
    let message = message.trim().replace('\n', " ");
    if let Some((unknown, _)) = message.strip_prefix("unknown field `").and_then(|m| m.split_once('`')) {
        return format!("'{unknown}' is not a setting: use one of {}", KEYS.join(", "));
    }
    match key {
        Some(key) if message.starts_with("duplicate key") => format!("{key}: is set twice: keep one of the lines"),
        Some(key) => format!("{key}: {message}"),
        None => message,
    }
}

/// `path` with a leading `~/` read as the home folder and a relative one read from `base`.
fn resolve(path: &Path, base: Option<&Path>) -> PathBuf {
    if crate::store::is_address(path) {
        return path.to_path_buf();
    }
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(home) = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
    {
        return home.join(rest);
    }
    match base {
        Some(base) if path.is_relative() => base.join(path),
        _ => path.to_path_buf(),
    }
}

impl Config {
    /// The app's preferences the file sets, for the app to lay over the user's record.
    pub fn prefs(&self) -> Prefs {
        Prefs {
            theme: self.theme.clone(),
            default_screen: self.default_screen.clone(),
            keys: self.keys.iter().map(|(a, k)| (a.clone(), k.clone())).collect(),
            date_format: self.date_format.clone(),
            week_start: self.week_start.clone(),
        }
    }

    /// The file as TOML, for `rolo config show`.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// What a new config file holds: every setting, commented out, with what it does.
pub const TEMPLATE: &str = r#"# rolo's settings for this machine (a served session reads them from your user record).
# Remove the # before a setting to use it.

# The database when neither --db nor ROLO_DB names one: a file, or a postgres:// address.
# database = "~/crm/rolo.redb"

# The app's colours: dark, light, high-contrast, 16-color or plain (NO_COLOR always wins).
# theme = "dark"

# The screen the app opens on: pipeline, contacts, accounts, leads, tasks, calls, agenda, ...
# default-screen = "contacts"

# The currency of a deal, product or account revenue you add without naming one (USD unless set).
# currency = "EUR"

# How the app writes and reads dates: YYYY-MM-DD (the default), DD/MM/YYYY, MM/DD/YYYY or
# DD.MM.YYYY. ISO dates are always read too; files and the command line keep ISO.
# date-format = "DD/MM/YYYY"

# The day weeks start on in the app (the agenda's week, the reports' "this week"): monday
# unless set. The reports' weekly buckets stay ISO weeks (Monday to Sunday).
# week-start = "sunday"

# Whether the app takes the mouse: click a screen's title or a row, double-click to open, the
# wheel scrolls (hold Shift to select text with the mouse). Off, the terminal selects as usual.
# mouse = true

# Keys of your own, by action (`rolo config keys` lists the actions and their keys). A key
# another action has where both act is refused, naming both.
[keys]
# copy-email = "ctrl-y"
# new = "g n"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_reads_and_the_template_reads_as_nothing_set() {
        let config = parse(
            "database = \"/data/crm.redb\"\ntheme = \"light\"\ndefault-screen = \"pipeline\"\nmouse = true\n\n[keys]\ncopy-email = \"ctrl-y\"\n",
        )
        .unwrap();
        assert_eq!(config.database, Some(PathBuf::from("/data/crm.redb")));
        assert_eq!(config.mouse, Some(true));
        assert_eq!(config.prefs().keys, vec![("copy-email".to_string(), "ctrl-y".to_string())]);
        assert_eq!(config.prefs().theme.as_deref(), Some("light"));
        assert_eq!(parse(TEMPLATE).unwrap(), Config::default());
        assert_eq!(parse(&config.to_toml()).unwrap(), config, "show writes what the file reads");
    }

    #[test]
    fn an_unknown_key_or_a_wrong_value_is_refused_with_its_line() {
        let (line, problem) = parse("theme = \"dark\"\n\ncolour = \"red\"\n").unwrap_err();
        assert_eq!(line, 3);
        assert_eq!(
            problem,
            "'colour' is not a setting: use one of database, theme, default-screen, currency, date-format, week-start, mouse, keys"
        );
        let (line, problem) = parse("mouse = \"yes\"\n").unwrap_err();
        assert_eq!(line, 1);
        assert!(problem.starts_with("mouse: ") && problem.contains("bool"), "{problem}");
        let (line, problem) = parse("theme = \"dark\"\n\ntheme = \"light\"\n").unwrap_err();
        assert_eq!((line, problem.as_str()), (3, "theme: is set twice: keep one of the lines"));
        let (line, _) = parse("theme = \"dark\"\r\n[keys]\r\nnew = 3\r\n").unwrap_err();
        assert_eq!(line, 3, "CRLF lines count as lines");
        assert!(parse("\u{feff}theme = \"dark\"\n").is_ok(), "a byte-order mark is skipped");
    }

    #[test]
    fn a_missing_file_is_the_defaults_and_paths_are_read_from_home_or_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(&dir.path().join("none.toml"), &|_| Ok(())).unwrap(), Config::default());
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "database = \"team.redb\"\n").unwrap();
        assert_eq!(read(&file, &|_| Ok(())).unwrap().database, Some(dir.path().join("team.redb")));
        // An address is no path beside the file.
        let address = "postgres://ann@db.example.com/rolo?sslmode=require";
        std::fs::write(&file, format!("database = \"{address}\"\n")).unwrap();
        assert_eq!(read(&file, &|_| Ok(())).unwrap().database, Some(PathBuf::from(address)));
        std::fs::write(&file, b"theme = \"dark\"\n# \xff\n").unwrap();
        let said = read(&file, &|_| Ok(())).unwrap_err().to_string();
        assert!(said.ends_with("line 2: is not UTF-8 text: save the file as UTF-8 (rolo config edit)"), "{said}");
    }
}
