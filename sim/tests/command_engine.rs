//! The command engine under Verilator (`link_small`: the 64 × 4 core, deframer, engine, framer;
//! bytes in and out, no UART timing), spoken to with the protocol as the model defines it:
//! requests built with `Frame::request(..).encode`, answers decoded with the model's `Decoder`,
//! `Frame::parse` and payload decoders (docs/protocol.md).
//!
//! * `identify_ping_and_errors`: `IDENTIFY` is `Identity::encode` of the design; `PING` echoes
//!   0..=`MAX_PAYLOAD` bytes (flags and escapes included); unknown op, wrong length and other
//!   version give their error frames (version 1 in the header); `READ_LINK` counts them.
//! * `garbage_and_damaged_frames_are_dropped`: 10⁵ random bytes, frames with a flipped bit,
//!   cut short, aborted, too long, then a request is answered; the link counters equal what the
//!   model's `Decoder` counts on the same bytes.
//! * `answers_match_the_model_*`: descriptor streams (every capture; a seeded random stream)
//!   into the core and a model `Tracker` of the same shape, key and timeouts; after a full sweep
//!   of the core and `Tracker::finish`, `READ_COUNTERS`, `READ_HISTOGRAM`, `DUMP_TABLE` (from
//!   bucket 0 and from a later one) and `LOOKUP` (every entry, both directions, and absent
//!   tuples) are compared with the model. The table dump's wire bytes and time are printed.
//! * `configuration`: `GET_CONFIG`/`SET_CONFIG` round trips, refused values, the baud divisor
//!   switched after the answer, `CLEAR_COUNTERS` (table kept), `RESET_TABLE`, a new hash key
//!   (table emptied, then tracked under the new key, `LOOKUP` hashing with it).
//! * `events_match_the_model`: `EVENT` frames, in order, against the model's events; the rate
//!   limit drops and counts.
//!
//! `SYNSCOPE_LONG=1`: a longer random stream. `SYNSCOPE_SEED=N` replays another seed.

mod common;

use common::Rng;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::Instant;
use synscope_hdl::command_engine::{identity, BOARD_SIM};
use synscope_hdl::conn_core::{BUCKET_BITS_SMALL, FIRST_COUNTER, LAST_COUNTER, WAYS};
use synscope_hdl::uart::baud_divisor;
use synscope_model::descriptor::{SegmentDescriptor, WSCALE_NONE};
use synscope_model::flags::TcpFlags;
use synscope_model::frame::{pad_to_minimum, parse_frame};
use synscope_model::hash::DEFAULT_HASH_KEY;
use synscope_model::protocol::payload::{
    decode_lookup_answer, encode_lookup, encode_timeouts, event_bits, Config, CounterSnapshot,
    DumpChunk, EventRecord, Histogram, Identity,
};
use synscope_model::protocol::{
    dump_wire_bytes, wire_seconds, ConfigItem, Decoder, ErrorCode, Frame, FrameError, Kind,
    LinkCounter, Op, BAUD_RATES, DUMP_ENTRIES_PER_FRAME, ESCAPE, FLAG, MAX_FRAME, MAX_PAYLOAD,
};
use synscope_model::table::TableShape;
use synscope_model::timeouts::Timeouts;
use synscope_model::tracker::{Event, RemoveReason, Tracker, TrackerConfig, Verdict};
use synscope_model::{Counter, Endpoint, FlowKey, TcpState};
use synscope_sim::models::LinkSmall;

const BUCKETS: usize = 1 << BUCKET_BITS_SMALL;
/// Core pipeline latency (conn_core: descriptor to counters), with margin.
const DRAIN: usize = 16;
/// The stored time is 16 bits: sweep the core fully before time runs further than this.
const SWEEP_EVERY_S: u32 = 30_000;
/// Cycles a request may take before the test gives up (a full dump of the small table takes
/// ~20 k cycles).
const ANSWER_CYCLES: u64 = 2_000_000;

/// The simulated board: the Verilated top, the model's decoder on its output.
struct Board {
    hw: LinkSmall,
    dec: Decoder,
    /// Frames decoded from the output, in order (events included).
    frames: VecDeque<Frame>,
    /// Output frames that were dropped by the decoder (must stay empty: the framer is exact).
    bad: Vec<FrameError>,
    cycle: u64,
    /// Bytes the board sent.
    tx_bytes: u64,
    /// Bytes sent to the board.
    rx_bytes: u64,
    seq: u8,
}

impl Board {
    fn new() -> Board {
        let mut hw = LinkSmall::new();
        hw.set_reset(true);
        hw.tick();
        hw.set_reset(false);
        hw.set_tx_ready(true);
        Board {
            hw,
            dec: Decoder::new(),
            frames: VecDeque::new(),
            bad: Vec::new(),
            cycle: 0,
            tx_bytes: 0,
            rx_bytes: 0,
            seq: 0,
        }
    }

    /// One clock edge; the output byte taken at it (tx_ready is always high) is decoded.
    fn tick(&mut self) {
        let out = self.hw.tx_valid().then(|| self.hw.tx_data() as u8);
        self.hw.tick();
        self.cycle += 1;
        if let Some(b) = out {
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

    fn idle(&mut self, n: usize) {
        for _ in 0..n {
            self.tick();
        }
    }

    /// Bytes onto the line, one a cycle.
    fn send(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hw.set_rx_data(b as u64);
            self.hw.set_rx_valid(true);
            self.tick();
        }
        self.hw.set_rx_valid(false);
        self.rx_bytes += bytes.len() as u64;
    }

    fn descriptor(&mut self, d: &SegmentDescriptor) {
        let hw = &mut self.hw;
        synscope_sim::set_descriptor!(hw, d);
        hw.set_in_valid(true);
        self.tick();
        self.hw.set_in_valid(false);
    }

    /// Send `frame` and collect the frames answering it (up to one without `MORE`); events
    /// that come meanwhile stay in `frames`.
    fn exchange(&mut self, frame: &Frame) -> Vec<Frame> {
        let mut wire = Vec::new();
        frame.encode(&mut wire);
        self.send(&wire);
        let seq = frame.header.seq;
        let start = self.cycle;
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
                self.cycle - start < ANSWER_CYCLES,
                "no answer to {:?} within {ANSWER_CYCLES} cycles ({} frames so far)",
                frame.header,
                answer.len()
            );
            self.tick();
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
        assert_eq!(f.header.version, 1);
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
            assert!(c.slots.len() <= DUMP_ENTRIES_PER_FRAME);
            if i + 1 < n {
                assert_eq!(
                    c.slots.len(),
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
    assert_eq!(id, identity(BUCKET_BITS_SMALL, BOARD_SIM, 100));
    assert_eq!(id.capacity(), BUCKETS * WAYS);
    assert_eq!(id.counters as usize, Counter::COUNT);
    let mut rng = Rng::new(7);
    for n in [0, 1, 2, 17, 100, MAX_PAYLOAD - 1, MAX_PAYLOAD] {
        let mut p: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
        for x in p.iter_mut().step_by(7) {
            *x = if rng.chance(1, 2) { FLAG } else { ESCAPE };
        }
        assert_eq!(b.request(Op::Ping, p.clone()), p, "PING of {n} bytes");
    }
    // Unknown ops (EVENT is board → host only).
    for op in [0x00u8, 0x0c, 0x55, 0x7e, 0x80, 0xff] {
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
        (Op::Lookup, 11),
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
    assert_eq!(b.refused(Op::SetConfig, vec![]), ErrorCode::BadLength);
    // Another version: answered in version 1.
    for v in [0u8, 2, 15] {
        let seq = b.next_seq();
        let mut f = Frame::request(seq, Op::Identify, vec![]);
        f.header.version = v;
        let a = b.exchange(&f);
        assert_eq!(a[0].header.version, 1);
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
    let requests = 1 + 7 + 6 + 11 + 3 + 1;
    assert_eq!(l[LinkCounter::FramesOk as usize], requests + 3);
    assert_eq!(l[LinkCounter::Responses as usize], requests);
    for c in [
        LinkCounter::BadFcs,
        LinkCounter::TooLong,
        LinkCounter::Garbage,
        LinkCounter::Aborted,
    ] {
        assert_eq!(l[c as usize], 0, "{}", c.name());
    }
    eprintln!(
        "command_engine identify/ping/errors: {} cycles, {:.2} s",
        b.cycle,
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn garbage_and_damaged_frames_are_dropped() {
    let t = Instant::now();
    let mut b = Board::new();
    let mut rng = Rng::new(0x5eed);
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
    // What the model's decoder makes of the same bytes.
    let mut d = Decoder::new();
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
    assert_eq!(l[LinkCounter::Garbage as usize] as u64, d2.garbage);
    // Frames with a good FCS: the stray ones, then PING and READ_LINK.
    assert_eq!(l[LinkCounter::FramesOk as usize], ok + 2);
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
