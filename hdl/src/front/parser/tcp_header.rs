//! `tcp_header`: the TCP header's fixed fields (RFC 9293 §3.1) as they pass: ports, sequence
//! and acknowledgment numbers, data offset, the nine control bits (AE above byte 13's eight),
//! window. TCP starts after the IPv4 header (IHL·4) or where the IPv6 walk found it.
//!
//! It marks the option bytes (between byte 20 and the data offset) for `tcp_options`, with the
//! bytes left to the options' end, and at the status entry makes TCP's checks (IP payload ≥
//! 20, data offset ≥ 5 and ·4 ≤ IP payload → BadTcpHeader) and the payload length (IP
//! payload − data offset·4).

use super::{k, Be16, Be32, Ext11to16, Flags9, Words11, Words16};
use crate::front::frame_parser::POS_BITS;
use rust_hdl::prelude::*;
use synscope_model::frame::field::*;

/// The TCP header's fields and checks.
#[derive(LogicBlock)]
pub struct TcpHeader {
    pub clock: Signal<In, Clock>,
    /// A byte of the IP packet is read (`byte_in`, at `ipo` from the IP header's start).
    pub en: Signal<In, Bit>,
    /// The EtherType is known; the frame is IPv6.
    pub eth_done: Signal<In, Bit>,
    pub v6: Signal<In, Bit>,
    pub ipo: Signal<In, Bits<POS_BITS>>,
    pub byte_in: Signal<In, Bits<8>>,
    /// IPv4: the header's length.
    pub ihl_bytes: Signal<In, Bits<POS_BITS>>,
    /// IPv6: where TCP starts, and whether it was found or starts at this byte (`ipv6_walk`).
    pub l4_at6: Signal<In, Bits<POS_BITS>>,
    pub tcp_here6: Signal<In, Bit>,
    /// Where the IP packet ends (from the IP header's start).
    pub ip_end: Signal<In, Bits<16>>,
    pub src_port: Signal<Out, Bits<16>>,
    pub dst_port: Signal<Out, Bits<16>>,
    pub seq: Signal<Out, Bits<32>>,
    pub ack: Signal<Out, Bits<32>>,
    pub flags: Signal<Out, Bits<9>>,
    pub window: Signal<Out, Bits<16>>,
    /// The SYN bit.
    pub syn: Signal<Out, Bit>,
    /// This byte is an option byte, and the option bytes from it to the options' end.
    pub opt_en: Signal<Out, Bit>,
    pub opt_left: Signal<Out, Bits<POS_BITS>>,
    /// TCP's checks at the status entry failed (BadTcpHeader).
    pub bad: Signal<Out, Bit>,
    pub payload_len: Signal<Out, Bits<16>>,
    r_src_port: DFF<Be16>,
    r_dst_port: DFF<Be16>,
    r_seq: DFF<Be32>,
    r_ack: DFF<Be32>,
    off_byte: DFF<Bits<8>>,
    flags_byte: DFF<Bits<8>>,
    r_window: DFF<Be16>,
    l4_at: Signal<Local, Bits<POS_BITS>>,
    in_tcp: Signal<Local, Bit>,
    tcpo: Signal<Local, Bits<POS_BITS>>,
    doff_w11: Signal<Local, Words11>,
    doff_bytes: Signal<Local, Bits<POS_BITS>>,
    doff_w16: Signal<Local, Words16>,
    doff_bytes16: Signal<Local, Bits<16>>,
    l4_w: Signal<Local, Ext11to16>,
    l4_16: Signal<Local, Bits<16>>,
    tcp_len: Signal<Local, Bits<16>>,
    flags_w: Signal<Local, Flags9>,
    k_tcp_sp0: Constant<Bits<POS_BITS>>,
    k_tcp_sp1: Constant<Bits<POS_BITS>>,
    k_tcp_dp0: Constant<Bits<POS_BITS>>,
    k_tcp_dp1: Constant<Bits<POS_BITS>>,
    k_tcp_seq0: Constant<Bits<POS_BITS>>,
    k_tcp_seq1: Constant<Bits<POS_BITS>>,
    k_tcp_seq2: Constant<Bits<POS_BITS>>,
    k_tcp_seq3: Constant<Bits<POS_BITS>>,
    k_tcp_ack0: Constant<Bits<POS_BITS>>,
    k_tcp_ack1: Constant<Bits<POS_BITS>>,
    k_tcp_ack2: Constant<Bits<POS_BITS>>,
    k_tcp_ack3: Constant<Bits<POS_BITS>>,
    k_tcp_off: Constant<Bits<POS_BITS>>,
    k_tcp_flags: Constant<Bits<POS_BITS>>,
    k_tcp_win0: Constant<Bits<POS_BITS>>,
    k_tcp_win1: Constant<Bits<POS_BITS>>,
    k_tcp_min_p: Constant<Bits<POS_BITS>>,
    k_tcp_min_16: Constant<Bits<16>>,
    k_zero2: Constant<Bits<2>>,
    k_zero5: Constant<Bits<5>>,
    k_zero10: Constant<Bits<10>>,
}

impl Default for TcpHeader {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            en: Default::default(),
            eth_done: Default::default(),
            v6: Default::default(),
            ipo: Default::default(),
            byte_in: Default::default(),
            ihl_bytes: Default::default(),
            l4_at6: Default::default(),
            tcp_here6: Default::default(),
            ip_end: Default::default(),
            src_port: Default::default(),
            dst_port: Default::default(),
            seq: Default::default(),
            ack: Default::default(),
            flags: Default::default(),
            window: Default::default(),
            syn: Default::default(),
            opt_en: Default::default(),
            opt_left: Default::default(),
            bad: Default::default(),
            payload_len: Default::default(),
            r_src_port: Default::default(),
            r_dst_port: Default::default(),
            r_seq: Default::default(),
            r_ack: Default::default(),
            off_byte: Default::default(),
            flags_byte: Default::default(),
            r_window: Default::default(),
            l4_at: Default::default(),
            in_tcp: Default::default(),
            tcpo: Default::default(),
            doff_w11: Default::default(),
            doff_bytes: Default::default(),
            doff_w16: Default::default(),
            doff_bytes16: Default::default(),
            l4_w: Default::default(),
            l4_16: Default::default(),
            tcp_len: Default::default(),
            flags_w: Default::default(),
            k_tcp_sp0: k(TCP_SRC_PORT as u64),
            k_tcp_sp1: k(TCP_SRC_PORT as u64 + 1),
            k_tcp_dp0: k(TCP_DST_PORT as u64),
            k_tcp_dp1: k(TCP_DST_PORT as u64 + 1),
            k_tcp_seq0: k(TCP_SEQ as u64),
            k_tcp_seq1: k(TCP_SEQ as u64 + 1),
            k_tcp_seq2: k(TCP_SEQ as u64 + 2),
            k_tcp_seq3: k(TCP_SEQ as u64 + 3),
            k_tcp_ack0: k(TCP_ACK as u64),
            k_tcp_ack1: k(TCP_ACK as u64 + 1),
            k_tcp_ack2: k(TCP_ACK as u64 + 2),
            k_tcp_ack3: k(TCP_ACK as u64 + 3),
            k_tcp_off: k(TCP_OFFSET as u64),
            k_tcp_flags: k(TCP_FLAGS as u64),
            k_tcp_win0: k(TCP_WINDOW as u64),
            k_tcp_win1: k(TCP_WINDOW as u64 + 1),
            k_tcp_min_p: k(TCP_MIN_HEADER as u64),
            k_tcp_min_16: k(TCP_MIN_HEADER as u64),
            k_zero2: k(0),
            k_zero5: k(0),
            k_zero10: k(0),
        }
    }
}

impl Logic for TcpHeader {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, r_src_port, r_dst_port, r_seq, r_ack, off_byte, flags_byte, r_window
        );

        // ---- where TCP starts: after the IPv4 header, or where the IPv6 walk found it
        self.l4_at.next = self.ihl_bytes.val();
        if self.v6.val() {
            self.l4_at.next = self.l4_at6.val();
        }
        self.in_tcp.next = self.eth_done.val()
            && (self.ipo.val() >= self.l4_at.val())
            && (!self.v6.val() || self.tcp_here6.val());
        self.tcpo.next = self.ipo.val() - self.l4_at.val();
        // The data offset (32-bit words) in bytes, exact widths.
        self.doff_w11.next.z = self.k_zero2.val();
        self.doff_w11.next.v = self.off_byte.q.val().get_bits::<4>(4);
        self.doff_w11.next.zz = self.k_zero5.val();
        self.doff_bytes.next = self.doff_w11.val().into();
        self.doff_w16.next.z = self.k_zero2.val();
        self.doff_w16.next.v = self.off_byte.q.val().get_bits::<4>(4);
        self.doff_w16.next.zz = self.k_zero10.val();
        self.doff_bytes16.next = self.doff_w16.val().into();
        self.opt_left.next = self.doff_bytes.val() - self.tcpo.val();

        // ---- one byte: the header fields
        self.opt_en.next = false;
        if self.en.val() && self.in_tcp.val() {
            if self.tcpo.val() == self.k_tcp_sp0.val() {
                self.r_src_port.d.next.b1 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_sp1.val() {
                self.r_src_port.d.next.b0 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_dp0.val() {
                self.r_dst_port.d.next.b1 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_dp1.val() {
                self.r_dst_port.d.next.b0 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_seq0.val() {
                self.r_seq.d.next.b3 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_seq1.val() {
                self.r_seq.d.next.b2 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_seq2.val() {
                self.r_seq.d.next.b1 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_seq3.val() {
                self.r_seq.d.next.b0 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_ack0.val() {
                self.r_ack.d.next.b3 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_ack1.val() {
                self.r_ack.d.next.b2 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_ack2.val() {
                self.r_ack.d.next.b1 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_ack3.val() {
                self.r_ack.d.next.b0 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_off.val() {
                self.off_byte.d.next = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_flags.val() {
                self.flags_byte.d.next = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_win0.val() {
                self.r_window.d.next.b1 = self.byte_in.val();
            }
            if self.tcpo.val() == self.k_tcp_win1.val() {
                self.r_window.d.next.b0 = self.byte_in.val();
            }
            // The options, between the fixed header and the data offset (`tcp_options`).
            if (self.tcpo.val() >= self.k_tcp_min_p.val())
                && (self.tcpo.val() < self.doff_bytes.val())
            {
                self.opt_en.next = true;
            }
        }

        // ---- TCP's checks at the status entry, and the payload length
        self.l4_w.next.v = self.l4_at.val();
        self.l4_w.next.z = self.k_zero5.val();
        self.l4_16.next = self.l4_w.val().into();
        self.tcp_len.next = self.ip_end.val() - self.l4_16.val();
        self.bad.next = (self.tcp_len.val() < self.k_tcp_min_16.val())
            || (self.doff_bytes16.val() < self.k_tcp_min_16.val())
            || (self.doff_bytes16.val() > self.tcp_len.val());
        self.payload_len.next = self.tcp_len.val() - self.doff_bytes16.val();

        // ---- the fields
        self.flags_w.next.lo = self.flags_byte.q.val();
        self.flags_w.next.ae = self.off_byte.q.val().get_bit(0);
        self.flags.next = self.flags_w.val().into();
        self.syn.next = self.flags_byte.q.val().get_bit(1);
        self.src_port.next = self.r_src_port.q.val().into();
        self.dst_port.next = self.r_dst_port.q.val().into();
        self.seq.next = self.r_seq.q.val().into();
        self.ack.next = self.r_ack.q.val().into();
        self.window.next = self.r_window.q.val().into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_header_is_synthesizable() {
        let mut uut = TcpHeader::default();
        uut.clock.connect();
        uut.en.connect();
        uut.eth_done.connect();
        uut.v6.connect();
        uut.ipo.connect();
        uut.byte_in.connect();
        uut.ihl_bytes.connect();
        uut.l4_at6.connect();
        uut.tcp_here6.connect();
        uut.ip_end.connect();
        uut.connect_all();
        yosys_validate("synscope_tcp_header", &generate_verilog(&uut)).unwrap();
    }
}
