//! Reference resolution: the records a row names (a deal's contact, a task's project) found by
//! name or email through a [`Directory`] read once per kind, and a converted lead linked to what
//! it became.

use rustc_hash::FxHashMap as HashMap;

use super::Reference;
use super::duplicates::name_key;
use crate::crm::Result;
use crate::model::{Campaign, Contact, Id, Kind, Lead, LeadConversion, LeadStatus, Opportunity, Project};
use crate::store::Read;

/// Links a lead the file says was converted to what it became, when those records are here
/// (`link` finds them): its account and contact at least. When they are not, the lead comes in
/// qualified, and the returned text (kept as a note on it) says what it had become.
pub(super) fn converted(l: &mut Lead, link: &dyn Fn(Kind) -> Option<Id>, refs: &[Reference]) -> Option<String> {
    let at = l.converted.take_if(|c| c.account == 0 && c.contact == 0)?.at;
    if let (Some(account), Some(contact)) = (link(Kind::Account), link(Kind::Contact)) {
        let opportunity = link(Kind::Opportunity);
        l.converted = Some(LeadConversion { account, contact, opportunity, at });
        return None;
    }
    l.status = LeadStatus::Qualified;
    let named: Vec<String> =
        refs.iter().filter(|r| r.optional).map(|r| format!("{} {}", r.kind, r.text.trim())).collect();
    Some(format!(
        "Converted on {} into {} (not in this database when it was imported).",
        at.display_local(),
        if named.is_empty() { "records not named in the file".to_string() } else { named.join(", ") }
    ))
}

/// Records of one kind by what a row may call them: folded names and lower-case emails, each
/// with the record's account (which tells apart two deals of one name).
#[derive(Default)]
pub(super) struct Directory {
    keys: HashMap<String, Vec<(Id, Option<Id>)>>,
}

impl Directory {
    /// Every record of `kind` that rows may name (contacts and leads by full name and email;
    /// deals, projects and campaigns by name).
    pub(super) fn of(r: &impl Read, kind: Kind) -> Result<Directory> {
        let mut d = Directory::default();
        match kind {
            Kind::Contact => {
                for c in r.all::<Contact>(|_| true)? {
                    d.add(&c.full_name(), c.id, c.account);
                    for e in &c.emails {
                        d.add(&e.address, c.id, c.account);
                    }
                }
            }
            Kind::Lead => {
                for l in r.all::<Lead>(|_| true)? {
                    d.add(&l.full_name(), l.id, None);
                    d.add(l.email.as_deref().unwrap_or_default(), l.id, None);
                }
            }
            Kind::Opportunity => {
                r.all::<Opportunity>(|_| true)?.iter().for_each(|o| d.add(&o.name, o.id, Some(o.account)))
            }
            Kind::Project => r.all::<Project>(|_| true)?.iter().for_each(|p| d.add(&p.name, p.id, p.account)),
            Kind::Campaign => r.all::<Campaign>(|_| true)?.iter().for_each(|c| d.add(&c.name, c.id, None)),
            Kind::Product => r.all::<crate::model::Product>(|_| true)?.iter().for_each(|p| d.add(&p.name, p.id, None)),
            _ => {}
        }
        Ok(d)
    }

    fn add(&mut self, text: &str, id: Id, account: Option<Id>) {
        if text.trim().is_empty() {
            return;
        }
        let ids = self.keys.entry(lookup_key(text)).or_default();
        if !ids.iter().any(|&(i, _)| i == id) {
            ids.push((id, account));
        }
    }

    /// The one record of `kind` that `text` names, preferring those at `account` when several
    /// share a name; or why there is none.
    pub(super) fn find(&self, kind: Kind, text: &str, account: Option<Id>) -> std::result::Result<Id, String> {
        let all = self.keys.get(&lookup_key(text)).map(Vec::as_slice).unwrap_or_default();
        let here: Vec<Id> = all.iter().filter(|(_, a)| account.is_some() && *a == account).map(|&(i, _)| i).collect();
        let ids = if here.is_empty() { all.iter().map(|&(i, _)| i).collect() } else { here };
        let person = matches!(kind, Kind::Contact | Kind::Lead);
        match ids.as_slice() {
            [id] => Ok(*id),
            [] => Err(format!(
                "no {kind} has the {} '{}': add or import the {} first, or correct the cell",
                if person { "email or full name" } else { "name" },
                text.trim(),
                kind.plural()
            )),
            many => {
                let ids: Vec<String> = many.iter().map(Id::to_string).collect();
                let instead =
                    if person { "the email instead" } else { "a name only one has, or fill the account column" };
                Err(format!(
                    "'{}' names {} {} ({}): write {instead}",
                    text.trim(),
                    many.len(),
                    kind.plural(),
                    ids.join(", ")
                ))
            }
        }
    }
}

/// How a row's text is looked up: an email by its lower case, a name folded.
fn lookup_key(text: &str) -> String {
    if text.contains('@') { text.trim().to_lowercase() } else { name_key(text) }
}
