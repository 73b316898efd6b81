//! The command-line grammar (clap): the top of it (`Cli`, `Command`) and the pieces every noun
//! shares; each noun's own arguments live beside its handler. Values with domain rules (dates,
//! amounts, emails, choices) arrive as text and are checked by the handlers, so a bad value is an
//! operation error (exit 1) that names the field; a malformed command line is a usage error (exit 2).

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use super::activity::{AgendaArgs, CallCmd, EventCmd, NoteCmd, ProjectCmd, TaskCmd, TimelineArgs};
use super::admin::{CompetitorCmd, DemoArgs, SourceCmd};
use super::marketing::{CampaignCmd, EmailCmd, ListCmd, SettingsCmd, TemplateCmd};
use super::output::{self, Out, Present};
use super::people::{AccountCmd, ContactCmd, SearchArgs};
use super::quote::{ProductCmd, QuoteCmd};
use super::report::ReportArgs;
use super::sales::{LeadCmd, OppCmd, StageCmd};
use super::service::{CaseCmd, KbCmd};
use super::transfer::{BackupArgs, ExportArgs, ImportArgs, MigrateArgs};
use super::users::{RoleCmd, TeamCmd, UserCmd};
use crate::crm::{Crm, CrmError, Filter, Filterable, Order};
use crate::model::{Id, Kind, ValidationError};

/// rolo: a keyboard-driven CRM for the terminal. With no command, opens the full-screen app.
#[derive(Debug, Parser)]
#[command(name = "rolo", version, about, long_about = None)]
pub struct Cli {
    /// The database file (created when missing), or a PostgreSQL database's address
    /// (postgres://USER@HOST/DATABASE). Default: the config file's `database`, else the platform
    /// data folder.
    #[arg(long, global = true, env = "ROLO_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Print machine-readable JSON on stdout (records, listings, reports).
    #[arg(long, global = true)]
    pub json: bool,
    /// Act as the user LOGIN (admins only): for scripts, support and tests.
    #[arg(long = "as", global = true, value_name = "LOGIN", add = super::shell::users())]
    pub as_user: Option<String>,
    /// The app's theme for this run: dark, light, high-contrast, 16-color or plain (NO_COLOR still
    /// wins). Given before any command, as the app opens without one.
    #[arg(long, value_name = "NAME", value_parser = super::shell::Offered(|| crate::tui::prefs::THEMES.to_vec()))]
    pub theme: Option<String>,
    /// How long to wait for another rolo process that holds the database file before giving up.
    #[arg(long, global = true, value_name = "SECONDS", default_value = "5", value_parser = seconds)]
    pub wait: std::time::Duration,
    /// What to do; none opens the full-screen app.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Organisations: prospects, customers, partners.
    #[command(subcommand)]
    Account(AccountCmd),
    /// People.
    #[command(subcommand)]
    Contact(ContactCmd),
    /// Prospective customers, and their conversion.
    #[command(subcommand)]
    Lead(LeadCmd),
    /// Opportunities (deals) in the pipeline.
    #[command(subcommand, alias = "opportunity")]
    Opp(OppCmd),
    /// Pipeline stages.
    #[command(subcommand)]
    Stage(StageCmd),
    /// Lead sources: the list a lead's or deal's source is picked from.
    #[command(subcommand)]
    Source(SourceCmd),
    /// Competitors: the list a deal's competitor is picked from.
    #[command(subcommand)]
    Competitor(CompetitorCmd),
    /// Sales quotas per user or team and month or quarter (`rolo report quotas` sets them
    /// against what was won).
    #[command(subcommand)]
    Quota(super::quotas::QuotaCmd),
    /// The product catalogue.
    #[command(subcommand)]
    Product(ProductCmd),
    /// Quotes with line items.
    #[command(subcommand)]
    Quote(QuoteCmd),
    /// Things to do.
    #[command(subcommand)]
    Task(TaskCmd),
    /// Phone calls.
    #[command(subcommand)]
    Call(CallCmd),
    /// Meetings and appointments.
    #[command(subcommand)]
    Event(EventCmd),
    /// Events, tasks due, next steps and birthdays, day by day.
    Agenda(AgendaArgs),
    /// A working day: what was planned (tasks due, meetings, next steps) and what was done
    /// (tasks, calls and time on them, emails, deals moved), yours or your team's.
    Day(super::activity::DayArgs),
    /// Projects with goals and due dates.
    #[command(subcommand)]
    Project(ProjectCmd),
    /// Marketing campaigns.
    #[command(subcommand)]
    Campaign(CampaignCmd),
    /// Contact lists: static (members added by hand) or dynamic (a saved filter).
    #[command(subcommand)]
    List(ListCmd),
    /// Email templates with merge fields ({{first_name|there}}).
    #[command(subcommand)]
    Template(TemplateCmd),
    /// Email to contacts: one-to-one, birthdays, the unsubscribe list.
    #[command(subcommand)]
    Email(EmailCmd),
    /// Customer service cases: the queue, a case's thread, its SLA and resolution.
    #[command(subcommand)]
    Case(CaseCmd),
    /// Knowledge articles: answers to problems, found by search.
    #[command(subcommand)]
    Kb(KbCmd),
    /// The database's settings: mail (smtp.url, smtp.from, smtp.rate) and service (sla.PRIORITY,
    /// work.hours, work.days, work.zone).
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Notes on accounts, contacts, leads and opportunities.
    #[command(subcommand)]
    Note(NoteCmd),
    /// Every change and activity of a record, newest first.
    Timeline(TimelineArgs),
    /// Fuzzy search over contacts, accounts, leads, opportunities, cases and knowledge articles.
    Search(SearchArgs),
    /// Reports over a date range: a table with bars, or the numbers as JSON or CSV.
    Report(ReportArgs),
    /// Bring contacts, accounts, leads, deals, tasks, calls, products or cases in from a CSV file, or
    /// contacts from vCards (all or nothing).
    Import(ImportArgs),
    /// Write every record of a kind as CSV, JSON, vCard (contacts) or iCalendar (events, tasks).
    Export(ExportArgs),
    /// Fill an empty database with a realistic demo dataset.
    Demo(DemoArgs),
    /// Verify the database: every record decodes, links resolve, indexes agree.
    Check,
    /// Write a consistent copy of the database to FILE.
    Backup(BackupArgs),
    /// Copy the whole database (ids, audit trail, users and all) into a new file or an empty
    /// PostgreSQL database: moving to a server, or back.
    Migrate(MigrateArgs),
    /// The people who use rolo.
    #[command(subcommand)]
    User(UserCmd),
    /// Teams of users.
    #[command(subcommand)]
    Team(TeamCmd),
    /// Roles: what users may read, create, edit and delete, and their rights.
    #[command(subcommand)]
    Role(RoleCmd),
    /// Who rolo acts as: login, name, role, team and time zone.
    Whoami,
    /// Serve the database to the team: every rep gets the app over SSH (`ssh -p 2222 LOGIN@HOST`).
    Serve(ServeArgs),
    /// Print the shell completion script for SHELL (e.g. `source <(rolo completions bash)`).
    Completions(super::shell::CompletionsArgs),
    /// Print the manual page (`rolo man | man -l -`).
    Man,
    /// The config file for this machine: the default database, theme, screen, currency, keys,
    /// mouse.
    #[command(subcommand)]
    Config(super::config::ConfigCmd),
    /// The candidates for one word of a command line (what the completion scripts ask).
    #[command(hide = true)]
    Complete(super::shell::CompleteArgs),
}

/// `rolo serve`: where to listen and what to allow.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on for SSH.
    #[arg(long, default_value = "0.0.0.0:2222", value_name = "ADDR")]
    pub listen: String,
    /// The server's private host key (made there on first start). Default: beside the database.
    #[arg(long, value_name = "PATH")]
    pub host_key: Option<PathBuf>,
    /// The most sessions (apps and commands) at once, over all users.
    #[arg(long, default_value = "200", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_sessions: u32,
    /// The most sessions one user may have at once.
    #[arg(long, default_value = "8", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_per_user: u32,
    /// How long an app may go without a key before its session ends (e.g. 30m, 2h).
    #[arg(long, default_value = "30m", value_name = "TIME", value_parser = humantime::parse_duration)]
    pub idle_timeout: std::time::Duration,
    /// The folder the import wizard may read over SSH (without it, import is off over SSH).
    #[arg(long, value_name = "DIR")]
    pub import_dir: Option<PathBuf>,
    /// The group whose members may run rolo commands through the server's local socket (beside
    /// the database, mode 0660). Default: the server user's own group.
    #[arg(long, value_name = "GROUP")]
    pub socket_group: Option<String>,
}

impl Command {
    /// What the command asks of the database: a server a long session's cache, bulk loads a
    /// bounded one, everything else reads or writes a little and exits.
    pub fn workload(&self) -> crate::crm::Workload {
        match self {
            Command::Serve(_) => crate::crm::Workload::Session,
            Command::Demo(_) => crate::crm::Workload::Demo,
            Command::Import(_) => crate::crm::Workload::Bulk,
            _ => crate::crm::Workload::Brief,
        }
    }
}

/// A record number.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The record's id.
    #[arg(add = super::shell::ids())]
    pub id: Id,
}

/// `KIND assign`: a record and its new owner.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The record's id.
    #[arg(add = super::shell::ids())]
    pub id: Id,
    /// The new owner's login.
    #[arg(add = super::shell::users())]
    pub login: String,
}

/// A list, template or campaign, named by id or by exact name.
#[derive(Debug, Args)]
pub struct NameArg {
    /// Its id, or its exact name.
    #[arg(add = super::shell::ids())]
    pub name: String,
}

/// Standard verbs of a record kind, with its own add / edit / list arguments; `named` kinds
/// (lists, templates, campaigns) are shown and deleted by id or by name.
macro_rules! noun {
    (named $($rest:tt)*) => { $crate::cli::args::noun!(@by $crate::cli::args::NameArg; $($rest)*); };
    (@by $by:ty; $(#[$m:meta])* $name:ident, $add:ty, $edit:ty, $list:ty $(, $($(#[$xm:meta])* $extra:ident($extra_ty:ty)),+)?) => {
        $(#[$m])*
        #[derive(Debug, Subcommand)]
        pub enum $name {
            /// Create one.
            Add($add),
            /// List them.
            #[command(alias = "ls")]
            List($list),
            /// Show one in full.
            Show($by),
            /// Change fields of one (an empty value clears an optional field).
            Edit($edit),
            /// Delete one (refused while other records need it).
            #[command(alias = "rm")]
            Delete($by),
            $($($(#[$xm])* $extra($extra_ty)),+)?
        }
    };
    ($($rest:tt)*) => { $crate::cli::args::noun!(@by $crate::cli::args::IdArg; $($rest)*); };
}
pub(super) use noun;

/// A noun whose records have an owner: the standard verbs, `assign`, and its own.
macro_rules! owned_noun {
    ($($named:ident)? ; $(#[$m:meta])* $name:ident, $add:ty, $edit:ty, $list:ty $(, $($(#[$xm:meta])* $extra:ident($extra_ty:ty)),+)?) => {
        $crate::cli::args::noun!(
            $($named)? $(#[$m])* $name, $add, $edit, $list,
            /// Give one to another user, named by login (needs the assign right).
            Assign($crate::cli::args::AssignArgs)
            $(, $($(#[$xm])* $extra($extra_ty)),+)?
        );
    };
    ($($rest:tt)*) => { $crate::cli::args::owned_noun!(; $($rest)*); };
}
pub(super) use owned_noun;

/// No listing options.
#[derive(Debug, Args)]
pub struct NoFilter {}

/// `--filter`: the one flag by which every listing of a kind with filter fields narrows its
/// records (the filter language of [`crate::crm::Filter`]).
#[derive(Debug, Args, Default)]
pub struct FilterArg {
    /// Only records this filter keeps: field:value terms (owner:ann tag:vip country:france),
    /// ranges and comparisons on dates and numbers (close:today..+90d amount:>10000), -TERM to
    /// negate one, and plain words.
    ///
    /// Every term must hold, and every other flag given too. A word value may be cut short
    /// where only one value starts so (outcome:voi). Plain words must each appear, in any case,
    /// in the record's name or search details (emails, phones, labels); they do not reorder
    /// the listing, which keeps its usual order. A field the kind does not take is an error
    /// listing the fields it does. A filter may start with "-" (--filter -tag:vip).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub filter: Option<String>,
}

impl FilterArg {
    /// Prints `records` (read in the listing's own order) narrowed by the filter, if one was
    /// given.
    pub(super) fn list<R: Present + Filterable>(&self, out: &Out, crm: &Crm, records: Vec<R>) -> Result<()> {
        let records = self.narrow(crm, records)?;
        self.print(out, crm, &records);
        Ok(())
    }

    /// `records` (read in the listing's own order) that the filter keeps, in that order.
    pub(super) fn narrow<R: Present + Filterable>(&self, crm: &Crm, records: Vec<R>) -> Result<Vec<R>> {
        match self.parse(crm, R::KIND)? {
            Some(filter) => Ok(crm.matching(&filter, records)?),
            None => Ok(records),
        }
    }

    /// Every record of `R` in `order` that the filter keeps. Without plain words the filter
    /// finds its records first ([`Crm::filtered`], through an index where a term has one) and
    /// only those are read, in the order's index; plain words are checked on every record.
    pub(super) fn ordered<R: Present + Filterable>(&self, crm: &Crm, order: Order, reversed: bool) -> Result<Vec<R>> {
        match self.parse(crm, R::KIND)? {
            Some(filter) if filter.words().is_empty() => {
                let found: HashSet<Id> = crm.filtered(&filter, usize::MAX)?.ids.into_iter().collect();
                let mut ids = crm.ordered_ids(R::KIND, order, reversed, usize::MAX)?;
                ids.retain(|id| found.contains(id));
                Ok(crm.many::<R>(&ids)?)
            }
            Some(filter) => Ok(crm.matching(&filter, crm.ordered::<R>(order, reversed)?)?),
            None => Ok(crm.ordered::<R>(order, reversed)?),
        }
    }

    /// Prints a listing; an empty one under a filter says that nothing matched.
    pub(super) fn print<R: Present>(&self, out: &Out, crm: &Crm, records: &[R]) {
        if self.filter.is_some() && records.is_empty() && !out.json {
            say!("no {} match the filter", R::KIND.plural());
        } else {
            output::list(out, crm, records);
        }
    }

    /// The filter over `kind`, if one was given; one that does not read is a `filter` error
    /// naming the term.
    fn parse(&self, crm: &Crm, kind: Kind) -> Result<Option<Filter>> {
        let Some(text) = &self.filter else { return Ok(None) };
        // A value may start with "-" (a negated term), so a flag typed after an empty --filter
        // would be taken as the filter: say so rather than list nothing.
        if let Some(flag) = text.split_whitespace().next().filter(|w| w.starts_with("--")) {
            let problem = format!("'{flag}' is a flag, not a filter: write the filter after --filter");
            return Err(ValidationError::new("filter", problem).into());
        }
        let filter = crm.parse_filter(kind, text, crm.session().today()).map_err(|e| match e {
            CrmError::Filter(e) => anyhow::Error::from(ValidationError::new("filter", e.to_string())),
            e => e.into(),
        })?;
        Ok(Some(filter))
    }
}

/// A number of seconds (whole or decimal, at most a day).
fn seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if (0.0..=86_400.0).contains(&s) => Ok(std::time::Duration::from_secs_f64(s)),
        _ => Err(format!("'{text}' is not a number of seconds: give one from 0 to 86400, e.g. 5 or 0.5")),
    }
}

/// A board position: a whole number from 1.
pub(super) fn from_one(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("positions count from 1 (the first one)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("not a position: give a whole number from 1".into()),
    }
}

/// The follow-up cadences the model takes, as clap's range: the same bounds in both messages.
pub(super) fn days_range() -> std::ops::RangeInclusive<i64> {
    let days = crate::model::FOLLOW_UP_DAYS;
    i64::from(*days.start())..=i64::from(*days.end())
}
