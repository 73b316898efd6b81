//! The commit feed: what every handle over one database committed, kept for the other sessions
//! to ask what changed since the count they last saw ([`Crm::changes_since`]), so that a session
//! shows another's work without reading what did not change. Asking costs an atomic load when
//! nothing was committed, so sessions poll it every frame.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Crm;
use crate::model::{Kind, RecordRef};
use crate::store::Written;

/// How many commits the feed keeps: a session further behind is told everything may have changed.
pub const FEED_LEN: usize = 256;

/// What other sessions committed since a count: the kinds and records written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The count these changes reach: what to ask from next time.
    pub upto: u64,
    /// The kinds of record written.
    pub kinds: BTreeSet<Kind>,
    /// The records written, of the commits that named theirs.
    pub records: BTreeSet<RecordRef>,
    /// Kinds of which a commit wrote more records than it named (a bulk load, an import): any
    /// record of theirs may have changed.
    pub whole: BTreeSet<Kind>,
    /// Anything may have changed: the settings (users, teams, roles, lead sources) did, or the
    /// feed no longer reaches back to the count asked.
    pub everything: bool,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && !self.everything
    }

    /// Whether records of `kind` may have changed (were created, changed or removed).
    pub fn touches_kind(&self, kind: Kind) -> bool {
        self.everything || self.kinds.contains(&kind)
    }

    /// Whether the record `r` may have changed.
    pub fn touches(&self, r: RecordRef) -> bool {
        self.everything || self.whole.contains(&r.kind) || self.records.contains(&r)
    }

    fn add(&mut self, written: &Written) {
        self.kinds.extend(written.kinds.iter().copied());
        if written.many {
            self.whole.extend(written.kinds.iter().copied());
        }
        self.records.extend(written.records.iter().copied());
        self.everything |= written.settings;
    }
}

/// The commits of every handle over one database (shared by them all).
#[derive(Default)]
pub(super) struct Feed {
    /// Transactions committed through any handle.
    commits: AtomicU64,
    /// The last handle number given out.
    handles: AtomicU64,
    ring: Mutex<Ring>,
}

/// The last [`FEED_LEN`] commits that wrote something.
#[derive(Default)]
struct Ring {
    kept: VecDeque<Commit>,
    /// The newest commit number no longer kept (0: none dropped yet).
    dropped: u64,
}

/// One commit: its number, the handle that made it and what it wrote.
struct Commit {
    number: u64,
    handle: u64,
    written: Written,
}

impl Feed {
    fn ring(&self) -> std::sync::MutexGuard<'_, Ring> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many transactions were committed.
    pub(super) fn count(&self) -> u64 {
        self.commits.load(Ordering::Acquire)
    }

    /// A number for a new handle (a session), which tells its commits from the others'.
    pub(super) fn new_handle(&self) -> u64 {
        self.handles.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Counts a commit of `handle` that wrote `written`. The count moves with the ring, under its
    /// lock, so a session that sees the count finds the commit kept.
    pub(super) fn publish(&self, handle: u64, written: Written) {
        let mut ring = self.ring();
        let number = self.count() + 1;
        if !written.is_empty() {
            ring.kept.push_back(Commit { number, handle, written });
            if ring.kept.len() > FEED_LEN
                && let Some(old) = ring.kept.pop_front()
            {
                ring.dropped = old.number;
            }
        }
        self.commits.store(number, Ordering::Release);
    }

    /// What handles other than `handle` (every handle, for `None`) committed after the count
    /// `seen`.
    fn since(&self, seen: u64, handle: Option<u64>) -> Changes {
        if self.count() == seen {
            return Changes { upto: seen, ..Changes::default() };
        }
        let ring = self.ring();
        let mut changes = Changes { upto: self.count(), everything: seen < ring.dropped, ..Changes::default() };
        for commit in ring.kept.iter().filter(|c| c.number > seen && Some(c.handle) != handle) {
            changes.add(&commit.written);
        }
        changes
    }
}

impl Crm {
    /// What other sessions (handles of other [`Crm::with_session`] calls) committed since the
    /// count `seen` (a [`Crm::commits`] or an earlier [`Changes::upto`]); this handle's own
    /// commits, and its clones', are left out, since whoever made them already knows. Cheap when
    /// nothing was committed: a session asks before each frame.
    pub fn changes_since(&self, seen: u64) -> Changes {
        self.shared.feed.since(seen, Some(self.handle))
    }

    /// What every handle, this one included, committed since the count `seen`: after its own
    /// write, a session reads again only what the write (and others meanwhile) touched.
    pub fn all_changes_since(&self, seen: u64) -> Changes {
        self.shared.feed.since(seen, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrote(records: &[RecordRef]) -> Written {
        let mut w = Written::default();
        for r in records {
            w.kinds.insert(r.kind);
            w.records.insert(*r);
        }
        w
    }

    #[test]
    fn a_session_is_told_of_the_others_commits_only_and_of_everything_once_the_ring_has_moved_on() {
        let feed = Feed::default();
        let (mine, theirs) = (feed.new_handle(), feed.new_handle());
        let ann = RecordRef::new(Kind::Contact, 1);
        feed.publish(mine, wrote(&[RecordRef::new(Kind::Account, 1)]));
        feed.publish(theirs, wrote(&[ann]));
        let changes = feed.since(0, Some(mine));
        assert_eq!((changes.upto, changes.kinds.iter().copied().collect::<Vec<_>>()), (2, vec![Kind::Contact]));
        assert!(changes.touches(ann) && !changes.touches(RecordRef::new(Kind::Contact, 2)));
        assert!(feed.since(0, Some(theirs)).touches_kind(Kind::Account) && !feed.since(0, Some(theirs)).touches(ann));
        assert!(feed.since(2, Some(mine)).is_empty(), "nothing since the count seen");
        let all = feed.since(0, None);
        assert!(all.touches(ann) && all.touches_kind(Kind::Account), "every handle's commits, its own too");
        for _ in 0..FEED_LEN {
            feed.publish(mine, wrote(&[RecordRef::new(Kind::Account, 1)]));
        }
        let behind = feed.since(1, Some(mine));
        assert!(behind.everything && behind.touches(RecordRef::new(Kind::Task, 9)), "the ring no longer reaches back");
        assert!(feed.since(2, Some(mine)).is_empty(), "still reaches back to 2: only my own commits since");
        let seen = feed.count();
        let bulk = Written { kinds: [Kind::Task].into(), many: true, ..Written::default() };
        feed.publish(theirs, bulk);
        let changes = feed.since(seen, Some(mine));
        assert!(changes.touches(RecordRef::new(Kind::Task, 7)) && !changes.touches(ann), "a bulk load names kinds");
        let seen = feed.count();
        feed.publish(theirs, Written { settings: true, ..Written::default() });
        assert!(
            feed.since(seen, Some(mine)).touches(ann),
            "a setting changed (users, roles): anything may show otherwise"
        );
    }
}
