//! The `rolo` binary: parse the command line, open the database, hand over to the CLI (or, with
//! no command, the full-screen app). Every failure ends as one `error:` line on stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use rolo::cli::args::{Cli, Command};
use rolo::cli::stdio;
use rolo::crm::{Crm, Workload};

fn main() -> ExitCode {
    quiet_broken_pipes();
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let what = rolo::text::sanitize(&what);
        stdio::err_line(format_args!("error: rolo stopped on an internal fault{at}: {what}; please report it"));
    }));
    // A damaged file's storage panic is caught and said as a damaged file, not as a fault.
    rolo::store::hush_caught_panics();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    // A fault deep in a dependency (a damaged file can do it) still ends as one line and exit 1.
    std::panic::catch_unwind(|| run(cli)).unwrap_or(ExitCode::from(1))
}

/// Opens the database, waiting up to `wait` for another rolo process that holds it (as SQLite's
/// busy timeout does), trying again every 50 ms.
fn open_waiting(path: &std::path::Path, workload: Workload, wait: Duration) -> Result<Crm, rolo::crm::CrmError> {
    let until = Instant::now() + wait;
    loop {
        match Crm::open_for(path, workload) {
            Err(rolo::crm::CrmError::Store(rolo::crm::StoreError::Busy(_))) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())));
            }
            opened => return opened,
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    let path = match cli.db.clone().or_else(default_db) {
        Some(p) => p,
        None => return fail("no home folder to keep the database in: pass --db PATH or set ROLO_DB"),
    };
    let workload = cli.command.as_ref().map_or(Workload::Session, Command::workload);
    let crm = match open_waiting(&path, workload, cli.wait) {
        Ok(crm) => crm,
        Err(e) => return fail(&e.to_string()),
    };
    // `--as`: an admin acts as another user, in the app as on the command line.
    let crm = match cli.as_user.as_deref().map(|login| crm.acting_as(login)).transpose() {
        Ok(acting) => acting.unwrap_or(crm),
        Err(e) => return fail(&e.to_string()),
    };
    match cli.command {
        Some(Command::Serve(args)) => serve(crm, args, &path),
        // Someone who is not a user of the file is told so before the screen is taken.
        None if crm.actor().is_err() => fail(&crm.actor().err().map(|e| e.to_string()).unwrap_or_default()),
        None => match rolo::tui::run_local(crm) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("the terminal failed: {e}")),
        },
        Some(command) => match rolo::cli::run(&crm, command, cli.json) {
            Ok(()) => printed(),
            Err(e) => {
                let code = fail(&e.to_string());
                for line in rolo::cli::details(&e) {
                    stdio::err_line(format_args!("  {}", rolo::text::sanitize(&line)));
                }
                code
            }
        },
    }
}

/// Runs `rolo serve` until it is stopped.
fn serve(crm: Crm, args: rolo::cli::args::ServeArgs, path: &std::path::Path) -> ExitCode {
    let options = rolo::serve::Options {
        listen: args.listen,
        host_key: args.host_key.unwrap_or_else(|| rolo::serve::host_key::default_path(path)),
        max_sessions: args.max_sessions as usize,
        max_per_user: args.max_per_user as usize,
        idle: args.idle_timeout,
        import_dir: args.import_dir,
    };
    match rolo::serve::serve(crm, options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("{e:#}")),
    }
}

/// The exit code of a command that did its work, once its output is known to have left (or
/// not): what was saved stays saved, so a confirmation that could not be printed is a note and
/// exit 0 (a retrying script would make a second record), while a listing that could not be
/// printed is a failure.
fn printed() -> ExitCode {
    match stdio::stdout_failure() {
        None => ExitCode::SUCCESS,
        Some(why) if stdio::saved() => {
            stdio::err_line(format_args!("note: saved, but the confirmation could not be printed: {why}"));
            ExitCode::SUCCESS
        }
        Some(why) => fail(&format!("the output could not be written: {why}")),
    }
}

/// The platform data folder's `rolo.redb` (`~/.local/share/rolo/rolo.redb` on Linux).
fn default_db() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rolo").map(|d| d.data_dir().join("rolo.redb"))
}

/// Reports an operation error on one clean line and exits 1.
fn fail(message: &str) -> ExitCode {
    stdio::err_line(format_args!("error: {}", rolo::text::sanitize(message)));
    ExitCode::from(1)
}

/// Asked-for help and version go to stdout (exit 0); a malformed or incomplete command line
/// becomes one line naming the problem and where to read more (exit 2).
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // `rolo contact` alone: say what is missing on one line, as for any usage error.
        stdio::err_line(format_args!("error: a command is missing here (see the list with --help)"));
        return ExitCode::from(2);
    }
    let rendered = e.render().to_string();
    let mut parts: Vec<&str> = Vec::new();
    let mut usage = None;
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("For more information")) {
        if let Some(u) = line.strip_prefix("Usage: ") {
            usage = u.split(" [OPTIONS]").next().and_then(|u| u.split(" --").next()).map(str::to_string);
            break;
        }
        parts.push(line.trim_end_matches(':'));
    }
    let message = parts.join(": ").replacen("error: ", "", 1);
    let hint = match usage {
        Some(u) => format!(" (see '{} --help')", u.split(" <").next().unwrap_or(&u)),
        None => " (see 'rolo --help')".to_string(),
    };
    stdio::err_line(format_args!("error: {}{hint}", rolo::text::sanitize(&message)));
    ExitCode::from(2)
}

/// Lets `rolo ... | head` end quietly, like other Unix tools, instead of failing on a closed pipe.
fn quiet_broken_pipes() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
