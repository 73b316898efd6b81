//! Commands about people and what is attached to them: email consent and validity, notes, lists.

use serde::{Deserialize, Serialize};

use super::{Crm, CrmError, Result};
use crate::model::{Consent, Contact, ContactList, Id, Note, RecordRef, ValidationError, Validity};

/// A change to one email address's consent or validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailStatusChange {
    /// The person agreed to receive mail.
    OptIn,
    /// The person asked not to receive mail.
    OptOut,
    /// Mail arrives.
    Valid,
    /// The address cannot receive mail.
    Invalid,
    /// Mail came back.
    Bounced,
}

impl Crm {
    /// Sets the consent or validity of one of a contact's addresses (matched ignoring case).
    pub fn set_email_status(&self, contact: Id, address: &str, change: EmailStatusChange) -> Result<Contact> {
        self.write(|tx| {
            let mut c: Contact = tx.get(contact)?;
            let wanted = address.trim().to_lowercase();
            let known: Vec<String> = c.emails.iter().map(|e| e.address.clone()).collect();
            let email = c.emails.iter_mut().find(|e| e.address.to_lowercase() == wanted).ok_or_else(|| {
                let have = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                ValidationError::new(
                    "email",
                    format!("contact {contact} has no address '{}' (it has: {have})", address.trim()),
                )
            })?;
            match change {
                EmailStatusChange::OptIn => email.consent = Consent::OptedIn,
                EmailStatusChange::OptOut => email.consent = Consent::OptedOut,
                EmailStatusChange::Valid => email.validity = Validity::Valid,
                EmailStatusChange::Invalid => email.validity = Validity::Invalid,
                EmailStatusChange::Bounced => email.validity = Validity::Bounced,
            }
            tx.update(c, None)
        })
    }

    /// Writes a note on an account, contact, lead or opportunity.
    pub fn add_note(&self, target: RecordRef, text: &str) -> Result<Note> {
        self.add_note_owned(target, text, None)
    }

    /// Adds a note owned by `owner` (a login, lower-cased; the actor when none): giving it to
    /// someone else needs the assign right.
    pub fn add_note_owned(&self, target: RecordRef, text: &str, owner: Option<&str>) -> Result<Note> {
        self.write(|tx| {
            if !tx.read().exists(target)? {
                return Err(CrmError::NotFound(target));
            }
            let mut note = Note::new(target, text);
            note.owner = owner.map(|o| o.trim().to_lowercase()).unwrap_or_default();
            tx.create(note)
        })
    }

    /// Adds a label to each record (those that take labels: contacts, accounts), in one
    /// transaction; returns how many changed.
    pub fn tag(&self, targets: &[RecordRef], tag: &str) -> Result<usize> {
        let tag = tag.trim();
        if tag.is_empty() {
            return Err(ValidationError::new("tag", "is empty: type a label").into());
        }
        self.change_each(targets, |rec| match rec.tags_field() {
            Some(tags) if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) => {
                tags.push(tag.to_string());
                Ok(true)
            }
            Some(_) => Ok(false),
            None => Err(ValidationError::new("tag", "this kind of record has no labels").into()),
        })
    }

    /// Applies `change` to each record and saves the changed ones, all in one transaction.
    fn change_each(
        &self,
        targets: &[RecordRef],
        change: impl Fn(&mut dyn crate::model::RecordFields) -> Result<bool>,
    ) -> Result<usize> {
        self.write(|tx| {
            let mut changed = 0;
            for t in targets {
                crate::model::with_record_type!(t.kind, T => {
                    let mut rec: T = tx.get(t.id)?;
                    if change(&mut rec)? {
                        tx.update(rec, None)?;
                        changed += 1;
                    }
                });
            }
            Ok(changed)
        })
    }

    /// Puts contacts on the list called `name` (made when there is none), each once; returns
    /// how many were added.
    pub fn add_to_list(&self, name: &str, contacts: &[Id]) -> Result<usize> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ValidationError::new("list", "is empty: type the list's name").into());
        }
        self.write(|tx| {
            let existing = tx.read().all::<ContactList>(|l| l.name.eq_ignore_ascii_case(name))?.into_iter().next();
            let mut list = match existing {
                Some(l) if l.is_dynamic() => return Err(dynamic(&l)),
                Some(l) => l,
                None => tx.create(ContactList { name: name.to_string(), ..Default::default() })?,
            };
            for &c in contacts {
                tx.allow(crate::model::Act::Read, &tx.get::<Contact>(c)?)?;
            }
            let before = list.members.len();
            for &c in contacts {
                if !list.members.contains(&c) {
                    list.members.push(c);
                }
            }
            let added = list.members.len() - before;
            tx.update(list, Some(format!("added {added} contacts")))?;
            Ok(added)
        })
    }

    /// Puts a contact on a list (once).
    pub fn add_list_member(&self, list: Id, contact: Id) -> Result<ContactList> {
        self.write(|tx| {
            let mut l: ContactList = tx.get(list)?;
            tx.allow(crate::model::Act::Edit, &l)?;
            if l.is_dynamic() {
                return Err(dynamic(&l));
            }
            let c: Contact = tx.get(contact)?;
            tx.allow(crate::model::Act::Read, &c)?;
            if l.members.contains(&contact) {
                return Err(CrmError::Already { record: c.full_name(), state: format!("on the list '{}'", l.name) });
            }
            l.members.push(contact);
            // The list's trail names the member by number: it is read by whoever may see the
            // list, not only by those who may see the contact.
            tx.update(l, Some(format!("added contact {contact}")))
        })
    }
}

use crate::store::Read as _;

/// The refusal to put contacts on a dynamic list by hand.
fn dynamic(list: &ContactList) -> CrmError {
    let why = format!(
        "the list '{}' is dynamic: its contacts are those its filter keeps; change the filter instead",
        list.name
    );
    ValidationError::new("list", why).into()
}
