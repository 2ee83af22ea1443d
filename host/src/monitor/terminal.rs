//! The full-screen terminal: raw mode and the alternate screen while the monitor runs, the
//! user's terminal given back on every way out (return, error, panic).

use anyhow::{Context, Result};
use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{stdout, Stdout};
use std::sync::Once;

/// The terminal in full-screen mode; dropping it restores the terminal.
pub struct Screen {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    /// Switch to raw mode and the alternate screen.
    pub fn enter() -> Result<Screen> {
        restore_on_panic();
        enable_raw_mode().context("cannot put the terminal in raw mode")?;
        let screen = Screen {
            terminal: Terminal::new(CrosstermBackend::new(stdout()))
                .context("cannot use the terminal")?,
        };
        execute!(stdout(), EnterAlternateScreen, Hide)
            .context("cannot switch to the alternate screen")?;
        Ok(screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// Leave raw mode and the alternate screen, show the cursor (harmless when not entered).
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

/// A panic restores the terminal before its message is printed (once per process).
fn restore_on_panic() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
