//! `ipv4_header`: the IP fixed header's fields at their offsets (RFC 791 §3.1), its header
//! checksum, and IPv4's checks.
//!
//! Kept as the bytes pass (`en`: a byte of the IP packet, at `ipo` from its start): the
//! version/IHL byte, the total length, the flags/fragment-offset word and the protocol. An
//! IPv6 header's version is in the same first byte, and its payload length (RFC 8200 §3) is
//! kept in the total length's register, for the IPv6 walk and the TCP length. The header
//! checksum (RFC 1071) is summed a 16-bit word at a time with end-around carry over the IHL·4
//! header bytes.
//!
//! IPv4's checks, in `parse_frame`'s order (`drop` with the first failing one's `reason`):
//! version 4, IHL ≥ 5, IHL·4 ≤ total length ≤ bytes present (`ipo` at the status entry) →
//! BadIpHeader; the checksum → BadIpChecksum; MF or a fragment offset → IpFragment; AH or ESP
//! → Ipsec; a protocol other than TCP → NotTcp.

use super::{k, Be16, Ext11to16, Ext16to17, Ext1to16, Words11, Words16};
use crate::front::frame_parser::POS_BITS;
use rust_hdl::prelude::*;
use synscope_model::drop::DropReason;
use synscope_model::frame::field::*;

/// The IP fixed-header fields, the IPv4 header checksum and IPv4's checks.
#[derive(LogicBlock)]
pub struct Ipv4Header {
    pub clock: Signal<In, Clock>,
    /// A new frame starts.
    pub clear: Signal<In, Bit>,
    /// A byte of the IP packet is read (`byte_in`, at `ipo` from the IP header's start).
    pub en: Signal<In, Bit>,
    /// The frame is IPv6.
    pub v6: Signal<In, Bit>,
    pub ipo: Signal<In, Bits<POS_BITS>>,
    pub byte_in: Signal<In, Bits<8>>,
    /// The version field (IPv4 or IPv6).
    pub version: Signal<Out, Bits<4>>,
    /// The IPv4 header's length in bytes (IHL·4).
    pub ihl_bytes: Signal<Out, Bits<POS_BITS>>,
    /// IPv4's total length, or IPv6's payload length.
    pub length: Signal<Out, Bits<16>>,
    /// Where the IP packet ends (from the IP header's start): IPv4's total length, or 40 +
    /// IPv6's payload length.
    pub ip_end: Signal<Out, Bits<16>>,
    /// IPv4's checks at the status entry (`ipo` = the bytes present): one failed, and which.
    pub drop: Signal<Out, Bit>,
    pub reason: Signal<Out, Bits<4>>,
    ver_ihl: DFF<Bits<8>>,
    total_len: DFF<Be16>,
    frag: DFF<Be16>,
    proto: DFF<Bits<8>>,
    ck_hi: DFF<Bits<8>>,
    ck_acc: DFF<Bits<16>>,
    ihl_w11: Signal<Local, Words11>,
    ihl_w16: Signal<Local, Words16>,
    ihl_bytes16: Signal<Local, Bits<16>>,
    ck_word: Signal<Local, Be16>,
    ck_w17: Signal<Local, Ext16to17>,
    ck_a17: Signal<Local, Ext16to17>,
    ck_a17b: Signal<Local, Bits<17>>,
    ck_w17b: Signal<Local, Bits<17>>,
    ck_s17: Signal<Local, Bits<17>>,
    ck_c: Signal<Local, Ext1to16>,
    ck_c16: Signal<Local, Bits<16>>,
    ck_next: Signal<Local, Bits<16>>,
    ip_len_w: Signal<Local, Ext11to16>,
    ip_len16: Signal<Local, Bits<16>>,
    tot16: Signal<Local, Bits<16>>,
    k_ip_ver_ihl: Constant<Bits<POS_BITS>>,
    k_ip_tl0: Constant<Bits<POS_BITS>>,
    k_ip_tl1: Constant<Bits<POS_BITS>>,
    k_ip_frag0: Constant<Bits<POS_BITS>>,
    k_ip_frag1: Constant<Bits<POS_BITS>>,
    k_ip_proto: Constant<Bits<POS_BITS>>,
    k_ip6_pl0: Constant<Bits<POS_BITS>>,
    k_ip6_pl1: Constant<Bits<POS_BITS>>,
    k_ip6_len16: Constant<Bits<16>>,
    k_ip_min_p: Constant<Bits<POS_BITS>>,
    k_ver4: Constant<Bits<4>>,
    k_ihl_min: Constant<Bits<4>>,
    k_frag_hi_mask: Constant<Bits<8>>,
    k_frag_lo_mask: Constant<Bits<8>>,
    k_zero8: Constant<Bits<8>>,
    k_proto_tcp: Constant<Bits<8>>,
    k_proto_ah: Constant<Bits<8>>,
    k_proto_esp: Constant<Bits<8>>,
    k_ck_ok: Constant<Bits<16>>,
    k_zero16: Constant<Bits<16>>,
    k_zero1: Constant<Bits<1>>,
    k_zero2: Constant<Bits<2>>,
    k_zero5: Constant<Bits<5>>,
    k_zero10: Constant<Bits<10>>,
    k_zero15: Constant<Bits<15>>,
    k_r_bad_ip: Constant<Bits<4>>,
    k_r_bad_ck: Constant<Bits<4>>,
    k_r_frag: Constant<Bits<4>>,
    k_r_ipsec: Constant<Bits<4>>,
    k_r_not_tcp: Constant<Bits<4>>,
}

impl Default for Ipv4Header {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            en: Default::default(),
            v6: Default::default(),
            ipo: Default::default(),
            byte_in: Default::default(),
            version: Default::default(),
            ihl_bytes: Default::default(),
            length: Default::default(),
            ip_end: Default::default(),
            drop: Default::default(),
            reason: Default::default(),
            ver_ihl: Default::default(),
            total_len: Default::default(),
            frag: Default::default(),
            proto: Default::default(),
            ck_hi: Default::default(),
            ck_acc: Default::default(),
            ihl_w11: Default::default(),
            ihl_w16: Default::default(),
            ihl_bytes16: Default::default(),
            ck_word: Default::default(),
            ck_w17: Default::default(),
            ck_a17: Default::default(),
            ck_a17b: Default::default(),
            ck_w17b: Default::default(),
            ck_s17: Default::default(),
            ck_c: Default::default(),
            ck_c16: Default::default(),
            ck_next: Default::default(),
            ip_len_w: Default::default(),
            ip_len16: Default::default(),
            tot16: Default::default(),
            k_ip_ver_ihl: k(IP_VER_IHL as u64),
            k_ip_tl0: k(IP_TOTAL_LEN as u64),
            k_ip_tl1: k(IP_TOTAL_LEN as u64 + 1),
            k_ip_frag0: k(IP_FLAGS_FRAG as u64),
            k_ip_frag1: k(IP_FLAGS_FRAG as u64 + 1),
            k_ip_proto: k(IP_PROTOCOL as u64),
            k_ip6_pl0: k(IP6_PAYLOAD_LEN as u64),
            k_ip6_pl1: k(IP6_PAYLOAD_LEN as u64 + 1),
            k_ip6_len16: k(IP6_HEADER_LEN as u64),
            k_ip_min_p: k(IP_MIN_HEADER as u64),
            k_ver4: k(4),
            k_ihl_min: k((IP_MIN_HEADER / 4) as u64),
            k_frag_hi_mask: k(((IP_MF | IP_FRAG_OFFSET) >> 8) as u64),
            k_frag_lo_mask: k(((IP_MF | IP_FRAG_OFFSET) & 0xff) as u64),
            k_zero8: k(0),
            k_proto_tcp: k(IP_PROTO_TCP as u64),
            k_proto_ah: k(IP_PROTO_AH as u64),
            k_proto_esp: k(IP_PROTO_ESP as u64),
            k_ck_ok: k(0xffff),
            k_zero16: k(0),
            k_zero1: k(0),
            k_zero2: k(0),
            k_zero5: k(0),
            k_zero10: k(0),
            k_zero15: k(0),
            k_r_bad_ip: k(DropReason::BadIpHeader as u64),
            k_r_bad_ck: k(DropReason::BadIpChecksum as u64),
            k_r_frag: k(DropReason::IpFragment as u64),
            k_r_ipsec: k(DropReason::Ipsec as u64),
            k_r_not_tcp: k(DropReason::NotTcp as u64),
        }
    }
}

impl Logic for Ipv4Header {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, ver_ihl, total_len, frag, proto, ck_hi, ck_acc);

        // ---- header lengths (exact widths: IHL counts 32-bit words)
        self.ihl_w11.next.z = self.k_zero2.val();
        self.ihl_w11.next.v = self.ver_ihl.q.val().get_bits::<4>(0);
        self.ihl_w11.next.zz = self.k_zero5.val();
        self.ihl_bytes.next = self.ihl_w11.val().into();
        self.ihl_w16.next.z = self.k_zero2.val();
        self.ihl_w16.next.v = self.ver_ihl.q.val().get_bits::<4>(0);
        self.ihl_w16.next.zz = self.k_zero10.val();
        self.ihl_bytes16.next = self.ihl_w16.val().into();

        // ---- checksum: the word ending with this byte, added with end-around carry
        self.ck_word.next.b1 = self.ck_hi.q.val();
        self.ck_word.next.b0 = self.byte_in.val();
        self.ck_w17.next.v = self.ck_word.val().into();
        self.ck_w17.next.z = self.k_zero1.val();
        self.ck_a17.next.v = self.ck_acc.q.val();
        self.ck_a17.next.z = self.k_zero1.val();
        self.ck_a17b.next = self.ck_a17.val().into();
        self.ck_w17b.next = self.ck_w17.val().into();
        self.ck_s17.next = self.ck_a17b.val() + self.ck_w17b.val();
        self.ck_c.next.v = self.ck_s17.val().get_bits::<1>(16);
        self.ck_c.next.z = self.k_zero15.val();
        self.ck_c16.next = self.ck_c.val().into();
        self.ck_next.next = self.ck_s17.val().get_bits::<16>(0) + self.ck_c16.val();

        // ---- one byte
        if self.en.val() {
            // IPv4 header fields.
            if self.ipo.val() == self.k_ip_ver_ihl.val() {
                self.ver_ihl.d.next = self.byte_in.val();
            }
            if self.ipo.val() == self.k_ip_tl0.val() {
                self.total_len.d.next.b1 = self.byte_in.val();
            }
            if self.ipo.val() == self.k_ip_tl1.val() {
                self.total_len.d.next.b0 = self.byte_in.val();
            }
            if self.ipo.val() == self.k_ip_frag0.val() {
                self.frag.d.next.b1 = self.byte_in.val();
            }
            if self.ipo.val() == self.k_ip_frag1.val() {
                self.frag.d.next.b0 = self.byte_in.val();
            }
            if self.ipo.val() == self.k_ip_proto.val() {
                self.proto.d.next = self.byte_in.val();
            }
            // IPv6 fixed header: the payload length, kept where IPv4's total length is.
            if self.v6.val() {
                if self.ipo.val() == self.k_ip6_pl0.val() {
                    self.total_len.d.next.b1 = self.byte_in.val();
                }
                if self.ipo.val() == self.k_ip6_pl1.val() {
                    self.total_len.d.next.b0 = self.byte_in.val();
                }
            }
            // Header checksum over the IHL·4 header bytes, a word per two bytes. (At the
            // first byte the IHL is not known yet: an even byte is only kept.)
            if !self.ipo.val().get_bit(0) {
                self.ck_hi.d.next = self.byte_in.val();
            } else if self.ipo.val() < self.ihl_bytes.val() {
                self.ck_acc.d.next = self.ck_next.val();
            }
        }
        if self.clear.val() {
            self.ck_acc.d.next = self.k_zero16.val();
        }

        // ---- lengths for the checks: the bytes present, the IP packet's end
        self.ip_len_w.next.v = self.ipo.val();
        self.ip_len_w.next.z = self.k_zero5.val();
        self.ip_len16.next = self.ip_len_w.val().into();
        self.tot16.next = self.total_len.q.val().into();
        self.ip_end.next = self.tot16.val();
        if self.v6.val() {
            self.ip_end.next = self.tot16.val() + self.k_ip6_len16.val();
        }
        self.version.next = self.ver_ihl.q.val().get_bits::<4>(4);
        self.length.next = self.tot16.val();

        // ---- IPv4's checks, in parse_frame's order
        self.drop.next = true;
        self.reason.next = self.k_r_bad_ip.val();
        if (self.ipo.val() < self.k_ip_min_p.val())
            || (self.ver_ihl.q.val().get_bits::<4>(4) != self.k_ver4.val())
            || (self.ver_ihl.q.val().get_bits::<4>(0) < self.k_ihl_min.val())
            || (self.tot16.val() < self.ihl_bytes16.val())
            || (self.tot16.val() > self.ip_len16.val())
        {
            self.reason.next = self.k_r_bad_ip.val();
        } else if self.ck_acc.q.val() != self.k_ck_ok.val() {
            self.reason.next = self.k_r_bad_ck.val();
        } else if ((self.frag.q.val().b1 & self.k_frag_hi_mask.val()) != self.k_zero8.val())
            || ((self.frag.q.val().b0 & self.k_frag_lo_mask.val()) != self.k_zero8.val())
        {
            self.reason.next = self.k_r_frag.val();
        } else if (self.proto.q.val() == self.k_proto_ah.val())
            || (self.proto.q.val() == self.k_proto_esp.val())
        {
            self.reason.next = self.k_r_ipsec.val();
        } else if self.proto.q.val() != self.k_proto_tcp.val() {
            self.reason.next = self.k_r_not_tcp.val();
        } else {
            self.drop.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_header_is_synthesizable() {
        let mut uut = Ipv4Header::default();
        uut.clock.connect();
        uut.clear.connect();
        uut.en.connect();
        uut.v6.connect();
        uut.ipo.connect();
        uut.byte_in.connect();
        uut.connect_all();
        yosys_validate("synscope_ipv4_header", &generate_verilog(&uut)).unwrap();
    }
}
