//! A rep at an SSH client: logs in to a running `rolo serve` with a key, opens the app on a pty
//! and reads its screen as a terminal would (vt100), or runs one command.

use std::num::NonZeroU16;
use std::sync::Arc;
use std::time::{Duration, Instant};

use russh::ChannelMsg;
use russh::client::{self, Handle};
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg, PublicKeyOrCertificate};

/// The client side of a connection: every server key is taken (the tests start the server).
pub struct Client;

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// An ed25519 key made from `seed`, the same every run.
pub fn key(seed: u8) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
}

/// The key's public half as a `.pub` file holds it.
pub fn public_line(key: &PrivateKey) -> String {
    key.public_key().to_openssh().expect("an OpenSSH public key")
}

/// Connects to `addr` and tries to log in as `login` with `key`: the connection when it was let
/// in, `None` when refused.
pub async fn login(addr: std::net::SocketAddr, login: &str, key: &PrivateKey) -> Option<Handle<Client>> {
    try_login(addr, login, key).await.ok()
}

/// [`login`], saying why not when it was not let in.
pub async fn try_login(addr: std::net::SocketAddr, login: &str, key: &PrivateKey) -> Result<Handle<Client>, String> {
    let config = Arc::new(client::Config::default());
    let mut handle = client::connect(config, addr, Client).await.map_err(|e| format!("connect: {e}"))?;
    let signed = PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None);
    match handle.authenticate_publickey(login, signed).await {
        Ok(result) if result.success() => Ok(handle),
        Ok(result) => Err(format!("refused: {result:?}")),
        Err(e) => Err(format!("auth: {e}")),
    }
}

/// What a command run over SSH gave back.
#[derive(Debug)]
pub struct Ran {
    pub status: Option<u32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` on the connection, feeding it `stdin`.
pub async fn exec(handle: &Handle<Client>, command: &str, stdin: &[u8]) -> Ran {
    let mut channel = handle.channel_open_session().await.expect("a channel");
    channel.exec(true, command).await.expect("exec");
    if !stdin.is_empty() {
        channel.data(stdin).await.expect("stdin");
    }
    channel.eof().await.expect("eof");
    let (mut out, mut err, mut status) = (Vec::new(), Vec::new(), None);
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Ok(Some(msg)) = tokio::time::timeout_at(deadline.into(), channel.wait()).await {
        match msg {
            ChannelMsg::Data { data } => out.extend_from_slice(&data),
            ChannelMsg::ExtendedData { data, ext: 1 } => err.extend_from_slice(&data),
            ChannelMsg::ExitStatus { exit_status } => status = Some(exit_status),
            _ => {}
        }
    }
    Ran { status, stdout: String::from_utf8_lossy(&out).into(), stderr: String::from_utf8_lossy(&err).into() }
}

/// The app on a pty, and its screen as the client's terminal shows it.
pub struct App {
    _handle: Handle<Client>,
    channel: russh::Channel<client::Msg>,
    pub screen: vt100::Parser,
    /// Every byte the server sent.
    pub raw: Vec<u8>,
    /// The exit status, once the session ended.
    pub status: Option<u32>,
    pub closed: bool,
}

fn nz(v: u16) -> NonZeroU16 {
    NonZeroU16::new(v.max(1)).expect("not zero")
}

impl App {
    /// Opens the app on a `cols`×`rows` pty over `handle`.
    pub async fn open(handle: Handle<Client>, cols: u16, rows: u16) -> App {
        App::open_running(handle, cols, rows, None).await
    }

    /// Opens a `cols`×`rows` pty over `handle` and asks for the shell (`None`) or runs `command`
    /// on it, as `ssh -t HOST COMMAND` does.
    pub async fn open_running(handle: Handle<Client>, cols: u16, rows: u16, command: Option<&str>) -> App {
        let channel = handle.channel_open_session().await.expect("a channel");
        channel.request_pty(true, "xterm-256color", cols as u32, rows as u32, 0, 0, &[]).await.expect("pty");
        match command {
            None => channel.request_shell(true).await.expect("shell"),
            Some(command) => channel.exec(true, command).await.expect("exec"),
        }
        let screen = vt100::Parser::new(nz(rows), nz(cols), 0);
        App { _handle: handle, channel, screen, raw: Vec::new(), status: None, closed: false }
    }

    /// The screen's text, rows joined by newlines.
    pub fn text(&self) -> String {
        self.screen.screen().contents()
    }

    /// Reads what the server sends until the screen shows `text` (true), or ten seconds passed
    /// or the session ended without it (false).
    pub async fn wait_for(&mut self, text: &str) -> bool {
        self.wait_until(|app| app.text().contains(text)).await
    }

    /// Reads what the server sends until `done` holds (true), or ten seconds passed or the
    /// session ended (false).
    pub async fn wait_until(&mut self, done: impl Fn(&App) -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(self) {
            if self.closed {
                return false;
            }
            match tokio::time::timeout_at(deadline.into(), self.channel.wait()).await {
                Err(_) => return false,
                Ok(msg) => self.take(msg),
            }
        }
        true
    }

    fn take(&mut self, msg: Option<ChannelMsg>) {
        match msg {
            Some(ChannelMsg::Data { data }) => {
                self.raw.extend_from_slice(&data);
                self.screen.process(&data);
            }
            Some(ChannelMsg::ExitStatus { exit_status }) => self.status = Some(exit_status),
            Some(ChannelMsg::Close) | None => self.closed = true,
            _ => {}
        }
    }

    /// Reads until the session ends (ten seconds at most): whether it did.
    pub async fn wait_closed(&mut self) -> bool {
        self.wait_until(|app| app.closed).await
    }

    /// Types `keys` (bytes as a terminal sends them).
    pub async fn keys(&mut self, keys: &[u8]) {
        self.channel.data(keys).await.expect("keys sent");
    }

    /// The client's window changes size.
    pub async fn resize(&mut self, cols: u16, rows: u16) {
        self.channel.window_change(cols as u32, rows as u32, 0, 0).await.expect("window change");
        self.screen.screen_mut().set_size(nz(rows), nz(cols));
    }
}
