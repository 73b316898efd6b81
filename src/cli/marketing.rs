//! Marketing on the command line: campaigns (and their sends and responses), contact lists
//! (static and dynamic), email templates, email to one contact or to today's birthdays, and the
//! mail settings. Lists, templates and campaigns are named by id or by exact name.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::args::{FilterArg, NameArg, NoFilter, noun, owned_noun};
use super::output::{self, Names, Out, Present, date, list, opt};
use super::{add, assign, delete, edit, fields, files, show_one, wrote};
use crate::crm::{CampaignPlan, Crm, CrmError, Draft, SendReport};
use crate::mail::{Folder, MailSettings, Outbox, SMTP_URL_ENV};
use crate::model::{Campaign, Contact, ContactList, Id, Kind, Message, Template, ValidationError};

owned_noun!(named;
    /// Campaign commands.
    CampaignCmd, CampaignAdd, CampaignEdit, FilterArg,
    /// Send a template to a list's contacts (needs the send right): at most once per contact,
    /// skipping the opted out, invalid and bounced.
    Send(CampaignSendArgs),
    /// Record that a contact answered, with the lead or deal it brought.
    Response(ResponseArgs)
);

/// Optional campaign fields.
#[derive(Debug, Args, Default)]
pub struct CampaignFields {
    /// email, web, trade show...
    #[arg(long)]
    pub channel: Option<String>,
    /// What it may cost.
    #[arg(long)]
    pub budget: Option<String>,
    /// What it has cost so far.
    #[arg(long)]
    pub cost: Option<String>,
    /// Currency code (default USD).
    #[arg(long)]
    pub currency: Option<String>,
    /// First day.
    #[arg(long)]
    pub start: Option<String>,
    /// Last day.
    #[arg(long)]
    pub end: Option<String>,
    /// planned, active, completed or cancelled.
    #[arg(long)]
    pub status: Option<String>,
    /// The owner's login (default: you).
    #[arg(long, add = super::shell::users())]
    pub owner: Option<String>,
}

/// `campaign add`.
#[derive(Debug, Args)]
pub struct CampaignAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub fields: CampaignFields,
}

/// `campaign edit`.
#[derive(Debug, Args)]
pub struct CampaignEdit {
    /// The campaign's id or exact name.
    pub campaign: String,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: CampaignFields,
}

/// Where mail goes instead of the SMTP server.
#[derive(Debug, Args, Default)]
pub struct ToDir {
    /// Write each message as a .eml file in DIR instead of sending it.
    #[arg(long, value_name = "DIR")]
    pub to_dir: Option<PathBuf>,
}

/// `campaign send`.
#[derive(Debug, Args)]
pub struct CampaignSendArgs {
    /// The campaign's id or exact name.
    pub campaign: String,
    /// The template's id or exact name.
    #[arg(long)]
    pub template: String,
    /// The contact list's id or exact name.
    #[arg(long)]
    pub list: String,
    /// Show the first message and who would get mail, sending nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send again to contacts whose message an interrupted send may or may not have sent.
    #[arg(long)]
    pub resend_uncertain: bool,
    #[command(flatten)]
    pub to: ToDir,
}

/// `campaign response`.
#[derive(Debug, Args)]
pub struct ResponseArgs {
    /// The campaign's id or exact name.
    pub campaign: String,
    /// The contact who answered.
    #[arg(long)]
    pub contact: Id,
    /// The lead it brought.
    #[arg(long)]
    pub lead: Option<Id>,
    /// The deal it brought.
    #[arg(long)]
    pub deal: Option<Id>,
}

noun!(named
    /// Contact list commands.
    ListCmd, ListAdd, ListEdit, NoFilter,
    /// Put a contact on a static list.
    Member(MemberArgs),
    /// The contacts on a list (a dynamic list's as its filter keeps them today).
    Contacts(NameArg)
);

/// `list add`.
#[derive(Debug, Args)]
pub struct ListAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
    /// Make it dynamic: the contacts this filter keeps when the list is used
    /// (e.g. "country:france tag:vip consent:opted_in").
    #[arg(long, allow_hyphen_values = true)]
    pub filter: Option<String>,
}

/// `list edit`.
#[derive(Debug, Args)]
pub struct ListEdit {
    /// The list's id or exact name.
    pub list: String,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New filter (dynamic lists only).
    #[arg(long, allow_hyphen_values = true)]
    pub filter: Option<String>,
}

/// `list member`.
#[derive(Debug, Args)]
pub struct MemberArgs {
    /// The list's id or exact name.
    pub list: String,
    /// The contact's id.
    pub contact: Id,
}

noun!(named
    /// Email template commands.
    TemplateCmd, TemplateAdd, TemplateEdit, NoFilter,
    /// Show a template as one contact would get it.
    Preview(PreviewArgs)
);

/// A template's subject and body.
#[derive(Debug, Args, Default)]
pub struct TemplateText {
    /// The subject line; merge fields such as {{first_name|there}} allowed.
    #[arg(long)]
    pub subject: Option<String>,
    /// The body, plain text.
    #[arg(long, conflicts_with = "body_file")]
    pub body: Option<String>,
    /// Read the body from a file (`-`: stdin).
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
}

impl TemplateText {
    /// The body given, read from its file when named.
    fn body(&self) -> Result<Option<String>> {
        match (&self.body, &self.body_file) {
            (Some(b), _) => Ok(Some(b.clone())),
            (None, Some(path)) => Ok(Some(crate::import::text(files::read(path)?))),
            (None, None) => Ok(None),
        }
    }
}

/// `template add`.
#[derive(Debug, Args)]
pub struct TemplateAdd {
    /// Name.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub text: TemplateText,
}

/// `template edit`.
#[derive(Debug, Args)]
pub struct TemplateEdit {
    /// The template's id or exact name.
    pub template: String,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub text: TemplateText,
}

/// `template preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The template's id or exact name.
    pub template: String,
    /// The contact it is merged for.
    #[arg(long)]
    pub contact: Id,
}

/// `rolo email`: mail to contacts.
#[derive(Debug, Subcommand)]
pub enum EmailCmd {
    /// Send one email to a contact, from a template or a subject and body; it is filed on
    /// their timeline.
    Send(EmailSendArgs),
    /// Send a template to every contact whose birthday is today (once a day each).
    Birthdays(BirthdayArgs),
    /// The emails sent, newest first.
    #[command(alias = "ls")]
    List(EmailListArgs),
    /// Opt out every address in a file (a CSV or a list, one address per line; `-`: stdin).
    Unsubscribes(UnsubscribeArgs),
}

/// `email send`.
#[derive(Debug, Args)]
pub struct EmailSendArgs {
    /// The contact's id.
    #[arg(long)]
    pub contact: Id,
    /// The template's id or exact name.
    #[arg(long, conflicts_with_all = ["subject", "body", "body_file"])]
    pub template: Option<String>,
    #[command(flatten)]
    pub text: TemplateText,
    #[command(flatten)]
    pub to: ToDir,
}

/// `email birthdays`.
#[derive(Debug, Args)]
pub struct BirthdayArgs {
    /// The template's id or exact name.
    #[arg(long)]
    pub template: String,
    /// Show who would get it, sending nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub to: ToDir,
}

/// `email list`.
#[derive(Debug, Args)]
pub struct EmailListArgs {
    /// Only the emails to this contact.
    #[arg(long)]
    pub contact: Option<Id>,
    /// Only this campaign's (id or exact name).
    #[arg(long)]
    pub campaign: Option<String>,
}

/// `email unsubscribes`.
#[derive(Debug, Args)]
pub struct UnsubscribeArgs {
    /// The file; `-` reads stdin.
    pub file: PathBuf,
}

/// `rolo settings`: the database's settings that are not users or the pipeline.
#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Set one (needs the settings right): smtp.url (smtp://user:pass@host:587 for STARTTLS,
    /// smtps://…:465 for TLS), smtp.from ("Name <address>"), smtp.rate (messages a minute);
    /// sla.urgent, sla.high, sla.normal, sla.low (working time: 4h, 90m, 3d), work.hours
    /// (09:00-17:00), work.days (mon-fri), work.zone (Europe/Paris). An empty value clears a
    /// mail setting.
    Set(SetArgs),
    /// Show them (the SMTP password never).
    Show,
}

/// `settings set`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// smtp.url, smtp.from, smtp.rate, sla.PRIORITY, work.hours, work.days or work.zone.
    pub key: String,
    /// The value; empty clears it.
    #[arg(allow_hyphen_values = true)]
    pub value: String,
}

pub(super) fn campaign(out: &Out, crm: &Crm, cmd: CampaignCmd) -> Result<()> {
    let named = |text: &str| crm.named(Kind::Campaign, text);
    match cmd {
        CampaignCmd::Add(a) => {
            let mut rec = Campaign { name: a.name, ..Default::default() };
            fields::campaign(&mut rec, &a.fields, crm.session().today())?;
            add(out, crm, rec)
        }
        CampaignCmd::List(f) => f.list(out, crm, crm.list::<Campaign>(|_| true)?),
        CampaignCmd::Show(a) => {
            // The campaign with what its emails came to.
            let c: Campaign = crm.get(named(&a.name)?)?;
            let sends = crm.campaign_sends(&c)?;
            let mut value = Names::new(crm).record(&c);
            value["sends"] = json!(sends.counts());
            let text = output::field_lines(&value);
            value["sends"] = json!(sends);
            text_or_json(out, &value, &text);
            Ok(())
        }
        CampaignCmd::Edit(e) => edit(out, crm, named(&e.campaign)?, |rec: &mut Campaign| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            Ok(fields::campaign(rec, &e.fields, crm.session().today())?)
        }),
        CampaignCmd::Delete(a) => delete::<Campaign>(out, crm, named(&a.name)?),
        CampaignCmd::Assign(a) => assign::<Campaign>(out, crm, a),
        CampaignCmd::Send(a) => send_campaign(out, crm, a),
        CampaignCmd::Response(a) => {
            let rec = crm.campaign_response(named(&a.campaign)?, a.contact, a.lead, a.deal)?;
            let responses = rec.responses.len();
            out.done(&Names::new(crm).record(&rec), || {
                format!("recorded a response to campaign {}: {} ({responses} in all)", rec.id, rec.name)
            });
            Ok(())
        }
    }
}

/// Where this command's mail goes: `--to-dir`, else the SMTP server of the settings or of
/// `ROLO_SMTP_URL`; none is an error saying how to set one.
fn outbox(crm: &Crm, to: &ToDir) -> Result<Box<dyn Outbox>> {
    let settings = crm.mail_settings()?;
    if let Some(dir) = &to.to_dir {
        files::make_dir(dir)?;
        return Ok(Box::new(Folder::new(
            dir,
            Box::new(|path: &Path, data: &[u8]| files::write(path, data, false).map_err(|e| e.to_string())),
        )));
    }
    let smtp = crate::mail::smtp(&settings)
        .map_err(|why| CrmError::Mail(format!("{why}; or write the messages to files with --to-dir DIR")))?;
    Ok(Box::new(smtp))
}

fn send_campaign(out: &Out, crm: &Crm, a: CampaignSendArgs) -> Result<()> {
    crm.actor()?.require(crate::model::Right::Send)?;
    let campaign = crm.named(Kind::Campaign, &a.campaign)?;
    let template = crm.named(Kind::Template, &a.template)?;
    let list = crm.named(Kind::ContactList, &a.list)?;
    let plan = crm.plan_campaign(campaign, template, list, a.resend_uncertain)?;
    if a.dry_run {
        return dry_run(out, crm, &plan);
    }
    let mut outbox = outbox(crm, &a.to)?;
    let shown = super::progress::counted(out, plan.send.len() as u64, "sending");
    let report = crm.send_campaign(&plan, outbox.as_mut(), &mut |done, _| shown.bar().set_position(done as u64))?;
    drop(shown);
    sent(out, &report, &format!("campaign {campaign}"))
}

/// Prints what a send did; a send that stopped or failed for some fails (exit 1) after saying
/// what went.
fn sent(out: &Out, report: &SendReport, what: &str) -> Result<()> {
    out.done(report, || format!("{what}: {}", report.counts()));
    match &report.stopped {
        Some(why) => Err(CrmError::Mail(format!("the send stopped: {why}; run it again to send the rest")).into()),
        None if report.failed > 0 => {
            Err(CrmError::Mail(format!("{} could not be sent now: run it again to retry them", report.failed)).into())
        }
        None => Ok(()),
    }
}

fn dry_run(out: &Out, crm: &Crm, plan: &CampaignPlan) -> Result<()> {
    if out.json {
        out.json_value(plan);
        return Ok(());
    }
    say!(
        "would send {} emails ({} skipped, {} sent before, {} uncertain)",
        plan.send.len(),
        plan.skipped.len(),
        plan.already,
        plan.uncertain.len()
    );
    if let Some(first) = plan.send.first() {
        say!("first message:\n{}", draft_text(first));
    }
    for (contact, why) in plan.skipped.iter().take(20) {
        say!("skipped: {} ({})", crm.label(crate::model::RecordRef::new(Kind::Contact, *contact)), why.word());
    }
    Ok(())
}

/// Prints `value` for scripts, or `text` line by line for people.
fn text_or_json(out: &Out, value: &impl serde::Serialize, text: &str) {
    if out.json {
        out.json_value(value);
    } else {
        say!("{text}");
    }
}

/// A message as the preview and the dry run print it.
fn draft_text(d: &Draft) -> String {
    format!("To: {} <{}>\nSubject: {}\n\n{}", d.name, d.to, d.subject, d.body)
}

pub(super) fn contact_list(out: &Out, crm: &Crm, cmd: ListCmd) -> Result<()> {
    let named = |text: &str| crm.named(Kind::ContactList, text);
    match cmd {
        ListCmd::Add(a) => add(out, crm, ContactList { name: a.name, filter: a.filter, ..Default::default() }),
        ListCmd::List(_) => {
            let mut rows = Vec::new();
            let mut values = Vec::new();
            let names = Names::new(crm);
            for (l, count) in crm.lists_with_sizes()? {
                let mut row = l.row(&names);
                row[3] = count.to_string();
                rows.push(row);
                let mut value = names.record(&l);
                value["member_count"] = json!(count);
                values.push(value);
            }
            if out.json {
                out.json_value(&values);
            } else if rows.is_empty() {
                say!("no lists yet");
            } else {
                say!("{}", output::table(ContactList::HEADERS, rows, ContactList::RIGHT));
            }
            Ok(())
        }
        ListCmd::Show(a) => show_one::<ContactList>(out, crm, named(&a.name)?),
        ListCmd::Edit(e) => edit(out, crm, named(&e.list)?, |rec: &mut ContactList| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            if let Some(f) = e.filter {
                if !rec.is_dynamic() {
                    let why = "this list's members are added by hand: make a dynamic list with rolo list add --filter";
                    return Err(ValidationError::new("filter", why).into());
                }
                rec.filter = Some(f);
            }
            Ok(())
        }),
        ListCmd::Delete(a) => delete::<ContactList>(out, crm, named(&a.name)?),
        ListCmd::Member(m) => {
            let rec = crm.add_list_member(named(&m.list)?, m.contact)?;
            wrote(out, crm, "updated", &rec);
            Ok(())
        }
        ListCmd::Contacts(a) => {
            let ids = crm.list_members(named(&a.name)?)?;
            list(out, crm, &crm.many::<Contact>(&ids)?);
            Ok(())
        }
    }
}

pub(super) fn template(out: &Out, crm: &Crm, cmd: TemplateCmd) -> Result<()> {
    let named = |text: &str| crm.named(Kind::Template, text);
    match cmd {
        TemplateCmd::Add(a) => {
            let subject = a.text.subject.clone().unwrap_or_default();
            let Some(body) = a.text.body()? else {
                return Err(ValidationError::new("body", "is required: give --body TEXT or --body-file FILE").into());
            };
            add(out, crm, Template { name: a.name, subject, body, ..Default::default() })
        }
        TemplateCmd::List(_) => {
            list(out, crm, &crm.list::<Template>(|_| true)?);
            Ok(())
        }
        TemplateCmd::Show(a) => show_one::<Template>(out, crm, named(&a.name)?),
        TemplateCmd::Edit(e) => edit(out, crm, named(&e.template)?, |rec: &mut Template| {
            if let Some(n) = e.name {
                rec.name = n;
            }
            if let Some(s) = e.text.subject.clone() {
                rec.subject = s;
            }
            if let Some(b) = e.text.body()? {
                rec.body = b;
            }
            Ok(())
        }),
        TemplateCmd::Delete(a) => delete::<Template>(out, crm, named(&a.name)?),
        TemplateCmd::Preview(p) => {
            let draft = crm.preview(named(&p.template)?, p.contact)?;
            text_or_json(out, &draft, &draft_text(&draft));
            Ok(())
        }
    }
}

pub(super) fn email(out: &Out, crm: &Crm, cmd: EmailCmd) -> Result<()> {
    match cmd {
        EmailCmd::Send(a) => {
            let template = a.template.as_deref().map(|t| crm.named(Kind::Template, t)).transpose()?;
            let subject = a.text.subject.clone().unwrap_or_default();
            let body = a.text.body()?.unwrap_or_default();
            if template.is_none() && (subject.trim().is_empty() || body.trim().is_empty()) {
                let why = "give --template NAME, or --subject TEXT and --body TEXT (or --body-file FILE)";
                return Err(ValidationError::new("template", why).into());
            }
            let draft = crm.compose(a.contact, template, &subject, &body)?;
            let mut outbox = outbox(crm, &a.to)?;
            let message = crm.send_email(draft, outbox.as_mut())?;
            let names = Names::new(crm);
            out.done(&names.record(&message), || {
                format!("{} email {} to {}: {}", message.result, message.id, message.to, message.subject)
            });
            match message.error {
                Some(why) => Err(CrmError::Mail(format!("not sent: {why}")).into()),
                None => Ok(()),
            }
        }
        EmailCmd::Birthdays(a) => {
            let template = crm.named(Kind::Template, &a.template)?;
            let (drafts, skipped) = crm.birthday_drafts(template)?;
            if a.dry_run {
                let value = json!({ "send": drafts, "skipped": skipped });
                out.done(&value, || {
                    let names: Vec<String> = drafts.iter().map(|d| format!("{} <{}>", d.name, d.to)).collect();
                    format!("would greet {}: {}", drafts.len(), names.join(", "))
                });
                return Ok(());
            }
            let mut outbox = outbox(crm, &a.to)?;
            let report = crm.send_birthdays(&drafts, skipped.len(), outbox.as_mut())?;
            sent(out, &report, "birthdays")
        }
        EmailCmd::List(a) => {
            let campaign = a.campaign.as_deref().map(|c| crm.named(Kind::Campaign, c)).transpose()?;
            let mut emails = crm.list::<Message>(|m| {
                a.contact.is_none_or(|c| m.contact == c) && campaign.is_none_or(|c| m.campaign == Some(c))
            })?;
            emails.sort_by_key(|m| std::cmp::Reverse((m.at, m.id)));
            list(out, crm, &emails);
            Ok(())
        }
        EmailCmd::Unsubscribes(a) => {
            let addresses = addresses_in(&crate::import::text(files::read(&a.file)?));
            let (changed, unknown) = crm.opt_out(&addresses)?;
            let value = json!({ "addresses": addresses.len(), "opted_out": changed, "unknown": unknown });
            out.done(&value, || {
                format!(
                    "opted out {changed} addresses ({} in the file, {} belong to no contact)",
                    addresses.len(),
                    unknown.len()
                )
            });
            Ok(())
        }
    }
}

/// Every email address in a text: each field of each line (CSV or one per line) holding an `@`.
fn addresses_in(text: &str) -> Vec<String> {
    let fields = text.lines().flat_map(|l| l.split([',', ';', '\t']));
    let mut out: Vec<String> = fields
        .map(|f| f.trim().trim_matches('"').trim().to_string())
        .filter(|f| f.contains('@') && crate::model::check_email(f).is_ok())
        .collect();
    out.sort_by_key(|a| a.to_lowercase());
    out.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    out
}

pub(super) fn settings(out: &Out, crm: &Crm, cmd: SettingsCmd) -> Result<()> {
    use crate::model::ServiceSettings;
    let shown = |mail: &MailSettings, service: &ServiceSettings| -> Result<Value> {
        let mut map = serde_json::Map::new();
        for key in MailSettings::KEYS {
            map.insert(key.to_string(), mail.shown(key)?.map_or(Value::Null, Value::String));
        }
        for key in ServiceSettings::KEYS {
            map.insert(key.to_string(), service.shown(key).map_or(Value::Null, Value::String));
        }
        Ok(Value::Object(map))
    };
    match cmd {
        SettingsCmd::Set(a) => {
            let key = a.key.trim();
            let (mail, service) = if ServiceSettings::KEYS.contains(&key) {
                (crm.mail_settings()?, crm.set_service_setting(key, &a.value)?)
            } else if MailSettings::KEYS.contains(&key) {
                (crm.set_mail_setting(key, &a.value)?, crm.service_settings()?)
            } else {
                let keys: Vec<&str> = MailSettings::KEYS.iter().chain(&ServiceSettings::KEYS).copied().collect();
                let problem = format!("'{key}' is not a setting: use {}", keys.join(", "));
                return Err(ValidationError::new("setting", problem).into());
            };
            let value = shown(&mail, &service)?;
            let now = value[key].as_str().map(str::to_string);
            out.done(&value, || match now {
                Some(v) => format!("{key} = {v}"),
                None => format!("{key} cleared"),
            });
        }
        SettingsCmd::Show => {
            let value = shown(&crm.mail_settings()?, &crm.service_settings()?)?;
            let env = std::env::var(SMTP_URL_ENV).ok().filter(|u| !u.trim().is_empty());
            let lines = MailSettings::KEYS.iter().chain(&ServiceSettings::KEYS).map(|k| {
                let v = value[*k].as_str().map(str::to_string);
                let v = match (*k, v, &env) {
                    ("smtp.url", None, Some(e)) => format!("{} (from {SMTP_URL_ENV})", crate::mail::hide_password(e)),
                    (_, Some(v), _) => v,
                    (_, None, _) => "(not set)".to_string(),
                };
                format!("{k}: {v}")
            });
            text_or_json(out, &value, &lines.collect::<Vec<_>>().join("\n"));
        }
    }
    Ok(())
}

impl Present for Campaign {
    const HEADERS: &'static [&'static str] =
        &["ID", "NAME", "CHANNEL", "STATUS", "BUDGET", "COST", "START", "END", "RESPONSES"];
    const RIGHT: &'static [usize] = &[0, 4, 5, 8];
    fn row(&self, _: &Names) -> Vec<String> {
        let money = |a: Option<crate::model::Amount>| a.map(|b| format!("{} {}", b.grouped(), self.currency));
        vec![
            self.id.to_string(),
            self.name.clone(),
            opt(&self.channel),
            self.status.to_string(),
            money(self.budget).unwrap_or_default(),
            money(self.cost).unwrap_or_default(),
            date(self.start),
            date(self.end),
            self.responses.len().to_string(),
        ]
    }
}

impl Present for ContactList {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "KIND", "MEMBERS", "FILTER"];
    const RIGHT: &'static [usize] = &[0, 3];
    fn row(&self, _: &Names) -> Vec<String> {
        let kind = if self.is_dynamic() { "dynamic" } else { "static" };
        vec![self.id.to_string(), self.name.clone(), kind.into(), self.members.len().to_string(), opt(&self.filter)]
    }
}

impl Present for Template {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "SUBJECT", "FIELDS"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, _: &Names) -> Vec<String> {
        let fields = self.parts().map(|(s, b)| {
            let mut f = s.fields();
            f.extend(b.fields().into_iter().filter(|x| !s.fields().contains(x)));
            f.join(" ")
        });
        vec![self.id.to_string(), self.name.clone(), self.subject.clone(), fields.unwrap_or_default()]
    }
}

impl Present for Message {
    const HEADERS: &'static [&'static str] = &["ID", "WHEN", "TO", "SUBJECT", "RESULT", "CAMPAIGN"];
    const RIGHT: &'static [usize] = &[0];
    fn row(&self, names: &Names) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.at.display_local(),
            format!("{} <{}>", names.of::<Contact>(Some(self.contact)), self.to),
            self.subject.clone(),
            self.result.to_string(),
            names.of::<Campaign>(self.campaign),
        ]
    }
    fn json(&self, names: &Names) -> Value {
        output::with_name(
            serde_json::to_value(self).unwrap_or(Value::Null),
            "contact",
            names.json_name::<Contact>(Some(self.contact)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsubscribe_file_gives_its_addresses_once() {
        let text = "email,name\r\nann@example.com,Ann\r\n\"BO@example.com\";x\nbo@example.com\nnot an address\n";
        assert_eq!(addresses_in(text), ["ann@example.com", "BO@example.com"]);
    }
}
