//! Any text through any field, then every output: no control character, no bidirectional
//! override and no live formula comes out of rolo, whatever was stored.

use proptest::prelude::*;
use rolo::model::*;

use super::rolo;

/// Text built from the pieces that hurt: escape sequences, OSC 52, C1 controls, NUL, bidi
/// overrides, formula starts, line breaks, and ordinary letters.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = [
        "\u{1b}[2J",
        "\u{1b}]52;c;Zm9v\u{7}",
        "\u{9b}31m",
        "\0",
        "\u{202e}",
        "\u{2066}",
        "=cmd|' /C calc'!A0",
        "@SUM(A1)",
        "+1",
        "-Evil",
        "\r\n",
        "\t",
    ];
    let piece = prop_oneof![
        proptest::sample::select(pieces.to_vec()).prop_map(String::from),
        "[a-zA-Zé株 ]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 1..6).prop_map(|p| p.concat())
}

/// The first visible character of each CSV cell may not start a formula, and nothing unsafe
/// may appear anywhere.
fn assert_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n' && c != '\t' && c != '\r')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "{what}: {c:?} came out in {text:?}");
    }
}

fn assert_no_formula(what: &str, csv: &[u8]) {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(csv);
    for record in reader.records() {
        let record = record.expect("rolo writes valid CSV");
        for cell in record.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']), "{what}: live formula {cell:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn no_output_carries_control_bytes_or_formulas(text in hostile()) {
        let (dir, crm) = super::common::fresh();
        let name = format!("x{text}");
        let account = crm.create(Account { name: name.clone(), address: Address { country: Some(text.clone()), ..Default::default() }, ..Default::default() }).unwrap();
        crm.create(Contact { first_name: text.clone(), last_name: name.clone(), account: Some(account.id), ..Default::default() }).unwrap();
        crm.add_stage(&name, Some(10), StageOutcome::Open, None).unwrap();
        // A name made of control characters only would be empty once cleaned: a letter after
        // it keeps a campaign that starts like a formula.
        crm.create(Campaign { name: format!("{text}x"), ..Default::default() }).unwrap();
        let db = crm.path().to_path_buf();
        drop(crm);
        let csv_commands: &[&[&str]] = &[
            &["export", "account", "--format", "csv"],
            &["export", "contact", "--format", "csv"],
            &["export", "stage", "--format", "csv"],
            &["export", "campaign", "--format", "csv"],
            &["report", "stages", "--csv"],
            &["report", "campaigns", "--csv"],
        ];
        let other_commands: &[&[&str]] = &[
            &["export", "contact", "--format", "vcard"],
            &["export", "contact", "--format", "json"],
            &["--json", "account", "list"],
            &["--json", "contact", "show", "1"],
            &["account", "list"],
            &["contact", "show", "1"],
            &["stage", "list"],
            &["campaign", "list"],
            &["report", "stages"],
            &["report", "campaigns"],
            &["search", "x"],
        ];
        for args in csv_commands.iter().chain(other_commands) {
            let out = rolo(&db, args).output().unwrap();
            let what = args.join(" ");
            prop_assert!(out.status.success(), "{}: {}", what, String::from_utf8_lossy(&out.stderr));
            assert_safe(&what, &out.stdout);
            assert_safe(&what, &out.stderr);
            if csv_commands.contains(args) {
                assert_no_formula(&what, &out.stdout);
            }
        }
        drop(dir);
    }
}
