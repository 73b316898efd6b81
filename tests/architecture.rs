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
