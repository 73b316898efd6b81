//! `y` and `Y`: the selected record's email or phone number put on the user's clipboard, through
//! the loop's host (OSC 52, which passes through SSH), never written to a terminal from here.

use super::App;
use crate::crm::{Crm, Result};
use crate::model::{Account, Call, Contact, Kind, Lead, Opportunity, RecordRef, Task};

/// How to reach the person behind a record: an email address and a phone number, each if known.
#[derive(Debug, Default)]
struct Reach {
    email: Option<String>,
    phone: Option<String>,
}

impl App {
    /// Asks the loop to copy the email (or with `phone_first` the phone number) of the record
    /// the user is looking at, the other when it has none, and says what was copied.
    pub(super) fn copy_reach(&mut self, phone_first: bool) -> Result<()> {
        let Some(r) = self.current() else { return Ok(()) };
        let reach = reach(&self.crm, r)?;
        let (first, second) = match phone_first {
            true => (reach.phone, reach.email),
            false => (reach.email, reach.phone),
        };
        match first.or(second).filter(|t| !t.trim().is_empty()) {
            Some(text) => {
                self.say(format!("copied {text} (your terminal must allow OSC 52)"));
                self.clipboard = Some(text);
            }
            None => self.say_error(format!("{} has no email or phone to copy", self.crm.label(r))),
        }
        Ok(())
    }

    /// The text to put on the user's clipboard, when `y` asked for it: the loop hands it to its
    /// host ([`Host::copy`](crate::tui::Host::copy)).
    pub fn take_copy_request(&mut self) -> Option<String> {
        self.clipboard.take()
    }

    /// Says why the clipboard could not be reached.
    pub fn say_copy_failed(&mut self, e: &std::io::Error) {
        self.say_error(format!("could not copy: {e}"));
    }
}

/// How to reach whoever `r` stands for: a person, company or lead itself; a deal through its
/// contact, else its account; a call or task through its contact (else a task's account).
fn reach(crm: &Crm, r: RecordRef) -> Result<Reach> {
    // A linked record the user may not read reaches no one.
    let linked = |kind: Kind, id: Option<u64>| match id {
        Some(id) => reach(crm, RecordRef::new(kind, id)).or_else(|_| Ok(Reach::default())),
        None => Ok(Reach::default()),
    };
    let either = |first: Result<Reach>, then: &dyn Fn() -> Result<Reach>| {
        let first = first?;
        if first.email.is_some() || first.phone.is_some() { Ok(first) } else { then() }
    };
    match r.kind {
        Kind::Contact => {
            let c: Contact = crm.get(r.id)?;
            let (email, phone) = (c.primary_email().map(str::to_string), c.primary_phone().map(str::to_string));
            Ok(Reach { email, phone })
        }
        Kind::Account => {
            let a: Account = crm.get(r.id)?;
            Ok(Reach { email: a.email, phone: a.phone })
        }
        Kind::Lead => {
            let l: Lead = crm.get(r.id)?;
            Ok(Reach { email: l.email, phone: l.phone })
        }
        Kind::Opportunity => {
            let o: Opportunity = crm.get(r.id)?;
            either(linked(Kind::Contact, o.contact), &|| linked(Kind::Account, Some(o.account)))
        }
        Kind::Call => {
            let c: Call = crm.get(r.id)?;
            linked(Kind::Contact, Some(c.contact))
        }
        Kind::Task => {
            let t: Task = crm.get(r.id)?;
            either(linked(Kind::Contact, t.contact), &|| linked(Kind::Account, t.account))
        }
        _ => Ok(Reach::default()),
    }
}
