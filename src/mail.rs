//! Email leaving rolo: the mail settings a database keeps, one message made for one recipient,
//! and the outboxes that take it: an SMTP server (through lettre, with STARTTLS or TLS and
//! authentication) or a folder of `.eml` files for those without one.
//!
//! rolo receives no mail. What the SMTP server answers at once is all it learns: taken (sent),
//! the address refused (bounced), the message refused for now (failed), or a problem of the
//! server or the settings that stops a whole send.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message as Mail};
use lettre::{SmtpTransport, Transport};
use serde::{Deserialize, Serialize};

use crate::model::ValidationError;

/// The environment variable that gives the SMTP server's URL when the settings give none.
pub const SMTP_URL_ENV: &str = "ROLO_SMTP_URL";

/// The line every campaign message ends with: rolo receives no mail, so a reply asks.
pub const UNSUBSCRIBE_LINE: &str = "To receive no more of these emails, reply with \"unsubscribe\".";

/// How a database sends mail: kept in its settings, changed with the settings right.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettings {
    /// `smtp://user:pass@host:587` (STARTTLS) or `smtps://…:465` (TLS).
    pub url: Option<String>,
    /// The sender: `Ann Lee <ann@acme.example>`.
    pub from: Option<String>,
    /// At most this many messages a minute (none: as fast as the server takes them).
    pub rate: Option<u32>,
}

impl MailSettings {
    /// The setting names, as `rolo settings set` takes them.
    pub const KEYS: [&'static str; 3] = ["smtp.url", "smtp.from", "smtp.rate"];

    /// Sets one setting from its text (empty clears it), checking it.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ValidationError> {
        let value = value.trim();
        let given = (!value.is_empty()).then(|| value.to_string());
        match key {
            "smtp.url" => {
                if let Some(url) = &given {
                    smtp_url(url).map_err(|m| ValidationError::new(key, m))?;
                }
                self.url = given;
            }
            "smtp.from" => {
                if let Some(from) = &given {
                    from.parse::<Mailbox>().map_err(|_| {
                        ValidationError::new(
                            key,
                            format!("'{from}' is not a sender: write it like \"Ann Lee <ann@acme.example>\""),
                        )
                    })?;
                }
                self.from = given;
            }
            "smtp.rate" => {
                self.rate = match given {
                    None => None,
                    Some(n) => Some(n.parse::<u32>().ok().filter(|&n| n > 0).ok_or_else(|| {
                        ValidationError::new(key, format!("'{n}' is not a number of messages a minute: use 1 or more"))
                    })?),
                };
            }
            _ => return Err(unknown_key(key)),
        }
        Ok(())
    }

    /// One setting as it may be shown: the URL without its password.
    pub fn shown(&self, key: &str) -> Result<Option<String>, ValidationError> {
        Ok(match key {
            "smtp.url" => self.url.as_deref().map(hide_password),
            "smtp.from" => self.from.clone(),
            "smtp.rate" => self.rate.map(|r| r.to_string()),
            _ => return Err(unknown_key(key)),
        })
    }
}

fn unknown_key(key: &str) -> ValidationError {
    ValidationError::new("setting", format!("'{key}' is not a setting: use {}", MailSettings::KEYS.join(", ")))
}

/// A URL with its password replaced by `****`, for showing.
pub fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(parts) => parts,
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_string(),
    }
}

/// The URL lettre is given: `smtp://` asks for STARTTLS (except on this machine, where it is
/// used when offered), `smtps://` for TLS from the start; `?tls=none` sends in the clear.
fn smtp_url(url: &str) -> Result<String, String> {
    let fix = "write it like smtp://user:password@mail.example.com:587 (STARTTLS) or smtps://…:465 (TLS)";
    let (scheme, rest) =
        url.split_once("://").ok_or_else(|| format!("'{}' is not a URL: {fix}", hide_password(url)))?;
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host.split(['/', '?']).next().unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if name.is_empty() {
        return Err(format!("'{}' names no server: {fix}", hide_password(url)));
    }
    match scheme {
        "smtps" => Ok(url.to_string()),
        "smtp" if url.contains("tls=none") => Ok(url.replace("?tls=none", "").replace("&tls=none", "")),
        "smtp" if url.contains("tls=") => Ok(url.to_string()),
        "smtp" => {
            let local = matches!(name, "localhost" | "127.0.0.1" | "[::1]");
            let tls = if local { "opportunistic" } else { "required" };
            let join = if url.contains('?') { '&' } else { '?' };
            Ok(format!("{url}{join}tls={tls}"))
        }
        other => Err(format!("'{other}' is not a mail scheme: {fix}")),
    }
}

/// The SMTP server of `settings`, else of [`SMTP_URL_ENV`]; none is an error saying how to set
/// one.
pub fn smtp(settings: &MailSettings) -> Result<Smtp, String> {
    let url = settings.url.clone().or_else(|| std::env::var(SMTP_URL_ENV).ok().filter(|u| !u.trim().is_empty()));
    let Some(url) = url else {
        return Err(format!(
            "no SMTP server is configured: `rolo settings set smtp.url smtp://user:password@host:587` \
             (settings right), or set {SMTP_URL_ENV}"
        ));
    };
    Smtp::new(&url, settings.rate)
}

/// One message for one recipient, merged and ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// A number unique to this message (its record's), for its Message-ID and file name.
    pub id: u64,
    /// The sender, as `smtp.from` says.
    pub from: String,
    /// Where replies go, when not to the sender (the user who wrote it).
    pub reply_to: Option<String>,
    /// The recipient's address.
    pub to: String,
    /// The recipient's name.
    pub to_name: String,
    /// The subject line.
    pub subject: String,
    /// The body, plain text (a campaign's ends with [`UNSUBSCRIBE_LINE`]).
    pub body: String,
    /// Whether it carries a `List-Unsubscribe` header (campaign mail).
    pub unsubscribe: bool,
}

impl Outgoing {
    /// The message as lettre builds it, or why it cannot be (an address it cannot write).
    fn build(&self) -> Result<Mail, String> {
        let from: Mailbox = self.from.parse().map_err(|_| format!("smtp.from '{}' is not a sender", self.from))?;
        let address = self.to.parse().map_err(|_| format!("'{}' is not an address mail can go to", self.to))?;
        let name = (!self.to_name.trim().is_empty()).then(|| self.to_name.clone());
        let domain = from.email.domain().to_string();
        let mut builder = Mail::builder()
            .message_id(Some(format!("<rolo.{}@{domain}>", self.id)))
            .from(from.clone())
            .to(Mailbox::new(name, address))
            .subject(self.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        if let Some(reply) = self.reply_to.as_deref().and_then(|r| r.parse::<Mailbox>().ok()) {
            builder = builder.reply_to(reply);
        }
        if self.unsubscribe {
            let name = HeaderName::new_from_ascii_str("List-Unsubscribe");
            builder =
                builder.raw_header(HeaderValue::new(name, format!("<mailto:{}?subject=unsubscribe>", from.email)));
        }
        builder.body(self.body.clone()).map_err(|e| e.to_string())
    }
}

/// What an outbox did with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handed {
    /// The server took it.
    Sent,
    /// It was written to this file.
    Written(PathBuf),
    /// The server refused the address (its answer).
    Bounced(String),
    /// This message could not go now (why); the next may.
    Failed(String),
    /// Nothing can go: the server or the settings are wrong (why). This message did not go.
    Stop(String),
}

/// Where messages are handed: an SMTP server or a folder.
pub trait Outbox: Send {
    /// Hands one message over and says what became of it; waits first when a rate is set.
    fn hand(&mut self, mail: &Outgoing) -> Handed;
}

/// An SMTP server, at most `rate` messages a minute.
pub struct Smtp {
    transport: SmtpTransport,
    gap: Option<Duration>,
    last: Option<Instant>,
}

impl Smtp {
    /// The server `url` names (see [`MailSettings::url`]); nothing is sent until a message is.
    pub fn new(url: &str, rate: Option<u32>) -> Result<Smtp, String> {
        let url = smtp_url(url)?;
        let builder = SmtpTransport::from_url(&url).map_err(|e| format!("smtp.url: {e}"))?;
        let transport = builder.timeout(Some(Duration::from_secs(30))).build();
        let gap = rate.map(|r| Duration::from_secs(60) / r.max(1));
        Ok(Smtp { transport, gap, last: None })
    }
}

impl Outbox for Smtp {
    fn hand(&mut self, mail: &Outgoing) -> Handed {
        let message = match mail.build() {
            Ok(m) => m,
            Err(why) => return Handed::Failed(why),
        };
        if let (Some(gap), Some(last)) = (self.gap, self.last) {
            std::thread::sleep(gap.saturating_sub(last.elapsed()));
        }
        self.last = Some(Instant::now());
        match self.transport.send(&message) {
            Ok(_) => Handed::Sent,
            Err(e) => judge(&e),
        }
    }
}

/// Sorts a server's refusal: the recipient's mailbox refused (550, 551, 553) is a bounce; other
/// permanent refusals (authentication, the sender), a server closing (421) and failures to
/// reach it stop the send; another refusal for now fails this message only.
fn judge(e: &lettre::transport::smtp::Error) -> Handed {
    let text = e.to_string();
    let code = e.status().map(u16::from);
    match code {
        Some(550 | 551 | 553) => Handed::Bounced(text),
        // 421: the server is closing the connection; every later message would fail the same.
        Some(c) if (400..500).contains(&c) && c != 421 => Handed::Failed(text),
        _ => Handed::Stop(format!("the mail server: {text}: check smtp.url (rolo settings show)")),
    }
}

/// Writes one file: the front end's way of writing (the command line's follows its file policy).
pub type WriteFile = Box<dyn FnMut(&Path, &[u8]) -> Result<(), String> + Send>;

/// A folder that receives each message as a `.eml` file, for sending with another program.
pub struct Folder {
    dir: PathBuf,
    write: WriteFile,
}

impl Folder {
    /// The folder `dir`, whose files `write` writes.
    pub fn new(dir: &Path, write: WriteFile) -> Folder {
        Folder { dir: dir.to_path_buf(), write }
    }
}

impl Outbox for Folder {
    fn hand(&mut self, mail: &Outgoing) -> Handed {
        let message = match mail.build() {
            Ok(m) => m,
            Err(why) => return Handed::Failed(why),
        };
        let path = self.dir.join(format!("rolo-{}.eml", mail.id));
        match (self.write)(&path, &message.formatted()) {
            Ok(()) => Handed::Written(path),
            Err(e) => Handed::Stop(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_and_the_password_never_shown() {
        let mut s = MailSettings::default();
        s.set("smtp.url", "smtp://ann:s3cret@mail.example.com:587").unwrap();
        assert_eq!(s.shown("smtp.url").unwrap().unwrap(), "smtp://ann:****@mail.example.com:587");
        assert_eq!(s.set("smtp.url", "http://x").unwrap_err().field, "smtp.url");
        assert!(s.set("smtp.from", "not a sender").is_err());
        s.set("smtp.from", "Ann Lee <ann@acme.example>").unwrap();
        assert!(s.set("smtp.rate", "0").is_err());
        s.set("smtp.rate", "120").unwrap();
        assert_eq!(s.rate, Some(120));
        s.set("smtp.rate", "").unwrap();
        assert_eq!(s.rate, None);
        assert!(s.set("smtp.port", "25").unwrap_err().message.contains("smtp.url, smtp.from, smtp.rate"));
    }

    #[test]
    fn smtp_asks_for_starttls_except_on_this_machine() {
        assert_eq!(
            smtp_url("smtp://a:b@mail.example.com:587").unwrap(),
            "smtp://a:b@mail.example.com:587?tls=required"
        );
        assert_eq!(smtp_url("smtp://127.0.0.1:2525").unwrap(), "smtp://127.0.0.1:2525?tls=opportunistic");
        assert_eq!(smtp_url("smtp://relay:25?tls=none").unwrap(), "smtp://relay:25");
        assert_eq!(smtp_url("smtps://mail.example.com").unwrap(), "smtps://mail.example.com");
        assert!(smtp_url("smtp://").is_err());
    }

    #[test]
    fn a_folder_gets_a_message_with_its_headers() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder =
            Folder::new(dir.path(), Box::new(|p: &Path, d: &[u8]| std::fs::write(p, d).map_err(|e| e.to_string())));
        let mail = Outgoing {
            id: 7,
            from: "Ann Lee <ann@acme.example>".into(),
            reply_to: None,
            to: "bo@example.com".into(),
            to_name: "Bo Chen".into(),
            subject: "Hello Bo".into(),
            body: format!("Hi\n\n{UNSUBSCRIBE_LINE}"),
            unsubscribe: true,
        };
        let Handed::Written(path) = folder.hand(&mail) else { panic!("not written") };
        let text = std::fs::read_to_string(path).unwrap();
        for part in [
            "Subject: Hello Bo",
            "To: \"Bo Chen\" <bo@example.com>",
            "List-Unsubscribe:",
            "Message-ID: <rolo.7@acme.example>",
        ] {
            assert!(text.contains(part), "{part} missing in {text}");
        }
        let bad = Outgoing { to: "no address".into(), ..mail };
        assert!(matches!(folder.hand(&bad), Handed::Failed(_)));
    }
}
