//! Editing the pipeline: adding, renaming, reordering and deleting stages. Each command is one
//! write transaction; stage orders are kept as 1..=n in board order, and only the stages whose
//! order changes are written (and audited).

use super::sales::find_stage;
use super::{Crm, CrmError, Result, Tx};
use crate::model::{Id, Kind, Opportunity, RecordRef, Stage, StageOutcome, ValidationError};
use crate::store::Read;

impl Crm {
    /// The stage named `text` (any case) or, failing that, the stage whose id is `text`: how
    /// commands that act on a stage name it. An unknown one is an error on "stage" listing the
    /// names.
    pub fn stage_by_name_or_id(&self, text: &str) -> Result<Stage> {
        let stages = self.stages()?;
        let by_id = text.trim().parse::<Id>().ok().and_then(|id| stages.iter().find(|s| s.id == id).cloned());
        find_stage(&stages, text).or_else(|e| by_id.ok_or(e))
    }

    /// Adds a pipeline stage. The name must be new (ignoring case and outer spaces). `position`
    /// counts from 0 among the stages in board order (at most the number of stages); by default
    /// an open stage goes before the first won or lost stage and a closed one at the end.
    /// Without a `probability`, a won stage gets 100, a lost one 0 and an open one that of the
    /// open stage before it (0 if none). Stages after it move down one.
    pub fn add_stage(
        &self,
        name: &str,
        probability: Option<u8>,
        outcome: StageOutcome,
        position: Option<usize>,
    ) -> Result<Stage> {
        self.write(|tx| tx.settings_change(|tx| tx.add_stage(name, probability, outcome, position)))
    }

    /// Renames a stage (the new name must be free) and/or changes its default probability.
    /// When the default changes, every open deal in the stage whose probability was not set by
    /// hand (`probability_manual == false`) takes the new default, each change audited on the
    /// deal; deals with a probability set by hand keep theirs.
    pub fn edit_stage(&self, id: Id, name: Option<String>, probability: Option<u8>) -> Result<Stage> {
        self.write(|tx| tx.settings_change(|tx| tx.edit_stage(id, name, probability)))
    }

    /// Moves a stage to `position` (from 0, in board order) and renumbers the rest; returns every
    /// stage in the new order.
    pub fn move_stage(&self, id: Id, position: usize) -> Result<Vec<Stage>> {
        self.write(|tx| tx.settings_change(|tx| tx.move_stage(id, position)))
    }

    /// Deletes a stage and returns how many deals it moved. Deals in the stage need somewhere
    /// to go: `move_to` is then required, and each deal moves there as `rolo opp move` would
    /// (status and probability follow that stage; into a lost stage, a deal without a lost
    /// reason gets "stage NAME removed"). The pipeline keeps at least one open, one won and one
    /// lost stage, so deleting the last of any is refused.
    pub fn delete_stage(&self, id: Id, move_to: Option<Id>) -> Result<usize> {
        self.write(|tx| tx.settings_change(|tx| tx.delete_stage(id, move_to)))
    }
}

impl Tx<'_> {
    /// Every stage in board order, as this transaction sees them.
    pub fn stages(&self) -> Result<Vec<Stage>> {
        let mut stages = self.read().all::<Stage>(|_| true)?;
        stages.sort_by_key(|s| (s.order, s.id));
        Ok(stages)
    }

    /// Gives `stage` this order, writing it only when it changes.
    fn set_order(&mut self, mut stage: Stage, order: u32) -> Result<Stage> {
        if stage.order == order {
            return Ok(stage);
        }
        stage.order = order;
        self.update(stage, None)
    }

    /// Numbers `stages` (already in their new board order) 1..=n.
    fn renumber(&mut self, stages: Vec<Stage>) -> Result<Vec<Stage>> {
        let mut out = Vec::with_capacity(stages.len());
        for (i, stage) in stages.into_iter().enumerate() {
            out.push(self.set_order(stage, i as u32 + 1)?);
        }
        Ok(out)
    }

    /// See [`Crm::add_stage`].
    pub fn add_stage(
        &mut self,
        name: &str,
        probability: Option<u8>,
        outcome: StageOutcome,
        position: Option<usize>,
    ) -> Result<Stage> {
        let name = name.trim();
        let stages = self.stages()?;
        check_free(&stages, name, None)?;
        let n = stages.len();
        let position = match position {
            Some(p) if p > n => {
                return Err(ValidationError::new(
                    "position",
                    format!("{} is past the end: use 1 to {}", p.saturating_add(1), n + 1),
                )
                .into());
            }
            Some(p) => p,
            None if outcome == StageOutcome::Open => {
                stages.iter().position(|s| s.outcome != StageOutcome::Open).unwrap_or(n)
            }
            None => n,
        };
        let probability = probability.unwrap_or_else(|| match outcome {
            StageOutcome::Won => 100,
            StageOutcome::Lost => 0,
            StageOutcome::Open => {
                stages[..position].iter().rev().find(|s| s.outcome == StageOutcome::Open).map_or(0, |s| s.probability)
            }
        });
        // Make room first, then insert: a new stage that fails its checks keeps none of this.
        for (i, stage) in stages.into_iter().enumerate() {
            let order = if i < position { i + 1 } else { i + 2 };
            self.set_order(stage, order as u32)?;
        }
        let stage = Stage { name: name.into(), order: position as u32 + 1, probability, outcome, ..Default::default() };
        self.create(stage)
    }

    /// See [`Crm::edit_stage`].
    pub fn edit_stage(&mut self, id: Id, name: Option<String>, probability: Option<u8>) -> Result<Stage> {
        let mut stage: Stage = self.get(id)?;
        if let Some(name) = name {
            let name = name.trim();
            check_free(&self.stages()?, name, Some(id))?;
            stage.name = name.into();
        }
        let follow = probability.filter(|&p| p != stage.probability);
        if let Some(p) = probability {
            stage.probability = p;
        }
        let stage = self.update(stage, None)?;
        if let Some(p) = follow {
            for deal in self.index()?.linking(RecordRef::new(Kind::Stage, id), Kind::Opportunity)? {
                let mut opp: Opportunity = self.get(deal)?;
                if opp.status != StageOutcome::Open || opp.probability_manual || opp.probability == p {
                    continue;
                }
                opp.probability = p;
                self.update(opp, Some(format!("probability follows stage {} ({p}%)", stage.name)))?;
            }
        }
        Ok(stage)
    }

    /// See [`Crm::move_stage`].
    pub fn move_stage(&mut self, id: Id, position: usize) -> Result<Vec<Stage>> {
        let mut stages = self.stages()?;
        let from = stages.iter().position(|s| s.id == id).ok_or(CrmError::NotFound(RecordRef::new(Kind::Stage, id)))?;
        if position >= stages.len() {
            let message = format!("{} is past the end: use 1 to {}", position.saturating_add(1), stages.len());
            return Err(ValidationError::new("position", message).into());
        }
        let stage = stages.remove(from);
        stages.insert(position, stage);
        self.renumber(stages)
    }

    /// See [`Crm::delete_stage`].
    pub fn delete_stage(&mut self, id: Id, move_to: Option<Id>) -> Result<usize> {
        let stage: Stage = self.get(id)?;
        if move_to == Some(id) {
            let message = format!("is {}, the stage being deleted: pick another stage", stage.name);
            return Err(ValidationError::new("move-to", message).into());
        }
        let target = move_to.map(|t| self.get::<Stage>(t)).transpose()?;
        // Deleting a stage never wins its deals: booking revenue takes a move of its own. (Its
        // deals may be dropped into a lost stage, which records why.)
        if let Some(target) =
            target.as_ref().filter(|t| t.outcome == StageOutcome::Won && stage.outcome != StageOutcome::Won)
        {
            let message = format!(
                "is {}, a won stage: deleting {} would win its deals; move them to another stage, or win them one by one",
                target.name, stage.name
            );
            return Err(ValidationError::new("move-to", message).into());
        }
        let stages = self.stages()?;
        let outcome = stage.outcome;
        if stages.iter().filter(|s| s.outcome == outcome).count() <= 1 {
            return Err(CrmError::LastStage { stage: stage.name, outcome });
        }
        let deals = self.index()?.linking(RecordRef::new(Kind::Stage, id), Kind::Opportunity)?;
        if let Some(target) = &target {
            for &deal in &deals {
                let mut opp: Opportunity = self.get(deal)?;
                opp.stage = target.id;
                if target.outcome == StageOutcome::Lost
                    && opp.lost_reason.as_deref().is_none_or(|r| r.trim().is_empty())
                {
                    opp.lost_reason = Some(format!("stage {} removed", stage.name));
                }
                self.update(opp, None)?;
            }
        } else if !deals.is_empty() {
            let deals = crate::text::count(deals.len(), "deal is", "deals are");
            return Err(CrmError::StageInUse { stage: stage.name, deals });
        }
        self.delete::<Stage>(id)?;
        self.renumber(stages.into_iter().filter(|s| s.id != id).collect())?;
        Ok(deals.len())
    }
}

/// Refuses `name` when another stage (not `except`) already has it, ignoring case and outer
/// spaces.
fn check_free(stages: &[Stage], name: &str, except: Option<Id>) -> Result<()> {
    let wanted = name.trim().to_lowercase();
    match stages.iter().find(|s| Some(s.id) != except && s.name.trim().to_lowercase() == wanted) {
        Some(s) if !wanted.is_empty() => {
            Err(ValidationError::new("name", format!("a stage called {} already exists: pick another name", s.name))
                .into())
        }
        _ => Ok(()),
    }
}
