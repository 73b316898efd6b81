//! Customer service: cases opened against an SLA from the service settings, moved through their
//! statuses, commented on, answered by calls and emails (the first of which is the case's first
//! response), closed with a resolution, reopened, and turned into knowledge articles.

use serde::Serialize;

use super::rules::{as_kind, as_kind_mut};
use super::{Crm, Result, Tx};
use crate::model::{
    Article, Call, Case, CaseStatus, Comment, Id, Kind, Message, Record, RecordRef, Right, ServiceSettings, Timestamp,
    ValidationError,
};
use crate::store::Read;

/// The setting key the service settings are stored under.
const SERVICE: &str = "service";

/// One entry of a case's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ThreadItem {
    /// A comment, internal or public.
    Comment(Comment),
    /// A call linked to the case.
    Call(Call),
    /// An email linked to the case.
    Email(Message),
}

impl ThreadItem {
    /// When it happened.
    pub fn at(&self) -> Timestamp {
        match self {
            ThreadItem::Comment(c) => c.at,
            ThreadItem::Call(c) => c.started_at,
            ThreadItem::Email(m) => m.at,
        }
    }
}

impl Crm {
    /// The service settings: the SLA per priority and the working time.
    pub fn service_settings(&self) -> Result<ServiceSettings> {
        Ok(self.reader()?.setting(SERVICE)?.unwrap_or_default())
    }

    /// Sets one service setting (`sla.urgent`, `work.hours`, ...): needs the settings right.
    /// Cases keep the SLA they were opened with.
    pub fn set_service_setting(&self, key: &str, value: &str) -> Result<ServiceSettings> {
        self.write(|tx| {
            tx.require(Right::Settings)?;
            let mut settings: ServiceSettings = tx.w.setting(SERVICE)?.unwrap_or_default();
            settings.set(key, value)?;
            tx.w.set_setting(SERVICE, &settings)?;
            tx.undo = None;
            Ok(settings)
        })
    }

    /// Moves case `id` to `status`; resolving or closing takes the resolution (kept when none
    /// is given and the case has one).
    pub fn case_status(&self, id: Id, status: CaseStatus, resolution: Option<String>) -> Result<Case> {
        self.write(|tx| {
            let mut case: Case = tx.get(id)?;
            case.status = status;
            if let Some(r) = resolution.filter(|r| !r.trim().is_empty()) {
                case.resolution = Some(r);
            }
            tx.update(case, None)
        })
    }

    /// Opens resolved or closed case `id` again (its owner's, assigned); the audit trail keeps
    /// the reopening and the resolution it had.
    pub fn reopen_case(&self, id: Id) -> Result<Case> {
        self.write(|tx| {
            let mut case: Case = tx.get(id)?;
            if case.status.is_open() {
                return Err(ValidationError::new(
                    "status",
                    format!("{} is {}, not resolved or closed: there is nothing to reopen", case.number(), case.status),
                )
                .into());
            }
            case.status = CaseStatus::Assigned;
            case.resolution = None;
            tx.update(case, None)
        })
    }

    /// Adds a comment to case `id`'s thread; a public one (sent to the customer) is a response.
    pub fn comment_case(&self, id: Id, text: &str, public: bool) -> Result<Case> {
        if text.trim().is_empty() {
            return Err(ValidationError::new("text", "is required: say what to add to the thread").into());
        }
        self.write(|tx| {
            let mut case: Case = tx.get(id)?;
            let at = tx.now;
            case.comments.push(Comment { at, author: tx.user.to_string(), text: text.to_string(), public });
            if public && case.first_response.is_none() {
                case.first_response = Some(at);
            }
            let summary = if public { "answered the customer" } else { "commented" };
            tx.update(case, Some(summary.into()))
        })
    }

    /// Case `id`'s thread, oldest first: its comments, and the calls and emails linked to it.
    pub fn case_thread(&self, id: Id) -> Result<Vec<ThreadItem>> {
        let case: Case = self.get(id)?;
        let me = RecordRef::new(Kind::Case, id);
        let mut items: Vec<ThreadItem> = case.comments.into_iter().map(ThreadItem::Comment).collect();
        items.extend(self.linking::<Call>(me)?.into_iter().map(ThreadItem::Call));
        items.extend(self.linking::<Message>(me)?.into_iter().map(ThreadItem::Email));
        items.sort_by_key(ThreadItem::at);
        Ok(items)
    }

    /// The open cases of `account` other than `except`, most urgent first, then soonest due.
    pub fn account_open_cases(&self, account: Id, except: Id) -> Result<Vec<Case>> {
        let mut cases = self.linking::<Case>(RecordRef::new(Kind::Account, account))?;
        cases.retain(|c| c.id != except && c.status.is_open());
        cases.sort_by_key(|c| (std::cmp::Reverse(c.priority), c.sla_due.map_or(i64::MAX, |t| t.0), c.id));
        Ok(cases)
    }

    /// A knowledge article written from resolved case `id`: its subject and resolution unless
    /// given, its product.
    pub fn article_from_case(&self, id: Id, title: Option<String>, body: Option<String>) -> Result<Article> {
        let case: Case = self.get(id)?;
        if case.status.is_open() {
            return Err(ValidationError::new(
                "case",
                format!("{} is {}: resolve it first, so the article has an answer", case.number(), case.status),
            )
            .into());
        }
        if let Some(a) = self.linking::<Article>(RecordRef::new(Kind::Case, id))?.first() {
            return Err(ValidationError::new(
                "case",
                format!(
                    "{} has its knowledge article already ({}: {}): edit that one (rolo kb edit {})",
                    case.number(),
                    a.id,
                    a.title,
                    a.id
                ),
            )
            .into());
        }
        self.create(Article {
            title: title.filter(|t| !t.trim().is_empty()).unwrap_or(case.subject),
            body: body.filter(|b| !b.trim().is_empty()).or(case.resolution).unwrap_or_default(),
            product: case.product,
            case: Some(id),
            ..Default::default()
        })
    }
}

impl Tx<'_> {
    /// What a case's save implies: on opening, its team (its owner's unless given) and SLA; a
    /// new priority resets the SLA from the opening; a case given to someone while new is
    /// assigned; resolving stamps when, reopening clears it and says so.
    pub(super) fn case_rules<R: Record>(
        &mut self,
        old: Option<&R>,
        new: &mut R,
        summary: &mut Option<String>,
    ) -> Result<()> {
        let Some(case) = as_kind_mut::<Case, _>(new) else { return Ok(()) };
        let old = old.and_then(as_kind::<Case, _>);
        let dir = self.directory()?;
        case.team = match case.team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Some(dir.team(t).map(str::to_string).ok_or_else(|| {
                ValidationError::new("team", format!("'{t}' is not a team: use one of rolo team list"))
            })?),
            None if old.is_none() => dir.team_of(&case.owner).map(str::to_string),
            None => None,
        };
        // A case about a person is their account's, unless it names one.
        if case.account.is_none()
            && let Some(contact) = case.contact
            && let Some(person) = self.w.get::<crate::model::Contact>(contact)?
        {
            case.account = person.account;
        }
        let settings: ServiceSettings = self.w.setting(SERVICE)?.unwrap_or_default();
        let opened = if case.created == Timestamp::default() { self.now } else { case.created };
        match old {
            None => {
                case.sla_due = Some(settings.due(opened, case.priority));
                case.first_response = None;
                // A case imported closed keeps when it was closed, if the file says.
                case.resolved_at = if case.status.is_open() { None } else { case.resolved_at.or(Some(self.now)) };
            }
            Some(old) => {
                if old.priority != case.priority {
                    case.sla_due = Some(settings.due(opened, case.priority));
                }
                if old.owner != case.owner && case.status == CaseStatus::New {
                    case.status = CaseStatus::Assigned;
                }
                // The trail says what the resolution was: reopening clears it.
                let said = |r: &Option<String>| crate::text::first_line(r.as_deref().unwrap_or_default(), 120);
                match (old.status.is_open(), case.status.is_open()) {
                    (true, false) => {
                        case.resolved_at = Some(self.now);
                        *summary = Some(format!("from {} to {}: {}", old.status, case.status, said(&case.resolution)));
                    }
                    (false, true) => {
                        case.resolved_at = None;
                        *summary = Some(format!("reopened ({} before, as: {})", old.status, said(&old.resolution)));
                    }
                    _ => {}
                }
                if old.status != case.status && summary.is_none() {
                    *summary = Some(format!("from {} to {}", old.status, case.status));
                }
            }
        }
        Ok(())
    }

    /// A call or email linked to a case that has had no response yet is its first response.
    pub(super) fn case_response<R: Record>(&mut self, rec: &R) -> Result<()> {
        let (case, at) = match (as_kind::<Call, _>(rec), as_kind::<Message, _>(rec)) {
            (Some(c), _) => (c.case, c.started_at),
            (_, Some(m)) => (m.case, m.at),
            _ => return Ok(()),
        };
        let Some(id) = case else { return Ok(()) };
        let mut case: Case = self.get(id)?;
        if case.first_response.is_some_and(|t| t <= at) || at < case.created {
            return Ok(());
        }
        case.first_response = Some(at);
        // Bookkeeping of an allowed call or email: whoever answers may not own the case.
        self.consequence(|tx| tx.update(case, None)).map(|_| ())
    }
}
