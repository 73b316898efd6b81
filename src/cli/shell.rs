//! What fits rolo into a shell: completion scripts (clap's own generators, each followed by a
//! short hook that asks rolo for the values only the database knows: record ids with their
//! labels, stage, source and user names), the hidden `rolo complete` that hook calls, and the
//! manual page (the same grammar, with the app's keys from the key map).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Result;
use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use super::args::Cli;
use crate::crm::{Crm, Order, Workload};
use crate::model::Picklist;
use crate::model::{Kind, RecordRef};

/// `rolo completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `rolo complete`: the candidates for one word of a command line, asked by the completion
/// scripts while the user presses Tab.
#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// How to write the candidates: values only (bash, powershell), `value:label` (zsh) or
    /// `value<TAB>label` (fish, elvish).
    #[arg(long, value_enum, default_value = "fish")]
    pub shell: Shell,
    /// The position of the word being completed among WORDS (0 is `rolo` itself).
    #[arg(long)]
    pub index: usize,
    /// Every value that fits the word, not only what the database knows (for fish, whose script
    /// from clap completes no positional values).
    #[arg(long)]
    pub all: bool,
    /// The command line's words, as the shell split them.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub words: Vec<OsString>,
}

/// A value parser that accepts any text (the handler checks it and names the field when it is
/// wrong) but offers the words its function gives to completion.
#[derive(Debug, Clone, Copy)]
pub struct Offered(pub fn() -> Vec<&'static str>);

/// Every record kind's name (what `export` takes).
pub fn kinds() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.name()).collect()
}

/// The kinds `import` reads from CSV.
pub fn importable() -> Vec<&'static str> {
    crate::import::KINDS.iter().map(|k| k.name()).collect()
}

/// Every screen's title, which `--default-screen` takes in any case.
pub fn screens() -> Vec<&'static str> {
    crate::tui::ScreenId::every().map(|s| s.title()).collect()
}

/// Every report's name.
pub fn reports() -> Vec<&'static str> {
    crate::crm::Report::CONTRACT_ORDER.iter().map(|r| r.name()).collect()
}

impl TypedValueParser for Offered {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter().map(PossibleValue::new)))
    }
}

/// Prints the completion script for `shell`: clap's script for the grammar (the hidden
/// commands left out), then the hook that fills in what the database knows.
pub fn completions(shell: Shell) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut shown_grammar(), "rolo", &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    super::stdio::Stdout.write_all(hooked(shell, script).as_bytes())?;
    Ok(())
}

/// The grammar as the completion scripts offer it: every command but the hidden ones.
fn shown_grammar() -> clap::Command {
    let full = Cli::command();
    let shown: Vec<clap::Command> = full.get_subcommands().filter(|c| !c.is_hide_set()).cloned().collect();
    let args: Vec<clap::Arg> = full.get_arguments().cloned().collect();
    clap::Command::new("rolo").version(env!("CARGO_PKG_VERSION")).args(args).subcommands(shown)
}

/// The flags whose values the database knows, for the shells (fish) that complete a flag's value
/// only from lines naming that flag.
const DATABASE_FLAGS: [&str; 4] = ["stage", "source", "owner", "as"];

/// clap's `script` for `shell` with the hook that asks `rolo complete` for the words only the
/// database can name; for every other word (or when it answers nothing) clap's script answers.
fn hooked(shell: Shell, script: String) -> String {
    let note = "# Record ids, stages, sources and logins come from the database: rolo names them.\n";
    match shell {
        Shell::Bash => format!(
            r#"{script}
{note}_rolo_from_database() {{
    local found=() line
    while IFS= read -r line; do
        found+=("$line")
    done < <(rolo complete --shell bash --index "$COMP_CWORD" -- "${{COMP_WORDS[@]}}" 2>/dev/null)
    if (( ${{#found[@]}} )); then
        COMPREPLY=("${{found[@]}}")
    else
        _rolo "$@"
    fi
}}
if [[ "${{BASH_VERSINFO[0]}}" -eq 4 && "${{BASH_VERSINFO[1]}}" -ge 4 || "${{BASH_VERSINFO[0]}}" -gt 4 ]]; then
    complete -F _rolo_from_database -o nosort -o bashdefault -o default rolo
else
    complete -F _rolo_from_database -o bashdefault -o default rolo
fi
"#
        ),
        Shell::Zsh => {
            // Loaded from $fpath, the file runs when first asked: the hook must be defined
            // before clap's last lines, which then call it in place of `_rolo`.
            let tail = "if [ \"$funcstack[1]\" = \"_rolo\" ]; then";
            let (head, end) = script.split_at(script.find(tail).unwrap_or(script.len()));
            let end = end
                .replace("    _rolo \"$@\"", "    _rolo_from_database \"$@\"")
                .replace("    compdef _rolo rolo", "    compdef _rolo_from_database rolo");
            format!(
                r#"{head}{note}_rolo_from_database() {{
    local -a found
    found=("${{(@f)$(rolo complete --shell zsh --index $((CURRENT - 1)) -- "${{words[@]}}" 2>/dev/null)}}")
    if [[ -n "${{found[1]}}" ]]; then
        _describe -V -t values 'value' found
    else
        _rolo "$@"
    fi
}}

{end}"#
            )
        }
        Shell::Fish => {
            let flags: String = DATABASE_FLAGS
                .iter()
                .map(|f| format!("complete -c rolo -k -l {f} -x -a '(__rolo_from_database)'\n"))
                .collect();
            // clap's fish script completes no positional values: rolo answers them all, and
            // where it has values, files are not offered beside them.
            format!(
                r#"{script}
{note}function __rolo_from_database
    set -l words (commandline -opc) (commandline -ct)
    rolo complete --shell fish --all --index (math (count $words) - 1) -- $words 2>/dev/null
end
function __rolo_values_here
    set -g __rolo_values (__rolo_from_database)
    test (count $__rolo_values) -gt 0
end
complete -c rolo -k -f -n __rolo_values_here -a '(printf "%s\n" $__rolo_values)'
{flags}"#
            )
        }
        // PowerShell and Elvish complete the grammar only.
        _ => script,
    }
}

/// What the completers are asked about: the database the command line names and its words.
static ASKED: Mutex<Option<Asked>> = Mutex::new(None);

/// Held for a whole completion: a server answers its clients' shells on several threads, and
/// the completers read [`ASKED`].
static COMPLETING: Mutex<()> = Mutex::new(());

/// Where the records to complete from are.
pub enum Source {
    /// The database the command line names (`--db`), else this one: opened briefly, or asked
    /// through the socket of the server holding it.
    File(Option<PathBuf>),
    /// A server's handle for the user whose shell asks.
    Handle(Crm),
}

/// The command line being completed, as the completers need it.
struct Asked {
    /// The database the words name (`--db`), else the one rolo would open.
    db: Option<PathBuf>,
    /// The handle to read through instead, on a server.
    crm: Option<Crm>,
    /// The noun the words start with (`contact` in `rolo --db x contact show`).
    noun: Option<String>,
}

/// Prints the candidates for word `index` of `words` that the database names; nothing for a word
/// clap's script completes itself.
pub fn complete(mut args: CompleteArgs, source: Source) -> Result<()> {
    let _one_at_a_time = COMPLETING.lock().unwrap_or_else(|e| e.into_inner());
    // Bash hands over the word as typed, escapes and all (`Closed\ W`).
    if args.shell == Shell::Bash
        && let Some(word) = args.words.get_mut(args.index)
    {
        *word = unescaped(&word.to_string_lossy()).into();
    }
    let words: Vec<String> = args.words.iter().map(|w| w.to_string_lossy().into_owned()).collect();
    let (db, crm) = match source {
        Source::File(db) => (flag_value(&words, "--db").map(PathBuf::from).or(db), None),
        Source::Handle(crm) => (None, Some(crm)),
    };
    // A database a server holds is asked through its socket, as the user whose shell this is.
    #[cfg(unix)]
    if let Some(db) = db.as_deref().filter(|db| held_by_server(db)) {
        return ask_server(db, &args);
    }
    *ASKED.lock().unwrap_or_else(|e| e.into_inner()) = Some(Asked { db, crm, noun: noun(&words) });
    let mut cmd = Cli::command();
    // The engine completes every word; only an answer from one of rolo's own completers is kept,
    // so the shell's script stays in charge of the grammar.
    FROM_DATABASE.store(false, std::sync::atomic::Ordering::SeqCst);
    let cwd = std::env::current_dir().ok();
    // A word the engine cannot place is one clap's script completes (or nothing does).
    let found = clap_complete::engine::complete(&mut cmd, args.words, args.index, cwd.as_deref()).unwrap_or_default();
    if !args.all && !FROM_DATABASE.load(std::sync::atomic::Ordering::SeqCst) {
        return Ok(());
    }
    // The engine adds the flags that may come here; a value was asked for unless one is typed.
    let flag_typed = words.get(args.index).is_some_and(|w| w.starts_with('-'));
    let found = found.into_iter().filter(|c| flag_typed || !c.get_value().to_string_lossy().starts_with('-'));
    let mut out = Vec::new();
    for c in found {
        let value = c.get_value().to_string_lossy();
        let label = c.get_help().map(|h| h.to_string()).unwrap_or_default();
        let label = label.replace(['\n', '\t'], " ");
        let label = crate::text::sanitize(&label);
        let _ = match args.shell {
            Shell::Zsh if label.is_empty() => writeln!(out, "{}", value.replace(':', "\\:")),
            Shell::Zsh => writeln!(out, "{}:{label}", value.replace(':', "\\:")),
            Shell::Fish | Shell::Elvish => writeln!(out, "{value}\t{label}"),
            // Bash puts the word in as it is: a space or quote must be escaped to stay one word.
            _ => writeln!(out, "{}", escaped(&value)),
        };
    }
    super::stdio::Stdout.write_all(&out)?;
    Ok(())
}

/// Whether a running server holds `db` (its socket is there and the file cannot be opened).
#[cfg(unix)]
fn held_by_server(db: &std::path::Path) -> bool {
    std::fs::symlink_metadata(crate::serve::socket::socket_path(db)).is_ok()
        && matches!(
            Crm::open_for(db, Workload::Brief),
            Err(crate::crm::CrmError::Store(crate::crm::StoreError::Busy(_)))
        )
}

/// Sends this completion to the server holding `db`, which prints the candidates here.
#[cfg(unix)]
fn ask_server(db: &std::path::Path, args: &CompleteArgs) -> Result<()> {
    let mut line: Vec<OsString> = vec!["rolo".into(), "complete".into(), "--shell".into()];
    line.push(clap::ValueEnum::to_possible_value(&args.shell).map_or("fish".into(), |v| v.get_name().into()));
    line.extend(["--index".into(), args.index.to_string().into()]);
    if args.all {
        line.push("--all".into());
    }
    line.push("--".into());
    line.extend(args.words.iter().cloned());
    let cli = <Cli as clap::Parser>::try_parse_from(&line)?;
    crate::serve::socket::forward(db, &cli, &line, None);
    Ok(())
}

/// `word` with a backslash before each character a shell would read as more than itself.
fn escaped(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_whitespace() || "'\"\\$`()&;|<>*?![]{}#~=%".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `word` with its backslash escapes taken out.
fn unescaped(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next().unwrap_or(c) } else { c });
    }
    out
}

/// Whether one of rolo's completers answered the word being completed.
static FROM_DATABASE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The most candidates a completer offers: enough to pick from, few enough for a shell to show.
const MOST: usize = 200;

/// The value of `--flag X` or `--flag=X` among `words`.
fn flag_value(words: &[String], flag: &str) -> Option<String> {
    let at = words.iter().position(|w| w == flag);
    at.and_then(|i| words.get(i + 1).cloned())
        .or_else(|| words.iter().find_map(|w| w.strip_prefix(&format!("{flag}=")).map(str::to_string)))
}

/// The first word after `rolo` that is neither a global flag nor its value.
fn noun(words: &[String]) -> Option<String> {
    let mut rest = words.iter().skip(1);
    while let Some(w) = rest.next() {
        match w.as_str() {
            "--db" | "--as" | "--wait" | "--theme" => {
                rest.next();
            }
            w if w.starts_with('-') => {}
            w => return Some(w.to_string()),
        }
    }
    None
}

/// Runs `f` on the database being completed: the server's handle, else the file (or the
/// database at an address) opened briefly; nothing when it cannot be opened (missing, or the OS user is not a user of it).
fn with_crm(f: impl FnOnce(&Crm) -> Vec<CompletionCandidate>) -> Vec<CompletionCandidate> {
    FROM_DATABASE.store(true, std::sync::atomic::Ordering::SeqCst);
    let (db, crm) = ASKED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map_or((None, None), |a| (a.db.clone(), a.crm.clone()));
    if let Some(crm) = crm {
        return f(&crm);
    }
    // A Tab never makes a database, nor rolo's tables in one.
    match db.filter(|p| crate::crm::holds_database(p)).map(|p| Crm::open_for(&p, Workload::Brief)) {
        Some(Ok(crm)) => f(&crm),
        _ => Vec::new(),
    }
}

/// The kind of record the command line's noun names (`contact`, `opp`, `case`...).
fn asked_kind() -> Option<Kind> {
    let noun = ASKED.lock().unwrap_or_else(|e| e.into_inner()).as_ref()?.noun.clone()?;
    match noun.as_str() {
        "kb" => Some(Kind::Article),
        noun => noun.parse().ok(),
    }
}

/// Candidates whose value starts with what was typed, each with its label.
fn starting(current: &std::ffi::OsStr, values: impl IntoIterator<Item = (String, String)>) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy().to_lowercase();
    values
        .into_iter()
        .filter(|(v, _)| v.to_lowercase().starts_with(&typed))
        .take(MOST)
        .map(|(v, label)| CompletionCandidate::new(v).help((!label.is_empty()).then(|| label.into())))
        .collect()
}

/// The ids of the noun's records the user may see, by name, each with its label.
fn record_ids(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    let Some(kind) = asked_kind() else { return Vec::new() };
    with_crm(|crm| {
        let typed = current.to_string_lossy().into_owned();
        // By name where the kind has names; else in the order they were made.
        let named = crm.ordered_ids(kind, Order::Name, false, usize::MAX).unwrap_or_default();
        let ids = if named.is_empty() {
            let every = crm.parse_filter(kind, "", crm.session().today());
            let limit = if typed.is_empty() { MOST } else { usize::MAX };
            every.and_then(|f| crm.filtered(&f, limit)).map(|f| f.ids).unwrap_or_default()
        } else {
            named
        };
        let ids = ids.into_iter().filter(|id| id.to_string().starts_with(&typed)).take(MOST);
        let labelled: Vec<(String, String)> =
            ids.map(|id| (id.to_string(), crm.label(RecordRef::new(kind, id)))).collect();
        starting(current, labelled)
    })
}

/// The pipeline's stage names, in board order.
fn stage_names(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    with_crm(|crm| {
        let stages = crm.stages().unwrap_or_default();
        starting(current, stages.into_iter().map(|s| (s.name.clone(), format!("{}%", s.probability))))
    })
}

/// The entries of `list`.
fn pick_names(list: Picklist, current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    with_crm(|crm| starting(current, crm.picklist(list).unwrap_or_default().into_iter().map(|s| (s, String::new()))))
}

/// The active users' logins, each with the user's name.
fn logins(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    with_crm(|crm| {
        let users = crm.directory().map(|d| d.users).unwrap_or_default();
        starting(current, users.into_iter().filter(|u| u.active).map(|u| (u.login, u.name)))
    })
}

/// Completes a record id of the command's noun.
pub fn ids() -> ArgValueCompleter {
    ArgValueCompleter::new(record_ids)
}

/// Completes a stage name.
pub fn stages() -> ArgValueCompleter {
    ArgValueCompleter::new(stage_names)
}

/// Completes an entry of a picklist (a lead source, a competitor).
pub fn picks(list: Picklist) -> ArgValueCompleter {
    ArgValueCompleter::new(move |current: &std::ffi::OsStr| pick_names(list, current))
}

/// Completes a user's login.
pub fn users() -> ArgValueCompleter {
    ArgValueCompleter::new(logins)
}

/// Prints the manual page (roff, for `man -l -`): the command line from the same grammar as
/// `--help`, every command with its arguments, the app's keys from the key map, and where rolo
/// keeps its files.
pub fn man() -> Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    page.render_options_section(&mut out)?;
    let mut roff = roff::Roff::new();
    roff.control("SH", ["COMMANDS"]);
    for sub in cmd.get_subcommands().filter(|c| shown(c)) {
        commands(&mut roff, sub, "rolo");
    }
    keys(&mut roff);
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in ENVIRONMENT {
        roff.control("TP", []).text([roff::bold(*name)]).text([roff::roman(*what)]);
    }
    roff.control("SH", ["CONFIG FILE"]);
    roff.text([roff::roman(
        "Settings for this machine, in TOML (rolo config edit opens it; a served session reads the user's record instead):",
    )]);
    for (key, what) in crate::config::SETTINGS {
        roff.control("TP", []).text([roff::bold(key.to_string())]).text([roff::roman(what.to_string())]);
    }
    roff.control("SH", ["FILES"]);
    roff.control("TP", []).text([roff::italic("~/.config/rolo/config.toml")]);
    roff.text([roff::roman(
        "Preferences for local use (see rolo config path; the platform's config folder elsewhere).",
    )]);
    roff.control("TP", []).text([roff::italic("~/.local/share/rolo/rolo.redb")]);
    roff.text([roff::roman("The database when neither --db, ROLO_DB nor the config file names one.")]);
    roff.control("SH", ["EXIT STATUS"]);
    roff.text([roff::roman(
        "0 when the command did its work; 1 when it failed (the error names the field and the fix); 2 for a command line that does not read.",
    )]);
    roff.to_writer(&mut out)?;
    page.render_version_section(&mut out)?;
    super::stdio::Stdout.write_all(ascii_roff(&String::from_utf8_lossy(&out)).as_bytes())?;
    Ok(())
}

/// `roff` with every character past ASCII written as troff's escape for it (`…` as `\[u2026]`),
/// so the page reads the same in every formatter, whatever its input encoding.
fn ascii_roff(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    for c in roff.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

/// The environment variables rolo reads, and what for.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("ROLO_DB", "The database file, as --db."),
    ("ROLO_CONFIG", "The config file to read instead of the platform's."),
    ("ROLO_SMTP_URL", "The mail server to send through, as the smtp.url setting."),
    ("NO_COLOR", "Set to anything: the app draws without colour, whatever the theme."),
];

/// Whether the manual lists `cmd`: not the hidden commands, nor clap's `help` under each.
fn shown(cmd: &clap::Command) -> bool {
    !cmd.is_hide_set() && cmd.get_name() != "help"
}

/// One command and, under it, its own commands: the usage line and what it does.
fn commands(roff: &mut roff::Roff, cmd: &clap::Command, parent: &str) {
    let name = format!("{parent} {}", cmd.get_name());
    if cmd.has_subcommands() {
        for sub in cmd.get_subcommands().filter(|c| shown(c)) {
            commands(roff, sub, &name);
        }
        return;
    }
    let mut usage = vec![roff::bold(name)];
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set() && !a.is_global_set()) {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        let value = arg.get_value_names().and_then(|v| v.first()).map_or_else(|| id.to_uppercase(), |v| v.to_string());
        let word = match arg.get_long() {
            Some(long) if arg.get_num_args().is_some_and(|n| n.takes_values()) => format!("--{long} {value}"),
            Some(long) => format!("--{long}"),
            None => value,
        };
        usage.push(roff::roman(" "));
        usage.push(if arg.is_required_set() { roff::italic(word) } else { roff::roman(format!("[{word}]")) });
    }
    roff.control("TP", []).text(usage);
    roff.text([roff::roman(cmd.get_about().map(|a| a.to_string()).unwrap_or_default())]);
}

/// The app's keys, one subsection per key table, as the help overlay lists them.
fn keys(roff: &mut roff::Roff) {
    roff.control("SH", ["KEYS"]);
    roff.text([roff::roman(
        "With no command, rolo opens the full-screen app. Its keys, by where they act (? in the app shows those in force):",
    )]);
    for (section, bindings) in crate::tui::keymap::ALL {
        roff.control("SS", [*section]);
        for b in bindings.iter() {
            roff.control("TP", []).text([roff::bold(b.keys.join(", "))]);
            roff.text([roff::roman(b.help)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_passes_claps_own_checks() {
        // Duplicate flags (a global shadowing a command's own) and the like fail here.
        Cli::command().debug_assert();
    }

    #[test]
    fn the_noun_and_database_are_read_past_global_flags() {
        let words: Vec<String> =
            ["rolo", "--db", "x.redb", "--json", "opp", "move", "3"].iter().map(|w| w.to_string()).collect();
        assert_eq!(noun(&words).as_deref(), Some("opp"));
        assert_eq!(flag_value(&words, "--db").as_deref(), Some("x.redb"));
        let words: Vec<String> = ["rolo", "--db=y.redb", "kb"].iter().map(|w| w.to_string()).collect();
        assert_eq!(flag_value(&words, "--db").as_deref(), Some("y.redb"));
        assert_eq!(escaped("Closed Won's"), "Closed\\ Won\\'s");
        assert_eq!(unescaped("Closed\\ W"), "Closed W");
        assert_eq!(ascii_roff("a … é"), "a \\[u2026] \\[u00E9]");
    }
}
