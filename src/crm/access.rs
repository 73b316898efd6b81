//! Who may do what. A handle's session names a user; the service resolves them against the
//! database's directory (users, teams and roles, kept whole in the settings) into an [`Actor`],
//! and checks every query and command against the actor's role:
//!
//! - reads go through a [`View`], the snapshot as the actor may see it: a record they may not
//!   read is not there (`get` finds nothing, scans and index reads skip it), so every query,
//!   report and listing built on it counts and shows only what the actor may see;
//! - writes are checked by `Tx` ([`Tx::allow`]): the level of the action on the record's owner,
//!   the assign right for giving a record to someone else, the settings right for settings.
//!
//! Whether a record is visible is answered without decoding it, from the map of every record's
//! owner (and the record it is about) that the service keeps in memory, read once from the
//! owner keys of the index (and the report facts of accounts and contacts, which hold theirs)
//! and kept in step after each commit.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::{Crm, CrmError, Result, Tx};
use crate::model::{Act, Directory, Id, Kind, Level, Record, RecordRef, Right, Role, User};
use crate::store::{OwnerChange, RawRead, Read, Snapshot, WriteTables};

/// The setting key the directory is stored under.
pub(crate) const DIRECTORY: &str = "directory";

/// The user a handle acts for, resolved: their record, role and the team of every user.
#[derive(Debug, Clone)]
pub struct Actor {
    user: User,
    role: Role,
    /// Each user's team, for the `team` level.
    teams: Arc<HashMap<String, String>>,
    /// The admin acting as this user (`--as`), if any.
    by: Option<String>,
}

impl Actor {
    pub(super) fn resolve(dir: &Directory, login: &str, by: Option<&str>) -> Result<Actor> {
        let user = dir.user(login).ok_or_else(|| CrmError::UnknownUser(login.to_string()))?;
        if !user.active {
            return Err(CrmError::Disabled(login.to_string()));
        }
        let role = dir.role(&user.role).unwrap_or_else(Role::rep);
        let teams =
            dir.users.iter().filter_map(|u| Some((u.login.clone(), u.team.clone()?))).collect::<HashMap<_, _>>();
        Ok(Actor { user: user.clone(), role, teams: Arc::new(teams), by: by.map(str::to_string) })
    }

    /// The acting user.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// Their login.
    pub fn login(&self) -> &str {
        &self.user.login
    }

    /// Their role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The admin acting as this user (`--as`), if any.
    pub fn acting_for(&self) -> Option<&str> {
        self.by.as_deref()
    }

    /// Whether the role holds `right`.
    pub fn has(&self, right: Right) -> bool {
        self.role.has(right)
    }

    /// Refuses unless the role holds `right`.
    pub fn require(&self, right: Right) -> Result<()> {
        if self.has(right) { Ok(()) } else { Err(CrmError::NoRight { who: self.who(), right }) }
    }

    /// "ann (rep)": how refusals name the actor.
    pub fn who(&self) -> String {
        format!("{} ({})", self.user.login, self.role.name)
    }

    /// Whether `level` reaches a record owned by `owner` (`None` or empty: a record of nobody's,
    /// such as a product, which every team shares).
    pub fn reaches(&self, level: Level, owner: Option<&str>) -> bool {
        let owner = owner.filter(|o| !o.is_empty());
        match level {
            Level::All => true,
            Level::None => false,
            Level::Own => owner == Some(self.login()),
            Level::Team => match owner {
                None => true,
                Some(o) => o == self.login() || self.user.team.as_ref().is_some_and(|t| self.teams.get(o) == Some(t)),
            },
        }
    }

    /// Whether the role reads every record of every kind (nothing to filter).
    pub(crate) fn reads_all(&self) -> bool {
        crate::model::role_kinds().all(|k| self.role.level(k, Act::Read) == Level::All)
    }
}

/// Every record's owner and the record it is about, by record, with owners' logins interned.
#[derive(Default)]
pub(crate) struct Owners {
    map: rustc_hash::FxHashMap<RecordRef, (u32, Option<RecordRef>)>,
    logins: Vec<String>,
    numbers: HashMap<String, u32>,
}

impl Owners {
    fn load(r: &(impl Read + ?Sized)) -> Result<Owners> {
        let mut owners = Owners::default();
        for kind in Kind::ALL {
            r.owners(kind, &mut |id, owner, about| owners.set(RecordRef::new(kind, id), Some((owner, about))))?;
        }
        Ok(owners)
    }

    fn set(&mut self, r: RecordRef, state: Option<(&str, Option<RecordRef>)>) {
        let Some((owner, about)) = state else {
            self.map.remove(&r);
            return;
        };
        let n = match self.numbers.get(owner) {
            Some(&n) => n,
            None => {
                let n = self.logins.len() as u32;
                self.logins.push(owner.to_string());
                self.numbers.insert(owner.to_string(), n);
                n
            }
        };
        self.map.insert(r, (n, about));
    }

    fn get(&self, r: RecordRef) -> Option<(&str, Option<RecordRef>)> {
        self.map.get(&r).map(|&(n, about)| (self.logins[n as usize].as_str(), about))
    }

    /// The records of `kind` it knows of.
    fn of_kind(&self, kind: Kind) -> impl Iterator<Item = RecordRef> + '_ {
        self.map.keys().copied().filter(move |r| r.kind == kind)
    }
}

/// The shared map of owners, loaded on first need.
pub(crate) type OwnerMap = Arc<RwLock<Option<Owners>>>;

/// Takes a commit's owner changes into the map, if loaded.
pub(crate) fn apply_owner_changes(map: &OwnerMap, changes: Vec<OwnerChange>) {
    if changes.is_empty() {
        return;
    }
    if let Some(owners) = map.write().unwrap_or_else(|e| e.into_inner()).as_mut() {
        for (r, state) in changes {
            owners.set(r, state.as_ref().map(|(o, a)| (o.as_str(), *a)));
        }
    }
}

impl super::Shared {
    /// Reads the map of owners again from the newest snapshot, if it is loaded: after a commit of
    /// more owner changes than a transaction holds (a bulk load). Should the read fail, the map
    /// is dropped, to be loaded when next needed.
    pub(super) fn reload_owners(&self) {
        let mut slot = self.owners.write().unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            *slot = None;
            *slot = self.store.read().map_err(CrmError::from).and_then(|r| Owners::load(&*r)).ok();
        }
    }
}

/// Refuses `act` on `record`, owned by `owner`, unless the actor's level reaches it (any level
/// but none creates).
fn permit(actor: &Actor, act: Act, record: RecordRef, owner: Option<String>) -> Result<()> {
    let level = actor.role.level(record.kind, act);
    let allowed = match act {
        Act::Create => level != Level::None,
        _ => actor.reaches(level, owner.as_deref()),
    };
    if allowed {
        return Ok(());
    }
    Err(CrmError::Forbidden {
        who: actor.who(),
        act,
        record: (act != Act::Create).then_some(record),
        kind: record.kind,
        owner: owner.filter(|o| !o.is_empty() && o != actor.login()),
    })
}

/// How many links deep "the record it is about" is followed (a note on a task about a deal).
const ABOUT_DEPTH: usize = 3;

/// What one actor may see, answered from the map of owners.
#[derive(Clone)]
pub(crate) struct Sight {
    actor: Actor,
    owners: OwnerMap,
    /// The actor's number among the map's owners.
    me: Option<u32>,
    /// Per owner number, whether the owner is the actor or in the actor's team (worked out once
    /// per sight, so a search asks no more than two array reads per entry it would show).
    team: Vec<bool>,
}

impl Sight {
    fn new(actor: Actor, owners: OwnerMap) -> Sight {
        let (me, team) = {
            let guard = owners.read().unwrap_or_else(|e| e.into_inner());
            let logins = guard.as_ref().map_or(&[][..], |o| &o.logins[..]);
            let me = logins.iter().position(|l| l == actor.login()).map(|n| n as u32);
            (me, logins.iter().map(|l| actor.reaches(Level::Team, Some(l))).collect())
        };
        Sight { actor, owners, me, team }
    }

    /// Whether the actor may read record `r` (which is assumed to exist).
    pub fn sees(&self, r: RecordRef) -> bool {
        let guard = self.owners.read().unwrap_or_else(|e| e.into_inner());
        self.sees_within(guard.as_ref(), r, ABOUT_DEPTH)
    }

    fn sees_within(&self, owners: Option<&Owners>, r: RecordRef, depth: usize) -> bool {
        let level = self.actor.role.level(r.kind, Act::Read);
        if matches!(level, Level::All | Level::None) {
            return level == Level::All;
        }
        let Some((o, n, about)) = owners.and_then(|o| o.map.get(&r).map(|&(n, about)| (o, n, about))) else {
            // A kind without owners (products, lists) is everyone's at team level; a record of
            // a kind with owners that the map does not hold yet is nobody's to see.
            return !(r.kind.has_owner() || r.kind == Kind::Quote) && self.actor.reaches(level, None);
        };
        let login = &o.logins[n as usize];
        let reached = !login.is_empty()
            && match level {
                Level::Own => self.me == Some(n),
                _ => self.team.get(n as usize).copied().unwrap_or_else(|| self.actor.reaches(level, Some(login))),
            };
        if reached || (login.is_empty() && about.is_none() && self.actor.reaches(level, None)) {
            return true;
        }
        depth > 0 && about.is_some_and(|a| self.sees_within(owners, a, depth - 1))
    }

    /// How many records of `kind` the actor may see, of `total`.
    fn count(&self, kind: Kind, total: u64) -> u64 {
        match self.actor.role.level(kind, Act::Read) {
            Level::All => total,
            Level::None => 0,
            level => {
                let guard = self.owners.read().unwrap_or_else(|e| e.into_inner());
                match guard.as_ref() {
                    // Kinds without owners are everyone's at team level.
                    Some(o) if o.of_kind(kind).next().is_some() => {
                        let refs: Vec<RecordRef> = o.of_kind(kind).collect();
                        drop(guard);
                        refs.into_iter().filter(|&r| self.sees(r)).count() as u64
                    }
                    _ if self.actor.reaches(level, None) => total,
                    _ => 0,
                }
            }
        }
    }
}

/// Whether an actor may see a record: what [`Seen`] filters reads by.
pub(crate) trait Judge {
    /// Whether the actor may read `r`.
    fn sees(&self, r: RecordRef) -> bool;
    /// Whether the actor reads everything (nothing to filter).
    fn sees_all(&self) -> bool {
        false
    }
    /// How many of the `total` records of `kind` the actor may see.
    fn count(&self, kind: Kind, total: u64) -> u64 {
        let _ = kind;
        total
    }
}

/// Reads as one actor may see them: the records they may not read are left out of every read
/// (absent when asked for, skipped by scans and index reads). Front ends never hold one.
pub(crate) struct Seen<R, J> {
    inner: R,
    judge: J,
}

/// A snapshot as the actor may see it: what every query of the service reads through.
pub(crate) type View = Seen<Arc<Snapshot>, Option<Sight>>;

impl Judge for Option<Sight> {
    fn sees(&self, r: RecordRef) -> bool {
        self.as_ref().is_none_or(|s| s.sees(r))
    }

    fn sees_all(&self) -> bool {
        self.is_none()
    }

    fn count(&self, kind: Kind, total: u64) -> u64 {
        self.as_ref().map_or(total, |s| s.count(kind, total))
    }
}

impl View {
    /// Takes out of records read through this view what the actor may not see inside them (a
    /// list's members, an event's attendees); a write puts it back (`Record::keep_hidden`).
    pub(crate) fn shown<R: Record>(&self, mut recs: Vec<R>) -> Vec<R> {
        if let Some(sight) = self.judge.as_ref().filter(|_| matches!(R::KIND, Kind::ContactList | Kind::Event)) {
            for rec in &mut recs {
                rec.hide(&|r| sight.sees(r));
            }
        }
        recs
    }

    /// [`View::shown`] of one record.
    pub(crate) fn shown_one<R: Record>(&self, rec: R) -> R {
        self.shown(vec![rec]).remove(0)
    }
}

/// A write transaction's actor, judging what the transaction holds (see [`Tx::visible`]).
pub(crate) struct TxJudge<'t, 'a>(&'t Tx<'a>);

impl Judge for TxJudge<'_, '_> {
    fn sees(&self, r: RecordRef) -> bool {
        // A record that cannot be read to tell is left out, as one the actor may not see.
        self.0.sees(r).unwrap_or(false)
    }
}

impl<R: std::ops::Deref<Target: RawRead>, J: Judge> RawRead for Seen<R, J> {
    fn raw(&self, r: RecordRef) -> crate::store::Result<Option<Vec<u8>>> {
        if !self.judge.sees(r) {
            return Ok(None);
        }
        self.inner.raw(r)
    }

    fn contains(&self, r: RecordRef) -> crate::store::Result<bool> {
        Ok(self.inner.contains(r)? && self.judge.sees(r))
    }

    fn raw_each(
        &self,
        refs: &[RecordRef],
        f: &mut dyn FnMut(usize, &[u8]) -> crate::store::Result<()>,
    ) -> crate::store::Result<()> {
        if self.judge.sees_all() {
            return self.inner.raw_each(refs, f);
        }
        // Only what the user may see is read.
        let places: Vec<usize> = (0..refs.len()).filter(|&i| self.judge.sees(refs[i])).collect();
        let seen: Vec<RecordRef> = places.iter().map(|&i| refs[i]).collect();
        self.inner.raw_each(&seen, &mut |i, envelope| f(places[i], envelope))
    }

    fn scan_index(
        &self,
        from: &[u8],
        to: &[u8],
        rev: bool,
        f: &mut dyn FnMut(&[u8]) -> bool,
    ) -> crate::store::Result<()> {
        if self.judge.sees_all() {
            return self.inner.scan_index(from, to, rev, f);
        }
        self.inner.scan_index(from, to, rev, &mut |k| match crate::store::key_record(k) {
            Some(r) if !self.judge.sees(r) => true,
            _ => f(k),
        })
    }

    fn scan_index_ranges(
        &self,
        ranges: &[(Vec<u8>, Vec<u8>)],
        f: &mut dyn FnMut(&[u8]) -> bool,
    ) -> crate::store::Result<()> {
        if self.judge.sees_all() {
            return self.inner.scan_index_ranges(ranges, f);
        }
        self.inner.scan_index_ranges(ranges, &mut |k| match crate::store::key_record(k) {
            Some(r) if !self.judge.sees(r) => true,
            _ => f(k),
        })
    }

    fn scan_records(&self, kind: Kind, f: &mut dyn FnMut(Id, &[u8]) -> bool) -> crate::store::Result<()> {
        if self.judge.sees_all() {
            return self.inner.scan_records(kind, f);
        }
        self.inner.scan_records(kind, &mut |id, bytes| !self.judge.sees(RecordRef::new(kind, id)) || f(id, bytes))
    }

    fn scan_audit_range(
        &self,
        from: &[u8],
        to: &[u8],
        f: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> crate::store::Result<()> {
        self.inner.scan_audit_range(from, to, f)
    }

    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> crate::store::Result<()> {
        self.inner.scan_search(kind, f)
    }

    fn count(&self, kind: Kind) -> crate::store::Result<u64> {
        Ok(self.judge.count(kind, self.inner.count(kind)?))
    }

    fn meta(&self, key: &str) -> crate::store::Result<Option<u64>> {
        self.inner.meta(key)
    }

    fn setting_bytes(&self, key: &str) -> crate::store::Result<Option<Vec<u8>>> {
        self.inner.setting_bytes(key)
    }

    fn version(&self, r: RecordRef) -> crate::store::Result<Option<(u64, String)>> {
        if !self.judge.sees(r) {
            return Ok(None);
        }
        self.inner.version(r)
    }
}

/// Whose records a list or the board shows, of those the actor may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// The actor's own.
    Mine,
    /// Those of the actor's team (the actor's own included).
    Team,
    /// Every record the actor may see.
    #[default]
    All,
}

impl Scope {
    /// The next scope in the toggle's cycle: all, mine, my team, all again.
    pub fn next(self) -> Scope {
        match self {
            Scope::All => Scope::Mine,
            Scope::Mine => Scope::Team,
            Scope::Team => Scope::All,
        }
    }

    /// How a title says it.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Mine => "mine",
            Scope::Team => "my team",
            Scope::All => "all",
        }
    }
}

impl Crm {
    /// Keeps the ids of `kind` whose records fall in `scope` for the actor (by their owner; a
    /// kind without owners is kept whole), in their order.
    pub fn keep_scope(&self, kind: Kind, ids: &mut Vec<Id>, scope: Scope) -> Result<()> {
        if scope == Scope::All {
            return Ok(());
        }
        let actor = self.actor()?;
        self.load_owners()?;
        let guard = self.shared.owners.read().unwrap_or_else(|e| e.into_inner());
        let Some(owners) = guard.as_ref() else { return Ok(()) };
        let level = if scope == Scope::Mine { Level::Own } else { Level::Team };
        ids.retain(|&id| match owners.get(RecordRef::new(kind, id)) {
            Some((owner, _)) if !owner.is_empty() => actor.reaches(level, Some(owner)),
            Some(_) => true,
            None => true,
        });
        Ok(())
    }

    /// The owner (login) of a record, if it has one, from the map of owners.
    pub fn owner_of(&self, r: RecordRef) -> Result<Option<String>> {
        self.load_owners()?;
        let guard = self.shared.owners.read().unwrap_or_else(|e| e.into_inner());
        Ok(guard.as_ref().and_then(|o| o.get(r)).map(|(owner, _)| owner.to_string()).filter(|o| !o.is_empty()))
    }

    /// The users, teams and roles of the database.
    pub fn directory(&self) -> Result<Directory> {
        Ok(self.shared.store.read()?.setting(DIRECTORY)?.unwrap_or_default())
    }

    /// The user this handle acts for, with their role and team; an error when the session's user
    /// is not an active user of the database.
    pub fn actor(&self) -> Result<Actor> {
        Actor::resolve(&self.directory()?, self.session.user(), self.session.by())
    }

    /// What the actor may see, when they may not see everything.
    pub(crate) fn sight(&self) -> Result<Option<Sight>> {
        let actor = self.actor()?;
        if actor.reads_all() {
            return Ok(None);
        }
        self.load_owners()?;
        Ok(Some(Sight::new(actor, self.shared.owners.clone())))
    }

    /// A snapshot as the actor may see it.
    pub(crate) fn view(&self) -> Result<Arc<View>> {
        let inner = self.shared.store.read()?;
        // Who may see a record is judged by the owners of the records it shows.
        self.shared.follow_to(inner.commit_number())?;
        let judge = self.sight()?;
        Ok(Arc::new(Seen { inner, judge }))
    }

    /// Loads the map of owners, if not loaded yet, from the newest snapshot (holding the map's
    /// lock, so a commit landing meanwhile is taken in after).
    fn load_owners(&self) -> Result<()> {
        if self.shared.owners.read().unwrap_or_else(|e| e.into_inner()).is_some() {
            return Ok(());
        }
        let mut slot = self.shared.owners.write().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(Owners::load(&*self.shared.store.read()?)?);
        }
        Ok(())
    }

    /// Refuses, as the write would, `act` on `rec` by the actor (a record of someone the actor's
    /// level does not reach): front ends ask before opening a form or a confirmation, rather
    /// than refusing on save.
    pub fn may<R: Record>(&self, act: Act, rec: &R) -> Result<()> {
        let actor = self.actor()?;
        let owner = match (rec.owner(), rec.about()) {
            (Some(o), _) => Some(o.to_string()),
            (None, Some(about)) => self.owner_of(about)?,
            (None, None) => None,
        };
        permit(&actor, act, rec.record_ref(), owner)
    }

    /// A handle acting as the user `login`, for an admin (`--as`): scripts, support and tests.
    /// Anyone else is refused. Days are read in that user's time zone, as their own sessions do.
    pub fn acting_as(&self, login: &str) -> Result<Crm> {
        let me = self.actor()?;
        if login.trim().eq_ignore_ascii_case(me.login()) && me.by.is_none() {
            return Ok(self.clone());
        }
        if me.role.name != "admin" {
            return Err(CrmError::NotAdmin { who: me.who(), what: format!("act as {login}") });
        }
        let login = login.trim().to_lowercase();
        let zone = self.directory()?.user(&login).and_then(super::users::zone_of);
        let session = self.session.clone().acting_as(&login, me.login()).in_zone(zone);
        let crm = self.with_session(session);
        crm.actor()?;
        Ok(crm)
    }
}

impl<'a> Tx<'a> {
    /// This transaction's records as its actor may see them (flush the index first, with
    /// [`Tx::index`], before reading it through this).
    pub(crate) fn visible(&self) -> Seen<&WriteTables<'a>, TxJudge<'_, 'a>> {
        Seen { inner: &self.w, judge: TxJudge(self) }
    }
}

impl Tx<'_> {
    /// Runs `f` as the consequence of a change already allowed (a cascade, records following a
    /// renamed source or a removed stage, a transfer): what it writes is not asked again.
    pub(crate) fn consequence<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.consequences += 1;
        let out = f(self);
        self.consequences -= 1;
        out
    }

    /// Runs `f`, a change of the settings (stages, lead sources), for an actor with the
    /// settings right; the records it rewrites follow as its consequence.
    pub(crate) fn settings_change<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.require(Right::Settings)?;
        self.consequence(f)
    }

    /// Refuses unless the actor holds `right` (internal writes of the service always may).
    pub fn require(&self, right: Right) -> Result<()> {
        self.actor.as_ref().map_or(Ok(()), |a| a.require(right))
    }

    /// The owner whose level decides an action on `rec`: its own, else (a quote) the owner of
    /// the record it is about.
    fn owner_of<R: Record>(&self, rec: &R) -> Result<Option<String>> {
        if let Some(owner) = rec.owner() {
            return Ok(Some(owner.to_string()));
        }
        match rec.about() {
            Some(about) => self.owner_at(about, 1),
            None => Ok(None),
        }
    }

    fn owner_at(&self, r: RecordRef, depth: usize) -> Result<Option<String>> {
        Ok(match self.stored_owner(r)? {
            Some((Some(owner), _)) => Some(owner),
            Some((None, Some(about))) if depth > 0 => self.owner_at(about, depth - 1)?,
            _ => None,
        })
    }

    /// The owner of record `r` as this transaction holds it, and the record it is about; `None`
    /// when there is no such record.
    fn stored_owner(&self, r: RecordRef) -> Result<Option<(Option<String>, Option<RecordRef>)>> {
        Ok(
            crate::model::with_record_type!(r.kind, T => self.w.get::<T>(r.id)?.map(|rec| (rec.owner().map(str::to_string), rec.about()))),
        )
    }

    /// Whether the actor may read `r`, as this transaction sees it (a link to a record they may
    /// not read is a link to nothing).
    pub(crate) fn sees(&self, r: RecordRef) -> Result<bool> {
        let Some(actor) = &self.actor else { return Ok(true) };
        self.sees_within(actor, r, ABOUT_DEPTH)
    }

    /// Whether the actor may read every record of `kind`, whoever owns it.
    pub(crate) fn sees_every(&self, kind: Kind) -> bool {
        self.actor.as_ref().is_none_or(|actor| actor.role.level(kind, Act::Read) == Level::All)
    }

    fn sees_within(&self, actor: &Actor, r: RecordRef, depth: usize) -> Result<bool> {
        let level = actor.role.level(r.kind, Act::Read);
        if matches!(level, Level::All | Level::None) {
            return Ok(level == Level::All);
        }
        let Some((owner, about)) = self.stored_owner(r)? else { return Ok(true) };
        if (owner.is_some() || about.is_none()) && actor.reaches(level, owner.as_deref()) {
            return Ok(true);
        }
        match about {
            Some(a) if depth > 0 => self.sees_within(actor, a, depth - 1),
            _ => Ok(false),
        }
    }

    /// Refuses `act` on `rec` (as stored before the change) unless the actor's level reaches it:
    /// a record they may not read is not found; one they may read but not change says who owns
    /// it. Changes the service makes as a consequence of an allowed one (a cascade, an unlink)
    /// are not asked again.
    pub(crate) fn allow<R: Record>(&self, act: Act, rec: &R) -> Result<()> {
        let Some(actor) = &self.actor else { return Ok(()) };
        if self.consequences > 0 {
            return Ok(());
        }
        if act != Act::Create && !self.sees(rec.record_ref())? {
            return Err(CrmError::NotFound(rec.record_ref()));
        }
        permit(actor, act, rec.record_ref(), self.owner_of(rec)?)
    }

    /// Checks a record's owner as written: an active user, and someone else only with the assign
    /// right (or when it is not the actor's to choose: an internal write).
    pub(crate) fn check_owner<R: Record>(&self, rec: &R, old: Option<&R>) -> Result<()> {
        let Some(owner) = rec.owner() else { return Ok(()) };
        if old.and_then(Record::owner) == Some(owner) {
            return Ok(());
        }
        if self.logins.get().is_none() {
            let dir = self.directory()?;
            let _ = self.logins.set(dir.users.into_iter().map(|u| (u.login, u.active)).collect());
        }
        match self.logins.get().and_then(|l| l.get(owner)) {
            Some(true) => {}
            Some(false) => {
                return Err(crate::model::ValidationError::new(
                    "owner",
                    format!("{owner} is disabled: choose an active user (rolo user list)"),
                )
                .into());
            }
            None => {
                return Err(crate::model::ValidationError::new(
                    "owner",
                    format!("'{owner}' is not a user: use a login from rolo user list"),
                )
                .into());
            }
        }
        match &self.actor {
            Some(actor) if owner != actor.login() && self.consequences == 0 => actor.require(Right::Assign),
            _ => Ok(()),
        }
    }

    /// The directory as this transaction sees it.
    pub(crate) fn directory(&self) -> Result<Directory> {
        Ok(self.w.setting(DIRECTORY)?.unwrap_or_default())
    }
}
