//! The `rolo` binary: parse the command line, open the database, hand over to the CLI (or, with
//! no command, the full-screen app). Every failure ends as one `error:` line on stderr.

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rolo::cli::args::{Cli, Command};
use rolo::cli::{fail, stdio};
use rolo::crm::{Crm, Workload};

/// mimalloc rather than the system allocator: a bulk load allocates and frees tens of millions
/// of small values (index keys, cells), which it serves faster and with less fragmentation.
/// Built without transparent huge pages (Cargo.toml): with them a 1M-contact import's peak was
/// some 40 MB higher, at no measured gain in speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let args: Vec<OsString> = std::env::args_os().collect();
    let code = stdio::within(rolo::cli::Io::process(), || {
        let cli = match rolo::cli::parse(&args) {
            Ok(cli) => cli,
            Err(code) => return code,
        };
        // A fault deep in a dependency (a damaged file can do it) still ends as one line and exit 1.
        std::panic::catch_unwind(|| run(cli, &args)).unwrap_or(1)
    });
    ExitCode::from(code)
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

/// Runs the command line `args`, read as `cli`: through the server of its database when one
/// runs, else here.
fn run(mut cli: Cli, args: &[OsString]) -> u8 {
    if let Some(command) = cli.command.take() {
        match rolo::cli::without_database(command, cli.db.clone(), cli.json) {
            Ok(code) => return code,
            Err(command) => cli.command = Some(*command),
        }
    }
    // Every other command reads the config file, and stops at a problem in it.
    let config = match rolo::cli::config::load() {
        Ok(config) => config,
        Err(e) => return fail(&e.to_string()),
    };
    // `--theme` is for the app, which opens without a command.
    if cli.command.is_none()
        && let Err(e) =
            rolo::tui::prefs::check_names(&rolo::model::Prefs { theme: cli.theme.clone(), ..Default::default() })
    {
        return fail(&e.to_string());
    }
    let path = match cli.db.clone().or_else(|| rolo::cli::config::default_db(&config)) {
        Some(p) => p,
        None => return fail("no home folder to keep the database in: pass --db PATH or set ROLO_DB"),
    };
    // Every command but `serve` itself goes through the server of its database when one runs.
    #[cfg(unix)]
    if !matches!(cli.command, Some(Command::Serve(_)))
        && let rolo::serve::socket::Forwarded::Ended(code) =
            rolo::serve::socket::forward(&path, &cli, args, rolo::cli::config::currency(&config))
    {
        return code;
    }
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
    // The config file's currency for amounts entered here without one.
    let crm = match rolo::cli::config::currency(&config) {
        Some(currency) => crm.with_session(crm.session().clone().with_currency(Some(currency))),
        None => crm,
    };
    match cli.command {
        Some(Command::Serve(args)) => serve(crm, args, &path),
        // Someone who is not a user of the file is told so before the screen is taken.
        None if crm.actor().is_err() => fail(&crm.actor().err().map(|e| e.to_string()).unwrap_or_default()),
        None => match rolo::tui::run_local(crm, local(&cli, &config)) {
            Ok(()) => 0,
            Err(e) => fail(&format!("the terminal failed: {e}")),
        },
        Some(command) => rolo::cli::execute(&crm, command, cli.json),
    }
}

/// Runs `rolo serve` until it is stopped.
fn serve(crm: Crm, args: rolo::cli::args::ServeArgs, path: &std::path::Path) -> u8 {
    let options = rolo::serve::Options {
        listen: args.listen,
        host_key: args.host_key.unwrap_or_else(|| rolo::serve::host_key::default_path(path)),
        max_sessions: args.max_sessions as usize,
        max_per_user: args.max_per_user as usize,
        idle: args.idle_timeout,
        import_dir: args.import_dir,
        socket_group: args.socket_group,
    };
    match rolo::serve::serve(crm, options) {
        Ok(()) => 0,
        Err(e) => fail(&format!("{e:#}")),
    }
}

/// What this machine adds to the user's preferences in the app: the config file's, and
/// `--theme` over them.
fn local(cli: &Cli, config: &rolo::config::Config) -> rolo::tui::Local {
    let prefs = rolo::model::Prefs { theme: cli.theme.clone().or(config.theme.clone()), ..config.prefs() };
    rolo::tui::Local { prefs, mouse: config.mouse.unwrap_or(true) }
}

/// Lets `rolo ... | head` end quietly, like other Unix tools, instead of failing on a closed pipe.
fn quiet_broken_pipes() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
