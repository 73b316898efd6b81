//! Values an import keeps although they do not fit their field. A real export always holds a
//! few (a test number of two digits, an address at a domain without a dot, a birthday typed
//! wrong): rather than refuse the whole file, the record keeps them (an address marked invalid,
//! the rest as written in its note) and the import warns, naming line and column. `--strict`
//! refuses them instead.

use crate::model::{Contact, Date, Lead, Validity, check_email, check_kept_address, check_phone};

/// A value moved out of its field, or marked, so that the record can be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The field it was meant for (`email`, `phone`, `birthday`).
    pub field: &'static str,
    /// The value as written.
    pub value: String,
    /// What was wrong with it and where it went.
    pub message: String,
    /// Whether it went to the record's note (else it stayed in its field, marked).
    pub noted: bool,
}

impl Kept {
    /// The line the record's note keeps for it (`phone: 12`).
    pub fn note(&self) -> String {
        format!("{}: {}", self.field, self.value)
    }
}

/// Makes `c` storable without losing what it holds: an email address that does not check is
/// kept marked invalid, a phone that is not a number and a birthday in the future move to the
/// note. Returns what was done, for the warnings.
pub fn contact(c: &mut Contact) -> Vec<Kept> {
    let mut kept = Vec::new();
    for e in &mut c.emails {
        if let Err(v) = check_email(&e.address)
            && check_kept_address(&e.address).is_ok()
        {
            e.validity = Validity::Invalid;
            let message = format!("{}; kept, marked invalid", v.message);
            kept.push(Kept { field: "email", value: e.address.clone(), message, noted: false });
        }
    }
    let (emails, bad): (Vec<_>, Vec<_>) =
        std::mem::take(&mut c.emails).into_iter().partition(|e| check_kept_address(&e.address).is_ok());
    c.emails = emails;
    kept.extend(bad.into_iter().map(|e| noted("email", e.address, check_email)));
    let (phones, bad): (Vec<_>, Vec<_>) =
        std::mem::take(&mut c.phones).into_iter().partition(|p| check_phone("phone", &p.number).is_ok());
    c.phones = phones;
    kept.extend(bad.into_iter().map(|p| noted("phone", p.number, |n| check_phone("phone", n))));
    if let Some(b) = c.birthday.filter(|&b| b > Date::today()) {
        c.birthday = None;
        kept.push(Kept {
            field: "birthday",
            value: b.to_string(),
            message: format!("{b} is in the future; kept as written in the note"),
            noted: true,
        });
    }
    kept
}

/// The tag of a contact named after its email address, for someone to look at.
pub const REVIEW: &str = "to-review";

/// Names a contact that has no name but an email address after the address's local part
/// (`kim.park` of `kim.park@example.com`) and tags it [`REVIEW`]; returns what it was called.
pub fn named_after_email(c: &mut Contact) -> Option<String> {
    if !c.first_name.trim().is_empty() || !c.last_name.trim().is_empty() {
        return None;
    }
    let address = &c.emails.first()?.address;
    c.last_name = address.rsplit_once('@').map_or(address.as_str(), |(local, _)| local).trim().to_string();
    c.tags.push(REVIEW.into());
    Some(c.last_name.clone())
}

/// Makes `l` storable as [`contact`] does a contact: an email or phone that does not check
/// moves to the note.
pub fn lead(l: &mut Lead) -> Vec<Kept> {
    let mut kept = Vec::new();
    if let Some(e) = l.email.take_if(|e| check_email(e).is_err()) {
        kept.push(noted("email", e, check_email));
    }
    if let Some(p) = l.phone.take_if(|p| check_phone("phone", p).is_err()) {
        kept.push(noted("phone", p, |n| check_phone("phone", n)));
    }
    kept
}

/// A value moved to the note, with why.
fn noted(
    field: &'static str,
    value: String,
    check: impl Fn(&str) -> Result<(), crate::model::ValidationError>,
) -> Kept {
    let why = check(&value).err().map_or_else(String::new, |v| v.message);
    Kept { field, value, message: format!("{why}; kept as written in the note"), noted: true }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Email, Phone, Record};

    #[test]
    fn odd_values_are_kept_and_the_contact_then_stores() {
        let mut c = Contact {
            last_name: "Lee".into(),
            emails: vec![Email::new("contact1@invalid"), Email::new("ann@example.com")],
            phones: vec![Phone::new("12"), Phone::new("+1 418 656 9254")],
            ..Default::default()
        };
        assert!(c.validate().is_err());
        let kept = contact(&mut c);
        assert!(c.validate().is_ok(), "{:?}", c.validate());
        assert_eq!(c.emails[0].validity, Validity::Invalid, "kept in its field, marked");
        assert_eq!(c.emails.len(), 2);
        assert_eq!(c.phones, vec![Phone::new("+1 418 656 9254")]);
        let said: Vec<(&str, &str, bool)> = kept.iter().map(|k| (k.field, k.value.as_str(), k.noted)).collect();
        assert_eq!(said, [("email", "contact1@invalid", false), ("phone", "12", true)]);
        assert_eq!(kept[1].note(), "phone: 12");
    }
}
