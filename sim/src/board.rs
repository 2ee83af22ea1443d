//! The simulated board: the board's logic (`synscope_hdl::station::Station`, generated as
//! `board_sim`, 2048 buckets × 4 ways as on the 35T) under Verilator, spoken to only through its
//! pins, as the Arty is: whole Ethernet frames on its MII pins at 100 Mb/s nibble timing
//! (preamble, SFD, FCS, inter-frame gap), and the protocol (docs/protocol.md) on its UART pins
//! through a line model ([`UartLine`]) advanced in the same cycles, so frames and serial traffic
//! proceed together in simulated time.
//!
//! Time: the board counts seconds from its clock; here `now` is set from each frame's capture
//! time instead, so idle seconds are not simulated cycle by cycle. A frame is stamped when the
//! parser finishes it, so before the second changes the driver waits until every frame sent
//! has been finished.
//!
//! After reset the line runs at 115200 baud, as on the board; [`BoardSim::set_baud`] switches
//! it as a host would (`SET_CONFIG baud`, then the line follows the board's `divisor`).

use crate::models::BoardSim as Model;
use crate::uart::UartLine;
use std::collections::VecDeque;
use std::fmt;
use synscope_hdl::conn_core::{BUCKET_BITS_35T, LATENCY, WAYS};
use synscope_hdl::uart::{CLOCK_HZ, DIVISORS_100MHZ};
use synscope_model::frame::{pad_to_minimum, with_fcs, MIN_FRAME_LEN};
use synscope_model::protocol::payload::{assemble_dump, CounterSnapshot, DumpChunk};
use synscope_model::protocol::{
    ConfigItem, Decoder, ErrorCode, Frame, Kind, Op, BAUD_RATES, MAX_FRAME,
};
use synscope_model::{Counter, Entry};

/// System clock cycles per MII clock at 100 Mb/s (100 MHz / 25 MHz).
pub const SYS_PER_NIBBLE: u64 = 4;
/// Preamble bytes before the SFD (IEEE 802.3 §4.2.5: 7 × 0x55, then 0xD5).
const PREAMBLE: usize = 7;
const SFD: u8 = 0xd5;
/// Inter-frame gap, in nibbles (96 bit times).
pub const IFG_NIBBLES: usize = 24;
/// Buckets of the simulated board's table.
pub const BUCKETS: usize = 1 << BUCKET_BITS_35T;
/// `BAUD_RATES` index of the fastest rate (3 Mbaud), which drivers switch to first.
pub const FASTEST_BAUD: u8 = (BAUD_RATES.len() - 1) as u8;
/// Cycles a request may wait for its next answer frame beyond the frame's own wire time (the
/// engine scans 8192 slots for a dump frame in the worst case, a few cycles each).
const ANSWER_SLACK_CYCLES: u64 = 1 << 20;

/// A live table entry as read out of the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotEntry {
    pub bucket: usize,
    pub way: usize,
    pub entry: Entry,
}

impl SlotEntry {
    /// The slot number, bucket × ways + way (the model's `entries_with_slot` numbering).
    pub fn slot(&self) -> usize {
        self.bucket * WAYS + self.way
    }
}

/// Why a request got no usable answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// No answer frame within the cycle budget.
    Timeout { op: Op, cycles: u64 },
    /// The board answered with an error frame.
    Refused { op: Op, code: Option<ErrorCode> },
    /// An answer that does not decode as the op's response.
    Malformed { op: Op, why: String },
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Timeout { op, cycles } => {
                write!(
                    f,
                    "{op:?}: no answer from the simulated board in {cycles} cycles"
                )
            }
            RequestError::Refused { op, code } => {
                let name = code.map_or("unknown error", |c| c.name());
                write!(f, "{op:?}: the simulated board refused it ({name})")
            }
            RequestError::Malformed { op, why } => write!(f, "{op:?}: malformed answer: {why}"),
        }
    }
}

impl std::error::Error for RequestError {}

pub struct BoardSim {
    m: Model,
    line: UartLine,
    now: u32,
    /// `now` was set (times compare modulo 2³²: the first one is taken as it is).
    time_set: bool,
    sent: u64,
    done: u64,
    cycles: u64,
    seq: u8,
    /// Unsolicited frames (`EVENT`) that arrived while a request waited for its answer.
    events: VecDeque<Frame>,
}

impl Default for BoardSim {
    fn default() -> Self {
        Self::new()
    }
}

impl BoardSim {
    /// A board after reset: default hash key, timeouts and event mask, the line at 115200 baud.
    pub fn new() -> BoardSim {
        let mut m = Model::new();
        m.set_rx_dv(false);
        m.set_rx_er(false);
        m.set_rxd(0);
        m.set_rx_clk(false);
        m.set_uart_rx(true);
        m.set_reset(true);
        let mut b = BoardSim {
            m,
            line: UartLine::new(),
            now: 0,
            time_set: false,
            sent: 0,
            done: 0,
            cycles: 0,
            seq: 0,
            events: VecDeque::new(),
        };
        b.cycle();
        b.cycle();
        b.m.set_reset(false);
        b.cycle();
        b
    }

    /// A board as a host that reads results at the end sets it up: the line switched to
    /// 3 Mbaud and the event mask cleared (records are dropped by the engine, not queued for a
    /// slow line: the core's FIFO never fills, so `events_dropped` stays 0, as in the model).
    pub fn quiet() -> Result<BoardSim, RequestError> {
        let mut b = BoardSim::new();
        b.set_baud(FASTEST_BAUD)?;
        b.set_config(ConfigItem::EventMask, &[0])?;
        Ok(b)
    }

    /// Trace every later cycle to a VCD file (needs the crate's `vcd` feature; otherwise an
    /// error that says so).
    pub fn open_vcd(&mut self, path: &std::path::Path) -> std::io::Result<()> {
        self.m.open_vcd(path)
    }

    /// The board's time (ticks of 1/16 s).
    pub fn now(&self) -> u32 {
        self.now
    }

    /// System clock cycles simulated so far.
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// The board's UART divisor (clock cycles per bit).
    pub fn divisor(&self) -> u32 {
        self.m.divisor() as u32
    }

    /// The board's current line rate: the `BAUD_RATES` entry of its divisor.
    pub fn baud(&self) -> u32 {
        let d = self.divisor();
        DIVISORS_100MHZ
            .iter()
            .position(|&x| u32::from(x) == d)
            .map_or(CLOCK_HZ / d.max(1), |i| BAUD_RATES[i])
    }

    /// Queue bytes for the board's receive pin (sent as simulated time runs).
    pub fn uart_write(&mut self, bytes: &[u8]) {
        self.line.write(bytes);
    }

    /// Bytes the board transmitted since the last call.
    pub fn uart_read(&mut self) -> Vec<u8> {
        self.line.take()
    }

    /// Bytes queued for the board that have not all left the host's end yet.
    pub fn uart_pending(&self) -> usize {
        self.line.pending()
    }

    /// Run `cycles` clock cycles with the MII idle (the serial line keeps going).
    pub fn run(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.cycle();
        }
    }

    /// One system clock cycle: the serial line and the board advance together; finished
    /// frames are counted.
    fn cycle(&mut self) {
        self.m.set_uart_rx(self.line.level());
        self.m.set_clock(true);
        self.m.eval();
        self.m.set_clock(false);
        self.m.eval();
        let tx = self.m.uart_tx();
        let divisor = self.divisor();
        self.line.step(tx, divisor);
        if self.m.frame_done() {
            self.done += 1;
        }
        self.cycles += 1;
    }

    /// One MII clock period with `d` on the pins (inputs change after the falling edge).
    fn nibble(&mut self, dv: bool, er: bool, d: u8) {
        self.m.set_rx_clk(false);
        self.m.set_rx_dv(dv);
        self.m.set_rx_er(er);
        self.m.set_rxd(d as u64);
        self.m.eval();
        self.cycle();
        self.cycle();
        self.m.set_rx_clk(true);
        self.m.eval();
        self.cycle();
        self.cycle();
    }

    /// Put the board's time at `ticks` (`synscope_model::time`; never backwards, modulo 2³²),
    /// once every frame sent so far has been stamped with the time it was sent at.
    pub fn set_time(&mut self, ticks: u32) {
        if self.time_set && !synscope_model::time::later(ticks, self.now) {
            return;
        }
        self.drain();
        self.now = ticks;
        self.time_set = true;
        self.m.set_now(ticks as u64);
    }

    /// Frames sent on the MII pins so far.
    pub fn frames_sent(&self) -> u64 {
        self.sent
    }

    /// Run until every frame sent has come out of the parser.
    pub fn drain(&mut self) {
        let mut guard = 0u64;
        while self.done < self.sent {
            self.cycle();
            guard += 1;
            assert!(guard < 1 << 20, "the board stopped taking frames");
        }
    }

    /// Send one frame as the PHY would: preamble, SFD, `bytes` (which must end with the FCS),
    /// low nibble first, RX_ER raised during byte `rx_er_at`, then the inter-frame gap.
    pub fn send_raw(&mut self, bytes: &[u8], rx_er_at: Option<usize>) {
        let pre = [0x55u8; PREAMBLE].into_iter().chain([SFD]);
        for b in pre {
            self.nibble(true, false, b & 0xf);
            self.nibble(true, false, b >> 4);
        }
        for (i, b) in bytes.iter().enumerate() {
            let er = rx_er_at == Some(i);
            self.nibble(true, er, b & 0xf);
            self.nibble(true, er, b >> 4);
        }
        for _ in 0..IFG_NIBBLES {
            self.nibble(false, false, 0);
        }
        self.sent += 1;
    }

    /// Send a frame as a capture holds it (no FCS, maybe shorter than the minimum): padded as
    /// the sender's MAC would, and its FCS appended.
    pub fn send_captured(&mut self, frame: &[u8]) {
        let mut padded = Vec::new();
        let frame = if frame.len() < MIN_FRAME_LEN {
            pad_to_minimum(frame, &mut padded);
            &padded[..]
        } else {
            frame
        };
        self.send_raw(&with_fcs(frame), None);
    }

    /// Drain, then let the aging sweep visit every bucket: afterwards the table and the gauges
    /// are those of the model after `Tracker::finish`.
    pub fn finish(&mut self) {
        self.drain();
        for _ in 0..BUCKETS + 4 * LATENCY {
            self.cycle();
        }
    }

    fn next_seq(&mut self) -> u8 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Unsolicited frames (`EVENT`) that arrived while requests waited, oldest first.
    pub fn take_events(&mut self) -> Vec<Frame> {
        self.events.drain(..).collect()
    }

    /// Send a request over the simulated line and collect its answer frames (a dump's up to
    /// the one without `MORE`); events that come meanwhile are kept for [`take_events`].
    /// Gives up when no answer frame arrives within its wire time at the current rate plus
    /// `ANSWER_SLACK_CYCLES`, so it never hangs.
    ///
    /// [`take_events`]: Self::take_events
    pub fn exchange(&mut self, op: Op, payload: &[u8]) -> Result<Vec<Frame>, RequestError> {
        let seq = self.next_seq();
        let mut wire = Vec::new();
        Frame::request(seq, op, payload.to_vec()).encode(&mut wire);
        let budget = |b: &BoardSim| {
            (wire.len() + 2 * MAX_FRAME) as u64
                * u64::from(crate::uart::BITS_PER_CHAR)
                * u64::from(b.divisor())
                + ANSWER_SLACK_CYCLES
        };
        self.line.write(&wire);
        let mut dec = Decoder::new();
        let mut answer = Vec::new();
        let mut limit = self.cycles + budget(self);
        loop {
            for b in self.line.take() {
                let Some(Ok(content)) = dec.push(b) else {
                    continue;
                };
                let Ok(f) = Frame::parse(&content) else {
                    continue;
                };
                if f.header.kind == Kind::Event {
                    self.events.push_back(f);
                    continue;
                }
                if f.header.seq != seq || f.header.kind == Kind::Request {
                    continue;
                }
                if f.header.kind == Kind::Error {
                    return Err(RequestError::Refused {
                        op,
                        code: f.error_code(),
                    });
                }
                let more = f.header.more();
                answer.push(f);
                if !more {
                    return Ok(answer);
                }
                limit = self.cycles + budget(self);
            }
            if self.cycles >= limit {
                return Err(RequestError::Timeout {
                    op,
                    cycles: budget(self),
                });
            }
            self.cycle();
        }
    }

    /// A request's response payload (`op`'s single answer frame).
    pub fn request(&mut self, op: Op, payload: &[u8]) -> Result<Vec<u8>, RequestError> {
        let mut frames = self.exchange(op, payload)?;
        if frames.len() != 1 {
            return Err(RequestError::Malformed {
                op,
                why: format!("{} frames", frames.len()),
            });
        }
        Ok(frames.remove(0).payload)
    }

    /// `SET_CONFIG item value` (an empty response).
    pub fn set_config(&mut self, item: ConfigItem, value: &[u8]) -> Result<(), RequestError> {
        let mut p = vec![item as u8];
        p.extend_from_slice(value);
        self.request(Op::SetConfig, &p).map(|_| ())
    }

    /// Switch the line to `BAUD_RATES[code]`: `SET_CONFIG baud` answered at the old rate, then
    /// the board changes its divisor once its transmitter is idle, and the line follows it.
    pub fn set_baud(&mut self, code: u8) -> Result<(), RequestError> {
        self.set_config(ConfigItem::Baud, &[code])?;
        let want = u32::from(DIVISORS_100MHZ[usize::from(code)]);
        let mut waited = 0u64;
        while self.divisor() != want {
            self.cycle();
            waited += 1;
            if waited > ANSWER_SLACK_CYCLES {
                return Err(RequestError::Timeout {
                    op: Op::SetConfig,
                    cycles: waited,
                });
            }
        }
        Ok(())
    }

    /// Every `Counter`, in bank order (`READ_COUNTERS`).
    pub fn counters(&mut self) -> Result<Vec<(Counter, u64)>, RequestError> {
        let p = self.request(Op::ReadCounters, &[])?;
        let snap = CounterSnapshot::decode(&p).ok_or_else(|| RequestError::Malformed {
            op: Op::ReadCounters,
            why: format!("{} bytes", p.len()),
        })?;
        Ok(Counter::ALL.iter().map(|c| (*c, snap.get(*c))).collect())
    }

    /// The live entries of the table (`DUMP_TABLE` from bucket 0; aged to the board's time,
    /// as the model ages on `finish`), in slot order.
    pub fn table(&mut self) -> Result<Vec<SlotEntry>, RequestError> {
        let frames = self.exchange(Op::DumpTable, &0u16.to_le_bytes())?;
        let mut chunks = Vec::new();
        for f in frames {
            chunks.push(
                DumpChunk::decode(&f.payload).ok_or_else(|| RequestError::Malformed {
                    op: Op::DumpTable,
                    why: format!("a dump frame of {} bytes", f.payload.len()),
                })?,
            );
        }
        let (_, slots) = assemble_dump(&chunks).ok_or_else(|| RequestError::Malformed {
            op: Op::DumpTable,
            why: "an IPv6 entry's head without its continuation".into(),
        })?;
        Ok(slots
            .iter()
            .map(|s| SlotEntry {
                bucket: usize::from(s.slot >> 2),
                way: usize::from(s.slot & 3),
                entry: s.entry,
            })
            .collect())
    }
}
