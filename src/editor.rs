//! The user's text editor (`$VISUAL`, else `$EDITOR`, else `vi`), run on a file: for the app's
//! fields of several lines and for `rolo config edit`.

use std::io;
use std::path::Path;

/// The editor the user set, as written (it may carry arguments, `code -w`).
fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string())
}

/// Runs the editor on `path` and waits for it; `what` names what stays as it was when the editor
/// fails ("the field", "the file").
pub fn edit(path: &Path, what: &str) -> io::Result<()> {
    let editor = editor();
    // The setting may carry arguments: the shell splits it.
    let status =
        std::process::Command::new("sh").arg("-c").arg(format!("{editor} \"$1\"")).arg("sh").arg(path).status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(io::Error::other(format!("{editor} ended with {s}: {what} is as it was"))),
        Err(e) => Err(io::Error::other(format!("cannot run {editor} ({e}): set VISUAL or EDITOR"))),
    }
}
