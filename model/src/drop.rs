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
    /// IPv6, or more than two stacked VLAN tags.
    Unsupported = 5,
    /// IPv4 header wrong: version, IHL < 5, total length shorter than the header or longer
    /// than the frame.
    BadIpHeader = 6,
    /// IPv4 header checksum wrong (RFC 791).
    BadIpChecksum = 7,
    /// An IPv4 fragment (MF set or offset ≠ 0): TCP headers of fragments are not tracked.
    IpFragment = 8,
    /// IPv4 protocol other than TCP.
    NotTcp = 9,
    /// TCP header wrong: shorter than 20 bytes, data offset < 5 or beyond the IP payload.
    BadTcpHeader = 10,
    /// The receive FIFO between the MII clock domain and the core was full (hardware only).
    FifoOverflow = 11,
}

impl DropReason {
    pub const COUNT: usize = 12;
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
    ];

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
    }
}
