//! Printing: aligned tables and `field: value` blocks for people, JSON for scripts.

use std::cell::RefCell;
use std::collections::HashMap;

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;
use serde_json::Value;

use crate::crm::Crm;
use crate::model::{
    Account, Amount, Call, Campaign, Contact, ContactList, Event, Id, Lead, Note, Opportunity, Product, Project, Quote,
    Stage, Task, format_duration,
};
use crate::store::Indexed;

/// Where output goes and in which form.
pub struct Out {
    /// JSON instead of tables.
    pub json: bool,
}

impl Out {
    /// Prints one JSON value (pretty) on stdout.
    pub fn json_value(&self, v: &impl Serialize) {
        match serde_json::to_string_pretty(v) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("error: cannot write JSON: {e}"),
        }
    }

    /// Prints a confirmation for people, or the value for scripts.
    pub fn done(&self, v: &impl Serialize, message: impl FnOnce() -> String) {
        if self.json {
            self.json_value(v);
        } else {
            println!("{}", crate::text::sanitize(&message()));
        }
    }
}

/// A table with rolo's plain look: no borders, a header row, columns aligned.
pub fn table(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>, right: &[usize]) -> String {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(headers.to_vec());
    for row in rows {
        t.add_row(row.into_iter().map(|c| crate::text::sanitize(&c).into_owned()).collect::<Vec<_>>());
    }
    for &i in right {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    // The preset pads every line on both sides; keep the output tidy for pipes.
    t.lines()
        .map(|l| {
            let l = l.trim_end();
            l.strip_prefix(' ').unwrap_or(l).to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Looks up names of linked records once each, for tables and JSON.
pub struct Names<'a> {
    crm: &'a Crm,
    cache: RefCell<HashMap<(u8, Id), String>>,
}

impl<'a> Names<'a> {
    /// A lookup over `crm`.
    pub fn new(crm: &'a Crm) -> Names<'a> {
        Names { crm, cache: RefCell::new(HashMap::new()) }
    }

    /// The label of a record, or `#id` when it is gone.
    pub fn of<R: Indexed>(&self, id: Option<Id>) -> String {
        let Some(id) = id else { return String::new() };
        let key = (R::KIND.code(), id);
        if let Some(name) = self.cache.borrow().get(&key) {
            return name.clone();
        }
        let name = self.crm.get::<R>(id).map(|r| r.label()).unwrap_or_else(|_| format!("#{id}"));
        self.cache.borrow_mut().insert(key, name.clone());
        name
    }
}

/// How a kind of record shows in a table and in JSON.
pub trait Present: Indexed {
    /// Column titles.
    const HEADERS: &'static [&'static str];
    /// Columns to align right (numbers).
    const RIGHT: &'static [usize] = &[];
    /// One table row.
    fn row(&self, names: &Names) -> Vec<String>;
    /// The JSON object: the record itself, plus any names scripts would otherwise look up.
    fn json(&self, _names: &Names) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Prints a listing.
pub fn list<R: Present>(out: &Out, crm: &Crm, items: &[R]) {
    let names = Names::new(crm);
    if out.json {
        out.json_value(&items.iter().map(|r| r.json(&names)).collect::<Vec<_>>());
    } else if items.is_empty() {
        println!("no {} yet", R::KIND.plural());
    } else {
        println!("{}", table(R::HEADERS, items.iter().map(|r| r.row(&names)), R::RIGHT));
    }
}

/// Prints the stages in board order. The table's ORDER column is the position that
/// `stage move` and `stage add --position` take (counted, since files from before stages could
/// be edited number them from 0); JSON shows the records as stored.
pub fn stages(out: &Out, crm: &Crm, stages: &[Stage]) {
    if out.json {
        return list(out, crm, stages);
    }
    let names = Names::new(crm);
    let rows = stages.iter().enumerate().map(|(i, s)| {
        let mut row = s.row(&names);
        row[1] = (i + 1).to_string();
        row
    });
    println!("{}", table(Stage::HEADERS, rows, Stage::RIGHT));
}

/// Prints one record in full.
pub fn show<R: Present>(out: &Out, crm: &Crm, rec: &R) {
    let names = Names::new(crm);
    let value = rec.json(&names);
    if out.json {
        out.json_value(&value);
    } else {
        println!("{}", field_lines(&value));
    }
}

/// Prints the confirmation of a write: `created contact 12: Ann Lee`.
pub fn wrote<R: Present>(out: &Out, crm: &Crm, verb: &str, rec: &R) {
    let names = Names::new(crm);
    out.done(&rec.json(&names), || format!("{verb} {} {}: {}", R::KIND, rec.id(), rec.label()));
}

/// `field: value` lines for a JSON object; empty fields are left out.
/// A linked record shows as `Name (#id)`; instants show in local time.
pub fn field_lines(value: &Value) -> String {
    let Value::Object(map) = value else { return value.to_string() };
    let shown: Vec<(String, String)> = map
        .iter()
        .filter(|(k, v)| v.as_bool() != Some(false) && !(k.ends_with("_name") && map.contains_key(&k[..k.len() - 5])))
        .filter_map(|(k, v)| {
            let text = match map.get(&format!("{k}_name")).and_then(Value::as_str) {
                Some(name) => format!("{name} (#{v})"),
                None => crate::text::display_value(v),
            };
            (!text.is_empty()).then(|| (k.replace('_', " "), text))
        })
        .collect();
    let width = shown.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    shown.iter().map(|(k, v)| format!("{k:<width$}  {}", crate::text::sanitize(v))).collect::<Vec<_>>().join("\n")
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn date(d: Option<crate::model::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Adds a `<field>_name` entry beside an id field of a JSON object.
fn with_name(mut v: Value, field: &str, name: String) -> Value {
    if let Value::Object(map) = &mut v
        && !name.is_empty()
    {
        map.insert(format!("{field}_name"), Value::String(name));
    }
    v
}

impl Present for Account {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "INDUSTRY", "CITY", "COUNTRY", "STATUS", "OWNER"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            opt(&self.industry),
            opt(&self.address.city),
            opt(&self.address.country),
            self.status.to_string(),
            self.owner.clone(),
        ]
    }
}

impl Present for Contact {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "ACCOUNT", "EMAIL", "PHONE", "COUNTRY"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.full_name(),
            names.of::<Account>(self.account),
            self.primary_email().unwrap_or_default().to_string(),
            self.primary_phone().unwrap_or_default().to_string(),
            self.country().unwrap_or_default().to_string(),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        with_name(serde_json::to_value(self).unwrap_or(Value::Null), "account", names.of::<Account>(self.account))
    }
}

impl Present for Lead {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "COMPANY", "STATUS", "SOURCE", "EMAIL"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.full_name(),
            opt(&self.company),
            self.status.to_string(),
            self.source.map(|s| s.to_string()).unwrap_or_default(),
            opt(&self.email),
        ]
    }
}

impl Present for Opportunity {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "ACCOUNT", "STAGE", "PROB", "AMOUNT", "CLOSE"];
    const RIGHT: &'static [usize] = &[0, 4, 5];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            names.of::<Account>(Some(self.account)),
            names.of::<Stage>(Some(self.stage)),
            format!("{}%", self.probability),
            format!("{} {}", self.amount.grouped(), self.currency),
            self.close_date.to_string(),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        let v = serde_json::to_value(self).unwrap_or(Value::Null);
        let v = with_name(v, "account", names.of::<Account>(Some(self.account)));
        with_name(v, "stage", names.of::<Stage>(Some(self.stage)))
    }
}

impl Present for Stage {
    const HEADERS: &'static [&'static str] = &["ID", "ORDER", "NAME", "PROB", "OUTCOME"];
    const RIGHT: &'static [usize] = &[0, 1, 3];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.order.to_string(),
            self.name.clone(),
            format!("{}%", self.probability),
            self.outcome.to_string(),
        ]
    }
}

impl Present for Product {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "SKU", "PRICE", "ACTIVE"];
    const RIGHT: &'static [usize] = &[0, 3];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            opt(&self.sku),
            format!("{} {}", self.price.grouped(), self.currency),
            if self.active { "yes" } else { "no" }.into(),
        ]
    }
}

impl Present for Quote {
    const HEADERS: &'static [&'static str] = &["ID", "NUMBER", "OPPORTUNITY", "STATUS", "LINES", "TOTAL"];
    const RIGHT: &'static [usize] = &[0, 4, 5];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.number.clone(),
            names.of::<Opportunity>(Some(self.opportunity)),
            self.status.to_string(),
            self.lines.len().to_string(),
            format!("{} {}", self.totals().total.grouped(), self.currency),
        ]
    }
    fn json(&self, _: &Names) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut v {
            map.insert("totals".into(), serde_json::to_value(self.totals()).unwrap_or(Value::Null));
        }
        v
    }
}

impl Present for Task {
    const HEADERS: &'static [&'static str] = &["ID", "PRI", "TITLE", "DUE", "STATUS", "RELATED"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        let related = [
            self.contact.map(|c| names.of::<Contact>(Some(c))),
            self.account.map(|a| names.of::<Account>(Some(a))),
            self.opportunity.map(|o| names.of::<Opportunity>(Some(o))),
            self.lead.map(|l| names.of::<Lead>(Some(l))),
            self.project.map(|p| names.of::<Project>(Some(p))),
        ];
        let overdue = if self.is_overdue(crate::model::Date::today()) { "!" } else { "" };
        vec![
            self.id.to_string(),
            self.priority.to_string(),
            self.title.clone(),
            format!("{}{overdue}", date(self.due)),
            self.status.to_string(),
            related.into_iter().flatten().collect::<Vec<_>>().join(", "),
        ]
    }
}

impl Present for Call {
    const HEADERS: &'static [&'static str] = &["ID", "WHEN", "CONTACT", "DIR", "DURATION", "OUTCOME", "NOTES"];
    const RIGHT: &'static [usize] = &[0, 4];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.started_at.display_local(),
            names.of::<Contact>(Some(self.contact)),
            self.direction.to_string(),
            format_duration(self.duration_secs),
            self.outcome.to_string(),
            crate::text::first_line(self.notes.as_deref().unwrap_or_default(), 40),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        with_name(serde_json::to_value(self).unwrap_or(Value::Null), "contact", names.of::<Contact>(Some(self.contact)))
    }
}

impl Present for Event {
    const HEADERS: &'static [&'static str] = &["ID", "START", "END", "TITLE", "LOCATION"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.start.display_local(),
            self.end.map(|e| e.display_local()).unwrap_or_default(),
            self.title.clone(),
            opt(&self.location),
        ]
    }
}

impl Present for Project {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "ACCOUNT", "DUE", "STATUS", "GOAL MET"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            names.of::<Account>(self.account),
            self.due.to_string(),
            self.status.to_string(),
            self.goal_met.to_string(),
        ]
    }
}

impl Present for Campaign {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "CHANNEL", "STATUS", "BUDGET", "START", "END"];
    const RIGHT: &'static [usize] = &[0, 4];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            opt(&self.channel),
            self.status.to_string(),
            self.budget.map(|b| format!("{} {}", b.grouped(), self.currency)).unwrap_or_default(),
            date(self.start),
            date(self.end),
        ]
    }
}

impl Present for ContactList {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "MEMBERS"];
    const RIGHT: &'static [usize] = &[0, 2];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![self.id.to_string(), self.name.clone(), self.members.len().to_string()]
    }
}

impl Present for Note {
    const HEADERS: &'static [&'static str] = &["ID", "ON", "WHEN", "TEXT"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.target.to_string(),
            self.created.display_local(),
            crate::text::first_line(&self.text, 60),
        ]
    }
}

/// Cells of a forecast bar: wide enough to tell periods apart, narrow enough that a label and a
/// bar fit in 80 columns.
const BAR_WIDTH: usize = 60;

/// A horizontal bar for one period: the pipeline as its length (scaled so that `max` fills
/// `width` cells), drawn `█` for the weighted part and `░` for the rest. A non-zero value never
/// vanishes: it gets at least one cell.
pub fn bar(pipeline: i64, weighted: i64, max: i64, width: usize) -> String {
    let cells = |v: i64| -> usize {
        if v <= 0 || max <= 0 {
            return 0;
        }
        // Rounded to the nearest cell, in i128 so that huge amounts cannot overflow.
        let n = (v.min(max) as i128 * width as i128 * 2 + max as i128) / (max as i128 * 2);
        (n as usize).max(1)
    };
    let total = cells(pipeline);
    let solid = cells(weighted).min(total);
    format!("{}{}", "█".repeat(solid), "░".repeat(total - solid))
}

/// The forecast for people: what was counted, a table of `periods`, a bar per period, and what
/// was left out.
pub fn forecast_text(f: &crate::crm::Forecast, periods: &[crate::crm::ForecastPeriod], by: &str) -> String {
    use crate::text::count;
    let mut out = vec![format!("Forecast {} to {} in {}, by {by}", f.from, f.to, f.currency), String::new()];
    let rows = periods.iter().map(|p| {
        vec![
            p.label.clone(),
            p.open.to_string(),
            p.pipeline.grouped(),
            p.weighted.grouped(),
            p.best_case.grouped(),
            p.closed_won.grouped(),
        ]
    });
    out.push(table(&["PERIOD", "OPEN", "PIPELINE", "WEIGHTED", "BEST CASE", "CLOSED WON"], rows, &[1, 2, 3, 4, 5]));
    out.push(String::new());
    let max = periods.iter().map(|p| p.pipeline.0).max().unwrap_or(0);
    if max > 0 {
        let width = periods.iter().map(|p| p.label.len()).max().unwrap_or(0);
        for p in periods {
            let line = format!("{:<width$} │{}", p.label, bar(p.pipeline.0, p.weighted.0, max, BAR_WIDTH));
            out.push(line.trim_end().to_string());
        }
        out.push(format!("█ weighted  ░ rest of the open pipeline; a full bar is {}", Amount(max).grouped()));
    } else {
        out.push("no open pipeline in this range: nothing to chart".to_string());
    }
    out.push(String::new());
    out.push("Weighted: each open deal's amount × its own probability.".to_string());
    out.push(format!("Best case: open deals in stages at {}% or more.", f.best_case_min));
    let codes = f.other_currencies.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    if f.left_out == 0 {
        out.push(format!("Amounts in {}.", f.currency));
    } else {
        // Amounts in different currencies are never added together: say what was left out.
        out.push(format!(
            "Amounts in {}; {} in {} left out: see {} with --currency {}.",
            f.currency,
            count(f.left_out as usize, "opportunity", "opportunities"),
            codes.join(", "),
            if f.left_out == 1 { "it" } else { "them" },
            codes.first().map(String::as_str).unwrap_or_default(),
        ));
    }
    out.join("\n")
}

/// The forecast periods as CSV: a header line, then one line per period; amounts as plain
/// decimals (`1500.00`) so spreadsheets read them as numbers.
pub fn forecast_csv(periods: &[crate::crm::ForecastPeriod], to: impl std::io::Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(to);
    w.write_record(["period", "from", "to", "open", "pipeline", "weighted", "best_case", "closed_won"])?;
    for p in periods {
        w.write_record([
            p.label.clone(),
            p.from.to_string(),
            p.to.to_string(),
            p.open.to_string(),
            p.pipeline.decimal(),
            p.weighted.decimal(),
            p.best_case.decimal(),
            p.closed_won.decimal(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Text made safe inside Markdown: control characters removed, line breaks flattened, and the
/// characters Markdown would read as formatting (or as a table's column bar) escaped.
fn md(text: &str) -> String {
    let clean = crate::text::sanitize(text);
    let mut out = String::with_capacity(clean.len());
    for c in clean.trim().chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '#' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The parties of a quote, by name, for [`quote_markdown`].
pub struct QuoteParties<'a> {
    /// The buying account.
    pub account: &'a str,
    /// The main contact of the deal, if any.
    pub contact: Option<&'a str>,
    /// The deal quoted.
    pub opportunity: &'a str,
}

/// A quote as a printable Markdown document: title, parties, dates, status, a table of lines and
/// the totals with the currency.
pub fn quote_markdown(q: &Quote, who: &QuoteParties) -> String {
    let mut out = vec![format!("# Quote {}", md(&q.number)), String::new()];
    out.push(format!("- **Account:** {}", md(who.account)));
    if let Some(c) = who.contact {
        out.push(format!("- **Contact:** {}", md(c)));
    }
    out.push(format!("- **Opportunity:** {}", md(who.opportunity)));
    out.push(format!("- **Date:** {}", q.created.local_date()));
    if let Some(v) = q.valid_until {
        out.push(format!("- **Valid until:** {v}"));
    }
    out.push(format!("- **Status:** {}", q.status));
    out.push(format!("- **Currency:** {}", q.currency));
    out.push(String::new());
    if q.lines.is_empty() {
        out.push("*This quote has no lines yet.*".to_string());
    } else {
        out.push("| Product | Quantity | Unit price | Discount % | Line total |".to_string());
        out.push("|---|---:|---:|---:|---:|".to_string());
        for l in &q.lines {
            out.push(format!(
                "| {} | {} | {} | {} | {} |",
                md(&l.description),
                l.quantity,
                l.unit_price.grouped(),
                l.discount,
                l.net().grouped()
            ));
        }
    }
    let t = q.totals();
    out.push(String::new());
    out.push("| Totals | Amount |".to_string());
    out.push("|---|---:|".to_string());
    out.push(format!("| Subtotal | {} {} |", t.subtotal.grouped(), q.currency));
    out.push(format!("| Discount | -{} {} |", t.discount.grouped(), q.currency));
    out.push(format!("| **Total** | **{} {}** |", t.total.grouped(), q.currency));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole units in cents.
    fn u(units: i64) -> i64 {
        units * 100
    }
    use crate::model::{Amount, QuoteLine};

    #[test]
    fn bars_scale_to_the_largest_and_mark_the_weighted_part() {
        assert_eq!(bar(100, 50, 100, 10), "█████░░░░░");
        assert_eq!(bar(50, 0, 100, 10), "░░░░░");
        assert_eq!(bar(1, 1, 1_000_000, 10), "█", "a tiny value still shows");
        assert_eq!(bar(0, 0, 100, 10), "");
        assert_eq!(bar(i64::MAX, i64::MAX, i64::MAX, 60).chars().count(), 60, "no overflow");
        assert_eq!(bar(100, 100, 100, 10), "██████████");
    }

    #[test]
    fn markdown_escapes_what_markdown_would_read() {
        assert_eq!(md("A|B *x* [y]\n_z_"), "A\\|B \\*x\\* \\[y\\] \\_z\\_");
        let q = Quote {
            number: "Q-00007".into(),
            lines: vec![QuoteLine {
                product: None,
                description: "Pipe | fitting".into(),
                quantity: 2,
                unit_price: Amount(u(1_000)),
                discount: 5,
            }],
            ..Default::default()
        };
        let text = quote_markdown(&q, &QuoteParties { account: "Acme", contact: None, opportunity: "Deal" });
        assert!(text.starts_with("# Quote Q-00007\n"), "{text}");
        assert!(text.contains("| Pipe \\| fitting | 2 | 1,000.00 | 5 | 1,900.00 |"), "{text}");
        assert!(text.ends_with("| **Total** | **1,900.00 USD** |"), "{text}");
        assert!(!text.contains("Contact"), "{text}");
    }
}
