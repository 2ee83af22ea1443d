//! `entry_age`: what time does to one connection-table entry, and its eviction class.
//!
//! Combinational. Exactly `synscope_model::timeouts::expire` on the hardware's 16-bit time: the
//! entry keeps the low [`TIME_BITS`] of `last_seen` (`entry::layout`), `now` is the low 16 bits
//! of the seconds counter, and the elapsed time is `(now − last_seen) mod 2¹⁶`, which equals the
//! model's elapsed time whenever the true one is below 2¹⁶ (the table's sweep guarantees it).
//! The four timeouts are run-time inputs of [`TIMEOUT_BITS`] bits (host registers in the core).
//!
//! ## How the model's loop becomes parallel logic
//! `expire` takes at most two steps before its removal test, and which ones is fixed by the
//! states alone (a TIME_WAIT end is synchronized, so an entry is never both embryonic and in
//! TIME_WAIT). With `e` the elapsed time, there are four paths:
//!
//! | path | condition | states | anchor | gone when |
//! |---|---|---|---|---|
//! | embryonic | embryonic, `e ≥ emb` | CLOSED, CLOSED | `last + emb` | `e ≥ emb + linger` or `e ≥ emb + idle` |
//! | TIME_WAIT, then embryonic | TIME_WAIT, the pair with TIME_WAIT → CLOSED embryonic, `e ≥ tw + emb` | CLOSED, CLOSED | `last + tw + emb` | `e ≥ tw + emb + linger` or `e ≥ tw + emb + idle` |
//! | TIME_WAIT | TIME_WAIT, `e ≥ tw` | TIME_WAIT → CLOSED | `last + tw` | (both CLOSED and `e ≥ tw + linger`) or `e ≥ tw + idle` |
//! | none | otherwise | unchanged | `last` | (both CLOSED and `e ≥ linger`) or `e ≥ idle` |
//!
//! The sums of timeouts depend on the configuration only (in parallel with `now − last`), so
//! every threshold is one magnitude compare of the elapsed time, all eleven side by side; the
//! three anchors are three adders beside them; a priority mux picks the path. Nothing relies on
//! `Timeouts::validate` (the idle thresholds after a step are redundant for a valid
//! configuration but cost two compares), so a mis-programmed register still ages like the model.
//!
//! ## Outputs
//! `alive` (`Some`), the new states and `new_last_seen` (the anchor mod 2¹⁶; when `!alive` they
//! are the aged values before the removal test), and per endpoint `*_changed` = alive and its
//! state differs from the input (every step changes a state, so the anchor moved exactly when a
//! `*_changed` is set). `age` is `now − new_last_seen` mod 2¹⁶, the silence the model's victim
//! order ranks by, from subtractors beside the anchor adders (no subtractor after the mux).
//! `evict_class`/`evictable` are [`EvictionClass`] of the *aged* states, as the model ages a
//! bucket before it picks a victim.
//!
//! Inputs that are not one of the eleven state encodings are outside the contract.

use rust_hdl::prelude::*;
use synscope_model::entry::layout::TIME_BITS as MODEL_TIME_BITS;
use synscope_model::timeouts::MAX_TIMEOUT_S;
use synscope_model::TcpState;

/// Width of a stored time and of `now`.
pub const TIME_BITS: usize = MODEL_TIME_BITS as usize;
/// Width of a timeout register.
pub const TIMEOUT_BITS: usize = (u32::BITS - MAX_TIMEOUT_S.leading_zeros()) as usize;
/// Width of a state.
pub const STATE_BITS: usize = TcpState::BITS;
/// Width of an elapsed time or threshold: the largest threshold is a sum of three timeouts.
pub const WIDE_BITS: usize = TIMEOUT_BITS + 3;
/// Width of the eviction class.
pub const CLASS_BITS: usize = 2;
/// `evict_class` of an entry that is never evicted (`evictable` = 0).
pub const CLASS_NEVER: u64 = 3;

const _: () = assert!(TIMEOUT_BITS == 15 && TIME_BITS == 16);
const _: () = assert!(3 * MAX_TIMEOUT_S < 1 << WIDE_BITS);

/// A timeout zero-extended to [`WIDE_BITS`] (exact-width field assignments: a `bit_cast` widening
/// leaves a Verilog WIDTH mismatch).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct WideTimeout {
    pub value: Bits<TIMEOUT_BITS>,
    pub zero: Bits<{ WIDE_BITS - TIMEOUT_BITS }>,
}

/// An elapsed time zero-extended to [`WIDE_BITS`].
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct WideTime {
    pub value: Bits<TIME_BITS>,
    pub zero: Bits<{ WIDE_BITS - TIME_BITS }>,
}

/// A timeout zero-extended to [`TIME_BITS`], for the anchor adders.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct TimeTimeout {
    pub value: Bits<TIMEOUT_BITS>,
    pub zero: Bit,
}

fn state(s: TcpState) -> Constant<Bits<STATE_BITS>> {
    Constant::new((s.bits() as u64).to_bits())
}

/// `Entry::eviction_class` of a pair of states: 0 finished (both CLOSED or TIME_WAIT), 1
/// half-open (none synchronized), 2 closing (not both ESTABLISHED); otherwise `evictable` = 0
/// and the class reads [`CLASS_NEVER`], so a lowest-class search can ignore `evictable`.
/// Combinational.
#[derive(LogicBlock)]
pub struct EvictionClass {
    pub lo_state: Signal<In, Bits<STATE_BITS>>,
    pub hi_state: Signal<In, Bits<STATE_BITS>>,
    pub evict_class: Signal<Out, Bits<CLASS_BITS>>,
    pub evictable: Signal<Out, Bit>,
    lo_finished: Signal<Local, Bit>,
    hi_finished: Signal<Local, Bit>,
    s_closed: Constant<Bits<STATE_BITS>>,
    s_established: Constant<Bits<STATE_BITS>>,
    s_time_wait: Constant<Bits<STATE_BITS>>,
    c_finished: Constant<Bits<CLASS_BITS>>,
    c_half_open: Constant<Bits<CLASS_BITS>>,
    c_closing: Constant<Bits<CLASS_BITS>>,
    c_never: Constant<Bits<CLASS_BITS>>,
}

impl Default for EvictionClass {
    fn default() -> Self {
        Self {
            lo_state: Default::default(),
            hi_state: Default::default(),
            evict_class: Default::default(),
            evictable: Default::default(),
            lo_finished: Default::default(),
            hi_finished: Default::default(),
            s_closed: state(TcpState::Closed),
            s_established: state(TcpState::Established),
            s_time_wait: state(TcpState::TimeWait),
            c_finished: Constant::new(0u64.to_bits()),
            c_half_open: Constant::new(1u64.to_bits()),
            c_closing: Constant::new(2u64.to_bits()),
            c_never: Constant::new(CLASS_NEVER.to_bits()),
        }
    }
}

impl Logic for EvictionClass {
    #[hdl_gen]
    fn update(&mut self) {
        self.lo_finished.next = (self.lo_state.val() == self.s_closed.val())
            || (self.lo_state.val() == self.s_time_wait.val());
        self.hi_finished.next = (self.hi_state.val() == self.s_closed.val())
            || (self.hi_state.val() == self.s_time_wait.val());
        self.evictable.next = true;
        if self.lo_finished.val() && self.hi_finished.val() {
            self.evict_class.next = self.c_finished.val();
        } else if (self.lo_state.val() < self.s_established.val())
            && (self.hi_state.val() < self.s_established.val())
        {
            // Not synchronized: below ESTABLISHED (`TcpState::is_synchronized`).
            self.evict_class.next = self.c_half_open.val();
        } else if (self.lo_state.val() != self.s_established.val())
            || (self.hi_state.val() != self.s_established.val())
        {
            self.evict_class.next = self.c_closing.val();
        } else {
            self.evict_class.next = self.c_never.val();
            self.evictable.next = false;
        }
    }
}

#[derive(LogicBlock)]
pub struct EntryAge {
    /// State of the `lo` endpoint (`TcpState` encoding).
    pub lo_state: Signal<In, Bits<STATE_BITS>>,
    /// State of the `hi` endpoint.
    pub hi_state: Signal<In, Bits<STATE_BITS>>,
    /// Low 16 bits of the time the entry was last seen (its anchor).
    pub last_seen: Signal<In, Bits<TIME_BITS>>,
    /// Low 16 bits of the seconds counter.
    pub now: Signal<In, Bits<TIME_BITS>>,
    /// `Timeouts::time_wait` (2MSL).
    pub time_wait: Signal<In, Bits<TIMEOUT_BITS>>,
    /// `Timeouts::embryonic`.
    pub embryonic: Signal<In, Bits<TIMEOUT_BITS>>,
    /// `Timeouts::idle`.
    pub idle: Signal<In, Bits<TIMEOUT_BITS>>,
    /// `Timeouts::linger`.
    pub linger: Signal<In, Bits<TIMEOUT_BITS>>,
    /// The entry survives (`expire` returns `Some`).
    pub alive: Signal<Out, Bit>,
    pub new_lo_state: Signal<Out, Bits<STATE_BITS>>,
    pub new_hi_state: Signal<Out, Bits<STATE_BITS>>,
    /// The new anchor, mod 2¹⁶.
    pub new_last_seen: Signal<Out, Bits<TIME_BITS>>,
    /// `alive` and `new_lo_state != lo_state`.
    pub lo_changed: Signal<Out, Bit>,
    /// `alive` and `new_hi_state != hi_state`.
    pub hi_changed: Signal<Out, Bit>,
    /// `now − new_last_seen` mod 2¹⁶: how long the aged entry has been silent (the model's
    /// victim order, longest silent first), without a subtractor after the anchor mux.
    pub age: Signal<Out, Bits<TIME_BITS>>,
    /// [`EvictionClass`] of the new states (meaningful when `alive`).
    pub evict_class: Signal<Out, Bits<CLASS_BITS>>,
    pub evictable: Signal<Out, Bit>,
    evict: EvictionClass,
    // Elapsed time and thresholds, zero-extended to WIDE_BITS so every compare is exact.
    elapsed: Signal<Local, Bits<TIME_BITS>>,
    e: Signal<Local, Bits<WIDE_BITS>>,
    k_tw: Signal<Local, Bits<WIDE_BITS>>,
    k_emb: Signal<Local, Bits<WIDE_BITS>>,
    k_idle: Signal<Local, Bits<WIDE_BITS>>,
    k_linger: Signal<Local, Bits<WIDE_BITS>>,
    k_te: Signal<Local, Bits<WIDE_BITS>>,
    k_emb_linger: Signal<Local, Bits<WIDE_BITS>>,
    k_emb_idle: Signal<Local, Bits<WIDE_BITS>>,
    k_tw_linger: Signal<Local, Bits<WIDE_BITS>>,
    k_tw_idle: Signal<Local, Bits<WIDE_BITS>>,
    k_te_linger: Signal<Local, Bits<WIDE_BITS>>,
    k_te_idle: Signal<Local, Bits<WIDE_BITS>>,
    x_e: Signal<Local, WideTime>,
    x_tw: Signal<Local, WideTimeout>,
    x_emb: Signal<Local, WideTimeout>,
    x_idle: Signal<Local, WideTimeout>,
    x_linger: Signal<Local, WideTimeout>,
    y_tw: Signal<Local, TimeTimeout>,
    y_emb: Signal<Local, TimeTimeout>,
    zero_e: Constant<Bits<{ WIDE_BITS - TIME_BITS }>>,
    zero_t: Constant<Bits<{ WIDE_BITS - TIMEOUT_BITS }>>,
    // The 16-bit timeouts for the anchor adders.
    a_tw: Signal<Local, Bits<TIME_BITS>>,
    a_emb: Signal<Local, Bits<TIME_BITS>>,
    a_te: Signal<Local, Bits<TIME_BITS>>,
    // Threshold compares (`ge_x` = e >= x), all in parallel.
    ge_emb: Signal<Local, Bit>,
    ge_tw: Signal<Local, Bit>,
    ge_te: Signal<Local, Bit>,
    ge_linger: Signal<Local, Bit>,
    ge_idle: Signal<Local, Bit>,
    ge_emb_linger: Signal<Local, Bit>,
    ge_emb_idle: Signal<Local, Bit>,
    ge_tw_linger: Signal<Local, Bit>,
    ge_tw_idle: Signal<Local, Bit>,
    ge_te_linger: Signal<Local, Bit>,
    ge_te_idle: Signal<Local, Bit>,
    // State decode.
    lo_closed: Signal<Local, Bit>,
    hi_closed: Signal<Local, Bit>,
    /// Below ESTABLISHED: not synchronized (`TcpState::is_synchronized`).
    lo_unsync: Signal<Local, Bit>,
    hi_unsync: Signal<Local, Bit>,
    both_closed: Signal<Local, Bit>,
    lo_tw: Signal<Local, Bit>,
    hi_tw: Signal<Local, Bit>,
    /// No endpoint synchronized, not both CLOSED.
    embryonic_in: Signal<Local, Bit>,
    /// Both CLOSED after TIME_WAIT → CLOSED.
    closed_after_tw: Signal<Local, Bit>,
    /// Embryonic after TIME_WAIT → CLOSED.
    embryonic_after_tw: Signal<Local, Bit>,
    // The path taken.
    step_emb: Signal<Local, Bit>,
    step_tw: Signal<Local, Bit>,
    step_te: Signal<Local, Bit>,
    gone: Signal<Local, Bit>,
    lo_next: Signal<Local, Bits<STATE_BITS>>,
    hi_next: Signal<Local, Bits<STATE_BITS>>,
    s_closed: Constant<Bits<STATE_BITS>>,
    s_established: Constant<Bits<STATE_BITS>>,
    s_time_wait: Constant<Bits<STATE_BITS>>,
}

impl Default for EntryAge {
    fn default() -> Self {
        Self {
            lo_state: Default::default(),
            hi_state: Default::default(),
            last_seen: Default::default(),
            now: Default::default(),
            time_wait: Default::default(),
            embryonic: Default::default(),
            idle: Default::default(),
            linger: Default::default(),
            alive: Default::default(),
            new_lo_state: Default::default(),
            new_hi_state: Default::default(),
            new_last_seen: Default::default(),
            lo_changed: Default::default(),
            hi_changed: Default::default(),
            age: Default::default(),
            evict_class: Default::default(),
            evictable: Default::default(),
            evict: Default::default(),
            elapsed: Default::default(),
            e: Default::default(),
            k_tw: Default::default(),
            k_emb: Default::default(),
            k_idle: Default::default(),
            k_linger: Default::default(),
            k_te: Default::default(),
            k_emb_linger: Default::default(),
            k_emb_idle: Default::default(),
            k_tw_linger: Default::default(),
            k_tw_idle: Default::default(),
            k_te_linger: Default::default(),
            k_te_idle: Default::default(),
            x_e: Default::default(),
            x_tw: Default::default(),
            x_emb: Default::default(),
            x_idle: Default::default(),
            x_linger: Default::default(),
            y_tw: Default::default(),
            y_emb: Default::default(),
            zero_e: Constant::new(0u64.to_bits()),
            zero_t: Constant::new(0u64.to_bits()),
            a_tw: Default::default(),
            a_emb: Default::default(),
            a_te: Default::default(),
            ge_emb: Default::default(),
            ge_tw: Default::default(),
            ge_te: Default::default(),
            ge_linger: Default::default(),
            ge_idle: Default::default(),
            ge_emb_linger: Default::default(),
            ge_emb_idle: Default::default(),
            ge_tw_linger: Default::default(),
            ge_tw_idle: Default::default(),
            ge_te_linger: Default::default(),
            ge_te_idle: Default::default(),
            lo_closed: Default::default(),
            hi_closed: Default::default(),
            lo_unsync: Default::default(),
            hi_unsync: Default::default(),
            both_closed: Default::default(),
            lo_tw: Default::default(),
            hi_tw: Default::default(),
            embryonic_in: Default::default(),
            closed_after_tw: Default::default(),
            embryonic_after_tw: Default::default(),
            step_emb: Default::default(),
            step_tw: Default::default(),
            step_te: Default::default(),
            gone: Default::default(),
            lo_next: Default::default(),
            hi_next: Default::default(),
            s_closed: state(TcpState::Closed),
            s_established: state(TcpState::Established),
            s_time_wait: state(TcpState::TimeWait),
        }
    }
}

impl Logic for EntryAge {
    #[hdl_gen]
    fn update(&mut self) {
        // Elapsed time mod 2^16, and the thresholds (configuration only), zero-extended.
        self.elapsed.next = self.now.val() - self.last_seen.val();
        self.x_e.next.value = self.elapsed.val();
        self.x_e.next.zero = self.zero_e.val();
        self.x_tw.next.value = self.time_wait.val();
        self.x_tw.next.zero = self.zero_t.val();
        self.x_emb.next.value = self.embryonic.val();
        self.x_emb.next.zero = self.zero_t.val();
        self.x_idle.next.value = self.idle.val();
        self.x_idle.next.zero = self.zero_t.val();
        self.x_linger.next.value = self.linger.val();
        self.x_linger.next.zero = self.zero_t.val();
        self.y_tw.next.value = self.time_wait.val();
        self.y_tw.next.zero = false;
        self.y_emb.next.value = self.embryonic.val();
        self.y_emb.next.zero = false;
        self.e.next = self.x_e.val().into();
        self.k_tw.next = self.x_tw.val().into();
        self.k_emb.next = self.x_emb.val().into();
        self.k_idle.next = self.x_idle.val().into();
        self.k_linger.next = self.x_linger.val().into();
        self.k_te.next = self.k_tw.val() + self.k_emb.val();
        self.a_tw.next = self.y_tw.val().into();
        self.a_emb.next = self.y_emb.val().into();
        self.a_te.next = self.a_tw.val() + self.a_emb.val();
        // Sums in sized signals (no arithmetic inside a compare, whose width Verilog decides).
        self.k_emb_linger.next = self.k_emb.val() + self.k_linger.val();
        self.k_emb_idle.next = self.k_emb.val() + self.k_idle.val();
        self.k_tw_linger.next = self.k_tw.val() + self.k_linger.val();
        self.k_tw_idle.next = self.k_tw.val() + self.k_idle.val();
        self.k_te_linger.next = self.k_te.val() + self.k_linger.val();
        self.k_te_idle.next = self.k_te.val() + self.k_idle.val();

        // Every threshold compare side by side.
        self.ge_emb.next = self.e.val() >= self.k_emb.val();
        self.ge_tw.next = self.e.val() >= self.k_tw.val();
        self.ge_te.next = self.e.val() >= self.k_te.val();
        self.ge_linger.next = self.e.val() >= self.k_linger.val();
        self.ge_idle.next = self.e.val() >= self.k_idle.val();
        self.ge_emb_linger.next = self.e.val() >= self.k_emb_linger.val();
        self.ge_emb_idle.next = self.e.val() >= self.k_emb_idle.val();
        self.ge_tw_linger.next = self.e.val() >= self.k_tw_linger.val();
        self.ge_tw_idle.next = self.e.val() >= self.k_tw_idle.val();
        self.ge_te_linger.next = self.e.val() >= self.k_te_linger.val();
        self.ge_te_idle.next = self.e.val() >= self.k_te_idle.val();

        // State decode.
        self.lo_closed.next = self.lo_state.val() == self.s_closed.val();
        self.hi_closed.next = self.hi_state.val() == self.s_closed.val();
        self.lo_unsync.next = self.lo_state.val() < self.s_established.val();
        self.hi_unsync.next = self.hi_state.val() < self.s_established.val();
        self.both_closed.next = self.lo_closed.val() && self.hi_closed.val();
        self.lo_tw.next = self.lo_state.val() == self.s_time_wait.val();
        self.hi_tw.next = self.hi_state.val() == self.s_time_wait.val();
        self.embryonic_in.next =
            self.lo_unsync.val() && self.hi_unsync.val() && !self.both_closed.val();
        self.closed_after_tw.next = (self.lo_closed.val() || self.lo_tw.val())
            && (self.hi_closed.val() || self.hi_tw.val());
        self.embryonic_after_tw.next = (self.lo_unsync.val() || self.lo_tw.val())
            && (self.hi_unsync.val() || self.hi_tw.val())
            && !self.closed_after_tw.val();

        // The path (embryonic and TIME_WAIT exclude each other: TIME_WAIT is synchronized).
        self.step_emb.next = self.embryonic_in.val() && self.ge_emb.val();
        self.step_tw.next = (self.lo_tw.val() || self.hi_tw.val()) && self.ge_tw.val();
        self.step_te.next = self.step_tw.val() && self.embryonic_after_tw.val() && self.ge_te.val();

        self.lo_next.next = self.lo_state.val();
        self.hi_next.next = self.hi_state.val();
        if self.step_emb.val() {
            self.lo_next.next = self.s_closed.val();
            self.hi_next.next = self.s_closed.val();
            self.new_last_seen.next = self.last_seen.val() + self.a_emb.val();
            self.age.next = self.elapsed.val() - self.a_emb.val();
            self.gone.next = self.ge_emb_linger.val() || self.ge_emb_idle.val();
        } else if self.step_te.val() {
            self.lo_next.next = self.s_closed.val();
            self.hi_next.next = self.s_closed.val();
            self.new_last_seen.next = self.last_seen.val() + self.a_te.val();
            self.age.next = self.elapsed.val() - self.a_te.val();
            self.gone.next = self.ge_te_linger.val() || self.ge_te_idle.val();
        } else if self.step_tw.val() {
            if self.lo_tw.val() {
                self.lo_next.next = self.s_closed.val();
            }
            if self.hi_tw.val() {
                self.hi_next.next = self.s_closed.val();
            }
            self.new_last_seen.next = self.last_seen.val() + self.a_tw.val();
            self.age.next = self.elapsed.val() - self.a_tw.val();
            self.gone.next =
                (self.closed_after_tw.val() && self.ge_tw_linger.val()) || self.ge_tw_idle.val();
        } else {
            self.new_last_seen.next = self.last_seen.val();
            self.age.next = self.elapsed.val();
            self.gone.next = (self.both_closed.val() && self.ge_linger.val()) || self.ge_idle.val();
        }

        self.alive.next = !self.gone.val();
        self.new_lo_state.next = self.lo_next.val();
        self.new_hi_state.next = self.hi_next.val();
        self.lo_changed.next = !self.gone.val() && (self.lo_next.val() != self.lo_state.val());
        self.hi_changed.next = !self.gone.val() && (self.hi_next.val() != self.hi_state.val());

        self.evict.lo_state.next = self.lo_next.val();
        self.evict.hi_state.next = self.hi_next.val();
        self.evict_class.next = self.evict.evict_class.val();
        self.evictable.next = self.evict.evictable.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uut() -> EntryAge {
        let mut uut = EntryAge::default();
        uut.lo_state.connect();
        uut.hi_state.connect();
        uut.last_seen.connect();
        uut.now.connect();
        uut.time_wait.connect();
        uut.embryonic.connect();
        uut.idle.connect();
        uut.linger.connect();
        uut.connect_all();
        uut
    }

    #[test]
    fn entry_age_is_synthesizable() {
        yosys_validate("synscope_entry_age", &generate_verilog(&uut())).unwrap();
    }

    #[test]
    fn eviction_class_is_synthesizable() {
        let mut uut = EvictionClass::default();
        uut.lo_state.connect();
        uut.hi_state.connect();
        uut.connect_all();
        yosys_validate("synscope_eviction_class", &generate_verilog(&uut)).unwrap();
    }
}
