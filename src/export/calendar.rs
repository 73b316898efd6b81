//! iCalendar (RFC 5545) through the `icalendar` crate, which escapes text and folds lines at 75
//! octets with CRLF line ends. Times are written in UTC (`20260105T140000Z`), so every calendar
//! shows them at the right local time.

use std::collections::HashMap;
use std::io::Write;

use icalendar::{Calendar, Component, EventLike, Property, TodoStatus};

use super::{ExportError, plain_text};
use crate::model::{Event, Id, Priority, Task, TaskStatus, Timestamp};

/// The people a calendar names as attendees: contact id → name and first email address.
pub type Attendees = HashMap<Id, (String, Option<String>)>;

/// What an iCalendar export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcsCount {
    /// Events and tasks written.
    pub written: usize,
    /// Of those, tasks.
    pub todos: usize,
    /// Tasks left out because they have no due date (a VTODO without one shows nowhere).
    pub undated: usize,
}

/// The DTSTAMP of a record: when it last changed (RFC 5545 asks for that when a calendar has no
/// METHOD), or when it was created if it never changed.
fn stamp(updated: Timestamp, created: Timestamp) -> chrono::DateTime<chrono::Utc> {
    if updated.0 > 0 { updated.utc() } else { created.utc() }
}

fn text(s: &str) -> String {
    plain_text(s).trim().to_string()
}

/// A VEVENT: UID `event-<id>@rolo`, DTSTAMP, DTSTART and DTEND in UTC, SUMMARY, LOCATION,
/// DESCRIPTION (the notes) and an ATTENDEE per person with their name (CN) and `mailto:` address
/// (`urn:rolo:contact:<id>` for someone without one).
fn event(e: &Event, people: &Attendees) -> icalendar::Event {
    let mut v = icalendar::Event::new();
    v.uid(&format!("event-{}@rolo", e.id))
        .timestamp(stamp(e.updated, e.created))
        .starts(e.start.utc())
        .summary(&text(&e.title));
    if let Some(end) = e.end {
        v.ends(end.utc());
    }
    if let Some(l) = e.location.as_deref().filter(|l| !l.trim().is_empty()) {
        v.location(&text(l));
    }
    if let Some(n) = e.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        v.description(&text(n));
    }
    for id in &e.attendees {
        let (name, email) = people.get(id).cloned().unwrap_or_default();
        let address = email.map_or_else(|| format!("urn:rolo:contact:{id}"), |a| format!("mailto:{}", text(&a)));
        let mut attendee = Property::new("ATTENDEE", &address);
        if !name.trim().is_empty() {
            attendee.add_parameter("CN", &text(&name));
        }
        v.append_multi_property(attendee);
    }
    v.done()
}

/// A VTODO for a task with a due date: UID `task-<id>@rolo`, DTSTAMP, DUE as a date, SUMMARY,
/// STATUS (NEEDS-ACTION, IN-PROCESS, COMPLETED or CANCELLED), PRIORITY (1 high, 5 normal, 9 low),
/// COMPLETED when done, DESCRIPTION (the notes).
fn todo(t: &Task, due: crate::model::Date) -> icalendar::Todo {
    let mut v = icalendar::Todo::new();
    let status = match t.status {
        TaskStatus::Open => TodoStatus::NeedsAction,
        TaskStatus::InProgress => TodoStatus::InProcess,
        TaskStatus::Done => TodoStatus::Completed,
        TaskStatus::Cancelled => TodoStatus::Cancelled,
    };
    let priority = match t.priority {
        Priority::High => 1,
        Priority::Normal => 5,
        Priority::Low => 9,
    };
    v.uid(&format!("task-{}@rolo", t.id))
        .timestamp(stamp(t.updated, t.created))
        .summary(&text(&t.title))
        .priority(priority);
    v.due(due.0).status(status);
    if let (TaskStatus::Done, Some(at)) = (t.status, t.completed_at) {
        v.completed(at.utc());
    }
    if let Some(n) = t.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        v.description(&text(n));
    }
    v.done()
}

/// Writes one VCALENDAR holding a VEVENT per event (its attendees named from `people`) and a
/// VTODO per task that has a due date.
pub fn ics(events: &[Event], tasks: &[Task], people: &Attendees, mut to: impl Write) -> Result<IcsCount, ExportError> {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//rolo//rolo CRM//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    let mut count = IcsCount { written: 0, todos: 0, undated: 0 };
    for e in events {
        cal.push(event(e, people));
        count.written += 1;
    }
    for t in tasks {
        match t.due {
            Some(due) => {
                cal.push(todo(t, due));
                count.written += 1;
                count.todos += 1;
            }
            None => count.undated += 1,
        }
    }
    write!(to, "{cal}")?;
    to.flush()?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;

    #[test]
    fn events_and_dated_tasks_become_components_in_utc() {
        let start = Timestamp(1_767_621_600); // 2026-01-05 14:00 UTC
        let e = Event {
            id: 3,
            title: "Kick-off; budget, scope".into(),
            start,
            end: Some(Timestamp(start.0 + 3600)),
            location: Some("大阪 ".repeat(20)),
            notes: Some("line one\r\nline two".into()),
            attendees: vec![4, 5],
            ..Default::default()
        };
        let people = Attendees::from([
            (4, ("Ann Lee".to_string(), Some("ann@example.com".to_string()))),
            (5, ("Bo, Jr.".to_string(), None)),
        ]);
        let done = Task {
            id: 9,
            title: "Send deck".into(),
            due: Date::from_ymd(2026, 1, 9),
            priority: Priority::High,
            status: TaskStatus::Done,
            ..Default::default()
        };
        let undated = Task { id: 10, title: "Someday".into(), ..Default::default() };
        let mut out = Vec::new();
        let count = ics(&[e], &[done, undated], &people, &mut out).unwrap();
        assert_eq!(count, IcsCount { written: 2, todos: 1, undated: 1 });
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rolo//rolo CRM//EN\r\n"), "{text}");
        assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
        for line in [
            "UID:event-3@rolo",
            "DTSTART:20260105T140000Z",
            "DTEND:20260105T150000Z",
            "SUMMARY:Kick-off\\; budget\\, scope",
            "DESCRIPTION:line one\\nline two",
            "UID:task-9@rolo",
            "DUE;VALUE=DATE:20260109",
            "STATUS:COMPLETED",
            "PRIORITY:1",
            "ATTENDEE;CN=Ann Lee:mailto:ann@example.com",
            "ATTENDEE;CN=\"Bo, Jr.\":urn:rolo:contact:5",
        ] {
            assert!(text.contains(&format!("\r\n{line}\r\n")), "{line} in {text}");
        }
        assert!(!text.contains("Someday"));
        assert!(text.split("\r\n").all(|l| l.len() <= 75), "{text}");
        assert!(!text.replace("\r\n", "").contains('\n'), "only CRLF line ends");
    }
}
