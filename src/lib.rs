//! rolo: a keyboard-driven CRM for the terminal.
//!
//! The binary, the tests and the benches all use this library. See ARCHITECTURE.md for the map.

pub mod cli;
pub mod crm;
pub mod demo;
pub mod export;
pub mod fuzz;
pub mod import;
pub mod model;
pub mod search;
pub mod store;
pub mod text;
pub mod tui;
