//! The one single-line text field of the app: form fields, the call form, quote cells, one-line
//! questions, filter lines, the search box, pickers and the Reports period all edit through it,
//! so the same keys (those of `keymap::TEXT`) do the same thing everywhere.
//!
//! A value rolo proposes (a new deal's close date, a call's follow-up due `+3d`, a quote cell) is
//! *selected*: the first character typed replaces it, Backspace empties it, a move keeps it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use tui_input::{Input, InputRequest};
use unicode_segmentation::UnicodeSegmentation;

use super::keymap::{self, Action, Lookup, TextKey};
use crate::text::{sanitize, truncate, width};

/// A line of text being typed, with its cursor.
#[derive(Debug, Clone, Default)]
pub struct LineField {
    input: Input,
    /// Whether the whole value is selected: the first character typed replaces it.
    selected: bool,
}

impl LineField {
    /// A field holding `value`, the cursor at its end.
    pub fn new(value: impl Into<String>) -> LineField {
        LineField { input: Input::new(value.into()), selected: false }
    }

    /// A field holding a value rolo proposes, selected so that typing replaces it.
    pub fn proposed(value: impl Into<String>) -> LineField {
        let value = value.into();
        LineField { selected: !value.is_empty(), input: Input::new(value) }
    }

    /// What is typed.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Whether the value is selected (typing replaces it).
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// Selects the whole value, as when it is proposed.
    pub fn select(&mut self) {
        self.selected = !self.value().is_empty();
    }

    /// Replaces the value, the cursor at its end.
    pub fn set(&mut self, value: impl Into<String>) {
        *self = LineField::new(value);
    }

    /// Applies a key: characters go in at the cursor, the keys of `keymap::TEXT` move it or
    /// delete. `None` when the key is not one a field answers (Enter, Tab, Esc, other Ctrl
    /// keys), else whether the value changed.
    pub fn handle(&mut self, key: KeyEvent) -> Option<bool> {
        let name = keymap::key_name(&key)?;
        let request = match keymap::lookup(&[keymap::TEXT], &name) {
            Lookup::Action(Action::Text(k)) => request(k),
            _ => match key.code {
                KeyCode::Char(c) if typed(key.modifiers) => InputRequest::InsertChar(c),
                _ => return None,
            },
        };
        Some(self.apply(request))
    }

    fn apply(&mut self, request: InputRequest) -> bool {
        use InputRequest::*;
        if std::mem::take(&mut self.selected) {
            match request {
                InsertChar(_) => self.input = Input::default(),
                DeletePrevChar | DeleteNextChar | DeletePrevWord | DeleteNextWord | DeleteLine | DeleteTillEnd => {
                    let changed = !self.value().is_empty();
                    self.input = Input::default();
                    return changed;
                }
                _ => {}
            }
        }
        self.input.handle(request).is_some_and(|changed| changed.value)
    }

    /// The value drawn in `room` columns in `style`, with the cursor (`▏`): when it is too
    /// long, the start gives way so the cursor stays in view. A selected value is underlined.
    pub fn spans(&self, room: usize, style: Style) -> Vec<Span<'static>> {
        // A line break (from a paste) shows as ⏎ on the one line.
        let (before, after) = self.split();
        let shown = |text: &str| sanitize(&text.replace('\n', "⏎")).into_owned();
        let (before, after) = (shown(before), shown(after));
        // The end of what precedes the cursor that fits, whole graphemes, read from the cursor
        // back (a huge paste costs one pass, not one per character dropped).
        let (mut start, mut used) = (before.len(), 0);
        for (at, g) in before.grapheme_indices(true).rev() {
            if used + width(g) + 1 > room.max(1) {
                break;
            }
            (start, used) = (at, used + width(g));
        }
        let before = &before[start..];
        let after = truncate(&after, room.saturating_sub(used + 1));
        let shown = if self.selected { style.add_modifier(Modifier::UNDERLINED) } else { style };
        vec![Span::styled(before.to_string(), shown), Span::styled("▏", style), Span::styled(after, style)]
    }

    /// A line showing `prompt` then the value, with its cursor, in `room` columns in all.
    pub fn after(&self, prompt: Span<'static>, room: usize) -> Line<'static> {
        let rest = room.saturating_sub(width(&prompt.content));
        let mut line = Line::from(prompt);
        line.spans.extend(self.spans(rest, Style::new()));
        line
    }

    /// The value before and after the cursor.
    fn split(&self) -> (&str, &str) {
        let value = self.value();
        let at = value.char_indices().nth(self.input.cursor()).map_or(value.len(), |(i, _)| i);
        value.split_at(at)
    }
}

/// Whether a character key with `modifiers` types its character (AltGr arrives as Ctrl+Alt).
fn typed(modifiers: KeyModifiers) -> bool {
    let ctrl_alt = KeyModifiers::CONTROL | KeyModifiers::ALT;
    !modifiers.intersects(ctrl_alt) || modifiers.contains(ctrl_alt)
}

/// What an editing key asks of the line.
fn request(key: TextKey) -> InputRequest {
    match key {
        TextKey::Left => InputRequest::GoToPrevChar,
        TextKey::Right => InputRequest::GoToNextChar,
        TextKey::WordLeft => InputRequest::GoToPrevWord,
        TextKey::WordRight => InputRequest::GoToNextWord,
        TextKey::Start => InputRequest::GoToStart,
        TextKey::End => InputRequest::GoToEnd,
        TextKey::Backspace => InputRequest::DeletePrevChar,
        TextKey::Delete => InputRequest::DeleteNextChar,
        TextKey::DeleteWord => InputRequest::DeletePrevWord,
        TextKey::DeleteWordAfter => InputRequest::DeleteNextWord,
        TextKey::Clear => InputRequest::DeleteLine,
        TextKey::DeleteToEnd => InputRequest::DeleteTillEnd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(f: &mut LineField, keys: &str) {
        for k in keys.split_whitespace() {
            f.handle(keymap::key_event(k).unwrap());
        }
    }

    #[test]
    fn keys_edit_at_the_cursor() {
        let mut f = LineField::new("12");
        press(&mut f, "home 9 8");
        assert_eq!(f.value(), "9812");
        press(&mut f, "end ctrl-a delete ctrl-e backspace");
        assert_eq!(f.value(), "81");
        let mut f = LineField::new("send the pricing");
        press(&mut f, "ctrl-w");
        assert_eq!(f.value(), "send the ");
        press(&mut f, "ctrl-u");
        assert_eq!(f.value(), "");
        assert_eq!(f.handle(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), None, "Ctrl-S is not text");
        assert_eq!(f.handle(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), None);
    }

    #[test]
    fn a_proposed_value_is_replaced_by_the_first_character_and_kept_by_a_move() {
        let mut f = LineField::proposed("+3d");
        press(&mut f, "f r i");
        assert_eq!(f.value(), "fri");
        let mut f = LineField::proposed("+3d");
        press(&mut f, "backspace");
        assert_eq!(f.value(), "");
        let mut f = LineField::proposed("+3d");
        press(&mut f, "home 1");
        assert_eq!((f.value(), f.is_selected()), ("1+3d", false));
        let mut f = LineField::proposed("+3d");
        press(&mut f, "right 1");
        assert_eq!(f.value(), "+3d1", "a move at the end keeps the value");
    }

    #[test]
    fn a_long_value_keeps_the_cursor_in_view() {
        let mut f = LineField::new("abcdefghij");
        let text = |f: &LineField| f.spans(5, Style::new()).iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(text(&f), "ghij▏");
        press(&mut f, "home");
        assert_eq!(text(&f), "▏abc…", "the end gives way, marked");
        // Wide characters count their columns; a huge value draws in one pass.
        assert_eq!(text(&LineField::new("株式会社")), "会社▏");
        let huge = LineField::new("x".repeat(1_000_000));
        assert_eq!(huge.spans(80, Style::new())[0].content.len(), 79);
    }
}
