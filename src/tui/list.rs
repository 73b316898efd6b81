//! A scrolling list of one kind of record (contacts, accounts) over any number of rows: it keeps
//! the ordered ids, and the loop fills in only the rows on screen before each frame.

use std::collections::{BTreeSet, HashMap};

use crate::crm::{Crm, Result};
use crate::model::{Account, Contact, Id, Kind, Record};
use crate::store::{Read, SortField};

/// Orders a list can take, each backed by an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By name, A to Z.
    Name,
    /// Most recent activity first (contacts).
    LastActivity,
}

impl Order {
    fn label(self) -> &'static str {
        match self {
            Order::Name => "name",
            Order::LastActivity => "last activity",
        }
    }
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
}

impl RecordList {
    /// An empty list of `kind`, to be loaded.
    pub fn new(kind: Kind) -> RecordList {
        RecordList {
            kind,
            ids: Vec::new(),
            selected: 0,
            offset: 0,
            height: 20,
            rows: HashMap::new(),
            marked: BTreeSet::new(),
            anchor: None,
            order: Order::Name,
            reversed: false,
            loaded: false,
        }
    }

    /// Column titles.
    pub fn headers(&self) -> &'static [&'static str] {
        match self.kind {
            Kind::Contact => &["NAME", "ACCOUNT", "EMAIL", "PHONE", "COUNTRY", "LAST ACTIVITY"],
            _ => &["NAME", "INDUSTRY", "CITY", "COUNTRY", "STATUS"],
        }
    }

    /// What the header says about the order.
    pub fn order_label(&self) -> String {
        format!("by {}{}", self.order.label(), if self.reversed { ", reversed" } else { "" })
    }

    /// The orders this kind offers.
    fn orders(&self) -> &'static [Order] {
        match self.kind {
            Kind::Contact => &[Order::Name, Order::LastActivity],
            _ => &[Order::Name],
        }
    }

    /// Moves to the next order.
    pub fn next_order(&mut self) {
        let orders = self.orders();
        let i = orders.iter().position(|&o| o == self.order).unwrap_or(0);
        self.order = orders[(i + 1) % orders.len()];
        self.loaded = false;
    }

    /// Reverses the order.
    pub fn reverse(&mut self) {
        self.reversed = !self.reversed;
        self.loaded = false;
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
        let last = self.ids.len() as isize - 1;
        self.select((self.selected as isize + delta).clamp(0, last) as usize);
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
        let from = self.anchor.unwrap_or(self.selected);
        let (a, b) = if from <= self.selected { (from, self.selected) } else { (self.selected, from) };
        self.marked.extend(self.ids[a..=b.min(self.ids.len().saturating_sub(1))].iter().copied());
    }

    /// Loads the ids (when needed) and the rows on screen: the only place a list reads the disk.
    pub fn prepare(&mut self, crm: &Crm) -> Result<()> {
        if !self.loaded {
            let keep = self.selected_id();
            self.ids = self.load_ids(crm)?;
            self.loaded = true;
            self.rows.clear();
            self.marked.retain(|id| self.ids.contains(id));
            let pos = keep.and_then(|id| self.ids.iter().position(|&x| x == id)).unwrap_or(0);
            self.offset = self.offset.min(self.ids.len().saturating_sub(1));
            self.select(pos);
        }
        let end = (self.offset + self.height.max(1)).min(self.ids.len());
        let missing: Vec<Id> =
            self.ids[self.offset.min(end)..end].iter().copied().filter(|id| !self.rows.contains_key(id)).collect();
        if !missing.is_empty() {
            let r = crm.reader()?;
            let mut accounts: HashMap<Id, String> = HashMap::new();
            for id in missing {
                let row = match self.kind {
                    Kind::Contact => r.get::<Contact>(id)?.map(|c| {
                        let account = c
                            .account
                            .map(|a| {
                                accounts
                                    .entry(a)
                                    .or_insert_with(|| {
                                        r.get::<Account>(a).ok().flatten().map(|a| a.name).unwrap_or_default()
                                    })
                                    .clone()
                            })
                            .unwrap_or_default();
                        vec![
                            c.full_name(),
                            account,
                            c.primary_email().unwrap_or_default().to_string(),
                            c.primary_phone().unwrap_or_default().to_string(),
                            c.country().unwrap_or_default().to_string(),
                            c.last_activity.map(|t| t.local_date().to_string()).unwrap_or_default(),
                        ]
                    }),
                    _ => r.get::<Account>(id)?.map(|a| {
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

    fn load_ids(&self, crm: &Crm) -> Result<Vec<Id>> {
        let r = crm.reader()?;
        let by_name = r.sorted(self.kind, SortField::Name, &[], None, self.reversed, usize::MAX)?;
        Ok(match self.order {
            Order::Name => by_name,
            Order::LastActivity => {
                // Most recent first; people never contacted come last.
                let mut ids = r.sorted(self.kind, SortField::Time, &[], None, !self.reversed, usize::MAX)?;
                let seen: std::collections::HashSet<Id> = ids.iter().copied().collect();
                ids.extend(by_name.into_iter().filter(|id| !seen.contains(id)));
                ids
            }
        })
    }
}
