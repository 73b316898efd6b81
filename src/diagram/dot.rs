//! A project's network in Graphviz's DOT language (`rolo project graph ID --format dot`), for
//! drawing it outside the terminal: `dot -Tsvg`.

use crate::model::Network;

/// The network as a DOT digraph named `name`: a box per task (dashed and grey when done), an
/// arrow per wait, the critical path bold and red.
pub fn dot(net: &Network, name: &str) -> String {
    let mut out = format!("digraph {} {{\n", quoted(name));
    out.push_str("  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    for (i, step) in net.steps.iter().enumerate() {
        let late = if step.late { "! " } else { "" };
        let label = format!("#{} {}\n{late}{}", step.task, step.title, step.note);
        let look = match (net.critical.contains(&i), step.done) {
            (true, _) => ", penwidth=2, color=red",
            (false, true) => ", style=\"rounded,dashed\", color=gray50, fontcolor=gray50",
            (false, false) => "",
        };
        out.push_str(&format!("  t{} [label={}{look}];\n", step.task, quoted(&label)));
    }
    for (e, &(b, a)) in net.edges.iter().enumerate() {
        let look = if net.is_critical(e) { " [penwidth=2, color=red]" } else { "" };
        out.push_str(&format!("  t{} -> t{}{look};\n", net.steps[b].task, net.steps[a].task));
    }
    out.push_str("}\n");
    out
}

/// `text` as a DOT string: quotes and backslashes escaped, line breaks as `\n`, other control
/// characters left out.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Step;

    #[test]
    fn names_are_quoted_and_the_critical_path_is_red() {
        let step = |task, title: &str, done| Step { task, title: title.into(), note: "due".into(), done, late: false };
        let net = Network::new(
            vec![step(1, "Say \"hi\"\\", false), step(2, "Ship\u{7}", false), step(3, "Old", true)],
            &[(1, 2), (3, 2)],
        );
        let text = dot(&net, "Launch \"A\"");
        assert!(text.starts_with("digraph \"Launch \\\"A\\\"\" {\n"), "{text}");
        assert!(text.contains("t1 [label=\"#1 Say \\\"hi\\\"\\\\\\ndue\", penwidth=2, color=red];"), "{text}");
        assert!(text.contains("t2 [label=\"#2 Ship\\ndue\", penwidth=2, color=red];"), "{text}");
        assert!(text.contains("t3 [label=\"#3 Old\\ndue\", style=\"rounded,dashed\""), "{text}");
        assert!(text.contains("  t1 -> t2 [penwidth=2, color=red];\n  t3 -> t2;\n"), "{text}");
    }
}
