//! Why a frame did not become a segment descriptor. Every frame is either processed or counted
//! under exactly one of these (design.md: `rx = processed + Σ drops`).

use core::fmt;

/// The reason a received frame was not processed. The discriminant is the hardware encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum DropReason {
    /// Frame check sequence (CRC-32) wrong.
    BadFcs = 0,
    /// The PHY signalled a receive error (MII RX_ER) during the frame.
    RxError = 1,
    /// Shorter than the Ethernet minimum (60 bytes without FCS).
    Runt = 2,
    /// Longer than the largest frame accepted (1522 bytes without FCS: two VLAN tags).
    Oversize = 3,
    /// An EtherType that is neither IPv4, IPv6 nor a VLAN tag (ARP, LLDP, 802.3 length, …).
    NotIp = 4,
    /// More than two stacked VLAN tags, or an IPv6 jumbogram (RFC 2675: payload length 0
    /// with a hop-by-hop options header; jumbograms are out of scope, and no Ethernet frame
    /// this receiver accepts can hold one).
    Unsupported = 5,
    /// IP header wrong. IPv4: version, IHL < 5, total length shorter than the header or longer
    /// than the frame. IPv6: version, 40 + payload length longer than the frame, an extension
    /// header running past the payload, a hop-by-hop header not first (RFC 8200 §4.3).
    BadIpHeader = 6,
    /// IPv4 header checksum wrong (RFC 791).
    BadIpChecksum = 7,
    /// An IPv4 fragment (MF set or offset ≠ 0), or an IPv6 Fragment header that is not an
    /// atomic fragment (RFC 6946: offset 0 and M clear, walked through like any extension
    /// header): TCP headers of fragments are not tracked.
    IpFragment = 8,
    /// IPv4 protocol, or the IPv6 header chain's last next header, other than TCP (UDP, ICMP,
    /// anything unknown).
    NotTcp = 9,
    /// TCP header wrong: shorter than 20 bytes, data offset < 5 or beyond the IP payload.
    BadTcpHeader = 10,
    /// The receive FIFO between the MII clock domain and the core was full (hardware only).
    FifoOverflow = 11,
    /// IPsec: an Authentication Header (51) or Encapsulating Security Payload (50) where TCP
    /// would be (RFC 4302, RFC 4303); ESP hides the TCP header, AH is not walked.
    Ipsec = 12,
    /// IPv6 "no next header" (59, RFC 8200 §4.7): nothing follows the header chain.
    NoNextHeader = 13,
    /// More IPv6 extension headers before TCP than the parser walks
    /// ([`crate::frame::MAX_EXT_HEADERS`]).
    ExtHeaderLimit = 14,
    /// The capture's snap length cut the frame before the end of the headers the tracker reads
    /// (capture files only: a receiver on the wire always has the whole frame).
    SnapTruncated = 15,
}

impl DropReason {
    pub const COUNT: usize = 16;
    pub const ALL: [DropReason; Self::COUNT] = [
        DropReason::BadFcs,
        DropReason::RxError,
        DropReason::Runt,
        DropReason::Oversize,
        DropReason::NotIp,
        DropReason::Unsupported,
        DropReason::BadIpHeader,
        DropReason::BadIpChecksum,
        DropReason::IpFragment,
        DropReason::NotTcp,
        DropReason::BadTcpHeader,
        DropReason::FifoOverflow,
        DropReason::Ipsec,
        DropReason::NoNextHeader,
        DropReason::ExtHeaderLimit,
        DropReason::SnapTruncated,
    ];
    /// Bits of the hardware encoding.
    pub const BITS: usize = 4;

    pub const fn name(self) -> &'static str {
        match self {
            DropReason::BadFcs => "bad_fcs",
            DropReason::RxError => "rx_error",
            DropReason::Runt => "runt",
            DropReason::Oversize => "oversize",
            DropReason::NotIp => "not_ip",
            DropReason::Unsupported => "unsupported",
            DropReason::BadIpHeader => "bad_ip_header",
            DropReason::BadIpChecksum => "bad_ip_checksum",
            DropReason::IpFragment => "ip_fragment",
            DropReason::NotTcp => "not_tcp",
            DropReason::BadTcpHeader => "bad_tcp_header",
            DropReason::FifoOverflow => "fifo_overflow",
            DropReason::Ipsec => "ipsec",
            DropReason::NoNextHeader => "no_next_header",
            DropReason::ExtHeaderLimit => "ext_header_limit",
            DropReason::SnapTruncated => "snap_truncated",
        }
    }

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

    pub const fn from_bits(b: u8) -> Option<DropReason> {
        if (b as usize) < Self::COUNT {
            Some(Self::ALL[b as usize])
        } else {
            None
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
