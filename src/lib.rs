//! rolo: a keyboard-driven CRM for the terminal.
//!
//! The binary, the tests and the benches all use this library. See ARCHITECTURE.md for the map.

pub mod ahead;
pub mod cli;
pub mod config;
pub mod crm;
pub mod demo;
pub mod diagram;
pub mod editor;
pub mod export;
pub mod fuzz;
pub mod import;
pub mod mail;
pub mod model;
pub mod priority;
pub mod search;
pub mod serve;
// The store is the service's own: front ends read and write through `crm::Crm` only. It stays
// reachable from outside the crate for the tests and benches that look below the service (raw
// bytes, old formats), and is left out of the documentation.
#[doc(hidden)]
pub mod store;
pub mod text;
pub mod tui;
