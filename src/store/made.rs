//! Records the writer creates, held back from their tables until some megabytes of them have
//! gathered (or the flush): then each table takes its held records at its end through one cursor,
//! which packs them into full pages and updates the pages above once a megabyte, where an insert
//! descends from the root and rebuilds the branch above its leaf, record after record. A bulk
//! load's records mostly land this way (ids only grow).
//!
//! A record is held only when its id is above every id its table had when the writer first held
//! one of that kind (or last wrote its held ones): the held records and the table's never share
//! an id, and the held ones come after the table's in id order, so every read answers from both
//! without merging.

use crate::model::Id;

/// How many bytes of records the writer holds back before writing them into their tables.
pub(super) const HELD_BYTES: usize = 2 << 20;

/// One table's held records: envelopes by ascending id. New ids come in ascending order, so
/// holding one is a push, not a tree's insert (a bulk load holds millions, some thousands at a
/// time); one out of order, or a held one removed, shifts the rest.
type Held = Vec<(Id, Vec<u8>)>;

/// Where record `id` is among `held`, or where it would go.
fn place(held: &Held, id: Id) -> Result<usize, usize> {
    match held.last() {
        Some(&(last, _)) if last < id => Err(held.len()),
        _ => held.binary_search_by_key(&id, |&(held, _)| held),
    }
}

/// The records held back, by table (see the module).
#[derive(Debug, Default)]
pub(super) struct Made {
    /// Per table: the largest id the table may hold (`None` until asked), and the records held
    /// for it, each above that id.
    tables: Vec<(Option<Id>, Held)>,
    /// The bytes of every record held.
    bytes: usize,
}

impl Made {
    /// Room for `tables` record tables (none: a reader, which holds nothing).
    pub(super) fn new(tables: usize) -> Made {
        Made { tables: (0..tables).map(|_| (None, Vec::new())).collect(), bytes: 0 }
    }

    /// The largest id table `slot` may hold, if it was asked (see [`Made::hold`]).
    pub(super) fn ceiling(&self, slot: usize) -> Option<Id> {
        self.tables.get(slot).and_then(|(ceiling, _)| *ceiling)
    }

    /// Holds record `id` of table `slot`, whose largest id is `ceiling`, unless it may already
    /// be in the table (at or below the ceiling), which then takes the write: the envelope is
    /// given back.
    pub(super) fn hold(&mut self, slot: usize, ceiling: Id, id: Id, envelope: Vec<u8>) -> Option<Vec<u8>> {
        let Some((known, held)) = self.tables.get_mut(slot) else { return Some(envelope) };
        let ceiling = *known.get_or_insert(ceiling);
        if id <= ceiling {
            return Some(envelope);
        }
        self.bytes += envelope.len();
        match place(held, id) {
            Ok(at) => self.bytes -= std::mem::replace(&mut held[at].1, envelope).len(),
            Err(at) => held.insert(at, (id, envelope)),
        }
        None
    }

    /// Whether so many bytes are held that they should go into their tables.
    pub(super) fn full(&self) -> bool {
        self.bytes >= HELD_BYTES
    }

    /// The held record `id` of table `slot`.
    pub(super) fn get(&self, slot: usize, id: Id) -> Option<&[u8]> {
        let (_, held) = self.tables.get(slot)?;
        place(held, id).ok().map(|at| held[at].1.as_slice())
    }

    /// Forgets held record `id` of table `slot`; whether it was held (else the table has it, if
    /// anyone).
    pub(super) fn remove(&mut self, slot: usize, id: Id) -> bool {
        let Some((_, held)) = self.tables.get_mut(slot) else { return false };
        let Ok(at) = place(held, id) else { return false };
        self.bytes -= held.remove(at).1.len();
        true
    }

    /// How many records of table `slot` are held.
    pub(super) fn count(&self, slot: usize) -> u64 {
        self.tables.get(slot).map_or(0, |(_, held)| held.len() as u64)
    }

    /// The held records of table `slot`, by id.
    pub(super) fn records(&self, slot: usize) -> impl Iterator<Item = (Id, &[u8])> + '_ {
        self.tables.get(slot).into_iter().flat_map(|(_, held)| held.iter().map(|(id, e)| (*id, e.as_slice())))
    }

    /// Takes every table's held records, by table, each by id; a table's ceiling becomes its
    /// largest id taken, as they are about to be written.
    pub(super) fn take(&mut self) -> Vec<(usize, Held)> {
        self.bytes = 0;
        let mut taken = Vec::new();
        for (slot, (ceiling, held)) in self.tables.iter_mut().enumerate() {
            if let Some(&(last, _)) = held.last() {
                *ceiling = Some(last);
                taken.push((slot, std::mem::take(held)));
            }
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_above_the_ceiling_are_held_and_those_at_or_below_are_not() {
        let mut made = Made::new(2);
        assert_eq!(made.ceiling(0), None);
        assert_eq!(made.hold(0, 10, 10, b"ten".to_vec()), Some(b"ten".to_vec()), "the table may have 10");
        assert!(made.hold(0, 99, 12, b"twelve".to_vec()).is_none(), "the first ceiling stays");
        assert!(made.hold(0, 10, 11, b"eleven".to_vec()).is_none());
        assert!(made.hold(0, 10, 12, b"twelve!".to_vec()).is_none(), "held again, replaced");
        assert_eq!(made.records(0).collect::<Vec<_>>(), [(11, &b"eleven"[..]), (12, &b"twelve!"[..])]);
        assert_eq!(
            (made.count(0), made.count(1), made.get(0, 12), made.get(1, 12)),
            (2, 0, Some(&b"twelve!"[..]), None)
        );
        assert!(made.remove(0, 11) && !made.remove(0, 11) && !made.remove(0, 10));
        assert_eq!(made.bytes, 7);
        let taken = made.take();
        assert_eq!(taken.len(), 1);
        assert_eq!((made.ceiling(0), made.count(0), made.bytes), (Some(12), 0, 0));
        assert!(
            made.hold(0, 0, 12, b"x".to_vec()) == Some(b"x".to_vec()) && made.hold(0, 0, 13, b"x".to_vec()).is_none(),
            "the ceiling rose to what was taken"
        );
        // A reader's holds nothing.
        let mut none = Made::new(0);
        assert_eq!(none.hold(0, 0, 5, b"x".to_vec()), Some(b"x".to_vec()));
        assert_eq!((none.get(0, 5), none.count(0), none.records(0).count()), (None, 0, 0));
    }
}
