//! `ipv6_walk`: the IPv6 header's next header and its extension-header chain (RFC 8200 §4),
//! walked as the bytes pass, to where TCP starts or to what stops the walk; and IPv6's checks.
//!
//! `hdr_at` is where the header of type `nh` starts (from the IP header; the first at 40,
//! after the fixed header of §3), `hdr_end` where it ends once its length byte is in
//! ((length + 1)·8 bytes; a Fragment header is 8). At `hdr_end` the next header starts
//! (`trans`), of the type the header before it named in its first byte (`nx`). The header
//! starting at a byte (`start`) is TCP (the walk ends there), an extension header to walk
//! (hop-by-hop, routing, destination options, fragment), or the end: AH or ESP → Ipsec, no
//! next header (59) → NoNextHeader, anything else → NotTcp. An extension header is
//! BadIpHeader when it is a hop-by-hop one not first (§4.3), when fewer than 8 bytes of the
//! payload are left for it, or when it runs past the payload; the `MAX_EXT_HEADERS`+1-th is
//! ExtHeaderLimit; a Fragment header with an offset or M set (§4.5) is IpFragment, while an
//! atomic fragment has neither (RFC 6946) and is walked through.
//!
//! IPv6's checks at the status entry, in `parse_frame`'s order: 40 bytes present, version 6,
//! 40 + payload length ≤ bytes present → BadIpHeader; payload length 0 with a hop-by-hop
//! header (a jumbogram, RFC 2675) → Unsupported; then, unless TCP was found (or starts where
//! the frame ends), what stopped the walk, or what the header starting where the frame ends
//! is (BadIpHeader otherwise).

use super::{k, Ext11to17, Ext16to17, Units8};
use crate::front::frame_parser::POS_BITS;
use rust_hdl::prelude::*;
use synscope_model::drop::DropReason;
use synscope_model::frame::field::*;
use synscope_model::frame::MAX_EXT_HEADERS;

/// The IPv6 next-header chain, to TCP.
#[derive(LogicBlock)]
pub struct Ipv6Walk {
    pub clock: Signal<In, Clock>,
    /// A new frame starts.
    pub clear: Signal<In, Bit>,
    /// A byte of the IP packet is read (`byte_in`, at `ipo` from the IP header's start).
    pub en: Signal<In, Bit>,
    /// The EtherType is decided with this byte, and it is IPv6 (the walk starts).
    pub decided: Signal<In, Bit>,
    pub decided_v6: Signal<In, Bit>,
    /// The frame is IPv6.
    pub v6: Signal<In, Bit>,
    pub ipo: Signal<In, Bits<POS_BITS>>,
    pub byte_in: Signal<In, Bits<8>>,
    /// The IP header's version field and payload length (`ipv4_header`).
    pub version: Signal<In, Bits<4>>,
    pub length: Signal<In, Bits<16>>,
    /// Where TCP starts (from the IP header): where the walk found it, or the header starting
    /// at this byte.
    pub l4_at: Signal<Out, Bits<POS_BITS>>,
    /// TCP was found, or starts at this byte.
    pub tcp_here: Signal<Out, Bit>,
    /// IPv6's checks at the status entry: one failed, and which.
    pub drop: Signal<Out, Bit>,
    pub reason: Signal<Out, Bits<4>>,
    jumbo: DFF<Bit>,
    nh: DFF<Bits<8>>,
    nx: DFF<Bits<8>>,
    hdr_at: DFF<Bits<POS_BITS>>,
    hdr_end: DFF<Bits<POS_BITS>>,
    end_known: DFF<Bit>,
    ext_n: DFF<Bits<4>>,
    frag_hi: DFF<Bits<8>>,
    w_active: DFF<Bit>,
    w_tcp: DFF<Bit>,
    tcp_at: DFF<Bits<POS_BITS>>,
    w_stop: DFF<Bit>,
    w_reason: DFF<Bits<4>>,
    trans: Signal<Local, Bit>,
    at_eff: Signal<Local, Bits<POS_BITS>>,
    nh_eff: Signal<Local, Bits<8>>,
    n_eff: Signal<Local, Bits<4>>,
    start: Signal<Local, Bit>,
    c_tcp: Signal<Local, Bit>,
    c_ext: Signal<Local, Bit>,
    c_ext_ok: Signal<Local, Bit>,
    c_reason: Signal<Local, Bits<4>>,
    end17: Signal<Local, Bits<17>>,
    end_w: Signal<Local, Ext16to17>,
    at_w: Signal<Local, Ext11to17>,
    at17: Signal<Local, Bits<17>>,
    hdr_w: Signal<Local, Ext11to17>,
    hdr17: Signal<Local, Bits<17>>,
    len8_w: Signal<Local, Units8>,
    hdr_end17: Signal<Local, Bits<17>>,
    fin_reason: Signal<Local, Bits<4>>,
    bad_ip6: Signal<Local, Bit>,
    ip_len17w: Signal<Local, Ext11to17>,
    ip_len17: Signal<Local, Bits<17>>,
    k_one_p: Constant<Bits<POS_BITS>>,
    k_ip6_len: Constant<Bits<POS_BITS>>,
    k_ip6_len17: Constant<Bits<17>>,
    k_ip6_nh: Constant<Bits<POS_BITS>>,
    k_ver6: Constant<Bits<4>>,
    k_unit: Constant<Bits<POS_BITS>>,
    k_unit17: Constant<Bits<17>>,
    k_two_p17: Constant<Bits<POS_BITS>>,
    k_three_p: Constant<Bits<POS_BITS>>,
    k_nh_hbh: Constant<Bits<8>>,
    k_nh_rt: Constant<Bits<8>>,
    k_nh_frag: Constant<Bits<8>>,
    k_nh_dst: Constant<Bits<8>>,
    k_nh_none: Constant<Bits<8>>,
    k_proto_tcp: Constant<Bits<8>>,
    k_proto_ah: Constant<Bits<8>>,
    k_proto_esp: Constant<Bits<8>>,
    k_frag_lo_m: Constant<Bits<8>>,
    k_frag_hi_m: Constant<Bits<8>>,
    k_max_ext: Constant<Bits<4>>,
    k_one4: Constant<Bits<4>>,
    k_zero4: Constant<Bits<4>>,
    k_zero1: Constant<Bits<1>>,
    k_zero3: Constant<Bits<3>>,
    k_zero6: Constant<Bits<6>>,
    k_zero8: Constant<Bits<8>>,
    k_zero16: Constant<Bits<16>>,
    k_r_bad_ip: Constant<Bits<4>>,
    k_r_frag: Constant<Bits<4>>,
    k_r_not_tcp: Constant<Bits<4>>,
    k_r_unsupported: Constant<Bits<4>>,
    k_r_ipsec: Constant<Bits<4>>,
    k_r_no_next: Constant<Bits<4>>,
    k_r_ext_limit: Constant<Bits<4>>,
}

impl Default for Ipv6Walk {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            en: Default::default(),
            decided: Default::default(),
            decided_v6: Default::default(),
            v6: Default::default(),
            ipo: Default::default(),
            byte_in: Default::default(),
            version: Default::default(),
            length: Default::default(),
            l4_at: Default::default(),
            tcp_here: Default::default(),
            drop: Default::default(),
            reason: Default::default(),
            jumbo: Default::default(),
            nh: Default::default(),
            nx: Default::default(),
            hdr_at: Default::default(),
            hdr_end: Default::default(),
            end_known: Default::default(),
            ext_n: Default::default(),
            frag_hi: Default::default(),
            w_active: Default::default(),
            w_tcp: Default::default(),
            tcp_at: Default::default(),
            w_stop: Default::default(),
            w_reason: Default::default(),
            trans: Default::default(),
            at_eff: Default::default(),
            nh_eff: Default::default(),
            n_eff: Default::default(),
            start: Default::default(),
            c_tcp: Default::default(),
            c_ext: Default::default(),
            c_ext_ok: Default::default(),
            c_reason: Default::default(),
            end17: Default::default(),
            end_w: Default::default(),
            at_w: Default::default(),
            at17: Default::default(),
            hdr_w: Default::default(),
            hdr17: Default::default(),
            len8_w: Default::default(),
            hdr_end17: Default::default(),
            fin_reason: Default::default(),
            bad_ip6: Default::default(),
            ip_len17w: Default::default(),
            ip_len17: Default::default(),
            k_one_p: k(1),
            k_ip6_len: k(IP6_HEADER_LEN as u64),
            k_ip6_len17: k(IP6_HEADER_LEN as u64),
            k_ip6_nh: k(IP6_NEXT_HEADER as u64),
            k_ver6: k(6),
            k_unit: k(EXT_UNIT as u64),
            k_unit17: k(EXT_UNIT as u64),
            k_two_p17: k(2),
            k_three_p: k(3),
            k_nh_hbh: k(NH_HOP_BY_HOP as u64),
            k_nh_rt: k(NH_ROUTING as u64),
            k_nh_frag: k(NH_FRAGMENT as u64),
            k_nh_dst: k(NH_DEST_OPTS as u64),
            k_nh_none: k(NH_NONE as u64),
            k_proto_tcp: k(IP_PROTO_TCP as u64),
            k_proto_ah: k(IP_PROTO_AH as u64),
            k_proto_esp: k(IP_PROTO_ESP as u64),
            k_frag_lo_m: k((FRAG_OFFSET_M & 0xff) as u64),
            k_frag_hi_m: k((FRAG_OFFSET_M >> 8) as u64),
            k_max_ext: k(MAX_EXT_HEADERS as u64),
            k_one4: k(1),
            k_zero4: k(0),
            k_zero1: k(0),
            k_zero3: k(0),
            k_zero6: k(0),
            k_zero8: k(0),
            k_zero16: k(0),
            k_r_bad_ip: k(DropReason::BadIpHeader as u64),
            k_r_frag: k(DropReason::IpFragment as u64),
            k_r_not_tcp: k(DropReason::NotTcp as u64),
            k_r_unsupported: k(DropReason::Unsupported as u64),
            k_r_ipsec: k(DropReason::Ipsec as u64),
            k_r_no_next: k(DropReason::NoNextHeader as u64),
            k_r_ext_limit: k(DropReason::ExtHeaderLimit as u64),
        }
    }
}

impl Logic for Ipv6Walk {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, jumbo, nh, nx, hdr_at, hdr_end, end_known, ext_n, frag_hi, w_active,
            w_tcp, tcp_at, w_stop, w_reason
        );

        // ---- the header chain (RFC 8200 §4): where a header starts, and which
        self.end_w.next.v = self.length.val();
        self.end_w.next.z = self.k_zero1.val();
        self.end17.next = self.end_w.val().into();
        self.end17.next = self.end17.val() + self.k_ip6_len17.val();
        self.trans.next = self.w_active.q.val()
            && self.end_known.q.val()
            && (self.ipo.val() == self.hdr_end.q.val());
        self.at_eff.next = self.hdr_at.q.val();
        self.nh_eff.next = self.nh.q.val();
        self.n_eff.next = self.ext_n.q.val();
        if self.trans.val() {
            self.at_eff.next = self.hdr_end.q.val();
            self.nh_eff.next = self.nx.q.val();
            self.n_eff.next = self.ext_n.q.val() + self.k_one4.val();
        }
        // A header starts at this byte (at the status entry: it starts where the frame ends).
        self.start.next = self.w_active.q.val() && (self.ipo.val() == self.at_eff.val());
        self.at_w.next.v = self.at_eff.val();
        self.at_w.next.z = self.k_zero6.val();
        self.at17.next = self.at_w.val().into();
        self.at17.next = self.at17.val() + self.k_unit17.val();
        // What the header starting here is: TCP, an extension header to walk, or the end.
        self.c_tcp.next = self.nh_eff.val() == self.k_proto_tcp.val();
        self.c_ext.next = (self.nh_eff.val() == self.k_nh_hbh.val())
            || (self.nh_eff.val() == self.k_nh_rt.val())
            || (self.nh_eff.val() == self.k_nh_dst.val())
            || (self.nh_eff.val() == self.k_nh_frag.val());
        self.c_ext_ok.next = false;
        self.c_reason.next = self.k_r_not_tcp.val();
        if (self.nh_eff.val() == self.k_proto_ah.val())
            || (self.nh_eff.val() == self.k_proto_esp.val())
        {
            self.c_reason.next = self.k_r_ipsec.val();
        }
        if self.nh_eff.val() == self.k_nh_none.val() {
            self.c_reason.next = self.k_r_no_next.val();
        }
        if self.c_ext.val() {
            if self.n_eff.val() == self.k_max_ext.val() {
                self.c_reason.next = self.k_r_ext_limit.val();
            } else if ((self.nh_eff.val() == self.k_nh_hbh.val())
                && (self.n_eff.val() != self.k_zero4.val()))
                || (self.at17.val() > self.end17.val())
            {
                self.c_reason.next = self.k_r_bad_ip.val();
            } else {
                self.c_ext_ok.next = true;
            }
        }
        // The current header's end, from its length byte ((len + 1)·8 bytes).
        self.hdr_w.next.v = self.hdr_at.q.val();
        self.hdr_w.next.z = self.k_zero6.val();
        self.hdr17.next = self.hdr_w.val().into();
        self.len8_w.next.z = self.k_zero3.val();
        self.len8_w.next.v = self.byte_in.val();
        self.len8_w.next.zz = self.k_zero6.val();
        self.hdr_end17.next = self.len8_w.val().into();
        self.hdr_end17.next = self.hdr_end17.val() + self.hdr17.val() + self.k_unit17.val();

        // ---- where TCP starts, for the TCP header
        if self.w_tcp.q.val() {
            self.l4_at.next = self.tcp_at.q.val();
        } else {
            self.l4_at.next = self.at_eff.val();
        }
        self.tcp_here.next = self.w_tcp.q.val() || (self.start.val() && self.c_tcp.val());

        // ---- the EtherType is IPv6: the first header after the fixed one
        if self.decided.val() {
            self.w_active.d.next = self.decided_v6.val();
            self.hdr_at.d.next = self.k_ip6_len.val();
        }
        // ---- one byte
        if self.en.val() {
            // IPv6 fixed header: next header; a jumbogram is payload length 0 with a
            // hop-by-hop header (RFC 2675).
            if self.v6.val() && (self.ipo.val() == self.k_ip6_nh.val()) {
                self.nh.d.next = self.byte_in.val();
                self.jumbo.d.next = (self.length.val() == self.k_zero16.val())
                    && (self.byte_in.val() == self.k_nh_hbh.val());
            }
            // The header chain walk.
            if self.start.val() {
                if self.c_tcp.val() {
                    self.w_tcp.d.next = true;
                    self.tcp_at.d.next = self.at_eff.val();
                    self.w_active.d.next = false;
                } else if self.c_ext_ok.val() {
                    self.nx.d.next = self.byte_in.val();
                    self.hdr_at.d.next = self.at_eff.val();
                    self.nh.d.next = self.nh_eff.val();
                    self.ext_n.d.next = self.n_eff.val();
                    self.end_known.d.next = false;
                } else {
                    self.w_stop.d.next = true;
                    self.w_reason.d.next = self.c_reason.val();
                    self.w_active.d.next = false;
                }
            } else if self.w_active.q.val() {
                if self.ipo.val() == self.hdr_at.q.val() + self.k_one_p.val() {
                    self.end_known.d.next = true;
                    if self.nh.q.val() == self.k_nh_frag.val() {
                        self.hdr_end.d.next = self.hdr_at.q.val() + self.k_unit.val();
                    } else {
                        self.hdr_end.d.next = self.hdr_end17.val().get_bits::<POS_BITS>(0);
                        if self.hdr_end17.val() > self.end17.val() {
                            self.w_stop.d.next = true;
                            self.w_reason.d.next = self.k_r_bad_ip.val();
                            self.w_active.d.next = false;
                        }
                    }
                }
                if self.nh.q.val() == self.k_nh_frag.val() {
                    // Fragment offset and M (RFC 8200 §4.5): an atomic fragment has
                    // neither (RFC 6946) and is walked through.
                    if self.ipo.val() == self.hdr_at.q.val() + self.k_two_p17.val() {
                        self.frag_hi.d.next = self.byte_in.val();
                    }
                    if (self.ipo.val() == self.hdr_at.q.val() + self.k_three_p.val())
                        && (((self.frag_hi.q.val() & self.k_frag_hi_m.val()) != self.k_zero8.val())
                            || ((self.byte_in.val() & self.k_frag_lo_m.val())
                                != self.k_zero8.val()))
                    {
                        self.w_stop.d.next = true;
                        self.w_reason.d.next = self.k_r_frag.val();
                        self.w_active.d.next = false;
                    }
                }
            }
        }
        // ---- a new frame
        if self.clear.val() {
            self.w_active.d.next = false;
            self.w_tcp.d.next = false;
            self.w_stop.d.next = false;
            self.ext_n.d.next = self.k_zero4.val();
            self.end_known.d.next = false;
            self.jumbo.d.next = false;
        }

        // ---- IPv6's checks: the fixed header (40 bytes present, version 6, the payload
        // inside the frame), then the walk's end: what stopped it, or where TCP is.
        self.ip_len17w.next.v = self.ipo.val();
        self.ip_len17w.next.z = self.k_zero6.val();
        self.ip_len17.next = self.ip_len17w.val().into();
        self.bad_ip6.next = (self.ipo.val() < self.k_ip6_len.val())
            || (self.version.val() != self.k_ver6.val())
            || (self.end17.val() > self.ip_len17.val());
        self.fin_reason.next = self.k_r_bad_ip.val();
        if self.w_stop.q.val() {
            self.fin_reason.next = self.w_reason.q.val();
        } else if self.start.val() && !self.c_ext_ok.val() {
            self.fin_reason.next = self.c_reason.val();
        }
        self.drop.next = true;
        self.reason.next = self.k_r_bad_ip.val();
        if self.bad_ip6.val() {
            self.reason.next = self.k_r_bad_ip.val();
        } else if self.jumbo.q.val() {
            self.reason.next = self.k_r_unsupported.val();
        } else if !(self.w_tcp.q.val()
            || (!self.w_stop.q.val() && self.start.val() && self.c_tcp.val()))
        {
            self.reason.next = self.fin_reason.val();
        } else {
            self.drop.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_walk_is_synthesizable() {
        let mut uut = Ipv6Walk::default();
        uut.clock.connect();
        uut.clear.connect();
        uut.en.connect();
        uut.decided.connect();
        uut.decided_v6.connect();
        uut.v6.connect();
        uut.ipo.connect();
        uut.byte_in.connect();
        uut.version.connect();
        uut.length.connect();
        uut.connect_all();
        yosys_validate("synscope_ipv6_walk", &generate_verilog(&uut)).unwrap();
    }
}
