//! Create and edit forms: labelled one-line fields, Tab between them, errors shown under the
//! field they are about.

use crate::crm::{Crm, CrmError, Result};
use crate::model::{Account, AccountStatus, Address, Contact, Date, Email, Id, Kind, Phone, Record, RecordRef};

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
