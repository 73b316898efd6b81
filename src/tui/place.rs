//! Where the app runs, and so what it may touch of the machine it runs on. On the user's own
//! terminal it reads their files and loads demo data; served over SSH it runs on the server's
//! machine for someone else, so it reads files only from the upload folder the admin named (or
//! none), loads no demo data and never starts `$EDITOR`.

use std::path::{Component, Path, PathBuf};

/// Where the app runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Place {
    /// On the user's own machine: any file they name, demo data on an empty database.
    #[default]
    Local,
    /// Served over SSH: files only from inside `import_dir` (`None`: import is off), no demo data.
    Remote {
        /// The upload folder the admin named with `rolo serve --import-dir`.
        import_dir: Option<PathBuf>,
    },
}

/// What the app says when import is asked for over SSH without an upload folder.
pub const IMPORT_OFF: &str = "import is off over SSH: the server was started without --import-dir";

/// What the app says when demo data is asked for over SSH.
pub const DEMO_OFF: &str = "demo data is off over SSH: an admin loads it on the server with rolo demo";

/// What the app says when `$EDITOR` is asked for over SSH.
pub const EDITOR_OFF: &str = "$EDITOR is off over SSH: type here (Enter starts a line)";

impl Place {
    /// Whether the app is served over SSH.
    pub fn is_remote(&self) -> bool {
        matches!(self, Place::Remote { .. })
    }

    /// Why import is off here, when it is.
    pub fn import_off(&self) -> Option<&'static str> {
        matches!(self, Place::Remote { import_dir: None }).then_some(IMPORT_OFF)
    }

    /// Why demo data is off here, when it is.
    pub fn demo_off(&self) -> Option<&'static str> {
        self.is_remote().then_some(DEMO_OFF)
    }

    /// The file to import that the user typed as `typed`: locally any path (`~/` is the home
    /// folder); over SSH a file inside the upload folder, named relative to it, refused when it
    /// is absolute, climbs out with `..` or leads out through a symbolic link.
    pub fn import_path(&self, typed: &str) -> Result<PathBuf, String> {
        let typed = typed.trim();
        match self {
            Place::Local => Ok(expand_home(typed)),
            Place::Remote { import_dir: None } => Err(IMPORT_OFF.to_string()),
            Place::Remote { import_dir: Some(dir) } => inside(dir, typed),
        }
    }
}

/// `typed` as a file inside the folder `dir`.
fn inside(dir: &Path, typed: &str) -> Result<PathBuf, String> {
    let outside = || format!("'{typed}' is outside the upload folder: over SSH, type the name of a file inside it");
    let path = Path::new(typed);
    if typed.is_empty()
        || typed.starts_with('~')
        || !path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    let root = dir.canonicalize().map_err(|e| format!("the upload folder cannot be read ({e}): tell your admin"))?;
    let full =
        root.join(path).canonicalize().map_err(|e| format!("cannot open '{typed}' in the upload folder ({e})"))?;
    if !full.starts_with(&root) {
        return Err(outside());
    }
    Ok(full)
}

/// `path` with a leading `~/` taken as the home folder.
fn expand_home(path: &str) -> PathBuf {
    let home = || directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    match path.strip_prefix("~/").and_then(|rest| Some(home()?.join(rest))) {
        Some(full) => full,
        None => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_ssh_only_files_inside_the_upload_folder_are_read() {
        let top = tempfile::tempdir().unwrap();
        let uploads = top.path().join("uploads");
        std::fs::create_dir_all(uploads.join("march")).unwrap();
        std::fs::write(uploads.join("march/leads.csv"), "a").unwrap();
        std::fs::write(top.path().join("secret.csv"), "b").unwrap();
        let place = Place::Remote { import_dir: Some(uploads.clone()) };
        let found = place.import_path(" ./march/leads.csv ").unwrap();
        assert_eq!(found, uploads.canonicalize().unwrap().join("march/leads.csv"));
        for bad in ["../secret.csv", "march/../../secret.csv", "/etc/passwd", "~/x.csv", ""] {
            let said = place.import_path(bad).unwrap_err();
            assert!(said.contains("outside the upload folder"), "{bad}: {said}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(top.path().join("secret.csv"), uploads.join("link.csv")).unwrap();
            assert!(place.import_path("link.csv").unwrap_err().contains("outside the upload folder"));
        }
        assert!(place.import_path("missing.csv").unwrap_err().contains("cannot open 'missing.csv'"));
        assert_eq!(Place::Remote { import_dir: None }.import_path("a.csv").unwrap_err(), IMPORT_OFF);
        assert_eq!(Place::Local.import_path("/tmp/a.csv").unwrap(), PathBuf::from("/tmp/a.csv"));
    }
}
