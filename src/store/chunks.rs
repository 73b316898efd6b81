//! Search texts packed in chunks: one table row holds the texts of up to [`FILE_CHUNK`] (in a
//! file) or [`WIDE_CHUNK`] (on PostgreSQL) consecutive ids of a kind. Loading the search index
//! then reads thousands of values instead of a million small rows, which is what bounds a cold
//! `rolo search` on a big file.
//!
//! A chunk is stored as a zstd frame (with its checksum) of the plain layout: for each text, its
//! id's slot in the chunk (one byte), its length (four bytes, little-endian) and its bytes. Texts
//! of neighbouring records share much (domains, companies, cities), and compressed they take a
//! quarter of the pages. Chunks written before schema 9 are the plain layout itself (a file's
//! are packed again on upgrade; a PostgreSQL database's stay), and still read: one starts as a zstd frame does only if its first text is over 16 MB long, and then it
//! does not decode as one.
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::thread::LocalKey;

use zstd::bulk::{Compressor, Decompressor};

use crate::model::Id;

/// How many consecutive ids share a chunk in a file (schema 10). The texts of 256 contacts,
/// compressed, come to just over 4 KB, and redb gave each such value two 4 KB pages, half of
/// them empty; 64 texts take a kilobyte or so, and three share a page.
pub const FILE_CHUNK: u64 = 64;

/// How many share a chunk in a PostgreSQL database, whose rows fill no fixed pages, and did in
/// a file before schema 10. No chunk holds more: an id's slot in its chunk is one byte.
pub const WIDE_CHUNK: u64 = 256;

/// The chunk of `size` ids an id's text lives in.
pub fn chunk_of(id: Id, size: u64) -> u64 {
    id / size
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

/// Calls `f` with each (id, text) packed in chunk `chunk` of `size` ids, in id order. A
/// damaged chunk stops the walk with an error naming it.
pub fn walk(chunk: u64, size: u64, bytes: &[u8], f: &mut dyn FnMut(Id, &str)) -> Result<(), String> {
    walk_plain(chunk, size, &plain_of(chunk, size, bytes)?.0, f)
}

/// The plain layout of a stored chunk, and whether it was compressed.
fn plain_of(chunk: u64, size: u64, bytes: &[u8]) -> Result<(Cow<'_, [u8]>, bool), String> {
    if bytes.starts_with(&FRAME) {
        if let Some(plain) = decompressed(bytes) {
            return Ok((Cow::Owned(plain), true));
        }
        // Only a plain chunk whose first text is over 16 MB long, read whole before it is used.
        walk_plain(chunk, size, bytes, &mut |_, _| ())?;
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
fn walk_plain(chunk: u64, size: u64, bytes: &[u8], f: &mut dyn FnMut(Id, &str)) -> Result<(), String> {
    let mut rest = bytes;
    while let [slot, a, b, c, d, tail @ ..] = rest {
        let len = u32::from_le_bytes([*a, *b, *c, *d]) as usize;
        let text = tail.get(..len).ok_or_else(|| damaged(chunk))?;
        let text = std::str::from_utf8(text).map_err(|_| damaged(chunk))?;
        if u64::from(*slot) >= size {
            return Err(damaged(chunk));
        }
        f(chunk * size + u64::from(*slot), text);
        rest = &tail[len..];
    }
    if rest.is_empty() { Ok(()) } else { Err(damaged(chunk)) }
}

fn damaged(chunk: u64) -> String {
    format!("search-key chunk {chunk} is damaged: run `rolo check`, or restore a backup")
}

/// The texts of one chunk of `size` ids, keyed by id, for rewriting it.
pub fn unpack(chunk: u64, size: u64, bytes: &[u8]) -> Result<BTreeMap<Id, String>, String> {
    let mut texts = BTreeMap::new();
    walk(chunk, size, bytes, &mut |id, text| {
        texts.insert(id, text.to_string());
    })?;
    Ok(texts)
}

/// Packs the texts of one chunk of `size` ids (all their ids must fall in it), compressed. zstd
/// fails only short of memory.
pub fn pack(texts: &BTreeMap<Id, String>, size: u64) -> Result<Vec<u8>, String> {
    compress(&plain(texts, size))
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

/// The texts of one chunk of `size` ids in the plain layout.
pub(super) fn plain(texts: &BTreeMap<Id, String>, size: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(texts.values().map(|t| t.len() + 5).sum());
    for (id, text) in texts {
        out.push((id % size) as u8);
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
        let bytes = pack(&texts, WIDE_CHUNK).unwrap();
        assert!(bytes.starts_with(&FRAME));
        assert!(bytes.len() * 3 < plain(&texts, WIDE_CHUNK).len(), "{} bytes", bytes.len());
        assert_eq!(unpack(2, WIDE_CHUNK, &bytes).unwrap(), texts);
        // A file's chunks: ids 576 to 639 are chunk 9 of 64.
        let file: BTreeMap<Id, String> = texts.range(576..640).map(|(id, t)| (*id, t.clone())).collect();
        assert_eq!(unpack(9, FILE_CHUNK, &pack(&file, FILE_CHUNK).unwrap()).unwrap(), file);
        let first = plain(&file, FILE_CHUNK)[0];
        assert_eq!(first, 0, "576 is the first of its chunk");
    }

    #[test]
    fn chunks_of_the_plain_layout_still_read() {
        let texts = texts();
        assert_eq!(unpack(2, WIDE_CHUNK, &plain(&texts, WIDE_CHUNK)).unwrap(), texts);
    }

    #[test]
    fn a_slot_past_its_chunk_is_damage() {
        // Slot 200 reads in a chunk of 256 ids, and is no slot of a chunk of 64.
        let texts: BTreeMap<Id, String> = [(200, "Ann".to_string())].into();
        let bytes = pack(&texts, WIDE_CHUNK).unwrap();
        assert_eq!(unpack(0, WIDE_CHUNK, &bytes).unwrap(), texts);
        assert!(unpack(0, FILE_CHUNK, &bytes).is_err());
    }

    #[test]
    fn a_damaged_chunk_is_an_error_not_a_panic() {
        for bytes in [plain(&[(3, "hello".to_string())].into(), FILE_CHUNK), pack(&texts(), WIDE_CHUNK).unwrap()] {
            for cut in 1..bytes.len() {
                assert!(unpack(0, WIDE_CHUNK, &bytes[..cut]).is_err(), "cut at {cut}");
            }
        }
        // A bit flipped anywhere fails the frame's checksum or its decoding, unless it is one
        // the decoding never reads: never other texts.
        let (texts, packed) = (texts(), pack(&texts(), WIDE_CHUNK).unwrap());
        let mut refused = 0;
        for at in 0..packed.len() {
            let mut flipped = packed.clone();
            flipped[at] ^= 0x10;
            match unpack(2, WIDE_CHUNK, &flipped) {
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
        let old = plain(&texts, WIDE_CHUNK);
        assert!(old.starts_with(&FRAME));
        assert_eq!(unpack(0, WIDE_CHUNK, &old).unwrap(), texts);
    }

    #[test]
    fn a_frame_claiming_an_absurd_size_is_refused_unread() {
        // A frame header with a single segment and an eight-byte content size of a terabyte.
        let mut forged = FRAME.to_vec();
        forged.push(0xE0);
        forged.extend_from_slice(&(1u64 << 40).to_le_bytes());
        forged.extend_from_slice(&[0; 16]);
        assert_eq!(zstd::zstd_safe::get_frame_content_size(&forged).ok(), Some(Some(1 << 40)));
        assert!(unpack(0, WIDE_CHUNK, &forged).is_err());
    }
}
