//! `CounterResponder`: the bodies of `READ_COUNTERS` and `READ_HISTOGRAM` (docs/protocol.md,
//! "Operations").
//!
//! On `start` (either op) one `counter_snap` pulse copies every counter and gauge of the core's
//! bank at one clock edge (a copy, not a freeze: a frozen bank would have to catch up on the
//! increments it missed), and `now` with it; the answer reads the copy (`counter_frozen`, until
//! the sequencer's `answered`), an entry a piece through the bank's `counter_index`.
//! `READ_COUNTERS` (`gauges` low) sends the snapshot's `now` (4 bytes), then every counter
//! (6 bytes each; indices below `FIRST_COUNTER`, the front end's, read 0 in the bank);
//! `READ_HISTOGRAM` (`gauges` high) the 22 gauges (2 bytes each) from `FIRST_GAUGE` on.
//!
//! The sequencer sends the header, then lets the responder run while `active`: it loads a piece
//! (`ld`, `n` bytes, `last`: the frame's last one) when the transmit register is `free`, and
//! asks for a cycle's `hold` after each counter (the bank's read is registered); `done` with
//! the last piece.
//!
//! `reset` (synchronous) ends the snapshot.

use crate::conn::counter_bank::{COUNTER_BITS, COUNTER_INDEX_BITS, FIRST_GAUGE, GAUGES};
use crate::link::engine::{PIECE_N_BITS, TX_BITS};
use crate::link::hdlc::LEN_BITS;
use crate::parts::konst::konst as c;
use rust_hdl::prelude::*;
use synscope_model::Counter;

/// The responder's steps.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum CounterStep {
    /// `READ_COUNTERS`: the snapshot's `now`.
    Now,
    /// `READ_COUNTERS`: a counter a piece.
    Counters,
    /// `READ_HISTOGRAM`: a gauge a piece.
    Gauges,
}

/// The counters and histogram responder.
#[derive(LogicBlock)]
pub struct CounterResponder {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// Take the snapshot and start an answer: the gauges (`READ_HISTOGRAM`) or the counters.
    pub start: Signal<In, Bit>,
    pub gauges: Signal<In, Bit>,
    /// The sequencer has handed the transmit register to this responder.
    pub active: Signal<In, Bit>,
    /// The transmit register takes a piece in this cycle.
    pub free: Signal<In, Bit>,
    /// The request is answered: the bank counts on.
    pub answered: Signal<In, Bit>,
    // ---- the core's counter bank
    pub counter_index: Signal<Out, Bits<COUNTER_INDEX_BITS>>,
    pub counter_value: Signal<In, Bits<COUNTER_BITS>>,
    pub counter_snap: Signal<Out, Bit>,
    pub counter_frozen: Signal<Out, Bit>,
    pub now: Signal<In, Bits<32>>,
    // ---- to the transmit register
    /// Load `piece` (zero unless `ld`), `n` bytes of it; `last`: the frame's last piece.
    pub ld: Signal<Out, Bit>,
    pub piece: Signal<Out, Bits<TX_BITS>>,
    pub n: Signal<Out, Bits<PIECE_N_BITS>>,
    pub last: Signal<Out, Bit>,
    /// Hold the transmit register a cycle (the next counter is being read).
    pub hold: Signal<Out, Bit>,
    /// The answer's last piece is loaded.
    pub done: Signal<Out, Bit>,
    step: DFF<CounterStep>,
    idx: DFF<Bits<LEN_BITS>>,
    cidx: DFF<Bits<COUNTER_INDEX_BITS>>,
    snap_q: DFF<Bit>,
    frozen_q: DFF<Bit>,
    now_snap: DFF<Bits<32>>,
    tx_none: Constant<Bits<TX_BITS>>,
    len_zero: Constant<Bits<LEN_BITS>>,
    len_one: Constant<Bits<LEN_BITS>>,
    len_last_counter: Constant<Bits<LEN_BITS>>,
    len_last_gauge: Constant<Bits<LEN_BITS>>,
    ci_zero: Constant<Bits<COUNTER_INDEX_BITS>>,
    ci_one: Constant<Bits<COUNTER_INDEX_BITS>>,
    ci_gauge: Constant<Bits<COUNTER_INDEX_BITS>>,
    n_zero: Constant<Bits<PIECE_N_BITS>>,
    n_now: Constant<Bits<PIECE_N_BITS>>,
    n_counter: Constant<Bits<PIECE_N_BITS>>,
    n_gauge: Constant<Bits<PIECE_N_BITS>>,
}

impl Default for CounterResponder {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            gauges: Default::default(),
            active: Default::default(),
            free: Default::default(),
            answered: Default::default(),
            counter_index: Default::default(),
            counter_value: Default::default(),
            counter_snap: Default::default(),
            counter_frozen: Default::default(),
            now: Default::default(),
            ld: Default::default(),
            piece: Default::default(),
            n: Default::default(),
            last: Default::default(),
            hold: Default::default(),
            done: Default::default(),
            step: Default::default(),
            idx: Default::default(),
            cidx: Default::default(),
            snap_q: Default::default(),
            frozen_q: Default::default(),
            now_snap: Default::default(),
            tx_none: Constant::new(Bits::<TX_BITS>::default()),
            len_zero: c(0),
            len_one: c(1),
            len_last_counter: c(Counter::COUNT as u64 - 1),
            len_last_gauge: c(GAUGES as u64 - 1),
            ci_zero: c(0),
            ci_one: c(1),
            ci_gauge: c(FIRST_GAUGE as u64),
            n_zero: c(0),
            n_now: c(4),
            n_counter: c(6),
            n_gauge: c(2),
        }
    }
}

impl Logic for CounterResponder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, step, idx, cidx, snap_q, frozen_q, now_snap);
        self.counter_index.next = self.cidx.q.val();
        self.counter_snap.next = self.snap_q.q.val();
        self.counter_frozen.next = self.frozen_q.q.val();
        self.snap_q.d.next = false;
        // `now` of the snapshot is taken with it.
        if self.snap_q.q.val() {
            self.now_snap.d.next = self.now.val();
        }
        self.ld.next = false;
        self.piece.next = self.tx_none.val();
        self.n.next = self.n_zero.val();
        self.last.next = false;
        self.hold.next = false;
        self.done.next = false;
        if self.start.val() {
            self.snap_q.d.next = true;
            self.frozen_q.d.next = true;
            self.idx.d.next = self.len_zero.val();
            if self.gauges.val() {
                self.cidx.d.next = self.ci_gauge.val();
                self.step.d.next = CounterStep::Gauges;
            } else {
                self.cidx.d.next = self.ci_zero.val();
                self.step.d.next = CounterStep::Now;
            }
        }
        if self.active.val() & self.free.val() {
            self.ld.next = true;
            match self.step.q.val() {
                CounterStep::Now => {
                    self.piece.next = bit_cast::<TX_BITS, 32>(self.now_snap.q.val());
                    self.n.next = self.n_now.val();
                    self.step.d.next = CounterStep::Counters;
                }
                CounterStep::Counters => {
                    self.piece.next = bit_cast::<TX_BITS, COUNTER_BITS>(self.counter_value.val());
                    self.n.next = self.n_counter.val();
                    self.last.next = self.idx.q.val() == self.len_last_counter.val();
                    self.idx.d.next = self.idx.q.val() + self.len_one.val();
                    self.cidx.d.next = self.cidx.q.val() + self.ci_one.val();
                    self.hold.next = true;
                    self.done.next = self.idx.q.val() == self.len_last_counter.val();
                }
                CounterStep::Gauges => {
                    self.piece.next =
                        bit_cast::<TX_BITS, 16>(self.counter_value.val().get_bits::<16>(0));
                    self.n.next = self.n_gauge.val();
                    self.last.next = self.idx.q.val() == self.len_last_gauge.val();
                    self.idx.d.next = self.idx.q.val() + self.len_one.val();
                    self.cidx.d.next = self.cidx.q.val() + self.ci_one.val();
                    self.hold.next = true;
                    self.done.next = self.idx.q.val() == self.len_last_gauge.val();
                }
            }
        }
        if self.answered.val() {
            self.frozen_q.d.next = false;
        }

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.snap_q.d.next = false;
            self.frozen_q.d.next = false;
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected() -> CounterResponder {
    let mut u = CounterResponder::default();
    u.clock.connect();
    u.reset.connect();
    u.start.connect();
    u.gauges.connect();
    u.active.connect();
    u.free.connect();
    u.answered.connect();
    u.counter_value.connect();
    u.now.connect();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_responder_is_synthesizable() {
        let mut u = connected();
        u.connect_all();
        yosys_validate("synscope_counter_responder", &generate_verilog(&u)).unwrap();
    }
}
