//! The mouse, when the user lets the app take it (the config file's `mouse`): a click on a
//! screen's title goes to that screen; a click on a list's row, a board's card, a report or a
//! chart's bar selects it (as the last frame drew them, `Ctx::hits`) and a second click on it
//! opens it; the wheel moves the pane under the pointer. Dialogs and forms stay keyboard-driven.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::App;
use crate::tui::Action;
use crate::tui::hits::Target;
use crate::tui::screen::Screen;

/// Two clicks on one cell within this time open what the first selected.
const DOUBLE_CLICK: Duration = Duration::from_millis(500);

impl App {
    /// Acts on one mouse event.
    pub fn mouse(&mut self, m: MouseEvent) {
        match m.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                // The wheel moves the pane under the pointer (a board's column, the chart or the
                // list of reports), as its keys would.
                if self.modes().is_empty()
                    && let Some(target) = self.ctx.hits.at(m.column, m.row)
                {
                    self.point(target, false);
                }
                self.act(if m.kind == MouseEventKind::ScrollDown { Action::Down } else { Action::Up });
            }
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
        if let Some(target) = self.ctx.hits.at(x, y)
            && self.point(target, true)
            && double
        {
            self.act(Action::Open);
        }
    }

    /// Hands the pointer's target to what is on show; whether a click selected something.
    fn point(&mut self, target: Target, click: bool) -> bool {
        if self.on_board() {
            self.board.point(target, click)
        } else if let Some(screen) = self.screen_on_show_mut() {
            screen.point(target, click)
        } else {
            self.list_mut().is_some_and(|list| list.point(target, click))
        }
    }
}
