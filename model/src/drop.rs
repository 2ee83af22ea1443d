//! Why a frame did not become a segment descriptor. Every frame is either processed or counted
//! under exactly one of these (design.md: `rx = processed + Σ drops`).

use core::fmt;

crate::coded_enum! {
    /// The reason a received frame was not processed. The discriminant is the hardware encoding.
    pub enum DropReason {
        /// Frame check sequence (CRC-32) wrong.
        BadFcs => "bad_fcs",
        /// The PHY signalled a receive error (MII RX_ER) during the frame.
        RxError => "rx_error",
        /// Shorter than the Ethernet minimum (60 bytes without FCS).
        Runt => "runt",
        /// Longer than the largest frame accepted (1522 bytes without FCS: two VLAN tags).
        Oversize => "oversize",
        /// An EtherType that is neither IPv4, IPv6 nor a VLAN tag (ARP, LLDP, 802.3 length, …).
        NotIp => "not_ip",
        /// More than two stacked VLAN tags, or an IPv6 jumbogram (RFC 2675: payload length 0
        /// with a hop-by-hop options header; jumbograms are out of scope, and no Ethernet frame
        /// this receiver accepts can hold one).
        Unsupported => "unsupported",
        /// IP header wrong. IPv4: version, IHL < 5, total length shorter than the header or longer
        /// than the frame. IPv6: version, 40 + payload length longer than the frame, an extension
        /// header running past the payload, a hop-by-hop header not first (RFC 8200 §4.3).
        BadIpHeader => "bad_ip_header",
        /// IPv4 header checksum wrong (RFC 791).
        BadIpChecksum => "bad_ip_checksum",
        /// An IPv4 fragment (MF set or offset ≠ 0), or an IPv6 Fragment header that is not an
        /// atomic fragment (RFC 6946: offset 0 and M clear, walked through like any extension
        /// header): TCP headers of fragments are not tracked.
        IpFragment => "ip_fragment",
        /// IPv4 protocol, or the IPv6 header chain's last next header, other than TCP (UDP, ICMP,
        /// anything unknown).
        NotTcp => "not_tcp",
        /// TCP header wrong: shorter than 20 bytes, data offset < 5 or beyond the IP payload.
        BadTcpHeader => "bad_tcp_header",
        /// The receive FIFO between the MII clock domain and the core was full (hardware only).
        FifoOverflow => "fifo_overflow",
        /// IPsec: an Authentication Header (51) or Encapsulating Security Payload (50) where TCP
        /// would be (RFC 4302, RFC 4303); ESP hides the TCP header, AH is not walked.
        Ipsec => "ipsec",
        /// IPv6 "no next header" (59, RFC 8200 §4.7): nothing follows the header chain.
        NoNextHeader => "no_next_header",
        /// More IPv6 extension headers before TCP than the parser walks
        /// ([`crate::frame::MAX_EXT_HEADERS`]).
        ExtHeaderLimit => "ext_header_limit",
        /// The capture's snap length cut the frame before the end of the headers the tracker reads
        /// (capture files only: a receiver on the wire always has the whole frame).
        SnapTruncated => "snap_truncated",
    }
}

impl DropReason {
    /// Bits of the hardware encoding.
    pub const BITS: usize = 4;

    /// What the reason means, in a few words (for reports on stderr).
    pub const fn describe(self) -> &'static str {
        match self {
            DropReason::BadFcs => "bad frame check sequence",
            DropReason::RxError => "receive error signalled by the PHY",
            DropReason::Runt => "shorter than the Ethernet minimum",
            DropReason::Oversize => "longer than the largest frame accepted",
            DropReason::NotIp => "not IP (ARP, LLDP, ...)",
            DropReason::Unsupported => "more than two VLAN tags, or an IPv6 jumbogram",
            DropReason::BadIpHeader => "malformed IP header",
            DropReason::BadIpChecksum => "wrong IPv4 header checksum",
            DropReason::IpFragment => "IP fragment",
            DropReason::NotTcp => "not TCP (UDP, ICMP, ...)",
            DropReason::BadTcpHeader => "malformed TCP header",
            DropReason::FifoOverflow => "receive FIFO overflow",
            DropReason::Ipsec => "IPsec (AH or ESP)",
            DropReason::NoNextHeader => "IPv6 with no next header",
            DropReason::ExtHeaderLimit => "too many IPv6 extension headers",
            DropReason::SnapTruncated => "cut inside its headers by the capture's snap length",
        }
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_the_index() {
        for (i, r) in DropReason::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i);
            assert_eq!(DropReason::from_bits(i as u8), Some(*r));
        }
        const { assert!(DropReason::COUNT <= 1 << DropReason::BITS) };
    }
}
