//! Entry points for fuzzing: each takes arbitrary bytes, runs one reader of untrusted input over
//! them, and must return without panicking, whatever the bytes. The cargo-fuzz targets in
//! `fuzz/` call them for long runs; `tests/hardening/fuzz.rs` replays seeds and a bounded
//! number of mutations of them on stable Rust under `cargo test`.

use crate::import::{self, Mapping, Options};
use crate::model::{Amount, Currency, Date, Kind, RecordRef, Timestamp, parse_duration};

/// The kinds an import reads.
const IMPORT_KINDS: [Kind; 7] =
    [Kind::Contact, Kind::Account, Kind::Lead, Kind::Opportunity, Kind::Task, Kind::Call, Kind::Product];

/// The record decoder: the first byte picks the kind, the rest is a stored envelope.
pub fn record(data: &[u8]) {
    let Some((&which, envelope)) = data.split_first() else { return };
    let kind = Kind::ALL[which as usize % Kind::ALL.len()];
    crate::model::with_record_type!(kind, R => {
        let _ = crate::store::codec::decode_record::<R>(RecordRef::new(kind, 1), envelope);
    });
}

/// The CSV importer, from the bytes of a file to records: the first byte picks the kind and
/// whether the file is read as Windows-1252.
pub fn csv(data: &[u8]) {
    let Some((&flags, file)) = data.split_first() else { return };
    let kind = IMPORT_KINDS[(flags & 0x7f) as usize % IMPORT_KINDS.len()];
    let Ok(file) = import::read_csv(file.to_vec(), flags & 0x80 != 0) else { return };
    let Ok(mapping) = Mapping::new(kind, &file.headers, &[]) else { return };
    let (options, mut notes) = (Options::default(), Vec::new());
    for _ in import::records(&file, &mapping, &options, &mut notes) {}
}

/// The vCard importer, from the bytes of a file to contacts.
pub fn vcard(data: &[u8]) {
    let (options, mut notes) =
        (Options { latin1: data.first().is_some_and(|b| b & 1 == 1), ..Options::default() }, Vec::new());
    for _ in import::card::rows(data, &options, &mut notes) {}
}

/// The date, date-time, amount, currency and duration parsers; a date read back from its own
/// text must be the same date.
pub fn values(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let today = Date::from_ymd(2026, 12, 4).unwrap_or_default();
    if let Ok(d) = Date::parse_relative(&text, today) {
        assert_eq!(Date::parse_iso(&d.to_string()), Ok(d), "a date reads back from its own text");
    }
    let _ = Date::parse_iso(&text);
    let _ = Timestamp::parse_local(&text).map(|t| t.display_local());
    let _ = Amount::parse(&text).map(|a| (a.grouped(), a.decimal()));
    let _ = Currency::parse(&text);
    let _ = parse_duration(&text).map(crate::model::format_duration);
}

/// The query parsers: the filter language over every kind (every list, the board, the tasks
/// and the calls read it), report periods, record references, and the text helpers every typed line meets.
pub fn query(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let today = Date::from_ymd(2026, 12, 4).unwrap_or_default();
    let names = crate::crm::Vocabulary {
        stages: vec![(1, "Negotiation".into()), (2, "Needs analysis".into())],
        sources: vec!["Web".into()],
        ..Default::default()
    };
    for kind in Kind::ALL {
        let _ = crate::crm::Filter::parse(kind, &text, &names, today);
    }
    for (format, _) in crate::model::DateFormat::ALL {
        let dates = crate::model::Dates { format, ..Default::default() };
        let _ = crate::tui::Period::parse(&text, today, dates);
        let _ = dates.parse_instant(&text, today);
    }
    let _ = text.parse::<RecordRef>();
    let _ = crate::text::message(&text);
    let _ = crate::text::truncate(&text, data.len() % 40);
}
