//! The read side, the same for a snapshot and for the writer: raw access to the tables
//! ([`RawRead`]) and the typed reads built on it ([`Read`]: records, links, sort orders, the
//! audit trail).

use std::sync::Arc;

use super::{Indexed, Result, SortField, StoreError, codec, facts, keys};
use crate::model::{AuditEntry, BulkCreation, Id, Kind, RecordRef};

/// Raw access that readers and the writer both offer; everything else in [`Read`] builds on it.
pub trait RawRead {
    /// The stored envelope of one record.
    fn raw(&self, r: RecordRef) -> Result<Option<Vec<u8>>>;
    /// Whether a record exists (without copying it).
    fn contains(&self, r: RecordRef) -> Result<bool>;
    /// Calls `f` with the place in `refs` and the stored envelope of each of `refs` that exists,
    /// in the order given, until it fails: many reads in as few trips as the backend allows, each
    /// envelope lent where the backend holds it rather than copied (a board reads 100,000 deals).
    fn raw_each(&self, refs: &[RecordRef], f: &mut dyn FnMut(usize, &[u8]) -> Result<()>) -> Result<()> {
        for (i, &r) in refs.iter().enumerate() {
            if let Some(envelope) = self.raw(r)? {
                f(i, &envelope)?;
            }
        }
        Ok(())
    }
    /// Which of `refs` exist, in the order given: many lookups in as few trips as the backend
    /// allows.
    fn contains_many(&self, refs: &[RecordRef]) -> Result<Vec<bool>> {
        refs.iter().map(|&r| self.contains(r)).collect()
    }
    /// Calls `f` with each index key in `[from, to)` (reversed when asked) until it returns false.
    fn scan_index(&self, from: &[u8], to: &[u8], rev: bool, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()>;
    /// Calls `f` with each index key of each of `ranges` (`[from, to)`, in the order given) until
    /// it returns false: many small scans, read in as few trips as the backend allows.
    fn scan_index_ranges(&self, ranges: &[(Vec<u8>, Vec<u8>)], f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        let mut go = true;
        for (from, to) in ranges {
            self.scan_index(from, to, false, &mut |k| {
                go = f(k);
                go
            })?;
            if !go {
                break;
            }
        }
        Ok(())
    }
    /// Calls `f` with every (id, envelope) of `kind` in id order until it returns false.
    fn scan_records(&self, kind: Kind, f: &mut dyn FnMut(Id, &[u8]) -> bool) -> Result<()>;
    /// Calls `f` with each (key, entry) of the audit trail whose key lies in `[from, to]` until it
    /// returns false.
    fn scan_audit_range(&self, from: &[u8], to: &[u8], f: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<()>;
    /// Calls `f` with every search key of `kind`, in id order.
    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> Result<()>;
    /// How many records of `kind` there are.
    fn count(&self, kind: Kind) -> Result<u64>;
    /// A number kept in the meta table.
    fn meta(&self, key: &str) -> Result<Option<u64>>;
    /// The stored bytes of a setting.
    fn setting_bytes(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// How many times a record was written since it was created, and by whom last (`None`: never).
    fn version(&self, r: RecordRef) -> Result<Option<(u64, String)>>;
    /// The number of the newest commit this snapshot shows, where several nodes share the
    /// database (see [`super::Store::commits_after`]).
    fn commit_number(&self) -> Option<u64> {
        None
    }
}

/// A shared snapshot reads as the snapshot itself (queries between two commits share one).
impl<T: RawRead + ?Sized> RawRead for Arc<T> {
    fn raw(&self, r: RecordRef) -> Result<Option<Vec<u8>>> {
        (**self).raw(r)
    }

    fn contains(&self, r: RecordRef) -> Result<bool> {
        (**self).contains(r)
    }

    fn contains_many(&self, refs: &[RecordRef]) -> Result<Vec<bool>> {
        (**self).contains_many(refs)
    }

    fn raw_each(&self, refs: &[RecordRef], f: &mut dyn FnMut(usize, &[u8]) -> Result<()>) -> Result<()> {
        (**self).raw_each(refs, f)
    }

    fn scan_index(&self, from: &[u8], to: &[u8], rev: bool, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        (**self).scan_index(from, to, rev, f)
    }

    fn scan_index_ranges(&self, ranges: &[(Vec<u8>, Vec<u8>)], f: &mut dyn FnMut(&[u8]) -> bool) -> Result<()> {
        (**self).scan_index_ranges(ranges, f)
    }

    fn scan_records(&self, kind: Kind, f: &mut dyn FnMut(Id, &[u8]) -> bool) -> Result<()> {
        (**self).scan_records(kind, f)
    }

    fn scan_audit_range(&self, from: &[u8], to: &[u8], f: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<()> {
        (**self).scan_audit_range(from, to, f)
    }

    fn scan_search(&self, kind: Kind, f: &mut dyn FnMut(Id, &str)) -> Result<()> {
        (**self).scan_search(kind, f)
    }

    fn count(&self, kind: Kind) -> Result<u64> {
        (**self).count(kind)
    }

    fn meta(&self, key: &str) -> Result<Option<u64>> {
        (**self).meta(key)
    }

    fn setting_bytes(&self, key: &str) -> Result<Option<Vec<u8>>> {
        (**self).setting_bytes(key)
    }

    fn version(&self, r: RecordRef) -> Result<Option<(u64, String)>> {
        (**self).version(r)
    }

    fn commit_number(&self) -> Option<u64> {
        (**self).commit_number()
    }
}

/// Typed reads, the same for a snapshot and for the writer.
pub trait Read: RawRead {
    /// A list of names kept under a setting key (the lead sources), if one was stored.
    fn names(&self, key: &str) -> Result<Option<Vec<String>>> {
        self.setting(key)
    }

    /// A value kept under a setting key, if one was stored.
    fn setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        self.setting_bytes(key)?.map(|bytes| codec::decode_setting(key, &bytes)).transpose()
    }

    /// Calls `f` with the owner and the record it is about of every record of `kind` that has
    /// either (see [`keys::owned_key`]; an account's or contact's owner is in its report facts),
    /// in no particular order.
    fn owners(&self, kind: Kind, f: &mut dyn FnMut(Id, &str, Option<RecordRef>)) -> Result<()> {
        match kind {
            Kind::Contact => return facts::contacts_named(self, &mut |c, names| f(c.id, names.owner, None)),
            Kind::Account => return facts::accounts(self, &mut |a| f(a.id, a.owner, None)),
            _ => {}
        }
        let prefix = keys::owned_prefix(kind);
        let mut bad = None;
        self.scan_index(&prefix, &keys::prefix_end(&prefix), false, &mut |k| match keys::read_owned(k) {
            Some((id, owner, about)) => {
                f(id, owner, about);
                true
            }
            None => {
                bad = Some(k.to_vec());
                false
            }
        })?;
        match bad {
            Some(k) => Err(StoreError::Other(format!("an owner key of {kind} is damaged ({k:?}): run rolo check"))),
            None => Ok(()),
        }
    }

    /// One record, if it exists.
    fn get<R: Indexed>(&self, id: Id) -> Result<Option<R>> {
        let what = RecordRef::new(R::KIND, id);
        self.raw(what)?.map(|bytes| codec::decode_record(what, &bytes)).transpose()
    }

    /// Whether a record exists.
    fn exists(&self, r: RecordRef) -> Result<bool> {
        self.contains(r)
    }

    /// Every record of a kind for which `keep` says yes, in id order.
    fn all<R: Indexed>(&self, mut keep: impl FnMut(&R) -> bool) -> Result<Vec<R>> {
        let mut found = Gather::default();
        self.scan_records(R::KIND, &mut |id, bytes| {
            found.take(codec::decode_record::<R>(RecordRef::new(R::KIND, id), bytes).map(|r| Some(r).filter(&mut keep)))
        })?;
        found.finish()
    }

    /// Calls `f` with each record of a kind, in id order, until it returns false: a scan that
    /// keeps nothing itself.
    fn each<R: Indexed>(&self, mut f: impl FnMut(R) -> bool) -> Result<()> {
        let mut failed = None;
        self.scan_records(
            R::KIND,
            &mut |id, bytes| match codec::decode_record::<R>(RecordRef::new(R::KIND, id), bytes) {
                Ok(r) => f(r),
                Err(e) => {
                    failed = Some(e);
                    false
                }
            },
        )?;
        failed.map_or(Ok(()), Err)
    }

    /// Records of `kind` that link to `target`, as ids, in id order.
    fn linking(&self, target: RecordRef, kind: Kind) -> Result<Vec<Id>> {
        let prefix = keys::ref_prefix(target, Some(kind));
        let mut ids = Vec::new();
        self.scan_index(&prefix, &keys::prefix_end(&prefix), false, &mut |k| {
            ids.extend(keys::key_id(k));
            true
        })?;
        Ok(ids)
    }

    /// Calls `f` with every link to a record of `kind`, in the order of the records linked to: the
    /// id of the record linked to, and the record linking to it.
    fn links_to_kind(&self, kind: Kind, f: &mut dyn FnMut(Id, RecordRef)) -> Result<()> {
        let prefix = keys::kind_ref_prefix(kind);
        self.scan_index(&prefix, &keys::prefix_end(&prefix), false, &mut |k| {
            if let (Some(target), Some(src)) = (keys::ref_target(k), keys::ref_source(k)) {
                f(target, src);
            }
            true
        })
    }

    /// Every record, of any kind, that links to `target`.
    fn referrers(&self, target: RecordRef) -> Result<Vec<RecordRef>> {
        let prefix = keys::ref_prefix(target, None);
        let mut refs = Vec::new();
        self.scan_index(&prefix, &keys::prefix_end(&prefix), false, &mut |k| {
            refs.extend(keys::ref_source(k));
            true
        })?;
        Ok(refs)
    }

    /// Ids of `kind` ordered by `field`, from the value `from` (inclusive) to `to` (exclusive;
    /// `None` for the end), at most `limit`, backwards when `rev`.
    fn sorted(
        &self,
        kind: Kind,
        field: SortField,
        from: &[u8],
        to: Option<&[u8]>,
        rev: bool,
        limit: usize,
    ) -> Result<Vec<Id>> {
        let start = keys::sort_prefix(kind, field, from);
        let end = match to {
            Some(to) => keys::sort_prefix(kind, field, to),
            None => keys::prefix_end(&keys::sort_prefix(kind, field, &[])),
        };
        let mut ids = Vec::new();
        self.scan_index(&start, &end, rev, &mut |k| {
            ids.extend(keys::key_id(k));
            ids.len() < limit
        })?;
        Ok(ids)
    }

    /// The records with those ids, skipping any that are gone.
    fn many<R: Indexed>(&self, ids: &[Id]) -> Result<Vec<R>> {
        let refs: Vec<RecordRef> = ids.iter().map(|&id| RecordRef::new(R::KIND, id)).collect();
        let mut out = Vec::with_capacity(ids.len());
        self.raw_each(&refs, &mut |i, envelope| {
            out.push(codec::decode_record(refs[i], envelope)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The bulk load that created `target`, if it was created by one.
    fn bulk_creation(&self, target: RecordRef) -> Result<Option<BulkCreation>> {
        let from = bulk_key(target.kind, target.id);
        let mut found = None;
        self.scan_audit_range(&from, &bulk_key(target.kind, u64::MAX), &mut |_, bytes| {
            found = Some(codec::decode::<BulkCreation>(target, bytes));
            false
        })?;
        Ok(found.transpose()?.filter(|b| b.first <= target.id))
    }

    /// The audit trail of one record, oldest first.
    fn audit(&self, target: RecordRef) -> Result<Vec<AuditEntry>> {
        let prefix = audit_prefix(target);
        let mut found = Gather::default();
        let end = keys::prefix_end(&prefix);
        self.scan_audit_range(&prefix, &end, &mut |_, bytes| found.take(codec::decode(target, bytes).map(Some)))?;
        found.finish()
    }
}

impl<T: RawRead + ?Sized> Read for T {}

/// Collects decoded values during a scan, stopping at the first that fails to decode.
pub(super) struct Gather<T> {
    out: Vec<T>,
    failure: Option<StoreError>,
}

impl<T> Default for Gather<T> {
    fn default() -> Self {
        Gather { out: Vec::new(), failure: None }
    }
}

impl<T> Gather<T> {
    /// Keeps a value (or skips `None`); returns whether the scan should go on.
    pub(super) fn take(&mut self, item: Result<Option<T>>) -> bool {
        match item {
            Ok(v) => {
                self.out.extend(v);
                true
            }
            Err(e) => {
                self.failure = Some(e);
                false
            }
        }
    }

    /// The values, or the failure that stopped the scan.
    pub(super) fn finish(self) -> Result<Vec<T>> {
        self.failure.map_or(Ok(self.out), Err)
    }
}

pub(super) fn audit_prefix(target: RecordRef) -> Vec<u8> {
    let mut k = vec![target.kind.code()];
    k.extend_from_slice(&target.id.to_be_bytes());
    k
}

/// Key of a bulk-creation entry in the audit table: a family byte no kind uses, the kind, the
/// run's last id (so the first key at or after an id finds the run that may hold it).
pub(super) fn bulk_key(kind: Kind, last: Id) -> Vec<u8> {
    let mut k = vec![0xff, kind.code()];
    k.extend_from_slice(&last.to_be_bytes());
    k
}
