//! `way_pair`: stage C1 of the connection core for one pair of ways (docs/core.md, "Pipeline",
//! C1), and the registers that hand its results to C2. The core instantiates one per pair
//! ([`PAIRS`](super::PAIRS)); a pair is the unit of IPv6 storage: an IPv6 entry's head lives
//! in the even way and its continuation (the addresses' top bits) in the odd way after it.
//!
//! For each of its two ways, in one cycle:
//! * **forward**: the way as the RAM read it, or the core's copy of the last write-back
//!   (`fwd`, when the bucket read is the one C2 wrote at that edge); a bucket of an older
//!   epoch (`stale`) reads as empty;
//! * **age**: [`EntryAge`] to the item's time (`Tracker::expire`); an odd way holding an IPv6
//!   continuation lives and dies with its head, and ranks after every way for eviction
//!   (`CLASS_NEVER`);
//! * **key compare**: the even way holds an IPv4 key or an IPv6 key's low bits (the compare
//!   then includes the continuation's top bits: exact), the odd way IPv4 keys only.
//!
//! The compares (`*_keq`, `*_match`) are outputs of this cycle (the core selects the way that
//! holds the key from them); the aged ways, their eviction class and age and the snapshot of
//! their states as read (for the gauges) are registered at the C1→C2 edge (`a_*` in the core's
//! legend: the `a_*` registers of the item in C2), with `odd_cont`: the odd way held a
//! continuation when C1 read it.

use crate::conn::counter_bank::WaySnap;
use crate::conn::entry::{AsCont, EntryBits, TrackBits, TIME_BITS, TOP_IP_BITS};
use crate::conn::entry_age::{EntryAge, TimeoutBits, CLASS_BITS, CLASS_NEVER};
use crate::conn::way_choice::Ranked;
use rust_hdl::prelude::*;

/// The key an item looks for, as `FlowKey::of` orders it: each address's low 32 bits (what a
/// head way holds), its top 96 (what an IPv6 continuation holds; 0 for IPv4), the ports.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct WayKey {
    pub v6: Bit,
    pub lo_ip: Bits<32>,
    pub lo_top: Bits<TOP_IP_BITS>,
    pub lo_port: Bits<16>,
    pub hi_ip: Bits<32>,
    pub hi_top: Bits<TOP_IP_BITS>,
    pub hi_port: Bits<16>,
}

/// C1 for one pair of ways, with its C1→C2 registers.
#[derive(LogicBlock)]
pub struct WayPair {
    pub clock: Signal<In, Clock>,
    // ---- C1 inputs
    /// The even / odd way as its RAM read it.
    pub even_read: Signal<In, EntryBits>,
    pub odd_read: Signal<In, EntryBits>,
    /// The even / odd way of the core's last write-back.
    pub even_fwd: Signal<In, EntryBits>,
    pub odd_fwd: Signal<In, EntryBits>,
    /// Take `*_fwd` rather than `*_read`.
    pub use_fwd: Signal<In, Bit>,
    /// The bucket was last written before the latest key load: it is empty.
    pub stale: Signal<In, Bit>,
    /// The item's time, and the timeouts (`Timeouts`, seconds).
    pub now: Signal<In, Bits<TIME_BITS>>,
    pub timeouts: Signal<In, TimeoutBits>,
    /// The key of the item in C1.
    pub key: Signal<In, WayKey>,
    // ---- C1 outputs (this cycle)
    /// The way holds the item's key (valid, whether alive or not).
    pub even_keq: Signal<Out, Bit>,
    pub odd_keq: Signal<Out, Bit>,
    /// ... and is alive at the item's time.
    pub even_match: Signal<Out, Bit>,
    pub odd_match: Signal<Out, Bit>,
    // ---- registered at the C1→C2 edge
    /// The way aged to the item's time (`valid` = alive).
    pub even_aged: Signal<Out, EntryBits>,
    pub odd_aged: Signal<Out, EntryBits>,
    /// Its rank as a victim: eviction class (`eviction_class`; `CLASS_NEVER` for a
    /// continuation) and age (time since it was last seen).
    pub even_class: Signal<Out, Bits<CLASS_BITS>>,
    pub even_age: Signal<Out, Bits<TIME_BITS>>,
    pub odd_class: Signal<Out, Bits<CLASS_BITS>>,
    pub odd_age: Signal<Out, Bits<TIME_BITS>>,
    /// Its states as read, before aging (for the gauges; a continuation is no entry).
    pub even_old: Signal<Out, WaySnap>,
    pub odd_old: Signal<Out, WaySnap>,
    /// The odd way held an IPv6 continuation as read, whether or not its head was alive.
    pub odd_cont: Signal<Out, Bit>,
    // ---- blocks
    even_ager: EntryAge,
    odd_ager: EntryAge,
    /// The odd way read as a continuation.
    as_cont: AsCont,
    class_never: Constant<Bits<CLASS_BITS>>,
    // ---- C1
    even_raw: Signal<Local, EntryBits>,
    odd_raw: Signal<Local, EntryBits>,
    even_alive: Signal<Local, Bit>,
    odd_alive: Signal<Local, Bit>,
    odd_aged_c1: Signal<Local, EntryBits>,
    /// The odd way is the continuation of an IPv6 entry.
    cont: Signal<Local, Bit>,
    /// The continuation holds the item's top address bits.
    top_eq: Signal<Local, Bit>,
    // endpoints copied so that their state can be read (a field of a field is not one step)
    trk_even_lo: Signal<Local, TrackBits>,
    trk_even_hi: Signal<Local, TrackBits>,
    trk_odd_lo: Signal<Local, TrackBits>,
    trk_odd_hi: Signal<Local, TrackBits>,
    // ---- C1→C2 registers
    r_even_aged: DFF<EntryBits>,
    r_odd_aged: DFF<EntryBits>,
    r_even_rank: DFF<Ranked>,
    r_odd_rank: DFF<Ranked>,
    r_even_old: DFF<WaySnap>,
    r_odd_old: DFF<WaySnap>,
    r_odd_cont: DFF<Bit>,
}

impl Default for WayPair {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            even_read: Default::default(),
            odd_read: Default::default(),
            even_fwd: Default::default(),
            odd_fwd: Default::default(),
            use_fwd: Default::default(),
            stale: Default::default(),
            now: Default::default(),
            timeouts: Default::default(),
            key: Default::default(),
            even_keq: Default::default(),
            odd_keq: Default::default(),
            even_match: Default::default(),
            odd_match: Default::default(),
            even_aged: Default::default(),
            odd_aged: Default::default(),
            even_class: Default::default(),
            even_age: Default::default(),
            odd_class: Default::default(),
            odd_age: Default::default(),
            even_old: Default::default(),
            odd_old: Default::default(),
            odd_cont: Default::default(),
            even_ager: Default::default(),
            odd_ager: Default::default(),
            as_cont: Default::default(),
            class_never: Constant::new(CLASS_NEVER.to_bits()),
            even_raw: Default::default(),
            odd_raw: Default::default(),
            even_alive: Default::default(),
            odd_alive: Default::default(),
            odd_aged_c1: Default::default(),
            cont: Default::default(),
            top_eq: Default::default(),
            trk_even_lo: Default::default(),
            trk_even_hi: Default::default(),
            trk_odd_lo: Default::default(),
            trk_odd_hi: Default::default(),
            r_even_aged: Default::default(),
            r_odd_aged: Default::default(),
            r_even_rank: Default::default(),
            r_odd_rank: Default::default(),
            r_even_old: Default::default(),
            r_odd_old: Default::default(),
            r_odd_cont: Default::default(),
        }
    }
}

impl Logic for WayPair {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            r_even_aged,
            r_odd_aged,
            r_even_rank,
            r_odd_rank,
            r_even_old,
            r_odd_old,
            r_odd_cont
        );

        // ---- forward (docs/core.md, "Forwarding")
        if self.use_fwd.val() {
            self.even_raw.next = self.even_fwd.val();
            self.odd_raw.next = self.odd_fwd.val();
        } else {
            self.even_raw.next = self.even_read.val();
            self.odd_raw.next = self.odd_read.val();
        }
        if self.stale.val() {
            self.even_raw.next.valid = false;
            self.odd_raw.next.valid = false;
        }

        // ---- age both ways
        self.even_ager.entry.next = self.even_raw.val();
        self.even_ager.now.next = self.now.val();
        self.even_ager.timeouts.next = self.timeouts.val();
        self.odd_ager.entry.next = self.odd_raw.val();
        self.odd_ager.now.next = self.now.val();
        self.odd_ager.timeouts.next = self.timeouts.val();
        self.even_alive.next = self.even_raw.val().valid && self.even_ager.alive.val();
        self.odd_alive.next = self.odd_raw.val().valid && self.odd_ager.alive.val();
        self.odd_aged_c1.next = self.odd_ager.aged.val();
        // An odd way holding an IPv6 continuation lives and dies with its head; its fields are
        // address bits, so its own aging means nothing.
        self.cont.next = self.odd_raw.val().valid && self.odd_raw.val().v6;
        if self.cont.val() {
            self.odd_alive.next = self.even_alive.val();
            self.odd_aged_c1.next = self.odd_raw.val();
            self.odd_aged_c1.next.valid = self.even_alive.val();
        }

        // ---- key compare (the key is not changed by aging)
        self.as_cont.word.next = self.odd_raw.val();
        self.top_eq.next = (self.as_cont.cont.val().lo_ip_top == self.key.val().lo_top)
            && (self.as_cont.cont.val().hi_ip_top == self.key.val().hi_top);
        self.even_keq.next = self.even_raw.val().valid
            && (self.even_raw.val().v6 == self.key.val().v6)
            && (self.even_raw.val().lo_ip == self.key.val().lo_ip)
            && (self.even_raw.val().hi_ip == self.key.val().hi_ip)
            && (self.even_raw.val().lo_port == self.key.val().lo_port)
            && (self.even_raw.val().hi_port == self.key.val().hi_port)
            && (!self.key.val().v6 || self.top_eq.val());
        self.odd_keq.next = self.odd_raw.val().valid
            && !self.odd_raw.val().v6
            && !self.key.val().v6
            && (self.odd_raw.val().lo_ip == self.key.val().lo_ip)
            && (self.odd_raw.val().hi_ip == self.key.val().hi_ip)
            && (self.odd_raw.val().lo_port == self.key.val().lo_port)
            && (self.odd_raw.val().hi_port == self.key.val().hi_port);
        self.even_match.next = self.even_alive.val() && self.even_keq.val();
        self.odd_match.next = self.odd_alive.val() && self.odd_keq.val();

        // ---- C1 → C2
        self.r_even_aged.d.next = self.even_ager.aged.val();
        self.r_odd_aged.d.next = self.odd_aged_c1.val();
        self.r_even_rank.d.next.class = self.even_ager.evict_class.val();
        self.r_odd_rank.d.next.class = self.odd_ager.evict_class.val();
        if self.cont.val() {
            self.r_odd_rank.d.next.class = self.class_never.val();
        }
        self.r_even_rank.d.next.age = self.even_ager.age.val();
        self.r_odd_rank.d.next.age = self.odd_ager.age.val();
        self.r_odd_cont.d.next = self.cont.val();
        // The gauges' snapshot, written out rather than through two `way_fields::SnapOf`
        // (the same rule): with the blocks the Verilated core ran 1.0 % more instructions
        // (callgrind, conn_core's random-stream test: 1,095 M against 1,084 M).
        self.trk_even_lo.next = self.even_raw.val().lo;
        self.trk_even_hi.next = self.even_raw.val().hi;
        self.r_even_old.d.next.valid = self.even_raw.val().valid;
        self.r_even_old.d.next.client_is_lo = self.even_raw.val().client_is_lo;
        self.r_even_old.d.next.lo_state = self.trk_even_lo.val().state;
        self.r_even_old.d.next.hi_state = self.trk_even_hi.val().state;
        self.trk_odd_lo.next = self.odd_raw.val().lo;
        self.trk_odd_hi.next = self.odd_raw.val().hi;
        self.r_odd_old.d.next.valid = self.odd_raw.val().valid && !self.odd_raw.val().v6;
        self.r_odd_old.d.next.client_is_lo = self.odd_raw.val().client_is_lo;
        self.r_odd_old.d.next.lo_state = self.trk_odd_lo.val().state;
        self.r_odd_old.d.next.hi_state = self.trk_odd_hi.val().state;

        self.even_aged.next = self.r_even_aged.q.val();
        self.odd_aged.next = self.r_odd_aged.q.val();
        self.even_class.next = self.r_even_rank.q.val().class;
        self.even_age.next = self.r_even_rank.q.val().age;
        self.odd_class.next = self.r_odd_rank.q.val().class;
        self.odd_age.next = self.r_odd_rank.q.val().age;
        self.even_old.next = self.r_even_old.q.val();
        self.odd_old.next = self.r_odd_old.q.val();
        self.odd_cont.next = self.r_odd_cont.q.val();
    }
}

/// Connect the block's inputs (a top of its own: the synthesis check, the Verilator test).
pub fn connect_inputs(u: &mut WayPair) {
    u.clock.connect();
    u.even_read.connect();
    u.odd_read.connect();
    u.even_fwd.connect();
    u.odd_fwd.connect();
    u.use_fwd.connect();
    u.stale.connect();
    u.now.connect();
    u.timeouts.connect();
    u.key.connect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn way_pair_is_synthesizable() {
        let mut uut = WayPair::default();
        connect_inputs(&mut uut);
        uut.connect_all();
        yosys_validate("synscope_way_pair", &generate_verilog(&uut)).unwrap();
    }
}
