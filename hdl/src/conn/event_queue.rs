//! `event_queue`: the core's event FIFO (docs/core.md, "Events"; docs/protocol.md, "Events").
//! C2 builds one [`EventRecord`] per descriptor; it is registered here (the O stage) and,
//! if reportable (a connection created, refused or reincarnated, an endpoint's state moved,
//! dead ways removed), pushed. A record that finds the FIFO full is dropped and counted
//! (`dropped`, the bank's `events_dropped`): the pipeline never stalls. The host side is
//! first-word fall-through: `head_*` show the oldest record while `head_valid`, `pop` removes
//! it at the clock edge.
//!
//! Three FIFOs move in lock step: the records, their buckets (a `LogicStruct` cannot be
//! generic over the bucket width) and, for IPv6 records only, the addresses' top bits (a
//! smaller side FIFO, [`EVENT_TOP_FIFO_BITS`]).

use crate::conn::entry::{STATE_BITS, TIME_BITS, TOP_IP_BITS};
use crate::conn::flow_key::IP_BITS;
use crate::conn::{WAY_BITS, WAY_COUNT_BITS};
use rust_hdl::prelude::*;

/// Address bits of the side FIFO of IPv6 events' address top bits (32 records of 192 bits, in
/// LUT RAM: the 35T has no block RAM left). An IPv6 record that finds it full is dropped and
/// counted like one that finds the event FIFO full.
pub const EVENT_TOP_FIFO_BITS: usize = 5;

/// An address as its low 32 and top 96 bits.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct SplitIp {
    pub low: Bits<32>,
    pub top: Bits<TOP_IP_BITS>,
}

/// What an IPv6 event record needs besides the [`EventRecord`]: the addresses' top bits (the
/// event FIFO's side FIFO, [`EVENT_TOP_FIFO_BITS`]).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct EventTop {
    pub lo_top: Bits<TOP_IP_BITS>,
    pub hi_top: Bits<TOP_IP_BITS>,
}

/// One event record (per processed descriptor that produced something reportable), as the
/// event FIFO stores it; its bucket travels in a second FIFO in lock step (a `LogicStruct`
/// cannot be generic over the bucket width).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct EventRecord {
    pub created: Bit,
    pub refused: Bit,
    pub evicted: Bit,
    pub reincarnated: Bit,
    pub lo_changed: Bit,
    pub hi_changed: Bit,
    /// Dead ways of the bucket removed by this descriptor's aging (0..=WAYS).
    pub expired: Bits<WAY_COUNT_BITS>,
    /// The way (0 when no entry was applied: refused, or expiry only without an entry).
    pub way: Bits<WAY_BITS>,
    /// The key is IPv6 (its addresses' top bits are in the side FIFO).
    pub v6: Bit,
    /// States before/after (0 = CLOSED when no entry was applied).
    pub lo_before: Bits<STATE_BITS>,
    pub hi_before: Bits<STATE_BITS>,
    pub lo_after: Bits<STATE_BITS>,
    pub hi_after: Bits<STATE_BITS>,
    pub lo_ip: Bits<32>,
    pub lo_port: Bits<16>,
    pub hi_ip: Bits<32>,
    pub hi_port: Bits<16>,
    /// The descriptor's `now`, low 16 bits.
    pub time: Bits<TIME_BITS>,
    /// The client is the key's `lo` endpoint: the applied entry's role, or for a refused
    /// creation the role the entry would have had (`segment::open`).
    pub client_is_lo: Bit,
}

/// The event FIFO: records in from C2, out to the command engine.
#[derive(LogicBlock)]
pub struct EventQueue<const B: usize, const E: usize, const EP1: usize> {
    pub clock: Signal<In, Clock>,
    /// C2: a descriptor was processed, its record, its bucket and (IPv6) its addresses' top
    /// bits.
    pub valid: Signal<In, Bit>,
    pub record: Signal<In, EventRecord>,
    pub bucket: Signal<In, Bits<B>>,
    pub tops_in: Signal<In, EventTop>,
    /// A reportable record found the queue full (the O stage).
    pub dropped: Signal<Out, Bit>,
    /// The oldest record, its bucket and its full addresses; `pop` removes it.
    pub pop: Signal<In, Bit>,
    pub head_valid: Signal<Out, Bit>,
    pub head: Signal<Out, EventRecord>,
    pub head_bucket: Signal<Out, Bits<B>>,
    pub head_lo_ip: Signal<Out, Bits<IP_BITS>>,
    pub head_hi_ip: Signal<Out, Bits<IP_BITS>>,
    records: SynchronousFIFO<EventRecord, E, EP1, 1>,
    buckets: SynchronousFIFO<Bits<B>, E, EP1, 1>,
    tops: SynchronousFIFO<EventTop, EVENT_TOP_FIFO_BITS, { EVENT_TOP_FIFO_BITS + 1 }, 1>,
    // ---- O: the record as C2 left it
    o_valid: DFF<Bit>,
    o_record: DFF<EventRecord>,
    o_bucket: DFF<Bits<B>>,
    o_top: DFF<EventTop>,
    push: Signal<Local, Bit>,
    fits: Signal<Local, Bit>,
    lo_split: Signal<Local, SplitIp>,
    hi_split: Signal<Local, SplitIp>,
    zero3: Constant<Bits<WAY_COUNT_BITS>>,
    zero96: Constant<Bits<TOP_IP_BITS>>,
}

impl<const B: usize, const E: usize, const EP1: usize> Default for EventQueue<B, E, EP1> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            valid: Default::default(),
            record: Default::default(),
            bucket: Default::default(),
            tops_in: Default::default(),
            dropped: Default::default(),
            pop: Default::default(),
            head_valid: Default::default(),
            head: Default::default(),
            head_bucket: Default::default(),
            head_lo_ip: Default::default(),
            head_hi_ip: Default::default(),
            records: Default::default(),
            buckets: Default::default(),
            tops: Default::default(),
            o_valid: Default::default(),
            o_record: Default::default(),
            o_bucket: Default::default(),
            o_top: Default::default(),
            push: Default::default(),
            fits: Default::default(),
            lo_split: Default::default(),
            hi_split: Default::default(),
            zero3: Constant::new(0u64.to_bits()),
            zero96: Constant::new(Default::default()),
        }
    }
}

impl<const B: usize, const E: usize, const EP1: usize> Logic for EventQueue<B, E, EP1> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, o_valid, o_record, o_bucket, o_top);
        self.records.clock.next = self.clock.val();
        self.buckets.clock.next = self.clock.val();
        self.tops.clock.next = self.clock.val();
        self.o_valid.d.next = self.valid.val();
        self.o_record.d.next = self.record.val();
        self.o_bucket.d.next = self.bucket.val();
        self.o_top.d.next = self.tops_in.val();

        // ---- push; a full FIFO drops the record (never a stall)
        // Reportable (decided here from the registered record, not after the apply in C2).
        self.push.next = self.o_valid.q.val()
            && (self.o_record.q.val().created
                || self.o_record.q.val().refused
                || self.o_record.q.val().reincarnated
                || self.o_record.q.val().lo_changed
                || self.o_record.q.val().hi_changed
                || (self.o_record.q.val().expired != self.zero3.val()));
        self.fits.next =
            !self.records.full.val() && (!self.o_record.q.val().v6 || !self.tops.full.val());
        self.dropped.next = self.push.val() && !self.fits.val();
        self.records.write.next = self.push.val() && self.fits.val();
        self.records.data_in.next = self.o_record.q.val();
        self.buckets.write.next = self.push.val() && self.fits.val();
        self.buckets.data_in.next = self.o_bucket.q.val();
        self.tops.write.next = self.push.val() && self.fits.val() && self.o_record.q.val().v6;
        self.tops.data_in.next = self.o_top.q.val();
        self.records.read.next = self.pop.val();
        self.buckets.read.next = self.pop.val();
        self.tops.read.next = self.pop.val() && self.records.data_out.val().v6;
        self.head_valid.next = !self.records.empty.val();
        self.head_bucket.next = self.buckets.data_out.val();
        self.lo_split.next.low = self.records.data_out.val().lo_ip;
        self.lo_split.next.top = self.zero96.val();
        self.hi_split.next.low = self.records.data_out.val().hi_ip;
        self.hi_split.next.top = self.zero96.val();
        if self.records.data_out.val().v6 {
            self.lo_split.next.top = self.tops.data_out.val().lo_top;
            self.hi_split.next.top = self.tops.data_out.val().hi_top;
        }
        self.head_lo_ip.next = self.lo_split.val().into();
        self.head_hi_ip.next = self.hi_split.val().into();
        self.head.next = self.records.data_out.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_queue_is_synthesizable() {
        let mut uut = EventQueue::<6, 4, 5>::default();
        uut.clock.connect();
        uut.valid.connect();
        uut.record.connect();
        uut.bucket.connect();
        uut.tops_in.connect();
        uut.pop.connect();
        uut.connect_all();
        yosys_validate("synscope_event_queue", &generate_verilog(&uut)).unwrap();
    }
}
