//! The settings screen: the pipeline's stages in board order, with how many deals each holds,
//! and the lead sources, with how many leads and deals carry each. Both lists are edited here
//! (added, renamed, reordered, removed); `Tab` moves between them, then, for those with the
//! settings right, to the tabs of users, teams and roles (`people.rs`).

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, TableState};

use super::people::{People, PeopleTab};
use super::{Command, Effect, Screen, step};
use crate::crm::{Crm, Result, SourceUse};
use crate::model::{Kind, RecordRef, Right, Stage};
use crate::tui::ctx::Ctx;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::mode::{Ask, Confirm, Overlay};
use crate::tui::widgets::grid;

/// The state of the settings screen.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Every stage in board order, with the number of deals in it.
    pub stages: Vec<(Stage, usize)>,
    /// The selected stage.
    pub selected: usize,
    /// Every lead source in picker order, with the leads and deals that carry it.
    pub sources: Vec<SourceUse>,
    /// The selected lead source.
    pub source_selected: usize,
    /// Whether the keys act on the lead sources (else on the stages).
    pub on_sources: bool,
    /// The users, teams and roles, for those with the settings right (`None` for the others,
    /// who do not see their tabs).
    pub people: Option<People>,
    /// The people tab on show, if one is.
    pub people_tab: Option<PeopleTab>,
    /// Whether the lists must be read again.
    stale: bool,
}

impl Settings {
    /// A screen to be read when first shown.
    pub fn new() -> Settings {
        Settings { stale: true, ..Default::default() }
    }

    /// Marks the lists for reading again (after a write).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Reads the stages with their deal counts (through the stage index) and the lead sources
    /// with their use, when stale.
    pub fn read(&mut self, crm: &Crm) -> Result<()> {
        if !self.stale {
            return Ok(());
        }
        let mut stages = Vec::new();
        for s in crm.stages()? {
            let deals = crm.linking_ids(RecordRef::new(Kind::Stage, s.id), Kind::Opportunity)?.len();
            stages.push((s, deals));
        }
        self.stages = stages;
        self.sources = crm.lead_source_use()?;
        self.people = if crm.actor()?.has(Right::Settings) {
            Some(People::read(crm, &self.people.take().unwrap_or_default())?)
        } else {
            None
        };
        if self.people.is_none() {
            self.people_tab = None;
        }
        self.selected = self.selected.min(self.stages.len().saturating_sub(1));
        self.source_selected = self.source_selected.min(self.sources.len().saturating_sub(1));
        self.stale = false;
        Ok(())
    }

    /// Shows the next tab (or the previous): stages, lead sources, then users, teams and roles
    /// for those who see them.
    fn next_tab(&mut self, back: bool) {
        let mut tabs = vec![(false, None), (true, None)];
        if self.people.is_some() {
            tabs.extend([PeopleTab::Users, PeopleTab::Teams, PeopleTab::Roles].map(|t| (false, Some(t))));
        }
        let now = tabs.iter().position(|t| *t == (self.on_sources, self.people_tab)).unwrap_or(0);
        let to = if back { now + tabs.len() - 1 } else { now + 1 };
        (self.on_sources, self.people_tab) = tabs[to % tabs.len()];
    }

    /// The selected stage and its deal count.
    pub fn current(&self) -> Option<&(Stage, usize)> {
        self.stages.get(self.selected)
    }

    /// The selected lead source and its use.
    pub fn current_source(&self) -> Option<&SourceUse> {
        self.sources.get(self.source_selected)
    }

    /// Moves the selection of the list in focus, clamped.
    pub fn move_by(&mut self, delta: isize) {
        let (selected, len) = if self.on_sources {
            (&mut self.source_selected, self.sources.len())
        } else {
            (&mut self.selected, self.stages.len())
        };
        *selected = crate::tui::stepped(*selected, delta, len);
    }

    /// Where the selection of the list in focus would go one step up or down, if it can move.
    pub fn neighbour(&self, up: bool) -> Option<usize> {
        let (selected, len) = if self.on_sources {
            (self.source_selected, self.sources.len())
        } else {
            (self.selected, self.stages.len())
        };
        let to = if up { selected.checked_sub(1)? } else { selected + 1 };
        (to < len).then_some(to)
    }

    /// The names of the tabs, the one on show in focus.
    fn tab_bar(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let tabs = [
            ("Stages", !self.on_sources && self.people_tab.is_none()),
            ("Lead sources", self.on_sources),
            ("Users", self.people_tab == Some(PeopleTab::Users)),
            ("Teams", self.people_tab == Some(PeopleTab::Teams)),
            ("Roles", self.people_tab == Some(PeopleTab::Roles)),
        ];
        let mut spans = Vec::new();
        for (name, on) in tabs {
            let style = if on { ctx.theme.focus() } else { ctx.theme.dim() };
            spans.push(ratatui::text::Span::styled(format!(" {name} "), style));
        }
        spans.push(ratatui::text::Span::styled("  (Tab)", ctx.theme.dim()));
        f.render_widget(ratatui::widgets::Paragraph::new(ratatui::text::Line::from(spans)), area);
    }
}

impl Screen for Settings {
    fn keys(&self) -> Vec<&'static [Binding]> {
        let tab = match self.people_tab {
            Some(PeopleTab::Users) => keymap::SETTINGS_USERS,
            Some(PeopleTab::Teams) => keymap::SETTINGS_TEAMS,
            Some(PeopleTab::Roles) => keymap::SETTINGS_ROLES,
            None if self.on_sources => keymap::SETTINGS_SOURCES,
            None => keymap::SETTINGS_STAGES,
        };
        vec![tab, keymap::SETTINGS]
    }

    fn update(&mut self, action: Action, _: &Ctx) -> Vec<Effect> {
        let ask = |ask, text| vec![Effect::Overlay(Overlay::ask(ask, text))];
        let confirm = |what| vec![Effect::Overlay(Overlay::Confirm(what))];
        if let (Some(tab), Some(people)) = (self.people_tab, &mut self.people)
            && !matches!(action, Action::NextSection | Action::PrevSection)
        {
            return people.update(tab, action);
        }
        match action {
            Action::NextSection | Action::PrevSection => self.next_tab(action == Action::PrevSection),
            _ if step(action).is_some() => self.move_by(step(action).unwrap_or(0)),
            Action::StageUp | Action::StageDown if self.on_sources => {
                if let (Some(source), Some(to)) = (self.current_source(), self.neighbour(action == Action::StageUp)) {
                    let name = source.name.clone();
                    self.source_selected = to;
                    return vec![Effect::Write(Command::new("move lead source", move |crm| {
                        crm.move_lead_source(&name, to)?;
                        Ok(format!("{name} is now lead source {}", to + 1))
                    }))];
                }
            }
            Action::StageUp | Action::StageDown => {
                if let (Some((stage, _)), Some(to)) = (self.current(), self.neighbour(action == Action::StageUp)) {
                    let (id, name) = (stage.id, stage.name.clone());
                    self.selected = to;
                    return vec![Effect::Write(Command::new("move stage", move |crm| {
                        crm.move_stage(id, to)?;
                        Ok(format!("{name} is now stage {}", to + 1))
                    }))];
                }
            }
            Action::New if self.on_sources => return ask(Ask::NewSource, String::new()),
            Action::Edit if self.on_sources => {
                if let Some(source) = self.current_source() {
                    return ask(Ask::RenameSource(source.name.clone()), source.name.clone());
                }
            }
            Action::Delete if self.on_sources => {
                if let Some(source) = self.current_source().cloned() {
                    let used = source.leads + source.deals;
                    return if used == 0 {
                        confirm(Confirm::DeleteSource(source.name))
                    } else {
                        ask(Ask::MoveSourceTo(source.name, used), String::new())
                    };
                }
            }
            Action::New => return vec![Effect::EditForm(Kind::Stage, None)],
            Action::Edit => {
                if let Some((stage, _)) = self.current() {
                    return vec![Effect::EditForm(Kind::Stage, Some(stage.id))];
                }
            }
            Action::Delete => {
                if let Some((stage, deals)) = self.current().cloned() {
                    return if deals == 0 {
                        confirm(Confirm::DeleteStage(stage))
                    } else {
                        ask(Ask::MoveDealsTo(stage, deals), String::new())
                    };
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn prepare(&mut self, crm: &Arc<Crm>, _: &Ctx) -> std::result::Result<(), String> {
        self.read(crm).map_err(|e| e.to_string())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        // The tabs are named on top for those who have more than the two lists.
        let area = match &self.people {
            Some(_) => {
                let [bar, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
                self.tab_bar(f, bar, ctx);
                rest
            }
            None => area,
        };
        if let (Some(tab), Some(people)) = (self.people_tab, &self.people) {
            return people.draw(f, area, tab, ctx);
        }
        let sources_width = (area.width * 2 / 5).max(34);
        let [left, right] = Layout::horizontal([Constraint::Min(44), Constraint::Length(sources_width)]).areas(area);
        let title = |text: &str, focused: bool| {
            let block = Block::new().borders(Borders::ALL).title(text.to_string());
            if focused { block.border_style(ctx.theme.focus()) } else { block }
        };
        let row_style = |selected: bool, focused: bool| match (selected, focused) {
            (true, true) => ctx.theme.focus(),
            (true, false) => ctx.theme.title(),
            _ => ctx.theme.text(),
        };
        let stages = self.stages.iter().enumerate().map(|(i, (stage, deals))| {
            let cells = vec![
                format!("{}", i + 1),
                stage.name.clone(),
                format!("{}%", stage.probability),
                stage.outcome.to_string(),
                deals.to_string(),
            ];
            (cells, row_style(i == self.selected, !self.on_sources))
        });
        let widths = [
            Constraint::Length(3),
            Constraint::Min(12),
            Constraint::Length(5),
            Constraint::Length(7),
            Constraint::Length(6),
        ];
        let header = ["#", "STAGE", "PROB", "OUTCOME", "DEALS"];
        let block = title(" Pipeline stages, in board order ", !self.on_sources);
        let mut state = TableState::new().with_selected(Some(self.selected));
        let table = grid(block.inner(left).width, &widths, &header, &[0, 2, 4], ctx.theme.dim(), stages);
        f.render_stateful_widget(table.block(block), left, &mut state);
        let sources = self.sources.iter().enumerate().map(|(i, u)| {
            let cells = vec![crate::text::spoken(&u.name), u.leads.to_string(), u.deals.to_string()];
            (cells, row_style(i == self.source_selected, self.on_sources))
        });
        let widths = [Constraint::Min(12), Constraint::Length(6), Constraint::Length(6)];
        let block = title(" Lead sources (Tab) ", self.on_sources);
        let mut state = TableState::new().with_selected(Some(self.source_selected));
        let table =
            grid(block.inner(right).width, &widths, &["SOURCE", "LEADS", "DEALS"], &[1, 2], ctx.theme.dim(), sources);
        f.render_stateful_widget(table.block(block), right, &mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        let theme = crate::tui::Theme::plain();
        Ctx::new(&crate::crm::Session::new("ann"), theme, Rect::new(0, 0, 80, 24))
    }

    fn stage(id: u64, name: &str) -> Stage {
        Stage { id, name: name.to_string(), ..Default::default() }
    }

    fn screen() -> Settings {
        let used = |name: &str, leads| SourceUse { name: name.to_string(), leads, deals: 0 };
        Settings {
            stages: vec![(stage(1, "Prospecting"), 0), (stage(2, "Qualification"), 3)],
            sources: vec![used("web", 0), used("referral", 2)],
            ..Settings::default()
        }
    }

    #[test]
    fn keys_move_the_list_in_focus_and_tab_switches_lists() {
        let mut s = screen();
        assert!(s.update(Action::Down, &ctx()).is_empty());
        assert_eq!((s.selected, s.source_selected), (1, 0));
        s.update(Action::NextSection, &ctx());
        s.update(Action::Bottom, &ctx());
        assert_eq!((s.selected, s.source_selected, s.on_sources), (1, 1, true));
    }

    #[test]
    fn tab_goes_on_to_users_teams_and_roles_only_for_those_who_see_them() {
        let mut s = screen();
        s.update(Action::PrevSection, &ctx());
        assert!(s.on_sources && s.people_tab.is_none(), "two lists: back from the stages is the sources");
        s.people = Some(People::default());
        s.update(Action::NextSection, &ctx());
        assert_eq!((s.on_sources, s.people_tab), (false, Some(PeopleTab::Users)));
        s.update(Action::NextSection, &ctx());
        s.update(Action::NextSection, &ctx());
        assert_eq!(s.people_tab, Some(PeopleTab::Roles));
        s.update(Action::NextSection, &ctx());
        assert_eq!((s.on_sources, s.people_tab), (false, None), "round to the stages");
    }

    #[test]
    fn deleting_asks_where_the_deals_go_only_when_a_stage_holds_some() {
        let mut s = screen();
        let empty = s.update(Action::Delete, &ctx());
        assert!(matches!(&empty[..], [Effect::Overlay(Overlay::Confirm(Confirm::DeleteStage(st)))] if st.id == 1));
        s.update(Action::Down, &ctx());
        let held = s.update(Action::Delete, &ctx());
        assert!(
            matches!(&held[..], [Effect::Overlay(Overlay::Input { ask: Ask::MoveDealsTo(st, 3), .. })] if st.id == 2)
        );
    }

    #[test]
    fn moving_a_stage_is_one_write_and_the_selection_follows() {
        let mut s = screen();
        assert!(s.update(Action::StageUp, &ctx()).is_empty(), "the first stage cannot move earlier");
        let moved = s.update(Action::StageDown, &ctx());
        assert!(matches!(&moved[..], [Effect::Write(c)] if c.name == "move stage"), "{moved:?}");
        assert_eq!(s.selected, 1);
        s.update(Action::NextSection, &ctx());
        let moved = s.update(Action::StageDown, &ctx());
        assert!(matches!(&moved[..], [Effect::Write(c)] if c.name == "move lead source"), "{moved:?}");
        assert!(
            matches!(&s.update(Action::Edit, &ctx())[..], [Effect::Overlay(Overlay::Input { ask: Ask::RenameSource(n), .. })] if n == "referral")
        );
        assert!(matches!(
            &s.update(Action::New, &ctx())[..],
            [Effect::Overlay(Overlay::Input { ask: Ask::NewSource, .. })]
        ));
    }

    #[test]
    fn stages_are_added_and_edited_in_the_form() {
        let mut s = screen();
        assert!(matches!(&s.update(Action::New, &ctx())[..], [Effect::EditForm(Kind::Stage, None)]));
        assert!(matches!(&s.update(Action::Edit, &ctx())[..], [Effect::EditForm(Kind::Stage, Some(1))]));
    }
}
