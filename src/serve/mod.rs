//! `rolo serve`: one process owns the database and gives every rep the full app over SSH, as
//! themselves, and runs their commands (`ssh HOST rolo call log …`).
//!
//! `ssh` has the SSH side (keys, channels), `session` runs one rep's app or command on a thread
//! of its own, `terminal` is that app's terminal over the channel, `input` reads the client's
//! keys, `host_key` keeps the server's identity, `limits` the caps on sessions and failed logins.
//! Every session acts through its own [`Crm`] handle over the one open database, so permissions,
//! undo and the audit trail are per rep exactly as in the local app.

pub mod host_key;
pub mod input;
pub mod limits;
pub mod session;
#[cfg(unix)]
pub mod socket;
pub mod ssh;
pub mod terminal;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use russh::ChannelWriteHalf;
use russh::keys::{HashAlg, PrivateKey};
use russh::server::Msg;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tracing::{error, info};

use crate::crm::Crm;
use limits::{Gate, Seat, Seats};
use session::Client;
use terminal::{ChannelOut, In, Out};

/// How `rolo serve` runs: where it listens and what it allows.
#[derive(Clone, Debug)]
pub struct Options {
    /// The address to listen on (`0.0.0.0:2222`).
    pub listen: String,
    /// The server's private host key (ed25519, OpenSSH format); created there when missing.
    pub host_key: PathBuf,
    /// How many sessions (apps and commands) may run at once, over all users.
    pub max_sessions: usize,
    /// How many sessions one user may have at once.
    pub max_per_user: usize,
    /// How long an app session may go without a key before it ends.
    pub idle: Duration,
    /// The folder the import wizard may read over SSH (none: import is off over SSH).
    pub import_dir: Option<PathBuf>,
    /// The group that may use the local socket (none: the server user's own).
    pub socket_group: Option<String>,
}

/// What every connection of a running server shares.
pub struct Served {
    /// The server's own handle over the database (its users' handles derive from it).
    crm: Crm,
    options: Options,
    seats: Arc<Seats>,
    gate: Gate,
    stop: Arc<AtomicBool>,
    runtime: tokio::runtime::Handle,
}

impl Served {
    /// The handle `login` acts through now, or why they may not start anything: a user gone or
    /// disabled since they logged in, or a damaged database.
    fn handle_for(&self, login: &str) -> Result<Crm, String> {
        if let Some(why) = self.crm.failure() {
            return Err(format!("{why}; the server stays up to say so until it is restarted"));
        }
        self.crm.for_user(login).map_err(|e| e.to_string())
    }

    /// Tells the client `why` on its standard error and ends the channel with status 1.
    fn say_and_close(&self, write: ChannelWriteHalf<Msg>, why: &str) {
        let (tx, rx) = mpsc::channel(2);
        let line = format!("rolo: {}\r\n", crate::text::sanitize(why));
        let _ = tx.try_send(Out::Err(line.into_bytes()));
        let _ = tx.try_send(Out::End(1));
        self.runtime.spawn(session::write_out(write, rx));
    }

    /// Runs `job` on a thread of its own named `name`, its output (`queued` batches waiting at
    /// most) carried down `write` by a task.
    fn on_thread(
        &self,
        name: String,
        queued: usize,
        write: ChannelWriteHalf<Msg>,
        job: impl FnOnce(mpsc::Sender<Out>) + Send + 'static,
    ) {
        let (tx, rx) = mpsc::channel(queued);
        self.runtime.spawn(session::write_out(write, rx));
        if let Err(e) = std::thread::Builder::new().name(name).spawn(move || job(tx)) {
            error!(error = %e, "no thread for a session");
        }
    }

    /// Runs the app for the user `crm` acts for.
    fn start_app(
        self: &Arc<Self>,
        crm: Crm,
        client: Client,
        write: ChannelWriteHalf<Msg>,
        input: std::sync::mpsc::Receiver<In>,
        seat: Seat,
    ) {
        let served = self.clone();
        let login = crm.user().to_string();
        // One frame waits while another is on its way: a client that stops reading holds its
        // session, not the server's memory.
        self.on_thread(format!("app {login}"), 1, write, move |tx| {
            let _seat = seat;
            let began = Instant::now();
            info!(login, term = client.term, cols = client.size.0, rows = client.size.1, "app opened");
            let (stop, idle, import_dir) = (&served.stop, served.options.idle, &served.options.import_dir);
            match session::run_app(crm, &client, input, tx, stop, idle, import_dir) {
                session::Ended::Failed(why) => error!(login, why, "app failed"),
                how => info!(login, ?how, secs = began.elapsed().as_secs(), "app closed"),
            }
        });
    }

    /// Runs one rolo command line (`args`, its words; `None` when they could not be read) for
    /// the user `crm` acts for.
    #[allow(clippy::too_many_arguments)]
    fn start_command(
        &self,
        crm: Crm,
        command: String,
        args: Option<Vec<String>>,
        pty: bool,
        write: ChannelWriteHalf<Msg>,
        input: std::sync::mpsc::Receiver<In>,
        seat: Seat,
    ) {
        let login = crm.user().to_string();
        self.on_thread(format!("command {login}"), 4, write, move |tx| {
            let _seat = seat;
            let status = session::run_command(&crm, &command, args.as_deref(), pty, input, tx.clone());
            // The command's words only: its values (names, emails) stay out of the log.
            info!(
                login,
                command = crate::cli::command_name(args.as_deref().unwrap_or_default()),
                status,
                "command ran"
            );
            ChannelOut::new(tx).end(status);
        });
    }
}

/// A server started by [`start`]: where it listens, and how to stop it.
pub struct Running {
    /// The address it listens on (the port chosen, when 0 was asked for).
    pub addr: SocketAddr,
    /// The host key's fingerprint (`SHA256:…`), as clients will see it.
    pub fingerprint: String,
    served: Arc<Served>,
    accepting: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops the server: no new connection, every session told and ended (waiting up to `grace`
    /// for them to give their screens back).
    pub async fn stop(&self, grace: Duration) {
        self.accepting.abort();
        self.served.stop.store(true, Ordering::SeqCst);
        let until = Instant::now() + grace;
        while self.served.seats.in_use() > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many sessions run now.
    pub fn sessions(&self) -> usize {
        self.served.seats.in_use()
    }
}

/// Starts serving `crm`'s database as `options` say, on the current tokio runtime.
pub async fn start(crm: Crm, options: Options) -> anyhow::Result<Running> {
    // Bound first: a server that cannot listen leaves no host key behind.
    let listener = TcpListener::bind(&options.listen)
        .await
        .with_context(|| format!("cannot listen on {}: pick another address with --listen", options.listen))?;
    let key = host_key::load_or_create(&options.host_key)?;
    let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
    let addr = listener.local_addr()?;
    let served = Arc::new(Served {
        crm,
        seats: Arc::new(Seats::new(options.max_sessions, options.max_per_user)),
        options,
        gate: Gate::default(),
        stop: Arc::new(AtomicBool::new(false)),
        runtime: tokio::runtime::Handle::current(),
    });
    let config = Arc::new(config(key));
    let accepting = tokio::spawn(accept(listener, config, served.clone()));
    Ok(Running { addr, fingerprint, served, accepting })
}

/// The SSH settings: public keys only, a delay on every refusal, keepalives to find dead
/// clients.
fn config(key: PrivateKey) -> russh::server::Config {
    russh::server::Config {
        keys: vec![key],
        methods: russh::MethodSet::from(&[russh::MethodKind::PublicKey][..]),
        auth_rejection_time: Duration::from_millis(500),
        // The first "none" probe every client makes is not a failure worth a delay.
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 6,
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        nodelay: true,
        ..Default::default()
    }
}

/// Takes connections until the server stops, each on a task of its own; an address that failed
/// to log in too often is turned away for a while.
async fn accept(listener: TcpListener, config: Arc<russh::server::Config>, served: Arc<Served>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                error!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if !served.gate.allows(peer.ip()) {
            info!(%peer, "connection refused: too many failed logins from this address");
            continue;
        }
        info!(%peer, "connection");
        let handler = ssh::Connection::new(served.clone(), Some(peer));
        let config = config.clone();
        tokio::spawn(async move {
            match russh::server::run_stream(config, stream, handler).await {
                Ok(session) => {
                    if let Err(e) = session.await {
                        tracing::debug!(%peer, error = %e, "connection ended");
                    }
                }
                Err(e) => tracing::debug!(%peer, error = %e, "handshake failed"),
            }
        });
    }
}

/// Runs `rolo serve` until SIGTERM or Ctrl-C: prints where it listens and the host key's
/// fingerprint, logs to stderr, and closes the file cleanly at the end.
pub fn serve(crm: Crm, options: Options) -> anyhow::Result<()> {
    // A client gone mid-write (or a closed stdout) must be an error to handle, not a signal that
    // ends the server and every session with it.
    #[cfg(unix)]
    // SAFETY: setting one signal's disposition at start, before the server starts its threads.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,russh=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    log_panics();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let path = crm.path().to_path_buf();
        let host = whoami::hostname().unwrap_or_else(|_| "HOST".into());
        #[cfg(unix)]
        let local = Arc::new(crm.clone());
        let running = start(crm, options.clone()).await?;
        // The CLI on this machine runs its commands through the server, as the peer's user. A
        // database on a server takes every rolo directly, so several servers (nodes) may share it,
        // on one machine too: none holds a socket.
        #[cfg(unix)]
        let socket = match crate::store::is_address(&path) {
            true => None,
            false => {
                let at = socket::socket_path(&path);
                let socket = socket::listen(local, &at, options.socket_group.as_deref())
                    .with_context(|| format!("cannot serve the local socket {}", at.display()))?;
                socket.announce(running.addr.port(), &host);
                Some(socket)
            }
        };
        let path = path.display();
        crate::cli::stdio::line(format_args!(
            "rolo serve: {path} on {} (host key {} in {})",
            running.addr,
            running.fingerprint,
            options.host_key.display()
        ));
        crate::cli::stdio::line(format_args!("connect with: ssh -p {} LOGIN@{host}", running.addr.port()));
        stopped().await;
        info!(sessions = running.sessions(), "stopping");
        #[cfg(unix)]
        if let Some(socket) = socket {
            socket.stop();
        }
        running.stop(Duration::from_secs(5)).await;
        info!("stopped");
        anyhow::Ok(())
    })
}

/// Waits for SIGTERM, SIGINT or SIGHUP.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut hup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Sends panics to the log, with the session's thread (which names its user).
fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let thread = std::thread::current().name().unwrap_or("server").to_string();
        error!(thread, at, what = session::panic_text(info.payload()), "panic");
    }));
    crate::store::hush_caught_panics();
}
