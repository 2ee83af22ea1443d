//! `eth_vlan`: the Ethernet II header of the frame being parsed: the EtherType at byte 12,
//! behind up to `MAX_VLAN_TAGS` VLAN tags (TPID 0x8100, 0x88A8, 0x9100: each tag moves the
//! EtherType 4 bytes on), read as the bytes pass. When the EtherType is in, the block says
//! where the IP header starts (`ip_at`) and what the frame is for the checks: a third tag
//! (`unsupported`), IPv6 (`v6`), neither IPv4 nor IPv6 (`not_ip`). `decided` marks the byte on
//! which that happens (the IPv6 walk starts there).

use super::k;
use crate::front::frame_parser::POS_BITS;
use rust_hdl::prelude::*;
use synscope_model::frame::field::*;
use synscope_model::frame::MAX_VLAN_TAGS;

/// The EtherType and VLAN tags.
#[derive(LogicBlock)]
pub struct EthVlan {
    pub clock: Signal<In, Clock>,
    /// The frame ends (its status entry is read) or the parser is reset: the next frame starts.
    pub clear: Signal<In, Bit>,
    /// A frame byte is read (`byte_in`, at position `pos`).
    pub step: Signal<In, Bit>,
    pub pos: Signal<In, Bits<POS_BITS>>,
    pub byte_in: Signal<In, Bits<8>>,
    /// The EtherType is known (registered); the IP header starts at `ip_at`.
    pub done: Signal<Out, Bit>,
    pub ip_at: Signal<Out, Bits<POS_BITS>>,
    /// A third VLAN tag (registered).
    pub unsupported: Signal<Out, Bit>,
    /// Neither IPv4 nor IPv6 (registered).
    pub not_ip: Signal<Out, Bit>,
    /// IPv6 (registered).
    pub v6: Signal<Out, Bit>,
    /// This byte completes the EtherType (combinational), and it is IPv6.
    pub decided: Signal<Out, Bit>,
    pub decided_v6: Signal<Out, Bit>,
    /// Where the (next) EtherType / TPID is, and tags skipped so far.
    et_pos: DFF<Bits<POS_BITS>>,
    tags: DFF<Bits<2>>,
    et_hi: DFF<Bits<8>>,
    eth_done: DFF<Bit>,
    r_ip_at: DFF<Bits<POS_BITS>>,
    et_unsupported: DFF<Bit>,
    et_not_ip: DFF<Bit>,
    is_v6: DFF<Bit>,
    et_pos1: Signal<Local, Bits<POS_BITS>>,
    et_word: Signal<Local, super::Be16>,
    et16: Signal<Local, Bits<16>>,
    is_vlan: Signal<Local, Bit>,
    k_one_p: Constant<Bits<POS_BITS>>,
    k_et_first: Constant<Bits<POS_BITS>>,
    k_tag_len: Constant<Bits<POS_BITS>>,
    k_two_p: Constant<Bits<POS_BITS>>,
    k_one_tag: Constant<Bits<2>>,
    k_zero_tags: Constant<Bits<2>>,
    k_max_tags: Constant<Bits<2>>,
    k_tpid_q: Constant<Bits<16>>,
    k_tpid_ad: Constant<Bits<16>>,
    k_tpid_old: Constant<Bits<16>>,
    k_et_ipv4: Constant<Bits<16>>,
    k_et_ipv6: Constant<Bits<16>>,
}

impl Default for EthVlan {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            step: Default::default(),
            pos: Default::default(),
            byte_in: Default::default(),
            done: Default::default(),
            ip_at: Default::default(),
            unsupported: Default::default(),
            not_ip: Default::default(),
            v6: Default::default(),
            decided: Default::default(),
            decided_v6: Default::default(),
            et_pos: Default::default(),
            tags: Default::default(),
            et_hi: Default::default(),
            eth_done: Default::default(),
            r_ip_at: Default::default(),
            et_unsupported: Default::default(),
            et_not_ip: Default::default(),
            is_v6: Default::default(),
            et_pos1: Default::default(),
            et_word: Default::default(),
            et16: Default::default(),
            is_vlan: Default::default(),
            k_one_p: k(1),
            k_et_first: k(ETHERTYPE as u64),
            k_tag_len: k(VLAN_TAG_LEN as u64),
            k_two_p: k(2),
            k_one_tag: k(1),
            k_zero_tags: k(0),
            k_max_tags: k(MAX_VLAN_TAGS as u64),
            k_tpid_q: k(TPID_8021Q as u64),
            k_tpid_ad: k(TPID_8021AD as u64),
            k_tpid_old: k(TPID_QINQ_OLD as u64),
            k_et_ipv4: k(ETHERTYPE_IPV4 as u64),
            k_et_ipv6: k(ETHERTYPE_IPV6 as u64),
        }
    }
}

impl Logic for EthVlan {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            et_pos,
            tags,
            et_hi,
            eth_done,
            r_ip_at,
            et_unsupported,
            et_not_ip,
            is_v6
        );
        // The TPID / EtherType word ending with this byte.
        self.et_pos1.next = self.et_pos.q.val() + self.k_one_p.val();
        self.et_word.next.b1 = self.et_hi.q.val();
        self.et_word.next.b0 = self.byte_in.val();
        self.et16.next = self.et_word.val().into();
        self.is_vlan.next = (self.et16.val() == self.k_tpid_q.val())
            || (self.et16.val() == self.k_tpid_ad.val())
            || (self.et16.val() == self.k_tpid_old.val());

        // EtherType, skipping up to MAX_VLAN_TAGS tags.
        self.decided.next = false;
        if self.step.val() && !self.eth_done.q.val() {
            if self.pos.val() == self.et_pos.q.val() {
                self.et_hi.d.next = self.byte_in.val();
            }
            if self.pos.val() == self.et_pos1.val() {
                if self.is_vlan.val() && (self.tags.q.val() != self.k_max_tags.val()) {
                    self.tags.d.next = self.tags.q.val() + self.k_one_tag.val();
                    self.et_pos.d.next = self.et_pos.q.val() + self.k_tag_len.val();
                } else {
                    self.decided.next = true;
                    self.eth_done.d.next = true;
                    self.r_ip_at.d.next = self.et_pos.q.val() + self.k_two_p.val();
                    self.et_unsupported.d.next = self.is_vlan.val();
                    self.et_not_ip.d.next = (self.et16.val() != self.k_et_ipv4.val())
                        && (self.et16.val() != self.k_et_ipv6.val());
                    self.is_v6.d.next = self.et16.val() == self.k_et_ipv6.val();
                }
            }
        }
        self.decided_v6.next = self.decided.val() && (self.et16.val() == self.k_et_ipv6.val());

        // ---- a new frame
        if self.clear.val() {
            self.et_pos.d.next = self.k_et_first.val();
            self.tags.d.next = self.k_zero_tags.val();
            self.eth_done.d.next = false;
            self.is_v6.d.next = false;
        }

        self.done.next = self.eth_done.q.val();
        self.ip_at.next = self.r_ip_at.q.val();
        self.unsupported.next = self.et_unsupported.q.val();
        self.not_ip.next = self.et_not_ip.q.val();
        self.v6.next = self.is_v6.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eth_vlan_is_synthesizable() {
        let mut uut = EthVlan::default();
        uut.clock.connect();
        uut.clear.connect();
        uut.step.connect();
        uut.pos.connect();
        uut.byte_in.connect();
        uut.connect_all();
        yosys_validate("synscope_eth_vlan", &generate_verilog(&uut)).unwrap();
    }
}
