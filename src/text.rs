//! Text made safe and sized for a terminal: stored text may hold anything (imported data, pasted
//! escape sequences), so everything drawn or printed goes through here first.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// Removes control characters (escape sequences lose their ESC and so print harmlessly);
/// tabs and newlines become spaces.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// How many terminal columns the text takes (CJK and emoji count two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cuts sanitised text to at most `max` columns, ending with `…` when cut; never splits a
/// grapheme (a letter with its accents, a flag, a family emoji).
pub fn truncate(text: &str, max: usize) -> String {
    let clean = sanitize(text);
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

/// A field's JSON value as people read it: an instant in local time, anything else as
/// [`json_plain`] gives it.
pub fn display_value(v: &serde_json::Value) -> String {
    match v.as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
        Some(at) => crate::model::Timestamp(at.timestamp()).display_local(),
        None => json_plain(v),
    }
}

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
            let mut parts = map.values().filter(|v| !v.is_boolean()).map(json_plain).filter(|s| !s.is_empty());
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
    fn escape_sequences_are_defused() {
        assert_eq!(sanitize("Ann\u{1b}[2J Lee\u{7}"), "Ann[2J Lee");
        assert_eq!(sanitize("a\tb\nc"), "a b c");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_reads_as_one_line() {
        let v = serde_json::json!([
            {"address": "ann@acme.example", "label": null, "consent": "opted_in", "validity": "valid"},
            {"address": "a@b.example", "label": null, "consent": "unknown", "validity": "unknown"}
        ]);
        assert_eq!(json_plain(&v), "ann@acme.example (opted_in, valid); a@b.example (unknown, unknown)");
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
