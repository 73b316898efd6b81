//! The people who use rolo and what they may do: users, teams and roles, in the small model of
//! EspoCRM. A role gives, per kind of record and action, a level (`all`, `team`, `own`, `none`)
//! and a few rights that are not about one record (export, import, assign, settings, send). A
//! record is at `team` level for an actor when its owner is in the actor's team, at `own` when the
//! actor owns it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Kind, ValidationError};

/// Longest login accepted.
pub const LOGIN_MAX: usize = 32;

/// Someone who uses rolo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Unique, lower case: what `--as`, `--owner` and SSH logins name, and what records store as
    /// their owner.
    pub login: String,
    /// How the user is shown.
    pub name: String,
    /// Their address, for mail sent in their name.
    pub email: Option<String>,
    /// The role's name (`admin`, `manager`, `rep` or a copy).
    pub role: String,
    /// Their team, if any.
    pub team: Option<String>,
    /// A disabled user keeps their records but cannot act.
    pub active: bool,
    /// Their IANA time zone (`Europe/Paris`), or the machine's when none.
    pub time_zone: Option<String>,
    /// The operating-system account that acts as this user locally.
    pub os_user: Option<String>,
    /// What served sessions read for this user.
    pub prefs: Prefs,
}

/// A user's preferences, kept with them so a session anywhere reads the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    /// The theme's name.
    pub theme: Option<String>,
    /// The screen the app opens on.
    pub default_screen: Option<String>,
    /// Key overrides: action name → key.
    pub keys: Vec<(String, String)>,
    /// How the app writes dates (`DD/MM/YYYY`; see [`DateFormat`](super::DateFormat)).
    pub date_format: Option<String>,
    /// The day the app's weeks start on (`sunday`).
    pub week_start: Option<String>,
}

impl Prefs {
    /// The date conventions these preferences give (what does not read is the default).
    pub fn dates(&self) -> super::Dates {
        let d = super::Dates::default();
        super::Dates {
            format: self.date_format.as_deref().and_then(|f| super::DateFormat::named(f).ok()).unwrap_or(d.format),
            week_start: self
                .week_start
                .as_deref()
                .and_then(|w| super::week_start_named(w).ok())
                .unwrap_or(d.week_start),
        }
    }
}

impl User {
    /// A new active user with the given role and no team.
    pub fn new(login: &str, name: &str, role: &str) -> User {
        User {
            login: login.to_string(),
            name: name.to_string(),
            email: None,
            role: role.to_string(),
            team: None,
            active: true,
            time_zone: None,
            os_user: None,
            prefs: Prefs::default(),
        }
    }

    /// Checks the user's own fields (the directory checks what they name).
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_login(&self.login)?;
        if self.name.trim().is_empty() {
            return Err(ValidationError::new("name", "is empty: give the user's name, e.g. --name \"Ann Lee\""));
        }
        if let Some(email) = &self.email
            && !email_address::EmailAddress::is_valid(email)
        {
            return Err(ValidationError::new("email", format!("'{email}' is not an email address")));
        }
        if let Some(tz) = &self.time_zone
            && tz.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(ValidationError::new(
                "time-zone",
                format!("'{tz}' is not a time zone: use an IANA name such as Europe/Paris or America/New_York"),
            ));
        }
        Ok(())
    }
}

/// Refuses a login that is not lower-case letters, digits, `.`, `_` or `-` (starting with a
/// letter or digit), at most [`LOGIN_MAX`] long: logins are typed in SSH and shell commands.
pub fn check_login(login: &str) -> Result<(), ValidationError> {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    let starts_well = login.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if login.is_empty() || login.len() > LOGIN_MAX || !starts_well || !login.chars().all(ok_char) {
        return Err(ValidationError::new(
            "login",
            format!(
                "'{login}' is not a login: use 1 to {LOGIN_MAX} lower-case letters, digits, '.', '_' or '-', \
                 starting with a letter or digit"
            ),
        ));
    }
    Ok(())
}

/// The login made from any name (an owner written as free text by an older rolo, an OS user):
/// lower case, runs of other characters as one `.`, `user` when nothing is left.
pub fn login_from(text: &str) -> String {
    let folded = deunicode::deunicode(text).to_lowercase();
    let mut login = String::new();
    for c in folded.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' {
            login.push(c);
        } else if !login.is_empty() && !login.ends_with('.') {
            login.push('.');
        }
    }
    let login: String = login.trim_matches(['.', '-', '_']).chars().take(LOGIN_MAX).collect();
    let login = login.trim_end_matches(['.', '-', '_']).to_string();
    if login.is_empty() { "user".to_string() } else { login }
}

/// Gives a word enum its words: `ALL` in order, `name`, `Display` and a `FromStr` that names
/// the words it takes when it refuses one.
macro_rules! words {
    ($t:ident, $what:literal, [$($v:ident => $w:literal),* $(,)?]) => {
        impl $t {
            /// Every value, in order.
            pub const ALL: &'static [$t] = &[$($t::$v),*];

            /// Its word.
            pub fn name(self) -> &'static str {
                match self {
                    $($t::$v => $w),*
                }
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<$t, String> {
                let s = s.trim().to_lowercase();
                $t::ALL.iter().copied().find(|x| x.name() == s).ok_or_else(|| {
                    let words: Vec<&str> = $t::ALL.iter().map(|x| x.name()).collect();
                    let (last, rest) = words.split_last().unwrap_or((&"", &[]));
                    format!("'{s}' is not {}: use {} or {last}", $what, rest.join(", "))
                })
            }
        }
    };
}

/// How far an action reaches: the records of everyone, of the actor's team, the actor's own, or
/// none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No record.
    None,
    /// The records the actor owns.
    Own,
    /// The records owned by the actor's team.
    Team,
    /// Every record.
    All,
}

words!(Level, "a level", [None => "none", Own => "own", Team => "team", All => "all"]);

/// What is done to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    /// Seeing it at all.
    Read,
    /// Making one.
    Create,
    /// Changing it.
    Edit,
    /// Removing it.
    Delete,
}

words!(Act, "an action", [Read => "read", Create => "create", Edit => "edit", Delete => "delete"]);

/// A yes/no right that is not about one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// Writing records out (`rolo export`).
    Export,
    /// Reading files in (`rolo import`).
    Import,
    /// Giving a record to another owner.
    Assign,
    /// Changing the database's settings: stages, lead sources, users, teams, roles.
    Settings,
    /// Sending campaign mail.
    Send,
}

words!(Right, "a right", [
    Export => "export",
    Import => "import",
    Assign => "assign",
    Settings => "settings",
    Send => "send"
]);

/// The level of each action on one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Levels {
    /// Seeing.
    pub read: Level,
    /// Making.
    pub create: Level,
    /// Changing.
    pub edit: Level,
    /// Removing.
    pub delete: Level,
}

impl Levels {
    /// The level of `act`.
    pub fn of(&self, act: Act) -> Level {
        match act {
            Act::Read => self.read,
            Act::Create => self.create,
            Act::Edit => self.edit,
            Act::Delete => self.delete,
        }
    }

    fn set(&mut self, act: Act, level: Level) {
        match act {
            Act::Read => self.read = level,
            Act::Create => self.create = level,
            Act::Edit => self.edit = level,
            Act::Delete => self.delete = level,
        }
    }
}

/// What a role may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Unique name.
    pub name: String,
    /// Per kind of record (stages are settings, not in here), the level of each action.
    pub levels: BTreeMap<Kind, Levels>,
    /// The rights it holds.
    pub rights: Vec<Right>,
}

/// The kinds a role gives levels for (stages are changed with the settings right).
pub fn role_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.into_iter().filter(|k| *k != Kind::Stage)
}

impl Role {
    /// The built-in roles, fixed: `admin` (everything), `manager`, `rep`.
    pub const BUILT_IN: [&'static str; 3] = ["admin", "manager", "rep"];

    fn uniform(name: &str, levels: Levels, rights: &[Right]) -> Role {
        Role { name: name.to_string(), levels: role_kinds().map(|k| (k, levels)).collect(), rights: rights.to_vec() }
    }

    /// Everything.
    pub fn admin() -> Role {
        let all = Levels { read: Level::All, create: Level::All, edit: Level::All, delete: Level::All };
        Role::uniform("admin", all, Right::ALL)
    }

    /// Reads, edits and deletes the team's records, creates any; exports, imports, assigns and
    /// sends; no settings.
    pub fn manager() -> Role {
        let levels = Levels { read: Level::Team, create: Level::All, edit: Level::Team, delete: Level::Team };
        Role::uniform("manager", levels, &[Right::Export, Right::Import, Right::Assign, Right::Send])
    }

    /// Creates; reads the team's records; edits their own; deletes none; no rights.
    pub fn rep() -> Role {
        let levels = Levels { read: Level::Team, create: Level::All, edit: Level::Own, delete: Level::None };
        Role::uniform("rep", levels, &[])
    }

    /// The built-in role named `name`.
    pub fn built_in(name: &str) -> Option<Role> {
        match name {
            "admin" => Some(Role::admin()),
            "manager" => Some(Role::manager()),
            "rep" => Some(Role::rep()),
            _ => None,
        }
    }

    /// The level of `act` on `kind` (stages: read by all, changed with the settings right).
    pub fn level(&self, kind: Kind, act: Act) -> Level {
        if kind == Kind::Stage {
            return match act {
                Act::Read => Level::All,
                _ if self.has(Right::Settings) => Level::All,
                _ => Level::None,
            };
        }
        self.levels.get(&kind).map_or(Level::None, |l| l.of(act))
    }

    /// Sets the level of `act` on `kind`.
    pub fn set_level(&mut self, kind: Kind, act: Act, level: Level) {
        let none = Levels { read: Level::None, create: Level::None, edit: Level::None, delete: Level::None };
        self.levels.entry(kind).or_insert(none).set(act, level);
    }

    /// Whether the role holds `right`.
    pub fn has(&self, right: Right) -> bool {
        self.rights.contains(&right)
    }

    /// Grants or withdraws `right`.
    pub fn set_right(&mut self, right: Right, yes: bool) {
        self.rights.retain(|r| *r != right);
        if yes {
            self.rights.push(right);
            self.rights.sort_by_key(|r| Right::ALL.iter().position(|x| x == r));
        }
    }

    /// Whether this role grants nothing `other` does not: no level above, no right beyond.
    pub fn within(&self, other: &Role) -> bool {
        let levels = role_kinds().all(|k| Act::ALL.iter().all(|&a| self.level(k, a) <= other.level(k, a)));
        levels && self.rights.iter().all(|r| other.has(*r))
    }

    /// Whether this is one of the fixed built-in roles.
    pub fn is_built_in(&self) -> bool {
        Role::BUILT_IN.contains(&self.name.as_str())
    }
}

/// Everyone who uses one database, their teams and the roles beyond the built-in ones: stored
/// whole in the database's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// Every user, in the order they were added.
    pub users: Vec<User>,
    /// Every team's name.
    pub teams: Vec<String>,
    /// The roles copied from others (the built-in ones are not stored).
    pub roles: Vec<Role>,
}

impl Directory {
    /// The user with `login`.
    pub fn user(&self, login: &str) -> Option<&User> {
        self.users.iter().find(|u| u.login == login)
    }

    /// How the user `login` is shown: their name, or the login when no user has it.
    pub fn name_of<'a>(&'a self, login: &'a str) -> &'a str {
        self.user(login).map_or(login, |u| u.name.as_str())
    }

    /// The role named `name`, built in or copied.
    pub fn role(&self, name: &str) -> Option<Role> {
        Role::built_in(name).or_else(|| self.roles.iter().find(|r| r.name == name).cloned())
    }

    /// Every role's name: the built-in ones, then the copies.
    pub fn role_names(&self) -> Vec<String> {
        Role::BUILT_IN.iter().map(|s| s.to_string()).chain(self.roles.iter().map(|r| r.name.clone())).collect()
    }

    /// The team named `name` as the directory spells it (matched without regard to case).
    pub fn team(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        self.teams.iter().find(|t| t.to_lowercase() == name.to_lowercase()).map(String::as_str)
    }

    /// The team of the user with `login`, if any.
    pub fn team_of(&self, login: &str) -> Option<&str> {
        self.user(login).and_then(|u| u.team.as_deref())
    }

    /// The active users holding the admin role.
    pub fn active_admins(&self) -> usize {
        self.users.iter().filter(|u| u.active && u.role == "admin").count()
    }

    /// The user the operating-system account `os_user` acts as: the one naming it, else the
    /// one whose login it is.
    pub fn for_os_user(&self, os_user: &str) -> Option<&User> {
        self.users.iter().find(|u| u.os_user.as_deref() == Some(os_user)).or_else(|| self.user(&login_from(os_user)))
    }

    /// Checks what users name (roles, teams) and the rules across users: logins unique, at least
    /// one active admin.
    pub fn validate(&self) -> Result<(), ValidationError> {
        for (i, u) in self.users.iter().enumerate() {
            u.validate()?;
            if self.users[..i].iter().any(|o| o.login == u.login) {
                return Err(ValidationError::new("login", format!("{} is taken: choose another login", u.login)));
            }
            if self.role(&u.role).is_none() {
                return Err(ValidationError::new(
                    "role",
                    format!("'{}' is not a role: use one of {}", u.role, self.role_names().join(", ")),
                ));
            }
            if let Some(os) = &u.os_user
                && let Some((_, other)) = self.users.iter().enumerate().find(|(j, o)| {
                    let same = *j < i && o.os_user.as_deref() == Some(os.as_str());
                    same || (o.login != u.login && o.os_user.is_none() && o.login == *os)
                })
            {
                return Err(ValidationError::new(
                    "os-user",
                    format!("the OS account {os} already acts as {}: give each OS account to one user", other.login),
                ));
            }
            if let Some(team) = &u.team
                && !self.teams.contains(team)
            {
                return Err(ValidationError::new(
                    "team",
                    format!("'{team}' is not a team: add it first (rolo team add \"{team}\")"),
                ));
            }
        }
        if !self.users.is_empty() && self.active_admins() == 0 {
            return Err(ValidationError::new(
                "role",
                "that would leave no active admin: make another user admin first",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_made_from_free_text_owners() {
        assert_eq!(login_from("Ann Lee"), "ann.lee");
        assert_eq!(login_from("  Zoë  O'Brien "), "zoe.o.brien");
        assert_eq!(login_from("me"), "me");
        assert_eq!(login_from("株式会社"), "zhu.shi.hui.she");
        assert_eq!(login_from("!!!"), "user");
        assert!(check_login(&login_from(&"x".repeat(100))).is_ok());
    }

    #[test]
    fn logins_refuse_what_a_shell_or_ssh_would_stumble_on() {
        for bad in ["", "Ann", "ann lee", ".ann", "ann;rm", &"a".repeat(33)] {
            assert!(check_login(bad).is_err(), "{bad}");
        }
        for good in ["ann", "ann.lee", "a_b-c", "7"] {
            assert!(check_login(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn built_in_roles_say_what_the_issue_gives_them() {
        let rep = Role::rep();
        assert_eq!(rep.level(Kind::Contact, Act::Read), Level::Team);
        assert_eq!(rep.level(Kind::Contact, Act::Edit), Level::Own);
        assert_eq!(rep.level(Kind::Contact, Act::Delete), Level::None);
        assert!(!rep.has(Right::Export) && !rep.has(Right::Assign));
        let manager = Role::manager();
        assert_eq!(manager.level(Kind::Opportunity, Act::Delete), Level::Team);
        assert!(manager.has(Right::Send) && !manager.has(Right::Settings));
        assert_eq!(manager.level(Kind::Stage, Act::Edit), Level::None);
        assert_eq!(Role::admin().level(Kind::Stage, Act::Edit), Level::All);
    }

    #[test]
    fn the_last_active_admin_cannot_go() {
        let mut d = Directory { users: vec![User::new("ann", "Ann", "admin")], ..Default::default() };
        assert!(d.validate().is_ok());
        d.users[0].role = "rep".into();
        assert!(d.validate().unwrap_err().message.contains("no active admin"));
    }
}
