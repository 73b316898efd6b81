//! What every screen is given with each key and each frame: who acts, when, the theme and the
//! window. Screens read these from here, never from the environment or the wall clock, so one
//! process can run the apps of many users, each in their own time.

use ratatui::layout::Rect;

use super::hits::Hits;
use super::theme::Theme;
use crate::crm::{Scope, Session};
use crate::model::{Date, Dates, Timestamp};

/// The context of one key press or one frame, built by the loop from the session.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The acting user's name.
    pub user: String,
    /// Today, in the user's time zone.
    pub today: Date,
    /// The current instant.
    pub now: Timestamp,
    /// How the user writes dates and where their weeks start.
    pub dates: Dates,
    /// The theme drawing uses.
    pub theme: Theme,
    /// The whole window.
    pub size: Rect,
    /// Whether the acting user is in no team: the scope toggle then skips "my team", which
    /// would show what "mine" does.
    pub teamless: bool,
    /// Where the last frame drew what a click can pick (marked while drawing).
    pub hits: Hits,
}

impl Ctx {
    /// The context of `session` now, drawn with `theme` in a window of `size`.
    pub fn new(session: &Session, theme: Theme, size: Rect) -> Ctx {
        let (user, today, now, dates) = (session.user().to_string(), session.today(), session.now(), session.dates());
        Ctx { user, today, now, dates, theme, size, teamless: false, hits: Hits::default() }
    }

    /// The scope after `scope` in the toggle's cycle (all, mine, my team), and how to say it:
    /// for a user in no team, "my team" is skipped, and that is said.
    pub fn next_scope(&self, scope: Scope) -> (Scope, String) {
        match scope.next() {
            Scope::Team if self.teamless => {
                let all = Scope::Team.next();
                (all, format!("{} (you are in no team: my team skipped)", all.label()))
            }
            next => (next, next.label().to_string()),
        }
    }
}
