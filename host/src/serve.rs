//! `synscope sim CAPTURE --serve [--baud B] [--paced [--speed X]]`: the simulated board on a
//! pseudo-terminal, so every `synscope` command (and any serial program) can talk to it with
//! `--port /dev/pts/N`, exactly as to an Arty on its USB-UART.
//!
//! The capture goes through the board's MII pins first (or, with `--paced`, while serving, no
//! earlier than its capture time divided by `--speed`), the line is switched to `--baud` over
//! the board's own UART (as `synscope config --baud` does), then `serial: /dev/pts/N` is the
//! first line of stdout and the loop runs until SIGINT or SIGTERM: bytes from the pty go onto
//! the board's receive pin, what the board transmits goes back to the pty, and simulated time
//! advances as the loop runs (the board's `now` follows wall-clock seconds after the capture's
//! last time). A pty accepts any baud rate; the board's line runs at its own.
//!
//! The pty is raw (`cfmakeraw`). The server keeps only the master end open: between clients
//! the master reads fail (no slave open), and what the board sends then is dropped, as on a
//! UART nobody listens to.

use crate::sim::{trace, SimArgs};
use anyhow::{anyhow, Context, Result};
use serialport::{SerialPort, TTYPort};
use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use synscope_model::capture::{for_each_frame, read_file};
use synscope_model::protocol::payload::event_bits;
use synscope_model::protocol::{ConfigItem, BAUD_RATES};
use synscope_sim::board::{BoardSim, FASTEST_BAUD};

/// Cycles simulated per loop turn while bytes are moving (~10 ms of wall time at a few million
/// cycles a second), and while the line is quiet (the aging sweep still runs).
const BUSY_CYCLES: u64 = 20_000;
const QUIET_CYCLES: u64 = 4_000;
/// How long a quiet loop turn waits for bytes from the pty.
const QUIET_WAIT: Duration = Duration::from_millis(5);
/// The line counts as busy this long after a byte moved either way.
const BUSY_FOR: Duration = Duration::from_millis(200);

/// Frames fed per loop turn at most: when the simulation falls behind the capture's pace, the
/// line is still served between every few frames (a few hundred microseconds of wall time), so
/// the host's requests are answered while the capture plays, only later than its pace.
const FRAMES_PER_TURN: usize = 4;

/// Set by SIGINT/SIGTERM.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn catch_signals() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// A capture frame: its time (seconds, and as a float for pacing) and its bytes.
struct Timed {
    /// Capture time in ticks.
    ticks: u32,
    at: f64,
    data: Vec<u8>,
}

/// `baud`: the line rate to switch the board to (the global `--baud`).
pub fn run(a: &SimArgs, baud: u32) -> Result<()> {
    let code = BAUD_RATES
        .iter()
        .position(|&b| b == baud)
        .ok_or_else(|| anyhow!("--baud {baud}: the board runs at one of {BAUD_RATES:?}"))?
        as u8;
    if !(a.speed > 0.0 && a.speed.is_finite()) {
        return Err(anyhow!("--speed {}: must be a positive number", a.speed));
    }
    let bytes =
        read_file(&a.capture).with_context(|| format!("cannot read {}", a.capture.display()))?;
    let mut frames = Vec::new();
    for_each_frame(&bytes, |f| {
        if !f.is_truncated() {
            frames.push(Timed {
                ticks: synscope_model::time::ticks(f.timestamp),
                at: f.timestamp.as_secs_f64(),
                data: f.data.to_vec(),
            });
        }
    })
    .with_context(|| format!("cannot read {}", a.capture.display()))?;
    catch_signals();
    let mut board = BoardSim::with_entry(a.entry.frame_entry());
    trace(&mut board, a)?;
    let setup = "the simulated board did not answer its setup";
    if !a.paced {
        // Nobody listens yet: the capture goes in at 3 Mbaud with events masked (the core's
        // event FIFO would otherwise overflow and count drops), then the reset defaults return.
        board.set_baud(FASTEST_BAUD).context(setup)?;
        board
            .set_config(ConfigItem::EventMask, &[0])
            .context(setup)?;
        for f in &frames {
            board.set_time(f.ticks);
            board.send_captured(&f.data);
        }
        board.drain();
        board
            .set_config(ConfigItem::EventMask, &[event_bits::ALL])
            .context(setup)?;
    }
    if board.baud() != baud {
        board.set_baud(code).context(setup)?;
    }
    let (master, slave) = TTYPort::pair().context("cannot open a pseudo-terminal")?;
    let name = slave
        .name()
        .ok_or_else(|| anyhow!("the pseudo-terminal has no name"))?;
    // Only the master end stays open (see the module doc).
    drop(slave);
    let mut out = std::io::stdout().lock();
    writeln!(out, "serial: {name}")?;
    out.flush()?;
    drop(out);
    eprintln!(
        "synscope sim: {} frames {}; the board's line at {} baud; Ctrl-C stops",
        frames.len(),
        if a.paced { "to feed, paced" } else { "fed" },
        board.baud()
    );
    serve(
        board,
        master,
        if a.paced { frames } else { Vec::new() },
        a.speed,
    )
}

/// The serving loop (see the module doc); `frames` are fed at capture time / `speed`.
fn serve(mut board: BoardSim, mut master: TTYPort, frames: Vec<Timed>, speed: f64) -> Result<()> {
    let start = Instant::now();
    let first = frames.first().map_or(0.0, |f| f.at);
    let mut next = 0usize;
    // `now` after the capture: its last time plus the wall seconds since.
    let mut base = (board.now(), Instant::now());
    let mut last_busy = Instant::now() - BUSY_FOR;
    let mut buf = [0u8; 4096];
    while !STOP.load(Ordering::SeqCst) {
        let busy = last_busy.elapsed() < BUSY_FOR || board.uart_pending() > 0;
        master
            .set_timeout(if busy { Duration::ZERO } else { QUIET_WAIT })
            .ok();
        let connected = match master.read(&mut buf) {
            Ok(n) => {
                if n > 0 {
                    board.uart_write(&buf[..n]);
                    last_busy = Instant::now();
                }
                true
            }
            Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::Interrupted => true,
            Err(_) => {
                // No client has the slave open: wait for one.
                std::thread::sleep(QUIET_WAIT);
                false
            }
        };
        // Frames whose time has come (a few per turn).
        let elapsed = start.elapsed().as_secs_f64();
        let turn_end = (next + FRAMES_PER_TURN).min(frames.len());
        while next < turn_end && (frames[next].at - first) / speed <= elapsed {
            board.set_time(frames[next].ticks);
            board.send_captured(&frames[next].data);
            next += 1;
            base = (board.now(), Instant::now());
        }
        if next == frames.len() {
            let ticks = base
                .0
                .wrapping_add(synscope_model::time::ticks(base.1.elapsed()));
            board.set_time(ticks);
        }
        board.run(if busy { BUSY_CYCLES } else { QUIET_CYCLES });
        let sent = board.uart_read();
        if !sent.is_empty() {
            last_busy = Instant::now();
            if connected {
                // A client that went away mid-write loses the rest, as on a real line.
                let _ = master.write_all(&sent);
            }
        }
    }
    eprintln!(
        "synscope sim: stopped after {} cycles ({:.3} s simulated)",
        board.cycles(),
        board.cycles() as f64 / 100e6
    );
    Ok(())
}
