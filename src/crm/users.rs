//! The users, teams and roles of a database, changed by those with the settings right; the
//! local user found from the OS account; records given to another owner; a person erased.
//!
//! The directory is one value in the settings, written whole in the transaction that changes it,
//! with an audit entry naming who changed what.

use super::access::DIRECTORY;
use super::{Crm, CrmError, Result, Session, Tx};
use crate::model::{
    Act, AuditAction, Contact, Directory, Kind, Level, Prefs, Record, RecordRef, Right, Role, User, ValidationError,
    login_from, role_kinds,
};
use crate::store::{Indexed, RawRead, Read};

/// The operating-system account running this process.
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .or_else(|| whoami::username().ok())
        .unwrap_or_else(|| "owner".to_string())
}

/// What a user's record may be changed to; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// The display name.
    pub name: Option<String>,
    /// The email address (`Some(None)` clears it).
    pub email: Option<Option<String>>,
    /// The role's name.
    pub role: Option<String>,
    /// The team (`Some(None)`: no team).
    pub team: Option<Option<String>>,
    /// The time zone (`Some(None)`: the machine's).
    pub time_zone: Option<Option<String>>,
    /// The OS account (`Some(None)`: none).
    pub os_user: Option<Option<String>>,
    /// Enabled or disabled.
    pub active: Option<bool>,
}

impl Crm {
    /// Gives a file its directory when it has none: a new file makes the OS user its admin; an
    /// older file turns each distinct free-text owner into a user with the rep role (records
    /// rewritten to name the login) and makes the OS user admin, created if missing, so that no
    /// upgrade locks its owner out.
    pub(super) fn ensure_directory(&self, os: &str) -> Result<()> {
        if self.shared.store.read()?.setting_bytes(DIRECTORY)?.is_some() {
            return Ok(());
        }
        self.write_system(|tx| {
            let mut dir = Directory::default();
            for kind in Kind::ALL {
                crate::model::with_record_type!(kind, T => adopt_owners::<T>(tx, &mut dir)?);
            }
            let login = login_from(os);
            match dir.users.iter_mut().find(|u| u.login == login) {
                Some(u) => u.role = "admin".into(),
                None => dir.users.push(User::new(&login, os, "admin")),
            }
            if let Some(u) = dir.users.iter_mut().find(|u| u.login == login) {
                u.os_user = Some(os.to_string());
            }
            // Records an older rolo left without an owner go to the admin.
            for kind in Kind::ALL {
                crate::model::with_record_type!(kind, T => give_unowned::<T>(tx, &login)?);
            }
            tx.w.set_setting(DIRECTORY, &dir)?;
            Ok(())
        })
    }

    /// The session of the OS account `os`: the user naming it (else the user whose login it
    /// is), in their time zone. An unknown account still gets a session, refused at its first
    /// request with the way to be added.
    pub fn local_session(&self, os: &str) -> Result<Session> {
        let dir = self.directory()?;
        Ok(match dir.for_os_user(os) {
            Some(u) => Session::new(u.login.clone()).in_zone(zone_of(u)),
            None => Session::new(login_from(os)),
        })
    }

    /// The session of the active user `login`, in their time zone: what a server gives each
    /// connection once the user is known (`Crm::with_session`). Refused for an unknown or
    /// disabled user.
    pub fn session_for(&self, login: &str) -> Result<Session> {
        match self.directory()?.user(login) {
            Some(u) if u.active => Ok(Session::new(login).in_zone(zone_of(u))),
            Some(_) => Err(CrmError::Disabled(login.to_string())),
            None => Err(CrmError::UnknownUser(login.to_string())),
        }
    }

    /// A handle acting for the active user `login` ([`Crm::session_for`]): how a server gives
    /// each rep who logged in their own session over the one open database.
    pub fn for_user(&self, login: &str) -> Result<Crm> {
        Ok(self.with_session(self.session_for(login)?))
    }

    /// Adds a user (needs the settings right).
    pub fn add_user(&self, user: User) -> Result<User> {
        self.change_directory(|dir| {
            if dir.user(&user.login).is_some() {
                return Err(CrmError::DuplicateName { kind: "user", name: user.login.clone() });
            }
            let mut user = user.clone();
            user.team = team_named(dir, user.team.as_deref())?;
            dir.users.push(user.clone());
            Ok(user)
        })
    }

    /// Changes a user's record (needs the settings right): the last active admin can neither be
    /// disabled nor given another role.
    pub fn edit_user(&self, login: &str, change: UserChange) -> Result<User> {
        self.change_directory(|dir| {
            let team = match &change.team {
                Some(t) => Some(team_named(dir, t.as_deref())?),
                None => None,
            };
            let user = user_mut(dir, login)?;
            if let Some(name) = &change.name {
                user.name = name.trim().to_string();
            }
            if let Some(email) = &change.email {
                user.email = email.clone();
            }
            if let Some(role) = &change.role {
                user.role = role.trim().to_lowercase();
            }
            if let Some(team) = team {
                user.team = team;
            }
            if let Some(tz) = &change.time_zone {
                user.time_zone = tz.clone();
            }
            if let Some(os) = &change.os_user {
                user.os_user = os.clone();
            }
            if let Some(active) = change.active {
                user.active = active;
            }
            Ok(user.clone())
        })
    }

    /// Sets a user's preferences (theme, default screen, keys of their own; the app checks the
    /// names, `tui::prefs::check`): one's own, or another's with the settings right, within it.
    pub fn set_prefs(&self, login: &str, prefs: Prefs) -> Result<User> {
        let login = login.trim().to_lowercase();
        self.write(|tx| {
            let before = tx.directory()?;
            let mut dir = before.clone();
            let user = user_mut(&mut dir, &login)?;
            user.prefs = prefs;
            let user = user.clone();
            if login != tx.user {
                tx.require(Right::Settings)?;
                tx.check_escalation(&before, &dir)?;
            }
            save_directory(tx, &dir)?;
            Ok(user)
        })
    }

    /// Disables a user (their records keep them as owner), or moves every record they own to
    /// `transfer_to` in the same transaction. The last active admin cannot be disabled.
    pub fn disable_user(&self, login: &str, transfer_to: Option<&str>) -> Result<usize> {
        self.write(|tx| {
            tx.require(Right::Settings)?;
            let before = tx.directory()?;
            let mut dir = before.clone();
            let user = user_mut(&mut dir, login)?;
            let last_admin = user.active && user.role == "admin" && before.active_admins() == 1;
            user.active = false;
            tx.check_escalation(&before, &dir)?;
            if last_admin {
                return Err(ValidationError::new(
                    "login",
                    format!("{login} is the last active admin: make another user admin first"),
                )
                .into());
            }
            if transfer_to == Some(login) {
                return Err(ValidationError::new(
                    "transfer-to",
                    format!("is {login}, the user being disabled: name the user who takes the records"),
                )
                .into());
            }
            let moved = match transfer_to {
                Some(to) => {
                    match dir.user(to) {
                        Some(u) if u.active => {}
                        Some(_) => {
                            return Err(ValidationError::new(
                                "transfer-to",
                                format!("{to} is disabled too: choose an active user"),
                            )
                            .into());
                        }
                        None => return Err(CrmError::UnknownUser(to.to_string())),
                    }
                    let mut moved = 0;
                    for kind in Kind::ALL {
                        moved += crate::model::with_record_type!(kind, T => transfer::<T>(tx, login, to)?);
                    }
                    moved
                }
                None => 0,
            };
            save_directory(tx, &dir)?;
            Ok(moved)
        })
    }

    /// Adds a team (needs the settings right).
    pub fn add_team(&self, name: &str) -> Result<String> {
        let name = name.trim().to_string();
        self.change_directory(|dir| {
            if name.is_empty() {
                return Err(ValidationError::new("name", "is empty: name the team").into());
            }
            if dir.team(&name).is_some() {
                return Err(CrmError::DuplicateName { kind: "team", name: name.clone() });
            }
            dir.teams.push(name.clone());
            Ok(name.clone())
        })
    }

    /// Renames a team, and the team of each of its users (needs the settings right).
    pub fn rename_team(&self, old: &str, new: &str) -> Result<String> {
        let new = new.trim().to_string();
        self.change_directory(|dir| {
            let Some(old) = dir.team(old).map(str::to_string) else {
                return Err(no_team(old));
            };
            if new.is_empty() {
                return Err(ValidationError::new("name", "is empty: give the team's new name").into());
            }
            if dir.team(&new).is_some_and(|t| t != old) {
                return Err(CrmError::DuplicateName { kind: "team", name: new.clone() });
            }
            for t in &mut dir.teams {
                if *t == old {
                    *t = new.clone();
                }
            }
            for u in &mut dir.users {
                if u.team.as_deref() == Some(old.as_str()) {
                    u.team = Some(new.clone());
                }
            }
            Ok(new.clone())
        })
    }

    /// Copies a role under a new name, to be edited with [`Crm::set_role_level`] and
    /// [`Crm::set_role_right`] (needs the settings right).
    pub fn copy_role(&self, from: &str, name: &str) -> Result<Role> {
        let name = name.trim().to_lowercase();
        self.change_directory(|dir| {
            let mut role = dir.role(from).ok_or_else(|| no_role(dir, from))?;
            crate::model::check_login(&name).map_err(|_| {
                ValidationError::new(
                    "name",
                    format!("'{name}' is not a role name: use lower-case letters, digits, '.', '_' or '-'"),
                )
            })?;
            if dir.role(&name).is_some() {
                return Err(CrmError::DuplicateName { kind: "role", name: name.clone() });
            }
            role.name = name.clone();
            dir.roles.push(role.clone());
            Ok(role)
        })
    }

    /// Sets a copied role's level of `act` on `kind` (needs the settings right; built-in roles
    /// are fixed).
    pub fn set_role_level(&self, role: &str, kind: Kind, act: Act, level: Level) -> Result<Role> {
        if kind == Kind::Stage {
            return Err(
                ValidationError::new("kind", "stages are settings: give the role the settings right instead").into()
            );
        }
        self.change_role(role, |r| r.set_level(kind, act, level))
    }

    /// Grants or withdraws a copied role's `right` (needs the settings right).
    pub fn set_role_right(&self, role: &str, right: Right, yes: bool) -> Result<Role> {
        self.change_role(role, |r| r.set_right(right, yes))
    }

    fn change_role(&self, name: &str, f: impl Fn(&mut Role)) -> Result<Role> {
        self.change_directory(|dir| {
            if Role::built_in(name).is_some() {
                return Err(CrmError::BuiltInRole(name.to_string()));
            }
            let role = dir.roles.iter_mut().find(|r| r.name == name).ok_or_else(|| CrmError::NoSuch {
                what: "role",
                name: name.to_string(),
                hint: "copy one first: rolo role copy rep NAME".into(),
            })?;
            f(role);
            Ok(role.clone())
        })
    }

    /// Runs `f` on the directory and saves it in one transaction, with the settings right.
    fn change_directory<T>(&self, f: impl FnOnce(&mut Directory) -> Result<T>) -> Result<T> {
        self.write(|tx| {
            tx.require(Right::Settings)?;
            let before = tx.directory()?;
            let mut dir = before.clone();
            let out = f(&mut dir)?;
            tx.check_escalation(&before, &dir)?;
            save_directory(tx, &dir)?;
            Ok(out)
        })
    }

    /// Gives a record to the user `to` (needs the assign right and the edit level on it).
    pub fn assign(&self, target: RecordRef, to: &str) -> Result<String> {
        let to = to.trim().to_lowercase();
        self.write(|tx| {
            // Taking a record one may edit needs no right; giving it to someone else does.
            if to != tx.user {
                tx.require(Right::Assign)?;
            }
            give(tx, target, &to)
        })
    }

    /// Gives every record of `targets` to the user `to` in one transaction, all of them or none
    /// (the marked rows of a list): needs the assign right and the edit level on each. Returns
    /// how many.
    pub fn assign_many(&self, targets: &[RecordRef], to: &str) -> Result<usize> {
        let to = to.trim().to_lowercase();
        self.write(|tx| {
            if to != tx.user {
                tx.require(Right::Assign)?;
            }
            for &target in targets {
                give(tx, target, &to)?;
            }
            Ok(targets.len())
        })
    }

    /// Removes a person for good: the contact goes (as a delete would take it, its notes
    /// with it), and every value of theirs in the audit trail is scrubbed, leaving only that an
    /// erasure happened, by whom and when. Undo cannot bring it back. Needs the admin role or
    /// the delete level on the contact.
    pub fn erase_contact(&self, id: crate::model::Id) -> Result<String> {
        let target = RecordRef::new(Kind::Contact, id);
        let name = self.write(|tx| {
            let old: Contact = tx.get(id)?;
            tx.allow(Act::Delete, &old)?;
            let name = old.label();
            // The notes on them go with them: their trails too.
            let notes = tx.index()?.linking(target, Kind::Note)?;
            tx.delete::<Contact>(id)?;
            tx.w.scrub_audit(target)?;
            for note in notes {
                tx.w.scrub_audit(RecordRef::new(Kind::Note, note))?;
            }
            let user = tx.user.to_string();
            tx.w.append_audit(&crate::model::AuditEntry {
                target,
                at: tx.now,
                user,
                action: AuditAction::Deleted,
                changes: Vec::new(),
                summary: Some("erased: personal data removed".into()),
            })?;
            // Nothing of theirs is kept to be undone: not this change, nor an earlier one.
            tx.undo = None;
            Ok(name)
        })?;
        self.forget_undo();
        // The freed pages still hold the person's bytes until reused: rewrite the file without
        // them when no one else holds it (the command line); a shared file keeps them until then.
        self.shared.store.compact()?;
        Ok(name)
    }
}

/// Gives record `target` to the user `to` within `tx`; returns its label.
fn give(tx: &mut Tx, target: RecordRef, to: &str) -> Result<String> {
    crate::model::with_record_type!(target.kind, T => {
        let mut rec: T = tx.get(target.id)?;
        let Some(owner) = rec.owner_mut() else {
            return Err(ValidationError::new("owner", format!("{} records have no owner", target.kind)).into());
        };
        *owner = to.to_string();
        let label = rec.label();
        tx.update(rec, Some(format!("assigned to {to}")))?;
        Ok(label)
    })
}

impl Tx<'_> {
    /// Refuses a change of the directory by someone short of admin that would reach past their
    /// own role: making or changing an admin, giving anyone (or changing anyone who has) a role
    /// that grants more than the actor's, making or changing such a role, or changing the role the
    /// actor holds. The settings right manages users; it does not make its holder an admin.
    fn check_escalation(&self, before: &Directory, after: &Directory) -> Result<()> {
        let Some(actor) = &self.actor else { return Ok(()) };
        if actor.role().name == "admin" {
            return Ok(());
        }
        let mine = actor.role();
        let refuse = |what: String| Err(CrmError::NotAdmin { who: actor.who(), what });
        let beyond = |dir: &Directory, role: &str| dir.role(role).is_none_or(|r| !r.within(mine));
        for u in &after.users {
            let old = before.user(&u.login);
            if old == Some(u) {
                continue;
            }
            if u.role == "admin" || old.is_some_and(|o| o.role == "admin") {
                return refuse(format!("change the admin {} or make anyone admin", u.login));
            }
            if beyond(after, &u.role) || old.is_some_and(|o| beyond(before, &o.role)) {
                return refuse(format!("give {} a role that grants more than {}", u.login, mine.name));
            }
        }
        for r in &after.roles {
            if before.roles.iter().any(|b| b == r) {
                continue;
            }
            if r.name == mine.name {
                return refuse(format!("change the role {} they hold", mine.name));
            }
            if !r.within(mine) {
                return refuse(format!("make a role {} that grants more than {}", r.name, mine.name));
            }
        }
        Ok(())
    }
}

/// Turns each owner text of the records of `R` into a user (a rep), rewriting the owner of each
/// record to its login.
fn adopt_owners<T: Indexed>(tx: &mut Tx, dir: &mut Directory) -> Result<()> {
    let mut renamed = Vec::new();
    tx.w.each::<T>(|rec| {
        if let Some(text) = rec.owner().map(str::trim).filter(|t| !t.is_empty()) {
            let login = login_from(text);
            if dir.user(&login).is_none() {
                dir.users.push(User::new(&login, text, "rep"));
            }
            if rec.owner() != Some(login.as_str()) {
                renamed.push((rec, login));
            }
        }
        true
    })?;
    for (mut rec, login) in renamed {
        if let Some(owner) = rec.owner_mut() {
            *owner = login;
        }
        tx.w.update(&rec)?;
    }
    Ok(())
}

/// Gives the records of `R` that have an owner field but no owner to `login`.
fn give_unowned<T: Indexed>(tx: &mut Tx, login: &str) -> Result<()> {
    let unowned = tx.w.all::<T>(|rec| rec.owner().is_some_and(|o| o.trim().is_empty()))?;
    for mut rec in unowned {
        if let Some(owner) = rec.owner_mut() {
            *owner = login.to_string();
        }
        tx.w.update(&rec)?;
    }
    Ok(())
}

/// Moves every record of `R` owned by `from` to `to`, audited; returns how many.
fn transfer<T: Indexed>(tx: &mut Tx, from: &str, to: &str) -> Result<usize> {
    let mut ids = Vec::new();
    // Through the index as this transaction left it (records of other kinds already moved).
    tx.index()?.owners(T::KIND, &mut |id, owner, _| {
        if owner == from {
            ids.push(id);
        }
    })?;
    for &id in &ids {
        let mut rec: T = tx.get(id)?;
        if let Some(owner) = rec.owner_mut() {
            *owner = to.to_string();
        }
        tx.consequence(|tx| tx.update(rec, Some(format!("moved from {from} to {to}"))))?;
    }
    Ok(ids.len())
}

/// Stores the directory, checked whole; a change of who may do what is not undone by `z`.
fn save_directory(tx: &mut Tx, dir: &Directory) -> Result<()> {
    dir.validate()?;
    tx.w.set_setting(DIRECTORY, dir)?;
    tx.logins = std::cell::OnceCell::new();
    // Who may do what is not taken back by `z`: the change is not journaled at all.
    tx.undo = None;
    Ok(())
}

fn user_mut<'d>(dir: &'d mut Directory, login: &str) -> Result<&'d mut User> {
    dir.users.iter_mut().find(|u| u.login == login).ok_or_else(|| CrmError::UnknownUser(login.to_string()))
}

/// The team as the directory spells it, refused when there is none by that name.
fn team_named(dir: &Directory, team: Option<&str>) -> Result<Option<String>> {
    match team.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => dir.team(t).map(|t| Some(t.to_string())).ok_or_else(|| no_team(t)),
    }
}

fn no_team(name: &str) -> CrmError {
    CrmError::NoSuch { what: "team", name: name.to_string(), hint: format!("rolo team add \"{name}\"") }
}

fn no_role(dir: &Directory, name: &str) -> CrmError {
    CrmError::NoSuch { what: "role", name: name.to_string(), hint: format!("one of {}", dir.role_names().join(", ")) }
}

/// A user's time zone, if they set one that reads.
pub(super) fn zone_of(u: &User) -> Option<chrono_tz::Tz> {
    u.time_zone.as_deref().and_then(|z| z.parse().ok())
}

/// The kinds a role lists, for front ends showing one.
pub fn role_rows(role: &Role) -> Vec<(Kind, crate::model::Levels)> {
    role_kinds().map(|k| (k, *role.levels.get(&k).unwrap_or(&none_levels()))).collect()
}

fn none_levels() -> crate::model::Levels {
    crate::model::Levels { read: Level::None, create: Level::None, edit: Level::None, delete: Level::None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_session_reads_days_in_their_time_zone() {
        let dir = tempfile::tempdir().unwrap();
        let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
        let zoned = |login: &str, zone: &str| User { time_zone: Some(zone.into()), ..User::new(login, login, "rep") };
        crm.add_user(zoned("ann", "Pacific/Kiritimati")).unwrap();
        crm.add_user(zoned("bob", "Pacific/Pago_Pago")).unwrap();
        let noon = crate::model::Timestamp(1_773_057_600); // 2026-03-09 12:00 UTC
        let today = |login: &str| crm.session_for(login).unwrap().with_clock(super::super::Clock::Fixed(noon)).today();
        assert_eq!((today("ann").to_string(), today("bob").to_string()), ("2026-03-10".into(), "2026-03-09".into()));
        crm.edit_user("bob", UserChange { active: Some(false), ..Default::default() }).unwrap();
        assert!(matches!(crm.session_for("bob"), Err(CrmError::Disabled(_))));
        assert!(matches!(crm.session_for("nobody"), Err(CrmError::UnknownUser(_))));
    }

    #[test]
    fn free_text_owners_of_an_older_file_become_users_named_by_login() {
        let dir = tempfile::tempdir().unwrap();
        let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
        // As an older rolo left it: owners written as free text, and no directory.
        crm.write_system(|tx| {
            for (name, owner) in [("Ann", "Ann Lee"), ("Bo", "ann lee"), ("Cy", "Bob"), ("Di", "")] {
                let mut c = Contact { first_name: name.into(), owner: owner.into(), ..Default::default() };
                tx.w.insert(&mut c)?;
            }
            Ok(tx.w.remove_setting(DIRECTORY)?)
        })
        .unwrap();
        crm.ensure_directory("Zed").unwrap();
        let dir = crm.directory().unwrap();
        let logins: Vec<(&str, &str, &str)> =
            dir.users.iter().map(|u| (u.login.as_str(), u.name.as_str(), u.role.as_str())).collect();
        assert_eq!(logins, [("ann.lee", "Ann Lee", "rep"), ("bob", "Bob", "rep"), ("zed", "Zed", "admin")]);
        let zed = crm.with_session(Session::new("zed"));
        let owners: Vec<String> = zed.list::<Contact>(|_| true).unwrap().into_iter().map(|c| c.owner).collect();
        assert_eq!(owners, ["ann.lee", "ann.lee", "bob", "zed"], "records name their owner's login");
        assert!(zed.check().unwrap().is_empty(), "owner keys follow the rewritten owners");
    }
}
