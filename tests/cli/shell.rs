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
        assert!(
            !script.contains("'complete'") && !script.contains("rolo,complete)"),
            "{shell} offers the hidden command"
        );
        if shell == "zsh" {
            // Loaded from $fpath, the file runs its last lines on the first Tab: the hook must be
            // defined by then, and be what they call.
            let hook = script.find("_rolo_from_database() {").unwrap();
            let tail = script.find("if [ \"$funcstack[1]\" = \"_rolo\" ]; then").unwrap();
            assert!(hook < tail && script[tail..].contains("compdef _rolo_from_database rolo"));
        }
    }
    db.fails_only("completions tcsh", 2, "invalid value 'tcsh'");
}

/// Whether `shell` runs here; a test of it is skipped (and says so) when not.
fn installed(shell: &str) -> bool {
    let there = std::process::Command::new(shell).arg("--version").output().is_ok();
    if !there {
        eprintln!("{shell} is not installed: skipped");
    }
    there
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
        .envs([("USER", "tester"), ("HOME", db.dir.path().to_str().unwrap())])
        .env_remove("ROLO_CONFIG")
        .output()
        .expect("bash runs");
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success() && stderr.is_empty(), "bash: {stderr}");
    stdout
}

#[test]
fn bash_completes_the_grammar_and_what_the_database_holds() {
    if !installed("bash") {
        return;
    }
    let db = Db::new();
    let ann = db.id("contact add --first Ann --last Lee");
    db.id("contact add --first Bo --last Ek");
    let acme = db.id("account add --name Acme");
    let deal = db.id(format!("opp add --name Pilot --account {acme} --amount 10 --close-date 2027-01-15"));
    db.ok("stage add 'Closed Pending' --probability 90");
    assert_eq!(bash(&db, "try rolo cont"), "contact\n");
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

/// The config file of the tests' home folder (`XDG_CONFIG_HOME` is the database's folder).
fn config_file(db: &Db) -> PathBuf {
    db.file("rolo").join("config.toml")
}

#[test]
fn the_config_file_is_found_shown_and_refused_with_its_line() {
    let db = Db::new();
    let file = config_file(&db);
    assert_eq!(db.ok("config path").trim(), file.display().to_string());
    let shown = db.ok("config show");
    assert!(
        shown.contains("(not made yet: rolo config edit)") && shown.contains("theme           dark (default)"),
        "{shown}"
    );
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "theme = \"light\"\r\nmouse = false\r\n\r\n[keys]\r\ncopy-email = \"ctrl-y\"\r\n").unwrap();
    let shown = db.json("config show");
    assert_eq!(pick(&shown, &["theme", "mouse", "keys"]), json!(["light", false, { "copy-email": "ctrl-y" }]));
    // An unknown setting stops every command but `config`, naming the file, the line and the fix.
    std::fs::write(&file, "theme = \"light\"\n# the colours\ncolour = \"red\"\n").unwrap();
    let said = db.fails_only("contact list", 1, "line 3: 'colour' is not a setting: use one of database, theme");
    assert!(said.contains(&file.display().to_string()) && said.contains("rolo config edit"), "{said}");
    db.fails_only("config show", 1, "line 3: 'colour' is not a setting");
    assert_eq!(db.ok("config path").trim(), file.display().to_string(), "config path still answers");
    // Names the app does not know, and keys that clash, are refused on their own line.
    std::fs::write(&file, "mouse = true\ndefault-screen = \"home\"\n").unwrap();
    db.fails_only("config show", 1, "line 2: default-screen: 'home' is not a screen");
    std::fs::write(&file, "[keys]\nnew = \"g n\"\ncopy-email = \"c\"\n").unwrap();
    db.fails_only("config show", 1, "line 3: key: 'c' for copy-email is already call's key where both act");
    // As the message says: call given a key of its own frees c.
    std::fs::write(&file, "[keys]\ncopy-email = \"c\"\ncall = \"C\"\n").unwrap();
    assert_eq!(db.json("config show")["keys"], json!({ "call": "C", "copy-email": "c" }));
    std::fs::write(&file, "database = \"\"\n").unwrap();
    db.fails_only("config show", 1, "line 1: database: is empty: name a file");
    // Date conventions: named patterns and weekdays, anything else refused on its line.
    std::fs::write(&file, "date-format = \"dd/mm/yyyy\"\nweek-start = \"Sunday\"\n").unwrap();
    assert_eq!(pick(&db.json("config show"), &["date_format", "week_start"]), json!(["DD/MM/YYYY", "sunday"]));
    std::fs::write(&file, "week-start = \"sunday\"\ndate-format = \"DD-MM-YY\"\n").unwrap();
    db.fails_only("config show", 1, "line 2: date-format: 'DD-MM-YY' is not a date format: use one of YYYY-MM-DD");
    std::fs::write(&file, "week-start = \"someday\"\n").unwrap();
    db.fails_only("contact list", 1, "line 1: week-start: 'someday' is not a day of the week");
    std::fs::remove_file(&file).unwrap();
    // The names [keys] takes, with the app's keys: still listed while the file is broken.
    let keys = db.json("config keys");
    let copy = keys.as_array().unwrap().iter().find(|k| k["action"] == "copy-email").unwrap();
    assert_eq!(copy["keys"], json!(["y"]), "{copy}");
    assert!(db.ok("config keys").lines().any(|l| l.starts_with("goto-pipeline") && l.contains("1, g p")));
    db.fails_only("--theme neon", 1, "theme: 'neon' is not a theme: use one of dark, light");
}

#[test]
fn the_config_files_database_is_opened_when_none_is_named() {
    let db = Db::new();
    db.ok("contact add --first Ann --last Lee");
    let file = config_file(&db);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    // A relative path is read beside the config file; an address is taken as it is.
    let named = match db.path.strip_prefix(db.dir.path()) {
        Ok(name) => format!("../{}", name.display()),
        Err(_) => db.path.display().to_string(),
    };
    std::fs::write(&file, format!("database = \"{named}\"\n")).unwrap();
    let mut bare = common::rolo_in(&db.path, "C.UTF-8");
    let args: Vec<&std::ffi::OsStr> = bare.get_args().skip(2).collect();
    assert!(args.is_empty(), "rolo_in passes only --db");
    let out = Command::new(env!("CARGO_BIN_EXE_rolo"))
        .envs(bare.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
        .args(["--json", "contact", "list"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap()[0]["first_name"], "Ann");
    bare.arg("config").arg("show");
    let shown = texts(&bare.output().unwrap()).0;
    assert!(shown.contains("(--db or ROLO_DB)"), "{shown}");
}

#[test]
fn config_edit_makes_the_file_from_the_template_and_checks_what_was_written() {
    let db = Db::new();
    let file = config_file(&db);
    let edit = |editor: &str| rolo(&db.path).args(["config", "edit"]).env("VISUAL", editor).output().unwrap();
    // The editor uncomments the theme.
    let out = edit("sed -i 's/^# theme = \"dark\"/theme = \"light\"/'");
    assert!(out.status.success(), "{}", texts(&out).1);
    assert!(texts(&out).0.ends_with("reads well\n"));
    assert!(std::fs::read_to_string(&file).unwrap().contains("\ntheme = \"light\"\n"));
    assert_eq!(db.json("config show")["theme"], "light");
    // A mistake made in the editor is named when it closes, and kept for the next edit.
    let out = edit("sed -i 's/^theme = \"light\"/theme = \"lite\"/'");
    assert_eq!(out.status.code(), Some(1));
    assert!(texts(&out).1.contains("theme: 'lite' is not a theme"), "{}", texts(&out).1);
    let out = edit("false");
    assert!(texts(&out).1.contains("the file is as it was"), "{}", texts(&out).1);
}

#[test]
fn fish_completes_positional_values_and_flags_from_the_database() {
    if !installed("fish") {
        return;
    }
    let db = Db::new();
    let acme = db.id("account add --name Acme");
    let deal = db.id(format!("opp add --name Pilot --account {acme} --amount 10 --close-date 2027-01-15"));
    // fish sets $USER to the account it runs as: rolo completes as that user.
    let me = std::process::Command::new("fish").args(["--no-config", "-c", "echo -n $USER"]).output().unwrap();
    let me = texts(&me).0;
    if me != "tester" {
        db.ok(format!("user add {me} --name Me --role admin"));
    }
    let script = db.file("rolo.fish");
    std::fs::write(&script, db.ok("completions fish")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_rolo")).parent().unwrap().to_path_buf();
    let complete = |line: &str| {
        let out = std::process::Command::new("fish")
            .args(["--no-config", "-c", &format!("source {}; complete -C '{line}'", script.display())])
            .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()))
            .env("ROLO_DB", &db.path)
            .env("HOME", db.dir.path())
            .current_dir(db.dir.path())
            .output()
            .unwrap();
        texts(&out).0
    };
    let reports = complete("rolo report ");
    assert!(reports.lines().any(|l| l == "forecast"), "{reports}");
    // Stages in the board's order, with their probability; no files beside them.
    let stages = complete(&format!("rolo opp move {deal} "));
    assert!(stages.starts_with("Prospecting\t10%\n"), "{stages}");
    assert!(!stages.contains("rolo.fish"), "{stages}");
    assert!(complete("rolo opp add --stage Neg").starts_with("Negotiation/Review"));
    assert!(complete(&format!("rolo opp show {deal}")).starts_with(&format!("{deal}\tPilot")));
    // Where a file is wanted, files.
    assert!(complete(&format!("rolo import contact {}", db.file("rolo.f").display())).contains("rolo.fish"));
}

#[test]
fn the_config_files_currency_is_what_new_amounts_get_when_none_is_named() {
    let db = Db::new();
    let file = config_file(&db);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "currency = \"eur\"\n").unwrap();
    assert_eq!(db.json("config show")["currency"], "EUR");
    let acme = db.id("account add --name Acme");
    let deal = db.json(format!("opp add --name Pilot --account {acme} --amount 10 --close-date 2027-01-15"));
    assert_eq!(deal["currency"], "EUR");
    let named =
        db.json(format!("opp add --name Two --account {acme} --amount 10 --close-date 2027-01-15 --currency GBP"));
    assert_eq!(named["currency"], "GBP", "a currency named on the line wins");
    assert_eq!(db.json("product add --name Widget --price 5")["currency"], "EUR");
    std::fs::write(&file, "theme = \"dark\"\ncurrency = \"EURO\"\n").unwrap();
    db.fails_only("contact list", 1, "line 2: currency: 'EURO' is not a currency code");
}

#[test]
fn completion_offers_only_the_records_the_user_may_see() {
    let db = Db::new();
    db.ok("team add East");
    db.ok("team add West");
    db.ok("user add ann --name Ann --role rep --team East");
    db.ok("user add bob --name Bob --role rep --team West");
    let anna = db.id("--as ann contact add --first Anna --last East");
    let bobby = db.id("--as bob contact add --first Bobby --last West");
    let asked = |user: &str| {
        let out = rolo(&db.path)
            .env("USER", user)
            .args(["complete", "--shell", "fish", "--index", "3", "--", "rolo", "contact", "show", ""])
            .output()
            .unwrap();
        texts(&out).0
    };
    assert_eq!(asked("ann"), format!("{anna}\tAnna East\n"));
    assert_eq!(asked("bob"), format!("{bobby}\tBobby West\n"));
}

#[test]
fn an_import_gives_rows_without_a_currency_the_config_files() {
    let db = Db::new();
    let file = config_file(&db);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "currency = \"JPY\"\n").unwrap();
    let csv = db.file("products.csv");
    std::fs::write(&csv, "name,price,currency\nWidget,5,\nGadget,7,GBP\n").unwrap();
    db.ok(["import", "products", csv.to_str().unwrap()]);
    let listed = db.json("product list");
    let currency =
        |name: &str| listed.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["currency"].clone();
    assert_eq!((currency("Widget"), currency("Gadget")), (json!("JPY"), json!("GBP")));
}
