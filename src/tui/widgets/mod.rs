//! Drawing helpers every screen shares, so that tables, popups and record lists look and cut
//! alike everywhere, and the sizes every screen fits its rows to.

mod popup;
mod records;
mod textarea;

pub use popup::{dim, popup};
pub use records::record_list;
pub use textarea::TextArea;

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table};

use crate::text::{sanitize, truncate};

/// The smallest usable window.
pub const MIN_SIZE: (u16, u16) = (60, 15);

/// Rows of a record list that fit in a window of `height` lines.
pub fn list_rows(height: u16) -> usize {
    // Switcher, status bar, two borders, the header.
    height.saturating_sub(5).max(1) as usize
}

/// Rows of the task lists that fit in a window of `height` lines.
pub fn task_rows(height: u16) -> usize {
    // Switcher, status bar, two borders, the section tabs, the header.
    height.saturating_sub(6).max(1) as usize
}

/// An amount short enough for a column header: `1.2M`, `45.3k`, `900`.
pub fn short(sum: Option<crate::model::Amount>) -> String {
    let Some(a) = sum else { return crate::model::Amount::TOO_LARGE.to_string() };
    let units = a.0 as f64 / 100.0;
    match units.abs() {
        u if u >= 1e6 => format!("{:.1}M", units / 1e6),
        u if u >= 1e3 => format!("{:.1}k", units / 1e3),
        _ => format!("{units:.0}"),
    }
}

/// How many rows to skip so that row `selected` shows in a box of `room` rows.
pub fn scrolled(selected: usize, room: usize) -> usize {
    selected.saturating_sub(room.saturating_sub(1))
}

/// A table whose every cell fits its column, header included: text is cut with "…" by display
/// width, never mid-character, and the `right` columns (amounts, counts, durations) are
/// right-aligned. `width` is what the columns share: the table's area less any block's borders.
pub fn grid<'a>(
    width: u16,
    widths: &[Constraint],
    header: &[&str],
    right: &[usize],
    header_style: Style,
    rows: impl IntoIterator<Item = (Vec<String>, Style)>,
) -> Table<'a> {
    let cols = columns(width, widths);
    let row = |texts: Vec<String>| {
        Row::new(texts.into_iter().zip(&cols).enumerate().map(|(i, (text, w))| fitted(&text, *w, right.contains(&i))))
    };
    let head = row(header.iter().map(|h| h.to_string()).collect()).style(header_style);
    let body: Vec<Row> = rows.into_iter().map(|(texts, style)| row(texts).style(style)).collect();
    Table::new(body, widths.iter().copied()).header(head).flex(Flex::Start).column_spacing(1)
}

/// The widths a [`grid`] gives its columns out of `width`: the same split the table makes, so
/// cutting and drawing agree.
pub fn columns(width: u16, widths: &[Constraint]) -> Vec<usize> {
    Layout::horizontal(widths.iter().copied())
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect()
}

/// One cell of a table `width` columns wide: cut with "…", right-aligned when `right`.
pub fn fitted<'a>(text: &str, width: usize, right: bool) -> Cell<'a> {
    let line = Line::from(truncate(&sanitize(text), width));
    Cell::from(if right { line.right_aligned() } else { line })
}

/// How wide a box of text to read is in a window `columns` wide, its borders included.
pub fn text_box_width(columns: u16) -> u16 {
    columns.saturating_sub(4).clamp(60, 110).min(columns)
}

/// `lines` as rows of a box `width` wide inside: long lines wrap, indented as they began.
pub fn wrapped(lines: &[String], width: u16) -> Vec<String> {
    let mut rows = Vec::new();
    for line in lines {
        let line = crate::text::sanitize(line);
        let indent = " ".repeat(line.len() - line.trim_start().len() + 2);
        let options = textwrap::Options::new((width as usize).max(1)).subsequent_indent(&indent);
        rows.extend(textwrap::wrap(&line, options).into_iter().map(|l| l.into_owned()));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn drawn(table: Table, w: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, 3)).unwrap();
        term.draw(|f| f.render_widget(table, f.area())).unwrap();
        let buf = term.backend().buffer().clone();
        (0..3).map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>() + "\n").collect()
    }

    #[test]
    fn cells_and_headers_are_cut_with_an_ellipsis_and_numbers_align_right() {
        let widths = [Constraint::Length(6), Constraint::Length(9)];
        let rows = [(vec!["Spring 2027 launch".to_string(), "12.50".to_string()], Style::new())];
        let s = drawn(grid(16, &widths, &["CONVERTED", "AMOUNT"], &[1], Style::new(), rows), 16);
        assert_eq!(s, "CONVE…    AMOUNT\nSprin…     12.50\n                \n");
    }
}
