//! `uart_tx`: the board's USB-UART transmitter, 8N1, at the divisor given at run time (line
//! facts and divisors: [`crate::link::uart`]).
//!
//! `valid`/`ready` byte input (AXI-Stream style: a byte moves in a cycle where both are high).
//! The start bit is on `txd` from the clock edge that accepts the byte, each bit lasts exactly
//! `divisor` cycles, and `ready` is high in the last cycle of the stop bit, so back-to-back bytes
//! take exactly 10 × `divisor` cycles each. `txd` is a register (no glitches) and idles high.
//!
//! The bit timer runs only while a byte is being sent: an idle transmitter changes no register.
//!
//! `fast_forward` is for the simulator alone (the Arty top ties it to 0, and synthesis removes
//! it): a cycle with `fast_forward = k` advances the bit timer as `k + 1` cycles would. The
//! simulated board (`synscope_sim`) asserts it only where it has seen every other register of
//! the board hold still, and never past the cycle in which `timer` reaches 0, so the line's
//! timing is exactly that of the cycles it stands for.
//!
//! `reset` (synchronous) returns it to idle.

use crate::link::uart::DIVISOR_BITS;
use crate::ports::byte_stream::ByteIn;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct UartTx {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// Clock cycles per bit (≥ 2), taken when a byte is accepted.
    pub divisor: Signal<In, Bits<DIVISOR_BITS>>,
    /// The bytes to send.
    pub s: ByteIn,
    /// The serial line (idles high).
    pub txd: Signal<Out, Bit>,
    /// Simulation only, 0 on the board: extra cycles this cycle stands for (at most `timer`).
    pub fast_forward: Signal<In, Bits<DIVISOR_BITS>>,
    /// While `sending`: cycles before the bit timer acts (it acts in the cycle it reads 0).
    pub timer: Signal<Out, Bits<DIVISOR_BITS>>,
    /// A byte is on the line.
    pub sending: Signal<Out, Bit>,
    /// Sending a byte.
    busy: DFF<Bit>,
    count: DFF<Bits<DIVISOR_BITS>>,
    div: DFF<Bits<DIVISOR_BITS>>,
    /// Bits put on the line after the start bit (9 = the stop bit is out).
    nbits: DFF<Bits<4>>,
    /// Data bits still to send, LSB next; ones enter at the top, so after the 8 data bits
    /// the next bit out is the stop bit.
    shift: DFF<Bits<8>>,
    /// `txd`, stored inverted so that the power-on zero of a `DFF` is an idle (high) line.
    txd_n: DFF<Bit>,
    count_zero: Signal<Local, Bit>,
    last_bit_done: Signal<Local, Bit>,
    accept: Signal<Local, Bit>,
    one_div: Constant<Bits<DIVISOR_BITS>>,
    zero_div: Constant<Bits<DIVISOR_BITS>>,
    one4: Constant<Bits<4>>,
    zero4: Constant<Bits<4>>,
    nine4: Constant<Bits<4>>,
    msb8: Constant<Bits<8>>,
}

impl Default for UartTx {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            divisor: Default::default(),
            s: Default::default(),
            txd: Default::default(),
            fast_forward: Default::default(),
            timer: Default::default(),
            sending: Default::default(),
            busy: Default::default(),
            count: Default::default(),
            div: Default::default(),
            nbits: Default::default(),
            shift: Default::default(),
            txd_n: Default::default(),
            count_zero: Default::default(),
            last_bit_done: Default::default(),
            accept: Default::default(),
            one_div: Constant::new(1.into()),
            zero_div: Constant::new(0.into()),
            one4: Constant::new(1.into()),
            zero4: Constant::new(0.into()),
            nine4: Constant::new(9.into()),
            msb8: Constant::new(0x80.into()),
        }
    }
}

impl Logic for UartTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, busy, count, div, nbits, shift, txd_n);
        self.txd.next = !self.txd_n.q.val();
        self.timer.next = self.count.q.val();
        self.sending.next = self.busy.q.val();
        // The bit timer: counts down while sending, the bit ends in the cycle it is zero.
        self.count_zero.next = self.count.q.val() == self.zero_div.val();
        if self.busy.q.val() {
            self.count.d.next = self.count.q.val() - self.one_div.val() - self.fast_forward.val();
        }
        self.last_bit_done.next =
            self.busy.q.val() & self.count_zero.val() & (self.nbits.q.val() == self.nine4.val());
        // Ready when idle, or in the last cycle of a stop bit (back to back).
        self.s.ready.next = !self.busy.q.val() | self.last_bit_done.val();
        self.accept.next = self.s.valid.val() & (!self.busy.q.val() | self.last_bit_done.val());
        if self.busy.q.val() & self.count_zero.val() {
            if self.last_bit_done.val() {
                // The stop bit is out: idle (the line stays high).
                self.busy.d.next = false;
            } else {
                self.txd_n.d.next = !self.shift.q.val().get_bit(0);
                self.shift.d.next = (self.shift.q.val() >> 1) | self.msb8.val();
                self.nbits.d.next = self.nbits.q.val() + self.one4.val();
                self.count.d.next = self.div.q.val() - self.one_div.val();
            }
        }
        if self.accept.val() {
            // The start bit goes out at this edge; data bits LSB first, then the stop bit.
            self.busy.d.next = true;
            self.txd_n.d.next = true;
            self.shift.d.next = self.s.data.val();
            self.nbits.d.next = self.zero4.val();
            self.div.d.next = self.divisor.val();
            self.count.d.next = self.divisor.val() - self.one_div.val();
        }
        // Synchronous reset last: it wins.
        if self.reset.val() {
            self.busy.d.next = false;
            self.txd_n.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uart_tx_is_synthesizable() {
        let mut u = UartTx::default();
        u.clock.connect();
        u.reset.connect();
        u.divisor.connect();
        u.s.link_connect_dest();
        u.fast_forward.connect();
        u.connect_all();
        yosys_validate("synscope_uart_tx", &generate_verilog(&u)).unwrap();
    }
}
