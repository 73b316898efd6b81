//! What goes out comes back: any contact rolo can store, exported as a vCard or as CSV and
//! imported into a new database, is the same contact, field for field (with its company and its
//! note); and the vCard file reads with another parser, as another address book would read it.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rolo::crm::{Crm, OnDuplicate};
use rolo::model::*;

/// A word as people write names and places: letters of several scripts, with the characters
/// vCard and CSV must escape or quote inside.
fn word() -> impl Strategy<Value = String> {
    "[A-Za-zéÖ株ō][A-Za-zéÖ株ō ,;'\\-]{0,10}[A-Za-zé株]"
        .prop_map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn label(words: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    proptest::option::of(proptest::sample::select(words).prop_map(str::to_string))
}

fn emails() -> impl Strategy<Value = Vec<Email>> {
    let consent = proptest::sample::select(vec![Consent::Unknown, Consent::OptedIn, Consent::OptedOut]);
    let validity = proptest::sample::select(vec![Validity::Unknown, Validity::Valid, Validity::Bounced]);
    let one = ("[a-z]{1,8}", label(&["work", "home", "Newsletter"]), consent, validity);
    prop::collection::vec(one, 0..3).prop_map(|v| {
        let each = v.into_iter().enumerate();
        each.map(|(i, (local, label, consent, validity))| Email {
            address: format!("{local}.{i}@example.com"),
            label,
            consent,
            validity,
        })
        .collect()
    })
}

fn phone() -> impl Strategy<Value = Phone> {
    ("\\+[1-9][0-9]{1,2} [0-9]{3} [0-9]{4}", label(&["mobile", "work", "home fax", "pager", "Assistant", "main"]))
        .prop_map(|(number, label)| Phone { number, label })
}

fn address() -> impl Strategy<Value = Address> {
    (
        label(&["work", "home", "billing", "Summer house"]),
        word(),
        proptest::option::of(word()),
        proptest::option::of("[0-9]{5}"),
        word(),
    )
        .prop_map(|(label, street, city, postal_code, country)| Address {
            label,
            street: Some(street),
            city,
            region: None,
            postal_code,
            country: Some(country),
        })
}

fn contact() -> impl Strategy<Value = (Contact, Option<String>, Option<String>)> {
    let names = (word(), word(), proptest::option::of(word()), proptest::option::of(word()));
    let reach = (emails(), prop::collection::vec(phone(), 0..3), prop::collection::vec(address(), 0..3));
    let more = (
        proptest::option::of((1950..2005i32, 1..=12u32, 1..=28u32)),
        prop::collection::vec(word(), 0..3),
        prop::collection::vec(word(), 0..3),
        prop::collection::vec("https?://[A-Za-z]{1,8}\\.example(/[a-z]{1,4})?", 0..3),
        any::<bool>(),
        proptest::option::of(1..400u32),
        prop::collection::vec(word(), 0..3),
    );
    let extra = (proptest::option::of(word()), proptest::option::of((word(), word())));
    let honorifics = (
        proptest::option::of("(Dr|Mr|Ms|Prof)\\."),
        proptest::option::of("(Jr\\.|Sr\\.|PhD|III)"),
        proptest::option::of(word()),
    );
    (names, reach, more, extra, honorifics).prop_map(
        |((first, last, middle, title), (emails, phones, addresses), more, (company, note), (prefix, suffix, dept))| {
            let (birthday, interests, skills, social, do_not_call, follow_up_days, tags) = more;
            let distinct = |mut v: Vec<String>| {
                let mut seen = std::collections::HashSet::new();
                v.retain(|x| seen.insert(x.to_lowercase()));
                v
            };
            let c = Contact {
                first_name: first,
                last_name: last,
                middle_name: middle,
                prefix,
                suffix,
                // A department is a part of the company's name in a vCard: only with one.
                department: company.as_ref().and(dept),
                title,
                emails,
                phones,
                addresses,
                birthday: birthday.and_then(|(y, m, d)| Date::from_ymd(y, m, d)),
                interests: distinct(interests),
                skills: distinct(skills),
                social,
                do_not_call,
                follow_up_days,
                tags: distinct(tags),
                ..Default::default()
            };
            (c, company, note.map(|(a, b)| format!("{a}\n{b}")))
        },
    )
}

/// What a contact holds that another database keeps: everything but numbers and stamps.
fn comparable(c: &Contact) -> Contact {
    Contact { id: 0, account: None, owner: String::new(), created: Timestamp(0), updated: Timestamp(0), ..c.clone() }
}

/// How contacts are written out: with the names of their accounts and their notes.
type Writer = fn(&[Contact], &HashMap<Id, String>, &HashMap<Id, Vec<String>>, &mut Vec<u8>);

fn vcard(c: &[Contact], companies: &HashMap<Id, String>, notes: &HashMap<Id, Vec<String>>, out: &mut Vec<u8>) {
    rolo::export::vcards(c, companies, notes, out).unwrap();
}

fn csv(c: &[Contact], companies: &HashMap<Id, String>, notes: &HashMap<Id, Vec<String>>, out: &mut Vec<u8>) {
    rolo::export::contacts_csv(c, companies, notes, out).unwrap();
}

/// A contact stored in a fresh database (at `company`, with `note`), and the file `write` makes
/// of it.
fn exported(
    c: &Contact,
    company: Option<&str>,
    note: Option<&str>,
    write: Writer,
) -> (tempfile::TempDir, Contact, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let crm = Crm::open(&dir.path().join("out.redb")).unwrap();
    let mut c = c.clone();
    let mut companies = HashMap::new();
    if let Some(name) = company {
        let a = crm.create(Account { name: name.to_string(), ..Default::default() }).unwrap();
        companies.insert(a.id, a.name);
        c.account = Some(a.id);
    }
    let stored = crm.create(c).unwrap();
    let notes: HashMap<Id, Vec<String>> = note.iter().map(|n| (stored.id, vec![n.to_string()])).collect();
    let mut file = Vec::new();
    write(std::slice::from_ref(&stored), &companies, &notes, &mut file);
    (dir, stored, file)
}

/// Sends a contact out through `write` into a file called `name` and in again through the
/// importer into a new database: the same contact, company and note must come back.
fn round_trip(
    c: &Contact,
    company: Option<String>,
    note: Option<String>,
    name: &str,
    write: Writer,
) -> Result<(), TestCaseError> {
    let (dir, stored, text) = exported(c, company.as_deref(), note.as_deref(), write);
    let file = dir.path().join(name);
    std::fs::write(&file, &text).unwrap();
    let crm = Crm::open(&dir.path().join("in.redb")).unwrap();
    let options = rolo::import::Options::default();
    let outcome = rolo::import::file(&crm, Kind::Contact, &file, &options, OnDuplicate::Create, false, |_, _| {})
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&text)));
    let back: Contact = crm.get(outcome.report.created[0]).unwrap();
    prop_assert_eq!(comparable(&back), comparable(&stored), "{}", String::from_utf8_lossy(&text));
    let company_back = back.account.map(|a| crm.get::<Account>(a).unwrap().name);
    prop_assert_eq!(company_back, company);
    let notes: Vec<String> = crm.list::<Note>(|_| true).unwrap().into_iter().map(|n| n.text).collect();
    prop_assert_eq!(notes, note.into_iter().collect::<Vec<_>>());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_contact_comes_back_the_same_through_a_vcard((c, company, note) in contact()) {
        round_trip(&c, company, note, "people.vcf", vcard)?;
    }

    #[test]
    fn any_contact_comes_back_the_same_through_csv((c, company, note) in contact()) {
        round_trip(&c, company, note, "people.csv", csv)?;
    }
}

/// The same card read by another vCard parser: every property rolo means to write is there,
/// with its value as written.
#[test]
fn a_vcard_export_reads_with_another_parser() {
    let c = Contact {
        first_name: "Zoë".into(),
        last_name: "Richter, James".into(),
        emails: vec![
            Email { label: Some("work".into()), consent: Consent::OptedOut, ..Email::new("zoe@example.com") },
            Email { validity: Validity::Invalid, ..Email::new("contact1@invalid") },
        ],
        phones: vec![
            Phone { label: Some("work fax".into()), ..Phone::new("+49 30 1234567") },
            Phone { label: Some("Assistant".into()), ..Phone::new("+49 30 7654321") },
        ],
        interests: vec!["sailing".into()],
        social: vec!["http://TheProfile.com".into(), "acme.example".into()],
        follow_up_days: Some(30),
        ..Default::default()
    };
    let (_dir, _, card) = exported(&c, Some("Acme"), Some("Met at the fair;\nlikes tea"), vcard);
    let parsed: Vec<_> = ical::VcardParser::new(std::io::BufReader::new(card.as_slice()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&card)));
    assert_eq!(parsed.len(), 1);
    let props: Vec<(String, String)> =
        parsed[0].properties.iter().map(|p| (p.name.to_uppercase(), p.value.clone().unwrap_or_default())).collect();
    let has = |name: &str, value: &str| {
        assert!(props.iter().any(|(n, v)| n == name && v == value), "no {name}:{value} in {props:#?}");
    };
    has("N", "Richter\\, James;Zoë;;;");
    has("ORG", "Acme");
    has("EMAIL", "zoe@example.com");
    has("EMAIL", "contact1@invalid");
    has("X-ROLO-EMAIL", "zoe@example.com;opted_out;unknown");
    has("X-ROLO-EMAIL", "contact1@invalid;unknown;invalid");
    has("TEL", "+49 30 1234567");
    has("ITEM1.TEL", "+49 30 7654321");
    has("ITEM1.X-ABLABEL", "Assistant");
    has("URL", "http://TheProfile.com");
    has("URL", "acme.example");
    has("NOTE", "Met at the fair\\;\\nlikes tea");
    has("X-ROLO-INTERESTS", "sailing");
    has("X-ROLO-FOLLOW-UP-DAYS", "30");
    let fax = parsed[0].properties.iter().find(|p| p.name.eq_ignore_ascii_case("TEL")).unwrap();
    let types: Vec<String> = fax
        .params
        .iter()
        .flatten()
        .filter(|(k, _)| k.eq_ignore_ascii_case("TYPE"))
        .flat_map(|(_, v)| v.iter().map(|t| t.to_lowercase()))
        .collect();
    assert!(types.contains(&"work".to_string()) && types.contains(&"fax".to_string()), "{types:?}");
}
