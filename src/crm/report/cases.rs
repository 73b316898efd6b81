//! The cases report: customer service cases opened and closed per ISO week, by status and
//! priority, SLA met or breached, the median times to a first response and to resolution, and
//! by account and product.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::chart::{Bucket, Chart, ChartView, Unit, measure, row};
use super::{ReportQuery, instants};
use crate::crm::{Crm, Result};
use crate::model::{Account, Case, CasePriority, CaseStatus, Date, Id, Product, Timestamp, span_words};
use crate::text::spoken;

/// How many ISO weeks the cases report covers when no period is given.
pub const CASE_WEEKS: i64 = 12;

/// How a case stands against its SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Resolved in time, or open and not yet due.
    Met,
    /// Resolved late, or open past its due time.
    Breached,
}

/// Which cases one number of the report counts (the Reports screen's drill-down).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "cases")]
pub enum CaseSet {
    /// Opened in the bucket's days.
    Opened,
    /// Resolved or closed in the bucket's days.
    Closed,
    /// Opened in the period, now in this status with this priority.
    Status {
        /// The status.
        status: CaseStatus,
        /// The priority.
        priority: CasePriority,
    },
    /// Opened in the period, standing so against the SLA.
    Sla {
        /// Met or breached.
        state: SlaState,
    },
    /// Opened in the period for this account (none: without one).
    Account {
        /// The account.
        account: Option<Id>,
    },
    /// Opened in the period about this product (none: without one).
    Product {
        /// The product.
        product: Option<Id>,
    },
}

/// Customer service over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CasesReport {
    /// The Monday of the first week.
    pub from: Date,
    /// The last day counted.
    pub to: Date,
    /// The instant SLAs of open cases are measured against.
    pub now: Timestamp,
    /// Cases opened and closed per ISO week, oldest first (every week listed).
    pub weeks: Vec<CaseWeek>,
    /// The cases opened in the period by status, with a count per priority.
    pub by_status: Vec<StatusRow>,
    /// Of the cases opened in the period, how many met their SLA (or are not yet due).
    pub sla_met: u32,
    /// Of those, how many breached it.
    pub sla_breached: u32,
    /// The median seconds from opening to a first response (none: no case had one).
    pub median_first_response_secs: Option<i64>,
    /// The median seconds from opening to resolution (none: none resolved).
    pub median_resolution_secs: Option<i64>,
    /// The cases opened in the period by account, most first.
    pub by_account: Vec<GroupRow>,
    /// The cases opened in the period by product, most first.
    pub by_product: Vec<GroupRow>,
    /// How many cases were opened in the period.
    pub opened: u32,
}

/// One ISO week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseWeek {
    /// Its Monday.
    pub week: Date,
    /// Cases opened in it.
    pub opened: u32,
    /// Cases resolved or closed in it.
    pub closed: u32,
}

/// One status and its cases by priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusRow {
    /// The status.
    pub status: CaseStatus,
    /// How many of each priority, in [`CasePriority::ALL`] order (low, normal, high, urgent).
    pub by_priority: Vec<u32>,
}

/// The cases of one account or product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRow {
    /// The account or product (none: cases without one).
    pub id: Option<Id>,
    /// Its name.
    pub name: String,
    /// Cases opened.
    pub opened: u32,
    /// Of them, still open.
    pub open: u32,
    /// Of them, past their SLA.
    pub breached: u32,
}

fn median(mut xs: Vec<i64>) -> Option<i64> {
    xs.sort_unstable();
    let n = xs.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(xs[n / 2]),
        _ => Some(xs[n / 2 - 1] / 2 + xs[n / 2] / 2),
    }
}

impl Crm {
    /// The cases report over the period (default: the last [`CASE_WEEKS`] ISO weeks to today).
    pub fn cases_report(&self, query: ReportQuery) -> Result<CasesReport> {
        query.check()?;
        let today = self.session().today();
        let to = query.to.unwrap_or(today);
        let from = query.from.unwrap_or_else(|| to.week_start().add_days(-7 * (CASE_WEEKS - 1))).week_start();
        let now = self.session().now();
        let (start, end) = instants(from, to);
        let all: Vec<Case> = self.list::<Case>(|_| true)?;
        let opened: Vec<&Case> = all.iter().filter(|c| c.created >= start && c.created < end).collect();
        let mut weeks: Vec<CaseWeek> = Vec::new();
        let mut week = from;
        while week <= to && weeks.len() < 600 {
            weeks.push(CaseWeek { week, opened: 0, closed: 0 });
            week = week.add_days(7);
        }
        let slot = |t: Timestamp| -> Option<usize> {
            if t < start || t >= end {
                return None;
            }
            weeks_from(from, t)
        };
        for c in &all {
            if let Some(i) = slot(c.created).filter(|&i| i < weeks.len()) {
                weeks[i].opened += 1;
            }
            if let Some(i) = c.resolved_at.filter(|_| !c.status.is_open()).and_then(slot).filter(|&i| i < weeks.len()) {
                weeks[i].closed += 1;
            }
        }
        let by_status = CaseStatus::ALL
            .iter()
            .map(|&status| StatusRow {
                status,
                by_priority: CasePriority::ALL
                    .iter()
                    .map(|&p| opened.iter().filter(|c| c.status == status && c.priority == p).count() as u32)
                    .collect(),
            })
            .collect();
        let sla_breached = opened.iter().filter(|c| c.breached(now)).count() as u32;
        let firsts = opened.iter().filter_map(|c| c.first_response.map(|t| t.0 - c.created.0)).collect();
        let resolutions = opened
            .iter()
            .filter(|c| !c.status.is_open())
            .filter_map(|c| c.resolved_at.map(|t| t.0 - c.created.0))
            .collect();
        let group = |key: fn(&Case) -> Option<Id>, name: &dyn Fn(Id) -> String| -> Vec<GroupRow> {
            let mut rows: BTreeMap<Option<Id>, GroupRow> = BTreeMap::new();
            for c in &opened {
                let id = key(c);
                let row = rows.entry(id).or_insert_with(|| GroupRow {
                    id,
                    name: id.map_or_else(|| "(none)".to_string(), name),
                    opened: 0,
                    open: 0,
                    breached: 0,
                });
                row.opened += 1;
                row.open += u32::from(c.status.is_open());
                row.breached += u32::from(c.breached(now));
            }
            let mut rows: Vec<GroupRow> = rows.into_values().collect();
            rows.sort_by(|a, b| b.opened.cmp(&a.opened).then_with(|| a.name.cmp(&b.name)));
            rows
        };
        // Each account and product named, read at once (one query per thousand on a server).
        let named_ids = |key: fn(&Case) -> Option<Id>| {
            opened
                .iter()
                .filter_map(|c| key(c))
                .collect::<std::collections::BTreeSet<Id>>()
                .into_iter()
                .collect::<Vec<Id>>()
        };
        let accounts: BTreeMap<Id, String> =
            self.many::<Account>(&named_ids(|c| c.account))?.into_iter().map(|a| (a.id, a.name)).collect();
        let products: BTreeMap<Id, String> =
            self.many::<Product>(&named_ids(|c| c.product))?.into_iter().map(|p| (p.id, p.name)).collect();
        let named = |names: &BTreeMap<Id, String>, id: Id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
        let account_name = |id: Id| named(&accounts, id);
        let product_name = |id: Id| named(&products, id);
        Ok(CasesReport {
            from,
            to,
            now,
            weeks,
            by_status,
            sla_met: opened.len() as u32 - sla_breached,
            sla_breached,
            median_first_response_secs: median(firsts),
            median_resolution_secs: median(resolutions),
            by_account: group(|c| c.account, &account_name),
            by_product: group(|c| c.product, &product_name),
            opened: opened.len() as u32,
        })
    }

    /// The cases behind one number of the cases report over `[from, to]` at `now`.
    pub(super) fn cases_in(&self, from: Date, to: Date, now: Timestamp, which: &CaseSet) -> Result<Vec<Id>> {
        let (start, end) = instants(from, to);
        let within = |t: Timestamp| t >= start && t < end;
        let cases = self.list::<Case>(|c| match which {
            CaseSet::Closed => c.resolved_at.is_some_and(within) && !c.status.is_open(),
            _ if !within(c.created) => false,
            CaseSet::Opened => true,
            CaseSet::Status { status, priority } => c.status == *status && c.priority == *priority,
            CaseSet::Sla { state } => c.breached(now) == (*state == SlaState::Breached),
            CaseSet::Account { account } => c.account == *account,
            CaseSet::Product { product } => c.product == *product,
        })?;
        Ok(cases.into_iter().map(|c| c.id).collect())
    }
}

/// Which week from `from` the instant `t` falls in (local time).
fn weeks_from(from: Date, t: Timestamp) -> Option<usize> {
    let day = t.local_date();
    usize::try_from((day.days() - from.days()) / 7).ok()
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Cases by week, by status and priority, against the SLA, by account and product.
    pub fn cases(r: &CasesReport) -> Chart {
        let bucket = |from: Date, to: Date, which: CaseSet| Some(Bucket::Cases { from, to, now: r.now, which });
        let weeks = r
            .weeks
            .iter()
            .map(|w| {
                let end = w.week.add_days(6).min(r.to);
                row(
                    w.week.to_string(),
                    vec![Some(i64::from(w.opened)), Some(i64::from(w.closed))],
                    vec![bucket(w.week, end, CaseSet::Opened), bucket(w.week, end, CaseSet::Closed)],
                )
            })
            .collect();
        let statuses = r
            .by_status
            .iter()
            .map(|s| {
                let values = s.by_priority.iter().map(|&n| Some(i64::from(n))).collect();
                let behind = CasePriority::ALL
                    .iter()
                    .map(|&priority| bucket(r.from, r.to, CaseSet::Status { status: s.status, priority }))
                    .collect();
                row(spoken(s.status.word()), values, behind)
            })
            .collect();
        let sla = [(SlaState::Met, "met or not yet due", r.sla_met), (SlaState::Breached, "breached", r.sla_breached)]
            .into_iter()
            .map(|(state, label, n)| {
                row(label, vec![Some(i64::from(n))], vec![bucket(r.from, r.to, CaseSet::Sla { state })])
            })
            .collect();
        let groups = |rows: &[GroupRow], which: fn(Option<Id>) -> CaseSet| {
            rows.iter()
                .map(|g| {
                    let b = bucket(r.from, r.to, which(g.id));
                    row(
                        g.name.clone(),
                        vec![Some(i64::from(g.opened)), Some(i64::from(g.breached))],
                        vec![b.clone(), b],
                    )
                })
                .collect()
        };
        let counts = |names: &[&str]| names.iter().map(|n| measure(n, Unit::Count)).collect::<Vec<_>>();
        let time = |s: Option<i64>| s.map_or("none yet".to_string(), span_words);
        Chart {
            title: format!("Cases opened {} to {}", r.from, r.to),
            from: Some(r.from),
            to: Some(r.to),
            currency: None,
            views: vec![
                ChartView { name: "by week".into(), measures: counts(&["opened", "closed"]), rows: weeks },
                ChartView {
                    name: "by status".into(),
                    measures: counts(&["low", "normal", "high", "urgent"]),
                    rows: statuses,
                },
                ChartView { name: "SLA".into(), measures: counts(&["cases"]), rows: sla },
                ChartView {
                    name: "by account".into(),
                    measures: counts(&["opened", "breached"]),
                    rows: groups(&r.by_account, |account| CaseSet::Account { account }),
                },
                ChartView {
                    name: "by product".into(),
                    measures: counts(&["opened", "breached"]),
                    rows: groups(&r.by_product, |product| CaseSet::Product { product }),
                },
            ],
            note: format!(
                "{} opened; median first response {}, resolution {}",
                crate::text::count(r.opened as usize, "case", "cases"),
                time(r.median_first_response_secs),
                time(r.median_resolution_secs)
            ),
        }
    }
}
