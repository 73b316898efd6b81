//! Activity commands and queries: tasks, calls, events, projects and the agenda.

use chrono::Datelike;
use serde::Serialize;

use super::{Crm, CrmError, Result};
use crate::model::{
    Call, Contact, Date, Event, GoalMet, Id, Kind, Opportunity, Project, ProjectStatus, RecordRef, Task, TaskStatus,
    Timestamp,
};
use crate::store::facts;
use crate::store::keys::{i32_key, i64_key};
use crate::store::{Read, SortField};

/// Which tasks a task listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskFilter {
    /// Open tasks (open or in progress).
    #[default]
    Open,
    /// Open and due before today.
    Overdue,
    /// Open and due today.
    Today,
    /// Open and due after today, or undated.
    Upcoming,
    /// Done or cancelled.
    Done,
    /// Every task.
    All,
}

/// What an agenda line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgendaKind {
    /// An open task whose day has passed, listed at the top of today.
    Overdue,
    /// A contact's birthday.
    Birthday,
    /// A meeting.
    Event,
    /// A task due that day.
    Task,
    /// An opportunity's next step.
    NextStep,
}

impl AgendaKind {
    /// The word an agenda line starts with.
    pub fn word(self) -> &'static str {
        match self {
            AgendaKind::Overdue => "overdue",
            AgendaKind::Birthday => "birthday",
            AgendaKind::Event => "event",
            AgendaKind::Task => "task",
            AgendaKind::NextStep => "next step",
        }
    }
}

/// A contact whose follow-up cadence says it is time to be in touch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueContact {
    /// The contact.
    pub contact: Id,
    /// Their name.
    pub name: String,
    /// When they were last called, met or done a task with (none: never).
    pub last_activity: Option<Date>,
    /// The cadence, in days.
    pub every: u32,
    /// Days past due (0: due today); never-contacted people count from their record's creation.
    pub overdue: i64,
}

/// One line of the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    /// The day.
    pub date: Date,
    /// The start time, for events.
    pub at: Option<Timestamp>,
    /// What kind of line.
    pub kind: AgendaKind,
    /// What to show.
    pub title: String,
    /// The record behind it.
    pub record: RecordRef,
}

impl Crm {
    /// Ids of the tasks matching `filter`, open ones by due date (undated last), straight from
    /// the index (nothing decoded): for lists that read only the rows on screen.
    pub fn task_ids(&self, filter: TaskFilter, today: Date) -> Result<Vec<Id>> {
        let day = |d: i32| prefixed(0, &i32_key(d));
        let (from, to): (Vec<u8>, Option<Vec<u8>>) = match filter {
            TaskFilter::Open => (vec![0], Some(vec![1])),
            TaskFilter::Overdue => (vec![0], Some(day(today.days()))),
            TaskFilter::Today => (day(today.days()), Some(day(today.days() + 1))),
            TaskFilter::Upcoming => (day(today.days() + 1), Some(vec![1])),
            TaskFilter::Done => return self.done_task_ids(),
            TaskFilter::All => (vec![], None),
        };
        Ok(self.reader()?.sorted(Kind::Task, SortField::Date, &from, to.as_deref(), false, usize::MAX)?)
    }

    /// Closed tasks, the newest done first (from the report facts, ordered by completion time),
    /// then the ones closed without a time (cancelled).
    fn done_task_ids(&self) -> Result<Vec<Id>> {
        let r = self.reader()?;
        let mut ids = Vec::new();
        facts::done_tasks(&r, Timestamp(i64::MIN), Timestamp(i64::MAX), &mut |t| ids.push(t.id))?;
        ids.reverse();
        facts::closed_tasks(&r, &mut |t| ids.push(t.id))?;
        Ok(ids)
    }

    /// Tasks matching `filter`, open ones by due date (undated last), done ones newest first.
    pub fn tasks(&self, filter: TaskFilter, today: Date) -> Result<Vec<Task>> {
        let ids = self.task_ids(filter, today)?;
        Ok(self.reader()?.many::<Task>(&ids)?)
    }

    /// Contacts with a follow-up cadence that are due (or past due) on `today`, the most overdue
    /// first. Any logged call, meeting or completed task with them moves their last activity
    /// and so resets the cadence.
    pub fn due_to_contact(&self, today: Date) -> Result<Vec<DueContact>> {
        let mut due: Vec<DueContact> = self
            .list::<Contact>(|c| c.follow_up_days.is_some())?
            .into_iter()
            .filter_map(|c| {
                let every = c.follow_up_days?;
                let last = c.last_activity.map(|t| t.local_date());
                let since = last.unwrap_or_else(|| c.created.local_date());
                let overdue = (today.days() - since.days()) as i64 - i64::from(every);
                (overdue >= 0).then(|| DueContact {
                    contact: c.id,
                    name: c.full_name(),
                    last_activity: last,
                    every,
                    overdue,
                })
            })
            .collect();
        due.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.name.cmp(&b.name)));
        Ok(due)
    }

    /// Marks a task done (or, with `done` false, open again).
    pub fn set_task_done(&self, id: Id, done: bool) -> Result<Task> {
        self.write(|tx| {
            let mut t: Task = tx.get(id)?;
            if done != t.is_open() {
                return Err(CrmError::Already { record: format!("the task {}", t.title), state: t.status.to_string() });
            }
            t.status = if done { TaskStatus::Done } else { TaskStatus::Open };
            t.completed_at = done.then(|| tx.now());
            let contact = t.contact.filter(|_| done);
            let saved = tx.update(t, Some(if done { "completed".into() } else { "reopened".into() }))?;
            if let Some(c) = contact {
                tx.touch_contact(c, tx.now())?;
            }
            Ok(saved)
        })
    }

    /// Puts a task off: until `until`, or (with `None`) one day past its due date, or past today
    /// when that is later. Returns the task as saved.
    pub fn snooze_task(&self, id: Id, until: Option<Date>) -> Result<Task> {
        let today = self.session().today();
        self.write(|tx| {
            let mut t: Task = tx.get(id)?;
            t.due = Some(until.unwrap_or_else(|| t.due.filter(|d| *d > today).unwrap_or(today).add_days(1)));
            tx.update(t, None)
        })
    }

    /// Creates `task` about the record `about`: linked to it, and to the account of a person or
    /// a deal, so it shows on both.
    pub fn add_task_about(&self, mut task: Task, about: RecordRef) -> Result<Task> {
        self.write(|tx| {
            match about.kind {
                Kind::Contact => {
                    task.contact = Some(about.id);
                    task.account = tx.get::<Contact>(about.id)?.account;
                }
                Kind::Opportunity => {
                    task.opportunity = Some(about.id);
                    task.account = Some(tx.get::<Opportunity>(about.id)?.account);
                }
                Kind::Account => task.account = Some(about.id),
                Kind::Lead => task.lead = Some(about.id),
                Kind::Project => task.project = Some(about.id),
                _ => {}
            }
            tx.create(task)
        })
    }

    /// Logs a call; the contact's last activity moves on.
    pub fn log_call(&self, call: Call) -> Result<Call> {
        Ok(self.log_call_with_follow_up(call, None)?.0)
    }

    /// Logs a call and, in the same transaction, an optional follow-up task linked to the
    /// contact (and to the contact's account): both land or neither does.
    pub fn log_call_with_follow_up(&self, call: Call, follow_up: Option<Task>) -> Result<(Call, Option<Task>)> {
        self.write(|tx| {
            let call = tx.create(call)?;
            tx.touch_contact(call.contact, call.started_at)?;
            let task = match follow_up {
                Some(mut t) => {
                    let contact: Contact = tx.get(call.contact)?;
                    t.contact = Some(call.contact);
                    t.account = t.account.or(contact.account);
                    Some(tx.create(t)?)
                }
                None => None,
            };
            Ok((call, task))
        })
    }

    /// Calls, newest first, of one contact or of everyone, since a date.
    pub fn calls(&self, contact: Option<Id>, since: Option<Date>) -> Result<Vec<Call>> {
        let r = self.reader()?;
        let from = since.map(|d| i64_key(d.start_local().0).to_vec()).unwrap_or_default();
        let mut calls = match contact {
            Some(c) => {
                let ids = r.linking(RecordRef::new(Kind::Contact, c), Kind::Call)?;
                let floor = since.map(|d| d.start_local());
                r.many::<Call>(&ids)?.into_iter().filter(|call| floor.is_none_or(|f| call.started_at >= f)).collect()
            }
            None => {
                let ids = r.sorted(Kind::Call, SortField::Time, &from, None, true, usize::MAX)?;
                r.many::<Call>(&ids)?
            }
        };
        calls.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
        Ok(calls)
    }

    /// Closes a project, saying whether its goal was met.
    pub fn complete_project(&self, id: Id, goal_met: bool) -> Result<Project> {
        self.write(|tx| {
            let mut p: Project = tx.get(id)?;
            if p.status == ProjectStatus::Done {
                return Err(CrmError::Already { record: format!("project {id}"), state: "done".into() });
            }
            p.status = ProjectStatus::Done;
            p.goal_met = if goal_met { GoalMet::Yes } else { GoalMet::No };
            p.completed_at = Some(tx.now());
            let summary = if goal_met { "done, goal met" } else { "done, goal missed" };
            tx.update(p, Some(summary.into()))
        })
    }

    /// Project `id`'s network: its tasks the actor may see (cancelled ones left out), who waits
    /// for whom among them, and the critical path. A task's box notes when it is due and who
    /// does it, or the day it was done.
    pub fn project_network(&self, id: Id) -> Result<crate::model::Network> {
        let project: Project = self.get(id)?;
        let tasks: Vec<Task> = self
            .linking::<Task>(RecordRef::new(Kind::Project, project.id))?
            .into_iter()
            .filter(|t| t.status != TaskStatus::Cancelled)
            .collect();
        let (dates, today, people) = (self.session().dates(), self.session().today(), self.directory()?);
        let steps = tasks
            .iter()
            .map(|t| {
                let who = people.name_of(&t.owner);
                let note = match (t.completed_at, t.due) {
                    (Some(at), _) if !t.is_open() => format!("done {}", dates.show(self.session().day_of(at))),
                    _ if !t.is_open() => "done".to_string(),
                    (_, Some(due)) => format!("{} · {who}", dates.show(due)),
                    (_, None) => who.to_string(),
                };
                let late = t.is_open() && t.due.is_some_and(|d| d < today);
                crate::model::Step { task: t.id, title: t.title.clone(), note, done: !t.is_open(), late }
            })
            .collect();
        let waits: Vec<(Id, Id)> = tasks.iter().flat_map(|t| t.after.iter().map(|&b| (b, t.id))).collect();
        Ok(crate::model::Network::new(steps, &waits))
    }

    /// Creates an event and counts it as activity with each attendee.
    pub fn create_event(&self, event: Event) -> Result<Event> {
        self.write(|tx| {
            let event = tx.create(event)?;
            for &c in &event.attendees {
                tx.touch_contact(c, event.start)?;
            }
            Ok(event)
        })
    }

    /// Everything on the calendar from `from` for `days` days, by day then time: birthdays,
    /// events, open tasks due, and opportunities' next steps.
    pub fn agenda(&self, from: Date, days: u32, today: Date) -> Result<Vec<AgendaItem>> {
        let r = self.reader()?;
        let to = from.add_days(days.max(1) as i64);
        let mut items = Vec::new();
        if (from..to).contains(&today) {
            // What should have been done already heads today, oldest first.
            for t in r.many::<Task>(&self.task_ids(TaskFilter::Overdue, today)?)? {
                let due = t.due.map(|d| format!(" (due {})", self.session().dates().show(d))).unwrap_or_default();
                items.push(AgendaItem {
                    date: today,
                    at: None,
                    kind: AgendaKind::Overdue,
                    title: format!("{}{due}{}", t.title, about(&r, &t)),
                    record: RecordRef::new(Kind::Task, t.id),
                });
            }
        }

        let ids = r.sorted(
            Kind::Event,
            SortField::Time,
            &i64_key(from.start_local().0),
            Some(&i64_key(to.start_local().0)),
            false,
            usize::MAX,
        )?;
        for e in r.many::<Event>(&ids)? {
            items.push(AgendaItem {
                date: e.start.local_date(),
                at: Some(e.start),
                kind: AgendaKind::Event,
                title: e.title.clone(),
                record: RecordRef::new(Kind::Event, e.id),
            });
        }
        let ids = r.sorted(
            Kind::Task,
            SortField::Date,
            &prefixed(0, &i32_key(from.days())),
            Some(&prefixed(0, &i32_key(to.days()))),
            false,
            usize::MAX,
        )?;
        for t in r.many::<Task>(&ids)? {
            if let Some(due) = t.due {
                items.push(AgendaItem {
                    date: due,
                    at: None,
                    kind: AgendaKind::Task,
                    title: format!("{}{}", t.title, about(&r, &t)),
                    record: RecordRef::new(Kind::Task, t.id),
                });
            }
        }
        let ids = r.sorted(
            Kind::Opportunity,
            SortField::NextStep,
            &i32_key(from.days()),
            Some(&i32_key(to.days())),
            false,
            usize::MAX,
        )?;
        for o in r.many::<Opportunity>(&ids)? {
            if let (Some(date), crate::model::StageOutcome::Open) = (o.next_step_date, o.status) {
                let step = o.next_step.clone().unwrap_or_else(|| "next step".into());
                items.push(AgendaItem {
                    date,
                    at: None,
                    kind: AgendaKind::NextStep,
                    title: format!("{}: {step}", o.name),
                    record: RecordRef::new(Kind::Opportunity, o.id),
                });
            }
        }
        items.extend(birthdays(&r, from, days, usize::MAX)?.0);
        // Overdue tasks keep their due-date order; the rest of a day goes by time, kind and title.
        items.sort_by(|a, b| {
            let titles = if a.kind == AgendaKind::Overdue { std::cmp::Ordering::Equal } else { a.title.cmp(&b.title) };
            (a.date, a.at, a.kind).cmp(&(b.date, b.at, b.kind)).then(titles)
        });
        Ok(items)
    }

    /// The first `limit` birthdays from `from` for `days` days, in day order, and how many there
    /// are in all (counted from the index: only the ones returned are read).
    pub fn birthdays(&self, from: Date, days: u32, limit: usize) -> Result<(Vec<AgendaItem>, usize)> {
        birthdays(&self.reader()?, from, days, limit)
    }
}

/// " · Ann Lee": who or what an agenda's task is about, or nothing.
fn about(r: &impl Read, t: &Task) -> String {
    t.about().map(|target| format!(" · {}", super::label_of(r, target))).unwrap_or_default()
}

/// See [`Crm::birthdays`].
fn birthdays(r: &impl Read, from: Date, days: u32, limit: usize) -> Result<(Vec<AgendaItem>, usize)> {
    let to = from.add_days(days.max(1) as i64);
    let (mut items, mut total) = (Vec::new(), 0);
    let mut day = from;
    while day < to {
        let md = [day.0.month() as u8, day.0.day() as u8];
        let ids = r.sorted(Kind::Contact, SortField::Date, &md, Some(&[md[0], md[1] + 1]), false, usize::MAX)?;
        total += ids.len();
        let room = limit.saturating_sub(items.len()).min(ids.len());
        for c in r.many::<Contact>(&ids[..room])? {
            let age = c.birthday.map(|b| day.0.year() - b.0.year()).filter(|a| *a > 0);
            let title = match age {
                Some(age) => format!("{} turns {age}", c.full_name()),
                None => format!("{}'s birthday", c.full_name()),
            };
            items.push(AgendaItem {
                date: day,
                at: None,
                kind: AgendaKind::Birthday,
                title,
                record: RecordRef::new(Kind::Contact, c.id),
            });
        }
        day = day.add_days(1);
    }
    Ok((items, total))
}

impl super::Tx<'_> {
    /// Moves a contact's last activity forward to `at` (never back).
    pub fn touch_contact(&mut self, id: Id, at: Timestamp) -> Result<()> {
        let mut c: Contact = self.get(id)?;
        if c.last_activity.is_none_or(|t| t < at) {
            c.last_activity = Some(at);
            // The contact's last activity follows the activity, whoever may edit the contact.
            self.consequence(|tx| tx.update(c, None))?;
        }
        Ok(())
    }
}

fn prefixed(first: u8, rest: &[u8]) -> Vec<u8> {
    let mut v = vec![first];
    v.extend_from_slice(rest);
    v
}
