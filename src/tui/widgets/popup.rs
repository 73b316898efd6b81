//! Boxes drawn over a screen: the dimmed background and the centred, cleared popup.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Clear};

use crate::text::truncate;

/// Dims what lies under a popup.
pub fn dim(f: &mut Frame, area: Rect) {
    f.buffer_mut().set_style(area, Style::new().add_modifier(Modifier::DIM));
}

/// A box of `w`×`h` centred in `area` (clamped to it), cleared.
pub fn popup(f: &mut Frame, area: Rect, w: u16, h: u16, title: &str) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    f.render_widget(Clear, r);
    let block = Block::new().borders(Borders::ALL);
    // A title longer than the box ends in "…".
    let title = truncate(title, (w as usize).saturating_sub(4));
    let block = if title.is_empty() { block } else { block.title(format!(" {title} ")) };
    let inner = block.inner(r);
    f.render_widget(block, r);
    inner
}
