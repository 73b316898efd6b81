//! One session of the server: the app (or one command) running for one rep on a thread of its
//! own, and the task that carries its output down the SSH channel.
//!
//! A panic in one session's app ends that session with a message and is logged; the others go
//! on. The app's thread never awaits anything but its own channel, and the connection never
//! awaits the app (it hands bytes over with `try_send`), so neither can stall the other.

use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::ChannelWriteHalf;
use russh::server::Msg;
use tokio::sync::mpsc;

use super::terminal::{ChannelEvents, ChannelOut, In, Out, SessionBackend, SharedSize};
use crate::crm::Crm;
use crate::tui::App;

/// What the client told about its terminal before asking for the app.
#[derive(Clone, Debug, Default)]
pub struct Client {
    /// `TERM`, from the pty request.
    pub term: String,
    /// The terminal size, clamped.
    pub size: (u16, u16),
    /// The environment variables the client sent (only the few rolo reads are kept).
    pub env: Vec<(String, String)>,
}

impl Client {
    /// The value of one variable the client sent.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether this client's terminal asks for no colour: `NO_COLOR` sent (to anything
    /// non-empty), or a terminal without colours (`dumb`, `*-mono`, a bare `vt100`) unless
    /// `COLORTERM` says it has them. It refines the theme the user chose.
    pub fn no_color(&self) -> bool {
        let asked = self.var("NO_COLOR").is_some_and(|v| !v.is_empty());
        let mono = matches!(self.term.as_str(), "dumb" | "vt100" | "vt102" | "vt220") || self.term.ends_with("-mono");
        asked || (mono && self.var("COLORTERM").is_none_or(str::is_empty))
    }
}

/// The variables a client may send that rolo reads; others are refused.
pub const CLIENT_VARS: [&str; 4] = ["TERM", "COLORTERM", "NO_COLOR", "LANG"];

/// Alternate screen, hidden cursor, bracketed paste, wheel reports (as the local app asks).
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[?2004h\x1b[?1000h\x1b[?1006h\x1b[2J";
/// Everything [`ENTER`] switched on, off again.
const LEAVE: &[u8] = b"\x1b[?1006l\x1b[?1000l\x1b[?2004l\x1b[?25h\x1b[?1049l";

/// How a session's app ended, for the line the rep reads and the log.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// The rep quit.
    Quit,
    /// The client went away.
    Gone,
    /// No key came for the idle time (with something typed and not saved, or not).
    Idle { unsaved: bool },
    /// The server is stopping.
    Shutdown { unsaved: bool },
    /// The app failed (its terminal, or a panic); said and logged.
    Failed(String),
}

impl Ended {
    /// The exit status the client's ssh exits with.
    pub fn status(&self) -> u32 {
        match self {
            Ended::Failed(_) | Ended::Idle { unsaved: true } | Ended::Shutdown { unsaved: true } => 1,
            _ => 0,
        }
    }

    /// What the rep reads after the screen is given back.
    pub fn farewell(&self, idle: Duration) -> Option<String> {
        match self {
            Ended::Quit | Ended::Gone => None,
            Ended::Idle { unsaved } => Some(format!(
                "rolo: no key for {}: the session ended{} (log in again to go on)",
                humantime::format_duration(idle),
                lost(*unsaved)
            )),
            Ended::Shutdown { unsaved } => {
                Some(format!("rolo: the server is stopping: the session ended{}", lost(*unsaved)))
            }
            Ended::Failed(why) => Some(format!("rolo: {why}")),
        }
    }
}

/// Runs the app for the user `crm` acts for on this thread until the rep quits, the client goes,
/// the idle time passes or `stop` is raised; then gives the client's screen back and ends the
/// channel. Returns how it ended.
pub fn run_app(
    crm: Crm,
    client: &Client,
    from: std::sync::mpsc::Receiver<In>,
    out: mpsc::Sender<Out>,
    stop: &AtomicBool,
    idle: Duration,
    import_dir: &Option<std::path::PathBuf>,
) -> Ended {
    let mut raw = ChannelOut::new(out.clone());
    if raw.send(ENTER).is_err() {
        return Ended::Gone;
    }
    let size = SharedSize::new(client.size);
    let out_host = out.clone();
    let ended = match std::panic::catch_unwind(AssertUnwindSafe(|| {
        let backend = SessionBackend::new(ChannelOut::new(out), size.clone());
        let fresh = |e: std::io::Error| (e, false);
        let mut terminal =
            Terminal::with_options(backend, TerminalOptions { viewport: Viewport::Fullscreen }).map_err(fresh)?;
        let mut app = App::new(Arc::new(crm)).map_err(|e| fresh(std::io::Error::other(e)))?;
        app.set_place(crate::tui::Place::Remote { import_dir: import_dir.clone() });
        let mut events = ChannelEvents::new(from, size, idle);
        let mut host = ChannelHost(ChannelOut::new(out_host));
        let theme = app.theme(client.no_color());
        let ran = crate::tui::run(&mut terminal, &mut app, &mut events, &theme, stop, &mut host);
        ran.map(|()| app.unsaved()).map_err(|e| (e, app.unsaved()))
    })) {
        Ok(Ok(unsaved)) if stop.load(Ordering::SeqCst) => Ended::Shutdown { unsaved },
        Ok(Ok(_)) => Ended::Quit,
        Ok(Err((e, unsaved))) => match e.kind() {
            std::io::ErrorKind::TimedOut => Ended::Idle { unsaved },
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::BrokenPipe => Ended::Gone,
            _ => Ended::Failed(e.to_string()),
        },
        Err(panic) => Ended::Failed(format!(
            "this session stopped on an internal fault ({}); it was logged: log in again to go on",
            crate::text::truncate(&panic_text(&*panic), 80)
        )),
    };
    if ended != Ended::Gone {
        let mut bye = LEAVE.to_vec();
        if let Some(line) = ended.farewell(idle) {
            bye.extend_from_slice(crate::text::sanitize(&line).as_bytes());
            bye.extend_from_slice(b"\r\n");
        }
        let _ = raw.send(&bye);
    }
    raw.end(ended.status());
    ended
}

/// What a session's client does for the app: the clipboard, through its terminal; no editor runs
/// on the server for it (the app's own text area serves).
struct ChannelHost(ChannelOut);

impl crate::tui::Host for ChannelHost {
    fn edit(&mut self, _: &str) -> std::io::Result<String> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    fn copy(&mut self, text: &str) -> std::io::Result<()> {
        self.0.send(crate::tui::osc52(text).as_bytes())
    }
}

/// What a farewell adds when something typed was not saved.
fn lost(unsaved: bool) -> &'static str {
    if unsaved { "; what was typed in the open form was NOT saved" } else { "" }
}

/// The text a panic was raised with.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

/// Carries a session's output down its channel until the session ends (or the client goes):
/// each batch is written whole, as fast as the client's window lets it through.
pub async fn write_out(channel: ChannelWriteHalf<Msg>, mut from: mpsc::Receiver<Out>) {
    while let Some(out) = from.recv().await {
        let sent = match out {
            Out::Bytes(bytes) => channel.data(&bytes[..]).await,
            Out::Err(bytes) => channel.extended_data(1, &bytes[..]).await,
            Out::End(status) => {
                let _ = channel.exit_status(status).await;
                let _ = channel.eof().await;
                let _ = channel.close().await;
                return;
            }
        };
        if sent.is_err() {
            return;
        }
    }
}

/// A flag that is raised for every session when the server stops.
pub type Stop = Arc<AtomicBool>;

/// The words of an exec request's command line, split as a shell would (no shell runs), the
/// program's name first whether it was given or not; `None` when its quotes do not close.
pub fn command_words(command: &str) -> Option<Vec<String>> {
    let mut args = shlex::split(command)?;
    if args.first().is_none_or(|a| a != "rolo") {
        args.insert(0, "rolo".into());
    }
    Some(args)
}

/// Runs one rolo command line (`args`, from [`command_words`]; `None` says `command`'s quotes
/// do not close) for the user `crm` acts for, as `ssh HOST rolo …` asked: its output and
/// errors sent down the channel, its standard input read from it. Returns the exit status.
pub fn run_command(
    crm: &Crm,
    command: &str,
    args: Option<&[String]>,
    pty: bool,
    input: std::sync::mpsc::Receiver<In>,
    out: mpsc::Sender<Out>,
) -> u32 {
    let mut err = ChannelText::new(out.clone(), pty, true);
    let Some(args) = args else {
        let _ = writeln!(err, "rolo: the command's quotes do not close: {}", crate::text::truncate(command, 80));
        return 2;
    };
    let io = crate::cli::stdio::Io::new(
        Box::new(ChannelStdin::new(input)),
        Box::new(ChannelText::new(out.clone(), pty, false)),
        Box::new(err),
        crate::cli::files::Files::Remote,
    );
    crate::cli::invoke(crm, args, io).code as u32
}

/// Text for the client: a command's output (or errors), sent down the channel line by line; on
/// a pty, lines end in `\r\n` (no terminal driver on the server turns `\n` into that).
pub struct ChannelText {
    out: mpsc::Sender<Out>,
    crlf: bool,
    errors: bool,
    buf: Vec<u8>,
}

impl ChannelText {
    /// Output (or, with `errors`, standard error) into the channel fed by `out`.
    pub fn new(out: mpsc::Sender<Out>, crlf: bool, errors: bool) -> ChannelText {
        ChannelText { out, crlf, errors, buf: Vec::new() }
    }
}

impl std::io::Write for ChannelText {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            if b == b'\n' && self.crlf {
                self.buf.push(b'\r');
            }
            self.buf.push(b);
        }
        if self.buf.len() >= 32 * 1024 {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.buf);
        let out = if self.errors { Out::Err(bytes) } else { Out::Bytes(bytes) };
        self.out.blocking_send(out).map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

impl Drop for ChannelText {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

/// A command's standard input: what the client sends on the channel until it says end of file.
pub struct ChannelStdin {
    from: std::sync::mpsc::Receiver<In>,
    buf: Vec<u8>,
    at: usize,
    ended: bool,
}

impl ChannelStdin {
    /// Input read from `from`.
    pub fn new(from: std::sync::mpsc::Receiver<In>) -> ChannelStdin {
        ChannelStdin { from, buf: Vec::new(), at: 0, ended: false }
    }
}

impl std::io::Read for ChannelStdin {
    fn read(&mut self, into: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.buf.len() && !self.ended {
            match self.from.recv() {
                Ok(In::Bytes(bytes)) => (self.buf, self.at) = (bytes, 0),
                Ok(In::Resize(_)) => {}
                Ok(In::Closed) | Err(_) => self.ended = true,
            }
        }
        let n = into.len().min(self.buf.len() - self.at);
        into[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_client_asks_for_no_colour_with_a_dumb_terminal_or_no_color() {
        let client = |term: &str, env: &[(&str, &str)]| Client {
            term: term.into(),
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Client::default()
        };
        assert!(!client("xterm-256color", &[]).no_color());
        assert!(client("dumb", &[]).no_color());
        assert!(client("xterm", &[("NO_COLOR", "1")]).no_color());
        assert!(!client("xterm", &[("NO_COLOR", "")]).no_color(), "an empty NO_COLOR asks nothing");
        assert!(client("xterm-mono", &[]).no_color() && client("vt100", &[]).no_color());
        assert!(!client("vt100", &[("COLORTERM", "truecolor")]).no_color(), "COLORTERM says it has colours");
        assert!(client("xterm-256color", &[("COLORTERM", "truecolor"), ("NO_COLOR", "1")]).no_color());
    }

    #[test]
    fn a_commands_stdin_ends_with_the_channel_and_its_lines_end_in_crlf_on_a_pty() {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        tx.send(In::Bytes(b"a,b\n".to_vec())).unwrap();
        tx.send(In::Resize((80, 24))).unwrap();
        tx.send(In::Bytes(b"c".to_vec())).unwrap();
        tx.send(In::Closed).unwrap();
        let mut text = String::new();
        ChannelStdin::new(rx).read_to_string(&mut text).unwrap();
        assert_eq!(text, "a,b\nc");
        let (tx, mut rx) = mpsc::channel(4);
        let mut out = ChannelText::new(tx, true, true);
        writeln!(out, "one\ntwo").unwrap();
        drop(out);
        assert!(matches!(rx.try_recv(), Ok(Out::Err(b)) if b == b"one\r\ntwo\r\n"));
    }

    #[test]
    fn a_command_line_is_split_as_a_shell_would_with_the_programs_name_first() {
        let words = |c: &str| command_words(c).map(|w| w.join("|"));
        assert_eq!(words("contact add --first 'Ann Marie'").as_deref(), Some("rolo|contact|add|--first|Ann Marie"));
        assert_eq!(words("rolo whoami").as_deref(), Some("rolo|whoami"));
        assert_eq!(words("").as_deref(), Some("rolo"), "nothing at all: the app");
        assert_eq!(words("contact add --first 'Ann"), None);
    }

    #[test]
    fn how_a_session_ended_decides_what_the_rep_reads_and_the_exit_status() {
        let idle = Duration::from_secs(1800);
        assert_eq!(Ended::Quit.farewell(idle), None);
        assert!(Ended::Idle { unsaved: false }.farewell(idle).unwrap().contains("no key for 30m"));
        assert_eq!(Ended::Failed("x".into()).status(), 1);
        assert_eq!(Ended::Shutdown { unsaved: false }.status(), 0);
        let lost = Ended::Shutdown { unsaved: true };
        assert!(lost.farewell(idle).unwrap().contains("NOT saved") && lost.status() == 1);
    }
}
