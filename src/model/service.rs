//! Customer service: cases (a customer's problem, from opening to resolution, against a
//! service-level target), the comments on them, knowledge articles written from them, and the
//! working time and SLA table that turn a case's priority into the instant it is due.

use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use serde::{Deserialize, Serialize};

use super::{
    Id, Kind, Link, Record, RecordRef, Timestamp, ValidationError, clear_if, link_opt, max_len, record_basics, require,
    swap_id, word_enum,
};

word_enum!(
    /// How urgent a case is: it sets the SLA.
    CasePriority, "priority" {
        Low = "low",
        #[default] Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
);

word_enum!(
    /// Where a case stands. Resolved and closed are done; the others are open.
    CaseStatus, "status" {
        #[default] New = "new",
        Assigned = "assigned",
        /// Waiting on the customer.
        Waiting = "waiting",
        Resolved = "resolved",
        Closed = "closed",
    }
);

word_enum!(
    /// How the customer reached us.
    Channel, "channel" {
        #[default] Phone = "phone",
        Email = "email",
        Web = "web",
        InPerson = "in_person",
    }
);

impl CaseStatus {
    /// Whether the case still needs work (new, assigned, waiting on the customer).
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Resolved | CaseStatus::Closed)
    }

    /// The status `s` moves a case to on the queue: new → assigned → waiting → resolved →
    /// closed; closed stays closed (reopening is its own action).
    pub fn next(self) -> CaseStatus {
        match self {
            CaseStatus::New => CaseStatus::Assigned,
            CaseStatus::Assigned => CaseStatus::Waiting,
            CaseStatus::Waiting => CaseStatus::Resolved,
            CaseStatus::Resolved | CaseStatus::Closed => CaseStatus::Closed,
        }
    }
}

/// A remark on a case's thread: internal, or public when it was sent to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Comment {
    /// When it was written.
    pub at: Timestamp,
    /// Who wrote it (login).
    pub author: String,
    /// What it says.
    pub text: String,
    /// Whether the customer was sent it (it then counts as a response).
    pub public: bool,
}

/// A customer's problem: opened, worked on by its owner and team, resolved against its SLA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Case {
    /// Number; shown as `C-000123` ([`Case::number`]), never reused.
    pub id: Id,
    /// What the problem is (required).
    pub subject: String,
    /// The customer's words and what is known.
    pub description: Option<String>,
    /// The customer's organisation.
    pub account: Option<Id>,
    /// Who reported it.
    pub contact: Option<Id>,
    /// The product it is about.
    pub product: Option<Id>,
    /// How urgent: sets the SLA.
    pub priority: CasePriority,
    /// Where it stands.
    pub status: CaseStatus,
    /// How it reached us.
    pub channel: Option<Channel>,
    /// Who works on it.
    pub owner: String,
    /// The team whose queue it is in.
    pub team: Option<String>,
    /// When it must be resolved by (set from the priority when opened, in working time).
    pub sla_due: Option<Timestamp>,
    /// The first call, email or public comment after it was opened.
    pub first_response: Option<Timestamp>,
    /// When it was last resolved or closed.
    pub resolved_at: Option<Timestamp>,
    /// What fixed it (required to resolve or close it).
    pub resolution: Option<String>,
    /// How satisfied the customer was, 1 to 5.
    pub satisfaction: Option<u8>,
    /// The thread's comments, oldest first.
    pub comments: Vec<Comment>,
    /// When it was opened.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

/// The longest subject or article title, in characters.
const TITLE_MAX: usize = 500;

impl Case {
    /// The number people quote: `C-000123`.
    pub fn number(&self) -> String {
        case_number(self.id)
    }

    /// Whether its SLA was missed: resolved after it was due, or still open past it at `now`.
    pub fn breached(&self, now: Timestamp) -> bool {
        let Some(due) = self.sla_due else { return false };
        match self.resolved_at.filter(|_| !self.status.is_open()) {
            Some(done) => done > due,
            None => now > due,
        }
    }

    /// Seconds left until the SLA is due at `now` (negative once breached); none when it has
    /// no SLA or is resolved.
    pub fn time_left(&self, now: Timestamp) -> Option<i64> {
        self.sla_due.filter(|_| self.status.is_open()).map(|due| due.0 - now.0)
    }

    /// The SLA in a few words: the time left (`3h 20m`), how late (`late 1d 2h`), or for a
    /// resolved case whether it was `met` or `missed`.
    pub fn sla_words(&self, now: Timestamp) -> String {
        match (self.time_left(now), self.sla_due) {
            (Some(left), _) if left >= 0 => span_words(left),
            (Some(left), _) => format!("late {}", span_words(left.saturating_neg())),
            (None, Some(_)) if self.breached(now) => "missed".into(),
            (None, Some(_)) => "met".into(),
            (None, None) => String::new(),
        }
    }
}

/// Seconds as the two largest units people read: `2d 3h`, `3h 20m`, `5m`.
pub fn span_words(secs: i64) -> String {
    let m = secs.max(0) / 60;
    let (d, h, m) = (m / 1440, m / 60 % 24, m % 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// The number a case id is shown as: `C-000123`.
pub fn case_number(id: Id) -> String {
    format!("C-{id:06}")
}

/// The case id in `C-000123`, `c123` or `123`.
pub fn parse_case_number(text: &str) -> Option<Id> {
    let t = text.trim();
    let digits = t.strip_prefix(['C', 'c']).map_or(t, |rest| rest.trim_start_matches('-'));
    digits.parse().ok().filter(|&id| id > 0)
}

impl Record for Case {
    const KIND: Kind = Kind::Case;
    record_basics!(owner);

    fn validate(&self) -> Result<(), ValidationError> {
        require("subject", &self.subject)?;
        max_len("subject", &self.subject, TITLE_MAX)?;
        if let Some(s) = self.satisfaction
            && !(1..=5).contains(&s)
        {
            return Err(ValidationError::new("satisfaction", format!("{s} is not from 1 to 5: give 1 (poor) to 5")));
        }
        if !self.status.is_open() && self.resolution.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(ValidationError::new(
                "resolution",
                format!("is required to mark a case {}: say what fixed it", self.status),
            ));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        let mut links = Vec::new();
        links.extend(link_opt("account", Kind::Account, self.account));
        links.extend(link_opt("contact", Kind::Contact, self.contact));
        links.extend(link_opt("product", Kind::Product, self.product));
        links
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.account, Kind::Account, target);
        clear_if(&mut self.contact, Kind::Contact, target);
        clear_if(&mut self.product, Kind::Product, target);
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        if let Some(c) = &mut self.contact {
            swap_id(c, from, to);
        }
    }

    fn label(&self) -> String {
        format!("{} {}", self.number(), self.subject)
    }

    fn search_text(&self) -> Option<String> {
        Some(format!("{}\t{}", self.subject, self.number()))
    }

    fn account(&self) -> Option<Id> {
        self.account
    }
}

/// The answer to a problem, kept so the next rep finds it: often written from a resolved case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Article {
    /// Number.
    pub id: Id,
    /// What it answers (required).
    pub title: String,
    /// The answer.
    pub body: String,
    /// The product it is about.
    pub product: Option<Id>,
    /// The case it was written from.
    pub case: Option<Id>,
    /// When it was written.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Record for Article {
    const KIND: Kind = Kind::Article;
    record_basics!();

    fn validate(&self) -> Result<(), ValidationError> {
        require("title", &self.title)?;
        max_len("title", &self.title, TITLE_MAX)?;
        require("body", &self.body)
    }

    fn links(&self) -> Vec<Link> {
        let mut links = Vec::new();
        links.extend(link_opt("product", Kind::Product, self.product));
        links.extend(link_opt("case", Kind::Case, self.case));
        links
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.product, Kind::Product, target);
        clear_if(&mut self.case, Kind::Case, target);
    }

    fn label(&self) -> String {
        self.title.clone()
    }

    /// Its title, then the first words of the answer: searching for the problem finds it.
    fn search_text(&self) -> Option<String> {
        let words: String = self.body.split_whitespace().take(40).collect::<Vec<_>>().join(" ");
        Some(format!("{}\t{words}", self.title))
    }
}

/// An amount of working time: minutes, or whole working days (each as long as the working day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    /// Working minutes.
    Minutes(u32),
    /// Working days.
    Days(u32),
}

impl Span {
    /// Reads `4h`, `90m`, `1d` (`3` alone is days, as the SLA table is read).
    pub fn parse(text: &str) -> Result<Span, String> {
        let t = text.trim().to_lowercase().replace(' ', "");
        let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
        let bad = || format!("'{}' is not a time: write 4h, 90m or 3d (working hours, minutes, days)", text.trim());
        let n: u32 = n.parse().map_err(|_| bad())?;
        let span = match unit {
            "" | "d" | "day" | "days" => Span::Days(n),
            "h" | "hour" | "hours" => Span::Minutes(n.checked_mul(60).ok_or_else(bad)?),
            "m" | "min" | "mins" | "minutes" => Span::Minutes(n),
            _ => return Err(bad()),
        };
        match span {
            Span::Days(0) | Span::Minutes(0) => Err(format!("'{}' is no time: give at least 1m", text.trim())),
            Span::Days(d) if d > 366 => Err(format!("'{}' is more than a year: give at most 366d", text.trim())),
            Span::Minutes(m) if m > 366 * 24 * 60 => {
                Err(format!("'{}' is more than a year: give at most 8784h", text.trim()))
            }
            s => Ok(s),
        }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Span::Days(d) => write!(f, "{d}d"),
            Span::Minutes(m) if m % 60 == 0 => write!(f, "{}h", m / 60),
            Span::Minutes(m) => write!(f, "{m}m"),
        }
    }
}

/// The service settings: the SLA per priority and the business's working time, in which SLAs
/// run (a case opened on Friday evening is not late on Saturday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSettings {
    /// The SLA of each priority, in [`CasePriority::ALL`] order (low, normal, high, urgent).
    pub sla: [Span; 4],
    /// When the working day starts, minutes after midnight.
    pub day_start: u16,
    /// When it ends, minutes after midnight (after the start).
    pub day_end: u16,
    /// The working days, Monday first.
    pub days: [bool; 7],
    /// The business's IANA time zone (none: UTC).
    pub zone: Option<String>,
}

impl Default for ServiceSettings {
    fn default() -> ServiceSettings {
        ServiceSettings {
            sla: [Span::Days(5), Span::Days(3), Span::Days(1), Span::Minutes(4 * 60)],
            day_start: 9 * 60,
            day_end: 17 * 60,
            days: [true, true, true, true, true, false, false],
            zone: None,
        }
    }
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl ServiceSettings {
    /// The setting names, as `rolo settings set` takes them.
    pub const KEYS: [&'static str; 7] =
        ["sla.urgent", "sla.high", "sla.normal", "sla.low", "work.hours", "work.days", "work.zone"];

    /// The SLA of `priority`.
    pub fn sla_of(&self, priority: CasePriority) -> Span {
        self.sla[priority as usize]
    }

    /// Sets one setting from its text, checking it; an empty `work.zone` means UTC.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ValidationError> {
        let err = |m: String| ValidationError::new(key, m);
        let value = value.trim();
        if let Some(p) = key.strip_prefix("sla.") {
            let priority: CasePriority = p.parse().map_err(|_| err(format!("'{p}' is not a priority")))?;
            self.sla[priority as usize] = Span::parse(value).map_err(err)?;
            return Ok(());
        }
        match key {
            "work.hours" => {
                let (a, b) = value
                    .split_once('-')
                    .and_then(|(a, b)| Some((clock(a)?, clock(b)?)))
                    .filter(|(a, b)| a < b)
                    .ok_or_else(|| {
                        err(format!("'{value}' is not a working day: write its start, then its end, 09:00-17:00"))
                    })?;
                (self.day_start, self.day_end) = (a, b);
            }
            "work.days" => self.days = parse_days(value).map_err(err)?,
            "work.zone" => {
                if !value.is_empty() && value.parse::<chrono_tz::Tz>().is_err() {
                    return Err(err(format!("'{value}' is not a time zone: use an IANA name such as Europe/Paris")));
                }
                self.zone = (!value.is_empty()).then(|| value.to_string());
            }
            _ => {
                return Err(ValidationError::new(
                    "setting",
                    format!("'{key}' is not a service setting: use {}", Self::KEYS.join(", ")),
                ));
            }
        }
        Ok(())
    }

    /// One setting as `settings show` prints it.
    pub fn shown(&self, key: &str) -> Option<String> {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        Some(match key {
            "work.hours" => format!("{}-{}", hm(self.day_start), hm(self.day_end)),
            "work.days" => {
                DAY_NAMES.iter().zip(self.days).filter(|(_, on)| *on).map(|(d, _)| *d).collect::<Vec<_>>().join(",")
            }
            "work.zone" => self.zone.clone().unwrap_or_else(|| "UTC".into()),
            k => self.sla_of(k.strip_prefix("sla.")?.parse().ok()?).to_string(),
        })
    }

    fn tz(&self) -> chrono_tz::Tz {
        self.zone.as_deref().and_then(|z| z.parse().ok()).unwrap_or(chrono_tz::UTC)
    }

    /// When a case of `priority` opened at `opened` is due: its SLA counted in working time
    /// only (a day's SLA is as many minutes as the working day is long).
    pub fn due(&self, opened: Timestamp, priority: CasePriority) -> Timestamp {
        let day = u32::from(self.day_end.saturating_sub(self.day_start)).max(1);
        let mut left = i64::from(match self.sla_of(priority) {
            Span::Minutes(m) => m,
            Span::Days(d) => d.saturating_mul(day),
        });
        let tz = self.tz();
        let mut at = opened.utc().with_timezone(&tz).naive_local();
        let minutes = |m: u16| NaiveTime::from_hms_opt(u32::from(m / 60), u32::from(m % 60), 0).unwrap_or_default();
        let (start, end) = (minutes(self.day_start), minutes(self.day_end));
        // Bounded: a year of SLA over one working day a week is under 20,000 days.
        for _ in 0..20_000 {
            let date = at.date();
            if self.days[date.weekday().num_days_from_monday() as usize] {
                let (open, close) = (date.and_time(start), date.and_time(end));
                at = at.max(open);
                if at < close {
                    let here = (close - at).num_minutes();
                    if left <= here {
                        return local_instant(tz, at + Duration::minutes(left));
                    }
                    left -= here;
                }
            }
            at = date.succ_opt().unwrap_or(date).and_time(NaiveTime::MIN);
        }
        local_instant(tz, at)
    }
}

/// The instant a wall-clock time in `tz` names (in a DST gap, the hour after).
fn local_instant(tz: chrono_tz::Tz, at: NaiveDateTime) -> Timestamp {
    let local = tz
        .from_local_datetime(&at)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(at + Duration::hours(1))).earliest());
    Timestamp(local.map_or(at.and_utc().timestamp(), |t| t.timestamp()))
}

/// `09:00` or `9` as minutes after midnight.
fn clock(text: &str) -> Option<u16> {
    let t = text.trim();
    let (h, m) = t.split_once(':').unwrap_or((t, "0"));
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m).or((h == 24 && m == 0).then_some(24 * 60))
}

/// `mon-fri`, `mon,wed,fri` or `sun-thu` as working days, Monday first.
fn parse_days(text: &str) -> Result<[bool; 7], String> {
    let bad = |w: &str| format!("'{w}' is not a day: write mon-fri or mon,tue,thu");
    let day = |w: &str| -> Result<usize, String> {
        let w = w.trim().to_lowercase();
        let day: Weekday = w.parse().map_err(|_| bad(&w))?;
        Ok(day.num_days_from_monday() as usize)
    };
    let mut days = [false; 7];
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    days[d] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days[day(part)?] = true,
        }
    }
    if days.iter().any(|&d| d) { Ok(days) } else { Err("no working day: give at least one, e.g. mon-fri".into()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp(NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap().and_utc().timestamp())
    }

    #[test]
    fn an_sla_runs_in_working_hours_only() {
        let s = ServiceSettings::default();
        // 2026-12-04 is a Friday: a day's SLA opened at 16:00 runs one hour, then seven on Monday.
        assert_eq!(s.due(at("2026-12-04 16:00"), CasePriority::High), at("2026-12-07 16:00"));
        // Four hours from Saturday morning start on Monday at nine.
        assert_eq!(s.due(at("2026-12-05 10:00"), CasePriority::Urgent), at("2026-12-07 13:00"));
        // Opened in the evening: the clock starts the next morning.
        assert_eq!(s.due(at("2026-12-08 20:00"), CasePriority::Urgent), at("2026-12-09 13:00"));
        // Before nine: from nine the same day; ending exactly at the close stays that day.
        assert_eq!(s.due(at("2026-12-08 07:30"), CasePriority::High), at("2026-12-08 17:00"));
        // Three working days from Wednesday noon cross the weekend.
        assert_eq!(s.due(at("2026-12-09 12:00"), CasePriority::Normal), at("2026-12-14 12:00"));
    }

    #[test]
    fn working_time_is_the_business_zone_and_days() {
        let mut s = ServiceSettings::default();
        s.set("work.zone", "Europe/Paris").unwrap();
        s.set("work.days", "sun-thu").unwrap();
        s.set("sla.urgent", "2h").unwrap();
        // 16:30 UTC on a Thursday is 17:30 in Paris: after hours; Friday and Saturday are off,
        // so the two hours run on Sunday from nine Paris time (08:00 UTC).
        assert_eq!(s.due(at("2026-12-10 16:30"), CasePriority::Urgent), at("2026-12-13 10:00"));
        assert_eq!(s.shown("work.days").as_deref(), Some("mon,tue,wed,thu,sun"));
    }

    #[test]
    fn settings_refuse_what_they_cannot_use() {
        let mut s = ServiceSettings::default();
        assert_eq!(s.set("work.hours", "17:00-09:00").unwrap_err().field, "work.hours");
        assert!(s.set("work.days", "funday").unwrap_err().message.contains("mon-fri"));
        assert!(s.set("sla.urgent", "0h").is_err());
        assert!(s.set("sla.soon", "1h").is_err());
        assert!(s.set("work.zone", "Mars/Base").is_err());
        s.set("sla.low", "90m").unwrap();
        assert_eq!(s.shown("sla.low").as_deref(), Some("90m"));
        s.set("work.hours", "8:30-12").unwrap();
        assert_eq!(s.shown("work.hours").as_deref(), Some("08:30-12:00"));
    }

    #[test]
    fn a_case_is_breached_when_late_and_numbers_read_back() {
        let mut c = Case { id: 123, sla_due: Some(Timestamp(100)), ..Default::default() };
        assert!(!c.breached(Timestamp(100)));
        assert!(c.breached(Timestamp(101)));
        assert_eq!(c.time_left(Timestamp(40)), Some(60));
        assert_eq!(c.sla_words(Timestamp(100 - 3 * 3600 - 20 * 60)), "3h 20m");
        assert_eq!(c.sla_words(Timestamp(100 + 26 * 3600)), "late 1d 2h");
        c.status = CaseStatus::Resolved;
        c.resolved_at = Some(Timestamp(90));
        assert!(!c.breached(Timestamp(1000)));
        assert_eq!(c.time_left(Timestamp(40)), None);
        assert_eq!(c.sla_words(Timestamp(1000)), "met");
        assert_eq!(c.number(), "C-000123");
        assert_eq!(parse_case_number("C-000123"), Some(123));
        assert_eq!(parse_case_number("c12"), Some(12));
        assert_eq!(parse_case_number("7"), Some(7));
        assert_eq!(parse_case_number("C-"), None);
    }

    #[test]
    fn resolving_needs_a_resolution() {
        let mut c = Case { subject: "Printer jams".into(), status: CaseStatus::Closed, ..Default::default() };
        assert_eq!(c.validate().unwrap_err().field, "resolution");
        c.resolution = Some("New roller".into());
        c.validate().unwrap();
        c.satisfaction = Some(6);
        assert_eq!(c.validate().unwrap_err().field, "satisfaction");
    }
}
