//! `arty_top`: the Arty A7 board top, the [`Station`] between the board's pins, its clocks,
//! the PHY's reset and straps, the MDIO buffer, the time base and the LEDs.

use crate::front::frame_parser::NOW_BITS;
use crate::link::uart::{CLOCK_HZ, DIVISOR_BITS};
use crate::tops::station::Station;
use rust_hdl::prelude::*;
use synscope_model::time::TICKS_PER_SECOND;

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
    zero_div: Constant<Bits<DIVISOR_BITS>>,
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
            zero_div: Constant::new(Bits::from(0u64)),
            one23: Constant::new(Bits::from(1u64)),
            zero23: Constant::new(Bits::from(0u64)),
            one24: Constant::new(Bits::from(1u64)),
            zero24: Constant::new(Bits::from(0u64)),
            one27: Constant::new(Bits::from(1u64)),
            zero27: Constant::new(Bits::from(0u64)),
            one32: Constant::new(Bits::from(1u64)),
            phy_release: Constant::new(Bits::from((1u64 << PHY_RESET_BITS) - 1)),
            last_tick: Constant::new(Bits::from(CLOCK_HZ as u64 / TICKS_PER_SECOND as u64 - 1)),
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
        // The transmitter's fast-forward is the simulator's alone.
        self.station.tx_fast_forward.next = self.zero_div.val();
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
