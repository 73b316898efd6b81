//! The quote editor: a deal's quote in memory, lines added by fuzzy-picking a product, quantity,
//! unit price and discount edited in place with the totals recomputed on every keystroke, the
//! status cycled, and everything saved in one write. A cell whose text does not read holds the
//! editor (no totals, no leaving the cell, no save) until fixed or put back with Esc; an
//! accepted quote is read-only until moved back to draft, as the service rules.

use ratatui::crossterm::event::KeyEvent;

use super::line::LineField;
use super::theme::Theme;
use super::widgets::{popup, scrolled};
use crate::crm::{Crm, CrmError, Result, Version};
use crate::model::{Amount, Id, Kind, Opportunity, Product, Quote, QuoteLine, QuoteStatus, Record, RecordRef};
use crate::text::{sanitize, truncate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

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
    pub query: LineField,
    /// Positions in the editor's product list, best first.
    pub hits: Vec<usize>,
    /// The highlighted hit.
    pub selected: usize,
}

/// A cell being typed into.
#[derive(Debug, Clone)]
pub struct Typing {
    /// Which cell.
    pub cell: Cell,
    /// What is typed.
    pub text: LineField,
    /// The line as it was before, and whether the quote was unsaved then: Esc puts both back.
    before: (QuoteLine, bool),
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
    /// The cell being typed into.
    pub editing: Option<Typing>,
    /// The status as last stored (an accepted quote stays read-only until saved as a draft).
    pub stored: QuoteStatus,
    /// Why the text typed is not taken.
    pub error: Option<String>,
    /// Whether anything changed since the last save.
    pub dirty: bool,
    /// The open product picker.
    pub picker: Option<Picker>,
    /// The active products, read when the picker first opens.
    pub products: Vec<Product>,
    /// The version of the stored quote the editor holds: a save is refused when someone else
    /// changed the quote since.
    pub version: Version,
}

impl QuoteEditor {
    /// The latest quote of deal `opportunity`, or a new draft when it has none (stored only
    /// when first saved, so looking leaves nothing behind).
    pub fn open(crm: &Crm, opportunity: Id) -> Result<QuoteEditor> {
        let deal: Opportunity = crm.get(opportunity)?;
        let latest = crm.linking_ids(RecordRef::new(Kind::Opportunity, opportunity), Kind::Quote)?.into_iter().max();
        let (quote, version) = match latest {
            Some(id) => crm.get_versioned::<Quote>(id)?,
            None => (
                Quote { opportunity, currency: deal.currency, number: "(new)".into(), ..Default::default() },
                Version::default(),
            ),
        };
        Ok(QuoteEditor {
            stored: quote.status,
            quote,
            deal: deal.name,
            selected: 0,
            editing: None,
            error: None,
            dirty: false,
            picker: None,
            products: Vec::new(),
            version,
        })
    }

    /// Opens the product picker (reading the catalogue the first time).
    pub fn pick(&mut self, crm: &Crm) -> Result<()> {
        self.editable()?;
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
        picker.hits = if picker.query.value().trim().is_empty() {
            (0..names.len()).collect()
        } else {
            crate::search::rank_items(picker.query.value(), &names)
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

    /// Refuses changes to an accepted quote (or one stored accepted and not yet back in draft).
    fn editable(&self) -> Result<()> {
        let accepted = QuoteStatus::Accepted;
        if self.quote.status == accepted || (self.stored == accepted && self.quote.status != QuoteStatus::Draft) {
            let how = "edit it (s until draft, then Ctrl-S)".into();
            return Err(CrmError::QuoteAccepted { quote: self.quote.number.clone(), how });
        }
        Ok(())
    }

    /// Starts typing into the first cell of the selected line.
    pub fn edit(&mut self) -> Result<()> {
        self.editable()?;
        self.enter_cell(Cell::Quantity);
        Ok(())
    }

    /// Starts typing into `cell` of the selected line, its value selected.
    fn enter_cell(&mut self, cell: Cell) {
        if let Some(line) = self.quote.lines.get(self.selected) {
            let text = LineField::proposed(cell_text(line, cell));
            self.editing = Some(Typing { cell, text, before: (line.clone(), self.dirty) });
            self.error = None;
        }
    }

    /// Why the text in the cell cannot be taken, if it cannot: it does not read, or it makes
    /// a quote the model refuses (a total beyond what can be counted).
    pub fn unread(&self) -> Option<String> {
        let Typing { cell, text, .. } = self.editing.as_ref()?;
        let mut quote = self.quote.clone();
        let line = quote.lines.get_mut(self.selected)?;
        match apply(line, *cell, text.value()) {
            Err(e) => Some(e),
            Ok(_) => quote.validate().err().map(|e| format!("{}: {}", cell.name(), e.message)),
        }
    }

    /// Refuses to leave a cell whose text does not read, saying how to go on.
    fn settled(&mut self) -> bool {
        let Some(problem) = self.unread() else { return true };
        let before = self.editing.as_ref().map(|t| cell_text(&t.before.0, t.cell)).unwrap_or_default();
        self.error = Some(format!("{problem}: fix it, or Esc puts back {before}"));
        false
    }

    /// Moves to the next (or previous) cell of the line, once this one reads.
    pub fn next_cell(&mut self, back: bool) {
        let Some(cell) = self.editing.as_ref().map(|t| t.cell) else { return };
        if !self.settled() {
            return;
        }
        let at = Cell::ALL.iter().position(|&c| c == cell).unwrap_or(0);
        self.enter_cell(Cell::ALL[if back { (at + 2) % 3 } else { (at + 1) % 3 }]);
    }

    /// A key typed into the cell; a value that reads is applied at once, so the totals follow,
    /// and one that does not is said at once. Says whether the key was a text key.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        let Some(Typing { cell, text, .. }) = &mut self.editing else { return false };
        let cell = *cell;
        let Some(changed) = text.handle(key) else { return false };
        if !changed {
            return true;
        }
        let text = text.value().to_string();
        self.error = self.unread();
        if self.error.is_none()
            && let Some(line) = self.quote.lines.get_mut(self.selected)
        {
            self.dirty |= apply(line, cell, &text).unwrap_or(false);
        }
        true
    }

    /// Enter: stops typing, once the cell reads.
    pub fn done(&mut self) {
        if self.settled() {
            self.editing = None;
            self.error = None;
        }
    }

    /// Esc: stops typing and puts the cell's value back as it was before typing into it.
    pub fn cancel(&mut self) {
        if let Some(Typing { before: (before, dirty), .. }) = self.editing.take()
            && let Some(line) = self.quote.lines.get_mut(self.selected)
        {
            *line = before;
            self.dirty = dirty;
        }
        self.error = None;
    }

    /// Removes the selected line.
    pub fn remove(&mut self) -> Result<()> {
        self.editable()?;
        if self.selected < self.quote.lines.len() {
            self.quote.lines.remove(self.selected);
            self.selected = self.selected.min(self.quote.lines.len().saturating_sub(1));
            self.dirty = true;
        }
        Ok(())
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

    /// Saves the quote as edited (creating it, numbered, on its first save); a cell that does
    /// not read is refused, never saved. Says whether the save accepted the quote (its deal
    /// then takes its total as amount).
    pub fn save(&mut self, crm: &Crm) -> Result<bool> {
        if let Some(problem) = self.unread() {
            self.settled();
            return Err(CrmError::NotSaved { why: problem.to_string() });
        }
        self.done();
        let quote = self.quote.clone();
        let saving = match quote.id {
            0 => crm.clone(),
            id => crm.expecting(RecordRef::new(Kind::Quote, id), self.version),
        };
        let id = saving.save_quote(quote)?.id;
        // The quote and its version read together, from one snapshot: the next save is checked
        // against what the editor then holds, whoever wrote it last.
        (self.quote, self.version) = crm.get_versioned(id)?;
        let accepted = self.quote.status == QuoteStatus::Accepted && self.stored != QuoteStatus::Accepted;
        self.stored = self.quote.status;
        self.dirty = false;
        Ok(accepted)
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

/// Columns of the quote editor's quantity, unit price and discount cells.
const QTY_WIDTH: u16 = 8;
const PRICE_WIDTH: u16 = 14;
const DISC_WIDTH: u16 = 6;

pub fn draw(f: &mut Frame, area: Rect, q: &QuoteEditor, theme: &Theme) {
    let dirty = if q.dirty { " · unsaved (Ctrl-S saves)" } else { "" };
    let title = format!(" Quote {} · {} · {}{dirty} ", q.quote.number, q.deal, q.quote.status);
    let block = Block::new().borders(Borders::ALL).title(truncate(&title, area.width as usize));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let cur = q.quote.currency;
    let unread = q.unread().is_some();
    let widths = [
        Constraint::Length(1),
        Constraint::Min(12),
        Constraint::Length(QTY_WIDTH),
        Constraint::Length(PRICE_WIDTH),
        Constraint::Length(DISC_WIDTH),
        Constraint::Length(16),
    ];
    // What each column holds: numbers right-aligned, the product cut with "…".
    let cut = super::widgets::columns(inner.width, &widths);
    let mut rows = Vec::new();
    for (i, line) in q.quote.lines.iter().enumerate() {
        let selected = i == q.selected;
        let cell = |c: Cell, shown: String| match &q.editing {
            Some(Typing { cell: e, text, .. }) if selected && *e == c => {
                // The cursor kept in view within the cell's column.
                let room = match c {
                    Cell::Quantity => QTY_WIDTH,
                    Cell::Price => PRICE_WIDTH,
                    Cell::Discount => DISC_WIDTH,
                };
                let shown = text.spans(room as usize, Style::new()).iter().map(|s| s.content.to_string()).collect();
                (shown, if text.is_selected() { theme.marked() } else { theme.focus() })
            }
            _ => (shown, if selected { theme.title() } else { theme.text() }),
        };
        // A cell that does not read leaves the line without a total until it is fixed.
        let net = if selected && unread { "—".to_string() } else { crate::model::Amount::grouped_sum(line.net()) };
        let cells = [
            (line.description.clone(), if selected { theme.title() } else { theme.text() }),
            cell(Cell::Quantity, line.quantity.to_string()),
            cell(Cell::Price, line.unit_price.grouped()),
            cell(Cell::Discount, format!("{}%", line.discount)),
            (net, if selected { theme.title() } else { theme.text() }),
        ];
        let marker = if selected { "▶" } else { " " };
        let mut row = vec![ratatui::widgets::Cell::from(marker)];
        row.extend(
            cells.into_iter().enumerate().map(|(i, (t, st))| super::widgets::fitted(&t, cut[i + 1], i > 0).style(st)),
        );
        rows.push(Row::new(row));
    }
    let header = ["", "PRODUCT", "QTY", "UNIT PRICE", "DISC", "LINE TOTAL"];
    let header =
        Row::new(header.iter().enumerate().map(|(i, h)| super::widgets::fitted(h, cut[i], i > 1))).style(theme.dim());
    let totals = q.quote.totals();
    let [table_area, foot] = Layout::vertical([Constraint::Min(1), Constraint::Length(5)]).areas(inner);
    if q.quote.lines.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled("No lines yet: press a to add a product.", theme.dim())),
            table_area,
        );
    } else {
        let table = Table::new(rows, widths).header(header).flex(ratatui::layout::Flex::Start).column_spacing(1);
        f.render_widget(table, table_area);
    }
    let right = |label: &str, a: Option<crate::model::Amount>| {
        let shown = if unread { "—".to_string() } else { crate::model::Amount::grouped_sum(a) };
        Line::from(format!("{label:>12} {shown:>16} {cur}")).right_aligned()
    };
    let mut foot_lines = vec![
        right("subtotal", totals.map(|t| t.subtotal)),
        right("discount", totals.map(|t| t.discount)),
        right("total", totals.map(|t| t.total)).style(theme.title()),
    ];
    if let Some(e) = &q.error {
        foot_lines.push(Line::styled(format!("! {}", truncate(e, inner.width as usize)), theme.error()));
    }
    f.render_widget(Paragraph::new(foot_lines), foot);
    if let Some(p) = &q.picker {
        let inner = popup(f, area, 60, area.height.saturating_sub(4).min(16), "Add a product");
        let mut lines = vec![p.query.after(Span::styled("> ", theme.title()), inner.width as usize)];
        if p.hits.is_empty() {
            lines.push(Line::styled("no product matches (add products with rolo product add)", theme.dim()));
        }
        let room = inner.height.saturating_sub(1) as usize;
        for (n, &i) in p.hits.iter().enumerate().skip(scrolled(p.selected, room)).take(room) {
            let product = &q.products[i];
            let text = format!("{}  {} {}", product.name, product.price.grouped(), product.currency);
            let style = if n == p.selected { theme.focus() } else { theme.text() };
            lines.push(Line::styled(truncate(&sanitize(&text), inner.width as usize), style));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
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

    #[test]
    fn a_cell_making_the_total_too_large_is_refused_and_leaves_the_line_as_it_was() {
        let line = QuoteLine {
            product: None,
            description: "x".into(),
            quantity: 1,
            unit_price: Amount(i64::MAX / 2),
            discount: 0,
        };
        let quote = Quote { lines: vec![line.clone(), line], ..Default::default() };
        let mut q = QuoteEditor {
            quote,
            deal: String::new(),
            selected: 0,
            editing: None,
            stored: QuoteStatus::Draft,
            error: None,
            dirty: false,
            picker: None,
            products: Vec::new(),
            version: Default::default(),
        };
        q.edit().unwrap();
        q.type_key(KeyEvent::from(ratatui::crossterm::event::KeyCode::Char('3')));
        assert!(q.unread().is_some_and(|e| e.contains("too large")), "{:?}", q.unread());
        assert_eq!(q.quote.lines[0].quantity, 1, "the line keeps its last good value");
        let _ = q.quote.totals();
    }
}
