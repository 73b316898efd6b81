//! The pipeline board: one column per stage, a card per open deal, driven with keys. Columns are
//! read through the stage index (never the whole opportunity table) and kept in memory; drawing
//! reads this state only. Its own keys (moving, winning, losing, folding, filtering) are answered
//! by `update` with effects; the record actions on the selected deal (edit, delete, quote, call,
//! task) are the app's, as on every list.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Command, Effect, Screen, step};
use crate::crm::{Crm, Filter, Result, Scope};
use crate::model::{Account, Amount, Currency, Date, Id, Kind, Opportunity, RecordRef, Stage, StageOutcome};
use crate::text::{truncate, width};
use crate::tui::ctx::Ctx;
use crate::tui::hits::Target;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::mode::{Ask, Confirm, Overlay};
use crate::tui::widgets::{scrolled, short};

/// One deal as the board shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The opportunity.
    pub id: Id,
    /// Its name.
    pub name: String,
    /// Its account's name.
    pub account: String,
    /// Its amount.
    pub amount: Amount,
    /// The amount's currency.
    pub currency: Currency,
    /// Its probability, percent.
    pub probability: u8,
    /// When it should close.
    pub close_date: Date,
    /// What happens next, and when.
    pub next_step: Option<(String, Option<Date>)>,
}

impl Card {
    /// Whether its close date has passed while it is still open.
    pub fn late(&self, today: Date, open: bool) -> bool {
        open && self.close_date < today
    }

    /// Whether its next step's date has passed.
    pub fn step_late(&self, today: Date) -> bool {
        self.next_step.as_ref().and_then(|(_, d)| *d).is_some_and(|d| d < today)
    }
}

/// A stage and its cards.
#[derive(Debug, Clone)]
pub struct Column {
    /// The stage.
    pub stage: Stage,
    /// Its cards, soonest close date first.
    pub cards: Vec<Card>,
    /// The selected card.
    pub selected: usize,
}

impl Column {
    /// The sum of the amounts, and of the amounts weighted by probability (each none when too
    /// large to count); the currency when all cards share one.
    pub fn totals(&self) -> (Option<Amount>, Option<Amount>, Option<Currency>) {
        let total = Amount::checked_sum(self.cards.iter().map(|c| Some(c.amount)));
        let weighted = Amount::checked_sum(self.cards.iter().map(|c| Some(c.amount.percent(c.probability as u32))));
        let first = self.cards.first().map(|c| c.currency);
        let same = first.filter(|f| self.cards.iter().all(|c| c.currency == *f));
        (total, weighted, same)
    }
}

/// The board: its columns, the selection, the filter and whether closed stages are folded.
#[derive(Debug, Clone, Default)]
pub struct Board {
    /// Every stage in order, with the cards of the unfolded ones.
    pub columns: Vec<Column>,
    /// The selected column (an index into `columns`, never a folded one).
    pub col: usize,
    /// What the board is narrowed to, as typed.
    pub filter_text: String,
    /// What the board is narrowed to, read (`None`: every deal).
    pub filter: Option<Filter>,
    /// Whether won and lost stages are folded away.
    pub folded: bool,
    /// Whether the columns must be read again before the next frame.
    stale: bool,
    /// Whether the filter changed since the columns were read: the selection then starts on the
    /// first card of the first column holding one.
    refiltered: bool,
    /// Whether it was ever read.
    loaded: bool,
    /// The deal to select after the next read, wherever it then is (one just moved or won).
    follow: Option<Id>,
    /// Whose deals the board shows, of those the user may see (`*`).
    pub scope: Scope,
}

impl Board {
    /// An empty board, read on first show; closed stages start folded (most deals end there).
    pub fn new() -> Board {
        Board { folded: true, stale: true, ..Default::default() }
    }

    /// Marks the columns for reading again (after a write).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Reads the columns if they are stale, keeping the selection on the same deal if it is still
    /// there (or on the deal to follow).
    pub fn refresh(&mut self, crm: &Crm) -> Result<()> {
        if !self.stale {
            return Ok(());
        }
        let keep = self.selected().map(|c| c.id);
        let keep_stage = self.columns.get(self.col).map(|c| c.stage.id);
        self.columns = self.read(crm)?;
        self.stale = false;
        self.loaded = true;
        self.col = keep_stage
            .and_then(|s| self.columns.iter().position(|c| c.stage.id == s))
            .filter(|&i| self.shown(i))
            .or_else(|| (0..self.columns.len()).find(|&i| self.shown(i)))
            .unwrap_or(0);
        if let Some(id) = keep
            && let Some(column) = self.columns.get_mut(self.col)
            && let Some(at) = column.cards.iter().position(|c| c.id == id)
        {
            column.selected = at;
        }
        for c in &mut self.columns {
            c.selected = c.selected.min(c.cards.len().saturating_sub(1));
        }
        if let Some(id) = self.follow.take()
            && let Some(i) = (0..self.columns.len())
                .filter(|&i| self.shown(i))
                .find(|&i| self.columns[i].cards.iter().any(|c| c.id == id))
        {
            self.col = i;
            self.columns[i].selected = self.columns[i].cards.iter().position(|c| c.id == id).unwrap_or(0);
        }
        if std::mem::take(&mut self.refiltered) {
            let shown = |i: &usize| self.shown(*i);
            let first = (0..self.columns.len()).filter(shown).find(|&i| !self.columns[i].cards.is_empty());
            self.col = first.or_else(|| (0..self.columns.len()).find(shown)).unwrap_or(0);
            for c in &mut self.columns {
                c.selected = 0;
            }
        }
        Ok(())
    }

    fn read(&self, crm: &Crm) -> Result<Vec<Column>> {
        let stages = crm.stages()?;
        // Plain words are answered by the search, once for every column; terms by each column.
        let searched: Option<HashSet<Id>> = match &self.filter {
            Some(filter) if !filter.words().is_empty() => {
                Some(crm.filtered(filter, usize::MAX)?.ids.into_iter().collect())
            }
            _ => None,
        };
        let mut names: HashMap<Id, String> = HashMap::new();
        let mut columns = Vec::with_capacity(stages.len());
        for stage in stages {
            let mut cards = Vec::new();
            if !(self.folded && stage.outcome != StageOutcome::Open) {
                let mut deals = crm.linking::<Opportunity>(RecordRef::new(Kind::Stage, stage.id))?;
                if self.scope != Scope::All {
                    let mut ids: Vec<Id> = deals.iter().map(|o| o.id).collect();
                    crm.keep_scope(Kind::Opportunity, &mut ids, self.scope)?;
                    let kept: HashSet<Id> = ids.into_iter().collect();
                    deals.retain(|o| kept.contains(&o.id));
                }
                if let Some(filter) = &self.filter {
                    let kept: HashSet<Id> = match &searched {
                        Some(found) => deals.iter().map(|o| o.id).filter(|id| found.contains(id)).collect(),
                        None => {
                            crm.kept(filter, &deals.iter().map(|o| o.id).collect::<Vec<_>>())?.into_iter().collect()
                        }
                    };
                    deals.retain(|o| kept.contains(&o.id));
                }
                for o in deals {
                    let account = match names.get(&o.account) {
                        Some(n) => n.clone(),
                        None => {
                            let n = crm.find::<Account>(o.account)?.map(|a| a.name).unwrap_or_default();
                            names.insert(o.account, n.clone());
                            n
                        }
                    };
                    cards.push(card(o, account));
                }
                cards.sort_by(|a, b| (a.close_date, &a.name, a.id).cmp(&(b.close_date, &b.name, b.id)));
            }
            columns.push(Column { stage, cards, selected: 0 });
        }
        Ok(columns)
    }

    /// Whether column `i` is on the board (not folded away).
    pub fn shown(&self, i: usize) -> bool {
        self.columns.get(i).is_some_and(|c| !(self.folded && c.stage.outcome != StageOutcome::Open))
    }

    /// The columns on the board, with their indexes.
    pub fn visible(&self) -> impl Iterator<Item = (usize, &Column)> {
        self.columns.iter().enumerate().filter(|(i, _)| self.shown(*i))
    }

    /// The selected card.
    pub fn selected(&self) -> Option<&Card> {
        self.columns.get(self.col).and_then(|c| c.cards.get(c.selected))
    }

    /// The selected column's stage.
    pub fn stage(&self) -> Option<&Stage> {
        self.columns.get(self.col).map(|c| &c.stage)
    }

    /// The shown column `delta` steps from the selected one (none past the ends).
    pub fn neighbour(&self, delta: isize) -> Option<usize> {
        let shown: Vec<usize> = self.visible().map(|(i, _)| i).collect();
        let at = shown.iter().position(|&i| i == self.col)? as isize;
        shown.get(usize::try_from(at + delta).ok()?).copied()
    }

    /// Moves the selection to the next / previous shown column.
    pub fn move_col(&mut self, delta: isize) {
        if let Some(i) = self.neighbour(delta) {
            self.col = i;
        }
    }

    /// Moves the selection within the column, clamped.
    pub fn move_card(&mut self, delta: isize) {
        if let Some(c) = self.columns.get_mut(self.col) {
            c.selected = crate::tui::stepped(c.selected, delta, c.cards.len());
        }
    }

    /// Folds or unfolds the won and lost stages.
    pub fn toggle_fold(&mut self) {
        self.folded = !self.folded;
        self.stale = true;
        if !self.shown(self.col) {
            self.col = (0..self.columns.len()).find(|&i| self.shown(i)).unwrap_or(0);
        }
    }

    /// Narrows the board to the deals `filter` keeps (typed as `text`; `None`: every deal); the
    /// selection then goes to the first column with a matching deal.
    pub fn set_filter(&mut self, text: &str, filter: Option<Filter>) {
        self.filter_text = text.trim().to_string();
        self.filter = filter;
        self.stale = true;
        self.refiltered = true;
    }

    /// Selects deal `id` once the board is read again (a deal an undo put back in its column).
    pub fn follow(&mut self, id: Id) {
        self.follow = Some(id);
    }

    /// Puts deal `o` where it now belongs after a move, a win or a loss, without reading the
    /// board again: out of its old column, into its stage's column (if shown), selected there.
    pub fn moved(&mut self, o: &Opportunity) {
        let mut account = String::new();
        for c in &mut self.columns {
            if let Some(at) = c.cards.iter().position(|x| x.id == o.id) {
                account = c.cards.remove(at).account;
                c.selected = c.selected.min(c.cards.len().saturating_sub(1));
            }
        }
        let Some(i) = self.columns.iter().position(|c| c.stage.id == o.stage).filter(|&i| self.shown(i)) else {
            return;
        };
        let column = &mut self.columns[i];
        let card = card(o.clone(), account);
        let at =
            column.cards.partition_point(|x| (x.close_date, &x.name, x.id) < (card.close_date, &card.name, card.id));
        column.cards.insert(at, card);
        column.selected = at;
        self.col = i;
    }

    /// Whether it has been read at least once.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Whether `action` is one of the board's own (the app answers the record actions on the
    /// selected deal and its app-wide keys).
    pub fn owns(&self, action: Action) -> bool {
        let record_action = matches!(
            action,
            Action::Edit
                | Action::Delete
                | Action::Quote
                | Action::View
                | Action::Call
                | Action::AddTask
                | Action::Assign
                | Action::CopyEmail
                | Action::CopyPhone
        );
        self.keeps(action) || (!record_action && keymap::BOARD.iter().any(|b| b.action == action))
    }

    /// Moves the selected deal one stage left or right: at once into an open stage, after a
    /// question into a won one or out of a closed one, asking why into a lost one.
    fn move_deal(&mut self, delta: isize) -> Vec<Effect> {
        let Some(card) = self.selected().cloned() else { return Vec::new() };
        let target = usize::try_from(self.col as isize + delta).ok().and_then(|i| self.columns.get(i));
        let Some(stage) = target.map(|c| c.stage.clone()) else {
            return vec![Effect::Say(
                if delta < 0 { "this is the first stage" } else { "this is the last stage" }.into(),
            )];
        };
        if stage.outcome == StageOutcome::Lost {
            return vec![Effect::Overlay(Overlay::ask(Ask::LostReason(card.id, Some(stage.id), card.name), ""))];
        }
        let open_now = self.columns.get(self.col).is_some_and(|c| c.stage.outcome == StageOutcome::Open);
        let question = match (open_now, stage.outcome) {
            (true, StageOutcome::Won) => Some(format!("Mark {} won?", card.name)),
            (false, StageOutcome::Open) => Some(format!("Open {} again, in {}?", card.name, stage.name)),
            (false, _) => Some(format!("Move {} to {}?", card.name, stage.name)),
            _ => None,
        };
        if let Some(question) = question {
            return vec![Effect::Overlay(Overlay::Confirm(Confirm::MoveDeal { id: card.id, stage, question }))];
        }
        self.follow = Some(card.id);
        vec![Effect::Write(Command::new("move the deal", move |crm| {
            let o = crm.move_deal(card.id, stage.id, None)?;
            Ok(format!("{} → {} ({}%)", o.name, stage.name, o.probability))
        }))]
    }
}

impl Screen for Board {
    fn keys(&self) -> Vec<&'static [Binding]> {
        vec![keymap::BOARD]
    }

    fn keeps(&self, action: Action) -> bool {
        action == Action::Back && self.filter.is_some()
    }

    fn update(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        let card = self.selected().cloned();
        match action {
            _ if step(action).is_some() => self.move_card(step(action).unwrap_or(0)),
            Action::Left | Action::Right => self.move_col(if action == Action::Left { -1 } else { 1 }),
            Action::MoveLeft | Action::MoveRight => {
                return self.move_deal(if action == Action::MoveLeft { -1 } else { 1 });
            }
            Action::Won => {
                if let Some(card) = card {
                    self.follow = Some(card.id);
                    return vec![Effect::Write(Command::new("win the deal", move |crm| {
                        let o = crm.close_opportunity(card.id, StageOutcome::Won, None)?;
                        Ok(format!("{} won: {} {}", o.name, o.amount.grouped(), o.currency))
                    }))];
                }
            }
            Action::Lost => {
                if let Some(card) = card {
                    return vec![Effect::Overlay(Overlay::ask(Ask::LostReason(card.id, None, card.name), ""))];
                }
            }
            Action::Fold => {
                self.toggle_fold();
                let said = if self.folded { "won and lost stages folded" } else { "won and lost stages shown" };
                return vec![Effect::Say(said.into())];
            }
            Action::Open => {
                return card.map(|c| Effect::Open(RecordRef::new(Kind::Opportunity, c.id))).into_iter().collect();
            }
            Action::New => return vec![Effect::NewDeal(self.stage().map(|s| s.name.clone()))],
            Action::Filter => return vec![Effect::Filter],
            Action::Scope => {
                let said;
                (self.scope, said) = ctx.next_scope(self.scope);
                self.stale = true;
                self.refiltered = true;
                return vec![Effect::Say(format!("deals: {said}"))];
            }
            Action::Back => {
                self.set_filter("", None);
                return vec![Effect::Say("board filter cleared".into())];
            }
            _ => {}
        }
        Vec::new()
    }

    fn prepare(&mut self, crm: &Arc<Crm>, _: &Ctx) -> std::result::Result<(), String> {
        self.refresh(crm).map_err(|e| e.to_string())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        draw_board(f, area, self, ctx);
    }

    fn point(&mut self, target: Target, click: bool) -> bool {
        match target {
            Target::Column(column) | Target::Card { column, .. } if column < self.columns.len() => {
                self.col = column;
                let Target::Card { card, .. } = target else { return false };
                let picked = click && card < self.columns[column].cards.len();
                if picked {
                    self.columns[column].selected = card;
                }
                picked
            }
            _ => false,
        }
    }
}

fn card(o: Opportunity, account: String) -> Card {
    Card {
        id: o.id,
        name: o.name,
        account,
        amount: o.amount,
        currency: o.currency,
        probability: o.probability,
        close_date: o.close_date,
        next_step: o.next_step.map(|s| (s, o.next_step_date)),
    }
}

/// The narrowest a board column gets before the board scrolls sideways.
const MIN_COLUMN: u16 = 26;
/// Lines of one card, its gap included.
const CARD_LINES: u16 = 5;

fn draw_board(f: &mut Frame, area: Rect, board: &Board, ctx: &Ctx) {
    let (theme, today) = (&ctx.theme, ctx.today);
    let shown: Vec<(usize, &Column)> = board.visible().collect();
    let fit = (area.width / MIN_COLUMN).max(1) as usize;
    let at = shown.iter().position(|(i, _)| *i == board.col).unwrap_or(0);
    let first = at.saturating_sub(fit.saturating_sub(1)).min(shown.len().saturating_sub(fit));
    let on_screen = &shown[first..(first + fit).min(shown.len())];
    let mut title = match board.scope {
        Scope::All => " Pipeline".to_string(),
        scope => format!(" Pipeline · {}", scope.label()),
    };
    title.push_str(&format!(" · {} stages", shown.len()));
    if board.filter.is_some() {
        title.push_str(&format!(" · filter: {} (Esc clears)", board.filter_text));
    }
    if board.folded {
        title.push_str(" · won/lost folded (Z)");
    }
    if first > 0 {
        title.push_str(&format!(" · ◀ {} more", first));
    }
    let right = shown.len().saturating_sub(first + on_screen.len());
    if right > 0 {
        title.push_str(&format!(" · {right} more ▶"));
    }
    let outer = Block::new().borders(Borders::ALL).title(truncate(&format!("{title} "), area.width as usize));
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    if !board.is_loaded() {
        f.render_widget(Paragraph::new(Line::styled("reading…", theme.dim())), inner);
        return;
    }
    if shown.is_empty() {
        f.render_widget(Paragraph::new("No stages: add them with rolo stage (or unfold with Z)."), inner);
        return;
    }
    let cols = Layout::horizontal(vec![Constraint::Ratio(1, on_screen.len() as u32); on_screen.len()]).split(inner);
    for (n, ((i, column), rect)) in on_screen.iter().zip(cols.iter()).enumerate() {
        let focused = *i == board.col;
        let (total, weighted, currency) = column.totals();
        let cur = currency.map(|c| format!(" {c}")).unwrap_or_default();
        let head = format!("{} ({})", column.stage.name, column.cards.len());
        let sums = format!("Σ {}{cur} · w {}", short(total), short(weighted));
        let style = if focused { theme.focus() } else { theme.title() };
        let last = n + 1 == on_screen.len();
        let block = Block::new().borders(if last { Borders::NONE } else { Borders::RIGHT }).border_style(theme.dim());
        let body = block.inner(*rect);
        f.render_widget(block, *rect);
        ctx.hits.mark(*rect, Target::Column(*i));
        let w = body.width as usize;
        let mut lines = vec![
            Line::styled(format!("{:<w$}", truncate(&head, w)), style),
            Line::styled(truncate(&sums, w), theme.dim()),
        ];
        let room = (body.height.saturating_sub(2) / CARD_LINES).max(1) as usize;
        if column.cards.is_empty() {
            let empty = if focused { "no deals here: n adds one" } else { "no deals" };
            lines.push(Line::styled(truncate(empty, w), theme.dim()));
        }
        let open = column.stage.outcome == crate::model::StageOutcome::Open;
        let from = scrolled(column.selected, room);
        for (k, card) in column.cards.iter().enumerate().skip(from).take(room) {
            // Under the heading and the sums, each card is a gap and its four lines.
            let top = body.y.saturating_add(2 + (k - from) as u16 * CARD_LINES + 1);
            let lines_left = body.bottom().saturating_sub(top).min(CARD_LINES - 1);
            ctx.hits.mark(Rect { y: top, height: lines_left, ..body }, Target::Card { column: *i, card: k });
            let selected = focused && k == column.selected;
            let base = if selected { theme.focus() } else { theme.text() };
            let pad = |t: String| format!("{:<w$}", truncate(&t, w));
            lines.push(Line::raw(""));
            lines.push(Line::styled(pad(card.name.clone()), base.patch(theme.title())));
            lines.push(Line::styled(pad(card.account.clone()), if selected { base } else { theme.dim() }));
            let late = card.late(today, open);
            let amount = card.amount.grouped();
            let amount = amount.strip_suffix(".00").unwrap_or(&amount);
            let cur = if currency.is_some() { String::new() } else { format!(" {}", card.currency) };
            let money = format!("{amount}{cur} · {}%", card.probability);
            let close = format!("{}{}", ctx.dates.show(card.close_date), if late { "!" } else { "" });
            let gap = w.saturating_sub(width(&money) + width(&close)).max(1);
            lines.push(Line::from(vec![
                Span::styled(truncate(&money, w.saturating_sub(width(&close) + 1)), base),
                Span::styled(" ".repeat(gap), base),
                Span::styled(close, if late { base.patch(theme.error()) } else { base }),
            ]));
            let step = match &card.next_step {
                Some((text, Some(date))) => {
                    format!("→ {}{} {text}", ctx.dates.show(*date), if card.step_late(today) { "!" } else { "" })
                }
                Some((text, None)) => format!("→ {text}"),
                None => String::new(),
            };
            let step_style = if card.step_late(today) { base.patch(theme.error()) } else { base };
            let step_style = if step.is_empty() && !selected { theme.dim() } else { step_style };
            lines.push(Line::styled(pad(step), step_style));
        }
        if from + room < column.cards.len() {
            lines.push(Line::styled(format!("… {} more", column.cards.len() - from - room), theme.dim()));
        }
        f.render_widget(Paragraph::new(lines), body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx::new(&crate::crm::Session::new("ann"), crate::tui::Theme::plain(), Rect::new(0, 0, 120, 40))
    }

    /// Two open stages holding two deals and one, then a won and a lost stage, unfolded.
    fn board() -> Board {
        let stage = |id, name: &str, outcome| Stage { id, name: name.into(), outcome, ..Default::default() };
        let deal = |id, name: &str| Card {
            id,
            name: name.into(),
            account: String::new(),
            amount: Amount(0),
            currency: Currency::default(),
            probability: 10,
            close_date: Date::default(),
            next_step: None,
        };
        let column = |stage, cards| Column { stage, cards, selected: 0 };
        let columns = vec![
            column(stage(1, "Prospecting", StageOutcome::Open), vec![deal(10, "Fleet"), deal(11, "Pilot")]),
            column(stage(2, "Proposal", StageOutcome::Open), vec![deal(12, "Renewal")]),
            column(stage(3, "Won", StageOutcome::Won), vec![]),
            column(stage(4, "Lost", StageOutcome::Lost), vec![]),
        ];
        Board { columns, loaded: true, ..Board::default() }
    }

    #[test]
    fn the_board_keys_move_the_selection_and_answer_with_effects() {
        let (mut b, ctx) = (board(), ctx());
        b.update(Action::Down, &ctx);
        assert_eq!(b.selected().map(|c| c.id), Some(11));
        let opened = b.update(Action::Open, &ctx);
        assert!(matches!(&opened[..], [Effect::Open(r)] if *r == RecordRef::new(Kind::Opportunity, 11)));
        let first = b.update(Action::MoveLeft, &ctx);
        assert!(matches!(&first[..], [Effect::Say(s)] if s == "this is the first stage"));
        let moved = b.update(Action::MoveRight, &ctx);
        assert!(matches!(&moved[..], [Effect::Write(c)] if c.name == "move the deal"), "into an open stage at once");
        assert_eq!(b.follow, Some(11), "the moved deal is selected once read again");
        b.update(Action::Right, &ctx);
        assert_eq!(b.stage().map(|s| s.id), Some(2));
        let asked = b.update(Action::MoveRight, &ctx);
        assert!(matches!(&asked[..], [Effect::Overlay(Overlay::Confirm(Confirm::MoveDeal { id: 12, .. }))]));
        let new = b.update(Action::New, &ctx);
        assert!(matches!(&new[..], [Effect::NewDeal(Some(s))] if s == "Proposal"));
        let lost = b.update(Action::Lost, &ctx);
        assert!(matches!(&lost[..], [Effect::Overlay(Overlay::Input { ask: Ask::LostReason(12, None, _), .. })]));
        assert!(matches!(&b.update(Action::Won, &ctx)[..], [Effect::Write(c)] if c.name == "win the deal"));
        assert!(matches!(&b.update(Action::Filter, &ctx)[..], [Effect::Filter]));
    }

    #[test]
    fn esc_is_the_board_s_only_while_a_filter_is_on() {
        let (mut b, ctx) = (board(), ctx());
        assert!(!b.keeps(Action::Back) && !b.owns(Action::Back) && !b.owns(Action::Edit));
        let names = crate::crm::Vocabulary::default();
        b.set_filter("owner:ann", Some(Filter::parse(Kind::Opportunity, "owner:ann", &names, ctx.today).unwrap()));
        assert!(b.owns(Action::Back));
        assert!(matches!(&b.update(Action::Back, &ctx)[..], [Effect::Say(s)] if s == "board filter cleared"));
        assert!(b.filter.is_none() && b.filter_text.is_empty());
        let folded = b.update(Action::Fold, &ctx);
        assert!(matches!(&folded[..], [Effect::Say(s)] if s == "won and lost stages folded"));
        b.update(Action::Right, &ctx);
        b.update(Action::Right, &ctx);
        assert_eq!(b.stage().map(|s| s.id), Some(2), "folded stages are passed over");
    }
}
