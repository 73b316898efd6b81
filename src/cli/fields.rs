//! Turning command-line text into record fields. Shared by `add` and `edit`: a flag left out keeps
//! the field; a flag given empty clears an optional field.

use super::activity::{CallFields, EventFields, ProjectFields, TaskFields};
use super::marketing::CampaignFields;
use super::people::{AccountFields, ContactFields};
use super::quote::ProductFields;
use super::sales::{LeadFields, OppFields};
use super::service::CaseFields;
use crate::model::{
    Account, Address, Amount, Call, Campaign, Case, Contact, Currency, Date, Email, Event, Lead, Opportunity, Phone,
    Product, Project, Task, Timestamp, ValidationError, parse_duration,
};

type Result<T> = std::result::Result<T, FlagError>;

/// A flag whose text cannot be its field's value: which field, what kind of value it wanted, and
/// why, said as `FIELD: what is wrong and what to do` (the model's words).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    /// Not a date (`YYYY-MM-DD`, or a natural form such as `tomorrow` or `+3d`).
    #[error("{field}: {reason}")]
    Date {
        /// The flag, without its dashes.
        field: String,
        /// What is wrong and what to write.
        reason: String,
    },
    /// Not a local date and time (`YYYY-MM-DD HH:MM`).
    #[error("{field}: {reason}")]
    DateTime {
        /// The flag, without its dashes.
        field: String,
        /// What is wrong and what to write.
        reason: String,
    },
    /// Not an amount (`12000` or `12000.50`).
    #[error("{field}: {reason}")]
    Amount {
        /// The flag, without its dashes.
        field: String,
        /// What is wrong and what to write.
        reason: String,
    },
    /// Not a duration (`90s`, `5m`, `1h30m`).
    #[error("{field}: {reason}")]
    Duration {
        /// The flag, without its dashes.
        field: String,
        /// What is wrong and what to write.
        reason: String,
    },
    /// A value the model refuses: a choice (status, priority, outcome...), a currency, a rating.
    #[error(transparent)]
    Value(#[from] ValidationError),
}

/// Some(text) for non-blank text, None for blank.
fn text(v: &str) -> Option<String> {
    let t = v.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Applies an optional text flag to an optional field.
fn set_text(slot: &mut Option<String>, flag: &Option<String>) {
    if let Some(v) = flag {
        *slot = text(v);
    }
}

/// Applies an `--owner` flag: a login, lower-cased (the service checks it names an active user).
fn set_owner(slot: &mut String, flag: &Option<String>) {
    if let Some(v) = flag {
        *slot = v.trim().to_lowercase();
    }
}

/// Reads a date flag (natural forms allowed), naming the field on error.
pub fn date(field: &str, v: &str, today: Date) -> Result<Date> {
    Date::parse_relative(v, today).map_err(|reason| FlagError::Date { field: field.into(), reason })
}

/// Reads the first day of a period (natural forms allowed; a weekday is the last one, so
/// `--from mon` is this week's Monday), naming the field on error.
pub fn since(field: &str, v: &str, today: Date) -> Result<Date> {
    Date::parse_since(v, today).map_err(|reason| FlagError::Date { field: field.into(), reason })
}

fn set_date(field: &str, slot: &mut Option<Date>, flag: &Option<String>, today: Date) -> Result<()> {
    if let Some(v) = flag {
        *slot = if v.trim().is_empty() { None } else { Some(date(field, v, today)?) };
    }
    Ok(())
}

/// Reads an amount flag, naming the field on error.
pub fn amount(field: &str, v: &str) -> Result<Amount> {
    Amount::parse(v).map_err(|reason| FlagError::Amount { field: field.into(), reason })
}

/// Reads a local date-time flag, naming the field on error.
pub fn datetime(field: &str, v: &str) -> Result<Timestamp> {
    Timestamp::parse_local(v).map_err(|reason| FlagError::DateTime { field: field.into(), reason })
}

fn choice<T: std::str::FromStr<Err = ValidationError>>(flag: &Option<String>) -> Result<Option<T>> {
    Ok(flag.as_deref().map(str::parse).transpose()?)
}

fn set_currency(slot: &mut Currency, flag: &Option<String>) -> Result<()> {
    if let Some(c) = flag {
        *slot = Currency::parse(c)?;
    }
    Ok(())
}

fn set_list(slot: &mut Vec<String>, flag: &[String]) {
    if !flag.is_empty() {
        *slot = flag.iter().filter_map(|t| text(t)).collect();
    }
}

/// Applies account flags.
pub fn account(a: &mut Account, f: &AccountFields) -> Result<()> {
    set_text(&mut a.industry, &f.industry);
    set_text(&mut a.website, &f.website);
    set_text(&mut a.phone, &f.phone);
    set_text(&mut a.email, &f.email);
    set_text(&mut a.address.street, &f.street);
    set_text(&mut a.address.city, &f.city);
    set_text(&mut a.address.region, &f.region);
    set_text(&mut a.address.postal_code, &f.postal_code);
    set_text(&mut a.address.country, &f.country);
    if f.employees.is_some() {
        a.employees = f.employees;
    }
    if let Some(r) = &f.revenue {
        a.annual_revenue = text(r).map(|r| amount("revenue", &r)).transpose()?;
    }
    set_currency(&mut a.currency, &f.currency)?;
    if f.parent.is_some() {
        a.parent = f.parent;
    }
    if let Some(s) = choice(&f.status)? {
        a.status = s;
    }
    set_owner(&mut a.owner, &f.owner);
    set_list(&mut a.tags, &f.tags);
    Ok(())
}

/// Applies contact flags. New email addresses start with unknown consent; kept ones keep theirs.
pub fn contact(c: &mut Contact, f: &ContactFields, today: Date) -> Result<()> {
    set_text(&mut c.middle_name, &f.middle);
    if !f.emails.is_empty() {
        let old = std::mem::take(&mut c.emails);
        c.emails = f
            .emails
            .iter()
            .filter_map(|e| text(e))
            .map(|e| old.iter().find(|o| o.address.eq_ignore_ascii_case(&e)).cloned().unwrap_or_else(|| Email::new(e)))
            .collect();
    }
    if !f.phones.is_empty() {
        c.phones = f.phones.iter().filter_map(|p| text(p)).map(Phone::new).collect();
    }
    if f.account.is_some() {
        c.account = f.account;
    }
    set_text(&mut c.title, &f.title);
    if f.city.is_some() || f.country.is_some() {
        if c.addresses.is_empty() {
            c.addresses.push(Address::default());
        }
        set_text(&mut c.addresses[0].city, &f.city);
        set_text(&mut c.addresses[0].country, &f.country);
        c.addresses.retain(|a| !a.is_empty());
    }
    set_date("birthday", &mut c.birthday, &f.birthday, today)?;
    set_list(&mut c.interests, &f.interests);
    if f.follow_up_days.is_some() {
        c.follow_up_days = f.follow_up_days;
    }
    if let Some(d) = f.do_not_call {
        c.do_not_call = d;
    }
    set_owner(&mut c.owner, &f.owner);
    set_list(&mut c.tags, &f.tags);
    Ok(())
}

/// Applies lead flags.
pub fn lead(l: &mut Lead, f: &LeadFields) -> Result<()> {
    set_text(&mut l.company, &f.company);
    set_text(&mut l.title, &f.title);
    set_text(&mut l.email, &f.email);
    set_text(&mut l.phone, &f.phone);
    if let Some(s) = &f.source {
        l.source = text(s);
    }
    if f.campaign.is_some() {
        l.campaign = f.campaign;
    }
    if let Some(s) = choice(&f.status)? {
        l.status = s;
    }
    if let Some(r) = &f.rating {
        l.rating = text(r).map(|r| r.parse()).transpose()?;
    }
    set_owner(&mut l.owner, &f.owner);
    Ok(())
}

/// Applies opportunity flags, except the stage (which the caller resolves by name).
pub fn opportunity(o: &mut Opportunity, f: &OppFields, today: Date) -> Result<()> {
    if let Some(p) = f.probability {
        o.probability = p;
        o.probability_manual = true;
    }
    if f.contact.is_some() {
        o.contact = f.contact;
    }
    set_text(&mut o.next_step, &f.next_step);
    set_date("next-step-date", &mut o.next_step_date, &f.next_step_date, today)?;
    set_currency(&mut o.currency, &f.currency)?;
    if let Some(s) = &f.source {
        o.lead_source = text(s);
    }
    if let Some(c) = &f.competitor {
        o.competitor = text(c);
    }
    if f.campaign.is_some() {
        o.campaign = f.campaign;
    }
    set_owner(&mut o.owner, &f.owner);
    Ok(())
}

/// Applies product flags.
pub fn product(p: &mut Product, f: &ProductFields) -> Result<()> {
    set_text(&mut p.sku, &f.sku);
    set_currency(&mut p.currency, &f.currency)?;
    set_text(&mut p.description, &f.description);
    if let Some(a) = f.active {
        p.active = a;
    }
    Ok(())
}

/// Applies task flags.
pub fn task(t: &mut Task, f: &TaskFields, today: Date) -> Result<()> {
    set_date("due", &mut t.due, &f.due, today)?;
    if let Some(p) = choice(&f.priority)? {
        t.priority = p;
    }
    for (slot, flag) in [
        (&mut t.contact, f.contact),
        (&mut t.account, f.account),
        (&mut t.lead, f.lead),
        (&mut t.opportunity, f.opp),
        (&mut t.project, f.project),
    ] {
        if flag.is_some() {
            *slot = flag;
        }
    }
    set_text(&mut t.notes, &f.notes);
    set_owner(&mut t.owner, &f.owner);
    Ok(())
}

/// Applies call flags.
pub fn call(c: &mut Call, f: &CallFields) -> Result<()> {
    if let Some(d) = choice(&f.direction)? {
        c.direction = d;
    }
    if let Some(d) = &f.duration {
        c.duration_secs =
            parse_duration(d).map_err(|reason| FlagError::Duration { field: "duration".into(), reason })?;
    }
    if let Some(o) = choice(&f.outcome)? {
        c.outcome = o;
    }
    set_text(&mut c.notes, &f.notes);
    if f.case.is_some() {
        c.case = f.case;
    }
    if let Some(at) = &f.at {
        c.started_at = datetime("at", at)?;
    }
    set_owner(&mut c.owner, &f.owner);
    Ok(())
}

/// Applies case flags.
pub fn case(c: &mut Case, f: &CaseFields) -> Result<()> {
    for (slot, flag) in [(&mut c.account, f.account), (&mut c.contact, f.contact), (&mut c.product, f.product)] {
        if flag.is_some() {
            *slot = flag;
        }
    }
    if let Some(p) = choice(&f.priority)? {
        c.priority = p;
    }
    if let Some(ch) = &f.channel {
        c.channel = text(ch).map(|t| t.parse()).transpose()?;
    }
    set_text(&mut c.description, &f.description);
    set_text(&mut c.team, &f.team);
    if let Some(s) = &f.satisfaction {
        c.satisfaction = match text(s) {
            None => None,
            Some(t) => Some(t.parse().map_err(|_| {
                ValidationError::new("satisfaction", format!("'{t}' is not from 1 to 5: give 1 (poor) to 5"))
            })?),
        };
    }
    set_owner(&mut c.owner, &f.owner);
    Ok(())
}

/// Applies event flags.
pub fn event(e: &mut Event, f: &EventFields) -> Result<()> {
    if let Some(end) = &f.end {
        e.end = text(end).map(|t| datetime("end", &t)).transpose()?;
    }
    set_text(&mut e.location, &f.location);
    if !f.contacts.is_empty() {
        e.attendees = f.contacts.clone();
        e.attendees.sort_unstable();
        e.attendees.dedup();
    }
    set_text(&mut e.notes, &f.notes);
    set_owner(&mut e.owner, &f.owner);
    Ok(())
}

/// Applies project flags.
pub fn project(p: &mut Project, f: &ProjectFields) -> Result<()> {
    if f.account.is_some() {
        p.account = f.account;
    }
    set_text(&mut p.goal, &f.goal);
    if let Some(s) = choice(&f.status)? {
        p.status = s;
    }
    set_owner(&mut p.owner, &f.owner);
    Ok(())
}

/// Applies campaign flags.
pub fn campaign(c: &mut Campaign, f: &CampaignFields, today: Date) -> Result<()> {
    set_text(&mut c.channel, &f.channel);
    if let Some(b) = &f.budget {
        c.budget = text(b).map(|b| amount("budget", &b)).transpose()?;
    }
    if let Some(b) = &f.cost {
        c.cost = text(b).map(|b| amount("cost", &b)).transpose()?;
    }
    set_currency(&mut c.currency, &f.currency)?;
    set_date("start", &mut c.start, &f.start, today)?;
    set_date("end", &mut c.end, &f.end, today)?;
    if let Some(s) = choice(&f.status)? {
        c.status = s;
    }
    set_owner(&mut c.owner, &f.owner);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_parser_says_its_field_and_what_it_wanted_in_the_models_words() {
        let today = Date::today();
        let e = date("due", "someday", today).unwrap_err();
        assert!(matches!(&e, FlagError::Date { field, .. } if field == "due"), "{e:?}");
        let model = Date::parse_relative("someday", today).unwrap_err();
        assert_eq!(e.to_string(), ValidationError::new("due", model).to_string());
        let e = since("from", "someday", today).unwrap_err();
        assert!(matches!(&e, FlagError::Date { field, .. } if field == "from"), "{e:?}");
        let e = amount("price", "12,000.5.0").unwrap_err();
        assert!(matches!(&e, FlagError::Amount { field, .. } if field == "price"), "{e:?}");
        assert!(e.to_string().starts_with("price: "), "{e}");
        let e = datetime("at", "noon-ish").unwrap_err();
        assert!(matches!(&e, FlagError::DateTime { field, .. } if field == "at"), "{e:?}");
    }

    #[test]
    fn a_value_the_model_refuses_keeps_the_models_error() {
        let mut task = Task::default();
        let flags = TaskFields { priority: Some("whenever".into()), ..Default::default() };
        let e = super::task(&mut task, &flags, Date::today()).unwrap_err();
        let FlagError::Value(v) = &e else { panic!("{e:?}") };
        assert_eq!(e.to_string(), v.to_string());
        let mut call = Call::default();
        let e =
            super::call(&mut call, &CallFields { duration: Some("long".into()), ..Default::default() }).unwrap_err();
        assert!(matches!(&e, FlagError::Duration { field, .. } if field == "duration"), "{e:?}");
    }
}
