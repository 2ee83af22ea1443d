//! The board's data path and link, shared by the Arty top and the simulated board (both through
//! [`Station`], which adds the UART): MII pins → [`MiiRx`] (PHY clock domain, frame FIFO) →
//! [`FrameParser`] → [`ConnCore`], the front-end counters (`frames`, `processed`, one per drop
//! reason: design.md `rx = processed + Σ drops`), and the link — [`HdlcDeframer`] →
//! [`CommandEngine`] → [`HdlcFramer`] — whose engine drives every host port of the core
//! (counters, table read, configuration, events) and reads the front-end counters at indices
//! `0..=17`.
//!
//! Time is an input (`now`, ticks of 1/16 s: `synscope_model::time`): the Arty top counts it
//! from its 100 MHz clock, the simulated board takes it from the capture, so capture time is
//! honoured without simulating idle seconds.

use crate::command_engine::CommandEngine;
use crate::conn_core::{ConnCore, COUNTER_BITS, COUNTER_INDEX_BITS};
use crate::frame_parser::{FrameParser, NOW_BITS};
use crate::hdlc::{HdlcDeframer, HdlcFramer};
use crate::mdio::MdioMaster;
use crate::mii_rx::MiiRx;
use crate::slice::ByteSlice;
use crate::station::Station;
use crate::uart::DIVISOR_BITS;
use rust_hdl::prelude::*;
use synscope_model::time::TICKS_PER_SECOND;
use synscope_model::{Counter, DropReason};

/// The front-end counters as one word: the snapshot `READ_COUNTERS` reads (`Counter` order).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct FrontBank {
    pub frames: Bits<COUNTER_BITS>,
    pub processed: Bits<COUNTER_BITS>,
    pub drop_bad_fcs: Bits<COUNTER_BITS>,
    pub drop_rx_error: Bits<COUNTER_BITS>,
    pub drop_runt: Bits<COUNTER_BITS>,
    pub drop_oversize: Bits<COUNTER_BITS>,
    pub drop_not_ip: Bits<COUNTER_BITS>,
    pub drop_unsupported: Bits<COUNTER_BITS>,
    pub drop_bad_ip_header: Bits<COUNTER_BITS>,
    pub drop_bad_ip_checksum: Bits<COUNTER_BITS>,
    pub drop_ip_fragment: Bits<COUNTER_BITS>,
    pub drop_not_tcp: Bits<COUNTER_BITS>,
    pub drop_bad_tcp_header: Bits<COUNTER_BITS>,
    pub drop_fifo_overflow: Bits<COUNTER_BITS>,
}

/// The model's front-end counters, `Counter::Frames ..= Counter::DropFifoOverflow`, counted per
/// frame the parser finishes; read like the core's (`index` → `value` one edge later, from a
/// snapshot that follows the counters one edge behind while not `frozen`). `snap` copies all
/// of them at one clock edge — the same edge the core's bank is copied at — and `frozen` holds
/// the copy: `frames = processed + Σ drops` holds in every
/// `READ_COUNTERS` answer, whatever the traffic (issue 14; docs/protocol.md).
#[derive(LogicBlock)]
pub struct FrontCounters {
    pub clock: Signal<In, Clock>,
    /// Synchronous: clears the counters (with the core's, by `CLEAR_COUNTERS`).
    pub reset: Signal<In, Bit>,
    /// A frame was finished: processed, or dropped for `reason`.
    pub done: Signal<In, Bit>,
    pub dropped: Signal<In, Bit>,
    pub reason: Signal<In, Bits<{ DropReason::BITS }>>,
    pub index: Signal<In, Bits<COUNTER_INDEX_BITS>>,
    /// Copy every counter into the snapshot at this edge.
    pub snap: Signal<In, Bit>,
    /// Hold the snapshot (else it follows the live counters one edge behind).
    pub frozen: Signal<In, Bit>,
    pub value: Signal<Out, Bits<COUNTER_BITS>>,
    /// `index` names one of these counters (registered with `value`).
    pub selected: Signal<Out, Bit>,
    live: Signal<Local, FrontBank>,
    view: Signal<Local, FrontBank>,
    snapshot: DFF<FrontBank>,
    frames: DFF<Bits<COUNTER_BITS>>,
    processed: DFF<Bits<COUNTER_BITS>>,
    drop_bad_fcs: DFF<Bits<COUNTER_BITS>>,
    drop_rx_error: DFF<Bits<COUNTER_BITS>>,
    drop_runt: DFF<Bits<COUNTER_BITS>>,
    drop_oversize: DFF<Bits<COUNTER_BITS>>,
    drop_not_ip: DFF<Bits<COUNTER_BITS>>,
    drop_unsupported: DFF<Bits<COUNTER_BITS>>,
    drop_bad_ip_header: DFF<Bits<COUNTER_BITS>>,
    drop_bad_ip_checksum: DFF<Bits<COUNTER_BITS>>,
    drop_ip_fragment: DFF<Bits<COUNTER_BITS>>,
    drop_not_tcp: DFF<Bits<COUNTER_BITS>>,
    drop_bad_tcp_header: DFF<Bits<COUNTER_BITS>>,
    drop_fifo_overflow: DFF<Bits<COUNTER_BITS>>,
    drop_ipsec: DFF<Bits<COUNTER_BITS>>,
    drop_no_next_header: DFF<Bits<COUNTER_BITS>>,
    drop_ext_header_limit: DFF<Bits<COUNTER_BITS>>,
    value_q: DFF<Bits<COUNTER_BITS>>,
    selected_q: DFF<Bit>,
    one: Constant<Bits<COUNTER_BITS>>,
    zero: Constant<Bits<COUNTER_BITS>>,
    front_last: Constant<Bits<COUNTER_INDEX_BITS>>,
    r0: Constant<Bits<4>>,
    r1: Constant<Bits<4>>,
    r2: Constant<Bits<4>>,
    r3: Constant<Bits<4>>,
    r4: Constant<Bits<4>>,
    r5: Constant<Bits<4>>,
    r6: Constant<Bits<4>>,
    r7: Constant<Bits<4>>,
    r8: Constant<Bits<4>>,
    r9: Constant<Bits<4>>,
    r10: Constant<Bits<4>>,
    r11: Constant<Bits<4>>,
    r12: Constant<Bits<4>>,
    r13: Constant<Bits<4>>,
    r14: Constant<Bits<4>>,
    i0: Constant<Bits<COUNTER_INDEX_BITS>>,
    i1: Constant<Bits<COUNTER_INDEX_BITS>>,
    i2: Constant<Bits<COUNTER_INDEX_BITS>>,
    i3: Constant<Bits<COUNTER_INDEX_BITS>>,
    i4: Constant<Bits<COUNTER_INDEX_BITS>>,
    i5: Constant<Bits<COUNTER_INDEX_BITS>>,
    i6: Constant<Bits<COUNTER_INDEX_BITS>>,
    i7: Constant<Bits<COUNTER_INDEX_BITS>>,
    i8: Constant<Bits<COUNTER_INDEX_BITS>>,
    i9: Constant<Bits<COUNTER_INDEX_BITS>>,
    i10: Constant<Bits<COUNTER_INDEX_BITS>>,
    i11: Constant<Bits<COUNTER_INDEX_BITS>>,
    i12: Constant<Bits<COUNTER_INDEX_BITS>>,
    i13: Constant<Bits<COUNTER_INDEX_BITS>>,
    i14: Constant<Bits<COUNTER_INDEX_BITS>>,
    i15: Constant<Bits<COUNTER_INDEX_BITS>>,
    i16: Constant<Bits<COUNTER_INDEX_BITS>>,
}

// The front end's counters are the first ones, the drops in `DropReason` order; the last,
// `drop_snap_truncated`, is for capture files only (a receiver has the whole frame): it reads 0.
const _: () = assert!(Counter::DropFifoOverflow as usize == 13 && Counter::Frames as usize == 0);
const _: () = assert!(Counter::DropExtHeaderLimit as usize == 16);
const _: () = assert!(Counter::DropSnapTruncated as usize == 17);

impl Default for FrontCounters {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            done: Default::default(),
            dropped: Default::default(),
            reason: Default::default(),
            index: Default::default(),
            snap: Default::default(),
            frozen: Default::default(),
            value: Default::default(),
            selected: Default::default(),
            live: Default::default(),
            view: Default::default(),
            snapshot: Default::default(),
            frames: Default::default(),
            processed: Default::default(),
            drop_bad_fcs: Default::default(),
            drop_rx_error: Default::default(),
            drop_runt: Default::default(),
            drop_oversize: Default::default(),
            drop_not_ip: Default::default(),
            drop_unsupported: Default::default(),
            drop_bad_ip_header: Default::default(),
            drop_bad_ip_checksum: Default::default(),
            drop_ip_fragment: Default::default(),
            drop_not_tcp: Default::default(),
            drop_bad_tcp_header: Default::default(),
            drop_fifo_overflow: Default::default(),
            drop_ipsec: Default::default(),
            drop_no_next_header: Default::default(),
            drop_ext_header_limit: Default::default(),
            value_q: Default::default(),
            selected_q: Default::default(),
            one: Constant::new(Bits::from(1u64)),
            zero: Constant::new(Bits::from(0u64)),
            front_last: Constant::new(Bits::from(Counter::DropSnapTruncated as u64)),
            r0: Constant::new(Bits::from(DropReason::ALL[0] as u64)),
            r1: Constant::new(Bits::from(DropReason::ALL[1] as u64)),
            r2: Constant::new(Bits::from(DropReason::ALL[2] as u64)),
            r3: Constant::new(Bits::from(DropReason::ALL[3] as u64)),
            r4: Constant::new(Bits::from(DropReason::ALL[4] as u64)),
            r5: Constant::new(Bits::from(DropReason::ALL[5] as u64)),
            r6: Constant::new(Bits::from(DropReason::ALL[6] as u64)),
            r7: Constant::new(Bits::from(DropReason::ALL[7] as u64)),
            r8: Constant::new(Bits::from(DropReason::ALL[8] as u64)),
            r9: Constant::new(Bits::from(DropReason::ALL[9] as u64)),
            r10: Constant::new(Bits::from(DropReason::ALL[10] as u64)),
            r11: Constant::new(Bits::from(DropReason::ALL[11] as u64)),
            r12: Constant::new(Bits::from(DropReason::ALL[12] as u64)),
            r13: Constant::new(Bits::from(DropReason::ALL[13] as u64)),
            r14: Constant::new(Bits::from(DropReason::ALL[14] as u64)),
            i0: Constant::new(Bits::from(Counter::Frames as u64)),
            i1: Constant::new(Bits::from(Counter::Processed as u64)),
            i2: Constant::new(Bits::from(Counter::DropBadFcs as u64)),
            i3: Constant::new(Bits::from(Counter::DropRxError as u64)),
            i4: Constant::new(Bits::from(Counter::DropRunt as u64)),
            i5: Constant::new(Bits::from(Counter::DropOversize as u64)),
            i6: Constant::new(Bits::from(Counter::DropNotIp as u64)),
            i7: Constant::new(Bits::from(Counter::DropUnsupported as u64)),
            i8: Constant::new(Bits::from(Counter::DropBadIpHeader as u64)),
            i9: Constant::new(Bits::from(Counter::DropBadIpChecksum as u64)),
            i10: Constant::new(Bits::from(Counter::DropIpFragment as u64)),
            i11: Constant::new(Bits::from(Counter::DropNotTcp as u64)),
            i12: Constant::new(Bits::from(Counter::DropBadTcpHeader as u64)),
            i13: Constant::new(Bits::from(Counter::DropFifoOverflow as u64)),
            i14: Constant::new(Bits::from(Counter::DropIpsec as u64)),
            i15: Constant::new(Bits::from(Counter::DropNoNextHeader as u64)),
            i16: Constant::new(Bits::from(Counter::DropExtHeaderLimit as u64)),
        }
    }
}

impl Logic for FrontCounters {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            frames,
            processed,
            drop_bad_fcs,
            drop_rx_error,
            drop_runt,
            drop_oversize,
            drop_not_ip,
            drop_unsupported,
            drop_bad_ip_header,
            drop_bad_ip_checksum,
            drop_ip_fragment,
            drop_not_tcp,
            drop_bad_tcp_header,
            drop_fifo_overflow,
            drop_ipsec,
            drop_no_next_header,
            drop_ext_header_limit,
            value_q,
            selected_q,
            snapshot
        );
        if self.done.val() {
            self.frames.d.next = self.frames.q.val() + self.one.val();
            if !self.dropped.val() {
                self.processed.d.next = self.processed.q.val() + self.one.val();
            }
        }
        if self.done.val() && self.dropped.val() {
            if self.reason.val() == self.r0.val() {
                self.drop_bad_fcs.d.next = self.drop_bad_fcs.q.val() + self.one.val();
            }
            if self.reason.val() == self.r1.val() {
                self.drop_rx_error.d.next = self.drop_rx_error.q.val() + self.one.val();
            }
            if self.reason.val() == self.r2.val() {
                self.drop_runt.d.next = self.drop_runt.q.val() + self.one.val();
            }
            if self.reason.val() == self.r3.val() {
                self.drop_oversize.d.next = self.drop_oversize.q.val() + self.one.val();
            }
            if self.reason.val() == self.r4.val() {
                self.drop_not_ip.d.next = self.drop_not_ip.q.val() + self.one.val();
            }
            if self.reason.val() == self.r5.val() {
                self.drop_unsupported.d.next = self.drop_unsupported.q.val() + self.one.val();
            }
            if self.reason.val() == self.r6.val() {
                self.drop_bad_ip_header.d.next = self.drop_bad_ip_header.q.val() + self.one.val();
            }
            if self.reason.val() == self.r7.val() {
                self.drop_bad_ip_checksum.d.next =
                    self.drop_bad_ip_checksum.q.val() + self.one.val();
            }
            if self.reason.val() == self.r8.val() {
                self.drop_ip_fragment.d.next = self.drop_ip_fragment.q.val() + self.one.val();
            }
            if self.reason.val() == self.r9.val() {
                self.drop_not_tcp.d.next = self.drop_not_tcp.q.val() + self.one.val();
            }
            if self.reason.val() == self.r10.val() {
                self.drop_bad_tcp_header.d.next = self.drop_bad_tcp_header.q.val() + self.one.val();
            }
            if self.reason.val() == self.r11.val() {
                self.drop_fifo_overflow.d.next = self.drop_fifo_overflow.q.val() + self.one.val();
            }
            if self.reason.val() == self.r12.val() {
                self.drop_ipsec.d.next = self.drop_ipsec.q.val() + self.one.val();
            }
            if self.reason.val() == self.r13.val() {
                self.drop_no_next_header.d.next = self.drop_no_next_header.q.val() + self.one.val();
            }
            if self.reason.val() == self.r14.val() {
                self.drop_ext_header_limit.d.next =
                    self.drop_ext_header_limit.q.val() + self.one.val();
            }
        }
        if self.reset.val() {
            self.frames.d.next = self.zero.val();
            self.processed.d.next = self.zero.val();
            self.drop_bad_fcs.d.next = self.zero.val();
            self.drop_rx_error.d.next = self.zero.val();
            self.drop_runt.d.next = self.zero.val();
            self.drop_oversize.d.next = self.zero.val();
            self.drop_not_ip.d.next = self.zero.val();
            self.drop_unsupported.d.next = self.zero.val();
            self.drop_bad_ip_header.d.next = self.zero.val();
            self.drop_bad_ip_checksum.d.next = self.zero.val();
            self.drop_ip_fragment.d.next = self.zero.val();
            self.drop_not_tcp.d.next = self.zero.val();
            self.drop_bad_tcp_header.d.next = self.zero.val();
            self.drop_fifo_overflow.d.next = self.zero.val();
            self.drop_ipsec.d.next = self.zero.val();
            self.drop_no_next_header.d.next = self.zero.val();
            self.drop_ext_header_limit.d.next = self.zero.val();
        }
        // The live counters as one word; the snapshot copies it at `snap`.
        self.live.next.frames = self.frames.q.val();
        self.live.next.processed = self.processed.q.val();
        self.live.next.drop_bad_fcs = self.drop_bad_fcs.q.val();
        self.live.next.drop_rx_error = self.drop_rx_error.q.val();
        self.live.next.drop_runt = self.drop_runt.q.val();
        self.live.next.drop_oversize = self.drop_oversize.q.val();
        self.live.next.drop_not_ip = self.drop_not_ip.q.val();
        self.live.next.drop_unsupported = self.drop_unsupported.q.val();
        self.live.next.drop_bad_ip_header = self.drop_bad_ip_header.q.val();
        self.live.next.drop_bad_ip_checksum = self.drop_bad_ip_checksum.q.val();
        self.live.next.drop_ip_fragment = self.drop_ip_fragment.q.val();
        self.live.next.drop_not_tcp = self.drop_not_tcp.q.val();
        self.live.next.drop_bad_tcp_header = self.drop_bad_tcp_header.q.val();
        self.live.next.drop_fifo_overflow = self.drop_fifo_overflow.q.val();
        // The read port reads the snapshot alone: it follows the live counters one edge behind
        // while not frozen, and holds from the `snap` edge while frozen (one read source per
        // counter, as the core's bank: about 800 LUTs less than a live/snapshot mux).
        if self.snap.val() || !self.frozen.val() {
            self.snapshot.d.next = self.live.val();
        }
        self.view.next = self.snapshot.q.val();
        self.value_q.d.next = self.zero.val();
        if self.index.val() == self.i0.val() {
            self.value_q.d.next = self.view.val().frames;
        }
        if self.index.val() == self.i1.val() {
            self.value_q.d.next = self.view.val().processed;
        }
        if self.index.val() == self.i2.val() {
            self.value_q.d.next = self.view.val().drop_bad_fcs;
        }
        if self.index.val() == self.i3.val() {
            self.value_q.d.next = self.view.val().drop_rx_error;
        }
        if self.index.val() == self.i4.val() {
            self.value_q.d.next = self.view.val().drop_runt;
        }
        if self.index.val() == self.i5.val() {
            self.value_q.d.next = self.view.val().drop_oversize;
        }
        if self.index.val() == self.i6.val() {
            self.value_q.d.next = self.view.val().drop_not_ip;
        }
        if self.index.val() == self.i7.val() {
            self.value_q.d.next = self.view.val().drop_unsupported;
        }
        if self.index.val() == self.i8.val() {
            self.value_q.d.next = self.view.val().drop_bad_ip_header;
        }
        if self.index.val() == self.i9.val() {
            self.value_q.d.next = self.view.val().drop_bad_ip_checksum;
        }
        if self.index.val() == self.i10.val() {
            self.value_q.d.next = self.view.val().drop_ip_fragment;
        }
        if self.index.val() == self.i11.val() {
            self.value_q.d.next = self.view.val().drop_not_tcp;
        }
        if self.index.val() == self.i12.val() {
            self.value_q.d.next = self.view.val().drop_bad_tcp_header;
        }
        if self.index.val() == self.i13.val() {
            self.value_q.d.next = self.view.val().drop_fifo_overflow;
        }
        if self.index.val() == self.i14.val() {
            self.value_q.d.next = self.drop_ipsec.q.val();
        }
        if self.index.val() == self.i15.val() {
            self.value_q.d.next = self.drop_no_next_header.q.val();
        }
        if self.index.val() == self.i16.val() {
            self.value_q.d.next = self.drop_ext_header_limit.q.val();
        }
        self.selected_q.d.next = self.index.val() <= self.front_last.val();
        self.value.next = self.value_q.q.val();
        self.selected.next = self.selected_q.q.val();
    }
}

/// The data path and the link: MII in, request/answer bytes in and out. `2^B` buckets × 4
/// ways, `2^E` event records.
///
/// ```text
///  MII → mii_rx → frame_parser → conn_core ← host ports → command_engine
///                      ↓                                   ↑        ↓
///                 FrontCounters ─── counter index 0..=17 ──┘   hdlc_framer → tx bytes
///  rx bytes → hdlc_deframer ────────────────────────────────→ command_engine
/// ```
///
/// The engine↔core connections exist here once: the board top ([`crate::station::Station`])
/// only adds the UART's bit timing around the byte streams.
#[derive(LogicBlock)]
pub struct Board<const B: usize, const E: usize, const EP1: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: the parser, the core's pipeline, the link and every counter (not the
    /// table, not the hash key).
    pub reset: Signal<In, Bit>,
    /// Seconds since start (the time base of timeouts).
    pub now: Signal<In, Bits<NOW_BITS>>,
    // ---- MII receive (PHY clock domain)
    pub rx_clk: Signal<In, Clock>,
    pub rx_dv: Signal<In, Bit>,
    pub rx_er: Signal<In, Bit>,
    pub rxd: Signal<In, Bits<4>>,
    // ---- the link: request bytes in (at most one a cycle, as the receiver delivers them),
    // answer and event bytes out (as the transmitter takes them)
    pub rx_data: Signal<In, Bits<8>>,
    pub rx_valid: Signal<In, Bit>,
    pub tx_data: Signal<Out, Bits<8>>,
    pub tx_valid: Signal<Out, Bit>,
    pub tx_ready: Signal<In, Bit>,
    /// The transmitter has sent its last byte (a new baud rate may take effect).
    pub tx_idle: Signal<In, Bit>,
    /// The UART's cycles per bit (`SET_CONFIG baud`).
    pub divisor: Signal<Out, Bits<DIVISOR_BITS>>,
    // ---- activity (one-cycle pulses, for LEDs)
    /// A frame was finished (processed or dropped).
    pub frame_done: Signal<Out, Bit>,
    /// A segment changed an endpoint's state.
    pub state_changed: Signal<Out, Bit>,
    /// A new connection evicted another or was refused (the table is under pressure).
    pub table_pressure: Signal<Out, Bit>,
    // ---- PHY management (MDIO, clause 22): the top joins `mdio_*` in a tristate buffer
    /// The PHY is out of reset (its MDIO may be used): the MDIO master waits for it.
    pub phy_ready: Signal<In, Bit>,
    pub mdc: Signal<Out, Bit>,
    pub mdio_o: Signal<Out, Bit>,
    pub mdio_oe: Signal<Out, Bit>,
    pub mdio_i: Signal<In, Bit>,
    mii: MiiRx,
    mdio: MdioMaster,
    parser: FrameParser,
    front: FrontCounters,
    core: ConnCore<B, E, EP1>,
    deframer: HdlcDeframer,
    engine: CommandEngine<B>,
    /// Between the engine and the framer: cuts the ready chain UART → framer → engine.
    tx_slice: ByteSlice,
    framer: HdlcFramer,
}

impl<const B: usize, const E: usize, const EP1: usize> Board<B, E, EP1> {
    /// `board`: the `IDENTIFY` board code (`command_engine::BOARD_*`); `clock_mhz`: the system
    /// clock (the UART divisors are computed from it).
    pub fn new(board: u8, clock_mhz: u8) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            now: Default::default(),
            rx_clk: Default::default(),
            rx_dv: Default::default(),
            rx_er: Default::default(),
            rxd: Default::default(),
            rx_data: Default::default(),
            rx_valid: Default::default(),
            tx_data: Default::default(),
            tx_valid: Default::default(),
            tx_ready: Default::default(),
            tx_idle: Default::default(),
            divisor: Default::default(),
            frame_done: Default::default(),
            state_changed: Default::default(),
            table_pressure: Default::default(),
            phy_ready: Default::default(),
            mdc: Default::default(),
            mdio_o: Default::default(),
            mdio_oe: Default::default(),
            mdio_i: Default::default(),
            mii: Default::default(),
            mdio: Default::default(),
            parser: Default::default(),
            front: Default::default(),
            core: Default::default(),
            deframer: Default::default(),
            engine: CommandEngine::new(board, clock_mhz),
            tx_slice: Default::default(),
            framer: Default::default(),
        }
    }
}

impl<const B: usize, const E: usize, const EP1: usize> Logic for Board<B, E, EP1> {
    #[hdl_gen]
    fn update(&mut self) {
        // MII receiver: pins in the PHY domain, FIFO read side in ours.
        self.mii.rx_clk.next = self.rx_clk.val();
        self.mii.reset.next = self.reset.val();
        self.mii.rx_dv.next = self.rx_dv.val();
        self.mii.rx_er.next = self.rx_er.val();
        self.mii.rxd.next = self.rxd.val();
        self.mii.clock.next = self.clock.val();
        self.mii.read.next = self.parser.in_read.val();
        // Parser: one result at a time; the core takes one every clock, so it is always ready.
        self.parser.clock.next = self.clock.val();
        self.parser.reset.next = self.reset.val();
        self.parser.now.next = self.now.val();
        self.parser.in_empty.next = self.mii.empty.val();
        self.parser.in_data.next = self.mii.data.val();
        self.parser.in_last.next = self.mii.last.val();
        self.parser.out_ready.next = true;
        // Front-end counters: cleared with the core's by `CLEAR_COUNTERS`.
        self.front.clock.next = self.clock.val();
        self.front.reset.next = self.reset.val() || self.engine.core_clear_counters.val();
        self.front.done.next = self.parser.out_valid.val();
        self.front.dropped.next = self.parser.out_drop.val();
        self.front.reason.next = self.parser.out_reason.val();
        self.front.index.next = self.engine.core_counter_index.val();
        self.front.snap.next = self.engine.core_counter_snap.val();
        self.front.frozen.next = self.engine.core_counter_frozen.val();
        // Core: descriptors from the parser.
        self.core.clock.next = self.clock.val();
        self.core.reset.next = self.reset.val();
        self.core.in_valid.next = self.parser.out_valid.val() && !self.parser.out_drop.val();
        self.core.v6.next = self.parser.v6.val();
        self.core.src_ip.next = self.parser.src_ip.val();
        self.core.dst_ip.next = self.parser.dst_ip.val();
        self.core.src_port.next = self.parser.src_port.val();
        self.core.dst_port.next = self.parser.dst_port.val();
        self.core.seq.next = self.parser.seq.val();
        self.core.ack.next = self.parser.ack.val();
        self.core.flags.next = self.parser.flags.val();
        self.core.window.next = self.parser.window.val();
        self.core.wscale.next = self.parser.wscale.val();
        self.core.payload_len.next = self.parser.payload_len.val();
        self.core.tsval.next = self.parser.tsval.val();
        self.core.ts_ok.next = self.parser.ts_ok.val();
        self.core.seg_time.next = self.parser.seg_time.val();
        // The link: bytes → deframer → engine → framer → bytes.
        self.deframer.clock.next = self.clock.val();
        self.engine.clock.next = self.clock.val();
        self.framer.clock.next = self.clock.val();
        self.deframer.reset.next = self.reset.val();
        self.engine.reset.next = self.reset.val();
        self.framer.reset.next = self.reset.val();
        self.deframer.s_data.next = self.rx_data.val();
        self.deframer.s_valid.next = self.rx_valid.val();
        self.engine.s_data.next = self.deframer.m_data.val();
        self.engine.s_valid.next = self.deframer.m_valid.val();
        self.engine.s_first.next = self.deframer.m_first.val();
        self.engine.s_end.next = self.deframer.m_end.val();
        self.engine.s_status.next = self.deframer.m_status.val();
        self.engine.frames_ok.next = self.deframer.frames_ok.val();
        self.engine.bad_fcs.next = self.deframer.bad_fcs.val();
        self.engine.too_long.next = self.deframer.too_long.val();
        self.engine.too_short.next = self.deframer.too_short.val();
        self.engine.garbage.next = self.deframer.garbage.val();
        self.engine.aborted.next = self.deframer.aborted.val();
        self.tx_slice.clock.next = self.clock.val();
        self.tx_slice.reset.next = self.reset.val();
        self.tx_slice.s_data.next = self.engine.m_data.val();
        self.tx_slice.s_last.next = self.engine.m_last.val();
        self.tx_slice.s_valid.next = self.engine.m_valid.val();
        self.engine.m_ready.next = self.tx_slice.s_ready.val();
        self.framer.s_data.next = self.tx_slice.m_data.val();
        self.framer.s_last.next = self.tx_slice.m_last.val();
        self.framer.s_valid.next = self.tx_slice.m_valid.val();
        self.tx_slice.m_ready.next = self.framer.s_ready.val();
        self.tx_data.next = self.framer.m_data.val();
        self.tx_valid.next = self.framer.m_valid.val();
        self.framer.m_ready.next = self.tx_ready.val();
        // The line is idle when the framer has nothing left and the transmitter is done.
        self.engine.tx_idle.next =
            self.tx_idle.val() && !self.framer.m_valid.val() && !self.tx_slice.m_valid.val();
        self.divisor.next = self.engine.divisor.val();
        // Engine ↔ core host ports (counter indices 0..=17 answered by the front end).
        self.core.hash_key.next = self.engine.core_hash_key.val();
        self.core.key_load.next = self.engine.core_key_load.val();
        self.core.time_wait.next = self.engine.core_time_wait.val();
        self.core.handshake.next = self.engine.core_handshake.val();
        self.core.fin_wait_2.next = self.engine.core_fin_wait_2.val();
        self.core.idle.next = self.engine.core_idle.val();
        self.core.linger.next = self.engine.core_linger.val();
        self.core.timeouts_load.next = self.engine.core_timeouts_load.val();
        self.core.clear_counters.next = self.engine.core_clear_counters.val();
        self.core.rd_req.next = self.engine.core_rd_req.val();
        self.core.rd_bucket.next = self.engine.core_rd_bucket.val();
        self.core.rd_way.next = self.engine.core_rd_way.val();
        self.engine.core_rd_valid.next = self.core.rd_valid.val();
        self.engine.core_rd_entry.next = self.core.rd_entry.val();
        self.engine.core_rd_alive.next = self.core.rd_alive.val();
        self.core.counter_index.next = self.engine.core_counter_index.val();
        self.core.counter_snap.next = self.engine.core_counter_snap.val();
        self.core.counter_frozen.next = self.engine.core_counter_frozen.val();
        self.engine.core_counter_value.next = self.core.counter_value.val();
        if self.front.selected.val() {
            self.engine.core_counter_value.next = self.front.value.val();
        }
        self.engine.core_now.next = self.core.now.val();
        self.core.ev_pop.next = self.engine.core_ev_pop.val();
        self.engine.core_ev_valid.next = self.core.ev_valid.val();
        self.engine.core_ev_created.next = self.core.ev_created.val();
        self.engine.core_ev_refused.next = self.core.ev_refused.val();
        self.engine.core_ev_evicted.next = self.core.ev_evicted.val();
        self.engine.core_ev_reincarnated.next = self.core.ev_reincarnated.val();
        self.engine.core_ev_lo_changed.next = self.core.ev_lo_changed.val();
        self.engine.core_ev_hi_changed.next = self.core.ev_hi_changed.val();
        self.engine.core_ev_bucket.next = self.core.ev_bucket.val();
        self.engine.core_ev_way.next = self.core.ev_way.val();
        self.engine.core_ev_lo_before.next = self.core.ev_lo_before.val();
        self.engine.core_ev_hi_before.next = self.core.ev_hi_before.val();
        self.engine.core_ev_lo_after.next = self.core.ev_lo_after.val();
        self.engine.core_ev_hi_after.next = self.core.ev_hi_after.val();
        self.engine.core_ev_v6.next = self.core.ev_v6.val();
        self.engine.core_ev_lo_ip.next = self.core.ev_lo_ip.val();
        self.engine.core_ev_lo_port.next = self.core.ev_lo_port.val();
        self.engine.core_ev_hi_ip.next = self.core.ev_hi_ip.val();
        self.engine.core_ev_hi_port.next = self.core.ev_hi_port.val();
        self.engine.core_ev_time.next = self.core.ev_time.val();
        self.engine.core_ev_client_is_lo.next = self.core.ev_client_is_lo.val();
        // PHY management: the MDIO master starts once the PHY is out of reset; the engine
        // answers `READ_PHY` from what it read.
        self.mdio.clock.next = self.clock.val();
        self.mdio.reset.next = self.reset.val() || !self.phy_ready.val();
        self.mdio.mdio_i.next = self.mdio_i.val();
        self.mdc.next = self.mdio.mdc.val();
        self.mdio_o.next = self.mdio.mdio_o.val();
        self.mdio_oe.next = self.mdio.mdio_oe.val();
        self.engine.phy_found.next = self.mdio.found.val();
        self.engine.phy_addr.next = self.mdio.addr.val();
        self.engine.phy_id1.next = self.mdio.id1.val();
        self.engine.phy_id2.next = self.mdio.id2.val();
        self.engine.phy_bmsr.next = self.mdio.bmsr.val();
        self.engine.phy_physts.next = self.mdio.physts.val();
        self.engine.phy_polls.next = self.mdio.polls.val();
        // Activity.
        self.frame_done.next = self.parser.out_valid.val();
        self.state_changed.next = self.core.out_valid.val()
            && (self.core.out_lo_changed.val() || self.core.out_hi_changed.val());
        self.table_pressure.next = self.core.out_valid.val()
            && (self.core.out_evicted.val() || self.core.out_refused.val());
    }
}

/// System clock of the Arty (pin E3).
pub const CLOCK_HZ: u64 = 100_000_000;
/// Cycles the PHY is held in reset after configuration or the reset button: 2^24 - 1 at
/// 100 MHz, 168 ms (DP83848J: ≥ 1 µs with the reference clock running, 167 ms after power-up).
pub const PHY_RESET_BITS: usize = 24;
/// LED pulse stretch: 2^23 cycles, 84 ms, long enough to see one frame.
pub const LED_STRETCH_BITS: usize = 23;

/// The four LEDs, `led[0]` first (a LogicStruct packs LSB first).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Leds {
    pub heartbeat: Bit,
    pub frame: Bit,
    pub state: Bit,
    pub full: Bit,
}

/// The Arty A7 top: pins as `pins::PINS` names them. The 25 MHz PHY reference clock is the
/// 100 MHz clock divided by 4 in fabric (board.md: the open flow's PLLs are not trusted); the
/// PHY is held in reset for 168 ms after the reset button (`eth_rstn` from a register); the
/// Ethernet transmit pins are held idle (a passive monitor never transmits); MDC/MDIO are the
/// station's MDIO master (MDIO through a tristate buffer); COL, CRS and TX_CLK are inputs and
/// nothing else: COL (D17) is a PHYAD strap and CRS (G14) a strap too, and a pin the design
/// does not declare gets Vivado's default pull-down, which could strap the PHY to another
/// address or mode when `eth_rstn` releases it (the reference Arty designs declare them
/// likewise); the USB-UART pins are the [`Station`]'s line (`uart_txd_in` is the FTDI's
/// transmit, our receive). LEDs: 0 heartbeat (1 Hz), 1 a frame arrived, 2 a
/// connection changed state, 3 the table is full (an insert evicted or was refused).
#[derive(LogicBlock)]
pub struct ArtyTop<const B: usize, const E: usize, const EP1: usize> {
    pub clk100mhz: Signal<In, Clock>,
    /// Reset button, active low.
    pub ck_rst: Signal<In, Bit>,
    pub uart_rxd_out: Signal<Out, Bit>,
    pub uart_txd_in: Signal<In, Bit>,
    pub eth_ref_clk: Signal<Out, Bit>,
    pub eth_rstn: Signal<Out, Bit>,
    pub eth_rx_clk: Signal<In, Clock>,
    pub eth_rx_dv: Signal<In, Bit>,
    pub eth_rxerr: Signal<In, Bit>,
    pub eth_rxd: Signal<In, Bits<4>>,
    pub eth_tx_en: Signal<Out, Bit>,
    pub eth_txd: Signal<Out, Bits<4>>,
    /// Strap pins and the PHY's transmit clock: declared, not used (see above).
    pub eth_col: Signal<In, Bit>,
    pub eth_crs: Signal<In, Bit>,
    pub eth_tx_clk: Signal<In, Clock>,
    pub eth_mdc: Signal<Out, Bit>,
    pub eth_mdio: Signal<InOut, Bit>,
    pub led: Signal<Out, Bits<4>>,
    mdio_buf: TristateBuffer<Bit>,
    /// `eth_rstn`, registered.
    phy_rstn: DFF<Bit>,
    rst_meta: DFF<Bit>,
    rst_sync: DFF<Bit>,
    ref_div: DFF<Bits<2>>,
    phy_hold: DFF<Bits<PHY_RESET_BITS>>,
    prescale: DFF<Bits<27>>,
    /// The time base: ticks of 1/16 s (`synscope_model::time`).
    ticks: DFF<Bits<NOW_BITS>>,
    led_frame: DFF<Bits<LED_STRETCH_BITS>>,
    led_state: DFF<Bits<LED_STRETCH_BITS>>,
    led_full: DFF<Bits<LED_STRETCH_BITS>>,
    leds: Signal<Local, Leds>,
    one2: Constant<Bits<2>>,
    zero4: Constant<Bits<4>>,
    one23: Constant<Bits<LED_STRETCH_BITS>>,
    zero23: Constant<Bits<LED_STRETCH_BITS>>,
    one24: Constant<Bits<PHY_RESET_BITS>>,
    zero24: Constant<Bits<PHY_RESET_BITS>>,
    one27: Constant<Bits<27>>,
    zero27: Constant<Bits<27>>,
    one32: Constant<Bits<NOW_BITS>>,
    phy_release: Constant<Bits<PHY_RESET_BITS>>,
    last_tick: Constant<Bits<27>>,
    stretch: Constant<Bits<LED_STRETCH_BITS>>,
    station: Station<B, E, EP1>,
}

impl<const B: usize, const E: usize, const EP1: usize> ArtyTop<B, E, EP1> {
    /// `board`: the `IDENTIFY` board code (`command_engine::BOARD_35T` / `BOARD_100T`).
    pub fn new(board: u8) -> Self {
        Self {
            clk100mhz: Default::default(),
            ck_rst: Default::default(),
            uart_rxd_out: Default::default(),
            uart_txd_in: Default::default(),
            eth_ref_clk: Default::default(),
            eth_rstn: Default::default(),
            eth_rx_clk: Default::default(),
            eth_rx_dv: Default::default(),
            eth_rxerr: Default::default(),
            eth_rxd: Default::default(),
            eth_tx_en: Default::default(),
            eth_txd: Default::default(),
            eth_col: Default::default(),
            eth_crs: Default::default(),
            eth_tx_clk: Default::default(),
            eth_mdc: Default::default(),
            eth_mdio: Default::default(),
            led: Default::default(),
            mdio_buf: Default::default(),
            phy_rstn: Default::default(),
            rst_meta: Default::default(),
            rst_sync: Default::default(),
            ref_div: Default::default(),
            phy_hold: Default::default(),
            prescale: Default::default(),
            ticks: Default::default(),
            led_frame: Default::default(),
            led_state: Default::default(),
            led_full: Default::default(),
            leds: Default::default(),
            one2: Constant::new(Bits::from(1u64)),
            zero4: Constant::new(Bits::from(0u64)),
            one23: Constant::new(Bits::from(1u64)),
            zero23: Constant::new(Bits::from(0u64)),
            one24: Constant::new(Bits::from(1u64)),
            zero24: Constant::new(Bits::from(0u64)),
            one27: Constant::new(Bits::from(1u64)),
            zero27: Constant::new(Bits::from(0u64)),
            one32: Constant::new(Bits::from(1u64)),
            phy_release: Constant::new(Bits::from((1u64 << PHY_RESET_BITS) - 1)),
            last_tick: Constant::new(Bits::from(CLOCK_HZ / TICKS_PER_SECOND as u64 - 1)),
            stretch: Constant::new(Bits::from((1u64 << LED_STRETCH_BITS) - 1)),
            station: Station::new(board, (CLOCK_HZ / 1_000_000) as u8),
        }
    }
}

impl<const B: usize, const E: usize, const EP1: usize> Logic for ArtyTop<B, E, EP1> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk100mhz, phy_rstn, rst_meta, rst_sync, ref_div, phy_hold, prescale, ticks,
            led_frame, led_state, led_full
        );
        // Reset button (active low) through two flops.
        self.rst_meta.d.next = !self.ck_rst.val();
        self.rst_sync.d.next = self.rst_meta.q.val();
        // 25 MHz PHY reference clock.
        self.ref_div.d.next = self.ref_div.q.val() + self.one2.val();
        self.eth_ref_clk.next = self.ref_div.q.val().get_bit(1);
        // PHY reset: held low until the counter reaches `phy_release`.
        if self.phy_hold.q.val() != self.phy_release.val() {
            self.phy_hold.d.next = self.phy_hold.q.val() + self.one24.val();
        }
        if self.rst_sync.q.val() {
            self.phy_hold.d.next = self.zero24.val();
        }
        self.phy_rstn.d.next = self.phy_hold.q.val() == self.phy_release.val();
        self.eth_rstn.next = self.phy_rstn.q.val();
        // MDIO: the station's master on the pin through a tristate buffer; it starts once
        // the PHY is out of reset.
        Signal::<InOut, Bit>::link(&mut self.eth_mdio, &mut self.mdio_buf.bus);
        self.mdio_buf.write_enable.next = self.station.mdio_oe.val();
        self.mdio_buf.write_data.next = self.station.mdio_o.val();
        self.station.mdio_i.next = self.mdio_buf.read_data.val();
        self.station.phy_ready.next = self.phy_rstn.q.val();
        self.eth_mdc.next = self.station.mdc.val();
        // Ticks of 1/16 s.
        self.prescale.d.next = self.prescale.q.val() + self.one27.val();
        if self.prescale.q.val() == self.last_tick.val() {
            self.prescale.d.next = self.zero27.val();
            self.ticks.d.next = self.ticks.q.val() + self.one32.val();
        }
        // Ethernet transmit side idle.
        self.eth_tx_en.next = false;
        self.eth_txd.next = self.zero4.val();
        // The station: MII, UART, time.
        self.station.clock.next = self.clk100mhz.val();
        self.station.reset.next = self.rst_sync.q.val();
        self.station.now.next = self.ticks.q.val();
        self.station.rx_clk.next = self.eth_rx_clk.val();
        self.station.rx_dv.next = self.eth_rx_dv.val();
        self.station.rx_er.next = self.eth_rxerr.val();
        self.station.rxd.next = self.eth_rxd.val();
        self.station.uart_rx.next = self.uart_txd_in.val();
        self.uart_rxd_out.next = self.station.uart_tx.val();
        // LEDs: stretched pulses.
        if self.led_frame.q.val() != self.zero23.val() {
            self.led_frame.d.next = self.led_frame.q.val() - self.one23.val();
        }
        if self.led_state.q.val() != self.zero23.val() {
            self.led_state.d.next = self.led_state.q.val() - self.one23.val();
        }
        if self.led_full.q.val() != self.zero23.val() {
            self.led_full.d.next = self.led_full.q.val() - self.one23.val();
        }
        if self.station.frame_done.val() {
            self.led_frame.d.next = self.stretch.val();
        }
        if self.station.state_changed.val() {
            self.led_state.d.next = self.stretch.val();
        }
        if self.station.table_pressure.val() {
            self.led_full.d.next = self.stretch.val();
        }
        // Bit 4 of the ticks: one toggle a second.
        self.leds.next.heartbeat = self.ticks.q.val().get_bit(4);
        self.leds.next.frame = self.led_frame.q.val() != self.zero23.val();
        self.leds.next.state = self.led_state.q.val() != self.zero23.val();
        self.leds.next.full = self.led_full.q.val() != self.zero23.val();
        self.led.next = self.leds.val().into();
    }
}
