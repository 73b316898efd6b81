//! Value types shared by every record: calendar dates, instants, money, currency, durations.
//!
//! Each one stores compactly (integers) in the database and reads as text in JSON: serde's
//! `is_human_readable` tells the two apart, so one type serves both without a second view.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{DateFormat, ValidationError};

/// A calendar date with no time of day (birthdays, due dates, close dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Builds a date from year, month and day; `None` when the date does not exist.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    /// The date, when its year is one from 1 to 9999: later or earlier ones print with a sign
    /// (`+10000-01-01`) that no other tool reads back, so input never makes them.
    pub fn checked(d: NaiveDate) -> Option<Date> {
        (1..=9999).contains(&d.year()).then_some(Date(d))
    }

    /// Today in the local time zone.
    pub fn today() -> Date {
        Date(Local::now().date_naive())
    }

    /// Reads a date as people type it: `YYYY-MM-DD`, `today`, `tomorrow`, `yesterday`,
    /// a weekday name (the next one after `today`: a task due `fri`), `+Nd` or `+Nw` (also `-Nd`).
    pub fn parse_relative(text: &str, today: Date) -> Result<Date, String> {
        Date::parse_typed(text, today, false, DateFormat::Iso)
    }

    /// [`Date::parse_relative`] for the first day of a period, where a weekday name is the most
    /// recent such day (`today` itself on that weekday): `mon today` is this week so far.
    pub fn parse_since(text: &str, today: Date) -> Result<Date, String> {
        Date::parse_typed(text, today, true, DateFormat::Iso)
    }

    /// A typed date, in ISO, in `order` or in words; a weekday name looks back from `today` when
    /// `back`, else ahead.
    pub(super) fn parse_typed(text: &str, today: Date, back: bool, order: DateFormat) -> Result<Date, String> {
        if let Some(date) = order.read(text) {
            return Ok(date);
        }
        let t = text.trim().to_lowercase();
        let asked = order.asked();
        let bad = || format!("'{}' is not a date: use {asked}, today, tomorrow, a weekday or +3d / +2w", text.trim());
        match t.as_str() {
            "" => return Err(format!("a date is needed: use {asked}")),
            "today" | "tod" => return Ok(today),
            "tomorrow" | "tom" => return Ok(today.add_days(1)),
            "yesterday" => return Ok(today.add_days(-1)),
            _ => {}
        }
        if let Some(rest) = t.strip_prefix('+').or_else(|| t.strip_prefix('-')) {
            let sign = if t.starts_with('-') { -1 } else { 1 };
            let (num, unit) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()));
            let n: i64 = num.parse().map_err(|_| bad())?;
            let days = match unit {
                "" | "d" => Some(n),
                "w" => n.checked_mul(7),
                _ => None,
            };
            let Some(days) = days.filter(|d| *d <= 36_600) else { return Err(bad()) };
            return Ok(today.add_days(sign * days));
        }
        if let Ok(wd) = t.parse::<Weekday>() {
            let from = today.0.weekday().num_days_from_monday() as i64;
            let to = wd.num_days_from_monday() as i64;
            if back {
                return Ok(today.add_days(-((from - to + 7) % 7)));
            }
            let ahead = (to - from + 7) % 7;
            return Ok(today.add_days(if ahead == 0 { 7 } else { ahead }));
        }
        Date::parse_iso(&t).map_err(|_| bad())
    }

    /// Reads a strict `YYYY-MM-DD` date, of a year from 1 to 9999 (the years every date format
    /// rolo writes and reads can hold).
    pub fn parse_iso(text: &str) -> Result<Date, String> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .and_then(Date::checked)
            .ok_or_else(|| format!("'{}' is not a date: use YYYY-MM-DD, a year from 1 to 9999", text.trim()))
    }

    /// The Monday of its ISO week: where a report's weeks start.
    pub fn week_start(self) -> Date {
        use chrono::Datelike;
        self.add_days(-i64::from(self.0.weekday().num_days_from_monday()))
    }

    /// The date `days` later (earlier when negative), saturating at the calendar's ends.
    pub fn add_days(self, days: i64) -> Date {
        Date(self.0.checked_add_signed(Duration::days(days)).unwrap_or(self.0))
    }

    /// Days since 0001-01-01: a compact, ordered number for storage and index keys.
    pub fn days(self) -> i32 {
        self.0.num_days_from_ce()
    }

    /// The inverse of [`Date::days`].
    pub fn from_days(days: i32) -> Option<Date> {
        NaiveDate::from_num_days_from_ce_opt(days).map(Date)
    }

    /// Midnight at the start of this date in the local time zone, as an instant.
    pub fn start_local(self) -> Timestamp {
        let naive = self.0.and_time(NaiveTime::MIN);
        Timestamp::from_local_naive(naive)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() { s.collect_str(self) } else { s.serialize_i32(self.days()) }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            Date::parse_iso(&text).map_err(D::Error::custom)
        } else {
            let days = i32::deserialize(d)?;
            Date::from_days(days).ok_or_else(|| D::Error::custom("date out of range"))
        }
    }
}

/// An instant in time, stored as whole seconds since the Unix epoch (UTC) and shown in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current instant.
    pub fn now() -> Timestamp {
        Timestamp(Utc::now().timestamp())
    }

    /// The instant a local wall-clock time names (the earlier one when a clock change repeats it).
    pub fn from_local_naive(naive: NaiveDateTime) -> Timestamp {
        let local = Local
            .from_local_datetime(&naive)
            .earliest()
            // A time skipped by a clock change: read it as UTC rather than fail.
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| naive.and_utc());
        Timestamp(local.timestamp())
    }

    /// Reads a local date-time as people type it: `YYYY-MM-DD HH:MM` (seconds and a `T`
    /// separator allowed), a bare date (midnight), or `now`.
    pub fn parse_local(text: &str) -> Result<Timestamp, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("now") {
            return Ok(Timestamp::now());
        }
        for fmt in ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(t, fmt)
                && Date::checked(naive.date()).is_some()
            {
                return Ok(Timestamp::from_local_naive(naive));
            }
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(t)
            && Date::checked(dt.date_naive()).is_some()
        {
            return Ok(Timestamp(dt.timestamp()));
        }
        if let Ok(date) = Date::parse_iso(t) {
            return Ok(date.start_local());
        }
        Err(format!("'{t}' is not a date-time: use YYYY-MM-DD HH:MM (local time), a year from 1 to 9999"))
    }

    /// This instant as a UTC date-time.
    pub fn utc(self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0, 0).unwrap_or_default()
    }

    /// This instant in the local time zone.
    pub fn local(self) -> DateTime<Local> {
        self.utc().with_timezone(&Local)
    }

    /// The local calendar date of this instant.
    pub fn local_date(self) -> Date {
        Date(self.local().date_naive())
    }

    /// The day this instant falls on in `zone`.
    pub fn date_in(self, zone: chrono_tz::Tz) -> Date {
        Date(self.utc().with_timezone(&zone).date_naive())
    }

    /// `YYYY-MM-DD HH:MM` in local time: the one format rolo shows instants in.
    pub fn display_local(self) -> String {
        self.local().format("%Y-%m-%d %H:%M").to_string()
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(&self.utc().format("%Y-%m-%dT%H:%M:%SZ"))
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            DateTime::parse_from_rfc3339(&text).map(|t| Timestamp(t.timestamp())).map_err(D::Error::custom)
        } else {
            i64::deserialize(d).map(Timestamp)
        }
    }
}

/// An amount of money in minor units (cents): never a float. Every currency is kept with two
/// decimal places. JSON shows it as a decimal string such as `"12000.50"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(pub i64);

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(0);

    /// Amount from whole units (12000 → 12000.00).
    pub fn units(units: i64) -> Amount {
        Amount(units.saturating_mul(100))
    }

    /// Reads `12000`, `12000.5` or `12000.50` (an optional leading `-`; `_` may group digits).
    pub fn parse(text: &str) -> Result<Amount, String> {
        let t = text.trim().replace('_', "");
        let bad = || format!("'{}' is not an amount: write it like 12000 or 12000.50", text.trim());
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.as_str()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        // Commas grouping thousands, as rolo shows amounts (1,234.50 or 39,582), are read back: a
        // group of three digits cannot be a decimal comma, since amounts have two decimals at most.
        let grouped;
        let whole = if whole.contains(',') {
            let groups: Vec<&str> = whole.split(',').collect();
            let thousands = (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3);
            if !thousands {
                return Err(format!(
                    "'{}' is not an amount: write decimals with a point (12000.50); commas may only group thousands (12,000.50)",
                    text.trim()
                ));
            }
            grouped = groups.concat();
            grouped.as_str()
        } else {
            whole
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(format!("'{}' has more than two decimals: amounts are kept in cents", text.trim()));
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        let minor = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(cents))
            .ok_or_else(|| format!("'{}' is too large an amount", text.trim()))?;
        Ok(Amount(if neg { -minor } else { minor }))
    }

    /// Plain decimal text, `12000.50`: what JSON, CSV and the parser use.
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// Text for people: thousands grouped, `12,000.50`.
    pub fn grouped(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut out = String::with_capacity(whole.len() + whole.len() / 3 + 4);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("{sign}{out}.{:02}", abs % 100)
    }

    /// The sum of two amounts, or none when it is too large for cents in an `i64`.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// This amount less another, or none when the difference does not fit.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    /// This amount times `n`, or none when the product does not fit.
    pub fn checked_mul(self, n: i64) -> Option<Amount> {
        self.0.checked_mul(n).map(Amount)
    }

    /// The sum of `amounts`, or none when it (or any amount) is too large to count: a sum is
    /// never wrapped around. `None` items (sums already too large) make the whole none.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Option<Amount>>) -> Option<Amount> {
        amounts.into_iter().try_fold(Amount::ZERO, |sum, a| sum.checked_add(a?))
    }

    /// A sum as people read it: grouped, or [`Amount::TOO_LARGE`] when it could not be counted.
    pub fn grouped_sum(sum: Option<Amount>) -> String {
        sum.map_or_else(|| Amount::TOO_LARGE.to_string(), Amount::grouped)
    }

    /// What a screen shows for a sum too large to count.
    pub const TOO_LARGE: &str = "too large";

    /// This amount times a whole percentage, rounded half away from zero to the cent.
    pub fn percent(self, pct: u32) -> Amount {
        let product = self.0 as i128 * pct as i128;
        let rounded = if product >= 0 { (product + 50) / 100 } else { (product - 50) / 100 };
        Amount(rounded as i64)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.decimal())
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() { s.serialize_str(&self.decimal()) } else { s.serialize_i64(self.0) }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            Amount::parse(&text).map_err(D::Error::custom)
        } else {
            i64::deserialize(d).map(Amount)
        }
    }
}

/// A three-letter ISO 4217 currency code such as `USD` or `EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The currency records get when none is given.
    pub const DEFAULT: Currency = Currency(*b"USD");

    /// Reads a three-letter code, any case.
    pub fn parse(text: &str) -> Result<Currency, ValidationError> {
        let t = text.trim().to_ascii_uppercase();
        match <[u8; 3]>::try_from(t.as_bytes()) {
            Ok(code) if code.iter().all(u8::is_ascii_uppercase) => Ok(Currency(code)),
            _ => Err(ValidationError::new(
                "currency",
                format!("'{}' is not a currency code: use three letters such as USD or EUR", text.trim()),
            )),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::DEFAULT
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Currency::parse(&text).map_err(D::Error::custom)
    }
}

/// Reads a duration such as `90s`, `5m`, `1h30m` or a plain number of seconds; whole seconds.
pub fn parse_duration(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let bad = || format!("'{t}' is not a duration: write it like 90s, 5m or 1h30m");
    if let Ok(secs) = t.parse::<u32>() {
        return Ok(secs);
    }
    let d = humantime::parse_duration(t).map_err(|_| bad())?;
    u32::try_from(d.as_secs()).map_err(|_| bad())
}

/// Shows whole seconds as `1h 30m` / `5m 3s` / `45s`.
pub fn format_duration(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, 0, _) => format!("{h}h"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_and_print_in_cents() {
        assert_eq!(Amount::parse("12000").unwrap(), Amount(1_200_000));
        assert_eq!(Amount::parse("12000.5").unwrap(), Amount(1_200_050));
        assert_eq!(Amount::parse("-0.05").unwrap(), Amount(-5));
        assert_eq!(Amount::parse(".5").unwrap(), Amount(50));
        // Thousands grouped as rolo shows them read back; a decimal comma is refused.
        assert_eq!(Amount::parse("1,234.50").unwrap(), Amount(123_450));
        assert_eq!(Amount::parse("12,000,000").unwrap(), Amount(1_200_000_000));
        assert_eq!(Amount::parse("12,500").unwrap(), Amount(1_250_000));
        assert_eq!(Amount::parse(&Amount::units(39_582).grouped()).unwrap(), Amount::units(39_582));
        assert!(Amount::parse("1,5").unwrap_err().contains("write decimals with a point"));
        assert!(Amount::parse("1,50").is_err() && Amount::parse("12,00.50").is_err());
        assert!(Amount::parse("1.234").is_err());
        assert!(Amount::parse("abc").is_err());
        assert!(Amount::parse("").is_err());
        assert!(Amount::parse("99999999999999999999").is_err());
        assert_eq!(Amount(123_456_789).grouped(), "1,234,567.89");
        assert_eq!(Amount(-100).grouped(), "-1.00");
        assert_eq!(Amount(5).decimal(), "0.05");
    }

    #[test]
    fn percent_rounds_half_away_from_zero() {
        assert_eq!(Amount(1050).percent(10), Amount(105));
        assert_eq!(Amount(5).percent(10), Amount(1)); // 0.5 cent rounds up
        assert_eq!(Amount(-5).percent(10), Amount(-1));
        assert_eq!(Amount(4).percent(10), Amount(0));
    }

    #[test]
    fn relative_dates() {
        let wed = Date::from_ymd(2026, 12, 30).unwrap();
        assert_eq!(Date::parse_relative("today", wed).unwrap(), wed);
        assert_eq!(Date::parse_relative("tomorrow", wed).unwrap(), Date::from_ymd(2026, 12, 31).unwrap());
        assert_eq!(Date::parse_relative("+3d", wed).unwrap(), Date::from_ymd(2027, 1, 2).unwrap());
        assert_eq!(Date::parse_relative("+1w", wed).unwrap(), Date::from_ymd(2027, 1, 6).unwrap());
        assert_eq!(Date::parse_relative("fri", wed).unwrap(), Date::from_ymd(2027, 1, 1).unwrap());
        assert_eq!(Date::parse_relative("wednesday", wed).unwrap(), Date::from_ymd(2027, 1, 6).unwrap());
        assert_eq!(Date::parse_relative("2026-02-28", wed).unwrap(), Date::from_ymd(2026, 2, 28).unwrap());
        assert!(Date::parse_relative("2026-02-30", wed).is_err());
        assert!(Date::parse_relative("+x", wed).is_err());
        assert!(Date::parse_relative("+2000000000000000000w", wed).is_err());
        assert!(Date::parse_relative("+99999999999999999999d", wed).is_err());
        assert!(Date::parse_iso("+10000-01-01").is_err());
        assert!(Date::parse_iso("0000-12-31").is_err());
        assert!(Date::parse_iso("9999-12-31").is_ok());
        assert!(Timestamp::parse_local("+10000-01-01 10:00").is_err());
        assert!(Timestamp::parse_local("10000-01-01T10:00:00Z").is_err());
    }

    #[test]
    fn a_period_starting_on_a_weekday_starts_on_the_last_one() {
        let wed = Date::from_ymd(2026, 12, 30).unwrap();
        let day = |d| Date::from_ymd(2026, 12, d).unwrap();
        assert_eq!(Date::parse_since("mon", wed).unwrap(), day(28));
        assert_eq!(Date::parse_since("wednesday", wed).unwrap(), wed, "today on its own weekday");
        assert_eq!(Date::parse_since("thu", wed).unwrap(), day(24));
        // Everything else reads as a typed date does.
        assert_eq!(Date::parse_since("today", wed).unwrap(), wed);
        assert_eq!(Date::parse_since("-2d", wed).unwrap(), day(28));
        assert_eq!(Date::parse_since("2026-12-01", wed).unwrap(), day(1));
        assert!(Date::parse_since("soon", wed).unwrap_err().contains("'soon' is not a date"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap(), 90);
        assert_eq!(parse_duration("5m").unwrap(), 300);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration("75").unwrap(), 75);
        assert!(parse_duration("soon").is_err());
        assert_eq!(format_duration(5400), "1h 30m");
        assert_eq!(format_duration(303), "5m 3s");
    }

    #[test]
    fn json_and_binary_forms_differ() {
        let d = Date::from_ymd(2026, 3, 1).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-03-01\"");
        assert_eq!(serde_json::to_string(&Amount(1050)).unwrap(), "\"10.50\"");
        assert_eq!(serde_json::to_string(&Timestamp(0)).unwrap(), "\"1970-01-01T00:00:00Z\"");
        let back: Amount = serde_json::from_str("\"10.50\"").unwrap();
        assert_eq!(back, Amount(1050));
        let cfg = bincode::config::standard();
        let bytes = bincode::serde::encode_to_vec(d, cfg).unwrap();
        assert!(bytes.len() <= 5);
        let (back, _): (Date, _) = bincode::serde::decode_from_slice(&bytes, cfg).unwrap();
        assert_eq!(back, d);
    }
}
