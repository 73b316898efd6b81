//! The reports behind `rolo report NAME` and the Reports screen: one module per report, each a
//! pure function of one snapshot of the data (the report facts) and a period, returning its typed
//! report (plain serde data: what `--json` prints), and that report as a [`Chart`]. [`Report`]
//! names them, parsed once from the command line; `records` lists the records behind one
//! number of a chart (the screen's drill-down).
//!
//! Money stays in integer cents, summed in `i128` and refused, never wrapped, if a sum outgrows
//! an [`Amount`].
//!
//! The reports over many records (deals, tasks, calls, contacts) read report facts (see
//! `store::facts`): index keys holding the few fields counted, read in the order of the period
//! they cover, so that a report over a million records never decodes them.

mod activity;
mod calls;
mod campaigns;
mod cases;
mod chart;
mod competitors;
mod customers;
mod emails;
mod forecast;
mod products;
mod projects;
mod quotas;
mod records;
mod stages;
mod tasks;

pub(in crate::crm) use activity::emails_out;
pub use activity::{ActivityReport, ActivityRow};
pub use calls::{AccountCalls, CallCount, CallsReport, TOP_ACCOUNTS};
pub use campaigns::{CampaignRow, CampaignsReport};
pub use cases::{CASE_WEEKS, CaseSet, CaseWeek, CasesReport, GroupRow, SlaState, StatusRow};
pub use chart::{ActivityCount, Bucket, Chart, ChartRow, ChartView, Measure, TaskCount, Unit};
pub use competitors::{CompetitorRow, CompetitorsReport, ReasonCount};
pub use customers::{CHART_CUSTOMERS, CustomerRow, CustomersReport, DEFAULT_QUIET_DAYS, KEY_SHARE};
pub use emails::{CONSENT_ROWS, ConsentRow, EmailAddress, EmailCell, EmailsReport};
pub use forecast::{DEFAULT_BEST_CASE_MIN, Forecast, ForecastPeriod, ForecastQuery, PAST_DUE};
pub use products::{MonthRow, PairRow, PriceMonth, ProductRow, ProductsReport, TOP_PAIRS};
pub use projects::{ProjectRow, ProjectState, ProjectsReport, StateCount};
pub use quotas::{QuotaRow, QuotasReport};
pub use stages::{StageRow, StagesReport};
pub use tasks::{DEFAULT_WEEKS, MAX_WEEKS, TaskWeek, TasksReport};

use serde::{Deserialize, Serialize};

use super::{Crm, CrmError, Result};
use crate::crm::View as Reader;
use crate::model::{Amount, Currency, Date, Id, Kind, Timestamp, ValidationError};
use crate::store::keys::i32_key;
use crate::store::{Read, SortField};

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

/// The currency a money report is in: `asked`, else the one most of `currencies` are (ties go
/// to the alphabetically first; none: the default); with how many of `currencies` are in
/// another, and those others, alphabetically.
fn pick_currency(asked: Option<Currency>, currencies: &[Currency]) -> (Currency, u32, Vec<Currency>) {
    let mut counts: std::collections::BTreeMap<Currency, usize> = Default::default();
    for &c in currencies {
        *counts.entry(c).or_default() += 1;
    }
    // Iterating in code order and replacing only on a strictly larger count keeps the first of a tie.
    let mut best: Option<(Currency, usize)> = None;
    for (&c, &n) in &counts {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((c, n));
        }
    }
    let currency = asked.unwrap_or(best.map_or(Currency::DEFAULT, |(c, _)| c));
    let left_out = currencies.iter().filter(|&&c| c != currency).count() as u32;
    let others = counts.into_keys().filter(|&c| c != currency).collect();
    (currency, left_out, others)
}

/// `n / d` rounded half away from zero (0 when `d` is 0): an average to the cent.
fn rounded_div(n: i128, d: i128) -> i128 {
    if d == 0 { 0 } else { (2 * n + d * n.signum()) / (2 * d) }
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

/// Every report rolo makes, by name: what `rolo report NAME` takes and the Reports screen lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    /// Pipeline, weighted, best-case and won money per month and quarter ([`Forecast`]).
    Forecast,
    /// Deals by stage ([`StagesReport`]).
    Stages,
    /// Tasks completed, late, open and overdue per ISO week ([`TasksReport`]).
    Tasks,
    /// Calls by account, country, outcome and direction ([`CallsReport`]).
    Calls,
    /// Projects by state ([`ProjectsReport`]).
    Projects,
    /// Email consent by validity ([`EmailsReport`]).
    Emails,
    /// Leads, deals and cost per lead of every campaign ([`CampaignsReport`]).
    Campaigns,
    /// Calls, tasks done and deals moved per person and day ([`ActivityReport`]).
    Activity,
    /// Customer service cases by week, status, SLA, account and product ([`CasesReport`]).
    Cases,
    /// Accounts by revenue won, the key ones and those at risk ([`CustomersReport`]).
    Customers,
    /// Deals won and lost by competitor ([`CompetitorsReport`]).
    Competitors,
    /// Quotas against what was won and the weighted pipeline ([`QuotasReport`]).
    Quotas,
    /// Sales by product and month, and products bought together ([`ProductsReport`]).
    Products,
}

impl Report {
    /// Every report, in the order the Reports screen lists them.
    pub const ALL: [Report; 13] = [
        Report::Forecast,
        Report::Stages,
        Report::Tasks,
        Report::Calls,
        Report::Projects,
        Report::Emails,
        Report::Cases,
        Report::Campaigns,
        Report::Activity,
        Report::Customers,
        Report::Competitors,
        Report::Quotas,
        Report::Products,
    ];

    /// Every report in the order the command line's contract (docs/CLI.md) and `rolo report
    /// --help` list them: the order the error naming the reports keeps.
    pub const CONTRACT_ORDER: [Report; 13] = [
        Report::Stages,
        Report::Tasks,
        Report::Calls,
        Report::Projects,
        Report::Emails,
        Report::Forecast,
        Report::Campaigns,
        Report::Activity,
        Report::Cases,
        Report::Customers,
        Report::Competitors,
        Report::Quotas,
        Report::Products,
    ];

    /// Its name, as `rolo report NAME` takes it and the Reports screen shows it.
    pub fn name(self) -> &'static str {
        match self {
            Report::Forecast => "forecast",
            Report::Stages => "stages",
            Report::Tasks => "tasks",
            Report::Calls => "calls",
            Report::Projects => "projects",
            Report::Emails => "emails",
            Report::Campaigns => "campaigns",
            Report::Activity => "activity",
            Report::Cases => "cases",
            Report::Customers => "customers",
            Report::Competitors => "competitors",
            Report::Quotas => "quotas",
            Report::Products => "products",
        }
    }

    /// Whether it covers a period to pick (the campaigns report covers every campaign).
    pub fn has_period(self) -> bool {
        self != Report::Campaigns
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Report {
    type Err = ValidationError;

    /// A report by name, ignoring case and surrounding spaces; an unknown name is an error on
    /// `report` listing every name.
    fn from_str(text: &str) -> Result<Report, ValidationError> {
        let name = text.trim().to_lowercase();
        Report::ALL.into_iter().find(|r| r.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Report::CONTRACT_ORDER.iter().map(|r| r.name()).collect();
            ValidationError::new(
                "report",
                format!("'{}' is not a report: use one of {}", text.trim(), names.join(", ")),
            )
        })
    }
}

impl Crm {
    /// `report` over `query`, as a chart: computed by the same service function as
    /// `rolo report NAME`. The forecast takes the period and its default threshold; the
    /// campaigns report refuses a period.
    pub fn report_chart(&self, report: Report, query: ReportQuery) -> Result<Chart> {
        Ok(match report {
            Report::Forecast => Chart::forecast(&self.forecast(ForecastQuery {
                from: query.from,
                to: query.to,
                currency: query.currency,
                ..Default::default()
            })?),
            Report::Stages => Chart::stages(&self.stages_report(query)?),
            Report::Tasks => Chart::tasks(&self.tasks_report(query)?),
            Report::Calls => Chart::calls(&self.calls_report(query)?),
            Report::Projects => Chart::projects(&self.projects_report(query)?),
            Report::Emails => Chart::emails(&self.emails_report(query, None)?),
            Report::Campaigns => Chart::campaigns(&self.campaigns_report(query)?),
            Report::Activity => Chart::activity(&self.activity_report(query)?),
            Report::Cases => Chart::cases(&self.cases_report(query)?),
            Report::Customers => Chart::customers(&self.customers_report(query, DEFAULT_QUIET_DAYS)?),
            Report::Competitors => Chart::competitors(&self.competitors_report(query)?),
            Report::Quotas => Chart::quotas(&self.quotas_report(query)?),
            Report::Products => Chart::products(&self.products_report(query)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_reads_back_from_its_name_in_any_case() {
        for r in Report::ALL {
            assert_eq!(r.name().parse::<Report>().unwrap(), r);
            assert_eq!(format!(" {} ", r.name().to_uppercase()).parse::<Report>().unwrap(), r);
            assert_eq!(r.to_string(), r.name());
        }
        let names: std::collections::HashSet<&str> = Report::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(names.len(), Report::ALL.len(), "every report has its own name");
    }

    #[test]
    fn an_unknown_report_is_an_error_on_report_naming_every_report() {
        let e = " Sales ".parse::<Report>().unwrap_err();
        assert_eq!(e.field, "report");
        assert_eq!(
            e.message,
            "'Sales' is not a report: use one of stages, tasks, calls, projects, emails, forecast, campaigns, activity, cases, customers, competitors, quotas, products"
        );
    }

    #[test]
    fn only_the_campaigns_report_has_no_period() {
        let without: Vec<Report> = Report::ALL.into_iter().filter(|r| !r.has_period()).collect();
        assert_eq!(without, [Report::Campaigns]);
    }
}
