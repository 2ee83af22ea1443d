//! The simulated board: the board's logic (`synscope_hdl::tops::station::Station`, generated as
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
//!
//! Frames enter at the MII pins by default. [`FrameEntry::Fifo`] is the faster entry point: the
//! same board with its MII receiver left out (`board_sim_fifo`, built from `board_sim` by
//! sim/build.rs), frames put into the receive FIFO as the receiver would have written them
//! (`frame::mac_receive`: the bytes and an OK status, or one drop status), about one cycle a
//! byte instead of eight. Everything past the FIFO (parser, core, counters, link, UART) is the
//! board's own; the MII receiver's own tests (`tests/mii_rx.rs`) cover the part left out.
//!
//! The Ethernet PHY's management interface is there too: a DP83848J model
//! ([`crate::phy::PhyModel`], address 1, link up at 100 Mb/s full duplex) answers the board's
//! MDIO master on its MDC/MDIO pins, and `READ_PHY` ([`BoardSim::phy_status`]) reads what the
//! master found.
//!
//! Frames can be queued ([`BoardSim::queue_captured`]): they enter the board as its clock runs,
//! also while a request waits for its answer, in order, at either entry.
//!
//! The board is a [`Transport`] for the protocol's client (`synscope_model::protocol::client`,
//! the host's own): bytes written go to its receive pin, and a read runs a character's time of
//! cycles and takes what its transmit pin sent. Its request helpers ([`BoardSim::exchange`],
//! [`BoardSim::counters`], …) are that client's, with the silence it tolerates counted in
//! cycles at the line's rate.
//!
//! Cycles in which nothing in the board changes but its transmitter's bit timer (the read-out
//! at 3 Mbaud waits 330 cycles a byte) are run in one step ([`BoardSim::set_skip`], on by
//! default; docs/hdl.md, "Skipping the cycles in which nothing changes"): the board's outputs,
//! cycle for cycle, are the same as without.
//!
//! Cycles are run in batches inside the model's C++ shim ([`crate::drive`]): the MII nibbles,
//! the `frame_done` count and the transmit pin's edges cross the FFI once per batch; a batch
//! lasts while the receive pin's level does (the line model's [`UartLine::steady_cycles`]) and
//! at most until MDC's next rising edge (every 40 cycles), where the PHY model acts.

use crate::drive::{Batch, BoardPins};
use crate::models::{BoardSim as PinModel, BoardSimFifo as FifoModel};
use crate::phy::PhyModel;
use crate::uart::UartLine;
use crate::uart::BITS_PER_CHAR;
use std::collections::VecDeque;
use std::io;
use std::time::Duration;
use synscope_hdl::conn::conn_core::{BUCKET_BITS_35T, LATENCY};
use synscope_hdl::conn::WAYS;
use synscope_hdl::front::mii_rx::{status_of, FIFO_DEPTH, STATUS_OK};
use synscope_hdl::link::uart::{CLOCK_HZ, DIVISORS_100MHZ};
use synscope_model::frame::{mac_receive, pad_to_minimum, with_fcs, MIN_FRAME_LEN};
use synscope_model::protocol::client::{Client, Error, Session, Transport};
use synscope_model::protocol::phy::PhyStatus;
use synscope_model::protocol::slot::{SlotLayout, SlotPos};
use synscope_model::protocol::{ConfigItem, Frame, Op, BAUD_RATES, MAX_FRAME};
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
/// How the simulated board's slots split into bucket and way: its `WAYS` (the way count it
/// was built with, `SYNSCOPE_WAYS`, and reports in `IDENTIFY`).
pub const SLOT_LAYOUT: SlotLayout = match SlotLayout::new(WAYS) {
    Ok(l) => l,
    Err(_) => panic!("WAYS makes no slot layout"),
};
/// `BAUD_RATES` index of the fastest rate (3 Mbaud), which drivers switch to first.
pub const FASTEST_BAUD: u8 = (BAUD_RATES.len() - 1) as u8;
/// Cycles a request may wait in silence beyond the wire time of a request and of an answer
/// frame (the engine scans 8192 slots for a dump frame in the worst case, a few cycles each).
const ANSWER_SLACK_CYCLES: u64 = 1 << 20;
/// The simulated board's name in the client's messages.
const NAME: &str = "the simulated board";
/// Transmit-pin edges one batch can report (a character has at most 10).
const EDGES_PER_BATCH: usize = 4096;
/// Cycles between checks while waiting for the parser (`drain`) or for room in the FIFO.
const WAIT_STEP: u64 = 64;
/// Cycles a queued frame may wait for room in the receive FIFO before the board is declared
/// stuck.
const STALL_LIMIT: u64 = 1 << 20;

/// Where frames enter the simulated board.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FrameEntry {
    /// At the MII pins, nibble by nibble at 100 Mb/s, with preamble, FCS and gap (the board).
    #[default]
    Mii,
    /// At the receive FIFO, past the MII receiver (see the module doc).
    Fifo,
}

impl FrameEntry {
    pub fn name(self) -> &'static str {
        match self {
            FrameEntry::Mii => "mii",
            FrameEntry::Fifo => "fifo",
        }
    }
}

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

    /// Bucket and way.
    pub fn pos(&self) -> SlotPos {
        SlotPos {
            bucket: self.bucket,
            way: self.way,
        }
    }
}

pub struct BoardSim {
    m: Box<dyn BoardPins>,
    entry: FrameEntry,
    line: UartLine,
    now: u32,
    /// `now` was set (times compare modulo 2³²: the first one is taken as it is).
    time_set: bool,
    sent: u64,
    done: u64,
    cycles: u64,
    /// The protocol client's session over this board's line (sequence number, decoder,
    /// events that arrived while a request waited).
    session: Session,
    /// The board's divisor after the last batch (the line's rate).
    divisor: u32,
    /// The Ethernet PHY on the MDIO pins (a DP83848J at address 1, link up at 100 Mb/s full
    /// duplex); tests may change its registers.
    pub phy: PhyModel,
    /// Frames queued and not yet wholly entered.
    inbound: Inbound,
    /// Scratch: a batch's edges.
    edges: Vec<u32>,
    /// Skip the cycles in which nothing changes ([`BoardSim::set_skip`]).
    skip: bool,
    /// Of `cycles`, those run in skips.
    skipped: u64,
}

/// Frames waiting to enter the board, oldest first: at the MII pins as nibbles (bits 0–3 RXD,
/// 4 RX_DV, 5 RX_ER) that go out one per MII clock as the board runs; at the FIFO entry as
/// whole frames' entries, each put into the receive FIFO once it fits.
#[derive(Default)]
struct Inbound {
    nibbles: Vec<u8>,
    /// The next nibble to go out, and the system cycle within it (0..4).
    pos: u64,
    phase: u32,
    /// Where each frame queued at the pins ends in `nibbles`.
    ends: VecDeque<u64>,
    /// Frames' FIFO entries (bit 8 `last`, bits 7..0 a byte or the status).
    fifo: VecDeque<Vec<u16>>,
}

impl Inbound {
    fn frames(&self) -> usize {
        self.ends.len() + self.fifo.len()
    }

    /// The nibbles up to `pos` are on the wire: frames that ended there are in.
    fn sent_up_to(&mut self, pos: u64, phase: u32) {
        self.pos = pos;
        self.phase = phase;
        while self.ends.front().is_some_and(|&e| e <= pos) {
            self.ends.pop_front();
        }
        if self.pos == self.nibbles.len() as u64 {
            self.nibbles.clear();
            self.pos = 0;
        }
    }
}

impl Default for BoardSim {
    fn default() -> Self {
        Self::new()
    }
}

impl BoardSim {
    /// A board after reset: default hash key, timeouts and event mask, the line at 115200 baud;
    /// frames enter at the MII pins; the PHY is a DP83848J at address 1 with its link up.
    pub fn new() -> BoardSim {
        BoardSim::with_entry(FrameEntry::Mii)
    }

    /// A board after reset, frames entering at `entry`.
    pub fn with_entry(entry: FrameEntry) -> BoardSim {
        BoardSim::with(entry, PhyModel::new(1))
    }

    /// [`BoardSim::new`] with `phy` on the MDIO pins from the start.
    pub fn with_phy(phy: PhyModel) -> BoardSim {
        BoardSim::with(FrameEntry::Mii, phy)
    }

    /// A board after reset, frames entering at `entry`, `phy` on the MDIO pins.
    pub fn with(entry: FrameEntry, phy: PhyModel) -> BoardSim {
        let mut m: Box<dyn BoardPins> = match entry {
            FrameEntry::Mii => Box::new(PinModel::new()),
            FrameEntry::Fifo => Box::new(FifoModel::new()),
        };
        m.set_phy_ready(true);
        m.set_reset(true);
        let divisor = m.divisor();
        let mut b = BoardSim {
            m,
            entry,
            line: UartLine::new(),
            now: 0,
            time_set: false,
            sent: 0,
            done: 0,
            cycles: 0,
            session: Session::new(NAME, BAUD_RATES[0]),
            divisor,
            phy,
            inbound: Inbound::default(),
            edges: vec![0; EDGES_PER_BATCH],
            skip: true,
            skipped: 0,
        };
        b.run(2);
        b.m.set_reset(false);
        b.run(1);
        b
    }

    /// A board as a host that reads results at the end sets it up: the line switched to
    /// 3 Mbaud and the event mask cleared (records are dropped by the engine, not queued for a
    /// slow line: the core's FIFO never fills, so `events_dropped` stays 0, as in the model).
    pub fn quiet() -> Result<BoardSim, Error> {
        BoardSim::quiet_with(FrameEntry::Mii)
    }

    /// [`BoardSim::quiet`], frames entering at `entry`.
    pub fn quiet_with(entry: FrameEntry) -> Result<BoardSim, Error> {
        let mut b = BoardSim::with_entry(entry);
        b.set_baud(FASTEST_BAUD)?;
        b.set_config(ConfigItem::EventMask, &[0])?;
        Ok(b)
    }

    /// Skip the cycles in which nothing in the board changes but its transmitter's bit timer
    /// (on by default; docs/hdl.md, "Skipping the cycles in which nothing changes"). Every
    /// output, count and table is the same either way, cycle for cycle: only the time taken
    /// differs.
    pub fn set_skip(&mut self, on: bool) {
        self.skip = on;
    }

    /// Cycles skips may be used for: on, and the model has what the shim needs.
    pub fn skips(&self) -> bool {
        self.skip && self.m.can_skip()
    }

    /// Of [`BoardSim::cycles`], those run in skips rather than one by one.
    pub fn cycles_skipped(&self) -> u64 {
        self.skipped
    }

    /// Where frames enter this board.
    pub fn entry(&self) -> FrameEntry {
        self.entry
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
        self.m.divisor()
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

    /// Run `cycles` clock cycles; queued frames enter meanwhile, and the serial line keeps
    /// going.
    pub fn run(&mut self, cycles: u64) {
        self.drive(cycles, false);
    }

    /// Run cycles in batches until `budget` cycles have run or, with `until_in`, until every
    /// queued frame has entered the board; the serial line and the PHY advance with the board.
    fn drive(&mut self, budget: u64, until_in: bool) {
        let mut left = budget;
        let mut stalled = 0u64;
        while left > 0 && !(until_in && self.inbound.frames() == 0) {
            let fed = self.feed_fifo();
            if until_in && self.inbound.frames() == 0 {
                // Every frame is in (at the FIFO entry, in the receive FIFO): no batch is due,
                // and none would end soon (nothing else may be about to happen).
                break;
            }
            let mut max = self.line.steady_cycles().map_or(left, |s| s.min(left));
            if !self.inbound.fifo.is_empty() {
                // Look for room in the FIFO again soon.
                max = max.min(WAIT_STEP);
            }
            let inb = &self.inbound;
            let mut b = Batch::new(
                max,
                self.line.level(),
                self.phy.level(),
                &inb.nibbles,
                inb.pos,
                inb.phase,
                &mut self.edges,
            );
            b.skip = u8::from(self.skip);
            self.m.batch(&mut b);
            self.inbound.sent_up_to(b.nibble_pos, b.phase);
            if b.mdc_rose != 0 {
                self.phy.mdc_rise(b.mdio_oe != 0, b.mdio_o != 0);
            }
            self.replay(&b);
            left -= b.cycles;
            if until_in && !fed && !self.inbound.fifo.is_empty() {
                stalled += b.cycles;
                assert!(stalled < STALL_LIMIT, "the board stopped taking frames");
            } else {
                stalled = 0;
            }
        }
    }

    /// Put the queued frames that fit into the receive FIFO (FIFO entry), in order; true when
    /// one went in.
    fn feed_fifo(&mut self) -> bool {
        let mut fed = false;
        while let Some(f) = self.inbound.fifo.front() {
            if self.m.fifo_len() + f.len() > FIFO_DEPTH {
                break;
            }
            assert!(
                self.m.fifo_push(f),
                "this board takes frames at its MII pins"
            );
            self.inbound.fifo.pop_front();
            fed = true;
        }
        fed
    }

    /// The serial line and the counts follow a batch the board has run: cycle by cycle the
    /// transmit pin's level (from its edges) and the divisor (the new one from the last cycle,
    /// where the batch ended because it changed).
    fn replay(&mut self, b: &Batch) {
        let mut level = b.tx_start != 0;
        let mut from = 0u64;
        let edges = &self.edges[..b.tx_edge_count as usize];
        for &e in edges.iter().chain(std::iter::once(&(b.cycles as u32))) {
            let e = u64::from(e);
            if e > from {
                let last = e == b.cycles;
                let span = e - from - u64::from(last);
                self.line.steps(level, self.divisor, span);
                if last {
                    self.line.step(level, b.divisor_end);
                }
            }
            from = e;
            level = !level;
        }
        self.divisor = b.divisor_end;
        self.done += b.frames_done;
        self.cycles += b.cycles;
        self.skipped += b.skipped;
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
        self.m.set_now(ticks);
    }

    /// Frames sent or queued so far (at the MII pins, or at the FIFO).
    pub fn frames_sent(&self) -> u64 {
        self.sent
    }

    /// Frames queued that have not wholly entered the board yet.
    pub fn frames_queued(&self) -> usize {
        self.inbound.frames()
    }

    /// Frames the parser has finished (processed or dropped).
    pub fn frames_done(&self) -> u64 {
        self.done
    }

    /// Run until every frame sent has come out of the parser.
    pub fn drain(&mut self) {
        let mut guard = 0u64;
        while self.done < self.sent {
            self.run(WAIT_STEP);
            guard += WAIT_STEP;
            assert!(guard < STALL_LIMIT, "the board stopped taking frames");
        }
    }

    /// Send one frame as the PHY would: preamble, SFD, `bytes` (which must end with the FCS),
    /// low nibble first, RX_ER raised during byte `rx_er_at`, then the inter-frame gap. At the
    /// FIFO entry: what the MII receiver would write for it (`mac_receive`), once it fits.
    /// Frames queued before go first; returns once this one has entered.
    pub fn send_raw(&mut self, bytes: &[u8], rx_er_at: Option<usize>) {
        self.queue_raw(bytes, rx_er_at);
        self.drive(u64::MAX, true);
    }

    /// Queue one frame as [`send_raw`](Self::send_raw) sends it, without running: it enters
    /// as the board runs.
    pub fn queue_raw(&mut self, bytes: &[u8], rx_er_at: Option<usize>) {
        match self.entry {
            FrameEntry::Mii => self.queue_nibbles(bytes, rx_er_at),
            FrameEntry::Fifo => self.queue_fifo(bytes, rx_er_at.is_some()),
        }
        self.sent += 1;
    }

    fn queue_nibbles(&mut self, bytes: &[u8], rx_er_at: Option<usize>) {
        const DV: u8 = 1 << 4;
        const ER: u8 = 1 << 5;
        let nibbles = &mut self.inbound.nibbles;
        for b in [0x55u8; PREAMBLE].into_iter().chain([SFD]) {
            nibbles.extend([DV | (b & 0xf), DV | (b >> 4)]);
        }
        for (i, b) in bytes.iter().enumerate() {
            let flags = if rx_er_at == Some(i) { DV | ER } else { DV };
            nibbles.extend([flags | (b & 0xf), flags | (b >> 4)]);
        }
        nibbles.extend([0u8; IFG_NIBBLES]);
        self.inbound.ends.push_back(nibbles.len() as u64);
    }

    fn queue_fifo(&mut self, bytes: &[u8], rx_error: bool) {
        let last = 1u16 << 8;
        let entries = match mac_receive(bytes, rx_error) {
            Ok(frame) => frame
                .iter()
                .map(|&b| u16::from(b))
                .chain([last | u16::from(STATUS_OK)])
                .collect(),
            Err(reason) => vec![last | u16::from(status_of(reason))],
        };
        self.inbound.fifo.push_back(entries);
    }

    /// A frame as a capture holds it (no FCS, maybe shorter than the minimum), padded as the
    /// sender's MAC would and its FCS appended; with `bad_fcs`, the FCS's last byte inverted.
    fn on_wire(frame: &[u8], bad_fcs: bool) -> Vec<u8> {
        let mut padded = Vec::new();
        let frame = if frame.len() < MIN_FRAME_LEN {
            pad_to_minimum(frame, &mut padded);
            &padded[..]
        } else {
            frame
        };
        let mut f = with_fcs(frame);
        if bad_fcs {
            let last = f.len() - 1;
            f[last] ^= 0xff;
        }
        f
    }

    /// Queue a frame as a capture holds it (padded, FCS appended) without waiting: it enters
    /// while the board runs, e.g. while a request waits for its answer.
    pub fn queue_captured(&mut self, frame: &[u8]) {
        self.queue_raw(&Self::on_wire(frame, false), None);
    }

    /// Queue a frame whose FCS is wrong (it will be counted as `bad_fcs`).
    pub fn queue_bad_fcs(&mut self, frame: &[u8]) {
        self.queue_raw(&Self::on_wire(frame, true), None);
    }

    /// Send a frame as a capture holds it (no FCS, maybe shorter than the minimum): padded as
    /// the sender's MAC would, and its FCS appended.
    pub fn send_captured(&mut self, frame: &[u8]) {
        self.send_raw(&Self::on_wire(frame, false), None);
    }

    /// Drain, then let the aging sweep visit every bucket: afterwards the table and the gauges
    /// are those of the model after `Tracker::finish`.
    pub fn finish(&mut self) {
        self.drain();
        self.run((BUCKETS + 4 * LATENCY) as u64);
    }

    /// Run `f` with the protocol client over this board's line; it may wait in silence for
    /// the wire time of a request and of an answer frame at the line's current rate, plus
    /// `ANSWER_SLACK_CYCLES`, so it never hangs.
    fn client<R>(&mut self, f: impl FnOnce(&mut Client<&mut BoardSim>) -> R) -> R {
        let session = std::mem::replace(&mut self.session, Session::new(NAME, 0));
        let chars = (2 * MAX_FRAME + 2 + 2 * MAX_FRAME) as u64;
        let budget = chars * u64::from(BITS_PER_CHAR) * u64::from(self.divisor().max(1))
            + ANSWER_SLACK_CYCLES;
        let mut c = Client::from_parts(&mut *self, session);
        c.set_timeout(cycles_time(budget));
        let r = f(&mut c);
        let (_, session) = c.into_parts();
        self.session = session;
        r
    }

    /// Unsolicited frames (`EVENT`) that arrived while requests waited, oldest first.
    pub fn take_events(&mut self) -> Vec<Frame> {
        self.client(|c| c.take_events())
    }

    /// Send a request over the simulated line and collect its answer frames (a dump's up to
    /// the one without `MORE`); events that come meanwhile are kept for [`take_events`].
    ///
    /// [`take_events`]: Self::take_events
    pub fn exchange(&mut self, op: Op, payload: &[u8]) -> Result<Vec<Frame>, Error> {
        self.client(|c| c.request_with(op, payload.to_vec(), |_| {}))
    }

    /// A request's response payload (`op`'s single answer frame).
    pub fn request(&mut self, op: Op, payload: &[u8]) -> Result<Vec<u8>, Error> {
        self.client(|c| c.request(op, payload.to_vec()))
    }

    /// `SET_CONFIG item value` (an empty response).
    pub fn set_config(&mut self, item: ConfigItem, value: &[u8]) -> Result<(), Error> {
        self.client(|c| c.set_config(item, value))
    }

    /// Switch the line to `BAUD_RATES[code]`: `SET_CONFIG baud` answered at the old rate, then
    /// the board changes its divisor once its transmitter is idle, and the line follows it.
    pub fn set_baud(&mut self, code: u8) -> Result<(), Error> {
        self.client(|c| c.set_baud(BAUD_RATES[usize::from(code)]))
    }

    /// What the board's MDIO master last read from the PHY (`READ_PHY`).
    pub fn phy_status(&mut self) -> Result<PhyStatus, Error> {
        self.client(|c| c.phy())
    }

    /// Every `Counter`, in bank order (`READ_COUNTERS`).
    pub fn counters(&mut self) -> Result<Vec<(Counter, u64)>, Error> {
        let snap = self.client(|c| c.counters())?;
        Ok(Counter::ALL.iter().map(|c| (*c, snap.get(*c))).collect())
    }

    /// The live entries of the table (`DUMP_TABLE` from bucket 0; aged to the board's time,
    /// as the model ages on `finish`), in slot order.
    pub fn table(&mut self) -> Result<Vec<SlotEntry>, Error> {
        let (_, slots) = self.client(|c| c.dump_with(|_| {}))?;
        Ok(slots
            .iter()
            .map(|s| {
                let SlotPos { bucket, way } = SLOT_LAYOUT.pos(s.slot);
                SlotEntry {
                    bucket,
                    way,
                    entry: s.entry,
                }
            })
            .collect())
    }
}

/// `cycles` of the board's clock as time.
fn cycles_time(cycles: u64) -> Duration {
    Duration::from_nanos(cycles * (1_000_000_000 / u64::from(CLOCK_HZ)))
}

/// The board's UART pins as the client's transport: bytes go out on the receive pin as the
/// board runs; a read runs about a character's time of cycles (bytes are looked at as they
/// arrive) and takes what the transmit pin sent; the clock is simulated time.
impl Transport for BoardSim {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.uart_write(bytes);
        Ok(())
    }

    fn receive(&mut self, into: &mut Vec<u8>) -> io::Result<()> {
        self.run(u64::from(BITS_PER_CHAR) * u64::from(self.divisor.max(1)));
        into.extend(self.uart_read());
        Ok(())
    }

    fn now(&self) -> Duration {
        cycles_time(self.cycles)
    }

    /// The simulated board always runs synscope at the rate it says: silence is a fault of the
    /// generated hardware, or of this driver.
    fn silence_hint(&self, _baud: u32) -> String {
        "the simulated board's logic answered nothing: a fault in the generated hardware or \
         its driver (`cargo test -p synscope-sim` checks both)"
            .to_string()
    }

    /// The line follows the board's divisor: wait until the board has switched to `baud`
    /// (once its transmitter is idle).
    fn set_baud(&mut self, baud: u32) -> io::Result<()> {
        let code = BAUD_RATES.iter().position(|&b| b == baud).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "not one of the board's rates")
        })?;
        let want = u32::from(DIVISORS_100MHZ[code]);
        let mut waited = 0u64;
        while self.divisor() != want {
            self.run(1);
            waited += 1;
            if waited > ANSWER_SLACK_CYCLES {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the board kept its divisor for {waited} cycles"),
                ));
            }
        }
        Ok(())
    }
}
