//! Contacts from vCard files (2.1, 3.0 and 4.0, as phones, Google Contacts, Outlook and rolo
//! itself write them) through the `vcard-rs` crate, which unfolds lines, splits parameters and
//! structured values, and undoes escapes and quoted-printable. Each card becomes one
//! [`Incoming`] contact, or the problems that keep it out, named by line and property.

use vcard_rs::tree::cst::VcardCst;
use vcard_rs::tree::error::VcardParseError;
use vcard_rs::tree::line::VcardLine;
use vcard_rs::tree::value::cursor::VcardValueCursor;

use super::cells::read_date;
use super::{Options, kept};
use crate::crm::{Arrival, Incoming, RowProblem};
use crate::model::{Account, Address, Contact, Email, Phone, Record, check_email, check_phone};

/// Whether `bytes` look like vCards: the first thing in them, after a byte-order mark and blank
/// lines, opens one.
pub fn looks_like_vcard(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    text[start..].get(..11).is_some_and(|head| head.eq_ignore_ascii_case(b"BEGIN:VCARD"))
}

/// How many cards `bytes` hold, about: for progress.
pub fn count(bytes: &[u8]) -> usize {
    bytes.windows(11).filter(|w| w.eq_ignore_ascii_case(b"BEGIN:VCARD")).count().max(1)
}

/// Every card of `bytes` as a contact (or its problems), in order: what
/// [`Crm::import`](crate::crm::Crm::import) takes. A file that stops being vCard gives one
/// problem naming the line, and nothing after it. `notes` gathers what the user should know
/// (properties left out, birthdays without a year).
pub fn rows<'a>(
    bytes: &'a [u8],
    options: &'a Options,
    notes: &'a mut Vec<String>,
) -> impl Iterator<Item = Result<Incoming, Vec<RowProblem>>> + 'a {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = Reader { options, line: 1, offset: 0, left_out: Vec::new(), kept: Vec::new(), notes };
    let mut cards = VcardCst::parse_many(body);
    std::iter::from_fn(move || match cards.next() {
        Some(Ok(mut card)) => Some(reader.card(&mut card)),
        Some(Err(e)) => Some(Err(vec![reader.unreadable(body, &e)])),
        None => {
            reader.finish();
            None
        }
    })
}

/// Where the reading is, and what it has noticed.
struct Reader<'a> {
    options: &'a Options,
    /// The line the next card's text starts on.
    line: u64,
    /// The byte the next card's text starts at.
    offset: usize,
    /// Names of the properties no contact field holds, each once.
    left_out: Vec<String>,
    /// What the card being read keeps in its note although it was meant for a field.
    kept: Vec<String>,
    notes: &'a mut Vec<String>,
}

/// One property of a card, decoded.
struct Prop {
    /// Upper case, without its group.
    name: String,
    /// The group (`item1` of `item1.EMAIL`), lower case.
    group: Option<String>,
    /// Its TYPE values (and vCard 2.1's bare ones), lower case.
    types: Vec<String>,
    /// Apple's mark of a birthday whose year is not known (`X-APPLE-OMIT-YEAR=1604`).
    no_year: bool,
    /// Whether `VALUE=text` says the value is words, not a date.
    text_value: bool,
    /// Whether its bytes were not UTF-8 and, without a CHARSET, were read as Windows-1252.
    guessed: bool,
    /// The whole value as text.
    text: String,
    /// The `;`-separated parts of a structured value (N, ADR, ORG), each part's `,`-separated
    /// values joined by a space (an escaped comma stays a comma).
    parts: Vec<String>,
    /// The `,`-separated items of a list value (CATEGORIES).
    items: Vec<String>,
    /// The line it starts on.
    line: u64,
}

/// Properties that say nothing about the person, left out without a note.
const SILENT: &[&str] =
    &["BEGIN", "END", "VERSION", "PRODID", "UID", "REV", "KIND", "SOURCE", "X-ABLABEL", "X-ABSHOWAS", "ORG", "FN"];

impl Reader<'_> {
    /// One card as a contact.
    fn card(&mut self, card: &mut VcardCst) -> Result<Incoming, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let mut props = Vec::new();
        let start = self.line + card.begin.as_ref().map_or(0, |b| blank_lines_before(b));
        self.advance(card.begin.as_ref());
        for line in card.props.iter_mut() {
            let at = self.line + blank_lines_before(line);
            match self.prop(line, at) {
                Ok(prop) => props.push(prop),
                Err(message) => problems.push(problem(at, line.bare_name(), message)),
            }
            self.advance(Some(line));
        }
        self.advance(card.end.as_ref());
        self.offset += card.trailing.len();
        self.line += card.trailing.matches('\n').count() as u64;
        let record = self.record(start, &props, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let company = match record {
            Arrival::Contact(_) => props.iter().find(|p| p.name == "ORG").and_then(|p| p.parts.first()).cloned(),
            _ => None,
        };
        let mut notes: Vec<String> =
            props.iter().filter(|p| p.name == "NOTE").map(|p| p.text.trim().to_string()).collect();
        notes.append(&mut self.kept);
        notes.retain(|n| !n.is_empty());
        Ok(Incoming {
            line: start,
            record,
            company: company.filter(|c| !c.trim().is_empty()),
            notes: (!notes.is_empty()).then(|| notes.join("\n\n")),
            refs: Vec::new(),
        })
    }

    /// Moves past a line of the card.
    fn advance(&mut self, line: Option<&VcardLine>) {
        if let Some(line) = line {
            let text = line.to_string();
            self.offset += text.len();
            self.line += text.matches('\n').count() as u64;
        }
    }

    /// One property line, decoded: quoted-printable and CHARSET undone. Without a CHARSET, text
    /// that is not UTF-8 is read as Windows-1252 (with a warning, unless `--latin1` said so);
    /// with `--strict` it is refused.
    fn prop(&self, line: &mut VcardLine, at: u64) -> Result<Prop, String> {
        let name = line.bare_name().to_ascii_uppercase();
        let group = line.group().map(str::to_lowercase);
        let mut types = Vec::new();
        let (mut charset, mut qp, mut no_year, mut text_value) = (false, false, false, false);
        for p in &line.params {
            let param = p.name.get().to_ascii_uppercase();
            let first = p.values.first().map(|v| v.get().trim_matches('"').to_ascii_lowercase());
            match (param.as_str(), p.values.is_empty()) {
                ("TYPE", false) => {
                    let values = p.values.iter().flat_map(|v| v.get().trim_matches('"').split(','));
                    types.extend(values.map(|t| t.trim().to_lowercase()));
                }
                ("CHARSET", false) => charset = true,
                ("ENCODING", false) => qp |= first.as_deref() == Some("quoted-printable"),
                ("QUOTED-PRINTABLE", true) => qp = true,
                ("VALUE", false) => text_value = first.as_deref() == Some("text"),
                ("X-APPLE-OMIT-YEAR", _) => no_year = true,
                (_, true) => types.push(param.to_lowercase()),
                _ => {}
            }
        }
        let bytes =
            if qp { VcardValueCursor { line }.quoted_printable() } else { line.value.decode_bytes().into_owned() };
        let mut guessed = false;
        let (text, parts, items) = if !charset && !qp && std::str::from_utf8(&bytes).is_ok() {
            let value = &line.value;
            let part = |i: usize| value.decode_component_list(i).iter().map(|v| v.trim()).collect::<Vec<_>>().join(" ");
            let parts = (0..value.component_count()).map(|i| part(i).trim().to_string()).collect();
            let items = value.decode_list().iter().map(|i| i.trim().to_string()).collect();
            (value.decode().into_owned(), parts, items)
        } else {
            let text = if charset {
                VcardValueCursor { line }.charset()
            } else if let Ok(text) = String::from_utf8(bytes.clone()) {
                text
            } else if self.options.strict && !self.options.latin1 {
                return Err(format!(
                    "line {at} is not UTF-8 text: save the file as UTF-8, or pass --latin1 if it is Latin-1 / Windows-1252"
                ));
            } else {
                guessed = !self.options.latin1;
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned()
            };
            let split = |sep: char| split_escaped(&text, sep).iter().map(|p| unescape(p).trim().to_string()).collect();
            let (parts, items) = (split(';'), split(','));
            (unescape(&text), parts, items)
        };
        Ok(Prop { name, group, types, no_year, text_value, guessed, text, parts, items, line: at })
    }

    /// What a card describes: a person, or (`KIND:org`, Apple's `X-ABShowAs:COMPANY`, or an ORG
    /// with no name of a person) an organisation.
    fn record(&mut self, line: u64, props: &[Prop], problems: &mut Vec<RowProblem>) -> Arrival {
        let value = |name: &str| props.iter().find(|p| p.name == name).map(|p| p.text.trim().to_lowercase());
        let org = props.iter().find(|p| p.name == "ORG").and_then(|p| p.parts.first()).filter(|o| !o.is_empty());
        let named = props.iter().any(|p| p.name == "N" && p.parts.iter().any(|x| !x.is_empty()));
        let full = value("FN").filter(|f| !f.is_empty());
        let company = matches!(value("KIND").as_deref(), Some("org" | "organization"))
            || value("X-ABSHOWAS").as_deref() == Some("company")
            || (org.is_some()
                && !named
                && full.as_deref().is_none_or(|f| Some(f) == org.map(|o| o.to_lowercase()).as_deref()));
        match org {
            Some(org) if company => Arrival::Account(Box::new(self.account(org, props))),
            _ => Arrival::Contact(Box::new(self.contact(line, props, problems))),
        }
    }

    /// An organisation's card as an account: its name, first phone, email, web site and address.
    fn account(&mut self, name: &str, props: &[Prop]) -> Account {
        let person = self.contact(0, props, &mut Vec::new());
        Account {
            name: name.to_string(),
            phone: person.phones.first().map(|p| p.number.clone()),
            email: person.emails.first().map(|e| e.address.clone()),
            website: person.social.first().cloned(),
            address: Address { label: None, ..person.addresses.into_iter().next().unwrap_or_default() },
            tags: person.tags,
            ..Default::default()
        }
    }

    /// The contact a card's properties describe; what is wrong goes to `problems`, each on the
    /// line of its property.
    fn contact(&mut self, line: u64, props: &[Prop], problems: &mut Vec<RowProblem>) -> Contact {
        let mut c = Contact::default();
        // Apple writes a custom label as its own property, tied to the value by a group.
        let labels: Vec<(&str, String)> = props
            .iter()
            .filter(|p| p.name == "X-ABLABEL")
            .filter_map(|p| Some((p.group.as_deref()?, apple_label(&p.text))))
            .collect();
        let label_of = |p: &Prop, phone: bool| {
            let grouped = p.group.as_deref().and_then(|g| labels.iter().find(|(lg, _)| *lg == g));
            grouped.map(|(_, l)| l.clone()).or_else(|| type_label(&p.types, phone))
        };
        let mut full_name = None;
        let mut statuses = Vec::new();
        for p in props {
            let value = p.text.trim();
            if p.guessed {
                self.warn(p, "is not UTF-8 text and has no CHARSET: read as Windows-1252".into());
            }
            match p.name.as_str() {
                "N" => {
                    let part = |i: usize| p.parts.get(i).cloned().unwrap_or_default();
                    (c.last_name, c.first_name) = (part(0), part(1));
                    c.middle_name = Some(part(2)).filter(|m| !m.is_empty());
                    c.prefix = Some(part(3)).filter(|m| !m.is_empty());
                    c.suffix = Some(part(4)).filter(|m| !m.is_empty());
                }
                "FN" => full_name = Some(value.to_string()),
                "EMAIL" if !value.is_empty() => {
                    let address = strip_scheme(value, "mailto:").to_string();
                    if !c.emails.iter().any(|e| e.address.eq_ignore_ascii_case(&address)) {
                        c.emails.push(Email { label: label_of(p, false), ..Email::new(address) });
                    }
                }
                "TEL" if !value.is_empty() => {
                    c.phones.push(Phone { label: label_of(p, true), ..Phone::new(tel_number(value)) });
                }
                "ADR" => {
                    let part = |i: usize| p.parts.get(i).cloned().filter(|s| !s.is_empty());
                    if let Some(po_box) = part(0) {
                        self.warn(p, format!("the post office box '{po_box}' has no field in rolo and was left out"));
                    }
                    let street = [part(2), part(1)].into_iter().flatten().collect::<Vec<_>>().join(", ");
                    let address = Address {
                        label: label_of(p, false),
                        street: Some(street).filter(|s| !s.is_empty()),
                        city: part(3),
                        region: part(4),
                        postal_code: part(5),
                        country: part(6),
                    };
                    if !address.is_empty() {
                        c.addresses.push(address);
                    }
                }
                "ORG" => {
                    c.department = p.parts.get(1).filter(|d| !d.is_empty()).cloned();
                }
                "TITLE" if !value.is_empty() => c.title = Some(value.to_string()),
                "BDAY" if p.no_year || value.starts_with("--") => {
                    self.notes.push(format!("line {}: the birthday {value} has no year and was left out", p.line));
                }
                "BDAY" => match read_date(value, self.options.date_format.as_deref(), p.line, self.notes) {
                    Ok(d) => c.birthday = d,
                    Err(m) if self.options.strict => problems.push(problem(p.line, "BDAY", m)),
                    Err(m) => {
                        let m = if p.text_value { format!("'{value}' is a birthday in words") } else { m };
                        self.kept.push(format!("birthday: {value}"));
                        self.warn(p, format!("{m}; kept as written in the note"));
                    }
                },
                "CATEGORIES" => c.tags.extend(p.items.iter().filter(|t| !t.is_empty()).cloned()),
                "X-ROLO-INTERESTS" => c.interests.extend(p.items.iter().filter(|t| !t.is_empty()).cloned()),
                "X-ROLO-SKILLS" => c.skills.extend(p.items.iter().filter(|t| !t.is_empty()).cloned()),
                "X-ROLO-DO-NOT-CALL" => c.do_not_call = value.eq_ignore_ascii_case("true"),
                "X-ROLO-FOLLOW-UP-DAYS" => match value.parse() {
                    Ok(days) => c.follow_up_days = Some(days).filter(|&d| d > 0),
                    Err(_) => self.warn(p, format!("'{value}' is not a number of days and was left out")),
                },
                "X-ROLO-EMAIL" => statuses.push(p),
                "URL" if !value.is_empty() => c.social.push(value.to_string()),
                "NOTE" | "EMAIL" | "TEL" | "TITLE" | "URL" => {}
                name if SILENT.contains(&name) || self.left_out.iter().any(|l| l == name) => {}
                name => self.left_out.push(name.to_string()),
            }
        }
        // rolo's own export says each address's consent and validity: `address;consent;validity`.
        for p in statuses {
            let part = |i: usize| p.parts.get(i).map(String::as_str).unwrap_or_default();
            let Some(e) = c.emails.iter_mut().find(|e| e.address.eq_ignore_ascii_case(part(0))) else { continue };
            match (part(1).parse(), part(2).parse()) {
                (Ok(consent), Ok(validity)) => (e.consent, e.validity) = (consent, validity),
                _ => self.warn(p, format!("'{}' is not a consent and a validity: left as unknown", p.text)),
            }
        }
        if c.first_name.is_empty() && c.last_name.is_empty() {
            let name = full_name.filter(|n| !n.is_empty());
            match name.as_deref().map(|n| n.rsplit_once(char::is_whitespace)) {
                // 山田 太郎: the family name first.
                Some(Some(_)) if name.as_deref().is_some_and(crate::text::family_name_first) => {
                    let (last, first) =
                        name.as_deref().and_then(|n| n.split_once(char::is_whitespace)).unwrap_or_default();
                    (c.first_name, c.last_name) = (first.trim().into(), last.trim().into());
                }
                Some(Some((first, last))) => (c.first_name, c.last_name) = (first.trim().into(), last.trim().into()),
                Some(None) => c.last_name = name.unwrap_or_default(),
                None => {
                    if let Some(name) = kept::named_after_email(&mut c) {
                        let at = props.iter().find(|p| p.name == "EMAIL").map_or(line, |p| p.line);
                        self.notes.push(format!(
                            "line {at}: the card has only an email address: named {name} after it, tagged {}",
                            kept::REVIEW
                        ));
                    }
                }
            }
        }
        if c.last_name.is_empty() {
            c.last_name = std::mem::take(&mut c.first_name);
        }
        if self.options.strict {
            for (property, check) in [("EMAIL", true), ("TEL", false)] {
                for p in props.iter().filter(|p| p.name == property) {
                    let v = p.text.trim();
                    let bad = if check {
                        check_email(strip_scheme(v, "mailto:")).err()
                    } else {
                        check_phone("phone", &tel_number(v)).err()
                    };
                    if let Some(e) = bad.filter(|_| !v.is_empty()) {
                        problems.push(problem(p.line, property, format!("{}: {}", e.field, e.message)));
                    }
                }
            }
        } else {
            for k in kept::contact(&mut c) {
                let property = if k.field == "birthday" {
                    "BDAY"
                } else if k.field == "email" {
                    "EMAIL"
                } else {
                    "TEL"
                };
                let holds = |p: &&Prop| match property {
                    "TEL" => tel_number(&p.text) == k.value,
                    "EMAIL" => strip_scheme(p.text.trim(), "mailto:") == k.value,
                    _ => true,
                };
                let at = props.iter().filter(|p| p.name == property).find(holds).map_or(line, |p| p.line);
                if k.noted {
                    self.kept.push(k.note());
                }
                self.notes.push(problem(at, property, k.message).to_string());
            }
        }
        // A name that could not be read is reported already, and so is each bad email and phone.
        let name_unread = problems.iter().any(|p| matches!(p.column.as_deref(), Some("N" | "FN")));
        if let Err(e) = c.validate() {
            let property = match e.field.as_str() {
                "email" | "phone" if !problems.is_empty() => return c,
                "email" => "EMAIL",
                "phone" => "TEL",
                "birthday" => "BDAY",
                _ if name_unread => return c,
                _ => "N",
            };
            let at = props.iter().find(|p| p.name == property).map_or(line, |p| p.line);
            let message = if property == "N" && c.last_name.is_empty() {
                "the card has no name: give it an N or FN line".to_string()
            } else {
                format!("{}: {}", e.field, e.message)
            };
            problems.push(problem(at, property, message));
        }
        c
    }

    /// A warning about one property, naming its line.
    fn warn(&mut self, p: &Prop, message: String) {
        self.notes.push(problem(p.line, &p.name, message).to_string());
    }

    /// The problem of a file that stops being vCard, on the line where it does.
    fn unreadable(&self, body: &[u8], e: &VcardParseError) -> RowProblem {
        let rest = body.get(self.offset..).unwrap_or_default();
        let at = |data: &str| {
            let bytes = data.as_bytes();
            let pos = (!bytes.is_empty()).then(|| rest.windows(bytes.len()).position(|w| w == bytes)).flatten();
            self.line + pos.map_or(0, |p| rest[..p].iter().filter(|&&b| b == b'\n').count() as u64)
        };
        let first = |data: &str| data.lines().next().unwrap_or_default().chars().take(60).collect::<String>();
        let (line, message) = match e {
            VcardParseError::MissingPropertyColon(data) => (
                at(data),
                format!("'{}' is not a vCard line (NAME:value): a line that goes on starts with a space", first(data)),
            ),
            VcardParseError::MissingEnd(_) => (at("BEGIN"), "the card that starts here has no END:VCARD line".into()),
            VcardParseError::ExpectedBegin(name) => {
                (at(name), format!("'{name}' stands outside a card: a card starts with BEGIN:VCARD"))
            }
            VcardParseError::NonUtf8Header(data) => {
                (at(data), "a property name is not UTF-8 text: save the file as UTF-8".to_string())
            }
            VcardParseError::MissingCrlf(_) => (self.line, "a line does not end where it should".to_string()),
        };
        RowProblem { line, column: None, message: format!("{message}; nothing after it was read") }
    }

    /// Notes what the cards held that no contact field takes.
    fn finish(&mut self) {
        if !self.left_out.is_empty() {
            self.notes.push(format!("left out of every card: {}", std::mem::take(&mut self.left_out).join(", ")));
        }
    }
}

fn problem(line: u64, property: &str, message: String) -> RowProblem {
    RowProblem { line, column: Some(property.to_ascii_uppercase()), message }
}

/// How many blank lines come before a property line (the parser keeps them with it).
fn blank_lines_before(line: &VcardLine) -> u64 {
    let text = line.to_string();
    let blank = text.len() - text.trim_start().len();
    text[..blank].matches('\n').count() as u64
}

/// Apple's label text: `_$!<Mobile>!$_` for its own words (in lower case, as rolo writes
/// labels), anything else as written.
fn apple_label(text: &str) -> String {
    let text = text.trim();
    match text.strip_prefix("_$!<").and_then(|t| t.strip_suffix(">!$_")) {
        Some(word) => word.to_lowercase(),
        None => text.to_string(),
    }
}

/// The label a property's TYPE values give: mobile, work, home, fax (`work fax`, `home fax`),
/// pager...; an address's work or home before postal (INTERNET, PREF, VOICE and the like say
/// nothing).
fn type_label(types: &[String], phone: bool) -> Option<String> {
    let has = |t: &str| types.iter().any(|x| x == t);
    let place = [("work", "work"), ("home", "home"), ("main", "main"), ("other", "other")]
        .into_iter()
        .find(|(t, _)| has(t))
        .map(|(_, l)| l);
    let words: &[(&str, &str)] = if phone {
        &[("cell", "mobile"), ("mobile", "mobile"), ("iphone", "mobile"), ("pager", "pager")]
    } else {
        &[("billing", "billing"), ("delivery", "shipping"), ("postal", "mailing")]
    };
    let word = words.iter().find(|(t, _)| has(t)).map(|(_, l)| *l);
    match (phone && has("fax"), place, word) {
        (true, Some(place), _) => Some(format!("{place} fax")),
        (true, None, _) => Some("fax".into()),
        (false, _, Some(word)) if phone => Some(word.into()),
        (false, Some(place), _) => Some(place.into()),
        (false, None, word) => word.map(str::to_string),
    }
}

/// A value without its URI scheme (`mailto:`, `tel:`), in any case.
fn strip_scheme<'v>(value: &'v str, scheme: &str) -> &'v str {
    match value.get(..scheme.len()) {
        Some(head) if head.eq_ignore_ascii_case(scheme) => &value[scheme.len()..],
        _ => value,
    }
}

/// A TEL value as a number: a vCard 4 `tel:` URI loses its scheme, and its extension
/// (`;ext=102`) is kept as ` x102`; other URI parameters say nothing to a person.
fn tel_number(value: &str) -> String {
    let mut parts = strip_scheme(value.trim(), "tel:").split(';');
    let number = parts.next().unwrap_or_default().trim().to_string();
    match parts.find_map(|p| p.trim().strip_prefix("ext=").or_else(|| p.trim().strip_prefix("EXT="))) {
        Some(ext) if !ext.is_empty() => format!("{number} x{ext}"),
        _ => number,
    }
}

/// The pieces of `text` between the `sep` characters that no backslash escapes.
fn split_escaped(text: &str, sep: char) -> Vec<&str> {
    let (mut pieces, mut start, mut escaped) = (Vec::new(), 0, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            _ if c == sep => {
                pieces.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// Undoes vCard escapes (`\,` `\;` `\n` `\\`) in text decoded by hand.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(n @ (',' | ';' | '\\' | ':'))) => {
                out.push(n);
                chars.next();
            }
            ('\\', Some('n' | 'N')) => {
                out.push('\n');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}
