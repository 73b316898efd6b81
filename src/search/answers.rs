//! Complete answers to recent queries, shared by every session over one index: many reps typing
//! the same first letters (or looking up the same account) cost one scan between two changes of
//! the index. Any change of a text forgets them all.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use super::rank::Ranked;
use crate::model::Kind;

/// How many answers are kept, the most recently asked first.
const KEPT: usize = 64;

/// What makes two queries the same: the text, the kinds, the limit, and what the asker may see
/// (the allowed table of the owners, `None` for someone who sees everything).
#[derive(PartialEq, Eq)]
pub(super) struct Asked {
    pub(super) text: String,
    pub(super) kinds: Vec<Kind>,
    pub(super) limit: usize,
    pub(super) allowed: Option<Vec<u32>>,
}

/// The answers kept.
#[derive(Default)]
pub(super) struct Answers(Mutex<VecDeque<(Asked, Arc<Vec<Ranked>>)>>);

impl Answers {
    /// The answer kept for `asked`, if any (it becomes the most recent).
    pub(super) fn get(&self, asked: &Asked) -> Option<Arc<Vec<Ranked>>> {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let at = kept.iter().position(|(a, _)| a == asked)?;
        let entry = kept.remove(at)?;
        let answer = entry.1.clone();
        kept.push_front(entry);
        Some(answer)
    }

    /// Keeps the complete answer to `asked`.
    pub(super) fn keep(&self, asked: Asked, answer: Vec<Ranked>) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        kept.retain(|(a, _)| *a != asked);
        kept.push_front((asked, Arc::new(answer)));
        kept.truncate(KEPT);
    }

    /// Forgets every answer: a text changed.
    pub(super) fn forget(&mut self) {
        self.0.get_mut().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// How many answers are kept.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}
