//! The filter line every list, the board and the task lists share: the text typed (read as a
//! `crm::Filter` on every change, so the screen narrows as you type), the wrong term said under
//! it, and the walk through the screen's last filters with ↑/↓. The history lives in memory for
//! the session.

use std::collections::HashMap;

use super::ScreenId;
use super::line::LineField;

/// How many filters each screen remembers.
const REMEMBERED: usize = 20;

/// A filter line while keys go to it.
#[derive(Debug, Clone, Default)]
pub struct FilterLine {
    /// The text typed.
    pub line: LineField,
    /// Why the text does not read as a filter (the term named), while it does not; the screen
    /// keeps the rows of the last filter that read.
    pub error: Option<String>,
    /// How far back in the history the line is (0: the text being typed).
    back: usize,
    /// The text being typed, kept while the history is walked.
    draft: String,
}

impl FilterLine {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> FilterLine {
        FilterLine { line: LineField::new(text), ..FilterLine::default() }
    }

    /// Shows an earlier (or, with `earlier` false, a later) filter of `history` (oldest first),
    /// back to the text being typed; says whether the text changed.
    pub fn recall(&mut self, history: &[String], earlier: bool) -> bool {
        let back = if earlier { (self.back + 1).min(history.len()) } else { self.back.saturating_sub(1) };
        if back == self.back {
            return false;
        }
        if self.back == 0 {
            self.draft = self.line.value().to_string();
        }
        self.back = back;
        let text = if back == 0 { self.draft.clone() } else { history[history.len() - back].clone() };
        self.line.set(text);
        true
    }
}

/// The filters each screen was last given, oldest first.
#[derive(Debug, Default)]
pub struct History(HashMap<ScreenId, Vec<String>>);

impl History {
    /// The filters kept on `screen`, oldest first.
    pub fn of(&self, screen: ScreenId) -> &[String] {
        self.0.get(&screen).map_or(&[], Vec::as_slice)
    }

    /// Remembers `text` as `screen`'s latest filter (once: an earlier copy moves to the end).
    pub fn keep(&mut self, screen: ScreenId, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let kept = self.0.entry(screen).or_default();
        kept.retain(|t| t != text);
        kept.push(text.to_string());
        if kept.len() > REMEMBERED {
            kept.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_walks_back_through_the_screen_s_filters_and_down_returns_to_what_was_typed() {
        let mut history = History::default();
        history.keep(ScreenId::Contacts, "tag:vip");
        history.keep(ScreenId::Contacts, "country:france");
        history.keep(ScreenId::Calls, "outcome:busy");
        history.keep(ScreenId::Contacts, "tag:vip ");
        assert_eq!(history.of(ScreenId::Contacts), ["country:france", "tag:vip"], "once each, latest last");
        let mut line = FilterLine::new("ann");
        let kept = history.of(ScreenId::Contacts);
        assert!(line.recall(kept, true));
        assert_eq!(line.line.value(), "tag:vip");
        assert!(line.recall(kept, true));
        assert_eq!(line.line.value(), "country:france");
        assert!(!line.recall(kept, true), "nothing older");
        line.recall(kept, false);
        line.recall(kept, false);
        assert_eq!(line.line.value(), "ann", "back to the text typed");
        assert!(!line.recall(kept, false));
    }

    #[test]
    fn a_screen_remembers_its_latest_filters_only() {
        let mut history = History::default();
        for i in 0..REMEMBERED + 5 {
            history.keep(ScreenId::Leads, &format!("status:{i}"));
        }
        history.keep(ScreenId::Leads, "  ");
        let kept = history.of(ScreenId::Leads);
        assert_eq!(kept.len(), REMEMBERED);
        assert_eq!(kept.last().map(String::as_str), Some("status:24"));
        assert!(history.of(ScreenId::Pipeline).is_empty());
    }
}
