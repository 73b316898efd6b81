//! The scriptable command line: thin handlers that parse flags, call [`Crm`], and print a table,
//! a confirmation or JSON. No business rules live here.

/// `println!` for the command line: through [`stdio`], so a failed stdout never panics.
macro_rules! say {
    ($($arg:tt)*) => { $crate::cli::stdio::line(format_args!($($arg)*)) };
}

/// `eprintln!` for the command line: through [`stdio`], so a failed stderr never panics.
macro_rules! say_err {
    ($($arg:tt)*) => { $crate::cli::stdio::err_line(format_args!($($arg)*)) };
}

pub mod args;
mod fields;
mod output;
pub mod stdio;

use anyhow::{Result, bail};

use args::*;
use output::{Out, Present, list, show, wrote};

use crate::crm::{
    ConvertLead, Crm, EmailStatusChange, ForecastQuery, NewOpportunity, OnDuplicate, Order, ReportQuery, TaskFilter,
};
use crate::model::{
    Account, Call, Campaign, Contact, ContactList, Currency, Event, Id, Kind, Lead, Note, Opportunity, Product,
    Project, Quote, RecordRef, Stage, StageOutcome, Task, ValidationError,
};

/// Runs one command against the CRM; [`stdio::saved`] then tells whether it changed the data.
pub fn run(crm: &Crm, command: Command, json: bool) -> Result<()> {
    let commits = crm.commits();
    let result = dispatch(crm, command, &Out { json });
    if crm.commits() != commits {
        stdio::mark_saved();
    }
    result
}

fn dispatch(crm: &Crm, command: Command, out: &Out) -> Result<()> {
    match command {
        Command::Account(cmd) => account(out, crm, cmd),
        Command::Contact(cmd) => contact(out, crm, cmd),
        Command::Lead(cmd) => lead(out, crm, cmd),
        Command::Opp(cmd) => opp(out, crm, cmd),
        Command::Stage(cmd) => stage(out, crm, cmd),
        Command::Source(cmd) => source(out, crm, cmd),
        Command::Product(cmd) => product(out, crm, cmd),
        Command::Quote(cmd) => quote(out, crm, cmd),
        Command::Task(cmd) => task(out, crm, cmd),
        Command::Call(cmd) => call(out, crm, cmd),
        Command::Event(cmd) => event(out, crm, cmd),
        Command::Agenda(a) => agenda(out, crm, a),
        Command::Project(cmd) => project(out, crm, cmd),
        Command::Campaign(cmd) => campaign(out, crm, cmd),
        Command::List(cmd) => contact_list(out, crm, cmd),
        Command::Note(cmd) => note(out, crm, cmd),
        Command::Timeline(a) => timeline(out, crm, &a.record),
        Command::Search(a) => search(out, crm, a),
        Command::Report(a) => report(out, crm, a),
        Command::Import(a) => import(out, crm, a),
        Command::Export(a) => export(out, crm, a),
        Command::Demo(a) => demo(out, crm, a),
        Command::Check => check(out, crm),
        Command::Backup(a) => {
            crm.backup(&a.file)?;
            stdio::mark_saved();
            out.done(&serde_json::json!({ "backup": a.file }), || format!("backed up to {}", a.file.display()));
            Ok(())
        }
    }
}

fn add<R: Present>(out: &Out, crm: &Crm, rec: R) -> Result<()> {
    let rec = crm.create(rec)?;
    wrote(out, crm, "created", &rec);
    Ok(())
}

fn show_one<R: Present>(out: &Out, crm: &Crm, id: Id) -> Result<()> {
    show(out, crm, &crm.get::<R>(id)?);
    Ok(())
}

fn edit<R: Present>(out: &Out, crm: &Crm, id: Id, change: impl FnOnce(&mut R) -> Result<()>) -> Result<()> {
    let mut rec = crm.get::<R>(id)?;
    change(&mut rec)?;
    let rec = crm.update(rec)?;
    wrote(out, crm, "updated", &rec);
    Ok(())
}

fn delete<R: Present>(out: &Out, crm: &Crm, id: Id) -> Result<()> {
    let rec = crm.delete::<R>(id)?;
    wrote(out, crm, "deleted", &rec);
    Ok(())
}

/// Fails when a filter names a record that does not exist (rather than listing nothing).
fn exists<R: Present>(crm: &Crm, id: Option<Id>) -> Result<()> {
    if let Some(id) = id {
        crm.get::<R>(id)?;
    }
    Ok(())
}

fn account(out: &Out, crm: &Crm, cmd: AccountCmd) -> Result<()> {
    match cmd {
        AccountCmd::Add(a) => {
            let mut rec = Account { name: a.name, ..Default::default() };
            fields::account(&mut rec, &a.fields)?;
            add(out, crm, rec)
        }
        AccountCmd::List(_) => {
            list(out, crm, &crm.ordered::<Account>(Order::Name, false)?);
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
    }
}

fn contact(out: &Out, crm: &Crm, cmd: ContactCmd) -> Result<()> {
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
                    all
                }
                None => crm.ordered::<Contact>(Order::Name, false)?,
            };
            list(out, crm, &all);
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
            output::duplicates(out, &crm.duplicate_contacts(a.limit)?);
            Ok(())
        }
        ContactCmd::Merge(m) => {
            let rec = crm.merge_contacts(m.keep, m.gone)?;
            wrote(out, crm, &format!("merged contact {} into", m.gone), &rec);
            Ok(())
        }
    }
}

fn lead(out: &Out, crm: &Crm, cmd: LeadCmd) -> Result<()> {
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
            list(out, crm, &all);
            Ok(())
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

fn opp(out: &Out, crm: &Crm, cmd: OppCmd) -> Result<()> {
    match cmd {
        OppCmd::Add(a) => {
            let mut rec = Opportunity {
                name: a.name,
                account: a.account,
                amount: fields::amount("amount", &a.amount)?,
                close_date: fields::date("close-date", &a.close_date, crm.session().today())?,
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
                (Some(s), _) => crm.linking::<Opportunity>(RecordRef::new(Kind::Stage, s.id))?,
                (None, Some(a)) => crm.linking::<Opportunity>(RecordRef::new(Kind::Account, a))?,
                (None, None) => crm.ordered::<Opportunity>(Order::CloseDate, false)?,
            };
            all.retain(|o| f.account.is_none_or(|a| o.account == a));
            all.sort_by_key(|o| (o.close_date, o.id));
            list(out, crm, &all);
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
    rec.json(&output::Names::new(crm))
}

/// Closes a deal as won or lost.
fn close(out: &Out, crm: &Crm, id: Id, outcome: StageOutcome, reason: Option<String>) -> Result<()> {
    let rec = crm.close_opportunity(id, outcome, reason.as_deref())?;
    out.done(&output_json(crm, &rec), || format!("opportunity {} is {outcome}", rec.id));
    Ok(())
}

fn stage(out: &Out, crm: &Crm, cmd: StageCmd) -> Result<()> {
    match cmd {
        StageCmd::List => {
            output::stages(out, crm, &crm.stages()?);
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
            output::stages(out, crm, &stages);
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

fn source(out: &Out, crm: &Crm, cmd: SourceCmd) -> Result<()> {
    // Adding and moving print the new list (JSON: the names in order) after a line saying where
    // the source now is.
    let placed = |out: &Out, name: &str, sources: Vec<String>| {
        let key = crate::model::source_key(name);
        let at = sources.iter().position(|s| crate::model::source_key(s) == key).map_or(0, |i| i + 1);
        out.done(&sources, || format!("{} is lead source {at} of {}", name.trim(), sources.len()));
    };
    match cmd {
        SourceCmd::List => output::sources(out, &crm.lead_source_use()?),
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

/// A 1-based position from the command line, as the service's 0-based one.
fn position(from_one: u64) -> usize {
    usize::try_from(from_one.saturating_sub(1)).unwrap_or(usize::MAX)
}

/// The stage a flag names (by name, any case, or id); an unknown one is an error on `field`.
fn stage_arg(crm: &Crm, field: &str, text: &str) -> Result<Stage> {
    crm.stage_by_name_or_id(text).map_err(|e| match e {
        crate::crm::CrmError::Invalid(v) => ValidationError::new(field, v.message).into(),
        e => e.into(),
    })
}

fn product(out: &Out, crm: &Crm, cmd: ProductCmd) -> Result<()> {
    match cmd {
        ProductCmd::Add(a) => {
            let mut rec =
                Product { name: a.name, price: fields::amount("price", &a.price)?, active: true, ..Default::default() };
            fields::product(&mut rec, &a.fields)?;
            add(out, crm, rec)
        }
        ProductCmd::List(_) => {
            list(out, crm, &crm.list::<Product>(|_| true)?);
            Ok(())
        }
        ProductCmd::Show(a) => show_one::<Product>(out, crm, a.id),
        ProductCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Product| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            if let Some(p) = &e.price {
                rec.price = fields::amount("price", p)?;
            }
            Ok(fields::product(rec, &e.fields)?)
        }),
        ProductCmd::Delete(a) => delete::<Product>(out, crm, a.id),
    }
}

fn quote(out: &Out, crm: &Crm, cmd: QuoteCmd) -> Result<()> {
    match cmd {
        QuoteCmd::Add(a) => {
            let rec = crm.create_quote(a.opp)?;
            wrote(out, crm, "created", &rec);
            Ok(())
        }
        QuoteCmd::List(f) => {
            exists::<Opportunity>(crm, f.opp)?;
            let quotes = match f.opp {
                Some(o) => crm.linking::<Quote>(RecordRef::new(Kind::Opportunity, o))?,
                None => crm.list::<Quote>(|_| true)?,
            };
            list(out, crm, &quotes);
            Ok(())
        }
        QuoteCmd::Show(a) => {
            if out.json && a.format == QuoteFormat::Md {
                return Err(ValidationError::new("format", "md cannot be combined with --json: drop one").into());
            }
            let q = crm.get::<Quote>(a.id)?;
            match (out.json, a.format) {
                (true, _) => show(out, crm, &q),
                (false, QuoteFormat::Text) => print_quote(crm, &q)?,
                (false, QuoteFormat::Md) => say!("{}", quote_markdown(crm, &q)?),
            }
            Ok(())
        }
        QuoteCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Quote| {
            if let Some(s) = &e.status {
                rec.status = s.parse()?;
            }
            if let Some(v) = &e.valid_until {
                rec.valid_until = if v.trim().is_empty() {
                    None
                } else {
                    Some(fields::date("valid-until", v, crm.session().today())?)
                };
            }
            Ok(())
        }),
        QuoteCmd::Delete(a) => delete::<Quote>(out, crm, a.id),
        QuoteCmd::Line(l) => {
            let rec = crm.add_quote_line(l.quote, l.product, l.qty, l.discount)?;
            if out.json {
                show(out, crm, &rec);
            } else {
                print_quote(crm, &rec)?;
            }
            Ok(())
        }
    }
}

fn print_quote(crm: &Crm, q: &Quote) -> Result<()> {
    let opp = crm.get::<Opportunity>(q.opportunity)?;
    let account = crm.get::<Account>(opp.account)?;
    let header = format!("Quote {} for {} ({}), {}", q.number, account.name, opp.name, q.status);
    say!("{}", crate::text::sanitize(&header));
    if let Some(v) = q.valid_until {
        say!("valid until {v}");
    }
    let rows = q.lines.iter().enumerate().map(|(i, l)| {
        vec![
            (i + 1).to_string(),
            l.description.clone(),
            l.quantity.to_string(),
            l.unit_price.grouped(),
            if l.discount > 0 { format!("{}%", l.discount) } else { String::new() },
            crate::model::Amount::grouped_sum(l.net()),
        ]
    });
    say!("{}", output::table(&["#", "ITEM", "QTY", "UNIT PRICE", "DISC", "AMOUNT"], rows, &[0, 2, 3, 4, 5]));
    let [subtotal, discount, total] = output::quote_sums(q);
    let rows = [
        vec!["Subtotal".to_string(), format!("{subtotal} {}", q.currency)],
        vec!["Discount".to_string(), format!("-{discount} {}", q.currency)],
        vec!["Total".to_string(), format!("{total} {}", q.currency)],
    ];
    say!("{}", output::table(&["", ""], rows, &[1]));
    Ok(())
}

/// A quote as a printable Markdown document, with the names of its account, contact and deal.
fn quote_markdown(crm: &Crm, q: &Quote) -> Result<String> {
    let opp = crm.get::<Opportunity>(q.opportunity)?;
    let account = crm.get::<Account>(opp.account)?;
    let contact = opp.contact.map(|c| crm.get::<Contact>(c)).transpose()?.map(|c| c.full_name());
    let who = output::QuoteParties { account: &account.name, contact: contact.as_deref(), opportunity: &opp.name };
    Ok(output::quote_markdown(q, &who))
}

fn task(out: &Out, crm: &Crm, cmd: TaskCmd) -> Result<()> {
    match cmd {
        TaskCmd::Add(a) => {
            let mut rec = Task { title: a.title, ..Default::default() };
            fields::task(&mut rec, &a.fields, crm.session().today())?;
            add(out, crm, rec)
        }
        TaskCmd::List(f) => {
            let filter = match (f.overdue, f.today, f.done, f.all) {
                (true, ..) => TaskFilter::Overdue,
                (_, true, ..) => TaskFilter::Today,
                (_, _, true, _) => TaskFilter::Done,
                (_, _, _, true) => TaskFilter::All,
                _ => TaskFilter::Open,
            };
            list(out, crm, &crm.tasks(filter, crm.session().today())?);
            Ok(())
        }
        TaskCmd::Show(a) => show_one::<Task>(out, crm, a.id),
        TaskCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Task| {
            if let Some(t) = e.title {
                rec.title = t;
            }
            Ok(fields::task(rec, &e.fields, crm.session().today())?)
        }),
        TaskCmd::Delete(a) => delete::<Task>(out, crm, a.id),
        TaskCmd::Done(a) => {
            let rec = crm.set_task_done(a.id, true)?;
            wrote(out, crm, "completed", &rec);
            Ok(())
        }
        TaskCmd::Reopen(a) => {
            let rec = crm.set_task_done(a.id, false)?;
            wrote(out, crm, "reopened", &rec);
            Ok(())
        }
    }
}

fn call(out: &Out, crm: &Crm, cmd: CallCmd) -> Result<()> {
    match cmd {
        CallCmd::Add(a) | CallCmd::Log(a) => {
            let mut rec = Call { contact: a.contact, started_at: crm.session().now(), ..Default::default() };
            fields::call(&mut rec, &a.fields)?;
            let rec = crm.log_call(rec)?;
            wrote(out, crm, "logged", &rec);
            Ok(())
        }
        CallCmd::List(f) => {
            exists::<Contact>(crm, f.contact)?;
            let since = f.since.as_deref().map(|d| fields::date("since", d, crm.session().today())).transpose()?;
            list(out, crm, &crm.calls(f.contact, since)?);
            Ok(())
        }
        CallCmd::Show(a) => show_one::<Call>(out, crm, a.id),
        CallCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Call| Ok(fields::call(rec, &e.fields)?)),
        CallCmd::Delete(a) => delete::<Call>(out, crm, a.id),
    }
}

fn event(out: &Out, crm: &Crm, cmd: EventCmd) -> Result<()> {
    match cmd {
        EventCmd::Add(a) => {
            let mut rec = Event { title: a.title, start: fields::datetime("start", &a.start)?, ..Default::default() };
            fields::event(&mut rec, &a.fields)?;
            let rec = crm.create_event(rec)?;
            wrote(out, crm, "created", &rec);
            Ok(())
        }
        EventCmd::List(f) => {
            let from = f
                .from
                .as_deref()
                .map(|d| fields::since("from", d, crm.session().today()))
                .transpose()?
                .map(|d| d.start_local());
            // Oldest first: the newest-first order, backwards.
            let mut all = crm.ordered::<Event>(Order::Recent, true)?;
            all.retain(|e| from.is_none_or(|f| e.start >= f));
            list(out, crm, &all);
            Ok(())
        }
        EventCmd::Show(a) => show_one::<Event>(out, crm, a.id),
        EventCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Event| {
            if let Some(t) = e.title {
                rec.title = t;
            }
            if let Some(s) = &e.start {
                rec.start = fields::datetime("start", s)?;
            }
            Ok(fields::event(rec, &e.fields)?)
        }),
        EventCmd::Delete(a) => delete::<Event>(out, crm, a.id),
    }
}

fn agenda(out: &Out, crm: &Crm, a: AgendaArgs) -> Result<()> {
    let from = match &a.date {
        Some(d) => fields::date("date", d, crm.session().today())?,
        None => crm.session().today(),
    };
    if a.days == 0 || a.days > 366 {
        return Err(ValidationError::new("days", format!("{} is out of range: use 1 to 366", a.days)).into());
    }
    let items = crm.agenda(from, a.days, crm.session().today())?;
    if out.json {
        out.json_value(&items);
        return Ok(());
    }
    if items.is_empty() {
        let span = if a.days == 1 { format!("on {from}") } else { format!("from {from} for {} days", a.days) };
        say!("nothing on the agenda {span}");
        return Ok(());
    }
    let rows = items.iter().map(|i| {
        let time = i.at.map(|t| t.local().format("%H:%M").to_string()).unwrap_or_default();
        vec![i.date.to_string(), time, i.kind.word().to_string(), i.title.clone(), i.record.to_string()]
    });
    say!("{}", output::table(&["DATE", "TIME", "WHAT", "TITLE", "RECORD"], rows, &[]));
    Ok(())
}

fn project(out: &Out, crm: &Crm, cmd: ProjectCmd) -> Result<()> {
    match cmd {
        ProjectCmd::Add(a) => {
            let mut rec = Project {
                name: a.name,
                due: fields::date("due", &a.due, crm.session().today())?,
                ..Default::default()
            };
            fields::project(&mut rec, &a.fields)?;
            add(out, crm, rec)
        }
        ProjectCmd::List(_) => {
            list(out, crm, &crm.ordered::<Project>(Order::Due, false)?);
            Ok(())
        }
        ProjectCmd::Show(a) => show_one::<Project>(out, crm, a.id),
        ProjectCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Project| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            if let Some(d) = &e.due {
                rec.due = fields::date("due", d, crm.session().today())?;
            }
            Ok(fields::project(rec, &e.fields)?)
        }),
        ProjectCmd::Delete(a) => delete::<Project>(out, crm, a.id),
        ProjectCmd::Done(d) => {
            let rec = crm.complete_project(d.id, d.goal_met)?;
            wrote(out, crm, "completed", &rec);
            Ok(())
        }
    }
}

fn campaign(out: &Out, crm: &Crm, cmd: CampaignCmd) -> Result<()> {
    match cmd {
        CampaignCmd::Add(a) => {
            let mut rec = Campaign { name: a.name, ..Default::default() };
            fields::campaign(&mut rec, &a.fields, crm.session().today())?;
            add(out, crm, rec)
        }
        CampaignCmd::List(_) => {
            list(out, crm, &crm.list::<Campaign>(|_| true)?);
            Ok(())
        }
        CampaignCmd::Show(a) => show_one::<Campaign>(out, crm, a.id),
        CampaignCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Campaign| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            Ok(fields::campaign(rec, &e.fields, crm.session().today())?)
        }),
        CampaignCmd::Delete(a) => delete::<Campaign>(out, crm, a.id),
    }
}

fn contact_list(out: &Out, crm: &Crm, cmd: ListCmd) -> Result<()> {
    match cmd {
        ListCmd::Add(a) => add(out, crm, ContactList { name: a.name, ..Default::default() }),
        ListCmd::List(_) => {
            list(out, crm, &crm.list::<ContactList>(|_| true)?);
            Ok(())
        }
        ListCmd::Show(a) => show_one::<ContactList>(out, crm, a.id),
        ListCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut ContactList| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            Ok(())
        }),
        ListCmd::Delete(a) => delete::<ContactList>(out, crm, a.id),
        ListCmd::Member(m) => {
            let rec = crm.add_list_member(m.list, m.contact)?;
            wrote(out, crm, "updated", &rec);
            Ok(())
        }
    }
}

fn record_ref(field: &str, text: &str) -> Result<RecordRef> {
    Ok(text.parse::<RecordRef>().map_err(|m| ValidationError::new(field, m))?)
}

fn note(out: &Out, crm: &Crm, cmd: NoteCmd) -> Result<()> {
    match cmd {
        NoteCmd::Add(a) => {
            let rec = crm.add_note(record_ref("to", &a.to)?, &a.text)?;
            // The note itself may be pages long: its id and first line say which it is.
            let json = Present::json(&rec, &output::Names::new(crm));
            out.done(&json, || format!("added note {}: {}", rec.id, crate::text::first_line(&rec.text, 60)));
            Ok(())
        }
        NoteCmd::List(f) => {
            let notes = match f.to.as_deref().map(|t| record_ref("to", t)).transpose()? {
                Some(target) => crm.linking::<Note>(target)?,
                None => crm.list::<Note>(|_| true)?,
            };
            list(out, crm, &notes);
            Ok(())
        }
        NoteCmd::Show(a) => show_one::<Note>(out, crm, a.id),
        NoteCmd::Edit(e) => edit(out, crm, e.id, |rec: &mut Note| {
            rec.text = e.text.trim().to_string();
            Ok(())
        }),
        NoteCmd::Delete(a) => delete::<Note>(out, crm, a.id),
    }
}

fn timeline(out: &Out, crm: &Crm, record: &str) -> Result<()> {
    let target = record_ref("record", record)?;
    let items = crm.timeline(target)?;
    if out.json {
        out.json_value(&items);
        return Ok(());
    }
    let rows = items
        .iter()
        .map(|i| vec![i.at.display_local(), i.what.clone(), crate::text::first_line(&i.summary, 80), i.user.clone()]);
    say!("{}", output::table(&["WHEN", "WHAT", "SUMMARY", "BY"], rows, &[]));
    Ok(())
}

fn search(out: &Out, crm: &Crm, a: SearchArgs) -> Result<()> {
    let kinds = match &a.kind {
        Some(k) => {
            let kind: Kind = k.parse().map_err(|m: String| ValidationError::new("kind", m))?;
            if !matches!(kind, Kind::Contact | Kind::Account | Kind::Lead | Kind::Opportunity) {
                return Err(ValidationError::new(
                    "kind",
                    format!("{kind} is not searched: use contact, account, lead or opp"),
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

/// Every report name of the contract (CLI.md), in its order.
const REPORTS: [&str; 8] = ["stages", "tasks", "calls", "projects", "emails", "forecast", "campaigns", "activity"];

fn report(out: &Out, crm: &Crm, a: ReportArgs) -> Result<()> {
    let name = a.name.trim().to_lowercase();
    match name.as_str() {
        "forecast" => forecast(out, crm, a),
        "stages" => {
            let r = crm.stages_report(report_query(out, crm, &a)?)?;
            print_report(out, &a, &r, output::stages_csv, output::stages_text)
        }
        "calls" => {
            let r = crm.calls_report(report_query(out, crm, &a)?)?;
            print_report(out, &a, &r, output::calls_csv, output::calls_text)
        }
        "tasks" => {
            let r = crm.tasks_report(report_query(out, crm, &a)?)?;
            print_json_report(out, &a, &r, output::tasks_csv, output::tasks_text)
        }
        "campaigns" => {
            let r = crm.campaigns_report(report_query(out, crm, &a)?)?;
            print_json_report(out, &a, &r, output::campaigns_csv, output::campaigns_text)
        }
        "activity" => {
            let r = crm.activity_report(report_query(out, crm, &a)?)?;
            print_json_report(out, &a, &r, output::activity_csv, output::activity_text)
        }
        "emails" => {
            let query = report_query(out, crm, &a)?;
            let r = crm.emails_report(query, a.list.as_deref().map(email_cell).transpose()?)?;
            print_report(out, &a, &r, output::emails_csv, output::emails_text)
        }
        "projects" => {
            let r = crm.projects_report(report_query(out, crm, &a)?)?;
            print_report(out, &a, &r, output::projects_csv, output::projects_text)
        }
        _ => Err(ValidationError::new(
            "report",
            format!("'{}' is not a report: use one of {}", a.name.trim(), REPORTS.join(", ")),
        )
        .into()),
    }
}

/// The period (relative to the session's today) and currency of a report's flags; refuses `--csv` with `--json`.
fn report_query(out: &Out, crm: &Crm, a: &ReportArgs) -> Result<ReportQuery> {
    if a.csv && out.json {
        return Err(ValidationError::new("csv", "cannot be combined with --json: drop one").into());
    }
    Ok(ReportQuery {
        from: a.from.as_deref().map(|d| fields::since("from", d, crm.session().today())).transpose()?,
        to: a.to.as_deref().map(|d| fields::date("to", d, crm.session().today())).transpose()?,
        currency: a.currency.as_deref().map(Currency::parse).transpose()?,
    })
}

/// The cell of `--list CONSENT[,VALIDITY]` (either may be `any`).
fn email_cell(text: &str) -> Result<crate::crm::EmailCell> {
    let (consent, validity) = text.split_once(',').unwrap_or((text, "any"));
    let any = |t: &str| t.trim().eq_ignore_ascii_case("any");
    let bad = |m: String| ValidationError::new("list", format!("{m}: write CONSENT[,VALIDITY], like any,bounced"));
    Ok(crate::crm::EmailCell {
        consent: if any(consent) { None } else { Some(consent.parse().map_err(|e: ValidationError| bad(e.message))?) },
        validity: if any(validity) {
            None
        } else {
            Some(validity.parse().map_err(|e: ValidationError| bad(e.message))?)
        },
    })
}

/// Prints a report as JSON, CSV (through `csv`) or text (through `text`).
fn print_report<R: serde::Serialize>(
    out: &Out,
    a: &ReportArgs,
    r: &R,
    csv: fn(&R, &mut dyn std::io::Write) -> Result<()>,
    text: fn(&R) -> String,
) -> Result<()> {
    if out.json {
        out.json_value(r);
    } else if a.csv {
        csv(r, &mut stdio::Stdout)?;
    } else {
        say!("{}", text(r));
    }
    Ok(())
}

/// Prints a report whose text and CSV forms read its JSON (the very data `--json` prints).
fn print_json_report<R: serde::Serialize>(
    out: &Out,
    a: &ReportArgs,
    r: &R,
    csv: fn(&serde_json::Value, &mut dyn std::io::Write) -> Result<()>,
    text: fn(&serde_json::Value) -> String,
) -> Result<()> {
    if out.json {
        out.json_value(r);
        return Ok(());
    }
    let v = serde_json::to_value(r)?;
    if a.csv {
        csv(&v, &mut stdio::Stdout)?;
    } else {
        say!("{}", text(&v));
    }
    Ok(())
}

fn forecast(out: &Out, crm: &Crm, a: ReportArgs) -> Result<()> {
    if a.csv && out.json {
        return Err(ValidationError::new("csv", "cannot be combined with --json: drop one").into());
    }
    let query = ForecastQuery {
        from: a.from.as_deref().map(|d| fields::since("from", d, crm.session().today())).transpose()?,
        to: a.to.as_deref().map(|d| fields::date("to", d, crm.session().today())).transpose()?,
        best_case_min: a.best_case_min,
        currency: a.currency.as_deref().map(Currency::parse).transpose()?,
    };
    let f = crm.forecast(query)?;
    let (periods, by) = match a.by {
        PeriodArg::Month => (&f.months, "month"),
        PeriodArg::Quarter => (&f.quarters, "quarter"),
    };
    if out.json {
        out.json_value(&f);
    } else if a.csv {
        output::forecast_csv(periods, stdio::Stdout)?;
    } else {
        say!("{}", output::forecast_text(&f, periods, by));
    }
    Ok(())
}

fn import(out: &Out, crm: &Crm, a: ImportArgs) -> Result<()> {
    let kind: Kind = a.kind.parse().map_err(anyhow::Error::msg)?;
    let mut map = Vec::new();
    for m in &a.map {
        let Some((column, field)) = m.rsplit_once('=') else {
            bail!("--map {m}: write it as COLUMN=FIELD, like --map \"E-mail 1 - Value=email\"");
        };
        map.push((column.trim().to_string(), field.trim().to_string()));
    }
    let format = a.format.map(|f| match f {
        ImportFormat::Csv => crate::import::Format::Csv,
        ImportFormat::Vcard => crate::import::Format::Vcard,
    });
    let options =
        crate::import::Options { map, date_format: a.date_format, latin1: a.latin1, format, strict: a.strict };
    let policy = match a.on_duplicate {
        DuplicateArg::Skip => OnDuplicate::Skip,
        DuplicateArg::Merge => OnDuplicate::Merge,
        DuplicateArg::Create => OnDuplicate::Create,
    };
    let bar = std::cell::OnceCell::new();
    let progress = |done: usize, total: usize| {
        let bar = bar.get_or_init(|| progress_bar(total, out.json));
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if done == total {
            bar.set_message("every row read, writing…");
        }
    };
    let outcome = crate::import::file(crm, kind, &a.file, &options, policy, a.dry_run, &progress);
    if let Some(bar) = bar.get() {
        bar.finish_and_clear();
    }
    if out.json
        && let Err(e) = &outcome
    {
        // Scripts reading stdout learn why as well as stderr does.
        let problems: Vec<serde_json::Value> = match e {
            crate::import::ImportError::Crm(crate::crm::CrmError::Rejected(problems)) => {
                problems.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect()
            }
            other => vec![serde_json::json!({ "line": null, "column": null, "message": other.to_string() })],
        };
        out.json_value(&serde_json::json!({ "kind": kind.name(), "refused": true, "problems": problems }));
    }
    let crate::import::Outcome { report, notes } = outcome?;
    if out.json {
        let mut v = serde_json::to_value(&report)?;
        v["kind"] = kind.name().into();
        v["notes"] = serde_json::to_value(&notes)?;
        out.json_value(&v);
        return Ok(());
    }
    for note in &notes {
        say_err!("note: {}", crate::text::sanitize(note));
    }
    let verb = if a.dry_run { "would import" } else { "imported" };
    use crate::text::count;
    let mut parts = vec![format!("{} created", report.created.len())];
    if !report.merged.is_empty() {
        parts.push(format!("{} merged", report.merged.len()));
    }
    if !report.skipped.is_empty() {
        parts.push(count(report.skipped.len(), "duplicate skipped", "duplicates skipped"));
    }
    if !report.accounts_created.is_empty() {
        parts.push(count(report.accounts_created.len(), "new account", "new accounts"));
    }
    if !report.possible.is_empty() {
        parts.push(count(report.possible.len(), "possible duplicate", "possible duplicates"));
    }
    say!("{verb} {}: {}", count(report.rows, &format!("{kind} row"), &format!("{kind} rows")), parts.join(", "));
    for d in &report.skipped {
        say!("  line {}: {} of {}", d.line, crate::text::sanitize(&d.reason), d.existing);
    }
    for d in &report.possible {
        let reason = crate::text::sanitize(&d.reason);
        say!("  line {}: created, {reason} as {} (see rolo contact duplicates)", d.line, d.existing);
    }
    if a.dry_run {
        say!("nothing was written (dry run)");
    }
    Ok(())
}

/// Calls the generic `$run::<R>($args)` with `R` the record type of `$kind`: one function serves
/// every kind.
macro_rules! for_kind {
    ($kind:expr, $run:ident($($arg:expr),*)) => {
        match $kind {
            Kind::Account => $run::<Account>($($arg),*),
            Kind::Contact => $run::<Contact>($($arg),*),
            Kind::Lead => $run::<Lead>($($arg),*),
            Kind::Opportunity => $run::<Opportunity>($($arg),*),
            Kind::Stage => $run::<Stage>($($arg),*),
            Kind::Product => $run::<Product>($($arg),*),
            Kind::Quote => $run::<Quote>($($arg),*),
            Kind::Task => $run::<Task>($($arg),*),
            Kind::Call => $run::<Call>($($arg),*),
            Kind::Event => $run::<Event>($($arg),*),
            Kind::Project => $run::<Project>($($arg),*),
            Kind::Campaign => $run::<Campaign>($($arg),*),
            Kind::ContactList => $run::<ContactList>($($arg),*),
            Kind::Note => $run::<Note>($($arg),*),
        }
    };
}

/// What an export wrote: how many records, and how many tasks were left out of a calendar for
/// want of a due date.
struct Exported {
    count: usize,
    /// Tasks written into a calendar of events.
    todos: usize,
    undated: usize,
}

fn export(out: &Out, crm: &Crm, a: ExportArgs) -> Result<()> {
    use crate::export::Format;
    let kind: Kind = a.kind.parse().map_err(|m: String| ValidationError::new("kind", m))?;
    let format = match a.format {
        Some(ExportFormat::Csv) => Format::Csv,
        Some(ExportFormat::Json) => Format::Json,
        Some(ExportFormat::Vcard) => Format::Vcard,
        Some(ExportFormat::Ics) => Format::Ics,
        None => a.out.as_deref().and_then(Format::from_extension).unwrap_or(Format::Csv),
    };
    crate::export::check(kind, format)?;
    if let Some(path) = &a.out {
        may_write(crm, path, a.force)?;
    }
    // The whole export is made in memory first: a failure leaves no half-written file or output.
    let mut data = Vec::new();
    let done = export_to(crm, kind, format, &mut data)?;
    let Some(path) = &a.out else {
        use std::io::Write as _;
        let mut stdout = stdio::Stdout;
        stdout.write_all(&data)?;
        stdout.flush()?;
        if done.undated > 0 {
            say_err!("note: {} without a due date left out", crate::text::count(done.undated, "task", "tasks"));
        }
        return Ok(());
    };
    write_file(path, &data, a.force)?;
    stdio::mark_saved();
    let file = path.display().to_string();
    let value = serde_json::json!({ "kind": kind.name(), "format": format.name(), "count": done.count, "file": file });
    out.done(&value, || {
        let undated = match done.undated {
            0 => String::new(),
            n => format!(" ({} without a due date left out)", crate::text::count(n, "task", "tasks")),
        };
        let todos = match done.todos {
            0 => String::new(),
            n => format!(" and {}", crate::text::count(n, "task", "tasks")),
        };
        format!("exported {}{todos} to {file}{undated}", crate::text::count(done.count, kind.name(), kind.plural()))
    });
    Ok(())
}

/// Writes every record of `kind` as `format` (already checked to suit the kind) to `to`.
fn export_to(crm: &Crm, kind: Kind, format: crate::export::Format, to: &mut Vec<u8>) -> Result<Exported> {
    use crate::export::{self as ex, Format};
    let companies = || -> Result<std::collections::HashMap<Id, String>> {
        Ok(crm.list::<Account>(|_| true)?.into_iter().map(|a| (a.id, a.name)).collect())
    };
    let links = Links { crm, read: Default::default() };
    let count = match (format, kind) {
        (Format::Json, _) => for_kind!(kind, export_json(crm, to))?,
        (Format::Csv, Kind::Contact) => {
            ex::contacts_csv(&crm.list::<Contact>(|_| true)?, &companies()?, &contact_notes(crm)?, to)?
        }
        (Format::Csv, Kind::Account) => ex::accounts_csv(&crm.list::<Account>(|_| true)?, to)?,
        (Format::Csv, Kind::Lead) => ex::leads_csv(&crm.list::<Lead>(|_| true)?, &links, to)?,
        (Format::Csv, Kind::Opportunity) => ex::opportunities_csv(&crm.list::<Opportunity>(|_| true)?, &links, to)?,
        (Format::Csv, Kind::Task) => ex::tasks_csv(&crm.list::<Task>(|_| true)?, &links, to)?,
        (Format::Csv, Kind::Call) => ex::calls_csv(&crm.list::<Call>(|_| true)?, &links, to)?,
        (Format::Csv, Kind::Product) => ex::products_csv(&crm.list::<Product>(|_| true)?, to)?,
        (Format::Csv, _) => for_kind!(kind, export_objects_csv(crm, to))?,
        (Format::Vcard, _) => ex::vcards(&crm.list::<Contact>(|_| true)?, &companies()?, &contact_notes(crm)?, to)?,
        (Format::Ics, _) => {
            // A calendar of events holds the tasks with a due date too; one of tasks, tasks only.
            let mut events = if kind == Kind::Event { crm.list::<Event>(|_| true)? } else { Vec::new() };
            let mut tasks = crm.list::<Task>(|_| true)?;
            events.sort_by_key(|e| (e.start, e.id));
            tasks.sort_by_key(|t| (t.due, t.id));
            let mut people = ex::Attendees::new();
            for id in events.iter().flat_map(|e| &e.attendees) {
                if !people.contains_key(id)
                    && let Ok(c) = crm.get::<Contact>(*id)
                {
                    people.insert(*id, (c.full_name(), c.primary_email().map(str::to_string)));
                }
            }
            let n = ex::ics(&events, &tasks, &people, to)?;
            let todos = if kind == Kind::Event { n.todos } else { 0 };
            return Ok(Exported { count: n.written - todos, todos, undated: n.undated });
        }
    };
    Ok(Exported { count, todos: 0, undated: 0 })
}

/// The notes of each contact, oldest first: what a contact export carries with it.
fn contact_notes(crm: &Crm) -> Result<std::collections::HashMap<Id, Vec<String>>> {
    let mut notes: std::collections::HashMap<Id, Vec<String>> = Default::default();
    for n in crm.list::<Note>(|n| n.target.kind == Kind::Contact)? {
        notes.entry(n.target.id).or_default().push(n.text);
    }
    Ok(notes)
}

/// Names and emails of linked records for CSV exports, each read once.
struct Links<'a> {
    crm: &'a Crm,
    read: std::cell::RefCell<std::collections::HashMap<RecordRef, (String, String)>>,
}

impl Links<'_> {
    /// The name and (for people) the first email of `record`; nothing when it is gone.
    fn get(&self, record: RecordRef) -> (String, String) {
        if let Some(known) = self.read.borrow().get(&record) {
            return known.clone();
        }
        let person = |name: String, email: Option<&str>| (name, email.unwrap_or_default().to_string());
        let found = match record.kind {
            Kind::Contact => self.crm.get::<Contact>(record.id).map(|c| person(c.full_name(), c.primary_email())),
            Kind::Lead => self.crm.get::<Lead>(record.id).map(|l| person(l.full_name(), l.email.as_deref())),
            kind => {
                crate::model::with_record_type!(kind, T => self.crm.get::<T>(record.id).map(|r| person(crate::model::Record::label(&r), None)))
            }
        };
        let found = found.unwrap_or_default();
        self.read.borrow_mut().insert(record, found.clone());
        found
    }
}

impl crate::export::Linked for Links<'_> {
    fn name(&self, record: RecordRef) -> String {
        self.get(record).0
    }

    fn email(&self, record: RecordRef) -> String {
        self.get(record).1
    }
}

/// Every record of kind `R` as one JSON array, the objects `rolo --json KIND list` prints, one
/// object made at a time.
fn export_json<R: Present>(crm: &Crm, to: &mut Vec<u8>) -> Result<usize> {
    use serde::Serializer as _;
    let all = crm.list::<R>(|_| true)?;
    let names = output::Names::new(crm);
    let mut json = serde_json::Serializer::pretty(&mut *to);
    json.collect_seq(all.iter().map(|r| crate::text::plain_json(r.json(&names))))?;
    to.push(b'\n');
    Ok(all.len())
}

/// Every record of kind `R` as CSV, one column per field of its JSON object.
fn export_objects_csv<R: Present>(crm: &Crm, to: &mut Vec<u8>) -> Result<usize> {
    let all = crm.list::<R>(|_| true)?;
    let names = output::Names::new(crm);
    Ok(crate::export::objects_csv(|| all.iter().map(|r| r.json(&names)), to)?)
}

/// Fails when `path` may not be written: it exists and `force` is off, or it is the database.
fn may_write(crm: &Crm, path: &std::path::Path, force: bool) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let database = std::fs::canonicalize(crm.path()).ok();
    if database.is_some() && std::fs::canonicalize(path).ok() == database {
        let message = format!("{} is the database itself: choose another file", path.display());
        return Err(ValidationError::new("out", message).into());
    }
    if !force {
        return Err(taken(path));
    }
    Ok(())
}

/// The error for an `--out` file that exists.
fn taken(path: &std::path::Path) -> anyhow::Error {
    let message = format!("{} already exists: choose another file, or pass --force to replace it", path.display());
    ValidationError::new("out", message).into()
}

/// Writes `data` to `path`: a new file (never over one that appeared meanwhile), or with `force`
/// a temporary file beside it renamed over it, so the old file stays whole until the new one is.
/// A failure leaves no partial file behind.
fn write_file(path: &std::path::Path, data: &[u8], force: bool) -> Result<()> {
    use std::io::Write as _;
    let cannot = |e: std::io::Error| {
        anyhow::anyhow!("cannot write {}: {e}: check that its folder exists and can be written to", path.display())
    };
    let target = if force {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".rolo-export-{}.tmp", std::process::id()));
        path.with_file_name(name)
    } else {
        path.to_path_buf()
    };
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&target) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !force => return Err(taken(path)),
        Err(e) => return Err(cannot(e)),
    };
    let written = file.write_all(data).and_then(|()| file.sync_all());
    let written = written.and_then(|()| if force { std::fs::rename(&target, path) } else { Ok(()) });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&target);
        return Err(cannot(e));
    }
    Ok(())
}

/// A progress bar on stderr for long imports; hidden for short ones, with `--json`, and when
/// stderr is not a terminal (indicatif draws only to one).
fn progress_bar(rows: usize, json: bool) -> indicatif::ProgressBar {
    if rows < 5_000 || json {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(rows as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows, {eta} left {msg}") {
        bar.set_style(style);
    }
    bar
}

/// Lines that explain an error further (each bad row of a refused import), for stderr.
pub fn details(e: &anyhow::Error) -> Vec<String> {
    use crate::crm::CrmError::Rejected;
    let crm = e.downcast_ref::<crate::crm::CrmError>();
    let import = e.downcast_ref::<crate::import::ImportError>();
    match (crm, import) {
        (Some(Rejected(problems)), _) | (_, Some(crate::import::ImportError::Crm(Rejected(problems)))) => {
            problems.iter().map(ToString::to_string).collect()
        }
        _ => Vec::new(),
    }
}

fn demo(out: &Out, crm: &Crm, a: DemoArgs) -> Result<()> {
    let summary = crate::demo::fill(crm, &crate::demo::DemoSize::for_contacts(a.contacts), a.seed, a.force)?;
    out.done(&summary, || format!("demo data added: {summary}"));
    Ok(())
}

fn check(out: &Out, crm: &Crm) -> Result<()> {
    let problems = crm.check()?;
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
