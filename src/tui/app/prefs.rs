//! The user's preferences applied to the app as it opens: the screen it opens on, their theme,
//! their date conventions (carried by the session) and keys of their own, which the key lookup
//! asks before the tables.

use super::App;
use crate::model::Prefs;
use crate::tui::Theme;
use crate::tui::keymap::{Binding, Lookup};
use crate::tui::prefs::{overrides, screen_named};

impl App {
    /// Opens on the user's screen and takes their keys (what no longer reads is skipped).
    pub(super) fn apply_prefs(&mut self, prefs: Prefs) {
        if let Some(screen) = prefs.default_screen.as_deref().and_then(screen_named) {
            self.screen = screen;
        }
        self.own_keys = overrides(&prefs);
        // Dates are written the user's way wherever the app shows or reads one.
        let session = self.crm.session().clone().with_dates(prefs.dates());
        self.crm = std::sync::Arc::new(self.crm.with_session(session));
        self.tick();
        self.prefs = prefs;
    }

    /// Lays `local` (the config file's preferences) over the user's: what it sets wins, a key
    /// it gives an action replaces the record's for that action.
    pub fn prefer(&mut self, local: &Prefs) {
        let mut prefs = self.prefs.clone();
        prefs.theme = local.theme.clone().or(prefs.theme);
        prefs.date_format = local.date_format.clone().or(prefs.date_format);
        prefs.week_start = local.week_start.clone().or(prefs.week_start);
        if local.default_screen.is_some() {
            prefs.default_screen = local.default_screen.clone();
        }
        prefs.keys.retain(|(action, _)| !local.keys.iter().any(|(a, _)| a == action));
        prefs.keys.extend(local.keys.iter().cloned());
        self.apply_prefs(prefs);
    }

    /// How the user writes dates and where their weeks start (the config file's over the
    /// record's), as every screen shows and reads them.
    pub fn dates(&self) -> crate::model::Dates {
        self.ctx.dates
    }

    /// The user's own keys that read, `(key, action)`: the help lists them first.
    pub fn own_keys(&self) -> &[(String, crate::tui::Action)] {
        &self.own_keys
    }

    /// The keys that do `b`'s action where `tables` are in force: the user's own first, then the
    /// table's, less those the user gave to another action there. Hints and the palette say these.
    pub fn keys_of(&self, tables: &[&[Binding]], b: &Binding) -> Vec<String> {
        let bound = |action| tables.iter().any(|t| t.iter().any(|x| x.action == action));
        let taken = |k: &str| self.own_keys.iter().any(|(key, a)| key == k && *a != b.action && bound(*a));
        let own = self.own_keys.iter().filter(|(_, a)| *a == b.action).map(|(k, _)| k.clone());
        own.chain(b.keys.iter().filter(|k| !taken(k)).map(|k| k.to_string())).collect()
    }

    /// The theme the user chose, plain when their terminal asks for no colour (`NO_COLOR`):
    /// what the loop draws with.
    pub fn theme(&self, no_color: bool) -> Theme {
        Theme::for_user(&self.prefs, no_color)
    }

    /// What the key sequence `seq` means among the user's own keys, for an action the tables in
    /// force bind (so a key of theirs acts where its action does, before any other use of it).
    pub(super) fn own_key(&self, tables: &[&[Binding]], seq: &str) -> Option<Lookup> {
        let bound = |action| tables.iter().any(|t| t.iter().any(|b| b.action == action));
        let mine = self.own_keys.iter().filter(|(_, a)| bound(*a));
        let mut prefix = false;
        for (key, action) in mine {
            if key == seq {
                return Some(Lookup::Action(*action));
            }
            prefix |= key.starts_with(seq) && key.as_bytes().get(seq.len()) == Some(&b' ');
        }
        prefix.then_some(Lookup::Prefix)
    }
}
