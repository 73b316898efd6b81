//! The reports behind `rolo report NAME` (except the forecast, in `forecast.rs`): each one a pure
//! function of one snapshot of the data and a period, returning plain serde data (labelled
//! series) for the front ends to print, chart or export.
//!
//! Money stays in integer cents, summed in `i128` and refused, never wrapped, if a sum outgrows
//! an [`Amount`].

use std::collections::HashMap;

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
