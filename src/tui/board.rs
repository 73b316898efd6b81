//! The pipeline board: one column per stage, a card per open deal, driven with keys. Columns are
//! read through the stage index (never the whole opportunity table) and kept in memory; drawing
//! reads this state only.

use std::collections::{HashMap, HashSet};

use crate::crm::{Crm, Filter, Result};
use crate::model::{Account, Amount, Currency, Date, Id, Kind, Opportunity, RecordRef, Stage, StageOutcome};

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
    /// there.
    pub fn prepare(&mut self, crm: &Crm) -> Result<()> {
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
            c.selected = super::stepped(c.selected, delta, c.cards.len());
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
