//! Highlighting of what a query matched, with the matcher of the record search (nucleo-matcher).
//! Short lists (the palette, pickers) are ranked by [`crate::search::rank_items`], the search's
//! own ranking.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// The character positions of `text` that `query` (up to the search's cap) matches, for
/// highlighting.
pub fn matched_chars(query: &str, text: &str) -> Vec<usize> {
    let pattern = Pattern::parse(crate::search::capped(query), CaseMatching::Ignore, Normalization::Smart);
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
    fn highlights() {
        assert_eq!(matched_chars("ann", "Ann Lee"), vec![0, 1, 2]);
    }
}
