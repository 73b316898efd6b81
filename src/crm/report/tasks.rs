//! The tasks report: tasks completed, late, open and overdue per ISO week.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::chart::{Bucket, Chart, ChartView, TaskCount, Unit, measure, row};
use super::{ReportQuery, Slots, instants};
use crate::crm::{Crm, Result};
use crate::model::{Date, Timestamp, ValidationError};
use crate::store::facts::{self};

/// How many ISO weeks the tasks report covers when no period is given.
pub const DEFAULT_WEEKS: i64 = 8;

/// The most ISO weeks one tasks report covers (about ten years).
pub const MAX_WEEKS: i64 = 520;

/// Task completion per ISO week, and the on-time rate over the whole period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TasksReport {
    /// The Monday of the first week.
    pub from: Date,
    /// The Sunday of the last week.
    pub to: Date,
    /// The day "overdue" is measured against in the current week (no later week has any).
    pub today: Date,
    /// One row per ISO week, oldest first (every week listed, even empty ones).
    pub weeks: Vec<TaskWeek>,
    /// Completed on time (on or before the due date, or with none) ÷ completed, over the
    /// period; none when nothing was completed.
    pub on_time_rate: Option<f64>,
}

/// The tasks of one ISO week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskWeek {
    /// The ISO week, like `2026-W48`.
    pub week: String,
    /// Its Monday.
    pub from: Date,
    /// Its Sunday.
    pub to: Date,
    /// Tasks completed in the week.
    pub completed: u32,
    /// Of those, how many were completed after their due date.
    pub late: u32,
    /// Tasks created by the end of the week that are still open now.
    pub open: u32,
    /// Of those, how many were overdue as of the week's last day (as of today in the current
    /// week, as `rolo task list --overdue` counts; none in weeks after today): due before it.
    pub overdue: u32,
}

impl Crm {
    /// Tasks completed, completed late, still open and overdue per ISO week of the period,
    /// widened to whole weeks (default: the last 8 weeks, ending with this one).
    pub fn tasks_report(&self, query: ReportQuery) -> Result<TasksReport> {
        self.tasks_report_on(query, self.session().today())
    }

    /// [`Crm::tasks_report`] with "today" given, for reproducible reports and tests.
    pub fn tasks_report_on(&self, query: ReportQuery, today: Date) -> Result<TasksReport> {
        query.check()?;
        let span = (DEFAULT_WEEKS - 1) * 7;
        let (from, last) = match (query.from, query.to) {
            (Some(f), Some(t)) => (f.week_start(), t.week_start()),
            (Some(f), None) => (f.week_start(), f.week_start().add_days(span)),
            (None, Some(t)) => (t.week_start().add_days(-span), t.week_start()),
            (None, None) => (today.week_start().add_days(-span), today.week_start()),
        };
        let to = last.add_days(6);
        let weeks = i64::from(last.days() - from.days()) / 7 + 1;
        if weeks > MAX_WEEKS {
            return Err(ValidationError::new(
                "to",
                format!("{from} to {to} spans {weeks} weeks: give at most {MAX_WEEKS} weeks with --from and --to"),
            )
            .into());
        }
        let mut rows: Vec<TaskWeek> = (0..weeks)
            .map(|i| {
                use chrono::Datelike;
                let start = from.add_days(i * 7);
                let iso = start.0.iso_week();
                TaskWeek {
                    week: format!("{}-W{:02}", iso.year(), iso.week()),
                    from: start,
                    to: start.add_days(6),
                    completed: 0,
                    late: 0,
                    open: 0,
                    overdue: 0,
                }
            })
            .collect();
        let slots = Slots::new(from, rows.len(), 7);
        let (start, end) = instants(from, to);
        let r = self.reader()?;
        // Done late: at or after the start of the day after the due date (worked out once a day).
        let mut late_from: HashMap<Date, Timestamp> = HashMap::default();
        facts::done_tasks(&r, start, end, &mut |t| {
            let Some(at) = t.completed else { return };
            let Some(week) = usize::try_from(slots.of(at)).ok().and_then(|w| rows.get_mut(w)) else { return };
            week.completed += 1;
            if let Some(due) = t.due {
                let late = *late_from.entry(due).or_insert_with(|| due.add_days(1).start_local());
                week.late += u32::from(at >= late);
            }
        })?;
        // The week a day falls in (negative before the first); a task open now counts as open from
        // the week it was created in, and as overdue from the first week ending after its due date
        // when that date has passed (a week counts as of its last day, the current one as of today).
        let week_of = |d: Date| i64::from(d.days() - from.days()).div_euclid(7);
        let (mut open_from, mut overdue_from) = (vec![0u32; rows.len() + 1], vec![0u32; rows.len() + 1]);
        let slot = |k: i64| k.clamp(0, weeks) as usize;
        facts::open_tasks(&r, &mut |t| {
            let created = slots.of(t.created).max(0);
            open_from[slot(created)] += 1;
            if let Some(due) = t.due.filter(|&due| due < today) {
                overdue_from[slot(created.max(week_of(due.add_days(-6)) + 1))] += 1;
            }
        })?;
        let (mut open, mut overdue) = (0u32, 0u32);
        for (k, w) in rows.iter_mut().enumerate() {
            open += open_from[k];
            overdue += overdue_from[k];
            w.open = open;
            w.overdue = if w.from > today { 0 } else { overdue };
        }
        let completed: u32 = rows.iter().map(|w| w.completed).sum();
        let on_time: u32 = rows.iter().map(|w| w.completed - w.late).sum();
        let on_time_rate = (completed > 0).then(|| f64::from(on_time) / f64::from(completed));
        Ok(TasksReport { from, to, today, weeks: rows, on_time_rate })
    }
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Tasks per ISO week: completed, completed late, open, overdue.
    pub fn tasks(r: &TasksReport) -> Chart {
        let which = [TaskCount::Completed, TaskCount::Late, TaskCount::Open, TaskCount::Overdue];
        let rows = r
            .weeks
            .iter()
            .map(|w| {
                let values = [w.completed, w.late, w.open, w.overdue].map(|n| Some(i64::from(n))).to_vec();
                let behind =
                    which.map(|which| Some(Bucket::Tasks { from: w.from, to: w.to, today: r.today, which })).to_vec();
                row(w.week.clone(), values, behind)
            })
            .collect();
        let note = match r.on_time_rate {
            Some(rate) => format!("{:.0}% of the tasks completed in this range were on time", rate * 100.0),
            None => "no task was completed in this range".to_string(),
        };
        Chart {
            title: format!("Tasks by ISO week, {} to {}", r.from, r.to),
            from: Some(r.from),
            to: Some(r.to),
            currency: None,
            views: vec![ChartView {
                name: "by week".into(),
                measures: ["completed", "completed late", "open", "overdue"].map(|n| measure(n, Unit::Count)).to_vec(),
                rows,
            }],
            note,
        }
    }
}
