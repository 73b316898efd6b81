//! Whether a record passes a filter: each kind says what its fields hold ([`Filterable`]), and
//! a [`Context`] supplies what a term needs beyond the record (the names of the records it
//! links to), read once per record linked and kept for the rest of the pass.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::{Field, Filter, Test};
use crate::crm::Result;
use crate::model::{
    Account, Article, Call, Campaign, Case, Contact, ContactList, Date, Event, Id, Kind, Lead, Message, Note,
    Opportunity, Product, Project, Quote, Record, RecordRef, Stage, Task, Template, Timestamp,
};
use crate::store::Read;

/// What a field of one record holds, as a filter compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// Texts (any of them may match): a name, the emails, the labels.
    Texts(Vec<Cow<'a, str>>),
    /// One of a fixed set of words, when set.
    Word(Option<&'static str>),
    /// The record linked to, when set (a deal's stage).
    Id(Option<Id>),
    /// A number (days for dates, cents for money, seconds for durations), when set.
    Number(Option<i64>),
    /// Yes or no.
    Flag(bool),
}

/// What a record linked to is called and where it is: what `account:`, `contact:`, `country:`
/// terms read of the records a record points at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Linked {
    /// Its name (a person's full name, an account's name, a project's name).
    pub name: String,
    /// The account it belongs to (a contact's).
    pub account: Option<Id>,
    /// Its country (a person's first address naming one, an account's address).
    pub country: Option<String>,
    /// Its city, likewise.
    pub city: Option<String>,
}

/// Looks up records linked to: the names and places terms need beyond the record itself. Each
/// record is read once per context.
pub struct Context<'a> {
    fetch: Box<dyn Fn(RecordRef) -> Result<Option<Linked>> + 'a>,
    seen: RefCell<HashMap<RecordRef, Option<Rc<Linked>>>>,
    now: Timestamp,
}

impl<'a> Context<'a> {
    /// A context that reads linked records through `fetch`.
    pub fn new(fetch: impl Fn(RecordRef) -> Result<Option<Linked>> + 'a) -> Context<'a> {
        Context { fetch: Box::new(fetch), seen: RefCell::default(), now: Timestamp::default() }
    }

    /// The same context answering at `now` what depends on the time (a case's `breached`).
    pub fn at(self, now: Timestamp) -> Context<'a> {
        Context { now, ..self }
    }

    /// A context over the records of one snapshot.
    pub(crate) fn reading(r: &'a impl Read) -> Context<'a> {
        Context::new(move |target| {
            Ok(match target.kind {
                Kind::Contact => r.get::<Contact>(target.id)?.map(|c| Linked {
                    name: c.full_name(),
                    account: c.account,
                    country: c.country().map(str::to_string),
                    city: c.addresses.iter().find_map(|a| a.city.clone()),
                }),
                Kind::Account => r.get::<Account>(target.id)?.map(|a| Linked {
                    name: a.name,
                    account: Some(a.id),
                    country: a.address.country,
                    city: a.address.city,
                }),
                kind => crate::model::with_record_type!(kind, T => r.get::<T>(target.id)?.map(|x| x.label()))
                    .map(|name| Linked { name, ..Linked::default() }),
            })
        })
    }

    /// A context over records given whole (tests, and front ends that hold them already).
    pub fn of(records: impl IntoIterator<Item = (RecordRef, Linked)>) -> Context<'static> {
        let map: HashMap<RecordRef, Linked> = records.into_iter().collect();
        Context::new(move |r| Ok(map.get(&r).cloned()))
    }

    /// The record `kind:id` links to, when set and there.
    fn linked(&self, kind: Kind, id: Option<Id>) -> Result<Option<Rc<Linked>>> {
        let Some(id) = id else { return Ok(None) };
        let target = RecordRef::new(kind, id);
        if let Some(found) = self.seen.borrow().get(&target) {
            return Ok(found.clone());
        }
        let found = (self.fetch)(target)?.map(Rc::new);
        self.seen.borrow_mut().insert(target, found.clone());
        Ok(found)
    }

    /// The name of the record linked to, as a value.
    fn name(&self, kind: Kind, id: Option<Id>) -> Result<Value<'static>> {
        Ok(owned(self.linked(kind, id)?.map(|l| l.name.clone())))
    }

    /// What `field` (the account's name, the country, the city) reads through contact `id`.
    fn through_contact(&self, id: Id, field: Field) -> Result<Value<'static>> {
        let Some(c) = self.linked(Kind::Contact, Some(id))? else { return Ok(Value::Texts(Vec::new())) };
        Ok(match field {
            Field::Account => self.name(Kind::Account, c.account)?,
            Field::Country => owned(c.country.clone()),
            Field::City => owned(c.city.clone()),
            _ => owned(Some(c.name.clone())),
        })
    }
}

/// A record kind a filter can read: what each of its fields holds.
pub trait Filterable: Record {
    /// The value of `field` (one of the kind's [`super::fields`]), linked names read through
    /// `ctx`.
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>>;
}

impl Filter {
    /// Whether `record` passes every term (plain words are not checked here: the search that
    /// ranks by them decides, or [`Filter::matches_words`] for kinds not searched).
    pub fn matches<R: Filterable>(&self, record: &R, ctx: &Context) -> Result<bool> {
        for term in &self.terms {
            if passes(&term.test, &record.value(term.field, ctx)?) == term.negated {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether `text` holds every plain word (any case): how kinds the search does not index
    /// (tasks, calls, projects, products) are narrowed by words.
    pub fn matches_words(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        self.words.iter().all(|w| text.contains(&w.to_lowercase()))
    }
}

/// Whether `value` passes `test`.
fn passes(test: &Test, value: &Value) -> bool {
    match (test, value) {
        (Test::Contains(s), Value::Texts(ts)) => ts.iter().any(|t| t.to_lowercase().contains(s.as_str())),
        (Test::Is(s), Value::Texts(ts)) => ts.iter().any(|t| t.to_lowercase() == *s),
        (Test::StartsWith(s), Value::Texts(ts)) => ts.iter().any(|t| t.to_lowercase().starts_with(s.as_str())),
        (Test::Word(w), Value::Word(v)) => Some(*w) == *v,
        (Test::Id(i), Value::Id(v)) => Some(*i) == *v,
        (Test::In(r), Value::Number(Some(n))) => r.holds(*n),
        (Test::Flag(b), Value::Flag(v)) => b == v,
        _ => false,
    }
}

fn text(s: &str) -> Value<'_> {
    Value::Texts(vec![Cow::Borrowed(s)])
}

fn opt(s: &Option<String>) -> Value<'_> {
    Value::Texts(s.iter().map(|s| Cow::Borrowed(s.as_str())).collect())
}

fn owned(s: Option<String>) -> Value<'static> {
    Value::Texts(s.into_iter().map(Cow::Owned).collect())
}

fn texts<'r>(items: impl IntoIterator<Item = &'r str>) -> Value<'r> {
    Value::Texts(items.into_iter().map(Cow::Borrowed).collect())
}

fn date(d: Option<Date>) -> Value<'static> {
    Value::Number(d.map(|d| i64::from(d.days())))
}

/// An instant as the local day it fell on.
fn day(t: Option<Timestamp>) -> Value<'static> {
    date(t.map(Timestamp::local_date))
}

fn number(n: Option<impl Into<i64>>) -> Value<'static> {
    Value::Number(n.map(Into::into))
}

/// The value of a field no kind reads this way: nothing, which no term matches.
fn none() -> Value<'static> {
    Value::Texts(Vec::new())
}

impl Filterable for Contact {
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Account => ctx.name(Kind::Account, self.account)?,
            Field::Country => texts(self.addresses.iter().filter_map(|a| a.country.as_deref())),
            Field::City => texts(self.addresses.iter().filter_map(|a| a.city.as_deref())),
            Field::Tag => texts(self.tags.iter().map(String::as_str)),
            Field::Email => texts(self.emails.iter().map(|e| e.address.as_str())),
            Field::Consent => Value::Word(self.emails.first().map(|e| e.consent.word())),
            Field::Phone => texts(self.phones.iter().map(|p| p.number.as_str())),
            Field::Title => opt(&self.title),
            Field::Department => opt(&self.department),
            Field::LastActivity => day(self.last_activity),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Account {
    fn value<'r>(&'r self, field: Field, _: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Status => Value::Word(Some(self.status.word())),
            Field::Country => opt(&self.address.country),
            Field::City => opt(&self.address.city),
            Field::Tag => texts(self.tags.iter().map(String::as_str)),
            Field::Industry => opt(&self.industry),
            Field::Employees => number(self.employees),
            Field::Revenue => number(self.annual_revenue.map(|a| a.0)),
            Field::Email => opt(&self.email),
            Field::Phone => opt(&self.phone),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Lead {
    fn value<'r>(&'r self, field: Field, _: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Status => Value::Word(Some(self.status.word())),
            Field::Source => opt(&self.source),
            Field::Rating => Value::Word(self.rating.map(|r| r.word())),
            Field::Company => opt(&self.company),
            Field::Title => opt(&self.title),
            Field::Email => opt(&self.email),
            Field::Phone => opt(&self.phone),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Opportunity {
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Account => ctx.name(Kind::Account, Some(self.account))?,
            Field::Contact => ctx.name(Kind::Contact, self.contact)?,
            Field::Stage => Value::Id(Some(self.stage)),
            Field::Status => Value::Word(Some(self.status.word())),
            Field::Amount => number(Some(self.amount.0)),
            Field::Probability => number(Some(self.probability)),
            Field::Close => date(Some(self.close_date)),
            Field::NextStep => date(self.next_step_date),
            Field::Source => opt(&self.lead_source),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Task {
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            // The account it is about, or its contact's.
            Field::Account => match (self.account, self.contact) {
                (None, Some(c)) => ctx.through_contact(c, Field::Account)?,
                (account, _) => ctx.name(Kind::Account, account)?,
            },
            Field::Contact => ctx.name(Kind::Contact, self.contact)?,
            Field::Project => ctx.name(Kind::Project, self.project)?,
            Field::Deal => ctx.name(Kind::Opportunity, self.opportunity)?,
            Field::Status => Value::Word(Some(self.status.word())),
            Field::Priority => Value::Word(Some(self.priority.word())),
            Field::Due => date(self.due),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Case {
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Status => Value::Word(Some(self.status.word())),
            Field::Priority => Value::Word(Some(self.priority.word())),
            Field::Channel => Value::Word(self.channel.map(|c| c.word())),
            Field::Breached => Value::Flag(self.breached(ctx.now)),
            Field::Account => match (self.account, self.contact) {
                (None, Some(c)) => ctx.through_contact(c, Field::Account)?,
                (account, _) => ctx.name(Kind::Account, account)?,
            },
            Field::Contact => ctx.name(Kind::Contact, self.contact)?,
            Field::Product => ctx.name(Kind::Product, self.product)?,
            Field::Team => opt(&self.team),
            Field::Due => day(self.sla_due),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Article {
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Product => ctx.name(Kind::Product, self.product)?,
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Call {
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Outcome => Value::Word(Some(self.outcome.word())),
            Field::Direction => Value::Word(Some(self.direction.word())),
            Field::Contact | Field::Account | Field::Country | Field::City => {
                ctx.through_contact(self.contact, field)?
            }
            Field::Time => day(Some(self.started_at)),
            Field::Duration => number(Some(self.duration_secs)),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Project {
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Account => ctx.name(Kind::Account, self.account)?,
            Field::Status => Value::Word(Some(self.status.word())),
            Field::Due => date(Some(self.due)),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Product {
    fn value<'r>(&'r self, field: Field, _: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Sku => opt(&self.sku),
            Field::Price => number(Some(self.price.0)),
            Field::Active => Value::Flag(self.active),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Quote {
    fn value<'r>(&'r self, field: Field, ctx: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Deal => ctx.name(Kind::Opportunity, Some(self.opportunity))?,
            Field::Status => Value::Word(Some(self.status.word())),
            Field::Number => text(&self.number),
            Field::Valid => date(self.valid_until),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Event {
    fn value<'r>(&'r self, field: Field, _: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Start => day(Some(self.start)),
            Field::Location => opt(&self.location),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

impl Filterable for Campaign {
    fn value<'r>(&'r self, field: Field, _: &Context) -> Result<Value<'r>> {
        Ok(match field {
            Field::Owner => text(&self.owner),
            Field::Status => Value::Word(Some(self.status.word())),
            Field::Channel => opt(&self.channel),
            Field::Budget => number(self.budget.map(|a| a.0)),
            Field::Start => date(self.start),
            Field::End => date(self.end),
            Field::Created => day(Some(self.created)),
            _ => none(),
        })
    }
}

/// Kinds filtered by words only (their table of fields is empty).
macro_rules! no_fields {
    ($($t:ty),+) => {$(
        impl Filterable for $t {
            fn value<'r>(&'r self, _: Field, _: &Context) -> Result<Value<'r>> {
                Ok(none())
            }
        }
    )+};
}
no_fields!(Stage, ContactList, Note, Template, Message);
