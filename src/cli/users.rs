//! Who uses rolo and what each may do: users, teams and roles (changed by those with the
//! settings right), and `whoami`. Logins and role names are lower-cased before use.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::output::{Out, field_lines, table};
use crate::crm::{Crm, CrmError, KEY_TEXT_MAX, UserChange, UserKey, role_rows};
use crate::model::{Act, Directory, Kind, Level, Right, Role, User, ValidationError, role_kinds};

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Add a user (role rep unless --role says otherwise).
    Add(UserAdd),
    /// List every user, disabled ones too.
    #[command(alias = "ls")]
    List,
    /// Show one user in full.
    Show(LoginArg),
    /// Change a user (an empty value clears an optional field).
    Edit(UserEdit),
    /// Disable a user, who then cannot act: their records keep them as owner, or move to
    /// --transfer-to. Users are never deleted.
    Disable(UserDisable),
    /// Show or set a user's preferences for the app: theme, the screen it opens on, date
    /// conventions, keys of their own (anyone sets their own; another's need the settings right).
    /// A served session reads these; locally, what the config file sets wins, setting by setting.
    Prefs(UserPrefs),
    /// The SSH public keys a user logs in to `rolo serve` with (their own, or anyone's with the
    /// settings right).
    #[command(subcommand)]
    Key(KeyCmd),
}

/// `user prefs`.
#[derive(Debug, Args)]
pub struct UserPrefs {
    /// The user's login.
    pub login: String,
    /// dark, light, high-contrast, 16-color or plain (empty: the default, dark).
    #[arg(long, value_parser = super::shell::Offered(|| crate::tui::prefs::THEMES.to_vec()))]
    pub theme: Option<String>,
    /// The screen the app opens on: pipeline, contacts, accounts, leads, tasks, calls, agenda,
    /// reports, cases, products, settings, projects, duplicates or marketing (empty: contacts).
    #[arg(long, value_parser = super::shell::Offered(super::shell::screens))]
    pub default_screen: Option<String>,
    /// How the app writes and reads dates: YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY or DD.MM.YYYY
    /// (empty: the default, YYYY-MM-DD).
    #[arg(long, value_parser = super::shell::Offered(|| crate::model::DateFormat::ALL.iter().map(|(_, n)| *n).collect()))]
    pub date_format: Option<String>,
    /// The day the app's weeks start on: monday, sunday, ... (empty: the default, monday).
    #[arg(long, value_parser = super::shell::Offered(|| crate::model::WEEKDAYS.to_vec()))]
    pub week_start: Option<String>,
    /// A key of their own for an action, e.g. copy-email=ctrl-y or new=g n (ACTION= removes it);
    /// the actions are named in kebab case. Repeat for more.
    #[arg(long = "key", value_name = "ACTION=KEY")]
    pub keys: Vec<String>,
}

/// `user key` commands.
#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Add an OpenSSH public key (a .pub file, or - for stdin) to a user.
    Add(KeyAdd),
    /// List keys with their fingerprints: a user's, or (without LOGIN) every key you manage.
    #[command(alias = "ls")]
    List(KeyList),
    /// Remove a user's key, named by its fingerprint or its number in the list.
    #[command(alias = "rm")]
    Remove(KeyRemove),
}

/// `user key add`.
#[derive(Debug, Args)]
pub struct KeyAdd {
    /// The user's login.
    pub login: String,
    /// The public key file, e.g. ~/.ssh/id_ed25519.pub, or - to read it from stdin.
    pub file: std::path::PathBuf,
}

/// `user key list`.
#[derive(Debug, Args)]
pub struct KeyList {
    /// Whose keys (default: yours, or everyone's with the settings right).
    pub login: Option<String>,
}

/// `user key remove`.
#[derive(Debug, Args)]
pub struct KeyRemove {
    /// The user's login.
    pub login: String,
    /// The key's fingerprint (SHA256:…) or its number in rolo user key list LOGIN.
    pub key: String,
}

/// A user's login.
#[derive(Debug, Args)]
pub struct LoginArg {
    /// The user's login.
    pub login: String,
}

/// Optional user fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct UserFields {
    /// Email address, for mail sent in their name.
    #[arg(long)]
    pub email: Option<String>,
    /// admin, manager, rep, or a copied role.
    #[arg(long)]
    pub role: Option<String>,
    /// Their team (added first with rolo team add).
    #[arg(long)]
    pub team: Option<String>,
    /// IANA time zone, e.g. Europe/Paris (default: the machine's).
    #[arg(long)]
    pub time_zone: Option<String>,
    /// The operating-system account that acts as this user locally.
    #[arg(long)]
    pub os_user: Option<String>,
}

/// `user add`.
#[derive(Debug, Args)]
pub struct UserAdd {
    /// Lower-case letters, digits, '.', '_' or '-'.
    pub login: String,
    /// How the user is shown, e.g. "Ann Lee".
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub fields: UserFields,
}

/// `user edit`.
#[derive(Debug, Args)]
pub struct UserEdit {
    /// The user's login.
    pub login: String,
    /// New display name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: UserFields,
    /// yes to enable the user, no to disable them (records stay theirs).
    #[arg(long, value_name = "YES_NO")]
    pub active: Option<String>,
}

/// `user disable`.
#[derive(Debug, Args)]
pub struct UserDisable {
    /// The user's login.
    pub login: String,
    /// Move every record they own to this user.
    #[arg(long, value_name = "LOGIN")]
    pub transfer_to: Option<String>,
}

/// Team commands.
#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// Add a team.
    Add(TeamAdd),
    /// List the teams with how many users each has.
    #[command(alias = "ls")]
    List,
    /// Rename a team (its users follow).
    Rename(TeamRename),
}

/// `team add`.
#[derive(Debug, Args)]
pub struct TeamAdd {
    /// The team's name.
    pub name: String,
}

/// `team rename`.
#[derive(Debug, Args)]
pub struct TeamRename {
    /// The team's name now.
    pub old: String,
    /// Its new name.
    pub new: String,
}

/// Role commands.
#[derive(Debug, Subcommand)]
pub enum RoleCmd {
    /// List the roles: the built-in admin, manager and rep, and copies.
    #[command(alias = "ls")]
    List,
    /// Show a role: its level per kind of record and action, then its rights.
    Show(RoleArg),
    /// Copy a role under a new name, to change with role set.
    Copy(RoleCopy),
    /// Change a copied role: `ROLE KIND ACTION LEVEL` sets a level (action read, create, edit or
    /// delete; level all, team, own or none), `ROLE RIGHT yes|no` a right (export, import,
    /// assign, settings or send).
    Set(RoleSet),
}

/// A role's name.
#[derive(Debug, Args)]
pub struct RoleArg {
    /// The role's name.
    pub role: String,
}

/// `role copy`.
#[derive(Debug, Args)]
pub struct RoleCopy {
    /// The role copied.
    pub from: String,
    /// The copy's name.
    pub name: String,
}

/// `role set`: told apart by the number of words after the role.
#[derive(Debug, Args)]
pub struct RoleSet {
    /// The role changed.
    pub role: String,
    /// A kind of record (then ACTION LEVEL), or a right (then yes or no).
    #[arg(value_name = "KIND|RIGHT")]
    pub what: String,
    /// The action (read, create, edit, delete), or yes/no for a right.
    #[arg(value_name = "ACTION|YES_NO")]
    pub how: String,
    /// The level for a kind's action: all, team, own or none.
    #[arg(value_name = "LEVEL")]
    pub level: Option<String>,
}

/// A login as typed, lower-cased.
pub(super) fn login(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Text given empty clears an optional field: `Some(None)`.
fn clearable(text: &Option<String>) -> Option<Option<String>> {
    text.as_ref().map(|t| Some(t.trim().to_string()).filter(|t| !t.is_empty()))
}

/// `yes` or `no` (also true/false), naming `field` otherwise.
pub(super) fn yes_no(field: &str, text: &str) -> Result<bool, ValidationError> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        other => Err(ValidationError::new(field, format!("'{other}' is not yes or no: write yes or no"))),
    }
}

pub(super) fn user(out: &Out, crm: &Crm, cmd: UserCmd) -> Result<()> {
    match cmd {
        UserCmd::Add(a) => {
            let f = a.fields;
            let mut new = User::new(&login(&a.login), a.name.trim(), &login(f.role.as_deref().unwrap_or("rep")));
            new.email = clearable(&f.email).flatten();
            new.team = clearable(&f.team).flatten();
            new.time_zone = clearable(&f.time_zone).flatten();
            new.os_user = clearable(&f.os_user).flatten();
            let u = crm.add_user(new)?;
            out.done(&u, || format!("added user {} ({}, {})", u.login, u.name, u.role));
        }
        UserCmd::List => users(out, &crm.directory()?),
        UserCmd::Show(a) => {
            let dir = crm.directory()?;
            let name = login(&a.login);
            let u = dir.user(&name).ok_or(crate::crm::CrmError::UnknownUser(name))?;
            show_value(out, &serde_json::to_value(u)?);
        }
        UserCmd::Edit(e) => {
            let f = e.fields;
            let change = UserChange {
                name: e.name,
                email: clearable(&f.email),
                role: f.role.as_deref().map(login),
                team: clearable(&f.team),
                time_zone: clearable(&f.time_zone),
                os_user: clearable(&f.os_user),
                active: e.active.as_deref().map(|t| yes_no("active", t)).transpose()?,
            };
            let u = crm.edit_user(&login(&e.login), change)?;
            out.done(&u, || format!("updated user {} ({}, {})", u.login, u.name, u.role));
        }
        UserCmd::Disable(d) => {
            let (who, to) = (login(&d.login), d.transfer_to.as_deref().map(login));
            let moved = crm.disable_user(&who, to.as_deref())?;
            let value = json!({ "login": who, "active": false, "transferred_to": to, "moved": moved });
            out.done(&value, || match &to {
                Some(to) => {
                    format!("disabled user {who}; moved {} to {to}", crate::text::count(moved, "record", "records"))
                }
                None => format!("disabled user {who}"),
            });
        }
        UserCmd::Prefs(p) => prefs(out, crm, p)?,
        UserCmd::Key(cmd) => key(out, crm, cmd)?,
    }
    Ok(())
}

/// Shows a user's preferences, after setting those given.
fn prefs(out: &Out, crm: &Crm, p: UserPrefs) -> Result<()> {
    let name = login(&p.login);
    let dir = crm.directory()?;
    let mut prefs = dir.user(&name).ok_or_else(|| CrmError::UnknownUser(name.clone()))?.prefs.clone();
    let asked = p.theme.is_some()
        || p.default_screen.is_some()
        || p.date_format.is_some()
        || p.week_start.is_some()
        || !p.keys.is_empty();
    if let Some(theme) = clearable(&p.theme) {
        prefs.theme = theme.map(|t| t.to_lowercase());
    }
    if let Some(screen) = clearable(&p.default_screen) {
        prefs.default_screen = screen.map(|s| s.to_lowercase());
    }
    if let Some(format) = clearable(&p.date_format) {
        prefs.date_format = format.map(|f| f.to_uppercase());
    }
    if let Some(day) = clearable(&p.week_start) {
        prefs.week_start = day.map(|d| d.to_lowercase());
    }
    for pair in &p.keys {
        let Some((action, key)) = pair.split_once('=') else {
            return Err(ValidationError::new(
                "key",
                format!("'{pair}' is not ACTION=KEY: e.g. --key copy-email=ctrl-y"),
            )
            .into());
        };
        let action = action.trim().to_lowercase();
        prefs.keys.retain(|(a, _)| *a != action);
        if !key.trim().is_empty() {
            prefs.keys.push((action, key.trim().to_string()));
        }
    }
    if asked {
        crate::tui::prefs::check(&prefs)?;
        prefs = crm.set_prefs(&name, prefs)?.prefs;
    }
    let keys: serde_json::Map<String, Value> = prefs.keys.iter().map(|(a, k)| (a.clone(), json!(k))).collect();
    if out.json {
        let value = json!({
            "login": name,
            "theme": prefs.theme,
            "default_screen": prefs.default_screen,
            "date_format": prefs.date_format,
            "week_start": prefs.week_start,
            "keys": keys,
        });
        out.json_value(&value);
        return Ok(());
    }
    let or_default = |v: &Option<String>, default: &str| v.clone().unwrap_or_else(|| format!("{default} (default)"));
    let keys: Vec<String> = prefs.keys.iter().map(|(a, k)| format!("{a}={k}")).collect();
    let lines = [
        ("login", name),
        ("theme", or_default(&prefs.theme, "dark")),
        ("default screen", or_default(&prefs.default_screen, "contacts")),
        ("date format", or_default(&prefs.date_format, "YYYY-MM-DD")),
        ("week start", or_default(&prefs.week_start, "monday")),
        ("keys", if keys.is_empty() { "the usual ones".to_string() } else { keys.join(", ") }),
    ];
    super::output::pairs(&lines);
    Ok(())
}

fn key(out: &Out, crm: &Crm, cmd: KeyCmd) -> Result<()> {
    let said = |k: &UserKey| format!("{} {} {}", k.algorithm, k.fingerprint, k.comment).trim_end().to_string();
    match cmd {
        KeyCmd::Add(a) => {
            let k = crm.add_key(&a.login, &key_text(&a.file)?)?;
            out.done(&k, || format!("added key {} for {}: {}", k.number, k.login, said(&k)));
        }
        KeyCmd::List(l) => {
            let keys = crm.keys(l.login.as_deref())?;
            if out.json {
                out.json_value(&keys);
            } else if keys.is_empty() {
                say!("no keys yet (add one with rolo user key add LOGIN FILE)");
            } else {
                let rows = keys.iter().map(|k| {
                    let added = crm.session().day_of(k.added).to_string();
                    vec![
                        k.login.clone(),
                        k.number.to_string(),
                        k.fingerprint.clone(),
                        k.algorithm.clone(),
                        k.comment.clone(),
                        added,
                    ]
                });
                say!("{}", table(&["LOGIN", "#", "FINGERPRINT", "TYPE", "COMMENT", "ADDED"], rows, &[1]));
            }
        }
        KeyCmd::Remove(r) => {
            let k = crm.remove_key(&r.login, &r.key)?;
            out.done(&k, || format!("removed key {} of {}: {}", k.number, k.login, said(&k)));
        }
    }
    Ok(())
}

/// The text of a key file, or of stdin for `-`, read up to a little more than any key.
fn key_text(file: &std::path::Path) -> Result<String> {
    // Read as every file a command names is: stdin for -, the client's own file through a server.
    let bytes = super::files::read(file)?;
    if bytes.len() > KEY_TEXT_MAX {
        let what = if file == std::path::Path::new("-") { "stdin".to_string() } else { file.display().to_string() };
        return Err(ValidationError::new(
            "file",
            format!("{what} holds more than a public key: give the key's .pub file, e.g. ~/.ssh/id_ed25519.pub"),
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Prints the users as a table or a JSON array.
fn users(out: &Out, dir: &Directory) {
    if out.json {
        return out.json_value(&dir.users);
    }
    let rows = dir.users.iter().map(|u| {
        vec![
            u.login.clone(),
            u.name.clone(),
            u.role.clone(),
            u.team.clone().unwrap_or_default(),
            if u.active { "yes" } else { "no" }.to_string(),
            u.email.clone().unwrap_or_default(),
        ]
    });
    say!("{}", table(&["LOGIN", "NAME", "ROLE", "TEAM", "ACTIVE", "EMAIL"], rows, &[]));
}

/// Prints one object: JSON, or `field: value` lines.
fn show_value(out: &Out, value: &Value) {
    if out.json {
        out.json_value(value);
    } else {
        say!("{}", field_lines(value));
    }
}

pub(super) fn team(out: &Out, crm: &Crm, cmd: TeamCmd) -> Result<()> {
    match cmd {
        TeamCmd::Add(a) => {
            let name = crm.add_team(&a.name)?;
            out.done(&json!({ "name": name, "members": 0 }), || format!("added team {name}"));
        }
        TeamCmd::List => {
            let dir = crm.directory()?;
            let members = |t: &str| dir.users.iter().filter(|u| u.team.as_deref() == Some(t)).count();
            if out.json {
                let teams: Vec<Value> = dir.teams.iter().map(|t| json!({ "name": t, "members": members(t) })).collect();
                out.json_value(&teams);
            } else if dir.teams.is_empty() {
                say!("no teams yet (add one with rolo team add NAME)");
            } else {
                let rows = dir.teams.iter().map(|t| vec![t.clone(), members(t).to_string()]);
                say!("{}", table(&["TEAM", "MEMBERS"], rows, &[1]));
            }
        }
        TeamCmd::Rename(r) => {
            let name = crm.rename_team(&r.old, &r.new)?;
            out.done(&json!({ "name": name, "was": r.old.trim() }), || {
                format!("renamed team {} to {name}", r.old.trim())
            });
        }
    }
    Ok(())
}

pub(super) fn role(out: &Out, crm: &Crm, cmd: RoleCmd) -> Result<()> {
    match cmd {
        RoleCmd::List => {
            let dir = crm.directory()?;
            let roles: Vec<Role> = dir.role_names().iter().filter_map(|n| dir.role(n)).collect();
            let users = |r: &Role| dir.users.iter().filter(|u| u.role == r.name).count();
            let rights = |r: &Role| r.rights.iter().map(|x| x.name()).collect::<Vec<_>>();
            if out.json {
                let list: Vec<Value> = roles
                    .iter()
                    .map(|r| json!({ "name": r.name, "built_in": r.is_built_in(), "users": users(r), "rights": rights(r) }))
                    .collect();
                out.json_value(&list);
            } else {
                let rows = roles.iter().map(|r| {
                    let kind = if r.is_built_in() { "built-in" } else { "copy" };
                    vec![r.name.clone(), kind.to_string(), users(r).to_string(), rights(r).join(", ")]
                });
                say!("{}", table(&["ROLE", "KIND", "USERS", "RIGHTS"], rows, &[2]));
            }
        }
        RoleCmd::Show(a) => show_role(out, &find_role(&crm.directory()?, &a.role)?),
        RoleCmd::Copy(c) => {
            let role = crm.copy_role(&login(&c.from), &c.name)?;
            out.done(&role_json(&role), || {
                format!("copied role {} as {}: change it with rolo role set", login(&c.from), role.name)
            });
        }
        RoleCmd::Set(s) => {
            let name = login(&s.role);
            let role = match &s.level {
                Some(level) => {
                    let kind = role_kind(&s.what)?;
                    let act: Act = s.how.parse().map_err(|m: String| ValidationError::new("action", m))?;
                    let level: Level = level.parse().map_err(|m: String| ValidationError::new("level", m))?;
                    crm.set_role_level(&name, kind, act, level)?
                }
                None => {
                    let right: Right = s.what.parse().map_err(|m: String| match s.what.parse::<Kind>() {
                        Ok(k) => ValidationError::new(
                            "level",
                            format!(
                                "is missing: give the action and the level, e.g. rolo role set {name} {k} edit own"
                            ),
                        ),
                        Err(_) => ValidationError::new("right", m),
                    })?;
                    crm.set_role_right(&name, right, yes_no("yes/no", &s.how)?)?
                }
            };
            let what = match &s.level {
                Some(level) => format!("{} {} {}", s.what.trim(), s.how.trim(), level.trim()),
                None => format!("{} {}", s.what.trim(), s.how.trim()),
            };
            out.done(&role_json(&role), || format!("role {}: set {}", role.name, what.to_lowercase()));
        }
    }
    Ok(())
}

/// A kind of record a role gives levels on, naming those it takes otherwise.
fn role_kind(text: &str) -> Result<Kind, ValidationError> {
    let kinds = || role_kinds().map(Kind::name).collect::<Vec<_>>().join(", ");
    match text.parse::<Kind>() {
        Ok(k) if k != Kind::Stage => Ok(k),
        Ok(_) => Err(ValidationError::new("kind", "stages are settings: give the role the settings right instead")),
        Err(_) => Err(ValidationError::new(
            "kind",
            format!(
                "'{}' is neither a kind of record ({}) nor a right (export, import, assign, settings, send)",
                text.trim(),
                kinds()
            ),
        )),
    }
}

/// The role named `name` in the directory, or the names there are.
fn find_role(dir: &Directory, name: &str) -> Result<Role> {
    let name = login(name);
    dir.role(&name).ok_or_else(|| {
        crate::crm::CrmError::NoSuch {
            what: "role",
            name: name.clone(),
            hint: format!("one of {}", dir.role_names().join(", ")),
        }
        .into()
    })
}

/// A role as JSON: its levels per kind, then its rights.
fn role_json(role: &Role) -> Value {
    let levels: Vec<Value> = role_rows(role)
        .into_iter()
        .map(|(k, l)| json!({ "kind": k.name(), "read": l.read, "create": l.create, "edit": l.edit, "delete": l.delete }))
        .collect();
    let rights: Vec<&str> = role.rights.iter().map(|r| r.name()).collect();
    json!({ "name": role.name, "built_in": role.is_built_in(), "levels": levels, "rights": rights })
}

/// Prints a role: a table of kind × action, then its rights.
fn show_role(out: &Out, role: &Role) {
    if out.json {
        return out.json_value(&role_json(role));
    }
    let rows = role_rows(role).into_iter().map(|(k, l)| {
        std::iter::once(k.name().to_string()).chain(Act::ALL.iter().map(|&a| l.of(a).to_string())).collect()
    });
    say!("{}", table(&["KIND", "READ", "CREATE", "EDIT", "DELETE"], rows, &[]));
    let rights: Vec<&str> = role.rights.iter().map(|r| r.name()).collect();
    say!("\nrights: {}", if rights.is_empty() { "none".to_string() } else { rights.join(", ") });
}

pub(super) fn whoami(out: &Out, crm: &Crm) -> Result<()> {
    let actor = crm.actor()?;
    let u = actor.user();
    let value = json!({
        "login": u.login,
        "name": u.name,
        "role": u.role,
        "team": u.team,
        "time_zone": u.time_zone,
        "acting_for": actor.acting_for(),
    });
    if out.json {
        out.json_value(&value);
        return Ok(());
    }
    let zone = u.time_zone.clone().unwrap_or_else(|| "this machine's".into());
    let lines = [
        ("login", u.login.clone()),
        ("name", u.name.clone()),
        ("role", u.role.clone()),
        ("team", u.team.clone().unwrap_or_else(|| "none".into())),
        ("time zone", zone),
    ];
    let rows = lines.into_iter().map(|(k, v)| format!("{k:<9}  {}", crate::text::sanitize(&v)));
    say!("{}", rows.collect::<Vec<_>>().join("\n"));
    if let Some(by) = actor.acting_for() {
        say!("acting as {} for admin {by}", u.login);
    }
    Ok(())
}
