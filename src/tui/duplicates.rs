//! The possible-duplicates screen (`g D`): pairs of contacts that look like one person, found on
//! a worker thread (the scan reads every contact), each merged with one key after a question.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use crate::crm::{Crm, DuplicatePair};
use crate::model::Id;

/// One contact of a pair: its id and name.
pub type Side<'a> = (Id, &'a str);

/// Most pairs listed at once; merging some and looking again brings the rest.
const LIMIT: usize = 1000;

/// The state of the duplicates screen.
#[derive(Debug, Default)]
pub struct Duplicates {
    /// The pairs found, oldest contact first.
    pub pairs: Vec<DuplicatePair>,
    /// The selected pair.
    pub selected: usize,
    /// Pairs whose newer contact is the one kept (the sides swapped with `x`).
    pub swapped: std::collections::HashSet<(Id, Id)>,
    /// Whether the pairs are known (else they are being looked for or must be).
    pub ready: bool,
    job: Option<Receiver<Result<Vec<DuplicatePair>, String>>>,
}

impl Duplicates {
    /// Starts looking for pairs unless known or already looking; takes an answer that arrived.
    /// Returns an error message when the search failed.
    pub fn prepare(&mut self, crm: &Arc<Crm>) -> Option<String> {
        if let Some(rx) = &self.job
            && let Ok(answer) = rx.try_recv()
        {
            self.job = None;
            match answer {
                Ok(pairs) => {
                    self.pairs = pairs;
                    self.selected = self.selected.min(self.pairs.len().saturating_sub(1));
                    self.ready = true;
                }
                Err(e) => {
                    self.ready = true;
                    return Some(e);
                }
            }
        }
        if !self.ready && self.job.is_none() {
            let (tx, rx) = channel();
            let crm = crm.clone();
            std::thread::spawn(move || {
                let _ = tx.send(crm.duplicate_contacts(LIMIT).map_err(|e| e.to_string()));
            });
            self.job = Some(rx);
        }
        None
    }

    /// Whether pairs are being looked for.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Marks the pairs for looking again (after a write).
    pub fn invalidate(&mut self) {
        self.ready = false;
    }

    /// Moves the selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = super::stepped(self.selected, delta, self.pairs.len());
    }

    /// The selected pair as (kept, merged away).
    pub fn current(&self) -> Option<(Side<'_>, Side<'_>)> {
        self.pairs.get(self.selected).map(|p| self.sides(p))
    }

    /// A pair as (kept, merged away): the older contact is kept unless the sides were swapped.
    pub fn sides<'a>(&self, p: &'a DuplicatePair) -> (Side<'a>, Side<'a>) {
        let first = (p.first, p.first_name.as_str());
        let second = (p.second, p.second_name.as_str());
        if self.swapped.contains(&(p.first, p.second)) { (second, first) } else { (first, second) }
    }

    /// Swaps which contact of the selected pair is kept.
    pub fn swap(&mut self) {
        if let Some(p) = self.pairs.get(self.selected) {
            let key = (p.first, p.second);
            if !self.swapped.remove(&key) {
                self.swapped.insert(key);
            }
        }
    }
}
