//! rolo's one filter language, `crm::Filter`: what every list, the board, the task lists, the
//! calls and `rolo KIND list --filter` narrow records by.
//!
//! A filter is typed as words: `field:value` terms (`owner:ann stage:nego tag:vip`), comparisons
//! and ranges on dates and numbers (`close:today..+90d`, `amount:>10000`, `due:<today`), a term
//! negated by a leading `-` (`-tag:vip`), and plain words, which are matched as search matches.
//! Every term must hold for a record to be kept; two terms on one field both must.
//! [`Filter::parse`] reads it once for one kind, checking every field and value against that
//! kind's table ([`fields`]); relative dates are fixed then, against the `today` given (the
//! session's), so evaluation needs no clock. Names kept in the database (stages, lead sources)
//! come in a [`Vocabulary`]; [`crate::crm::Crm::parse_filter`] reads it and parses.
//!
//! [`Filter::matches`] decides whether a record is kept by the terms (plain words are left to
//! the search, which ranks: [`Filter::words`]); `find.rs` holds the `Crm` queries that answer a
//! filter over a kind.

mod eval;
mod fields;
mod find;

use std::ops::Bound;

use crate::model::{Amount, Date, Id, Kind, parse_duration};

pub use eval::{Context, Filterable, Linked, Value};
pub use fields::{Field, Shape, fields, main_date};
pub use find::Filtered;

/// Why a filter could not be read. The message names the term and what would be right; the
/// TUI shows it under the filter line and the CLI prints it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// The kind has no such field.
    #[error("{kinds} have no field '{field}'; filter by: {choices}")]
    UnknownField {
        /// The kind's plural ("calls").
        kinds: &'static str,
        /// The field as typed.
        field: String,
        /// The fields the kind takes, comma-separated.
        choices: String,
    },
    /// The kind is not filtered by fields at all.
    #[error("{kinds} have no fields to filter by: type words to search them")]
    NoFields {
        /// The kind's plural ("notes").
        kinds: &'static str,
    },
    /// A term's value is not one the field takes.
    #[error("'{term}': {problem}")]
    BadValue {
        /// The term as typed.
        term: String,
        /// What is wrong and what to write instead.
        problem: String,
    },
    /// A prefix that more than one of the field's values start with.
    #[error("'{term}' could be {}: type more of it", .matches.join(" or "))]
    Ambiguous {
        /// The term as typed.
        term: String,
        /// Every value the prefix starts.
        matches: Vec<String>,
    },
    /// A range whose ends are missing or the wrong way round.
    #[error("'{term}': {problem}")]
    BadRange {
        /// The term as typed.
        term: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// The names a filter's values are checked against that live in the database, not the code,
/// and how the person typing writes dates.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// The stages of the pipeline: id and name.
    pub stages: Vec<(Id, String)>,
    /// The lead sources.
    pub sources: Vec<String>,
    /// How dates are typed (the session's: ISO on the command line, the user's in the app).
    pub dates: crate::model::Dates,
}

/// A span of numbers, each end included, excluded or open. Dates are days (`Date::days`),
/// money is cents, durations seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The lower end.
    pub low: Bound<i64>,
    /// The upper end.
    pub high: Bound<i64>,
}

impl Range {
    /// Whether `v` lies in the range.
    pub fn holds(&self, v: i64) -> bool {
        std::ops::RangeBounds::contains(&(self.low, self.high), &v)
    }

    /// The range as first and last values included (`i64::MIN`/`MAX` for an open end): what an
    /// index scan over the range reads.
    pub fn inclusive(&self) -> (i64, i64) {
        let low = match self.low {
            Bound::Included(v) => v,
            Bound::Excluded(v) => v.saturating_add(1),
            Bound::Unbounded => i64::MIN,
        };
        let high = match self.high {
            Bound::Included(v) => v,
            Bound::Excluded(v) => v.saturating_sub(1),
            Bound::Unbounded => i64::MAX,
        };
        (low, high)
    }
}

/// What a term asks of its field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The text holds this (lower case).
    Contains(String),
    /// The text is this (any case).
    Is(String),
    /// One of the texts starts with this (lower case).
    StartsWith(String),
    /// The word is this one.
    Word(&'static str),
    /// The record links to this one (a stage).
    Id(Id),
    /// The number lies in this range.
    In(Range),
    /// The flag is this.
    Flag(bool),
}

/// One `field:value` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The field it reads.
    pub field: Field,
    /// What it asks of the field.
    pub test: Test,
    /// Whether it keeps the records the test refuses (`-tag:vip`).
    pub negated: bool,
}

/// A parsed filter over one kind of record: terms that decide which records are kept, and
/// plain words for the search to rank by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    kind: Kind,
    terms: Vec<Term>,
    words: Vec<String>,
}

impl Filter {
    /// The filter that keeps every record of `kind`.
    pub fn all(kind: Kind) -> Filter {
        Filter { kind, terms: Vec::new(), words: Vec::new() }
    }

    /// Reads `text` as a filter over `kind`: every term is checked against the kind's fields,
    /// word values are completed from unambiguous prefixes, stage and source names against
    /// `names`, and relative dates (`today`, `+90d`, `-2w`, `fri`) are fixed against `today`.
    /// Empty text is the filter that keeps everything.
    pub fn parse(kind: Kind, text: &str, names: &Vocabulary, today: Date) -> Result<Filter, FilterError> {
        let mut filter = Filter::all(kind);
        let mut typed_terms = Vec::new();
        for token in tokens(text) {
            match token {
                Token::Word(w) if !w.chars().any(char::is_alphanumeric) => {
                    let problem =
                        "neither a term nor a word: write field:value (owner:ann) or words to search for".to_string();
                    return Err(FilterError::BadValue { term: w, problem });
                }
                Token::Word(w) if w.starts_with(['-', '!']) => {
                    let problem = "only a field:value term can be negated (-tag:vip); a word is looked for".to_string();
                    return Err(FilterError::BadValue { term: w, problem });
                }
                Token::Word(w) => filter.words.push(w),
                Token::Term { negated, key, value, typed } => {
                    filter.terms.push(term(kind, negated, &key, &value, &typed, names, today)?);
                    typed_terms.push(typed);
                }
            }
        }
        // Two ranges on one field that cannot both hold would keep nothing: said, not shown empty.
        for (i, a) in filter.terms.iter().enumerate() {
            for (j, b) in filter.terms.iter().enumerate().skip(i + 1) {
                if let (Test::In(ra), Test::In(rb), false, false) = (&a.test, &b.test, a.negated, b.negated)
                    && a.field == b.field
                    && let ((low_a, high_a), (low_b, high_b)) = (ra.inclusive(), rb.inclusive())
                    && low_a.max(low_b) > high_a.min(high_b)
                {
                    let term = format!("{} {}", typed_terms[i], typed_terms[j]);
                    let problem = "no value lies in both: check which end comes first".to_string();
                    return Err(FilterError::BadRange { term, problem });
                }
            }
        }
        Ok(filter)
    }

    /// The kind it filters.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Its `field:value` terms, in the order typed.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Its plain words, as typed: a front end ranks candidates by searching for them.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The plain words as one search query.
    pub fn query(&self) -> String {
        self.words.join(" ")
    }

    /// Whether it keeps everything (no terms, no words).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.words.is_empty()
    }
}

/// A piece of filter text: a plain word (or quoted phrase) or a `field:value` term.
enum Token {
    Word(String),
    Term { negated: bool, key: String, value: String, typed: String },
}

/// Splits filter text at spaces outside double quotes; quotes group words and are dropped.
fn tokens(text: &str) -> Vec<Token> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let (mut current, mut quoted, mut inside) = (String::new(), false, false);
    for c in text.chars() {
        if c == '"' {
            inside = !inside;
            quoted |= current.is_empty();
        } else if c.is_whitespace() && !inside {
            if !current.is_empty() || quoted {
                pieces.push((std::mem::take(&mut current), quoted));
            }
            quoted = false;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        pieces.push((current, quoted));
    }
    pieces
        .into_iter()
        .filter(|(p, _)| !p.is_empty())
        .map(|(piece, quoted)| {
            let (negated, rest) = match piece.strip_prefix(['-', '!']) {
                Some(rest) => (true, rest),
                None => (false, piece.as_str()),
            };
            match rest.split_once(':') {
                Some((key, value))
                    if !quoted && !key.is_empty() && key.chars().all(|c| c.is_alphabetic() || c == '_' || c == '-') =>
                {
                    Token::Term { negated, key: key.to_string(), value: value.to_string(), typed: piece.clone() }
                }
                _ => Token::Word(piece),
            }
        })
        .collect()
}

/// Reads one term of `kind` (`from:` and `to:` become a range on the kind's main date).
fn term(
    kind: Kind,
    negated: bool,
    key: &str,
    value: &str,
    typed: &str,
    names: &Vocabulary,
    today: Date,
) -> Result<Term, FilterError> {
    let kinds = kind.plural();
    if fields(kind).is_empty() {
        return Err(FilterError::NoFields { kinds });
    }
    let bad = |problem: String| FilterError::BadValue { term: typed.to_string(), problem };
    let value = value.trim();
    let bound = match key.to_lowercase().as_str() {
        "from" => Some(">="),
        "to" => Some("<="),
        _ => None,
    };
    let (field, shape, value) = match (bound, main_date(kind)) {
        (Some(op), Some(date)) => (date, Shape::Date, format!("{op}{value}")),
        _ => {
            let (field, shape) = fields::lookup(kind, key).ok_or_else(|| FilterError::UnknownField {
                kinds,
                field: key.to_string(),
                choices: fields::names(kind),
            })?;
            (field, shape, value.to_string())
        }
    };
    if value.is_empty() {
        return Err(bad(format!("write a value after '{}:'", field.name())));
    }
    let folded = value.to_lowercase();
    let test = match shape {
        Shape::Text => Test::Contains(folded),
        Shape::Person => Test::Is(folded),
        Shape::Label => Test::StartsWith(folded),
        Shape::Words(words) => Test::Word(pick(typed, &folded, words().into_iter().map(|w| (w, w)))?),
        Shape::Stage => Test::Id(pick(typed, &folded, names.stages.iter().map(|(id, n)| (n.as_str(), *id)))?),
        Shape::Source => {
            Test::Is(pick(typed, &folded, names.sources.iter().map(|s| (s.as_str(), s.as_str())))?.to_lowercase())
        }
        Shape::Flag => {
            Test::Flag(pick(typed, &folded, [("yes", true), ("no", false), ("true", true), ("false", false)])?)
        }
        Shape::Date => Test::In(range(typed, &value, |v| names.dates.parse(v, today).map(|d| i64::from(d.days())))?),
        Shape::Number => Test::In(range(typed, &value, |v| {
            v.trim().parse::<i64>().map_err(|_| format!("'{}' is not a whole number", v.trim()))
        })?),
        Shape::Money => Test::In(range(typed, &value, |v| Amount::parse(v).map(|a| a.0))?),
        Shape::Duration => Test::In(range(typed, &value, |v| parse_duration(v).map(i64::from))?),
    };
    Ok(Term { field, test, negated })
}

/// The value `typed` names among `choices` (name, value): the one it spells whole, else the one
/// it starts (any case, `_`, `-` and spaces alike). None is an error listing the choices, two
/// or more an error listing those.
fn pick<'a, T: Copy>(
    typed: &str,
    folded: &str,
    choices: impl IntoIterator<Item = (&'a str, T)>,
) -> Result<T, FilterError> {
    let choices: Vec<(&str, T)> = choices.into_iter().collect();
    let norm = |s: &str| s.to_lowercase().replace([' ', '-'], "_");
    let want = norm(folded);
    if let Some((_, v)) = choices.iter().find(|(name, _)| norm(name) == want) {
        return Ok(*v);
    }
    let starts: Vec<&(&str, T)> = choices.iter().filter(|(name, _)| norm(name).starts_with(&want)).collect();
    match starts.as_slice() {
        [(_, v)] => Ok(*v),
        [] => Err(FilterError::BadValue {
            term: typed.to_string(),
            problem: if choices.is_empty() {
                "there is nothing to choose from yet".to_string()
            } else {
                format!("use one of: {}", choices.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "))
            },
        }),
        many => Err(FilterError::Ambiguous {
            term: typed.to_string(),
            matches: many.iter().map(|(n, _)| n.to_string()).collect(),
        }),
    }
}

/// Reads `A..B` (either end may be left out), `<X`, `<=X`, `>X`, `>=X`, `=X` or `X` (exactly X),
/// each end through `read`.
fn range(typed: &str, text: &str, read: impl Fn(&str) -> Result<i64, String>) -> Result<Range, FilterError> {
    let bad = |problem: String| FilterError::BadRange { term: typed.to_string(), problem };
    let value = |v: &str| read(v).map_err(|problem| FilterError::BadValue { term: typed.to_string(), problem });
    if let Some((a, b)) = text.split_once("..") {
        let (a, b) = (a.trim(), b.trim());
        if a.is_empty() && b.is_empty() {
            return Err(bad("write at least one end: FROM..TO, FROM.. or ..TO".to_string()));
        }
        let low = if a.is_empty() { Bound::Unbounded } else { Bound::Included(value(a)?) };
        let high = if b.is_empty() { Bound::Unbounded } else { Bound::Included(value(b)?) };
        if let (Bound::Included(l), Bound::Included(h)) = (low, high)
            && l > h
        {
            return Err(bad(format!("{a} comes after {b}: write the earlier end first")));
        }
        return Ok(Range { low, high });
    }
    let (op, rest) = ["<=", ">=", "<", ">", "="]
        .into_iter()
        .find_map(|op| text.strip_prefix(op).map(|rest| (op, rest)))
        .unwrap_or(("", text));
    if !op.is_empty() && rest.trim().is_empty() {
        return Err(bad(format!("write a value after '{op}'")));
    }
    let v = value(rest)?;
    let (low, high) = match op {
        "<=" => (Bound::Unbounded, Bound::Included(v)),
        ">=" => (Bound::Included(v), Bound::Unbounded),
        "<" => (Bound::Unbounded, Bound::Excluded(v)),
        ">" => (Bound::Excluded(v), Bound::Unbounded),
        _ => (Bound::Included(v), Bound::Included(v)),
    };
    Ok(Range { low, high })
}

#[cfg(test)]
mod tests;
