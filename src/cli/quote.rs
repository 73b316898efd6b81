//! The catalogue and quotes: products, quotes with their lines, a quote as Markdown: each
//! command's arguments, handler and presenter.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::Value;

use super::args::{FilterArg, IdArg, noun};
use super::output::{self, Names, Out, Present, opt, show, wrote};
use super::{add, delete, edit, exists, fields, show_one};
use crate::crm::Crm;
use crate::model::{Account, Amount, Contact, Id, Kind, Opportunity, Product, Quote, RecordRef, ValidationError};

noun!(
    /// Product commands.
    ProductCmd, ProductAdd, ProductEdit, FilterArg
);

/// Optional product fields.
#[derive(Debug, Args, Default)]
pub struct ProductFields {
    /// Stock-keeping unit code.
    #[arg(long)]
    pub sku: Option<String>,
    /// Currency code (default USD).
    #[arg(long)]
    pub currency: Option<String>,
    /// Longer description.
    #[arg(long)]
    pub description: Option<String>,
    /// Whether it can be quoted (true or false).
    #[arg(long)]
    pub active: Option<bool>,
}

/// `product add`.
#[derive(Debug, Args)]
pub struct ProductAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
    /// Unit price, e.g. 49.90.
    #[arg(long)]
    pub price: String,
    #[command(flatten)]
    pub fields: ProductFields,
}

/// `product edit`.
#[derive(Debug, Args)]
pub struct ProductEdit {
    /// The product's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New unit price.
    #[arg(long)]
    pub price: Option<String>,
    #[command(flatten)]
    pub fields: ProductFields,
}

/// Quote commands: the standard verbs, written out because `show` takes a `--format`.
#[derive(Debug, Subcommand)]
pub enum QuoteCmd {
    /// Create one.
    Add(QuoteAdd),
    /// List them.
    #[command(alias = "ls")]
    List(QuoteList),
    /// Show one in full, with its lines and totals (--format md for a printable quote).
    Show(QuoteShow),
    /// Change fields of one (an empty value clears an optional field).
    Edit(QuoteEdit),
    /// Delete one (refused while other records need it).
    #[command(alias = "rm")]
    Delete(IdArg),
    /// Add a catalogue product as a line.
    Line(QuoteLineArgs),
}

/// `quote show`.
#[derive(Debug, Args)]
pub struct QuoteShow {
    /// The quote's id.
    #[arg(add = super::shell::ids())]
    pub id: Id,
    /// text: the table rolo prints; md: a Markdown quote to send or print (not with --json).
    #[arg(long, value_enum, default_value_t = QuoteFormat::Text)]
    pub format: QuoteFormat,
}

/// How `quote show` prints a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QuoteFormat {
    /// Aligned columns for the terminal.
    Text,
    /// Markdown: a title, the parties, a table of lines and the totals.
    Md,
}

/// `quote add`.
#[derive(Debug, Args)]
pub struct QuoteAdd {
    /// The opportunity quoted.
    #[arg(long)]
    pub opp: Id,
}

/// `quote edit`.
#[derive(Debug, Args)]
pub struct QuoteEdit {
    /// The quote's id.
    pub id: Id,
    /// draft, sent, accepted or rejected.
    #[arg(long)]
    pub status: Option<String>,
    /// Last day the offer holds.
    #[arg(long)]
    pub valid_until: Option<String>,
}

/// `quote list` filters.
#[derive(Debug, Args)]
pub struct QuoteList {
    /// Only quotes of this opportunity.
    #[arg(long)]
    pub opp: Option<Id>,
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

/// `quote line`.
#[derive(Debug, Args)]
pub struct QuoteLineArgs {
    /// The quote's id.
    pub quote: Id,
    /// The product's id.
    #[arg(long)]
    pub product: Id,
    /// How many units.
    #[arg(long)]
    pub qty: u32,
    /// Discount on the line, whole percent.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub discount: u8,
}

pub(super) fn product(out: &Out, crm: &Crm, cmd: ProductCmd) -> Result<()> {
    match cmd {
        ProductCmd::Add(a) => {
            let mut rec = Product {
                name: a.name,
                price: fields::amount("price", &a.price)?,
                active: true,
                currency: crm.session().currency(),
                ..Default::default()
            };
            fields::product(&mut rec, &a.fields)?;
            add(out, crm, rec)
        }
        ProductCmd::List(f) => f.list(out, crm, crm.list::<Product>(|_| true)?),
        ProductCmd::Show(a) => show_one::<Product>(out, crm, a.id),
        ProductCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Product| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            if let Some(p) = &e.price {
                rec.price = fields::amount("price", p)?;
            }
            Ok(fields::product(rec, &e.fields)?)
        }),
        ProductCmd::Delete(a) => delete::<Product>(out, crm, a.id),
    }
}

pub(super) fn quote(out: &Out, crm: &Crm, cmd: QuoteCmd) -> Result<()> {
    match cmd {
        QuoteCmd::Add(a) => {
            let rec = crm.create_quote(a.opp)?;
            wrote(out, crm, "created", &rec);
            Ok(())
        }
        QuoteCmd::List(f) => {
            exists::<Opportunity>(crm, f.opp)?;
            let quotes = match f.opp {
                Some(o) => crm.linking::<Quote>(RecordRef::new(Kind::Opportunity, o))?,
                None => crm.list::<Quote>(|_| true)?,
            };
            f.filter.list(out, crm, quotes)
        }
        QuoteCmd::Show(a) => {
            if out.json && a.format == QuoteFormat::Md {
                return Err(ValidationError::new("format", "md cannot be combined with --json: drop one").into());
            }
            let q = crm.get::<Quote>(a.id)?;
            match (out.json, a.format) {
                (true, _) => show(out, crm, &q),
                (false, QuoteFormat::Text) => print_quote(crm, &q)?,
                (false, QuoteFormat::Md) => say!("{}", quote_markdown(crm, &q)?),
            }
            Ok(())
        }
        QuoteCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Quote| {
            if let Some(s) = &e.status {
                rec.status = s.parse()?;
            }
            if let Some(v) = &e.valid_until {
                rec.valid_until = if v.trim().is_empty() {
                    None
                } else {
                    Some(fields::date("valid-until", v, crm.session().today())?)
                };
            }
            Ok(())
        }),
        QuoteCmd::Delete(a) => delete::<Quote>(out, crm, a.id),
        QuoteCmd::Line(l) => {
            let rec = crm.add_quote_line(l.quote, l.product, l.qty, l.discount)?;
            if out.json {
                show(out, crm, &rec);
            } else {
                print_quote(crm, &rec)?;
            }
            Ok(())
        }
    }
}

fn print_quote(crm: &Crm, q: &Quote) -> Result<()> {
    let opp = crm.get::<Opportunity>(q.opportunity)?;
    let account = output::Names::new(crm).of::<Account>(Some(opp.account));
    let header = format!("Quote {} for {} ({}), {}", q.number, account, opp.name, q.status);
    say!("{}", crate::text::sanitize(&header));
    if let Some(v) = q.valid_until {
        say!("valid until {v}");
    }
    let rows = q.lines.iter().enumerate().map(|(i, l)| {
        vec![
            (i + 1).to_string(),
            l.description.clone(),
            l.quantity.to_string(),
            l.unit_price.grouped(),
            if l.discount > 0 { format!("{}%", l.discount) } else { String::new() },
            crate::model::Amount::grouped_sum(l.net()),
        ]
    });
    say!("{}", output::table(&["#", "ITEM", "QTY", "UNIT PRICE", "DISC", "AMOUNT"], rows, &[0, 2, 3, 4, 5]));
    let [subtotal, discount, total] = quote_sums(q);
    let rows = [
        vec!["Subtotal".to_string(), format!("{subtotal} {}", q.currency)],
        vec!["Discount".to_string(), format!("-{discount} {}", q.currency)],
        vec!["Total".to_string(), format!("{total} {}", q.currency)],
    ];
    say!("{}", output::table(&["", ""], rows, &[1]));
    Ok(())
}

/// A quote as a printable Markdown document, with the names of its account, contact and deal.
fn quote_markdown(crm: &Crm, q: &Quote) -> Result<String> {
    let opp = crm.get::<Opportunity>(q.opportunity)?;
    // The parties the reader may not see are named by number, as everywhere else.
    let names = output::Names::new(crm);
    let account = names.of::<Account>(Some(opp.account));
    let contact = opp.contact.map(|c| names.of::<Contact>(Some(c)));
    let who = QuoteParties { account: &account, contact: contact.as_deref(), opportunity: &opp.name };
    Ok(markdown(q, &who))
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

/// A quote's subtotal, discount and total as people read them (`too large` for a sum that
/// cannot be counted).
pub fn quote_sums(q: &Quote) -> [String; 3] {
    let t = q.totals();
    [t.map(|t| t.subtotal), t.map(|t| t.discount), t.map(|t| t.total)].map(Amount::grouped_sum)
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

/// The parties of a quote, by name, for [`markdown`].
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
pub fn markdown(q: &Quote, who: &QuoteParties) -> String {
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
    use crate::model::QuoteLine;

    /// Whole units in cents.
    fn u(units: i64) -> i64 {
        units * 100
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
        let text = markdown(&q, &QuoteParties { account: "Acme", contact: None, opportunity: "Deal" });
        assert!(text.starts_with("# Quote Q-00007\n"), "{text}");
        assert!(text.contains("| Pipe \\| fitting | 2 | 1,000.00 | 5 | 1,900.00 |"), "{text}");
        assert!(text.ends_with("| **Total** | **1,900.00 USD** |"), "{text}");
        assert!(!text.contains("Contact"), "{text}");
    }
}
