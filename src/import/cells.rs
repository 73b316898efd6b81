//! The values of single cells as other tools write them: dates, money, labels, yes/no, the
//! words of rolo's own fields.

use chrono::NaiveDate;

use super::columns;
use crate::model::{Amount, CallDirection, CallOutcome, CaseStatus, Date, Priority, TaskStatus, ValidationError};

/// A date as files write it: the `custom` chrono form if given, else ISO, year/month/day with
/// slashes, Outlook's month/day/year or vCard's `YYYYMMDD`; a time after it is ignored. Outlook's
/// "0/0/00" means none; a date without a year (Google's "--02-29", vCard's "--0229") cannot be
/// kept and is left out, with a note naming `line`.
pub(super) fn read_date(
    v: &str,
    custom: Option<&str>,
    line: u64,
    notes: &mut Vec<String>,
) -> Result<Option<Date>, String> {
    if v == "0/0/00" || v == "0/0/0000" {
        return Ok(None);
    }
    if v.starts_with("--") {
        notes.push(format!("line {line}: the birthday {v} has no year and was left out"));
        return Ok(None);
    }
    let head = v.split(['T', ' ']).next().unwrap_or(v);
    let forms = custom.into_iter().chain(["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%Y%m%d"]);
    for form in forms {
        let parsed = NaiveDate::parse_from_str(v, form).or_else(|_| NaiveDate::parse_from_str(head, form));
        if let Some(d) = parsed.ok().and_then(Date::checked) {
            return Ok(Some(d));
        }
    }
    let hint = custom
        .map_or("use YYYY-MM-DD or M/D/YYYY, or say the form with --date-format (like %d.%m.%Y)".into(), |f| {
            format!("it does not match --date-format {f}")
        });
    Err(format!("'{v}' is not a date: {hint}"))
}

/// A label as a label column writes it: Google's own words (`* Mobile`, `Work`) in lower case,
/// as rolo writes labels; one of the user's own (`Assistant`) as written.
pub(super) fn label_text(cell: &str) -> String {
    let label = cell_text(cell).trim_start_matches('*').trim();
    const WORDS: &[&str] = &["mobile", "work", "home", "other", "main", "fax", "pager", "work fax", "home fax"];
    let lower = label.to_lowercase();
    if WORDS.contains(&lower.as_str()) { lower } else { label.to_string() }
}

/// The text of a cell, trimmed, without the `'` that `rolo export` puts before
/// a cell that starts like a formula (`'=SUM(A1)`, `'+44 20 7946 0018`); see [`crate::export::neutralise`].
pub(super) fn cell_text(cell: &str) -> &str {
    crate::export::unguard(cell.trim()).trim()
}

/// The values of a cell holding several: Google's " ::: ", or semicolons, or (when `commas`)
/// commas.
pub(super) fn split(v: &str, commas: bool) -> Vec<String> {
    let parts: Vec<&str> = if v.contains(":::") {
        v.split(":::").collect()
    } else if v.contains(';') {
        v.split(';').collect()
    } else if commas {
        v.split(',').collect()
    } else {
        vec![v]
    };
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// An amount as spreadsheets write it: `12,000.50`, `$ 12000`, `€99`.
pub(super) fn money(v: &str) -> Result<Amount, String> {
    Amount::parse(&v.replace([',', ' ', '$', '€', '£'], ""))
        .map_err(|_| format!("'{v}' is not an amount: write it like 12000 or 12000.50"))
}

/// How urgent a task is, as other tools say it ("Medium", "Urgent").
pub(super) fn priority(v: &str) -> Result<Priority, ValidationError> {
    match columns::normal(v).as_str() {
        "medium" | "none" | "normal" => Ok(Priority::Normal),
        "urgent" | "highest" | "critical" => Ok(Priority::High),
        "lowest" => Ok(Priority::Low),
        _ => v.parse(),
    }
}

/// Where a task stands, as other tools say it ("Not Started", "Completed", "Deferred").
pub(super) fn task_status(v: &str) -> Result<TaskStatus, ValidationError> {
    match columns::normal(v).as_str() {
        "notstarted" | "todo" | "new" | "deferred" | "waitingonsomeoneelse" | "waiting" | "pending" => {
            Ok(TaskStatus::Open)
        }
        "started" | "inprogress" | "ongoing" => Ok(TaskStatus::InProgress),
        "completed" | "complete" | "closed" | "finished" => Ok(TaskStatus::Done),
        "canceled" => Ok(TaskStatus::Cancelled),
        _ => v.parse(),
    }
}

/// A case's status as other tools say it (SuiteCRM's "Open_Assigned", vtiger's "Wait For
/// Response").
pub(super) fn case_status(v: &str) -> Result<CaseStatus, ValidationError> {
    let n = columns::normal(v);
    match n.as_str() {
        "open" | "opennew" | "new" => Ok(CaseStatus::New),
        "openassigned" | "assigned" | "inprogress" => Ok(CaseStatus::Assigned),
        "waitingoncustomer" | "pendinginput" | "waitforresponse" | "pending" | "onhold" => Ok(CaseStatus::Waiting),
        "resolved" | "closedclosed" | "solved" => Ok(CaseStatus::Resolved),
        "closed" | "closedrejected" | "closedduplicate" => Ok(CaseStatus::Closed),
        _ => v.parse(),
    }
}

/// Who phoned whom, as other tools say it ("Inbound", "Outgoing").
pub(super) fn direction(v: &str) -> Result<CallDirection, ValidationError> {
    match columns::normal(v).as_str() {
        "inbound" | "incoming" | "received" => Ok(CallDirection::In),
        "outbound" | "outgoing" | "placed" | "dialed" => Ok(CallDirection::Out),
        _ => v.parse(),
    }
}

/// How a call went, as other tools say it ("Left voicemail", "No Answer", "Answered").
pub(super) fn outcome(v: &str) -> Result<CallOutcome, ValidationError> {
    match columns::normal(v).as_str() {
        "answered" | "completed" | "leftlivemessage" | "reached" => Ok(CallOutcome::Connected),
        "leftvoicemail" | "leftmessage" | "voicemail" | "voicemailleft" => Ok(CallOutcome::Voicemail),
        "noanswer" | "unanswered" | "missed" => Ok(CallOutcome::NoAnswer),
        _ => v.parse(),
    }
}

/// A call's length: seconds (`300`), `5m`, `1h30m`, or a clock reading `0:05:00` / `5:00`.
pub(super) fn duration(v: &str) -> Result<u32, String> {
    let parts: Option<Vec<u64>> = v.split(':').map(|p| p.trim().parse::<u32>().ok().map(u64::from)).collect();
    let secs = match parts.as_deref() {
        Some([m, s]) => m * 60 + s,
        Some([h, m, s]) => h * 3600 + m * 60 + s,
        _ => return crate::model::parse_duration(v),
    };
    u32::try_from(secs).map_err(|_| format!("'{v}' is not a duration: write it like 90s, 5m or 1:30:00"))
}

/// Yes or no as exports write it.
pub(super) fn yes_no(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "on" => Some(true),
        "no" | "n" | "false" | "0" | "off" => Some(false),
        _ => None,
    }
}
