//! People: contacts (someone at an account, or on their own) and leads (someone not yet qualified).

use serde::{Deserialize, Serialize};

use super::{
    Address, Date, Id, Kind, Link, Record, RecordRef, Timestamp, ValidationError, check_email, clear_if, link_opt,
    link_req, max_len, record_basics, require, swap_id, word_enum,
};

word_enum!(
    /// Whether the person agreed to receive email at an address.
    Consent, "consent" {
        #[default] Unknown = "unknown",
        OptedIn = "opted_in",
        OptedOut = "opted_out",
    }
);

word_enum!(
    /// Whether mail to an address is known to arrive.
    Validity, "validity" {
        #[default] Unknown = "unknown",
        Valid = "valid",
        Invalid = "invalid",
        Bounced = "bounced",
    }
);

/// One email address of a contact, with its consent and deliverability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The address itself.
    pub address: String,
    /// `work`, `home`...
    pub label: Option<String>,
    /// Opt-in status.
    pub consent: Consent,
    /// Deliverability.
    pub validity: Validity,
}

impl Email {
    /// A new address with unknown consent and validity.
    pub fn new(address: impl Into<String>) -> Email {
        Email {
            address: address.into().trim().to_string(),
            label: None,
            consent: Consent::Unknown,
            validity: Validity::Unknown,
        }
    }
}

/// One phone number with a label (`mobile`, `work`...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// The number as written.
    pub number: String,
    /// `mobile`, `work`, `home`...
    pub label: Option<String>,
}

impl Phone {
    /// A number with no label.
    pub fn new(number: impl Into<String>) -> Phone {
        Phone { number: number.into().trim().to_string(), label: None }
    }
}

/// Checks an address already known not to deliver (an import keeps such an address, marked
/// invalid, rather than losing it): any text with an `@`, without spaces or control characters.
pub fn check_kept_address(address: &str) -> Result<(), ValidationError> {
    let clean = !address.is_empty() && !address.chars().any(|c| c.is_whitespace() || c.is_control());
    if clean && address.contains('@') && address.len() <= 320 {
        Ok(())
    } else {
        Err(ValidationError::new(
            "email",
            format!("'{address}' is not an email address: write it like name@example.com"),
        ))
    }
}

/// Checks a phone number: at least three digits, and only digits, letters, spaces and `+-().x/`.
pub fn check_phone(field: &str, number: &str) -> Result<(), ValidationError> {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-().x/".contains(c) || c.is_ascii_alphabetic();
    if digits < 3 || !number.chars().all(allowed) {
        Err(ValidationError::new(field, format!("'{number}' is not a phone number: use digits, spaces, + - ( )")))
    } else {
        Ok(())
    }
}

/// A person the team deals with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Contact {
    /// Number.
    pub id: Id,
    /// Given name (required).
    pub first_name: String,
    /// Family name (required).
    pub last_name: String,
    /// Middle name or initial.
    pub middle_name: Option<String>,
    /// Honorific before the name (Mr., Dr.).
    pub prefix: Option<String>,
    /// After the name (Jr., PhD).
    pub suffix: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// The organisation they work for.
    pub account: Option<Id>,
    /// Their department there.
    pub department: Option<String>,
    /// Email addresses, the first one primary.
    pub emails: Vec<Email>,
    /// Phone numbers, the first one primary.
    pub phones: Vec<Phone>,
    /// Postal addresses.
    pub addresses: Vec<Address>,
    /// Date of birth (the year may be a guess).
    pub birthday: Option<Date>,
    /// What they care about.
    pub interests: Vec<String>,
    /// What they are good at.
    pub skills: Vec<String>,
    /// Profile links.
    pub social: Vec<String>,
    /// Never phone this person.
    pub do_not_call: bool,
    /// Get in touch at least every so many days.
    pub follow_up_days: Option<u32>,
    /// The rep in charge.
    pub owner: String,
    /// Free labels.
    pub tags: Vec<String>,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
    /// The last call, meeting or completed task with them.
    pub last_activity: Option<Timestamp>,
}

impl Contact {
    /// First and last name, as people read them.
    pub fn full_name(&self) -> String {
        let middle = self.middle_name.as_deref().unwrap_or("");
        [self.first_name.as_str(), middle, self.last_name.as_str()]
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The primary email address, if any.
    pub fn primary_email(&self) -> Option<&str> {
        self.emails.first().map(|e| e.address.as_str())
    }

    /// The primary phone number, if any.
    pub fn primary_phone(&self) -> Option<&str> {
        self.phones.first().map(|p| p.number.as_str())
    }

    /// The country of the first address that names one.
    pub fn country(&self) -> Option<&str> {
        self.addresses.iter().find_map(|a| a.country.as_deref())
    }
}

/// The follow-up cadences a contact may have: a day to a hundred years.
pub const FOLLOW_UP_DAYS: std::ops::RangeInclusive<u32> = 1..=36_600;

/// Whether two addresses are one in any case.
fn same_address(a: &str, b: &str) -> bool {
    match a.is_ascii() && b.is_ascii() {
        true => a.eq_ignore_ascii_case(b),
        false => a.to_lowercase() == b.to_lowercase(),
    }
}

impl Record for Contact {
    const KIND: Kind = Kind::Contact;
    record_basics!(owner, tags);

    fn validate(&self) -> Result<(), ValidationError> {
        // Only the last name is required (a single name is a last name), as in most CRMs.
        require("last name", &self.last_name)?;
        max_len("first name", &self.first_name, 200)?;
        max_len("last name", &self.last_name, 200)?;
        // A contact has a few addresses, compared pairwise without a copy; many go through a set.
        let mut seen = (self.emails.len() > 8).then(std::collections::HashSet::new);
        for (at, e) in self.emails.iter().enumerate() {
            if matches!(e.validity, Validity::Invalid | Validity::Bounced) {
                check_kept_address(&e.address)?;
            } else {
                check_email(&e.address)?;
            }
            let twice = match &mut seen {
                Some(seen) => !seen.insert(e.address.to_lowercase()),
                None => self.emails[..at].iter().any(|x| same_address(&x.address, &e.address)),
            };
            if twice {
                return Err(ValidationError::new("email", format!("'{}' is listed twice", e.address)));
            }
        }
        for p in &self.phones {
            check_phone("phone", &p.number)?;
        }
        if let Some(b) = self.birthday
            && b > Date::today()
        {
            return Err(ValidationError::new("birthday", format!("{b} is in the future")));
        }
        if let Some(days) = self.follow_up_days
            && !FOLLOW_UP_DAYS.contains(&days)
        {
            let (first, last) = (FOLLOW_UP_DAYS.start(), FOLLOW_UP_DAYS.end());
            return Err(ValidationError::new("follow-up-days", format!("{days} is not from {first} to {last} days")));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        link_opt("account", Kind::Account, self.account).into_iter().collect()
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.account, Kind::Account, target);
    }

    fn label(&self) -> String {
        self.full_name()
    }

    fn search_text(&self) -> Option<String> {
        let emails = self.emails.iter().map(|e| e.address.as_str());
        let phones = self.phones.iter().map(|p| p.number.as_str());
        // Labels too: a search or a list filter for "vip" finds who is labelled so.
        let tags = self.tags.iter().map(String::as_str);
        let mut text = self.full_name();
        for part in emails.chain(phones).chain(tags) {
            text.extend(["\t", part]);
        }
        Some(text)
    }

    fn account(&self) -> Option<Id> {
        self.account
    }
}

/// A list of names kept in the database that a record field is picked from: a lead's or deal's
/// source, a deal's competitor. Records store the name as the list spells it; the service keeps
/// the two in step (see `crm::picklists`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Picklist {
    /// Where leads and deals come from (`rolo source`).
    LeadSources,
    /// Who deals are up against (`rolo competitor`).
    Competitors,
}

impl Picklist {
    /// Every list, in the order Settings shows them.
    pub const ALL: [Picklist; 2] = [Picklist::LeadSources, Picklist::Competitors];

    /// One entry, as messages name it: "lead source", "competitor".
    pub fn noun(self) -> &'static str {
        match self {
            Picklist::LeadSources => "lead source",
            Picklist::Competitors => "competitor",
        }
    }

    /// Entries, as messages count them.
    pub fn plural(self) -> &'static str {
        match self {
            Picklist::LeadSources => "lead sources",
            Picklist::Competitors => "competitors",
        }
    }

    /// The record field (and command-line option) that holds an entry.
    pub fn field(self) -> &'static str {
        match self {
            Picklist::LeadSources => "source",
            Picklist::Competitors => "competitor",
        }
    }

    /// The command that edits the list.
    pub fn command(self) -> &'static str {
        match self {
            Picklist::LeadSources => "rolo source",
            Picklist::Competitors => "rolo competitor",
        }
    }

    /// What a new database's list holds.
    pub fn defaults(self) -> Vec<String> {
        match self {
            Picklist::LeadSources => DEFAULT_LEAD_SOURCES.iter().map(|s| s.to_string()).collect(),
            Picklist::Competitors => Vec::new(),
        }
    }
}

/// The lead sources a new database starts with (the ones SuiteCRM and vtiger users know). The
/// list itself lives in the database and is edited in Settings or with `rolo source`.
pub const DEFAULT_LEAD_SOURCES: &[&str] = &[
    "cold_call",
    "existing_customer",
    "self_generated",
    "employee",
    "partner",
    "public_relations",
    "direct_mail",
    "conference",
    "trade_show",
    "web_site",
    "word_of_mouth",
    "email",
    "campaign",
    "other",
];

/// A lead source's name as compared: lower case, with spaces, dashes and underscores alike, so
/// "Web Site", "web-site" and "web_site" name one source.
pub fn source_key(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

word_enum!(
    /// How far a lead has got.
    LeadStatus, "status" {
        #[default] New = "new",
        Contacted = "contacted",
        Qualified = "qualified",
        Unqualified = "unqualified",
        Converted = "converted",
    }
);

word_enum!(
    /// How promising a lead looks.
    Rating, "rating" {
        Hot = "hot",
        #[default] Warm = "warm",
        Cold = "cold",
    }
);

/// What a converted lead became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadConversion {
    /// The account matched or created.
    pub account: Id,
    /// The contact created.
    pub contact: Id,
    /// The opportunity created, if one was asked for.
    pub opportunity: Option<Id>,
    /// When it happened.
    pub at: Timestamp,
}

/// Someone who may become a customer: kept apart from contacts until qualified and converted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Lead {
    /// Number.
    pub id: Id,
    /// Given name.
    pub first_name: String,
    /// Family name (required).
    pub last_name: String,
    /// Their organisation's name; conversion matches or creates an account by it.
    pub company: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Where the lead came from: one of the database's lead sources, as spelled there.
    pub source: Option<String>,
    /// The campaign that brought it.
    pub campaign: Option<Id>,
    /// Qualification status.
    pub status: LeadStatus,
    /// How promising.
    pub rating: Option<Rating>,
    /// The rep in charge.
    pub owner: String,
    /// Set once converted: read-only from then on.
    pub converted: Option<LeadConversion>,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Lead {
    /// First and last name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_string()
    }
}

impl Record for Lead {
    const KIND: Kind = Kind::Lead;
    record_basics!(owner);

    fn picked_mut(&mut self, list: Picklist) -> Option<&mut Option<String>> {
        (list == Picklist::LeadSources).then_some(&mut self.source)
    }

    fn picked(&self, list: Picklist) -> Option<&str> {
        self.source.as_deref().filter(|_| list == Picklist::LeadSources)
    }

    fn validate(&self) -> Result<(), ValidationError> {
        require("last name", &self.last_name)?;
        max_len("last name", &self.last_name, 200)?;
        if let Some(source) = &self.source {
            max_len("source", source, 100)?;
        }
        if let Some(e) = &self.email {
            check_email(e)?;
        }
        if let Some(p) = &self.phone {
            check_phone("phone", p)?;
        }
        if self.status == LeadStatus::Converted && self.converted.is_none() {
            return Err(ValidationError::new("status", "'converted' is set by converting the lead: run lead convert"));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        let mut links: Vec<Link> = link_opt("campaign", Kind::Campaign, self.campaign).into_iter().collect();
        if let Some(c) = &self.converted {
            // The lead remembers what it became: those records go only after the lead does.
            links.push(link_req("converted account", Kind::Account, c.account));
            links.push(link_req("converted contact", Kind::Contact, c.contact));
            links.extend(link_opt("converted opportunity", Kind::Opportunity, c.opportunity));
        }
        links
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.campaign, Kind::Campaign, target);
        if let Some(c) = &mut self.converted {
            clear_if(&mut c.opportunity, Kind::Opportunity, target);
        }
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        if let Some(c) = &mut self.converted {
            swap_id(&mut c.contact, from, to);
        }
    }

    fn label(&self) -> String {
        match &self.company {
            Some(c) => format!("{} ({c})", self.full_name()),
            None => self.full_name(),
        }
    }

    fn search_text(&self) -> Option<String> {
        let parts = [Some(self.full_name()), self.company.clone(), self.email.clone(), self.phone.clone()];
        Some(parts.into_iter().flatten().collect::<Vec<_>>().join("\t"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contacts_search_text_is_its_name_then_addresses_numbers_and_labels_a_tab_apart() {
        let c = Contact {
            first_name: "Ann".into(),
            middle_name: Some(" ".into()),
            last_name: "Lee".into(),
            emails: vec![Email::new("ann@x.com"), Email::new("lee@y.org")],
            phones: vec![Phone { number: "+1 555 0100".into(), label: None }],
            tags: vec!["vip".into()],
            ..Default::default()
        };
        assert_eq!(c.search_text().unwrap(), "Ann Lee\tann@x.com\tlee@y.org\t+1 555 0100\tvip");
        let bare = Contact { last_name: "Lee".into(), ..Default::default() };
        assert_eq!(bare.search_text().unwrap(), "Lee");
    }

    #[test]
    fn contact_needs_names_and_valid_emails() {
        let mut c = Contact { first_name: "Ann".into(), last_name: "Lee".into(), ..Default::default() };
        assert!(c.validate().is_ok());
        c.emails.push(Email::new("not-an-email"));
        assert_eq!(c.validate().unwrap_err().field, "email");
        c.emails = vec![Email::new("a@x.com"), Email::new("A@X.com")];
        assert!(c.validate().unwrap_err().message.contains("twice"));
        // Compared in any case, among a few addresses and among many.
        c.emails = ["b@x.com", "åsa@x.se", "a@x.com", "ÅSA@X.SE"].map(Email::new).to_vec();
        assert_eq!(c.validate().unwrap_err().message, "'ÅSA@X.SE' is listed twice");
        c.emails = (0..20).map(|n| Email::new(format!("p{n}@x.com"))).collect();
        assert!(c.validate().is_ok());
        c.emails.push(Email::new("P7@X.COM"));
        assert_eq!(c.validate().unwrap_err().message, "'P7@X.COM' is listed twice");
        c.emails.truncate(3);
        c.emails.push(Email::new("P1@x.com"));
        assert_eq!(c.validate().unwrap_err().message, "'P1@x.com' is listed twice");
        c.emails = vec![Email { validity: Validity::Invalid, ..Email::new("contact1@invalid") }];
        assert!(c.validate().is_ok(), "an address kept as invalid needs no domain with a dot");
        c.emails = vec![Email { validity: Validity::Invalid, ..Email::new("no at sign") }];
        assert!(c.validate().is_err(), "but it is still an address");
        c.emails.clear();
        c.last_name = "  ".into();
        assert_eq!(c.validate().unwrap_err().field, "last name");
    }

    #[test]
    fn phones_need_digits_and_no_control_characters() {
        assert!(check_phone("phone", "555-0101").is_ok());
        assert!(check_phone("phone", "+44 (20) 7946-0958").is_ok());
        assert!(check_phone("phone", "12").is_err());
        assert!(check_phone("phone", "555\u{1b}[31m").is_err());
    }
}
