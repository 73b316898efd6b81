//! A realistic, deterministic demo dataset: the same seed gives the same records (dated around
//! today). Covers every record kind and every stage, status and outcome, so each screen has
//! something to show.

use std::fmt;

use chrono::Datelike;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::crm::{ConvertLead, Crm, CrmError, Indexed, NewOpportunity, Prepared, Result, Stamp, Tx};
use crate::model::*;

const FIRST: &str = include_str!("../data/first_names.txt");
const LAST: &str = include_str!("../data/last_names.txt");
const COMPANIES: &str = include_str!("../data/companies.txt");
const CITIES: &str = include_str!("../data/cities.txt");
const INDUSTRIES: &str = include_str!("../data/industries.txt");
const PRODUCTS: &str = include_str!("../data/products.txt");
const TITLES: &str = include_str!("../data/titles.txt");

const SUFFIXES: [&str; 8] = ["Ltd", "Inc", "GmbH", "SA", "Group", "Labs", "Systems", "& Co"];
/// The first project's plan: title, due in days from today, done, and the steps (by place in
/// this list) it waits for: a network with two branches joining before the end.
const PLAN: [(&str, i64, bool, &[usize]); 8] = [
    ("Kick-off meeting", -20, true, &[]),
    ("Gather requirements", -10, true, &[0]),
    ("Migrate customer data", 5, false, &[1]),
    ("Configure the pipeline", 3, false, &[1]),
    ("Train the sales team", 12, false, &[3]),
    ("Pilot with one team", 20, false, &[2, 4]),
    ("Write the user guide", 15, false, &[3]),
    ("Go live", 30, false, &[5, 6]),
];

const TASKS: [&str; 10] = [
    "Send proposal",
    "Follow up on quote",
    "Prepare demo",
    "Book onsite visit",
    "Check contract terms",
    "Call back about pricing",
    "Send case study",
    "Update forecast",
    "Introduce to support team",
    "Renewal reminder",
];
const EVENTS: [&str; 6] =
    ["Discovery call", "Product demo", "Quarterly review", "Contract signing", "Lunch meeting", "Workshop"];
const STEPS: [&str; 6] =
    ["Send pricing", "Schedule demo", "Legal review", "Meet the CFO", "Trial setup", "Final proposal"];
const CALL_NOTES: [&str; 6] = [
    "Interested, wants a follow-up next week",
    "Asked for references",
    "Budget approved for next quarter",
    "Left a message",
    "Discussed renewal",
    "",
];
const NOTES: [&str; 5] = [
    "Prefers email over phone",
    "Decision expected after the board meeting",
    "Uses a competitor for support today",
    "Met at the spring trade show",
    "Budget cycle starts in January",
];
const CHANNELS: [&str; 5] = ["email", "web", "trade show", "webinar", "direct mail"];
const COMPETITORS: [&str; 4] = ["Northwind CRM", "Apex Sales Cloud", "Bluebird Systems", "Quanta Suite"];
const LOST: [&str; 4] = ["Price too high", "Chose a competitor", "No budget", "Project cancelled"];
const INTERESTS: [&str; 8] = ["golf", "cycling", "wine", "football", "sailing", "photography", "jazz", "chess"];

/// How many of each kind to make.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSize {
    /// Accounts.
    pub accounts: u32,
    /// Contacts.
    pub contacts: u32,
    /// Leads.
    pub leads: u32,
    /// Opportunities.
    pub opportunities: u32,
    /// Tasks.
    pub tasks: u32,
    /// Calls.
    pub calls: u32,
    /// Events.
    pub events: u32,
    /// Projects.
    pub projects: u32,
    /// Campaigns.
    pub campaigns: u32,
    /// Products.
    pub products: u32,
    /// Quotes.
    pub quotes: u32,
    /// Contact lists.
    pub lists: u32,
    /// Notes.
    pub notes: u32,
    /// Customer service cases.
    pub cases: u32,
}

impl DemoSize {
    /// Everything scaled from the number of contacts (200 gives the standard demo).
    pub fn for_contacts(contacts: u32) -> DemoSize {
        let c = contacts.max(1) as u64;
        let part = |num: u64, den: u64, min: u64| ((c * num / den).max(min)) as u32;
        DemoSize {
            accounts: part(1, 4, 1),
            contacts: c as u32,
            leads: part(3, 10, 1),
            opportunities: part(2, 5, 1),
            tasks: part(3, 4, 1),
            calls: part(3, 2, 1),
            events: part(1, 5, 1),
            projects: part(1, 20, 1),
            campaigns: part(1, 40, 5),
            products: part(1, 10, 20),
            quotes: part(3, 40, 1),
            lists: part(1, 1000, 3),
            notes: part(1, 10, 1),
            cases: part(1, 20, 3),
        }
    }

    /// How many records the demo makes, before converted leads add theirs: what its progress
    /// counts to.
    pub fn total(&self) -> u64 {
        self.kinds().iter().map(|(n, _)| u64::from(*n)).sum()
    }

    /// Each number with the plural it counts.
    fn kinds(&self) -> [(u32, &'static str); 14] {
        [
            (self.accounts, "accounts"),
            (self.contacts, "contacts"),
            (self.leads, "leads"),
            (self.opportunities, "opportunities"),
            (self.tasks, "tasks"),
            (self.calls, "calls"),
            (self.events, "events"),
            (self.projects, "projects"),
            (self.campaigns, "campaigns"),
            (self.products, "products"),
            (self.quotes, "quotes"),
            (self.lists, "lists"),
            (self.notes, "notes"),
            (self.cases, "cases"),
        ]
    }
}

impl fmt::Display for DemoSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let said: Vec<String> = self.kinds().iter().map(|(n, what)| format!("{n} {what}")).collect();
        f.write_str(&said.join(", "))
    }
}

fn lines(text: &'static str) -> Vec<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

/// A first or last name of the word lists, with its part of an email address.
struct Name {
    text: &'static str,
    /// Its [`ascii_local`] spelling, made once for the million addresses that use it.
    local: String,
}

impl Name {
    fn new(text: &'static str) -> Name {
        Name { text, local: ascii_local(text) }
    }
}

/// Word lists, parsed once.
struct Words {
    first: Vec<Name>,
    last: Vec<Name>,
    companies: Vec<&'static str>,
    cities: Vec<(&'static str, &'static str)>,
    industries: Vec<&'static str>,
    titles: Vec<&'static str>,
}

/// Fills the database. Refuses a database that already has people or accounts unless `force`.
/// Returns how many records of each kind it added (converted leads add accounts, contacts and
/// opportunities beyond the planned numbers). `made` is told each record made (up to
/// [`DemoSize::total`]); the commit comes after the last.
pub fn fill(crm: &Crm, size: &DemoSize, seed: u64, force: bool, made: &mut dyn FnMut()) -> Result<DemoSize> {
    let before = counts(crm)?;
    let existing: u64 = [Kind::Account, Kind::Contact, Kind::Lead, Kind::Opportunity].iter().map(|k| before[k]).sum();
    if existing > 0 && !force {
        return Err(CrmError::NotEmpty { path: crm.path().display().to_string(), records: existing });
    }
    // One transaction: a demo killed half-way leaves the file as it was, and a new `rolo demo`
    // finds it empty.
    crm.write_bulk("rolo demo", |tx| make(tx, size, seed, made))?;

    let after = counts(crm)?;
    let added = |k: Kind| (after[&k] - before[&k]) as u32;
    Ok(DemoSize {
        accounts: added(Kind::Account),
        contacts: added(Kind::Contact),
        leads: added(Kind::Lead),
        opportunities: added(Kind::Opportunity),
        tasks: added(Kind::Task),
        calls: added(Kind::Call),
        events: added(Kind::Event),
        projects: added(Kind::Project),
        campaigns: added(Kind::Campaign),
        products: added(Kind::Product),
        quotes: added(Kind::Quote),
        lists: added(Kind::ContactList),
        notes: added(Kind::Note),
        cases: added(Kind::Case),
    })
}

/// Makes every record of the demo in `tx`: `size` of each kind, chosen by `seed`.
fn make(tx: &mut Tx, size: &DemoSize, seed: u64, made: &mut dyn FnMut()) -> Result<()> {
    let words = Words {
        first: lines(FIRST).into_iter().map(Name::new).collect(),
        last: lines(LAST).into_iter().map(Name::new).collect(),
        companies: lines(COMPANIES),
        cities: lines(CITIES).into_iter().filter_map(|l| l.split_once(',')).collect(),
        industries: lines(INDUSTRIES),
        titles: lines(TITLES),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // The session's clock, through the transaction: a fixed clock makes a fixed demo.
    let now = tx.now();
    let today = now.local_date();
    let stamp = tx.stamp();
    // Read in the transaction: the deals are placed in them on the drawing thread.
    let stages = tx.stages()?;
    let (ann, lee) = (Name::new("Ann"), Name::new("Lee"));

    let drawn = |i: u32| {
        let start = today.add_days(rng.random_range(-120..30));
        let status = CampaignStatus::ALL[i as usize % CampaignStatus::ALL.len()];
        Campaign {
            name: format!(
                "{} {}",
                ["Spring", "Summer", "Autumn", "Winter", "Launch", "Partner"][i as usize % 6],
                2026 + i / 6
            ),
            channel: Some(CHANNELS[i as usize % CHANNELS.len()].into()),
            status,
            budget: Some(Amount::units(rng.random_range(20..400) * 100)),
            start: Some(start),
            end: Some(start.add_days(rng.random_range(14..90))),
            ..Default::default()
        }
    };
    let campaigns = batched(tx, made, size.campaigns, preparing(&stamp, drawn), created)?;

    let catalogue = lines(PRODUCTS);
    let drawn = |i: u32| {
        let (name, price) = catalogue[i as usize % catalogue.len()].split_once(',').unwrap_or(("Item", "10"));
        let round = i as usize / catalogue.len();
        Product {
            name: if round == 0 { name.to_string() } else { format!("{name} v{}", round + 1) },
            sku: Some(format!("SKU-{:05}", i + 1)),
            price: Amount::parse(price).unwrap_or(Amount::units(10)),
            active: i % 17 != 16,
            ..Default::default()
        }
    };
    let products =
        batched(tx, made, size.products, preparing(&stamp, drawn), |tx, p| Ok((tx.create_prepared(p?)?, ())))?;

    let drawn = |i: u32| {
        let (city, country) = *words.cities.choose(&mut rng).unwrap_or(&("London", "United Kingdom"));
        let base = words.companies[i as usize % words.companies.len()];
        let n = i as usize / words.companies.len();
        let name = if n == 0 {
            format!("{base} {}", SUFFIXES[i as usize % SUFFIXES.len()])
        } else {
            format!("{base}{n} {}", SUFFIXES[(i as usize + n) % SUFFIXES.len()])
        };
        let domain = format!(
            "{}.example.com",
            name.to_lowercase()
                .split_whitespace()
                .next()
                .unwrap_or("acme")
                .replace(|c: char| !c.is_ascii_alphanumeric(), "")
        );
        let account = Account {
            industry: Some((*words.industries.choose(&mut rng).unwrap_or(&"Software")).into()),
            website: Some(format!("https://{domain}")),
            phone: Some(format!("+1 555 {:04}", rng.random_range(0..10_000))),
            address: Address { city: Some(city.into()), country: Some(country.into()), ..Default::default() },
            employees: Some(rng.random_range(5..20_000)),
            annual_revenue: Some(Amount::units(rng.random_range(1..500) * 100_000)),
            status: AccountStatus::ALL[(i as usize * 7 + 1) % AccountStatus::ALL.len()],
            name,
            ..Default::default()
        };
        (stamp.prepare(account), domain, city.to_string(), country.to_string())
    };
    let accounts = batched(tx, made, size.accounts, drawn, |tx, (account, domain, city, country)| {
        created(tx, account).map(|(id, account)| ((id, domain, city, country), account))
    })?;

    // Each contact's last activity, by position in `contacts`: their calls happen before it.
    let mut last_seen = Vec::with_capacity(size.contacts as usize);
    let drawn = |i: u32| {
        let first = words.first.choose(&mut rng).unwrap_or(&ann);
        let last = words.last.choose(&mut rng).unwrap_or(&lee);
        let (account, domain, city, country) = &accounts[rng.random_range(0..accounts.len())];
        // Every demo person has an address and a number of their own, so that the possible
        // duplicates (g D) are only the people the generator happened to give one name at one
        // company, as in real data. Both are spelt out by hand: a million of each.
        let mut email = Email::new(email_address(first, last, i, domain));
        email.consent = Consent::ALL[i as usize % Consent::ALL.len()];
        email.validity = Validity::ALL[(i as usize / 3) % Validity::ALL.len()];
        let with_birthday = i.is_multiple_of(3);
        let contact = Contact {
            first_name: first.text.into(),
            last_name: last.text.into(),
            title: Some((*words.titles.choose(&mut rng).unwrap_or(&"Manager")).into()),
            account: Some(*account),
            emails: vec![email],
            phones: vec![Phone { number: phone_number(i), label: Some("work".into()) }],
            addresses: vec![Address { city: Some(city.clone()), country: Some(country.clone()), ..Default::default() }],
            birthday: with_birthday.then(|| today.add_days(-(rng.random_range(25 * 365..60 * 365)))),
            interests: vec![INTERESTS[i as usize % INTERESTS.len()].into()],
            follow_up_days: i.is_multiple_of(4).then_some(30),
            // A few labels to filter by (tag:vip), without drawing on the random stream.
            tags: match i % 12 {
                0 => vec!["vip".into()],
                5 => vec!["partner".into()],
                _ => Vec::new(),
            },
            last_activity: Some({
                let seen = Timestamp(now.0 - rng.random_range(0..90 * 86_400));
                last_seen.push(seen);
                seen
            }),
            ..Default::default()
        };
        (stamp.prepare(contact), *account)
    };
    let contacts = batched(tx, made, size.contacts, drawn, |tx, (contact, account)| {
        created(tx, contact).map(|(id, contact)| ((id, account), contact))
    })?;

    let drawn = |i: u32| {
        let first = words.first.choose(&mut rng).unwrap_or(&ann);
        let last = words.last.choose(&mut rng).unwrap_or(&lee);
        let company = format!(
            "{} {}",
            words.companies.choose(&mut rng).unwrap_or(&"Acme"),
            ["Partners", "Studio", "Works", "Trading"][i as usize % 4]
        );
        let status =
            [LeadStatus::New, LeadStatus::Contacted, LeadStatus::Qualified, LeadStatus::Unqualified][i as usize % 4];
        let lead = Lead {
            first_name: first.text.into(),
            last_name: last.text.into(),
            email: Some(format!("{}.{}@lead{i}.example.org", first.local, last.local)),
            phone: Some(format!("+44 20 {:04} {:04}", (i / 10_000) % 10_000, i % 10_000)),
            source: Some(DEFAULT_LEAD_SOURCES[i as usize % DEFAULT_LEAD_SOURCES.len()].to_string()),
            campaign: i.is_multiple_of(3).then(|| campaigns[i as usize % campaigns.len()]),
            status,
            rating: Some(Rating::ALL[i as usize % Rating::ALL.len()]),
            company: Some(company),
            ..Default::default()
        };
        // One in ten converted into an existing customer: a lead from a known company.
        let conversion = (i % 10 == 9).then(|| {
            let opportunity = (i % 20 == 19).then(|| NewOpportunity {
                amount: Some(Amount::units(rng.random_range(10..200) * 100)),
                ..Default::default()
            });
            let (account, ..) = &accounts[rng.random_range(0..accounts.len())];
            ConvertLead { account: Some(*account), opportunity }
        });
        (stamp.prepare(lead), conversion)
    };
    batched(tx, made, size.leads, drawn, |tx, (lead, conversion)| {
        let (id, lead) = created(tx, lead)?;
        if let Some(how) = conversion {
            tx.convert_lead(id, how)?;
        }
        Ok(((), lead))
    })?;

    tx.ensure_picks(Picklist::Competitors, &COMPETITORS)?;
    let drawn = |i: u32| {
        let (contact, account) = contacts[rng.random_range(0..contacts.len())];
        let stage = &stages[i as usize % stages.len()];
        // Open deals are expected from two months ago to six months on; won and lost ones
        // closed on a day of the last three months.
        let offset: i64 = rng.random_range(-60..180);
        let closed = (stage.outcome != StageOutcome::Open).then(|| today.add_days(-offset.rem_euclid(90) - 1));
        let mut opp = Opportunity {
            name: format!(
                "{} deal #{}",
                ["New licences", "Renewal", "Expansion", "Pilot", "Upgrade"][i as usize % 5],
                i + 1
            ),
            account,
            contact: Some(contact),
            amount: Amount::units(rng.random_range(5..500) * 100),
            close_date: closed.unwrap_or(today.add_days(offset)),
            closed_on: closed,
            stage: stage.id,
            next_step: Some(STEPS[i as usize % STEPS.len()].into()),
            next_step_date: Some(today.add_days(rng.random_range(-5..21))),
            lead_source: Some(DEFAULT_LEAD_SOURCES[i as usize % DEFAULT_LEAD_SOURCES.len()].to_string()),
            campaign: i.is_multiple_of(4).then(|| campaigns[i as usize % campaigns.len()]),
            // Two deals in three are up against someone; who, turns with the deal's number.
            competitor: (!i.is_multiple_of(3)).then(|| COMPETITORS[(i as usize / 3) % COMPETITORS.len()].to_string()),
            ..Default::default()
        };
        if stage.outcome == StageOutcome::Lost {
            opp.lost_reason = Some(LOST[i as usize % LOST.len()].into());
        }
        stamp.prepare_opportunity(opp, stage)
    };
    let opportunities = batched(tx, made, size.opportunities, drawn, created)?;

    // A quota for this quarter and each of its months, sized so that some are met and some not.
    let quarter = QuotaPeriod::Quarter(today.0.year(), today.0.month0() / 3 + 1);
    let per_quarter = Amount::units(i64::from(size.opportunities) * 2_000);
    let holder = QuotaHolder::User(tx.acting().to_string());
    let mut quotas = vec![(quarter, per_quarter)];
    for m in 0..3 {
        let month = QuotaPeriod::Month(today.0.year(), (today.0.month0() / 3) * 3 + m + 1);
        quotas.push((month, Amount(per_quarter.0 / 3)));
    }
    for (period, amount) in quotas {
        tx.put_quota(Quota { holder: holder.clone(), period, amount, currency: Currency::default() })?;
    }

    let drawn = |i: u32| {
        let (account, ..) = &accounts[i as usize % accounts.len()];
        let done = i % 3 == 2;
        Project {
            name: format!("{} rollout {}", ["CRM", "Support", "Migration", "Training"][i as usize % 4], i + 1),
            account: Some(*account),
            due: today.add_days(rng.random_range(-30..120)),
            status: if done {
                ProjectStatus::Done
            } else {
                [ProjectStatus::Active, ProjectStatus::OnHold, ProjectStatus::Cancelled, ProjectStatus::Active]
                    [i as usize % 4]
            },
            goal: Some("Go live with every team".into()),
            goal_met: if done { [GoalMet::Yes, GoalMet::No][i as usize % 2] } else { GoalMet::Pending },
            completed_at: done.then_some(now),
            ..Default::default()
        }
    };
    let projects = batched(tx, made, size.projects, preparing(&stamp, drawn), created)?;

    // The first tasks are the first project's plan, each waiting for the steps it names, by
    // their place in the plan.
    let mut plan: Vec<Id> = Vec::new();
    for &(title, days, done, after) in PLAN.iter().take(size.tasks as usize) {
        let task = Task {
            title: title.into(),
            due: Some(today.add_days(days)),
            status: if done { TaskStatus::Done } else { TaskStatus::Open },
            project: Some(projects[0]),
            completed_at: done.then(|| Timestamp(now.0 + days * 86_400)),
            after: after.iter().map(|&n| plan[n]).collect(),
            ..Default::default()
        };
        plan.push(tx.create(task)?.id);
        made();
    }
    let planned = plan.len() as u32;
    let drawn = |i: u32| {
        let i = i + planned;
        let (contact, _) = contacts[rng.random_range(0..contacts.len())];
        let status = TaskStatus::ALL[(i as usize / 2) % TaskStatus::ALL.len()];
        let done = matches!(status, TaskStatus::Done | TaskStatus::Cancelled);
        Task {
            title: TASKS[i as usize % TASKS.len()].into(),
            due: (i % 10 != 9).then(|| today.add_days(rng.random_range(-20..30))),
            priority: Priority::ALL[i as usize % Priority::ALL.len()],
            status,
            contact: Some(contact),
            opportunity: i.is_multiple_of(3).then(|| opportunities[i as usize % opportunities.len()]),
            project: i.is_multiple_of(7).then(|| projects[i as usize % projects.len()]),
            completed_at: done.then(|| Timestamp(now.0 - rng.random_range(0..30 * 86_400))),
            ..Default::default()
        }
    };
    batched(tx, made, size.tasks - planned, preparing(&stamp, drawn), created)?;

    let drawn = |i: u32| {
        let who = rng.random_range(0..contacts.len());
        let (contact, _) = contacts[who];
        let outcome = CallOutcome::ALL[i as usize % CallOutcome::ALL.len()];
        let notes = CALL_NOTES[i as usize % CALL_NOTES.len()];
        Call {
            contact,
            direction: CallDirection::ALL[(i as usize / 5) % 2],
            // The call is the contact's last activity or came before it.
            started_at: Timestamp(last_seen[who].0 - rng.random_range(0..120 * 86_400)),
            duration_secs: if outcome == CallOutcome::Connected {
                rng.random_range(60..2400)
            } else {
                rng.random_range(0..60)
            },
            outcome,
            notes: (!notes.is_empty()).then(|| notes.into()),
            ..Default::default()
        }
    };
    batched(tx, made, size.calls, preparing(&stamp, drawn), created)?;

    let drawn = |i: u32| {
        let (contact, account) = contacts[rng.random_range(0..contacts.len())];
        let day = today.add_days(rng.random_range(-14..28));
        let start = Timestamp(day.start_local().0 + rng.random_range(8..17) * 3600);
        Event {
            title: EVENTS[i as usize % EVENTS.len()].into(),
            start,
            end: Some(Timestamp(start.0 + 3600)),
            location: Some(["Office", "Video call", "Client site", "Café"][i as usize % 4].into()),
            attendees: vec![contact],
            related: Some(RecordRef::new(Kind::Account, account)),
            ..Default::default()
        }
    };
    batched(tx, made, size.events, preparing(&stamp, drawn), created)?;

    let drawn = |i: u32| {
        let members: Vec<Id> = (0..50)
            .map(|_| contacts[rng.random_range(0..contacts.len())].0)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let name =
            format!("{} {}", ["Newsletter", "VIP customers", "Event invitees", "Call list"][i as usize % 4], i / 4 + 1);
        ContactList { name, members, ..Default::default() }
    };
    batched(tx, made, size.lists, preparing(&stamp, drawn), created)?;

    let drawn = |i: u32| {
        let (contact, account) = contacts[rng.random_range(0..contacts.len())];
        let target = match i % 3 {
            0 => RecordRef::new(Kind::Account, account),
            1 => RecordRef::new(Kind::Opportunity, opportunities[i as usize % opportunities.len()]),
            _ => RecordRef::new(Kind::Contact, contact),
        };
        let text = NOTES[i as usize % NOTES.len()].to_string();
        Note { id: 0, target, text, owner: String::new(), created: Timestamp::default(), updated: Timestamp::default() }
    };
    batched(tx, made, size.notes, preparing(&stamp, drawn), created)?;

    let active: Vec<&Product> = products.iter().filter(|p| p.active).collect();
    let drawn = |i: u32| {
        let opp = opportunities[i as usize % opportunities.len()];
        let lines = (0..rng.random_range(1..4))
            .filter_map(|_| {
                let p = active.choose(&mut rng)?;
                Some(QuoteLine {
                    product: Some(p.id),
                    description: p.name.clone(),
                    quantity: rng.random_range(1..20),
                    unit_price: p.price,
                    discount: [0, 5, 10][i as usize % 3],
                })
            })
            .collect();
        Quote {
            opportunity: opp,
            status: QuoteStatus::ALL[i as usize % 4],
            lines,
            valid_until: Some(today.add_days(30)),
            ..Default::default()
        }
    };
    batched(tx, made, size.quotes, drawn, |tx, quote| Ok(((), tx.create_quote(quote)?)))?;

    // Cases last, on a stream of their own: the records above stay what each seed made before.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xCA5E);
    let drawn = |i: u32| {
        let (contact, account) = contacts[rng.random_range(0..contacts.len())];
        let (subject, resolution) = CASES[i as usize % CASES.len()];
        let status = CaseStatus::ALL[i as usize % CaseStatus::ALL.len()];
        Case {
            subject: subject.into(),
            account: Some(account),
            contact: Some(contact),
            product: i.is_multiple_of(2).then(|| active.get(i as usize % active.len().max(1)).map(|p| p.id)).flatten(),
            priority: CasePriority::ALL[(i as usize / 2) % CasePriority::ALL.len()],
            status,
            channel: Some(Channel::ALL[i as usize % Channel::ALL.len()]),
            resolution: (!status.is_open()).then(|| resolution.into()),
            created: Timestamp(now.0 - rng.random_range(1800..4 * 86_400)),
            ..Default::default()
        }
    };
    batched(tx, made, size.cases, preparing(&stamp, drawn), created)?;
    Ok(())
}

/// Problems customers report, and what fixed them.
const CASES: [(&str, &str); 8] = [
    ("Printer jams on page 2", "Replaced the feed roller"),
    ("Invoice shows the wrong VAT rate", "Corrected the tax code and reissued the invoice"),
    ("Cannot log in after a password reset", "Cleared the stale session; the new password works"),
    ("Delivery arrived damaged", "Sent a replacement by express"),
    ("Export to CSV is missing columns", "Explained the column picker; all columns now export"),
    ("Licence key rejected", "Issued a new key for the right edition"),
    ("Dashboard loads slowly", "Archived last year's data; loads in under a second"),
    ("Wants to change the billing address", "Updated the billing address"),
];

/// How many records of each kind the database holds.
fn counts(crm: &Crm) -> Result<std::collections::HashMap<Kind, u64>> {
    Kind::ALL.iter().map(|&k| Ok((k, crm.count(k)?))).collect()
}

/// A name's part of a demo email address: lower-case ASCII letters, digits and dots.
fn ascii_local(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.').collect()
}

/// Contact `i`'s email address at `domain`: `first.last@domain`, with `i` after the names past
/// the first 5,000 people.
fn email_address(first: &Name, last: &Name, i: u32, domain: &str) -> String {
    let mut address = String::with_capacity(first.local.len() + last.local.len() + domain.len() + 12);
    address.extend([&first.local, ".", &last.local]);
    if i >= 5000 {
        push_digits(&mut address, i, 1);
    }
    address.extend(["@", domain]);
    address
}

/// Contact `i`'s work number: `+1 555 ` then the thousands of ten thousands and the rest, padded.
fn phone_number(i: u32) -> String {
    let mut number = String::with_capacity(15);
    number.push_str("+1 555 ");
    push_digits(&mut number, (i / 10_000) % 1000, 3);
    number.push(' ');
    push_digits(&mut number, i % 10_000, 4);
    number
}

/// Writes `n` in decimal, with leading zeros to `width` digits at least.
fn push_digits(out: &mut String, n: u32, width: usize) {
    let digits = n.checked_ilog10().map_or(1, |log| log + 1);
    out.extend(std::iter::repeat_n('0', width.saturating_sub(digits as usize)));
    out.extend((0..digits).rev().map(|place| char::from(b'0' + (n / 10u32.pow(place) % 10) as u8)));
}

/// Makes `count` records: `draw` makes up record `i` (on a thread of its own, ahead of the
/// writer: drawing names and numbers is a good part of the demo's work) and `save` writes it in
/// the demo's one transaction, keeping the first part of what it returns and handing the second
/// (the record as written) back to the drawing thread, which frees it. Their index keys are held
/// back (spilled in sorted runs once there are many) and written at the commit, all kinds in one
/// sorted pass: written kind by kind, the keys of calls, tasks and deals would land one by one
/// among the links written before them (a contact's calls among its deals and tasks).
fn batched<D: Send, T, S: Send>(
    tx: &mut Tx,
    made: &mut dyn FnMut(),
    count: u32,
    draw: impl FnMut(u32) -> D + Send,
    mut save: impl FnMut(&mut Tx, D) -> Result<(T, S)>,
) -> Result<Vec<T>> {
    std::thread::scope(|scope| {
        let mut saved = Vec::with_capacity(count as usize);
        let mut drawn = crate::ahead::read_ahead_and_back(scope, (0..count).map(draw));
        while let Some(record) = drawn.next() {
            let (kept, spent) = save(tx, record)?;
            saved.push(kept);
            drawn.spent(spent);
            made();
        }
        Ok(saved)
    })
}

/// `draw` with each record it makes prepared under `stamp`, on the drawing thread.
fn preparing<'s, R: Indexed>(
    stamp: &'s Stamp,
    mut draw: impl FnMut(u32) -> R + Send + 's,
) -> impl FnMut(u32) -> Result<Prepared<R>> + Send + 's {
    move |i| stamp.prepare(draw(i))
}

/// Writes a record made up (and prepared) by the demo: its id, and the record.
fn created<R: Indexed>(tx: &mut Tx, record: Result<Prepared<R>>) -> Result<(Id, R)> {
    let record = tx.create_prepared(record?)?;
    Ok((record.id(), record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_spelt_as_format_pads_them() {
        for (n, width) in [(0, 1), (0, 4), (7, 3), (42, 4), (1234, 4), (98_765, 3), (u32::MAX, 1), (5, 12)] {
            let mut out = String::from("+");
            push_digits(&mut out, n, width);
            assert_eq!(out, format!("+{n:0width$}"));
        }
        for i in [0, 7, 10_000, 1_234_567, 999_999_999, u32::MAX] {
            assert_eq!(phone_number(i), format!("+1 555 {:03} {:04}", (i / 10_000) % 1000, i % 10_000));
        }
    }

    #[test]
    fn every_name_is_spelt_in_an_address_as_when_the_whole_address_was_made_at_once() {
        // The address as it was made before the names' parts were made once each.
        let whole = |first: &str, last: &str, i: u32, domain: &str| {
            let suffix = if i >= 5000 { i.to_string() } else { String::new() };
            format!("{}@{domain}", ascii_local(&format!("{first}.{last}{suffix}")))
        };
        let (first, last) = (lines(FIRST), lines(LAST));
        let odd = ["Zoë", "O'Brien-Łukasz", "Nguyễn Văn", "Ōsaka ß", "Ἀλέξανδρος", "李"];
        let pairs =
            first.iter().zip(last.iter().cycle()).chain(last.iter().zip(first.iter().cycle()).map(|(l, f)| (f, l)));
        for (n, (f, l)) in pairs.chain(odd.iter().zip(odd.iter().rev())).enumerate() {
            for i in [0, 4_999, 5_000, 123_456, 999_999, u32::MAX] {
                let i = i.wrapping_add(n as u32);
                let made = email_address(&Name::new(f), &Name::new(l), i, "acme.example.com");
                assert_eq!(made, whole(f, l, i, "acme.example.com"), "{f} {l} {i}");
            }
        }
        assert_eq!(Name::new("Zoë").local, "zoe");
    }
}
