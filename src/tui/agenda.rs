//! The agenda: a day or a week of events, tasks due, deals' next steps and birthdays, in time
//! order, read from the service's agenda (index ranges only).

use crate::crm::{AgendaItem, Crm, Result};
use crate::model::Date;

/// The state of the Agenda screen.
#[derive(Debug, Clone)]
pub struct Agenda {
    /// The first day shown.
    pub from: Date,
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
    /// Today's agenda, read when first shown.
    pub fn new() -> Agenda {
        Agenda { from: Date::today(), week: false, items: Vec::new(), selected: 0, birthdays: None, stale: true }
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
    pub fn prepare(&mut self, crm: &Crm) -> Result<()> {
        if self.stale {
            self.items = crm.agenda(self.from, self.days(), Date::today())?;
            self.birthdays = birthdays_soon(crm, 14)?;
            self.selected = self.selected.min(self.items.len().saturating_sub(1));
            self.stale = false;
        }
        Ok(())
    }

    /// Shows a day or a week from the same first day.
    pub fn set_week(&mut self, week: bool) {
        self.week = week;
        self.stale = true;
    }

    /// Moves a period (a day or a week) back or on.
    pub fn shift(&mut self, periods: i64) {
        self.from = self.from.add_days(periods * i64::from(self.days()));
        self.selected = 0;
        self.stale = true;
    }

    /// Back to today.
    pub fn today(&mut self) {
        self.from = Date::today();
        self.selected = 0;
        self.stale = true;
    }

    /// Moves the selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = super::stepped(self.selected, delta, self.items.len());
    }

    /// The selected item.
    pub fn current(&self) -> Option<&AgendaItem> {
        self.items.get(self.selected)
    }
}

/// A notice of the birthdays in the next `days` days, for when rolo starts (the first few
/// named, the rest counted); `None` when there are none.
pub fn birthdays_soon(crm: &Crm, days: u32) -> Result<Option<String>> {
    const NAMED: usize = 3;
    let today = Date::today();
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
