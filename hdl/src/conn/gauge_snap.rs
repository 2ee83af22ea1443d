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
use crate::conn::entry::{EntryBits, TrackBits};
use rust_hdl::prelude::*;

/// The before and after snapshots of a written-back bucket, one clock later.
#[derive(LogicBlock)]
pub struct GaugeSnap {
    pub clock: Signal<In, Clock>,
    /// The ways as C1 read them (`WayPair`'s `*_old`).
    pub read0: Signal<In, WaySnap>,
    pub read1: Signal<In, WaySnap>,
    pub read2: Signal<In, WaySnap>,
    pub read3: Signal<In, WaySnap>,
    /// The ways of the last write-back, and whether it was of this bucket (then they are the
    /// bucket before this write-back, not what C1 read).
    pub fwd0: Signal<In, EntryBits>,
    pub fwd1: Signal<In, EntryBits>,
    pub fwd2: Signal<In, EntryBits>,
    pub fwd3: Signal<In, EntryBits>,
    pub same_bucket: Signal<In, Bit>,
    /// The ways aged to this item's time, as the item ahead left them: alive or not.
    pub alive0: Signal<In, Bit>,
    pub alive1: Signal<In, Bit>,
    pub alive2: Signal<In, Bit>,
    pub alive3: Signal<In, Bit>,
    /// The ways as this write-back writes them.
    pub written0: Signal<In, EntryBits>,
    pub written1: Signal<In, EntryBits>,
    pub written2: Signal<In, EntryBits>,
    pub written3: Signal<In, EntryBits>,
    /// A write-back happens; a key load discards it with the table (it carries the old
    /// epoch), so it moves no gauge.
    pub write: Signal<In, Bit>,
    pub discard: Signal<In, Bit>,
    /// This cycle: the dead ways the write-back removes.
    pub expired: Signal<Out, Bits<3>>,
    /// Registered: a write-back happened, and the snapshots before and after it.
    pub valid: Signal<Out, Bit>,
    pub old0: Signal<Out, WaySnap>,
    pub old1: Signal<Out, WaySnap>,
    pub old2: Signal<Out, WaySnap>,
    pub old3: Signal<Out, WaySnap>,
    pub new0: Signal<Out, WaySnap>,
    pub new1: Signal<Out, WaySnap>,
    pub new2: Signal<Out, WaySnap>,
    pub new3: Signal<Out, WaySnap>,
    sn_old0: Signal<Local, WaySnap>,
    sn_old1: Signal<Local, WaySnap>,
    sn_old2: Signal<Local, WaySnap>,
    sn_old3: Signal<Local, WaySnap>,
    sn_new0: Signal<Local, WaySnap>,
    sn_new1: Signal<Local, WaySnap>,
    sn_new2: Signal<Local, WaySnap>,
    sn_new3: Signal<Local, WaySnap>,
    trk_fwd_lo0: Signal<Local, TrackBits>,
    trk_fwd_hi0: Signal<Local, TrackBits>,
    trk_fwd_lo1: Signal<Local, TrackBits>,
    trk_fwd_hi1: Signal<Local, TrackBits>,
    trk_fwd_lo2: Signal<Local, TrackBits>,
    trk_fwd_hi2: Signal<Local, TrackBits>,
    trk_fwd_lo3: Signal<Local, TrackBits>,
    trk_fwd_hi3: Signal<Local, TrackBits>,
    trk_w_lo0: Signal<Local, TrackBits>,
    trk_w_hi0: Signal<Local, TrackBits>,
    trk_w_lo1: Signal<Local, TrackBits>,
    trk_w_hi1: Signal<Local, TrackBits>,
    trk_w_lo2: Signal<Local, TrackBits>,
    trk_w_hi2: Signal<Local, TrackBits>,
    trk_w_lo3: Signal<Local, TrackBits>,
    trk_w_hi3: Signal<Local, TrackBits>,
    dead0: Signal<Local, Bits<3>>,
    dead1: Signal<Local, Bits<3>>,
    dead2: Signal<Local, Bits<3>>,
    dead3: Signal<Local, Bits<3>>,
    zero3: Constant<Bits<3>>,
    one3: Constant<Bits<3>>,
    r_valid: DFF<Bit>,
    r_old0: DFF<WaySnap>,
    r_old1: DFF<WaySnap>,
    r_old2: DFF<WaySnap>,
    r_old3: DFF<WaySnap>,
    r_new0: DFF<WaySnap>,
    r_new1: DFF<WaySnap>,
    r_new2: DFF<WaySnap>,
    r_new3: DFF<WaySnap>,
}

impl Default for GaugeSnap {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            read0: Default::default(),
            read1: Default::default(),
            read2: Default::default(),
            read3: Default::default(),
            fwd0: Default::default(),
            fwd1: Default::default(),
            fwd2: Default::default(),
            fwd3: Default::default(),
            same_bucket: Default::default(),
            alive0: Default::default(),
            alive1: Default::default(),
            alive2: Default::default(),
            alive3: Default::default(),
            written0: Default::default(),
            written1: Default::default(),
            written2: Default::default(),
            written3: Default::default(),
            write: Default::default(),
            discard: Default::default(),
            expired: Default::default(),
            valid: Default::default(),
            old0: Default::default(),
            old1: Default::default(),
            old2: Default::default(),
            old3: Default::default(),
            new0: Default::default(),
            new1: Default::default(),
            new2: Default::default(),
            new3: Default::default(),
            sn_old0: Default::default(),
            sn_old1: Default::default(),
            sn_old2: Default::default(),
            sn_old3: Default::default(),
            sn_new0: Default::default(),
            sn_new1: Default::default(),
            sn_new2: Default::default(),
            sn_new3: Default::default(),
            trk_fwd_lo0: Default::default(),
            trk_fwd_hi0: Default::default(),
            trk_fwd_lo1: Default::default(),
            trk_fwd_hi1: Default::default(),
            trk_fwd_lo2: Default::default(),
            trk_fwd_hi2: Default::default(),
            trk_fwd_lo3: Default::default(),
            trk_fwd_hi3: Default::default(),
            trk_w_lo0: Default::default(),
            trk_w_hi0: Default::default(),
            trk_w_lo1: Default::default(),
            trk_w_hi1: Default::default(),
            trk_w_lo2: Default::default(),
            trk_w_hi2: Default::default(),
            trk_w_lo3: Default::default(),
            trk_w_hi3: Default::default(),
            dead0: Default::default(),
            dead1: Default::default(),
            dead2: Default::default(),
            dead3: Default::default(),
            zero3: Constant::new(0u64.to_bits()),
            one3: Constant::new(1u64.to_bits()),
            r_valid: Default::default(),
            r_old0: Default::default(),
            r_old1: Default::default(),
            r_old2: Default::default(),
            r_old3: Default::default(),
            r_new0: Default::default(),
            r_new1: Default::default(),
            r_new2: Default::default(),
            r_new3: Default::default(),
        }
    }
}

impl Logic for GaugeSnap {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, r_valid, r_old0, r_old1, r_old2, r_old3, r_new0, r_new1, r_new2, r_new3
        );
        self.trk_fwd_lo0.next = self.fwd0.val().lo;
        self.trk_fwd_hi0.next = self.fwd0.val().hi;
        self.trk_fwd_lo1.next = self.fwd1.val().lo;
        self.trk_fwd_hi1.next = self.fwd1.val().hi;
        self.trk_fwd_lo2.next = self.fwd2.val().lo;
        self.trk_fwd_hi2.next = self.fwd2.val().hi;
        self.trk_fwd_lo3.next = self.fwd3.val().lo;
        self.trk_fwd_hi3.next = self.fwd3.val().hi;
        self.sn_old0.next = self.read0.val();
        if self.same_bucket.val() {
            self.sn_old0.next.valid = self.fwd0.val().valid;
            self.sn_old0.next.client_is_lo = self.fwd0.val().client_is_lo;
            self.sn_old0.next.lo_state = self.trk_fwd_lo0.val().state;
            self.sn_old0.next.hi_state = self.trk_fwd_hi0.val().state;
        }
        self.sn_old1.next = self.read1.val();
        if self.same_bucket.val() {
            self.sn_old1.next.valid = self.fwd1.val().valid && !self.fwd1.val().v6;
            self.sn_old1.next.client_is_lo = self.fwd1.val().client_is_lo;
            self.sn_old1.next.lo_state = self.trk_fwd_lo1.val().state;
            self.sn_old1.next.hi_state = self.trk_fwd_hi1.val().state;
        }
        self.sn_old2.next = self.read2.val();
        if self.same_bucket.val() {
            self.sn_old2.next.valid = self.fwd2.val().valid;
            self.sn_old2.next.client_is_lo = self.fwd2.val().client_is_lo;
            self.sn_old2.next.lo_state = self.trk_fwd_lo2.val().state;
            self.sn_old2.next.hi_state = self.trk_fwd_hi2.val().state;
        }
        self.sn_old3.next = self.read3.val();
        if self.same_bucket.val() {
            self.sn_old3.next.valid = self.fwd3.val().valid && !self.fwd3.val().v6;
            self.sn_old3.next.client_is_lo = self.fwd3.val().client_is_lo;
            self.sn_old3.next.lo_state = self.trk_fwd_lo3.val().state;
            self.sn_old3.next.hi_state = self.trk_fwd_hi3.val().state;
        }
        self.sn_new0.next.valid = self.written0.val().valid;
        self.sn_new0.next.client_is_lo = self.written0.val().client_is_lo;
        self.trk_w_lo0.next = self.written0.val().lo;
        self.trk_w_hi0.next = self.written0.val().hi;
        self.sn_new0.next.lo_state = self.trk_w_lo0.val().state;
        self.sn_new0.next.hi_state = self.trk_w_hi0.val().state;
        self.sn_new1.next.valid = self.written1.val().valid && !self.written1.val().v6;
        self.sn_new1.next.client_is_lo = self.written1.val().client_is_lo;
        self.trk_w_lo1.next = self.written1.val().lo;
        self.trk_w_hi1.next = self.written1.val().hi;
        self.sn_new1.next.lo_state = self.trk_w_lo1.val().state;
        self.sn_new1.next.hi_state = self.trk_w_hi1.val().state;
        self.sn_new2.next.valid = self.written2.val().valid;
        self.sn_new2.next.client_is_lo = self.written2.val().client_is_lo;
        self.trk_w_lo2.next = self.written2.val().lo;
        self.trk_w_hi2.next = self.written2.val().hi;
        self.sn_new2.next.lo_state = self.trk_w_lo2.val().state;
        self.sn_new2.next.hi_state = self.trk_w_hi2.val().state;
        self.sn_new3.next.valid = self.written3.val().valid && !self.written3.val().v6;
        self.sn_new3.next.client_is_lo = self.written3.val().client_is_lo;
        self.trk_w_lo3.next = self.written3.val().lo;
        self.trk_w_hi3.next = self.written3.val().hi;
        self.sn_new3.next.lo_state = self.trk_w_lo3.val().state;
        self.sn_new3.next.hi_state = self.trk_w_hi3.val().state;
        self.r_valid.d.next = self.write.val() && !self.discard.val();
        // Dead ways removed: valid before, dead now.
        self.dead0.next = self.zero3.val();
        self.dead1.next = self.zero3.val();
        self.dead2.next = self.zero3.val();
        self.dead3.next = self.zero3.val();
        if self.sn_old0.val().valid && !self.alive0.val() {
            self.dead0.next = self.one3.val();
        }
        if self.sn_old1.val().valid && !self.alive1.val() {
            self.dead1.next = self.one3.val();
        }
        if self.sn_old2.val().valid && !self.alive2.val() {
            self.dead2.next = self.one3.val();
        }
        if self.sn_old3.val().valid && !self.alive3.val() {
            self.dead3.next = self.one3.val();
        }
        self.expired.next = self.zero3.val();
        if self.write.val() {
            self.expired.next =
                self.dead0.val() + self.dead1.val() + self.dead2.val() + self.dead3.val();
        }
        self.r_old0.d.next = self.sn_old0.val();
        self.r_old1.d.next = self.sn_old1.val();
        self.r_old2.d.next = self.sn_old2.val();
        self.r_old3.d.next = self.sn_old3.val();
        self.r_new0.d.next = self.sn_new0.val();
        self.r_new1.d.next = self.sn_new1.val();
        self.r_new2.d.next = self.sn_new2.val();
        self.r_new3.d.next = self.sn_new3.val();
        self.valid.next = self.r_valid.q.val();
        self.old0.next = self.r_old0.q.val();
        self.old1.next = self.r_old1.q.val();
        self.old2.next = self.r_old2.q.val();
        self.old3.next = self.r_old3.q.val();
        self.new0.next = self.r_new0.q.val();
        self.new1.next = self.r_new1.q.val();
        self.new2.next = self.r_new2.q.val();
        self.new3.next = self.r_new3.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_snap_is_synthesizable() {
        let mut uut = GaugeSnap::default();
        uut.clock.connect();
        uut.read0.connect();
        uut.read1.connect();
        uut.read2.connect();
        uut.read3.connect();
        uut.fwd0.connect();
        uut.fwd1.connect();
        uut.fwd2.connect();
        uut.fwd3.connect();
        uut.same_bucket.connect();
        uut.alive0.connect();
        uut.alive1.connect();
        uut.alive2.connect();
        uut.alive3.connect();
        uut.written0.connect();
        uut.written1.connect();
        uut.written2.connect();
        uut.written3.connect();
        uut.write.connect();
        uut.discard.connect();
        uut.connect_all();
        yosys_validate("synscope_gauge_snap", &generate_verilog(&uut)).unwrap();
    }
}
