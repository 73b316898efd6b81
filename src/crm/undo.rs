//! Undo: each `Crm` handle keeps a journal of the last changes its session made. A write
//! transaction notes, for every record it creates, changes or deletes (the records a delete
//! cascades to or unlinks included), the record's stored value before the transaction; at the
//! commit those values, with the values the transaction left, become one journal entry with a
//! sentence saying what it did. [`Crm::undo`] writes every value back in one transaction, unless
//! one of the records was changed since, so no one else's work is overwritten. The values go back
//! exactly as they were, past the rules of `Tx::update` (they held when the values were written).

use std::collections::{HashSet, VecDeque};

use super::{Crm, CrmError, Result, Tx, count_by_kind, diff};
use crate::model::{AuditAction, Change, Kind, Record, RecordRef};
use crate::store::codec;
use crate::store::{Indexed, RawRead, Read};

/// How many changes a session can undo, newest first; older ones are forgotten.
pub const JOURNAL_LEN: usize = 50;

/// How many bytes of stored values a session's journal may hold: past that, the oldest changes
/// are forgotten (the newest is always kept), so a session of long notes stays small.
pub const JOURNAL_BYTES: usize = 64 << 20;

/// The most records one undoable change may touch: a larger one (a lead source renamed on a
/// million deals) is kept in the journal only as a change that cannot be undone.
pub const ENTRY_RECORDS: usize = 10_000;

/// What an undo put back, said to the user ("Undone: opportunity Acme renewal moved from
/// Proposal to Closed Won").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// The sentence to show, starting with "Undone:".
    pub summary: String,
    /// The records given back their old values (not those the undo removed), so a screen can
    /// show where they are now.
    pub records: Vec<RecordRef>,
}

/// Why the last change cannot be undone. The change stays on the undo list unless said.
#[derive(Debug, thiserror::Error)]
pub enum UndoRefusal {
    /// A record of the change was changed or deleted since (by another session, or a bulk load).
    #[error("cannot undo {change}: {record} was {since} since by {by}, and undoing would lose that; change it by hand")]
    ChangedSince {
        /// What the change did.
        change: String,
        /// The record, by kind and label.
        record: String,
        /// "changed" or "deleted".
        since: &'static str,
        /// Who changed it last.
        by: String,
    },
    /// Putting the records back would leave a link dangling.
    #[error("cannot undo {change}: {record} {why}")]
    Linked {
        /// What the change did.
        change: String,
        /// The record, by kind and label.
        record: String,
        /// What links where ("is now used by 1 call", "its account: account:3 does not exist").
        why: String,
    },
    /// The change is one undo cannot put back; it has been taken off the undo list.
    #[error("cannot undo {change}: {why}; it is off the undo list now, so undo again to go further back")]
    Beyond {
        /// What the change did.
        change: String,
        /// Why ("it changed the lead-source list").
        why: String,
    },
}

/// One record's stored value (its envelope) before and after a change: `None` when it did not
/// exist.
#[derive(Debug)]
struct Image {
    target: RecordRef,
    before: Option<Vec<u8>>,
    after: Option<Vec<u8>>,
}

/// One committed transaction, as undo sees it.
#[derive(Debug)]
pub(super) struct Entry {
    /// What it did ("deleted contact Ann Lee").
    summary: String,
    /// The records to put back, or why they cannot be.
    images: std::result::Result<Vec<Image>, String>,
}

impl Entry {
    /// The bytes of stored values it holds.
    fn bytes(&self) -> usize {
        let images = self.images.as_deref().unwrap_or_default();
        images.iter().map(|i| i.before.as_ref().map_or(0, Vec::len) + i.after.as_ref().map_or(0, Vec::len)).sum()
    }
}

/// A session's undoable changes, oldest first, at most [`JOURNAL_LEN`] of them and (but for the
/// newest) [`JOURNAL_BYTES`].
#[derive(Debug, Default)]
pub(super) struct Journal {
    entries: VecDeque<Entry>,
    /// The bytes its entries hold.
    bytes: usize,
}

impl Journal {
    /// Adds the newest change, forgetting the oldest ones past the bounds.
    fn push(&mut self, entry: Entry) {
        self.bytes += entry.bytes();
        self.entries.push_back(entry);
        while self.entries.len() > JOURNAL_LEN || (self.bytes > JOURNAL_BYTES && self.entries.len() > 1) {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.bytes();
            }
        }
    }

    /// Takes the newest change.
    fn pop(&mut self) -> Option<Entry> {
        let entry = self.entries.pop_back()?;
        self.bytes -= entry.bytes();
        Some(entry)
    }
}

/// What a write transaction notes for undo while it runs.
#[derive(Debug, Default)]
pub(super) struct Draft {
    /// Each record touched, in the order first touched, with its envelope before.
    before: Vec<(RecordRef, Option<Vec<u8>>)>,
    touched: HashSet<RecordRef>,
    /// The writes asked for directly (not those a delete implied), for the summary.
    told: Said,
    /// Records written because a delete implied it (cascaded or unlinked).
    linked: usize,
    /// How deep in deletes the transaction is: writes below the top are implied ones.
    depth: u32,
    /// Why the change cannot be undone, if it cannot.
    beyond: Option<String>,
}

/// The writes asked for, grouped by what they did, for the summary: a few groups are kept
/// (however many records a transaction writes), the rest only counted.
#[derive(Debug, Default)]
struct Said {
    groups: Vec<(Told, usize)>,
    others: usize,
}

/// How many groups of like writes [`Said`] keeps.
const GROUPS: usize = 3;

impl Said {
    /// Counts one write in its group.
    fn add(&mut self, t: Told) {
        let same = |g: &&mut (Told, usize)| {
            (g.0.action, g.0.kind, &g.0.summary, &g.0.fields) == (t.action, t.kind, &t.summary, &t.fields)
        };
        if let Some(g) = self.groups.iter_mut().find(same) {
            g.1 += 1;
        } else if self.groups.len() < GROUPS {
            self.groups.push((t, 1));
        } else {
            self.others += 1;
        }
    }

    /// The sentence saying what the writes did, `linked` more records changed with them:
    /// "deleted contact Ann Lee", "3 tasks completed", "changed tags of 2 contacts; and 4 more".
    fn describe(&self, linked: usize) -> String {
        let mut parts: Vec<String> = self.groups.iter().map(|(t, n)| one_group(t, *n)).collect();
        if self.others > 0 {
            parts.push(format!("and {} more", self.others));
        }
        let mut out = match parts.len() {
            0 => "a change to the settings".to_string(),
            _ => parts.join("; "),
        };
        if linked > 0 {
            out.push_str(&format!(", with {linked} linked {}", if linked == 1 { "record" } else { "records" }));
        }
        out
    }
}

/// One write asked for, as the summary names it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Told {
    action: AuditAction,
    kind: Kind,
    label: String,
    /// The audit summary ("completed", "moved from Proposal to Closed Won").
    summary: Option<String>,
    /// The fields changed, and the new value when only one was.
    fields: Vec<String>,
    value: Option<String>,
}

impl Draft {
    /// Notes that `target` is written, with its envelope before the transaction when first seen.
    fn touch(&mut self, target: RecordRef, before: impl FnOnce() -> Option<Vec<u8>>) {
        if self.beyond.is_some() || !self.touched.insert(target) {
            return;
        }
        if self.before.len() == ENTRY_RECORDS {
            self.beyond =
                Some(format!("it changed more than {} records", crate::text::thousands(ENTRY_RECORDS as u64)));
            self.before = Vec::new();
            self.touched = HashSet::new();
            return;
        }
        self.before.push((target, before()));
    }

    /// The journal entry of the committed transaction, reading the values it left through `r`;
    /// `None` when it changed no record and nothing that bars undo.
    fn seal(self, r: &impl RawRead) -> Result<Option<Entry>> {
        let summary = self.told.describe(self.linked);
        if let Some(why) = self.beyond {
            return Ok(Some(Entry { summary, images: Err(why) }));
        }
        let mut images = Vec::with_capacity(self.before.len());
        for (target, before) in self.before {
            let after = r.raw(target)?;
            if after != before {
                images.push(Image { target, before, after });
            }
        }
        Ok((!images.is_empty()).then_some(Entry { summary, images: Ok(images) }))
    }
}

impl Crm {
    /// Undoes the last change this handle's session made that is still undoable, in one
    /// transaction: created records are deleted, changed ones get their old values, deleted ones
    /// come back under their old ids with their links. Refused, the change kept for later, when
    /// a record of it was changed since or a link would dangle.
    pub fn undo(&self) -> Result<Undone> {
        let entry = self.journal().pop().ok_or(CrmError::NothingToUndo)?;
        let images = match &entry.images {
            Ok(images) => images,
            Err(why) => return Err(UndoRefusal::Beyond { change: entry.summary, why: why.clone() }.into()),
        };
        let done = self.write(|tx| {
            // The undo itself is not undone: it goes to the audit trail, not the journal.
            tx.undo = None;
            tx.put_back(&entry.summary, images)
        });
        match done {
            Ok(()) => Ok(Undone {
                summary: format!("Undone: {}", entry.summary),
                records: images.iter().filter(|i| i.before.is_some()).map(|i| i.target).collect(),
            }),
            Err(e) => {
                self.journal().push(entry);
                Err(e)
            }
        }
    }

    /// Adds a committed transaction's entry to this session's journal.
    /// Forgets everything this handle could undo (a person was erased: nothing of theirs is kept).
    pub(super) fn forget_undo(&self) {
        *self.journal() = Journal::default();
    }

    pub(super) fn journal_commit(&self, draft: Option<Entry>) {
        if let Some(entry) = draft {
            self.journal().push(entry);
        }
    }

    fn journal(&self) -> std::sync::MutexGuard<'_, Journal> {
        self.journal.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Tx<'_> {
    /// Notes a write for undo: `rec` as written (for a delete, as it was) and its value `before`
    /// (`None` for a new record), with the audited `changes` and `summary` of an update.
    pub(super) fn journal<R: Indexed>(
        &mut self,
        action: AuditAction,
        rec: &R,
        before: Option<&R>,
        changes: &[Change],
        summary: Option<&str>,
    ) {
        let Some(draft) = &mut self.undo else { return };
        draft.touch(rec.record_ref(), || before.map(codec::encode_record));
        if draft.depth > 0 {
            draft.linked += 1;
        } else if action != AuditAction::Updated || !changes.is_empty() || summary.is_some() {
            let fields = changes.iter().map(|c| c.field.replace('_', " ")).collect();
            let value = match changes {
                [one] => Some(crate::text::truncate(&one.new, 40)),
                _ => None,
            };
            let label = crate::text::truncate(&rec.label(), 60);
            let summary = summary.map(str::to_string);
            draft.told.add(Told { action, kind: R::KIND, label, summary, fields, value });
        }
    }

    /// Enters (`true`) or leaves the records a delete implies: their writes are not named in
    /// the change's summary.
    pub(super) fn journal_nest(&mut self, deeper: bool) {
        if let Some(draft) = &mut self.undo {
            draft.depth = if deeper { draft.depth + 1 } else { draft.depth.saturating_sub(1) };
        }
    }

    /// Marks this transaction as one undo cannot put back (it changes more than records).
    pub(super) fn beyond_undo(&mut self, why: &str) {
        if let Some(draft) = &mut self.undo {
            draft.beyond = Some(why.to_string());
        }
    }

    /// The journal entry this transaction makes, once its writes are done.
    pub(super) fn seal_journal(&mut self) -> Result<Option<Entry>> {
        match self.undo.take() {
            Some(draft) => draft.seal(&self.w),
            None => Ok(None),
        }
    }

    /// Writes every image's value before back, after checking each record is as the change
    /// left it; then checks that every link of what came back resolves and that nothing links
    /// to what went away.
    fn put_back(&mut self, change: &str, images: &[Image]) -> Result<()> {
        for image in images {
            let now = self.w.raw(image.target)?;
            if now != image.after {
                let by = self.last_author(image.target)?;
                let since = if now.is_none() { "deleted" } else { "changed" };
                let record = named(image.target, image.after.as_deref());
                return Err(UndoRefusal::ChangedSince { change: change.into(), record, since, by }.into());
            }
        }
        let summary = format!("undo: {change}");
        // Newest write first: what a change made last (a deleted account, after the contacts it
        // unlinked) comes back first.
        for image in images.iter().rev() {
            crate::model::with_record_type!(image.target.kind, T => self.restore::<T>(image, &summary)?);
        }
        for image in images {
            crate::model::with_record_type!(image.target.kind, T => self.settle_links::<T>(image, change)?);
        }
        Ok(())
    }

    /// Who last changed a record, from its audit trail.
    fn last_author(&self, target: RecordRef) -> Result<String> {
        Ok(self.w.audit(target)?.pop().map_or_else(|| "someone".into(), |a| a.user))
    }

    /// Puts one record's value before back under its id (or removes a record the change made),
    /// with its index entries, search text and an audit entry saying it was an undo.
    fn restore<T: Indexed>(&mut self, image: &Image, summary: &str) -> Result<()> {
        let target = image.target;
        self.seen.remove(&target);
        if target.kind == Kind::Account {
            self.account_names.forget(target.id);
        }
        let Some(bytes) = &image.before else {
            self.w.remove::<T>(target.id)?;
            self.removed = true;
            self.search.push((target, None));
            return self.audit(target, AuditAction::Deleted, Vec::new(), Some(summary.into()));
        };
        let rec: T = codec::decode_record(target, bytes)?;
        let was = self.w.restore(&rec)?;
        self.index_search(&rec)?;
        let (action, changes) = match &was {
            Some(was) => (AuditAction::Updated, diff(was, &rec)),
            None => (AuditAction::Created, Vec::new()),
        };
        self.audit(target, action, changes, Some(summary.into()))
    }

    /// Refuses the undo when a record put back links to one that is gone, or one taken away is
    /// linked to; updates the search texts under an account put back.
    fn settle_links<T: Indexed>(&mut self, image: &Image, change: &str) -> Result<()> {
        let target = image.target;
        let linked = |bytes: &Option<Vec<u8>>, why: String| {
            let record = named(target, bytes.as_deref());
            Err(UndoRefusal::Linked { change: change.into(), record, why }.into())
        };
        let Some(bytes) = &image.before else {
            let referrers = self.index()?.referrers(target)?;
            if referrers.is_empty() {
                return Ok(());
            }
            return linked(&image.after, format!("is now used by {}", count_by_kind(&referrers)));
        };
        let rec: T = codec::decode_record(target, bytes)?;
        for link in rec.links() {
            if !self.w.exists(link.target)? {
                let by = self.last_author(link.target)?;
                let why = format!("links to {} (its {}), which {by} deleted since", link.target, link.field);
                return linked(&image.before, why);
            }
        }
        if target.kind == Kind::Account {
            self.reindex_under(target)?;
        }
        Ok(())
    }
}

/// A record by kind and label, from an envelope when given ("contact Ann Lee"), else `kind:id`.
fn named(target: RecordRef, bytes: Option<&[u8]>) -> String {
    let label = bytes.and_then(
        |b| crate::model::with_record_type!(target.kind, T => codec::decode_record::<T>(target, b).ok().map(|r| r.label())),
    );
    match label {
        Some(label) => format!("{} {}", target.kind, crate::text::truncate(&label, 60)),
        None => target.to_string(),
    }
}

/// One group of like writes: "created contact Ann Lee", "deleted 3 calls", "task Call Ann
/// completed", "set stage of opportunity Acme to 4", "changed tags of 3 contacts".
fn one_group(t: &Told, n: usize) -> String {
    let who = if n == 1 { format!("{} {}", t.kind, t.label) } else { format!("{n} {}", t.kind.plural()) };
    match (t.action, &t.summary, &t.value) {
        (AuditAction::Created, ..) => format!("created {who}"),
        (AuditAction::Deleted, ..) => format!("deleted {who}"),
        (AuditAction::Updated, Some(summary), _) => format!("{who} {summary}"),
        (AuditAction::Updated, None, Some(value)) if n == 1 => format!("set {} of {who} to {value}", t.fields[0]),
        (AuditAction::Updated, None, _) => format!("changed {} of {who}", t.fields.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> Entry {
        Entry { summary: n.to_string(), images: Ok(Vec::new()) }
    }

    #[test]
    fn the_journal_keeps_the_last_changes_and_forgets_the_oldest() {
        let mut journal = Journal::default();
        for n in 0..JOURNAL_LEN + 10 {
            journal.push(entry(n));
        }
        assert_eq!(journal.entries.len(), JOURNAL_LEN);
        let popped: Vec<String> = std::iter::from_fn(|| journal.pop()).map(|e| e.summary).collect();
        assert_eq!(popped.first().map(String::as_str), Some("59"), "newest first");
        assert_eq!(popped.last().map(String::as_str), Some("10"), "the ten oldest are forgotten");
        assert_eq!(popped.len(), JOURNAL_LEN);
    }

    /// A change holding `bytes` of stored values (zeroed memory is not touched, so it is cheap).
    fn sized(n: usize, bytes: usize) -> Entry {
        let image = Image { target: RecordRef::new(Kind::Note, n as u64), before: Some(vec![0; bytes]), after: None };
        Entry { summary: n.to_string(), images: Ok(vec![image]) }
    }

    #[test]
    fn the_journal_forgets_the_oldest_changes_past_its_bytes_but_keeps_the_newest() {
        let mut journal = Journal::default();
        (0..4).for_each(|n| journal.push(sized(n, JOURNAL_BYTES / 3)));
        let kept: Vec<&str> = journal.entries.iter().map(|e| e.summary.as_str()).collect();
        assert_eq!(kept, ["1", "2", "3"]);
        journal.push(sized(9, JOURNAL_BYTES * 2));
        assert_eq!(journal.entries.len(), 1, "only the newest is kept, however large");
        assert_eq!(journal.pop().map(|e| e.summary), Some("9".to_string()));
        assert_eq!(journal.bytes, 0);
    }

    #[test]
    fn a_change_to_too_many_records_is_kept_only_as_beyond_undo() {
        let mut draft = Draft::default();
        for id in 1..=ENTRY_RECORDS as u64 {
            draft.touch(RecordRef::new(Kind::Contact, id), || None);
        }
        assert!(draft.beyond.is_none(), "up to the bound, every record is kept");
        draft.touch(RecordRef::new(Kind::Contact, 0), || None);
        assert!(draft.beyond.as_deref().is_some_and(|why| why.contains("10,000")), "{:?}", draft.beyond);
        assert!(draft.before.is_empty(), "the images are let go");
    }

    #[test]
    fn a_record_keeps_the_value_it_had_before_its_first_write() {
        let mut draft = Draft::default();
        let ann = RecordRef::new(Kind::Contact, 1);
        draft.touch(ann, || Some(vec![1]));
        draft.touch(ann, || Some(vec![2]));
        assert_eq!(draft.before, vec![(ann, Some(vec![1]))]);
    }

    fn told(action: AuditAction, label: &str, summary: Option<&str>, fields: &[&str]) -> Told {
        let value = (fields.len() == 1).then(|| "vip".to_string());
        Told {
            action,
            kind: Kind::Contact,
            label: label.into(),
            summary: summary.map(str::to_string),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            value,
        }
    }

    fn describe(told: &[Told], linked: usize) -> String {
        let mut said = Said::default();
        told.iter().cloned().for_each(|t| said.add(t));
        said.describe(linked)
    }

    #[test]
    fn the_summary_names_one_record_and_counts_many() {
        let one = told(AuditAction::Updated, "Ann Lee", None, &["tags"]);
        assert_eq!(describe(std::slice::from_ref(&one), 0), "set tags of contact Ann Lee to vip");
        let three = vec![one.clone(), told(AuditAction::Updated, "Bo", None, &["tags"]), one.clone()];
        assert_eq!(describe(&three, 0), "changed tags of 3 contacts");
        let deleted = told(AuditAction::Deleted, "Ann Lee", None, &[]);
        assert_eq!(describe(&[deleted], 2), "deleted contact Ann Lee, with 2 linked records");
        let moved = told(AuditAction::Updated, "Ann Lee", Some("completed"), &["status"]);
        assert_eq!(describe(&[moved], 0), "contact Ann Lee completed");
        let created: Vec<Told> = (0..5).map(|n| told(AuditAction::Created, &n.to_string(), None, &[])).collect();
        assert_eq!(describe(&created, 0), "created 5 contacts");
    }

    #[test]
    fn the_summary_keeps_a_few_kinds_of_write_and_counts_the_rest() {
        let kinds = [AuditAction::Created, AuditAction::Deleted];
        let mut writes: Vec<Told> = kinds.iter().map(|&a| told(a, "Ann", None, &[])).collect();
        writes.extend((0..4).map(|n| told(AuditAction::Updated, "Ann", None, &[["a", "b", "c", "d"][n]])));
        assert_eq!(
            describe(&writes, 0),
            "created contact Ann; deleted contact Ann; set a of contact Ann to vip; and 3 more"
        );
    }
}
