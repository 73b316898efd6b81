//! The Settings tabs of users, teams and roles, shown only to those with the settings right:
//! the users (added and edited through a few questions, disabled after a confirmation), the
//! teams (added, renamed) and the roles (copied; a copy's levels cycled and rights toggled cell by
//! cell in its table; the built-in roles say they are fixed when changed).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, TableState};

use super::{Command, Effect, step};
use crate::crm::{Crm, Result, role_rows};
use crate::model::{Act, Kind, Level, Right, Role, User};
use crate::tui::ctx::Ctx;
use crate::tui::keymap::Action;
use crate::tui::line::LineField;
use crate::tui::mode::{Ask, Confirm, Overlay};
use crate::tui::userform::UserDraft;
use crate::tui::widgets::grid;

/// Which of the people tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleTab {
    /// The users.
    Users,
    /// The teams.
    Teams,
    /// The roles and the table of the selected one.
    Roles,
}

/// The users, teams and roles as read for the tabs, and what is selected in each.
#[derive(Debug, Clone, Default)]
pub struct People {
    /// Every user, in the order they were added.
    pub users: Vec<User>,
    /// Every team, with how many users are in it.
    pub teams: Vec<(String, usize)>,
    /// The built-in roles, then the copies.
    pub roles: Vec<Role>,
    /// How many active admins there are: the last one is not disabled.
    pub admins: usize,
    /// The selected user.
    pub user_at: usize,
    /// The selected team.
    pub team_at: usize,
    /// The selected role.
    pub role_at: usize,
    /// The role to select once the roles are read again: a copy just made.
    pub select_role: Option<String>,
    /// The row of the role's table under the cursor: the kinds, then the rights.
    pub row: usize,
    /// The column under the cursor: 0 the list of roles, 1 to 4 read, create, edit, delete (a
    /// right's row has one cell, its yes or no).
    pub col: usize,
}

impl People {
    /// Reads the directory, keeping the selections of `old`.
    pub fn read(crm: &Crm, old: &People) -> Result<People> {
        let dir = crm.directory()?;
        let teams =
            dir.teams.iter().map(|t| (t.clone(), dir.users.iter().filter(|u| u.team.as_ref() == Some(t)).count()));
        let roles: Vec<Role> = dir.role_names().iter().filter_map(|n| dir.role(n)).collect();
        let admins = dir.active_admins();
        let mut p = People { teams: teams.collect(), roles, admins, users: dir.users, ..old.clone() };
        if let Some(at) = p.select_role.take().and_then(|name| p.roles.iter().position(|r| r.name == name)) {
            (p.role_at, p.col) = (at, 0);
        }
        p.user_at = p.user_at.min(p.users.len().saturating_sub(1));
        p.team_at = p.team_at.min(p.teams.len().saturating_sub(1));
        p.role_at = p.role_at.min(p.roles.len().saturating_sub(1));
        Ok(p)
    }

    /// The kinds a role's table lists, one row each, before the rights.
    fn kinds() -> Vec<Kind> {
        crate::model::role_kinds().collect()
    }

    /// How many rows the role's table has.
    fn rows() -> usize {
        Self::kinds().len() + Right::ALL.len()
    }

    /// The role names a user may be given, and the teams.
    fn choices(&self) -> (Vec<String>, Vec<String>) {
        (self.roles.iter().map(|r| r.name.clone()).collect(), self.teams.iter().map(|(t, _)| t.clone()).collect())
    }

    /// What `action` does on `tab`.
    pub fn update(&mut self, tab: PeopleTab, action: Action) -> Vec<Effect> {
        let ask = |ask, text: String| vec![Effect::Overlay(Overlay::ask(ask, text))];
        match (tab, action) {
            (PeopleTab::Users, _) if step(action).is_some() => {
                self.user_at = crate::tui::stepped(self.user_at, step(action).unwrap_or(0), self.users.len());
            }
            (PeopleTab::Teams, _) if step(action).is_some() => {
                self.team_at = crate::tui::stepped(self.team_at, step(action).unwrap_or(0), self.teams.len());
            }
            (PeopleTab::Roles, _) if step(action).is_some() && self.col == 0 => {
                self.role_at = crate::tui::stepped(self.role_at, step(action).unwrap_or(0), self.roles.len());
            }
            (PeopleTab::Roles, _) if step(action).is_some() => {
                self.row = crate::tui::stepped(self.row, step(action).unwrap_or(0), Self::rows());
                self.col = self.col.min(self.last_col());
            }
            (PeopleTab::Users, Action::New) => {
                let (roles, teams) = self.choices();
                let draft = UserDraft::new(roles, teams, self.users.iter().map(|u| u.login.clone()).collect());
                return ask(Ask::User(Box::new(draft)), String::new());
            }
            (PeopleTab::Users, Action::Edit) => match self.users.get(self.user_at) {
                // A disabled user is enabled again rather than edited.
                Some(u) if !u.active => {
                    return vec![Effect::Overlay(Overlay::Confirm(Confirm::EnableUser(u.login.clone())))];
                }
                Some(user) => {
                    let (roles, teams) = self.choices();
                    let draft = UserDraft::edit(user, roles, teams);
                    // The name so far is proposed: the first key typed replaces it.
                    let text = LineField::proposed(draft.value());
                    return vec![Effect::Overlay(Overlay::Input { ask: Ask::User(Box::new(draft)), text })];
                }
                None => {}
            },
            (PeopleTab::Users, Action::Delete) => match self.users.get(self.user_at) {
                Some(u) if !u.active => {
                    return vec![Effect::Say(format!("{} is already disabled: e enables them again", u.login))];
                }
                Some(u) if u.role == "admin" && self.admins <= 1 => {
                    let m = format!("{} is the last active admin: make another user admin first", u.login);
                    return vec![Effect::Refuse(m)];
                }
                Some(u) => return vec![Effect::Overlay(Overlay::Confirm(Confirm::DisableUser(u.login.clone())))],
                None => {}
            },
            (PeopleTab::Teams, Action::New) => return ask(Ask::NewTeam, String::new()),
            (PeopleTab::Teams, Action::Edit) => {
                if let Some((team, _)) = self.teams.get(self.team_at) {
                    return ask(Ask::RenameTeam(team.clone()), team.clone());
                }
            }
            (PeopleTab::Roles, Action::CopyRole) => {
                if let Some(role) = self.roles.get(self.role_at) {
                    return ask(Ask::CopyRole(role.name.clone()), String::new());
                }
            }
            // Into the table; a built-in role's is there to read, and says so.
            (PeopleTab::Roles, Action::Right | Action::Pick) if self.col == 0 => {
                self.col = 1;
                if let Some(role) = self.roles.get(self.role_at).filter(|r| r.is_built_in()) {
                    let m = format!("{} is built in and fixed: c copies it to a role you can change", role.name);
                    return vec![Effect::Say(m)];
                }
            }
            (PeopleTab::Roles, Action::Left) => self.col = self.col.saturating_sub(1),
            (PeopleTab::Roles, Action::Right) => self.col = (self.col + 1).min(self.last_col()),
            (PeopleTab::Roles, Action::Pick) => return self.change_cell(),
            (_, Action::New | Action::Edit | Action::Delete | Action::CopyRole | Action::Pick) => {
                return vec![Effect::Refuse(format!("{} does not act on this tab: ? lists its keys", action.name()))];
            }
            _ => {}
        }
        Vec::new()
    }

    /// The last column of the row under the cursor: a kind's delete, or a right's one cell.
    fn last_col(&self) -> usize {
        if self.row < Self::kinds().len() { Act::ALL.len() } else { 1 }
    }

    /// Cycles the level under the cursor (none, own, team, all) or toggles the right, written at
    /// once; a built-in role is refused by the service, which says it is fixed.
    fn change_cell(&mut self) -> Vec<Effect> {
        let Some(role) = self.roles.get(self.role_at) else { return Vec::new() };
        let name = role.name.clone();
        let kinds = Self::kinds();
        let command = match kinds.get(self.row) {
            Some(&kind) => {
                let act = Act::ALL[self.col - 1];
                let level = role.level(kind, act);
                let next =
                    Level::ALL[(Level::ALL.iter().position(|l| *l == level).unwrap_or(0) + 1) % Level::ALL.len()];
                Command::new("set a role's level", move |crm| {
                    crm.set_role_level(&name, kind, act, next)?;
                    Ok(format!("{name}: {act} {kind} now {next}"))
                })
            }
            None => {
                let right = Right::ALL[self.row - kinds.len()];
                let yes = !role.has(right);
                Command::new("set a role's right", move |crm| {
                    crm.set_role_right(&name, right, yes)?;
                    Ok(format!("{name}: {right} {}", if yes { "granted" } else { "withdrawn" }))
                })
            }
        };
        vec![Effect::Write(command)]
    }

    /// Draws `tab` in `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, tab: PeopleTab, ctx: &Ctx) {
        let style = |selected: bool, focused: bool| row_style(ctx, selected, focused);
        let boxed = |title: &str, focused: bool| {
            let block = Block::new().borders(Borders::ALL).title(format!(" {title} "));
            if focused { block.border_style(ctx.theme.focus()) } else { block }
        };
        match tab {
            PeopleTab::Users => {
                let rows = self.users.iter().enumerate().map(|(i, u)| {
                    let cells = vec![
                        u.login.clone(),
                        u.name.clone(),
                        u.role.clone(),
                        u.team.clone().unwrap_or_default(),
                        if u.active { "yes" } else { "no" }.to_string(),
                    ];
                    (cells, style(i == self.user_at, true))
                });
                let widths = [
                    Constraint::Length(14),
                    Constraint::Min(14),
                    Constraint::Length(10),
                    Constraint::Length(14),
                    Constraint::Length(6),
                ];
                let block = boxed("Users (a add · e edit · d disable)", true);
                let header = ["LOGIN", "NAME", "ROLE", "TEAM", "ACTIVE"];
                let table = grid(block.inner(area).width, &widths, &header, &[], ctx.theme.dim(), rows);
                let mut state = TableState::new().with_selected(Some(self.user_at));
                f.render_stateful_widget(table.block(block), area, &mut state);
            }
            PeopleTab::Teams => {
                let rows = self
                    .teams
                    .iter()
                    .enumerate()
                    .map(|(i, (t, n))| (vec![t.clone(), n.to_string()], style(i == self.team_at, true)));
                let widths = [Constraint::Min(14), Constraint::Length(6)];
                let block = boxed("Teams (a add · r rename)", true);
                let table = grid(block.inner(area).width, &widths, &["TEAM", "USERS"], &[1], ctx.theme.dim(), rows);
                let mut state = TableState::new().with_selected(Some(self.team_at));
                f.render_stateful_widget(table.block(block), area, &mut state);
            }
            PeopleTab::Roles => self.draw_roles(f, area, ctx),
        }
    }

    fn draw_roles(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let [left, right] = Layout::horizontal([Constraint::Length(22), Constraint::Min(40)]).areas(area);
        let on_list = self.col == 0;
        let focus = |yes: bool, block: Block<'static>| if yes { block.border_style(ctx.theme.focus()) } else { block };
        let rows = self.roles.iter().enumerate().map(|(i, r)| {
            let name = if r.is_built_in() { format!("{} (fixed)", r.name) } else { r.name.clone() };
            (vec![name], row_style(ctx, i == self.role_at, on_list))
        });
        let block = focus(on_list, Block::new().borders(Borders::ALL).title(" Roles (c copy) "));
        let table = grid(block.inner(left).width, &[Constraint::Min(10)], &["ROLE"], &[], ctx.theme.dim(), rows);
        let mut state = TableState::new().with_selected(Some(self.role_at));
        f.render_stateful_widget(table.block(block), left, &mut state);
        let Some(role) = self.roles.get(self.role_at) else { return };
        // The cell under the cursor is marked with brackets, so it reads without colour.
        let cell = |row: usize, col: usize, text: String| {
            if !on_list && row == self.row && col == self.col { format!("[{text}]") } else { text }
        };
        let mut lines: Vec<(Vec<String>, ratatui::style::Style)> = role_rows(role)
            .into_iter()
            .enumerate()
            .map(|(i, (kind, levels))| {
                let mut cells = vec![kind.to_string()];
                cells.extend(Act::ALL.iter().enumerate().map(|(c, a)| cell(i, c + 1, levels.of(*a).to_string())));
                (cells, ctx.theme.text())
            })
            .collect();
        let kinds = lines.len();
        lines.extend(Right::ALL.iter().enumerate().map(|(i, r)| {
            let yes = if role.has(*r) { "yes" } else { "no" }.to_string();
            (
                vec![format!("right: {r}"), cell(kinds + i, 1, yes), String::new(), String::new(), String::new()],
                ctx.theme.text(),
            )
        }));
        let how = if role.is_built_in() { "built in, fixed: c copies it" } else { "Enter changes the cell" };
        let title = format!(" {} · {how} ", role.name);
        let block = focus(!on_list, Block::new().borders(Borders::ALL).title(title));
        let widths = [
            Constraint::Min(14),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(8),
        ];
        let header = ["KIND", "READ", "CREATE", "EDIT", "DELETE"];
        let table = grid(block.inner(right).width, &widths, &header, &[], ctx.theme.dim(), lines);
        let mut state = TableState::new().with_selected((!on_list).then_some(self.row));
        f.render_stateful_widget(table.block(block), right, &mut state);
    }
}

/// How a row is drawn: the selected one in focus when its table has the keys, else picked out.
fn row_style(ctx: &Ctx, selected: bool, focused: bool) -> ratatui::style::Style {
    match (selected, focused) {
        (true, true) => ctx.theme.focus(),
        (true, false) => ctx.theme.title(),
        _ => ctx.theme.text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> People {
        let mut copy = Role::rep();
        copy.name = "lead".into();
        People {
            users: vec![User::new("root", "Root", "admin"), User::new("ann", "Ann Lee", "rep")],
            teams: vec![("East".into(), 1)],
            roles: vec![Role::admin(), Role::manager(), Role::rep(), copy],
            ..Default::default()
        }
    }

    #[test]
    fn users_are_added_edited_and_disabled_through_dialogs() {
        let mut p = people();
        let new = p.update(PeopleTab::Users, Action::New);
        assert!(matches!(&new[..], [Effect::Overlay(Overlay::Input { ask: Ask::User(d), .. })] if d.editing.is_none()));
        p.update(PeopleTab::Users, Action::Down);
        let edit = p.update(PeopleTab::Users, Action::Edit);
        assert!(
            matches!(&edit[..], [Effect::Overlay(Overlay::Input { ask: Ask::User(d), text })] if d.editing.as_deref() == Some("ann") && text.value() == "Ann Lee")
        );
        let off = p.update(PeopleTab::Users, Action::Delete);
        assert!(matches!(&off[..], [Effect::Overlay(Overlay::Confirm(Confirm::DisableUser(l)))] if l == "ann"));
        let copy = p.update(PeopleTab::Users, Action::CopyRole);
        assert!(matches!(&copy[..], [Effect::Refuse(_)]), "a key of another tab says so");
    }

    #[test]
    fn a_role_cell_cycles_its_level_and_a_right_toggles() {
        let mut p = people();
        p.update(PeopleTab::Roles, Action::Bottom);
        assert_eq!(p.role_at, 3, "on the list, j and k choose the role");
        p.update(PeopleTab::Roles, Action::Right);
        assert_eq!((p.row, p.col), (0, 1), "into the table, on the first kind's read");
        let set = p.update(PeopleTab::Roles, Action::Pick);
        assert!(matches!(&set[..], [Effect::Write(c)] if c.name == "set a role's level"));
        p.update(PeopleTab::Roles, Action::Right);
        p.update(PeopleTab::Roles, Action::Right);
        p.update(PeopleTab::Roles, Action::Right);
        p.update(PeopleTab::Roles, Action::Right);
        assert_eq!(p.col, 4, "delete is the last column");
        p.update(PeopleTab::Roles, Action::Bottom);
        assert_eq!((p.row, p.col), (People::rows() - 1, 1), "a right's row has one cell");
        let toggle = p.update(PeopleTab::Roles, Action::Pick);
        assert!(matches!(&toggle[..], [Effect::Write(c)] if c.name == "set a role's right"));
        let copy = p.update(PeopleTab::Roles, Action::CopyRole);
        assert!(matches!(&copy[..], [Effect::Overlay(Overlay::Input { ask: Ask::CopyRole(n), .. })] if n == "lead"));
    }
}
