//! Offline analysis: a capture's frames through the tracker, with per-connection statistics that
//! the hardware does not keep (packets, bytes, RST classes, flags seen, times).

use crate::counters::Counters;
use crate::descriptor::{Endpoint, FlowKey};
use crate::end::End;
use crate::entry::Entry;
use crate::flags::TcpFlags;
use crate::frame::{pad_to_minimum, peek_endpoints, MIN_FRAME_LEN};
use crate::prefetch::prefetch;
use crate::state::TcpState;
use crate::timeouts::removal_time;
use crate::tracker::{
    Event, EventSink, LookupHint, RemoveReason, RstClass, Tracker, TrackerConfig, Verdict,
};
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
    /// What each side sent, in the order first seen (Zeek's conn.log `history`).
    pub history: History,
    /// When the entry leaves the table if no segment comes (`timeouts::removal_time`, in the
    /// capture's seconds); `None` once it has left.
    pub expires_at: Option<u64>,
}

/// The capture second at which an entry leaves the table, `removal` being that time in ticks
/// ([`removal_time`]) and `now` the capture's clock (rounded up: conntrack's countdown never
/// shows 0 for an entry still there).
fn expires_at(now: Duration, removal: u32) -> u64 {
    let left = crate::time::elapsed(removal, crate::time::ticks(now));
    now.as_secs() + left.div_ceil(crate::time::TICKS_PER_SECOND) as u64
}

/// The letters of Zeek's conn.log `history` that a segment the tracker applied can carry, in
/// Zeek's meaning (its conn.log documentation): a SYN without ACK, a SYN-ACK, a pure ACK, data,
/// a FIN, a RST, a zero window. Segments with an invalid flag combination (Zeek's `q`, `i`) are
/// counted by class and never reach a connection.
pub const HISTORY_LETTERS: [char; 7] = ['S', 'H', 'A', 'D', 'F', 'R', 'W'];

/// Which of [`HISTORY_LETTERS`] each direction sent, in the order first seen: one record per
/// (letter, direction), as Zeek keeps them (each letter once per side). Packed in 10 bytes so a
/// connection's per-segment statistics stay one cache line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, packed(2))]
pub struct History {
    /// Codes `letter * 2 + direction`, 4 bits each, oldest in the low bits.
    order: u64,
    /// Bit `code` set once that code is in `order`.
    seen: u16,
}

const _: () = assert!(HISTORY_LETTERS.len() * 2 * 4 <= 64);

impl History {
    /// The letters segment `d` carries (indices into [`HISTORY_LETTERS`]), as a bit set.
    #[inline]
    fn letters(d: &crate::SegmentDescriptor) -> u8 {
        let f = d.flags;
        let pure_ack = f.ack() && !f.syn() && !f.fin() && !f.rst() && d.payload_len == 0;
        (f.syn() && !f.ack()) as u8
            | ((f.syn() && f.ack()) as u8) << 1
            | (pure_ack as u8) << 2
            | ((d.payload_len > 0) as u8) << 3
            | (f.fin() as u8) << 4
            | (f.rst() as u8) << 5
            | ((d.window == 0 && !f.rst()) as u8) << 6
    }

    /// Record what segment `d`, sent by endpoint `dir` of its key, carries.
    #[inline]
    fn note(&mut self, d: &crate::SegmentDescriptor, dir: End) {
        let mut letters = Self::letters(d);
        while letters != 0 {
            let letter = letters.trailing_zeros() as usize;
            letters &= letters - 1;
            let code = letter * 2 + dir.index();
            if self.seen & (1 << code) == 0 {
                self.order |= (code as u64) << (4 * self.seen.count_ones());
                self.seen |= 1 << code;
            }
        }
    }

    /// The `(letter index, from the first direction)` records, oldest first.
    fn records(self) -> impl Iterator<Item = (usize, bool)> {
        (0..self.seen.count_ones()).map(move |i| {
            let code = (self.order >> (4 * i)) & 0xf;
            ((code / 2) as usize, code & 1 == 0)
        })
    }

    /// The same records with direction 0 meaning "sent by the client" (`client_dir`: the
    /// endpoint of the key the client is).
    fn oriented(self, client_dir: End) -> History {
        if client_dir == End::Lo {
            return self;
        }
        let mut h = History::default();
        for (letter, first) in self.records() {
            let code = letter * 2 + first as usize;
            h.order |= (code as u64) << (4 * h.seen.count_ones());
            h.seen |= 1 << code;
        }
        h
    }

    /// Zeek's `history` string: upper case for the client (Zeek's originator), lower case for
    /// the server.
    pub fn zeek(self) -> String {
        self.records()
            .map(|(letter, client)| {
                let c = HISTORY_LETTERS[letter];
                if client {
                    c
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    }

    /// Whether the client (`client` true) or the server sent `letter` (one of
    /// [`HISTORY_LETTERS`]).
    pub fn has(self, letter: char, client: bool) -> bool {
        HISTORY_LETTERS
            .iter()
            .position(|c| *c == letter)
            .is_some_and(|i| self.seen & (1 << (i * 2 + (!client) as usize)) != 0)
    }
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
    /// The file ended inside a frame (still being written, or cut by a copy): the report is
    /// that of its complete frames.
    pub file_cut_short: bool,
    /// Time of the last frame: the moment the end states are taken at.
    pub end_time: Duration,
}

/// What every segment of a connection updates: one cache line.
#[derive(Default, Clone, Copy)]
#[repr(align(64))]
struct Counts {
    /// Indexed by sender ([`End`]): lo → hi, hi → lo.
    packets: [u64; 2],
    bytes: [u64; 2],
    last_seen: Duration,
    flags_seen: u16,
    /// Indexed by sender as `packets`.
    history: History,
}

const _: () = assert!(std::mem::size_of::<Counts>() == 64);

/// What a connection's creation, removal or RSTs update.
#[derive(Clone, Copy)]
struct Life {
    incarnations: u32,
    rst: [u64; 4],
    first_seen: Duration,
    /// The capture's frame (0-based, truncated frames counted) that created it: the order of
    /// first appearance, by which shards' reports merge ([`crate::shard`]).
    first_frame: u64,
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
    /// The capture's index of the frame being processed.
    frame: u64,
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
                    first_frame: self.frame,
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
    /// The capture's index of the next frame given to [`Analyzer::frame`].
    next_index: u64,
    pad: Vec<u8>,
}

/// One frame of a capture as the analysis takes it: where it is in the capture, its time and
/// the capture's clock (the latest time so far), and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct Due<'a> {
    /// 0-based, truncated frames counted.
    pub index: u64,
    pub timestamp: Duration,
    /// The latest timestamp of the capture up to this frame (this one included).
    pub now: Duration,
    /// On a shard: the tracker's time before this frame on a single tracker (the latest
    /// second of the frames before it that the tracker took), to which the shard's tracker
    /// is advanced first; `None` on a single tracker, which keeps its own.
    pub tracker_now: Option<u32>,
    /// The bytes captured.
    pub data: &'a [u8],
    /// The frame's length on the wire (more than `data.len()` when the snap length cut it).
    pub orig_len: u32,
}

impl Analyzer {
    pub fn new(config: TrackerConfig) -> Self {
        Analyzer {
            tracker: Tracker::new(config),
            records: Records::default(),
            listeners: FxHashSet::default(),
            capture_truncated: 0,
            next_index: 0,
            pad: Vec::with_capacity(64),
        }
    }

    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// Hint: the frame `data` comes a few frames from now. Starts loading what finding its
    /// connection reads first; changes nothing. What it returns goes to
    /// [`Analyzer::prefetch_connection`] for the same frame.
    #[inline(always)]
    pub fn prefetch_lookup(&self, data: &[u8]) -> Option<LookupHint> {
        let (src, dst) = peek_endpoints(data)?;
        self.tracker.prefetch_lookup(src, dst)
    }

    /// Hint, between [`Analyzer::prefetch_lookup`] (which returned `hint`) and
    /// [`Analyzer::frame`] for the same frame: starts loading its connection's entry and
    /// statistics; changes nothing.
    #[inline]
    pub fn prefetch_connection(&self, hint: LookupHint) {
        if let Some(slot) = self.tracker.peek_slot(hint) {
            if let Some(c) = self.records.in_slot(slot) {
                prefetch(&self.records.counts[c]);
            }
        }
    }

    /// One captured frame (as capture files hold it: no FCS, not padded): the bytes kept, and
    /// the frame's length on the wire (`orig_len`; more than `data.len()` when the capture's
    /// snap length cut it, and then it is tracked from its headers if they are complete).
    pub fn frame(&mut self, timestamp: Duration, data: &[u8], orig_len: u32) {
        let index = self.next_index;
        self.next_index += 1;
        let now = self.records.now.max(timestamp);
        self.take(&Due {
            index,
            timestamp,
            now,
            tracker_now: None,
            data,
            orig_len,
        });
    }

    /// One frame.
    pub fn take(&mut self, f: &Due<'_>) {
        self.take_hinted(f, None)
    }

    /// [`Analyzer::take`], with what [`Analyzer::prefetch_lookup`] returned for the same frame
    /// (`None` if it was not asked, or found nothing).
    pub fn take_hinted(&mut self, f: &Due<'_>, hint: Option<LookupHint>) {
        let timestamp = f.timestamp;
        self.records.now = f.now;
        self.records.frame = f.index;
        if let Some(t) = f.tracker_now {
            self.tracker.advance_time(t, &mut self.records);
        }
        let time = crate::time::ticks(timestamp);
        let data = f.data;
        let wire_len = (f.orig_len as usize).max(data.len());
        let (bytes, wire_len) = if wire_len > data.len() {
            self.capture_truncated += 1;
            (data, wire_len.max(MIN_FRAME_LEN))
        } else if data.len() < MIN_FRAME_LEN {
            pad_to_minimum(data, &mut self.pad);
            (&self.pad[..], MIN_FRAME_LEN)
        } else {
            (data, data.len())
        };
        let parsed = self.tracker.process_captured_frame_hinted(
            bytes,
            wire_len,
            time,
            hint,
            &mut self.records,
        );
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
            // By sender, as `Counts` indexes it.
            let dir = self.tracker.last_sender();
            let n = &mut self.records.counts[c];
            n.packets[dir] += 1;
            n.bytes[dir] += d.payload_len as u64;
            n.flags_seen |= d.flags.bits();
            n.history.note(&d, dir);
            n.last_seen = timestamp;
            if let Verdict::Rst(rc) = verdict {
                self.records.life[c].rst[rc as usize] += 1;
            }
        }
    }

    /// Age everything to the last frame's time and report.
    pub fn finish(self) -> AnalysisReport {
        self.finish_ordered().0
    }

    /// [`Analyzer::finish`] on a shard: first the capture's clock and the single tracker's
    /// time at the end (`now`, `tracker_now`), which the shard may not have seen.
    pub fn finish_at(
        mut self,
        now: Duration,
        tracker_now: Option<u32>,
    ) -> (AnalysisReport, Vec<u64>) {
        self.records.now = self.records.now.max(now);
        if let Some(t) = tracker_now {
            self.tracker.advance_time(t, &mut self.records);
        }
        self.finish_ordered()
    }

    /// The report, and for each of its connections the index of the frame that created it.
    fn finish_ordered(mut self) -> (AnalysisReport, Vec<u64>) {
        self.records.finishing = true;
        self.tracker.finish(&mut self.records);
        let table = self.tracker.table();
        let timeouts = self.tracker.timeouts();
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
                let dirs = [entry.client_end(), entry.server_end()];
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
                    history: n.history.oriented(dirs[0]),
                    expires_at: removed
                        .is_none()
                        .then(|| expires_at(records.now, removal_time(entry.clocks(), &timeouts))),
                }
            })
            .collect();
        let first_frames = records.life.iter().map(|l| l.first_frame).collect();
        let mut listeners: Vec<Endpoint> = self.listeners.into_iter().collect();
        listeners.sort_unstable();
        let report = AnalysisReport {
            connections,
            counters: self.tracker.counters().clone(),
            listeners,
            capture_truncated: self.capture_truncated,
            file_cut_short: false,
            end_time: self.records.now,
        };
        (report, first_frames)
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
/// Analyze a capture file held in memory (one thread; [`crate::shard::analyze_capture_sharded`]
/// spreads it over several with the same result).
pub fn analyze_capture(
    bytes: &[u8],
    config: TrackerConfig,
) -> Result<AnalysisReport, crate::capture::CaptureError> {
    use crate::capture::{cut_short, for_each_frame};
    let mut a = Analyzer::new(config);
    if config.shape.capacity().is_some() {
        // A bounded table stays in the cache: nothing to load ahead.
        let cut = cut_short(for_each_frame(bytes, |f| {
            a.frame(f.timestamp, f.data, f.orig_len)
        }))?;
        let mut r = a.finish();
        r.file_cut_short = cut;
        return Ok(r);
    }
    let mut ahead = Ahead::new();
    let mut now = Duration::ZERO;
    let mut index = 0u64;
    let cut = cut_short(for_each_frame(bytes, |f| {
        let i = index;
        index += 1;
        now = now.max(f.timestamp);
        ahead.push(
            &mut a,
            Due {
                index: i,
                timestamp: f.timestamp,
                now,
                tracker_now: None,
                data: f.data,
                orig_len: f.orig_len,
            },
        );
    }))?;
    ahead.flush(&mut a);
    let mut r = a.finish();
    r.file_cut_short = cut;
    Ok(r)
}

/// Frames go through an [`Analyzer`] in order, a few frames behind the reader: each
/// connection's lookup is started when its frame is read, and its entry and statistics
/// halfway, so none of them waits for memory when the frame's turn comes (unbounded tables:
/// a bounded one stays in the cache). The frames were just read on this thread, so their bytes
/// are in its cache already.
pub struct Ahead<'a> {
    ring: [Option<Due<'a>>; Ahead::RING],
    /// Beside each frame of `ring`: what its lookup's prefetch found, once started.
    hints: [Option<LookupHint>; Ahead::RING],
    n: usize,
}

impl Default for Ahead<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Ahead<'a> {
    /// Frames in flight (a power of two).
    const RING: usize = 8;
    /// The age at which a frame's connection (entry and statistics) is loaded.
    const CONNECTION_AT: usize = 4;

    pub fn new() -> Self {
        Ahead {
            ring: [None; Ahead::RING],
            hints: [None; Ahead::RING],
            n: 0,
        }
    }

    /// The ring index of the frame read `age` frames before the one being pushed.
    #[inline]
    fn aged(&self, age: usize) -> usize {
        self.n.wrapping_sub(age) & (Ahead::RING - 1)
    }

    /// Read `f`: start loading its lookup and the connection of the frame read
    /// [`Ahead::CONNECTION_AT`] before it; the frame read [`Ahead::RING`] before it is taken.
    #[inline]
    pub fn push(&mut self, a: &mut Analyzer, f: Due<'a>) {
        let at = self.n & (Ahead::RING - 1);
        // The frame leaving the ring, and what its lookup's prefetch found.
        let (due, due_hint) = (self.ring[at].take(), self.hints[at].take());
        self.hints[at] = a.prefetch_lookup(f.data);
        if let Some(hint) = self.hints[self.aged(Ahead::CONNECTION_AT)] {
            a.prefetch_connection(hint);
        }
        self.ring[at] = Some(f);
        if let Some(due) = due {
            a.take_hinted(&due, due_hint);
        }
        self.n += 1;
    }

    /// Take the frames still waiting, in order.
    pub fn flush(&mut self, a: &mut Analyzer) {
        for i in self.n..self.n + Ahead::RING {
            let at = i & (Ahead::RING - 1);
            if let Some(due) = self.ring[at].take() {
                a.take_hinted(&due, self.hints[at]);
            }
        }
        self.hints = [None; Ahead::RING];
        self.n = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SegmentDescriptor;

    fn seg(flags: u16, payload_len: u16, window: u16) -> SegmentDescriptor {
        SegmentDescriptor {
            window,
            payload_len,
            ..SegmentDescriptor::new(
                Endpoint::v4(1, 1),
                Endpoint::v4(2, 2),
                0,
                0,
                TcpFlags::new(flags),
            )
        }
    }

    /// A handshake, data both ways, a close by the server, in Zeek's letters; each letter once
    /// per side; the client's letters upper case whichever direction it sent in.
    #[test]
    fn history_is_zeeks_letters_in_order_once_per_side() {
        use TcpFlags as F;
        let mut h = History::default();
        let script = [
            (F::SYN, 0, 1, 0),
            (F::SYN | F::ACK, 0, 1, 1),
            (F::ACK, 0, 1, 0),
            (F::PSH | F::ACK, 10, 1, 0),
            (F::ACK, 0, 1, 1),
            (F::PSH | F::ACK, 99, 1, 1),
            (F::PSH | F::ACK, 10, 1, 0),
            (F::FIN | F::ACK, 0, 1, 1),
            (F::ACK, 0, 0, 0),
            (F::FIN | F::ACK, 0, 1, 0),
            (F::RST, 0, 0, 1),
        ];
        for (flags, len, win, dir) in script {
            h.note(&seg(flags, len, win), End::BOTH[dir]);
        }
        assert_eq!(h.zeek(), "ShADadfWFr");
        assert!(h.has('F', true) && h.has('F', false) && !h.has('R', true));
        // The same segments with the client sending in direction 1.
        let flipped = h.oriented(End::Hi);
        assert_eq!(flipped.zeek(), "sHadADFwfR");
        assert_eq!(flipped.oriented(End::Hi), h);
        assert_eq!(History::default().zeek(), "");
    }
}
