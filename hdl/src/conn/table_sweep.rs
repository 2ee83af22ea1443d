//! `table_sweep`: the aging pass of stage R (docs/core.md, "Sharing the table"). Every cycle R
//! has neither a descriptor nor a host read (`idle`) while a pass is due, the next bucket in
//! order (`bucket`) goes through C1 and C2 (`visit`): aged, written back, its dead entries
//! counted as `expired` (`Tracker::expire`). A pass visits every bucket once, ending before
//! `sweep_end`; it is due again whenever a visit could change a bucket (`restart`: the time
//! moved, the timeouts or the key changed, or reset), starting over from the next bucket. Then
//! the sweep stops: a visit at an unchanged time and configuration writes its bucket back as
//! it is.

use rust_hdl::prelude::*;

/// The sweep pointer and its pass, for `2^B` buckets.
#[derive(LogicBlock)]
pub struct TableSweep<const B: usize> {
    pub clock: Signal<In, Clock>,
    /// R has neither a descriptor nor a host read this cycle: a due pass visits `bucket`.
    pub idle: Signal<In, Bit>,
    /// A visit could change a bucket from now on: a pass is due (it wins over a pass ending
    /// in this cycle).
    pub restart: Signal<In, Bit>,
    /// The bucket a visit in this cycle reads.
    pub bucket: Signal<Out, Bits<B>>,
    /// This cycle R visits `bucket` (`idle` and a pass due).
    pub visit: Signal<Out, Bit>,
    sweep_ptr: DFF<Bits<B>>,
    /// A sweep pass is due: it visits every bucket once, ending before `sweep_end`.
    sweep_due: DFF<Bit>,
    sweep_end: DFF<Bits<B>>,
    /// `sweep_ptr` after this cycle.
    sweep_next: Signal<Local, Bits<B>>,
    one_b: Constant<Bits<B>>,
}

impl<const B: usize> Default for TableSweep<B> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            idle: Default::default(),
            restart: Default::default(),
            bucket: Default::default(),
            visit: Default::default(),
            sweep_ptr: Default::default(),
            sweep_due: Default::default(),
            sweep_end: Default::default(),
            sweep_next: Default::default(),
            one_b: Constant::new(1u64.to_bits()),
        }
    }
}

impl<const B: usize> Logic for TableSweep<B> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sweep_ptr, sweep_due, sweep_end);
        self.bucket.next = self.sweep_ptr.q.val();
        self.visit.next = self.idle.val() && self.sweep_due.q.val();
        self.sweep_next.next = self.sweep_ptr.q.val();
        if self.idle.val() && self.sweep_due.q.val() {
            self.sweep_next.next = self.sweep_ptr.q.val() + self.one_b.val();
            if self.sweep_next.val() == self.sweep_end.q.val() {
                self.sweep_due.d.next = false;
            }
        }
        self.sweep_ptr.d.next = self.sweep_next.val();
        // A pass is due whenever a visit could change a bucket: the time moved, the timeouts
        // or the key changed, or after reset (a visit at an unchanged time and configuration
        // rewrites every bucket as it is). It starts over from the next bucket, so a bucket
        // visited in this cycle under the old time or configuration is visited again.
        if self.restart.val() {
            self.sweep_due.d.next = true;
            self.sweep_end.d.next = self.sweep_next.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sweep_is_synthesizable() {
        let mut uut = TableSweep::<6>::default();
        uut.clock.connect();
        uut.idle.connect();
        uut.restart.connect();
        uut.connect_all();
        yosys_validate("synscope_table_sweep", &generate_verilog(&uut)).unwrap();
    }
}
