//! Where each box of a network goes: layers by dependency (a step below everything it waits
//! for), no layer wider than the room given, waits across several layers passing through the
//! layers between, an order within each layer that keeps lines from crossing, and columns.

use crate::model::Network;

/// A box's width and height, borders included.
pub(super) const BOX_W: usize = 24;
pub(super) const BOX_H: usize = 4;
/// Columns between two neighbours in a layer.
pub(super) const GAP: usize = 2;

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

/// A line from a slot to one in the layer below: the slots (by number) and the wait it is part of.
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment {
    pub upper: usize,
    pub lower: usize,
    pub edge: usize,
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
    /// The widest layer's width.
    pub width: usize,
}

impl Layout {
    /// The column where lines leave and reach slot `s`: a box's middle, a passing line's column.
    pub fn port(&self, s: usize) -> usize {
        self.left[s] + self.slots[s].width() / 2
    }

    /// Lays out `net` in at most `room` columns (a layer always takes one box, however narrow).
    pub fn new(net: &Network, room: usize) -> Layout {
        let room = room.max(BOX_W);
        // Boxes placed first may fill a layer that waits placed later must pass through: then
        // the boxes get a box's width less room, until the lines fit or a layer holds one box.
        let mut boxes = room;
        loop {
            let mut lay =
                Layout { slots: Vec::new(), layers: Vec::new(), left: Vec::new(), segments: Vec::new(), width: 0 };
            lay.place(net, boxes, room);
            let widest = (0..lay.layers.len()).map(|l| lay.layer_width(l)).max().unwrap_or(0);
            if widest <= room || boxes < 2 * BOX_W + GAP {
                lay.order();
                lay.columns(room);
                return lay;
            }
            boxes -= BOX_W + GAP;
        }
    }

    fn layer_width(&self, layer: usize) -> usize {
        let slots = self.layers.get(layer).map_or(&[][..], |l| &l[..]);
        slots.iter().map(|&s| self.slots[s].width()).sum::<usize>() + GAP * slots.len().saturating_sub(1)
    }

    /// Puts each step, in an order where it follows all it waits for, in the first layer below
    /// them with room for its box (boxes of a layer taking at most `boxes` columns) and for the
    /// lines reaching it from layers further up (a layer at most `room`).
    fn place(&mut self, net: &Network, boxes: usize, room: usize) {
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
            let fits = |lay: &Layout, layer: usize, adding: &[usize], room: usize| {
                let (used, count) = (lay.layer_width(layer), lay.layers.get(layer).map_or(0, Vec::len));
                let extra: usize =
                    adding.iter().enumerate().map(|(i, w)| w + if count + i > 0 { GAP } else { 0 }).sum();
                adding.is_empty() || count == 0 && adding.len() == 1 || used + extra <= room
            };
            let passing = |layer: usize| before[step].iter().filter(|&&(b, _)| layer_of[b] < layer).count();
            let pass = Slot::Pass(0).width();
            let roomy = (lowest..=self.layers.len()).find(|&l| {
                fits(self, l, &[BOX_W], boxes) && (first..l).all(|m| fits(self, m, &vec![pass; passing(m)], room))
            });
            let layer = roomy.unwrap_or_else(|| {
                (lowest..=self.layers.len()).find(|&l| fits(self, l, &[BOX_W], boxes)).unwrap_or(self.layers.len())
            });
            if layer == self.layers.len() {
                self.layers.push(Vec::new());
            }
            layer_of[step] = layer;
            slot_of[step] = self.add(layer, Slot::Step(step));
            for &(b, e) in &before[step] {
                let mut upper = slot_of[b];
                for m in layer_of[b] + 1..layer {
                    let pass = self.add(m, Slot::Pass(e));
                    self.segments.push(Segment { upper, lower: pass, edge: e, critical: net.is_critical(e) });
                    upper = pass;
                }
                self.segments.push(Segment { upper, lower: slot_of[step], edge: e, critical: net.is_critical(e) });
            }
        }
    }

    fn add(&mut self, layer: usize, slot: Slot) -> usize {
        self.slots.push(slot);
        self.layers[layer].push(self.slots.len() - 1);
        self.slots.len() - 1
    }

    /// Orders each layer by the mean place of its neighbours above, then below, a few times
    /// over (the barycentre heuristic), so lines cross as little as it can tell.
    fn order(&mut self) {
        let mut up = vec![Vec::new(); self.slots.len()];
        let mut down = vec![Vec::new(); self.slots.len()];
        for s in &self.segments {
            up[s.lower].push(s.upper);
            down[s.upper].push(s.lower);
        }
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
        let packed = (0..self.layers.len()).map(|l| self.layer_width(l)).max().unwrap_or(0);
        self.width = packed.max((packed + BOX_W + GAP).min(room));
        self.left = vec![0; self.slots.len()];
        let mut up = vec![Vec::new(); self.slots.len()];
        for s in &self.segments {
            up[s.lower].push(s.upper);
        }
        for l in 0..self.layers.len() {
            let mut x = (self.width - self.layer_width(l)) / 2;
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
                .map(|&s| self.segments.iter().find(|g| g.lower == s && g.critical).map(|g| g.upper))
                .collect();
            let wanted: Vec<usize> = layer
                .iter()
                .zip(critical)
                .map(|(&s, critical)| {
                    let port = match (critical, up[s].len()) {
                        (Some(o), _) => self.port(o),
                        (None, 0) => return self.left[s],
                        (None, k) => up[s].iter().map(|&o| self.port(o)).sum::<usize>() / k,
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
