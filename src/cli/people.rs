//! People: accounts and contacts (their duplicates and email status too), and the fuzzy search
//! over them: each command's arguments, handler and presenter.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::Value;

use super::args::days_range;
use super::args::{FilterArg, IdArg, owned_noun};
use super::output::{self, Names, Out, Present, opt, table, with_name, wrote};
use super::{add, assign, delete, edit, exists, fields, show_one};
use crate::crm::Order;
use crate::crm::{Crm, EmailStatusChange};
use crate::model::{Account, Contact, Id, Kind, RecordRef, ValidationError};

owned_noun!(
    /// Account commands.
    AccountCmd, AccountAdd, AccountEdit, FilterArg
);

/// Optional account fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct AccountFields {
    /// Line of business.
    #[arg(long)]
    pub industry: Option<String>,
    /// Web address.
    #[arg(long)]
    pub website: Option<String>,
    /// Main phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Main email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Street and number.
    #[arg(long)]
    pub street: Option<String>,
    /// City.
    #[arg(long)]
    pub city: Option<String>,
    /// State or region.
    #[arg(long)]
    pub region: Option<String>,
    /// Postal code.
    #[arg(long)]
    pub postal_code: Option<String>,
    /// Country.
    #[arg(long)]
    pub country: Option<String>,
    /// Head count.
    #[arg(long)]
    pub employees: Option<u32>,
    /// Yearly revenue, e.g. 1500000.
    #[arg(long)]
    pub revenue: Option<String>,
    /// Currency code of the revenue (default USD).
    #[arg(long)]
    pub currency: Option<String>,
    /// The account this one is a branch of.
    #[arg(long)]
    pub parent: Option<Id>,
    /// prospect, customer, former or archived.
    #[arg(long)]
    pub status: Option<String>,
    /// The rep in charge (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
    /// A label (repeat for several; replaces the labels on edit).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
}

/// `account add`.
#[derive(Debug, Args)]
pub struct AccountAdd {
    /// The organisation's name.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub fields: AccountFields,
}

/// `account edit`.
#[derive(Debug, Args)]
pub struct AccountEdit {
    /// The account's id.
    pub id: Id,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: AccountFields,
}

owned_noun!(
    /// Contact commands.
    ContactCmd, ContactAdd, ContactEdit, ContactList,
    /// Set the consent or validity of one of a contact's email addresses.
    EmailStatus(EmailStatusArgs),
    /// List pairs of contacts that look like one person (same email, phone, or name at the same
    /// company).
    Duplicates(DuplicatesArgs),
    /// Merge one contact into another: every email, phone, call, task, meeting, deal and note
    /// of the second moves to the first, then the second is deleted.
    Merge(MergeArgs),
    /// Erase a person for good: the contact goes and their values leave the audit trail,
    /// keeping only that an erasure happened (no undo; admin, or the owner with delete rights).
    Erase(IdArg)
);

/// `contact duplicates`.
#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    /// List at most this many pairs.
    #[arg(long, default_value_t = 1000)]
    pub limit: usize,
}

/// `contact merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The contact kept.
    pub keep: Id,
    /// The contact merged into it and deleted.
    pub gone: Id,
}

/// Optional contact fields, shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct ContactFields {
    /// Middle name.
    #[arg(long)]
    pub middle: Option<String>,
    /// Email address (repeat for several; replaces the list on edit, keeping known statuses).
    #[arg(long = "email")]
    pub emails: Vec<String>,
    /// Phone number (repeat for several; replaces the list on edit).
    #[arg(long = "phone")]
    pub phones: Vec<String>,
    /// The account they work for.
    #[arg(long)]
    pub account: Option<Id>,
    /// Job title.
    #[arg(long)]
    pub title: Option<String>,
    /// City.
    #[arg(long)]
    pub city: Option<String>,
    /// Country.
    #[arg(long)]
    pub country: Option<String>,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    pub birthday: Option<String>,
    /// An interest (repeat for several).
    #[arg(long = "interest")]
    pub interests: Vec<String>,
    /// Get in touch at least every N days (1 to 36600).
    #[arg(long, value_parser = clap::value_parser!(u32).range(days_range()))]
    pub follow_up_days: Option<u32>,
    /// Never phone this person (true or false).
    #[arg(long)]
    pub do_not_call: Option<bool>,
    /// The rep in charge (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
    /// A label (repeat for several; replaces the labels on edit).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
}

/// `contact add`.
#[derive(Debug, Args)]
pub struct ContactAdd {
    /// Given name.
    #[arg(long)]
    pub first: String,
    /// Family name.
    #[arg(long)]
    pub last: String,
    #[command(flatten)]
    pub fields: ContactFields,
}

/// `contact edit`.
#[derive(Debug, Args)]
pub struct ContactEdit {
    /// The contact's id.
    pub id: Id,
    /// New given name.
    #[arg(long)]
    pub first: Option<String>,
    /// New family name.
    #[arg(long)]
    pub last: Option<String>,
    #[command(flatten)]
    pub fields: ContactFields,
}

/// `contact list` filters.
#[derive(Debug, Args)]
pub struct ContactList {
    /// Only contacts of this account.
    #[arg(long)]
    pub account: Option<Id>,
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

/// `contact email-status`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("status").required(true).multiple(false))]
pub struct EmailStatusArgs {
    /// The contact's id.
    pub id: Id,
    /// One of the contact's addresses.
    pub email: String,
    /// They agreed to receive mail.
    #[arg(long, group = "status")]
    pub opt_in: bool,
    /// They asked not to receive mail.
    #[arg(long, group = "status")]
    pub opt_out: bool,
    /// Mail to it bounced or cannot be delivered.
    #[arg(long, group = "status")]
    pub invalid: bool,
    /// Mail to it arrives.
    #[arg(long, group = "status")]
    pub valid: bool,
    /// Mail to it came back.
    #[arg(long, group = "status")]
    pub bounced: bool,
}

/// `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for; letters may be spread out (fuzzy).
    pub query: String,
    /// Only this kind: contact, account, lead, opp, case or article.
    #[arg(long)]
    pub kind: Option<String>,
    /// How many results at most.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

pub(super) fn account(out: &Out, crm: &Crm, cmd: AccountCmd) -> Result<()> {
    match cmd {
        AccountCmd::Add(a) => {
            let mut rec = Account { name: a.name, currency: crm.session().currency(), ..Default::default() };
            fields::account(&mut rec, &a.fields)?;
            add(out, crm, rec)
        }
        AccountCmd::List(f) => {
            f.print(out, crm, &f.ordered::<Account>(crm, Order::Name, false)?);
            Ok(())
        }
        AccountCmd::Show(a) => show_one::<Account>(out, crm, a.id),
        AccountCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Account| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            Ok(fields::account(rec, &e.fields)?)
        }),
        AccountCmd::Delete(a) => delete::<Account>(out, crm, a.id),
        AccountCmd::Assign(a) => assign::<Account>(out, crm, a),
    }
}

pub(super) fn contact(out: &Out, crm: &Crm, cmd: ContactCmd) -> Result<()> {
    match cmd {
        ContactCmd::Add(a) => {
            let mut rec = Contact { first_name: a.first, last_name: a.last, ..Default::default() };
            fields::contact(&mut rec, &a.fields, crm.session().today())?;
            add(out, crm, rec)
        }
        ContactCmd::List(f) => {
            exists::<Account>(crm, f.account)?;
            let all = match f.account {
                Some(a) => {
                    let mut all = crm.linking::<Contact>(RecordRef::new(Kind::Account, a))?;
                    all.sort_by_key(|c| (c.last_name.to_lowercase(), c.first_name.to_lowercase()));
                    f.filter.narrow(crm, all)?
                }
                None => f.filter.ordered::<Contact>(crm, Order::Name, false)?,
            };
            f.filter.print(out, crm, &all);
            Ok(())
        }
        ContactCmd::Show(a) => show_one::<Contact>(out, crm, a.id),
        ContactCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Contact| {
            if let Some(n) = e.first {
                rec.first_name = n;
            }
            if let Some(n) = e.last {
                rec.last_name = n;
            }
            Ok(fields::contact(rec, &e.fields, crm.session().today())?)
        }),
        ContactCmd::Delete(a) => delete::<Contact>(out, crm, a.id),
        ContactCmd::Assign(a) => assign::<Contact>(out, crm, a),
        ContactCmd::EmailStatus(a) => {
            let change = match (a.opt_in, a.opt_out, a.invalid, a.valid) {
                (true, ..) => EmailStatusChange::OptIn,
                (_, true, ..) => EmailStatusChange::OptOut,
                (_, _, true, _) => EmailStatusChange::Invalid,
                (_, _, _, true) => EmailStatusChange::Valid,
                _ => EmailStatusChange::Bounced,
            };
            let rec = crm.set_email_status(a.id, &a.email, change)?;
            wrote(out, crm, "updated", &rec);
            Ok(())
        }
        ContactCmd::Duplicates(a) => {
            duplicates(out, &crm.duplicate_contacts(a.limit)?);
            Ok(())
        }
        ContactCmd::Erase(a) => {
            let name = crm.erase_contact(a.id)?;
            let value = serde_json::json!({ "id": a.id, "name": name, "erased": true });
            out.done(&value, || format!("erased contact {name} (contact:{})", a.id));
            Ok(())
        }
        ContactCmd::Merge(m) => {
            let rec = crm.merge_contacts(m.keep, m.gone)?;
            wrote(out, crm, &format!("merged contact {} into", m.gone), &rec);
            Ok(())
        }
    }
}

pub(super) fn search(out: &Out, crm: &Crm, a: SearchArgs) -> Result<()> {
    let kinds = match &a.kind {
        Some(k) => {
            let kind: Kind = k.parse().map_err(|m: String| ValidationError::new("kind", m))?;
            if !matches!(
                kind,
                Kind::Contact | Kind::Account | Kind::Lead | Kind::Opportunity | Kind::Case | Kind::Article
            ) {
                return Err(ValidationError::new(
                    "kind",
                    format!("{kind} is not searched: use contact, account, lead, opp, case or article"),
                )
                .into());
            }
            vec![kind]
        }
        None => Vec::new(),
    };
    if a.limit == 0 {
        return Err(ValidationError::new("limit", "must be at least 1").into());
    }
    let hits = crm.search(&a.query, &kinds, a.limit)?;
    if out.json {
        out.json_value(&hits);
    } else if hits.is_empty() {
        say!("nothing matches '{}'", a.query);
    } else {
        let rows = hits.iter().map(|h| {
            vec![
                h.kind.to_string(),
                h.id.to_string(),
                h.label.clone(),
                crate::text::truncate(&h.detail.replace('\t', " · "), 60),
            ]
        });
        say!("{}", output::table(&["KIND", "ID", "NAME", "DETAILS"], rows, &[1]));
    }
    Ok(())
}

impl Present for Account {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "INDUSTRY", "CITY", "COUNTRY", "STATUS", "OWNER"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            opt(&self.industry),
            opt(&self.address.city),
            opt(&self.address.country),
            self.status.to_string(),
            names.owner(&self.owner),
        ]
    }
}

impl Present for Contact {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "ACCOUNT", "EMAIL", "PHONE", "COUNTRY"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.full_name(),
            names.of::<Account>(self.account),
            self.primary_email().unwrap_or_default().to_string(),
            self.primary_phone().unwrap_or_default().to_string(),
            self.country().unwrap_or_default().to_string(),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        with_name(
            serde_json::to_value(self).unwrap_or(Value::Null),
            "account",
            names.json_name::<Account>(self.account),
        )
    }
}

/// Prints pairs of contacts that look like one person.
pub fn duplicates(out: &Out, pairs: &[crate::crm::DuplicatePair]) {
    if out.json {
        return out.json_value(&pairs);
    }
    if pairs.is_empty() {
        return say!("no possible duplicates");
    }
    let rows = pairs.iter().map(|p| {
        vec![p.first.to_string(), p.first_name.clone(), p.second.to_string(), p.second_name.clone(), p.reason.clone()]
    });
    say!("{}", table(&["KEEP", "NAME", "MERGE", "NAME", "WHY"], rows, &[0, 2]));
}
