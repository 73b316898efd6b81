//! The records behind one number of a report chart (the Reports screen's drill-down).

use super::calls::CallPlaces;
use super::chart::{ActivityCount, Bucket, TaskCount};
use super::{ReportQuery, instants};
use crate::crm::{Crm, Result};
use crate::model::{CallOutcome, Date, Id, Kind, RecordRef, StageOutcome};

impl Crm {
    /// The records behind one number of a report chart, in the report's order (deals by close
    /// date, calls and tasks by time, contacts and leads by id), read like the report itself.
    pub fn records_in(&self, bucket: &Bucket) -> Result<Vec<RecordRef>> {
        use crate::model::{Lead, LeadStatus, Opportunity, Stage};
        use crate::store::Read;
        use crate::store::facts;
        use std::collections::{BTreeSet, HashMap};
        let r = self.reader()?;
        let mut ids: Vec<Id> = Vec::new();
        match bucket {
            Bucket::Deals { from, to, currency, stage, status, best_case_min } => {
                let defaults: HashMap<Id, u8> = match best_case_min {
                    Some(_) => r.all::<Stage>(|_| true)?.into_iter().map(|s| (s.id, s.probability)).collect(),
                    None => HashMap::new(),
                };
                facts::deals(&r, *from, *to, &mut |d| {
                    if d.currency == *currency
                        && stage.is_none_or(|s| s == d.stage)
                        && status.is_none_or(|s| s == d.status)
                        && best_case_min.is_none_or(|min| defaults.get(&d.stage).is_some_and(|&p| p >= min))
                    {
                        ids.push(d.id);
                    }
                })?;
            }
            Bucket::Tasks { from, to, today, which } => {
                let (start, end) = instants(*from, *to);
                match which {
                    TaskCount::Completed | TaskCount::Late => facts::done_tasks(&r, start, end, &mut |t| {
                        let late = t.due.zip(t.completed).is_some_and(|(due, at)| at >= due.add_days(1).start_local());
                        if *which == TaskCount::Completed || late {
                            ids.push(t.id);
                        }
                    })?,
                    TaskCount::Open | TaskCount::Overdue => facts::open_tasks(&r, &mut |t| {
                        let overdue = from <= today && t.due.is_some_and(|due| due < (*to).min(*today));
                        if t.created < end && (*which == TaskCount::Open || overdue) {
                            ids.push(t.id);
                        }
                    })?,
                }
            }
            Bucket::Calls { from, to, account, country, outcome, direction } => {
                let (start, end) = instants(*from, *to);
                let mut calls: Vec<(Id, Id)> = Vec::new();
                facts::calls(&r, start, end, &mut |c| {
                    if outcome.is_none_or(|o| o == c.outcome) && direction.is_none_or(|d| d == c.direction) {
                        calls.push((c.id, c.contact));
                    }
                })?;
                if account.is_some() || country.is_some() {
                    let mut people: Vec<Id> = calls.iter().map(|c| c.1).collect();
                    people.sort_unstable();
                    let places = CallPlaces::read(&r, people)?;
                    calls.retain(|&(_, contact)| {
                        let (a, c) = places.place(contact);
                        account.is_none_or(|x| a == Some(x)) && country.as_ref().is_none_or(|x| places.label(c) == x)
                    });
                }
                ids = calls.into_iter().map(|c| c.0).collect();
            }
            Bucket::Cases { from, to, now, which } => ids = self.cases_in(*from, *to, *now, which)?,
            Bucket::Projects { from, to, today, state } => {
                let query = ReportQuery { from: *from, to: *to, currency: None };
                let projects = self.projects_report_on(query, *today)?.projects;
                ids = projects.into_iter().filter(|p| p.state == *state).map(|p| p.id).collect();
            }
            Bucket::Emails { from, to, cell } => {
                let start = from.map(Date::start_local);
                let until = to.map(|t| t.add_days(1).start_local());
                facts::contacts(&r, &mut |c| {
                    let in_period = start.is_none_or(|s| c.created >= s) && until.is_none_or(|u| c.created < u);
                    if in_period && c.emails().any(|(consent, validity)| cell.holds(consent, validity)) {
                        ids.push(c.id);
                    }
                })?;
            }
            Bucket::CampaignLeads { campaign, converted } => {
                ids = r.linking(RecordRef::new(Kind::Campaign, *campaign), Kind::Lead)?;
                if *converted {
                    let leads: Vec<Lead> = r.many(&ids)?;
                    ids = leads.into_iter().filter(|l| l.status == LeadStatus::Converted).map(|l| l.id).collect();
                }
            }
            Bucket::CampaignDeals { campaign, won_in } => {
                let target = RecordRef::new(Kind::Campaign, *campaign);
                let mut deals: BTreeSet<Id> = r.linking(target, Kind::Opportunity)?.into_iter().collect();
                for lead in r.linking(target, Kind::Lead)? {
                    deals.extend(r.linking(RecordRef::new(Kind::Lead, lead), Kind::Opportunity)?);
                }
                ids = deals.into_iter().collect();
                if let Some(currency) = won_in {
                    let opps: Vec<Opportunity> = r.many(&ids)?;
                    let won = |o: &Opportunity| o.status == StageOutcome::Won && o.currency == *currency;
                    ids = opps.into_iter().filter(won).map(|o| o.id).collect();
                }
            }
            Bucket::Competitor { from, to, currency, competitor, status } => {
                facts::deals_named(&r, *from, *to, &mut |d, named| {
                    if d.currency == *currency && d.status == *status && named.competitor == competitor.as_deref() {
                        ids.push(d.id);
                    }
                })?;
            }
            Bucket::Customer { from, to, currency, account, industry, status } => {
                let (from, to) = if *status == StageOutcome::Open { (None, None) } else { (*from, *to) };
                let mut deals: Vec<(Id, Id)> = Vec::new();
                facts::deals(&r, from, to, &mut |d| {
                    if d.currency == *currency && d.status == *status && account.is_none_or(|a| a == d.account) {
                        deals.push((d.id, d.account));
                    }
                })?;
                if let Some(industry) = industry {
                    let mut accounts: Vec<Id> = deals.iter().map(|d| d.1).collect();
                    accounts.sort_unstable();
                    accounts.dedup();
                    let of: HashMap<Id, String> = r
                        .many::<crate::model::Account>(&accounts)?
                        .into_iter()
                        .map(|a| (a.id, a.industry.unwrap_or_default()))
                        .collect();
                    deals.retain(|d| of.get(&d.1) == Some(industry));
                }
                ids = deals.into_iter().map(|d| d.0).collect();
            }
            Bucket::Owned { from, to, currency, owners, status } => {
                facts::deals_named(&r, Some(*from), Some(*to), &mut |d, named| {
                    if d.currency == *currency && d.status == *status && owners.iter().any(|o| o == named.owner) {
                        ids.push(d.id);
                    }
                })?;
            }
            Bucket::Sales { from, to, currency, products, month } => {
                for (q, day) in super::products::sales(&r, *from, *to)? {
                    let holds = |p: &Id| q.lines.iter().any(|l| l.product.unwrap_or(0) == *p);
                    let in_month = month.as_ref().is_none_or(|m| day.0.format("%Y-%m").to_string() == *m);
                    if q.currency == *currency && products.iter().all(holds) && in_month {
                        ids.push(q.id);
                    }
                }
            }
            Bucket::Activity { owner, from, to, which } => {
                let (start, end) = instants(*from, *to);
                match which {
                    ActivityCount::Calls | ActivityCount::Connected => facts::calls(&r, start, end, &mut |c| {
                        let counted = *which == ActivityCount::Calls || c.outcome == CallOutcome::Connected;
                        if c.owner == owner && counted {
                            ids.push(c.id);
                        }
                    })?,
                    ActivityCount::TasksDone => facts::done_tasks(&r, start, end, &mut |t| {
                        if t.owner == owner {
                            ids.push(t.id);
                        }
                    })?,
                    ActivityCount::Emails => super::activity::emails_out(&r, start, end, &mut |m| {
                        if m.owner == owner {
                            ids.push(m.id);
                        }
                    })?,
                    ActivityCount::DealsMoved => {
                        let mut seen = BTreeSet::new();
                        facts::moves(&r, start, end, &mut |m| {
                            if m.user == owner && seen.insert(m.deal) {
                                ids.push(m.deal);
                            }
                        })?;
                    }
                }
            }
        }
        let kind = bucket.kind();
        Ok(ids.into_iter().map(|id| RecordRef::new(kind, id)).collect())
    }
}
