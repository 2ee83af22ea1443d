//! The link worker: a thread that owns the serial link, reads counters and the histogram
//! often and the table less often, passes events on as they arrive, and sends everything to
//! the screen loop over a channel, so a slow dump never blocks the keyboard.

use super::state::Update;
use crate::console::{dump_with, read_phy, read_states};
use crate::events::EventStream;
use crate::link::Link;
use anyhow::Result;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The longest wait for events before the worker looks at its switches again.
const IDLE_WAIT: Duration = Duration::from_millis(50);

/// How often the worker reads the board.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Between counter/histogram readings.
    pub stats_every: Duration,
    /// From the end of one table dump to the start of the next.
    pub table_every: Duration,
}

/// A running worker: its updates, and the switches the screen loop controls.
pub struct Worker {
    pub updates: Receiver<Update>,
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
}

impl Worker {
    /// Stop or resume polling the board (events are still passed on).
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }
}

/// The thread ends at its next step; a dump under way finishes first, so it is not joined.
impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Start the worker on `link`; times in updates are measured from `start`.
pub fn spawn(link: Link, timing: Timing, start: Instant) -> Worker {
    let (tx, updates) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let paused = Arc::new(AtomicBool::new(false));
    let (s, p) = (stop.clone(), paused.clone());
    thread::spawn(move || {
        let mut w = Run {
            link,
            timing,
            start,
            tx,
            stop: s,
            paused: p,
            events: EventStream::new(),
        };
        if let Err(e) = w.run() {
            let _ = w.tx.send(Update::Error(format!("lost the board: {e:#}")));
        }
    });
    Worker {
        updates,
        stop,
        paused,
    }
}

struct Run {
    link: Link,
    timing: Timing,
    start: Instant,
    tx: Sender<Update>,
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
    events: EventStream,
}

impl Run {
    fn run(&mut self) -> Result<()> {
        let mut next_stats = Instant::now();
        let mut next_table = Instant::now();
        while !self.stop.load(Ordering::Relaxed) {
            let polling = !self.paused.load(Ordering::Relaxed);
            if polling && Instant::now() >= next_stats {
                let (counters, histogram) = read_states(&mut self.link)?;
                let at = self.start.elapsed();
                if self.send(Update::Stats {
                    counters,
                    histogram,
                    at,
                }) {
                    return Ok(());
                }
                if let Some(p) = read_phy(&mut self.link) {
                    if self.send(Update::Phy(p)) {
                        return Ok(());
                    }
                }
                next_stats = Instant::now() + self.timing.stats_every;
            }
            if polling && Instant::now() >= next_table {
                if self.dump()? {
                    return Ok(());
                }
                next_table = Instant::now() + self.timing.table_every;
            }
            let wait = if polling {
                next_stats
                    .min(next_table)
                    .saturating_duration_since(Instant::now())
                    .clamp(Duration::from_millis(1), IDLE_WAIT)
            } else {
                IDLE_WAIT
            };
            if self.pass_events(wait)? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Send an update; true when nobody listens any more.
    fn send(&self, u: Update) -> bool {
        self.tx.send(u).is_err()
    }

    /// One table dump, with progress; true when nobody listens any more.
    fn dump(&mut self) -> Result<bool> {
        let t0 = Instant::now();
        let tx = self.tx.clone();
        let (now, slots) = dump_with(&mut self.link, |n| {
            if n % 4 == 0 {
                let _ = tx.send(Update::DumpProgress(n));
            }
        })?;
        Ok(self.send(Update::Table {
            now,
            slots,
            took: t0.elapsed(),
            at: self.start.elapsed(),
        }))
    }

    /// Pass on the events that arrive within `wait`; true when nobody listens any more.
    fn pass_events(&mut self, wait: Duration) -> Result<bool> {
        let mut wait = wait;
        while let Some(f) = self.link.next_event(wait)? {
            if let Some(r) = self.events.accept(&f) {
                if self.send(Update::Event(r)) {
                    return Ok(true);
                }
            }
            wait = Duration::ZERO;
        }
        Ok(false)
    }
}
