//! The keys of an SSH session: the bytes the client's terminal sends, read into the events the
//! app takes (the same crossterm events a local terminal gives).
//!
//! A key's escape sequence may arrive split over two reads, and a lone ESC is both a key and the
//! start of a sequence: a sequence is read once whole, and an ESC that ends a read waits a moment
//! for what follows before it counts as the Esc key. A bracketed paste is taken whole, however
//! long, and cut at [`PASTE_LIMIT`].

use std::collections::VecDeque;
use std::time::Duration;

use ratatui::crossterm::event::Event;

/// How long an ESC that ended a read waits for the rest of a sequence before it is the Esc key
/// (terminals send a sequence in one write; a network may split it).
pub const ESC_WAIT: Duration = Duration::from_millis(20);

/// The most text one paste brings in; the rest is dropped (a field holds far less).
pub const PASTE_LIMIT: usize = 1 << 20;

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Reads a stream of terminal input into events.
#[derive(Default)]
pub struct KeyReader {
    /// Bytes of a sequence (or a character) not yet complete.
    pending: Vec<u8>,
    /// A paste being received, once its start marker came.
    paste: Option<Vec<u8>>,
    events: VecDeque<Event>,
}

impl KeyReader {
    /// Reads the bytes of one read from the client.
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if let Some(paste) = &mut self.paste {
                // Beyond the limit only the last bytes are kept, to see the end marker come.
                if paste.len() == PASTE_LIMIT + PASTE_END.len() {
                    paste.remove(PASTE_LIMIT);
                }
                paste.push(b);
                if b == b'~' && paste.ends_with(PASTE_END) {
                    paste.truncate(paste.len() - PASTE_END.len());
                    let text = String::from_utf8_lossy(&paste[..paste.len().min(PASTE_LIMIT)]).into_owned();
                    self.events.push_back(Event::Paste(text));
                    self.paste = None;
                }
                continue;
            }
            self.pending.push(b);
            if self.pending == [0x1b] {
                continue;
            }
            if self.pending == PASTE_START {
                self.pending.clear();
                self.paste = Some(Vec::new());
                continue;
            }
            if PASTE_START.starts_with(&self.pending) {
                continue;
            }
            match terminput::Event::parse_from(&self.pending) {
                Ok(None) if self.pending.len() < 64 => {}
                Ok(Some(event)) => {
                    self.pending.clear();
                    if let Ok(event) = terminput_crossterm::to_crossterm(event) {
                        self.events.push_back(event);
                    }
                }
                // Bytes no terminal sends, or a sequence that never ends: dropped.
                Ok(None) | Err(_) => self.pending.clear(),
            }
        }
    }

    /// Whether an ESC (alone so far) waits to tell the Esc key from the start of a sequence.
    pub fn waits(&self) -> bool {
        self.pending == [0x1b]
    }

    /// Takes the waiting ESC as the Esc key: nothing followed it in time.
    pub fn flush(&mut self) {
        if self.waits() {
            self.pending.clear();
            let esc = ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Esc);
            self.events.push_back(Event::Key(esc));
        }
    }
}

/// The events read so far, oldest first.
impl Iterator for KeyReader {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        self.events.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn keys(r: &mut KeyReader) -> Vec<Event> {
        r.by_ref().collect()
    }

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::from(code))
    }

    #[test]
    fn letters_and_a_sequence_in_one_read_are_three_keys() {
        let mut r = KeyReader::default();
        r.feed(b"ab\x1b[A");
        assert_eq!(keys(&mut r), [key(KeyCode::Char('a')), key(KeyCode::Char('b')), key(KeyCode::Up)]);
        assert!(!r.waits());
    }

    #[test]
    fn a_sequence_split_over_two_reads_is_one_key() {
        let mut r = KeyReader::default();
        r.feed(b"\x1b");
        assert!(r.waits() && keys(&mut r).is_empty());
        r.feed(b"[B");
        assert_eq!(keys(&mut r), [key(KeyCode::Down)]);
        r.feed(b"\x1b[1");
        r.feed(b"5~");
        assert_eq!(keys(&mut r), [key(KeyCode::F(5))]);
    }

    #[test]
    fn a_lone_esc_is_the_esc_key_once_nothing_follows() {
        let mut r = KeyReader::default();
        r.feed(b"\x1b");
        r.flush();
        assert_eq!(keys(&mut r), [key(KeyCode::Esc)]);
        r.flush();
        assert!(keys(&mut r).is_empty(), "flushing with nothing waiting adds nothing");
    }

    #[test]
    fn control_keys_and_utf8_split_over_reads() {
        let mut r = KeyReader::default();
        r.feed(b"\x03\x7f");
        r.feed(&"é".as_bytes()[..1]);
        r.feed(&"é".as_bytes()[1..]);
        let got = keys(&mut r);
        assert_eq!(got[0], Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert_eq!(got[1], key(KeyCode::Backspace));
        assert_eq!(got[2], key(KeyCode::Char('é')));
    }

    #[test]
    fn a_paste_is_one_event_however_it_is_split() {
        let mut r = KeyReader::default();
        let text = "x".repeat(100_000);
        let mut bytes = b"\x1b[200~".to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(b"\x1b[201~q");
        for chunk in bytes.chunks(7) {
            r.feed(chunk);
        }
        assert_eq!(keys(&mut r), [Event::Paste(text), key(KeyCode::Char('q'))]);
    }

    #[test]
    fn a_paste_beyond_the_limit_is_cut_and_garbage_is_dropped() {
        let mut r = KeyReader::default();
        let mut bytes = b"\x1b[200~".to_vec();
        bytes.extend(std::iter::repeat_n(b'y', PASTE_LIMIT + 10));
        bytes.extend_from_slice(b"\x1b[201~");
        r.feed(&bytes);
        assert!(matches!(&keys(&mut r)[..], [Event::Paste(t)] if t.len() == PASTE_LIMIT));
        r.feed(&[0xff, 0xfe, b'k']);
        assert_eq!(keys(&mut r).last(), Some(&key(KeyCode::Char('k'))));
    }
}
