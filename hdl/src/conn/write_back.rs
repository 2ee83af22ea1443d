//! `write_back`: the end of stage C2 (docs/core.md, "Pipeline", "Read-after-write: every
//! hazard"): the bucket written back (the patched view, aged to this item's time, with the
//! applied entry in its way and, for a new entry in an even way, the way after it: an IPv6
//! entry's continuation, or the continuation an IPv4 entry's eviction frees), and what the
//! write leaves for the items behind it:
//! * the item two behind read the RAM at the edge of this write: `fwd*` keep the words
//!   written and `use_fwd` says C1 takes them (the bucket R reads now is the one written);
//! * the item one behind (in C1 now) read the bucket before it: the patch, `pt_way` and `fa`
//!   (this item's new entry aged, by `age4`, to that item's time) and `pt2_valid`/`fa2` (the
//!   way after it). An entry the segment kept unchanged needs no patch: the successor's view
//!   of it is this item's, aged further (aging composes).
//!
//! What the write-back does to the gauges and the dead ways it removes (`expired`) are its
//! [`GaugeSnap`]'s: the bucket before it (as C1 read it, or `fwd` when the item ahead wrote it)
//! and after it, registered for the O stage's `counter_bank`.

use crate::conn::counter_bank::WaySnap;
use crate::conn::entry::{AsEntry, ContBits, EntryBits, ENTRY_BITS, TIME_BITS, TOP_IP_BITS};
use crate::conn::entry_age::{EntryAge, TimeoutBits};
use crate::conn::gauge_snap::GaugeSnap;
use crate::conn::way_fields::WithValid;
use crate::conn::{PAIRS, WAYS, WAY_BITS, WAY_COUNT_BITS};
use rust_hdl::prelude::*;

/// The write-back of a bucket of `2^B`, with its forwarding registers.
#[derive(LogicBlock)]
pub struct WriteBack<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: no forwarding, no patch.
    pub reset: Signal<In, Bit>,
    /// A key load empties the table: nothing written under the old key is forwarded.
    pub key_load: Signal<In, Bit>,
    /// This item writes its bucket (a descriptor or a sweep visit, not one a key load
    /// killed) at this edge; the bucket, and the one R reads at this edge.
    pub write: Signal<In, Bit>,
    pub bucket: Signal<In, Bits<B>>,
    pub r_bucket: Signal<In, Bits<B>>,
    /// The bucket as the item ahead left it, aged to this item's time (`patched_view`): the
    /// ways, which are alive (`valid`), and which pairs hold an IPv6 head (`v6` of the even
    /// way).
    pub view: [Signal<In, EntryBits>; WAYS],
    pub alive: [Signal<In, Bit>; WAYS],
    pub head_v6: [Signal<In, Bit>; PAIRS],
    /// `entry_route`: the segment applied to the entry in way `sel_way`, a new one
    /// (`created`), in place of a victim (`evicted`).
    pub applied: Signal<In, Bit>,
    pub created: Signal<In, Bit>,
    pub evicted: Signal<In, Bit>,
    pub sel_way: Signal<In, Bits<WAY_BITS>>,
    /// The key is IPv6, and its addresses' top bits (a new continuation's).
    pub v6: Signal<In, Bit>,
    pub lo_top: Signal<In, Bits<TOP_IP_BITS>>,
    pub hi_top: Signal<In, Bits<TOP_IP_BITS>>,
    /// `segment_apply`: the entry after the segment, and whether it kept the entry as it was.
    pub entry_out: Signal<In, EntryBits>,
    pub kept: Signal<In, Bit>,
    /// The time of the item in C1 (the successor) and the timeouts, to age `fa` for it.
    pub next_now: Signal<In, Bits<TIME_BITS>>,
    pub timeouts: Signal<In, TimeoutBits>,
    /// The ways as C1 read them (`WayPair`'s `*_old`), and whether the item ahead wrote this
    /// bucket (then the bucket before this write is `fwd`), for the gauges.
    pub read: [Signal<In, WaySnap>; WAYS],
    pub same_bucket: Signal<In, Bit>,
    /// This cycle: the dead ways the write-back removes.
    pub expired: Signal<Out, Bits<WAY_COUNT_BITS>>,
    /// Registered (O): a write-back happened, the bucket's snapshots before and after it.
    pub gauge_valid: Signal<Out, Bit>,
    pub snap_old: [Signal<Out, WaySnap>; WAYS],
    pub snap_new: [Signal<Out, WaySnap>; WAYS],
    /// The ways as written back.
    pub written: [Signal<Out, EntryBits>; WAYS],
    /// Registered: the last write-back's ways, and C1 takes them (the bucket it reads is
    /// the one written at that edge).
    pub use_fwd: Signal<Out, Bit>,
    pub fwd: [Signal<Out, EntryBits>; WAYS],
    /// Registered: the patch for the successor: the way this item changed (`pt_valid`), its
    /// new entry aged to the successor's time (`fa`); the way after it (`pt2_valid`, `fa2`).
    pub pt_valid: Signal<Out, Bit>,
    pub pt_way: Signal<Out, Bits<WAY_BITS>>,
    pub fa: Signal<Out, EntryBits>,
    pub pt2_valid: Signal<Out, Bit>,
    pub fa2: Signal<Out, EntryBits>,
    /// The applied entry aged to the time of the item in C1 (its successor).
    age4: EntryAge,
    /// The gauges' view of the write-back (before, after).
    gauges: GaugeSnap,
    w: [Signal<Local, EntryBits>; WAYS],
    /// Each pair's odd way freed (an IPv4 entry evicting an IPv6 one frees its
    /// continuation).
    freed: [WithValid; PAIRS],
    sel_v6: Signal<Local, Bit>,
    pair_write: Signal<Local, Bit>,
    pair_clear: Signal<Local, Bit>,
    new_cont: Signal<Local, ContBits>,
    as_entry: AsEntry,
    fa2_next: Signal<Local, EntryBits>,
    /// The class and silence of `fa` at this item's time, from the register (not after
    /// the aging in the predecessor's C2).
    fa_next: Signal<Local, EntryBits>,
    r_use_fwd: DFF<Bit>,
    r_fwd: [DFF<EntryBits>; WAYS],
    r_pt_valid: DFF<Bit>,
    r_pt_way: DFF<Bits<WAY_BITS>>,
    r_fa: DFF<EntryBits>,
    r_pt2_valid: DFF<Bit>,
    r_fa2: DFF<EntryBits>,
    way_no: [Constant<Bits<WAY_BITS>>; WAYS],
    zero_pad: Constant<Bits<{ ENTRY_BITS - crate::conn::entry::CONT_BITS }>>,
}

impl<const B: usize> Default for WriteBack<B> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            key_load: Default::default(),
            write: Default::default(),
            bucket: Default::default(),
            r_bucket: Default::default(),
            view: Default::default(),
            alive: Default::default(),
            head_v6: Default::default(),
            applied: Default::default(),
            created: Default::default(),
            evicted: Default::default(),
            sel_way: Default::default(),
            v6: Default::default(),
            lo_top: Default::default(),
            hi_top: Default::default(),
            entry_out: Default::default(),
            kept: Default::default(),
            next_now: Default::default(),
            timeouts: Default::default(),
            read: Default::default(),
            same_bucket: Default::default(),
            expired: Default::default(),
            gauge_valid: Default::default(),
            snap_old: Default::default(),
            snap_new: Default::default(),
            written: Default::default(),
            use_fwd: Default::default(),
            fwd: Default::default(),
            pt_valid: Default::default(),
            pt_way: Default::default(),
            fa: Default::default(),
            pt2_valid: Default::default(),
            fa2: Default::default(),
            age4: Default::default(),
            gauges: Default::default(),
            w: Default::default(),
            freed: Default::default(),
            sel_v6: Default::default(),
            pair_write: Default::default(),
            pair_clear: Default::default(),
            new_cont: Default::default(),
            as_entry: Default::default(),
            fa2_next: Default::default(),
            fa_next: Default::default(),
            r_use_fwd: Default::default(),
            r_fwd: Default::default(),
            r_pt_valid: Default::default(),
            r_pt_way: Default::default(),
            r_fa: Default::default(),
            r_pt2_valid: Default::default(),
            r_fa2: Default::default(),
            way_no: std::array::from_fn(|w| Constant::new((w as u64).to_bits())),
            zero_pad: Constant::new(Default::default()),
        }
    }
}

impl<const B: usize> Logic for WriteBack<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            r_use_fwd,
            r_pt_valid,
            r_pt_way,
            r_fa,
            r_pt2_valid,
            r_fa2
        );
        for w in 0..WAYS {
            self.r_fwd[w].clock.next = self.clock.val();
        }
        // ---- the words written (descriptors and sweeps; a host read writes nothing)
        for w in 0..WAYS {
            self.w[w].next = self.view[w].val();
            if self.applied.val() && (self.sel_way.val() == self.way_no[w].val()) {
                self.w[w].next = self.entry_out.val();
            }
        }
        // The partner of a new entry in an even way: an IPv6 entry's continuation; an IPv4 one
        // that evicted an IPv6 entry frees its continuation.
        self.new_cont.next.valid = true;
        self.new_cont.next.v6 = true;
        self.new_cont.next.lo_ip_top = self.lo_top.val();
        self.new_cont.next.hi_ip_top = self.hi_top.val();
        self.new_cont.next.zero = self.zero_pad.val();
        self.as_entry.cont.next = self.new_cont.val();
        self.sel_v6.next = self.head_v6[0].val();
        for p in 1..PAIRS {
            if self.sel_way.val() == self.way_no[2 * p].val() {
                self.sel_v6.next = self.head_v6[p].val();
            }
        }
        self.pair_write.next = self.created.val() && self.v6.val();
        self.pair_clear.next = self.created.val()
            && !self.v6.val()
            && self.evicted.val()
            && self.sel_v6.val()
            && ((self.sel_way.val() & self.way_no[1].val()) == self.way_no[0].val());
        for p in 0..PAIRS {
            self.freed[p].entry.next = self.view[2 * p + 1].val();
            self.freed[p].valid.next = false;
            if self.sel_way.val() == self.way_no[2 * p].val() {
                if self.pair_write.val() {
                    self.w[2 * p + 1].next = self.as_entry.word.val();
                }
                if self.pair_clear.val() {
                    self.w[2 * p + 1].next = self.freed[p].out.val();
                }
            }
        }
        for w in 0..WAYS {
            self.written[w].next = self.w[w].val();
        }

        // ---- forwarding: the item read in R at this edge reads the RAM before this write:
        // C1 takes `fwd`.
        self.r_use_fwd.d.next = self.write.val() && (self.bucket.val() == self.r_bucket.val());
        for w in 0..WAYS {
            self.r_fwd[w].d.next = self.w[w].val();
        }
        // The patch for the successor (the item now in C1): the way this item changed, its
        // new entry aged to the successor's time. An entry the segment kept unchanged needs no
        // patch: the successor's view of it is this item's, aged further (aging composes).
        self.r_pt_valid.d.next = self.write.val() && self.applied.val() && !self.kept.val();
        self.r_pt_way.d.next = self.sel_way.val();
        self.age4.entry.next = self.entry_out.val();
        self.age4.now.next = self.next_now.val();
        self.age4.timeouts.next = self.timeouts.val();
        self.fa_next.next = self.age4.aged.val();
        self.r_fa.d.next = self.fa_next.val();
        self.r_pt2_valid.d.next =
            self.write.val() && (self.pair_write.val() || self.pair_clear.val());
        self.fa2_next.next = self.as_entry.word.val();
        self.fa2_next.next.valid = self.pair_write.val() && self.age4.alive.val();
        self.r_fa2.d.next = self.fa2_next.val();
        self.use_fwd.next = self.r_use_fwd.q.val();
        for w in 0..WAYS {
            self.fwd[w].next = self.r_fwd[w].q.val();
        }
        self.pt_valid.next = self.r_pt_valid.q.val();
        self.pt_way.next = self.r_pt_way.q.val();
        self.fa.next = self.r_fa.q.val();
        self.pt2_valid.next = self.r_pt2_valid.q.val();
        self.fa2.next = self.r_fa2.q.val();

        // ---- the gauges' snapshots of the bucket before and after the write-back
        // (`gauge_snap`, registered for the O stage), and the expired count (dead ways removed
        // by a descriptor or a sweep)
        self.gauges.clock.next = self.clock.val();
        for w in 0..WAYS {
            self.gauges.read[w].next = self.read[w].val();
            self.gauges.fwd[w].next = self.r_fwd[w].q.val();
            self.gauges.alive[w].next = self.alive[w].val();
            self.gauges.written[w].next = self.w[w].val();
            self.snap_old[w].next = self.gauges.snap_old[w].val();
            self.snap_new[w].next = self.gauges.snap_new[w].val();
        }
        self.gauges.same_bucket.next = self.same_bucket.val();
        self.gauges.write.next = self.write.val();
        self.gauges.discard.next = self.key_load.val();
        self.expired.next = self.gauges.expired.val();
        self.gauge_valid.next = self.gauges.valid.val();

        // ---- synchronous reset (last: it wins); a key load: no forwarding of a bucket
        // written under the old key (not undone by reset)
        if self.reset.val() {
            self.r_use_fwd.d.next = false;
            self.r_pt_valid.d.next = false;
            self.r_pt2_valid.d.next = false;
        }
        if self.key_load.val() {
            self.r_pt2_valid.d.next = false;
            self.r_use_fwd.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_back_is_synthesizable() {
        let mut uut = WriteBack::<6>::default();
        uut.clock.connect();
        uut.reset.connect();
        uut.key_load.connect();
        uut.write.connect();
        uut.bucket.connect();
        uut.r_bucket.connect();
        for w in 0..WAYS {
            uut.view[w].connect();
            uut.alive[w].connect();
            uut.read[w].connect();
        }
        for p in 0..PAIRS {
            uut.head_v6[p].connect();
        }
        uut.applied.connect();
        uut.created.connect();
        uut.evicted.connect();
        uut.sel_way.connect();
        uut.v6.connect();
        uut.lo_top.connect();
        uut.hi_top.connect();
        uut.entry_out.connect();
        uut.kept.connect();
        uut.next_now.connect();
        uut.timeouts.connect();
        uut.same_bucket.connect();
        uut.connect_all();
        yosys_validate("synscope_write_back", &generate_verilog(&uut)).unwrap();
    }
}
