//! Sales: leads and their conversion, deals (opportunities) and the pipeline stages: each
//! command's arguments, handler and presenter.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::Value;

use super::args::from_one;
use super::args::{FilterArg, IdArg, owned_noun};
use super::output::{self, Names, Out, Present, list, opt, table, with_name, wrote};
use super::{add, assign, delete, edit, exists, fields, position, show_one};
use crate::crm::Order;
use crate::crm::{ConvertLead, Crm, NewOpportunity};
use crate::model::{Account, Id, Kind, Lead, Opportunity, RecordRef, Stage, StageOutcome, ValidationError};

owned_noun!(
    /// Lead commands.
    LeadCmd, LeadAdd, LeadEdit, LeadList,
    /// Turn a lead into an account, a contact and (optionally) an opportunity, atomically.
    Convert(ConvertArgs)
);

/// Optional lead fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct LeadFields {
    /// Their organisation.
    #[arg(long)]
    pub company: Option<String>,
    /// Job title.
    #[arg(long)]
    pub title: Option<String>,
    /// Email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Where it came from, a lead source (`rolo source list`): cold_call, web_site, trade_show,
    /// partner, ...
    #[arg(long, add = super::shell::picks(crate::model::Picklist::LeadSources))]
    pub source: Option<String>,
    /// The campaign that brought it.
    #[arg(long)]
    pub campaign: Option<Id>,
    /// new, contacted, qualified or unqualified.
    #[arg(long)]
    pub status: Option<String>,
    /// hot, warm or cold.
    #[arg(long)]
    pub rating: Option<String>,
    /// The rep in charge (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
}

/// `lead add`.
#[derive(Debug, Args)]
pub struct LeadAdd {
    /// Given name.
    #[arg(long)]
    pub first: String,
    /// Family name.
    #[arg(long)]
    pub last: String,
    #[command(flatten)]
    pub fields: LeadFields,
}

/// `lead edit`.
#[derive(Debug, Args)]
pub struct LeadEdit {
    /// The lead's id.
    pub id: Id,
    /// New given name.
    #[arg(long)]
    pub first: Option<String>,
    /// New family name.
    #[arg(long)]
    pub last: Option<String>,
    #[command(flatten)]
    pub fields: LeadFields,
}

/// `lead list` filters.
#[derive(Debug, Args)]
pub struct LeadList {
    /// Only leads with this status.
    #[arg(long)]
    pub status: Option<String>,
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

/// `lead convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The lead's id.
    pub id: Id,
    /// Use this account instead of matching the company by name.
    #[arg(long)]
    pub account: Option<Id>,
    /// Also create an opportunity with this name.
    #[arg(long)]
    pub opportunity: Option<String>,
    /// The opportunity's amount (creates one named after the company if --opportunity is absent).
    #[arg(long)]
    pub amount: Option<String>,
    /// The opportunity's close date (default: in 30 days).
    #[arg(long)]
    pub close_date: Option<String>,
}

owned_noun!(
    /// Opportunity commands.
    OppCmd, OppAdd, OppEdit, OppList,
    /// Move to another stage; the probability follows the stage unless given.
    Move(MoveArgs),
    /// Mark won (moves to the won stage).
    Win(IdArg),
    /// Mark lost, with a reason (moves to the lost stage).
    Lose(LoseArgs)
);

/// Optional opportunity fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct OppFields {
    /// Stage name (any case); default: the first stage.
    #[arg(long, add = super::shell::stages())]
    pub stage: Option<String>,
    /// Chance of winning, 0-100 (sticks when set; else follows the stage).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub probability: Option<u8>,
    /// The main contact.
    #[arg(long)]
    pub contact: Option<Id>,
    /// What happens next.
    #[arg(long)]
    pub next_step: Option<String>,
    /// When the next step is due.
    #[arg(long)]
    pub next_step_date: Option<String>,
    /// Currency code (default USD).
    #[arg(long)]
    pub currency: Option<String>,
    /// Where the deal came from (a lead source).
    #[arg(long, add = super::shell::picks(crate::model::Picklist::LeadSources))]
    pub source: Option<String>,
    /// The competitor it is up against (`rolo competitor list`); empty clears it.
    #[arg(long, add = super::shell::picks(crate::model::Picklist::Competitors))]
    pub competitor: Option<String>,
    /// The campaign that brought it.
    #[arg(long)]
    pub campaign: Option<Id>,
    /// The rep in charge (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
}

/// `opp add`.
#[derive(Debug, Args)]
pub struct OppAdd {
    /// The deal's name.
    #[arg(long)]
    pub name: String,
    /// The buying account's id.
    #[arg(long)]
    pub account: Id,
    /// Expected value, e.g. 12000 or 12000.50.
    #[arg(long)]
    pub amount: String,
    /// Expected close date, YYYY-MM-DD.
    #[arg(long)]
    pub close_date: String,
    #[command(flatten)]
    pub fields: OppFields,
}

/// `opp edit`.
#[derive(Debug, Args)]
pub struct OppEdit {
    /// The opportunity's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New account.
    #[arg(long)]
    pub account: Option<Id>,
    /// New amount.
    #[arg(long)]
    pub amount: Option<String>,
    /// New close date.
    #[arg(long)]
    pub close_date: Option<String>,
    #[command(flatten)]
    pub fields: OppFields,
}

/// `opp list` filters.
#[derive(Debug, Args)]
pub struct OppList {
    /// Only this stage (name, any case).
    #[arg(long, add = super::shell::stages())]
    pub stage: Option<String>,
    /// Only this account.
    #[arg(long)]
    pub account: Option<Id>,
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

/// `opp move`.
#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The opportunity's id.
    #[arg(add = super::shell::ids())]
    pub id: Id,
    /// The stage's name (any case).
    #[arg(add = super::shell::stages())]
    pub stage: String,
    /// Set the probability by hand instead of taking the stage's default.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub probability: Option<u8>,
}

/// `opp lose`.
#[derive(Debug, Args)]
pub struct LoseArgs {
    /// The opportunity's id.
    pub id: Id,
    /// Why it was lost.
    #[arg(long)]
    pub reason: String,
}

/// Stage commands. A stage is named by its name (any case) or its id.
#[derive(Debug, Subcommand)]
pub enum StageCmd {
    /// List the stages in board order.
    #[command(alias = "ls")]
    List,
    /// Add a stage to the pipeline.
    Add(StageAdd),
    /// Rename a stage or change its default probability (open deals not set by hand follow).
    Edit(StageEdit),
    /// Move a stage to another position on the board.
    Move(StageMove),
    /// Delete a stage; its deals move to --move-to first.
    #[command(alias = "rm")]
    Delete(StageDelete),
}

/// `stage add`.
#[derive(Debug, Args)]
pub struct StageAdd {
    /// The new stage's name (unique, any case).
    pub name: String,
    /// Default probability for deals entering it, 0-100 (default: won 100, lost 0, open that of
    /// the open stage before it).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub probability: Option<u8>,
    /// What reaching it means: open, won or lost.
    #[arg(long, default_value = "open")]
    pub outcome: String,
    /// Position on the board, from 1 (default: an open stage before the first closed one, a
    /// closed stage at the end).
    #[arg(long, value_parser = from_one)]
    pub position: Option<u64>,
}

/// `stage edit`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["name", "probability"])))]
pub struct StageEdit {
    /// The stage (name or id).
    #[arg(add = super::shell::stages())]
    pub stage: String,
    /// New name (unique, any case).
    #[arg(long)]
    pub name: Option<String>,
    /// New default probability, 0-100; open deals in the stage not set by hand follow it.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub probability: Option<u8>,
}

/// `stage move`.
#[derive(Debug, Args)]
pub struct StageMove {
    /// The stage (name or id).
    #[arg(add = super::shell::stages())]
    pub stage: String,
    /// Its new position on the board, from 1.
    #[arg(value_parser = from_one)]
    pub position: u64,
}

/// `stage delete`.
#[derive(Debug, Args)]
pub struct StageDelete {
    /// The stage (name or id).
    #[arg(add = super::shell::stages())]
    pub stage: String,
    /// Where its deals go (name or id); required when it has any.
    #[arg(long, value_name = "STAGE")]
    pub move_to: Option<String>,
}

pub(super) fn lead(out: &Out, crm: &Crm, cmd: LeadCmd) -> Result<()> {
    match cmd {
        LeadCmd::Add(a) => {
            let mut rec = Lead { first_name: a.first, last_name: a.last, ..Default::default() };
            fields::lead(&mut rec, &a.fields)?;
            add(out, crm, rec)
        }
        LeadCmd::List(f) => {
            let status = f.status.as_deref().map(str::parse).transpose()?;
            let all = match status {
                Some(s) => crm.leads_in_status(s)?,
                None => crm.list::<Lead>(|_| true)?,
            };
            f.filter.list(out, crm, all)
        }
        LeadCmd::Show(a) => show_one::<Lead>(out, crm, a.id),
        LeadCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Lead| {
            if let Some(n) = e.first {
                rec.first_name = n;
            }
            if let Some(n) = e.last {
                rec.last_name = n;
            }
            Ok(fields::lead(rec, &e.fields)?)
        }),
        LeadCmd::Delete(a) => delete::<Lead>(out, crm, a.id),
        LeadCmd::Assign(a) => assign::<Lead>(out, crm, a),
        LeadCmd::Convert(a) => {
            let wants_opp = a.opportunity.is_some() || a.amount.is_some() || a.close_date.is_some();
            let opportunity = if wants_opp {
                Some(NewOpportunity {
                    name: a.opportunity,
                    amount: a.amount.as_deref().map(|v| fields::amount("amount", v)).transpose()?,
                    close_date: a
                        .close_date
                        .as_deref()
                        .map(|v| fields::date("close-date", v, crm.session().today()))
                        .transpose()?,
                })
            } else {
                None
            };
            let c = crm.convert_lead(a.id, ConvertLead { account: a.account, opportunity })?;
            out.done(&c, || {
                let opp = c.opportunity.map(|o| format!(", opportunity {o}")).unwrap_or_default();
                format!("converted lead {}: account {}, contact {}{opp}", a.id, c.account, c.contact)
            });
            Ok(())
        }
    }
}

pub(super) fn opp(out: &Out, crm: &Crm, cmd: OppCmd) -> Result<()> {
    match cmd {
        OppCmd::Add(a) => {
            let mut rec = Opportunity {
                name: a.name,
                account: a.account,
                amount: fields::amount("amount", &a.amount)?,
                close_date: fields::date("close-date", &a.close_date, crm.session().today())?,
                currency: crm.session().currency(),
                ..Default::default()
            };
            fields::opportunity(&mut rec, &a.fields, crm.session().today())?;
            if let Some(s) = &a.fields.stage {
                rec.stage = crm.stage_named(s)?.id;
            }
            let rec = crm.create_opportunity(rec)?;
            wrote(out, crm, "created", &rec);
            Ok(())
        }
        OppCmd::List(f) => {
            exists::<Account>(crm, f.account)?;
            let stage = f.stage.as_deref().map(|s| crm.stage_named(s)).transpose()?;
            // Through the stage or account index when a filter is given, else the close-date index.
            let mut all = match (&stage, f.account) {
                (Some(s), _) => f.filter.narrow(crm, crm.linking::<Opportunity>(RecordRef::new(Kind::Stage, s.id))?)?,
                (None, Some(a)) => {
                    f.filter.narrow(crm, crm.linking::<Opportunity>(RecordRef::new(Kind::Account, a))?)?
                }
                (None, None) => f.filter.ordered::<Opportunity>(crm, Order::CloseDate, false)?,
            };
            all.retain(|o| f.account.is_none_or(|a| o.account == a));
            all.sort_by_key(|o| (o.close_date, o.id));
            f.filter.print(out, crm, &all);
            Ok(())
        }
        OppCmd::Show(a) => show_one::<Opportunity>(out, crm, a.id),
        OppCmd::Edit(e) => {
            let mut rec = crm.get::<Opportunity>(e.id)?;
            if let Some(n) = e.name {
                rec.name = n;
            }
            if let Some(a) = e.account {
                rec.account = a;
            }
            if let Some(a) = &e.amount {
                rec.amount = fields::amount("amount", a)?;
            }
            if let Some(d) = &e.close_date {
                rec.close_date = fields::date("close-date", d, crm.session().today())?;
            }
            fields::opportunity(&mut rec, &e.fields, crm.session().today())?;
            if let Some(s) = &e.fields.stage {
                rec.stage = crm.stage_named(s)?.id;
            }
            let rec = crm.update(rec)?;
            wrote(out, crm, "updated", &rec);
            Ok(())
        }
        OppCmd::Delete(a) => delete::<Opportunity>(out, crm, a.id),
        OppCmd::Assign(a) => assign::<Opportunity>(out, crm, a),
        OppCmd::Move(m) => {
            let rec = crm.move_opportunity(m.id, &m.stage, m.probability)?;
            let stage = crm.get::<Stage>(rec.stage)?;
            out.done(&output_json(crm, &rec), || {
                format!("moved opportunity {} to {} ({}%)", rec.id, stage.name, rec.probability)
            });
            Ok(())
        }
        OppCmd::Win(a) => close(out, crm, a.id, StageOutcome::Won, None),
        OppCmd::Lose(l) => close(out, crm, l.id, StageOutcome::Lost, Some(l.reason)),
    }
}

fn output_json<R: Present>(crm: &Crm, rec: &R) -> serde_json::Value {
    output::Names::new(crm).record(rec)
}

/// Closes a deal as won or lost.
fn close(out: &Out, crm: &Crm, id: Id, outcome: StageOutcome, reason: Option<String>) -> Result<()> {
    let rec = crm.close_opportunity(id, outcome, reason.as_deref())?;
    out.done(&output_json(crm, &rec), || format!("opportunity {} is {outcome}", rec.id));
    Ok(())
}

pub(super) fn stage(out: &Out, crm: &Crm, cmd: StageCmd) -> Result<()> {
    match cmd {
        StageCmd::List => {
            print_stages(out, crm, &crm.stages()?);
            Ok(())
        }
        StageCmd::Add(a) => {
            let outcome: StageOutcome = a.outcome.parse()?;
            let rec = crm.add_stage(&a.name, a.probability, outcome, a.position.map(position))?;
            wrote(out, crm, "created", &rec);
            Ok(())
        }
        StageCmd::Edit(e) => {
            let id = stage_arg(crm, "stage", &e.stage)?.id;
            let rec = crm.edit_stage(id, e.name, e.probability)?;
            wrote(out, crm, "updated", &rec);
            Ok(())
        }
        StageCmd::Move(m) => {
            let moving = stage_arg(crm, "stage", &m.stage)?;
            let stages = crm.move_stage(moving.id, position(m.position))?;
            if !out.json {
                say!("{}", crate::text::sanitize(&format!("moved stage {} to position {}", moving.name, m.position)));
            }
            print_stages(out, crm, &stages);
            Ok(())
        }
        StageCmd::Delete(d) => {
            let gone = stage_arg(crm, "stage", &d.stage)?;
            let to = d.move_to.as_deref().map(|t| stage_arg(crm, "move-to", t)).transpose()?;
            let moved = crm.delete_stage(gone.id, to.as_ref().map(|t| t.id))?;
            out.done(&serde_json::json!({ "deleted": gone.id, "moved": moved }), || {
                let deleted = format!("deleted stage {}: {}", gone.id, gone.name);
                match &to {
                    Some(to) if moved > 0 => {
                        format!("{deleted}; moved {} to {}", crate::text::count(moved, "deal", "deals"), to.name)
                    }
                    _ => deleted,
                }
            });
            Ok(())
        }
    }
}

/// The stage a flag names (by name, any case, or id); an unknown one is an error on `field`.
fn stage_arg(crm: &Crm, field: &str, text: &str) -> Result<Stage> {
    crm.stage_by_name_or_id(text).map_err(|e| match e {
        crate::crm::CrmError::Invalid(v) => ValidationError::new(field, v.message).into(),
        e => e.into(),
    })
}

impl Present for Lead {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "COMPANY", "STATUS", "SOURCE", "EMAIL"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.full_name(),
            opt(&self.company),
            self.status.to_string(),
            crate::text::spoken(self.source.as_deref().unwrap_or_default()),
            opt(&self.email),
        ]
    }
}

impl Present for Opportunity {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "ACCOUNT", "STAGE", "PROB", "AMOUNT", "CLOSE"];
    const RIGHT: &'static [usize] = &[0, 4, 5];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            names.of::<Account>(Some(self.account)),
            names.of::<Stage>(Some(self.stage)),
            format!("{}%", self.probability),
            format!("{} {}", self.amount.grouped(), self.currency),
            self.close_date.to_string(),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        let v = serde_json::to_value(self).unwrap_or(Value::Null);
        let v = with_name(v, "account", names.json_name::<Account>(Some(self.account)));
        with_name(v, "stage", names.json_name::<Stage>(Some(self.stage)))
    }
}

impl Present for Stage {
    const HEADERS: &'static [&'static str] = &["ID", "ORDER", "NAME", "PROB", "OUTCOME"];
    const RIGHT: &'static [usize] = &[0, 1, 3];
    fn row(&self, _: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.order.to_string(),
            self.name.clone(),
            format!("{}%", self.probability),
            self.outcome.to_string(),
        ]
    }
}

/// Prints the stages in board order. The table's ORDER column is the position that
/// `stage move` and `stage add --position` take (counted, since files from before stages could
/// be edited number them from 0); JSON shows the records as stored.
pub fn print_stages(out: &Out, crm: &Crm, stages: &[Stage]) {
    if out.json {
        return list(out, crm, stages);
    }
    let names = Names::new(crm);
    let rows = stages.iter().enumerate().map(|(i, s)| {
        let mut row = s.row(&names);
        row[1] = (i + 1).to_string();
        row
    });
    say!("{}", table(Stage::HEADERS, rows, Stage::RIGHT));
}
