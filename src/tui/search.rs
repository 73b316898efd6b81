//! The `/` search overlay: a query line and the best matches, scored off the UI thread so typing
//! never waits for the matcher. Each keystroke starts a new query; answers to older ones are
//! dropped when they arrive.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::crm::Crm;
use crate::search::Hit;

/// How many matches the overlay shows.
pub const LIMIT: usize = 50;

/// Runs queries on worker threads and keeps the latest answer.
pub struct Searcher {
    crm: Arc<Crm>,
    latest: Arc<AtomicU64>,
    inbox: Arc<Mutex<Option<Answer>>>,
    /// Raised to stop the query still running when a newer one starts.
    cancel: Mutex<Arc<AtomicBool>>,
}

/// A query's number and its matches (or why it failed).
pub type Answer = (u64, Result<Vec<Hit>, String>);

impl Searcher {
    /// A searcher over `crm`'s index.
    pub fn new(crm: Arc<Crm>) -> Searcher {
        Searcher {
            crm,
            latest: Arc::new(AtomicU64::new(0)),
            inbox: Arc::new(Mutex::new(None)),
            cancel: Mutex::new(Arc::new(AtomicBool::new(false))),
        }
    }

    /// Starts `query`, superseding any query still running; returns its number.
    pub fn start(&self, query: &str) -> u64 {
        let generation = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let cancel = Arc::new(AtomicBool::new(false));
        let previous = std::mem::replace(&mut *self.cancel.lock().unwrap_or_else(|e| e.into_inner()), cancel.clone());
        previous.store(true, Ordering::SeqCst);
        let (crm, latest, inbox, query) =
            (self.crm.clone(), self.latest.clone(), self.inbox.clone(), query.to_string());
        std::thread::spawn(move || {
            let answer = match crm.search_cancellable(&query, &[], LIMIT, &cancel) {
                Ok(Some(hits)) => Ok(hits),
                Ok(None) => return,
                Err(e) => Err(e.to_string()),
            };
            if latest.load(Ordering::SeqCst) == generation {
                *inbox.lock().unwrap_or_else(|e| e.into_inner()) = Some((generation, answer));
            }
        });
        generation
    }

    /// The answer to the latest query, once, if it has arrived.
    pub fn poll(&self) -> Option<Answer> {
        self.inbox.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// What the overlay shows.
#[derive(Debug, Default)]
pub struct SearchBox {
    /// The query typed so far.
    pub query: String,
    /// The best matches of the last answered query.
    pub hits: Vec<Hit>,
    /// The selected match.
    pub selected: usize,
    /// The query whose answer is awaited, if any.
    pub waiting: Option<u64>,
    /// Why the last query failed.
    pub error: Option<String>,
}

impl SearchBox {
    /// Takes an answer if it is the awaited one.
    pub fn receive(&mut self, generation: u64, answer: Result<Vec<Hit>, String>) {
        if self.waiting != Some(generation) {
            return;
        }
        self.waiting = None;
        match answer {
            Ok(hits) => {
                self.hits = hits;
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
        self.selected = self.selected.min(self.hits.len().saturating_sub(1));
    }
}
