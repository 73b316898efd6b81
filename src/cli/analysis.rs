//! The analysis reports as text and CSV: customers (key and at risk), competitors, quotas and
//! products.

use super::output::table;
use super::report::{bar_lines, currency_line};
use crate::crm::{CompetitorsReport, CustomersReport, ProductsReport, QuotasReport, period_words};
use crate::model::Amount;

/// How many rows a report's text table shows; `--csv` and `--json` give them all.
const TEXT_ROWS: usize = 50;

/// "… and 36,169 more customers: --csv or --json lists them all", when the table left some out.
fn more_line(total: usize, what: &str) -> Option<String> {
    let more = total.checked_sub(TEXT_ROWS).filter(|&n| n > 0)?;
    let n = crate::model::Amount(more as i64 * 100).grouped();
    Some(format!("… and {} more {what}: --csv or --json lists them all", n.trim_end_matches(".00")))
}

/// A date or a dash.
fn day(d: Option<crate::model::Date>) -> String {
    d.map_or("-".to_string(), |d| d.to_string())
}

/// The customers report for people: a line of totals, a table (★ marks key customers), a bar
/// per customer of the first twenty, and the currency line.
pub fn customers_text(r: &CustomersReport) -> String {
    let mut out = vec![
        format!("Customers by revenue won {}, in {}", period_words(r.from, r.to), r.currency),
        format!(
            "{} won from {}; ★ {} key customers make {}% of it; {} at risk (quiet over {} days on {}, or every open deal slipped)",
            r.won.grouped(),
            crate::text::count(r.customers.len(), "customer", "customers"),
            r.key_customers,
            r.key_share,
            r.at_risk,
            r.quiet_days,
            r.today
        ),
        String::new(),
    ];
    if r.customers.is_empty() {
        out.push("no deals won in this range".to_string());
        return out.join("\n");
    }
    let rows = r.customers.iter().take(TEXT_ROWS).enumerate().map(|(i, c)| {
        vec![
            (i + 1).to_string(),
            format!("{}{}", if c.key { "★ " } else { "" }, crate::text::truncate(&c.name, 32)),
            c.won.grouped(),
            c.deals.to_string(),
            c.average.grouped(),
            c.open.grouped(),
            day(c.last_activity),
            c.risk.clone().unwrap_or_default(),
            crate::text::truncate(c.industry.as_deref().unwrap_or_default(), 20),
            c.country.clone().unwrap_or_default(),
            c.size.unwrap_or_default().to_string(),
        ]
    });
    let header =
        ["#", "ACCOUNT", "WON", "DEALS", "AVERAGE", "OPEN", "LAST ACTIVITY", "RISK", "INDUSTRY", "COUNTRY", "SIZE"];
    out.push(table(&header, rows, &[0, 2, 3, 4, 5]));
    out.extend(more_line(r.customers.len(), "customers"));
    out.push(String::new());
    let bars: Vec<(String, i64, i64)> =
        r.customers.iter().take(crate::crm::CHART_CUSTOMERS).map(|c| (c.name.clone(), c.won.0, c.won.0)).collect();
    out.extend(bar_lines(&bars));
    out.push(String::new());
    out.push(currency_line(r.currency, r.left_out, &r.other_currencies));
    out.join("\n")
}

/// The customers report as CSV: one line per customer.
pub fn customers_csv(r: &CustomersReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row([
        "account_id",
        "account",
        "won",
        "deals",
        "average",
        "open",
        "open_deals",
        "last_activity",
        "key",
        "risk",
        "industry",
        "country",
        "size",
        "currency",
    ])?;
    for c in &r.customers {
        w.row([
            c.account.to_string(),
            c.name.clone(),
            c.won.decimal(),
            c.deals.to_string(),
            c.average.decimal(),
            c.open.decimal(),
            c.open_deals.to_string(),
            c.last_activity.map(|d| d.to_string()).unwrap_or_default(),
            c.key.to_string(),
            c.risk.clone().unwrap_or_default(),
            c.industry.clone().unwrap_or_default(),
            c.country.clone().unwrap_or_default(),
            c.size.unwrap_or_default().to_string(),
            r.currency.to_string(),
        ])?;
    }
    w.finish()?;
    Ok(())
}

/// The competitors report for people: a table of won, lost and open deals with the win rate, a
/// bar per competitor (won solid, lost light), then the lost reasons of each.
pub fn competitors_text(r: &CompetitorsReport) -> String {
    let mut out = vec![
        format!("Won and lost by competitor, closing {}, in {}", period_words(r.from, r.to), r.currency),
        String::new(),
    ];
    let name = |c: &crate::crm::CompetitorRow| c.competitor.clone().unwrap_or_else(|| "(none)".to_string());
    let rows = r.competitors.iter().map(|c| {
        vec![
            name(c),
            c.won.to_string(),
            c.won_amount.grouped(),
            c.lost.to_string(),
            c.lost_amount.grouped(),
            c.open.to_string(),
            c.open_amount.grouped(),
            c.win_rate.map_or("-".to_string(), |p| format!("{p}%")),
        ]
    });
    let header = ["COMPETITOR", "WON", "WON AMOUNT", "LOST", "LOST AMOUNT", "OPEN", "OPEN AMOUNT", "WIN RATE"];
    out.push(table(&header, rows, &[1, 2, 3, 4, 5, 6, 7]));
    out.push(String::new());
    let max = r.competitors.iter().map(|c| c.won_amount.0.saturating_add(c.lost_amount.0)).max().unwrap_or(0);
    if max > 0 {
        let bars: Vec<(String, i64, i64)> = r
            .competitors
            .iter()
            .map(|c| (name(c), c.won_amount.0.saturating_add(c.lost_amount.0), c.won_amount.0))
            .collect();
        out.extend(bar_lines(&bars));
        out.push(format!("█ won  ░ lost; a full bar is {}", Amount(max).grouped()));
    } else {
        out.push("no deals won or lost in this range: nothing to chart".to_string());
    }
    for c in r.competitors.iter().filter(|c| !c.lost_reasons.is_empty()) {
        out.push(String::new());
        out.push(format!("Lost to {}:", name(c)));
        out.extend(c.lost_reasons.iter().map(|l| format!("  {:>4}  {}", l.deals, l.reason)));
    }
    if r.competitors.len() == 1 {
        out.push(String::new());
        out.push("No competitors on the list yet: add them with rolo competitor add NAME.".to_string());
    }
    out.push(String::new());
    out.push(currency_line(r.currency, r.left_out, &r.other_currencies));
    out.join("\n")
}

/// The competitors report as CSV: one line per competitor (the lost reasons joined by `; `).
pub fn competitors_csv(r: &CompetitorsReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row([
        "competitor",
        "won",
        "won_amount",
        "lost",
        "lost_amount",
        "open",
        "open_amount",
        "win_rate",
        "lost_reasons",
        "currency",
    ])?;
    for c in &r.competitors {
        let reasons: Vec<String> = c.lost_reasons.iter().map(|l| format!("{} ({})", l.reason, l.deals)).collect();
        w.row([
            c.competitor.clone().unwrap_or_default(),
            c.won.to_string(),
            c.won_amount.decimal(),
            c.lost.to_string(),
            c.lost_amount.decimal(),
            c.open.to_string(),
            c.open_amount.decimal(),
            c.win_rate.map(|p| p.to_string()).unwrap_or_default(),
            reasons.join("; "),
            r.currency.to_string(),
        ])?;
    }
    w.finish()?;
    Ok(())
}

/// The quotas report for people: a table of each quota with what was won and the forecast, then
/// a bar per quota in the report's currency (won solid, the weighted pipeline light, a `│` where
/// the quota stands).
pub fn quotas_text(r: &QuotasReport) -> String {
    let mut out = vec![format!("Quotas {}", period_words(Some(r.from), Some(r.to))), String::new()];
    if r.quotas.is_empty() {
        out.push("no quotas in this range: set one with rolo quota set LOGIN 2027-Q1 50000".to_string());
        return out.join("\n");
    }
    let rows = r.quotas.iter().map(|q| {
        vec![
            q.period.to_string(),
            q.holder.to_string(),
            format!("{} {}", q.quota.grouped(), q.currency),
            q.won.grouped(),
            q.weighted.grouped(),
            q.forecast.grouped(),
            format!("{}%", q.attainment),
            format!("{}%", q.forecast_attainment),
        ]
    });
    let header = ["PERIOD", "FOR", "QUOTA", "WON", "WEIGHTED", "FORECAST", "ATTAINED", "FORECAST %"];
    out.push(table(&header, rows, &[2, 3, 4, 5, 6, 7]));
    out.push(String::new());
    let shown: Vec<_> = r.quotas.iter().filter(|q| q.currency == r.currency).collect();
    let max = shown.iter().map(|q| q.forecast.0.max(q.quota.0)).max().unwrap_or(0);
    let width = 40i64;
    for q in &shown {
        let cells =
            |v: i64| if max <= 0 { 0 } else { (i128::from(v.max(0)) * i128::from(width) / i128::from(max)) as usize };
        let (won, forecast, line) = (cells(q.won.0), cells(q.forecast.0), cells(q.quota.0).min(width as usize));
        let mut bar: Vec<char> = (0..width as usize + 1)
            .map(|i| {
                if i < won {
                    '█'
                } else if i < forecast {
                    '░'
                } else {
                    ' '
                }
            })
            .collect();
        bar[line] = '│';
        let label = crate::text::truncate(&format!("{} {}", q.holder, q.period), 24);
        out.push(format!("{label:<24} {}", bar.into_iter().collect::<String>().trim_end()));
    }
    out.push(format!("█ won  ░ weighted pipeline  │ the quota; in {}", r.currency));
    out.join("\n")
}

/// The quotas report as CSV: one line per quota.
pub fn quotas_csv(r: &QuotasReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row([
        "period",
        "holder",
        "kind",
        "quota",
        "won",
        "weighted",
        "forecast",
        "attainment",
        "forecast_attainment",
        "currency",
    ])?;
    for q in &r.quotas {
        let (name, kind) = match &q.holder {
            crate::model::QuotaHolder::User(login) => (login.clone(), "user"),
            crate::model::QuotaHolder::Team(team) => (team.clone(), "team"),
        };
        w.row([
            q.period.to_string(),
            name,
            kind.to_string(),
            q.quota.decimal(),
            q.won.decimal(),
            q.weighted.decimal(),
            q.forecast.decimal(),
            q.attainment.to_string(),
            q.forecast_attainment.to_string(),
            q.currency.to_string(),
        ])?;
    }
    w.finish()?;
    Ok(())
}

/// The products report for people: a table of the products sold, a bar per product of the first
/// twenty, the months, and the products bought together.
pub fn products_text(r: &ProductsReport) -> String {
    let mut out = vec![
        format!("Products sold {}, in {}: {} sales", period_words(r.from, r.to), r.currency, r.quotes),
        String::new(),
    ];
    if r.products.is_empty() {
        out.push("no sales in this range: a quote counts once accepted, or once its deal is won".to_string());
        return out.join("\n");
    }
    let rows = r.products.iter().take(TEXT_ROWS).map(|p| {
        vec![
            crate::text::truncate(&p.name, 30),
            p.quotes.to_string(),
            p.units.to_string(),
            p.revenue.grouped(),
            format!("{}%", p.average_discount),
            p.average_price.grouped(),
            p.list_price.map_or("-".to_string(), Amount::grouped),
        ]
    });
    let header = ["PRODUCT", "SALES", "UNITS", "REVENUE", "DISCOUNT", "AVG PRICE", "LIST PRICE"];
    out.push(table(&header, rows, &[1, 2, 3, 4, 5, 6]));
    out.extend(more_line(r.products.len(), "products"));
    out.push(String::new());
    let bars: Vec<(String, i64, i64)> =
        r.products.iter().take(20).map(|p| (p.name.clone(), p.revenue.0, p.revenue.0)).collect();
    out.extend(bar_lines(&bars));
    out.push(String::new());
    let rows =
        r.months.iter().map(|m| vec![m.month.clone(), m.quotes.to_string(), m.units.to_string(), m.revenue.grouped()]);
    out.push(table(&["MONTH", "SALES", "UNITS", "REVENUE"], rows, &[1, 2, 3]));
    if !r.pairs.is_empty() {
        out.push(String::new());
        out.push("Bought together:".to_string());
        out.extend(r.pairs.iter().map(|p| format!("  {:>4}  {} + {}", p.quotes, p.a_name, p.b_name)));
    }
    if r.left_out > 0 {
        out.push(String::new());
        out.push(format!(
            "{} in other currencies left out: see them with --currency",
            crate::text::count(r.left_out as usize, "sale", "sales")
        ));
    }
    out.join("\n")
}

/// The products report as CSV: one line per product and month it sold in.
pub fn products_csv(r: &ProductsReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(["product_id", "product", "month", "units", "revenue", "average_price", "currency"])?;
    for p in &r.products {
        for m in &p.months {
            w.row([
                p.product.to_string(),
                p.name.clone(),
                m.month.clone(),
                m.units.to_string(),
                m.revenue.decimal(),
                m.average_price.decimal(),
                r.currency.to_string(),
            ])?;
        }
    }
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_table_says_how_many_rows_it_left_out() {
        assert_eq!(more_line(TEXT_ROWS - 1, "customers"), None);
        assert_eq!(more_line(TEXT_ROWS, "customers"), None);
        assert_eq!(
            more_line(36_219, "customers").as_deref(),
            Some("… and 36,169 more customers: --csv or --json lists them all")
        );
    }
}
