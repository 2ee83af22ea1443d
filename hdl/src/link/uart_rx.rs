//! `uart_rx`: the board's USB-UART receiver, 8N1, at the divisor given at run time (line
//! facts and divisors: [`crate::link::uart`]).
//!
//! `rxd` crosses into the clock domain through two flip-flops ([`SyncFlop`], `ASYNC_REG`, power-on
//! high = idle line). A falling edge of the synchronized line starts a byte; the start bit is
//! checked again at its middle, `divisor / 2` cycles later, and a line high again there is a
//! glitch: the receiver goes back to idle (start-bit glitch rejection). Data bits (LSB first) and
//! the stop bit are sampled one `divisor` apart from there, so every sample is at the middle of
//! its bit (±1 cycle, plus the synchronizer's constant delay, which does not move the sampling
//! point relative to the line). A good stop bit puts the byte on `data` with a one-cycle `valid`
//! pulse in the cycle after its sample point; the receiver is idle from the middle of the stop
//! bit, so a sender up to half a bit fast over a byte is still followed. A low stop bit is a
//! framing error: no byte, a one-cycle `framing_error` pulse, `framing_errors` counts it, and the
//! receiver waits for the line to go high (a break does not start a stream of bytes).
//!
//!
//! `reset` (synchronous) returns it to idle and clears the counter.

use crate::link::uart::{COUNTER_BITS, DIVISOR_BITS};
use crate::parts::sync_flop::SyncFlop;
use crate::ports::byte_stream::ByteFlowOut;
use rust_hdl::prelude::*;

/// Receiver states (plain bit constants: a `LogicState` enum in a `DFF` leaves unused
/// parameters and a 64-bit initial value in the Verilog).
mod rx_state {
    /// Line idle (high): waiting for a falling edge.
    pub const IDLE: u64 = 0;
    /// In the first half of the start bit.
    pub const START: u64 = 1;
    /// Sampling the 8 data bits.
    pub const DATA: u64 = 2;
    /// Waiting for the middle of the stop bit.
    pub const STOP: u64 = 3;
    /// After a framing error: waiting for the line to go high.
    pub const WAIT_HIGH: u64 = 4;
}

#[derive(LogicBlock)]
pub struct UartRx {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// Clock cycles per bit (≥ [`crate::link::uart::MIN_DIVISOR`]), taken at each start bit.
    pub divisor: Signal<In, Bits<DIVISOR_BITS>>,
    /// The serial line (asynchronous).
    pub rxd: Signal<In, Bit>,
    /// The bytes received.
    pub m: ByteFlowOut,
    /// One cycle: a byte ended with a low stop bit (it is not delivered).
    pub framing_error: Signal<Out, Bit>,
    /// Framing errors since reset (wraps).
    pub framing_errors: Signal<Out, Bits<COUNTER_BITS>>,
    sync1: SyncFlop,
    sync2: SyncFlop,
    state: DFF<Bits<3>>,
    /// Cycles left until the next sample point (acts when zero).
    count: DFF<Bits<DIVISOR_BITS>>,
    /// The divisor latched at the start bit.
    div: DFF<Bits<DIVISOR_BITS>>,
    /// Data bits sampled so far.
    nbits: DFF<Bits<3>>,
    shift: DFF<Bits<8>>,
    data_q: DFF<Bits<8>>,
    valid_q: DFF<Bit>,
    ferr_q: DFF<Bit>,
    ferr_count: DFF<Bits<COUNTER_BITS>>,
    line: Signal<Local, Bit>,
    count_zero: Signal<Local, Bit>,
    half_m1: Signal<Local, Bits<DIVISOR_BITS>>,
    full_m1: Signal<Local, Bits<DIVISOR_BITS>>,
    one_div: Constant<Bits<DIVISOR_BITS>>,
    zero_div: Constant<Bits<DIVISOR_BITS>>,
    one3: Constant<Bits<3>>,
    zero3: Constant<Bits<3>>,
    seven3: Constant<Bits<3>>,
    msb8: Constant<Bits<8>>,
    s_idle: Constant<Bits<3>>,
    s_start: Constant<Bits<3>>,
    s_data: Constant<Bits<3>>,
    s_stop: Constant<Bits<3>>,
    s_wait_high: Constant<Bits<3>>,
    one_count: Constant<Bits<COUNTER_BITS>>,
    zero_count: Constant<Bits<COUNTER_BITS>>,
}

impl Default for UartRx {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            divisor: Default::default(),
            rxd: Default::default(),
            m: Default::default(),
            framing_error: Default::default(),
            framing_errors: Default::default(),
            sync1: Default::default(),
            sync2: Default::default(),
            state: Default::default(),
            count: Default::default(),
            div: Default::default(),
            nbits: Default::default(),
            shift: Default::default(),
            data_q: Default::default(),
            valid_q: Default::default(),
            ferr_q: Default::default(),
            ferr_count: Default::default(),
            line: Default::default(),
            count_zero: Default::default(),
            half_m1: Default::default(),
            full_m1: Default::default(),
            one_div: Constant::new(1.into()),
            zero_div: Constant::new(0.into()),
            one3: Constant::new(1.into()),
            zero3: Constant::new(0.into()),
            seven3: Constant::new(7.into()),
            msb8: Constant::new(0x80.into()),
            s_idle: Constant::new(rx_state::IDLE.into()),
            s_start: Constant::new(rx_state::START.into()),
            s_data: Constant::new(rx_state::DATA.into()),
            s_stop: Constant::new(rx_state::STOP.into()),
            s_wait_high: Constant::new(rx_state::WAIT_HIGH.into()),
            one_count: Constant::new(1.into()),
            zero_count: Constant::new(0.into()),
        }
    }
}

impl Logic for UartRx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, state, count, div, nbits, shift, data_q, valid_q, ferr_q, ferr_count
        );
        // The line, through the synchronizer.
        self.sync1.clock.next = self.clock.val();
        self.sync2.clock.next = self.clock.val();
        self.sync1.d.next = self.rxd.val();
        self.sync2.d.next = self.sync1.q.val();
        self.line.next = self.sync2.q.val();
        // Outputs are registers.
        self.m.data.next = self.data_q.q.val();
        self.m.valid.next = self.valid_q.q.val();
        self.framing_error.next = self.ferr_q.q.val();
        self.framing_errors.next = self.ferr_count.q.val();
        self.valid_q.d.next = false;
        self.ferr_q.d.next = false;
        // The bit timer: counts down, acts when zero. Half a bit less one (the edge was seen a
        // cycle late at most, and the load costs one), and a whole bit less one.
        self.count_zero.next = self.count.q.val() == self.zero_div.val();
        self.count.d.next = self.count.q.val() - self.one_div.val();
        self.half_m1.next = (self.divisor.val() >> 1) - self.one_div.val();
        self.full_m1.next = self.div.q.val() - self.one_div.val();
        if self.state.q.val() == self.s_idle.val() {
            self.count.d.next = self.half_m1.val();
            self.div.d.next = self.divisor.val();
            if !self.line.val() {
                self.state.d.next = self.s_start.val();
            }
        } else if self.state.q.val() == self.s_start.val() {
            if self.count_zero.val() {
                self.count.d.next = self.full_m1.val();
                self.nbits.d.next = self.zero3.val();
                if self.line.val() {
                    // High again at the middle of the start bit: a glitch.
                    self.state.d.next = self.s_idle.val();
                } else {
                    self.state.d.next = self.s_data.val();
                }
            }
        } else if self.state.q.val() == self.s_data.val() {
            if self.count_zero.val() {
                self.count.d.next = self.full_m1.val();
                // LSB first: shift right, the new bit enters at the top.
                self.shift.d.next = self.shift.q.val() >> 1;
                if self.line.val() {
                    self.shift.d.next = (self.shift.q.val() >> 1) | self.msb8.val();
                }
                self.nbits.d.next = self.nbits.q.val() + self.one3.val();
                if self.nbits.q.val() == self.seven3.val() {
                    self.state.d.next = self.s_stop.val();
                }
            }
        } else if self.state.q.val() == self.s_stop.val() {
            if self.count_zero.val() {
                if self.line.val() {
                    self.data_q.d.next = self.shift.q.val();
                    self.valid_q.d.next = true;
                    self.state.d.next = self.s_idle.val();
                } else {
                    self.ferr_q.d.next = true;
                    self.ferr_count.d.next = self.ferr_count.q.val() + self.one_count.val();
                    self.state.d.next = self.s_wait_high.val();
                }
            }
        } else if self.state.q.val() == self.s_wait_high.val() {
            if self.line.val() {
                self.state.d.next = self.s_idle.val();
            }
        } else {
            self.state.d.next = self.s_idle.val();
        }
        // Synchronous reset last: it wins.
        if self.reset.val() {
            self.state.d.next = self.s_idle.val();
            self.valid_q.d.next = false;
            self.ferr_q.d.next = false;
            self.ferr_count.d.next = self.zero_count.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uart_rx_is_synthesizable() {
        let mut u = UartRx::default();
        u.clock.connect();
        u.reset.connect();
        u.divisor.connect();
        u.rxd.connect();
        u.connect_all();
        yosys_validate("synscope_uart_rx", &generate_verilog(&u)).unwrap();
    }
}
