//! Files written before every text was cleaned on its way in may hold control characters in
//! their records. The first open of such a file cleans them, once ([`crate::model::texts::scrub`]),
//! and notes it in `meta` as `texts_clean`, so that later opens cost one lookup.

use super::backend::WriteTxn;
use super::write::FileWriter;
use super::{Indexed, RawRead, Result, WriteTables, codec};
use crate::model::{Kind, RecordRef};

/// The meta key saying the records' texts are clean.
pub(super) const CLEAN: &str = "texts_clean";

impl FileWriter {
    /// Cleans the texts of every record, unless the file says it was done.
    pub(super) fn clean_texts(&self) -> Result<()> {
        let mut t = self.tables()?;
        if t.meta(CLEAN)? == Some(1) {
            return Ok(());
        }
        for kind in Kind::ALL {
            crate::model::with_record_type!(kind, R => clean_kind::<R>(&mut t)?);
        }
        t.set_meta(CLEAN, 1)?;
        t.flush()
    }
}

/// Rewrites the records of one kind that hold control characters. A record that does not decode
/// is left as it is, for `rolo check` to name.
fn clean_kind<R: Indexed>(t: &mut WriteTables<'_>) -> Result<()> {
    let mut dirty = Vec::new();
    t.scan_records(R::KIND, &mut |id, bytes| {
        if let Ok(mut rec) = codec::decode_record::<R>(RecordRef::new(R::KIND, id), bytes)
            && let Ok(true) = crate::model::texts::scrub(&mut rec)
        {
            dirty.push(rec);
        }
        true
    })?;
    for rec in dirty {
        t.update(&rec)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::{Account, Kind};
    use crate::store::{RawRead, Read, Store, Workload};

    #[test]
    fn an_older_file_has_its_texts_cleaned_once_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.redb");
        {
            // Written as an older rolo would have: straight into the table, the file not yet
            // marked clean.
            let store = Store::open(&path, Workload::Brief).unwrap();
            let w = store.write().unwrap();
            let mut t = w.tables().unwrap();
            let mut rec = Account { name: "Evil\u{1b}]52;c;Zm9v\u{7}Corp".into(), ..Default::default() };
            t.insert(&mut rec).unwrap();
            t.set_meta(super::CLEAN, 0).unwrap();
            t.flush().unwrap();
            drop(t);
            w.commit().unwrap();
        }
        let store = Store::open(&path, Workload::Brief).unwrap();
        let r = store.read().unwrap();
        let all = r.all::<Account>(|_| true).unwrap();
        assert_eq!(all[0].name, "Evil]52;c;Zm9vCorp");
        assert_eq!(r.count(Kind::Account).unwrap(), 1);
        assert_eq!(r.meta(super::CLEAN).unwrap(), Some(1));
    }
}
