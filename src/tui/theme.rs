//! The themes: colour carries meaning only, and every meaning also reads without colour (bold,
//! reverse, symbols), so plain terminals and NO_COLOR lose nothing. Each theme is a palette of
//! those meanings for one kind of terminal.

use ratatui::style::{Color, Modifier, Style};

/// Styles by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// The colours, or none (plain).
    palette: Option<Palette>,
}

/// The colours of one theme, by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Palette {
    /// Hints and empty fields; none when the theme never fades text.
    dim: Option<Color>,
    /// The selected row's background and text.
    focus: (Color, Color),
    marked: Color,
    error: Color,
    ok: Color,
    matched: Color,
}

/// The themes by name, the default first: dark and light for terminals of 256 colours on a dark
/// or a light background, high-contrast for low vision and bright rooms, 16-color for old
/// terminals (the eight basic colours only), plain for none.
pub const THEMES: [&str; 5] = ["dark", "light", "high-contrast", "16-color", "plain"];

/// Dark backgrounds: the colours rolo has always had.
const DARK: Palette = Palette {
    dim: Some(Color::DarkGray),
    focus: (Color::Blue, Color::White),
    marked: Color::Yellow,
    error: Color::Red,
    ok: Color::Green,
    matched: Color::Yellow,
};

/// Light backgrounds: deeper tones that read on white (yellow does not).
const LIGHT: Palette = Palette {
    dim: Some(Color::Indexed(244)),
    focus: (Color::Indexed(25), Color::Indexed(231)),
    marked: Color::Indexed(130),
    error: Color::Indexed(160),
    ok: Color::Indexed(28),
    matched: Color::Indexed(90),
};

/// Nothing faded, the selection black on yellow, meanings in the bright colours.
const HIGH_CONTRAST: Palette = Palette {
    dim: None,
    focus: (Color::Yellow, Color::Black),
    marked: Color::LightCyan,
    error: Color::LightRed,
    ok: Color::LightGreen,
    matched: Color::LightYellow,
};

/// Old terminals: the eight basic colours only (no bright grey, which some draw as black), faded
/// text by the terminal's own dim.
const SIXTEEN: Palette = Palette {
    dim: None,
    focus: (Color::Blue, Color::White),
    marked: Color::Yellow,
    error: Color::Red,
    ok: Color::Green,
    matched: Color::Yellow,
};

impl Theme {
    /// Whether this process was asked for no colour: the `NO_COLOR` environment variable set
    /// to anything non-empty.
    pub fn no_color_asked() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    /// The theme called `name` (any case; `color` is the dark one, as rolo once called it, and
    /// `16-colour` is spelt either way).
    pub fn named(name: &str) -> Option<Theme> {
        let palette = match name.trim().to_lowercase().as_str() {
            "dark" | "color" | "colour" => Some(DARK),
            "light" => Some(LIGHT),
            "high-contrast" => Some(HIGH_CONTRAST),
            "16-color" | "16-colour" | "16" => Some(SIXTEEN),
            "plain" => None,
            _ => return None,
        };
        Some(Theme { palette })
    }

    /// The default theme (dark).
    pub fn color() -> Theme {
        Theme { palette: Some(DARK) }
    }

    /// A theme without colour (tests, NO_COLOR).
    pub fn plain() -> Theme {
        Theme { palette: None }
    }

    /// `color` as foreground, when the theme has colour.
    fn fg(&self, color: impl Fn(&Palette) -> Color) -> Style {
        self.palette.map_or(Style::new(), |p| Style::new().fg(color(&p)))
    }

    /// Ordinary text.
    pub fn text(&self) -> Style {
        Style::new()
    }

    /// Less important text: hints, empty fields.
    pub fn dim(&self) -> Style {
        match self.palette {
            Some(Palette { dim: Some(c), .. }) => Style::new().fg(c),
            // High contrast fades nothing.
            Some(p) if p == HIGH_CONTRAST => Style::new(),
            _ => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// Titles and headers.
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row, the current screen.
    pub fn focus(&self) -> Style {
        match self.palette {
            Some(Palette { focus: (bg, fg), .. }) => Style::new().bg(bg).fg(fg).add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    /// Marked rows.
    pub fn marked(&self) -> Style {
        self.fg(|p| p.marked).add_modifier(Modifier::BOLD)
    }

    /// Errors and overdue things.
    pub fn error(&self) -> Style {
        self.fg(|p| p.error).add_modifier(Modifier::BOLD)
    }

    /// Good news: saved, won.
    pub fn ok(&self) -> Style {
        self.fg(|p| p.ok)
    }

    /// Matched characters in search results.
    pub fn matched(&self) -> Style {
        self.fg(|p| p.matched).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}
