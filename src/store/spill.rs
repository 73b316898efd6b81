//! Index keys a bulk load holds back, spilled in sorted runs to a scratch file beside the
//! database and merged into one sorted stream at the flush: the index then takes them in key
//! order in one pass (pages filled in order, not split half-empty run after run), while memory
//! holds one run at a time.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// The runs spilled so far, in one scratch file without a name (unlinked as it is made, so
/// nothing is left behind however rolo stops).
pub(super) struct Spill {
    file: std::fs::File,
    /// Each run's start and end in the file.
    runs: Vec<(u64, u64)>,
    /// Where the next run starts.
    end: u64,
}

impl Spill {
    /// A scratch file in `dir` (the database's folder: the same disk, not a memory-backed `/tmp`).
    pub(super) fn new(dir: &Path) -> std::io::Result<Spill> {
        Ok(Spill { file: tempfile::tempfile_in(dir)?, runs: Vec::new(), end: 0 })
    }

    /// Writes one run of keys, which must be sorted and without repeats.
    pub(super) fn write_run(&mut self, keys: &[Vec<u8>]) -> std::io::Result<()> {
        let start = self.end;
        let mut out = BufWriter::with_capacity(1 << 16, &self.file);
        out.seek(SeekFrom::Start(start))?;
        for key in keys {
            let len = u32::try_from(key.len()).map_err(|_| std::io::Error::other("an index key over 4 GB"))?;
            out.write_all(&len.to_le_bytes())?;
            out.write_all(key)?;
            self.end += 4 + u64::from(len);
        }
        out.flush()?;
        self.runs.push((start, self.end));
        Ok(())
    }

    /// Every key of every run, and of `held` (sorted, without repeats), in key order, each once.
    pub(super) fn merge(
        &self,
        held: Vec<Vec<u8>>,
        f: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut runs: Vec<Run> = Vec::with_capacity(self.runs.len() + 1);
        for &(at, end) in &self.runs {
            runs.push(Run::File(BufReader::with_capacity(1 << 16, Span { file: &self.file, at, end })));
        }
        runs.push(Run::Held(held.into_iter()));
        let mut heads = BinaryHeap::new();
        for (i, run) in runs.iter_mut().enumerate() {
            if let Some(key) = run.next()? {
                heads.push(Reverse((key, i)));
            }
        }
        let mut last: Option<Vec<u8>> = None;
        while let Some(Reverse((key, i))) = heads.pop() {
            if last.as_ref() != Some(&key) {
                f(&key)?;
            }
            if let Some(next) = runs[i].next()? {
                heads.push(Reverse((next, i)));
            }
            last = Some(key);
        }
        Ok(())
    }
}

/// One sorted run being merged.
enum Run<'f> {
    File(BufReader<Span<'f>>),
    Held(std::vec::IntoIter<Vec<u8>>),
}

/// A stretch of the scratch file, read at its own position (runs are read side by side).
struct Span<'f> {
    file: &'f std::fs::File,
    at: u64,
    end: u64,
}

impl Read for Span<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = buf.len().min(usize::try_from(self.end - self.at).unwrap_or(usize::MAX));
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.file, &mut buf[..want], self.at)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.file, &mut buf[..want], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl Run<'_> {
    fn next(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        match self {
            Run::Held(keys) => Ok(keys.next()),
            Run::File(input) => {
                let mut len = [0; 4];
                match input.read_exact(&mut len) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
                    Err(e) => return Err(e),
                }
                let mut key = vec![0; u32::from_le_bytes(len) as usize];
                input.read_exact(&mut key)?;
                Ok(Some(key))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_held_keys_merge_in_order_each_key_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::new(dir.path()).unwrap();
        let keys = |ks: &[&str]| ks.iter().map(|k| k.as_bytes().to_vec()).collect::<Vec<_>>();
        spill.write_run(&keys(&["b", "d", "f"])).unwrap();
        spill.write_run(&keys(&["a", "d", "z"])).unwrap();
        spill.write_run(&[]).unwrap();
        let mut merged = Vec::new();
        spill
            .merge(keys(&["c", "f"]), &mut |k| {
                merged.push(String::from_utf8(k.to_vec()).unwrap());
                Ok(())
            })
            .unwrap();
        assert_eq!(merged, ["a", "b", "c", "d", "f", "z"]);
    }
}
