//! What every screen is given with each key and each frame: who acts, when, the theme and the
//! window. Screens read these from here, never from the environment or the wall clock, so one
//! process can run the apps of many users, each in their own time.

use ratatui::layout::Rect;

use super::theme::Theme;
use crate::crm::Session;
use crate::model::{Date, Timestamp};

/// The context of one key press or one frame, built by the loop from the session.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The acting user's name.
    pub user: String,
    /// Today, in the user's time zone.
    pub today: Date,
    /// The current instant.
    pub now: Timestamp,
    /// The theme drawing uses.
    pub theme: Theme,
    /// The whole window.
    pub size: Rect,
}

impl Ctx {
    /// The context of `session` now, drawn with `theme` in a window of `size`.
    pub fn new(session: &Session, theme: Theme, size: Rect) -> Ctx {
        Ctx { user: session.user().to_string(), today: session.today(), now: session.now(), theme, size }
    }
}
