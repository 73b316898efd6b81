//! Permissions hold whatever the users, teams, roles and records: random worlds are built
//! through `Crm`, then every read path (get, many, list, count, search, reports and their records,
//! agenda, timeline, duplicates) is asked as each user and must return only what that user may
//! read, and random writes as random users must either be allowed or change nothing.
//!
//! The visibility rule is written here again, on its own, from the records as they are stored:
//! a record is read at `all` always, at `team` when its owner is the reader or in the reader's
//! team, at `own` when the reader owns it, at `none` never; an activity or note also when the
//! record it is about may be read (unless its kind is read at `none`). `cargo test --test permissions` runs 1,000 worlds; set `ROLO_PERMISSION_CASES`
//! (e.g. 10000) for a longer run.

mod common;

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;
use rolo::crm::{Crm, Report, ReportQuery, Session};
use rolo::model::{
    Account, Act, Call, Contact, Date, Directory, Id, Kind, Level, Note, Opportunity, Record, RecordRef, Role, Task,
    User,
};

/// One user of a world: a role and maybe one of two teams.
#[derive(Debug, Clone)]
struct Member {
    role: usize,
    team: Option<usize>,
}

/// One record of a world, with the index of its owner among the users.
#[derive(Debug, Clone)]
enum Made {
    Account { owner: usize },
    Contact { owner: usize, account: Option<usize> },
    Deal { owner: usize, account: usize },
    Task { owner: usize, contact: Option<usize>, due: u8 },
    Call { owner: usize, contact: usize },
    Note { owner: usize, contact: usize },
}

/// A write tried by one user.
#[derive(Debug, Clone)]
enum Write {
    Rename { contact: usize },
    Delete { task: usize },
    DeleteContact { contact: usize },
    Assign { contact: usize, to: usize },
    TaskAbout { contact: usize },
}

#[derive(Debug, Clone)]
struct World {
    members: Vec<Member>,
    /// Changes to the copied role `custom` (a copy of rep).
    custom: Vec<(Kind, Act, Level)>,
    custom_rights: Vec<bool>,
    made: Vec<Made>,
    writes: Vec<(usize, Write)>,
}

const ROLES: [&str; 4] = ["admin", "manager", "rep", "custom"];
const TEAMS: [&str; 2] = ["east", "west"];

fn world() -> impl Strategy<Value = World> {
    let member = (0..ROLES.len(), prop::option::of(0..TEAMS.len())).prop_map(|(role, team)| Member { role, team });
    let kinds = prop::sample::select(vec![Kind::Account, Kind::Contact, Kind::Opportunity, Kind::Task, Kind::Call]);
    let levels = prop::sample::select(Level::ALL.to_vec());
    let acts = prop::sample::select(Act::ALL.to_vec());
    (
        prop::collection::vec(member, 2..5),
        prop::collection::vec((kinds, acts, levels), 0..6),
        prop::collection::vec(any::<bool>(), 5),
        prop::collection::vec((0..6usize, any::<u8>(), any::<u8>(), any::<u8>()), 4..18),
        prop::collection::vec((any::<u8>(), 0..5usize, any::<u8>(), any::<u8>()), 0..8),
    )
        .prop_map(|(members, custom, custom_rights, raw, ops)| {
            let users = members.len() + 1;
            let mut made = Vec::new();
            let (mut accounts, mut contacts, mut tasks) = (0usize, 0usize, 0usize);
            for (what, owner, a, b) in raw {
                let owner = owner as usize % users;
                let pick = |n: usize, x: u8| (n > 0).then(|| x as usize % n);
                let m = match what {
                    0 => Made::Account { owner },
                    1 => Made::Contact { owner, account: pick(accounts, a) },
                    2 if accounts > 0 => Made::Deal { owner, account: a as usize % accounts },
                    3 => Made::Task { owner, contact: pick(contacts, a), due: b % 20 },
                    4 if contacts > 0 => Made::Call { owner, contact: a as usize % contacts },
                    5 if contacts > 0 => Made::Note { owner, contact: b as usize % contacts },
                    _ => Made::Contact { owner, account: None },
                };
                match m {
                    Made::Account { .. } => accounts += 1,
                    Made::Contact { .. } => contacts += 1,
                    Made::Task { .. } => tasks += 1,
                    _ => {}
                }
                made.push(m);
            }
            let writes = ops
                .into_iter()
                .filter_map(|(actor, kind, x, y)| {
                    let actor = actor as usize % users;
                    let w = match kind {
                        0 if contacts > 0 => Write::Rename { contact: x as usize % contacts },
                        1 if tasks > 0 => Write::Delete { task: x as usize % tasks },
                        2 if contacts > 0 => Write::DeleteContact { contact: x as usize % contacts },
                        3 if contacts > 0 => Write::Assign { contact: x as usize % contacts, to: y as usize % users },
                        4 if contacts > 0 => Write::TaskAbout { contact: x as usize % contacts },
                        _ => return None,
                    };
                    Some((actor, w))
                })
                .collect();
            World { members, custom, custom_rights, made, writes }
        })
}

/// A world built in a fresh database: the handle of each user (the file's admin first) and the
/// record made for each entry of `made`.
struct Built {
    _dir: tempfile::TempDir,
    users: Vec<Crm>,
    logins: Vec<String>,
    refs: Vec<RecordRef>,
}

fn build(w: &World) -> Built {
    // In memory where the machine offers it: a world is dozens of commits, each one synced.
    let dir = match std::path::Path::new("/dev/shm").is_dir() {
        true => tempfile::tempdir_in("/dev/shm").unwrap(),
        false => tempfile::tempdir().unwrap(),
    };
    let admin = Crm::open(&common::database(dir.path())).unwrap();
    admin.add_team(TEAMS[0]).unwrap();
    admin.add_team(TEAMS[1]).unwrap();
    admin.copy_role("rep", "custom").unwrap();
    for &(kind, act, level) in &w.custom {
        admin.set_role_level("custom", kind, act, level).unwrap();
    }
    for (right, &yes) in rolo::model::Right::ALL.iter().zip(&w.custom_rights) {
        admin.set_role_right("custom", *right, yes).unwrap();
    }
    let mut logins = vec![admin.user().to_string()];
    let mut users = vec![admin.clone()];
    for (i, m) in w.members.iter().enumerate() {
        let login = format!("u{i}");
        let mut user = User::new(&login, &format!("User {i}"), ROLES[m.role]);
        user.team = m.team.map(|t| TEAMS[t].to_string());
        admin.add_user(user).unwrap();
        users.push(admin.with_session(Session::new(login.clone())));
        logins.push(login);
    }
    let (mut accounts, mut contacts) = (Vec::new(), Vec::new());
    let mut refs = Vec::new();
    for m in &w.made {
        let owner = |o: &usize| logins[*o].clone();
        let r = match m {
            Made::Account { owner: o } => {
                let id = admin
                    .create(Account { name: format!("Zulu {}", refs.len()), owner: owner(o), ..Default::default() })
                    .unwrap()
                    .id;
                accounts.push(id);
                RecordRef::new(Kind::Account, id)
            }
            Made::Contact { owner: o, account } => {
                let c = Contact {
                    first_name: "Zed".into(),
                    last_name: "Quill".into(),
                    account: account.map(|a| accounts[a]),
                    owner: owner(o),
                    ..Default::default()
                };
                let id = admin.create(c).unwrap().id;
                contacts.push(id);
                RecordRef::new(Kind::Contact, id)
            }
            Made::Deal { owner: o, account } => {
                let d = Opportunity {
                    name: format!("Zulu deal {}", refs.len()),
                    account: accounts[*account],
                    close_date: Date::parse_iso("2026-06-01").unwrap(),
                    owner: owner(o),
                    ..Default::default()
                };
                admin.create_opportunity(d).unwrap().record_ref()
            }
            Made::Task { owner: o, contact, due } => {
                let t = Task {
                    title: format!("Zulu task {}", refs.len()),
                    contact: contact.map(|c| contacts[c]),
                    due: Some(Date::parse_iso("2026-03-01").unwrap().add_days(i64::from(*due))),
                    owner: owner(o),
                    ..Default::default()
                };
                admin.create(t).unwrap().record_ref()
            }
            Made::Call { owner: o, contact } => {
                let started_at = rolo::model::Timestamp(1_772_000_000 + refs.len() as i64 * 3600);
                let c = Call { contact: contacts[*contact], owner: owner(o), started_at, ..Default::default() };
                admin.log_call(c).unwrap().record_ref()
            }
            Made::Note { owner: o, contact } => {
                let mut n = Note::new(RecordRef::new(Kind::Contact, contacts[*contact]), "Zulu note");
                n.owner = owner(o);
                admin.create(n).unwrap().record_ref()
            }
        };
        refs.push(r);
    }
    Built { _dir: dir, users, logins, refs }
}

/// Who may read what, worked out here from the stored records.
struct Oracle {
    dir: Directory,
    /// Each record's owner and the record it is about.
    owners: HashMap<RecordRef, (String, Option<RecordRef>)>,
}

impl Oracle {
    fn read(admin: &Crm) -> Oracle {
        let mut owners = HashMap::new();
        fn put<R: rolo::store::Indexed>(
            admin: &Crm,
            owners: &mut HashMap<RecordRef, (String, Option<RecordRef>)>,
            about: fn(&R) -> Option<RecordRef>,
        ) {
            for r in admin.list::<R>(|_| true).unwrap() {
                owners.insert(r.record_ref(), (r.owner().unwrap_or_default().to_string(), about(&r)));
            }
        }
        put::<Account>(admin, &mut owners, |_| None);
        put::<Contact>(admin, &mut owners, |_| None);
        put::<Opportunity>(admin, &mut owners, |_| None);
        put::<Task>(admin, &mut owners, |t| t.contact.map(|c| RecordRef::new(Kind::Contact, c)));
        put::<Call>(admin, &mut owners, |c| Some(RecordRef::new(Kind::Contact, c.contact)));
        put::<Note>(admin, &mut owners, |n| Some(n.target));
        Oracle { dir: admin.directory().unwrap(), owners }
    }

    fn role(&self, login: &str) -> Role {
        self.dir.role(&self.dir.user(login).unwrap().role).unwrap()
    }

    fn team(&self, login: &str) -> Option<String> {
        self.dir.user(login).and_then(|u| u.team.clone())
    }

    /// Whether `login`'s level for `act` reaches a record owned by `owner`.
    fn reaches(&self, login: &str, kind: Kind, act: Act, owner: &str) -> bool {
        match self.role(login).level(kind, act) {
            Level::All => true,
            Level::None => false,
            Level::Own => owner == login,
            Level::Team => owner == login || (self.team(login).is_some() && self.team(login) == self.team(owner)),
        }
    }

    /// A kind read at `none` is never read, whatever its records are about.
    fn reads(&self, login: &str, r: RecordRef) -> bool {
        let Some((owner, about)) = self.owners.get(&r) else { return false };
        let none = self.role(login).level(r.kind, Act::Read) == Level::None;
        !none && (self.reaches(login, r.kind, Act::Read, owner) || about.is_some_and(|a| self.reads(login, a)))
    }

    fn visible(&self, login: &str, kind: Kind) -> BTreeSet<Id> {
        self.owners.keys().filter(|r| r.kind == kind && self.reads(login, **r)).map(|r| r.id).collect()
    }
}

fn ids<R: Record>(records: Vec<R>) -> BTreeSet<Id> {
    records.iter().map(Record::id).collect()
}

/// Every read path of one user returns only what the oracle lets them read.
fn check_reads(crm: &Crm, login: &str, oracle: &Oracle) -> Result<(), TestCaseError> {
    for kind in [Kind::Account, Kind::Contact, Kind::Opportunity, Kind::Task, Kind::Call, Kind::Note] {
        let visible = oracle.visible(login, kind);
        let listed = match kind {
            Kind::Account => ids(crm.list::<Account>(|_| true).unwrap()),
            Kind::Contact => ids(crm.list::<Contact>(|_| true).unwrap()),
            Kind::Opportunity => ids(crm.list::<Opportunity>(|_| true).unwrap()),
            Kind::Task => ids(crm.list::<Task>(|_| true).unwrap()),
            Kind::Call => ids(crm.list::<Call>(|_| true).unwrap()),
            _ => ids(crm.list::<Note>(|_| true).unwrap()),
        };
        prop_assert_eq!(&listed, &visible, "{} lists {}", login, kind);
        prop_assert_eq!(crm.count(kind).unwrap(), visible.len() as u64, "{} counts {}", login, kind);
        // Many at once, newest first and with one that never was: those visible, in that order.
        let mut asked: Vec<Id> = oracle.owners.keys().filter(|r| r.kind == kind).map(|r| r.id).collect();
        asked.sort_unstable_by(|a, b| b.cmp(a));
        asked.insert(asked.len() / 2, 9_999);
        let got: Vec<Id> = match kind {
            Kind::Account => crm.many::<Account>(&asked).unwrap().iter().map(|r| r.id).collect(),
            Kind::Contact => crm.many::<Contact>(&asked).unwrap().iter().map(|r| r.id).collect(),
            Kind::Opportunity => crm.many::<Opportunity>(&asked).unwrap().iter().map(|r| r.id).collect(),
            Kind::Task => crm.many::<Task>(&asked).unwrap().iter().map(|r| r.id).collect(),
            Kind::Call => crm.many::<Call>(&asked).unwrap().iter().map(|r| r.id).collect(),
            _ => crm.many::<Note>(&asked).unwrap().iter().map(|r| r.id).collect(),
        };
        let want: Vec<Id> = asked.iter().copied().filter(|id| visible.contains(id)).collect();
        prop_assert_eq!(got, want, "{} reads many {}", login, kind);
        for r in oracle.owners.keys().filter(|r| r.kind == kind) {
            let found = match kind {
                Kind::Account => crm.find::<Account>(r.id).unwrap().is_some(),
                Kind::Contact => crm.find::<Contact>(r.id).unwrap().is_some(),
                Kind::Opportunity => crm.find::<Opportunity>(r.id).unwrap().is_some(),
                Kind::Task => crm.find::<Task>(r.id).unwrap().is_some(),
                Kind::Call => crm.find::<Call>(r.id).unwrap().is_some(),
                _ => crm.find::<Note>(r.id).unwrap().is_some(),
            };
            prop_assert_eq!(found, visible.contains(&r.id), "{} gets {}", login, r);
        }
    }
    let may = |r: RecordRef| oracle.reads(login, r);
    for hit in crm.search("zulu", &[], 500).unwrap().into_iter().chain(crm.search("zed quill", &[], 500).unwrap()) {
        prop_assert!(may(RecordRef::new(hit.kind, hit.id)), "{} finds {}:{}", login, hit.kind, hit.id);
    }
    for report in [Report::Stages, Report::Tasks, Report::Calls, Report::Emails] {
        let chart = crm.report_chart(report, ReportQuery::default()).unwrap();
        for bucket in chart.views.iter().flat_map(|v| &v.rows).flat_map(|r| &r.behind).flatten() {
            for r in crm.records_in(bucket).unwrap() {
                prop_assert!(may(r), "{} sees {} behind {:?}", login, r, report);
            }
        }
    }
    let today = Date::parse_iso("2026-03-01").unwrap();
    for item in crm.agenda(today, 30, today).unwrap() {
        prop_assert!(may(item.record), "{} has {} on the agenda", login, item.record);
    }
    for pair in crm.duplicate_contacts(100).unwrap() {
        for id in [pair.first, pair.second] {
            prop_assert!(may(RecordRef::new(Kind::Contact, id)), "{} is shown contact {} as a duplicate", login, id);
        }
    }
    for &contact in &oracle.visible(login, Kind::Contact) {
        for item in crm.timeline(RecordRef::new(Kind::Contact, contact)).unwrap() {
            prop_assert!(
                item.record.kind == Kind::Contact || may(item.record),
                "{} sees {} on a timeline",
                login,
                item.record
            );
        }
    }
    Ok(())
}

/// Tries one write as `login`: allowed ones may still be refused for other reasons, forbidden
/// ones must be refused, and a refusal changes nothing.
fn check_write(b: &Built, actor: usize, w: &Write) -> Result<(), TestCaseError> {
    let admin = &b.users[0];
    let crm = &b.users[actor];
    let login = b.logins[actor].as_str();
    let oracle = Oracle::read(admin);
    let contact = |i: usize| b.refs.iter().filter(|r| r.kind == Kind::Contact).nth(i).copied().unwrap();
    let task = |i: usize| b.refs.iter().filter(|r| r.kind == Kind::Task).nth(i).copied().unwrap();
    let owner = |r: RecordRef| oracle.owners.get(&r).map(|o| o.0.clone());
    let role = oracle.role(login);
    let reaches = |r: RecordRef, act: Act| owner(r).is_some_and(|o| oracle.reaches(login, r.kind, act, &o));
    let before = admin.commits();
    let (allowed, result) = match w {
        Write::Rename { contact: c } => {
            let r = contact(*c);
            let allowed = oracle.reads(login, r) && reaches(r, Act::Edit);
            let result = crm.get::<Contact>(r.id).and_then(|mut c| {
                c.first_name = "Renamed".into();
                crm.update(c)
            });
            (allowed, result.map(|_| ()))
        }
        Write::Delete { task: t } => {
            let r = task(*t);
            (oracle.reads(login, r) && reaches(r, Act::Delete), crm.delete::<Task>(r.id).map(|_| ()))
        }
        Write::DeleteContact { contact: c } => {
            let r = contact(*c);
            (oracle.reads(login, r) && reaches(r, Act::Delete), crm.delete::<Contact>(r.id).map(|_| ()))
        }
        Write::Assign { contact: c, to } => {
            let r = contact(*c);
            // Taking a record for oneself needs no right; giving it to someone else does.
            let giving = b.logins[*to] != login;
            let allowed =
                (!giving || role.has(rolo::model::Right::Assign)) && oracle.reads(login, r) && reaches(r, Act::Edit);
            (allowed, crm.assign(r, &b.logins[*to]).map(|_| ()))
        }
        Write::TaskAbout { contact: c } => {
            let r = contact(*c);
            let allowed = oracle.reads(login, r) && role.level(Kind::Task, Act::Create) != Level::None;
            let t = Task { title: "Zulu follow-up".into(), contact: Some(r.id), ..Default::default() };
            (allowed, crm.create(t).map(|_| ()))
        }
    };
    // Deleting a contact may be refused for a reason of its own: calls still need it.
    let may_be_refused = matches!(w, Write::DeleteContact { .. });
    match result {
        Ok(()) => prop_assert!(allowed, "{} ({}) was let {:?}", login, role.name, w),
        Err(e) => {
            // Every write is one transaction: a refused one commits nothing.
            prop_assert_eq!(admin.commits(), before, "a refused {:?} by {} changed something: {}", w, login, e);
            if allowed && !may_be_refused {
                return Err(TestCaseError::fail(format!("{login} ({}) was refused {w:?}: {e}", role.name)));
            }
        }
    }
    Ok(())
}

/// How many worlds: 600 on a file; 40 on PostgreSQL, where a world's dozens of commits each
/// wait on the server. Together they keep `cargo test` on a 2-core machine well inside CI's time;
/// `ROLO_PERMISSION_CASES` asks for more. They are shared by two tests, which `cargo test` runs
/// side by side: one test alone would leave a core idle for minutes.
fn cases() -> u32 {
    let default: u32 = if common::on_postgres() { 40 } else { 600 };
    std::env::var("ROLO_PERMISSION_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default).div_ceil(2)
}

/// Builds world `w`, then checks every user's reads, every write as its actor, and the reads
/// again.
fn holds_in(w: &World) -> Result<(), TestCaseError> {
    let b = build(w);
    let oracle = Oracle::read(&b.users[0]);
    for (crm, login) in b.users.iter().zip(&b.logins) {
        check_reads(crm, login, &oracle)?;
    }
    for (actor, write) in &w.writes {
        check_write(&b, *actor, write)?;
    }
    let oracle = Oracle::read(&b.users[0]);
    for (crm, login) in b.users.iter().zip(&b.logins) {
        check_reads(crm, login, &oracle)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn no_read_shows_and_no_write_changes_what_a_user_may_not(w in world()) {
        holds_in(&w)?;
    }

    #[test]
    fn no_read_shows_and_no_write_changes_what_a_user_may_not_in_more_worlds(w in world()) {
        holds_in(&w)?;
    }
}
