//! Record versions: two people editing one record never lose a change unseen. The store stamps
//! every write of a record (an edit, an undo, an import's merge, a call that moves a contact's
//! last activity) with the record's next version and its writer's login, in the same
//! transaction; a front end keeps the version it read with the record and saves through
//! [`Crm::expecting`], which refuses the save ([`CrmError::Stale`]) when the record moved on.

use serde::{Deserialize, Serialize};

use super::{Crm, CrmError, Result, Tx};
use crate::model::{Id, RecordRef};
use crate::store::{Indexed, RawRead, Read};

/// How many times a record was written since it was created (0: never since). Front ends hold
/// it and give it back; only equality means anything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Version(pub u64);

impl Crm {
    /// A record with its version, both from one snapshot: what a form opening it keeps.
    pub fn get_versioned<R: Indexed>(&self, id: Id) -> Result<(R, Version)> {
        let r = self.reader()?;
        let rec = r.get(id)?.ok_or(CrmError::NotFound(RecordRef::new(R::KIND, id)))?;
        let version = Version(r.version(RecordRef::new(R::KIND, id))?.map_or(0, |(n, _)| n));
        Ok((r.shown_one(rec), version))
    }

    /// The version a record has now (0 for one the actor may not read, or that never was).
    pub fn version(&self, target: RecordRef) -> Result<Version> {
        Ok(Version(self.reader()?.version(target)?.map_or(0, |(n, _)| n)))
    }

    /// This handle, with its writes refused ([`CrmError::Stale`], nothing written) while
    /// `target` no longer has the version `seen`: a form saves through it the record it read at
    /// that version, whatever command the save runs (an edit, a stage's change, a conversion).
    pub fn expecting(&self, target: RecordRef, seen: Version) -> Crm {
        Crm { expect: Some((target, seen)), ..self.clone() }
    }
}

impl Tx<'_> {
    /// Refuses the transaction when `target` was written since version `seen`, naming who wrote
    /// it; a record gone since is not found.
    pub(super) fn expect(&self, target: RecordRef, seen: Version) -> Result<()> {
        let (now, login) = self.w.version(target)?.unwrap_or_default();
        let exists = self.w.exists(target)?;
        if exists && now == seen.0 {
            return Ok(());
        }
        let by = match login.as_str() {
            "" => "rolo".to_string(),
            login => self.directory()?.name_of(login).to_string(),
        };
        Err(match exists {
            true => CrmError::Stale { record: target, by },
            // A removal is a version too: its writer deleted it.
            false if now > seen.0 => CrmError::Deleted { record: target, by },
            false => CrmError::NotFound(target),
        })
    }
}
