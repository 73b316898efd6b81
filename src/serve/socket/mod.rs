//! The local socket of a running server: beside the database (`rolo.redb.sock`), mode 0660 in a
//! group the admin picks, through which every `rolo` command on that machine runs while the
//! server holds the file. Each connection is one command: the kernel says which OS account sent
//! it, that account's rolo user runs it (`Directory::for_os_user`, as locally), through
//! `cli::invoke` with the client's files (`Files::Given`), and the client prints and writes what
//! comes back. One thread per connection, at most [`MAX_CONNECTIONS`] at once; a request's size
//! is bounded ([`wire::MAX_FILES`]).

mod client;
pub mod peer;
pub mod wire;

use std::collections::HashMap;
use std::io::{self, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub use client::{Forwarded, forward};
use wire::{HeaderError, Reply, Request, VERSION};

use crate::cli::files::{Files, Given};
use crate::cli::stdio::Captured;
use crate::cli::{Io, invoke};
use crate::crm::Crm;

/// How many commands may run through the socket at once; one more is told the server is busy.
pub const MAX_CONNECTIONS: usize = 64;

/// How long a connection may take to send its request, or to take its reply, before it is
/// dropped (a client that stops midway holds no thread for ever).
const PATIENCE: Duration = Duration::from_secs(60);

/// The socket of the database at `db`: beside it, its name and `.sock` (see
/// [`crate::store::companion`] for a database on a server).
pub fn socket_path(db: &Path) -> PathBuf {
    crate::store::companion(db, ".sock")
}

/// A socket being served; [`SocketServer::stop`] ends it.
pub struct SocketServer {
    path: PathBuf,
    shared: Arc<Shared>,
    accept: Option<std::thread::JoinHandle<()>>,
}

/// What the accepting thread and every connection share.
struct Shared {
    crm: Arc<Crm>,
    stop: AtomicBool,
    /// Connections being served.
    active: Mutex<usize>,
    /// Told when a connection ends.
    ended: Condvar,
    /// Where the app is served over SSH (port, host), said to a client asking for the app.
    ssh: Mutex<Option<(u16, String)>>,
}

/// Serves the commands of local clients on the socket at `path` (see [`socket_path`]) for the
/// database `crm` holds, until [`SocketServer::stop`]. The socket is made mode 0660, in `group`
/// when given (else the server user's own group). A socket file left by a server that crashed is
/// replaced; one another server answers on is an error, as is a file there that is no socket.
pub fn listen(crm: Arc<Crm>, path: &Path, group: Option<&str>) -> io::Result<SocketServer> {
    let gid = group.map(peer::group_id).transpose()?;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let taken = |what: &str| io::Error::new(io::ErrorKind::AddrInUse, format!("{}: {what}", path.display()));
        if !meta.file_type().is_socket() {
            return Err(taken("a file that is no socket is in the way: move it"));
        }
        if UnixStream::connect(path).is_ok() {
            return Err(taken("another rolo server answers there: stop it first"));
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    let made = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
        .and_then(|()| gid.map_or(Ok(()), |gid| std::os::unix::fs::chown(path, None, Some(gid))));
    if let Err(e) = made {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    let shared = Arc::new(Shared {
        crm,
        stop: AtomicBool::new(false),
        active: Mutex::new(0),
        ended: Condvar::new(),
        ssh: Mutex::new(None),
    });
    let accepting = shared.clone();
    let accept =
        std::thread::Builder::new().name("rolo-socket".into()).spawn(move || accept_all(&accepting, listener))?;
    tracing::info!(socket = %path.display(), "local socket listening");
    Ok(SocketServer { path: path.to_path_buf(), shared, accept: Some(accept) })
}

impl SocketServer {
    /// Says where the app is served over SSH, for a client that asks for the app while the
    /// server runs: it is told `ssh -p PORT LOGIN@HOST` with its own login.
    pub fn announce(&self, port: u16, host: &str) {
        *self.shared.ssh.lock().unwrap_or_else(|e| e.into_inner()) = Some((port, host.to_string()));
    }

    /// Stops taking commands, lets those under way end, and removes the socket file.
    pub fn stop(mut self) {
        self.shut();
    }

    fn shut(&mut self) {
        let Some(accept) = self.accept.take() else { return };
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees the stop (a socket file someone removed
        // cannot wake it: the thread is then left blocked rather than waited for).
        if UnixStream::connect(&self.path).is_ok() {
            let _ = accept.join();
        }
        let mut active = self.shared.active.lock().unwrap_or_else(|e| e.into_inner());
        while *active > 0 {
            active = self.shared.ended.wait(active).unwrap_or_else(|e| e.into_inner());
        }
        drop(active);
        let _ = std::fs::remove_file(&self.path);
        tracing::info!(socket = %self.path.display(), "local socket closed");
    }
}

impl Drop for SocketServer {
    fn drop(&mut self) {
        self.shut();
    }
}

/// Takes connections until the stop, each on a thread of its own while there is room.
fn accept_all(shared: &Arc<Shared>, listener: UnixListener) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(PATIENCE)).and_then(|()| stream.set_write_timeout(Some(PATIENCE)));
        {
            let mut active = shared.active.lock().unwrap_or_else(|e| e.into_inner());
            if *active >= MAX_CONNECTIONS {
                drop(active);
                let busy = format!("error: the rolo server is busy ({MAX_CONNECTIONS} commands running): try again\n");
                let _ = send_reply(
                    &stream,
                    &Reply { version: VERSION, code: 1, ..Reply::default() },
                    &[],
                    busy.as_bytes(),
                    &[],
                );
                continue;
            }
            *active += 1;
        }
        let serving = shared.clone();
        let spawned = std::thread::Builder::new().name("rolo-socket-command".into()).spawn(move || {
            serve(&serving, &stream);
            let mut active = serving.active.lock().unwrap_or_else(|e| e.into_inner());
            *active -= 1;
            serving.ended.notify_all();
        });
        if spawned.is_err() {
            let mut active = shared.active.lock().unwrap_or_else(|e| e.into_inner());
            *active -= 1;
        }
    }
}

/// Serves one connection: who sent it, what it asks, the command run, the reply.
fn serve(shared: &Shared, stream: &UnixStream) {
    let mut from = BufReader::new(stream);
    let refuse = |message: String| {
        let reply = Reply { version: VERSION, code: 1, ..Reply::default() };
        send_reply(stream, &reply, &[], format!("error: {}\n", crate::text::sanitize(&message)).as_bytes(), &[])
    };
    let request: Request = match wire::read_header(&mut from) {
        Ok(request) => request,
        Err(HeaderError::Mismatch(theirs)) => {
            let _ = refuse(format!(
                "this rolo server (v{VERSION}) cannot talk to your rolo (v{theirs}): use the same rolo binary"
            ));
            return;
        }
        Err(HeaderError::Io(e)) => {
            tracing::debug!(error = %e, "local connection ended before its request");
            return;
        }
    };
    // Read before the peer is judged, so a refused client reads the refusal, not a broken pipe.
    let inputs = match read_inputs(&mut from, &request.inputs) {
        Ok(inputs) => inputs,
        Err(e) => {
            let _ = refuse(format!("the command's files could not be read from the client: {e}"));
            return;
        }
    };
    let handle = match who(shared, stream) {
        // Amounts entered without a currency get the one the client's config file gives.
        Ok(handle) if request.currency.is_some() => {
            handle.with_session(handle.session().clone().with_currency(request.currency))
        }
        Ok(handle) => handle,
        Err(message) => {
            tracing::info!(%message, "local command refused");
            let _ = refuse(message);
            return;
        }
    };
    if request.hello {
        let at = shared.ssh.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let ssh = at.map(|(port, host)| format!("ssh -p {port} {}@{host}", handle.user()));
        let _ = send_reply(stream, &Reply { version: VERSION, ssh, ..Reply::default() }, &[], &[], &[]);
        return;
    }
    let (out, err) = (Captured::default(), Captured::default());
    let stdin = inputs.get(Path::new("-")).cloned().unwrap_or_default();
    let given = Given::new(inputs);
    let io = Io::new(
        Box::new(io::Cursor::new(stdin)),
        Box::new(out.clone()),
        Box::new(err.clone()),
        Files::Given(given.clone()),
    );
    // The command's noun and verb only: its values (names, emails) stay out of the log.
    let command = crate::cli::command_name(&request.args);
    tracing::info!(user = %handle.user(), %command, "local command");
    let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| invoke(&handle, &request.args, io)));
    let (code, saved) = ended.map_or((1, false), |e| (e.code, e.saved));
    let outputs = given.take_outputs();
    let reply = Reply {
        version: VERSION,
        code,
        saved,
        ssh: None,
        outputs: outputs.iter().map(|o| (o.path.clone(), o.force)).collect(),
    };
    let files: Vec<&[u8]> = outputs.iter().map(|o| o.bytes.as_slice()).collect();
    if let Err(e) = send_reply(stream, &reply, &out.take(), &err.take(), &files) {
        tracing::info!(error = %e, "a local client left before its reply");
    }
}

/// The handle of the rolo user whose OS account sent the command on `stream`, or why there is
/// none (one line).
fn who(shared: &Shared, stream: &UnixStream) -> Result<Crm, String> {
    let uid = peer::peer_uid(stream).map_err(|e| format!("the server cannot tell who connected: {e}"))?;
    let name = peer::user_name(uid).map_err(|e| format!("the server cannot name the connecting account: {e}"))?;
    let session = shared.crm.local_session(&name).map_err(|e| e.to_string())?;
    let handle = shared.crm.with_session(session);
    handle.actor().map_err(|e| format!("the rolo server acts for OS user {name}: {e}"))?;
    Ok(handle)
}

/// The bytes of each input file the request names, at most [`wire::MAX_FILES`] in all.
fn read_inputs(from: &mut impl Read, names: &[PathBuf]) -> io::Result<HashMap<PathBuf, Vec<u8>>> {
    let mut left = wire::MAX_FILES;
    let mut inputs = HashMap::new();
    for name in names {
        let bytes = wire::read_frame(from, left)?;
        left -= bytes.len() as u64;
        inputs.insert(name.clone(), bytes);
    }
    Ok(inputs)
}

/// Writes a reply: its header, stdout, stderr, then each output file.
fn send_reply(stream: &UnixStream, reply: &Reply, out: &[u8], err: &[u8], files: &[&[u8]]) -> io::Result<()> {
    let mut to = io::BufWriter::new(peer::Quiet(stream));
    wire::write_header(&mut to, reply)?;
    for part in [out, err].into_iter().chain(files.iter().copied()) {
        wire::write_frame(&mut to, part)?;
    }
    to.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_log_names_a_command_by_its_words_only() {
        let args = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let add =
            args(&["rolo", "--db", "/x/rolo.redb", "--json", "contact", "add", "--first", "Ann", "--email", "a@b.c"]);
        assert_eq!(crate::cli::command_name(&add), "contact add");
        assert_eq!(crate::cli::command_name(&args(&["rolo", "backup", "/home/ann/x.redb"])), "backup");
        assert_eq!(crate::cli::command_name(&args(&["rolo", "task", "add", "--title", "call Ann"])), "task add");
        assert_eq!(crate::cli::command_name(&args(&["rolo", "frob", "Ann"])), "(no command)");
    }
}
