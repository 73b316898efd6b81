//! Administration: the lead-source and competitor lists, demo data and the database check.

use anyhow::{Result, bail};
use clap::{Args, Subcommand};

use super::args::from_one;
use super::output::{Out, table};
use super::position;
use crate::crm::Crm;
use crate::model::Picklist;

/// Lead-source commands. A source is named by its name, ignoring case, spaces, dashes and
/// underscores ("Web Site" is web_site).
#[derive(Debug, Subcommand)]
pub enum SourceCmd {
    /// List the lead sources with how many leads and deals carry each.
    #[command(alias = "ls")]
    List,
    /// Add a lead source.
    Add(PickAdd),
    /// Rename a lead source; its leads and deals follow.
    Rename(SourceRename),
    /// Move a lead source to another position in the pickers.
    Move(SourceMove),
    /// Delete a lead source; its leads and deals move to --to first, or lose it with --clear.
    #[command(alias = "rm")]
    Delete(SourceDelete),
}

/// Competitor commands: the list a deal's competitor is picked from. A competitor is named by its
/// name, ignoring case, spaces, dashes and underscores.
#[derive(Debug, Subcommand)]
pub enum CompetitorCmd {
    /// List the competitors with how many deals carry each.
    #[command(alias = "ls")]
    List,
    /// Add a competitor.
    Add(PickAdd),
    /// Rename a competitor; its deals follow.
    Rename(CompetitorRename),
    /// Move a competitor to another position in the pickers.
    Move(CompetitorMove),
    /// Delete a competitor; its deals move to --to first, or lose it with --clear.
    #[command(alias = "rm")]
    Delete(CompetitorDelete),
}

/// `source add`, `competitor add`.
#[derive(Debug, Args)]
pub struct PickAdd {
    /// The new name (unique).
    pub name: String,
    /// Position in the list, from 1 (default: the end).
    #[arg(long, value_parser = from_one)]
    pub position: Option<u64>,
}

/// `source rename`.
#[derive(Debug, Args)]
pub struct SourceRename {
    /// The source.
    #[arg(add = super::shell::picks(Picklist::LeadSources))]
    pub source: String,
    /// Its new name (unique).
    pub name: String,
}

/// `source move`.
#[derive(Debug, Args)]
pub struct SourceMove {
    /// The source.
    #[arg(add = super::shell::picks(Picklist::LeadSources))]
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
    #[arg(add = super::shell::picks(Picklist::LeadSources))]
    pub source: String,
    /// Where its leads and deals go (another source); required when any carry it, unless --clear.
    #[arg(long, value_name = "SOURCE")]
    pub to: Option<String>,
    /// Leave its leads and deals without a source.
    #[arg(long)]
    pub clear: bool,
}

/// `competitor rename`.
#[derive(Debug, Args)]
pub struct CompetitorRename {
    /// The competitor.
    #[arg(add = super::shell::picks(Picklist::Competitors))]
    pub competitor: String,
    /// Its new name (unique).
    pub name: String,
}

/// `competitor move`.
#[derive(Debug, Args)]
pub struct CompetitorMove {
    /// The competitor.
    #[arg(add = super::shell::picks(Picklist::Competitors))]
    pub competitor: String,
    /// Its new position, from 1.
    #[arg(value_parser = from_one)]
    pub position: u64,
}

/// `competitor delete`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("carrying").args(["to", "clear"])))]
pub struct CompetitorDelete {
    /// The competitor.
    #[arg(add = super::shell::picks(Picklist::Competitors))]
    pub competitor: String,
    /// Where its deals go (another competitor); required when any carry it, unless --clear.
    #[arg(long, value_name = "COMPETITOR")]
    pub to: Option<String>,
    /// Leave its deals without a competitor.
    #[arg(long)]
    pub clear: bool,
}

/// What a picklist command asks, whichever list it names.
pub(super) enum PickCmd {
    List,
    Add(PickAdd),
    Rename { entry: String, name: String },
    Move { entry: String, position: u64 },
    Delete { entry: String, to: Option<String>, clear: bool },
}

impl From<SourceCmd> for PickCmd {
    fn from(cmd: SourceCmd) -> PickCmd {
        match cmd {
            SourceCmd::List => PickCmd::List,
            SourceCmd::Add(a) => PickCmd::Add(a),
            SourceCmd::Rename(r) => PickCmd::Rename { entry: r.source, name: r.name },
            SourceCmd::Move(m) => PickCmd::Move { entry: m.source, position: m.position },
            SourceCmd::Delete(d) => PickCmd::Delete { entry: d.source, to: d.to, clear: d.clear },
        }
    }
}

impl From<CompetitorCmd> for PickCmd {
    fn from(cmd: CompetitorCmd) -> PickCmd {
        match cmd {
            CompetitorCmd::List => PickCmd::List,
            CompetitorCmd::Add(a) => PickCmd::Add(a),
            CompetitorCmd::Rename(r) => PickCmd::Rename { entry: r.competitor, name: r.name },
            CompetitorCmd::Move(m) => PickCmd::Move { entry: m.competitor, position: m.position },
            CompetitorCmd::Delete(d) => PickCmd::Delete { entry: d.competitor, to: d.to, clear: d.clear },
        }
    }
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

/// `rolo source` and `rolo competitor`: edits the picklist `list`.
pub(super) fn picklist(out: &Out, crm: &Crm, list: Picklist, cmd: impl Into<PickCmd>) -> Result<()> {
    // Adding and moving print the new list (JSON: the names in order) after a line saying where
    // the entry now is.
    let placed = |out: &Out, name: &str, names: Vec<String>| {
        let key = crate::model::source_key(name);
        let at = names.iter().position(|s| crate::model::source_key(s) == key).map_or(0, |i| i + 1);
        out.done(&names, || format!("{} is {} {at} of {}", name.trim(), list.noun(), names.len()));
    };
    match cmd.into() {
        PickCmd::List => picks(out, list, &crm.picklist_use(list)?),
        PickCmd::Add(a) => placed(out, &a.name, crm.add_to_picklist(list, &a.name, a.position.map(position))?),
        PickCmd::Move { entry, position: at } => placed(out, &entry, crm.move_in_picklist(list, &entry, position(at))?),
        PickCmd::Rename { entry, name } => {
            let changed = crm.rename_in_picklist(list, &entry, &name)?;
            out.done(&serde_json::json!({ "renamed": entry, "to": name.trim(), "changed": changed }), || {
                let follow = crate::text::count(changed, "record follows", "records follow");
                format!("renamed {entry} to {}; {follow}", name.trim())
            });
        }
        PickCmd::Delete { entry, to, clear } => {
            let changed = crm.delete_from_picklist(list, &entry, to.as_deref(), clear)?;
            out.done(&serde_json::json!({ "deleted": entry, "to": to, "changed": changed }), || {
                let records = crate::text::count(changed, "record", "records");
                match &to {
                    Some(to) if changed > 0 => format!("deleted {entry}; moved {records} to {to}"),
                    None if changed > 0 => format!("deleted {entry}; {records} left without a {}", list.field()),
                    _ => format!("deleted {entry}"),
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

/// Prints a picklist in picker order with its use: the lead sources with their leads and deals,
/// the competitors with their deals.
fn picks(out: &Out, list: Picklist, uses: &[crate::crm::SourceUse]) {
    match list {
        Picklist::LeadSources if out.json => out.json_value(&uses),
        Picklist::LeadSources => {
            let rows = uses.iter().enumerate().map(|(i, s)| {
                vec![(i + 1).to_string(), crate::text::spoken(&s.name), s.leads.to_string(), s.deals.to_string()]
            });
            say!("{}", table(&["#", "SOURCE", "LEADS", "DEALS"], rows, &[0, 2, 3]));
        }
        Picklist::Competitors if out.json => {
            let rows: Vec<_> = uses.iter().map(|u| serde_json::json!({ "name": u.name, "deals": u.deals })).collect();
            out.json_value(&rows)
        }
        Picklist::Competitors => {
            let rows =
                uses.iter().enumerate().map(|(i, s)| vec![(i + 1).to_string(), s.name.clone(), s.deals.to_string()]);
            say!("{}", table(&["#", "COMPETITOR", "DEALS"], rows, &[0, 2]));
        }
    }
}
