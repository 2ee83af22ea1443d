//! `entry_route`: where stage C2 applies a descriptor's segment (docs/core.md, "Pipeline";
//! `Tracker::process`): to its entry when the bucket holds it alive (`hit`), else to a new
//! entry in a free way (pair) or in place of the victim ([`WayChoice`](super::way_choice)),
//! else nowhere: `refused` (every way holds a live connection that may not be evicted). An
//! invalid flag combination applies to nothing; a RST looks its connection up but opens none
//! (RFC 9293 §3.10.7.4, RFC 5961 §3.2: the RST bit is examined before the flag policy).

use crate::conn::WAY_BITS;
use rust_hdl::prelude::*;
use synscope_model::{FlagClass, TcpFlags};

/// The route of the segment in C2.
#[derive(LogicBlock)]
pub struct EntryRoute {
    /// The item is a descriptor (else a host read or a sweep visit: no segment); its flags,
    /// flag class and address family.
    pub desc: Signal<In, Bit>,
    pub flags: Signal<In, Bits<9>>,
    pub flag_class: Signal<In, Bits<3>>,
    pub v6: Signal<In, Bit>,
    /// The patched view's match (`patched_view`): its entry is alive in way `hit_way`.
    pub hit: Signal<In, Bit>,
    pub hit_way: Signal<In, Bits<WAY_BITS>>,
    /// `way_choice`: a free way (pair) and which; else a victim and which, and how many
    /// entries it clears (an IPv6 entry may clear a pair of IPv4 ones).
    pub free_any: Signal<In, Bit>,
    pub free_way: Signal<In, Bits<WAY_BITS>>,
    pub victim_ok: Signal<In, Bit>,
    pub victim_way: Signal<In, Bits<WAY_BITS>>,
    pub victim_entries: Signal<In, Bits<2>>,
    /// A new entry opened (`evicted`: in place of a victim, clearing `n_evicted` entries), or
    /// none possible (`refused`).
    pub created: Signal<Out, Bit>,
    pub evicted: Signal<Out, Bit>,
    pub n_evicted: Signal<Out, Bits<2>>,
    pub refused: Signal<Out, Bit>,
    /// The segment is applied to an entry (hit or created), the one in way `sel_way`.
    pub applied: Signal<Out, Bit>,
    pub sel_way: Signal<Out, Bits<WAY_BITS>>,
    is_invalid: Signal<Local, Bit>,
    is_rst: Signal<Local, Bit>,
    l_created: Signal<Local, Bit>,
    l_evicted: Signal<Local, Bit>,
    class_invalid: Constant<Bits<3>>,
    b_rst: Constant<Bits<4>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
}

impl Default for EntryRoute {
    fn default() -> Self {
        Self {
            desc: Default::default(),
            flags: Default::default(),
            flag_class: Default::default(),
            v6: Default::default(),
            hit: Default::default(),
            hit_way: Default::default(),
            free_any: Default::default(),
            free_way: Default::default(),
            victim_ok: Default::default(),
            victim_way: Default::default(),
            victim_entries: Default::default(),
            created: Default::default(),
            evicted: Default::default(),
            n_evicted: Default::default(),
            refused: Default::default(),
            applied: Default::default(),
            sel_way: Default::default(),
            is_invalid: Default::default(),
            is_rst: Default::default(),
            l_created: Default::default(),
            l_evicted: Default::default(),
            class_invalid: Constant::new((FlagClass::Invalid as u64).to_bits()),
            b_rst: Constant::new((TcpFlags::RST.trailing_zeros() as u64).to_bits()),
            zero2: Constant::new(0u64.to_bits()),
            one2: Constant::new(1u64.to_bits()),
        }
    }
}

impl Logic for EntryRoute {
    #[hdl_gen]
    fn update(&mut self) {
        // The RST bit is examined before the flag policy: a RST in an invalid combination
        // looks its connection up (and, without one, opens none).
        self.is_rst.next = self.flags.val().get_bit(self.b_rst.val().index());
        self.is_invalid.next =
            (self.flag_class.val() == self.class_invalid.val()) && !self.is_rst.val();
        self.l_created.next = self.desc.val()
            && !self.hit.val()
            && !self.is_invalid.val()
            && !self.is_rst.val()
            && (self.free_any.val() || self.victim_ok.val());
        self.l_evicted.next = self.l_created.val() && !self.free_any.val();
        self.n_evicted.next = self.zero2.val();
        if self.l_evicted.val() {
            self.n_evicted.next = self.one2.val();
            if self.v6.val() {
                self.n_evicted.next = self.victim_entries.val();
            }
        }
        self.refused.next = self.desc.val()
            && !self.hit.val()
            && !self.is_invalid.val()
            && !self.is_rst.val()
            && !self.free_any.val()
            && !self.victim_ok.val();
        self.applied.next =
            self.desc.val() && !self.is_invalid.val() && (self.hit.val() || self.l_created.val());
        if self.hit.val() {
            self.sel_way.next = self.hit_way.val();
        } else if self.free_any.val() {
            self.sel_way.next = self.free_way.val();
        } else {
            self.sel_way.next = self.victim_way.val();
        }
        self.created.next = self.l_created.val();
        self.evicted.next = self.l_evicted.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_route_is_synthesizable() {
        let mut uut = EntryRoute::default();
        uut.desc.connect();
        uut.flags.connect();
        uut.flag_class.connect();
        uut.v6.connect();
        uut.hit.connect();
        uut.hit_way.connect();
        uut.free_any.connect();
        uut.free_way.connect();
        uut.victim_ok.connect();
        uut.victim_way.connect();
        uut.victim_entries.connect();
        uut.connect_all();
        yosys_validate("synscope_entry_route", &generate_verilog(&uut)).unwrap();
    }
}
