//! A list of records drawn as a table: its count, order and marks in the title, the filter line
//! on its top border, columns dropped in a narrow window.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::grid;
use crate::text::sanitize;
use crate::tui::Ctx;
use crate::tui::hits::Target;
use crate::tui::line::LineField;
use crate::tui::list::RecordList;

/// A record list in a box titled `title` (with its count and order), the filter line on its top
/// border while one is typed or kept; its rows marked for the mouse.
pub fn record_list(
    f: &mut Frame,
    area: Rect,
    list: &RecordList,
    title: &str,
    filtering: Option<&LineField>,
    ctx: &Ctx,
) {
    let theme = &ctx.theme;
    let count = if list.is_filtered() {
        // A filter that kept only its best matches says so: more records match.
        let more = if list.is_capped() { "+" } else { "" };
        format!(
            "{}{more} of {}",
            crate::text::thousands(list.ids.len() as u64),
            crate::text::thousands(list.total as u64)
        )
    } else {
        crate::text::thousands(list.total as u64)
    };
    let order = list.order_label();
    let title = format!(
        " {title} ({count}{}){}{}{} ",
        if list.is_loading() { ", reading…" } else { "" },
        if order.is_empty() { "" } else { " " },
        order,
        if list.marked.is_empty() { String::new() } else { format!(", {} marked", list.marked.len()) }
    );
    let block = Block::new().borders(Borders::ALL).title(title);
    let (area, block) = if filtering.is_some() || list.is_filtered() {
        // The filter line sits on the top border, right of the title.
        let prompt = Span::styled(" filter: ", theme.title());
        let mut line = match filtering {
            Some(typed) => typed.after(prompt, (area.width / 2) as usize),
            None => Line::from(vec![prompt, Span::raw(sanitize(&list.filter).into_owned())]),
        };
        line.spans.push(Span::raw(" "));
        (area, block.title(line.right_aligned()))
    } else {
        (area, block)
    };
    if list.loaded && list.ids.is_empty() {
        let hint = if list.is_filtered() {
            "Nothing matches the filter. Esc clears it.".to_string()
        } else if list.is_pinned() {
            "Nothing lies behind this number. Esc goes back to the chart.".to_string()
        } else {
            // No word of demo data here: served over SSH there is none to load (the welcome and
            // the palette offer it where it loads).
            format!("No {} yet. Press n to add one.", list.kind.plural())
        };
        f.render_widget(Paragraph::new(Line::styled(hint, theme.dim())).block(block), area);
        return;
    }
    let inner_w = area.width.saturating_sub(4) as usize;
    let widths = column_widths(list.kind, inner_w);
    let kept = |i: &usize| widths[*i] > 0;
    let header: Vec<&str> = list.headers().iter().enumerate().filter(|(i, _)| kept(i)).map(|(_, h)| *h).collect();
    // Numeric columns, counted among those shown.
    let right: Vec<usize> = (0..widths.len())
        .filter(kept)
        .enumerate()
        .filter(|(_, i)| list.numeric().contains(i))
        .map(|(n, _)| n)
        .collect();
    let end = (list.offset + list.height).min(list.ids.len());
    let rows = list.ids[list.offset.min(end)..end].iter().enumerate().map(|(i, id)| {
        let pos = list.offset + i;
        let mark = if list.marked.contains(id) { "●" } else { " " };
        // The first column gives one character to the mark.
        let cells: Vec<String> = match list.row(*id) {
            Some(row) => row
                .iter()
                .enumerate()
                .filter(|(i, _)| kept(i))
                .enumerate()
                .map(|(n, (_, c))| if n == 0 { format!("{mark}{c}") } else { c.clone() })
                .collect(),
            None => vec!["…".into()],
        };
        // A case past its SLA is said in the error colour, as the list's SLA column reads.
        let late = list.kind == crate::model::Kind::Case
            && list.row(*id).and_then(|r| r.last()).is_some_and(|sla| sla.starts_with("late"));
        let style = if pos == list.selected {
            theme.focus()
        } else if list.marked.contains(id) {
            theme.marked()
        } else if late {
            theme.error()
        } else {
            theme.text()
        };
        (cells, style)
    });
    let shown: Vec<Constraint> = widths.iter().filter(|w| **w > 0).map(|w| Constraint::Length(*w)).collect();
    let inner = block.inner(area);
    let table = grid(inner.width, &shown, &header, &right, theme.title(), rows);
    f.render_widget(table.block(block), area);
    // The rows lie under the column headings.
    for (row, y) in (list.offset..end).zip(inner.y.saturating_add(1)..inner.bottom()) {
        ctx.hits.mark(Rect { y, height: 1, ..inner }, Target::Row(row));
    }
}

/// Below this many columns a list drops its less important columns, so names keep room.
const NARROW: usize = 100;

/// Column widths for a list `w` columns wide: dates and codes get what they need, names share
/// the rest; 0 for a column dropped in a narrow window.
fn column_widths(kind: crate::model::Kind, w: usize) -> Vec<u16> {
    use crate::model::Kind;
    // (fixed width, share of the rest, kept when narrow); a fixed width of 0 means "flexible".
    let spec: &[(usize, usize, bool)] = match kind {
        Kind::Contact => &[(0, 3, true), (0, 2, true), (0, 3, true), (14, 0, false), (10, 0, false), (10, 0, true)],
        Kind::Lead => &[(0, 3, true), (0, 3, true), (0, 3, false), (14, 0, true), (11, 0, true), (6, 0, false)],
        Kind::Opportunity => &[(0, 3, true), (0, 2, true), (0, 2, true), (18, 0, true), (10, 0, true), (0, 3, false)],
        Kind::Product => &[(0, 3, true), (0, 1, true), (18, 0, true), (12, 0, true)],
        Kind::Project => &[(0, 3, true), (0, 2, true), (11, 0, true), (9, 0, true), (0, 3, false), (8, 0, true)],
        Kind::Task => &[(0, 3, true), (11, 0, true), (11, 0, true), (16, 0, false), (8, 0, false), (0, 1, true)],
        Kind::Call => {
            &[(17, 0, true), (0, 3, true), (0, 3, true), (0, 2, false), (3, 0, false), (7, 0, true), (12, 0, true)]
        }
        Kind::Email => &[(17, 0, true), (0, 2, true), (0, 3, true), (8, 0, true)],
        Kind::Case => {
            &[(9, 0, true), (8, 0, true), (9, 0, true), (0, 3, true), (0, 2, true), (0, 1, false), (11, 0, true)]
        }
        _ => &[(0, 3, true), (0, 2, true), (0, 2, true), (14, 0, false), (9, 0, true)],
    };
    let shown = |s: &(usize, usize, bool)| s.2 || w >= NARROW;
    let gaps = spec.iter().filter(|s| shown(s)).count().saturating_sub(1);
    let fixed: usize = spec.iter().filter(|s| shown(s)).map(|s| s.0).sum();
    let shares: usize = spec.iter().filter(|s| shown(s)).map(|s| s.1).sum::<usize>().max(1);
    let rest = w.saturating_sub(fixed + gaps);
    spec.iter()
        .map(|s| match *s {
            _ if !shown(s) => 0,
            (f, _, _) if f > 0 => f as u16,
            (_, sh, _) => ((rest * sh) / shares).max(4) as u16,
        })
        .collect()
}
