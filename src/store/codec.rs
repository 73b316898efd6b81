//! The record envelope: one byte of format version, then the bincode 2 (serde) payload.
//!
//! bincode writes no field names, so a stored struct can never silently gain a field: a change to
//! one is a new format version here, with the old shape kept and converted on read.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;
use crate::model::RecordRef;

/// The envelope version this build writes.
pub const FORMAT: u8 = 1;

/// Largest payload decoded: a guard against a damaged length prefix asking for gigabytes.
const LIMIT: usize = 16 << 20;

fn config()
-> bincode::config::Configuration<bincode::config::LittleEndian, bincode::config::Varint, bincode::config::Limit<LIMIT>>
{
    bincode::config::standard().with_limit::<LIMIT>()
}

/// Encodes a value in the current envelope.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT];
    out.extend_from_slice(&payload(value));
    out
}

/// Decodes an envelope, naming the record in the error when it cannot be read.
pub fn decode<T: DeserializeOwned>(what: RecordRef, bytes: &[u8]) -> Result<T, StoreError> {
    let bad = |detail: String| StoreError::BadRecord { record: what, detail };
    match bytes.split_first() {
        None => Err(bad("empty value".into())),
        Some((&FORMAT, payload)) => {
            let (value, used) = bincode::serde::decode_from_slice(payload, config()).map_err(|e| bad(e.to_string()))?;
            if used != payload.len() {
                return Err(bad(format!("{} trailing bytes", payload.len() - used)));
            }
            Ok(value)
        }
        Some((&v, _)) if v > FORMAT => Err(bad(format!(
            "written in record format {v} by a newer rolo (this one reads up to {FORMAT}): upgrade rolo"
        ))),
        Some((&v, _)) => Err(bad(format!("unknown record format {v}"))),
    }
}

/// Decodes a setting's value.
pub fn decode_setting<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    bincode::serde::decode_from_slice(bytes, config())
        .map(|(value, _)| value)
        .map_err(|e| StoreError::Other(format!("the setting {key} cannot be read ({e}): restore a backup")))
}

/// Bincode of a value without the envelope: a setting's stored value, or what a record's fields
/// look like inside the envelope.
pub fn payload<T: Serialize>(value: &T) -> Vec<u8> {
    // Encoding plain data into a Vec cannot fail: no I/O, and every type here is serialisable.
    bincode::serde::encode_to_vec(value, config()).expect("plain data always encodes")
}

/// Decodes a value at the start of `bytes`, returning it and the bytes it took.
pub fn decode_prefix<T: DeserializeOwned>(bytes: &[u8]) -> Result<(T, usize), String> {
    bincode::serde::decode_from_slice(bytes, config()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contact, Kind};

    fn what() -> RecordRef {
        RecordRef::new(Kind::Contact, 7)
    }

    #[test]
    fn envelope_round_trips_and_starts_with_the_format() {
        let c = Contact { id: 7, first_name: "Zoë".into(), last_name: "Ōta".into(), ..Default::default() };
        let bytes = encode(&c);
        assert_eq!(bytes[0], FORMAT);
        let back: Contact = decode(what(), &bytes).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn unknown_versions_and_damage_are_errors_not_skips() {
        let c = Contact::default();
        let mut bytes = encode(&c);
        bytes[0] = FORMAT + 1;
        let err = decode::<Contact>(what(), &bytes).unwrap_err().to_string();
        assert!(err.contains("newer rolo"), "{err}");
        bytes[0] = 0;
        assert!(decode::<Contact>(what(), &bytes).is_err());
        assert!(decode::<Contact>(what(), &[]).is_err());
        let truncated = &encode(&c)[..3];
        assert!(decode::<Contact>(what(), truncated).is_err());
        let mut trailing = encode(&c);
        trailing.push(0);
        assert!(decode::<Contact>(what(), &trailing).is_err());
    }
}
