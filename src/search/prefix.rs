//! Word-prefix matching of a name, the cheap test behind one- and two-character queries: such a
//! query fuzzy-matches most texts, so scoring them all says little and costs much.

use nucleo_matcher::chars::normalize;

/// A needle matched against the starts of a name's words.
pub(super) struct WordPrefix {
    needle: Vec<char>,
    /// Whether accents in the name are folded, as nucleo does for needles without accents.
    fold_accents: bool,
}

impl WordPrefix {
    /// A matcher for a needle already case-folded (as nucleo's pattern holds it).
    pub(super) fn new(needle: impl IntoIterator<Item = char>) -> WordPrefix {
        let needle: Vec<char> = needle.into_iter().collect();
        assert!(needle.len() < 64, "word-prefix needles are short");
        let fold_accents = needle.iter().all(|&c| normalize(c) == c);
        WordPrefix { needle, fold_accents }
    }

    /// Whether the needle splits into prefixes of successive words of `name`, in order: "pa"
    /// matches "Patricia Jones", and so does "pj" (initials); "at" does not. A word starts after
    /// a character that is not a letter or digit, or at a capital after a small letter.
    pub(super) fn matches(&self, name: &str) -> bool {
        let done = 1u64 << self.needle.len();
        // Bit j of `open`: the needle's first j characters matched, the last one just before
        // this character. Bit j of `closed`: they matched further back.
        let (mut open, mut closed, mut prev) = (0u64, 1u64, ' ');
        for c in name.chars() {
            let word_start = !prev.is_alphanumeric() || (prev.is_lowercase() && c.is_uppercase());
            let from = if word_start { open | closed } else { open };
            closed |= open;
            open = self.advance(from, self.fold(c));
            if open & done != 0 {
                return true;
            }
            prev = c;
        }
        false
    }

    /// The states reached from `from` by matching `c`.
    fn advance(&self, from: u64, c: char) -> u64 {
        self.needle
            .iter()
            .enumerate()
            .filter(|&(j, &n)| from & (1 << j) != 0 && n == c)
            .fold(0, |to, (j, _)| to | 2 << j)
    }

    /// A name character as nucleo compares it with the needle.
    fn fold(&self, c: char) -> char {
        super::exact::fold(c, self.fold_accents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(needle: &str, name: &str) -> bool {
        WordPrefix::new(needle.chars()).matches(name)
    }

    #[test]
    fn word_starts_and_initials_match_inner_letters_do_not() {
        assert!(matches("p", "Patricia Jones"));
        assert!(matches("j", "Patricia Jones"));
        assert!(matches("pa", "Patricia Jones"));
        assert!(matches("pj", "Patricia Jones"));
        assert!(matches("b", "O'Brien"));
        assert!(matches("d", "McDonald"));
        assert!(!matches("at", "Patricia Jones"));
        assert!(!matches("jp", "Patricia Jones"));
        assert!(!matches("pz", "Patricia Jones"));
    }

    #[test]
    fn accents_fold_like_nucleo() {
        assert!(matches("e", "Élodie Moreau"));
        assert!(matches("é", "Élodie Moreau"));
        assert!(!matches("é", "Emma Moreau"));
        assert!(matches("王", "王伟"));
    }
}
