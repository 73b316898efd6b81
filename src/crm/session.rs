//! Who a service call acts for, and when: every `Crm` handle carries one `Session`, so every
//! command and query runs as someone at some moment. Tests fix the clock; a server gives each
//! connected user a handle of their own over the same database.

use crate::model::{Date, Timestamp};

/// The acting user and their clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    user: String,
    clock: Clock,
    /// The user's time zone, when they set one (else the machine's).
    zone: Option<chrono_tz::Tz>,
    /// The admin acting as this user (`--as`).
    by: Option<String>,
    /// The currency amounts entered here get when none is named (the config file's).
    currency: Option<crate::model::Currency>,
    /// How the user writes dates and where their weeks start (the app's; files keep ISO).
    dates: crate::model::Dates,
}

/// Where a session reads the time from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The machine's clock.
    System,
    /// Always this instant: tests and reproducible runs.
    Fixed(Timestamp),
}

impl Session {
    /// A session for the user with `login` on the system clock.
    pub fn new(login: impl Into<String>) -> Session {
        Session {
            user: login.into(),
            clock: Clock::System,
            zone: None,
            by: None,
            currency: None,
            dates: crate::model::Dates::default(),
        }
    }

    /// The same session for `login`, acted by the admin `by`.
    pub fn acting_as(self, login: &str, by: &str) -> Session {
        Session { user: login.to_string(), by: Some(by.to_string()), ..self }
    }

    /// The same session reading days in `zone`.
    pub fn in_zone(self, zone: Option<chrono_tz::Tz>) -> Session {
        Session { zone, ..self }
    }

    /// The same session giving new amounts `currency` when none is named (none: the default).
    pub fn with_currency(self, currency: Option<crate::model::Currency>) -> Session {
        Session { currency, ..self }
    }

    /// The currency of a new deal, product or account revenue when none is named: the one this
    /// machine's config file sets, else [`Currency::DEFAULT`](crate::model::Currency::DEFAULT).
    pub fn currency(&self) -> crate::model::Currency {
        self.currency.unwrap_or_default()
    }

    /// The same session writing and reading dates by `dates`.
    pub fn with_dates(self, dates: crate::model::Dates) -> Session {
        Session { dates, ..self }
    }

    /// How this session's user writes dates and where their weeks start.
    pub fn dates(&self) -> crate::model::Dates {
        self.dates
    }

    /// The admin acting as this session's user, if any.
    pub fn by(&self) -> Option<&str> {
        self.by.as_deref()
    }

    /// The same session reading the time from `clock`.
    pub fn with_clock(self, clock: Clock) -> Session {
        Session { clock, ..self }
    }

    /// The acting user's login: the owner of new records and the author in the audit trail.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The current instant for this session.
    pub fn now(&self) -> Timestamp {
        match self.clock {
            Clock::System => Timestamp::now(),
            Clock::Fixed(at) => at,
        }
    }

    /// The day the instant `at` falls on for this session's user (their time zone, else the
    /// machine's).
    pub fn day_of(&self, at: Timestamp) -> Date {
        match self.zone {
            Some(zone) => at.date_in(zone),
            None => at.local_date(),
        }
    }

    /// Today for this session, in the user's time zone (else the machine's).
    pub fn today(&self) -> Date {
        match (self.clock, self.zone) {
            (Clock::System, None) => Date::today(),
            (Clock::Fixed(at), None) => at.local_date(),
            (_, Some(zone)) => self.now().date_in(zone),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_gives_the_same_instant_and_day_every_time() {
        let at = Timestamp::from_local_naive(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap().and_hms_opt(10, 30, 0).unwrap(),
        );
        let s = Session::new("ann").with_clock(Clock::Fixed(at));
        assert_eq!(s.now(), at);
        assert_eq!(s.today().to_string(), "2026-03-09");
        assert_eq!(s.user(), "ann");
    }
}
