//! Following the other nodes of a database several share (PostgreSQL, `rolo serve` on more than
//! one machine). Each commit keeps beside it what it changed: the search texts, the owner changes
//! and what the feed tells sessions, the same things a commit hands its own node. Every node takes
//! in the commits in their order: its own right after it makes one, and the others' on a search
//! and every [`FOLLOW_EVERY`] while sessions run. So its search index, its map of owners and its
//! sessions' screens show what was written elsewhere.

use std::sync::{Mutex, MutexGuard, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::live_index::Text;
use super::{Result, Shared, access};
use crate::model::Kind;
use crate::store::codec::{decode_prefix, payload};
use crate::store::{Handed, OwnerChange, Written};

/// How often a node whose sessions show the data asks for the others' commits: a write on one
/// node shows in the sessions of the others within a second (sessions take changes in at most
/// every half second).
pub const FOLLOW_EVERY: Duration = Duration::from_millis(200);

/// How many search texts or owner changes a commit tells the other nodes one by one; of more (a
/// bulk load), it says only that there were many, and they read them again.
const TOLD_ITEMS: usize = 4096;

/// The format of the news this rolo writes and reads; news of another format says only that the
/// commit changed something.
const NEWS_FORMAT: u8 = 1;

/// The handle the commits of other nodes are told to sessions under: not one of this node's.
const ELSEWHERE: u64 = u64::MAX;

/// The number of the last commit this node took in, all before it taken in too.
pub(super) struct Follower {
    seen: Mutex<u64>,
}

/// What one commit changed, as the other nodes are told of it.
#[derive(Serialize, Deserialize)]
pub(super) struct News {
    written: Written,
    /// The search texts written, or `None` for more than [`TOLD_ITEMS`].
    texts: Option<Vec<Text>>,
    /// The owner changes, or `None` for more than [`TOLD_ITEMS`].
    owners: Option<Vec<OwnerChange>>,
}

/// The items handed on, while few enough to tell one by one.
fn told<T: Clone>(handed: &Handed<T>) -> Option<Vec<T>> {
    match handed {
        Handed::Each(items) if items.len() <= TOLD_ITEMS => Some(items.clone()),
        _ => None,
    }
}

impl News {
    /// What a commit tells the other nodes it changed, and itself.
    pub(super) fn new(written: Written, texts: &Handed<Text>, owners: &Handed<OwnerChange>) -> News {
        News { written, texts: told(texts), owners: told(owners) }
    }

    /// As the database keeps it: a format byte, then the news.
    pub(super) fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![NEWS_FORMAT];
        bytes.extend(payload(self));
        bytes
    }

    /// The news a commit kept, unless of another format or damaged.
    fn decode(bytes: &[u8]) -> Option<News> {
        match bytes.split_first() {
            Some((&NEWS_FORMAT, rest)) => {
                decode_prefix::<News>(rest).ok().filter(|(_, used)| *used == rest.len()).map(|(news, _)| news)
            }
            _ => None,
        }
    }
}

impl Follower {
    /// A follower of a database whose newest commit is `seen`.
    pub(super) fn new(seen: u64) -> Follower {
        Follower { seen: Mutex::new(seen) }
    }

    /// The number of the last commit taken in, held so that no other thread takes commits in
    /// meanwhile.
    pub(super) fn lock(&self) -> MutexGuard<'_, u64> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Shared {
    /// Takes in what was committed since this node last looked, if others share the database.
    pub(super) fn follow(&self) -> Result<()> {
        match &self.follower {
            Some(follower) => self.follow_locked(&mut follower.lock(), None),
            None => Ok(()),
        }
    }

    /// Takes in what was committed up to the commit `shown` (a snapshot's newest), unless taken
    /// in already: the owners the service judges a snapshot's records by are those it shows.
    pub(super) fn follow_to(&self, shown: Option<u64>) -> Result<()> {
        match (&self.follower, shown) {
            (Some(follower), Some(shown)) => {
                let mut seen = follower.lock();
                if shown > *seen { self.follow_locked(&mut seen, None) } else { Ok(()) }
            }
            _ => Ok(()),
        }
    }

    /// Takes in the commit numbered `number` that `handle` of this node just made, saying `news`,
    /// after the commits before it (`seen` held by the caller since before the commit).
    pub(super) fn take_in_mine(&self, seen: &mut u64, number: u64, handle: u64, news: News) -> Result<()> {
        if number == *seen + 1 {
            // Nothing came between: no need to ask.
            self.take_in(news, handle);
            *seen = number;
            return Ok(());
        }
        self.follow_locked(seen, Some((number, handle)))
    }

    /// Takes in, in order, the commits after `seen` (held by the caller), moving it on. `mine`
    /// is the number of the commit a handle of this node just made, and that handle, to whose
    /// sessions it is not news.
    fn follow_locked(&self, seen: &mut u64, mine: Option<(u64, u64)>) -> Result<()> {
        loop {
            let followed = self.store.commits_after(*seen)?;
            // A database whose count went back was replaced (restored from a backup).
            let Some(changes) = followed.changes.filter(|_| followed.upto >= *seen) else {
                self.take_in_everything();
                *seen = followed.upto;
                return Ok(());
            };
            let page = changes.len();
            for (number, bytes) in changes {
                let handle = mine.filter(|(n, _)| *n == number).map_or(ELSEWHERE, |(_, handle)| handle);
                match News::decode(&bytes) {
                    // A commit came without news (written by an older rolo, or by the store's
                    // own upkeep): what it changed is not known.
                    Some(news) if number == *seen + 1 => self.take_in(news, handle),
                    // Written by a newer rolo, or damaged: the same.
                    _ => self.take_in_everything(),
                }
                *seen = number;
            }
            if page < crate::store::CHANGES_AT_ONCE {
                if *seen < followed.upto {
                    self.take_in_everything();
                    *seen = followed.upto;
                }
                return Ok(());
            }
        }
    }

    /// Takes in one commit's news as its own node did.
    fn take_in(&self, news: News, handle: u64) {
        // The texts were committed already: nothing is left to run around them.
        let texts = news.texts.map_or(Handed::Many, Handed::Each);
        let _ = self.search.commit(texts, || Ok(()));
        match news.owners {
            Some(owners) => access::apply_owner_changes(&self.owners, owners),
            None => self.forget_owners(),
        }
        self.feed.publish(handle, news.written);
    }

    /// Drops the map of owners, to be read again when next needed: cheap here, since this runs
    /// while writers on every node may wait.
    fn forget_owners(&self) {
        *self.owners.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Reads everything again: the commits in between are no longer known.
    fn take_in_everything(&self) {
        let _ = self.search.commit(Handed::Many, || Ok(()));
        self.forget_owners();
        let written =
            Written { kinds: Kind::ALL.into_iter().collect(), many: true, settings: true, ..Written::default() };
        self.feed.publish(ELSEWHERE, written);
    }
}

/// Takes in the other nodes' commits every [`FOLLOW_EVERY`], for as long as any handle of the
/// node is open.
pub(super) fn keep_following(shared: Weak<Shared>) {
    let follows = std::thread::Builder::new().name("rolo-follow".into()).spawn(move || {
        loop {
            std::thread::sleep(FOLLOW_EVERY);
            let Some(shared) = shared.upgrade() else { return };
            // A failure (the server restarting) is the next round's to retry; the sessions' own
            // queries say what is wrong meanwhile.
            let _ = shared.follow();
        }
    });
    // Without the thread, the node still takes others' commits in on its searches and writes.
    drop(follows);
}
