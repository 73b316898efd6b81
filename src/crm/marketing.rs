//! Marketing: lists, templates and campaigns named by id or exact name, dynamic lists answered
//! when used, the mail settings, and emails: one-to-one, to today's birthdays, and a campaign's,
//! at most once per recipient and campaign.
//!
//! Sending is the one exception to all-or-nothing: each message is recorded (pending) in a
//! transaction of its own before it is handed to the mail server, and marked with what the
//! server answered after. A send that stops half-way leaves what went recorded as sent; a
//! message still pending then may or may not have gone (uncertain), and goes again only when
//! asked. Sent mail cannot be taken back, so none of it is undoable.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde::Serialize;

use super::filter::Vocabulary;
use super::{Crm, CrmError, Result, Tx};
use crate::mail::{Handed, MailSettings, Outbox, Outgoing, UNSUBSCRIBE_LINE};
use crate::model::merge::Merge;
use crate::model::{
    Act, Campaign, CampaignStatus, Consent, Contact, ContactList, Delivery, Directory, Id, Kind, Message, Record,
    RecordRef, Response, Right, Template, ValidationError, Validity,
};
use crate::store::Read;
use crate::store::keys::SortField;

/// The setting key the mail settings are stored under.
const MAIL: &str = "mail";

/// One message made for one contact, not yet sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// The recipient.
    pub contact: Id,
    /// Their name.
    pub name: String,
    /// The address it goes to.
    pub to: String,
    /// The subject, merged.
    pub subject: String,
    /// The body, merged.
    pub body: String,
    /// The template it came from.
    pub template: Option<Id>,
    /// The record of an earlier attempt (failed, or uncertain and sent again), reused.
    #[serde(skip)]
    pub earlier: Option<Id>,
}

/// The contacts a send leaves out, with why.
pub type Skipped = Vec<(Id, Skip)>;

/// Why a contact gets no campaign mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    /// They opted out of mail.
    OptedOut,
    /// Their address is known not to work.
    Invalid,
    /// Mail to them came back.
    Bounced,
    /// They have no address.
    NoAddress,
}

impl Skip {
    /// As people read it.
    pub fn word(self) -> &'static str {
        match self {
            Skip::OptedOut => "opted out",
            Skip::Invalid => "invalid address",
            Skip::Bounced => "bounced",
            Skip::NoAddress => "no address",
        }
    }
}

/// Who a campaign send reaches, worked out before anything is sent: the `--dry-run`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignPlan {
    /// The campaign.
    pub campaign: Id,
    /// The list sent to.
    pub list: Id,
    /// The template used.
    pub template: Id,
    /// The messages to send, in list order.
    pub send: Vec<Draft>,
    /// The contacts left out, with why.
    pub skipped: Skipped,
    /// Contacts this campaign already reached (sent, written or bounced).
    pub already: usize,
    /// Contacts whose message was handed over with no answer (an interrupted send): not sent
    /// again unless asked.
    pub uncertain: Vec<Id>,
}

/// What a send did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SendReport {
    /// Taken by the mail server.
    pub sent: usize,
    /// Written to files.
    pub written: usize,
    /// Refused addresses (now marked bounced).
    pub bounced: usize,
    /// Not handed over; sent again by the next send.
    pub failed: usize,
    /// Left out: opted out, invalid, bounced, no address.
    pub skipped: usize,
    /// Left out as possibly sent by an interrupted send.
    pub uncertain: usize,
    /// Reached by an earlier send.
    pub already: usize,
    /// Why the send stopped before the end, if it did.
    pub stopped: Option<String>,
}

/// A campaign as the Marketing screen lists it: its plan and what it brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignSummary {
    /// The campaign itself.
    pub campaign: Campaign,
    /// Contacts on its lists (each once; a dynamic list's as its filter keeps them now).
    pub members: usize,
    /// What its sends came to: sent, written, bounced, failed, uncertain, skipped by the last.
    pub sends: SendReport,
    /// Leads that name it.
    pub leads: u32,
    /// Deals that name it or whose lead does.
    pub deals: u32,
    /// Those deals' won amount, in the report's currency.
    pub won: crate::model::Amount,
    /// The currency of `won`.
    pub currency: crate::model::Currency,
}

impl SendReport {
    /// What the send did, in a few words: `3 sent, 1 bounced, 2 skipped` (`nobody to send to`).
    pub fn counts(&self) -> String {
        let counts = [
            (self.sent, "sent"),
            (self.written, "written"),
            (self.bounced, "bounced"),
            (self.failed, "failed"),
            (self.skipped, "skipped"),
            (self.uncertain, "uncertain (not sent again: --resend-uncertain)"),
            (self.already, "sent before"),
        ];
        let parts: Vec<String> = counts.iter().filter(|(n, _)| *n > 0).map(|(n, w)| format!("{n} {w}")).collect();
        if parts.is_empty() { "nobody to send to".to_string() } else { parts.join(", ") }
    }
}

impl Crm {
    /// Every campaign the actor reads with its members, sends, responses, leads, deals and won
    /// revenue: the Marketing screen's rows.
    pub fn campaign_summaries(&self) -> Result<Vec<CampaignSummary>> {
        let report = self.campaigns_report(super::ReportQuery::default())?;
        let results: HashMap<Id, &super::CampaignRow> = report.campaigns.iter().map(|r| (r.id, r)).collect();
        let mut rows = Vec::new();
        // A list several campaigns reach (a dynamic one is a filter pass) is read once.
        let mut lists: HashMap<Id, Vec<Id>> = HashMap::new();
        for campaign in self.list::<Campaign>(|_| true)? {
            let mut members = std::collections::HashSet::new();
            for &list in &campaign.lists {
                let ids = match lists.entry(list) {
                    Entry::Occupied(known) => known.into_mut(),
                    Entry::Vacant(slot) => slot.insert(self.list_members(list)?),
                };
                members.extend(ids.iter().copied());
            }
            let result = results.get(&campaign.id);
            rows.push(CampaignSummary {
                members: members.len(),
                sends: self.campaign_sends(&campaign)?,
                leads: result.map_or(0, |r| r.leads),
                deals: result.map_or(0, |r| r.opportunities),
                won: result.map_or(crate::model::Amount(0), |r| r.won),
                currency: report.currency,
                campaign,
            });
        }
        Ok(rows)
    }

    /// What a campaign's emails came to, each contact's last: sent, written, bounced, failed,
    /// uncertain (handed over with no answer), and the contacts its last send skipped.
    pub fn campaign_sends(&self, campaign: &Campaign) -> Result<SendReport> {
        let mut report = SendReport { skipped: campaign.skipped as usize, ..Default::default() };
        for m in self.linking::<Message>(campaign.record_ref())? {
            match m.result {
                Delivery::Sent => report.sent += 1,
                Delivery::Written => report.written += 1,
                Delivery::Bounced => report.bounced += 1,
                Delivery::Failed => report.failed += 1,
                Delivery::Pending => report.uncertain += 1,
            }
        }
        Ok(report)
    }

    /// The list, template or campaign `text` names: its id, or its exact name (else its name
    /// in any case, when only one has it).
    pub fn named(&self, kind: Kind, text: &str) -> Result<Id> {
        let text = text.trim();
        if let Ok(id) = text.parse::<Id>() {
            return match self.exists(RecordRef::new(kind, id))? {
                true => Ok(id),
                false => Err(CrmError::NotFound(RecordRef::new(kind, id))),
            };
        }
        let names: Vec<(Id, String)> = crate::model::with_record_type!(kind, T => self
            .list::<T>(|_| true)?
            .into_iter()
            .map(|r| (r.id(), r.label()))
            .collect());
        let exact: Vec<Id> = names.iter().filter(|(_, n)| n == text).map(|(id, _)| *id).collect();
        let folded: Vec<Id> =
            names.iter().filter(|(_, n)| n.to_lowercase() == text.to_lowercase()).map(|(id, _)| *id).collect();
        match (exact.as_slice(), folded.as_slice()) {
            ([id], _) | ([], [id]) => Ok(*id),
            ([], []) => Err(CrmError::NoSuchName { kind: kind.name(), name: text.to_string() }),
            (_, many) => Err(CrmError::SameName { kind: kind.name(), name: text.to_string(), count: many.len() }),
        }
    }

    /// The contacts on a list, in its order: a static list's members, or the contacts a dynamic
    /// list's filter keeps today (by name). Only those the actor may read.
    pub fn list_members(&self, list: Id) -> Result<Vec<Id>> {
        let list: ContactList = self.get(list)?;
        match &list.filter {
            None => Ok(list.members),
            Some(text) => {
                let filter = self.parse_filter(Kind::Contact, text, self.session().today())?;
                Ok(self.filtered(&filter, usize::MAX)?.ids)
            }
        }
    }

    /// Every list the actor reads with how many contacts it holds now (a dynamic list's as its
    /// filter keeps them): what `rolo list list` and the Marketing screen show.
    pub fn lists_with_sizes(&self) -> Result<Vec<(ContactList, usize)>> {
        let lists = self.list::<ContactList>(|_| true)?;
        lists
            .into_iter()
            .map(|l| {
                let members = self.list_members(l.id)?.len();
                Ok((l, members))
            })
            .collect()
    }

    /// Saves the contacts filter `filter` as a dynamic list called `name`.
    pub fn save_filter_as_list(&self, name: &str, filter: &str) -> Result<ContactList> {
        self.create(ContactList { name: name.to_string(), filter: Some(filter.to_string()), ..Default::default() })
    }

    /// The mail settings, the password included: for sending, not for showing (see
    /// [`MailSettings::shown`]).
    pub fn mail_settings(&self) -> Result<MailSettings> {
        Ok(self.reader()?.setting(MAIL)?.unwrap_or_default())
    }

    /// Sets one mail setting (`smtp.url`, `smtp.from`, `smtp.rate`; empty clears it): needs the
    /// settings right.
    pub fn set_mail_setting(&self, key: &str, value: &str) -> Result<MailSettings> {
        self.write(|tx| {
            tx.require(Right::Settings)?;
            let mut settings: MailSettings = tx.w.setting(MAIL)?.unwrap_or_default();
            settings.set(key, value)?;
            tx.w.set_setting(MAIL, &settings)?;
            tx.undo = None;
            Ok(settings)
        })
    }

    /// A contact mail can go to, with the address it goes to; refused, saying why, when they
    /// have none that works.
    pub fn reachable(&self, contact: Id) -> Result<(Contact, String)> {
        let c: Contact = self.get(contact)?;
        let to = usable_address(&c).map_err(|why| {
            ValidationError::new("to", format!("{} has {}: add a working address first", c.full_name(), why.word()))
        })?;
        let to = to.to_string();
        Ok((c, to))
    }

    /// A message to one contact from a template, or from a subject and body of its own
    /// (merged as a template would be).
    pub fn compose(&self, contact: Id, template: Option<Id>, subject: &str, body: &str) -> Result<Draft> {
        let (c, to) = self.reachable(contact)?;
        let (subject, body) = match template {
            Some(t) => self.get::<Template>(t)?.parts()?,
            None => {
                let t = Template {
                    name: "message".into(),
                    subject: subject.into(),
                    body: body.into(),
                    ..Default::default()
                };
                t.validate()?;
                t.parts()?
            }
        };
        Ok(self.draft(&c, &to, template, (&subject, &body), &self.directory()?))
    }

    /// `c`'s message from a parsed subject and body, the owner's name and address read from `dir`
    /// (read once for a whole send).
    fn draft(&self, c: &Contact, to: &str, template: Option<Id>, text: (&Merge, &Merge), dir: &Directory) -> Draft {
        let values = self.merge_values(c, to, dir);
        let value = |field: &str| values.get(field).cloned();
        Draft {
            contact: c.id,
            name: c.full_name(),
            to: to.to_string(),
            subject: text.0.render(value).lines().next().unwrap_or_default().to_string(),
            body: text.1.render(value),
            template,
            earlier: None,
        }
    }

    /// The merge fields' values for one recipient.
    fn merge_values(&self, c: &Contact, to: &str, dir: &Directory) -> HashMap<&'static str, String> {
        let mut values = HashMap::from([
            ("first_name", c.first_name.clone()),
            ("last_name", c.last_name.clone()),
            ("email", to.to_string()),
        ]);
        values.extend(c.title.clone().map(|t| ("title", t)));
        if let Some(account) = c.account {
            values.insert("account.name", self.label(RecordRef::new(Kind::Account, account)));
        }
        if let Some(owner) = dir.user(&c.owner) {
            values.insert("owner.name", owner.name.clone());
            values.extend(owner.email.clone().map(|e| ("owner.email", e)));
        }
        values
    }

    /// Renders a template for one contact, as it would be sent (`rolo template preview`).
    pub fn preview(&self, template: Id, contact: Id) -> Result<Draft> {
        self.compose(contact, Some(template), "", "")
    }

    /// Sends one message to a contact (the communication centre) and files it on their
    /// timeline; what the server answered is in the message's result.
    pub fn send_email(&self, draft: Draft, outbox: &mut dyn Outbox) -> Result<Message> {
        let from = self.sender()?;
        let (message, handed) = self.hand(&draft, None, &from, self.reply_to()?, outbox)?;
        match handed {
            Handed::Stop(why) => Err(CrmError::Mail(why)),
            _ => Ok(message),
        }
    }

    /// Where replies to one-to-one mail go: the user's own address.
    fn reply_to(&self) -> Result<Option<String>> {
        Ok(self.directory()?.user(self.user()).and_then(|u| u.email.clone()))
    }

    /// The sender every message carries: `smtp.from`, else the user's own name and address.
    fn sender(&self) -> Result<String> {
        if let Some(from) = self.mail_settings()?.from {
            return Ok(from);
        }
        let dir = self.directory()?;
        match dir.user(self.user()).and_then(|u| u.email.clone().map(|e| format!("{} <{e}>", u.name))) {
            Some(from) => Ok(from),
            None => Err(CrmError::Mail(
                "no sender: set one with `rolo settings set smtp.from \"Name <address>\"` (settings right), \
                 or give yourself an email address (rolo user edit LOGIN --email …)"
                    .into(),
            )),
        }
    }

    /// Records `draft` as pending, hands it over, and records what became of it.
    fn hand(
        &self,
        draft: &Draft,
        campaign: Option<Id>,
        from: &str,
        reply_to: Option<String>,
        outbox: &mut dyn Outbox,
    ) -> Result<(Message, Handed)> {
        let pending = self.write(|tx| {
            tx.undo = None;
            let message = Message {
                contact: draft.contact,
                to: draft.to.clone(),
                subject: draft.subject.clone(),
                body: draft.body.clone(),
                at: tx.now,
                campaign,
                template: draft.template,
                result: Delivery::Pending,
                ..Default::default()
            };
            match draft.earlier {
                Some(id) => {
                    let earlier: Message = tx.get(id)?;
                    tx.update(Message { id, owner: earlier.owner, created: earlier.created, ..message }, None)
                }
                None => tx.create(message),
            }
        })?;
        let unsubscribe = campaign.is_some();
        let body = match unsubscribe {
            true => format!("{}\n\n-- \n{UNSUBSCRIBE_LINE}\n", draft.body.trim_end()),
            false => draft.body.clone(),
        };
        let outgoing = Outgoing {
            id: pending.id,
            from: from.to_string(),
            reply_to,
            to: draft.to.clone(),
            to_name: draft.name.clone(),
            subject: draft.subject.clone(),
            body,
            unsubscribe,
        };
        let handed = outbox.hand(&outgoing);
        let (result, error) = match &handed {
            Handed::Sent => (Delivery::Sent, None),
            Handed::Written(_) => (Delivery::Written, None),
            Handed::Bounced(why) => (Delivery::Bounced, Some(why.clone())),
            Handed::Failed(why) | Handed::Stop(why) => (Delivery::Failed, Some(why.clone())),
        };
        let message = self.write(|tx| {
            tx.undo = None;
            if result == Delivery::Bounced {
                tx.consequence(|tx| mark_bounced(tx, draft.contact, &draft.to))?;
            }
            tx.consequence(|tx| tx.update(Message { result, error, ..pending }, None))
        })?;
        Ok((message, handed))
    }

    /// Who a campaign send would reach and what they would get, without sending: needs the
    /// send right.
    pub fn plan_campaign(&self, campaign: Id, template: Id, list: Id, resend_uncertain: bool) -> Result<CampaignPlan> {
        self.actor()?.require(Right::Send)?;
        let c: Campaign = self.get(campaign)?;
        self.may(Act::Edit, &c)?;
        let (subject, body) = self.get::<Template>(template)?.parts()?;
        let dir = self.directory()?;
        let mut earlier: HashMap<Id, (Id, Delivery)> = HashMap::new();
        for m in self.linking::<Message>(c.record_ref())? {
            earlier.insert(m.contact, (m.id, m.result));
        }
        let mut plan = CampaignPlan {
            campaign,
            list,
            template,
            send: Vec::new(),
            skipped: Vec::new(),
            already: 0,
            uncertain: Vec::new(),
        };
        let members = self.list_members(list)?;
        for contact in self.many::<Contact>(&members)? {
            let again = match earlier.get(&contact.id) {
                Some((_, Delivery::Sent | Delivery::Written | Delivery::Bounced)) => {
                    plan.already += 1;
                    continue;
                }
                Some((_, Delivery::Pending)) if !resend_uncertain => {
                    plan.uncertain.push(contact.id);
                    continue;
                }
                Some((id, _)) => Some(*id),
                None => None,
            };
            match campaign_address(&contact) {
                Ok(to) => {
                    let draft = self.draft(&contact, to, Some(template), (&subject, &body), &dir);
                    plan.send.push(Draft { earlier: again, ..draft });
                }
                Err(why) => plan.skipped.push((contact.id, why)),
            }
        }
        Ok(plan)
    }

    /// Sends a campaign as planned, one message at a time (at the outbox's rate), calling
    /// `progress` with how many of how many were handed over; records the list on the
    /// campaign (which becomes active) and how many were skipped.
    pub fn send_campaign(
        &self,
        plan: &CampaignPlan,
        outbox: &mut dyn Outbox,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<SendReport> {
        let from = self.sender()?;
        self.write(|tx| {
            tx.require(Right::Send)?;
            tx.undo = None;
            let mut c: Campaign = tx.get(plan.campaign)?;
            if !c.lists.contains(&plan.list) {
                c.lists.push(plan.list);
            }
            if c.status == CampaignStatus::Planned {
                c.status = CampaignStatus::Active;
            }
            c.skipped = u32::try_from(plan.skipped.len()).unwrap_or(u32::MAX);
            tx.update(c, Some(format!("sending to {} contacts", plan.send.len())))
        })?;
        let report = SendReport {
            skipped: plan.skipped.len(),
            uncertain: plan.uncertain.len(),
            already: plan.already,
            ..Default::default()
        };
        let each = Sending { campaign: Some(plan.campaign), from, reply_to: None };
        self.send_each(&plan.send, &each, outbox, progress, report)
    }

    /// Hands `drafts` over one by one, counting what became of each into `report`, until the
    /// end or a stop; calls `progress` with how many of how many went.
    fn send_each(
        &self,
        drafts: &[Draft],
        each: &Sending,
        outbox: &mut dyn Outbox,
        progress: &mut dyn FnMut(usize, usize),
        mut report: SendReport,
    ) -> Result<SendReport> {
        for (done, draft) in drafts.iter().enumerate() {
            progress(done, drafts.len());
            let (_, handed) = self.hand(draft, each.campaign, &each.from, each.reply_to.clone(), outbox)?;
            match handed {
                Handed::Sent => report.sent += 1,
                Handed::Written(_) => report.written += 1,
                Handed::Bounced(_) => report.bounced += 1,
                Handed::Failed(_) => report.failed += 1,
                Handed::Stop(why) => {
                    report.failed += 1;
                    report.stopped = Some(why);
                    break;
                }
            }
        }
        progress(drafts.len(), drafts.len());
        Ok(report)
    }

    /// Sends today's birthday messages ([`Crm::birthday_drafts`]), each as one-to-one mail.
    pub fn send_birthdays(&self, drafts: &[Draft], skipped: usize, outbox: &mut dyn Outbox) -> Result<SendReport> {
        let each = Sending { campaign: None, from: self.sender()?, reply_to: self.reply_to()? };
        self.send_each(drafts, &each, outbox, &mut |_, _| {}, SendReport { skipped, ..Default::default() })
    }

    /// Today's birthdays (of the contacts the actor reads) as messages from `template`; the
    /// opted out, those without a working address, and those greeted with it today are left out.
    pub fn birthday_drafts(&self, template: Id) -> Result<(Vec<Draft>, Skipped)> {
        let today = self.session().today();
        let (subject, body) = self.get::<Template>(template)?.parts()?;
        let dir = self.directory()?;
        let (items, _) = self.birthdays(today, 1, usize::MAX)?;
        let ids: Vec<Id> = items.iter().map(|i| i.record.id).collect();
        let (mut send, mut skipped) = (Vec::new(), Vec::new());
        for c in self.many::<Contact>(&ids)? {
            let greeted = self.linking::<Message>(c.record_ref())?.iter().any(|m| {
                m.template == Some(template) && self.session().day_of(m.at) == today && m.result != Delivery::Failed
            });
            if greeted {
                continue;
            }
            match campaign_address(&c) {
                Ok(to) => send.push(self.draft(&c, to, Some(template), (&subject, &body), &dir)),
                Err(why) => skipped.push((c.id, why)),
            }
        }
        Ok((send, skipped))
    }

    /// Records that a contact answered a campaign, with the lead or deal it brought (which
    /// are filed under the campaign too).
    pub fn campaign_response(&self, campaign: Id, contact: Id, lead: Option<Id>, deal: Option<Id>) -> Result<Campaign> {
        self.write(|tx| {
            let mut c: Campaign = tx.get(campaign)?;
            let person: Contact = tx.get(contact)?;
            tx.allow(Act::Read, &person)?;
            if let Some(id) = lead {
                let mut l: crate::model::Lead = tx.get(id)?;
                if l.campaign.is_none() {
                    l.campaign = Some(campaign);
                    tx.update(l, None)?;
                }
            }
            if let Some(id) = deal {
                let mut d: crate::model::Opportunity = tx.get(id)?;
                if d.campaign.is_none() {
                    d.campaign = Some(campaign);
                    tx.update(d, None)?;
                }
            }
            c.responses.push(Response { contact, lead, deal, at: tx.now });
            tx.update(c, Some(format!("{} responded", person.full_name())))
        })
    }

    /// Opts out every address given, whoever's contact has it, in one transaction (an
    /// unsubscribe list: needs the import right); returns how many addresses changed and the
    /// addresses no contact has.
    pub fn opt_out(&self, addresses: &[String]) -> Result<(usize, Vec<String>)> {
        let wanted: Vec<String> = addresses.iter().map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect();
        self.write(|tx| {
            let mut changed = 0;
            let mut found = std::collections::HashSet::new();
            tx.require(Right::Import)?;
            let mut ids = Vec::new();
            for a in &wanted {
                // The contacts with this address, and any whose address shares its hash: only
                // the addresses asked for are opted out below.
                let from = crate::store::keys::email_lookup(a);
                let to = crate::store::keys::prefix_end(&from);
                ids.extend(tx.index()?.sorted(Kind::Contact, SortField::Email, &from, Some(&to), false, usize::MAX)?);
            }
            let asked: std::collections::HashSet<&str> = wanted.iter().map(String::as_str).collect();
            let mut seen = std::collections::HashSet::new();
            for id in ids.into_iter().filter(|id| seen.insert(*id)) {
                let mut c: Contact = tx.get(id)?;
                let mut touched = false;
                for e in &mut c.emails {
                    let a = e.address.to_lowercase();
                    if asked.contains(a.as_str()) {
                        found.insert(a);
                        if e.consent != Consent::OptedOut {
                            e.consent = Consent::OptedOut;
                            touched = true;
                            changed += 1;
                        }
                    }
                }
                if touched {
                    tx.consequence(|tx| tx.update(c, Some("opted out (unsubscribe list)".into())))?;
                }
            }
            let unknown = wanted.iter().filter(|a| !found.contains(*a)).cloned().collect();
            Ok((changed, unknown))
        })
    }
}

/// A contact's address for mail: the first that is not invalid or bounced.
fn usable_address(c: &Contact) -> std::result::Result<&str, Skip> {
    if c.emails.is_empty() {
        return Err(Skip::NoAddress);
    }
    let usable = c.emails.iter().find(|e| !matches!(e.validity, Validity::Invalid | Validity::Bounced));
    match usable {
        Some(e) => Ok(&e.address),
        None if c.emails.iter().any(|e| e.validity == Validity::Bounced) => Err(Skip::Bounced),
        None => Err(Skip::Invalid),
    }
}

/// A contact's address for campaign (and birthday) mail: none when they opted out at any
/// address, else their usable one.
fn campaign_address(c: &Contact) -> std::result::Result<&str, Skip> {
    match c.emails.iter().any(|e| e.consent == Consent::OptedOut) {
        true => Err(Skip::OptedOut),
        false => usable_address(c),
    }
}

/// How each message of one send goes out.
struct Sending {
    /// The campaign it belongs to, if any (campaign mail carries the unsubscribe line).
    campaign: Option<Id>,
    /// The sender.
    from: String,
    /// Where replies go.
    reply_to: Option<String>,
}

/// Marks the address a message bounced from.
fn mark_bounced(tx: &mut Tx, contact: Id, address: &str) -> Result<()> {
    let mut c: Contact = tx.get(contact)?;
    let Some(e) = c.emails.iter_mut().find(|e| e.address.eq_ignore_ascii_case(address)) else { return Ok(()) };
    e.validity = Validity::Bounced;
    tx.update(c, Some(format!("{address} bounced")))?;
    Ok(())
}

impl Tx<'_> {
    /// The rules of lists and templates, at every create and update: a dynamic list's filter
    /// must read as a contacts filter; list and template names are unique (commands name them).
    pub(super) fn marketing_rules<R: Record>(&mut self, rec: &R) -> Result<()> {
        if let Some(list) = super::rules::as_kind::<ContactList, _>(rec) {
            if let Some(text) = &list.filter {
                let today = self.now.date_in(chrono_tz::UTC);
                crate::crm::Filter::parse(Kind::Contact, text, &Vocabulary::default(), today)
                    .map_err(|e| ValidationError::new("filter", e.to_string()))?;
            }
            self.unique_name::<ContactList>(list.id, &list.name)?;
        }
        if let Some(t) = super::rules::as_kind::<Template, _>(rec) {
            self.unique_name::<Template>(t.id, &t.name)?;
        }
        Ok(())
    }

    fn unique_name<R: crate::store::Indexed>(&self, id: Id, name: &str) -> Result<()> {
        let name = name.trim();
        let taken = self.read().all::<R>(|r| r.id() != id && r.label().trim().eq_ignore_ascii_case(name))?;
        match taken.first() {
            Some(other) => Err(CrmError::DuplicateName { kind: R::KIND.name(), name: other.label() }),
            None => Ok(()),
        }
    }
}
