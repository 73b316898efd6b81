//! What a command may do with the files its command line names (`import KIND FILE`,
//! `export --out FILE`, `backup FILE`), wherever it runs: on the disk of its own process, not at
//! all over SSH (the server's disk is not the user's), or through the bytes a local client sent
//! and takes back (the files are the client's, read and written by the `rolo` process that
//! named them). Every file the command line touches goes through here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Result;

use super::args::Command;
use super::stdio;
use crate::crm::Crm;
use crate::model::ValidationError;

/// What a command may do with the files it names.
#[derive(Debug, Clone, Default)]
pub enum Files {
    /// Read and write the disk, as the binary does.
    #[default]
    Local,
    /// Over SSH: every file argument refused; `-` (stdin) and stdout still work.
    Remote,
    /// For a local client: the input files' bytes as it sent them, the output files kept for it
    /// to write.
    Given(Given),
}

/// The files a local client sent with its command, and those the command wrote for it.
#[derive(Debug, Clone, Default)]
pub struct Given {
    inputs: Arc<HashMap<PathBuf, Vec<u8>>>,
    outputs: Arc<Mutex<Vec<Output>>>,
}

impl Given {
    /// The bytes of each input file, by the path the command line names it with (`-` for stdin).
    pub fn new(inputs: HashMap<PathBuf, Vec<u8>>) -> Given {
        Given { inputs: Arc::new(inputs), outputs: Arc::default() }
    }

    /// Keeps a file the command wrote, for the client to write.
    fn keep(&self, path: &Path, force: bool, bytes: Vec<u8>) {
        let output = Output { path: path.to_path_buf(), force, bytes };
        self.outputs.lock().unwrap_or_else(|e| e.into_inner()).push(output);
    }

    /// The files the command wrote, taken out (for the client to write).
    pub fn take_outputs(&self) -> Vec<Output> {
        std::mem::take(&mut *self.outputs.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// A file a command wrote for a client: where, whether it may replace one, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The path as the command line names it.
    pub path: PathBuf,
    /// Whether an existing file is replaced (`--force`).
    pub force: bool,
    /// The whole content.
    pub bytes: Vec<u8>,
}

/// Why a file argument is refused over SSH, and what to do instead.
pub const OVER_SSH: &str = "over SSH, files on the server are not read or written: \
use `import contacts -` with the file on stdin, and `export … > file`";

/// The refusal of `path` over SSH.
fn refused(path: &Path) -> anyhow::Error {
    ValidationError::new("file", format!("{}: {OVER_SSH}", path.display())).into()
}

/// Whether `path` stands for stdin.
fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// `path` when it names a file on this machine that this process reads itself (not stdin, not
/// a file a client sent): such a file can be read as it is used, not whole first.
pub fn local(path: &Path) -> Option<&Path> {
    (!is_stdin(path) && matches!(stdio::files(), Files::Local)).then_some(path)
}

/// The bytes of the input file `path` (`-`: stdin), as the policy allows.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let cannot = |source: std::io::Error| crate::import::ImportError::Io { path: path.to_path_buf(), source };
    if is_stdin(path) {
        return Ok(stdio::read_stdin().map_err(cannot)?);
    }
    match stdio::files() {
        Files::Local => Ok(std::fs::read(path).map_err(cannot)?),
        Files::Remote => Err(refused(path)),
        Files::Given(given) => match given.inputs.get(path) {
            Some(bytes) => Ok(bytes.clone()),
            None => Err(cannot(std::io::ErrorKind::NotFound.into()).into()),
        },
    }
}

/// Fails when `path` may not be written: it is a database's address, it exists and `force` is
/// off, or it is the database `db`. A client checks its own files before it sends the command.
pub fn may_write(db: &Path, path: &Path, force: bool) -> Result<()> {
    if crate::crm::is_address(path) {
        return Err(ValidationError::new("out", "is a database's address, not a file: choose a file to write").into());
    }
    match stdio::files() {
        Files::Local => {}
        Files::Remote => return Err(refused(path)),
        Files::Given(_) => return Ok(()),
    }
    if !path.exists() {
        return Ok(());
    }
    let database = std::fs::canonicalize(db).ok();
    if database.is_some() && std::fs::canonicalize(path).ok() == database {
        let message = format!("{} is the database itself: choose another file", path.display());
        return Err(ValidationError::new("out", message).into());
    }
    if !force {
        return Err(taken(path));
    }
    Ok(())
}

/// Makes the output folder `path` (and its parents) as the policy allows; a client makes its
/// own before it sends the command.
pub fn make_dir(path: &Path) -> Result<()> {
    match stdio::files() {
        Files::Local => std::fs::create_dir_all(path).map_err(|e| {
            let message = format!("cannot make the folder {}: {e}", path.display());
            ValidationError::new("to-dir", message).into()
        }),
        Files::Remote => Err(refused(path)),
        Files::Given(_) => Ok(()),
    }
}

/// Writes the output file `path` as the policy allows (see [`write_local`]).
pub fn write(path: &Path, data: &[u8], force: bool) -> Result<()> {
    match stdio::files() {
        Files::Local => write_local(path, data, force),
        Files::Remote => Err(refused(path)),
        Files::Given(given) => {
            given.keep(path, force, data.to_vec());
            Ok(())
        }
    }
}

/// A consistent copy of the database at `path`, as the policy allows: for a client, the copy is
/// made in a temporary folder on this side (beside a database file), read, removed, and given to
/// the client to write.
pub fn backup(crm: &Crm, path: &Path) -> Result<()> {
    match stdio::files() {
        Files::Local => Ok(crm.backup(path)?),
        Files::Remote => Err(ValidationError::new(
            "file",
            format!(
                "{}: over SSH, no backup is written on the server: run `rolo backup FILE` on its machine",
                path.display()
            ),
        )
        .into()),
        Files::Given(given) => {
            // Written on this side first: beside a database file (its folder is the server's
            // own), else in the temporary folder; gone once sent.
            let beside = crm.path().parent().filter(|_| !crate::crm::is_address(crm.path()));
            let mut folder = tempfile::Builder::new();
            folder.prefix(".rolo-backup-");
            let folder = match beside {
                Some(beside) => folder.tempdir_in(beside)?,
                None => folder.tempdir()?,
            };
            let copy = folder.path().join("copy.redb");
            crm.backup(&copy)?;
            given.keep(path, false, std::fs::read(&copy)?);
            Ok(())
        }
    }
}

/// The error for an `--out` file that exists.
fn taken(path: &Path) -> anyhow::Error {
    let message = format!("{} already exists: choose another file, or pass --force to replace it", path.display());
    ValidationError::new("out", message).into()
}

/// Writes `data` to `path` on this process's disk: a new file (never over one that appeared
/// meanwhile), or with `force` a temporary file beside it renamed over it, so the old file stays
/// whole until the new one is. A failure leaves no partial file behind.
pub fn write_local(path: &Path, data: &[u8], force: bool) -> Result<()> {
    use std::io::Write as _;
    let cannot = |e: std::io::Error| {
        anyhow::anyhow!("cannot write {}: {e}: check that its folder exists and can be written to", path.display())
    };
    let target = if force {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".rolo-export-{}.tmp", std::process::id()));
        path.with_file_name(name)
    } else {
        path.to_path_buf()
    };
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&target) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !force => return Err(taken(path)),
        Err(e) => return Err(cannot(e)),
    };
    let written = file.write_all(data).and_then(|()| file.sync_all());
    let written = written.and_then(|()| if force { std::fs::rename(&target, path) } else { Ok(()) });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&target);
        return Err(cannot(e));
    }
    Ok(())
}

/// What a client sends with `command`: the bytes of each input file it names (stdin for `-`),
/// once its output files are checked as writable (the database `db` never). A file that cannot
/// be read or written fails here, before the server is asked anything.
pub fn gather(db: &Path, command: &Command) -> Result<HashMap<PathBuf, Vec<u8>>> {
    use super::args::Command::{Backup, Campaign, Email, Export, Import, Template, User};
    use super::marketing::{
        BirthdayArgs, CampaignCmd, CampaignSendArgs as SendArgs, EmailCmd, EmailSendArgs, TemplateAdd, TemplateCmd,
        TemplateEdit, TemplateText, ToDir,
    };
    let mut inputs = HashMap::new();
    match command {
        Import(a) => {
            inputs.insert(a.file.clone(), read(&a.file)?);
        }
        Export(a) => {
            if let Some(out) = &a.out {
                may_write(db, out, a.force)?;
            }
        }
        User(super::users::UserCmd::Key(super::users::KeyCmd::Add(a))) => {
            inputs.insert(a.file.clone(), read(&a.file)?);
        }
        Campaign(CampaignCmd::Send(SendArgs { to: ToDir { to_dir: Some(dir) }, .. }))
        | Email(EmailCmd::Send(EmailSendArgs { to: ToDir { to_dir: Some(dir) }, .. }))
        | Email(EmailCmd::Birthdays(BirthdayArgs { to: ToDir { to_dir: Some(dir) }, .. })) => make_dir(dir)?,
        Email(EmailCmd::Unsubscribes(a)) => {
            inputs.insert(a.file.clone(), read(&a.file)?);
        }
        Template(TemplateCmd::Add(TemplateAdd { text: TemplateText { body_file: Some(f), .. }, .. }))
        | Template(TemplateCmd::Edit(TemplateEdit { text: TemplateText { body_file: Some(f), .. }, .. }))
        | Email(EmailCmd::Send(EmailSendArgs { text: TemplateText { body_file: Some(f), .. }, .. })) => {
            inputs.insert(f.clone(), read(f)?);
        }
        Backup(a) if a.file.exists() => {
            return Err(crate::crm::CrmError::from(crate::crm::StoreError::BackupExists(a.file.clone())).into());
        }
        _ => {}
    }
    Ok(inputs)
}
