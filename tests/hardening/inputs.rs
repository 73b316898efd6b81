//! Odd input at the edges: each refusal says what was wrong, and what is echoed stays short.

use super::{populated, rolo};

/// Runs rolo and returns its exit code and stderr.
fn run(db: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = rolo(db, args).output().expect("rolo runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn a_note_is_echoed_by_its_id_and_first_line() {
    let (_dir, db) = populated();
    let text = format!("Call back Monday\n{}", "details ".repeat(5_000));
    let (code, stdout, _) = run(&db, &["note", "add", "--to", "contact:1", &text]);
    assert_eq!(code, Some(0));
    assert!(stdout.starts_with("added note ") && stdout.trim_end().ends_with(": Call back Monday"), "{stdout}");
}

#[test]
fn years_past_9999_are_refused_at_input() {
    let (_dir, db) = populated();
    let (code, _, stderr) = run(&db, &["event", "add", "--title", "x", "--start", "+10000-01-01 10:00"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("start:") && stderr.contains("1 to 9999"), "{stderr}");
    let (code, _, stderr) = run(&db, &["task", "add", "--title", "x", "--due", "10000-01-01"]);
    assert_eq!(code, Some(1), "{stderr}");
    let (_, stdout, _) = run(&db, &["agenda", "--days", "3650"]);
    assert!(!stdout.contains("+10000"), "{stdout}");
}

#[test]
fn the_follow_up_range_is_the_one_the_model_takes() {
    let (_dir, db) = populated();
    let (code, _, stderr) = run(&db, &["contact", "add", "--first", "A", "--last", "B", "--follow-up-days", "0"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("1..=36600"), "{stderr}");
}

#[test]
fn a_contact_needs_a_name_that_is_more_than_control_characters() {
    let (_dir, db) = populated();
    let (code, _, stderr) = run(&db, &["contact", "add", "--first", "", "--last", "\u{1b}\u{7}"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("last name: is required"), "{stderr}");
}

#[test]
fn paths_that_cannot_be_used_are_named_for_what_they_are() {
    let (dir, db) = populated();
    let missing = dir.path().join("nowhere").join("copy.redb");
    let (code, _, stderr) = run(&db, &["backup", missing.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("cannot write the backup") && !stderr.contains("database file"), "{stderr}");
    let under_a_file = db.join("x.redb");
    let (code, _, stderr) = run(&under_a_file, &["account", "list"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("is part of that path a file") && !stderr.contains("os error 17)\n"), "{stderr}");
}

#[test]
fn a_very_wide_csv_gets_a_short_note() {
    let (dir, db) = populated();
    let wide = dir.path().join("wide.csv");
    let columns: Vec<String> = (0..100_000).map(|i| format!("col{i}")).collect();
    std::fs::write(&wide, format!("First Name,Last Name,{}\nAnn,Lee,{}\n", columns.join(","), ",".repeat(99_999)))
        .unwrap();
    let (code, _, stderr) = run(&db, &["import", "contact", wide.to_str().unwrap(), "--dry-run"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.len() < 2_000, "{} bytes of notes", stderr.len());
}
