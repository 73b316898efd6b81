//! `rolo report`: its arguments, the handler, and each report as text and CSV.

use anyhow::Result;
use clap::Args;

use super::output::{Out, table};
use super::{fields, stdio};
use crate::crm::{ActivityReport, ActivityRow, CampaignsReport, Crm, ForecastQuery, Report, ReportQuery, TasksReport};
use crate::model::{Amount, Currency, ValidationError, format_duration};

/// `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report: stages, tasks, calls, projects, emails, forecast, campaigns, activity, cases,
    /// customers, competitors, quotas, products.
    #[arg(value_parser = super::shell::Offered(super::shell::reports), hide_possible_values = true)]
    pub name: String,
    /// First day counted, YYYY-MM-DD (default: the first day of this month).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day counted, YYYY-MM-DD (default: twelve whole months from --from).
    #[arg(long)]
    pub to: Option<String>,
    /// Print the numbers as CSV, a header line then one line per period (not with --json).
    #[arg(long)]
    pub csv: bool,
    /// forecast: one row per month or per quarter (JSON always has both).
    #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
    pub by: PeriodArg,
    /// forecast: the best case counts open deals whose stage's default probability is at least
    /// this percentage.
    #[arg(long, value_name = "PERCENT", default_value_t = crate::crm::DEFAULT_BEST_CASE_MIN,
          value_parser = clap::value_parser!(u8).range(0..=100))]
    pub best_case_min: u8,
    /// forecast, stages, campaigns: report in this currency (default: the one most deals in range
    /// use); deals in other currencies are left out and counted.
    #[arg(long)]
    pub currency: Option<String>,
    /// emails: list the addresses of one cell, CONSENT[,VALIDITY] (either may be `any`), like
    /// `opted-in`, `any,bounced` or `opted-out,valid`.
    #[arg(long, value_name = "CONSENT[,VALIDITY]")]
    pub list: Option<String>,
    /// customers: a customer with no activity for more than this many days is at risk.
    #[arg(long, value_name = "DAYS", default_value_t = crate::crm::DEFAULT_QUIET_DAYS)]
    pub quiet_days: u32,
}

/// The periods a report's rows stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeriodArg {
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
}

pub(super) fn report(out: &Out, crm: &Crm, a: ReportArgs) -> Result<()> {
    match a.name.parse::<Report>()? {
        Report::Forecast => forecast(out, crm, a),
        Report::Stages => {
            let r = worked_out(out, || Ok(crm.stages_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, stages_csv, stages_text)
        }
        Report::Calls => {
            let r = worked_out(out, || Ok(crm.calls_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, calls_csv, calls_text)
        }
        Report::Tasks => {
            let r = worked_out(out, || Ok(crm.tasks_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, tasks_csv, tasks_text)
        }
        Report::Campaigns => {
            let r = worked_out(out, || Ok(crm.campaigns_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, campaigns_csv, campaigns_text)
        }
        Report::Activity => {
            let r = worked_out(out, || Ok(crm.activity_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, activity_csv, activity_text)
        }
        Report::Emails => {
            let query = report_query(out, crm, &a)?;
            let r = worked_out(out, || Ok(crm.emails_report(query, a.list.as_deref().map(email_cell).transpose()?)?))?;
            print_report(out, &a, &r, emails_csv, emails_text)
        }
        Report::Projects => {
            let r = worked_out(out, || Ok(crm.projects_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, projects_csv, projects_text)
        }
        Report::Cases => {
            let r = worked_out(out, || Ok(crm.cases_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, cases_csv, cases_text)
        }
        Report::Customers => {
            let r = worked_out(out, || Ok(crm.customers_report(report_query(out, crm, &a)?, a.quiet_days)?))?;
            print_report(out, &a, &r, super::analysis::customers_csv, super::analysis::customers_text)
        }
        Report::Quotas => {
            let r = worked_out(out, || Ok(crm.quotas_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, super::analysis::quotas_csv, super::analysis::quotas_text)
        }
        Report::Products => {
            let r = worked_out(out, || Ok(crm.products_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, super::analysis::products_csv, super::analysis::products_text)
        }
        Report::Competitors => {
            let r = worked_out(out, || Ok(crm.competitors_report(report_query(out, crm, &a)?)?))?;
            print_report(out, &a, &r, super::analysis::competitors_csv, super::analysis::competitors_text)
        }
    }
}

/// The report `work` computes, a spinner turning meanwhile (over a long range of a big file it
/// takes a while), gone before the report prints.
fn worked_out<T>(out: &Out, work: impl FnOnce() -> Result<T>) -> Result<T> {
    let _spinner = super::progress::spinning(out, "working out the report");
    work()
}

/// The period and currency of a report's flags; refuses `--csv` with `--json`.
fn report_query(out: &Out, crm: &Crm, a: &ReportArgs) -> Result<ReportQuery> {
    if a.csv && out.json {
        return Err(ValidationError::new("csv", "cannot be combined with --json: drop one").into());
    }
    Ok(ReportQuery {
        from: a.from.as_deref().map(|d| fields::since("from", d, crm.session().today())).transpose()?,
        to: a.to.as_deref().map(|d| fields::date("to", d, crm.session().today())).transpose()?,
        currency: a.currency.as_deref().map(Currency::parse).transpose()?,
    })
}

/// The cell of `--list CONSENT[,VALIDITY]` (either may be `any`).
fn email_cell(text: &str) -> Result<crate::crm::EmailCell> {
    let (consent, validity) = text.split_once(',').unwrap_or((text, "any"));
    let any = |t: &str| t.trim().eq_ignore_ascii_case("any");
    let bad = |m: String| ValidationError::new("list", format!("{m}: write CONSENT[,VALIDITY], like any,bounced"));
    Ok(crate::crm::EmailCell {
        consent: if any(consent) { None } else { Some(consent.parse().map_err(|e: ValidationError| bad(e.message))?) },
        validity: if any(validity) {
            None
        } else {
            Some(validity.parse().map_err(|e: ValidationError| bad(e.message))?)
        },
    })
}

/// Prints a report as JSON, CSV (through `csv`) or text (through `text`).
fn print_report<R: serde::Serialize>(
    out: &Out,
    a: &ReportArgs,
    r: &R,
    csv: fn(&R, &mut dyn std::io::Write) -> Result<()>,
    text: fn(&R) -> String,
) -> Result<()> {
    if out.json {
        out.json_value(r);
    } else if a.csv {
        csv(r, &mut stdio::Stdout)?;
    } else {
        say!("{}", text(r));
    }
    Ok(())
}

fn forecast(out: &Out, crm: &Crm, a: ReportArgs) -> Result<()> {
    if a.csv && out.json {
        return Err(ValidationError::new("csv", "cannot be combined with --json: drop one").into());
    }
    let query = ForecastQuery {
        from: a.from.as_deref().map(|d| fields::since("from", d, crm.session().today())).transpose()?,
        to: a.to.as_deref().map(|d| fields::date("to", d, crm.session().today())).transpose()?,
        best_case_min: a.best_case_min,
        currency: a.currency.as_deref().map(Currency::parse).transpose()?,
    };
    let f = worked_out(out, || Ok(crm.forecast(query)?))?;
    let (periods, by) = match a.by {
        PeriodArg::Month => (&f.months, "month"),
        PeriodArg::Quarter => (&f.quarters, "quarter"),
    };
    if out.json {
        out.json_value(&f);
    } else if a.csv {
        forecast_csv(periods, stdio::Stdout)?;
    } else {
        say!("{}", forecast_text(&f, periods, by));
    }
    Ok(())
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
pub(super) fn currency_line(
    currency: crate::model::Currency,
    left_out: u32,
    others: &[crate::model::Currency],
) -> String {
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

/// The tasks report for people: a table of weeks, a bar per week (`█` on time, `░` late), the
/// on-time rate.
pub fn tasks_text(r: &TasksReport) -> String {
    let mut out = vec![format!("Tasks by ISO week, {} to {}", r.from, r.to), String::new()];
    let rows = r.weeks.iter().map(|w| {
        vec![w.week.clone(), w.completed.to_string(), w.late.to_string(), w.open.to_string(), w.overdue.to_string()]
    });
    out.push(table(&["WEEK", "COMPLETED", "LATE", "STILL OPEN", "OVERDUE"], rows, &[1, 2, 3, 4]));
    out.push(String::new());
    if r.weeks.iter().all(|w| w.completed == 0) {
        out.push("no tasks completed in this range: nothing to chart".to_string());
    } else {
        let bars: Vec<(String, i64, i64)> = r
            .weeks
            .iter()
            .map(|w| (w.week.clone(), i64::from(w.completed), i64::from(w.completed.saturating_sub(w.late))))
            .collect();
        out.extend(bar_lines(&bars));
        out.push("█ completed on time  ░ completed late".to_string());
    }
    out.push(match r.on_time_rate {
        Some(rate) => format!("{:.0}% of the tasks completed in this range were on time", rate * 100.0),
        None => "no on-time rate: no tasks were completed in this range".to_string(),
    });
    out.join("\n")
}

/// The tasks report as CSV: one line per ISO week.
pub fn tasks_csv(r: &TasksReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(["week", "from", "to", "completed", "late", "open", "overdue"])?;
    for k in &r.weeks {
        w.row([
            k.week.clone(),
            k.from.to_string(),
            k.to.to_string(),
            k.completed.to_string(),
            k.late.to_string(),
            k.open.to_string(),
            k.overdue.to_string(),
        ])?;
    }
    w.finish()?;
    Ok(())
}

/// An amount grouped for people, `–` when there is none.
fn money(a: Option<Amount>) -> String {
    a.map_or_else(|| "–".to_string(), Amount::grouped)
}

/// The campaigns report for people: a table of campaigns and a bar per campaign (`█` converted
/// leads, `░` the other leads).
pub fn campaigns_text(r: &CampaignsReport) -> String {
    let mut out = vec![format!("Campaigns, money in {}", r.currency.as_str()), String::new()];
    if r.campaigns.is_empty() {
        out.push("no campaigns yet: add one with rolo campaign add --name NAME".to_string());
        return out.join("\n");
    }
    let rows = r.campaigns.iter().map(|c| {
        vec![
            c.id.to_string(),
            crate::text::truncate(&c.name, 30),
            c.leads.to_string(),
            c.converted.to_string(),
            c.opportunities.to_string(),
            money(Some(c.won)),
            money(c.budget),
            money(c.cost_per_lead),
        ]
    });
    out.push(table(
        &["ID", "NAME", "LEADS", "CONVERTED", "DEALS", "WON", "BUDGET", "PER LEAD"],
        rows,
        &[0, 2, 3, 4, 5, 6, 7],
    ));
    out.push(String::new());
    if r.campaigns.iter().all(|c| c.leads == 0) {
        out.push("no leads from any campaign: nothing to chart".to_string());
    } else {
        let bars: Vec<(String, i64, i64)> =
            r.campaigns.iter().map(|c| (c.name.clone(), i64::from(c.leads), i64::from(c.converted))).collect();
        out.extend(bar_lines(&bars));
        out.push("█ converted leads  ░ the other leads".to_string());
    }
    out.join("\n")
}

/// The campaigns report as CSV: one line per campaign, amounts as decimals (empty when none),
/// then the currency.
pub fn campaigns_csv(r: &CampaignsReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let decimal = |a: Option<Amount>| a.map(Amount::decimal).unwrap_or_default();
    let mut w = crate::export::Sheet::new(to);
    w.row(["id", "name", "leads", "converted", "opportunities", "won", "budget", "cost_per_lead", "currency"])?;
    for c in &r.campaigns {
        w.row([
            c.id.to_string(),
            c.name.clone(),
            c.leads.to_string(),
            c.converted.to_string(),
            c.opportunities.to_string(),
            c.won.decimal(),
            decimal(c.budget),
            decimal(c.cost_per_lead),
            r.currency.as_str().to_string(),
        ])?;
    }
    w.finish()?;
    Ok(())
}

/// The cells of one activity row after its owner: day, calls, connected, tasks done, deals moved,
/// emails.
fn activity_cells(row: &ActivityRow) -> [String; 6] {
    [
        row.day.to_string(),
        row.calls.to_string(),
        row.connected.to_string(),
        row.tasks_done.to_string(),
        row.deals_moved.to_string(),
        row.emails.to_string(),
    ]
}

/// The activity report for people: a table of people and days, then a bar per person (`█`
/// connected calls, `░` the other calls).
pub fn activity_text(r: &ActivityReport) -> String {
    let mut out = vec![format!("Activity {} to {}", r.from, r.to), String::new()];
    if r.rows.is_empty() {
        out.push("no calls, completed tasks, moved deals or emails in this range".to_string());
        return out.join("\n");
    }
    let lines = r.rows.iter().map(|row| {
        let mut cells = vec![crate::text::truncate(&row.owner, 24)];
        cells.extend(activity_cells(row));
        cells
    });
    let header = ["OWNER", "DAY", "CALLS", "CONNECTED", "TASKS DONE", "DEALS MOVED", "EMAILS"];
    out.push(table(&header, lines, &[2, 3, 4, 5, 6]));
    let mut per_owner: Vec<(String, i64, i64)> = Vec::new();
    for row in &r.rows {
        if per_owner.last().is_none_or(|p| p.0 != row.owner) {
            per_owner.push((row.owner.clone(), 0, 0));
        }
        if let Some(p) = per_owner.last_mut() {
            p.1 += i64::from(row.calls);
            p.2 += i64::from(row.connected);
        }
    }
    if per_owner.iter().any(|p| p.1 > 0) {
        out.push(String::new());
        out.extend(bar_lines(&per_owner));
        out.push("█ connected calls  ░ the other calls, per person over the range".to_string());
    }
    out.join("\n")
}

/// The activity report as CSV: one line per person and day.
pub fn activity_csv(r: &ActivityReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = crate::export::Sheet::new(to);
    w.row(["owner", "day", "calls", "connected", "tasks_done", "deals_moved", "emails"])?;
    for row in &r.rows {
        w.row(std::iter::once(row.owner.clone()).chain(activity_cells(row)))?;
    }
    w.finish()?;
    Ok(())
}

/// The cases report for people: cases per week with bars, by status and priority, the SLA, the
/// median times, and the accounts and products with most cases.
pub fn cases_text(r: &crate::crm::CasesReport) -> String {
    use crate::model::span_words;
    let mut out = vec![format!("Cases opened {} to {}", r.from, r.to), String::new()];
    let rows = r.weeks.iter().map(|w| vec![w.week.to_string(), w.opened.to_string(), w.closed.to_string()]);
    out.push(table(&["WEEK", "OPENED", "CLOSED"], rows, &[1, 2]));
    out.push(String::new());
    if r.opened == 0 {
        out.push("no cases opened in this range".to_string());
        return out.join("\n");
    }
    let bars: Vec<(String, i64, i64)> =
        r.weeks.iter().map(|w| (w.week.to_string(), i64::from(w.opened), i64::from(w.opened))).collect();
    out.extend(bar_lines(&bars));
    out.push(String::new());
    let rows = r.by_status.iter().map(|s| {
        let mut row = vec![crate::text::spoken(s.status.word())];
        row.extend(s.by_priority.iter().map(u32::to_string));
        row
    });
    out.push(table(&["STATUS", "LOW", "NORMAL", "HIGH", "URGENT"], rows, &[1, 2, 3, 4]));
    out.push(String::new());
    let time = |s: Option<i64>| s.map_or("none yet".to_string(), span_words);
    out.push(format!("SLA: {} met or not yet due, {} breached", r.sla_met, r.sla_breached));
    out.push(format!(
        "Median time to first response: {}; to resolution: {}",
        time(r.median_first_response_secs),
        time(r.median_resolution_secs)
    ));
    for (title, groups) in [("ACCOUNT", &r.by_account), ("PRODUCT", &r.by_product)] {
        out.push(String::new());
        let rows = groups.iter().take(10).map(|g| {
            vec![crate::text::truncate(&g.name, 40), g.opened.to_string(), g.open.to_string(), g.breached.to_string()]
        });
        out.push(table(&[title, "OPENED", "OPEN", "BREACHED"], rows, &[1, 2, 3]));
    }
    out.join("\n")
}

/// The cases report as CSV: one line per week.
pub fn cases_csv(r: &crate::crm::CasesReport, to: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(to);
    w.write_record(["week", "opened", "closed"])?;
    for week in &r.weeks {
        w.write_record([week.week.to_string(), week.opened.to_string(), week.closed.to_string()])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_mark_the_weighted_part() {
        assert_eq!(bar(100, 50, 100, 10), "█████░░░░░");
        assert_eq!(bar(50, 0, 100, 10), "░░░░░");
        assert_eq!(bar(1, 1, 1_000_000, 10), "█", "a tiny value still shows");
        assert_eq!(bar(0, 0, 100, 10), "");
        assert_eq!(bar(i64::MAX, i64::MAX, i64::MAX, 60).chars().count(), 60, "no overflow");
        assert_eq!(bar(100, 100, 100, 10), "██████████");
    }
}
