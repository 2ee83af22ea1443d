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
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
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
    /// Frames the capture file cut short (snap length): not offered to the tracker.
    pub capture_truncated: u64,
    /// Time of the last frame: the moment the end states are taken at.
    pub end_time: Duration,
}

#[derive(Default, Clone)]
struct Record {
    order: u64,
    incarnations: u32,
    /// Indexed by sender: 0 = lo → hi, 1 = hi → lo.
    packets: [u64; 2],
    bytes: [u64; 2],
    rst: [u64; 4],
    flags_seen: u16,
    first_seen: Duration,
    last_seen: Duration,
}

/// Statistics of live connections by table slot, and of connections that left the table by key.
#[derive(Default)]
struct Records {
    live: Vec<Option<Record>>,
    /// Connections whose entry left the table: the entry as it left, why, and the statistics.
    gone: Vec<Option<(Entry, RemoveReason, Record)>>,
    /// Where in `gone` a 4-tuple's last departed connection is.
    gone_index: FxHashMap<FlowKey, u32>,
    next_order: u64,
    now: Duration,
}

impl EventSink for Records {
    fn event(&mut self, e: Event) {
        match e {
            Event::Created { entry, slot, .. } => {
                let again = self.gone_index.remove(&entry.key);
                let r = match again.and_then(|i| self.gone[i as usize].take()) {
                    // The same 4-tuple again after its entry left the table.
                    Some((_, _, r)) => r,
                    None => {
                        self.next_order += 1;
                        Record {
                            order: self.next_order,
                            first_seen: self.now,
                            ..Record::default()
                        }
                    }
                };
                if self.live.len() <= slot {
                    self.live.resize(slot + 1, None);
                }
                let r = self.live[slot].insert(r);
                r.incarnations += 1;
            }
            Event::Reincarnated { slot, .. } => {
                if let Some(Some(r)) = self.live.get_mut(slot) {
                    r.incarnations += 1;
                }
            }
            Event::Removed {
                entry,
                slot,
                reason,
                ..
            } => {
                if let Some(r) = self.live.get_mut(slot).and_then(Option::take) {
                    self.gone_index.insert(entry.key, self.gone.len() as u32);
                    self.gone.push(Some((entry, reason, r)));
                }
            }
            Event::StateChanged { .. } | Event::Refused { .. } => {}
        }
    }
}

/// Where a connection's report comes from: a live table slot or a departed record.
#[derive(Clone, Copy)]
enum Source {
    Live(u32),
    Gone(u32),
}

/// Runs frames through a tracker and keeps per-connection statistics.
pub struct Analyzer {
    tracker: Tracker,
    records: Records,
    listeners: BTreeSet<Endpoint>,
    capture_truncated: u64,
    pad: Vec<u8>,
}

impl Analyzer {
    pub fn new(config: TrackerConfig) -> Self {
        Analyzer {
            tracker: Tracker::new(config),
            records: Records::default(),
            listeners: BTreeSet::new(),
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
            if let Some(r) = self.records.live.get(slot) {
                prefetch(r);
            }
        }
    }

    /// One captured frame (as capture files hold it: no FCS, not padded).
    pub fn frame(&mut self, timestamp: Duration, data: &[u8], truncated: bool) {
        if truncated {
            self.capture_truncated += 1;
            return;
        }
        self.records.now = self.records.now.max(timestamp);
        let time = timestamp.as_secs() as u32;
        let frame = if data.len() < MIN_FRAME_LEN {
            pad_to_minimum(data, &mut self.pad);
            &self.pad[..]
        } else {
            data
        };
        let Ok((d, verdict)) = self.tracker.process_frame(frame, time, &mut self.records) else {
            return;
        };
        let Some(slot) = self.tracker.last_slot() else {
            return;
        };
        if d.flags.syn() && d.flags.ack() {
            self.listeners.insert(d.src);
        }
        if let Some(Some(r)) = self.records.live.get_mut(slot) {
            let dir = (d.src > d.dst) as usize;
            r.packets[dir] += 1;
            r.bytes[dir] += d.payload_len as u64;
            r.flags_seen |= d.flags.bits();
            r.last_seen = timestamp;
            if let Verdict::Rst(rc) = verdict {
                r.rst[rc as usize] += 1;
            }
        }
    }

    /// Age everything to the last frame's time and report.
    pub fn finish(mut self) -> AnalysisReport {
        self.tracker.finish(&mut self.records);
        // Order first (small keys: first appearance, and where the connection is), then build
        // each report once, in order.
        let table = self.tracker.table();
        let records = &self.records;
        let mut order: Vec<(u64, Source)> = table
            .entries_with_slot()
            .filter_map(|(i, _)| {
                let r = records.live.get(i)?.as_ref()?;
                Some((r.order, Source::Live(i as u32)))
            })
            .chain(
                records
                    .gone
                    .iter()
                    .enumerate()
                    .filter_map(|(i, g)| Some((g.as_ref()?.2.order, Source::Gone(i as u32)))),
            )
            .collect();
        order.sort_unstable_by_key(|(o, _)| *o);
        let connections = order
            .iter()
            .map(|(_, src)| {
                let (entry, removed, r) = match *src {
                    Source::Live(i) => (
                        *table.slot(i as usize).expect("live slot"),
                        None,
                        records.live[i as usize].as_ref().expect("live record"),
                    ),
                    Source::Gone(i) => {
                        let (e, why, r) = records.gone[i as usize].as_ref().expect("gone record");
                        (*e, Some(*why), r)
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
                    incarnations: r.incarnations,
                    packets: dirs.map(|d| r.packets[d]),
                    bytes: dirs.map(|d| r.bytes[d]),
                    rst: r.rst,
                    flags_seen: TcpFlags::new(r.flags_seen),
                    first_seen: r.first_seen,
                    last_seen: r.last_seen,
                    removed,
                }
            })
            .collect();
        AnalysisReport {
            connections,
            counters: self.tracker.counters().clone(),
            listeners: self.listeners.into_iter().collect(),
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
    use crate::capture::CapturedFrame;
    // Frames are processed in order, LOOKAHEAD frames behind the reader: each connection's
    // lookup is started when its frame is read, and its entry and statistics halfway, so none
    // of them waits for memory when the frame's turn comes.
    const LOOKAHEAD: usize = 8;
    let mut a = Analyzer::new(config);
    let mut ahead: [Option<CapturedFrame<'_>>; LOOKAHEAD] = [None; LOOKAHEAD];
    let mut n = 0usize;
    crate::capture::for_each_frame(bytes, |f| {
        a.prefetch_lookup(f.data);
        if let Some(half) = &ahead[(n + LOOKAHEAD / 2) % LOOKAHEAD] {
            a.prefetch_connection(half.data);
        }
        if let Some(due) = ahead[n % LOOKAHEAD].replace(f) {
            a.frame(due.timestamp, due.data, due.is_truncated());
        }
        n += 1;
    })?;
    for i in n..n + LOOKAHEAD {
        if let Some(due) = ahead[i % LOOKAHEAD].take() {
            a.frame(due.timestamp, due.data, due.is_truncated());
        }
    }
    Ok(a.finish())
}
