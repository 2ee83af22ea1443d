//! What the monitor knows and shows: the latest snapshots from the board, the rates between
//! them, recent events, and the user's choices (sort, filter, pause, help). Updated by
//! `apply` (from the link worker) and `key` (from the keyboard); no I/O.

use super::rates::{rates, Timed};
use super::table::{visible, Row, SortKey};
use crate::events::{lost_line, BoardLosses, ConnEvent};
use crate::filter::{Conn, FilterArgs};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::VecDeque;
use std::time::Duration;
use synscope_model::protocol::payload::{CounterSnapshot, Histogram, Identity};
use synscope_model::Timeouts;

/// Recent event lines kept.
pub const EVENT_LINES: usize = 200;
/// Updates held while paused, at most (the oldest go first).
pub const HELD: usize = 10_000;

/// What the source of a monitor is, once it is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Where: a serial port, or a network interface.
    pub port: String,
    /// The line rate found and raised to (a board).
    pub baud: Option<u32>,
    /// A board's identity; none for the model on a live capture.
    pub identity: Option<Identity>,
    /// The timeouts its entries age by (each entry's time left).
    pub timeouts: Option<Timeouts>,
}

/// What the link worker sends.
#[derive(Clone, Debug)]
pub enum Update {
    /// The source is open (the board answered, its line rate is settled).
    Connected(Source),
    /// Counters and the per-state histogram, received at `at` (since the monitor started),
    /// and the events the board could not send so far.
    Stats {
        counters: CounterSnapshot,
        histogram: Histogram,
        losses: Option<BoardLosses>,
        at: Duration,
    },
    /// A table dump under way: frames received so far.
    DumpProgress(usize),
    /// A whole table: the board's (or the model's) time, its entries, how long reading took.
    Table {
        now: u32,
        rows: Vec<Row>,
        took: Duration,
        at: Duration,
    },
    /// One event.
    Event(ConnEvent),
    /// Event frames lost on the link (a gap in their sequence).
    Lost(u64),
    /// A line for the events pane.
    Note(String),
    /// The link failed; the worker has stopped.
    Error(String),
}

/// A line of the events pane: an event (formatted at the pane's width) or a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventLine {
    Event(ConnEvent),
    Note(String),
}

impl EventLine {
    /// The text, at most `width` wide where the event's narrower forms allow.
    pub fn text(&self, width: Option<usize>) -> String {
        match self {
            EventLine::Event(e) => e.line(width),
            EventLine::Note(n) => n.clone(),
        }
    }
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
    /// The line rate (a board), once connected.
    pub baud: Option<u32>,
    /// The board's identity; none before it answered, and for the model on a live capture.
    pub identity: Option<Identity>,
    /// A live capture's interface (the model tracks it).
    pub live: bool,
    pub connected: bool,
    pub timeouts: Option<Timeouts>,
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
    pub events: VecDeque<EventLine>,
    pub events_seen: u64,
    /// Events the board could not send: at the first reading, and now.
    pub losses: Option<(BoardLosses, BoardLosses)>,
    /// When the last update arrived (since the monitor started).
    pub last_refresh: Option<Duration>,
    pub error: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    /// The conntrack-like filters of the command line (rows and events).
    pub select: FilterArgs,
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
    /// A board's view, connected at `baud`.
    pub fn new(port: &str, baud: u32, identity: Identity) -> View {
        let mut v = View::connecting(port, false);
        v.apply(Update::Connected(Source {
            port: port.to_string(),
            baud: Some(baud),
            identity: Some(identity),
            timeouts: None,
        }));
        v
    }

    /// A view before its source answered (`live`: an interface the model watches).
    pub fn connecting(port: &str, live: bool) -> View {
        View {
            port: port.to_string(),
            baud: None,
            identity: None,
            live,
            connected: false,
            timeouts: None,
            counters: None,
            rates: Vec::new(),
            histogram: None,
            rows: Vec::new(),
            table_now: 0,
            dump_took: None,
            dump_progress: None,
            events: VecDeque::new(),
            events_seen: 0,
            losses: None,
            last_refresh: None,
            error: None,
            sort: SortKey::Client,
            descending: false,
            select: FilterArgs::default(),
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
        let mut v = visible(&self.rows, self.active_filter(), self.sort, self.descending);
        if !self.select.is_empty() {
            v.retain(|r| {
                self.select.matches(&Conn {
                    client: r.client,
                    server: r.server,
                    client_state: r.client_state,
                    server_state: r.server_state,
                })
            });
        }
        v
    }

    /// The rows that pass the command line's filters (what "of N" counts).
    pub fn selected(&self) -> usize {
        if self.select.is_empty() {
            return self.rows.len();
        }
        self.rows
            .iter()
            .filter(|r| {
                self.select.matches(&Conn {
                    client: r.client,
                    server: r.server,
                    client_state: r.client_state,
                    server_state: r.server_state,
                })
            })
            .count()
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
            Update::Connected(s) => {
                self.port = s.port;
                self.baud = s.baud;
                self.identity = s.identity;
                self.timeouts = s.timeouts;
                self.connected = true;
            }
            Update::Stats {
                counters,
                histogram,
                losses,
                at,
            } => {
                if let Some(now) = losses {
                    let first = self.losses.map_or(now, |(first, _)| first);
                    let before = self.losses.map_or(now, |(_, last)| last);
                    let new = now.since(&before);
                    if new.total() > 0 {
                        self.push_event(EventLine::Note(new.line()));
                    }
                    self.losses = Some((first, now));
                }
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
            Update::Table {
                now,
                rows,
                took,
                at,
            } => {
                self.rows = rows;
                self.table_now = now;
                self.dump_took = Some(took);
                self.dump_progress = None;
                self.last_refresh = Some(at);
            }
            Update::Lost(n) => self.push_event(EventLine::Note(lost_line(n))),
            Update::Note(n) => self.push_event(EventLine::Note(n)),
            Update::Event(e) => {
                if e.matches(&self.select) {
                    self.push_event(EventLine::Event(e));
                    self.events_seen += 1;
                }
            }
            Update::Error(e) => self.error = Some(e),
        }
    }

    /// What is watched: `PORT @ BAUD | BOARD, N entries (protocol P, design D)`, the model on
    /// an interface, or the port still being opened.
    pub fn source_line(&self) -> String {
        match (&self.identity, self.live, self.connected) {
            (_, _, false) => format!(
                "{}: {}",
                self.port,
                if self.live {
                    "opening the capture..."
                } else {
                    "connecting (finding the line rate)..."
                }
            ),
            (_, true, true) => format!("{} | the model on a live capture", self.port),
            (Some(id), false, true) => format!(
                "{} @ {} | {}, {} entries (protocol {}, design {})",
                self.port,
                self.baud.map_or("?".to_string(), |b| b.to_string()),
                id.board_name(),
                id.capacity(),
                id.protocol,
                id.design
            ),
            (None, false, true) => self.port.clone(),
        }
    }

    /// Events the board could not send since the monitor started.
    pub fn lost_on_board(&self) -> u64 {
        self.losses
            .map_or(0, |(first, now)| now.since(&first).total())
    }

    fn push_event(&mut self, line: EventLine) {
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
