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
use crate::conn::way_fields::{Occupancy, WithValid};
use crate::conn::{PAIRS, WAYS, WAY_BITS};
use rust_hdl::prelude::*;

/// The bucket as the item ahead left it, and this item's match in it.
#[derive(LogicBlock)]
pub struct PatchedView {
    /// The ways as C1 aged them (`WayPair`'s `*_aged`), and whether each pair's odd way held
    /// an IPv6 continuation when C1 read it.
    pub aged: [Signal<In, EntryBits>; WAYS],
    pub cont: [Signal<In, Bit>; PAIRS],
    /// C1's match: the key is in way `c1_hit_way`; `c1_hit`: that entry is alive.
    pub c1_hit: Signal<In, Bit>,
    pub c1_hit_way: Signal<In, Bits<WAY_BITS>>,
    /// The item ahead wrote this bucket last cycle, and is a descriptor of the same
    /// connection.
    pub same_bucket: Signal<In, Bit>,
    pub same_key: Signal<In, Bit>,
    /// The item ahead's change: it changed way `pt_way` (`pt_valid`) to `fa` and, when it wrote
    /// or freed a pair (`pt2_valid`), the way after it to `fa2`; this item's time.
    pub pt_valid: Signal<In, Bit>,
    pub pt2_valid: Signal<In, Bit>,
    pub pt_way: Signal<In, Bits<WAY_BITS>>,
    pub fa: Signal<In, EntryBits>,
    pub fa2: Signal<In, EntryBits>,
    pub now: Signal<In, Bits<TIME_BITS>>,
    /// The bucket as the item ahead left it, aged to this item's time, and what holds each
    /// way (`way_choice`'s occupancy).
    pub view: [Signal<Out, EntryBits>; WAYS],
    pub slot_valid: [Signal<Out, Bit>; WAYS],
    pub slot_v6: [Signal<Out, Bit>; WAYS],
    /// Which way holds `fa`, which pair's odd way `fa2` (a continuation), and `fa`'s rank as a
    /// victim.
    pub patched: [Signal<Out, Bit>; WAYS],
    pub cont_patched: [Signal<Out, Bit>; PAIRS],
    pub fa_rank: Signal<Out, Ranked>,
    /// This item's entry: alive in way `hit_way` of the view (`hit`), as `hit_entry`.
    pub hit: Signal<Out, Bit>,
    pub hit_way: Signal<Out, Bits<WAY_BITS>>,
    pub hit_entry: Signal<Out, EntryBits>,
    fa_evict: EvictionClass,
    trk_fa_lo: Signal<Local, TrackBits>,
    trk_fa_hi: Signal<Local, TrackBits>,
    patch: Signal<Local, Bit>,
    patch2: Signal<Local, Bit>,
    pat: [Signal<Local, Bit>; WAYS],
    cpat: [Signal<Local, Bit>; PAIRS],
    /// Each way with the item ahead's words in, before a continuation's `valid` follows its
    /// head's; the view.
    pre: [Signal<Local, EntryBits>; WAYS],
    vw: [Signal<Local, EntryBits>; WAYS],
    cont_v: [Signal<Local, Bit>; PAIRS],
    /// What holds each way of the view (a pair's even way: its head, before the odd way's
    /// `valid` follows it), and each pair's odd way with its head's liveness as `valid`.
    occ: [Occupancy; WAYS],
    follow: [WithValid; PAIRS],
    /// The way C1 found the key in, as C1 aged it; C1's match gone because the item ahead
    /// wrote a continuation over it.
    c1_entry: Signal<Local, EntryBits>,
    c1_gone: Signal<Local, Bit>,
    way_no: [Constant<Bits<WAY_BITS>>; WAYS],
}

impl Default for PatchedView {
    fn default() -> Self {
        Self {
            aged: Default::default(),
            cont: Default::default(),
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
            view: Default::default(),
            slot_valid: Default::default(),
            slot_v6: Default::default(),
            patched: Default::default(),
            cont_patched: Default::default(),
            fa_rank: Default::default(),
            hit: Default::default(),
            hit_way: Default::default(),
            hit_entry: Default::default(),
            fa_evict: Default::default(),
            trk_fa_lo: Default::default(),
            trk_fa_hi: Default::default(),
            patch: Default::default(),
            patch2: Default::default(),
            pat: Default::default(),
            cpat: Default::default(),
            pre: Default::default(),
            vw: Default::default(),
            cont_v: Default::default(),
            occ: Default::default(),
            follow: Default::default(),
            c1_entry: Default::default(),
            c1_gone: Default::default(),
            way_no: std::array::from_fn(|w| Constant::new((w as u64).to_bits())),
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
        for w in 0..WAYS {
            self.pat[w].next = self.patch.val() && (self.pt_way.val() == self.way_no[w].val());
            self.pre[w].next = self.aged[w].val();
            if self.pat[w].val() {
                self.pre[w].next = self.fa.val();
            }
        }
        // The way after the patched one when the item ahead changed a pair (`pt2`).
        self.patch2.next = self.same_bucket.val() && self.pt2_valid.val();
        // A continuation is valid exactly while its head is in the patched view: the head
        // may have died there (evicted by the item ahead), or come back to life (C1 aged the
        // head as the RAM held it, before the item ahead refreshed it just in time, so C1
        // took the continuation for dead with it). Which odd ways are continuations: the
        // item ahead's pair word where it wrote one (`cont_patched`), nothing where it wrote an
        // IPv4 entry into the odd way (`patched`), else what C1 read; and its head must be IPv6
        // (an IPv4 entry may have taken the even way of a dead pair).
        for p in 0..PAIRS {
            self.cpat[p].next =
                self.patch2.val() && (self.pt_way.val() == self.way_no[2 * p].val());
            if self.cpat[p].val() {
                self.pre[2 * p + 1].next = self.fa2.val();
            }
            self.cont_v[p].next = self.cont[p].val() && !self.pat[2 * p + 1].val();
            if self.cpat[p].val() {
                self.cont_v[p].next = self.fa2.val().valid;
            }
            self.occ[2 * p].entry.next = self.pre[2 * p].val();
            self.follow[p].entry.next = self.pre[2 * p + 1].val();
            self.follow[p].valid.next = self.occ[2 * p].valid.val() && self.occ[2 * p].v6.val();
            self.vw[2 * p].next = self.pre[2 * p].val();
            self.vw[2 * p + 1].next = self.pre[2 * p + 1].val();
            if self.cont_v[p].val() {
                self.vw[2 * p + 1].next = self.follow[p].out.val();
            }
            self.occ[2 * p + 1].entry.next = self.vw[2 * p + 1].val();
        }
        for w in 0..WAYS {
            self.view[w].next = self.vw[w].val();
            self.slot_valid[w].next = self.occ[w].valid.val();
            self.slot_v6[w].next = self.occ[w].v6.val();
            self.patched[w].next = self.pat[w].val();
        }
        for p in 0..PAIRS {
            self.cont_patched[p].next = self.cpat[p].val();
        }
        // The way C1 found the key in, as C1 aged it: selected here from the registered ways
        // (a mux of registers, outside the loop through `fa`) rather than in C1, where it
        // merged into the aging logic and cost a register more (about 850 LUTs, 470 FFs).
        self.c1_entry.next = self.aged[0].val();
        for w in 1..WAYS {
            if self.c1_hit_way.val() == self.way_no[w].val() {
                self.c1_entry.next = self.aged[w].val();
            }
        }
        // The match: the same connection as the item ahead finds its entry in the patched
        // way (if it is still alive); a match C1 found in the patched way is gone (the item
        // ahead evicted it, or wrote a continuation over it); any other match C1 found stands.
        self.c1_gone.next = self.patch.val() && (self.c1_hit_way.val() == self.pt_way.val());
        for p in 0..PAIRS {
            if self.cpat[p].val() && (self.c1_hit_way.val() == self.way_no[2 * p + 1].val()) {
                self.c1_gone.next = true;
            }
        }
        if self.patch.val() && self.same_key.val() {
            self.hit.next = self.fa.val().valid;
            self.hit_way.next = self.pt_way.val();
            self.hit_entry.next = self.fa.val();
        } else {
            self.hit.next = self.c1_hit.val() && !self.c1_gone.val();
            self.hit_way.next = self.c1_hit_way.val();
            self.hit_entry.next = self.c1_entry.val();
        }
    }
}

/// Every input of `u` driven from outside (a test).
pub fn connect_inputs(u: &mut PatchedView) {
    for a in &mut u.aged {
        a.connect();
    }
    for c in &mut u.cont {
        c.connect();
    }
    u.c1_hit.connect();
    u.c1_hit_way.connect();
    u.same_bucket.connect();
    u.same_key.connect();
    u.pt_valid.connect();
    u.pt2_valid.connect();
    u.pt_way.connect();
    u.fa.connect();
    u.fa2.connect();
    u.now.connect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patched_view_is_synthesizable() {
        let mut uut = PatchedView::default();
        connect_inputs(&mut uut);
        uut.connect_all();
        yosys_validate("synscope_patched_view", &generate_verilog(&uut)).unwrap();
    }
}
