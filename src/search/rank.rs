//! Ranking: a query parsed once, the best-`limit` keeper, and the scan that scores entries across
//! the cores while skipping those that cannot make the cut.
//!
//! The rank of a text is nucleo's score of the whole text plus, when the text has details after
//! its name, nucleo's score of the name alone, plus the exact-match bonus (see `exact`): each query
//! word found as a whole word outweighs any fuzzy score, and a name that is the query outweighs
//! every word. nucleo gives a needle of n characters at most `26n + 10`, so a text whose name lacks
//! a character of the query is bounded by that, and a text whose name matches is bounded by that
//! plus its name's score, each plus the bonus it can get: once `limit` better texts are known, the
//! rest are skipped without being scored. Ties go to the higher id.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::iter::{Copied, Rev};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::charset::CharSet;
use super::entries::{Entries, Sets};
use super::exact::Exact;
use crate::model::{Id, Kind, RecordRef};

/// A parsed query and what lets a scan skip texts cheaply.
pub(super) struct Query {
    pattern: Pattern,
    /// Characters every matching text holds.
    needs: CharSet,
    /// The highest score nucleo can give any text (the sum over the atoms).
    best: u32,
    /// Whether the query has no operators (`!^'$\`), so a longer one only matches fewer texts.
    plain: bool,
    /// The query's words, looked for whole.
    exact: Exact,
    /// The first and last characters of each word, which a text's word edges must hold for
    /// the word to be found whole in it.
    word_ends: Vec<CharSet>,
    /// What each query word found whole in a text adds: more than any fuzzy score.
    word_bonus: u32,
    /// What a name that is the query adds: more than all words and fuzzy scores together.
    name_bonus: u32,
}

impl Query {
    /// Parses a trimmed, non-empty query (words are matched separately; nucleo's operators apply).
    pub(super) fn parse(text: &str) -> Query {
        let pattern = Pattern::parse(text, CaseMatching::Ignore, Normalization::Smart);
        let (mut needs, mut best, mut words) = (CharSet::default(), 0, Vec::new());
        for needle in pattern.atoms.iter().filter(|a| !a.negative).map(|a| a.needle_text()) {
            needs = needs.union(CharSet::of_needle(needle));
            best += best_score(needle.len());
            words.push(needle.chars().collect::<Vec<char>>());
        }
        let word_ends = words.iter().map(|w| CharSet::of_word_ends(w)).collect();
        let exact = Exact::new(words);
        let word_bonus = 2 * best + 1;
        let name_bonus = exact.len() as u32 * word_bonus + word_bonus;
        Query { pattern, needs, best, plain: !text.contains(OPERATORS), exact, word_ends, word_bonus, name_bonus }
    }

    /// The most the exact-match bonus can give a text with character sets `sets`, read without
    /// the text: a word whose first or last character begins or ends no word of the text is not
    /// in it whole, and a name that lacks a character of the query cannot be the query.
    pub(super) fn max_bonus(&self, sets: Sets) -> u32 {
        let whole = self.word_ends.iter().filter(|&&ends| sets.edges.contains(ends)).count();
        let words = whole as u32 * self.word_bonus;
        if whole == self.word_ends.len() && sets.name.contains(self.needs) { words + self.name_bonus } else { words }
    }

    /// Whether the query has no operators, so that a query extending it (more characters or more
    /// words) matches only texts that this one matches.
    pub(super) fn is_plain(&self) -> bool {
        self.plain
    }

    /// The needle of a plain one-word query of at most `max` characters.
    pub(super) fn short_needle(&self, max: usize) -> Option<Utf32Str<'_>> {
        match self.pattern.atoms.as_slice() {
            [atom] if self.plain && atom.needle_text().len() <= max => Some(atom.needle_text()),
            _ => None,
        }
    }

    /// Characters every matching text holds.
    pub(super) fn needs(&self) -> CharSet {
        self.needs
    }
}

/// nucleo's query operators (negation, prefix, substring, suffix) and its escape.
const OPERATORS: [char; 5] = ['!', '^', '\'', '$', '\\'];

/// Whether `kinds` (all kinds when empty) takes `kind`.
pub(super) fn wanted(kinds: &[Kind], kind: Kind) -> bool {
    kinds.is_empty() || kinds.contains(&kind)
}

/// The most nucleo 0.3 gives a needle of `len` characters: 16 per character plus a bonus of at
/// most 10, the first character's bonus counted twice.
fn best_score(len: usize) -> u32 {
    26 * len as u32 + 10
}

/// A ranked entry; the derived order is the ranking (score, then the higher id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Ranked {
    pub(super) score: u32,
    pub(super) id: Id,
    pub(super) kind: Kind,
    pub(super) pos: usize,
}

/// The best `limit` entries seen so far, the worst on top so it can be dropped.
pub(super) struct TopK {
    limit: usize,
    heap: BinaryHeap<Reverse<Ranked>>,
}

impl TopK {
    /// An empty keeper of at most `limit` (at least 1) entries.
    pub(super) fn new(limit: usize) -> TopK {
        TopK { limit: limit.max(1), heap: BinaryHeap::new() }
    }

    /// Whether `record` scoring `score` would be kept.
    pub(super) fn admits(&self, score: u32, record: RecordRef) -> bool {
        self.heap.len() < self.limit
            || self.heap.peek().is_some_and(|Reverse(w)| (score, record.id, record.kind) > (w.score, w.id, w.kind))
    }

    /// Keeps `entry` if it is among the best `limit`.
    pub(super) fn push(&mut self, entry: Ranked) {
        if self.admits(entry.score, RecordRef::new(entry.kind, entry.id)) {
            if self.heap.len() == self.limit {
                self.heap.pop();
            }
            self.heap.push(Reverse(entry));
        }
    }

    /// What it keeps, in no order.
    pub(super) fn ranked(&self) -> Vec<Ranked> {
        self.heap.iter().map(|Reverse(r)| *r).collect()
    }

    /// The best `limit` of several keepers, best first.
    pub(super) fn merge(parts: impl IntoIterator<Item = TopK>, limit: usize) -> Vec<Ranked> {
        TopK::best(parts.into_iter().flat_map(|p| p.heap.into_iter().map(|Reverse(r)| r)).collect(), limit)
    }

    /// The best `limit` of `all`, best first.
    pub(super) fn best(mut all: Vec<Ranked>, limit: usize) -> Vec<Ranked> {
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.truncate(limit);
        all
    }
}

/// nucleo's matcher and a buffer for reading non-ASCII texts as nucleo does.
pub(super) struct Scorer {
    matcher: Matcher,
    chars: Vec<char>,
    /// A buffer for the exact-match test.
    folded: Vec<char>,
}

impl Scorer {
    /// A scorer with an empty buffer.
    pub(super) fn new() -> Scorer {
        Scorer { matcher: Matcher::new(Config::DEFAULT), chars: Vec::new(), folded: Vec::new() }
    }

    /// The full rank of `text` (with character sets `sets`; see the module documentation), if it
    /// matches.
    pub(super) fn rank(&mut self, query: &Query, text: &str, sets: Sets) -> Option<u32> {
        let name = self.name_score(query, text, sets);
        Some(self.score(query, text, sets.text)? + name + self.bonus(query, text))
    }

    /// The exact-match bonus of `text` (see the module documentation).
    pub(super) fn bonus(&mut self, query: &Query, text: &str) -> u32 {
        let (words, is_name) = query.exact.find(text, &mut self.folded);
        words * query.word_bonus + if is_name { query.name_bonus } else { 0 }
    }

    /// The second score, for a match within the name; 0 when the text is only a name.
    fn name_score(&mut self, query: &Query, text: &str, sets: Sets) -> u32 {
        text.split_once('\t').map_or(0, |(name, _)| self.score(query, name, sets.name).unwrap_or(0))
    }

    /// nucleo's score of `text` (with character set `set`), reading it as nucleo does: ASCII as
    /// its bytes, other text by characters where each is its own grapheme, else by graphemes.
    fn score(&mut self, query: &Query, text: &str, set: CharSet) -> Option<u32> {
        let haystack = if set.is_ascii() {
            Utf32Str::Ascii(text.as_bytes())
        } else if set.is_one_char_per_grapheme() {
            self.chars.clear();
            self.chars.extend(text.chars());
            Utf32Str::Unicode(&self.chars)
        } else {
            Utf32Str::new(text, &mut self.chars)
        };
        let score = query.pattern.score(haystack, &mut self.matcher);
        debug_assert!(score.is_none_or(|s| s <= query.best), "{score:?} above the bound for {text:?}");
        score
    }
}

/// One part of a ranking scan: its best entries and every entry that may match (for narrowing).
pub(super) struct RankPart<'q> {
    query: &'q Query,
    scorer: Scorer,
    /// The best entries of this part.
    pub(super) top: TopK,
    /// Positions of the entries that may match, in scan order: those that match and those
    /// skipped for their bound.
    pub(super) candidates: Vec<usize>,
    /// Which records the asker may see (all when none).
    sees: Option<&'q super::Sees<'q>>,
}

impl<'q> RankPart<'q> {
    /// An empty part keeping the best `limit`.
    pub(super) fn new(query: &'q Query, limit: usize, sees: Option<&'q super::Sees<'q>>) -> RankPart<'q> {
        RankPart { query, scorer: Scorer::new(), top: TopK::new(limit), candidates: Vec::new(), sees }
    }

    /// Looks at the entry at `pos`: ranks it if it may make the cut, and notes it as a
    /// candidate unless it is known not to match.
    pub(super) fn visit(&mut self, entries: &Entries, kinds: &[Kind], pos: usize) {
        let query = self.query;
        let sets = entries.sets(pos);
        if !sets.text.contains(query.needs) {
            return;
        }
        let record = entries.record(pos);
        if !wanted(kinds, record.kind) {
            return;
        }
        let name_may_match = sets.text.has_tab() && sets.name.contains(query.needs);
        let fuzzy = query.best + if name_may_match { query.best } else { 0 };
        let max_bonus = query.max_bonus(sets);
        if self.top.admits(fuzzy + max_bonus, record) {
            if self.sees.is_some_and(|sees| !sees(record)) {
                // Still a candidate: a longer query by someone else may see it.
                self.candidates.push(pos);
                return;
            }
            let text = entries.text(pos);
            let bonus = if max_bonus == 0 { 0 } else { self.scorer.bonus(query, text) };
            if self.top.admits(fuzzy + bonus, record) {
                let name = if name_may_match { self.scorer.name_score(query, text, sets) } else { 0 };
                if self.top.admits(query.best + name + bonus, record) {
                    let Some(score) = self.scorer.score(query, text, sets.text) else { return };
                    self.top.push(Ranked { score: score + name + bonus, id: record.id, kind: record.kind, pos });
                }
            }
        }
        self.candidates.push(pos);
    }
}

/// The positions a scan visits: all, or the candidates of a query this one narrows.
#[derive(Clone, Copy)]
pub(super) enum Domain<'a> {
    /// Every position below this.
    All(usize),
    /// These positions.
    Only(&'a [usize]),
}

/// Positions of one part of a [`Domain`], newest (highest) first for `All`.
enum Positions<'a> {
    All(Rev<Range<usize>>),
    Only(Copied<std::slice::Iter<'a, usize>>),
}

impl Iterator for Positions<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Positions::All(range) => range.next(),
            Positions::Only(list) => list.next(),
        }
    }
}

impl<'a> Domain<'a> {
    fn len(self) -> usize {
        match self {
            Domain::All(n) => n,
            Domain::Only(list) => list.len(),
        }
    }

    /// Part `i` of `parts`; part 0 holds the newest entries.
    fn part(self, i: usize, parts: usize) -> Positions<'a> {
        let chunk = self.len().div_ceil(parts);
        let (from, to) = ((i * chunk).min(self.len()), ((i + 1) * chunk).min(self.len()));
        match self {
            Domain::All(n) => Positions::All((n - to..n - from).rev()),
            Domain::Only(list) => Positions::Only(list[from..to].iter().copied()),
        }
    }
}

/// Entries per part below which another thread does not pay.
const MIN_PART: usize = 32 * 1024;
/// How many entries a part visits between looks at the cancel flag.
const CANCEL_EVERY: usize = 4096;

/// Runs `visit` on every position of `domain`, split across the cores, each part with its own
/// state from `start`; the states come back in part order (newest first). None when `cancel`
/// was set before the end. Every so often each part shows its state to `report`, with its
/// number.
pub(super) fn scan<T: Send>(
    domain: Domain<'_>,
    cancel: &AtomicBool,
    start: impl Fn() -> T + Sync,
    visit: impl Fn(&mut T, usize) + Sync,
    report: impl Fn(usize, &T) + Sync,
) -> Option<Vec<T>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let parts = domain.len().div_ceil(MIN_PART).clamp(1, cores);
    let run = |i: usize| {
        let mut state = start();
        for (n, pos) in domain.part(i, parts).enumerate() {
            if n % CANCEL_EVERY == 0 {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                report(i, &state);
            }
            visit(&mut state, pos);
        }
        Some(state)
    };
    std::thread::scope(|s| {
        let workers: Vec<_> = (1..parts).map(|i| s.spawn(move || run(i))).collect();
        let first = run(0);
        let rest = workers.into_iter().map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        std::iter::once(first).chain(rest).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rank without the exact-match bonus.
    fn rank(query: &str, text: &str) -> Option<u32> {
        let query = Query::parse(query);
        let mut scorer = Scorer::new();
        Some(scorer.rank(&query, text, Sets::of(text))? - scorer.bonus(&query, text))
    }

    #[test]
    fn an_exact_word_outranks_any_fuzzy_match_and_the_whole_name_every_word() {
        let query = Query::parse("deal 7");
        let mut scorer = Scorer::new();
        let mut full = |text: &str| scorer.rank(&query, text, Sets::of(text)).unwrap();
        assert!(full("Deal #7 for Acme") > full("Deal 77\tdeal 7x"));
        assert!(full("Deal 7") > full("Deal 7 again\tdeal 7"));
        assert!(full("deal 72 x\tdeal7") < full("deal 7x\t#7"));
    }

    #[test]
    fn the_bound_is_nucleos_best_score() {
        assert_eq!(rank("pat", "Patricia"), Some(best_score(3)));
        assert_eq!(rank("pat jo", "Patricia Jones"), Some(best_score(3) + best_score(2)));
        assert_eq!(rank("pat", "pat"), Some(best_score(3)));
        assert_eq!(rank("é", "Élodie"), Some(best_score(1)));
        assert!(rank("pat", "xx Pat-Tat").unwrap() <= best_score(3));
    }

    #[test]
    fn the_name_counts_twice_and_every_text_form_reads_as_nucleo_reads_it() {
        let mut matcher = Matcher::new(Config::DEFAULT);
        for text in ["Ann Lee\tAcme", "Zoë Lee\tAcme", "Ann Lee\tZoë", "Jose\u{301} Lee\tAcme", "王伟\t伟"] {
            for query in ["lee", "e", "王", "zoe", "acme"] {
                let pattern = Query::parse(query);
                let mut nucleo = |s: &str| pattern.pattern.score(Utf32Str::new(s, &mut Vec::new()), &mut matcher);
                let name = text.split('\t').next().unwrap();
                let expected = nucleo(text).map(|s| s + nucleo(name).unwrap_or(0));
                assert_eq!(rank(query, text), expected, "{query} in {text:?}");
            }
        }
    }

    #[test]
    fn domains_split_into_disjoint_parts_newest_first() {
        let all: Vec<usize> = (0..3).flat_map(|i| Domain::All(10).part(i, 3)).collect();
        assert_eq!(all, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        let list = [7, 5, 3];
        let some: Vec<usize> = (0..2).flat_map(|i| Domain::Only(&list).part(i, 2)).collect();
        assert_eq!(some, list);
    }
}
