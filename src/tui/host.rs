//! What the machine showing the app does for it: a text edited in an editor, a text put on the
//! user's clipboard. The app never writes to a terminal itself; the loop asks its [`Host`], the
//! local terminal here, an SSH session's channel when served.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use ratatui::crossterm::event;

/// What the app asks of the terminal it is shown on, outside drawing.
pub trait Host {
    /// The text edited by the user in an editor (`$EDITOR` on a local terminal).
    fn edit(&mut self, text: &str) -> io::Result<String>;
    /// Puts `text` on the user's clipboard: [`osc52`] written to their terminal.
    fn copy(&mut self, text: &str) -> io::Result<()>;
}

/// The escape sequence that asks a terminal to put `text` on its clipboard (OSC 52: xterm,
/// kitty, iTerm2, WezTerm, Windows Terminal, tmux with `set-clipboard on`); it passes through
/// SSH, so it reaches the clipboard of the machine the user sits at.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// The local terminal: `$EDITOR` run in it, the clipboard asked of it on stdout.
pub(super) struct TerminalHost {
    /// Raised while `$EDITOR` has the terminal: the key reader leaves the keys to it.
    pub(super) paused: Arc<AtomicBool>,
    /// Whether the app takes the mouse (given back to the terminal while the editor runs).
    pub(super) mouse: bool,
}

impl Host for TerminalHost {
    fn edit(&mut self, text: &str) -> io::Result<String> {
        self.paused.store(true, Ordering::SeqCst);
        // The reader finishes the poll it is in before it leaves the keys to the editor.
        std::thread::sleep(super::READ_POLL * 2);
        let edited = external_editor(text, self.mouse);
        self.paused.store(false, Ordering::SeqCst);
        edited
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(osc52(text).as_bytes())?;
        out.flush()
    }
}

/// Edits `text` in `$VISUAL`, else `$EDITOR`, else `vi`, on a file of its own under the temporary
/// directory: the app leaves the alternate screen and raw mode meanwhile, and takes them back
/// after, whatever the editor did.
fn external_editor(text: &str, mouse: bool) -> io::Result<String> {
    use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let path = std::env::temp_dir().join(format!("rolo-{}-{nanos}.txt", std::process::id()));
    std::fs::write(&path, text)?;
    disable_raw_mode()?;
    ratatui::crossterm::execute!(io::stdout(), LeaveAlternateScreen, event::DisableBracketedPaste)?;
    if mouse {
        ratatui::crossterm::execute!(io::stdout(), event::DisableMouseCapture)?;
    }
    let status = crate::editor::edit(&path, "the field");
    let back = ratatui::crossterm::execute!(io::stdout(), EnterAlternateScreen, event::EnableBracketedPaste)
        .and_then(
            |_| if mouse { ratatui::crossterm::execute!(io::stdout(), event::EnableMouseCapture) } else { Ok(()) },
        )
        .and_then(|_| enable_raw_mode());
    let edited = status.and_then(|()| std::fs::read_to_string(&path));
    let _ = std::fs::remove_file(&path);
    back?;
    edited
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_asks_the_terminal_to_copy_the_text_in_base64() {
        assert_eq!(osc52("ann@example.com"), "\x1b]52;c;YW5uQGV4YW1wbGUuY29t\x07");
        assert_eq!(osc52("Zoë"), "\x1b]52;c;Wm/Dqw==\x07", "UTF-8 bytes");
    }
}
