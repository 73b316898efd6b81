//! The working day: what each person planned for a day (tasks due, meetings, deals' next steps)
//! and what they did (tasks completed, calls and time on them, emails, deals moved), for `rolo
//! day` and the app. Every figure counts only what the actor may see.

use serde::Serialize;

use super::report::emails_out;
use super::{Crm, Result};
use crate::model::{
    Act, CallOutcome, Date, Dates, Event, Kind, Opportunity, Record, RecordRef, StageOutcome, Task, Timestamp,
    ValidationError,
};
use crate::store::keys::{i32_key, i64_key};
use crate::store::{Read, SortField, facts};

/// Whose days to work out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// The actor's own.
    Mine,
    /// One user's, by login (the actor must see their records).
    User(String),
    /// Each active user of the actor's team whose records the actor sees (every active user for
    /// someone in no team).
    Team,
}

/// One person's day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PersonDay {
    /// The user's login.
    pub user: String,
    /// Their name.
    pub name: String,
    /// The day.
    pub date: Date,
    /// What was planned: their tasks due that day (done or not), their meetings starting that
    /// day, their open deals' next steps dated that day.
    pub planned: Vec<Planned>,
    /// Tasks of theirs completed that day, whenever due.
    pub tasks_done: u32,
    /// Calls they made or took that day.
    pub calls: u32,
    /// Of those, the ones connected.
    pub connected: u32,
    /// Time on those calls, seconds.
    pub talk_secs: u64,
    /// Emails they sent that day.
    pub emails: u32,
    /// Times they moved a deal to another stage that day.
    pub deals_moved: u32,
}

/// One planned item of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    /// A task, a meeting or a deal (its next step).
    pub record: RecordRef,
    /// What it is: the task's or meeting's title, the deal's name and step.
    pub title: String,
    /// When a meeting starts.
    pub at: Option<Timestamp>,
    /// Whether it was done: a task completed (any day), a meeting held (it started).
    pub done: bool,
}

impl PersonDay {
    /// The tasks due that day, and how many of them are done.
    pub fn tasks_due(&self) -> (u32, u32) {
        let tasks = self.planned.iter().filter(|p| p.record.kind == Kind::Task);
        tasks.fold((0, 0), |(n, done), p| (n + 1, done + u32::from(p.done)))
    }

    /// The day as lines for people (the command line's and the app's): who and when, each
    /// planned item marked ✓ when done, what was done, and how it went.
    pub fn lines(&self, dates: Dates) -> Vec<String> {
        use crate::text::count;
        let mut text =
            vec![format!("{} ({}) · {} {}", self.name, self.user, self.date.0.format("%a"), dates.show(self.date))];
        if self.planned.is_empty() {
            text.push("  nothing was planned".to_string());
        }
        for p in &self.planned {
            let (what, time) = match (p.record.kind, p.at) {
                (Kind::Task, _) => ("task", String::new()),
                (Kind::Event, Some(at)) => ("meeting", format!("{} ", at.local().format("%H:%M"))),
                _ => ("next step", String::new()),
            };
            let mark = if p.done { "✓" } else { " " };
            text.push(format!("  {mark} {what:<9} {time}{} ({})", p.title, p.record));
        }
        let (due, done_of_due) = self.tasks_due();
        let calls = count(self.calls as usize, "call", "calls");
        let talk = crate::model::format_duration(self.talk_secs.min(u64::from(u32::MAX)) as u32);
        text.push(format!(
            "  done: {} · {calls} ({} connected, {talk} on the phone) · {} · {}",
            count(self.tasks_done as usize, "task", "tasks"),
            self.connected,
            count(self.emails as usize, "email", "emails"),
            count(self.deals_moved as usize, "deal moved", "deals moved"),
        ));
        let share = match (u64::from(done_of_due) * 100).checked_div(u64::from(due)) {
            Some(percent) => format!("{done_of_due} of {due} tasks due done ({percent}%)"),
            None => "nothing was due".to_string(),
        };
        text.push(format!("  effectiveness: {share}, {calls} made, {talk} on calls"));
        text
    }
}

impl Crm {
    /// The working day `date` of the people `whose` names, each with what they planned and did,
    /// in the order of the directory. A user the actor may not see the records of is refused.
    pub fn working_day(&self, date: Date, whose: Whose) -> Result<Vec<PersonDay>> {
        let actor = self.actor()?;
        let directory = self.directory()?;
        let level = actor.role().level(Kind::Task, Act::Read);
        let people: Vec<String> = match whose {
            Whose::Mine => vec![actor.login().to_string()],
            Whose::User(login) => {
                let user = directory.user(&login).ok_or_else(|| super::CrmError::UnknownUser(login.clone()))?;
                if !actor.reaches(level, Some(&user.login)) {
                    let problem = format!("{} may not see {}'s records: ask for your own day", actor.who(), user.login);
                    return Err(ValidationError::new("user", problem).into());
                }
                vec![user.login.clone()]
            }
            Whose::Team => {
                let team = actor.user().team.clone();
                let mine = |u: &&crate::model::User| team.is_none() || u.team == team;
                let seen = |u: &&crate::model::User| actor.reaches(level, Some(&u.login));
                directory.users.iter().filter(|u| u.active).filter(mine).filter(seen).map(|u| u.login.clone()).collect()
            }
        };
        let mut days: Vec<PersonDay> = people
            .iter()
            .map(|login| PersonDay {
                user: login.clone(),
                name: directory.name_of(login).to_string(),
                date,
                ..Default::default()
            })
            .collect();
        let at = |login: &str| people.iter().position(|p| p == login);
        let r = self.reader()?;
        let now = self.session().now();
        // Planned: tasks due that day, open (0) or closed (1); meetings; next steps.
        for state in [0u8, 1] {
            let key = |d: Date| [&[state][..], &i32_key(d.days())].concat();
            let ids =
                r.sorted(Kind::Task, SortField::Date, &key(date), Some(&key(date.add_days(1))), false, usize::MAX)?;
            for t in r.many::<Task>(&ids)? {
                if let Some(i) = at(&t.owner) {
                    let done = t.status == crate::model::TaskStatus::Done;
                    days[i].planned.push(Planned { record: t.record_ref(), title: t.title, at: None, done });
                }
            }
        }
        let (start, end) = (date.start_local(), date.add_days(1).start_local());
        let ids =
            r.sorted(Kind::Event, SortField::Time, &i64_key(start.0), Some(&i64_key(end.0)), false, usize::MAX)?;
        for e in r.many::<Event>(&ids)? {
            if let Some(i) = at(&e.owner) {
                let held = e.start <= now;
                days[i].planned.push(Planned { record: e.record_ref(), title: e.title, at: Some(e.start), done: held });
            }
        }
        let range = (i32_key(date.days()), i32_key(date.add_days(1).days()));
        let ids = r.sorted(Kind::Opportunity, SortField::NextStep, &range.0, Some(&range.1), false, usize::MAX)?;
        for o in r.many::<Opportunity>(&ids)? {
            if let (Some(i), StageOutcome::Open) = (at(&o.owner), o.status) {
                let step = o.next_step.clone().unwrap_or_else(|| "next step".into());
                let title = format!("{}: {step}", o.name);
                days[i].planned.push(Planned { record: o.record_ref(), title, at: None, done: false });
            }
        }
        // Done: from the report facts of the day.
        facts::calls(&r, start, end, &mut |c| {
            if let Some(i) = at(c.owner) {
                days[i].calls += 1;
                days[i].connected += u32::from(c.outcome == CallOutcome::Connected);
                days[i].talk_secs += u64::from(c.duration_secs);
            }
        })?;
        facts::done_tasks(&r, start, end, &mut |t| {
            if let Some(i) = at(t.owner) {
                days[i].tasks_done += 1;
            }
        })?;
        facts::moves(&r, start, end, &mut |m| {
            if let Some(i) = at(m.user) {
                days[i].deals_moved += 1;
            }
        })?;
        emails_out(&r, start, end, &mut |m| {
            if let Some(i) = at(m.owner) {
                days[i].emails += 1;
            }
        })?;
        Ok(days)
    }
}
