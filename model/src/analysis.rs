//! Offline analysis: a capture's frames through the tracker, with per-connection statistics that
//! the hardware does not keep (packets, bytes, RST classes, flags seen, times).

use crate::counters::Counters;
use crate::descriptor::{Endpoint, FlowKey};
use crate::entry::{Entry, LO};
use crate::flags::TcpFlags;
use crate::frame::{pad_to_minimum, peek_endpoints, MIN_FRAME_LEN};
use crate::prefetch::prefetch;
use crate::state::TcpState;
use crate::tracker::{Event, EventSink, RemoveReason, RstClass, Tracker, TrackerConfig, Verdict};
use rustc_hash::{FxHashMap, FxHashSet};
use std::time::Duration;

/// What is known of one connection (one 4-tuple) at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionReport {
    pub client: Endpoint,
    pub server: Endpoint,
    pub client_state: TcpState,
    pub server_state: TcpState,
    /// First seen mid-stream: the roles were inferred.
    pub picked_up: bool,
    /// Successive connections carried by this 4-tuple (1 for most); the states are the last's.
    pub incarnations: u32,
    /// Segments client → server and server → client.
    pub packets: [u64; 2],
    /// Payload bytes client → server and server → client.
    pub bytes: [u64; 2],
    /// RSTs by class: exact, in window, out of window, unverified (RFC 5961 §3).
    pub rst: [u64; 4],
    /// Every control bit seen on the connection.
    pub flags_seen: TcpFlags,
    pub first_seen: Duration,
    pub last_seen: Duration,
    /// Why it left the table, if it did (it is still reported).
    pub removed: Option<RemoveReason>,
}

/// The result of an analysis.
#[derive(Clone, Debug)]
pub struct AnalysisReport {
    /// Every connection seen, closed ones included, in order of first appearance.
    pub connections: Vec<ConnectionReport>,
    pub counters: Counters,
    /// Endpoints seen answering a SYN with a SYN-ACK: known to listen.
    pub listeners: Vec<Endpoint>,
    /// Frames the capture file cut short (snap length). Those whose headers were complete were
    /// tracked; the others are counted `drop_snap_truncated`.
    pub capture_truncated: u64,
    /// Time of the last frame: the moment the end states are taken at.
    pub end_time: Duration,
}

/// What every segment of a connection updates: one cache line.
#[derive(Default, Clone, Copy)]
#[repr(align(64))]
struct Counts {
    /// Indexed by sender: 0 = lo → hi, 1 = hi → lo.
    packets: [u64; 2],
    bytes: [u64; 2],
    last_seen: Duration,
    flags_seen: u16,
}

/// What a connection's creation, removal or RSTs update.
#[derive(Clone, Copy)]
struct Life {
    incarnations: u32,
    rst: [u64; 4],
    first_seen: Duration,
    /// Where the connection's entry is.
    place: Place,
}

/// Where a connection's entry is: a live table slot, or among the departed.
#[derive(Clone, Copy)]
enum Place {
    Live(u32),
    Gone(u32),
}

/// No connection in this slot.
const NO_CONNECTION: u32 = u32::MAX;

/// Statistics of every connection by number, in order of first appearance (a connection keeps
/// its number when its 4-tuple comes back after its entry left the table), so the report is
/// built in one pass, with no sort.
#[derive(Default)]
struct Records {
    counts: Vec<Counts>,
    life: Vec<Life>,
    /// The connection in each table slot, or [`NO_CONNECTION`].
    by_slot: Vec<u32>,
    /// Entries that left the table, as they left, and why.
    gone: Vec<(Entry, RemoveReason)>,
    /// The connection of a 4-tuple whose entry left the table.
    gone_index: FxHashMap<FlowKey, u32>,
    /// The analysis is over: no 4-tuple comes back.
    finishing: bool,
    now: Duration,
}

impl Records {
    /// The connection in table slot `slot`.
    #[inline]
    fn in_slot(&self, slot: usize) -> Option<usize> {
        match self.by_slot.get(slot) {
            Some(&c) if c != NO_CONNECTION => Some(c as usize),
            _ => None,
        }
    }
}

impl EventSink for Records {
    #[inline]
    fn event(&mut self, e: Event) {
        match e {
            Event::Created { entry, slot, .. } => self.created(&entry, slot),
            Event::Reincarnated { slot, .. } => {
                if let Some(c) = self.in_slot(slot) {
                    self.life[c].incarnations += 1;
                }
            }
            Event::Removed {
                entry,
                slot,
                reason,
                ..
            } => self.removed(&entry, slot, reason),
            Event::StateChanged { .. } | Event::Refused { .. } => {}
        }
    }
}

impl Records {
    fn created(&mut self, entry: &Entry, slot: usize) {
        let c = match self.gone_index.remove(&entry.key) {
            // The same 4-tuple again after its entry left the table.
            Some(c) => c,
            None => {
                self.counts.push(Counts::default());
                self.life.push(Life {
                    incarnations: 0,
                    rst: [0; 4],
                    first_seen: self.now,
                    place: Place::Live(0),
                });
                (self.life.len() - 1) as u32
            }
        };
        if self.by_slot.len() <= slot {
            self.by_slot.resize(slot + 1, NO_CONNECTION);
        }
        self.by_slot[slot] = c;
        let life = &mut self.life[c as usize];
        life.place = Place::Live(slot as u32);
        life.incarnations += 1;
    }

    fn removed(&mut self, entry: &Entry, slot: usize, reason: RemoveReason) {
        let Some(c) = self.in_slot(slot) else {
            return;
        };
        self.by_slot[slot] = NO_CONNECTION;
        self.life[c].place = Place::Gone(self.gone.len() as u32);
        self.gone.push((*entry, reason));
        if !self.finishing {
            self.gone_index.insert(entry.key, c as u32);
        }
    }
}

/// Runs frames through a tracker and keeps per-connection statistics.
pub struct Analyzer {
    tracker: Tracker,
    records: Records,
    /// Unordered while frames come; sorted once at the end.
    listeners: FxHashSet<Endpoint>,
    capture_truncated: u64,
    pad: Vec<u8>,
}

impl Analyzer {
    pub fn new(config: TrackerConfig) -> Self {
        Analyzer {
            tracker: Tracker::new(config),
            records: Records::default(),
            listeners: FxHashSet::default(),
            capture_truncated: 0,
            pad: Vec::with_capacity(64),
        }
    }

    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// Hint: the frame `data` comes a few frames from now. Starts loading what finding its
    /// connection reads first; changes nothing.
    #[inline]
    pub fn prefetch_lookup(&self, data: &[u8]) {
        if let Some((src, dst)) = peek_endpoints(data) {
            self.tracker.prefetch_lookup(src, dst);
        }
    }

    /// Hint, between [`Analyzer::prefetch_lookup`] and [`Analyzer::frame`] for the same frame:
    /// starts loading its connection's entry and statistics; changes nothing.
    #[inline]
    pub fn prefetch_connection(&self, data: &[u8]) {
        if let Some(slot) = peek_endpoints(data).and_then(|(s, d)| self.tracker.peek_slot(s, d)) {
            if let Some(c) = self.records.in_slot(slot) {
                prefetch(&self.records.counts[c]);
            }
        }
    }

    /// One captured frame (as capture files hold it: no FCS, not padded): the bytes kept, and
    /// the frame's length on the wire (`orig_len`; more than `data.len()` when the capture's
    /// snap length cut it, and then it is tracked from its headers if they are complete).
    pub fn frame(&mut self, timestamp: Duration, data: &[u8], orig_len: u32) {
        self.records.now = self.records.now.max(timestamp);
        let time = crate::time::ticks(timestamp);
        let wire_len = (orig_len as usize).max(data.len());
        let parsed = if wire_len > data.len() {
            self.capture_truncated += 1;
            let wire_len = wire_len.max(MIN_FRAME_LEN);
            self.tracker
                .process_captured_frame(data, wire_len, time, &mut self.records)
        } else if data.len() < MIN_FRAME_LEN {
            pad_to_minimum(data, &mut self.pad);
            self.tracker
                .process_frame(&self.pad, time, &mut self.records)
        } else {
            self.tracker.process_frame(data, time, &mut self.records)
        };
        let Ok((d, verdict)) = parsed else {
            return;
        };
        let Some(slot) = self.tracker.last_slot() else {
            return;
        };
        if d.flags.syn() && d.flags.ack() {
            self.listeners.insert(d.src);
        }
        if let Some(c) = self.records.in_slot(slot) {
            let dir = (d.src > d.dst) as usize;
            let n = &mut self.records.counts[c];
            n.packets[dir] += 1;
            n.bytes[dir] += d.payload_len as u64;
            n.flags_seen |= d.flags.bits();
            n.last_seen = timestamp;
            if let Verdict::Rst(rc) = verdict {
                self.records.life[c].rst[rc as usize] += 1;
            }
        }
    }

    /// Age everything to the last frame's time and report.
    pub fn finish(mut self) -> AnalysisReport {
        self.records.finishing = true;
        self.tracker.finish(&mut self.records);
        let table = self.tracker.table();
        let records = &self.records;
        let connections = records
            .counts
            .iter()
            .zip(&records.life)
            .map(|(n, life)| {
                let (entry, removed) = match life.place {
                    Place::Live(i) => (*table.slot(i as usize).expect("live slot"), None),
                    Place::Gone(i) => {
                        let (e, why) = records.gone[i as usize];
                        (e, Some(why))
                    }
                };
                let dirs = if entry.client_index() == LO {
                    [0, 1]
                } else {
                    [1, 0]
                };
                ConnectionReport {
                    client: entry.client(),
                    server: entry.server(),
                    client_state: entry.client_state(),
                    server_state: entry.server_state(),
                    picked_up: entry.picked_up,
                    incarnations: life.incarnations,
                    packets: dirs.map(|d| n.packets[d]),
                    bytes: dirs.map(|d| n.bytes[d]),
                    rst: life.rst,
                    flags_seen: TcpFlags::new(n.flags_seen),
                    first_seen: life.first_seen,
                    last_seen: n.last_seen,
                    removed,
                }
            })
            .collect();
        let mut listeners: Vec<Endpoint> = self.listeners.into_iter().collect();
        listeners.sort_unstable();
        AnalysisReport {
            connections,
            counters: self.tracker.counters().clone(),
            listeners,
            capture_truncated: self.capture_truncated,
            end_time: self.records.now,
        }
    }
}

/// RST classes in the order of [`ConnectionReport::rst`].
pub const RST_CLASSES: [RstClass; 4] = [
    RstClass::Exact,
    RstClass::InWindow,
    RstClass::OutOfWindow,
    RstClass::Unverified,
];

#[cfg(feature = "capture")]
/// Analyze a capture file held in memory.
pub fn analyze_capture(
    bytes: &[u8],
    config: TrackerConfig,
) -> Result<AnalysisReport, crate::capture::CaptureError> {
    use crate::capture::{for_each_frame, CapturedFrame};
    let mut a = Analyzer::new(config);
    if config.shape.capacity().is_some() {
        // A bounded table stays in the cache: nothing to load ahead.
        for_each_frame(bytes, |f| a.frame(f.timestamp, f.data, f.orig_len))?;
        return Ok(a.finish());
    }
    // Frames are processed in order, LOOKAHEAD frames behind the reader: each connection's
    // lookup is started when its frame is read, and its entry and statistics halfway, so none
    // of them waits for memory when the frame's turn comes.
    const LOOKAHEAD: usize = 8;
    let mut ahead: [Option<CapturedFrame<'_>>; LOOKAHEAD] = [None; LOOKAHEAD];
    let mut n = 0usize;
    for_each_frame(bytes, |f| {
        a.prefetch_lookup(f.data);
        if let Some(half) = &ahead[(n + LOOKAHEAD / 2) % LOOKAHEAD] {
            a.prefetch_connection(half.data);
        }
        if let Some(due) = ahead[n % LOOKAHEAD].replace(f) {
            a.frame(due.timestamp, due.data, due.orig_len);
        }
        n += 1;
    })?;
    for i in n..n + LOOKAHEAD {
        if let Some(due) = ahead[i % LOOKAHEAD].take() {
            a.frame(due.timestamp, due.data, due.orig_len);
        }
    }
    Ok(a.finish())
}
