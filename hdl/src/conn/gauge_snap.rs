//! `gauge_snap`: what a write-back does to the gauges (docs/core.md, "Gauges"): the states of
//! the bucket's ways before it (as C1 read them, or as the item ahead wrote them when it wrote
//! this bucket last cycle) and after it (as written back), registered at the C2→O edge for the
//! [`CounterBank`](super::counter_bank::CounterBank), which moves each (client | server) state
//! gauge by the difference. A way counts when it holds an entry: an odd way holding an IPv6
//! continuation does not (its head counts).
//!
//! From the same "before" it counts the dead ways the write-back removes (`expired`, the
//! record's and the counters' `expired`): valid before, not valid once aged to this item's
//! time (`Tracker::expire`).

use crate::conn::counter_bank::WaySnap;
use crate::conn::entry::EntryBits;
use crate::conn::way_fields::{SnapOf, SnapValid};
use crate::conn::{PAIRS, WAYS, WAY_COUNT_BITS};
use rust_hdl::prelude::*;

/// The before and after snapshots of a written-back bucket, one clock later.
#[derive(LogicBlock)]
pub struct GaugeSnap {
    pub clock: Signal<In, Clock>,
    /// The ways as C1 read them (`WayPair`'s `*_old`).
    pub read: [Signal<In, WaySnap>; WAYS],
    /// The ways of the last write-back, and whether it was of this bucket (then they are the
    /// bucket before this write-back, not what C1 read).
    pub fwd: [Signal<In, EntryBits>; WAYS],
    pub same_bucket: Signal<In, Bit>,
    /// The ways aged to this item's time, as the item ahead left them: alive or not.
    pub alive: [Signal<In, Bit>; WAYS],
    /// The ways as this write-back writes them.
    pub written: [Signal<In, EntryBits>; WAYS],
    /// A write-back happens; a key load discards it with the table (it carries the old
    /// epoch), so it moves no gauge.
    pub write: Signal<In, Bit>,
    pub discard: Signal<In, Bit>,
    /// This cycle: the dead ways the write-back removes.
    pub expired: Signal<Out, Bits<WAY_COUNT_BITS>>,
    /// Registered: a write-back happened, and the snapshots before and after it.
    pub valid: Signal<Out, Bit>,
    pub snap_old: [Signal<Out, WaySnap>; WAYS],
    pub snap_new: [Signal<Out, WaySnap>; WAYS],
    /// The snapshots of the last write-back's ways and of the ways written.
    fwd_snap: [SnapOf; WAYS],
    new_snap: [SnapOf; WAYS],
    sn_old: [Signal<Local, WaySnap>; WAYS],
    old_valid: [SnapValid; WAYS],
    dead: Signal<Local, Bits<WAY_COUNT_BITS>>,
    zero: Constant<Bits<WAY_COUNT_BITS>>,
    one: Constant<Bits<WAY_COUNT_BITS>>,
    r_valid: DFF<Bit>,
    r_old: [DFF<WaySnap>; WAYS],
    r_new: [DFF<WaySnap>; WAYS],
}

impl Default for GaugeSnap {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            read: Default::default(),
            fwd: Default::default(),
            same_bucket: Default::default(),
            alive: Default::default(),
            written: Default::default(),
            write: Default::default(),
            discard: Default::default(),
            expired: Default::default(),
            valid: Default::default(),
            snap_old: Default::default(),
            snap_new: Default::default(),
            fwd_snap: Default::default(),
            new_snap: Default::default(),
            sn_old: Default::default(),
            old_valid: Default::default(),
            dead: Default::default(),
            zero: Constant::new(0u64.to_bits()),
            one: Constant::new(1u64.to_bits()),
            r_valid: Default::default(),
            r_old: Default::default(),
            r_new: Default::default(),
        }
    }
}

impl Logic for GaugeSnap {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, r_valid);
        for w in 0..WAYS {
            self.r_old[w].clock.next = self.clock.val();
            self.r_new[w].clock.next = self.clock.val();
            self.fwd_snap[w].entry.next = self.fwd[w].val();
            self.new_snap[w].entry.next = self.written[w].val();
        }
        // An odd way holding a continuation is no entry.
        for p in 0..PAIRS {
            self.fwd_snap[2 * p].head.next = true;
            self.fwd_snap[2 * p + 1].head.next = false;
            self.new_snap[2 * p].head.next = true;
            self.new_snap[2 * p + 1].head.next = false;
        }
        self.r_valid.d.next = self.write.val() && !self.discard.val();
        // Dead ways removed: valid before, dead now.
        self.dead.next = self.zero.val();
        for w in 0..WAYS {
            self.sn_old[w].next = self.read[w].val();
            if self.same_bucket.val() {
                self.sn_old[w].next = self.fwd_snap[w].snap.val();
            }
            self.old_valid[w].snap.next = self.sn_old[w].val();
            if self.old_valid[w].valid.val() && !self.alive[w].val() {
                self.dead.next = self.dead.val() + self.one.val();
            }
            self.r_old[w].d.next = self.sn_old[w].val();
            self.r_new[w].d.next = self.new_snap[w].snap.val();
            self.snap_old[w].next = self.r_old[w].q.val();
            self.snap_new[w].next = self.r_new[w].q.val();
        }
        self.expired.next = self.zero.val();
        if self.write.val() {
            self.expired.next = self.dead.val();
        }
        self.valid.next = self.r_valid.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_snap_is_synthesizable() {
        let mut uut = GaugeSnap::default();
        uut.clock.connect();
        for w in 0..WAYS {
            uut.read[w].connect();
            uut.fwd[w].connect();
            uut.alive[w].connect();
            uut.written[w].connect();
        }
        uut.same_bucket.connect();
        uut.write.connect();
        uut.discard.connect();
        uut.connect_all();
        yosys_validate("synscope_gauge_snap", &generate_verilog(&uut)).unwrap();
    }
}
