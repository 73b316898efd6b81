//! `completions`, `complete` and `man`: rolo in the user's shell.

use super::*;

#[test]
fn completion_scripts_come_from_the_grammar_for_each_shell() {
    let db = Db::new();
    for (shell, opening) in [
        ("bash", "_rolo()"),
        ("zsh", "#compdef rolo"),
        ("fish", "complete -c rolo"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = db.ok(format!("completions {shell}"));
        assert!(script.contains(opening), "{shell}: no {opening:?}");
        for word in ["contact", "import", "forecast", "opportunity", "completions"] {
            assert!(script.contains(word), "{shell} does not complete {word:?}");
        }
        let asks = script.contains("rolo complete --shell");
        assert_eq!(asks, shell != "powershell", "{shell}: the hook asking rolo for database values");
    }
    db.fails_only("completions tcsh", 2, "invalid value 'tcsh'");
}

/// Runs `script` in bash with rolo on the PATH, the completion script sourced and a `try`
/// function that completes a command line and prints the candidates, one a line.
fn bash(db: &Db, script: &str) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_rolo")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let setup = r#"
source <(rolo completions bash)
try() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
    _rolo_from_database rolo "${@: -1}" "${@: -2:1}"
    printf '%s\n' "${COMPREPLY[@]}"
}
"#;
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &format!("{setup}{script}")])
        .env("PATH", path)
        .env("ROLO_DB", &db.path)
        .envs([("USER", "tester"), ("HOME", db.path.parent().unwrap().to_str().unwrap())])
        .env_remove("ROLO_CONFIG")
        .output()
        .expect("bash runs");
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success() && stderr.is_empty(), "bash: {stderr}");
    stdout
}

#[test]
fn bash_completes_the_grammar_and_what_the_database_holds() {
    if std::process::Command::new("bash").arg("--version").output().is_err() {
        eprintln!("bash is not installed: skipped");
        return;
    }
    let db = Db::new();
    let ann = db.id("contact add --first Ann --last Lee");
    db.id("contact add --first Bo --last Ek");
    let acme = db.id("account add --name Acme");
    let deal = db.id(format!("opp add --name Pilot --account {acme} --amount 10 --close-date 2027-01-15"));
    db.ok("stage add 'Closed Pending' --probability 90");
    assert_eq!(bash(&db, "try rolo con"), "contact\n");
    assert_eq!(bash(&db, "try rolo contact sh"), "show\n");
    assert_eq!(bash(&db, "try rolo report fo"), "forecast\n");
    assert_eq!(bash(&db, "try rolo import ca"), "call\ncase\n");
    // Ids come from the database, in name order; a stage with a space stays one word.
    let ids: Vec<String> = bash(&db, "try rolo contact show ''").lines().map(str::to_string).collect();
    assert!(ids.ends_with(&[ann.to_string()]) && ids.len() == 2, "{ids:?}");
    assert_eq!(bash(&db, &format!("try rolo opp move {deal} 'Closed P'")), "Closed\\ Pending\n");
    assert_eq!(bash(&db, &format!("try rolo opp move {deal} 'Closed\\ P'")), "Closed\\ Pending\n");
}

#[test]
fn complete_names_ids_with_labels_and_stays_quiet_elsewhere() {
    let db = Db::new();
    let ann = db.id("contact add --first Ann --last Lee");
    let acme = db.id("account add --name 'Acme: Ltd'");
    let asked = |line: &str| db.ok(line);
    assert_eq!(asked("complete --shell fish --index 3 -- rolo contact show ''"), format!("{ann}\tAnn Lee\n"));
    assert_eq!(asked("complete --shell zsh --index 3 -- rolo account show ''"), format!("{acme}:Acme: Ltd\n"));
    assert_eq!(asked("complete --shell bash --index 3 -- rolo account show ''"), format!("{acme}\n"));
    // A typed id narrows the choice; an id nobody has gives nothing.
    assert_eq!(asked(&format!("complete --shell bash --index 3 -- rolo contact show {ann}")), format!("{ann}\n"));
    assert_eq!(asked("complete --shell bash --index 3 -- rolo contact show 999"), "");
    // Words of the grammar are the shell script's to complete, not rolo's.
    assert_eq!(asked("complete --index 1 -- rolo con"), "");
    assert_eq!(asked("complete --index 9 -- rolo contact"), "");
    // Logins for assign, with the user's name.
    assert!(asked(&format!("complete --index 4 -- rolo contact assign {ann} te")).starts_with("tester\t"));
}

#[test]
fn the_manual_page_holds_every_command_and_the_apps_keys() {
    let db = Db::new();
    let page = db.ok("man");
    assert!(page.starts_with(".ie") || page.contains(".TH rolo 1"), "{}", &page[..200]);
    for needle in [
        ".SH COMMANDS",
        "rolo contact show",
        "rolo opp move",
        ".SH KEYS",
        "Pipeline board",
        "Everywhere",
        ".SH ENVIRONMENT",
        "NO_COLOR",
        ".SH FILES",
        "config.toml",
        "EXIT STATUS",
    ] {
        assert!(page.contains(needle), "the manual has no {needle:?}");
    }
    // A key from the key map, with its help.
    let help = rolo::tui::keymap::BOARD[0].help;
    assert!(page.contains(&help.replace('-', "\\-")), "the board's first key: {help:?}");
    assert!(!page.contains(" complete "), "the hidden command stays out of the manual");
}
