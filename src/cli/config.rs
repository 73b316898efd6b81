//! `rolo config path|show|edit`, and the config file as every command reads it: parsed by
//! [`crate::config`], its names (theme, screen, actions, keys) checked against the app's tables,
//! a problem named with its line.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use clap::Subcommand;
use serde_json::json;

use super::output::Out;
use crate::config::{self, Config, ConfigError};
use crate::model::{DateFormat, Prefs};

/// `rolo config`.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Print where the config file is (whether or not it exists yet).
    Path,
    /// Print the settings in force: the file's, else the defaults.
    Show,
    /// Open the config file in $VISUAL or $EDITOR (made from a commented template when missing),
    /// then check it.
    Edit,
    /// List the actions a key of your own may be given to (their names for `[keys]`), with the
    /// keys the app gives them and what they do.
    Keys,
}

/// The config file, checked: what it sets must read and name themes, screens, actions and keys
/// the app knows; the defaults when there is none.
pub fn load() -> Result<Config, ConfigError> {
    match config::path() {
        Some(path) => config::read(&path, &names),
        None => Ok(Config::default()),
    }
}

/// Refuses a theme, screen, currency, action or key the app does not know, or keys that clash,
/// naming the setting they are on so the error gives its line.
fn names(config: &Config) -> Result<(), (String, String)> {
    let refused =
        |key: &str, e: crate::model::ValidationError| (key.to_string(), format!("{}: {}", e.field, e.message));
    let one = |prefs: Prefs, key: &str| crate::tui::prefs::check_names(&prefs).map_err(|e| refused(key, e));
    one(Prefs { theme: config.theme.clone(), ..Default::default() }, "theme")?;
    one(Prefs { default_screen: config.default_screen.clone(), ..Default::default() }, "default-screen")?;
    one(Prefs { date_format: config.date_format.clone(), ..Default::default() }, "date-format")?;
    one(Prefs { week_start: config.week_start.clone(), ..Default::default() }, "week-start")?;
    if let Some(code) = &config.currency {
        crate::model::Currency::parse(code).map_err(|e| refused("currency", e))?;
    }
    for (action, key) in &config.keys {
        let alone = Prefs { keys: vec![(action.clone(), key.clone())], ..Default::default() };
        one(alone, action)?;
    }
    // Keys that read alone may still clash, with the app's or each other.
    crate::tui::prefs::clashes(&config.prefs()).map_err(|e| {
        let named = config.keys.keys().rev().find(|a| e.message.contains(&format!(" for {a} "))).cloned();
        refused(named.as_deref().unwrap_or("[keys]"), e)
    })
}

/// The currency the config file gives new amounts, once checked by [`load`].
pub fn currency(config: &Config) -> Option<crate::model::Currency> {
    config.currency.as_deref().and_then(|c| crate::model::Currency::parse(c).ok())
}

/// The database rolo opens when `--db` and `ROLO_DB` are not given: the config file's, else the
/// platform data folder's `rolo.redb`.
pub fn default_db(config: &Config) -> Option<PathBuf> {
    config.database.clone().or_else(platform_db)
}

/// `rolo.redb` in the platform data folder (`~/.local/share/rolo/` on Linux).
fn platform_db() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rolo").map(|d| d.data_dir().join("rolo.redb"))
}

/// Runs `rolo config`. `db` is the database the command line names (`--db`, `ROLO_DB`).
pub fn run(out: &Out, cmd: ConfigCmd, db: Option<PathBuf>) -> Result<()> {
    let path = config::path().ok_or_else(|| anyhow!("no home folder to keep the config in: set ROLO_CONFIG"))?;
    match cmd {
        ConfigCmd::Path => {
            if out.json {
                out.json_value(&json!({ "path": path, "exists": path.exists() }));
            } else {
                say!("{}", path.display());
            }
        }
        ConfigCmd::Show => show(out, &path, db)?,
        ConfigCmd::Keys => keys(out),
        ConfigCmd::Edit => {
            if !path.exists() {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&path, config::TEMPLATE)?;
            }
            crate::editor::edit(&path, "the file")?;
            config::read(&path, &names)?;
            say!("{} reads well", path.display());
        }
    }
    Ok(())
}

/// `rolo config show`: every setting in force and where it comes from.
fn show(out: &Out, path: &std::path::Path, db: Option<PathBuf>) -> Result<()> {
    let config = config::read(path, &names)?;
    // An address is shown without its password.
    let database = db
        .clone()
        .or_else(|| default_db(&config))
        .map(|d| d.to_str().map_or(d.clone(), |s| PathBuf::from(crate::crm::address_without_password(s))));
    let from = if db.is_some() {
        "--db or ROLO_DB"
    } else if config.database.is_some() {
        "the config file"
    } else {
        "default"
    };
    // The date settings by their own names (`dd/mm/yyyy` is DD/MM/YYYY); none when unset.
    let date_format = config.date_format.as_deref().and_then(|f| DateFormat::named(f).ok()).map(DateFormat::name);
    let week_start = config
        .week_start
        .as_deref()
        .and_then(|d| crate::model::week_start_named(d).ok())
        .map(crate::model::weekday_name);
    if out.json {
        out.json_value(&json!({
            "path": path,
            "exists": path.exists(),
            "database": database,
            "theme": config.theme.as_deref().unwrap_or("dark"),
            "default_screen": config.default_screen.as_deref().unwrap_or("contacts"),
            "currency": config.currency.as_deref().map_or("USD".to_string(), str::to_uppercase),
            "date_format": date_format,
            "week_start": week_start,
            "mouse": config.mouse.unwrap_or(true),
            "keys": config.keys,
        }));
        return Ok(());
    }
    let or = |v: &Option<String>, default: &str| v.clone().unwrap_or_else(|| format!("{default} (default)"));
    // The app's preferences the file leaves unset come from the user's record.
    let shown = |v: Option<&str>, default: &str| {
        v.map_or_else(|| format!("not set here: your user prefs, else {default}"), str::to_string)
    };
    let keys: Vec<String> = config.keys.iter().map(|(a, k)| format!("{a}={k}")).collect();
    let rows = [
        ("file", format!("{}{}", path.display(), if path.exists() { "" } else { " (not made yet: rolo config edit)" })),
        ("database", format!("{} ({from})", database.map_or("none".to_string(), |d| d.display().to_string()))),
        ("theme", or(&config.theme, "dark")),
        ("default screen", or(&config.default_screen, "contacts")),
        ("currency", config.currency.as_ref().map_or("USD (default)".to_string(), |c| c.to_uppercase())),
        ("date format", shown(date_format, "YYYY-MM-DD")),
        ("week start", shown(week_start, "monday")),
        ("mouse", config.mouse.map_or("on (default)".to_string(), |m| if m { "on" } else { "off" }.to_string())),
        ("keys", if keys.is_empty() { "the usual ones".to_string() } else { keys.join(", ") }),
    ];
    super::output::pairs(&rows);
    Ok(())
}

/// `rolo config keys`: every action by the name `[keys]` takes, its keys and what it does.
fn keys(out: &Out) {
    let actions = crate::tui::prefs::action_keys();
    if out.json {
        let rows: Vec<serde_json::Value> =
            actions.iter().map(|(a, keys, help)| json!({ "action": a, "keys": keys, "help": help })).collect();
        out.json_value(&rows);
        return;
    }
    let rows = actions.into_iter().map(|(a, keys, help)| vec![a, keys.join(", "), help.to_string()]);
    say!("{}", super::output::table(&["ACTION", "KEYS", "WHAT IT DOES"], rows, &[]));
}
