//! The full-screen app over a database in a test terminal, driven by key names and read back as
//! text.

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rolo::crm::Crm;
use rolo::tui::{App, Theme};
use tempfile::TempDir;

/// An app over a database, in a test terminal.
pub struct Ui {
    _dir: TempDir,
    pub crm: Arc<Crm>,
    pub app: App,
    pub term: Terminal<TestBackend>,
}

impl Ui {
    /// An empty database.
    pub fn empty(w: u16, h: u16) -> Ui {
        let dir = tempfile::tempdir().unwrap();
        let crm = Arc::new(Crm::open(&dir.path().join("t.redb")).unwrap());
        Ui::with(dir, crm, w, h)
    }

    /// The app over `crm`, whose file lies in `dir`, in a `w`×`h` terminal.
    pub fn with(dir: TempDir, crm: Arc<Crm>, w: u16, h: u16) -> Ui {
        Ui::starting(dir, crm, w, h).unwrap()
    }

    /// [`Ui::with`], or why the app does not start (over a damaged file, say).
    pub fn starting(dir: TempDir, crm: Arc<Crm>, w: u16, h: u16) -> Result<Ui, String> {
        let app = App::new(crm.clone()).map_err(|e| e.to_string())?;
        let term = Terminal::new(TestBackend::new(w, h)).unwrap();
        Ok(Ui { _dir: dir, crm, app, term })
    }

    /// Presses keys named as the key map writes them, separated by spaces: `j`, `enter`, `ctrl-s`.
    pub fn keys(&mut self, keys: &str) -> &mut Ui {
        for k in keys.split_whitespace() {
            // As the real loop does: each key arrives on a prepared, drawn frame.
            self.screen();
            self.app.handle_key(key(k));
            self.app.settle();
        }
        self
    }

    /// Acts a mouse event `kind` at column `x`, row `y`, on a drawn frame.
    pub fn mouse(&mut self, kind: ratatui::crossterm::event::MouseEventKind, x: u16, y: u16) -> &mut Ui {
        use ratatui::crossterm::event::MouseEvent;
        self.screen();
        self.app.mouse(MouseEvent { kind, column: x, row: y, modifiers: KeyModifiers::NONE });
        self.app.settle();
        self
    }

    /// A left click at column `x`, row `y`.
    pub fn click(&mut self, x: u16, y: u16) -> &mut Ui {
        use ratatui::crossterm::event::{MouseButton, MouseEventKind};
        self.mouse(MouseEventKind::Down(MouseButton::Left), x, y)
    }

    /// Types text into whatever has the focus.
    pub fn text(&mut self, text: &str) -> &mut Ui {
        for c in text.chars() {
            self.app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        self.app.settle();
        self
    }

    /// The screen as text, one line per row, once background work is done.
    pub fn screen(&mut self) -> String {
        let size = self.term.size().unwrap();
        self.app.set_viewport(size.width, size.height);
        self.app.settle();
        self.frame()
    }

    /// The screen drawn in `theme`, every cell's colours and attributes with its text (the test
    /// terminal's own account of its buffer), once background work is done.
    pub fn styled(&mut self, theme: &Theme) -> String {
        self.screen();
        let app = &self.app;
        self.term.draw(|f| rolo::tui::draw(f, app, theme)).unwrap();
        format!("{:?}", self.term.backend().buffer())
    }

    /// The next frame as text, drawn at once, whatever is still being worked out.
    pub fn frame(&mut self) -> String {
        let app = &self.app;
        self.term.draw(|f| rolo::tui::draw(f, app, &Theme::plain())).unwrap();
        let buf = self.term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            let mut x = 0;
            while x < buf.area.width {
                // A wide character covers the next cell too, as in a terminal.
                let symbol = buf[(x, y)].symbol();
                line.push_str(symbol);
                x += rolo::text::width(symbol).max(1) as u16;
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// The key event a key map name stands for: `j`, `G`, `enter`, `ctrl-s`, `shift-left`...
pub fn key(name: &str) -> KeyEvent {
    rolo::tui::keymap::key_event(name).unwrap_or_else(|| panic!("unknown key {name}"))
}
