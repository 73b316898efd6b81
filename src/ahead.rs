//! Reading ahead: items made on a second thread while the first uses them (an import's rows read
//! and converted, the demo's records made up, while the first thread writes them), so a bulk load
//! costs the slower of the two rather than their sum.

use std::any::Any;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender, channel, sync_channel};
use std::thread::Scope;

/// How many rows travel between the threads at a time: enough that the hand-over costs little
/// per row, few enough that the rows in flight take a bounded, small part of memory.
const BATCH: usize = 256;

/// How many batches may wait for the writer.
const WAITING: usize = 8;

/// The items of `items`, in order, produced on a thread of `scope` ahead of their use. When the
/// returned iterator is dropped early (the import stopped by a failed write), the thread stops at
/// its next batch. A panic on the thread is raised again where the items are read, so the
/// import fails as it would have on one thread, rather than taking what was read as the whole
/// file.
pub fn read_ahead<'scope, T: Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    items: impl Iterator<Item = T> + Send + 'scope,
) -> impl Iterator<Item = T> + 'scope {
    read_ahead_and_back::<T, ()>(scope, items)
}

/// [`read_ahead`], with a way back: what the user of the items is done with, handed to
/// [`Ahead::spent`], is dropped on the thread that made it. Memory is freed fastest by the
/// thread that allocated it (freed on another, each block is handed back to its owner), and the
/// thread that makes the items is the one with time to spare. The thread lives until the
/// returned reader is dropped (it takes what comes back until then), which the reader's lifetime
/// keeps within `scope`.
pub fn read_ahead_and_back<'scope, T: Send + 'scope, U: Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    items: impl Iterator<Item = T> + Send + 'scope,
) -> Ahead<'scope, T, U> {
    let (send, receive) = sync_channel::<Batch<T>>(WAITING);
    let (back, spent) = channel::<Vec<U>>();
    scope.spawn(move || {
        let read = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut items = items.peekable();
            while items.peek().is_some() {
                let batch: Vec<T> = items.by_ref().take(BATCH).collect();
                if send.send(Ok(batch)).is_err() {
                    break;
                }
                spent.try_iter().for_each(drop);
            }
        }));
        if let Err(panic) = read {
            let _ = send.send(Err(panic));
        }
        drop(send);
        // What is still in use comes back until the user is done.
        spent.iter().for_each(drop);
    });
    Ahead { receive, batch: Vec::new().into_iter(), back, spent: Vec::new(), scope: PhantomData }
}

/// What travels between the threads: some items, or the panic that stopped the reading.
type Batch<T> = Result<Vec<T>, Box<dyn Any + Send>>;

/// The reading end of [`read_ahead_and_back`]: batches taken one at a time, their items handed
/// out in order, and the way back.
pub struct Ahead<'scope, T, U> {
    receive: Receiver<Batch<T>>,
    batch: std::vec::IntoIter<T>,
    back: Sender<Vec<U>>,
    /// What is done with, gathered into a batch to go back.
    spent: Vec<U>,
    /// Kept within the scope of the thread, which waits for its drop: out of it, the scope's
    /// end would wait for ever.
    scope: PhantomData<&'scope ()>,
}

impl<T, U> Ahead<'_, T, U> {
    /// Hands back something done with, to be dropped on the thread that made the items.
    pub fn spent(&mut self, done: U) {
        self.spent.push(done);
        if self.spent.len() == BATCH {
            // Gone, should the thread have stopped: dropped here.
            let _ = self.back.send(std::mem::replace(&mut self.spent, Vec::with_capacity(BATCH)));
        }
    }
}

impl<T, U> Drop for Ahead<'_, T, U> {
    fn drop(&mut self) {
        let _ = self.back.send(std::mem::take(&mut self.spent));
    }
}

impl<T, U> Iterator for Ahead<'_, T, U> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(item) = self.batch.next() {
                return Some(item);
            }
            match self.receive.recv().ok()? {
                Ok(batch) => self.batch = batch.into_iter(),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_arrives_in_order() {
        let got: Vec<u32> = std::thread::scope(|s| read_ahead(s, 0..10_000u32).collect());
        assert_eq!(got, (0..10_000).collect::<Vec<_>>());
        let none: Vec<u32> = std::thread::scope(|s| read_ahead(s, std::iter::empty()).collect());
        assert!(none.is_empty());
    }

    #[test]
    fn what_is_handed_back_is_dropped_on_the_thread_that_made_it() {
        /// Notes the thread it is dropped on.
        struct Spent<'a>(&'a std::sync::Mutex<Vec<std::thread::ThreadId>>);
        impl Drop for Spent<'_> {
            fn drop(&mut self) {
                self.0.lock().unwrap().push(std::thread::current().id());
            }
        }
        let dropped = std::sync::Mutex::new(Vec::new());
        let made = std::sync::Mutex::new(None);
        let got: Vec<u32> = std::thread::scope(|s| {
            let items = (0..1_000u32).inspect(|_| *made.lock().unwrap() = Some(std::thread::current().id()));
            let mut ahead = read_ahead_and_back(s, items);
            let mut got = Vec::new();
            while let Some(item) = ahead.next() {
                got.push(item);
                ahead.spent(Spent(&dropped));
            }
            got
        });
        assert_eq!(got, (0..1_000).collect::<Vec<_>>());
        let (dropped, made) = (dropped.into_inner().unwrap(), made.into_inner().unwrap());
        assert_eq!(dropped.len(), 1_000, "every one handed back is dropped once");
        assert!(made.is_some_and(|made| made != std::thread::current().id()));
        assert!(dropped.iter().all(|&on| Some(on) == made), "all dropped where the items were made");
    }

    #[test]
    fn a_panic_while_reading_is_raised_where_the_items_are_read() {
        let caught = std::panic::catch_unwind(|| {
            std::thread::scope(|s| {
                let items = (0..10_000u32).inspect(|&i| assert!(i < 5_000, "row {i} broke the reader"));
                read_ahead(s, items).count()
            })
        });
        let panic = caught.expect_err("the reader's panic reaches the writer, not a short count");
        let said = panic.downcast_ref::<String>().map(String::as_str).unwrap_or_default();
        assert_eq!(said, "row 5000 broke the reader");
    }

    #[test]
    fn a_reader_that_stops_early_stops_the_thread() {
        // An endless source: the scope ends only if the thread stops once the reader is gone.
        let first: Vec<u64> = std::thread::scope(|s| read_ahead(s, 0u64..).take(3).collect());
        assert_eq!(first, vec![0, 1, 2]);
    }
}
