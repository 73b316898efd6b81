//! The command-line grammar (clap). Values with domain rules (dates, amounts, emails, choices)
//! arrive as text and are checked by the handlers, so a bad value is an operation error (exit 1)
//! that names the field; a malformed command line is a usage error (exit 2).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::model::Id;

/// rolo: a keyboard-driven CRM for the terminal. With no command, opens the full-screen app.
#[derive(Debug, Parser)]
#[command(name = "rolo", version, about, long_about = None)]
pub struct Cli {
    /// The database file (created when missing). Default: the platform data folder.
    #[arg(long, global = true, env = "ROLO_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Print machine-readable JSON on stdout (records, listings, reports).
    #[arg(long, global = true)]
    pub json: bool,
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
    /// Projects with goals and due dates.
    #[command(subcommand)]
    Project(ProjectCmd),
    /// Marketing campaigns.
    #[command(subcommand)]
    Campaign(CampaignCmd),
    /// Contact lists.
    #[command(subcommand)]
    List(ListCmd),
    /// Notes on accounts, contacts, leads and opportunities.
    #[command(subcommand)]
    Note(NoteCmd),
    /// Every change and activity of a record, newest first.
    Timeline(TimelineArgs),
    /// Fuzzy search over contacts, accounts, leads and opportunities.
    Search(SearchArgs),
    /// Reports over a date range: a table with bars, or the numbers as JSON or CSV.
    Report(ReportArgs),
    /// Bring contacts, accounts, leads, deals, tasks, calls or products in from a CSV file, or
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
}

impl Command {
    /// What the command asks of the database: bulk loads want a large write buffer, everything
    /// else reads or writes a little and exits.
    pub fn workload(&self) -> crate::crm::Workload {
        match self {
            Command::Demo(_) | Command::Import(_) => crate::crm::Workload::Session,
            _ => crate::crm::Workload::Brief,
        }
    }
}

/// A record number.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The record's id.
    pub id: Id,
}

/// Standard verbs of a record kind, with its own add / edit / list arguments.
macro_rules! noun {
    ($(#[$m:meta])* $name:ident, $add:ty, $edit:ty, $list:ty $(, $($(#[$xm:meta])* $extra:ident($extra_ty:ty)),+)?) => {
        $(#[$m])*
        #[derive(Debug, Subcommand)]
        pub enum $name {
            /// Create one.
            Add($add),
            /// List them.
            #[command(alias = "ls")]
            List($list),
            /// Show one in full.
            Show(IdArg),
            /// Change fields of one (an empty value clears an optional field).
            Edit($edit),
            /// Delete one (refused while other records need it).
            #[command(alias = "rm")]
            Delete(IdArg),
            $($($(#[$xm])* $extra($extra_ty)),+)?
        }
    };
}

/// No listing options.
#[derive(Debug, Args)]
pub struct NoFilter {}

noun!(
    /// Account commands.
    AccountCmd, AccountAdd, AccountEdit, NoFilter
);

/// Optional account fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct AccountFields {
    /// Line of business.
    #[arg(long)]
    pub industry: Option<String>,
    /// Web address.
    #[arg(long)]
    pub website: Option<String>,
    /// Main phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Main email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Street and number.
    #[arg(long)]
    pub street: Option<String>,
    /// City.
    #[arg(long)]
    pub city: Option<String>,
    /// State or region.
    #[arg(long)]
    pub region: Option<String>,
    /// Postal code.
    #[arg(long)]
    pub postal_code: Option<String>,
    /// Country.
    #[arg(long)]
    pub country: Option<String>,
    /// Head count.
    #[arg(long)]
    pub employees: Option<u32>,
    /// Yearly revenue, e.g. 1500000.
    #[arg(long)]
    pub revenue: Option<String>,
    /// Currency code of the revenue (default USD).
    #[arg(long)]
    pub currency: Option<String>,
    /// The account this one is a branch of.
    #[arg(long)]
    pub parent: Option<Id>,
    /// prospect, customer, former or archived.
    #[arg(long)]
    pub status: Option<String>,
    /// The rep in charge (default: you).
    #[arg(long)]
    pub owner: Option<String>,
    /// A label (repeat for several; replaces the labels on edit).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
}

/// `account add`.
#[derive(Debug, Args)]
pub struct AccountAdd {
    /// The organisation's name.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub fields: AccountFields,
}

/// `account edit`.
#[derive(Debug, Args)]
pub struct AccountEdit {
    /// The account's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: AccountFields,
}

noun!(
    /// Contact commands.
    ContactCmd, ContactAdd, ContactEdit, ContactList,
    /// Set the consent or validity of one of a contact's email addresses.
    EmailStatus(EmailStatusArgs),
    /// List pairs of contacts that look like one person (same email, phone, or name at the same
    /// company).
    Duplicates(DuplicatesArgs),
    /// Merge one contact into another: every email, phone, call, task, meeting, deal and note
    /// of the second moves to the first, then the second is deleted.
    Merge(MergeArgs)
);

/// `contact duplicates`.
#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    /// List at most this many pairs.
    #[arg(long, default_value_t = 1000)]
    pub limit: usize,
}

/// `contact merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The contact kept.
    pub keep: Id,
    /// The contact merged into it and deleted.
    pub gone: Id,
}

/// Optional contact fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct ContactFields {
    /// Middle name.
    #[arg(long)]
    pub middle: Option<String>,
    /// Email address (repeat for several; replaces the list on edit, keeping known statuses).
    #[arg(long = "email")]
    pub emails: Vec<String>,
    /// Phone number (repeat for several; replaces the list on edit).
    #[arg(long = "phone")]
    pub phones: Vec<String>,
    /// The account they work for.
    #[arg(long)]
    pub account: Option<Id>,
    /// Job title.
    #[arg(long)]
    pub title: Option<String>,
    /// City.
    #[arg(long)]
    pub city: Option<String>,
    /// Country.
    #[arg(long)]
    pub country: Option<String>,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    pub birthday: Option<String>,
    /// An interest (repeat for several).
    #[arg(long = "interest")]
    pub interests: Vec<String>,
    /// Get in touch at least every N days (1 to 36600).
    #[arg(long, value_parser = clap::value_parser!(u32).range(days_range()))]
    pub follow_up_days: Option<u32>,
    /// Never phone this person (true or false).
    #[arg(long)]
    pub do_not_call: Option<bool>,
    /// The rep in charge (default: you).
    #[arg(long)]
    pub owner: Option<String>,
    /// A label (repeat for several; replaces the labels on edit).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
}

/// `contact add`.
#[derive(Debug, Args)]
pub struct ContactAdd {
    /// Given name.
    #[arg(long)]
    pub first: String,
    /// Family name.
    #[arg(long)]
    pub last: String,
    #[command(flatten)]
    pub fields: ContactFields,
}

/// `contact edit`.
#[derive(Debug, Args)]
pub struct ContactEdit {
    /// The contact's id.
    pub id: Id,
    /// New given name.
    #[arg(long)]
    pub first: Option<String>,
    /// New family name.
    #[arg(long)]
    pub last: Option<String>,
    #[command(flatten)]
    pub fields: ContactFields,
}

/// `contact list` filters.
#[derive(Debug, Args)]
pub struct ContactList {
    /// Only contacts of this account.
    #[arg(long)]
    pub account: Option<Id>,
}

/// `contact email-status`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("status").required(true).multiple(false))]
pub struct EmailStatusArgs {
    /// The contact's id.
    pub id: Id,
    /// One of the contact's addresses.
    pub email: String,
    /// They agreed to receive mail.
    #[arg(long, group = "status")]
    pub opt_in: bool,
    /// They asked not to receive mail.
    #[arg(long, group = "status")]
    pub opt_out: bool,
    /// Mail to it bounced or cannot be delivered.
    #[arg(long, group = "status")]
    pub invalid: bool,
    /// Mail to it arrives.
    #[arg(long, group = "status")]
    pub valid: bool,
    /// Mail to it came back.
    #[arg(long, group = "status")]
    pub bounced: bool,
}

noun!(
    /// Lead commands.
    LeadCmd, LeadAdd, LeadEdit, LeadList,
    /// Turn a lead into an account, a contact and (optionally) an opportunity, atomically.
    Convert(ConvertArgs)
);

/// Optional lead fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct LeadFields {
    /// Their organisation.
    #[arg(long)]
    pub company: Option<String>,
    /// Job title.
    #[arg(long)]
    pub title: Option<String>,
    /// Email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Where it came from: cold-call, web-site, trade-show, partner, ...
    #[arg(long)]
    pub source: Option<String>,
    /// The campaign that brought it.
    #[arg(long)]
    pub campaign: Option<Id>,
    /// new, contacted, qualified or unqualified.
    #[arg(long)]
    pub status: Option<String>,
    /// hot, warm or cold.
    #[arg(long)]
    pub rating: Option<String>,
    /// The rep in charge (default: you).
    #[arg(long)]
    pub owner: Option<String>,
}

/// `lead add`.
#[derive(Debug, Args)]
pub struct LeadAdd {
    /// Given name.
    #[arg(long)]
    pub first: String,
    /// Family name.
    #[arg(long)]
    pub last: String,
    #[command(flatten)]
    pub fields: LeadFields,
}

/// `lead edit`.
#[derive(Debug, Args)]
pub struct LeadEdit {
    /// The lead's id.
    pub id: Id,
    /// New given name.
    #[arg(long)]
    pub first: Option<String>,
    /// New family name.
    #[arg(long)]
    pub last: Option<String>,
    #[command(flatten)]
    pub fields: LeadFields,
}

/// `lead list` filters.
#[derive(Debug, Args)]
pub struct LeadList {
    /// Only leads with this status.
    #[arg(long)]
    pub status: Option<String>,
}

/// `lead convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The lead's id.
    pub id: Id,
    /// Use this account instead of matching the company by name.
    #[arg(long)]
    pub account: Option<Id>,
    /// Also create an opportunity with this name.
    #[arg(long)]
    pub opportunity: Option<String>,
    /// The opportunity's amount (creates one named after the company if --opportunity is absent).
    #[arg(long)]
    pub amount: Option<String>,
    /// The opportunity's close date (default: in 30 days).
    #[arg(long)]
    pub close_date: Option<String>,
}

noun!(
    /// Opportunity commands.
    OppCmd, OppAdd, OppEdit, OppList,
    /// Move to another stage; the probability follows the stage unless given.
    Move(MoveArgs),
    /// Mark won (moves to the won stage).
    Win(IdArg),
    /// Mark lost, with a reason (moves to the lost stage).
    Lose(LoseArgs)
);

/// Optional opportunity fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct OppFields {
    /// Stage name (any case); default: the first stage.
    #[arg(long)]
    pub stage: Option<String>,
    /// Chance of winning, 0-100 (sticks when set; else follows the stage).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub probability: Option<u8>,
    /// The main contact.
    #[arg(long)]
    pub contact: Option<Id>,
    /// What happens next.
    #[arg(long)]
    pub next_step: Option<String>,
    /// When the next step is due.
    #[arg(long)]
    pub next_step_date: Option<String>,
    /// Currency code (default USD).
    #[arg(long)]
    pub currency: Option<String>,
    /// Where the deal came from (a lead source).
    #[arg(long)]
    pub source: Option<String>,
    /// The campaign that brought it.
    #[arg(long)]
    pub campaign: Option<Id>,
    /// The rep in charge (default: you).
    #[arg(long)]
    pub owner: Option<String>,
}

/// `opp add`.
#[derive(Debug, Args)]
pub struct OppAdd {
    /// The deal's name.
    #[arg(long)]
    pub name: String,
    /// The buying account's id.
    #[arg(long)]
    pub account: Id,
    /// Expected value, e.g. 12000 or 12000.50.
    #[arg(long)]
    pub amount: String,
    /// Expected close date, YYYY-MM-DD.
    #[arg(long)]
    pub close_date: String,
    #[command(flatten)]
    pub fields: OppFields,
}

/// `opp edit`.
#[derive(Debug, Args)]
pub struct OppEdit {
    /// The opportunity's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New account.
    #[arg(long)]
    pub account: Option<Id>,
    /// New amount.
    #[arg(long)]
    pub amount: Option<String>,
    /// New close date.
    #[arg(long)]
    pub close_date: Option<String>,
    #[command(flatten)]
    pub fields: OppFields,
}

/// `opp list` filters.
#[derive(Debug, Args)]
pub struct OppList {
    /// Only this stage (name, any case).
    #[arg(long)]
    pub stage: Option<String>,
    /// Only this account.
    #[arg(long)]
    pub account: Option<Id>,
}

/// `opp move`.
#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The opportunity's id.
    pub id: Id,
    /// The stage's name (any case).
    pub stage: String,
    /// Set the probability by hand instead of taking the stage's default.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub probability: Option<u8>,
}

/// `opp lose`.
#[derive(Debug, Args)]
pub struct LoseArgs {
    /// The opportunity's id.
    pub id: Id,
    /// Why it was lost.
    #[arg(long)]
    pub reason: String,
}

/// Stage commands. A stage is named by its name (any case) or its id.
#[derive(Debug, Subcommand)]
pub enum StageCmd {
    /// List the stages in board order.
    #[command(alias = "ls")]
    List,
    /// Add a stage to the pipeline.
    Add(StageAdd),
    /// Rename a stage or change its default probability (open deals not set by hand follow).
    Edit(StageEdit),
    /// Move a stage to another position on the board.
    Move(StageMove),
    /// Delete a stage; its deals move to --move-to first.
    #[command(alias = "rm")]
    Delete(StageDelete),
}

/// `stage add`.
#[derive(Debug, Args)]
pub struct StageAdd {
    /// The new stage's name (unique, any case).
    pub name: String,
    /// Default probability for deals entering it, 0-100 (default: won 100, lost 0, open that of
    /// the open stage before it).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub probability: Option<u8>,
    /// What reaching it means: open, won or lost.
    #[arg(long, default_value = "open")]
    pub outcome: String,
    /// Position on the board, from 1 (default: an open stage before the first closed one, a
    /// closed stage at the end).
    #[arg(long, value_parser = from_one)]
    pub position: Option<u64>,
}

/// `stage edit`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["name", "probability"])))]
pub struct StageEdit {
    /// The stage (name or id).
    pub stage: String,
    /// New name (unique, any case).
    #[arg(long)]
    pub name: Option<String>,
    /// New default probability, 0-100; open deals in the stage not set by hand follow it.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub probability: Option<u8>,
}

/// `stage move`.
#[derive(Debug, Args)]
pub struct StageMove {
    /// The stage (name or id).
    pub stage: String,
    /// Its new position on the board, from 1.
    #[arg(value_parser = from_one)]
    pub position: u64,
}

/// A board position: a whole number from 1.
fn from_one(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("positions count from 1 (the first one)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("not a position: give a whole number from 1".into()),
    }
}

/// `stage delete`.
#[derive(Debug, Args)]
pub struct StageDelete {
    /// The stage (name or id).
    pub stage: String,
    /// Where its deals go (name or id); required when it has any.
    #[arg(long, value_name = "STAGE")]
    pub move_to: Option<String>,
}

/// Lead-source commands. A source is named by its name, ignoring case, spaces, dashes and
/// underscores ("Web Site" is web_site).
#[derive(Debug, Subcommand)]
pub enum SourceCmd {
    /// List the lead sources with how many leads and deals carry each.
    #[command(alias = "ls")]
    List,
    /// Add a lead source.
    Add(SourceAdd),
    /// Rename a lead source; its leads and deals follow.
    Rename(SourceRename),
    /// Move a lead source to another position in the pickers.
    Move(SourceMove),
    /// Delete a lead source; its leads and deals move to --to first, or lose it with --clear.
    #[command(alias = "rm")]
    Delete(SourceDelete),
}

/// `source add`.
#[derive(Debug, Args)]
pub struct SourceAdd {
    /// The new source's name (unique).
    pub name: String,
    /// Position in the list, from 1 (default: the end).
    #[arg(long, value_parser = from_one)]
    pub position: Option<u64>,
}

/// `source rename`.
#[derive(Debug, Args)]
pub struct SourceRename {
    /// The source.
    pub source: String,
    /// Its new name (unique).
    pub name: String,
}

/// `source move`.
#[derive(Debug, Args)]
pub struct SourceMove {
    /// The source.
    pub source: String,
    /// Its new position, from 1.
    #[arg(value_parser = from_one)]
    pub position: u64,
}

/// `source delete`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("carrying").args(["to", "clear"])))]
pub struct SourceDelete {
    /// The source.
    pub source: String,
    /// Where its leads and deals go (another source); required when any carry it, unless --clear.
    #[arg(long, value_name = "SOURCE")]
    pub to: Option<String>,
    /// Leave its leads and deals without a source.
    #[arg(long)]
    pub clear: bool,
}

noun!(
    /// Product commands.
    ProductCmd, ProductAdd, ProductEdit, NoFilter
);

/// Optional product fields.
#[derive(Debug, Args, Default)]
pub struct ProductFields {
    /// Stock-keeping unit code.
    #[arg(long)]
    pub sku: Option<String>,
    /// Currency code (default USD).
    #[arg(long)]
    pub currency: Option<String>,
    /// Longer description.
    #[arg(long)]
    pub description: Option<String>,
    /// Whether it can be quoted (true or false).
    #[arg(long)]
    pub active: Option<bool>,
}

/// `product add`.
#[derive(Debug, Args)]
pub struct ProductAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
    /// Unit price, e.g. 49.90.
    #[arg(long)]
    pub price: String,
    #[command(flatten)]
    pub fields: ProductFields,
}

/// `product edit`.
#[derive(Debug, Args)]
pub struct ProductEdit {
    /// The product's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New unit price.
    #[arg(long)]
    pub price: Option<String>,
    #[command(flatten)]
    pub fields: ProductFields,
}

/// Quote commands: the standard verbs, written out because `show` takes a `--format`.
#[derive(Debug, Subcommand)]
pub enum QuoteCmd {
    /// Create one.
    Add(QuoteAdd),
    /// List them.
    #[command(alias = "ls")]
    List(QuoteList),
    /// Show one in full, with its lines and totals (--format md for a printable quote).
    Show(QuoteShow),
    /// Change fields of one (an empty value clears an optional field).
    Edit(QuoteEdit),
    /// Delete one (refused while other records need it).
    #[command(alias = "rm")]
    Delete(IdArg),
    /// Add a catalogue product as a line.
    Line(QuoteLineArgs),
}

/// `quote show`.
#[derive(Debug, Args)]
pub struct QuoteShow {
    /// The quote's id.
    pub id: Id,
    /// text: the table rolo prints; md: a Markdown quote to send or print (not with --json).
    #[arg(long, value_enum, default_value_t = QuoteFormat::Text)]
    pub format: QuoteFormat,
}

/// How `quote show` prints a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QuoteFormat {
    /// Aligned columns for the terminal.
    Text,
    /// Markdown: a title, the parties, a table of lines and the totals.
    Md,
}

/// `quote add`.
#[derive(Debug, Args)]
pub struct QuoteAdd {
    /// The opportunity quoted.
    #[arg(long)]
    pub opp: Id,
}

/// `quote edit`.
#[derive(Debug, Args)]
pub struct QuoteEdit {
    /// The quote's id.
    pub id: Id,
    /// draft, sent, accepted or rejected.
    #[arg(long)]
    pub status: Option<String>,
    /// Last day the offer holds.
    #[arg(long)]
    pub valid_until: Option<String>,
}

/// `quote list` filters.
#[derive(Debug, Args)]
pub struct QuoteList {
    /// Only quotes of this opportunity.
    #[arg(long)]
    pub opp: Option<Id>,
}

/// `quote line`.
#[derive(Debug, Args)]
pub struct QuoteLineArgs {
    /// The quote's id.
    pub quote: Id,
    /// The product's id.
    #[arg(long)]
    pub product: Id,
    /// How many units.
    #[arg(long)]
    pub qty: u32,
    /// Discount on the line, whole percent.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub discount: u8,
}

noun!(
    /// Task commands.
    TaskCmd, TaskAdd, TaskEdit, TaskList,
    /// Mark done.
    Done(IdArg),
    /// Open again.
    Reopen(IdArg)
);

/// Optional task fields.
#[derive(Debug, Args, Default)]
pub struct TaskFields {
    /// Due date: YYYY-MM-DD, today, tomorrow, a weekday, +3d, +2w.
    #[arg(long)]
    pub due: Option<String>,
    /// low, normal or high.
    #[arg(long)]
    pub priority: Option<String>,
    /// Related contact.
    #[arg(long)]
    pub contact: Option<Id>,
    /// Related account.
    #[arg(long)]
    pub account: Option<Id>,
    /// Related lead.
    #[arg(long)]
    pub lead: Option<Id>,
    /// Related opportunity.
    #[arg(long)]
    pub opp: Option<Id>,
    /// The project it belongs to.
    #[arg(long)]
    pub project: Option<Id>,
    /// Details.
    #[arg(long)]
    pub notes: Option<String>,
    /// Who does it (default: you).
    #[arg(long)]
    pub owner: Option<String>,
}

/// `task add`.
#[derive(Debug, Args)]
pub struct TaskAdd {
    /// What to do.
    #[arg(long)]
    pub title: String,
    #[command(flatten)]
    pub fields: TaskFields,
}

/// `task edit`.
#[derive(Debug, Args)]
pub struct TaskEdit {
    /// The task's id.
    pub id: Id,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub fields: TaskFields,
}

/// `task list` filters (default: open tasks).
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").multiple(false))]
pub struct TaskList {
    /// Open tasks due before today.
    #[arg(long, group = "which")]
    pub overdue: bool,
    /// Open tasks due today.
    #[arg(long, group = "which")]
    pub today: bool,
    /// Open tasks (the default).
    #[arg(long, group = "which")]
    pub open: bool,
    /// Done and cancelled tasks.
    #[arg(long, group = "which")]
    pub done: bool,
    /// Every task.
    #[arg(long, group = "which")]
    pub all: bool,
}

noun!(
    /// Call commands.
    CallCmd, CallLog, CallEdit, CallList,
    /// Log a call (the same as add).
    Log(CallLog)
);

/// `call log` / `call add`.
#[derive(Debug, Args)]
pub struct CallLog {
    /// Who was on the line.
    #[arg(long)]
    pub contact: Id,
    #[command(flatten)]
    pub fields: CallFields,
}

/// Optional call fields.
#[derive(Debug, Args, Default)]
pub struct CallFields {
    /// out (default) or in.
    #[arg(long)]
    pub direction: Option<String>,
    /// How long: 90s, 5m, 1h30m.
    #[arg(long)]
    pub duration: Option<String>,
    /// connected, voicemail, no-answer, busy or wrong-number.
    #[arg(long)]
    pub outcome: Option<String>,
    /// What was said.
    #[arg(long)]
    pub notes: Option<String>,
    /// When it started, YYYY-MM-DD HH:MM local time (default: now).
    #[arg(long)]
    pub at: Option<String>,
}

/// `call edit`.
#[derive(Debug, Args)]
pub struct CallEdit {
    /// The call's id.
    pub id: Id,
    #[command(flatten)]
    pub fields: CallFields,
}

/// `call list` filters.
#[derive(Debug, Args)]
pub struct CallList {
    /// Only calls with this contact.
    #[arg(long)]
    pub contact: Option<Id>,
    /// Only calls on or after this date.
    #[arg(long)]
    pub since: Option<String>,
}

noun!(
    /// Event commands.
    EventCmd, EventAdd, EventEdit, EventList
);

/// Optional event fields.
#[derive(Debug, Args, Default)]
pub struct EventFields {
    /// When it ends, YYYY-MM-DD HH:MM.
    #[arg(long)]
    pub end: Option<String>,
    /// Where.
    #[arg(long)]
    pub location: Option<String>,
    /// An attendee's contact id (repeat for several; replaces them on edit).
    #[arg(long = "contact")]
    pub contacts: Vec<Id>,
    /// Details.
    #[arg(long)]
    pub notes: Option<String>,
}

/// `event add`.
#[derive(Debug, Args)]
pub struct EventAdd {
    /// What it is.
    #[arg(long)]
    pub title: String,
    /// When it starts, YYYY-MM-DD HH:MM local time.
    #[arg(long)]
    pub start: String,
    #[command(flatten)]
    pub fields: EventFields,
}

/// `event edit`.
#[derive(Debug, Args)]
pub struct EventEdit {
    /// The event's id.
    pub id: Id,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    /// New start.
    #[arg(long)]
    pub start: Option<String>,
    #[command(flatten)]
    pub fields: EventFields,
}

/// `event list` filters.
#[derive(Debug, Args)]
pub struct EventList {
    /// Only events on or after this date (default: all).
    #[arg(long)]
    pub from: Option<String>,
}

/// `agenda`.
#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// The first day (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// How many days.
    #[arg(long, default_value_t = 1)]
    pub days: u32,
}

noun!(
    /// Project commands.
    ProjectCmd, ProjectAdd, ProjectEdit, NoFilter,
    /// Close a project, saying whether its goal was met.
    Done(ProjectDone)
);

/// Optional project fields.
#[derive(Debug, Args, Default)]
pub struct ProjectFields {
    /// The customer it is for.
    #[arg(long)]
    pub account: Option<Id>,
    /// What it should achieve.
    #[arg(long)]
    pub goal: Option<String>,
    /// active, on-hold or cancelled.
    #[arg(long)]
    pub status: Option<String>,
    /// Who leads it (default: you).
    #[arg(long)]
    pub owner: Option<String>,
}

/// `project add`.
#[derive(Debug, Args)]
pub struct ProjectAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
    /// Due date.
    #[arg(long)]
    pub due: String,
    #[command(flatten)]
    pub fields: ProjectFields,
}

/// `project edit`.
#[derive(Debug, Args)]
pub struct ProjectEdit {
    /// The project's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New due date.
    #[arg(long)]
    pub due: Option<String>,
    #[command(flatten)]
    pub fields: ProjectFields,
}

/// `project done`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("goal").required(true).multiple(false))]
pub struct ProjectDone {
    /// The project's id.
    pub id: Id,
    /// The goal was met.
    #[arg(long, group = "goal")]
    pub goal_met: bool,
    /// The goal was missed.
    #[arg(long, group = "goal")]
    pub goal_missed: bool,
}

noun!(
    /// Campaign commands.
    CampaignCmd, CampaignAdd, CampaignEdit, NoFilter
);

/// Optional campaign fields.
#[derive(Debug, Args, Default)]
pub struct CampaignFields {
    /// email, web, trade show...
    #[arg(long)]
    pub channel: Option<String>,
    /// What it may cost.
    #[arg(long)]
    pub budget: Option<String>,
    /// Currency code (default USD).
    #[arg(long)]
    pub currency: Option<String>,
    /// First day.
    #[arg(long)]
    pub start: Option<String>,
    /// Last day.
    #[arg(long)]
    pub end: Option<String>,
    /// planned, active, completed or cancelled.
    #[arg(long)]
    pub status: Option<String>,
}

/// `campaign add`.
#[derive(Debug, Args)]
pub struct CampaignAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub fields: CampaignFields,
}

/// `campaign edit`.
#[derive(Debug, Args)]
pub struct CampaignEdit {
    /// The campaign's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: CampaignFields,
}

noun!(
    /// Contact list commands.
    ListCmd, ListAdd, ListEdit, NoFilter,
    /// Put a contact on a list.
    Member(MemberArgs)
);

/// `list add`.
#[derive(Debug, Args)]
pub struct ListAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
}

/// `list edit`.
#[derive(Debug, Args)]
pub struct ListEdit {
    /// The list's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
}

/// `list member`.
#[derive(Debug, Args)]
pub struct MemberArgs {
    /// The list's id.
    pub list: Id,
    /// The contact's id.
    pub contact: Id,
}

noun!(
    /// Note commands.
    NoteCmd, NoteAdd, NoteEdit, NoteList
);

/// `note add`.
#[derive(Debug, Args)]
pub struct NoteAdd {
    /// The record: KIND:ID with KIND one of account, contact, lead, opp.
    #[arg(long)]
    pub to: String,
    /// The note.
    pub text: String,
}

/// `note edit`.
#[derive(Debug, Args)]
pub struct NoteEdit {
    /// The note's id.
    pub id: Id,
    /// The new text.
    pub text: String,
}

/// `note list` filters.
#[derive(Debug, Args)]
pub struct NoteList {
    /// Only notes on this record (KIND:ID).
    #[arg(long)]
    pub to: Option<String>,
}

/// `timeline`.
#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The record: KIND:ID, e.g. contact:12.
    pub record: String,
}

/// `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for; letters may be spread out (fuzzy).
    pub query: String,
    /// Only this kind: contact, account, lead or opp.
    #[arg(long)]
    pub kind: Option<String>,
    /// How many results at most.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

/// `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report: stages, tasks, calls, projects, emails, forecast, campaigns, activity.
    pub name: String,
    /// First day counted, YYYY-MM-DD (default: the first day of this month).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day counted, YYYY-MM-DD (default: twelve whole months from --from).
    #[arg(long)]
    pub to: Option<String>,
    /// Print the numbers as CSV, a header line then one line per period (not with --json).
    #[arg(long)]
    pub csv: bool,
    /// forecast: one row per month or per quarter (JSON always has both).
    #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
    pub by: PeriodArg,
    /// forecast: the best case counts open deals whose stage's default probability is at least
    /// this percentage.
    #[arg(long, value_name = "PERCENT", default_value_t = crate::crm::DEFAULT_BEST_CASE_MIN,
          value_parser = clap::value_parser!(u8).range(0..=100))]
    pub best_case_min: u8,
    /// forecast, stages, campaigns: report in this currency (default: the one most deals in range
    /// use); deals in other currencies are left out and counted.
    #[arg(long)]
    pub currency: Option<String>,
    /// emails: list the addresses of one cell, CONSENT[,VALIDITY] (either may be `any`), like
    /// `opted-in`, `any,bounced` or `opted-out,valid`.
    #[arg(long, value_name = "CONSENT[,VALIDITY]")]
    pub list: Option<String>,
}

/// The periods a report's rows stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeriodArg {
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many contacts; every other kind scales with it.
    #[arg(long, default_value_t = 200)]
    pub contacts: u32,
    /// The random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Add the data even if the database is not empty.
    #[arg(long)]
    pub force: bool,
}

/// `import`.
#[derive(Debug, Args)]
#[command(after_help = crate::import::columns::help())]
pub struct ImportArgs {
    /// What the file holds: contact, account, lead, opportunity (opp), task, call or product.
    pub kind: String,
    /// The file: CSV (comma, semicolon or tab separated; a header line names the columns), or
    /// for contacts vCard (.vcf, versions 2.1, 3.0 and 4.0).
    pub file: PathBuf,
    /// What the file is (default: from its extension, else from its first line).
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    /// Read column COLUMN as FIELD (e.g. --map "E-mail 1 - Value=email", --map Notes=ignore);
    /// repeat for more columns. Other columns are mapped from their headers.
    #[arg(long, value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// Check everything and report what would happen, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// What to do with a row that duplicates an existing record (same email, phone, or name at
    /// the same company).
    #[arg(long, value_enum, default_value_t = DuplicateArg::Skip)]
    pub on_duplicate: DuplicateArg,
    /// How the file writes dates, in strftime form (e.g. %d/%m/%Y); ISO and M/D/YYYY are read
    /// without it.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Read a file that is not UTF-8 as Latin-1 / Windows-1252.
    #[arg(long)]
    pub latin1: bool,
    /// Refuse the file for any value that does not fit its field (a date that is not one, an
    /// address without a domain). Without it such values are kept as written, in the record's
    /// note or marked invalid, each with a warning naming line and column.
    #[arg(long)]
    pub strict: bool,
}

/// `import --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// Comma, semicolon or tab separated values with a header line.
    Csv,
    /// vCards: contacts only.
    #[value(alias = "vcf")]
    Vcard,
}

/// `--on-duplicate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DuplicateArg {
    /// Leave the row out and report it.
    Skip,
    /// Add what the row brings (emails, phones, empty fields) to the existing record.
    Merge,
    /// Create the record anyway.
    Create,
}

/// `export`.
#[derive(Debug, Args)]
#[command(after_help = EXPORT_HELP)]
pub struct ExportArgs {
    /// What to export: contacts, accounts, leads, opps, tasks, events... (any kind, singular or
    /// plural).
    pub kind: String,
    /// The format (default: from the --out file's extension, else csv).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Write to FILE instead of stdout (refused if FILE exists, unless --force).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// What `rolo export --help` adds below the options.
const EXPORT_HELP: &str = "Formats: csv and json for every kind; vcard for contacts; ics for events and tasks \
(tasks without a due date are left out). A CSV of contacts, accounts or leads imports again with rolo import; \
cells that start like a spreadsheet formula (= + - @) are written with a leading ' that rolo import takes off.";

/// `export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON array, as `rolo --json KIND list` prints it.
    Json,
    /// vCard 4.0, one card per contact.
    #[value(alias = "vcf")]
    Vcard,
    /// iCalendar: a VEVENT per event, a VTODO per task with a due date.
    #[value(alias = "ical")]
    Ics,
}

/// `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist).
    pub file: PathBuf,
}

/// The follow-up cadences the model takes, as clap's range: the same bounds in both messages.
fn days_range() -> std::ops::RangeInclusive<i64> {
    let days = crate::model::FOLLOW_UP_DAYS;
    i64::from(*days.start())..=i64::from(*days.end())
}
