//! Marketing: campaigns, the contact lists they reach, email templates, and the emails sent or
//! written to contacts (one-to-one or for a campaign).

use serde::{Deserialize, Serialize};

use super::merge::Merge;
use super::{
    Amount, Currency, Date, Id, Kind, Link, Record, RecordRef, Timestamp, ValidationError, check_kept_address,
    clear_if, link_opt, link_owned, max_len, non_negative, record_basics, require, swap_id, swap_in_list, word_enum,
};

word_enum!(
    /// Where a campaign stands.
    CampaignStatus, "status" {
        #[default] Planned = "planned",
        Active = "active",
        Completed = "completed",
        Cancelled = "cancelled",
    }
);

/// Someone who answered a campaign, recorded by hand (rolo receives no mail), with the lead or
/// deal that came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Who answered.
    pub contact: Id,
    /// The lead it brought, if any.
    pub lead: Option<Id>,
    /// The deal it brought, if any.
    pub deal: Option<Id>,
    /// When it was recorded.
    pub at: Timestamp,
}

/// A marketing push that brings in leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Campaign {
    /// Number.
    pub id: Id,
    /// Name (required).
    pub name: String,
    /// `email`, `web`, `trade show`...
    pub channel: Option<String>,
    /// Planned, active...
    pub status: CampaignStatus,
    /// What it may cost.
    pub budget: Option<Amount>,
    /// What it has cost so far.
    pub cost: Option<Amount>,
    /// Currency of the budget and cost.
    pub currency: Currency,
    /// First day.
    pub start: Option<Date>,
    /// Last day.
    pub end: Option<Date>,
    /// The contact lists it reaches, in the order they were sent to.
    pub lists: Vec<Id>,
    /// The answers recorded, in the order they came.
    pub responses: Vec<Response>,
    /// Recipients left out by its last send (opted out, invalid, bounced, no address).
    pub skipped: u32,
    /// The person in charge.
    pub owner: String,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Record for Campaign {
    const KIND: Kind = Kind::Campaign;
    record_basics!(owner);

    fn validate(&self) -> Result<(), ValidationError> {
        require("name", &self.name)?;
        for (field, amount) in [("budget", self.budget), ("cost", self.cost)] {
            if let Some(a) = amount {
                non_negative(field, a)?;
            }
        }
        if let (Some(s), Some(e)) = (self.start, self.end)
            && e < s
        {
            return Err(ValidationError::new("end", format!("{e} is before the start, {s}")));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        let lists = self.lists.iter().filter_map(|&l| link_opt("list", Kind::ContactList, Some(l)));
        let answers = self.responses.iter().flat_map(|r| {
            [
                link_opt("response", Kind::Contact, Some(r.contact)),
                link_opt("response lead", Kind::Lead, r.lead),
                link_opt("response deal", Kind::Opportunity, r.deal),
            ]
        });
        lists.chain(answers.flatten()).collect()
    }

    fn unlink(&mut self, target: RecordRef) {
        match target.kind {
            Kind::ContactList => self.lists.retain(|&l| l != target.id),
            Kind::Contact => self.responses.retain(|r| r.contact != target.id),
            _ => {
                for r in &mut self.responses {
                    clear_if(&mut r.lead, Kind::Lead, target);
                    clear_if(&mut r.deal, Kind::Opportunity, target);
                }
            }
        }
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        for r in &mut self.responses {
            swap_id(&mut r.contact, from, to);
        }
    }

    fn hide(&mut self, seen: &dyn Fn(RecordRef) -> bool) {
        self.responses.retain(|r| seen(RecordRef::new(Kind::Contact, r.contact)));
    }

    fn keep_hidden(&mut self, old: &Self, seen: &dyn Fn(RecordRef) -> bool) {
        let unseen = old.responses.iter().filter(|r| !seen(RecordRef::new(Kind::Contact, r.contact)));
        let mut kept: Vec<Response> = unseen.cloned().collect();
        kept.append(&mut self.responses);
        kept.sort_by_key(|r| r.at);
        self.responses = kept;
    }

    fn label(&self) -> String {
        self.name.clone()
    }
}

/// A named set of contacts (a mailing, a call list): static, its members added by hand, or
/// dynamic, the contacts a saved filter keeps when the list is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContactList {
    /// Number.
    pub id: Id,
    /// Name (required).
    pub name: String,
    /// The contacts on a static list, in the order they were added.
    pub members: Vec<Id>,
    /// A dynamic list's filter, in the contacts' filter language (`country:france tag:vip`).
    pub filter: Option<String>,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl ContactList {
    /// Whether its members come from a filter rather than by hand.
    pub fn is_dynamic(&self) -> bool {
        self.filter.is_some()
    }
}

impl Record for ContactList {
    const KIND: Kind = Kind::ContactList;
    record_basics!();

    fn validate(&self) -> Result<(), ValidationError> {
        require("name", &self.name)?;
        if let Some(f) = &self.filter {
            require("filter", f)?;
            if !self.members.is_empty() {
                return Err(ValidationError::new(
                    "filter",
                    "a list with members added by hand cannot also have a filter: make a new dynamic list",
                ));
            }
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        self.members.iter().filter_map(|&m| link_opt("member", Kind::Contact, Some(m))).collect()
    }

    fn unlink(&mut self, target: RecordRef) {
        if target.kind == Kind::Contact {
            self.members.retain(|&m| m != target.id);
        }
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        swap_in_list(&mut self.members, from, to);
    }

    fn hide(&mut self, seen: &dyn Fn(RecordRef) -> bool) {
        super::seen_contacts(&mut self.members, seen);
    }

    fn keep_hidden(&mut self, old: &Self, seen: &dyn Fn(RecordRef) -> bool) {
        super::keep_unseen_contacts(&mut self.members, &old.members, seen);
    }

    fn label(&self) -> String {
        self.name.clone()
    }
}

/// An email template: a subject and body with merge fields (`{{first_name|there}}`), shared by
/// everyone, checked when saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Template {
    /// Number.
    pub id: Id,
    /// Name (required, and how commands name it).
    pub name: String,
    /// The subject line.
    pub subject: String,
    /// The body, plain text.
    pub body: String,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Template {
    /// The subject and body parsed for merging (they were checked when saved).
    pub fn parts(&self) -> Result<(Merge, Merge), ValidationError> {
        let parse =
            |field: &str, text: &str| Merge::parse(text).map_err(|e| ValidationError::new(field, e.to_string()));
        Ok((parse("subject", &self.subject)?, parse("body", &self.body)?))
    }
}

impl Record for Template {
    const KIND: Kind = Kind::Template;
    record_basics!();

    fn validate(&self) -> Result<(), ValidationError> {
        require("name", &self.name)?;
        require("subject", &self.subject)?;
        require("body", &self.body)?;
        self.parts().map(|_| ())
    }

    fn label(&self) -> String {
        self.name.clone()
    }
}

word_enum!(
    /// What became of an email.
    Delivery, "result" {
        /// Recorded, then handed to the mail server, with no answer yet: after an
        /// interruption, it may or may not have gone (uncertain).
        #[default] Pending = "pending",
        /// The mail server took it.
        Sent = "sent",
        /// Written to a `.eml` file rather than sent.
        Written = "written",
        /// The mail server refused the address at once: the address is marked bounced.
        Bounced = "bounced",
        /// It could not be handed over (the server was unreachable or refused it for now).
        Failed = "failed",
    }
);

/// An email to a contact, sent or written to a file: an activity on the contact's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Message {
    /// Number.
    pub id: Id,
    /// The contact it went to.
    pub contact: Id,
    /// The address it went to.
    pub to: String,
    /// The subject line, merged.
    pub subject: String,
    /// The body, merged.
    pub body: String,
    /// When it was handed over.
    pub at: Timestamp,
    /// The campaign it was part of.
    pub campaign: Option<Id>,
    /// The template it was made from.
    pub template: Option<Id>,
    /// The customer service case it answered.
    pub case: Option<Id>,
    /// What became of it.
    pub result: Delivery,
    /// The mail server's answer when it was not sent.
    pub error: Option<String>,
    /// Who sent it.
    pub owner: String,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Record for Message {
    const KIND: Kind = Kind::Email;
    record_basics!(owner);

    fn validate(&self) -> Result<(), ValidationError> {
        check_kept_address(&self.to).map_err(|e| ValidationError::new("to", e.message))?;
        require("subject", &self.subject)?;
        max_len("subject", &self.subject, 500)?;
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        let mut links = vec![link_owned("contact", RecordRef::new(Kind::Contact, self.contact))];
        links.extend(link_opt("campaign", Kind::Campaign, self.campaign));
        links.extend(link_opt("template", Kind::Template, self.template));
        links.extend(link_opt("case", Kind::Case, self.case));
        links
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.campaign, Kind::Campaign, target);
        clear_if(&mut self.template, Kind::Template, target);
        clear_if(&mut self.case, Kind::Case, target);
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        swap_id(&mut self.contact, from, to);
    }

    fn label(&self) -> String {
        self.subject.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_names_the_unknown_field_it_refuses() {
        let t = Template {
            name: "Hi".into(),
            subject: "Hello {{first_nme}}".into(),
            body: "x".into(),
            ..Default::default()
        };
        let err = t.validate().unwrap_err();
        assert_eq!(err.field, "subject");
        assert!(err.message.contains("first_nme"), "{err}");
        let ok = Template { subject: "Hello {{first_name|there}}".into(), ..t };
        assert!(ok.validate().is_ok());
    }

    #[test]
    fn a_list_is_static_or_dynamic() {
        let both =
            ContactList { name: "L".into(), members: vec![1], filter: Some("tag:vip".into()), ..Default::default() };
        assert_eq!(both.validate().unwrap_err().field, "filter");
        let dynamic = ContactList { members: vec![], ..both };
        assert!(dynamic.validate().is_ok() && dynamic.is_dynamic());
    }

    #[test]
    fn a_campaign_lets_go_of_what_is_deleted() {
        let answer = |contact| Response { contact, lead: Some(4), deal: Some(5), at: Timestamp(contact as i64) };
        let mut c = Campaign {
            name: "C".into(),
            lists: vec![2, 3],
            responses: vec![answer(7), answer(8)],
            ..Default::default()
        };
        assert_eq!(c.links().len(), 2 + 6);
        c.unlink(RecordRef::new(Kind::ContactList, 2));
        c.unlink(RecordRef::new(Kind::Contact, 7));
        c.unlink(RecordRef::new(Kind::Lead, 4));
        assert_eq!(c.lists, vec![3]);
        assert_eq!(c.responses, vec![Response { lead: None, ..answer(8) }]);
    }
}
