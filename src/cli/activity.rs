//! Activities and follow-up work: tasks, calls, events and the agenda, projects, notes and a
//! record's timeline: each command's arguments, handler and presenter.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::Value;

use super::args::{FilterArg, IdArg, owned_noun};
use super::output::{self, Names, Out, Present, date, list, opt, with_name, wrote};
use super::{add, assign, delete, edit, exists, fields, show_one};
use crate::crm::Order;
use crate::crm::{Crm, TaskFilter};
use crate::model::{
    Account, Call, Contact, Event, Id, Lead, Note, Opportunity, Project, RecordRef, Task, ValidationError,
    format_duration,
};

owned_noun!(
    /// Task commands.
    TaskCmd, TaskAdd, TaskEdit, TaskList,
    /// Mark done.
    Done(IdArg),
    /// Open again.
    Reopen(IdArg)
);

/// Optional task fields.
#[derive(Debug, Args, Default)]
pub struct TaskFields {
    /// Due date: YYYY-MM-DD, today, tomorrow, a weekday, +3d, +2w.
    #[arg(long)]
    pub due: Option<String>,
    /// low, normal or high.
    #[arg(long)]
    pub priority: Option<String>,
    /// Related contact.
    #[arg(long)]
    pub contact: Option<Id>,
    /// Related account.
    #[arg(long)]
    pub account: Option<Id>,
    /// Related lead.
    #[arg(long)]
    pub lead: Option<Id>,
    /// Related opportunity.
    #[arg(long)]
    pub opp: Option<Id>,
    /// The project it belongs to.
    #[arg(long)]
    pub project: Option<Id>,
    /// Details.
    #[arg(long)]
    pub notes: Option<String>,
    /// Who does it (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
}

/// `task add`.
#[derive(Debug, Args)]
pub struct TaskAdd {
    /// What to do.
    #[arg(long)]
    pub title: String,
    #[command(flatten)]
    pub fields: TaskFields,
}

/// `task edit`.
#[derive(Debug, Args)]
pub struct TaskEdit {
    /// The task's id.
    pub id: Id,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    /// A task that must be done before this one (repeat for several; a circle of tasks waiting
    /// for each other is refused).
    #[arg(long, value_name = "ID")]
    pub after: Vec<Id>,
    /// A task this one no longer waits for (repeatable).
    #[arg(long, value_name = "ID")]
    pub not_after: Vec<Id>,
    #[command(flatten)]
    pub fields: TaskFields,
}

/// `task list` filters (default: open tasks).
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").multiple(false))]
pub struct TaskList {
    /// Open tasks due before today.
    #[arg(long, group = "which")]
    pub overdue: bool,
    /// Open tasks due today.
    #[arg(long, group = "which")]
    pub today: bool,
    /// Open tasks (the default).
    #[arg(long, group = "which")]
    pub open: bool,
    /// Done and cancelled tasks.
    #[arg(long, group = "which")]
    pub done: bool,
    /// Every task.
    #[arg(long, group = "which")]
    pub all: bool,
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

owned_noun!(
    /// Call commands.
    CallCmd, CallLog, CallEdit, CallList,
    /// Log a call (the same as add).
    Log(CallLog)
);

/// `call log` / `call add`.
#[derive(Debug, Args)]
pub struct CallLog {
    /// Who was on the line (default with --case: the case's contact).
    #[arg(long, required_unless_present = "case")]
    pub contact: Option<Id>,
    #[command(flatten)]
    pub fields: CallFields,
}

/// Optional call fields.
#[derive(Debug, Args, Default)]
pub struct CallFields {
    /// out (default) or in.
    #[arg(long)]
    pub direction: Option<String>,
    /// How long: 90s, 5m, 1h30m.
    #[arg(long)]
    pub duration: Option<String>,
    /// connected, voicemail, no-answer, busy or wrong-number.
    #[arg(long)]
    pub outcome: Option<String>,
    /// What was said.
    #[arg(long)]
    pub notes: Option<String>,
    /// When it started, YYYY-MM-DD HH:MM local time (default: now).
    #[arg(long)]
    pub at: Option<String>,
    /// The owner's login (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
    /// The customer service case it was about (C-000123): a first call is its first response.
    #[arg(long, value_parser = super::service::case_id)]
    pub case: Option<Id>,
}

/// `call edit`.
#[derive(Debug, Args)]
pub struct CallEdit {
    /// The call's id.
    pub id: Id,
    #[command(flatten)]
    pub fields: CallFields,
}

/// `call list` filters.
#[derive(Debug, Args)]
pub struct CallList {
    /// Only calls with this contact.
    #[arg(long)]
    pub contact: Option<Id>,
    /// Only calls on or after this date.
    #[arg(long)]
    pub since: Option<String>,
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

owned_noun!(
    /// Event commands.
    EventCmd, EventAdd, EventEdit, EventList
);

/// Optional event fields.
#[derive(Debug, Args, Default)]
pub struct EventFields {
    /// When it ends, YYYY-MM-DD HH:MM.
    #[arg(long)]
    pub end: Option<String>,
    /// Where.
    #[arg(long)]
    pub location: Option<String>,
    /// An attendee's contact id (repeat for several; replaces them on edit).
    #[arg(long = "contact")]
    pub contacts: Vec<Id>,
    /// Details.
    #[arg(long)]
    pub notes: Option<String>,
    /// The owner's login (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
}

/// `event add`.
#[derive(Debug, Args)]
pub struct EventAdd {
    /// What it is.
    #[arg(long)]
    pub title: String,
    /// When it starts, YYYY-MM-DD HH:MM local time.
    #[arg(long)]
    pub start: String,
    #[command(flatten)]
    pub fields: EventFields,
}

/// `event edit`.
#[derive(Debug, Args)]
pub struct EventEdit {
    /// The event's id.
    pub id: Id,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    /// New start.
    #[arg(long)]
    pub start: Option<String>,
    #[command(flatten)]
    pub fields: EventFields,
}

/// `event list` filters.
#[derive(Debug, Args)]
pub struct EventList {
    /// Only events on or after this date (default: all).
    #[arg(long)]
    pub from: Option<String>,
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

/// `agenda`.
#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// The first day (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// How many days.
    #[arg(long, default_value_t = 1)]
    pub days: u32,
}

/// `rolo day`.
#[derive(Debug, Args)]
pub struct DayArgs {
    /// The day (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Another user's day (their records must be yours to see).
    #[arg(long, conflicts_with = "team", add = super::shell::users())]
    pub user: Option<String>,
    /// The day of each person of your team whose records you see.
    #[arg(long)]
    pub team: bool,
}

owned_noun!(
    /// Project commands.
    ProjectCmd, ProjectAdd, ProjectEdit, FilterArg,
    /// Close a project, saying whether its goal was met.
    Done(ProjectDone),
    /// Draw a project's tasks as a network: a box per task, layered by what each waits for,
    /// the critical path in heavy lines, done tasks dashed.
    Graph(ProjectGraph)
);

/// Optional project fields.
#[derive(Debug, Args, Default)]
pub struct ProjectFields {
    /// The customer it is for.
    #[arg(long)]
    pub account: Option<Id>,
    /// What it should achieve.
    #[arg(long)]
    pub goal: Option<String>,
    /// active, on-hold or cancelled.
    #[arg(long)]
    pub status: Option<String>,
    /// Who leads it (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
}

/// `project add`.
#[derive(Debug, Args)]
pub struct ProjectAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
    /// Due date.
    #[arg(long)]
    pub due: String,
    #[command(flatten)]
    pub fields: ProjectFields,
}

/// `project edit`.
#[derive(Debug, Args)]
pub struct ProjectEdit {
    /// The project's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New due date.
    #[arg(long)]
    pub due: Option<String>,
    #[command(flatten)]
    pub fields: ProjectFields,
}

/// `project graph`.
#[derive(Debug, Args)]
pub struct ProjectGraph {
    /// The project's id.
    pub id: Id,
    /// `text` (boxes and arrows) or `dot` (Graphviz: `| dot -Tsvg > plan.svg`).
    #[arg(long, default_value = "text", value_parser = ["text", "dot"])]
    pub format: String,
    /// Columns the drawing may take (default: the terminal's width, else 80).
    #[arg(long)]
    pub width: Option<usize>,
}

/// `project done`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("goal").required(true).multiple(false))]
pub struct ProjectDone {
    /// The project's id.
    pub id: Id,
    /// The goal was met.
    #[arg(long, group = "goal")]
    pub goal_met: bool,
    /// The goal was missed.
    #[arg(long, group = "goal")]
    pub goal_missed: bool,
}

owned_noun!(
    /// Note commands.
    NoteCmd, NoteAdd, NoteEdit, NoteList
);

/// `note add`.
#[derive(Debug, Args)]
pub struct NoteAdd {
    /// The record: KIND:ID with KIND one of account, contact, lead, opp.
    #[arg(long)]
    pub to: String,
    /// The note.
    pub text: String,
    /// The owner's login (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
}

/// `note edit`.
#[derive(Debug, Args)]
pub struct NoteEdit {
    /// The note's id.
    pub id: Id,
    /// The new text.
    pub text: String,
}

/// `note list` filters.
#[derive(Debug, Args)]
pub struct NoteList {
    /// Only notes on this record (KIND:ID).
    #[arg(long)]
    pub to: Option<String>,
}

/// `timeline`.
#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The record: KIND:ID, e.g. contact:12.
    pub record: String,
}

pub(super) fn task(out: &Out, crm: &Crm, cmd: TaskCmd) -> Result<()> {
    match cmd {
        TaskCmd::Add(a) => {
            let mut rec = Task { title: a.title, ..Default::default() };
            fields::task(&mut rec, &a.fields, crm.session().today())?;
            add(out, crm, rec)
        }
        TaskCmd::List(f) => {
            let filter = match (f.overdue, f.today, f.done, f.all) {
                (true, ..) => TaskFilter::Overdue,
                (_, true, ..) => TaskFilter::Today,
                (_, _, true, _) => TaskFilter::Done,
                (_, _, _, true) => TaskFilter::All,
                _ => TaskFilter::Open,
            };
            f.filter.list(out, crm, crm.tasks(filter, crm.session().today())?)
        }
        TaskCmd::Show(a) => show_one::<Task>(out, crm, a.id),
        TaskCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Task| {
            if let Some(t) = e.title {
                rec.title = t;
            }
            rec.after.retain(|id| !e.not_after.contains(id));
            for id in e.after {
                if !rec.after.contains(&id) {
                    rec.after.push(id);
                }
            }
            Ok(fields::task(rec, &e.fields, crm.session().today())?)
        }),
        TaskCmd::Delete(a) => delete::<Task>(out, crm, a.id),
        TaskCmd::Assign(a) => assign::<Task>(out, crm, a),
        TaskCmd::Done(a) => {
            let rec = crm.set_task_done(a.id, true)?;
            wrote(out, crm, "completed", &rec);
            Ok(())
        }
        TaskCmd::Reopen(a) => {
            let rec = crm.set_task_done(a.id, false)?;
            wrote(out, crm, "reopened", &rec);
            Ok(())
        }
    }
}

pub(super) fn call(out: &Out, crm: &Crm, cmd: CallCmd) -> Result<()> {
    match cmd {
        CallCmd::Add(a) | CallCmd::Log(a) => {
            let contact = match (a.contact, a.fields.case) {
                (Some(c), _) => c,
                (None, Some(case)) => super::service::case_contact(crm, case)?.ok_or_else(|| {
                    ValidationError::new("contact", "is required: the case has no contact, so give --contact ID")
                })?,
                (None, None) => return Err(ValidationError::new("contact", "is required: give --contact ID").into()),
            };
            let mut rec = Call { contact, started_at: crm.session().now(), ..Default::default() };
            fields::call(&mut rec, &a.fields)?;
            let rec = crm.log_call(rec)?;
            wrote(out, crm, "logged", &rec);
            Ok(())
        }
        CallCmd::List(f) => {
            exists::<Contact>(crm, f.contact)?;
            let since = f.since.as_deref().map(|d| fields::date("since", d, crm.session().today())).transpose()?;
            f.filter.list(out, crm, crm.calls(f.contact, since)?)
        }
        CallCmd::Show(a) => show_one::<Call>(out, crm, a.id),
        CallCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Call| Ok(fields::call(rec, &e.fields)?)),
        CallCmd::Delete(a) => delete::<Call>(out, crm, a.id),
        CallCmd::Assign(a) => assign::<Call>(out, crm, a),
    }
}

pub(super) fn event(out: &Out, crm: &Crm, cmd: EventCmd) -> Result<()> {
    match cmd {
        EventCmd::Add(a) => {
            let mut rec = Event { title: a.title, start: fields::datetime("start", &a.start)?, ..Default::default() };
            fields::event(&mut rec, &a.fields)?;
            let rec = crm.create_event(rec)?;
            wrote(out, crm, "created", &rec);
            Ok(())
        }
        EventCmd::List(f) => {
            let from = f
                .from
                .as_deref()
                .map(|d| fields::since("from", d, crm.session().today()))
                .transpose()?
                .map(|d| d.start_local());
            // Oldest first: the newest-first order, backwards.
            let mut all = f.filter.ordered::<Event>(crm, Order::Recent, true)?;
            all.retain(|e| from.is_none_or(|f| e.start >= f));
            f.filter.print(out, crm, &all);
            Ok(())
        }
        EventCmd::Show(a) => show_one::<Event>(out, crm, a.id),
        EventCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Event| {
            if let Some(t) = e.title {
                rec.title = t;
            }
            if let Some(s) = &e.start {
                rec.start = fields::datetime("start", s)?;
            }
            Ok(fields::event(rec, &e.fields)?)
        }),
        EventCmd::Delete(a) => delete::<Event>(out, crm, a.id),
        EventCmd::Assign(a) => assign::<Event>(out, crm, a),
    }
}

pub(super) fn agenda(out: &Out, crm: &Crm, a: AgendaArgs) -> Result<()> {
    let from = match &a.date {
        Some(d) => fields::date("date", d, crm.session().today())?,
        None => crm.session().today(),
    };
    if a.days == 0 || a.days > 366 {
        return Err(ValidationError::new("days", format!("{} is out of range: use 1 to 366", a.days)).into());
    }
    let items = crm.agenda(from, a.days, crm.session().today())?;
    if out.json {
        out.json_value(&items);
        return Ok(());
    }
    if items.is_empty() {
        let span = if a.days == 1 { format!("on {from}") } else { format!("from {from} for {} days", a.days) };
        say!("nothing on the agenda {span}");
        return Ok(());
    }
    let rows = items.iter().map(|i| {
        let time = i.at.map(|t| t.local().format("%H:%M").to_string()).unwrap_or_default();
        vec![i.date.to_string(), time, i.kind.word().to_string(), i.title.clone(), i.record.to_string()]
    });
    say!("{}", output::table(&["DATE", "TIME", "WHAT", "TITLE", "RECORD"], rows, &[]));
    Ok(())
}

/// `rolo day`: what each person planned for the day and what they did.
pub(super) fn day(out: &Out, crm: &Crm, a: DayArgs) -> Result<()> {
    let today = crm.session().today();
    let date = match &a.date {
        Some(d) => fields::date("date", d, today)?,
        None => today,
    };
    let whose = match (a.user, a.team) {
        (Some(login), _) => crate::crm::Whose::User(super::users::login(&login)),
        (None, true) => crate::crm::Whose::Team,
        (None, false) => crate::crm::Whose::Mine,
    };
    let days = crm.working_day(date, whose)?;
    if out.json {
        out.json_value(&days);
        return Ok(());
    }
    let mut text: Vec<String> = Vec::new();
    for d in &days {
        text.extend(d.lines(crate::model::Dates::default()));
        text.push(String::new());
    }
    if days.is_empty() {
        text.push("nobody's day to show: your team has no one whose records you see".to_string());
    }
    say!("{}", text.join("\n").trim_end());
    Ok(())
}

pub(super) fn project(out: &Out, crm: &Crm, cmd: ProjectCmd) -> Result<()> {
    match cmd {
        ProjectCmd::Add(a) => {
            let mut rec = Project {
                name: a.name,
                due: fields::date("due", &a.due, crm.session().today())?,
                ..Default::default()
            };
            fields::project(&mut rec, &a.fields)?;
            add(out, crm, rec)
        }
        ProjectCmd::List(f) => {
            f.print(out, crm, &f.ordered::<Project>(crm, Order::Due, false)?);
            Ok(())
        }
        ProjectCmd::Show(a) => show_one::<Project>(out, crm, a.id),
        ProjectCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Project| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            if let Some(d) = &e.due {
                rec.due = fields::date("due", d, crm.session().today())?;
            }
            Ok(fields::project(rec, &e.fields)?)
        }),
        ProjectCmd::Delete(a) => delete::<Project>(out, crm, a.id),
        ProjectCmd::Assign(a) => assign::<Project>(out, crm, a),
        ProjectCmd::Done(d) => {
            let rec = crm.complete_project(d.id, d.goal_met)?;
            wrote(out, crm, "completed", &rec);
            Ok(())
        }
        ProjectCmd::Graph(g) => project_graph(out, crm, g),
    }
}

/// `project graph`: the network as boxes and arrows, DOT, or (`--json`) its tasks, waits and
/// critical path by task number.
fn project_graph(out: &Out, crm: &Crm, g: ProjectGraph) -> Result<()> {
    let project: Project = crm.get(g.id)?;
    let net = crm.project_network(g.id)?;
    let task = |i: &usize| net.steps[*i].task;
    if out.json {
        let tasks: Vec<_> = net
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let after: Vec<Id> = net.edges.iter().filter(|e| e.1 == i).map(|e| task(&e.0)).collect();
                serde_json::json!({
                    "id": s.task, "title": s.title, "note": s.note, "done": s.done, "late": s.late,
                    "after": after, "critical": net.critical.contains(&i),
                })
            })
            .collect();
        let path: Vec<Id> = net.critical.iter().map(task).collect();
        out.json_value(&serde_json::json!({
            "project": project.id, "name": project.name, "tasks": tasks, "critical_path": path,
        }));
        return Ok(());
    }
    if g.format == "dot" {
        say!("{}", crate::diagram::dot::dot(&net, &project.name).trim_end());
        return Ok(());
    }
    let done = net.steps.iter().filter(|s| s.done).count();
    let mut head = format!(
        "{} (project {}): {}, {done} done",
        crate::text::plain(&project.name),
        project.id,
        crate::text::count(net.steps.len(), "task", "tasks")
    );
    if net.steps.is_empty() {
        say!("{head}: add one with rolo task add --project {} --title TITLE", project.id);
        return Ok(());
    }
    if net.critical.is_empty() {
        head.push_str("; no two open tasks wait for each other (rolo task edit ID --after ID)");
    } else {
        let path: Vec<String> = net.critical.iter().map(|i| format!("#{}", task(i))).collect();
        head.push_str(&format!("; critical path ({} to do): {}", net.critical.len(), path.join(" → ")));
    }
    let width = g.width.unwrap_or_else(terminal_width);
    match crate::diagram::Diagram::draw(&net, width) {
        Some(d) => say!("{head}\n\n{}\n━ critical path  ┄ done  ! late", d.plain()),
        None => say!("{head}\n\n{}", crate::diagram::too_large(project.id)),
    }
    Ok(())
}

/// The terminal's width when standard output is one, else 80.
fn terminal_width() -> usize {
    use std::io::IsTerminal;
    match std::io::stdout().is_terminal() {
        true => crossterm::terminal::size().map_or(80, |(w, _)| w as usize),
        false => 80,
    }
}

fn record_ref(field: &str, text: &str) -> Result<RecordRef> {
    Ok(text.parse::<RecordRef>().map_err(|m| ValidationError::new(field, m))?)
}

pub(super) fn note(out: &Out, crm: &Crm, cmd: NoteCmd) -> Result<()> {
    match cmd {
        NoteCmd::Add(a) => {
            let rec = crm.add_note_owned(record_ref("to", &a.to)?, &a.text, a.owner.as_deref())?;
            // The note itself may be pages long: its id and first line say which it is.
            let json = output::Names::new(crm).record(&rec);
            out.done(&json, || format!("added note {}: {}", rec.id, crate::text::first_line(&rec.text, 60)));
            Ok(())
        }
        NoteCmd::List(f) => {
            let notes = match f.to.as_deref().map(|t| record_ref("to", t)).transpose()? {
                Some(target) => crm.linking::<Note>(target)?,
                None => crm.list::<Note>(|_| true)?,
            };
            list(out, crm, &notes);
            Ok(())
        }
        NoteCmd::Show(a) => show_one::<Note>(out, crm, a.id),
        NoteCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Note| {
            rec.text = e.text.trim().to_string();
            Ok(())
        }),
        NoteCmd::Delete(a) => delete::<Note>(out, crm, a.id),
        NoteCmd::Assign(a) => assign::<Note>(out, crm, a),
    }
}

pub(super) fn timeline(out: &Out, crm: &Crm, record: &str) -> Result<()> {
    let target = record_ref("record", record)?;
    let items = crm.timeline(target)?;
    if out.json {
        out.json_value(&items);
        return Ok(());
    }
    let rows = items
        .iter()
        .map(|i| vec![i.at.display_local(), i.what.clone(), crate::text::first_line(&i.summary, 80), i.user.clone()]);
    say!("{}", output::table(&["WHEN", "WHAT", "SUMMARY", "BY"], rows, &[]));
    Ok(())
}

impl Present for Task {
    const HEADERS: &'static [&'static str] = &["ID", "PRI", "TITLE", "DUE", "STATUS", "RELATED"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        let related = [
            self.contact.map(|c| names.of::<Contact>(Some(c))),
            self.account.map(|a| names.of::<Account>(Some(a))),
            self.opportunity.map(|o| names.of::<Opportunity>(Some(o))),
            self.lead.map(|l| names.of::<Lead>(Some(l))),
            self.project.map(|p| names.of::<Project>(Some(p))),
        ];
        let overdue = if self.is_overdue(names.today()) { "!" } else { "" };
        vec![
            self.id.to_string(),
            self.priority.to_string(),
            self.title.clone(),
            format!("{}{overdue}", date(self.due)),
            self.status.to_string(),
            related.into_iter().flatten().collect::<Vec<_>>().join(", "),
        ]
    }
}

impl Present for Call {
    const HEADERS: &'static [&'static str] = &["ID", "WHEN", "CONTACT", "DIR", "DURATION", "OUTCOME", "NOTES"];
    const RIGHT: &'static [usize] = &[0, 4];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.started_at.display_local(),
            names.of::<Contact>(Some(self.contact)),
            self.direction.to_string(),
            format_duration(self.duration_secs),
            self.outcome.to_string(),
            crate::text::first_line(self.notes.as_deref().unwrap_or_default(), 40),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        with_name(
            serde_json::to_value(self).unwrap_or(Value::Null),
            "contact",
            names.json_name::<Contact>(Some(self.contact)),
        )
    }
}

impl Present for Event {
    const HEADERS: &'static [&'static str] = &["ID", "START", "END", "TITLE", "LOCATION"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.start.display_local(),
            self.end.map(|e| e.display_local()).unwrap_or_default(),
            self.title.clone(),
            opt(&self.location),
        ]
    }
}

impl Present for Project {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "ACCOUNT", "DUE", "STATUS", "GOAL MET"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            names.of::<Account>(self.account),
            self.due.to_string(),
            self.status.to_string(),
            self.goal_met.to_string(),
        ]
    }
}

impl Present for Note {
    const HEADERS: &'static [&'static str] = &["ID", "ON", "WHEN", "TEXT"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.target.to_string(),
            self.created.display_local(),
            crate::text::first_line(&self.text, 60),
        ]
    }
}
