//! The rules of rolo's layering that the compiler cannot check, checked on the source itself.

use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

#[test]
fn no_front_end_names_the_store_or_opens_a_transaction() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for front in ["tui", "cli"] {
        for (path, text) in sources(&root.join(front)) {
            for (n, line) in text.lines().enumerate() {
                let transaction = ["crm.write(", "write_bulk(", "rehearse_bulk("].iter().any(|t| line.contains(t));
                if line.contains("store::") || line.contains(".reader()") || transaction {
                    offenders.push(format!("{path}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "front ends call Crm queries and commands, never the store or a transaction:\n{}",
        offenders.join("\n")
    );
}

/// The modules of `src/tui` each top-level module of it names (`super::x` from its own level,
/// `crate::tui::x` from anywhere), test code left out.
fn tui_uses() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut edges = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    for (path, text) in sources(&root) {
        let rel = Path::new(&path).strip_prefix(&root).unwrap().with_extension("");
        let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let depth = parts.len() - usize::from(parts.last().is_some_and(|p| p == "mod"));
        if depth == 0 {
            continue;
        }
        let owner = parts[0].clone();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut named = Vec::new();
        for (at, _) in code.match_indices("crate::tui::") {
            named.push(ident(&code[at + "crate::tui::".len()..]));
        }
        let mut rest = code;
        while let Some(at) = rest.find("super::") {
            // A run of `super::` climbs that many levels; from a module's own level it names a sibling.
            let mut tail = &rest[at..];
            let mut climbs = 0;
            while let Some(after) = tail.strip_prefix("super::") {
                tail = after;
                climbs += 1;
            }
            if climbs == depth {
                named.push(ident(tail));
            }
            rest = tail;
        }
        let entry = edges.entry(owner.clone()).or_default();
        entry.extend(named.into_iter().filter(|m| !m.is_empty() && *m != owner));
    }
    edges
}

/// The identifier `text` starts with.
fn ident(text: &str) -> String {
    text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

#[test]
fn the_modules_of_the_app_do_not_import_each_other_in_a_circle() {
    let edges = tui_uses();
    assert!(edges.contains_key("app") && edges.contains_key("screen"), "the app's modules were read: {edges:?}");
    // Depth-first search for a way back to where it started.
    fn back(
        edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        found: &mut Vec<String>,
    ) {
        let last = path.last().unwrap().clone();
        for next in edges.get(&last).into_iter().flatten() {
            if *next == path[0] {
                found.push(format!("{} -> {next}", path.join(" -> ")));
            } else if !path.contains(next) && *next > path[0] {
                path.push(next.clone());
                back(edges, path, found);
                path.pop();
            }
        }
    }
    let mut circles = Vec::new();
    for start in edges.keys() {
        back(&edges, &mut vec![start.clone()], &mut circles);
    }
    assert!(circles.is_empty(), "modules of src/tui import each other in a circle:\n{}", circles.join("\n"));
}
