//! Standard input, output and error of one command, that never stop rolo. `println!` panics when
//! stdout cannot be written (a full disk, a closed file) and `eprintln!` does the same for
//! stderr, which turned a saved record into an "internal fault" and exit 1, and an unwritable
//! stderr into an abort. Here a failed write is remembered instead, so the caller can say what
//! happened to the data: a committed write still exits 0, a listing that could not be printed
//! exits 1 on one line.
//!
//! The streams are those of the command running on this thread ([`within`]): the process's own
//! for the binary, a client's for a command a server runs for it, so many commands can run at
//! once in one process, each printing to its own caller. Outside a command they are the
//! process's.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use super::files::Files;

/// Where one command reads and writes: its stdin, stdout and stderr, and what it may do with the
/// files its command line names.
pub struct Io {
    /// What `-` reads (`import contacts -`).
    pub stdin: Box<dyn Read + Send>,
    /// Where listings, confirmations and JSON go.
    pub stdout: Box<dyn Write + Send>,
    /// Where errors and notes go.
    pub stderr: Box<dyn Write + Send>,
    /// What the command may do with the files it names.
    pub files: Files,
    /// Whether these are the process's own streams, where a progress bar may draw.
    terminal: bool,
}

impl Io {
    /// Streams given by a caller (a server's connection, a test), with a file policy; no
    /// progress bar draws on them.
    pub fn new(
        stdin: Box<dyn Read + Send>,
        stdout: Box<dyn Write + Send>,
        stderr: Box<dyn Write + Send>,
        files: Files,
    ) -> Io {
        Io { stdin, stdout, stderr, files, terminal: false }
    }

    /// The process's own streams and its disk: the binary run in a terminal or a script.
    pub fn process() -> Io {
        let mut io =
            Io::new(Box::new(std::io::stdin()), Box::new(std::io::stdout()), Box::new(std::io::stderr()), Files::Local);
        io.terminal = true;
        io
    }
}

/// One command's streams while it runs, and what became of them.
struct Current {
    io: Io,
    /// The first stdout failure, in words.
    stdout_failed: Option<String>,
    /// Whether the command kept something: a commit, a backup, an exported file.
    saved: bool,
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// Runs `f` with `io` as this thread's streams (and file policy), then gives the previous ones
/// back, even when `f` panics.
pub fn within<T>(io: Io, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Current>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            let _ = CURRENT.try_with(|c| c.try_borrow_mut().map(|mut c| *c = previous));
        }
    }
    let current = Current { io, stdout_failed: None, saved: false };
    let _restore = Restore(CURRENT.with(|c| c.borrow_mut().replace(current)));
    f()
}

/// Calls `f` on this thread's command, if one runs and is not busy already (a panic message
/// written while a write is under way goes to the process's stderr instead).
fn with_current<T>(f: impl FnOnce(&mut Current) -> T) -> Option<T> {
    CURRENT.try_with(|c| c.try_borrow_mut().ok().and_then(|mut c| c.as_mut().map(f))).ok().flatten()
}

/// Notes that the command kept something, so a failed confirmation must not read as a failure.
pub fn mark_saved() {
    with_current(|c| c.saved = true);
}

/// Whether the command kept something (see [`mark_saved`]).
pub fn saved() -> bool {
    with_current(|c| c.saved).unwrap_or(false)
}

/// Whether this command's streams are the process's own, where a progress bar may draw.
pub fn on_terminal() -> bool {
    with_current(|c| c.io.terminal).unwrap_or(false)
}

/// This command's file policy (the process's disk outside a command).
pub(super) fn files() -> Files {
    with_current(|c| c.io.files.clone()).unwrap_or(Files::Local)
}

/// Everything on this command's stdin, for `-` as a file.
pub fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match with_current(|c| c.io.stdin.read_to_end(&mut bytes)) {
        Some(read) => read?,
        None => std::io::stdin().read_to_end(&mut bytes)?,
    };
    Ok(bytes)
}

/// Writes text for people on stdout, each of its lines made safe for a terminal
/// ([`crate::text::sanitize`]); a failure is remembered, never raised.
pub fn line(text: std::fmt::Arguments) {
    let text = text.to_string();
    let mut out = Stdout;
    for line in text.split('\n') {
        let _ = writeln!(out, "{}", crate::text::sanitize(line));
    }
}

/// Writes one line on stderr, made safe for a terminal and with long values cut
/// ([`crate::text::message`]); when stderr itself cannot be written there is no one left to tell.
pub fn err_line(text: std::fmt::Arguments) {
    let text = crate::text::message(&text.to_string());
    raw_err(format!("{text}\n").as_bytes());
}

/// Writes bytes on stderr as they are (what a server already made safe); failures are dropped.
pub fn raw_err(bytes: &[u8]) {
    let write = |err: &mut dyn Write| {
        let _ = err.write_all(bytes).and_then(|()| err.flush());
    };
    if with_current(|c| write(&mut c.io.stderr)).is_none() {
        write(&mut std::io::stderr().lock());
    }
}

/// Why stdout could not be written, when it could not.
pub fn stdout_failure() -> Option<String> {
    let _ = Stdout.flush();
    with_current(|c| c.stdout_failed.clone()).flatten()
}

/// Stdout as a writer for CSV and other bulk output: a failure is remembered and the rest of the
/// output dropped, so the command ends normally and the caller reports the failure once.
pub struct Stdout;

impl Stdout {
    /// Runs one operation on this command's stdout unless it failed already, remembering a
    /// failure.
    fn apply(op: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
        let mut op = Some(op);
        let done = with_current(|c| {
            if c.stdout_failed.is_none()
                && let Some(op) = op.take()
                && let Err(e) = op(&mut c.io.stdout)
            {
                c.stdout_failed = Some(e.to_string());
            }
        });
        if let (None, Some(op)) = (done, op) {
            // Outside a command: the process's stdout, failures dropped.
            let _ = op(&mut std::io::stdout().lock());
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Stdout::apply(|out| out.write_all(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Stdout::apply(|out| out.flush());
        Ok(())
    }
}

/// A cloneable in-memory stream: what a server captures of a command's stdout or stderr to send
/// back, and what tests read.
#[derive(Debug, Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far, taken out.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `Io` writing to `out` and `err`.
    fn captured(out: &Captured, err: &Captured) -> Io {
        Io::new(Box::new(std::io::empty()), Box::new(out.clone()), Box::new(err.clone()), Files::Remote)
    }

    #[test]
    fn a_command_inside_another_gives_the_streams_back_even_when_it_panics() {
        let (outer, inner, err) = (Captured::default(), Captured::default(), Captured::default());
        within(captured(&outer, &err), || {
            line(format_args!("before"));
            let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                within(captured(&inner, &err), || {
                    line(format_args!("inside"));
                    mark_saved();
                    panic!("a fault in a command");
                })
            }));
            assert!(panicked.is_err());
            assert!(!saved(), "the inner command's save is its own");
            line(format_args!("after"));
        });
        assert_eq!(String::from_utf8(outer.take()).expect("text"), "before\nafter\n");
        assert_eq!(String::from_utf8(inner.take()).expect("text"), "inside\n");
    }
}
