//! Small combinational views of one way, for the blocks that loop over the ways (`for w in
//! 0..WAYS`). rust-hdl cannot read or write a field of an array element inside a loop (the
//! generator evaluates `self.x[w].val().field`'s offset in Rust, where `w` does not exist), so
//! a loop hands the whole entry to one of these per way and reads their plain outputs.

use crate::conn::counter_bank::WaySnap;
use crate::conn::entry::{EntryBits, TrackBits};
use rust_hdl::prelude::*;

/// What holds a way: `valid` an entry or a continuation, `v6` of an IPv6 entry.
#[derive(LogicBlock, Default)]
pub struct Occupancy {
    pub entry: Signal<In, EntryBits>,
    pub valid: Signal<Out, Bit>,
    pub v6: Signal<Out, Bit>,
}

impl Logic for Occupancy {
    #[hdl_gen]
    fn update(&mut self) {
        self.valid.next = self.entry.val().valid;
        self.v6.next = self.entry.val().v6;
    }
}

/// `entry` with its `valid` bit replaced.
#[derive(LogicBlock, Default)]
pub struct WithValid {
    pub entry: Signal<In, EntryBits>,
    pub valid: Signal<In, Bit>,
    pub out: Signal<Out, EntryBits>,
    word: Signal<Local, EntryBits>,
}

impl Logic for WithValid {
    #[hdl_gen]
    fn update(&mut self) {
        self.word.next = self.entry.val();
        self.word.next.valid = self.valid.val();
        self.out.next = self.word.val();
    }
}

/// The gauges' snapshot of a way holding `entry` (docs/core.md, "Gauges"): an odd way
/// (`head` low) holding an IPv6 continuation is no entry (its head counts).
#[derive(LogicBlock, Default)]
pub struct SnapOf {
    pub entry: Signal<In, EntryBits>,
    pub head: Signal<In, Bit>,
    pub snap: Signal<Out, WaySnap>,
    trk_lo: Signal<Local, TrackBits>,
    trk_hi: Signal<Local, TrackBits>,
    sn: Signal<Local, WaySnap>,
}

impl Logic for SnapOf {
    #[hdl_gen]
    fn update(&mut self) {
        self.trk_lo.next = self.entry.val().lo;
        self.trk_hi.next = self.entry.val().hi;
        self.sn.next.valid = self.entry.val().valid && (self.head.val() || !self.entry.val().v6);
        self.sn.next.client_is_lo = self.entry.val().client_is_lo;
        self.sn.next.lo_state = self.trk_lo.val().state;
        self.sn.next.hi_state = self.trk_hi.val().state;
        self.snap.next = self.sn.val();
    }
}

/// The `valid` bit of a gauge snapshot.
#[derive(LogicBlock, Default)]
pub struct SnapValid {
    pub snap: Signal<In, WaySnap>,
    pub valid: Signal<Out, Bit>,
}

impl Logic for SnapValid {
    #[hdl_gen]
    fn update(&mut self) {
        self.valid.next = self.snap.val().valid;
    }
}
