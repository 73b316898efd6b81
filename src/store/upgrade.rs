//! Upgrades of stored records.
//!
//! Schema 2 → 3: a lead's source and a deal's lead source were one of fourteen fixed sources,
//! stored as the source's number; from schema 3 they are names from the lead-source list in the
//! settings table. The upgrade rewrites just that field of every lead and deal, leaving the rest
//! of each stored value byte for byte as it was.
//!
//! Schema 6 → 7: a user's preferences gain their date conventions (none set).
//!
//! Schema 7 → 8: a deal's record, of format 6, may name a competitor (older formats read as
//! none, see `codec`).
//!
//! Schemas 4, 6, 8, 10, 11 and 12 changed the index (report facts, owner keys, more facts, ids in
//! as few bytes as they need, owners in the facts, a key's last id read from its end): an older
//! file's index is written again from its records
//! (`facts::rederive_index`), once, whichever of them it missed.
//!
//! Schema 4 → 5: a won or lost deal keeps the day it closed; each one already closed gets the day
//! of its closing move in the audit trail, else its close date.

use std::collections::HashMap;

use redb::ReadableTable;
use serde::de::DeserializeOwned;

use super::tables::records;
use super::write::FileWriter;
use super::{RawRead, Read, Result, StoreError, WriteTables, codec, facts, other};
use crate::model::{
    Amount, Currency, DEFAULT_LEAD_SOURCES, Date, Id, Kind, Opportunity, RecordRef, StageOutcome, Timestamp,
};

/// The fields a lead stores before its source.
type LeadHead = (Id, String, String, Option<String>, Option<String>, Option<String>, Option<String>);

/// The fields a deal stores before its lead source.
type DealHead = (Id, String, Id, Option<Id>, Amount, Currency, Date, Id, u8, bool, Option<String>, Option<Date>);

impl FileWriter {
    /// Rewrites the source of every lead and deal from its old number to its name.
    pub(super) fn name_lead_sources(&self) -> Result<()> {
        // A damaged page may make the storage panic: the guard turns that into an error naming it.
        self.health.clone().guard(|| {
            self.rename_field::<LeadHead>(Kind::Lead)?;
            self.rename_field::<DealHead>(Kind::Opportunity)
        })
    }

    /// Rewrites the source field that follows the fields `Head` of every record of `kind`.
    fn rename_field<Head: DeserializeOwned>(&self, kind: Kind) -> Result<()> {
        let mut table = self.txn()?.open_table(records(kind)).map_err(other)?;
        let mut changed = Vec::new();
        for item in table.iter().map_err(other)? {
            let (id, value) = item.map_err(other)?;
            let bad = |detail: String| StoreError::BadRecord { record: RecordRef::new(kind, id.value()), detail };
            changed.push((id.value(), upgrade_value::<Head>(value.value()).map_err(bad)?));
        }
        for (id, value) in changed {
            table.insert(id, value.as_slice()).map_err(other)?;
        }
        Ok(())
    }
}

/// Gives every won or lost deal without one the day it closed: the day of its last move (the one
/// into the closed stage it is in), else its close date; its report facts key follows.
pub(super) fn date_closed_deals(t: &mut WriteTables) -> Result<()> {
    let mut closed: HashMap<Id, Opportunity> = HashMap::new();
    t.each::<Opportunity>(|o| {
        if o.status != StageOutcome::Open && o.closed_on.is_none() {
            closed.insert(o.id, o);
        }
        true
    })?;
    if closed.is_empty() {
        return Ok(());
    }
    let mut moved: HashMap<Id, Timestamp> = HashMap::new();
    facts::moves(t, Timestamp(i64::MIN), Timestamp(i64::MAX), &mut |m| {
        if closed.contains_key(&m.deal) {
            moved.insert(m.deal, m.at);
        }
    })?;
    for (id, mut deal) in closed {
        deal.closed_on = Some(moved.get(&id).map_or(deal.close_date, |at| at.local_date()));
        t.update(&deal)?;
    }
    t.flush()
}

/// One stored value with its numbered source replaced by the source's name.
fn upgrade_value<Head: DeserializeOwned>(envelope: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let (&format, payload) = envelope.split_first().ok_or("empty value")?;
    let (_, head) = codec::decode_prefix::<Head>(payload)?;
    let (number, used) = codec::decode_prefix::<Option<u32>>(&payload[head..])?;
    let name = number
        .map(|n| DEFAULT_LEAD_SOURCES.get(n as usize).map(|s| s.to_string()).ok_or(format!("unknown lead source {n}")))
        .transpose()?;
    let mut out = vec![format];
    out.extend_from_slice(&payload[..head]);
    out.extend_from_slice(&codec::payload(&name));
    out.extend_from_slice(&payload[head + used..]);
    Ok(out)
}

/// A user as schema 6 stored them: preferences of a theme, a screen and keys.
#[derive(serde::Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
struct UserV6 {
    login: String,
    name: String,
    email: Option<String>,
    role: String,
    team: Option<String>,
    active: bool,
    time_zone: Option<String>,
    os_user: Option<String>,
    prefs: (Option<String>, Option<String>, Vec<(String, String)>),
}

/// The users, teams and roles as schema 6 stored them.
#[derive(serde::Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
struct DirectoryV6 {
    users: Vec<UserV6>,
    teams: Vec<String>,
    roles: Vec<crate::model::Role>,
}

/// The settings key of the users, teams and roles (the service's `DIRECTORY`).
const DIRECTORY: &str = "directory";

/// Rewrites the users' preferences with room for their date conventions (schema 7).
pub(super) fn add_date_prefs(t: &mut WriteTables) -> Result<()> {
    let Some(bytes) = t.setting_bytes(DIRECTORY)? else { return Ok(()) };
    let old: DirectoryV6 = codec::decode_setting(DIRECTORY, &bytes)?;
    let users = old.users.into_iter().map(|u| {
        let (theme, default_screen, keys) = u.prefs;
        crate::model::User {
            login: u.login,
            name: u.name,
            email: u.email,
            role: u.role,
            team: u.team,
            active: u.active,
            time_zone: u.time_zone,
            os_user: u.os_user,
            prefs: crate::model::Prefs { theme, default_screen, keys, date_format: None, week_start: None },
        }
    });
    let directory = crate::model::Directory { users: users.collect(), teams: old.teams, roles: old.roles };
    t.set_setting(DIRECTORY, &directory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lead, Opportunity, Record};
    use crate::store::Workload;
    use crate::store::open::tests::{contact_texts, temp_store};

    /// The source field as schema 2 stored it: serde numbers the variants in this order.
    #[derive(serde::Serialize)]
    #[allow(dead_code)]
    enum OldSource {
        ColdCall,
        ExistingCustomer,
        SelfGenerated,
        Employee,
        Partner,
        PublicRelations,
        DirectMail,
        Conference,
        TradeShow,
        WebSite,
        WordOfMouth,
        Email,
        Campaign,
        Other,
    }

    // Schema 2 files hold values of record format 1.
    #[test]
    fn a_lead_source_number_becomes_its_name_and_nothing_else_changes() {
        let lead = Lead {
            id: 4,
            first_name: "Zoë".into(),
            last_name: "Ōta".into(),
            phone: Some("+1 555".into()),
            ..Default::default()
        };
        let head: LeadHead = (4, "Zoë".into(), "Ōta".into(), None, None, None, Some("+1 555".into()));
        let tail =
            (lead.campaign, lead.status, lead.rating, lead.owner.clone(), lead.converted, lead.created, lead.updated);
        let mut old = vec![1];
        old.extend(codec::payload(&(head, Some(OldSource::TradeShow), tail)));
        let upgraded = upgrade_value::<LeadHead>(&old).unwrap();
        let back: Lead = codec::decode_record(lead.record_ref(), &upgraded).unwrap();
        assert_eq!(back, Lead { source: Some("trade_show".into()), ..lead });
    }

    #[test]
    fn a_deal_without_a_source_keeps_none_and_a_deal_with_one_gets_its_name() {
        let deal = Opportunity {
            id: 9,
            name: "Renewal".into(),
            account: 2,
            amount: Amount(125_000),
            next_step: Some("call".into()),
            campaign: Some(3),
            owner: "ana".into(),
            ..Default::default()
        };
        let head: DealHead = (
            9,
            deal.name.clone(),
            2,
            None,
            deal.amount,
            deal.currency,
            deal.close_date,
            deal.stage,
            deal.probability,
            deal.probability_manual,
            deal.next_step.clone(),
            None,
        );
        let tail = (
            deal.campaign,
            deal.lead,
            deal.owner.clone(),
            deal.status,
            deal.lost_reason.clone(),
            deal.created,
            deal.updated,
        );
        for (old_source, name) in [(None, None), (Some(OldSource::Other), Some("other"))] {
            let mut old = vec![1];
            old.extend(codec::payload(&(&head, old_source, &tail)));
            let upgraded = upgrade_value::<DealHead>(&old).unwrap();
            let back: Opportunity = codec::decode_record(deal.record_ref(), &upgraded).unwrap();
            assert_eq!(back, Opportunity { lead_source: name.map(String::from), ..deal.clone() });
        }
    }

    #[test]
    fn an_unknown_number_is_an_error_not_a_guess() {
        let head: LeadHead = (1, String::new(), "X".into(), None, None, None, None);
        let mut old = vec![1];
        old.extend(codec::payload(&(head, Some(99u32))));
        assert!(upgrade_value::<LeadHead>(&old).unwrap_err().contains("99"));
    }

    #[test]
    fn schema_6_users_keep_their_preferences_and_gain_no_date_conventions() {
        let (_dir, store) = temp_store(Workload::Brief);
        let user = |login: &str, theme: Option<&str>| UserV6 {
            login: login.into(),
            name: login.to_uppercase(),
            email: None,
            role: "rep".into(),
            team: Some("North".into()),
            active: true,
            time_zone: Some("Europe/Paris".into()),
            os_user: None,
            prefs: (theme.map(str::to_string), Some("leads".into()), vec![("new".into(), "g n".into())]),
        };
        let old = DirectoryV6 {
            users: vec![user("ann", Some("light")), user("bob", None)],
            teams: vec!["North".into()],
            roles: Vec::new(),
        };
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        t.set_setting(DIRECTORY, &old).unwrap();
        add_date_prefs(&mut t).unwrap();
        let dir: crate::model::Directory = t.setting(DIRECTORY).unwrap().unwrap();
        assert_eq!(dir.teams, ["North"]);
        let ann = dir.user("ann").unwrap();
        assert_eq!(
            (ann.name.as_str(), ann.team.as_deref(), ann.time_zone.as_deref()),
            ("ANN", Some("North"), Some("Europe/Paris"))
        );
        assert_eq!(ann.prefs.theme.as_deref(), Some("light"));
        assert_eq!(ann.prefs.default_screen.as_deref(), Some("leads"));
        assert_eq!(ann.prefs.keys, [("new".to_string(), "g n".to_string())]);
        assert_eq!((ann.prefs.date_format.as_ref(), ann.prefs.week_start.as_ref()), (None, None));
        assert_eq!(dir.user("bob").unwrap().prefs.theme, None);
    }

    #[test]
    fn search_chunks_of_256_ids_move_to_chunks_of_64_and_read_the_same() {
        use crate::store::tables::{SEARCH, SEARCH_V2};
        use crate::store::{Store, chunks};
        let (dir, store) = temp_store(Workload::Brief);
        let path = dir.path().join("rolo.redb");
        drop(store);
        let texts: Vec<(Id, String)> = (1..=300).map(|id| (id, format!("Zoë Ōsaka {id}\tAcme Ltd"))).collect();
        // As schemas 8 and 9 left them: chunks of 256 ids, one of the plain layout (schema 8),
        // one compressed.
        let db = redb::Database::open(&path).unwrap();
        let w = db.begin_write().unwrap();
        {
            w.delete_table(SEARCH).unwrap();
            let mut table = w.open_table(SEARCH_V2).unwrap();
            for chunk in [0, 1] {
                let of: std::collections::BTreeMap<Id, String> =
                    texts.iter().filter(|(id, _)| id / 256 == chunk).map(|(id, t)| (*id, t.clone())).collect();
                let bytes = match chunk {
                    0 => chunks::plain(&of, chunks::WIDE_CHUNK),
                    _ => chunks::pack(&of, chunks::WIDE_CHUNK).unwrap(),
                };
                table.insert((Kind::Contact.code(), chunk), bytes.as_slice()).unwrap();
            }
            let mut meta = w.open_table(redb::TableDefinition::<&str, u64>::new("meta")).unwrap();
            meta.insert("schema_version", 8).unwrap();
        }
        w.commit().unwrap();
        drop(db);
        let store = Store::open(&path, Workload::Brief).unwrap();
        assert_eq!(contact_texts(&store), texts);
        drop(store);
        let db = redb::Database::open(&path).unwrap();
        let r = redb::ReadableDatabase::begin_read(&db).unwrap();
        let chunks: Vec<u64> = r.open_table(SEARCH).unwrap().iter().unwrap().map(|i| i.unwrap().0.value().1).collect();
        assert_eq!(chunks, [0, 1, 2, 3, 4], "ids 1 to 300 in chunks of 64");
        assert!(r.open_table(SEARCH_V2).is_err(), "the old table is dropped");
    }

    #[test]
    fn a_record_that_does_not_decode_leaves_an_older_file_open_for_the_check_to_name() {
        use crate::store::open::tests::add_account;
        use crate::store::{Store, check::check};
        let (dir, store) = temp_store(Workload::Brief);
        let path = dir.path().join("rolo.redb");
        add_account(&store, "Acme");
        let broken = add_account(&store, "Globex");
        let w = store.write().unwrap();
        let mut t = w.tables().unwrap();
        t.raw.put_raw(broken.record_ref(), vec![0xff, 1, 2, 3]).unwrap();
        t.set_meta("schema_version", 9).unwrap();
        drop(t);
        w.commit().unwrap();
        drop(store);
        let store = Store::open(&path, Workload::Brief).expect("the upgrade passes over it");
        let problems = check(&store.read().unwrap()).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("account:2"), "{problems:?}");
    }
}
