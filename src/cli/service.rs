//! Customer service: `rolo case` (the queue, a case's thread, its statuses and resolution) and
//! `rolo kb` (knowledge articles), with their arguments, handlers and presenters. A case is
//! named by its number (`C-000123`) or plain id.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::Value;

use super::args::{AssignArgs, FilterArg, noun};
use super::output::{Names, Out, Present, field_lines, with_name, wrote};
use super::{add, assign, delete, edit, fields, show_one};
use crate::crm::{Crm, ThreadItem};
use crate::model::{Account, Article, Case, CaseStatus, Contact, Id, Product, parse_case_number};

/// A case named on the command line: `C-000123`, `c123` or `123`.
pub(super) fn case_id(text: &str) -> std::result::Result<Id, String> {
    parse_case_number(text).ok_or_else(|| format!("'{text}' is not a case: give its number, e.g. C-000123 or 123"))
}

/// One case.
#[derive(Debug, Args)]
pub struct CaseArg {
    /// The case's number (C-000123) or id.
    #[arg(value_parser = case_id, add = super::shell::ids())]
    pub id: Id,
}

/// `rolo case`: customer service cases.
#[derive(Debug, Subcommand)]
pub enum CaseCmd {
    /// Open one: its SLA is set from its priority (rolo settings set sla.PRIORITY).
    Add(CaseAdd),
    /// The queue: open cases, most urgent SLA first (--all for every case).
    #[command(alias = "ls")]
    List(CaseList),
    /// Show one with its thread (comments, calls, emails) and its account's other open cases.
    Show(CaseArg),
    /// Change fields of one (an empty value clears an optional field).
    Edit(CaseEdit),
    /// Delete one (its calls and emails stay, unlinked).
    #[command(alias = "rm")]
    Delete(CaseArg),
    /// Give one to another user, named by login (needs the assign right); a new case becomes
    /// assigned.
    Assign(CaseAssign),
    /// Move one to new, assigned, waiting, resolved or closed (the last two need a resolution).
    Status(CaseStatusArgs),
    /// Add a comment to its thread: internal, or --public when the customer was sent it.
    Comment(CaseComment),
    /// Close one with its resolution.
    Close(CaseClose),
    /// Open a resolved or closed case again.
    Reopen(CaseArg),
    /// Write a knowledge article from a resolved case (its subject and resolution unless given).
    Article(CaseArticle),
}

/// Optional case fields.
#[derive(Debug, Args, Default)]
pub struct CaseFields {
    /// The customer's account id.
    #[arg(long)]
    pub account: Option<Id>,
    /// The contact id of who reported it.
    #[arg(long)]
    pub contact: Option<Id>,
    /// The product id it is about.
    #[arg(long)]
    pub product: Option<Id>,
    /// low, normal (default), high or urgent.
    #[arg(long)]
    pub priority: Option<String>,
    /// phone, email, web or in-person.
    #[arg(long)]
    pub channel: Option<String>,
    /// The customer's words and what is known.
    #[arg(long)]
    pub description: Option<String>,
    /// The team whose queue it is in (default: the owner's team).
    #[arg(long)]
    pub team: Option<String>,
    /// How satisfied the customer was, 1 to 5.
    #[arg(long)]
    pub satisfaction: Option<String>,
    /// Who works on it (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
}

/// `case add`.
#[derive(Debug, Args)]
pub struct CaseAdd {
    /// What the problem is.
    #[arg(long)]
    pub subject: String,
    #[command(flatten)]
    pub fields: CaseFields,
}

/// `case edit`.
#[derive(Debug, Args)]
pub struct CaseEdit {
    /// The case's number or id.
    #[arg(value_parser = case_id)]
    pub id: Id,
    /// New subject.
    #[arg(long)]
    pub subject: Option<String>,
    /// New resolution.
    #[arg(long)]
    pub resolution: Option<String>,
    #[command(flatten)]
    pub fields: CaseFields,
}

/// `case list` (default: open cases).
#[derive(Debug, Args)]
pub struct CaseList {
    /// Only cases in this status (new, assigned, waiting, resolved, closed).
    #[arg(long)]
    pub status: Option<String>,
    /// Only cases of this priority.
    #[arg(long)]
    pub priority: Option<String>,
    /// Only cases that missed their SLA.
    #[arg(long)]
    pub breached: bool,
    /// Every case, resolved and closed ones too.
    #[arg(long)]
    pub all: bool,
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

/// `case assign`.
#[derive(Debug, Args)]
pub struct CaseAssign {
    /// The case's number or id.
    #[arg(value_parser = case_id)]
    pub id: Id,
    /// The new owner's login.
    pub login: String,
}

/// `case status`.
#[derive(Debug, Args)]
pub struct CaseStatusArgs {
    /// The case's number or id.
    #[arg(value_parser = case_id)]
    pub id: Id,
    /// new, assigned, waiting, resolved or closed.
    pub status: String,
    /// What fixed it (to resolve or close it).
    #[arg(long)]
    pub resolution: Option<String>,
}

/// `case comment`.
#[derive(Debug, Args)]
pub struct CaseComment {
    /// The case's number or id.
    #[arg(value_parser = case_id)]
    pub id: Id,
    /// What to add.
    #[arg(allow_hyphen_values = true)]
    pub text: String,
    /// The customer was sent it: it counts as a response.
    #[arg(long)]
    pub public: bool,
}

/// `case close`.
#[derive(Debug, Args)]
pub struct CaseClose {
    /// The case's number or id.
    #[arg(value_parser = case_id)]
    pub id: Id,
    /// What fixed it.
    #[arg(long)]
    pub resolution: String,
}

/// `case article`.
#[derive(Debug, Args)]
pub struct CaseArticle {
    /// The case's number or id.
    #[arg(value_parser = case_id)]
    pub id: Id,
    /// Its title (default: the case's subject).
    #[arg(long)]
    pub title: Option<String>,
    /// The answer (default: the case's resolution).
    #[arg(long)]
    pub body: Option<String>,
}

noun!(
    /// `rolo kb`: knowledge articles, found by `/` in the app and `rolo search`.
    KbCmd, KbAdd, KbEdit, KbList
);

/// `kb add`.
#[derive(Debug, Args)]
pub struct KbAdd {
    /// What it answers.
    #[arg(long)]
    pub title: String,
    /// The answer.
    #[arg(long)]
    pub body: String,
    /// The product id it is about.
    #[arg(long)]
    pub product: Option<Id>,
    /// The case it comes from.
    #[arg(long, value_parser = case_id)]
    pub case: Option<Id>,
}

/// `kb edit`.
#[derive(Debug, Args)]
pub struct KbEdit {
    /// The article's id.
    pub id: Id,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    /// New answer.
    #[arg(long)]
    pub body: Option<String>,
    /// The product id it is about.
    #[arg(long)]
    pub product: Option<Id>,
}

/// `kb list`.
#[derive(Debug, Args)]
pub struct KbList {
    /// Only records a filter keeps.
    #[command(flatten)]
    pub filter: FilterArg,
}

pub(super) fn case(out: &Out, crm: &Crm, cmd: CaseCmd) -> Result<()> {
    match cmd {
        CaseCmd::Add(a) => {
            let mut rec = Case { subject: a.subject, ..Default::default() };
            fields::case(&mut rec, &a.fields)?;
            add(out, crm, rec)
        }
        CaseCmd::List(l) => {
            let mut terms = Vec::new();
            if let Some(s) = &l.status {
                terms.push(format!("status:{}", s.parse::<CaseStatus>()?.word()));
            } else if !l.all && !l.filter.filter.as_deref().is_some_and(|f| f.contains("status:")) {
                terms.push("-status:resolved -status:closed".to_string());
            }
            if let Some(p) = &l.priority {
                terms.push(format!("priority:{}", p.parse::<crate::model::CasePriority>()?.word()));
            }
            if l.breached {
                terms.push("breached:yes".into());
            }
            terms.extend(l.filter.filter.clone());
            let filter = FilterArg { filter: Some(terms.join(" ")).filter(|t| !t.trim().is_empty()) };
            let cases = filter.ordered::<Case>(crm, crate::crm::Order::Sla, false)?;
            let empty = l.filter.filter.is_some() || l.status.is_some() || l.priority.is_some() || l.breached;
            if cases.is_empty() && !out.json && !empty {
                let which = if l.all { "cases yet" } else { "open cases" };
                say!("no {which}: open one with rolo case add --subject \"...\"");
                return Ok(());
            }
            FilterArg { filter: empty.then(String::new) }.print(out, crm, &cases);
            Ok(())
        }
        CaseCmd::Show(a) => show_case(out, crm, a.id),
        CaseCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Case| {
            if let Some(s) = e.subject {
                rec.subject = s;
            }
            if let Some(r) = &e.resolution {
                rec.resolution = Some(r.trim().to_string()).filter(|r| !r.is_empty());
            }
            Ok(fields::case(rec, &e.fields)?)
        }),
        CaseCmd::Delete(a) => delete::<Case>(out, crm, a.id),
        CaseCmd::Assign(a) => assign::<Case>(out, crm, AssignArgs { id: a.id, login: a.login }),
        CaseCmd::Status(a) => {
            let status: CaseStatus = a.status.parse()?;
            let rec = crm.case_status(a.id, status, a.resolution)?;
            wrote(out, crm, &format!("marked {status}"), &rec);
            Ok(())
        }
        CaseCmd::Comment(a) => {
            let rec = crm.comment_case(a.id, &a.text, a.public)?;
            let verb = if a.public { "answered (public comment)" } else { "commented on" };
            wrote(out, crm, verb, &rec);
            Ok(())
        }
        CaseCmd::Close(a) => {
            let rec = crm.case_status(a.id, CaseStatus::Closed, Some(a.resolution))?;
            wrote(out, crm, "closed", &rec);
            Ok(())
        }
        CaseCmd::Reopen(a) => {
            let rec = crm.reopen_case(a.id)?;
            wrote(out, crm, "reopened", &rec);
            Ok(())
        }
        CaseCmd::Article(a) => {
            let rec = crm.article_from_case(a.id, a.title, a.body)?;
            wrote(out, crm, "wrote", &rec);
            Ok(())
        }
    }
}

/// A case in full, then its thread and the account's other open cases.
fn show_case(out: &Out, crm: &Crm, id: Id) -> Result<()> {
    let case: Case = crm.get(id)?;
    let names = Names::new(crm);
    let thread = crm.case_thread(id)?;
    let others = match case.account {
        Some(a) => crm.account_open_cases(a, id)?,
        None => Vec::new(),
    };
    let mut value = names.record(&case);
    if out.json {
        value["thread"] = serde_json::to_value(&thread)?;
        value["account_open_cases"] = Value::Array(others.iter().map(|c| names.record(c)).collect());
        out.json_value(&value);
        return Ok(());
    }
    if let Value::Object(map) = &mut value {
        map.remove("comments");
    }
    say!("{}", field_lines(&value));
    say!("\nthread:");
    if thread.is_empty() {
        say!("  (nothing yet: rolo case comment {} \"...\", or log a call with --case)", case.number());
    }
    for item in &thread {
        let line = match item {
            ThreadItem::Comment(c) => {
                let who = names.owner(&c.author);
                let kind = if c.public { "public" } else { "internal" };
                format!("{} {kind} comment by {who}: {}", c.at.display_local(), c.text)
            }
            ThreadItem::Call(c) => format!(
                "{} call {} with {}, {}: {}",
                c.started_at.display_local(),
                c.direction,
                names.of::<Contact>(Some(c.contact)),
                c.outcome,
                c.notes.as_deref().unwrap_or_default()
            ),
            ThreadItem::Email(m) => format!("{} email to {} ({}): {}", m.at.display_local(), m.to, m.result, m.subject),
        };
        say!("  {}", crate::text::first_line(&line, 200));
    }
    if !others.is_empty() {
        say!("\nother open cases of {}:", names.of::<Account>(case.account));
        for c in &others {
            say!("  {} {} {} ({})", c.number(), c.priority, c.subject, c.sla_words(names.now()));
        }
    }
    Ok(())
}

pub(super) fn kb(out: &Out, crm: &Crm, cmd: KbCmd) -> Result<()> {
    match cmd {
        KbCmd::Add(a) => add(
            out,
            crm,
            Article { title: a.title, body: a.body, product: a.product, case: a.case, ..Default::default() },
        ),
        KbCmd::List(l) => l.filter.list(out, crm, crm.list::<Article>(|_| true)?),
        KbCmd::Show(a) => show_one::<Article>(out, crm, a.id),
        KbCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Article| {
            if let Some(t) = e.title {
                rec.title = t;
            }
            if let Some(b) = e.body {
                rec.body = b;
            }
            if e.product.is_some() {
                rec.product = e.product;
            }
            Ok(())
        }),
        KbCmd::Delete(a) => delete::<Article>(out, crm, a.id),
    }
}

/// The contact of case `case` (a call logged on it is with them unless another is given);
/// an error when there is no such case.
pub(super) fn case_contact(crm: &Crm, case: Id) -> Result<Option<Id>> {
    Ok(crm.get::<Case>(case)?.contact)
}

impl Present for Case {
    const HEADERS: &'static [&'static str] = &["CASE", "PRI", "STATUS", "SUBJECT", "ACCOUNT", "OWNER", "SLA"];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.number(),
            self.priority.to_string(),
            self.status.to_string(),
            self.subject.clone(),
            names.of::<Account>(self.account),
            self.owner.clone(),
            self.sla_words(names.now()),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        v["number"] = Value::String(self.number());
        v["breached"] = Value::Bool(self.breached(names.now()));
        let v = with_name(v, "account", names.json_name::<Account>(self.account));
        let v = with_name(v, "contact", names.json_name::<Contact>(self.contact));
        with_name(v, "product", names.json_name::<Product>(self.product))
    }
}

impl Present for Article {
    const HEADERS: &'static [&'static str] = &["ID", "TITLE", "PRODUCT", "CASE"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.title.clone(),
            names.of::<Product>(self.product),
            self.case.map(crate::model::case_number).unwrap_or_default(),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        with_name(
            serde_json::to_value(self).unwrap_or(Value::Null),
            "product",
            names.json_name::<Product>(self.product),
        )
    }
}
