//! `descriptor`: the frame's result, built when its status entry is read (`fin`): the checks
//! as a priority chain in `parse_frame`'s order, then the result registers, held
//! (valid/ready) until taken.
//!
//! The chain: the receiver's own verdict (a status byte other than `STATUS_OK`: its reason
//! stands), then length (`< 60` Runt, `> 1522` Oversize), the EtherType (a third VLAN tag →
//! Unsupported; not IPv4 or IPv6 → NotIp), the IP version's own checks (`ipv6_walk` or
//! `ipv4_header`, each its first failing one), then TCP's (BadTcpHeader). A frame that passes
//! gives a segment descriptor, stamped with `now`.

use super::k;
use crate::front::frame_parser::{NOW_BITS, POS_BITS};
use crate::front::mii_rx::STATUS_OK;
use crate::ports::segment_desc::SegmentDescOut;
use rust_hdl::prelude::*;
use synscope_model::drop::DropReason;
use synscope_model::frame::{MAX_FRAME_LEN, MIN_FRAME_LEN};

/// The checks in order, and the result registers.
#[derive(LogicBlock)]
pub struct Descriptor {
    pub clock: Signal<In, Clock>,
    /// Synchronous: empties the output.
    pub reset: Signal<In, Bit>,
    /// The status entry is read (`status`, after `pos` frame bytes).
    pub fin: Signal<In, Bit>,
    pub status: Signal<In, Bits<8>>,
    pub pos: Signal<In, Bits<POS_BITS>>,
    pub now: Signal<In, Bits<NOW_BITS>>,
    /// The blocks' verdicts: the EtherType's, the IP version's (IPv6 when `is_v6`), TCP's.
    pub et_unsupported: Signal<In, Bit>,
    pub et_not_ip: Signal<In, Bit>,
    pub is_v6: Signal<In, Bit>,
    pub v6_drop: Signal<In, Bit>,
    pub v6_reason: Signal<In, Bits<4>>,
    pub v4_drop: Signal<In, Bit>,
    pub v4_reason: Signal<In, Bits<4>>,
    pub tcp_bad: Signal<In, Bit>,
    /// The descriptor's fields as parsed.
    pub in_src_ip: Signal<In, Bits<128>>,
    pub in_dst_ip: Signal<In, Bits<128>>,
    pub in_src_port: Signal<In, Bits<16>>,
    pub in_dst_port: Signal<In, Bits<16>>,
    pub in_seq: Signal<In, Bits<32>>,
    pub in_ack: Signal<In, Bits<32>>,
    pub in_flags: Signal<In, Bits<9>>,
    pub in_window: Signal<In, Bits<16>>,
    pub in_wscale: Signal<In, Bits<4>>,
    pub in_payload_len: Signal<In, Bits<16>>,
    pub in_tsval: Signal<In, Bits<32>>,
    pub in_ts_ok: Signal<In, Bit>,
    // ---- result (the parser's output)
    pub out_ready: Signal<In, Bit>,
    pub out_valid: Signal<Out, Bit>,
    pub out_drop: Signal<Out, Bit>,
    pub out_reason: Signal<Out, Bits<{ DropReason::BITS }>>,
    /// The descriptor of a frame not dropped (`valid` = `out_valid` and not `out_drop`).
    pub desc: SegmentDescOut,
    o_valid: DFF<Bit>,
    o_drop: DFF<Bit>,
    o_reason: DFF<Bits<4>>,
    o_v6: DFF<Bit>,
    o_src_ip: DFF<Bits<128>>,
    o_dst_ip: DFF<Bits<128>>,
    o_src_port: DFF<Bits<16>>,
    o_dst_port: DFF<Bits<16>>,
    o_seq: DFF<Bits<32>>,
    o_ack: DFF<Bits<32>>,
    o_flags: DFF<Bits<9>>,
    o_window: DFF<Bits<16>>,
    o_wscale: DFF<Bits<4>>,
    o_payload_len: DFF<Bits<16>>,
    o_tsval: DFF<Bits<32>>,
    o_ts_ok: DFF<Bit>,
    o_time: DFF<Bits<NOW_BITS>>,
    reason: Signal<Local, Bits<4>>,
    drop: Signal<Local, Bit>,
    k_min_len: Constant<Bits<POS_BITS>>,
    k_max_len: Constant<Bits<POS_BITS>>,
    k_st_ok: Constant<Bits<8>>,
    k_r_runt: Constant<Bits<4>>,
    k_r_oversize: Constant<Bits<4>>,
    k_r_not_ip: Constant<Bits<4>>,
    k_r_unsupported: Constant<Bits<4>>,
    k_r_bad_tcp: Constant<Bits<4>>,
}

impl Default for Descriptor {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            fin: Default::default(),
            status: Default::default(),
            pos: Default::default(),
            now: Default::default(),
            et_unsupported: Default::default(),
            et_not_ip: Default::default(),
            is_v6: Default::default(),
            v6_drop: Default::default(),
            v6_reason: Default::default(),
            v4_drop: Default::default(),
            v4_reason: Default::default(),
            tcp_bad: Default::default(),
            in_src_ip: Default::default(),
            in_dst_ip: Default::default(),
            in_src_port: Default::default(),
            in_dst_port: Default::default(),
            in_seq: Default::default(),
            in_ack: Default::default(),
            in_flags: Default::default(),
            in_window: Default::default(),
            in_wscale: Default::default(),
            in_payload_len: Default::default(),
            in_tsval: Default::default(),
            in_ts_ok: Default::default(),
            out_ready: Default::default(),
            out_valid: Default::default(),
            out_drop: Default::default(),
            out_reason: Default::default(),
            desc: Default::default(),
            o_valid: Default::default(),
            o_drop: Default::default(),
            o_reason: Default::default(),
            o_v6: Default::default(),
            o_src_ip: Default::default(),
            o_dst_ip: Default::default(),
            o_src_port: Default::default(),
            o_dst_port: Default::default(),
            o_seq: Default::default(),
            o_ack: Default::default(),
            o_flags: Default::default(),
            o_window: Default::default(),
            o_wscale: Default::default(),
            o_payload_len: Default::default(),
            o_tsval: Default::default(),
            o_ts_ok: Default::default(),
            o_time: Default::default(),
            reason: Default::default(),
            drop: Default::default(),
            k_min_len: k(MIN_FRAME_LEN as u64),
            k_max_len: k(MAX_FRAME_LEN as u64),
            k_st_ok: k(STATUS_OK as u64),
            k_r_runt: k(DropReason::Runt as u64),
            k_r_oversize: k(DropReason::Oversize as u64),
            k_r_not_ip: k(DropReason::NotIp as u64),
            k_r_unsupported: k(DropReason::Unsupported as u64),
            k_r_bad_tcp: k(DropReason::BadTcpHeader as u64),
        }
    }
}

impl Logic for Descriptor {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            o_valid,
            o_drop,
            o_reason,
            o_v6,
            o_src_ip,
            o_dst_ip,
            o_src_port,
            o_dst_port,
            o_seq,
            o_ack,
            o_flags,
            o_window,
            o_wscale,
            o_payload_len,
            o_tsval,
            o_ts_ok,
            o_time
        );
        // ---- a result taken
        if self.o_valid.q.val() && self.out_ready.val() {
            self.o_valid.d.next = false;
        }

        // ---- the checks, in parse_frame's order
        self.drop.next = true;
        self.reason.next = self.status.val().get_bits::<4>(0);
        if self.status.val() != self.k_st_ok.val() {
            // The receiver dropped it: its reason stands.
        } else if self.pos.val() < self.k_min_len.val() {
            self.reason.next = self.k_r_runt.val();
        } else if self.pos.val() > self.k_max_len.val() {
            self.reason.next = self.k_r_oversize.val();
        } else if self.et_unsupported.val() {
            self.reason.next = self.k_r_unsupported.val();
        } else if self.et_not_ip.val() {
            self.reason.next = self.k_r_not_ip.val();
        } else if self.is_v6.val() && self.v6_drop.val() {
            self.reason.next = self.v6_reason.val();
        } else if !self.is_v6.val() && self.v4_drop.val() {
            self.reason.next = self.v4_reason.val();
        } else if self.tcp_bad.val() {
            self.reason.next = self.k_r_bad_tcp.val();
        } else {
            self.drop.next = false;
        }

        // ---- the status entry: the result
        if self.fin.val() {
            self.o_valid.d.next = true;
            self.o_drop.d.next = self.drop.val();
            self.o_reason.d.next = self.reason.val();
            self.o_v6.d.next = self.is_v6.val();
            self.o_src_ip.d.next = self.in_src_ip.val();
            self.o_dst_ip.d.next = self.in_dst_ip.val();
            self.o_src_port.d.next = self.in_src_port.val();
            self.o_dst_port.d.next = self.in_dst_port.val();
            self.o_seq.d.next = self.in_seq.val();
            self.o_ack.d.next = self.in_ack.val();
            self.o_flags.d.next = self.in_flags.val();
            self.o_window.d.next = self.in_window.val();
            self.o_wscale.d.next = self.in_wscale.val();
            self.o_payload_len.d.next = self.in_payload_len.val();
            self.o_tsval.d.next = self.in_tsval.val();
            self.o_ts_ok.d.next = self.in_ts_ok.val();
            self.o_time.d.next = self.now.val();
        }

        // ---- outputs
        self.out_valid.next = self.o_valid.q.val();
        self.out_drop.next = self.o_drop.q.val();
        self.out_reason.next = self.o_reason.q.val();
        self.desc.valid.next = self.o_valid.q.val() && !self.o_drop.q.val();
        self.desc.v6.next = self.o_v6.q.val();
        self.desc.src_ip.next = self.o_src_ip.q.val();
        self.desc.dst_ip.next = self.o_dst_ip.q.val();
        self.desc.src_port.next = self.o_src_port.q.val();
        self.desc.dst_port.next = self.o_dst_port.q.val();
        self.desc.seq.next = self.o_seq.q.val();
        self.desc.ack.next = self.o_ack.q.val();
        self.desc.flags.next = self.o_flags.q.val();
        self.desc.window.next = self.o_window.q.val();
        self.desc.wscale.next = self.o_wscale.q.val();
        self.desc.payload_len.next = self.o_payload_len.q.val();
        self.desc.tsval.next = self.o_tsval.q.val();
        self.desc.ts_ok.next = self.o_ts_ok.q.val();
        self.desc.seg_time.next = self.o_time.q.val();

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.o_valid.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_is_synthesizable() {
        let mut uut = Descriptor::default();
        uut.clock.connect();
        uut.reset.connect();
        uut.fin.connect();
        uut.status.connect();
        uut.pos.connect();
        uut.now.connect();
        uut.et_unsupported.connect();
        uut.et_not_ip.connect();
        uut.is_v6.connect();
        uut.v6_drop.connect();
        uut.v6_reason.connect();
        uut.v4_drop.connect();
        uut.v4_reason.connect();
        uut.tcp_bad.connect();
        uut.in_src_ip.connect();
        uut.in_dst_ip.connect();
        uut.in_src_port.connect();
        uut.in_dst_port.connect();
        uut.in_seq.connect();
        uut.in_ack.connect();
        uut.in_flags.connect();
        uut.in_window.connect();
        uut.in_wscale.connect();
        uut.in_payload_len.connect();
        uut.in_tsval.connect();
        uut.in_ts_ok.connect();
        uut.out_ready.connect();
        uut.connect_all();
        yosys_validate("synscope_descriptor", &generate_verilog(&uut)).unwrap();
    }
}
