//! The server's caps: sessions at once (overall and per user), and failed logins per address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many refused logins one address may have within [`FAILURE_WINDOW`] before its
/// connections are turned away until the window has passed.
pub const FAILURES_ALLOWED: u32 = 20;

/// How long refused logins count against an address.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Counts refused logins per address (each refusal is also delayed by the SSH layer).
#[derive(Default)]
pub struct Gate {
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl Gate {
    /// Notes a refused login from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        // Old entries go, so a scan of many addresses does not grow the map for ever.
        failures.retain(|_, (_, since)| now.duration_since(*since) < FAILURE_WINDOW);
        let entry = failures.entry(ip).or_insert((0, now));
        entry.0 += 1;
    }

    /// Forgets the failures of `ip`, which just logged in.
    pub fn passed(&self, ip: IpAddr) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&ip);
    }

    /// Whether a connection from `ip` may try to log in.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match failures.get(&ip) {
            Some((n, since)) => *n < FAILURES_ALLOWED || since.elapsed() >= FAILURE_WINDOW,
            None => true,
        }
    }
}

/// The sessions running, per user, within the caps.
pub struct Seats {
    max: usize,
    per_user: usize,
    taken: Mutex<HashMap<String, usize>>,
}

/// One running session's place; given back when dropped.
pub struct Seat {
    seats: Arc<Seats>,
    login: String,
}

impl Seats {
    /// At most `max` sessions, and `per_user` for one user.
    pub fn new(max: usize, per_user: usize) -> Seats {
        Seats { max, per_user, taken: Mutex::default() }
    }

    /// A place for a session of `login`, or why there is none (a line for the rep).
    pub fn take(self: &Arc<Self>, login: &str) -> Result<Seat, String> {
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        if taken.values().sum::<usize>() >= self.max {
            return Err(format!("the server is full ({} sessions): try again later", self.max));
        }
        let mine = taken.entry(login.to_string()).or_default();
        if *mine >= self.per_user {
            return Err(format!(
                "you already have as many sessions open as one user may ({}): close one first",
                self.per_user
            ));
        }
        *mine += 1;
        Ok(Seat { seats: self.clone(), login: login.to_string() })
    }

    /// How many sessions run now.
    pub fn in_use(&self) -> usize {
        self.taken.lock().unwrap_or_else(|e| e.into_inner()).values().sum()
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut taken = self.seats.taken.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = taken.get_mut(&self.login) {
            *n -= 1;
            if *n == 0 {
                taken.remove(&self.login);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_cap_users_and_the_whole_server_and_come_back_when_dropped() {
        let seats = Arc::new(Seats::new(3, 2));
        let a1 = seats.take("ann").unwrap();
        let _a2 = seats.take("ann").unwrap();
        assert!(seats.take("ann").err().unwrap().contains("one user may (2)"));
        let _b = seats.take("bob").unwrap();
        assert!(seats.take("cid").err().unwrap().contains("server is full (3 sessions)"));
        drop(a1);
        assert_eq!(seats.in_use(), 2);
        assert!(seats.take("cid").is_ok());
    }

    #[test]
    fn an_address_is_turned_away_after_too_many_failures_until_it_logs_in() {
        let gate = Gate::default();
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        for _ in 0..FAILURES_ALLOWED {
            assert!(gate.allows(ip));
            gate.failed(ip);
        }
        assert!(!gate.allows(ip));
        assert!(gate.allows("10.0.0.8".parse().unwrap()), "other addresses are not affected");
        gate.passed(ip);
        assert!(gate.allows(ip));
    }
}
