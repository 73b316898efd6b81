//! Pipeline commands: stages, moving deals, converting leads, quotes.

use serde::{Deserialize, Serialize};

use super::{Crm, CrmError, Result, Tx};
use crate::model::{
    Account, Amount, Contact, DEFAULT_STAGES, Date, Email, Id, Kind, Lead, LeadConversion, LeadStatus, Opportunity,
    Phone, Product, Quote, QuoteLine, QuoteStatus, Record, Stage, StageOutcome, ValidationError,
};
use crate::store::keys::text_key;
use crate::store::{Read, SortField};

/// What to create when converting a lead (see [`Crm::convert_lead`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConvertLead {
    /// Use this account instead of matching the lead's company by name.
    pub account: Option<Id>,
    /// Create an opportunity too.
    pub opportunity: Option<NewOpportunity>,
}

/// The opportunity made by a conversion; blanks take sensible defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewOpportunity {
    /// Name; defaults to the account's name.
    pub name: Option<String>,
    /// Amount; defaults to 0.
    pub amount: Option<Amount>,
    /// Close date; defaults to 30 days from today.
    pub close_date: Option<Date>,
}

/// What a conversion made or matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    /// The account (matched by name, or new).
    pub account: Id,
    /// The new contact.
    pub contact: Id,
    /// The new opportunity, if one was asked for.
    pub opportunity: Option<Id>,
}

impl Crm {
    /// Creates the default stages in a database that has none.
    pub(super) fn seed_stages(&self) -> Result<()> {
        if crate::store::RawRead::count(&self.shared.store.read()?, Kind::Stage)? > 0 {
            return Ok(());
        }
        self.write_system(|tx| {
            for (order, (name, probability, outcome)) in DEFAULT_STAGES.into_iter().enumerate() {
                let stage =
                    Stage { name: name.into(), order: order as u32 + 1, probability, outcome, ..Default::default() };
                tx.create(stage)?;
            }
            Ok(())
        })
    }

    /// The pipeline stages in board order.
    pub fn stages(&self) -> Result<Vec<Stage>> {
        let mut stages = self.list::<Stage>(|_| true)?;
        stages.sort_by_key(|s| (s.order, s.id));
        Ok(stages)
    }

    /// The stage with this name (any case), or a clear error listing the names.
    pub fn stage_named(&self, name: &str) -> Result<Stage> {
        find_stage(&self.stages()?, name)
    }

    /// Creates an opportunity; with stage 0 it starts in the first stage, and a probability not
    /// set by hand follows the stage's default.
    pub fn create_opportunity(&self, opp: Opportunity) -> Result<Opportunity> {
        self.write(|tx| tx.create_opportunity(opp))
    }

    /// Moves a deal to another stage. The probability follows the new stage's default unless
    /// `probability` is given (which then sticks) or was set by hand before.
    pub fn move_opportunity(&self, id: Id, stage: &str, probability: Option<u8>) -> Result<Opportunity> {
        let stage = self.stage_named(stage)?;
        self.write(|tx| {
            let mut opp: Opportunity = tx.get(id)?;
            if let Some(p) = probability {
                opp.probability = p;
                opp.probability_manual = true;
            }
            opp.stage = stage.id;
            tx.update(opp, None)
        })
    }

    /// Puts deal `id` in stage `stage` (an id, as the board knows it), with the reason when the
    /// stage is a lost one; what the stage implies follows (see [`Tx::update`]).
    pub fn move_deal(&self, id: Id, stage: Id, lost_reason: Option<&str>) -> Result<Opportunity> {
        self.write(|tx| {
            let mut opp: Opportunity = tx.get(id)?;
            opp.stage = stage;
            if let Some(reason) = lost_reason {
                opp.lost_reason = Some(reason.to_string());
            }
            tx.update(opp, None)
        })
    }

    /// The leads in `status`, in id order, read through the status index (not a scan).
    pub fn leads_in_status(&self, status: LeadStatus) -> Result<Vec<Lead>> {
        let r = self.reader()?;
        let (from, to) = ([status as u8], [status as u8 + 1]);
        let mut ids = r.sorted(Kind::Lead, SortField::Status, &from, Some(&to), false, usize::MAX)?;
        ids.sort_unstable();
        Ok(r.many(&ids)?)
    }

    /// Moves each lead in `ids` one step along the status cycle (new → contacted → qualified →
    /// unqualified → new; converted is set only by converting), in one transaction. Returns the
    /// last lead changed.
    pub fn advance_lead_status(&self, ids: &[Id]) -> Result<Option<Lead>> {
        self.write(|tx| {
            let mut last = None;
            for &id in ids {
                let mut lead: Lead = tx.get(id)?;
                lead.status = match lead.status {
                    LeadStatus::New => LeadStatus::Contacted,
                    LeadStatus::Contacted => LeadStatus::Qualified,
                    LeadStatus::Qualified => LeadStatus::Unqualified,
                    _ => LeadStatus::New,
                };
                last = Some(tx.update(lead, None)?);
            }
            Ok(last)
        })
    }

    /// Closes a deal as won or lost by moving it to the first stage with that outcome; a lost
    /// deal needs a reason.
    pub fn close_opportunity(&self, id: Id, outcome: StageOutcome, reason: Option<&str>) -> Result<Opportunity> {
        let stage = self.stages()?.into_iter().find(|s| s.outcome == outcome).ok_or(CrmError::NoStage { outcome })?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if outcome == StageOutcome::Lost && reason.is_none() {
            return Err(ValidationError::new("reason", "is required: say why the deal was lost").into());
        }
        self.write(|tx| {
            let mut opp: Opportunity = tx.get(id)?;
            if opp.status == outcome {
                return Err(CrmError::Already { record: format!("opportunity {id}"), state: outcome.to_string() });
            }
            opp.stage = stage.id;
            opp.lost_reason = reason.map(str::to_string);
            tx.update(opp, None)
        })
    }

    /// Turns a lead into an account (matched by name or created), a contact and, if asked, an
    /// opportunity, and marks the lead converted. All of it happens, or none of it.
    pub fn convert_lead(&self, id: Id, how: ConvertLead) -> Result<Conversion> {
        self.write(|tx| tx.convert_lead(id, how))
    }

    /// Starts an empty draft quote on an opportunity, numbered `Q-00001` onwards.
    pub fn create_quote(&self, opportunity: Id) -> Result<Quote> {
        self.write(|tx| {
            let opp: Opportunity = tx.get(opportunity)?;
            tx.create_quote(Quote { opportunity, currency: opp.currency, ..Default::default() })
        })
    }

    /// Saves a quote edited as a whole (lines, terms, status): a new one (id 0) is stored and
    /// numbered, a stored one updated; the quote rules apply either way.
    pub fn save_quote(&self, quote: Quote) -> Result<Quote> {
        self.write(|tx| if quote.id == 0 { tx.create_quote(quote) } else { tx.update(quote, None) })
    }

    /// Saves a lead's edited fields and converts it (see [`Crm::convert_lead`]) in one
    /// transaction: a refusal of either leaves the lead as it was.
    pub fn convert_edited_lead(&self, lead: Lead, how: ConvertLead) -> Result<Conversion> {
        self.write(|tx| {
            let id = lead.id;
            tx.update(lead, None)?;
            tx.convert_lead(id, how)
        })
    }

    /// Adds a line for a catalogue product at its list price.
    pub fn add_quote_line(&self, quote: Id, product: Id, quantity: u32, discount: u8) -> Result<Quote> {
        self.write(|tx| {
            let mut q: Quote = tx.get(quote)?;
            let p: Product = tx.get(product)?;
            if !p.active {
                return Err(ValidationError::new(
                    "product",
                    format!("{} is no longer sold: pick an active product", p.name),
                )
                .into());
            }
            if p.currency != q.currency && !q.lines.is_empty() {
                return Err(ValidationError::new(
                    "product",
                    format!("{} is priced in {}, the quote in {}", p.name, p.currency, q.currency),
                )
                .into());
            }
            q.currency = p.currency;
            q.lines.push(QuoteLine {
                product: Some(p.id),
                description: p.name.clone(),
                quantity,
                unit_price: p.price,
                discount,
            });
            tx.update(q, Some(format!("added {quantity} × {}", p.name)))
        })
    }
}

/// The number of the quote with id `id`: `Q-00001` onwards.
fn quote_number(id: Id) -> String {
    format!("Q-{id:05}")
}

impl Tx<'_> {
    /// Stores a new quote (lines and all), numbered `Q-00001` onwards after the id it gets, so
    /// that accepting it on its first save reads in the deal's trail under that number.
    pub fn create_quote(&mut self, quote: Quote) -> Result<Quote> {
        let id = self.w.upcoming_id(Kind::Quote)?;
        let quote = self.create(Quote { number: quote_number(id), ..quote })?;
        if quote.id != id {
            return Err(CrmError::Store(crate::store::StoreError::Other(format!(
                "quote numbered {} was stored as {}",
                quote_number(id),
                quote.record_ref()
            ))));
        }
        Ok(quote)
    }

    /// The quote rules every write of a quote obeys, whatever the front end: an accepted quote
    /// is read-only (only a write that moves it back to draft may change its lines or terms),
    /// and a quote becoming accepted gives its deal its total as amount, audited on the deal.
    /// `old` is the quote as stored, `None` for a new one; other kinds pass untouched.
    pub(super) fn quote_rules<R: Record>(&mut self, old: Option<&R>, new: &R) -> Result<()> {
        let Some(new) = as_quote(new) else { return Ok(()) };
        let old = old.and_then(as_quote);
        if let Some(old) = old.filter(|o| o.status == QuoteStatus::Accepted)
            && new.status != QuoteStatus::Draft
            && !same_terms(old, new)
        {
            return Err(accepted(old, "edit"));
        }
        let accepted_now = new.status == QuoteStatus::Accepted && old.is_none_or(|o| o.status != QuoteStatus::Accepted);
        if !accepted_now {
            return Ok(());
        }
        let mut deal: Opportunity = self.get(new.opportunity)?;
        let Some(total) = new.totals().map(|t| t.total) else {
            return Err(ValidationError::new("total", "is too large to count: lower a quantity or a price").into());
        };
        if (deal.amount, deal.currency) != (total, new.currency) {
            (deal.amount, deal.currency) = (total, new.currency);
            let why = format!("amount {} {} from accepted quote {}", total.grouped(), new.currency, new.label());
            self.update(deal, Some(why))?;
        }
        Ok(())
    }

    /// See [`Crm::convert_lead`].
    pub fn convert_lead(&mut self, id: Id, how: ConvertLead) -> Result<Conversion> {
        let mut lead: Lead = self.get(id)?;
        // A lead out of sight is not there; one that may not be changed is refused first.
        self.allow(crate::model::Act::Edit, &lead)?;
        if let Some(c) = lead.converted {
            return Err(CrmError::AlreadyConverted { lead: id, account: c.account, contact: c.contact });
        }
        let company = lead.company.clone().filter(|c| !c.trim().is_empty()).unwrap_or_else(|| lead.full_name());
        let account = match how.account {
            Some(a) => {
                let account = self.get::<Account>(a)?;
                self.allow(crate::model::Act::Read, &account)?;
                account.id
            }
            None => match account_by_name(self, &company)? {
                Some(a) => a,
                None => {
                    self.create(Account { name: company.clone(), owner: lead.owner.clone(), ..Default::default() })?.id
                }
            },
        };
        let contact = Contact {
            first_name: if lead.first_name.trim().is_empty() { "-".into() } else { lead.first_name.clone() },
            last_name: lead.last_name.clone(),
            title: lead.title.clone(),
            account: Some(account),
            emails: lead.email.iter().map(Email::new).collect(),
            phones: lead.phone.iter().map(Phone::new).collect(),
            owner: lead.owner.clone(),
            ..Default::default()
        };
        let contact = self.create(contact)?.id;
        let opportunity = match how.opportunity {
            None => None,
            Some(new) => {
                let opp = Opportunity {
                    name: new.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| company.clone()),
                    account,
                    contact: Some(contact),
                    amount: new.amount.unwrap_or_default(),
                    close_date: new.close_date.unwrap_or_else(|| self.now.local_date().add_days(30)),
                    lead_source: lead.source.clone(),
                    campaign: lead.campaign,
                    lead: Some(id),
                    owner: lead.owner.clone(),
                    ..Default::default()
                };
                Some(self.create_opportunity(opp)?.id)
            }
        };
        lead.status = LeadStatus::Converted;
        lead.converted = Some(LeadConversion { account, contact, opportunity, at: self.now() });
        self.update(lead, Some("converted".into()))?;
        Ok(Conversion { account, contact, opportunity })
    }

    /// See [`Crm::create_opportunity`].
    pub fn create_opportunity(&mut self, mut opp: Opportunity) -> Result<Opportunity> {
        let stage = if opp.stage == 0 {
            let first = self.stages()?.into_iter().find(|s| s.outcome == StageOutcome::Open);
            first.ok_or(CrmError::NoStage { outcome: StageOutcome::Open })?
        } else {
            self.get::<Stage>(opp.stage)
                .map_err(|_| ValidationError::new("stage", format!("stage {} does not exist", opp.stage)))?
        };
        let closed = closing_day(&opp, self.now.local_date());
        place_in_stage(&mut opp, &stage, closed);
        self.create(opp)
    }
}

/// Puts a deal in a stage: status follows the stage, and so does the probability unless it was
/// set by hand. A deal this closes (or moves from won to lost, or back) closed on `closed`; one
/// that stays closed keeps its day; a reopened one has none.
pub(super) fn place_in_stage(opp: &mut Opportunity, stage: &Stage, closed: Date) {
    opp.stage = stage.id;
    opp.closed_on = match stage.outcome {
        StageOutcome::Open => None,
        outcome if outcome == opp.status && opp.closed_on.is_some() => opp.closed_on,
        _ => Some(closed),
    };
    opp.status = stage.outcome;
    if !opp.probability_manual || stage.outcome != StageOutcome::Open {
        opp.probability = stage.probability;
    }
    if stage.outcome != StageOutcome::Lost {
        opp.lost_reason = None;
    }
}

/// The day a deal created in a closed stage closed: the day it says, else its close date unless
/// that is still to come (then `today`).
pub(super) fn closing_day(opp: &Opportunity, today: Date) -> Date {
    opp.closed_on.unwrap_or(opp.close_date.min(today))
}

/// The stage named `name` (any case) among `stages`.
pub(crate) fn find_stage(stages: &[Stage], name: &str) -> Result<Stage> {
    let wanted = name.trim().to_lowercase();
    stages.iter().find(|s| s.name.to_lowercase() == wanted).cloned().ok_or_else(|| {
        let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
        ValidationError::new("stage", format!("'{}' is not a stage: use one of {}", name.trim(), names.join(", ")))
            .into()
    })
}

/// The account whose name equals `name` (ignoring case and outer spaces), if any.
fn account_by_name(tx: &mut Tx, name: &str) -> Result<Option<Id>> {
    tx.index()?;
    named(&tx.visible(), Kind::Account, name)
}

/// The first record of `kind` whose name equals `name` (ignoring case and outer spaces).
fn named(r: &impl Read, kind: Kind, name: &str) -> Result<Option<Id>> {
    let key = text_key(name);
    let mut upper = key.clone();
    upper.push(0xff);
    Ok(r.sorted(kind, SortField::Name, &key, Some(&upper), false, 1)?.first().copied())
}

impl Crm {
    /// The account called `name` (ignoring case and outer spaces), if any.
    pub fn account_named(&self, name: &str) -> Result<Option<Id>> {
        named(&self.reader()?, Kind::Account, name)
    }
}

/// Refuses to delete an accepted quote (its deal's amount came from it): see
/// [`Tx::quote_rules`].
pub(super) fn deletable<R: Record>(rec: &R) -> Result<()> {
    match as_quote(rec) {
        Some(q) if q.status == QuoteStatus::Accepted => Err(accepted(q, "delete")),
        _ => Ok(()),
    }
}

/// `rec` as a quote, when it is one.
fn as_quote<R: Record>(rec: &R) -> Option<&Quote> {
    (rec as &dyn std::any::Any).downcast_ref::<Quote>()
}

/// The refusal to `verb` accepted quote `q`, with the way out.
fn accepted(q: &Quote, verb: &str) -> CrmError {
    CrmError::QuoteAccepted {
        quote: q.number.clone(),
        how: format!("{verb} it (rolo quote edit {} --status draft)", q.id),
    }
}

/// Whether two versions of a quote offer the same: everything but the status and the times
/// (and the number a new quote is given).
fn same_terms(old: &Quote, new: &Quote) -> bool {
    let number = if old.number.is_empty() { &old.number } else { &new.number };
    *old == Quote {
        status: old.status,
        number: number.clone(),
        created: old.created,
        updated: old.updated,
        ..new.clone()
    }
}
