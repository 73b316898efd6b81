//! Others' work showing in this app: what other sessions over the same database committed
//! ([`Crm::changes_since`]) is taken in before a frame, and only what shows something that
//! changed is read again. An open form is never touched (its save is checked against the
//! version it read instead).

use super::*;
use crate::crm::Changes;
use crate::tui::detail::DetailLine;

/// At most one refresh for others' commits per this long: a burst of commits costs one. Others'
/// work shows well within a second, and a team busy on the same rows (each call logged redraws
/// every session showing its contact) costs a few frames a second per session, not one per commit.
const COALESCE: Duration = Duration::from_millis(500);

/// What the app has taken in of others' commits.
pub(super) struct Outside {
    /// The commit count the app's data is as of.
    pub(super) seen: u64,
    /// The commit count of the app's own last write taken in (others' commits go by `seen`,
    /// which moves past the app's own).
    pub(super) written: u64,
    /// When others' commits were last taken in.
    last: Option<Instant>,
}

impl Outside {
    /// Nothing taken in yet; the app read its data as of `seen` commits.
    pub(super) fn new(seen: u64) -> Outside {
        Outside { seen, written: seen, last: None }
    }
}

/// A screen as others' commits reach it: the kinds of record it shows, whether it is on show,
/// and how it is marked for reading again.
type Shown = (&'static [Kind], bool, fn(&mut App));

impl App {
    /// Takes in what other sessions committed since the app last looked, reading again only what
    /// shows something that changed: a list (selection kept on its record), the board, the tasks,
    /// the agenda, the reports, the settings, the record page on show. Coalesced to one refresh
    /// per 500 ms. Says whether anything was marked to be read again (so a frame is due); the
    /// loop calls it through [`App::prepare`] or [`App::wants_redraw`].
    pub fn take_outside_changes(&mut self) -> bool {
        // A damaged file found by any session is said in every one, and stays said: nothing
        // more is written until the file is opened again.
        if let Some(why) = self.crm.failure()
            && !self.message.as_ref().is_some_and(|m| m.error && m.text == why)
        {
            self.say_error(why);
            return true;
        }
        if self.outside.last.is_some_and(|at| at.elapsed() < COALESCE) || self.crm.commits() == self.outside.seen {
            return false;
        }
        let changes = self.crm.changes_since(self.outside.seen);
        self.outside.seen = changes.upto;
        if changes.is_empty() {
            return false;
        }
        self.outside.last = Some(Instant::now());
        self.take_in(&changes)
    }

    /// Whether the next frame would differ from the last: others' commits touched what the app
    /// shows (taken in now), background work has finished or sent the best matches so far (its
    /// answer taken in now), the status message is due to go, or a call's timer runs. A loop
    /// serving many sessions draws an idle one only when this says so: work still under way
    /// draws nothing new, so a search slowed by a busy server never makes its session draw more.
    pub fn wants_redraw(&mut self) -> bool {
        let expired = self.message.as_ref().is_some_and(|m| m.at.elapsed() > MESSAGE_TIME);
        let working = self.busy();
        self.arrived = false;
        if working {
            self.prepare();
        }
        let finished = working && !self.busy();
        self.take_outside_changes() | finished | self.arrived | expired | self.call().is_some()
    }

    /// Marks for reading again what shows something `changes` touched (what is not on show is
    /// read when it shows); says whether anything on show was.
    fn take_in(&mut self, changes: &Changes) -> bool {
        if changes.everything {
            // Users, roles or teams may have changed: who acts, and what they may see.
            self.acting = acting(&self.crm);
            self.ctx.teamless = teamless(&self.crm);
            self.empty = self.crm.is_empty().unwrap_or(false);
        }
        let touched = |kinds: &[Kind]| kinds.iter().any(|&k| changes.touches_kind(k));
        let mut shown = changes.everything | self.take_in_lists(changes);
        let page = self.page.is_some();
        const MARKETING: [Kind; 6] =
            [Kind::Campaign, Kind::ContactList, Kind::Template, Kind::Email, Kind::Contact, Kind::Opportunity];
        let screens: [Shown; 7] = [
            (&[Kind::Opportunity, Kind::Stage, Kind::Account], self.on_board(), |a| a.board.invalidate()),
            (&[Kind::Task, Kind::Contact], self.on_tasks(), |a| a.tasks.invalidate()),
            (&[Kind::Task, Kind::Event, Kind::Call, Kind::Contact], self.on_agenda(), |a| a.agenda.invalidate()),
            (&[Kind::Stage], self.screen == ScreenId::Settings && !page, |a| a.settings.invalidate()),
            (&[Kind::Contact], self.screen == ScreenId::Duplicates && !page, |a| a.duplicates.invalidate()),
            (&MARKETING, self.screen == ScreenId::Marketing && !page, |a| a.marketing.invalidate()),
            (&Kind::ALL, self.on_reports(), |a| a.reports.invalidate()),
        ];
        for (kinds, on_show, invalidate) in screens {
            if touched(kinds) {
                invalidate(self);
                shown |= on_show;
            }
        }
        if self.detail().is_some_and(|d| self.page_touched(d, changes)) {
            self.reload_detail();
            shown = true;
        }
        shown
    }

    /// Takes `changes` into the lists: the list on show reads again only the rows they touched
    /// (or, for a record new to it or gone, its ids), the others are read when they show. Says
    /// whether the list on show changed.
    pub(super) fn take_in_lists(&mut self, changes: &Changes) -> bool {
        let showing = self.list().map(|l| l.kind);
        let crm = self.crm.clone();
        let (mut shown, mut refilter) = (false, false);
        for l in self.lists_mut() {
            if Some(l.kind) != showing {
                // Read when it shows.
                if l.shows().iter().any(|&k| changes.touches_kind(k)) {
                    l.invalidate();
                }
            } else if l.take_changes(changes, &crm) {
                shown = true;
                refilter = l.is_filtered();
            }
        }
        // A filtered list on show was read whole again: its filter is asked again.
        if refilter {
            self.refilter();
        }
        shown
    }

    /// Whether the record page `d` shows something `changes` touched: the record, a record it
    /// lists, or a record written that links to it (a call logged with the contact on show).
    fn page_touched(&self, d: &Detail, changes: &Changes) -> bool {
        let listed = d.lines.iter().filter_map(|l| match l {
            DetailLine::Link(_, _, r) | DetailLine::Item(_, Some(r)) => Some(*r),
            _ => None,
        });
        if changes.touches(d.record) || listed.into_iter().any(|r| changes.touches(r)) || !changes.whole.is_empty() {
            return true;
        }
        changes.records.iter().any(|r| {
            crate::model::with_record_type!(r.kind, T => self.crm.find::<T>(r.id).ok().flatten().is_some_and(|rec| {
                crate::model::Record::links(&rec).iter().any(|l| l.target == d.record)
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;

    /// No keys: the loop polls `polls` times, at once, then stops.
    struct Polls<'a> {
        left: usize,
        stop: &'a AtomicBool,
    }

    impl crate::tui::Events for Polls<'_> {
        fn next(&mut self, _: Duration) -> std::io::Result<Option<ratatui::crossterm::event::Event>> {
            self.left = self.left.saturating_sub(1);
            if self.left == 0 {
                self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(None)
        }
    }

    struct NoHost;

    impl crate::tui::Host for NoHost {
        fn edit(&mut self, text: &str) -> std::io::Result<String> {
            Ok(text.to_string())
        }
        fn copy(&mut self, _: &str) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_session_awaiting_work_is_not_drawn_again_until_something_arrives() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::new(Arc::new(Crm::open(&dir.path().join("t.redb")).unwrap())).unwrap();
        app.handle_key(crate::tui::keymap::key_event("2").unwrap());
        app.set_viewport(80, 24);
        app.settle();
        // A filter's answer that never comes: the app is busy for as long as the loop runs.
        app.list_mut().unwrap().awaiting = Some(u64::MAX);
        assert!(app.busy());
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let stop = AtomicBool::new(false);
        let began = Instant::now();
        let mut polls = Polls { left: 500, stop: &stop };
        crate::tui::run(&mut term, &mut app, &mut polls, &crate::tui::Theme::plain(), &stop, &mut NoHost).unwrap();
        // The first frame, and no other while nothing arrives (a frame per poll before); one more
        // only if the greeting's time ran out meanwhile on a slow machine.
        let drawn = term.get_frame().count();
        assert!(drawn <= 2, "{drawn} frames in {:?}", began.elapsed());
    }
}
