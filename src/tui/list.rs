//! A scrolling list of one kind of record (contacts, accounts) over any number of rows: it keeps
//! the ordered ids, and the loop fills in only the rows on screen before each frame.

use std::collections::{BTreeSet, HashMap, HashSet};

use std::sync::Arc;

use super::ctx::Ctx;
use crate::crm::{Changes, Crm, Result};
use crate::model::{Account, Call, Contact, Id, Kind, Lead, Opportunity, Product, Project, Record, RecordRef, Stage};

pub use crate::crm::Order;

/// What a filter lets through.
#[derive(Debug)]
pub enum Pass {
    /// These records, shown in the list's order.
    Set(HashSet<Id>),
    /// These records, shown best match first; `capped` when the filter kept only the best ones
    /// and more records match.
    Ranked {
        /// The records, best first.
        ids: Vec<Id>,
        /// Whether more records match than are kept.
        capped: bool,
    },
}

/// The state of one record list.
#[derive(Debug)]
pub struct RecordList {
    /// The kind listed.
    pub kind: Kind,
    /// Every id, in display order.
    pub ids: Vec<Id>,
    /// The selected position.
    pub selected: usize,
    /// The first visible position.
    pub offset: usize,
    /// Visible rows drawn last frame (set by the view).
    pub height: usize,
    /// Rows read so far, by id.
    rows: HashMap<Id, Vec<String>>,
    /// Marked ids.
    pub marked: BTreeSet<Id>,
    /// Where the last mark was set, for range marks.
    pub anchor: Option<usize>,
    /// Current order.
    pub order: Order,
    /// Whether the order is reversed.
    pub reversed: bool,
    /// Whether the ids are loaded for the current order.
    pub loaded: bool,
    /// How many records the list holds (known before all ids are).
    pub total: usize,
    /// The full id list, being read in the background for a big list.
    loading: Option<std::sync::mpsc::Receiver<Result<Vec<Id>>>>,
    /// The filter typed on the filter line.
    pub filter: String,
    /// While a filter is on: the records it lets through, and every id in order.
    filtered: Option<(Pass, Vec<Id>)>,
    /// The number of the filter query whose answer this list awaits, if any.
    pub awaiting: Option<u64>,
    /// Whether the awaited answer is ranked (best match first) rather than a set of records
    /// shown in the list's order.
    pub ranks: bool,
    /// Whether the next ids shown start at the top (a new filter or order), not on the record
    /// selected before.
    to_top: bool,
    /// Whether the ids were given (a report's drill-down) rather than read from an index: they
    /// are never read again, only their rows.
    pinned: bool,
    /// For contacts: show the first address in this cell of consent × validity, not the first one.
    pub emails_shown: Option<crate::crm::EmailCell>,
    /// Whose records the list shows, of those the user may see (`*`).
    pub scope: crate::crm::Scope,
}

/// Lists up to this size are read at once; bigger ones show their first page at once and read
/// the rest in the background, so the first frame never waits for a million ids.
const READ_AT_ONCE: u64 = 50_000;

impl RecordList {
    /// An empty list of `kind`, to be loaded, in its first order.
    pub fn new(kind: Kind) -> RecordList {
        let order = match kind {
            Kind::Opportunity => Order::CloseDate,
            Kind::Call => Order::Recent,
            Kind::Project => Order::Due,
            Kind::Case => Order::Sla,
            _ => Order::Name,
        };
        RecordList {
            kind,
            ids: Vec::new(),
            selected: 0,
            offset: 0,
            height: 20,
            rows: HashMap::new(),
            marked: BTreeSet::new(),
            anchor: None,
            order,
            reversed: false,
            loaded: false,
            total: 0,
            loading: None,
            filter: String::new(),
            filtered: None,
            awaiting: None,
            ranks: false,
            to_top: false,
            pinned: false,
            emails_shown: None,
            scope: crate::crm::Scope::All,
        }
    }

    /// A list of exactly these records of `kind`, in this order (a report's drill-down).
    pub fn pinned(kind: Kind, ids: Vec<Id>) -> RecordList {
        let mut list = RecordList::new(kind);
        list.pinned = true;
        list.loaded = true;
        list.take_ids(ids);
        list
    }

    /// Column titles.
    pub fn headers(&self) -> &'static [&'static str] {
        match self.kind {
            Kind::Contact => &["NAME", "ACCOUNT", "EMAIL", "PHONE", "COUNTRY", "ACTIVITY"],
            Kind::Lead => &["NAME", "COMPANY", "EMAIL", "SOURCE", "STATUS", "RATING"],
            Kind::Product => &["NAME", "SKU", "PRICE", "SOLD"],
            Kind::Opportunity => &["NAME", "ACCOUNT", "STAGE", "AMOUNT", "CLOSE", "NEXT STEP"],
            Kind::Call => &["WHEN", "CONTACT", "ACCOUNT", "COUNTRY", "DIR", "LENGTH", "OUTCOME"],
            Kind::Project => &["PROJECT", "ACCOUNT", "DUE", "STATUS", "GOAL", "GOAL MET"],
            Kind::Task => &["TASK", "DUE", "STATUS", "DONE", "PRIORITY", "OWNER"],
            Kind::Email => &["WHEN", "TO", "SUBJECT", "RESULT"],
            Kind::Case => &["CASE", "PRIORITY", "STATUS", "SUBJECT", "ACCOUNT", "OWNER", "SLA"],
            _ => &["NAME", "INDUSTRY", "CITY", "COUNTRY", "STATUS"],
        }
    }

    /// The columns holding numbers (prices, amounts, counts, lengths), drawn right-aligned.
    pub fn numeric(&self) -> &'static [usize] {
        match self.kind {
            Kind::Product => &[2, 3],
            Kind::Opportunity => &[3],
            Kind::Call => &[5],
            _ => &[],
        }
    }

    /// What the header says about the order (nothing for given ids, kept in the order given).
    pub fn order_label(&self) -> String {
        if self.pinned {
            return String::new();
        }
        if matches!(self.filtered, Some((Pass::Ranked { .. }, _))) {
            return "best match first".to_string();
        }
        format!("by {}{}", self.order.label(), if self.reversed { ", reversed" } else { "" })
    }

    /// The orders this kind offers.
    fn orders(&self) -> &'static [Order] {
        match self.kind {
            Kind::Contact => &[Order::Name, Order::Account, Order::Country, Order::LastActivity],
            Kind::Lead => &[Order::Name, Order::Status, Order::Source],
            Kind::Opportunity => &[Order::CloseDate, Order::NextStep],
            Kind::Call => &[Order::Recent],
            Kind::Project => &[Order::Due],
            Kind::Case => &[Order::Sla],
            _ => &[Order::Name],
        }
    }

    /// Shows the next scope (all, mine, my team), read again from the top; says which.
    pub fn next_scope(&mut self, ctx: &Ctx) -> String {
        let said;
        (self.scope, said) = ctx.next_scope(self.scope);
        self.loaded = false;
        self.to_top = true;
        format!("{}: {said}", self.kind_plural())
    }

    /// Moves to the next order, starting again at the top.
    pub fn next_order(&mut self) {
        let orders = self.orders();
        let i = orders.iter().position(|&o| o == self.order).unwrap_or(0);
        self.order = orders[(i + 1) % orders.len()];
        self.loaded = false;
        self.to_top = true;
    }

    /// Reverses the order, starting again at the top.
    pub fn reverse(&mut self) {
        self.reversed = !self.reversed;
        self.loaded = false;
        self.to_top = true;
    }

    /// The kinds of record its rows show something of (a contact's account name, a deal's stage).
    pub fn shows(&self) -> &'static [Kind] {
        match self.kind {
            Kind::Contact => &[Kind::Contact, Kind::Account],
            Kind::Project => &[Kind::Project, Kind::Account],
            Kind::Opportunity => &[Kind::Opportunity, Kind::Account, Kind::Stage],
            Kind::Call => &[Kind::Call, Kind::Contact, Kind::Account],
            Kind::Lead => &[Kind::Lead],
            Kind::Product => &[Kind::Product],
            Kind::Task => &[Kind::Task],
            Kind::Email => &[Kind::Email, Kind::Contact],
            Kind::Case => &[Kind::Case, Kind::Account],
            _ => &[Kind::Account],
        }
    }

    /// Takes in what other sessions committed; says whether it touched a row on screen (or the
    /// list as a whole).
    /// Changed records the list holds, still there and in its scope, have their rows read again
    /// (all rows when a record they name changed), without reading the ids again: with a hundred
    /// thousand records and many sessions, a call logged somewhere costs each of them a few rows.
    /// A record new to the list or gone from it, a bulk load, or a filter that may now keep
    /// others reads the whole list again. A changed record keeps its place until then.
    pub fn take_changes(&mut self, changes: &Changes, crm: &Crm) -> bool {
        if !self.shows().iter().any(|&k| changes.touches_kind(k)) {
            return false;
        }
        let own: Vec<Id> = changes.records.iter().filter(|r| r.kind == self.kind).map(|r| r.id).collect();
        let placed = self.loaded
            && !self.pinned
            && !self.is_loading()
            && !self.is_filtered()
            && !changes.everything
            && !changes.whole.contains(&self.kind)
            && own.iter().all(|&id| self.ids.contains(&id) && self.still_kept(crm, id));
        if !placed {
            self.invalidate();
            true
        } else if self.shows().iter().any(|&k| k != self.kind && changes.touches_kind(k)) {
            self.rows.clear();
            true
        } else {
            // Rows off screen are read when they show: only one on screen makes a frame due.
            let shown = own.iter().any(|id| self.on_screen().contains(id));
            for id in own {
                self.rows.remove(&id);
            }
            shown
        }
    }

    /// The ids of the rows on screen (as of the last frame).
    fn on_screen(&self) -> &[Id] {
        let end = (self.offset + self.height.max(1)).min(self.ids.len());
        &self.ids[self.offset.min(end)..end]
    }

    /// Whether record `id` is still there for the actor, in the list's scope.
    fn still_kept(&self, crm: &Crm, id: Id) -> bool {
        let mut one = vec![id];
        crm.exists(RecordRef::new(self.kind, id)).unwrap_or(false)
            && crm.keep_scope(self.kind, &mut one, self.scope).is_ok()
            && !one.is_empty()
    }

    /// Forgets loaded ids and rows (after a write).
    pub fn invalidate(&mut self) {
        self.loaded = false;
        self.rows.clear();
    }

    /// The selected id.
    pub fn selected_id(&self) -> Option<Id> {
        self.ids.get(self.selected).copied()
    }

    /// The row of `id`, if read.
    pub fn row(&self, id: Id) -> Option<&Vec<String>> {
        self.rows.get(&id)
    }

    /// Moves the selection by `delta` rows, keeping it on screen.
    pub fn move_by(&mut self, delta: isize) {
        if self.ids.is_empty() {
            return;
        }
        self.select(super::stepped(self.selected, delta, self.ids.len()));
    }

    /// Selects a position, keeping it on screen.
    pub fn select(&mut self, pos: usize) {
        self.selected = pos.min(self.ids.len().saturating_sub(1));
        let h = self.height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
    }

    /// Marks or unmarks the selected row.
    pub fn toggle_mark(&mut self) {
        if let Some(id) = self.selected_id() {
            if !self.marked.remove(&id) {
                self.marked.insert(id);
            }
            self.anchor = Some(self.selected);
        }
    }

    /// Marks every row from the last mark to the selection.
    pub fn mark_range(&mut self) {
        if self.ids.is_empty() {
            return;
        }
        let from = self.anchor.unwrap_or(self.selected);
        let (a, b) = if from <= self.selected { (from, self.selected) } else { (self.selected, from) };
        self.marked.extend(self.ids[a..=b.min(self.ids.len().saturating_sub(1))].iter().copied());
    }

    /// Whether the ids were given (a report's drill-down) rather than read from an index.
    pub fn is_pinned(&self) -> bool {
        self.pinned
    }

    /// Whether more ids are still being read.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Loads the ids (when needed) and the rows on screen: the only place a list reads the disk.
    pub fn refresh(&mut self, crm: &Arc<Crm>) -> Result<()> {
        if let Some(rx) = &self.loading
            && let Ok(ids) = rx.try_recv()
        {
            self.loading = None;
            self.take_ids(ids?);
        }
        if !self.loaded && self.pinned {
            self.loaded = true;
            self.rows.clear();
        }
        if !self.loaded {
            self.loaded = true;
            self.rows.clear();
            let total = crm.count(self.kind)?;
            self.total = total as usize;
            let scope = self.scope;
            if total <= READ_AT_ONCE {
                let mut ids = crm.ordered_ids(self.kind, self.order, self.reversed, usize::MAX)?;
                crm.keep_scope(self.kind, &mut ids, scope)?;
                self.take_ids(ids);
            } else {
                // The first screens now (when an index gives them cheaply); all of them from a worker.
                let mut first = if matches!(
                    self.order,
                    Order::Name
                        | Order::LastActivity
                        | Order::Status
                        | Order::CloseDate
                        | Order::NextStep
                        | Order::Recent
                        | Order::Due
                        | Order::Sla
                ) {
                    crm.ordered_ids(self.kind, self.order, self.reversed, self.offset + 4 * self.height.max(10))?
                } else {
                    self.ids.clone()
                };
                crm.keep_scope(self.kind, &mut first, scope)?;
                let (tx, rx) = std::sync::mpsc::channel();
                let (crm, kind, order, reversed) = (crm.clone(), self.kind, self.order, self.reversed);
                crate::tui::background::spawn(move || {
                    let ids = crm.ordered_ids(kind, order, reversed, usize::MAX).and_then(|mut ids| {
                        crm.keep_scope(kind, &mut ids, scope)?;
                        Ok(ids)
                    });
                    let _ = tx.send(ids);
                });
                self.loading = Some(rx);
                self.take_ids(first);
            }
        }
        let missing: Vec<Id> = self.on_screen().iter().copied().filter(|id| !self.rows.contains_key(id)).collect();
        if !missing.is_empty() {
            // Account names, read once each however many rows name the same account.
            let mut accounts: HashMap<Id, String> = HashMap::new();
            let mut account_name = |id: Option<Id>| -> String {
                let Some(a) = id else { return String::new() };
                accounts
                    .entry(a)
                    .or_insert_with(|| crm.find::<Account>(a).ok().flatten().map(|a| a.name).unwrap_or_default())
                    .clone()
            };
            // Owners by name, from the directory read once for these rows.
            let owners =
                if matches!(self.kind, Kind::Task | Kind::Case) { crm.directory()? } else { Default::default() };
            // Dates as the user writes them.
            let dates = crm.session().dates();
            for id in missing {
                let row = match self.kind {
                    Kind::Contact => crm.find::<Contact>(id)?.map(|c| {
                        let shown = self.emails_shown.and_then(|cell| {
                            c.emails.iter().find(|e| cell.holds(e.consent, e.validity)).map(|e| e.address.as_str())
                        });
                        vec![
                            c.full_name(),
                            account_name(c.account),
                            shown.or(c.primary_email()).unwrap_or_default().to_string(),
                            c.primary_phone().unwrap_or_default().to_string(),
                            c.country().unwrap_or_default().to_string(),
                            c.last_activity.map(|t| dates.show(t.local_date())).unwrap_or_default(),
                        ]
                    }),
                    Kind::Lead => crm.find::<Lead>(id)?.map(|l| {
                        let word = |w: Option<String>| crate::text::spoken(&w.unwrap_or_default());
                        vec![
                            l.full_name(),
                            l.company.clone().unwrap_or_default(),
                            l.email.clone().unwrap_or_default(),
                            word(l.source.clone()),
                            word(Some(l.status.to_string())),
                            word(l.rating.map(|r| r.to_string())),
                        ]
                    }),
                    Kind::Opportunity => crm.find::<Opportunity>(id)?.map(|o| {
                        let account = account_name(Some(o.account));
                        let stage = crm.find::<Stage>(o.stage).ok().flatten().map(|s| s.name).unwrap_or_default();
                        let step = match (&o.next_step, o.next_step_date) {
                            (Some(s), Some(d)) => format!("{} {s}", dates.show(d)),
                            (Some(s), None) => s.clone(),
                            _ => String::new(),
                        };
                        vec![
                            o.name.clone(),
                            account,
                            format!("{stage} ({}%)", o.probability),
                            format!("{} {}", o.amount.grouped(), o.currency),
                            dates.show(o.close_date),
                            step,
                        ]
                    }),
                    Kind::Call => crm.find::<Call>(id)?.map(|c| {
                        let person = crm.find::<Contact>(c.contact).ok().flatten();
                        let account = account_name(person.as_ref().and_then(|p| p.account));
                        vec![
                            dates.show_instant(c.started_at),
                            person.as_ref().map(|p| p.full_name()).unwrap_or_default(),
                            account,
                            person.as_ref().and_then(|p| p.country()).unwrap_or_default().to_string(),
                            c.direction.to_string(),
                            crate::model::format_duration(c.duration_secs),
                            c.outcome.to_string(),
                        ]
                    }),
                    Kind::Project => crm.find::<Project>(id)?.map(|p| {
                        let account = account_name(p.account);
                        let late = p.is_open() && p.due < crm.session().today();
                        vec![
                            p.name.clone(),
                            account,
                            format!("{}{}", dates.show(p.due), if late { "!" } else { "" }),
                            p.status.to_string(),
                            p.goal.clone().unwrap_or_default(),
                            p.goal_met.to_string(),
                        ]
                    }),
                    Kind::Task => crm.find::<crate::model::Task>(id)?.map(|t| {
                        let late = t.is_overdue(crm.session().today());
                        vec![
                            t.title.clone(),
                            format!(
                                "{}{}",
                                t.due.map(|d| dates.show(d)).unwrap_or_default(),
                                if late { "!" } else { "" }
                            ),
                            t.status.to_string(),
                            t.completed_at.map(|at| dates.show_instant(at)).unwrap_or_default(),
                            t.priority.to_string(),
                            owners.name_of(&t.owner).to_string(),
                        ]
                    }),
                    Kind::Product => crm.find::<Product>(id)?.map(|p| {
                        vec![
                            p.name.clone(),
                            p.sku.clone().unwrap_or_default(),
                            format!("{} {}", p.price.grouped(), p.currency),
                            if p.active { "yes" } else { "no (retired)" }.to_string(),
                        ]
                    }),
                    Kind::Email => crm.find::<crate::model::Message>(id)?.map(|m| {
                        let person = crm.find::<Contact>(m.contact).ok().flatten();
                        vec![
                            dates.show_instant(m.at),
                            format!("{} <{}>", person.map(|p| p.full_name()).unwrap_or_default(), m.to),
                            m.subject,
                            m.result.to_string(),
                        ]
                    }),
                    Kind::Case => crm.find::<crate::model::Case>(id)?.map(|c| {
                        vec![
                            c.number(),
                            c.priority.to_string(),
                            c.status.to_string(),
                            c.subject.clone(),
                            account_name(c.account),
                            owners.name_of(&c.owner).to_string(),
                            c.sla_words(crm.session().now()),
                        ]
                    }),
                    _ => crm.find::<Account>(id)?.map(|a| {
                        vec![
                            a.label(),
                            a.industry.unwrap_or_default(),
                            a.address.city.unwrap_or_default(),
                            a.address.country.unwrap_or_default(),
                            a.status.to_string(),
                        ]
                    }),
                };
                self.rows.insert(id, row.unwrap_or_else(|| vec![format!("#{id} (deleted)")]));
            }
        }
        Ok(())
    }

    /// Whether a filter hides some records.
    pub fn is_filtered(&self) -> bool {
        self.filtered.is_some()
    }

    /// Whether the filter kept only its best matches, and more records match.
    pub fn is_capped(&self) -> bool {
        matches!(self.filtered, Some((Pass::Ranked { capped: true, .. }, _)))
    }

    /// Shows only the records in `pass` (or, with `None`, every record again), from the top: the
    /// best (or first) row selected.
    pub fn set_filter(&mut self, text: &str, pass: Option<Pass>) {
        self.filter = text.to_string();
        let all = match self.filtered.take() {
            Some((_, all)) => all,
            None => std::mem::take(&mut self.ids),
        };
        self.filtered = pass.map(|p| (p, Vec::new()));
        self.to_top = true;
        self.take_ids(all);
    }

    /// Takes a (new) id list, keeping the selection on the same record when it is still there
    /// (or at the top after a new filter or order).
    fn take_ids(&mut self, ids: Vec<Id>) {
        let keep = self.selected_id().filter(|_| !self.to_top);
        let complete = !self.is_loading();
        self.ids = match &mut self.filtered {
            Some((Pass::Set(pass), all)) => {
                let shown = ids.iter().copied().filter(|id| pass.contains(id)).collect();
                *all = ids;
                shown
            }
            Some((Pass::Ranked { ids: ranked, .. }, all)) => {
                // Records not in the list (deleted since the filter ran, or out of its scope) are
                // not shown once every id is known; the matches are kept whole for the next ids.
                let shown = if complete {
                    let present: HashSet<Id> = ids.iter().copied().collect();
                    ranked.iter().copied().filter(|id| present.contains(id)).collect()
                } else {
                    ranked.clone()
                };
                *all = ids;
                shown
            }
            None => ids,
        };
        if !self.is_loading() {
            self.total = self.filtered.as_ref().map_or(self.ids.len(), |(_, all)| all.len());
        }
        if !self.marked.is_empty() {
            let present: std::collections::HashSet<Id> = self.ids.iter().copied().collect();
            self.marked.retain(|id| present.contains(id));
        }
        if std::mem::take(&mut self.to_top) {
            self.offset = 0;
            self.select(0);
            return;
        }
        let pos = keep.and_then(|id| self.ids.iter().position(|&x| x == id)).unwrap_or(self.selected);
        // Rows above the selection may have come or gone (another session's records): the view
        // moves with them, so the selected record stays where it was on screen, as far as the
        // rows fill the screen; a view at the top stays there, so what comes first (the newest
        // call) shows.
        let offset = if self.offset == 0 { 0 } else { (self.offset + pos).saturating_sub(self.selected) };
        self.offset = offset.min(self.ids.len().saturating_sub(self.height.max(1)));
        self.select(pos);
    }
}
