//! mii_rx under Verilator, with its two clocks, against `synscope_model::frame::mac_receive`.
//!
//! The PHY side is driven nibble by nibble on `rx_clk` (inputs change on its falling edge, as a
//! PHY drives them, clause 22.3.2), the system side on `clock`; the edges never coincide. What
//! leaves the FIFO is cut into frames (bytes up to a `last` entry, whose byte is the status) and
//! compared frame by frame, in order, with the model: a frame passed on must be exactly the
//! model's frame without FCS, a dropped one must carry the model's reason and no bytes, every
//! carrier with an SFD must give exactly one frame, and a carrier without one none. Only in the
//! stalled tests may a frame be `FifoOverflow` instead of its model result.
//!
//! Streams: every frame of every capture (padded to the minimum, FCS appended) back to back at
//! the minimum inter-frame gap; a seeded random stream of good and malformed frames (runts and
//! giants around both limits, bad FCS, RX_ER anywhere, odd nibble counts, short preambles,
//! carriers without SFD), with and without a read side that idles at random; the same with the
//! system side stalled long enough to overflow the FIFO; a few frames at 10 Mb/s; and the whole
//! front end (mii_rx feeding frame_parser) against the model's `receive`.
//! `SYNSCOPE_LONG=1` runs 10⁵ random frames. `SYNSCOPE_SEED=N` replays a seed.

mod common;

use common::{capture_frames, long_run, seeded, Rng};
use std::time::Instant;
use synscope_hdl::front::mii_rx::{
    FIFO_DEPTH, NIBBLE_PREAMBLE, NIBBLE_SFD, STATUS_DROP, STATUS_OK,
};
use synscope_model::frame::receive;
use synscope_model::frame::{
    mac_receive, pad_to_minimum, with_fcs, FCS_LEN, MAX_FRAME_LEN, MIN_FRAME_LEN,
};
use synscope_model::{DropReason, SegmentDescriptor};
use synscope_sim::models::{FrameParser, MiiRx};

/// Minimum inter-frame gap: 96 bit times = 24 nibbles (IEEE 802.3 §4.4.2).
const IFG_NIBBLES: usize = 24;
/// Half periods in ns: 100 MHz system clock, 25 MHz (100 Mb/s) and 2.5 MHz (10 Mb/s) MII clocks.
const SYS_HALF: u64 = 5;
const RX_HALF_100M: u64 = 20;
const RX_HALF_10M: u64 = 200;

type FrameResult = Result<Vec<u8>, DropReason>;

/// One MII nibble period.
#[derive(Clone, Copy)]
struct Nibble {
    dv: bool,
    er: bool,
    d: u8,
}

/// One carrier event and what the model makes of it (`None`: not a frame).
struct Carrier {
    nibbles: Vec<Nibble>,
    expect: Option<FrameResult>,
    /// The bytes after the SFD and whether RX_ER was asserted (the whole front end's input).
    bytes: Vec<u8>,
    rx_error: bool,
    what: String,
}

/// A carrier: `preamble` nibbles of 0x5, the SFD, `bytes` low nibble first, then `dribble`
/// (an odd trailing nibble) if any; RX_ER on the nibbles listed in `er_at`.
fn carrier(
    bytes: &[u8],
    preamble: usize,
    dribble: Option<u8>,
    er_at: &[usize],
    what: &str,
) -> Carrier {
    let mut nibbles: Vec<Nibble> = Vec::with_capacity(preamble + 1 + 2 * bytes.len() + 1);
    let nib = |d: u8| Nibble {
        dv: true,
        er: false,
        d,
    };
    nibbles.resize(preamble, nib(NIBBLE_PREAMBLE));
    nibbles.push(nib(NIBBLE_SFD));
    for &b in bytes {
        nibbles.push(nib(b & 15));
        nibbles.push(nib(b >> 4));
    }
    if let Some(d) = dribble {
        nibbles.push(nib(d & 15));
    }
    let mut er = false;
    for &i in er_at {
        if let Some(n) = nibbles.get_mut(i) {
            n.er = true;
            er = true;
        }
    }
    Carrier {
        expect: Some(mac_receive(bytes, er).map(<[u8]>::to_vec)),
        nibbles,
        bytes: bytes.to_vec(),
        rx_error: er,
        what: what.to_string(),
    }
}

/// Whether the read side idles in a system cycle (arguments: the cycle, what it has read).
type Stall = Box<dyn FnMut(u64, &Sink) -> bool>;

/// What the system side saw: frames (bytes, then the status) in order.
#[derive(Default)]
struct Sink {
    frames: Vec<FrameResult>,
    bytes: Vec<u8>,
}

impl Sink {
    fn take(&mut self, data: u8, last: bool) {
        if !last {
            self.bytes.push(data);
            return;
        }
        let bytes = std::mem::take(&mut self.bytes);
        let r = if data == STATUS_OK {
            Ok(bytes)
        } else {
            assert_eq!(data & !15, STATUS_DROP, "status byte {data:#x}");
            let reason = DropReason::from_bits(data & 15)
                .unwrap_or_else(|| panic!("status byte {data:#x}: no such drop reason"));
            assert!(
                bytes.is_empty(),
                "frame {}: dropped ({reason}) but {} bytes were passed on",
                self.frames.len(),
                bytes.len()
            );
            Err(reason)
        };
        self.frames.push(r);
    }
}

/// The two-clock bench. Time in ns; system edges at multiples of `SYS_HALF`, MII edges offset
/// by 2 ns so that no two edges coincide.
struct Bench {
    m: MiiRx,
    now: u64,
    sys_next: u64,
    sys_high: bool,
    rx_next: u64,
    rx_high: bool,
    rx_half: u64,
    sink: Sink,
    /// With a parser: it reads the FIFO, and its results are collected here.
    parser: Option<FrameParser>,
    parsed: Vec<Result<SegmentDescriptor, DropReason>>,
    /// The read side idles while this says so (argument: system cycle).
    stall: Stall,
    sys_cycles: u64,
}

impl Bench {
    fn new(rx_half: u64, stall: Stall) -> Bench {
        let mut m = MiiRx::new();
        m.set_rx_dv(false);
        m.set_rx_er(false);
        m.set_rxd(0);
        m.eval();
        Bench {
            m,
            now: 0,
            sys_next: SYS_HALF,
            sys_high: false,
            rx_next: 2 + rx_half,
            rx_high: false,
            rx_half,
            sink: Sink::default(),
            parser: None,
            parsed: Vec::new(),
            stall,
            sys_cycles: 0,
        }
    }

    /// Run the system clock up to the next MII edge; then make that edge. A falling MII edge
    /// first puts `n` on the pins.
    fn rx_edge(&mut self, n: Nibble) {
        while self.sys_next < self.rx_next {
            self.now = self.sys_next;
            self.sys_next += SYS_HALF;
            if !self.sys_high {
                // Before the rising edge: take the head entry unless stalled.
                let stalled = (self.stall)(self.sys_cycles, &self.sink);
                let take = if let Some(p) = self.parser.as_mut() {
                    p.set_in_empty(self.m.empty());
                    p.set_in_data(self.m.data());
                    p.set_in_last(self.m.last());
                    p.set_out_ready(!stalled);
                    p.eval();
                    if p.out_valid() && !stalled {
                        self.parsed.push(parsed(p));
                    }
                    p.in_read()
                } else {
                    !self.m.empty() && !stalled
                };
                if take {
                    self.sink.take(self.m.data() as u8, self.m.last());
                }
                self.m.set_read(take);
                self.m.set_clock(true);
                if let Some(p) = self.parser.as_mut() {
                    p.set_clock(true);
                    p.eval();
                }
                self.sys_cycles += 1;
            } else {
                self.m.set_clock(false);
                if let Some(p) = self.parser.as_mut() {
                    p.set_clock(false);
                    p.eval();
                }
            }
            self.sys_high = !self.sys_high;
            self.m.eval();
        }
        self.now = self.rx_next;
        self.rx_next += self.rx_half;
        if self.rx_high {
            self.m.set_rx_dv(n.dv);
            self.m.set_rx_er(n.er);
            self.m.set_rxd(n.d as u64);
            self.m.set_rx_clk(false);
        } else {
            self.m.set_rx_clk(true);
        }
        self.rx_high = !self.rx_high;
        self.m.eval();
    }

    /// One full MII clock period with `n` on the pins.
    fn nibble(&mut self, n: Nibble) {
        if self.rx_high {
            self.rx_edge(n); // falling: drive
            self.rx_edge(n); // rising: sample
        } else {
            self.rx_edge(n);
            self.rx_edge(n);
            self.rx_edge(n);
        }
    }

    fn idle(&mut self, nibbles: usize) {
        for _ in 0..nibbles {
            self.nibble(Nibble {
                dv: false,
                er: false,
                d: 0,
            });
        }
    }

    /// Send the carriers with `gap(i)` idle nibbles after each, then idle until the FIFO has
    /// been empty for a while (the stall function must let go eventually).
    fn send(&mut self, carriers: &[Carrier], mut gap: impl FnMut(usize) -> usize) {
        for (i, c) in carriers.iter().enumerate() {
            for &n in &c.nibbles {
                self.nibble(n);
            }
            let g = gap(i);
            self.idle(g);
        }
        let mut quiet = 0;
        let mut spins = 0u64;
        while quiet < 64 {
            self.idle(1);
            quiet = if self.m.empty() { quiet + 1 } else { 0 };
            spins += 1;
            assert!(spins < 10_000_000, "the FIFO never drained");
        }
    }
}

/// Compare what came out with the model, frame by frame. `overflow_ok`: a frame may be
/// `FifoOverflow` instead of its model result.
fn check(seed: u64, carriers: &[Carrier], got: &[FrameResult], overflow_ok: bool) -> usize {
    let expected: Vec<(&FrameResult, &str)> = carriers
        .iter()
        .filter_map(|c| c.expect.as_ref().map(|e| (e, c.what.as_str())))
        .collect();
    let mut overflows = 0;
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        let (e, what) = *e;
        if overflow_ok && *g == Err(DropReason::FifoOverflow) {
            overflows += 1;
            continue;
        }
        if e != g {
            let show = |r: &FrameResult| match r {
                Ok(b) => format!("passed on, {} bytes", b.len()),
                Err(r) => format!("dropped: {r}"),
            };
            let field = match (e, g) {
                (Ok(a), Ok(b)) if a.len() == b.len() => {
                    let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap();
                    format!("byte {at}: expected {:#04x}, got {:#04x}", a[at], b[at])
                }
                (Ok(a), Ok(b)) => format!("length: expected {}, got {}", a.len(), b.len()),
                _ => format!("status: expected {}, got {}", show(e), show(g)),
            };
            panic!("seed {seed}: frame {i} ({what}): {field}");
        }
    }
    assert_eq!(
        got.len(),
        expected.len(),
        "seed {seed}: {} frames came out for {} carriers with an SFD",
        got.len(),
        expected.len()
    );
    overflows
}

/// The parser's result on its outputs.
fn parsed(p: &FrameParser) -> Result<SegmentDescriptor, DropReason> {
    if p.out_drop() {
        return Err(DropReason::from_bits(p.out_reason() as u8).expect("a reason code"));
    }
    Ok(descriptor_out!(p))
}

fn seed(default: u64) -> u64 {
    let s = std::env::var("SYNSCOPE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    println!("seed {s} (SYNSCOPE_SEED={s} replays it)");
    s
}

// ---- streams

fn capture_carriers() -> Vec<Carrier> {
    let mut buf = Vec::new();
    capture_frames()
        .into_iter()
        .enumerate()
        .map(|(i, (name, _, f))| {
            pad_to_minimum(&f, &mut buf);
            carrier(&with_fcs(&buf), 15, None, &[], &format!("{name} #{i}"))
        })
        .collect()
}

/// A seeded mix of good and malformed frames.
fn random_carriers(rng: &mut Rng, n: usize) -> Vec<Carrier> {
    let mut out = Vec::with_capacity(n);
    let limits = [
        0,
        1,
        FCS_LEN,
        MIN_FRAME_LEN + FCS_LEN - 1,
        MIN_FRAME_LEN + FCS_LEN,
        MIN_FRAME_LEN + FCS_LEN + 1,
        MAX_FRAME_LEN + FCS_LEN - 1,
        MAX_FRAME_LEN + FCS_LEN,
        MAX_FRAME_LEN + FCS_LEN + 1,
        2047,
        2048,
        2100,
    ];
    for _ in 0..n {
        // Length with FCS: mostly short (speed), sometimes any, sometimes a limit.
        let len = match rng.below(16) {
            0..=9 => MIN_FRAME_LEN + FCS_LEN + rng.below(100) as usize,
            10..=11 => rng.below((MAX_FRAME_LEN + FCS_LEN + 40) as u64) as usize,
            _ => limits[rng.below(limits.len() as u64) as usize],
        };
        let body: Vec<u8> = (0..len.saturating_sub(FCS_LEN))
            .map(|_| rng.next_u64() as u8)
            .collect();
        let mut bytes = with_fcs(&body);
        bytes.truncate(len);
        let mut what = format!("{len} bytes with FCS");
        if rng.chance(1, 6) && !bytes.is_empty() {
            let at = rng.below(bytes.len() as u64) as usize;
            bytes[at] ^= 1 << rng.below(8);
            what += &format!(", bit flipped in byte {at}");
        }
        let preamble = if rng.chance(1, 4) {
            1 + rng.below(15) as usize
        } else {
            15
        };
        let dribble = rng.chance(1, 10).then(|| rng.next_u64() as u8);
        let mut er_at = Vec::new();
        if rng.chance(1, 8) {
            let span = preamble + 1 + 2 * bytes.len() + dribble.is_some() as usize;
            er_at.push(rng.below(span as u64) as usize);
            what += &format!(", RX_ER at nibble {}", er_at[0]);
        }
        if dribble.is_some() {
            what += ", dribble nibble";
        }
        if preamble != 15 {
            what += &format!(", {preamble}-nibble preamble");
        }
        out.push(carrier(&bytes, preamble, dribble, &er_at, &what));
        if rng.chance(1, 30) {
            // A carrier that is not a frame: no SFD after the preamble, or a false start.
            let mut nibbles = vec![
                Nibble {
                    dv: true,
                    er: false,
                    d: NIBBLE_PREAMBLE
                };
                rng.below(16) as usize
            ];
            let junk = loop {
                let d = rng.below(16) as u8;
                if d != NIBBLE_PREAMBLE && d != NIBBLE_SFD {
                    break d;
                }
            };
            nibbles.push(Nibble {
                dv: true,
                er: rng.chance(1, 2),
                d: junk,
            });
            for _ in 0..rng.below(200) {
                nibbles.push(Nibble {
                    dv: true,
                    er: false,
                    d: rng.below(16) as u8,
                });
            }
            out.push(Carrier {
                nibbles,
                expect: None,
                bytes: vec![],
                rx_error: false,
                what: "carrier without SFD".into(),
            });
        }
    }
    out
}

fn report(name: &str, frames: usize, t: Instant, b: &Bench) {
    let s = t.elapsed().as_secs_f64();
    println!(
        "{name}: {frames} frames, {} system cycles in {s:.2} s ({:.0} frames/s, {:.2} M cycles/s)",
        b.sys_cycles,
        frames as f64 / s,
        b.sys_cycles as f64 / s / 1e6
    );
}

#[test]
fn mii_rx_passes_every_capture_frame_back_to_back() {
    let carriers = capture_carriers();
    let t = Instant::now();
    let mut b = Bench::new(RX_HALF_100M, Box::new(|_, _| false));
    b.send(&carriers, |_| IFG_NIBBLES);
    check(0, &carriers, &b.sink.frames, false);
    assert!(b.sink.frames.iter().all(Result::is_ok));
    report("captures", carriers.len(), t, &b);
}

/// A system-clock reset reaches the PHY side through the reset synchronizer (asynchronous
/// assertion, released two `rx_clk` edges later): the frame being received when it comes
/// vanishes (no bytes, no status), the frames before and after it pass, and the read side, never
/// reset, loses nothing already committed. Also the first frame after the power-up reset (the
/// synchronizer starts asserted) passes.
#[test]
fn mii_rx_reset_drops_the_frame_in_flight_and_recovers() {
    let carriers = capture_carriers();
    let (a, mid, c) = (&carriers[0], &carriers[1], &carriers[2]);
    let mut b = Bench::new(RX_HALF_100M, Box::new(|_, _| false));
    b.send(std::slice::from_ref(a), |_| IFG_NIBBLES);
    let half = mid.nibbles.len() / 2;
    for &n in &mid.nibbles[..half] {
        b.nibble(n);
    }
    // Reset for two system cycles (shorter than one MII clock period: the synchronizer
    // catches it asynchronously).
    b.m.set_reset(true);
    b.m.eval();
    b.nibble(mid.nibbles[half]);
    b.m.set_reset(false);
    b.m.eval();
    for &n in &mid.nibbles[half + 1..] {
        b.nibble(n);
    }
    b.idle(IFG_NIBBLES);
    b.send(std::slice::from_ref(c), |_| IFG_NIBBLES);
    let expect = [a.expect.clone().unwrap(), c.expect.clone().unwrap()];
    assert_eq!(b.sink.frames.len(), 2, "a frame cut by the reset came out");
    assert_eq!(b.sink.frames, expect);
}

fn random_run(default_seed: u64, n: usize, idle_reads: bool) {
    let seed = seed(default_seed);
    let mut rng = seeded(seed);
    let carriers = random_carriers(&mut rng, n);
    let mut gaps = seeded(seed ^ 0x9e37_79b9);
    let mut stalls = seeded(seed ^ 0x7f4a_7c15);
    let t = Instant::now();
    let stall: Stall = if idle_reads {
        Box::new(move |_, _| stalls.chance(1, 2))
    } else {
        Box::new(|_, _| false)
    };
    let mut b = Bench::new(RX_HALF_100M, stall);
    b.send(&carriers, |_| {
        if gaps.chance(1, 2) {
            IFG_NIBBLES
        } else {
            IFG_NIBBLES + gaps.below(40) as usize
        }
    });
    check(seed, &carriers, &b.sink.frames, false);
    report("random", carriers.len(), t, &b);
}

#[test]
fn mii_rx_random_malformed_frames() {
    let n = if long_run() { 100_000 } else { 3_000 };
    random_run(0x3141_5926, n, false);
}

#[test]
fn mii_rx_random_frames_with_an_idling_reader() {
    random_run(0x2718_2818, if long_run() { 20_000 } else { 1_000 }, true);
}

#[test]
fn mii_rx_drops_whole_frames_when_the_system_side_stalls() {
    let seed = seed(0x1618_0339);
    let mut rng = seeded(seed);
    let carriers = random_carriers(&mut rng, if long_run() { 20_000 } else { 1_500 });
    // The reader stops for long stretches (longer than the FIFO takes to fill at line rate),
    // then reads at full speed; sometimes it stops mid-frame.
    let mut s = seeded(seed ^ 0x5555);
    let mut until = 0u64;
    let mut stalled = false;
    let stall = Box::new(move |cycle: u64, _: &Sink| {
        if cycle >= until {
            stalled = !stalled;
            until = cycle
                + if stalled {
                    s.below(8 * FIFO_DEPTH as u64 * 4)
                } else {
                    s.below(20_000)
                };
        }
        stalled
    });
    let t = Instant::now();
    let mut b = Bench::new(RX_HALF_100M, stall);
    b.send(&carriers, |_| IFG_NIBBLES);
    let overflows = check(seed, &carriers, &b.sink.frames, true);
    let passed = b.sink.frames.iter().filter(|f| f.is_ok()).count();
    println!("{overflows} frames dropped as fifo_overflow, {passed} passed on");
    assert!(
        overflows > 0,
        "seed {seed}: the stalls never overflowed the FIFO"
    );
    assert!(passed > 0, "seed {seed}: nothing got through");
    report("stalled", carriers.len(), t, &b);
}

#[test]
fn mii_rx_at_10_mbps() {
    let seed = seed(0x10_0000);
    let mut rng = seeded(seed);
    let mut carriers = random_carriers(&mut rng, 60);
    carriers.extend(capture_carriers().into_iter().take(20));
    let mut b = Bench::new(RX_HALF_10M, Box::new(|_, _| false));
    b.send(&carriers, |_| IFG_NIBBLES);
    check(seed, &carriers, &b.sink.frames, false);
}

#[test]
fn mii_rx_largest_frames_with_a_slow_reader() {
    // Largest frames back to back with a reader that is slower than the line but keeps up on
    // average: the FIFO fills close to full and must never drop.
    let body = vec![0xa5u8; MAX_FRAME_LEN];
    let carriers: Vec<Carrier> = (0..6)
        .map(|i| carrier(&with_fcs(&body), 15, None, &[], &format!("largest #{i}")))
        .collect();
    let stall = Box::new(|cycle: u64, _: &Sink| cycle % 6 != 0);
    let mut b = Bench::new(RX_HALF_100M, stall);
    b.send(&carriers, |_| IFG_NIBBLES);
    check(0, &carriers, &b.sink.frames, false);
}

#[test]
fn mii_rx_and_frame_parser_together_match_receive() {
    // The whole front end: MII pins → mii_rx → FIFO → frame_parser, against the model's
    // `receive` (mac_receive, then parse_frame) for every carrier with an SFD: every capture
    // frame, then the random malformed stream, back to back.
    let seed = seed(0xf00d);
    let mut rng = seeded(seed);
    let mut carriers = capture_carriers();
    carriers.extend(random_carriers(&mut rng, 1_000));
    let t = Instant::now();
    let mut b = Bench::new(RX_HALF_100M, Box::new(|_, _| false));
    let mut p = FrameParser::new();
    p.set_reset(true);
    p.set_clock(true);
    p.eval();
    p.set_clock(false);
    p.set_reset(false);
    p.set_now(0);
    p.eval();
    b.parser = Some(p);
    b.send(&carriers, |_| IFG_NIBBLES);
    let expected: Vec<(&Carrier, Result<SegmentDescriptor, DropReason>)> = carriers
        .iter()
        .filter(|c| c.expect.is_some())
        .map(|c| (c, receive(&c.bytes, c.rx_error, 0)))
        .collect();
    for (i, ((c, e), g)) in expected.iter().zip(&b.parsed).enumerate() {
        assert_eq!(e, g, "seed {seed}: frame {i} ({})", c.what);
    }
    assert_eq!(
        b.parsed.len(),
        expected.len(),
        "seed {seed}: results vs frames"
    );
    let descriptors = b.parsed.iter().filter(|r| r.is_ok()).count();
    assert!(descriptors > 1000);
    report("front end", carriers.len(), t, &b);
}
