//! Group commit: a transaction commits in memory, then waits until a durable commit covers it;
//! the first writer waiting makes that durable commit (the disk sync) for every commit made so
//! far. Alone, a writer pays one sync as before; with a team writing at once, a burst costs one
//! sync instead of a queue of them, each writer holding the file only for its own writes.
//! A write is reported saved only once it is on disk; other sessions may read it a moment before
//! (between the two commits), and lose it with the process only if it was never reported saved.

use std::sync::{Condvar, Mutex};

use super::{Result, StoreError};

/// The commits made and those on disk, shared by every writer of one file.
#[derive(Default)]
pub(super) struct Durable {
    state: Mutex<State>,
    synced: Condvar,
}

#[derive(Default)]
struct State {
    /// Commits made so far (in memory or on disk).
    committed: u64,
    /// Commits on disk: every one up to this number.
    durable: u64,
    /// Whether a writer is making the durable commit now.
    syncing: bool,
    /// The last durable commit that failed: the commits it was to cover, and why.
    failed: Option<(u64, String)>,
}

impl Durable {
    /// Counts a commit made in memory; returns its number, for [`Durable::wait`].
    pub(super) fn committed(&self) -> u64 {
        let mut state = self.lock();
        state.committed += 1;
        state.committed
    }

    /// Returns once commit `n` is on disk, running `sync` (a durable commit, which puts every
    /// commit made before it on disk) when no other writer is.
    pub(super) fn wait(&self, n: u64, sync: impl Fn() -> Result<()>) -> Result<()> {
        let mut state = self.lock();
        loop {
            if state.durable >= n {
                return Ok(());
            }
            if let Some((upto, why)) = &state.failed
                && n <= *upto
            {
                return Err(StoreError::Other(why.clone()));
            }
            if state.syncing {
                state = self.synced.wait(state).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            // Every commit counted now was made before the sync begins: it covers them all.
            let upto = state.committed;
            state.syncing = true;
            drop(state);
            let synced = sync();
            state = self.lock();
            state.syncing = false;
            match &synced {
                Ok(()) => state.durable = state.durable.max(upto),
                Err(e) => state.failed = Some((upto, e.to_string())),
            }
            self.synced.notify_all();
            synced?;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_lone_writer_syncs_its_own_commit() {
        let durable = Durable::default();
        let syncs = AtomicUsize::new(0);
        for _ in 0..3 {
            let n = durable.committed();
            durable
                .wait(n, || {
                    syncs.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                })
                .unwrap();
        }
        assert_eq!(syncs.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn writers_waiting_together_share_one_sync() {
        let durable = Arc::new(Durable::default());
        let syncs = Arc::new(AtomicUsize::new(0));
        // Eight commits made before anyone syncs: the first to wait syncs for all.
        let numbers: Vec<u64> = (0..8).map(|_| durable.committed()).collect();
        let threads: Vec<_> = numbers
            .into_iter()
            .map(|n| {
                let (durable, syncs) = (durable.clone(), syncs.clone());
                std::thread::spawn(move || {
                    durable.wait(n, || {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        syncs.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
        assert_eq!(syncs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_failed_sync_fails_every_commit_it_was_to_cover_and_not_later_ones() {
        let durable = Durable::default();
        let (first, second) = (durable.committed(), durable.committed());
        let err = durable.wait(first, || Err(StoreError::Other("disk full".into()))).unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        let err = durable.wait(second, || Ok(())).unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        let third = durable.committed();
        durable.wait(third, || Ok(())).unwrap();
    }
}
