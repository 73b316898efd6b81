//! The in-memory fuzzy index over people, companies and deals, scored by nucleo-matcher.
//!
//! It is built from the compact search-key table (never by decoding whole records) and kept in
//! step with writes by the service. One scorer serves every front end so ranking feels the same.
//!
//! A query is read up to its first [`MAX_QUERY`] characters, so that a pasted page costs no more
//! than a name. Exact matches come first: a name that is the query, then texts holding more of the
//! query's words whole (see `exact`), then the best fuzzy scores. A query of three or more
//! characters is ranked over every text (see `rank`), skipping texts that cannot make the cut; one that extends the previous query (typing on) looks only at the
//! texts the previous one matched. A one- or two-character query lists names with a word starting
//! with it first (see `prefix`).

mod answers;
mod charset;
mod entries;
mod exact;
mod prefix;
mod rank;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use nucleo_matcher::Utf32Str;
use serde::Serialize;

use crate::model::{Id, Kind, RecordRef};
use entries::{Entries, NO_OWNER};
use prefix::WordPrefix;
use rank::{Domain, Query, RankPart, Ranked, Scorer, TopK, scan, wanted};

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

/// Queries of at most this many characters take the word-prefix path.
const SHORT: usize = 2;

/// The most characters of a query that are read: longer than any name, email or phone number, so
/// that nothing findable is lost, yet short enough that a pasted page costs what a name does.
pub const MAX_QUERY: usize = 100;

/// `query` without what lies past its first [`MAX_QUERY`] characters.
pub fn capped(query: &str) -> &str {
    query.char_indices().nth(MAX_QUERY).map_or(query, |(end, _)| &query[..end])
}

/// Positions in `items` that match `query`, best first by the rank the index uses (exact matches
/// first), ties in their order: how short lists (the palette, pickers over a few choices) rank.
pub fn rank_items<T: AsRef<str>>(query: &str, items: &[T]) -> Vec<usize> {
    let text = capped(query).trim();
    if text.is_empty() {
        return (0..items.len()).collect();
    }
    let query = Query::parse(text);
    let mut scorer = Scorer::new();
    let mut scored: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| Some((scorer.rank(&query, item.as_ref(), entries::Sets::of(item.as_ref()))?, i)))
        .collect();
    scored.sort_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// How a caller follows a query it runs on a worker thread: a flag that stops it, and where the
/// best matches found so far go while a long pass runs.
#[derive(Clone, Copy)]
pub struct Pass<'a> {
    /// Set it to make the query give up soon.
    pub cancel: &'a AtomicBool,
    /// Called with the best matches so far, best first, about every `every` of a pass that
    /// takes longer than that; the complete answer is returned, not sent here.
    pub partial: &'a (dyn Fn(Vec<Hit>) + Sync),
    /// How often to report partial answers.
    pub every: Duration,
    /// Which records the asker may see (all when none): a match it may not see is never
    /// returned, and never takes the place of one it may.
    pub sees: Option<&'a Sees<'a>>,
}

/// Whether the asker may see a record of a kind owned by a login (empty: no owner): asked once
/// per kind and owner of the index per query, so checking an entry costs two array reads.
pub type Sees<'a> = dyn Fn(Kind, &str) -> bool + Sync + 'a;

impl<'a> Pass<'a> {
    /// A pass stopped by `cancel` that reports nothing on the way.
    pub fn quiet(cancel: &'a AtomicBool) -> Pass<'a> {
        Pass { cancel, partial: &|_| {}, every: Duration::MAX, sees: None }
    }

    /// The same pass returning only records `sees` accepts.
    pub fn seeing(self, sees: Option<&'a Sees<'a>>) -> Pass<'a> {
        Pass { sees, ..self }
    }
}

/// How often a front end wants the best matches so far of a long pass: ten times a second, so a
/// pass slowed by a busy server (hundreds of sessions searching) does not make its session draw
/// more often the slower it runs.
pub const PROGRESS: Duration = Duration::from_millis(100);

/// Search texts of every searchable record, ready to score.
#[derive(Default)]
pub struct SearchIndex {
    entries: Entries,
    /// The owners' logins, numbered in the order first met.
    owners: Vec<String>,
    /// Login → number.
    owner_numbers: HashMap<String, u32>,
    /// The texts the last plain query may have matched, for a query that extends it.
    last: Mutex<Option<Arc<LastQuery>>>,
    /// Complete answers to recent queries.
    answers: answers::Answers,
}

/// The best entries each part of a running pass has found so far, and when to report them next.
struct Board {
    next: Option<Instant>,
    tops: Vec<Vec<Ranked>>,
}

/// A plain query and the positions of every text it may have matched, newest first.
struct LastQuery {
    text: String,
    kinds: Vec<Kind>,
    candidates: Vec<usize>,
}

impl SearchIndex {
    /// An index over `(record, text)` pairs; a repeated record keeps its last text.
    pub fn build<T: AsRef<str>>(items: impl IntoIterator<Item = (RecordRef, T)>) -> SearchIndex {
        let mut index = SearchIndex::default();
        let items = items.into_iter();
        index.entries.reserve(items.size_hint().0);
        for (record, text) in items {
            index.insert(record, text.as_ref());
        }
        index
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.len() == 0
    }

    /// Adds or replaces a record's text, copying it. Records given in ascending order, as the
    /// search-key table yields them, are appended without a lookup: the fast way to load.
    pub fn insert(&mut self, record: RecordRef, text: &str) {
        self.insert_owned(record, text, "");
    }

    /// [`SearchIndex::insert`] for a record owned by `owner` (a login), whom searches may be
    /// told to keep to (see [`Pass::sees`]).
    pub fn insert_owned(&mut self, record: RecordRef, text: &str, owner: &str) {
        let owner = self.owner_number(owner);
        // A record written again with the same text (a call logged with a contact) changes no
        // answer.
        if self.entries.insert(record, text, owner) {
            self.forget_last_query();
        }
    }

    fn owner_number(&mut self, owner: &str) -> u32 {
        if owner.is_empty() {
            return NO_OWNER;
        }
        if let Some(&n) = self.owner_numbers.get(owner) {
            return n;
        }
        let n = self.owners.len() as u32;
        self.owners.push(owner.to_string());
        self.owner_numbers.insert(owner.to_string(), n);
        n
    }

    /// Takes in an index loaded separately whose records all come after this one's (indexes
    /// loaded in key order on several threads, joined in key order).
    pub fn extend(&mut self, other: SearchIndex) {
        self.forget_last_query();
        let numbers: Vec<u32> = other.owners.iter().map(|o| self.owner_number(o)).collect();
        self.entries.extend(other.entries, |n| numbers.get(n as usize).copied().unwrap_or(NO_OWNER));
    }

    /// Adds, replaces (`Some`: the text and the owner's login) or removes (`None`) a record's
    /// text.
    pub fn set(&mut self, record: RecordRef, text: Option<(String, String)>) {
        match text {
            Some((text, owner)) => self.insert_owned(record, &text, &owner),
            None => {
                self.forget_last_query();
                self.entries.remove(record);
            }
        }
    }

    /// What `sees` says of each kind code and owner number (the last row: no owner), for one
    /// query; `None` when the asker sees everything.
    fn allowed(&self, sees: Option<&Sees<'_>>) -> Option<Allowed> {
        let sees = sees?;
        let row = |owner: &str| {
            Kind::ALL.iter().fold(0u32, |bits, &k| if sees(k, owner) { bits | 1 << k.code() } else { bits })
        };
        let mut rows: Vec<u32> = self.owners.iter().map(|o| row(o)).collect();
        rows.push(row(""));
        Some(Allowed(rows))
    }

    /// The best `limit` matches of `query` among records of the given kinds (all kinds when
    /// empty), best first; ties go to the newer record. Scoring is split across the cores.
    ///
    /// A query of one or two characters lists first, newest first, the records with a word of
    /// the name starting with it (or, for two, with words starting with each), then the best of
    /// the rest.
    pub fn search(&self, query: &str, kinds: &[Kind], limit: usize) -> Vec<Hit> {
        self.search_cancellable(query, kinds, limit, Pass::quiet(&AtomicBool::new(false))).unwrap_or_default()
    }

    /// [`SearchIndex::search`] followed by a [`Pass`]: gives up, returning None, soon after its
    /// flag is set, and reports partial answers while it runs; for a front end that searches on
    /// a worker thread as the user types.
    pub fn search_cancellable(&self, query: &str, kinds: &[Kind], limit: usize, pass: Pass<'_>) -> Option<Vec<Hit>> {
        let text = capped(query).trim();
        if text.is_empty() || limit == 0 {
            return Some(Vec::new());
        }
        let query = Query::parse(text);
        let allowed = self.allowed(pass.sees);
        let asked = answers::Asked {
            text: text.to_string(),
            kinds: kinds.to_vec(),
            limit,
            allowed: allowed.as_ref().map(|a| a.0.clone()),
        };
        if let Some(ranked) = self.answers.get(&asked) {
            return Some(ranked.iter().map(|&r| self.hit(r)).collect());
        }
        let among = Among { kinds, allowed: allowed.as_ref() };
        let pass = Pass { sees: None, ..pass };
        let ranked = match query.short_needle(SHORT) {
            Some(needle) => self.by_word_prefix(text, &query, needle, among, limit, pass)?,
            None => self.ranked(text, &query, among, limit, pass, true)?,
        };
        let hits = ranked.iter().map(|&r| self.hit(r)).collect();
        self.answers.keep(asked, ranked);
        Some(hits)
    }

    /// The best `limit` entries by rank, looking only at the last query's candidates when this
    /// query extends it.
    fn ranked(
        &self,
        text: &str,
        query: &Query,
        among: Among<'_>,
        limit: usize,
        pass: Pass<'_>,
        reports: bool,
    ) -> Option<Vec<Ranked>> {
        let Among { kinds, allowed } = among;
        let cancel = pass.cancel;
        let pass = Some(pass).filter(|_| reports);
        let last = self.last.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let last = last.filter(|l| query.is_plain() && text.starts_with(&l.text) && l.kinds == kinds);
        let domain = last.as_ref().map_or(Domain::All(self.len()), |l| Domain::Only(&l.candidates));
        let every = pass.map_or(Duration::MAX, |p| p.every);
        let board = Mutex::new(Board { next: Instant::now().checked_add(every), tops: Vec::new() });
        let report = |i: usize, part: &RankPart| {
            let Some(pass) = pass.filter(|_| every < Duration::MAX) else { return };
            let mut board = board.lock().unwrap_or_else(PoisonError::into_inner);
            let parts = board.tops.len().max(i + 1);
            board.tops.resize_with(parts, Vec::new);
            board.tops[i] = part.top.ranked();
            let now = Instant::now();
            if board.next.is_some_and(|next| now >= next) {
                board.next = now.checked_add(every);
                let best = TopK::best(board.tops.iter().flatten().copied().collect(), limit);
                if !best.is_empty() {
                    (pass.partial)(best.into_iter().map(|r| self.hit(r)).collect());
                }
            }
        };
        let parts = scan(
            domain,
            cancel,
            || RankPart::new(query, limit, allowed),
            |part, pos| part.visit(&self.entries, kinds, pos),
            report,
        )?;
        let mut tops = Vec::with_capacity(parts.len());
        let mut candidates = Vec::new();
        for part in parts {
            tops.push(part.top);
            candidates.extend(part.candidates);
        }
        if query.is_plain() {
            let this = LastQuery { text: text.to_string(), kinds: kinds.to_vec(), candidates };
            *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(this));
        }
        Some(TopK::merge(tops, limit))
    }

    /// Word-prefix matches of the name, exact ones first, else newest first, then (when fewer
    /// than `limit`) the best of the other matches.
    fn by_word_prefix(
        &self,
        text: &str,
        query: &Query,
        needle: Utf32Str<'_>,
        among: Among<'_>,
        limit: usize,
        pass: Pass<'_>,
    ) -> Option<Vec<Ranked>> {
        let Among { kinds, allowed } = among;
        let cancel = pass.cancel;
        let prefix = WordPrefix::new(needle.chars());
        let parts = scan(
            Domain::All(self.len()),
            cancel,
            || (TopK::new(limit), Scorer::new()),
            |(top, scorer), pos| {
                let (record, sets) = (self.entries.record(pos), self.entries.sets(pos));
                if wanted(kinds, record.kind)
                    && top.admits(query.max_bonus(sets), record)
                    && sets.name.contains(query.needs())
                    && allowed.is_none_or(|a| a.sees(&self.entries, pos, record.kind))
                    && prefix.matches(name_of(self.entries.text(pos)))
                {
                    let score = scorer.bonus(query, self.entries.text(pos));
                    top.push(Ranked { score, id: record.id, kind: record.kind, pos });
                }
            },
            |_, _| {},
        )?;
        let parts = parts.into_iter().map(|(top, _)| top);
        let mut ranked = TopK::merge(parts, limit);
        let mut scorer = Scorer::new();
        for r in &mut ranked {
            r.score = scorer.rank(query, self.entries.text(r.pos), self.entries.sets(r.pos)).unwrap_or(0);
        }
        if ranked.len() < limit {
            let firsts: Vec<usize> = ranked.iter().map(|r| r.pos).collect();
            let rest = self.ranked(text, query, among, limit, pass, false)?;
            ranked.extend(rest.into_iter().filter(|r| !firsts.contains(&r.pos)).take(limit - firsts.len()));
        }
        Some(ranked)
    }

    fn hit(&self, r: Ranked) -> Hit {
        let text = self.entries.text(r.pos);
        let (label, detail) = text.split_once('\t').unwrap_or((text, ""));
        Hit { kind: r.kind, id: r.id, label: label.into(), detail: detail.into(), score: r.score }
    }

    /// Drops the last query's candidates: positions change with the entries.
    /// Forgets what earlier queries found: a text changed.
    fn forget_last_query(&mut self) {
        *self.last.get_mut().unwrap_or_else(PoisonError::into_inner) = None;
        self.answers.forget();
    }
}

/// The records one query looks among: of these kinds (all when empty), and of these owners.
#[derive(Clone, Copy)]
struct Among<'a> {
    kinds: &'a [Kind],
    allowed: Option<&'a Allowed>,
}

/// Which kinds of whose records one query may return: per owner number (the last row for
/// entries without an owner), a bit per kind code.
struct Allowed(Vec<u32>);

impl Allowed {
    /// Whether the entry at `pos`, a record of `kind`, may be returned.
    fn sees(&self, entries: &Entries, pos: usize, kind: Kind) -> bool {
        let owner = entries.owner(pos);
        let row = if owner == NO_OWNER { self.0.last() } else { self.0.get(owner as usize) };
        row.is_some_and(|bits| bits & (1 << kind.code()) != 0)
    }
}

/// The name part of a search text: up to the first tab.
fn name_of(text: &str) -> &str {
    text.split_once('\t').map_or(text, |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    use nucleo_matcher::{Config, Matcher};

    use super::*;

    fn r(id: Id) -> RecordRef {
        RecordRef::new(Kind::Contact, id)
    }

    #[test]
    fn a_search_keeps_to_the_owners_it_is_told_and_fills_its_answer_with_them() {
        let mut index = SearchIndex::default();
        for id in 1..=300 {
            index.insert_owned(r(id), &format!("Pat Lee {id}"), if id % 3 == 0 { "ann" } else { "bob" });
        }
        let mut other = SearchIndex::default();
        other.insert_owned(RecordRef::new(Kind::Lead, 1), "Pat Lee lead", "ann");
        index.extend(other);
        let ann_only = |_: Kind, owner: &str| owner == "ann";
        let cancel = AtomicBool::new(false);
        for query in ["pat lee", "p", "pl"] {
            let hits = index.search_cancellable(query, &[], 50, Pass::quiet(&cancel).seeing(Some(&ann_only))).unwrap();
            assert_eq!(hits.len(), 50, "{query}: the answer is filled with what may be seen");
            assert!(hits.iter().all(|h| h.kind == Kind::Lead || h.id % 3 == 0), "{query}: {hits:?}");
        }
        // A record given to someone else follows them.
        index.set(r(300), Some(("Pat Lee 300".into(), "bob".into())));
        let hits =
            index.search_cancellable("pat lee 300", &[], 5, Pass::quiet(&cancel).seeing(Some(&ann_only))).unwrap();
        assert!(hits.iter().all(|h| h.id != 300 || h.kind == Kind::Lead), "{hits:?}");
        // Without a rule, everyone's.
        assert_eq!(index.search("pat lee", &[], 500).len(), 301);
    }

    #[test]
    fn a_repeated_query_is_answered_from_the_answers_kept_until_a_text_changes() {
        let mut index = SearchIndex::build((1..=100).map(|id| (r(id), format!("Ann Lee {id}"))));
        let first = index.search("ann", &[], 5);
        assert_eq!(index.answers.len(), 1);
        assert_eq!(index.search("ann", &[], 5), first, "the same answer, kept");
        let ann_only = |_: Kind, owner: &str| owner == "ann";
        let cancel = AtomicBool::new(false);
        let seen = index.search_cancellable("ann", &[], 5, Pass::quiet(&cancel).seeing(Some(&ann_only))).unwrap();
        assert!(seen.is_empty(), "someone who sees less is not given the answer of someone who sees all");
        assert_eq!(index.answers.len(), 2);
        // Written again with the same text (a call logged with them), a record changes no answer.
        index.insert(r(7), "Ann Lee 7");
        assert_eq!(index.answers.len(), 2);
        index.insert(r(101), "Ann Zed 101");
        assert_eq!(index.answers.len(), 0, "a new text forgets every answer");
        assert_eq!(index.search("ann", &[], 5)[0].id, 101, "and the next answer has it");
    }

    #[test]
    fn parts_loaded_apart_join_into_one_index() {
        let mut index = SearchIndex::build([(RecordRef::new(Kind::Account, 1), "Acme Ltd\tParis")]);
        index.extend(SearchIndex::build([(r(1), "Ann Lee\tAcme Ltd"), (r(2), "Bob Stone")]));
        index.extend(SearchIndex::build([(RecordRef::new(Kind::Lead, 1), "Cy Twombly\tArt Co")]));
        assert_eq!(index.len(), 4);
        assert_eq!(index.search("bob stone", &[], 5)[0].id, 2);
        assert_eq!(index.search("twombly", &[], 5)[0].kind, Kind::Lead);
        // Changes after joining find the right entries.
        index.set(r(2), Some(("Robert Stone".into(), String::new())));
        index.set(RecordRef::new(Kind::Account, 1), None);
        assert_eq!(index.search("robert", &[], 5)[0].id, 2);
        assert!(index.search("acme", &[Kind::Account], 5).is_empty());
        assert_eq!(index.len(), 3);
    }

    /// Texts shaped like the stored keys: contacts, and accounts every seventh record.
    fn people(n: u64) -> Vec<(RecordRef, String)> {
        const FIRST: [&str; 9] = ["Patricia", "Pat", "James", "Zoë", "Élodie", "Priya", "秀英", "Jo", "Aiko"];
        const LAST: [&str; 8] = ["Jones", "Patel", "Müller", "王", "Smith", "Johnson", "de Jong", "Sato"];
        const FIRMS: [&str; 5] = ["Aperture", "Globex", "Acme", "Jonestown", "Patterson"];
        (1..=n)
            .map(|i| {
                let (first, last, firm) = (FIRST[i as usize % 9], LAST[i as usize / 9 % 8], FIRMS[i as usize / 3 % 5]);
                if i % 7 == 0 {
                    (RecordRef::new(Kind::Account, i), format!("{firm}{} Ltd\tParis\twww.{firm}.example.com", i % 13))
                } else {
                    let initial = first.chars().next().unwrap_or('x');
                    let mail = format!("{initial}.{}{}@{}.example.com", last.replace(' ', ""), i % 11, firm);
                    (r(i), format!("{first} {last}\t{firm}{} Ltd\t{mail}\t+1 555 {i:07}", i % 13))
                }
            })
            .collect()
    }

    /// The ranking by scoring every text, as the index did before it learned to skip.
    fn reference(items: &[(RecordRef, String)], query: &str, kinds: &[Kind], limit: usize) -> Vec<(u32, Id, Kind)> {
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut score = |text: &str| pattern.score(Utf32Str::new(text, &mut Vec::new()), &mut matcher);
        let (exact, mut scorer) = (Query::parse(query), Scorer::new());
        let mut all: Vec<_> = items
            .iter()
            .filter(|(record, _)| wanted(kinds, record.kind))
            .filter_map(|(record, text)| {
                let name = name_of(text);
                let second = if name.len() < text.len() { score(name).unwrap_or(0) } else { 0 };
                Some((score(text)? + second + scorer.bonus(&exact, text), record.id, record.kind))
            })
            .collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.truncate(limit);
        all
    }

    fn ranks(hits: &[Hit]) -> Vec<(u32, Id, Kind)> {
        hits.iter().map(|h| (h.score, h.id, h.kind)).collect()
    }

    #[test]
    fn skipping_ranks_exactly_as_scoring_every_text() {
        let items = people(3000);
        let idx = SearchIndex::build(items.clone());
        for query in
            ["pat", "jones", "pat jon", "aperture", "p.jones1", "müller", "muller", "王", "zoe", "555 01", "!jones pat"]
        {
            for kinds in [&[][..], &[Kind::Account], &[Kind::Contact, Kind::Lead]] {
                let fresh = SearchIndex::build(items.clone());
                let expected = reference(&items, query, kinds, 20);
                assert_eq!(ranks(&fresh.search(query, kinds, 20)), expected, "{query} in {kinds:?}");
                assert_eq!(ranks(&idx.search(query, kinds, 20)), expected, "{query} in {kinds:?}, after others");
            }
        }
    }

    #[test]
    fn parts_scored_on_several_cores_merge_into_the_same_ranking() {
        let items = people(80_000);
        let idx = SearchIndex::build(items.clone());
        for query in ["jon", "jones", "aperture1"] {
            assert_eq!(ranks(&idx.search(query, &[], 30)), reference(&items, query, &[], 30), "{query}");
        }
    }

    #[test]
    fn narrowing_gives_the_same_results_as_a_fresh_search() {
        let items = people(3000);
        let idx = SearchIndex::build(items.clone());
        for typed in ["patricia jones", "p.jones12", "aperture3 ltd", "élodie", "mull"] {
            for kinds in [&[][..], &[Kind::Account]] {
                for end in (3..=typed.len()).filter(|&end| typed.is_char_boundary(end)) {
                    let query = &typed[..end];
                    let fresh = SearchIndex::build(items.clone()).search(query, kinds, 10);
                    assert_eq!(idx.search(query, kinds, 10), fresh, "{query} in {kinds:?}");
                }
            }
        }
    }

    #[test]
    fn the_whole_query_as_words_or_as_the_name_ranks_above_longer_fuzzy_matches() {
        let deal = |id: Id, name: &str| (RecordRef::new(Kind::Opportunity, id), format!("{name}\tAcme Ltd"));
        let idx = SearchIndex::build([
            deal(7, "Renewal deal #7"),
            deal(72, "Renewal deal #72"),
            deal(77, "Renewal deal #77"),
            (RecordRef::new(Kind::Account, 1), "Acme Holdings\tParis".to_string()),
            (RecordRef::new(Kind::Account, 2), "Acme\tLyon".to_string()),
            (RecordRef::new(Kind::Account, 3), "Acmeville Ltd\tLyon".to_string()),
        ]);
        let ids = |q: &str| idx.search(q, &[], 10).iter().map(|h| h.id).collect::<Vec<_>>();
        assert_eq!(ids("renewal deal #7")[0], 7);
        assert_eq!(ids("#7")[0], 7, "short queries too");
        assert_eq!(ids("acme")[..2], [2, 1], "the whole name, then a whole word");
        let scores: Vec<u32> = idx.search("renewal deal #7", &[], 10).iter().map(|h| h.score).collect();
        assert!(scores.is_sorted_by(|a, b| a >= b), "scores follow the ranking: {scores:?}");
    }

    #[test]
    fn a_pasted_page_is_read_up_to_the_cap() {
        let idx = SearchIndex::build(people(3000));
        let page = "Patricia Jones ".repeat(400);
        assert!(page.chars().count() > 10 * MAX_QUERY);
        assert_eq!(capped(&page).chars().count(), MAX_QUERY);
        assert_eq!(idx.search(&page, &[], 10), idx.search(capped(&page), &[], 10));
        assert_eq!(capped("Zoë"), "Zoë");
        assert_eq!(rank_items("go to contacts", &["contacts, go to", "go to contacts", "go to calls"]), [1, 0]);
    }

    #[test]
    fn a_change_forgets_what_the_last_query_matched() {
        let mut idx = SearchIndex::build(people(100));
        assert!(idx.search("pqx", &[], 5).is_empty());
        idx.set(r(1000), Some(("Pat Qxy".into(), String::new())));
        assert_eq!(idx.search("pqxy", &[], 5)[0].id, 1000);
    }

    #[test]
    fn a_cancelled_search_gives_up() {
        let idx = SearchIndex::build(people(100));
        let cancel = AtomicBool::new(true);
        assert_eq!(idx.search_cancellable("jones", &[], 5, Pass::quiet(&cancel)), None);
        assert_eq!(idx.search_cancellable("j", &[], 5, Pass::quiet(&cancel)), None);
        assert_eq!(
            idx.search_cancellable("jones", &[], 5, Pass::quiet(&AtomicBool::new(false))).map(|h| h.len()),
            Some(5)
        );
    }

    #[test]
    fn a_long_pass_reports_the_best_so_far_before_the_whole_answer() {
        let idx = SearchIndex::build(people(200_000));
        let partials = Mutex::new(Vec::new());
        let partial = |hits: Vec<Hit>| partials.lock().unwrap().push(hits);
        let pass = Pass { cancel: &AtomicBool::new(false), partial: &partial, every: Duration::ZERO, sees: None };
        let all = idx.search_cancellable("jones", &[], 5, pass).unwrap();
        let partials = partials.into_inner().unwrap();
        assert!(partials.len() > 2, "{} partial answers", partials.len());
        for hits in &partials {
            assert!(!hits.is_empty() && hits.len() <= 5);
            assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "best first");
            assert!(hits.iter().all(|h| h.score <= all[0].score), "never better than the whole answer");
        }
        assert_eq!(all.len(), 5);
        // A quiet pass gives the same complete answer.
        assert_eq!(idx.search("jones", &[], 5), all);
    }

    #[test]
    fn short_queries_list_word_prefixes_of_the_name_first_newest_first() {
        let idx = SearchIndex::build([
            (r(1), "Ann Lee\tPatterson Ltd".to_string()),
            (r(2), "Paul Smith\tAcme".to_string()),
            (r(3), "Zoë Papas\tAcme".to_string()),
            (r(4), "Kim Lee\tAcme\tkim@pelican.example.com".to_string()),
            (r(5), "Peter Jones\tAcme".to_string()),
        ]);
        let ids = |q: &str| idx.search(q, &[], 10).iter().map(|h| h.id).collect::<Vec<_>>();
        // Names with a word starting with "p", newest first; then the rest by score.
        assert_eq!(ids("p")[..3], [5, 3, 2]);
        assert_eq!(ids("p").len(), 5);
        // Two characters also match initials.
        assert_eq!(ids("pj")[0], 5);
        assert_eq!(ids("pa")[..3], [3, 2, 1]);
        assert!(idx.search("p", &[], 10).iter().all(|h| h.score > 0));
    }

    #[test]
    fn non_ascii_texts_match() {
        let items = [
            (r(1), "Élodie Müller\tAcme".to_string()),
            (r(2), "王伟\t北京 Ltd".to_string()),
            (r(3), "Jose\u{301} Nguyễn\tAcme".to_string()),
            (r(4), "Ann Lee\tAcme".to_string()),
        ];
        let idx = SearchIndex::build(items.clone());
        let first = |q: &str| idx.search(q, &[], 5).first().map(|h| h.id);
        for (query, id) in
            [("muller", 1), ("müller", 1), ("elodie m", 1), ("é", 1), ("王", 2), ("北京", 2), ("jose", 3)]
        {
            assert_eq!(first(query), Some(id), "{query}");
        }
        for query in ["muller", "müller", "北京", "jose", "nguyen", "nguyễn", "acme"] {
            assert_eq!(ranks(&idx.search(query, &[], 5)), reference(&items, query, &[], 5), "{query}");
        }
    }
}
