//! A report as a chart: rows (the bars) by measures, labelled, with what lies behind each
//! number. Each report's module builds its chart from the very report `rolo report NAME --json`
//! prints, so the Reports screen and the command line always show the same numbers;
//! [`Crm::records_in`](crate::crm::Crm::records_in) lists the records behind one number (the
//! screen's drill-down), read from the same report facts.

use serde::{Deserialize, Serialize};

use super::{EmailCell, ProjectState};
use crate::model::{CallDirection, CallOutcome, Currency, Date, Id, Kind, StageOutcome, Timestamp};

/// How a measure's numbers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of things.
    Count,
    /// Money, in cents of the chart's currency.
    Money,
    /// A length of time, in seconds.
    Seconds,
}

/// One measure: a column of the table, the series a chart draws.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// Its name ("amount", "talk time").
    pub name: String,
    /// How its numbers read.
    pub unit: Unit,
}

/// One row of a chart: a bar for each measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartRow {
    /// What the row is ("Prospecting", "2026-W48").
    pub label: String,
    /// One value per measure (money in cents); none where the report has no number.
    pub values: Vec<Option<i64>>,
    /// The records behind each value, per measure; none where there are no records to list.
    pub behind: Vec<Option<Bucket>>,
}

/// One breakdown of a report: its rows under the same measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartView {
    /// What the rows are ("by stage", "by country").
    pub name: String,
    /// The measures, in column order.
    pub measures: Vec<Measure>,
    /// The rows, in the report's order.
    pub rows: Vec<ChartRow>,
}

/// A report as charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    /// What is counted, over which period, in which currency.
    pub title: String,
    /// The first day the report covers (none: no lower bound).
    pub from: Option<Date>,
    /// The last day it covers (none: no upper bound).
    pub to: Option<Date>,
    /// The currency of its money measures, if it has any.
    pub currency: Option<Currency>,
    /// Its breakdowns: most reports have one.
    pub views: Vec<ChartView>,
    /// What the numbers leave out or add up to ("1 opportunity in EUR left out"); may be empty.
    pub note: String,
}

/// Which tasks of a week the tasks report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskCount {
    /// Completed in the week.
    Completed,
    /// Completed in the week, after their due date.
    Late,
    /// Open now, created by the week's end.
    Open,
    /// Of those, due before the week's last day (before today in the current week; none later).
    Overdue,
}

/// Which of a person's doings the activity report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityCount {
    /// Calls they own.
    Calls,
    /// Of those, the connected ones.
    Connected,
    /// Tasks they own, completed.
    TasksDone,
    /// Deals they moved to another stage.
    DealsMoved,
    /// Emails they sent.
    Emails,
}

/// The records behind one number of a report: what [`Crm::records_in`] lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "records")]
pub enum Bucket {
    /// Deals dated in a period (either end open; open deals by their expected close date, closed
    /// ones by the day they closed), in one currency, perhaps in one stage, with one status, or
    /// open and in a stage counted toward the best case.
    Deals {
        /// First close date.
        from: Option<Date>,
        /// Last close date.
        to: Option<Date>,
        /// Their currency.
        currency: Currency,
        /// Only this stage.
        stage: Option<Id>,
        /// Only this status.
        status: Option<StageOutcome>,
        /// Only deals whose stage's default probability is at least this.
        best_case_min: Option<u8>,
    },
    /// Tasks of one week of the tasks report.
    Tasks {
        /// The week's Monday.
        from: Date,
        /// Its Sunday.
        to: Date,
        /// The day overdue is measured against in the current week.
        today: Date,
        /// Which of them.
        which: TaskCount,
    },
    /// Calls started in a period, perhaps with one account, country, outcome or direction.
    Calls {
        /// First day.
        from: Date,
        /// Last day.
        to: Date,
        /// Only calls with this account's people.
        account: Option<Id>,
        /// Only calls filed under this country (as the calls report labels it).
        country: Option<String>,
        /// Only this outcome.
        outcome: Option<CallOutcome>,
        /// Only this direction.
        direction: Option<CallDirection>,
    },
    /// Projects due in a period, in one state.
    Projects {
        /// First due date.
        from: Option<Date>,
        /// Last due date.
        to: Option<Date>,
        /// The day overdue is measured against.
        today: Date,
        /// The state.
        state: ProjectState,
    },
    /// Contacts created in a period with an address in one cell of consent × validity.
    Emails {
        /// First creation day.
        from: Option<Date>,
        /// Last creation day.
        to: Option<Date>,
        /// The cell.
        cell: EmailCell,
    },
    /// The leads of a campaign.
    CampaignLeads {
        /// The campaign.
        campaign: Id,
        /// Only the converted ones.
        converted: bool,
    },
    /// The deals of a campaign (its own, and its leads').
    CampaignDeals {
        /// The campaign.
        campaign: Id,
        /// Only the won ones in this currency.
        won_in: Option<Currency>,
    },
    /// Customer service cases of one number of the cases report.
    Cases {
        /// First day.
        from: Date,
        /// Last day.
        to: Date,
        /// The instant SLAs were measured against.
        now: Timestamp,
        /// Which of them.
        which: super::CaseSet,
    },
    /// Deals against one competitor (none: against no named competitor) with one status,
    /// dated in a period, in one currency.
    Competitor {
        /// First day.
        from: Option<Date>,
        /// Last day.
        to: Option<Date>,
        /// Their currency.
        currency: Currency,
        /// The competitor.
        competitor: Option<String>,
        /// Won, lost or open.
        status: StageOutcome,
    },
    /// A customer's deals (or the customers' of one industry, blank for none): won ones dated
    /// in a period, or every open one; in one currency.
    Customer {
        /// First day a won deal counts from.
        from: Option<Date>,
        /// Last day.
        to: Option<Date>,
        /// Their currency.
        currency: Currency,
        /// Only this account's.
        account: Option<Id>,
        /// Only the deals of accounts in this industry.
        industry: Option<String>,
        /// Won (in the period) or open (any date).
        status: StageOutcome,
    },
    /// Deals of some owners with one status, dated in a period (won ones by the day they were
    /// won, open ones by their expected close date), in one currency.
    Owned {
        /// First day.
        from: Date,
        /// Last day.
        to: Date,
        /// Their currency.
        currency: Currency,
        /// The owners (logins).
        owners: Vec<String>,
        /// Won or open.
        status: StageOutcome,
    },
    /// Sales (quotes accepted, or the last of a won deal) dated in a period, in one currency,
    /// holding every one of some products (0: a line not from the catalogue), perhaps in one
    /// month (`2026-03`).
    Sales {
        /// First day.
        from: Option<Date>,
        /// Last day.
        to: Option<Date>,
        /// Their currency.
        currency: Currency,
        /// Products each must hold.
        products: Vec<Id>,
        /// Only those dated in this month.
        month: Option<String>,
    },
    /// What one person did in a period.
    Activity {
        /// The person.
        owner: String,
        /// First day.
        from: Date,
        /// Last day.
        to: Date,
        /// Which doings.
        which: ActivityCount,
    },
}

impl Bucket {
    /// The kind of the records it holds.
    pub fn kind(&self) -> Kind {
        match self {
            Bucket::Deals { .. }
            | Bucket::CampaignDeals { .. }
            | Bucket::Competitor { .. }
            | Bucket::Customer { .. }
            | Bucket::Owned { .. } => Kind::Opportunity,
            Bucket::Tasks { .. } => Kind::Task,
            Bucket::Calls { .. } => Kind::Call,
            Bucket::Projects { .. } => Kind::Project,
            Bucket::Emails { .. } => Kind::Contact,
            Bucket::CampaignLeads { .. } => Kind::Lead,
            Bucket::Cases { .. } => Kind::Case,
            Bucket::Sales { .. } => Kind::Quote,
            Bucket::Activity { which, .. } => match which {
                ActivityCount::Calls | ActivityCount::Connected => Kind::Call,
                ActivityCount::TasksDone => Kind::Task,
                ActivityCount::DealsMoved => Kind::Opportunity,
                ActivityCount::Emails => Kind::Email,
            },
        }
    }
}

/// A measure of `unit` named `name`.
pub(super) fn measure(name: &str, unit: Unit) -> Measure {
    Measure { name: name.to_string(), unit }
}

/// A row whose values all come from `values` and whose records are `behind` each measure.
pub(super) fn row(label: impl Into<String>, values: Vec<Option<i64>>, behind: Vec<Option<Bucket>>) -> ChartRow {
    ChartRow { label: label.into(), values, behind }
}

/// "1 opportunity in EUR left out", or nothing.
pub(super) fn left_out_note(left_out: u32, others: &[Currency]) -> String {
    if left_out == 0 {
        return String::new();
    }
    let codes: Vec<&str> = others.iter().map(Currency::as_str).collect();
    format!(
        "{} in {} left out",
        crate::text::count(left_out as usize, "opportunity", "opportunities"),
        codes.join(", ")
    )
}
