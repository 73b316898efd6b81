//! The `Crm` queries a filter is answered by, so that no front end reads the store to filter:
//! [`Crm::parse_filter`] reads the names a filter is checked against and parses,
//! [`Crm::filtered`] finds the records of a kind a filter keeps (through an index where one of
//! its terms has one: a deal's stage, a date, the account links; else one pass over the kind), and [`Crm::kept`] narrows ids a front end
//! already holds in its own order (a list's page, a board column, a task section).

use super::{Context, Field, Filter, Filterable, Range, Test, Vocabulary};
use crate::crm::{Crm, Result};
use crate::model::{Account, Date, Id, Kind, Record, RecordRef};
use crate::store::keys::{i32_key, i64_key};
use crate::store::{Indexed, Read, SortField};

/// How many search matches a filter's plain words rank at most before the terms are checked.
pub const SEARCH_CANDIDATES: usize = 10_000;

/// The kinds whose plain words the fuzzy search answers (the others match words by their label).
const SEARCHED: [Kind; 4] = [Kind::Account, Kind::Contact, Kind::Lead, Kind::Opportunity];

/// The records a filter kept: their ids, and whether more matched than were asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filtered {
    /// Ids in the order of the answer: best search match first when the filter has plain words
    /// (for accounts, contacts, leads and deals), else the order of the index a term was
    /// answered by (a date range: earliest first), else id order (oldest first).
    pub ids: Vec<Id>,
    /// Whether records beyond `ids` matched too.
    pub more: bool,
}

impl Crm {
    /// The names in the database that filters are checked against: the stages and lead sources.
    pub fn filter_vocabulary(&self) -> Result<Vocabulary> {
        Ok(Vocabulary {
            stages: self.stages()?.into_iter().map(|s| (s.id, s.name)).collect(),
            sources: self.lead_sources()?,
            dates: self.session().dates(),
        })
    }

    /// Reads `text` as a filter over `kind` ([`Filter::parse`] with this database's stages and
    /// sources): a wrong term is a [`super::FilterError`] naming it.
    pub fn parse_filter(&self, kind: Kind, text: &str, today: Date) -> Result<Filter> {
        Ok(Filter::parse(kind, text, &self.filter_vocabulary()?, today)?)
    }

    /// The first `limit` records of the filter's kind that it keeps (see [`Filtered`] for the
    /// order). Runs on the caller's thread: a front end that must stay responsive calls it on
    /// a worker.
    pub fn filtered(&self, filter: &Filter, limit: usize) -> Result<Filtered> {
        crate::model::with_record_type!(filter.kind(), T => self.filtered_of::<T>(filter, limit))
    }

    /// The ids among `ids` (of the filter's kind) that it keeps, in the order given; ids whose
    /// record is gone are dropped. For the kinds the search ranks (accounts, contacts, leads,
    /// deals) plain words are not checked: `ids` are taken to be the search's matches already.
    pub fn kept(&self, filter: &Filter, ids: &[Id]) -> Result<Vec<Id>> {
        crate::model::with_record_type!(filter.kind(), T => self.kept_of::<T>(filter, ids))
    }

    fn filtered_of<R: Indexed + Filterable>(&self, filter: &Filter, limit: usize) -> Result<Filtered> {
        let searched = !filter.words().is_empty() && SEARCHED.contains(&R::KIND);
        let candidates = if searched {
            Some(self.search(&filter.query(), &[R::KIND], SEARCH_CANDIDATES)?.into_iter().map(|h| h.id).collect())
        } else {
            None
        };
        let r = self.reader()?;
        let ctx = Context::reading(&r).at(self.session().now());
        let keep = |rec: &R| keeps(filter, rec, &ctx, !searched);
        let mut out = Filtered::default();
        let mut take = |rec: &R| -> Result<bool> {
            if keep(rec)? {
                if out.ids.len() == limit {
                    out.more = true;
                    return Ok(false);
                }
                out.ids.push(rec.id());
            }
            Ok(true)
        };
        match candidates.or(indexed(&r, filter)?) {
            Some(ids) => {
                for id in ids {
                    if let Some(rec) = r.get::<R>(id)?
                        && !take(&rec)?
                    {
                        break;
                    }
                }
            }
            None => {
                let mut failed = None;
                r.each::<R>(|rec| {
                    take(&rec).unwrap_or_else(|e| {
                        failed = Some(e);
                        false
                    })
                })?;
                if let Some(e) = failed {
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    fn kept_of<R: Indexed + Filterable>(&self, filter: &Filter, ids: &[Id]) -> Result<Vec<Id>> {
        let searched = SEARCHED.contains(&R::KIND);
        let r = self.reader()?;
        let ctx = Context::reading(&r).at(self.session().now());
        let mut kept = Vec::new();
        for &id in ids {
            if let Some(rec) = r.get::<R>(id)?
                && keeps(filter, &rec, &ctx, !searched)?
            {
                kept.push(id);
            }
        }
        Ok(kept)
    }

    /// Of `records` (of the filter's kind, in a listing's order), those the filter keeps, in
    /// that order, plain words included: each word must be found in the record's search text
    /// (any case), with no ranking. What a listing that keeps its own order (`rolo KIND list
    /// --filter`) narrows the records it has read by, without reading them again.
    pub fn matching<R: Indexed + Filterable>(&self, filter: &Filter, records: Vec<R>) -> Result<Vec<R>> {
        if filter.is_empty() {
            return Ok(records);
        }
        let r = self.reader()?;
        let ctx = Context::reading(&r).at(self.session().now());
        let mut kept = Vec::new();
        for rec in records {
            if keeps(filter, &rec, &ctx, true)? {
                kept.push(rec);
            }
        }
        Ok(kept)
    }
}

/// Whether `filter` keeps `rec`: every term holds and, when `words`, every plain word is in
/// its text (else the search that found it is taken to have matched them).
fn keeps<R: Filterable>(filter: &Filter, rec: &R, ctx: &Context, words: bool) -> Result<bool> {
    Ok(filter.matches(rec, ctx)? && (!words || filter.matches_words(&words_text(rec))))
}

/// The text plain words are looked for in, for kinds the search does not rank: the search text
/// where the kind has one, else its label (a task's title).
fn words_text(rec: &impl Record) -> String {
    rec.search_text().unwrap_or_else(|| rec.label())
}

/// The candidates an index gives for one of the filter's terms (not negated), in that index's
/// order: a deal's stage, a range on a date the kind is indexed by, or the records linked to
/// the accounts an `account:` term names. `None` when no term has
/// an index, so the kind is read whole.
fn indexed(r: &impl Read, filter: &Filter) -> Result<Option<Vec<Id>>> {
    let kind = filter.kind();
    for term in filter.terms().iter().filter(|t| !t.negated) {
        match (&term.test, kind, term.field) {
            (Test::Id(stage), Kind::Opportunity, Field::Stage) => {
                return Ok(Some(r.linking(RecordRef::new(Kind::Stage, *stage), kind)?));
            }
            (Test::In(range), Kind::Opportunity, Field::Close) | (Test::In(range), Kind::Project, Field::Due) => {
                let (low, high) = days(range);
                let to = high.map(|h| i32_key(h).to_vec());
                return Ok(Some(r.sorted(kind, SortField::Date, &i32_key(low), to.as_deref(), false, usize::MAX)?));
            }
            (Test::In(range), Kind::Call, Field::Time)
            | (Test::In(range), Kind::Event, Field::Start)
            | (Test::In(range), Kind::Contact, Field::LastActivity) => {
                let (low, high) = days(range);
                let instant = |d: i32| Date::from_days(d).map(|d| i64_key(d.start_local().0).to_vec());
                let from = instant(low).unwrap_or_default();
                let to = high.and_then(instant);
                return Ok(Some(r.sorted(kind, SortField::Time, &from, to.as_deref(), false, usize::MAX)?));
            }
            (Test::Contains(part), Kind::Contact | Kind::Opportunity | Kind::Project | Kind::Call, Field::Account) => {
                return Ok(Some(of_accounts(r, part, kind)?));
            }
            _ => {}
        }
    }
    Ok(None)
}

/// The records of `kind` linked to an account whose name holds `part` (lower case), in id
/// order: a call through its contact, the others directly.
fn of_accounts(r: &impl Read, part: &str, kind: Kind) -> Result<Vec<Id>> {
    let mut accounts = Vec::new();
    r.each::<Account>(|a| {
        if a.name.to_lowercase().contains(part) {
            accounts.push(a.id);
        }
        true
    })?;
    let through = if kind == Kind::Call { Kind::Contact } else { kind };
    let mut ids = Vec::new();
    for account in accounts {
        let linked = r.linking(RecordRef::new(Kind::Account, account), through)?;
        if kind == Kind::Call {
            for contact in linked {
                ids.extend(r.linking(RecordRef::new(Kind::Contact, contact), Kind::Call)?);
            }
        } else {
            ids.extend(linked);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A range of days as the first day included and the first day after it (none when open).
fn days(range: &Range) -> (i32, Option<i32>) {
    let (low, high) = range.inclusive();
    let clamp = |d: i64| d.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    let after = (high < i64::from(i32::MAX)).then(|| clamp(high.saturating_add(1)));
    (clamp(low), after)
}
