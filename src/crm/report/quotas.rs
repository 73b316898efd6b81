//! The quotas report: each quota of a period against what its holder won, and where they land
//! with the weighted pipeline still to close in it.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::chart::{Bucket, Chart, ChartView, Unit, measure, row};
use super::forecast::weighted_cents;
use super::{ReportQuery, amount, period_words};
use crate::crm::{Crm, Result};
use crate::model::{Amount, Currency, Date, Quota, QuotaHolder, QuotaPeriod, StageOutcome};
use crate::store::facts::{self, DealFacts};

/// Quotas against what was won, with a forecast of where each holder lands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotasReport {
    /// The first day of the range whose quotas are listed.
    pub from: Date,
    /// Its last day.
    pub to: Date,
    /// The currency the chart shows (rows in others are in the report, not on the chart).
    pub currency: Currency,
    /// One row per quota whose period overlaps the range, by period then holder.
    pub quotas: Vec<QuotaRow>,
}

/// One quota and how it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaRow {
    /// Whose it is.
    pub holder: QuotaHolder,
    /// The month or quarter.
    pub period: QuotaPeriod,
    /// What should be won.
    pub quota: Amount,
    /// Its currency: only deals in it count.
    pub currency: Currency,
    /// The users whose deals count (the user, or the team's members).
    pub people: Vec<String>,
    /// Won in the period (by the day each deal was won).
    pub won: Amount,
    /// The open deals expected to close in the period, each weighted by its probability.
    pub weighted: Amount,
    /// Won plus weighted: where the holder lands if the pipeline closes as weighted.
    pub forecast: Amount,
    /// Won of the quota, percent, rounded down.
    pub attainment: u32,
    /// The forecast of the quota, percent, rounded down.
    pub forecast_attainment: u32,
}

impl Crm {
    /// The quotas whose period overlaps `query`'s range (default: this quarter), each against
    /// the deals its holder won in the period and the weighted open pipeline expected to close
    /// in it, through the actor's view. The chart is in `query.currency` (default: the one most
    /// quotas use).
    pub fn quotas_report(&self, query: ReportQuery) -> Result<QuotasReport> {
        query.check()?;
        let today = self.session().today();
        let quarter = {
            use chrono::Datelike;
            QuotaPeriod::Quarter(today.0.year(), today.0.month0() / 3 + 1)
        };
        let from = query.from.unwrap_or(quarter.first_day());
        let to = query.to.unwrap_or(quarter.last_day().max(from));
        let r = self.reader()?;
        let directory = self.directory()?;
        let quotas: Vec<Quota> = super::super::quotas::stored(&r)?
            .into_iter()
            .filter(|q| q.period.first_day() <= to && q.period.last_day() >= from)
            .collect();
        // Every deal dated in the quotas' periods, by owner.
        let mut by_owner: HashMap<String, Vec<DealFacts>> = HashMap::default();
        if let (Some(first), Some(last)) =
            (quotas.iter().map(|q| q.period.first_day()).min(), quotas.iter().map(|q| q.period.last_day()).max())
        {
            facts::deals_named(&r, Some(first), Some(last), &mut |d, named| {
                if d.status != StageOutcome::Lost {
                    match by_owner.get_mut(named.owner) {
                        Some(deals) => deals.push(d),
                        None => {
                            by_owner.insert(named.owner.to_string(), vec![d]);
                        }
                    }
                }
            })?;
        }
        let mut rows = Vec::with_capacity(quotas.len());
        for q in quotas {
            let people: Vec<String> = match &q.holder {
                QuotaHolder::User(login) => vec![login.clone()],
                QuotaHolder::Team(team) => directory
                    .users
                    .iter()
                    .filter(|u| u.team.as_deref() == Some(team.as_str()))
                    .map(|u| u.login.clone())
                    .collect(),
            };
            let (first, last) = (q.period.first_day(), q.period.last_day());
            let (mut won, mut weighted) = (0i128, 0i128);
            let deals = people.iter().filter_map(|p| by_owner.get(p)).flatten();
            for d in deals.filter(|d| d.currency == q.currency && d.close >= first && d.close <= last) {
                match d.status {
                    StageOutcome::Won => won += d.amount.0 as i128,
                    _ => weighted += weighted_cents(d.amount, d.probability),
                }
            }
            let what = format!("quota of {} for {}", q.holder, q.period);
            let percent = |part: i128| u32::try_from(part * 100 / i128::from(q.amount.0.max(1))).unwrap_or(u32::MAX);
            rows.push(QuotaRow {
                won: amount(won, &what)?,
                weighted: amount(weighted, &what)?,
                forecast: amount(won + weighted, &what)?,
                attainment: percent(won),
                forecast_attainment: percent(won + weighted),
                holder: q.holder,
                period: q.period,
                quota: q.amount,
                currency: q.currency,
                people,
            });
        }
        let currencies: Vec<Currency> = rows.iter().map(|r| r.currency).collect();
        let currency = super::pick_currency(query.currency, &currencies).0;
        Ok(QuotasReport { from, to, currency, quotas: rows })
    }
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Each quota in the chart's currency: what was won, the forecast and the quota (`m` turns
    /// from one to the next), and the percentage attained.
    pub fn quotas(r: &QuotasReport) -> Chart {
        let shown: Vec<&QuotaRow> = r.quotas.iter().filter(|q| q.currency == r.currency).collect();
        let rows = shown
            .iter()
            .map(|q| {
                let deals = |status| {
                    Some(Bucket::Owned {
                        from: q.period.first_day(),
                        to: q.period.last_day(),
                        currency: q.currency,
                        owners: q.people.clone(),
                        status,
                    })
                };
                row(
                    format!("{} · {}", q.holder, q.period),
                    vec![Some(q.won.0), Some(q.forecast.0), Some(q.quota.0), Some(i64::from(q.attainment))],
                    vec![deals(StageOutcome::Won), deals(StageOutcome::Open), None, None],
                )
            })
            .collect();
        let left_out = r.quotas.len() - shown.len();
        Chart {
            title: format!("Quotas {}, in {}", period_words(Some(r.from), Some(r.to)), r.currency),
            from: Some(r.from),
            to: Some(r.to),
            currency: Some(r.currency),
            views: vec![ChartView {
                name: "attainment".into(),
                measures: vec![
                    measure("won", Unit::Money),
                    measure("forecast", Unit::Money),
                    measure("quota", Unit::Money),
                    measure("attained %", Unit::Count),
                ],
                rows,
            }],
            note: match left_out {
                0 => String::new(),
                n => format!("{} in other currencies left out", crate::text::count(n, "quota", "quotas")),
            },
        }
    }
}
