//! The service's suites again, each test on a new database of a throwaway PostgreSQL server (see
//! `common::database`): one conformance suite for both backends. Where the PostgreSQL binaries
//! are missing the run says so loudly and the suites run on files again.

// Each suite declares `mod common` as it does as a test crate of its own, so `common` is compiled
// once per suite here: the price of running the same files unchanged.
#![allow(clippy::duplicate_mod)]

mod common;
#[path = "crm.rs"]
mod crm;
#[path = "filter.rs"]
mod filter;
#[path = "permissions.rs"]
mod permissions;
#[path = "service.rs"]
mod service;
#[path = "undo.rs"]
mod undo;
