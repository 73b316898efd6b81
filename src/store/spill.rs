//! Index keys a bulk load holds back, spilled in sorted runs to a scratch file beside the
//! database and merged into one sorted stream at the flush: the index then takes them in key
//! order in one pass (pages filled in order, not split half-empty run after run), while memory
//! holds a few runs at a time (see [`Spiller`]).

use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::held::Keys;
use super::write::scratch;
use super::{Health, Result};

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
    pub(super) fn write_run(&mut self, keys: &Keys) -> std::io::Result<()> {
        let start = self.end;
        let mut out = BufWriter::with_capacity(1 << 16, &self.file);
        out.seek(SeekFrom::Start(start))?;
        for key in keys.iter() {
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
    /// Each run's next key is read into the buffer its last key was in: the merge allocates
    /// nothing per key.
    pub(super) fn merge(&self, held: Keys, f: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
        let mut runs: Vec<Run> = Vec::with_capacity(self.runs.len() + 1);
        for &(at, end) in &self.runs {
            runs.push(Run::File(BufReader::with_capacity(1 << 16, Span { file: &self.file, at, end })));
        }
        runs.push(Run::Held(held, 0));
        let mut heads = Vec::with_capacity(runs.len());
        for run in &mut runs {
            let mut key = Vec::new();
            heads.push(run.next(&mut key)?.then_some(key));
        }
        let mut tree = Tournament::new(&heads);
        let mut last: Option<Vec<u8>> = None;
        loop {
            let i = tree.winner;
            let Some(key) = heads[i].as_mut() else { return Ok(()) };
            if last.as_ref() != Some(key) {
                f(key)?;
                // The key is kept as the last one said; its buffer takes the run's next key.
                match &mut last {
                    Some(l) => std::mem::swap(l, key),
                    None => last = Some(std::mem::take(key)),
                }
            }
            if !runs[i].next(key)? {
                heads[i] = None;
            }
            tree.replay(&heads);
        }
    }
}

/// A tournament tree over the runs' next keys (`None`: the run is done): the smallest is the
/// winner, and once its run moves on, the next is found with one comparison per level of the
/// tree, where a heap takes about two (a pop and a push).
struct Tournament {
    /// For each inner node (1 up), the run that lost there; the leaves (runs) are nodes
    /// `runs..2 * runs`, and node `n`'s children are `2n` and `2n + 1`.
    losers: Vec<usize>,
    /// The run whose key is the smallest.
    winner: usize,
}

impl Tournament {
    fn new(heads: &[Option<Vec<u8>>]) -> Tournament {
        let k = heads.len();
        let mut winners = vec![0; 2 * k];
        for (i, w) in winners.iter_mut().skip(k).enumerate() {
            *w = i;
        }
        let mut losers = vec![0; k];
        for n in (1..k).rev() {
            let (a, b) = (winners[2 * n], winners[2 * n + 1]);
            (winners[n], losers[n]) = if before(heads, b, a) { (b, a) } else { (a, b) };
        }
        Tournament { losers, winner: if k > 1 { winners[1] } else { 0 } }
    }

    /// Finds the winner again after the winning run's key changed.
    fn replay(&mut self, heads: &[Option<Vec<u8>>]) {
        let mut winner = self.winner;
        let mut n = (winner + heads.len()) / 2;
        while n > 0 {
            if before(heads, self.losers[n], winner) {
                std::mem::swap(&mut self.losers[n], &mut winner);
            }
            n /= 2;
        }
        self.winner = winner;
    }
}

/// Whether run `a`'s next key comes before run `b`'s (a run that is done comes last).
fn before(heads: &[Option<Vec<u8>>], a: usize, b: usize) -> bool {
    match (&heads[a], &heads[b]) {
        (Some(x), Some(y)) => x < y,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Runs of held-back keys sorted and spilled on a thread of their own while the writer goes on
/// making records: the sort is a good part of a bulk load's work, and the writer's thread is the
/// one a load waits for. One run waits while another is sorted (beside its sorted copy), so
/// memory holds about four runs at most, with the one being filled.
pub(super) struct Spiller {
    runs: Option<SyncSender<Keys>>,
    thread: Option<JoinHandle<Result<Spill>>>,
}

impl Spiller {
    /// A spiller whose runs go to a scratch file in `dir`; `health` guards its thread as it
    /// does the writer's calls (a panic there fails the write, quietly).
    pub(super) fn new(dir: &Path, health: Arc<Health>) -> std::io::Result<Spiller> {
        let mut spill = Spill::new(dir)?;
        let (runs, taken) = sync_channel::<Keys>(1);
        let thread = std::thread::Builder::new().name("rolo-spill".into()).spawn(move || {
            // Below the writer, which waits on it only when it holds a second run before the
            // first is spilled, and at the flush for the last ones (on a busy machine the
            // flush's wait is the longer for it: the price of a writer not queued for a core).
            crate::priority::lower(5);
            health.guard(|| {
                for run in taken {
                    spill.write_run(&run.sorted()).map_err(scratch)?;
                }
                Ok(spill)
            })
        })?;
        Ok(Spiller { runs: Some(runs), thread: Some(thread) })
    }

    /// Hands a run (in any order, repeats allowed) over to be sorted and spilled. Should the
    /// thread have failed, its error comes back here.
    pub(super) fn spill(&mut self, run: Keys) -> Result<()> {
        match self.runs.as_ref().map(|runs| runs.send(run)) {
            Some(Ok(())) => Ok(()),
            // The thread stopped: on an error, given here; else the run is lost, which is one.
            _ => self.finish().and_then(|_| Err(scratch(std::io::Error::other("its writer had stopped")))),
        }
    }

    /// The runs, every one spilled, once the thread is done; or what made it fail.
    pub(super) fn finish(&mut self) -> Result<Spill> {
        drop(self.runs.take());
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(spilled)) => spilled,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Err(scratch(std::io::Error::other("its writer had stopped"))),
        }
    }
}

/// One sorted run being merged: in the scratch file, or the keys still held (with the next
/// one's place).
enum Run<'f> {
    File(BufReader<Span<'f>>),
    Held(Keys, usize),
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
    /// Reads the run's next key into `key`; false at its end.
    fn next(&mut self, key: &mut Vec<u8>) -> std::io::Result<bool> {
        key.clear();
        match self {
            Run::Held(keys, at) => match keys.get(*at) {
                Some(k) => {
                    key.extend_from_slice(k);
                    *at += 1;
                    Ok(true)
                }
                None => Ok(false),
            },
            Run::File(input) => {
                let mut len = [0; 4];
                match input.read_exact(&mut len) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
                    Err(e) => return Err(e),
                }
                key.resize(u32::from_le_bytes(len) as usize, 0);
                input.read_exact(key)?;
                Ok(true)
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
        let keys = |ks: &[&str]| ks.iter().map(|k| k.as_bytes()).collect::<Keys>();
        spill.write_run(&keys(&["b", "d", "f"])).unwrap();
        spill.write_run(&keys(&["a", "d", "z"])).unwrap();
        spill.write_run(&Keys::default()).unwrap();
        let mut merged = Vec::new();
        spill
            .merge(keys(&["c", "f"]), &mut |k| {
                merged.push(String::from_utf8(k.to_vec()).unwrap());
                Ok(())
            })
            .unwrap();
        assert_eq!(merged, ["a", "b", "c", "d", "f", "z"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any number of runs (one to forty: trees of every shape), of short keys that repeat
        /// within and across runs, merge into the sorted keys, each once.
        #[test]
        fn any_runs_merge_into_every_key_in_order_once(
            runs in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(0u8..4, 0..4), 0..30), 0..40),
            held in proptest::collection::vec(proptest::collection::vec(0u8..4, 0..4), 0..30),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut spill = Spill::new(dir.path()).unwrap();
            let sorted = |ks: &[Vec<u8>]| ks.iter().map(Vec::as_slice).collect::<Keys>().sorted();
            for run in &runs {
                spill.write_run(&sorted(run)).unwrap();
            }
            let mut merged = Vec::new();
            spill.merge(sorted(&held), &mut |k| {
                merged.push(k.to_vec());
                Ok(())
            }).unwrap();
            let mut want: Vec<Vec<u8>> = runs.into_iter().flatten().chain(held).collect();
            want.sort();
            want.dedup();
            proptest::prop_assert_eq!(merged, want);
        }
    }
}
