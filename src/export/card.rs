//! vCard 4.0 (RFC 6350) through the `vcard` crate, which escapes values and folds lines at 75
//! octets with CRLF line ends.

use std::collections::HashMap;
use std::io::Write;
use std::str::FromStr;

use vcard::values::{AddressValue, Date, EmailValue, NameValue, OrgValue, TelValue, TextOrUri, Uri};
use vcard::{Address, Birthday, Categories, Email, Name, Org, Pref, Rev, Tel, Title, TypeValue, Uid, Url, VCard};

use super::{ExportError, plain_text};
use crate::model::{Contact, Id, Kind, RecordRef};

/// The TYPE a label stands for: `mobile` is a cell phone, `work` and `home` are themselves; a
/// label vCard has no word for is left out (the value stays).
fn type_of(label: Option<&str>, phone: bool) -> Option<TypeValue> {
    let label = label?.trim().to_lowercase();
    Some(match label.as_str() {
        "work" | "business" | "office" => TypeValue::Work,
        "home" | "personal" | "private" => TypeValue::Home,
        "billing" if !phone => TypeValue::Billing,
        "shipping" | "delivery" if !phone => TypeValue::Delivery,
        "mobile" | "cell" | "cellphone" if phone => TypeValue::Cell,
        "fax" if phone => TypeValue::Fax,
        "pager" if phone => TypeValue::Pager,
        _ => return None,
    })
}

/// The first of several values is the preferred one.
fn preferred(i: usize) -> Option<Pref> {
    (i == 0).then(|| Pref::new(1).ok()).flatten()
}

fn text(s: &str) -> String {
    plain_text(s).trim().to_string()
}

/// One contact as a vCard: FN and N from the names, ORG (the account's name from `companies`),
/// TITLE, EMAIL and TEL with TYPE from their labels (the first preferred), ADR, BDAY, CATEGORIES
/// from the tags, URL from the profile links, UID `contact-<id>@rolo` and REV from the last
/// change. An email address the vCard crate does not accept is left out rather than written
/// wrong.
fn card(c: &Contact, companies: &HashMap<Id, String>) -> Result<VCard, ExportError> {
    let mut card = VCard::new(text(&c.full_name()));
    let parts = |s: &str| if s.trim().is_empty() { Vec::new() } else { vec![text(s)] };
    card.names.push(Name::new(NameValue {
        family_names: parts(&c.last_name),
        given_names: parts(&c.first_name),
        additional_names: parts(c.middle_name.as_deref().unwrap_or_default()),
        ..NameValue::new()
    }));
    if let Some(company) = c.account.and_then(|a| companies.get(&a)) {
        card.organizations.push(Org::new(OrgValue { name: text(company), units: Vec::new() }));
    }
    if let Some(title) = c.title.as_deref().filter(|t| !t.trim().is_empty()) {
        card.titles.push(Title::new(text(title)));
    }
    for (i, e) in c.emails.iter().enumerate() {
        let Ok(address) = EmailValue::from_str(e.address.trim()) else { continue };
        let mut email = Email::new(address);
        email.parameters.types.extend(type_of(e.label.as_deref(), false));
        email.parameters.pref = preferred(i);
        card.emails.push(email);
    }
    for (i, p) in c.phones.iter().enumerate() {
        let mut tel = Tel::new(TelValue::Text(text(&p.number)));
        tel.parameters.types.extend(type_of(p.label.as_deref(), true));
        tel.parameters.pref = preferred(i);
        card.telephones.push(tel);
    }
    for a in c.addresses.iter().filter(|a| !a.is_empty()) {
        let part = |p: &Option<String>| parts(p.as_deref().unwrap_or_default());
        let mut adr = Address::new(AddressValue {
            street_addresses: part(&a.street),
            localities: part(&a.city),
            regions: part(&a.region),
            postal_codes: part(&a.postal_code),
            countries: part(&a.country),
            ..AddressValue::new()
        });
        adr.parameters.types.extend(type_of(a.label.as_deref(), false));
        card.addresses.push(adr);
    }
    if let Some(b) = c.birthday {
        use chrono::Datelike;
        let (y, m, d) = (b.0.year(), b.0.month(), b.0.day());
        if let (Ok(y), Ok(m), Ok(d)) = (u16::try_from(y), u8::try_from(m), u8::try_from(d))
            && let Ok(date) = Date::from_year_month_day(y, m, d)
        {
            card.birthdays.push(Birthday::new(date.into()));
        }
    }
    let tags: Vec<String> = c.tags.iter().map(|t| text(t)).filter(|t| !t.is_empty()).collect();
    if !tags.is_empty() {
        card.categories.push(Categories::new(tags));
    }
    card.urls.extend(c.social.iter().filter_map(|s| Uri::from_str(s.trim()).ok()).map(Url::new));
    card.uids.push(Uid::new(TextOrUri::Text(format!("contact-{}@rolo", c.id))));
    if c.updated.0 > 0
        && let Ok(rev) = vcard::values::Timestamp::try_from(c.updated.utc())
    {
        card.revisions.push(Rev::new(rev));
    }
    card.validate().map_err(|e| ExportError::Record {
        record: RecordRef::new(Kind::Contact, c.id),
        message: format!("cannot be written as a vCard ({e}): edit the contact, or export it as csv"),
    })?;
    Ok(card)
}

/// Writes one vCard 4.0 per contact to `to`; `companies` names the accounts (for ORG). Returns
/// how many were written.
pub fn vcards(contacts: &[Contact], companies: &HashMap<Id, String>, mut to: impl Write) -> Result<usize, ExportError> {
    for c in contacts {
        write!(to, "{}", card(c, companies)?)?;
    }
    to.flush()?;
    Ok(contacts.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, Date as Day, Email as Mail, Phone};

    #[test]
    fn a_contact_becomes_a_card_with_escaped_folded_lines() {
        let c = Contact {
            id: 4,
            first_name: "Zoë".into(),
            last_name: "O'Brien; Müller".into(),
            title: Some("Head, Sales\r\nEMEA".into()),
            account: Some(1),
            emails: vec![Mail { label: Some("work".into()), ..Mail::new("zoe@example.com") }],
            phones: vec![Phone { label: Some("mobile".into()), ..Phone::new("+81 90 1234 5678") }],
            addresses: vec![Address { label: Some("home".into()), city: Some("大阪".into()), ..Default::default() }],
            birthday: Day::from_ymd(1980, 2, 29),
            tags: vec!["vip".into(), "a,b".into()],
            ..Default::default()
        };
        let companies = HashMap::from([(1, "Ōsaka Trading 株式会社 ".repeat(6))]);
        let mut out = Vec::new();
        vcards(&[c], &companies, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{text}");
        for line in ["FN:Zoë O'Brien; Müller", "N:O'Brien\\; Müller;Zoë;;;", "TITLE:Head\\, Sales\\nEMEA"] {
            assert!(text.contains(&format!("{line}\r\n")), "{line} in {text}");
        }
        assert!(text.contains("EMAIL;PREF=1;TYPE=work:zoe@example.com") || text.contains("TYPE=work"), "{text}");
        assert!(text.contains("TEL;") && text.contains("cell") && text.contains(":+81 90 1234 5678"), "{text}");
        assert!(text.contains("BDAY:19800229"), "{text}");
        assert!(text.contains("CATEGORIES:vip,a\\,b"), "{text}");
        assert!(text.split("\r\n").all(|l| l.len() <= 75), "{text}");
        let back = VCard::parse_multiple(&text).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].organizations[0].value.name, "Ōsaka Trading 株式会社 ".repeat(6).trim());
    }
}
