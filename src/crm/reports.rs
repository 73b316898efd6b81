//! The reports behind `rolo report NAME` (except the forecast, in `forecast.rs`): each one a pure
//! function of one snapshot of the data and a period, returning plain serde data (labelled
//! series) for the front ends to print, chart or export.
//!
//! Money stays in integer cents, summed in `i128` and refused, never wrapped, if a sum outgrows
//! an [`Amount`].

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::forecast::{most_used, weighted_cents};
use super::{Crm, CrmError, Result};
use crate::model::{
    Amount, Consent, Contact, Currency, Date, GoalMet, Id, Kind, Opportunity, Project, ProjectStatus, Stage,
    StageOutcome, ValidationError, Validity,
};
use crate::store::keys::i32_key;
use crate::store::{Read, Reader, SortField};

/// The period a report covers (both ends inclusive) and, for money reports, the currency.
/// Blank ends take the defaults each report documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    /// First day counted.
    pub from: Option<Date>,
    /// Last day counted.
    pub to: Option<Date>,
    /// The currency to report money in (default: the one most records counted use).
    pub currency: Option<Currency>,
}

impl ReportQuery {
    /// Fails when both ends are given and `to` is before `from`.
    fn check(&self) -> Result<(), ValidationError> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to < from
        {
            return Err(ValidationError::new("to", format!("{to} is before --from {from}: give a later --to date")));
        }
        Ok(())
    }
}

/// `cents` as an [`Amount`], or a clear error naming `what` when it does not fit.
fn amount(cents: i128, what: &str) -> Result<Amount> {
    i64::try_from(cents).map(Amount).map_err(|_| {
        CrmError::Conflict(format!("the {what} is larger than rolo can count: check the amounts it adds up"))
    })
}

/// Ids of `kind` whose date sort key (close date, project due date) lies in `[from, to]`, either
/// end open, in date order.
fn ids_by_date(r: &Reader, kind: Kind, from: Option<Date>, to: Option<Date>) -> Result<Vec<Id>> {
    let start = from.map(|d| i32_key(d.days()).to_vec()).unwrap_or_default();
    let end = to.map(|d| i32_key(d.days().saturating_add(1)));
    Ok(r.sorted(kind, SortField::Date, &start, end.as_ref().map(|e| &e[..]), false, usize::MAX)?)
}

// ---------------------------------------------------------------------------------------------
// stages
// ---------------------------------------------------------------------------------------------

/// Opportunities by sales stage, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StagesReport {
    /// First close date counted (none: no lower bound).
    pub from: Option<Date>,
    /// Last close date counted (none: no upper bound).
    pub to: Option<Date>,
    /// The currency every amount is in.
    pub currency: Currency,
    /// Deals in range in other currencies: not added, since amounts in different currencies
    /// cannot be summed.
    pub left_out: u32,
    /// The currencies of the deals left out, alphabetically.
    pub other_currencies: Vec<Currency>,
    /// One row per stage, in board order (every stage, even empty ones).
    pub stages: Vec<StageRow>,
    /// The sums of every row.
    pub total: StageRow,
}

/// The deals of one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageRow {
    /// The stage's id (0 for the total).
    pub id: Id,
    /// The stage's name (`Total` for the total).
    pub stage: String,
    /// Open, won or lost.
    pub outcome: StageOutcome,
    /// How many deals.
    pub count: u32,
    /// The sum of their amounts.
    pub amount: Amount,
    /// The sum of each deal's amount × its own probability, each rounded to the cent.
    pub weighted: Amount,
}

impl Crm {
    /// Opportunities by stage: count, amount and weighted amount per stage. The period limits
    /// deals by close date (default: every deal, whenever it closes).
    pub fn stages_report(&self, query: ReportQuery) -> Result<StagesReport> {
        query.check()?;
        let r = self.reader()?;
        let opps: Vec<Opportunity> = if query.from.is_none() && query.to.is_none() {
            r.all(|_| true)?
        } else {
            r.many(&ids_by_date(&r, Kind::Opportunity, query.from, query.to)?)?
        };
        let mut stages = r.all::<Stage>(|_| true)?;
        stages.sort_by_key(|s| (s.order, s.id));
        stages_compute(query, &stages, &opps)
    }
}

/// The stages report of `opps` (already limited to the period) over `stages` (in board order).
fn stages_compute(query: ReportQuery, stages: &[Stage], opps: &[Opportunity]) -> Result<StagesReport> {
    let all: Vec<&Opportunity> = opps.iter().collect();
    let currency = query.currency.unwrap_or_else(|| most_used(&all));
    let (kept, others): (Vec<&Opportunity>, Vec<&Opportunity>) = all.into_iter().partition(|o| o.currency == currency);
    let mut other_currencies: Vec<Currency> = others.iter().map(|o| o.currency).collect();
    other_currencies.sort();
    other_currencies.dedup();
    let mut sums: HashMap<Id, (u32, i128, i128)> = HashMap::new();
    for o in &kept {
        let s = sums.entry(o.stage).or_default();
        s.0 += 1;
        s.1 += o.amount.0 as i128;
        s.2 += weighted_cents(o.amount, o.probability);
    }
    let mut rows = Vec::with_capacity(stages.len());
    let (mut count, mut total, mut weighted) = (0u32, 0i128, 0i128);
    for stage in stages {
        let (n, a, w) = sums.get(&stage.id).copied().unwrap_or_default();
        count += n;
        total += a;
        weighted += w;
        let what = format!("sum of the deals in {}", stage.name);
        rows.push(StageRow {
            id: stage.id,
            stage: stage.name.clone(),
            outcome: stage.outcome,
            count: n,
            amount: amount(a, &what)?,
            weighted: amount(w, &what)?,
        });
    }
    Ok(StagesReport {
        from: query.from,
        to: query.to,
        currency,
        left_out: others.len() as u32,
        other_currencies,
        stages: rows,
        total: StageRow {
            id: 0,
            stage: "Total".into(),
            outcome: StageOutcome::Open,
            count,
            amount: amount(total, "sum of every deal")?,
            weighted: amount(weighted, "sum of every deal")?,
        },
    })
}

// ---------------------------------------------------------------------------------------------
// projects
// ---------------------------------------------------------------------------------------------

/// Where a project stands, for the projects report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectState {
    /// Open (active or on hold) and due today or later.
    OnTrack,
    /// Open and due before today.
    Overdue,
    /// Done, goal met.
    GoalMet,
    /// Done, goal missed (or not recorded).
    GoalMissed,
    /// Cancelled.
    Cancelled,
}

impl ProjectState {
    /// Every state, in report order.
    pub const ALL: [ProjectState; 5] = [
        ProjectState::OnTrack,
        ProjectState::Overdue,
        ProjectState::GoalMet,
        ProjectState::GoalMissed,
        ProjectState::Cancelled,
    ];

    /// The word used in JSON and CSV.
    pub fn word(self) -> &'static str {
        match self {
            ProjectState::OnTrack => "on_track",
            ProjectState::Overdue => "overdue",
            ProjectState::GoalMet => "goal_met",
            ProjectState::GoalMissed => "goal_missed",
            ProjectState::Cancelled => "cancelled",
        }
    }

    /// The state of `p` on `today`.
    pub fn of(p: &Project, today: Date) -> ProjectState {
        match p.status {
            ProjectStatus::Done if p.goal_met == GoalMet::Yes => ProjectState::GoalMet,
            ProjectStatus::Done => ProjectState::GoalMissed,
            ProjectStatus::Cancelled => ProjectState::Cancelled,
            _ if p.due < today => ProjectState::Overdue,
            _ => ProjectState::OnTrack,
        }
    }
}

/// Every project's due date and state, and how many are in each state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectsReport {
    /// First due date counted (none: no lower bound).
    pub from: Option<Date>,
    /// Last due date counted (none: no upper bound).
    pub to: Option<Date>,
    /// The day "overdue" is measured against.
    pub today: Date,
    /// How many projects are in each state, in [`ProjectState::ALL`] order (every state listed).
    pub counts: Vec<StateCount>,
    /// How many projects in all.
    pub total: u32,
    /// The projects, by due date.
    pub projects: Vec<ProjectRow>,
}

/// One state and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateCount {
    /// The state.
    pub state: ProjectState,
    /// How many projects are in it.
    pub count: u32,
}

/// One project of the projects report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRow {
    /// Its id.
    pub id: Id,
    /// Its name.
    pub name: String,
    /// When it is due.
    pub due: Date,
    /// Where it stands.
    pub state: ProjectState,
}

impl Crm {
    /// Every project due in the period (default: all of them), read through the due-date index.
    pub fn projects_report(&self, query: ReportQuery) -> Result<ProjectsReport> {
        self.projects_report_on(query, Date::today())
    }

    /// [`Crm::projects_report`] with "today" given, for reproducible reports and tests.
    pub fn projects_report_on(&self, query: ReportQuery, today: Date) -> Result<ProjectsReport> {
        query.check()?;
        let r = self.reader()?;
        let projects: Vec<Project> = r.many(&ids_by_date(&r, Kind::Project, query.from, query.to)?)?;
        let rows: Vec<ProjectRow> = projects
            .into_iter()
            .map(|p| ProjectRow { id: p.id, state: ProjectState::of(&p, today), due: p.due, name: p.name })
            .collect();
        let counts = ProjectState::ALL
            .iter()
            .map(|&state| StateCount { state, count: rows.iter().filter(|p| p.state == state).count() as u32 })
            .collect();
        Ok(ProjectsReport { from: query.from, to: query.to, today, counts, total: rows.len() as u32, projects: rows })
    }
}

// ---------------------------------------------------------------------------------------------
// emails
// ---------------------------------------------------------------------------------------------

/// The consents in report order (rows of the emails report).
pub const CONSENT_ROWS: [Consent; 3] = [Consent::OptedIn, Consent::OptedOut, Consent::Unknown];

/// Contact email addresses counted by consent × validity, and perhaps the addresses of one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailsReport {
    /// First day a counted contact was created on (none: no lower bound).
    pub from: Option<Date>,
    /// Last day a counted contact was created on (none: no upper bound).
    pub to: Option<Date>,
    /// One row per consent, in [`CONSENT_ROWS`] order.
    pub rows: Vec<ConsentRow>,
    /// The column sums (`consent` is `total`).
    pub total: ConsentRow,
    /// The drill-down: the addresses behind the asked cell, by contact id then address order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<EmailAddress>>,
}

/// The addresses of one consent, counted by validity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConsentRow {
    /// `opted_in`, `opted_out`, `unknown`, or `total` for the sums.
    pub consent: String,
    /// Known to arrive.
    pub valid: u32,
    /// Known not to be deliverable.
    pub invalid: u32,
    /// Mail to them came back.
    pub bounced: u32,
    /// Not known.
    pub unknown: u32,
    /// The row's sum.
    pub total: u32,
}

impl ConsentRow {
    fn add(&mut self, v: Validity) {
        match v {
            Validity::Valid => self.valid += 1,
            Validity::Invalid => self.invalid += 1,
            Validity::Bounced => self.bounced += 1,
            Validity::Unknown => self.unknown += 1,
        }
        self.total += 1;
    }
}

/// One address of the drill-down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailAddress {
    /// The contact's id.
    pub contact: Id,
    /// The contact's name.
    pub name: String,
    /// The address.
    pub address: String,
    /// Its consent.
    pub consent: Consent,
    /// Its validity.
    pub validity: Validity,
}

/// Which addresses to list in the emails report: none given matches any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailCell {
    /// Only addresses with this consent.
    pub consent: Option<Consent>,
    /// Only addresses with this validity.
    pub validity: Option<Validity>,
}

impl Crm {
    /// Every email address of the contacts created in the period (default: every contact), by
    /// consent and validity; with `cell`, also the addresses in it.
    pub fn emails_report(&self, query: ReportQuery, cell: Option<EmailCell>) -> Result<EmailsReport> {
        query.check()?;
        let r = self.reader()?;
        let in_period = |c: &Contact| {
            let day = c.created.local_date();
            query.from.is_none_or(|f| day >= f) && query.to.is_none_or(|t| day <= t)
        };
        let contacts = r.all::<Contact>(|c| !c.emails.is_empty() && in_period(c))?;
        let mut rows: Vec<ConsentRow> =
            CONSENT_ROWS.iter().map(|c| ConsentRow { consent: c.word().into(), ..Default::default() }).collect();
        let mut total = ConsentRow { consent: "total".into(), ..Default::default() };
        let mut addresses = cell.map(|_| Vec::new());
        for c in &contacts {
            for e in &c.emails {
                let row = CONSENT_ROWS.iter().position(|&k| k == e.consent).unwrap_or(CONSENT_ROWS.len() - 1);
                rows[row].add(e.validity);
                total.add(e.validity);
                if let (Some(list), Some(cell)) = (addresses.as_mut(), cell)
                    && cell.consent.is_none_or(|k| k == e.consent)
                    && cell.validity.is_none_or(|v| v == e.validity)
                {
                    list.push(EmailAddress {
                        contact: c.id,
                        name: c.full_name(),
                        address: e.address.clone(),
                        consent: e.consent,
                        validity: e.validity,
                    });
                }
            }
        }
        Ok(EmailsReport { from: query.from, to: query.to, rows, total, addresses })
    }
}

// ---------------------------------------------------------------------------------------------
// calls
// ---------------------------------------------------------------------------------------------

/// How many accounts the calls report ranks.
pub const TOP_ACCOUNTS: usize = 10;

/// The days a dated report covers when none are given: the 30 days ending `today`, or the 30
/// days from `from`, or the 30 days ending at `to`.
fn last_30_days(query: &ReportQuery, today: Date) -> (Date, Date) {
    match (query.from, query.to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, f.add_days(29)),
        (None, Some(t)) => (t.add_days(-29), t),
        (None, None) => (today.add_days(-29), today),
    }
}

/// Calls in a period: the busiest accounts, and calls by country, outcome and direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallsReport {
    /// First day counted.
    pub from: Date,
    /// Last day counted.
    pub to: Date,
    /// How many calls.
    pub calls: u32,
    /// Their talk time, in seconds.
    pub talk_secs: u64,
    /// The accounts with the most calls (at most [`TOP_ACCOUNTS`]; ties to the lower id).
    pub top_by_calls: Vec<AccountCalls>,
    /// The accounts with the longest talk time (at most [`TOP_ACCOUNTS`]; ties to the lower id).
    pub top_by_talk: Vec<AccountCalls>,
    /// Calls per country of the contact's account (else the contact's first address; `unknown`
    /// when neither says), most calls first, ties alphabetically.
    pub by_country: Vec<CallCount>,
    /// Calls per outcome, every outcome listed, in outcome order.
    pub by_outcome: Vec<CallCount>,
    /// Calls per direction, both listed.
    pub by_direction: Vec<CallCount>,
}

/// One account's calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountCalls {
    /// The account's id.
    pub account: Id,
    /// Its name.
    pub name: String,
    /// How many calls with its contacts.
    pub calls: u32,
    /// Their talk time, in seconds.
    pub talk_secs: u64,
}

/// A label and its calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallCount {
    /// What the calls share (a country, an outcome, a direction).
    pub label: String,
    /// How many calls.
    pub calls: u32,
    /// Their talk time, in seconds.
    pub talk_secs: u64,
}

impl Crm {
    /// The calls started in the period (default: the last 30 days), read through the call-time
    /// index.
    pub fn calls_report(&self, query: ReportQuery) -> Result<CallsReport> {
        self.calls_report_on(query, Date::today())
    }

    /// [`Crm::calls_report`] with "today" given, for reproducible reports and tests.
    pub fn calls_report_on(&self, query: ReportQuery, today: Date) -> Result<CallsReport> {
        use crate::model::{Account, Call, CallDirection, CallOutcome};
        use crate::store::keys::i64_key;
        query.check()?;
        let (from, to) = last_30_days(&query, today);
        let r = self.reader()?;
        let start = i64_key(from.start_local().0);
        let end = i64_key(to.add_days(1).start_local().0);
        let calls: Vec<Call> =
            r.many(&r.sorted(Kind::Call, SortField::Time, &start, Some(&end), false, usize::MAX)?)?;
        let mut contacts: HashMap<Id, Option<Contact>> = HashMap::new();
        let mut accounts: HashMap<Id, Option<Account>> = HashMap::new();
        let mut per_account: HashMap<Id, (u32, u64)> = HashMap::new();
        let mut per_country: HashMap<String, (u32, u64)> = HashMap::new();
        let (mut n, mut talk) = (0u32, 0u64);
        let mut outcome = vec![(0u32, 0u64); CallOutcome::ALL.len()];
        let mut direction = vec![(0u32, 0u64); CallDirection::ALL.len()];
        for c in &calls {
            let secs = c.duration_secs as u64;
            n += 1;
            talk += secs;
            let add = |slot: &mut (u32, u64)| {
                slot.0 += 1;
                slot.1 += secs;
            };
            add(&mut outcome[CallOutcome::ALL.iter().position(|&o| o == c.outcome).unwrap_or(0)]);
            add(&mut direction[CallDirection::ALL.iter().position(|&d| d == c.direction).unwrap_or(0)]);
            if let std::collections::hash_map::Entry::Vacant(slot) = contacts.entry(c.contact) {
                slot.insert(r.get::<Contact>(c.contact)?);
            }
            let contact = contacts[&c.contact].as_ref();
            let account_id = contact.and_then(|p| p.account);
            if let Some(id) = account_id
                && let std::collections::hash_map::Entry::Vacant(slot) = accounts.entry(id)
            {
                slot.insert(r.get::<Account>(id)?);
            }
            let account = account_id.and_then(|id| accounts[&id].as_ref());
            if let Some(a) = account {
                add(per_account.entry(a.id).or_default());
            }
            let country = account
                .and_then(|a| a.address.country.clone())
                .or_else(|| contact.and_then(|p| p.addresses.iter().find_map(|a| a.country.clone())))
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "unknown".into());
            add(per_country.entry(country).or_default());
        }
        let mut ranked: Vec<AccountCalls> = per_account
            .into_iter()
            .map(|(id, (calls, talk_secs))| AccountCalls {
                account: id,
                name: accounts[&id].as_ref().map(|a| a.name.clone()).unwrap_or_default(),
                calls,
                talk_secs,
            })
            .collect();
        ranked.sort_by_key(|a| (std::cmp::Reverse(a.calls), a.account));
        let top_by_calls = ranked.iter().take(TOP_ACCOUNTS).cloned().collect();
        ranked.sort_by_key(|a| (std::cmp::Reverse(a.talk_secs), a.account));
        ranked.truncate(TOP_ACCOUNTS);
        let mut by_country: Vec<CallCount> =
            per_country.into_iter().map(|(label, (calls, talk_secs))| CallCount { label, calls, talk_secs }).collect();
        by_country.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.label.cmp(&b.label)));
        let counts = |words: Vec<&str>, sums: Vec<(u32, u64)>| -> Vec<CallCount> {
            words
                .into_iter()
                .zip(sums)
                .map(|(w, (calls, talk_secs))| CallCount { label: w.to_string(), calls, talk_secs })
                .collect()
        };
        Ok(CallsReport {
            from,
            to,
            calls: n,
            talk_secs: talk,
            top_by_calls,
            top_by_talk: ranked,
            by_country,
            by_outcome: counts(CallOutcome::ALL.iter().map(|o| o.word()).collect(), outcome),
            by_direction: counts(CallDirection::ALL.iter().map(|d| d.word()).collect(), direction),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// tasks
// ---------------------------------------------------------------------------------------------

/// How many ISO weeks the tasks report covers when no period is given.
pub const DEFAULT_WEEKS: i64 = 8;

/// The most ISO weeks one tasks report covers (about ten years).
pub const MAX_WEEKS: i64 = 520;

/// The Monday of `d`'s ISO week.
fn week_start(d: Date) -> Date {
    use chrono::Datelike;
    d.add_days(-i64::from(d.0.weekday().num_days_from_monday()))
}

/// Task completion per ISO week, and the on-time rate over the whole period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TasksReport {
    /// The Monday of the first week.
    pub from: Date,
    /// The Sunday of the last week.
    pub to: Date,
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
    /// Of those, how many are due before the week's last day (overdue as of that day).
    pub overdue: u32,
}

impl Crm {
    /// Tasks completed, completed late, still open and overdue per ISO week of the period,
    /// widened to whole weeks (default: the last 8 weeks, ending with this one).
    pub fn tasks_report(&self, query: ReportQuery) -> Result<TasksReport> {
        self.tasks_report_on(query, Date::today())
    }

    /// [`Crm::tasks_report`] with "today" given, for reproducible reports and tests.
    pub fn tasks_report_on(&self, query: ReportQuery, today: Date) -> Result<TasksReport> {
        use crate::model::{Task, TaskStatus};
        query.check()?;
        let span = (DEFAULT_WEEKS - 1) * 7;
        let (from, last) = match (query.from, query.to) {
            (Some(f), Some(t)) => (week_start(f), week_start(t)),
            (Some(f), None) => (week_start(f), week_start(f).add_days(span)),
            (None, Some(t)) => (week_start(t).add_days(-span), week_start(t)),
            (None, None) => (week_start(today).add_days(-span), week_start(today)),
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
        let r = self.reader()?;
        let done_in =
            |t: &Task| (t.status == TaskStatus::Done).then_some(t.completed_at).flatten().map(|at| at.local_date());
        // Open tasks first, then closed ones, through the task index (open or not, then due date).
        let mut tasks: Vec<Task> =
            r.many(&r.sorted(Kind::Task, SortField::Date, &[0], Some(&[1]), false, usize::MAX)?)?;
        let closed: Vec<Task> = r.many(&r.sorted(Kind::Task, SortField::Date, &[1], None, false, usize::MAX)?)?;
        tasks.extend(closed.into_iter().filter(|t| done_in(t).is_some_and(|d| d >= from && d <= to)));
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
        // The week `d` falls in (negative before the first); a task open now counts as open from
        // the week it was created in, and as overdue from the first week ending after its due date.
        let week_of = |d: Date| i64::from(d.days() - from.days()).div_euclid(7);
        let (mut open_from, mut overdue_from) = (vec![0u32; rows.len() + 1], vec![0u32; rows.len() + 1]);
        let slot = |k: i64| k.clamp(0, weeks) as usize;
        for t in &tasks {
            if let Some(day) = done_in(t) {
                let w = &mut rows[week_of(day) as usize];
                w.completed += 1;
                w.late += u32::from(t.due.is_some_and(|due| day > due));
            } else if t.is_open() {
                let created = week_of(t.created.local_date()).max(0);
                open_from[slot(created)] += 1;
                if let Some(due) = t.due {
                    overdue_from[slot(created.max(week_of(due.add_days(-6)) + 1))] += 1;
                }
            }
        }
        let (mut open, mut overdue) = (0u32, 0u32);
        for (k, w) in rows.iter_mut().enumerate() {
            open += open_from[k];
            overdue += overdue_from[k];
            (w.open, w.overdue) = (open, overdue);
        }
        let completed: u32 = rows.iter().map(|w| w.completed).sum();
        let on_time: u32 = rows.iter().map(|w| w.completed - w.late).sum();
        let on_time_rate = (completed > 0).then(|| f64::from(on_time) / f64::from(completed));
        Ok(TasksReport { from, to, weeks: rows, on_time_rate })
    }
}

// ---------------------------------------------------------------------------------------------
// campaigns
// ---------------------------------------------------------------------------------------------

/// What each campaign brought in: leads, conversions, deals and won money, against its budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignsReport {
    /// The currency of every amount; won deals and budgets in other currencies are left out.
    pub currency: Currency,
    /// One row per campaign, by id.
    pub campaigns: Vec<CampaignRow>,
}

/// One campaign's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignRow {
    /// The campaign's id.
    pub id: Id,
    /// Its name.
    pub name: String,
    /// Leads that name it as their campaign.
    pub leads: u32,
    /// Of those, how many were converted.
    pub converted: u32,
    /// Opportunities that name it, or whose lead names it (each counted once).
    pub opportunities: u32,
    /// The sum of those opportunities that are won, in the report's currency.
    pub won: Amount,
    /// Its budget (none when it has none, or when it is in another currency).
    pub budget: Option<Amount>,
    /// The budget ÷ its leads, rounded to the cent (none without a budget or without leads).
    pub cost_per_lead: Option<Amount>,
}

/// The currency most of `currencies` are; ties go to the alphabetically first; none: the default.
fn most_common(currencies: impl IntoIterator<Item = Currency>) -> Currency {
    let mut counts: BTreeMap<Currency, usize> = BTreeMap::new();
    for c in currencies {
        *counts.entry(c).or_default() += 1;
    }
    let mut best: Option<(Currency, usize)> = None;
    for (c, n) in counts {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((c, n));
        }
    }
    best.map_or(Currency::DEFAULT, |(c, _)| c)
}

impl Crm {
    /// Every campaign with its leads, converted leads, opportunities, won amount and cost per
    /// lead, read through the campaign and lead links. Money is in `query.currency` (default:
    /// the one most of the won deals and budgets use). Campaigns have no period: `from` and
    /// `to` are refused.
    pub fn campaigns_report(&self, query: ReportQuery) -> Result<CampaignsReport> {
        use crate::model::{Campaign, Lead, LeadStatus, RecordRef};
        use std::collections::BTreeSet;
        query.check()?;
        if query.from.is_some() || query.to.is_some() {
            let field = if query.from.is_some() { "from" } else { "to" };
            return Err(ValidationError::new(
                field,
                "the campaigns report covers every campaign, whenever it ran: drop --from and --to",
            )
            .into());
        }
        let r = self.reader()?;
        let campaigns = r.all::<Campaign>(|_| true)?;
        let mut opps: HashMap<Id, Opportunity> = HashMap::new();
        // Per campaign: leads, converted leads, and the ids of its opportunities.
        let mut found: Vec<(u32, u32, BTreeSet<Id>)> = Vec::with_capacity(campaigns.len());
        for c in &campaigns {
            let target = RecordRef::new(Kind::Campaign, c.id);
            let leads: Vec<Lead> = r.many(&r.linking(target, Kind::Lead)?)?;
            let mut ids: BTreeSet<Id> = r.linking(target, Kind::Opportunity)?.into_iter().collect();
            for lead in &leads {
                ids.extend(r.linking(RecordRef::new(Kind::Lead, lead.id), Kind::Opportunity)?);
            }
            for &id in &ids {
                if let std::collections::hash_map::Entry::Vacant(slot) = opps.entry(id)
                    && let Some(o) = r.get::<Opportunity>(id)?
                {
                    slot.insert(o);
                }
            }
            let converted = leads.iter().filter(|l| l.status == LeadStatus::Converted).count() as u32;
            found.push((leads.len() as u32, converted, ids));
        }
        let won = |o: &&Opportunity| o.status == StageOutcome::Won;
        let currency = query.currency.unwrap_or_else(|| {
            let deals = found.iter().flat_map(|f| &f.2).filter_map(|id| opps.get(id)).filter(won).map(|o| o.currency);
            most_common(deals.chain(campaigns.iter().filter(|c| c.budget.is_some()).map(|c| c.currency)))
        });
        let mut rows = Vec::with_capacity(campaigns.len());
        for (c, (leads, converted, ids)) in campaigns.into_iter().zip(found) {
            let deals: Vec<&Opportunity> = ids.iter().filter_map(|id| opps.get(id)).collect();
            let won_cents: i128 =
                deals.iter().filter(|o| won(o) && o.currency == currency).map(|o| i128::from(o.amount.0)).sum();
            let budget = c.budget.filter(|_| c.currency == currency);
            let cost_per_lead = budget.filter(|_| leads > 0).map(|b| {
                let (b, n) = (b.0 as i128, leads as i128);
                // Rounded half away from zero.
                Amount(((b * 2 + b.signum() * n) / (2 * n)) as i64)
            });
            rows.push(CampaignRow {
                id: c.id,
                won: amount(won_cents, &format!("sum of the won deals of {}", c.name))?,
                name: c.name,
                leads,
                converted,
                opportunities: deals.len() as u32,
                budget,
                cost_per_lead,
            });
        }
        Ok(CampaignsReport { currency, campaigns: rows })
    }
}

// ---------------------------------------------------------------------------------------------
// activity
// ---------------------------------------------------------------------------------------------

/// How an audit entry's summary starts when a deal changed stage (moved, won, lost or edited;
/// see `Tx::update_opportunity`).
const MOVED_SUMMARY: &str = "moved from ";

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
}

/// The row of `owner` on `day`, added empty if new.
fn activity_row<'a>(
    rows: &'a mut BTreeMap<(String, Date), ActivityRow>,
    owner: &str,
    day: Date,
) -> &'a mut ActivityRow {
    rows.entry((owner.to_string(), day)).or_insert_with(|| ActivityRow {
        owner: owner.to_string(),
        day,
        ..Default::default()
    })
}

impl Crm {
    /// Calls, connected calls, tasks completed and deals moved, per user and day of the period
    /// (default: the last 7 days, ending today). Calls are read through the call-time index,
    /// tasks through the task index, moves from the audit trails of the deals in every stage
    /// (so the moves of deleted deals are not counted).
    pub fn activity_report(&self, query: ReportQuery) -> Result<ActivityReport> {
        self.activity_report_on(query, Date::today())
    }

    /// [`Crm::activity_report`] with "today" given, for reproducible reports and tests.
    pub fn activity_report_on(&self, query: ReportQuery, today: Date) -> Result<ActivityReport> {
        use crate::model::{Call, CallOutcome, RecordRef, Task, TaskStatus};
        use crate::store::keys::i64_key;
        query.check()?;
        let (from, to) = match (query.from, query.to) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, f.add_days(6)),
            (None, Some(t)) => (t.add_days(-6), t),
            (None, None) => (today.add_days(-6), today),
        };
        let in_period = |d: Date| d >= from && d <= to;
        let r = self.reader()?;
        let mut rows: BTreeMap<(String, Date), ActivityRow> = BTreeMap::new();
        let start = i64_key(from.start_local().0);
        let end = i64_key(to.add_days(1).start_local().0);
        let calls: Vec<Call> =
            r.many(&r.sorted(Kind::Call, SortField::Time, &start, Some(&end), false, usize::MAX)?)?;
        for c in &calls {
            let w = activity_row(&mut rows, &c.owner, c.started_at.local_date());
            w.calls += 1;
            w.connected += u32::from(c.outcome == CallOutcome::Connected);
        }
        // Closed tasks sort after open ones in the task index.
        let closed: Vec<Task> = r.many(&r.sorted(Kind::Task, SortField::Date, &[1], None, false, usize::MAX)?)?;
        for t in &closed {
            if let (TaskStatus::Done, Some(at)) = (t.status, t.completed_at)
                && in_period(at.local_date())
            {
                activity_row(&mut rows, &t.owner, at.local_date()).tasks_done += 1;
            }
        }
        for stage in r.all::<Stage>(|_| true)? {
            for id in r.linking(RecordRef::new(Kind::Stage, stage.id), Kind::Opportunity)? {
                for e in r.audit(RecordRef::new(Kind::Opportunity, id))? {
                    if e.summary.as_deref().is_some_and(|s| s.starts_with(MOVED_SUMMARY))
                        && in_period(e.at.local_date())
                    {
                        activity_row(&mut rows, &e.user, e.at.local_date()).deals_moved += 1;
                    }
                }
            }
        }
        Ok(ActivityReport { from, to, rows: rows.into_values().collect() })
    }
}
