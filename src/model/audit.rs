//! The audit trail: who created, changed or deleted what, and when. Every timeline is read from it.

use serde::{Deserialize, Serialize};

use super::{RecordRef, Timestamp};

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// It was made.
    Created,
    /// Some fields changed.
    Updated,
    /// It was removed.
    Deleted,
}

/// One field's value before and after a change, as display text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The field's name.
    pub field: String,
    /// The value before (empty when there was none).
    pub old: String,
    /// The value after (empty when there is none).
    pub new: String,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The record concerned.
    pub target: RecordRef,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub user: String,
    /// What kind of change.
    pub action: AuditAction,
    /// The fields that changed (updates only).
    pub changes: Vec<Change>,
    /// A sentence for the timeline when the change has a name ("moved to Negotiation/Review").
    pub summary: Option<String>,
}

/// One audit entry for a run of records created together by a bulk load (demo data, an import):
/// one entry per kind and transaction instead of one per record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkCreation {
    /// The kind of the records.
    pub kind: super::Kind,
    /// The first id of the run.
    pub first: super::Id,
    /// The last id of the run.
    pub last: super::Id,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub user: String,
    /// What made them ("rolo demo", "import contacts.csv").
    pub summary: String,
}
