//! Character sets folded into 64 bits, so that a query skips every text lacking one of its
//! characters without reading the text, plus two facts about the text that tell how nucleo will
//! read it.

use nucleo_matcher::Utf32Str;
use nucleo_matcher::chars::{normalize, to_lower_case};

/// Which characters a text holds, as nucleo compares them (any case, accents folded): one bit per
/// ASCII letter and digit and for the tab, space and common punctuation of names, emails and
/// phone numbers; shared bits for the other characters. Sharing bits only lets more texts
/// through, never fewer. Two flag bits, never set for a needle, say whether the text has
/// non-ASCII characters and whether some may join into one grapheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct CharSet(u64);

/// Bits 0..26 are letters, 26..36 digits, 36..43 the characters of `OWN_BITS` (the tab first), 43
/// the other ASCII characters; then bits shared by the other characters, and the flags.
const OWN_BITS: [char; 7] = ['\t', ' ', '.', '@', '-', '+', '\''];
const TAB: u64 = 1 << 36;
const OTHER_ASCII: u64 = 1 << 43;
const OTHER: (u32, u32) = (44, 18);
/// Flag: a character may join the one before it into a grapheme (a combining mark, say).
const JOINS: u64 = 1 << 62;
/// Flag: the text has a non-ASCII character.
const NON_ASCII: u64 = 1 << 63;

impl CharSet {
    /// The characters of `text`, each under every form a needle character could take to match it.
    pub(super) fn of_text(text: &str) -> CharSet {
        // Bytes of non-ASCII characters look up 0, so the fold covers exactly the ASCII ones.
        let ascii = text.bytes().fold(0, |bits, b| bits | ASCII_TEXT_BITS[b as usize]);
        if text.is_ascii() {
            return CharSet(ascii);
        }
        CharSet(text.chars().filter(|c| !c.is_ascii()).fold(ascii | NON_ASCII, |bits, c| bits | non_ascii_bits(c)))
    }

    /// The characters that begin or end a word of `text` (a run of letters and digits), in every
    /// form a needle character could take to match them: a query word can be found whole in the
    /// text only if its first and last characters are among them (see [`CharSet::of_word_ends`]).
    pub(super) fn of_word_edges(text: &str) -> CharSet {
        const FLAGS: u64 = JOINS | NON_ASCII;
        let mut bits = 0;
        if text.is_ascii() {
            let bytes = text.as_bytes();
            for (i, &b) in bytes.iter().enumerate() {
                let after_word = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
                let before_word = bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
                if !after_word || !before_word {
                    bits |= ASCII_TEXT_BITS[b as usize];
                }
            }
            return CharSet(bits & !FLAGS);
        }
        let mut chars = text.chars().peekable();
        let mut after_word = false;
        while let Some(c) = chars.next() {
            let before_word = chars.peek().is_some_and(|n| n.is_alphanumeric());
            if !after_word || !before_word {
                bits |= if c.is_ascii() { ASCII_TEXT_BITS[c as usize] } else { non_ascii_bits(c) };
            }
            after_word = c.is_alphanumeric();
        }
        CharSet(bits & !FLAGS)
    }

    /// The first and last characters of a (case-folded) query word, which a text's word edges
    /// must hold for the word to be found whole in it.
    pub(super) fn of_word_ends(word: &[char]) -> CharSet {
        CharSet(word.first().map_or(0, |&c| bit(c)) | word.last().map_or(0, |&c| bit(c)))
    }

    /// The characters a (case-folded) needle needs.
    pub(super) fn of_needle(needle: Utf32Str<'_>) -> CharSet {
        CharSet(needle.chars().fold(0, |bits, c| bits | bit(c)))
    }

    /// Both sets together.
    pub(super) fn union(self, other: CharSet) -> CharSet {
        CharSet(self.0 | other.0)
    }

    /// Whether every character of `other` may be in this set.
    pub(super) fn contains(self, other: CharSet) -> bool {
        other.0 & !self.0 == 0
    }

    /// Whether the text holds a tab, that is, has details after its name.
    pub(super) fn has_tab(self) -> bool {
        self.0 & TAB != 0
    }

    /// Whether the text is plain ASCII (so nucleo reads its bytes as they are).
    pub(super) fn is_ascii(self) -> bool {
        self.0 & NON_ASCII == 0
    }

    /// Whether every character of the text is a grapheme of its own, so that nucleo reads it as
    /// its characters (no segmentation needed).
    pub(super) fn is_one_char_per_grapheme(self) -> bool {
        self.0 & JOINS == 0
    }
}

/// The bits of each byte of a text, looked up while loading texts: those of the character for
/// ASCII, none for the bytes of other characters. A carriage return joins the line feed after it
/// into one grapheme.
const ASCII_TEXT_BITS: [u64; 256] = {
    let mut bits = [0; 256];
    let mut b = 0;
    while b < 128 {
        bits[b] = bit(b as u8 as char) | if b == b'\r' as usize { JOINS } else { 0 };
        b += 1;
    }
    bits
};

/// The bit of one character; upper-case ASCII shares the bit of its lower case.
const fn bit(c: char) -> u64 {
    let n = c as u32;
    match c {
        'a'..='z' => 1 << (n - 'a' as u32),
        'A'..='Z' => 1 << (n - 'A' as u32),
        '0'..='9' => 1 << (26 + n - '0' as u32),
        _ if c.is_ascii() => {
            let mut i = 0;
            while i < OWN_BITS.len() {
                if OWN_BITS[i] == c {
                    return 1 << (36 + i as u32);
                }
                i += 1;
            }
            OTHER_ASCII
        }
        _ => 1 << (OTHER.0 + (n.wrapping_mul(0x9E37_79B9) >> 16) % OTHER.1),
    }
}

/// The bits of a non-ASCII text character: as it is, as nucleo may fold it (case, accents), and
/// the flags.
fn non_ascii_bits(c: char) -> u64 {
    let joins = if stands_alone(c) { 0 } else { JOINS };
    NON_ASCII | joins | bit(c) | bit(to_lower_case(c)) | bit(to_lower_case(normalize(c)))
}

/// Whether `c` is known never to join a neighbour into one grapheme: letters and punctuation of
/// the Latin, Greek, Cyrillic, CJK, kana and Hangul-syllable blocks, without their combining marks.
/// Anything else counts as joining, which only costs a slower conversion.
const fn stands_alone(c: char) -> bool {
    matches!(c as u32,
        0x00A0..=0x02FF // Latin-1 to spacing modifiers (combining marks start at 0x0300)
        | 0x0370..=0x0482 | 0x048A..=0x052F // Greek and Cyrillic (0x0483..0x0489 combine)
        | 0x1E00..=0x1FFF // Latin Extended Additional (Vietnamese), Greek Extended
        | 0x2010..=0x2027 // dashes, quotes, bullets
        | 0x3000..=0x3029 | 0x3030..=0x303F // CJK punctuation (0x302A..0x302F combine)
        | 0x3040..=0x3098 | 0x309B..=0x30FF // kana (0x3099, 0x309A combine)
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF // CJK ideographs
        | 0xAC00..=0xD7A3 // Hangul syllables
        | 0xFF01..=0xFF9D // full-width forms (0xFF9E, 0xFF9F combine)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needle(s: &str) -> CharSet {
        let chars: Vec<char> = s.chars().collect();
        CharSet::of_needle(Utf32Str::Unicode(&chars))
    }

    #[test]
    fn a_text_holds_its_characters_in_any_case_and_without_accents() {
        let text = CharSet::of_text("Zoë MÜLLER\t王伟");
        for n in ["zoe", "zoë", "muller", "müller", "王", "伟", "\t"] {
            assert!(text.contains(needle(n)), "{n}");
        }
        assert!(!text.contains(needle("x")));
        assert!(!text.is_ascii() && text.has_tab() && text.is_one_char_per_grapheme());
        assert!(CharSet::of_text("Ann Lee").is_ascii());
        assert!(!CharSet::of_text("Ann Lee").contains(needle(".")), "a space is not a dot");
        assert!(!CharSet::of_text("Ann Lee").has_tab());
    }

    #[test]
    fn word_edges_are_the_first_and_last_characters_of_words() {
        let edges = CharSet::of_word_edges("Deal #7\tann@acme.io");
        let ends = |w: &str| CharSet::of_word_ends(&w.chars().collect::<Vec<_>>());
        for word in ["deal", "#7", "ann", "acme", "io", "ann@acme.io", "7"] {
            assert!(edges.contains(ends(word)), "{word}");
        }
        assert!(!edges.contains(ends("nc")) && !edges.contains(ends("cm")));
        assert!(CharSet::of_word_edges("Élodie Müller").contains(ends("elodie")));
        assert!(CharSet::of_word_edges("Zoë").contains(ends("zoe")));
    }

    #[test]
    fn combining_marks_and_crlf_join() {
        assert!(!CharSet::of_text("Jose\u{301}").is_one_char_per_grapheme());
        assert!(!CharSet::of_text("Zoë\r\n").is_one_char_per_grapheme());
        assert!(!CharSet::of_text("👍🏽").is_one_char_per_grapheme());
        assert!(CharSet::of_text("Nguyễn Ngọc ジョン 김민준").is_one_char_per_grapheme());
    }
}
