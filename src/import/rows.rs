//! One CSV row turned into a record: its cells gathered by field, checked and built.

use chrono::NaiveDate;

use crate::crm::{Arrival, Incoming, Reference, RowProblem};
use crate::model::{
    Account, Address, Amount, Call, CallDirection, CallOutcome, Case, Consent, Contact, Currency, Date, Email, Kind,
    Lead, LeadConversion, LeadStatus, Opportunity, Phone, Priority, Product, Record, Task, Timestamp, ValidationError,
    check_email, check_phone,
};

use super::cells::*;
use super::columns::{self, Field, Part};
use super::kept;
use super::{Mapping, Options};

/// Turns one row into a record, or says what is wrong with each bad cell. `notes` gathers what
/// the user should know (cells left out, such as a birthday without a year).
pub fn convert(
    mapping: &Mapping,
    headers: &[String],
    options: &Options,
    line: u64,
    cells: &csv::StringRecord,
    notes: &mut Vec<String>,
) -> Result<Incoming, Vec<RowProblem>> {
    let mut row =
        Row { kind: mapping.kind, line, headers, fields: &mapping.fields, cells, options, problems: Vec::new(), notes };
    let incoming = row.build(mapping);
    if row.problems.is_empty() { Ok(incoming) } else { Err(row.problems) }
}

/// One row being read.
struct Row<'a> {
    kind: Kind,
    line: u64,
    headers: &'a [String],
    fields: &'a [Option<Field>],
    cells: &'a csv::StringRecord,
    options: &'a Options,
    problems: Vec<RowProblem>,
    notes: &'a mut Vec<String>,
}

/// Values of one row gathered by field before they become a record.
#[derive(Default)]
struct Cells {
    first: Option<String>,
    last: Option<String>,
    middle: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    department: Option<String>,
    name: Option<String>,
    title: Option<String>,
    company: Option<String>,
    emails: Vec<Email>,
    phones: Vec<Phone>,
    /// Labels of email and phone groups, from their label columns.
    labels: Vec<(String, String)>,
    /// The group of each email, in order (for its consent and validity columns).
    email_groups: Vec<String>,
    /// Consent and validity words by email group.
    statuses: Vec<(Field, String, usize)>,
    /// Whether a consent column said each address's consent (then "Email Opt Out" does not).
    consent_known: bool,
    /// Addresses by group, in column order.
    addresses: Vec<(String, Address)>,
    birthday: Option<Date>,
    /// Year, month and day of a birthday given in three columns.
    birth_parts: [Option<u32>; 3],
    notes: Vec<String>,
    tags: Vec<String>,
    owner: Option<String>,
    do_not_call: bool,
    opted_out: bool,
    websites: Vec<String>,
    interests: Vec<String>,
    skills: Vec<String>,
    follow_up_days: Option<u32>,
    industry: Option<String>,
    employees: Option<u32>,
    revenue: Option<Amount>,
    currency: Option<Currency>,
    status: Option<String>,
    source: Option<String>,
    rating: Option<String>,
    /// Records the row names (a deal's stage, a task's contact), found by the import.
    refs: Vec<Reference>,
    amount: Option<Amount>,
    /// A deal's close date or a task's due date.
    date: Option<Date>,
    /// When a call began.
    at: Option<Timestamp>,
    probability: Option<u8>,
    next_step: Option<String>,
    next_step_date: Option<Date>,
    closed_on: Option<Date>,
    lost_reason: Option<String>,
    competitor: Option<String>,
    priority: Option<Priority>,
    /// A case's priority, as written (cases have one more than tasks).
    case_priority: Option<String>,
    resolution: Option<String>,
    completed: Option<Timestamp>,
    /// When a lead was converted, as the file says.
    converted_at: Option<Timestamp>,
    direction: Option<CallDirection>,
    duration: Option<u32>,
    outcome: Option<CallOutcome>,
    sku: Option<String>,
    active: Option<bool>,
}

impl Cells {
    /// The notes, for the kinds that keep them in a field of their own (tasks, calls, products)
    /// rather than as a note record.
    fn take_notes(&mut self) -> Option<String> {
        let notes = std::mem::take(&mut self.notes);
        (!notes.is_empty()).then(|| notes.join("\n\n"))
    }

    /// The label a group's label column gave, if any.
    fn label_of(&self, group: &str) -> Option<String> {
        self.labels.iter().find(|(g, l)| g == group && !l.is_empty()).map(|(_, l)| l.clone())
    }
}

/// The resolution a case closed in another tool without one is given.
const UNRECORDED: &str = "(not recorded)";

impl Row<'_> {
    fn build(&mut self, mapping: &Mapping) -> Incoming {
        let cells = self.cells;
        let mut c = Cells::default();
        for (field, cell) in mapping.fields.iter().zip(cells) {
            if let Some(Field::LabelOf(group)) = field {
                c.labels.push((group.clone(), label_text(cell)));
            }
        }
        for (i, field) in mapping.fields.iter().enumerate() {
            let (Some(field), Some(cell)) = (field, cells.get(i)) else { continue };
            let value = cell_text(cell);
            if value.is_empty() {
                continue;
            }
            self.take(&mut c, i, field, value);
        }
        let record = match mapping.kind {
            Kind::Account => Arrival::Account(Box::new(self.account(&mut c))),
            Kind::Lead => Arrival::Lead(Box::new(self.lead(&mut c))),
            Kind::Opportunity => Arrival::Opportunity(Box::new(self.opportunity(&mut c))),
            Kind::Task => Arrival::Task(Box::new(self.task(&mut c))),
            Kind::Call => Arrival::Call(Box::new(self.call(&mut c))),
            Kind::Product => Arrival::Product(Box::new(self.product(&mut c))),
            Kind::Case => Arrival::Case(Box::new(self.case(&mut c))),
            _ => Arrival::Contact(Box::new(self.contact(&mut c))),
        };
        let notes = (!c.notes.is_empty()).then(|| c.notes.join("\n\n"));
        Incoming { line: self.line, record, company: c.company.take(), notes, refs: c.refs }
    }

    /// A value that does not fit its field: with `--strict` a problem, else kept as written in
    /// the record's note (`Birthday: 31/31/1990`) with a warning naming line and column.
    fn soft(&mut self, c: &mut Cells, column: usize, value: &str, message: String) {
        if self.options.strict {
            return self.problem(column, message);
        }
        let header = self.headers.get(column).cloned().unwrap_or_default();
        c.notes.push(format!("{header}: {value}"));
        self.warn(Some(header), format!("{message}; kept as written in the note"));
    }

    /// Tells the user something about this row without refusing it.
    fn warn(&mut self, column: Option<String>, message: String) {
        self.notes.push(RowProblem { line: self.line, column, message }.to_string());
    }

    fn problem(&mut self, column: usize, message: impl Into<String>) {
        let column = self.headers.get(column).cloned();
        self.problems.push(RowProblem { line: self.line, column, message: message.into() });
    }

    fn take(&mut self, c: &mut Cells, i: usize, field: &Field, v: &str) {
        let text = || Some(v.to_string());
        match field {
            Field::First => c.first = text(),
            Field::Last => c.last = text(),
            Field::Middle => c.middle = text(),
            Field::Prefix => c.prefix = text(),
            Field::Suffix => c.suffix = text(),
            Field::Department => c.department = text(),
            Field::Name => c.name = text(),
            Field::Title => c.title = text(),
            Field::Company => c.company = text(),
            Field::Email(label, group) => {
                let label = label.clone().or_else(|| c.label_of(group));
                for address in split(v, true) {
                    if !c.emails.iter().any(|e| e.address.eq_ignore_ascii_case(&address)) {
                        c.emails.push(Email { label: label.clone(), ..Email::new(address) });
                        c.email_groups.push(group.clone());
                    }
                }
            }
            Field::Phone(label, group) => {
                let label = label.clone().or_else(|| c.label_of(group));
                for number in split(v, false) {
                    c.phones.push(Phone { label: label.clone(), ..Phone::new(number) });
                }
            }
            Field::LabelOf(_) => {}
            Field::Address(part, group) => {
                let at = match c.addresses.iter().position(|(g, _)| g == group) {
                    Some(at) => at,
                    None => {
                        let label = columns::address_label(group);
                        c.addresses.push((group.clone(), Address { label, ..Default::default() }));
                        c.addresses.len() - 1
                    }
                };
                let a = &mut c.addresses[at].1;
                let slot = match part {
                    Part::Street => &mut a.street,
                    Part::City => &mut a.city,
                    Part::Region => &mut a.region,
                    Part::PostalCode => &mut a.postal_code,
                    Part::Country => &mut a.country,
                    Part::Label => &mut a.label,
                };
                *slot = Some(if *part == Part::Label { label_text(v) } else { v.to_string() });
            }
            Field::Birthday => match self.date(v) {
                Ok(d) => c.birthday = d,
                Err(m) => self.soft(c, i, v, m),
            },
            Field::BirthPart(part) => match v.parse::<u32>() {
                Ok(n) => c.birth_parts[usize::from(*part).min(2)] = Some(n),
                Err(_) => self.soft(c, i, v, format!("'{v}' is not a number: write the {field} in digits")),
            },
            Field::Notes => c.notes.push(v.to_string()),
            Field::Tags => c.tags.extend(split(v, true).into_iter().filter(|t| !t.starts_with('*'))),
            Field::Interests => c.interests.extend(split(v, true)),
            Field::Skills => c.skills.extend(split(v, true)),
            Field::FollowUpDays => match v.parse::<u32>() {
                Ok(days) if days > 0 => c.follow_up_days = Some(days),
                _ => self.soft(c, i, v, format!("'{v}' is not a number of days: write a whole number, like 30")),
            },
            Field::Consent(_) | Field::Validity(_) => c.statuses.push((field.clone(), v.to_string(), i)),
            Field::Owner => c.owner = text(),
            Field::DoNotCall => match yes_no(v) {
                Some(b) => c.do_not_call = b,
                None => self.soft(c, i, v, format!("'{v}' is not yes or no")),
            },
            Field::EmailOptOut => match yes_no(v) {
                Some(b) => c.opted_out = b,
                None => self.soft(c, i, v, format!("'{v}' is not yes or no")),
            },
            // Several web addresses in one cell are written as Google does, with " ::: ".
            Field::Website => {
                c.websites.extend(v.split(":::").map(str::trim).filter(|w| !w.is_empty()).map(str::to_string))
            }
            Field::Industry => c.industry = text(),
            Field::Employees => match v.replace([',', ' ', '_'], "").parse() {
                Ok(n) => c.employees = Some(n),
                Err(_) => self.soft(c, i, v, format!("'{v}' is not a whole number of employees")),
            },
            Field::Revenue => match money(v) {
                Ok(a) => c.revenue = Some(a),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Currency => match Currency::parse(v) {
                Ok(cur) => c.currency = Some(cur),
                Err(e) => self.soft(c, i, v, e.message),
            },
            Field::Status => c.status = text(),
            Field::Source => c.source = text(),
            Field::Rating => c.rating = text(),
            Field::Stage
            | Field::Campaign
            | Field::Contact
            | Field::Opportunity
            | Field::Project
            | Field::Lead
            | Field::Product => {
                let kind = match field {
                    Field::Stage => Kind::Stage,
                    Field::Product => Kind::Product,
                    Field::Campaign => Kind::Campaign,
                    Field::Contact => Kind::Contact,
                    Field::Opportunity => Kind::Opportunity,
                    Field::Project => Kind::Project,
                    _ => Kind::Lead,
                };
                c.refs.push(Reference {
                    kind,
                    text: v.to_string(),
                    column: self.headers.get(i).cloned(),
                    optional: false,
                });
            }
            Field::Converted(kind) => {
                c.refs.push(Reference {
                    kind: *kind,
                    text: v.to_string(),
                    column: self.headers.get(i).cloned(),
                    optional: true,
                });
            }
            Field::ConvertedAt => match self.instant(v) {
                Ok(t) => c.converted_at = Some(t),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Amount => match money(v) {
                Ok(a) => c.amount = Some(a),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Date if matches!(self.kind, Kind::Call | Kind::Case) => match self.instant(v) {
                Ok(t) => c.at = Some(t),
                Err(m) => self.problem(i, m),
            },
            Field::Date => match self.date(v) {
                Ok(d) => c.date = d,
                Err(m) if self.kind == Kind::Opportunity => self.problem(i, m),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::NextStepDate => match self.date(v) {
                Ok(d) => c.next_step_date = d,
                Err(m) => self.soft(c, i, v, m),
            },
            Field::ClosedOn => match self.date(v) {
                Ok(d) => c.closed_on = d,
                Err(m) => self.problem(i, m),
            },
            Field::Completed => match self.instant(v) {
                Ok(t) => c.completed = Some(t),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Probability => match v.trim_end_matches('%').trim().parse::<u8>() {
                Ok(p) if p <= 100 => c.probability = Some(p),
                _ => self.soft(c, i, v, format!("'{v}' is not a percentage: write a whole number from 0 to 100")),
            },
            Field::NextStep => c.next_step = text(),
            Field::LostReason => c.lost_reason = text(),
            Field::Competitor => c.competitor = text(),
            Field::Resolution => c.resolution = text(),
            Field::Priority if self.kind == Kind::Case => c.case_priority = text(),
            Field::Priority => match priority(v) {
                Ok(p) => c.priority = Some(p),
                Err(e) => self.soft(c, i, v, e.message),
            },
            Field::Direction => match direction(v) {
                Ok(d) => c.direction = Some(d),
                Err(e) => self.soft(c, i, v, e.message),
            },
            Field::Outcome => match outcome(v) {
                Ok(o) => c.outcome = Some(o),
                Err(e) => self.soft(c, i, v, e.message),
            },
            Field::Duration => match duration(v) {
                Ok(d) => c.duration = Some(d),
                Err(m) => self.soft(c, i, v, m),
            },
            Field::Sku => c.sku = text(),
            Field::Active => match yes_no(v) {
                Some(b) => c.active = Some(b),
                None => self.soft(c, i, v, format!("'{v}' is not yes or no")),
            },
            Field::Ignore => {}
        }
    }

    /// A date in the file's form (see [`read_date`]).
    fn date(&mut self, v: &str) -> Result<Option<Date>, String> {
        read_date(v, self.options.date_format.as_deref(), self.line, self.notes)
    }

    /// An instant in the file's form: RFC 3339 (`2026-11-20T09:30:00Z`, as rolo writes them), a
    /// local `YYYY-MM-DD HH:MM[:SS]`, Outlook's `M/D/YYYY h:mm AM`, or the `--date-format`
    /// followed by a time; a date alone is its local midnight.
    fn instant(&mut self, v: &str) -> Result<Timestamp, String> {
        let custom = self.options.date_format.as_deref();
        let with_time = |f: &str| [format!("{f} %H:%M:%S"), format!("{f} %H:%M"), format!("{f} %I:%M %p")];
        let forms = custom.into_iter().chain(["%m/%d/%Y"]).flat_map(with_time);
        for form in custom.map(str::to_string).into_iter().chain(forms) {
            if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v, &form)
                && Date::checked(t.date()).is_some()
            {
                return Ok(Timestamp::from_local_naive(t));
            }
        }
        if !v.eq_ignore_ascii_case("now")
            && let Ok(t) = Timestamp::parse_local(v)
        {
            return Ok(t);
        }
        match self.date(v) {
            Ok(Some(d)) => Ok(d.start_local()),
            _ => Err(format!("'{v}' is not a date and time: use YYYY-MM-DD HH:MM (local time) or M/D/YYYY h:mm AM")),
        }
    }

    /// The first and last name: given apart, or split from a whole name at its last space. A
    /// single name is the last name.
    fn names(c: &mut Cells) -> (String, String) {
        let (mut first, mut last) = (c.first.take().unwrap_or_default(), c.last.take().unwrap_or_default());
        if first.is_empty()
            && last.is_empty()
            && let Some(name) = c.name.take()
        {
            match name.rsplit_once(char::is_whitespace) {
                Some((f, l)) => (first, last) = (f.trim().to_string(), l.trim().to_string()),
                None => last = name,
            }
        }
        if last.is_empty() {
            last = std::mem::take(&mut first);
        }
        (first, last)
    }

    fn contact(&mut self, c: &mut Cells) -> Contact {
        self.email_statuses(c);
        let (first_name, last_name) = Row::names(c);
        let mut emails = std::mem::take(&mut c.emails);
        if c.opted_out && !c.consent_known {
            emails.iter_mut().for_each(|e| e.consent = Consent::OptedOut);
        }
        if c.birthday.is_none() {
            c.birthday = self.birthday_of_parts(c);
        }
        let mut contact = Contact {
            first_name,
            last_name,
            middle_name: c.middle.take(),
            prefix: c.prefix.take(),
            suffix: c.suffix.take(),
            department: c.department.take(),
            title: c.title.take(),
            emails,
            phones: std::mem::take(&mut c.phones),
            addresses: std::mem::take(&mut c.addresses).into_iter().map(|(_, a)| a).filter(|a| !a.is_empty()).collect(),
            birthday: c.birthday,
            interests: std::mem::take(&mut c.interests),
            skills: std::mem::take(&mut c.skills),
            follow_up_days: c.follow_up_days,
            social: std::mem::take(&mut c.websites),
            do_not_call: c.do_not_call,
            owner: c.owner.take().unwrap_or_default(),
            tags: std::mem::take(&mut c.tags),
            ..Default::default()
        };
        if let Some(name) = kept::named_after_email(&mut contact) {
            let at = self.fields.iter().position(|f| matches!(f, Some(Field::Email(..))));
            let message = format!("the row has only an email address: named {name} after it, tagged {}", kept::REVIEW);
            self.warn(at.and_then(|i| self.headers.get(i).cloned()), message);
        }
        if !self.options.strict {
            kept::contact(&mut contact).into_iter().for_each(|k| self.kept(c, k));
        } else if self.each_bad_address(&contact) {
            return contact;
        }
        self.check(&contact);
        contact
    }

    /// With `--strict`, a problem for every email and phone of `contact` that does not check,
    /// each on the column that holds it; whether there was any.
    fn each_bad_address(&mut self, contact: &Contact) -> bool {
        let emails = contact.emails.iter().map(|e| (e.address.as_str(), check_email(&e.address)));
        let phones = contact.phones.iter().map(|p| (p.number.as_str(), check_phone("phone", &p.number)));
        let bad: Vec<(String, ValidationError)> =
            emails.chain(phones).filter_map(|(value, checked)| Some((value.to_string(), checked.err()?))).collect();
        for (value, e) in &bad {
            let column = self.column_holding(value);
            let message = format!("{}: {}", e.field, e.message);
            self.problems.push(RowProblem { line: self.line, column, message });
        }
        !bad.is_empty()
    }

    /// The header of the email, phone or birthday column whose cell holds `value`.
    fn column_holding(&self, value: &str) -> Option<String> {
        let at = self.fields.iter().zip(self.cells).position(|(f, cell)| {
            matches!(f, Some(Field::Email(..) | Field::Phone(..) | Field::Birthday)) && cell_text(cell).contains(value)
        });
        at.and_then(|i| self.headers.get(i).cloned())
    }

    /// Sets each email's consent and validity from its group's columns.
    fn email_statuses(&mut self, c: &mut Cells) {
        for (field, word, column) in std::mem::take(&mut c.statuses) {
            let (Field::Consent(group) | Field::Validity(group)) = &field else { continue };
            c.consent_known |= matches!(field, Field::Consent(_));
            let at = c.email_groups.iter().position(|g| g == group);
            let Some(email) = at.and_then(|at| c.emails.get_mut(at)) else { continue };
            let read = match field {
                Field::Consent(_) => word.parse().map(|v| email.consent = v),
                _ => word.parse().map(|v| email.validity = v),
            };
            if let Err(e) = read {
                self.soft(c, column, &word, e.message);
            }
        }
    }

    /// The birthday three columns give (year, month, day); a month and day without a year is
    /// left out with a note, as a birthday without a year always is.
    fn birthday_of_parts(&mut self, c: &mut Cells) -> Option<Date> {
        let column = self.fields.iter().position(|f| matches!(f, Some(Field::BirthPart(_))));
        let column = column.and_then(|i| self.headers.get(i).cloned());
        match c.birth_parts {
            [None, None, None] => None,
            [Some(y), Some(m), Some(d)] => {
                let date = i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, m, d)).map(Date);
                if date.is_none() {
                    c.notes.push(format!("birthday: {y}-{m}-{d}"));
                    self.warn(column, format!("{y}-{m}-{d} is not a date; kept as written in the note"));
                }
                date
            }
            [_, m, d] => {
                let said = [m, d].map(|p| p.map_or("?".to_string(), |p| format!("{p:02}")));
                let message = format!("the birthday --{}-{} has no year and was left out", said[0], said[1]);
                self.warn(column, message);
                None
            }
        }
    }

    /// Warns of a value kept out of its field (see [`kept`]), naming the column that held it,
    /// and puts it in the note when it went there.
    fn kept(&mut self, c: &mut Cells, k: kept::Kept) {
        if k.noted {
            c.notes.push(k.note());
        }
        self.warn(self.column_holding(&k.value), k.message);
    }

    fn account(&mut self, c: &mut Cells) -> Account {
        let mut account = Account {
            name: c.name.take().unwrap_or_default(),
            industry: c.industry.take(),
            website: c.websites.first().cloned(),
            phone: c.phones.first().map(|p| p.number.clone()),
            email: c.emails.first().map(|e| e.address.clone()),
            address: std::mem::take(&mut c.addresses).into_iter().next().map(|(_, a)| a).unwrap_or_default(),
            employees: c.employees,
            annual_revenue: c.revenue,
            owner: c.owner.take().unwrap_or_default(),
            tags: std::mem::take(&mut c.tags),
            ..Default::default()
        };
        account.address.label = None;
        if let Some(cur) = c.currency.or(self.options.currency) {
            account.currency = cur;
        }
        if let Some(s) = c.status.take() {
            match s.parse() {
                Ok(status) => account.status = status,
                Err(e) => self.field_soft(c, e, &s),
            }
        }
        self.check(&account);
        account
    }

    fn lead(&mut self, c: &mut Cells) -> Lead {
        let (first_name, last_name) = Row::names(c);
        let mut lead = Lead {
            first_name,
            last_name,
            company: c.company.clone(),
            title: c.title.take(),
            email: c.emails.first().map(|e| e.address.clone()),
            phone: c.phones.first().map(|p| p.number.clone()),
            owner: c.owner.take().unwrap_or_default(),
            ..Default::default()
        };
        if !self.options.strict {
            kept::lead(&mut lead).into_iter().for_each(|k| self.kept(c, k));
        }
        // A lead's company is its own text, not a link: the company column is not an account.
        c.company = None;
        // Checked against the database's lead sources (and the words other CRMs use for them)
        // when the lead is stored.
        lead.source = c.source.take();
        if let Some(s) = c.status.take() {
            match s.parse() {
                Ok(status) => lead.status = status,
                Err(e) => self.field_soft(c, e, &s),
            }
        }
        // A lead the file says was converted: what it became is found when it is brought in
        // (a conversion with no records yet stands for that).
        if lead.status == LeadStatus::Converted {
            let at = c.converted_at.unwrap_or_else(Timestamp::now);
            lead.converted = Some(LeadConversion { account: 0, contact: 0, opportunity: None, at });
        }
        if let Some(s) = c.rating.take() {
            match s.parse() {
                Ok(rating) => lead.rating = Some(rating),
                Err(e) => self.field_soft(c, e, &s),
            }
        }
        self.check(&lead);
        lead
    }

    fn opportunity(&mut self, c: &mut Cells) -> Opportunity {
        if c.company.is_none() {
            self.missing("account", &[Field::Company], "every deal belongs to an account");
        }
        let Some(close_date) = c.date else {
            self.missing("close date", &[Field::Date], "a deal needs the date it is expected to close");
            return Opportunity::default();
        };
        let mut o = Opportunity {
            name: c.name.take().unwrap_or_default(),
            amount: c.amount.unwrap_or_default(),
            close_date,
            probability: c.probability.unwrap_or_default(),
            probability_manual: c.probability.is_some(),
            next_step: c.next_step.take(),
            next_step_date: c.next_step_date,
            closed_on: c.closed_on,
            lost_reason: c.lost_reason.take(),
            // Checked against the competitor list when the deal is stored, as its source is.
            competitor: c.competitor.take(),
            owner: c.owner.take().unwrap_or_default(),
            ..Default::default()
        };
        if let Some(cur) = c.currency.or(self.options.currency) {
            o.currency = cur;
        }
        // Checked against the database's lead sources when the deal is stored, as for leads.
        o.lead_source = c.source.take();
        self.check(&o);
        o
    }

    fn task(&mut self, c: &mut Cells) -> Task {
        let mut t = Task {
            title: c.name.take().unwrap_or_default(),
            due: c.date,
            priority: c.priority.unwrap_or_default(),
            notes: c.take_notes(),
            owner: c.owner.take().unwrap_or_default(),
            completed_at: c.completed,
            ..Default::default()
        };
        if let Some(s) = c.status.take() {
            match task_status(&s) {
                Ok(status) => t.status = status,
                Err(e) => self.field_soft(c, e, &s),
            }
        }
        self.check(&t);
        t
    }

    fn case(&mut self, c: &mut Cells) -> Case {
        let mut case = Case {
            subject: c.name.take().unwrap_or_default(),
            resolution: c.resolution.take(),
            resolved_at: c.completed,
            owner: c.owner.take().unwrap_or_default(),
            created: c.at.unwrap_or_default(),
            ..Default::default()
        };
        let words = [("priority", c.case_priority.take()), ("status", c.status.take()), ("channel", c.source.take())];
        for (field, text) in words {
            let Some(text) = text else { continue };
            let set = match field {
                "priority" => text.parse().map(|p| case.priority = p),
                "status" => case_status(&text).map(|s| case.status = s),
                _ => text.parse().map(|ch| case.channel = Some(ch)),
            };
            if let Err(e) = set {
                self.field_soft(c, e, &text);
            }
        }
        // What did not fit its field was kept in the notes: the description holds them.
        case.description = c.take_notes();
        if !case.status.is_open() && case.resolution.is_none() {
            case.resolution = Some(UNRECORDED.to_string());
            let status = case.status;
            self.warn(None, format!("a {status} case without a resolution: kept as '{UNRECORDED}'"));
        }
        self.check(&case);
        case
    }

    fn call(&mut self, c: &mut Cells) -> Call {
        if !c.refs.iter().any(|r| r.kind == Kind::Contact) {
            self.missing("contact", &[Field::Contact], "a call is with a contact: give their email or name");
        }
        let Some(started_at) = c.at else {
            self.missing("time", &[Field::Date], "a call needs the time it began");
            return Call::default();
        };
        let call = Call {
            started_at,
            duration_secs: c.duration.unwrap_or_default(),
            direction: c.direction.unwrap_or_default(),
            outcome: c.outcome.unwrap_or_default(),
            notes: c.take_notes(),
            owner: c.owner.take().unwrap_or_default(),
            ..Default::default()
        };
        self.check(&call);
        call
    }

    fn product(&mut self, c: &mut Cells) -> Product {
        let mut p = Product {
            name: c.name.take().unwrap_or_default(),
            sku: c.sku.take(),
            price: c.amount.unwrap_or_default(),
            active: c.active.unwrap_or(true),
            description: c.take_notes(),
            ..Default::default()
        };
        if let Some(cur) = c.currency.or(self.options.currency) {
            p.currency = cur;
        }
        self.check(&p);
        p
    }

    /// Reports a required value the row lacks (`what`, held by one of `fields`), on its column
    /// when the file has one (unless its cell was reported already as not readable).
    fn missing(&mut self, what: &str, fields: &[Field], why: &str) {
        match self.fields.iter().position(|f| f.as_ref().is_some_and(|f| fields.contains(f))) {
            Some(at) if self.problems.iter().any(|p| p.column.as_ref() == self.headers.get(at)) => {}
            Some(at) => self.problem(at, format!("is empty: {why}")),
            None => self.problems.push(RowProblem {
                line: self.line,
                column: None,
                message: format!("no {what}: {why}; map a column to it with --map COLUMN={}", fields[0]),
            }),
        }
    }

    /// Reports what the record's own rules say is wrong, naming the column of the field.
    fn check(&mut self, record: &impl Record) {
        if let Err(e) = record.validate() {
            self.field_problem(e);
        }
    }

    /// The column that fills the record field a validation error names.
    fn column_of(&self, e: &ValidationError) -> Option<usize> {
        super::column_filling(self.kind, self.fields, &e.field)
    }

    /// A word of a record field that is not one of its values (`value`, a status or rating):
    /// kept in the note with a warning, as [`Row::soft`] does.
    fn field_soft(&mut self, c: &mut Cells, e: ValidationError, value: &str) {
        match self.column_of(&e) {
            Some(at) => self.soft(c, at, value, format!("{}: {}", e.field, e.message)),
            None => self.field_problem(e),
        }
    }

    /// A problem with a record field, put on the column that fills it.
    fn field_problem(&mut self, e: ValidationError) {
        match self.column_of(&e) {
            Some(at) => self.problem(at, format!("{}: {}", e.field, e.message)),
            None => self.problems.push(RowProblem { line: self.line, column: None, message: e.to_string() }),
        }
    }
}
