//! The task lists: Today, Overdue, Upcoming, All and Done, each with a count. Ids come from the
//! task index; only the rows on screen are read. A scope (project, owner, account) narrows all
//! five.

use std::collections::HashMap;

use crate::crm::{Crm, DueContact, Result, TaskFilter};
use crate::model::{Account, Contact, Id, Kind, Project, RecordRef, Task};
use crate::store::Read;

/// The sections, in tab order, with their names.
pub const SECTIONS: [(TaskFilter, &str); 5] = [
    (TaskFilter::Today, "Today"),
    (TaskFilter::Overdue, "Overdue"),
    (TaskFilter::Upcoming, "Upcoming"),
    (TaskFilter::All, "All"),
    (TaskFilter::Done, "Done"),
];

/// The section after the task sections: contacts due for a call by their cadence.
pub const DUE: usize = SECTIONS.len();

/// Every section's name, the task sections then "Due to contact".
pub fn section_names() -> impl Iterator<Item = &'static str> {
    SECTIONS.iter().map(|(_, n)| *n).chain(["Due to contact"])
}

/// A task as a row shows it.
#[derive(Debug, Clone)]
pub struct TaskRow {
    /// The task.
    pub task: Task,
    /// What it is about: the name of its deal, contact, account, lead or project.
    pub related: String,
}

/// What the lists are narrowed to (parts of names, any case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskScope {
    /// The task's project name holds this.
    pub project: Option<String>,
    /// The task's owner is this.
    pub owner: Option<String>,
    /// The task's account name (or its contact's) holds this.
    pub account: Option<String>,
    /// The task's title holds these words (typed without a key).
    pub words: Option<String>,
}

impl TaskScope {
    /// Reads `project:NAME owner:NAME account:NAME` (any subset) and plain words for the title;
    /// empty text clears it.
    pub fn parse(text: &str) -> std::result::Result<TaskScope, String> {
        let mut s = TaskScope::default();
        let mut words = Vec::new();
        for word in text.split_whitespace() {
            let Some((k, v)) = word.split_once(':') else {
                words.push(word.to_lowercase());
                continue;
            };
            let v = Some(v.to_lowercase());
            match k {
                "project" => s.project = v,
                "owner" => s.owner = v,
                "account" => s.account = v,
                other => return Err(format!("'{other}' is not a task filter: use project, owner or account")),
            }
        }
        s.words = (!words.is_empty()).then(|| words.join(" "));
        Ok(s)
    }

    /// Whether nothing is narrowed.
    pub fn is_empty(&self) -> bool {
        *self == TaskScope::default()
    }

    /// The scope as it was typed, to show and edit again.
    pub fn text(&self) -> String {
        let keyed = [("project", &self.project), ("owner", &self.owner), ("account", &self.account)];
        let mut parts: Vec<String> = keyed.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}:{v}"))).collect();
        parts.extend(self.words.clone());
        parts.join(" ")
    }

    fn keeps(&self, r: &impl Read, t: &Task) -> Result<bool> {
        let name_of = |kind: Kind, id: Option<Id>| -> Result<String> {
            Ok(match (kind, id) {
                (Kind::Project, Some(id)) => r.get::<Project>(id)?.map(|p| p.name).unwrap_or_default(),
                (_, Some(id)) => r.get::<Account>(id)?.map(|a| a.name).unwrap_or_default(),
                _ => String::new(),
            })
        };
        let holds = |name: String, part: &str| name.to_lowercase().contains(part);
        let account = match (t.account, t.contact) {
            (Some(a), _) => Some(a),
            (None, Some(c)) => r.get::<Contact>(c)?.and_then(|c| c.account),
            _ => None,
        };
        let title = t.title.to_lowercase();
        Ok(self.owner.as_ref().is_none_or(|o| t.owner.eq_ignore_ascii_case(o))
            && self.words.as_ref().is_none_or(|w| w.split(' ').all(|w| title.contains(w)))
            && match &self.project {
                Some(p) => holds(name_of(Kind::Project, t.project)?, p),
                None => true,
            }
            && match &self.account {
                Some(a) => holds(name_of(Kind::Account, account)?, a),
                None => true,
            })
    }
}

/// The state of the Tasks screen.
#[derive(Debug, Clone, Default)]
pub struct TaskLists {
    /// The section shown (an index into [`SECTIONS`]).
    pub section: usize,
    /// How many tasks each section holds (and contacts, the last).
    pub counts: [usize; 6],
    /// The contacts due to be contacted (the last section).
    pub due: Vec<DueContact>,
    /// Whether the due count is fresh (it is read only while that section is shown).
    pub due_counted: bool,
    /// The ids of the section shown, in order.
    pub ids: Vec<Id>,
    /// Rows read so far.
    rows: HashMap<Id, TaskRow>,
    /// The selected position.
    pub selected: usize,
    /// Rows that fit on screen.
    pub height: usize,
    /// What the lists are narrowed to.
    pub scope: TaskScope,
    stale: bool,
}

impl TaskLists {
    /// Lists to be read when first shown, on Today.
    pub fn new() -> TaskLists {
        TaskLists { stale: true, height: 20, ..Default::default() }
    }

    /// Marks the lists for reading again (after a write).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Reads the counts and the section's ids when stale, and the rows on screen.
    pub fn prepare(&mut self, crm: &Crm) -> Result<()> {
        let today = crm.session().today();
        if self.stale {
            let keep = self.selected_id();
            // A scope is checked once per task, then applies to every section.
            let kept = if self.scope.is_empty() { None } else { Some(self.in_scope(crm)?) };
            for (i, (filter, _)) in SECTIONS.iter().enumerate() {
                let mut ids = crm.task_ids(*filter, today)?;
                if let Some(kept) = &kept {
                    ids.retain(|id| kept.contains(id));
                }
                self.counts[i] = ids.len();
                if i == self.section {
                    self.ids = ids;
                }
            }
            // Finding who is due reads every contact: only when that section is on screen.
            self.due_counted = self.section == DUE;
            if self.due_counted {
                self.due = crm.due_to_contact(today)?;
                self.counts[DUE] = self.due.len();
                self.ids = self.due.iter().map(|d| d.contact).collect();
            }
            self.rows.clear();
            self.stale = false;
            self.selected = keep
                .and_then(|id| self.ids.iter().position(|&x| x == id))
                .unwrap_or(self.selected)
                .min(self.ids.len().saturating_sub(1));
        }
        let (from, to) = self.window();
        let missing: Vec<Id> = self.ids[from..to].iter().copied().filter(|id| !self.rows.contains_key(id)).collect();
        if !missing.is_empty() && self.section != DUE {
            let r = crm.reader()?;
            for id in missing {
                if let Some(task) = r.get::<Task>(id)? {
                    let related = related(&r, &task);
                    self.rows.insert(id, TaskRow { task, related });
                }
            }
        }
        Ok(())
    }

    /// The positions on screen: from the first to past the last.
    pub fn window(&self) -> (usize, usize) {
        let from = self.selected.saturating_sub(self.height.saturating_sub(1));
        (from.min(self.ids.len()), (from + self.height.max(1)).min(self.ids.len()))
    }

    /// The row of `id`, once read.
    pub fn row(&self, id: Id) -> Option<&TaskRow> {
        self.rows.get(&id)
    }

    /// The selected task's id.
    pub fn selected_id(&self) -> Option<Id> {
        self.ids.get(self.selected).copied()
    }

    /// The selected task, if its row is read.
    pub fn selected_task(&self) -> Option<&Task> {
        self.selected_id().and_then(|id| self.rows.get(&id)).map(|r| &r.task)
    }

    /// Moves the selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = super::stepped(self.selected, delta, self.ids.len());
    }

    /// The ids of every task the scope keeps.
    fn in_scope(&self, crm: &Crm) -> Result<std::collections::HashSet<Id>> {
        let r = crm.reader()?;
        let mut kept = std::collections::HashSet::new();
        for id in crm.task_ids(TaskFilter::All, crm.session().today())? {
            if let Some(t) = r.get::<Task>(id)?
                && self.scope.keeps(&r, &t)?
            {
                kept.insert(id);
            }
        }
        Ok(kept)
    }

    /// The record the selected row is: a task, or a contact in "Due to contact".
    pub fn selected_ref(&self) -> Option<RecordRef> {
        let kind = if self.section == DUE { Kind::Contact } else { Kind::Task };
        self.selected_id().map(|id| RecordRef::new(kind, id))
    }

    /// Shows the next (or previous) section.
    pub fn next_section(&mut self, back: bool) {
        let n = SECTIONS.len() + 1;
        self.section = if back { (self.section + n - 1) % n } else { (self.section + 1) % n };
        self.selected = 0;
        self.stale = true;
    }

    /// Narrows the lists.
    pub fn set_scope(&mut self, scope: TaskScope) {
        self.scope = scope;
        self.selected = 0;
        self.stale = true;
    }
}

fn related(r: &impl Read, t: &Task) -> String {
    t.about().map(|target| format!("{} {}", target.kind, crate::crm::label_of(r, target))).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_from_key_value_words() {
        let s = TaskScope::parse("project:Rollout owner:ann").unwrap();
        assert_eq!((s.project.as_deref(), s.owner.as_deref()), (Some("rollout"), Some("ann")));
        assert_eq!(s.text(), "project:rollout owner:ann");
        assert!(TaskScope::parse("colour:red").unwrap_err().contains("not a task filter"));
        assert_eq!(TaskScope::parse("Send owner:ann").unwrap().words.as_deref(), Some("send"));
        assert!(TaskScope::parse("").unwrap().is_empty());
    }
}
