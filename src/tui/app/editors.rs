//! Keys of the editors that hold the screen while open: the record form, the call form, the
//! quote editor and the import wizard's field picker.

use super::*;

impl App {
    /// Keys of the call form: one key picks the outcome, Ctrl-S logs the call.
    pub(super) fn call_key(&mut self, key: KeyEvent) {
        let Some(action) = self.pressed(keymap::CALL, &key) else { return };
        let Some((at, Mode::Call(mut form))) = self.take_top(|m| matches!(m, Mode::Call(_))) else { return };
        // The outcome and direction letters, and Enter, are the form's own: they type in the
        // notes and the follow-up.
        match action {
            Some(Action::Save) => match form.save(&self.crm) {
                Ok((call, task)) => {
                    let mut said = format!(
                        "call with {} logged: {}, {}",
                        form.who,
                        call.outcome,
                        crate::model::format_duration(call.duration_secs)
                    );
                    if let Some(t) = task {
                        let due = t.due.map(|d| format!(" due {}", self.ctx.dates.show(d))).unwrap_or_default();
                        said.push_str(&format!("; follow-up task '{}'{due}", t.title));
                    }
                    self.say(said);
                    self.refresh_after_write();
                    return;
                }
                Err(e) => {
                    if form.error.is_none() {
                        form.error = Some(e.to_string());
                    }
                }
            },
            Some(Action::Back) => {
                if form.outcome.is_some() || !form.notes.value().is_empty() {
                    self.open_overlay(Overlay::Confirm(Confirm::DiscardCall));
                } else {
                    return;
                }
            }
            Some(Action::Pick) if form.focus == crate::tui::call::Slot::Notes => form.notes.newline(),
            Some(Action::NextField | Action::Pick) => form.tab(false),
            Some(Action::PrevField) => form.tab(true),
            Some(Action::Help) => self.open_overlay(Overlay::Help(0)),
            Some(Action::ExternalEditor) => {
                let notes = (form.focus == crate::tui::call::Slot::Notes).then(|| form.notes.value());
                form.error = self.ask_editor(notes);
            }
            _ => form.key(key),
        }
        self.put_back(at, Mode::Call(form));
    }

    /// Keys while the import wizard's field picker is open.
    pub(super) fn import_typing(&mut self, key: KeyEvent) {
        let Some(w) = self.import_mut() else { return };
        let Some(mut picker) = w.picker.take() else { return };
        let len = w.choices().len();
        match pick_key(key, &mut picker.query, &mut picker.selected, len) {
            PickKey::Cancel => {}
            PickKey::Choose => {
                w.picker = Some(picker);
                if let Some(name) = w.choices().get(w.picker.as_ref().map_or(0, |p| p.selected)).copied() {
                    w.choose(name);
                } else {
                    w.picker = None;
                }
            }
            PickKey::Typed | PickKey::Moved => w.picker = Some(picker),
        }
    }

    /// Keys while the quote editor's picker is open or a cell is being typed into.
    pub(super) fn quote_typing(&mut self, key: KeyEvent) {
        let Some(q) = self.quote_mut() else { return };
        if let Some(mut picker) = q.picker.take() {
            match pick_key(key, &mut picker.query, &mut picker.selected, picker.hits.len()) {
                PickKey::Cancel => return,
                PickKey::Choose => {
                    if let Some(&i) = picker.hits.get(picker.selected) {
                        q.add(i);
                    }
                    return;
                }
                PickKey::Typed => q.filter(&mut picker),
                PickKey::Moved => {}
            }
            q.picker = Some(picker);
            return;
        }
        match keymap::action_in(keymap::QUOTE_CELL, &key) {
            Some(Action::Save) => self.act(Action::Save),
            Some(Action::NextField) => q.next_cell(false),
            Some(Action::PrevField) => q.next_cell(true),
            Some(Action::Help) => self.open_overlay(Overlay::Help(0)),
            Some(Action::Done) => q.done(),
            Some(Action::Back) => q.cancel(),
            _ => {
                q.type_key(key);
            }
        }
    }

    pub(super) fn form_key(&mut self, key: KeyEvent) {
        let Some(action) = self.pressed(keymap::FORM, &key) else { return };
        let Some((at, Mode::Form(mut form))) = self.take_top(|m| matches!(m, Mode::Form(_))) else { return };
        match action {
            Some(Action::Save) if form.responding.is_some() => match form.respond(&self.crm) {
                Ok(Some(c)) => {
                    self.refresh_after_write();
                    self.say(format!("{}: response recorded, {} in all", c.name, c.responses.len()));
                    return;
                }
                Ok(None) => self.say_error(form.problem()),
                Err(e) => self.say_error(e.to_string()),
            },
            Some(Action::Save) if form.sending.is_some() => match form.plan(&self.crm) {
                Ok(Some(planned)) => match planned.question(&form.name) {
                    Ok(question) => {
                        let (planned, what) = (Box::new(planned), form.name.clone());
                        self.open_overlay(Overlay::Confirm(Confirm::Send { planned, what, question }));
                        return;
                    }
                    Err(nobody) => self.say_error(nobody),
                },
                Ok(None) => self.say_error(form.problem()),
                Err(e) => self.say_error(e.to_string()),
            },
            Some(Action::Save) if form.composing.is_some() => match form.draft(&self.crm) {
                Ok(Some(draft)) => {
                    let what = format!("the email to {}", form.name);
                    let started = self.send_mail(
                        what,
                        Box::new(move |crm, outbox, _| {
                            let m = crm.send_email(draft, outbox)?;
                            match m.error {
                                None => Ok(format!("{} the email to {}: {}", m.result, m.to, m.subject)),
                                Some(why) => Err(crate::crm::CrmError::Mail(format!("not sent to {}: {why}", m.to))),
                            }
                        }),
                    );
                    if !started {
                        // Not sent (no server, another send under way): the message stays.
                        self.put_back(at, Mode::Form(form));
                    }
                    return;
                }
                Ok(None) => self.say_error(form.problem()),
                Err(e) => self.say_error(e.to_string()),
            },
            Some(Action::Save) => match form.save(&self.crm) {
                Ok(Some(saved)) => {
                    self.refresh_after_write();
                    let name = Targets::named(&self.crm, vec![saved]).name;
                    if form.converting.is_some() {
                        // Say what the conversion made: the person, their account, a deal if any.
                        let made = form.target.and_then(|id| self.crm.get::<Lead>(id).ok()).and_then(|l| l.converted);
                        let label = |kind, id| self.crm.label(RecordRef::new(kind, id));
                        let account = made.as_ref().map(|c| label(Kind::Account, c.account)).unwrap_or_default();
                        let deal = made.as_ref().and_then(|c| c.opportunity);
                        let deal = deal.map(|o| format!(", and the deal {}", label(Kind::Opportunity, o)));
                        let deal = deal.unwrap_or_else(|| ", no deal".to_string());
                        self.say(format!("lead {} converted: {name} at {account}{deal}", form.name));
                        let _ = self.open(saved);
                        return;
                    }
                    let verb = if form.target.is_some() { "saved" } else { "created" };
                    self.say(format!("{verb} {name}"));
                    // A new stage stays in the Settings list it was added to, where its keys are.
                    if form.target.is_none() && form.kind != Kind::Stage {
                        let _ = self.open(saved);
                    }
                    return;
                }
                Ok(None) => self.say_error(form.problem()),
                Err(e) => self.say_error(e.to_string()),
            },
            Some(Action::Reload) => match form.reload(&self.crm) {
                Ok(said) => self.say(said),
                Err(e) => self.say_error(e.to_string()),
            },
            Some(Action::Back) => {
                if form.dirty {
                    self.open_overlay(Overlay::Confirm(Confirm::DiscardForm));
                } else {
                    return;
                }
            }
            Some(Action::Pick) if form.newline() => {}
            Some(Action::ExternalEditor) => {
                let lines = form.lines_field().map(|f| f.value().to_string());
                let refused = self.ask_editor(lines);
                if let Some(f) = form.fields.get_mut(form.focus) {
                    f.error = refused;
                }
            }
            Some(Action::Pick)
                if form.picker_kind(form.focus).is_some() || form.choices(&self.crm, form.focus).is_some() =>
            {
                let choices = form.choices(&self.crm, form.focus).unwrap_or_default();
                let kind = form.picker_kind(form.focus).unwrap_or(Kind::Account);
                // An account typed so far is looked for; a word field offers every word.
                let typed = form.fields[form.focus].value();
                let query = if kind == Kind::Account && choices.is_empty() { typed.as_ref() } else { "" };
                let (hits, waiting) = self.picker_hits(kind, &choices, query, Vec::new());
                let current = form.fields[form.focus].value();
                let selected = hits.iter().position(|h| h.label == current).unwrap_or(0);
                // The account typed so far is proposed: the first key typed replaces it.
                let query = LineField::proposed(query);
                let overlay =
                    Overlay::Picker { field: form.focus, query, hits, selected, choices, waiting, purpose: None };
                self.open_overlay(overlay);
            }
            Some(Action::Help) => self.open_overlay(Overlay::Help(0)),
            Some(Action::NextField | Action::Pick) => form.move_focus(1),
            Some(Action::PrevField) => form.move_focus(-1),
            _ => {
                form.edit(key);
            }
        }
        form.refresh_hint(&self.crm);
        self.put_back(at, Mode::Form(form));
    }

    /// What `key` asks of an editor whose keys are `table`: `Some(action)`, `Some(None)` for a
    /// key the editor types or moves with, `None` while a sequence (`ctrl-x` of `ctrl-x ctrl-e`)
    /// waits for its next key.
    fn pressed(&mut self, table: &'static [Binding], key: &KeyEvent) -> Option<Option<Action>> {
        let Some(name) = keymap::key_name(key) else {
            self.pending.clear();
            return Some(None);
        };
        let seq = if self.pending.is_empty() { name } else { format!("{} {name}", self.pending) };
        match keymap::lookup(&[table], &seq) {
            Lookup::Prefix => {
                self.pending = seq;
                None
            }
            Lookup::Action(a) => {
                self.pending.clear();
                Some(Some(a))
            }
            Lookup::None => {
                self.pending.clear();
                Some(None)
            }
        }
    }

    /// Hands `lines` (the text of the focused field of lines; `None` when the field holds one
    /// line) to `$EDITOR` through the loop; what to say under the field when it cannot.
    fn ask_editor(&mut self, lines: Option<String>) -> Option<String> {
        match lines {
            None => Some("only notes and descriptions open in $EDITOR".into()),
            Some(_) if self.place.is_remote() => Some(crate::tui::place::EDITOR_OFF.into()),
            Some(_) if !self.local_terminal => Some("$EDITOR needs rolo on a local terminal: type here".into()),
            Some(text) => {
                self.editor = Some(text);
                None
            }
        }
    }
}
