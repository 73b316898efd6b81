//! Merging a row into the record it duplicates: what the record lacks is filled from the row,
//! and lists (emails, phones, addresses, tags) gain what the row adds.

use super::duplicates::PhoneKey;
use crate::model::{Account, Call, Case, Consent, Contact, Lead, Opportunity, Product, Task};

/// Fills what `into` lacks from `from`, and adds the emails, phones, addresses and tags it has
/// that `into` has not.
pub(in crate::crm) fn merge_contact(into: &mut Contact, from: Contact) {
    fill(&mut into.first_name, from.first_name);
    fill_opt(&mut into.middle_name, from.middle_name);
    fill_opt(&mut into.prefix, from.prefix);
    fill_opt(&mut into.suffix, from.suffix);
    fill_opt(&mut into.department, from.department);
    fill_opt(&mut into.title, from.title);
    into.account = into.account.or(from.account);
    into.birthday = into.birthday.or(from.birthday);
    for e in from.emails {
        match into.emails.iter_mut().find(|x| x.address.eq_ignore_ascii_case(&e.address)) {
            Some(x) if e.consent == Consent::OptedOut => x.consent = Consent::OptedOut,
            Some(_) => {}
            None => into.emails.push(e),
        }
    }
    for p in from.phones {
        if !into.phones.iter().any(|x| PhoneKey::of(&x.number).meets(&PhoneKey::of(&p.number))) {
            into.phones.push(p);
        }
    }
    for a in from.addresses {
        if !into.addresses.contains(&a) {
            into.addresses.push(a);
        }
    }
    union(&mut into.tags, from.tags);
    union(&mut into.interests, from.interests);
    union(&mut into.skills, from.skills);
    union(&mut into.social, from.social);
    into.do_not_call |= from.do_not_call;
    into.follow_up_days = into.follow_up_days.or(from.follow_up_days);
    into.last_activity = into.last_activity.max(from.last_activity);
}

pub(super) fn merge_account(into: &mut Account, from: Account) {
    fill_opt(&mut into.industry, from.industry);
    fill_opt(&mut into.website, from.website);
    fill_opt(&mut into.phone, from.phone);
    fill_opt(&mut into.email, from.email);
    if into.address == Default::default() {
        into.address = from.address;
    }
    into.employees = into.employees.or(from.employees);
    into.annual_revenue = into.annual_revenue.or(from.annual_revenue);
    union(&mut into.tags, from.tags);
}

pub(super) fn merge_opportunity(into: &mut Opportunity, from: Opportunity) {
    into.contact = into.contact.or(from.contact);
    fill_opt(&mut into.next_step, from.next_step);
    into.next_step_date = into.next_step_date.or(from.next_step_date);
    fill_opt(&mut into.lead_source, from.lead_source);
    fill_opt(&mut into.competitor, from.competitor);
    into.campaign = into.campaign.or(from.campaign);
}

pub(super) fn merge_task(into: &mut Task, from: Task) {
    fill_opt(&mut into.notes, from.notes);
    into.lead = into.lead.or(from.lead);
    into.project = into.project.or(from.project);
}

pub(super) fn merge_case(into: &mut Case, from: Case) {
    fill_opt(&mut into.description, from.description);
    fill_opt(&mut into.resolution, from.resolution);
    into.contact = into.contact.or(from.contact);
    into.product = into.product.or(from.product);
}

pub(super) fn merge_call(into: &mut Call, from: Call) {
    fill_opt(&mut into.notes, from.notes);
    if into.duration_secs == 0 {
        into.duration_secs = from.duration_secs;
    }
}

pub(super) fn merge_product(into: &mut Product, from: Product) {
    fill_opt(&mut into.sku, from.sku);
    fill_opt(&mut into.description, from.description);
}

pub(super) fn merge_lead(into: &mut Lead, from: Lead) {
    fill(&mut into.first_name, from.first_name);
    fill_opt(&mut into.company, from.company);
    fill_opt(&mut into.title, from.title);
    fill_opt(&mut into.phone, from.phone);
    fill_opt(&mut into.source, from.source);
    into.rating = into.rating.or(from.rating);
}

fn fill(slot: &mut String, value: String) {
    if slot.trim().is_empty() {
        *slot = value;
    }
}

fn fill_opt(slot: &mut Option<String>, value: Option<String>) {
    if slot.as_deref().is_none_or(|s| s.trim().is_empty()) {
        *slot = value;
    }
}

fn union(list: &mut Vec<String>, more: Vec<String>) {
    for m in more {
        if !list.iter().any(|x| x.eq_ignore_ascii_case(&m)) {
            list.push(m);
        }
    }
}
