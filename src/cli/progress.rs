//! Progress on stderr for the long commands: a bar where the work is counted (import, demo, a
//! campaign's sends), a spinner with the time taken where it is not (export, backup, check,
//! reports). Hidden for scripts: with `--json`, when stderr is not a terminal, and for a command
//! whose streams are not the process's (a server's client: it would draw on the server's
//! terminal). Neither shows for work done within [`DELAY`], so a quick command writes nothing.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::output::Out;
use super::stdio;

/// How long work runs before its progress shows.
const DELAY: Duration = Duration::from_millis(400);

/// Progress on stderr, cleared when dropped (whether the work ended well or not).
pub struct Progress(ProgressBar);

impl Progress {
    /// The bar or spinner, to move.
    pub fn bar(&self) -> &ProgressBar {
        &self.0
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// A bar counting to `total`: `{what} [bar] done/total, eta left`.
pub fn counted(out: &Out, total: u64, what: &str) -> Progress {
    let template = format!("{what} {{bar:40}} {{human_pos}}/{{human_len}}, {{eta}} left {{msg}}");
    shown(out, ProgressBar::new(total), &template)
}

/// A spinner saying `what` is under way, with the time it has taken.
pub fn spinning(out: &Out, what: &str) -> Progress {
    shown(out, ProgressBar::new_spinner(), &format!("{{spinner}} {what} {{msg}}({{elapsed}})"))
}

/// `bar` in `template`, drawn from [`DELAY`] on where progress may be drawn at all.
fn shown(out: &Out, bar: ProgressBar, template: &str) -> Progress {
    bar.set_draw_target(ProgressDrawTarget::hidden());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    if !out.json && stdio::on_terminal() {
        let later = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            if !later.is_finished() {
                later.set_draw_target(ProgressDrawTarget::stderr());
                later.enable_steady_tick(Duration::from_millis(120));
            }
        });
    }
    Progress(bar)
}
