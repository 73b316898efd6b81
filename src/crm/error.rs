//! Why a service call failed: one variant per kind of refusal, each message naming the record or
//! field and what to do, so front ends print it as it is and scripts can match on the kind.

use super::undo::UndoRefusal;
use super::{FilterError, import};
use crate::model::{Id, RecordRef, StageOutcome, ValidationError};
use crate::store::StoreError;

/// Why a command or query failed. Each message names the record or field and what to do.
#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    /// No record with that id, or none the actor may read (the two are never told apart).
    #[error("no {kind} {id} ({0} does not exist): check the id (rolo {noun} list)", kind = .0.kind, id = .0.id, noun = command_noun(.0.kind))]
    NotFound(RecordRef),
    /// The session's user is not a user of the database.
    #[error(
        "'{0}' is not a rolo user of this database: an admin adds one with `rolo user add {0} --name NAME` \
         (locally, rolo acts as the user named after your OS account, or given --os-user)"
    )]
    UnknownUser(String),
    /// The session's user is disabled.
    #[error("{0} is disabled: ask an admin to enable the user again (rolo user edit {0} --active yes)")]
    Disabled(String),
    /// The actor's role lacks a right.
    #[error("{who} may not {what}: ask an admin for the {right} right", what = right_action(*.right))]
    NoRight {
        /// "ann (rep)".
        who: String,
        /// The right missing.
        right: crate::model::Right,
    },
    /// Only an admin may do this.
    #[error("{who} may not {what}: only an admin may")]
    NotAdmin {
        /// "ann (rep)".
        who: String,
        /// What was asked: "act as bob".
        what: String,
    },
    /// The actor's level does not reach the record.
    #[error("{}", forbidden(who, *act, *kind, *record, owner.as_deref()))]
    Forbidden {
        /// "ann (rep)".
        who: String,
        /// What was refused.
        act: crate::model::Act,
        /// The kind of record.
        kind: crate::model::Kind,
        /// The record (none for a create).
        record: Option<RecordRef>,
        /// Its owner, when someone else.
        owner: Option<String>,
    },
    /// A field is wrong.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Other records still need this one.
    #[error("{} {name} ({record}) is still used by {by}: delete or re-link those first", .record.kind)]
    InUse {
        /// The record that was to be deleted.
        record: RecordRef,
        /// How people name it.
        name: String,
        /// What uses it, e.g. "3 calls, 1 opportunity".
        by: String,
    },
    /// The record was written by someone else since the version a save was based on: saving
    /// would overwrite their change unseen.
    #[error(
        "{kind} {id} was changed meanwhile by {by}: reload it, then save again",
        kind = .record.kind, id = .record.id
    )]
    Stale {
        /// The record saved.
        record: RecordRef,
        /// Who wrote its newer version, as shown (their name, or their login).
        by: String,
    },
    /// The record was deleted by someone else since a save's form read it.
    #[error(
        "{kind} {id} was deleted meanwhile by {by}: nothing was saved (copy what you typed, then Esc)",
        kind = .record.kind, id = .record.id
    )]
    Deleted {
        /// The record saved.
        record: RecordRef,
        /// Who deleted it, as shown (their name, or their login).
        by: String,
    },
    /// A converted lead is read-only: the records it became are edited instead.
    #[error("lead {lead} was converted into {into}: it stays as it was; edit those instead")]
    ConvertedLead {
        /// The lead's id.
        lead: Id,
        /// What it became: "Li Wang at Ōsaka Trading".
        into: String,
    },
    /// The command asks for the state the record is already in (a task done twice).
    #[error("{record} is already {state}")]
    Already {
        /// The record, as people name it: "the task Call Ann", "project 3".
        record: String,
        /// The state it is in: "done", "won", "on the list 'Newsletter'".
        state: String,
    },
    /// Converting a lead a second time.
    #[error("lead {lead} was already converted (account {account}, contact {contact}): nothing to do")]
    AlreadyConverted {
        /// The lead.
        lead: Id,
        /// The account it became part of.
        account: Id,
        /// The contact it became.
        contact: Id,
    },
    /// An accepted quote is read-only, and kept, until moved back to draft.
    #[error("quote {quote} is accepted: move it back to draft to {how}")]
    QuoteAccepted {
        /// The quote's number.
        quote: String,
        /// What was refused and the way out: "edit it (rolo quote edit 3 --status draft)".
        how: String,
    },
    /// The pipeline has no stage with an outcome a command needs.
    #[error("there is no {outcome} stage: add one first")]
    NoStage {
        /// The outcome: open, won or lost.
        outcome: StageOutcome,
    },
    /// The last stage of an outcome cannot go: the pipeline needs one of each.
    #[error("{stage} is the last {outcome} stage and the pipeline needs one: add another {outcome} stage first")]
    LastStage {
        /// The stage's name.
        stage: String,
        /// Its outcome.
        outcome: StageOutcome,
    },
    /// A stage still holding deals cannot go without saying where they move.
    #[error("{deals} in stage {stage}: pass --move-to STAGE to move them there first")]
    StageInUse {
        /// The stage's name.
        stage: String,
        /// "1 deal is", "3 deals are".
        deals: String,
    },
    /// The last lead source cannot go.
    #[error("'{name}' is the last lead source: add another before removing it")]
    LastSource {
        /// The source, as spoken.
        name: String,
    },
    /// An entry of a picklist carried by records cannot go without saying what they get instead.
    #[error("'{name}' is the {field} of {carriers}: say where they go (--to {option}) or take it off them (--clear)")]
    PickInUse {
        /// The entry, as spoken.
        name: String,
        /// The field that carries it: "source", "competitor".
        field: &'static str,
        /// "2 leads and 1 deal".
        carriers: String,
        /// The option naming another entry: "SOURCE".
        option: String,
    },
    /// Nothing by that name.
    #[error("there is no {what} '{name}': {hint}")]
    NoSuch {
        /// What was named: "team".
        what: &'static str,
        /// The name given.
        name: String,
        /// The way on: "rolo team add \"East\"".
        hint: String,
    },
    /// The built-in roles are fixed.
    #[error("{0} is a built-in role and stays as it is: copy it (rolo role copy {0} NAME) and change the copy")]
    BuiltInRole(String),
    /// A name that must be unique is taken.
    #[error("there is already a {kind} '{name}': pick another name")]
    DuplicateName {
        /// What is named: "lead source".
        kind: &'static str,
        /// The name as it is already spelled.
        name: String,
    },
    /// No list, template or campaign has that name.
    #[error("no {kind} is named '{name}': check the name (rolo {kind} list) or give its id")]
    NoSuchName {
        /// What was named: "list".
        kind: &'static str,
        /// The name given.
        name: String,
    },
    /// Several records have the name given.
    #[error("{count} {kind}s are named '{name}': give the id instead (rolo {kind} list)")]
    SameName {
        /// What was named: "list".
        kind: &'static str,
        /// The name given.
        name: String,
        /// How many have it.
        count: usize,
    },
    /// Mail could not be sent: no sender or server, or the server refused; says how to fix it.
    #[error("{0}")]
    Mail(String),
    /// A merge would leave links to the record it removes; nothing was changed.
    #[error("{record} is still linked from {by} after the merge: nothing was changed")]
    StillLinked {
        /// The record merged away.
        record: RecordRef,
        /// What still links to it.
        by: String,
    },
    /// The demo refuses a database that already holds records.
    #[error(
        "the database {path} already holds {records} records: use an empty file (--db), or --force to add demo data anyway"
    )]
    NotEmpty {
        /// The database file.
        path: String,
        /// How many records it holds.
        records: u64,
    },
    /// A sum is beyond what rolo counts (amounts in cents overflow).
    #[error("{what} is larger than rolo can count: check {check}")]
    TooLarge {
        /// What was being summed: "the forecast for May 2026".
        what: String,
        /// Where to look: "the amounts it adds up".
        check: String,
    },
    /// The contact asked not to be called.
    #[error("{name} asked not to be called (do not call)")]
    DoNotCall {
        /// The contact's name.
        name: String,
    },
    /// An edit held in a front end cannot be saved until fixed.
    #[error("not saved: {why}")]
    NotSaved {
        /// What to fix.
        why: String,
    },
    /// A file to import cannot be read or mapped.
    #[error(transparent)]
    Import(Box<crate::import::ImportError>),
    /// The search index could not be built.
    #[error("the search index failed to load: try again, or run rolo check")]
    SearchFailed,
    /// A filter could not be read.
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// This session has made no change that can still be undone.
    #[error(
        "nothing to undo: this session's changes are undone already, or it made none (imports and demo data are not undone: delete those records instead)"
    )]
    NothingToUndo,
    /// The last change cannot be undone (see the reason).
    #[error(transparent)]
    Undo(#[from] UndoRefusal),
    /// Lines of an import are wrong; nothing was written.
    #[error("{}", import::refusal(.0))]
    Rejected(Vec<import::RowProblem>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a right lets its holder do, as refusals say it.
fn right_action(right: crate::model::Right) -> &'static str {
    use crate::model::Right;
    match right {
        Right::Export => "export records",
        Right::Import => "import records",
        Right::Assign => "give records to another owner",
        Right::Settings => "change the settings",
        Right::Send => "send campaign mail",
    }
}

/// "ann (rep) may not edit contact 12, owned by bob: ask a manager".
fn forbidden(
    who: &str,
    act: crate::model::Act,
    kind: crate::model::Kind,
    record: Option<RecordRef>,
    owner: Option<&str>,
) -> String {
    let what = match record {
        Some(r) => format!("{act} {} {}", r.kind, r.id),
        None => format!("create {}", kind.plural()),
    };
    match owner {
        Some(owner) => format!("{who} may not {what}, owned by {owner}: ask a manager"),
        None => format!("{who} may not {what}: ask a manager"),
    }
}

/// The command-line noun that lists records of `kind` (knowledge articles are `rolo kb`).
fn command_noun(kind: crate::model::Kind) -> &'static str {
    match kind {
        crate::model::Kind::Article => "kb",
        k => k.name(),
    }
}
