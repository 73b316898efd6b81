//! The fuzz targets of `fuzz/` on stable Rust: every seed (the committed corpus under
//! `fuzz/corpus/TARGET/`, the import fixtures, real record envelopes), then inputs mutated from
//! them by a seeded generator. `cargo test` runs a bounded, deterministic slice; the `#[ignore]`d
//! run takes `ROLO_FUZZ_RUNS` inputs per target (default a million) and any `ROLO_FUZZ_SEED`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rolo::store::RawRead as _;

/// A target: its name (its folder under `fuzz/corpus/`) and the function under test.
type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 5] = [
    ("record", rolo::fuzz::record),
    ("csv", rolo::fuzz::csv),
    ("vcard", rolo::fuzz::vcard),
    ("values", rolo::fuzz::values),
    ("query", rolo::fuzz::query),
];

/// The starting inputs of a target.
fn seeds(name: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<Vec<u8>> = read_dir(&root.join("fuzz/corpus").join(name));
    let fixtures = read_dir(&root.join("tests/fixtures/import"));
    match name {
        "csv" => {
            seeds.extend(fixtures.into_iter().filter(|f| !f.starts_with(b"BEGIN")).map(|f| [&[0u8][..], &f].concat()))
        }
        "vcard" => seeds.extend(fixtures.into_iter().filter(|f| f.starts_with(b"BEGIN"))),
        "record" => seeds.extend(envelopes()),
        _ => {}
    }
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    seeds
}

fn read_dir(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// Real stored envelopes of every kind, each behind the byte that picks its kind.
fn envelopes() -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let (_keep, db) = super::populated();
    let copy = dir.path().join("c.redb");
    std::fs::copy(&db, &copy).unwrap();
    drop(rolo::crm::Crm::open(&copy).unwrap());
    // The raw bytes, below the service: the store itself, as only tests reach it.
    let store = rolo::store::Store::open(&copy, rolo::crm::Workload::Brief).unwrap();
    let r = store.read().unwrap();
    let mut all = Vec::new();
    for (i, kind) in rolo::model::Kind::ALL.iter().enumerate() {
        r.scan_records(*kind, &mut |_, bytes| {
            all.push([&[i as u8][..], bytes].concat());
            all.len() % 4 != 0
        })
        .unwrap();
    }
    all
}

/// One input made from `seeds`: a bit flipped, bytes set, inserted, removed, repeated, cut or
/// spliced from another seed, a few times over.
fn mutate(rng: &mut ChaCha8Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.random_range(0..seeds.len())].clone();
    for _ in 0..rng.random_range(1..6) {
        let at = if data.is_empty() { 0 } else { rng.random_range(0..data.len()) };
        match rng.random_range(0..7) {
            0 if !data.is_empty() => data[at] ^= 1 << rng.random_range(0..8),
            1 if !data.is_empty() => {
                data[at] = *[0u8, 0xff, b'\n', b'\r', b',', b'"', b':', b'=', 0x1b, 0x80]
                    .get(rng.random_range(0..10))
                    .unwrap_or(&0)
            }
            2 => {
                let bytes: Vec<u8> = (0..rng.random_range(1..32)).map(|_| rng.random()).collect();
                data.splice(at..at, bytes);
            }
            3 if !data.is_empty() => {
                let end = (at + rng.random_range(1..64)).min(data.len());
                data.drain(at..end);
            }
            4 if !data.is_empty() => {
                let end = (at + rng.random_range(1..64)).min(data.len());
                let piece = data[at..end].repeat(rng.random_range(1..50));
                data.splice(at..at, piece);
            }
            5 => data.truncate(at),
            _ => {
                let other = &seeds[rng.random_range(0..seeds.len())];
                let from = if other.is_empty() { 0 } else { rng.random_range(0..other.len()) };
                data.splice(at..at, other[from..].iter().copied().take(256));
            }
        }
    }
    data
}

/// Runs every seed and `runs` mutations through each target; returns the executions, and
/// fails naming the target and the input (as hex) of any panic.
fn fuzz(seed: u64, runs: usize) -> usize {
    let mut executions = 0;
    for (name, target) in TARGETS {
        let seeds = seeds(name);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let inputs = seeds.clone().into_iter().chain((0..runs).map(|_| mutate(&mut rng, &seeds)));
        for input in inputs {
            executions += 1;
            if catch_unwind(AssertUnwindSafe(|| target(&input))).is_err() {
                let hex: String = input.iter().map(|b| format!("{b:02x}")).collect();
                panic!("fuzz target {name} panicked on input {hex}");
            }
        }
    }
    executions
}

#[test]
fn fuzz_targets_survive_their_seeds_and_mutations() {
    assert!(fuzz(2026, 2_000) > 10_000);
}

#[test]
#[ignore = "a long run: ROLO_FUZZ_RUNS inputs per target"]
fn fuzz_long() {
    let runs = std::env::var("ROLO_FUZZ_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(1_000_000);
    let seed = std::env::var("ROLO_FUZZ_SEED").ok().and_then(|r| r.parse().ok()).unwrap_or(1);
    eprintln!("{} executions", fuzz(seed, runs));
}
