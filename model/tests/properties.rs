//! Property tests of the tracker and the frame parser over random inputs.
//!
//! Segment streams: many connections among a few hosts and ports (so keys collide in the table and
//! connections are reused), every nine-bit flag value, sequence and acknowledgement numbers near
//! the live values and far from them, retransmissions (replays of earlier segments) and random
//! time steps, through a small bounded table (16 buckets × 2 ways), the hardware's shape and an
//! unbounded one. Frames: random bytes and mutated valid frames through `Tracker::process_frame`,
//! and `frame::parse_frame` cross-checked against etherparse on frames built by etherparse.

use etherparse::{
    PacketBuilder, SlicedPacket, TcpHeader, TcpOptionElement, TransportSlice, VlanId,
};
use proptest::prelude::*;
use synscope_model::descriptor::{WSCALE_MAX, WSCALE_NONE};
use synscope_model::entry::Entry;
use synscope_model::frame::{parse_frame, MIN_FRAME_LEN};
use synscope_model::timeouts::{expire, Aged, Clocks};
use synscope_model::tracker::RemoveReason;
use synscope_model::{
    Counter, Counters, End, Endpoint, Event, FlagClass, FlowKey, SegmentDescriptor, TableShape,
    TcpFlags, TcpState, Timeouts, Tracker, TrackerConfig, Verdict,
};

// ================================================================================================
// Segment streams
// ================================================================================================

const HOSTS: [u32; 3] = [0x0a00_0001, 0x0a00_0002, 0x0a00_0003];
const PORTS: [u16; 4] = [22, 80, 40000, 40001];

const SMALL: TableShape = TableShape::Bounded {
    buckets: 16,
    ways: 2,
};

/// A sequence or acknowledgement number: relative to the live value the tracker holds for that
/// endpoint, or anything.
#[derive(Clone, Copy, Debug)]
enum Num {
    Live(i32),
    Any(u32),
}

#[derive(Clone, Debug)]
enum Op {
    Seg {
        src: (usize, usize),
        dst: (usize, usize),
        flags: u16,
        seq: Num,
        ack: Num,
        len: u16,
        window: u16,
        wscale: u8,
        dt: u32,
    },
    /// Send again the segment `back` places before the end of the history (a retransmission,
    /// a duplicate), at the current time plus `dt`.
    Replay { back: usize, dt: u32 },
}

fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        12 => Just(Num::Live(0)),
        3 => (-2i32..=2).prop_map(Num::Live),
        2 => (-70_000i32..=70_000).prop_map(Num::Live),
        1 => any::<i32>().prop_map(Num::Live),
        1 => any::<u32>().prop_map(Num::Any),
    ]
}

fn flags() -> impl Strategy<Value = u16> {
    use TcpFlags as F;
    prop_oneof![
        6 => prop::sample::select(vec![
            F::SYN,
            F::SYN | F::ACK,
            F::ACK,
            F::ACK | F::PSH,
            F::FIN | F::ACK,
            F::RST,
            F::RST | F::ACK,
        ]),
        4 => 0u16..512,
    ]
}

fn dt() -> impl Strategy<Value = u32> {
    prop_oneof![
        40 => Just(0u32),
        12 => 1u32..4,
        2 => 9u32..12,
        2 => 55u32..75,
        1 => 7000u32..7300,
    ]
}

fn endpoint() -> impl Strategy<Value = (usize, usize)> {
    (0..HOSTS.len(), 0..PORTS.len())
}

/// Connections that recur (so they get deep into their state machines), either way round, or
/// any two endpoints (so that keys collide and tuples are reused).
fn pair() -> impl Strategy<Value = ((usize, usize), (usize, usize))> {
    const CONNS: [((usize, usize), (usize, usize)); 6] = [
        ((0, 2), (1, 1)),
        ((0, 3), (1, 1)),
        ((2, 2), (1, 1)),
        ((0, 2), (2, 0)),
        ((1, 2), (0, 1)),
        ((0, 2), (1, 0)),
    ];
    prop_oneof![
        6 => (0..CONNS.len(), any::<bool>()).prop_map(|(i, flip)| {
            let (a, b) = CONNS[i];
            if flip { (b, a) } else { (a, b) }
        }),
        2 => (endpoint(), endpoint()),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        9 => (
            pair(),
            flags(),
            num(),
            num(),
            prop::sample::select(vec![0u16, 0, 1, 100, 1460]),
            any::<u16>(),
            prop_oneof![Just(WSCALE_NONE), 0u8..16],
            dt(),
        )
            .prop_map(|((src, dst), flags, seq, ack, len, window, wscale, dt)| Op::Seg {
                src,
                dst,
                flags,
                seq,
                ack,
                len,
                window,
                wscale,
                dt,
            }),
        2 => (0usize..8, prop_oneof![3 => Just(0u32), 1 => 1u32..70])
            .prop_map(|(back, dt)| Op::Replay { back, dt }),
    ]
}

fn ops(max: usize) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(), 1..max)
}

fn ep((h, p): (usize, usize)) -> Endpoint {
    Endpoint::v4(HOSTS[h], PORTS[p])
}

fn entry_of(t: &Tracker, key: &FlowKey) -> Option<Entry> {
    t.table().entries().find(|e| e.key == *key).copied()
}

/// Turn the ops into descriptors, resolving `Num::Live` against the tracker as it is when the
/// segment is sent.
struct Feeder {
    time: u32,
    history: Vec<SegmentDescriptor>,
}

impl Feeder {
    fn new() -> Self {
        Feeder {
            time: 1_000,
            history: Vec::new(),
        }
    }

    fn next(&mut self, t: &Tracker, op: &Op) -> SegmentDescriptor {
        let d = match *op {
            Op::Seg {
                src,
                dst,
                flags,
                seq,
                ack,
                len,
                window,
                wscale,
                dt,
            } => {
                self.time += dt;
                let (src, dst) = (ep(src), ep(dst));
                let (key, src_is_lo) = FlowKey::of(src, dst);
                let e = entry_of(t, &key);
                let live = |end: End| e.map(|e| e.ends[end].nxt).unwrap_or(7);
                let s = End::lo_if(src_is_lo);
                let r = s.other();
                let resolve = |n: Num, base: u32| match n {
                    Num::Live(d) => base.wrapping_add(d as u32),
                    Num::Any(v) => v,
                };
                SegmentDescriptor {
                    src,
                    dst,
                    seq: resolve(seq, live(s)),
                    ack: resolve(ack, live(r)),
                    flags: TcpFlags::new(flags),
                    window,
                    wscale,
                    payload_len: len,
                    tsval: None,
                    time: self.time,
                }
            }
            Op::Replay { back, dt } => {
                self.time += dt;
                match self.history.len().checked_sub(back + 1) {
                    Some(i) => SegmentDescriptor {
                        time: self.time,
                        ..self.history[i]
                    },
                    None => SegmentDescriptor {
                        src: ep((0, 0)),
                        dst: ep((1, 1)),
                        seq: 1,
                        ack: 0,
                        flags: TcpFlags::new(TcpFlags::SYN),
                        window: 1000,
                        wscale: WSCALE_NONE,
                        payload_len: 0,
                        tsval: None,
                        time: self.time,
                    },
                }
            }
        };
        self.history.push(d);
        d
    }
}

fn snapshot(t: &Tracker) -> Vec<Entry> {
    let mut v: Vec<Entry> = t.table().entries().copied().collect();
    v.sort_by_key(|e| e.key);
    v
}

/// The entry as aging alone leaves it at `now` (what a lookup does before the segment applies).
fn aged(e: Entry, now: u32, to: &Timeouts) -> Option<Entry> {
    expire(e.clocks(), now, to).alive().map(|c| {
        let mut e = e;
        e.set_clocks(c);
        e
    })
}

/// Invariants that hold after every segment.
fn check_table(t: &Tracker, shape: TableShape) -> Result<(), TestCaseError> {
    let snap = snapshot(t);
    for w in snap.windows(2) {
        prop_assert!(w[0].key != w[1].key, "two entries for {:?}", w[0].key);
    }
    for e in &snap {
        for s in e.states() {
            prop_assert!(TcpState::ALL.contains(&s));
            prop_assert_eq!(TcpState::from_bits(s.bits()), Some(s));
        }
        prop_assert!(e.last_seen <= t.now());
    }
    let hist = t.state_histogram();
    for side in hist {
        prop_assert_eq!(side.iter().sum::<u64>(), snap.len() as u64);
    }
    if let Some(cap) = shape.capacity() {
        prop_assert!(t.table().len() <= cap);
        prop_assert_eq!(t.table().capacity_slots(), cap);
        for i in 0..cap {
            if let Some(e) = t.table().slot(i) {
                prop_assert!(
                    t.table().bucket_slots(&e.key).contains(&i),
                    "entry outside its bucket"
                );
            }
        }
    }
    Ok(())
}

/// Counter identities that hold at any time.
fn check_counters(
    c: &Counters,
    ev: &[Event],
    segments: u64,
    flag_bits: u64,
    len: usize,
) -> Result<(), TestCaseError> {
    let classes: u64 = FlagClass::ALL
        .iter()
        .map(|k| c.get(Counter::class(*k)))
        .sum();
    prop_assert_eq!(classes, segments);
    let bits: u64 = (0..TcpFlags::BITS).map(|b| c.get(Counter::flag(b))).sum();
    prop_assert_eq!(bits, flag_bits);
    let count = |f: &dyn Fn(&Event) -> bool| ev.iter().filter(|e| f(e)).count() as u64;
    prop_assert_eq!(
        c.get(Counter::Created),
        count(&|e| matches!(e, Event::Created { .. }))
    );
    prop_assert_eq!(
        c.get(Counter::StateChanges),
        count(&|e| matches!(e, Event::StateChanged { .. }))
    );
    prop_assert_eq!(
        c.get(Counter::Expired),
        count(&|e| matches!(
            e,
            Event::Removed {
                reason: RemoveReason::Expired,
                ..
            }
        ))
    );
    prop_assert_eq!(
        c.get(Counter::Evicted),
        count(&|e| matches!(
            e,
            Event::Removed {
                reason: RemoveReason::Evicted,
                ..
            }
        ))
    );
    prop_assert_eq!(
        c.get(Counter::TableFull),
        count(&|e| matches!(e, Event::Refused { .. }))
    );
    prop_assert_eq!(
        c.get(Counter::Reincarnations),
        count(&|e| matches!(e, Event::Reincarnated { .. }))
    );
    prop_assert!(c.get(Counter::PickedUp) <= c.get(Counter::Created));
    // Entries leave only by expiry or eviction.
    prop_assert_eq!(
        c.get(Counter::Created) - c.get(Counter::Expired) - c.get(Counter::Evicted),
        len as u64
    );
    let rst: u64 = [
        Counter::RstExact,
        Counter::RstInWindow,
        Counter::RstOutOfWindow,
        Counter::RstUnverified,
        Counter::Untracked,
    ]
    .iter()
    .map(|k| c.get(*k))
    .sum();
    // Every segment with RST set is classified, in a valid combination or not.
    prop_assert_eq!(rst, c.get(Counter::FlagRst));
    Ok(())
}

/// Run `ops` through a tracker of `shape`, checking every per-segment property. Returns the
/// tracker (finished) and the descriptors.
fn run(shape: TableShape, ops: &[Op]) -> Result<(Tracker, Vec<SegmentDescriptor>), TestCaseError> {
    let mut t = Tracker::new(TrackerConfig {
        shape,
        ..TrackerConfig::default()
    });
    let timeouts = t.timeouts();
    let mut ev: Vec<Event> = Vec::new();
    let mut feeder = Feeder::new();
    let mut flag_bits = 0u64;
    for op in ops {
        let d = feeder.next(&t, op);
        flag_bits += d.flags.bits().count_ones() as u64;
        // Time first, so that what follows compares the segment's own effect.
        t.advance_time(d.time, &mut ev);
        let before = snapshot(&t);
        let (key, _) = FlowKey::of(d.src, d.dst);
        let old = entry_of(&t, &key).and_then(|e| aged(e, t.now(), &timeouts));
        let events_before = ev.len();
        let lost_before = t.counters().get(Counter::HandshakeLost);
        let v = t.process(&d, &mut ev);
        let shows_loss = t.counters().get(Counter::HandshakeLost) > lost_before;
        let after = snapshot(&t);
        let class = d.flags.class();
        match v {
            Verdict::Invalid => {
                prop_assert_eq!(class, FlagClass::Invalid);
                prop_assert_eq!(
                    &before,
                    &after,
                    "invalid flags {} changed the table",
                    d.flags
                );
                prop_assert_eq!(ev.len(), events_before);
            }
            Verdict::Untracked => {
                prop_assert!(d.flags.rst());
                prop_assert!(old.is_none());
                prop_assert!(entry_of(&t, &key).is_none());
            }
            Verdict::Refused => {
                prop_assert!(shape.capacity().is_some());
                prop_assert!(entry_of(&t, &key).is_none());
                prop_assert!(old.is_none());
            }
            Verdict::SynChallenged => {
                prop_assert!(matches!(class, FlagClass::Syn | FlagClass::SynAck));
                let e = entry_of(&t, &key);
                prop_assert!(e.is_some());
                prop_assert_eq!(e, old, "a challenged SYN changed its entry");
            }
            Verdict::Rst(rc) => {
                prop_assert!(d.flags.rst());
                let e = entry_of(&t, &key).expect("classified RST has an entry");
                if rc.accepted() {
                    prop_assert_eq!(e.states(), [TcpState::Closed; 2]);
                } else if Some(e) != old {
                    // Only a sender never seen before may be closed by its RST (it holds no
                    // connection): nothing else moves.
                    let o = old.expect("an entry before");
                    let s = End::lo_if(FlowKey::of(d.src, d.dst).1);
                    prop_assert_eq!(e.ends[s].state, TcpState::Closed);
                    prop_assert_eq!(
                        e.ends[s.other()],
                        o.ends[s.other()],
                        "an ignored RST moved its receiver"
                    );
                }
            }
            Verdict::Unacceptable(r) => {
                let e = entry_of(&t, &key);
                prop_assert_eq!(
                    e,
                    old,
                    "an unacceptable segment ({:?}) changed its entry",
                    r
                );
            }
            Verdict::Tracked => {
                prop_assert!(matches!(
                    class,
                    FlagClass::Syn | FlagClass::SynAck | FlagClass::Fin | FlagClass::Ack
                ));
                let e = entry_of(&t, &key).expect("tracked segment has an entry");
                prop_assert_eq!(e.last_seen, t.now());
            }
        }
        // Nothing goes from a synchronized state back into the handshake, but a new
        // incarnation of a finished 4-tuple.
        let reincarnated = ev[events_before..]
            .iter()
            .any(|e| matches!(e, Event::Reincarnated { .. }));
        for e in &ev[events_before..] {
            if let Event::StateChanged { from, to, .. } = *e {
                prop_assert!(from != to);
                prop_assert!(
                    reincarnated
                        || shows_loss
                        || !from.is_synchronized()
                        || to.is_synchronized()
                        || to == TcpState::Closed,
                    "{} -> {}",
                    from,
                    to
                );
            }
        }
        check_table(&t, shape)?;
        check_counters(
            t.counters(),
            &ev,
            feeder.history.len() as u64,
            flag_bits,
            t.table().len(),
        )?;
    }
    t.finish(&mut ev);
    check_table(&t, shape)?;
    check_counters(
        t.counters(),
        &ev,
        feeder.history.len() as u64,
        flag_bits,
        t.table().len(),
    )?;
    Ok((t, feeder.history))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A small bounded table under pressure: refusals and evictions happen, every invariant holds.
    #[test]
    fn streams_bounded_small(ops in ops(250)) {
        run(SMALL, &ops)?;
    }

    /// The same streams without a bound.
    #[test]
    fn streams_unbounded(ops in ops(250)) {
        let (t, _) = run(TableShape::Unbounded, &ops)?;
        prop_assert_eq!(t.counters().get(Counter::TableFull), 0);
        prop_assert_eq!(t.counters().get(Counter::Evicted), 0);
    }

    /// Replaying a recorded stream of descriptors gives the same table and counters: the
    /// tracker is a function of its input.
    #[test]
    fn streams_deterministic(ops in ops(150)) {
        let (t1, descs) = run(SMALL, &ops)?;
        let mut t2 = Tracker::new(TrackerConfig { shape: SMALL, ..TrackerConfig::default() });
        for d in &descs {
            t2.process(d, &mut ());
        }
        t2.finish(&mut ());
        prop_assert_eq!(snapshot(&t1), snapshot(&t2));
        prop_assert_eq!(t1.counters(), t2.counters());
    }

    /// Aging is composable (timeouts.rs): aging at t1 then at t2 equals aging at t2, for the
    /// state pairs of a connection (both synchronized, or none, or an ordinary close) and
    /// timeouts where the idle timeout is the longest.
    #[test]
    fn aging_is_composable(
        pair in prop::sample::select(vec![
            [TcpState::SynSent, TcpState::SynReceived],
            [TcpState::SynReceived, TcpState::SynReceived],
            [TcpState::Established, TcpState::SynReceived],
            [TcpState::Established, TcpState::Established],
            [TcpState::FinWait1, TcpState::CloseWait],
            [TcpState::FinWait2, TcpState::CloseWait],
            [TcpState::Closing, TcpState::Closing],
            [TcpState::TimeWait, TcpState::LastAck],
            [TcpState::TimeWait, TcpState::SynReceived],
            [TcpState::SynSent, TcpState::TimeWait],
            [TcpState::TimeWait, TcpState::Listen],
            [TcpState::TimeWait, TcpState::Closing],
            [TcpState::TimeWait, TcpState::Closed],
            [TcpState::Closed, TcpState::TimeWait],
            [TcpState::TimeWait, TcpState::TimeWait],
            [TcpState::Closed, TcpState::Closed],
        ]),
        last_seen in 0u32..100_000,
        at in prop::array::uniform2(0u32..2_000),
        gap in prop::array::uniform2(0u32..4_096),
        d1 in 0u32..6_400,
        d2 in 0u32..6_400,
        tw in 1u32..120,
        hs in 1u32..120,
        fw2 in 1u32..120,
        idle_extra in 0u32..300,
        linger in 1u32..60,
    ) {
        let t = Timeouts {
            time_wait: tw,
            handshake: hs,
            fin_wait_2: fw2,
            idle: tw.max(hs).max(fw2) + linger + 1 + idle_extra,
            linger,
        };
        prop_assert!(t.validate().is_ok());
        // Handshake clocks at or before the last segment, in the states that keep one.
        let clock = |i: usize| {
            matches!(pair[i], TcpState::SynSent | TcpState::SynReceived)
                .then_some((last_seen.saturating_sub(at[i]), gap[i]))
        };
        let c = Clocks { states: pair, handshake: [clock(0), clock(1)], last_seen };
        let (t1, t2) = (last_seen + d1, last_seen + d1 + d2);
        let direct = expire(c, t2, &t);
        let stepped = match expire(c, t1, &t) {
            Aged::Alive(a) => expire(a, t2, &t),
            gone => gone,
        };
        prop_assert_eq!(direct.alive(), stepped.alive());
        // And idempotent at one time.
        let once = expire(c, t1, &t);
        prop_assert_eq!(once.alive().map(|a| expire(a, t1, &t)), once.alive().map(Aged::Alive));
    }
}

// ================================================================================================
// Frames
// ================================================================================================

/// A valid frame built by etherparse, with the fields it was built from.
#[derive(Clone, Debug)]
struct Built {
    frame: Vec<u8>,
    src_port: u16,
    dst_port: u16,
    seq: u32,
    ack: u32,
    flags: u16,
    window: u16,
    wscale: Option<u8>,
    payload_len: usize,
}

#[allow(clippy::too_many_arguments)]
fn build(
    vlans: u8,
    ips: ([u8; 4], [u8; 4]),
    ports: (u16, u16),
    seq: u32,
    ack: u32,
    flags: u16,
    window: u16,
    wscale: Option<u8>,
    payload_len: usize,
) -> Built {
    let mut h = TcpHeader::new(ports.0, ports.1, seq, window);
    h.acknowledgment_number = ack;
    h.fin = flags & TcpFlags::FIN != 0;
    h.syn = flags & TcpFlags::SYN != 0;
    h.rst = flags & TcpFlags::RST != 0;
    h.psh = flags & TcpFlags::PSH != 0;
    h.ack = flags & TcpFlags::ACK != 0;
    h.urg = flags & TcpFlags::URG != 0;
    h.ece = flags & TcpFlags::ECE != 0;
    h.cwr = flags & TcpFlags::CWR != 0;
    h.ns = flags & TcpFlags::AE != 0;
    if let Some(s) = wscale {
        h.set_options(&[
            TcpOptionElement::MaximumSegmentSize(1460),
            TcpOptionElement::Noop,
            TcpOptionElement::WindowScale(s),
        ])
        .unwrap();
    }
    let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    let payload: Vec<u8> = (0..payload_len).map(|i| i as u8).collect();
    let mut frame = Vec::new();
    match vlans {
        0 => eth
            .ipv4(ips.0, ips.1, 64)
            .tcp_header(h)
            .write(&mut frame, &payload),
        1 => eth
            .single_vlan(VlanId::try_new(42).unwrap())
            .ipv4(ips.0, ips.1, 64)
            .tcp_header(h)
            .write(&mut frame, &payload),
        _ => eth
            .double_vlan(VlanId::try_new(7).unwrap(), VlanId::try_new(42).unwrap())
            .ipv4(ips.0, ips.1, 64)
            .tcp_header(h)
            .write(&mut frame, &payload),
    }
    .unwrap();
    if frame.len() < MIN_FRAME_LEN {
        frame.resize(MIN_FRAME_LEN, 0);
    }
    Built {
        frame,
        src_port: ports.0,
        dst_port: ports.1,
        seq,
        ack,
        flags,
        window,
        wscale,
        payload_len,
    }
}

fn built() -> impl Strategy<Value = Built> {
    (
        0u8..3,
        (any::<[u8; 4]>(), any::<[u8; 4]>()),
        (any::<u16>(), any::<u16>()),
        any::<u32>(),
        any::<u32>(),
        0u16..512,
        any::<u16>(),
        prop::option::of(0u8..=255),
        prop_oneof![3 => 0usize..64, 1 => 64usize..1400],
    )
        .prop_map(|(v, ips, ports, seq, ack, flags, win, ws, len)| {
            build(v, ips, ports, seq, ack, flags, win, ws, len)
        })
}

/// A byte-level mutation of a frame.
#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, xor: u8 },
    Truncate(usize),
    Extend(Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<usize>(), 1u8..=255).prop_map(|(at, xor)| Mutation::Flip { at, xor }),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Mutation::Extend),
    ]
}

fn mutate(mut f: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        match m {
            Mutation::Flip { at, xor } if !f.is_empty() => {
                // Mostly in the headers, where the checks are.
                let n = f.len().min(80);
                let i = at % n;
                f[i] ^= xor;
            }
            Mutation::Flip { .. } => {}
            Mutation::Truncate(n) => {
                let n = n % (f.len() + 1);
                f.truncate(n);
            }
            Mutation::Extend(b) => f.extend_from_slice(b),
        }
    }
    f
}

fn frame_counters_hold(t: &Tracker) -> Result<(), TestCaseError> {
    let c = t.counters();
    prop_assert_eq!(
        c.get(Counter::Frames),
        c.get(Counter::Processed) + c.dropped()
    );
    let classes: u64 = FlagClass::ALL
        .iter()
        .map(|k| c.get(Counter::class(*k)))
        .sum();
    prop_assert_eq!(classes, c.get(Counter::Processed));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random bytes: never a panic; every frame is processed or dropped for one reason.
    #[test]
    fn frames_random_bytes(
        frames in prop::collection::vec(
            prop_oneof![
                1 => prop::collection::vec(any::<u8>(), 0..1600),
                // Random bytes behind a plausible Ethernet + IPv4 start.
                2 => prop::collection::vec(any::<u8>(), 40..200).prop_map(|mut v| {
                    v[12] = 0x08;
                    v[13] = 0x00;
                    v[14] = 0x45;
                    v
                }),
            ],
            1..20,
        ),
        mac_drops in 0u64..4,
    ) {
        let mut t = Tracker::new(TrackerConfig { shape: SMALL, ..TrackerConfig::default() });
        let mut ev: Vec<Event> = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            let r = t.process_frame(f, i as u32, &mut ev);
            prop_assert_eq!(r.map(|(d, _)| d), parse_frame(f, i as u32));
            check_table(&t, SMALL)?;
        }
        for _ in 0..mac_drops {
            t.drop_frame(synscope_model::DropReason::BadFcs);
        }
        prop_assert_eq!(t.counters().get(Counter::Frames), frames.len() as u64 + mac_drops);
        frame_counters_hold(&t)?;
    }

    /// Valid frames, mutated: never a panic, and the counters add up.
    #[test]
    fn frames_mutated(
        frames in prop::collection::vec(
            (built(), prop::collection::vec(mutation(), 0..4)),
            1..16,
        ),
    ) {
        let mut t = Tracker::new(TrackerConfig { shape: SMALL, ..TrackerConfig::default() });
        let mut ev: Vec<Event> = Vec::new();
        for (i, (b, ms)) in frames.iter().enumerate() {
            let f = mutate(b.frame.clone(), ms);
            let r = t.process_frame(&f, i as u32, &mut ev);
            if ms.is_empty() {
                prop_assert!(r.is_ok(), "a valid frame was dropped: {:?}", r);
            }
            check_table(&t, SMALL)?;
        }
        prop_assert_eq!(t.counters().get(Counter::Frames), frames.len() as u64);
        frame_counters_hold(&t)?;
    }

    /// parse_frame agrees with etherparse 0.16 on frames etherparse builds.
    #[test]
    fn parse_frame_matches_etherparse(b in built(), time in any::<u32>()) {
        let d = parse_frame(&b.frame, time).map_err(|r| TestCaseError::fail(format!("dropped: {r}")))?;
        let p = SlicedPacket::from_ethernet(&b.frame)
            .map_err(|e| TestCaseError::fail(format!("etherparse: {e}")))?;
        let Some(TransportSlice::Tcp(tcp)) = p.transport else {
            return Err(TestCaseError::fail("etherparse found no TCP"));
        };
        prop_assert_eq!(d.src.port, tcp.source_port());
        prop_assert_eq!(d.dst.port, tcp.destination_port());
        prop_assert_eq!(d.seq, tcp.sequence_number());
        prop_assert_eq!(d.ack, tcp.acknowledgment_number());
        prop_assert_eq!(d.window, tcp.window_size());
        let ep_flags = [
            tcp.fin(), tcp.syn(), tcp.rst(), tcp.psh(), tcp.ack(), tcp.urg(), tcp.ece(), tcp.cwr(),
            tcp.ns(),
        ]
        .iter()
        .enumerate()
        .fold(0u16, |acc, (i, on)| acc | ((*on as u16) << i));
        prop_assert_eq!(d.flags.bits(), ep_flags);
        prop_assert_eq!(d.payload_len as usize, tcp.payload().len());
        prop_assert_eq!(d.time, time);
        // And both agree with what was built.
        prop_assert_eq!(
            (d.src.port, d.dst.port, d.seq, d.ack, d.flags.bits(), d.window, d.payload_len as usize),
            (b.src_port, b.dst_port, b.seq, b.ack, b.flags, b.window, b.payload_len)
        );
        let want_ws = match b.wscale {
            Some(s) if b.flags & TcpFlags::SYN != 0 => s.min(WSCALE_MAX),
            _ => WSCALE_NONE,
        };
        prop_assert_eq!(d.wscale, want_ws);
        let Some(etherparse::NetSlice::Ipv4(ip)) = &p.net else {
            return Err(TestCaseError::fail("etherparse found no IPv4"));
        };
        prop_assert_eq!(d.src.ip, std::net::IpAddr::V4(ip.header().source_addr()));
        prop_assert_eq!(d.dst.ip, std::net::IpAddr::V4(ip.header().destination_addr()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Where it never fills, the hardware's bounded table (swept every second) ends exactly like
    /// the unbounded one (aged lazily when read): aging does not depend on when it runs.
    #[test]
    fn bounded_without_pressure_equals_unbounded(ops in ops(250)) {
        let (u, descs) = run(TableShape::Unbounded, &ops)?;
        let mut b = Tracker::new(TrackerConfig::default());
        for d in &descs {
            b.process(d, &mut ());
        }
        b.finish(&mut ());
        prop_assume!(b.counters().get(Counter::Evicted) == 0);
        prop_assume!(b.counters().get(Counter::TableFull) == 0);
        prop_assert_eq!(snapshot(&b), snapshot(&u));
        prop_assert_eq!(b.counters(), u.counters());
    }
}
