//! The rules every change of a record obeys, whichever command or front end makes it: they run
//! inside [`Tx::update`], so a generic edit, a bulk label or a stage move all meet them. A
//! converted lead stays as it was; a deal put in another stage takes what the stage implies; a
//! task never waits, through others, for itself.

use super::sales::place_in_stage;
use super::{Crm, CrmError, Result, Tx, label_of};
use crate::model::{
    Id, Kind, Lead, LeadConversion, Opportunity, Record, RecordRef, Stage, StageOutcome, Task, ValidationError,
};
use crate::store::Read;

/// `rec` as a record of type `T`, when it is one.
pub(super) fn as_kind<T: 'static, R: Record>(rec: &R) -> Option<&T> {
    (rec as &dyn std::any::Any).downcast_ref::<T>()
}

pub(super) fn as_kind_mut<T: 'static, R: Record>(rec: &mut R) -> Option<&mut T> {
    (rec as &mut dyn std::any::Any).downcast_mut::<T>()
}

impl Crm {
    /// Refuses, with the reason an edit would meet, a record that may not be edited (one the
    /// actor's level does not reach, a converted lead), so that a front end says so before
    /// opening a form rather than on saving.
    pub fn editable<R: Record>(&self, rec: &R) -> Result<()> {
        self.may(crate::model::Act::Edit, rec)?;
        match as_kind::<Lead, _>(rec).and_then(|l| l.converted.as_ref().map(|c| (l.id, c))) {
            Some((id, c)) => Err(converted(&self.reader()?, id, c)),
            None => Ok(()),
        }
    }
}

/// The refusal to edit converted lead `id`, naming what it became.
fn converted(r: &impl Read, id: Id, c: &LeadConversion) -> CrmError {
    let account = label_of(r, RecordRef::new(Kind::Account, c.account));
    let contact = label_of(r, RecordRef::new(Kind::Contact, c.contact));
    CrmError::ConvertedLead { lead: id, into: format!("{contact} at {account}") }
}

impl Tx<'_> {
    /// Applies the rules of a record's kind to a change from `old` (as stored) to `new`: may
    /// refuse it, complete it (a deal's status, probability and closing day follow its stage),
    /// or give it the summary the timeline shows (`moved from Lead to Won`).
    pub(super) fn change_rules<R: Record>(&mut self, old: &R, new: &mut R, summary: &mut Option<String>) -> Result<()> {
        if let (Some(old), Some(new)) = (as_kind::<Lead, _>(old), as_kind::<Lead, _>(new)) {
            self.lead_rules(old, new)?;
        }
        if let (Some(old), Some(new)) = (as_kind::<Opportunity, _>(old), as_kind_mut::<Opportunity, _>(new)) {
            self.stage_rules(old, new, summary)?;
        }
        if let (Some(old), Some(new)) = (as_kind::<Task, _>(old), as_kind::<Task, _>(new))
            && old.after != new.after
        {
            self.dependency_rules(new)?;
        }
        self.case_rules(Some(old), new, summary)
    }

    /// Refuses a task that would wait, through the tasks it waits for, for itself, naming the
    /// circle: the shortest one, found breadth first along what each task waits for.
    fn dependency_rules(&self, task: &Task) -> Result<()> {
        use std::collections::{HashMap, VecDeque};
        if task.after.contains(&task.id) {
            return Err(ValidationError::new("after", format!("task {} cannot wait for itself", task.id)).into());
        }
        let mut came_from: HashMap<Id, Id> = HashMap::new();
        let mut queue: VecDeque<Id> = VecDeque::new();
        for &first in &task.after {
            if came_from.insert(first, task.id).is_none() {
                queue.push_back(first);
            }
        }
        while let Some(id) = queue.pop_front() {
            if id == task.id {
                // Back from the task itself along who led to whom: the circle in waiting order.
                let mut circle = vec![task.id];
                let mut at = came_from[&task.id];
                while at != task.id {
                    circle.push(at);
                    at = came_from[&at];
                }
                circle.push(task.id);
                let last = circle.len() - 1;
                circle[1..last].reverse();
                let name = |id: Id| match id == task.id {
                    true => format!("#{id} {}", task.title),
                    false => self.get::<Task>(id).map(|t| format!("#{id} {}", t.title)).unwrap_or(format!("#{id}")),
                };
                let words: Vec<String> = circle.into_iter().map(name).collect();
                let message = format!(
                    "would make a circle of tasks waiting for each other: {} (each waits for the next): take one out",
                    words.join(" → ")
                );
                return Err(ValidationError::new("after", message).into());
            }
            let Ok(next) = self.get::<Task>(id) else { continue };
            for &further in &next.after {
                if let std::collections::hash_map::Entry::Vacant(e) = came_from.entry(further) {
                    e.insert(id);
                    queue.push_back(further);
                }
            }
        }
        Ok(())
    }

    /// A converted lead is read-only: what it said is kept as it was, and the records it became
    /// are edited instead. Only what the service keeps in step may change (its campaign or deal
    /// link when those are deleted, its lead source when the list is renamed, its owner).
    fn lead_rules(&self, old: &Lead, new: &Lead) -> Result<()> {
        let Some(c) = &old.converted else { return Ok(()) };
        let upkeep = Lead {
            campaign: new.campaign,
            converted: new.converted,
            source: new.source.clone(),
            owner: new.owner.clone(),
            updated: new.updated,
            ..old.clone()
        };
        if upkeep == *new {
            return Ok(());
        }
        Err(converted(&self.w, old.id, c))
    }

    /// A deal put in another stage takes the stage's status and (unless set by hand) its
    /// probability, closes on today when the stage closes it, needs a reason to be lost, and
    /// says where it moved from.
    fn stage_rules(&mut self, old: &Opportunity, new: &mut Opportunity, summary: &mut Option<String>) -> Result<()> {
        if old.stage == new.stage {
            return Ok(());
        }
        let stage = self
            .get::<Stage>(new.stage)
            .map_err(|_| ValidationError::new("stage", format!("stage {} does not exist", new.stage)))?;
        let from = self.get::<Stage>(old.stage).map(|s| s.name).unwrap_or_default();
        let lost_reason = new.lost_reason.take().filter(|r| !r.trim().is_empty());
        place_in_stage(new, &stage, self.now.local_date());
        if stage.outcome == StageOutcome::Lost {
            if lost_reason.is_none() {
                let m = format!("is required to mark a deal lost: run rolo opp lose {} --reason TEXT", new.id);
                return Err(ValidationError::new("reason", m).into());
            }
            new.lost_reason = lost_reason;
        }
        summary.get_or_insert_with(|| format!("moved from {from} to {}", stage.name));
        Ok(())
    }
}
