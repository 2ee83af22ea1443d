//! `mii_rx`: the MII receiver (IEEE 802.3 clause 22) and the frame FIFO that carries its frames
//! from the PHY's receive clock into the system clock domain.
//!
//! ## PHY side (`rx_clk`: 25 MHz at 100 Mb/s, 2.5 MHz at 10 Mb/s; the same logic)
//! `rx_dv`, `rx_er` and `rxd` are sampled into flops at the pads (clause 22.2.2: the PHY drives
//! them from `rx_clk`). A frame is what follows the SFD while RX_DV stays high: the preamble is any
//! number of `0x5` nibbles, the SFD the nibble `0xD` after at least one of them (clause 22.2.3.2.1:
//! a PHY may swallow preamble nibbles); a carrier that starts otherwise, or ends before an SFD, is
//! ignored until RX_DV falls. Nibble 0 is the low half of a byte (clause 22.2.3.1). The receiver
//! then applies `synscope_model::frame::mac_receive` exactly, in its order:
//! 1. RX_ER while RX_DV is high, preamble included (clause 22.2.2.5) → `RxError`;
//! 2. fewer than 64 bytes with FCS → `Runt`, more than 1526 → `Oversize` (bytes past the limit are
//!    consumed until RX_DV falls, never stored);
//! 3. the CRC-32 register (reflected, nibble at a time) must hold the residue after the last
//!    whole byte → else `BadFcs`. A trailing half byte (dribble) is dropped (§4.2.4.2.1).
//!
//! The four FCS bytes are not passed on: a 4-byte delay line holds the newest bytes, and a byte
//! is written into the FIFO when a fifth arrives.
//!
//! ## FIFO (asynchronous, frame-level)
//! One entry is 9 bits: `last` above 8 bits of data. A frame passed on is its bytes (without
//! FCS), then one `last` entry holding [`STATUS_OK`]; a dropped frame is a single `last` entry
//! holding [`STATUS_DROP`] | its `DropReason` (bytes of a dropped frame never leave the receiver).
//!
//! rust-hdl's `AsynchronousFIFO` cannot take back what it was written, so this one is written
//! here in the usual way (Cummings, "Simulation and Synthesis Techniques for Asynchronous FIFO
//! Design", SNUG 2002) with one addition: the write side keeps a *speculative* pointer for the
//! frame being received and a *committed* one. At the end of a frame the speculative pointer is
//! committed (frame good) or set back (frame dropped), so the read side never sees a part of a
//! frame.
//!
//! ## Clock crossings
//! * **The commit pointer** jumps a whole frame at once, so its Gray code changes in many bits
//!   and a two-flop synchronizer could capture a mix of old and new bits. It is carried as
//!   verilog-ethernet's frame FIFO carries it (`axis_async_fifo`, `FRAME_FIFO`): the write side
//!   holds the value in `cm_gray` and toggles `cm_req`; the read side synchronizes the toggle
//!   (three flops), and on its edge loads the whole, stable `cm_gray` into `wr_seen`; the toggle
//!   returns as the acknowledge (two flops), and only then may `cm_gray` change again (to the
//!   latest commit). So `wr_seen` only ever holds pointer values that were committed.
//! * **The read pointer** moves by one entry at a time: its Gray code (`rd_gray`, registered)
//!   crosses through two flops (`rd_sync1/2`); the write side's full test is conservative.
//! * **Reset**: `reset` (system clock) reaches the PHY side through a reset synchronizer
//!   ([`ResetSync`](crate::parts::reset_sync::ResetSync): asserted at once, released two `rx_clk` edges later, so it is seen even while
//!   the PHY's clock is stopped); it drops the frame being received and the owed statuses and
//!   returns the receiver to idle. The pointers are never reset (they power up equal).
//!
//! ## Block RAM port use
//! The memory is a [`GatedRam`]: its read port reads only when the read side enables it, and the
//! read side enables it only for an address below `wr_seen` (committed, so written). The write side
//! writes only at or above the commit pointer and below the read pointer it has seen plus the
//! depth, and `wr_seen` ≤ commit, the seen read pointer ≤ the read address: so the two ports never
//! address the same entry, whatever the two clocks' phase (no read-during-write collision across
//! clocks; the simulation checks it at every read, `GatedRam`'s collision check).
//!
//! Overflow is per frame: a frame that does not fit is dropped whole as `FifoOverflow`. When even
//! its status entry does not fit (the system side is stalled), the frame is owed: a counter of
//! owed `FifoOverflow` entries is paid off, in order, as soon as there is room, and while any are
//! owed a new frame is not stored (it will itself end as `FifoOverflow`, or its own MAC reason
//! if there is room for it by then), so statuses leave in the order the frames arrived and every
//! frame is accounted once. (The counter has [`PENDING_BITS`]; it saturates after 65535 frames
//! lost in one stall.)
//!
//! Read side (system `clock`): `empty`, and the entry at the head on `data`/`last` (first-word
//! fall-through, from the RAM's read register: `head_valid` says it holds the entry at
//! `rd_ptr`); `read` while not empty takes it.

use crate::parts::konst::konst as k;
use crate::parts::ram::GatedRam;
use crate::parts::reset_sync::ResetSync;
use rust_hdl::prelude::*;
use synscope_model::drop::DropReason;
use synscope_model::frame::{
    CRC32_POLY_REFLECTED, FCS_LEN, FCS_RESIDUE, MAX_FRAME_LEN, MIN_FRAME_LEN,
};

/// Address bits of the FIFO memory: 2048 entries × 9 bits, one RAMB18.
pub const FIFO_ADDR_BITS: usize = 11;
/// Pointer bits (one more than the address: full and empty differ in the top bit).
pub const FIFO_PTR_BITS: usize = FIFO_ADDR_BITS + 1;
/// FIFO entries.
pub const FIFO_DEPTH: usize = 1 << FIFO_ADDR_BITS;
/// Entry width: `last` (bit 8) and a data or status byte.
pub const ENTRY_BITS: usize = 9;
/// Width of the received-byte counter (saturating; > the largest frame with FCS).
pub const COUNT_BITS: usize = 11;
/// Width of the counter of owed `FifoOverflow` statuses.
pub const PENDING_BITS: usize = 16;
/// Status byte of a frame passed on.
pub const STATUS_OK: u8 = 0x00;
/// Set in the status byte of a dropped frame; the low four bits are the `DropReason` encoding.
pub const STATUS_DROP: u8 = 0x10;
/// MII nibbles: preamble and start frame delimiter (the SFD byte 0xD5 is nibbles 5, then D).
pub const NIBBLE_PREAMBLE: u8 = 0x5;
pub const NIBBLE_SFD: u8 = 0xd;

const _: () = assert!(
    MAX_FRAME_LEN < FIFO_DEPTH,
    "a largest frame and its status must fit"
);
const _: () = assert!(MAX_FRAME_LEN + FCS_LEN < (1 << COUNT_BITS) - 1);
const _: () = assert!(DropReason::COUNT <= 16);

/// The status byte of a frame dropped for `r`.
pub const fn status_of(r: DropReason) -> u8 {
    STATUS_DROP | r as u8
}

/// Receiver state codes (PHY clock domain). Plain codes, not a `LogicState` enum: rust-hdl
/// emits an enum's DFF with a 64-bit initial value and unused localparams, which `-Wall` rejects.
pub mod rx_state {
    /// RX_DV low.
    pub const IDLE: u64 = 0;
    /// Preamble nibbles seen, waiting for the SFD.
    pub const PREAMBLE: u64 = 1;
    /// After the SFD: frame bytes.
    pub const DATA: u64 = 2;
    /// Not a frame (no SFD): wait for RX_DV to fall.
    pub const DRAIN: u64 = 3;
}

/// One FIFO entry: a frame byte, or (with `last`) a frame's status byte.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct FifoEntry {
    pub data: Bits<8>,
    pub last: Bit,
}

/// A byte as the MII delivers it: low nibble first.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct NibblePair {
    pub lo: Bits<4>,
    pub hi: Bits<4>,
}

#[derive(LogicBlock)]
pub struct MiiRx {
    // ---- MII, PHY receive clock domain
    pub rx_clk: Signal<In, Clock>,
    pub rx_dv: Signal<In, Bit>,
    pub rx_er: Signal<In, Bit>,
    pub rxd: Signal<In, Bits<4>>,
    // ---- FIFO read side, system clock domain
    pub clock: Signal<In, Clock>,
    /// System-clock reset (from a register): the PHY side, through [`ResetSync`](crate::parts::reset_sync::ResetSync).
    pub reset: Signal<In, Bit>,
    /// Take the head entry (ignored while `empty`).
    pub read: Signal<In, Bit>,
    pub empty: Signal<Out, Bit>,
    /// Head entry: a frame byte, or the status byte when `last`.
    pub data: Signal<Out, Bits<8>>,
    pub last: Signal<Out, Bit>,

    // ---- PHY domain registers
    dv_q: DFF<Bit>,
    er_q: DFF<Bit>,
    rxd_q: DFF<Bits<4>>,
    state: DFF<Bits<2>>,
    /// The next nibble is a byte's high half.
    phase: DFF<Bit>,
    lo_nib: DFF<Bits<4>>,
    crc: DFF<Bits<32>>,
    /// The CRC register held the residue after the last whole byte.
    crc_ok: DFF<Bit>,
    /// Bytes received after the SFD, FCS included (saturating).
    count: DFF<Bits<COUNT_BITS>>,
    /// RX_ER seen in this carrier event.
    err: DFF<Bit>,
    /// The newest four bytes (`hold0` newest): the FCS once RX_DV falls.
    hold0: DFF<Bits<8>>,
    hold1: DFF<Bits<8>>,
    hold2: DFF<Bits<8>>,
    hold3: DFF<Bits<8>>,
    held: DFF<Bits<3>>,
    /// This frame did not fit.
    overflow: DFF<Bit>,
    /// This frame is not stored (statuses were owed at its SFD).
    skip: DFF<Bit>,
    pending: DFF<Bits<PENDING_BITS>>,
    wr_ptr: DFF<Bits<FIFO_PTR_BITS>>,
    wr_commit: DFF<Bits<FIFO_PTR_BITS>>,
    /// Gray code of a committed pointer, held while the read side takes it (the only
    /// write-side value the read side sees).
    cm_gray: DFF<Bits<FIFO_PTR_BITS>>,
    /// Toggles when `cm_gray` holds a new value.
    cm_req: DFF<Bit>,
    /// The read side's acknowledge (its copy of `cm_req`), through two flops.
    ack_sync1: DFF<Bit>,
    ack_sync2: DFF<Bit>,
    rd_sync1: DFF<Bits<FIFO_PTR_BITS>>,
    rd_sync2: DFF<Bits<FIFO_PTR_BITS>>,
    phy_rst: ResetSync,
    // ---- system domain registers
    rd_ptr: DFF<Bits<FIFO_PTR_BITS>>,
    /// Gray code of `rd_ptr`, the only read-side value the write side sees.
    rd_gray: DFF<Bits<FIFO_PTR_BITS>>,
    req_sync1: DFF<Bit>,
    req_sync2: DFF<Bit>,
    req_sync3: DFF<Bit>,
    /// The committed pointer (Gray) as the read side knows it.
    wr_seen: DFF<Bits<FIFO_PTR_BITS>>,
    /// The RAM's read register holds the entry at `rd_ptr`.
    head_valid: DFF<Bit>,
    ram: GatedRam<FifoEntry, FIFO_ADDR_BITS>,

    // ---- constants
    poly: Constant<Bits<32>>,
    residue: Constant<Bits<32>>,
    crc_init: Constant<Bits<32>>,
    nib_pre: Constant<Bits<4>>,
    nib_sfd: Constant<Bits<4>>,
    min_len: Constant<Bits<COUNT_BITS>>,
    max_len: Constant<Bits<COUNT_BITS>>,
    count_max: Constant<Bits<COUNT_BITS>>,
    one_c: Constant<Bits<COUNT_BITS>>,
    zero_c: Constant<Bits<COUNT_BITS>>,
    held_full: Constant<Bits<3>>,
    one_h: Constant<Bits<3>>,
    zero_h: Constant<Bits<3>>,
    one_p: Constant<Bits<FIFO_PTR_BITS>>,
    /// The two top bits of a Gray pointer: a full FIFO's write pointer is the read pointer with
    /// both inverted.
    full_mask: Constant<Bits<FIFO_PTR_BITS>>,
    one_q: Constant<Bits<PENDING_BITS>>,
    zero_q: Constant<Bits<PENDING_BITS>>,
    pending_max: Constant<Bits<PENDING_BITS>>,
    s_idle: Constant<Bits<2>>,
    s_pre: Constant<Bits<2>>,
    s_data: Constant<Bits<2>>,
    s_drain: Constant<Bits<2>>,
    st_ok: Constant<Bits<8>>,
    st_rx_error: Constant<Bits<8>>,
    st_runt: Constant<Bits<8>>,
    st_oversize: Constant<Bits<8>>,
    st_bad_fcs: Constant<Bits<8>>,
    st_overflow: Constant<Bits<8>>,

    // ---- combinational temporaries
    c1: Signal<Local, Bits<32>>,
    c2: Signal<Local, Bits<32>>,
    c3: Signal<Local, Bits<32>>,
    c4: Signal<Local, Bits<32>>,
    nibbles: Signal<Local, NibblePair>,
    rx_byte: Signal<Local, Bits<8>>,
    spec_gray: Signal<Local, Bits<FIFO_PTR_BITS>>,
    commit_gray: Signal<Local, Bits<FIFO_PTR_BITS>>,
    rd_full_gray: Signal<Local, Bits<FIFO_PTR_BITS>>,
    full_spec: Signal<Local, Bit>,
    full_commit: Signal<Local, Bit>,
    we: Signal<Local, Bit>,
    waddr: Signal<Local, Bits<FIFO_ADDR_BITS>>,
    wdata: Signal<Local, FifoEntry>,
    status: Signal<Local, Bits<8>>,
    mac_bad: Signal<Local, Bit>,
    may_flush: Signal<Local, Bit>,
    taking: Signal<Local, Bit>,
    rd_next: Signal<Local, Bits<FIFO_PTR_BITS>>,
    rd_next_gray: Signal<Local, Bits<FIFO_PTR_BITS>>,
    load: Signal<Local, Bit>,
    head: Signal<Local, FifoEntry>,
}

impl Default for MiiRx {
    fn default() -> Self {
        Self {
            rx_clk: Default::default(),
            rx_dv: Default::default(),
            rx_er: Default::default(),
            rxd: Default::default(),
            clock: Default::default(),
            reset: Default::default(),
            read: Default::default(),
            empty: Default::default(),
            data: Default::default(),
            last: Default::default(),
            dv_q: Default::default(),
            er_q: Default::default(),
            rxd_q: Default::default(),
            state: Default::default(),
            phase: Default::default(),
            lo_nib: Default::default(),
            crc: Default::default(),
            crc_ok: Default::default(),
            count: Default::default(),
            err: Default::default(),
            hold0: Default::default(),
            hold1: Default::default(),
            hold2: Default::default(),
            hold3: Default::default(),
            held: Default::default(),
            overflow: Default::default(),
            skip: Default::default(),
            pending: Default::default(),
            wr_ptr: Default::default(),
            wr_commit: Default::default(),
            cm_gray: Default::default(),
            cm_req: Default::default(),
            ack_sync1: Default::default(),
            ack_sync2: Default::default(),
            rd_sync1: Default::default(),
            rd_sync2: Default::default(),
            phy_rst: Default::default(),
            rd_ptr: Default::default(),
            rd_gray: Default::default(),
            req_sync1: Default::default(),
            req_sync2: Default::default(),
            req_sync3: Default::default(),
            wr_seen: Default::default(),
            head_valid: Default::default(),
            ram: Default::default(),
            poly: k(CRC32_POLY_REFLECTED as u64),
            residue: k(FCS_RESIDUE as u64),
            crc_init: k(0xffff_ffff),
            nib_pre: k(NIBBLE_PREAMBLE as u64),
            nib_sfd: k(NIBBLE_SFD as u64),
            min_len: k((MIN_FRAME_LEN + FCS_LEN) as u64),
            max_len: k((MAX_FRAME_LEN + FCS_LEN) as u64),
            count_max: k((1 << COUNT_BITS) - 1),
            one_c: k(1),
            zero_c: k(0),
            held_full: k(FCS_LEN as u64),
            one_h: k(1),
            zero_h: k(0),
            one_p: k(1),
            full_mask: k(3 << (FIFO_PTR_BITS - 2)),
            one_q: k(1),
            zero_q: k(0),
            pending_max: k((1 << PENDING_BITS) - 1),
            s_idle: k(rx_state::IDLE),
            s_pre: k(rx_state::PREAMBLE),
            s_data: k(rx_state::DATA),
            s_drain: k(rx_state::DRAIN),
            st_ok: k(STATUS_OK as u64),
            st_rx_error: k(status_of(DropReason::RxError) as u64),
            st_runt: k(status_of(DropReason::Runt) as u64),
            st_oversize: k(status_of(DropReason::Oversize) as u64),
            st_bad_fcs: k(status_of(DropReason::BadFcs) as u64),
            st_overflow: k(status_of(DropReason::FifoOverflow) as u64),
            c1: Default::default(),
            c2: Default::default(),
            c3: Default::default(),
            c4: Default::default(),
            nibbles: Default::default(),
            rx_byte: Default::default(),
            spec_gray: Default::default(),
            commit_gray: Default::default(),
            rd_full_gray: Default::default(),
            full_spec: Default::default(),
            full_commit: Default::default(),
            we: Default::default(),
            waddr: Default::default(),
            wdata: Default::default(),
            status: Default::default(),
            mac_bad: Default::default(),
            may_flush: Default::default(),
            taking: Default::default(),
            rd_next: Default::default(),
            rd_next_gray: Default::default(),
            load: Default::default(),
            head: Default::default(),
        }
    }
}

impl Logic for MiiRx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, rx_clk, dv_q, er_q, rxd_q, state, phase, lo_nib, crc, crc_ok, count, err, hold0,
            hold1, hold2, hold3, held, overflow, skip, pending, wr_ptr, wr_commit, cm_gray, cm_req,
            ack_sync1, ack_sync2, rd_sync1, rd_sync2
        );
        dff_setup!(
            self, clock, rd_ptr, rd_gray, req_sync1, req_sync2, req_sync3, wr_seen, head_valid
        );
        self.ram.write_clock.next = self.rx_clk.val();
        self.ram.read_clock.next = self.clock.val();
        self.phy_rst.clock.next = self.rx_clk.val();
        self.phy_rst.arst.next = self.reset.val();

        // ---- pads
        self.dv_q.d.next = self.rx_dv.val();
        self.er_q.d.next = self.rx_er.val();
        self.rxd_q.d.next = self.rxd.val();

        // ---- read pointer crossing: registered Gray code through two flops
        self.rd_sync1.d.next = self.rd_gray.q.val();
        self.rd_sync2.d.next = self.rd_sync1.q.val();
        self.rd_gray.d.next = self.rd_ptr.q.val() ^ (self.rd_ptr.q.val() >> 1);
        // ---- commit pointer crossing: a held value and a toggle handshake
        self.ack_sync1.d.next = self.req_sync3.q.val();
        self.ack_sync2.d.next = self.ack_sync1.q.val();
        self.req_sync1.d.next = self.cm_req.q.val();
        self.req_sync2.d.next = self.req_sync1.q.val();
        self.req_sync3.d.next = self.req_sync2.q.val();
        if self.req_sync2.q.val() != self.req_sync3.q.val() {
            self.wr_seen.d.next = self.cm_gray.q.val();
        }

        // ---- write side: full, seen from the speculative and the committed pointer
        self.spec_gray.next = self.wr_ptr.q.val() ^ (self.wr_ptr.q.val() >> 1);
        self.commit_gray.next = self.wr_commit.q.val() ^ (self.wr_commit.q.val() >> 1);
        self.rd_full_gray.next = self.rd_sync2.q.val() ^ self.full_mask.val();
        self.full_spec.next = self.spec_gray.val() == self.rd_full_gray.val();
        self.full_commit.next = self.commit_gray.val() == self.rd_full_gray.val();
        if (self.cm_req.q.val() == self.ack_sync2.q.val())
            && (self.cm_gray.q.val() != self.commit_gray.val())
        {
            self.cm_gray.d.next = self.commit_gray.val();
            self.cm_req.d.next = !self.cm_req.q.val();
        }

        // ---- CRC-32 over this nibble, LSB first (IEEE 802.3 §3.2.9, reflected register)
        self.c1.next = self.crc.q.val() >> 1;
        if self.crc.q.val().get_bit(0) ^ self.rxd_q.q.val().get_bit(0) {
            self.c1.next = (self.crc.q.val() >> 1) ^ self.poly.val();
        }
        self.c2.next = self.c1.val() >> 1;
        if self.c1.val().get_bit(0) ^ self.rxd_q.q.val().get_bit(1) {
            self.c2.next = (self.c1.val() >> 1) ^ self.poly.val();
        }
        self.c3.next = self.c2.val() >> 1;
        if self.c2.val().get_bit(0) ^ self.rxd_q.q.val().get_bit(2) {
            self.c3.next = (self.c2.val() >> 1) ^ self.poly.val();
        }
        self.c4.next = self.c3.val() >> 1;
        if self.c3.val().get_bit(0) ^ self.rxd_q.q.val().get_bit(3) {
            self.c4.next = (self.c3.val() >> 1) ^ self.poly.val();
        }
        // The byte this nibble completes (when `phase`).
        self.nibbles.next.lo = self.lo_nib.q.val();
        self.nibbles.next.hi = self.rxd_q.q.val();
        self.rx_byte.next = self.nibbles.val().into();

        // ---- drop reason, in mac_receive's order
        self.mac_bad.next = self.err.q.val()
            || (self.count.q.val() < self.min_len.val())
            || (self.count.q.val() > self.max_len.val())
            || !self.crc_ok.q.val();
        self.status.next = self.st_overflow.val();
        if self.err.q.val() {
            self.status.next = self.st_rx_error.val();
        } else if self.count.q.val() < self.min_len.val() {
            self.status.next = self.st_runt.val();
        } else if self.count.q.val() > self.max_len.val() {
            self.status.next = self.st_oversize.val();
        } else if !self.crc_ok.q.val() {
            self.status.next = self.st_bad_fcs.val();
        }

        // ---- receiver
        self.we.next = false;
        self.waddr.next = self.wr_ptr.q.val().get_bits::<FIFO_ADDR_BITS>(0);
        self.wdata.next.data = self.hold3.q.val();
        self.wdata.next.last = false;
        self.may_flush.next = true;
        if self.state.q.val() == self.s_idle.val() {
            self.crc.d.next = self.crc_init.val();
            self.crc_ok.d.next = false;
            self.count.d.next = self.zero_c.val();
            self.phase.d.next = false;
            self.held.d.next = self.zero_h.val();
            self.overflow.d.next = false;
            self.skip.d.next = false;
            self.wr_ptr.d.next = self.wr_commit.q.val();
            self.err.d.next = self.dv_q.q.val() && self.er_q.q.val();
            if self.dv_q.q.val() {
                if self.rxd_q.q.val() == self.nib_pre.val() {
                    self.state.d.next = self.s_pre.val();
                } else {
                    self.state.d.next = self.s_drain.val();
                }
            }
        } else if self.state.q.val() == self.s_pre.val() {
            self.err.d.next = self.err.q.val() || self.er_q.q.val();
            if !self.dv_q.q.val() {
                self.state.d.next = self.s_idle.val();
            } else if self.rxd_q.q.val() == self.nib_sfd.val() {
                self.state.d.next = self.s_data.val();
                self.skip.d.next = self.pending.q.val() != self.zero_q.val();
            } else if self.rxd_q.q.val() != self.nib_pre.val() {
                self.state.d.next = self.s_drain.val();
            }
        } else if self.state.q.val() == self.s_data.val() {
            self.may_flush.next = self.skip.q.val();
            if self.dv_q.q.val() {
                self.err.d.next = self.err.q.val() || self.er_q.q.val();
                self.crc.d.next = self.c4.val();
                if !self.phase.q.val() {
                    self.lo_nib.d.next = self.rxd_q.q.val();
                    self.phase.d.next = true;
                } else {
                    self.phase.d.next = false;
                    self.crc_ok.d.next = self.c4.val() == self.residue.val();
                    if self.count.q.val() != self.count_max.val() {
                        self.count.d.next = self.count.q.val() + self.one_c.val();
                    }
                    self.hold0.d.next = self.rx_byte.val();
                    self.hold1.d.next = self.hold0.q.val();
                    self.hold2.d.next = self.hold1.q.val();
                    self.hold3.d.next = self.hold2.q.val();
                    if self.held.q.val() != self.held_full.val() {
                        self.held.d.next = self.held.q.val() + self.one_h.val();
                    } else if !self.skip.q.val()
                        && !self.overflow.q.val()
                        && (self.count.q.val() < self.max_len.val())
                    {
                        // The byte leaving the delay line is a frame byte.
                        if self.full_spec.val() {
                            self.overflow.d.next = true;
                        } else {
                            self.we.next = true;
                            self.wr_ptr.d.next = self.wr_ptr.q.val() + self.one_p.val();
                        }
                    }
                }
            } else {
                // End of frame: commit it, or set it back and write its status alone.
                self.state.d.next = self.s_idle.val();
                self.may_flush.next = false;
                self.wdata.next.data = self.status.val();
                self.wdata.next.last = true;
                if !self.mac_bad.val()
                    && !self.skip.q.val()
                    && !self.overflow.q.val()
                    && !self.full_spec.val()
                {
                    self.we.next = true;
                    self.wdata.next.data = self.st_ok.val();
                    self.wr_ptr.d.next = self.wr_ptr.q.val() + self.one_p.val();
                    self.wr_commit.d.next = self.wr_ptr.q.val() + self.one_p.val();
                } else if (self.pending.q.val() == self.zero_q.val()) && !self.full_commit.val() {
                    self.we.next = true;
                    self.waddr.next = self.wr_commit.q.val().get_bits::<FIFO_ADDR_BITS>(0);
                    self.wr_ptr.d.next = self.wr_commit.q.val() + self.one_p.val();
                    self.wr_commit.d.next = self.wr_commit.q.val() + self.one_p.val();
                } else {
                    self.wr_ptr.d.next = self.wr_commit.q.val();
                    if self.pending.q.val() != self.pending_max.val() {
                        self.pending.d.next = self.pending.q.val() + self.one_q.val();
                    }
                }
            }
        } else if !self.dv_q.q.val() {
            // Drain.
            self.state.d.next = self.s_idle.val();
        }

        // ---- owed FifoOverflow statuses, when nothing else writes
        if self.may_flush.val()
            && (self.pending.q.val() != self.zero_q.val())
            && !self.full_commit.val()
        {
            self.we.next = true;
            self.waddr.next = self.wr_commit.q.val().get_bits::<FIFO_ADDR_BITS>(0);
            self.wdata.next.data = self.st_overflow.val();
            self.wdata.next.last = true;
            self.wr_ptr.d.next = self.wr_commit.q.val() + self.one_p.val();
            self.wr_commit.d.next = self.wr_commit.q.val() + self.one_p.val();
            self.pending.d.next = self.pending.q.val() - self.one_q.val();
        }
        // ---- PHY-side reset: drop the frame being received and the owed statuses
        if self.phy_rst.rst.val() {
            self.we.next = false;
            self.state.d.next = self.s_idle.val();
            self.wr_ptr.d.next = self.wr_commit.q.val();
            self.pending.d.next = self.zero_q.val();
            self.skip.d.next = false;
            self.overflow.d.next = false;
        }
        self.ram.write_enable.next = self.we.val();
        self.ram.write_address.next = self.waddr.val();
        self.ram.write_data.next = self.wdata.val();

        // ---- read side: first-word fall-through from the RAM's read register. The RAM reads
        // the address the pointer will hold after this edge, and only if it is committed
        // (below `wr_seen`): never an address the write side may be writing.
        self.taking.next = self.read.val() && self.head_valid.q.val();
        self.rd_next.next = self.rd_ptr.q.val();
        if self.taking.val() {
            self.rd_next.next = self.rd_ptr.q.val() + self.one_p.val();
        }
        self.rd_next_gray.next = self.rd_next.val() ^ (self.rd_next.val() >> 1);
        self.load.next = (self.rd_next_gray.val() != self.wr_seen.q.val())
            && (self.taking.val() || !self.head_valid.q.val());
        self.head_valid.d.next = self.load.val() || (self.head_valid.q.val() && !self.taking.val());
        self.rd_ptr.d.next = self.rd_next.val();
        self.ram.read_address.next = self.rd_next.val().get_bits::<FIFO_ADDR_BITS>(0);
        self.ram.read_enable.next = self.load.val();
        self.head.next = self.ram.read_data.val();
        self.empty.next = !self.head_valid.q.val();
        self.data.next = self.head.val().data;
        self.last.next = self.head.val().last;
    }
}

/// A connected instance (the generated top).
pub fn connected() -> MiiRx {
    let mut u = MiiRx::default();
    u.rx_clk.connect();
    u.rx_dv.connect();
    u.rx_er.connect();
    u.rxd.connect();
    u.clock.connect();
    u.reset.connect();
    u.read.connect();
    u.connect_all();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mii_rx_is_synthesizable() {
        yosys_validate("synscope_mii_rx", &generate_verilog(&connected())).unwrap();
    }
}
