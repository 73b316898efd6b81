//! What the last frame drew where, for the mouse: each screen marks the cells of what a click
//! can pick (a list's row, a board's card, a chart's bar) while it draws, so a click is read
//! against exactly what the user saw, never against a second copy of the layout.

use std::sync::{Arc, Mutex};

use ratatui::layout::{Position, Rect};

/// Something a click can pick on a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A list's row, by its place in the list.
    Row(usize),
    /// A card on the board: its column and its place in the column.
    Card { column: usize, card: usize },
    /// A board column's heading or empty space.
    Column(usize),
    /// A report in the Reports screen's list.
    Report(usize),
    /// A bar of the chart (or a row of its table), by its place.
    Bar(usize),
}

/// The targets of the last frame with their cells; shared by the copies of one app's context.
#[derive(Debug, Clone, Default)]
pub struct Hits(Arc<Mutex<Vec<(Rect, Target)>>>);

impl Hits {
    fn marks(&self) -> std::sync::MutexGuard<'_, Vec<(Rect, Target)>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets the last frame's targets (a new frame marks its own).
    pub fn clear(&self) {
        self.marks().clear();
    }

    /// Says that `target` is drawn in `area`.
    pub fn mark(&self, area: Rect, target: Target) {
        self.marks().push((area, target));
    }

    /// What lies at column `x`, row `y`: the last marked of the targets there (drawn last, so
    /// on top).
    pub fn at(&self, x: u16, y: u16) -> Option<Target> {
        self.marks().iter().rev().find(|(area, _)| area.contains(Position::new(x, y))).map(|(_, t)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_finds_the_target_marked_last_over_it_and_a_new_frame_forgets() {
        let hits = Hits::default();
        hits.mark(Rect::new(0, 0, 10, 10), Target::Column(1));
        hits.mark(Rect::new(2, 2, 3, 1), Target::Card { column: 1, card: 4 });
        assert_eq!(hits.at(3, 2), Some(Target::Card { column: 1, card: 4 }));
        assert_eq!(hits.at(3, 3), Some(Target::Column(1)));
        assert_eq!(hits.at(10, 3), None);
        hits.clone().clear();
        assert_eq!(hits.at(3, 2), None);
    }
}
