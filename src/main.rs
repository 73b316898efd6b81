//! The `rolo` binary: parse the command line, open the database, hand over to the CLI (or, with
//! no command, the full-screen app).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use rolo::cli::args::Cli;
use rolo::crm::Crm;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let path = match cli.db.clone().or_else(default_db) {
        Some(p) => p,
        None => return fail("no home folder to keep the database in: pass --db PATH or set ROLO_DB"),
    };
    let crm = match Crm::open(&path) {
        Ok(crm) => crm,
        Err(e) => return fail(&e.to_string()),
    };
    match cli.command {
        None => {
            eprintln!(
                "rolo {}: the full-screen app is on its way; meanwhile, the commands:\n",
                env!("CARGO_PKG_VERSION")
            );
            let _ = Cli::command().print_help();
            ExitCode::SUCCESS
        }
        Some(command) => match rolo::cli::run(&crm, command, cli.json) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e.to_string()),
        },
    }
}

/// The platform data folder's `rolo.redb` (`~/.local/share/rolo/rolo.redb` on Linux).
fn default_db() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rolo").map(|d| d.data_dir().join("rolo.redb"))
}

/// Reports an operation error on one line and exits 1.
fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}
