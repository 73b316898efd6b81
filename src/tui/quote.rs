//! The quote editor: a deal's quote in memory, lines added by fuzzy-picking a product, quantity,
//! unit price and discount edited in place with the totals recomputed on every keystroke, the
//! status cycled, and everything saved in one write.

use crate::crm::{Crm, Result};
use crate::model::{Amount, Id, Kind, Opportunity, Product, Quote, QuoteLine, QuoteStatus, RecordRef};
use crate::store::Read;

/// The editable cells of a line, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// How many units.
    Quantity,
    /// Price per unit.
    Price,
    /// Discount, percent.
    Discount,
}

impl Cell {
    const ALL: [Cell; 3] = [Cell::Quantity, Cell::Price, Cell::Discount];

    /// The field name errors use.
    pub fn name(self) -> &'static str {
        match self {
            Cell::Quantity => "quantity",
            Cell::Price => "unit price",
            Cell::Discount => "discount",
        }
    }
}

/// The product picker: a query and the matching active products, best first.
#[derive(Debug, Clone, Default)]
pub struct Picker {
    /// What is typed.
    pub query: String,
    /// Positions in the editor's product list, best first.
    pub hits: Vec<usize>,
    /// The highlighted hit.
    pub selected: usize,
}

/// A quote being edited.
#[derive(Debug, Clone)]
pub struct QuoteEditor {
    /// The quote as edited (saved only on Ctrl-S).
    pub quote: Quote,
    /// The deal's name.
    pub deal: String,
    /// The selected line.
    pub selected: usize,
    /// The cell being typed into, and its text.
    pub editing: Option<(Cell, String)>,
    /// Why the text typed is not taken.
    pub error: Option<String>,
    /// Whether anything changed since the last save.
    pub dirty: bool,
    /// The open product picker.
    pub picker: Option<Picker>,
    /// The active products, read when the picker first opens.
    pub products: Vec<Product>,
}

impl QuoteEditor {
    /// The latest quote of deal `opportunity`, or a new draft when it has none (stored only
    /// when first saved, so looking leaves nothing behind).
    pub fn open(crm: &Crm, opportunity: Id) -> Result<QuoteEditor> {
        let r = crm.reader()?;
        let deal: Opportunity = crm.get(opportunity)?;
        let latest = r.linking(RecordRef::new(Kind::Opportunity, opportunity), Kind::Quote)?.into_iter().max();
        drop(r);
        let quote = match latest {
            Some(id) => crm.get::<Quote>(id)?,
            None => Quote { opportunity, currency: deal.currency, number: "(new)".into(), ..Default::default() },
        };
        Ok(QuoteEditor {
            quote,
            deal: deal.name,
            selected: 0,
            editing: None,
            error: None,
            dirty: false,
            picker: None,
            products: Vec::new(),
        })
    }

    /// Opens the product picker (reading the catalogue the first time).
    pub fn pick(&mut self, crm: &Crm) -> Result<()> {
        if self.products.is_empty() {
            self.products = crm.list::<Product>(|p| p.active)?;
            self.products.sort_by_key(|p| p.name.to_lowercase());
        }
        let mut picker = Picker::default();
        self.filter(&mut picker);
        self.picker = Some(picker);
        Ok(())
    }

    /// Ranks the products for the picker's query.
    pub fn filter(&self, picker: &mut Picker) {
        let names: Vec<String> =
            self.products.iter().map(|p| format!("{} {}", p.name, p.sku.as_deref().unwrap_or(""))).collect();
        picker.hits = if picker.query.trim().is_empty() {
            (0..names.len()).collect()
        } else {
            super::fuzzy::rank(&picker.query, &names)
        };
        picker.selected = picker.selected.min(picker.hits.len().saturating_sub(1));
    }

    /// Adds a line for the picked product: one unit at its list price, no discount.
    pub fn add(&mut self, product: usize) {
        let Some(p) = self.products.get(product) else { return };
        if !self.quote.lines.is_empty() && p.currency != self.quote.currency {
            self.error = Some(format!("{} is priced in {}, the quote in {}", p.name, p.currency, self.quote.currency));
            return;
        }
        self.quote.currency = p.currency;
        self.quote.lines.push(QuoteLine {
            product: Some(p.id),
            description: p.name.clone(),
            quantity: 1,
            unit_price: p.price,
            discount: 0,
        });
        self.selected = self.quote.lines.len() - 1;
        self.dirty = true;
        self.error = None;
    }

    /// Starts typing into the first cell of the selected line.
    pub fn edit(&mut self) {
        if let Some(line) = self.quote.lines.get(self.selected) {
            self.editing = Some((Cell::Quantity, cell_text(line, Cell::Quantity)));
        }
    }

    /// Moves to the next (or previous) cell of the line.
    pub fn next_cell(&mut self, back: bool) {
        let Some((cell, _)) = self.editing else { return };
        let at = Cell::ALL.iter().position(|&c| c == cell).unwrap_or(0);
        let next = if back { (at + 2) % 3 } else { (at + 1) % 3 };
        if let Some(line) = self.quote.lines.get(self.selected) {
            self.editing = Some((Cell::ALL[next], cell_text(line, Cell::ALL[next])));
            self.error = None;
        }
    }

    /// Types into the cell; a value that reads is applied at once, so the totals follow.
    pub fn type_text(&mut self, edit: impl FnOnce(&mut String)) {
        let Some((cell, mut text)) = self.editing.take() else { return };
        edit(&mut text);
        self.error = match self.quote.lines.get_mut(self.selected).map(|line| apply(line, cell, &text)) {
            Some(Ok(changed)) => {
                self.dirty |= changed;
                None
            }
            Some(Err(e)) => Some(e),
            None => None,
        };
        self.editing = Some((cell, text));
    }

    /// Stops typing (the last value read is kept).
    pub fn done(&mut self) {
        // Text that did not read leaves the last good value; say so rather than revert silently.
        if let (Some((cell, text)), Some(_)) = (self.editing.take(), &self.error) {
            self.error = Some(format!("{}: '{}' does not read, the value before it stays", cell.name(), text.trim()));
        } else {
            self.error = None;
        }
    }

    /// Removes the selected line.
    pub fn remove(&mut self) {
        if self.selected < self.quote.lines.len() {
            self.quote.lines.remove(self.selected);
            self.selected = self.selected.min(self.quote.lines.len().saturating_sub(1));
            self.dirty = true;
        }
    }

    /// Gives the quote its next status: draft → sent → accepted → rejected → draft.
    pub fn next_status(&mut self) {
        self.quote.status = match self.quote.status {
            QuoteStatus::Draft => QuoteStatus::Sent,
            QuoteStatus::Sent => QuoteStatus::Accepted,
            QuoteStatus::Accepted => QuoteStatus::Rejected,
            QuoteStatus::Rejected => QuoteStatus::Draft,
        };
        self.dirty = true;
    }

    /// Moves the line selection.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = super::stepped(self.selected, delta, self.quote.lines.len());
    }

    /// Saves the quote as edited (creating it, numbered, on its first save).
    pub fn save(&mut self, crm: &Crm) -> Result<()> {
        self.done();
        let quote = self.quote.clone();
        self.quote = crm.write(|tx| if quote.id == 0 { tx.create_quote(quote) } else { tx.update(quote, None) })?;
        self.dirty = false;
        Ok(())
    }
}

/// A cell's value as text, to edit.
fn cell_text(line: &QuoteLine, cell: Cell) -> String {
    match cell {
        Cell::Quantity => line.quantity.to_string(),
        Cell::Price => line.unit_price.to_string(),
        Cell::Discount => line.discount.to_string(),
    }
}

/// Puts typed text into a line's cell; says whether the value changed, or why it does not read.
fn apply(line: &mut QuoteLine, cell: Cell, text: &str) -> std::result::Result<bool, String> {
    let t = text.trim();
    let before = line.clone();
    match cell {
        Cell::Quantity => {
            line.quantity = t
                .parse()
                .ok()
                .filter(|q| *q >= 1)
                .ok_or_else(|| format!("quantity: '{t}' is not a whole number of at least 1"))?;
        }
        Cell::Price => line.unit_price = Amount::parse(t).map_err(|m| format!("unit price: {m}"))?,
        Cell::Discount => {
            line.discount = t
                .trim_end_matches('%')
                .parse()
                .ok()
                .filter(|d| *d <= 100)
                .ok_or_else(|| format!("discount: '{t}' is not a percentage from 0 to 100"))?;
        }
    }
    Ok(*line != before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_cells_apply_when_they_read_and_explain_when_not() {
        let mut line =
            QuoteLine { product: None, description: "x".into(), quantity: 1, unit_price: Amount(1000), discount: 0 };
        assert_eq!(apply(&mut line, Cell::Quantity, "3"), Ok(true));
        assert_eq!(apply(&mut line, Cell::Price, "149.90"), Ok(true));
        assert_eq!(apply(&mut line, Cell::Discount, "10%"), Ok(true));
        assert_eq!(line.net(), Some(Amount(40_473)));
        assert!(apply(&mut line, Cell::Quantity, "0").unwrap_err().contains("at least 1"));
        assert!(apply(&mut line, Cell::Discount, "101").unwrap_err().contains("0 to 100"));
        assert!(apply(&mut line, Cell::Price, "1.234").is_err());
        assert_eq!(line.net(), Some(Amount(40_473)), "a value that does not read changes nothing");
    }
}
