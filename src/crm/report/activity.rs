//! The activity report: calls, connected calls, tasks done, deals moved and emails sent per
//! person and day.

use std::collections::BTreeMap;

use serde::Serialize;

use super::chart::{ActivityCount, Bucket, Chart, ChartView, Unit, measure, row};
use super::{ReportQuery, Slots, instants};
use crate::crm::{Crm, Result};
use crate::model::{Date, Delivery, Timestamp};
use crate::store::facts::{self};

/// What each person did per day: calls, tasks completed, deals moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityReport {
    /// First day counted.
    pub from: Date,
    /// Last day counted.
    pub to: Date,
    /// One row per person and day with anything done, by person then day.
    pub rows: Vec<ActivityRow>,
}

/// One person's day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActivityRow {
    /// The user: the owner of the calls and tasks, the one who moved the deals.
    pub owner: String,
    /// The day (local time).
    pub day: Date,
    /// Calls they own that started that day.
    pub calls: u32,
    /// Of those, how many were connected.
    pub connected: u32,
    /// Tasks they own completed that day.
    pub tasks_done: u32,
    /// Times they moved a deal to another stage that day.
    pub deals_moved: u32,
    /// Emails they sent (or wrote to files) that day, one-to-one or for a campaign.
    pub emails: u32,
}

impl Crm {
    /// Calls, connected calls, tasks completed and deals moved, per user and day of the period
    /// (default: the last 7 days, ending today), each read from the report facts in time order.
    /// The moves of deals deleted since still count: the work was done.
    pub fn activity_report(&self, query: ReportQuery) -> Result<ActivityReport> {
        self.activity_report_on(query, self.session().today())
    }

    /// [`Crm::activity_report`] with "today" given, for reproducible reports and tests.
    pub fn activity_report_on(&self, query: ReportQuery, today: Date) -> Result<ActivityReport> {
        use crate::model::CallOutcome;
        query.check()?;
        let (from, to) = match (query.from, query.to) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, f.add_days(6)),
            (None, Some(t)) => (t.add_days(-6), t),
            (None, None) => (today.add_days(-6), today),
        };
        let days = Slots::new(from, (to.days() - from.days()) as usize + 1, 1);
        let (start, end) = instants(from, to);
        let r = self.reader()?;
        let mut rows = ActivityRows::default();
        let day = |t: Timestamp| from.add_days(days.of(t));
        facts::calls(&r, start, end, &mut |c| {
            let w = rows.row(c.owner, day(c.at));
            w.calls += 1;
            w.connected += u32::from(c.outcome == CallOutcome::Connected);
        })?;
        facts::done_tasks(&r, start, end, &mut |t| {
            if let Some(at) = t.completed {
                rows.row(t.owner, day(at)).tasks_done += 1;
            }
        })?;
        facts::moves(&r, start, end, &mut |m| rows.row(m.user, day(m.at)).deals_moved += 1)?;
        emails_out(&r, start, end, &mut |m| rows.row(m.owner, day(m.at)).emails += 1)?;
        Ok(ActivityReport { from, to, rows: rows.0.into_values().flat_map(BTreeMap::into_values).collect() })
    }
}

/// The emails handed over from `start` up to, not including, `end` (sent, written to a file, or
/// bounced: the work was done), in time order, from their report facts.
pub(in crate::crm) fn emails_out(
    r: &impl crate::store::RawRead,
    start: Timestamp,
    end: Timestamp,
    f: &mut dyn FnMut(facts::EmailFacts),
) -> Result<()> {
    Ok(facts::emails(r, start, end, &mut |m| {
        if matches!(m.result, Delivery::Sent | Delivery::Written | Delivery::Bounced) {
            f(m);
        }
    })?)
}

/// The rows of the activity report being counted: per person (alphabetically), per day.
#[derive(Default)]
struct ActivityRows(BTreeMap<String, BTreeMap<Date, ActivityRow>>);

impl ActivityRows {
    /// The row of `owner` on `day`, added empty if new.
    fn row(&mut self, owner: &str, day: Date) -> &mut ActivityRow {
        if !self.0.contains_key(owner) {
            self.0.insert(owner.to_string(), BTreeMap::new());
        }
        let days = self.0.get_mut(owner).expect("just added");
        days.entry(day).or_insert_with(|| ActivityRow { owner: owner.to_string(), day, ..Default::default() })
    }
}

impl Chart {
    /// What each person did: over the whole period, and day by day.
    pub fn activity(r: &ActivityReport) -> Chart {
        let which = [
            ActivityCount::Calls,
            ActivityCount::Connected,
            ActivityCount::TasksDone,
            ActivityCount::DealsMoved,
            ActivityCount::Emails,
        ];
        let measures =
            || ["calls", "connected", "tasks done", "deals moved", "emails"].map(|n| measure(n, Unit::Count)).to_vec();
        let behind = |owner: &str, from: Date, to: Date| {
            which.map(|which| Some(Bucket::Activity { owner: owner.to_string(), from, to, which })).to_vec()
        };
        let counts = |a: &ActivityRow| [a.calls, a.connected, a.tasks_done, a.deals_moved, a.emails];
        let mut people: Vec<(String, [u32; 5])> = Vec::new();
        for a in &r.rows {
            let counts = counts(a);
            match people.last_mut() {
                Some((owner, sums)) if *owner == a.owner => {
                    for (s, n) in sums.iter_mut().zip(counts) {
                        *s += n;
                    }
                }
                _ => people.push((a.owner.clone(), counts)),
            }
        }
        let values = |counts: [u32; 5]| counts.map(|n| Some(i64::from(n))).to_vec();
        let by_person =
            people.iter().map(|(owner, sums)| row(owner.clone(), values(*sums), behind(owner, r.from, r.to)));
        let by_day = r
            .rows
            .iter()
            .map(|a| row(format!("{} {}", a.owner, a.day), values(counts(a)), behind(&a.owner, a.day, a.day)));
        Chart {
            title: format!("Activity {} to {}", r.from, r.to),
            from: Some(r.from),
            to: Some(r.to),
            currency: None,
            views: vec![
                ChartView { name: "by person".into(), measures: measures(), rows: by_person.collect() },
                ChartView { name: "by person and day".into(), measures: measures(), rows: by_day.collect() },
            ],
            note: String::new(),
        }
    }
}
