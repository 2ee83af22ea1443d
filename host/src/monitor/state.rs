//! What the monitor knows and shows: the latest snapshots from the board, the rates between
//! them, recent events, and the user's choices (sort, filter, pause, help). Updated by
//! `apply` (from the link worker) and `key` (from the keyboard); no I/O.

use super::rates::{rates, Timed};
use super::table::{visible, Row, SortKey};
use crate::events::{event_line, lost_line, Received};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::VecDeque;
use std::time::Duration;
use synscope_model::protocol::payload::{CounterSnapshot, Histogram, Identity, Slot};
use synscope_model::protocol::phy::PhyStatus;

/// Recent event lines kept.
pub const EVENT_LINES: usize = 200;
/// Updates held while paused, at most (the oldest go first).
pub const HELD: usize = 10_000;

/// What the link worker sends.
#[derive(Clone, Debug)]
pub enum Update {
    /// Counters and the per-state histogram, received at `at` (since the monitor started).
    Stats {
        counters: CounterSnapshot,
        histogram: Histogram,
        at: Duration,
    },
    /// A table dump under way: frames received so far.
    DumpProgress(usize),
    /// A whole table dump: the board's time, its live entries, how long the dump took.
    Table {
        now: u32,
        slots: Vec<Slot>,
        took: Duration,
        at: Duration,
    },
    /// The PHY's link as the board's MDIO master last read it.
    Phy(PhyStatus),
    /// One event frame.
    Event(Received),
    /// The link failed; the worker has stopped.
    Error(String),
}

/// What a key asks of the monitor's loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Continue,
    Quit,
}

/// The monitor's state.
#[derive(Debug)]
pub struct View {
    pub port: String,
    pub baud: u32,
    pub identity: Identity,
    pub counters: Option<Timed>,
    /// Per second, in `Counter` order; empty until two snapshots arrived.
    pub rates: Vec<Option<f64>>,
    pub histogram: Option<Histogram>,
    pub rows: Vec<Row>,
    /// The board's time of the last dump.
    pub table_now: u32,
    pub dump_took: Option<Duration>,
    /// Frames of a dump under way.
    pub dump_progress: Option<usize>,
    /// Newest last.
    pub events: VecDeque<String>,
    pub events_seen: u64,
    /// When the last update arrived (since the monitor started).
    pub last_refresh: Option<Duration>,
    /// The Ethernet link (`READ_PHY`), when the board answers it.
    pub phy: Option<PhyStatus>,
    pub error: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    pub filter: String,
    /// The filter being typed after `/` (shown live), until Enter or Esc.
    pub editing: Option<String>,
    pub paused: bool,
    /// Updates that arrived while paused, applied on resume.
    held: Vec<Update>,
    pub help: bool,
    /// First visible row of the table.
    pub scroll: usize,
}

impl View {
    pub fn new(port: &str, baud: u32, identity: Identity) -> View {
        View {
            port: port.to_string(),
            baud,
            identity,
            counters: None,
            rates: Vec::new(),
            histogram: None,
            rows: Vec::new(),
            table_now: 0,
            dump_took: None,
            dump_progress: None,
            events: VecDeque::new(),
            events_seen: 0,
            last_refresh: None,
            phy: None,
            error: None,
            sort: SortKey::Client,
            descending: false,
            filter: String::new(),
            editing: None,
            paused: false,
            held: Vec::new(),
            help: false,
            scroll: 0,
        }
    }

    /// The filter in force (the one being typed, if any).
    pub fn active_filter(&self) -> &str {
        self.editing.as_deref().unwrap_or(&self.filter)
    }

    /// The rows to show, filtered and sorted.
    pub fn visible_rows(&self) -> Vec<&Row> {
        visible(&self.rows, self.active_filter(), self.sort, self.descending)
    }

    /// Take an update from the link worker (held while paused; errors always shown).
    pub fn apply(&mut self, u: Update) {
        if self.paused && !matches!(u, Update::Error(_)) {
            if self.held.len() == HELD {
                self.held.remove(0);
            }
            self.held.push(u);
            return;
        }
        match u {
            Update::Stats {
                counters,
                histogram,
                at,
            } => {
                let cur = Timed {
                    snapshot: counters,
                    at,
                };
                if let Some(prev) = &self.counters {
                    self.rates = rates(prev, &cur);
                }
                self.counters = Some(cur);
                self.histogram = Some(histogram);
                self.last_refresh = Some(at);
            }
            Update::DumpProgress(n) => self.dump_progress = Some(n),
            Update::Phy(p) => self.phy = Some(p),
            Update::Table {
                now,
                slots,
                took,
                at,
            } => {
                self.rows = slots.iter().map(|s| Row::of(now, s)).collect();
                self.table_now = now;
                self.dump_took = Some(took);
                self.dump_progress = None;
                self.last_refresh = Some(at);
            }
            Update::Event(r) => {
                if r.lost_before > 0 {
                    self.push_event(lost_line(r.lost_before));
                }
                self.push_event(event_line(&r.record));
                self.events_seen += 1;
            }
            Update::Error(e) => self.error = Some(e),
        }
    }

    fn push_event(&mut self, line: String) {
        if self.events.len() == EVENT_LINES {
            self.events.pop_front();
        }
        self.events.push_back(line);
    }

    /// Handle one key.
    pub fn key(&mut self, k: KeyEvent) -> Action {
        if k.kind == KeyEventKind::Release {
            return Action::Continue;
        }
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        if let Some(text) = &mut self.editing {
            match k.code {
                KeyCode::Enter => {
                    self.filter = self.editing.take().unwrap_or_default();
                    self.scroll = 0;
                }
                KeyCode::Esc => self.editing = None,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            return Action::Continue;
        }
        if self.help {
            self.help = false;
            return match k.code {
                KeyCode::Char('q') => Action::Quit,
                _ => Action::Continue,
            };
        }
        match k.code {
            KeyCode::Char('q') | KeyCode::Esc => return Action::Quit,
            KeyCode::Char('s') => self.sort = self.sort.next(),
            KeyCode::Char('r') => self.descending = !self.descending,
            KeyCode::Char('/') => self.editing = Some(String::new()),
            KeyCode::Char('c') => self.filter.clear(),
            KeyCode::Char('p') => self.toggle_pause(),
            KeyCode::Char('?') | KeyCode::Char('h') => self.help = true,
            KeyCode::Down | KeyCode::Char('j') => self.scroll = self.scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::PageDown => self.scroll = self.scroll.saturating_add(20),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(20),
            KeyCode::Home => self.scroll = 0,
            _ => {}
        }
        Action::Continue
    }

    fn toggle_pause(&mut self) {
        self.paused = !self.paused;
        if !self.paused {
            for u in std::mem::take(&mut self.held) {
                self.apply(u);
            }
        }
    }
}
