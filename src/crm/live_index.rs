//! The search index every handle over one database shares, kept in step with commits without a
//! commit ever waiting for a search: a search holds the index for as long as it ranks (on a busy
//! server, a low-priority thread ranking a hundred thousand texts), so a commit that finds it
//! held leaves its texts waiting, and the next search (or commit) takes them in before it reads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock, RwLockReadGuard, TryLockError};

use super::Result;
use crate::model::RecordRef;
use crate::search::SearchIndex;
use crate::store::Handed;

/// A record's new search text and owner's login, or `None` when it went.
pub(super) type Text = (RecordRef, Option<(String, String)>);

/// The index (once built) and the texts committed while it was held.
#[derive(Default)]
pub(super) struct LiveIndex {
    index: RwLock<Option<SearchIndex>>,
    /// Texts committed while the index was held, in commit order.
    waiting: Mutex<Vec<Text>>,
    /// Whether a commit wrote more texts than it handed over: the index is read again.
    stale: AtomicBool,
}

impl LiveIndex {
    /// Runs `commit`, then puts `texts` in the index, or leaves them waiting if a search holds it.
    /// Texts are queued in commit order: commits are serial, and each holds the queue from before
    /// its commit until its texts are in. When the transaction wrote more texts than it handed
    /// over, the next search reads the index again from the file, which holds them all.
    pub(super) fn commit<T>(&self, texts: Handed<Text>, commit: impl FnOnce() -> Result<T>) -> Result<T> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let out = commit()?;
        let texts = match texts {
            Handed::Each(texts) => texts,
            Handed::Many => {
                // The file has every text now, those waiting too: the next search reads it.
                self.stale.store(true, Ordering::SeqCst);
                waiting.clear();
                return Ok(out);
            }
        };
        let index = match self.index.try_write() {
            Ok(index) => Some(index),
            Err(TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        };
        match index {
            Some(mut index) => put(&mut index, std::mem::take(&mut *waiting).into_iter().chain(texts)),
            None => waiting.extend(texts),
        }
        Ok(out)
    }

    /// The index for reading, every committed text in it (`None` until built). Waits for the
    /// searches under way only when texts are waiting.
    pub(super) fn read(&self) -> RwLockReadGuard<'_, Option<SearchIndex>> {
        if !self.waiting.lock().unwrap_or_else(|e| e.into_inner()).is_empty() {
            self.take_waiting();
        }
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds the index with `build` unless it is built and current (once, however many threads
    /// ask).
    pub(super) fn load(&self, build: impl FnOnce() -> Result<SearchIndex>) -> Result<()> {
        if !self.stale.load(Ordering::SeqCst) && self.index.read().unwrap_or_else(|e| e.into_inner()).is_some() {
            return Ok(());
        }
        let mut slot = self.index.write().unwrap_or_else(|e| e.into_inner());
        if self.stale.swap(false, Ordering::SeqCst) {
            *slot = None;
        }
        if slot.is_none() {
            *slot = Some(build()?);
            drop(slot);
            // What was committed while it was read is in the file read or waiting: taken in
            // again in order, it ends as the file has it.
            self.take_waiting();
        }
        Ok(())
    }

    /// Puts the waiting texts in the index (the index first, then the queue: a commit holds the
    /// queue only while it commits and tries the index).
    fn take_waiting(&self) {
        let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
        put(&mut index, std::mem::take(&mut *self.waiting.lock().unwrap_or_else(|e| e.into_inner())));
    }
}

/// Puts `texts` in the index, in order; before it is built they are dropped (it is read from the
/// file when built, these texts and all).
fn put(index: &mut Option<SearchIndex>, texts: impl IntoIterator<Item = Text>) {
    if let Some(index) = index.as_mut() {
        for (record, text) in texts {
            index.set(record, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::model::Kind;

    fn text(id: u64, words: &str) -> Text {
        (RecordRef::new(Kind::Contact, id), Some((words.to_string(), "ann".to_string())))
    }

    fn found(index: &LiveIndex, query: &str) -> Vec<u64> {
        let guard = index.read();
        guard.as_ref().map(|i| i.search(query, &[Kind::Contact], 10).iter().map(|h| h.id).collect()).unwrap_or_default()
    }

    #[test]
    fn a_commit_never_waits_for_a_search_and_the_next_search_finds_it() {
        let index = Arc::new(LiveIndex::default());
        index.load(|| Ok(SearchIndex::default())).unwrap();
        index.commit(Handed::Each(vec![text(1, "Ann Lee")]), || Ok(())).unwrap();
        assert_eq!(found(&index, "lee"), [1]);
        // A search holds the index while another thread commits: the commit returns at once.
        let searching = index.read();
        let (done, finished) = std::sync::mpsc::channel();
        let committer = index.clone();
        std::thread::spawn(move || {
            committer.commit(Handed::Each(vec![text(2, "Bob Lee"), text(1, "Ann Moss")]), || Ok(())).unwrap();
            done.send(()).unwrap();
        });
        finished.recv_timeout(Duration::from_secs(5)).expect("the commit waited for the search");
        drop(searching);
        assert_eq!(found(&index, "lee"), [2], "texts waiting are taken in, in commit order");
        assert_eq!(found(&index, "moss"), [1]);
    }

    #[test]
    fn texts_committed_while_the_index_is_built_are_in_it() {
        let index = Arc::new(LiveIndex::default());
        let during = index.clone();
        index
            .load(|| {
                // Committed while the build holds the index: left waiting, taken in after.
                during.commit(Handed::Each(vec![text(7, "Cy Park")]), || Ok(())).unwrap();
                Ok(SearchIndex::default())
            })
            .unwrap();
        assert_eq!(found(&index, "park"), [7]);
    }

    #[test]
    fn a_failed_commit_puts_nothing_in_the_index() {
        let index = LiveIndex::default();
        index.load(|| Ok(SearchIndex::default())).unwrap();
        let failed =
            index.commit(Handed::Each(vec![text(3, "Di Fox")]), || Err::<(), _>(crate::crm::CrmError::SearchFailed));
        assert!(failed.is_err());
        assert!(found(&index, "fox").is_empty());
    }

    #[test]
    fn a_commit_of_too_many_texts_has_the_index_read_again_from_the_file() {
        let index = LiveIndex::default();
        index.load(|| Ok(SearchIndex::default())).unwrap();
        let mut texts = Handed::default();
        for id in 0..=Handed::<Text>::HELD as u64 {
            texts.push(text(id, "Eve Stone"));
        }
        assert!(matches!(texts, Handed::Many), "a bulk load's texts are not held twice");
        index.commit(texts, || Ok(())).unwrap();
        let mut file = SearchIndex::default();
        file.set(RecordRef::new(Kind::Contact, 5), Some(("Eve Stone".into(), "ann".into())));
        index.load(|| Ok(file)).unwrap();
        assert_eq!(found(&index, "stone"), [5], "the index built again from the file");
        index.load(|| panic!("read once")).unwrap();
    }
}
