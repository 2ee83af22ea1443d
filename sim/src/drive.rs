//! Batches of clock cycles on the board's pins, run inside the model's C++ shim
//! (`csrc/synscope_shim.inc`, `synscope_<model>_batch`) so that Rust crosses into C++ once per
//! batch instead of once per clock: MII nibbles are put on the pins there, `frame_done` pulses
//! are counted there, the levels of the UART transmit pin come back as a list of edges for
//! the line model ([`crate::uart::UartLine`]) to replay, and the MDIO line is resolved there
//! every cycle from the board's driver and the PHY's level; a batch ends at a rising edge of
//! MDC, where the PHY model ([`crate::phy::PhyModel`]) acts.
//!
//! With `skip`, the shim runs in one step the cycles in which nothing in the board changes but
//! its transmitter's bit timer (docs/hdl.md, "Skipping the cycles in which nothing changes"):
//! the batch's outputs are exactly those of running every cycle.

use std::io;
use std::path::Path;

/// One batch: what to drive, and what happened. The layout is the shim's `SynscopeBatch`.
#[repr(C)]
#[derive(Debug)]
pub struct Batch {
    /// MII nibbles (bits 0–3 RXD, 4 RX_DV, 5 RX_ER), four system cycles each.
    pub nibbles: *const u8,
    pub nibble_count: u64,
    /// In and out: the next nibble to send.
    pub nibble_pos: u64,
    /// At most this many cycles.
    pub max_cycles: u64,
    /// Out: indices of the cycles after which `uart_tx` changed level.
    pub tx_edges: *mut u32,
    pub tx_edge_cap: u64,
    pub tx_edge_count: u64,
    /// Out: cycles run.
    pub cycles: u64,
    /// Out: `frame_done` pulses seen.
    pub frames_done: u64,
    /// Out: of `cycles`, those run in a skip (not evaluated one by one).
    pub skipped: u64,
    /// In and out: the system cycle within the current nibble (0..=3).
    pub phase: u32,
    /// Out: the board's `divisor` after the last cycle.
    pub divisor_end: u32,
    /// The UART receive pin during the whole batch.
    pub uart_rx: u8,
    /// Out: `uart_tx` before the first cycle.
    pub tx_start: u8,
    /// Out: why the batch ended ([`Stop`] as a number).
    pub stop: u8,
    /// What the PHY puts on MDIO during the whole batch (its driver's level, else the
    /// pull-up's 1); the board's driver wins while `mdio_oe` is high.
    pub mdio_phy: u8,
    /// Out: the last cycle raised MDC (the batch ended there).
    pub mdc_rose: u8,
    /// Out: the board's `mdio_oe` and `mdio_o` after the last cycle.
    pub mdio_oe: u8,
    pub mdio_o: u8,
    /// Skip the cycles in which nothing changes (where the model can: `BoardPins::can_skip`).
    pub skip: u8,
}

/// Why a batch ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// `max_cycles` were run.
    Budget = 0,
    /// Every nibble is on the wire (the batch ends at the end of the last one).
    Nibbles = 1,
    /// The board's `divisor` changed: the line model must follow it from the next cycle.
    Divisor = 2,
    /// The edge buffer is full.
    Edges = 3,
    /// MDC rose: the PHY model samples MDIO and may change what it drives.
    Mdc = 4,
}

impl Batch {
    /// A batch of at most `max_cycles` with the receive pin at `uart_rx`, the PHY's side of
    /// MDIO at `mdio_phy`, the MII nibbles `nibbles` from `pos`/`phase` on, and room for
    /// `edges` transmit-pin edges.
    pub fn new(
        max_cycles: u64,
        uart_rx: bool,
        mdio_phy: bool,
        nibbles: &[u8],
        pos: u64,
        phase: u32,
        edges: &mut [u32],
    ) -> Batch {
        Batch {
            nibbles: nibbles.as_ptr(),
            nibble_count: nibbles.len() as u64,
            nibble_pos: pos,
            max_cycles,
            tx_edges: edges.as_mut_ptr(),
            tx_edge_cap: edges.len() as u64,
            tx_edge_count: 0,
            cycles: 0,
            frames_done: 0,
            skipped: 0,
            phase,
            divisor_end: 0,
            uart_rx: u8::from(uart_rx),
            tx_start: 1,
            stop: Stop::Budget as u8,
            mdio_phy: u8::from(mdio_phy),
            mdc_rose: 0,
            mdio_oe: 0,
            mdio_o: 0,
            skip: 0,
        }
    }

    pub fn stop(&self) -> Stop {
        match self.stop {
            1 => Stop::Nibbles,
            2 => Stop::Divisor,
            3 => Stop::Edges,
            4 => Stop::Mdc,
            _ => Stop::Budget,
        }
    }
}

/// A Verilated top with the board's pins (`board_sim`, `board_sim_fifo`; build.rs implements
/// it for every top that has them).
pub trait BoardPins {
    /// Run one batch (see [`Batch`]); a fatal error of the model panics.
    fn batch(&mut self, b: &mut Batch);
    fn set_reset(&mut self, v: bool);
    /// The PHY is out of reset (the board's MDIO master may start).
    fn set_phy_ready(&mut self, v: bool);
    /// The board's time base (ticks of 1/16 s, `synscope_model::time`).
    fn set_now(&mut self, ticks: u32);
    /// The UART divisor (clock cycles per bit) the board runs its line at.
    fn divisor(&self) -> u32;
    fn open_vcd(&mut self, path: &Path) -> io::Result<()>;
    /// Queue entries at the receive FIFO (bit 8 `last`, bits 7..0 a frame byte or a status);
    /// `false` when frames enter this top at its MII pins.
    fn fifo_push(&mut self, _entries: &[u16]) -> bool {
        false
    }
    /// Entries queued at the receive FIFO, not yet taken by the parser.
    fn fifo_len(&self) -> usize {
        0
    }
    /// The model may skip the cycles in which nothing changes (its shim has the state list).
    fn can_skip(&self) -> bool;
}
