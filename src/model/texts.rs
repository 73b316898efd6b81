//! One rule for every text field of every record kind: how long it may be and which characters
//! it may hold. A field that may hold several lines (a note, a call's notes, a description)
//! keeps line breaks and tabs and takes up to [`LINES_MAX`] characters; every other text is one
//! line of at most [`LINE_MAX`]. Control characters (ESC, BEL, NUL, C1 controls...) are never
//! stored: [`tidy`] takes them out as a record is written, whatever front end it came from.
//!
//! The fields are found through the record's own `Serialize`, so a field added later is covered
//! without a line here; a clean record (nearly every one) is read once and never copied.

use std::fmt;

use serde::Serialize;
use serde::ser;

use super::ValidationError;

/// The most characters a one-line text field holds (a name, a title, a city, a tag).
pub const LINE_MAX: usize = 500;
/// The most characters a text of several lines holds (a note, a description).
pub const LINES_MAX: usize = 100_000;

/// The fields whose text may run over several lines.
const MULTI_LINE: [&str; 9] =
    ["text", "notes", "description", "goal", "street", "lost_reason", "body", "error", "resolution"];

/// Whether `field` may hold several lines.
fn multi_line(field: &str) -> bool {
    MULTI_LINE.contains(&field)
}

/// The most characters `field` may hold.
pub fn limit(field: &str) -> usize {
    if multi_line(field) { LINES_MAX } else { LINE_MAX }
}

/// Whether a character may not be stored in `field`.
fn unwanted(c: char, lines: bool) -> bool {
    c.is_control() && !(lines && (c == '\n' || c == '\t'))
}

/// Whether `text` holds a character [`unwanted`] in a field that may (`lines()`) or may not
/// hold several lines. Read byte by byte, since bulk loads ask it of every text they bring: the
/// control characters are the bytes below a space, DEL, and the two-byte C1 controls.
fn any_unwanted(text: &str, lines: impl Fn() -> bool) -> bool {
    let bytes = text.as_bytes();
    // Most texts hold no byte that may start one: a test without early exit, which the compiler
    // runs over many bytes at a time.
    let suspect = |b: u8| b < b' ' || b == 0x7f || b == 0xc2;
    if !bytes.iter().fold(false, |seen, &b| seen | suspect(b)) {
        return false;
    }
    bytes.iter().enumerate().any(|(at, &b)| match b {
        b'\n' | b'\t' => !lines(),
        0..b' ' | 0x7f => true,
        0xc2 => bytes.get(at + 1).is_some_and(|next| (0x80..0xa0).contains(next)),
        _ => false,
    })
}

/// Text fit to store in `field`: in a one-line field, line breaks and tabs become spaces; in a
/// field of lines, Windows and old Mac line ends become `\n`; other control characters go.
pub fn clean(field: &str, text: &str) -> String {
    let lines = multi_line(field);
    let text = if lines { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() };
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\t' | '\r' if !lines => Some(' '),
            c if unwanted(c, lines) => None,
            c => Some(c),
        })
        .collect()
}

/// Takes control characters out of every text field of `rec`, then refuses a field longer than
/// its limit, naming the field and the limit.
pub fn tidy<R: Serialize + serde::de::DeserializeOwned>(rec: &mut R) -> Result<(), ValidationError> {
    let mut found = scan(rec);
    if found.dirty {
        rebuild(rec)?;
        found = scan(rec);
    }
    match found.too_long {
        Some(field) => Err(too_long(field)),
        None => Ok(()),
    }
}

/// Takes control characters out of every text field of `rec` (as [`tidy`] does, without the
/// limits, which a stored record may predate); says whether there were any.
pub fn scrub<R: Serialize + serde::de::DeserializeOwned>(rec: &mut R) -> Result<bool, ValidationError> {
    if !scan(rec).dirty {
        return Ok(false);
    }
    rebuild(rec)?;
    Ok(true)
}

fn scan<R: Serialize>(rec: &R) -> Scan {
    let mut scan = Scan::default();
    let _ = rec.serialize(&mut scan);
    scan
}

/// Rebuilds `rec` through its JSON form, each string cleaned by the field it sits in (rare:
/// only a record holding a control character comes here).
fn rebuild<R: Serialize + serde::de::DeserializeOwned>(rec: &mut R) -> Result<(), ValidationError> {
    let cleaned = serde_json::to_value(&*rec).map(|v| clean_value("", v)).and_then(serde_json::from_value);
    match cleaned {
        Ok(clean) => {
            *rec = clean;
            Ok(())
        }
        Err(e) => Err(ValidationError::new("text", format!("holds characters that cannot be stored ({e})"))),
    }
}

/// The error for a text longer than its field takes.
fn too_long(field: &str) -> ValidationError {
    ValidationError::new(field.replace('_', " "), format!("is longer than {} characters: shorten it", limit(field)))
}

fn clean_value(field: &str, v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(clean(field, &s)),
        Value::Array(items) => Value::Array(items.into_iter().map(|i| clean_value(field, i)).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = clean_value(&k, v);
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// A serializer that writes nothing: it reads every string of a record with the name of the
/// field holding it, noting control characters and the first field over its limit.
#[derive(Default)]
struct Scan {
    field: &'static str,
    dirty: bool,
    too_long: Option<&'static str>,
}

/// The scan never fails; serde asks for an error type all the same.
#[derive(Debug)]
struct Never;

impl fmt::Display for Never {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("never")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: fmt::Display>(_: T) -> Never {
        Never
    }
}

/// Serializer methods for values that hold no text: nothing to read.
macro_rules! skip {
    ($($name:ident: $t:ty),*) => {
        $(fn $name(self, _: $t) -> Result<(), Never> { Ok(()) })*
    };
}

impl ser::Serializer for &mut Scan {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    skip!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32,
        serialize_f64: f64, serialize_bytes: &[u8], serialize_unit_struct: &'static str);

    fn is_human_readable(&self) -> bool {
        false
    }
    fn serialize_char(self, c: char) -> Result<(), Never> {
        self.serialize_str(c.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        let field = self.field;
        self.dirty |= any_unwanted(v, || multi_line(field));
        if self.too_long.is_none() && v.len() > LINE_MAX {
            let max = limit(field);
            if v.len() > max && v.chars().count() > max {
                self.too_long = Some(field);
            }
        }
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
}

/// Elements of sequences and tuples: read with the field that holds them.
macro_rules! elements {
    ($($trait:ident: $method:ident),*) => {
        $(impl ser::$trait for &mut Scan {
            type Ok = ();
            type Error = Never;
            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Never> {
                v.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Never> {
                Ok(())
            }
        })*
    };
}

elements!(SerializeSeq: serialize_element, SerializeTuple: serialize_element, SerializeTupleStruct: serialize_field,
    SerializeTupleVariant: serialize_field);

impl ser::SerializeMap for &mut Scan {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Never> {
        k.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Never> {
        v.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

/// Fields of structs: each read under its own name, the holder's name restored after it.
macro_rules! fields {
    ($($trait:ident),*) => {
        $(impl ser::$trait for &mut Scan {
            type Ok = ();
            type Error = Never;
            fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result<(), Never> {
                let holder = std::mem::replace(&mut self.field, key);
                let _ = v.serialize(&mut **self);
                self.field = holder;
                Ok(())
            }
            fn end(self) -> Result<(), Never> {
                Ok(())
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, Contact, Email, Kind, Note, RecordRef};

    #[test]
    fn control_characters_leave_and_lines_stay_where_they_may() {
        let mut c = Contact {
            first_name: "Ann\u{1b}[2J\u{9b}\u{7f}".into(),
            last_name: "Lee\r\nSmith\0".into(),
            emails: vec![Email::new("ann@acme.example")],
            addresses: vec![Address { street: Some("1 Main St\r\nFlat 2\u{7}".into()), ..Default::default() }],
            tags: vec!["vip\u{1b}".into()],
            ..Default::default()
        };
        tidy(&mut c).unwrap();
        assert_eq!(c.first_name, "Ann[2J");
        assert_eq!(c.last_name, "Lee  Smith");
        assert_eq!(c.addresses[0].street.as_deref(), Some("1 Main St\nFlat 2"));
        assert_eq!(c.tags, ["vip"]);
        assert_eq!(c.emails[0].address, "ann@acme.example");
    }

    proptest::proptest! {
        /// Reading bytes finds what reading characters does, in either kind of field.
        #[test]
        fn bytes_tell_control_characters_as_characters_do(
            text in "[a-z \\x00-\\x1f\\x7f-\\u{a0}é€]{0,16}|\\PC{0,16}",
            lines: bool,
        ) {
            let by_chars = text.chars().any(|c| unwanted(c, lines));
            proptest::prop_assert_eq!(any_unwanted(&text, || lines), by_chars);
        }
    }

    #[test]
    fn every_field_has_a_limit() {
        let mut c = Contact { first_name: "A".into(), ..Default::default() };
        c.addresses.push(Address { city: Some("x".repeat(LINE_MAX + 1)), ..Default::default() });
        let e = tidy(&mut c).unwrap_err();
        assert_eq!(e.field, "city");
        assert!(e.message.contains("500"), "{}", e.message);
        let mut n = Note::new(RecordRef::new(Kind::Contact, 1), &"y\n".repeat(LINES_MAX / 2));
        assert!(tidy(&mut n).is_ok());
        n.text.push_str("zz");
        assert_eq!(tidy(&mut n).unwrap_err().field, "text");
    }
}
