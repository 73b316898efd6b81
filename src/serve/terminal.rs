//! One rep's full-screen app over an SSH channel: a terminal whose size is the client's and whose
//! output goes down the channel, and the keys that come up it.
//!
//! Nothing here touches the server's own terminal: the size is the one the client sent (pty-req,
//! window-change), the cursor position is the one last set, and raw mode is the client's business.
//! Output is bounded: a frame is sent whole before the next is drawn, so a client that stops
//! reading holds the session (one frame at most), never the server's memory.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::event::Event;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc::Sender;

use super::input::{ESC_WAIT, KeyReader};

/// The largest terminal served; a client claiming more is drawn at this size.
pub const MAX_SIZE: (u16, u16) = (500, 200);

/// A client's terminal size as the app uses it: clamped to [`MAX_SIZE`], and 80×24 for a
/// dimension the client left at 0 (a pty request without a size).
pub fn clamp_size(cols: u32, rows: u32) -> (u16, u16) {
    let fit = |v: u32, default: u16, max: u16| if v == 0 { default } else { v.min(max as u32) as u16 };
    (fit(cols, 80, MAX_SIZE.0), fit(rows, 24, MAX_SIZE.1))
}

/// The size of a session's terminal, set by the connection as the client reports it and read by
/// the app's thread before each frame.
#[derive(Clone)]
pub struct SharedSize(Arc<AtomicU32>);

impl SharedSize {
    /// A size of `cols`×`rows`.
    pub fn new((cols, rows): (u16, u16)) -> SharedSize {
        SharedSize(Arc::new(AtomicU32::new(pack(cols, rows))))
    }

    /// Sets the size the client reported.
    pub fn set(&self, (cols, rows): (u16, u16)) {
        self.0.store(pack(cols, rows), Ordering::SeqCst);
    }

    /// The current size.
    pub fn get(&self) -> Size {
        let v = self.0.load(Ordering::SeqCst);
        Size::new((v >> 16) as u16, v as u16)
    }
}

fn pack(cols: u16, rows: u16) -> u32 {
    (cols as u32) << 16 | rows as u32
}

/// What the app's thread hands the channel's writer.
pub enum Out {
    /// Bytes for the client's terminal (one frame, or one command's output).
    Bytes(Vec<u8>),
    /// Bytes for the client's standard error (a command's errors).
    Err(Vec<u8>),
    /// The end: the exit status to report before the channel closes.
    End(u32),
}

/// Output for the channel: gathered until flushed, then sent whole, waiting while the previous
/// batch is still on its way (the queue to the writer holds one).
pub struct ChannelOut {
    buf: Vec<u8>,
    to: Sender<Out>,
}

impl ChannelOut {
    /// Output into the writer fed by `to`.
    pub fn new(to: Sender<Out>) -> ChannelOut {
        ChannelOut { buf: Vec::new(), to }
    }

    /// Sends `bytes` at once, after what was sent before (the screen-mode switches around the
    /// app, a clipboard copy).
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write_all(bytes)?;
        self.flush()
    }

    /// Ends the channel with `status`, once what was sent before has left.
    pub fn end(self, status: u32) {
        let _ = self.to.blocking_send(Out::End(status));
    }
}

impl Write for ChannelOut {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.buf);
        self.to.blocking_send(Out::Bytes(bytes)).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

/// A ratatui backend for a session: crossterm's escape sequences into a [`ChannelOut`], with the
/// client's size and the cursor where it was last put (crossterm's own would ask the server's tty).
pub struct SessionBackend {
    inner: CrosstermBackend<ChannelOut>,
    size: SharedSize,
    cursor: Position,
}

impl SessionBackend {
    /// A backend writing to `out`, as large as `size` says.
    pub fn new(out: ChannelOut, size: SharedSize) -> SessionBackend {
        SessionBackend { inner: CrosstermBackend::new(out), size, cursor: Position::ORIGIN }
    }
}

impl Backend for SessionBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.cursor = position.into();
        self.inner.set_cursor_position(self.cursor)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size.get())
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize { columns_rows: self.size.get(), pixels: Size::default() })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// What the connection hands a session's app thread.
pub enum In {
    /// Bytes the client's terminal sent.
    Bytes(Vec<u8>),
    /// The client's new terminal size.
    Resize((u16, u16)),
    /// The client closed the channel.
    Closed,
}

/// The events of one session: keys read from the channel's bytes, resizes, and the end of the
/// session when the client goes or stays idle too long.
pub struct ChannelEvents {
    from: Receiver<In>,
    keys: KeyReader,
    size: SharedSize,
    /// When the ESC now waiting came.
    esc_at: Option<Instant>,
    last_input: Instant,
    idle: Duration,
}

impl ChannelEvents {
    /// Events from `from`, ending the session after `idle` without a key.
    pub fn new(from: Receiver<In>, size: SharedSize, idle: Duration) -> ChannelEvents {
        ChannelEvents { from, keys: KeyReader::default(), size, esc_at: None, last_input: Instant::now(), idle }
    }
}

impl crate::tui::Events for ChannelEvents {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(event) = self.keys.next() {
                self.last_input = Instant::now();
                return Ok(Some(event));
            }
            let now = Instant::now();
            if self.last_input + self.idle <= now {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "idle"));
            }
            let until = match self.esc_at {
                Some(at) if self.keys.waits() => deadline.min(at + ESC_WAIT),
                _ => deadline,
            };
            match self.from.recv_timeout(until.saturating_duration_since(now)) {
                Ok(In::Bytes(bytes)) => {
                    self.keys.feed(&bytes);
                    self.esc_at = self.keys.waits().then(Instant::now);
                }
                Ok(In::Resize(size)) => {
                    self.size.set(size);
                    return Ok(Some(Event::Resize(size.0, size.1)));
                }
                Ok(In::Closed) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                Err(RecvTimeoutError::Timeout) => {
                    if self.esc_at.is_some_and(|at| at + ESC_WAIT <= Instant::now()) {
                        self.keys.flush();
                        self.esc_at = None;
                        continue;
                    }
                    if Instant::now() >= deadline {
                        return Ok(None);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::Events;
    use ratatui::crossterm::event::{KeyCode, KeyEvent};

    #[test]
    fn sizes_are_clamped_and_zero_is_the_usual_terminal() {
        assert_eq!(clamp_size(0, 0), (80, 24));
        assert_eq!(clamp_size(100_000, 9_999), MAX_SIZE);
        assert_eq!(clamp_size(120, 40), (120, 40));
        let size = SharedSize::new((120, 40));
        size.set((500, 200));
        assert_eq!(size.get(), Size::new(500, 200));
    }

    #[test]
    fn an_esc_split_from_its_sequence_waits_and_a_lone_one_comes_as_esc() {
        let (tx, rx) = std::sync::mpsc::sync_channel(8);
        let mut events = ChannelEvents::new(rx, SharedSize::new((80, 24)), Duration::from_secs(60));
        tx.send(In::Bytes(b"\x1b".to_vec())).unwrap();
        assert_eq!(events.next(Duration::ZERO).unwrap(), None, "not yet Esc: the rest may follow");
        tx.send(In::Bytes(b"[A".to_vec())).unwrap();
        assert_eq!(events.next(Duration::ZERO).unwrap(), Some(Event::Key(KeyEvent::from(KeyCode::Up))));
        tx.send(In::Bytes(b"\x1b".to_vec())).unwrap();
        assert_eq!(events.next(Duration::from_millis(200)).unwrap(), Some(Event::Key(KeyEvent::from(KeyCode::Esc))));
        tx.send(In::Resize((90, 30))).unwrap();
        assert_eq!(events.next(Duration::ZERO).unwrap(), Some(Event::Resize(90, 30)));
        assert_eq!(events.size.get(), Size::new(90, 30));
        tx.send(In::Closed).unwrap();
        assert_eq!(events.next(Duration::ZERO).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn a_session_without_keys_for_its_idle_time_ends() {
        let (_tx, rx) = std::sync::mpsc::sync_channel(8);
        let mut events = ChannelEvents::new(rx, SharedSize::new((80, 24)), Duration::ZERO);
        assert_eq!(events.next(Duration::from_millis(10)).unwrap_err().kind(), io::ErrorKind::TimedOut);
    }
}
