//! Printing: aligned tables and `field: value` blocks for people, JSON for scripts.

use std::cell::RefCell;
use std::collections::HashMap;

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;
use serde_json::Value;

use crate::crm::Crm;
use crate::crm::Indexed;
use crate::model::{
    Account, Amount, Call, Campaign, Contact, ContactList, Event, Id, Lead, Note, Opportunity, Product, Project, Quote,
    Stage, Task, format_duration,
};

/// Where output goes and in which form.
pub struct Out {
    /// JSON instead of tables.
    pub json: bool,
}

impl Out {
    /// Prints one JSON value (pretty) on stdout, its text cleaned as every data output is.
    pub fn json_value(&self, v: &impl Serialize) {
        match serde_json::to_value(v).and_then(|v| serde_json::to_string_pretty(&crate::text::plain_json(v))) {
            Ok(s) => say!("{s}"),
            Err(e) => say_err!("error: cannot write JSON: {e}"),
        }
    }

    /// Prints a confirmation for people, or the value for scripts.
    pub fn done(&self, v: &impl Serialize, message: impl FnOnce() -> String) {
        if self.json {
            self.json_value(v);
        } else {
            say!("{}", crate::text::sanitize(&message()));
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

    /// Today for the session the listing is printed for (what "overdue" is measured against).
    pub fn today(&self) -> crate::model::Date {
        self.crm.session().today()
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
        say!("no {} yet", R::KIND.plural());
    } else {
        say!("{}", table(R::HEADERS, items.iter().map(|r| r.row(&names)), R::RIGHT));
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
    say!("{}", table(Stage::HEADERS, rows, Stage::RIGHT));
}

/// Prints the lead sources in picker order with their use.
pub fn sources(out: &Out, sources: &[crate::crm::SourceUse]) {
    if out.json {
        return out.json_value(&sources);
    }
    let rows = sources.iter().enumerate().map(|(i, s)| {
        vec![(i + 1).to_string(), crate::text::spoken(&s.name), s.leads.to_string(), s.deals.to_string()]
    });
    say!("{}", table(&["#", "SOURCE", "LEADS", "DEALS"], rows, &[0, 2, 3]));
}

/// Prints pairs of contacts that look like one person.
pub fn duplicates(out: &Out, pairs: &[crate::crm::DuplicatePair]) {
    if out.json {
        return out.json_value(&pairs);
    }
    if pairs.is_empty() {
        return say!("no possible duplicates");
    }
    let rows = pairs.iter().map(|p| {
        vec![p.first.to_string(), p.first_name.clone(), p.second.to_string(), p.second_name.clone(), p.reason.clone()]
    });
    say!("{}", table(&["KEEP", "NAME", "MERGE", "NAME", "WHY"], rows, &[0, 2]));
}

/// Prints one record in full.
pub fn show<R: Present>(out: &Out, crm: &Crm, rec: &R) {
    let names = Names::new(crm);
    let value = rec.json(&names);
    if out.json {
        out.json_value(&value);
    } else {
        say!("{}", field_lines(&value));
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
                None => crate::text::display_value(k, v),
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
            crate::text::spoken(self.source.as_deref().unwrap_or_default()),
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
            format!("{} {}", Amount::grouped_sum(self.totals().map(|t| t.total)), self.currency),
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
        let overdue = if self.is_overdue(names.today()) { "!" } else { "" };
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

/// A quote's subtotal, discount and total as people read them (`too large` for a sum that
/// cannot be counted).
pub fn quote_sums(q: &Quote) -> [String; 3] {
    let t = q.totals();
    [t.map(|t| t.subtotal), t.map(|t| t.discount), t.map(|t| t.total)].map(Amount::grouped_sum)
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
    let mut out = vec![format!("Forecast {} to {} in {}, by {by}", f.from, f.to, f.currency), String::new()];
    let rows = periods.iter().map(crate::crm::ForecastPeriod::cells);
    out.push(table(&crate::crm::ForecastPeriod::COLUMNS, rows, &[1, 2, 3, 4, 5]));
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
    out.push(currency_line(f.currency, f.left_out, &f.other_currencies));
    out.join("\n")
}

/// Which currency the amounts are in, and what other currencies were left out (amounts in
/// different currencies are never added together).
fn currency_line(currency: crate::model::Currency, left_out: u32, others: &[crate::model::Currency]) -> String {
    use crate::text::count;
    let codes = others.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    if left_out == 0 {
        return format!("Amounts in {currency}.");
    }
    format!(
        "Amounts in {currency}; {} in {} left out: see {} with --currency {}.",
        count(left_out as usize, "opportunity", "opportunities"),
        codes.join(", "),
        if left_out == 1 { "it" } else { "them" },
        codes.first().map(String::as_str).unwrap_or_default(),
    )
}

/// The forecast periods as CSV: a header line, then one line per period; amounts as plain
/// decimals (`1500.00`) so spreadsheets read them as numbers.
pub fn forecast_csv(periods: &[crate::crm::ForecastPeriod], to: impl std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(["period", "from", "to", "open", "pipeline", "weighted", "best_case", "closed_won"])?;
    for p in periods {
        w.row([
            p.label.clone(),
            p.from.map(|d| d.to_string()).unwrap_or_default(),
            p.to.to_string(),
            p.open.to_string(),
            p.pipeline.decimal(),
            p.weighted.decimal(),
            p.best_case.decimal(),
            p.closed_won.decimal(),
        ])?;
    }
    w.finish()?;
    Ok(())
}

/// The widest a bar chart's label column gets; longer labels are cut with `…`.
const LABEL_WIDTH: usize = 24;

/// One labelled bar per row, fitting 80 columns: `(label, whole, solid)` where `whole` sets the
/// length (the largest fills the bar) and `solid` the part drawn `█` (the rest is `░`).
pub fn bar_lines(rows: &[(String, i64, i64)]) -> Vec<String> {
    use crate::text::{truncate, width};
    let labels: Vec<String> = rows.iter().map(|(l, _, _)| truncate(l, LABEL_WIDTH)).collect();
    let label_width = labels.iter().map(|l| width(l)).max().unwrap_or(0);
    let bar_width = BAR_WIDTH.min(80 - label_width - 2);
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    rows.iter()
        .zip(labels)
        .map(|((_, whole, solid), label)| {
            let pad = " ".repeat(label_width - width(&label));
            format!("{label}{pad} │{}", bar(*whole, *solid, max, bar_width)).trim_end().to_string()
        })
        .collect()
}

/// The opportunities-by-stage report for people: a table, a bar per stage, what was left out.
pub fn stages_text(r: &crate::crm::StagesReport) -> String {
    let mut out = vec![
        format!("Opportunities by stage, closing {}, in {}", crate::crm::period_words(r.from, r.to), r.currency),
        String::new(),
    ];
    let row =
        |s: &crate::crm::StageRow| vec![s.stage.clone(), s.count.to_string(), s.amount.grouped(), s.weighted.grouped()];
    let rows = r.stages.iter().chain(std::iter::once(&r.total)).map(row);
    out.push(table(&["STAGE", "DEALS", "AMOUNT", "WEIGHTED"], rows, &[1, 2, 3]));
    out.push(String::new());
    let max = r.stages.iter().map(|s| s.amount.0).max().unwrap_or(0);
    if max > 0 {
        let bars: Vec<(String, i64, i64)> =
            r.stages.iter().map(|s| (s.stage.clone(), s.amount.0, s.weighted.0)).collect();
        out.extend(bar_lines(&bars));
        out.push(format!("█ weighted  ░ rest of the amount; a full bar is {}", Amount(max).grouped()));
    } else {
        out.push("no amounts in this range: nothing to chart".to_string());
    }
    out.push(String::new());
    out.push(currency_line(r.currency, r.left_out, &r.other_currencies));
    out.join("\n")
}

/// The stages report as CSV: one line per stage, then the total.
pub fn stages_csv(r: &crate::crm::StagesReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(["stage", "outcome", "count", "amount", "weighted", "currency"])?;
    for s in r.stages.iter().chain(std::iter::once(&r.total)) {
        let outcome = if s.id == 0 { "" } else { s.outcome.word() };
        w.row([
            s.stage.clone(),
            outcome.to_string(),
            s.count.to_string(),
            s.amount.decimal(),
            s.weighted.decimal(),
            r.currency.to_string(),
        ])?;
    }
    w.finish()?;
    Ok(())
}

/// The words people read for a project state.
fn state_words(s: crate::crm::ProjectState) -> &'static str {
    use crate::crm::ProjectState::*;
    match s {
        OnTrack => "on track",
        Overdue => "overdue",
        GoalMet => "done, goal met",
        GoalMissed => "done, goal missed",
        Cancelled => "cancelled",
    }
}

/// The projects report for people: each project, then a bar per state.
pub fn projects_text(r: &crate::crm::ProjectsReport) -> String {
    let mut out =
        vec![format!("Projects due {}, as of {}", crate::crm::period_words(r.from, r.to), r.today), String::new()];
    if r.projects.is_empty() {
        out.push("no projects due in this range".to_string());
        return out.join("\n");
    }
    let rows = r.projects.iter().map(|p| {
        vec![p.id.to_string(), crate::text::truncate(&p.name, 40), p.due.to_string(), state_words(p.state).to_string()]
    });
    out.push(table(&["ID", "NAME", "DUE", "STATE"], rows, &[0]));
    out.push(String::new());
    let bars: Vec<(String, i64, i64)> = r
        .counts
        .iter()
        .map(|c| (format!("{} {}", state_words(c.state), c.count), c.count as i64, c.count as i64))
        .collect();
    out.extend(bar_lines(&bars));
    out.push(format!("{} in all", crate::text::count(r.total as usize, "project", "projects")));
    out.join("\n")
}

/// The projects report as CSV: one line per project.
pub fn projects_csv(r: &crate::crm::ProjectsReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(["id", "name", "due", "state"])?;
    for p in &r.projects {
        w.row([p.id.to_string(), p.name.clone(), p.due.to_string(), p.state.word().to_string()])?;
    }
    w.finish()?;
    Ok(())
}

/// The emails report for people: consent × validity counts and a bar per consent, or, with a
/// drill-down, the addresses of that cell.
pub fn emails_text(r: &crate::crm::EmailsReport) -> String {
    let mut out =
        vec![format!("Email addresses of contacts created {}", crate::crm::period_words(r.from, r.to)), String::new()];
    if let Some(list) = &r.addresses {
        if list.is_empty() {
            out.push("no addresses in this cell".to_string());
        } else {
            let rows = list.iter().map(|e| {
                vec![
                    e.contact.to_string(),
                    crate::text::truncate(&e.name, 30),
                    e.address.clone(),
                    e.consent.to_string(),
                    e.validity.word().to_string(),
                ]
            });
            out.push(table(&["CONTACT", "NAME", "EMAIL", "CONSENT", "VALIDITY"], rows, &[0]));
            out.push(String::new());
            out.push(crate::text::count(list.len(), "address", "addresses"));
        }
        return out.join("\n");
    }
    let cells = |c: &crate::crm::ConsentRow| {
        [c.valid, c.invalid, c.bounced, c.unknown, c.total].iter().map(|n| n.to_string()).collect::<Vec<_>>()
    };
    let rows = r.rows.iter().chain(std::iter::once(&r.total)).map(|c| {
        let mut row = vec![crate::text::spoken(&c.consent)];
        row.extend(cells(c));
        row
    });
    out.push(table(&["CONSENT", "VALID", "INVALID", "BOUNCED", "UNKNOWN", "TOTAL"], rows, &[1, 2, 3, 4, 5]));
    out.push(String::new());
    if r.total.total == 0 {
        out.push("no email addresses: nothing to chart".to_string());
    } else {
        let bars: Vec<(String, i64, i64)> =
            r.rows.iter().map(|c| (crate::text::spoken(&c.consent), c.total as i64, c.valid as i64)).collect();
        out.extend(bar_lines(&bars));
        out.push("█ valid  ░ invalid, bounced or unknown; see them with --list CONSENT,VALIDITY".to_string());
    }
    out.join("\n")
}

/// The emails report as CSV: the consent × validity table, or the drill-down's addresses.
pub fn emails_csv(r: &crate::crm::EmailsReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    if let Some(list) = &r.addresses {
        w.row(["contact", "name", "email", "consent", "validity"])?;
        for e in list {
            w.row([
                e.contact.to_string(),
                e.name.clone(),
                e.address.clone(),
                e.consent.word().to_string(),
                e.validity.word().to_string(),
            ])?;
        }
    } else {
        w.row(["consent", "valid", "invalid", "bounced", "unknown", "total"])?;
        for c in r.rows.iter().chain(std::iter::once(&r.total)) {
            let mut row = vec![c.consent.clone()];
            row.extend([c.valid, c.invalid, c.bounced, c.unknown, c.total].iter().map(|n| n.to_string()));
            w.row(row)?;
        }
    }
    w.finish()?;
    Ok(())
}

/// The calls report for people: totals, then for each breakdown a table and bars (`█` calls,
/// `░` talk time, each scaled to its own largest value).
pub fn calls_text(r: &crate::crm::CallsReport) -> String {
    let mut out = vec![format!(
        "Calls {} to {}: {}, {} talk time",
        r.from,
        r.to,
        r.calls,
        format_duration(r.talk_secs.min(u32::MAX as u64) as u32)
    )];
    if r.calls == 0 {
        out.push("no calls in this range".to_string());
        return out.join("\n");
    }
    let section = |out: &mut Vec<String>, title: &str, rows: Vec<(String, u32, u64)>, talk: bool| {
        out.push(String::new());
        let table_rows = rows.iter().map(|(l, n, t)| {
            vec![crate::text::truncate(l, 40), n.to_string(), format_duration((*t).min(u32::MAX as u64) as u32)]
        });
        out.push(table(&[title, "CALLS", "TALK TIME"], table_rows, &[1, 2]));
        let bars: Vec<(String, i64, i64)> = rows
            .iter()
            .map(|(l, n, t)| if talk { (l.clone(), *t as i64, 0) } else { (l.clone(), *n as i64, *n as i64) })
            .collect();
        if bars.iter().any(|b| b.1 > 0) {
            out.push(String::new());
            out.extend(bar_lines(&bars));
        }
    };
    let accounts = |list: &[crate::crm::AccountCalls]| -> Vec<(String, u32, u64)> {
        list.iter().map(|a| (a.name.clone(), a.calls, a.talk_secs)).collect()
    };
    let counts = |list: &[crate::crm::CallCount]| -> Vec<(String, u32, u64)> {
        list.iter().map(|c| (crate::text::spoken(&c.label), c.calls, c.talk_secs)).collect()
    };
    section(&mut out, "TOP ACCOUNTS BY CALLS", accounts(&r.top_by_calls), false);
    section(&mut out, "TOP ACCOUNTS BY TALK TIME", accounts(&r.top_by_talk), true);
    section(&mut out, "COUNTRY", counts(&r.by_country), false);
    section(&mut out, "OUTCOME", counts(&r.by_outcome), false);
    section(&mut out, "DIRECTION", counts(&r.by_direction), false);
    out.push(String::new());
    out.push("█ calls  ░ talk time; each chart's longest bar is its largest value".to_string());
    out.join("\n")
}

/// The calls report as CSV: one line per (breakdown, label), talk time in seconds.
pub fn calls_csv(r: &crate::crm::CallsReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(["breakdown", "label", "calls", "talk_secs"])?;
    for (name, list) in [("top_by_calls", &r.top_by_calls), ("top_by_talk", &r.top_by_talk)] {
        for a in list {
            w.row([name.to_string(), a.name.clone(), a.calls.to_string(), a.talk_secs.to_string()])?;
        }
    }
    for (name, list) in [("country", &r.by_country), ("outcome", &r.by_outcome), ("direction", &r.by_direction)] {
        for c in list {
            w.row([name.to_string(), c.label.clone(), c.calls.to_string(), c.talk_secs.to_string()])?;
        }
    }
    w.finish()?;
    Ok(())
}

/// A report field as a whole number (0 when missing), for the reports printed from their JSON.
fn num(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or(0)
}

/// A report field as text (empty when missing or null; numbers as JSON writes them).
fn text_of(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The rows of a report's list field (none when missing).
fn rows_of<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Writes `keys` as a CSV header, then one line per row of `rows` with those fields.
fn json_csv(rows: &[Value], keys: &[&str], to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(keys)?;
    for row in rows {
        w.row(keys.iter().map(|k| text_of(row, k)))?;
    }
    w.finish()?;
    Ok(())
}

/// The columns of the tasks report's CSV (the fields of each week in its JSON).
const TASK_WEEK_COLUMNS: [&str; 7] = ["week", "from", "to", "completed", "late", "open", "overdue"];

/// The tasks report (its JSON) for people: a table of weeks, a bar per week (`█` on time, `░`
/// late), the on-time rate.
pub fn tasks_text(r: &Value) -> String {
    let mut out = vec![format!("Tasks by ISO week, {} to {}", text_of(r, "from"), text_of(r, "to")), String::new()];
    let weeks = rows_of(r, "weeks");
    let rows = weeks
        .iter()
        .map(|w| TASK_WEEK_COLUMNS.iter().filter(|k| !matches!(**k, "from" | "to")).map(|k| text_of(w, k)).collect());
    out.push(table(&["WEEK", "COMPLETED", "LATE", "STILL OPEN", "OVERDUE"], rows, &[1, 2, 3, 4]));
    out.push(String::new());
    if weeks.iter().all(|w| num(w, "completed") == 0) {
        out.push("no tasks completed in this range: nothing to chart".to_string());
    } else {
        let bars: Vec<(String, i64, i64)> = weeks
            .iter()
            .map(|w| {
                (
                    text_of(w, "week"),
                    num(w, "completed") as i64,
                    num(w, "completed").saturating_sub(num(w, "late")) as i64,
                )
            })
            .collect();
        out.extend(bar_lines(&bars));
        out.push("█ completed on time  ░ completed late".to_string());
    }
    out.push(match r["on_time_rate"].as_f64() {
        Some(rate) => format!("{:.0}% of the tasks completed in this range were on time", rate * 100.0),
        None => "no on-time rate: no tasks were completed in this range".to_string(),
    });
    out.join("\n")
}

/// The tasks report (its JSON) as CSV: one line per ISO week.
pub fn tasks_csv(r: &Value, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    json_csv(rows_of(r, "weeks"), &TASK_WEEK_COLUMNS, to)
}

/// The columns of the campaigns report's CSV (the fields of each campaign in its JSON), then
/// the currency.
const CAMPAIGN_COLUMNS: [&str; 8] =
    ["id", "name", "leads", "converted", "opportunities", "won", "budget", "cost_per_lead"];

/// An amount field of a report's JSON, grouped for people (`–` when null).
fn money_of(v: &Value, key: &str) -> String {
    match Amount::parse(&text_of(v, key)) {
        Ok(a) if !v[key].is_null() => a.grouped(),
        _ => "–".to_string(),
    }
}

/// The campaigns report (its JSON) for people: a table of campaigns and a bar per campaign
/// (`█` converted leads, `░` the other leads).
pub fn campaigns_text(r: &Value) -> String {
    let mut out = vec![format!("Campaigns, money in {}", text_of(r, "currency")), String::new()];
    let campaigns = rows_of(r, "campaigns");
    if campaigns.is_empty() {
        out.push("no campaigns yet: add one with rolo campaign add --name NAME".to_string());
        return out.join("\n");
    }
    let rows = campaigns.iter().map(|c| {
        let mut row = vec![text_of(c, "id"), crate::text::truncate(&text_of(c, "name"), 30)];
        row.extend(["leads", "converted", "opportunities"].iter().map(|k| text_of(c, k)));
        row.extend(["won", "budget", "cost_per_lead"].iter().map(|k| money_of(c, k)));
        row
    });
    out.push(table(
        &["ID", "NAME", "LEADS", "CONVERTED", "DEALS", "WON", "BUDGET", "PER LEAD"],
        rows,
        &[0, 2, 3, 4, 5, 6, 7],
    ));
    out.push(String::new());
    if campaigns.iter().all(|c| num(c, "leads") == 0) {
        out.push("no leads from any campaign: nothing to chart".to_string());
    } else {
        let bars: Vec<(String, i64, i64)> = campaigns
            .iter()
            .map(|c| (text_of(c, "name"), num(c, "leads") as i64, num(c, "converted") as i64))
            .collect();
        out.extend(bar_lines(&bars));
        out.push("█ converted leads  ░ the other leads".to_string());
    }
    out.join("\n")
}

/// The campaigns report (its JSON) as CSV: one line per campaign, amounts as decimals (empty
/// when none), then the currency.
pub fn campaigns_csv(r: &Value, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(CAMPAIGN_COLUMNS.iter().chain(&["currency"]))?;
    for c in rows_of(r, "campaigns") {
        w.row(CAMPAIGN_COLUMNS.iter().map(|k| text_of(c, k)).chain([text_of(r, "currency")]))?;
    }
    w.finish()?;
    Ok(())
}

/// The columns of the activity report's CSV (the fields of each row in its JSON).
const ACTIVITY_COLUMNS: [&str; 6] = ["owner", "day", "calls", "connected", "tasks_done", "deals_moved"];

/// The activity report (its JSON) for people: a table of people and days, then a bar per
/// person (`█` connected calls, `░` the other calls).
pub fn activity_text(r: &Value) -> String {
    let mut out = vec![format!("Activity {} to {}", text_of(r, "from"), text_of(r, "to")), String::new()];
    let rows = rows_of(r, "rows");
    if rows.is_empty() {
        out.push("no calls, completed tasks or moved deals in this range".to_string());
        return out.join("\n");
    }
    let lines = rows.iter().map(|row| {
        let mut cells = vec![crate::text::truncate(&text_of(row, "owner"), 24)];
        cells.extend(ACTIVITY_COLUMNS[1..].iter().map(|k| text_of(row, k)));
        cells
    });
    out.push(table(&["OWNER", "DAY", "CALLS", "CONNECTED", "TASKS DONE", "DEALS MOVED"], lines, &[2, 3, 4, 5]));
    let mut per_owner: Vec<(String, i64, i64)> = Vec::new();
    for row in rows {
        let owner = text_of(row, "owner");
        if per_owner.last().is_none_or(|p| p.0 != owner) {
            per_owner.push((owner, 0, 0));
        }
        if let Some(p) = per_owner.last_mut() {
            p.1 += num(row, "calls") as i64;
            p.2 += num(row, "connected") as i64;
        }
    }
    if per_owner.iter().any(|p| p.1 > 0) {
        out.push(String::new());
        out.extend(bar_lines(&per_owner));
        out.push("█ connected calls  ░ the other calls, per person over the range".to_string());
    }
    out.join("\n")
}

/// The activity report (its JSON) as CSV: one line per person and day.
pub fn activity_csv(r: &Value, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    json_csv(rows_of(r, "rows"), &ACTIVITY_COLUMNS, to)
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
                Amount::grouped_sum(l.net())
            ));
        }
    }
    let [subtotal, discount, total] = quote_sums(q);
    out.push(String::new());
    out.push("| Totals | Amount |".to_string());
    out.push("|---|---:|".to_string());
    out.push(format!("| Subtotal | {subtotal} {} |", q.currency));
    out.push(format!("| Discount | -{discount} {} |", q.currency));
    out.push(format!("| **Total** | **{total} {}** |", q.currency));
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
