//! `hdlc_deframer`: octet-stuffed frames in, unstuffed and FCS-checked bytes out (see [`super`]).

use super::*;
use crate::ports::byte_stream::{ByteFlowIn, FrameBytesOut};
use rust_hdl::prelude::*;
use synscope_model::protocol::{ESCAPE, ESCAPE_XOR, FCS_BYTES, FLAG, HEADER_BYTES};

#[derive(LogicBlock)]
pub struct HdlcDeframer {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// Bytes from the line.
    pub s: ByteFlowIn,
    /// The frame's unstuffed content bytes (header and payload), then its end and status.
    pub m: FrameBytesOut,
    pub frames_ok: Signal<Out, Bits<COUNTER_BITS>>,
    pub bad_fcs: Signal<Out, Bits<COUNTER_BITS>>,
    pub too_long: Signal<Out, Bits<COUNTER_BITS>>,
    pub too_short: Signal<Out, Bits<COUNTER_BITS>>,
    pub aborted: Signal<Out, Bits<COUNTER_BITS>>,
    pub garbage: Signal<Out, Bits<COUNTER_BITS>>,
    // Input register: the byte and what it is.
    in_data: DFF<Bits<8>>,
    in_valid: DFF<Bit>,
    in_flag: DFF<Bit>,
    in_escape: DFF<Bit>,
    // Frame state (the model `Decoder`'s fields).
    in_frame: DFF<Bit>,
    escaped: DFF<Bit>,
    overflow: DFF<Bit>,
    len: DFF<Bits<LEN_BITS>>,
    fcs: DFF<Bits<16>>,
    /// The last two unstuffed bytes (`hold1` the newer), not yet known not to be the FCS.
    hold1: DFF<Bits<8>>,
    hold2: DFF<Bits<8>>,
    fcs_unit: Fcs16,
    // Outputs.
    out_data: DFF<Bits<8>>,
    out_valid: DFF<Bit>,
    out_first: DFF<Bit>,
    out_end: DFF<Bit>,
    out_status: DFF<Bits<STATUS_BITS>>,
    n_ok: DFF<Bits<COUNTER_BITS>>,
    n_bad_fcs: DFF<Bits<COUNTER_BITS>>,
    n_too_long: DFF<Bits<COUNTER_BITS>>,
    n_too_short: DFF<Bits<COUNTER_BITS>>,
    n_aborted: DFF<Bits<COUNTER_BITS>>,
    n_garbage: DFF<Bits<COUNTER_BITS>>,
    unstuffed: Signal<Local, Bits<8>>,
    flag_c: Constant<Bits<8>>,
    escape_c: Constant<Bits<8>>,
    xor_c: Constant<Bits<8>>,
    fcs_init: Constant<Bits<16>>,
    fcs_good: Constant<Bits<16>>,
    len_zero: Constant<Bits<LEN_BITS>>,
    len_one: Constant<Bits<LEN_BITS>>,
    len_two: Constant<Bits<LEN_BITS>>,
    len_min: Constant<Bits<LEN_BITS>>,
    len_max: Constant<Bits<LEN_BITS>>,
    st_ok: Constant<Bits<STATUS_BITS>>,
    st_bad_fcs: Constant<Bits<STATUS_BITS>>,
    st_too_long: Constant<Bits<STATUS_BITS>>,
    st_too_short: Constant<Bits<STATUS_BITS>>,
    st_aborted: Constant<Bits<STATUS_BITS>>,
    one_count: Constant<Bits<COUNTER_BITS>>,
    zero_count: Constant<Bits<COUNTER_BITS>>,
}

impl Default for HdlcDeframer {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s: Default::default(),
            m: Default::default(),
            frames_ok: Default::default(),
            bad_fcs: Default::default(),
            too_long: Default::default(),
            too_short: Default::default(),
            aborted: Default::default(),
            garbage: Default::default(),
            in_data: Default::default(),
            in_valid: Default::default(),
            in_flag: Default::default(),
            in_escape: Default::default(),
            in_frame: Default::default(),
            escaped: Default::default(),
            overflow: Default::default(),
            len: Default::default(),
            fcs: Default::default(),
            hold1: Default::default(),
            hold2: Default::default(),
            fcs_unit: Default::default(),
            out_data: Default::default(),
            out_valid: Default::default(),
            out_first: Default::default(),
            out_end: Default::default(),
            out_status: Default::default(),
            n_ok: Default::default(),
            n_bad_fcs: Default::default(),
            n_too_long: Default::default(),
            n_too_short: Default::default(),
            n_aborted: Default::default(),
            n_garbage: Default::default(),
            unstuffed: Default::default(),
            flag_c: Constant::new((FLAG as u64).to_bits()),
            escape_c: Constant::new((ESCAPE as u64).to_bits()),
            xor_c: Constant::new((ESCAPE_XOR as u64).to_bits()),
            fcs_init: Constant::new((FCS_INIT as u64).to_bits()),
            fcs_good: Constant::new((FCS_GOOD as u64).to_bits()),
            len_zero: Constant::new(0.into()),
            len_one: Constant::new(1.into()),
            len_two: Constant::new(2.into()),
            len_min: Constant::new(((HEADER_BYTES + FCS_BYTES) as u64).to_bits()),
            len_max: Constant::new((MAX_FRAME as u64).to_bits()),
            st_ok: Constant::new(STATUS_OK.to_bits()),
            st_bad_fcs: Constant::new(STATUS_BAD_FCS.to_bits()),
            st_too_long: Constant::new(STATUS_TOO_LONG.to_bits()),
            st_too_short: Constant::new(STATUS_TOO_SHORT.to_bits()),
            st_aborted: Constant::new(STATUS_ABORTED.to_bits()),
            one_count: Constant::new(1.into()),
            zero_count: Constant::new(0.into()),
        }
    }
}

impl Logic for HdlcDeframer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            in_data,
            in_valid,
            in_flag,
            in_escape,
            in_frame,
            escaped,
            overflow,
            len,
            fcs,
            hold1,
            hold2,
            out_data,
            out_valid,
            out_first,
            out_end,
            out_status,
            n_ok,
            n_bad_fcs,
            n_too_long,
            n_too_short,
            n_aborted,
            n_garbage
        );
        // Outputs are registers.
        self.m.data.next = self.out_data.q.val();
        self.m.valid.next = self.out_valid.q.val();
        self.m.first.next = self.out_first.q.val();
        self.m.end.next = self.out_end.q.val();
        self.m.status.next = self.out_status.q.val();
        self.frames_ok.next = self.n_ok.q.val();
        self.bad_fcs.next = self.n_bad_fcs.q.val();
        self.too_long.next = self.n_too_long.q.val();
        self.too_short.next = self.n_too_short.q.val();
        self.aborted.next = self.n_aborted.q.val();
        self.garbage.next = self.n_garbage.q.val();
        self.out_valid.d.next = false;
        self.out_end.d.next = false;
        // Stage 1: register the byte and classify it (flag, escape).
        self.in_data.d.next = self.s.data.val();
        self.in_valid.d.next = self.s.valid.val();
        self.in_flag.d.next = self.s.data.val() == self.flag_c.val();
        self.in_escape.d.next = self.s.data.val() == self.escape_c.val();
        // Stage 2: the model `Decoder::push`. The byte after an escape is XORed (§4.2).
        self.unstuffed.next = self.in_data.q.val();
        if self.escaped.q.val() {
            self.unstuffed.next = self.in_data.q.val() ^ self.xor_c.val();
        }
        self.fcs_unit.fcs.next = self.fcs.q.val();
        self.fcs_unit.octet.next = self.unstuffed.val();
        if self.in_valid.q.val() {
            if self.in_flag.q.val() {
                // A flag ends the frame in progress (if any) and starts the next (§4.1).
                if self.in_frame.q.val() {
                    if self.escaped.q.val() {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_aborted.val();
                        self.n_aborted.d.next = self.n_aborted.q.val() + self.one_count.val();
                    } else if self.overflow.q.val() {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_too_long.val();
                        self.n_too_long.d.next = self.n_too_long.q.val() + self.one_count.val();
                    } else if self.len.q.val() == self.len_zero.val() {
                        // Idle fill: nothing ends.
                    } else if self.len.q.val() < self.len_min.val() {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_too_short.val();
                        self.n_too_short.d.next = self.n_too_short.q.val() + self.one_count.val();
                    } else if self.fcs.q.val() != self.fcs_good.val() {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_bad_fcs.val();
                        self.n_bad_fcs.d.next = self.n_bad_fcs.q.val() + self.one_count.val();
                    } else {
                        self.out_end.d.next = true;
                        self.out_status.d.next = self.st_ok.val();
                        self.n_ok.d.next = self.n_ok.q.val() + self.one_count.val();
                    }
                }
                self.in_frame.d.next = true;
                self.escaped.d.next = false;
                self.overflow.d.next = false;
                self.len.d.next = self.len_zero.val();
                self.fcs.d.next = self.fcs_init.val();
            } else if !self.in_frame.q.val() {
                self.n_garbage.d.next = self.n_garbage.q.val() + self.one_count.val();
            } else if self.in_escape.q.val() & !self.escaped.q.val() {
                self.escaped.d.next = true;
            } else {
                self.escaped.d.next = false;
                if self.len.q.val() == self.len_max.val() {
                    self.overflow.d.next = true;
                } else if !self.overflow.q.val() {
                    // A content byte: into the FCS and the hold line; the byte two back is
                    // no longer one of the last two, so it is content and goes out.
                    self.fcs.d.next = self.fcs_unit.fcs_next.val();
                    self.len.d.next = self.len.q.val() + self.len_one.val();
                    self.hold1.d.next = self.unstuffed.val();
                    self.hold2.d.next = self.hold1.q.val();
                    self.out_data.d.next = self.hold2.q.val();
                    self.out_valid.d.next = self.len.q.val() >= self.len_two.val();
                    self.out_first.d.next = self.len.q.val() == self.len_two.val();
                }
            }
        }
        // Synchronous reset last: it wins.
        if self.reset.val() {
            self.in_valid.d.next = false;
            self.in_frame.d.next = false;
            self.escaped.d.next = false;
            self.overflow.d.next = false;
            self.len.d.next = self.len_zero.val();
            self.out_valid.d.next = false;
            self.out_end.d.next = false;
            self.n_ok.d.next = self.zero_count.val();
            self.n_bad_fcs.d.next = self.zero_count.val();
            self.n_too_long.d.next = self.zero_count.val();
            self.n_too_short.d.next = self.zero_count.val();
            self.n_aborted.d.next = self.zero_count.val();
            self.n_garbage.d.next = self.zero_count.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn deframer() -> HdlcDeframer {
        let mut u = HdlcDeframer::default();
        u.clock.connect();
        u.reset.connect();
        u.s.link_connect_dest();
        u.connect_all();
        u
    }

    #[test]
    fn hdlc_deframer_is_synthesizable() {
        yosys_validate("synscope_hdlc_deframer", &generate_verilog(&deframer())).unwrap();
    }
}
