//! A record's timeline: its audit trail merged with the activities and notes attached to it.

use serde::Serialize;

use super::{Crm, CrmError, Result};
use crate::crm::View as Reader;
use crate::model::{
    Act, AuditAction, Call, Event, Kind, Level, Message, Note, Opportunity, Quote, RecordRef, Task, Timestamp,
    format_duration,
};
use crate::store::{Indexed, Read};

/// One line of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineItem {
    /// When it happened.
    pub at: Timestamp,
    /// `created`, `updated`, `deleted`, `note`, `call`, `task`, `event`, `email`, `opportunity`,
    /// `quote`.
    pub what: String,
    /// One line saying what happened.
    pub summary: String,
    /// Who did it.
    pub user: String,
    /// The record the line is about (the note, the call...).
    pub record: RecordRef,
}

impl Crm {
    /// Every change of `target` and every activity linked to it, newest first. A record that is
    /// gone keeps its trail (how it was deleted, or only that it was erased) for those who read
    /// every record of its kind, whose owner no longer says who else may.
    pub fn timeline(&self, target: RecordRef) -> Result<Vec<TimelineItem>> {
        let r = self.reader()?;
        if !r.exists(target)?
            && (self.actor()?.role().level(target.kind, Act::Read) != Level::All || r.audit(target)?.is_empty())
        {
            return Err(CrmError::NotFound(target));
        }
        let mut items: Vec<TimelineItem> = r
            .audit(target)?
            .into_iter()
            .map(|e| {
                let what = match e.action {
                    AuditAction::Created => "created",
                    AuditAction::Updated => "updated",
                    AuditAction::Deleted => "deleted",
                };
                let summary = e.summary.clone().unwrap_or_else(|| match e.action {
                    AuditAction::Updated => e
                        .changes
                        .iter()
                        .map(|c| format!("{}: {} → {}", c.field, blank(&c.old), blank(&c.new)))
                        .collect::<Vec<_>>()
                        .join("; "),
                    _ => format!("{what} {}", target.kind),
                });
                TimelineItem { at: e.at, what: what.into(), summary, user: e.user, record: target }
            })
            .collect();
        if let Some(b) = r.bulk_creation(target)? {
            let summary = format!("created {}: {}", target.kind, b.summary);
            items.push(TimelineItem { at: b.at, what: "created".into(), summary, user: b.user, record: target });
        }
        linked::<Note>(&r, target, &mut items, |n| (n.created, n.owner.clone(), n.text.clone()))?;
        linked::<Call>(&r, target, &mut items, |c| {
            let mut s = format!("{} call, {}, {}", c.direction, c.outcome, format_duration(c.duration_secs));
            if let Some(n) = c.notes.as_deref().filter(|n| !n.is_empty()) {
                s.push_str(": ");
                s.push_str(n.lines().next().unwrap_or_default());
            }
            (c.started_at, c.owner.clone(), s)
        })?;
        linked::<Task>(&r, target, &mut items, |t| {
            let state = if t.is_open() { "open" } else { t.status.word() };
            (t.created, t.owner.clone(), format!("{} ({state})", t.title))
        })?;
        linked::<Event>(&r, target, &mut items, |e| (e.start, e.owner.clone(), e.title.clone()))?;
        linked::<Message>(&r, target, &mut items, |m| {
            (m.at, m.owner.clone(), format!("{} to {}: {}", m.result, m.to, m.subject))
        })?;
        linked::<Opportunity>(&r, target, &mut items, |o| {
            (o.created, o.owner.clone(), format!("{} ({} {})", o.name, o.amount.grouped(), o.currency))
        })?;
        linked::<Quote>(&r, target, &mut items, |q| {
            (q.created, String::new(), format!("quote {} ({})", q.number, q.status))
        })?;
        // Newest first; within one second, the later write first (entries were gathered oldest first).
        items.reverse();
        items.sort_by_key(|i| std::cmp::Reverse(i.at));
        Ok(items)
    }
}

fn blank(s: &str) -> &str {
    if s.is_empty() { "–" } else { s }
}

/// Adds a line for each record of kind `R` that links to `target`.
fn linked<R: Indexed>(
    r: &Reader,
    target: RecordRef,
    items: &mut Vec<TimelineItem>,
    describe: impl Fn(&R) -> (Timestamp, String, String),
) -> Result<()> {
    if R::KIND == Kind::Note && !matches!(target.kind, Kind::Account | Kind::Contact | Kind::Lead | Kind::Opportunity) {
        return Ok(());
    }
    for rec in r.many::<R>(&r.linking(target, R::KIND)?)? {
        let (at, user, summary) = describe(&rec);
        items.push(TimelineItem { at, what: R::KIND.name().into(), summary, user, record: rec.record_ref() });
    }
    Ok(())
}
