//! Helpers shared by the integration tests: a CRM in a temporary folder, and one record of every
//! kind with fixed values.

#![allow(dead_code)]

pub mod smtp;
pub mod ui;

use rolo::crm::Crm;
use rolo::model::*;
use tempfile::TempDir;

/// `rolo --db <db>` as user `tester`, away from the real home folder and environment, in the
/// locale `lang` (`C.UTF-8`: dates that could be read either way are read month first). Its home
/// is the folder the database was made for (see [`database`]).
pub fn rolo_in(db: &std::path::Path, lang: &str) -> std::process::Command {
    let homes = HOMES.lock().unwrap_or_else(|e| e.into_inner());
    let home = match homes.get(db) {
        Some(home) => home.as_path(),
        None if rolo::store::is_address(db) => panic!("{} was not made by common::database", db.display()),
        None => db.parent().expect("the database lives in a folder"),
    };
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rolo"));
    cmd.arg("--db")
        .arg(db)
        .envs([("USER", "tester"), ("RUST_BACKTRACE", "0"), ("LANG", lang)])
        .envs([("HOME", home), ("XDG_DATA_HOME", home), ("XDG_CONFIG_HOME", home)])
        .env_remove("ROLO_USER")
        .env_remove("ROLO_CONFIG")
        .env_remove("NO_COLOR")
        .env_remove("ROLO_DB")
        .env_remove("ROLO_SMTP_URL")
        .env_remove("LC_ALL")
        .env_remove("LC_TIME");
    cmd
}

/// The stdout and stderr of a finished command, as text.
pub fn texts(out: &std::process::Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The path of a file of `tests/fixtures/import`.
pub fn import_fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Whether this test binary is the PostgreSQL run of the service suites (`tests/postgres.rs`).
pub fn on_postgres() -> bool {
    env!("CARGO_CRATE_NAME") == "postgres"
}

/// Where a test's database goes: the file `t.redb` in `dir`, or in the PostgreSQL run a new
/// database on the throwaway server (a file still where the PostgreSQL binaries are missing: that
/// run said so once, loudly).
pub fn database(dir: &std::path::Path) -> std::path::PathBuf {
    match on_postgres().then(rolo::store::Throwaway::shared).flatten() {
        Some(server) => {
            let address = std::path::PathBuf::from(server.new_database().expect("a new PostgreSQL database"));
            HOMES.lock().unwrap_or_else(|e| e.into_inner()).insert(address.clone(), dir.to_path_buf());
            address
        }
        None => dir.join("t.redb"),
    }
}

/// The folder each PostgreSQL database was made for: the home [`rolo_in`] gives a command run
/// against it, as a file's folder is.
static HOMES: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, std::path::PathBuf>>> =
    std::sync::LazyLock::new(Default::default);

/// A CRM over a fresh database; keep the `TempDir` alive as long as the CRM.
/// The command line run through [`rolo_in`] acts as `tester`, an admin of it too.
pub fn fresh() -> (TempDir, Crm) {
    let dir = tempfile::tempdir().expect("temp dir");
    let crm = Crm::open(&database(dir.path())).expect("open");
    if crm.directory().expect("directory").user("tester").is_none() {
        crm.add_user(User::new("tester", "Tester", "admin")).expect("add tester");
    }
    (dir, crm)
}

/// Ids of one record of every kind, as [`populate`] made them.
pub struct Made {
    pub account: Id,
    pub contact: Id,
    pub lead: Id,
    pub opportunity: Id,
    pub product: Id,
    pub quote: Id,
    pub task: Id,
    pub call: Id,
    pub event: Id,
    pub project: Id,
    pub campaign: Id,
    pub list: Id,
    pub note: Id,
}

pub fn date(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

/// One record of every kind, linked together, with fixed values (no "today" in them).
pub fn populate(crm: &Crm) -> Made {
    let campaign = crm
        .create(Campaign {
            name: "Spring fair".into(),
            channel: Some("trade show".into()),
            budget: Some(Amount::units(5000)),
            start: Some(date("2026-03-01")),
            end: Some(date("2026-03-31")),
            ..Default::default()
        })
        .unwrap()
        .id;
    let account = crm
        .create(Account {
            name: "Ōsaka Trading 株式会社".into(),
            industry: Some("Logistics".into()),
            address: Address { city: Some("Osaka".into()), country: Some("Japan".into()), ..Default::default() },
            employees: Some(120),
            annual_revenue: Some(Amount::units(2_500_000)),
            status: AccountStatus::Customer,
            ..Default::default()
        })
        .unwrap()
        .id;
    let contact = crm
        .create(Contact {
            first_name: "Zoë".into(),
            last_name: "O'Brien-Müller".into(),
            title: Some("CTO".into()),
            account: Some(account),
            emails: vec![Email {
                consent: Consent::OptedIn,
                validity: Validity::Valid,
                ..Email::new("zoe@osaka.example.com")
            }],
            phones: vec![Phone::new("+81 6 1234 5678")],
            birthday: Some(date("1980-02-29")),
            interests: vec!["sailing".into()],
            ..Default::default()
        })
        .unwrap()
        .id;
    let lead = crm
        .create(Lead {
            first_name: "Li".into(),
            last_name: "Wang".into(),
            company: Some("Harbor Partners".into()),
            email: Some("li.wang@harbor.example.org".into()),
            source: Some("trade_show".into()),
            campaign: Some(campaign),
            ..Default::default()
        })
        .unwrap()
        .id;
    let opportunity = crm
        .create_opportunity(Opportunity {
            name: "Fleet licences".into(),
            account,
            contact: Some(contact),
            amount: Amount::parse("12000.50").unwrap(),
            close_date: date("2026-12-31"),
            next_step: Some("Send pricing".into()),
            next_step_date: Some(date("2026-12-01")),
            ..Default::default()
        })
        .unwrap()
        .id;
    let product = crm
        .create(Product {
            name: "Pro licence".into(),
            price: Amount::parse("149.90").unwrap(),
            active: true,
            ..Default::default()
        })
        .unwrap()
        .id;
    let quote = crm.create_quote(opportunity).unwrap().id;
    crm.add_quote_line(quote, product, 3, 10).unwrap();
    let project = crm
        .create(Project {
            name: "Rollout".into(),
            account: Some(account),
            due: date("2027-01-15"),
            ..Default::default()
        })
        .unwrap()
        .id;
    let task = crm
        .create(Task {
            title: "Send pricing".into(),
            due: Some(date("2026-12-01")),
            priority: Priority::High,
            contact: Some(contact),
            opportunity: Some(opportunity),
            project: Some(project),
            ..Default::default()
        })
        .unwrap()
        .id;
    let call = crm
        .log_call(Call {
            contact,
            started_at: Timestamp::parse_local("2026-11-20 10:30").unwrap(),
            duration_secs: 300,
            outcome: CallOutcome::Connected,
            notes: Some("Wants pricing".into()),
            ..Default::default()
        })
        .unwrap()
        .id;
    let event = crm
        .create_event(Event {
            title: "Demo".into(),
            start: Timestamp::parse_local("2026-12-02 14:00").unwrap(),
            end: Some(Timestamp::parse_local("2026-12-02 15:00").unwrap()),
            attendees: vec![contact],
            ..Default::default()
        })
        .unwrap()
        .id;
    let list = crm.create(ContactList { name: "VIP".into(), ..Default::default() }).unwrap().id;
    crm.add_list_member(list, contact).unwrap();
    let note = crm.add_note(RecordRef::new(Kind::Contact, contact), "Prefers email").unwrap().id;
    Made { account, contact, lead, opportunity, product, quote, task, call, event, project, campaign, list, note }
}

/// Adds a user of `role` for each login (named after it), so records may be given to them.
pub fn add_users(crm: &Crm, role: &str, logins: &[&str]) {
    for login in logins {
        crm.add_user(User::new(login, &format!("{login} user"), role)).expect("add user");
    }
}

/// A database the command line made (as `tester`, see [`rolo_in`]), opened here as that user.
pub fn open_as_tester(db: &std::path::Path) -> Crm {
    Crm::open(db).expect("the database opens").with_session(rolo::crm::Session::new("tester"))
}
