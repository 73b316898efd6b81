//! The SSH side of the server: who may log in (public keys only, bound to a rolo user once the
//! signature is verified), and what each channel of a connection runs (the app on a pty, or one
//! command).
//!
//! A handler method never waits on a session: bytes go to the session's thread with `try_send`
//! (while a handler runs, the connection reads nothing, not even the window updates the session's
//! output may be waiting for).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, TrySendError};

use russh::keys::{HashAlg, PublicKey};
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelWriteHalf, Pty};
use tracing::{debug, info, warn};

use super::Served;
use super::session::{CLIENT_VARS, Client};
use super::terminal::{In, clamp_size};

/// How many channels (an app, commands) one connection may have open at once.
const CHANNELS_PER_CONNECTION: usize = 16;

/// How many reads from the client may wait for a session's thread (each at most a packet,
/// 32 KiB): a bound on what a client typing faster than the app reads can make the server hold.
const INPUT_QUEUE: usize = 64;

/// One SSH connection: its peer, the rolo user it logged in as, and its open channels.
pub struct Connection {
    served: Arc<Served>,
    peer: Option<SocketAddr>,
    login: Option<String>,
    channels: HashMap<ChannelId, Open>,
}

/// One open channel, before and after it was given something to run.
#[derive(Default)]
struct Open {
    /// The way out, until the app or a command takes it.
    write: Option<ChannelWriteHalf<Msg>>,
    client: Client,
    pty: bool,
    /// The way in to what runs on the channel.
    input: Option<SyncSender<In>>,
}

impl Connection {
    /// A connection from `peer` to the server.
    pub fn new(served: Arc<Served>, peer: Option<SocketAddr>) -> Connection {
        Connection { served, peer, login: None, channels: HashMap::new() }
    }

    fn holds(&self, login: &str, key: &PublicKey) -> bool {
        match self.served.crm.key_login(login, key) {
            Ok(yes) => yes,
            Err(e) => {
                warn!(login, error = %e, "keys could not be read");
                false
            }
        }
    }

    fn refused(&self, login: &str, key: &PublicKey) -> Auth {
        if let Some(peer) = self.peer {
            self.served.gate.failed(peer.ip());
        }
        // Said in the log only: the client is told nothing it could probe users with.
        let why = match self.served.crm.directory().map(|d| d.user(login).map(|u| u.active)) {
            Ok(None) => "no such user",
            Ok(Some(false)) => "the user is disabled",
            Ok(Some(true)) => "not a key of this user",
            Err(_) => "the users could not be read",
        };
        info!(peer = %Peer(self.peer), login, key = %key.fingerprint(HashAlg::Sha256), why, "login refused");
        Auth::reject()
    }

    /// Hands `input` to what runs on channel `id`; a full queue drops it (with a warning): the
    /// client sends faster than any typing.
    fn pass(&mut self, id: ChannelId, input: In) {
        if let Some(tx) = self.channels.get(&id).and_then(|c| c.input.as_ref())
            && let Err(TrySendError::Full(_)) = tx.try_send(input)
        {
            warn!(login = ?self.login, "input dropped: the session reads slower than the client sends");
        }
    }

    /// Starts what channel `id` was asked to run (the app needs a pty), or says why not.
    fn start(&mut self, id: ChannelId, session: &mut Session, run: Run) -> Result<(), russh::Error> {
        let login = self.login.clone().unwrap_or_default();
        let Some(open) = self.channels.get_mut(&id) else { return session.channel_failure(id) };
        let Some(write) = open.write.take() else { return session.channel_failure(id) };
        session.channel_success(id)?;
        let handle = match run {
            Run::App if !open.pty => Err(NO_TERMINAL.to_string()),
            _ => self.served.handle_for(&login),
        };
        let (crm, seat) = match handle.and_then(|crm| Ok((crm, self.served.seats.take(&login)?))) {
            Ok(taken) => taken,
            Err(why) => {
                info!(login, why, "session refused");
                self.served.say_and_close(write, &why);
                return Ok(());
            }
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(INPUT_QUEUE);
        open.input = Some(tx);
        match run {
            Run::App => self.served.start_app(crm, open.client.clone(), write, rx, seat),
            Run::Command(command, args) => self.served.start_command(crm, command, args, open.pty, write, rx, seat),
        }
        Ok(())
    }
}

/// What a channel was asked to run.
enum Run {
    /// The app (a shell request).
    App,
    /// One rolo command line (an exec request) and its words (`None`: its quotes do not close).
    Command(String, Option<Vec<String>>),
}

/// Said to a client that asked for the app without a terminal (`ssh -T`).
const NO_TERMINAL: &str =
    "rolo needs a terminal: connect with `ssh -t` (or run one command: `ssh HOST rolo contact list`)";

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, _: &str) -> Result<Auth, Self::Error> {
        Ok(Auth::reject())
    }

    async fn auth_password(&mut self, login: &str, _: &str) -> Result<Auth, Self::Error> {
        info!(peer = %Peer(self.peer), login, "password login refused: rolo takes public keys only");
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(&mut self, login: &str, offer: PublicKeyOffer<'_>) -> Result<Auth, Self::Error> {
        // Only "this key would do": nothing is bound until the signature is verified.
        Ok(match self.holds(login, offer.public_key) {
            true => Auth::Accept,
            false => self.refused(login, offer.public_key),
        })
    }

    async fn auth_publickey(&mut self, login: &str, key: VerifiedPublicKey<'_>) -> Result<Auth, Self::Error> {
        if !self.holds(login, key.public_key) {
            return Ok(self.refused(login, key.public_key));
        }
        info!(peer = %Peer(self.peer), login, key = %key.public_key.fingerprint(HashAlg::Sha256), "logged in");
        if let Some(peer) = self.peer {
            self.served.gate.passed(peer.ip());
        }
        self.login = Some(login.to_string());
        Ok(Auth::Accept)
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.login.is_none() || self.channels.len() >= CHANNELS_PER_CONNECTION {
            reply.reject(russh::ChannelOpenFailure::ResourceShortage).await;
            return Ok(());
        }
        let id = channel.id();
        // The read half is dropped: what the client sends comes through the handler's methods
        // (an unread half would stall the connection once its queue filled).
        let (_, write) = channel.split();
        self.channels.insert(id, Open { write: Some(write), ..Open::default() });
        reply.accept().await;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        id: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _: u32,
        _: u32,
        _: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&id) {
            Some(open) if open.input.is_none() => {
                open.pty = true;
                open.client.term = crate::text::truncate(term, 64);
                open.client.size = clamp_size(cols, rows);
                session.channel_success(id)
            }
            _ => session.channel_failure(id),
        }
    }

    async fn env_request(
        &mut self,
        id: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&id) {
            Some(open) if CLIENT_VARS.contains(&name) && open.client.env.len() < CLIENT_VARS.len() => {
                open.client.env.push((name.to_string(), crate::text::truncate(value, 64)));
                session.channel_success(id)
            }
            _ => session.channel_failure(id),
        }
    }

    async fn shell_request(&mut self, id: ChannelId, session: &mut Session) -> Result<(), Self::Error> {
        self.start(id, session, Run::App)
    }

    async fn exec_request(&mut self, id: ChannelId, command: &[u8], session: &mut Session) -> Result<(), Self::Error> {
        let command = String::from_utf8_lossy(command).into_owned();
        let args = super::session::command_words(&command);
        // `ssh -t HOST rolo`, the program's name alone (or nothing), asks for the app.
        let run = match args {
            Some(args) if args.len() == 1 => Run::App,
            args => Run::Command(command, args),
        };
        self.start(id, session, run)
    }

    #[allow(clippy::too_many_arguments)]
    async fn window_change_request(
        &mut self,
        id: ChannelId,
        cols: u32,
        rows: u32,
        _: u32,
        _: u32,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        let size = clamp_size(cols, rows);
        if let Some(open) = self.channels.get_mut(&id) {
            open.client.size = size;
        }
        self.pass(id, In::Resize(size));
        Ok(())
    }

    async fn data(&mut self, id: ChannelId, data: &[u8], _: &mut Session) -> Result<(), Self::Error> {
        self.pass(id, In::Bytes(data.to_vec()));
        Ok(())
    }

    async fn channel_eof(&mut self, id: ChannelId, _: &mut Session) -> Result<(), Self::Error> {
        self.pass(id, In::Closed);
        Ok(())
    }

    async fn channel_close(&mut self, id: ChannelId, _: &mut Session) -> Result<(), Self::Error> {
        self.pass(id, In::Closed);
        self.channels.remove(&id);
        debug!(login = ?self.login, "channel closed");
        Ok(())
    }
}

/// A connection's peer address for the log.
struct Peer(Option<SocketAddr>);

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(addr) => write!(f, "{addr}"),
            None => f.write_str("unknown"),
        }
    }
}
