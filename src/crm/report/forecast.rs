//! The sales forecast: open pipeline, weighted pipeline, best case and closed-won money per
//! calendar month and quarter, in one currency, after a first `past due` row holding the open
//! deals whose expected close date passed before the range (so that no open deal is left out:
//! the pipeline of every row adds up to the open deals of the stages report up to the same day).
//!
//! Only the opportunities dated up to the end of the range are read, as report facts (see
//! `store::facts`) in date order (open deals by expected close date, closed ones by the day they
//! closed), never decoded; stages (a short table) are read whole for their default probabilities.
//!
//! Money stays in integer cents. A deal's weighted value is its amount times its own probability,
//! computed in `i128` and rounded half away from zero to the cent once per deal (as
//! [`Amount::percent`] does); the period sums add those rounded values, so a period's weighted sum
//! is exactly the sum of what each deal shows. Sums are kept in `i128` and refused, never wrapped,
//! if they outgrow an [`Amount`].

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::chart::{Bucket, Chart, ChartView, Unit, left_out_note, measure, row};
use crate::crm::{Crm, CrmError, Result};
use crate::model::{Amount, Currency, Date, Id, Stage, StageOutcome, ValidationError};
use crate::store::Read;
use crate::store::facts::{self, DealFacts};

/// The best-case threshold used when none is given: stages whose default probability is at
/// least this many percent count toward the best case.
pub const DEFAULT_BEST_CASE_MIN: u8 = 50;

/// The longest range a forecast covers, in months: far more than any plan, and a guard against a
/// mistyped year producing a hundred thousand periods.
const MAX_MONTHS: u32 = 1200;

/// What to forecast (see [`Crm::forecast`]). Blank fields take the defaults described on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastQuery {
    /// First day counted (inclusive). Default: the first day of the current month, or, when only
    /// `to` is given, the first day of the month eleven months before `to`'s.
    pub from: Option<Date>,
    /// Last day counted (inclusive). Default: the last day of the month eleven months after
    /// `from`'s month (twelve months in all).
    pub to: Option<Date>,
    /// Stages whose default probability is at least this (percent, 0 to 100) count toward the
    /// best case.
    pub best_case_min: u8,
    /// The currency to report in. Default: the one most opportunities in range use (ties go
    /// to the alphabetically first code). Deals in other currencies are left out and counted.
    pub currency: Option<Currency>,
}

impl Default for ForecastQuery {
    fn default() -> Self {
        ForecastQuery { from: None, to: None, best_case_min: DEFAULT_BEST_CASE_MIN, currency: None }
    }
}

impl ForecastQuery {
    /// The inclusive range this query covers, with blanks filled relative to `today`; fails when
    /// `to` is before `from` or the range is longer than a century.
    pub fn range(&self, today: Date) -> Result<(Date, Date), ValidationError> {
        let (from, to) = match (self.from, self.to) {
            (Some(from), Some(to)) => (from, to),
            (Some(from), None) => (from, month_end(add_months(month_start(from), 11))),
            (None, Some(to)) => (month_start(sub_months(month_start(to), 11)), to),
            (None, None) => {
                let first = month_start(today);
                (first, month_end(add_months(first, 11)))
            }
        };
        if to < from {
            return Err(ValidationError::new("to", format!("{to} is before --from {from}: give a later --to date")));
        }
        if months_between(from, to) > MAX_MONTHS {
            return Err(ValidationError::new(
                "to",
                format!("{from} to {to} spans more than {} years: give a shorter range", MAX_MONTHS / 12),
            ));
        }
        Ok((from, to))
    }
}

/// The forecast of a range, by month and by quarter, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forecast {
    /// First day counted.
    pub from: Date,
    /// Last day counted.
    pub to: Date,
    /// The currency every amount is in.
    pub currency: Currency,
    /// The best-case threshold used (percent).
    pub best_case_min: u8,
    /// Open and won opportunities in range whose currency is not `currency`: not added, since
    /// amounts in different currencies cannot be summed.
    pub left_out: u32,
    /// The currencies of the deals left out, alphabetically, so a reader can ask for them.
    pub other_currencies: Vec<Currency>,
    /// The `past due` row, then one period per calendar month overlapping the range, in order.
    pub months: Vec<ForecastPeriod>,
    /// The `past due` row, then one period per calendar quarter overlapping the range, in order.
    pub quarters: Vec<ForecastPeriod>,
}

/// The numbers of one month or quarter, or of the deals past due. A period sticking out of the
/// range is clipped to it: `from` and `to` say which days were counted, so months and quarters
/// add up to the same totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForecastPeriod {
    /// `2026-11` for a month, `2026-Q4` for a quarter, [`PAST_DUE`] for the open deals whose
    /// expected close date passed before the range.
    pub label: String,
    /// First day counted (none for the past-due row: every day before `to`).
    pub from: Option<Date>,
    /// Last day counted.
    pub to: Date,
    /// How many open deals close in the period.
    pub open: u32,
    /// Sum of the amounts of the open deals.
    pub pipeline: Amount,
    /// Sum of each open deal's amount × its own probability, each rounded to the cent.
    pub weighted: Amount,
    /// The pipeline of open deals whose stage's default probability reaches the threshold.
    pub best_case: Amount,
    /// Sum of the amounts of the deals won in the period (by the day they closed; none in the
    /// past-due row).
    pub closed_won: Amount,
}

impl ForecastPeriod {
    /// Column titles of a forecast table, as the command line and the Reports screen show it.
    pub const COLUMNS: [&'static str; 6] = ["PERIOD", "OPEN", "PIPELINE", "WEIGHTED", "BEST CASE", "CLOSED WON"];

    /// This period as a row under [`ForecastPeriod::COLUMNS`].
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.label.clone(),
            self.open.to_string(),
            self.pipeline.grouped(),
            self.weighted.grouped(),
            self.best_case.grouped(),
            self.closed_won.grouped(),
        ]
    }
}

impl Crm {
    /// The forecast asked for by `query`, as of today (see [`ForecastQuery`] for the defaults).
    pub fn forecast(&self, query: ForecastQuery) -> Result<Forecast> {
        self.forecast_on(query, self.session().today())
    }

    /// [`Crm::forecast`] with "today" given, for reproducible reports and tests.
    pub fn forecast_on(&self, query: ForecastQuery, today: Date) -> Result<Forecast> {
        if query.best_case_min > 100 {
            return Err(ValidationError::new(
                "best-case-min",
                format!("{} is not a percentage: use 0 to 100", query.best_case_min),
            )
            .into());
        }
        let (from, to) = query.range(today)?;
        let r = self.reader()?;
        let mut opps = Vec::new();
        facts::deals(&r, None, Some(to), &mut |d| opps.push(d))?;
        let stages: HashMap<Id, u8> = r.all::<Stage>(|_| true)?.into_iter().map(|s| (s.id, s.probability)).collect();
        compute(Span { from, to, today }, query.currency, query.best_case_min, &opps, &stages)
    }
}

/// The label of the forecast's first row: the open deals whose expected close date passed before
/// the range.
pub const PAST_DUE: &str = "past due";

/// The days a forecast covers, and the day it is made.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: Date,
    to: Date,
    today: Date,
}

impl Span {
    /// The first day not past due: the range's first day, or today when the range starts later
    /// (open deals expected between today and a later range are not due yet, nor in the range).
    fn due_from(self) -> Date {
        self.from.min(self.today)
    }

    /// Whether the forecast counts `o`: an open deal expected in the range or past due, or a deal
    /// won in the range.
    fn counts(self, o: &DealFacts) -> bool {
        match o.status {
            StageOutcome::Open => o.close <= self.to && (o.close >= self.from || o.close < self.due_from()),
            StageOutcome::Won => o.close >= self.from && o.close <= self.to,
            StageOutcome::Lost => false,
        }
    }
}

/// The forecast of `opps` (deals it does not count are ignored). `stages` maps a stage id to its
/// default probability.
fn compute(
    span: Span,
    currency: Option<Currency>,
    best_case_min: u8,
    opps: &[DealFacts],
    stages: &HashMap<Id, u8>,
) -> Result<Forecast> {
    let Span { from, to, .. } = span;
    let counted: Vec<&DealFacts> = opps.iter().filter(|o| span.counts(o)).collect();
    let currencies: Vec<Currency> = counted.iter().map(|o| o.currency).collect();
    let (currency, left_out, other_currencies) = super::pick_currency(currency, &currencies);
    let kept: Vec<&DealFacts> = counted.into_iter().filter(|o| o.currency == currency).collect();
    let late: Vec<&DealFacts> =
        kept.iter().copied().filter(|o| o.status == StageOutcome::Open && o.close < span.due_from()).collect();
    let past_due = sum(PAST_DUE.to_string(), None, span.due_from().add_days(-1), &late, stages, best_case_min)?;
    let split = |months| -> Result<Vec<ForecastPeriod>> {
        let rows = periods(from, to, months).map(|(label, a, b)| sum(label, Some(a), b, &kept, stages, best_case_min));
        std::iter::once(Ok(past_due.clone())).chain(rows).collect()
    };
    Ok(Forecast {
        from,
        to,
        currency,
        best_case_min,
        left_out,
        other_currencies,
        months: split(1)?,
        quarters: split(3)?,
    })
}

/// The sums of one period (every day up to `to` without a `from`) over `opps` (all in one
/// currency).
fn sum(
    label: String,
    from: Option<Date>,
    to: Date,
    opps: &[&DealFacts],
    stages: &HashMap<Id, u8>,
    best_case_min: u8,
) -> Result<ForecastPeriod> {
    let (mut open, mut pipeline, mut weighted, mut best_case, mut won) = (0u32, 0i128, 0i128, 0i128, 0i128);
    for o in opps.iter().filter(|o| from.is_none_or(|from| o.close >= from) && o.close <= to) {
        let amount = o.amount.0 as i128;
        match o.status {
            StageOutcome::Open => {
                open += 1;
                pipeline += amount;
                weighted += weighted_cents(o.amount, o.probability);
                if stages.get(&o.stage).is_some_and(|&p| p >= best_case_min) {
                    best_case += amount;
                }
            }
            StageOutcome::Won => won += amount,
            StageOutcome::Lost => {}
        }
    }
    let amount = |cents: i128| {
        i64::try_from(cents).map(Amount).map_err(|_| CrmError::TooLarge {
            what: format!("the forecast for {label}"),
            check: "the amounts of the deals closing then".into(),
        })
    };
    Ok(ForecastPeriod {
        from,
        to,
        open,
        pipeline: amount(pipeline)?,
        weighted: amount(weighted)?,
        best_case: amount(best_case)?,
        closed_won: amount(won)?,
        label,
    })
}

/// `amount × pct / 100` in cents, computed in `i128` and rounded half away from zero.
pub(super) fn weighted_cents(amount: Amount, pct: u8) -> i128 {
    let product = amount.0 as i128 * pct as i128;
    if product >= 0 { (product + 50) / 100 } else { (product - 50) / 100 }
}

/// The calendar periods of `months` months (1 or 3) overlapping `[from, to]`, clipped to it:
/// label, first day, last day.
fn periods(from: Date, to: Date, months: u32) -> impl Iterator<Item = (String, Date, Date)> {
    let first = month_start(from).0;
    let first = NaiveDate::from_ymd_opt(first.year(), (first.month0() / months * months) + 1, 1).unwrap_or(first);
    std::iter::successors(Some(first), move |d| d.checked_add_months(Months::new(months)))
        .take_while(move |d| *d <= to.0)
        .map(move |start| {
            let end =
                start.checked_add_months(Months::new(months)).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX);
            let label = if months == 3 {
                format!("{}-Q{}", start.year(), start.month0() / 3 + 1)
            } else {
                format!("{}-{:02}", start.year(), start.month())
            };
            (label, Date(start.max(from.0)), Date(end.min(to.0)))
        })
}

/// The first day of `d`'s month.
fn month_start(d: Date) -> Date {
    Date(d.0.with_day(1).unwrap_or(d.0))
}

/// The last day of `d`'s month.
fn month_end(d: Date) -> Date {
    Date(month_start(d).0.checked_add_months(Months::new(1)).and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX))
}

/// `d` moved `n` months on (the day clamped to the month's length), saturating at the calendar's end.
fn add_months(d: Date, n: u32) -> Date {
    Date(d.0.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX))
}

/// `d` moved `n` months back, saturating at the calendar's start.
fn sub_months(d: Date, n: u32) -> Date {
    Date(d.0.checked_sub_months(Months::new(n)).unwrap_or(NaiveDate::MIN))
}

/// How many calendar months `[from, to]` touches.
fn months_between(from: Date, to: Date) -> u32 {
    let index = |d: Date| d.0.year() as i64 * 12 + d.0.month0() as i64;
    u32::try_from(index(to) - index(from) + 1).unwrap_or(0)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole units in cents.
    fn u(units: i64) -> i64 {
        units * 100
    }
    use crate::model::Currency;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd(y, m, day).unwrap()
    }

    /// Stage 1 at 10%, stage 2 at 50%, stage 3 at 80%.
    fn stages() -> HashMap<Id, u8> {
        [(1, 10), (2, 50), (3, 80)].into_iter().collect()
    }

    fn opp(cents: i64, close: Date, stage: Id, probability: u8, status: StageOutcome) -> DealFacts {
        DealFacts { amount: Amount(cents), close, stage, probability, status, ..Default::default() }
    }

    fn open(cents: i64, close: Date, stage: Id, probability: u8) -> DealFacts {
        opp(cents, close, stage, probability, StageOutcome::Open)
    }

    /// The forecast of `[from, to]` made on `from` (no day of the range has passed).
    fn run(from: Date, to: Date, opps: &[DealFacts]) -> Forecast {
        compute(Span { from, to, today: from }, None, 50, opps, &stages()).unwrap()
    }

    /// The rows after the past-due one.
    fn month_rows(f: &Forecast) -> &[ForecastPeriod] {
        &f.months[1..]
    }

    fn quarter_rows(f: &Forecast) -> &[ForecastPeriod] {
        &f.quarters[1..]
    }

    #[test]
    fn weighted_rounds_half_away_from_zero_once_per_deal() {
        assert_eq!(weighted_cents(Amount(1), 50), 1, "0.5 cent rounds up");
        assert_eq!(weighted_cents(Amount(3), 50), 2, "1.5 cents round up");
        assert_eq!(weighted_cents(Amount(1), 49), 0, "0.49 cent rounds down");
        assert_eq!(weighted_cents(Amount(-3), 50), -2, "away from zero below zero too");
        assert_eq!(weighted_cents(Amount(i64::MAX), 100), i64::MAX as i128, "no overflow in i128");
        // Two deals of 0.01 at 50%: each rounds to 0.01, so the period shows 0.02 (not 0.01 from
        // rounding the 0.01 sum of halves once).
        let f = run(d(2026, 1, 1), d(2026, 1, 31), &[open(1, d(2026, 1, 5), 1, 50), open(1, d(2026, 1, 6), 1, 50)]);
        assert_eq!(month_rows(&f)[0].weighted, Amount(2));
        assert_eq!(month_rows(&f)[0].pipeline, Amount(2));
    }

    #[test]
    fn deals_fall_in_their_month_and_quarter_boundaries_included() {
        let opps = [
            open(u(100), d(2026, 3, 31), 1, 10), // last day of Q1
            open(u(200), d(2026, 4, 1), 1, 10),  // first day of Q2
            open(u(400), d(2026, 6, 30), 1, 10), // last day of Q2
            open(u(800), d(2026, 7, 1), 1, 10),  // first day of Q3
        ];
        let f = run(d(2026, 3, 1), d(2026, 7, 31), &opps);
        let months: Vec<(&str, i64)> = month_rows(&f).iter().map(|p| (p.label.as_str(), p.pipeline.0)).collect();
        assert_eq!(
            months,
            [("2026-03", u(100)), ("2026-04", u(200)), ("2026-05", 0), ("2026-06", u(400)), ("2026-07", u(800))]
        );
        let quarters: Vec<(&str, i64, u32)> =
            quarter_rows(&f).iter().map(|p| (p.label.as_str(), p.pipeline.0, p.open)).collect();
        assert_eq!(quarters, [("2026-Q1", u(100), 1), ("2026-Q2", u(600), 2), ("2026-Q3", u(800), 1)]);
        // Quarters sticking out of the range are clipped to it.
        assert_eq!((quarter_rows(&f)[0].from, quarter_rows(&f)[0].to), (Some(d(2026, 3, 1)), d(2026, 3, 31)));
        assert_eq!((quarter_rows(&f)[1].from, quarter_rows(&f)[1].to), (Some(d(2026, 4, 1)), d(2026, 6, 30)));
        assert_eq!((quarter_rows(&f)[2].from, quarter_rows(&f)[2].to), (Some(d(2026, 7, 1)), d(2026, 7, 31)));
    }

    #[test]
    fn quarters_run_across_years_and_clip_partial_months() {
        let opps = [open(u(5), d(2026, 11, 10), 1, 10), open(u(7), d(2027, 2, 14), 1, 10)];
        let f = run(d(2026, 11, 15), d(2027, 2, 14), &opps);
        let labels: Vec<&str> = quarter_rows(&f).iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026-Q4", "2027-Q1"]);
        assert_eq!(month_rows(&f)[0].from, Some(d(2026, 11, 15)), "the first month starts at --from");
        assert_eq!(month_rows(&f)[0].pipeline, Amount(0), "a deal before --from is not counted");
        assert_eq!(month_rows(&f).last().unwrap().to, d(2027, 2, 14));
        assert_eq!(quarter_rows(&f)[1].pipeline, Amount(u(7)), "a deal on --to is counted");
    }

    #[test]
    fn best_case_uses_the_stage_default_not_the_deal_probability() {
        let opps = [
            open(u(100), d(2026, 5, 1), 1, 90), // 10% stage, hand-set 90%: not best case
            open(u(200), d(2026, 5, 2), 2, 5),  // 50% stage exactly: best case
            open(u(400), d(2026, 5, 3), 3, 80), // 80% stage: best case
            open(u(800), d(2026, 5, 4), 9, 80), // unknown stage: not best case
        ];
        let at = |min| {
            month_rows(
                &compute(
                    Span { from: d(2026, 5, 1), to: d(2026, 5, 31), today: d(2026, 5, 1) },
                    None,
                    min,
                    &opps,
                    &stages(),
                )
                .unwrap(),
            )[0]
            .best_case
        };
        assert_eq!(at(50), Amount(u(600)));
        assert_eq!(at(51), Amount(u(400)));
        assert_eq!(at(0), Amount(u(700)));
        assert_eq!(at(100), Amount(0));
        let f = run(d(2026, 5, 1), d(2026, 5, 31), &opps);
        // 90.00 + 10.00 + 320.00 + 640.00
        assert_eq!(month_rows(&f)[0].weighted, Amount(u(1060)));
    }

    #[test]
    fn won_lost_and_other_currencies() {
        let eur = Currency::parse("EUR").unwrap();
        let mut euro = open(u(1_000), d(2026, 5, 2), 2, 50);
        euro.currency = eur;
        let opps = [
            open(u(100), d(2026, 5, 1), 2, 50),
            opp(u(300), d(2026, 5, 1), 2, 100, StageOutcome::Won),
            opp(u(900), d(2026, 5, 1), 2, 0, StageOutcome::Lost),
            euro,
        ];
        let f = run(d(2026, 5, 1), d(2026, 5, 31), &opps);
        assert_eq!(f.currency, Currency::DEFAULT, "two USD deals count against one EUR");
        assert_eq!((f.left_out, f.other_currencies.clone()), (1, vec![eur]));
        let m = &month_rows(&f)[0];
        assert_eq!((m.open, m.pipeline, m.closed_won), (1, Amount(u(100)), Amount(u(300))));
        let may = Span { from: d(2026, 5, 1), to: d(2026, 5, 31), today: d(2026, 5, 1) };
        let f = compute(may, Some(eur), 50, &opps, &stages()).unwrap();
        assert_eq!((f.left_out, month_rows(&f)[0].pipeline), (2, Amount(u(1_000))));
        // A tie goes to the alphabetically first code; the lost deal does not vote.
        let f = run(d(2026, 5, 1), d(2026, 5, 31), &[opps[0], opps[2], euro]);
        assert_eq!(f.currency, eur);
    }

    #[test]
    fn default_range_is_twelve_whole_months() {
        let q = ForecastQuery::default();
        assert_eq!(q.range(d(2026, 11, 20)).unwrap(), (d(2026, 11, 1), d(2027, 10, 31)));
        let q = ForecastQuery { from: Some(d(2026, 1, 15)), ..Default::default() };
        assert_eq!(q.range(d(2000, 1, 1)).unwrap(), (d(2026, 1, 15), d(2026, 12, 31)));
        let q = ForecastQuery { to: Some(d(2026, 2, 10)), ..Default::default() };
        assert_eq!(q.range(d(2000, 1, 1)).unwrap(), (d(2025, 3, 1), d(2026, 2, 10)));
        let q = ForecastQuery { from: Some(d(2026, 2, 1)), to: Some(d(2026, 1, 31)), ..Default::default() };
        assert_eq!(q.range(d(2000, 1, 1)).unwrap_err().field, "to");
        let q = ForecastQuery { from: Some(d(2026, 2, 1)), to: Some(d(2226, 1, 31)), ..Default::default() };
        assert!(q.range(d(2000, 1, 1)).is_err());
        let f = run(d(2026, 11, 1), d(2027, 10, 31), &[]);
        assert_eq!((month_rows(&f).len(), quarter_rows(&f).len()), (12, 5));
    }

    #[test]
    fn open_deals_past_due_come_first_and_nothing_open_is_left_out() {
        let opps = [
            open(u(100), d(2025, 6, 30), 1, 10),                    // long past due
            open(u(200), d(2026, 4, 30), 3, 80),                    // past due in the range's eve
            opp(u(900), d(2026, 4, 30), 1, 100, StageOutcome::Won), // won before the range
            open(u(400), d(2026, 5, 2), 1, 10),                     // in the range, day gone by
            open(u(800), d(2026, 5, 20), 1, 10),                    // in the range
            opp(u(50), d(2026, 5, 1), 1, 0, StageOutcome::Lost),    // lost
        ];
        let span = Span { from: d(2026, 5, 1), to: d(2026, 5, 31), today: d(2026, 5, 10) };
        let f = compute(span, None, 50, &opps, &stages()).unwrap();
        let due = &f.months[0];
        assert_eq!((due.label.as_str(), due.from, due.to), (PAST_DUE, None, d(2026, 4, 30)));
        assert_eq!((due.open, due.pipeline, due.weighted), (2, Amount(u(300)), Amount(u(170))));
        assert_eq!((due.best_case, due.closed_won), (Amount(u(200)), Amount(0)), "won deals are never past due");
        assert_eq!(f.quarters[0], *due);
        let may = &f.months[1];
        assert_eq!((may.open, may.pipeline, may.closed_won), (2, Amount(u(1_200)), Amount(0)));
        // Every open deal up to the range's end is in one row.
        let pipeline: i64 = f.months.iter().map(|p| p.pipeline.0).sum();
        assert_eq!(pipeline, u(1_500));
        // A range starting after today: deals expected before today are past due, those
        // between today and the range are not due yet.
        let later = Span { from: d(2026, 6, 1), to: d(2026, 6, 30), today: d(2026, 5, 10) };
        let f = compute(later, None, 50, &opps, &stages()).unwrap();
        assert_eq!((f.months[0].to, f.months[0].open, f.months[0].pipeline), (d(2026, 5, 9), 3, Amount(u(700))));
    }

    #[test]
    fn sums_too_large_are_refused_not_wrapped() {
        let opps = [open(i64::MAX, d(2026, 5, 1), 1, 10), open(i64::MAX, d(2026, 5, 2), 1, 10)];
        let may = Span { from: d(2026, 5, 1), to: d(2026, 5, 31), today: d(2026, 5, 1) };
        let err = compute(may, None, 50, &opps, &stages()).unwrap_err();
        assert!(err.to_string().contains("2026-05"), "{err}");
    }
}
