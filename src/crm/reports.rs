//! The reports behind `rolo report NAME` (except the forecast, in `forecast.rs`): each one a pure
//! function of one snapshot of the data and a period, returning plain serde data (labelled
//! series) for the front ends to print, chart or export.
//!
//! Money stays in integer cents, summed in `i128` and refused, never wrapped, if a sum outgrows
//! an [`Amount`].
//!
//! The reports over many records (deals, tasks, calls, contacts) read report facts (see
//! `store::facts`): index keys holding the few fields counted, read in the order of the period
//! they cover, so that a report over a million records never decodes them.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use super::forecast::{most_used, weighted_cents};
use super::{Crm, CrmError, Result};
use crate::model::{
    Amount, Consent, Contact, Currency, Date, GoalMet, Id, Kind, Project, ProjectStatus, Stage, StageOutcome,
    Timestamp, ValidationError, Validity,
};
use crate::store::facts::{self, DealFacts};
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
    i64::try_from(cents)
        .map(Amount)
        .map_err(|_| CrmError::TooLarge { what: format!("the {what}"), check: "the amounts it adds up".into() })
}

/// Ids of `kind` whose date sort key (close date, project due date) lies in `[from, to]`, either
/// end open, in date order.
fn ids_by_date(r: &Reader, kind: Kind, from: Option<Date>, to: Option<Date>) -> Result<Vec<Id>> {
    let start = from.map(|d| i32_key(d.days()).to_vec()).unwrap_or_default();
    let end = to.map(|d| i32_key(d.days().saturating_add(1)));
    Ok(r.sorted(kind, SortField::Date, &start, end.as_ref().map(|e| &e[..]), false, usize::MAX)?)
}

/// The instants of the days `from` to `to` (local time): from the start of `from` up to, not
/// including, the start of the day after `to`.
pub(super) fn instants(from: Date, to: Date) -> (Timestamp, Timestamp) {
    (from.start_local(), to.add_days(1).start_local())
}

/// Consecutive spans of `step` days from a first day (local time), telling which one an instant
/// falls in without working out its local date.
struct Slots {
    /// Where each span starts, and where the last one ends.
    starts: Vec<i64>,
}

impl Slots {
    /// `n` spans of `step` days from `from`.
    fn new(from: Date, n: usize, step: i64) -> Slots {
        Slots { starts: (0..=n as i64).map(|i| from.add_days(i * step).start_local().0).collect() }
    }

    /// The span `t` falls in: negative before the first, `n` or more after the last.
    fn of(&self, t: Timestamp) -> i64 {
        self.starts.partition_point(|&s| s <= t.0) as i64 - 1
    }
}

/// A report's period in words: "2026-01-01 to 2026-03-31", "any date", "2026-01-01 onwards".
pub fn period_words(from: Option<Date>, to: Option<Date>) -> String {
    match (from, to) {
        (None, None) => "any date".to_string(),
        (Some(f), None) => format!("{f} onwards"),
        (None, Some(t)) => format!("up to {t}"),
        (Some(f), Some(t)) => format!("{f} to {t}"),
    }
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
    /// open deals by close date and closed ones by the day they closed (default: every deal).
    pub fn stages_report(&self, query: ReportQuery) -> Result<StagesReport> {
        query.check()?;
        let r = self.reader()?;
        let mut opps = Vec::new();
        facts::deals(&r, query.from, query.to, &mut |d| opps.push(d))?;
        let mut stages = r.all::<Stage>(|_| true)?;
        stages.sort_by_key(|s| (s.order, s.id));
        stages_compute(query, &stages, &opps)
    }
}

/// The stages report of `opps` (already limited to the period) over `stages` (in board order).
fn stages_compute(query: ReportQuery, stages: &[Stage], opps: &[DealFacts]) -> Result<StagesReport> {
    let all: Vec<&DealFacts> = opps.iter().collect();
    let currency = query.currency.unwrap_or_else(|| most_used(&all));
    let (kept, others): (Vec<&DealFacts>, Vec<&DealFacts>) = all.into_iter().partition(|o| o.currency == currency);
    let mut other_currencies: Vec<Currency> = others.iter().map(|o| o.currency).collect();
    other_currencies.sort();
    other_currencies.dedup();
    let mut sums: HashMap<Id, (u32, i128, i128)> = HashMap::default();
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
        self.projects_report_on(query, self.session().today())
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

impl EmailCell {
    /// Whether an address with this consent and validity is in the cell.
    pub fn holds(&self, consent: Consent, validity: Validity) -> bool {
        self.consent.is_none_or(|k| k == consent) && self.validity.is_none_or(|v| v == validity)
    }
}

impl Crm {
    /// Every email address of the contacts created in the period (default: every contact), by
    /// consent and validity; with `cell`, also the addresses in it.
    pub fn emails_report(&self, query: ReportQuery, cell: Option<EmailCell>) -> Result<EmailsReport> {
        query.check()?;
        let r = self.reader()?;
        let from = query.from.map(Date::start_local);
        let until = query.to.map(|t| t.add_days(1).start_local());
        let mut rows: Vec<ConsentRow> =
            CONSENT_ROWS.iter().map(|c| ConsentRow { consent: c.word().into(), ..Default::default() }).collect();
        let mut total = ConsentRow { consent: "total".into(), ..Default::default() };
        // The contacts with an address in the asked cell.
        let mut listed = Vec::new();
        facts::contacts(&r, &mut |c| {
            if from.is_some_and(|f| c.created < f) || until.is_some_and(|u| c.created >= u) {
                return;
            }
            let mut in_cell = false;
            for (consent, validity) in c.emails() {
                let row = CONSENT_ROWS.iter().position(|&k| k == consent).unwrap_or(CONSENT_ROWS.len() - 1);
                rows[row].add(validity);
                total.add(validity);
                in_cell |= cell.is_some_and(|cell| cell.holds(consent, validity));
            }
            if in_cell {
                listed.push(c.id);
            }
        })?;
        let addresses = match cell {
            None => None,
            Some(cell) => Some(
                r.many::<Contact>(&listed)?
                    .iter()
                    .flat_map(|c| {
                        c.emails.iter().filter(|e| cell.holds(e.consent, e.validity)).map(|e| EmailAddress {
                            contact: c.id,
                            name: c.full_name(),
                            address: e.address.clone(),
                            consent: e.consent,
                            validity: e.validity,
                        })
                    })
                    .collect(),
            ),
        };
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
        self.calls_report_on(query, self.session().today())
    }

    /// [`Crm::calls_report`] with "today" given, for reproducible reports and tests.
    pub fn calls_report_on(&self, query: ReportQuery, today: Date) -> Result<CallsReport> {
        use crate::model::{Account, CallDirection, CallOutcome};
        query.check()?;
        let (from, to) = last_30_days(&query, today);
        let (start, end) = instants(from, to);
        let r = self.reader()?;
        // Each call: who, outcome, direction, seconds; the two halves of the period side by side.
        let read = |from: Timestamp, to: Timestamp| -> Result<Vec<(Id, CallOutcome, CallDirection, u64)>> {
            let mut calls = Vec::new();
            facts::calls(&r, from, to, &mut |c| {
                calls.push((c.contact, c.outcome, c.direction, u64::from(c.duration_secs)))
            })?;
            Ok(calls)
        };
        let mid = Timestamp(start.0 + (end.0 - start.0) / 2);
        let (calls, later) = in_parallel(|| read(start, mid), || read(mid, end));
        let mut calls = calls?;
        calls.extend(later?);
        let places = CallPlaces::read(&r, {
            let mut ids: Vec<Id> = calls.iter().map(|c| c.0).collect();
            ids.sort_unstable();
            ids
        })?;
        let mut per_account: HashMap<Id, (u32, u64)> = HashMap::default();
        let mut per_country = vec![(0u32, 0u64); places.countries.len() + 1];
        let (mut n, mut talk) = (0u32, 0u64);
        let mut outcome = vec![(0u32, 0u64); CallOutcome::ALL.len()];
        let mut direction = vec![(0u32, 0u64); CallDirection::ALL.len()];
        for &(contact, o, d, secs) in &calls {
            n += 1;
            talk += secs;
            let add = |slot: &mut (u32, u64)| {
                slot.0 += 1;
                slot.1 += secs;
            };
            add(&mut outcome[o as usize]);
            add(&mut direction[d as usize]);
            let (account, country) = places.place(contact);
            if let Some(a) = account {
                add(per_account.entry(a).or_default());
            }
            add(&mut per_country[country.map_or(places.countries.len(), |c| c as usize)]);
        }
        // Countries as written may differ only by spaces around them: counted as one.
        let mut by_label: HashMap<String, (u32, u64)> = HashMap::default();
        for (i, &(calls, secs)) in per_country.iter().enumerate().filter(|(_, c)| c.0 > 0) {
            let slot = by_label.entry(places.label(Some(i as u32)).to_string()).or_default();
            slot.0 += calls;
            slot.1 += secs;
        }
        let mut ranked: Vec<AccountCalls> = per_account
            .into_iter()
            .map(|(id, (calls, talk_secs))| AccountCalls { account: id, name: String::new(), calls, talk_secs })
            .collect();
        ranked.sort_by_key(|a| (std::cmp::Reverse(a.calls), a.account));
        let mut top_by_calls: Vec<AccountCalls> = ranked.iter().take(TOP_ACCOUNTS).cloned().collect();
        ranked.sort_by_key(|a| (std::cmp::Reverse(a.talk_secs), a.account));
        ranked.truncate(TOP_ACCOUNTS);
        for a in top_by_calls.iter_mut().chain(ranked.iter_mut()) {
            a.name = r.get::<Account>(a.account)?.map(|a| a.name).unwrap_or_default();
        }
        let mut by_country: Vec<CallCount> =
            by_label.into_iter().map(|(label, (calls, talk_secs))| CallCount { label, calls, talk_secs }).collect();
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

/// Runs `a` on another thread while `b` runs on this one, and gives both answers.
fn in_parallel<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let first = s.spawn(a);
        let second = b();
        (first.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), second)
    })
}

/// Texts (countries) numbered in the order first seen, each kept once.
#[derive(Default)]
struct Names {
    numbers: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Names {
    /// The number of `text`, given now if new.
    fn number(&mut self, text: &str) -> u32 {
        if let Some(&n) = self.numbers.get(text) {
            return n;
        }
        let n = self.texts.len() as u32;
        self.numbers.insert(text.to_string(), n);
        self.texts.push(text.to_string());
        n
    }

    /// Takes in another list's texts; returns their numbers here, in the other list's order.
    fn absorb(&mut self, other: Names) -> Vec<u32> {
        other.texts.iter().map(|t| self.number(t)).collect()
    }
}

/// A contact, its account and its country (a number in [`Names`]).
type Place = (Id, Option<Id>, Option<u32>);

/// Facts read on one thread, with the countries they name numbered there.
type Found<T> = Result<(Vec<T>, Names)>;

/// Where the people called belong: their account (when it exists) and the country the calls
/// report files them under (the account's, else their own first address's).
pub(super) struct CallPlaces {
    /// Per contact, in id order: its account (if it exists) and country (an index into `countries`).
    people: Vec<Place>,
    /// The countries as written, each once.
    countries: Vec<String>,
}

impl CallPlaces {
    /// Reads the places of these contacts (in increasing order, repeats allowed) from the report
    /// facts, each half of them on its own thread.
    pub(super) fn read(r: &Reader, mut ids: Vec<Id>) -> Result<CallPlaces> {
        ids.dedup();
        let half = |ids: &[Id]| -> Found<Place> {
            let (mut people, mut names) = (Vec::with_capacity(ids.len()), Names::default());
            facts::contacts_among(r, ids, &mut |c| people.push((c.id, c.account, c.country.map(|c| names.number(c)))))?;
            Ok((people, names))
        };
        let (left, right) = ids.split_at(ids.len() / 2);
        let (first, second) = in_parallel(|| half(left), || half(right));
        let ((mut people, mut names), (more, their_names)) = (first?, second?);
        let renumber = names.absorb(their_names);
        people.extend(more.into_iter().map(|(id, a, c)| (id, a, c.map(|c| renumber[c as usize]))));
        let mut account_ids: Vec<Id> = people.iter().filter_map(|p| p.1).collect();
        account_ids.sort_unstable();
        account_ids.dedup();
        // The accounts that exist, and their countries, in id order.
        let accounts_of = |ids: &[Id]| -> Found<(Id, Option<u32>)> {
            let (mut found, mut names) = (Vec::with_capacity(ids.len()), Names::default());
            facts::accounts_among(r, ids, &mut |a| found.push((a.id, a.country.map(|c| names.number(c)))))?;
            Ok((found, names))
        };
        let (left, right) = account_ids.split_at(account_ids.len() / 2);
        let (first, second) = in_parallel(|| accounts_of(left), || accounts_of(right));
        let ((mut accounts, first_names), (more, their_names)) = (first?, second?);
        let renumber = names.absorb(first_names);
        for a in &mut accounts {
            a.1 = a.1.map(|c| renumber[c as usize]);
        }
        let renumber = names.absorb(their_names);
        accounts.extend(more.into_iter().map(|(id, c)| (id, c.map(|c| renumber[c as usize]))));
        for p in &mut people {
            let found = p.1.and_then(|a| accounts.binary_search_by_key(&a, |x| x.0).ok()).map(|i| accounts[i]);
            p.1 = found.map(|a| a.0);
            p.2 = found.and_then(|a| a.1).or(p.2);
        }
        Ok(CallPlaces { people, countries: names.texts })
    }

    /// A contact's account (if it exists) and country.
    pub(super) fn place(&self, contact: Id) -> (Option<Id>, Option<u32>) {
        match self.people.binary_search_by_key(&contact, |p| p.0) {
            Ok(i) => (self.people[i].1, self.people[i].2),
            Err(_) => (None, None),
        }
    }

    /// A country as the calls report labels it: trimmed, and `unknown` when none or blank.
    pub(super) fn label(&self, country: Option<u32>) -> &str {
        country
            .and_then(|c| self.countries.get(c as usize))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .unwrap_or("unknown")
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
    /// The day "overdue" is measured against in the current week (no later week has any).
    pub today: Date,
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
    /// Of those, how many were overdue as of the week's last day (as of today in the current
    /// week, as `rolo task list --overdue` counts; none in weeks after today): due before it.
    pub overdue: u32,
}

impl Crm {
    /// Tasks completed, completed late, still open and overdue per ISO week of the period,
    /// widened to whole weeks (default: the last 8 weeks, ending with this one).
    pub fn tasks_report(&self, query: ReportQuery) -> Result<TasksReport> {
        self.tasks_report_on(query, self.session().today())
    }

    /// [`Crm::tasks_report`] with "today" given, for reproducible reports and tests.
    pub fn tasks_report_on(&self, query: ReportQuery, today: Date) -> Result<TasksReport> {
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
        let slots = Slots::new(from, rows.len(), 7);
        let (start, end) = instants(from, to);
        let r = self.reader()?;
        // Done late: at or after the start of the day after the due date (worked out once a day).
        let mut late_from: HashMap<Date, Timestamp> = HashMap::default();
        facts::done_tasks(&r, start, end, &mut |t| {
            let Some(at) = t.completed else { return };
            let Some(week) = usize::try_from(slots.of(at)).ok().and_then(|w| rows.get_mut(w)) else { return };
            week.completed += 1;
            if let Some(due) = t.due {
                let late = *late_from.entry(due).or_insert_with(|| due.add_days(1).start_local());
                week.late += u32::from(at >= late);
            }
        })?;
        // The week a day falls in (negative before the first); a task open now counts as open from
        // the week it was created in, and as overdue from the first week ending after its due date
        // when that date has passed (a week counts as of its last day, the current one as of today).
        let week_of = |d: Date| i64::from(d.days() - from.days()).div_euclid(7);
        let (mut open_from, mut overdue_from) = (vec![0u32; rows.len() + 1], vec![0u32; rows.len() + 1]);
        let slot = |k: i64| k.clamp(0, weeks) as usize;
        facts::open_tasks(&r, &mut |t| {
            let created = slots.of(t.created).max(0);
            open_from[slot(created)] += 1;
            if let Some(due) = t.due.filter(|&due| due < today) {
                overdue_from[slot(created.max(week_of(due.add_days(-6)) + 1))] += 1;
            }
        })?;
        let (mut open, mut overdue) = (0u32, 0u32);
        for (k, w) in rows.iter_mut().enumerate() {
            open += open_from[k];
            overdue += overdue_from[k];
            w.open = open;
            w.overdue = if w.from > today { 0 } else { overdue };
        }
        let completed: u32 = rows.iter().map(|w| w.completed).sum();
        let on_time: u32 = rows.iter().map(|w| w.completed - w.late).sum();
        let on_time_rate = (completed > 0).then(|| f64::from(on_time) / f64::from(completed));
        Ok(TasksReport { from, to, today, weeks: rows, on_time_rate })
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
        use crate::model::{Campaign, LeadStatus};
        use rustc_hash::FxHashSet as HashSet;
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
        // What links to campaigns and to leads, each read in one pass over the links.
        let mut leads_of: HashMap<Id, Vec<Id>> = HashMap::default();
        let mut deals_of: HashMap<Id, BTreeSet<Id>> = HashMap::default();
        r.links_to_kind(Kind::Campaign, &mut |campaign, src| match src.kind {
            Kind::Lead => leads_of.entry(campaign).or_default().push(src.id),
            Kind::Opportunity => {
                deals_of.entry(campaign).or_default().insert(src.id);
            }
            _ => {}
        })?;
        let mut deals_of_lead: HashMap<Id, Vec<Id>> = HashMap::default();
        r.links_to_kind(Kind::Lead, &mut |lead, src| {
            if src.kind == Kind::Opportunity {
                deals_of_lead.entry(lead).or_default().push(src.id);
            }
        })?;
        let converted: HashSet<Id> = {
            let status = [LeadStatus::Converted as u8];
            let end = [LeadStatus::Converted as u8 + 1];
            r.sorted(Kind::Lead, SortField::Status, &status, Some(&end), false, usize::MAX)?.into_iter().collect()
        };
        // Per campaign: leads, converted leads, and the ids of its opportunities.
        let mut found: Vec<(u32, u32, BTreeSet<Id>)> = Vec::with_capacity(campaigns.len());
        for c in &campaigns {
            let leads = leads_of.remove(&c.id).unwrap_or_default();
            let mut ids = deals_of.remove(&c.id).unwrap_or_default();
            for lead in &leads {
                ids.extend(deals_of_lead.get(lead).into_iter().flatten());
            }
            let won = leads.iter().filter(|l| converted.contains(l)).count() as u32;
            found.push((leads.len() as u32, won, ids));
        }
        let wanted: HashSet<Id> = found.iter().flat_map(|f| f.2.iter().copied()).collect();
        let mut opps: HashMap<Id, DealFacts> = HashMap::with_capacity_and_hasher(wanted.len(), Default::default());
        facts::deals(&r, None, None, &mut |d| {
            if wanted.contains(&d.id) {
                opps.insert(d.id, d);
            }
        })?;
        let won = |o: &&DealFacts| o.status == StageOutcome::Won;
        let currency = query.currency.unwrap_or_else(|| {
            let deals = found.iter().flat_map(|f| &f.2).filter_map(|id| opps.get(id)).filter(won).map(|o| o.currency);
            most_common(deals.chain(campaigns.iter().filter(|c| c.budget.is_some()).map(|c| c.currency)))
        });
        let mut rows = Vec::with_capacity(campaigns.len());
        for (c, (leads, converted, ids)) in campaigns.into_iter().zip(found) {
            let deals: Vec<&DealFacts> = ids.iter().filter_map(|id| opps.get(id)).collect();
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

impl Crm {
    /// Calls, connected calls, tasks completed and deals moved, per user and day of the period
    /// (default: the last 7 days, ending today), each read from the report facts in time order.
    /// The moves of deals deleted since still count: the work was done.
    pub fn activity_report(&self, query: ReportQuery) -> Result<ActivityReport> {
        self.activity_report_on(query, self.session().today())
    }

    /// [`Crm::activity_report`] with "today" given, for reproducible reports and tests.
    pub fn activity_report_on(&self, query: ReportQuery, today: Date) -> Result<ActivityReport> {
        use crate::model::CallOutcome;
        query.check()?;
        let (from, to) = match (query.from, query.to) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, f.add_days(6)),
            (None, Some(t)) => (t.add_days(-6), t),
            (None, None) => (today.add_days(-6), today),
        };
        let days = Slots::new(from, (to.days() - from.days()) as usize + 1, 1);
        let (start, end) = instants(from, to);
        let r = self.reader()?;
        let mut rows = ActivityRows::default();
        let day = |t: Timestamp| from.add_days(days.of(t));
        facts::calls(&r, start, end, &mut |c| {
            let w = rows.row(c.owner, day(c.at));
            w.calls += 1;
            w.connected += u32::from(c.outcome == CallOutcome::Connected);
        })?;
        facts::done_tasks(&r, start, end, &mut |t| {
            if let Some(at) = t.completed {
                rows.row(t.owner, day(at)).tasks_done += 1;
            }
        })?;
        facts::moves(&r, start, end, &mut |m| rows.row(m.user, day(m.at)).deals_moved += 1)?;
        Ok(ActivityReport { from, to, rows: rows.0.into_values().flat_map(BTreeMap::into_values).collect() })
    }
}

/// The rows of the activity report being counted: per person (alphabetically), per day.
#[derive(Default)]
struct ActivityRows(BTreeMap<String, BTreeMap<Date, ActivityRow>>);

impl ActivityRows {
    /// The row of `owner` on `day`, added empty if new.
    fn row(&mut self, owner: &str, day: Date) -> &mut ActivityRow {
        if !self.0.contains_key(owner) {
            self.0.insert(owner.to_string(), BTreeMap::new());
        }
        let days = self.0.get_mut(owner).expect("just added");
        days.entry(day).or_insert_with(|| ActivityRow { owner: owner.to_string(), day, ..Default::default() })
    }
}
