//! Search index figures on synthetic search keys shaped like the stored ones (80% contacts, the
//! rest accounts, leads and opportunities; accented and CJK names): build time, memory, and query
//! latency (median, p95) by query length, for fresh queries and for queries typed a key at a time.
//! `ROLO_BENCH_SIZES` sets the index sizes (default "100000,1000000"), `ROLO_BENCH_ROUNDS` how
//! often each query runs (default 30).
//!
//! Run with `cargo bench --bench search`. Prints one line per figure.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rolo::model::{Kind, RecordRef};
use rolo::search::SearchIndex;

/// The queries the targets are stated for.
const TARGETS: [&str; 8] = ["p", "pj", "pat", "jones", "pat jon", "aperture", "p.jones1", "zz"];
/// More queries: accents, CJK, digits, a letter no name starts with, the common email domain.
const EXTRAS: [&str; 9] = ["e", "x", "wei", "müller", "王", "sofía g", "globex12", "555 01", "example"];
/// A query no other query extends, run between timed queries so that each starts afresh.
const RESET: &str = "qqqq";
const LIMIT: usize = 50;

fn main() {
    let sizes: Vec<usize> = std::env::var("ROLO_BENCH_SIZES")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let rounds: usize = std::env::var("ROLO_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let words = Words::load();
    for n in sizes {
        println!("== {n} entries");
        memory(&words, n);
        let index = build_time(&words, n);
        fresh(&index, rounds);
        typed(&index, rounds);
        pasted(&index, &words);
    }
}

/// A 5,000-character paste into the search line: the query on its own, and the query typed a key
/// at a time as the full-screen search receives a paste (one search per key; the whole cost).
fn pasted(index: &SearchIndex, words: &Words) {
    let mut paste = String::new();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    while paste.chars().count() < 5000 {
        paste.push_str(words.last.choose(&mut rng).unwrap_or(&"Lee"));
        paste.push(' ');
    }
    let paste: String = paste.chars().take(5000).collect();
    index.search(RESET, &[], LIMIT);
    let start = Instant::now();
    std::hint::black_box(index.search(&paste, &[], LIMIT));
    println!("pasted 5000 chars, one query: {:.2?}", start.elapsed());
    index.search(RESET, &[], LIMIT);
    let start = Instant::now();
    for (end, c) in paste.char_indices() {
        std::hint::black_box(index.search(&paste[..end + c.len_utf8()], &[], LIMIT));
    }
    println!("pasted 5000 chars, a query per key: {:.2?} in all", start.elapsed());
}

/// Peak and resident memory of building the index from keys generated on the fly, and what the
/// first change adds (the record → position map, built then).
fn memory(words: &Words, n: usize) {
    reset_peak();
    let before = proc_status("VmRSS");
    let mut index = SearchIndex::build(keys(words, n));
    let peak = proc_status("VmHWM").saturating_sub(before);
    let resident = proc_status("VmRSS").saturating_sub(before);
    println!(
        "memory: peak {} MB while building, {} MB resident ({} entries)",
        peak / 1024,
        resident / 1024,
        index.len()
    );
    let start = Instant::now();
    index.set(RecordRef::new(Kind::Contact, u64::MAX), Some(("Pat New\tAcme".into(), String::new())));
    let took = start.elapsed();
    let resident = proc_status("VmRSS").saturating_sub(before);
    println!("first change: {took:.1?}, then {} MB resident", resident / 1024);
}

/// Builds from owned pairs, as `Crm::load_search` does (dropping each `String` is part of it), and
/// from borrowed texts; returns the last index built.
fn build_time(words: &Words, n: usize) -> SearchIndex {
    let pairs: Vec<(RecordRef, String)> = keys(words, n).collect();
    let mut borrowed = Vec::new();
    let mut index = SearchIndex::default();
    for _ in 0..3 {
        let start = Instant::now();
        index = SearchIndex::build(pairs.iter().map(|(r, t)| (*r, t.as_str())));
        borrowed.push(start.elapsed());
    }
    let mut owned = Vec::new();
    for _ in 0..3 {
        let pairs = pairs.clone();
        let start = Instant::now();
        index = SearchIndex::build(pairs);
        owned.push(start.elapsed());
    }
    owned.sort();
    borrowed.sort();
    println!("build from {n} (RecordRef, String) pairs: best {:.1?}, worst {:.1?}", owned[0], owned[2]);
    println!("build from {n} (RecordRef, &str) pairs: best {:.1?}, worst {:.1?}", borrowed[0], borrowed[2]);
    index
}

/// Each query on its own, after an unrelated one.
fn fresh(index: &SearchIndex, rounds: usize) {
    let mut by_query: BTreeMap<(usize, &str), Vec<Duration>> = BTreeMap::new();
    for _ in 0..rounds {
        for q in TARGETS.iter().chain(&EXTRAS) {
            index.search(RESET, &[], LIMIT);
            let start = Instant::now();
            let hits = index.search(q, &[], LIMIT);
            by_query.entry((q.chars().count(), q)).or_default().push(start.elapsed());
            std::hint::black_box(hits);
        }
    }
    let mut by_length: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
    for ((len, q), times) in &mut by_query {
        let target = if TARGETS.contains(q) { "target" } else { "extra" };
        println!("fresh {q:>10} ({target}): {}", stats(times));
        if TARGETS.contains(q) {
            by_length.entry(*len).or_default().extend(times.iter());
        }
    }
    for (len, times) in &mut by_length {
        println!("fresh, target queries of {len} chars: {}", stats(times));
    }
}

/// Each query typed a character at a time, as the full-screen search sends it.
fn typed(index: &SearchIndex, rounds: usize) {
    for (what, queries) in [("target", &TARGETS[..]), ("extra", &EXTRAS[..])] {
        let mut by_length: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
        for _ in 0..rounds {
            for q in queries {
                index.search(RESET, &[], LIMIT);
                for (len, (end, c)) in q.char_indices().enumerate() {
                    let prefix = &q[..end + c.len_utf8()];
                    let start = Instant::now();
                    std::hint::black_box(index.search(prefix, &[], LIMIT));
                    by_length.entry(len + 1).or_default().push(start.elapsed());
                }
            }
        }
        for (len, times) in &mut by_length {
            println!("typed, {what} queries' first {len} chars: {}", stats(times));
        }
    }
}

/// "median 1.2ms, p95 3.4ms, max 5.6ms (n runs)".
fn stats(times: &mut [Duration]) -> String {
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    format!("median {:.2?}, p95 {:.2?}, max {:.2?} ({} runs)", pct(0.5), pct(0.95), pct(1.0), times.len())
}

/// A field of /proc/self/status in kB (0 where there is none).
fn proc_status(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}

/// Resets VmHWM to the current resident size (Linux only; elsewhere the figure is 0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The word lists the demo data uses, plus CJK, Vietnamese and Polish names.
struct Words {
    first: Vec<&'static str>,
    last: Vec<&'static str>,
    companies: Vec<&'static str>,
    cities: Vec<&'static str>,
    products: Vec<&'static str>,
}

impl Words {
    fn load() -> Words {
        let lines = |text: &'static str| text.lines().filter(|l| !l.is_empty());
        let before_comma = |l: &'static str| l.split(',').next().unwrap_or(l);
        Words {
            first: lines(include_str!("../data/first_names.txt"))
                .chain(["伟", "芳", "秀英", "翔太", "美咲", "민준", "Ngọc", "Łukasz"])
                .collect(),
            last: lines(include_str!("../data/last_names.txt"))
                .chain(["王", "李", "张", "佐藤", "鈴木", "김", "Nguyễn", "Øberg"])
                .collect(),
            companies: lines(include_str!("../data/companies.txt")).collect(),
            cities: lines(include_str!("../data/cities.txt")).map(before_comma).collect(),
            products: lines(include_str!("../data/products.txt")).map(before_comma).collect(),
        }
    }
}

const SUFFIXES: [&str; 5] = ["Ltd", "Inc", "GmbH", "SA", "LLC"];

/// `n` search keys in store order (kind, then id): 5% accounts, 80% contacts, 10% leads, 5% deals.
fn keys(words: &Words, n: usize) -> impl Iterator<Item = (RecordRef, String)> + '_ {
    let accounts = (n / 20).max(1);
    let leads = n / 10;
    let deals = n / 20;
    let contacts = n - accounts - leads - deals;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let counts =
        [(Kind::Account, accounts), (Kind::Contact, contacts), (Kind::Lead, leads), (Kind::Opportunity, deals)];
    counts.into_iter().flat_map(|(kind, count)| (1..=count as u64).map(move |id| (kind, id))).map(move |(kind, id)| {
        let text = match kind {
            Kind::Account => {
                let (name, domain) = company(words, id);
                let city = words.cities.choose(&mut rng).unwrap_or(&"Paris");
                format!("{name}\t{city}\twww.{domain}\t{}", phone(&mut rng))
            }
            Kind::Contact | Kind::Lead => {
                let (first, last) = (words.first.choose(&mut rng).unwrap(), words.last.choose(&mut rng).unwrap());
                let (company, domain) = if kind == Kind::Contact {
                    company(words, rng.random_range(1..=accounts as u64))
                } else {
                    let name = words.companies.choose(&mut rng).unwrap();
                    (format!("{name} Partners"), format!("{}.example.org", ascii_word(name)))
                };
                let local = match (ascii_word(first).chars().next(), ascii_word(last)) {
                    (Some(f), l) if !l.is_empty() => format!("{f}.{l}{}", rng.random_range(1..100)),
                    _ => format!("user{id}"),
                };
                format!("{first} {last}\t{company}\t{local}@{domain}\t{}", phone(&mut rng))
            }
            _ => {
                let (account, _) = company(words, rng.random_range(1..=accounts as u64));
                let product = words.products.choose(&mut rng).unwrap();
                let short = account.rsplit_once(' ').map_or(account.as_str(), |(s, _)| s);
                format!("{product} for {short}\t{account}")
            }
        };
        (RecordRef::new(kind, id), text)
    })
}

/// Account `id`'s name ("Aperture68 Ltd") and web domain ("aperture68.example.com").
fn company(words: &Words, id: u64) -> (String, String) {
    let base = words.companies[id as usize % words.companies.len()];
    let number = id / words.companies.len() as u64 % 100;
    let suffix = SUFFIXES[id as usize / 7 % SUFFIXES.len()];
    (format!("{base}{number} {suffix}"), format!("{}{number}.example.com", ascii_word(base)))
}

/// Lower-case ASCII letters of a word, accents dropped ("Müller" → "muller").
fn ascii_word(word: &str) -> String {
    word.chars()
        .map(nucleo_matcher::chars::normalize)
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A US, UK or German phone number.
fn phone(rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..4) {
        0 => format!("+44 20 7946 {:04}", rng.random_range(0..10_000)),
        1 => format!("+49 30 {:08}", rng.random_range(0..100_000_000)),
        _ => format!("+1 555 {:07}", rng.random_range(0..10_000_000)),
    }
}
