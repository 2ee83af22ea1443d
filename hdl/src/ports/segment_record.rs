//! The connection core's per-descriptor record (docs/core.md, "Outputs"): what became of each
//! descriptor, registered at the O stage (`out_record`) and shown on the core's ports for one
//! cycle with `valid`, [`crate::conn::conn_core::LATENCY`] ticks after the descriptor. The
//! differential tests compare it with the model's `Applied` record; the board reads `valid`
//! and the change bits for its activity LEDs.

use crate::conn::entry::{EntryBits, STATE_BITS};
use crate::conn::{OUT_VERDICT_BITS, WAY_BITS, WAY_COUNT_BITS};
use rust_hdl::prelude::*;

/// One record; the core passes `out_record`'s up (`SegmentRecord::link`).
#[derive(LogicInterface, Default)]
pub struct SegmentRecord<const B: usize> {
    pub valid: Signal<Out, Bit>,
    pub verdict: Signal<Out, Bits<OUT_VERDICT_BITS>>,
    /// The segment was applied to an entry (hit, or created).
    pub has_entry: Signal<Out, Bit>,
    pub created: Signal<Out, Bit>,
    pub evicted: Signal<Out, Bit>,
    pub refused: Signal<Out, Bit>,
    pub reincarnated: Signal<Out, Bit>,
    /// Dead entries of this bucket removed (`expired`) by this descriptor's aging.
    pub expired: Signal<Out, Bits<WAY_COUNT_BITS>>,
    pub lo_before: Signal<Out, Bits<STATE_BITS>>,
    pub hi_before: Signal<Out, Bits<STATE_BITS>>,
    pub lo_after: Signal<Out, Bits<STATE_BITS>>,
    pub hi_after: Signal<Out, Bits<STATE_BITS>>,
    pub lo_changed: Signal<Out, Bit>,
    pub hi_changed: Signal<Out, Bit>,
    pub src_is_lo: Signal<Out, Bit>,
    pub bucket: Signal<Out, Bits<B>>,
    pub way: Signal<Out, Bits<WAY_BITS>>,
    /// The entry after the segment (meaningful with `has_entry`).
    pub entry: Signal<Out, EntryBits>,
}
