//! Create and edit forms: labelled one-line fields, Tab between them, errors shown under the
//! field they are about.

use crate::crm::{Crm, CrmError, Result};
use crate::model::{
    Account, AccountStatus, Address, Amount, Contact, Date, Email, Id, Kind, Opportunity, Phone, Record, RecordRef,
    Stage,
};

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The label, also the name validation errors use.
    pub label: &'static str,
    /// What is typed.
    pub value: String,
    /// Why the value was refused.
    pub error: Option<String>,
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
    /// The account chosen in the picker: its name as shown, and its id (names can repeat).
    pub picked: Option<(String, Id)>,
}

fn field(label: &'static str, value: impl Into<String>) -> Field {
    Field { label, value: value.into(), error: None }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl Form {
    /// A form for `kind`: empty, or filled from record `id`.
    pub fn open(crm: &Crm, kind: Kind, id: Option<Id>) -> Result<Form> {
        let fields = match kind {
            Kind::Contact => {
                let c = match id {
                    Some(id) => crm.get::<Contact>(id)?,
                    None => Contact::default(),
                };
                let account = match c.account {
                    Some(a) => crm.get::<Account>(a).map(|a| a.name).unwrap_or_default(),
                    None => String::new(),
                };
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
                    field("birthday", c.birthday.map(|b| b.to_string()).unwrap_or_default()),
                ]
            }
            Kind::Opportunity => {
                let o = match id {
                    Some(id) => crm.get::<Opportunity>(id)?,
                    None => Opportunity::default(),
                };
                let account = crm.get::<Account>(o.account).map(|a| a.name).unwrap_or_default();
                let stage = crm.get::<Stage>(o.stage).map(|s| s.name).unwrap_or_default();
                let mut form = Form::opportunity(&o, account, stage);
                form.target = id;
                return Ok(form);
            }
            _ => {
                let a = match id {
                    Some(id) => crm.get::<Account>(id)?,
                    None => Account::default(),
                };
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
        Ok(Form { kind, target: id, fields, focus: 0, dirty: false, picked: None })
    }

    /// A form for a new deal in `stage` (the first open stage when `None`), closing in 30 days.
    pub fn new_opportunity(crm: &Crm, stage: Option<String>) -> Result<Form> {
        let stage = match stage {
            Some(s) => s,
            None => crm.stages()?.into_iter().next().map(|s| s.name).unwrap_or_default(),
        };
        let o = Opportunity { close_date: Date::today().add_days(30), ..Default::default() };
        let mut form = Form::opportunity(&o, String::new(), stage);
        form.fields.iter_mut().filter(|f| matches!(f.label, "probability" | "amount")).for_each(|f| f.value.clear());
        Ok(form)
    }

    fn opportunity(o: &Opportunity, account: String, stage: String) -> Form {
        let fields = vec![
            field("name", o.name.clone()),
            field("account", account),
            field("amount", o.amount.to_string()),
            field("currency", o.currency.to_string()),
            field("close date", o.close_date.to_string()),
            field("stage", stage),
            field("probability", if o.probability_manual { o.probability.to_string() } else { String::new() }),
            field("next step", opt(&o.next_step)),
            field("next step date", o.next_step_date.map(|d| d.to_string()).unwrap_or_default()),
        ];
        Form { kind: Kind::Opportunity, target: None, fields, focus: 0, dirty: false, picked: None }
    }

    /// The title over the form.
    pub fn title(&self) -> String {
        match self.target {
            Some(id) => format!("Edit {} {id}", self.kind),
            None => format!("New {}", self.kind),
        }
    }

    /// Types a character into the focused field.
    pub fn type_char(&mut self, c: char) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.value.push(c);
            f.error = None;
            self.dirty = true;
        }
    }

    /// Deletes the last character of the focused field.
    pub fn backspace(&mut self) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.value.pop();
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
        self.fields.iter().find(|f| f.label == label).map(|f| f.value.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// Puts `message` under the field called `label` (or the first field) and focuses it.
    fn fail(&mut self, label: &str, message: String) {
        let i = self.fields.iter().position(|f| f.label == label).unwrap_or(0);
        self.fields[i].error = Some(message);
        self.focus = i;
    }

    /// Validates and saves; on a refused value, marks the field and returns `None`.
    pub fn save(&mut self, crm: &Crm) -> Result<Option<RecordRef>> {
        for f in &mut self.fields {
            f.error = None;
        }
        let saved = match self.kind {
            Kind::Contact => self.save_contact(crm),
            Kind::Opportunity => self.save_opportunity(crm),
            _ => self.save_account(crm),
        };
        match saved {
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
            Err(other) => Err(other),
        }
    }

    fn invalid(field: &str, message: String) -> CrmError {
        CrmError::Invalid(crate::model::ValidationError::new(field, message))
    }

    fn save_contact(&self, crm: &Crm) -> Result<RecordRef> {
        let mut c = match self.target {
            Some(id) => crm.get::<Contact>(id)?,
            None => Contact::default(),
        };
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
        c.account = match (self.value("account"), &self.picked) {
            (None, _) => None,
            (Some(name), Some((picked, id))) if &name == picked => Some(*id),
            (Some(name), _) => Some(account_named(crm, &name)?),
        };
        if c.addresses.is_empty() {
            c.addresses.push(Address::default());
        }
        c.addresses[0].city = self.value("city");
        c.addresses[0].country = self.value("country");
        c.addresses.retain(|a| !a.is_empty());
        c.birthday = match self.value("birthday") {
            None => None,
            Some(b) => Some(Date::parse_relative(&b, Date::today()).map_err(|m| Self::invalid("birthday", m))?),
        };
        let saved = if self.target.is_some() { crm.update(c)? } else { crm.create(c)? };
        Ok(saved.record_ref())
    }

    fn save_opportunity(&self, crm: &Crm) -> Result<RecordRef> {
        let mut o = match self.target {
            Some(id) => crm.get::<Opportunity>(id)?,
            None => Opportunity::default(),
        };
        o.name = self.value("name").unwrap_or_default();
        o.account = match (self.value("account"), &self.picked) {
            (None, _) => return Err(Self::invalid("account", "is required: pick the deal's account (Enter)".into())),
            (Some(name), Some((picked, id))) if &name == picked => *id,
            (Some(name), _) => account_named(crm, &name)?,
        };
        o.amount = Amount::parse(&self.value("amount").unwrap_or_else(|| "0".into()))
            .map_err(|m| Self::invalid("amount", m))?;
        if let Some(c) = self.value("currency") {
            o.currency = crate::model::Currency::parse(&c)?;
        }
        let close = self.value("close date").unwrap_or_default();
        o.close_date = Date::parse_relative(&close, Date::today()).map_err(|m| Self::invalid("close date", m))?;
        let stage_name = self.value("stage").unwrap_or_default();
        let stage = crm.stage_named(&stage_name).map_err(|e| Self::invalid("stage", e.to_string()))?;
        o.stage = stage.id;
        match self.value("probability") {
            Some(p) => {
                o.probability =
                    p.trim_end_matches('%').parse().ok().filter(|p| *p <= 100).ok_or_else(|| {
                        Self::invalid("probability", format!("'{p}' is not a percentage from 0 to 100"))
                    })?;
                o.probability_manual = true;
            }
            None => {
                o.probability = stage.probability;
                o.probability_manual = false;
            }
        }
        o.next_step = self.value("next step");
        o.next_step_date = match self.value("next step date") {
            None => None,
            Some(d) => Some(Date::parse_relative(&d, Date::today()).map_err(|m| Self::invalid("next step date", m))?),
        };
        let saved = if self.target.is_some() { crm.update_opportunity(o)? } else { crm.create_opportunity(o)? };
        Ok(saved.record_ref())
    }

    fn save_account(&self, crm: &Crm) -> Result<RecordRef> {
        let mut a = match self.target {
            Some(id) => crm.get::<Account>(id)?,
            None => Account::default(),
        };
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
        let saved = if self.target.is_some() { crm.update(a)? } else { crm.create(a)? };
        Ok(saved.record_ref())
    }
}

/// The account called `name` (any case), or an error saying how to make one.
fn account_named(crm: &Crm, name: &str) -> Result<Id> {
    crm.account_named(name)?.ok_or_else(|| {
        Form::invalid("account", format!("no account is called '{name}': create it on the Accounts screen first"))
    })
}
