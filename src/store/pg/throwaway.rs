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
    /// The TCP port it listens on with TLS, if started so.
    port: Option<u16>,
}

/// A certificate and its key (PEM), for a server that speaks TLS.
pub struct TlsFiles {
    /// The server's certificate (and any chain after it).
    pub certificate: String,
    /// Its private key.
    pub key: String,
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
        Throwaway::start_with(None)
    }

    /// Starts a server that also listens on a TCP port of 127.0.0.1, there with TLS only,
    /// presenting `tls`: for the tests of encrypted connections.
    pub fn start_tls(tls: &TlsFiles) -> Result<Throwaway, String> {
        Throwaway::start_with(Some(tls))
    }

    fn start_with(tls: Option<&TlsFiles>) -> Result<Throwaway, String> {
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
        let mut args = paths("postgres").to_vec();
        let port = match tls {
            Some(tls) => {
                let port = std::net::TcpListener::bind("127.0.0.1:0")
                    .and_then(|l| l.local_addr())
                    .map_err(|e| e.to_string())?;
                let (cert, key) = (dir.join("server.crt"), dir.join("server.key"));
                std::fs::write(&cert, &tls.certificate).map_err(|e| e.to_string())?;
                std::fs::write(&key, &tls.key).map_err(|e| e.to_string())?;
                // Over TCP only with TLS; on the socket as before.
                let hba = data.join("pg_hba.conf");
                std::fs::write(&hba, "local all all trust\nhostssl all all 127.0.0.1/32 trust\n")
                    .map_err(|e| e.to_string())?;
                std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                    .map_err(|e| e.to_string())?;
                if as_root {
                    for file in [&cert, &key, &hba] {
                        chown_to_postgres(file)?;
                    }
                }
                let option = |o: String| ["-c".into(), o.into()];
                args.extend(option("listen_addresses=127.0.0.1".into()));
                args.extend(option(format!("port={}", port.port())));
                args.extend(option("ssl=on".into()));
                args.extend(option(format!("ssl_cert_file={}", cert.display())));
                args.extend(option(format!("ssl_key_file={}", key.display())));
                Some(port.port())
            }
            None => None,
        };
        // The server runs under a shell that stops it, and removes the folder, once its input
        // (a pipe from this process) closes. Options after the three paths go to the server.
        let watch = r#"bin=$1 data=$2 dir=$3; shift 3
             "$bin" -D "$data" -k "$dir" -c listen_addresses= -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200 "$@" >"$dir/server.log" 2>&1 & pid=$!
             cat >/dev/null; kill -INT $pid; wait $pid; rm -rf "$dir""#;
        let mut child = shell(watch, &args, as_root).stdin(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
        let stdin = child.stdin.take().ok_or("no pipe to the server's shell")?;
        let server = Throwaway { dir, _watch: Mutex::new((child, stdin)), made: AtomicU64::new(0), port };
        server.wait_ready()?;
        Ok(server)
    }

    /// The address of database `name` on this server.
    pub fn address(&self, name: &str) -> String {
        // The socket's name carries the port.
        let port = self.port.map(|p| format!("&port={p}")).unwrap_or_default();
        format!("postgres://rolo@localhost/{name}?host={}{port}", self.dir.display())
    }

    /// The address of database `name` over TCP, with TLS, when the server was started so.
    pub fn tls_address(&self, name: &str) -> Option<String> {
        self.port.map(|port| format!("postgres://rolo@localhost:{port}/{name}?sslmode=require"))
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
                    let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                    let last: Vec<&str> = log.lines().rev().take(3).collect();
                    return Err(format!("the server did not start ({e}): {}", last.join(" / ")));
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
