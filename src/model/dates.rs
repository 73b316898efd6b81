//! How a person writes dates: the order of day, month and year, and the day a week starts on.
//! The app shows and reads dates this way (the config file's `date-format` and `week-start`, or
//! a user's preferences when served); files, JSON and the command line's output keep ISO dates,
//! which scripts rely on.

use chrono::{Datelike, NaiveDate, Weekday};

use super::{Date, Timestamp};

/// The order a date is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateFormat {
    /// `2026-12-05` (ISO 8601): the default.
    #[default]
    Iso,
    /// `05/12/2026`, day first.
    DayMonthYear,
    /// `12/05/2026`, month first.
    MonthDayYear,
    /// `05.12.2026`, day first with dots.
    DayMonthYearDots,
}

impl DateFormat {
    /// Every format, with the pattern it is named by.
    pub const ALL: [(DateFormat, &'static str); 4] = [
        (DateFormat::Iso, "YYYY-MM-DD"),
        (DateFormat::DayMonthYear, "DD/MM/YYYY"),
        (DateFormat::MonthDayYear, "MM/DD/YYYY"),
        (DateFormat::DayMonthYearDots, "DD.MM.YYYY"),
    ];

    /// The pattern naming this format (`DD/MM/YYYY`).
    pub fn name(self) -> &'static str {
        DateFormat::ALL.iter().find(|(f, _)| *f == self).map_or("YYYY-MM-DD", |(_, n)| n)
    }

    /// The format a pattern names (any case; `iso` too), or what to write instead.
    pub fn named(text: &str) -> Result<DateFormat, String> {
        let t = text.trim().to_uppercase();
        if t == "ISO" {
            return Ok(DateFormat::Iso);
        }
        DateFormat::ALL.iter().find(|(_, n)| *n == t).map(|(f, _)| *f).ok_or_else(|| {
            let names: Vec<&str> = DateFormat::ALL.iter().map(|(_, n)| *n).collect();
            format!("'{}' is not a date format: use one of {}", text.trim(), names.join(", "))
        })
    }

    /// A date written exactly in this order, of a year from 1 to 9999.
    pub fn read(self, text: &str) -> Option<Date> {
        NaiveDate::parse_from_str(text.trim(), self.pattern()).ok().and_then(Date::checked)
    }

    /// How an error asks for a date in this order: `YYYY-MM-DD`, or `DD/MM/YYYY or YYYY-MM-DD`.
    pub fn asked(self) -> String {
        match self {
            DateFormat::Iso => "YYYY-MM-DD".to_string(),
            order => format!("{} or YYYY-MM-DD", order.name()),
        }
    }

    fn pattern(self) -> &'static str {
        match self {
            DateFormat::Iso => "%Y-%m-%d",
            DateFormat::DayMonthYear => "%d/%m/%Y",
            DateFormat::MonthDayYear => "%m/%d/%Y",
            DateFormat::DayMonthYearDots => "%d.%m.%Y",
        }
    }
}

/// A person's date conventions: how dates are written and where weeks start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dates {
    /// How dates are written.
    pub format: DateFormat,
    /// The first day of a week: where the app's "this week" and the agenda's week begin.
    pub week_start: Weekday,
}

impl Default for Dates {
    fn default() -> Self {
        Dates { format: DateFormat::Iso, week_start: Weekday::Mon }
    }
}

/// Reads a weekday's name as a week's first day (`monday`, `sun`, any case).
pub fn week_start_named(text: &str) -> Result<Weekday, String> {
    text.trim()
        .parse::<Weekday>()
        .map_err(|_| format!("'{}' is not a day of the week: use monday, sunday or another day's name", text.trim()))
}

/// The days of the week by their names in full, lower case, Monday first.
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// A weekday's name in full, lower case, as the config file writes it.
pub fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAYS[day.num_days_from_monday() as usize]
}

impl Dates {
    /// `date` as these conventions write it.
    pub fn show(self, date: Date) -> String {
        date.0.format(self.format.pattern()).to_string()
    }

    /// An instant's local date and time (`05/12/2026 14:30`).
    pub fn show_instant(self, at: Timestamp) -> String {
        let local = at.local();
        format!("{} {}", self.show(Date(local.date_naive())), local.format("%H:%M"))
    }

    /// A typed date: in these conventions' order, in ISO, or in words ([`Date::parse_relative`]).
    pub fn parse(self, text: &str, today: Date) -> Result<Date, String> {
        Date::parse_typed(text, today, false, self.format)
    }

    /// [`Dates::parse`] for the first day of a period ([`Date::parse_since`]).
    pub fn parse_since(self, text: &str, today: Date) -> Result<Date, String> {
        Date::parse_typed(text, today, true, self.format)
    }

    /// A typed date and time: ISO (`2026-12-05 14:30`, `now`), or a date as [`Dates::parse`]
    /// reads it (this order, words such as `tomorrow`) and a time after it.
    pub fn parse_instant(self, text: &str, today: Date) -> Result<Timestamp, String> {
        let t = text.trim();
        let iso = Timestamp::parse_local(t);
        if iso.is_ok() {
            return iso;
        }
        let (day, time) = t.split_once(' ').unwrap_or((t, ""));
        let typed =
            self.parse(day, today).ok().map(|date| Timestamp::parse_local(format!("{date} {}", time.trim()).trim()));
        match (typed, self.format) {
            (Some(Ok(at)), _) => Ok(at),
            (_, DateFormat::Iso) => iso,
            (_, order) => Err(format!(
                "'{t}' is not a date-time: use {} or YYYY-MM-DD HH:MM (local time), a year from 1 to 9999",
                order.name()
            )),
        }
    }

    /// `text` with every ISO date in it (`2026-12-05`, not inside a longer number) written as
    /// these conventions write dates: for text the service words in ISO (a chart's title, a
    /// change in a record's history).
    pub fn in_text(self, text: &str) -> std::borrow::Cow<'_, str> {
        if self.format == DateFormat::Iso || !text.contains('-') {
            return text.into();
        }
        let bytes = text.as_bytes();
        let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
        let mut out = String::with_capacity(text.len());
        let (mut i, mut copied) = (0, 0);
        while i + 10 <= bytes.len() {
            let shaped = (0..10).all(|k| if k == 4 || k == 7 { bytes[i + k] == b'-' } else { digit(i + k) });
            let alone = (i == 0 || !digit(i - 1)) && !digit(i + 10);
            if let Some(date) = (shaped && alone).then(|| Date::parse_iso(&text[i..i + 10]).ok()).flatten() {
                out.push_str(&text[copied..i]);
                out.push_str(&self.show(date));
                i += 10;
                copied = i;
            } else {
                i += 1;
            }
        }
        if copied == 0 {
            return text.into();
        }
        out.push_str(&text[copied..]);
        out.into()
    }

    /// The first day of the week holding `date`.
    pub fn week_of(self, date: Date) -> Date {
        let back = (7 + date.0.weekday().num_days_from_monday() - self.week_start.num_days_from_monday()) % 7;
        date.add_days(-i64::from(back))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn each_format_writes_and_reads_its_own_order_and_iso_always_reads() {
        let today = d("2026-12-05");
        for (format, shown) in [
            (DateFormat::Iso, "2026-12-05"),
            (DateFormat::DayMonthYear, "05/12/2026"),
            (DateFormat::MonthDayYear, "12/05/2026"),
            (DateFormat::DayMonthYearDots, "05.12.2026"),
        ] {
            let dates = Dates { format, ..Dates::default() };
            assert_eq!(dates.show(today), shown);
            assert_eq!(dates.parse(shown, today), Ok(today));
            assert_eq!(dates.parse("2026-12-05", today), Ok(today));
            assert_eq!(dates.parse("tomorrow", today), Ok(d("2026-12-06")));
            assert_eq!(DateFormat::named(&format.name().to_lowercase()), Ok(format));
        }
        let us = Dates { format: DateFormat::MonthDayYear, ..Dates::default() };
        assert_eq!(us.parse("12/25/2026", today), Ok(d("2026-12-25")));
        let err = us.parse("25/12/2026", today).unwrap_err();
        assert!(err.contains("use MM/DD/YYYY or YYYY-MM-DD"), "{err}");
        assert!(DateFormat::named("DD-MM-YY").unwrap_err().contains("DD/MM/YYYY"));
    }

    #[test]
    fn instants_read_and_write_the_date_in_order_with_the_time_after() {
        let eu = Dates { format: DateFormat::DayMonthYear, ..Dates::default() };
        let today = Date::parse_iso("2026-12-04").unwrap();
        let at = eu.parse_instant("05/12/2026 14:30", today).unwrap();
        assert_eq!(at, Timestamp::parse_local("2026-12-05 14:30").unwrap());
        assert_eq!(eu.show_instant(at), "05/12/2026 14:30");
        assert_eq!(eu.parse_instant("2026-12-05 14:30", today), Ok(at));
        assert_eq!(eu.parse_instant("tomorrow 14:30", today), Ok(at), "words read as in a date field");
        assert_eq!(Dates::default().parse_instant("sat 14:30", today), Ok(at));
        assert!(eu.parse_instant("32/12/2026 14:30", today).unwrap_err().contains("use DD/MM/YYYY or YYYY-MM-DD"));
        assert!(eu.parse_instant("05/12/2026 25:00", today).is_err());
    }

    #[test]
    fn iso_dates_in_a_text_are_rewritten_and_nothing_else() {
        let eu = Dates { format: DateFormat::DayMonthYear, ..Dates::default() };
        assert_eq!(eu.in_text("Forecast 2026-12-01 to 2026-12-31 in USD"), "Forecast 01/12/2026 to 31/12/2026 in USD");
        assert_eq!(eu.in_text("close_date: 2026-10-09 → 2026-12-31"), "close_date: 09/10/2026 → 31/12/2026");
        assert_eq!(
            eu.in_text("2026-11 · 12026-10-09 · 2026-13-01 · ann 2026-12-05"),
            "2026-11 · 12026-10-09 · 2026-13-01 · ann 05/12/2026"
        );
        assert_eq!(Dates::default().in_text("2026-12-01"), "2026-12-01");
        assert_eq!(eu.in_text("Zoë — 2026-12-01é"), "Zoë — 01/12/2026é");
    }

    #[test]
    fn a_week_starts_on_the_day_set() {
        let saturday = d("2026-12-05");
        let monday = Dates::default();
        assert_eq!(monday.week_of(saturday), d("2026-11-30"));
        let sunday = Dates { week_start: week_start_named("Sunday").unwrap(), ..Dates::default() };
        assert_eq!(sunday.week_of(saturday), d("2026-11-29"));
        assert_eq!(sunday.week_of(d("2026-11-29")), d("2026-11-29"));
        assert_eq!(weekday_name(sunday.week_start), "sunday");
        assert!(week_start_named("someday").unwrap_err().contains("monday, sunday"));
    }
}
