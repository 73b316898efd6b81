//! The general queries front ends compose screens and listings from: records by id, the records
//! linking to one, and ids of a kind in the orders the lists offer, read through the indexes.
//! Front ends never see the store: every read they do is one of these (or a more specific query).

use std::collections::{HashMap, HashSet};

use super::{Crm, Result};
use crate::model::{Account, AuditEntry, Contact, Id, Kind, Lead, RecordRef};
use crate::store::{Indexed, Read, SortField};

/// An order a list of records can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By name, A to Z.
    Name,
    /// Most recent activity first (contacts).
    LastActivity,
    /// By account name, then name (contacts; needs a full read).
    Account,
    /// By country, then name (contacts; needs a full read).
    Country,
    /// By status (leads: new first; from an index).
    Status,
    /// By source, then name (leads; needs a full read).
    Source,
    /// Soonest close date first (deals; from an index).
    CloseDate,
    /// Soonest next step first (deals with one; from an index).
    NextStep,
    /// Newest first (calls; from an index).
    Recent,
    /// Soonest due first (projects, tasks; from an index).
    Due,
    /// Open first, soonest SLA first (cases; from an index).
    Sla,
}

impl Order {
    /// How the order is named to people ("sorted by …").
    pub fn label(self) -> &'static str {
        match self {
            Order::Name => "name",
            Order::LastActivity => "last activity",
            Order::Account => "account",
            Order::Country => "country",
            Order::Status => "status",
            Order::Source => "source",
            Order::CloseDate => "close date",
            Order::NextStep => "next step",
            Order::Recent => "time, newest first",
            Order::Due => "due date",
            Order::Sla => "SLA",
        }
    }
}

impl Crm {
    /// One record, or `None` when there is no record with that id (a link to a deleted record).
    pub fn find<R: Indexed>(&self, id: Id) -> Result<Option<R>> {
        let r = self.reader()?;
        Ok(r.get(id)?.map(|rec| r.shown_one(rec)))
    }

    /// Whether a record exists and the actor may read it (without reading it).
    pub fn exists(&self, target: RecordRef) -> Result<bool> {
        Ok(self.reader()?.exists(target)?)
    }

    /// The records with those ids, in that order, skipping any that are gone: the rows a screen
    /// shows, read from one snapshot.
    pub fn many<R: Indexed>(&self, ids: &[Id]) -> Result<Vec<R>> {
        let r = self.reader()?;
        Ok(r.shown(r.many(ids)?))
    }

    /// The ids of the records of `kind` that link to `target` (the deals in a stage, the tasks
    /// of a project), in id order, through the link index.
    pub fn linking_ids(&self, target: RecordRef, kind: Kind) -> Result<Vec<Id>> {
        Ok(self.reader()?.linking(target, kind)?)
    }

    /// The records of kind `R` that link to `target`, in id order, from one snapshot.
    pub fn linking<R: Indexed>(&self, target: RecordRef) -> Result<Vec<R>> {
        let r = self.reader()?;
        Ok(r.shown(r.many::<R>(&r.linking(target, R::KIND)?)?))
    }

    /// The audit trail of one record, oldest first.
    pub fn audit(&self, target: RecordRef) -> Result<Vec<AuditEntry>> {
        Ok(self.reader()?.audit(target)?)
    }

    /// The first `limit` ids of `kind` in `order` (backwards when `reversed`), read through the
    /// kind's sort index where one answers; records lacking the key come last either way.
    pub fn ordered_ids(&self, kind: Kind, order: Order, reversed: bool, limit: usize) -> Result<Vec<Id>> {
        let r = self.reader()?;
        Ok(match order {
            Order::Name => r.sorted(kind, SortField::Name, &[], None, reversed, limit)?,
            // Most recent first; people never contacted come last.
            Order::LastActivity => {
                with_rest(&r, kind, (SortField::Time, !reversed), (SortField::Name, reversed), limit)?
            }
            Order::Status => r.sorted(kind, SortField::Status, &[], None, reversed, limit)?,
            Order::CloseDate | Order::Due => r.sorted(kind, SortField::Date, &[], None, reversed, limit)?,
            Order::Recent => r.sorted(kind, SortField::Time, &[], None, !reversed, limit)?,
            Order::Sla => r.sorted(kind, SortField::Time, &[], None, reversed, limit)?,
            // Deals without a next step come last, soonest close first.
            Order::NextStep => {
                with_rest(&r, kind, (SortField::NextStep, reversed), (SortField::Date, reversed), limit)?
            }
            Order::Source => {
                let keyed: Vec<(bool, String, String, Id)> = r
                    .all::<Lead>(|_| true)?
                    .into_iter()
                    .map(|l| {
                        let source = l.source.clone().unwrap_or_default();
                        (source.is_empty(), source, format!("{} {}", l.last_name, l.first_name).to_lowercase(), l.id)
                    })
                    .collect();
                by_key(keyed, reversed, limit)
            }
            Order::Account | Order::Country => {
                let accounts: HashMap<Id, String> =
                    r.all::<Account>(|_| true)?.into_iter().map(|a| (a.id, a.name.to_lowercase())).collect();
                let keyed: Vec<(bool, String, String, Id)> = r
                    .all::<Contact>(|_| true)?
                    .into_iter()
                    .map(|c| {
                        let key = match order {
                            Order::Account => c.account.and_then(|a| accounts.get(&a).cloned()).unwrap_or_default(),
                            _ => c.country().unwrap_or_default().to_lowercase(),
                        };
                        let name = format!("{} {}", c.last_name, c.first_name).to_lowercase();
                        // People without one come last either way.
                        (key.is_empty(), key, name, c.id)
                    })
                    .collect();
                by_key(keyed, reversed, limit)
            }
        })
    }

    /// Every record of kind `R` in `order` (see [`Crm::ordered_ids`]): what a listing prints,
    /// read through the index rather than scanned and sorted.
    pub fn ordered<R: Indexed>(&self, order: Order, reversed: bool) -> Result<Vec<R>> {
        let r = self.reader()?;
        let ids = self.ordered_ids(R::KIND, order, reversed, usize::MAX)?;
        Ok(r.shown(r.many(&ids)?))
    }
}

/// Ids ordered by (missing key, key, name): records without the key last either way.
fn by_key(mut keyed: Vec<(bool, String, String, Id)>, reversed: bool, limit: usize) -> Vec<Id> {
    keyed.sort();
    if reversed {
        keyed.reverse();
        keyed.sort_by_key(|k| k.0);
    }
    keyed.into_iter().take(limit).map(|(.., id)| id).collect()
}

/// The first `limit` ids by the index `first`, then those it lacks by the index `rest`; each
/// with whether it runs backwards.
fn with_rest(
    r: &impl Read,
    kind: Kind,
    first: (SortField, bool),
    rest: (SortField, bool),
    limit: usize,
) -> Result<Vec<Id>> {
    let mut ids = r.sorted(kind, first.0, &[], None, first.1, limit)?;
    if ids.len() < limit {
        let seen: HashSet<Id> = ids.iter().copied().collect();
        let more = r.sorted(kind, rest.0, &[], None, rest.1, usize::MAX)?;
        ids.extend(more.into_iter().filter(|id| !seen.contains(id)).take(limit - ids.len()));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, Opportunity, Timestamp};

    #[test]
    fn listings_come_in_index_order_and_links_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
        let account = |name: &str| crm.create(Account { name: name.into(), ..Default::default() }).unwrap().id;
        let (b, a, _) = (account("beta"), account("Alpha"), account("gamma"));
        let names: Vec<String> =
            crm.ordered::<Account>(Order::Name, false).unwrap().into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["Alpha", "beta", "gamma"], "by name, whatever the case, not by id");
        let backwards = crm.ordered_ids(Kind::Account, Order::Name, true, 2).unwrap();
        assert_eq!(backwards.len(), 2, "at most the limit");
        assert_eq!(crm.find::<Account>(backwards[1]).unwrap().unwrap().name, "beta");

        let event = |t: i64| crm.create(Event { title: t.to_string(), start: Timestamp(t), ..Default::default() });
        for t in [300, 100, 200] {
            event(t).unwrap();
        }
        let oldest_first: Vec<i64> =
            crm.ordered::<Event>(Order::Recent, true).unwrap().into_iter().map(|e| e.start.0).collect();
        assert_eq!(oldest_first, [100, 200, 300]);

        let stage = crm.stages().unwrap()[0].id;
        let deal = |account: Id| Opportunity { name: "d".into(), account, stage, ..Default::default() };
        let on_b = crm.create_opportunity(deal(b)).unwrap().id;
        crm.create_opportunity(deal(a)).unwrap();
        let of_b: Vec<Id> =
            crm.linking::<Opportunity>(RecordRef::new(Kind::Account, b)).unwrap().iter().map(|o| o.id).collect();
        assert_eq!(of_b, [on_b]);
        assert_eq!(crm.many::<Account>(&[a, 999, b]).unwrap().len(), 2, "a missing id is skipped");
        assert_eq!(crm.find::<Account>(999).unwrap(), None);
    }
}
