//! Index keys held in memory as one buffer ([`Keys`]): a bulk load holds millions of them back
//! for the flush, and a buffer each would cost an allocation and a free per key, a pointer
//! chased per comparison when they are sorted, and memory returned to the allocator piecemeal.

/// Index keys one after another in one buffer, in the order pushed (or sorted by
/// [`Keys::sorted`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Keys {
    bytes: Vec<u8>,
    /// Where each key ends in `bytes`.
    ends: Vec<usize>,
}

impl Keys {
    /// Room for `keys` keys of `bytes` bytes in all, so that filling it does not reallocate.
    pub fn with_capacity(keys: usize, bytes: usize) -> Keys {
        Keys { bytes: Vec::with_capacity(bytes), ends: Vec::with_capacity(keys) }
    }

    /// Adds a key at the end.
    pub fn push(&mut self, key: &[u8]) {
        self.bytes.extend_from_slice(key);
        self.ends.push(self.bytes.len());
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// How many bytes the keys take together.
    pub fn bytes(&self) -> usize {
        self.bytes.len()
    }

    /// The key at `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.bytes[start..end])
    }

    /// The keys in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// The same keys in byte order, each once. Keys are sorted by their first eight bytes as
    /// one number, then those that share them by their next eight, and so on: each key's bytes
    /// are read once a round, not once a comparison (a bulk load's owner and link keys share
    /// their first eight bytes by the thousand).
    pub fn sorted(&self) -> Keys {
        let key = |i: usize| self.get(i).unwrap_or_default();
        let mut order: Vec<(u64, usize)> = (0..self.len()).map(|i| (window(key(i), 0), i)).collect();
        sort_by_windows(&mut order, 0, &key);
        let mut out = Keys::with_capacity(order.len(), self.bytes.len());
        let mut last: Option<&[u8]> = None;
        for (_, i) in order {
            let k = key(i);
            if last != Some(k) {
                out.push(k);
                last = Some(k);
            }
        }
        out
    }

    /// Keeps the keys `keep` says yes to, in their order.
    pub fn retain(&mut self, mut keep: impl FnMut(&[u8]) -> bool) {
        let mut kept = Keys::with_capacity(self.len(), self.bytes.len());
        for k in self.iter().filter(|k| keep(k)) {
            kept.push(k);
        }
        *self = kept;
    }
}

/// The eight bytes of `key` from `at` as one number, zeros standing for bytes past its end.
fn window(key: &[u8], at: usize) -> u64 {
    let rest = key.get(at..).unwrap_or_default();
    let mut eight = [0u8; 8];
    let n = rest.len().min(8);
    eight[..n].copy_from_slice(&rest[..n]);
    u64::from_be_bytes(eight)
}

/// How far into keys [`sort_by_windows`] goes by windows: keys that share their first 64 bytes
/// (long names, say) are compared whole, so that a pasted name a megabyte long cannot run the
/// sort a hundred thousand calls deep.
const MOST_WINDOWED: usize = 64;

/// Sorts `order`, pairs of a key's [`window`] at `at` and the key's index, by the keys' bytes
/// from `at` on: by that window, then each run sharing it by the next one. Keys that share every
/// window up to their ends differ only in trailing zero bytes, and the shorter comes first.
fn sort_by_windows<'k>(order: &mut [(u64, usize)], at: usize, key: &impl Fn(usize) -> &'k [u8]) {
    order.sort_unstable_by_key(|&(w, _)| w);
    for run in order.chunk_by_mut(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        let next = at + 8;
        if next >= MOST_WINDOWED {
            run.sort_unstable_by(|a, b| key(a.1).cmp(key(b.1)));
            continue;
        }
        if run.iter().all(|&(_, i)| key(i).len() <= next) {
            run.sort_unstable_by_key(|&(_, i)| key(i).len());
            continue;
        }
        for entry in run.iter_mut() {
            entry.0 = window(key(entry.1), next);
        }
        sort_by_windows(run, next, key);
    }
}

impl<K: AsRef<[u8]>> FromIterator<K> for Keys {
    fn from_iter<I: IntoIterator<Item = K>>(keys: I) -> Keys {
        let mut out = Keys::default();
        for k in keys {
            out.push(k.as_ref());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Sorting gives what sorting each key in a buffer of its own gives, repeats dropped,
        /// whatever the keys' lengths (empty, shorter than the eight bytes compared first, equal
        /// in those eight and differing after them, or differing only in trailing zeros).
        #[test]
        fn sorted_keys_are_in_byte_order_each_once(keys in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![Just(0u8), Just(1u8), Just(0xffu8), any::<u8>()], 0..20), 0..200)) {
            let held: Keys = keys.iter().collect();
            prop_assert_eq!(held.len(), keys.len());
            prop_assert_eq!(held.iter().map(<[u8]>::to_vec).collect::<Vec<_>>(), keys.clone());
            let mut expected = keys;
            expected.sort();
            expected.dedup();
            prop_assert_eq!(held.sorted().iter().map(<[u8]>::to_vec).collect::<Vec<_>>(), expected);
        }

        /// The same for keys of zeros and ones up to ninety bytes long: most share their first
        /// windows, many differ only in trailing zeros, and some share more than are sorted
        /// by windows.
        #[test]
        fn keys_sharing_windows_sort_in_byte_order(keys in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![9 => Just(0u8), 1 => Just(1u8)], 0..90), 0..300)) {
            let mut expected = keys.clone();
            expected.sort();
            expected.dedup();
            let held: Keys = keys.iter().collect();
            prop_assert_eq!(held.sorted().iter().map(<[u8]>::to_vec).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn retained_keys_keep_their_order() {
        let mut keys: Keys = ["b", "a", "c", ""].iter().map(|s| s.as_bytes()).collect();
        keys.retain(|k| k != b"a");
        assert_eq!(keys.iter().collect::<Vec<_>>(), [&b"b"[..], b"c", b""]);
        assert_eq!(keys.bytes(), 2);
        assert_eq!(keys.get(3), None);
    }
}
