//! `synscope monitor`: a live full-screen view of a board (or of the simulated board's
//! pseudo-terminal): the connection table (sortable, filterable), the per-state histogram,
//! counters with rates, recent events, and a status line.
//!
//! The pure parts (`state`, `table`, `rates`, `render`, `once::text`) know no terminal and
//! no link; `worker` owns the link on its own thread, `terminal` owns the screen.

pub mod capture;
pub mod once;
pub mod rates;
pub mod render;
pub mod state;
pub mod table;
pub mod terminal;
pub mod worker;

use crate::analyze::TimeoutArgs;
use crate::console::PortArgs;
use crate::filter::FilterArgs;
use crate::output::write_stdout;
use anyhow::{bail, Result};
use clap::Args;
use crossterm::event::{self, Event};
use state::{Action, View};
use std::io::IsTerminal;
use std::sync::mpsc::TryRecvError;
use std::time::{Duration, Instant};
use terminal::Screen;
use worker::Timing;

/// How long a link error stays on the screen before the monitor exits with it.
const ERROR_LINGER: Duration = Duration::from_millis(1500);
/// Updates applied per turn of the screen loop, at most.
const UPDATES_PER_TURN: usize = 10_000;
/// The longest the screen loop waits for a key before redrawing.
const TICK: Duration = Duration::from_millis(100);

#[derive(Args, Clone, Debug)]
pub struct MonitorArgs {
    /// Print one plain-text snapshot and exit (for scripts; no terminal needed).
    #[arg(long, conflicts_with = "interface")]
    pub once: bool,
    /// Watch a network interface instead of a board: the model tracks its frames live
    /// (libpcap; root or CAP_NET_RAW).
    #[arg(short = 'i', long, value_name = "IFACE")]
    pub interface: Option<String>,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
    #[command(flatten)]
    pub select: FilterArgs,
    /// Start with this filter (words: address, ADDR:PORT, :PORT or state; all must match).
    #[arg(long, default_value = "")]
    pub filter: String,
    /// Seconds between counter and histogram readings.
    #[arg(long, default_value_t = 0.5, value_parser = positive_seconds)]
    pub interval: f64,
    /// Seconds from the end of one table dump to the next.
    #[arg(long, default_value_t = 3.0, value_parser = positive_seconds)]
    pub table_interval: f64,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 3600.0 => Ok(x),
        _ => Err(format!("'{s}': seconds, more than 0 and at most 3600")),
    }
}

impl MonitorArgs {
    fn timing(&self) -> Timing {
        Timing {
            stats_every: Duration::from_secs_f64(self.interval),
            table_every: Duration::from_secs_f64(self.table_interval),
        }
    }
}

/// Run the monitor on the board at `port`, or on a live capture.
pub fn run(a: &MonitorArgs, port: &PortArgs) -> Result<()> {
    if !a.once && !std::io::stdout().is_terminal() {
        bail!(
            "monitor needs a terminal and stdout is not one; \
             `synscope monitor --once` prints one plain-text snapshot"
        );
    }
    if a.once {
        let (mut link, id) = port.connect()?;
        let mut view = View::new(link.name(), link.baud(), id);
        view.filter = a.filter.clone();
        view.select = a.select.clone();
        once::snapshot(&mut link, &mut view, id.layout()?)?;
        return write_stdout(once::text(&view).as_bytes());
    }
    let start = Instant::now();
    let (mut view, worker) = match &a.interface {
        Some(iface) => {
            let config = synscope_model::TrackerConfig {
                shape: synscope_model::TableShape::Unbounded,
                timeouts: a.timeouts.timeouts()?,
            };
            (
                View::connecting(iface, true),
                capture::spawn(iface.clone(), config, a.timing(), start),
            )
        }
        None => (
            View::connecting(&port.name()?, false),
            worker::spawn(port.clone(), a.timing(), start),
        ),
    };
    view.filter = a.filter.clone();
    view.select = a.select.clone();
    let mut screen = Screen::enter()?;
    let result = live(&mut screen, &worker, &mut view, start);
    drop(screen);
    worker.finish();
    result
}

/// The screen loop: apply updates, draw, handle keys; a link error is shown, then returned.
fn live(
    screen: &mut Screen,
    worker: &worker::Worker,
    view: &mut View,
    start: Instant,
) -> Result<()> {
    let mut failed_at: Option<Instant> = None;
    loop {
        // At most a bounded batch per turn, so a flood of events cannot starve the keys.
        for _ in 0..UPDATES_PER_TURN {
            match worker.updates.try_recv() {
                Ok(u) => view.apply(u),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if view.error.is_none() {
                        view.error = Some("the link worker stopped".to_string());
                    }
                    break;
                }
            }
        }
        if view.error.is_some() && failed_at.is_none() {
            failed_at = Some(Instant::now());
        }
        worker.set_paused(view.paused);
        screen
            .terminal
            .draw(|f| render::draw(f, view, start.elapsed()))?;
        if let (Some(t), Some(e)) = (failed_at, &view.error) {
            if t.elapsed() >= ERROR_LINGER {
                bail!("{e}");
            }
        }
        if event::poll(TICK)? {
            if let Event::Key(k) = event::read()? {
                if view.key(k) == Action::Quit {
                    return Ok(());
                }
            }
        }
    }
}
