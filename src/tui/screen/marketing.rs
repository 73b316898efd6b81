//! The Marketing screen: campaigns with what each brought (members, emails sent, responses,
//! leads, deals, won revenue against budget and cost), the contact lists (static and dynamic,
//! with their member counts) and the email templates, a tab each (`Tab` moves between them).
//! `n`, `e` and `d` make, edit and delete the record under the cursor; Enter opens it; `S`
//! sends a campaign.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, TableState};

use super::{Effect, Screen, step};
use crate::crm::{CampaignSummary, Crm, Result};
use crate::model::{ContactList, Id, Kind, RecordRef, Template};
use crate::tui::ctx::Ctx;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::widgets::grid;

/// A tab's table: its header, column widths, right-aligned columns and styled rows.
type Columns = (Vec<&'static str>, Vec<Constraint>, Vec<usize>, Vec<(Vec<String>, ratatui::style::Style)>);

/// The campaigns' columns: title, width (the name takes what is left), right-aligned, and
/// whether it shows only on a wide screen (at 80 columns the counts matter more than the dates).
const CAMPAIGN_COLUMNS: [(&str, u16, bool, bool); 12] = [
    ("CAMPAIGN", 16, false, false),
    ("CHANNEL", 10, false, true),
    ("STATUS", 9, false, false),
    ("DATES", 21, false, true),
    ("BUDGET", 14, true, false),
    ("COST", 14, true, true),
    ("MEMBERS", 7, true, false),
    ("SENT", 5, true, false),
    ("RESP", 5, true, true),
    ("LEADS", 5, true, false),
    ("DEALS", 5, true, true),
    ("WON", 14, true, false),
];

/// The inner width from which every campaign column shows.
const WIDE: u16 = 130;

/// The items of `cells` whose place `keep` marks: the columns shown.
fn kept<T>(cells: Vec<T>, keep: &[bool]) -> Vec<T> {
    cells.into_iter().zip(keep).filter(|(_, k)| **k).map(|(c, _)| c).collect()
}

/// The Marketing screen's tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum MarketingTab {
    /// The campaigns.
    #[default]
    Campaigns,
    /// The contact lists.
    Lists,
    /// The email templates.
    Templates,
}

impl MarketingTab {
    const ALL: [MarketingTab; 3] = [MarketingTab::Campaigns, MarketingTab::Lists, MarketingTab::Templates];

    fn kind(self) -> Kind {
        match self {
            MarketingTab::Campaigns => Kind::Campaign,
            MarketingTab::Lists => Kind::ContactList,
            MarketingTab::Templates => Kind::Template,
        }
    }

    fn title(self) -> &'static str {
        match self {
            MarketingTab::Campaigns => "Campaigns",
            MarketingTab::Lists => "Lists",
            MarketingTab::Templates => "Templates",
        }
    }
}

/// The state of the Marketing screen.
#[derive(Debug, Clone, Default)]
pub struct Marketing {
    /// The tab on show.
    pub(crate) tab: MarketingTab,
    /// The campaigns with their results.
    pub campaigns: Vec<CampaignSummary>,
    /// The lists with how many contacts each holds now.
    pub lists: Vec<(ContactList, usize)>,
    /// The templates.
    pub templates: Vec<Template>,
    /// The selected row of each tab.
    selected: [usize; 3],
    /// Whether the tabs must be read again.
    stale: bool,
}

impl Marketing {
    /// A screen to be read when first shown.
    pub fn new() -> Marketing {
        Marketing { stale: true, ..Default::default() }
    }

    /// Marks the tabs for reading again (after a write).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Reads the three tabs, when stale.
    pub fn read(&mut self, crm: &Crm) -> Result<()> {
        if !self.stale {
            return Ok(());
        }
        self.campaigns = crm.campaign_summaries()?;
        self.lists = crm.lists_with_sizes()?;
        self.templates = crm.list::<Template>(|_| true)?;
        self.stale = false;
        Ok(())
    }

    fn index(&self) -> usize {
        MarketingTab::ALL.iter().position(|&t| t == self.tab).unwrap_or(0)
    }

    fn len(&self) -> usize {
        match self.tab {
            MarketingTab::Campaigns => self.campaigns.len(),
            MarketingTab::Lists => self.lists.len(),
            MarketingTab::Templates => self.templates.len(),
        }
    }

    /// The record under the cursor.
    pub fn current(&self) -> Option<RecordRef> {
        let at = self.selected[self.index()];
        let id: Option<Id> = match self.tab {
            MarketingTab::Campaigns => self.campaigns.get(at).map(|c| c.campaign.id),
            MarketingTab::Lists => self.lists.get(at).map(|(l, _)| l.id),
            MarketingTab::Templates => self.templates.get(at).map(|t| t.id),
        };
        id.map(|id| RecordRef::new(self.tab.kind(), id))
    }

    fn tab_bar(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let mut spans: Vec<Span> = MarketingTab::ALL
            .iter()
            .map(|&t| {
                let style = if t == self.tab { ctx.theme.focus() } else { ctx.theme.dim() };
                Span::styled(format!(" {} ", t.title()), style)
            })
            .collect();
        spans.push(Span::styled("  (Tab)", ctx.theme.dim()));
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    /// The empty tab's sentence: what to press to fill it.
    fn empty(&self) -> &'static str {
        match self.tab {
            MarketingTab::Campaigns => "no campaigns yet: n makes one",
            MarketingTab::Lists => {
                "no contact lists yet: n makes one, or filter the contacts (f) and press + to save the filter as a list"
            }
            MarketingTab::Templates => "no email templates yet: n makes one ({{first_name|there}} merges a field)",
        }
    }
}

impl Screen for Marketing {
    fn keys(&self) -> Vec<&'static [Binding]> {
        vec![keymap::MARKETING]
    }

    fn update(&mut self, action: Action, _: &Ctx) -> Vec<Effect> {
        let i = self.index();
        match action {
            Action::NextSection | Action::PrevSection => {
                let n = MarketingTab::ALL.len();
                let to = if action == Action::NextSection { (i + 1) % n } else { (i + n - 1) % n };
                self.tab = MarketingTab::ALL[to];
            }
            _ if step(action).is_some() => {
                self.selected[i] = crate::tui::stepped(self.selected[i], step(action).unwrap_or(0), self.len());
            }
            Action::New => return vec![Effect::EditForm(self.tab.kind(), None)],
            Action::Edit => return self.current().map(|r| Effect::EditForm(r.kind, Some(r.id))).into_iter().collect(),
            Action::Delete => return self.current().map(|r| Effect::AskDelete(vec![r])).into_iter().collect(),
            Action::Open => return self.current().map(Effect::Open).into_iter().collect(),
            Action::SendCampaign => {
                return match self.current().filter(|r| r.kind == Kind::Campaign) {
                    Some(r) => vec![Effect::SendCampaign(r.id)],
                    None => vec![Effect::Refuse("campaigns are sent from the Campaigns tab: Tab to it, then S".into())],
                };
            }
            _ => {}
        }
        Vec::new()
    }

    fn prepare(&mut self, crm: &Arc<Crm>, _: &Ctx) -> std::result::Result<(), String> {
        self.read(crm).map_err(|e| e.to_string())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let [bar, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        self.tab_bar(f, bar, ctx);
        let block = Block::new().borders(Borders::ALL).title(format!(" {} ", self.tab.title()));
        if self.len() == 0 {
            let text = Paragraph::new(self.empty()).style(ctx.theme.dim()).wrap(ratatui::widgets::Wrap { trim: true });
            f.render_widget(text.block(block), rest);
            return;
        }
        let at = self.selected[self.index()];
        let style = |row: usize| if row == at { ctx.theme.focus() } else { ctx.theme.text() };
        let (header, widths, right, rows): Columns = match self.tab {
            MarketingTab::Campaigns => {
                let money = |c: &CampaignSummary, a: Option<crate::model::Amount>| {
                    a.map(|a| format!("{} {}", a.grouped(), c.campaign.currency)).unwrap_or_default()
                };
                let wide = block.inner(rest).width >= WIDE;
                let keep: Vec<bool> = CAMPAIGN_COLUMNS.iter().map(|c| wide || !c.3).collect();
                let rows = self.campaigns.iter().enumerate().map(|(n, c)| {
                    let dates = match (c.campaign.start, c.campaign.end) {
                        (Some(s), Some(e)) => format!("{s}–{e}"),
                        (Some(s), None) => format!("from {s}"),
                        (None, Some(e)) => format!("to {e}"),
                        (None, None) => String::new(),
                    };
                    let cells = vec![
                        c.campaign.name.clone(),
                        c.campaign.channel.clone().unwrap_or_default(),
                        c.campaign.status.to_string(),
                        dates,
                        money(c, c.campaign.budget),
                        money(c, c.campaign.cost),
                        c.members.to_string(),
                        (c.sends.sent + c.sends.written).to_string(),
                        c.campaign.responses.len().to_string(),
                        c.leads.to_string(),
                        c.deals.to_string(),
                        format!("{} {}", c.won.grouped(), c.currency),
                    ];
                    (kept(cells, &keep), style(n))
                });
                let columns = kept(CAMPAIGN_COLUMNS.to_vec(), &keep);
                let header = columns.iter().map(|c| c.0).collect();
                let widths = columns
                    .iter()
                    .map(|c| if c.0 == "CAMPAIGN" { Constraint::Min(c.1) } else { Constraint::Length(c.1) });
                let right = columns.iter().enumerate().filter(|(_, c)| c.2).map(|(i, _)| i).collect();
                (header, widths.collect(), right, rows.collect())
            }
            MarketingTab::Lists => {
                let rows = self.lists.iter().enumerate().map(|(n, (l, members))| {
                    let kind = if l.is_dynamic() { "dynamic" } else { "static" };
                    (
                        vec![l.name.clone(), kind.into(), members.to_string(), l.filter.clone().unwrap_or_default()],
                        style(n),
                    )
                });
                let widths =
                    vec![Constraint::Min(16), Constraint::Length(8), Constraint::Length(8), Constraint::Min(20)];
                (vec!["LIST", "KIND", "MEMBERS", "FILTER"], widths, vec![2], rows.collect())
            }
            MarketingTab::Templates => {
                let rows = self.templates.iter().enumerate().map(|(n, t)| {
                    let first = crate::text::first_line(&t.body, 60);
                    (vec![t.name.clone(), t.subject.clone(), first], style(n))
                });
                let widths = vec![Constraint::Min(14), Constraint::Min(20), Constraint::Min(20)];
                (vec!["TEMPLATE", "SUBJECT", "BODY"], widths, Vec::new(), rows.collect())
            }
        };
        let mut state = TableState::new().with_selected(Some(at));
        let table = grid(block.inner(rest).width, &widths, &header, &right, ctx.theme.dim(), rows);
        f.render_stateful_widget(table.block(block), rest, &mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx::new(&crate::crm::Session::new("ann"), crate::tui::Theme::plain(), Rect::new(0, 0, 100, 30))
    }

    #[test]
    fn tab_moves_between_the_tabs_and_the_keys_act_on_the_row_of_the_tab_on_show() {
        let ctx = ctx();
        let mut m = Marketing::new();
        m.templates = vec![Template { id: 4, name: "Hi".into(), ..Default::default() }];
        assert!(m.update(Action::Open, &ctx).is_empty(), "no campaign to open");
        assert!(matches!(&m.update(Action::New, &ctx)[..], [Effect::EditForm(Kind::Campaign, None)]));
        m.update(Action::PrevSection, &ctx);
        assert_eq!(m.tab, MarketingTab::Templates);
        assert!(matches!(&m.update(Action::Edit, &ctx)[..], [Effect::EditForm(Kind::Template, Some(4))]));
        let delete = m.update(Action::Delete, &ctx);
        assert!(matches!(&delete[..], [Effect::AskDelete(r)] if r == &[RecordRef::new(Kind::Template, 4)]));
        m.update(Action::NextSection, &ctx);
        assert_eq!(m.tab, MarketingTab::Campaigns);
    }
}
