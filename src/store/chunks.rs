//! Search texts packed in chunks: one table row holds the texts of up to [`CHUNK`] consecutive
//! ids of a kind. Loading the search index then reads a few thousand large values instead of a
//! million small rows, which is what bounds a cold `rolo search` on a big file.

use std::collections::BTreeMap;

use crate::model::Id;

/// How many consecutive ids share a chunk (a power of two: the id's low byte is its slot).
pub const CHUNK: u64 = 256;

/// The chunk an id's text lives in.
pub fn chunk_of(id: Id) -> u64 {
    id / CHUNK
}

/// Calls `f` with each (id, text) packed in chunk `chunk`, in id order. A damaged chunk stops
/// the walk with an error naming it.
pub fn walk(chunk: u64, bytes: &[u8], f: &mut dyn FnMut(Id, &str)) -> Result<(), String> {
    let mut rest = bytes;
    while let [slot, a, b, c, d, tail @ ..] = rest {
        let len = u32::from_le_bytes([*a, *b, *c, *d]) as usize;
        let text = tail.get(..len).ok_or_else(|| damaged(chunk))?;
        let text = std::str::from_utf8(text).map_err(|_| damaged(chunk))?;
        f(chunk * CHUNK + u64::from(*slot), text);
        rest = &tail[len..];
    }
    if rest.is_empty() { Ok(()) } else { Err(damaged(chunk)) }
}

fn damaged(chunk: u64) -> String {
    format!("search-key chunk {chunk} is damaged: run `rolo check`, or restore a backup")
}

/// The texts of one chunk, keyed by id, for rewriting it.
pub fn unpack(chunk: u64, bytes: &[u8]) -> Result<BTreeMap<Id, String>, String> {
    let mut texts = BTreeMap::new();
    walk(chunk, bytes, &mut |id, text| {
        texts.insert(id, text.to_string());
    })?;
    Ok(texts)
}

/// Packs the texts of one chunk (all their ids must fall in it).
pub fn pack(texts: &BTreeMap<Id, String>) -> Vec<u8> {
    let mut out = Vec::with_capacity(texts.values().map(|t| t.len() + 5).sum());
    for (id, text) in texts {
        out.push((id % CHUNK) as u8);
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip_through_a_chunk() {
        let texts: BTreeMap<Id, String> =
            [(512, "Zoë Ōsaka".to_string()), (513, String::new()), (767, "株式会社 x".to_string())].into();
        let bytes = pack(&texts);
        assert_eq!(unpack(2, &bytes).unwrap(), texts);
    }

    #[test]
    fn a_truncated_chunk_is_an_error_not_a_panic() {
        let bytes = pack(&[(3, "hello".to_string())].into());
        for cut in 1..bytes.len() {
            assert!(unpack(0, &bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
