//! Administration: the lead-source list, demo data and the database check.

use anyhow::{Result, bail};
use clap::{Args, Subcommand};

use super::args::from_one;
use super::output::{Out, table};
use super::position;
use crate::crm::Crm;

/// Lead-source commands. A source is named by its name, ignoring case, spaces, dashes and
/// underscores ("Web Site" is web_site).
#[derive(Debug, Subcommand)]
pub enum SourceCmd {
    /// List the lead sources with how many leads and deals carry each.
    #[command(alias = "ls")]
    List,
    /// Add a lead source.
    Add(SourceAdd),
    /// Rename a lead source; its leads and deals follow.
    Rename(SourceRename),
    /// Move a lead source to another position in the pickers.
    Move(SourceMove),
    /// Delete a lead source; its leads and deals move to --to first, or lose it with --clear.
    #[command(alias = "rm")]
    Delete(SourceDelete),
}

/// `source add`.
#[derive(Debug, Args)]
pub struct SourceAdd {
    /// The new source's name (unique).
    pub name: String,
    /// Position in the list, from 1 (default: the end).
    #[arg(long, value_parser = from_one)]
    pub position: Option<u64>,
}

/// `source rename`.
#[derive(Debug, Args)]
pub struct SourceRename {
    /// The source.
    #[arg(add = super::shell::sources())]
    pub source: String,
    /// Its new name (unique).
    pub name: String,
}

/// `source move`.
#[derive(Debug, Args)]
pub struct SourceMove {
    /// The source.
    #[arg(add = super::shell::sources())]
    pub source: String,
    /// Its new position, from 1.
    #[arg(value_parser = from_one)]
    pub position: u64,
}

/// `source delete`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("carrying").args(["to", "clear"])))]
pub struct SourceDelete {
    /// The source.
    #[arg(add = super::shell::sources())]
    pub source: String,
    /// Where its leads and deals go (another source); required when any carry it, unless --clear.
    #[arg(long, value_name = "SOURCE")]
    pub to: Option<String>,
    /// Leave its leads and deals without a source.
    #[arg(long)]
    pub clear: bool,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many contacts; every other kind scales with it.
    #[arg(long, default_value_t = 200)]
    pub contacts: u32,
    /// The random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Add the data even if the database is not empty.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn source(out: &Out, crm: &Crm, cmd: SourceCmd) -> Result<()> {
    // Adding and moving print the new list (JSON: the names in order) after a line saying where
    // the source now is.
    let placed = |out: &Out, name: &str, sources: Vec<String>| {
        let key = crate::model::source_key(name);
        let at = sources.iter().position(|s| crate::model::source_key(s) == key).map_or(0, |i| i + 1);
        out.done(&sources, || format!("{} is lead source {at} of {}", name.trim(), sources.len()));
    };
    match cmd {
        SourceCmd::List => sources(out, &crm.lead_source_use()?),
        SourceCmd::Add(a) => placed(out, &a.name, crm.add_lead_source(&a.name, a.position.map(position))?),
        SourceCmd::Move(m) => placed(out, &m.source, crm.move_lead_source(&m.source, position(m.position))?),
        SourceCmd::Rename(r) => {
            let changed = crm.rename_lead_source(&r.source, &r.name)?;
            out.done(&serde_json::json!({ "renamed": r.source, "to": r.name.trim(), "changed": changed }), || {
                format!(
                    "renamed {} to {}; {}",
                    r.source,
                    r.name.trim(),
                    crate::text::count(changed, "record follows", "records follow")
                )
            });
        }
        SourceCmd::Delete(d) => {
            let changed = crm.delete_lead_source(&d.source, d.to.as_deref(), d.clear)?;
            out.done(&serde_json::json!({ "deleted": d.source, "to": d.to, "changed": changed }), || {
                let records = crate::text::count(changed, "record", "records");
                match &d.to {
                    Some(to) if changed > 0 => format!("deleted {}; moved {records} to {to}", d.source),
                    None if changed > 0 => format!("deleted {}; {records} left without a source", d.source),
                    _ => format!("deleted {}", d.source),
                }
            });
        }
    }
    Ok(())
}

pub(super) fn demo(out: &Out, crm: &Crm, a: DemoArgs) -> Result<()> {
    let size = crate::demo::DemoSize::for_contacts(a.contacts);
    let shown = super::progress::counted(out, size.total(), "making the demo");
    let (total, mut made) = (size.total(), 0);
    let summary = crate::demo::fill(crm, &size, a.seed, a.force, &mut || {
        made += 1;
        // Not every record: the bar's own counting is not free at a million.
        if made % 1024 == 0 || made == total {
            shown.bar().set_position(made);
            if made == total {
                shown.bar().set_message("saving…");
            }
        }
    })?;
    drop(shown);
    out.done(&summary, || format!("demo data added: {summary}"));
    Ok(())
}

pub(super) fn check(out: &Out, crm: &Crm) -> Result<()> {
    let spinner = super::progress::spinning(out, "checking every record and index entry");
    let problems = crm.check()?;
    drop(spinner);
    if out.json {
        out.json_value(&serde_json::json!({ "ok": problems.is_empty(), "problems": problems }));
    } else {
        for p in &problems {
            say!("{p}");
        }
    }
    if problems.is_empty() {
        if !out.json {
            say!("database ok: every record decodes, links resolve, indexes agree");
        }
        Ok(())
    } else {
        bail!("{} problems found in {}", problems.len(), crm.path().display())
    }
}

/// Prints the lead sources in picker order with their use.
pub fn sources(out: &Out, sources: &[crate::crm::SourceUse]) {
    if out.json {
        return out.json_value(&sources);
    }
    let rows = sources.iter().enumerate().map(|(i, s)| {
        vec![(i + 1).to_string(), crate::text::spoken(&s.name), s.leads.to_string(), s.deals.to_string()]
    });
    say!("{}", table(&["#", "SOURCE", "LEADS", "DEALS"], rows, &[0, 2, 3]));
}
