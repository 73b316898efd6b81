//! The campaigns report: leads, conversions, deals, won money and cost per lead of every campaign.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::chart::{Bucket, Chart, ChartView, Unit, measure, row};
use super::{ReportQuery, amount};
use crate::crm::{Crm, Result};
use crate::model::{Amount, Currency, Id, Kind, StageOutcome, ValidationError};
use crate::store::facts::{self, DealFacts};
use crate::store::{Read, SortField};

/// What each campaign brought in: leads, conversions, deals and won money, against its budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignsReport {
    /// The currency of every amount; won deals and budgets in other currencies are left out.
    pub currency: Currency,
    /// One row per campaign, by id.
    pub campaigns: Vec<CampaignRow>,
}

/// One campaign's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignRow {
    /// The campaign's id.
    pub id: Id,
    /// Its name.
    pub name: String,
    /// Leads that name it as their campaign.
    pub leads: u32,
    /// Of those, how many were converted.
    pub converted: u32,
    /// Opportunities that name it, or whose lead names it (each counted once).
    pub opportunities: u32,
    /// The sum of those opportunities that are won, in the report's currency.
    pub won: Amount,
    /// Its budget (none when it has none, or when it is in another currency).
    pub budget: Option<Amount>,
    /// The budget ÷ its leads, rounded to the cent (none without a budget or without leads).
    pub cost_per_lead: Option<Amount>,
}

impl Crm {
    /// Every campaign with its leads, converted leads, opportunities, won amount and cost per
    /// lead, read through the campaign and lead links. Money is in `query.currency` (default:
    /// the one most of the won deals and budgets use). Campaigns have no period: `from` and
    /// `to` are refused.
    pub fn campaigns_report(&self, query: ReportQuery) -> Result<CampaignsReport> {
        use crate::model::{Campaign, LeadStatus};
        use rustc_hash::FxHashSet as HashSet;
        use std::collections::BTreeSet;
        query.check()?;
        if query.from.is_some() || query.to.is_some() {
            let field = if query.from.is_some() { "from" } else { "to" };
            return Err(ValidationError::new(
                field,
                "the campaigns report covers every campaign, whenever it ran: drop --from and --to",
            )
            .into());
        }
        let r = self.reader()?;
        let campaigns = r.all::<Campaign>(|_| true)?;
        // What links to campaigns and to leads, each read in one pass over the links.
        let mut leads_of: HashMap<Id, Vec<Id>> = HashMap::default();
        let mut deals_of: HashMap<Id, BTreeSet<Id>> = HashMap::default();
        r.links_to_kind(Kind::Campaign, &mut |campaign, src| match src.kind {
            Kind::Lead => leads_of.entry(campaign).or_default().push(src.id),
            Kind::Opportunity => {
                deals_of.entry(campaign).or_default().insert(src.id);
            }
            _ => {}
        })?;
        let mut deals_of_lead: HashMap<Id, Vec<Id>> = HashMap::default();
        r.links_to_kind(Kind::Lead, &mut |lead, src| {
            if src.kind == Kind::Opportunity {
                deals_of_lead.entry(lead).or_default().push(src.id);
            }
        })?;
        let converted: HashSet<Id> = {
            let status = [LeadStatus::Converted as u8];
            let end = [LeadStatus::Converted as u8 + 1];
            r.sorted(Kind::Lead, SortField::Status, &status, Some(&end), false, usize::MAX)?.into_iter().collect()
        };
        // Per campaign: leads, converted leads, and the ids of its opportunities.
        let mut found: Vec<(u32, u32, BTreeSet<Id>)> = Vec::with_capacity(campaigns.len());
        for c in &campaigns {
            let leads = leads_of.remove(&c.id).unwrap_or_default();
            let mut ids = deals_of.remove(&c.id).unwrap_or_default();
            for lead in &leads {
                ids.extend(deals_of_lead.get(lead).into_iter().flatten());
            }
            let won = leads.iter().filter(|l| converted.contains(l)).count() as u32;
            found.push((leads.len() as u32, won, ids));
        }
        let wanted: HashSet<Id> = found.iter().flat_map(|f| f.2.iter().copied()).collect();
        let mut opps: HashMap<Id, DealFacts> = HashMap::with_capacity_and_hasher(wanted.len(), Default::default());
        facts::deals(&r, None, None, &mut |d| {
            if wanted.contains(&d.id) {
                opps.insert(d.id, d);
            }
        })?;
        let won = |o: &&DealFacts| o.status == StageOutcome::Won;
        let currency = query.currency.unwrap_or_else(|| {
            let deals = found.iter().flat_map(|f| &f.2).filter_map(|id| opps.get(id)).filter(won).map(|o| o.currency);
            let all: Vec<Currency> =
                deals.chain(campaigns.iter().filter(|c| c.budget.is_some()).map(|c| c.currency)).collect();
            super::pick_currency(None, &all).0
        });
        let mut rows = Vec::with_capacity(campaigns.len());
        for (c, (leads, converted, ids)) in campaigns.into_iter().zip(found) {
            let deals: Vec<&DealFacts> = ids.iter().filter_map(|id| opps.get(id)).collect();
            let won_cents: i128 =
                deals.iter().filter(|o| won(o) && o.currency == currency).map(|o| i128::from(o.amount.0)).sum();
            let budget = c.budget.filter(|_| c.currency == currency);
            let cost_per_lead = budget.filter(|_| leads > 0).map(|b| {
                // At most the budget, which fits.
                Amount(super::rounded_div(i128::from(b.0), i128::from(leads)) as i64)
            });
            rows.push(CampaignRow {
                id: c.id,
                won: amount(won_cents, &format!("sum of the won deals of {}", c.name))?,
                name: c.name,
                leads,
                converted,
                opportunities: deals.len() as u32,
                budget,
                cost_per_lead,
            });
        }
        Ok(CampaignsReport { currency, campaigns: rows })
    }
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Campaigns: leads, converted leads, deals, won money, budget and cost per lead.
    pub fn campaigns(r: &CampaignsReport) -> Chart {
        let rows = r
            .campaigns
            .iter()
            .map(|c| {
                let (id, n) = (c.id, |n: u32| Some(i64::from(n)));
                row(
                    c.name.clone(),
                    vec![
                        n(c.leads),
                        n(c.converted),
                        n(c.opportunities),
                        Some(c.won.0),
                        c.budget.map(|b| b.0),
                        c.cost_per_lead.map(|b| b.0),
                    ],
                    vec![
                        Some(Bucket::CampaignLeads { campaign: id, converted: false }),
                        Some(Bucket::CampaignLeads { campaign: id, converted: true }),
                        Some(Bucket::CampaignDeals { campaign: id, won_in: None }),
                        Some(Bucket::CampaignDeals { campaign: id, won_in: Some(r.currency) }),
                        None,
                        None,
                    ],
                )
            })
            .collect();
        Chart {
            title: format!("Campaigns, money in {}", r.currency),
            from: None,
            to: None,
            currency: Some(r.currency),
            views: vec![ChartView {
                name: "by campaign".into(),
                measures: vec![
                    measure("leads", Unit::Count),
                    measure("converted", Unit::Count),
                    measure("deals", Unit::Count),
                    measure("won", Unit::Money),
                    measure("budget", Unit::Money),
                    measure("cost per lead", Unit::Money),
                ],
                rows,
            }],
            note: String::new(),
        }
    }
}
