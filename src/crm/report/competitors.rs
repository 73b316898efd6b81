//! The competitors report: deals won, lost and still open against each competitor, with why the
//! lost ones were lost.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::chart::{Bucket, Chart, ChartView, Unit, left_out_note, measure, row};
use super::{ReportQuery, amount, period_words};
use crate::crm::{Crm, Result};
use crate::model::{Amount, Currency, Date, Id, Opportunity, Picklist, StageOutcome};
use crate::store::Read;
use crate::store::facts::{self, DealFacts};

/// Deals by the competitor they were up against, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompetitorsReport {
    /// First day counted (closed deals by the day they closed, open ones by their expected close
    /// date; none: no lower bound).
    pub from: Option<Date>,
    /// Last day counted (none: no upper bound).
    pub to: Option<Date>,
    /// The currency every amount is in.
    pub currency: Currency,
    /// Deals in range in other currencies: not added.
    pub left_out: u32,
    /// The currencies of the deals left out, alphabetically.
    pub other_currencies: Vec<Currency>,
    /// One row per competitor on the list, in list order (even those without deals), then any
    /// named on deals but no longer on the list, then the deals against no named competitor.
    pub competitors: Vec<CompetitorRow>,
}

/// The deals against one competitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompetitorRow {
    /// The competitor (none: deals against no named competitor).
    pub competitor: Option<String>,
    /// Deals won against it.
    pub won: u32,
    /// Their amount.
    pub won_amount: Amount,
    /// Deals lost to it.
    pub lost: u32,
    /// Their amount.
    pub lost_amount: Amount,
    /// Deals still open against it.
    pub open: u32,
    /// Their amount.
    pub open_amount: Amount,
    /// Won of those closed, percent, rounded down (none while none has closed).
    pub win_rate: Option<u8>,
    /// Why the deals lost to a named competitor were lost, the most common reason first (then
    /// alphabetically); none for the row of no competitor.
    pub lost_reasons: Vec<ReasonCount>,
}

/// How many lost deals give one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// The reason as written, trimmed ("no reason given" when blank).
    pub reason: String,
    /// How many deals give it.
    pub deals: u32,
}

/// The sums of one row while counting.
#[derive(Default)]
struct Sums {
    counts: [u32; 3],
    cents: [i128; 3],
    lost_ids: Vec<Id>,
}

impl Crm {
    /// Deals won, lost and open by competitor over `query`'s period (closed deals by the day
    /// they closed, open ones by their expected close date), with the lost reasons.
    pub fn competitors_report(&self, query: ReportQuery) -> Result<CompetitorsReport> {
        query.check()?;
        let r = self.reader()?;
        // Competitor names, interned: a deal's row by the name it carries (0: none).
        let mut names: Vec<String> = crate::crm::picklists::stored(&r, Picklist::Competitors)?;
        let mut row_of: HashMap<String, usize> = names.iter().enumerate().map(|(i, n)| (n.clone(), i + 1)).collect();
        let mut deals: Vec<(DealFacts, usize)> = Vec::new();
        facts::deals_named(&r, query.from, query.to, &mut |d, named| {
            let row = match named.competitor {
                None => 0,
                Some(name) => match row_of.get(name) {
                    Some(&i) => i,
                    None => {
                        names.push(name.to_string());
                        row_of.insert(name.to_string(), names.len());
                        names.len()
                    }
                },
            };
            deals.push((d, row));
        })?;
        let currencies: Vec<Currency> = deals.iter().map(|(d, _)| d.currency).collect();
        let (currency, left_out, other_currencies) = super::pick_currency(query.currency, &currencies);
        let mut sums: Vec<Sums> = (0..=names.len()).map(|_| Sums::default()).collect();
        for (d, row) in deals.iter().filter(|(d, _)| d.currency == currency) {
            let s = &mut sums[*row];
            let at = d.status as usize;
            s.counts[at] += 1;
            s.cents[at] += d.amount.0 as i128;
            if d.status == StageOutcome::Lost && *row > 0 {
                s.lost_ids.push(d.id);
            }
        }
        // The named competitors first, in list order; the deals against none last.
        let mut rows = Vec::with_capacity(sums.len());
        for i in (1..sums.len()).chain([0]) {
            let competitor = (i > 0).then(|| names[i - 1].clone());
            rows.push(competitor_row(&r, competitor, std::mem::take(&mut sums[i]))?);
        }
        Ok(CompetitorsReport {
            from: query.from,
            to: query.to,
            currency,
            left_out,
            other_currencies,
            competitors: rows,
        })
    }
}

/// One row from its sums, reading the lost deals for their reasons.
fn competitor_row(r: &impl Read, competitor: Option<String>, s: Sums) -> Result<CompetitorRow> {
    let [open, won, lost] = [StageOutcome::Open, StageOutcome::Won, StageOutcome::Lost].map(|o| o as usize);
    let what = format!("sum of the deals against {}", competitor.as_deref().unwrap_or("no competitor"));
    let closed = s.counts[won] + s.counts[lost];
    let mut reasons: HashMap<String, u32> = HashMap::default();
    for deal in r.many::<Opportunity>(&s.lost_ids)? {
        let reason = deal.lost_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        *reasons.entry(reason.unwrap_or("no reason given").to_string()).or_default() += 1;
    }
    let mut lost_reasons: Vec<ReasonCount> =
        reasons.into_iter().map(|(reason, deals)| ReasonCount { reason, deals }).collect();
    lost_reasons.sort_by(|a, b| b.deals.cmp(&a.deals).then_with(|| a.reason.cmp(&b.reason)));
    Ok(CompetitorRow {
        competitor,
        won: s.counts[won],
        won_amount: amount(s.cents[won], &what)?,
        lost: s.counts[lost],
        lost_amount: amount(s.cents[lost], &what)?,
        open: s.counts[open],
        open_amount: amount(s.cents[open], &what)?,
        win_rate: (closed > 0).then(|| (u64::from(s.counts[won]) * 100 / u64::from(closed)) as u8),
        lost_reasons,
    })
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Deals won and lost against each competitor: amounts and counts.
    pub fn competitors(r: &CompetitorsReport) -> Chart {
        let rows = r
            .competitors
            .iter()
            .map(|c| {
                let deals = |status| {
                    Some(Bucket::Competitor {
                        from: r.from,
                        to: r.to,
                        currency: r.currency,
                        competitor: c.competitor.clone(),
                        status,
                    })
                };
                let (won, lost) = (deals(StageOutcome::Won), deals(StageOutcome::Lost));
                row(
                    c.competitor.clone().unwrap_or_else(|| "(none)".to_string()),
                    vec![Some(c.won_amount.0), Some(c.lost_amount.0), Some(i64::from(c.won)), Some(i64::from(c.lost))],
                    vec![won.clone(), lost.clone(), won, lost],
                )
            })
            .collect();
        Chart {
            title: format!("Won and lost by competitor, closing {}, in {}", period_words(r.from, r.to), r.currency),
            from: r.from,
            to: r.to,
            currency: Some(r.currency),
            views: vec![ChartView {
                name: "by competitor".into(),
                measures: vec![
                    measure("won", Unit::Money),
                    measure("lost", Unit::Money),
                    measure("won deals", Unit::Count),
                    measure("lost deals", Unit::Count),
                ],
                rows,
            }],
            note: left_out_note(r.left_out, &r.other_currencies),
        }
    }
}
