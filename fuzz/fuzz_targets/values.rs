//! Fuzzes rolo::fuzz::values with structured text: a value as people type it.
#![no_main]

use arbitrary::Arbitrary;

/// A typed value: a sign, digits and a unit, or any text.
#[derive(Arbitrary, Debug)]
enum Typed {
    Relative { sign: bool, count: u64, unit: char },
    Date { year: i32, month: u8, day: u8, time: Option<(u8, u8)> },
    Amount { units: i64, cents: u8 },
    Text(String),
}

libfuzzer_sys::fuzz_target!(|typed: Typed| {
    let text = match typed {
        Typed::Relative { sign, count, unit } => format!("{}{count}{unit}", if sign { '+' } else { '-' }),
        Typed::Date { year, month, day, time: None } => format!("{year:04}-{month:02}-{day:02}"),
        Typed::Date { year, month, day, time: Some((h, m)) } => format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}"),
        Typed::Amount { units, cents } => format!("{units}.{cents:02}"),
        Typed::Text(text) => text,
    };
    rolo::fuzz::values(text.as_bytes());
});
