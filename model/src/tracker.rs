//! The passive tracker: segments in, both endpoints' states out. This is the specification the
//! hardware core is held to, segment by segment.
//!
//! The segment path reads top to bottom, like nf_conntrack's: classify the flags (invalid
//! combinations are counted and go no further), find the connection (aging its bucket on the
//! way), create it if the segment may open one, then the cases a table cannot say (RST
//! acceptance, SYN on a synchronized connection, reuse of a finished 4-tuple), then the two
//! transition tables of [`crate::fsm`] and the sequence/window bookkeeping.

use crate::counters::{Counter, Counters};
use crate::descriptor::{Endpoint, FlowKey, SegmentDescriptor};
use crate::drop::DropReason;
use crate::end::End;
use crate::entry::Entry;
use crate::flags::FlagClass;
use crate::frame::parse_captured;
use crate::segment::{self, Applied};
use crate::state::TcpState;
use crate::table::{flow_hash, flow_hash_v4, Table, TableShape};
use crate::time::{elapsed, later};
use crate::timeouts::{expire, Aged, Timeouts};
use std::net::IpAddr;

/// How a RST relates to its receiver's window (RFC 5961 §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RstClass {
    /// SEG.SEQ = RCV.NXT (in SYN_SENT: the ACK acknowledges our SYN, RFC 9293 §3.10.7.3):
    /// the connection is reset.
    Exact,
    /// Inside the window but not exact: "send a challenge ACK", no state change.
    InWindow,
    /// Outside the window: "silently drop", no state change.
    OutOfWindow,
    /// The receiver's RCV.NXT is unknown (connection picked up mid-stream): accepted.
    Unverified,
}

impl RstClass {
    pub fn accepted(self) -> bool {
        matches!(self, RstClass::Exact | RstClass::Unverified)
    }

    pub fn counter(self) -> Counter {
        match self {
            RstClass::Exact => Counter::RstExact,
            RstClass::InWindow => Counter::RstInWindow,
            RstClass::OutOfWindow => Counter::RstOutOfWindow,
            RstClass::Unverified => Counter::RstUnverified,
        }
    }
}

/// What happened to one segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Invalid flag combination: counted, nothing else.
    Invalid,
    /// No connection, and the segment cannot open one (a RST).
    Untracked,
    /// A new connection was refused: its bucket held only live connections.
    Refused,
    /// Applied to the connection through the transition tables.
    Tracked,
    /// A SYN on a synchronized connection (RFC 5961 §4): challenge ACK, no change.
    SynChallenged,
    /// A RST, classified; accepted ones close both endpoints.
    Rst(RstClass),
    /// Its receiver would not accept it: counted by class, nothing moves.
    Unacceptable(Reject),
}

/// Why a receiver would not accept a segment (RFC 9293 §3.10.7.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reject {
    /// First check: beyond the right edge of the receiver's window (or outside a request
    /// socket's).
    OutOfWindow,
    /// First check: wholly before the left edge of the receiver's window: an old duplicate (a
    /// retransmission already acknowledged, a keep-alive), answered by an ACK.
    Old,
    /// Fifth check: it acknowledges data never sent, or, in SYN_SENT / SYN_RECEIVED, not the
    /// SYN.
    BadAck,
    /// A SYN to TIME_WAIT that is not a new incarnation: neither a later sequence number nor a
    /// newer timestamp (RFC 6191).
    TimeWaitSyn,
}

impl Reject {
    pub const ALL: [Reject; 4] = [
        Reject::OutOfWindow,
        Reject::Old,
        Reject::BadAck,
        Reject::TimeWaitSyn,
    ];

    pub const fn counter(self) -> Counter {
        match self {
            Reject::OutOfWindow => Counter::SegOutOfWindow,
            Reject::Old => Counter::SegOld,
            Reject::BadAck => Counter::SegBadAck,
            Reject::TimeWaitSyn => Counter::TimeWaitSynRefused,
        }
    }
}

/// Why an entry left the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoveReason {
    Expired,
    Evicted,
}

/// The tracker's events (design.md: created, state changed, closed, evicted, refused). All
/// state changes go through one place, the end of [`Tracker::process`] (the sender's change,
/// then the receiver's), which emits them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Created {
        entry: Entry,
        /// Table slot (stable while the entry lives).
        slot: usize,
        time: u32,
    },
    StateChanged {
        key: FlowKey,
        endpoint: Endpoint,
        is_client: bool,
        from: TcpState,
        to: TcpState,
        time: u32,
    },
    /// A SYN reused the 4-tuple of a finished connection.
    Reincarnated {
        key: FlowKey,
        slot: usize,
        time: u32,
    },
    Removed {
        entry: Entry,
        slot: usize,
        reason: RemoveReason,
        time: u32,
    },
    Refused {
        key: FlowKey,
        time: u32,
    },
}

/// Receives the tracker's events.
pub trait EventSink {
    fn event(&mut self, e: Event);
}

/// Discards events (the fast path of analysis when only end states matter).
impl EventSink for () {
    fn event(&mut self, _: Event) {}
}

impl EventSink for Vec<Event> {
    fn event(&mut self, e: Event) {
        self.push(e);
    }
}

/// Configuration of a tracker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackerConfig {
    pub shape: TableShape,
    pub timeouts: Timeouts,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        TrackerConfig {
            shape: TableShape::ARTY_35T,
            timeouts: Timeouts::default(),
        }
    }
}

/// What [`Tracker::prefetch_lookup`] found out about a segment's connection (its key's index
/// hash), kept for [`Tracker::peek_slot`] and the segment's lookup
/// ([`Tracker::process_captured_frame_hinted`]) so the key is not read and hashed again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LookupHint(u32);

/// What the events of a segment that changed its connection name: the connection, which
/// endpoint its client is, and both endpoints' states before and after (`[lo, hi]`).
struct Changed {
    key: FlowKey,
    client: End,
    before: [TcpState; 2],
    after: [TcpState; 2],
}

/// The passive TCP tracker.
pub struct Tracker {
    table: Table,
    timeouts: Timeouts,
    /// The shortest timeout: aging leaves an entry seen more recently than this unchanged.
    shortest_timeout: u32,
    counters: Counters,
    now: u32,
    /// The whole second of the last sweep.
    swept_at: Option<u32>,
    last_slot: Option<usize>,
    /// Which endpoint of its key sent the last segment (meaningful with `last_slot`).
    last_sender: End,
    /// `now` holds a time seen (times are compared modulo 2³², so the first one sets it).
    clock_set: bool,
}

impl Tracker {
    pub fn new(config: TrackerConfig) -> Self {
        Tracker {
            table: Table::new(config.shape),
            timeouts: config.timeouts,
            shortest_timeout: config.timeouts.shortest_ticks(),
            counters: Counters::default(),
            now: 0,
            swept_at: None,
            last_slot: None,
            last_sender: End::Lo,
            clock_set: false,
        }
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    pub fn table(&self) -> &Table {
        &self.table
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    pub fn set_timeouts(&mut self, t: Timeouts) {
        self.timeouts = t;
        self.shortest_timeout = t.shortest_ticks();
    }

    pub fn set_hash_key(&mut self, key: [u8; crate::hash::HASH_KEY_BYTES]) {
        self.table.set_hash_key(key);
    }

    /// The current time (the latest seen, in ticks).
    pub fn now(&self) -> u32 {
        self.now
    }

    /// A frame the MAC rejected before parsing (bad FCS, RX_ER, FIFO overflow).
    pub fn drop_frame(&mut self, reason: DropReason) {
        self.counters.inc(Counter::Frames);
        self.counters.inc(Counter::drop(reason));
    }

    /// One frame (wire form, FCS already checked) seen at `time`.
    pub fn process_frame<S: EventSink>(
        &mut self,
        frame: &[u8],
        time: u32,
        sink: &mut S,
    ) -> Result<(SegmentDescriptor, Verdict), DropReason> {
        self.process_captured_frame(frame, frame.len(), time, sink)
    }

    /// One frame a capture may have cut short: the bytes kept and the frame's length on the
    /// wire (`frame::parse_captured`).
    pub fn process_captured_frame<S: EventSink>(
        &mut self,
        frame: &[u8],
        wire_len: usize,
        time: u32,
        sink: &mut S,
    ) -> Result<(SegmentDescriptor, Verdict), DropReason> {
        self.process_captured_frame_hinted(frame, wire_len, time, None, sink)
    }

    /// [`Tracker::process_captured_frame`] with what [`Tracker::prefetch_lookup`] returned for
    /// this frame's endpoints (`peek_endpoints`) on this tracker, if it was asked: the lookup
    /// starts from its hash. (The endpoints a frame's first look finds are those of its parse
    /// whenever both succeed, so the hint is this segment's.)
    pub fn process_captured_frame_hinted<S: EventSink>(
        &mut self,
        frame: &[u8],
        wire_len: usize,
        time: u32,
        hint: Option<LookupHint>,
        sink: &mut S,
    ) -> Result<(SegmentDescriptor, Verdict), DropReason> {
        match parse_captured(frame, wire_len, time) {
            Ok(d) => {
                self.counters.inc(Counter::Frames);
                self.counters.inc(Counter::Processed);
                Ok((d, self.process_hinted(&d, hint, sink)))
            }
            Err(r) => {
                self.drop_frame(r);
                Err(r)
            }
        }
    }

    /// Move the time base to `time` (never backwards). A bounded table is swept once per new
    /// second: every entry is aged and the dead ones removed, as the hardware's background sweep
    /// does; an unbounded one is aged lazily when an entry is read, and by [`Tracker::finish`].
    pub fn advance_time<S: EventSink>(&mut self, time: u32, sink: &mut S) {
        if !self.clock_set || later(time, self.now) {
            self.now = time;
            self.clock_set = true;
        }
        let second = crate::time::whole_secs(self.now);
        if self.table.is_bounded() && self.swept_at != Some(second) {
            self.swept_at = Some(second);
            self.age_all(sink);
        }
    }

    /// Age every entry to the current time (end of a capture): the states a dump shows.
    pub fn finish<S: EventSink>(&mut self, sink: &mut S) {
        self.age_all(sink);
    }

    fn age_all<S: EventSink>(&mut self, sink: &mut S) {
        for i in 0..self.table.capacity_slots() {
            self.age_slot(i, sink);
        }
    }

    /// The entry of `key` as it stands now: aged to the current time, as a lookup or the
    /// hardware's read-out would see it (the table itself is aged by the sweep and by lookups).
    pub fn entry_now(&self, key: &FlowKey) -> Option<Entry> {
        let e = self.table.entries().find(|e| e.key == *key)?;
        let mut e = *e;
        let c = expire(e.clocks(), self.now, &self.timeouts).alive()?;
        e.set_clocks(c);
        Some(e)
    }

    /// Number of entries per (client state, server state) — the per-state histogram.
    pub fn state_histogram(&self) -> [[u64; TcpState::COUNT]; 2] {
        let mut h = [[0u64; TcpState::COUNT]; 2];
        for e in self.table.entries() {
            h[0][e.client_state() as usize] += 1;
            h[1][e.server_state() as usize] += 1;
        }
        h
    }

    /// Hint: a segment from `src` to `dst` comes soon. Starts loading what finding its
    /// connection reads first; changes nothing. What it returns is handed to
    /// [`Tracker::peek_slot`] later for the same segment (`None`: nothing to look at there).
    #[inline(always)]
    pub fn prefetch_lookup(&self, src: Endpoint, dst: Endpoint) -> Option<LookupHint> {
        if !self.table.is_hashed() {
            // A bounded table is small enough to stay in the cache: nothing to load.
            return None;
        }
        let hash = match (src.ip, dst.ip) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let packed =
                    |a: std::net::Ipv4Addr, port: u16| (a.to_bits() as u64) << 16 | port as u64;
                flow_hash_v4(packed(s, src.port), packed(d, dst.port))
            }
            _ => flow_hash(&FlowKey::of(src, dst).0),
        };
        self.table.prefetch_lookup(hash);
        Some(LookupHint(hash))
    }

    /// Hint, some time after [`Tracker::prefetch_lookup`] for the same segment (`hint`, what it
    /// returned): the slot that most likely holds its connection now (unconfirmed, not aged;
    /// unbounded tables only), whose entry starts loading. Changes nothing.
    #[inline]
    pub fn peek_slot(&self, hint: LookupHint) -> Option<usize> {
        self.table.peek_slot(hint.0)
    }

    /// The slot of the connection the last segment was applied to (a handle for statistics).
    pub fn last_slot(&self) -> Option<usize> {
        self.last_slot
    }

    /// Which endpoint of its key sent the last segment applied to a connection
    /// ([`Tracker::last_slot`]).
    pub fn last_sender(&self) -> End {
        self.last_sender
    }

    /// Age the entry at slot `i`; a dead one is removed with an event.
    fn age_slot<S: EventSink>(&mut self, i: usize, sink: &mut S) {
        let now = self.now;
        let t = self.timeouts;
        let Some(e) = self.table.slot_mut(i) else {
            return;
        };
        // Every rule of `expire` but a handshake endpoint's silence waits at least the
        // shortest timeout: until then it would return the entry as it is.
        if elapsed(now, e.last_seen) < self.shortest_timeout && !e.handshake_due(now, &t) {
            return;
        }
        match expire(e.clocks(), now, &t) {
            Aged::Alive(c) => e.set_clocks(c),
            Aged::Gone(c) => {
                e.set_clocks(c);
                let entry = self.table.remove(i).expect("slot holds an entry");
                self.counters.inc(Counter::Expired);
                sink.event(Event::Removed {
                    entry,
                    slot: i,
                    reason: RemoveReason::Expired,
                    time: now,
                });
            }
        }
    }

    /// Process one segment descriptor.
    pub fn process<S: EventSink>(&mut self, d: &SegmentDescriptor, sink: &mut S) -> Verdict {
        self.process_hinted(d, None, sink)
    }

    /// [`Tracker::process`], with the segment's [`LookupHint`] if there is one.
    fn process_hinted<S: EventSink>(
        &mut self,
        d: &SegmentDescriptor,
        hint: Option<LookupHint>,
        sink: &mut S,
    ) -> Verdict {
        self.last_slot = None;
        self.advance_time(d.time, sink);
        let class = d.flags.class();
        self.counters.count_flags(d.flags, class);
        // The RST bit is examined before the flag policy (RFC 9293 §3.10.7.4 orders the
        // checks so): a RST inside an invalid combination still resets an endpoint.
        if class == FlagClass::Invalid && !d.flags.rst() {
            return Verdict::Invalid;
        }
        let (key, src_is_lo) = FlowKey::of(d.src, d.dst);
        let sender = End::lo_if(src_is_lo);
        let now = self.now;
        // The index hash of an unbounded table's key (unused on a bounded one).
        let hash = match hint {
            Some(LookupHint(h)) => h,
            None if self.table.is_hashed() => flow_hash(&key),
            None => 0,
        };
        let (slot, created) = match self.lookup(&key, hash, sink) {
            Some(i) => (i, false),
            None => {
                if d.flags.rst() {
                    self.counters.inc(Counter::Untracked);
                    return Verdict::Untracked;
                }
                let entry = segment::open(key, sender, d, class, now);
                let slot = if self.table.is_bounded() {
                    let Some(i) = self.insert_bounded(&key, sink) else {
                        self.counters.inc(Counter::TableFull);
                        sink.event(Event::Refused { key, time: now });
                        return Verdict::Refused;
                    };
                    self.table.put(i, entry);
                    i
                } else {
                    self.table.alloc_unbounded(entry, hash)
                };
                self.counters.inc(Counter::Created);
                if entry.picked_up {
                    self.counters.inc(Counter::PickedUp);
                }
                sink.event(Event::Created {
                    entry,
                    slot,
                    time: now,
                });
                (slot, true)
            }
        };
        self.last_slot = Some(slot);
        self.last_sender = sender;
        let entry = self
            .table
            .slot_mut(slot)
            .as_mut()
            .expect("slot holds the entry");
        let before = entry.states();
        let applied = segment::apply(entry, sender, d, class, created, now);
        let after = entry.states();
        // What the events name is copied out only when something is reported.
        let changed = (applied.reincarnated || after != before).then(|| Changed {
            key: entry.key,
            client: entry.client_end(),
            before,
            after,
        });
        self.count_notes(applied.notes);
        if let Some(c) = changed {
            self.account(&c, slot, sender, &applied, sink);
        } else {
            self.count_verdict(applied.verdict);
        }
        applied.verdict
    }

    /// Counters and events of one applied segment: the one place state changes are reported.
    fn count_verdict(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Rst(rc) => self.counters.inc(rc.counter()),
            Verdict::SynChallenged => self.counters.inc(Counter::SynInSync),
            Verdict::Unacceptable(r) => self.counters.inc(r.counter()),
            _ => {}
        }
    }

    fn count_notes(&mut self, n: segment::Notes) {
        for (on, c) in [
            (n.fin_held, Counter::FinHeld),
            (n.window_probe, Counter::WindowProbes),
            (n.handshake_lost, Counter::HandshakeLost),
        ] {
            if on {
                self.counters.inc(c);
            }
        }
    }

    fn account<S: EventSink>(
        &mut self,
        c: &Changed,
        slot: usize,
        sender: End,
        applied: &Applied,
        sink: &mut S,
    ) {
        let now = self.now;
        self.count_verdict(applied.verdict);
        if applied.reincarnated {
            self.counters.inc(Counter::Reincarnations);
            sink.event(Event::Reincarnated {
                key: c.key,
                slot,
                time: now,
            });
        }
        // The sender's change first, then the receiver's.
        for end in [sender, sender.other()] {
            let (from, to) = (c.before[end], c.after[end]);
            if from != to {
                self.counters.inc(Counter::StateChanges);
                sink.event(Event::StateChanged {
                    key: c.key,
                    endpoint: c.key.endpoint(end),
                    is_client: end == c.client,
                    from,
                    to,
                    time: now,
                });
            }
        }
    }

    /// Find `key` (whose [`flow_hash`] is `hash` in an unbounded table), aging what is read on
    /// the way (a bounded table's whole bucket).
    fn lookup<S: EventSink>(&mut self, key: &FlowKey, hash: u32, sink: &mut S) -> Option<usize> {
        if !self.table.is_bounded() {
            debug_assert_eq!(hash, flow_hash(key), "a lookup hint of another segment");
            let i = self.table.find_unbounded(key, hash)?;
            self.age_slot(i, sink);
            return self.table.slot(i).is_some().then_some(i);
        }
        let range = self.table.bucket_slots(key);
        for i in range.clone() {
            self.age_slot(i, sink);
        }
        range
            .into_iter()
            .find(|i| self.table.slot(*i).is_some_and(|e| e.key == *key))
    }

    /// Make room in `key`'s bucket (`Table::make_room`: a free way or pair, else victims by
    /// eviction class). `None` when that would evict a live connection.
    fn insert_bounded<S: EventSink>(&mut self, key: &FlowKey, sink: &mut S) -> Option<usize> {
        let now = self.now;
        let (slot, evicted) = self.table.make_room(key, now)?;
        for (victim, entry) in evicted.iter() {
            self.counters.inc(Counter::Evicted);
            sink.event(Event::Removed {
                entry,
                slot: victim,
                reason: RemoveReason::Evicted,
                time: now,
            });
        }
        Some(slot)
    }
}
