//! The in-memory fuzzy index over people, companies and deals, scored by nucleo-matcher.
//!
//! It is built from the compact search-key table (never by decoding whole records) and kept in
//! step with writes by the service. One scorer serves every front end so ranking feels the same.

use std::collections::HashMap;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use serde::Serialize;

use crate::model::{Id, Kind, RecordRef};

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// The record's kind.
    pub kind: Kind,
    /// The record's id.
    pub id: Id,
    /// Its name.
    pub label: String,
    /// The rest of what it was matched by (company, email, phone), tab-separated.
    pub detail: String,
    /// How well it matched: higher is better.
    pub score: u32,
}

struct Entry {
    record: RecordRef,
    text: Box<str>,
}

/// Search texts of every searchable record, ready to score.
#[derive(Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    position: HashMap<RecordRef, usize>,
}

impl SearchIndex {
    /// An index over `(record, text)` pairs.
    pub fn build(items: impl IntoIterator<Item = (RecordRef, String)>) -> SearchIndex {
        let mut index = SearchIndex::default();
        for (record, text) in items {
            index.set(record, Some(text));
        }
        index
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds, replaces (`Some`) or removes (`None`) a record's text.
    pub fn set(&mut self, record: RecordRef, text: Option<String>) {
        match (self.position.get(&record).copied(), text) {
            (Some(i), Some(text)) => self.entries[i].text = text.into(),
            (None, Some(text)) => {
                self.position.insert(record, self.entries.len());
                self.entries.push(Entry { record, text: text.into() });
            }
            (Some(i), None) => {
                self.position.remove(&record);
                self.entries.swap_remove(i);
                if let Some(moved) = self.entries.get(i) {
                    self.position.insert(moved.record, i);
                }
            }
            (None, None) => {}
        }
    }

    /// The best `limit` matches of `query` among records of the given kinds (all kinds when
    /// empty), best first; ties go to the newer record. Scoring is split across the cores.
    pub fn search(&self, query: &str, kinds: &[Kind], limit: usize) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let chunk = self.entries.len().div_ceil(threads).max(1);
        let mut scored: Vec<Scored> = std::thread::scope(|s| {
            let workers: Vec<_> = self
                .entries
                .chunks(chunk)
                .enumerate()
                .map(|(n, part)| {
                    let pattern = &pattern;
                    s.spawn(move || score_part(pattern, part, n * chunk, kinds, limit))
                })
                .collect();
            workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
        });
        scored.sort_unstable_by(best_first);
        scored.truncate(limit);
        scored
            .into_iter()
            .map(|(score, _, i)| {
                let e = &self.entries[i];
                let (label, detail) = e.text.split_once('\t').unwrap_or((&e.text, ""));
                Hit { kind: e.record.kind, id: e.record.id, label: label.into(), detail: detail.into(), score }
            })
            .collect()
    }
}

/// A match: score, record id (newer wins ties), position in the index.
type Scored = (u32, Id, usize);

fn best_first(a: &Scored, b: &Scored) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(b.1.cmp(&a.1))
}

/// Scores one slice of entries, keeping the best `limit` of it (positions offset by `base`).
fn score_part(pattern: &Pattern, part: &[Entry], base: usize, kinds: &[Kind], limit: usize) -> Vec<Scored> {
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut best: Vec<Scored> = Vec::new();
    for (i, e) in part.iter().enumerate() {
        if !kinds.is_empty() && !kinds.contains(&e.record.kind) {
            continue;
        }
        if let Some(mut score) = pattern.score(Utf32Str::new(&e.text, &mut buf), &mut matcher) {
            // A match within the name counts again, so "acme" ranks Acme Ltd above its people.
            let name = e.text.split('\t').next().unwrap_or_default();
            if name.len() < e.text.len() {
                score += pattern.score(Utf32Str::new(name, &mut buf), &mut matcher).unwrap_or(0);
            }
            best.push((score, e.record.id, base + i));
            // Keep memory flat on huge result sets: trim to the best `limit` now and then.
            if best.len() >= limit.saturating_mul(4).max(1024) {
                best.select_nth_unstable_by(limit - 1, best_first);
                best.truncate(limit);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: Id) -> RecordRef {
        RecordRef::new(Kind::Contact, id)
    }

    #[test]
    fn best_match_first_and_kinds_filter() {
        let idx = SearchIndex::build([
            (r(1), "Patricia Jones\tAperture\tp.jones@aperture.com".to_string()),
            (r(2), "Pat Smith\tJonestown Ltd".to_string()),
            (RecordRef::new(Kind::Account, 1), "Jones & Co".to_string()),
        ]);
        let hits = idx.search("pjones", &[], 10);
        assert_eq!(hits[0].id, 1);
        assert_eq!(hits[0].label, "Patricia Jones");
        let accounts = idx.search("jones", &[Kind::Account], 10);
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].kind, Kind::Account);
        assert!(idx.search("zzz", &[], 10).is_empty());
        assert!(idx.search("", &[], 10).is_empty());
    }

    #[test]
    fn a_match_in_the_name_beats_one_in_the_details() {
        let idx = SearchIndex::build([
            (r(1), "Ann Lee\tAcme Ltd\tann@acme.com".to_string()),
            (RecordRef::new(Kind::Account, 1), "Acme Ltd\tParis".to_string()),
        ]);
        assert_eq!(idx.search("acme", &[], 5)[0].kind, Kind::Account);
    }

    #[test]
    fn updates_and_removals_keep_positions_right() {
        let mut idx = SearchIndex::build((1..=3).map(|i| (r(i), format!("name{i}"))));
        idx.set(r(1), None);
        idx.set(r(3), Some("renamed".into()));
        assert_eq!(idx.len(), 2);
        assert_eq!(idx.search("renamed", &[], 5)[0].id, 3);
        assert!(idx.search("name1", &[], 5).iter().all(|h| h.id != 1));
    }

    #[test]
    fn many_matches_are_trimmed_to_the_limit() {
        let idx = SearchIndex::build((1..=5000).map(|i| (r(i), format!("contact {i}"))));
        let hits = idx.search("contact", &[], 7);
        assert_eq!(hits.len(), 7);
        // Equal scores: the newest record wins.
        assert_eq!(hits[0].id, 5000);
    }
}
