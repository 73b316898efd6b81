//! The settings screen: the pipeline's stages in board order, with how many deals each holds,
//! and the lead sources, with how many leads and deals carry each. Both lists are edited here
//! (added, renamed, reordered, removed); `Tab` moves between them.

use crate::crm::{Crm, Result, SourceUse};
use crate::model::{Kind, RecordRef, Stage};

/// The state of the settings screen.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Every stage in board order, with the number of deals in it.
    pub stages: Vec<(Stage, usize)>,
    /// The selected stage.
    pub selected: usize,
    /// Every lead source in picker order, with the leads and deals that carry it.
    pub sources: Vec<SourceUse>,
    /// The selected lead source.
    pub source_selected: usize,
    /// Whether the keys act on the lead sources (else on the stages).
    pub on_sources: bool,
    /// Whether the lists must be read again.
    stale: bool,
}

impl Settings {
    /// A screen to be read when first shown.
    pub fn new() -> Settings {
        Settings { stale: true, ..Default::default() }
    }

    /// Marks the lists for reading again (after a write).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Reads the stages with their deal counts (through the stage index) and the lead sources
    /// with their use, when stale.
    pub fn prepare(&mut self, crm: &Crm) -> Result<()> {
        if !self.stale {
            return Ok(());
        }
        let mut stages = Vec::new();
        for s in crm.stages()? {
            let deals = crm.linking_ids(RecordRef::new(Kind::Stage, s.id), Kind::Opportunity)?.len();
            stages.push((s, deals));
        }
        self.stages = stages;
        self.sources = crm.lead_source_use()?;
        self.selected = self.selected.min(self.stages.len().saturating_sub(1));
        self.source_selected = self.source_selected.min(self.sources.len().saturating_sub(1));
        self.stale = false;
        Ok(())
    }

    /// The selected stage and its deal count.
    pub fn current(&self) -> Option<&(Stage, usize)> {
        self.stages.get(self.selected)
    }

    /// The selected lead source and its use.
    pub fn current_source(&self) -> Option<&SourceUse> {
        self.sources.get(self.source_selected)
    }

    /// Moves the selection of the list in focus, clamped.
    pub fn move_by(&mut self, delta: isize) {
        let (selected, len) = if self.on_sources {
            (&mut self.source_selected, self.sources.len())
        } else {
            (&mut self.selected, self.stages.len())
        };
        *selected = super::stepped(*selected, delta, len);
    }

    /// Where the selection of the list in focus would go one step up or down, if it can move.
    pub fn neighbour(&self, up: bool) -> Option<usize> {
        let (selected, len) = if self.on_sources {
            (self.source_selected, self.sources.len())
        } else {
            (self.selected, self.stages.len())
        };
        let to = if up { selected.checked_sub(1)? } else { selected + 1 };
        (to < len).then_some(to)
    }
}
