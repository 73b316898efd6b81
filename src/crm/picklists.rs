//! Picklists: the lists a record field is picked from, kept in the database and edited in
//! Settings or from the command line: the lead sources (`rolo source`; a new database starts with
//! [`DEFAULT_LEAD_SOURCES`](crate::model::DEFAULT_LEAD_SOURCES)) and the competitors
//! (`rolo competitor`; none at first). Records store an entry by name, spelled as the list spells
//! it; renaming or removing an entry rewrites the records that carry it in the same transaction.

use super::{Crm, CrmError, Result, Tx};
use crate::model::{Lead, Opportunity, Picklist, Record, RecordRef, ValidationError, source_key};
use crate::store::{Indexed, Read};

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

/// How many leads and deals carry one entry of a picklist.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceUse {
    /// The entry's name.
    pub name: String,
    /// Leads that carry it.
    pub leads: usize,
    /// Deals that carry it.
    pub deals: usize,
}

/// The setting key a list is stored under.
fn key(list: Picklist) -> &'static str {
    match list {
        Picklist::LeadSources => "lead_sources",
        Picklist::Competitors => "competitors",
    }
}

impl Crm {
    /// The entries of `list` in the order pickers show them.
    pub fn picklist(&self, list: Picklist) -> Result<Vec<String>> {
        stored(&self.reader()?, list)
    }

    /// The lead sources in the order pickers show them.
    pub fn lead_sources(&self) -> Result<Vec<String>> {
        self.picklist(Picklist::LeadSources)
    }

    /// Every entry of `list` with the number of leads and deals that carry it (a full read of
    /// both: for the settings screen and `rolo source list`, not for every frame).
    pub fn picklist_use(&self, list: Picklist) -> Result<Vec<SourceUse>> {
        let r = self.reader()?;
        let mut uses: Vec<SourceUse> =
            stored(&r, list)?.into_iter().map(|name| SourceUse { name, leads: 0, deals: 0 }).collect();
        let mut count = |picked: Option<&str>, deal: bool| {
            let key = picked.map(source_key);
            if let Some(u) = uses.iter_mut().find(|u| key.as_deref() == Some(&source_key(&u.name))) {
                *(if deal { &mut u.deals } else { &mut u.leads }) += 1;
            }
        };
        if list == Picklist::LeadSources {
            r.each::<Lead>(|l| {
                count(l.picked(list), false);
                true
            })?;
        }
        r.each::<Opportunity>(|o| {
            count(o.picked(list), true);
            true
        })?;
        Ok(uses)
    }

    /// Adds an entry to `list` at `position` (from 0; default: the end). The name must be new,
    /// ignoring case, spaces, dashes and underscores. Returns the new list.
    pub fn add_to_picklist(&self, list: Picklist, name: &str, position: Option<usize>) -> Result<Vec<String>> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut names = tx.picklist(list)?.to_vec();
                let name = new_name(list, &names, name, None)?;
                let at = position.unwrap_or(names.len());
                if at > names.len() {
                    return Err(position_error(list, names.len()));
                }
                names.insert(at, name);
                tx.save_picklist(list, names)
            })
        })
    }

    /// Moves an entry of `list` to `position` (from 0) in the order pickers show. Returns the
    /// new list.
    pub fn move_in_picklist(&self, list: Picklist, name: &str, position: usize) -> Result<Vec<String>> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut names = tx.picklist(list)?.to_vec();
                let at = find(list, &names, name)?;
                if position >= names.len() {
                    return Err(position_error(list, names.len()));
                }
                let moved = names.remove(at);
                names.insert(position, moved);
                tx.save_picklist(list, names)
            })
        })
    }

    /// Renames an entry of `list`; every record that carries it takes the new name (each change
    /// audited). Returns how many records changed.
    pub fn rename_in_picklist(&self, list: Picklist, name: &str, new: &str) -> Result<usize> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut names = tx.picklist(list)?.to_vec();
                let at = find(list, &names, name)?;
                let new = new_name(list, &names, new, Some(at))?;
                let old = std::mem::replace(&mut names[at], new.clone());
                tx.save_picklist(list, names)?;
                tx.replace_picked(list, &old, Some(&new))
            })
        })
    }

    /// Removes an entry of `list`. Records that carry it move to `move_to` (another entry), or
    /// lose it when `move_to` is `None` and `clear` is set; without either, an entry still in
    /// use is refused, saying how many records carry it. Returns how many records changed.
    pub fn delete_from_picklist(
        &self,
        list: Picklist,
        name: &str,
        move_to: Option<&str>,
        clear: bool,
    ) -> Result<usize> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut names = tx.picklist(list)?.to_vec();
                let at = find(list, &names, name)?;
                let target = match move_to {
                    Some(to) => {
                        let to = names[resolve(list, &names, to).ok_or_else(|| unknown(list, &names, to))?].clone();
                        if source_key(&to) == source_key(&names[at]) {
                            let message = format!("is the {} being removed: name another one", list.field());
                            return Err(ValidationError::new("to", message).into());
                        }
                        Some(to)
                    }
                    None => None,
                };
                let old = names.remove(at);
                if names.is_empty() && list == Picklist::LeadSources {
                    return Err(CrmError::LastSource { name: crate::text::spoken(&old).to_string() });
                }
                tx.save_picklist(list, names)?;
                if target.is_none() && !clear {
                    let (leads, deals) =
                        (tx.carrying::<Lead>(list, &old)?.len(), tx.carrying::<Opportunity>(list, &old)?.len());
                    if leads + deals > 0 {
                        let deals = crate::text::count(deals, "deal", "deals");
                        let carriers = match list {
                            Picklist::LeadSources => {
                                format!("{} and {deals}", crate::text::count(leads, "lead", "leads"))
                            }
                            Picklist::Competitors => deals,
                        };
                        return Err(CrmError::PickInUse {
                            name: crate::text::spoken(&old).to_string(),
                            field: list.field(),
                            carriers,
                            option: list.field().to_uppercase(),
                        });
                    }
                    return Ok(0);
                }
                tx.replace_picked(list, &old, target.as_deref())
            })
        })
    }
}

impl Crm {
    /// One line per record whose picked entry is not on its list (for `check`).
    pub(super) fn unlisted_picks(&self) -> Result<Vec<String>> {
        // The whole file, whoever asks: checking it is not reading it as someone.
        let r = self.shared.store.read()?;
        let mut problems = Vec::new();
        for list in Picklist::ALL {
            let known: Vec<String> = stored(&r, list)?.iter().map(|s| source_key(s)).collect();
            let mut look = |what: RecordRef, picked: Option<&str>| {
                if let Some(s) = picked
                    && !known.contains(&source_key(s))
                {
                    problems.push(format!(
                        "{what}: {} '{s}' is not on the {} list: add it ({} add)",
                        list.field(),
                        list.noun().replace(' ', "-"),
                        list.command()
                    ));
                }
            };
            r.each::<Lead>(|l| {
                look(l.record_ref(), l.picked(list));
                true
            })?;
            r.each::<Opportunity>(|o| {
                look(o.record_ref(), o.picked(list));
                true
            })?;
        }
        Ok(problems)
    }
}

impl Tx<'_> {
    /// The entries of `list` as this transaction sees them, read once.
    fn picklist(&mut self, list: Picklist) -> Result<&[String]> {
        let slot = list as usize;
        if self.picklists[slot].is_none() {
            self.picklists[slot] = Some(stored(self.read(), list)?);
        }
        Ok(self.picklists[slot].as_deref().unwrap_or_default())
    }

    /// Adds to `list` those of `names` it lacks, at its end (the demo's competitors).
    pub fn ensure_picks(&mut self, list: Picklist, names: &[&str]) -> Result<()> {
        let mut all = self.picklist(list)?.to_vec();
        let before = all.len();
        for name in names {
            if resolve(list, &all, name).is_none() {
                all.push(name.to_string());
            }
        }
        if all.len() > before {
            self.save_picklist(list, all)?;
        }
        Ok(())
    }

    fn save_picklist(&mut self, list: Picklist, names: Vec<String>) -> Result<Vec<String>> {
        self.w.set_names(key(list), &names)?;
        self.beyond_undo(match list {
            Picklist::LeadSources => "it changed the lead-source list",
            Picklist::Competitors => "it changed the competitor list",
        });
        self.picklists[list as usize] = Some(names.clone());
        Ok(names)
    }

    /// Spells each name a record picks from a list as the list does, or refuses a name the list
    /// lacks. A name left as it was in `old` passes unchecked, so editing another field of a
    /// record never trips over it. Whether it changed the record.
    pub(super) fn settle_picks<R: Record>(&mut self, rec: &mut R, old: Option<&R>) -> Result<bool> {
        let mut changed = false;
        for list in Picklist::ALL {
            let before = old.and_then(|o| o.picked(list));
            let Some(slot) = rec.picked_mut(list) else { continue };
            let Some(given) = slot.as_deref().map(str::trim) else { continue };
            if given.is_empty() {
                *slot = None;
                changed = true;
                continue;
            }
            if before == Some(given) {
                continue;
            }
            let given = given.to_string();
            let names = self.picklist(list)?;
            let at = resolve(list, names, &given).ok_or_else(|| {
                let known = not_listed(list, names, &given);
                ValidationError::new(
                    list.field(),
                    format!("{known}; add it in Settings (g S) or with {} add", list.command()),
                )
            })?;
            let spelled = &names[at];
            if let Some(slot) = rec.picked_mut(list).filter(|s| s.as_ref() != Some(spelled)) {
                *slot = Some(spelled.clone());
                changed = true;
            }
        }
        Ok(changed)
    }

    /// The records of one kind that carry `name` from `list`.
    fn carrying<R: Indexed>(&mut self, list: Picklist, name: &str) -> Result<Vec<R>> {
        let key = source_key(name);
        Ok(self.read().all::<R>(|r| r.picked(list).is_some_and(|s| source_key(s) == key))?)
    }

    /// Gives every lead and deal carrying `old` from `list` the entry `new` (none when `None`).
    fn replace_picked(&mut self, list: Picklist, old: &str, new: Option<&str>) -> Result<usize> {
        Ok(self.replace_in::<Lead>(list, old, new)? + self.replace_in::<Opportunity>(list, old, new)?)
    }

    fn replace_in<R: Indexed>(&mut self, list: Picklist, old: &str, new: Option<&str>) -> Result<usize> {
        let carrying = self.carrying::<R>(list, old)?;
        let n = carrying.len();
        for mut rec in carrying {
            if let Some(slot) = rec.picked_mut(list) {
                *slot = new.map(str::to_string);
            }
            self.update(rec, None)?;
        }
        Ok(n)
    }
}

/// The stored list, or what a new database holds when none was stored yet.
pub(in crate::crm) fn stored(r: &impl Read, list: Picklist) -> Result<Vec<String>> {
    Ok(r.names(key(list))?.unwrap_or_else(|| list.defaults()))
}

/// Where the entry `name` sits in `names`: its own name loosely, else (for lead sources) the
/// word other tools use for it. A name spelled as listed is found without building keys (a
/// bulk load asks this of every record): no two entries of a list share a key.
fn resolve(list: Picklist, names: &[String], name: &str) -> Option<usize> {
    if let Some(at) = names.iter().position(|s| s == name) {
        return Some(at);
    }
    let key = source_key(name);
    let aliases = if list == Picklist::LeadSources { ALIASES } else { &[] };
    let alias = aliases.iter().find(|(from, _)| *from == key).map(|(_, to)| *to);
    names
        .iter()
        .position(|s| source_key(s) == key)
        .or_else(|| alias.and_then(|to| names.iter().position(|s| source_key(s) == to)))
}

/// Where `name` sits in `names` (by its own name: an entry is renamed, moved or removed only by
/// name), or an error naming the entries there are.
fn find(list: Picklist, names: &[String], name: &str) -> Result<usize> {
    let key = source_key(name);
    names.iter().position(|s| source_key(s) == key).ok_or_else(|| unknown(list, names, name))
}

/// The error for an entry `names` does not have.
fn unknown(list: Picklist, names: &[String], name: &str) -> CrmError {
    ValidationError::new(list.field(), not_listed(list, names, name)).into()
}

/// "'x' is not one of: a, b", or when the list is empty "'x' is not on the list: there are no
/// competitors yet".
fn not_listed(list: Picklist, names: &[String], name: &str) -> String {
    match names.is_empty() {
        true => format!("'{}' is not on the list: there are no {} yet", name.trim(), list.plural()),
        false => format!("'{}' is not one of: {}", name.trim(), spoken_list(names)),
    }
}

/// `name` trimmed, checked to be non-empty, short and not taken by another entry than `except`.
fn new_name(list: Picklist, names: &[String], name: &str, except: Option<usize>) -> Result<String> {
    let name = name.trim();
    if source_key(name).is_empty() {
        return Err(ValidationError::new("name", format!("is empty: give the {} a name", list.field())).into());
    }
    if name.chars().count() > 100 {
        return Err(ValidationError::new("name", "is longer than 100 characters: shorten it").into());
    }
    if let Some(i) = names.iter().position(|s| source_key(s) == source_key(name))
        && Some(i) != except
    {
        let taken = crate::text::spoken(&names[i]);
        return Err(CrmError::DuplicateName { kind: list.noun(), name: taken.to_string() });
    }
    Ok(name.to_string())
}

fn position_error(list: Picklist, len: usize) -> CrmError {
    ValidationError::new("position", format!("is past the end of the list ({len} {})", list.plural())).into()
}

/// The entries as people read them, for a message: `cold call, existing customer, …`.
fn spoken_list(names: &[String]) -> String {
    names.iter().map(|s| crate::text::spoken(s)).collect::<Vec<_>>().join(", ")
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
        crm.write(|tx| Ok(tx.w.set_names(key(Picklist::LeadSources), &["other".to_string()])?)).unwrap();
        assert_eq!(
            crm.check().unwrap(),
            [format!("lead:{}: source 'web_site' is not on the lead-source list: add it (rolo source add)", lead.id)]
        );
    }
}
