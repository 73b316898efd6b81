//! A PostgreSQL server of rolo's own for tests and benchmarks: made from the machine's PostgreSQL
//! binaries in a temporary folder, listening on a Unix socket only, gone when the process that
//! started it ends (a shell watching a pipe from this process stops the server and removes the
//! folder once the pipe closes, however the process ends). `initdb` refuses to run as root, so as
//! root the server runs as the `postgres` user the distribution's package makes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A running throwaway server.
pub struct Throwaway {
    /// The folder of its data and its socket.
    dir: PathBuf,
    /// The watching shell; the server stops when its input closes.
    _watch: Mutex<(Child, ChildStdin)>,
    /// Databases made so far, for their names.
    made: AtomicU64,
}

impl Throwaway {
    /// The server shared by this process, started on first use; `None` (said once, loudly, on
    /// stderr) where the PostgreSQL binaries are missing.
    pub fn shared() -> Option<&'static Throwaway> {
        static SHARED: OnceLock<Option<Throwaway>> = OnceLock::new();
        SHARED
            .get_or_init(|| match Throwaway::start() {
                Ok(server) => Some(server),
                Err(why) => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "\n*** PostgreSQL tests SKIPPED: {why} (install the distribution's `postgresql` package) ***\n"
                    );
                    None
                }
            })
            .as_ref()
    }

    /// Starts a server in a new temporary folder.
    pub fn start() -> Result<Throwaway, String> {
        let bin = binaries().ok_or("no PostgreSQL binaries (initdb, postgres) were found")?;
        let dir = tempfile::Builder::new().prefix("rolo-pg-").tempdir().map_err(|e| e.to_string())?.keep();
        let as_root = is_root();
        if as_root {
            chown_to_postgres(&dir)?;
        }
        let data = dir.join("data");
        let paths = |program: &str| [bin.join(program), data.clone(), dir.clone()];
        let initdb = r#""$1" -D "$2" -U rolo --auth=trust -E UTF8 --no-sync >"$3/initdb.log" 2>&1"#;
        run_as(initdb, &paths("initdb"), as_root)
            .map_err(|e| format!("initdb failed ({e}); see {}/initdb.log", dir.display()))?;
        // The server runs under a shell that stops it, and removes the folder, once its input
        // (a pipe from this process) closes.
        let watch = r#""$1" -D "$2" -k "$3" -c listen_addresses= -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200 >"$3/server.log" 2>&1 & pid=$!
             cat >/dev/null; kill -INT $pid; wait $pid; rm -rf "$3""#;
        let mut child =
            shell(watch, &paths("postgres"), as_root).stdin(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
        let stdin = child.stdin.take().ok_or("no pipe to the server's shell")?;
        let server = Throwaway { dir, _watch: Mutex::new((child, stdin)), made: AtomicU64::new(0) };
        server.wait_ready()?;
        Ok(server)
    }

    /// The address of database `name` on this server.
    pub fn address(&self, name: &str) -> String {
        format!("postgres://rolo@localhost/{name}?host={}", self.dir.display())
    }

    /// Makes a new, empty database and returns its address: a schema of its own in the
    /// server's `postgres` database (a few milliseconds, where a database takes a tenth of a
    /// second), which rolo's tables then go into.
    pub fn new_database(&self) -> Result<String, String> {
        let name = format!("t{}", self.made.fetch_add(1, Ordering::SeqCst));
        super::off_runtime(|| {
            let mut admin = postgres::Client::connect(&self.address("postgres"), postgres::NoTls)?;
            admin.batch_execute(&format!("CREATE SCHEMA {name}"))
        })
        .map_err(|e| e.to_string())?;
        Ok(format!("{}&options=-csearch_path%3D{name}", self.address("postgres")))
    }

    fn wait_ready(&self) -> Result<(), String> {
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            match super::off_runtime(|| postgres::Client::connect(&self.address("postgres"), postgres::NoTls).map(drop))
            {
                Ok(_) => return Ok(()),
                Err(e) if Instant::now() > until => {
                    return Err(format!("the server did not start ({e}); see {}/server.log", self.dir.display()));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

/// The folder holding `initdb` and `postgres`: on the PATH, else the newest under
/// /usr/lib/postgresql (Debian and Ubuntu keep them there).
fn binaries() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| d.join("initdb").is_file() && d.join("postgres").is_file());
    on_path.or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|d| d.join("initdb").is_file())
            .collect();
        versions.sort_by_key(|d| d.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()));
        versions.pop()
    })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn chown_to_postgres(dir: &Path) -> Result<(), String> {
    let ok = Command::new("chown").arg("postgres").arg(dir).status().is_ok_and(|s| s.success());
    if ok { Ok(()) } else { Err("running as root, and there is no `postgres` user to run the server as".into()) }
}

/// `sh -c script` with `args` as its `$1`, `$2`..., as the `postgres` user when running as root.
fn shell(script: &str, args: &[PathBuf], as_root: bool) -> Command {
    let mut cmd = if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh", "-c", script, "sh"]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", script, "sh"]);
        c
    };
    cmd.args(args).current_dir("/");
    cmd
}

fn run_as(script: &str, args: &[PathBuf], as_root: bool) -> Result<(), String> {
    let status = shell(script, args, as_root).status().map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err(status.to_string()) }
}
