//! People entered twice: finding the pairs (the same keys an import uses: an email in any case,
//! a phone number however it is written, or the same name at the same company) and merging a
//! pair into one contact that keeps everything of both.

use serde::{Deserialize, Serialize};

use super::import::{People, merge_contact};
use super::{Crm, CrmError, Result, Tx};
use crate::model::{Contact, Id, Kind, Note, Record, RecordRef, ValidationError};
use crate::store::Read;

/// Two contacts that look like one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicatePair {
    /// The older contact (the one a merge keeps unless told otherwise).
    pub first: Id,
    /// Its name.
    pub first_name: String,
    /// The newer contact.
    pub second: Id,
    /// Its name.
    pub second_name: String,
    /// What they share ("same email ann@acme.example").
    pub reason: String,
}

impl Crm {
    /// Pairs of contacts that look like one person, oldest first, at most `limit`. Each newer
    /// contact is paired with the oldest one it matches, so three copies make two pairs.
    pub fn duplicate_contacts(&self, limit: usize) -> Result<Vec<DuplicatePair>> {
        let r = self.reader()?;
        let mut people = People::default();
        let mut pairs = Vec::new();
        r.each::<Contact>(|c| {
            if let Some((first, reason, _)) = people.find(&c, None, &mut |id| r.get(id).ok().flatten()) {
                pairs.push((first, c.id, c.full_name(), reason));
            }
            people.learn(&c, None);
            pairs.len() < limit
        })?;
        drop(people);
        let mut out = Vec::with_capacity(pairs.len());
        for (first, second, second_name, reason) in pairs {
            let first_name = r.get::<Contact>(first)?.map(|c| c.full_name()).unwrap_or_default();
            out.push(DuplicatePair { first, first_name, second, second_name, reason });
        }
        Ok(out)
    }

    /// Merges contact `gone` into contact `keep`, in one transaction: `keep` gains the names and
    /// fields it lacks and every email (an opt-out wins), phone, address, label and interest of
    /// `gone`; every call, task, meeting, deal, note, list and converted lead of `gone` moves to
    /// `keep`; a note on `keep` says what was merged; then `gone` is deleted.
    pub fn merge_contacts(&self, keep: Id, gone: Id) -> Result<Contact> {
        self.write(|tx| tx.merge_contacts(keep, gone))
    }
}

impl Tx<'_> {
    fn merge_contacts(&mut self, keep: Id, gone: Id) -> Result<Contact> {
        if keep == gone {
            return Err(ValidationError::new("contact", "is the same contact twice: name two different ones").into());
        }
        let mut kept: Contact = self.get(keep)?;
        let merged: Contact = self.get(gone)?;
        // Contacts out of sight are not there; the one kept is changed, the other removed.
        self.allow(crate::model::Act::Edit, &kept)?;
        self.allow(crate::model::Act::Delete, &merged)?;
        let (from, to) = (RecordRef::new(Kind::Contact, gone), RecordRef::new(Kind::Contact, keep));
        let summary = format!("merged {} ({from}) into {to}", merged.full_name());
        for src in self.index()?.referrers(from)? {
            if src == from {
                continue;
            }
            crate::model::with_record_type!(src.kind, T => {
                let mut rec: T = self.get(src.id)?;
                rec.relink_contact(gone, keep);
                self.update(rec, Some(summary.clone()))?;
            });
        }
        let name = merged.full_name();
        merge_contact(&mut kept, merged);
        let kept = self.update(kept, Some(summary))?;
        let remaining = self.index()?.referrers(from)?;
        if remaining.iter().any(|&r| r != from) {
            let by = super::count_by_kind(&remaining);
            return Err(CrmError::StillLinked { record: from, by });
        }
        self.delete::<Contact>(gone)?;
        let note = format!("Merged with {name} (was {from}): emails, phones, activities and notes moved here.");
        self.create(Note {
            id: 0,
            target: to,
            text: note,
            owner: String::new(),
            created: self.now(),
            updated: self.now(),
        })?;
        Ok(kept)
    }
}
