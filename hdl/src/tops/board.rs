//! The board's data path and link, shared by the Arty top and the simulated board (both through
//! [`crate::tops::station::Station`], which adds the UART): MII pins → [`MiiRx`] (PHY clock domain, frame FIFO) →
//! [`FrameParser`] → [`ConnCore`], the front-end counters (`frames`, `processed`, one per drop
//! reason: design.md `rx = processed + Σ drops`), and the link — [`HdlcDeframer`] →
//! [`CommandEngine`] → [`HdlcFramer`] — whose engine drives every host port of the core
//! (counters, table read, configuration, events) and reads the front-end counters at indices
//! `0..=17`.
//!
//! Time is an input (`now`, ticks of 1/16 s: `synscope_model::time`): the Arty top counts it
//! from its 100 MHz clock, the simulated board takes it from the capture, so capture time is
//! honoured without simulating idle seconds.

use crate::conn::conn_core::ConnCore;
use crate::front::frame_parser::{FrameParser, NOW_BITS};
use crate::front::front_counters::FrontCounters;
use crate::front::mdio::MdioMaster;
use crate::front::mii_rx::MiiRx;
use crate::link::command_engine::CommandEngine;
use crate::link::hdlc::{HdlcDeframer, HdlcFramer};
use crate::link::uart::DIVISOR_BITS;
use crate::parts::slice::ByteSlice;
use crate::ports::byte_stream::{ByteFlowIn, ByteOut, FrameBytesOut, PacketOut};
use crate::ports::core_host::CoreClient;
use crate::ports::segment_desc::SegmentDescOut;
use rust_hdl::prelude::*;

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
/// The engine↔core connections exist here once: the board top ([`crate::tops::station::Station`])
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
    /// Bytes from the UART receiver.
    pub rx: ByteFlowIn,
    /// Bytes to the UART transmitter.
    pub tx: ByteOut,
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
    /// `now` a cycle ago: the MDIO master polls the PHY once a tick of time.
    now_seen: DFF<Bits<NOW_BITS>>,
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
            rx: Default::default(),
            tx: Default::default(),
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
            now_seen: Default::default(),
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
        self.front.reset.next = self.reset.val() || self.engine.core.clear_counters.val();
        self.front.done.next = self.parser.out_valid.val();
        self.front.dropped.next = self.parser.out_drop.val();
        self.front.reason.next = self.parser.out_reason.val();
        self.front.index.next = self.engine.core_counter_index.val();
        self.front.snap.next = self.engine.core_counter_snap.val();
        self.front.frozen.next = self.engine.core_counter_frozen.val();
        // Core: descriptors from the parser.
        self.core.clock.next = self.clock.val();
        self.core.reset.next = self.reset.val();
        SegmentDescOut::join(&mut self.parser.desc, &mut self.core.desc);
        // The link: bytes → deframer → engine → framer → bytes.
        self.deframer.clock.next = self.clock.val();
        self.engine.clock.next = self.clock.val();
        self.framer.clock.next = self.clock.val();
        self.deframer.reset.next = self.reset.val();
        self.engine.reset.next = self.reset.val();
        self.framer.reset.next = self.reset.val();
        // The link, each stream joined: line bytes → deframer → engine → slice → framer → line.
        ByteFlowIn::link(&mut self.rx, &mut self.deframer.s);
        FrameBytesOut::join(&mut self.deframer.m, &mut self.engine.s);
        PacketOut::join(&mut self.engine.m, &mut self.tx_slice.s);
        PacketOut::join(&mut self.tx_slice.m, &mut self.framer.s);
        ByteOut::link(&mut self.tx, &mut self.framer.m);
        self.engine.frames_ok.next = self.deframer.frames_ok.val();
        self.engine.bad_fcs.next = self.deframer.bad_fcs.val();
        self.engine.too_long.next = self.deframer.too_long.val();
        self.engine.too_short.next = self.deframer.too_short.val();
        self.engine.garbage.next = self.deframer.garbage.val();
        self.engine.aborted.next = self.deframer.aborted.val();
        self.tx_slice.clock.next = self.clock.val();
        self.tx_slice.reset.next = self.reset.val();
        // The line is idle when the framer has nothing left and the transmitter is done.
        self.engine.tx_idle.next =
            self.tx_idle.val() && !self.tx.valid.val() && !self.tx_slice.m.valid.val();
        self.divisor.next = self.engine.divisor.val();
        // Engine ↔ core host ports (counter indices 0..=17 answered by the front end).
        CoreClient::<B>::join(&mut self.engine.core, &mut self.core.host);
        self.core.counter_index.next = self.engine.core_counter_index.val();
        self.core.counter_snap.next = self.engine.core_counter_snap.val();
        self.core.counter_frozen.next = self.engine.core_counter_frozen.val();
        self.engine.core_counter_value.next = self.core.counter_value.val();
        if self.front.selected.val() {
            self.engine.core_counter_value.next = self.front.value.val();
        }
        // PHY management: the MDIO master starts once the PHY is out of reset; the engine
        // answers `READ_PHY` from what it read.
        self.mdio.clock.next = self.clock.val();
        self.mdio.reset.next = self.reset.val() || !self.phy_ready.val();
        self.mdio.mdio_i.next = self.mdio_i.val();
        self.now_seen.clock.next = self.clock.val();
        self.now_seen.d.next = self.now.val();
        self.mdio.poll.next = self.now.val() != self.now_seen.q.val();
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
        self.state_changed.next = self.core.out.valid.val()
            && (self.core.out.lo_changed.val() || self.core.out.hi_changed.val());
        self.table_pressure.next = self.core.out.valid.val()
            && (self.core.out.evicted.val() || self.core.out.refused.val());
    }
}
