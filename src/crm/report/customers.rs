//! The customers report: accounts ranked by the revenue won from them, the key customers that
//! make most of it, and the customers at risk of going quiet.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;

use super::chart::{Bucket, Chart, ChartRow, ChartView, Unit, left_out_note, measure, row};
use super::{ReportQuery, amount, period_words};
use crate::crm::{Crm, Result};
use crate::model::{Account, Amount, Currency, Date, Id, StageOutcome};
use crate::store::Read;
use crate::store::facts::{self, DealFacts};

/// How long a customer may go without activity before it counts as at risk, by default.
pub const DEFAULT_QUIET_DAYS: u32 = 90;

/// The share of won revenue the key customers make between them, percent.
pub const KEY_SHARE: u8 = 80;

/// How many customers a chart's view shows (the report itself lists them all).
pub const CHART_CUSTOMERS: usize = 20;

/// Customers by revenue won, with the key ones marked and the ones at risk named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomersReport {
    /// First day a won deal counts from (by the day it was won; none: no lower bound).
    pub from: Option<Date>,
    /// Last day counted (none: no upper bound).
    pub to: Option<Date>,
    /// The day activity and slipping are judged on.
    pub today: Date,
    /// Days without activity after which a customer is at risk.
    pub quiet_days: u32,
    /// The currency every amount is in.
    pub currency: Currency,
    /// Won deals in range in other currencies: not added.
    pub left_out: u32,
    /// The currencies of the deals left out, alphabetically.
    pub other_currencies: Vec<Currency>,
    /// Everything won in the period, in the currency.
    pub won: Amount,
    /// The share of it the key customers make between them, percent.
    pub key_share: u8,
    /// How many customers are key.
    pub key_customers: u32,
    /// How many are at risk.
    pub at_risk: u32,
    /// Every account with a deal won in the period, the most won first (then by name).
    pub customers: Vec<CustomerRow>,
}

/// One customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRow {
    /// The account.
    pub account: Id,
    /// Its name.
    pub name: String,
    /// What was won from it in the period.
    pub won: Amount,
    /// How many deals that was.
    pub deals: u32,
    /// Their average, rounded to the cent.
    pub average: Amount,
    /// Its open pipeline now (every open deal, whenever it is expected to close).
    pub open: Amount,
    /// How many open deals.
    pub open_deals: u32,
    /// The last day someone called, met or did a task with one of its people, or won or lost
    /// one of its deals.
    pub last_activity: Option<Date>,
    /// Whether it is among the customers making the key share of revenue.
    pub key: bool,
    /// Why it is at risk, if it is: "quiet for 120 days", "every open deal slipped".
    pub risk: Option<String>,
    /// Its line of business.
    pub industry: Option<String>,
    /// The country of its head office.
    pub country: Option<String>,
    /// Its size by head count: "1-10", "11-50", "51-200", "201-1000", "1001+".
    pub size: Option<&'static str>,
}

/// A head count as a size band.
fn size_band(employees: u32) -> &'static str {
    match employees {
        0..=10 => "1-10",
        11..=50 => "11-50",
        51..=200 => "51-200",
        201..=1000 => "201-1000",
        _ => "1001+",
    }
}

/// What one account's deals add up to while counting.
#[derive(Default)]
struct Tally {
    won: i128,
    deals: u32,
    open: i128,
    open_deals: u32,
    /// Open deals whose expected close date has passed.
    slipped: u32,
    /// The last day one of its deals closed.
    closed: Option<Date>,
}

impl Crm {
    /// Accounts ranked by what was won from them over `query`'s period (deals by the day they
    /// were won), with their open pipeline, last activity, segment, whether they are key and
    /// whether they are at risk (quiet for more than `quiet_days`, or every open deal slipped).
    pub fn customers_report(&self, query: ReportQuery, quiet_days: u32) -> Result<CustomersReport> {
        self.customers_report_on(query, quiet_days, self.session().today())
    }

    /// [`Crm::customers_report`] judged on `today`.
    pub fn customers_report_on(&self, query: ReportQuery, quiet_days: u32, today: Date) -> Result<CustomersReport> {
        query.check()?;
        let r = self.reader()?;
        let mut deals: Vec<DealFacts> = Vec::new();
        facts::deals(&r, None, None, &mut |d| deals.push(d))?;
        let in_period =
            |d: &DealFacts| query.from.is_none_or(|f| d.close >= f) && query.to.is_none_or(|t| d.close <= t);
        let won: Vec<&DealFacts> = deals.iter().filter(|d| d.status == StageOutcome::Won && in_period(d)).collect();
        let currencies: Vec<Currency> = won.iter().map(|d| d.currency).collect();
        let (currency, left_out, other_currencies) = super::pick_currency(query.currency, &currencies);
        let mut tallies: HashMap<Id, Tally> = HashMap::default();
        for d in won.iter().filter(|d| d.currency == currency) {
            let t = tallies.entry(d.account).or_default();
            t.won += d.amount.0 as i128;
            t.deals += 1;
        }
        // The customers' other deals: their open pipeline, what slipped, when one last closed.
        for d in &deals {
            let Some(t) = tallies.get_mut(&d.account) else { continue };
            match d.status {
                StageOutcome::Open if d.currency == currency => {
                    t.open += d.amount.0 as i128;
                    t.open_deals += 1;
                    t.slipped += u32::from(d.close < today);
                }
                StageOutcome::Open => {}
                _ if d.close <= today => t.closed = t.closed.max(Some(d.close)),
                _ => {}
            }
        }
        let mut ids: Vec<Id> = tallies.keys().copied().collect();
        ids.sort_unstable();
        let last_met = last_activity(&r, &ids.iter().copied().collect())?;
        let accounts: Vec<Account> = r.many(&ids)?;
        let mut rows = Vec::with_capacity(accounts.len());
        for a in accounts {
            let t = &tallies[&a.id];
            let what = format!("sum of the deals of {}", a.name);
            let last_activity = t.closed.max(last_met.get(&a.id).copied());
            let quiet = last_activity.map(|d| i64::from(today.days()) - i64::from(d.days()));
            let risk = match quiet {
                Some(days) if days > i64::from(quiet_days) => Some(format!("quiet for {days} days")),
                None => Some("no activity recorded".to_string()),
                _ if t.open_deals > 0 && t.slipped == t.open_deals => Some("every open deal slipped".to_string()),
                _ => None,
            };
            rows.push(CustomerRow {
                account: a.id,
                won: amount(t.won, &what)?,
                deals: t.deals,
                average: amount(super::rounded_div(t.won, i128::from(t.deals)), &what)?,
                open: amount(t.open, &what)?,
                open_deals: t.open_deals,
                last_activity,
                key: false,
                risk,
                industry: a.industry.clone(),
                country: a.address.country.clone(),
                size: a.employees.map(size_band),
                name: a.name,
            });
        }
        rows.sort_by(|a, b| b.won.cmp(&a.won).then_with(|| a.name.cmp(&b.name)).then(a.account.cmp(&b.account)));
        let total: i128 = rows.iter().map(|c| c.won.0 as i128).sum();
        // Key: the first customers, most won first, until they make the key share between them.
        let mut so_far = 0i128;
        for c in rows.iter_mut() {
            if total <= 0 || so_far * 100 >= total * i128::from(KEY_SHARE) {
                break;
            }
            c.key = true;
            so_far += c.won.0 as i128;
        }
        Ok(CustomersReport {
            from: query.from,
            to: query.to,
            today,
            quiet_days,
            currency,
            left_out,
            other_currencies,
            won: amount(total, "sum of everything won")?,
            key_share: KEY_SHARE,
            key_customers: rows.iter().filter(|c| c.key).count() as u32,
            at_risk: rows.iter().filter(|c| c.risk.is_some()).count() as u32,
            customers: rows,
        })
    }
}

/// The last activity with the people of each of `accounts`, by local date.
fn last_activity(r: &impl Read, accounts: &HashSet<Id>) -> Result<HashMap<Id, Date>> {
    let mut last: HashMap<Id, Date> = HashMap::default();
    facts::contacts(r, &mut |c| {
        if let (Some(account), Some(at)) = (c.account, c.last_activity)
            && accounts.contains(&account)
        {
            let day = at.local_date();
            let seen = last.entry(account).or_insert(day);
            *seen = (*seen).max(day);
        }
    })?;
    Ok(last)
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// The top customers by revenue, those at risk, and revenue by industry.
    pub fn customers(r: &CustomersReport) -> Chart {
        let customer = |c: &CustomerRow| {
            let deals = |status| {
                Some(Bucket::Customer {
                    from: r.from,
                    to: r.to,
                    currency: r.currency,
                    account: Some(c.account),
                    industry: None,
                    status,
                })
            };
            let label = if c.key { format!("★ {}", c.name) } else { c.name.clone() };
            let won = deals(StageOutcome::Won);
            row(
                label,
                vec![Some(c.won.0), Some(c.open.0), Some(i64::from(c.deals))],
                vec![won.clone(), deals(StageOutcome::Open), won],
            )
        };
        let top: Vec<ChartRow> = r.customers.iter().take(CHART_CUSTOMERS).map(customer).collect();
        let risky: Vec<ChartRow> =
            r.customers.iter().filter(|c| c.risk.is_some()).take(CHART_CUSTOMERS).map(customer).collect();
        let mut industries: Vec<(String, i128, u32)> = Vec::new();
        for c in &r.customers {
            let name = c.industry.clone().unwrap_or_default();
            match industries.iter_mut().find(|(n, ..)| *n == name) {
                Some(i) => {
                    i.1 += c.won.0 as i128;
                    i.2 += c.deals;
                }
                None => industries.push((name, c.won.0 as i128, c.deals)),
            }
        }
        industries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let by_industry = industries
            .into_iter()
            .map(|(name, won, deals)| {
                let behind = Some(Bucket::Customer {
                    from: r.from,
                    to: r.to,
                    currency: r.currency,
                    account: None,
                    industry: Some(name.clone()),
                    status: StageOutcome::Won,
                });
                let label = if name.is_empty() { "(no industry)".to_string() } else { name };
                // Each sum is at most the report's total, which fits.
                row(label, vec![Some(won as i64), Some(i64::from(deals))], vec![behind.clone(), behind])
            })
            .collect();
        let measures =
            || vec![measure("won", Unit::Money), measure("open", Unit::Money), measure("won deals", Unit::Count)];
        let shown = r.customers.len().min(CHART_CUSTOMERS);
        Chart {
            title: format!("Customers by revenue won {}, in {}", period_words(r.from, r.to), r.currency),
            from: r.from,
            to: r.to,
            currency: Some(r.currency),
            views: vec![
                ChartView { name: "top customers".into(), measures: measures(), rows: top },
                ChartView { name: "at risk".into(), measures: measures(), rows: risky },
                ChartView {
                    name: "by industry".into(),
                    measures: vec![measure("won", Unit::Money), measure("won deals", Unit::Count)],
                    rows: by_industry,
                },
            ],
            note: [
                format!(
                    "{shown} of {} customers shown; ★ {} key customers make {}% of revenue; {} at risk (quiet over {} days or every open deal slipped)",
                    r.customers.len(),
                    r.key_customers,
                    r.key_share,
                    r.at_risk,
                    r.quiet_days
                ),
                left_out_note(r.left_out, &r.other_currencies),
            ]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        }
    }
}
