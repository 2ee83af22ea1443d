//! `Station`: everything between the board's pins — the [`Board`] (MII → parser → core, the
//! command engine and the HDLC framing) with the UART's bit timing on its byte streams:
//!
//! ```text
//!  rx_clk/rx_dv/rx_er/rxd ──→ Board ──→ frame_done, state_changed, table_pressure
//!  uart_rx → UartRx → bytes ──→   ↓   ──→ bytes → UartTx → uart_tx
//!                 ↑ divisor ──────┴────────────────↑
//! ```
//!
//! The engine's `divisor` (`SET_CONFIG baud`) times both UARTs; it takes effect only when the
//! transmitter is idle (`tx_idle`), so an answer leaves at the rate it was asked at. The Arty top
//! puts this on the pins; the simulated board (`board_sim`) is this block itself, so the
//! simulator drives the same UART and MII pins a board has.

use crate::front::frame_parser::NOW_BITS;
use crate::link::uart::DIVISOR_BITS;
use crate::link::uart_rx::UartRx;
use crate::link::uart_tx::UartTx;
use crate::ports::byte_stream::{ByteFlowOut, ByteOut};
use crate::tops::board::Board;
use rust_hdl::prelude::*;

/// The board's logic: `2^B` buckets × 4 ways, `2^E` event records.
#[derive(LogicBlock)]
pub struct Station<const B: usize, const E: usize, const EP1: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: every block (the table's contents and the hash key stay).
    pub reset: Signal<In, Bit>,
    /// Seconds since start (the time base of timeouts).
    pub now: Signal<In, Bits<NOW_BITS>>,
    // ---- MII receive (PHY clock domain)
    pub rx_clk: Signal<In, Clock>,
    pub rx_dv: Signal<In, Bit>,
    pub rx_er: Signal<In, Bit>,
    pub rxd: Signal<In, Bits<4>>,
    // ---- the serial line (8N1; idles high)
    /// Line in (host → board); synchronized inside the receiver.
    pub uart_rx: Signal<In, Bit>,
    /// Line out (board → host).
    pub uart_tx: Signal<Out, Bit>,
    /// Clock cycles per bit the line runs at now (the simulator's line model follows it).
    pub divisor: Signal<Out, Bits<DIVISOR_BITS>>,
    // ---- activity (one-cycle pulses)
    pub frame_done: Signal<Out, Bit>,
    pub state_changed: Signal<Out, Bit>,
    pub table_pressure: Signal<Out, Bit>,
    // ---- PHY management (the Arty top joins `mdio_*` in a tristate buffer on the pin)
    /// The PHY is out of reset.
    pub phy_ready: Signal<In, Bit>,
    pub mdc: Signal<Out, Bit>,
    pub mdio_o: Signal<Out, Bit>,
    pub mdio_oe: Signal<Out, Bit>,
    pub mdio_i: Signal<In, Bit>,
    // ---- for the simulator (the Arty top ties `tx_fast_forward` to 0 and leaves the others)
    /// The transmitter's bit timer advances `1 + tx_fast_forward` this cycle ([`UartTx`]).
    pub tx_fast_forward: Signal<In, Bits<DIVISOR_BITS>>,
    /// While `tx_sending`: cycles before the transmitter's bit timer acts.
    pub tx_timer: Signal<Out, Bits<DIVISOR_BITS>>,
    pub tx_sending: Signal<Out, Bit>,
    board: Board<B, E, EP1>,
    urx: UartRx,
    utx: UartTx,
}

impl<const B: usize, const E: usize, const EP1: usize> Station<B, E, EP1> {
    /// `board`: the `IDENTIFY` board code (`command_engine::BOARD_*`); `clock_mhz`: the system
    /// clock.
    pub fn new(board: u8, clock_mhz: u8) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            now: Default::default(),
            rx_clk: Default::default(),
            rx_dv: Default::default(),
            rx_er: Default::default(),
            rxd: Default::default(),
            uart_rx: Default::default(),
            uart_tx: Default::default(),
            divisor: Default::default(),
            frame_done: Default::default(),
            state_changed: Default::default(),
            table_pressure: Default::default(),
            phy_ready: Default::default(),
            mdc: Default::default(),
            mdio_o: Default::default(),
            mdio_oe: Default::default(),
            mdio_i: Default::default(),
            tx_fast_forward: Default::default(),
            tx_timer: Default::default(),
            tx_sending: Default::default(),
            board: Board::new(board, clock_mhz),
            urx: Default::default(),
            utx: Default::default(),
        }
    }
}

impl<const B: usize, const E: usize, const EP1: usize> Logic for Station<B, E, EP1> {
    #[hdl_gen]
    fn update(&mut self) {
        self.board.clock.next = self.clock.val();
        self.urx.clock.next = self.clock.val();
        self.utx.clock.next = self.clock.val();
        self.board.reset.next = self.reset.val();
        self.urx.reset.next = self.reset.val();
        self.utx.reset.next = self.reset.val();
        self.board.now.next = self.now.val();
        self.board.rx_clk.next = self.rx_clk.val();
        self.board.rx_dv.next = self.rx_dv.val();
        self.board.rx_er.next = self.rx_er.val();
        self.board.rxd.next = self.rxd.val();
        // Line in → bytes → the board.
        self.urx.divisor.next = self.board.divisor.val();
        self.urx.rxd.next = self.uart_rx.val();
        ByteFlowOut::join(&mut self.urx.m, &mut self.board.rx);
        // The board's bytes → line out.
        self.utx.divisor.next = self.board.divisor.val();
        ByteOut::join(&mut self.board.tx, &mut self.utx.s);
        self.board.tx_idle.next = self.utx.s.ready.val();
        self.uart_tx.next = self.utx.txd.val();
        self.utx.fast_forward.next = self.tx_fast_forward.val();
        self.tx_timer.next = self.utx.timer.val();
        self.tx_sending.next = self.utx.sending.val();
        self.divisor.next = self.board.divisor.val();
        self.frame_done.next = self.board.frame_done.val();
        self.state_changed.next = self.board.state_changed.val();
        self.table_pressure.next = self.board.table_pressure.val();
        self.board.phy_ready.next = self.phy_ready.val();
        self.board.mdio_i.next = self.mdio_i.val();
        self.mdc.next = self.board.mdc.val();
        self.mdio_o.next = self.board.mdio_o.val();
        self.mdio_oe.next = self.board.mdio_oe.val();
    }
}
