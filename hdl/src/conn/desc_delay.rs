//! `desc_delay`: stages S1..S4 (docs/core.md, "Pipeline"): the decoded descriptor travels
//! beside `toeplitz_hash` (latency 4), so that it reaches R with its bucket.

use crate::conn::desc_in::Desc;
use rust_hdl::prelude::*;

/// Four registers of a descriptor and its valid bit.
#[derive(LogicBlock, Default)]
pub struct DescDelay {
    pub clock: Signal<In, Clock>,
    /// Synchronous: no descriptor in S1..S4.
    pub reset: Signal<In, Bit>,
    /// S0's descriptor (`desc_in`).
    pub in_valid: Signal<In, Bit>,
    pub desc_in: Signal<In, Desc>,
    /// The descriptor in S4, entering R at the next edge with the hash.
    pub p4_valid: Signal<Out, Bit>,
    pub p4: Signal<Out, Desc>,
    p1_valid: DFF<Bit>,
    p2_valid: DFF<Bit>,
    p3_valid: DFF<Bit>,
    r_p4_valid: DFF<Bit>,
    p1: DFF<Desc>,
    p2: DFF<Desc>,
    p3: DFF<Desc>,
    r_p4: DFF<Desc>,
}

impl Logic for DescDelay {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, p1_valid, p2_valid, p3_valid, r_p4_valid, p1, p2, p3, r_p4);
        self.p1_valid.d.next = self.in_valid.val();
        self.p1.d.next = self.desc_in.val();
        self.p2_valid.d.next = self.p1_valid.q.val();
        self.p2.d.next = self.p1.q.val();
        self.p3_valid.d.next = self.p2_valid.q.val();
        self.p3.d.next = self.p2.q.val();
        self.r_p4_valid.d.next = self.p3_valid.q.val();
        self.r_p4.d.next = self.p3.q.val();
        self.p4_valid.next = self.r_p4_valid.q.val();
        self.p4.next = self.r_p4.q.val();
        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.p1_valid.d.next = false;
            self.p2_valid.d.next = false;
            self.p3_valid.d.next = false;
            self.r_p4_valid.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desc_delay_is_synthesizable() {
        let mut uut = DescDelay::default();
        uut.clock.connect();
        uut.reset.connect();
        uut.in_valid.connect();
        uut.desc_in.connect();
        uut.connect_all();
        yosys_validate("synscope_desc_delay", &generate_verilog(&uut)).unwrap();
    }
}
