//! The projects report: projects due in a period by state (on track, overdue, done...).

use serde::{Deserialize, Serialize};

use super::chart::{Bucket, Chart, ChartView, Unit, measure, row};
use super::{ReportQuery, ids_by_date, period_words};
use crate::crm::{Crm, Result};
use crate::model::{Date, GoalMet, Id, Kind, Project, ProjectStatus};
use crate::store::Read;
use crate::text::spoken;

/// Where a project stands, for the projects report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectState {
    /// Open (active or on hold) and due today or later.
    OnTrack,
    /// Open and due before today.
    Overdue,
    /// Done, goal met.
    GoalMet,
    /// Done, goal missed (or not recorded).
    GoalMissed,
    /// Cancelled.
    Cancelled,
}

impl ProjectState {
    /// Every state, in report order.
    pub const ALL: [ProjectState; 5] = [
        ProjectState::OnTrack,
        ProjectState::Overdue,
        ProjectState::GoalMet,
        ProjectState::GoalMissed,
        ProjectState::Cancelled,
    ];

    /// The word used in JSON and CSV.
    pub fn word(self) -> &'static str {
        match self {
            ProjectState::OnTrack => "on_track",
            ProjectState::Overdue => "overdue",
            ProjectState::GoalMet => "goal_met",
            ProjectState::GoalMissed => "goal_missed",
            ProjectState::Cancelled => "cancelled",
        }
    }

    /// The state of `p` on `today`.
    pub fn of(p: &Project, today: Date) -> ProjectState {
        match p.status {
            ProjectStatus::Done if p.goal_met == GoalMet::Yes => ProjectState::GoalMet,
            ProjectStatus::Done => ProjectState::GoalMissed,
            ProjectStatus::Cancelled => ProjectState::Cancelled,
            _ if p.due < today => ProjectState::Overdue,
            _ => ProjectState::OnTrack,
        }
    }
}

/// Every project's due date and state, and how many are in each state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectsReport {
    /// First due date counted (none: no lower bound).
    pub from: Option<Date>,
    /// Last due date counted (none: no upper bound).
    pub to: Option<Date>,
    /// The day "overdue" is measured against.
    pub today: Date,
    /// How many projects are in each state, in [`ProjectState::ALL`] order (every state listed).
    pub counts: Vec<StateCount>,
    /// How many projects in all.
    pub total: u32,
    /// The projects, by due date.
    pub projects: Vec<ProjectRow>,
}

/// One state and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateCount {
    /// The state.
    pub state: ProjectState,
    /// How many projects are in it.
    pub count: u32,
}

/// One project of the projects report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRow {
    /// Its id.
    pub id: Id,
    /// Its name.
    pub name: String,
    /// When it is due.
    pub due: Date,
    /// Where it stands.
    pub state: ProjectState,
}

impl Crm {
    /// Every project due in the period (default: all of them), read through the due-date index.
    pub fn projects_report(&self, query: ReportQuery) -> Result<ProjectsReport> {
        self.projects_report_on(query, self.session().today())
    }

    /// [`Crm::projects_report`] with "today" given, for reproducible reports and tests.
    pub fn projects_report_on(&self, query: ReportQuery, today: Date) -> Result<ProjectsReport> {
        query.check()?;
        let r = self.reader()?;
        let projects: Vec<Project> = r.many(&ids_by_date(&r, Kind::Project, query.from, query.to)?)?;
        let rows: Vec<ProjectRow> = projects
            .into_iter()
            .map(|p| ProjectRow { id: p.id, state: ProjectState::of(&p, today), due: p.due, name: p.name })
            .collect();
        let counts = ProjectState::ALL
            .iter()
            .map(|&state| StateCount { state, count: rows.iter().filter(|p| p.state == state).count() as u32 })
            .collect();
        Ok(ProjectsReport { from: query.from, to: query.to, today, counts, total: rows.len() as u32, projects: rows })
    }
}

// ---------------------------------------------------------------------------------------------

impl Chart {
    /// Projects by state.
    pub fn projects(r: &ProjectsReport) -> Chart {
        let rows = r
            .counts
            .iter()
            .map(|c| {
                let b = Bucket::Projects { from: r.from, to: r.to, today: r.today, state: c.state };
                row(spoken(c.state.word()), vec![Some(i64::from(c.count))], vec![Some(b)])
            })
            .collect();
        Chart {
            title: format!("Projects due {}, as of {}", period_words(r.from, r.to), r.today),
            from: r.from,
            to: r.to,
            currency: None,
            views: vec![ChartView { name: "by state".into(), measures: vec![measure("projects", Unit::Count)], rows }],
            note: format!("{} in all", crate::text::count(r.total as usize, "project", "projects")),
        }
    }
}
