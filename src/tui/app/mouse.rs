//! The mouse, when the user lets the app take it (the config file's `mouse`): a click on a
//! screen's title goes to that screen, a click on a list's row selects it and a second click on
//! the same row opens it, the wheel moves the selection. Dialogs and forms stay keyboard-driven.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::App;
use crate::tui::Action;

/// Two clicks on one cell within this time open what the first selected.
const DOUBLE_CLICK: Duration = Duration::from_millis(500);

/// The first row of a list's records: under the screen row, the box's top border and the
/// column headings.
const FIRST_ROW: u16 = 3;

impl App {
    /// Acts on one mouse event.
    pub fn mouse(&mut self, m: MouseEvent) {
        match m.kind {
            MouseEventKind::ScrollDown => self.act(Action::Down),
            MouseEventKind::ScrollUp => self.act(Action::Up),
            MouseEventKind::Down(MouseButton::Left) => self.click(m.column, m.row),
            _ => {}
        }
    }

    /// What the screen row shows: the screen on show (none under the welcome), and whether the
    /// search index still loads.
    pub fn tabs_shown(&self) -> crate::tui::tabs::Shown {
        let current = (!self.welcome()).then_some(self.screen);
        crate::tui::tabs::Shown { current, indexing: self.indexing }
    }

    /// A left click at column `x`, row `y`.
    fn click(&mut self, x: u16, y: u16) {
        let now = Instant::now();
        let double = self.last_click.is_some_and(|(at, cell)| cell == (x, y) && now.duration_since(at) < DOUBLE_CLICK);
        self.last_click = Some((now, (x, y)));
        if !self.modes().is_empty() || self.too_small {
            return;
        }
        if y == 0 {
            if let Some(screen) = crate::tui::tabs::tab_at(&self.tabs_shown(), self.ctx.size.width, x) {
                self.act(Action::Goto(screen));
            }
            return;
        }
        // A record list that fills the screen: its rows, from the first shown.
        if self.page.is_some() || self.list().is_none() || y < FIRST_ROW {
            return;
        }
        let Some(list) = self.list_mut() else { return };
        let row = (y - FIRST_ROW) as usize;
        let pos = list.offset + row;
        if row < list.height && pos < list.ids.len() {
            list.select(pos);
            if double {
                self.act(Action::Open);
            }
        }
    }
}
