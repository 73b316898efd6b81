//! The screen row at the top: which titles fit the window's width, in what form, and which
//! screen's title lies under a column (what a click there means). Drawn by `view`, read by the
//! mouse: both from the same pieces.

use super::ScreenId;
use crate::text::{truncate, width};

/// What the screen row shows.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    /// The screen on show, none while the welcome is.
    pub current: Option<ScreenId>,
    /// Whether the search index is still loading (said at the end of the row).
    pub indexing: bool,
}

/// One piece of the row: its label, the screen it names (none for the name and notes) and
/// whether that screen is on show.
pub type Tab = (String, Option<ScreenId>, bool);

/// The pieces that fit `columns`. The widest form that fits: the name and padded titles, then
/// the titles without padding, then as many titles as fit from the first screen on, the others by
/// number (the screen on show always keeps its title); what still does not fit is cut with "…",
/// never mid-word without saying so.
pub fn tabs(shown: &Shown, columns: u16) -> Vec<Tab> {
    let current = |s: ScreenId| shown.current == Some(s);
    let at_level = |level: u8, titled: usize| {
        let mut tabs: Vec<Tab> = if level == 0 { vec![(" rolo ".to_string(), None, false)] } else { Vec::new() };
        for (i, s) in ScreenId::ALL.into_iter().enumerate() {
            let label = match level {
                0 => format!(" {} {} ", s.number(), s.title()),
                _ if level == 1 || i < titled || current(s) => format!("{} {} ", s.number(), s.title()),
                _ => format!("{} ", s.number()),
            };
            tabs.push((label, Some(s), current(s)));
        }
        if let Some(s) = shown.current.filter(|s| !ScreenId::ALL.contains(s)) {
            tabs.push((format!(" {} ", s.title()), Some(s), true));
        }
        if shown.indexing {
            tabs.push(("  indexing…".to_string(), None, false));
        }
        tabs
    };
    let fits = |tabs: &[Tab]| tabs.iter().map(|t| width(&t.0)).sum::<usize>() <= columns as usize;
    let tabs = [(0, 0), (1, 0)]
        .into_iter()
        .chain((0..ScreenId::ALL.len()).rev().map(|titled| (2, titled)))
        .map(|(level, titled)| at_level(level, titled))
        .find(|t| fits(t))
        .unwrap_or_else(|| at_level(2, 0));
    let mut room = columns as usize;
    let mut fitted = Vec::new();
    for (label, screen, on) in tabs {
        let w = width(&label);
        if w > room {
            fitted.push((truncate(&label, room), screen, on));
            break;
        }
        room -= w;
        fitted.push((label, screen, on));
    }
    fitted
}

/// The screen whose title is at column `x` of the row, in a window `columns` wide.
pub fn tab_at(shown: &Shown, columns: u16, x: u16) -> Option<ScreenId> {
    let mut left = 0;
    for (label, screen, _) in tabs(shown, columns) {
        left += width(&label);
        if (x as usize) < left {
            return screen;
        }
    }
    None
}
