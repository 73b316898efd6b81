//! vCard 4.0 (RFC 6350): the names, ORG, TITLE, BDAY, CATEGORIES, UID and REV through the
//! `vcard` crate, which escapes values and folds lines at 75 octets with CRLF line ends; the rest
//! by hand in the same way, so that nothing rolo stores is lost or rewritten on the way out.

use std::collections::HashMap;
use std::io::Write;

use vcard::values::{Date, NameValue, OrgValue, TextOrUri};
use vcard::{Birthday, Categories, Name, Org, Rev, Title, Uid, VCard};

use super::{ExportError, plain_text};
use crate::model::{Consent, Contact, Id, Kind, RecordRef, Validity};

/// The TYPE values a label stands for: `mobile` is a cell phone, `work fax` is work and fax,
/// `work` and `home` are themselves. `None` for a label vCard has no word for (written with
/// Apple's `X-ABLabel` instead); no label is no TYPE.
fn type_of(label: Option<&str>, phone: bool) -> Option<Vec<&'static str>> {
    let Some(label) = label.map(|l| l.trim().to_lowercase()).filter(|l| !l.is_empty()) else {
        return Some(Vec::new());
    };
    let one = |word: &str| {
        Some(match word {
            "work" => "work",
            "home" => "home",
            "billing" if !phone => "billing",
            "shipping" if !phone => "delivery",
            "mobile" if phone => "cell",
            "fax" if phone => "fax",
            "pager" if phone => "pager",
            _ => return None,
        })
    };
    match label.split_whitespace().collect::<Vec<_>>().as_slice() {
        [word] => one(word).map(|t| vec![t]),
        [place @ ("work" | "home"), "fax"] if phone => Some(vec![one(place)?, "fax"]),
        _ => None,
    }
}

/// A text value escaped for a content line written by hand (`\`, `,`, `;`, newlines).
fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in text(s).chars() {
        match c {
            '\\' | ',' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (never inside a character), with its CRLF.
fn folded(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// The lines of a card written by hand, where the `vcard` crate would lose or change something:
/// emails, phones and addresses in their order with any label (Apple's grouped `X-ABLabel` for
/// one vCard has no TYPE for) and any address kept although marked invalid, web addresses
/// exactly as given, NOTE, and rolo's own fields as `X-ROLO-*` properties, which rolo's importer
/// reads back.
#[derive(Default)]
struct Extra {
    lines: Vec<String>,
    groups: usize,
}

impl Extra {
    fn line(&mut self, name: &str, value: &str) {
        self.lines.push(folded(&format!("{name}:{value}")));
    }

    /// An email, phone or address (`value` escaped already), in the contact's order: TYPE from
    /// its label, or a label of its own tied to it by a group (`item1.X-ABLabel`); the first of
    /// its kind preferred.
    fn value(&mut self, name: &str, value: &str, label: Option<&str>, phone: bool, first: bool) {
        let pref = if first { ";PREF=1" } else { "" };
        let text = if name == "TEL" { ";VALUE=text" } else { "" };
        match (type_of(label, phone), label) {
            (Some(types), _) => {
                let types = if types.is_empty() { String::new() } else { format!(";TYPE={}", types.join(",")) };
                self.line(&format!("{name}{text}{types}{pref}"), value);
            }
            (None, label) => {
                self.groups += 1;
                let group = format!("item{}", self.groups);
                self.line(&format!("{group}.{name}{text}{pref}"), value);
                self.line(&format!("{group}.X-ABLabel"), &escaped(label.unwrap_or_default()));
            }
        }
    }
}

/// The name as its owner writes it (FN): family name first for names in Chinese, Japanese or
/// Korean script (`山田 太郎`), given name first for the rest.
fn formatted_name(c: &Contact) -> String {
    let east_asian = crate::text::family_name_first;
    if east_asian(&c.last_name) && (c.first_name.is_empty() || east_asian(&c.first_name)) {
        format!("{} {}", c.last_name.trim(), c.first_name.trim()).trim().to_string()
    } else {
        c.full_name()
    }
}

fn text(s: &str) -> String {
    plain_text(s).trim().to_string()
}

/// One contact as a vCard: FN and N from the names, ORG (the account's name from `companies`),
/// TITLE, EMAIL and TEL with TYPE from their labels (the first preferred), ADR, BDAY, CATEGORIES
/// from the tags, UID `contact-<id>@rolo` and REV from the last change; then, by hand (see
/// [`Extra`]), values with labels of their own, URL as written, NOTE (`notes`), and
/// `X-ROLO-EMAIL` (an address's consent and validity), `X-ROLO-INTERESTS`, `X-ROLO-SKILLS`,
/// `X-ROLO-FOLLOW-UP-DAYS` and `X-ROLO-DO-NOT-CALL`.
fn card(c: &Contact, companies: &HashMap<Id, String>, notes: &[String]) -> Result<String, ExportError> {
    let mut card = VCard::new(text(&formatted_name(c)));
    let mut extra = Extra::default();
    let parts = |s: &str| if s.trim().is_empty() { Vec::new() } else { vec![text(s)] };
    card.names.push(Name::new(NameValue {
        family_names: parts(&c.last_name),
        given_names: parts(&c.first_name),
        additional_names: parts(c.middle_name.as_deref().unwrap_or_default()),
        honorific_prefixes: parts(c.prefix.as_deref().unwrap_or_default()),
        honorific_suffixes: parts(c.suffix.as_deref().unwrap_or_default()),
        ..NameValue::new()
    }));
    if let Some(company) = c.account.and_then(|a| companies.get(&a)) {
        let units = c.department.as_deref().map(parts).unwrap_or_default();
        card.organizations.push(Org::new(OrgValue { name: text(company), units }));
    }
    if let Some(title) = c.title.as_deref().filter(|t| !t.trim().is_empty()) {
        card.titles.push(Title::new(text(title)));
    }
    for (i, e) in c.emails.iter().enumerate() {
        let address = escaped(e.address.trim());
        extra.value("EMAIL", &address, e.label.as_deref(), false, i == 0);
        if e.consent != Consent::Unknown || e.validity != Validity::Unknown {
            let status = [address, e.consent.word().to_string(), e.validity.word().to_string()];
            extra.line("X-ROLO-EMAIL", &status.join(";"));
        }
    }
    for (i, p) in c.phones.iter().enumerate() {
        extra.value("TEL", &escaped(&p.number), p.label.as_deref(), true, i == 0);
    }
    for (i, a) in c.addresses.iter().filter(|a| !a.is_empty()).enumerate() {
        let part = |p: &Option<String>| escaped(p.as_deref().unwrap_or_default());
        let parts = [
            String::new(),
            String::new(),
            part(&a.street),
            part(&a.city),
            part(&a.region),
            part(&a.postal_code),
            part(&a.country),
        ];
        extra.value("ADR", &parts.join(";"), a.label.as_deref(), false, i == 0);
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
    for url in c.social.iter().filter(|s| !s.trim().is_empty()) {
        extra.line("URL", &escaped(url));
    }
    for note in notes.iter().filter(|n| !n.trim().is_empty()) {
        extra.line("NOTE", &escaped(note));
    }
    for (name, list) in [("X-ROLO-INTERESTS", &c.interests), ("X-ROLO-SKILLS", &c.skills)] {
        if !list.is_empty() {
            extra.line(name, &list.iter().map(|i| escaped(i)).collect::<Vec<_>>().join(","));
        }
    }
    if let Some(days) = c.follow_up_days {
        extra.line("X-ROLO-FOLLOW-UP-DAYS", &days.to_string());
    }
    if c.do_not_call {
        extra.line("X-ROLO-DO-NOT-CALL", "TRUE");
    }
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
    let mut text = card.to_string();
    let end = text.rfind("END:VCARD").unwrap_or(text.len());
    text.insert_str(end, &extra.lines.concat());
    Ok(text)
}

/// Writes one vCard 4.0 per contact to `to`; `companies` names the accounts (for ORG), `notes`
/// holds each contact's notes (for NOTE). Returns how many were written.
pub fn vcards(
    contacts: &[Contact],
    companies: &HashMap<Id, String>,
    notes: &HashMap<Id, Vec<String>>,
    mut to: impl Write,
) -> Result<usize, ExportError> {
    for c in contacts {
        write!(to, "{}", card(c, companies, notes.get(&c.id).map(Vec::as_slice).unwrap_or_default())?)?;
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
        vcards(&[c], &companies, &HashMap::new(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{text}");
        let taro = Contact { first_name: "太郎".into(), last_name: "山田".into(), ..Default::default() };
        assert_eq!(formatted_name(&taro), "山田 太郎", "a Japanese name keeps its order");
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
