//! Plain data: every kind of record rolo keeps, the values they hold, and their validation.
//!
//! Nothing here does I/O, draws anything or knows redb: the store, the service and the front ends
//! all build on these types.

mod activity;
mod audit;
mod company;
mod dates;
mod marketing;
pub mod merge;
mod network;
mod people;
mod sales;
mod service;
pub mod texts;
mod users;
mod values;

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use activity::{
    Call, CallDirection, CallOutcome, Event, GoalMet, Priority, Project, ProjectStatus, Task, TaskStatus,
};
pub use audit::{AuditAction, AuditEntry, BulkCreation, Change};
pub use company::{Account, AccountStatus, Address, Note};
pub use dates::{DateFormat, Dates, WEEKDAYS, week_start_named, weekday_name};
pub use marketing::{Campaign, CampaignStatus, ContactList, Delivery, Message, Response, Template};
pub use network::{Network, Step};
pub use people::{
    Consent, Contact, DEFAULT_LEAD_SOURCES, Email, FOLLOW_UP_DAYS, Lead, LeadConversion, LeadStatus, Phone, Picklist,
    Rating, Validity, check_kept_address, check_phone, source_key,
};
pub use sales::{
    DEFAULT_STAGES, Opportunity, OpportunityStatus, Product, Quota, QuotaHolder, QuotaPeriod, Quote, QuoteLine,
    QuoteStatus, QuoteTotals, Stage, StageOutcome,
};
pub use service::{
    Article, Case, CasePriority, CaseStatus, Channel, Comment, ServiceSettings, Span, case_number, parse_case_number,
    span_words,
};
pub use users::{
    Act, Directory, LOGIN_MAX, Level, Levels, Prefs, Right, Role, User, check_login, login_from, role_kinds,
};
pub use values::{Amount, Currency, Date, Timestamp, format_duration, parse_duration};

/// A record's number, unique within its kind, never reused.
pub type Id = u64;

/// Every kind of record, with a stable one-byte code used in keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Account = 1,
    Contact = 2,
    Lead = 3,
    Opportunity = 4,
    Stage = 5,
    Product = 6,
    Quote = 7,
    Task = 8,
    Call = 9,
    Event = 10,
    Project = 11,
    Campaign = 12,
    #[serde(rename = "list")]
    ContactList = 13,
    Note = 14,
    /// An email template.
    Template = 15,
    /// An email sent or written to a contact.
    Email = 16,
    /// A customer service case.
    Case = 17,
    /// A knowledge article: the answer to a problem.
    Article = 18,
}

impl Kind {
    /// Every kind, in code order.
    pub const ALL: [Kind; 18] = [
        Kind::Account,
        Kind::Contact,
        Kind::Lead,
        Kind::Opportunity,
        Kind::Stage,
        Kind::Product,
        Kind::Quote,
        Kind::Task,
        Kind::Call,
        Kind::Event,
        Kind::Project,
        Kind::Campaign,
        Kind::ContactList,
        Kind::Note,
        Kind::Template,
        Kind::Email,
        Kind::Case,
        Kind::Article,
    ];

    /// Whether its records have an owner of their own: all but stages, products, lists,
    /// templates and knowledge articles, which everyone shares, and quotes, which follow their deal.
    pub fn has_owner(self) -> bool {
        !matches!(self, Kind::Stage | Kind::Product | Kind::ContactList | Kind::Template | Kind::Article | Kind::Quote)
    }

    /// The one-byte code kept in keys.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind for a code read back from a key.
    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The word used on the command line and in JSON (`opp` is accepted for opportunity).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::Contact => "contact",
            Kind::Lead => "lead",
            Kind::Opportunity => "opportunity",
            Kind::Stage => "stage",
            Kind::Product => "product",
            Kind::Quote => "quote",
            Kind::Task => "task",
            Kind::Call => "call",
            Kind::Event => "event",
            Kind::Project => "project",
            Kind::Campaign => "campaign",
            Kind::ContactList => "list",
            Kind::Note => "note",
            Kind::Template => "template",
            Kind::Email => "email",
            Kind::Case => "case",
            Kind::Article => "article",
        }
    }

    /// The plural, for messages such as "3 contacts".
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Opportunity => "opportunities",
            Kind::ContactList => "lists",
            Kind::Account => "accounts",
            Kind::Contact => "contacts",
            Kind::Lead => "leads",
            Kind::Stage => "stages",
            Kind::Product => "products",
            Kind::Quote => "quotes",
            Kind::Task => "tasks",
            Kind::Call => "calls",
            Kind::Event => "events",
            Kind::Project => "projects",
            Kind::Campaign => "campaigns",
            Kind::Note => "notes",
            Kind::Template => "templates",
            Kind::Email => "emails",
            Kind::Case => "cases",
            Kind::Article => "articles",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Kind, String> {
        let s = s.trim().to_lowercase();
        if matches!(s.as_str(), "opp" | "opps" | "deal") {
            return Ok(Kind::Opportunity);
        }
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s || k.plural() == s)
            .ok_or_else(|| format!("'{s}' is not a kind of record: use account, contact, lead, opp, task, ..."))
    }
}

/// A pointer to one record of any kind, written `kind:id` (`contact:12`, `opp:3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    /// The kind of the record.
    pub kind: Kind,
    /// Its number within the kind.
    pub id: Id,
}

impl RecordRef {
    /// A reference to record `id` of `kind`.
    pub fn new(kind: Kind, id: Id) -> RecordRef {
        RecordRef { kind, id }
    }
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.id)
    }
}

impl FromStr for RecordRef {
    type Err = String;
    fn from_str(s: &str) -> Result<RecordRef, String> {
        let (kind, id) =
            s.split_once(':').ok_or_else(|| format!("'{s}' is not a record: write KIND:ID, e.g. contact:12"))?;
        let id =
            id.trim().parse().map_err(|_| format!("'{id}' is not a record number: write KIND:ID, e.g. contact:12"))?;
        Ok(RecordRef::new(kind.parse()?, id))
    }
}

/// A field whose value is not acceptable, and why: always names the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The field, as named on the command line and in forms.
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl ValidationError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> ValidationError {
        ValidationError { field: field.into(), message: message.into() }
    }
}

/// One pointer from a record to another, as the service checks and indexes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// The field that holds the pointer.
    pub field: &'static str,
    /// The record pointed at.
    pub target: RecordRef,
    /// What deleting the target does to the record holding this link.
    pub on_delete: OnDelete,
}

/// What happens to a record when a record it links to is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// The delete is refused while this record exists (a call keeps its contact).
    Refuse,
    /// The link is cleared (a task loses its account).
    Unlink,
    /// This record goes too (a note on a deleted contact).
    Cascade,
}

/// What every stored record offers the store and the service.
pub trait Record: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The kind of this record type.
    const KIND: Kind;
    /// Its number (0 until the store assigns one).
    fn id(&self) -> Id;
    /// Sets the number; the store calls this once, on create.
    fn set_id(&mut self, id: Id);
    /// When it was created and when it last changed.
    fn times(&self) -> (Timestamp, Timestamp);
    /// The same two times, to set.
    fn times_mut(&mut self) -> (&mut Timestamp, &mut Timestamp);
    /// Records when it was created (on the first save) and last changed.
    fn touch(&mut self, now: Timestamp) {
        let (created, updated) = self.times_mut();
        if *created == Timestamp::default() {
            *created = now;
        }
        *updated = now;
    }
    /// The owner field, for records that have one.
    fn owner_mut(&mut self) -> Option<&mut String> {
        None
    }
    /// The owner's login, for records that have one.
    fn owner(&self) -> Option<&str> {
        None
    }
    /// The record this one is about, whose readers may read it too: an activity's deal, else its
    /// contact, lead, account or project; a note's record; a quote's deal.
    fn about(&self) -> Option<RecordRef> {
        if !matches!(Self::KIND, Kind::Task | Kind::Call | Kind::Event | Kind::Email | Kind::Note | Kind::Quote) {
            return None;
        }
        let rank = |k: Kind| {
            [Kind::Opportunity, Kind::Contact, Kind::Lead, Kind::Account, Kind::Project].iter().position(|x| *x == k)
        };
        self.links().into_iter().map(|l| l.target).min_by_key(|t| rank(t.kind).unwrap_or(usize::MAX))
    }
    /// The free labels, for records that have them.
    fn tags_mut(&mut self) -> Option<&mut Vec<String>> {
        None
    }
    /// The name picked from `list`, for records that carry one (a lead's or deal's source, a
    /// deal's competitor): the service checks it against the database's list and spells it as
    /// the list does.
    fn picked_mut(&mut self, list: Picklist) -> Option<&mut Option<String>> {
        let _ = list;
        None
    }
    /// The name picked from `list`, if the kind carries one and it is set.
    fn picked(&self, list: Picklist) -> Option<&str> {
        let _ = list;
        None
    }
    /// The lead source, if the kind has one and it is set.
    fn lead_source(&self) -> Option<&str> {
        self.picked(Picklist::LeadSources)
    }
    /// Checks the record's own fields.
    fn validate(&self) -> Result<(), ValidationError>;
    /// The records it points to.
    fn links(&self) -> Vec<Link> {
        Vec::new()
    }
    /// Drops an optional pointer to `target` (the target is being deleted).
    fn unlink(&mut self, _target: RecordRef) {}
    /// Leaves out of the lists it holds (a list's members, an event's attendees) the records
    /// `seen` says the reader may not see.
    fn hide(&mut self, _seen: &dyn Fn(RecordRef) -> bool) {}
    /// Puts back into those lists what `old` held that the writer could not see: a change by
    /// someone who saw only part of a list keeps the rest.
    fn keep_hidden(&mut self, _old: &Self, _seen: &dyn Fn(RecordRef) -> bool) {}
    /// Points at contact `to` wherever it pointed at contact `from`: two people are being merged
    /// into one, and everything about either stays with the one kept.
    fn relink_contact(&mut self, _from: Id, _to: Id) {}
    /// A short human name: a person's full name, an account's name, a task's title.
    fn label(&self) -> String;
    /// Text the fuzzy search matches this record by (its name first), for the kinds that are
    /// searched: accounts, contacts, leads, opportunities.
    fn search_text(&self) -> Option<String> {
        None
    }
    /// The account this record belongs to, whose name joins its search text.
    fn account(&self) -> Option<Id> {
        None
    }
    /// A pointer to this record.
    fn record_ref(&self) -> RecordRef {
        RecordRef::new(Self::KIND, self.id())
    }
}

/// The fields several kinds share (owner, labels), reachable without knowing the kind: bulk
/// actions on marked rows use it.
pub trait RecordFields {
    /// The owner, when the kind has one.
    fn owner_field(&mut self) -> Option<&mut String>;
    /// The labels, when the kind has them.
    fn tags_field(&mut self) -> Option<&mut Vec<String>>;
}

impl<R: Record> RecordFields for R {
    fn owner_field(&mut self) -> Option<&mut String> {
        self.owner_mut()
    }
    fn tags_field(&mut self) -> Option<&mut Vec<String>> {
        self.tags_mut()
    }
}

/// The contact ids of `list` that `seen` accepts.
pub(crate) fn seen_contacts(list: &mut Vec<Id>, seen: &dyn Fn(RecordRef) -> bool) {
    list.retain(|&id| seen(RecordRef::new(Kind::Contact, id)));
}

/// Puts back into `list` the contact ids of `old` that `seen` refuses, where they stood: the
/// ids `old` held in its order (those still in `list`, and the unseen), then the new ones.
pub(crate) fn keep_unseen_contacts(list: &mut Vec<Id>, old: &[Id], seen: &dyn Fn(RecordRef) -> bool) {
    let unseen = |id: Id| !seen(RecordRef::new(Kind::Contact, id));
    if !old.iter().any(|&id| unseen(id) && !list.contains(&id)) {
        return;
    }
    let mut kept: Vec<Id> = old.iter().copied().filter(|id| list.contains(id) || unseen(*id)).collect();
    kept.extend(list.iter().copied().filter(|id| !old.contains(id)));
    *list = kept;
}

/// Sets `slot` to `to` where it held `from`.
pub(crate) fn swap_id(slot: &mut Id, from: Id, to: Id) {
    if *slot == from {
        *slot = to;
    }
}

/// Replaces `from` by `to` in a list of ids, keeping each id once.
pub(crate) fn swap_in_list(list: &mut Vec<Id>, from: Id, to: Id) {
    if list.contains(&from) {
        list.retain(|&id| id != from);
        if !list.contains(&to) {
            list.push(to);
        }
    }
}

/// Runs `$body` with `$T` standing for the record type of `$kind`: the one place that maps a
/// runtime kind to its Rust type.
macro_rules! with_record_type {
    ($kind:expr, $T:ident => $body:expr) => {{
        use $crate::model::Kind as K;
        match $kind {
            K::Account => {
                type $T = $crate::model::Account;
                $body
            }
            K::Contact => {
                type $T = $crate::model::Contact;
                $body
            }
            K::Lead => {
                type $T = $crate::model::Lead;
                $body
            }
            K::Opportunity => {
                type $T = $crate::model::Opportunity;
                $body
            }
            K::Stage => {
                type $T = $crate::model::Stage;
                $body
            }
            K::Product => {
                type $T = $crate::model::Product;
                $body
            }
            K::Quote => {
                type $T = $crate::model::Quote;
                $body
            }
            K::Task => {
                type $T = $crate::model::Task;
                $body
            }
            K::Call => {
                type $T = $crate::model::Call;
                $body
            }
            K::Event => {
                type $T = $crate::model::Event;
                $body
            }
            K::Project => {
                type $T = $crate::model::Project;
                $body
            }
            K::Campaign => {
                type $T = $crate::model::Campaign;
                $body
            }
            K::ContactList => {
                type $T = $crate::model::ContactList;
                $body
            }
            K::Note => {
                type $T = $crate::model::Note;
                $body
            }
            K::Template => {
                type $T = $crate::model::Template;
                $body
            }
            K::Email => {
                type $T = $crate::model::Message;
                $body
            }
            K::Case => {
                type $T = $crate::model::Case;
                $body
            }
            K::Article => {
                type $T = $crate::model::Article;
                $body
            }
        }
    }};
}
pub(crate) use with_record_type;

/// Implements the id and timestamp plumbing for a record struct with `id`, `created`, `updated`.
macro_rules! record_basics {
    (owner) => {
        $crate::model::record_basics!();
        fn owner_mut(&mut self) -> Option<&mut String> {
            Some(&mut self.owner)
        }
        fn owner(&self) -> Option<&str> {
            Some(&self.owner)
        }
    };
    (owner, tags) => {
        $crate::model::record_basics!(owner);
        fn tags_mut(&mut self) -> Option<&mut Vec<String>> {
            Some(&mut self.tags)
        }
    };
    () => {
        fn id(&self) -> $crate::model::Id {
            self.id
        }
        fn set_id(&mut self, id: $crate::model::Id) {
            self.id = id;
        }
        fn times(&self) -> ($crate::model::Timestamp, $crate::model::Timestamp) {
            (self.created, self.updated)
        }
        fn times_mut(&mut self) -> (&mut $crate::model::Timestamp, &mut $crate::model::Timestamp) {
            (&mut self.created, &mut self.updated)
        }
    };
}
use record_basics;

/// A link held in an optional field, if set.
fn link_opt(field: &'static str, kind: Kind, id: Option<Id>) -> Option<Link> {
    id.map(|id| Link { field, target: RecordRef::new(kind, id), on_delete: OnDelete::Unlink })
}

/// A link held in a required field: the target cannot be deleted while this record exists.
fn link_req(field: &'static str, kind: Kind, id: Id) -> Link {
    Link { field, target: RecordRef::new(kind, id), on_delete: OnDelete::Refuse }
}

/// A link to the record this one belongs to: it is deleted with its target.
fn link_owned(field: &'static str, target: RecordRef) -> Link {
    Link { field, target, on_delete: OnDelete::Cascade }
}

/// Clears `slot` when it points at `target` of `kind`.
fn clear_if(slot: &mut Option<Id>, kind: Kind, target: RecordRef) {
    if target.kind == kind && *slot == Some(target.id) {
        *slot = None;
    }
}

/// Fails when a required text field is empty or blank.
fn require(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() { Err(ValidationError::new(field, "is required: give it a value")) } else { Ok(()) }
}

/// Fails when text is longer than `max` characters (keeps records and screens sane).
fn max_len(field: &str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.chars().count() > max {
        Err(ValidationError::new(field, format!("is longer than {max} characters: shorten it")))
    } else {
        Ok(())
    }
}

/// Checks an email address's syntax: RFC 5322 and a dotted domain, as mail on the internet needs.
pub fn check_email(address: &str) -> Result<(), ValidationError> {
    let a = address.trim();
    let dotted = a.rsplit_once('@').is_some_and(|(_, d)| d.contains('.') && !d.ends_with('.'));
    if email_address::EmailAddress::is_valid(a) && dotted && !a.contains(char::is_whitespace) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "email",
            format!("'{a}' is not a valid email address: write it like name@example.com"),
        ))
    }
}

/// Checks a whole percentage.
fn check_percent(field: &str, value: u8) -> Result<(), ValidationError> {
    if value > 100 {
        Err(ValidationError::new(field, format!("{value} is not a percentage: use 0 to 100")))
    } else {
        Ok(())
    }
}

/// Checks that an amount is not negative.
fn non_negative(field: &str, value: Amount) -> Result<(), ValidationError> {
    if value.0 < 0 {
        Err(ValidationError::new(field, format!("{value} is negative: amounts are 0 or more")))
    } else {
        Ok(())
    }
}

/// Defines a plain enum stored by index and written in snake_case, with parsing that lists the
/// accepted words in its error.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word used on the command line and in JSON.
            pub fn word(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        /// As people read it: the word with spaces (`no answer`); JSON and files keep [`word`](Self::word).
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                for c in self.word().chars() {
                    std::fmt::Write::write_char(f, if c == '_' { ' ' } else { c })?;
                }
                Ok(())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let norm: String = s.trim().to_lowercase().chars()
                    .map(|c| if c == ' ' || c == '_' { '-' } else { c }).collect();
                $name::ALL.iter().copied()
                    .find(|v| v.word().replace('_', "-") == norm)
                    .ok_or_else(|| $crate::model::ValidationError::new(
                        $field,
                        format!("'{}' is not one of: {}", s.trim(),
                            $name::ALL.iter().map(|v| v.word()).collect::<Vec<_>>().join(", ")),
                    ))
            }
        }
    };
}
use word_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_refs_parse() {
        assert_eq!("contact:12".parse::<RecordRef>().unwrap(), RecordRef::new(Kind::Contact, 12));
        assert_eq!("opp:3".parse::<RecordRef>().unwrap(), RecordRef::new(Kind::Opportunity, 3));
        assert!("contact".parse::<RecordRef>().is_err());
        assert!("ship:1".parse::<RecordRef>().is_err());
        assert!("contact:x".parse::<RecordRef>().is_err());
    }

    #[test]
    fn kind_codes_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(k));
            assert_eq!(k.name().parse::<Kind>().unwrap(), k);
        }
    }

    #[test]
    fn emails() {
        assert!(check_email("ann@example.com").is_ok());
        assert!(check_email("o'neil+crm@mail.example.co.uk").is_ok());
        assert!(check_email("ann@example").is_err());
        assert!(check_email("ann example.com").is_err());
        assert!(check_email("@example.com").is_err());
        assert!(check_email("").is_err());
    }

    #[test]
    fn word_enums_parse_loosely_and_name_the_choices() {
        assert_eq!("No Answer".parse::<CallOutcome>().unwrap(), CallOutcome::NoAnswer);
        assert_eq!("no-answer".parse::<CallOutcome>().unwrap(), CallOutcome::NoAnswer);
        let err = "maybe".parse::<CallOutcome>().unwrap_err();
        assert_eq!(err.field, "outcome");
        assert!(err.message.contains("voicemail"), "{err}");
    }
}
