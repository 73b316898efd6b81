//! One command line run from its words to its exit code, the same wherever it runs: the binary
//! in a terminal, a command a local client sends through the server's socket, an SSH exec. The
//! usage errors (exit 2), the failures (exit 1, one `error:` line and any detail lines), the
//! saved-but-unprinted note and `--json` are decided here once.

use std::ffi::OsString;
use std::path::Path;

use clap::Parser;

use super::args::{Cli, Command};
use super::files::Files;
use super::stdio::{self, Io};
use crate::crm::Crm;

/// How a command ended: its exit code, and whether it kept something (a commit, a backup, a
/// file written), which a caller that prints its output elsewhere needs to judge a failure to
/// print it (see [`printed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// 0 done, 1 failed, 2 a usage error.
    pub code: u8,
    /// Whether the command kept something.
    pub saved: bool,
}

/// Runs the command line `args` (its first word the program's name, as in `argv`) for `crm`'s
/// user with `io` as its streams and file policy. The caller decides the database and the user:
/// over SSH a `--db` naming another file is refused; for a local client (which found the server
/// through the file it names) it is left aside. `--as` acts as another user as it does locally
/// (admins only); `--wait` has nothing to wait for.
pub fn invoke(crm: &Crm, args: &[String], io: Io) -> Ended {
    let over_ssh = matches!(io.files, Files::Remote);
    stdio::within(io, || {
        let code = invoked(crm, args, over_ssh);
        Ended { code, saved: stdio::saved() }
    })
}

/// [`invoke`] on this thread's streams: the exit code.
fn invoked(crm: &Crm, args: &[String], over_ssh: bool) -> u8 {
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let Some(command) = cli.command else {
        return missing_command();
    };
    if over_ssh
        && let Some(db) = &cli.db
        && !same_database(db, crm.path())
    {
        return fail(&format!(
            "--db: this server serves {}, the only database here: leave --db out",
            crm.path().display()
        ));
    }
    match cli.as_user.as_deref().map(|login| crm.acting_as(login)).transpose() {
        Ok(acting) => execute(acting.as_ref().unwrap_or(crm), command, cli.json),
        Err(e) => fail(&e.to_string()),
    }
}

/// The command a command line names, by its words only (`contact add`, `backup`), none of its
/// values: what a server's log may say of it (names, emails and paths stay out).
pub fn command_name(args: &[String]) -> String {
    use clap::CommandFactory;
    let mut names = Vec::new();
    if let Ok(matches) = Cli::command().ignore_errors(true).try_get_matches_from(args) {
        let mut at = &matches;
        while let Some((name, sub)) = at.subcommand() {
            names.push(name.to_string());
            at = sub;
        }
    }
    if names.is_empty() { "(no command)".into() } else { names.join(" ") }
}

/// Whether the database a command line names is the one served (whose address, where it has
/// one, is kept without its password).
fn same_database(named: &Path, served: &Path) -> bool {
    match named.to_str().filter(|_| crate::crm::is_address(named)) {
        Some(address) => Path::new(&crate::crm::address_without_password(address)) == served,
        None => matches!((std::fs::canonicalize(named), std::fs::canonicalize(served)), (Ok(a), Ok(b)) if a == b),
    }
}

/// Reads the command line; help and version are printed (exit 0), a malformed line said on one
/// line (exit 2): both as `Err` with the exit code.
pub fn parse<I, T>(args: I) -> Result<Cli, u8>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Cli::try_parse_from(args).map_err(usage_error)
}

/// Runs one parsed command and gives its exit code, saying a failure on stderr.
pub fn execute(crm: &Crm, command: Command, json: bool) -> u8 {
    match super::run(crm, command, json) {
        Ok(()) => printed(),
        Err(e) => {
            let code = fail(&e.to_string());
            for line in super::details(&e) {
                stdio::err_line(format_args!("  {}", crate::text::sanitize(&line)));
            }
            code
        }
    }
}

/// The exit code of a command that did its work, once its output is known to have left (or
/// not): what was saved stays saved, so a confirmation that could not be printed is a note and
/// exit 0 (a retrying script would make a second record), while a listing that could not be
/// printed is a failure.
pub fn printed() -> u8 {
    match stdio::stdout_failure() {
        None => 0,
        Some(why) if stdio::saved() => {
            stdio::err_line(format_args!("note: saved, but the confirmation could not be printed: {why}"));
            0
        }
        Some(why) => fail(&format!("the output could not be written: {why}")),
    }
}

/// Says an operation error on one clean line; exit code 1.
pub fn fail(message: &str) -> u8 {
    stdio::err_line(format_args!("error: {}", crate::text::sanitize(message)));
    1
}

/// `rolo contact` alone, or no command where one is needed: said on one line, as for any usage
/// error.
fn missing_command() -> u8 {
    stdio::err_line(format_args!("error: a command is missing here (see the list with --help)"));
    2
}

/// Asked-for help and version go to stdout (exit 0); a malformed or incomplete command line
/// becomes one line naming the problem and where to read more (exit 2).
fn usage_error(e: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        if stdio::on_terminal() {
            // The process's own stdout: styled when it is a terminal, as clap decides.
            let _ = e.print();
            return 0;
        }
        use std::io::Write as _;
        let _ = write!(stdio::Stdout, "{}", e.render());
        return printed();
    }
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return missing_command();
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
    stdio::err_line(format_args!("error: {}{hint}", crate::text::sanitize(&message)));
    2
}
