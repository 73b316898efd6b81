//! Who a service call acts for, and when: every `Crm` handle carries one `Session`, so every
//! command and query runs as someone at some moment. Tests fix the clock; a server gives each
//! connected user a handle of their own over the same database.

use crate::model::{Date, Timestamp};

/// The acting user and their clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    user: String,
    clock: Clock,
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
    /// The person running rolo on this machine (`ROLO_USER`, else the OS user), on the system clock.
    pub fn local() -> Session {
        let user = ["ROLO_USER", "USER", "USERNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
            .unwrap_or_else(|| "me".to_string());
        Session::new(user)
    }

    /// A session for `user` on the system clock.
    pub fn new(user: impl Into<String>) -> Session {
        Session { user: user.into(), clock: Clock::System }
    }

    /// The same session reading the time from `clock`.
    pub fn with_clock(self, clock: Clock) -> Session {
        Session { clock, ..self }
    }

    /// The acting user's name: the owner of new records and the author in the audit trail.
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

    /// Today for this session, in the local time zone.
    pub fn today(&self) -> Date {
        match self.clock {
            Clock::System => Date::today(),
            Clock::Fixed(at) => at.local_date(),
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
