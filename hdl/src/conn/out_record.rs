//! `out_record`: what stage C2 reports of its item, and the O stage's output registers
//! (docs/core.md, "Pipeline", "Events and counters"): the verdict (segment_apply's, or the
//! core's `V_REFUSED`), the state changes, the event record (C2, registered and pushed by
//! `event_queue`), the per-descriptor record (`out_*`), the host read's answer (`rd_*`: the
//! way asked for, as the item ahead left it, aged to `now_r`; `rd_alive` its `valid`) and the
//! counters' record (`count`, for `counter_bank`).

use crate::conn::counter_bank::CountRecord;
use crate::conn::entry::{EntryBits, TrackBits, STATE_BITS, TIME_BITS, TOP_IP_BITS};
use crate::conn::event_queue::{EventRecord, EventTop};
use crate::conn::{OUT_VERDICT_BITS, V_REFUSED, WAYS, WAY_BITS, WAY_COUNT_BITS};
use crate::ports::segment_record::SegmentRecord;
use rust_hdl::prelude::*;

/// The C2 item's records, and their O registers, for `2^B` buckets.
#[derive(LogicBlock)]
pub struct OutRecord<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: no record in O (and no `expired` counted).
    pub reset: Signal<In, Bit>,
    // ---- C2: the item
    /// A descriptor (else a host read, `read`, of way `rd_way`, or a sweep visit), its bucket.
    pub desc: Signal<In, Bit>,
    pub read: Signal<In, Bit>,
    pub rd_way: Signal<In, Bits<WAY_BITS>>,
    pub bucket: Signal<In, Bits<B>>,
    /// The descriptor's flags, class, direction, key and time.
    pub flags: Signal<In, Bits<9>>,
    pub flag_class: Signal<In, Bits<3>>,
    pub src_is_lo: Signal<In, Bit>,
    pub v6: Signal<In, Bit>,
    pub lo_ip: Signal<In, Bits<32>>,
    pub lo_top: Signal<In, Bits<TOP_IP_BITS>>,
    pub lo_port: Signal<In, Bits<16>>,
    pub hi_ip: Signal<In, Bits<32>>,
    pub hi_top: Signal<In, Bits<TOP_IP_BITS>>,
    pub hi_port: Signal<In, Bits<16>>,
    pub now: Signal<In, Bits<TIME_BITS>>,
    /// `entry_route`: applied to the entry in way `sel_way`; created, evicting (`n_evicted`
    /// entries), or refused.
    pub applied: Signal<In, Bit>,
    pub created: Signal<In, Bit>,
    pub evicted: Signal<In, Bit>,
    pub n_evicted: Signal<In, Bits<2>>,
    pub refused: Signal<In, Bit>,
    pub sel_way: Signal<In, Bits<WAY_BITS>>,
    /// Dead ways of the bucket removed (`gauge_snap`).
    pub expired: Signal<In, Bits<WAY_COUNT_BITS>>,
    /// `segment_apply`'s results.
    pub verdict: Signal<In, Bits<OUT_VERDICT_BITS>>,
    pub lo_before: Signal<In, Bits<STATE_BITS>>,
    pub hi_before: Signal<In, Bits<STATE_BITS>>,
    pub lo_changed: Signal<In, Bit>,
    pub hi_changed: Signal<In, Bit>,
    pub reincarnated: Signal<In, Bit>,
    pub fin_held: Signal<In, Bit>,
    pub window_probe: Signal<In, Bit>,
    pub handshake_lost: Signal<In, Bit>,
    pub entry_out: Signal<In, EntryBits>,
    /// The bucket as the item ahead left it (`patched_view`), for a host read.
    pub view: [Signal<In, EntryBits>; WAYS],
    // ---- C2: the event record (to `event_queue`)
    pub ev: Signal<Out, EventRecord>,
    pub ev_top: Signal<Out, EventTop>,
    // ---- O: registered
    /// O: the per-descriptor record, registered.
    pub out: SegmentRecord<B>,
    pub rd_valid: Signal<Out, Bit>,
    pub rd_entry: Signal<Out, EntryBits>,
    pub rd_alive: Signal<Out, Bit>,
    pub count: Signal<Out, CountRecord>,
    // endpoints of entries whose states feed the outputs (`trk_*`: a field of a field cannot
    // be read in one step, so the endpoint is copied and its state read)
    trk_out_lo: Signal<Local, TrackBits>,
    trk_out_hi: Signal<Local, TrackBits>,
    trk_o_lo: Signal<Local, TrackBits>,
    trk_o_hi: Signal<Local, TrackBits>,
    c_verdict: Signal<Local, Bits<OUT_VERDICT_BITS>>,
    changes: Signal<Local, Bits<2>>,
    ch_lo: Signal<Local, Bits<2>>,
    ch_hi: Signal<Local, Bits<2>>,
    c_ev: Signal<Local, EventRecord>,
    rd_sel: Signal<Local, EntryBits>,
    rd_sel_alive: Signal<Local, Bit>,
    o_valid: DFF<Bit>,
    o_verdict: DFF<Bits<OUT_VERDICT_BITS>>,
    o_has_entry: DFF<Bit>,
    o_created: DFF<Bit>,
    o_evicted: DFF<Bit>,
    o_refused: DFF<Bit>,
    o_reincarnated: DFF<Bit>,
    o_expired: DFF<Bits<WAY_COUNT_BITS>>,
    o_lo_before: DFF<Bits<STATE_BITS>>,
    o_hi_before: DFF<Bits<STATE_BITS>>,
    o_lo_changed: DFF<Bit>,
    o_hi_changed: DFF<Bit>,
    o_src_is_lo: DFF<Bit>,
    o_bucket: DFF<Bits<B>>,
    o_way: DFF<Bits<WAY_BITS>>,
    o_entry: DFF<EntryBits>,
    o_rd_valid: DFF<Bit>,
    o_rd_entry: DFF<EntryBits>,
    o_rd_alive: DFF<Bit>,
    o_count: DFF<CountRecord>,
    v_refused: Constant<Bits<OUT_VERDICT_BITS>>,
    way_no: [Constant<Bits<WAY_BITS>>; WAYS],
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
    zero3: Constant<Bits<WAY_COUNT_BITS>>,
    zero4: Constant<Bits<STATE_BITS>>,
}

impl<const B: usize> Default for OutRecord<B> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            desc: Default::default(),
            read: Default::default(),
            rd_way: Default::default(),
            bucket: Default::default(),
            flags: Default::default(),
            flag_class: Default::default(),
            src_is_lo: Default::default(),
            v6: Default::default(),
            lo_ip: Default::default(),
            lo_top: Default::default(),
            lo_port: Default::default(),
            hi_ip: Default::default(),
            hi_top: Default::default(),
            hi_port: Default::default(),
            now: Default::default(),
            applied: Default::default(),
            created: Default::default(),
            evicted: Default::default(),
            n_evicted: Default::default(),
            refused: Default::default(),
            sel_way: Default::default(),
            expired: Default::default(),
            verdict: Default::default(),
            lo_before: Default::default(),
            hi_before: Default::default(),
            lo_changed: Default::default(),
            hi_changed: Default::default(),
            reincarnated: Default::default(),
            fin_held: Default::default(),
            window_probe: Default::default(),
            handshake_lost: Default::default(),
            entry_out: Default::default(),
            view: Default::default(),
            ev: Default::default(),
            ev_top: Default::default(),
            out: Default::default(),
            rd_valid: Default::default(),
            rd_entry: Default::default(),
            rd_alive: Default::default(),
            count: Default::default(),
            trk_out_lo: Default::default(),
            trk_out_hi: Default::default(),
            trk_o_lo: Default::default(),
            trk_o_hi: Default::default(),
            c_verdict: Default::default(),
            changes: Default::default(),
            ch_lo: Default::default(),
            ch_hi: Default::default(),
            c_ev: Default::default(),
            rd_sel: Default::default(),
            rd_sel_alive: Default::default(),
            o_valid: Default::default(),
            o_verdict: Default::default(),
            o_has_entry: Default::default(),
            o_created: Default::default(),
            o_evicted: Default::default(),
            o_refused: Default::default(),
            o_reincarnated: Default::default(),
            o_expired: Default::default(),
            o_lo_before: Default::default(),
            o_hi_before: Default::default(),
            o_lo_changed: Default::default(),
            o_hi_changed: Default::default(),
            o_src_is_lo: Default::default(),
            o_bucket: Default::default(),
            o_way: Default::default(),
            o_entry: Default::default(),
            o_rd_valid: Default::default(),
            o_rd_entry: Default::default(),
            o_rd_alive: Default::default(),
            o_count: Default::default(),
            v_refused: Constant::new(V_REFUSED.to_bits()),
            way_no: std::array::from_fn(|w| Constant::new((w as u64).to_bits())),
            zero2: Constant::new(0u64.to_bits()),
            one2: Constant::new(1u64.to_bits()),
            zero3: Constant::new(0u64.to_bits()),
            zero4: Constant::new(0u64.to_bits()),
        }
    }
}

impl<const B: usize> Logic for OutRecord<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            o_valid,
            o_verdict,
            o_has_entry,
            o_created,
            o_evicted,
            o_refused,
            o_reincarnated,
            o_expired,
            o_lo_before,
            o_hi_before,
            o_lo_changed,
            o_hi_changed,
            o_src_is_lo,
            o_bucket,
            o_way,
            o_entry,
            o_rd_valid,
            o_rd_entry,
            o_rd_alive,
            o_count
        );

        // ---- C2: verdict and state changes
        self.c_verdict.next = self.verdict.val();
        if self.refused.val() {
            self.c_verdict.next = self.v_refused.val();
        }
        self.ch_lo.next = self.zero2.val();
        self.ch_hi.next = self.zero2.val();
        if self.lo_changed.val() {
            self.ch_lo.next = self.one2.val();
        }
        if self.hi_changed.val() {
            self.ch_hi.next = self.one2.val();
        }
        self.changes.next = self.zero2.val();
        if self.applied.val() {
            self.changes.next = self.ch_lo.val() + self.ch_hi.val();
        }

        // ---- host read: the aged way
        self.rd_sel.next = self.view[0].val();
        for w in 1..WAYS {
            if self.rd_way.val() == self.way_no[w].val() {
                self.rd_sel.next = self.view[w].val();
            }
        }
        self.rd_sel_alive.next = self.rd_sel.val().valid;

        // ---- O: registered outputs
        self.o_valid.d.next = self.desc.val();
        self.o_verdict.d.next = self.c_verdict.val();
        self.o_has_entry.d.next = self.applied.val();
        self.o_created.d.next = self.created.val();
        self.o_evicted.d.next = self.evicted.val();
        self.o_refused.d.next = self.refused.val();
        self.o_reincarnated.d.next = self.applied.val() && self.reincarnated.val();
        self.o_expired.d.next = self.expired.val();
        self.o_lo_before.d.next = self.lo_before.val();
        self.o_hi_before.d.next = self.hi_before.val();
        self.o_lo_changed.d.next = self.applied.val() && self.lo_changed.val();
        self.o_hi_changed.d.next = self.applied.val() && self.hi_changed.val();
        self.o_src_is_lo.d.next = self.src_is_lo.val();
        self.o_bucket.d.next = self.bucket.val();
        self.o_way.d.next = self.sel_way.val();
        self.o_entry.d.next = self.entry_out.val();
        self.o_rd_valid.d.next = self.read.val();
        self.o_rd_entry.d.next = self.rd_sel.val();
        self.o_rd_alive.d.next = self.rd_sel_alive.val();
        self.o_count.d.next.desc = self.desc.val();
        self.o_count.d.next.flags = self.flags.val();
        self.o_count.d.next.flag_class = self.flag_class.val();
        self.o_count.d.next.verdict = self.c_verdict.val();
        self.o_count.d.next.reincarnated = self.applied.val() && self.reincarnated.val();
        self.o_count.d.next.picked_up = self.created.val() && self.entry_out.val().picked_up;
        self.o_count.d.next.created = self.created.val();
        self.o_count.d.next.state_changes = self.changes.val();
        self.o_count.d.next.evicted = self.n_evicted.val();
        self.o_count.d.next.refused = self.refused.val();
        self.o_count.d.next.expired = self.expired.val();
        self.o_count.d.next.fin_held = self.applied.val() && self.fin_held.val();
        self.o_count.d.next.window_probe = self.applied.val() && self.window_probe.val();
        self.o_count.d.next.handshake_lost = self.applied.val() && self.handshake_lost.val();

        // ---- C2: the event record
        self.trk_out_lo.next = self.entry_out.val().lo;
        self.trk_out_hi.next = self.entry_out.val().hi;
        self.c_ev.next.created = self.created.val();
        self.c_ev.next.refused = self.refused.val();
        self.c_ev.next.evicted = self.evicted.val();
        self.c_ev.next.reincarnated = self.applied.val() && self.reincarnated.val();
        self.c_ev.next.lo_changed = self.applied.val() && self.lo_changed.val();
        self.c_ev.next.hi_changed = self.applied.val() && self.hi_changed.val();
        self.c_ev.next.expired = self.expired.val();
        self.c_ev.next.way = self.way_no[0].val();
        self.c_ev.next.lo_before = self.zero4.val();
        self.c_ev.next.hi_before = self.zero4.val();
        self.c_ev.next.lo_after = self.zero4.val();
        self.c_ev.next.hi_after = self.zero4.val();
        if self.applied.val() {
            self.c_ev.next.way = self.sel_way.val();
            self.c_ev.next.lo_before = self.lo_before.val();
            self.c_ev.next.hi_before = self.hi_before.val();
            self.c_ev.next.lo_after = self.trk_out_lo.val().state;
            self.c_ev.next.hi_after = self.trk_out_hi.val().state;
        }
        self.c_ev.next.v6 = self.v6.val();
        self.ev_top.next.lo_top = self.lo_top.val();
        self.ev_top.next.hi_top = self.hi_top.val();
        self.c_ev.next.lo_ip = self.lo_ip.val();
        self.c_ev.next.lo_port = self.lo_port.val();
        self.c_ev.next.hi_ip = self.hi_ip.val();
        self.c_ev.next.hi_port = self.hi_port.val();
        self.c_ev.next.time = self.now.val();
        self.c_ev.next.client_is_lo = self.entry_out.val().client_is_lo;
        self.ev.next = self.c_ev.val();

        // ---- O: the outputs
        self.out.valid.next = self.o_valid.q.val();
        self.out.verdict.next = self.o_verdict.q.val();
        self.out.has_entry.next = self.o_has_entry.q.val();
        self.out.created.next = self.o_created.q.val();
        self.out.evicted.next = self.o_evicted.q.val();
        self.out.refused.next = self.o_refused.q.val();
        self.out.reincarnated.next = self.o_reincarnated.q.val();
        self.out.expired.next = self.o_expired.q.val();
        self.out.lo_before.next = self.o_lo_before.q.val();
        self.out.hi_before.next = self.o_hi_before.q.val();
        self.trk_o_lo.next = self.o_entry.q.val().lo;
        self.trk_o_hi.next = self.o_entry.q.val().hi;
        self.out.lo_after.next = self.trk_o_lo.val().state;
        self.out.hi_after.next = self.trk_o_hi.val().state;
        self.out.lo_changed.next = self.o_lo_changed.q.val();
        self.out.hi_changed.next = self.o_hi_changed.q.val();
        self.out.src_is_lo.next = self.o_src_is_lo.q.val();
        self.out.bucket.next = self.o_bucket.q.val();
        self.out.way.next = self.o_way.q.val();
        self.out.entry.next = self.o_entry.q.val();
        self.rd_valid.next = self.o_rd_valid.q.val();
        self.rd_entry.next = self.o_rd_entry.q.val();
        self.rd_alive.next = self.o_rd_alive.q.val();
        self.count.next = self.o_count.q.val();

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.o_valid.d.next = false;
            self.o_rd_valid.d.next = false;
            self.o_count.d.next.desc = false;
            self.o_count.d.next.expired = self.zero3.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_record_is_synthesizable() {
        let mut uut = OutRecord::<6>::default();
        uut.clock.connect();
        uut.reset.connect();
        uut.desc.connect();
        uut.read.connect();
        uut.rd_way.connect();
        uut.bucket.connect();
        uut.flags.connect();
        uut.flag_class.connect();
        uut.src_is_lo.connect();
        uut.v6.connect();
        uut.lo_ip.connect();
        uut.lo_top.connect();
        uut.lo_port.connect();
        uut.hi_ip.connect();
        uut.hi_top.connect();
        uut.hi_port.connect();
        uut.now.connect();
        uut.applied.connect();
        uut.created.connect();
        uut.evicted.connect();
        uut.n_evicted.connect();
        uut.refused.connect();
        uut.sel_way.connect();
        uut.expired.connect();
        uut.verdict.connect();
        uut.lo_before.connect();
        uut.hi_before.connect();
        uut.lo_changed.connect();
        uut.hi_changed.connect();
        uut.reincarnated.connect();
        uut.fin_held.connect();
        uut.window_probe.connect();
        uut.handshake_lost.connect();
        uut.entry_out.connect();
        for v in &mut uut.view {
            v.connect();
        }
        uut.connect_all();
        yosys_validate("synscope_out_record", &generate_verilog(&uut)).unwrap();
    }
}
