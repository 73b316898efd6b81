//! What an action does on the screens still driven from the app (lists, board, tasks, record
//! pages, the welcome), and the records it applies to.

use super::*;

impl App {
    pub(super) fn try_act(&mut self, action: Action) -> Result<()> {
        // The editors below are borrowed from the layers while they use the service.
        let crm = self.crm.clone();
        if let Some(w) = self.import_mut() {
            match action {
                Action::Up => w.move_by(-1),
                Action::Down => w.move_by(1),
                Action::Top => w.move_by(isize::MIN / 2),
                Action::Bottom => w.move_by(isize::MAX / 2),
                Action::PageUp => w.scroll_by(-5),
                Action::PageDown => w.scroll_by(5),
                Action::ChooseField => w.pick(),
                Action::ImportKind if !w.busy() => w.next_kind(),
                Action::ImportPolicy if !w.busy() => w.next_policy(),
                Action::CheckImport => w.run(&crm),
                Action::Back if w.busy() => self.say("the import runs to its end; it writes all or nothing"),
                Action::Back => {
                    let imported = w.imported;
                    self.close(|m| matches!(m, Mode::Import(_)));
                    if let Some(screen) = imported.and_then(screen_of) {
                        self.leave_welcome();
                        self.screen = screen;
                    }
                }
                Action::Help => self.open_overlay(Overlay::Help(0)),
                Action::ForceQuit => self.quit = true,
                _ => {}
            }
            return Ok(());
        }
        if let Some(q) = self.quote_mut() {
            match action {
                Action::Up => q.move_by(-1),
                Action::Down => q.move_by(1),
                Action::AddLine => q.pick(&crm)?,
                Action::EditLine => q.edit()?,
                Action::RemoveLine => q.remove()?,
                Action::QuoteStatus => q.next_status(),
                Action::Save => {
                    let accepted = q.save(&crm)?;
                    let (number, total) = (q.quote.number.clone(), q.quote.totals().map(|t| t.total));
                    let (currency, total) = (q.quote.currency, crate::model::Amount::grouped_sum(total));
                    let deal = if accepted {
                        format!("; accepted: the deal's amount is now {total} {currency}")
                    } else {
                        String::new()
                    };
                    self.say(format!("saved {number}: total {total} {currency}{deal}"));
                    self.refresh_after_write();
                }
                Action::Back if q.dirty => self.open_overlay(Overlay::Confirm(Confirm::DiscardQuote)),
                Action::Back => self.close(|m| matches!(m, Mode::Quote(_))),
                Action::Help => self.open_overlay(Overlay::Help(0)),
                Action::Palette => self.open_overlay(Overlay::Palette { query: LineField::default(), selected: 0 }),
                Action::ForceQuit => self.quit = true,
                _ => {}
            }
            return Ok(());
        }
        // The screens that own their keys answer all but the app's own (leaving, help, search,
        // the palette, switching screens, undo, import, the day), unless they keep one as they
        // stand.
        let app_wide = matches!(
            action,
            Action::Quit
                | Action::ForceQuit
                | Action::Help
                | Action::Search
                | Action::Palette
                | Action::Goto(_)
                | Action::Back
                | Action::Undo
                | Action::Import
                | Action::MyDay
        );
        let ctx = self.ctx.clone();
        if let Some(screen) = self.screen_on_show_mut()
            && (!app_wide || screen.keeps(action))
        {
            let effects = screen.update(action, &ctx);
            return self.run(effects);
        }
        // A record's page moves its cursor and follows its lines itself.
        if let Some(Page::Record(p)) = &mut self.page
            && let Some(effects) = p.update(action)
        {
            return self.run(effects);
        }
        // The board and the lists answer their own keys; the record actions on their rows are
        // answered below.
        if self.on_board() && self.board.owns(action) {
            let effects = self.board.update(action, &ctx);
            return self.run(effects);
        }
        if self.detail().is_none()
            && !self.welcome()
            && let Some(list) = self.list_mut()
            && list.owns(action)
        {
            let effects = list.update(action, &ctx);
            // Matches kept under the old scope are asked again under the new one.
            if action == Action::Scope {
                self.refilter();
            }
            return self.run(effects);
        }
        match action {
            // `q` leaves rolo from the top level; inside a record it backs out, like Esc.
            Action::Quit if self.detail().is_some() => self.close_detail(),
            Action::Quit | Action::ForceQuit => self.quit = true,
            Action::Help => self.open_overlay(Overlay::Help(0)),
            Action::MyDay => self.show_day(self.ctx.today)?,
            Action::Search => self.reopen_search(),
            Action::Palette => self.open_overlay(Overlay::Palette { query: LineField::default(), selected: 0 }),
            Action::Goto(s) => {
                self.page = None;
                self.screen = s;
            }
            Action::Back if self.detail().is_some() => self.close_detail(),
            Action::Back => {
                self.leave_welcome();
            }
            Action::Filter => self.open_filter(),
            Action::CloseProject => {
                if let Some(r) = self.current().filter(|r| r.kind == Kind::Project) {
                    let p: crate::model::Project = self.crm.get(r.id)?;
                    let open = self.crm.linking::<crate::model::Task>(r)?.iter().filter(|t| t.is_open()).count();
                    self.open_overlay(Overlay::ask(Ask::GoalMet(r.id, p.name, open), ""));
                }
            }
            Action::AddTask => {
                let about = self.current().map(|r| Targets::named(&self.crm, vec![r]));
                self.open_overlay(Overlay::ask(Ask::QuickTask(about), ""));
            }
            Action::Complete | Action::Reopen if self.current().is_some_and(|r| r.kind == Kind::Case) => {
                let id = self.current().map(|r| r.id).unwrap_or_default();
                let case: crate::model::Case = self.crm.get(id)?;
                use crate::model::CaseStatus::{Closed, Resolved};
                if action == Action::Reopen || case.status == Closed {
                    let case = self.crm.reopen_case(id)?;
                    self.say(format!("{} reopened: {}", case.number(), case.status));
                    self.refresh_after_write();
                } else if case.status == Resolved && case.resolution.is_some() {
                    let case = self.crm.case_status(id, Closed, None)?;
                    self.say(format!("{} closed", case.number()));
                    self.refresh_after_write();
                } else {
                    let label = crate::model::Record::label(&case);
                    self.open_overlay(Overlay::ask(Ask::Resolution(id, label, Closed), ""));
                }
            }
            Action::Article => match self.current().filter(|r| r.kind == Kind::Case) {
                Some(r) => {
                    let a = self.crm.article_from_case(r.id, None, None)?;
                    self.say(format!("wrote knowledge article {}: {} (/ finds it)", a.id, a.title));
                }
                None => self.say_error("articles are written from resolved cases: open one (9), then K"),
            },
            Action::Comment | Action::Reply => match self.current().filter(|r| r.kind == Kind::Case) {
                Some(r) => {
                    let ask = Ask::CaseComment(r.id, self.crm.label(r), action == Action::Reply);
                    self.open_overlay(Overlay::ask(ask, ""));
                }
                None => self.say_error("comments go on cases: open one (9), then a (internal) or p (to the customer)"),
            },
            Action::Complete | Action::Reopen => {
                if let Some(id) = self.current().filter(|r| r.kind == Kind::Task).map(|r| r.id) {
                    self.run(vec![Effect::Write(screen::set_task_done(id, action == Action::Complete))])?;
                }
            }
            Action::Status if self.current().is_some_and(|r| r.kind == Kind::Case) => {
                let id = self.current().map(|r| r.id).unwrap_or_default();
                let case: crate::model::Case = self.crm.get(id)?;
                match case.status.next() {
                    next @ (crate::model::CaseStatus::Resolved | crate::model::CaseStatus::Closed)
                        if case.resolution.is_none() =>
                    {
                        let label = crate::model::Record::label(&case);
                        self.open_overlay(Overlay::ask(Ask::Resolution(id, label, next), ""));
                    }
                    next if next == case.status => {
                        self.say_error(format!("{} is closed: x reopens it", case.number()));
                    }
                    next => {
                        let case = self.crm.case_status(id, next, None)?;
                        self.say(format!("{}: {}", case.number(), case.status));
                        self.refresh_after_write();
                    }
                }
            }
            Action::Status => {
                let targets: Vec<Id> = self.targets().iter().filter(|t| t.kind == Kind::Lead).map(|t| t.id).collect();
                if !targets.is_empty() {
                    let changed = self.crm.advance_lead_status(&targets)?;
                    if let Some(l) = changed {
                        let who = if targets.len() == 1 { l.full_name() } else { format!("{} leads", targets.len()) };
                        self.say(format!("{who}: {}", l.status));
                    }
                    self.refresh_after_write();
                }
            }
            // Keys of other contexts (the quote editor, the screens that own their keys, the
            // board, the import wizard) do nothing here.
            Action::Left
            | Action::Right
            | Action::MoveLeft
            | Action::MoveRight
            | Action::Won
            | Action::Lost
            | Action::Fold
            | Action::AddLine
            | Action::EditLine
            | Action::RemoveLine
            | Action::QuoteStatus
            | Action::Save
            | Action::Merge
            | Action::Swap
            | Action::StageUp
            | Action::StageDown
            | Action::NextSection
            | Action::SendBirthdays
            | Action::PrevSection
            | Action::Snooze
            | Action::SnoozeAsk
            | Action::DayView
            | Action::WeekView
            | Action::Earlier
            | Action::Later
            | Action::Today
            | Action::NextField
            | Action::PrevField
            | Action::Pick
            | Action::CallOutcome
            | Action::CallDirection
            | Action::Done
            | Action::Yes
            | Action::ExternalEditor
            | Action::Reload
            | Action::ChooseField
            | Action::CheckImport
            | Action::ImportKind
            | Action::ImportPolicy
            | Action::Scope
            | Action::CopyRole
            | Action::Text(_) => {}
            Action::Call => self.log_call(self.current())?,
            Action::SendCampaign | Action::Respond => match self.current().filter(|r| r.kind == Kind::Campaign) {
                Some(r) if action == Action::Respond => self.push(Mode::Form(Form::response(&self.crm, r.id)?)),
                Some(r) => self.push(Mode::Form(Form::campaign_send(&self.crm, r.id)?)),
                None => self.say_error("open a campaign first (g m, then Enter on one)"),
            },
            Action::Email => match self.current().filter(|r| r.kind == Kind::Contact) {
                Some(r) => self.push(Mode::Form(Form::compose(&self.crm, r.id)?)),
                None => self.say_error("emails go to contacts: select or open one, then press M"),
            },
            Action::Quote => {
                if let Some(r) = self.current().filter(|r| r.kind == Kind::Opportunity) {
                    self.push(Mode::Quote(QuoteEditor::open(&self.crm, r.id)?));
                } else {
                    self.say_error("quotes belong to deals: open one on the Pipeline screen, then press Q");
                }
            }
            Action::Convert => {
                if let Some(r) = self.current().filter(|r| r.kind == Kind::Lead) {
                    self.push(Mode::Form(Form::convert(&self.crm, r.id)?));
                }
            }
            // Report keys do nothing off the Reports screen.
            Action::NextPeriod | Action::CustomPeriod | Action::ChartTable | Action::NextMeasure | Action::NextView => {
            }
            Action::View => self.deals_listed = !self.deals_listed,
            Action::Undo => {
                let undone = self.crm.undo()?;
                self.refresh_after_write();
                // The board selects the deal put back, so the next key acts on it.
                if let Some(deal) = undone.records.iter().find(|r| r.kind == Kind::Opportunity) {
                    self.board.follow(deal.id);
                }
                self.say(undone.summary);
            }
            Action::LoadDemo if self.place.demo_off().is_some() => {
                self.say_error(self.place.demo_off().unwrap_or_default());
            }
            Action::LoadDemo => {
                let size = crate::demo::DemoSize::for_contacts(200);
                let added = crate::demo::fill(&self.crm, &size, 1, false, &mut || {})?;
                self.leave_welcome();
                self.refresh_after_write();
                self.say(format!("demo data loaded: {} contacts, {} accounts", added.contacts, added.accounts));
            }
            Action::Import => match self.place.import_off() {
                Some(off) => self.say_error(off),
                None => self.open_overlay(Overlay::ask(Ask::ImportFile(self.place.is_remote()), "")),
            },
            Action::StartEmpty => {
                self.leave_welcome();
                self.say("an empty database: press n to add a contact");
            }
            // The lists' own keys, off a list (the welcome).
            Action::Up
            | Action::Down
            | Action::HalfUp
            | Action::HalfDown
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Open
            | Action::Mark
            | Action::MarkRange
            | Action::Sort
            | Action::SortReverse
            | Action::New => {}
            Action::Edit => {
                if let Some(r) = self.current() {
                    if matches!(
                        r.kind,
                        Kind::Contact
                            | Kind::Account
                            | Kind::Opportunity
                            | Kind::Lead
                            | Kind::Product
                            | Kind::Task
                            | Kind::Project
                            | Kind::Case
                            | Kind::Event
                    ) {
                        self.push(Mode::Form(Form::open(&self.crm, r.kind, Some(r.id))?));
                    } else {
                        self.say_error(format!("{} records are edited with rolo {} edit for now", r.kind, r.kind));
                    }
                }
            }
            Action::Delete => self.ask_delete(self.targets())?,
            Action::Note => {
                if let Some(d) = self.detail()
                    && matches!(d.record.kind, Kind::Account | Kind::Contact | Kind::Lead | Kind::Opportunity)
                {
                    self.open_overlay(Overlay::ask(Ask::Note(Targets::named(&self.crm, vec![d.record])), ""));
                }
            }
            Action::Assign => self.ask_assign(self.targets())?,
            Action::CopyEmail => self.copy_reach(false)?,
            Action::CopyPhone => self.copy_reach(true)?,
            Action::Tag | Action::AddToList => {
                let targets = self.targets();
                let filter =
                    self.list().filter(|l| l.kind == Kind::Contact && l.marked.is_empty() && self.detail().is_none());
                let filter = filter.map(|l| l.filter.trim().to_string()).filter(|f| !f.is_empty());
                if let (Action::AddToList, Some(filter)) = (action, filter) {
                    self.open_overlay(Overlay::ask(Ask::SaveFilter(filter), ""));
                } else if action == Action::AddToList && targets.iter().any(|t| t.kind != Kind::Contact) {
                    self.say_error("only contacts go on lists: mark contacts, then press +");
                } else if action == Action::Tag
                    && targets.iter().any(|t| !matches!(t.kind, Kind::Contact | Kind::Account))
                {
                    self.say_error("only contacts and accounts carry labels");
                } else if !targets.is_empty() {
                    let targets = Targets::named(&self.crm, targets);
                    let ask = match action {
                        Action::Tag => Ask::Tag(targets),
                        _ => Ask::List(targets),
                    };
                    self.open_overlay(Overlay::ask(ask, ""));
                }
            }
        }
        Ok(())
    }

    /// Moves deal `id` into `stage`, saved at once, and repositions its card.
    pub(super) fn put_deal(&mut self, id: Id, stage: &Stage) -> Result<()> {
        let o = self.crm.move_deal(id, stage.id, None)?;
        self.say(format!("{} → {} ({}%)", o.name, stage.name, o.probability));
        self.board.moved(&o);
        Ok(())
    }

    /// Opens the call form with the person behind `about` (a contact, or a deal's, a call's or
    /// a task's contact), or says calls need one.
    pub(super) fn log_call(&mut self, about: Option<RecordRef>) -> Result<()> {
        let contact = match about {
            Some(r) if r.kind == Kind::Contact => Some(r.id),
            Some(r) if r.kind == Kind::Opportunity => self.crm.get::<Opportunity>(r.id)?.contact,
            Some(r) if r.kind == Kind::Call => Some(self.crm.get::<crate::model::Call>(r.id)?.contact),
            Some(r) if r.kind == Kind::Task => self.crm.get::<crate::model::Task>(r.id)?.contact,
            Some(r) if r.kind == Kind::Case => self.crm.get::<crate::model::Case>(r.id)?.contact,
            _ => None,
        };
        let case = about.filter(|r| r.kind == Kind::Case).map(|r| r.id);
        match contact {
            Some(id) => {
                let form = CallForm::open(&self.crm, id)?;
                let who = match case {
                    Some(c) => format!("{} about {}", form.who, crate::model::case_number(c)),
                    None => form.who.clone(),
                };
                self.push(Mode::Call(Box::new(CallForm { case, who, ..form })));
            }
            None if case.is_some() => {
                self.say_error("this case has no contact to call: e edits it (or log the call from the contact)")
            }
            None => self.say_error("calls are with people: select a contact (or a deal with one), then press c"),
        }
        Ok(())
    }

    /// Opens the user picker that gives `targets` to the user chosen; refused before picking
    /// when the role cannot give records away or a target has no owner of its own.
    pub(super) fn ask_assign(&mut self, targets: Vec<RecordRef>) -> Result<()> {
        if let Some(t) = targets.iter().find(|t| !t.kind.has_owner()) {
            self.say_error(format!("{} have no owner of their own to give", t.kind.plural()));
        } else if !targets.is_empty() {
            self.crm.actor()?.require(crate::model::Right::Assign)?;
            let (assign, choices) = Assigning::users(&self.crm, Targets::named(&self.crm, targets))?;
            let (hits, _) = self.picker_hits(Kind::Contact, &choices, "", Vec::new());
            let purpose = Some(Box::new(PickFor::Assign(assign)));
            let (query, selected, waiting) = (LineField::default(), 0, None);
            self.open_overlay(Overlay::Picker { field: 0, query, hits, selected, choices, waiting, purpose });
        }
        Ok(())
    }

    /// Asks before deleting `targets`, named by their labels; refused before asking when the
    /// actor may not delete one of them.
    pub(super) fn ask_delete(&mut self, targets: Vec<RecordRef>) -> Result<()> {
        for t in &targets {
            crate::model::with_record_type!(t.kind, T => self.crm.may(crate::model::Act::Delete, &self.crm.get::<T>(t.id)?)?);
        }
        if !targets.is_empty() {
            self.open_overlay(Overlay::Confirm(Confirm::Delete(Targets::named(&self.crm, targets))));
        }
        Ok(())
    }

    /// What an action applies to: the open record, else the marked rows, else the selected one.
    pub(super) fn targets(&self) -> Vec<RecordRef> {
        if self.on_board() {
            return self.current().into_iter().collect();
        }
        match (self.detail(), self.list()) {
            (Some(d), _) => vec![d.record],
            (None, Some(l)) if !l.marked.is_empty() => l.marked.iter().map(|&id| RecordRef::new(l.kind, id)).collect(),
            (None, Some(l)) => l.selected_id().map(|id| RecordRef::new(l.kind, id)).into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The record the user is looking at: the open one, or the selected row or card.
    pub(super) fn current(&self) -> Option<RecordRef> {
        if self.on_board() {
            return self.board.selected().map(|c| RecordRef::new(Kind::Opportunity, c.id));
        }
        match (self.detail(), self.list()) {
            (Some(d), _) => Some(d.record),
            (None, Some(l)) => l.selected_id().map(|id| RecordRef::new(l.kind, id)),
            _ => None,
        }
    }
}
