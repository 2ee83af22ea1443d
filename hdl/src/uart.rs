//! `uart_rx`, `uart_tx`: the board's USB-UART, 8N1, at a baud rate chosen at run time.
//!
//! Both take `divisor`, the clock cycles per bit (100 MHz / 115200 → 868, 100 MHz / 3 Mbaud →
//! 33), latched when a byte starts, so the rate can change between bytes. [`divisor`] and
//! [`baud_divisor`] compute it from `synscope_model::protocol::BAUD_RATES` (the `SET_CONFIG baud`
//! codes): one source of truth for the hardware and the tests. A divisor must be at least
//! [`MIN_DIVISOR`].
//!
//! ## Receiver
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
//! ## Transmitter
//! `valid`/`ready` byte input (AXI-Stream style: a byte moves in a cycle where both are high).
//! The start bit is on `txd` from the clock edge that accepts the byte, each bit lasts exactly
//! `divisor` cycles, and `ready` is high in the last cycle of the stop bit, so back-to-back bytes
//! take exactly 10 × `divisor` cycles each. `txd` is a register (no glitches) and idles high.
//!
//! `reset` (synchronous) returns both to idle and clears the counter.

use rust_hdl::prelude::*;
use synscope_model::protocol::BAUD_RATES;

/// Width of the divisor input (and its counters): up to 65535 cycles a bit.
pub const DIVISOR_BITS: usize = 16;
/// Smallest divisor the receiver handles (its half-bit count must be at least 1 cycle, and the
/// synchronizer must settle well within a bit).
pub const MIN_DIVISOR: u16 = 8;
/// The board's clock.
pub const CLOCK_HZ: u32 = 100_000_000;
/// Width of the framing-error counter.
pub const COUNTER_BITS: usize = 32;

/// Clock cycles per bit for `baud` at `clock_hz`, rounded to the nearest integer.
pub const fn divisor(clock_hz: u32, baud: u32) -> u16 {
    let d = (clock_hz as u64 + baud as u64 / 2) / baud as u64;
    assert!(d >= MIN_DIVISOR as u64 && d <= u16::MAX as u64);
    d as u16
}

/// The divisor of `SET_CONFIG` baud code `code` (an index of `BAUD_RATES`) at `clock_hz`;
/// `None` for an unknown code.
pub const fn baud_divisor(code: u8, clock_hz: u32) -> Option<u16> {
    if (code as usize) < BAUD_RATES.len() {
        Some(divisor(clock_hz, BAUD_RATES[code as usize]))
    } else {
        None
    }
}

/// The divisor of every baud code at `clock_hz` (for a ROM or a mux indexed by the code).
pub const fn divisors(clock_hz: u32) -> [u16; BAUD_RATES.len()] {
    let mut d = [0u16; BAUD_RATES.len()];
    let mut i = 0;
    while i < d.len() {
        d[i] = divisor(clock_hz, BAUD_RATES[i]);
        i += 1;
    }
    d
}

/// The divisors on the board (100 MHz): 868, 109, 100, 50, 33.
pub const DIVISORS_100MHZ: [u16; BAUD_RATES.len()] = divisors(CLOCK_HZ);

const _: () = assert!(DIVISORS_100MHZ[0] == 868 && DIVISORS_100MHZ[4] == 33);

/// One flip-flop of a synchronizer: powers up high (an idle UART line) and carries `ASYNC_REG`,
/// so the two flops are placed together and not optimised (rust-hdl's own synchronizer has
/// neither). Custom Verilog, like `toeplitz_hash::KeyRegister`.
#[derive(LogicBlock)]
pub struct SyncFlop {
    pub clock: Signal<In, Clock>,
    pub d: Signal<In, Bit>,
    pub q: Signal<Out, Bit>,
}

impl Default for SyncFlop {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            d: Default::default(),
            q: Signal::new_with_default(true),
        }
    }
}

impl Logic for SyncFlop {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.q.next = self.d.val();
        }
    }

    fn connect(&mut self) {
        self.q.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "(* ASYNC_REG = \"TRUE\" *) reg sync_q = 1'b1;\n\
             always @(posedge clock) sync_q <= d;\n\
             always @* q = sync_q;\n"
                .into(),
        )
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "sync_flop".into(),
            clock: "clock".into(),
            inputs: vec!["d".into()],
            outputs: vec!["q".into()],
        }]
    }
}

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
    /// Clock cycles per bit (≥ [`MIN_DIVISOR`]), taken at each start bit.
    pub divisor: Signal<In, Bits<DIVISOR_BITS>>,
    /// The serial line (asynchronous).
    pub rxd: Signal<In, Bit>,
    /// The last byte received; valid with `valid`.
    pub data: Signal<Out, Bits<8>>,
    /// One cycle: `data` is a new byte.
    pub valid: Signal<Out, Bit>,
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
            data: Default::default(),
            valid: Default::default(),
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
        self.data.next = self.data_q.q.val();
        self.valid.next = self.valid_q.q.val();
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

#[derive(LogicBlock)]
pub struct UartTx {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// Clock cycles per bit (≥ 2), taken when a byte is accepted.
    pub divisor: Signal<In, Bits<DIVISOR_BITS>>,
    /// The byte to send, moved when `valid` and `ready` are both high.
    pub data: Signal<In, Bits<8>>,
    pub valid: Signal<In, Bit>,
    pub ready: Signal<Out, Bit>,
    /// The serial line (idles high).
    pub txd: Signal<Out, Bit>,
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
            data: Default::default(),
            valid: Default::default(),
            ready: Default::default(),
            txd: Default::default(),
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
        // The bit timer: counts down, the bit ends in the cycle it is zero.
        self.count_zero.next = self.count.q.val() == self.zero_div.val();
        self.count.d.next = self.count.q.val() - self.one_div.val();
        self.last_bit_done.next =
            self.busy.q.val() & self.count_zero.val() & (self.nbits.q.val() == self.nine4.val());
        // Ready when idle, or in the last cycle of a stop bit (back to back).
        self.ready.next = !self.busy.q.val() | self.last_bit_done.val();
        self.accept.next = self.valid.val() & (!self.busy.q.val() | self.last_bit_done.val());
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
            self.shift.d.next = self.data.val();
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

    fn rx() -> UartRx {
        let mut u = UartRx::default();
        u.clock.connect();
        u.reset.connect();
        u.divisor.connect();
        u.rxd.connect();
        u.connect_all();
        u
    }

    fn tx() -> UartTx {
        let mut u = UartTx::default();
        u.clock.connect();
        u.reset.connect();
        u.divisor.connect();
        u.data.connect();
        u.valid.connect();
        u.connect_all();
        u
    }

    #[test]
    fn uart_rx_is_synthesizable() {
        yosys_validate("synscope_uart_rx", &generate_verilog(&rx())).unwrap();
    }

    #[test]
    fn uart_tx_is_synthesizable() {
        yosys_validate("synscope_uart_tx", &generate_verilog(&tx())).unwrap();
    }

    #[test]
    fn divisors_of_every_baud_code() {
        assert_eq!(DIVISORS_100MHZ, [868, 109, 100, 50, 33]);
        for (code, &baud) in BAUD_RATES.iter().enumerate() {
            let d = baud_divisor(code as u8, CLOCK_HZ).unwrap();
            let err = (CLOCK_HZ as f64 / d as f64 / baud as f64 - 1.0).abs();
            assert!(err < 0.02, "code {code}: {baud} baud, divisor {d}, {err}");
        }
        assert_eq!(baud_divisor(BAUD_RATES.len() as u8, CLOCK_HZ), None);
    }
}
