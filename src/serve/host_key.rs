//! The server's SSH identity: an ed25519 key made once, kept with mode 0600, and never made
//! again behind the admin's back (clients would see a changed host key and, rightly, refuse).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use russh::keys::PrivateKey;
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::Ed25519Keypair;

/// Where the host key of the database at `db` lives unless `--host-key` says: beside it (see
/// [`crate::store::companion`] for a database on a server).
pub fn default_path(db: &Path) -> PathBuf {
    crate::store::companion(db, ".host_ed25519")
}

/// Reads the host key at `path`, or makes one there when no file is there. A file that is there
/// but cannot be read, or that others may read, stops the server with what to do.
pub fn load_or_create(path: &Path) -> anyhow::Result<PrivateKey> {
    if path.exists() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                bail!(
                    "the host key {} may be read by others (mode {mode:o}): run `chmod 600 {}`",
                    path.display(),
                    path.display()
                );
            }
        }
        return PrivateKey::read_openssh_file(path).with_context(|| {
            format!(
                "the host key {} cannot be read: restore it, or remove it to make a new one \
                 (every client will then be told the server's key changed)",
                path.display()
            )
        });
    }
    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot make the folder {}", dir.display()))?;
    }
    // Written with mode 0600 from the start.
    key.write_openssh_file(path, LineEnding::LF)
        .with_context(|| format!("cannot write the host key {}: pass --host-key PATH", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use russh::keys::HashAlg;

    #[test]
    fn the_key_is_made_once_private_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = default_path(&dir.path().join("crm.redb"));
        assert!(path.ends_with("crm.redb.host_ed25519"));
        let made = load_or_create(&path).unwrap();
        let again = load_or_create(&path).unwrap();
        assert_eq!(made.public_key().fingerprint(HashAlg::Sha256), again.public_key().fingerprint(HashAlg::Sha256));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(load_or_create(&path).unwrap_err().to_string().contains("chmod 600"));
        }
    }

    #[test]
    fn a_damaged_key_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host");
        std::fs::write(&path, "not a key").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(load_or_create(&path).unwrap_err().to_string().contains("cannot be read"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a key");
    }
}
