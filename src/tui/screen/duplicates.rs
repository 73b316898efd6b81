//! The possible-duplicates screen (`g D`): pairs of contacts that look like one person, found on
//! a worker thread (the scan reads every contact), each merged with one key after a question.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, TableState, Wrap};

use super::{Effect, Screen, step};
use crate::crm::{Crm, DuplicatePair};
use crate::model::{Id, Kind, RecordRef};
use crate::tui::ctx::Ctx;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::mode::{Confirm, Overlay};
use crate::tui::widgets::grid;

/// One contact of a pair: its id and name.
pub type Side<'a> = (Id, &'a str);

/// Most pairs listed at once; merging some and looking again brings the rest.
const LIMIT: usize = 1000;

/// The state of the duplicates screen.
#[derive(Debug, Default)]
pub struct Duplicates {
    /// The pairs found, oldest contact first.
    pub pairs: Vec<DuplicatePair>,
    /// The selected pair.
    pub selected: usize,
    /// Pairs whose newer contact is the one kept (the sides swapped with `x`).
    pub swapped: std::collections::HashSet<(Id, Id)>,
    /// Whether the pairs are known (else they are being looked for or must be).
    pub ready: bool,
    job: Option<Receiver<Result<Vec<DuplicatePair>, String>>>,
}

impl Duplicates {
    /// Starts looking for pairs unless known or already looking; takes an answer that arrived.
    /// Returns an error message when the search failed.
    pub fn poll(&mut self, crm: &Arc<Crm>) -> Option<String> {
        if let Some(rx) = &self.job
            && let Ok(answer) = rx.try_recv()
        {
            self.job = None;
            match answer {
                Ok(pairs) => {
                    self.pairs = pairs;
                    self.selected = self.selected.min(self.pairs.len().saturating_sub(1));
                    self.ready = true;
                }
                Err(e) => {
                    self.ready = true;
                    return Some(e);
                }
            }
        }
        if !self.ready && self.job.is_none() {
            let (tx, rx) = channel();
            let crm = crm.clone();
            crate::tui::background::spawn(move || {
                let _ = tx.send(crm.duplicate_contacts(LIMIT).map_err(|e| e.to_string()));
            });
            self.job = Some(rx);
        }
        None
    }

    /// Whether pairs are being looked for.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Marks the pairs for looking again (after a write).
    pub fn invalidate(&mut self) {
        self.ready = false;
    }

    /// Moves the selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = crate::tui::stepped(self.selected, delta, self.pairs.len());
    }

    /// The selected pair as (kept, merged away).
    pub fn current(&self) -> Option<(Side<'_>, Side<'_>)> {
        self.pairs.get(self.selected).map(|p| self.sides(p))
    }

    /// A pair as (kept, merged away): the older contact is kept unless the sides were swapped.
    pub fn sides<'a>(&self, p: &'a DuplicatePair) -> (Side<'a>, Side<'a>) {
        let first = (p.first, p.first_name.as_str());
        let second = (p.second, p.second_name.as_str());
        if self.swapped.contains(&(p.first, p.second)) { (second, first) } else { (first, second) }
    }

    /// Swaps which contact of the selected pair is kept.
    pub fn swap(&mut self) {
        if let Some(p) = self.pairs.get(self.selected) {
            let key = (p.first, p.second);
            if !self.swapped.remove(&key) {
                self.swapped.insert(key);
            }
        }
    }
}

impl Screen for Duplicates {
    fn keys(&self) -> Vec<&'static [Binding]> {
        vec![keymap::DUPLICATES]
    }

    fn update(&mut self, action: Action, _: &Ctx) -> Vec<Effect> {
        match action {
            _ if step(action).is_some() => self.move_by(step(action).unwrap_or(0)),
            Action::Swap => self.swap(),
            Action::Open => {
                if let Some(((keep, _), _)) = self.current() {
                    return vec![Effect::Open(RecordRef::new(Kind::Contact, keep))];
                }
            }
            Action::Merge => {
                if let Some(((keep, kept), (gone, merged))) = self.current() {
                    let question = format!(
                        "Merge {merged} (#{gone}) into {kept} (#{keep})? Everything of #{gone} moves to #{keep}, then #{gone} is deleted."
                    );
                    return vec![Effect::Overlay(Overlay::Confirm(Confirm::Merge { keep, gone, question }))];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn prepare(&mut self, crm: &Arc<Crm>, _: &Ctx) -> Result<(), String> {
        self.poll(crm).map_or(Ok(()), Err)
    }

    /// Pairs of contacts that look like one person, the one kept on the left.
    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let title = format!(" Possible duplicates ({}) ", self.pairs.len());
        let block = Block::new().borders(Borders::ALL).title(title);
        if self.pairs.is_empty() {
            let text = if self.ready {
                "No contacts look like the same person: no shared email, phone, or name at one company."
            } else {
                "Looking for contacts that share an email, a phone, or a name at one company…"
            };
            return f.render_widget(
                Paragraph::new(Line::styled(text, ctx.theme.dim())).wrap(Wrap { trim: true }).block(block),
                area,
            );
        }
        let rows = self.pairs.iter().enumerate().map(|(i, p)| {
            let (keep, gone) = self.sides(p);
            let cells = vec![
                format!("#{} {}", keep.0, keep.1),
                "←".to_string(),
                format!("#{} {}", gone.0, gone.1),
                p.reason.clone(),
            ];
            (cells, if i == self.selected { ctx.theme.focus() } else { ctx.theme.text() })
        });
        let widths = [Constraint::Fill(2), Constraint::Length(1), Constraint::Fill(2), Constraint::Fill(3)];
        let header = ["KEEP", "", "MERGE INTO IT", "WHY"];
        let mut state = TableState::new().with_selected(Some(self.selected));
        let table = grid(block.inner(area).width, &widths, &header, &[], ctx.theme.dim(), rows);
        f.render_stateful_widget(table.block(block), area, &mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx::new(&crate::crm::Session::new("ann"), crate::tui::Theme::plain(), Rect::new(0, 0, 80, 24))
    }

    fn pair(first: Id, second: Id) -> DuplicatePair {
        let name = |id| format!("Ann {id}");
        let reason = "same email".to_string();
        DuplicatePair { first, first_name: name(first), second, second_name: name(second), reason }
    }

    #[test]
    fn merge_asks_first_and_keeps_the_older_contact_unless_swapped() {
        let mut d = Duplicates { pairs: vec![pair(1, 2), pair(3, 4)], ready: true, ..Default::default() };
        d.update(Action::Bottom, &ctx());
        let asked = d.update(Action::Merge, &ctx());
        assert!(matches!(&asked[..], [Effect::Overlay(Overlay::Confirm(Confirm::Merge { keep: 3, gone: 4, .. }))]));
        d.update(Action::Swap, &ctx());
        let asked = d.update(Action::Merge, &ctx());
        assert!(matches!(&asked[..], [Effect::Overlay(Overlay::Confirm(Confirm::Merge { keep: 4, gone: 3, .. }))]));
        let opened = d.update(Action::Open, &ctx());
        assert!(matches!(&opened[..], [Effect::Open(r)] if *r == RecordRef::new(Kind::Contact, 4)));
    }

    #[test]
    fn no_pairs_no_effects() {
        let mut d = Duplicates::default();
        for action in [Action::Merge, Action::Open, Action::Swap, Action::Down] {
            assert!(d.update(action, &ctx()).is_empty(), "{action:?}");
        }
    }
}
