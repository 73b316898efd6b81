//! Work done with people: tasks, calls, events (meetings), and the projects tasks belong to.

use serde::{Deserialize, Serialize};

use super::{
    Date, Id, Kind, Link, Record, RecordRef, Timestamp, ValidationError, clear_if, link_opt, link_req, max_len,
    record_basics, require, swap_id, swap_in_list, word_enum,
};

word_enum!(
    /// How urgent a task is.
    Priority, "priority" {
        Low = "low",
        #[default] Normal = "normal",
        High = "high",
    }
);

word_enum!(
    /// Where a task stands.
    TaskStatus, "status" {
        #[default] Open = "open",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
);

/// Something to do, perhaps by a date, perhaps about a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Task {
    /// Number.
    pub id: Id,
    /// What to do (required).
    pub title: String,
    /// When it is due.
    pub due: Option<Date>,
    /// How urgent.
    pub priority: Priority,
    /// Open, done...
    pub status: TaskStatus,
    /// Related account.
    pub account: Option<Id>,
    /// Related contact.
    pub contact: Option<Id>,
    /// Related lead.
    pub lead: Option<Id>,
    /// Related opportunity.
    pub opportunity: Option<Id>,
    /// The project it belongs to.
    pub project: Option<Id>,
    /// The tasks that must be done before it can start (its predecessors in the project
    /// network), by id, in the order they were added.
    pub after: Vec<Id>,
    /// Details.
    pub notes: Option<String>,
    /// Who does it.
    pub owner: String,
    /// When it was done.
    pub completed_at: Option<Timestamp>,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Task {
    /// What the task is about: its deal, else its contact, lead, project or account.
    pub fn about(&self) -> Option<RecordRef> {
        [
            (Kind::Opportunity, self.opportunity),
            (Kind::Contact, self.contact),
            (Kind::Lead, self.lead),
            (Kind::Project, self.project),
            (Kind::Account, self.account),
        ]
        .into_iter()
        .find_map(|(k, id)| id.map(|id| RecordRef::new(k, id)))
    }

    /// Whether it still needs doing.
    pub fn is_open(&self) -> bool {
        matches!(self.status, TaskStatus::Open | TaskStatus::InProgress)
    }

    /// Whether it is open and its due date has passed.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_open() && self.due.is_some_and(|d| d < today)
    }

    /// A task from one typed line: a title, then optionally a due date as people type it
    /// (`today`, `tomorrow`, `fri`, `+3d`, `2026-12-01`, or in the order `dates` writes) and a
    /// priority (`!high`, `!low`, or `!!` for high), in either order at the end: "Call Ann fri
    /// !high".
    pub fn quick(line: &str, today: Date, dates: super::Dates) -> Result<Task, ValidationError> {
        let mut words: Vec<&str> = line.split_whitespace().collect();
        let mut task = Task::default();
        for _ in 0..2 {
            let Some(last) = words.last().copied().filter(|_| words.len() > 1) else { break };
            let priority = match last.to_lowercase().as_str() {
                "!high" | "!!" | "!h" => Some(Priority::High),
                "!low" | "!l" => Some(Priority::Low),
                "!normal" | "!n" => Some(Priority::Normal),
                _ => None,
            };
            if let Some(p) = priority {
                task.priority = p;
            } else if let Some(d) = dates.parse(last, today).ok().filter(|_| task.due.is_none()) {
                task.due = Some(d);
            } else {
                break;
            }
            words.pop();
        }
        task.title = words.join(" ");
        if task.title.is_empty() {
            return Err(ValidationError::new("title", "is required: type what is to be done, then a date if any"));
        }
        Ok(task)
    }
}

impl Record for Task {
    const KIND: Kind = Kind::Task;
    record_basics!(owner);

    fn validate(&self) -> Result<(), ValidationError> {
        require("title", &self.title)?;
        max_len("title", &self.title, 500)
    }

    fn links(&self) -> Vec<Link> {
        [
            link_opt("account", Kind::Account, self.account),
            link_opt("contact", Kind::Contact, self.contact),
            link_opt("lead", Kind::Lead, self.lead),
            link_opt("opp", Kind::Opportunity, self.opportunity),
            link_opt("project", Kind::Project, self.project),
        ]
        .into_iter()
        .flatten()
        .chain(self.after.iter().filter_map(|&id| link_opt("after", Kind::Task, Some(id))))
        .collect()
    }

    fn unlink(&mut self, target: RecordRef) {
        if target.kind == Kind::Task {
            self.after.retain(|&id| id != target.id);
        }
        clear_if(&mut self.account, Kind::Account, target);
        clear_if(&mut self.contact, Kind::Contact, target);
        clear_if(&mut self.lead, Kind::Lead, target);
        clear_if(&mut self.opportunity, Kind::Opportunity, target);
        clear_if(&mut self.project, Kind::Project, target);
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        if let Some(c) = &mut self.contact {
            swap_id(c, from, to);
        }
    }

    fn label(&self) -> String {
        self.title.clone()
    }
}

word_enum!(
    /// Who phoned whom.
    CallDirection, "direction" {
        #[default] Out = "out",
        In = "in",
    }
);

word_enum!(
    /// How a call went.
    CallOutcome, "outcome" {
        #[default] Connected = "connected",
        Voicemail = "voicemail",
        NoAnswer = "no_answer",
        Busy = "busy",
        WrongNumber = "wrong_number",
    }
);

/// A phone call with a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Call {
    /// Number.
    pub id: Id,
    /// Who was on the line (required).
    pub contact: Id,
    /// Who phoned whom.
    pub direction: CallDirection,
    /// When it started (required).
    pub started_at: Timestamp,
    /// How long it lasted, seconds.
    pub duration_secs: u32,
    /// How it went.
    pub outcome: CallOutcome,
    /// What was said.
    pub notes: Option<String>,
    /// The customer service case it was about.
    pub case: Option<Id>,
    /// Who made or took it.
    pub owner: String,
    /// When it was logged.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Record for Call {
    const KIND: Kind = Kind::Call;
    record_basics!(owner);

    fn validate(&self) -> Result<(), ValidationError> {
        if self.started_at == Timestamp::default() {
            return Err(ValidationError::new("at", "is required: give the time of the call"));
        }
        if self.duration_secs > 24 * 3600 {
            return Err(ValidationError::new("duration", "is longer than a day: check it"));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        let mut links = vec![link_req("contact", Kind::Contact, self.contact)];
        links.extend(link_opt("case", Kind::Case, self.case));
        links
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.case, Kind::Case, target);
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        swap_id(&mut self.contact, from, to);
    }

    fn label(&self) -> String {
        format!("{} call, {}", self.direction, self.outcome)
    }
}

/// A meeting or appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Event {
    /// Number.
    pub id: Id,
    /// What it is (required).
    pub title: String,
    /// When it starts (required).
    pub start: Timestamp,
    /// When it ends.
    pub end: Option<Timestamp>,
    /// Where.
    pub location: Option<String>,
    /// Contacts taking part.
    pub attendees: Vec<Id>,
    /// The account, lead or opportunity it is about.
    pub related: Option<RecordRef>,
    /// Details.
    pub notes: Option<String>,
    /// Who organises it.
    pub owner: String,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Record for Event {
    const KIND: Kind = Kind::Event;
    record_basics!(owner);

    fn validate(&self) -> Result<(), ValidationError> {
        require("title", &self.title)?;
        if self.start == Timestamp::default() {
            return Err(ValidationError::new("start", "is required: give a date and time"));
        }
        if let Some(end) = self.end
            && end < self.start
        {
            return Err(ValidationError::new("end", "is before the start"));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        let mut links: Vec<Link> =
            self.attendees.iter().filter_map(|&c| link_opt("contact", Kind::Contact, Some(c))).collect();
        if let Some(r) = self.related {
            links.extend(link_opt("related", r.kind, Some(r.id)));
        }
        links
    }

    fn hide(&mut self, seen: &dyn Fn(RecordRef) -> bool) {
        super::seen_contacts(&mut self.attendees, seen);
    }

    fn keep_hidden(&mut self, old: &Self, seen: &dyn Fn(RecordRef) -> bool) {
        super::keep_unseen_contacts(&mut self.attendees, &old.attendees, seen);
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        swap_in_list(&mut self.attendees, from, to);
        if let Some(r) = &mut self.related
            && r.kind == Kind::Contact
        {
            swap_id(&mut r.id, from, to);
        }
    }

    fn unlink(&mut self, target: RecordRef) {
        if target.kind == Kind::Contact {
            self.attendees.retain(|&c| c != target.id);
        }
        if self.related == Some(target) {
            self.related = None;
        }
    }

    fn label(&self) -> String {
        self.title.clone()
    }
}

word_enum!(
    /// Where a project stands.
    ProjectStatus, "status" {
        #[default] Active = "active",
        OnHold = "on_hold",
        Done = "done",
        Cancelled = "cancelled",
    }
);

word_enum!(
    /// Whether a finished project reached its goal.
    GoalMet, "goal met" {
        #[default] Pending = "pending",
        Yes = "yes",
        No = "no",
    }
);

/// A piece of work with a goal and a due date; tasks may belong to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Project {
    /// Number.
    pub id: Id,
    /// Name (required).
    pub name: String,
    /// The customer it is for.
    pub account: Option<Id>,
    /// When it must be done (required).
    pub due: Date,
    /// Active, done...
    pub status: ProjectStatus,
    /// What it should achieve.
    pub goal: Option<String>,
    /// Whether it did.
    pub goal_met: GoalMet,
    /// When it was closed.
    pub completed_at: Option<Timestamp>,
    /// Who leads it.
    pub owner: String,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Project {
    /// Whether it is still going (active or on hold).
    pub fn is_open(&self) -> bool {
        matches!(self.status, ProjectStatus::Active | ProjectStatus::OnHold)
    }
}

impl Record for Project {
    const KIND: Kind = Kind::Project;
    record_basics!(owner);

    fn validate(&self) -> Result<(), ValidationError> {
        require("name", &self.name)?;
        if self.status == ProjectStatus::Done && self.goal_met == GoalMet::Pending {
            return Err(ValidationError::new(
                "status",
                "'done' is set by closing the project, saying whether its goal was met (rolo project done ID --goal-met)",
            ));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        link_opt("account", Kind::Account, self.account).into_iter().collect()
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.account, Kind::Account, target);
    }

    fn label(&self) -> String {
        self.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateFormat, Dates};

    #[test]
    fn a_task_reads_from_one_typed_line() {
        let today = Date::from_ymd(2026, 11, 25).unwrap(); // a Wednesday
        let t = Task::quick("Call Ann fri !high", today, Dates::default()).unwrap();
        assert_eq!((t.title.as_str(), t.due, t.priority), ("Call Ann", Date::from_ymd(2026, 11, 27), Priority::High));
        let t = Task::quick("Send pricing !low tomorrow", today, Dates::default()).unwrap();
        assert_eq!(
            (t.title.as_str(), t.due, t.priority),
            ("Send pricing", Date::from_ymd(2026, 11, 26), Priority::Low)
        );
        assert_eq!(Task::quick("Renew +3d", today, Dates::default()).unwrap().due, Date::from_ymd(2026, 11, 28));
        assert_eq!(
            Task::quick("Year end 2026-12-31", today, Dates::default()).unwrap().due,
            Date::from_ymd(2026, 12, 31)
        );
        assert_eq!(
            Task::quick("Plan next year +40d", today, Dates::default()).unwrap().due,
            Date::from_ymd(2027, 1, 4),
            "across a year end"
        );
        let t = Task::quick("Write the report", today, Dates::default()).unwrap();
        let eu = Dates { format: DateFormat::DayMonthYear, ..Dates::default() };
        assert_eq!(Task::quick("Call Anna 03/01/2027 !high", today, eu).unwrap().due, Date::from_ymd(2027, 1, 3));
        assert_eq!(Task::quick("Call Anna 03/01/2027", today, Dates::default()).unwrap().title, "Call Anna 03/01/2027");
        assert_eq!((t.title.as_str(), t.due), ("Write the report", None));
        assert_eq!(Task::quick("today", today, Dates::default()).unwrap().title, "today", "a lone word is a title");
        assert!(Task::quick("  ", today, Dates::default()).is_err());
    }
}
