//! Selling: pipeline stages, opportunities, products and quotes.

use serde::{Deserialize, Serialize};

use super::{
    Amount, Currency, Date, Id, Kind, Link, Picklist, Record, RecordRef, Timestamp, ValidationError, check_percent,
    clear_if, link_opt, link_req, max_len, non_negative, record_basics, require, swap_id, word_enum,
};

word_enum!(
    /// What reaching a stage means for a deal.
    StageOutcome, "outcome" {
        #[default] Open = "open",
        Won = "won",
        Lost = "lost",
    }
);

/// One step of the sales pipeline. The list lives in the database, so teams can change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Stage {
    /// Number.
    pub id: Id,
    /// Name shown on the board (required).
    pub name: String,
    /// Position on the board, lowest first.
    pub order: u32,
    /// Probability (percent) a deal gets on entering the stage.
    pub probability: u8,
    /// Whether the stage closes the deal, won or lost.
    pub outcome: StageOutcome,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Record for Stage {
    const KIND: Kind = Kind::Stage;
    record_basics!();

    fn validate(&self) -> Result<(), ValidationError> {
        require("name", &self.name)?;
        check_percent("probability", self.probability)
    }

    fn label(&self) -> String {
        self.name.clone()
    }
}

/// The stages a new database starts with: name, probability, outcome.
pub const DEFAULT_STAGES: [(&str, u8, StageOutcome); 10] = [
    ("Prospecting", 10, StageOutcome::Open),
    ("Qualification", 20, StageOutcome::Open),
    ("Needs Analysis", 25, StageOutcome::Open),
    ("Value Proposition", 30, StageOutcome::Open),
    ("Id. Decision Makers", 40, StageOutcome::Open),
    ("Perception Analysis", 50, StageOutcome::Open),
    ("Proposal/Price Quote", 65, StageOutcome::Open),
    ("Negotiation/Review", 80, StageOutcome::Open),
    ("Closed Won", 100, StageOutcome::Won),
    ("Closed Lost", 0, StageOutcome::Lost),
];

/// Open, won or lost: follows the outcome of the deal's stage.
pub type OpportunityStatus = StageOutcome;

/// A deal in the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Opportunity {
    /// Number.
    pub id: Id,
    /// Name (required).
    pub name: String,
    /// The buying organisation (required).
    pub account: Id,
    /// The main person on their side.
    pub contact: Option<Id>,
    /// Expected value (required).
    pub amount: Amount,
    /// Currency of the amount.
    pub currency: Currency,
    /// Expected close date (required).
    pub close_date: Date,
    /// Pipeline stage (required).
    pub stage: Id,
    /// Chance of winning, percent.
    pub probability: u8,
    /// Whether the probability was set by hand (else it follows the stage).
    pub probability_manual: bool,
    /// What happens next.
    pub next_step: Option<String>,
    /// When the next step is due.
    pub next_step_date: Option<Date>,
    /// Where the deal came from: one of the database's lead sources, as spelled there.
    pub lead_source: Option<String>,
    /// The campaign that brought it.
    pub campaign: Option<Id>,
    /// The lead it was converted from.
    pub lead: Option<Id>,
    /// The rep in charge.
    pub owner: String,
    /// Open, won or lost (kept in step with the stage by the service).
    pub status: OpportunityStatus,
    /// Why it was lost.
    pub lost_reason: Option<String>,
    /// The competitor it is up against (or was won from or lost to): one of the database's
    /// competitors, as spelled there.
    pub competitor: Option<String>,
    /// The day it was won or lost (none while open): what closed-won revenue is counted by,
    /// since the expected close date is only ever a guess.
    pub closed_on: Option<Date>,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Opportunity {
    /// The day the reports file it under: the day it closed, or while open its expected close
    /// date.
    pub fn report_date(&self) -> Date {
        self.closed_on.filter(|_| self.status != StageOutcome::Open).unwrap_or(self.close_date)
    }

    /// Amount times probability: what the deal is worth to the forecast.
    pub fn weighted(&self) -> Amount {
        self.amount.percent(self.probability as u32)
    }
}

impl Record for Opportunity {
    const KIND: Kind = Kind::Opportunity;
    record_basics!(owner);

    fn picked_mut(&mut self, list: Picklist) -> Option<&mut Option<String>> {
        Some(match list {
            Picklist::LeadSources => &mut self.lead_source,
            Picklist::Competitors => &mut self.competitor,
        })
    }

    fn picked(&self, list: Picklist) -> Option<&str> {
        match list {
            Picklist::LeadSources => self.lead_source.as_deref(),
            Picklist::Competitors => self.competitor.as_deref(),
        }
    }

    fn validate(&self) -> Result<(), ValidationError> {
        require("name", &self.name)?;
        max_len("name", &self.name, 300)?;
        if let Some(source) = &self.lead_source {
            max_len("source", source, 100)?;
        }
        if let Some(competitor) = &self.competitor {
            max_len("competitor", competitor, 100)?;
        }
        non_negative("amount", self.amount)?;
        check_percent("probability", self.probability)
    }

    fn links(&self) -> Vec<Link> {
        let mut links =
            vec![link_req("account", Kind::Account, self.account), link_req("stage", Kind::Stage, self.stage)];
        links.extend(link_opt("contact", Kind::Contact, self.contact));
        links.extend(link_opt("campaign", Kind::Campaign, self.campaign));
        links.extend(link_opt("lead", Kind::Lead, self.lead));
        links
    }

    fn relink_contact(&mut self, from: Id, to: Id) {
        if let Some(c) = &mut self.contact {
            swap_id(c, from, to);
        }
    }

    fn unlink(&mut self, target: RecordRef) {
        clear_if(&mut self.contact, Kind::Contact, target);
        clear_if(&mut self.campaign, Kind::Campaign, target);
        clear_if(&mut self.lead, Kind::Lead, target);
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn search_text(&self) -> Option<String> {
        Some(self.name.clone())
    }

    fn account(&self) -> Option<Id> {
        Some(self.account)
    }
}

/// Something we sell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Product {
    /// Number.
    pub id: Id,
    /// Name (required).
    pub name: String,
    /// Stock-keeping unit code.
    pub sku: Option<String>,
    /// List price per unit (required).
    pub price: Amount,
    /// Currency of the price.
    pub currency: Currency,
    /// Whether it can still be quoted.
    pub active: bool,
    /// Longer description.
    pub description: Option<String>,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Record for Product {
    const KIND: Kind = Kind::Product;
    record_basics!();

    fn validate(&self) -> Result<(), ValidationError> {
        require("name", &self.name)?;
        non_negative("price", self.price)
    }

    fn label(&self) -> String {
        self.name.clone()
    }
}

word_enum!(
    /// Where a quote stands with the customer.
    QuoteStatus, "status" {
        #[default] Draft = "draft",
        Sent = "sent",
        Accepted = "accepted",
        Rejected = "rejected",
    }
);

/// One line of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    /// The product quoted, if it came from the catalogue.
    pub product: Option<Id>,
    /// What the customer reads.
    pub description: String,
    /// How many units.
    pub quantity: u32,
    /// Price per unit.
    pub unit_price: Amount,
    /// Discount on this line, whole percent.
    pub discount: u8,
}

impl QuoteLine {
    /// Quantity times unit price, before discount; none when too large to count.
    pub fn gross(&self) -> Option<Amount> {
        self.unit_price.checked_mul(self.quantity as i64)
    }

    /// The discount on this line, rounded half away from zero to the cent.
    pub fn discount_amount(&self) -> Option<Amount> {
        Some(self.gross()?.percent(self.discount as u32))
    }

    /// What this line adds to the total; none when too large to count.
    pub fn net(&self) -> Option<Amount> {
        self.gross()?.checked_sub(self.discount_amount()?)
    }
}

/// A quote's sums. Each line's discount is rounded to the cent on its own, then summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTotals {
    /// Sum of quantity × unit price.
    pub subtotal: Amount,
    /// Sum of line discounts.
    pub discount: Amount,
    /// Subtotal less discount.
    pub total: Amount,
}

/// An offer of products to an opportunity's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Quote {
    /// Number.
    pub id: Id,
    /// The deal it belongs to (required).
    pub opportunity: Id,
    /// The quote number shown to the customer (`Q-00012`).
    pub number: String,
    /// Last day the offer holds.
    pub valid_until: Option<Date>,
    /// Draft, sent...
    pub status: QuoteStatus,
    /// Currency of every line.
    pub currency: Currency,
    /// What is offered.
    pub lines: Vec<QuoteLine>,
    /// When it was created.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
}

impl Quote {
    /// Subtotal, discount and total, in integer cents; none when a sum is too large to count (a
    /// quote being edited: a stored one never is).
    pub fn totals(&self) -> Option<QuoteTotals> {
        let subtotal = Amount::checked_sum(self.lines.iter().map(QuoteLine::gross))?;
        let discount = Amount::checked_sum(self.lines.iter().map(QuoteLine::discount_amount))?;
        Some(QuoteTotals { subtotal, discount, total: subtotal.checked_sub(discount)? })
    }
}

impl Record for Quote {
    const KIND: Kind = Kind::Quote;
    record_basics!();

    fn validate(&self) -> Result<(), ValidationError> {
        for line in &self.lines {
            require("description", &line.description)?;
            if line.quantity == 0 {
                return Err(ValidationError::new("qty", "must be at least 1"));
            }
            non_negative("price", line.unit_price)?;
            check_percent("discount", line.discount)?;
        }
        // Totals must stay exact: refuse amounts beyond what cents in an i64 can hold.
        if self.totals().is_none() {
            return Err(ValidationError::new("qty", "the quote's total is too large: check the quantities and prices"));
        }
        Ok(())
    }

    fn links(&self) -> Vec<Link> {
        let mut links = vec![link_req("opp", Kind::Opportunity, self.opportunity)];
        links.extend(self.lines.iter().filter_map(|l| l.product).map(|p| link_req("product", Kind::Product, p)));
        links
    }

    fn label(&self) -> String {
        self.number.clone()
    }
}

/// The span a sales quota covers: a calendar month (`2027-01`) or quarter (`2027-Q1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum QuotaPeriod {
    /// A month of a year (1-12).
    Month(i32, u32),
    /// A quarter of a year (1-4).
    Quarter(i32, u32),
}

impl QuotaPeriod {
    /// Reads `2027-01` or `2027-Q1` (any case, spaces around ignored).
    pub fn parse(text: &str) -> Result<QuotaPeriod, ValidationError> {
        let bad = || {
            ValidationError::new(
                "period",
                format!("'{}' is not a month or a quarter: write it like 2027-01 or 2027-Q1", text.trim()),
            )
        };
        let (year, rest) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = year.parse().ok().filter(|y| (1000..=9999).contains(y)).ok_or_else(bad)?;
        let period = match rest.strip_prefix(['q', 'Q']) {
            Some(q) => QuotaPeriod::Quarter(year, q.parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(bad)?),
            None if rest.len() == 2 => {
                QuotaPeriod::Month(year, rest.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?)
            }
            None => return Err(bad()),
        };
        Ok(period)
    }

    /// Its first day.
    pub fn first_day(self) -> Date {
        let (year, month) = match self {
            QuotaPeriod::Month(y, m) => (y, m),
            QuotaPeriod::Quarter(y, q) => (y, q * 3 - 2),
        };
        Date::from_ymd(year, month, 1).unwrap_or_default()
    }

    /// Its last day.
    pub fn last_day(self) -> Date {
        let (year, month) = match self {
            QuotaPeriod::Month(y, m) => (y, m),
            QuotaPeriod::Quarter(y, q) => (y, q * 3),
        };
        let (next_year, next) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        Date::from_ymd(next_year, next, 1).unwrap_or_default().add_days(-1)
    }
}

impl std::fmt::Display for QuotaPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QuotaPeriod::Month(y, m) => write!(f, "{y}-{m:02}"),
            QuotaPeriod::Quarter(y, q) => write!(f, "{y}-Q{q}"),
        }
    }
}

impl From<QuotaPeriod> for String {
    fn from(p: QuotaPeriod) -> String {
        p.to_string()
    }
}

impl TryFrom<String> for QuotaPeriod {
    type Error = String;
    fn try_from(text: String) -> Result<QuotaPeriod, String> {
        QuotaPeriod::parse(&text).map_err(|e| e.message)
    }
}

/// Whose sales a quota is for: one user (by login) or a team (by name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaHolder {
    /// A user, by login.
    User(String),
    /// A team, by name: its members' deals count.
    Team(String),
}

impl std::fmt::Display for QuotaHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QuotaHolder::User(login) => f.write_str(login),
            QuotaHolder::Team(team) => write!(f, "team {team}"),
        }
    }
}

/// A sales quota: what a user or team should win in a month or quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    /// Whose it is.
    pub holder: QuotaHolder,
    /// When.
    pub period: QuotaPeriod,
    /// How much, in `currency`.
    pub amount: Amount,
    /// The currency of the amount (only deals in it count toward the quota).
    pub currency: Currency,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(qty: u32, price: i64, discount: u8) -> QuoteLine {
        QuoteLine { product: None, description: "x".into(), quantity: qty, unit_price: Amount(price), discount }
    }

    #[test]
    fn quote_totals_round_each_line() {
        let q = Quote { lines: vec![line(3, 333, 10), line(1, 5, 10), line(2, 10_000, 0)], ..Default::default() };
        // 999 * 10% = 99.9 -> 100; 5 * 10% = 0.5 -> 1
        let t = q.totals().unwrap();
        assert_eq!(t.subtotal, Amount(999 + 5 + 20_000));
        assert_eq!(t.discount, Amount(101));
        assert_eq!(t.total, Amount(999 + 5 + 20_000 - 101));
    }

    #[test]
    fn quote_totals_too_large_are_none_not_wrapped() {
        let half = i64::MAX / 2 + 1;
        let q = Quote { lines: vec![line(1, half, 0), line(1, half, 0)], ..Default::default() };
        assert_eq!(q.totals(), None);
        assert_eq!(q.lines[0].net(), Some(Amount(half)));
        assert_eq!(line(2, half, 0).net(), None, "a line too large is none too");
        assert!(q.validate().unwrap_err().message.contains("too large"));
        assert_eq!(Amount::grouped_sum(None), "too large");
        assert_eq!(Amount::checked_sum([Some(Amount(1)), Some(Amount(2))]), Some(Amount(3)));
    }

    #[test]
    fn weighted_amount() {
        let o = Opportunity { amount: Amount::units(1000), probability: 65, ..Default::default() };
        assert_eq!(o.weighted(), Amount::units(650));
    }

    #[test]
    fn quota_periods_read_months_and_quarters_and_know_their_days() {
        let d = |t: &str| Date::parse_iso(t).unwrap();
        let q = QuotaPeriod::parse(" 2027-q1 ").unwrap();
        assert_eq!(
            (q, q.to_string(), q.first_day(), q.last_day()),
            (QuotaPeriod::Quarter(2027, 1), "2027-Q1".into(), d("2027-01-01"), d("2027-03-31"))
        );
        let q4 = QuotaPeriod::parse("2026-Q4").unwrap();
        assert_eq!((q4.first_day(), q4.last_day()), (d("2026-10-01"), d("2026-12-31")));
        let feb = QuotaPeriod::parse("2028-02").unwrap();
        assert_eq!(
            (feb.to_string(), feb.first_day(), feb.last_day()),
            ("2028-02".into(), d("2028-02-01"), d("2028-02-29"))
        );
        for bad in ["2027", "2027-1", "2027-13", "2027-00", "2027-Q0", "2027-Q5", "27-01", "2027-01-01", "", "2027-Qx"]
        {
            let e = QuotaPeriod::parse(bad).unwrap_err();
            assert_eq!(e.field, "period", "{bad}");
            assert!(e.message.contains("write it like 2027-01 or 2027-Q1"), "{bad}: {}", e.message);
        }
        let json = serde_json::to_string(&feb).unwrap();
        assert_eq!(json, "\"2028-02\"");
        assert_eq!(serde_json::from_str::<QuotaPeriod>(&json).unwrap(), feb);
    }
}
