//! The stages report: opportunities by sales stage, in one currency.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::chart::{Bucket, Chart, ChartView, Unit, left_out_note, measure, row};
use super::forecast::weighted_cents;
use super::{ReportQuery, amount, period_words};
use crate::crm::{Crm, Result};
use crate::model::{Amount, Currency, Date, Id, Stage, StageOutcome};
use crate::store::Read;
use crate::store::facts::{self, DealFacts};

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
    let currencies: Vec<Currency> = opps.iter().map(|o| o.currency).collect();
    let (currency, left_out, other_currencies) = super::pick_currency(query.currency, &currencies);
    let kept: Vec<&DealFacts> = opps.iter().filter(|o| o.currency == currency).collect();
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
        left_out,
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

impl Chart {
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
}
