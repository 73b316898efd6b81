//! Lead sources: the list a lead's or deal's source is picked from, kept in the database (a new
//! one starts with [`DEFAULT_LEAD_SOURCES`]) and edited in Settings or with `rolo source`.
//! Records store a source by name, spelled as the list spells it; renaming or removing a source
//! rewrites the leads and deals that carry it in the same transaction.

use super::{Crm, CrmError, Result, Tx};
use crate::model::{DEFAULT_LEAD_SOURCES, Lead, Opportunity, Record, RecordRef, ValidationError, source_key};
use crate::store::{Indexed, Read};

/// The setting key the list is stored under.
const KEY: &str = "lead_sources";

/// The words other CRMs and spreadsheets use for the default sources, by folded name: a lead
/// imported with "Web" or "Referral" lands on "web_site" or "word_of_mouth" while those exist.
const ALIASES: &[(&str, &str)] = &[
    ("web", "web_site"),
    ("website", "web_site"),
    ("online", "web_site"),
    ("internet", "web_site"),
    ("web_form", "web_site"),
    ("webform", "web_site"),
    ("organic_search", "web_site"),
    ("paid_search", "web_site"),
    ("referral", "word_of_mouth"),
    ("referred", "word_of_mouth"),
    ("external_referral", "word_of_mouth"),
    ("employee_referral", "employee"),
    ("event", "conference"),
    ("seminar", "conference"),
    ("webinar", "conference"),
    ("phone", "cold_call"),
    ("phone_inquiry", "cold_call"),
    ("call", "cold_call"),
    ("partner_referral", "partner"),
    ("pr", "public_relations"),
    ("press", "public_relations"),
    ("mail", "direct_mail"),
    ("mailing", "direct_mail"),
    ("email_campaign", "email"),
    ("newsletter", "email"),
    ("customer", "existing_customer"),
];

/// How many leads and deals carry one source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceUse {
    /// The source's name.
    pub name: String,
    /// Leads with this source.
    pub leads: usize,
    /// Deals with this source.
    pub deals: usize,
}

impl Crm {
    /// The lead sources in the order pickers show them.
    pub fn lead_sources(&self) -> Result<Vec<String>> {
        stored(&self.reader()?)
    }

    /// Every lead source with the number of leads and deals that carry it (a full read of both:
    /// for the settings screen and `rolo source list`, not for every frame).
    pub fn lead_source_use(&self) -> Result<Vec<SourceUse>> {
        let r = self.reader()?;
        let mut uses: Vec<SourceUse> =
            stored(&r)?.into_iter().map(|name| SourceUse { name, leads: 0, deals: 0 }).collect();
        let mut count = |source: Option<&str>, deal: bool| {
            let key = source.map(source_key);
            if let Some(u) = uses.iter_mut().find(|u| key.as_deref() == Some(&source_key(&u.name))) {
                *(if deal { &mut u.deals } else { &mut u.leads }) += 1;
            }
        };
        r.each::<Lead>(|l| {
            count(l.lead_source(), false);
            true
        })?;
        r.each::<Opportunity>(|o| {
            count(o.lead_source(), true);
            true
        })?;
        Ok(uses)
    }

    /// Adds a lead source at `position` (from 0; default: the end). The name must be new,
    /// ignoring case, spaces, dashes and underscores. Returns the new list.
    pub fn add_lead_source(&self, name: &str, position: Option<usize>) -> Result<Vec<String>> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut list = tx.sources()?.to_vec();
                let name = new_name(&list, name, None)?;
                let at = position.unwrap_or(list.len());
                if at > list.len() {
                    return Err(position_error(list.len()));
                }
                list.insert(at, name);
                tx.save_sources(list)
            })
        })
    }

    /// Moves a lead source to `position` (from 0) in the list pickers show. Returns the new list.
    pub fn move_lead_source(&self, name: &str, position: usize) -> Result<Vec<String>> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut list = tx.sources()?.to_vec();
                let at = find(&list, name)?;
                if position >= list.len() {
                    return Err(position_error(list.len()));
                }
                let moved = list.remove(at);
                list.insert(position, moved);
                tx.save_sources(list)
            })
        })
    }

    /// Renames a lead source; every lead and deal that carries it takes the new name (each
    /// change audited). Returns how many records changed.
    pub fn rename_lead_source(&self, name: &str, new: &str) -> Result<usize> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut list = tx.sources()?.to_vec();
                let at = find(&list, name)?;
                let new = new_name(&list, new, Some(at))?;
                let old = std::mem::replace(&mut list[at], new.clone());
                tx.save_sources(list)?;
                tx.replace_source(&old, Some(&new))
            })
        })
    }

    /// Removes a lead source. Leads and deals that carry it move to `move_to` (another source),
    /// or lose their source when `move_to` is `None` and `clear` is set; without either, a
    /// source still in use is refused, saying how many records carry it. Returns how many
    /// records changed.
    pub fn delete_lead_source(&self, name: &str, move_to: Option<&str>, clear: bool) -> Result<usize> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut list = tx.sources()?.to_vec();
                let at = find(&list, name)?;
                let target = match move_to {
                    Some(to) => {
                        let to = list[resolve(&list, to).ok_or_else(|| unknown(&list, to))?].clone();
                        if source_key(&to) == source_key(&list[at]) {
                            return Err(
                                ValidationError::new("to", "is the source being removed: name another one").into()
                            );
                        }
                        Some(to)
                    }
                    None => None,
                };
                let old = list.remove(at);
                if list.is_empty() {
                    return Err(CrmError::LastSource { name: crate::text::spoken(&old).to_string() });
                }
                tx.save_sources(list)?;
                if target.is_none() && !clear {
                    let (leads, deals) = (tx.carrying::<Lead>(&old)?.len(), tx.carrying::<Opportunity>(&old)?.len());
                    if leads + deals > 0 {
                        return Err(CrmError::SourceInUse {
                            name: crate::text::spoken(&old).to_string(),
                            leads: crate::text::count(leads, "lead", "leads"),
                            deals: crate::text::count(deals, "deal", "deals"),
                        });
                    }
                    return Ok(0);
                }
                tx.replace_source(&old, target.as_deref())
            })
        })
    }
}

impl Crm {
    /// One line per lead or deal whose source is not on the list (for `check`).
    pub(super) fn unlisted_sources(&self) -> Result<Vec<String>> {
        // The whole file, whoever asks: checking it is not reading it as someone.
        let r = self.shared.store.read()?;
        let known: Vec<String> = stored(&r)?.iter().map(|s| source_key(s)).collect();
        let mut problems = Vec::new();
        let mut look = |what: RecordRef, source: Option<&str>| {
            if let Some(s) = source
                && !known.contains(&source_key(s))
            {
                problems.push(format!("{what}: source '{s}' is not on the lead-source list: add it (rolo source add)"));
            }
        };
        r.each::<Lead>(|l| {
            look(l.record_ref(), l.lead_source());
            true
        })?;
        r.each::<Opportunity>(|o| {
            look(o.record_ref(), o.lead_source());
            true
        })?;
        Ok(problems)
    }
}

impl Tx<'_> {
    /// The lead sources as this transaction sees them, read once.
    fn sources(&mut self) -> Result<&[String]> {
        if self.sources.is_none() {
            self.sources = Some(stored(self.read())?);
        }
        Ok(self.sources.as_deref().unwrap_or_default())
    }

    fn save_sources(&mut self, list: Vec<String>) -> Result<Vec<String>> {
        self.w.set_names(KEY, &list)?;
        self.beyond_undo("it changed the lead-source list");
        self.sources = Some(list.clone());
        Ok(list)
    }

    /// Spells a record's lead source as the list does, or refuses a source the list lacks. A
    /// source left as it was (`old`) passes unchecked, so editing another field of a record
    /// never trips over it.
    pub(super) fn settle_source<R: Record>(&mut self, rec: &mut R, old: Option<String>) -> Result<()> {
        let Some(slot) = rec.lead_source_mut() else { return Ok(()) };
        let Some(given) = slot.as_deref().map(str::trim) else { return Ok(()) };
        if given.is_empty() {
            *slot = None;
            return Ok(());
        }
        if old.as_deref() == Some(given) {
            return Ok(());
        }
        let list = self.sources()?;
        match resolve(list, given) {
            Some(at) => {
                *slot = Some(list[at].clone());
                Ok(())
            }
            None => Err(ValidationError::new(
                "source",
                format!(
                    "'{given}' is not one of: {}; add it in Settings (g S) or with rolo source add",
                    spoken_list(list)
                ),
            )
            .into()),
        }
    }

    /// The records of one kind whose source is `name`.
    fn carrying<R: Indexed>(&mut self, name: &str) -> Result<Vec<R>> {
        let key = source_key(name);
        Ok(self.read().all::<R>(|r| r.lead_source().is_some_and(|s| source_key(s) == key))?)
    }

    /// Gives every lead and deal carrying `old` the source `new` (none when `None`).
    fn replace_source(&mut self, old: &str, new: Option<&str>) -> Result<usize> {
        Ok(self.replace_in::<Lead>(old, new)? + self.replace_in::<Opportunity>(old, new)?)
    }

    fn replace_in<R: Indexed>(&mut self, old: &str, new: Option<&str>) -> Result<usize> {
        let carrying = self.carrying::<R>(old)?;
        let n = carrying.len();
        for mut rec in carrying {
            if let Some(slot) = rec.lead_source_mut() {
                *slot = new.map(str::to_string);
            }
            self.update(rec, None)?;
        }
        Ok(n)
    }
}

/// The stored list, or the defaults when none was stored yet.
fn stored(r: &impl Read) -> Result<Vec<String>> {
    Ok(r.names(KEY)?.unwrap_or_else(|| DEFAULT_LEAD_SOURCES.iter().map(|s| s.to_string()).collect()))
}

/// Where the source `name` sits in `list`: its own name loosely, else the word other tools use
/// for it.
fn resolve(list: &[String], name: &str) -> Option<usize> {
    let key = source_key(name);
    let alias = ALIASES.iter().find(|(from, _)| *from == key).map(|(_, to)| *to);
    list.iter()
        .position(|s| source_key(s) == key)
        .or_else(|| alias.and_then(|to| list.iter().position(|s| source_key(s) == to)))
}

/// Where `name` sits in `list` (by its own name: a source is renamed, moved or removed only by
/// name), or an error naming the sources there are.
fn find(list: &[String], name: &str) -> Result<usize> {
    let key = source_key(name);
    list.iter().position(|s| source_key(s) == key).ok_or_else(|| unknown(list, name))
}

/// The error for a source `list` does not have.
fn unknown(list: &[String], name: &str) -> CrmError {
    ValidationError::new("source", format!("'{}' is not one of: {}", name.trim(), spoken_list(list))).into()
}

/// `name` trimmed, checked to be non-empty, short and not taken by another entry than `except`.
fn new_name(list: &[String], name: &str, except: Option<usize>) -> Result<String> {
    let name = name.trim();
    if source_key(name).is_empty() {
        return Err(ValidationError::new("name", "is empty: give the source a name").into());
    }
    if name.chars().count() > 100 {
        return Err(ValidationError::new("name", "is longer than 100 characters: shorten it").into());
    }
    if let Some(i) = list.iter().position(|s| source_key(s) == source_key(name))
        && Some(i) != except
    {
        let taken = crate::text::spoken(&list[i]);
        return Err(CrmError::DuplicateName { kind: "lead source", name: taken.to_string() });
    }
    Ok(name.to_string())
}

fn position_error(len: usize) -> CrmError {
    ValidationError::new("position", format!("is past the end of the list ({len} lead sources)")).into()
}

/// The sources as people read them, for a message: `cold call, existing customer, …`.
fn spoken_list(list: &[String]) -> String {
    list.iter().map(|s| crate::text::spoken(s)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_the_records_whose_source_is_off_the_list() {
        let dir = tempfile::tempdir().unwrap();
        let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
        let lead = Lead { last_name: "Lee".into(), source: Some("Web".into()), ..Default::default() };
        let lead = crm.create(lead).unwrap();
        assert_eq!(lead.source.as_deref(), Some("web_site"), "another tool's word finds the source");
        assert_eq!(crm.check().unwrap(), Vec::<String>::new());
        // A list stored without it, as a damaged or hand-edited file might have.
        crm.write(|tx| Ok(tx.w.set_names(KEY, &["other".to_string()])?)).unwrap();
        assert_eq!(
            crm.check().unwrap(),
            [format!("lead:{}: source 'web_site' is not on the lead-source list: add it (rolo source add)", lead.id)]
        );
    }
}
