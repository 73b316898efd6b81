//! Printing shared by every noun: aligned tables, `field: value` blocks for people, JSON for
//! scripts, and `Present`, how each kind of record shows (implemented beside its commands).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;
use serde_json::Value;

use crate::crm::Crm;
use crate::crm::Indexed;
use crate::model::Id;

/// Where output goes and in which form.
pub struct Out {
    /// JSON instead of tables.
    pub json: bool,
}

impl Out {
    /// Prints one JSON value (pretty) on stdout, its text cleaned as every data output is.
    pub fn json_value(&self, v: &impl Serialize) {
        use std::io::Write;
        // Made whole first, so a value that cannot be written prints nothing but the error.
        let mut text = Vec::new();
        match crate::text::write_plain_json(&mut text, v) {
            Ok(()) => {
                text.push(b'\n');
                let _ = crate::cli::stdio::Stdout.write_all(&text);
            }
            Err(e) => say_err!("error: cannot write JSON: {e}"),
        }
    }

    /// Prints a confirmation for people, or the value for scripts.
    pub fn done(&self, v: &impl Serialize, message: impl FnOnce() -> String) {
        if self.json {
            self.json_value(v);
        } else {
            say!("{}", crate::text::sanitize(&message()));
        }
    }
}

/// A table with rolo's plain look: no borders, a header row, columns aligned.
pub fn table(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>, right: &[usize]) -> String {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(headers.to_vec());
    for row in rows {
        t.add_row(row.into_iter().map(|c| crate::text::sanitize(&c).into_owned()).collect::<Vec<_>>());
    }
    for &i in right {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    // The preset pads every line on both sides; keep the output tidy for pipes.
    t.lines()
        .map(|l| {
            let l = l.trim_end();
            l.strip_prefix(' ').unwrap_or(l).to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Looks up names of linked records once each, and users' names from the directory read once,
/// for tables and JSON.
pub struct Names<'a> {
    crm: &'a Crm,
    cache: RefCell<HashMap<(u8, Id), Option<String>>>,
    users: OnceCell<HashMap<String, String>>,
}

impl<'a> Names<'a> {
    /// A lookup over `crm`.
    pub fn new(crm: &'a Crm) -> Names<'a> {
        Names { crm, cache: RefCell::new(HashMap::new()), users: OnceCell::new() }
    }

    /// The display name of the user `login`, if there is one.
    pub fn user(&self, login: &str) -> Option<&str> {
        let users = self.users.get_or_init(|| {
            let dir = self.crm.directory().unwrap_or_default();
            dir.users.into_iter().map(|u| (u.login, u.name)).collect()
        });
        users.get(login).map(String::as_str)
    }

    /// An owner as people read it: "Ann Lee (ann)", or the login alone when that is all there is.
    pub fn owner(&self, login: &str) -> String {
        match self.user(login) {
            Some(name) if name != login => format!("{name} ({login})"),
            _ => login.to_string(),
        }
    }

    /// A record's JSON object ([`Present::json`]) with its owner's display name as `owner_name`
    /// beside the `owner` login.
    pub fn record<R: Present>(&self, rec: &R) -> Value {
        let value = rec.json(self);
        match rec.owner().and_then(|o| self.user(o)) {
            Some(name) => with_name(value, "owner", name.to_string()),
            None => value,
        }
    }

    /// Today for the session the listing is printed for (what "overdue" is measured against).
    pub fn today(&self) -> crate::model::Date {
        self.crm.session().today()
    }

    /// The session's instant, which SLAs are measured against.
    pub fn now(&self) -> crate::model::Timestamp {
        self.crm.session().now()
    }

    /// The label of a record, or `#id` when it is gone or not the reader's to see.
    pub fn of<R: Indexed>(&self, id: Option<Id>) -> String {
        match id {
            Some(id) => self.known::<R>(id).unwrap_or_else(|| format!("#{id}")),
            None => String::new(),
        }
    }

    /// The label of a record the reader may see; empty otherwise (JSON then names no name).
    pub fn json_name<R: Indexed>(&self, id: Option<Id>) -> String {
        id.and_then(|id| self.known::<R>(id)).unwrap_or_default()
    }

    fn known<R: Indexed>(&self, id: Id) -> Option<String> {
        let key = (R::KIND.code(), id);
        if let Some(name) = self.cache.borrow().get(&key) {
            return name.clone();
        }
        let name = self.crm.get::<R>(id).map(|r| r.label()).ok();
        self.cache.borrow_mut().insert(key, name.clone());
        name
    }
}

/// How a kind of record shows in a table and in JSON.
pub trait Present: Indexed {
    /// Column titles.
    const HEADERS: &'static [&'static str];
    /// Columns to align right (numbers).
    const RIGHT: &'static [usize] = &[];
    /// One table row.
    fn row(&self, names: &Names) -> Vec<String>;
    /// The JSON object: the record itself, plus any names scripts would otherwise look up.
    fn json(&self, _names: &Names) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Prints a listing.
pub fn list<R: Present>(out: &Out, crm: &Crm, items: &[R]) {
    let names = Names::new(crm);
    if out.json {
        out.json_value(&items.iter().map(|r| names.record(r)).collect::<Vec<_>>());
    } else if items.is_empty() {
        say!("no {} yet", R::KIND.plural());
    } else {
        say!("{}", table(R::HEADERS, items.iter().map(|r| r.row(&names)), R::RIGHT));
    }
}

/// Prints one record in full.
pub fn show<R: Present>(out: &Out, crm: &Crm, rec: &R) {
    let names = Names::new(crm);
    let value = names.record(rec);
    if out.json {
        out.json_value(&value);
    } else {
        say!("{}", field_lines(&value));
    }
}

/// Prints the confirmation of a write: `created contact 12: Ann Lee`.
pub fn wrote<R: Present>(out: &Out, crm: &Crm, verb: &str, rec: &R) {
    let names = Names::new(crm);
    out.done(&names.record(rec), || format!("{verb} {} {}: {}", R::KIND, rec.id(), rec.label()));
}

/// `field: value` lines for a JSON object; empty fields are left out.
/// A linked record shows as `Name (#id)`, an owner as `Name (login)`; instants show in local time.
pub fn field_lines(value: &Value) -> String {
    let Value::Object(map) = value else { return value.to_string() };
    let shown: Vec<(String, String)> = map
        .iter()
        .filter(|(k, v)| v.as_bool() != Some(false) && !(k.ends_with("_name") && map.contains_key(&k[..k.len() - 5])))
        .filter_map(|(k, v)| {
            let text = match (map.get(&format!("{k}_name")).and_then(Value::as_str), v) {
                (Some(name), Value::String(login)) => format!("{name} ({login})"),
                (Some(name), _) => format!("{name} (#{v})"),
                (None, _) => crate::text::display_value(k, v, crate::model::Dates::default()),
            };
            (!text.is_empty()).then(|| (k.replace('_', " "), text))
        })
        .collect();
    let width = shown.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    shown.iter().map(|(k, v)| format!("{k:<width$}  {}", crate::text::sanitize(v))).collect::<Vec<_>>().join("\n")
}

/// Prints `label  value` lines, the labels in a column.
pub(super) fn pairs(rows: &[(&str, String)]) {
    say!("{}", rows.iter().map(|(k, v)| format!("{k:<14}  {v}")).collect::<Vec<_>>().join("\n"));
}

pub(super) fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

pub(super) fn date(d: Option<crate::model::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Adds a `<field>_name` entry beside an id field of a JSON object.
pub(super) fn with_name(mut v: Value, field: &str, name: String) -> Value {
    if let Value::Object(map) = &mut v
        && !name.is_empty()
    {
        map.insert(format!("{field}_name"), Value::String(name));
    }
    v
}
