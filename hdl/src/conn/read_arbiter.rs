//! `read_arbiter`: stage R (docs/core.md, "Sharing the table (arbitration)"): which item reads
//! the table this cycle, in priority order a descriptor (leaving S4 beside the hash), the
//! host's table read (dump, lookup) when the R slot is empty, and a sweep visit
//! ([`TableSweep`]) when the slot is still empty and a pass is due; the bucket it reads; and
//! the item loaded into C1 (`c_*`, `c`).
//!
//! **Time**: the descriptor carries `now` (its own `max`); host reads and sweep visits age with
//! `now_r`, the `now` of the last descriptor that passed R, so C1 and C2 see a monotone time
//! (aging is composable only forwards).
//!
//! **Host read**: `rd_req` with `rd_bucket`/`rd_way` (held until the core answers) is taken
//! once (`rd_pending`) and served in the first cycle R has no descriptor.

use crate::conn::desc_in::Desc;
use crate::conn::entry::TIME_BITS;
use crate::conn::table_sweep::TableSweep;
use crate::conn::WAY_BITS;
use rust_hdl::prelude::*;

/// Stage R for `2^B` buckets, with the R→C1 registers.
#[derive(LogicBlock)]
pub struct ReadArbiter<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous: no item in C1, no read pending, the time forgotten; a sweep pass is due.
    pub reset: Signal<In, Bit>,
    /// The descriptor leaving S4, and its bucket (the hash's low bits).
    pub p4_valid: Signal<In, Bit>,
    pub p4: Signal<In, Desc>,
    pub hash_bucket: Signal<In, Bits<B>>,
    /// The host's table read.
    pub rd_req: Signal<In, Bit>,
    pub rd_bucket: Signal<In, Bits<B>>,
    pub rd_way: Signal<In, Bits<WAY_BITS>>,
    /// The timeouts or the key are loaded at this edge: a sweep pass is due.
    pub timeouts_load: Signal<In, Bit>,
    pub key_load: Signal<In, Bit>,
    /// The bucket R reads this cycle (the way RAMs' read address).
    pub bucket: Signal<Out, Bits<B>>,
    /// The item in C1 (registered at the R→C1 edge): a descriptor, a host read or a sweep
    /// visit (at most one), its bucket, the way a host read asks for, its time, the
    /// descriptor.
    pub c_desc: Signal<Out, Bit>,
    pub c_read: Signal<Out, Bit>,
    pub c_sweep: Signal<Out, Bit>,
    pub c_bucket: Signal<Out, Bits<B>>,
    pub c_way: Signal<Out, Bits<WAY_BITS>>,
    pub c_now: Signal<Out, Bits<TIME_BITS>>,
    pub c: Signal<Out, Desc>,
    sweep: TableSweep<B>,
    now_r: DFF<Bits<TIME_BITS>>,
    rd_pending: DFF<Bit>,
    rd_bucket_q: DFF<Bits<B>>,
    rd_way_q: DFF<Bits<WAY_BITS>>,
    r_bucket: Signal<Local, Bits<B>>,
    // the C1 registers behind `c_*`
    r_desc: DFF<Bit>,
    r_read: DFF<Bit>,
    r_sweep: DFF<Bit>,
    r_c_bucket: DFF<Bits<B>>,
    r_way: DFF<Bits<WAY_BITS>>,
    r_now: DFF<Bits<TIME_BITS>>,
    r_c: DFF<Desc>,
    zero16: Constant<Bits<TIME_BITS>>,
}

impl<const B: usize> Default for ReadArbiter<B> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            p4_valid: Default::default(),
            p4: Default::default(),
            hash_bucket: Default::default(),
            rd_req: Default::default(),
            rd_bucket: Default::default(),
            rd_way: Default::default(),
            timeouts_load: Default::default(),
            key_load: Default::default(),
            bucket: Default::default(),
            c_desc: Default::default(),
            c_read: Default::default(),
            c_sweep: Default::default(),
            c_bucket: Default::default(),
            c_way: Default::default(),
            c_now: Default::default(),
            c: Default::default(),
            sweep: Default::default(),
            now_r: Default::default(),
            rd_pending: Default::default(),
            rd_bucket_q: Default::default(),
            rd_way_q: Default::default(),
            r_bucket: Default::default(),
            r_desc: Default::default(),
            r_read: Default::default(),
            r_sweep: Default::default(),
            r_c_bucket: Default::default(),
            r_way: Default::default(),
            r_now: Default::default(),
            r_c: Default::default(),
            zero16: Constant::new(0u64.to_bits()),
        }
    }
}

impl<const B: usize> Logic for ReadArbiter<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            now_r,
            rd_pending,
            rd_bucket_q,
            rd_way_q,
            r_desc,
            r_read,
            r_sweep,
            r_c_bucket,
            r_way,
            r_now,
            r_c
        );
        self.sweep.clock.next = self.clock.val();

        // ---- the host read, taken once
        if self.rd_req.val() && !self.rd_pending.q.val() {
            self.rd_pending.d.next = true;
            self.rd_bucket_q.d.next = self.rd_bucket.val();
            self.rd_way_q.d.next = self.rd_way.val();
        }

        // ---- arbitration (descriptor, host read, sweep)
        self.r_c.d.next = self.p4.val();
        self.r_desc.d.next = false;
        self.r_read.d.next = false;
        self.r_way.d.next = self.rd_way_q.q.val();
        self.r_now.d.next = self.now_r.q.val();
        if self.p4_valid.val() {
            self.r_bucket.next = self.hash_bucket.val();
            self.r_desc.d.next = true;
            self.r_now.d.next = self.p4.val().now;
            self.now_r.d.next = self.p4.val().now;
        } else if self.rd_pending.q.val() {
            self.r_bucket.next = self.rd_bucket_q.q.val();
            self.r_read.d.next = true;
            self.rd_pending.d.next = false;
        } else {
            self.r_bucket.next = self.sweep.bucket.val();
        }
        self.sweep.idle.next = !self.p4_valid.val() && !self.rd_pending.q.val();
        self.r_sweep.d.next = self.sweep.visit.val();
        self.sweep.restart.next = (self.p4_valid.val()
            && (self.p4.val().now != self.now_r.q.val()))
            || self.timeouts_load.val()
            || self.key_load.val()
            || self.reset.val();
        self.r_c_bucket.d.next = self.r_bucket.val();
        self.bucket.next = self.r_bucket.val();

        // ---- C1
        self.c_desc.next = self.r_desc.q.val();
        self.c_read.next = self.r_read.q.val();
        self.c_sweep.next = self.r_sweep.q.val();
        self.c_bucket.next = self.r_c_bucket.q.val();
        self.c_way.next = self.r_way.q.val();
        self.c_now.next = self.r_now.q.val();
        self.c.next = self.r_c.q.val();

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.r_desc.d.next = false;
            self.r_read.d.next = false;
            self.r_sweep.d.next = false;
            self.rd_pending.d.next = false;
            self.now_r.d.next = self.zero16.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_arbiter_is_synthesizable() {
        let mut uut = ReadArbiter::<6>::default();
        uut.clock.connect();
        uut.reset.connect();
        uut.p4_valid.connect();
        uut.p4.connect();
        uut.hash_bucket.connect();
        uut.rd_req.connect();
        uut.rd_bucket.connect();
        uut.rd_way.connect();
        uut.timeouts_load.connect();
        uut.key_load.connect();
        uut.connect_all();
        yosys_validate("synscope_read_arbiter", &generate_verilog(&uut)).unwrap();
    }
}
