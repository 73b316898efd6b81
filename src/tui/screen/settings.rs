//! The settings screen: the pipeline's stages in board order, with how many deals each holds,
//! and the picklists (the lead sources, with how many leads and deals carry each; the
//! competitors, with their deals). Each list is edited here (added, renamed, reordered,
//! removed); `Tab` moves between them, then, for those with the settings right, to the tabs of
//! users, teams and roles (`people.rs`).

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, TableState};

use super::people::{People, PeopleTab};
use super::{Command, Effect, Screen, step};
use crate::crm::{Crm, Result, SourceUse};
use crate::model::{Kind, Picklist, RecordRef, Right, Stage};
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
    /// Each picklist (by `Picklist as usize`) in picker order, with the leads and deals that
    /// carry each entry.
    pub picks: [Vec<SourceUse>; 2],
    /// The selected entry of each picklist.
    pub pick_selected: [usize; 2],
    /// The picklist the keys act on (none: the stages).
    pub on_list: Option<Picklist>,
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

    /// Reads the stages with their deal counts (through the stage index) and the picklists with
    /// their use, when stale.
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
        for list in Picklist::ALL {
            self.picks[list as usize] = crm.picklist_use(list)?;
        }
        self.people = if crm.actor()?.has(Right::Settings) {
            Some(People::read(crm, &self.people.take().unwrap_or_default())?)
        } else {
            None
        };
        if self.people.is_none() {
            self.people_tab = None;
        }
        self.selected = self.selected.min(self.stages.len().saturating_sub(1));
        for list in Picklist::ALL {
            let i = list as usize;
            self.pick_selected[i] = self.pick_selected[i].min(self.picks[i].len().saturating_sub(1));
        }
        self.stale = false;
        Ok(())
    }

    /// Shows the next tab (or the previous): stages, lead sources, competitors, then users,
    /// teams and roles for those who see them.
    fn next_tab(&mut self, back: bool) {
        let mut tabs = vec![(None, None)];
        tabs.extend(Picklist::ALL.map(|l| (Some(l), None)));
        if self.people.is_some() {
            tabs.extend([PeopleTab::Users, PeopleTab::Teams, PeopleTab::Roles].map(|t| (None, Some(t))));
        }
        let now = tabs.iter().position(|t| *t == (self.on_list, self.people_tab)).unwrap_or(0);
        let to = if back { now + tabs.len() - 1 } else { now + 1 };
        (self.on_list, self.people_tab) = tabs[to % tabs.len()];
    }

    /// The selected stage and its deal count.
    pub fn current(&self) -> Option<&(Stage, usize)> {
        self.stages.get(self.selected)
    }

    /// The selected entry of `list` and its use.
    pub fn current_pick(&self, list: Picklist) -> Option<&SourceUse> {
        self.picks[list as usize].get(self.pick_selected[list as usize])
    }

    /// Selects the last entry of `list` (the one just added).
    pub fn select_last(&mut self, list: Picklist) {
        self.pick_selected[list as usize] = self.picks[list as usize].len();
    }

    /// The selection of the list in focus and its length.
    fn focused(&self) -> (usize, usize) {
        match self.on_list {
            Some(list) => (self.pick_selected[list as usize], self.picks[list as usize].len()),
            None => (self.selected, self.stages.len()),
        }
    }

    /// Moves the selection of the list in focus, clamped.
    pub fn move_by(&mut self, delta: isize) {
        let (selected, len) = self.focused();
        let to = crate::tui::stepped(selected, delta, len);
        match self.on_list {
            Some(list) => self.pick_selected[list as usize] = to,
            None => self.selected = to,
        }
    }

    /// Where the selection of the list in focus would go one step up or down, if it can move.
    pub fn neighbour(&self, up: bool) -> Option<usize> {
        let (selected, len) = self.focused();
        let to = if up { selected.checked_sub(1)? } else { selected + 1 };
        (to < len).then_some(to)
    }

    /// The names of the tabs, the one on show in focus.
    fn tab_bar(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let tabs = [
            ("Stages", self.on_list.is_none() && self.people_tab.is_none()),
            ("Lead sources", self.on_list == Some(Picklist::LeadSources)),
            ("Competitors", self.on_list == Some(Picklist::Competitors)),
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
            None if self.on_list == Some(Picklist::LeadSources) => keymap::SETTINGS_SOURCES,
            None if self.on_list == Some(Picklist::Competitors) => keymap::SETTINGS_COMPETITORS,
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
            Action::StageUp | Action::StageDown if self.on_list.is_some() => {
                let list = self.on_list.unwrap_or(Picklist::LeadSources);
                let to = self.neighbour(action == Action::StageUp);
                if let (Some(entry), Some(to)) = (self.current_pick(list), to) {
                    let name = entry.name.clone();
                    self.pick_selected[list as usize] = to;
                    let what = match list {
                        Picklist::LeadSources => "move lead source",
                        Picklist::Competitors => "move competitor",
                    };
                    return vec![Effect::Write(Command::new(what, move |crm| {
                        crm.move_in_picklist(list, &name, to)?;
                        Ok(format!("{name} is now {} {}", list.noun(), to + 1))
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
            Action::New if let Some(list) = self.on_list => return ask(Ask::NewPick(list), String::new()),
            Action::Edit if let Some(list) = self.on_list => {
                if let Some(entry) = self.current_pick(list) {
                    return ask(Ask::RenamePick(list, entry.name.clone()), entry.name.clone());
                }
            }
            Action::Delete if let Some(list) = self.on_list => {
                if let Some(entry) = self.current_pick(list).cloned() {
                    let used = entry.leads + entry.deals;
                    return if used == 0 {
                        confirm(Confirm::DeletePick(list, entry.name))
                    } else {
                        ask(Ask::MovePickTo(list, entry.name, used), String::new())
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
        let lists_width = (area.width * 2 / 5).max(34);
        let [left, right] = Layout::horizontal([Constraint::Min(44), Constraint::Length(lists_width)]).areas(area);
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
            (cells, row_style(i == self.selected, self.on_list.is_none()))
        });
        let widths = [
            Constraint::Length(3),
            Constraint::Min(12),
            Constraint::Length(5),
            Constraint::Length(7),
            Constraint::Length(6),
        ];
        let header = ["#", "STAGE", "PROB", "OUTCOME", "DEALS"];
        let block = title(" Pipeline stages, in board order ", self.on_list.is_none());
        let mut state = TableState::new().with_selected(Some(self.selected));
        let table = grid(block.inner(left).width, &widths, &header, &[0, 2, 4], ctx.theme.dim(), stages);
        f.render_stateful_widget(table.block(block), left, &mut state);
        // The lead sources above the competitors, each list as tall as it needs up to half.
        let [top, bottom] = Layout::vertical([Constraint::Percentage(60), Constraint::Min(4)]).areas(right);
        for (list, area) in [(Picklist::LeadSources, top), (Picklist::Competitors, bottom)] {
            let on = self.on_list == Some(list);
            let selected = self.pick_selected[list as usize];
            let uses = &self.picks[list as usize];
            let leads = list == Picklist::LeadSources;
            let rows = uses.iter().enumerate().map(|(i, u)| {
                let mut cells = vec![crate::text::spoken(&u.name).to_string()];
                if leads {
                    cells.push(u.leads.to_string());
                }
                cells.push(u.deals.to_string());
                (cells, row_style(i == selected, on))
            });
            let (widths, header, right_aligned): (Vec<Constraint>, &[&str], &[usize]) = if leads {
                (
                    vec![Constraint::Min(12), Constraint::Length(6), Constraint::Length(6)],
                    &["SOURCE", "LEADS", "DEALS"],
                    &[1, 2],
                )
            } else {
                (vec![Constraint::Min(12), Constraint::Length(6)], &["COMPETITOR", "DEALS"], &[1])
            };
            let name = if leads { " Lead sources (Tab) " } else { " Competitors (Tab) " };
            let block = title(name, on);
            let inner = block.inner(area);
            if uses.is_empty() {
                let hint = format!("No {} yet: Tab here, then n adds one", list.plural());
                let text = ratatui::widgets::Paragraph::new(hint)
                    .style(ctx.theme.dim())
                    .wrap(ratatui::widgets::Wrap { trim: true });
                f.render_widget(text.block(block), area);
                continue;
            }
            let mut state = TableState::new().with_selected(Some(selected));
            let table = grid(inner.width, &widths, header, right_aligned, ctx.theme.dim(), rows);
            f.render_stateful_widget(table.block(block), area, &mut state);
        }
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
            picks: [vec![used("web", 0), used("referral", 2)], vec![used("Rival Inc", 0)]],
            ..Settings::default()
        }
    }

    #[test]
    fn keys_move_the_list_in_focus_and_tab_switches_lists() {
        let mut s = screen();
        assert!(s.update(Action::Down, &ctx()).is_empty());
        assert_eq!((s.selected, s.pick_selected), (1, [0, 0]));
        s.update(Action::NextSection, &ctx());
        s.update(Action::Bottom, &ctx());
        assert_eq!((s.selected, s.pick_selected, s.on_list), (1, [1, 0], Some(Picklist::LeadSources)));
        s.update(Action::NextSection, &ctx());
        assert_eq!(s.on_list, Some(Picklist::Competitors));
    }

    #[test]
    fn tab_goes_on_to_users_teams_and_roles_only_for_those_who_see_them() {
        let mut s = screen();
        s.update(Action::PrevSection, &ctx());
        assert_eq!(
            (s.on_list, s.people_tab),
            (Some(Picklist::Competitors), None),
            "back from the stages: the last list"
        );
        s.people = Some(People::default());
        s.update(Action::NextSection, &ctx());
        assert_eq!((s.on_list, s.people_tab), (None, Some(PeopleTab::Users)));
        s.update(Action::NextSection, &ctx());
        s.update(Action::NextSection, &ctx());
        assert_eq!(s.people_tab, Some(PeopleTab::Roles));
        s.update(Action::NextSection, &ctx());
        assert_eq!((s.on_list, s.people_tab), (None, None), "round to the stages");
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
            matches!(&s.update(Action::Edit, &ctx())[..], [Effect::Overlay(Overlay::Input { ask: Ask::RenamePick(Picklist::LeadSources, n), .. })] if n == "referral")
        );
        assert!(matches!(
            &s.update(Action::New, &ctx())[..],
            [Effect::Overlay(Overlay::Input { ask: Ask::NewPick(Picklist::LeadSources), .. })]
        ));
        s.update(Action::NextSection, &ctx());
        let moved = s.update(Action::StageDown, &ctx());
        assert!(moved.is_empty(), "a list of one cannot move its entry");
        assert!(matches!(
            &s.update(Action::Delete, &ctx())[..],
            [Effect::Overlay(Overlay::Confirm(Confirm::DeletePick(Picklist::Competitors, n)))] if n == "Rival Inc"
        ));
    }

    #[test]
    fn stages_are_added_and_edited_in_the_form() {
        let mut s = screen();
        assert!(matches!(&s.update(Action::New, &ctx())[..], [Effect::EditForm(Kind::Stage, None)]));
        assert!(matches!(&s.update(Action::Edit, &ctx())[..], [Effect::EditForm(Kind::Stage, Some(1))]));
    }
}
