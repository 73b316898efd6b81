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
        self.write(|tx| {
            if !tx.read().exists(target)? {
                return Err(CrmError::NotFound(target));
            }
            let note = Note {
                id: 0,
                target,
                text: text.trim().to_string(),
                owner: String::new(),
                created: Default::default(),
                updated: Default::default(),
            };
            tx.create(note)
        })
    }

    /// Puts a contact on a list (once).
    pub fn add_list_member(&self, list: Id, contact: Id) -> Result<ContactList> {
        self.write(|tx| {
            let mut l: ContactList = tx.get(list)?;
            let c: Contact = tx.get(contact)?;
            if l.members.contains(&contact) {
                return Err(CrmError::Conflict(format!("{} is already on the list '{}'", c.full_name(), l.name)));
            }
            l.members.push(contact);
            tx.update(l, Some(format!("added {}", c.full_name())))
        })
    }
}

use crate::store::Read as _;
