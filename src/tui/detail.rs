//! A record's detail view: every field, what hangs off it (deals, tasks, calls, notes) and its
//! timeline. Built once when opened (or after a change), drawn from memory.

use crate::crm::{Crm, Result};
use crate::model::{
    Account, Amount, Call, Contact, Kind, Lead, Note, Opportunity, Quote, Record, RecordRef, Stage, StageOutcome, Task,
    format_duration,
};
use crate::text::display_value;

/// One line of the detail view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailLine {
    /// A section heading.
    Heading(String),
    /// A field: name and value.
    Field(String, String),
    /// A field naming another record (an account, a contact, what a note is about): name,
    /// value, and the record, opened with Enter.
    Link(String, String, RecordRef),
    /// A line of a list (a deal, a call...), and the record it stands for, opened with Enter.
    Item(String, Option<RecordRef>),
    /// A note that a section is empty.
    Empty(String),
    /// A row of a project's network drawing.
    Graph(crate::diagram::Row),
}

/// The state of an open record.
#[derive(Debug, Clone)]
pub struct Detail {
    /// The record shown.
    pub record: RecordRef,
    /// Its name.
    pub title: String,
    /// What to draw.
    pub lines: Vec<DetailLine>,
    /// First line shown.
    pub scroll: usize,
    /// The line under the cursor (Enter opens the record it stands for).
    pub cursor: usize,
    /// Lines that fit on screen.
    pub height: usize,
    /// A project's network, drawn among the lines to the page's width (see [`Detail::fit`]).
    pub network: Option<Box<Drawn>>,
}

/// A network drawn on a page: what is drawn, where its rows start among the lines, how many
/// there are, and the width they were drawn for.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The network.
    pub net: crate::model::Network,
    /// The first line of its drawing.
    pub at: usize,
    /// Its rows.
    pub rows: usize,
    /// The columns it was drawn in (0 before the first fit).
    pub width: usize,
}

impl Detail {
    /// Reads everything the view shows about `record` (a project's network is drawn by the
    /// first [`Detail::fit`], to the window's width).
    pub fn load(crm: &Crm, record: RecordRef) -> Result<Detail> {
        let mut lines = Vec::new();
        let mut network = None;
        let title = match record.kind {
            Kind::Contact => {
                let c: Contact = crm.get(record.id)?;
                fields(&mut lines, crm, &c);
                let open_opps: Vec<Opportunity> = crm
                    .linking::<Opportunity>(record)?
                    .into_iter()
                    .filter(|o| o.status == StageOutcome::Open)
                    .collect();
                deals(&mut lines, crm, &open_opps)?;
                tasks(&mut lines, crm, record)?;
                calls(&mut lines, crm, record)?;
                notes(&mut lines, crm, record)?;
                c.full_name()
            }
            Kind::Account => {
                let a: Account = crm.get(record.id)?;
                fields(&mut lines, crm, &a);
                lines.push(DetailLine::Heading("People".into()));
                let people = crm.linking::<Contact>(record)?;
                if people.is_empty() {
                    lines.push(DetailLine::Empty("no contacts yet: press n on the Contacts screen".into()));
                }
                for p in &people {
                    let title = p.title.clone().map(|t| format!(", {t}")).unwrap_or_default();
                    let text = format!("{}{title}  {}", p.full_name(), p.primary_email().unwrap_or(""));
                    lines.push(DetailLine::Item(text, Some(RecordRef::new(Kind::Contact, p.id))));
                }
                let opps = crm.linking::<Opportunity>(record)?;
                deals(
                    &mut lines,
                    crm,
                    &opps.into_iter().filter(|o| o.status == StageOutcome::Open).collect::<Vec<_>>(),
                )?;
                tasks(&mut lines, crm, record)?;
                notes(&mut lines, crm, record)?;
                a.name
            }
            Kind::Lead => {
                let l: Lead = crm.get(record.id)?;
                fields(&mut lines, crm, &l);
                if let Some(c) = &l.converted {
                    lines.push(DetailLine::Heading(format!(
                        "Converted on {} (read-only: edit these instead)",
                        crm.session().dates().show(c.at.local_date())
                    )));
                    let made = [
                        ("account", RecordRef::new(Kind::Account, c.account)),
                        ("contact", RecordRef::new(Kind::Contact, c.contact)),
                    ];
                    let deal = c.opportunity.map(|o| ("deal", RecordRef::new(Kind::Opportunity, o)));
                    for (what, target) in made.into_iter().chain(deal) {
                        // What it became opens with Enter, like any linked line.
                        lines.push(DetailLine::Item(format!("{what}: {}", crm.label(target)), Some(target)));
                    }
                }
                notes(&mut lines, crm, record)?;
                l.full_name()
            }
            Kind::Opportunity => {
                let o: Opportunity = crm.get(record.id)?;
                let stage = crm.find::<Stage>(o.stage)?.map(|s| s.name).unwrap_or_default();
                lines.push(DetailLine::Field("stage".into(), format!("{stage} ({}%)", o.probability)));
                lines.push(DetailLine::Field("weighted".into(), money(o.weighted(), &o)));
                fields(&mut lines, crm, &o);
                lines.push(DetailLine::Heading("Quotes (Q edits the latest)".into()));
                let quotes = crm.linking::<Quote>(record)?;
                if quotes.is_empty() {
                    lines.push(DetailLine::Empty("no quotes: press Q to start one".into()));
                }
                for q in quotes.iter().rev() {
                    let total = Amount::grouped_sum(q.totals().map(|t| t.total));
                    let text =
                        format!("{}  {:<9} {} lines  {} {}", q.number, q.status, q.lines.len(), total, q.currency);
                    lines.push(DetailLine::Item(text, None));
                }
                tasks(&mut lines, crm, record)?;
                if let Some(contact) = o.contact {
                    calls(&mut lines, crm, RecordRef::new(Kind::Contact, contact))?;
                }
                notes(&mut lines, crm, record)?;
                o.name
            }
            Kind::Project => {
                let p: crate::model::Project = crm.get(record.id)?;
                fields(&mut lines, crm, &p);
                // Cancelled tasks count neither way.
                let all: Vec<Task> = crm
                    .linking::<Task>(record)?
                    .into_iter()
                    .filter(|t| t.status != crate::model::TaskStatus::Cancelled)
                    .collect();
                let done = all.iter().filter(|t| !t.is_open()).count();
                lines.push(DetailLine::Heading(format!(
                    "Tasks {done}/{} done {} (t adds one, x closes the project)",
                    all.len(),
                    progress_bar(done, all.len(), 20)
                )));
                if all.is_empty() {
                    lines.push(DetailLine::Empty("no tasks yet: press t to add one".into()));
                }
                for t in &all {
                    lines.push(step_line(crm, t));
                }
                // One task alone makes no network.
                if all.len() > 1 {
                    let net = crm.project_network(p.id)?;
                    lines.push(DetailLine::Heading(
                        "Network (━ critical path, ┄ done, ! late; dates are due dates)".into(),
                    ));
                    if net.edges.is_empty() {
                        let hint = "no task waits for another yet: open one and edit its 'after' (e)";
                        lines.push(DetailLine::Empty(hint.into()));
                    } else {
                        network = Some(Box::new(Drawn { net, at: lines.len(), rows: 0, width: 0 }));
                    }
                }
                p.name
            }
            Kind::Task => {
                let t: Task = crm.get(record.id)?;
                fields(&mut lines, crm, &Task { after: Vec::new(), ..t.clone() });
                waits(&mut lines, crm, &t)?;
                t.title
            }
            Kind::Campaign => {
                let c: crate::model::Campaign = crm.get(record.id)?;
                // Its lists and responses are laid out below, with what they brought.
                fields(
                    &mut lines,
                    crm,
                    &crate::model::Campaign { lists: Vec::new(), responses: Vec::new(), ..c.clone() },
                );
                campaign(&mut lines, crm, &c)?;
                c.name
            }
            Kind::Case => {
                let c: crate::model::Case = crm.get(record.id)?;
                lines.push(DetailLine::Field("SLA".into(), sla_line(&c, crm.session())));
                fields(&mut lines, crm, &crate::model::Case { comments: Vec::new(), sla_due: None, ..c.clone() });
                case(&mut lines, crm, &c)?;
                c.label()
            }
            _ => simple_any(crm, record, &mut lines)?,
        };
        lines.push(DetailLine::Heading("Timeline".into()));
        for item in crm.timeline(record)?.into_iter().take(50) {
            let dates = crm.session().dates();
            let text = format!("{}  {:<8} {}", dates.show_instant(item.at), item.what, dates.in_text(&item.summary));
            // Changes of the record itself lead nowhere new; activities open.
            lines.push(DetailLine::Item(text, (item.record != record).then_some(item.record)));
        }
        // A network is drawn by the first `fit`, to the window's width.
        Ok(Detail { record, title, lines, scroll: 0, cursor: 0, height: 1, network })
    }

    /// Fits the page to `rows` lines of `columns` columns: a project's network is drawn again
    /// when the width changed, as many boxes side by side as fit.
    pub fn fit(&mut self, rows: usize, columns: usize) {
        self.height = rows;
        if let Some(drawn) = &mut self.network
            && drawn.width != columns
        {
            let fresh: Vec<DetailLine> =
                match crate::diagram::Diagram::draw(&drawn.net, columns.saturating_sub(GRAPH_INDENT)) {
                    Some(diagram) => {
                        // What the window cannot show is said, never cut off unseen.
                        let wide = diagram.width() + GRAPH_INDENT > columns;
                        let cut = format!(
                            "{} columns wide: the window cuts it; rolo project graph {} prints it whole",
                            diagram.width(),
                            self.record.id
                        );
                        let rows = diagram.rows.into_iter().map(|mut row| {
                            row.insert(0, (" ".repeat(GRAPH_INDENT), crate::diagram::Ink::Plain));
                            DetailLine::Graph(row)
                        });
                        wide.then_some(DetailLine::Empty(cut)).into_iter().chain(rows).collect()
                    }
                    None => {
                        let said = crate::diagram::too_large(self.record.id);
                        vec![DetailLine::Empty(said)]
                    }
                };
            let n = fresh.len();
            self.lines.splice(drawn.at..drawn.at + drawn.rows, fresh);
            (drawn.rows, drawn.width) = (n, columns);
        }
        self.follow();
    }

    /// Moves the cursor `delta` lines, keeping it on screen; the page stops at its last line.
    pub fn move_by(&mut self, delta: isize) {
        self.cursor = super::stepped(self.cursor, delta, self.lines.len());
        self.follow();
    }

    /// Keeps the cursor's line on screen, and no blank space under the last line.
    pub fn follow(&mut self) {
        let height = self.height.max(1);
        self.cursor = self.cursor.min(self.lines.len().saturating_sub(1));
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + height {
            self.scroll = self.cursor + 1 - height;
        }
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(height));
    }

    /// The record the line under the cursor stands for, if any.
    pub fn linked(&self) -> Option<RecordRef> {
        match self.lines.get(self.cursor)? {
            DetailLine::Item(_, target) => *target,
            DetailLine::Link(_, _, target) => Some(*target),
            _ => None,
        }
    }
}

/// Columns left of a network's drawing, as left of a page's items.
const GRAPH_INDENT: usize = 2;

fn money(a: Amount, o: &Opportunity) -> String {
    format!("{} {}", a.grouped(), o.currency)
}

/// Fields holding a link, and the kind they point at.
const LINKS: [(&str, Kind); 9] = [
    ("account", Kind::Account),
    ("contact", Kind::Contact),
    ("lead", Kind::Lead),
    ("opportunity", Kind::Opportunity),
    ("project", Kind::Project),
    ("campaign", Kind::Campaign),
    ("parent", Kind::Account),
    ("stage", Kind::Stage),
    ("product", Kind::Product),
];

/// Every filled-in field of a record as `name value` lines: linked records by name, instants in
/// local time; ids and stamps are left to the header and the timeline.
fn fields<R: Record>(lines: &mut Vec<DetailLine>, crm: &Crm, rec: &R) {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(rec) else { return };
    for (k, v) in map {
        if matches!(k.as_str(), "id" | "probability_manual" | "created" | "updated" | "converted")
            || v.as_bool() == Some(false)
        {
            continue;
        }
        // The record the field names, if it names one: Enter opens it.
        let link = match LINKS.iter().find(|(name, _)| *name == k) {
            Some((_, kind)) => v.as_u64().map(|id| RecordRef::new(*kind, id)),
            None if k == "target" => serde_json::from_value::<RecordRef>(v.clone()).ok(),
            None => None,
        };
        let text = match (link, k.as_str()) {
            // What a note is about, by kind and name.
            (Some(r), "target") => format!("{} {}", r.kind, crm.label(r)),
            (Some(r), _) => crm.label(r),
            // The owner by their name, as the directory has it (a login it lacks as it is).
            (None, "owner") => {
                let login = v.as_str().unwrap_or_default();
                crm.directory().map_or(login.to_string(), |d| d.name_of(login).to_string())
            }
            // People at a meeting, by name.
            (None, "attendees") => v
                .as_array()
                .map(|ids| {
                    let names = ids.iter().filter_map(|id| id.as_u64());
                    names.map(|id| crm.label(RecordRef::new(Kind::Contact, id))).collect::<Vec<_>>().join(", ")
                })
                .unwrap_or_default(),
            _ => display_value(&k, &v, crm.session().dates()),
        };
        let name = if k == "duration_secs" { "duration".to_string() } else { k.replace('_', " ") };
        // A field the page already shows in its own way (a deal's stage with its probability)
        // is not listed twice.
        let shown = lines.iter().any(|l| matches!(l, DetailLine::Field(n, _) | DetailLine::Link(n, ..) if *n == name));
        if let Some(target) = link.filter(|_| !text.is_empty() && !shown) {
            lines.push(DetailLine::Link(name, text, target));
        } else if !text.is_empty() && !shown {
            // A field of lines (notes, a description) shows each of its lines, under its name.
            let mut rows = text.lines().filter(|l| !l.trim().is_empty());
            lines.push(DetailLine::Field(name, rows.next().unwrap_or_default().to_string()));
            lines.extend(rows.map(|row| DetailLine::Field(String::new(), row.to_string())));
        }
    }
}

fn simple_any(crm: &Crm, record: RecordRef, lines: &mut Vec<DetailLine>) -> Result<String> {
    crate::model::with_record_type!(record.kind, T => {
        let rec: T = crm.get(record.id)?;
        fields(lines, crm, &rec);
        Ok(rec.label())
    })
}

/// Where a case stands against its SLA, in words: how long is left or how late it is.
fn sla_line(c: &crate::model::Case, session: &crate::crm::Session) -> String {
    let now = session.now();
    let due = c.sla_due.map(|d| format!(" (due {})", session.dates().show_instant(d))).unwrap_or_default();
    match c.sla_words(now) {
        w if w.is_empty() => "none".into(),
        w if c.status.is_open() && c.breached(now) => format!("BREACHED: {w}{due}"),
        w if c.status.is_open() => format!("{w} left{due}"),
        w => format!("{w}{due}"),
    }
}

/// A case's thread (comments, calls, emails, oldest first) and its account's other open cases.
fn case(lines: &mut Vec<DetailLine>, crm: &Crm, c: &crate::model::Case) -> Result<()> {
    use crate::crm::ThreadItem;
    lines.push(DetailLine::Heading("Thread".into()));
    let thread = crm.case_thread(c.id)?;
    if thread.is_empty() {
        lines.push(DetailLine::Empty("nothing yet: a adds a comment, p replies, c logs a call".into()));
    }
    let dir = crm.directory().unwrap_or_default();
    for item in &thread {
        let (text, link) = match item {
            ThreadItem::Comment(m) => {
                let kind = if m.public { "reply  " } else { "comment" };
                (
                    format!(
                        "{}  {kind} {}: {}",
                        crm.session().dates().show_instant(m.at),
                        dir.name_of(&m.author),
                        m.text
                    ),
                    None,
                )
            }
            ThreadItem::Call(call) => (
                format!(
                    "{}  call    {} {}{}",
                    crm.session().dates().show_instant(call.started_at),
                    call.direction,
                    call.outcome,
                    call.notes.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
                ),
                Some(call.record_ref()),
            ),
            ThreadItem::Email(m) => (
                format!("{}  email   to {}: {}", crm.session().dates().show_instant(m.at), m.to, m.subject),
                Some(m.record_ref()),
            ),
        };
        lines.push(DetailLine::Item(crate::text::first_line(&text, 300), link));
    }
    if let Some(account) = c.account {
        let others = crm.account_open_cases(account, c.id)?;
        lines.push(DetailLine::Heading(format!(
            "Other open cases of {}",
            crm.label(RecordRef::new(Kind::Account, account))
        )));
        if others.is_empty() {
            lines.push(DetailLine::Empty("none".into()));
        }
        for o in &others {
            let text = format!("{}  {:<7} {}  {}", o.number(), o.priority, o.subject, o.sla_words(crm.session().now()));
            lines.push(DetailLine::Item(text, Some(o.record_ref())));
        }
    }
    Ok(())
}

/// A campaign's results, lists, emails and responses.
fn campaign(lines: &mut Vec<DetailLine>, crm: &Crm, c: &crate::model::Campaign) -> Result<()> {
    use crate::model::Message;
    let summary = crm.campaign_summaries()?.into_iter().find(|s| s.campaign.id == c.id);
    if let Some(s) = summary {
        lines.push(DetailLine::Heading("Results".into()));
        lines
            .push(DetailLine::Field("reached".into(), format!("{} members · emails: {}", s.members, s.sends.counts())));
        lines.push(DetailLine::Field(
            "brought".into(),
            format!(
                "{} responses · {} leads · {} deals · {} {} won",
                c.responses.len(),
                s.leads,
                s.deals,
                s.won.grouped(),
                s.currency
            ),
        ));
    }
    lines.push(DetailLine::Heading("Lists (S sends the campaign to one)".into()));
    if c.lists.is_empty() {
        lines.push(DetailLine::Empty("not sent yet: press S to pick a template and a list".into()));
    }
    for &list in &c.lists {
        let members = crm.list_members(list)?.len();
        let text = format!("{} · {members} contacts", crm.label(RecordRef::new(Kind::ContactList, list)));
        lines.push(DetailLine::Item(text, Some(RecordRef::new(Kind::ContactList, list))));
    }
    let mut emails = crm.linking::<Message>(c.record_ref())?;
    emails.sort_by_key(|m| std::cmp::Reverse((m.at, m.id)));
    lines.push(DetailLine::Heading(format!("Emails ({} in all, newest first)", emails.len())));
    for m in emails.iter().take(20) {
        let text = format!(
            "{}  {:<8} {}: {}",
            crm.session().dates().show_instant(m.at),
            m.result.to_string(),
            m.to,
            m.subject
        );
        lines.push(DetailLine::Item(text, Some(m.record_ref())));
    }
    lines.push(DetailLine::Heading("Responses (R records one)".into()));
    if c.responses.is_empty() {
        lines.push(DetailLine::Empty("none recorded: press R when someone answers".into()));
    }
    for r in c.responses.iter().rev() {
        let mut text = format!(
            "{}  {}",
            crm.session().dates().show_instant(r.at),
            crm.label(RecordRef::new(Kind::Contact, r.contact))
        );
        if let Some(lead) = r.lead {
            text.push_str(&format!(" · lead {}", crm.label(RecordRef::new(Kind::Lead, lead))));
        }
        if let Some(deal) = r.deal {
            text.push_str(&format!(" · deal {}", crm.label(RecordRef::new(Kind::Opportunity, deal))));
        }
        lines.push(DetailLine::Item(text, Some(RecordRef::new(Kind::Contact, r.contact))));
    }
    Ok(())
}

fn deals(lines: &mut Vec<DetailLine>, crm: &Crm, opps: &[Opportunity]) -> Result<()> {
    lines.push(DetailLine::Heading("Open opportunities".into()));
    if opps.is_empty() {
        lines.push(DetailLine::Empty("none open".into()));
    }
    for o in opps {
        let stage = crm.find::<Stage>(o.stage)?.map(|s| s.name).unwrap_or_default();
        let text = format!(
            "{}  {}  {}  closes {}",
            o.name,
            stage,
            money(o.amount, o),
            crm.session().dates().show(o.close_date)
        );
        lines.push(DetailLine::Item(text, Some(RecordRef::new(Kind::Opportunity, o.id))));
    }
    Ok(())
}

/// `█████░░░░░`: `done` of `total` as a bar `width` cells wide.
pub fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let full = (done * width + total / 2).checked_div(total).unwrap_or(0);
    format!("{}{}", "█".repeat(full.min(width)), "░".repeat(width - full.min(width)))
}

/// A task as a line of a project's list or of another task's waits: done or not, its title,
/// when it is due, and the tasks it waits for by number.
fn step_line(crm: &Crm, t: &Task) -> DetailLine {
    let mark = if t.is_open() { "[ ]" } else { "[x]" };
    let due = t.due.map(|d| format!(" due {}", crm.session().dates().show(d))).unwrap_or_default();
    let after = match t.after.is_empty() {
        true => String::new(),
        false => format!(" · after {}", t.after.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ")),
    };
    DetailLine::Item(format!("{mark} #{} {}{due}{after}", t.id, t.title), Some(RecordRef::new(Kind::Task, t.id)))
}

/// A task's place in its project's network: the tasks it waits for and those waiting for it.
fn waits(lines: &mut Vec<DetailLine>, crm: &Crm, t: &Task) -> Result<()> {
    let waiting = crm.linking::<Task>(RecordRef::new(Kind::Task, t.id))?;
    if t.after.is_empty() && waiting.is_empty() {
        return Ok(());
    }
    lines.push(DetailLine::Heading("Waits for (e edits 'after')".into()));
    if t.after.is_empty() {
        lines.push(DetailLine::Empty("nothing: it can start now".into()));
    }
    for &id in &t.after {
        match crm.find::<Task>(id)? {
            Some(before) => lines.push(step_line(crm, &before)),
            None => lines.push(DetailLine::Item(format!("#{id} (not yours to see)"), None)),
        }
    }
    if !waiting.is_empty() {
        lines.push(DetailLine::Heading("Waiting for it".into()));
    }
    for w in &waiting {
        lines.push(step_line(crm, w));
    }
    Ok(())
}

fn tasks(lines: &mut Vec<DetailLine>, crm: &Crm, record: RecordRef) -> Result<()> {
    lines.push(DetailLine::Heading("Open tasks".into()));
    let open: Vec<Task> = crm.linking::<Task>(record)?.into_iter().filter(Task::is_open).collect();
    if open.is_empty() {
        lines.push(DetailLine::Empty("nothing to do".into()));
    }
    let today = crm.session().today();
    for t in open {
        let due = t.due.map(|d| format!(" due {}", crm.session().dates().show(d))).unwrap_or_default();
        let overdue = if t.is_overdue(today) { " !overdue" } else { "" };
        let text = format!("[{}] {}{due}{overdue}", t.priority, t.title);
        lines.push(DetailLine::Item(text, Some(RecordRef::new(Kind::Task, t.id))));
    }
    Ok(())
}

fn calls(lines: &mut Vec<DetailLine>, crm: &Crm, record: RecordRef) -> Result<()> {
    lines.push(DetailLine::Heading("Recent calls".into()));
    let mut calls = crm.linking::<Call>(record)?;
    calls.sort_by_key(|c| std::cmp::Reverse(c.started_at));
    if calls.is_empty() {
        lines.push(DetailLine::Empty("no calls yet".into()));
    }
    for c in calls.iter().take(10) {
        let notes = c.notes.as_deref().map(|n| format!("  {}", n.lines().next().unwrap_or(""))).unwrap_or_default();
        let text = format!(
            "{}  {} {}  {}{notes}",
            crm.session().dates().show_instant(c.started_at),
            c.direction,
            c.outcome,
            format_duration(c.duration_secs)
        );
        lines.push(DetailLine::Item(text, Some(RecordRef::new(Kind::Call, c.id))));
    }
    Ok(())
}

fn notes(lines: &mut Vec<DetailLine>, crm: &Crm, record: RecordRef) -> Result<()> {
    lines.push(DetailLine::Heading("Notes".into()));
    let mut notes = crm.linking::<Note>(record)?;
    notes.sort_by_key(|n| std::cmp::Reverse(n.created));
    if notes.is_empty() {
        lines.push(DetailLine::Empty("no notes: press a to add one".into()));
    }
    for n in notes {
        let text = format!("{}  {}", crm.session().dates().show_instant(n.created), n.text);
        lines.push(DetailLine::Item(text, Some(RecordRef::new(Kind::Note, n.id))));
    }
    Ok(())
}
