//! Fuzzy matching for the palette and for highlighting, with the same scorer as the record search
//! (nucleo-matcher), so ranking feels the same everywhere.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Positions in `items` that match `query`, best first (ties keep their order).
pub fn rank(query: &str, items: &[String]) -> Vec<usize> {
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| pattern.score(Utf32Str::new(item, &mut buf), &mut matcher).map(|s| (s, i)))
        .collect();
    scored.sort_by_key(|&(s, i)| (std::cmp::Reverse(s), i));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// The character positions of `text` that `query` matches, for highlighting.
pub fn matched_chars(query: &str, text: &str) -> Vec<usize> {
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut indices = Vec::new();
    pattern.indices(Utf32Str::new(text, &mut buf), &mut matcher, &mut indices);
    let mut out: Vec<usize> = indices.into_iter().map(|i| i as usize).collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_and_highlights() {
        let items = vec!["go to contacts".to_string(), "go to calls".to_string(), "help".to_string()];
        assert_eq!(rank("calls", &items).first(), Some(&1));
        assert!(rank("zzz", &items).is_empty());
        assert_eq!(matched_chars("ann", "Ann Lee"), vec![0, 1, 2]);
    }
}
