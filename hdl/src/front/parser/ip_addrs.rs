//! `ip_addrs`: the source and destination address, shifted in a byte at a time as they pass
//! (IPv4: bytes 12–15 and 16–19 of the header, RFC 791 §3.1, ending in the low 32 bits;
//! IPv6: bytes 8–23 and 24–39, RFC 8200 §3). Both are zero at a frame's start.

use super::{k, Shift128};
use crate::front::frame_parser::POS_BITS;
use rust_hdl::prelude::*;
use synscope_model::frame::field::*;

/// The two addresses, either IP version.
#[derive(LogicBlock)]
pub struct IpAddrs {
    pub clock: Signal<In, Clock>,
    /// A new frame starts.
    pub clear: Signal<In, Bit>,
    /// A byte of the IP packet is read (`byte_in`, at `ipo` from the IP header's start).
    pub en: Signal<In, Bit>,
    /// The frame is IPv6.
    pub v6: Signal<In, Bit>,
    pub ipo: Signal<In, Bits<POS_BITS>>,
    pub byte_in: Signal<In, Bits<8>>,
    pub src_ip: Signal<Out, Bits<128>>,
    pub dst_ip: Signal<Out, Bits<128>>,
    r_src_ip: DFF<Bits<128>>,
    r_dst_ip: DFF<Bits<128>>,
    src_shift: Signal<Local, Shift128>,
    dst_shift: Signal<Local, Shift128>,
    src_take: Signal<Local, Bit>,
    dst_take: Signal<Local, Bit>,
    k_ip_src: Constant<Bits<POS_BITS>>,
    k_ip_src_end: Constant<Bits<POS_BITS>>,
    k_ip_dst_end: Constant<Bits<POS_BITS>>,
    k_ip6_src: Constant<Bits<POS_BITS>>,
    k_ip6_dst: Constant<Bits<POS_BITS>>,
    k_ip6_dst_end: Constant<Bits<POS_BITS>>,
    k_zero128: Constant<Bits<128>>,
}

impl Default for IpAddrs {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            en: Default::default(),
            v6: Default::default(),
            ipo: Default::default(),
            byte_in: Default::default(),
            src_ip: Default::default(),
            dst_ip: Default::default(),
            r_src_ip: Default::default(),
            r_dst_ip: Default::default(),
            src_shift: Default::default(),
            dst_shift: Default::default(),
            src_take: Default::default(),
            dst_take: Default::default(),
            k_ip_src: k(IP_SRC as u64),
            k_ip_src_end: k((IP_SRC + 4) as u64),
            k_ip_dst_end: k((IP_DST + 4) as u64),
            k_ip6_src: k(IP6_SRC as u64),
            k_ip6_dst: k(IP6_DST as u64),
            k_ip6_dst_end: k((IP6_DST + 16) as u64),
            k_zero128: Constant::new(Default::default()),
        }
    }
}

impl Logic for IpAddrs {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, r_src_ip, r_dst_ip);
        // ---- which address a byte belongs to, and each address shifted by it
        self.src_shift.next.rest = self.r_src_ip.q.val().get_bits::<120>(0);
        self.src_shift.next.b0 = self.byte_in.val();
        self.dst_shift.next.rest = self.r_dst_ip.q.val().get_bits::<120>(0);
        self.dst_shift.next.b0 = self.byte_in.val();
        if self.v6.val() {
            self.src_take.next =
                (self.ipo.val() >= self.k_ip6_src.val()) && (self.ipo.val() < self.k_ip6_dst.val());
            self.dst_take.next = (self.ipo.val() >= self.k_ip6_dst.val())
                && (self.ipo.val() < self.k_ip6_dst_end.val());
        } else {
            self.src_take.next = (self.ipo.val() >= self.k_ip_src.val())
                && (self.ipo.val() < self.k_ip_src_end.val());
            self.dst_take.next = (self.ipo.val() >= self.k_ip_src_end.val())
                && (self.ipo.val() < self.k_ip_dst_end.val());
        }
        // Addresses, a byte at a time.
        if self.en.val() {
            if self.src_take.val() {
                self.r_src_ip.d.next = self.src_shift.val().into();
            }
            if self.dst_take.val() {
                self.r_dst_ip.d.next = self.dst_shift.val().into();
            }
        }
        if self.clear.val() {
            self.r_src_ip.d.next = self.k_zero128.val();
            self.r_dst_ip.d.next = self.k_zero128.val();
        }
        self.src_ip.next = self.r_src_ip.q.val();
        self.dst_ip.next = self.r_dst_ip.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addrs_is_synthesizable() {
        let mut uut = IpAddrs::default();
        uut.clock.connect();
        uut.clear.connect();
        uut.en.connect();
        uut.v6.connect();
        uut.ipo.connect();
        uut.byte_in.connect();
        uut.connect_all();
        yosys_validate("synscope_ip_addrs", &generate_verilog(&uut)).unwrap();
    }
}
