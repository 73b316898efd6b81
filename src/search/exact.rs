//! Exact matches, which rank above fuzzy ones: a query word found as a whole word of a text
//! ("#7" in "Renewal deal #7", not in "Renewal deal #77"), and a query that is the whole name.
//! Characters compare as nucleo compares them: any case, accents folded unless the word has some.

use nucleo_matcher::chars::{normalize, to_lower_case};

/// The query's words, ready to be looked for whole.
pub(super) struct Exact {
    /// Each word as nucleo holds it (case-folded).
    words: Vec<Vec<char>>,
    /// Whether accents in the text are folded, as nucleo does for words without accents.
    fold_accents: bool,
    /// Whether every word is ASCII, so an ASCII text is compared byte by byte.
    ascii: bool,
}

impl Exact {
    /// The exact-match test of these (case-folded) words.
    pub(super) fn new(words: Vec<Vec<char>>) -> Exact {
        let fold_accents = words.iter().flatten().all(|&c| normalize(c) == c);
        let ascii = words.iter().flatten().all(char::is_ascii);
        Exact { words, fold_accents, ascii }
    }

    /// How many words the query has.
    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    /// How many of the query's words `text` holds as whole words (not part of a longer run of
    /// letters and digits), and whether its name (up to the first tab) is the query itself.
    /// `chars` is a buffer.
    pub(super) fn find(&self, text: &str, chars: &mut Vec<char>) -> (u32, bool) {
        if self.ascii && text.is_ascii() {
            return self.find_ascii(text.as_bytes());
        }
        chars.clear();
        chars.extend(text.chars().map(|c| fold(c, self.fold_accents)));
        let whole = self.words.iter().filter(|w| holds_word(chars, w)).count() as u32;
        let name_end = chars.iter().position(|&c| c == '\t').unwrap_or(chars.len());
        let mut name = chars[..name_end].split(|c| c.is_whitespace()).filter(|w| !w.is_empty());
        let is_name = whole as usize == self.words.len()
            && self.words.iter().all(|w| name.next() == Some(w.as_slice()))
            && name.next().is_none();
        (whole, is_name)
    }
}

impl Exact {
    /// [`Exact::find`] for an ASCII text and words, without copying the text: the common case,
    /// run on every text a query may rank.
    fn find_ascii(&self, text: &[u8]) -> (u32, bool) {
        let mut whole = 0;
        for word in &self.words {
            let Some(&first) = word.first() else { continue };
            let (len, first) = (word.len(), first as u8);
            let found = len <= text.len()
                && (0..=text.len() - len).any(|at| {
                    text[at].to_ascii_lowercase() == first
                        && (at == 0 || !text[at - 1].is_ascii_alphanumeric())
                        && (at + len == text.len() || !text[at + len].is_ascii_alphanumeric())
                        && text[at..at + len].iter().zip(word).all(|(&t, &w)| t.to_ascii_lowercase() == w as u8)
                });
            whole += u32::from(found);
        }
        if whole as usize != self.words.len() {
            return (whole, false);
        }
        let name = text.split(|&b| b == b'\t').next().unwrap_or_default();
        let mut parts = name.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty());
        let is_name = self.words.iter().all(|w| {
            parts.next().is_some_and(|p| {
                p.len() == w.len() && p.iter().zip(w).all(|(&t, &c)| t.to_ascii_lowercase() == c as u8)
            })
        }) && parts.next().is_none();
        (whole, is_name)
    }
}

/// A text character as nucleo compares it with a needle.
pub(super) fn fold(c: char, fold_accents: bool) -> char {
    match (c.is_ascii(), fold_accents) {
        (true, _) => c.to_ascii_lowercase(),
        (false, true) => to_lower_case(normalize(c)),
        (false, false) => to_lower_case(c),
    }
}

/// Whether `word` occurs in `text` with no letter or digit right before or after it.
fn holds_word(text: &[char], word: &[char]) -> bool {
    if word.is_empty() || word.len() > text.len() {
        return false;
    }
    (0..=text.len() - word.len()).any(|at| {
        let end = at + word.len();
        (at == 0 || !text[at - 1].is_alphanumeric())
            && (end == text.len() || !text[end].is_alphanumeric())
            && text[at..end] == *word
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(query: &str, text: &str) -> (u32, bool) {
        Exact::new(query.split_whitespace().map(|w| w.to_lowercase().chars().collect()).collect())
            .find(text, &mut Vec::new())
    }

    #[test]
    fn whole_words_and_whole_names_are_told_apart_from_parts() {
        assert_eq!(find("renewal deal #7", "Renewal deal #7\tAcme"), (3, true));
        assert_eq!(find("renewal deal #7", "Renewal deal #77\tAcme"), (2, false));
        assert_eq!(find("#7", "Renewal deal #72"), (0, false));
        assert_eq!(find("ann", "Anna Lee\tann@acme.example.com"), (1, false), "a word of the email counts");
        assert_eq!(find("acme", "Acme Holdings"), (1, false));
        assert_eq!(find("acme", "ACME\tParis"), (1, true));
        assert_eq!(find("muller", "Zoë Müller"), (1, false), "accents fold for a word without any");
        assert_eq!(find("müller", "Zoë Muller"), (0, false), "a word with an accent wants it");
        assert_eq!(find("王", "王 伟"), (1, false));
        assert_eq!(find("lee ann", "Ann Lee"), (2, false), "the name in another order is not the name");
    }
}
