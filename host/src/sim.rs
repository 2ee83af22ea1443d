//! `synscope sim CAPTURE [--json] [--vcd FILE]`: the capture through the simulated board — the
//! generated Verilog under Verilator, frames on its MII pins at 100 Mb/s with preamble and FCS —
//! and the end states read out of the simulated hardware through the protocol on its UART pins
//! (`DUMP_TABLE`, `READ_COUNTERS`, after switching the line to 3 Mbaud as a host would),
//! printed like `analyze`. With `--serve`, the board stays up on a pseudo-terminal
//! ([`crate::serve`]).

use crate::output::write_stdout;
use anyhow::{Context, Result};
use clap::Args;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;
use synscope_model::capture::{for_each_frame, read_file};
use synscope_model::protocol::ConfigItem;
use synscope_model::Counter;
use synscope_sim::board::{BoardSim, SlotEntry, FASTEST_BAUD};

#[derive(Args, Debug)]
pub struct SimArgs {
    /// pcap or pcapng capture (Ethernet link type).
    pub capture: PathBuf,
    /// Print the JSON document (the same contract as `analyze --json`).
    #[arg(long)]
    pub json: bool,
    /// Trace the simulation to a VCD file (a synscope built with `--features vcd`).
    #[arg(long)]
    pub vcd: Option<PathBuf>,
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
    let mut board = BoardSim::new();
    trace(&mut board, a)?;
    board
        .set_baud(FASTEST_BAUD)
        .context("the simulated board did not switch its line rate")?;
    board
        .set_config(ConfigItem::EventMask, &[0])
        .context("the simulated board did not take the event mask")?;
    let t0 = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let (mut n, mut truncated) = (0u64, 0u64);
    for_each_frame(&bytes, |f| {
        if f.is_truncated() {
            truncated += 1;
            return;
        }
        board.set_time(synscope_model::time::ticks(f.timestamp));
        board.send_captured(f.data);
        n += 1;
        if tty && n % 256 == 0 {
            eprint!("\rsimulating: {n} frames");
        }
    })
    .with_context(|| format!("cannot read {}", a.capture.display()))?;
    if tty && n >= 256 {
        eprintln!();
    }
    board.finish();
    let table = board
        .table()
        .context("reading the simulated board's table")?;
    let counters = board
        .counters()
        .context("reading the simulated board's counters")?;
    let secs = t0.elapsed().as_secs_f64();
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
        table_text(board.now(), &table, &counters, n, board.cycles(), secs)
    };
    write_stdout(text.as_bytes())
}

/// `--vcd`: trace the board from now on.
pub(crate) fn trace(board: &mut BoardSim, a: &SimArgs) -> Result<()> {
    if let Some(v) = &a.vcd {
        board.open_vcd(v).with_context(|| {
            format!(
                "cannot trace to {} (`sim --vcd` needs synscope built with `--features vcd`)",
                v.display()
            )
        })?;
    }
    Ok(())
}

fn connection(s: &SlotEntry) -> Value {
    let e = &s.entry;
    json!({
        "client": e.client().to_string(),
        "server": e.server().to_string(),
        "client_state": e.client_state().name(),
        "server_state": e.server_state().name(),
        "picked_up": e.picked_up,
        "slot": {"bucket": s.bucket, "way": s.way},
    })
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
    frames: u64,
    cycles: u64,
    secs: f64,
) -> String {
    let mut s = crate::console::table_lines(now, table.iter().map(|x| (x.slot(), &x.entry)));
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
    let _ = writeln!(
        s,
        "simulated {frames} frames in {cycles} cycles at 100 MHz in {secs:.1} s ({:.0} frames/s, {:.2} Mcycles/s)",
        frames as f64 / secs,
        cycles as f64 / secs / 1e6
    );
    s
}
