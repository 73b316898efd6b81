//! Text made safe and sized for a terminal: stored text may hold anything (imported data, pasted
//! escape sequences), so everything drawn or printed goes through here first.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// Whether a character changes the order text is shown in: the bidirectional embeddings,
/// overrides and isolates (U+202E shows `txt.exe` as `exe.txt`). The marks U+200E and U+200F,
/// which right-to-left writing needs, are not among them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a character must never leave rolo: a C0 or C1 control (ESC, BEL, NUL, U+009B...),
/// or a bidirectional override.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Text for one terminal line: control characters and bidirectional overrides removed (escape
/// sequences lose their ESC and so print harmlessly); tabs and newlines become spaces.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// Text for a data file (CSV, JSON, vCard, iCalendar): line breaks and tabs kept (Windows line
/// ends become plain ones), every other control character and bidirectional override removed.
pub fn plain(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    let text = text.replace("\r\n", "\n");
    Cow::Owned(text.chars().filter(|&c| !is_unsafe(c) || c == '\n' || c == '\t').collect())
}

/// `value` as pretty JSON with every string (keys included) as [`plain`] leaves it: what
/// `--json` and JSON exports print. The strings are cleaned as they are written, so nothing is
/// copied on the way.
pub fn write_plain_json(out: impl std::io::Write, value: &impl serde::Serialize) -> serde_json::Result<()> {
    value.serialize(&mut plain_json(out))
}

/// A serializer writing pretty JSON to `out` as [`write_plain_json`] does, for output made a
/// piece at a time (an export's records, one object made at a time).
pub fn plain_json<W: std::io::Write>(out: W) -> serde_json::Serializer<W, PlainJson<'static>> {
    serde_json::Serializer::with_formatter(out, PlainJson(serde_json::ser::PrettyFormatter::new()))
}

/// serde_json's pretty layout, leaving out of strings what [`plain`] takes out: control
/// characters but line breaks and tabs (a Windows line end becomes a plain one), and
/// bidirectional overrides.
pub struct PlainJson<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for PlainJson<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        // ASCII controls arrive as escapes; a fragment holds a C1 control or an override only
        // beyond ASCII.
        if fragment.is_ascii() || !fragment.chars().any(is_unsafe) {
            return w.write_all(fragment.as_bytes());
        }
        let kept: String = fragment.chars().filter(|&c| !is_unsafe(c)).collect();
        w.write_all(kept.as_bytes())
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        use serde_json::ser::CharEscape::*;
        let text: &[u8] = match escape {
            Quote => b"\\\"",
            ReverseSolidus => b"\\\\",
            LineFeed => b"\\n",
            Tab => b"\\t",
            _ => b"",
        };
        w.write_all(text)
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// The widest one word of a message may be: a value quoted back (a pasted paragraph, a
/// 100,000-character name) is cut with `…` so the message stays one readable line.
pub const MESSAGE_WORD: usize = 120;

/// A message for one terminal line ([`sanitize`]d) with every word wider than [`MESSAGE_WORD`]
/// cut with `…`, and the whole cut to ten times that.
pub fn message(text: &str) -> String {
    let clean = sanitize(text);
    let words: Vec<String> = clean.split(' ').map(|w| truncate(w, MESSAGE_WORD)).collect();
    truncate(&words.join(" "), MESSAGE_WORD * 10)
}

/// How many terminal columns the text takes (CJK and emoji count two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cuts sanitised text to at most `max` columns, ending with `…` when cut; never splits a
/// grapheme (a letter with its accents, a flag, a family emoji).
pub fn truncate(text: &str, max: usize) -> String {
    let clean = sanitize(text);
    // Most cells are plain ASCII, a column per byte once the control characters are gone: cut
    // without walking graphemes (this runs for every cell of every frame).
    if clean.is_ascii() {
        return match (clean.len() <= max, max) {
            (true, _) => clean.into_owned(),
            (false, 0) => String::new(),
            (false, _) => format!("{}…", &clean[..max - 1]),
        };
    }
    if width(&clean) <= max {
        return clean.into_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    // Whole graphemes only: a flag or a family emoji is never cut in half.
    for g in unicode_segmentation::UnicodeSegmentation::graphemes(clean.as_ref(), true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// The first line of a text, cut to `max` columns.
pub fn first_line(text: &str, max: usize) -> String {
    truncate(text.lines().next().unwrap_or_default(), max)
}

/// Fields whose values are words rolo chose (`no_answer`, `opted_in`, a lead source's
/// `trade_show`): stored and written in JSON in snake_case, read by people with spaces.
const WORD_FIELDS: &[&str] = &[
    "status",
    "outcome",
    "priority",
    "direction",
    "consent",
    "validity",
    "rating",
    "goal_met",
    "source",
    "lead_source",
];

/// A word rolo chose as people read it: `no_answer` → "no answer". JSON keeps the snake_case.
pub fn spoken(word: &str) -> String {
    word.replace('_', " ")
}

/// Field `key`'s JSON value as people read it: a date or an instant as `dates` writes them, a
/// word with spaces, anything else as [`json_plain`] gives it.
pub fn display_value(key: &str, v: &serde_json::Value, dates: crate::model::Dates) -> String {
    match v.as_str() {
        Some(t) if WORD_FIELDS.contains(&key) => spoken(t),
        Some(t) if MONEY_FIELDS.contains(&key) => {
            crate::model::Amount::parse(t).map_or_else(|_| t.to_string(), crate::model::Amount::grouped)
        }
        Some(t) => match chrono::DateTime::parse_from_rfc3339(t) {
            Ok(at) => dates.show_instant(crate::model::Timestamp(at.timestamp())),
            // A date (ISO in JSON) as the reader writes dates.
            Err(_) if t.len() == 10 => {
                crate::model::Date::parse_iso(t).map_or_else(|_| t.to_string(), |d| dates.show(d))
            }
            Err(_) => t.to_string(),
        },
        None if key == "duration_secs" => {
            v.as_u64().map_or_else(|| json_plain(v), |n| crate::model::format_duration(n.min(u32::MAX as u64) as u32))
        }
        None => json_plain(v),
    }
}

/// Fields holding money, shown with their thousands grouped as everywhere else.
const MONEY_FIELDS: &[&str] = &["amount", "price", "unit_price", "annual_revenue", "budget", "subtotal", "total"];

/// A JSON value as one line for people: lists joined by commas, an object as its first filled-in
/// value with the others in brackets (`ann@acme.example (opted_in, valid)`), `yes` / `no` for flags.
pub fn json_plain(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            let sep = if items.iter().any(Value::is_object) { "; " } else { ", " };
            items.iter().map(json_plain).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(sep)
        }
        Value::Object(map) => {
            let mut parts = map
                .iter()
                .filter(|(_, v)| !v.is_boolean())
                .map(|(k, v)| display_value(k, v, crate::model::Dates::default()))
                .filter(|s| !s.is_empty());
            match parts.next() {
                None => String::new(),
                Some(first) => {
                    let rest: Vec<String> = parts.collect();
                    if rest.is_empty() { first } else { format!("{first} ({})", rest.join(", ")) }
                }
            }
        }
    }
}

/// `1,234,567`: a count with its thousands grouped.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// "1 contact", "3 contacts": a count with its noun (`many` for any other count).
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whether a name is written in Chinese, Japanese or Korean script, where the family name comes
/// first (`山田 太郎`).
pub fn family_name_first(name: &str) -> bool {
    name.chars().any(|c| matches!(u32::from(c), 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_their_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2598), "2,598");
        assert_eq!(thousands(1_030_000), "1,030,000");
    }

    #[test]
    fn escape_sequences_are_defused() {
        assert_eq!(sanitize("Ann\u{1b}[2J Lee\u{7}"), "Ann[2J Lee");
        assert_eq!(sanitize("a\tb\nc"), "a b c");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
        assert_eq!(sanitize("a\u{9b}31mb\u{202e}txt.exe\u{200f}"), "a31mbtxt.exe\u{200f}");
    }

    #[test]
    fn messages_cut_long_values() {
        let m = message(&format!("no stage named '{}': see rolo stage list", "s".repeat(131_000)));
        assert!(m.starts_with("no stage named 'sss") && m.ends_with("… see rolo stage list"), "{m}");
        assert!(width(&m) < MESSAGE_WORD + 40);
        assert_eq!(message("plain words stay"), "plain words stay");
    }

    #[test]
    fn data_text_keeps_lines_and_loses_controls() {
        assert_eq!(plain("a\r\nb\u{1b}[2J\tc\u{7}\0\u{9b}\u{202e}d"), "a\nb[2J\tcd");
        assert_eq!(plain("Zoë 株式会社"), "Zoë 株式会社");
        let mut out = Vec::new();
        let value = serde_json::json!({"a\u{1b}": ["x\u{1b}]52;c;Zm9v\u{7}\u{9b}\u{202e}", "l1\r\nl2\t\"q\" \\", 1]});
        write_plain_json(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "{\n  \"a\": [\n    \"x]52;c;Zm9v\",\n    \"l1\\nl2\\t\\\"q\\\" \\\\\",\n    1\n  ]\n}");
    }

    #[test]
    fn json_reads_as_one_line() {
        let v = serde_json::json!([
            {"address": "ann@acme.example", "label": null, "consent": "opted_in", "validity": "valid"},
            {"address": "a@b.example", "label": null, "consent": "unknown", "validity": "unknown"}
        ]);
        assert_eq!(json_plain(&v), "ann@acme.example (opted in, valid); a@b.example (unknown, unknown)");
        assert_eq!(json_plain(&serde_json::json!(["golf", "jazz"])), "golf, jazz");
        assert_eq!(json_plain(&serde_json::json!(false)), "no");
    }

    #[test]
    fn truncation_counts_columns() {
        assert_eq!(truncate("東京都渋谷区", 7), "東京都…");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdef", 4), "abc…");
        // e + combining acute stays whole; so does a flag.
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 3), "e\u{301}e\u{301}e\u{301}");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(truncate("🇫🇷🇩🇪🇮🇹", 5), "🇫🇷🇩🇪…");
        assert_eq!(width("東京"), 4);
    }
}
