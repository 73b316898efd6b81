//! The call form: the fastest thing in rolo. It opens on a contact with a timer running and the
//! outcome waiting for one key; notes, a follow-up task and its due date are optional, and
//! `Ctrl-S` saves the call and the task together.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::line::LineField;
use super::widgets::TextArea;
use crate::crm::{Crm, CrmError, Result};
use crate::model::{
    Call, CallDirection, CallOutcome, Contact, Id, Record, Task, Timestamp, ValidationError, parse_duration,
};

/// The fields of the call form, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// One key picks it.
    Outcome,
    /// Several lines.
    Notes,
    /// The follow-up task's title (none when empty).
    FollowUp,
    /// When the follow-up is due.
    Due,
    /// Typed over the timer when it is wrong.
    Duration,
    /// Out or in (`o` / `i`).
    Direction,
}

impl Slot {
    const ORDER: [Slot; 6] = [Slot::Outcome, Slot::Notes, Slot::FollowUp, Slot::Due, Slot::Duration, Slot::Direction];
}

/// The keys that pick an outcome, with what they pick.
pub const OUTCOME_KEYS: [(char, CallOutcome); 5] = [
    ('c', CallOutcome::Connected),
    ('v', CallOutcome::Voicemail),
    ('n', CallOutcome::NoAnswer),
    ('b', CallOutcome::Busy),
    ('w', CallOutcome::WrongNumber),
];

/// A call being logged.
#[derive(Debug, Clone)]
pub struct CallForm {
    /// The contact called.
    pub contact: Id,
    /// The customer service case the call is about, if logged from one.
    pub case: Option<Id>,
    /// Their name (and company), for the title.
    pub who: String,
    /// When the form opened: the call's start, and the timer's zero.
    pub opened: Instant,
    /// The same instant on the calendar.
    pub started_at: Timestamp,
    /// The outcome, once picked.
    pub outcome: Option<CallOutcome>,
    /// Which way the call went.
    pub direction: CallDirection,
    /// The notes typed (Enter breaks the line).
    pub notes: TextArea,
    /// The follow-up task's title.
    pub follow_up: LineField,
    /// Its due date as typed (natural forms), `+3d` proposed.
    pub due: LineField,
    /// A duration typed over the timer.
    pub duration: LineField,
    /// The focused field.
    pub focus: Slot,
    /// Why the last save was refused.
    pub error: Option<String>,
}

impl CallForm {
    /// A form for calling contact `id`, the timer starting now.
    pub fn open(crm: &Crm, id: Id) -> Result<CallForm> {
        let c: Contact = crm.get(id)?;
        if c.do_not_call {
            return Err(CrmError::DoNotCall { name: c.full_name() });
        }
        Ok(CallForm {
            contact: id,
            case: None,
            who: c.label(),
            opened: Instant::now(),
            started_at: crm.session().now(),
            outcome: None,
            direction: CallDirection::Out,
            notes: TextArea::default(),
            follow_up: LineField::default(),
            due: LineField::proposed("+3d"),
            duration: LineField::default(),
            focus: Slot::Outcome,
            error: None,
        })
    }

    /// Seconds on the timer.
    pub fn elapsed(&self) -> u32 {
        self.opened.elapsed().as_secs().min(u64::from(u32::MAX)) as u32
    }

    /// Moves the focus to the next (or previous) field.
    pub fn tab(&mut self, back: bool) {
        let at = Slot::ORDER.iter().position(|&s| s == self.focus).unwrap_or(0);
        let n = Slot::ORDER.len();
        self.focus = Slot::ORDER[if back { (at + n - 1) % n } else { (at + 1) % n }];
    }

    /// A key the call table leaves to the fields: one character picks the outcome or direction in
    /// those fields; the text fields edit as every field does.
    pub fn key(&mut self, key: KeyEvent) {
        match (self.focus, key.code) {
            (Slot::Outcome, KeyCode::Char(ch)) => {
                self.error = None;
                match OUTCOME_KEYS.iter().find(|(k, _)| *k == ch.to_ascii_lowercase()) {
                    Some(&(_, o)) => {
                        self.outcome = Some(o);
                        self.focus = Slot::Notes;
                    }
                    None => self.error = Some("first the outcome: c, v, n, b or w (Tab skips to the notes)".into()),
                }
            }
            (Slot::Direction, KeyCode::Char('o' | 'O')) => self.direction = CallDirection::Out,
            (Slot::Direction, KeyCode::Char('i' | 'I')) => self.direction = CallDirection::In,
            (Slot::Notes, _) => {
                if self.notes.handle(key) == Some(true) {
                    self.error = None;
                }
            }
            _ => {
                if let Some(text) = self.text_mut()
                    && text.handle(key) == Some(true)
                {
                    self.error = None;
                }
            }
        }
    }

    /// The focused text field, if the focus is on one.
    fn text_mut(&mut self) -> Option<&mut LineField> {
        match self.focus {
            Slot::FollowUp => Some(&mut self.follow_up),
            Slot::Due => Some(&mut self.due),
            Slot::Duration => Some(&mut self.duration),
            Slot::Outcome | Slot::Direction | Slot::Notes => None,
        }
    }

    /// Saves the call (and the follow-up task, if titled) in one transaction. A refused value
    /// focuses its field and says why; nothing is written then.
    pub fn save(&mut self, crm: &Crm) -> Result<(Call, Option<Task>)> {
        let fail = |form: &mut CallForm, slot: Slot, field: &str, message: String| {
            form.focus = slot;
            form.error = Some(format!("{field}: {message}"));
            CrmError::Invalid(ValidationError::new(field, message))
        };
        let Some(outcome) = self.outcome else {
            return Err(fail(self, Slot::Outcome, "outcome", "press c, v, n, b or w first".into()));
        };
        let duration_secs = match self.duration.value().trim() {
            "" => self.elapsed(),
            typed => match parse_duration(typed) {
                Ok(d) => d,
                Err(m) => return Err(fail(self, Slot::Duration, "duration", m)),
            },
        };
        let follow_up = match self.follow_up.value().trim() {
            "" => None,
            title => {
                let due = match self.due.value().trim() {
                    "" => None,
                    d => match crm.session().dates().parse(d, crm.session().today()) {
                        Ok(d) => Some(d),
                        Err(m) => return Err(fail(self, Slot::Due, "due", m)),
                    },
                };
                Some(Task { title: title.to_string(), due, ..Default::default() })
            }
        };
        let notes = Some(self.notes.value().trim().to_string()).filter(|n| !n.is_empty());
        let call = Call {
            contact: self.contact,
            direction: self.direction,
            started_at: self.started_at,
            duration_secs,
            outcome,
            notes,
            case: self.case,
            ..Default::default()
        };
        crm.log_call_with_follow_up(call, follow_up).inspect_err(|e| self.error = Some(e.to_string()))
    }
}
