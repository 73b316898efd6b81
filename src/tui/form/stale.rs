//! A form over a record someone else may change meanwhile: it saves against the version it was
//! filled from, and after a refusal reloads the record without losing what was typed.

use super::Form;
use crate::crm::{Crm, Result, Version};
use crate::model::RecordRef;
use crate::text::count;

impl Form {
    /// The form as filled from `version` of its record: what its fields hold now is what was read.
    pub(super) fn read_at(mut self, version: Option<Version>) -> Form {
        self.version = version;
        self.opened = self.fields.iter().map(|f| f.value().into_owned()).collect();
        self
    }

    /// The handle a save goes through: one refusing it when the record edited has changed since
    /// the form read it (a new record's form expects nothing).
    pub(super) fn saving(&self, crm: &Crm) -> Crm {
        match (self.target, self.version) {
            (Some(id), Some(seen)) => crm.expecting(RecordRef::new(self.kind, id), seen),
            _ => crm.clone(),
        }
    }

    /// What to say when a save returned no record: why it was refused as changed meanwhile, or
    /// what the focused field's problem is.
    pub fn problem(&self) -> String {
        match &self.stale {
            Some(stale) => stale.clone(),
            None => {
                let field = &self.fields[self.focus];
                format!("{}: {}", field.label, field.error.clone().unwrap_or_default())
            }
        }
    }

    /// Reads the record edited again, as it is now, keeping what was typed; says what it did.
    ///
    /// Someone who typed for a while expects none of it lost, and none of the other person's
    /// change overwritten unseen. So a field typed in keeps the typed value; every other field
    /// takes the record's value as it is now; and a field both changed keeps the typed value and
    /// says under it what the record holds now, so the next save overwrites it knowingly. The
    /// form then saves against the version just read.
    pub fn reload(&mut self, crm: &Crm) -> Result<String> {
        let Some(id) = self.target else { return Ok("a new record: nothing to reload".into()) };
        let fresh = match self.converting {
            Some(lead) => Form::convert(crm, lead)?,
            None => Form::open(crm, self.kind, Some(id))?,
        };
        let mine = std::mem::replace(self, fresh);
        let mut both = 0;
        let mut kept = Vec::new();
        for field in &mut self.fields {
            let Some(j) = mine.fields.iter().position(|f| f.label == field.label) else { continue };
            let (typed, read) = (mine.fields[j].value(), mine.opened.get(j).map_or("", String::as_str));
            if typed == read {
                continue;
            }
            let now = field.value().into_owned();
            if now != read && now != typed {
                let shown = if now.is_empty() { "empty".to_string() } else { format!("'{now}'") };
                field.error = Some(format!("now {shown} in the record; Ctrl-S saves yours"));
                both += 1;
            }
            field.input = mine.fields[j].input.clone();
            kept.push(field.label);
        }
        // A picked account or attendees go with their field's text.
        if kept.contains(&"account") {
            self.picked = mine.picked.clone();
        }
        if kept.contains(&"attendees") {
            self.attendees = mine.attendees.clone();
        }
        self.focus = mine.focus.min(self.fields.len().saturating_sub(1));
        self.dirty = mine.dirty;
        self.refresh_hint(crm);
        let typed = count(kept.len(), "field", "fields");
        Ok(match (kept.len(), both) {
            (0, _) => "reloaded: the record as it is now".to_string(),
            (_, 0) => format!("reloaded; what you typed in {typed} kept"),
            (_, b) => format!("reloaded; what you typed in {typed} kept, {b} of them changed meanwhile too (marked)"),
        })
    }
}
