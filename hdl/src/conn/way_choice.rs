//! `way_choice`: where C2 puts a new entry of its bucket (docs/core.md, "Pipeline", C2: free /
//! victim), exactly `Table::make_room` for a bucket of [`WAYS`] = 4 ways:
//!
//! * **IPv4** takes one way: a free way whose partner (the other way of its pair) is taken,
//!   else the lowest free way, so free pairs stay for IPv6; with no free way, the victim: the
//!   way that ranks first (lowest eviction class, then longest silent, then lowest way), if its
//!   class is evictable.
//! * **IPv6** takes a pair: the lowest free pair; else the pair whose occupants are all
//!   evictable and whose last-ranked occupant ranks first (pair 0 on a tie); an IPv6 pair is
//!   ranked by its head. Every occupant of that pair is evicted (`victim_entries`).
//!
//! The ranks come in two parts, so that no compare waits for another (the C2 loop through the
//! item ahead's patch is the core's critical path): the four ways as C1 aged them (`rank*`),
//! compared pairwise, and the item ahead's new entry (`fa_rank`, in the way `patched*` marks),
//! compared with each of them; the order of each pair of ways in the bucket as the item ahead
//! left it is then one of the two. A continuation the item ahead wrote (`cont_patched*`)
//! ranks after every way. Occupancy (`slot*`) is the bucket as the item ahead left it.

use crate::conn::entry::TIME_BITS;
use crate::conn::entry_age::{CLASS_BITS, CLASS_NEVER};
use crate::conn::WAYS;
use rust_hdl::prelude::*;

const _: () = assert!(WAYS == 4, "way_choice is written for 4 ways");

/// A way's rank as a victim: its eviction class (`CLASS_NEVER`: never evicted), then its age
/// (older goes first).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Ranked {
    pub class: Bits<CLASS_BITS>,
    pub age: Bits<TIME_BITS>,
}

/// What holds a way: `valid` an entry or a continuation, `v6` of an IPv6 entry (the head in
/// an even way, the continuation in an odd one).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Occupant {
    pub valid: Bit,
    pub v6: Bit,
}

/// The way a new entry goes to: a free way (pair), else the victim's.
#[derive(LogicBlock)]
pub struct WayChoice {
    /// The new entry's key is IPv6.
    pub v6: Signal<In, Bit>,
    /// Each way's rank as C1 aged it.
    pub rank0: Signal<In, Ranked>,
    pub rank1: Signal<In, Ranked>,
    pub rank2: Signal<In, Ranked>,
    pub rank3: Signal<In, Ranked>,
    /// The item ahead's new entry, aged to this item's time, and the way it is in.
    pub fa_rank: Signal<In, Ranked>,
    pub patched0: Signal<In, Bit>,
    pub patched1: Signal<In, Bit>,
    pub patched2: Signal<In, Bit>,
    pub patched3: Signal<In, Bit>,
    /// The item ahead wrote an IPv6 entry's continuation into way 1 / 3.
    pub cont_patched1: Signal<In, Bit>,
    pub cont_patched3: Signal<In, Bit>,
    /// What holds each way, as the item ahead left the bucket.
    pub slot0: Signal<In, Occupant>,
    pub slot1: Signal<In, Occupant>,
    pub slot2: Signal<In, Occupant>,
    pub slot3: Signal<In, Occupant>,
    /// A free way (IPv4) or pair (IPv6: its even way) is there, and which.
    pub free_any: Signal<Out, Bit>,
    pub free_way: Signal<Out, Bits<2>>,
    /// The victim is evictable, its way (IPv6: the pair's even way), and the entries its
    /// eviction removes (IPv6: those of the pair).
    pub victim_ok: Signal<Out, Bit>,
    pub victim_way: Signal<Out, Bits<2>>,
    pub victim_entries: Signal<Out, Bits<2>>,
    vclass0: Signal<Local, Bits<CLASS_BITS>>,
    vclass1: Signal<Local, Bits<CLASS_BITS>>,
    vclass2: Signal<Local, Bits<CLASS_BITS>>,
    vclass3: Signal<Local, Bits<CLASS_BITS>>,
    rcls0: Signal<Local, Bits<CLASS_BITS>>,
    rcls1: Signal<Local, Bits<CLASS_BITS>>,
    free0: Signal<Local, Bit>,
    free1: Signal<Local, Bit>,
    free2: Signal<Local, Bit>,
    free3: Signal<Local, Bit>,
    free_any4: Signal<Local, Bit>,
    free_pair0: Signal<Local, Bit>,
    free_pair1: Signal<Local, Bit>,
    bu01: Signal<Local, Bit>,
    bu02: Signal<Local, Bit>,
    bu03: Signal<Local, Bit>,
    bu12: Signal<Local, Bit>,
    bu13: Signal<Local, Bit>,
    bu23: Signal<Local, Bit>,
    fb0: Signal<Local, Bit>,
    fb1: Signal<Local, Bit>,
    fb2: Signal<Local, Bit>,
    wb1: Signal<Local, Bit>,
    wb2: Signal<Local, Bit>,
    wb3: Signal<Local, Bit>,
    b01: Signal<Local, Bit>,
    b02: Signal<Local, Bit>,
    b03: Signal<Local, Bit>,
    b12: Signal<Local, Bit>,
    b13: Signal<Local, Bit>,
    b23: Signal<Local, Bit>,
    victim_ok4: Signal<Local, Bit>,
    ev_pair0: Signal<Local, Bit>,
    ev_pair1: Signal<Local, Bit>,
    r10: Signal<Local, Bit>,
    victim_ok6: Signal<Local, Bit>,
    free_way4: Signal<Local, Bits<2>>,
    victim_way4: Signal<Local, Bits<2>>,
    rep0: Signal<Local, Bits<2>>,
    rep1: Signal<Local, Bits<2>>,
    victim_way6: Signal<Local, Bits<2>>,
    n_pair0: Signal<Local, Bits<2>>,
    n_pair1: Signal<Local, Bits<2>>,
    way0: Constant<Bits<2>>,
    way1: Constant<Bits<2>>,
    way2: Constant<Bits<2>>,
    way3: Constant<Bits<2>>,
    class_never: Constant<Bits<CLASS_BITS>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
}

impl Default for WayChoice {
    fn default() -> Self {
        Self {
            v6: Default::default(),
            rank0: Default::default(),
            rank1: Default::default(),
            rank2: Default::default(),
            rank3: Default::default(),
            fa_rank: Default::default(),
            patched0: Default::default(),
            patched1: Default::default(),
            patched2: Default::default(),
            patched3: Default::default(),
            cont_patched1: Default::default(),
            cont_patched3: Default::default(),
            slot0: Default::default(),
            slot1: Default::default(),
            slot2: Default::default(),
            slot3: Default::default(),
            free_any: Default::default(),
            free_way: Default::default(),
            victim_ok: Default::default(),
            victim_way: Default::default(),
            victim_entries: Default::default(),
            vclass0: Default::default(),
            vclass1: Default::default(),
            vclass2: Default::default(),
            vclass3: Default::default(),
            rcls0: Default::default(),
            rcls1: Default::default(),
            free0: Default::default(),
            free1: Default::default(),
            free2: Default::default(),
            free3: Default::default(),
            free_any4: Default::default(),
            free_pair0: Default::default(),
            free_pair1: Default::default(),
            bu01: Default::default(),
            bu02: Default::default(),
            bu03: Default::default(),
            bu12: Default::default(),
            bu13: Default::default(),
            bu23: Default::default(),
            fb0: Default::default(),
            fb1: Default::default(),
            fb2: Default::default(),
            wb1: Default::default(),
            wb2: Default::default(),
            wb3: Default::default(),
            b01: Default::default(),
            b02: Default::default(),
            b03: Default::default(),
            b12: Default::default(),
            b13: Default::default(),
            b23: Default::default(),
            victim_ok4: Default::default(),
            ev_pair0: Default::default(),
            ev_pair1: Default::default(),
            r10: Default::default(),
            victim_ok6: Default::default(),
            free_way4: Default::default(),
            victim_way4: Default::default(),
            rep0: Default::default(),
            rep1: Default::default(),
            victim_way6: Default::default(),
            n_pair0: Default::default(),
            n_pair1: Default::default(),
            way0: Constant::new(0u64.to_bits()),
            way1: Constant::new(1u64.to_bits()),
            way2: Constant::new(2u64.to_bits()),
            way3: Constant::new(3u64.to_bits()),
            class_never: Constant::new(CLASS_NEVER.to_bits()),
            zero2: Constant::new(0u64.to_bits()),
            one2: Constant::new(1u64.to_bits()),
        }
    }
}

impl Logic for WayChoice {
    #[hdl_gen]
    fn update(&mut self) {
        // ---- the bucket's classes as the item ahead left it
        self.vclass0.next = self.rank0.val().class;
        if self.patched0.val() {
            self.vclass0.next = self.fa_rank.val().class;
        }
        self.vclass1.next = self.rank1.val().class;
        if self.patched1.val() {
            self.vclass1.next = self.fa_rank.val().class;
        }
        if self.cont_patched1.val() {
            self.vclass1.next = self.class_never.val();
        }
        self.vclass2.next = self.rank2.val().class;
        if self.patched2.val() {
            self.vclass2.next = self.fa_rank.val().class;
        }
        self.vclass3.next = self.rank3.val().class;
        if self.patched3.val() {
            self.vclass3.next = self.fa_rank.val().class;
        }
        if self.cont_patched3.val() {
            self.vclass3.next = self.class_never.val();
        }

        // ---- free ways. IPv4: a free way whose partner (the other way of its pair) is
        // taken, else the lowest free way, so free pairs stay for IPv6. IPv6: the lowest free
        // pair.
        self.free0.next = !self.slot0.val().valid;
        self.free1.next = !self.slot1.val().valid;
        self.free2.next = !self.slot2.val().valid;
        self.free3.next = !self.slot3.val().valid;
        self.free_any4.next =
            self.free0.val() || self.free1.val() || self.free2.val() || self.free3.val();
        if self.free0.val() && !self.free1.val() {
            self.free_way4.next = self.way0.val();
        } else if self.free1.val() && !self.free0.val() {
            self.free_way4.next = self.way1.val();
        } else if self.free2.val() && !self.free3.val() {
            self.free_way4.next = self.way2.val();
        } else if self.free3.val() && !self.free2.val() {
            self.free_way4.next = self.way3.val();
        } else if self.free0.val() {
            self.free_way4.next = self.way0.val();
        } else {
            self.free_way4.next = self.way2.val();
        }
        self.free_pair0.next = self.free0.val() && self.free1.val();
        self.free_pair1.next = self.free2.val() && self.free3.val();
        if self.v6.val() {
            self.free_any.next = self.free_pair0.val() || self.free_pair1.val();
        } else {
            self.free_any.next = self.free_any4.val();
        }
        if self.free_pair0.val() {
            self.free_way.next = self.way0.val();
        } else {
            self.free_way.next = self.way2.val();
        }
        if !self.v6.val() {
            self.free_way.next = self.free_way4.val();
        }

        // ---- the victim (all ways alive): lowest class, then oldest, then lowest way.
        // Pairwise, side by side (no compare after a compare): `bu_ij` = way j ranks before
        // way i (i < j) as C1 aged them; `fb_i` = the patched way's entry ranks before way i,
        // `wb_i` = way i ranks before it (`fb3`, `wb0` are never needed); `b_ij` the pair's
        // order in the patched view.
        self.bu01.next = (self.rank1.val().class < self.rank0.val().class)
            || ((self.rank1.val().class == self.rank0.val().class)
                && (self.rank1.val().age > self.rank0.val().age));
        self.bu02.next = (self.rank2.val().class < self.rank0.val().class)
            || ((self.rank2.val().class == self.rank0.val().class)
                && (self.rank2.val().age > self.rank0.val().age));
        self.bu03.next = (self.rank3.val().class < self.rank0.val().class)
            || ((self.rank3.val().class == self.rank0.val().class)
                && (self.rank3.val().age > self.rank0.val().age));
        self.bu12.next = (self.rank2.val().class < self.rank1.val().class)
            || ((self.rank2.val().class == self.rank1.val().class)
                && (self.rank2.val().age > self.rank1.val().age));
        self.bu13.next = (self.rank3.val().class < self.rank1.val().class)
            || ((self.rank3.val().class == self.rank1.val().class)
                && (self.rank3.val().age > self.rank1.val().age));
        self.bu23.next = (self.rank3.val().class < self.rank2.val().class)
            || ((self.rank3.val().class == self.rank2.val().class)
                && (self.rank3.val().age > self.rank2.val().age));
        self.fb0.next = (self.fa_rank.val().class < self.rank0.val().class)
            || ((self.fa_rank.val().class == self.rank0.val().class)
                && (self.fa_rank.val().age > self.rank0.val().age));
        self.fb1.next = (self.fa_rank.val().class < self.rank1.val().class)
            || ((self.fa_rank.val().class == self.rank1.val().class)
                && (self.fa_rank.val().age > self.rank1.val().age));
        self.wb1.next = (self.rank1.val().class < self.fa_rank.val().class)
            || ((self.rank1.val().class == self.fa_rank.val().class)
                && (self.rank1.val().age > self.fa_rank.val().age));
        self.fb2.next = (self.fa_rank.val().class < self.rank2.val().class)
            || ((self.fa_rank.val().class == self.rank2.val().class)
                && (self.fa_rank.val().age > self.rank2.val().age));
        self.wb2.next = (self.rank2.val().class < self.fa_rank.val().class)
            || ((self.rank2.val().class == self.fa_rank.val().class)
                && (self.rank2.val().age > self.fa_rank.val().age));
        self.wb3.next = (self.rank3.val().class < self.fa_rank.val().class)
            || ((self.rank3.val().class == self.fa_rank.val().class)
                && (self.rank3.val().age > self.fa_rank.val().age));
        if self.patched1.val() {
            self.b01.next = self.fb0.val();
        } else if self.patched0.val() {
            self.b01.next = self.wb1.val();
        } else {
            self.b01.next = self.bu01.val();
        }
        if self.patched2.val() {
            self.b02.next = self.fb0.val();
        } else if self.patched0.val() {
            self.b02.next = self.wb2.val();
        } else {
            self.b02.next = self.bu02.val();
        }
        if self.patched3.val() {
            self.b03.next = self.fb0.val();
        } else if self.patched0.val() {
            self.b03.next = self.wb3.val();
        } else {
            self.b03.next = self.bu03.val();
        }
        if self.patched2.val() {
            self.b12.next = self.fb1.val();
        } else if self.patched1.val() {
            self.b12.next = self.wb2.val();
        } else {
            self.b12.next = self.bu12.val();
        }
        if self.patched3.val() {
            self.b13.next = self.fb1.val();
        } else if self.patched1.val() {
            self.b13.next = self.wb3.val();
        } else {
            self.b13.next = self.bu13.val();
        }
        if self.patched3.val() {
            self.b23.next = self.fb2.val();
        } else if self.patched2.val() {
            self.b23.next = self.wb3.val();
        } else {
            self.b23.next = self.bu23.val();
        }
        // A continuation the item ahead wrote (`pv*`) is never evicted on its own: it ranks
        // after every way (only the order against the victim matters).
        if self.cont_patched1.val() {
            self.b01.next = false;
            self.b12.next = true;
            self.b13.next = true;
        }
        if self.cont_patched3.val() {
            self.b03.next = false;
            self.b13.next = false;
            self.b23.next = false;
        }
        // The way every lower way ranks after and no higher way ranks before (a total
        // order: exactly one).
        if !self.b01.val() && !self.b02.val() && !self.b03.val() {
            self.victim_way4.next = self.way0.val();
        } else if self.b01.val() && !self.b12.val() && !self.b13.val() {
            self.victim_way4.next = self.way1.val();
        } else if self.b02.val() && self.b12.val() && !self.b23.val() {
            self.victim_way4.next = self.way2.val();
        } else {
            self.victim_way4.next = self.way3.val();
        }
        // The victim has the lowest class: evictable iff some way is.
        self.victim_ok4.next = (self.vclass0.val() != self.class_never.val())
            || (self.vclass1.val() != self.class_never.val())
            || (self.vclass2.val() != self.class_never.val())
            || (self.vclass3.val() != self.class_never.val());
        // IPv6: a pair to clear. Each pair is ranked by the occupant that ranks last (an IPv6
        // pair by its head); a pair is evictable iff that one is; the pair whose rank comes
        // first goes (pair 0 on a tie).
        if self.slot0.val().valid && self.slot0.val().v6 {
            self.rep0.next = self.way0.val();
        } else if self.slot0.val().valid && self.slot1.val().valid {
            if self.b01.val() {
                self.rep0.next = self.way0.val();
            } else {
                self.rep0.next = self.way1.val();
            }
        } else if self.slot0.val().valid {
            self.rep0.next = self.way0.val();
        } else {
            self.rep0.next = self.way1.val();
        }
        if self.slot2.val().valid && self.slot2.val().v6 {
            self.rep1.next = self.way2.val();
        } else if self.slot2.val().valid && self.slot3.val().valid {
            if self.b23.val() {
                self.rep1.next = self.way2.val();
            } else {
                self.rep1.next = self.way3.val();
            }
        } else if self.slot2.val().valid {
            self.rep1.next = self.way2.val();
        } else {
            self.rep1.next = self.way3.val();
        }
        self.rcls0.next = self.vclass1.val();
        if self.rep0.val() == self.way0.val() {
            self.rcls0.next = self.vclass0.val();
        }
        self.rcls1.next = self.vclass3.val();
        if self.rep1.val() == self.way2.val() {
            self.rcls1.next = self.vclass2.val();
        }
        self.ev_pair0.next = self.rcls0.val() != self.class_never.val();
        self.ev_pair1.next = self.rcls1.val() != self.class_never.val();
        // rep1 ranks before rep0.
        if self.rep0.val() == self.way0.val() {
            if self.rep1.val() == self.way2.val() {
                self.r10.next = self.b02.val();
            } else {
                self.r10.next = self.b03.val();
            }
        } else if self.rep1.val() == self.way2.val() {
            self.r10.next = self.b12.val();
        } else {
            self.r10.next = self.b13.val();
        }
        self.victim_ok6.next = self.ev_pair0.val() || self.ev_pair1.val();
        self.victim_way6.next = self.way0.val();
        if self.ev_pair1.val() && (!self.ev_pair0.val() || self.r10.val()) {
            self.victim_way6.next = self.way2.val();
        }
        // Entries in each pair (a continuation is not one).
        self.n_pair0.next = self.zero2.val();
        if self.slot0.val().valid {
            self.n_pair0.next = self.one2.val();
        }
        if self.slot1.val().valid && !self.slot1.val().v6 {
            self.n_pair0.next = self.n_pair0.val() + self.one2.val();
        }
        self.n_pair1.next = self.zero2.val();
        if self.slot2.val().valid {
            self.n_pair1.next = self.one2.val();
        }
        if self.slot3.val().valid && !self.slot3.val().v6 {
            self.n_pair1.next = self.n_pair1.val() + self.one2.val();
        }
        if self.v6.val() {
            self.victim_way.next = self.victim_way6.val();
            self.victim_ok.next = self.victim_ok6.val();
        } else {
            self.victim_way.next = self.victim_way4.val();
            self.victim_ok.next = self.victim_ok4.val();
        }
        self.victim_entries.next = self.one2.val();
        if self.v6.val() {
            if self.victim_way6.val() == self.way0.val() {
                self.victim_entries.next = self.n_pair0.val();
            } else {
                self.victim_entries.next = self.n_pair1.val();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn way_choice_is_synthesizable() {
        let mut uut = WayChoice::default();
        uut.v6.connect();
        uut.rank0.connect();
        uut.rank1.connect();
        uut.rank2.connect();
        uut.rank3.connect();
        uut.fa_rank.connect();
        uut.patched0.connect();
        uut.patched1.connect();
        uut.patched2.connect();
        uut.patched3.connect();
        uut.cont_patched1.connect();
        uut.cont_patched3.connect();
        uut.slot0.connect();
        uut.slot1.connect();
        uut.slot2.connect();
        uut.slot3.connect();
        uut.connect_all();
        yosys_validate("synscope_way_choice", &generate_verilog(&uut)).unwrap();
    }
}
