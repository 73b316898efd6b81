//! Contacts from vCard files (2.1, 3.0 and 4.0, as phones, Google Contacts, Outlook and rolo
//! itself write them) through the `vcard-rs` crate, which unfolds lines, splits parameters and
//! structured values, and undoes escapes and quoted-printable. Each card becomes one
//! [`Incoming`] contact, or the problems that keep it out, named by line and property.

use vcard_rs::tree::cst::VcardCst;
use vcard_rs::tree::error::VcardParseError;
use vcard_rs::tree::line::VcardLine;
use vcard_rs::tree::value::cursor::VcardValueCursor;

use super::{Options, read_date};
use crate::crm::{Arrival, Incoming, RowProblem};
use crate::model::{Address, Contact, Email, Phone, Record};

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
    let mut reader = Reader { options, line: 1, offset: 0, left_out: Vec::new(), notes };
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
    /// The whole value as text.
    text: String,
    /// The `;`-separated parts of a structured value (N, ADR, ORG).
    parts: Vec<String>,
    /// The `,`-separated items of a list value (CATEGORIES).
    items: Vec<String>,
    /// The line it starts on.
    line: u64,
}

/// Properties that say nothing about the person, left out without a note.
const SILENT: &[&str] = &["BEGIN", "END", "VERSION", "PRODID", "UID", "REV", "KIND", "SOURCE", "X-ABLABEL", "X-ABADR"];

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
        let contact = self.contact(start, &props, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let company = props.iter().find(|p| p.name == "ORG").and_then(|p| p.parts.first()).cloned();
        let notes: Vec<&str> = props.iter().filter(|p| p.name == "NOTE").map(|p| p.text.trim()).collect();
        let notes = notes.iter().any(|n| !n.is_empty()).then(|| notes.join("\n\n"));
        Ok(Incoming {
            line: start,
            record: Arrival::Contact(Box::new(contact)),
            company: company.filter(|c| !c.trim().is_empty()),
            notes,
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

    /// One property line, decoded: quoted-printable and CHARSET undone; without a CHARSET, text
    /// that is not UTF-8 is refused unless `--latin1` says it is Windows-1252.
    fn prop(&self, line: &mut VcardLine, at: u64) -> Result<Prop, String> {
        let name = line.bare_name().to_ascii_uppercase();
        let group = line.group().map(str::to_lowercase);
        let mut types = Vec::new();
        let (mut encoded, mut no_year) = (false, false);
        for p in &line.params {
            let param = p.name.get().to_ascii_uppercase();
            match (param.as_str(), p.values.is_empty()) {
                ("TYPE", false) => {
                    let values = p.values.iter().flat_map(|v| v.get().trim_matches('"').split(','));
                    types.extend(values.map(|t| t.trim().to_lowercase()));
                }
                ("CHARSET" | "ENCODING", false) => encoded = true,
                ("QUOTED-PRINTABLE", true) => encoded = true,
                ("X-APPLE-OMIT-YEAR", _) => no_year = true,
                (_, true) => types.push(param.to_lowercase()),
                _ => {}
            }
        }
        let plain = !encoded && std::str::from_utf8(&line.value.decode_bytes()).is_ok();
        let (text, parts, items) = if plain {
            let value = &line.value;
            let parts = (0..value.component_count()).map(|i| value.decode_component(i).trim().to_string()).collect();
            let items = value.decode_list().iter().map(|i| i.trim().to_string()).collect();
            (value.decode().into_owned(), parts, items)
        } else {
            let text = if encoded {
                VcardValueCursor { line }.charset()
            } else if self.options.latin1 {
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(&line.value.decode_bytes()).0.into_owned()
            } else {
                return Err(format!(
                    "line {at} is not UTF-8 text: save the file as UTF-8, or pass --latin1 if it is Latin-1 / Windows-1252"
                ));
            };
            let parts = text.split(';').map(|p| p.trim().to_string()).collect();
            let items = text.split(',').map(|i| i.trim().to_string()).collect();
            (text, parts, items)
        };
        Ok(Prop { name, group, types, no_year, text, parts, items, line: at })
    }

    /// The contact a card's properties describe; what is wrong goes to `problems`.
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
        for p in props {
            let value = p.text.trim();
            match p.name.as_str() {
                "N" => {
                    let part = |i: usize| p.parts.get(i).map(|s| s.replace(',', " ")).unwrap_or_default();
                    (c.last_name, c.first_name) = (part(0), part(1));
                    c.middle_name = Some(part(2)).filter(|m| !m.is_empty());
                }
                "FN" => full_name = Some(value.to_string()),
                "EMAIL" if !value.is_empty() => {
                    let address = value.trim_start_matches("mailto:").to_string();
                    if !c.emails.iter().any(|e| e.address.eq_ignore_ascii_case(&address)) {
                        c.emails.push(Email { label: label_of(p, false), ..Email::new(address) });
                    }
                }
                "TEL" if !value.is_empty() => {
                    let number = value.trim_start_matches("tel:").to_string();
                    c.phones.push(Phone { label: label_of(p, true), ..Phone::new(number) });
                }
                "ADR" => {
                    let part = |i: usize| p.parts.get(i).cloned().filter(|s| !s.is_empty());
                    let street = [part(2), part(1)].into_iter().flatten().collect::<Vec<_>>().join(", ");
                    let address = Address {
                        label: label_of(p, false),
                        street: Some(street).filter(|s| !s.is_empty()).or_else(|| part(0)),
                        city: part(3),
                        region: part(4),
                        postal_code: part(5),
                        country: part(6),
                    };
                    if !address.is_empty() {
                        c.addresses.push(address);
                    }
                }
                "TITLE" if !value.is_empty() => c.title = Some(value.to_string()),
                "BDAY" if p.no_year || value.starts_with("--") => {
                    self.notes.push(format!("line {}: the birthday {value} has no year and was left out", p.line));
                }
                "BDAY" => match read_date(value, self.options.date_format.as_deref(), p.line, self.notes) {
                    Ok(d) => c.birthday = d,
                    Err(m) => problems.push(problem(p.line, "BDAY", m)),
                },
                "CATEGORIES" => c.tags.extend(p.items.iter().filter(|t| !t.is_empty()).cloned()),
                "URL" if !value.is_empty() => c.social.push(value.to_string()),
                "ORG" | "NOTE" | "EMAIL" | "TEL" | "TITLE" | "URL" => {}
                name if SILENT.contains(&name) || self.left_out.iter().any(|l| l == name) => {}
                name => self.left_out.push(name.to_string()),
            }
        }
        if c.first_name.is_empty() && c.last_name.is_empty() {
            let name = full_name.unwrap_or_default();
            match name.rsplit_once(char::is_whitespace) {
                Some((first, last)) => (c.first_name, c.last_name) = (first.trim().into(), last.trim().into()),
                None => c.last_name = name,
            }
        }
        if c.last_name.is_empty() {
            c.last_name = std::mem::take(&mut c.first_name);
        }
        // A name that could not be read is reported already.
        let name_unread = problems.iter().any(|p| matches!(p.column.as_deref(), Some("N" | "FN")));
        if let Err(e) = c.validate() {
            let property = match e.field.as_str() {
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

/// Apple's label text: `_$!<Mobile>!$_` for its own words, anything else as written.
fn apple_label(text: &str) -> String {
    text.trim().trim_start_matches("_$!<").trim_end_matches(">!$_").to_lowercase()
}

/// The label a property's TYPE values give: mobile, work, home, fax... (INTERNET, PREF, VOICE
/// and the like say nothing).
fn type_label(types: &[String], phone: bool) -> Option<String> {
    let words: &[(&str, &str)] = if phone {
        &[("cell", "mobile"), ("mobile", "mobile"), ("iphone", "mobile"), ("fax", "fax"), ("pager", "pager")]
    } else {
        &[("billing", "billing"), ("delivery", "shipping"), ("postal", "mailing")]
    };
    let common: &[(&str, &str)] = &[("work", "work"), ("home", "home"), ("main", "main"), ("other", "other")];
    words.iter().chain(common).find(|(t, _)| types.iter().any(|x| x == t)).map(|(_, l)| l.to_string())
}
