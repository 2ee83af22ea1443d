//! `entry_age`: what time does to one connection-table entry, and its eviction class.
//!
//! Combinational. Exactly `synscope_model::timeouts::expire` (with `Entry::clocks` /
//! `Entry::set_clocks`) on the hardware's 20-bit times: an entry keeps the low [`TIME_BITS`] of
//! `last_seen` and of each handshake clock's `at` (`entry::layout`), `now` is the low 20 bits of
//! the tick counter, and every time is taken as its age `(now − t) mod 2²⁰`, which equals the
//! model's whenever the true age is below 2²⁰ ticks (about 18 hours; the table's sweep visits
//! every entry far more often). The five timeouts are run-time inputs of [`TIMEOUT_BITS`] bits
//! (seconds; host registers in the core), used as ticks (`× 16`).
//!
//! ## How the model's loop becomes parallel logic
//! Each endpoint has at most one timer, fixed by its state: SYN_SENT / SYN_RECEIVED its
//! handshake silence (from its clock in the aux word, or from `last_seen` without one:
//! `timeouts::handshake_silence` of the clock's gap, capped by `handshake`), TIME_WAIT
//! `time_wait` and FIN_WAIT_2 `fin_wait_2` from `last_seen`. With `A` the age of the timer's
//! start and `x` its timeout, the timer is due when `A ≥ x`, `A − x` ticks ago (its *overdue*).
//! The timers never depend on each other (`last_seen` moves only once both endpoints are
//! CLOSED, when neither has a timer left), so both are computed side by side:
//!
//! * a due endpoint becomes CLOSED and loses its handshake clock (`aux` → none);
//! * the timer that leaves both CLOSED is the later deadline of two due ones (the smaller
//!   overdue; on a tie the `hi` endpoint, which the model fires second), or the only due one
//!   when the other was CLOSED already; it re-anchors `last_seen` to its deadline if that is
//!   later than `last_seen` (an overdue below the age of `last_seen`);
//! * then the entry is gone when both are CLOSED for `linger`, or silent for `idle`.
//!
//! ## Outputs
//! `aged`: the entry after aging, `valid` = its `valid` and `alive`; `alive` (`expire` returns
//! `Alive`); `age`, the silence of the aged entry (`now − last_seen` after re-anchoring, what the
//! model's victim order ranks by); `evict_class`/`evictable`, [`EvictionClass`] of the *aged*
//! states, as the model ages a bucket before it picks a victim.
//!
//! Inputs that are not one of the eleven state encodings are outside the contract.

//!
//! One block per file: [`EntryAge`] here (both endpoints and the entry), its
//! [`endpoint_timer`] and the [`eviction_class`].

use crate::conn::entry::{EntryBits, HandshakeClock, TrackBits, GAP_BITS, TIME_BITS};
use rust_hdl::prelude::*;
use synscope_model::entry::layout::{AUX_HANDSHAKE, AUX_NONE};
use synscope_model::time::TICKS_PER_SECOND;
use synscope_model::timeouts::{MAX_TIMEOUT_S, RTO_INIT};
use synscope_model::TcpState;

pub mod endpoint_timer;
pub mod eviction_class;

pub use endpoint_timer::EndpointTimer;
pub use eviction_class::EvictionClass;

/// Width of a timeout register (seconds).
pub const TIMEOUT_BITS: usize = (u32::BITS - MAX_TIMEOUT_S.leading_zeros()) as usize;
/// Bits of a tick count within a second (`TICKS_PER_SECOND` = 2^4).
const TICK_BITS: usize = TICKS_PER_SECOND.trailing_zeros() as usize;
/// Width of a state.
pub const STATE_BITS: usize = TcpState::BITS;
/// Width of the eviction class.
pub const CLASS_BITS: usize = 2;
/// `evict_class` of an entry that is never evicted (`evictable` = 0).
pub const CLASS_NEVER: u64 = 3;

const _: () = assert!(TIMEOUT_BITS == 14 && TIME_BITS == 20);
const _: () = assert!(TICKS_PER_SECOND == 1 << TICK_BITS);
const _: () = assert!(RTO_INIT == TICKS_PER_SECOND);
// A timeout in ticks fits a time (with room: an age is compared with it).
const _: () = assert!(TIMEOUT_BITS + TICK_BITS < TIME_BITS);

/// A timeout in seconds as ticks, `TIME_BITS` wide (`secs`: × 16).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Ticks {
    pub frac: Bits<TICK_BITS>,
    pub secs: Bits<TIMEOUT_BITS>,
    pub top: Bits<{ TIME_BITS - TIMEOUT_BITS - TICK_BITS }>,
}

/// `2g`, `TIME_BITS` wide, of a 12-bit gap.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct TwiceGap {
    pub zero: Bit,
    pub gap: Bits<GAP_BITS>,
    pub top: Bits<{ TIME_BITS - GAP_BITS - 1 }>,
}

/// Bits of `g / 4`.
const QUARTER_BITS: usize = GAP_BITS - 2;

/// `g / 4`, `TIME_BITS` wide, of a 12-bit gap.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct QuarterGap {
    pub gap: Bits<QUARTER_BITS>,
    pub top: Bits<{ TIME_BITS - GAP_BITS + 2 }>,
}

pub(super) fn state(s: TcpState) -> Constant<Bits<STATE_BITS>> {
    Constant::new((s.bits() as u64).to_bits())
}

/// The five timeouts (seconds, `Timeouts`) as one signal: what the core's configuration holds
/// and every aging block reads.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct TimeoutBits {
    pub time_wait: Bits<TIMEOUT_BITS>,
    pub handshake: Bits<TIMEOUT_BITS>,
    pub fin_wait_2: Bits<TIMEOUT_BITS>,
    pub idle: Bits<TIMEOUT_BITS>,
    pub linger: Bits<TIMEOUT_BITS>,
}

/// Bitwise, field by field (`DFFWithInit` holds its power-on value this way).
impl std::ops::BitXor for TimeoutBits {
    type Output = TimeoutBits;

    fn bitxor(self, rhs: TimeoutBits) -> TimeoutBits {
        TimeoutBits {
            time_wait: self.time_wait ^ rhs.time_wait,
            handshake: self.handshake ^ rhs.handshake,
            fin_wait_2: self.fin_wait_2 ^ rhs.fin_wait_2,
            idle: self.idle ^ rhs.idle,
            linger: self.linger ^ rhs.linger,
        }
    }
}

impl TimeoutBits {
    /// `t` as the hardware holds it (each value fits: `Timeouts::validate` bounds it by
    /// `MAX_TIMEOUT_S`).
    pub fn of(t: &synscope_model::Timeouts) -> TimeoutBits {
        let bits = |v: u32| (v as u64).to_bits();
        TimeoutBits {
            time_wait: bits(t.time_wait),
            handshake: bits(t.handshake),
            fin_wait_2: bits(t.fin_wait_2),
            idle: bits(t.idle),
            linger: bits(t.linger),
        }
    }
}

#[derive(LogicBlock)]
pub struct EntryAge {
    /// The stored entry (its `valid` passes through to `aged.valid`).
    pub entry: Signal<In, EntryBits>,
    /// Low `TIME_BITS` of the tick counter.
    pub now: Signal<In, Bits<TIME_BITS>>,
    /// `Timeouts` (seconds).
    pub timeouts: Signal<In, TimeoutBits>,
    /// The entry after aging; `valid` = `entry.valid && alive`.
    pub aged: Signal<Out, EntryBits>,
    /// The entry survives (`expire` returns `Alive`).
    pub alive: Signal<Out, Bit>,
    /// `now − aged.last_seen` mod 2²⁰: how long the aged entry has been silent (the model's
    /// victim order, longest silent first).
    pub age: Signal<Out, Bits<TIME_BITS>>,
    /// [`EvictionClass`] of the aged states (meaningful when `alive`).
    pub evict_class: Signal<Out, Bits<CLASS_BITS>>,
    pub evictable: Signal<Out, Bit>,
    lo_timer: EndpointTimer,
    hi_timer: EndpointTimer,
    evict: EvictionClass,
    t_tw: Signal<Local, Ticks>,
    t_hs: Signal<Local, Ticks>,
    t_fw2: Signal<Local, Ticks>,
    t_idle: Signal<Local, Ticks>,
    t_linger: Signal<Local, Ticks>,
    ls_age: Signal<Local, Bits<TIME_BITS>>,
    lo_closed: Signal<Local, Bit>,
    hi_closed: Signal<Local, Bit>,
    /// A timer left both CLOSED: `fin_over`/`fin_deadline` are its overdue and deadline.
    fin_fire: Signal<Local, Bit>,
    fin_over: Signal<Local, Bits<TIME_BITS>>,
    fin_deadline: Signal<Local, Bits<TIME_BITS>>,
    lo_later: Signal<Local, Bit>,
    reanchor: Signal<Local, Bit>,
    silent: Signal<Local, Bits<TIME_BITS>>,
    gone: Signal<Local, Bit>,
    zero_frac: Constant<Bits<TICK_BITS>>,
    zero_top: Constant<Bits<{ TIME_BITS - TIMEOUT_BITS - TICK_BITS }>>,
}

impl Default for EntryAge {
    fn default() -> Self {
        Self {
            entry: Default::default(),
            now: Default::default(),
            timeouts: Default::default(),
            aged: Default::default(),
            alive: Default::default(),
            age: Default::default(),
            evict_class: Default::default(),
            evictable: Default::default(),
            lo_timer: Default::default(),
            hi_timer: Default::default(),
            evict: Default::default(),
            t_tw: Default::default(),
            t_hs: Default::default(),
            t_fw2: Default::default(),
            t_idle: Default::default(),
            t_linger: Default::default(),
            ls_age: Default::default(),
            lo_closed: Default::default(),
            hi_closed: Default::default(),
            fin_fire: Default::default(),
            fin_over: Default::default(),
            fin_deadline: Default::default(),
            lo_later: Default::default(),
            reanchor: Default::default(),
            silent: Default::default(),
            gone: Default::default(),
            zero_frac: Constant::new(0u64.to_bits()),
            zero_top: Constant::new(0u64.to_bits()),
        }
    }
}

impl Logic for EntryAge {
    #[hdl_gen]
    fn update(&mut self) {
        // The timeouts in ticks (configuration only).
        self.t_tw.next.frac = self.zero_frac.val();
        self.t_tw.next.secs = self.timeouts.val().time_wait;
        self.t_tw.next.top = self.zero_top.val();
        self.t_hs.next.frac = self.zero_frac.val();
        self.t_hs.next.secs = self.timeouts.val().handshake;
        self.t_hs.next.top = self.zero_top.val();
        self.t_fw2.next.frac = self.zero_frac.val();
        self.t_fw2.next.secs = self.timeouts.val().fin_wait_2;
        self.t_fw2.next.top = self.zero_top.val();
        self.t_idle.next.frac = self.zero_frac.val();
        self.t_idle.next.secs = self.timeouts.val().idle;
        self.t_idle.next.top = self.zero_top.val();
        self.t_linger.next.frac = self.zero_frac.val();
        self.t_linger.next.secs = self.timeouts.val().linger;
        self.t_linger.next.top = self.zero_top.val();
        self.ls_age.next = self.now.val() - self.entry.val().last_seen;

        // Each endpoint's timer, side by side.
        self.lo_timer.track.next = self.entry.val().lo;
        self.lo_timer.ls_age.next = self.ls_age.val();
        self.lo_timer.last_seen.next = self.entry.val().last_seen;
        self.lo_timer.now.next = self.now.val();
        self.lo_timer.handshake.next = self.t_hs.val().into();
        self.lo_timer.time_wait.next = self.t_tw.val().into();
        self.lo_timer.fin_wait_2.next = self.t_fw2.val().into();
        self.hi_timer.track.next = self.entry.val().hi;
        self.hi_timer.ls_age.next = self.ls_age.val();
        self.hi_timer.last_seen.next = self.entry.val().last_seen;
        self.hi_timer.now.next = self.now.val();
        self.hi_timer.handshake.next = self.t_hs.val().into();
        self.hi_timer.time_wait.next = self.t_tw.val().into();
        self.hi_timer.fin_wait_2.next = self.t_fw2.val().into();

        // The timer that leaves both CLOSED, and whether it moves the anchor.
        self.lo_closed.next = self.lo_timer.closed.val() || self.lo_timer.due.val();
        self.hi_closed.next = self.hi_timer.closed.val() || self.hi_timer.due.val();
        // lo's deadline is the later one (smaller overdue): lo fires last.
        self.lo_later.next = self.lo_timer.overdue.val() < self.hi_timer.overdue.val();
        self.fin_fire.next = (self.lo_timer.due.val() || self.hi_timer.due.val())
            && self.lo_closed.val()
            && self.hi_closed.val();
        if self.lo_timer.due.val() && (!self.hi_timer.due.val() || self.lo_later.val()) {
            self.fin_over.next = self.lo_timer.overdue.val();
            self.fin_deadline.next = self.lo_timer.deadline.val();
        } else {
            self.fin_over.next = self.hi_timer.overdue.val();
            self.fin_deadline.next = self.hi_timer.deadline.val();
        }
        self.reanchor.next = self.fin_fire.val() && (self.fin_over.val() < self.ls_age.val());
        self.silent.next = self.ls_age.val();
        if self.reanchor.val() {
            self.silent.next = self.fin_over.val();
        }
        self.gone.next = (self.lo_closed.val()
            && self.hi_closed.val()
            && (self.silent.val() >= bit_cast::<TIME_BITS, TIME_BITS>(self.t_linger.val().into())))
            || (self.silent.val() >= bit_cast::<TIME_BITS, TIME_BITS>(self.t_idle.val().into()));

        self.aged.next = self.entry.val();
        self.aged.next.valid = self.entry.val().valid && !self.gone.val();
        self.aged.next.lo = self.lo_timer.aged.val();
        self.aged.next.hi = self.hi_timer.aged.val();
        if self.reanchor.val() {
            self.aged.next.last_seen = self.fin_deadline.val();
        }
        self.alive.next = !self.gone.val();
        self.age.next = self.silent.val();

        self.evict.lo_state.next = self.lo_timer.aged.val().state;
        self.evict.hi_state.next = self.hi_timer.aged.val().state;
        self.evict_class.next = self.evict.evict_class.val();
        self.evictable.next = self.evict.evictable.val();
    }
}

/// A connected `EntryAge` (every input driven from outside).
pub fn connected_entry_age() -> EntryAge {
    let mut uut = EntryAge::default();
    uut.entry.connect();
    uut.now.connect();
    uut.timeouts.connect();
    uut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_age_is_synthesizable() {
        let mut uut = connected_entry_age();
        uut.connect_all();
        yosys_validate("synscope_entry_age", &generate_verilog(&uut)).unwrap();
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
