//! Throughput of the connection-state core (`synscope bench core`): seeded streams of segment
//! descriptors, one per clock, through the Verilated `conn_core` top (the 35T size,
//! `TableShape::ARTY_35T`: 512 buckets × 4 ways), and the same design in rust-hdl's own
//! simulator as the peer.
//!
//! Three stream shapes, each generated from the seed:
//! - [`StreamShape::Distinct`]: every descriptor a new 4-tuple (mostly SYNs: the table fills,
//!   then evicts and refuses);
//! - [`StreamShape::Same`]: one long established transfer (handshake, data and ACKs both ways,
//!   close), every segment the same connection as the one before (the forwarding path);
//! - [`StreamShape::Mix`]: thousands of connections interleaved (handshakes, data, FIN closes,
//!   RSTs, abandoned connections, refused SYNs, retransmissions, forged segments): the shared
//!   generator, `synscope_model::traffic::Mix`.
//!
//! Every run is checked, not only timed: each descriptor must produce exactly one `out_valid`,
//! the first one `LATENCY` ticks after it went in and one per tick after that, and the
//! verdicts must be the model's (`Tracker::process` with the 35T table shape, default timeouts
//! and hash key: the core's power-on configuration), in order. Only the descriptor inputs,
//! clock, reset, `out_valid` and `out_verdict` are used. The rust-hdl peer steps the same `ConnCore` block with `simulate()`
//! directly (its fastest stepping) on the head of the mix stream and is checked the same way.
//!
//! The "before" is measured in the same run: `conn_core_baseline`, the same Verilog verilated
//! as before the simulator's passes (no `isolate_assignments`, the falling clock edge
//! evaluated: sim/build.rs), on the mix stream, checked the same way.

use crate::models::{ConnCore as VConnCore, ConnCoreBaseline as VConnCoreBaseline};
use rust_hdl::prelude::{check_all, simulate, Block, ToBits};
use std::fmt;
use std::time::{Duration, Instant};
use synscope_hdl::conn::conn_core::{connected, ConnCore35T, BUCKET_BITS_35T, LATENCY};
use synscope_hdl::conn::segment_apply::{
    reject_code, rst_code, V_INVALID, V_RST, V_SYN_CHALLENGED, V_TRACKED, V_UNACCEPTABLE,
    V_UNTRACKED,
};
use synscope_hdl::conn::V_REFUSED;
use synscope_model::descriptor::WSCALE_NONE;
use synscope_model::rng::Rng;
use synscope_model::time::TICKS_PER_SECOND;
use synscope_model::traffic::{Chance, Mix, MixConfig};
use synscope_model::{
    Endpoint, SegmentDescriptor, TableShape, TcpFlags, Timeouts, Tracker, TrackerConfig, Verdict,
};

/// Segments per second at 100 Gb/s of minimum-size frames (64 bytes + 8 preamble + 12 gap =
/// 672 bits on the wire): 148.8 M.
pub const SEGMENTS_PER_S_100G: f64 = 100e9 / 672.0;

/// What to measure.
#[derive(Clone, Debug)]
pub struct CoreBenchOptions {
    /// Segments per stream (back to back, one per clock).
    pub segments: usize,
    /// Clock cycles the rust-hdl peer is stepped (on the head of the mix stream).
    pub rusthdl_cycles: usize,
    /// Seed of the stream generators.
    pub seed: u64,
    /// Timed Verilator runs per stream (the best is reported).
    pub runs: u32,
}

impl CoreBenchOptions {
    /// The options make a measurement: at least one segment, and enough rust-hdl cycles for
    /// outputs to come out.
    pub fn validate(&self) -> Result<(), BenchError> {
        if self.segments == 0 {
            return err("--segments must be at least 1".into());
        }
        if self.rusthdl_cycles < LATENCY {
            return err(format!(
                "--rusthdl-cycles must be at least {LATENCY} (the pipeline latency)"
            ));
        }
        Ok(())
    }
}

impl Default for CoreBenchOptions {
    fn default() -> Self {
        CoreBenchOptions {
            segments: 200_000,
            rusthdl_cycles: 5_000,
            seed: 1,
            runs: 3,
        }
    }
}

/// The three stream shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamShape {
    Distinct,
    Same,
    Mix,
}

impl StreamShape {
    pub const ALL: [StreamShape; 3] = [StreamShape::Distinct, StreamShape::Same, StreamShape::Mix];

    /// The key used in the figures (`distinct`, `same`, `mix`).
    pub fn name(self) -> &'static str {
        match self {
            StreamShape::Distinct => "distinct",
            StreamShape::Same => "same",
            StreamShape::Mix => "mix",
        }
    }
}

/// The Verilator figures of one stream.
#[derive(Clone, Debug)]
pub struct StreamBench {
    pub shape: StreamShape,
    pub segments: usize,
    /// Ticks from the one that samples the first descriptor to the one after which the last
    /// `out_valid` shows, inclusive, minus the latency one descriptor adds (`LATENCY − 1`):
    /// `segments` when the core keeps II = 1.
    pub cycles: u64,
    pub cycles_per_segment: f64,
    /// Ticks of the timed loop (the stream and the drain of the pipeline).
    pub ticks: u64,
    /// Wall time of the best run's tick loop.
    pub seconds: f64,
    /// `ticks / seconds`.
    pub cycles_per_s: f64,
    /// `segments / seconds`.
    pub segments_per_s: f64,
    /// Verdict counts of the stream (what the core did), in [`VERDICT_NAMES`] order.
    pub verdicts: [u64; VERDICTS],
}

/// Number of verdict codes (`0..=V_REFUSED`).
pub const VERDICTS: usize = V_REFUSED as usize + 1;

/// Names of the 4-bit verdict codes `0..VERDICTS`.
pub const VERDICT_NAMES: [&str; VERDICTS] = [
    "tracked",
    "syn_challenged",
    "invalid",
    "untracked",
    "rst_exact",
    "rst_in_window",
    "rst_out_of_window",
    "rst_unverified",
    "out_of_window",
    "old",
    "bad_ack",
    "tw_syn_refused",
    "refused",
];

/// Everything `synscope bench core` reports.
#[derive(Clone, Debug)]
pub struct CoreBench {
    pub streams: Vec<StreamBench>,
    /// Cycles the rust-hdl peer was stepped.
    pub rusthdl_cycles: u64,
    /// Its per-descriptor outputs checked against the model (and so against Verilator).
    pub rusthdl_outputs_checked: usize,
    pub rusthdl_seconds: f64,
    pub rusthdl_cycles_per_s: f64,
    /// Verilator cycles/s on the mix stream ÷ rust-hdl cycles/s (same design, same stream).
    pub speedup_vs_rusthdl: f64,
    /// The mix stream on the core verilated as before the simulator's passes (best of runs).
    pub baseline_cycles_per_s: f64,
    /// Verilator cycles/s on the mix stream ÷ the baseline's.
    pub speedup_vs_baseline: f64,
}

impl CoreBench {
    /// The worst cycles per segment over the streams.
    pub fn max_cycles_per_segment(&self) -> f64 {
        self.streams
            .iter()
            .map(|s| s.cycles_per_segment)
            .fold(0.0, f64::max)
    }

    /// Core clock (MHz) that keeps up with 100 Gb/s of minimum-size frames at the worst
    /// measured cycles per segment.
    pub fn clock_mhz_needed_for_100g(&self) -> f64 {
        SEGMENTS_PER_S_100G * self.max_cycles_per_segment() / 1e6
    }

    pub fn stream(&self, shape: StreamShape) -> Option<&StreamBench> {
        self.streams.iter().find(|s| s.shape == shape)
    }
}

/// A measurement that failed (the core did not do what the model says, or a bad option).
#[derive(Debug, Clone)]
pub struct BenchError(pub String);

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BenchError {}

fn err<T>(msg: String) -> Result<T, BenchError> {
    Err(BenchError(msg))
}

/// Measure every stream under Verilator and the rust-hdl peer on the mix stream.
pub fn bench_core(opts: &CoreBenchOptions) -> Result<CoreBench, BenchError> {
    opts.validate()?;
    let mut streams = Vec::new();
    let mut mix = Vec::new();
    let mut mix_expected = Vec::new();
    for shape in StreamShape::ALL {
        let descs = stream(shape, opts.segments, opts.seed);
        let expected = expected_outputs(&descs);
        let mut best: Option<Duration> = None;
        let mut ticks = 0;
        let mut cycles = 0;
        for _ in 0..opts.runs.max(1) {
            let run = run_verilator::<VConnCore>(&descs, &expected)
                .map_err(|e| BenchError(format!("stream {}: {}", shape.name(), e.0)))?;
            ticks = run.ticks;
            cycles = run.cycles;
            if best.map_or(true, |b| run.elapsed < b) {
                best = Some(run.elapsed);
            }
        }
        let seconds = best.expect("one run").as_secs_f64();
        let mut verdicts = [0u64; VERDICTS];
        for o in &expected {
            verdicts[*o as usize] += 1;
        }
        streams.push(StreamBench {
            shape,
            segments: descs.len(),
            cycles,
            cycles_per_segment: cycles as f64 / descs.len() as f64,
            ticks,
            seconds,
            cycles_per_s: ticks as f64 / seconds,
            segments_per_s: descs.len() as f64 / seconds,
            verdicts,
        });
        if shape == StreamShape::Mix {
            mix = descs;
            mix_expected = expected;
        }
    }
    // The peer: the head of the mix stream (generated again if the stream is shorter).
    let mut baseline: Option<Duration> = None;
    let mut baseline_ticks = 0;
    for _ in 0..opts.runs.max(1) {
        let run = run_verilator::<VConnCoreBaseline>(&mix, &mix_expected)
            .map_err(|e| BenchError(format!("baseline core, stream mix: {}", e.0)))?;
        baseline_ticks = run.ticks;
        if baseline.map_or(true, |b| run.elapsed < b) {
            baseline = Some(run.elapsed);
        }
    }
    let baseline_cycles_per_s = baseline_ticks as f64 / baseline.expect("one run").as_secs_f64();
    if mix.len() < opts.rusthdl_cycles {
        mix = stream(StreamShape::Mix, opts.rusthdl_cycles, opts.seed);
        mix_expected = expected_outputs(&mix);
    }
    let n = opts.rusthdl_cycles;
    let (elapsed, outputs) = run_rusthdl(&mix[..n])?;
    let want = &mix_expected[..n + 1 - LATENCY];
    check_outputs("rust-hdl", &outputs, want)?;
    let rusthdl_seconds = elapsed.as_secs_f64();
    let rusthdl_cycles_per_s = n as f64 / rusthdl_seconds;
    let verilator_mix = streams
        .iter()
        .find(|s| s.shape == StreamShape::Mix)
        .expect("mix stream")
        .cycles_per_s;
    Ok(CoreBench {
        streams,
        rusthdl_cycles: n as u64,
        rusthdl_outputs_checked: outputs.len(),
        rusthdl_seconds,
        rusthdl_cycles_per_s,
        speedup_vs_rusthdl: verilator_mix / rusthdl_cycles_per_s,
        baseline_cycles_per_s,
        speedup_vs_baseline: verilator_mix / baseline_cycles_per_s,
    })
}

// ---- expected outputs (the model)

/// The core's `out_verdict` code of a model verdict (the differential tests use it too).
pub fn verdict_code(v: Verdict) -> u64 {
    match v {
        Verdict::Tracked => V_TRACKED,
        Verdict::SynChallenged => V_SYN_CHALLENGED,
        Verdict::Invalid => V_INVALID,
        Verdict::Untracked => V_UNTRACKED,
        Verdict::Refused => V_REFUSED,
        Verdict::Rst(c) => V_RST + rst_code(c),
        Verdict::Unacceptable(r) => V_UNACCEPTABLE + reject_code(r),
    }
}

fn describe(v: u8) -> String {
    format!(
        "verdict {v} ({})",
        VERDICT_NAMES.get(v as usize).unwrap_or(&"?")
    )
}

/// The verdict the core must output for each descriptor: the model's `Tracker` with the 35T
/// table (`TableShape::ARTY_35T`), default timeouts and hash key (the core's power-on and reset values).
fn expected_outputs(descs: &[SegmentDescriptor]) -> Vec<u8> {
    let mut model = Tracker::new(TrackerConfig {
        shape: TableShape::ARTY_35T,
        timeouts: Timeouts::default(),
    });
    descs
        .iter()
        .map(|d| {
            model.advance_time(d.time, &mut ());
            let v = model.process(d, &mut ());
            verdict_code(v) as u8
        })
        .collect()
}

fn check_outputs(who: &str, got: &[u8], want: &[u8]) -> Result<(), BenchError> {
    if let Some(i) = got.iter().zip(want).position(|(g, w)| g != w) {
        return err(format!(
            "{who}: descriptor #{i}: {}, the model says {}",
            describe(got[i]),
            describe(want[i])
        ));
    }
    if got.len() != want.len() {
        return err(format!(
            "{who}: {} outputs for {} descriptors",
            got.len(),
            want.len()
        ));
    }
    Ok(())
}

// ---- Verilator

struct VerilatorRun {
    ticks: u64,
    cycles: u64,
    elapsed: Duration,
}

/// A Verilated core top (the ports `run_verilator` drives).
trait CoreTop {
    fn create() -> Self;
    fn tick(&mut self);
    fn set_reset(&mut self, v: bool);
    fn set_in_valid(&mut self, v: bool);
    fn set_descriptor(&mut self, d: &SegmentDescriptor);
    fn out_valid(&self) -> bool;
    fn out_verdict(&self) -> u64;
}

macro_rules! core_top {
    ($t:ty) => {
        impl CoreTop for $t {
            fn create() -> Self {
                <$t>::new()
            }
            fn tick(&mut self) {
                <$t>::tick(self)
            }
            fn set_reset(&mut self, v: bool) {
                <$t>::set_reset(self, v)
            }
            fn set_in_valid(&mut self, v: bool) {
                <$t>::set_desc_valid(self, v)
            }
            fn set_descriptor(&mut self, d: &SegmentDescriptor) {
                crate::set_descriptor!(self, d);
            }
            fn out_valid(&self) -> bool {
                <$t>::out_valid(self)
            }
            fn out_verdict(&self) -> u64 {
                <$t>::out_verdict(self)
            }
        }
    };
}

core_top!(VConnCore);
core_top!(VConnCoreBaseline);

fn run_verilator<C: CoreTop>(
    descs: &[SegmentDescriptor],
    expected: &[u8],
) -> Result<VerilatorRun, BenchError> {
    let mut hw = C::create();
    hw.set_reset(true);
    hw.tick();
    hw.set_reset(false);
    // Enough idle ticks to sweep every bucket once, so no power-on content is left behind.
    for _ in 0..(1usize << BUCKET_BITS_35T) + 2 * LATENCY {
        hw.tick();
    }
    if hw.out_valid() {
        return err("out_valid before any descriptor".into());
    }

    let n = descs.len();
    let mut outputs: Vec<u8> = Vec::with_capacity(n + 1);
    // Tick (1 = the one that samples the first descriptor) of the first and last out_valid.
    let mut first_out = 0u64;
    let mut last_out = 0u64;
    let mut gaps = 0u64;
    let mut tick = 0u64;
    // One output observed after a tick: in order, and no gap after the first.
    let mut observe = |hw: &mut C, tick: u64| {
        if hw.out_valid() {
            if first_out == 0 {
                first_out = tick;
            } else if tick != last_out + 1 {
                gaps += 1;
            }
            last_out = tick;
            outputs.push(hw.out_verdict() as u8);
        }
    };
    let t0 = Instant::now();
    hw.set_in_valid(true);
    for d in descs {
        hw.set_descriptor(d);
        hw.tick();
        tick += 1;
        observe(&mut hw, tick);
    }
    hw.set_in_valid(false);
    // Drain: the last descriptor's output, and a few ticks to catch any extra out_valid.
    for _ in 0..2 * LATENCY {
        hw.tick();
        tick += 1;
        observe(&mut hw, tick);
    }
    let elapsed = t0.elapsed();

    if outputs.len() != n {
        return err(format!(
            "{} out_valid for {n} descriptors (exactly one each expected)",
            outputs.len()
        ));
    }
    if first_out != LATENCY as u64 {
        return err(format!(
            "the first out_valid came after tick {first_out}, the latency is {LATENCY}"
        ));
    }
    check_outputs("Verilator conn_core", &outputs, expected)?;
    if gaps != 0 {
        return err(format!(
            "{gaps} gaps between out_valid (the core did not keep one output per clock)"
        ));
    }
    Ok(VerilatorRun {
        ticks: tick,
        cycles: last_out - (LATENCY as u64 - 1),
        elapsed,
    })
}

// ---- rust-hdl

/// Settling passes per `simulate()` call before giving up (the design has no loops).
const MAX_SETTLE: usize = 1000;

type RustHdlCore = ConnCore35T;

fn settle(u: &mut RustHdlCore) -> Result<(), BenchError> {
    if simulate(u, MAX_SETTLE) {
        Ok(())
    } else {
        err("rust-hdl: the ConnCore did not settle".into())
    }
}

/// One clock: the inputs set before it settle with the clock low, then the rising edge.
fn rusthdl_tick(u: &mut RustHdlCore) -> Result<(), BenchError> {
    u.clock.next = false.into();
    settle(u)?;
    u.clock.next = true.into();
    settle(u)
}

/// Step the rust-hdl `ConnCore` (35T size) one descriptor per clock: the wall time of the
/// stepping and the outputs seen (checked to start at tick `LATENCY`, one per tick).
fn run_rusthdl(descs: &[SegmentDescriptor]) -> Result<(Duration, Vec<u8>), BenchError> {
    let mut u: RustHdlCore = connected();
    u.connect_all();
    check_all(&u).map_err(|e| BenchError(format!("rust-hdl check_all: {e:?}")))?;
    u.reset.next = true;
    rusthdl_tick(&mut u)?;
    u.reset.next = false;

    let mut outputs = Vec::with_capacity(descs.len());
    let t0 = Instant::now();
    u.desc.valid.next = true;
    for (k, d) in descs.iter().enumerate() {
        u.desc.v6.next = d.src.is_v6();
        u.desc.src_ip.next = d.src.addr_bits().to_bits();
        u.desc.dst_ip.next = d.dst.addr_bits().to_bits();
        u.desc.src_port.next = d.src.port.to_bits();
        u.desc.dst_port.next = d.dst.port.to_bits();
        u.desc.seq.next = d.seq.to_bits();
        u.desc.ack.next = d.ack.to_bits();
        u.desc.flags.next = d.flags.bits().to_bits();
        u.desc.window.next = d.window.to_bits();
        u.desc.wscale.next = d.wscale.to_bits();
        u.desc.payload_len.next = d.payload_len.to_bits();
        u.desc.tsval.next = d.tsval.unwrap_or(0).to_bits();
        u.desc.ts_ok.next = d.tsval.is_some();
        u.desc.seg_time.next = d.time.to_bits();
        rusthdl_tick(&mut u)?;
        let tick = k + 1;
        let want = tick >= LATENCY;
        if u.out.valid.val() != want {
            return err(format!(
                "rust-hdl: out_valid is {} after tick {tick} (expected from tick {LATENCY} on)",
                u.out.valid.val()
            ));
        }
        if want {
            outputs.push(u.out.verdict.val().to_u64() as u8);
        }
    }
    Ok((t0.elapsed(), outputs))
}

// ---- streams

/// `n` descriptors of the given shape, from `seed`.
pub fn stream(shape: StreamShape, n: usize, seed: u64) -> Vec<SegmentDescriptor> {
    let mut rng = Rng::mixed(seed.wrapping_add(shape as u64 * 0x1000_0001));
    match shape {
        StreamShape::Distinct => distinct(&mut rng, n),
        StreamShape::Same => same(&mut rng, n),
        StreamShape::Mix => mix(rng, n),
    }
}

/// Ticks (`synscope_model::time`).
const START_TIME: u32 = 16_000;

fn seg(
    src: Endpoint,
    dst: Endpoint,
    flags: u16,
    seq: u32,
    ack: u32,
    payload_len: u16,
    time: u32,
) -> SegmentDescriptor {
    SegmentDescriptor {
        window: 502,
        wscale: if flags & TcpFlags::SYN != 0 {
            7
        } else {
            WSCALE_NONE
        },
        payload_len,
        // Timestamps on every segment, as Linux sends them (RFC 7323 §3): a 1 kHz clock.
        tsval: Some(time.wrapping_mul(1000 / synscope_model::time::TICKS_PER_SECOND)),
        time,
        ..SegmentDescriptor::new(src, dst, seq, ack, TcpFlags::new(flags))
    }
}

fn server(rng: &mut Rng) -> Endpoint {
    const PORTS: [u16; 6] = [80, 443, 22, 25, 8080, 3306];
    Endpoint::v4(
        0xc0a8_0100 + 1 + rng.below(64) as u32,
        PORTS[rng.below(PORTS.len() as u64) as usize],
    )
}

/// Every descriptor a new 4-tuple: 85 % SYN, 5 % SYN-ACK, 5 % ACK, 5 % RST.
fn distinct(rng: &mut Rng, n: usize) -> Vec<SegmentDescriptor> {
    use TcpFlags as F;
    (0..n)
        .map(|i| {
            // The client address alone is unique up to 2^24 descriptors, the port beyond.
            let client = Endpoint::v4(
                0x0a00_0000 | (i as u32 & 0x00ff_ffff),
                1024 + (i >> 24) as u16,
            );
            let srv = server(rng);
            let time = START_TIME + (i / 10_000) as u32;
            let isn = rng.next_u64() as u32;
            match rng.below(100) {
                0..=84 => seg(client, srv, F::SYN, isn, 0, 0, time),
                85..=89 => seg(
                    srv,
                    client,
                    F::SYN | F::ACK,
                    isn,
                    rng.next_u64() as u32,
                    0,
                    time,
                ),
                90..=94 => seg(client, srv, F::ACK, isn, rng.next_u64() as u32, 0, time),
                _ => seg(client, srv, F::RST, isn, 0, 0, time),
            }
        })
        .collect()
}

/// One long established transfer, both directions, then a FIN close.
fn same(rng: &mut Rng, n: usize) -> Vec<SegmentDescriptor> {
    use TcpFlags as F;
    let c = Endpoint::v4(0x0a00_0001, 40_000 + rng.below(20_000) as u16);
    let s = Endpoint::v4(0xc0a8_0101, 443);
    let (mut cs, mut ss) = (rng.next_u64() as u32, rng.next_u64() as u32);
    let mut out = Vec::with_capacity(n + 4);
    let t = |len: usize| START_TIME + (len / 20_000) as u32;
    out.push(seg(c, s, F::SYN, cs, 0, 0, t(0)));
    cs = cs.wrapping_add(1);
    out.push(seg(s, c, F::SYN | F::ACK, ss, cs, 0, t(0)));
    ss = ss.wrapping_add(1);
    out.push(seg(c, s, F::ACK, cs, ss, 0, t(0)));
    let close = 4;
    while out.len() + close < n {
        let time = t(out.len());
        match rng.below(100) {
            // Server data (a download), client ACKs.
            0..=54 => {
                let len = if rng.chance(9, 10) {
                    1448
                } else {
                    1 + rng.below(1448) as u16
                };
                out.push(seg(s, c, F::ACK | F::PSH, ss, cs, len, time));
                ss = ss.wrapping_add(len as u32);
            }
            55..=89 => out.push(seg(c, s, F::ACK, cs, ss, 0, time)),
            // Client data (requests), server ACKs.
            90..=96 => {
                let len = 1 + rng.below(600) as u16;
                out.push(seg(c, s, F::ACK | F::PSH, cs, ss, len, time));
                cs = cs.wrapping_add(len as u32);
            }
            _ => out.push(seg(s, c, F::ACK, ss, cs, 0, time)),
        }
    }
    let time = t(out.len());
    out.push(seg(c, s, F::FIN | F::ACK, cs, ss, 0, time));
    cs = cs.wrapping_add(1);
    out.push(seg(s, c, F::ACK, ss, cs, 0, time));
    out.push(seg(s, c, F::FIN | F::ACK, ss, cs, 0, time));
    ss = ss.wrapping_add(1);
    out.push(seg(c, s, F::ACK, cs, ss, 0, time));
    out.truncate(n);
    out
}

/// The mix: `synscope_model::traffic::Mix`, IPv4, about 3000 conversations open at once
/// (handshakes, request/response exchanges, every realistic ending), one in a hundred segments
/// a retransmission of the one before and one in a hundred forged (a byte at a guessed
/// sequence number, a SYN sent again), timestamps on every segment, and about one tick of
/// time every 4000 segments.
fn mix(rng: Rng, n: usize) -> Vec<SegmentDescriptor> {
    let mut config = MixConfig::realistic(u64::MAX, 3000, 40.0, 0);
    config.client_ports = (1024, 64_000);
    config.servers = 64;
    config.server_ports = &[80, 443, 22, 25, 8080, 3306];
    config.noise = Chance::new(0, 1);
    config.step_us = (1, 31);
    config.start = Duration::from_secs(START_TIME as u64 / TICKS_PER_SECOND as u64);
    config.timestamps = true;
    config.repeat = Some(Chance::new(1, 100));
    config.forge = Some(Chance::new(1, 100));
    Mix::new(rng, config).segments().take(n).collect()
}
