//! Keys of what sits over a screen (help, confirmations, search, palette, pickers, questions,
//! the list filter line) and what their answers do.

use super::*;

impl App {
    pub(super) fn overlay_key(&mut self, key: KeyEvent) {
        // Enter typed before the matches of the query came in waits for them (a search takes
        // milliseconds), so it takes what was typed, never the matches of an older query.
        let table = if matches!(self.overlay(), Some(Overlay::Search(_))) { keymap::SEARCH } else { keymap::PICKER };
        if self.dialog_awaits() && keymap::action_in(table, &key) == Some(Action::Open) && !self.await_matches() {
            return self.say("still searching: press Enter again in a moment");
        }
        let Some((_, Mode::Overlay(overlay))) = self.take_top(|m| matches!(m, Mode::Overlay(_))) else { return };
        let result = match overlay {
            Overlay::Help(scroll) => {
                // The last line of the help just shows at the end.
                let own = match self.own_keys().len() {
                    0 => 0,
                    n => n + 2,
                };
                let lines: usize =
                    own + keymap::help_sections(&self.help_context()).iter().map(|(_, t)| t.len() + 2).sum::<usize>();
                let Some(scroll) = self.scrolled(&key, scroll, lines) else { return };
                self.open_overlay(Overlay::Help(scroll));
                Ok(())
            }
            Overlay::Text { title, lines, scroll } => {
                // The box's rows, as drawn: its width less its borders, the screen's rows less
                // the box's and the screen row's and status bar's.
                let inner = crate::tui::widgets::text_box_width(self.ctx.size.width).saturating_sub(2);
                let rows = crate::tui::widgets::wrapped(&lines, inner).len();
                let Some(scroll) = self.scrolled(&key, scroll, rows) else { return };
                self.open_overlay(Overlay::Text { title, lines, scroll });
                Ok(())
            }
            // Only the key of `Yes` confirms; any other key cancels.
            Overlay::Confirm(what) if keymap::action_in(keymap::CONFIRM, &key) == Some(Action::Yes) => {
                self.confirmed(what)
            }
            Overlay::Confirm(_) => {
                self.say("cancelled");
                Ok(())
            }
            Overlay::Search(b) => self.search_key(b, key),
            Overlay::Picker { field, mut query, mut hits, mut selected, choices, mut waiting, purpose } => {
                match pick_key(key, &mut query, &mut selected, hits.len()) {
                    PickKey::Cancel => return,
                    // The user dialog waits for one of its choices.
                    PickKey::Choose if hits.is_empty() && matches!(purpose.as_deref(), Some(PickFor::User(_))) => {
                        self.say_error("nothing matches: pick one of the list (Esc cancels)");
                    }
                    PickKey::Choose => {
                        let done = match purpose.map(|p| *p) {
                            Some(PickFor::Assign(a)) => self.assign_to(&a, hits.get(selected)),
                            Some(PickFor::User(draft)) => match hits.get(selected) {
                                Some(hit) => {
                                    // A team's first choice is none.
                                    let none = draft.step == crate::tui::userform::Step::Team && hit.id == 0;
                                    self.answer(&Ask::User(draft), if none { "" } else { &hit.label })
                                }
                                None => Ok(()),
                            },
                            None => self.picked(field, hits.get(selected)),
                        };
                        return done.unwrap_or_else(|e| self.say_error(e.to_string()));
                    }
                    PickKey::Typed => {
                        let kind = self.form().and_then(|f| f.picker_kind(field)).unwrap_or(Kind::Account);
                        (hits, waiting) = self.picker_hits(kind, &choices, query.value(), hits);
                    }
                    PickKey::Moved => {}
                }
                self.open_overlay(Overlay::Picker { field, query, hits, selected, choices, waiting, purpose });
                Ok(())
            }
            Overlay::Palette { query, selected } => self.palette_key(query, selected, key),
            Overlay::Input { ask, mut text } => match keymap::action_in(keymap::ASK, &key) {
                Some(Action::Back) => Ok(()),
                // On failure the line stays open so the text can be fixed.
                Some(Action::Done) => {
                    self.answer(&ask, text.value()).inspect_err(|_| self.open_overlay(Overlay::Input { ask, text }))
                }
                _ => {
                    text.handle(key);
                    self.open_overlay(Overlay::Input { ask, text });
                    Ok(())
                }
            },
        };
        if let Err(e) = result {
            self.say_error(e.to_string());
        }
    }

    /// Does what typed text was asked for.
    pub(super) fn answer(&mut self, ask: &Ask, text: &str) -> Result<()> {
        let message = match ask {
            Ask::Note(target) => {
                self.crm.add_note(target.refs[0], text)?;
                "note added".to_string()
            }
            Ask::Tag(targets) => {
                format!("labelled {} '{}'", count(self.crm.tag(&targets.refs, text)?, "record", "records"), text.trim())
            }
            Ask::List(targets) => {
                let ids: Vec<_> = targets.refs.iter().filter(|t| t.kind == Kind::Contact).map(|t| t.id).collect();
                format!("{} added to the list '{}'", self.crm.add_to_list(text, &ids)?, text.trim())
            }
            Ask::SaveFilter(filter) => {
                let list = self.crm.save_filter_as_list(text, filter)?;
                let members = self.crm.list_members(list.id)?.len();
                format!("saved the dynamic list '{}': {} now", list.name, count(members, "contact", "contacts"))
            }
            Ask::LostReason(id, stage, _) => {
                let o = match stage {
                    Some(stage) => self.crm.move_deal(*id, *stage, Some(text))?,
                    None => self.crm.close_opportunity(*id, StageOutcome::Lost, Some(text))?,
                };
                self.board.moved(&o);
                format!("{} lost: {}", o.name, text.trim())
            }
            Ask::QuickTask(about) => {
                let t = crate::model::Task::quick(text, self.ctx.today, self.ctx.dates)?;
                let t = match about {
                    Some(r) => self.crm.add_task_about(t, r.refs[0])?,
                    None => self.crm.create(t)?,
                };
                let due = t.due.map(|d| format!(", due {}", self.ctx.dates.show(d))).unwrap_or_default();
                format!("task added: {}{due} ({})", t.title, t.priority)
            }
            Ask::Resolution(id, _, status) => {
                let case = self.crm.case_status(*id, *status, Some(text.to_string()))?;
                format!("{} {}: {}", case.number(), case.status, text.trim())
            }
            Ask::CaseComment(id, _, public) => {
                let case = self.crm.comment_case(*id, text, *public)?;
                let what = if *public { "reply recorded" } else { "comment added" };
                format!("{}: {what}", case.number())
            }
            Ask::SnoozeUntil(id, _) => {
                let until = crate::model::Date::parse_relative(text, self.ctx.today)
                    .map_err(|m| ValidationError::new("until", m))?;
                let t = self.crm.snooze_task(*id, Some(until))?;
                format!("{}: due {until}", t.title)
            }
            Ask::GoalMet(id, ..) => {
                let met = match text.trim().to_lowercase().as_str() {
                    "y" | "yes" => true,
                    "n" | "no" => false,
                    other => {
                        let m = format!("'{other}': answer y (the goal was met) or n");
                        return Err(ValidationError::new("goal met", m).into());
                    }
                };
                let p = self.crm.complete_project(*id, met)?;
                format!("{} closed, goal {}", p.name, if met { "met" } else { "missed" })
            }
            Ask::User(draft) => {
                let mut draft = draft.clone();
                if draft.take(text)? {
                    self.ask_user(*draft);
                    return Ok(());
                }
                match &draft.editing {
                    Some(login) => format!("user {} changed", self.crm.edit_user(login, draft.change())?.login),
                    None => format!("user {} added", self.crm.add_user(draft.user.clone())?.login),
                }
            }
            Ask::NewTeam => format!("team {} added", self.crm.add_team(text)?),
            Ask::RenameTeam(old) => format!("team {old} renamed {}", self.crm.rename_team(old, text)?),
            Ask::CopyRole(from) => {
                let role = self.crm.copy_role(from, text)?;
                if let Some(people) = self.settings.people.as_mut() {
                    people.select_role = Some(role.name.clone());
                }
                format!("role {} copied from {from}: Enter on a cell changes it", role.name)
            }
            Ask::NewPick(list) => {
                self.crm.add_to_picklist(*list, text, None)?;
                self.settings.select_last(*list);
                format!("{} {} added", list.noun(), text.trim())
            }
            Ask::RenamePick(list, name) => {
                let moved = self.crm.rename_in_picklist(*list, name, text)?;
                format!("{name} renamed {}; {}", text.trim(), count(moved, "record follows", "records follow"))
            }
            Ask::MovePickTo(list, name, _) => {
                let to = Some(text.trim()).filter(|t| *t != "-");
                let moved = self.crm.delete_from_picklist(*list, name, to, to.is_none())?;
                let noun = list.noun();
                match to {
                    Some(to) => {
                        format!("{noun} {name} deleted; {} to {to}", count(moved, "record moved", "records moved"))
                    }
                    None => format!(
                        "{noun} {name} deleted; {} without a {}",
                        count(moved, "record left", "records left"),
                        list.field()
                    ),
                }
            }
            Ask::MoveDealsTo(stage, _) => {
                let to = self.crm.stage_by_name_or_id(text)?;
                let moved = self.crm.delete_stage(stage.id, Some(to.id))?;
                format!("stage {} deleted; {} to {}", stage.name, count(moved, "deal moved", "deals moved"), to.name)
            }
            Ask::ImportFile(_) => {
                let path = self.place.import_path(text).map_err(|e| ValidationError::new("file", e))?;
                let kind = match self.screen {
                    ScreenId::Accounts if !self.welcome() => Kind::Account,
                    ScreenId::Leads if !self.welcome() => Kind::Lead,
                    _ => Kind::Contact,
                };
                let wizard = crate::tui::import::ImportWizard::open(path, kind)
                    .map_err(|e| crate::crm::CrmError::Import(Box::new(e)))?;
                let said = format!("{}: check the fields, then Ctrl-S", wizard.file_name());
                self.push(Mode::Import(wizard));
                said
            }
        };
        self.say(message);
        // A lost deal is already where it belongs on the board; anything else reads again.
        if !matches!(ask, Ask::LostReason(..)) {
            self.refresh_after_write();
        }
        Ok(())
    }

    pub(super) fn confirmed(&mut self, what: Confirm) -> Result<()> {
        match what {
            Confirm::DiscardForm => {
                self.close(|m| matches!(m, Mode::Form(_)));
                self.say("changes dropped");
            }
            Confirm::Merge { keep, gone, .. } => {
                let c = self.crm.merge_contacts(keep, gone)?;
                self.say(format!("merged #{gone} into {} (#{keep})", c.full_name()));
                self.refresh_after_write();
            }
            Confirm::DeletePick(list, name) => {
                self.crm.delete_from_picklist(list, &name, None, false)?;
                self.say(format!("{} {name} deleted", list.noun()));
                self.refresh_after_write();
            }
            Confirm::DisableUser(login) => {
                self.crm.disable_user(&login, None)?;
                self.say(format!("user {login} disabled; their records keep them as owner"));
                self.refresh_after_write();
            }
            Confirm::EnableUser(login) => {
                self.crm.edit_user(&login, crate::crm::UserChange { active: Some(true), ..Default::default() })?;
                self.say(format!("user {login} enabled"));
                self.refresh_after_write();
            }
            Confirm::DeleteStage(stage) => {
                self.crm.delete_stage(stage.id, None)?;
                self.say(format!("stage {} deleted", stage.name));
                self.refresh_after_write();
            }
            Confirm::MoveDeal { id, stage, .. } => self.put_deal(id, &stage)?,
            Confirm::Send { planned, what, .. } => {
                let work = planned.work(what.clone());
                self.send_mail(what, work);
            }
            Confirm::DiscardCall => {
                self.close(|m| matches!(m, Mode::Call(_)));
                self.say("call not logged");
            }
            Confirm::DiscardQuote => {
                self.close(|m| matches!(m, Mode::Quote(_)));
                self.say("quote changes dropped");
            }
            Confirm::Delete(targets) => {
                // All of them or none: one transaction.
                let deleted = self.crm.delete_many(&targets.refs);
                if let Err(e) = deleted {
                    self.refresh_after_write();
                    return Err(e);
                }
                // A page deleted goes back to the page it was opened from (a note to its contact).
                if self.detail().is_some_and(|d| targets.refs.contains(&d.record)) {
                    match &self.page {
                        Some(Page::Record(p)) if !p.trail.is_empty() => self.close_detail(),
                        _ => self.page = None,
                    }
                }
                for l in self.lists_mut() {
                    l.marked.clear();
                }
                self.refresh_after_write();
                self.say(format!("deleted {}", targets.name));
            }
        }
        Ok(())
    }

    pub(super) fn search_key(&mut self, mut b: SearchBox, key: KeyEvent) -> Result<()> {
        match keymap::action_in(keymap::SEARCH, &key) {
            Some(Action::Back) => {
                self.last_search = Some(b);
                return Ok(());
            }
            Some(Action::Open) => {
                if let Some(hit) = b.hits.get(b.selected) {
                    let record = RecordRef::new(hit.kind, hit.id);
                    self.last_search = Some(b);
                    // The page the search was started from is where its Esc comes back to.
                    self.follow(record, true)?;
                    return Ok(());
                }
            }
            // Ctrl-L logs a call with the contact found, straight from the search.
            Some(Action::Call) => {
                if let Some(hit) = b.hits.get(b.selected).filter(|h| h.kind == Kind::Contact) {
                    self.push(Mode::Call(Box::new(CallForm::open(&self.crm, hit.id)?)));
                    return Ok(());
                }
            }
            Some(Action::Down) => b.selected = (b.selected + 1).min(b.hits.len().saturating_sub(1)),
            Some(Action::Up) => b.selected = b.selected.saturating_sub(1),
            _ => {
                if edit_query(&mut b.query, key) {
                    b.selected = 0;
                    if b.query.value().trim().is_empty() {
                        b.hits.clear();
                        b.waiting = None;
                    } else {
                        b.partial = false;
                        b.waiting = Some(self.searcher.start(b.query.value(), &[], LIMIT));
                    }
                }
            }
        }
        self.open_overlay(Overlay::Search(b));
        Ok(())
    }

    /// Where a box of `rows` rows to read, scrolled `scroll` down, is after `key` (its last row
    /// just showing at the end); `None` when the key closes it.
    fn scrolled(&self, key: &KeyEvent, scroll: usize, rows: usize) -> Option<usize> {
        let end = rows.saturating_sub(self.ctx.size.height.saturating_sub(6) as usize);
        Some(match keymap::action_in(keymap::HELP, key) {
            Some(Action::Back) => return None,
            Some(Action::Down) => (scroll + 1).min(end),
            Some(Action::Up) => scroll.saturating_sub(1),
            Some(Action::Bottom) => end,
            Some(Action::Top) => 0,
            _ => scroll,
        })
    }

    /// Shows the working day `date`: the user's first, then each person of their team whose
    /// records they see.
    pub(super) fn show_day(&mut self, date: crate::model::Date) -> Result<()> {
        let mut days = self.crm.working_day(date, crate::crm::Whose::Team)?;
        if let Some(mine) = days.iter().position(|d| d.user == self.ctx.user) {
            let me = days.remove(mine);
            days.insert(0, me);
        }
        let mut lines = Vec::new();
        for d in &days {
            lines.extend(d.lines(self.ctx.dates));
            lines.push(String::new());
        }
        lines.pop();
        let title = format!("The day, {}  (j/k scroll, Esc closes)", self.ctx.dates.show(date));
        self.open_overlay(Overlay::Text { title, lines, scroll: 0 });
        Ok(())
    }

    pub(super) fn palette_key(&mut self, mut query: LineField, mut selected: usize, key: KeyEvent) -> Result<()> {
        let entries = self.palette_entries(query.value());
        match pick_key(key, &mut query, &mut selected, entries.len()) {
            PickKey::Cancel => return Ok(()),
            PickKey::Choose => {
                match entries.get(selected) {
                    Some(PaletteEntry { action, elsewhere: None, .. }) => self.act(*action),
                    Some(PaletteEntry { action, elsewhere: Some((section, keys)), .. }) => {
                        self.say(format!("{} acts in {section} ({keys} there), not here", action.name()))
                    }
                    None => {}
                }
                return Ok(());
            }
            PickKey::Typed | PickKey::Moved => {}
        }
        self.open_overlay(Overlay::Palette { query, selected });
        Ok(())
    }

    /// Palette entries matching `query`, best first: every action of the app with its keys, those
    /// of the tables in force first, then the others, each naming the part of the app it acts in.
    pub fn palette_entries(&self, query: &str) -> Vec<PaletteEntry> {
        let mut all: Vec<PaletteEntry> = Vec::new();
        let tables = self.context();
        for table in &tables {
            for b in table.iter() {
                if !all.iter().any(|e| e.action == b.action) {
                    let label = format!("{}  ({})", b.action.name(), self.keys_of(&tables, b).join(", "));
                    all.push(PaletteEntry { action: b.action, label, elsewhere: None });
                }
            }
        }
        // A new user who chose to start empty can still ask for the demo data.
        let demo = self.place.demo_off().is_none();
        if demo && !self.welcome() && !all.iter().any(|e| e.action == Action::LoadDemo) && self.empty {
            let label = format!("{}  (while the database is empty)", Action::LoadDemo.name());
            all.push(PaletteEntry { action: Action::LoadDemo, label, elsewhere: None });
        }
        // The welcome's choices exist only on it; the text keys act in the field being typed.
        let only_there = |a: Action| matches!(a, Action::LoadDemo | Action::StartEmpty | Action::Text(_));
        for (section, table) in keymap::ALL {
            for b in table.iter().filter(|b| !only_there(b.action)) {
                if !all.iter().any(|e| e.action == b.action) {
                    let keys = b.keys.join(", ");
                    let label = format!("{}  ({keys} · {section})", b.action.name());
                    all.push(PaletteEntry { action: b.action, label, elsewhere: Some((section, keys)) });
                }
            }
        }
        if query.trim().is_empty() {
            return all;
        }
        let names: Vec<String> = all.iter().map(|e| e.action.name()).collect();
        let mut ranked: Vec<PaletteEntry> =
            crate::search::rank_items(query, &names).into_iter().map(|i| all[i].clone()).collect();
        // What acts here comes before what acts elsewhere, each best first.
        ranked.sort_by_key(|e| e.elsewhere.is_some());
        ranked
    }

    /// What a picker offers for `query`: the words of a word field that match it; for a record
    /// field, before anything is typed, the first records by name, else the `shown` ones until
    /// the best matches, searched off the UI thread, arrive (the search's number is returned).
    pub(super) fn picker_hits(
        &self,
        kind: Kind,
        choices: &[String],
        query: &str,
        shown: Vec<crate::search::Hit>,
    ) -> (Vec<crate::search::Hit>, Option<u64>) {
        if !choices.is_empty() {
            let word = |i: usize| crate::search::Hit {
                kind,
                id: i as Id,
                label: choices[i].clone(),
                detail: String::new(),
                score: 0,
            };
            return (crate::search::rank_items(query, choices).into_iter().map(word).collect(), None);
        }
        if !query.trim().is_empty() {
            return (shown, Some(self.searcher.start(query, &[kind], PICKER_LIMIT)));
        }
        let ids = self.crm.ordered_ids(kind, crate::crm::Order::Name, false, 20).unwrap_or_default();
        let hits = ids
            .into_iter()
            .map(|id| {
                let label = self.crm.label(RecordRef::new(kind, id));
                crate::search::Hit { kind, id, label, detail: String::new(), score: 0 }
            })
            .collect();
        (hits, None)
    }

    /// Asks the user dialog's question on show: its role or team from a picker of the choices
    /// (the current one selected), any other on a line, the value so far proposed (the first key
    /// typed replaces it).
    pub(super) fn ask_user(&mut self, draft: crate::tui::userform::UserDraft) {
        match draft.choices() {
            Some(choices) => {
                let (hits, _) = self.picker_hits(Kind::Contact, &choices, "", Vec::new());
                let selected = draft.chosen(&choices);
                let (query, purpose) = (LineField::default(), Some(Box::new(PickFor::User(Box::new(draft)))));
                self.open_overlay(Overlay::Picker { field: 0, query, hits, selected, choices, waiting: None, purpose });
            }
            None => {
                let text = LineField::proposed(draft.value());
                self.open_overlay(Overlay::Input { ask: Ask::User(Box::new(draft)), text });
            }
        }
    }

    /// Gives the records of `a` to the user its picker chose, in one write; a refusal (no assign
    /// right, a record the actor may not edit) is said and nothing changes.
    pub(super) fn assign_to(&mut self, a: &Assigning, hit: Option<&crate::search::Hit>) -> Result<()> {
        let Some(login) = hit.and_then(|h| a.logins.get(h.id as usize)) else { return Ok(()) };
        let n = self.crm.assign_many(&a.targets.refs, login)?;
        let who = if n == 1 { a.targets.name.clone() } else { count(n, "record", "records") };
        self.say(format!("{who} assigned to {login}"));
        self.refresh_after_write();
        Ok(())
    }

    /// Fills form field `field` with what its picker chose; a new account is created first.
    pub(super) fn picked(&mut self, field: usize, hit: Option<&crate::search::Hit>) -> Result<()> {
        let Some(hit) = hit else { return Ok(()) };
        let (label, mut id) = (hit.label.clone(), hit.id);
        // Only the account picker offers a new record; a word field's words are numbered from 0.
        let accounts = self.form().and_then(|f| f.picker_kind(field)) == Some(Kind::Account);
        if accounts && id == NEW_ACCOUNT {
            id = self.crm.create(crate::model::Account { name: label.clone(), ..Default::default() })?.id;
            self.say(format!("account {label} created"));
        }
        let crm = self.crm.clone();
        if let Some(form) = self.form_mut() {
            form.pick(field, label, id);
            form.refresh_hint(&crm);
        }
        Ok(())
    }
}

/// One line of the palette: an action, its name and keys, and where it acts when that is not
/// here (the help's section title and the keys there), in which case choosing it says so.
#[derive(Debug, Clone)]
pub struct PaletteEntry {
    /// The action.
    pub action: Action,
    /// What the palette shows.
    pub label: String,
    /// The part of the app it acts in and its keys there, when not in force here.
    pub elsewhere: Option<(&'static str, String)>,
}

/// What a key did in a pick list with a query line (the palette, a form's record picker, the
/// quote's product picker, the import wizard's field picker).
pub(super) enum PickKey {
    /// Esc: close without picking.
    Cancel,
    /// Enter: take the selected entry.
    Choose,
    /// The selection moved (or the key did nothing).
    Moved,
    /// The query changed; the selection is back on the first entry.
    Typed,
}

/// Applies `key` to a pick list of `len` entries narrowed by `query`: the keys of `PICKER`
/// move and choose, every other key edits the query.
pub(super) fn pick_key(key: KeyEvent, query: &mut LineField, selected: &mut usize, len: usize) -> PickKey {
    match keymap::action_in(keymap::PICKER, &key) {
        Some(Action::Back) => PickKey::Cancel,
        Some(Action::Open) => PickKey::Choose,
        Some(Action::Down) => {
            *selected = (*selected + 1).min(len.saturating_sub(1));
            PickKey::Moved
        }
        Some(Action::Up) => {
            *selected = selected.saturating_sub(1);
            PickKey::Moved
        }
        _ if edit_query(query, key) => {
            *selected = 0;
            PickKey::Typed
        }
        _ => PickKey::Moved,
    }
}

/// Applies a typing key to a query line (the search, a list filter, a picker, the palette); says
/// whether the query changed. A query takes at most [`crate::search::MAX_QUERY`] characters, the
/// most a search reads, so that a paste costs no more than a name.
pub(super) fn edit_query(query: &mut LineField, key: KeyEvent) -> bool {
    let typing = matches!(key.code, KeyCode::Char(_)) && !key.modifiers.contains(KeyModifiers::CONTROL);
    if typing && !query.is_selected() && query.value().chars().nth(crate::search::MAX_QUERY - 1).is_some() {
        return false;
    }
    query.handle(key) == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each key the picker table lists does what the table says, and types nothing.
    #[test]
    fn a_pick_list_answers_the_keys_of_its_table() {
        for b in keymap::PICKER {
            for k in b.keys {
                let (mut query, mut selected) = (LineField::new(""), 1);
                let got = pick_key(keymap::key_event(k).unwrap(), &mut query, &mut selected, 3);
                let acted = match b.action {
                    Action::Down => matches!(got, PickKey::Moved) && selected == 2,
                    Action::Up => matches!(got, PickKey::Moved) && selected == 0,
                    Action::Open => matches!(got, PickKey::Choose),
                    Action::Back => matches!(got, PickKey::Cancel),
                    other => panic!("a pick list does not answer {other:?}"),
                };
                assert!(acted && query.value().is_empty(), "{k} should {}", b.help);
            }
        }
        // A key the picker does not bind still types, even one the text keys bind elsewhere.
        let (mut query, mut selected) = (LineField::new(""), 1);
        assert!(matches!(pick_key(keymap::key_event("j").unwrap(), &mut query, &mut selected, 3), PickKey::Typed));
        assert_eq!((query.value(), selected), ("j", 0));
    }
}
