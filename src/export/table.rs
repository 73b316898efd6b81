//! CSV. Contacts, accounts, leads, deals, tasks, calls and products get the column names `rolo
//! import` maps back to the same fields (the shapes Google Contacts and other CRMs use), with
//! linked records named rather than numbered, so an export imports again as the same records,
//! into this database or another; any other kind gets one column per field of its JSON. Every
//! CSV rolo writes (exports and reports) goes through [`Sheet`].

use std::collections::{HashMap, HashSet};
use std::io::Write;

use serde_json::Value;

use super::{ExportError, neutralise};
use crate::model::{
    Account, Address, Call, Case, Consent, Contact, Id, Kind, Lead, Opportunity, Product, RecordRef, Task, Timestamp,
};

/// The one CSV writer of rolo: every cell has its control characters and bidirectional overrides
/// taken out ([`crate::text::plain`]) and a formula-looking start neutralised ([`neutralise`]),
/// so no file rolo writes can run a formula or send escape codes to whoever opens it.
pub struct Sheet<W: Write> {
    w: csv::Writer<W>,
}

impl<W: Write> Sheet<W> {
    /// A sheet writing to `to`.
    pub fn new(to: W) -> Sheet<W> {
        Sheet { w: csv::Writer::from_writer(to) }
    }

    /// Writes one line of cells.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> Result<(), ExportError> {
        for cell in cells {
            self.w.write_field(neutralise(&crate::text::plain(cell.as_ref())).as_bytes())?;
        }
        self.w.write_record(std::iter::empty::<&[u8]>())?;
        Ok(())
    }

    /// Flushes what is written.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.w.flush()?;
        Ok(())
    }
}

/// Several values in one cell, the way the importer splits them: " ::: " between values. A single
/// value holding a comma or semicolon gets a trailing " :::", or the importer would split it
/// at its comma.
fn several(values: &[String]) -> String {
    let mut cell = values.join(" ::: ");
    if values.len() == 1 && cell.contains([',', ';']) {
        cell.push_str(" :::");
    }
    cell
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}

/// Address labels that an address column's name gives back on import ("Home 1 - City" is a home
/// address); other labels cannot travel in a column name and are left out.
const ADDRESS_LABELS: [&str; 6] = ["Work", "Home", "Other", "Mailing", "Billing", "Shipping"];

/// The column group of a contact's address: its place (from 1) and its label word, or "Address".
fn address_group(place: usize, address: &Address) -> (usize, &'static str) {
    let label = address.label.as_deref().unwrap_or_default();
    let word = ADDRESS_LABELS.iter().find(|w| w.eq_ignore_ascii_case(label.trim())).copied();
    (place, word.unwrap_or("Address"))
}

/// The parts of an address, in the order of its columns.
const ADDRESS_PARTS: [&str; 5] = ["Street", "City", "Region", "Postal Code", "Country"];

fn address_cells(a: &Address) -> [String; 5] {
    [opt(&a.street), opt(&a.city), opt(&a.region), opt(&a.postal_code), opt(&a.country)]
}

/// Writes contacts as CSV in Google Contacts' shape: names, job title, company (the account's
/// name, from `companies`), each email (with its label, consent and validity) and phone (with its
/// label) in numbered columns, each address in columns named by its place and label, birthday,
/// tags, interests, skills, the profile links (" ::: " between them), do-not-call, email opt-out
/// (yes when any address opted out, for other tools), follow-up days, owner and the notes
/// (`notes`, by contact). Returns how many contacts were written.
pub fn contacts_csv(
    contacts: &[Contact],
    companies: &HashMap<Id, String>,
    notes: &HashMap<Id, Vec<String>>,
    to: impl Write,
) -> Result<usize, ExportError> {
    let emails = contacts.iter().map(|c| c.emails.len()).max().unwrap_or(0);
    let phones = contacts.iter().map(|c| c.phones.len()).max().unwrap_or(0);
    let mut groups: Vec<(usize, &str)> = contacts
        .iter()
        .flat_map(|c| c.addresses.iter().enumerate().map(|(i, a)| address_group(i + 1, a)))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // By place first, so that each contact's addresses come back in their order.
    groups.sort_by_key(|&(place, word)| (place, ADDRESS_LABELS.iter().position(|w| *w == word)));

    let mut headers: Vec<String> =
        ["First Name", "Middle Name", "Last Name", "Job Title", "Company", "Name Prefix", "Name Suffix", "Department"]
            .map(String::from)
            .to_vec();
    for i in 1..=emails {
        headers.extend(["Label", "Value", "Consent", "Validity"].map(|part| format!("E-mail {i} - {part}")));
    }
    for i in 1..=phones {
        headers.extend([format!("Phone {i} - Label"), format!("Phone {i} - Value")]);
    }
    let address_at = headers.len();
    for (place, word) in &groups {
        headers.extend(ADDRESS_PARTS.iter().chain(&["Label"]).map(|part| format!("{word} {place} - {part}")));
    }
    let after = [
        "Birthday",
        "Tags",
        "Interests",
        "Skills",
        "Website",
        "Do Not Call",
        "Email Opt Out",
        "Follow Up Days",
        "Owner",
        "Notes",
    ];
    headers.extend(after.map(String::from));
    let column: HashMap<(usize, &str), usize> =
        groups.iter().enumerate().map(|(g, &group)| (group, address_at + g * (ADDRESS_PARTS.len() + 1))).collect();

    let mut sheet = Sheet::new(to);
    sheet.row(&headers)?;
    for c in contacts {
        let mut row = vec![
            c.first_name.clone(),
            opt(&c.middle_name),
            c.last_name.clone(),
            opt(&c.title),
            c.account.and_then(|a| companies.get(&a).cloned()).unwrap_or_default(),
            opt(&c.prefix),
            opt(&c.suffix),
            opt(&c.department),
        ];
        for i in 0..emails {
            let e = c.emails.get(i);
            row.push(e.and_then(|e| e.label.clone()).unwrap_or_default());
            row.push(e.map(|e| e.address.clone()).unwrap_or_default());
            row.push(e.map(|e| e.consent.word().to_string()).unwrap_or_default());
            row.push(e.map(|e| e.validity.word().to_string()).unwrap_or_default());
        }
        for i in 0..phones {
            let p = c.phones.get(i);
            row.push(p.and_then(|p| p.label.clone()).unwrap_or_default());
            row.push(p.map(|p| p.number.clone()).unwrap_or_default());
        }
        row.resize(headers.len() - after.len(), String::new());
        for (i, a) in c.addresses.iter().enumerate() {
            let at = column[&address_group(i + 1, a)];
            let label = a.label.clone().unwrap_or_default();
            for (slot, part) in
                row[at..=at + ADDRESS_PARTS.len()].iter_mut().zip(address_cells(a).into_iter().chain([label]))
            {
                *slot = part;
            }
        }
        row.extend([
            c.birthday.map(|d| d.to_string()).unwrap_or_default(),
            several(&c.tags),
            several(&c.interests),
            several(&c.skills),
            several(&c.social),
            yes_no(c.do_not_call),
            yes_no(c.emails.iter().any(|e| e.consent == Consent::OptedOut)),
            c.follow_up_days.map(|d| d.to_string()).unwrap_or_default(),
            c.owner.clone(),
            notes.get(&c.id).map(|n| n.join("\n\n")).unwrap_or_default(),
        ]);
        sheet.row(&row)?;
    }
    sheet.finish()?;
    Ok(contacts.len())
}

/// Writes accounts as CSV: name, industry, website, phone, email, the address in parts, head
/// count, revenue (plain decimal), currency, status, owner and tags. Returns how many.
pub fn accounts_csv(accounts: &[Account], to: impl Write) -> Result<usize, ExportError> {
    let mut sheet = Sheet::new(to);
    sheet.row([
        "Account Name",
        "Industry",
        "Website",
        "Phone",
        "E-mail Address",
        "Street",
        "City",
        "Region",
        "Postal Code",
        "Country",
        "Employees",
        "Annual Revenue",
        "Currency",
        "Status",
        "Owner",
        "Tags",
    ])?;
    for a in accounts {
        let mut row = vec![a.name.clone(), opt(&a.industry), opt(&a.website), opt(&a.phone), opt(&a.email)];
        row.extend(address_cells(&a.address));
        row.extend([
            a.employees.map(|n| n.to_string()).unwrap_or_default(),
            a.annual_revenue.map(|r| r.decimal()).unwrap_or_default(),
            a.currency.to_string(),
            a.status.word().to_string(),
            a.owner.clone(),
            several(&a.tags),
        ]);
        sheet.row(&row)?;
    }
    sheet.finish()?;
    Ok(accounts.len())
}

/// Writes leads as CSV: names, company, job title, email, phone, source, status, rating, owner,
/// and for a converted lead what it became (the account's name, the contact's email or name, the
/// deal's name) and when, so that importing it links it again. Returns how many.
pub fn leads_csv(leads: &[Lead], links: &dyn Linked, to: impl Write) -> Result<usize, ExportError> {
    let mut sheet = Sheet::new(to);
    sheet.row([
        "First Name",
        "Last Name",
        "Company",
        "Job Title",
        "E-mail Address",
        "Phone",
        "Lead Source",
        "Lead Status",
        "Rating",
        "Owner",
        "Converted Account",
        "Converted Contact",
        "Converted Opportunity",
        "Converted At",
    ])?;
    for l in leads {
        let c = l.converted.as_ref();
        let contact = c.map(|c| {
            let email = links.email(RecordRef::new(Kind::Contact, c.contact));
            if email.is_empty() { links.name(RecordRef::new(Kind::Contact, c.contact)) } else { email }
        });
        sheet.row([
            l.first_name.clone(),
            l.last_name.clone(),
            opt(&l.company),
            opt(&l.title),
            opt(&l.email),
            opt(&l.phone),
            l.source.clone().unwrap_or_default(),
            l.status.word().to_string(),
            l.rating.map(|r| r.word().to_string()).unwrap_or_default(),
            l.owner.clone(),
            named(links, Kind::Account, c.map(|c| c.account)),
            contact.unwrap_or_default(),
            named(links, Kind::Opportunity, c.and_then(|c| c.opportunity)),
            c.map(|c| instant(c.at)).unwrap_or_default(),
        ])?;
    }
    sheet.finish()?;
    Ok(leads.len())
}

/// How an exported row names the records it links to, so that the importer finds them again.
pub trait Linked {
    /// The record's name (a person's full name), or nothing when it is gone.
    fn name(&self, record: RecordRef) -> String;
    /// A person's first email address, or nothing.
    fn email(&self, record: RecordRef) -> String;
}

/// The name of an optional link of kind `kind`.
fn named(links: &dyn Linked, kind: Kind, id: Option<Id>) -> String {
    id.map(|id| links.name(RecordRef::new(kind, id))).unwrap_or_default()
}

/// The email of an optional link to a person of kind `kind`.
fn email_of(links: &dyn Linked, kind: Kind, id: Option<Id>) -> String {
    id.map(|id| links.email(RecordRef::new(kind, id))).unwrap_or_default()
}

/// An instant as RFC 3339 in UTC (`2026-11-20T09:30:00Z`), the form JSON uses too.
fn instant(t: Timestamp) -> String {
    t.utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Writes deals as CSV: name, account, contact (name and email), stage, amount, currency, close
/// date, probability, next step and its date, lead source, campaign, the day it closed, lost
/// reason, competitor and owner.
/// Returns how many.
pub fn opportunities_csv(opps: &[Opportunity], links: &dyn Linked, to: impl Write) -> Result<usize, ExportError> {
    let mut sheet = Sheet::new(to);
    sheet.row([
        "Opportunity Name",
        "Account Name",
        "Contact",
        "Contact Email",
        "Stage",
        "Amount",
        "Currency",
        "Close Date",
        "Probability",
        "Next Step",
        "Next Step Date",
        "Lead Source",
        "Campaign",
        "Closed On",
        "Lost Reason",
        "Competitor",
        "Owner",
    ])?;
    for o in opps {
        sheet.row([
            o.name.clone(),
            named(links, Kind::Account, Some(o.account)),
            named(links, Kind::Contact, o.contact),
            email_of(links, Kind::Contact, o.contact),
            named(links, Kind::Stage, Some(o.stage)),
            o.amount.decimal(),
            o.currency.to_string(),
            o.close_date.to_string(),
            o.probability.to_string(),
            opt(&o.next_step),
            o.next_step_date.map(|d| d.to_string()).unwrap_or_default(),
            o.lead_source.clone().unwrap_or_default(),
            named(links, Kind::Campaign, o.campaign),
            o.closed_on.map(|d| d.to_string()).unwrap_or_default(),
            opt(&o.lost_reason),
            opt(&o.competitor),
            o.owner.clone(),
        ])?;
    }
    sheet.finish()?;
    Ok(opps.len())
}

/// Writes tasks as CSV: subject, due date, priority, status, what the task is about (account,
/// contact and lead by name and email, deal, project), when it was completed, notes and owner.
/// Returns how many.
pub fn tasks_csv(tasks: &[Task], links: &dyn Linked, to: impl Write) -> Result<usize, ExportError> {
    let mut sheet = Sheet::new(to);
    sheet.row([
        "Subject",
        "Due Date",
        "Priority",
        "Status",
        "Account Name",
        "Contact",
        "Contact Email",
        "Lead",
        "Lead Email",
        "Opportunity",
        "Project",
        "Completed At",
        "Notes",
        "Owner",
    ])?;
    for t in tasks {
        sheet.row([
            t.title.clone(),
            t.due.map(|d| d.to_string()).unwrap_or_default(),
            t.priority.word().to_string(),
            t.status.word().to_string(),
            named(links, Kind::Account, t.account),
            named(links, Kind::Contact, t.contact),
            email_of(links, Kind::Contact, t.contact),
            named(links, Kind::Lead, t.lead),
            email_of(links, Kind::Lead, t.lead),
            named(links, Kind::Opportunity, t.opportunity),
            named(links, Kind::Project, t.project),
            t.completed_at.map(instant).unwrap_or_default(),
            opt(&t.notes),
            t.owner.clone(),
        ])?;
    }
    sheet.finish()?;
    Ok(tasks.len())
}

/// Writes customer service cases as CSV, in the columns `rolo import case` reads back: the
/// number, subject, who and what it concerns by name (the contact's email too), its words,
/// the SLA's instants (UTC) and the resolution.
pub fn cases_csv(cases: &[Case], links: &dyn Linked, to: impl Write) -> Result<usize, ExportError> {
    let mut sheet = Sheet::new(to);
    sheet.row([
        "Number",
        "Subject",
        "Account Name",
        "Contact",
        "Contact Email",
        "Product",
        "Priority",
        "Status",
        "Channel",
        "Opened",
        "SLA Due",
        "First Response",
        "Resolved At",
        "Resolution",
        "Satisfaction",
        "Team",
        "Description",
        "Owner",
    ])?;
    for c in cases {
        let at = |t: Option<crate::model::Timestamp>| t.map(instant).unwrap_or_default();
        sheet.row([
            c.number(),
            c.subject.clone(),
            named(links, Kind::Account, c.account),
            named(links, Kind::Contact, c.contact),
            email_of(links, Kind::Contact, c.contact),
            named(links, Kind::Product, c.product),
            c.priority.word().to_string(),
            c.status.word().to_string(),
            c.channel.map(|ch| ch.word().to_string()).unwrap_or_default(),
            instant(c.created),
            at(c.sla_due),
            at(c.first_response),
            at(c.resolved_at),
            opt(&c.resolution),
            c.satisfaction.map(|s| s.to_string()).unwrap_or_default(),
            opt(&c.team),
            opt(&c.description),
            c.owner.clone(),
        ])?;
    }
    sheet.finish()?;
    Ok(cases.len())
}

/// Writes calls as CSV: the contact (name and email), when (UTC), direction, duration in
/// seconds, outcome, notes and owner. Returns how many.
pub fn calls_csv(calls: &[Call], links: &dyn Linked, to: impl Write) -> Result<usize, ExportError> {
    let mut sheet = Sheet::new(to);
    sheet.row(["Contact", "Contact Email", "Date", "Direction", "Duration (seconds)", "Outcome", "Notes", "Owner"])?;
    for c in calls {
        sheet.row([
            named(links, Kind::Contact, Some(c.contact)),
            email_of(links, Kind::Contact, Some(c.contact)),
            instant(c.started_at),
            c.direction.word().to_string(),
            c.duration_secs.to_string(),
            c.outcome.word().to_string(),
            opt(&c.notes),
            c.owner.clone(),
        ])?;
    }
    sheet.finish()?;
    Ok(calls.len())
}

/// Writes products as CSV: name, SKU, unit price, currency, whether still sold, description.
/// Returns how many.
pub fn products_csv(products: &[Product], to: impl Write) -> Result<usize, ExportError> {
    let mut sheet = Sheet::new(to);
    sheet.row(["Product Name", "SKU", "Unit Price", "Currency", "Active", "Description"])?;
    for p in products {
        sheet.row([
            p.name.clone(),
            opt(&p.sku),
            p.price.decimal(),
            p.currency.to_string(),
            yes_no(p.active),
            opt(&p.description),
        ])?;
    }
    sheet.finish()?;
    Ok(products.len())
}

/// Writes JSON objects as CSV: one column per key (every key any object has, in the order they
/// first appear), text as it is, numbers and yes/no as JSON writes them, lists and nested
/// objects as compact JSON. `objects` is called twice (once for the header, once for the rows),
/// so that a large export never holds every object at once. Returns how many rows were written;
/// with no objects, nothing is written.
pub fn objects_csv<I: Iterator<Item = Value>>(objects: impl Fn() -> I, to: impl Write) -> Result<usize, ExportError> {
    let mut headers: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for object in objects() {
        if let Value::Object(map) = object {
            for key in map.keys() {
                if seen.insert(key.clone()) {
                    headers.push(key.clone());
                }
            }
        }
    }
    if headers.is_empty() {
        return Ok(0);
    }
    let mut sheet = Sheet::new(to);
    sheet.row(&headers)?;
    let mut rows = 0;
    for object in objects() {
        sheet.row(headers.iter().map(|h| match object.get(h) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }))?;
        rows += 1;
    }
    sheet.finish()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Email, Phone};

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn several_values_split_back_as_they_were() {
        assert_eq!(several(&["a".into(), "b c".into()]), "a ::: b c");
        assert_eq!(several(&["Smith, Jones".into()]), "Smith, Jones :::");
        assert_eq!(several(&[]), "");
    }

    #[test]
    fn contacts_get_numbered_email_phone_and_address_columns() {
        let ann = Contact {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            account: Some(7),
            emails: vec![Email { label: Some("work".into()), ..Email::new("ann@acme.com") }, Email::new("a@x.org")],
            phones: vec![Phone { label: Some("mobile".into()), ..Phone::new("+44 20 7946 0018") }],
            addresses: vec![
                Address { label: Some("home".into()), city: Some("Leeds".into()), ..Default::default() },
                Address { label: Some("depot".into()), city: Some("York".into()), ..Default::default() },
            ],
            tags: vec!["vip".into()],
            ..Default::default()
        };
        let bob = Contact { first_name: "=SUM(A1)".into(), last_name: "Stone".into(), ..Default::default() };
        let mut out = Vec::new();
        let companies = HashMap::from([(7, "Acme".to_string())]);
        assert_eq!(contacts_csv(&[ann, bob], &companies, &HashMap::new(), &mut out).unwrap(), 2);
        let out = text(out);
        let mut lines = out.lines();
        assert_eq!(
            lines.next().unwrap(),
            "First Name,Middle Name,Last Name,Job Title,Company,Name Prefix,Name Suffix,Department,\
             E-mail 1 - Label,E-mail 1 - Value,\
             E-mail 1 - Consent,E-mail 1 - Validity,E-mail 2 - Label,E-mail 2 - Value,E-mail 2 - Consent,\
             E-mail 2 - Validity,Phone 1 - Label,Phone 1 - Value,\
             Home 1 - Street,Home 1 - City,Home 1 - Region,Home 1 - Postal Code,Home 1 - Country,Home 1 - Label,\
             Address 2 - Street,Address 2 - City,Address 2 - Region,Address 2 - Postal Code,Address 2 - Country,\
             Address 2 - Label,Birthday,Tags,Interests,Skills,Website,Do Not Call,Email Opt Out,Follow Up Days,\
             Owner,Notes"
        );
        assert_eq!(
            lines.next().unwrap(),
            "Ann,,Lee,,Acme,,,,work,ann@acme.com,unknown,unknown,,a@x.org,unknown,unknown,mobile,'+44 20 7946 0018,\
             ,Leeds,,,,home,,York,,,,depot,,vip,,,,no,no,,,"
        );
        assert_eq!(lines.next().unwrap(), "'=SUM(A1),,Stone,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,no,no,,,");
    }

    #[test]
    fn other_kinds_get_a_column_per_field() {
        let objects = || {
            [
                serde_json::json!({"id": 1, "name": "-x", "tags": ["a"], "due": null}),
                serde_json::json!({"id": 2, "extra": true}),
            ]
            .into_iter()
        };
        let mut out = Vec::new();
        assert_eq!(objects_csv(objects, &mut out).unwrap(), 2);
        assert_eq!(text(out), "id,name,tags,due,extra\n1,'-x,\"[\"\"a\"\"]\",,\n2,,,,true\n");
        let mut none = Vec::new();
        assert_eq!(objects_csv(std::iter::empty, &mut none).unwrap(), 0);
        assert!(none.is_empty());
    }
}
