//! What shows in place of the screen on show: the first-run welcome, or a record's page with the
//! way back to where it was opened from. One value holds it, so a welcome over a record, or a
//! way back without a page, cannot be written.

use super::ScreenId;
use super::detail::Detail;
use super::keymap::Action;
use super::screen::Effect;

/// What the app shows in place of the screen on show.
#[derive(Debug, Clone)]
pub enum Page {
    /// The first-run welcome (an empty database).
    Welcome,
    /// A record's page.
    Record(RecordPages),
}

/// One step of the way back: a page left for another, the screen it was on, and whether Esc
/// from it goes back to the search it was opened from.
pub type Step = (Detail, ScreenId, bool);

/// The record page on show and the way back from it.
#[derive(Debug, Clone)]
pub struct RecordPages {
    /// The page on show.
    pub open: Detail,
    /// Whether Esc from it goes back to the `/` search it was opened from.
    pub from_search: bool,
    /// The pages it was reached from, last last: Esc goes back along them.
    pub trail: Vec<Step>,
    /// The screen the first page was opened from (none from the welcome).
    pub came_from: Option<ScreenId>,
}

impl RecordPages {
    /// A first page, opened from `came_from`.
    pub fn new(open: Detail, came_from: Option<ScreenId>) -> RecordPages {
        RecordPages { open, from_search: false, trail: Vec::new(), came_from }
    }

    /// Shows `to`, keeping the page on show (on screen `here`) as the way back; `from_search`
    /// says whether Esc from `to` goes back to the search.
    pub fn step(&mut self, to: Detail, here: ScreenId, from_search: bool) {
        let was = std::mem::replace(&mut self.open, to);
        let back = std::mem::replace(&mut self.from_search, from_search);
        self.trail.push((was, here, back));
    }

    /// What an action does on the page (pure: no database): the cursor moves, or Enter follows
    /// the record of the line under it. `None` when the action is not the page's.
    pub fn update(&mut self, action: Action) -> Option<Vec<Effect>> {
        let d = &mut self.open;
        let (half, page) = ((d.height.max(2) / 2) as isize, d.height.max(1) as isize);
        let delta = match action {
            Action::Open => return Some(d.linked().map(Effect::Follow).into_iter().collect()),
            Action::Up => -1,
            Action::Down => 1,
            Action::HalfUp => -half,
            Action::HalfDown => half,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => return None,
        };
        d.move_by(delta);
        Some(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, RecordRef};
    use crate::tui::DetailLine;

    fn page() -> RecordPages {
        let deal = RecordRef::new(Kind::Opportunity, 7);
        let lines = vec![
            DetailLine::Heading("Ann".into()),
            DetailLine::Field("email".into(), "ann@example.com".into()),
            DetailLine::Item("Fleet licences".into(), Some(deal)),
        ];
        let record = RecordRef::new(Kind::Contact, 1);
        RecordPages::new(
            Detail { record, title: "Ann".into(), lines, scroll: 0, cursor: 0, height: 2, network: None },
            None,
        )
    }

    #[test]
    fn keys_move_the_cursor_and_enter_follows_the_line_of_a_record() {
        let mut p = page();
        assert!(p.update(Action::Open).is_some_and(|e| e.is_empty()), "a heading opens nothing");
        assert!(p.update(Action::Bottom).is_some());
        assert_eq!((p.open.cursor, p.open.scroll), (2, 1), "the last line, scrolled into view");
        let effects = p.update(Action::Open).unwrap();
        assert!(matches!(effects[..], [Effect::Follow(r)] if r == RecordRef::new(Kind::Opportunity, 7)));
        assert!(p.update(Action::Top).is_some());
        assert_eq!((p.open.cursor, p.open.scroll), (0, 0));
        assert!(p.update(Action::Edit).is_none(), "editing is the app's");
    }

    #[test]
    fn a_step_keeps_the_way_back() {
        let mut p = page();
        p.from_search = true;
        let mut next = page().open;
        next.record = RecordRef::new(Kind::Opportunity, 7);
        p.step(next, ScreenId::Contacts, false);
        assert_eq!(p.open.record, RecordRef::new(Kind::Opportunity, 7));
        let (was, screen, from_search) = &p.trail[0];
        assert_eq!((was.record.id, *screen, *from_search, p.from_search), (1, ScreenId::Contacts, true, false));
    }
}
