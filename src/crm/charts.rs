//! Every report as a chart: rows (the bars) by measures, labelled, with what lies behind each
//! number. A chart is built from the very report `rolo report NAME --json` prints, so the Reports
//! screen and the command line always show the same numbers; [`Crm::records_in`] lists the
//! records behind one number (the screen's drill-down), read from the same report facts.

use crate::text::spoken;
use serde::{Deserialize, Serialize};

use super::forecast::{Forecast, ForecastPeriod, ForecastQuery};
use super::reports::{
    ActivityReport, CallCount, CallPlaces, CallsReport, CampaignsReport, EmailCell, EmailsReport, ProjectState,
    ProjectsReport, ReportQuery, StagesReport, TasksReport, instants, period_words,
};
use super::{Crm, CrmError, Result};
use crate::model::{CallDirection, CallOutcome, Consent, Currency, Date, Id, Kind, RecordRef, StageOutcome, Validity};

/// Every report, in the order the Reports screen lists them.
pub const REPORT_NAMES: [&str; 8] =
    ["forecast", "stages", "tasks", "calls", "projects", "emails", "campaigns", "activity"];

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
            Bucket::Deals { .. } | Bucket::CampaignDeals { .. } => Kind::Opportunity,
            Bucket::Tasks { .. } => Kind::Task,
            Bucket::Calls { .. } => Kind::Call,
            Bucket::Projects { .. } => Kind::Project,
            Bucket::Emails { .. } => Kind::Contact,
            Bucket::CampaignLeads { .. } => Kind::Lead,
            Bucket::Activity { which, .. } => match which {
                ActivityCount::Calls | ActivityCount::Connected => Kind::Call,
                ActivityCount::TasksDone => Kind::Task,
                ActivityCount::DealsMoved => Kind::Opportunity,
            },
        }
    }
}

/// A measure of `unit` named `name`.
fn measure(name: &str, unit: Unit) -> Measure {
    Measure { name: name.to_string(), unit }
}

/// A row whose values all come from `values` and whose records are `behind` each measure.
fn row(label: impl Into<String>, values: Vec<Option<i64>>, behind: Vec<Option<Bucket>>) -> ChartRow {
    ChartRow { label: label.into(), values, behind }
}

/// "1 opportunity in EUR left out", or nothing.
fn left_out_note(left_out: u32, others: &[Currency]) -> String {
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

impl Chart {
    /// The forecast by month and by quarter: open deals, pipeline, weighted, best case and won.
    pub fn forecast(f: &Forecast) -> Chart {
        let measures = || {
            vec![
                measure("pipeline", Unit::Money),
                measure("weighted", Unit::Money),
                measure("best case", Unit::Money),
                measure("closed won", Unit::Money),
                measure("open deals", Unit::Count),
            ]
        };
        let deals = |p: &ForecastPeriod, status, best_case_min| {
            Some(Bucket::Deals {
                from: p.from,
                to: Some(p.to),
                currency: f.currency,
                stage: None,
                status: Some(status),
                best_case_min,
            })
        };
        let rows = |periods: &[ForecastPeriod]| {
            periods
                .iter()
                .map(|p| {
                    let open = deals(p, StageOutcome::Open, None);
                    row(
                        p.label.clone(),
                        vec![
                            Some(p.pipeline.0),
                            Some(p.weighted.0),
                            Some(p.best_case.0),
                            Some(p.closed_won.0),
                            Some(i64::from(p.open)),
                        ],
                        vec![
                            open.clone(),
                            open.clone(),
                            deals(p, StageOutcome::Open, Some(f.best_case_min)),
                            deals(p, StageOutcome::Won, None),
                            open,
                        ],
                    )
                })
                .collect()
        };
        Chart {
            title: format!("Forecast {} to {} in {}", f.from, f.to, f.currency),
            from: Some(f.from),
            to: Some(f.to),
            currency: Some(f.currency),
            views: vec![
                ChartView { name: "by month".into(), measures: measures(), rows: rows(&f.months) },
                ChartView { name: "by quarter".into(), measures: measures(), rows: rows(&f.quarters) },
            ],
            note: left_out_note(f.left_out, &f.other_currencies),
        }
    }

    /// Deals by stage: how many, their amount and their weighted amount.
    pub fn stages(r: &StagesReport) -> Chart {
        let rows = r
            .stages
            .iter()
            .map(|s| {
                let deals = Some(Bucket::Deals {
                    from: r.from,
                    to: r.to,
                    currency: r.currency,
                    stage: Some(s.id),
                    status: None,
                    best_case_min: None,
                });
                row(
                    s.stage.clone(),
                    vec![Some(s.amount.0), Some(s.weighted.0), Some(i64::from(s.count))],
                    vec![deals.clone(), deals.clone(), deals],
                )
            })
            .collect();
        Chart {
            title: format!("Opportunities by stage, closing {}, in {}", period_words(r.from, r.to), r.currency),
            from: r.from,
            to: r.to,
            currency: Some(r.currency),
            views: vec![ChartView {
                name: "by stage".into(),
                measures: vec![
                    measure("amount", Unit::Money),
                    measure("weighted", Unit::Money),
                    measure("deals", Unit::Count),
                ],
                rows,
            }],
            note: left_out_note(r.left_out, &r.other_currencies),
        }
    }

    /// Tasks per ISO week: completed, completed late, open, overdue.
    pub fn tasks(r: &TasksReport) -> Chart {
        let which = [TaskCount::Completed, TaskCount::Late, TaskCount::Open, TaskCount::Overdue];
        let rows = r
            .weeks
            .iter()
            .map(|w| {
                let values = [w.completed, w.late, w.open, w.overdue].map(|n| Some(i64::from(n))).to_vec();
                let behind =
                    which.map(|which| Some(Bucket::Tasks { from: w.from, to: w.to, today: r.today, which })).to_vec();
                row(w.week.clone(), values, behind)
            })
            .collect();
        let note = match r.on_time_rate {
            Some(rate) => format!("{:.0}% of the tasks completed in this range were on time", rate * 100.0),
            None => "no task was completed in this range".to_string(),
        };
        Chart {
            title: format!("Tasks by ISO week, {} to {}", r.from, r.to),
            from: Some(r.from),
            to: Some(r.to),
            currency: None,
            views: vec![ChartView {
                name: "by week".into(),
                measures: ["completed", "completed late", "open", "overdue"].map(|n| measure(n, Unit::Count)).to_vec(),
                rows,
            }],
            note,
        }
    }

    /// Calls: the busiest accounts, and calls by country, outcome and direction, each with its
    /// talk time.
    pub fn calls(r: &CallsReport) -> Chart {
        let measures = || vec![measure("calls", Unit::Count), measure("talk time", Unit::Seconds)];
        let calls = |account, country, outcome, direction| {
            Some(Bucket::Calls { from: r.from, to: r.to, account, country, outcome, direction })
        };
        let view = |name: &str, rows: Vec<ChartRow>| ChartView { name: name.into(), measures: measures(), rows };
        let accounts = |ranked: &[super::reports::AccountCalls]| {
            ranked
                .iter()
                .map(|a| {
                    let b = calls(Some(a.account), None, None, None);
                    row(a.name.clone(), vec![Some(i64::from(a.calls)), Some(a.talk_secs as i64)], vec![b.clone(), b])
                })
                .collect()
        };
        // The accounts ranked by talk time chart their talk time: it is that view's first measure.
        let mut by_talk = view("top accounts by talk time", accounts(&r.top_by_talk));
        by_talk.measures.reverse();
        for bar in &mut by_talk.rows {
            bar.values.reverse();
            bar.behind.reverse();
        }
        let counted = |counts: &[CallCount], bucket: &dyn Fn(&CallCount) -> Option<Bucket>| {
            counts
                .iter()
                .map(|c| {
                    let b = bucket(c);
                    row(spoken(&c.label), vec![Some(i64::from(c.calls)), Some(c.talk_secs as i64)], vec![b.clone(), b])
                })
                .collect()
        };
        let outcome = |c: &CallCount| calls(None, None, c.label.parse().ok(), None);
        let direction = |c: &CallCount| calls(None, None, None, c.label.parse().ok());
        Chart {
            title: format!(
                "Calls {} to {}: {}, {} talk time",
                r.from,
                r.to,
                crate::text::thousands(u64::from(r.calls)),
                crate::model::format_duration(r.talk_secs.min(u64::from(u32::MAX)) as u32)
            ),
            from: Some(r.from),
            to: Some(r.to),
            currency: None,
            views: vec![
                view("top accounts by calls", accounts(&r.top_by_calls)),
                by_talk,
                view("by country", counted(&r.by_country, &|c| calls(None, Some(c.label.clone()), None, None))),
                view("by outcome", counted(&r.by_outcome, &outcome)),
                view("by direction", counted(&r.by_direction, &direction)),
            ],
            note: String::new(),
        }
    }

    /// Projects by state.
    pub fn projects(r: &ProjectsReport) -> Chart {
        let rows = r
            .counts
            .iter()
            .map(|c| {
                let b = Bucket::Projects { from: r.from, to: r.to, today: r.today, state: c.state };
                row(spoken(c.state.word()), vec![Some(i64::from(c.count))], vec![Some(b)])
            })
            .collect();
        Chart {
            title: format!("Projects due {}, as of {}", period_words(r.from, r.to), r.today),
            from: r.from,
            to: r.to,
            currency: None,
            views: vec![ChartView { name: "by state".into(), measures: vec![measure("projects", Unit::Count)], rows }],
            note: format!("{} in all", crate::text::count(r.total as usize, "project", "projects")),
        }
    }

    /// Email addresses by consent, one measure per validity and one for them all.
    pub fn emails(r: &EmailsReport) -> Chart {
        let validities =
            [None, Some(Validity::Valid), Some(Validity::Invalid), Some(Validity::Bounced), Some(Validity::Unknown)];
        let rows = r
            .rows
            .iter()
            .map(|c| {
                let consent = c.consent.parse::<Consent>().ok();
                let values = [c.total, c.valid, c.invalid, c.bounced, c.unknown].map(|n| Some(i64::from(n))).to_vec();
                let behind = validities
                    .map(|validity| {
                        Some(Bucket::Emails { from: r.from, to: r.to, cell: EmailCell { consent, validity } })
                    })
                    .to_vec();
                row(spoken(&c.consent), values, behind)
            })
            .collect();
        Chart {
            title: format!("Email addresses of contacts created {}", period_words(r.from, r.to)),
            from: r.from,
            to: r.to,
            currency: None,
            views: vec![ChartView {
                name: "by consent".into(),
                measures: ["addresses", "valid", "invalid", "bounced", "unknown"]
                    .map(|n| measure(n, Unit::Count))
                    .to_vec(),
                rows,
            }],
            note: format!("{} in all", crate::text::count(r.total.total as usize, "address", "addresses")),
        }
    }

    /// Campaigns: leads, converted leads, deals, won money, budget and cost per lead.
    pub fn campaigns(r: &CampaignsReport) -> Chart {
        let rows = r
            .campaigns
            .iter()
            .map(|c| {
                let (id, n) = (c.id, |n: u32| Some(i64::from(n)));
                row(
                    c.name.clone(),
                    vec![
                        n(c.leads),
                        n(c.converted),
                        n(c.opportunities),
                        Some(c.won.0),
                        c.budget.map(|b| b.0),
                        c.cost_per_lead.map(|b| b.0),
                    ],
                    vec![
                        Some(Bucket::CampaignLeads { campaign: id, converted: false }),
                        Some(Bucket::CampaignLeads { campaign: id, converted: true }),
                        Some(Bucket::CampaignDeals { campaign: id, won_in: None }),
                        Some(Bucket::CampaignDeals { campaign: id, won_in: Some(r.currency) }),
                        None,
                        None,
                    ],
                )
            })
            .collect();
        Chart {
            title: format!("Campaigns, money in {}", r.currency),
            from: None,
            to: None,
            currency: Some(r.currency),
            views: vec![ChartView {
                name: "by campaign".into(),
                measures: vec![
                    measure("leads", Unit::Count),
                    measure("converted", Unit::Count),
                    measure("deals", Unit::Count),
                    measure("won", Unit::Money),
                    measure("budget", Unit::Money),
                    measure("cost per lead", Unit::Money),
                ],
                rows,
            }],
            note: String::new(),
        }
    }

    /// What each person did: over the whole period, and day by day.
    pub fn activity(r: &ActivityReport) -> Chart {
        let which =
            [ActivityCount::Calls, ActivityCount::Connected, ActivityCount::TasksDone, ActivityCount::DealsMoved];
        let measures = || ["calls", "connected", "tasks done", "deals moved"].map(|n| measure(n, Unit::Count)).to_vec();
        let behind = |owner: &str, from: Date, to: Date| {
            which.map(|which| Some(Bucket::Activity { owner: owner.to_string(), from, to, which })).to_vec()
        };
        let mut people: Vec<(String, [u32; 4])> = Vec::new();
        for a in &r.rows {
            let counts = [a.calls, a.connected, a.tasks_done, a.deals_moved];
            match people.last_mut() {
                Some((owner, sums)) if *owner == a.owner => {
                    for (s, n) in sums.iter_mut().zip(counts) {
                        *s += n;
                    }
                }
                _ => people.push((a.owner.clone(), counts)),
            }
        }
        let values = |counts: [u32; 4]| counts.map(|n| Some(i64::from(n))).to_vec();
        let by_person =
            people.iter().map(|(owner, sums)| row(owner.clone(), values(*sums), behind(owner, r.from, r.to)));
        let by_day = r.rows.iter().map(|a| {
            let counts = [a.calls, a.connected, a.tasks_done, a.deals_moved];
            row(format!("{} {}", a.owner, a.day), values(counts), behind(&a.owner, a.day, a.day))
        });
        Chart {
            title: format!("Activity {} to {}", r.from, r.to),
            from: Some(r.from),
            to: Some(r.to),
            currency: None,
            views: vec![
                ChartView { name: "by person".into(), measures: measures(), rows: by_person.collect() },
                ChartView { name: "by person and day".into(), measures: measures(), rows: by_day.collect() },
            ],
            note: String::new(),
        }
    }
}

impl Crm {
    /// The report `name` (one of [`REPORT_NAMES`]) over `query`, as a chart: computed by the
    /// same service function as `rolo report NAME`. The forecast takes the period and its
    /// default threshold; the campaigns report refuses a period.
    pub fn report_chart(&self, name: &str, query: ReportQuery) -> Result<Chart> {
        Ok(match name {
            "forecast" => Chart::forecast(&self.forecast(ForecastQuery {
                from: query.from,
                to: query.to,
                currency: query.currency,
                ..Default::default()
            })?),
            "stages" => Chart::stages(&self.stages_report(query)?),
            "tasks" => Chart::tasks(&self.tasks_report(query)?),
            "calls" => Chart::calls(&self.calls_report(query)?),
            "projects" => Chart::projects(&self.projects_report(query)?),
            "emails" => Chart::emails(&self.emails_report(query, None)?),
            "campaigns" => Chart::campaigns(&self.campaigns_report(query)?),
            "activity" => Chart::activity(&self.activity_report(query)?),
            other => {
                return Err(CrmError::UnknownReport { name: other.to_string() });
            }
        })
    }
}

impl Crm {
    /// The records behind one number of a report chart, in the report's order (deals by close
    /// date, calls and tasks by time, contacts and leads by id), read like the report itself.
    pub fn records_in(&self, bucket: &Bucket) -> Result<Vec<RecordRef>> {
        use crate::model::{Lead, LeadStatus, Opportunity, Stage};
        use crate::store::Read;
        use crate::store::facts;
        use std::collections::{BTreeSet, HashMap};
        let r = self.reader()?;
        let mut ids: Vec<Id> = Vec::new();
        match bucket {
            Bucket::Deals { from, to, currency, stage, status, best_case_min } => {
                let defaults: HashMap<Id, u8> = match best_case_min {
                    Some(_) => r.all::<Stage>(|_| true)?.into_iter().map(|s| (s.id, s.probability)).collect(),
                    None => HashMap::new(),
                };
                facts::deals(&r, *from, *to, &mut |d| {
                    if d.currency == *currency
                        && stage.is_none_or(|s| s == d.stage)
                        && status.is_none_or(|s| s == d.status)
                        && best_case_min.is_none_or(|min| defaults.get(&d.stage).is_some_and(|&p| p >= min))
                    {
                        ids.push(d.id);
                    }
                })?;
            }
            Bucket::Tasks { from, to, today, which } => {
                let (start, end) = instants(*from, *to);
                match which {
                    TaskCount::Completed | TaskCount::Late => facts::done_tasks(&r, start, end, &mut |t| {
                        let late = t.due.zip(t.completed).is_some_and(|(due, at)| at >= due.add_days(1).start_local());
                        if *which == TaskCount::Completed || late {
                            ids.push(t.id);
                        }
                    })?,
                    TaskCount::Open | TaskCount::Overdue => facts::open_tasks(&r, &mut |t| {
                        let overdue = from <= today && t.due.is_some_and(|due| due < (*to).min(*today));
                        if t.created < end && (*which == TaskCount::Open || overdue) {
                            ids.push(t.id);
                        }
                    })?,
                }
            }
            Bucket::Calls { from, to, account, country, outcome, direction } => {
                let (start, end) = instants(*from, *to);
                let mut calls: Vec<(Id, Id)> = Vec::new();
                facts::calls(&r, start, end, &mut |c| {
                    if outcome.is_none_or(|o| o == c.outcome) && direction.is_none_or(|d| d == c.direction) {
                        calls.push((c.id, c.contact));
                    }
                })?;
                if account.is_some() || country.is_some() {
                    let mut people: Vec<Id> = calls.iter().map(|c| c.1).collect();
                    people.sort_unstable();
                    let places = CallPlaces::read(&r, people)?;
                    calls.retain(|&(_, contact)| {
                        let (a, c) = places.place(contact);
                        account.is_none_or(|x| a == Some(x)) && country.as_ref().is_none_or(|x| places.label(c) == x)
                    });
                }
                ids = calls.into_iter().map(|c| c.0).collect();
            }
            Bucket::Projects { from, to, today, state } => {
                let query = ReportQuery { from: *from, to: *to, currency: None };
                let projects = self.projects_report_on(query, *today)?.projects;
                ids = projects.into_iter().filter(|p| p.state == *state).map(|p| p.id).collect();
            }
            Bucket::Emails { from, to, cell } => {
                let start = from.map(Date::start_local);
                let until = to.map(|t| t.add_days(1).start_local());
                facts::contacts(&r, &mut |c| {
                    let in_period = start.is_none_or(|s| c.created >= s) && until.is_none_or(|u| c.created < u);
                    if in_period && c.emails().any(|(consent, validity)| cell.holds(consent, validity)) {
                        ids.push(c.id);
                    }
                })?;
            }
            Bucket::CampaignLeads { campaign, converted } => {
                ids = r.linking(RecordRef::new(Kind::Campaign, *campaign), Kind::Lead)?;
                if *converted {
                    let leads: Vec<Lead> = r.many(&ids)?;
                    ids = leads.into_iter().filter(|l| l.status == LeadStatus::Converted).map(|l| l.id).collect();
                }
            }
            Bucket::CampaignDeals { campaign, won_in } => {
                let target = RecordRef::new(Kind::Campaign, *campaign);
                let mut deals: BTreeSet<Id> = r.linking(target, Kind::Opportunity)?.into_iter().collect();
                for lead in r.linking(target, Kind::Lead)? {
                    deals.extend(r.linking(RecordRef::new(Kind::Lead, lead), Kind::Opportunity)?);
                }
                ids = deals.into_iter().collect();
                if let Some(currency) = won_in {
                    let opps: Vec<Opportunity> = r.many(&ids)?;
                    let won = |o: &Opportunity| o.status == StageOutcome::Won && o.currency == *currency;
                    ids = opps.into_iter().filter(won).map(|o| o.id).collect();
                }
            }
            Bucket::Activity { owner, from, to, which } => {
                let (start, end) = instants(*from, *to);
                match which {
                    ActivityCount::Calls | ActivityCount::Connected => facts::calls(&r, start, end, &mut |c| {
                        let counted = *which == ActivityCount::Calls || c.outcome == CallOutcome::Connected;
                        if c.owner == owner && counted {
                            ids.push(c.id);
                        }
                    })?,
                    ActivityCount::TasksDone => facts::done_tasks(&r, start, end, &mut |t| {
                        if t.owner == owner {
                            ids.push(t.id);
                        }
                    })?,
                    ActivityCount::DealsMoved => {
                        let mut seen = BTreeSet::new();
                        facts::moves(&r, start, end, &mut |m| {
                            if m.user == owner && seen.insert(m.deal) {
                                ids.push(m.deal);
                            }
                        })?;
                    }
                }
            }
        }
        let kind = bucket.kind();
        Ok(ids.into_iter().map(|id| RecordRef::new(kind, id)).collect())
    }
}
