//! What goes through the socket: a request (a JSON header, then the bytes of each input file) and
//! its reply (a JSON header, then stdout, stderr and the bytes of each output file), every part a
//! length-delimited frame. Both headers carry [`VERSION`], checked before anything else is read,
//! so two different rolo binaries say so instead of misreading each other.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The version of this protocol; a server and a client of different versions refuse each other.
pub const VERSION: u32 = 1;

/// The most a request's header may take: command lines are short.
pub const MAX_HEADER: u64 = 1 << 20;

/// The most a request's files may take together (an import of a million contacts fits).
pub const MAX_FILES: u64 = 1 << 30;

/// What a client asks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// [`VERSION`].
    pub version: u32,
    /// Nothing to run: the client wants to know how to reach the app (over SSH).
    pub hello: bool,
    /// The command line, its first word the program's name.
    pub args: Vec<String>,
    /// The input files whose bytes follow, in order, by the path the command line names them
    /// with (`-`: stdin).
    pub inputs: Vec<PathBuf>,
    /// The currency the client's config file gives amounts entered without one.
    #[serde(default)]
    pub currency: Option<crate::model::Currency>,
}

/// What the server answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// [`VERSION`].
    pub version: u32,
    /// The command's exit code.
    pub code: u8,
    /// Whether the command kept something (see `cli::Ended`).
    pub saved: bool,
    /// Where the app is served over SSH (`ssh -p 2222 you@host`), when the server knows.
    pub ssh: Option<String>,
    /// The output files whose bytes follow stdout and stderr, in order: the path as the command
    /// line names it, and whether it may replace a file.
    pub outputs: Vec<(PathBuf, bool)>,
}

/// Writes one frame: its length (8 bytes, big-endian), then its bytes.
pub fn write_frame(to: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    to.write_all(&(bytes.len() as u64).to_be_bytes())?;
    to.write_all(bytes)
}

/// Reads one frame of at most `limit` bytes.
pub fn read_frame(from: &mut impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut len = [0; 8];
    from.read_exact(&mut len)?;
    let len = u64::from_be_bytes(len);
    if len > limit {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("a part of {len} bytes is over {limit}")));
    }
    let mut bytes = Vec::new();
    from.take(len).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(bytes)
}

/// Writes a header as a JSON frame.
pub fn write_header<T: Serialize>(to: &mut impl Write, header: &T) -> io::Result<()> {
    write_frame(to, &serde_json::to_vec(header)?)
}

/// Reads a header, its version first: a header of another version is `Err(Mismatch)` with it.
pub fn read_header<T: for<'de> Deserialize<'de>>(from: &mut impl Read) -> Result<T, HeaderError> {
    let bytes = read_frame(from, MAX_HEADER)?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(io::Error::from)?;
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => Ok(serde_json::from_value(value).map_err(io::Error::from)?),
        other => Err(HeaderError::Mismatch(other.unwrap_or(0))),
    }
}

/// Why a header could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    /// The other side speaks another version of the protocol (0: none said).
    #[error("the other side speaks version {0} of the protocol, this rolo version {VERSION}")]
    Mismatch(u64),
    /// The connection failed, or the bytes were not a header.
    #[error(transparent)]
    Io(#[from] io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_of_another_version_is_told_apart_from_garbage() {
        let mut bytes = Vec::new();
        write_header(&mut bytes, &serde_json::json!({ "version": 2, "args": [] })).expect("write");
        assert!(matches!(read_header::<Request>(&mut bytes.as_slice()), Err(HeaderError::Mismatch(2))));
        let mut garbage = Vec::new();
        write_frame(&mut garbage, b"not json").expect("write");
        assert!(matches!(read_header::<Request>(&mut garbage.as_slice()), Err(HeaderError::Io(_))));
        let request = Request { version: VERSION, args: vec!["rolo".into()], ..Request::default() };
        let mut good = Vec::new();
        write_header(&mut good, &request).expect("write");
        assert_eq!(read_header::<Request>(&mut good.as_slice()).expect("read"), request);
    }

    #[test]
    fn a_frame_over_its_limit_is_refused_before_it_is_read() {
        let mut bytes = Vec::new();
        write_frame(&mut bytes, &[7; 100]).expect("write");
        assert_eq!(read_frame(&mut bytes.as_slice(), 100).expect("fits"), vec![7; 100]);
        let refused = read_frame(&mut bytes.as_slice(), 99).expect_err("too long");
        assert_eq!(refused.kind(), io::ErrorKind::InvalidData);
        let cut = read_frame(&mut &bytes[..50], 100).expect_err("cut short");
        assert_eq!(cut.kind(), io::ErrorKind::UnexpectedEof);
    }
}
