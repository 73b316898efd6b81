//! A whole database copied into another, table by table and byte for byte, whatever backend
//! each is on: `rolo migrate` from a file to PostgreSQL and back. Every record keeps its id, the
//! audit trail and versions come along, and the copy is one transaction of the target: all of it
//! lands, or nothing.

use std::collections::BTreeMap;
use std::path::Path;

use super::backend::Store;
use super::read::Gather;
use super::{Keys, RawRead, RawWrite, Result, StoreError, chunks, keys};
use crate::model::{Id, Kind, RecordRef};

/// Writes the new file `target` through `write`, which is given a path in a scratch folder
/// beside it; put in place once whole, so `target` is never half written, and never over a file
/// (refused when `target` exists, or appeared meanwhile). Nothing else beside it is touched.
pub(super) fn new_file(target: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let taken = || StoreError::BackupExists(target.to_path_buf());
    let failed = |source| StoreError::Backup { path: target.to_path_buf(), source };
    if std::fs::symlink_metadata(target).is_ok() {
        return Err(taken());
    }
    // No folder is made for it: a mistyped folder is said, not created.
    let folder = target.parent().filter(|f| !f.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        let missing = std::io::Error::new(std::io::ErrorKind::NotFound, format!("no folder {}", folder.display()));
        return Err(failed(missing));
    }
    let scratch = tempfile::Builder::new().prefix(".rolo-backup-").tempdir_in(folder).map_err(failed)?;
    let partial = scratch.path().join("copy.redb");
    write(&partial).map_err(|e| match e {
        StoreError::Backup { source, .. } => failed(source),
        e => e,
    })?;
    // Linked rather than renamed: a link never replaces a file.
    match std::fs::hard_link(&partial, target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(taken()),
        // A file system without links.
        Err(_) if std::fs::symlink_metadata(target).is_ok() => Err(taken()),
        Err(_) => std::fs::rename(&partial, target).map_err(failed),
    }
}

/// Packs and puts the texts in `pending` of each chunk before chunk `before` (with `None`, all
/// of them) into `raw`, in its chunk size, and takes them out; returns how many chunks it put.
fn put_texts(
    raw: &mut dyn RawWrite,
    kind: Kind,
    pending: &mut BTreeMap<Id, String>,
    before: Option<u64>,
) -> Result<u64> {
    let size = raw.chunk_size();
    let mut put = 0;
    while let Some(&first) = pending.keys().next() {
        let chunk = chunks::chunk_of(first, size);
        if before.is_some_and(|before| chunk >= before) {
            break;
        }
        let rest = match chunk.checked_add(1).and_then(|c| c.checked_mul(size)) {
            Some(end) => pending.split_off(&end),
            None => BTreeMap::new(),
        };
        let texts = std::mem::replace(pending, rest);
        raw.put_chunk(kind, chunk, Some(&chunks::pack(&texts, size).map_err(StoreError::Other)?))?;
        put += 1;
    }
    Ok(put)
}

/// How many index keys go to the target at once (sorted, as the source gives them).
const KEYS_AT_ONCE: usize = 8192;

/// The whole of a database as a copy reads it: what [`RawRead`] gives, and the tables no query
/// reads whole (search chunks as stored, versions, numbers, settings).
pub(super) trait Dump: RawRead + Send + Sync {
    /// How many consecutive ids share a chunk of search texts here (see `chunks`).
    fn chunk_size(&self) -> u64;
    /// Calls `f` with each packed chunk of search texts of `kind`, in chunk order.
    fn dump_chunks(&self, kind: Kind, f: &mut dyn FnMut(u64, &[u8]) -> Result<()>) -> Result<()>;
    /// Calls `f` with each record's version and who wrote it last.
    fn dump_versions(&self, f: &mut dyn FnMut(RecordRef, u64, &str) -> Result<()>) -> Result<()>;
    /// Calls `f` with each number of the meta table.
    fn dump_meta(&self, f: &mut dyn FnMut(&str, u64) -> Result<()>) -> Result<()>;
    /// Calls `f` with each setting's stored bytes.
    fn dump_settings(&self, f: &mut dyn FnMut(&str, &[u8]) -> Result<()>) -> Result<()>;
}

/// What a copy carried, table by table.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Copied {
    /// Where to: the file, or the address without its password.
    pub into: std::path::PathBuf,
    /// Records, by kind (kinds with none left out).
    pub records: BTreeMap<Kind, u64>,
    /// Index keys (links, sort orders, report facts, owners).
    pub index_keys: u64,
    /// Audit entries.
    pub audit_entries: u64,
    /// Chunks of search texts.
    pub search_chunks: u64,
    /// Record versions.
    pub versions: u64,
    /// Settings (users, teams, roles, lists, keys).
    pub settings: u64,
}

impl Store {
    /// Copies this whole database into `target`, which must hold no records and no audit trail
    /// yet (its settings are replaced): every table, every id, the audit trail and versions. One transaction of the target;
    /// before it commits, every kind's count is checked against the source's.
    pub fn copy_into(&self, target: &Store) -> Result<Copied> {
        let source = self.dump()?;
        let writer = target.write()?;
        let mut copied = Copied { into: target.path().to_path_buf(), ..Copied::default() };
        {
            let mut t = writer.tables()?;
            let mut history = false;
            t.scan_audit_range(&[], &[0xff; 32], &mut |_, _| {
                history = true;
                false
            })?;
            for kind in Kind::ALL {
                if history || t.count(kind)? > 0 {
                    return Err(StoreError::Other(format!(
                        "{} already holds rolo data: copy into an empty database (or a new file)",
                        target.path().display()
                    )));
                }
            }
            let raw: &mut dyn RawWrite = &mut *t.raw;
            for kind in Kind::ALL {
                let (mut n, mut failed) = (0, Gather::<()>::default());
                let scan = source.scan_records(kind, &mut |id, envelope| {
                    n += 1;
                    failed.take(raw.put_raw(RecordRef::new(kind, id), envelope.to_vec()).map(|()| None))
                });
                scan?;
                failed.finish()?;
                if n > 0 {
                    copied.records.insert(kind, n);
                }
                // Into its table now: the writer may hold a kind's records back.
                raw.write_made()?;
                // The search texts go into chunks of the target's size (a file's hold fewer ids
                // than PostgreSQL's), compressed however the source kept them, each chunk once
                // every text of it has been read.
                let (from, to) = (source.chunk_size(), raw.chunk_size());
                let mut pending = BTreeMap::new();
                source.dump_chunks(kind, &mut |chunk, packed| {
                    chunks::walk(chunk, from, packed, &mut |id, text| {
                        pending.insert(id, text.to_string());
                    })
                    .map_err(StoreError::Other)?;
                    let next = chunk.checked_add(1).and_then(|c| c.checked_mul(from));
                    let whole = next.map(|first| chunks::chunk_of(first, to));
                    copied.search_chunks += put_texts(raw, kind, &mut pending, whole)?;
                    Ok(())
                })?;
                copied.search_chunks += put_texts(raw, kind, &mut pending, None)?;
            }
            // Every index key starts with a tag byte below 0xff (see `keys`).
            let (mut batch, mut failed) = (Keys::default(), Gather::<()>::default());
            let scan = source.scan_index(&[], &keys::prefix_end(&[]), false, &mut |key| {
                batch.push(key);
                copied.index_keys += 1;
                batch.len() < KEYS_AT_ONCE || failed.take(raw.add_keys(&std::mem::take(&mut batch)).map(|()| None))
            });
            scan?;
            failed.finish()?;
            raw.add_keys(&batch)?;
            // An audit key is a record's kind code, or 0xff for a bulk load's run, and at most 17
            // bytes: all lie at or below [0xff; 32].
            let mut failed = Gather::<()>::default();
            let scan = source.scan_audit_range(&[], &[0xff; 32], &mut |key, entry| {
                copied.audit_entries += 1;
                failed.take(raw.put_audit(key, entry).map(|()| None))
            });
            scan?;
            failed.finish()?;
            source.dump_versions(&mut |r, version, by| {
                copied.versions += 1;
                raw.put_version(r, version, by)
            })?;
            source.dump_meta(&mut |key, value| raw.put_meta(key, value))?;
            source.dump_settings(&mut |key, value| {
                copied.settings += 1;
                raw.put_setting(key, Some(value))
            })?;
            for kind in Kind::ALL {
                let (there, sent) = (t.count(kind)?, copied.records.get(&kind).copied().unwrap_or(0));
                if there != sent || source.count(kind)? != sent {
                    return Err(StoreError::Other(format!(
                        "the copy of the {kind} records came out {there} of {sent}: nothing was copied"
                    )));
                }
            }
        }
        writer.commit()?;
        Ok(copied)
    }
}
