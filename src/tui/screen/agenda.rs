//! The agenda: a day or a week of events, tasks due, deals' next steps and birthdays, in time
//! order, read from the service's agenda (index ranges only).

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Effect, Screen, set_task_done, step};
use crate::crm::{AgendaItem, Crm, Result};
use crate::model::{Date, Dates, Kind};
use crate::text::{sanitize, truncate};
use crate::tui::ctx::Ctx;
use crate::tui::form::Form;
use crate::tui::keymap::{self, Action, Binding};

/// The state of the Agenda screen.
#[derive(Debug, Clone)]
pub struct Agenda {
    /// The first day shown: the day in focus, or the first day of its week.
    pub from: Date,
    /// The day in focus: the one shown, or one of the week shown.
    pub day: Date,
    /// Whether a week is shown (else one day).
    pub week: bool,
    /// What is on, in order.
    pub items: Vec<AgendaItem>,
    /// The selected item.
    pub selected: usize,
    /// Birthdays of the next two weeks, as a line under the days.
    pub birthdays: Option<String>,
    stale: bool,
}

impl Agenda {
    /// The agenda of `today`, read when first shown.
    pub fn new(today: Date) -> Agenda {
        Agenda { from: today, day: today, week: false, items: Vec::new(), selected: 0, birthdays: None, stale: true }
    }

    /// How many days are shown.
    pub fn days(&self) -> u32 {
        if self.week { 7 } else { 1 }
    }

    /// Marks the agenda for reading again (after a write).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Reads the days shown when stale.
    pub fn read(&mut self, crm: &Crm, today: Date) -> Result<()> {
        if self.stale {
            self.items = crm.agenda(self.from, self.days(), today)?;
            self.birthdays = birthdays_soon(crm, 14, today)?;
            self.selected = self.selected.min(self.items.len().saturating_sub(1));
            self.stale = false;
        }
        Ok(())
    }

    /// Shows the day in focus, or the week holding it (starting on the user's first day of
    /// the week).
    pub fn set_week(&mut self, week: bool, dates: Dates) {
        self.week = week;
        self.place(dates);
    }

    /// Moves a period (a day or a week) back or on.
    pub fn shift(&mut self, periods: i64, dates: Dates) {
        self.day = self.day.add_days(periods * i64::from(self.days()));
        self.place(dates);
    }

    /// Back to `today`.
    pub fn today(&mut self, today: Date, dates: Dates) {
        self.day = today;
        self.place(dates);
    }

    /// Shows the period holding the day in focus, read anew.
    fn place(&mut self, dates: Dates) {
        let from = if self.week { dates.week_of(self.day) } else { self.day };
        if from != self.from {
            self.selected = 0;
        }
        self.from = from;
        self.stale = true;
    }

    /// Moves the selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = crate::tui::stepped(self.selected, delta, self.items.len());
    }

    /// The selected item.
    pub fn current(&self) -> Option<&AgendaItem> {
        self.items.get(self.selected)
    }
}

/// A notice of the birthdays in the next `days` days, for when rolo starts (the first few
/// named, the rest counted); `None` when there are none.
pub fn birthdays_soon(crm: &Crm, days: u32, today: Date) -> Result<Option<String>> {
    const NAMED: usize = 3;
    let (first, total) = crm.birthdays(today, days, NAMED)?;
    let mut names: Vec<String> = first
        .into_iter()
        .map(|i| {
            if i.date == today {
                format!("{} today", i.title)
            } else {
                format!("{} on {}", i.title, i.date.0.format("%a %-d %b"))
            }
        })
        .collect();
    if total > names.len() {
        names.push(format!("and {} more", crate::text::thousands((total - names.len()) as u64)));
    }
    Ok((total > 0).then(|| format!("birthdays soon: {}", names.join(", "))))
}

impl Screen for Agenda {
    fn keys(&self) -> Vec<&'static [Binding]> {
        vec![keymap::AGENDA]
    }

    /// The day shown is the day the working day is asked for.
    fn keeps(&self, action: Action) -> bool {
        action == Action::MyDay
    }

    fn update(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        match action {
            _ if step(action).is_some() => self.move_by(step(action).unwrap_or(0)),
            Action::DayView | Action::WeekView => self.set_week(action == Action::WeekView, ctx.dates),
            Action::Earlier | Action::Later => self.shift(if action == Action::Earlier { -1 } else { 1 }, ctx.dates),
            Action::Today => self.today(ctx.today, ctx.dates),
            Action::New => return vec![Effect::Form(Box::new(Form::new_event(self.day, ctx.dates)))],
            Action::SendBirthdays => return vec![Effect::Form(Box::new(Form::birthdays()))],
            Action::MyDay => return vec![Effect::Day(self.day)],
            Action::Open => return self.current().map(|i| Effect::Open(i.record)).into_iter().collect(),
            Action::Edit => {
                let event = self.current().filter(|i| i.record.kind == Kind::Event);
                return event.map(|i| Effect::EditForm(Kind::Event, Some(i.record.id))).into_iter().collect();
            }
            Action::Complete => {
                let task = self.current().filter(|i| i.record.kind == Kind::Task);
                return task.map(|i| Effect::Write(set_task_done(i.record.id, true))).into_iter().collect();
            }
            _ => {}
        }
        Vec::new()
    }

    fn prepare(&mut self, crm: &Arc<Crm>, ctx: &Ctx) -> std::result::Result<(), String> {
        self.read(crm, ctx.today).map_err(|e| e.to_string())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let today = ctx.today;
        let span = if self.week {
            format!("week of {}", self.from.0.format("%a %-d %b %Y"))
        } else {
            self.from.0.format("%a %-d %b %Y").to_string()
        };
        let block = Block::new().borders(Borders::ALL).title(format!(" Agenda · {span} "));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let mut lines = Vec::new();
        let mut selected_line = 0;
        for d in 0..self.days() {
            let day = self.from.add_days(i64::from(d));
            let head = format!("{}{}", day.0.format("%a %-d %b"), if day == today { " (today)" } else { "" });
            lines.push(Line::styled(head, if day == today { ctx.theme.focus() } else { ctx.theme.title() }));
            let mut any = false;
            for (i, item) in self.items.iter().enumerate().filter(|(_, i)| i.date == day) {
                any = true;
                if i == self.selected {
                    selected_line = lines.len();
                }
                let at = item.at.map(|t| t.local().format("%H:%M").to_string()).unwrap_or_default();
                let text = format!("  {at:>5}  {:<10} {}", item.kind.word(), sanitize(&item.title));
                let style = match (i == self.selected, item.kind) {
                    (true, _) => ctx.theme.focus(),
                    (false, crate::crm::AgendaKind::Overdue) => ctx.theme.error(),
                    _ => ctx.theme.text(),
                };
                lines.push(Line::styled(truncate(&text, inner.width as usize), style));
            }
            if !any {
                lines.push(Line::styled("         nothing on", ctx.theme.dim()));
            }
        }
        let [days, foot] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(u16::from(self.birthdays.is_some()))])
                .areas(inner);
        let room = days.height as usize;
        let scroll = selected_line.saturating_sub(room.saturating_sub(2));
        f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), days);
        if let Some(b) = &self.birthdays {
            f.render_widget(
                Paragraph::new(Line::styled(truncate(&sanitize(b), foot.width as usize), ctx.theme.title())),
                foot,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::AgendaKind;
    use crate::model::RecordRef;

    fn ctx(y: i32, m: u32, d: u32) -> Ctx {
        let session = crate::crm::Session::new("ann");
        let today = Date::from_ymd(y, m, d).unwrap();
        Ctx { today, ..Ctx::new(&session, crate::tui::Theme::plain(), Rect::new(0, 0, 80, 24)) }
    }

    fn item(kind: Kind, id: u64, date: Date) -> AgendaItem {
        let record = RecordRef::new(kind, id);
        let what = if kind == Kind::Task { AgendaKind::Task } else { AgendaKind::Event };
        AgendaItem { date, at: None, kind: what, title: format!("#{id}"), record }
    }

    #[test]
    fn days_and_weeks_move_from_the_day_shown_and_dot_comes_back_to_the_context_s_today() {
        // A Wednesday: its week starts on the Monday before, or the Sunday for those whose
        // weeks start then.
        let ctx = ctx(2026, 3, 4);
        let mut a = Agenda::new(ctx.today);
        a.update(Action::WeekView, &ctx);
        assert_eq!((a.week, a.from), (true, ctx.today.add_days(-2)));
        a.update(Action::Later, &ctx);
        assert_eq!(a.from, ctx.today.add_days(5));
        a.update(Action::DayView, &ctx);
        assert_eq!(a.from, ctx.today.add_days(7), "the day in focus, a week on");
        a.update(Action::Earlier, &ctx);
        assert_eq!(a.from, ctx.today.add_days(6));
        a.update(Action::Today, &ctx);
        assert_eq!(a.from, ctx.today);
        let sunday = Ctx {
            dates: crate::model::Dates { week_start: chrono::Weekday::Sun, ..Default::default() },
            ..ctx.clone()
        };
        a.update(Action::WeekView, &sunday);
        assert_eq!(a.from, ctx.today.add_days(-3));
    }

    #[test]
    fn items_open_edit_and_complete_through_effects() {
        let ctx = ctx(2026, 3, 4);
        let mut a = Agenda::new(ctx.today);
        a.items = vec![item(Kind::Event, 7, ctx.today), item(Kind::Task, 9, ctx.today)];
        assert!(matches!(&a.update(Action::Edit, &ctx)[..], [Effect::EditForm(Kind::Event, Some(7))]));
        assert!(a.update(Action::Complete, &ctx).is_empty(), "an event is not completed");
        a.update(Action::Down, &ctx);
        assert!(a.update(Action::Edit, &ctx).is_empty(), "tasks are edited from their page");
        assert!(matches!(&a.update(Action::Complete, &ctx)[..], [Effect::Write(c)] if c.name == "complete the task"));
        assert!(matches!(&a.update(Action::Open, &ctx)[..], [Effect::Open(r)] if r.id == 9));
        assert!(matches!(&a.update(Action::New, &ctx)[..], [Effect::Form(_)]));
    }
}
