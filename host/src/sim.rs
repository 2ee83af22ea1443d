//! `synscope sim CAPTURE [--json] [--vcd FILE]`: the capture through the simulated board — the
//! generated Verilog under Verilator, frames on its MII pins at 100 Mb/s with preamble and FCS —
//! and the end states read out of the simulated hardware through the protocol on its UART pins
//! (`DUMP_TABLE`, `READ_COUNTERS`, after switching the line to 3 Mbaud as a host would),
//! printed like `analyze`. With `--serve`, the board stays up on a pseudo-terminal
//! ([`crate::serve`]). `--entry fifo` is the faster entry point: frames enter at the board's
//! receive FIFO, past the MII receiver (`synscope_sim::board::FrameEntry::Fifo`); the JSON
//! document is the same either way.

use crate::connection::{ConnectionJson, SlotJson};
use crate::output::write_stdout;
use crate::progress::Progress;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;
use synscope_model::capture::{for_each_frame, read_file};
use synscope_model::protocol::ConfigItem;
use synscope_model::Counter;
use synscope_sim::board::{BoardSim, FrameEntry, SlotEntry, FASTEST_BAUD, IFG_NIBBLES};

/// Where frames enter the simulated board.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Entry {
    /// At the MII pins, nibble by nibble at 100 Mb/s (preamble, FCS, gap): the whole board.
    #[default]
    Mii,
    /// At the receive FIFO, past the MII receiver (its own tests cover it): about 8 times
    /// fewer cycles per frame, for the parser's and the core's answer on a big capture.
    Fifo,
}

impl Entry {
    pub fn frame_entry(self) -> FrameEntry {
        match self {
            Entry::Mii => FrameEntry::Mii,
            Entry::Fifo => FrameEntry::Fifo,
        }
    }
}

#[derive(Args, Debug)]
pub struct SimArgs {
    /// pcap or pcapng capture (Ethernet link type).
    pub capture: PathBuf,
    /// Print the JSON document (the same contract as `analyze --json`).
    #[arg(long)]
    pub json: bool,
    /// Trace the simulation to a VCD file. Tracing is a build switch (it slows every cycle
    /// even when off): `make synscope-vcd` builds target/release/synscope with it.
    #[arg(long)]
    pub vcd: Option<PathBuf>,
    /// Where frames enter the board: its MII pins, or its receive FIFO (faster).
    #[arg(long, value_enum, default_value_t = Entry::Mii)]
    pub entry: Entry,
    /// Evaluate every cycle one by one. By default the cycles in which nothing in the board
    /// changes but its UART transmitter's bit timer are run in one step: the results are the
    /// same, cycle for cycle (this switch is there to compare).
    #[arg(long)]
    pub no_skip: bool,
    /// Keep the simulated board running on a pseudo-terminal (its path is the first line of
    /// stdout) until interrupted: any synscope command works on it with `--port`. The global
    /// `--baud` is the line rate the board is switched to before serving.
    #[arg(long)]
    pub serve: bool,
    /// With --serve: feed the frames while serving, at capture time (divided by --speed).
    #[arg(long, requires = "serve")]
    pub paced: bool,
    /// With --paced: how many times faster than capture time.
    #[arg(long, default_value_t = 1.0, requires = "paced")]
    pub speed: f64,
}

/// `baud`: the global `--baud`, the line rate `--serve` switches the board to.
pub fn run(a: &SimArgs, baud: u32) -> Result<()> {
    if a.serve {
        return crate::serve::run(a, baud);
    }
    let bytes =
        read_file(&a.capture).with_context(|| format!("cannot read {}", a.capture.display()))?;
    let mut total = 0u64;
    for_each_frame(&bytes, |_| total += 1)
        .with_context(|| format!("cannot read {}", a.capture.display()))?;
    let mut board = BoardSim::with_entry(a.entry.frame_entry());
    board.set_skip(!a.no_skip);
    trace(&mut board, a)?;
    board
        .set_baud(FASTEST_BAUD)
        .context("the simulated board did not switch its line rate")?;
    board
        .set_config(ConfigItem::EventMask, &[0])
        .context("the simulated board did not take the event mask")?;
    let t0 = Instant::now();
    let progress = Progress::new("simulating", total, "frames");
    let mut run = RunFigures::default();
    let mut truncated = 0u64;
    for_each_frame(&bytes, |f| {
        progress.inc(1);
        if f.is_truncated() {
            truncated += 1;
            return;
        }
        board.set_time(synscope_model::time::ticks(f.timestamp));
        board.send_captured(f.data);
        run.frames += 1;
        run.wire_bytes += wire_bytes(f.data.len());
    })
    .with_context(|| format!("cannot read {}", a.capture.display()))?;
    progress.note("reading out");
    board.finish();
    run.frame_cycles = board.cycles();
    let table = board
        .table()
        .context("reading the simulated board's table")?;
    let counters = board
        .counters()
        .context("reading the simulated board's counters")?;
    progress.finish();
    run.cycles = board.cycles();
    run.skipped = board.cycles_skipped();
    run.secs = t0.elapsed().as_secs_f64();
    let text = if a.json {
        let mut s = serde_json::to_string_pretty(&document(
            &a.capture.display().to_string(),
            &table,
            &counters,
            truncated,
        ))?;
        s.push('\n');
        s
    } else {
        table_text(board.now(), &table, &counters, a.entry, &run)
    };
    write_stdout(text.as_bytes())
}

/// What a run cost, for the summary line.
#[derive(Default)]
struct RunFigures {
    frames: u64,
    /// Bytes on the wire: preamble and SFD, the frame padded to the minimum, FCS, the gap.
    wire_bytes: u64,
    /// Cycles until the last frame was through and the table aged (before the read-out).
    frame_cycles: u64,
    /// Every cycle, the read-out through the UART included.
    cycles: u64,
    /// Of `cycles`, those run in skips (nothing changed but the UART's bit timer).
    skipped: u64,
    secs: f64,
}

/// A captured frame's bytes on the wire at the MII pins: preamble and SFD (8), the frame padded
/// to the minimum, its FCS (4), the inter-frame gap (12).
fn wire_bytes(captured: usize) -> u64 {
    (8 + captured.max(synscope_model::frame::MIN_FRAME_LEN) + 4 + IFG_NIBBLES / 2) as u64
}

/// `--vcd`: trace the board from now on.
pub(crate) fn trace(board: &mut BoardSim, a: &SimArgs) -> Result<()> {
    if let Some(v) = &a.vcd {
        board.open_vcd(v).with_context(|| {
            format!(
                "cannot trace to {}: this synscope was built without VCD tracing (it slows every \
                 cycle); `make synscope-vcd` (cargo build --release -p synscope --features vcd) \
                 builds one with it",
                v.display()
            )
        })?;
    }
    Ok(())
}

fn connection(s: &SlotEntry) -> ConnectionJson<SimSlot> {
    let slot = SlotJson::of(s.pos());
    ConnectionJson::of_entry(&s.entry, SimSlot { slot })
}

/// What `sim` knows of a connection beyond its head: where the board holds it.
#[derive(Serialize)]
struct SimSlot {
    slot: SlotJson,
}

/// The JSON document: the connections the board holds, the states' counts and every counter.
fn document(
    source: &str,
    table: &[SlotEntry],
    counters: &[(Counter, u64)],
    truncated: u64,
) -> Value {
    let counters: Map<String, Value> = counters
        .iter()
        .map(|(c, v)| (c.name().to_string(), json!(v)))
        .collect();
    json!({
        "source": source,
        "engine": "board-sim",
        "connection_count": table.len(),
        "state_counts": crate::report::state_counts_of(
            table.iter().map(|s| (s.entry.client_state(), s.entry.server_state()))
        ),
        "connections": table.iter().map(connection).collect::<Vec<_>>(),
        "counters": counters,
        "capture_truncated": truncated,
    })
}

fn table_text(
    now: u32,
    table: &[SlotEntry],
    counters: &[(Counter, u64)],
    entry: Entry,
    run: &RunFigures,
) -> String {
    let mut s = crate::console::table_lines(now, table.iter().map(|x| (x.pos(), &x.entry)));
    let get = |c: Counter| {
        counters
            .iter()
            .find(|(k, _)| *k == c)
            .map_or(0, |(_, v)| *v)
    };
    let dropped: u64 = counters
        .iter()
        .filter(|(c, _)| c.name().starts_with("drop_"))
        .map(|(_, v)| v)
        .sum();
    let _ = writeln!(
        s,
        "\n{} connections in the simulated board's table; {} frames: {} processed, {} dropped",
        table.len(),
        get(Counter::Frames),
        get(Counter::Processed),
        dropped
    );
    let per_byte = run.frame_cycles as f64 / run.wire_bytes.max(1) as f64;
    let _ = writeln!(
        s,
        "simulated {} frames entering at the {} in {} cycles at 100 MHz ({:.2} cycles per wire byte; \
         {} more to read the results out at 3 Mbaud; {} skipped as idle) in {:.1} s: {:.0} frames/s, \
         {:.2} Mcycles/s",
        run.frames,
        match entry {
            Entry::Mii => "MII pins",
            Entry::Fifo => "receive FIFO",
        },
        run.frame_cycles,
        per_byte,
        run.cycles - run.frame_cycles,
        run.skipped,
        run.secs,
        run.frames as f64 / run.secs,
        run.cycles as f64 / run.secs / 1e6
    );
    s
}
