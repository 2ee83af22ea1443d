//! `key_match`: what stage C1 decides of its item beside the way pairs (docs/core.md,
//! "Pipeline", "Read-after-write: every hazard"), and the item loaded into C2 (`a_*`, `a`).
//! The key the [`WayPair`](super::way_pair::WayPair)s compare; the way that holds it, from the
//! key compares alone (a key is in at most one valid way: a write-back keeps live ways and
//! removes dead ones, and a new entry goes in only when no live way holds its key), so the
//! select does not wait for the aging, which says only whether that entry is alive (`hit`);
//! and, against the item in C2 now, whether it writes this bucket (`a_same_b`) and is the same
//! connection (`a_same_key`): then C2 patches its view (`patched_view`).

use crate::conn::desc_in::Desc;
use crate::conn::entry::TIME_BITS;
use crate::conn::way_pair::WayKey;
use crate::conn::{WAYS, WAY_BITS};
use rust_hdl::prelude::*;

/// Stage C1's match for `2^B` buckets, with the C1→C2 registers.
#[derive(LogicBlock)]
pub struct KeyMatch<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: no item in C2.
    pub reset: Signal<In, Bit>,
    /// A key load at this edge: the item now in C1 viewed the old table (`a_kill`).
    pub key_load: Signal<In, Bit>,
    /// The item in C1 (`read_arbiter`).
    pub c_desc: Signal<In, Bit>,
    pub c_read: Signal<In, Bit>,
    pub c_sweep: Signal<In, Bit>,
    pub c_bucket: Signal<In, Bits<B>>,
    pub c_way: Signal<In, Bits<WAY_BITS>>,
    pub c_now: Signal<In, Bits<TIME_BITS>>,
    pub c: Signal<In, Desc>,
    /// The way pairs' results: the key alive in way `w` (`matched[w]`), and in a valid way
    /// `w` = 1.. (`keq[w - 1]`; way 0 is the default).
    pub matched: [Signal<In, Bit>; WAYS],
    pub keq: [Signal<In, Bit>; WAYS - 1],
    /// The key of the item in C1, for the way pairs' compares.
    pub key: Signal<Out, WayKey>,
    /// The item in C2 (registered at the C1→C2 edge).
    pub a_desc: Signal<Out, Bit>,
    pub a_read: Signal<Out, Bit>,
    pub a_sweep: Signal<Out, Bit>,
    /// A key load happened while this item was in C1: its view is of the old table, so it
    /// writes nothing.
    pub a_kill: Signal<Out, Bit>,
    pub a_bucket: Signal<Out, Bits<B>>,
    pub a_way: Signal<Out, Bits<WAY_BITS>>,
    pub a_now: Signal<Out, Bits<TIME_BITS>>,
    pub a: Signal<Out, Desc>,
    /// The item ahead (in C2 while this one was in C1) wrote this bucket.
    pub a_same_b: Signal<Out, Bit>,
    /// ... and is a descriptor of the same connection.
    pub a_same_key: Signal<Out, Bit>,
    /// C1's match: the key is in way `a_hit_way`, alive (`a_hit`).
    pub a_hit: Signal<Out, Bit>,
    pub a_hit_way: Signal<Out, Bits<WAY_BITS>>,
    c1_hit: Signal<Local, Bit>,
    c1_hit_way: Signal<Local, Bits<WAY_BITS>>,
    c1_same_key: Signal<Local, Bit>,
    // the C2 registers behind `a_*`
    r_desc: DFF<Bit>,
    r_read: DFF<Bit>,
    r_sweep: DFF<Bit>,
    r_kill: DFF<Bit>,
    r_bucket: DFF<Bits<B>>,
    r_way: DFF<Bits<WAY_BITS>>,
    r_now: DFF<Bits<TIME_BITS>>,
    r_a: DFF<Desc>,
    r_same_b: DFF<Bit>,
    r_same_key: DFF<Bit>,
    r_hit: DFF<Bit>,
    r_hit_way: DFF<Bits<WAY_BITS>>,
    way_no: [Constant<Bits<WAY_BITS>>; WAYS],
}

impl<const B: usize> Default for KeyMatch<B> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            key_load: Default::default(),
            c_desc: Default::default(),
            c_read: Default::default(),
            c_sweep: Default::default(),
            c_bucket: Default::default(),
            c_way: Default::default(),
            c_now: Default::default(),
            c: Default::default(),
            matched: Default::default(),
            keq: Default::default(),
            key: Default::default(),
            a_desc: Default::default(),
            a_read: Default::default(),
            a_sweep: Default::default(),
            a_kill: Default::default(),
            a_bucket: Default::default(),
            a_way: Default::default(),
            a_now: Default::default(),
            a: Default::default(),
            a_same_b: Default::default(),
            a_same_key: Default::default(),
            a_hit: Default::default(),
            a_hit_way: Default::default(),
            c1_hit: Default::default(),
            c1_hit_way: Default::default(),
            c1_same_key: Default::default(),
            r_desc: Default::default(),
            r_read: Default::default(),
            r_sweep: Default::default(),
            r_kill: Default::default(),
            r_bucket: Default::default(),
            r_way: Default::default(),
            r_now: Default::default(),
            r_a: Default::default(),
            r_same_b: Default::default(),
            r_same_key: Default::default(),
            r_hit: Default::default(),
            r_hit_way: Default::default(),
            way_no: std::array::from_fn(|w| Constant::new((w as u64).to_bits())),
        }
    }
}

impl<const B: usize> Logic for KeyMatch<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, r_desc, r_read, r_sweep, r_kill, r_bucket, r_way, r_now, r_a, r_same_b,
            r_same_key, r_hit, r_hit_way
        );
        self.key.next.v6 = self.c.val().v6;
        self.key.next.lo_ip = self.c.val().lo_ip;
        self.key.next.lo_top = self.c.val().lo_top;
        self.key.next.lo_port = self.c.val().lo_port;
        self.key.next.hi_ip = self.c.val().hi_ip;
        self.key.next.hi_top = self.c.val().hi_top;
        self.key.next.hi_port = self.c.val().hi_port;
        self.c1_hit.next = false;
        for w in 0..WAYS {
            self.c1_hit.next = self.c1_hit.val() || self.matched[w].val();
        }
        // The way that holds the key, from the key compare alone (a key is in at most one
        // valid way: a write-back keeps live ways and removes dead ones, and a new entry
        // goes in only when no live way holds its key), so the select does not wait for
        // the aging; `c1_hit` says whether that entry is alive.
        self.c1_hit_way.next = self.way_no[0].val();
        for w in 1..WAYS {
            if self.keq[w - 1].val() {
                self.c1_hit_way.next = self.way_no[w].val();
            }
        }
        // The item in C2 now, against this one: same connection, same bucket written.
        self.c1_same_key.next = (self.c.val().lo_ip == self.r_a.q.val().lo_ip)
            && (self.c.val().hi_ip == self.r_a.q.val().hi_ip)
            && (self.c.val().v6 == self.r_a.q.val().v6)
            && (self.c.val().lo_top == self.r_a.q.val().lo_top)
            && (self.c.val().hi_top == self.r_a.q.val().hi_top)
            && (self.c.val().lo_port == self.r_a.q.val().lo_port)
            && (self.c.val().hi_port == self.r_a.q.val().hi_port);

        // ---- C1 → C2
        self.r_desc.d.next = self.c_desc.val();
        self.r_read.d.next = self.c_read.val();
        self.r_sweep.d.next = self.c_sweep.val();
        self.r_kill.d.next = self.key_load.val();
        self.r_bucket.d.next = self.c_bucket.val();
        self.r_way.d.next = self.c_way.val();
        self.r_now.d.next = self.c_now.val();
        self.r_a.d.next = self.c.val();
        self.r_same_b.d.next = (self.r_desc.q.val() || self.r_sweep.q.val())
            && !self.r_kill.q.val()
            && !self.key_load.val()
            && (self.r_bucket.q.val() == self.c_bucket.val());
        self.r_same_key.d.next = self.c_desc.val() && self.r_desc.q.val() && self.c1_same_key.val();
        self.r_hit.d.next = self.c1_hit.val();
        self.r_hit_way.d.next = self.c1_hit_way.val();

        // ---- C2
        self.a_desc.next = self.r_desc.q.val();
        self.a_read.next = self.r_read.q.val();
        self.a_sweep.next = self.r_sweep.q.val();
        self.a_kill.next = self.r_kill.q.val();
        self.a_bucket.next = self.r_bucket.q.val();
        self.a_way.next = self.r_way.q.val();
        self.a_now.next = self.r_now.q.val();
        self.a.next = self.r_a.q.val();
        self.a_same_b.next = self.r_same_b.q.val();
        self.a_same_key.next = self.r_same_key.q.val();
        self.a_hit.next = self.r_hit.q.val();
        self.a_hit_way.next = self.r_hit_way.q.val();

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.r_desc.d.next = false;
            self.r_read.d.next = false;
            self.r_sweep.d.next = false;
            self.r_same_b.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_match_is_synthesizable() {
        let mut uut = KeyMatch::<6>::default();
        uut.clock.connect();
        uut.reset.connect();
        uut.key_load.connect();
        uut.c_desc.connect();
        uut.c_read.connect();
        uut.c_sweep.connect();
        uut.c_bucket.connect();
        uut.c_way.connect();
        uut.c_now.connect();
        uut.c.connect();
        for m in &mut uut.matched {
            m.connect();
        }
        for k in &mut uut.keq {
            k.connect();
        }
        uut.connect_all();
        yosys_validate("synscope_key_match", &generate_verilog(&uut)).unwrap();
    }
}
