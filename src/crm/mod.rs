//! The service every front end calls: each command runs in one write transaction (records, index
//! entries, audit trail and search keys together) and each query reads one snapshot. Validation and
//! business rules live here, once.

mod access;
mod account_names;
mod activity;
mod day;
mod duplicates;
mod error;
mod feed;
pub mod filter;
mod follow;
mod import;
mod keys;
mod live_index;
mod marketing;
mod people;
mod picklists;
mod prepared;
mod query;
mod quotas;
mod report;
mod rules;
mod sales;
mod service;
mod session;
mod stages;
mod timeline;
mod undo;
mod users;
mod versions;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

pub(crate) use access::View;
pub use access::{Actor, Scope};
pub use activity::{AgendaItem, AgendaKind, DueContact, TaskFilter};
pub use day::{PersonDay, Planned, Whose};
pub use duplicates::DuplicatePair;
pub use error::CrmError;
pub use feed::{Changes, FEED_LEN};
pub use filter::{
    Context, Field, Filter, FilterError, Filterable, Filtered, Linked, Range, Shape, Term, Test, Value, Vocabulary,
};
pub use people::EmailStatusChange;
pub use picklists::SourceUse;
pub use prepared::{Prepared, Stamp};
pub use query::Order;
pub use report::{
    AccountCalls, ActivityCount, ActivityReport, ActivityRow, Bucket, CASE_WEEKS, CHART_CUSTOMERS, CONSENT_ROWS,
    CallCount, CallsReport, CampaignRow, CampaignsReport, CaseSet, CaseWeek, CasesReport, Chart, ChartRow, ChartView,
    CompetitorRow, CompetitorsReport, ConsentRow, CustomerRow, CustomersReport, DEFAULT_BEST_CASE_MIN,
    DEFAULT_QUIET_DAYS, DEFAULT_WEEKS, EmailAddress, EmailCell, EmailsReport, Forecast, ForecastPeriod, ForecastQuery,
    GroupRow, KEY_SHARE, MAX_WEEKS, Measure, MonthRow, PAST_DUE, PairRow, PriceMonth, ProductRow, ProductsReport,
    ProjectRow, ProjectState, ProjectsReport, QuotaRow, QuotasReport, ReasonCount, Report, ReportQuery, SlaState,
    StageRow, StagesReport, StateCount, StatusRow, TOP_ACCOUNTS, TOP_PAIRS, TaskCount, TaskWeek, TasksReport, Unit,
    period_words,
};
pub use sales::{Conversion, ConvertLead, NewOpportunity};
pub use service::ThreadItem;
pub use session::{Clock, Session};
pub use timeline::TimelineItem;
pub use undo::{ENTRY_RECORDS, JOURNAL_BYTES, JOURNAL_LEN, UndoRefusal, Undone};
pub use users::{UserChange, os_user, role_rows};
pub use versions::Version;

use crate::model::{
    AuditAction, AuditEntry, BulkCreation, Change, Id, Kind, OnDelete, Record, RecordRef, Timestamp, ValidationError,
};
use crate::search::{Hit, Pass, SearchIndex};
use crate::store::{Handed, Read, Store, WriteTables};
pub use crate::store::{
    Indexed, StoreError, Workload, address_without_password, holds_database, hush_caught_panics, is_address,
};
pub use import::{Arrival, Duplicate, ImportReport, Incoming, OnDuplicate, Ready, Reference, RowProblem};
pub use keys::{KEY_TEXT_MAX, UserKey, fingerprint, parse_key};
pub use marketing::{CampaignPlan, CampaignSummary, Draft, SendReport, Skip, Skipped};

/// The meta key set once the search texts hold the labels of contacts and accounts.
const TAGS_SEARCHED: &str = "search_texts_have_tags";

/// Result of a service call.
pub type Result<T, E = CrmError> = std::result::Result<T, E>;

/// The CRM: one database and its search index, acting for one [`Session`]. Cloning is cheap and
/// shares the database and the session's undo journal; [`Crm::with_session`] gives another user
/// their own handle over it, with a journal of its own.
#[derive(Clone)]
pub struct Crm {
    shared: Arc<Shared>,
    session: Session,
    /// The changes this session can undo; clones of a handle share it, other sessions have their own.
    journal: Arc<Mutex<undo::Journal>>,
    /// This handle's number in the commit feed (clones share it): its own commits are not news to it.
    handle: u64,
    /// The record version this handle's writes are based on (see [`Crm::expecting`]).
    expect: Option<(RecordRef, Version)>,
    /// How many transactions this handle (and its clones) committed.
    wrote: Arc<std::sync::atomic::AtomicU64>,
}

/// What every handle over one database shares.
struct Shared {
    store: Store,
    search: live_index::LiveIndex,
    /// The transactions committed through any handle, and what they wrote.
    feed: feed::Feed,
    /// Every record's owner, for telling who may see it (loaded on first need).
    owners: access::OwnerMap,
    /// Where other nodes share the database: how far this node has taken in their commits.
    follower: Option<follow::Follower>,
}

impl Crm {
    /// Opens (or creates) the database at `path` for a session, acting as the local OS user.
    pub fn open(path: &Path) -> Result<Crm> {
        Crm::open_for(path, Workload::Session)
    }

    /// [`Crm::open`] for the given kind of work.
    pub fn open_for(path: &Path, workload: Workload) -> Result<Crm> {
        let store = Store::open(path, workload)?;
        let follower = store.shared_commits()?.map(follow::Follower::new);
        let crm = Crm {
            shared: Arc::new(Shared {
                store,
                search: live_index::LiveIndex::default(),
                feed: feed::Feed::default(),
                owners: Arc::default(),
                follower,
            }),
            session: Session::new(""),
            journal: Arc::default(),
            handle: 0,
            expect: None,
            wrote: Arc::default(),
        };
        let os = os_user();
        crm.ensure_directory(&os)?;
        let crm = crm.with_session(crm.local_session(&os)?);
        crm.seed_stages()?;
        // A file that cannot be read whole still opens (for `rolo check` to say why); its search
        // texts then lack labels until it can.
        let _ = crm.index_tags();
        // Sessions show what other nodes write as it comes; a command reads it at its queries.
        if crm.shared.follower.is_some() && workload == Workload::Session {
            follow::keep_following(Arc::downgrade(&crm.shared));
        }
        // What opening wrote (the default stages) is not the user's to undo.
        Ok(crm.with_session(crm.session.clone()))
    }

    /// Gives the search texts of a file written before labels joined them the labels of its
    /// contacts and accounts, once (the search keys of labelled records are written again).
    fn index_tags(&self) -> Result<()> {
        if crate::store::RawRead::meta(&self.shared.store.read()?, TAGS_SEARCHED)? == Some(1) {
            return Ok(());
        }
        self.write_system(|tx| {
            for c in tx.w.all::<crate::model::Contact>(|c| !c.tags.is_empty())? {
                tx.index_search(&c)?;
            }
            for a in tx.w.all::<crate::model::Account>(|a| !a.tags.is_empty())? {
                tx.index_search(&a)?;
            }
            Ok(tx.w.set_meta(TAGS_SEARCHED, 1)?)
        })
    }

    /// A handle over the same database acting for `session`, with nothing to undo yet.
    pub fn with_session(&self, session: Session) -> Crm {
        Crm {
            shared: self.shared.clone(),
            session,
            journal: Arc::default(),
            handle: self.shared.feed.new_handle(),
            expect: None,
            wrote: Arc::default(),
        }
    }

    /// Who this handle acts for, and their clock.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The name recorded as owner of new records and as author in the audit trail.
    pub fn user(&self) -> &str {
        self.session.user()
    }

    /// Why the database failed (a damaged file found while serving), once it has: every later
    /// request is refused with that error, so a server can tell all its sessions.
    pub fn failure(&self) -> Option<String> {
        self.shared.store.failure()
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        self.shared.store.path()
    }

    /// How many write transactions were committed over this database through any handle (and,
    /// where nodes share it, taken in from the others): a session compares two counts to tell
    /// whether anything changed, and asks [`Crm::changes_since`] what others changed.
    pub fn commits(&self) -> u64 {
        self.shared.feed.count()
    }

    /// How many write transactions this handle (and its clones) committed: a front end compares
    /// two counts to tell whether its command saved something, whatever other sessions or nodes
    /// did meanwhile.
    pub fn own_commits(&self) -> u64 {
        self.wrote.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A read snapshot for the service's own queries, as the actor may see it: front ends ask
    /// `Crm` methods instead.
    pub(crate) fn reader(&self) -> Result<std::sync::Arc<View>> {
        self.view()
    }

    /// Runs `f` inside one write transaction: all of it is kept, or (on any error) none of it.
    pub fn write<T>(&self, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        self.transact(None, true, false, f)
    }

    /// [`Crm::write`] for the service's own upkeep (seeding stages, upgrading a file): no actor,
    /// so no permission applies.
    pub(crate) fn write_system<T>(&self, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        self.transact(None, true, true, f)
    }

    /// Like [`Crm::write`], for loading many records at once (demo data, imports): the records it
    /// creates share one audit entry per kind, saying `summary`, instead of one each.
    pub fn write_bulk<T>(&self, summary: &str, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        self.transact(Some(summary), true, false, f)
    }

    /// Runs `f` as [`Crm::write_bulk`] would, with every rule applied, and keeps none of it: a
    /// dry run that finds every problem a real run would meet.
    pub fn rehearse_bulk<T>(&self, summary: &str, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        self.transact(Some(summary), false, false, f)
    }

    fn transact<T>(
        &self,
        bulk: Option<&str>,
        keep: bool,
        system: bool,
        f: impl FnOnce(&mut Tx) -> Result<T>,
    ) -> Result<T> {
        let writer = self.shared.store.write()?;
        let (out, search, entry, owners, written) = {
            let mut w = writer.tables()?;
            w.set_author(self.session.user());
            let actor = match system {
                true => None,
                false => Some(Actor::resolve(
                    &w.setting(access::DIRECTORY)?.unwrap_or_default(),
                    self.session.user(),
                    self.session.by(),
                )?),
            };
            let mut tx = Tx {
                number: prepared::tx_number(),
                w,
                actor,
                consequences: 0,
                logins: std::cell::OnceCell::new(),
                user: self.session.user(),
                now: self.session.now(),
                search: Handed::default(),
                seen: HashSet::new(),
                account_names: account_names::AccountNames::default(),
                bulk: bulk.map(|summary| (summary.to_string(), BTreeMap::new())),
                removed: false,
                picklists: [None, None],
                undo: (bulk.is_none() && keep).then(undo::Draft::default),
            };
            if let Some((target, seen)) = self.expect {
                tx.expect(target, seen)?;
            }
            let out = f(&mut tx)?;
            tx.finish()?;
            let entry = tx.seal_journal()?;
            let owners = tx.w.take_owner_changes();
            (out, tx.search, entry, owners, tx.w.take_written())
        };
        if !keep {
            // Dropping the transaction uncommitted throws every write away.
            return Ok(out);
        }
        if let Some(follower) = &self.shared.follower {
            // Other nodes share the database: the commit tells them what it changed, and this
            // node takes it in as theirs are, in commit order (another node's commit may come
            // right after it, or have come meanwhile).
            let news = follow::News::new(written, &search, &owners);
            writer.share(&news.encode())?;
            let number = writer.number().unwrap_or_default();
            let mut seen = follower.lock();
            writer.commit()?;
            self.wrote.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.journal_commit(entry);
            // Saved already: should this fail, the next search or round of following retries.
            let _ = self.shared.take_in_mine(&mut seen, number, self.handle, news);
            return Ok(out);
        }
        // Others see it (and may write) at once; it is reported saved once on disk.
        let unsynced = self.shared.search.commit(search, || Ok(writer.commit_in_memory()?))?;
        unsynced.sync()?;
        self.wrote.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.journal_commit(entry);
        match owners {
            Handed::Each(owners) => access::apply_owner_changes(&self.shared.owners, owners),
            Handed::Many => self.shared.reload_owners(),
        }
        // Told last, so that a session hearing of the commit finds the owners and search in step.
        self.shared.feed.publish(self.handle, written);
        Ok(out)
    }

    /// One record.
    pub fn get<R: Indexed>(&self, id: Id) -> Result<R> {
        let r = self.reader()?;
        let rec = r.get(id)?.ok_or(CrmError::NotFound(RecordRef::new(R::KIND, id)))?;
        Ok(r.shown_one(rec))
    }

    /// How a record is named to people (a contact's name, a deal's name, a task's title), or
    /// `kind:id` when it cannot be read: dialogs and messages name records this way, not by id.
    pub fn label(&self, target: RecordRef) -> String {
        self.reader().map(|r| label_of(&r, target)).unwrap_or_else(|_| target.to_string())
    }

    /// Every record of a kind that `keep` accepts, in id order.
    pub fn list<R: Indexed>(&self, keep: impl FnMut(&R) -> bool) -> Result<Vec<R>> {
        let r = self.reader()?;
        Ok(r.shown(r.all(keep)?))
    }

    /// How many records of a kind there are.
    pub fn count(&self, kind: Kind) -> Result<u64> {
        Ok(crate::store::RawRead::count(&self.reader()?, kind)?)
    }

    /// Whether the database holds no accounts, contacts, leads or deals yet: a new user's file,
    /// offered the demo data and an import.
    pub fn is_empty(&self) -> Result<bool> {
        let r = self.reader()?;
        for kind in [Kind::Account, Kind::Contact, Kind::Lead, Kind::Opportunity] {
            if crate::store::RawRead::count(&r, kind)? > 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Validates and stores a new record; returns it with its id.
    pub fn create<R: Indexed>(&self, rec: R) -> Result<R> {
        self.write(|tx| tx.create(rec))
    }

    /// Validates and stores a changed record, auditing the fields that changed.
    pub fn update<R: Indexed>(&self, rec: R) -> Result<R> {
        self.write(|tx| tx.update(rec, None))
    }

    /// Deletes a record: refused while records that need it exist; notes on it go with it, and
    /// optional links to it are cleared.
    pub fn delete<R: Indexed>(&self, id: Id) -> Result<R> {
        self.write(|tx| tx.delete::<R>(id))
    }

    /// Deletes every record in `targets` in one transaction: all of them, or (when one may not
    /// go) none. Returns how many were deleted.
    pub fn delete_many(&self, targets: &[RecordRef]) -> Result<usize> {
        self.write(|tx| {
            for t in targets {
                crate::model::with_record_type!(t.kind, T => { tx.delete::<T>(t.id)?; });
            }
            Ok(targets.len())
        })
    }

    /// The best `limit` fuzzy matches of `query` among accounts, contacts, leads and opportunities
    /// (or only `kinds`). Loads the index on first use.
    pub fn search(&self, query: &str, kinds: &[Kind], limit: usize) -> Result<Vec<Hit>> {
        Ok(self.search_cancellable(query, kinds, limit, Pass::quiet(&AtomicBool::new(false)))?.unwrap_or_default())
    }

    /// [`Crm::search`] followed by a [`Pass`]: it gives up (`None`) soon after the pass's flag is
    /// set, and reports the best matches so far while it runs. A front end searching as the user
    /// types cancels the query each keystroke supersedes, and draws partial answers meanwhile.
    pub fn search_cancellable(
        &self,
        query: &str,
        kinds: &[Kind],
        limit: usize,
        pass: Pass<'_>,
    ) -> Result<Option<Vec<Hit>>> {
        self.load_search()?;
        // The searched kinds have owners and are about no other record: who may see an entry
        // is a matter of its kind and owner alone, asked once per pair.
        let actor = self.actor()?;
        let sees =
            |kind: Kind, owner: &str| actor.reaches(actor.role().level(kind, crate::model::Act::Read), Some(owner));
        if actor.reads_all() {
            let guard = self.shared.search.read();
            return Ok(guard.as_ref().map_or(Some(Vec::new()), |i| i.search_cancellable(query, kinds, limit, pass)));
        }
        let partial = |hits: Vec<Hit>| (pass.partial)(self.unnamed_companies(hits));
        let pass = Pass { partial: &partial, ..pass }.seeing(Some(&sees as &crate::search::Sees));
        let guard = self.shared.search.read();
        let hits = guard.as_ref().map_or(Some(Vec::new()), |i| i.search_cancellable(query, kinds, limit, pass));
        Ok(hits.map(|hits| self.unnamed_companies(hits)))
    }

    /// Takes out of the hits of people and deals the name of an account the actor may not see
    /// (search texts carry the account's name after the record's own).
    fn unnamed_companies(&self, mut hits: Vec<Hit>) -> Vec<Hit> {
        let Ok(r) = self.reader() else { return hits };
        for hit in &mut hits {
            let account = match hit.kind {
                Kind::Contact => r.get::<crate::model::Contact>(hit.id).ok().flatten().and_then(|c| c.account),
                Kind::Opportunity => r.get::<crate::model::Opportunity>(hit.id).ok().flatten().map(|o| o.account),
                _ => None,
            };
            let seen = |a| matches!(r.exists(RecordRef::new(Kind::Account, a)), Ok(true));
            if account.is_some_and(|a| !seen(a)) {
                hit.detail = hit.detail.split_once('\t').map_or(String::new(), |(_, rest)| rest.to_string());
            }
        }
        hits
    }

    /// Builds the search index from the search-key table, if not built yet (once, however many
    /// threads ask at the same time).
    pub fn load_search(&self) -> Result<()> {
        // What other nodes committed first, so that a search finds what was written anywhere.
        self.shared.follow()?;
        self.shared.search.load(|| {
            // Two threads share the load. The first takes accounts and contacts, usually most
            // of it; the rest is appended to its index, keeping key order without copying the
            // big part.
            let (first, rest) = std::thread::scope(|s| {
                let first = s.spawn(|| self.load_kinds(&[Kind::Account, Kind::Contact]));
                let rest = self.load_kinds(&[Kind::Lead, Kind::Opportunity, Kind::Case, Kind::Article]);
                let first = first.join().unwrap_or(Err(CrmError::SearchFailed));
                (first, rest)
            });
            let mut index = first?;
            index.extend(rest?);
            Ok(index)
        })
    }

    /// The search texts of `kinds`, in key order, straight from the key table (no per-record
    /// allocation).
    fn load_kinds(&self, kinds: &[Kind]) -> Result<SearchIndex> {
        let r = self.shared.store.read()?;
        let mut index = SearchIndex::default();
        for &kind in kinds {
            // Each entry's owner, from the owner keys (or report facts), matched to the texts in id order.
            let mut owners: Vec<(crate::model::Id, String)> = Vec::new();
            r.owners(kind, &mut |id, owner, _| owners.push((id, owner.to_string())))?;
            owners.sort_unstable_by_key(|(id, _)| *id);
            let mut next = owners.iter().peekable();
            crate::store::RawRead::scan_search(&r, kind, &mut |id, text| {
                while next.next_if(|(o, _)| *o < id).is_some() {}
                let owner = next.peek().filter(|(o, _)| *o == id).map_or("", |(_, login)| login.as_str());
                index.insert_owned(RecordRef::new(kind, id), text, owner);
            })?;
        }
        Ok(index)
    }

    /// Verifies the database: every record decodes, links resolve, the index agrees, and every
    /// lead or deal's source is on the lead-source list.
    /// A damaged file is reported, table by table with how much of it could be read, rather
    /// than failing the check.
    pub fn check(&self) -> Result<Vec<String>> {
        let (repaired, damage) = match self.shared.store.verify_pages() {
            Ok(repaired) => (repaired, None),
            Err(e) => (false, Some(e.to_string())),
        };
        let mut problems = crate::store::check(&self.shared.store.read_damaged()?)?;
        if problems.is_empty() && damage.is_none() {
            problems.extend(self.unlisted_picks()?);
        }
        if repaired {
            problems.insert(0, "the file had damaged pages; redb repaired them: check your records".into());
        }
        problems.splice(0..0, damage);
        Ok(problems)
    }

    /// Writes a consistent copy of the database to `target` (which must not exist). A file is
    /// copied whole by whoever may open it; a database on a server is copied into a file only by
    /// an admin, as by [`Crm::migrate_to`], since it holds what no one user may see all of.
    pub fn backup(&self, target: &Path) -> Result<()> {
        if crate::store::is_address(self.path()) {
            self.may_copy_everything()?;
        }
        Ok(self.shared.store.backup(target)?)
    }

    /// Fails unless the acting user is an admin: a whole copy holds what no one user may see all
    /// of.
    fn may_copy_everything(&self) -> Result<()> {
        let me = self.actor()?;
        if me.role().name != "admin" {
            return Err(CrmError::NotAdmin { who: me.who(), what: "copy the whole database".into() });
        }
        Ok(())
    }

    /// Copies the whole database into `target`, a new file or an empty PostgreSQL database: every
    /// record with its id, the audit trail, versions, users, roles and settings (`rolo migrate`).
    /// It copies what no one user may see all of, so only an admin may. All or nothing: a
    /// failed copy leaves no new file and nothing in the database.
    pub fn migrate_to(&self, target: &Path) -> Result<crate::store::Copied> {
        self.may_copy_everything()?;
        let shown = target.to_str().map(crate::store::address_without_password);
        if target == self.path() || shown.is_some_and(|shown| Path::new(&shown) == self.path()) {
            return Err(ValidationError::new("to", "is the database itself: name another").into());
        }
        let file = !crate::store::is_address(target);
        if file && std::fs::symlink_metadata(target).is_ok() {
            return Err(ValidationError::new(
                "to",
                format!("{} already exists: name a new file (or an empty PostgreSQL database)", target.display()),
            )
            .into());
        }
        let copied = Store::open(target, Workload::Bulk).and_then(|into| self.shared.store.copy_into(&into));
        if copied.is_err() && file {
            let _ = std::fs::remove_file(target);
        }
        Ok(copied?)
    }
}

/// One write transaction with the service's rules applied: validation, link checks, audit, search.
pub struct Tx<'a> {
    /// This transaction's number among the process's, which its [`Stamp`] carries.
    number: u64,
    w: WriteTables<'a>,
    /// Who acts: `None` for the service's own upkeep.
    actor: Option<Actor>,
    /// How deep in the consequences of an allowed change (a cascade, an unlink) the transaction
    /// is: those are not asked again.
    consequences: u32,
    /// Every user's login and whether they are active, read once the first owner is checked.
    logins: std::cell::OnceCell<HashMap<String, bool>>,
    user: &'a str,
    now: Timestamp,
    /// Search texts (and owners) written, or removed, for the index after the commit.
    search: Handed<live_index::Text>,
    /// Records known to exist in this transaction: bulk writes link to the same few again and again.
    seen: HashSet<RecordRef>,
    /// Account names known to this transaction, for search texts.
    account_names: account_names::AccountNames,
    /// In a bulk load: its summary, and the first and last id created of each kind.
    bulk: Option<(String, BTreeMap<Kind, IdRun>)>,
    /// Whether this transaction removed a record: an id within a bulk load's run may then be gone.
    removed: bool,
    /// Each picklist (by `Picklist as usize`), once this transaction has read it.
    picklists: [Option<Vec<String>>; 2],
    /// What undo needs of this transaction's writes (not kept for bulk loads and rehearsals).
    undo: Option<undo::Draft>,
}

/// The first and last id of records created in one run.
type IdRun = (Id, Id);

impl<'a> Tx<'a> {
    /// Record reads of this transaction (they see its own writes).
    pub fn read(&self) -> &WriteTables<'a> {
        &self.w
    }

    /// Index reads of this transaction: first writes the index keys held back, so that the
    /// index sees this transaction's own writes.
    pub fn index(&mut self) -> Result<&WriteTables<'a>> {
        self.w.flush()?;
        Ok(&self.w)
    }

    /// Writes what the transaction held back: bulk audit entries, index keys, sequences.
    fn finish(&mut self) -> Result<()> {
        if let Some((summary, runs)) = self.bulk.take() {
            for (kind, (first, last)) in runs {
                let entry = BulkCreation {
                    kind,
                    first,
                    last,
                    at: self.now,
                    user: self.user.to_string(),
                    summary: summary.clone(),
                };
                self.w.append_bulk_creation(&entry)?;
            }
        }
        Ok(self.w.flush()?)
    }

    /// The instant this transaction stamps on what it writes.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// What this transaction stamps new records with, for another thread to prepare them by
    /// (see [`Tx::create_prepared`]).
    pub fn stamp(&self) -> Stamp {
        Stamp::new(self.user, self.now, self.number)
    }

    /// One record, or a not-found error.
    pub fn get<R: Indexed>(&self, id: Id) -> Result<R> {
        self.w.get(id)?.ok_or(CrmError::NotFound(RecordRef::new(R::KIND, id)))
    }

    /// Refuses a link to a record that does not exist, or (a link the change adds) that the
    /// actor may not read; a link the record already held stays, whoever may read its target.
    fn check_links<R: Indexed>(&mut self, rec: &R, old: Option<&R>) -> Result<()> {
        let held: Vec<RecordRef> = old.map(|o| o.links().iter().map(|l| l.target).collect()).unwrap_or_default();
        for link in rec.links() {
            if link.target.kind == R::KIND && link.target.id == rec.id() && rec.id() != 0 {
                return Err(ValidationError::new(link.field, "cannot point at the record itself").into());
            }
            // A bulk load's links to what it made itself, for an actor who sees all of them,
            // need no check (nor room in `seen`: a million contacts link to their accounts).
            if (self.made_here(link.target) && self.sees_every(link.target.kind)) || self.seen.contains(&link.target) {
                continue;
            }
            let held = held.contains(&link.target);
            if (self.made_here(link.target) || self.w.exists(link.target)?) && (held || self.sees(link.target)?) {
                if !held {
                    self.seen.insert(link.target);
                }
            } else {
                return Err(ValidationError::new(
                    link.field,
                    format!("{} does not exist: check the id (rolo {} list)", link.target, link.target.kind),
                )
                .into());
            }
        }
        Ok(())
    }

    /// Whether this bulk load created `r` (and removed nothing): its ids of a kind run without a
    /// gap, so a link to one of them need not be read back to be known to exist.
    fn made_here(&self, r: RecordRef) -> bool {
        !self.removed
            && self
                .bulk
                .as_ref()
                .is_some_and(|(_, runs)| runs.get(&r.kind).is_some_and(|&(a, b)| (a..=b).contains(&r.id)))
    }

    fn search_text<R: Indexed>(&mut self, rec: &R) -> Result<Option<String>> {
        self.with_company(rec, rec.search_text())
    }

    /// A record's own search text `text` with the name of its account added.
    fn with_company<R: Indexed>(&mut self, rec: &R, text: Option<String>) -> Result<Option<String>> {
        let Some(mut text) = text else { return Ok(None) };
        if let Some(account) = rec.account()
            && let Some(company) = self.account_name(account)?
        {
            // The company goes second: "name\tcompany\trest", or "name\tcompany". The text is
            // held until its chunk is packed, a bulk load's thousands of them: no room to spare.
            text.reserve_exact(company.len() + 1);
            match text.find('\t') {
                Some(tab) => {
                    text.insert_str(tab, company);
                    text.insert(tab, '\t');
                }
                None => text.extend(["\t", company]),
            }
        }
        Ok(Some(text))
    }

    /// The name of account `id` (`None` if there is none), read from the store once.
    fn account_name(&mut self, id: Id) -> Result<Option<&str>> {
        if self.account_names.get(id).is_none()
            && let Some(account) = self.w.get::<crate::model::Account>(id)?
        {
            self.account_names.looked_up(id, account.name);
        }
        Ok(self.account_names.get(id))
    }

    fn index_search<R: Indexed>(&mut self, rec: &R) -> Result<()> {
        self.index_search_text(rec, rec.search_text())
    }

    /// Indexes `rec` under its own search text `text` (with its account's name added).
    fn index_search_text<R: Indexed>(&mut self, rec: &R, text: Option<String>) -> Result<()> {
        if let Some(text) = self.with_company(rec, text)? {
            // Past a bulk load's first texts the search index reads them again from the file.
            if matches!(self.search, Handed::Each(_)) {
                self.search.push((rec.record_ref(), Some((text.clone(), rec.owner().unwrap_or_default().to_string()))));
            }
            self.w.set_search_key(rec.record_ref(), Some(text))?;
        }
        Ok(())
    }

    fn audit(
        &mut self,
        target: RecordRef,
        action: AuditAction,
        changes: Vec<Change>,
        summary: Option<String>,
    ) -> Result<()> {
        let entry = AuditEntry { target, at: self.now, user: self.user.to_string(), action, changes, summary };
        Ok(self.w.append_audit(&entry)?)
    }

    /// Validates, stores and audits a new record. An empty `owner` becomes the acting user.
    pub fn create<R: Indexed>(&mut self, mut rec: R) -> Result<R> {
        set_default_owner(&mut rec, self.user);
        self.allow(crate::model::Act::Create, &rec)?;
        self.check_owner(&rec, None)?;
        rec.set_id(0);
        self.case_rules(None, &mut rec, &mut None)?;
        rec.touch(self.now);
        crate::model::texts::tidy(&mut rec)?;
        rec.validate()?;
        self.settle_picks(&mut rec, None)?;
        self.store_new(rec, None)
    }

    /// Creates a record prepared on another thread (see [`Stamp::prepare`]) as [`Tx::create`]
    /// would: only the checks that need the store are left, and then the writes. The
    /// permission and owner checks see its tidied fields, and come after its validation: an
    /// invalid record is refused as invalid whoever writes it.
    pub fn create_prepared<R: Indexed>(&mut self, prepared: Prepared<R>) -> Result<R> {
        let Some((mut rec, done)) = prepared.open(self.number) else {
            return Err(CrmError::Store(crate::store::StoreError::Other(
                "a record was prepared for another transaction".into(),
            )));
        };
        let Some(done) = done else { return self.create(rec) };
        self.allow(crate::model::Act::Create, &rec)?;
        self.check_owner(&rec, None)?;
        // A pick spelled otherwise than its list changes the record: encoded again.
        let done = (!self.settle_picks(&mut rec, None)?).then_some(done);
        self.store_new(rec, done)
    }

    /// The rest of creating a checked record: the rules that read the store, the writes and the
    /// audit. `done` is what was prepared of it beforehand.
    fn store_new<R: Indexed>(&mut self, mut rec: R, done: Option<prepared::Done>) -> Result<R> {
        self.check_links(&rec, None)?;
        self.quote_rules(None, &rec)?;
        self.marketing_rules(&rec)?;
        let (encoded, search) = match done {
            Some(done) => (Some(done.encoded), Some(done.search)),
            None => (None, None),
        };
        self.w.insert_encoded(&mut rec, encoded)?;
        // A search text may name the id (a case's number): made once the record has it.
        let search = match search {
            Some(text) => {
                debug_assert_eq!(text, rec.search_text(), "{}'s search text was made without its id", rec.record_ref());
                text
            }
            None => rec.search_text(),
        };
        if self.bulk.is_some()
            && let Some(account) = (&rec as &dyn std::any::Any).downcast_ref::<crate::model::Account>()
        {
            self.account_names.made(account.id, &account.name);
        }
        self.journal(AuditAction::Created, &rec, None, &[], None);
        self.index_search_text(&rec, search)?;
        self.case_response(&rec)?;
        match &mut self.bulk {
            Some((_, runs)) => {
                let run = runs.entry(R::KIND).or_insert((rec.id(), rec.id()));
                run.1 = rec.id();
            }
            None => self.audit(rec.record_ref(), AuditAction::Created, Vec::new(), None)?,
        }
        Ok(rec)
    }

    /// Validates and stores a changed record; audits the changed fields with an optional
    /// summary for the timeline ("moved to Closed Won").
    pub fn update<R: Indexed>(&mut self, mut rec: R, mut summary: Option<String>) -> Result<R> {
        let old: R = self.get(rec.id())?;
        self.allow(crate::model::Act::Edit, &old)?;
        rec.keep_hidden(&old, &|r| self.sees(r).unwrap_or(false));
        self.check_owner(&rec, Some(&old))?;
        self.change_rules(&old, &mut rec, &mut summary)?;
        rec.touch(self.now);
        crate::model::texts::tidy(&mut rec)?;
        rec.validate()?;
        self.settle_picks(&mut rec, Some(&old))?;
        self.check_links(&rec, Some(&old))?;
        self.quote_rules(Some(&old), &rec)?;
        self.marketing_rules(&rec)?;
        let mut changes = diff(&old, &rec);
        if changes.is_empty() {
            return Ok(old);
        }
        self.w.update(&rec)?;
        self.case_response(&rec)?;
        if R::KIND == Kind::Account {
            self.account_names.forget(rec.id());
        }
        self.index_search(&rec)?;
        // Last activity moves with every call and meeting; the timeline shows those themselves.
        changes.retain(|c| c.field != "last_activity");
        self.journal(AuditAction::Updated, &rec, Some(&old), &changes, summary.as_deref());
        if !changes.is_empty() || summary.is_some() {
            self.audit(rec.record_ref(), AuditAction::Updated, changes, summary)?;
        }
        // A new account name changes the search text of everything filed under it.
        if R::KIND == Kind::Account && self.search_text(&old)? != self.search_text(&rec)? {
            self.reindex_under(rec.record_ref())?;
        }
        Ok(rec)
    }

    fn reindex_under(&mut self, account: RecordRef) -> Result<()> {
        for id in self.index()?.linking(account, Kind::Contact)? {
            let c: crate::model::Contact = self.get(id)?;
            self.index_search(&c)?;
        }
        for id in self.index()?.linking(account, Kind::Opportunity)? {
            let o: crate::model::Opportunity = self.get(id)?;
            self.index_search(&o)?;
        }
        Ok(())
    }

    /// Deletes a record after checking what depends on it (see [`Crm::delete`]).
    pub fn delete<R: Indexed>(&mut self, id: Id) -> Result<R> {
        let target = RecordRef::new(R::KIND, id);
        let old: R = self.get(id)?;
        self.allow(crate::model::Act::Delete, &old)?;
        sales::deletable(&old)?;
        let referrers = self.index()?.referrers(target)?;
        let mut refusing: Vec<RecordRef> = Vec::new();
        let mut plan: Vec<(RecordRef, OnDelete)> = Vec::new();
        for src in referrers.iter().copied().filter(|&s| s != target) {
            let rule = crate::model::with_record_type!(src.kind, T => self.link_rule::<T>(src.id, target)?);
            match rule {
                OnDelete::Refuse => refusing.push(src),
                other => plan.push((src, other)),
            }
        }
        if !refusing.is_empty() {
            return Err(CrmError::InUse { record: target, name: old.label(), by: count_by_kind(&refusing) });
        }
        self.journal_nest(true);
        self.consequence(|tx| {
            for (src, rule) in plan {
                crate::model::with_record_type!(src.kind, T => match rule {
                    OnDelete::Cascade => { tx.delete::<T>(src.id)?; }
                    _ => {
                        let mut rec: T = tx.get(src.id)?;
                        rec.unlink(target);
                        tx.update(rec, Some(format!("{target} was deleted")))?;
                    }
                });
            }
            Ok(())
        })?;
        self.journal_nest(false);
        self.w.remove::<R>(id)?;
        self.removed = true;
        self.journal(AuditAction::Deleted, &old, Some(&old), &[], None);
        self.seen.remove(&target);
        if R::KIND == Kind::Account {
            self.account_names.forget(id);
        }
        self.search.push((target, None));
        self.audit(target, AuditAction::Deleted, Vec::new(), Some(format!("deleted {}", old.label())))?;
        Ok(old)
    }

    /// The strictest rule among the links from `src` to `target`.
    fn link_rule<T: Indexed>(&self, src: Id, target: RecordRef) -> Result<OnDelete> {
        let rec: T = self.get(src)?;
        let rules = rec.links().into_iter().filter(|l| l.target == target).map(|l| l.on_delete);
        Ok(rules.fold(OnDelete::Unlink, |acc, r| match (acc, r) {
            (OnDelete::Refuse, _) | (_, OnDelete::Refuse) => OnDelete::Refuse,
            (OnDelete::Cascade, _) | (_, OnDelete::Cascade) => OnDelete::Cascade,
            _ => OnDelete::Unlink,
        }))
    }
}

/// Fills `owner` with the acting user where the record has one and it is empty.
fn set_default_owner<R: Record>(rec: &mut R, user: &str) {
    if let Some(owner) = rec.owner_mut().filter(|o| o.trim().is_empty()) {
        *owner = user.to_string();
    }
}

/// "3 calls, 1 opportunity".
fn count_by_kind(refs: &[RecordRef]) -> String {
    let mut counts: Vec<(Kind, usize)> = Vec::new();
    for r in refs {
        match counts.iter_mut().find(|(k, _)| *k == r.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((r.kind, 1)),
        }
    }
    counts
        .iter()
        .map(|(k, n)| if *n == 1 { format!("1 {}", k.name()) } else { format!("{n} {}", k.plural()) })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The top-level fields that differ between two versions of a record, as display text.
fn diff<R: Record>(old: &R, new: &R) -> Vec<Change> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Vec::new();
    };
    b.iter()
        .filter(|(k, _)| !matches!(k.as_str(), "updated" | "created"))
        .filter(|(k, v)| a.get(*k) != Some(*v))
        .map(|(k, v)| Change { field: k.clone(), old: show(a.get(k)), new: show(Some(v)) })
        .collect()
}

fn show(v: Option<&serde_json::Value>) -> String {
    v.map(crate::text::json_plain).unwrap_or_default()
}

/// A record's label read through `r`, or `kind:id` when it cannot be read.
pub(crate) fn label_of(r: &impl Read, target: RecordRef) -> String {
    let label =
        crate::model::with_record_type!(target.kind, T => r.get::<T>(target.id).ok().flatten().map(|x| x.label()));
    label.unwrap_or_else(|| target.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Contact;

    #[test]
    fn a_file_whose_search_texts_lack_labels_gets_them_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.redb");
        let crm = Crm::open(&path).unwrap();
        let vip = Contact {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            tags: vec!["VIP".into()],
            ..Default::default()
        };
        let id = crm.create(vip).unwrap().id;
        assert_eq!(crm.search("vip", &[], 5).unwrap()[0].id, id, "labels are searched");
        // As a file written before labels were searched: the text without them, the mark unset.
        crm.write(|tx| {
            tx.w.set_search_key(RecordRef::new(Kind::Contact, id), Some("Ann Lee".into())).unwrap();
            Ok(tx.w.set_meta(TAGS_SEARCHED, 0)?)
        })
        .unwrap();
        drop(crm);
        assert!(Crm::open_for(&path, Workload::Brief).is_ok_and(|crm| crm.search("vip", &[], 5).unwrap()[0].id == id));
    }
}
