//! Merge fields in an email template's subject and body: `{{first_name}}`, `{{account.name}}`,
//! with a default for a value the recipient lacks (`{{first_name|there}}`). A template is parsed
//! when saved, so an unknown field or an unclosed `{{` is refused then, naming it, rather than
//! showing up in a customer's inbox.

use std::fmt;

/// The fields a template may name, with what each holds.
pub const FIELDS: [(&str, &str); 7] = [
    ("first_name", "the contact's first name"),
    ("last_name", "the contact's last name"),
    ("title", "the contact's job title"),
    ("email", "the address the message goes to"),
    ("account.name", "the name of the contact's account"),
    ("owner.name", "the name of the contact's owner"),
    ("owner.email", "the email address of the contact's owner"),
];

/// A template text split into literal text and merge fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field { name: &'static str, default: String },
}

/// Why a template text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// A field no recipient has.
    Unknown(String),
    /// A `{{` with no `}}` after it, at this character.
    Unclosed(usize),
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::Unknown(name) => {
                let known: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
                write!(f, "unknown merge field {{{{{name}}}}}: use one of {}", known.join(", "))
            }
            MergeError::Unclosed(at) => {
                write!(f, "a merge field opened with {{{{ at character {at} is not closed: end it with }}}}")
            }
        }
    }
}

impl std::error::Error for MergeError {}

impl Merge {
    /// Parses `text`; every field must be one of [`FIELDS`].
    pub fn parse(text: &str) -> Result<Merge, MergeError> {
        let mut parts = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let inner = &rest[open + 2..];
            let close =
                inner.find("}}").ok_or_else(|| MergeError::Unclosed(text[..offset + open].chars().count() + 1))?;
            let (name, default) = inner[..close].split_once('|').unwrap_or((&inner[..close], ""));
            let name = name.trim();
            let known = FIELDS.iter().find(|(n, _)| *n == name).ok_or_else(|| MergeError::Unknown(name.to_string()))?;
            parts.push(Part::Field { name: known.0, default: default.trim().to_string() });
            let used = open + 2 + close + 2;
            offset += used;
            rest = &rest[used..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Merge { parts })
    }

    /// The fields the text names, in order, each once.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for part in &self.parts {
            if let Part::Field { name, .. } = part
                && !names.contains(name)
            {
                names.push(*name);
            }
        }
        names
    }

    /// The text for one recipient: each field's value from `value`, or its default when the
    /// recipient has none (or an empty one).
    pub fn render(&self, value: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Field { name, default } => match value(name).filter(|v| !v.trim().is_empty()) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(default),
                },
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(field: &str) -> Option<String> {
        match field {
            "first_name" => Some("Ann".into()),
            "account.name" => Some("Acme Sàrl".into()),
            "owner.name" => Some("  ".into()),
            _ => None,
        }
    }

    #[test]
    fn fields_are_filled_and_defaults_stand_in_for_what_is_missing() {
        let m = Merge::parse("Hi {{first_name|there}}, {{ account.name }} and {{owner.name|the team}}{{last_name}}!")
            .unwrap();
        assert_eq!(m.render(ann), "Hi Ann, Acme Sàrl and the team!");
        assert_eq!(m.render(|_| None), "Hi there,  and the team!");
        assert_eq!(m.fields(), ["first_name", "account.name", "owner.name", "last_name"]);
    }

    #[test]
    fn text_without_fields_is_kept_as_written() {
        for text in ["", "Plain text { not a field } and }} alone", "Grüße 👋"] {
            assert_eq!(Merge::parse(text).unwrap().render(ann), text);
        }
    }

    #[test]
    fn an_unknown_field_is_refused_naming_it_and_the_known_ones() {
        let err = Merge::parse("Dear {{firstname}}").unwrap_err();
        assert_eq!(err, MergeError::Unknown("firstname".into()));
        let said = err.to_string();
        assert!(said.contains("{{firstname}}") && said.contains("first_name, last_name"), "{said}");
    }

    #[test]
    fn an_unclosed_field_is_refused_saying_where() {
        let err = Merge::parse("Olá {{first_name}}, {{account.name").unwrap_err();
        assert_eq!(err, MergeError::Unclosed(21));
        assert!(err.to_string().contains("character 21"), "{err}");
    }

    #[test]
    fn a_huge_template_parses_in_one_pass() {
        let text = "{{first_name}} ".repeat(100_000);
        let m = Merge::parse(&text).unwrap();
        assert_eq!(m.render(ann).len(), "Ann ".len() * 100_000);
    }
}
