//! A project's network drawn as text, for `rolo project graph` and the project's page: a box
//! per task, layered by dependency, with arrows from each task to those waiting for it. The
//! critical path is drawn in heavy lines, done tasks in dashed ones, a late task's date with `!`,
//! so it reads without colour; each cell also carries an [`Ink`] a terminal may colour by.

pub mod dot;
mod layout;

/// Why project `project`'s network is not drawn: what its page and `rolo project graph` say
/// instead of a drawing [`Diagram::draw`] gave up on.
pub fn too_large(project: crate::model::Id) -> String {
    format!(
        "too many tasks and waits to draw in a terminal: rolo project graph {project} --format dot | dot -Tsvg draws them all"
    )
}

use std::collections::BTreeMap;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::Network;
use layout::{BOX_H, BOX_W, Layout, Slot};

/// What a run of text is, for a front end to style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ink {
    /// Plain lines and text.
    Plain,
    /// The critical path: its boxes and the waits between them.
    Critical,
    /// A done task's box.
    Done,
    /// A late task's date.
    Late,
}

/// One row of a drawing: runs of text and how each is inked.
pub type Row = Vec<(String, Ink)>;

/// A drawn network.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagram {
    /// The rows, top to bottom, without trailing blanks.
    pub rows: Vec<Row>,
}

impl Diagram {
    /// Draws `net` in about `room` columns: layers hold as many boxes as fit, and one box at
    /// least however narrow the room. `None` when it is too large to draw in a terminal (see
    /// [`too_large`]).
    pub fn draw(net: &Network, room: usize) -> Option<Diagram> {
        let lay = Layout::new(net, room)?;
        let mut canvas = Canvas::default();
        let mut top = 0;
        for (l, layer) in lay.layers.iter().enumerate() {
            for &s in layer {
                match lay.slots[s] {
                    Slot::Step(i) => draw_box(&mut canvas, net, i, lay.left[s], top, !lay.below[s].is_empty()),
                    Slot::Pass(e) => {
                        for y in top..top + BOX_H {
                            canvas.line(lay.port(s), y, s, UP | DOWN, net.is_critical(e));
                        }
                    }
                }
            }
            top += BOX_H;
            if l + 1 < lay.layers.len() {
                top += draw_channel(&mut canvas, &lay, layer, top);
            }
        }
        Some(Diagram { rows: canvas.rows() })
    }

    /// The drawing as plain text, a line per row.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            for (text, _) in row {
                out.push_str(text);
            }
            out.push('\n');
        }
        out
    }

    /// The widest row's width in columns.
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.iter().map(|(t, _)| crate::text::width(t)).sum::<usize>()).max().unwrap_or(0)
    }
}

/// Draws step `i`'s box with its top-left corner at (`x`, `y`); `leaves` marks the bottom's
/// middle where arrows leave it.
fn draw_box(canvas: &mut Canvas, net: &Network, i: usize, x: usize, y: usize, leaves: bool) {
    let step = &net.steps[i];
    let critical = net.critical.contains(&i);
    // Corners, sides and where arrows leave: heavy on the critical path, dashed when done.
    let ([tl, tr, bl, br], h, v, port) = match (critical, step.done) {
        (true, _) => (['┏', '┓', '┗', '┛'], '━', '┃', '┳'),
        (false, true) => (['┌', '┐', '└', '┘'], '┄', '┆', '┬'),
        (false, false) => (['┌', '┐', '└', '┘'], '─', '│', '┬'),
    };
    let ink = match (critical, step.done) {
        (true, _) => Ink::Critical,
        (false, true) => Ink::Done,
        (false, false) => Ink::Plain,
    };
    let right = x + BOX_W - 1;
    for cx in x..=right {
        let (top, bottom) = match cx {
            _ if cx == x => (tl, bl),
            _ if cx == right => (tr, br),
            _ if leaves && cx == x + BOX_W / 2 => (h, port),
            _ => (h, h),
        };
        canvas.put(cx, y, top, ink);
        canvas.put(cx, y + BOX_H - 1, bottom, ink);
    }
    for row in 1..BOX_H - 1 {
        canvas.put(x, y + row, v, ink);
        canvas.put(right, y + row, v, ink);
    }
    let text_ink = if step.done { Ink::Done } else { Ink::Plain };
    canvas.text(x + 2, y + 1, &format!("#{} {}", step.task, step.title), BOX_W - 4, text_ink);
    let (note, note_ink) =
        if step.late { (format!("! {}", step.note), Ink::Late) } else { (step.note.clone(), text_ink) };
    canvas.text(x + 2, y + 2, &note, BOX_W - 4, note_ink);
}

/// One slot's lines down to the layer below: where they leave, and each target's column with
/// whether that wait is on the critical path.
struct Bus {
    slot: usize,
    from: usize,
    to: Vec<(usize, usize, bool)>,
}

impl Bus {
    /// Whether it needs a row of its own to turn on (a target not straight below).
    fn turns(&self) -> bool {
        self.to.iter().any(|&(x, _, _)| x != self.from)
    }
}

/// Draws the lines from `layer` down to the next, starting at row `top`: each slot whose lines
/// turn gets a row of its own to turn on (so no two slots' lines run along each other), the
/// last row holds the arrowheads. Returns the rows taken.
fn draw_channel(canvas: &mut Canvas, lay: &Layout, layer: &[usize], top: usize) -> usize {
    let buses: Vec<Bus> = layer
        .iter()
        .filter_map(|&s| {
            let to: Vec<_> = lay.below[s]
                .iter()
                .map(|&g| &lay.segments[g])
                .map(|g| (lay.port(g.lower), g.lower, g.critical))
                .collect();
            (!to.is_empty()).then(|| Bus { slot: s, from: lay.port(s), to })
        })
        .collect();
    let tracks = track_order(&buses);
    let height = tracks.len() + 1;
    let arrows = top + height - 1;
    for bus in &buses {
        let track = tracks.iter().position(|&b| buses[b].slot == bus.slot).map(|t| top + t);
        for &(x, lower, critical) in &bus.to {
            let turn = track.unwrap_or(top);
            for y in top..turn {
                canvas.line(bus.from, y, bus.slot, UP | DOWN, critical);
            }
            if let Some(t) = track {
                let (a, b) = (bus.from.min(x), bus.from.max(x));
                for cx in a..=b {
                    let mut bits = 0;
                    if cx > a {
                        bits |= LEFT;
                    }
                    if cx < b {
                        bits |= RIGHT;
                    }
                    if cx == bus.from {
                        bits |= UP;
                    }
                    if cx == x {
                        bits |= DOWN;
                    }
                    canvas.line(cx, t, bus.slot, bits, critical);
                }
            }
            let below = track.map_or(top, |t| t + 1);
            for y in below..arrows {
                canvas.line(x, y, bus.slot, UP | DOWN, critical);
            }
            let ink = if critical { Ink::Critical } else { Ink::Plain };
            match lay.slots[lower] {
                Slot::Step(_) => canvas.put(x, arrows, '▼', ink),
                Slot::Pass(_) => canvas.line(x, arrows, bus.slot, UP | DOWN, critical),
            }
        }
    }
    height
}

/// The buses that turn, top row first: left to right, except that a bus whose line leaves
/// from the column another's line comes down to turns above it (else the two would meet).
fn track_order(buses: &[Bus]) -> Vec<usize> {
    let turning: Vec<usize> = (0..buses.len()).filter(|&b| buses[b].turns()).collect();
    let above = |a: usize, b: usize| {
        let (a, b) = (&buses[a], &buses[b]);
        b.to.iter().any(|&(x, _, _)| x == a.from) && !a.to.iter().any(|&(x, _, _)| x == a.from)
    };
    let mut left = turning.clone();
    left.sort_by_key(|&b| buses[b].from);
    let mut order = Vec::with_capacity(left.len());
    while !left.is_empty() {
        // The leftmost with nothing left that must turn above it; on a circle, the leftmost.
        let at = left.iter().position(|&b| !left.iter().any(|&o| o != b && above(o, b))).unwrap_or(0);
        order.push(left.remove(at));
    }
    order
}

const UP: u8 = 1;
const DOWN: u8 = 2;
const LEFT: u8 = 4;
const RIGHT: u8 = 8;

/// The box-drawing character joining `bits`, heavy or light.
fn joint(bits: u8, heavy: bool) -> char {
    const LIGHT: [char; 16] = [' ', '│', '│', '│', '─', '┘', '┐', '┤', '─', '└', '┌', '├', '─', '┴', '┬', '┼'];
    const HEAVY: [char; 16] = [' ', '┃', '┃', '┃', '━', '┛', '┓', '┫', '━', '┗', '┏', '┣', '━', '┻', '┳', '╋'];
    if heavy { HEAVY[bits as usize & 15] } else { LIGHT[bits as usize & 15] }
}

/// What a cell holds.
#[derive(Debug, Clone, Default)]
enum Cell {
    #[default]
    Blank,
    /// Text (a grapheme) and its ink.
    Text(String, Ink),
    /// The right half of a wide character on its left.
    Covered,
    /// Lines through it: per slot they leave from, the directions and whether any is critical.
    Lines(BTreeMap<usize, (u8, bool)>),
}

/// A grid of cells growing as it is drawn on.
#[derive(Debug, Default)]
struct Canvas {
    cells: Vec<Vec<Cell>>,
}

impl Canvas {
    fn at(&mut self, x: usize, y: usize) -> &mut Cell {
        if self.cells.len() <= y {
            self.cells.resize_with(y + 1, Vec::new);
        }
        let row = &mut self.cells[y];
        if row.len() <= x {
            row.resize_with(x + 1, Cell::default);
        }
        &mut row[x]
    }

    fn put(&mut self, x: usize, y: usize, c: char, ink: Ink) {
        *self.at(x, y) = Cell::Text(c.to_string(), ink);
    }

    /// Adds a line through (`x`, `y`) leaving from slot `from`.
    fn line(&mut self, x: usize, y: usize, from: usize, bits: u8, heavy: bool) {
        let cell = self.at(x, y);
        if !matches!(cell, Cell::Lines(_)) {
            *cell = Cell::Lines(BTreeMap::new());
        }
        if let Cell::Lines(lines) = cell {
            let e = lines.entry(from).or_insert((0, false));
            *e = (e.0 | bits, e.1 || heavy);
        }
    }

    /// Writes `text` (control characters removed, cut to `max` columns with `…`) from (`x`, `y`).
    fn text(&mut self, x: usize, y: usize, text: &str, max: usize, ink: Ink) {
        let text = crate::text::truncate(text, max);
        let mut cx = x;
        for g in text.graphemes(true) {
            match crate::text::width(g) {
                0 => continue,
                w => {
                    *self.at(cx, y) = Cell::Text(g.to_string(), ink);
                    for extra in 1..w {
                        *self.at(cx + extra, y) = Cell::Covered;
                    }
                    cx += w;
                }
            }
        }
    }

    /// The rows as runs of text, trailing blanks left off.
    fn rows(&self) -> Vec<Row> {
        self.cells
            .iter()
            .map(|cells| {
                let mut row: Row = Vec::new();
                let end = cells.iter().rposition(|c| !matches!(c, Cell::Blank)).map_or(0, |i| i + 1);
                for cell in &cells[..end] {
                    let (text, ink) = match cell {
                        Cell::Blank => (" ".to_string(), Ink::Plain),
                        Cell::Covered => continue,
                        Cell::Text(t, ink) => (t.clone(), *ink),
                        Cell::Lines(lines) => {
                            let (c, heavy) = crossing(lines);
                            (c.to_string(), if heavy { Ink::Critical } else { Ink::Plain })
                        }
                    };
                    match row.last_mut() {
                        Some((t, i)) if *i == ink => t.push_str(&text),
                        _ => row.push((text, ink)),
                    }
                }
                row
            })
            .collect()
    }
}

/// The character for the lines through a cell: a line crossing another slot's (one running
/// straight down, the other straight across) passes under it, so a crossing never reads as a
/// joint; lines of one slot, or meeting at the same arrow, join.
fn crossing(lines: &BTreeMap<usize, (u8, bool)>) -> (char, bool) {
    let down = |b: u8| b == UP | DOWN;
    let across = |b: u8| b & (UP | DOWN) == 0;
    let passes = lines.values().any(|(b, _)| down(*b))
        && lines.values().any(|(b, _)| across(*b))
        && lines.values().all(|(b, _)| down(*b) || across(*b));
    if passes {
        let heavy = lines.values().any(|(b, h)| down(*b) && *h);
        return (joint(UP | DOWN, heavy), heavy);
    }
    let bits = lines.values().fold(0, |a, (b, _)| a | b);
    let heavy = lines.values().any(|(_, h)| *h);
    (joint(bits, heavy), heavy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Step;

    fn net(n: u64, waits: &[(u64, u64)], done: &[u64]) -> Network {
        let steps = (1..=n)
            .map(|i| Step {
                task: i,
                title: format!("Task {i}"),
                note: format!("due {i} Jan"),
                done: done.contains(&i),
                late: false,
            })
            .collect();
        Network::new(steps, waits)
    }

    #[test]
    fn a_chain_stands_straight_with_arrows_between() {
        let d = Diagram::draw(&net(2, &[(1, 2)], &[]), 80).unwrap();
        let text = d.plain();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 9, "{text}");
        assert_eq!(lines[0], "┏━━━━━━━━━━━━━━━━━━━━━━┓");
        assert_eq!(lines[1], "┃ #1 Task 1            ┃");
        assert_eq!(lines[3], "┗━━━━━━━━━━━┳━━━━━━━━━━┛");
        assert_eq!(lines[4], "            ▼");
        assert_eq!(lines[5], "┏━━━━━━━━━━━━━━━━━━━━━━┓");
    }

    #[test]
    fn done_boxes_are_dashed_and_off_the_critical_path() {
        let d = Diagram::draw(&net(3, &[(1, 2), (2, 3)], &[1]), 80).unwrap();
        let text = d.plain();
        assert!(text.starts_with("┌┄┄┄"), "{text}");
        assert!(text.contains("┏━━━"), "{text}");
        assert!(d.rows[1].iter().all(|(_, ink)| *ink != Ink::Critical));
    }

    #[test]
    fn a_layer_holds_no_more_boxes_than_fit() {
        let d = Diagram::draw(&net(7, &[], &[]), 80).unwrap();
        // Three boxes (24 columns, 2 between) fit in 80: seven take three layers.
        assert_eq!(d.plain().lines().filter(|l| l.contains("#")).count(), 3);
        assert!(d.width() <= 80);
        assert_eq!(
            Diagram::draw(&net(7, &[], &[]), 10).unwrap().plain().lines().filter(|l| l.contains('#')).count(),
            7
        );
    }

    #[test]
    fn a_fan_out_branches_from_one_line() {
        let d = Diagram::draw(&net(3, &[(1, 2), (1, 3)], &[]), 80).unwrap();
        let text = d.plain();
        assert_eq!(text.matches('┳').count(), 1, "one way out of the first box: {text}");
        assert_eq!(text.matches('▼').count(), 2, "{text}");
    }

    #[test]
    fn a_wait_across_layers_passes_between_boxes() {
        // 1 → 2 → 3 and 1 → 3: the long wait passes the layer of 2.
        let d = Diagram::draw(&net(3, &[(1, 2), (2, 3), (1, 3)], &[]), 80).unwrap();
        let text = d.plain();
        assert_eq!(text.matches('▼').count(), 2, "{text}");
        let layer_of_2 = text.lines().find(|l| l.contains("#2")).unwrap_or_default();
        assert!(layer_of_2.contains('│'), "{text}");
    }

    #[test]
    fn wide_and_control_characters_keep_the_box_square() {
        let mut n = net(1, &[], &[]);
        n.steps[0].title = "設計\u{7}レビュー and more words than fit".into();
        let text = Diagram::draw(&n, 80).unwrap().plain();
        let widths: Vec<usize> = text.lines().map(crate::text::width).collect();
        assert!(widths.iter().all(|&w| w == BOX_W), "{text}");
    }

    #[test]
    fn a_network_too_large_to_read_is_not_drawn_but_a_long_chain_is() {
        // Three hundred tasks waiting for one: thousands of lines passing down the layers.
        let fan: Vec<(u64, u64)> = (2..=300).map(|i| (1, i)).collect();
        assert!(Diagram::draw(&net(300, &fan, &[]), 158).is_none());
        let chain: Vec<(u64, u64)> = (2..=1000).map(|i| (i - 1, i)).collect();
        let d = Diagram::draw(&net(1000, &chain, &[]), 158).unwrap();
        assert_eq!((d.rows.len(), d.width()), (1000 * BOX_H + 999, BOX_W));
    }
}
