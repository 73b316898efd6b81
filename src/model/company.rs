//! Organisations and what is written about them: accounts, their addresses, notes.

use serde::{Deserialize, Serialize};

use super::{
    Amount, Currency, Id, Kind, Link, Record, RecordRef, Timestamp, ValidationError, check_email, clear_if, link_opt,
    link_owned, max_len, non_negative, record_basics, require, swap_id, word_enum,
};

/// A postal address; every part optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Address {
    /// `work`, `home`, `billing`...
    pub label: Option<String>,
    /// Street and number.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State, province or region.
    pub region: Option<String>,
    /// Postal or ZIP code.
    pub postal_code: Option<String>,
    /// Country name or code.
    pub country: Option<String>,
}

impl Address {
    /// Whether no part is filled in.
    pub fn is_empty(&self) -> bool {
        [&self.street, &self.city, &self.region, &self.postal_code, &self.country]
            .iter()
            .all(|p| p.as_deref().is_none_or(|s| s.trim().is_empty()))
    }

    /// The filled-in parts on one line.
    pub fn one_line(&self) -> String {
        [&self.street, &self.postal_code, &self.city, &self.region, &self.country]
            .iter()
            .filter_map(|p| p.as_deref())
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

word_enum!(
    /// Where an organisation stands with us.
    AccountStatus, "status" {
        #[default] Prospect = "prospect",
        Customer = "customer",
        Former = "former",
        Archived = "archived",
    }
);

/// An organisation: prospect, customer or partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Account {
    /// Number.
    pub id: Id,
    /// Name (required).
    pub name: String,
    /// Line of business.
    pub industry: Option<String>,
    /// Web address.
    pub website: Option<String>,
    /// Main phone number.
    pub phone: Option<String>,
    /// Main email address.
    pub email: Option<String>,
    /// Head office.
    pub address: Address,
    /// Head count.
    pub employees: Option<u32>,
    /// Yearly revenue, in `currency`.
    pub annual_revenue: Option<Amount>,
    /// Currency of the revenue figure.
    pub currency: Currency,
    /// The account this one is a branch of.
    pub parent: Option<Id>,
    /// Prospect, customer...
    pub status: AccountStatus,
    /// The rep in charge.
    pub owner: String,
    /// Free labels.
    pub tags: Vec<String>,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Record for Account {
    const KIND: Kind = Kind::Account;
    record_basics!(owner, tags);

    fn validate(&self) -> Result<(), ValidationError> {
        require("name", &self.name)?;
        max_len("name", &self.name, 300)?;
        if let Some(e) = &self.email {
            check_email(e)?;
        }
        if let Some(r) = self.annual_revenue {
            non_negative("revenue", r)?;
        }
        if self.parent.is_some() && self.parent == Some(self.id) && self.id != 0 {
            return Err(ValidationError::new("parent", "an account cannot be its own parent"));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        link_opt("parent", Kind::Account, self.parent).into_iter().collect()
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.parent, Kind::Account, target);
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn search_text(&self) -> Option<String> {
        let parts = [Some(self.name.clone()), self.address.city.clone(), self.website.clone(), self.phone.clone()];
        // Labels too: a search or a list filter for "vip" finds what is labelled so.
        let parts = parts.into_iter().flatten().chain(self.tags.iter().cloned());
        Some(parts.collect::<Vec<_>>().join("\t"))
    }
}

/// Free text attached to an account, contact, lead or opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Number.
    pub id: Id,
    /// The record it is about.
    pub target: RecordRef,
    /// The note itself.
    pub text: String,
    /// Who wrote it.
    pub owner: String,
    /// When it was written.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Note {
    /// A new note on `target` (trimmed; the service fills id, owner and times).
    pub fn new(target: RecordRef, text: &str) -> Note {
        Note {
            id: 0,
            target,
            text: text.trim().to_string(),
            owner: String::new(),
            created: Default::default(),
            updated: Default::default(),
        }
    }
}

impl Record for Note {
    const KIND: Kind = Kind::Note;
    record_basics!(owner);

    fn validate(&self) -> Result<(), ValidationError> {
        require("text", &self.text)?;
        max_len("text", &self.text, 100_000)?;
        if !matches!(self.target.kind, Kind::Account | Kind::Contact | Kind::Lead | Kind::Opportunity) {
            return Err(ValidationError::new("to", "notes go on an account, contact, lead or opp"));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        vec![link_owned("to", self.target)]
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        if self.target.kind == Kind::Contact {
            swap_id(&mut self.target.id, from, to);
        }
    }

    fn label(&self) -> String {
        self.text.lines().next().unwrap_or_default().to_string()
    }
}
