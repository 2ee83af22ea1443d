//! The command engine under Verilator, in the composition that goes on the board: the
//! simulated board (`board_sim`, the station: MII → parser → the 2048 × 4 core, deframer,
//! engine, framer, UART), spoken to over its UART pins through the simulated serial line at
//! 3 Mbaud, with the protocol as the model defines it: requests built with
//! `Frame::request(..).encode`, answers decoded with the model's `Decoder`, `Frame::parse` and
//! payload decoders (docs/protocol.md). Segments enter as Ethernet frames on the MII pins
//! (`common::descriptor_frame`), and the model is fed the same frames.
//!
//! * `identify_ping_and_errors`: `IDENTIFY` is `Identity::encode` of the design; `PING` echoes
//!   0..=`MAX_PAYLOAD` bytes (flags and escapes included); unknown op, wrong length and other
//!   version give their error frames (`VERSION` in the header); `READ_LINK` counts them.
//! * `garbage_and_damaged_frames_are_dropped`: 10⁵ random bytes, frames with a flipped bit,
//!   cut short, aborted, too long, then a request is answered; the link counters equal what the
//!   model's `Decoder` counts on the same bytes.
//! * `answers_match_the_model_*`: segment streams (every capture; a seeded random stream) into
//!   the board and a model `Tracker` of the same shape, key and timeouts; after a full sweep
//!   of the core and `Tracker::finish`, `READ_COUNTERS` (front end included), `READ_HISTOGRAM`,
//!   `DUMP_TABLE` (from bucket 0 and from a later one) and `LOOKUP` (every entry, both
//!   directions, and absent tuples) are compared with the model. The table dump's wire bytes
//!   and time are printed.
//! * `configuration`: `GET_CONFIG`/`SET_CONFIG` round trips, refused values, the baud divisor
//!   switched after the answer, `CLEAR_COUNTERS` (table kept), `RESET_TABLE`, a new hash key
//!   (table emptied, then tracked under the new key, `LOOKUP` hashing with it).
//! * `events_match_the_model`: `EVENT` frames, in order, against the model's events; the rate
//!   limit drops and counts.
//!
//! `SYNSCOPE_LONG=1`: a longer random stream. `SYNSCOPE_SEED=N` replays another seed.

mod common;

use common::{descriptor_frame, long_run, seeded, Rng};
use std::collections::VecDeque;
use std::time::Instant;
use synscope_hdl::conn::conn_core::BUCKET_BITS_35T;
use synscope_hdl::conn::WAYS;
use synscope_hdl::link::command_engine::{identity, BOARD_SIM};
use synscope_hdl::link::uart::{baud_divisor, DIVISORS_100MHZ};
use synscope_model::descriptor::{SegmentDescriptor, WSCALE_NONE};
use synscope_model::flags::TcpFlags;
use synscope_model::frame::parse_frame;
use synscope_model::hash::{DEFAULT_HASH_KEY, HASH_KEY_BYTES};
use synscope_model::protocol::payload::{
    assemble_dump, decode_lookup, decode_lookup_answer, encode_lookup, encode_timeouts, event_bits,
    Config, CounterSnapshot, DumpChunk, EventRecord, Histogram, Identity, LOOKUP_BYTES,
};
use synscope_model::protocol::{
    dump_wire_bytes, wire_seconds, ConfigItem, Decoder, ErrorCode, Frame, FrameError, Kind,
    LinkCounter, Op, BAUD_RATES, DUMP_ENTRIES_PER_FRAME, ESCAPE, FLAG, MAX_FRAME, MAX_PAYLOAD,
    VERSION,
};
use synscope_model::table::TableShape;
use synscope_model::time::secs;
use synscope_model::timeouts::Timeouts;
use synscope_model::tracker::{Event, RemoveReason, Tracker, TrackerConfig, Verdict};
use synscope_model::{Counter, Endpoint, FlowKey, TcpState};
use synscope_sim::board::{BoardSim, FASTEST_BAUD};

const BUCKETS: usize = 1 << BUCKET_BITS_35T;
/// Core pipeline latency (conn_core: descriptor to counters), with margin.
const DRAIN: usize = 16;
/// The stored times are 20 bits of ticks: sweep the core fully before time runs further than
/// this (conn_core.rs says why).
const SWEEP_EVERY: u32 = 1 << 18;
/// Cycles a request may take before the test gives up (a dump of a few hundred entries at
/// 3 Mbaud takes ~3 M cycles).
const ANSWER_CYCLES: u64 = 100_000_000;

/// The simulated board, the model's decoder on its serial output.
struct Board {
    hw: BoardSim,
    dec: Decoder,
    /// Frames decoded from the output, in order (events included).
    frames: VecDeque<Frame>,
    /// Output frames that were dropped by the decoder (must stay empty: the framer is exact).
    bad: Vec<FrameError>,
    /// Bytes the board sent.
    tx_bytes: u64,
    /// Bytes sent to the board.
    rx_bytes: u64,
    seq: u8,
}

impl Board {
    /// A board after reset, its line switched to 3 Mbaud (`BoardSim::set_baud`).
    fn new() -> Board {
        let mut hw = BoardSim::new();
        hw.set_baud(FASTEST_BAUD).expect("SET_CONFIG baud");
        Board {
            hw,
            dec: Decoder::new(),
            frames: VecDeque::new(),
            bad: Vec::new(),
            tx_bytes: 0,
            rx_bytes: 0,
            seq: 0,
        }
    }

    /// Clock cycles so far.
    fn cycle(&self) -> u64 {
        self.hw.cycles()
    }

    /// Decode what the board sent meanwhile.
    fn collect(&mut self) {
        for b in self.hw.uart_read() {
            self.tx_bytes += 1;
            match self.dec.push(b) {
                Some(Ok(c)) => self
                    .frames
                    .push_back(Frame::parse(&c).expect("board frame")),
                Some(Err(e)) => self.bad.push(e),
                None => {}
            }
        }
    }

    /// One clock cycle.
    fn tick(&mut self) {
        self.hw.run(1);
        self.collect();
    }

    fn idle(&mut self, n: usize) {
        self.hw.run(n as u64);
        self.collect();
    }

    /// Bytes onto the line; returns when the last one has been sent.
    fn send(&mut self, bytes: &[u8]) {
        self.hw.uart_write(bytes);
        while self.hw.uart_pending() > 0 {
            self.hw.run(64);
        }
        self.collect();
        self.rx_bytes += bytes.len() as u64;
    }

    /// A segment as an Ethernet frame on the MII pins at its time; returns the frame (what
    /// the model is fed).
    fn segment(&mut self, d: &SegmentDescriptor) -> Vec<u8> {
        let f = descriptor_frame(d);
        self.hw.set_time(d.time);
        self.hw.send_captured(&f);
        self.collect();
        f
    }

    /// Run until the board has sent nothing for 100 000 cycles (ten EVENT frames' time at
    /// 3 Mbaud): the events still queued have all arrived.
    fn settle(&mut self) {
        loop {
            let n = self.tx_bytes;
            self.idle(100_000);
            if self.tx_bytes == n {
                return;
            }
        }
    }

    /// Every frame sent has been parsed, and the core's pipeline is empty.
    fn drain(&mut self) {
        self.hw.drain();
        self.idle(DRAIN);
    }

    /// Send `frame` and collect the frames answering it (up to one without `MORE`); events
    /// that come meanwhile stay in `frames`.
    fn exchange(&mut self, frame: &Frame) -> Vec<Frame> {
        let mut wire = Vec::new();
        frame.encode(&mut wire);
        self.send(&wire);
        let seq = frame.header.seq;
        let start = self.cycle();
        let mut answer = Vec::new();
        let mut events = VecDeque::new();
        loop {
            while let Some(f) = self.frames.pop_front() {
                if f.header.kind == Kind::Event {
                    events.push_back(f);
                    continue;
                }
                assert_eq!(f.header.seq, seq, "answer to another request: {f:?}");
                let more = f.header.more();
                answer.push(f);
                if !more {
                    self.frames = events;
                    assert!(self.bad.is_empty(), "undecodable output: {:?}", self.bad);
                    return answer;
                }
            }
            assert!(
                self.cycle() - start < ANSWER_CYCLES,
                "no answer to {:?} within {ANSWER_CYCLES} cycles ({} frames so far)",
                frame.header,
                answer.len()
            );
            self.idle(64);
        }
    }

    fn next_seq(&mut self) -> u8 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// A request's single answer frame.
    fn ask(&mut self, op: Op, payload: Vec<u8>) -> Frame {
        let seq = self.next_seq();
        let mut a = self.exchange(&Frame::request(seq, op, payload));
        assert_eq!(a.len(), 1, "{op:?}: {a:?}");
        let f = a.remove(0);
        assert_eq!(f.header.version, VERSION);
        assert_eq!(f.header.op, op as u8);
        f
    }

    /// A request's response payload (an error frame fails the test).
    fn request(&mut self, op: Op, payload: Vec<u8>) -> Vec<u8> {
        let f = self.ask(op, payload);
        assert_eq!(f.header.kind, Kind::Response, "{op:?}: {f:?}");
        f.payload
    }

    /// The error code a request gets.
    fn refused(&mut self, op: Op, payload: Vec<u8>) -> ErrorCode {
        let f = self.ask(op, payload);
        assert_eq!(f.header.kind, Kind::Error, "{op:?}: {f:?}");
        assert_eq!(f.payload.len(), 2);
        assert_eq!(f.payload[1], op as u8);
        f.error_code().expect("a known error code")
    }

    fn set(&mut self, item: ConfigItem, value: &[u8]) {
        let mut p = vec![item as u8];
        p.extend_from_slice(value);
        assert!(self.request(Op::SetConfig, p).is_empty());
    }

    fn link(&mut self) -> Vec<u32> {
        let p = self.request(Op::ReadLink, vec![]);
        assert_eq!(p.len(), 4 * LinkCounter::COUNT);
        p.chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }

    fn counters(&mut self) -> CounterSnapshot {
        let p = self.request(Op::ReadCounters, vec![]);
        assert_eq!(p.len(), 4 + 6 * Counter::COUNT);
        CounterSnapshot::decode(&p).unwrap()
    }

    fn histogram(&mut self) -> Histogram {
        let p = self.request(Op::ReadHistogram, vec![]);
        assert_eq!(p.len(), 2 * 2 * TcpState::COUNT);
        Histogram::decode(&p).unwrap()
    }

    fn config(&mut self) -> Config {
        Config::decode(&self.request(Op::GetConfig, vec![])).unwrap()
    }

    /// `DUMP_TABLE` from `first`: the chunks and the wire bytes they took.
    fn dump(&mut self, first: u16) -> (Vec<DumpChunk>, u64) {
        let seq = self.next_seq();
        let before = self.tx_bytes;
        let frames = self.exchange(&Frame::request(
            seq,
            Op::DumpTable,
            first.to_le_bytes().to_vec(),
        ));
        let wire = self.tx_bytes - before;
        let n = frames.len();
        let chunks = frames
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                assert_eq!(f.header.kind, Kind::Response);
                assert_eq!(f.header.more(), i + 1 < n, "MORE on all but the last");
                DumpChunk::decode(&f.payload).expect("a dump chunk")
            })
            .collect::<Vec<_>>();
        for (i, c) in chunks.iter().enumerate() {
            assert!(c.ways.len() <= DUMP_ENTRIES_PER_FRAME);
            if i + 1 < n {
                assert_eq!(
                    c.ways.len(),
                    DUMP_ENTRIES_PER_FRAME,
                    "only the last is short"
                );
            }
        }
        (chunks, wire)
    }
}

fn model(timeouts: Timeouts) -> Tracker {
    Tracker::new(TrackerConfig {
        shape: TableShape::Bounded {
            buckets: BUCKETS,
            ways: WAYS,
        },
        timeouts,
    })
}

// ---- requests of the link itself

#[test]
fn identify_ping_and_errors() {
    let t = Instant::now();
    let mut b = Board::new();
    let id = Identity::decode(&b.request(Op::Identify, vec![])).expect("identity");
    assert_eq!(id, identity(BUCKET_BITS_35T, BOARD_SIM, 100));
    assert_eq!(id.capacity(), BUCKETS * WAYS);
    assert_eq!(id.counters as usize, Counter::COUNT);
    let mut rng = seeded(7);
    for n in [0, 1, 2, 17, 100, MAX_PAYLOAD - 1, MAX_PAYLOAD] {
        let mut p: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
        for x in p.iter_mut().step_by(7) {
            *x = if rng.chance(1, 2) { FLAG } else { ESCAPE };
        }
        assert_eq!(b.request(Op::Ping, p.clone()), p, "PING of {n} bytes");
    }
    // Unknown ops (EVENT is board → host only).
    for op in [0x00u8, 0x0d, 0x55, 0x7e, 0x80, 0xff] {
        let seq = b.next_seq();
        let mut f = Frame::request(seq, Op::Ping, vec![1, 2]);
        f.header.op = op;
        let a = b.exchange(&f);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].header.kind, Kind::Error);
        assert_eq!((a[0].header.seq, a[0].header.op), (seq, op));
        assert_eq!(a[0].payload, vec![ErrorCode::UnknownOp as u8, op]);
    }
    // Wrong lengths.
    let wrong: [(Op, usize); 9] = [
        (Op::Identify, 1),
        (Op::ReadCounters, 3),
        (Op::ReadHistogram, 1),
        (Op::DumpTable, 1),
        (Op::DumpTable, 3),
        (Op::Lookup, LOOKUP_BYTES - 1),
        (Op::GetConfig, 2),
        (Op::ClearCounters, 1),
        (Op::ReadLink, 5),
    ];
    for (op, n) in wrong {
        assert_eq!(
            b.refused(op, vec![0; n]),
            ErrorCode::BadLength,
            "{op:?} {n}"
        );
    }
    assert_eq!(b.refused(Op::ResetTable, vec![0]), ErrorCode::BadLength);
    // LOOKUP of another family than 0 (IPv4) or 1 (IPv6), or of an IPv4 address wider than 32
    // bits: refused (`decode_lookup` refuses them too).
    let v4 = encode_lookup(Endpoint::v4(1, 2), Endpoint::v4(3, 4));
    let mut family = v4.clone();
    family[0] = 2;
    let mut wide = v4.clone();
    wide[5] = 1;
    for bad in [family, wide] {
        assert_eq!(decode_lookup(&bad), None);
        assert_eq!(b.refused(Op::Lookup, bad), ErrorCode::BadArgument);
    }
    assert_eq!(b.refused(Op::SetConfig, vec![]), ErrorCode::BadLength);
    // Another version (1 spoke IPv4 only; 2 was IPv6 or the issue-11 entry, never both):
    // answered in this version.
    let versions = [0u8, 1, VERSION - 1, VERSION + 1, 15];
    for v in versions {
        let seq = b.next_seq();
        let mut f = Frame::request(seq, Op::Identify, vec![]);
        f.header.version = v;
        let a = b.exchange(&f);
        assert_eq!(a[0].header.version, VERSION);
        assert_eq!(a[0].header.kind, Kind::Error);
        assert_eq!(a[0].error_code(), Some(ErrorCode::BadVersion));
    }
    // A response or event sent to the board is not answered; the next request is.
    for kind in [Kind::Response, Kind::Error, Kind::Event] {
        let mut wire = Vec::new();
        Frame::new(kind, 9, Op::Ping, 0, vec![]).encode(&mut wire);
        b.send(&wire);
    }
    b.idle(200);
    assert!(b.frames.is_empty(), "{:?}", b.frames);
    let l = b.link();
    assert_eq!(l[LinkCounter::UnknownOp as usize], 6);
    assert_eq!(l[LinkCounter::BadLength as usize], 11);
    // + 1: the harness's SET_CONFIG baud.
    let requests = 1 + 7 + 6 + 11 + 2 + versions.len() as u32 + 1 + 1;
    assert_eq!(l[LinkCounter::FramesOk as usize], requests + 3);
    assert_eq!(l[LinkCounter::Responses as usize], requests);
    for c in [
        LinkCounter::BadFcs,
        LinkCounter::TooLong,
        LinkCounter::Garbage,
        LinkCounter::Aborted,
        LinkCounter::TooShort,
    ] {
        assert_eq!(l[c as usize], 0, "{}", c.name());
    }
    eprintln!(
        "command_engine identify/ping/errors: {} cycles, {:.2} s",
        b.cycle(),
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn garbage_and_damaged_frames_are_dropped() {
    let t = Instant::now();
    let mut b = Board::new();
    let mut rng = seeded(0x5eed);
    let mut wire: Vec<u8> = (0..100_000).map(|_| rng.next_u64() as u8).collect();
    // Damaged requests: a flipped bit, cut short, aborted, too long, a lone escape.
    for i in 0..200u32 {
        let mut f = Vec::new();
        Frame::request(i as u8, Op::Ping, (0..(i % 40) as u8).collect()).encode(&mut f);
        match i % 5 {
            0 => {
                let k = 1 + rng.below(f.len() as u64 - 2) as usize;
                f[k] ^= 1 << rng.below(8);
                if f[k] == FLAG || f[k] == ESCAPE {
                    f[k] ^= 0x40; // stays damaged, not a delimiter
                }
            }
            1 => f.truncate(1 + rng.below(f.len() as u64 - 1) as usize),
            2 => {
                let n = f.len();
                f.insert(n - 1, ESCAPE);
            }
            3 => {
                f.pop();
                f.extend(std::iter::repeat_n(0x42, MAX_FRAME + 5));
                f.push(FLAG);
            }
            _ => f.retain(|x| *x != FLAG),
        }
        wire.extend(f);
        wire.extend((0..rng.below(5)).map(|_| rng.next_u64() as u8));
    }
    // What the model's decoder makes of the same bytes, after the flag that closed the
    // harness's SET_CONFIG baud request (the board's deframer has seen it: no garbage count).
    let mut d = Decoder::new();
    assert!(d.push(FLAG).is_none());
    let (mut ok, mut errs) = (0u32, Vec::new());
    for &x in &wire {
        match d.push(x) {
            Some(Ok(_)) => ok += 1,
            Some(Err(e)) => errs.push(e),
            None => {}
        }
    }
    b.send(&wire);
    // Requests that happened to survive (FCS right by chance) are answered: collect them.
    b.idle(20_000);
    let stray = b.frames.len();
    b.frames.clear();
    // Then a flag (the garbage may have left a frame open) and a valid request.
    b.send(&[FLAG]);
    let p: Vec<u8> = (0..50).collect();
    assert_eq!(b.request(Op::Ping, p.clone()), p);
    let l = b.link();
    let count = |e: FrameError| errs.iter().filter(|x| **x == e).count() as u32;
    // The trailing flag may close a frame the garbage left open (the model sees it too).
    let mut d2 = d;
    let closed = d2.push(FLAG);
    let extra = |e: FrameError| matches!(closed, Some(Err(x)) if x == e) as u32;
    assert_eq!(
        l[LinkCounter::BadFcs as usize],
        count(FrameError::BadFcs) + extra(FrameError::BadFcs)
    );
    assert_eq!(
        l[LinkCounter::TooLong as usize],
        count(FrameError::TooLong) + extra(FrameError::TooLong)
    );
    assert_eq!(
        l[LinkCounter::Aborted as usize],
        count(FrameError::Aborted) + extra(FrameError::Aborted)
    );
    assert_eq!(
        l[LinkCounter::TooShort as usize],
        count(FrameError::TooShort) + extra(FrameError::TooShort)
    );
    assert_eq!(l[LinkCounter::Garbage as usize] as u64, d2.garbage);
    // Frames with a good FCS: the harness's SET_CONFIG baud, the stray ones, then PING and
    // READ_LINK.
    assert_eq!(l[LinkCounter::FramesOk as usize], 1 + ok + 2);
    assert!(count(FrameError::BadFcs) >= 40 && count(FrameError::TooLong) >= 40);
    eprintln!(
        "command_engine robustness: {} bytes in ({} bad FCS, {} too long, {} aborted, {} too \
         short, {} garbage, {ok} good by chance, {stray} answered), then answered; {:.2} s",
        wire.len(),
        count(FrameError::BadFcs),
        count(FrameError::TooLong),
        count(FrameError::Aborted),
        count(FrameError::TooShort),
        d2.garbage,
        t.elapsed().as_secs_f64()
    );
}

// ---- descriptor streams

/// Captures longer than this are left to `tests/board.rs`, which runs every capture through
/// the same board and reads the table and counters back through the protocol.
const CAPTURE_LIMIT: usize = 1000;

/// Every bundled capture's descriptors, one capture after another.
fn captures() -> Vec<(String, Vec<SegmentDescriptor>)> {
    common::capture_descriptors()
}

/// A seeded stream (conn_core.rs's generator, shortened): few hosts and ports, so connections
/// collide in 64 buckets; mostly plausible conversations, every flag combination mixed in;
/// time jumps past the timeouts; floods of new connections (table full, eviction, refusal).
struct Gen {
    rng: Rng,
    time: u32,
    conns: Vec<(Endpoint, Endpoint, u32, u32)>,
}

impl Gen {
    const HOSTS: [u32; 5] = [
        0x0a00_0001,
        0x0a00_0002,
        0x0a00_0003,
        0xc0a8_0001,
        0xc0a8_0102,
    ];
    /// IPv6 hosts: two interface ids under two prefixes (keys alike in a head way's bits).
    const HOSTS6: [u128; 4] = [
        0xfd77_0001_0000_0000_0000_0000_0a00_0001,
        0xfd77_0001_0000_0000_0000_0000_0a00_0002,
        0x2001_0db8_0000_0000_0000_0000_0a00_0001,
        0x2001_0db8_0000_0000_0000_0000_0a00_0002,
    ];
    const PORTS: [u16; 9] = [80, 443, 22, 40000, 40001, 40002, 50000, 65535, 1];

    fn new(seed: u64) -> Gen {
        Gen {
            rng: seeded(seed),
            time: secs(1000),
            conns: Vec::new(),
        }
    }

    fn endpoint(&mut self, v6: bool) -> Endpoint {
        let p = Self::PORTS[self.rng.below(Self::PORTS.len() as u64) as usize];
        if v6 {
            Endpoint::v6(Self::HOSTS6[self.rng.below(4) as usize], p)
        } else {
            Endpoint::v4(
                Self::HOSTS[self.rng.below(Self::HOSTS.len() as u64) as usize],
                p,
            )
        }
    }

    fn next(&mut self) -> SegmentDescriptor {
        use TcpFlags as F;
        self.time += match self.rng.below(1000) {
            0..=849 => 0,
            850..=899 => 1 + self.rng.below(15) as u32,
            900..=979 => secs(1 + self.rng.below(5) as u32),
            980..=993 => secs(30 + self.rng.below(60) as u32),
            994..=997 => secs(500 + self.rng.below(2000) as u32),
            _ => secs(7000 + self.rng.below(8000) as u32),
        };
        let flags = match self.rng.below(100) {
            0..=14 => F::SYN,
            15..=27 => F::SYN | F::ACK,
            28..=57 => F::ACK,
            58..=71 => F::FIN | F::ACK,
            72..=79 => F::RST,
            80..=85 => F::RST | F::ACK,
            _ => self.rng.below(1 << 9) as u16,
        };
        let (src, dst, seq, ack, k, fwd) = if !self.conns.is_empty() && self.rng.chance(4, 5) {
            let k = self.rng.below(self.conns.len() as u64) as usize;
            let (a, b, sa, sb) = self.conns[k];
            if self.rng.chance(1, 2) {
                (a, b, sa, sb, k, true)
            } else {
                (b, a, sb, sa, k, false)
            }
        } else {
            // Half the new connections IPv6.
            let v6 = self.rng.chance(1, 2);
            let (a, b) = (self.endpoint(v6), self.endpoint(v6));
            let (sa, sb) = (self.rng.next_u64() as u32, self.rng.next_u64() as u32);
            self.conns.push((a, b, sa, sb));
            if self.conns.len() > 300 {
                self.conns.remove(0);
            }
            (a, b, sa, sb, self.conns.len() - 1, true)
        };
        let seq = match self.rng.below(10) {
            0..=6 => seq,
            7 => seq.wrapping_sub(self.rng.below(3000) as u32),
            8 => seq.wrapping_add(1),
            _ => self.rng.next_u64() as u32,
        };
        let ack = if self.rng.chance(6, 8) {
            ack
        } else {
            self.rng.next_u64() as u32
        };
        let payload_len = if self.rng.chance(1, 3) {
            self.rng.below(1500) as u16
        } else {
            0
        };
        let adv = payload_len as u32 + (flags & (F::SYN | F::FIN) != 0) as u32;
        let c = &mut self.conns[k];
        if fwd {
            c.2 = seq.wrapping_add(adv);
        } else {
            c.3 = seq.wrapping_add(adv);
        }
        SegmentDescriptor {
            src,
            dst,
            seq,
            ack,
            flags: TcpFlags::new(flags),
            window: self.rng.next_u64() as u16,
            wscale: if flags & F::SYN != 0 {
                self.rng.below(15) as u8
            } else {
                WSCALE_NONE
            },
            payload_len,
            tsval: self.rng.chance(3, 4).then(|| self.time.wrapping_mul(62)),
            time: self.time,
        }
    }

    fn stream(&mut self, n: usize) -> Vec<SegmentDescriptor> {
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            if self.rng.chance(2, 1000) {
                for i in 0..50 + self.rng.below(300) as usize {
                    let mut d = self.next();
                    let host = 0x0b00_0000 + (i as u32 % 97);
                    d.src = if d.dst.is_v6() {
                        Endpoint::v6(0xfd99 << 112 | host as u128, 1024 + i as u16)
                    } else {
                        Endpoint::v4(host, 1024 + i as u16)
                    };
                    d.flags = TcpFlags::new(if i % 3 == 0 {
                        TcpFlags::ACK
                    } else {
                        TcpFlags::SYN
                    });
                    v.push(d);
                }
            } else {
                v.push(self.next());
            }
        }
        v
    }
}

/// The board and a model of the same shape, fed the same descriptors.
struct Pair {
    b: Board,
    m: Tracker,
    swept_at: u32,
    last_time: u32,
    /// Idle cycles after each descriptor.
    spacing: usize,
    /// Event records the model says the core reports, in order (for `events_match_the_model`).
    records: Vec<EventRecord>,
    /// Entries `compare` looks up (each both ways; 18 k cycles a lookup at 3 Mbaud).
    lookups: usize,
}

impl Pair {
    fn new(timeouts: Timeouts) -> Pair {
        let mut b = Board::new();
        if timeouts != Timeouts::default() {
            b.set(ConfigItem::Timeouts, &encode_timeouts(&timeouts));
        }
        Pair {
            b,
            m: model(timeouts),
            swept_at: 0,
            last_time: 0,
            spacing: 0,
            records: Vec::new(),
            lookups: 100,
        }
    }

    fn feed(&mut self, ds: &[SegmentDescriptor]) {
        let mut events = Vec::new();
        for d in ds {
            // The stored times are 20 bits: a full sweep before time runs too far.
            if d.time.wrapping_sub(self.swept_at) > SWEEP_EVERY {
                self.b.drain();
                self.b.idle(BUCKETS + DRAIN);
                self.swept_at = self.last_time;
            }
            self.m.advance_time(d.time, &mut ());
            let frame = self.b.segment(d);
            let seg = parse_frame(&frame, d.time).expect("a built frame parses");
            let (key, _) = FlowKey::of(seg.src, seg.dst);
            // The entry as the lookup finds it, aged to now (conn_core.rs's `expect`).
            let before = self.m.entry_now(&key);
            events.clear();
            let (_, v) = self
                .m
                .process_frame(&frame, d.time, &mut events)
                .expect("a built frame is processed");
            if let Some(r) = self.record(&key, before, v, &events, &seg) {
                self.records.push(r);
            }
            self.b.idle(self.spacing);
            self.last_time = self.last_time.max(d.time);
        }
    }

    /// The event record the core reports for one descriptor (conn_core.rs's `expect`).
    fn record(
        &self,
        key: &FlowKey,
        before: Option<synscope_model::Entry>,
        v: Verdict,
        events: &[Event],
        seg: &SegmentDescriptor,
    ) -> Option<EventRecord> {
        let created = events.iter().find_map(|e| match e {
            Event::Created { entry, .. } => Some(*entry),
            _ => None,
        });
        let evicted = events.iter().any(|e| {
            matches!(
                e,
                Event::Removed {
                    reason: RemoveReason::Evicted,
                    ..
                }
            )
        });
        let reincarnated = events
            .iter()
            .any(|e| matches!(e, Event::Reincarnated { .. }));
        let refused = events.iter().any(|e| matches!(e, Event::Refused { .. }));
        let changes = events
            .iter()
            .filter(|e| matches!(e, Event::StateChanged { .. }))
            .count();
        if created.is_none() && !refused && !reincarnated && changes == 0 {
            return None;
        }
        let slot = self.m.last_slot();
        let base = created.or(before);
        let applied = slot.filter(|_| v != Verdict::Invalid);
        let entry = applied.and_then(|s| self.m.table().slot(s));
        let closed = (TcpState::Closed, TcpState::Closed);
        let (lo_after, hi_after) = entry
            .map(|e| (e.ends[0].state, e.ends[1].state))
            .unwrap_or(closed);
        let (lo_before, hi_before) = match (applied, base) {
            (Some(_), Some(e)) => (e.ends[0].state, e.ends[1].state),
            _ => closed,
        };
        let (bucket, way) = match applied {
            Some(s) => (s / WAYS, s % WAYS),
            None => (self.m.table().bucket_of(key), 0),
        };
        let what = [
            (created.is_some(), event_bits::CREATED),
            (refused, event_bits::REFUSED),
            (evicted, event_bits::EVICTED),
            (reincarnated, event_bits::REINCARNATED),
            (lo_before != lo_after, event_bits::LO_CHANGED),
            (hi_before != hi_after, event_bits::HI_CHANGED),
        ]
        .iter()
        .fold(0, |a, (on, bit)| if *on { a | bit } else { a });
        let what = what | if key.is_v6() { event_bits::IPV6 } else { 0 };
        Some(EventRecord {
            what,
            slot: (bucket * WAYS + way) as u16,
            lo_before,
            lo_after,
            hi_before,
            hi_after,
            key: *key,
            // Low 16 bits of the board's seconds.
            time: synscope_model::time::whole_secs(self.m.now()) as u16,
            client_is_lo: common::event_client_is_lo(entry.copied().or(base), seg),
        })
    }

    /// Drain, sweep the core fully, age the model's table (both agree after a full sweep).
    fn finish(&mut self) {
        self.b.drain();
        self.b.idle(BUCKETS + 2 * DRAIN);
        self.m.finish(&mut ());
        self.swept_at = self.last_time;
    }

    /// `READ_COUNTERS`, `READ_HISTOGRAM`, `DUMP_TABLE` and `LOOKUP` against the model.
    fn compare(&mut self, name: &str) -> DumpFigures {
        let c = self.b.counters();
        assert_eq!(c.now, self.m.now(), "{name}: now");
        for (i, counter) in Counter::ALL.iter().enumerate() {
            let want = self.m.counters().get(*counter);
            assert_eq!(c.values[i], want, "{name}: counter {}", counter.name());
        }
        let h = self.b.histogram();
        let want = self.m.state_histogram();
        let got = [h.client.map(u64::from), h.server.map(u64::from)];
        assert_eq!(got, want, "{name}: gauges [client, server] per state");
        let want: Vec<(usize, synscope_model::Entry)> = self
            .m
            .table()
            .entries_with_slot()
            .map(|(i, e)| (i, *e))
            .collect();
        let t = Instant::now();
        let c0 = self.b.cycle();
        let (chunks, wire) = self.b.dump(0);
        let cycles = self.b.cycle() - c0;
        let dump_secs = t.elapsed().as_secs_f64();
        let (_, slots) = assemble_dump(&chunks).expect("every IPv6 head with its continuation");
        let got: Vec<(usize, synscope_model::Entry)> =
            slots.iter().map(|s| (s.slot as usize, s.entry)).collect();
        assert_eq!(got.len(), want.len(), "{name}: live entries dumped");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{name}: dumped slot");
        }
        for ch in &chunks {
            assert_eq!(ch.now, self.m.now(), "{name}: dump now");
        }
        let payload: usize = chunks.iter().map(|c| c.encode().len()).sum();
        // From a later bucket: only the slots from there on.
        let first = (BUCKETS / 3) as u16;
        let (later, _) = self.b.dump(first);
        let (_, later) = assemble_dump(&later).expect("a dump from a bucket is whole entries");
        let n_later = later.len();
        let want_later = want.iter().filter(|(i, _)| *i >= first as usize * WAYS);
        assert_eq!(
            n_later,
            want_later.clone().count(),
            "{name}: dump from {first}"
        );
        for (g, (i, _)) in later.iter().zip(want_later) {
            assert_eq!(g.slot as usize, *i);
        }
        // LOOKUP: entries spread over the table (all of a small one), both directions; tuples
        // that are not there.
        let step = want.len().div_ceil(self.lookups).max(1);
        for (i, e) in want.iter().step_by(step) {
            for (a, b) in [(e.key.lo, e.key.hi), (e.key.hi, e.key.lo)] {
                let p = self.b.request(Op::Lookup, encode_lookup(a, b));
                let s = decode_lookup_answer(&p, c.now)
                    .expect("a lookup answer")
                    .unwrap_or_else(|| panic!("{name}: {a} {b} not found"));
                assert_eq!((s.slot as usize, s.entry), (*i, *e), "{name}: lookup");
            }
        }
        let mut rng = seeded(99);
        for i in 0..20 {
            let (a, b) = if i % 2 == 0 {
                (
                    Endpoint::v4(0x0c00_0000 | rng.below(1 << 20) as u32, 7),
                    Endpoint::v4(rng.next_u64() as u32, rng.next_u64() as u16),
                )
            } else {
                (
                    Endpoint::v6(0xfd0c << 112 | rng.below(1 << 20) as u128, 7),
                    Endpoint::v6(rng.next_u128(), rng.next_u64() as u16),
                )
            };
            let p = self.b.request(Op::Lookup, encode_lookup(a, b));
            assert_eq!(p, vec![0], "{name}: {a} {b} found");
        }
        // A tracked IPv6 key with other top bits (the same head) is not it.
        for (_, e) in want.iter().filter(|(_, e)| e.key.is_v6()).take(5) {
            let flip = |x: Endpoint| Endpoint::v6(x.addr_bits() ^ 1 << 100, x.port);
            let p = self
                .b
                .request(Op::Lookup, encode_lookup(flip(e.key.lo), flip(e.key.hi)));
            assert_eq!(p, vec![0], "{name}: {} found by its head", e.key.lo);
        }
        DumpFigures {
            entries: want.len(),
            frames: chunks.len(),
            wire,
            payload,
            dump_secs,
            cycles,
        }
    }
}

/// What one table dump cost.
#[derive(Debug)]
struct DumpFigures {
    entries: usize,
    frames: usize,
    wire: u64,
    payload: usize,
    dump_secs: f64,
    /// Clock cycles from the request's first byte to the last answer byte.
    cycles: u64,
}

impl DumpFigures {
    fn report(&self, name: &str) {
        let model = dump_wire_bytes(self.entries);
        eprintln!(
            "{name}: dump of {} entries: {} frames, {} wire bytes (model {model:.0}), \
             efficiency {:.3} (payload/wire), {:.3} s at 115200, {:.4} s at 3 Mbaud; \
             simulated in {:.3} s",
            self.entries,
            self.frames,
            self.wire,
            self.payload as f64 / self.wire as f64,
            wire_seconds(self.wire as f64, BAUD_RATES[0]),
            wire_seconds(self.wire as f64, BAUD_RATES[4]),
            self.dump_secs
        );
    }
}

#[test]
fn answers_match_the_model_on_every_capture() {
    let t = Instant::now();
    for (name, ds) in captures() {
        if ds.len() > CAPTURE_LIMIT {
            eprintln!("{name}: {} segments, left to tests/board.rs", ds.len());
            continue;
        }
        let mut p = Pair::new(Timeouts::default());
        p.b.set(ConfigItem::EventMask, &[0]);
        p.feed(&ds);
        p.finish();
        p.compare(&name).report(&name);
    }
    eprintln!("captures: {:.2} s", t.elapsed().as_secs_f64());
}

#[test]
fn answers_match_the_model_on_a_random_stream() {
    let t = Instant::now();
    let n = if std::env::var("SYNSCOPE_LONG").is_ok_and(|v| v == "1") {
        100_000
    } else {
        2_000
    };
    let seed = std::env::var("SYNSCOPE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0xe41e);
    let short = Timeouts {
        time_wait: 7,
        handshake: 5,
        fin_wait_2: 6,
        idle: 40,
        linger: 3,
    };
    for (k, timeouts) in [Timeouts::default(), short].into_iter().enumerate() {
        let mut p = Pair::new(timeouts);
        p.b.set(ConfigItem::EventMask, &[0]);
        let mut g = Gen::new(seed + k as u64);
        // In pieces, compared after each (answers mid-stream, the core keeps going).
        for round in 0..2 {
            p.feed(&g.stream(n / 2));
            p.finish();
            let name = format!("random (seed {seed}, timeouts {k}, round {round})");
            let f = p.compare(&name);
            eprintln!(
                "{name}: {} descriptors so far, {} entries, {} dump frames: equal",
                (round + 1) * (n / 2),
                f.entries,
                f.frames
            );
        }
    }
    eprintln!("random streams: {:.2} s", t.elapsed().as_secs_f64());
}

/// The table dump against the model, and with `SYNSCOPE_LONG=1` the 8K-entry dump figure
/// (`make dump-figure`, minutes of simulation): the 35T's table filled (2048 × 4 lone SYNs;
/// 256 of them otherwise), dumped at 3 Mbaud, the cycles counted (simulated time at 100 MHz)
/// and the wire bytes; the 115200 figure is the same bytes at that rate (the framer outpaces
/// either line, so the time scales with the divisor).
#[test]
fn full_table_dump() {
    let fill = if long_run() { BUCKETS * WAYS } else { 256 };
    let t = Instant::now();
    let mut p = Pair::new(Timeouts::default());
    p.b.set(ConfigItem::EventMask, &[0]);
    let mut rng = seeded(0xf011);
    // One tick for all of them (lone SYNs: the handshake timeout must not run out).
    let time = p.last_time + 1;
    let mut sent = 0usize;
    for _ in 0..200_000 {
        if p.m.table().len() == fill {
            break;
        }
        let a = Endpoint::v4(rng.next_u64() as u32, rng.next_u64() as u16);
        let b = Endpoint::v4(rng.next_u64() as u32, 443);
        let s = rng.next_u64() as u32;
        let d = SegmentDescriptor {
            src: a,
            dst: b,
            seq: s,
            ack: 0,
            flags: TcpFlags::new(TcpFlags::SYN),
            window: 65535,
            wscale: 7,
            payload_len: 0,
            tsval: None,
            time,
        };
        p.feed(&[d]);
        sent += 1;
    }
    p.finish();
    let f = p.compare("full table");
    assert_eq!(f.entries, fill);
    f.report(&format!("table of {fill} entries"));
    let secs = f.cycles as f64 / 100e6;
    let at_115200 = secs * f64::from(DIVISORS_100MHZ[0]) / f64::from(DIVISORS_100MHZ[4]);
    eprintln!(
        "{fill}-entry dump: {sent} SYN frames to fill; DUMP_TABLE {} frames, {} wire bytes, efficiency \
         {:.3}: {} cycles = {secs:.3} s simulated at 3 Mbaud ({:.3} s of pure wire time), \
         {at_115200:.1} s at 115200; {:.0} s of simulation",
        f.frames,
        f.wire,
        f.payload as f64 / f.wire as f64,
        f.cycles,
        wire_seconds(f.wire as f64, BAUD_RATES[4]),
        t.elapsed().as_secs_f64()
    );
}

// ---- configuration

#[test]
fn configuration() {
    let t = Instant::now();
    let mut p = Pair::new(Timeouts::default());
    let defaults = Config {
        timeouts: Timeouts::default(),
        event_mask: event_bits::ALL,
        event_rate: 0,
        baud_code: FASTEST_BAUD,
        hash_key: DEFAULT_HASH_KEY,
    };
    // After reset the line runs at 115200 (code 0); the harness switched to 3 Mbaud.
    let mut fresh = BoardSim::new();
    let c = Config::decode(&fresh.request(Op::GetConfig, &[]).expect("GET_CONFIG"));
    assert_eq!(
        c,
        Some(Config {
            baud_code: 0,
            ..defaults
        })
    );
    assert_eq!(fresh.baud(), BAUD_RATES[0]);
    drop(fresh);
    assert_eq!(p.b.config(), defaults);
    // Timeouts: accepted when `Timeouts::validate` accepts them.
    let short = Timeouts {
        time_wait: 7,
        handshake: 5,
        fin_wait_2: 6,
        idle: 40,
        linger: 3,
    };
    let bad = [
        Timeouts {
            time_wait: 0,
            ..short
        },
        Timeouts { idle: 10, ..short },
        Timeouts {
            linger: 40_000,
            ..short
        },
        Timeouts {
            time_wait: 10_000,
            handshake: 5_000,
            fin_wait_2: 10_000,
            idle: 12_000,
            linger: 3_000,
        },
        Timeouts {
            fin_wait_2: 0,
            ..short
        },
        Timeouts {
            handshake: 20_000,
            ..short
        },
        Timeouts {
            idle: u32::MAX,
            ..short
        },
    ];
    for t in bad {
        assert!(t.validate().is_err());
        let mut v = vec![ConfigItem::Timeouts as u8];
        v.extend(encode_timeouts(&t));
        assert_eq!(
            p.b.refused(Op::SetConfig, v),
            ErrorCode::BadArgument,
            "{t:?}"
        );
    }
    p.b.set(ConfigItem::Timeouts, &encode_timeouts(&short));
    p.m.set_timeouts(short);
    p.b.set(ConfigItem::EventMask, &[0]);
    p.b.set(ConfigItem::EventRate, &300u16.to_le_bytes());
    let mut want = Config {
        timeouts: short,
        event_mask: 0,
        event_rate: 300,
        ..defaults
    };
    assert_eq!(p.b.config(), want);
    // Refused items and lengths.
    let refused: [(Vec<u8>, ErrorCode); 7] = [
        (vec![0, 1], ErrorCode::BadArgument),
        (vec![6, 1], ErrorCode::BadArgument),
        (vec![ConfigItem::Baud as u8, 5], ErrorCode::BadArgument),
        (vec![ConfigItem::Baud as u8, 1, 0], ErrorCode::BadLength),
        (vec![ConfigItem::EventRate as u8, 1], ErrorCode::BadLength),
        (
            vec![ConfigItem::HashKey as u8, 1, 2, 3],
            ErrorCode::BadLength,
        ),
        (vec![ConfigItem::Timeouts as u8; 16], ErrorCode::BadLength),
    ];
    for (v, code) in refused {
        assert_eq!(p.b.refused(Op::SetConfig, v.clone()), code, "{v:?}");
    }
    assert_eq!(p.b.config(), want);

    // Traffic, then CLEAR_COUNTERS: counters 0, the table and gauges kept.
    let mut g = Gen::new(31);
    p.feed(&g.stream(1000));
    p.finish();
    p.compare("before CLEAR_COUNTERS");
    assert!(p.b.request(Op::ClearCounters, vec![]).is_empty());
    let c = p.b.counters();
    assert!(c.values.iter().all(|v| *v == 0), "{c:?}");
    assert_eq!(c.now, p.m.now());
    let h = p.b.histogram();
    assert_eq!(
        h.client.iter().map(|x| *x as usize).sum::<usize>(),
        p.m.table().len()
    );
    let (chunks, _) = p.b.dump(0);
    assert_eq!(
        assemble_dump(&chunks).expect("whole entries").1.len(),
        p.m.table().len()
    );

    // RESET_TABLE: empty, then tracked again (the model: the same key set again).
    assert!(!p.m.table().is_empty());
    assert!(p.b.request(Op::ResetTable, vec![]).is_empty());
    p.m.set_hash_key(DEFAULT_HASH_KEY);
    let (chunks, _) = p.b.dump(0);
    assert!(chunks.len() == 1 && chunks[0].ways.is_empty());
    assert_eq!(p.b.histogram(), Histogram::default());
    // The model's counters go on from the cleared point: compare what came after.
    let mut p2 = Pair::new(short);
    std::mem::swap(&mut p2.b, &mut p.b);
    drop(p);
    let mut p = p2;
    p.m.advance_time(g.time, &mut ());
    p.last_time = g.time;
    p.swept_at = g.time;
    p.feed(&g.stream(1000));
    p.finish();
    p.compare("after CLEAR_COUNTERS and RESET_TABLE");

    // A new hash key: the table is emptied and connections are placed (and looked up) by it.
    let key: [u8; HASH_KEY_BYTES] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xa5);
    p.b.set(ConfigItem::HashKey, &key);
    p.m.set_hash_key(key);
    want.hash_key = key;
    assert_eq!(p.b.config(), want);
    assert_eq!(p.b.histogram(), Histogram::default());
    p.feed(&g.stream(1000));
    p.finish();
    p.compare("new hash key");

    // Baud: the answer leaves at the old rate, then the divisor switches.
    let old = u32::from(baud_divisor(FASTEST_BAUD, 100_000_000).unwrap());
    let new = u32::from(baud_divisor(3, 100_000_000).unwrap());
    assert_eq!(p.b.hw.divisor(), old);
    let seq = p.b.next_seq();
    let mut wire = Vec::new();
    Frame::request(seq, Op::SetConfig, vec![ConfigItem::Baud as u8, 3]).encode(&mut wire);
    p.b.send(&wire);
    let mut switched_at = None;
    let mut answered_at = None;
    for _ in 0..20_000 {
        if p.b.hw.divisor() == new && switched_at.is_none() {
            switched_at = Some(p.b.cycle());
        }
        if answered_at.is_none() && !p.b.frames.is_empty() {
            answered_at = Some(p.b.cycle());
        }
        p.b.tick();
    }
    let (s, a) = (
        switched_at.expect("switched"),
        answered_at.expect("answered"),
    );
    assert!(
        s >= a,
        "divisor switched at cycle {s}, before the answer ended at {a}"
    );
    // The host has the answer at its last stop bit's middle; the line is idle at its end.
    assert!(
        s - a <= u64::from(old),
        "switched {} cycles after the answer",
        s - a
    );
    let f = p.b.frames.pop_front().unwrap();
    assert_eq!((f.header.kind, f.header.seq), (Kind::Response, seq));
    want.baud_code = 3;
    assert_eq!(p.b.config(), want);
    eprintln!(
        "command_engine configuration: {} cycles, {:.2} s",
        p.b.cycle(),
        t.elapsed().as_secs_f64()
    );
}

// ---- events

#[test]
fn events_match_the_model() {
    let t = Instant::now();
    let mut p = Pair::new(Timeouts::default());
    // Few and spaced, so that the core's event FIFOs never fill while each EVENT frame takes
    // ~8 k (IPv4) or ~17 k (IPv6) cycles on the 3 Mbaud line: the 64-record FIFO would take
    // bursts, its 32-record side FIFO of IPv6 addresses (conn_core, EVENT_TOP_FIFO_BITS) less.
    p.spacing = 12_000;
    let mut g = Gen::new(77);
    p.feed(&g.stream(400));
    p.finish();
    p.b.settle();
    let frames: Vec<Frame> = p.b.frames.drain(..).collect();
    assert!(!p.records.is_empty());
    assert_eq!(
        frames.len(),
        p.records.len(),
        "event frames vs model records"
    );
    for (i, (f, want)) in frames.iter().zip(&p.records).enumerate() {
        assert_eq!(f.header.kind, Kind::Event);
        assert_eq!(f.header.op, Op::Event as u8);
        assert_eq!(f.header.seq, i as u8, "event sequence");
        let got = EventRecord::decode(&f.payload).expect("an event record");
        assert_eq!(&got, want, "event #{i}");
    }
    let l = p.b.link();
    assert_eq!(l[LinkCounter::EventsSent as usize] as usize, frames.len());
    assert_eq!(p.b.counters().get(Counter::EventsDropped), 0);
    let sent = frames.len();

    // A mask: only the kinds asked for.
    let mask = event_bits::CREATED | event_bits::REFUSED;
    p.b.set(ConfigItem::EventMask, &[mask]);
    let from = p.records.len();
    p.feed(&g.stream(400));
    p.finish();
    p.b.settle();
    let want: Vec<&EventRecord> = p.records[from..]
        .iter()
        .filter(|r| r.what & mask != 0)
        .collect();
    let got: Vec<EventRecord> =
        p.b.frames
            .drain(..)
            .map(|f| EventRecord::decode(&f.payload).unwrap())
            .collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g, w);
    }

    // The rate limit: 1 a millisecond (100 000 cycles) while records come every few thousand
    // cycles (the stream spans a few windows; the first may already have had its one).
    p.spacing = 0;
    p.b.set(ConfigItem::EventMask, &[event_bits::ALL]);
    p.b.set(ConfigItem::EventRate, &1u16.to_le_bytes());
    let before = p.b.link();
    let from = p.records.len();
    let start = p.b.cycle();
    p.feed(&g.stream(1000));
    p.finish();
    p.b.settle();
    let made = p.records.len() - from;
    let after = p.b.link();
    let sent_now =
        after[LinkCounter::EventsSent as usize] - before[LinkCounter::EventsSent as usize];
    let limited = after[LinkCounter::EventsRateLimited as usize]
        - before[LinkCounter::EventsRateLimited as usize];
    let ms = ((p.b.cycle() - start) as f64 / 100_000.0).ceil() as u32 + 1;
    assert_eq!(
        (sent_now + limited) as usize,
        made,
        "every record sent or limited"
    );
    assert!(
        sent_now >= 1 && sent_now <= ms,
        "{sent_now} sent in ≤ {ms} ms"
    );
    assert!(limited > 0);
    eprintln!(
        "command_engine events: {sent} records equal to the model's, mask, rate limit ({sent_now} \
         sent, {limited} limited); {} cycles, {:.2} s",
        p.b.cycle(),
        t.elapsed().as_secs_f64()
    );
}
