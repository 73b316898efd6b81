//! The task lists: Today, Overdue, Upcoming, All and Done, each with a count. Ids come from the
//! task index; only the rows on screen are read. A scope (a `crm::Filter` over tasks: project,
//! owner, account, due...) narrows all five.

use std::collections::HashMap;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Command, Effect, Screen, set_task_done, step};
use crate::crm::{Crm, DueContact, Filter, Result, Scope, TaskFilter};
use crate::model::{Id, Kind, Record, RecordRef, Task};
use crate::tui::ctx::Ctx;
use crate::tui::hits::Target;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::mode::{Ask, Overlay};
use crate::tui::theme::Theme;
use crate::tui::widgets::grid;

/// The sections, in tab order, with their names.
pub const SECTIONS: [(TaskFilter, &str); 5] = [
    (TaskFilter::Today, "Today"),
    (TaskFilter::Overdue, "Overdue"),
    (TaskFilter::Upcoming, "Upcoming"),
    (TaskFilter::All, "All"),
    (TaskFilter::Done, "Done"),
];

/// The section after the task sections: contacts due for a call by their cadence.
pub const DUE: usize = SECTIONS.len();

/// Every section's name, the task sections then "Due to contact".
pub fn section_names() -> impl Iterator<Item = &'static str> {
    SECTIONS.iter().map(|(_, n)| *n).chain(["Due to contact"])
}

/// A task as a row shows it.
#[derive(Debug, Clone)]
pub struct TaskRow {
    /// The task.
    pub task: Task,
    /// What it is about: the name of its deal, contact, account, lead or project.
    pub related: String,
}

/// The state of the Tasks screen.
#[derive(Debug, Clone, Default)]
pub struct TaskLists {
    /// The section shown (an index into [`SECTIONS`]).
    pub section: usize,
    /// How many tasks each section holds (and contacts, the last).
    pub counts: [usize; 6],
    /// The contacts due to be contacted (the last section).
    pub due: Vec<DueContact>,
    /// Whether the due count is fresh (it is read only while that section is shown).
    pub due_counted: bool,
    /// The ids of the section shown, in order.
    pub ids: Vec<Id>,
    /// Rows read so far.
    rows: HashMap<Id, TaskRow>,
    /// The selected position.
    pub selected: usize,
    /// Rows that fit on screen.
    pub height: usize,
    /// What the lists are narrowed to, as typed.
    pub scope_text: String,
    /// What the lists are narrowed to, read (`None`: every task).
    pub scope: Option<Filter>,
    /// Whose tasks the lists show, of those the user may see (`*`).
    pub whose: Scope,
    stale: bool,
}

impl TaskLists {
    /// Lists to be read when first shown, on Today.
    pub fn new() -> TaskLists {
        TaskLists { stale: true, height: 20, ..Default::default() }
    }

    /// Marks the lists for reading again (after a write).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Reads the counts and the section's ids when stale, and the rows on screen.
    pub fn read(&mut self, crm: &Crm) -> Result<()> {
        let today = crm.session().today();
        if self.stale {
            let keep = self.selected_id();
            // A scope is checked once per task, then applies to every section.
            let kept = match &self.scope {
                Some(filter) => Some(in_scope(crm, filter)?),
                None => None,
            };
            for (i, (filter, _)) in SECTIONS.iter().enumerate() {
                let mut ids = crm.task_ids(*filter, today)?;
                crm.keep_scope(Kind::Task, &mut ids, self.whose)?;
                if let Some(kept) = &kept {
                    ids.retain(|id| kept.contains(id));
                }
                self.counts[i] = ids.len();
                if i == self.section {
                    self.ids = ids;
                }
            }
            // Finding who is due reads every contact: only when that section is on screen.
            self.due_counted = self.section == DUE;
            if self.due_counted {
                self.due = crm.due_to_contact(today)?;
                self.counts[DUE] = self.due.len();
                self.ids = self.due.iter().map(|d| d.contact).collect();
            }
            self.rows.clear();
            self.stale = false;
            self.selected = keep
                .and_then(|id| self.ids.iter().position(|&x| x == id))
                .unwrap_or(self.selected)
                .min(self.ids.len().saturating_sub(1));
        }
        let (from, to) = self.window();
        let missing: Vec<Id> = self.ids[from..to].iter().copied().filter(|id| !self.rows.contains_key(id)).collect();
        if !missing.is_empty() && self.section != DUE {
            for task in crm.many::<Task>(&missing)? {
                let related = related(crm, &task);
                self.rows.insert(task.id, TaskRow { task, related });
            }
        }
        Ok(())
    }

    /// The positions on screen: from the first to past the last.
    pub fn window(&self) -> (usize, usize) {
        let from = self.selected.saturating_sub(self.height.saturating_sub(1));
        (from.min(self.ids.len()), (from + self.height.max(1)).min(self.ids.len()))
    }

    /// The row of `id`, once read.
    pub fn row(&self, id: Id) -> Option<&TaskRow> {
        self.rows.get(&id)
    }

    /// The selected task's id.
    pub fn selected_id(&self) -> Option<Id> {
        self.ids.get(self.selected).copied()
    }

    /// The selected task, if its row is read.
    pub fn selected_task(&self) -> Option<&Task> {
        self.selected_id().and_then(|id| self.rows.get(&id)).map(|r| &r.task)
    }

    /// Moves the selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = crate::tui::stepped(self.selected, delta, self.ids.len());
    }

    /// The record the selected row is: a task, or a contact in "Due to contact".
    pub fn selected_ref(&self) -> Option<RecordRef> {
        let kind = if self.section == DUE { Kind::Contact } else { Kind::Task };
        self.selected_id().map(|id| RecordRef::new(kind, id))
    }

    /// Shows the next (or previous) section.
    pub fn next_section(&mut self, back: bool) {
        let n = SECTIONS.len() + 1;
        self.section = if back { (self.section + n - 1) % n } else { (self.section + 1) % n };
        self.selected = 0;
        self.stale = true;
    }

    /// Narrows the lists to the tasks `scope` keeps (typed as `text`; `None`: every task).
    pub fn set_scope(&mut self, text: &str, scope: Option<Filter>) {
        self.scope_text = text.trim().to_string();
        self.scope = scope;
        self.selected = 0;
        self.stale = true;
    }
}

/// The ids of every task `filter` keeps.
fn in_scope(crm: &Crm, filter: &Filter) -> Result<std::collections::HashSet<Id>> {
    let all = crm.task_ids(TaskFilter::All, crm.session().today())?;
    Ok(crm.kept(filter, &all)?.into_iter().collect())
}

fn related(crm: &Crm, t: &Task) -> String {
    t.about().map(|target| format!("{} {}", target.kind, crm.label(target))).unwrap_or_default()
}

impl Screen for TaskLists {
    fn keys(&self) -> Vec<&'static [Binding]> {
        vec![keymap::TASKS]
    }

    fn keeps(&self, action: Action) -> bool {
        action == Action::Back && self.scope.is_some()
    }

    fn update(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        let task = self.selected_ref().filter(|r| r.kind == Kind::Task).map(|r| r.id);
        let ask = |ask, text: String| vec![Effect::Overlay(Overlay::ask(ask, text))];
        match action {
            _ if step(action).is_some() => self.move_by(step(action).unwrap_or(0)),
            Action::NextSection | Action::PrevSection => self.next_section(action == Action::PrevSection),
            Action::Back => {
                self.set_scope("", None);
                return vec![Effect::Say("task filter cleared".into())];
            }
            Action::Filter => return vec![Effect::Filter],
            Action::Scope => {
                let said;
                (self.whose, said) = ctx.next_scope(self.whose);
                self.stale = true;
                return vec![Effect::Say(format!("tasks: {said}"))];
            }
            Action::New | Action::AddTask => return ask(Ask::QuickTask(None), String::new()),
            Action::Complete | Action::Reopen => {
                return task
                    .map(|id| Effect::Write(set_task_done(id, action == Action::Complete)))
                    .into_iter()
                    .collect();
            }
            Action::Snooze => return task.map(|id| Effect::Write(snooze(id))).into_iter().collect(),
            Action::SnoozeAsk => {
                if let Some(t) = self.selected_task() {
                    return ask(Ask::SnoozeUntil(t.id, t.label()), String::new());
                }
            }
            // A contact due for a call opens; a task opens what it is about, else itself.
            Action::Open if self.section == DUE => return self.selected_ref().map(Effect::Open).into_iter().collect(),
            Action::Open => {
                let about = self.selected_task().map(|t| t.about().unwrap_or(RecordRef::new(Kind::Task, t.id)));
                return about.map(Effect::Open).into_iter().collect();
            }
            Action::Edit => {
                return self.selected_ref().map(|r| Effect::EditForm(r.kind, Some(r.id))).into_iter().collect();
            }
            Action::Delete => return self.selected_ref().map(|r| Effect::AskDelete(vec![r])).into_iter().collect(),
            Action::Assign => return self.selected_ref().map(|r| Effect::Assign(vec![r])).into_iter().collect(),
            Action::Call => return self.selected_ref().map(Effect::Call).into_iter().collect(),
            _ => {}
        }
        Vec::new()
    }

    fn prepare(&mut self, crm: &Arc<Crm>, _: &Ctx) -> std::result::Result<(), String> {
        self.read(crm).map_err(|e| e.to_string())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        draw_lists(f, area, self, ctx);
    }

    fn point(&mut self, target: Target, click: bool) -> bool {
        match target {
            Target::Row(n) if click && n < self.ids.len() && self.section != DUE => {
                self.selected = n;
                true
            }
            _ => false,
        }
    }
}

/// Moves task `id` a day on (from today when it was due before), saying to when.
fn snooze(id: Id) -> Command {
    Command::new("snooze the task", move |crm| {
        let t = crm.snooze_task(id, None)?;
        let due = t.due.map(|d| crm.session().dates().show(d)).unwrap_or_default();
        Ok(format!("{}: due {due}", t.title))
    })
}

/// The section tabs and the rows of the section shown.
fn draw_lists(f: &mut Frame, area: Rect, t: &TaskLists, ctx: &Ctx) {
    let (theme, today) = (&ctx.theme, ctx.today);
    let scope = if t.scope.is_none() { String::new() } else { format!(" · filter: {} (Esc clears)", t.scope_text) };
    let whose = if t.whose == Scope::All { String::new() } else { format!(" · {}", t.whose.label()) };
    let block = Block::new().borders(Borders::ALL).title(format!(" Tasks{whose}{scope} "));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let mut spans = Vec::new();
    let full: usize = section_names().enumerate().map(|(i, n)| n.len() + t.counts[i].to_string().len() + 6).sum();
    // Narrow windows get short names, so every tab (and the selected one) stays in sight.
    const SHORT: [&str; 6] = ["Today", "Late", "Next", "All", "Done", "Due"];
    for (i, name) in section_names().enumerate() {
        let name = if full > tabs.width as usize { SHORT[i] } else { name };
        let style = if i == t.section { theme.focus() } else { theme.dim() };
        let label =
            if i == DUE && !t.due_counted { format!(" {name} ") } else { format!(" {name} ({}) ", t.counts[i]) };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);
    if t.section == DUE {
        return due_to_contact(f, body, t, theme);
    }
    if t.ids.is_empty() {
        let empty = match section_names().nth(t.section).unwrap_or_default() {
            "Today" => "Nothing due today. n adds a task: a title, then a date (fri, +3d) and !high if need be.",
            "Overdue" => "Nothing overdue.",
            "Done" => "Nothing done yet: x completes the selected task.",
            _ => "No tasks here. n adds one.",
        };
        f.render_widget(Paragraph::new(Line::styled(empty, theme.dim())), body);
        return;
    }
    let (from, to) = t.window();
    let done_tab = section_names().nth(t.section) == Some("Done");
    let rows = t.ids[from..to].iter().enumerate().map(|(n, id)| {
        let selected = from + n == t.selected;
        let cells = match t.row(*id) {
            Some(r) => {
                let mark = match r.task.priority {
                    crate::model::Priority::High => "▲",
                    crate::model::Priority::Low => "▽",
                    crate::model::Priority::Normal => "·",
                };
                let late = r.task.is_overdue(today);
                // Done tasks are listed by when they were done, so that is the date shown.
                let due = match (done_tab, r.task.completed_at) {
                    (true, Some(at)) => ctx.dates.show(at.local_date()),
                    _ => r
                        .task
                        .due
                        .map(|d| format!("{}{}", ctx.dates.show(d), if late { "!" } else { "" }))
                        .unwrap_or_default(),
                };
                let done = if r.task.is_open() { "" } else { "✓ " };
                vec![mark.to_string(), format!("{done}{}", r.task.title), due, r.related.clone()]
            }
            None => vec![String::new(), "…".into(), String::new(), String::new()],
        };
        let overdue = t.row(*id).is_some_and(|r| r.task.is_overdue(today));
        let style = match (selected, overdue) {
            (true, _) => theme.focus(),
            (false, true) => theme.error(),
            _ => theme.text(),
        };
        (cells, style)
    });
    let widths = [Constraint::Length(1), Constraint::Min(20), Constraint::Length(11), Constraint::Percentage(35)];
    let header = ["", "TASK", if done_tab { "DONE" } else { "DUE" }, "ABOUT"];
    f.render_widget(grid(body.width, &widths, &header, &[], theme.dim(), rows), body);
    // The rows lie under the headings.
    for (row, y) in (from..to).zip(body.y.saturating_add(1)..body.bottom()) {
        ctx.hits.mark(Rect { y, height: 1, ..body }, Target::Row(row));
    }
}

/// The contacts due for a call by their cadence, most overdue first.
fn due_to_contact(f: &mut Frame, area: Rect, t: &TaskLists, theme: &Theme) {
    if t.due.is_empty() {
        let text = "Nobody is due: contacts with a follow-up cadence appear here when it runs out.";
        f.render_widget(Paragraph::new(Line::styled(text, theme.dim())), area);
        return;
    }
    let (from, to) = t.window();
    let rows = t.due[from..to.min(t.due.len())].iter().enumerate().map(|(n, d)| {
        let last = d.last_activity.map_or("never".to_string(), |l| l.to_string());
        let late = if d.overdue == 0 {
            "due today".to_string()
        } else {
            crate::text::count(d.overdue as usize, "day over", "days over")
        };
        let style = if from + n == t.selected { theme.focus() } else { theme.text() };
        (vec![d.name.clone(), last, format!("every {} days", d.every), late], style)
    });
    let widths = [Constraint::Min(20), Constraint::Length(11), Constraint::Length(15), Constraint::Length(15)];
    let header = ["CONTACT", "LAST", "CADENCE", "OVERDUE"];
    f.render_widget(grid(area.width, &widths, &header, &[], theme.dim(), rows), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx::new(&crate::crm::Session::new("ann"), Theme::plain(), Rect::new(0, 0, 80, 24))
    }

    fn lists() -> TaskLists {
        let mut t = TaskLists::new();
        let task = |id, title: &str, contact| Task { id, title: title.into(), contact, ..Default::default() };
        for row in [task(4, "Call Ann", Some(9)), task(5, "Send deck", None)] {
            t.ids.push(row.id);
            t.rows.insert(row.id, TaskRow { task: row, related: String::new() });
        }
        t
    }

    #[test]
    fn task_keys_answer_with_effects_and_esc_clears_the_scope_first() {
        let mut t = lists();
        let opened = t.update(Action::Open, &ctx());
        assert!(matches!(&opened[..], [Effect::Open(r)] if *r == RecordRef::new(Kind::Contact, 9)), "{opened:?}");
        t.update(Action::Down, &ctx());
        let opened = t.update(Action::Open, &ctx());
        assert!(
            matches!(&opened[..], [Effect::Open(r)] if *r == RecordRef::new(Kind::Task, 5)),
            "about nothing: itself"
        );
        assert!(matches!(&t.update(Action::Snooze, &ctx())[..], [Effect::Write(c)] if c.name == "snooze the task"));
        assert!(matches!(&t.update(Action::Complete, &ctx())[..], [Effect::Write(c)] if c.name == "complete the task"));
        let asked = t.update(Action::SnoozeAsk, &ctx());
        assert!(
            matches!(&asked[..], [Effect::Overlay(Overlay::Input { ask: Ask::SnoozeUntil(5, title), .. })] if title == "Send deck")
        );
        assert!(matches!(&t.update(Action::Delete, &ctx())[..], [Effect::AskDelete(r)] if r[0].id == 5));
        assert!(!t.keeps(Action::Back), "without a scope Esc is the app's");
        assert!(matches!(&t.update(Action::Filter, &ctx())[..], [Effect::Filter]), "f opens the filter line");
        let names = crate::crm::Vocabulary::default();
        let today = ctx().today;
        t.set_scope("owner:ann", Some(Filter::parse(Kind::Task, "owner:ann", &names, today).unwrap()));
        assert!(t.keeps(Action::Back));
        assert!(matches!(&t.update(Action::Back, &ctx())[..], [Effect::Say(s)] if s == "task filter cleared"));
        assert!(t.scope.is_none() && t.scope_text.is_empty());
    }
}
