//! The one multi-line text field (a call's notes): the editing of `ratatui-textarea` (a cursor
//! over lines, words, deletion) answering the same keys as every single-line field (`TEXT`),
//! Enter starting a new line, and drawn as the single-line field is, the cursor as `▏`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::CursorMove;

use crate::text::sanitize;
use crate::tui::keymap::{self, Action, Lookup, TextKey};

/// A field of lines.
#[derive(Debug, Clone, Default)]
pub struct TextArea {
    area: ratatui_textarea::TextArea<'static>,
}

impl TextArea {
    /// A field holding `text`, the cursor at its end.
    pub fn new(text: &str) -> TextArea {
        let mut area = ratatui_textarea::TextArea::new(text.split('\n').map(String::from).collect());
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        TextArea { area }
    }

    /// What is typed, its lines joined by line breaks.
    pub fn value(&self) -> String {
        self.area.lines().join("\n")
    }

    /// Starts a new line at the cursor (what Enter does).
    pub fn newline(&mut self) {
        self.area.insert_newline();
    }

    /// The line the cursor is on, counted from 0 (to keep it in view).
    pub fn cursor_row(&self) -> usize {
        self.area.cursor().0
    }

    /// Applies an editing key (those of `TEXT`, Enter for a new line, a character typed):
    /// `Some(changed)` when it is one, `None` when the key is not for the field.
    pub fn handle(&mut self, key: KeyEvent) -> Option<bool> {
        let a = &mut self.area;
        let moved = |a: &mut ratatui_textarea::TextArea<'static>, to| {
            a.move_cursor(to);
            false
        };
        let named = keymap::key_name(&key).map(|name| keymap::lookup(&[keymap::TEXT], &name));
        Some(match named {
            Some(Lookup::Action(Action::Text(k))) => match k {
                TextKey::Left => moved(a, CursorMove::Back),
                TextKey::Right => moved(a, CursorMove::Forward),
                TextKey::WordLeft => moved(a, CursorMove::WordBack),
                TextKey::WordRight => moved(a, CursorMove::WordForward),
                TextKey::Start => moved(a, CursorMove::Head),
                TextKey::End => moved(a, CursorMove::End),
                TextKey::Backspace => a.delete_char(),
                TextKey::Delete => a.delete_next_char(),
                TextKey::DeleteWord => a.delete_word(),
                TextKey::DeleteWordAfter => a.delete_next_word(),
                TextKey::DeleteToEnd => a.delete_line_by_end(),
                TextKey::Clear => {
                    let changed = !a.is_empty();
                    *a = ratatui_textarea::TextArea::default();
                    changed
                }
            },
            _ => match key.code {
                KeyCode::Enter => {
                    a.insert_newline();
                    true
                }
                KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
                    a.insert_char(c);
                    true
                }
                _ => return None,
            },
        })
    }

    /// At most `room` lines as drawn: with the cursor (`▏`) and scrolled to keep it in view when
    /// the field has the focus, else the first ones; each made safe to print.
    pub fn shown(&self, focused: bool, room: usize) -> Vec<String> {
        if focused {
            let lines = self.lines_with_cursor();
            lines.into_iter().skip(super::scrolled(self.cursor_row(), room)).take(room).collect()
        } else {
            self.area.lines().iter().take(room).map(|l| sanitize(l).into_owned()).collect()
        }
    }

    /// The lines with a cursor mark (`▏`) where the cursor is, each made safe to print.
    pub fn lines_with_cursor(&self) -> Vec<String> {
        let cursor = self.area.cursor();
        let (row, col) = (cursor.0, cursor.1);
        self.area
            .lines()
            .iter()
            .enumerate()
            .map(|(i, line)| {
                if i != row {
                    return sanitize(line).into_owned();
                }
                let at = line.char_indices().nth(col).map_or(line.len(), |(at, _)| at);
                sanitize(&format!("{}▏{}", &line[..at], &line[at..])).into_owned()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Presses the keys named as the tables name them; a word that names no key is typed.
    fn keys(t: &mut TextArea, keys: &str) {
        for k in keys.split_whitespace() {
            match keymap::key_event(k) {
                Some(key) => {
                    t.handle(key);
                }
                None => {
                    for c in k.chars() {
                        t.handle(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
                    }
                }
            }
        }
    }

    #[test]
    fn enter_starts_a_line_and_the_text_keys_edit_the_line_of_the_cursor() {
        let mut t = TextArea::default();
        keys(&mut t, "first enter second");
        assert_eq!(t.value(), "first\nsecond");
        assert_eq!(t.lines_with_cursor(), ["first", "second▏"]);
        keys(&mut t, "home x ctrl-e left backspace");
        assert_eq!(t.lines_with_cursor(), ["first", "xseco▏d"]);
        keys(&mut t, "ctrl-w");
        assert_eq!(t.value(), "first\nd");
        keys(&mut t, "ctrl-u");
        assert_eq!(t.value(), "", "Ctrl-U empties the field, as in every field");
        assert_eq!(t.handle(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)), None, "Tab is not the field's");
    }

    #[test]
    fn a_long_field_shows_the_lines_around_the_cursor() {
        let mut t = TextArea::new("1\n2\n3\n4");
        assert_eq!(t.shown(true, 2), ["3", "4▏"], "the cursor's line in view");
        assert_eq!(t.shown(false, 2), ["1", "2"], "the first lines when not focused");
        keys(&mut t, "home left");
        assert_eq!(t.shown(true, 2), ["2", "3▏"], "back over the line break, the view follows");
    }
}
