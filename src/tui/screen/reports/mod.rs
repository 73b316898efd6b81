//! The Reports screen: the list of reports on the left, the chosen one on the right as a bar
//! chart (or a table) of the numbers `rolo report NAME --json` prints, for a period picked with
//! `p` or typed with `P`; `Enter` on a bar lists the records behind it, `Esc` comes back.
//!
//! Reports and drill-downs are computed on worker threads (a spinner shows meanwhile), through
//! the same service functions as the command line ([`Crm::report_chart`], [`Crm::records_in`]).

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

mod draw;

pub use draw::draw;

use crate::crm::{Bucket, Chart, ChartView, Crm, Report, ReportQuery, Unit};
use crate::model::{Amount, Date, Dates, RecordRef};
use crate::text::{sanitize, truncate, width};
use crate::tui::ctx::Ctx;
use crate::tui::hits::Target;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::line::LineField;
use crate::tui::list::RecordList;
use crate::tui::screen::{Effect, Screen};

/// The period a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The report's own default (the forecast's next twelve months, the calls' last 30 days…).
    Default,
    /// This week, from the user's first day of the week (Monday unless they set another).
    Week,
    /// This calendar month.
    Month,
    /// This calendar quarter.
    Quarter,
    /// This calendar year.
    Year,
    /// Typed dates, both included.
    Custom(Date, Date),
}

impl Period {
    /// The one `p` moves to.
    pub fn next(self) -> Period {
        match self {
            Period::Default => Period::Week,
            Period::Week => Period::Month,
            Period::Month => Period::Quarter,
            Period::Quarter => Period::Year,
            Period::Year | Period::Custom(..) => Period::Default,
        }
    }

    /// Its first and last day, as of `today`, weeks starting as `dates` says; none for the
    /// report's own.
    pub fn range(self, today: Date, dates: Dates) -> Option<(Date, Date)> {
        use chrono::{Datelike, Months};
        let first_of = |month0: u32| Date::from_ymd(today.0.year(), month0 + 1, 1).unwrap_or(today);
        let months = |first: Date, n: u32| {
            let end = first.0.checked_add_months(Months::new(n)).and_then(|d| d.pred_opt()).unwrap_or(first.0);
            (first, Date(end))
        };
        match self {
            Period::Default => None,
            Period::Week => {
                let first = dates.week_of(today);
                Some((first, first.add_days(6)))
            }
            Period::Month => Some(months(first_of(today.0.month0()), 1)),
            Period::Quarter => Some(months(first_of(today.0.month0() / 3 * 3), 3)),
            Period::Year => Some(months(first_of(0), 12)),
            Period::Custom(from, to) => Some((from, to)),
        }
    }

    /// How the header names it, its dates written as `dates` says.
    pub fn words(self, dates: Dates) -> String {
        match self {
            Period::Default => "its own period".to_string(),
            Period::Week => "this week".to_string(),
            Period::Month => "this month".to_string(),
            Period::Quarter => "this quarter".to_string(),
            Period::Year => "this year".to_string(),
            Period::Custom(from, to) => format!("{} to {}", dates.show(from), dates.show(to)),
        }
    }

    /// A period typed as two dates (`2026-01-01 2026-03-31`, `2026-01-01 to today`, `-30d..today`
    /// is not offered: dates as forms take them, in the user's order too).
    pub fn parse(text: &str, today: Date, dates: Dates) -> Result<Period, String> {
        let words: Vec<&str> =
            text.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty() && *w != "to").collect();
        let words: Vec<&str> = match words.as_slice() {
            [one] if one.contains("..") => one.split("..").collect(),
            _ => words,
        };
        let [from, to] = words.as_slice() else {
            let (first, last) = (Date::from_ymd(2026, 1, 1), Date::from_ymd(2026, 3, 31));
            let [first, last] = [first, last].map(|d| d.map(|d| dates.show(d)).unwrap_or_default());
            return Err(format!("type two dates, from and to: {first} {last} (or today, mon, +3d)"));
        };
        // A weekday starts the period on its last one: `mon today` is this week so far.
        let (from, to) = (dates.parse_since(from, today)?, dates.parse(to, today)?);
        if to < from {
            return Err(format!("{} is before {}: give the earlier date first", dates.show(to), dates.show(from)));
        }
        Ok(Period::Custom(from, to))
    }
}

/// `chart` with the dates in its title, note and labels written the user's way.
fn dated(mut chart: Chart, dates: Dates) -> Chart {
    let rewrite = |text: &mut String| *text = dates.in_text(text).into_owned();
    rewrite(&mut chart.title);
    rewrite(&mut chart.note);
    chart.views.iter_mut().flat_map(|v| v.rows.iter_mut()).for_each(|r| rewrite(&mut r.label));
    chart
}

/// The records behind one bar.
#[derive(Debug)]
pub struct Drill {
    /// What they are: the bar and the measure ("Prospecting · amount").
    pub title: String,
    /// What the service is asked for.
    bucket: Bucket,
    /// The records, once read (or why they could not be).
    pub list: Option<Result<RecordList, String>>,
    /// Where the records come from while they are read.
    job: Option<Receiver<Result<Vec<RecordRef>, String>>>,
}

/// The report being computed: which, and where its answer comes.
struct Job {
    /// The report (an index into [`Report::ALL`]) and the period it was asked for.
    key: (usize, Period),
    /// When it started (the spinner turns with it).
    since: Instant,
    /// The answer.
    answer: Receiver<Result<Chart, String>>,
}

/// What a key on the Reports screen asks of the app.
#[derive(Debug, PartialEq, Eq)]
pub enum Done {
    /// Nothing more: the screen changed itself.
    Nothing,
    /// Open this record.
    Open(RecordRef),
    /// Say this in the status bar.
    Say(String),
}

/// The Reports screen.
pub struct Reports {
    /// The report shown (an index into [`Report::ALL`]).
    pub report: usize,
    /// Whether the keys move over the chart's bars rather than the list of reports.
    pub on_chart: bool,
    /// The period asked for.
    pub period: Period,
    /// Whether the numbers show as a table rather than a chart.
    pub table: bool,
    /// The breakdown shown (by month or by quarter, by country…).
    pub view: usize,
    /// The measure charted.
    pub measure: usize,
    /// The bar (row) selected.
    pub selected: usize,
    /// The chart of the report and period shown, or why it cannot be had; none until computed.
    pub chart: Option<Result<Chart, String>>,
    job: Option<Job>,
    /// The records behind the selected bar, while shown.
    pub drill: Option<Drill>,
    /// A period being typed, and why the last one typed was refused.
    pub typing: Option<(LineField, Option<String>)>,
    /// Rows of the drill-down list that fit on screen.
    height: usize,
}

impl Default for Reports {
    fn default() -> Self {
        Reports::new()
    }
}

/// Names the people of the activity report as the directory names them: its rows are labelled
/// by login ("ann", "ann 2026-03-02"), shown by name ("Ann Lee", "Ann Lee 2026-03-02").
fn name_people(crm: &Crm, chart: &mut Chart) {
    let Ok(dir) = crm.directory() else { return };
    for row in chart.views.iter_mut().flat_map(|v| v.rows.iter_mut()) {
        row.label = match row.label.split_once(' ') {
            Some((login, day)) => format!("{} {day}", dir.name_of(login)),
            None => dir.name_of(&row.label).to_string(),
        };
    }
}

/// Whether report `i` has a period to pick (the campaigns report covers every campaign).
fn has_period(i: usize) -> bool {
    Report::ALL[i].has_period()
}

impl Reports {
    /// The forecast, over its own period, the list of reports focused.
    pub fn new() -> Reports {
        Reports {
            report: 0,
            on_chart: false,
            period: Period::Default,
            table: false,
            view: 0,
            measure: 0,
            selected: 0,
            chart: None,
            job: None,
            drill: None,
            typing: None,
            height: 20,
        }
    }

    /// The name of the report shown.
    pub fn name(&self) -> &'static str {
        Report::ALL[self.report].name()
    }

    /// The breakdown shown, once computed.
    pub fn shown(&self) -> Option<&ChartView> {
        self.chart.as_ref()?.as_ref().ok()?.views.get(self.view)
    }

    /// Fits the drill-down list to `rows` lines.
    pub fn set_height(&mut self, rows: usize) {
        self.height = rows;
        if let Some(Drill { list: Some(Ok(l)), .. }) = &mut self.drill {
            l.height = rows;
            l.select(l.selected);
        }
    }

    /// Whether something is being computed.
    pub fn busy(&self) -> bool {
        self.job.is_some() || self.drill.as_ref().is_some_and(|d| d.job.is_some())
    }

    /// Forgets what was computed (after a write): the chart and the records shown are read again.
    pub fn invalidate(&mut self) {
        self.chart = None;
        self.job = None;
        if let Some(d) = &mut self.drill {
            d.list = None;
            d.job = None;
        }
    }

    /// Takes finished answers and starts what the screen needs (the only place it reads).
    pub fn read(&mut self, crm: &Arc<Crm>, today: Date) -> crate::crm::Result<()> {
        if let Some(job) = &self.job
            && let Ok(answer) = job.answer.try_recv()
        {
            if job.key == (self.report, self.period) {
                let dates = crm.session().dates();
                self.chart = Some(answer.map(|chart| dated(chart, dates)));
                self.fit();
            }
            self.job = None;
        }
        // One report at a time: one asked for before the last answer came in waits for it, so
        // running down the list never piles up work on the cores.
        let key = (self.report, self.period);
        if self.chart.is_none() && self.job.is_none() {
            let (tx, answer) = std::sync::mpsc::channel();
            let crm = crm.clone();
            let query = self.query(today, crm.session().dates());
            let report = Report::ALL[self.report];
            crate::tui::background::spawn(move || {
                let chart = crm.report_chart(report, query).map(|mut chart| {
                    if report == Report::Activity {
                        name_people(&crm, &mut chart);
                    }
                    chart
                });
                let _ = tx.send(chart.map_err(|e| e.to_string()));
            });
            self.job = Some(Job { key, since: Instant::now(), answer });
        }
        let height = self.height;
        if let Some(d) = &mut self.drill {
            if let Some(job) = &d.job
                && let Ok(answer) = job.try_recv()
            {
                d.job = None;
                d.list = Some(answer.map(|refs| {
                    let kind = d.bucket.kind();
                    let mut list = RecordList::pinned(kind, refs.into_iter().map(|r| r.id).collect());
                    if let Bucket::Emails { cell, .. } = &d.bucket {
                        list.emails_shown = Some(*cell);
                    }
                    list.height = height;
                    list
                }));
            }
            if d.list.is_none() && d.job.is_none() {
                let (tx, answer) = std::sync::mpsc::channel();
                let (crm, bucket) = (crm.clone(), d.bucket.clone());
                crate::tui::background::spawn(move || {
                    let _ = tx.send(crm.records_in(&bucket).map_err(|e| e.to_string()));
                });
                d.job = Some(answer);
            }
            if let Some(Ok(list)) = &mut d.list {
                list.refresh(crm)?;
            }
        }
        Ok(())
    }

    /// The query of the report shown, as of `today`.
    fn query(&self, today: Date, dates: Dates) -> ReportQuery {
        let range = if has_period(self.report) { self.period.range(today, dates) } else { None };
        ReportQuery { from: range.map(|r| r.0), to: range.map(|r| r.1), currency: None }
    }

    /// Keeps the breakdown, measure and bar within what the chart has.
    fn fit(&mut self) {
        let views = self.chart.as_ref().and_then(|c| c.as_ref().ok()).map_or(0, |c| c.views.len());
        self.view = self.view.min(views.saturating_sub(1));
        let (rows, measures) = self.shown().map_or((0, 0), |v| (v.rows.len(), v.measures.len()));
        self.measure = self.measure.min(measures.saturating_sub(1));
        self.selected = self.selected.min(rows.saturating_sub(1));
    }

    /// Shows another report (the chart is computed anew).
    fn choose(&mut self, report: usize) {
        if report != self.report {
            self.report = report;
            (self.view, self.measure, self.selected) = (0, 0, 0);
            self.chart = None;
        }
    }

    /// Does what a key asks on this screen; `None` when the key is not the screen's.
    pub fn act(&mut self, action: Action, today: Date, dates: Dates) -> Option<Done> {
        if let Some(d) = &mut self.drill {
            let Some(Ok(list)) = &mut d.list else {
                return matches!(action, Action::Back | Action::Quit | Action::Left).then(|| {
                    self.drill = None;
                    Done::Nothing
                });
            };
            let half = (list.height / 2).max(1) as isize;
            match action {
                Action::Back | Action::Quit | Action::Left => self.drill = None,
                Action::Up => list.move_by(-1),
                Action::Down => list.move_by(1),
                Action::HalfUp => list.move_by(-half),
                Action::HalfDown => list.move_by(half),
                Action::Top => list.select(0),
                Action::Bottom => list.select(usize::MAX),
                Action::Open | Action::Right => {
                    return Some(
                        list.selected_id().map_or(Done::Nothing, |id| Done::Open(RecordRef::new(list.kind, id))),
                    );
                }
                _ => return None,
            }
            return Some(Done::Nothing);
        }
        let rows = if self.on_chart { self.shown().map_or(0, |v| v.rows.len()) } else { Report::ALL.len() };
        let moved = |at: usize| -> usize {
            let last = rows.saturating_sub(1);
            match action {
                Action::Up => at.saturating_sub(1),
                Action::Down => (at + 1).min(last),
                Action::Top => 0,
                _ => last,
            }
        };
        match action {
            Action::Up | Action::Down | Action::Top | Action::Bottom if self.on_chart => {
                self.selected = moved(self.selected)
            }
            Action::Up | Action::Down | Action::Top | Action::Bottom => self.choose(moved(self.report)),
            Action::Right => self.on_chart = true,
            Action::Left | Action::Back if self.on_chart => self.on_chart = false,
            Action::Left => {}
            Action::Open if !self.on_chart => self.on_chart = true,
            Action::Open => return Some(self.drill_down()),
            Action::NextPeriod | Action::CustomPeriod if !has_period(self.report) => {
                return Some(Done::Say("the campaigns report has no period: it covers every campaign".into()));
            }
            Action::NextPeriod => {
                self.period = self.period.next();
                self.chart = None;
            }
            Action::CustomPeriod => {
                let shown = self.period.range(today, dates).or_else(|| {
                    let chart = self.chart.as_ref()?.as_ref().ok()?;
                    chart.from.zip(chart.to)
                });
                let text = shown.map_or(String::new(), |(from, to)| format!("{} {}", dates.show(from), dates.show(to)));
                self.typing = Some((LineField::proposed(text), None));
            }
            Action::ChartTable => self.table = !self.table,
            Action::NextMeasure => {
                let n = self.shown().map_or(1, |v| v.measures.len().max(1));
                self.measure = (self.measure + 1) % n;
            }
            Action::NextView => {
                let n = self.chart.as_ref().and_then(|c| c.as_ref().ok()).map_or(1, |c| c.views.len().max(1));
                let measures = |s: &Reports| s.shown().map(|v| v.measures.clone());
                let before = measures(self);
                self.view = (self.view + 1) % n;
                // A breakdown measuring other things (accounts ranked by talk time after those
                // ranked by calls) charts its own first measure; the same measures stay charted.
                if measures(self) != before {
                    self.measure = 0;
                }
                self.fit();
            }
            _ => return None,
        }
        Some(Done::Nothing)
    }

    /// Lists the records behind the selected bar (read on a worker thread).
    fn drill_down(&mut self) -> Done {
        let Some(v) = self.shown() else { return Done::Say("the report is still being worked out".into()) };
        let (Some(row), Some(m)) = (v.rows.get(self.selected), v.measures.get(self.measure)) else {
            return Done::Nothing;
        };
        match row.behind.get(self.measure).cloned().flatten() {
            Some(bucket) => {
                let title = format!("{} · {}", row.label, m.name);
                self.drill = Some(Drill { title, bucket, list: None, job: None });
                Done::Nothing
            }
            None => Done::Say(format!("{} is not made of records to list: try another measure (m)", m.name)),
        }
    }

    /// A key while a period is typed: `Enter` applies it (or says what is wrong, under the
    /// line), `Esc` leaves it as it was; other keys edit the line.
    pub fn type_key(&mut self, key: KeyEvent, today: Date, dates: Dates) {
        let Some((text, error)) = &mut self.typing else { return };
        match keymap::action_in(keymap::ASK, &key) {
            Some(Action::Back) => self.typing = None,
            Some(Action::Done) => match Period::parse(text.value(), today, dates) {
                Ok(period) => {
                    self.typing = None;
                    if period != self.period {
                        self.period = period;
                        self.chart = None;
                    }
                }
                Err(e) => *error = Some(e),
            },
            _ => {
                if text.handle(key) == Some(true) {
                    *error = None;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// drawing
// ---------------------------------------------------------------------------------------------

impl Screen for Reports {
    fn keys(&self) -> Vec<&'static [Binding]> {
        // A period being typed answers like any question.
        if self.typing.is_some() { vec![keymap::ASK, keymap::REPORTS] } else { vec![keymap::REPORTS] }
    }

    fn keeps(&self, action: Action) -> bool {
        match action {
            Action::Back => self.on_chart || self.drill.is_some(),
            Action::Quit => self.drill.is_some(),
            _ => false,
        }
    }

    fn update(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        match self.act(action, ctx.today, ctx.dates) {
            Some(Done::Open(record)) => vec![Effect::Open(record)],
            Some(Done::Say(text)) => vec![Effect::Say(text)],
            Some(Done::Nothing) | None => Vec::new(),
        }
    }

    fn prepare(&mut self, crm: &Arc<Crm>, ctx: &Ctx) -> std::result::Result<(), String> {
        self.read(crm, ctx.today).map_err(|e| e.to_string())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        draw(f, area, self, ctx);
    }

    fn point(&mut self, target: Target, click: bool) -> bool {
        if let Some(d) = &mut self.drill {
            return match (target, &mut d.list) {
                (Target::Row(n), Some(Ok(list))) if click && n < list.ids.len() => {
                    list.select(n);
                    true
                }
                _ => false,
            };
        }
        match target {
            Target::Report(i) if i < Report::ALL.len() => {
                self.on_chart = false;
                if click {
                    self.choose(i);
                }
                click
            }
            Target::Bar(i) => {
                self.on_chart = true;
                if click {
                    self.selected = i;
                }
                click
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::draw::{compact, full, window};
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn esc_backs_out_of_the_chart_before_the_app_sees_it() {
        let ctx = Ctx::new(&crate::crm::Session::new("ann"), crate::tui::Theme::plain(), Rect::new(0, 0, 80, 24));
        let mut r = Reports::new();
        assert!(!r.keeps(Action::Back) && !r.keeps(Action::Quit), "on the list, Esc and q are the app's");
        assert!(r.update(Action::Open, &ctx).is_empty());
        assert!(r.on_chart && r.keeps(Action::Back) && !r.keeps(Action::Quit));
        r.update(Action::Back, &ctx);
        assert!(!r.on_chart);
        while Report::ALL[r.report] != Report::Campaigns {
            r.update(Action::Down, &ctx);
        }
        let said = r.update(Action::NextPeriod, &ctx);
        assert!(matches!(&said[..], [Effect::Say(t)] if t.contains("no period")), "{said:?}");
    }

    #[test]
    fn periods_cover_this_week_month_quarter_and_year() {
        let (today, iso) = (d("2026-11-25"), Dates::default()); // a Wednesday
        assert_eq!(Period::Week.range(today, iso), Some((d("2026-11-23"), d("2026-11-29"))));
        assert_eq!(Period::Month.range(today, iso), Some((d("2026-11-01"), d("2026-11-30"))));
        assert_eq!(Period::Quarter.range(today, iso), Some((d("2026-10-01"), d("2026-12-31"))));
        assert_eq!(Period::Year.range(today, iso), Some((d("2026-01-01"), d("2026-12-31"))));
        assert_eq!(Period::Month.range(d("2028-02-10"), iso), Some((d("2028-02-01"), d("2028-02-29"))));
        assert_eq!(Period::Default.range(today, iso), None);
        let mut p = Period::Default;
        let mut seen = Vec::new();
        for _ in 0..5 {
            p = p.next();
            seen.push(p.words(iso));
        }
        assert_eq!(seen, ["this week", "this month", "this quarter", "this year", "its own period"]);
        // Weeks start on the day the user set.
        let sunday = Dates { week_start: chrono::Weekday::Sun, ..iso };
        assert_eq!(Period::Week.range(today, sunday), Some((d("2026-11-22"), d("2026-11-28"))));
    }

    #[test]
    fn typed_periods_take_two_dates_in_order() {
        let (today, iso) = (d("2026-11-25"), Dates::default());
        let custom = Period::Custom(d("2026-01-01"), d("2026-03-31"));
        assert_eq!(Period::parse("2026-01-01 2026-03-31", today, iso), Ok(custom));
        assert_eq!(Period::parse(" 2026-01-01 to 2026-03-31 ", today, iso), Ok(custom));
        assert_eq!(Period::parse("2026-01-01..2026-03-31", today, iso), Ok(custom));
        assert_eq!(Period::parse("2026-11-01 today", today, iso), Ok(Period::Custom(d("2026-11-01"), today)));
        assert_eq!(Period::parse("mon today", today, iso), Ok(Period::Custom(d("2026-11-23"), today)));
        assert_eq!(Period::parse("wed fri", today, iso), Ok(Period::Custom(today, d("2026-11-27"))));
        assert!(Period::parse("2026-03-31 2026-01-01", today, iso).unwrap_err().contains("before"));
        assert!(Period::parse("2026-01-01", today, iso).unwrap_err().contains("two dates"));
        assert!(Period::parse("2026-01-01 soon", today, iso).unwrap_err().contains("'soon' is not a date"));
        // In the user's order too, and said back in it.
        let eu = Dates { format: crate::model::DateFormat::DayMonthYear, ..iso };
        assert_eq!(Period::parse("01/01/2026 31/03/2026", today, eu), Ok(custom));
        assert_eq!(custom.words(eu), "01/01/2026 to 31/03/2026");
        assert!(Period::parse("31/03/2026 01/01/2026", today, eu).unwrap_err().starts_with("01/01/2026 is before"));
    }

    #[test]
    fn numbers_read_in_full_or_in_a_few_characters() {
        assert_eq!(full(1_234_567, Unit::Count), "1,234,567");
        assert_eq!(full(1_889_701, Unit::Money), "18,897.01");
        assert_eq!(full(3_900, Unit::Seconds), "1h 5m");
        assert_eq!(compact(1_889_701, Unit::Money), "19k");
        assert_eq!(compact(189_701, Unit::Count), "190k");
        assert_eq!(compact(1_250_000, Unit::Count), "1.2M");
        assert_eq!(compact(999_900, Unit::Money), "9,999");
        assert_eq!(compact(12_345_678_900, Unit::Money), "123M");
        assert_eq!(compact(123_456_789_000, Unit::Money), "1.2bn");
        assert_eq!(compact(42, Unit::Count), "42");
        assert_eq!(compact(7_300, Unit::Seconds), "2h");
        assert_eq!(window(100, 10, 0), 0);
        assert_eq!(window(100, 10, 50), 45);
        assert_eq!(window(100, 10, 99), 90);
    }
}
