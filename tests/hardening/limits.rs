//! Every kind of record holds text within one limit per kind of field, and never a control
//! character; a refused value is named in a short message.

use super::{populated, rolo};

#[test]
fn huge_values_are_refused_for_every_kind_in_a_short_message() {
    let (_dir, db) = populated();
    let huge = "n".repeat(131_000);
    let lines: [&[&str]; 8] = [
        &["stage", "add", &huge],
        &["list", "add", "--name", &huge],
        &["campaign", "add", "--name", &huge],
        &["product", "add", "--name", &huge, "--price", "1"],
        &["project", "add", "--name", &huge, "--due", "2027-01-01"],
        &["event", "add", "--title", &huge, "--start", "2027-01-01 10:00"],
        &["opp", "edit", "1", "--next-step", &huge],
        &["stage", "delete", &huge],
    ];
    for args in lines {
        let out = rolo(&db, args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", args[..2].join(" "));
        assert!(
            stderr.len() < 400 && stderr.lines().count() == 1,
            "{}: {} bytes said",
            args[..2].join(" "),
            stderr.len()
        );
    }
    let out = rolo(&db, &["stage", "add", &huge]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: name: is longer than 500 characters"), "{stderr}");
}

#[test]
fn control_characters_are_never_stored() {
    let (_dir, db) = populated();
    let name = "Evil\u{1b}]52;c;Zm9v\u{7}\u{9b}31mCorp";
    let out = rolo(&db, &["account", "add", "--name", name, "--industry", "a\nb"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let crm = super::common::open_as_tester(&db);
    let accounts = crm.list::<rolo::model::Account>(|a| a.name.starts_with("Evil")).unwrap();
    assert_eq!(accounts[0].name, "Evil]52;c;Zm9v31mCorp");
    assert_eq!(accounts[0].industry.as_deref(), Some("a b"));
    let campaign = rolo::model::Campaign { name: "Fair\0\u{202e}".into(), ..Default::default() };
    assert_eq!(crm.create(campaign).unwrap().name, "Fair\u{202e}", "NUL goes; overrides are neutralised on output");
}
