//! The record envelope: one byte of format version, then the bincode 2 (serde) payload.
//!
//! bincode writes no field names, so a stored struct can never silently gain a field: a change to
//! one is a new format version here, with the old shape kept and converted on read.
//!
//! | format | change                                                   |
//! |--------|----------------------------------------------------------|
//! | 1      | the first                                                |
//! | 2      | a deal keeps the day it closed (`Opportunity::closed_on`) |
//! | 3      | a contact has a name prefix, suffix and department       |
//! | 4      | a list may be dynamic (`filter`); a campaign has a cost, its lists, responses, skipped |
//! | 5      | a call and an email may belong to a customer service case (`case`) |
//! | 6      | a deal may name the competitor it is up against (`Opportunity::competitor`) |
//! | 7      | a task may wait for others (`Task::after`)                |
//! | 8      | a record leaves out its id, which is its table's key ([`encode_record`]) |
//! | 9      | a record keeps its change time as the seconds after its creation time |

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::model::{
    Account, Address, Amount, Article, AuditEntry, BulkCreation, Call, CallDirection, CallOutcome, Campaign,
    CampaignStatus, Case, Contact, ContactList, Currency, Date, Delivery, Email, Event, Id, Lead, Message, Note,
    Opportunity, OpportunityStatus, Phone, Priority, Product, Project, Quote, Record, RecordRef, Stage, Task,
    TaskStatus, Template, Timestamp,
};

/// The envelope version this build writes.
pub const FORMAT: u8 = 9;

/// The first format whose records leave out their id.
const KEYED: u8 = 8;

/// The first format whose records keep their change time as the seconds after their creation.
const TIMES_APART: u8 = 9;

/// A value kept in an envelope: read in the shape this build writes, or converted from the shape
/// an older format wrote.
pub trait Stored: Serialize + DeserializeOwned {
    /// How many bytes of a record's payload follow its creation and change times, which end it
    /// (a test holds this for every kind): none but a contact's, whose last activity comes after.
    fn after_times(&self) -> usize {
        0
    }

    /// Reads a payload of the older record `format`, returning the value and the bytes it took.
    /// Only the types whose shape changed since say how; the others read as they are.
    fn from_older(format: u8, payload: &[u8]) -> Result<(Self, usize), String> {
        let _ = format;
        decode_prefix(payload)
    }
}

/// Types stored in the same shape since format 1.
macro_rules! same_shape {
    ($($t:ty),*) => { $(impl Stored for $t {})* };
}

same_shape!(Account, Lead, Stage, Product, Quote, Event, Project, Note, Template, Case, Article);

/// A value stored whole ([`encode`]), not a record: the audit trail's, under keys of their own.
pub trait Whole: Stored {}

same_shape!(AuditEntry, BulkCreation);
impl Whole for AuditEntry {}
impl Whole for BulkCreation {}

/// The fields every deal format before 6 stored first, up to its lost reason. Format 1 followed
/// them with its creation and change times; formats 2 to 5 with the day it closed first. None
/// had a competitor.
#[derive(Deserialize)]
struct OpportunityHead {
    id: Id,
    name: String,
    account: Id,
    contact: Option<Id>,
    amount: Amount,
    currency: Currency,
    close_date: Date,
    stage: Id,
    probability: u8,
    probability_manual: bool,
    next_step: Option<String>,
    next_step_date: Option<Date>,
    lead_source: Option<String>,
    campaign: Option<Id>,
    lead: Option<Id>,
    owner: String,
    status: OpportunityStatus,
    lost_reason: Option<String>,
}

impl Stored for Opportunity {
    fn from_older(format: u8, payload: &[u8]) -> Result<(Self, usize), String> {
        if format >= 6 {
            return decode_prefix(payload);
        }
        let ((o, closed_on, created, updated), used) = match format {
            // Files of format 1 are upgraded at open, when a closed deal gets its day.
            1 => {
                let ((o, created, updated), used) = decode_prefix::<(OpportunityHead, Timestamp, Timestamp)>(payload)?;
                ((o, None, created, updated), used)
            }
            _ => decode_prefix::<(OpportunityHead, Option<Date>, Timestamp, Timestamp)>(payload)?,
        };
        let deal = Opportunity {
            id: o.id,
            name: o.name,
            account: o.account,
            contact: o.contact,
            amount: o.amount,
            currency: o.currency,
            close_date: o.close_date,
            stage: o.stage,
            probability: o.probability,
            probability_manual: o.probability_manual,
            next_step: o.next_step,
            next_step_date: o.next_step_date,
            lead_source: o.lead_source,
            campaign: o.campaign,
            lead: o.lead,
            owner: o.owner,
            status: o.status,
            lost_reason: o.lost_reason,
            competitor: None,
            closed_on,
            created,
            updated,
        };
        Ok((deal, used))
    }
}

/// A task as formats 1 to 6 stored it: waiting for no other.
#[derive(Serialize, Deserialize)]
struct TaskV6 {
    id: Id,
    title: String,
    due: Option<Date>,
    priority: Priority,
    status: TaskStatus,
    account: Option<Id>,
    contact: Option<Id>,
    lead: Option<Id>,
    opportunity: Option<Id>,
    project: Option<Id>,
    notes: Option<String>,
    owner: String,
    completed_at: Option<Timestamp>,
    created: Timestamp,
    updated: Timestamp,
}

impl Stored for Task {
    fn from_older(format: u8, payload: &[u8]) -> Result<(Self, usize), String> {
        if format >= 7 {
            return decode_prefix(payload);
        }
        let (t, used) = decode_prefix::<TaskV6>(payload)?;
        let task = Task {
            id: t.id,
            title: t.title,
            due: t.due,
            priority: t.priority,
            status: t.status,
            account: t.account,
            contact: t.contact,
            lead: t.lead,
            opportunity: t.opportunity,
            project: t.project,
            after: Vec::new(),
            notes: t.notes,
            owner: t.owner,
            completed_at: t.completed_at,
            created: t.created,
            updated: t.updated,
        };
        Ok((task, used))
    }
}

/// A contact as formats 1 and 2 stored it: without name prefix, suffix or department.
#[derive(Serialize, Deserialize)]
struct ContactV2 {
    id: Id,
    first_name: String,
    last_name: String,
    middle_name: Option<String>,
    title: Option<String>,
    account: Option<Id>,
    emails: Vec<Email>,
    phones: Vec<Phone>,
    addresses: Vec<Address>,
    birthday: Option<Date>,
    interests: Vec<String>,
    skills: Vec<String>,
    social: Vec<String>,
    do_not_call: bool,
    follow_up_days: Option<u32>,
    owner: String,
    tags: Vec<String>,
    created: Timestamp,
    updated: Timestamp,
    last_activity: Option<Timestamp>,
}

impl Stored for Contact {
    fn after_times(&self) -> usize {
        let mut size = bincode::enc::write::SizeWriter::default();
        bincode::serde::encode_into_writer(self.last_activity, &mut size, config()).expect("a time always encodes");
        size.bytes_written
    }

    fn from_older(format: u8, payload: &[u8]) -> Result<(Self, usize), String> {
        if format >= 3 {
            return decode_prefix(payload);
        }
        let (c, used) = decode_prefix::<ContactV2>(payload)?;
        let contact = Contact {
            id: c.id,
            first_name: c.first_name,
            last_name: c.last_name,
            middle_name: c.middle_name,
            prefix: None,
            suffix: None,
            title: c.title,
            account: c.account,
            department: None,
            emails: c.emails,
            phones: c.phones,
            addresses: c.addresses,
            birthday: c.birthday,
            interests: c.interests,
            skills: c.skills,
            social: c.social,
            do_not_call: c.do_not_call,
            follow_up_days: c.follow_up_days,
            owner: c.owner,
            tags: c.tags,
            created: c.created,
            updated: c.updated,
            last_activity: c.last_activity,
        };
        Ok((contact, used))
    }
}

/// A campaign as formats 1 to 3 stored it: without cost, lists, responses or skipped count.
#[derive(Serialize, Deserialize)]
struct CampaignV3 {
    id: Id,
    name: String,
    channel: Option<String>,
    status: CampaignStatus,
    budget: Option<Amount>,
    currency: Currency,
    start: Option<Date>,
    end: Option<Date>,
    owner: String,
    created: Timestamp,
    updated: Timestamp,
}

impl Stored for Campaign {
    fn from_older(format: u8, payload: &[u8]) -> Result<(Self, usize), String> {
        if format >= 4 {
            return decode_prefix(payload);
        }
        let (c, used) = decode_prefix::<CampaignV3>(payload)?;
        let campaign = Campaign {
            id: c.id,
            name: c.name,
            channel: c.channel,
            status: c.status,
            budget: c.budget,
            cost: None,
            currency: c.currency,
            start: c.start,
            end: c.end,
            lists: Vec::new(),
            responses: Vec::new(),
            skipped: 0,
            owner: c.owner,
            created: c.created,
            updated: c.updated,
        };
        Ok((campaign, used))
    }
}

/// A contact list as formats 1 to 3 stored it: static only.
#[derive(Serialize, Deserialize)]
struct ContactListV3 {
    id: Id,
    name: String,
    members: Vec<Id>,
    created: Timestamp,
    updated: Timestamp,
}

impl Stored for ContactList {
    fn from_older(format: u8, payload: &[u8]) -> Result<(Self, usize), String> {
        if format >= 4 {
            return decode_prefix(payload);
        }
        let (l, used) = decode_prefix::<ContactListV3>(payload)?;
        let list = ContactList {
            id: l.id,
            name: l.name,
            members: l.members,
            filter: None,
            created: l.created,
            updated: l.updated,
        };
        Ok((list, used))
    }
}

/// A call as formats 1 to 4 stored it: without a case.
#[derive(Serialize, Deserialize)]
struct CallV4 {
    id: Id,
    contact: Id,
    direction: CallDirection,
    started_at: Timestamp,
    duration_secs: u32,
    outcome: CallOutcome,
    notes: Option<String>,
    owner: String,
    created: Timestamp,
    updated: Timestamp,
}

impl Stored for Call {
    fn from_older(format: u8, payload: &[u8]) -> Result<(Self, usize), String> {
        if format >= 5 {
            return decode_prefix(payload);
        }
        let (c, used) = decode_prefix::<CallV4>(payload)?;
        let call = Call {
            id: c.id,
            contact: c.contact,
            direction: c.direction,
            started_at: c.started_at,
            duration_secs: c.duration_secs,
            outcome: c.outcome,
            notes: c.notes,
            case: None,
            owner: c.owner,
            created: c.created,
            updated: c.updated,
        };
        Ok((call, used))
    }
}

/// An email as format 4 stored it: without a case.
#[derive(Serialize, Deserialize)]
struct MessageV4 {
    id: Id,
    contact: Id,
    to: String,
    subject: String,
    body: String,
    at: Timestamp,
    campaign: Option<Id>,
    template: Option<Id>,
    result: Delivery,
    error: Option<String>,
    owner: String,
    created: Timestamp,
    updated: Timestamp,
}

impl Stored for Message {
    fn from_older(format: u8, payload: &[u8]) -> Result<(Self, usize), String> {
        if format >= 5 {
            return decode_prefix(payload);
        }
        let (m, used) = decode_prefix::<MessageV4>(payload)?;
        let message = Message {
            id: m.id,
            contact: m.contact,
            to: m.to,
            subject: m.subject,
            body: m.body,
            at: m.at,
            campaign: m.campaign,
            template: m.template,
            case: None,
            result: m.result,
            error: m.error,
            owner: m.owner,
            created: m.created,
            updated: m.updated,
        };
        Ok((message, used))
    }
}

/// Largest payload decoded: a guard against a damaged length prefix asking for gigabytes.
const LIMIT: usize = 16 << 20;

fn config()
-> bincode::config::Configuration<bincode::config::LittleEndian, bincode::config::Varint, bincode::config::Limit<LIMIT>>
{
    bincode::config::standard().with_limit::<LIMIT>()
}

/// Encodes a value stored whole (an audit entry) in the current envelope.
pub fn encode<T: Whole>(value: &T) -> Vec<u8> {
    envelope(value)
}

/// The current envelope around a value's whole payload.
fn envelope<T: Serialize>(value: &T) -> Vec<u8> {
    // Most records fit this at once; a bulk load encodes millions, so no growing from empty.
    let mut out = Vec::with_capacity(256);
    out.push(FORMAT);
    // Encoding plain data into a Vec cannot fail: no I/O, and every type here is serialisable.
    bincode::serde::encode_into_std_write(value, &mut out, config()).expect("plain data always encodes");
    out
}

/// Encodes a record in the current envelope. Its payload leaves out its id, its first field,
/// since that is its table's key (format 8: five bytes a record of a million), and keeps its
/// change time as the seconds after its creation time (format 9: one byte, not five, for a
/// record not changed since).
pub fn encode_record<R: Record + Stored>(rec: &R) -> Vec<u8> {
    let mut out = envelope(rec);
    // Every record's payload starts with its id and ends with its two times, then
    // `after_times` bytes (a test holds this for every kind).
    let (_, id) = decode_prefix::<Id>(&out[1..]).expect("a record starts with its id");
    out.drain(1..1 + id);
    let (created, updated) = rec.times();
    let mut time = [0u8; 10];
    let end = out.len() - rec.after_times();
    let at = end - encode_time(updated, &mut time);
    // A field added after the times would be written over: refused here, as the tests refuse it.
    assert_eq!(out[at..end], time[..end - at], "a record's change time comes where it is looked for");
    let apart = encode_time(Timestamp(updated.0.wrapping_sub(created.0)), &mut time);
    out.splice(at..end, time[..apart].iter().copied());
    out
}

/// A new record's stored bytes, encoded before it is given its id (the payload leaves the id
/// out, and a new record's times are set before it is stored): a bulk load encodes its records
/// on the thread that makes them, off the thread that writes.
#[derive(Debug)]
pub struct Encoded(pub(super) Vec<u8>);

impl Encoded {
    /// The bytes `rec` is stored as, whatever id it is given.
    pub fn of<R: Record + Stored>(rec: &R) -> Encoded {
        Encoded(encode_record(rec))
    }
}

/// Writes a time's bytes at the start of `out`, returning how many they are (at most ten).
fn encode_time(t: Timestamp, out: &mut [u8; 10]) -> usize {
    bincode::serde::encode_into_slice(t, out, config()).expect("a time always fits ten bytes")
}

/// Decodes the payload of a record that left out its `id`: the id is put back in front of it.
fn decode_keyed<T: DeserializeOwned>(id: Id, payload: &[u8]) -> Result<(T, usize), String> {
    thread_local! {
        /// Each thread's buffer for it, kept between records: a report may decode a million.
        static WHOLE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    WHOLE.with_borrow_mut(|whole| {
        whole.clear();
        bincode::serde::encode_into_std_write(id, whole, config()).expect("an id always encodes");
        let head = whole.len();
        whole.extend_from_slice(payload);
        let read = decode_prefix(whole).map(|(value, used)| (value, used.saturating_sub(head)));
        if whole.capacity() > 1 << 16 {
            *whole = Vec::new();
        }
        read
    })
}

/// Decodes a value stored whole ([`encode`]) from an envelope of this format or an older one,
/// naming the record it belongs to in the error when it cannot be read.
pub fn decode<T: Whole>(what: RecordRef, bytes: &[u8]) -> Result<T, StoreError> {
    open(what, bytes, false).map(|(value, _)| value)
}

/// Decodes a record ([`encode_record`]) from an envelope of this format or an older one, naming
/// it in the error when it cannot be read.
pub fn decode_record<R: Record + Stored>(what: RecordRef, bytes: &[u8]) -> Result<R, StoreError> {
    let (mut rec, format) = open::<R>(what, bytes, true)?;
    if format >= TIMES_APART {
        let (created, updated) = rec.times_mut();
        *updated = Timestamp(created.0.wrapping_add(updated.0));
    }
    Ok(rec)
}

/// Reads an envelope: the value, as far as its payload says, and the format it was written in.
/// A record's payload from format 8 on leaves out its id, which `what` gives.
fn open<T: Stored>(what: RecordRef, bytes: &[u8], record: bool) -> Result<(T, u8), StoreError> {
    let bad = |detail: String| StoreError::BadRecord { record: what, detail };
    let (&format, payload) = bytes.split_first().ok_or_else(|| bad("empty value".into()))?;
    let read = match format {
        0 => return Err(bad(format!("unknown record format {format}"))),
        v if v > FORMAT => {
            return Err(bad(format!(
                "written in record format {v} by a newer rolo (this one reads up to {FORMAT}): upgrade rolo"
            )));
        }
        v if v >= KEYED && record => decode_keyed(what.id, payload),
        v if v >= KEYED => decode_prefix(payload),
        v => T::from_older(v, payload),
    };
    let (value, used) = read.map_err(bad)?;
    if used != payload.len() {
        return Err(bad(format!("{} trailing bytes", payload.len() - used)));
    }
    Ok((value, format))
}

/// Decodes a setting's value.
pub fn decode_setting<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    bincode::serde::decode_from_slice(bytes, config())
        .map(|(value, _)| value)
        .map_err(|e| StoreError::Other(format!("the setting {key} cannot be read ({e}): restore a backup")))
}

/// Bincode of a value without the envelope: a setting's stored value, or what a record's fields
/// look like inside the envelope.
pub fn payload<T: Serialize>(value: &T) -> Vec<u8> {
    // Encoding plain data into a Vec cannot fail: no I/O, and every type here is serialisable.
    bincode::serde::encode_to_vec(value, config()).expect("plain data always encodes")
}

/// Decodes a value at the start of `bytes`, returning it and the bytes it took.
pub fn decode_prefix<T: DeserializeOwned>(bytes: &[u8]) -> Result<(T, usize), String> {
    bincode::serde::decode_from_slice(bytes, config()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Record};

    fn what() -> RecordRef {
        RecordRef::new(Kind::Contact, 7)
    }

    #[test]
    fn envelope_round_trips_and_starts_with_the_format() {
        let c = Contact { id: 7, first_name: "Zoë".into(), last_name: "Ōta".into(), ..Default::default() };
        let bytes = encode_record(&c);
        assert_eq!(bytes[0], FORMAT);
        let back: Contact = decode_record(what(), &bytes).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn a_format1_deal_reads_without_a_closing_day_and_other_kinds_as_they_were() {
        let deal = Opportunity {
            id: 3,
            name: "Fleet".into(),
            amount: Amount(1_200_050),
            lost_reason: Some("price".into()),
            closed_on: Some(Date::from_ymd(2026, 5, 1).unwrap()),
            ..Default::default()
        };
        let v1 = (
            (deal.id, &deal.name, deal.account, deal.contact, deal.amount, deal.currency, deal.close_date, deal.stage),
            (deal.probability, deal.probability_manual, &deal.next_step, deal.next_step_date, &deal.lead_source),
            (deal.campaign, deal.lead, &deal.owner, deal.status, &deal.lost_reason, deal.created, deal.updated),
        );
        let mut old = vec![1];
        old.extend(payload(&v1));
        let back: Opportunity = decode_record(deal.record_ref(), &old).unwrap();
        assert_eq!(back, Opportunity { closed_on: None, ..deal.clone() });
        assert_eq!(decode_record::<Opportunity>(deal.record_ref(), &encode_record(&deal)).unwrap(), deal);
        // Formats 2 to 5 wrote the day it closed but no competitor.
        let v5 = (v1.0, v1.1, (deal.campaign, deal.lead, &deal.owner, deal.status, &deal.lost_reason), deal.closed_on);
        let mut old = vec![5];
        old.extend(payload(&(v5, deal.created, deal.updated)));
        assert_eq!(decode_record::<Opportunity>(deal.record_ref(), &old).unwrap(), deal);
        // Formats 1 to 6 wrote a task waiting for no other.
        let t = Task { id: 9, title: "Call".into(), project: Some(2), owner: "ann".into(), ..Default::default() };
        let shape = TaskV6 {
            id: t.id,
            title: t.title.clone(),
            due: None,
            priority: t.priority,
            status: t.status,
            account: None,
            contact: None,
            lead: None,
            opportunity: None,
            project: t.project,
            notes: None,
            owner: t.owner.clone(),
            completed_at: None,
            created: t.created,
            updated: t.updated,
        };
        for format in 1..7 {
            let mut old = vec![format];
            old.extend(payload(&shape));
            assert_eq!(decode_record::<Task>(t.record_ref(), &old).unwrap(), t, "format {format}");
        }
        let waiting = Task { after: vec![3, 4], ..t };
        assert_eq!(decode_record::<Task>(waiting.record_ref(), &encode_record(&waiting)).unwrap(), waiting);
        let rival = Opportunity { competitor: Some("Rival Inc".into()), ..deal.clone() };
        assert_eq!(decode_record::<Opportunity>(deal.record_ref(), &encode_record(&rival)).unwrap(), rival);
        // Formats 1 and 2 wrote a contact without prefix, suffix or department.
        let c = Contact { id: 7, first_name: "Ann".into(), tags: vec!["vip".into()], ..Default::default() };
        let shape = ContactV2 {
            id: c.id,
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            middle_name: None,
            title: None,
            account: None,
            emails: Vec::new(),
            phones: Vec::new(),
            addresses: Vec::new(),
            birthday: None,
            interests: Vec::new(),
            skills: Vec::new(),
            social: Vec::new(),
            do_not_call: false,
            follow_up_days: None,
            owner: String::new(),
            tags: c.tags.clone(),
            created: c.created,
            updated: c.updated,
            last_activity: None,
        };
        let mut old = vec![2];
        old.extend(payload(&shape));
        assert_eq!(decode_record::<Contact>(what(), &old).unwrap(), c);
        old[0] = 1;
        assert_eq!(decode_record::<Contact>(what(), &old).unwrap(), c);
        old.push(0);
        assert!(decode_record::<Contact>(what(), &old).unwrap_err().to_string().contains("trailing"));
        // Formats 1 to 3 wrote campaigns without cost, lists or responses, and static lists only.
        let shape = CampaignV3 {
            id: 3,
            name: "Spring".into(),
            channel: Some("email".into()),
            status: CampaignStatus::Active,
            budget: Some(Amount(500)),
            currency: Currency::default(),
            start: None,
            end: None,
            owner: "ann".into(),
            created: Timestamp(1),
            updated: Timestamp(2),
        };
        let mut old = vec![3];
        old.extend(payload(&shape));
        let c = decode_record::<Campaign>(what(), &old).unwrap();
        assert_eq!(
            (c.name.as_str(), c.budget, c.cost, c.lists.len(), c.skipped),
            ("Spring", Some(Amount(500)), None, 0, 0)
        );
        let list = ContactListV3 {
            id: 4,
            name: "News".into(),
            members: vec![1, 2],
            created: Timestamp(1),
            updated: Timestamp(1),
        };
        let mut old = vec![3];
        old.extend(payload(&list));
        let l = decode_record::<ContactList>(what(), &old).unwrap();
        assert_eq!((l.members, l.filter), (vec![1, 2], None));
    }

    /// A value of `T` in the shape this build writes, under each older format byte from
    /// `since` (the format that gave `T` this shape) on, reads back as itself.
    fn reads_under_later_formats<T: Stored + Record + Default + PartialEq + std::fmt::Debug>(since: u8) {
        let value = T::default();
        for format in since..KEYED {
            // Formats before 8 kept every field (8 and 9 are `stored_as_record`'s).
            let mut bytes = vec![format];
            bytes.extend(payload(&value));
            let back = decode_record::<T>(what(), &bytes);
            assert_eq!(
                back.as_ref().ok(),
                Some(&value),
                "{} under format {format}: {back:?}",
                std::any::type_name::<T>()
            );
        }
    }

    /// A record of 70,000 leaves out its id and keeps its change time as the seconds after its
    /// creation, whatever the two are, and reads back whole under that key, as it does from
    /// format 8, which kept its change time as it was; its kind.
    fn stored_as_record<T: Stored + Record + std::fmt::Debug>(mut rec: T) -> Kind {
        rec.set_id(70_000);
        let what = RecordRef::new(T::KIND, 70_000);
        let now = 1_700_000_000;
        // The creation and change times, and how many bytes keeping them apart saves.
        for (created, updated, saved) in
            [(now, now, 4), (now, now + 3_600, 2), (i64::MIN, i64::MAX, 8), (5, -5, 0), (now + 9, now, 4)]
        {
            let (c, u) = rec.times_mut();
            (*c, *u) = (Timestamp(created), Timestamp(updated));
            let (bytes, whole) = (encode_record(&rec), payload(&rec));
            let case = format!("{} created {created}, changed {updated}", T::KIND);
            // An id of 70,000 takes five bytes.
            assert_eq!(bytes.len(), 1 + whole.len() - 5 - saved, "{case}");
            assert_eq!(payload(&decode_record::<T>(what, &bytes).unwrap()), whole, "{case}");
            let mut format8 = vec![8];
            format8.extend_from_slice(&whole[5..]);
            assert_eq!(payload(&decode_record::<T>(what, &format8).unwrap()), whole, "{case}, format 8");
        }
        T::KIND
    }

    #[test]
    fn a_record_of_any_kind_leaves_out_its_id_and_keeps_its_times_apart() {
        let note = Note {
            id: 0,
            target: RecordRef::new(Kind::Contact, 1),
            text: "Met at the fair".into(),
            owner: "ann".into(),
            created: Timestamp(1),
            updated: Timestamp(2),
        };
        let kinds = [
            stored_as_record(Account::default()),
            stored_as_record(Contact { last_activity: Some(Timestamp(1_700_000_100)), ..Default::default() }),
            stored_as_record(Lead::default()),
            stored_as_record(Opportunity::default()),
            stored_as_record(Stage::default()),
            stored_as_record(Product::default()),
            stored_as_record(Quote::default()),
            stored_as_record(Task::default()),
            stored_as_record(Call::default()),
            stored_as_record(Event::default()),
            stored_as_record(Project::default()),
            stored_as_record(Campaign::default()),
            stored_as_record(ContactList::default()),
            stored_as_record(note),
            stored_as_record(Template::default()),
            stored_as_record(Message::default()),
            stored_as_record(Case::default()),
            stored_as_record(Article::default()),
        ];
        assert_eq!(kinds, Kind::ALL, "every kind, in order");
        stored_as_record(Contact::default());
        // An audit entry is kept whole, whatever key it is read under.
        let entry = AuditEntry {
            target: RecordRef::new(Kind::Task, 3),
            at: Timestamp(5),
            user: "ann".into(),
            action: crate::model::AuditAction::Updated,
            changes: Vec::new(),
            summary: None,
        };
        assert_eq!(&encode(&entry)[1..], &payload(&entry)[..]);
        assert_eq!(decode::<AuditEntry>(RecordRef::new(Kind::Task, 9), &encode(&entry)).unwrap().target.id, 3);
    }

    #[test]
    fn a_record_written_since_its_shape_last_changed_reads_under_any_later_format() {
        reads_under_later_formats::<Contact>(3);
        reads_under_later_formats::<Campaign>(4);
        reads_under_later_formats::<ContactList>(4);
        reads_under_later_formats::<Call>(5);
        reads_under_later_formats::<Message>(5);
        reads_under_later_formats::<Opportunity>(6);
        reads_under_later_formats::<Task>(7);
        reads_under_later_formats::<Account>(1);
    }

    #[test]
    fn unknown_versions_and_damage_are_errors_not_skips() {
        let c = Contact::default();
        let mut bytes = encode_record(&c);
        bytes[0] = FORMAT + 1;
        let err = decode_record::<Contact>(what(), &bytes).unwrap_err().to_string();
        assert!(err.contains("newer rolo"), "{err}");
        bytes[0] = 0;
        assert!(decode_record::<Contact>(what(), &bytes).is_err());
        assert!(decode_record::<Contact>(what(), &[]).is_err());
        let truncated = &encode_record(&c)[..3];
        assert!(decode_record::<Contact>(what(), truncated).is_err());
        let mut trailing = encode_record(&c);
        trailing.push(0);
        assert!(decode_record::<Contact>(what(), &trailing).is_err());
    }
}
