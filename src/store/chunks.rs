//! Search texts packed in chunks: one table row holds the texts of up to [`CHUNK`] consecutive
//! ids of a kind. Loading the search index then reads a few thousand large values instead of a
//! million small rows, which is what bounds a cold `rolo search` on a big file.
//!
//! A chunk is stored as a zstd frame (with its checksum) of the plain layout: for each text, its
//! id's slot in the chunk (one byte), its length (four bytes, little-endian) and its bytes. Texts
//! of neighbouring records share much (domains, companies, cities), and compressed they take a
//! quarter of the pages. Chunks written before schema 9 are the plain layout itself, and still
//! read: one starts as a zstd frame does only if its first text is over 16 MB long, and then it
//! does not decode as one.
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::thread::LocalKey;

use zstd::bulk::{Compressor, Decompressor};

use crate::model::Id;

/// How many consecutive ids share a chunk (a power of two: the id's low byte is its slot).
pub const CHUNK: u64 = 256;

/// The chunk an id's text lives in.
pub fn chunk_of(id: Id) -> u64 {
    id / CHUNK
}

/// zstd's level: its fastest, since a bulk load packs its chunks on the thread it waits for;
/// on texts this short the default (3) packs them only about 3% smaller.
const LEVEL: i32 = 1;

/// How every zstd frame starts.
const FRAME: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// The most a chunk's frame may claim to unpack to before it is refused unread.
const MOST_PLAIN: u64 = 1 << 30;

/// How many times its size a frame unpacks to at most: a block of a few bytes may repeat one
/// byte 128 KB long. A damaged size field claiming more is refused before anything is reserved.
const MOST_RATIO: u64 = 1 << 15;

thread_local! {
    /// Each thread's zstd contexts, made on first use: a context costs more to set up than a
    /// chunk does to pack.
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's context in `slot`, made by `make` on first use.
fn with_context<C: 'static, T>(
    slot: &'static LocalKey<RefCell<Option<C>>>,
    make: impl FnOnce() -> std::io::Result<C>,
    f: impl FnOnce(&mut C) -> std::io::Result<T>,
) -> std::io::Result<T> {
    slot.with_borrow_mut(|context| {
        let context = match context {
            Some(made) => made,
            None => context.insert(make()?),
        };
        f(context)
    })
}

/// Calls `f` with each (id, text) packed in chunk `chunk`, in id order. A damaged chunk stops
/// the walk with an error naming it.
pub fn walk(chunk: u64, bytes: &[u8], f: &mut dyn FnMut(Id, &str)) -> Result<(), String> {
    walk_plain(chunk, &plain_of(chunk, bytes)?.0, f)
}

/// The plain layout of a stored chunk, and whether it was compressed.
fn plain_of(chunk: u64, bytes: &[u8]) -> Result<(Cow<'_, [u8]>, bool), String> {
    if bytes.starts_with(&FRAME) {
        if let Some(plain) = decompressed(bytes) {
            return Ok((Cow::Owned(plain), true));
        }
        // Only a plain chunk whose first text is over 16 MB long, read whole before it is used.
        walk_plain(chunk, bytes, &mut |_, _| ())?;
    }
    Ok((Cow::Borrowed(bytes), false))
}

/// The bytes a zstd frame holds; `None` when it does not decode, or claims to hold too much.
fn decompressed(frame: &[u8]) -> Option<Vec<u8>> {
    let size = zstd::zstd_safe::get_frame_content_size(frame).ok()??;
    if size > MOST_PLAIN.min((frame.len() as u64).saturating_mul(MOST_RATIO)) {
        return None;
    }
    with_context(&DECOMPRESSOR, Decompressor::new, |d| d.decompress(frame, size as usize)).ok()
}

/// [`walk`] over the plain layout.
fn walk_plain(chunk: u64, bytes: &[u8], f: &mut dyn FnMut(Id, &str)) -> Result<(), String> {
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

/// Packs the texts of one chunk (all their ids must fall in it), compressed. zstd fails only
/// short of memory.
pub fn pack(texts: &BTreeMap<Id, String>) -> Result<Vec<u8>, String> {
    compress(&plain(texts))
}

/// Compresses a chunk's plain layout.
fn compress(plain: &[u8]) -> Result<Vec<u8>, String> {
    let make = || {
        let mut compressor = Compressor::new(LEVEL)?;
        compressor.include_checksum(true)?;
        Ok(compressor)
    };
    with_context(&COMPRESSOR, make, |c| c.compress(plain))
        .map_err(|e| format!("search texts could not be compressed: {e}"))
}

/// Chunk `chunk` compressed, if it is of the plain layout (`None` if it is compressed already,
/// or damaged: left for `rolo check` to name).
pub fn compressed(chunk: u64, bytes: &[u8]) -> Option<Vec<u8>> {
    match plain_of(chunk, bytes) {
        // The plain layout, once it is known to read whole, is what `pack` compresses.
        Ok((plain, false)) if walk_plain(chunk, &plain, &mut |_, _| ()).is_ok() => compress(&plain).ok(),
        _ => None,
    }
}

/// The texts of one chunk in the plain layout.
pub(super) fn plain(texts: &BTreeMap<Id, String>) -> Vec<u8> {
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

    fn texts() -> BTreeMap<Id, String> {
        let mut texts: BTreeMap<Id, String> =
            [(512, "Zoë Ōsaka".to_string()), (513, String::new()), (767, "株式会社 x".to_string())].into();
        texts.extend((520..760).map(|id| (id, format!("Ann Lee {id}\tAcme Ltd\tann.lee{id}@example.com"))));
        texts
    }

    #[test]
    fn texts_round_trip_through_a_compressed_chunk() {
        let texts = texts();
        let bytes = pack(&texts).unwrap();
        assert!(bytes.starts_with(&FRAME));
        assert!(bytes.len() * 3 < plain(&texts).len(), "{} bytes", bytes.len());
        assert_eq!(unpack(2, &bytes).unwrap(), texts);
    }

    #[test]
    fn chunks_of_the_plain_layout_still_read_and_compress() {
        let texts = texts();
        assert_eq!(unpack(2, &plain(&texts)).unwrap(), texts);
        let packed = compressed(2, &plain(&texts)).unwrap();
        assert_eq!(unpack(2, &packed).unwrap(), texts);
        assert_eq!(compressed(2, &packed), None, "compressed once");
        assert_eq!(compressed(2, &plain(&texts)[..9]), None, "a damaged chunk is left as it is");
    }

    #[test]
    fn a_damaged_chunk_is_an_error_not_a_panic() {
        for bytes in [plain(&[(3, "hello".to_string())].into()), pack(&texts()).unwrap()] {
            for cut in 1..bytes.len() {
                assert!(unpack(0, &bytes[..cut]).is_err(), "cut at {cut}");
            }
        }
        // A bit flipped anywhere fails the frame's checksum or its decoding, unless it is one
        // the decoding never reads: never other texts.
        let (texts, packed) = (texts(), pack(&texts()).unwrap());
        let mut refused = 0;
        for at in 0..packed.len() {
            let mut flipped = packed.clone();
            flipped[at] ^= 0x10;
            match unpack(2, &flipped) {
                Ok(read) => assert_eq!(read, texts, "flipped at {at}"),
                Err(_) => refused += 1,
            }
        }
        assert!(refused * 10 > packed.len() * 9, "{refused} of {} refused", packed.len());
    }

    #[test]
    fn a_plain_chunk_starting_as_a_frame_does_still_reads() {
        // Slot 0x28, then a first text of 0x01FD2FB5 bytes (over 16 MB).
        let long = "x".repeat(0x01FD_2FB5);
        let texts: BTreeMap<Id, String> = [(0x28, long), (0x29, "Zoë".to_string())].into();
        let old = plain(&texts);
        assert!(old.starts_with(&FRAME));
        assert_eq!(unpack(0, &old).unwrap(), texts);
        assert_eq!(unpack(0, &compressed(0, &old).unwrap()).unwrap(), texts);
    }

    #[test]
    fn a_frame_claiming_an_absurd_size_is_refused_unread() {
        // A frame header with a single segment and an eight-byte content size of a terabyte.
        let mut forged = FRAME.to_vec();
        forged.push(0xE0);
        forged.extend_from_slice(&(1u64 << 40).to_le_bytes());
        forged.extend_from_slice(&[0; 16]);
        assert_eq!(zstd::zstd_safe::get_frame_content_size(&forged).ok(), Some(Some(1 << 40)));
        assert!(unpack(0, &forged).is_err());
    }
}
