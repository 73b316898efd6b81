//! Fuzzes rolo::fuzz::csv: arbitrary bytes in, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rolo::fuzz::csv(data));
