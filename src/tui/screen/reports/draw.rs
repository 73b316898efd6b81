//! How the Reports screen draws: the list of reports, the chart or table, the drill-down.

use super::*;

/// The list of reports on the left; the chart, the table or the records behind a bar on the right.
pub fn draw(f: &mut Frame, area: Rect, s: &Reports, ctx: &Ctx) {
    let theme = &ctx.theme;
    // As wide as the longest name, with its marker and the box around it.
    let widest = Report::ALL.iter().map(|r| r.name().len()).max().unwrap_or(0) as u16;
    let [list, body] = Layout::horizontal([Constraint::Length(widest + 3), Constraint::Min(1)]).areas(area);
    let names: Vec<Line> = Report::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let n = r.name();
            let style = if i != s.report {
                theme.text()
            } else if s.on_chart || s.drill.is_some() {
                theme.title()
            } else {
                theme.focus()
            };
            Line::styled(format!("{}{n:<10}", if i == s.report { "▶" } else { " " }), style)
        })
        .collect();
    let block = Block::new().borders(Borders::ALL).title(" Reports ");
    let rows = block.inner(list);
    f.render_widget(Paragraph::new(names).block(block), list);
    for (i, y) in (0..Report::ALL.len()).zip(rows.y..rows.bottom()) {
        ctx.hits.mark(Rect { y, height: 1, ..rows }, Target::Report(i));
    }
    if let Some(d) = &s.drill {
        return drill(f, body, d, ctx);
    }
    let period = if has_period(s.report) { s.period.words(ctx.dates) } else { "every campaign".to_string() };
    let mode = if s.table { "table" } else { "chart" };
    let title = format!(" {} · {period} · {mode} ", s.name());
    let block = Block::new().borders(Borders::ALL).title(truncate(&title, body.width.saturating_sub(2) as usize));
    let block = if s.on_chart { block.border_style(theme.title()) } else { block };
    let inner = block.inner(body);
    f.render_widget(block, body);
    let w = inner.width as usize;
    // Every number of the selected bar, on two lines when one cannot hold them.
    let picked = picked_numbers(s);
    let pick_rows = if picked.as_deref().is_some_and(|t| width(t) > w) { 2 } else { 1 };
    let [head, tabs, typed, main, pick, note] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(if s.typing.is_some() { 2 } else { 0 }),
        Constraint::Min(1),
        Constraint::Length(pick_rows),
        Constraint::Length(1),
    ])
    .areas(inner);
    if let Some((text, error)) = &s.typing {
        let mut lines = vec![text.after(Span::styled("from to: ", theme.title()), w)];
        lines.push(match error {
            Some(e) => Line::styled(truncate(&format!("! {e}"), w), theme.error()),
            None => Line::styled(truncate("Enter applies · Esc keeps the period as it was", w), theme.dim()),
        });
        f.render_widget(Paragraph::new(lines), typed);
    }
    let chart = match &s.chart {
        None => {
            let since = s.job.as_ref().map_or(0, |j| j.since.elapsed().as_millis() / 100) as usize;
            let spin = SPINNER[since % SPINNER.len()];
            f.render_widget(Paragraph::new(Line::styled(format!("{spin} computing…"), theme.dim())), head);
            return;
        }
        Some(Err(e)) => {
            let text = format!("{e}. The command line has the same: rolo report {}", s.name());
            f.render_widget(
                Paragraph::new(Line::styled(text, theme.error())).wrap(ratatui::widgets::Wrap { trim: true }),
                main,
            );
            return;
        }
        Some(Ok(c)) => c,
    };
    f.render_widget(Paragraph::new(Line::styled(truncate(&sanitize(&chart.title), w), theme.title())), head);
    let Some(v) = chart.views.get(s.view) else { return };
    // The measures, the charted one marked; the breakdowns when there are several.
    let mut spans: Vec<Span> = Vec::new();
    if chart.views.len() > 1 {
        spans.push(Span::styled(format!("{} ", v.name), theme.title()));
        spans.push(Span::styled("·", theme.dim()));
    }
    for (i, m) in v.measures.iter().enumerate() {
        let style = if i == s.measure { theme.focus() } else { theme.dim() };
        spans.push(Span::styled(format!(" {} ", m.name), style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);
    f.render_widget(Paragraph::new(Line::styled(truncate(&sanitize(&chart.note), w), theme.dim())), note);
    if v.rows.is_empty() {
        f.render_widget(Paragraph::new(Line::styled("nothing to show in this period", theme.dim())), main);
        return;
    }
    if let Some(text) = picked {
        let mut lines: Vec<String> = textwrap::wrap(&text, w.max(1)).iter().map(|l| truncate(l, w)).collect();
        if lines.len() > pick_rows as usize {
            lines.truncate(pick_rows as usize);
            if let Some(last) = lines.last_mut() {
                *last = format!("{}…", truncate(last, w.saturating_sub(1)));
            }
        }
        let lines: Vec<Line> = lines.into_iter().map(|l| Line::styled(l, theme.text())).collect();
        f.render_widget(Paragraph::new(lines), pick);
    }
    if s.table {
        table(f, main, v, s, ctx);
    } else {
        bars(f, main, v, s, ctx);
    }
}

/// "▶ Prospecting: amount 385,159,001.05 USD · weighted …": every number of the selected bar.
fn picked_numbers(s: &Reports) -> Option<String> {
    let chart = s.chart.as_ref()?.as_ref().ok()?;
    let v = chart.views.get(s.view)?;
    let row = v.rows.get(s.selected)?;
    let currency = chart.currency.map(|c| c.to_string());
    let values: Vec<String> = v
        .measures
        .iter()
        .zip(&row.values)
        .map(|(m, value)| match (value, m.unit, &currency) {
            (Some(n), Unit::Money, Some(c)) => format!("{} {} {c}", m.name, full(*n, m.unit)),
            (Some(n), ..) => format!("{} {}", m.name, full(*n, m.unit)),
            (None, ..) => format!("{} —", m.name),
        })
        .collect();
    Some(format!("▶ {}: {}", sanitize(&row.label), values.join(" · ")))
}

/// The spinner's frames, one every tenth of a second.
const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// A number in full: `1,234`, `18,897.01`, `1h 5m`.
pub(super) fn full(n: i64, unit: Unit) -> String {
    match unit {
        Unit::Count => format!("{}{}", if n < 0 { "-" } else { "" }, crate::text::thousands(n.unsigned_abs())),
        Unit::Money => Amount(n).grouped(),
        Unit::Seconds => crate::model::format_duration(n.clamp(0, i64::from(u32::MAX)) as u32),
    }
}

/// A number in a few characters, for a narrow bar: `1,234`, `18.9k`, `1.2M`, `3h`.
pub(super) fn compact(n: i64, unit: Unit) -> String {
    let whole = match unit {
        Unit::Money => n / 100,
        Unit::Count => n,
        Unit::Seconds if n >= 3600 => return format!("{}h", n / 3600),
        Unit::Seconds => return full(n, unit),
    };
    let short = |v: f64, suffix: &str| {
        if v < 10.0 { format!("{v:.1}{suffix}") } else { format!("{v:.0}{suffix}") }
    };
    match whole.unsigned_abs() {
        0..10_000 => full(whole, Unit::Count),
        10_000..1_000_000 => short(whole as f64 / 1e3, "k"),
        1_000_000..1_000_000_000 => short(whole as f64 / 1e6, "M"),
        _ => short(whole as f64 / 1e9, "bn"),
    }
}

/// The first row shown of `rows` rows when `height` fit and `selected` must show.
pub(super) fn window(rows: usize, height: usize, selected: usize) -> usize {
    if rows <= height { 0 } else { selected.saturating_sub(height / 2).min(rows - height) }
}

/// The charted measure of every row as bars: upright when every bar has room for its value and
/// a short label, else lying down, one row each, labels cut to a third of the width.
fn bars(f: &mut Frame, area: Rect, v: &ChartView, s: &Reports, ctx: &Ctx) {
    let theme = &ctx.theme;
    let Some(m) = v.measures.get(s.measure) else { return };
    let value = |r: &crate::crm::ChartRow| r.values.get(s.measure).copied().flatten().unwrap_or(0).max(0);
    if v.rows.iter().all(|r| value(r) == 0) {
        let text = format!("{} is 0 everywhere in this period: nothing to chart (v shows the table)", m.name);
        f.render_widget(Paragraph::new(Line::styled(truncate(&text, area.width as usize), theme.dim())), area);
        return;
    }
    let n = v.rows.len();
    let slot = v.rows.iter().map(|r| width(&compact(value(r), m.unit))).max().unwrap_or(1).max(5);
    let bar_width = ((area.width as usize + 1) / n.max(1)).saturating_sub(1).clamp(slot, 24);
    // Upright when every bar has room for its value, and either the labels fit under the bars
    // or there are more rows than lying bars would show.
    let labels_fit = v.rows.iter().all(|r| width(&r.label) <= bar_width);
    let upright =
        n * (bar_width + 1) <= area.width as usize + 1 && area.height >= 8 && (labels_fit || n > area.height as usize);
    let style = |i: usize| if i == s.selected { theme.focus() } else { theme.text() };
    if upright {
        let bars: Vec<Bar> = v
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let label = truncate(&sanitize(&r.label), bar_width);
                Bar::default()
                    .value(value(r) as u64)
                    .text_value(compact(value(r), m.unit))
                    .label(Line::from(label))
                    .style(style(i))
                    .value_style(style(i).add_modifier(ratatui::style::Modifier::REVERSED))
            })
            .collect();
        let chart = BarChart::default().data(BarGroup::default().bars(&bars)).bar_width(bar_width as u16).bar_gap(1);
        f.render_widget(chart, area);
        for (i, x) in (0..n).zip((area.x..area.right()).step_by(bar_width + 1)) {
            ctx.hits.mark(Rect { x, width: bar_width as u16, ..area }, Target::Bar(i));
        }
        return;
    }
    // Lying down: the label and the value in full on the left, the bar on the right.
    let height = area.height as usize;
    let gap = usize::from(n * 2 <= height);
    let fit = (height + gap) / (1 + gap);
    let first = window(n, fit, s.selected);
    let shown =
        |r: &crate::crm::ChartRow| r.values.get(s.measure).copied().flatten().map_or("—".into(), |x| full(x, m.unit));
    let value_width = v.rows.iter().map(|r| width(&shown(r))).max().unwrap_or(1);
    let label_width = v
        .rows
        .iter()
        .map(|r| width(&r.label) + 1)
        .max()
        .unwrap_or(1)
        .min((area.width as usize / 2).saturating_sub(value_width + 1).max(6));
    let bars: Vec<Bar> = v
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(fit)
        .map(|(i, r)| {
            let mark = if i == s.selected { "▶" } else { " " };
            let label = truncate(&format!("{mark}{}", sanitize(&r.label)), label_width);
            let pad = " ".repeat(label_width - width(&label));
            Bar::default()
                .value(value(r) as u64)
                .text_value(String::new())
                .label(Line::from(format!("{label}{pad} {:>value_width$}", shown(r))))
                .style(style(i))
        })
        .collect();
    let max = v.rows.iter().map(value).max().unwrap_or(1).max(1) as u64;
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .data(BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(gap as u16)
        .max(max);
    f.render_widget(chart, area);
    for (i, y) in (first..n.min(first + fit)).zip((area.y..area.bottom()).step_by(1 + gap)) {
        ctx.hits.mark(Rect { y, height: 1, ..area }, Target::Bar(i));
    }
}

/// Every measure of every row, the charted one first after the label.
fn table(f: &mut Frame, area: Rect, v: &ChartView, s: &Reports, ctx: &Ctx) {
    let theme = &ctx.theme;
    let height = area.height.saturating_sub(1) as usize;
    let first = window(v.rows.len(), height, s.selected);
    // Numbers in full when every column fits, else in short (`385.1M`): never cut.
    let label_width =
        v.rows.iter().map(|r| width(&r.label)).max().unwrap_or(5).clamp(5, (area.width as usize / 3).max(5));
    // Every cell formatted once, and each column as wide as its widest cell or title.
    let formatted = |format: fn(i64, Unit) -> String| -> Vec<Vec<String>> {
        let cell = |(m, x): (&crate::crm::Measure, &Option<i64>)| x.map_or(String::new(), |x| format(x, m.unit));
        v.rows.iter().map(|r| v.measures.iter().zip(&r.values).map(cell).collect()).collect()
    };
    let widths_of = |cells: &[Vec<String>]| -> Vec<usize> {
        let widest = |i: usize| cells.iter().map(|row| width(&row[i])).chain([width(&v.measures[i].name) + 1]).max();
        (0..v.measures.len()).map(|i| widest(i).unwrap_or(4)).collect()
    };
    let mut cells = formatted(full);
    let mut measure_widths = widths_of(&cells);
    if label_width + measure_widths.iter().map(|w| w + 1).sum::<usize>() > area.width as usize {
        cells = formatted(compact);
        measure_widths = widths_of(&cells);
    }
    let mut widths = vec![Constraint::Length(label_width as u16)];
    widths.extend(measure_widths.iter().map(|w| Constraint::Length(*w as u16)));
    let mut header = vec![String::new()];
    header.extend(v.measures.iter().enumerate().map(|(i, m)| {
        let name = m.name.to_uppercase();
        if i == s.measure { format!("▸{name}") } else { name }
    }));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    // Numbers right-aligned under their titles.
    let right: Vec<usize> = (1..=v.measures.len()).collect();
    let rows = v.rows.iter().zip(cells).enumerate().skip(first).take(height).map(|(i, (r, values))| {
        let mut row = vec![r.label.clone()];
        row.extend(values);
        (row, if i == s.selected { theme.focus() } else { theme.text() })
    });
    f.render_widget(crate::tui::widgets::grid(area.width, &widths, &header, &right, theme.title(), rows), area);
    for (i, y) in (first..v.rows.len().min(first + height)).zip(area.y.saturating_add(1)..area.bottom()) {
        ctx.hits.mark(Rect { y, height: 1, ..area }, Target::Bar(i));
    }
}

/// The records behind a bar, or the spinner while they are read.
fn drill(f: &mut Frame, area: Rect, d: &Drill, ctx: &Ctx) {
    let theme = &ctx.theme;
    match &d.list {
        Some(Ok(list)) => {
            crate::tui::widgets::record_list(f, area, list, &sanitize(&d.title), None, ctx);
        }
        Some(Err(e)) => {
            let block = Block::new().borders(Borders::ALL).title(format!(" {} ", sanitize(&d.title)));
            f.render_widget(Paragraph::new(Line::styled(e.clone(), theme.error())).block(block), area);
        }
        None => {
            let block = Block::new().borders(Borders::ALL).title(format!(" {} ", sanitize(&d.title)));
            f.render_widget(Paragraph::new(Line::styled("reading the records…", theme.dim())).block(block), area);
        }
    }
}
