//! The segment descriptor: what the front end (frame parser, in software or in hardware) hands the
//! connection-state core. It is the boundary the hardware core is tested at (design.md).

use crate::flags::TcpFlags;
use core::fmt;
use std::net::Ipv4Addr;

/// One end of a TCP connection: an IPv4 address and a port.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Debug)]
pub struct Endpoint {
    pub ip: u32,
    pub port: u16,
}

impl Endpoint {
    pub const fn new(ip: u32, port: u16) -> Self {
        Endpoint { ip, port }
    }
    pub fn addr(self) -> Ipv4Addr {
        Ipv4Addr::from(self.ip)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.addr(), self.port)
    }
}

/// The direction-free key of a connection: its two endpoints in canonical order (`lo < hi`,
/// comparing address then port), so both directions of a conversation find the same entry.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct FlowKey {
    pub lo: Endpoint,
    pub hi: Endpoint,
}

/// Hashed as two words (addresses, ports): half the work of hashing four fields.
impl std::hash::Hash for FlowKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64((self.lo.ip as u64) << 32 | self.hi.ip as u64);
        state.write_u32((self.lo.port as u32) << 16 | self.hi.port as u32);
    }
}

impl FlowKey {
    /// The key of a segment from `src` to `dst`, and whether `src` is the `lo` endpoint.
    pub fn of(src: Endpoint, dst: Endpoint) -> (FlowKey, bool) {
        if src <= dst {
            (FlowKey { lo: src, hi: dst }, true)
        } else {
            (FlowKey { lo: dst, hi: src }, false)
        }
    }

    /// The 12 bytes the hash is computed over, in network order: lo.ip, hi.ip, lo.port, hi.port
    /// (the order of the RSS/Toeplitz input for a 4-tuple).
    pub fn hash_input(&self) -> [u8; 12] {
        let mut b = [0u8; 12];
        b[0..4].copy_from_slice(&self.lo.ip.to_be_bytes());
        b[4..8].copy_from_slice(&self.hi.ip.to_be_bytes());
        b[8..10].copy_from_slice(&self.lo.port.to_be_bytes());
        b[10..12].copy_from_slice(&self.hi.port.to_be_bytes());
        b
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
    /// TCP payload length in bytes (IP total length − IP header − TCP header).
    pub payload_len: u16,
    /// TSval of the Timestamps option (RFC 7323 §3), when the segment carries one.
    pub tsval: Option<u32>,
    /// Time the segment was seen, in ticks of the time base ([`crate::time`]).
    pub time: u32,
}

impl SegmentDescriptor {
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
