//! `EvictionClass`: which connections a full bucket gives up first (see [`super`]).

use super::{state, CLASS_BITS, CLASS_NEVER, STATE_BITS};
use rust_hdl::prelude::*;
use synscope_model::TcpState;

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
