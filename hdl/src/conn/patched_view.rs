//! `patched_view`: stage C2's view of its bucket (docs/core.md, "Read-after-write: every
//! hazard", the item one behind). C1 read the bucket before the item ahead wrote it; the
//! written bucket differs from C1's by aging alone (composable: C1 aged it to this item's
//! time), except in the way the item ahead applied a segment to and changed: that way is `fa`,
//! its new entry aged to this item's time (and `fa2`, the continuation of an IPv6 entry it
//! wrote, or a freed continuation). This block patches them in, and corrects C1's match: the
//! same connection as the item ahead finds its entry in the patched way; a match C1 found in
//! the patched way is gone (the item ahead evicted it); any other stands.

use crate::conn::entry::{EntryBits, TrackBits, TIME_BITS};
use crate::conn::entry_age::EvictionClass;
use crate::conn::way_choice::Ranked;
use rust_hdl::prelude::*;

/// The bucket as the item ahead left it, and this item's match in it.
#[derive(LogicBlock)]
pub struct PatchedView {
    /// The ways as C1 aged them (`WayPair`'s `*_aged`), and whether the odd ways held IPv6
    /// continuations when C1 read them.
    pub aged0: Signal<In, EntryBits>,
    pub aged1: Signal<In, EntryBits>,
    pub aged2: Signal<In, EntryBits>,
    pub aged3: Signal<In, EntryBits>,
    pub cont1: Signal<In, Bit>,
    pub cont3: Signal<In, Bit>,
    /// C1's match: the key is in way `c1_hit_way`; `c1_hit`: that entry is alive.
    pub c1_hit: Signal<In, Bit>,
    pub c1_hit_way: Signal<In, Bits<2>>,
    /// The item ahead wrote this bucket last cycle, and is a descriptor of the same
    /// connection.
    pub same_bucket: Signal<In, Bit>,
    pub same_key: Signal<In, Bit>,
    /// The item ahead's change: it changed way `pt_way` (`pt_valid`) to `fa` and, when it wrote
    /// or freed a pair (`pt2_valid`), the way after it to `fa2`; this item's time.
    pub pt_valid: Signal<In, Bit>,
    pub pt2_valid: Signal<In, Bit>,
    pub pt_way: Signal<In, Bits<2>>,
    pub fa: Signal<In, EntryBits>,
    pub fa2: Signal<In, EntryBits>,
    pub now: Signal<In, Bits<TIME_BITS>>,
    /// The bucket as the item ahead left it, aged to this item's time.
    pub view0: Signal<Out, EntryBits>,
    pub view1: Signal<Out, EntryBits>,
    pub view2: Signal<Out, EntryBits>,
    pub view3: Signal<Out, EntryBits>,
    /// Which way holds `fa`, which `fa2` (a continuation), and `fa`'s rank as a victim.
    pub patched0: Signal<Out, Bit>,
    pub patched1: Signal<Out, Bit>,
    pub patched2: Signal<Out, Bit>,
    pub patched3: Signal<Out, Bit>,
    pub cont_patched1: Signal<Out, Bit>,
    pub cont_patched3: Signal<Out, Bit>,
    pub fa_rank: Signal<Out, Ranked>,
    /// This item's entry: alive in way `hit_way` of the view (`hit`), as `hit_entry`.
    pub hit: Signal<Out, Bit>,
    pub hit_way: Signal<Out, Bits<2>>,
    pub hit_entry: Signal<Out, EntryBits>,
    fa_evict: EvictionClass,
    trk_fa_lo: Signal<Local, TrackBits>,
    trk_fa_hi: Signal<Local, TrackBits>,
    patch: Signal<Local, Bit>,
    patch2: Signal<Local, Bit>,
    pre1: Signal<Local, EntryBits>,
    pre3: Signal<Local, EntryBits>,
    cont_v1: Signal<Local, Bit>,
    cont_v3: Signal<Local, Bit>,
    /// The way C1 found the key in, as C1 aged it.
    c1_entry: Signal<Local, EntryBits>,
    way0: Constant<Bits<2>>,
    way1: Constant<Bits<2>>,
    way2: Constant<Bits<2>>,
    way3: Constant<Bits<2>>,
}

impl Default for PatchedView {
    fn default() -> Self {
        Self {
            aged0: Default::default(),
            aged1: Default::default(),
            aged2: Default::default(),
            aged3: Default::default(),
            cont1: Default::default(),
            cont3: Default::default(),
            c1_hit: Default::default(),
            c1_hit_way: Default::default(),
            same_bucket: Default::default(),
            same_key: Default::default(),
            pt_valid: Default::default(),
            pt2_valid: Default::default(),
            pt_way: Default::default(),
            fa: Default::default(),
            fa2: Default::default(),
            now: Default::default(),
            view0: Default::default(),
            view1: Default::default(),
            view2: Default::default(),
            view3: Default::default(),
            patched0: Default::default(),
            patched1: Default::default(),
            patched2: Default::default(),
            patched3: Default::default(),
            cont_patched1: Default::default(),
            cont_patched3: Default::default(),
            fa_rank: Default::default(),
            hit: Default::default(),
            hit_way: Default::default(),
            hit_entry: Default::default(),
            fa_evict: Default::default(),
            trk_fa_lo: Default::default(),
            trk_fa_hi: Default::default(),
            patch: Default::default(),
            patch2: Default::default(),
            pre1: Default::default(),
            pre3: Default::default(),
            cont_v1: Default::default(),
            cont_v3: Default::default(),
            c1_entry: Default::default(),
            way0: Constant::new(0u64.to_bits()),
            way1: Constant::new(1u64.to_bits()),
            way2: Constant::new(2u64.to_bits()),
            way3: Constant::new(3u64.to_bits()),
        }
    }
}

impl Logic for PatchedView {
    #[hdl_gen]
    fn update(&mut self) {
        // The item ahead's change. It wrote this bucket last cycle (`a_same_b`);
        // C1 read the bucket before that write, which differs from it by aging alone
        // (composable: C1 aged it to this item's time) except in the way the item ahead
        // applied a segment to and changed (`pt_*`): that way is `fa`, its new entry aged to
        // this item's time.
        self.patch.next = self.same_bucket.val() && self.pt_valid.val();
        self.trk_fa_lo.next = self.fa.val().lo;
        self.trk_fa_hi.next = self.fa.val().hi;
        self.fa_evict.lo_state.next = self.trk_fa_lo.val().state;
        self.fa_evict.hi_state.next = self.trk_fa_hi.val().state;
        self.fa_rank.next.class = self.fa_evict.evict_class.val();
        self.fa_rank.next.age = self.now.val() - self.fa.val().last_seen;
        self.patched0.next = self.patch.val() && (self.pt_way.val() == self.way0.val());
        self.patched1.next = self.patch.val() && (self.pt_way.val() == self.way1.val());
        self.patched2.next = self.patch.val() && (self.pt_way.val() == self.way2.val());
        self.patched3.next = self.patch.val() && (self.pt_way.val() == self.way3.val());
        self.view0.next = self.aged0.val();
        if self.patched0.val() {
            self.view0.next = self.fa.val();
        }
        // The way after the patched one when the item ahead changed a pair (`pt2`).
        self.patch2.next = self.same_bucket.val() && self.pt2_valid.val();
        self.cont_patched1.next = self.patch2.val() && (self.pt_way.val() == self.way0.val());
        self.cont_patched3.next = self.patch2.val() && (self.pt_way.val() == self.way2.val());
        self.pre1.next = self.aged1.val();
        if self.patched1.val() {
            self.pre1.next = self.fa.val();
        }
        if self.cont_patched1.val() {
            self.pre1.next = self.fa2.val();
        }
        self.view2.next = self.aged2.val();
        if self.patched2.val() {
            self.view2.next = self.fa.val();
        }
        self.pre3.next = self.aged3.val();
        if self.patched3.val() {
            self.pre3.next = self.fa.val();
        }
        if self.cont_patched3.val() {
            self.pre3.next = self.fa2.val();
        }
        // A continuation is valid exactly while its head is in the patched view: the head
        // may have died there (evicted by the item ahead), or come back to life (C1 aged the
        // head as the RAM held it, before the item ahead refreshed it just in time, so C1
        // took the continuation for dead with it). Which odd ways are continuations: the
        // item ahead's pair word where it wrote one (`cont_patched*`), nothing where it wrote an IPv4
        // entry into the odd way (`patched*`), else what C1 read; and its head must be IPv6 (an
        // IPv4 entry may have taken the even way of a dead pair).
        self.cont_v1.next = self.cont1.val() && !self.patched1.val();
        if self.cont_patched1.val() {
            self.cont_v1.next = self.fa2.val().valid;
        }
        self.cont_v3.next = self.cont3.val() && !self.patched3.val();
        if self.cont_patched3.val() {
            self.cont_v3.next = self.fa2.val().valid;
        }
        self.view1.next = self.pre1.val();
        if self.cont_v1.val() {
            self.view1.next.valid = self.view0.val().valid && self.view0.val().v6;
        }
        self.view3.next = self.pre3.val();
        if self.cont_v3.val() {
            self.view3.next.valid = self.view2.val().valid && self.view2.val().v6;
        }
        // The way C1 found the key in, as C1 aged it: selected here from the registered ways
        // (a 4:1 mux of registers, outside the loop through `fa`) rather than in C1, where it
        // merged into the aging logic and cost a register more (about 850 LUTs, 470 FFs).
        self.c1_entry.next = self.aged0.val();
        if self.c1_hit_way.val() == self.way1.val() {
            self.c1_entry.next = self.aged1.val();
        }
        if self.c1_hit_way.val() == self.way2.val() {
            self.c1_entry.next = self.aged2.val();
        }
        if self.c1_hit_way.val() == self.way3.val() {
            self.c1_entry.next = self.aged3.val();
        }
        // The match: the same connection as the item ahead finds its entry in the patched
        // way (if it is still alive); a match C1 found in the patched way is gone (the item
        // ahead evicted it); any other match C1 found stands.
        if self.patch.val() && self.same_key.val() {
            self.hit.next = self.fa.val().valid;
            self.hit_way.next = self.pt_way.val();
            self.hit_entry.next = self.fa.val();
        } else {
            self.hit.next = self.c1_hit.val()
                && !(self.patch.val() && (self.c1_hit_way.val() == self.pt_way.val()))
                && !(self.cont_patched1.val() && (self.c1_hit_way.val() == self.way1.val()))
                && !(self.cont_patched3.val() && (self.c1_hit_way.val() == self.way3.val()));
            self.hit_way.next = self.c1_hit_way.val();
            self.hit_entry.next = self.c1_entry.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patched_view_is_synthesizable() {
        let mut uut = PatchedView::default();
        uut.aged0.connect();
        uut.aged1.connect();
        uut.aged2.connect();
        uut.aged3.connect();
        uut.cont1.connect();
        uut.cont3.connect();
        uut.c1_hit.connect();
        uut.c1_hit_way.connect();
        uut.same_bucket.connect();
        uut.same_key.connect();
        uut.pt_valid.connect();
        uut.pt2_valid.connect();
        uut.pt_way.connect();
        uut.fa.connect();
        uut.fa2.connect();
        uut.now.connect();
        uut.connect_all();
        yosys_validate("synscope_patched_view", &generate_verilog(&uut)).unwrap();
    }
}
