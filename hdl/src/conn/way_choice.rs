//! `way_choice`: where C2 puts a new entry of its bucket (docs/core.md, "Pipeline", C2: free /
//! victim), exactly `Table::make_room` for a bucket of [`WAYS`] ways ([`PAIRS`] pairs):
//!
//! * **IPv4** takes one way: a free way whose partner (the other way of its pair) is taken,
//!   else the lowest free way, so free pairs stay for IPv6; with no free way, the victim: the
//!   way that ranks first (lowest eviction class, then longest silent, then lowest way), if its
//!   class is evictable.
//! * **IPv6** takes a pair: the lowest free pair; else the pair whose occupants are all
//!   evictable and whose last-ranked occupant ranks first (the lowest pair on a tie); an IPv6
//!   pair is ranked by its head. Every occupant of that pair is evicted (`victim_entries`).
//!
//! The ranks come in two parts, so that no compare waits for another (the C2 loop through the
//! item ahead's patch is the core's critical path): the ways as C1 aged them (`rank_class`,
//! `rank_age`), compared pairwise, and the item ahead's new entry (`fa_rank`, in the way
//! `patched` marks), compared with each of them; the order of each pair of ways in the bucket
//! as the item ahead left it is then one of the two. A continuation the item ahead wrote
//! (`cont_patched`, the odd way of a pair) ranks after every way. Occupancy (`slot_*`) is the
//! bucket as the item ahead left it.
//!
//! **Loops.** The ways are arrays and `for` loops; a pair of ways `(i, j)` is entry
//! `i * WAYS + j` of a square array (entries on both sides of the diagonal are filled, the
//! lower one as the negation of the upper, so that every entry is driven and read). rust-hdl
//! evaluates an array index with the loop variables alone, so a loop that must run downwards
//! (the lowest way's assignment last, so that it wins) is wrapped in a one-pass loop
//! `for nw in WAYS..WAYS_END` that makes the number of ways a loop variable (`np`: of pairs).

use crate::conn::entry::TIME_BITS;
use crate::conn::entry_age::{CLASS_BITS, CLASS_NEVER};
use crate::conn::{PAIRS, WAYS, WAY_BITS};
use rust_hdl::prelude::*;

// Loop bounds (a bound is a constant, not an expression).
const WAYS_END: usize = WAYS + 1;
const PAIRS_END: usize = PAIRS + 1;
const WAYS_SQUARED: usize = WAYS * WAYS;
const PAIRS_BUT_ONE: usize = PAIRS - 1;

/// A way's rank as a victim: its eviction class (`CLASS_NEVER`: never evicted), then its age
/// (older goes first).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Ranked {
    pub class: Bits<CLASS_BITS>,
    pub age: Bits<TIME_BITS>,
}

/// The way a new entry goes to: a free way (pair), else the victim's.
#[derive(LogicBlock)]
pub struct WayChoice {
    /// The new entry's key is IPv6.
    pub v6: Signal<In, Bit>,
    /// Each way's rank as C1 aged it: eviction class and age.
    pub rank_class: [Signal<In, Bits<CLASS_BITS>>; WAYS],
    pub rank_age: [Signal<In, Bits<TIME_BITS>>; WAYS],
    /// The item ahead's new entry, aged to this item's time, and the way it is in.
    pub fa_rank: Signal<In, Ranked>,
    pub patched: [Signal<In, Bit>; WAYS],
    /// The item ahead wrote an IPv6 entry's continuation into pair `p`'s odd way.
    pub cont_patched: [Signal<In, Bit>; PAIRS],
    /// What holds each way, as the item ahead left the bucket: an entry or a continuation
    /// (`slot_valid`), of an IPv6 entry (`slot_v6`: the head in an even way, the continuation
    /// in an odd one).
    pub slot_valid: [Signal<In, Bit>; WAYS],
    pub slot_v6: [Signal<In, Bit>; WAYS],
    /// A free way (IPv4) or pair (IPv6: its even way) is there, and which.
    pub free_any: Signal<Out, Bit>,
    pub free_way: Signal<Out, Bits<WAY_BITS>>,
    /// The victim is evictable, its way (IPv6: the pair's even way), and the entries its
    /// eviction removes (IPv6: those of the pair).
    pub victim_ok: Signal<Out, Bit>,
    pub victim_way: Signal<Out, Bits<WAY_BITS>>,
    pub victim_entries: Signal<Out, Bits<2>>,
    /// Each way's class as the item ahead left it.
    vclass: [Signal<Local, Bits<CLASS_BITS>>; WAYS],
    free: [Signal<Local, Bit>; WAYS],
    free_pair: [Signal<Local, Bit>; PAIRS],
    /// `before[i * WAYS + j]`: way `j` ranks before way `i` in the patched view.
    before: [Signal<Local, Bit>; WAYS * WAYS],
    /// The way no other way ranks before (exactly one: a total order).
    first: [Signal<Local, Bit>; WAYS],
    /// Per pair: which occupant ranks last (the odd one), its class, evictable.
    rep_odd: [Signal<Local, Bit>; PAIRS],
    rcls: [Signal<Local, Bits<CLASS_BITS>>; PAIRS],
    ev_pair: [Signal<Local, Bit>; PAIRS],
    /// `pair_before[p * PAIRS + q]`: pair `q`'s last-ranked occupant ranks before pair `p`'s.
    pair_before: [Signal<Local, Bit>; PAIRS * PAIRS],
    first_pair: [Signal<Local, Bit>; PAIRS],
    /// Entries in each pair (a continuation is not one).
    n_pair: [Signal<Local, Bits<2>>; PAIRS],
    free_any4: Signal<Local, Bit>,
    free_any6: Signal<Local, Bit>,
    free_way4: Signal<Local, Bits<WAY_BITS>>,
    free_way6: Signal<Local, Bits<WAY_BITS>>,
    victim_ok4: Signal<Local, Bit>,
    victim_ok6: Signal<Local, Bit>,
    victim_way4: Signal<Local, Bits<WAY_BITS>>,
    victim_way6: Signal<Local, Bits<WAY_BITS>>,
    way_no: [Constant<Bits<WAY_BITS>>; WAYS],
    class_never: Constant<Bits<CLASS_BITS>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
}

impl Default for WayChoice {
    fn default() -> Self {
        Self {
            v6: Default::default(),
            rank_class: Default::default(),
            rank_age: Default::default(),
            fa_rank: Default::default(),
            patched: Default::default(),
            cont_patched: Default::default(),
            slot_valid: Default::default(),
            slot_v6: Default::default(),
            free_any: Default::default(),
            free_way: Default::default(),
            victim_ok: Default::default(),
            victim_way: Default::default(),
            victim_entries: Default::default(),
            vclass: Default::default(),
            free: Default::default(),
            free_pair: Default::default(),
            before: std::array::from_fn(|_| Default::default()),
            first: Default::default(),
            rep_odd: Default::default(),
            rcls: Default::default(),
            ev_pair: Default::default(),
            pair_before: Default::default(),
            first_pair: Default::default(),
            n_pair: Default::default(),
            free_any4: Default::default(),
            free_any6: Default::default(),
            free_way4: Default::default(),
            free_way6: Default::default(),
            victim_ok4: Default::default(),
            victim_ok6: Default::default(),
            victim_way4: Default::default(),
            victim_way6: Default::default(),
            way_no: std::array::from_fn(|w| Constant::new((w as u64).to_bits())),
            class_never: Constant::new(CLASS_NEVER.to_bits()),
            zero2: Constant::new(0u64.to_bits()),
            one2: Constant::new(1u64.to_bits()),
        }
    }
}

impl Logic for WayChoice {
    #[hdl_gen]
    fn update(&mut self) {
        // One pass: the number of ways and of pairs as loop variables, for the array
        // indices (see "Loops" above).
        for nw in WAYS..WAYS_END {
            for np in PAIRS..PAIRS_END {
                // ---- the bucket's classes as the item ahead left it; free ways and pairs
                for w in 0..WAYS {
                    self.vclass[w].next = self.rank_class[w].val();
                    if self.patched[w].val() {
                        self.vclass[w].next = self.fa_rank.val().class;
                    }
                    self.free[w].next = !self.slot_valid[w].val();
                }
                for p in 0..PAIRS {
                    if self.cont_patched[p].val() {
                        self.vclass[2 * p + 1].next = self.class_never.val();
                    }
                    self.free_pair[p].next = self.free[2 * p].val() && self.free[2 * p + 1].val();
                }

                // ---- free ways. IPv4: a free way whose partner (the other way of its pair) is
                // taken, else the lowest free way, so free pairs stay for IPv6. IPv6: the lowest free
                // pair. Downwards, so that the lowest way's assignment comes last and wins.
                self.free_any4.next = false;
                for w in 0..WAYS {
                    self.free_any4.next = self.free_any4.val() || self.free[w].val();
                }
                self.free_any6.next = false;
                for p in 0..PAIRS {
                    self.free_any6.next = self.free_any6.val() || self.free_pair[p].val();
                }
                self.free_way4.next = self.way_no[2 * np - 2].val();
                self.free_way6.next = self.way_no[2 * np - 2].val();
                for k in 0..PAIRS {
                    if self.free[2 * (np - 1 - k)].val() {
                        self.free_way4.next = self.way_no[2 * (np - 1 - k)].val();
                    }
                    if self.free_pair[np - 1 - k].val() {
                        self.free_way6.next = self.way_no[2 * (np - 1 - k)].val();
                    }
                }
                for k in 0..PAIRS {
                    if self.free[2 * (np - 1 - k) + 1].val() && !self.free[2 * (np - 1 - k)].val() {
                        self.free_way4.next = self.way_no[2 * (np - 1 - k) + 1].val();
                    }
                    if self.free[2 * (np - 1 - k)].val() && !self.free[2 * (np - 1 - k) + 1].val() {
                        self.free_way4.next = self.way_no[2 * (np - 1 - k)].val();
                    }
                }
                if self.v6.val() {
                    self.free_any.next = self.free_any6.val();
                    self.free_way.next = self.free_way6.val();
                } else {
                    self.free_any.next = self.free_any4.val();
                    self.free_way.next = self.free_way4.val();
                }

                for i in 0..WAYS_SQUARED {
                    self.before[i].next = false;
                }
                // ---- the victim (all ways alive): lowest class, then oldest, then lowest way.
                // Pairwise, side by side (no compare after a compare): for ways i < j, whether way j
                // ranks before way i: compared as C1 aged them, or the patched way's entry (`fa_rank`)
                // against the other's, when one of them is patched.
                for i in 0..WAYS {
                    for j in 0..WAYS {
                        if i < j {
                            if self.patched[j].val() {
                                self.before[i * nw + j].next = (self.fa_rank.val().class
                                    < self.rank_class[i].val())
                                    || ((self.fa_rank.val().class == self.rank_class[i].val())
                                        && (self.fa_rank.val().age > self.rank_age[i].val()));
                            } else if self.patched[i].val() {
                                self.before[i * nw + j].next = (self.rank_class[j].val()
                                    < self.fa_rank.val().class)
                                    || ((self.rank_class[j].val() == self.fa_rank.val().class)
                                        && (self.rank_age[j].val() > self.fa_rank.val().age));
                            } else {
                                self.before[i * nw + j].next = (self.rank_class[j].val()
                                    < self.rank_class[i].val())
                                    || ((self.rank_class[j].val() == self.rank_class[i].val())
                                        && (self.rank_age[j].val() > self.rank_age[i].val()));
                            }
                        }
                    }
                }
                // A continuation the item ahead wrote is never evicted on its own: it ranks after
                // every way (only the order against the victim matters).
                for p in 0..PAIRS {
                    for i in 0..WAYS {
                        if self.cont_patched[p].val() {
                            if i < 2 * p + 1 {
                                self.before[i * nw + 2 * p + 1].next = false;
                            }
                            if i > 2 * p + 1 {
                                self.before[(2 * p + 1) * nw + i].next = true;
                            }
                        }
                    }
                }
                // The other side of the diagonal: way i ranks before way j (i < j) iff way j does
                // not rank before way i.
                for i in 0..WAYS {
                    for j in 0..WAYS {
                        if i > j {
                            self.before[i * nw + j].next = !self.before[j * nw + i].val();
                        }
                        if i == j {
                            self.before[i * nw + j].next = false;
                        }
                    }
                }
                // The way no other way ranks before (a total order: exactly one); downwards, so the
                // decode is the chain "way 0 if first, else way 1 if first, ...".
                for v in 0..WAYS {
                    self.first[v].next = true;
                    for u in 0..WAYS {
                        self.first[v].next = self.first[v].val() && !self.before[v * nw + u].val();
                    }
                }
                self.victim_way4.next = self.way_no[nw - 1].val();
                for k in 1..WAYS {
                    if self.first[nw - 1 - k].val() {
                        self.victim_way4.next = self.way_no[nw - 1 - k].val();
                    }
                }
                // The victim has the lowest class: evictable iff some way is.
                self.victim_ok4.next = false;
                for w in 0..WAYS {
                    self.victim_ok4.next =
                        self.victim_ok4.val() || (self.vclass[w].val() != self.class_never.val());
                }

                // ---- IPv6: a pair to clear. Each pair is ranked by the occupant that ranks last (an
                // IPv6 pair by its head); a pair is evictable iff that one is; the pair whose rank
                // comes first goes (the lowest pair on a tie).
                for p in 0..PAIRS {
                    if self.slot_valid[2 * p].val() && self.slot_v6[2 * p].val() {
                        self.rep_odd[p].next = false;
                    } else if self.slot_valid[2 * p].val() && self.slot_valid[2 * p + 1].val() {
                        self.rep_odd[p].next = !self.before[2 * p * nw + 2 * p + 1].val();
                    } else {
                        self.rep_odd[p].next = !self.slot_valid[2 * p].val();
                    }
                    self.rcls[p].next = self.vclass[2 * p].val();
                    if self.rep_odd[p].val() {
                        self.rcls[p].next = self.vclass[2 * p + 1].val();
                    }
                    self.ev_pair[p].next = self.rcls[p].val() != self.class_never.val();
                    self.n_pair[p].next = self.zero2.val();
                    if self.slot_valid[2 * p].val() {
                        self.n_pair[p].next = self.one2.val();
                    }
                    if self.slot_valid[2 * p + 1].val() && !self.slot_v6[2 * p + 1].val() {
                        self.n_pair[p].next = self.n_pair[p].val() + self.one2.val();
                    }
                }
                // Pair q's occupant that ranks last ranks before pair p's: one of the four orders of
                // their ways.
                for p in 0..PAIRS {
                    for q in 0..PAIRS {
                        if p == q {
                            self.pair_before[p * np + q].next = false;
                        } else if !self.rep_odd[p].val() && !self.rep_odd[q].val() {
                            self.pair_before[p * np + q].next =
                                self.before[2 * p * nw + 2 * q].val();
                        } else if !self.rep_odd[p].val() {
                            self.pair_before[p * np + q].next =
                                self.before[2 * p * nw + 2 * q + 1].val();
                        } else if !self.rep_odd[q].val() {
                            self.pair_before[p * np + q].next =
                                self.before[(2 * p + 1) * nw + 2 * q].val();
                        } else {
                            self.pair_before[p * np + q].next =
                                self.before[(2 * p + 1) * nw + 2 * q + 1].val();
                        }
                    }
                }
                self.victim_ok6.next = false;
                for p in 0..PAIRS {
                    self.victim_ok6.next = self.victim_ok6.val() || self.ev_pair[p].val();
                    self.first_pair[p].next = self.ev_pair[p].val();
                    for q in 0..PAIRS {
                        self.first_pair[p].next = self.first_pair[p].val()
                            && (!self.ev_pair[q].val() || !self.pair_before[p * np + q].val());
                    }
                }
                self.victim_way6.next = self.way_no[0].val();
                for k in 0..PAIRS_BUT_ONE {
                    if self.first_pair[np - 1 - k].val() {
                        self.victim_way6.next = self.way_no[2 * (np - 1 - k)].val();
                    }
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
                    for p in 0..PAIRS {
                        if self.victim_way6.val() == self.way_no[2 * p].val() {
                            self.victim_entries.next = self.n_pair[p].val();
                        }
                    }
                }
            }
        }
    }
}

/// Every input of `u` driven from outside (a top, or a test).
pub fn connect_inputs(u: &mut WayChoice) {
    u.v6.connect();
    u.fa_rank.connect();
    for w in 0..WAYS {
        u.rank_class[w].connect();
        u.rank_age[w].connect();
        u.patched[w].connect();
        u.slot_valid[w].connect();
        u.slot_v6[w].connect();
    }
    for p in 0..PAIRS {
        u.cont_patched[p].connect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn way_choice_is_synthesizable() {
        let mut uut = WayChoice::default();
        connect_inputs(&mut uut);
        uut.connect_all();
        yosys_validate("synscope_way_choice", &generate_verilog(&uut)).unwrap();
    }
}
