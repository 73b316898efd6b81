//! Create and edit forms: labelled one-line fields, Tab between them, errors shown under the
//! field they are about.

use std::borrow::Cow;

mod stale;

use super::line::LineField;
use super::widgets::TextArea;
use crate::crm::Indexed;
use crate::crm::{ConvertLead, Crm, CrmError, NewOpportunity, Result, Version};
use crate::model::texts::{LINES_MAX, limit};
use crate::model::{
    Account, AccountStatus, Address, Amount, Contact, Date, Email, Id, Kind, Lead, Opportunity, Phone, Product, Record,
    RecordRef, Stage, Task,
};
use crate::model::{Campaign, Case, ContactList, Dates, Event, Project, Template};
use crate::tui::sends::{Planned, SendTo};
use ratatui::crossterm::event::KeyEvent;

/// What a field of a form holds: one line, or lines (the fields `model::texts` lets hold line
/// breaks: notes, a description, a goal), each edited with the keys of every text field.
#[derive(Debug, Clone)]
pub enum Input {
    /// A single line.
    Line(LineField),
    /// A field of lines: Enter starts a line (boxed: a text area is large).
    Lines(Box<TextArea>),
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The label, also the name validation errors use.
    pub label: &'static str,
    /// What is typed, with the cursor.
    pub input: Input,
    /// Why the value was refused.
    pub error: Option<String>,
}

impl Field {
    /// Whether the field holds several lines (notes, a description).
    pub fn takes_lines(&self) -> bool {
        matches!(self.input, Input::Lines(_))
    }

    /// What is typed (the lines of a field of lines joined by line breaks).
    pub fn value(&self) -> Cow<'_, str> {
        match &self.input {
            Input::Line(l) => Cow::Borrowed(l.value()),
            Input::Lines(t) => Cow::Owned(t.value()),
        }
    }

    /// Replaces what is typed, the cursor at its end.
    fn set(&mut self, value: String) {
        match &mut self.input {
            Input::Line(l) => l.set(value),
            Input::Lines(t) => **t = TextArea::new(&value),
        }
    }

    /// Applies an editing key: `Some(changed)` when it is one for the field.
    fn handle(&mut self, key: KeyEvent) -> Option<bool> {
        match &mut self.input {
            Input::Line(l) => l.handle(key),
            Input::Lines(t) => t.handle(key),
        }
    }
}

/// A form for a new record or for changes to one.
#[derive(Debug, Clone)]
pub struct Form {
    /// What is being created or edited.
    pub kind: Kind,
    /// The record edited, or `None` for a new one.
    pub target: Option<Id>,
    /// The fields, top to bottom.
    pub fields: Vec<Field>,
    /// The focused field.
    pub focus: usize,
    /// Whether anything was typed since it opened.
    pub dirty: bool,
    /// The record chosen in the picker (the account; a response's contact): its name as shown,
    /// and its id (names can repeat).
    pub picked: Option<(String, Id)>,
    /// The lead being converted, when this is the conversion preview.
    pub converting: Option<Id>,
    /// The contact an email is written to, when this is the email composer (`M`).
    pub composing: Option<Id>,
    /// The campaign a response is recorded for, when this asks who answered (`R`).
    pub responding: Option<Id>,
    /// What is to be sent, when this asks for its template (and a campaign's list).
    pub sending: Option<crate::tui::sends::SendTo>,
    /// A line under the title saying what saving will do (the conversion's account).
    pub hint: Option<String>,
    /// The people picked for an event, by name and id.
    pub attendees: Vec<(String, Id)>,
    /// How the title names the record edited or converted (its label as stored).
    pub name: String,
    /// The version of the record edited that the form was filled from: its save is refused
    /// when the record changed since (see `stale`).
    pub version: Option<Version>,
    /// Each field's value as filled from that version, to tell what was typed from what was read.
    pub opened: Vec<String>,
    /// Why the last save was refused: the record was changed meanwhile (`Ctrl-R` reloads it).
    pub stale: Option<String>,
}

/// A field called `label`: a field of lines when the model keeps lines in it.
fn field(label: &'static str, value: impl Into<String>) -> Field {
    let value = value.into();
    let input = if limit(label) == LINES_MAX {
        Input::Lines(Box::new(TextArea::new(&value)))
    } else {
        Input::Line(LineField::new(value))
    };
    Field { label, input, error: None }
}

/// A task waited for, as the `after` field writes it: `#12 Title`.
fn waits_label(crm: &Crm, id: Id) -> String {
    format!("#{id} {}", crm.label(RecordRef::new(Kind::Task, id)))
}

/// The task numbers of the `after` field, each once, in order: items separated by commas, each
/// starting with a number (`#12 Title`, `12`); a piece after a comma that starts with none is
/// taken for the rest of a title holding a comma.
fn after_numbers(text: &str) -> std::result::Result<Vec<Id>, String> {
    let mut ids = Vec::new();
    for item in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        match task_number(item) {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None if !ids.is_empty() => {}
            None => return Err(format!("'{item}' names no task: write its number (#12), or press Enter to pick one")),
        }
    }
    Ok(ids)
}

/// The task number an item of the `after` field starts with (`#12 Title`, `12`).
fn task_number(item: &str) -> Option<Id> {
    let digits = item.strip_prefix('#').unwrap_or(item);
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end].parse().ok().filter(|_| digits[end..].is_empty() || digits[end..].starts_with(' '))
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl Form {
    /// A form for `kind`: empty, or filled from record `id`, refused before it opens when the
    /// actor may not edit that record.
    pub fn open(crm: &Crm, kind: Kind, id: Option<Id>) -> Result<Form> {
        // The version is read before the record: should a save land between the two reads, the
        // form holds the newer values with the older version, and its save is refused (and
        // reloaded) rather than overwriting a change unseen.
        let version = id.map(|id| crm.version(RecordRef::new(kind, id))).transpose()?;
        Ok(Form::fill(crm, kind, id)?.read_at(version))
    }

    /// [`Form::open`] without the version.
    fn fill(crm: &Crm, kind: Kind, id: Option<Id>) -> Result<Form> {
        if let Some(id) = id {
            crate::model::with_record_type!(kind, T => crm.editable(&crm.get::<T>(id)?)?);
        }
        // The account linked to, as if picked: kept on save even when the actor may not read it.
        let mut picked = None;
        let name = id.map(|id| crm.label(RecordRef::new(kind, id))).unwrap_or_default();
        let dates = crm.session().dates();
        let fields = match kind {
            Kind::Contact => {
                let c = stored_or_new::<Contact>(crm, id)?;
                let account = linked_account(crm, c.account, &mut picked)?;
                let address = c.addresses.first().cloned().unwrap_or_default();
                vec![
                    field("first name", c.first_name.clone()),
                    field("last name", c.last_name.clone()),
                    field("email", c.primary_email().unwrap_or_default()),
                    field("phone", c.primary_phone().unwrap_or_default()),
                    field("title", opt(&c.title)),
                    field("account", account),
                    field("city", opt(&address.city)),
                    field("country", opt(&address.country)),
                    field("birthday", c.birthday.map(|b| dates.show(b)).unwrap_or_default()),
                ]
            }
            Kind::Lead => {
                let l = stored_or_new::<Lead>(crm, id)?;
                let word = |w: Option<String>| w.unwrap_or_default();
                vec![
                    field("first name", l.first_name.clone()),
                    field("last name", l.last_name.clone()),
                    field("company", opt(&l.company)),
                    field("title", opt(&l.title)),
                    field("email", opt(&l.email)),
                    field("phone", opt(&l.phone)),
                    field("source", crate::text::spoken(l.source.as_deref().unwrap_or_default())),
                    field("status", l.status.to_string()),
                    field("rating", word(l.rating.map(|r| r.to_string()))),
                ]
            }
            Kind::Product => {
                let p = match id {
                    Some(id) => crm.get::<Product>(id)?,
                    None => Product { active: true, currency: crm.session().currency(), ..Default::default() },
                };
                vec![
                    field("name", p.name.clone()),
                    field("sku", opt(&p.sku)),
                    field("price", if id.is_some() { p.price.to_string() } else { String::new() }),
                    field("currency", p.currency.to_string()),
                    field("sold", if p.active { "yes" } else { "no" }),
                    field("description", opt(&p.description)),
                ]
            }
            Kind::Project => {
                let p = match id {
                    Some(id) => crm.get::<Project>(id)?,
                    None => Project { due: crm.session().today().add_days(30), ..Default::default() },
                };
                let account = linked_account(crm, p.account, &mut picked)?;
                vec![
                    field("name", p.name.clone()),
                    field("account", account),
                    field("due", dates.show(p.due)),
                    field("goal", opt(&p.goal)),
                ]
            }
            Kind::Campaign => {
                let c = stored_or_new::<Campaign>(crm, id)?;
                let money = |a: Option<Amount>| a.map(Amount::decimal).unwrap_or_default();
                let day = |d: Option<Date>| d.map(|d| dates.show(d)).unwrap_or_default();
                vec![
                    field("name", c.name.clone()),
                    field("channel", opt(&c.channel)),
                    field("status", c.status.word()),
                    field("budget", money(c.budget)),
                    field("cost", money(c.cost)),
                    field("start", day(c.start)),
                    field("end", day(c.end)),
                ]
            }
            Kind::ContactList => {
                let l = stored_or_new::<ContactList>(crm, id)?;
                vec![field("name", l.name.clone()), field("filter", opt(&l.filter))]
            }
            Kind::Template => {
                let t = stored_or_new::<Template>(crm, id)?;
                vec![field("name", t.name.clone()), field("subject", t.subject.clone()), field("body", t.body.clone())]
            }
            Kind::Case => {
                let c = stored_or_new::<Case>(crm, id)?;
                let account = linked_account(crm, c.account, &mut picked)?;
                vec![
                    field("subject", c.subject.clone()),
                    field("priority", c.priority.to_string()),
                    field("channel", c.channel.map(|ch| ch.to_string()).unwrap_or_default()),
                    field("account", account),
                    field("team", opt(&c.team)),
                    field("description", opt(&c.description)),
                ]
            }
            Kind::Task => {
                let t = stored_or_new::<Task>(crm, id)?;
                let after: Vec<String> = t.after.iter().map(|&a| waits_label(crm, a)).collect();
                vec![
                    field("title", t.title.clone()),
                    field("due", t.due.map(|d| dates.show(d)).unwrap_or_default()),
                    field("priority", t.priority.to_string()),
                    field("after", after.join(", ")),
                    field("notes", opt(&t.notes)),
                ]
            }
            Kind::Event => {
                let e = crm.get::<Event>(id.unwrap_or_default())?;
                let mut form = Form::event(
                    id,
                    &e.title,
                    dates.show_instant(e.start),
                    e.end.map(|t| dates.show_instant(t)).unwrap_or_default(),
                    opt(&e.location),
                );
                for a in &e.attendees {
                    let name = crm.find::<Contact>(*a)?.map_or_else(|| HIDDEN.to_string(), |c| c.full_name());
                    form.attendees.push((name, *a));
                }
                form.fields[4].set(form.attendees.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", "));
                return Ok(Form { name, ..form });
            }
            Kind::Stage => {
                let s = stored_or_new::<Stage>(crm, id)?;
                let mut fields = vec![field("name", s.name.clone())];
                fields.push(field("probability", if id.is_some() { s.probability.to_string() } else { String::new() }));
                if id.is_none() {
                    fields.push(field("outcome", "open"));
                }
                fields
            }
            Kind::Opportunity => {
                let o = stored_or_new::<Opportunity>(crm, id)?;
                let account = linked_account(crm, id.map(|_| o.account), &mut picked)?;
                let stage = crm.get::<Stage>(o.stage).map(|s| s.name).unwrap_or_default();
                return Ok(Form { picked, name, ..Form::opportunity(id, &o, account, stage, dates) });
            }
            _ => {
                let a = stored_or_new::<Account>(crm, id)?;
                vec![
                    field("name", a.name.clone()),
                    field("industry", opt(&a.industry)),
                    field("website", opt(&a.website)),
                    field("phone", opt(&a.phone)),
                    field("city", opt(&a.address.city)),
                    field("country", opt(&a.address.country)),
                    field("status", a.status.to_string()),
                ]
            }
        };
        Ok(Form { name, picked, ..Form::with(kind, id, fields) })
    }

    /// A form with `fields` for record `target` of `kind` (`None`: a new one). The values a
    /// new record's form starts with are rolo's proposals: selected, so typing replaces them.
    fn with(kind: Kind, target: Option<Id>, mut fields: Vec<Field>) -> Form {
        if target.is_none() {
            for f in &mut fields {
                if let Input::Line(l) = &mut f.input {
                    l.select();
                }
            }
        }
        Form {
            kind,
            target,
            fields,
            focus: 0,
            dirty: false,
            picked: None,
            converting: None,
            composing: None,
            sending: None,
            responding: None,
            hint: None,
            attendees: Vec::new(),
            name: String::new(),
            version: None,
            opened: Vec::new(),
            stale: None,
        }
    }

    /// The email composer for contact `id`: a template (picked with Enter), or a subject and
    /// body of one's own; what is typed wins over the template's. Refused before it opens when
    /// the contact has no address mail can go to.
    pub fn compose(crm: &Crm, contact: Id) -> Result<Form> {
        let (c, _) = crm.reachable(contact)?;
        let fields = vec![field("template", ""), field("subject", ""), field("body", "")];
        let hint = Some("a template (Enter picks), or a subject and body of your own".to_string());
        Ok(Form { composing: Some(contact), name: c.full_name(), hint, ..Form::with(Kind::Email, None, fields) })
    }

    /// The message the composer holds, merged for its contact; a refused value marks its field
    /// (`None`).
    pub fn draft(&mut self, crm: &Crm) -> Result<Option<crate::crm::Draft>> {
        self.clear_errors();
        let contact = self.composing.unwrap_or_default();
        let drafted = (|| {
            let template = self.value("template").map(|t| crm.named(Kind::Template, &t)).transpose()?;
            let stored = template.map(|t| crm.get::<crate::model::Template>(t)).transpose()?;
            let subject = self.value("subject").or_else(|| stored.as_ref().map(|t| t.subject.clone()));
            let body = self.value("body").or_else(|| stored.as_ref().map(|t| t.body.clone()));
            let draft = crm.compose(contact, None, &subject.unwrap_or_default(), &body.unwrap_or_default())?;
            Ok(crate::crm::Draft { template, ..draft })
        })();
        self.settle(drafted)
    }

    /// The template and list campaign `id` is to be sent with, each picked with Enter; refused
    /// before it opens without the send right.
    pub fn campaign_send(crm: &Crm, id: Id) -> Result<Form> {
        crm.actor()?.require(crate::model::Right::Send)?;
        let c: crate::model::Campaign = crm.get(id)?;
        let fields = vec![field("template", ""), field("list", "")];
        let (sending, hint) = (Some(SendTo::Campaign(id)), Some("its template and list: Enter picks each".to_string()));
        let name = format!("the campaign {}", c.name);
        Ok(Form { sending, name, hint, ..Form::with(Kind::Campaign, Some(id), fields) })
    }

    /// Who answered campaign `id`: a contact, picked with Enter.
    pub fn response(crm: &Crm, id: Id) -> Result<Form> {
        let c: crate::model::Campaign = crm.get(id)?;
        crm.may(crate::model::Act::Edit, &c)?;
        let fields = vec![field("contact", "")];
        let hint = Some("the contact who answered: Enter picks".to_string());
        Ok(Form { responding: Some(id), name: c.name, hint, ..Form::with(Kind::Campaign, Some(id), fields) })
    }

    /// Records the response the form names; a contact not picked marks its field (`None`).
    pub fn respond(&mut self, crm: &Crm) -> Result<Option<crate::model::Campaign>> {
        self.clear_errors();
        let campaign = self.responding.unwrap_or_default();
        let contact = match (self.value("contact"), &self.picked) {
            (Some(name), Some((picked, id))) if &name == picked => Ok(*id),
            _ => Err(Self::invalid("contact", "pick the contact who answered: Enter opens the picker".into())),
        };
        let recorded = contact.and_then(|contact| crm.campaign_response(campaign, contact, None, None));
        self.settle(recorded)
    }

    /// The template today's birthdays are greeted with, picked with Enter.
    pub fn birthdays() -> Form {
        let fields = vec![field("template", "")];
        let name = "today's birthday greetings".to_string();
        let hint = Some("the template: Enter picks".to_string());
        Form { sending: Some(SendTo::Birthdays), name, hint, ..Form::with(Kind::Email, None, fields) }
    }

    /// Who the send would reach with the template (and list) named, nothing sent; a name that
    /// is none marks its field (`None`).
    pub fn plan(&mut self, crm: &Crm) -> Result<Option<Planned>> {
        self.clear_errors();
        let named = |kind: Kind, label: &str| {
            let text = self.value(label).unwrap_or_default();
            crm.named(kind, &text).map_err(|e| Self::invalid(label, e.to_string()))
        };
        let planned = match self.sending {
            Some(SendTo::Campaign(campaign)) => named(Kind::Template, "template")
                .and_then(|t| Ok((t, named(Kind::ContactList, "list")?)))
                .and_then(|(t, l)| crm.plan_campaign(campaign, t, l, false))
                .map(Planned::Campaign),
            _ => named(Kind::Template, "template")
                .and_then(|t| crm.birthday_drafts(t))
                .map(|(drafts, skipped)| Planned::Birthdays(drafts, skipped.len())),
        };
        self.settle(planned)
    }

    /// A form for a new event on `day` at 09:00 for an hour, its times written by `dates`.
    pub fn new_event(day: Date, dates: Dates) -> Form {
        let day = dates.show(day);
        Form::event(None, "", format!("{day} 09:00"), format!("{day} 10:00"), String::new())
    }

    fn event(target: Option<Id>, title: &str, start: String, end: String, location: String) -> Form {
        let fields = vec![
            field("title", title),
            field("start", start),
            field("end", end),
            field("location", location),
            field("attendees", ""),
        ];
        Form::with(Kind::Event, target, fields)
    }

    /// The kind a field's picker searches (opened with Enter on it), if it has one.
    pub fn picker_kind(&self, field: usize) -> Option<Kind> {
        match self.fields.get(field)?.label {
            "account" => Some(Kind::Account),
            "attendees" | "contact" => Some(Kind::Contact),
            _ => None,
        }
    }

    /// The words a field takes, offered by its picker (opened with Enter on it) rather than
    /// typed from memory: a deal's stage and competitor, a lead's source, status and rating, a task's priority
    /// and status, an account's status, a new stage's outcome.
    pub fn choices(&self, crm: &Crm, field: usize) -> Option<Vec<String>> {
        fn words<T: std::fmt::Display>(all: &[T]) -> Option<Vec<String>> {
            Some(all.iter().map(ToString::to_string).collect())
        }
        use crate::model::{AccountStatus, LeadStatus, Priority, Rating, StageOutcome, TaskStatus};
        match (self.kind, self.fields.get(field)?.label) {
            (_, "stage") => Some(crm.stages().ok()?.into_iter().map(|s| s.name).collect()),
            (_, "source") => Some(crm.lead_sources().ok()?.iter().map(|s| crate::text::spoken(s)).collect()),
            (_, "competitor") => crm.picklist(crate::model::Picklist::Competitors).ok(),
            (_, "outcome") => words(StageOutcome::ALL),
            (Kind::Case, "priority") => words(crate::model::CasePriority::ALL),
            (Kind::Case, "channel") => words(crate::model::Channel::ALL),
            (_, "priority") => words(Priority::ALL),
            (_, "rating") => words(Rating::ALL),
            // Converted is what converting (C) makes a lead, never a status to pick.
            (Kind::Lead, "status") => {
                words(&LeadStatus::ALL.iter().filter(|s| **s != LeadStatus::Converted).collect::<Vec<_>>())
            }
            (Kind::Task, "status") => words(TaskStatus::ALL),
            (Kind::Task, "after") => {
                let task = crm.find::<Task>(self.target?).ok()??;
                let project = RecordRef::new(Kind::Project, task.project?);
                let others = crm.linking::<Task>(project).ok()?.into_iter();
                let others = others.filter(|t| t.id != task.id && t.status != TaskStatus::Cancelled);
                Some(others.map(|t| waits_label(crm, t.id)).collect())
            }
            (Kind::Account, "status") => words(AccountStatus::ALL),
            (Kind::Campaign, "status") => words(crate::model::CampaignStatus::ALL),
            (_, "list") => {
                Some(crm.list::<crate::model::ContactList>(|_| true).ok()?.into_iter().map(|l| l.name).collect())
            }
            (_, "template") => {
                Some(crm.list::<crate::model::Template>(|_| true).ok()?.into_iter().map(|t| t.name).collect())
            }
            _ => None,
        }
    }

    /// Takes a record picked for field `field`: the account, or one more attendee.
    pub fn pick(&mut self, field: usize, label: String, id: Id) {
        let Some(f) = self.fields.get_mut(field) else { return };
        if f.label == "attendees" {
            if !self.attendees.iter().any(|(_, a)| *a == id) {
                self.attendees.push((label, id));
            }
            f.set(self.attendees.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", "));
        } else if f.label == "after" {
            // One more task waited for, unless it is there already.
            let typed = f.value().trim().to_string();
            if !after_numbers(&typed).is_ok_and(|ids| task_number(&label).is_some_and(|id| ids.contains(&id))) {
                f.set(if typed.is_empty() { label } else { format!("{typed}, {label}") });
            }
        } else if f.label == "account" || f.label == "contact" {
            f.set(label.clone());
            self.picked = Some((label, id));
        } else {
            f.set(label);
        }
        f.error = None;
        self.dirty = true;
    }

    /// A form for a new deal in `stage` (the first open stage when `None`), closing in 30 days.
    pub fn new_opportunity(crm: &Crm, stage: Option<String>) -> Result<Form> {
        let stage = match stage {
            Some(s) => s,
            None => crm.stages()?.into_iter().next().map(|s| s.name).unwrap_or_default(),
        };
        let o = Opportunity {
            close_date: crm.session().today().add_days(30),
            currency: crm.session().currency(),
            ..Default::default()
        };
        let mut form = Form::opportunity(None, &o, String::new(), stage, crm.session().dates());
        form.fields
            .iter_mut()
            .filter(|f| matches!(f.label, "probability" | "amount"))
            .for_each(|f| f.set(String::new()));
        Ok(form)
    }

    fn opportunity(target: Option<Id>, o: &Opportunity, account: String, stage: String, dates: Dates) -> Form {
        let fields = vec![
            field("name", o.name.clone()),
            field("account", account),
            field("amount", o.amount.to_string()),
            field("currency", o.currency.to_string()),
            field("close date", dates.show(o.close_date)),
            field("stage", stage),
            field("probability", if o.probability_manual { o.probability.to_string() } else { String::new() }),
            field("next step", opt(&o.next_step)),
            field("next step date", o.next_step_date.map(|d| dates.show(d)).unwrap_or_default()),
            field("competitor", opt(&o.competitor)),
        ];
        Form::with(Kind::Opportunity, target, fields)
    }

    /// The conversion preview of lead `id`: the account (matched by name, or new), the contact
    /// and an optional deal, all editable before saving converts the lead in one transaction.
    pub fn convert(crm: &Crm, id: Id) -> Result<Form> {
        // Read before the lead, as in `open`.
        let version = crm.version(RecordRef::new(Kind::Lead, id))?;
        let l = crm.get::<Lead>(id)?;
        crm.editable(&l)?;
        let company = l.company.clone().filter(|c| !c.trim().is_empty()).unwrap_or_else(|| l.full_name());
        let fields = vec![
            field("account", company.clone()),
            field("first name", l.first_name.clone()),
            field("last name", l.last_name.clone()),
            field("title", opt(&l.title)),
            field("email", opt(&l.email)),
            field("phone", opt(&l.phone)),
            field("opportunity", format!("{company} deal")),
            field("amount", String::new()),
            field("close date", crm.session().dates().show(crm.session().today().add_days(30))),
        ];
        let mut form = Form { converting: Some(id), name: l.label(), ..Form::with(Kind::Lead, None, fields) };
        form.target = Some(id);
        form.refresh_hint(crm);
        Ok(form.read_at(Some(version)))
    }

    /// Says whether the account field names an existing account or a new one.
    pub fn refresh_hint(&mut self, crm: &Crm) {
        if self.converting.is_none() {
            return;
        }
        let name = self.value("account").unwrap_or_default();
        self.hint = Some(match (self.picked_account(), crm.account_named(&name)) {
            (Some(_), _) | (None, Ok(Some(_))) => format!("account: the existing {name}"),
            _ if name.is_empty() => "account: give a name".to_string(),
            _ => format!("account: a new one, {name}"),
        });
    }

    /// The date typed in field `label` (the user's way, ISO or natural forms, from the
    /// session's today), if any; a refusal names the field.
    fn date(&self, crm: &Crm, label: &str) -> Result<Option<Date>> {
        let (dates, today) = (crm.session().dates(), crm.session().today());
        self.value(label).map(|d| dates.parse(&d, today).map_err(|m| Self::invalid(label, m))).transpose()
    }

    /// The percentage typed in field `label` (`35` or `35%`), if any.
    fn percent(&self, label: &str) -> Result<Option<u8>> {
        self.value(label)
            .map(|p| {
                let n = p.trim_end_matches('%').parse().ok().filter(|p| *p <= 100);
                n.ok_or_else(|| Self::invalid(label, format!("'{p}' is not a percentage from 0 to 100")))
            })
            .transpose()
    }

    /// The account the account field names: the one picked, else the one called that.
    fn account(&self, crm: &Crm) -> Result<Option<Id>> {
        match (self.value("account"), self.picked_account()) {
            (None, _) => Ok(None),
            (Some(_), Some(id)) => Ok(Some(id)),
            (Some(name), None) => Ok(Some(account_named(crm, &name)?)),
        }
    }

    /// The account picked for the account field, if its text still shows the pick.
    fn picked_account(&self) -> Option<Id> {
        match (self.value("account"), &self.picked) {
            (Some(name), Some((picked, id))) if &name == picked => Some(*id),
            _ => None,
        }
    }

    /// What Ctrl-S does, for the keys under the form.
    pub fn save_word(&self) -> &'static str {
        match (self.composing, self.sending, self.responding) {
            (Some(_), _, _) => "send",
            (_, Some(_), _) => "see who gets it",
            (_, _, Some(_)) => "record",
            _ => "save",
        }
    }

    /// The title over the form.
    pub fn title(&self) -> String {
        if self.converting.is_some() {
            return format!("Convert the lead {}: empty the opportunity to make none", self.name);
        }
        if self.responding.is_some() {
            return format!("A response to {}", self.name);
        }
        if self.sending.is_some() {
            return format!("Send {}", self.name);
        }
        if self.composing.is_some() {
            return format!("Email to {}", self.name);
        }
        match self.target {
            Some(_) => format!("Edit {} {}", self.kind, self.name),
            None => format!("New {}", self.kind),
        }
    }

    /// Applies a typing key to the focused field, as every text field does (the keys of
    /// `keymap::TEXT`; other characters go in at the cursor). Says whether the key was one.
    pub fn edit(&mut self, key: KeyEvent) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        let Some(changed) = f.handle(key) else { return false };
        if changed {
            f.error = None;
            self.dirty = true;
        }
        true
    }

    /// Puts a line break in the focused field when it holds lines (notes, a description, a
    /// goal: the fields the model keeps line breaks in); says whether it did.
    pub fn newline(&mut self) -> bool {
        let Some(f) = self.lines_field() else { return false };
        let Input::Lines(t) = &mut f.input else { return false };
        t.newline();
        f.error = None;
        self.dirty = true;
        true
    }

    /// The focused field when it holds lines.
    pub fn lines_field(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus).filter(|f| f.takes_lines())
    }

    /// Puts `text` (from `$EDITOR`) in the focused field of lines.
    pub fn put_lines(&mut self, text: String) {
        if let Some(f) = self.lines_field() {
            f.set(text);
            f.error = None;
            self.dirty = true;
        }
    }

    /// Moves the focus by `delta` fields, wrapping.
    pub fn move_focus(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        self.focus = ((self.focus as isize + delta).rem_euclid(n)) as usize;
    }

    fn value(&self, label: &str) -> Option<String> {
        self.fields.iter().find(|f| f.label == label).map(|f| f.value().trim().to_string()).filter(|v| !v.is_empty())
    }

    /// Puts `message` under the field called `label` (or the first field) and focuses it.
    fn fail(&mut self, label: &str, message: String) {
        let i = self.fields.iter().position(|f| f.label == label).unwrap_or(0);
        self.fields[i].error = Some(message);
        self.focus = i;
    }

    /// Validates and saves; on a refused value, marks the field and returns `None`, as when the
    /// record was changed meanwhile (said in `stale`: what was typed stays for a reload).
    pub fn save(&mut self, crm: &Crm) -> Result<Option<RecordRef>> {
        self.clear_errors();
        let crm = &self.saving(crm);
        let saved = match self.kind {
            _ if self.converting.is_some() => self.save_conversion(crm),
            Kind::Contact => self.save_contact(crm),
            Kind::Lead => self.save_lead(crm),
            Kind::Opportunity => self.save_opportunity(crm),
            Kind::Product => self.save_product(crm),
            Kind::Stage => self.save_stage(crm),
            Kind::Task => self.save_task(crm),
            Kind::Project => self.save_project(crm),
            Kind::Event => self.save_event(crm),
            Kind::Campaign => self.save_campaign(crm),
            Kind::ContactList => self.save_list(crm),
            Kind::Template => self.save_template(crm),
            Kind::Case => self.save_case(crm),
            _ => self.save_account(crm),
        };
        self.settle(saved)
    }

    fn clear_errors(&mut self) {
        for f in &mut self.fields {
            f.error = None;
        }
        self.stale = None;
    }

    /// What a save or a draft came to: its value, or `None` with the refused field marked (or
    /// the record changed meanwhile said in `stale`); other errors as they are.
    fn settle<T>(&mut self, result: Result<T>) -> Result<Option<T>> {
        match result {
            Ok(r) => Ok(Some(r)),
            Err(CrmError::Invalid(e)) => {
                let label = if e.field == "first name" || e.field == "last name" {
                    e.field.clone()
                } else {
                    e.field.replace('-', " ")
                };
                self.fail(&label, e.message);
                Ok(None)
            }
            Err(e @ CrmError::Stale { .. }) => {
                self.stale = Some(e.to_string());
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    fn invalid(field: &str, message: String) -> CrmError {
        CrmError::Invalid(crate::model::ValidationError::new(field, message))
    }

    /// Saves `rec`: the changes to the record edited, or a new one.
    fn store<R: Indexed>(&self, crm: &Crm, rec: R) -> Result<RecordRef> {
        let saved = if self.target.is_some() { crm.update(rec)? } else { crm.create(rec)? };
        Ok(saved.record_ref())
    }

    fn save_contact(&self, crm: &Crm) -> Result<RecordRef> {
        let mut c = stored_or_new::<Contact>(crm, self.target)?;
        c.first_name = self.value("first name").unwrap_or_default();
        c.last_name = self.value("last name").unwrap_or_default();
        match self.value("email") {
            Some(e) if c.primary_email() != Some(e.as_str()) => {
                if c.emails.is_empty() {
                    c.emails.push(Email::new(e));
                } else {
                    c.emails[0] = Email::new(e);
                }
            }
            Some(_) => {}
            None if !c.emails.is_empty() => {
                c.emails.remove(0);
            }
            None => {}
        }
        match self.value("phone") {
            Some(p) if c.phones.is_empty() => c.phones.push(Phone::new(p)),
            Some(p) => c.phones[0].number = p,
            None if !c.phones.is_empty() => {
                c.phones.remove(0);
            }
            None => {}
        }
        c.title = self.value("title");
        c.account = self.account(crm)?;
        if c.addresses.is_empty() {
            c.addresses.push(Address::default());
        }
        c.addresses[0].city = self.value("city");
        c.addresses[0].country = self.value("country");
        c.addresses.retain(|a| !a.is_empty());
        c.birthday = self.date(crm, "birthday")?;
        self.store(crm, c)
    }

    fn save_opportunity(&self, crm: &Crm) -> Result<RecordRef> {
        let mut o = stored_or_new::<Opportunity>(crm, self.target)?;
        o.name = self.value("name").unwrap_or_default();
        o.account = self
            .account(crm)?
            .ok_or_else(|| Self::invalid("account", "is required: pick the deal's account (Enter)".into()))?;
        o.amount = Amount::parse(&self.value("amount").unwrap_or_else(|| "0".into()))
            .map_err(|m| Self::invalid("amount", m))?;
        if let Some(c) = self.value("currency") {
            o.currency = crate::model::Currency::parse(&c)?;
        }
        o.close_date = self
            .date(crm, "close date")?
            .ok_or_else(|| Self::invalid("close date", "a date is needed: use YYYY-MM-DD".into()))?;
        let stage_name = self.value("stage").unwrap_or_default();
        let stage = crm.stage_named(&stage_name).map_err(|e| match e {
            CrmError::Invalid(v) => Self::invalid("stage", v.message),
            other => Self::invalid("stage", other.to_string()),
        })?;
        o.stage = stage.id;
        let typed = self.percent("probability")?;
        o.probability = typed.unwrap_or(stage.probability);
        o.probability_manual = typed.is_some();
        o.next_step = self.value("next step");
        o.next_step_date = self.date(crm, "next step date")?;
        o.competitor = self.value("competitor");
        let saved = if self.target.is_some() { crm.update(o)? } else { crm.create_opportunity(o)? };
        Ok(saved.record_ref())
    }

    fn save_lead(&self, crm: &Crm) -> Result<RecordRef> {
        let mut l = stored_or_new::<Lead>(crm, self.target)?;
        self.lead_fields(&mut l);
        l.company = self.value("company");
        l.source = self.value("source");
        l.status = self.value("status").map(|s| s.parse()).transpose()?.unwrap_or_default();
        l.rating = self.value("rating").map(|s| s.parse()).transpose()?;
        self.store(crm, l)
    }

    /// The person fields a lead form and a conversion preview share.
    fn lead_fields(&self, l: &mut Lead) {
        l.first_name = self.value("first name").unwrap_or_default();
        l.last_name = self.value("last name").unwrap_or_default();
        l.title = self.value("title");
        l.email = self.value("email");
        l.phone = self.value("phone");
    }

    /// Converts the lead as previewed: its edited person fields and company are saved and the
    /// conversion made in one transaction, so a refusal anywhere leaves everything as it was.
    fn save_conversion(&self, crm: &Crm) -> Result<RecordRef> {
        let id = self.converting.unwrap_or_default();
        let account_name = self.value("account").ok_or_else(|| Self::invalid("account", "is required".into()))?;
        // Matched by name here (or picked); a name nobody has makes a new account.
        let account = match self.picked_account() {
            Some(id) => Some(id),
            None => crm.account_named(&account_name)?,
        };
        let opportunity = match self.value("opportunity") {
            None => None,
            Some(name) => Some(NewOpportunity {
                name: Some(name),
                amount: self
                    .value("amount")
                    .map(|a| Amount::parse(&a).map_err(|m| Self::invalid("amount", m)))
                    .transpose()?,
                close_date: self.date(crm, "close date")?,
            }),
        };
        let mut l: Lead = crm.get(id)?;
        self.lead_fields(&mut l);
        // A picked account is linked as it is, the lead keeping its own company; a typed
        // name is the company the conversion makes (or matches) the account by.
        if account.is_none() {
            l.company = Some(account_name.clone());
        }
        let done = crm.convert_edited_lead(l, ConvertLead { account, opportunity })?;
        Ok(RecordRef::new(Kind::Contact, done.contact))
    }

    fn save_event(&self, crm: &Crm) -> Result<RecordRef> {
        let mut e = stored_or_new::<Event>(crm, self.target)?;
        e.title = self.value("title").unwrap_or_default();
        let start = self.value("start").unwrap_or_default();
        let (dates, today) = (crm.session().dates(), crm.session().today());
        e.start = dates.parse_instant(&start, today).map_err(|m| Self::invalid("start", m))?;
        e.end = match self.value("end") {
            None => None,
            Some(t) => Some(dates.parse_instant(&t, today).map_err(|m| Self::invalid("end", m))?),
        };
        e.location = self.value("location");
        // Every name in the field must be one picked (Enter on the field); none is dropped.
        e.attendees = Vec::new();
        // A name shared by several picked (or hidden) people keeps them all.
        for name in self.value("attendees").unwrap_or_default().split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let mut named = self.attendees.iter().filter(|(n, _)| n == name).peekable();
            if named.peek().is_none() {
                let m = format!("'{name}' was not picked: press Enter on the field to pick people");
                return Err(Self::invalid("attendees", m));
            }
            for (_, id) in named {
                if !e.attendees.contains(id) {
                    e.attendees.push(*id);
                }
            }
        }
        let saved = if self.target.is_some() { crm.update(e)? } else { crm.create_event(e)? };
        Ok(saved.record_ref())
    }

    fn save_project(&self, crm: &Crm) -> Result<RecordRef> {
        let mut p = stored_or_new::<Project>(crm, self.target)?;
        p.name = self.value("name").unwrap_or_default();
        p.account = self.account(crm)?;
        p.due =
            self.date(crm, "due")?.ok_or_else(|| Self::invalid("due", "a date is needed: use YYYY-MM-DD".into()))?;
        p.goal = self.value("goal");
        self.store(crm, p)
    }

    fn save_task(&self, crm: &Crm) -> Result<RecordRef> {
        let mut t = stored_or_new::<Task>(crm, self.target)?;
        t.title = self.value("title").unwrap_or_default();
        t.due = self.date(crm, "due")?;
        t.priority = self.value("priority").map(|p| p.parse()).transpose()?.unwrap_or_default();
        t.after = after_numbers(&self.value("after").unwrap_or_default()).map_err(|m| Self::invalid("after", m))?;
        t.notes = self.value("notes");
        self.store(crm, t)
    }

    fn save_stage(&self, crm: &Crm) -> Result<RecordRef> {
        let probability = self.percent("probability")?;
        let name = self.value("name").unwrap_or_default();
        let saved = match self.target {
            Some(id) => crm.edit_stage(id, Some(name), probability)?,
            None => {
                let outcome = self.value("outcome").unwrap_or_else(|| "open".into()).parse()?;
                crm.add_stage(&name, probability, outcome, None)?
            }
        };
        Ok(saved.record_ref())
    }

    fn save_campaign(&self, crm: &Crm) -> Result<RecordRef> {
        let mut c = stored_or_new::<Campaign>(crm, self.target)?;
        c.name = self.value("name").unwrap_or_default();
        c.channel = self.value("channel");
        c.status = self.value("status").map(|s| s.parse()).transpose()?.unwrap_or_default();
        let money =
            |label: &str| self.value(label).map(|v| Amount::parse(&v).map_err(|m| Self::invalid(label, m))).transpose();
        c.budget = money("budget")?;
        c.cost = money("cost")?;
        c.start = self.date(crm, "start")?;
        c.end = self.date(crm, "end")?;
        self.store(crm, c)
    }

    fn save_list(&self, crm: &Crm) -> Result<RecordRef> {
        let mut l = stored_or_new::<ContactList>(crm, self.target)?;
        l.name = self.value("name").unwrap_or_default();
        l.filter = self.value("filter");
        self.store(crm, l)
    }

    fn save_case(&self, crm: &Crm) -> Result<RecordRef> {
        let mut c = stored_or_new::<Case>(crm, self.target)?;
        c.subject = self.value("subject").unwrap_or_default();
        c.priority = self.value("priority").map(|p| p.parse()).transpose()?.unwrap_or_default();
        c.channel = self.value("channel").map(|ch| ch.parse()).transpose()?;
        c.account = self.account(crm)?;
        c.team = self.value("team");
        c.description = self.value("description");
        self.store(crm, c)
    }

    fn save_template(&self, crm: &Crm) -> Result<RecordRef> {
        let mut t = stored_or_new::<Template>(crm, self.target)?;
        t.name = self.value("name").unwrap_or_default();
        t.subject = self.value("subject").unwrap_or_default();
        t.body = self.value("body").unwrap_or_default();
        self.store(crm, t)
    }

    fn save_product(&self, crm: &Crm) -> Result<RecordRef> {
        let mut p = stored_or_new::<Product>(crm, self.target)?;
        p.name = self.value("name").unwrap_or_default();
        p.sku = self.value("sku");
        p.price = Amount::parse(&self.value("price").unwrap_or_default()).map_err(|m| Self::invalid("price", m))?;
        if let Some(c) = self.value("currency") {
            p.currency = crate::model::Currency::parse(&c)?;
        }
        p.active = match self.value("sold").unwrap_or_default().to_lowercase().as_str() {
            "yes" | "y" | "true" | "" => true,
            "no" | "n" | "false" => false,
            other => return Err(Self::invalid("sold", format!("'{other}' is not yes or no"))),
        };
        p.description = self.value("description");
        self.store(crm, p)
    }

    fn save_account(&self, crm: &Crm) -> Result<RecordRef> {
        let mut a = stored_or_new::<Account>(crm, self.target)?;
        a.name = self.value("name").unwrap_or_default();
        a.industry = self.value("industry");
        a.website = self.value("website");
        a.phone = self.value("phone");
        a.address.city = self.value("city");
        a.address.country = self.value("country");
        a.status = match self.value("status") {
            Some(s) => s.parse::<AccountStatus>()?,
            None => AccountStatus::default(),
        };
        self.store(crm, a)
    }
}

/// How a form shows a linked record the actor may not read: the link is kept, its name is not said.
const HIDDEN: &str = "(not yours to see)";

/// The account field's text for the account `id` a record links to: its name, or [`HIDDEN`] when
/// the actor may not read it. Either way the link is put in `picked`, so that saving the form
/// with the field unchanged keeps it (the service keeps links a record already holds).
fn linked_account(crm: &Crm, id: Option<Id>, picked: &mut Option<(String, Id)>) -> Result<String> {
    let Some(id) = id else { return Ok(String::new()) };
    let name = crm.find::<Account>(id)?.map_or_else(|| HIDDEN.to_string(), |a| a.name);
    *picked = Some((name.clone(), id));
    Ok(name)
}

/// Record `id` of kind `R`, or a new empty one when there is no id.
fn stored_or_new<R: Indexed + Default>(crm: &Crm, id: Option<Id>) -> Result<R> {
    id.map_or_else(|| Ok(R::default()), |id| crm.get(id))
}

/// The account called `name` (any case), or an error saying how to make one.
fn account_named(crm: &Crm, name: &str) -> Result<Id> {
    crm.account_named(name)?.ok_or_else(|| {
        Form::invalid("account", format!("no account is called '{name}': create it on the Accounts screen first"))
    })
}
