//! The SSH public keys each user logs in with: added and removed by the user themselves (or by
//! someone with the settings right), listed with their fingerprints, and checked by the server
//! when a client proves it holds one.
//!
//! The keys are one value in the settings of their own (`ssh_keys`), beside the directory and
//! not inside it, so the stored shape of a user never changes for them.

use russh::keys::{HashAlg, PublicKey};
use serde::{Deserialize, Serialize};

use super::{Crm, CrmError, Result};
use crate::model::{Right, Timestamp, ValidationError};
use crate::store::Read;

/// The setting key the keys are stored under.
const KEYS: &str = "ssh_keys";

/// The longest text taken as one key: an RSA key of 16384 bits is under 3 KB.
pub const KEY_TEXT_MAX: usize = 16 * 1024;

/// How a stored key is kept: its owner, the key as one OpenSSH line, and when it was added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stored {
    login: String,
    line: String,
    added: Timestamp,
}

/// One user's key as front ends show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserKey {
    /// Whose key it is.
    pub login: String,
    /// Its place among that user's keys, from 1: what `user key remove` also takes.
    pub number: usize,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// The key type: `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`…
    pub algorithm: String,
    /// The comment the key came with (often `user@host`), possibly empty.
    pub comment: String,
    /// When it was added.
    pub added: Timestamp,
}

impl Stored {
    fn key(&self) -> Option<PublicKey> {
        PublicKey::from_openssh(&self.line).ok()
    }

    /// Whether this is `key` (by the key itself, whatever its comment).
    fn holds(&self, key: &PublicKey) -> bool {
        self.key().is_some_and(|k| k.key_data() == key.key_data())
    }

    fn shown(&self, number: usize) -> UserKey {
        let key = self.key();
        UserKey {
            login: self.login.clone(),
            number,
            fingerprint: key.as_ref().map_or_else(|| "unreadable".into(), fingerprint),
            algorithm: key.as_ref().map_or_else(String::new, |k| k.algorithm().as_str().to_string()),
            comment: key.as_ref().map_or_else(String::new, |k| k.comment().as_str_lossy().to_string()),
            added: self.added,
        }
    }
}

/// A key's SHA-256 fingerprint, `SHA256:…`.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Reads one OpenSSH public key from `text` (a `.pub` file, or an `authorized_keys` line without
/// options; blank lines and `#` comments around it are skipped), naming what is wrong otherwise.
pub fn parse_key(text: &str) -> Result<PublicKey, ValidationError> {
    let wrong = |what: String| ValidationError::new("key", what);
    if text.len() > KEY_TEXT_MAX {
        return Err(wrong(format!("is {} bytes, more than any public key: give one .pub file", text.len())));
    }
    if text.contains("PRIVATE KEY") {
        return Err(wrong(
            "this is a PRIVATE key: keep it secret (never paste or send it; make a new key if you did) \
             and give the public one, the .pub file beside it"
                .into(),
        ));
    }
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    match lines.as_slice() {
        [] => Err(wrong("is empty: give an OpenSSH public key, e.g. the line of ~/.ssh/id_ed25519.pub".into())),
        [line] => PublicKey::from_openssh(line)
            .map_err(|e| wrong(format!("not an OpenSSH public key ({e}): expected e.g. `ssh-ed25519 AAAA… comment`"))),
        more => Err(wrong(format!("holds {} lines: add one key at a time", more.len()))),
    }
}

impl Crm {
    /// Adds an SSH public key (`text`, see [`parse_key`]) to the user `login`: the user
    /// themselves, or someone with the settings right. A key held by another user is refused
    /// naming them, since a key logs in one user only.
    pub fn add_key(&self, login: &str, text: &str) -> Result<UserKey> {
        let key = parse_key(text)?;
        let line =
            key.to_openssh().map_err(|e| ValidationError::new("key", format!("cannot be written back ({e})")))?;
        self.change_keys(login, |now, login, keys| {
            if let Some(held) = keys.iter().find(|s| s.holds(&key)) {
                let why = match held.login == login {
                    true => format!("is already a key of {login}: nothing to add"),
                    false => {
                        format!("is held by {}: a key logs in one user only, make another for {login}", held.login)
                    }
                };
                return Err(ValidationError::new("key", format!("{} {why}", fingerprint(&key))).into());
            }
            keys.push(Stored { login: login.to_string(), line, added: now });
            Ok(numbered(keys).last().expect("the key just added"))
        })
    }

    /// Removes one of `login`'s keys, named by its fingerprint (`SHA256:…`, the prefix optional)
    /// or its number in their list; same rights as [`Crm::add_key`].
    pub fn remove_key(&self, login: &str, which: &str) -> Result<UserKey> {
        let which = which.trim();
        self.change_keys(login, |_, login, keys| {
            let bare = |f: &str| f.strip_prefix("SHA256:").map(str::to_string).unwrap_or_else(|| f.to_string());
            let found = numbered(keys).enumerate().find(|(_, k)| {
                k.login == login && (which.parse() == Ok(k.number) || bare(&k.fingerprint) == bare(which))
            });
            let Some((at, shown)) = found else {
                return Err(CrmError::NoSuch {
                    what: "key",
                    name: which.to_string(),
                    hint: format!("give a fingerprint or number from rolo user key list {login}"),
                });
            };
            keys.remove(at);
            Ok(shown)
        })
    }

    /// The keys of `login`, or with `None` every key the actor manages: everyone's with the
    /// settings right, else their own. Another user's keys need the settings right.
    pub fn keys(&self, login: Option<&str>) -> Result<Vec<UserKey>> {
        let actor = self.actor()?;
        let login = match login.map(|l| l.trim().to_lowercase()) {
            Some(l) => {
                if self.directory()?.user(&l).is_none() {
                    return Err(CrmError::UnknownUser(l));
                }
                if l != actor.login() {
                    actor.require(Right::Settings)?;
                }
                Some(l)
            }
            None if actor.has(Right::Settings) => None,
            None => Some(actor.login().to_string()),
        };
        let stored = self.stored_keys()?;
        Ok(numbered(&stored).filter(|k| login.as_deref().is_none_or(|l| k.login == l)).collect())
    }

    /// Whether `login` is an active user holding `key` (compared by the key itself, never its
    /// comment): what the SSH server asks once a client has proved it holds the key. Read by
    /// the service itself, acting for no one.
    pub fn key_login(&self, login: &str, key: &PublicKey) -> Result<bool> {
        let active = self.directory()?.user(login).is_some_and(|u| u.active);
        Ok(active && self.stored_keys()?.iter().any(|s| s.login == login && s.holds(key)))
    }

    fn stored_keys(&self) -> Result<Vec<Stored>> {
        Ok(self.shared.store.read()?.setting(KEYS)?.unwrap_or_default())
    }

    /// Runs `f` on the stored keys (given the instant and the user's login) and saves them in
    /// one transaction: `login` must be a user, and the actor, or the actor must hold the
    /// settings right.
    fn change_keys<T>(&self, login: &str, f: impl FnOnce(Timestamp, &str, &mut Vec<Stored>) -> Result<T>) -> Result<T> {
        let login = login.trim().to_lowercase();
        self.write(|tx| {
            if tx.directory()?.user(&login).is_none() {
                return Err(CrmError::UnknownUser(login.clone()));
            }
            if login != tx.user {
                tx.require(Right::Settings)?;
            }
            let mut keys: Vec<Stored> = tx.w.setting(KEYS)?.unwrap_or_default();
            let out = f(tx.now, &login, &mut keys)?;
            tx.w.set_setting(KEYS, &keys)?;
            // Who may log in is not taken back by `z`.
            tx.undo = None;
            Ok(out)
        })
    }
}

/// Every stored key as shown, in stored order, numbered within its user's keys.
fn numbered(stored: &[Stored]) -> impl Iterator<Item = UserKey> + '_ {
    stored.iter().enumerate().map(|(i, s)| s.shown(stored[..=i].iter().filter(|o| o.login == s.login).count()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::{Session, UserChange};
    use crate::model::User;

    const ANN: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJmgziG0KNCEuU375YT2MqlaTafgMhqSEVJk8DvHjY4z a@laptop";
    const BOB: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIASmv/cciJBPnYyuemSjE814XDwj7TabCgna7TP+c+46 b@laptop";
    const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBA0vtl0ypkJ21djGJrGSG+zcn6Jg+e9UoetHsfsMV0T46Gq9LUG0oh0g/sbrAjcLbJmH2zJLpC6VgxlbErmkaYw= c@host";

    /// A database with the admin `root` and the reps ann and bob; a handle for each.
    fn crms() -> (tempfile::TempDir, Crm, Crm, Crm) {
        let dir = tempfile::tempdir().unwrap();
        let crm = Crm::open(&dir.path().join("t.redb")).unwrap();
        let me = crm.actor().unwrap().login().to_string();
        let root = crm.with_session(Session::new(me));
        root.add_user(User::new("ann", "Ann", "rep")).unwrap();
        root.add_user(User::new("bob", "Bob", "rep")).unwrap();
        let (ann, bob) = (root.with_session(Session::new("ann")), root.with_session(Session::new("bob")));
        (dir, root, ann, bob)
    }

    fn key(line: &str) -> PublicKey {
        PublicKey::from_openssh(line).unwrap()
    }

    #[test]
    fn a_user_adds_lists_and_removes_their_own_keys() {
        let (_dir, _root, ann, _bob) = crms();
        let first = ann.add_key("ann", &format!("# my laptop\n\n{ANN}\n")).unwrap();
        assert_eq!(first.fingerprint, "SHA256:zy4u9xF72v+H+cx+Upe9ppxUds3OtIp3Tl0axp3KxeU", "as ssh-keygen -l says");
        assert_eq!((first.number, first.algorithm.as_str(), first.comment.as_str()), (1, "ssh-ed25519", "a@laptop"));
        let second = ann.add_key("ann", ECDSA).unwrap();
        assert_eq!((second.number, second.algorithm.as_str()), (2, "ecdsa-sha2-nistp256"));
        let listed: Vec<(usize, String)> = ann.keys(None).unwrap().into_iter().map(|k| (k.number, k.comment)).collect();
        assert_eq!(listed, [(1, "a@laptop".to_string()), (2, "c@host".to_string())]);
        assert!(ann.key_login("ann", &key(ECDSA)).unwrap());
        let gone = ann.remove_key("ann", "1").unwrap();
        assert_eq!(gone.comment, "a@laptop");
        assert!(!ann.key_login("ann", &key(ANN)).unwrap(), "a removed key no longer logs in");
        let fp = fingerprint(&key(ECDSA));
        ann.remove_key("ann", fp.strip_prefix("SHA256:").unwrap()).unwrap();
        assert!(ann.keys(Some("ann")).unwrap().is_empty());
    }

    #[test]
    fn the_key_logs_in_only_its_active_user_whatever_its_comment() {
        let (_dir, root, ann, _bob) = crms();
        ann.add_key("ann", ANN).unwrap();
        let renamed = ANN.replace("a@laptop", "someone else");
        assert!(root.key_login("ann", &key(&renamed)).unwrap(), "compared by the key, not the comment");
        assert!(!root.key_login("bob", &key(ANN)).unwrap(), "another user's key");
        assert!(!root.key_login("ann", &key(BOB)).unwrap(), "a key no one added");
        assert!(!root.key_login("nobody", &key(ANN)).unwrap());
        root.edit_user("ann", UserChange { active: Some(false), ..Default::default() }).unwrap();
        assert!(!root.key_login("ann", &key(ANN)).unwrap(), "a disabled user is refused");
    }

    #[test]
    fn anothers_keys_need_the_settings_right() {
        let (_dir, root, ann, bob) = crms();
        bob.add_key("bob", BOB).unwrap();
        let refused = ann.add_key("bob", ANN).unwrap_err().to_string();
        assert!(refused.contains("ann (rep) may not change the settings"), "{refused}");
        assert!(ann.remove_key("bob", "1").is_err());
        assert!(ann.keys(Some("bob")).is_err());
        assert_eq!(ann.keys(None).unwrap(), [], "a rep lists their own keys");
        root.add_key("ann", ANN).unwrap();
        let all: Vec<String> = root.keys(None).unwrap().into_iter().map(|k| k.login).collect();
        assert_eq!(all, ["bob", "ann"], "the settings right lists everyone's");
        root.remove_key("bob", "1").unwrap();
        assert!(root.add_key("nobody", BOB).unwrap_err().to_string().contains("'nobody' is not a rolo user"));
    }

    #[test]
    fn a_key_is_held_by_one_user_once() {
        let (_dir, root, ann, bob) = crms();
        ann.add_key("ann", ANN).unwrap();
        let taken = bob.add_key("bob", &ANN.replace("a@laptop", "mine now")).unwrap_err().to_string();
        assert!(taken.contains("is held by ann: a key logs in one user only"), "{taken}");
        let twice = ann.add_key("ann", ANN).unwrap_err().to_string();
        assert!(twice.contains("is already a key of ann"), "{twice}");
        assert_eq!(root.keys(None).unwrap().len(), 1);
    }

    #[test]
    fn what_is_not_one_public_key_is_refused_saying_why() {
        let (_dir, root, ann, _bob) = crms();
        let said = |text: &str| ann.add_key("ann", text).unwrap_err().to_string();
        assert!(said("").contains("key: is empty"));
        assert!(said("ssh-ed25519 AAAAnot-base64").contains("not an OpenSSH public key"));
        assert!(said("ssh-ed25519 AAAAnot-base64").contains("expected e.g. `ssh-ed25519 AAAA… comment`"));
        assert!(said(&format!("no-pty {ANN}")).contains("not an OpenSSH public key"), "options are refused");
        assert!(said(&format!("{ANN}\n{BOB}")).contains("holds 2 lines"));
        let private =
            said("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
        assert!(private.contains("PRIVATE key: keep it secret"), "{private}");
        assert!(said(&"x".repeat(KEY_TEXT_MAX + 1)).contains("more than any public key"));
        assert!(ann.remove_key("ann", "3").unwrap_err().to_string().contains("there is no key '3'"));
        assert!(root.keys(None).unwrap().is_empty(), "nothing was written");
    }
}
