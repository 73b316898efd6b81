//! The storage engine's panics, caught at the store's edge. A damaged file can make redb panic
//! deep inside a page read ("range start index out of range"); every call into redb runs through
//! [`Health::guard`], which turns such a panic into [`StoreError::Corrupt`] naming the file and
//! the fix, and marks the store failed: every later request of this process gets the same error
//! until the file is reopened, and nothing more is written. The process itself stays up.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{Result, StoreError};

thread_local! {
    /// How many guarded calls the current thread is inside.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Whether the current thread is inside a guarded storage call, where a panic is caught and
/// reported as a damaged file (so panic hooks should keep quiet).
pub fn guarding() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// Wraps the current panic hook so that it stays quiet for panics [`Health::guard`] catches: no
/// "internal fault" line, and no terminal restored under a running app.
pub fn hush_caught_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !guarding() {
            previous(info);
        }
    }));
}

/// The state of one open file: its path, and why it failed if a storage panic was caught.
#[derive(Debug)]
pub struct Health {
    path: PathBuf,
    failed: Mutex<Option<String>>,
}

impl Health {
    /// A healthy file at `path`.
    pub fn new(path: &Path) -> Health {
        Health { path: path.to_path_buf(), failed: Mutex::new(None) }
    }

    /// The error every request gets once the file failed, if it did.
    pub fn check(&self) -> Result<()> {
        match self.failed.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            Some(detail) => Err(self.corrupt(detail)),
            None => Ok(()),
        }
    }

    fn corrupt(&self, detail: &str) -> StoreError {
        StoreError::Corrupt { path: self.path.clone(), detail: format!("damaged: {detail}") }
    }

    /// Runs one call into redb; a panic in it becomes [`StoreError::Corrupt`] and marks the
    /// file failed.
    pub fn guard<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        DEPTH.with(|d| d.set(d.get() + 1));
        let outcome = catch_unwind(AssertUnwindSafe(f));
        DEPTH.with(|d| d.set(d.get() - 1));
        outcome.unwrap_or_else(|payload| {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the storage engine stopped".into());
            let detail = crate::text::truncate(&what, 80);
            let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
            let detail = failed.get_or_insert(detail).clone();
            Err(self.corrupt(&detail))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_panic_fails_the_store_for_every_later_request() {
        hush_caught_panics();
        let health = Health::new(Path::new("crm.redb"));
        assert_eq!(health.guard(|| Ok(1)).unwrap(), 1);
        let e = health.guard(|| -> Result<()> { panic!("range start index 9 out of range") }).unwrap_err();
        let said = e.to_string();
        assert!(said.starts_with("the database crm.redb cannot be read (damaged: range start"), "{said}");
        assert!(said.ends_with("restore a backup, or point --db at another file"), "{said}");
        assert!(!guarding());
        assert_eq!(health.check().unwrap_err().to_string(), said, "later requests get the same error");
    }
}
