//! Drawing: the screen switcher, the screen, the status bar and overlays. Reads [`App`] only;
//! never touches the disk. Every stored text is sanitised and cut by display width.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::App;
use super::call::{CallForm, OUTCOME_KEYS, Slot};
use super::ctx::Ctx;
use super::detail::DetailLine;
use super::filter::FilterLine;
use super::fuzzy::matched_chars;
use super::keymap;
use super::line::LineField;
use super::mode::{Confirm, Mode, Overlay};
use super::screen::Screen;
use super::theme::Theme;
use super::widgets::{MIN_SIZE, dim, popup, record_list, scrolled};
use crate::diagram::Ink;
use crate::text::{sanitize, truncate, width};

/// Draws one frame.
pub fn draw(f: &mut Frame, app: &App, theme: &Theme) {
    let area = f.area();
    app.ctx.hits.clear();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = format!("rolo needs at least {}×{}: make the window larger", MIN_SIZE.0, MIN_SIZE.1);
        let y = area.y + area.height / 2;
        let line = Rect { x: area.x, y, width: area.width, height: area.height.min(1) };
        f.render_widget(Paragraph::new(truncate(&text, area.width as usize)).centered(), line);
        return;
    }
    let [top, main, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(area);
    switcher(f, top, app, theme);
    let ctx = Ctx { theme: *theme, ..app.ctx.clone() };
    // An editor that holds the screen is drawn instead of it; the other layers go over it, bottom
    // to top, each dimming what lies under it.
    let holding = app.modes().iter().rev().find(|m| matches!(m, Mode::Import(_) | Mode::Quote(_)));
    if let Some(Mode::Import(w)) = holding {
        super::import::draw(f, main, w, theme);
    } else if let Some(Mode::Quote(q)) = holding {
        super::quote::draw(f, main, q, theme);
    } else if app.welcome() {
        welcome(f, main, app.place(), theme);
    } else if let Some(d) = app.detail() {
        detail(f, main, d, theme);
    } else if app.on_board() {
        app.board.draw(f, main, &ctx);
    } else if let Some(screen) = app.screen_on_show() {
        screen.draw(f, main, &ctx);
    } else if let Some(list) = app.list() {
        // While a filter is typed, the list shows the line on its top border.
        match app.filter_line() {
            Some(line) => record_list(f, main, list, &list.heading(), Some(&line.line), &ctx),
            None => list.draw(f, main, &ctx),
        }
    } else {
        // Every screen has a view above; a bare frame keeps a new one drawable until it does.
        f.render_widget(Block::new().borders(Borders::ALL).title(format!(" {} ", app.screen.title())), main);
    }
    status_bar(f, bottom, app, theme);
    for mode in app.modes() {
        match mode {
            Mode::Form(form) => {
                dim(f, main);
                form_box(f, main, form, theme);
            }
            Mode::Call(call) => {
                dim(f, main);
                call_form(f, main, call, theme);
            }
            Mode::Overlay(o) => {
                dim(f, main);
                overlay(f, main, o, app, theme);
            }
            Mode::Filter(line) => filter_line(f, main, line, app.list().is_none(), theme),
            Mode::Import(_) | Mode::Quote(_) => {}
        }
    }
    long_message(f, area, app, theme);
}

/// The filter line on the bottom border of the screen's box: the text typed (unless the screen
/// shows it itself, as a list does on its top border), then why it does not read, if it does not.
fn filter_line(f: &mut Frame, area: Rect, line: &FilterLine, typed: bool, theme: &Theme) {
    let row =
        Rect { x: area.x + 1, y: area.bottom().saturating_sub(1), width: area.width.saturating_sub(2), height: 1 };
    let mut shown = if typed {
        line.line.after(Span::styled(" filter: ", theme.title()), (row.width / 2) as usize)
    } else {
        Line::default()
    };
    if let Some(error) = &line.error {
        shown.spans.push(Span::styled(format!(" {} ", sanitize(error)), theme.error()));
    }
    if !shown.spans.is_empty() {
        f.render_widget(Paragraph::new(shown), row);
    }
}

/// Room for a message at the right of the status bar, out of `width` columns.
fn message_room(width: u16) -> usize {
    (width as usize * 2 / 3).max(10)
}

/// A message too long for the status bar is drawn whole in a box over the bottom right of the
/// screen, above the status bar, until it fades: a refusal is never cut short of its reason.
fn long_message(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(m) = &app.message else { return };
    let text = sanitize(&m.text);
    if width(&text) <= message_room(area.width) {
        return;
    }
    let w = area.width.min(72);
    let lines = textwrap::wrap(&text, w.saturating_sub(2).max(1) as usize);
    // The box stands on the status bar, at most half the screen high.
    let rows = (lines.len() as u16 + 2).min(area.height / 2).max(3);
    let shown = Rect { x: area.right() - w, y: area.bottom().saturating_sub(rows + 1), width: w, height: rows };
    let style = if m.error { theme.error() } else { theme.ok() };
    let room = rows as usize - 2;
    let mut text: Vec<Line> = lines.iter().take(room).map(|l| Line::styled(l.to_string(), style)).collect();
    if lines.len() > room
        && let Some(last) = text.last_mut()
    {
        *last = Line::styled(format!("{}…", truncate(&lines[room - 1], w as usize - 3)), style);
    }
    f.render_widget(Clear, shown);
    f.render_widget(Paragraph::new(text).block(Block::new().borders(Borders::ALL).border_style(style)), shown);
}

fn switcher(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let spans: Vec<Span> = super::tabs::tabs(&app.tabs_shown(), area.width)
        .into_iter()
        .map(|(label, screen, on)| {
            let style = match screen {
                None if label == " rolo " => theme.title(),
                _ if on => theme.focus(),
                _ => theme.dim(),
            };
            Span::styled(label, style)
        })
        .collect();
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_bar(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let tables = app.help_context();
    let hints: Vec<String> = tables
        .iter()
        .flat_map(|t| t.iter())
        .filter(|b| b.hint)
        .filter_map(|b| {
            let key = app.keys_of(&tables, b).into_iter().next()?;
            Some(format!("{key} {}", b.label.map_or_else(|| b.action.name(), str::to_string)))
        })
        .collect();
    let hints = if app.filter_line().is_some() {
        "type to filter · Enter keeps the filter · Esc clears it · ↑ earlier filters".to_string()
    } else if app.pending.is_empty() {
        hints.join(" · ")
    } else {
        format!("{} …", app.pending)
    };
    // Acting as someone else (`--as`) is said first, whatever the keys.
    let hints = match &app.acting {
        Some(acting) => format!("{acting} │ {hints}"),
        None => hints,
    };
    let (msg, style) = match &app.message {
        Some(m) => (sanitize(&m.text).into_owned(), if m.error { theme.error() } else { theme.ok() }),
        None => (String::new(), theme.text()),
    };
    // A longer message is drawn whole over the bottom rows by `long_message`.
    let msg = if width(&msg) <= message_room(area.width) { msg } else { String::new() };
    let left_room = (area.width as usize).saturating_sub(width(&msg) + 2);
    let line = Line::from(vec![
        Span::styled(format!("{:<left_room$}", truncate(&hints, left_room)), theme.dim()),
        Span::styled(format!(" {msg} "), style),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

/// The first-run welcome; over SSH without its demo data, and saying where files come from.
fn welcome(f: &mut Frame, area: Rect, place: &crate::tui::Place, theme: &Theme) {
    let choice = |key: &'static str, text: &'static str| {
        Line::from(vec![Span::styled(format!("  {key}  "), theme.title()), Span::raw(text)])
    };
    let mut lines = vec![
        Line::styled("Welcome to rolo", theme.title()),
        Line::raw(""),
        Line::raw("This database is empty. How would you like to start?"),
        Line::raw(""),
    ];
    if place.demo_off().is_none() {
        lines.push(choice("d", "load the demo data (200 people, their companies, deals and activities)"));
    }
    lines.push(choice("e", "start empty, then press n to add your first contact"));
    lines.push(match (place.import_off(), place.is_remote()) {
        (Some(off), _) => Line::styled(format!("  i  {off}"), theme.dim()),
        (None, true) => choice("i", "import a CSV or vCard file from the upload folder"),
        (None, false) => choice("i", "import a CSV or vCard file (Google, Outlook, phones and other CRMs)"),
    });
    lines.push(Line::raw(""));
    lines.push(Line::styled("? shows the keys at any time · : finds any command by name · q quits", theme.dim()));
    let block = Block::new().borders(Borders::ALL).title(" Welcome ");
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn call_form(f: &mut Frame, area: Rect, c: &CallForm, theme: &Theme) {
    let secs = c.elapsed();
    let title = format!("Call with {} · {}:{:02}", c.who, secs / 60, secs % 60);
    let inner = popup(f, area, 72, 17, &sanitize(&title));
    let w = inner.width as usize;
    let label = |slot: Slot, text: &str| {
        let style = if c.focus == slot { theme.title() } else { theme.dim() };
        Span::styled(format!("{text:>10}  "), style)
    };
    let mut lines = Vec::new();
    let mut choices = vec![label(Slot::Outcome, "outcome")];
    for (key, outcome) in OUTCOME_KEYS {
        let name = outcome.to_string();
        let style = if c.outcome == Some(outcome) { theme.focus() } else { theme.text() };
        // "[c]onnected": the key is the word's first letter.
        choices.push(Span::styled(format!("[{key}]{}", name.get(1..).unwrap_or_default()), style));
        choices.push(Span::raw(" "));
    }
    lines.push(Line::from(choices));
    lines.push(Line::raw(""));
    for (i, l) in c.notes.shown(c.focus == Slot::Notes, usize::MAX).iter().enumerate() {
        let head = if i == 0 { label(Slot::Notes, "notes") } else { Span::raw(" ".repeat(12)) };
        lines.push(Line::from(vec![head, Span::raw(truncate(l, w.saturating_sub(12)))]));
    }
    lines.push(Line::raw(""));
    let room = w.saturating_sub(12);
    let typed = |slot: Slot, name: &str, field: &LineField, hint: &str| {
        let mut line = Line::from(label(slot, name));
        match (c.focus == slot, field.value().is_empty()) {
            (true, _) => line.spans.extend(field.spans(room, theme.text())),
            (false, true) => line.spans.push(Span::styled(truncate(hint, room), theme.dim())),
            (false, false) => line.spans.push(Span::styled(truncate(field.value(), room), theme.text())),
        }
        line
    };
    lines.push(typed(Slot::FollowUp, "follow-up", &c.follow_up, "a task title, or leave empty"));
    lines.push(typed(Slot::Due, "due", &c.due, "today, fri, +3d, 2026-12-01"));
    let timer = format!("{}:{:02} on the timer; type to override", secs / 60, secs % 60);
    lines.push(typed(Slot::Duration, "duration", &c.duration, &timer));
    lines.push(Line::from(vec![label(Slot::Direction, "direction"), Span::raw(format!("{} (o / i)", c.direction))]));
    lines.push(Line::raw(""));
    if let Some(e) = &c.error {
        lines.push(Line::styled(format!("! {}", truncate(e, w.saturating_sub(2))), theme.error()));
    }
    lines.push(Line::styled("one key picks the outcome · Tab next · Ctrl-S logs it · Esc cancels", theme.dim()));
    f.render_widget(Paragraph::new(lines), inner);
}

fn detail(f: &mut Frame, area: Rect, d: &super::detail::Detail, theme: &Theme) {
    let block = Block::new().borders(Borders::ALL).title(format!(" {} · {} ", d.record.kind, sanitize(&d.title)));
    let w = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = d
        .lines
        .iter()
        .enumerate()
        .skip(d.scroll)
        .map(|(i, l)| {
            let line = match l {
                DetailLine::Heading(h) => Line::styled(truncate(h, w), theme.title()),
                DetailLine::Field(k, v) | DetailLine::Link(k, v, _) => Line::from(vec![
                    Span::styled(format!("  {:<16}", truncate(k, 16)), theme.dim()),
                    Span::raw(truncate(v, w.saturating_sub(18))),
                ]),
                // A line that opens a record is marked, so Enter's reach is visible.
                DetailLine::Item(t, target) => {
                    let bullet = if target.is_some() { "›" } else { "•" };
                    Line::raw(format!("  {bullet} {}", truncate(t, w.saturating_sub(4))))
                }
                DetailLine::Empty(t) => Line::styled(format!("  {}", truncate(t, w.saturating_sub(2))), theme.dim()),
                DetailLine::Graph(row) => Line::from(
                    row.iter()
                        .map(|(text, ink)| {
                            let style = match ink {
                                Ink::Plain => theme.text(),
                                Ink::Critical => theme.title(),
                                Ink::Done => theme.dim(),
                                Ink::Late => theme.error(),
                            };
                            Span::styled(text.as_str(), style)
                        })
                        .collect::<Vec<_>>(),
                ),
            };
            if i == d.cursor { line.patch_style(theme.focus()) } else { line }
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// The most lines a form's field of lines shows at once; it scrolls to keep the cursor in view.
const FIELD_LINES: usize = 6;

/// How wide a form's box is, borders included (narrower in a narrow window).
const FORM_WIDTH: u16 = 64;

fn form_box(f: &mut Frame, area: Rect, form: &super::form::Form, theme: &Theme) {
    use super::form::Input;
    // A field of lines grows the form with its lines, up to `FIELD_LINES`.
    let rows = |input: &Input| match input {
        Input::Line(_) => 1,
        Input::Lines(t) => t.value().split('\n').count().min(FIELD_LINES) as u16,
    };
    // The refusal of a save as changed meanwhile is said whole, wrapped to the box's width.
    let stale = |w: usize| -> Vec<String> {
        let Some(text) = form.stale.as_deref() else { return Vec::new() };
        let text = sanitize(text).into_owned();
        textwrap::wrap(&text, w.max(8)).into_iter().map(|l| l.into_owned()).collect()
    };
    // A field's refusal is said whole too, under the field, wrapped beside the labels.
    let refusal = |field: &super::form::Field, w: usize| -> Vec<String> {
        let Some(text) = field.error.as_deref() else { return Vec::new() };
        let text = sanitize(text).into_owned();
        textwrap::wrap(&text, w.saturating_sub(16).max(8)).into_iter().map(|l| l.into_owned()).collect()
    };
    let notes = u16::from(form.hint.is_some()) + stale(FORM_WIDTH as usize - 2).len() as u16;
    let h = form
        .fields
        .iter()
        .map(|f| rows(&f.input) + refusal(f, FORM_WIDTH as usize - 2).len().max(1) as u16)
        .sum::<u16>()
        + 3
        + notes;
    // In a short window the fields close up (no blank line between them) and scroll.
    let compact = h > area.height.saturating_sub(2);
    let inner = popup(f, area, FORM_WIDTH, h, &form.title());
    let w = inner.width as usize;
    let mut lines = Vec::new();
    if let Some(hint) = &form.hint {
        lines.push(Line::styled(truncate(hint, w), theme.title()));
    }
    for line in stale(w) {
        lines.push(Line::styled(line, theme.error()));
    }
    // Where each field's lines start, to keep the focused one in sight.
    let mut starts = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        starts.push(lines.len());
        let focused = i == form.focus;
        let room = w.saturating_sub(16);
        let texts: Vec<Vec<Span>> = match (&field.input, focused) {
            (Input::Line(l), true) => vec![l.spans(room, theme.focus())],
            (Input::Line(l), false) => vec![vec![Span::styled(truncate(l.value(), room), theme.text())]],
            (Input::Lines(t), _) => {
                let style = if focused { theme.focus() } else { theme.text() };
                let shown = t.shown(focused, FIELD_LINES);
                shown.iter().map(|l| vec![Span::styled(truncate(l, room), style)]).collect()
            }
        };
        for (row, text) in texts.into_iter().enumerate() {
            let label = if row == 0 { format!("{:>12}  ", field.label) } else { " ".repeat(14) };
            let mut line = Line::from(Span::styled(label, if focused { theme.title() } else { theme.dim() }));
            line.spans.extend(text);
            lines.push(line);
        }
        let said = refusal(field, w);
        for (i, e) in said.iter().enumerate() {
            let mark = if i == 0 { "! " } else { "  " };
            lines.push(Line::styled(format!("{:>14}{mark}{}", "", truncate(e, w.saturating_sub(16))), theme.error()));
        }
        if said.is_empty() && !compact {
            lines.push(Line::raw(""));
        }
    }
    let pickers: Vec<&str> =
        (0..form.fields.len()).filter(|&i| form.picker_kind(i).is_some()).map(|i| form.fields[i].label).collect();
    let pick = if pickers.is_empty() { String::new() } else { format!(" · Enter on {}: pick", pickers.join(" or ")) };
    // After a refusal as changed meanwhile, the way out comes first.
    let reload = if form.stale.is_some() { "Ctrl-R reload (keeps your typing) · " } else { "" };
    let save = form.save_word();
    let keys = Line::styled(truncate(&format!("{reload}Tab next{pick} · Ctrl-S {save} · Esc cancel"), w), theme.dim());
    // The keys stay on the last row; the fields above scroll to show the focused one whole.
    let [body, foot] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let room = body.height as usize;
    let start = starts.get(form.focus).copied().unwrap_or(0);
    let end = starts.get(form.focus + 1).copied().unwrap_or(lines.len());
    let scroll = end.saturating_sub(room).min(start);
    f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), body);
    f.render_widget(Paragraph::new(keys), foot);
}

/// The title of the help's section of the user's own keys.
const OWN_KEYS: &str = "Your own keys (rolo user prefs, the config file), before the others where their action acts";

fn overlay(f: &mut Frame, area: Rect, o: &Overlay, app: &App, theme: &Theme) {
    match o {
        Overlay::Text { title, lines, scroll } => {
            let inner =
                popup(f, area, super::widgets::text_box_width(area.width), area.height.saturating_sub(2), title);
            let mut shown: Vec<Line> = super::widgets::wrapped(lines, inner.width).into_iter().map(Line::raw).collect();
            f.render_widget(Paragraph::new(shown.split_off((*scroll).min(shown.len()))), inner);
        }
        Overlay::Help(scroll) => {
            let wide = area.width.saturating_sub(4).clamp(72, 110);
            let inner = popup(f, area, wide, area.height.saturating_sub(2), "Keys  (j/k scroll, Esc closes)");
            let mut lines = Vec::new();
            let w = inner.width as usize;
            // The keys that act here first, then every other key of every mode.
            let sections = keymap::help_sections(&app.help_context());
            // The keys' column fits the longest keys, up to half the box; both columns cut with "…".
            let keys_w = sections.iter().flat_map(|(_, t)| t.iter()).map(|b| width(&b.keys.join(", "))).max();
            let keys_w = keys_w.into_iter().chain(app.own_keys().iter().map(|(k, _)| width(k))).max();
            let keys_w = keys_w.unwrap_or(0).min(w / 2);
            let key_line = |keys: &str, help: &str| {
                let keys = truncate(keys, keys_w);
                let pad = keys_w.saturating_sub(width(&keys));
                Line::from(vec![
                    Span::styled(format!("  {keys}{} ", " ".repeat(pad)), theme.title()),
                    Span::raw(truncate(help, w.saturating_sub(keys_w + 3))),
                ])
            };
            // The user's own keys (rolo user prefs) above all, since they win.
            if !app.own_keys().is_empty() {
                lines.push(Line::styled(OWN_KEYS, theme.title()));
                for (key, action) in app.own_keys() {
                    lines.push(key_line(key, &action.name()));
                }
                lines.push(Line::raw(""));
            }
            for (title, table) in sections {
                lines.push(Line::styled(title, theme.title()));
                for b in table.iter() {
                    lines.push(key_line(&b.keys.join(", "), b.help));
                }
                lines.push(Line::raw(""));
            }
            let scroll = (*scroll).min(lines.len().saturating_sub(inner.height as usize));
            f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
        }
        Overlay::Search(b) => {
            let inner = popup(f, area, 90, area.height.saturating_sub(2), "Search");
            let mut lines = vec![b.query.after(Span::styled("/ ", theme.title()), inner.width as usize)];
            let state = match (&b.error, b.waiting.is_some(), b.query.value().is_empty()) {
                (Some(e), ..) => Line::styled(truncate(e, inner.width as usize), theme.error()),
                (None, true, _) if b.partial => {
                    Line::styled(format!("{} best so far (partial), searching…", b.hits.len()), theme.dim())
                }
                (None, true, _) => Line::styled("searching…", theme.dim()),
                (None, false, true) => Line::styled("type a name, company, email or phone", theme.dim()),
                (None, false, false) if b.hits.is_empty() => Line::styled("nothing matches", theme.dim()),
                (None, false, false) => {
                    Line::styled(crate::text::count(b.hits.len(), "best match", "best matches"), theme.dim())
                }
            };
            lines.push(state);
            let room = inner.height.saturating_sub(2) as usize;
            for (i, hit) in b.hits.iter().enumerate().skip(scrolled(b.selected, room)).take(room) {
                let selected = i == b.selected;
                let mut spans = vec![Span::styled(format!("{:<12}", hit.kind.name()), theme.dim())];
                let label = truncate(&hit.label, 34);
                let marks = matched_chars(b.query.value(), &label);
                for (ci, ch) in label.chars().enumerate() {
                    let base = if selected { theme.focus() } else { theme.text() };
                    let style = if marks.contains(&ci) { base.patch(theme.matched()) } else { base };
                    spans.push(Span::styled(ch.to_string(), style));
                }
                spans.push(Span::raw(" ".repeat(34usize.saturating_sub(width(&label)))));
                let detail = hit.detail.replace('\t', " · ");
                spans.push(Span::styled(
                    format!("  {}", truncate(&detail, inner.width.saturating_sub(50) as usize)),
                    theme.dim(),
                ));
                lines.push(Line::from(spans));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
        Overlay::Palette { query, selected } => {
            let inner = popup(f, area, 64, area.height.saturating_sub(4), "Commands");
            let mut lines = vec![query.after(Span::styled(": ", theme.title()), inner.width as usize)];
            let room = inner.height.saturating_sub(1) as usize;
            for (i, entry) in
                app.palette_entries(query.value()).iter().enumerate().skip(scrolled(*selected, room)).take(room)
            {
                let style = if i == *selected { theme.focus() } else { theme.text() };
                lines.push(Line::styled(truncate(&entry.label, inner.width as usize), style));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
        Overlay::Confirm(c) => {
            let question = match c {
                Confirm::Delete(t) => format!("Delete {}?", t.name),
                Confirm::DiscardForm => "Drop the unsaved changes?".to_string(),
                Confirm::DiscardQuote => "Close the quote without saving?".to_string(),
                Confirm::DiscardCall => "Close without logging the call?".to_string(),
                Confirm::MoveDeal { question, .. }
                | Confirm::Merge { question, .. }
                | Confirm::Send { question, .. } => question.clone(),
                Confirm::DeleteStage(s) => format!("Delete the stage {}? It holds no deals.", s.name),
                Confirm::DisableUser(login) => {
                    format!("Disable {login}? They can no longer act; their records stay theirs.")
                }
                Confirm::EnableUser(login) => format!("Enable {login} again? They can act as before."),
                Confirm::DeletePick(list, s) => {
                    format!("Delete the {} {}? No lead or deal has it.", list.noun(), crate::text::spoken(s))
                }
            };
            // A long question wraps in a wider box rather than losing its end.
            let long = width(&question) as u16;
            let w = (long + 2).clamp(50, 72).min(area.width);
            // Word wrapping may take a line more than the characters need.
            let rows = long.div_ceil(w.saturating_sub(2).max(1)).max(1);
            let inner = popup(f, area, w, rows + 3 + u16::from(rows > 1), "Confirm");
            let lines = vec![
                Line::styled(question, theme.title()),
                Line::styled("y to confirm, any other key cancels", theme.dim()),
            ];
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
        }
        Overlay::Picker { field, query, hits, selected, choices, purpose, .. } => {
            let what = match app.form().and_then(|form| form.picker_kind(*field)) {
                _ if purpose.is_some() => purpose.as_ref().map(|p| p.title()).unwrap_or_default(),
                _ if !choices.is_empty() => "Pick one".to_string(),
                Some(crate::model::Kind::Contact) => "Pick a person".to_string(),
                _ => "Pick an account".to_string(),
            };
            let inner = popup(f, area, 60, 14, &sanitize(&format!("{what} (Enter picks, Esc closes)")));
            let mut lines = vec![query.after(Span::styled("> ", theme.title()), inner.width as usize)];
            if hits.is_empty() {
                let empty = if choices.is_empty() { "type a name" } else { "nothing matches" };
                lines.push(Line::styled(empty, theme.dim()));
            }
            let room = inner.height.saturating_sub(1) as usize;
            for (i, hit) in hits.iter().enumerate().skip(scrolled(*selected, room)).take(room) {
                let style = if i == *selected { theme.focus() } else { theme.text() };
                let detail = hit.detail.replace('\t', " · ");
                lines.push(Line::styled(truncate(&format!("{}  {detail}", hit.label), inner.width as usize), style));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
        Overlay::Input { ask, text } => {
            let prompt = ask.prompt();
            let w = 70.min(area.width);
            let entry = Line::from(text.spans(w.saturating_sub(2) as usize, Style::new()));
            let help = Line::styled(ask.help(), theme.dim());
            if width(&prompt) + 4 <= w as usize {
                let inner = popup(f, area, w, 4, &prompt);
                f.render_widget(Paragraph::new(vec![entry, help]), inner);
            } else {
                // Too long for the border: the question wraps inside the box, above the entry.
                let rows = (width(&prompt) as u16).div_ceil(w.saturating_sub(2).max(1)) + 1;
                let inner = popup(f, area, w, rows + 4, "");
                let [question, rest] = Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(inner);
                let asked = Paragraph::new(Line::styled(prompt, theme.title())).wrap(Wrap { trim: true });
                f.render_widget(asked, question);
                f.render_widget(Paragraph::new(vec![entry, help]), rest);
            }
        }
    }
}
