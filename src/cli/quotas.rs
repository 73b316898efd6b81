//! `rolo quota`: sales quotas per user or team and month or quarter.

use anyhow::Result;
use clap::{Args, Subcommand};

use super::fields;
use super::output::{Out, table};
use crate::crm::Crm;
use crate::model::{Currency, Quota, QuotaHolder, QuotaPeriod, ValidationError};

/// Quota commands (setting and deleting need the settings right).
#[derive(Debug, Subcommand)]
pub enum QuotaCmd {
    /// Set what a user (LOGIN PERIOD AMOUNT) or a team (--team T PERIOD AMOUNT) should win in a
    /// month (2027-01) or quarter (2027-Q1); replaces the one it had.
    Set(QuotaSet),
    /// List the quotas, by period then holder.
    #[command(alias = "ls")]
    List(QuotaList),
    /// Delete the quota of a user (LOGIN PERIOD) or team (--team T PERIOD).
    #[command(alias = "rm")]
    Delete(QuotaDelete),
}

/// `quota set`.
#[derive(Debug, Args)]
pub struct QuotaSet {
    /// LOGIN PERIOD AMOUNT, or with --team PERIOD AMOUNT.
    #[arg(num_args = 2..=3, value_names = ["LOGIN", "PERIOD", "AMOUNT"], required = true)]
    pub words: Vec<String>,
    /// The team the quota is for (instead of a user).
    #[arg(long)]
    pub team: Option<String>,
    /// The currency of the amount (default: the config's currency, else USD).
    #[arg(long)]
    pub currency: Option<String>,
}

/// `quota list`.
#[derive(Debug, Args)]
pub struct QuotaList {
    /// Only the quotas of this month or quarter.
    #[arg(long)]
    pub period: Option<String>,
}

/// `quota delete`.
#[derive(Debug, Args)]
pub struct QuotaDelete {
    /// LOGIN PERIOD, or with --team PERIOD.
    #[arg(num_args = 1..=2, value_names = ["LOGIN", "PERIOD"], required = true)]
    pub words: Vec<String>,
    /// The team whose quota goes (instead of a user's).
    #[arg(long)]
    pub team: Option<String>,
}

/// The holder and the words after it: a team by `--team`, else the first word, a login.
fn holder(team: &Option<String>, words: &[String], after: usize) -> Result<(QuotaHolder, Vec<String>)> {
    let (holder, rest) = match team {
        Some(t) => (QuotaHolder::Team(t.trim().to_string()), words.to_vec()),
        None => match words.split_first() {
            Some((login, rest)) => (QuotaHolder::User(login.trim().to_lowercase()), rest.to_vec()),
            None => (QuotaHolder::User(String::new()), Vec::new()),
        },
    };
    if rest.len() != after {
        let usage = match (team.is_some(), after) {
            (true, 2) => "give --team TEAM PERIOD AMOUNT",
            (false, 2) => "give LOGIN PERIOD AMOUNT",
            (true, _) => "give --team TEAM PERIOD",
            (false, _) => "give LOGIN PERIOD",
        };
        return Err(ValidationError::new("quota", format!("{} words given: {usage}", words.len())).into());
    }
    Ok((holder, rest))
}

pub(super) fn quota(out: &Out, crm: &Crm, cmd: QuotaCmd) -> Result<()> {
    match cmd {
        QuotaCmd::Set(s) => {
            let (holder, rest) = holder(&s.team, &s.words, 2)?;
            let period = QuotaPeriod::parse(&rest[0])?;
            let amount = fields::amount("amount", &rest[1])?;
            let currency = match &s.currency {
                Some(c) => Currency::parse(c)?,
                None => crm.session().currency(),
            };
            let q = crm.set_quota(Quota { holder, period, amount, currency })?;
            out.done(&q, || format!("quota of {} for {}: {} {}", q.holder, q.period, q.amount.grouped(), q.currency));
        }
        QuotaCmd::List(l) => {
            let period = l.period.as_deref().map(QuotaPeriod::parse).transpose()?;
            let all: Vec<Quota> = crm.quotas()?.into_iter().filter(|q| period.is_none_or(|p| p == q.period)).collect();
            if out.json {
                out.json_value(&all);
            } else if all.is_empty() {
                say!("no quotas yet: set one with rolo quota set LOGIN 2027-Q1 50000");
            } else {
                let rows = all.iter().map(|q| {
                    vec![q.period.to_string(), q.holder.to_string(), q.amount.grouped(), q.currency.to_string()]
                });
                say!("{}", table(&["PERIOD", "FOR", "AMOUNT", "CURRENCY"], rows, &[2]));
            }
        }
        QuotaCmd::Delete(d) => {
            let (holder, rest) = holder(&d.team, &d.words, 1)?;
            let q = crm.delete_quota(&holder, QuotaPeriod::parse(&rest[0])?)?;
            out.done(&q, || format!("deleted the quota of {} for {}", q.holder, q.period));
        }
    }
    Ok(())
}
