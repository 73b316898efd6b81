//! The index's storage: every text in one arena, with parallel vectors of spans, records and
//! character sets, so that loading a million texts makes a handful of allocations, not millions.

use std::collections::HashMap;

use super::charset::CharSet;
use crate::model::RecordRef;

/// The owner number of an entry whose record has no owner.
pub(super) const NO_OWNER: u32 = u32::MAX;

/// Where one text lies in the arena.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// The character sets of a text's name (before the first tab) and of the whole text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sets {
    /// Of the name.
    pub(super) name: CharSet,
    /// Of the whole text.
    pub(super) text: CharSet,
    /// Of the first and last characters of the text's words (see [`CharSet::of_word_edges`]).
    pub(super) edges: CharSet,
}

/// `(record, text)` entries by position. Positions change on removal (the last entry moves into
/// the gap), so they are only valid until the next change.
#[derive(Default)]
pub(super) struct Entries {
    arena: String,
    spans: Vec<Span>,
    records: Vec<RecordRef>,
    sets: Vec<Sets>,
    /// Each entry's owner, as a number of the index's owner table ([`NO_OWNER`] when none).
    owners: Vec<u32>,
    /// Arena bytes no longer referenced (replaced or removed texts).
    stale: usize,
    /// Record → position, built on the first change that needs it: loading in key order does not.
    positions: Option<HashMap<RecordRef, usize>>,
    /// The last record appended while `positions` was not built.
    last: Option<RecordRef>,
}

impl Entries {
    /// How many entries there are.
    pub(super) fn len(&self) -> usize {
        self.records.len()
    }

    /// The record at `pos`.
    pub(super) fn record(&self, pos: usize) -> RecordRef {
        self.records[pos]
    }

    /// The text at `pos`.
    pub(super) fn text(&self, pos: usize) -> &str {
        let span = self.spans[pos];
        &self.arena[span.start..span.end]
    }

    /// The character sets of the text at `pos`.
    pub(super) fn sets(&self, pos: usize) -> Sets {
        self.sets[pos]
    }

    /// The owner number of the entry at `pos`.
    pub(super) fn owner(&self, pos: usize) -> u32 {
        self.owners[pos]
    }

    /// Makes room for `additional` more entries (their texts aside).
    pub(super) fn reserve(&mut self, additional: usize) {
        self.spans.reserve(additional);
        self.records.reserve(additional);
        self.sets.reserve(additional);
        self.owners.reserve(additional);
    }

    /// Adds or replaces a record's text; says whether anything changed (the same text and owner
    /// again change nothing). Records coming in ascending order (as the key table yields them)
    /// are appended without a lookup.
    pub(super) fn insert(&mut self, record: RecordRef, text: &str, owner: u32) -> bool {
        if self.positions.is_none() && self.last.is_none_or(|last| last < record) {
            self.last = Some(record);
            self.append(record, text, owner);
            return true;
        }
        match self.positions().get(&record).copied() {
            Some(pos) if self.text(pos) == text && self.owners[pos] == owner => return false,
            Some(pos) => {
                self.forget_text(pos);
                self.spans[pos] = self.store(text);
                self.sets[pos] = Sets::of(text);
                self.owners[pos] = owner;
            }
            None => {
                let end = self.records.len();
                self.positions().insert(record, end);
                self.append(record, text, owner);
            }
        }
        true
    }

    /// Appends every entry of `other`, whose records all come after this one's (both freshly
    /// loaded in key order): how parts loaded on several threads join up.
    pub(super) fn extend(&mut self, other: Entries, owner: impl Fn(u32) -> u32) {
        debug_assert!(self.positions.is_none() && other.positions.is_none());
        debug_assert!(self.last.is_none() || other.records.first().is_none_or(|first| self.last < Some(*first)));
        let offset = self.arena.len();
        self.arena.push_str(&other.arena);
        self.spans.extend(other.spans.iter().map(|s| Span { start: s.start + offset, end: s.end + offset }));
        self.records.extend(other.records);
        self.sets.extend(other.sets);
        self.owners.extend(other.owners.into_iter().map(owner));
        self.stale += other.stale;
        self.last = other.last.or(self.last);
    }

    /// Removes a record's text, if it has one; the last entry takes its position.
    pub(super) fn remove(&mut self, record: RecordRef) {
        let Some(pos) = self.positions().remove(&record) else { return };
        self.forget_text(pos);
        self.spans.swap_remove(pos);
        self.records.swap_remove(pos);
        self.sets.swap_remove(pos);
        self.owners.swap_remove(pos);
        if let Some(&moved) = self.records.get(pos) {
            self.positions().insert(moved, pos);
        }
    }

    fn append(&mut self, record: RecordRef, text: &str, owner: u32) {
        let span = self.store(text);
        self.spans.push(span);
        self.records.push(record);
        self.sets.push(Sets::of(text));
        self.owners.push(owner);
    }

    /// Copies `text` into the arena.
    fn store(&mut self, text: &str) -> Span {
        let start = self.arena.len();
        self.arena.push_str(text);
        Span { start, end: self.arena.len() }
    }

    /// Lets go of the text at `pos`, which is about to be replaced or removed; rewrites the arena
    /// once half of it is stale.
    fn forget_text(&mut self, pos: usize) {
        let span = std::mem::replace(&mut self.spans[pos], Span { start: 0, end: 0 });
        self.stale += span.end - span.start;
        if self.stale > self.arena.len() / 2 {
            let mut arena = String::with_capacity(self.arena.len() - self.stale);
            for span in &mut self.spans {
                let start = arena.len();
                arena.push_str(&self.arena[span.start..span.end]);
                *span = Span { start, end: arena.len() };
            }
            self.arena = arena;
            self.stale = 0;
        }
    }

    /// The record → position map, built on first use.
    fn positions(&mut self) -> &mut HashMap<RecordRef, usize> {
        self.positions.get_or_insert_with(|| self.records.iter().enumerate().map(|(pos, &r)| (r, pos)).collect())
    }
}

impl Sets {
    /// The sets of a text.
    pub(super) fn of(text: &str) -> Sets {
        let edges = CharSet::of_word_edges(text);
        match text.split_once('\t') {
            Some((name, rest)) => {
                let name = CharSet::of_text(name);
                Sets { name, text: name.union(CharSet::of_text("\t")).union(CharSet::of_text(rest)), edges }
            }
            None => {
                let set = CharSet::of_text(text);
                Sets { name: set, text: set, edges }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn r(id: u64) -> RecordRef {
        RecordRef::new(Kind::Contact, id)
    }

    fn texts(e: &Entries) -> Vec<(u64, &str)> {
        let mut all: Vec<_> = (0..e.len()).map(|p| (e.record(p).id, e.text(p))).collect();
        all.sort();
        all
    }

    #[test]
    fn out_of_order_and_repeated_records_replace_and_the_arena_is_compacted() {
        let mut e = Entries::default();
        for (id, text) in [(1, "one"), (2, "two"), (1, "uno"), (3, "three")] {
            e.insert(r(id), text, NO_OWNER);
        }
        assert_eq!(texts(&e), [(1, "uno"), (2, "two"), (3, "three")]);
        for round in 0..20 {
            e.insert(r(2), &format!("two, take {round}"), NO_OWNER);
        }
        e.remove(r(1));
        e.remove(r(9));
        assert_eq!(texts(&e), [(2, "two, take 19"), (3, "three")]);
        let live = "two, take 19three".len();
        assert!(e.arena.len() <= 2 * live, "arena of {} bytes for {live} live", e.arena.len());
    }

    #[test]
    fn sets_cover_name_and_details() {
        let e = {
            let mut e = Entries::default();
            e.insert(r(1), "Ann Lee\tAcme", NO_OWNER);
            e
        };
        let s = e.sets(0);
        let acme = CharSet::of_text("acme");
        assert!(s.text.contains(acme) && !s.name.contains(acme));
    }
}
