//! `link_*` tops: the connection core answered over the link, without the UART — request bytes
//! in (`rx_data`/`rx_valid`, at most one a cycle, as the receiver delivers them), response and
//! event bytes out (`tx_data`/`tx_valid`/`tx_ready`, as the transmitter takes them):
//!
//! ```text
//!  rx bytes → hdlc_deframer → command_engine → hdlc_framer → tx bytes
//!                                  ↕ host ports
//!  descriptors ─────────────→ conn_core
//! ```
//!
//! The byte streams skip the bit timing, so a simulation runs at the core's speed; the board top
//! puts `uart_rx`/`uart_tx` on them and feeds the engine's `divisor` to both.

use crate::command_engine::CommandEngine;
use crate::conn_core::ConnCore;
use crate::hdlc::{HdlcDeframer, HdlcFramer};
use crate::uart::DIVISOR_BITS;
use rust_hdl::prelude::*;

/// Core (`2^B` buckets, event FIFO of `2^E` records), engine, deframer and framer.
#[derive(LogicBlock)]
pub struct LinkTop<const B: usize, const E: usize, const EP1: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: every block.
    pub reset: Signal<In, Bit>,
    pub rx_data: Signal<In, Bits<8>>,
    pub rx_valid: Signal<In, Bit>,
    pub tx_data: Signal<Out, Bits<8>>,
    pub tx_valid: Signal<Out, Bit>,
    pub tx_ready: Signal<In, Bit>,
    /// The UART's cycles per bit (`SET_CONFIG baud`).
    pub divisor: Signal<Out, Bits<DIVISOR_BITS>>,
    // ---- descriptors (the core's ports, `set_descriptor!`)
    pub in_valid: Signal<In, Bit>,
    pub src_ip: Signal<In, Bits<32>>,
    pub dst_ip: Signal<In, Bits<32>>,
    pub src_port: Signal<In, Bits<16>>,
    pub dst_port: Signal<In, Bits<16>>,
    pub seq: Signal<In, Bits<32>>,
    pub ack: Signal<In, Bits<32>>,
    pub flags: Signal<In, Bits<9>>,
    pub window: Signal<In, Bits<16>>,
    pub wscale: Signal<In, Bits<4>>,
    pub payload_len: Signal<In, Bits<16>>,
    pub seg_time: Signal<In, Bits<32>>,
    core: ConnCore<B, E, EP1>,
    deframer: HdlcDeframer,
    engine: CommandEngine<B>,
    framer: HdlcFramer,
}

impl<const B: usize, const E: usize, const EP1: usize> LinkTop<B, E, EP1> {
    pub fn new(board: u8, clock_mhz: u8) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            rx_data: Default::default(),
            rx_valid: Default::default(),
            tx_data: Default::default(),
            tx_valid: Default::default(),
            tx_ready: Default::default(),
            divisor: Default::default(),
            in_valid: Default::default(),
            src_ip: Default::default(),
            dst_ip: Default::default(),
            src_port: Default::default(),
            dst_port: Default::default(),
            seq: Default::default(),
            ack: Default::default(),
            flags: Default::default(),
            window: Default::default(),
            wscale: Default::default(),
            payload_len: Default::default(),
            seg_time: Default::default(),
            core: Default::default(),
            deframer: Default::default(),
            engine: CommandEngine::new(board, clock_mhz),
            framer: Default::default(),
        }
    }
}

impl<const B: usize, const E: usize, const EP1: usize> Logic for LinkTop<B, E, EP1> {
    #[hdl_gen]
    fn update(&mut self) {
        self.core.clock.next = self.clock.val();
        self.deframer.clock.next = self.clock.val();
        self.engine.clock.next = self.clock.val();
        self.framer.clock.next = self.clock.val();
        self.core.reset.next = self.reset.val();
        self.deframer.reset.next = self.reset.val();
        self.engine.reset.next = self.reset.val();
        self.framer.reset.next = self.reset.val();
        // Line → deframer → engine.
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
        // Engine → framer → line.
        self.framer.s_data.next = self.engine.m_data.val();
        self.framer.s_last.next = self.engine.m_last.val();
        self.framer.s_valid.next = self.engine.m_valid.val();
        self.engine.m_ready.next = self.framer.s_ready.val();
        self.tx_data.next = self.framer.m_data.val();
        self.tx_valid.next = self.framer.m_valid.val();
        self.framer.m_ready.next = self.tx_ready.val();
        // Without a transmitter, the line is idle when the framer has nothing left.
        self.engine.tx_idle.next = !self.framer.m_valid.val();
        self.divisor.next = self.engine.divisor.val();
        // Descriptors.
        self.core.in_valid.next = self.in_valid.val();
        self.core.src_ip.next = self.src_ip.val();
        self.core.dst_ip.next = self.dst_ip.val();
        self.core.src_port.next = self.src_port.val();
        self.core.dst_port.next = self.dst_port.val();
        self.core.seq.next = self.seq.val();
        self.core.ack.next = self.ack.val();
        self.core.flags.next = self.flags.val();
        self.core.window.next = self.window.val();
        self.core.wscale.next = self.wscale.val();
        self.core.payload_len.next = self.payload_len.val();
        self.core.seg_time.next = self.seg_time.val();
        // Engine ↔ core host ports.
        self.core.hash_key.next = self.engine.core_hash_key.val();
        self.core.key_load.next = self.engine.core_key_load.val();
        self.core.time_wait.next = self.engine.core_time_wait.val();
        self.core.embryonic.next = self.engine.core_embryonic.val();
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
        self.engine.core_ev_lo_ip.next = self.core.ev_lo_ip.val();
        self.engine.core_ev_lo_port.next = self.core.ev_lo_port.val();
        self.engine.core_ev_hi_ip.next = self.core.ev_hi_ip.val();
        self.engine.core_ev_hi_port.next = self.core.ev_hi_port.val();
        self.engine.core_ev_time.next = self.core.ev_time.val();
    }
}

/// The simulation top: `ConnCoreSmall`'s shape (64 buckets × 4 ways, 16 event records), a
/// simulated board at 100 MHz.
pub type LinkSmall = LinkTop<
    { crate::conn_core::BUCKET_BITS_SMALL },
    { crate::conn_core::EVENT_FIFO_BITS_SMALL },
    { crate::conn_core::EVENT_FIFO_BITS_SMALL + 1 },
>;

/// A connected instance (every input driven from outside).
pub fn connected<const B: usize, const E: usize, const EP1: usize>(
    board: u8,
    clock_mhz: u8,
) -> LinkTop<B, E, EP1> {
    let mut u = LinkTop::<B, E, EP1>::new(board, clock_mhz);
    u.clock.connect();
    u.reset.connect();
    u.rx_data.connect();
    u.rx_valid.connect();
    u.tx_ready.connect();
    u.in_valid.connect();
    u.src_ip.connect();
    u.dst_ip.connect();
    u.src_port.connect();
    u.dst_port.connect();
    u.seq.connect();
    u.ack.connect();
    u.flags.connect();
    u.window.connect();
    u.wscale.connect();
    u.payload_len.connect();
    u.seg_time.connect();
    u
}
