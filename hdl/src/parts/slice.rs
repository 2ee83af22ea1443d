//! `slice`: a one-entry register slice for a byte stream (`data`, `last`, valid/ready). Its
//! `s_ready` is a register (`!full`), so no combinational path runs from `m_ready` back to the
//! sender: the board puts it between the command engine and the HDLC framer, which cuts the
//! ready chain UART → framer → engine (a long path in the board top's timing). Half rate at
//! most (one byte every two cycles), which is far above any UART's.

use crate::ports::byte_stream::{PacketIn, PacketOut};
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct ByteSlice {
    pub clock: Signal<In, Clock>,
    /// Synchronous: empties the slice.
    pub reset: Signal<In, Bit>,
    /// In.
    pub s: PacketIn,
    /// Out, one register later.
    pub m: PacketOut,
    data: DFF<Bits<8>>,
    last: DFF<Bit>,
    full: DFF<Bit>,
}

impl Logic for ByteSlice {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, data, last, full);
        self.s.ready.next = !self.full.q.val();
        self.m.valid.next = self.full.q.val();
        self.m.data.next = self.data.q.val();
        self.m.last.next = self.last.q.val();
        if self.full.q.val() {
            if self.m.ready.val() {
                self.full.d.next = false;
            }
        } else if self.s.valid.val() {
            self.data.d.next = self.s.data.val();
            self.last.d.next = self.s.last.val();
            self.full.d.next = true;
        }
        if self.reset.val() {
            self.full.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_slice_is_synthesizable() {
        let mut u = ByteSlice::default();
        u.clock.connect();
        u.reset.connect();
        u.s.link_connect_dest();
        u.m.link_connect_dest();
        u.connect_all();
        yosys_validate("synscope_byte_slice", &generate_verilog(&u)).unwrap();
    }

    /// Every byte offered comes out once, in order, whatever the two sides' stalls.
    #[test]
    fn passes_every_byte_in_order() {
        let mut u = ByteSlice::default();
        let bytes: Vec<u8> = (0..40).collect();
        let (mut sent, mut got) = (0usize, Vec::new());
        let mut cycle = 0u32;
        let mut valid = false;
        // Direct stepping: a rising edge per loop turn (see notes/rust-hdl.md).
        u.connect_all();
        while got.len() < bytes.len() && cycle < 1000 {
            let offer = sent < bytes.len() && cycle % 3 != 1;
            let take = cycle % 5 != 2;
            u.s.valid.next = offer;
            u.s.data.next = (bytes[sent.min(bytes.len() - 1)] as u64).to_bits();
            u.s.last.next = sent + 1 == bytes.len();
            u.m.ready.next = take;
            u.clock.next = Clock::from(false);
            simulate(&mut u, 10);
            let accepted = offer && u.s.ready.val();
            if u.m.valid.val() && take {
                got.push(u.m.data.val().to_u64() as u8);
            }
            u.clock.next = Clock::from(true);
            simulate(&mut u, 10);
            if accepted {
                sent += 1;
            }
            valid |= u.m.valid.val();
            cycle += 1;
        }
        assert!(valid);
        assert_eq!(got, bytes);
    }
}
