//! Mail the app sends to many at once: a campaign (`S` on the Marketing screen) or today's
//! birthdays (`B` on the Agenda). A form names the template (and a campaign's list), the send
//! is worked out without sending (`Planned`), the user confirms what it says, and the app's mail
//! job sends it on a worker.

use crate::crm::{CampaignPlan, Crm, CrmError, Draft, Result, SendReport};
use crate::mail::Outbox;
use crate::model::Id;

/// The work of one send on a worker: the service, the outbox, and a callback saying how far it
/// got; returns what to say.
pub type MailWork = Box<dyn FnOnce(&Crm, &mut dyn Outbox, &mut dyn FnMut(usize, usize)) -> Result<String> + Send>;

/// What a send form sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendTo {
    /// This campaign, to a list.
    Campaign(Id),
    /// Today's birthdays.
    Birthdays,
}

/// A send worked out and not yet made: who gets what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// A campaign's.
    Campaign(CampaignPlan),
    /// Today's greetings, and how many birthdays are left out.
    Birthdays(Vec<Draft>, usize),
}

impl Planned {
    /// The messages to send.
    fn drafts(&self) -> &[Draft] {
        match self {
            Planned::Campaign(p) => &p.send,
            Planned::Birthdays(drafts, _) => drafts,
        }
    }

    /// Who else it leaves out, in words: "1 skipped, 2 sent before, 0 uncertain".
    fn left_out(&self) -> String {
        match self {
            Planned::Campaign(p) => {
                format!("{} skipped, {} sent before, {} uncertain", p.skipped.len(), p.already, p.uncertain.len())
            }
            Planned::Birthdays(_, skipped) => format!("{skipped} skipped"),
        }
    }

    /// What to ask before sending `what`, or (`Err`) why there is nobody to send it to.
    pub fn question(&self, what: &str) -> std::result::Result<String, String> {
        let drafts = self.drafts();
        match drafts.first() {
            Some(first) => Ok(format!(
                "Send {what} to {} contacts ({})? The first: '{}' to {} <{}>.",
                drafts.len(),
                self.left_out(),
                first.subject,
                first.name,
                first.to
            )),
            None => Err(format!("nobody to send {what} to: {}", self.left_out())),
        }
    }

    /// The send itself, saying its counts as `what: 3 sent, …` (an error when it stopped or some
    /// failed).
    pub fn work(self, what: String) -> MailWork {
        Box::new(move |crm, outbox, progress| {
            let report = match &self {
                Planned::Campaign(plan) => crm.send_campaign(plan, outbox, progress)?,
                Planned::Birthdays(drafts, skipped) => crm.send_birthdays(drafts, *skipped, outbox)?,
            };
            said(&what, &report)
        })
    }
}

/// A send's report in words; an error when it stopped or some failed, which the next send
/// retries.
fn said(what: &str, report: &SendReport) -> Result<String> {
    let said = format!("{what}: {}", report.counts());
    match (&report.stopped, report.failed) {
        (Some(why), _) => Err(CrmError::Mail(format!("{said}; stopped: {why}"))),
        (None, 0) => Ok(said),
        (None, _) => Err(CrmError::Mail(format!("{said}: sending again retries the failed"))),
    }
}
