//! Where each box of a network goes: layers by dependency (a step below everything it waits
//! for), no layer wider than the room given, waits across several layers passing through the
//! layers between, an order within each layer that keeps lines from crossing, and columns.

use crate::model::Network;

/// A box's width and height, borders included.
pub(super) const BOX_W: usize = 24;
pub(super) const BOX_H: usize = 4;
/// Columns between two neighbours in a layer.
pub(super) const GAP: usize = 2;
/// The most boxes and passing lines a drawing holds: past it a network (hundreds of tasks
/// waiting across many layers) would take seconds and a screen nobody reads; it is named, not
/// drawn (Graphviz draws any size).
pub(super) const MOST_SLOTS: usize = 2_000;

/// What sits in a layer: a step's box, or a wait passing through on its way down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// The step at this index of the network.
    Step(usize),
    /// The wait at this index of the network's edges, between layers it skips.
    Pass(usize),
}

impl Slot {
    fn width(self) -> usize {
        match self {
            Slot::Step(_) => BOX_W,
            // A line down the middle, a column clear on each side.
            Slot::Pass(_) => 3,
        }
    }
}

/// A line from a slot to one in the layer below: the slots (by number) and whether the wait it
/// is part of is on the critical path.
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment {
    pub upper: usize,
    pub lower: usize,
    /// Whether the wait is on the critical path.
    pub critical: bool,
}

/// The laid-out network.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// Every slot, by number.
    pub slots: Vec<Slot>,
    /// The slots of each layer, left to right, by number.
    pub layers: Vec<Vec<usize>>,
    /// The first column of each slot, by number.
    pub left: Vec<usize>,
    /// The lines between layers.
    pub segments: Vec<Segment>,
    /// Per slot, the segments leaving it downwards, by number.
    pub below: Vec<Vec<usize>>,
    /// Per slot, the segments reaching it from above, by number.
    pub above: Vec<Vec<usize>>,
    /// Each layer's width, boxes, lines and gaps.
    widths: Vec<usize>,
    /// The widest layer's width.
    pub width: usize,
}

impl Layout {
    /// The column where lines leave and reach slot `s`: a box's middle, a passing line's column.
    pub fn port(&self, s: usize) -> usize {
        self.left[s] + self.slots[s].width() / 2
    }

    /// Lays out `net` in at most `room` columns (a layer always takes one box, however narrow);
    /// `None` when it takes more than [`MOST_SLOTS`] boxes and passing lines.
    pub fn new(net: &Network, room: usize) -> Option<Layout> {
        let room = room.max(BOX_W);
        // Boxes placed first may fill a layer that waits placed later must pass through: then
        // the boxes get a box's width less room, until the lines fit or a layer holds one box.
        let mut boxes = room;
        loop {
            let mut lay = Layout {
                slots: Vec::new(),
                layers: Vec::new(),
                left: Vec::new(),
                segments: Vec::new(),
                below: Vec::new(),
                above: Vec::new(),
                widths: Vec::new(),
                width: 0,
            };
            if !lay.place(net, boxes, room) {
                return None;
            }
            let widest = lay.widths.iter().copied().max().unwrap_or(0);
            if widest <= room || boxes < 2 * BOX_W + GAP {
                (lay.below, lay.above) = (vec![Vec::new(); lay.slots.len()], vec![Vec::new(); lay.slots.len()]);
                for (i, g) in lay.segments.iter().enumerate() {
                    lay.below[g.upper].push(i);
                    lay.above[g.lower].push(i);
                }
                lay.order();
                lay.columns(room);
                return Some(lay);
            }
            boxes -= BOX_W + GAP;
        }
    }

    /// The width `layer` would take with slots of `adding` widths more.
    fn widened(&self, layer: usize, adding: usize, width: usize) -> usize {
        let (used, count) = (self.widths.get(layer).copied().unwrap_or(0), self.layers.get(layer).map_or(0, Vec::len));
        used + adding * width + GAP * (count + adding).saturating_sub(1).saturating_sub(count.saturating_sub(1))
    }

    /// Puts each step, in an order where it follows all it waits for, in the first layer below
    /// them with room for its box (boxes of a layer taking at most `boxes` columns) and for the
    /// lines reaching it from layers further up (a layer at most `room`). False when the slots
    /// pass [`MOST_SLOTS`].
    fn place(&mut self, net: &Network, boxes: usize, room: usize) -> bool {
        let n = net.steps.len();
        let mut before = vec![Vec::new(); n];
        for (e, &(b, a)) in net.edges.iter().enumerate() {
            before[a].push((b, e));
        }
        let mut layer_of = vec![0usize; n];
        let mut slot_of = vec![0usize; n];
        for step in net.in_order() {
            let lowest = before[step].iter().map(|&(b, _)| layer_of[b] + 1).max().unwrap_or(0);
            let first = before[step].iter().map(|&(b, _)| layer_of[b] + 1).min().unwrap_or(lowest);
            // Whether `adding` slots `width` wide fit in `layer` (one alone always does).
            let fits = |lay: &Layout, layer: usize, adding: usize, width: usize, room: usize| {
                let empty = lay.layers.get(layer).is_none_or(Vec::is_empty);
                adding == 0 || empty && adding == 1 || lay.widened(layer, adding, width) <= room
            };
            let passing = |layer: usize| before[step].iter().filter(|&&(b, _)| layer_of[b] < layer).count();
            let pass = Slot::Pass(0).width();
            let roomy = (lowest..=self.layers.len())
                .find(|&l| fits(self, l, 1, BOX_W, boxes) && (first..l).all(|m| fits(self, m, passing(m), pass, room)));
            let layer = roomy.unwrap_or_else(|| {
                (lowest..=self.layers.len()).find(|&l| fits(self, l, 1, BOX_W, boxes)).unwrap_or(self.layers.len())
            });
            if layer == self.layers.len() {
                self.layers.push(Vec::new());
                self.widths.push(0);
            }
            layer_of[step] = layer;
            slot_of[step] = self.add(layer, Slot::Step(step));
            for &(b, e) in &before[step] {
                let mut upper = slot_of[b];
                for m in layer_of[b] + 1..layer {
                    let pass = self.add(m, Slot::Pass(e));
                    self.segments.push(Segment { upper, lower: pass, critical: net.is_critical(e) });
                    upper = pass;
                }
                self.segments.push(Segment { upper, lower: slot_of[step], critical: net.is_critical(e) });
            }
            if self.slots.len() > MOST_SLOTS {
                return false;
            }
        }
        true
    }

    fn add(&mut self, layer: usize, slot: Slot) -> usize {
        self.widths[layer] = self.widened(layer, 1, slot.width());
        self.slots.push(slot);
        self.layers[layer].push(self.slots.len() - 1);
        self.slots.len() - 1
    }

    /// Orders each layer by the mean place of its neighbours above, then below, a few times
    /// over (the barycentre heuristic), so lines cross as little as it can tell.
    fn order(&mut self) {
        let up: Vec<Vec<usize>> =
            self.above.iter().map(|gs| gs.iter().map(|&g| self.segments[g].upper).collect()).collect();
        let down: Vec<Vec<usize>> =
            self.below.iter().map(|gs| gs.iter().map(|&g| self.segments[g].lower).collect()).collect();
        let mut place = vec![0usize; self.slots.len()];
        let remember = |layers: &[Vec<usize>], place: &mut Vec<usize>| {
            for layer in layers {
                for (i, &s) in layer.iter().enumerate() {
                    place[s] = i;
                }
            }
        };
        remember(&self.layers, &mut place);
        let sweep = |layer: &mut Vec<usize>, near: &[Vec<usize>], place: &mut Vec<usize>| {
            let centre = |s: usize| match near[s].len() {
                0 => place[s] as f64,
                k => near[s].iter().map(|&o| place[o] as f64).sum::<f64>() / k as f64,
            };
            let mut keyed: Vec<(f64, usize)> = layer.iter().map(|&s| (centre(s), s)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            *layer = keyed.into_iter().map(|(_, s)| s).collect();
            for (i, &s) in layer.iter().enumerate() {
                place[s] = i;
            }
        };
        for _ in 0..4 {
            for l in 1..self.layers.len() {
                sweep(&mut self.layers[l], &up, &mut place);
            }
            for l in (0..self.layers.len().saturating_sub(1)).rev() {
                sweep(&mut self.layers[l], &down, &mut place);
            }
        }
    }

    /// Gives each slot its first column: every layer centred in the widest, then each slot
    /// moved as near as there is room under its neighbour above on the critical path, else to
    /// the middle of its neighbours above, so a chain of boxes, and the critical path, stand
    /// straight.
    fn columns(&mut self, room: usize) {
        // A box's width of slack, where the room allows, lets boxes stand under their parents.
        let packed = self.widths.iter().copied().max().unwrap_or(0);
        self.width = packed.max((packed + BOX_W + GAP).min(room));
        self.left = vec![0; self.slots.len()];
        for l in 0..self.layers.len() {
            let mut x = (self.width - self.widths[l]) / 2;
            for &s in &self.layers[l] {
                self.left[s] = x;
                x += self.slots[s].width() + GAP;
            }
            if l == 0 {
                continue;
            }
            let layer = self.layers[l].clone();
            let critical: Vec<Option<usize>> = layer
                .iter()
                .map(|&s| self.above[s].iter().map(|&g| &self.segments[g]).find(|g| g.critical).map(|g| g.upper))
                .collect();
            let wanted: Vec<usize> = layer
                .iter()
                .zip(critical)
                .map(|(&s, critical)| {
                    let port = match (critical, self.above[s].len()) {
                        (Some(o), _) => self.port(o),
                        (None, 0) => return self.left[s],
                        (None, k) => {
                            self.above[s].iter().map(|&g| self.port(self.segments[g].upper)).sum::<usize>() / k
                        }
                    };
                    port.saturating_sub(self.slots[s].width() / 2)
                })
                .collect();
            let mut next_free = 0;
            for (i, &s) in layer.iter().enumerate() {
                self.left[s] = wanted[i].max(next_free);
                next_free = self.left[s] + self.slots[s].width() + GAP;
            }
            let mut limit = self.width;
            for &s in layer.iter().rev() {
                self.left[s] = self.left[s].min(limit.saturating_sub(self.slots[s].width()));
                limit = self.left[s].saturating_sub(GAP);
            }
        }
        // No blank columns left of the leftmost slot.
        let margin = self.left.iter().copied().min().unwrap_or(0);
        for x in &mut self.left {
            *x -= margin;
        }
        self.width -= margin;
    }
}
