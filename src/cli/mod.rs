//! The scriptable command line: thin handlers that parse flags, call [`Crm`], and print a table,
//! a confirmation or JSON. No business rules live here. One module per noun holds its commands'
//! arguments, handlers and presenters; `args` is the top of the grammar, `output` the shared
//! printing, `fields` the flag-to-field parsers, `stdio` the way out (the streams of the command
//! running on the thread), `files` the files a command line names, `invoke` one command line
//! from its words to its exit code.

/// `println!` for the command line: through [`stdio`], so a failed stdout never panics.
macro_rules! say {
    ($($arg:tt)*) => { $crate::cli::stdio::line(format_args!($($arg)*)) };
}

/// `eprintln!` for the command line: through [`stdio`], so a failed stderr never panics.
macro_rules! say_err {
    ($($arg:tt)*) => { $crate::cli::stdio::err_line(format_args!($($arg)*)) };
}

mod activity;
mod admin;
mod analysis;
pub mod args;
pub mod config;
mod fields;
pub mod files;
mod invoke;
mod marketing;
mod output;
mod people;
mod progress;
mod quotas;
mod quote;
mod report;
mod sales;
mod service;
mod shell;
pub mod stdio;
mod transfer;
mod users;

use anyhow::Result;
pub use invoke::{Ended, command_name, execute, fail, invoke, parse, printed};
pub use stdio::Io;

use args::Command;
use output::{Out, Present, show, wrote};

use crate::crm::Crm;
use crate::model::Id;

/// Runs a command that needs no database (completion scripts, the manual, completing a word,
/// the config file) and gives its exit code, or gives the command back. `db` is the database
/// the command line names (`--db`, `ROLO_DB`).
pub fn without_database(command: Command, db: Option<std::path::PathBuf>, json: bool) -> Result<u8, Box<Command>> {
    let done = match command {
        Command::Completions(a) => shell::completions(a.shell),
        Command::Man => shell::man(),
        Command::Config(cmd) => config::run(&Out { json }, cmd, db),
        // The database to complete from: the one named, else the config file's (when it reads).
        Command::Complete(a) => {
            let db = db.or_else(|| config::default_db(&config::load().unwrap_or_default()));
            shell::complete(a, shell::Source::File(db))
        }
        other => return Err(Box::new(other)),
    };
    Ok(match done {
        Ok(()) => printed(),
        Err(e) => fail(&e.to_string()),
    })
}

/// Runs one command against the CRM; [`stdio::saved`] then tells whether it changed the data.
pub fn run(crm: &Crm, command: Command, json: bool) -> Result<()> {
    let commits = crm.own_commits();
    let result = dispatch(crm, command, &Out { json });
    if crm.own_commits() != commits {
        stdio::mark_saved();
    }
    result
}

fn dispatch(crm: &Crm, command: Command, out: &Out) -> Result<()> {
    match command {
        Command::Account(cmd) => people::account(out, crm, cmd),
        Command::Contact(cmd) => people::contact(out, crm, cmd),
        Command::Lead(cmd) => sales::lead(out, crm, cmd),
        Command::Opp(cmd) => sales::opp(out, crm, cmd),
        Command::Stage(cmd) => sales::stage(out, crm, cmd),
        Command::Source(cmd) => admin::picklist(out, crm, crate::model::Picklist::LeadSources, cmd),
        Command::Competitor(cmd) => admin::picklist(out, crm, crate::model::Picklist::Competitors, cmd),
        Command::Product(cmd) => quote::product(out, crm, cmd),
        Command::Quote(cmd) => quote::quote(out, crm, cmd),
        Command::Task(cmd) => activity::task(out, crm, cmd),
        Command::Call(cmd) => activity::call(out, crm, cmd),
        Command::Event(cmd) => activity::event(out, crm, cmd),
        Command::Agenda(a) => activity::agenda(out, crm, a),
        Command::Day(a) => activity::day(out, crm, a),
        Command::Project(cmd) => activity::project(out, crm, cmd),
        Command::Campaign(cmd) => marketing::campaign(out, crm, cmd),
        Command::List(cmd) => marketing::contact_list(out, crm, cmd),
        Command::Template(cmd) => marketing::template(out, crm, cmd),
        Command::Email(cmd) => marketing::email(out, crm, cmd),
        Command::Case(cmd) => service::case(out, crm, cmd),
        Command::Kb(cmd) => service::kb(out, crm, cmd),
        Command::Settings(cmd) => marketing::settings(out, crm, cmd),
        Command::Note(cmd) => activity::note(out, crm, cmd),
        Command::Timeline(a) => activity::timeline(out, crm, &a.record),
        Command::Search(a) => people::search(out, crm, a),
        Command::Report(a) => report::report(out, crm, a),
        Command::Import(a) => transfer::import(out, crm, a),
        Command::Export(a) => transfer::export(out, crm, a),
        Command::Demo(a) => admin::demo(out, crm, a),
        Command::Check => admin::check(out, crm),
        Command::Backup(a) => transfer::backup(out, crm, a),
        Command::Migrate(a) => transfer::migrate(out, crm, a),
        Command::User(cmd) => users::user(out, crm, cmd),
        Command::Team(cmd) => users::team(out, crm, cmd),
        Command::Quota(cmd) => quotas::quota(out, crm, cmd),
        Command::Role(cmd) => users::role(out, crm, cmd),
        Command::Whoami => users::whoami(out, crm),
        Command::Completions(a) => shell::completions(a.shell),
        Command::Man => shell::man(),
        // Asked by a client's shell while this server holds its database.
        Command::Complete(a) => shell::complete(a, shell::Source::Handle(crm.clone())),
        Command::Config(_) => {
            anyhow::bail!("the config file is for local use: a served session takes `rolo user prefs`")
        }
        Command::Serve(_) => anyhow::bail!("`rolo serve` starts a server of its own: run it on the server's machine"),
    }
}

fn add<R: Present>(out: &Out, crm: &Crm, rec: R) -> Result<()> {
    let rec = crm.create(rec)?;
    wrote(out, crm, "created", &rec);
    Ok(())
}

fn show_one<R: Present>(out: &Out, crm: &Crm, id: Id) -> Result<()> {
    show(out, crm, &crm.get::<R>(id)?);
    Ok(())
}

fn edit<R: Present>(out: &Out, crm: &Crm, id: Id, change: impl FnOnce(&mut R) -> Result<()>) -> Result<()> {
    let mut rec = crm.get::<R>(id)?;
    change(&mut rec)?;
    let rec = crm.update(rec)?;
    wrote(out, crm, "updated", &rec);
    Ok(())
}

/// Gives a record to another user (`KIND assign ID LOGIN`) and says to whom.
fn assign<R: Present>(out: &Out, crm: &Crm, a: args::AssignArgs) -> Result<()> {
    let label = crm.assign(crate::model::RecordRef::new(R::KIND, a.id), &a.login)?;
    let login = a.login.trim().to_lowercase();
    let names = output::Names::new(crm);
    // Given away, the record may be out of the actor's sight now.
    let value = match crm.get::<R>(a.id) {
        Ok(rec) => names.record(&rec),
        Err(_) => serde_json::json!({ "id": a.id, "owner": login }),
    };
    out.done(&value, || format!("assigned {} {}: {label} to {}", R::KIND, a.id, names.owner(&login)));
    Ok(())
}

fn delete<R: Present>(out: &Out, crm: &Crm, id: Id) -> Result<()> {
    let rec = crm.delete::<R>(id)?;
    wrote(out, crm, "deleted", &rec);
    Ok(())
}

/// Fails when a filter names a record that does not exist (rather than listing nothing).
fn exists<R: Present>(crm: &Crm, id: Option<Id>) -> Result<()> {
    if let Some(id) = id {
        crm.get::<R>(id)?;
    }
    Ok(())
}

/// A 1-based position from the command line, as the service's 0-based one.
fn position(from_one: u64) -> usize {
    usize::try_from(from_one.saturating_sub(1)).unwrap_or(usize::MAX)
}

/// Lines that explain an error further (each bad row of a refused import), for stderr.
pub fn details(e: &anyhow::Error) -> Vec<String> {
    use crate::crm::CrmError::Rejected;
    let crm = e.downcast_ref::<crate::crm::CrmError>();
    let import = e.downcast_ref::<crate::import::ImportError>();
    match (crm, import) {
        (Some(Rejected(problems)), _) | (_, Some(crate::import::ImportError::Crm(Rejected(problems)))) => {
            problems.iter().map(ToString::to_string).collect()
        }
        _ => Vec::new(),
    }
}
