//! The Reports screen's list of reports, and a generic view of one: the rows of the report the
//! command line prints (`rolo report NAME --json`), as a table with bars on a number column. The
//! same service function feeds both, so they agree.

use serde_json::Value;

/// The reports, in the order the screen lists them (`rolo report NAME`).
pub const NAMES: [&str; 8] = ["forecast", "stages", "tasks", "calls", "projects", "emails", "campaigns", "activity"];

/// A report read for showing: its rows (label and cells) and which cell the bars measure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column titles.
    pub headers: Vec<String>,
    /// Rows of cells, as text.
    pub rows: Vec<Vec<String>>,
    /// Per row, the number the bar shows (from the first numeric column).
    pub values: Vec<f64>,
    /// The title of the column the bars show.
    pub measure: Option<String>,
}

impl Table {
    /// The first list of records in a report's JSON, as a table; numbers and amounts (decimal
    /// strings) are told apart from text so the first number column gets the bars.
    pub fn from_json(report: &Value) -> Table {
        let Some(rows) = first_rows(report) else { return Table::default() };
        let headers: Vec<String> = match rows.first() {
            Some(Value::Object(o)) => o.keys().filter(|k| !is_link(k)).cloned().collect(),
            _ => return Table::default(),
        };
        let measure = headers.iter().position(|h| rows.iter().all(|r| number(&r[h.as_str()]).is_some()));
        Table {
            values: rows.iter().map(|r| measure.and_then(|m| number(&r[headers[m].as_str()])).unwrap_or(0.0)).collect(),
            rows: rows.iter().map(|r| headers.iter().map(|h| cell(&r[h.as_str()])).collect()).collect(),
            measure: measure.map(|m| headers[m].replace('_', " ")),
            headers: headers.iter().map(|h| h.replace('_', " ").to_uppercase()).collect(),
        }
    }
}

/// Whether a field holds the id of a linked record (shown by name elsewhere in the row, and
/// never worth a bar).
fn is_link(key: &str) -> bool {
    const LINKS: [&str; 7] = ["id", "account", "contact", "lead", "opportunity", "project", "campaign"];
    key.ends_with("_id") || LINKS.contains(&key)
}

/// The first array of objects in a report, searching its fields in order.
fn first_rows(v: &Value) -> Option<&Vec<Value>> {
    match v {
        Value::Array(a) if a.iter().all(Value::is_object) && !a.is_empty() => Some(a),
        Value::Object(o) => o.values().find_map(first_rows),
        _ => None,
    }
}

/// A cell's number: a JSON number, or an amount written as a decimal string.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') => {
            s.parse().ok()
        }
        _ => None,
    }
}

fn cell(v: &Value) -> String {
    match v {
        // Words such as "on_track" read as "on track"; names and addresses stay as they are.
        Value::String(s) if s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => s.replace('_', " "),
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => crate::text::json_plain(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reads_as_rows_with_bars_on_its_first_number_column() {
        let report = serde_json::json!({
            "currency": "USD",
            "stages": [
                {"stage": "Prospecting", "count": 2, "amount": "17000.50"},
                {"stage": "Qualification", "count": 1, "amount": "48000.00"}
            ]
        });
        let t = Table::from_json(&report);
        assert_eq!(t.headers, ["STAGE", "COUNT", "AMOUNT"]);
        assert_eq!(t.rows[1], ["Qualification", "1", "48000.00"]);
        assert_eq!((t.measure.as_deref(), t.values.clone()), (Some("count"), vec![2.0, 1.0]));
        assert_eq!(Table::from_json(&serde_json::json!({"rows": []})), Table::default());
        let calls = serde_json::json!({"top": [{"account": 40, "name": "Atlas", "calls": 5}]});
        let t = Table::from_json(&calls);
        assert_eq!(
            (t.headers.clone(), t.measure.as_deref()),
            (vec!["NAME".to_string(), "CALLS".to_string()], Some("calls"))
        );
    }
}
