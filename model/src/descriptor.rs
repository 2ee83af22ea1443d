//! The segment descriptor: what the front end (frame parser, in software or in hardware) hands the
//! connection-state core. It is the boundary the hardware core is tested at (design.md).

use crate::flags::TcpFlags;
use core::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// One end of a TCP connection: an IPv4 or IPv6 address and a port.
///
/// Ordered by address family (IPv4 first), then address (as a big-endian number), then port:
/// the order [`FlowKey::of`] puts endpoints in, and the one the hardware compares.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Endpoint {
    pub ip: IpAddr,
    pub port: u16,
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint::v4(0, 0)
    }
}

impl Endpoint {
    pub const fn new(ip: IpAddr, port: u16) -> Self {
        Endpoint { ip, port }
    }

    /// An IPv4 endpoint, the address as a number (`10.0.0.1` = `0x0a00_0001`).
    pub const fn v4(ip: u32, port: u16) -> Self {
        Endpoint {
            ip: IpAddr::V4(Ipv4Addr::from_bits(ip)),
            port,
        }
    }

    /// An IPv6 endpoint, the address as a number (`fd00::1` = `0xfd00 << 112 | 1`).
    pub const fn v6(ip: u128, port: u16) -> Self {
        Endpoint {
            ip: IpAddr::V6(Ipv6Addr::from_bits(ip)),
            port,
        }
    }

    #[inline]
    pub fn is_v6(&self) -> bool {
        self.ip.is_ipv6()
    }

    /// The address as a number: an IPv4 address in the low 32 bits (the form the hardware
    /// carries both families in).
    #[inline]
    pub fn addr_bits(&self) -> u128 {
        match self.ip {
            IpAddr::V4(a) => a.to_bits() as u128,
            IpAddr::V6(a) => a.to_bits(),
        }
    }

    pub fn socket_addr(&self) -> SocketAddr {
        SocketAddr::new(self.ip, self.port)
    }
}

/// The order the derived one on `(ip, port)` would give (`IpAddr` puts IPv4 first and compares
/// addresses octet by octet, that is as big-endian numbers), computed on numbers: two IPv4
/// endpoints, the common case on the analysis's hot path, compare as one 48-bit number.
impl Ord for Endpoint {
    #[inline]
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        use core::cmp::Ordering;
        match (self.ip, other.ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                let pack = |a: Ipv4Addr, port: u16| (a.to_bits() as u64) << 16 | port as u64;
                pack(a, self.port).cmp(&pack(b, other.port))
            }
            (IpAddr::V4(_), IpAddr::V6(_)) => Ordering::Less,
            (IpAddr::V6(_), IpAddr::V4(_)) => Ordering::Greater,
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                (a.to_bits(), self.port).cmp(&(b.to_bits(), other.port))
            }
        }
    }
}

impl PartialOrd for Endpoint {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// `a.b.c.d:port`, or `[addr]:port` for IPv6 with the address in its RFC 5952 text form (what
/// `std::net::Ipv6Addr` prints).
impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.socket_addr().fmt(f)
    }
}

/// `a.b.c.d:port` or `[addr]:port` (RFC 3986 §3.2.2 brackets; any RFC 4291 §2.2 text form of
/// the address).
impl FromStr for Endpoint {
    type Err = std::net::AddrParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let a = SocketAddr::from_str(s)?;
        Ok(Endpoint::new(a.ip(), a.port()))
    }
}

/// The direction-free key of a connection: its two endpoints in canonical order (`lo < hi`,
/// comparing address then port), so both directions of a conversation find the same entry.
/// Both endpoints are of one family (a segment's source and destination always are).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub struct FlowKey {
    pub lo: Endpoint,
    pub hi: Endpoint,
}

/// Bytes of the longest hash input (an IPv6 4-tuple).
pub const HASH_INPUT_MAX: usize = 36;

/// The bytes a key's Toeplitz hash is computed over: 12 for IPv4, 36 for IPv6.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HashInput {
    pub bytes: [u8; HASH_INPUT_MAX],
    pub len: usize,
}

impl HashInput {
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl FlowKey {
    /// The (client, server) endpoints, `client_is_lo` saying which side of the key the client is.
    pub fn roles(&self, client_is_lo: bool) -> (Endpoint, Endpoint) {
        if client_is_lo {
            (self.lo, self.hi)
        } else {
            (self.hi, self.lo)
        }
    }

    /// The endpoint at `end`.
    #[inline]
    pub fn endpoint(&self, end: crate::End) -> Endpoint {
        match end {
            crate::End::Lo => self.lo,
            crate::End::Hi => self.hi,
        }
    }

    /// The key of a segment from `src` to `dst`, and whether `src` is the `lo` endpoint.
    #[inline]
    pub fn of(src: Endpoint, dst: Endpoint) -> (FlowKey, bool) {
        if src <= dst {
            (FlowKey { lo: src, hi: dst }, true)
        } else {
            (FlowKey { lo: dst, hi: src }, false)
        }
    }

    pub fn is_v6(&self) -> bool {
        self.lo.is_v6()
    }

    /// The hash input, in network order: lo address, hi address, lo port, hi port — the order
    /// of the RSS/Toeplitz input for a TCP 4-tuple (source address, destination address, source
    /// port, destination port), 12 bytes for IPv4 and 36 for IPv6 (Microsoft RSS specification,
    /// "RSS Hashing Types": `NDIS_HASH_TCP_IPV4`, `NDIS_HASH_TCP_IPV6`).
    pub fn hash_input(&self) -> HashInput {
        let mut bytes = [0u8; HASH_INPUT_MAX];
        let n = match (self.lo.ip, self.hi.ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                bytes[0..4].copy_from_slice(&a.octets());
                bytes[4..8].copy_from_slice(&b.octets());
                8
            }
            _ => {
                bytes[0..16].copy_from_slice(&self.lo.addr_bits().to_be_bytes());
                bytes[16..32].copy_from_slice(&self.hi.addr_bits().to_be_bytes());
                32
            }
        };
        bytes[n..n + 2].copy_from_slice(&self.lo.port.to_be_bytes());
        bytes[n + 2..n + 4].copy_from_slice(&self.hi.port.to_be_bytes());
        HashInput { bytes, len: n + 4 }
    }
}

/// "No window scale option" (RFC 7323 §2.2): the value stored where a shift count would be.
pub const WSCALE_NONE: u8 = 15;
/// Largest shift count RFC 7323 §2.3 allows; larger offers are treated as 14.
pub const WSCALE_MAX: u8 = 14;

/// One TCP segment as the tracker sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SegmentDescriptor {
    pub src: Endpoint,
    pub dst: Endpoint,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    /// The raw 16-bit window field (unscaled).
    pub window: u16,
    /// Window-scale shift offered in this segment's options (SYN segments only), or
    /// [`WSCALE_NONE`].
    pub wscale: u8,
    /// TCP payload length in bytes (IP total length − IP header − TCP header; IPv6: payload
    /// length − extension headers − TCP header).
    pub payload_len: u16,
    /// TSval of the Timestamps option (RFC 7323 §3), when the segment carries one.
    pub tsval: Option<u32>,
    /// Time the segment was seen, in ticks of the time base ([`crate::time`]).
    pub time: u32,
}

impl SegmentDescriptor {
    /// A bare segment from `src` to `dst`: these numbers and flags, a 65,535-byte window with no
    /// window-scale option ([`WSCALE_NONE`]), no payload, no Timestamps option, at time 0. The
    /// starting point of tests and generators, which set the rest with struct update syntax
    /// (`SegmentDescriptor { payload_len: 100, ..SegmentDescriptor::new(..) }`).
    pub fn new(src: Endpoint, dst: Endpoint, seq: u32, ack: u32, flags: TcpFlags) -> Self {
        Self {
            src,
            dst,
            seq,
            ack,
            flags,
            window: u16::MAX,
            wscale: WSCALE_NONE,
            payload_len: 0,
            tsval: None,
            time: 0,
        }
    }

    /// Sequence space this segment occupies: payload, plus one for SYN and one for FIN
    /// (RFC 9293 §3.4).
    pub fn seg_len(&self) -> u32 {
        self.payload_len as u32 + self.flags.syn() as u32 + self.flags.fin() as u32
    }

    /// The sequence number just past this segment.
    pub fn seq_end(&self) -> u32 {
        self.seq.wrapping_add(self.seg_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_print_and_parse_as_socket_addresses() {
        let v6 = Endpoint::v6(0xfd77_0001 << 96 | 0x10, 47340);
        assert_eq!(v6.to_string(), "[fd77:1::10]:47340");
        assert_eq!("[fd77:1:0:0::10]:47340".parse::<Endpoint>().unwrap(), v6);
        let v4 = Endpoint::v4(0x0a00_0001, 80);
        assert_eq!(v4.to_string(), "10.0.0.1:80");
        assert_eq!("10.0.0.1:80".parse::<Endpoint>().unwrap(), v4);
        assert!("fd77::1:80".parse::<Endpoint>().is_err());
        // RFC 5952 §4: lower case, the longest run of zero groups shortened, not a single one.
        assert_eq!(
            Endpoint::v6(0x2001_0db8_0000_0000_0001_0000_0000_0001, 1).to_string(),
            "[2001:db8::1:0:0:1]:1"
        );
        assert_eq!(
            Endpoint::v6(0x2001_0db8_0000_0001_0001_0001_0001_0001, 1).to_string(),
            "[2001:db8:0:1:1:1:1:1]:1"
        );
    }

    #[test]
    fn ipv4_sorts_before_ipv6_and_keys_are_canonical() {
        let a = Endpoint::v4(u32::MAX, 65535);
        let b = Endpoint::v6(0, 0);
        assert!(a < b);
        let (k, src_is_lo) = FlowKey::of(Endpoint::v6(2, 1), Endpoint::v6(1, 9));
        assert!(!src_is_lo);
        assert_eq!(k.lo, Endpoint::v6(1, 9));
    }

    #[test]
    fn hash_input_lengths() {
        let k4 = FlowKey::of(Endpoint::v4(1, 2), Endpoint::v4(3, 4)).0;
        assert_eq!(
            k4.hash_input().as_slice(),
            &[0, 0, 0, 1, 0, 0, 0, 3, 0, 2, 0, 4]
        );
        let k6 = FlowKey::of(Endpoint::v6(1, 2), Endpoint::v6(3, 4)).0;
        let h = k6.hash_input();
        assert_eq!(h.len, 36);
        assert_eq!(h.bytes[15], 1);
        assert_eq!(h.bytes[31], 3);
        assert_eq!(&h.bytes[32..36], &[0, 2, 0, 4]);
    }
}
