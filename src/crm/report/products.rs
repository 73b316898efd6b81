//! The products report: what sold, for how much and at what discount, by product and by month,
//! and which products are bought together.
//!
//! A quote counts as a sale when it is accepted, or when its deal is won and none of the deal's
//! quotes is accepted (then its latest quote counts). It is dated by the day its deal was won,
//! else by the day it last changed (when it was accepted).

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::chart::{Bucket, Chart, ChartView, Unit, measure, row};
use super::{ReportQuery, amount, period_words};
use crate::crm::{Crm, Result};
use crate::model::{Amount, Currency, Date, Id, Product, Quote, QuoteStatus, StageOutcome};
use crate::store::Read;
use crate::store::facts;

/// How many pairs of products bought together the report lists.
pub const TOP_PAIRS: usize = 20;

/// Sales by product and month, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductsReport {
    /// First day counted (none: no lower bound).
    pub from: Option<Date>,
    /// Last day counted (none: no upper bound).
    pub to: Option<Date>,
    /// The currency every amount is in.
    pub currency: Currency,
    /// Sales in other currencies: not added.
    pub left_out: u32,
    /// How many quotes count as sales.
    pub quotes: u32,
    /// One row per product sold, the most revenue first (then by name); lines not from the
    /// catalogue last, as product 0.
    pub products: Vec<ProductRow>,
    /// Every product together, per month of the period that had sales.
    pub months: Vec<MonthRow>,
    /// The pairs of products most often in the same sale, the most first (at most twenty).
    pub pairs: Vec<PairRow>,
}

/// One product's sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRow {
    /// The product (0: lines not from the catalogue).
    pub product: Id,
    /// Its name.
    pub name: String,
    /// Its list price now (in its own currency, when that is the report's).
    pub list_price: Option<Amount>,
    /// Sales that hold it.
    pub quotes: u32,
    /// Units sold.
    pub units: u64,
    /// Revenue: the lines after their discounts.
    pub revenue: Amount,
    /// The discounts given, as a share of the lines before them, percent, rounded half up.
    pub average_discount: u32,
    /// Revenue ÷ units, to the cent (half away from zero).
    pub average_price: Amount,
    /// The average price per month, to see it change.
    pub months: Vec<PriceMonth>,
}

/// A product's sales in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceMonth {
    /// `2026-03`.
    pub month: String,
    /// Units sold.
    pub units: u64,
    /// Revenue.
    pub revenue: Amount,
    /// Revenue ÷ units.
    pub average_price: Amount,
}

/// Every product together in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    /// `2026-03`.
    pub month: String,
    /// Sales dated in it.
    pub quotes: u32,
    /// Units sold.
    pub units: u64,
    /// Revenue.
    pub revenue: Amount,
}

/// Two products sold together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairRow {
    /// The first (the lower id).
    pub a: Id,
    /// Its name.
    pub a_name: String,
    /// The second.
    pub b: Id,
    /// Its name.
    pub b_name: String,
    /// Sales holding both.
    pub quotes: u32,
}

/// What one product (or month) adds up to while counting.
#[derive(Default, Clone)]
struct Sums {
    quotes: u32,
    units: u64,
    gross: i128,
    net: i128,
}

impl Sums {
    fn add(&mut self, units: u64, gross: i128, net: i128) {
        self.units += units;
        self.gross += gross;
        self.net += net;
    }
}

/// The sales among `quotes`: (quote, the day it is dated), in `[from, to]`.
pub(super) fn sales(r: &impl Read, from: Option<Date>, to: Option<Date>) -> Result<Vec<(Quote, Date)>> {
    let mut won: HashMap<Id, Date> = HashMap::default();
    facts::deals(r, None, None, &mut |d| {
        if d.status == StageOutcome::Won {
            won.insert(d.id, d.close);
        }
    })?;
    let quotes = r.all::<Quote>(|_| true)?;
    // Per deal: whether one of its quotes is accepted, and its latest quote.
    let mut accepted: HashMap<Id, bool> = HashMap::default();
    let mut latest: HashMap<Id, Id> = HashMap::default();
    for q in &quotes {
        *accepted.entry(q.opportunity).or_default() |= q.status == QuoteStatus::Accepted;
        let last = latest.entry(q.opportunity).or_insert(q.id);
        *last = (*last).max(q.id);
    }
    let in_period = |d: Date| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t);
    Ok(quotes
        .into_iter()
        .filter_map(|q| {
            let counts = q.status == QuoteStatus::Accepted
                || (won.contains_key(&q.opportunity) && !accepted[&q.opportunity] && latest[&q.opportunity] == q.id);
            let day = won.get(&q.opportunity).copied().unwrap_or_else(|| q.updated.local_date());
            (counts && in_period(day)).then_some((q, day))
        })
        .collect())
}

impl Crm {
    /// Units, revenue, average discount and average price by product and by month over
    /// `query`'s period, and the products most often sold together.
    pub fn products_report(&self, query: ReportQuery) -> Result<ProductsReport> {
        query.check()?;
        let r = self.reader()?;
        let sold = sales(&r, query.from, query.to)?;
        let currencies: Vec<Currency> = sold.iter().map(|(q, _)| q.currency).collect();
        let (currency, left_out, _) = super::pick_currency(query.currency, &currencies);
        let kept: Vec<_> = sold.into_iter().filter(|(q, _)| q.currency == currency).collect();
        let mut by_product: HashMap<Id, Sums> = HashMap::default();
        let mut by_product_month: HashMap<Id, std::collections::BTreeMap<String, Sums>> = HashMap::default();
        let mut by_month: std::collections::BTreeMap<String, Sums> = Default::default();
        let mut pairs: HashMap<(Id, Id), u32> = HashMap::default();
        for (q, day) in &kept {
            let month = day.0.format("%Y-%m").to_string();
            let m = by_month.entry(month.clone()).or_default();
            m.quotes += 1;
            let mut held: Vec<Id> = Vec::new();
            for line in &q.lines {
                let gross = i128::from(line.unit_price.0) * i128::from(line.quantity);
                let net = gross - super::rounded_div(gross * i128::from(line.discount), 100);
                let product = line.product.unwrap_or(0);
                by_product.entry(product).or_default().add(u64::from(line.quantity), gross, net);
                let months = by_product_month.entry(product).or_default();
                months.entry(month.clone()).or_default().add(u64::from(line.quantity), gross, net);
                m.add(u64::from(line.quantity), gross, net);
                held.push(product);
            }
            held.sort_unstable();
            held.dedup();
            for &p in &held {
                by_product.entry(p).or_default().quotes += 1;
            }
            let catalogued: Vec<Id> = held.into_iter().filter(|&p| p != 0).collect();
            for (i, &a) in catalogued.iter().enumerate() {
                for &b in &catalogued[i + 1..] {
                    *pairs.entry((a, b)).or_default() += 1;
                }
            }
        }
        let mut ids: Vec<Id> = by_product.keys().copied().filter(|&p| p != 0).collect();
        ids.sort_unstable();
        let catalogue: HashMap<Id, Product> = r.many::<Product>(&ids)?.into_iter().map(|p| (p.id, p)).collect();
        let name = |id: Id| match catalogue.get(&id) {
            Some(p) => p.name.clone(),
            None if id == 0 => "(not from the catalogue)".to_string(),
            None => format!("product {id}"),
        };
        let mut products = Vec::with_capacity(by_product.len());
        for (&id, s) in &by_product {
            let what = format!("sales of {}", name(id));
            let months: Vec<PriceMonth> = by_product_month
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|(month, m)| {
                    Ok(PriceMonth {
                        month,
                        units: m.units,
                        revenue: amount(m.net, &what)?,
                        average_price: amount(super::rounded_div(m.net, i128::from(m.units)), &what)?,
                    })
                })
                .collect::<Result<_>>()?;
            products.push(ProductRow {
                product: id,
                name: name(id),
                list_price: catalogue.get(&id).filter(|p| p.currency == currency).map(|p| p.price),
                quotes: s.quotes,
                units: s.units,
                revenue: amount(s.net, &what)?,
                average_discount: u32::try_from(super::rounded_div((s.gross - s.net) * 100, s.gross)).unwrap_or(0),
                average_price: amount(super::rounded_div(s.net, i128::from(s.units)), &what)?,
                months,
            });
        }
        products.sort_by(|a, b| {
            (a.product == 0).cmp(&(b.product == 0)).then(b.revenue.cmp(&a.revenue)).then_with(|| a.name.cmp(&b.name))
        });
        let months = by_month
            .into_iter()
            .map(|(month, m)| {
                let what = format!("sales of {month}");
                Ok(MonthRow { quotes: m.quotes, units: m.units, revenue: amount(m.net, &what)?, month })
            })
            .collect::<Result<_>>()?;
        let mut pairs: Vec<PairRow> = pairs
            .into_iter()
            .map(|((a, b), quotes)| PairRow { a, a_name: name(a), b, b_name: name(b), quotes })
            .collect();
        pairs.sort_by(|x, y| y.quotes.cmp(&x.quotes).then((x.a, x.b).cmp(&(y.a, y.b))));
        pairs.truncate(TOP_PAIRS);
        Ok(ProductsReport {
            from: query.from,
            to: query.to,
            currency,
            left_out,
            quotes: kept.len() as u32,
            products,
            months,
            pairs,
        })
    }
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Revenue and sales by product (the first twenty), by month, and the pairs bought together.
    pub fn products(r: &ProductsReport) -> Chart {
        let bucket = |products: Vec<Id>| {
            Some(Bucket::Sales { from: r.from, to: r.to, currency: r.currency, products, month: None })
        };
        let by_product = r
            .products
            .iter()
            .take(20)
            .map(|p| {
                let behind = bucket(vec![p.product]);
                row(
                    p.name.clone(),
                    vec![Some(p.revenue.0), Some(i64::from(p.quotes)), Some(p.units as i64), Some(p.average_price.0)],
                    vec![behind.clone(), behind, None, None],
                )
            })
            .collect();
        let by_month = r
            .months
            .iter()
            .map(|m| {
                let behind = Some(Bucket::Sales {
                    from: r.from,
                    to: r.to,
                    currency: r.currency,
                    products: Vec::new(),
                    month: Some(m.month.clone()),
                });
                row(
                    m.month.clone(),
                    vec![Some(m.revenue.0), Some(i64::from(m.quotes)), Some(m.units as i64)],
                    vec![behind.clone(), behind, None],
                )
            })
            .collect();
        let together = r
            .pairs
            .iter()
            .map(|p| {
                row(
                    format!("{} + {}", p.a_name, p.b_name),
                    vec![Some(i64::from(p.quotes))],
                    vec![bucket(vec![p.a, p.b])],
                )
            })
            .collect();
        let money_and_counts =
            || vec![measure("revenue", Unit::Money), measure("sales", Unit::Count), measure("units", Unit::Count)];
        let mut product_measures = money_and_counts();
        product_measures.push(measure("average price", Unit::Money));
        Chart {
            title: format!("Products sold {}, in {}", period_words(r.from, r.to), r.currency),
            from: r.from,
            to: r.to,
            currency: Some(r.currency),
            views: vec![
                ChartView { name: "by product".into(), measures: product_measures, rows: by_product },
                ChartView { name: "by month".into(), measures: money_and_counts(), rows: by_month },
                ChartView {
                    name: "bought together".into(),
                    measures: vec![measure("sales", Unit::Count)],
                    rows: together,
                },
            ],
            note: match r.left_out {
                0 => String::new(),
                n => format!("{} in other currencies left out", crate::text::count(n as usize, "sale", "sales")),
            },
        }
    }
}
