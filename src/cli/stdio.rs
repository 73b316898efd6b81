//! Standard output and error that never stop rolo. `println!` panics when stdout cannot be
//! written (a full disk, a closed file) and `eprintln!` does the same for stderr, which turned a
//! saved record into an "internal fault" and exit 1, and an unwritable stderr into an abort. Here
//! a failed write is remembered instead, so the binary can say what happened to the data: a
//! committed write still exits 0, a listing that could not be printed exits 1 on one line.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The first stdout failure of this process, in words.
static STDOUT_FAILED: Mutex<Option<String>> = Mutex::new(None);

/// Whether this command kept something: a commit, a backup, an exported file.
static SAVED: AtomicBool = AtomicBool::new(false);

/// Notes that the command kept something, so a failed confirmation must not read as a failure.
pub fn mark_saved() {
    SAVED.store(true, Ordering::Relaxed);
}

/// Whether the command kept something (see [`mark_saved`]).
pub fn saved() -> bool {
    SAVED.load(Ordering::Relaxed)
}

fn remember(e: &std::io::Error) {
    let mut failed = STDOUT_FAILED.lock().unwrap_or_else(|e| e.into_inner());
    failed.get_or_insert_with(|| e.to_string());
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
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}").and_then(|()| err.flush());
}

/// Why stdout could not be written, when it could not.
pub fn stdout_failure() -> Option<String> {
    let mut out = Stdout;
    let _ = out.flush();
    STDOUT_FAILED.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Stdout as a writer for CSV and other bulk output: a failure is remembered and the rest of the
/// output dropped, so the command ends normally and the binary reports the failure once.
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if STDOUT_FAILED.lock().unwrap_or_else(|e| e.into_inner()).is_none()
            && let Err(e) = std::io::stdout().lock().write_all(buf)
        {
            remember(&e);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Err(e) = std::io::stdout().lock().flush() {
            remember(&e);
        }
        Ok(())
    }
}
