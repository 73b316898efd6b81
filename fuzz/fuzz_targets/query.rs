//! Fuzzes rolo::fuzz::query with filters built from known keys and arbitrary values.
#![no_main]

use arbitrary::Arbitrary;

/// One `key:value` term or a plain word.
#[derive(Arbitrary, Debug)]
struct Term {
    key: Option<u8>,
    value: String,
}

const KEYS: [&str; 8] = ["owner", "account", "from", "to", "close", "project", "outcome", "country"];

libfuzzer_sys::fuzz_target!(|terms: Vec<Term>| {
    let text: Vec<String> = terms
        .iter()
        .map(|t| match t.key {
            Some(k) => format!("{}:{}", KEYS[k as usize % KEYS.len()], t.value),
            None => t.value.clone(),
        })
        .collect();
    rolo::fuzz::query(text.join(" ").as_bytes());
});
