//! The source worker: a thread that opens the source (a board's serial link, or a live
//! capture the model tracks), reads counters and the histogram often and the table less often,
//! passes events on as they arrive, and sends everything to the screen loop over a channel, so
//! neither a slow dump nor a board that does not answer ever blocks the keyboard.

use super::state::{Source, Update};
use super::table::Row;
use crate::console::{dump_with, read_phy, read_states, PortArgs};
use crate::events::{enable_all, BoardLosses, ConnEvent, EventStream};
use crate::link::Link;
use anyhow::Result;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};
use synscope_model::protocol::payload::{Config, Histogram};
use synscope_model::protocol::slot::SlotLayout;
use synscope_model::protocol::Op;

/// The longest wait for events before the worker looks at its switches again.
const IDLE_WAIT: Duration = Duration::from_millis(50);
/// How long quitting waits for the worker to put the board back (line rate, event mask).
const FINISH_WAIT: Duration = Duration::from_secs(2);

/// How often the worker reads the source.
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
    done: Receiver<()>,
}

impl Worker {
    /// Stop or resume polling the source (events are still passed on).
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    /// Stop the worker and give it a moment to close its source cleanly (the board's line
    /// rate and event mask put back); a worker stuck on a dead board is left behind.
    pub fn finish(self) {
        self.stop.store(true, Ordering::Relaxed);
        match self.done.recv_timeout(FINISH_WAIT) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) | Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// Switches shared with the thread.
#[derive(Clone)]
pub struct Switches {
    pub stop: Arc<AtomicBool>,
    pub paused: Arc<AtomicBool>,
}

impl Switches {
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
    pub fn polling(&self) -> bool {
        !self.paused.load(Ordering::Relaxed)
    }
}

/// Run `body` on a thread with the channel and the switches; its error becomes an
/// `Update::Error`.
pub fn spawn_with(
    body: impl FnOnce(&Sender<Update>, &Switches) -> Result<()> + Send + 'static,
) -> Worker {
    let (tx, updates) = channel();
    let (done_tx, done) = channel();
    let sw = Switches {
        stop: Arc::new(AtomicBool::new(false)),
        paused: Arc::new(AtomicBool::new(false)),
    };
    let (stop, paused) = (sw.stop.clone(), sw.paused.clone());
    thread::spawn(move || {
        if let Err(e) = body(&tx, &sw) {
            let _ = tx.send(Update::Error(format!("{e:#}")));
        }
        let _ = done_tx.send(());
    });
    Worker {
        updates,
        stop,
        paused,
        done,
    }
}

/// Start the worker on the board at `port`: it connects (finding the line rate), then polls;
/// times in updates are measured from `start`.
pub fn spawn(port: PortArgs, timing: Timing, start: Instant) -> Worker {
    spawn_with(move |tx, sw| {
        let (mut link, id) = port.connect()?;
        enable_all(&mut link)?;
        let timeouts = Config::decode(&link.request(Op::GetConfig, vec![])?).map(|c| c.timeouts);
        let _ = tx.send(Update::Connected(Source {
            port: link.name().to_string(),
            baud: Some(link.baud()),
            identity: Some(id),
            timeouts,
        }));
        let mut w = Run {
            link,
            timing,
            start,
            tx: tx.clone(),
            sw: sw.clone(),
            events: EventStream::new(),
            now: None,
            timeouts,
            layout: id.layout()?,
        };
        w.run().map_err(|e| e.context("lost the board"))
    })
}

struct Run {
    link: Link,
    timing: Timing,
    start: Instant,
    tx: Sender<Update>,
    sw: Switches,
    events: EventStream,
    /// The board's clock at the last counter reading (to date events).
    now: Option<u32>,
    /// The board's timeouts (each entry's time left).
    timeouts: Option<synscope_model::Timeouts>,
    /// How the board's slots split into bucket and way.
    layout: SlotLayout,
}

impl Run {
    fn run(&mut self) -> Result<()> {
        let mut next_stats = Instant::now();
        let mut next_table = Instant::now();
        while !self.sw.stopped() {
            let polling = self.sw.polling();
            if polling && Instant::now() >= next_stats {
                let (counters, histogram) = read_states(&mut self.link)?;
                let link = self.link.request(Op::ReadLink, vec![])?;
                self.now = Some(counters.now);
                let losses = Some(BoardLosses::of(&counters, &link));
                let at = self.start.elapsed();
                if self.send(Update::Stats {
                    counters,
                    histogram,
                    losses,
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
        let rows = slots
            .iter()
            .map(|s| {
                let slot = Some(self.layout.pos(s.slot));
                Row::of_entry(now, &s.entry, slot, self.timeouts.as_ref())
            })
            .collect();
        Ok(self.send(Update::Table {
            now,
            rows,
            took: t0.elapsed(),
            at: self.start.elapsed(),
        }))
    }

    /// Pass on the events that arrive within `wait`; true when nobody listens any more.
    fn pass_events(&mut self, wait: Duration) -> Result<bool> {
        let mut wait = wait;
        while let Some(f) = self.link.next_event(wait)? {
            if let Some(r) = self.events.accept(&f) {
                if r.lost_before > 0 && self.send(Update::Lost(r.lost_before as u64)) {
                    return Ok(true);
                }
                let e = ConnEvent::of_record(&r.record, SystemTime::now(), self.now, self.layout);
                if self.send(Update::Event(e)) {
                    return Ok(true);
                }
            }
            wait = Duration::ZERO;
        }
        Ok(false)
    }
}

/// A histogram of `u64` counts as the board's `u16` gauges (saturating).
pub fn histogram_of(h: [[u64; synscope_model::TcpState::COUNT]; 2]) -> Histogram {
    let mut out = Histogram::default();
    for (i, n) in h[0].iter().enumerate() {
        out.client[i] = (*n).min(u16::MAX as u64) as u16;
    }
    for (i, n) in h[1].iter().enumerate() {
        out.server[i] = (*n).min(u16::MAX as u64) as u16;
    }
    out
}
