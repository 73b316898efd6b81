//! Every record list (contacts, accounts, leads, products, deals, calls, projects) as a screen:
//! one `RecordList` type for every kind, whose own keys (moving, marking, ordering, opening, a
//! new record, the filter line, Esc letting go of marks then of the filter) are answered by a
//! pure `update` with effects. The record actions on the selected or marked rows (edit, delete,
//! labels, owner, lists, status, convert, call, quote, task) read the app's targets and stay
//! the app's.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Effect, Screen, step};
use crate::crm::Crm;
use crate::model::{Kind, RecordRef};
use crate::text::count;
use crate::tui::ctx::Ctx;
use crate::tui::hits::Target;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::list::RecordList;

impl RecordList {
    /// The title of the list's box.
    pub fn title(&self) -> &'static str {
        match self.kind {
            Kind::Opportunity => "Deals",
            Kind::Account => "Accounts",
            Kind::Lead => "Leads",
            Kind::Product => "Products",
            Kind::Call => "Calls",
            Kind::Project => "Projects",
            Kind::Email => "Emails",
            Kind::Case => "Cases",
            _ => "Contacts",
        }
    }

    /// The title with the scope, when narrowed to one ("Contacts · mine").
    pub fn heading(&self) -> String {
        match self.scope {
            crate::crm::Scope::All => self.title().to_string(),
            scope => format!("{} · {}", self.title(), scope.label()),
        }
    }

    /// The kind's records in a sentence ("contacts").
    pub fn kind_plural(&self) -> String {
        self.title().to_lowercase()
    }

    /// Whether `action` is one of the list's own (the app answers the record actions on its
    /// rows and its app-wide keys).
    pub fn owns(&self, action: Action) -> bool {
        self.keeps(action)
            || step(action).is_some()
            || matches!(
                action,
                Action::HalfUp
                    | Action::HalfDown
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Open
                    | Action::Mark
                    | Action::MarkRange
                    | Action::Sort
                    | Action::SortReverse
                    | Action::New
                    | Action::Filter
                    | Action::Scope
            )
    }
}

impl Screen for RecordList {
    fn keys(&self) -> Vec<&'static [Binding]> {
        match self.kind {
            Kind::Opportunity => vec![keymap::DEALS, keymap::LIST],
            Kind::Lead => vec![keymap::LEADS, keymap::LIST],
            Kind::Case => vec![keymap::CASES, keymap::LIST],
            _ => vec![keymap::LIST],
        }
    }

    fn keeps(&self, action: Action) -> bool {
        action == Action::Back && (!self.marked.is_empty() || self.is_filtered() || self.awaiting.is_some())
    }

    fn update(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        let half = (self.height.max(2) / 2) as isize;
        let page = self.height.max(1) as isize;
        match action {
            _ if step(action).is_some() => self.move_by(step(action).unwrap_or(0)),
            Action::HalfUp | Action::HalfDown => self.move_by(if action == Action::HalfUp { -half } else { half }),
            Action::PageUp | Action::PageDown => self.move_by(if action == Action::PageUp { -page } else { page }),
            Action::Open => {
                return self.selected_id().map(|id| Effect::Open(RecordRef::new(self.kind, id))).into_iter().collect();
            }
            Action::Mark => {
                self.toggle_mark();
                self.move_by(1);
            }
            Action::MarkRange => self.mark_range(),
            Action::Sort | Action::SortReverse if self.is_filtered() && !self.is_pinned() => {
                let why = "a filtered list shows the best matches first: Esc clears the filter, then o orders";
                return vec![Effect::Refuse(why.into())];
            }
            Action::Sort => self.next_order(),
            Action::SortReverse => self.reverse(),
            Action::New => {
                return vec![match self.kind {
                    Kind::Opportunity => Effect::NewDeal(None),
                    Kind::Call => {
                        Effect::Refuse("calls are logged with a person: c on a contact, or Ctrl-L in / search".into())
                    }
                    kind => Effect::EditForm(kind, None),
                }];
            }
            Action::Filter => return vec![Effect::Filter],
            Action::Scope if self.is_pinned() => {
                return vec![Effect::Refuse(
                    "these are the records behind a report's number: * acts on the lists".into(),
                )];
            }
            Action::Scope => return vec![Effect::Say(self.next_scope(ctx))],
            // Esc first lets go of marks, then of the filter.
            Action::Back if !self.marked.is_empty() => {
                let n = self.marked.len();
                self.marked.clear();
                return vec![Effect::Say(format!("{} unmarked", count(n, "row", "rows")))];
            }
            Action::Back => {
                self.awaiting = None;
                self.set_filter("", None);
            }
            _ => {}
        }
        Vec::new()
    }

    fn prepare(&mut self, crm: &Arc<Crm>, _: &Ctx) -> Result<(), String> {
        self.refresh(crm).map_err(|e| e.to_string())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        crate::tui::widgets::record_list(f, area, self, &self.heading(), None, ctx);
    }

    fn point(&mut self, target: Target, click: bool) -> bool {
        match target {
            Target::Row(n) if click && n < self.ids.len() => {
                self.select(n);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::list::Pass;
    use crate::tui::theme::Theme;

    fn ctx() -> Ctx {
        Ctx::new(&crate::crm::Session::new("ann"), Theme::plain(), Rect::new(0, 0, 80, 24))
    }

    #[test]
    fn list_keys_move_mark_and_open_and_esc_lets_go_of_marks_first() {
        let (mut l, ctx) = (RecordList::pinned(Kind::Contact, vec![4, 5, 6]), ctx());
        l.update(Action::Down, &ctx);
        assert_eq!(l.selected_id(), Some(5));
        assert!(
            matches!(&l.update(Action::Open, &ctx)[..], [Effect::Open(r)] if *r == RecordRef::new(Kind::Contact, 5))
        );
        l.update(Action::Mark, &ctx);
        assert_eq!((l.marked.len(), l.selected_id()), (1, Some(6)), "marking moves on");
        assert!(l.keeps(Action::Back) && l.owns(Action::Back) && !l.owns(Action::Edit));
        assert!(matches!(&l.update(Action::Back, &ctx)[..], [Effect::Say(s)] if s == "1 row unmarked"));
        assert!(!l.keeps(Action::Back), "nothing left to let go of: Esc is the app's");
        assert!(matches!(&l.update(Action::Filter, &ctx)[..], [Effect::Filter]));
        assert!(matches!(&l.update(Action::New, &ctx)[..], [Effect::EditForm(Kind::Contact, None)]));
    }

    #[test]
    fn a_new_record_and_an_order_are_refused_where_they_cannot_be() {
        let ctx = ctx();
        let mut calls = RecordList::new(Kind::Call);
        assert!(
            matches!(&calls.update(Action::New, &ctx)[..], [Effect::Refuse(s)] if s.contains("logged with a person"))
        );
        let mut deals = RecordList::new(Kind::Opportunity);
        assert!(matches!(&deals.update(Action::New, &ctx)[..], [Effect::NewDeal(None)]));
        let mut filtered = RecordList::new(Kind::Contact);
        filtered.set_filter("stone", Some(Pass::Ranked { ids: vec![1], capped: false }));
        assert!(matches!(&filtered.update(Action::Sort, &ctx)[..], [Effect::Refuse(s)] if s.contains("Esc clears")));
        assert!(filtered.keeps(Action::Back));
        filtered.update(Action::Back, &ctx);
        assert!(!filtered.is_filtered(), "Esc clears the filter");
    }
}
