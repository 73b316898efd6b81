//! The calls report: calls in a period by account, country, outcome and direction.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::chart::{Bucket, Chart, ChartRow, ChartView, Unit, measure, row};
use super::{ReportQuery, instants};
use crate::crm::View as Reader;
use crate::crm::{Crm, Result};
use crate::model::{Date, Id, Timestamp};
use crate::store::Read;
use crate::store::facts::{self};
use crate::text::spoken;

/// How many accounts the calls report ranks.
pub const TOP_ACCOUNTS: usize = 10;

/// The days a dated report covers when none are given: the 30 days ending `today`, or the 30
/// days from `from`, or the 30 days ending at `to`.
fn last_30_days(query: &ReportQuery, today: Date) -> (Date, Date) {
    match (query.from, query.to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, f.add_days(29)),
        (None, Some(t)) => (t.add_days(-29), t),
        (None, None) => (today.add_days(-29), today),
    }
}

/// Calls in a period: the busiest accounts, and calls by country, outcome and direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallsReport {
    /// First day counted.
    pub from: Date,
    /// Last day counted.
    pub to: Date,
    /// How many calls.
    pub calls: u32,
    /// Their talk time, in seconds.
    pub talk_secs: u64,
    /// The accounts with the most calls (at most [`TOP_ACCOUNTS`]; ties to the lower id).
    pub top_by_calls: Vec<AccountCalls>,
    /// The accounts with the longest talk time (at most [`TOP_ACCOUNTS`]; ties to the lower id).
    pub top_by_talk: Vec<AccountCalls>,
    /// Calls per country of the contact's account (else the contact's first address; `unknown`
    /// when neither says), most calls first, ties alphabetically.
    pub by_country: Vec<CallCount>,
    /// Calls per outcome, every outcome listed, in outcome order.
    pub by_outcome: Vec<CallCount>,
    /// Calls per direction, both listed.
    pub by_direction: Vec<CallCount>,
}

/// One account's calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountCalls {
    /// The account's id.
    pub account: Id,
    /// Its name.
    pub name: String,
    /// How many calls with its contacts.
    pub calls: u32,
    /// Their talk time, in seconds.
    pub talk_secs: u64,
}

/// A label and its calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallCount {
    /// What the calls share (a country, an outcome, a direction).
    pub label: String,
    /// How many calls.
    pub calls: u32,
    /// Their talk time, in seconds.
    pub talk_secs: u64,
}

impl Crm {
    /// The calls started in the period (default: the last 30 days), read through the call-time
    /// index.
    pub fn calls_report(&self, query: ReportQuery) -> Result<CallsReport> {
        self.calls_report_on(query, self.session().today())
    }

    /// [`Crm::calls_report`] with "today" given, for reproducible reports and tests.
    pub fn calls_report_on(&self, query: ReportQuery, today: Date) -> Result<CallsReport> {
        use crate::model::{Account, CallDirection, CallOutcome};
        query.check()?;
        let (from, to) = last_30_days(&query, today);
        let (start, end) = instants(from, to);
        let r = self.reader()?;
        // Each call: who, outcome, direction, seconds; the two halves of the period side by side.
        let read = |from: Timestamp, to: Timestamp| -> Result<Vec<(Id, CallOutcome, CallDirection, u64)>> {
            let mut calls = Vec::new();
            facts::calls(&r, from, to, &mut |c| {
                calls.push((c.contact, c.outcome, c.direction, u64::from(c.duration_secs)))
            })?;
            Ok(calls)
        };
        let mid = Timestamp(start.0 + (end.0 - start.0) / 2);
        let (calls, later) = in_parallel(|| read(start, mid), || read(mid, end));
        let mut calls = calls?;
        calls.extend(later?);
        let places = CallPlaces::read(&r, {
            let mut ids: Vec<Id> = calls.iter().map(|c| c.0).collect();
            ids.sort_unstable();
            ids
        })?;
        let mut per_account: HashMap<Id, (u32, u64)> = HashMap::default();
        let mut per_country = vec![(0u32, 0u64); places.countries.len() + 1];
        let (mut n, mut talk) = (0u32, 0u64);
        let mut outcome = vec![(0u32, 0u64); CallOutcome::ALL.len()];
        let mut direction = vec![(0u32, 0u64); CallDirection::ALL.len()];
        for &(contact, o, d, secs) in &calls {
            n += 1;
            talk += secs;
            let add = |slot: &mut (u32, u64)| {
                slot.0 += 1;
                slot.1 += secs;
            };
            add(&mut outcome[o as usize]);
            add(&mut direction[d as usize]);
            let (account, country) = places.place(contact);
            if let Some(a) = account {
                add(per_account.entry(a).or_default());
            }
            add(&mut per_country[country.map_or(places.countries.len(), |c| c as usize)]);
        }
        // Countries as written may differ only by spaces around them: counted as one.
        let mut by_label: HashMap<String, (u32, u64)> = HashMap::default();
        for (i, &(calls, secs)) in per_country.iter().enumerate().filter(|(_, c)| c.0 > 0) {
            let slot = by_label.entry(places.label(Some(i as u32)).to_string()).or_default();
            slot.0 += calls;
            slot.1 += secs;
        }
        let mut ranked: Vec<AccountCalls> = per_account
            .into_iter()
            .map(|(id, (calls, talk_secs))| AccountCalls { account: id, name: String::new(), calls, talk_secs })
            .collect();
        ranked.sort_by_key(|a| (std::cmp::Reverse(a.calls), a.account));
        let mut top_by_calls: Vec<AccountCalls> = ranked.iter().take(TOP_ACCOUNTS).cloned().collect();
        ranked.sort_by_key(|a| (std::cmp::Reverse(a.talk_secs), a.account));
        ranked.truncate(TOP_ACCOUNTS);
        for a in top_by_calls.iter_mut().chain(ranked.iter_mut()) {
            a.name = r.get::<Account>(a.account)?.map(|a| a.name).unwrap_or_default();
        }
        let mut by_country: Vec<CallCount> =
            by_label.into_iter().map(|(label, (calls, talk_secs))| CallCount { label, calls, talk_secs }).collect();
        by_country.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.label.cmp(&b.label)));
        let counts = |words: Vec<&str>, sums: Vec<(u32, u64)>| -> Vec<CallCount> {
            words
                .into_iter()
                .zip(sums)
                .map(|(w, (calls, talk_secs))| CallCount { label: w.to_string(), calls, talk_secs })
                .collect()
        };
        Ok(CallsReport {
            from,
            to,
            calls: n,
            talk_secs: talk,
            top_by_calls,
            top_by_talk: ranked,
            by_country,
            by_outcome: counts(CallOutcome::ALL.iter().map(|o| o.word()).collect(), outcome),
            by_direction: counts(CallDirection::ALL.iter().map(|d| d.word()).collect(), direction),
        })
    }
}

/// Runs `a` on another thread while `b` runs on this one, and gives both answers.
fn in_parallel<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let first = s.spawn(a);
        let second = b();
        (first.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), second)
    })
}

/// Texts (countries) numbered in the order first seen, each kept once.
#[derive(Default)]
struct Names {
    numbers: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Names {
    /// The number of `text`, given now if new.
    fn number(&mut self, text: &str) -> u32 {
        if let Some(&n) = self.numbers.get(text) {
            return n;
        }
        let n = self.texts.len() as u32;
        self.numbers.insert(text.to_string(), n);
        self.texts.push(text.to_string());
        n
    }

    /// Takes in another list's texts; returns their numbers here, in the other list's order.
    fn absorb(&mut self, other: Names) -> Vec<u32> {
        other.texts.iter().map(|t| self.number(t)).collect()
    }
}

/// A contact, its account and its country (a number in [`Names`]).
type Place = (Id, Option<Id>, Option<u32>);

/// Facts read on one thread, with the countries they name numbered there.
type Found<T> = Result<(Vec<T>, Names)>;

/// Where the people called belong: their account (when it exists) and the country the calls
/// report files them under (the account's, else their own first address's).
pub(super) struct CallPlaces {
    /// Per contact, in id order: its account (if it exists) and country (an index into `countries`).
    people: Vec<Place>,
    /// The countries as written, each once.
    countries: Vec<String>,
}

impl CallPlaces {
    /// Reads the places of these contacts (in increasing order, repeats allowed) from the report
    /// facts, each half of them on its own thread.
    pub(super) fn read(r: &Reader, mut ids: Vec<Id>) -> Result<CallPlaces> {
        ids.dedup();
        let half = |ids: &[Id]| -> Found<Place> {
            let (mut people, mut names) = (Vec::with_capacity(ids.len()), Names::default());
            facts::contacts_among(r, ids, &mut |c, n| {
                people.push((c.id, c.account, n.country.map(|c| names.number(c))))
            })?;
            Ok((people, names))
        };
        let (left, right) = ids.split_at(ids.len() / 2);
        let (first, second) = in_parallel(|| half(left), || half(right));
        let ((mut people, mut names), (more, their_names)) = (first?, second?);
        let renumber = names.absorb(their_names);
        people.extend(more.into_iter().map(|(id, a, c)| (id, a, c.map(|c| renumber[c as usize]))));
        let mut account_ids: Vec<Id> = people.iter().filter_map(|p| p.1).collect();
        account_ids.sort_unstable();
        account_ids.dedup();
        // The accounts that exist, and their countries, in id order.
        let accounts_of = |ids: &[Id]| -> Found<(Id, Option<u32>)> {
            let (mut found, mut names) = (Vec::with_capacity(ids.len()), Names::default());
            facts::accounts_among(r, ids, &mut |a| found.push((a.id, a.country.map(|c| names.number(c)))))?;
            Ok((found, names))
        };
        let (left, right) = account_ids.split_at(account_ids.len() / 2);
        let (first, second) = in_parallel(|| accounts_of(left), || accounts_of(right));
        let ((mut accounts, first_names), (more, their_names)) = (first?, second?);
        let renumber = names.absorb(first_names);
        for a in &mut accounts {
            a.1 = a.1.map(|c| renumber[c as usize]);
        }
        let renumber = names.absorb(their_names);
        accounts.extend(more.into_iter().map(|(id, c)| (id, c.map(|c| renumber[c as usize]))));
        for p in &mut people {
            let found = p.1.and_then(|a| accounts.binary_search_by_key(&a, |x| x.0).ok()).map(|i| accounts[i]);
            p.1 = found.map(|a| a.0);
            p.2 = found.and_then(|a| a.1).or(p.2);
        }
        Ok(CallPlaces { people, countries: names.texts })
    }

    /// A contact's account (if it exists) and country.
    pub(super) fn place(&self, contact: Id) -> (Option<Id>, Option<u32>) {
        match self.people.binary_search_by_key(&contact, |p| p.0) {
            Ok(i) => (self.people[i].1, self.people[i].2),
            Err(_) => (None, None),
        }
    }

    /// A country as the calls report labels it: trimmed, and `unknown` when none or blank.
    pub(super) fn label(&self, country: Option<u32>) -> &str {
        country
            .and_then(|c| self.countries.get(c as usize))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .unwrap_or("unknown")
    }
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Calls: the busiest accounts, and calls by country, outcome and direction, each with its
    /// talk time.
    pub fn calls(r: &CallsReport) -> Chart {
        let measures = || vec![measure("calls", Unit::Count), measure("talk time", Unit::Seconds)];
        let calls = |account, country, outcome, direction| {
            Some(Bucket::Calls { from: r.from, to: r.to, account, country, outcome, direction })
        };
        let view = |name: &str, rows: Vec<ChartRow>| ChartView { name: name.into(), measures: measures(), rows };
        let accounts = |ranked: &[AccountCalls]| {
            ranked
                .iter()
                .map(|a| {
                    let b = calls(Some(a.account), None, None, None);
                    row(a.name.clone(), vec![Some(i64::from(a.calls)), Some(a.talk_secs as i64)], vec![b.clone(), b])
                })
                .collect()
        };
        // The accounts ranked by talk time chart their talk time: it is that view's first measure.
        let mut by_talk = view("top accounts by talk time", accounts(&r.top_by_talk));
        by_talk.measures.reverse();
        for bar in &mut by_talk.rows {
            bar.values.reverse();
            bar.behind.reverse();
        }
        let counted = |counts: &[CallCount], bucket: &dyn Fn(&CallCount) -> Option<Bucket>| {
            counts
                .iter()
                .map(|c| {
                    let b = bucket(c);
                    row(spoken(&c.label), vec![Some(i64::from(c.calls)), Some(c.talk_secs as i64)], vec![b.clone(), b])
                })
                .collect()
        };
        let outcome = |c: &CallCount| calls(None, None, c.label.parse().ok(), None);
        let direction = |c: &CallCount| calls(None, None, None, c.label.parse().ok());
        Chart {
            title: format!(
                "Calls {} to {}: {}, {} talk time",
                r.from,
                r.to,
                crate::text::thousands(u64::from(r.calls)),
                crate::model::format_duration(r.talk_secs.min(u64::from(u32::MAX)) as u32)
            ),
            from: Some(r.from),
            to: Some(r.to),
            currency: None,
            views: vec![
                view("top accounts by calls", accounts(&r.top_by_calls)),
                by_talk,
                view("by country", counted(&r.by_country, &|c| calls(None, Some(c.label.clone()), None, None))),
                view("by outcome", counted(&r.by_outcome, &outcome)),
                view("by direction", counted(&r.by_direction, &direction)),
            ],
            note: String::new(),
        }
    }
}
