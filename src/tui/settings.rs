//! The settings screen: the pipeline's stages in board order, with how many deals each holds,
//! and the built-in lead sources. Stages are added, renamed, re-weighted, reordered and removed
//! here; the board follows.

use crate::crm::{Crm, Result};
use crate::model::{Kind, LeadSource, RecordRef, Stage};
use crate::store::Read;

/// The state of the settings screen.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Every stage in board order, with the number of deals in it.
    pub stages: Vec<(Stage, usize)>,
    /// The selected stage.
    pub selected: usize,
    /// Whether the stages must be read again.
    stale: bool,
}

impl Settings {
    /// A screen to be read when first shown.
    pub fn new() -> Settings {
        Settings { stale: true, ..Default::default() }
    }

    /// Marks the stages for reading again (after a write).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Reads the stages and their deal counts (through the stage index) when stale.
    pub fn prepare(&mut self, crm: &Crm) -> Result<()> {
        if !self.stale {
            return Ok(());
        }
        let r = crm.reader()?;
        let mut stages = Vec::new();
        for s in crm.stages()? {
            let deals = r.linking(RecordRef::new(Kind::Stage, s.id), Kind::Opportunity)?.len();
            stages.push((s, deals));
        }
        self.stages = stages;
        self.selected = self.selected.min(self.stages.len().saturating_sub(1));
        self.stale = false;
        Ok(())
    }

    /// The selected stage and its deal count.
    pub fn current(&self) -> Option<&(Stage, usize)> {
        self.stages.get(self.selected)
    }

    /// Moves the selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.stages.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    /// The lead sources rolo knows, as people read them.
    pub fn lead_sources() -> Vec<String> {
        LeadSource::ALL.iter().map(|s| s.word().replace('_', " ")).collect()
    }
}
