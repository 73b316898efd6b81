//! The `rolo` side of the socket: a command on a database a server holds is sent to it, with the
//! bytes of the files it reads, and what comes back is printed and written here, so the files a
//! command line names are always this process's.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use super::wire::{self, HeaderError, Reply, Request, VERSION};
use super::{peer, socket_path};
use crate::cli::args::Cli;
use crate::cli::{fail, files, printed, stdio};
use crate::model::Currency;

/// What became of a command offered to the server of its database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forwarded {
    /// No server answers (none runs, or its socket was left by a crash): run it here.
    NotServing,
    /// The server ran it (or it was refused): the exit code.
    Ended(u8),
}

/// Sends the command line `args`, parsed as `cli`, to the server of the database `db` when one
/// answers on its socket, printing its output and writing its files on this thread's streams.
/// `rolo` with no command (the app) is told where the server serves it over SSH. `currency` is
/// what this machine's config file gives amounts entered without one (the server uses it).
pub fn forward(db: &Path, cli: &Cli, args: &[OsString], currency: Option<Currency>) -> Forwarded {
    let path = socket_path(db);
    if std::fs::symlink_metadata(&path).is_err() {
        return Forwarded::NotServing;
    }
    let stream = match UnixStream::connect(&path) {
        Ok(stream) => stream,
        Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound) => {
            return Forwarded::NotServing;
        }
        Err(e) => {
            return Forwarded::Ended(fail(&format!(
                "a rolo server holds {} but its socket {} cannot be reached: {e}: ask its admin to add you to the socket's group",
                db.display(),
                path.display()
            )));
        }
    };
    Forwarded::Ended(talk(db, cli, args, currency, &stream).unwrap_or_else(|message| fail(&message)))
}

/// One request and its reply; `Err` is the one line to say.
fn talk(
    db: &Path,
    cli: &Cli,
    args: &[OsString],
    currency: Option<Currency>,
    stream: &UnixStream,
) -> Result<u8, String> {
    let args = args
        .iter()
        .map(|a| a.to_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or("a word of the command line is not UTF-8, which the rolo server cannot take: rename the file")?;
    let hello = cli.command.is_none();
    let inputs = match &cli.command {
        Some(command) => files::gather(db, command).map_err(|e| e.to_string())?,
        None => HashMap::new(),
    };
    let names: Vec<PathBuf> = inputs.keys().cloned().collect();
    let request = Request { version: VERSION, hello, args, inputs: names.clone(), currency };
    let sent = send(stream, &request, &names, &inputs);
    let mut from = BufReader::new(stream);
    let lost = |e: io::Error| format!("the rolo server of {} stopped answering: {e}", db.display());
    let reply: Reply = match wire::read_header(&mut from) {
        Ok(reply) => reply,
        Err(HeaderError::Mismatch(theirs)) => {
            return Err(format!(
                "this rolo (v{VERSION}) cannot talk to the server (v{theirs}): use the same rolo binary"
            ));
        }
        // A request the server did not take whole says why it could not be sent.
        Err(HeaderError::Io(e)) => return Err(lost(sent.err().unwrap_or(e))),
    };
    let out = wire::read_frame(&mut from, u64::MAX).map_err(lost)?;
    let err = wire::read_frame(&mut from, u64::MAX).map_err(lost)?;
    if hello && reply.code == 0 {
        let how = match &reply.ssh {
            Some(ssh) => format!("open it with `{ssh}`"),
            None => "ask its admin for its SSH address".to_string(),
        };
        return Err(format!("a rolo server holds {} and serves the app over SSH: {how}", db.display()));
    }
    for (path, force) in &reply.outputs {
        let bytes = wire::read_frame(&mut from, u64::MAX).map_err(lost)?;
        files::write_local(path, &bytes, *force).map_err(|e| e.to_string())?;
    }
    if reply.saved {
        stdio::mark_saved();
    }
    let _ = stdio::Stdout.write_all(&out);
    stdio::raw_err(&err);
    Ok(if reply.code == 0 { printed() } else { reply.code })
}

/// Writes the request and the bytes of each input file, in order.
fn send(
    stream: &UnixStream,
    request: &Request,
    names: &[PathBuf],
    inputs: &HashMap<PathBuf, Vec<u8>>,
) -> io::Result<()> {
    let mut to = io::BufWriter::new(peer::Quiet(stream));
    wire::write_header(&mut to, request)?;
    for name in names {
        wire::write_frame(&mut to, inputs.get(name).map_or(&[][..], Vec::as_slice))?;
    }
    to.flush()
}
