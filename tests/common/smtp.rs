//! A real SMTP server for the tests, on a free port of this machine: the protocol is the
//! `mailin` crate's; this gives it a socket and keeps what arrives. It can refuse addresses (a
//! bounce), hang up after some messages (a server gone mid-send), or hold one message without
//! answering (the moment a send is interrupted).

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use mailin::{Action, Handler, Response, SessionBuilder, response};

/// One message as the server received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// The envelope's recipients.
    pub to: Vec<String>,
    /// The message as sent: headers and body.
    pub data: String,
}

impl Received {
    /// The value of header `name` (unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    /// The body, its quoted-printable soft breaks and escapes undone.
    pub fn body(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let joined = body.replace("=\r\n", "");
        let mut out = Vec::new();
        let bytes = joined.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).replace("\r\n", "\n")
    }
}

/// How the server behaves.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Addresses refused at RCPT with 550.
    pub refuse: Vec<String>,
    /// Hang up (421) on every connection once this many messages were taken.
    pub stop_after: Option<usize>,
    /// Take the message after this many, but never answer it.
    pub hold_after: Option<usize>,
    /// Answer each message only after this long (a slow server).
    pub slow: Option<std::time::Duration>,
}

#[derive(Clone)]
struct Keeper {
    behaviour: Behaviour,
    received: Arc<Mutex<Vec<Received>>>,
    current: Received,
}

impl Handler for Keeper {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.behaviour.refuse.iter().any(|r| r.eq_ignore_ascii_case(to)) {
            return response::NO_MAILBOX;
        }
        self.current.to.push(to.to_string());
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.data.push_str(&String::from_utf8_lossy(buf));
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(pause) = self.behaviour.slow {
            std::thread::sleep(pause);
        }
        let mut received = self.received.lock().unwrap();
        if self.behaviour.hold_after == Some(received.len()) {
            drop(received);
            std::thread::sleep(std::time::Duration::from_secs(120));
            return response::NO_SERVICE;
        }
        received.push(std::mem::take(&mut self.current));
        response::OK
    }
}

/// A running server; it stops with the test process.
pub struct Smtp {
    /// `smtp://127.0.0.1:PORT`.
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Smtp {
    /// A server on a free port behaving as told.
    pub fn start(behaviour: Behaviour) -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let keeper = Keeper { behaviour, received: received.clone(), current: Received::default() };
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let keeper = keeper.clone();
                std::thread::spawn(move || serve(stream, keeper));
            }
        });
        Smtp { url, received }
    }

    /// Every message taken so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, keeper: Keeper) {
    let ip: IpAddr = stream.peer_addr().map(|a| a.ip()).unwrap_or([127, 0, 0, 1].into());
    let stop_after = keeper.behaviour.stop_after;
    let received = keeper.received.clone();
    let mut session = SessionBuilder::new("test.example").build(ip, keeper);
    let mut out = stream.try_clone().expect("a second handle");
    let mut reader = BufReader::new(stream);
    let _ = session.greeting().write_to(&mut out);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).unwrap_or(0) == 0 {
            return;
        }
        if stop_after.is_some_and(|n| received.lock().unwrap().len() >= n) {
            let _ = response::NO_SERVICE.write_to(&mut out);
            return;
        }
        let answer = session.process(&line);
        match answer.action {
            Action::NoReply => {}
            Action::Close | Action::UpgradeTls => {
                let _ = answer.write_to(&mut out);
                return;
            }
            Action::Reply => {
                let _ = answer.write_to(&mut out);
            }
        }
        let _ = out.flush();
    }
}
