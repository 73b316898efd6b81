//! The `/` search overlay: a query line and the best matches, scored off the UI thread so typing
//! never waits for the matcher. Each keystroke starts a new query; answers to older ones are
//! dropped when they arrive. A long pass sends the best matches found so far ten times a second,
//! shown as partial until the complete answer replaces them.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::crm::Crm;
use crate::model::Kind;
use crate::search::{Hit, PROGRESS, Pass};

/// How many matches the overlay shows.
pub const LIMIT: usize = 50;

/// Runs queries on worker threads and keeps the latest answer: the `/` overlay's and a list
/// filter's, so that typing (or a paste) never waits for the matcher.
pub struct Searcher {
    crm: Arc<Crm>,
    latest: Arc<AtomicU64>,
    inbox: Arc<Mutex<Option<Answer>>>,
    /// Raised to stop the query still running when a newer one starts.
    cancel: Mutex<Arc<AtomicBool>>,
}

/// An answer to a query.
#[derive(Debug)]
pub struct Answer {
    /// The query's number.
    pub generation: u64,
    /// Its matches, or why it failed.
    pub hits: Result<Vec<Hit>, String>,
    /// Whether the pass is complete (else these are the best found so far).
    pub complete: bool,
    /// Whether the matcher found as many matches as it was asked for: more may match.
    pub full: bool,
}

/// What a complete answer keeps of its matches, worked out on the worker thread (a list
/// filter's terms read the records).
pub type Keep = Box<dyn Fn(&Crm, Vec<Hit>) -> crate::crm::Result<Vec<Hit>> + Send>;

/// A query other than a search, run on a worker thread: its matches, and whether more matched
/// than it kept.
pub type Job = Box<dyn FnOnce(&Crm) -> crate::crm::Result<(Vec<Hit>, bool)> + Send>;

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

    /// Starts `query` for the best `limit` records of `kinds` (all kinds when empty),
    /// superseding any query still running; returns its number.
    pub fn start(&self, query: &str, kinds: &[Kind], limit: usize) -> u64 {
        self.start_keeping(query, kinds, limit, Box::new(|_, hits| Ok(hits)))
    }

    /// [`Searcher::start`], the complete answer narrowed by `keep`.
    pub fn start_keeping(&self, query: &str, kinds: &[Kind], limit: usize, keep: Keep) -> u64 {
        let (generation, cancel) = self.supersede();
        let (crm, latest, inbox, query, kinds) =
            (self.crm.clone(), self.latest.clone(), self.inbox.clone(), query.to_string(), kinds.to_vec());
        crate::tui::background::spawn(move || {
            let deliver = |hits, complete, full| {
                if latest.load(Ordering::SeqCst) == generation {
                    let answer = Answer { generation, hits, complete, full };
                    *inbox.lock().unwrap_or_else(|e| e.into_inner()) = Some(answer);
                }
            };
            let partial = |hits| deliver(Ok(hits), false, false);
            match crm.search_cancellable(
                &query,
                &kinds,
                limit,
                Pass { cancel: &cancel, partial: &partial, every: PROGRESS, sees: None },
            ) {
                Ok(Some(hits)) => {
                    let full = hits.len() == limit;
                    deliver(keep(&crm, hits).map_err(|e| e.to_string()), true, full)
                }
                Ok(None) => {}
                Err(e) => deliver(Err(e.to_string()), true, false),
            }
        });
        generation
    }

    /// Runs `job` on a worker thread as the latest query, superseding any still running (one
    /// superseded before it starts never runs); returns its number.
    pub fn run(&self, job: Job) -> u64 {
        let (generation, cancel) = self.supersede();
        let (crm, latest, inbox) = (self.crm.clone(), self.latest.clone(), self.inbox.clone());
        crate::tui::background::spawn(move || {
            if cancel.load(Ordering::SeqCst) {
                return;
            }
            let (hits, full) = match job(&crm) {
                Ok((hits, more)) => (Ok(hits), more),
                Err(e) => (Err(e.to_string()), false),
            };
            if latest.load(Ordering::SeqCst) == generation {
                *inbox.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(Answer { generation, hits, complete: true, full });
            }
        });
        generation
    }

    /// Numbers a new query and stops the one running: its number and its own stop flag.
    fn supersede(&self) -> (u64, Arc<AtomicBool>) {
        let generation = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let cancel = Arc::new(AtomicBool::new(false));
        let previous = std::mem::replace(&mut *self.cancel.lock().unwrap_or_else(|e| e.into_inner()), cancel.clone());
        previous.store(true, Ordering::SeqCst);
        (generation, cancel)
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
    pub query: super::line::LineField,
    /// The best matches of the last answered query (or so far of the awaited one, if `partial`).
    pub hits: Vec<Hit>,
    /// Whether `hits` are the best so far of a pass still running.
    pub partial: bool,
    /// The selected match.
    pub selected: usize,
    /// The query whose answer is awaited, if any.
    pub waiting: Option<u64>,
    /// Why the last query failed.
    pub error: Option<String>,
}

impl SearchBox {
    /// The box again with the query of `last`, selected (the first typed character replaces it,
    /// while Enter and the arrows use it), and its matches until fresh ones come.
    pub fn again(mut last: SearchBox) -> SearchBox {
        last.query.select();
        SearchBox { waiting: None, partial: false, error: None, ..last }
    }

    /// Takes an answer if it is to the awaited query; a partial one keeps it awaited.
    pub fn receive(&mut self, answer: Answer) {
        if self.waiting != Some(answer.generation) {
            return;
        }
        if answer.complete {
            self.waiting = None;
        }
        self.partial = !answer.complete;
        match answer.hits {
            Ok(hits) => {
                self.hits = hits;
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
        self.selected = self.selected.min(self.hits.len().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: u64) -> Hit {
        Hit { kind: Kind::Contact, id, label: format!("c{id}"), detail: String::new(), score: 10 }
    }

    #[test]
    fn partial_answers_show_until_the_complete_one_and_stale_ones_are_dropped() {
        let mut b = SearchBox { waiting: Some(2), ..Default::default() };
        b.receive(Answer { generation: 1, hits: Ok(vec![hit(9)]), complete: true, full: false });
        assert!(b.hits.is_empty(), "an answer to a superseded query is dropped");
        b.receive(Answer { generation: 2, hits: Ok(vec![hit(1)]), complete: false, full: false });
        assert_eq!((b.hits.len(), b.partial, b.waiting), (1, true, Some(2)));
        b.receive(Answer { generation: 2, hits: Ok(vec![hit(1), hit(2)]), complete: true, full: false });
        assert_eq!((b.hits.len(), b.partial, b.waiting), (2, false, None));
    }
}
