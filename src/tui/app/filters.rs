//! The filter line of the screen on show (a record list, the board, the task lists): every
//! change is read as a `crm::Filter` of the screen's kind and narrows the screen at once, a list
//! through a worker thread (ranked by search when the filter has plain words, else through
//! `Crm::filtered`), so keys never wait; a wrong term is said under the line while the screen
//! keeps its last good rows. ↑/↓ walk the screen's last filters (kept for the session).

use ratatui::crossterm::event::KeyEvent;

use super::overlays::edit_query;
use super::{App, FILTER_LIMIT};
use crate::crm::Filter;
use crate::model::Kind;
use crate::search::Hit;
use crate::tui::ScreenId;
use crate::tui::filter::FilterLine;
use crate::tui::keymap::{self, Action};
use crate::tui::list::Pass;
use crate::tui::mode::Mode;

/// The kinds whose plain words the search ranks; other kinds' words are matched by
/// `Crm::filtered` (on their labels).
const RANKED: [Kind; 4] = [Kind::Account, Kind::Contact, Kind::Lead, Kind::Opportunity];

impl App {
    /// The kind the screen on show filters, if it has a filter line.
    fn filtered_kind(&self) -> Option<Kind> {
        if self.detail().is_some() || self.welcome() {
            return None;
        }
        match self.screen {
            ScreenId::Tasks => Some(Kind::Task),
            ScreenId::Pipeline if !self.deals_listed => Some(Kind::Opportunity),
            _ => self.list().map(|l| l.kind),
        }
    }

    /// Opens the filter line of the screen on show, holding its filter; the stage and source
    /// names the filter is read against are read now, once.
    pub(super) fn open_filter(&mut self) {
        let text = match self.screen {
            ScreenId::Tasks => self.tasks.scope_text.clone(),
            ScreenId::Pipeline if !self.deals_listed => self.board.filter_text.clone(),
            _ => match self.list() {
                Some(l) => l.filter.clone(),
                None => return,
            },
        };
        match self.crm.filter_vocabulary() {
            Ok(names) => self.vocabulary = names,
            Err(e) => return self.say_error(e.to_string()),
        }
        self.push(Mode::Filter(FilterLine::new(text)));
    }

    /// Keys typed on the filter line: the screen narrows as the filter changes.
    pub(super) fn filter_key(&mut self, key: KeyEvent) {
        // Taken first: without a screen to filter, the line closes rather than hold the keys.
        let Some((at, Mode::Filter(mut line))) = self.take_top(|m| matches!(m, Mode::Filter(_))) else { return };
        let Some(kind) = self.filtered_kind() else { return };
        let changed = match keymap::action_in(keymap::FILTER, &key) {
            Some(Action::Done) if line.error.is_none() => {
                self.filter_history.keep(self.screen, line.line.value());
                return;
            }
            Some(Action::Done) => false,
            Some(Action::Back) => {
                if let Err(e) = self.apply_filter(kind, "") {
                    self.say_error(e);
                }
                return;
            }
            Some(action @ (Action::Up | Action::Down)) => {
                line.recall(self.filter_history.of(self.screen), action == Action::Up)
            }
            _ => edit_query(&mut line.line, key),
        };
        if changed {
            line.error = self.apply_filter(kind, line.line.value()).err();
        }
        self.put_back(at, Mode::Filter(line));
    }

    /// Reads `text` as a filter over `kind` and narrows the screen on show by it; a wrong term
    /// leaves the screen as it was and is returned, named.
    fn apply_filter(&mut self, kind: Kind, text: &str) -> Result<(), String> {
        let filter = Filter::parse(kind, text, &self.vocabulary, self.ctx.today).map_err(|e| e.to_string())?;
        let shown = (!filter.is_empty()).then_some(filter);
        match self.screen {
            ScreenId::Tasks => self.tasks.set_scope(text, shown),
            ScreenId::Pipeline if !self.deals_listed => self.board.set_filter(text, shown),
            _ => self.filter_list(text, shown),
        }
        Ok(())
    }

    /// Narrows the list on show by `filter` (`None`: every record again) on a worker thread;
    /// the list takes the answer in [`App::take_filter_answer`].
    pub(super) fn filter_list(&mut self, text: &str, filter: Option<Filter>) {
        let Some(filter) = filter else {
            if let Some(l) = self.list_mut() {
                l.awaiting = None;
                l.set_filter("", None);
            }
            return;
        };
        let kind = filter.kind();
        let ranks = !filter.words().is_empty() && RANKED.contains(&kind);
        let awaiting = if ranks {
            let query = filter.query();
            let keep = Box::new(move |crm: &crate::crm::Crm, mut hits: Vec<Hit>| {
                let ids: Vec<_> = hits.iter().map(|h| h.id).collect();
                let kept: std::collections::HashSet<_> = crm.kept(&filter, &ids)?.into_iter().collect();
                hits.retain(|h| kept.contains(&h.id));
                Ok(hits)
            });
            self.filter_searcher.start_keeping(&query, &[kind], FILTER_LIMIT, keep)
        } else {
            self.filter_searcher.run(Box::new(move |crm| {
                let found = crm.filtered(&filter, usize::MAX)?;
                let hit = |id| Hit { kind, id, label: String::new(), detail: String::new(), score: 0 };
                Ok((found.ids.into_iter().map(hit).collect(), found.more))
            }))
        };
        if let Some(l) = self.list_mut() {
            l.awaiting = Some(awaiting);
            l.ranks = ranks;
            l.filter = text.to_string();
        }
    }

    /// Gives a finished filter answer to the list awaiting it: ranked best first, or the set of
    /// records shown in the list's order.
    pub(super) fn take_filter_answer(&mut self) {
        let Some(answer) = self.filter_searcher.poll().filter(|a| a.complete) else { return };
        let list = self.lists_mut().into_iter().find(|l| l.awaiting == Some(answer.generation));
        let failed = list.and_then(|list| {
            list.awaiting = None;
            let ids = match answer.hits {
                Ok(hits) => hits.into_iter().map(|h| h.id),
                Err(e) => return Some(e),
            };
            let text = list.filter.clone();
            let pass = if list.ranks {
                Pass::Ranked { ids: ids.collect(), capped: answer.full }
            } else {
                Pass::Set(ids.collect())
            };
            list.set_filter(&text, Some(pass));
            None
        });
        if let Some(e) = failed {
            self.say_error(e);
        }
    }
}
