//! `synscope bench core`: the connection-state core under Verilator (cycles per segment,
//! simulated cycles/s), against the same design in rust-hdl's simulator, measured in the same
//! run. The measuring is `synscope_sim::bench::bench_core`; this is the command line.

use crate::output;
use anyhow::Result;
use clap::Args;
use serde_json::{json, Map, Value};
use synscope_model::TableShape;
use synscope_sim::bench::{bench_core, CoreBench, CoreBenchOptions, StreamShape};

/// Cycles per segment of the hardware core under Verilator, against rust-hdl's simulator.
///
/// The core is conn_core (`TableShape::ARTY_35T`, the 35T size) verilated; the peer is the
/// same design stepped in rust-hdl's own simulator, measured in the same run.
///
/// Streams (each back to back, one descriptor per clock): `distinct` (every descriptor a new
/// 4-tuple, mostly SYNs), `same` (one long established transfer), `mix` (thousands of
/// connections interleaved: handshakes, data, closes, RSTs). Every descriptor must produce
/// exactly one out_valid, in order, with the model's verdict; a mismatch is an error.
///
/// JSON keys (--json, one object): `cycles_per_segment` {distinct, same, mix}: clock cycles
/// from the first descriptor in to the last out_valid out, minus the pipeline latency, per
/// segment (1.0 = II 1); `verilator_cycles_per_s` {distinct, same, mix} (best of --runs, wall
/// time of the tick loop); `segments_per_s` {…}; `segments` {…}; `rusthdl_cycles`,
/// `rusthdl_cycles_per_s` (rust-hdl `simulate()` stepping of the same ConnCore on the head of
/// the mix stream, its verdicts checked); `speedup_vs_rusthdl` (Verilator cycles/s on mix ÷
/// rust-hdl cycles/s); `baseline_cycles_per_s` (the mix stream on the same Verilog verilated
/// as before the simulator's passes: no isolate_assignments, both clock edges evaluated),
/// `speedup_vs_baseline`; `clock_mhz_needed_for_100g` (core clock for 148.8 M minimum-size
/// frames/s at the worst cycles per segment); `verdicts` {stream: {verdict: count}}; `seed`.
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct BenchCoreArgs {
    /// Segments per stream.
    #[arg(long, default_value_t = 200_000)]
    pub segments: usize,
    /// Clock cycles to step the rust-hdl peer (it is ~10^4 times slower).
    #[arg(long, default_value_t = 5_000)]
    pub rusthdl_cycles: usize,
    /// Seed of the stream generators.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Timed Verilator runs per stream (the best is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &BenchCoreArgs) -> Result<()> {
    let opts = CoreBenchOptions {
        segments: a.segments,
        rusthdl_cycles: a.rusthdl_cycles,
        seed: a.seed,
        runs: a.runs,
    };
    opts.validate()?;
    if !a.json {
        eprintln!(
            "conn_core ({}) under Verilator: 3 streams × {} segments, best of {}; rust-hdl: {} cycles…",
            match TableShape::ARTY_35T {
                TableShape::Bounded { buckets, ways } => format!("{buckets} × {ways}"),
                TableShape::Unbounded => "unbounded".into(),
            },
            a.segments,
            a.runs.max(1),
            a.rusthdl_cycles
        );
    }
    let b = bench_core(&opts)?;
    if a.json {
        let v = to_json(&b, a.seed);
        return output::write_stdout(format!("{v}\n").as_bytes());
    }
    output::write_stdout(text(&b).as_bytes())
}

/// One object keyed by stream name.
fn per_stream(b: &CoreBench, f: impl Fn(&synscope_sim::bench::StreamBench) -> Value) -> Value {
    let mut m = Map::new();
    for s in &b.streams {
        m.insert(s.shape.name().into(), f(s));
    }
    Value::Object(m)
}

fn to_json(b: &CoreBench, seed: u64) -> Value {
    use synscope_sim::bench::VERDICT_NAMES;
    json!({
        "cycles_per_segment": per_stream(b, |s| json!(s.cycles_per_segment)),
        "verilator_cycles_per_s": per_stream(b, |s| json!(s.cycles_per_s)),
        "segments_per_s": per_stream(b, |s| json!(s.segments_per_s)),
        "segments": per_stream(b, |s| json!(s.segments)),
        "rusthdl_cycles": b.rusthdl_cycles,
        "rusthdl_cycles_per_s": b.rusthdl_cycles_per_s,
        "speedup_vs_rusthdl": b.speedup_vs_rusthdl,
        "baseline_cycles_per_s": b.baseline_cycles_per_s,
        "speedup_vs_baseline": b.speedup_vs_baseline,
        "clock_mhz_needed_for_100g": b.clock_mhz_needed_for_100g(),
        "verdicts": per_stream(b, |s| {
            let m: Map<String, Value> = VERDICT_NAMES
                .iter()
                .zip(s.verdicts)
                .map(|(n, c)| ((*n).to_string(), json!(c)))
                .collect();
            Value::Object(m)
        }),
        "seed": seed,
    })
}

fn text(b: &CoreBench) -> String {
    let mut s =
        String::from("stream    segments  cycles/segment  Verilator Mcycles/s  Msegments/s\n");
    for shape in StreamShape::ALL {
        if let Some(r) = b.stream(shape) {
            s += &format!(
                "{:<8} {:>9}  {:>14.2}  {:>19.2}  {:>11.2}\n",
                shape.name(),
                r.segments,
                r.cycles_per_segment,
                r.cycles_per_s / 1e6,
                r.segments_per_s / 1e6
            );
        }
    }
    s += &format!(
        "rust-hdl simulate() stepping, same design, mix stream: {} cycles in {:.2} s = {:.0} cycles/s ({} verdicts checked)\n\
         Verilator is {:.0}× faster than rust-hdl on the same design\n\
         before the simulator's passes (no isolate_assignments, both clock edges evaluated), mix stream: {:.2} Mcycles/s; now {:.2}× that\n\
         100 Gb/s of minimum-size frames (148.8 M segments/s) needs a {:.1} MHz core clock at {:.2} cycles/segment\n",
        b.rusthdl_cycles,
        b.rusthdl_seconds,
        b.rusthdl_cycles_per_s,
        b.rusthdl_outputs_checked,
        b.speedup_vs_rusthdl,
        b.baseline_cycles_per_s / 1e6,
        b.speedup_vs_baseline,
        b.clock_mhz_needed_for_100g(),
        b.max_cycles_per_segment()
    );
    s
}
