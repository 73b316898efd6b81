//! rolo under faults and hostile input: unwritable output, damaged files, killed processes,
//! control characters and formulas in every field. Each part keeps a fast, deterministic slice in
//! `cargo test`; the long runs are `#[ignore]`d and described in README.md.

#[path = "../common/mod.rs"]
mod common;

mod crash;
mod damaged;
mod fuzz;
mod inputs;
mod limits;
mod output;
mod outputs;

use std::path::Path;
use std::process::{Command, Stdio};

use rolo::crm::Crm;
use rolo::model::Kind;
use rolo::store::RawRead as _;

/// `rolo --db <db> ARGS` as user `tester`, away from the real home folder.
pub fn rolo(db: &Path, args: &[&str]) -> Command {
    let mut cmd = common::rolo_in(db, "C.UTF-8");
    cmd.args(args).stdin(Stdio::null());
    cmd
}

/// A database in a fresh folder with one record of every kind; the CRM is closed again.
pub fn populated() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, crm) = common::fresh();
    common::populate(&crm);
    let path = crm.path().to_path_buf();
    drop(crm);
    (dir, path)
}

/// Every stored byte that a write changes (records of every kind, the audit trail, the lead sources), so two
/// fingerprints differ exactly when something was written.
pub fn fingerprint(db: &Path) -> Vec<u8> {
    drop(Crm::open(db).expect("the database opens"));
    // The raw bytes, below the service: the store itself, as only tests reach it.
    let store = rolo::store::Store::open(db, rolo::crm::Workload::Brief).expect("the store opens");
    let r = store.read().expect("a snapshot");
    let mut all = Vec::new();
    for kind in Kind::ALL {
        r.scan_records(kind, &mut |id, bytes| {
            all.extend_from_slice(&id.to_be_bytes());
            all.extend_from_slice(bytes);
            true
        })
        .expect("records read");
    }
    r.scan_audit_range(&[], &[0xff; 32], &mut |_, bytes| {
        all.extend_from_slice(bytes);
        true
    })
    .expect("audit read");
    all.extend(r.setting_bytes("lead_sources").expect("settings read").unwrap_or_default());
    all
}
