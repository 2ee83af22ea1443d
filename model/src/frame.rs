//! Frame → segment descriptor: the front end's rules, written so that a byte-serial hardware
//! parser can implement exactly the same ones (same offsets, same order of checks, same drop
//! reason for every frame).
//!
//! [`mac_receive`] holds the receiver's checks before that (RX_ER, length, FCS; in that order),
//! and [`receive`] chains both.
//!
//! The input is an Ethernet frame as the MAC delivers it once the FCS has been checked: from the
//! destination MAC address to the last byte before the FCS, padded by the sender to the 60-byte
//! minimum (a capture taken on an endpoint holds frames before padding: [`pad_to_minimum`] puts
//! them back into wire form).
//!
//! Checks, in order (the first that fails names the drop reason):
//! 1. length: `< 60` → [`DropReason::Runt`], `> 1522` → [`DropReason::Oversize`];
//! 2. EtherType at 12; up to two 802.1Q/802.1ad tags (TPID 0x8100, 0x88A8, 0x9100) are skipped;
//!    a third tag → `Unsupported`; IPv4 (0x0800) → 3, IPv6 (0x86DD) → 4, anything else →
//!    `NotIp`;
//! 3. IPv4 (RFC 791): 20 bytes present, version 4, IHL ≥ 5, IHL·4 ≤ total length ≤ bytes
//!    present → else `BadIpHeader`; header checksum → `BadIpChecksum`; MF or fragment offset ≠ 0
//!    → `IpFragment`; protocol AH (51) or ESP (50) → `Ipsec`, ≠ 6 → `NotTcp`;
//! 4. IPv6 (RFC 8200 §3): 40 bytes present, version 6, 40 + payload length ≤ bytes present →
//!    else `BadIpHeader`; payload length 0 with a hop-by-hop header (a jumbogram, RFC 2675: out
//!    of scope, and no frame this receiver accepts can hold one) → `Unsupported`. Then the
//!    header chain (§4), from next header at 6, header by header inside the payload:
//!    * TCP (6) ends the walk;
//!    * hop-by-hop (0), routing (43), destination options (60), fragment (44) are extension
//!      headers, walked: the [`MAX_EXT_HEADERS`]+1-th → `ExtHeaderLimit`; hop-by-hop other than
//!      first (§4.3) → `BadIpHeader`; fewer than 8 bytes left in the payload → `BadIpHeader`;
//!      a fragment header (8 bytes) that is not an atomic fragment (offset or M set; RFC 6946
//!      §4 processes an atomic fragment in isolation, so it is walked through) → `IpFragment`;
//!      an options or routing header ((length + 1)·8 bytes) running past the payload →
//!      `BadIpHeader`;
//!    * AH (51), ESP (50) → `Ipsec`; no next header (59) → `NoNextHeader`; anything else →
//!      `NotTcp`;
//! 5. TCP (RFC 9293 §3.1): IP payload ≥ 20, data offset ≥ 5, data offset·4 ≤ IP payload → else
//!    `BadTcpHeader` (the IP payload is what follows the IPv4 header or the IPv6 header chain,
//!    up to the IP length). Options are walked only for the window-scale option of a SYN
//!    (RFC 7323 §2.2); malformed options end the walk and are not a drop (the endpoints decide
//!    on them).
//!
//! The TCP checksum is not verified: the FCS already protects the wire, and hosts with checksum
//! offload put frames on the wire that a capture on the host shows with wrong checksums.
//!
//! **Snap length.** A capture may keep only the first bytes of each frame ([`parse_captured`]:
//! the bytes kept and the frame's length on the wire). The checks above run against the wire
//! length (so lengths come from the IP header, as for a whole frame); a header the tracker reads
//! that the capture cut — Ethernet and VLAN, the IPv4 header with its options (the checksum), an
//! IPv6 extension header, the TCP header with its options (a SYN's window scale, any segment's
//! TSval) — is [`DropReason::SnapTruncated`] at the point it is needed. A whole frame never is.

use crate::descriptor::{Endpoint, SegmentDescriptor, WSCALE_MAX, WSCALE_NONE};
use crate::drop::DropReason;
use crate::flags::TcpFlags;
use std::net::IpAddr;

/// Smallest frame without FCS (IEEE 802.3: 64 bytes with FCS).
pub const MIN_FRAME_LEN: usize = 60;
/// Largest frame accepted without FCS: 1500 bytes of payload, 14 of header, two VLAN tags.
pub const MAX_FRAME_LEN: usize = 1522;
/// Most VLAN tags skipped before the EtherType must be IP.
pub const MAX_VLAN_TAGS: usize = 2;
/// Most IPv6 extension headers walked before TCP must come (RFC 8200 §4.1 lists six kinds a
/// packet may carry, destination options twice; RFC 8504 §5.3 lets a node limit the chain).
pub const MAX_EXT_HEADERS: usize = 8;
/// Length of the frame check sequence (CRC-32) that ends every frame on the wire.
pub const FCS_LEN: usize = 4;
/// The CRC-32 generator polynomial in reflected (LSB-first) form (IEEE 802.3 §3.2.9).
pub const CRC32_POLY_REFLECTED: u32 = 0xedb8_8320;
/// What a receiver's CRC register (reflected, preset to all ones, not complemented) holds after
/// a frame *and its FCS* when the FCS is right: the CRC-32 residue (0xC704DD7B bit-reversed, the
/// form of IEEE 802.3 §3.2.9).
pub const FCS_RESIDUE: u32 = 0xdebb_20e3;

/// Byte offsets and constants of the headers (shared with the hardware parser).
pub mod field {
    /// EtherType / TPID offset in an untagged frame.
    pub const ETHERTYPE: usize = 12;
    pub const ETH_HEADER_LEN: usize = 14;
    pub const VLAN_TAG_LEN: usize = 4;
    pub const TPID_8021Q: u16 = 0x8100;
    pub const TPID_8021AD: u16 = 0x88a8;
    pub const TPID_QINQ_OLD: u16 = 0x9100;
    pub const ETHERTYPE_IPV4: u16 = 0x0800;
    pub const ETHERTYPE_IPV6: u16 = 0x86dd;

    // IPv4, from the start of the IP header.
    pub const IP_VER_IHL: usize = 0;
    pub const IP_TOTAL_LEN: usize = 2;
    pub const IP_FLAGS_FRAG: usize = 6;
    pub const IP_PROTOCOL: usize = 9;
    pub const IP_SRC: usize = 12;
    pub const IP_DST: usize = 16;
    pub const IP_MIN_HEADER: usize = 20;
    pub const IP_MF: u16 = 0x2000;
    pub const IP_FRAG_OFFSET: u16 = 0x1fff;
    pub const IP_PROTO_TCP: u8 = 6;
    /// IPsec: Encapsulating Security Payload (RFC 4303) and Authentication Header (RFC 4302).
    pub const IP_PROTO_ESP: u8 = 50;
    pub const IP_PROTO_AH: u8 = 51;

    // IPv6 (RFC 8200 §3), from the start of the IP header.
    pub const IP6_VERSION: usize = 0;
    pub const IP6_PAYLOAD_LEN: usize = 4;
    pub const IP6_NEXT_HEADER: usize = 6;
    pub const IP6_SRC: usize = 8;
    pub const IP6_DST: usize = 24;
    pub const IP6_HEADER_LEN: usize = 40;
    /// Next-header values (IANA "Assigned Internet Protocol Numbers") of the extension headers
    /// that are walked: hop-by-hop options, routing, fragment, destination options.
    pub const NH_HOP_BY_HOP: u8 = 0;
    pub const NH_ROUTING: u8 = 43;
    pub const NH_FRAGMENT: u8 = 44;
    pub const NH_DEST_OPTS: u8 = 60;
    /// No next header (RFC 8200 §4.7).
    pub const NH_NONE: u8 = 59;
    /// Offsets inside an extension header: its next header, its length in 8-byte units after
    /// the first 8 (options and routing headers), the fragment offset and M flag (fragment).
    pub const EXT_NEXT_HEADER: usize = 0;
    pub const EXT_LEN: usize = 1;
    pub const EXT_FRAG_OFFSET: usize = 2;
    /// Fragment offset (13 bits) and M (bit 0) of the 16-bit word at `EXT_FRAG_OFFSET`; an
    /// atomic fragment has neither (RFC 6946).
    pub const FRAG_OFFSET_M: u16 = 0xfff9;
    /// Length of the fragment header, and the unit of the others' length.
    pub const EXT_UNIT: usize = 8;

    // TCP, from the start of the TCP header.
    pub const TCP_SRC_PORT: usize = 0;
    pub const TCP_DST_PORT: usize = 2;
    pub const TCP_SEQ: usize = 4;
    pub const TCP_ACK: usize = 8;
    pub const TCP_OFFSET: usize = 12;
    pub const TCP_FLAGS: usize = 13;
    pub const TCP_WINDOW: usize = 14;
    pub const TCP_MIN_HEADER: usize = 20;
    pub const OPT_EOL: u8 = 0;
    pub const OPT_NOP: u8 = 1;
    pub const OPT_WSCALE: u8 = 3;
    pub const OPT_WSCALE_LEN: u8 = 3;
    pub const OPT_TIMESTAMP: u8 = 8;
    pub const OPT_TIMESTAMP_LEN: u8 = 10;
}

#[inline(always)]
fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes(b[at..at + 2].try_into().expect("two bytes"))
}

#[inline(always)]
fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().expect("four bytes"))
}

#[inline(always)]
fn be128(b: &[u8], at: usize) -> u128 {
    u128::from_be_bytes(b[at..at + 16].try_into().expect("sixteen bytes"))
}

/// Is `tpid` a VLAN tag protocol identifier?
pub const fn is_vlan_tpid(tpid: u16) -> bool {
    matches!(
        tpid,
        field::TPID_8021Q | field::TPID_8021AD | field::TPID_QINQ_OLD
    )
}

/// Ones'-complement sum of 16-bit words (RFC 1071), folded.
///
/// Summed 32 bits at a time into 64 (RFC 1071 §2(C), "parallel summation": 2¹⁶ ≡ 1 modulo
/// 2¹⁶ − 1, so a 32-bit word adds what its two halves do), then folded: the same value as the
/// 16-bit sum, in half the additions.
pub fn ones_complement_sum(bytes: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    let mut words = bytes.chunks_exact(4);
    for w in &mut words {
        sum += u32::from_be_bytes([w[0], w[1], w[2], w[3]]) as u64;
    }
    let mut pairs = words.remainder().chunks_exact(2);
    for c in &mut pairs {
        sum += u16::from_be_bytes([c[0], c[1]]) as u64;
    }
    if let [last] = pairs.remainder() {
        sum += (*last as u64) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// One step of the receiver's CRC register over the low `bits` bits of `data`, LSB first (the
/// order bits arrive in: IEEE 802.3 §3.3; MII nibble 0 is bits 0–3 of the byte).
pub const fn crc32_step(mut crc: u32, data: u8, bits: u32) -> u32 {
    let mut i = 0;
    while i < bits {
        let b = (data >> i) as u32 & 1;
        crc = if (crc ^ b) & 1 != 0 {
            (crc >> 1) ^ CRC32_POLY_REFLECTED
        } else {
            crc >> 1
        };
        i += 1;
    }
    crc
}

/// The FCS a transmitter appends to `frame` (IEEE 802.3 §3.2.9), to be sent least significant
/// byte first (`to_le_bytes`).
pub fn fcs(frame: &[u8]) -> u32 {
    !frame.iter().fold(!0u32, |c, &b| crc32_step(c, b, 8))
}

/// Copy of `frame` with its FCS appended: the bytes a MAC puts on the wire after the SFD.
pub fn with_fcs(frame: &[u8]) -> Vec<u8> {
    let mut v = frame.to_vec();
    v.extend_from_slice(&fcs(frame).to_le_bytes());
    v
}

/// The MAC receive checks (IEEE 802.3 §4.2.4.2, counted as in clause 30) on the bytes an MII
/// receiver assembles between the SFD and the end of RX_DV, FCS included: the frame without its
/// FCS, or why it is dropped. `rx_error`: RX_ER was asserted while RX_DV was (clause 22.2.2.5).
///
/// Checks, in order (the first that fails names the reason; the hardware receiver follows it):
/// 1. RX_ER → [`DropReason::RxError`] (the PHY says the bytes are not what was sent: nothing
///    else about them means anything);
/// 2. `< 64` bytes with FCS → [`DropReason::Runt`], `> 1526` → [`DropReason::Oversize`]: length
///    errors before the FCS, as clause 30 counts them (aFrameCheckSequenceErrors excludes
///    frame-too-long and frame-too-short frames, 30.3.1.1.6-7);
/// 3. CRC → [`DropReason::BadFcs`].
///
/// A trailing half byte (an odd number of nibbles: dribble) is not part of `bytes`: the
/// receiver truncates to the last octet boundary (§4.2.4.2.1) and checks the FCS there.
pub fn mac_receive(bytes: &[u8], rx_error: bool) -> Result<&[u8], DropReason> {
    if rx_error {
        return Err(DropReason::RxError);
    }
    if bytes.len() < MIN_FRAME_LEN + FCS_LEN {
        return Err(DropReason::Runt);
    }
    if bytes.len() > MAX_FRAME_LEN + FCS_LEN {
        return Err(DropReason::Oversize);
    }
    if bytes.iter().fold(!0u32, |c, &b| crc32_step(c, b, 8)) != FCS_RESIDUE {
        return Err(DropReason::BadFcs);
    }
    Ok(&bytes[..bytes.len() - FCS_LEN])
}

/// The whole front end: [`mac_receive`], then [`parse_frame`].
pub fn receive(bytes: &[u8], rx_error: bool, time: u32) -> Result<SegmentDescriptor, DropReason> {
    parse_frame(mac_receive(bytes, rx_error)?, time)
}

/// Copy of `frame` padded with zeros to [`MIN_FRAME_LEN`], as a transmitting MAC would
/// (IEEE 802.3 §4.2.3.3). Frames already long enough are returned unchanged.
pub fn pad_to_minimum(frame: &[u8], buf: &mut Vec<u8>) {
    buf.clear();
    buf.extend_from_slice(frame);
    if buf.len() < MIN_FRAME_LEN {
        buf.resize(MIN_FRAME_LEN, 0);
    }
}

/// The first TCP option of `kind` with length `len` in `opts` (RFC 9293 §3.2: kind, length,
/// data; EOL ends the list, NOP is one byte), as its data bytes. A malformed list ends the walk.
fn find_option(opts: &[u8], want: u8, want_len: u8) -> Option<&[u8]> {
    let mut i = 0;
    while i < opts.len() {
        match opts[i] {
            field::OPT_EOL => break,
            field::OPT_NOP => i += 1,
            kind => {
                let len = *opts.get(i + 1)? as usize;
                if len < 2 || i + len > opts.len() {
                    break;
                }
                if kind == want && len == want_len as usize {
                    return Some(&opts[i + 2..i + len]);
                }
                i += len;
            }
        }
    }
    None
}

/// The window-scale shift offered in TCP options `opts` (RFC 7323 §2.2), or [`WSCALE_NONE`].
fn window_scale(opts: &[u8]) -> u8 {
    find_option(opts, field::OPT_WSCALE, field::OPT_WSCALE_LEN)
        .map_or(WSCALE_NONE, |v| v[0].min(WSCALE_MAX))
}

/// TSval of the Timestamps option in `opts` (RFC 7323 §3.2: kind 8, length 10).
fn timestamp(opts: &[u8]) -> Option<u32> {
    find_option(opts, field::OPT_TIMESTAMP, field::OPT_TIMESTAMP_LEN).map(|v| be32(v, 0))
}

/// The source and destination of an untagged IPv4 frame, or an IPv6 one whose next header is
/// TCP, read without any check: a hint for loading a connection ahead of time ([`parse_frame`]
/// alone decides what a frame is). `None` when the frame is not that simple or too short.
#[inline]
pub fn peek_endpoints(frame: &[u8]) -> Option<(Endpoint, Endpoint)> {
    use field::*;
    let ethertype = be16(frame.get(..ETH_HEADER_LEN)?, ETHERTYPE);
    let ip = &frame[ETH_HEADER_LEN..];
    if ethertype == ETHERTYPE_IPV6 {
        if ip.len() < IP6_HEADER_LEN + TCP_DST_PORT + 2 || ip[IP6_NEXT_HEADER] != IP_PROTO_TCP {
            return None;
        }
        let t = IP6_HEADER_LEN;
        return Some((
            Endpoint::v6(be128(ip, IP6_SRC), be16(ip, t + TCP_SRC_PORT)),
            Endpoint::v6(be128(ip, IP6_DST), be16(ip, t + TCP_DST_PORT)),
        ));
    }
    if ethertype != ETHERTYPE_IPV4 {
        return None;
    }
    let ihl = ((*ip.first()? & 0x0f) as usize) * 4;
    if ihl < IP_MIN_HEADER || ip.len() < ihl + TCP_DST_PORT + 2 {
        return None;
    }
    Some((
        Endpoint::v4(be32(ip, IP_SRC), be16(ip, ihl + TCP_SRC_PORT)),
        Endpoint::v4(be32(ip, IP_DST), be16(ip, ihl + TCP_DST_PORT)),
    ))
}

/// Parse one frame (wire form, without FCS) seen at `time` (ticks) into a descriptor, or the
/// reason it is dropped.
pub fn parse_frame(frame: &[u8], time: u32) -> Result<SegmentDescriptor, DropReason> {
    parse_captured(frame, frame.len(), time)
}

/// [`parse_frame`] of a frame a capture may have cut short: `data` is what the capture kept
/// (wire form: padded, no FCS), `wire_len` the frame's length on the wire (at least
/// `data.len()`). Lengths are checked against `wire_len`; a header the tracker reads that lies
/// past `data` is [`DropReason::SnapTruncated`] (the module doc, "Snap length").
pub fn parse_captured(
    data: &[u8],
    wire_len: usize,
    time: u32,
) -> Result<SegmentDescriptor, DropReason> {
    use field::*;
    let wire_len = wire_len.max(data.len());
    // The bytes up to `end` (exclusive) were captured.
    let need = |end: usize| {
        if end <= data.len() {
            Ok(())
        } else {
            Err(DropReason::SnapTruncated)
        }
    };
    // 1. MAC length limits.
    if wire_len < MIN_FRAME_LEN {
        return Err(DropReason::Runt);
    }
    if wire_len > MAX_FRAME_LEN {
        return Err(DropReason::Oversize);
    }

    // 2. EtherType, skipping up to two VLAN tags.
    let mut et_at = ETHERTYPE;
    need(et_at + 2)?;
    let mut ethertype = be16(data, et_at);
    let mut tags = 0;
    while is_vlan_tpid(ethertype) && tags < MAX_VLAN_TAGS {
        tags += 1;
        et_at += VLAN_TAG_LEN;
        need(et_at + 2)?;
        ethertype = be16(data, et_at);
    }
    if is_vlan_tpid(ethertype) {
        return Err(DropReason::Unsupported);
    }
    let ip_at = et_at + 2;
    let (ip, ip_len) = (&data[ip_at..], wire_len - ip_at);
    let (src, dst, tcp_at, ip_end) = match ethertype {
        ETHERTYPE_IPV4 => ipv4(ip, ip_len)?,
        ETHERTYPE_IPV6 => ipv6(ip, ip_len)?,
        _ => return Err(DropReason::NotIp),
    };

    // 5. TCP header (RFC 9293 §3.1), in ip[tcp_at..ip_end].
    let tcp_len = ip_end - tcp_at;
    if tcp_len < TCP_MIN_HEADER {
        return Err(DropReason::BadTcpHeader);
    }
    need(ip_at + tcp_at + TCP_MIN_HEADER)?;
    let tcp = &ip[tcp_at..];
    let doff = ((tcp[TCP_OFFSET] >> 4) as usize) * 4;
    if doff < TCP_MIN_HEADER || doff > tcp_len {
        return Err(DropReason::BadTcpHeader);
    }
    let flags = TcpFlags::from_header_bytes(tcp[TCP_OFFSET], tcp[TCP_FLAGS]);
    need(ip_at + tcp_at + doff)?;
    let opts = &tcp[TCP_MIN_HEADER..doff];
    let wscale = if flags.syn() {
        window_scale(opts)
    } else {
        WSCALE_NONE
    };
    Ok(SegmentDescriptor {
        src: Endpoint::new(src, be16(tcp, TCP_SRC_PORT)),
        dst: Endpoint::new(dst, be16(tcp, TCP_DST_PORT)),
        seq: be32(tcp, TCP_SEQ),
        ack: be32(tcp, TCP_ACK),
        flags,
        window: be16(tcp, TCP_WINDOW),
        wscale,
        payload_len: (tcp_len - doff) as u16,
        tsval: timestamp(opts),
        time,
    })
}

/// Where an IP header says the TCP header is: source, destination, the TCP header's offset and
/// the IP packet's end, both from the IP header's start.
type IpPart = (IpAddr, IpAddr, usize, usize);

/// Step 3, the IPv4 header (RFC 791 §3.1): `ip` holds the captured bytes from its start, `ip_len`
/// the bytes the frame has from there.
fn ipv4(ip: &[u8], ip_len: usize) -> Result<IpPart, DropReason> {
    use field::*;
    let need = |end: usize| {
        (end <= ip.len())
            .then_some(())
            .ok_or(DropReason::SnapTruncated)
    };
    if ip_len < IP_MIN_HEADER {
        return Err(DropReason::BadIpHeader);
    }
    need(IP_MIN_HEADER)?;
    let version = ip[IP_VER_IHL] >> 4;
    let ihl = ((ip[IP_VER_IHL] & 0x0f) as usize) * 4;
    let total_len = be16(ip, IP_TOTAL_LEN) as usize;
    if version != 4 || ihl < IP_MIN_HEADER || total_len < ihl || total_len > ip_len {
        return Err(DropReason::BadIpHeader);
    }
    need(ihl)?;
    if ones_complement_sum(&ip[..ihl]) != 0xffff {
        return Err(DropReason::BadIpChecksum);
    }
    let frag = be16(ip, IP_FLAGS_FRAG);
    if frag & (IP_MF | IP_FRAG_OFFSET) != 0 {
        return Err(DropReason::IpFragment);
    }
    match ip[IP_PROTOCOL] {
        IP_PROTO_TCP => {}
        IP_PROTO_AH | IP_PROTO_ESP => return Err(DropReason::Ipsec),
        _ => return Err(DropReason::NotTcp),
    }
    Ok((
        IpAddr::V4(be32(ip, IP_SRC).into()),
        IpAddr::V4(be32(ip, IP_DST).into()),
        ihl,
        total_len,
    ))
}

/// Step 4, the IPv6 header and its extension headers (RFC 8200 §3, §4): `ip` holds the captured
/// bytes from its start, `ip_len` the bytes the frame has from there.
fn ipv6(ip: &[u8], ip_len: usize) -> Result<IpPart, DropReason> {
    use field::*;
    let need = |end: usize| {
        (end <= ip.len())
            .then_some(())
            .ok_or(DropReason::SnapTruncated)
    };
    if ip_len < IP6_HEADER_LEN {
        return Err(DropReason::BadIpHeader);
    }
    need(IP6_HEADER_LEN)?;
    let payload_len = be16(ip, IP6_PAYLOAD_LEN) as usize;
    let end = IP6_HEADER_LEN + payload_len;
    if ip[IP6_VERSION] >> 4 != 6 || end > ip_len {
        return Err(DropReason::BadIpHeader);
    }
    let mut nh = ip[IP6_NEXT_HEADER];
    if payload_len == 0 && nh == NH_HOP_BY_HOP {
        return Err(DropReason::Unsupported);
    }
    // The header chain (§4.1), one header per turn; `at` is where the header of type `nh`
    // starts. Each turn either ends the walk or consumes at least 8 bytes of the payload.
    let mut at = IP6_HEADER_LEN;
    let mut count = 0;
    loop {
        match nh {
            IP_PROTO_TCP => break,
            NH_HOP_BY_HOP | NH_ROUTING | NH_DEST_OPTS | NH_FRAGMENT => {
                if count == MAX_EXT_HEADERS {
                    return Err(DropReason::ExtHeaderLimit);
                }
                if (nh == NH_HOP_BY_HOP && count != 0) || at + EXT_UNIT > end {
                    return Err(DropReason::BadIpHeader);
                }
                need(at + EXT_UNIT)?;
                let len = if nh == NH_FRAGMENT {
                    if be16(ip, at + EXT_FRAG_OFFSET) & FRAG_OFFSET_M != 0 {
                        return Err(DropReason::IpFragment);
                    }
                    EXT_UNIT
                } else {
                    (ip[at + EXT_LEN] as usize + 1) * EXT_UNIT
                };
                if at + len > end {
                    return Err(DropReason::BadIpHeader);
                }
                nh = ip[at + EXT_NEXT_HEADER];
                at += len;
                count += 1;
            }
            IP_PROTO_AH | IP_PROTO_ESP => return Err(DropReason::Ipsec),
            NH_NONE => return Err(DropReason::NoNextHeader),
            _ => return Err(DropReason::NotTcp),
        }
    }
    Ok((
        IpAddr::V6(be128(ip, IP6_SRC).into()),
        IpAddr::V6(be128(ip, IP6_DST).into()),
        at,
        end,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{PacketBuilder, TcpOptionElement};

    fn simple(payload: &[u8]) -> Vec<u8> {
        let p = PacketBuilder::ethernet2([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1])
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .tcp(40000, 80, 1000, 65535)
            .syn()
            .options(&[TcpOptionElement::WindowScale(7)])
            .unwrap();
        let mut v = Vec::new();
        p.write(&mut v, payload).unwrap();
        if v.len() < MIN_FRAME_LEN {
            v.resize(MIN_FRAME_LEN, 0);
        }
        v
    }

    /// The 32-bit summation equals RFC 1071's 16-bit one, odd lengths and carries included.
    #[test]
    fn ones_complement_sum_equals_the_16_bit_definition() {
        let by_16 = |bytes: &[u8]| {
            let mut sum: u32 = 0;
            for c in bytes.chunks(2) {
                sum += u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]) as u32;
            }
            while sum > 0xffff {
                sum = (sum & 0xffff) + (sum >> 16);
            }
            sum as u16
        };
        let mut x = 0x2545_f491_u32;
        for len in 0..64 {
            for fill in [None, Some(0u8), Some(0xff)] {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        fill.unwrap_or(x as u8)
                    })
                    .collect();
                assert_eq!(ones_complement_sum(&bytes), by_16(&bytes), "{bytes:?}");
            }
        }
    }

    #[test]
    fn parses_a_syn_with_window_scale() {
        let f = simple(b"");
        let d = parse_frame(&f, 7).unwrap();
        assert_eq!(d.src.to_string(), "10.0.0.1:40000");
        assert_eq!(d.dst.to_string(), "10.0.0.2:80");
        assert_eq!(d.seq, 1000);
        assert!(d.flags.syn() && !d.flags.ack());
        assert_eq!(d.wscale, 7);
        assert_eq!(d.window, 65535);
        assert_eq!(d.payload_len, 0);
        assert_eq!(d.time, 7);
    }

    #[test]
    fn payload_length_comes_from_ip_total_length_not_padding() {
        let f = simple(b"hi");
        assert_eq!(parse_frame(&f, 0).unwrap().payload_len, 2);
    }

    #[test]
    fn vlan_tags_are_skipped_up_to_two() {
        let base = simple(b"");
        let tag = |f: &[u8], tpid: u16| {
            let mut v = f[..12].to_vec();
            v.extend_from_slice(&tpid.to_be_bytes());
            v.extend_from_slice(&[0, 42]);
            v.extend_from_slice(&f[12..]);
            v
        };
        let one = tag(&base, 0x8100);
        let two = tag(&one, 0x88a8);
        let three = tag(&two, 0x8100);
        assert!(parse_frame(&one, 0).is_ok());
        assert!(parse_frame(&two, 0).is_ok());
        assert_eq!(parse_frame(&three, 0), Err(DropReason::Unsupported));
    }

    #[test]
    fn each_rejection_has_its_reason() {
        let good = simple(b"");
        let ip = 14;
        let mutate = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut v = good.clone();
            f(&mut v);
            parse_frame(&v, 0)
        };
        let fix_csum = |v: &mut Vec<u8>| {
            v[ip + 10] = 0;
            v[ip + 11] = 0;
            let s = !ones_complement_sum(&v[ip..ip + 20]);
            v[ip + 10..ip + 12].copy_from_slice(&s.to_be_bytes());
        };
        assert_eq!(parse_frame(&good[..59], 0), Err(DropReason::Runt));
        assert_eq!(parse_frame(&vec![0u8; 1523], 0), Err(DropReason::Oversize));
        assert_eq!(
            mutate(&|v| v[12..14].copy_from_slice(&[0x08, 0x06])),
            Err(DropReason::NotIp)
        );
        assert_eq!(
            mutate(&|v| v[12..14].copy_from_slice(&[0x86, 0xdd])),
            Err(DropReason::BadIpHeader)
        );
        for (proto, why) in [(50, DropReason::Ipsec), (51, DropReason::Ipsec)] {
            assert_eq!(
                mutate(&|v| {
                    v[ip + 9] = proto;
                    fix_csum(v)
                }),
                Err(why)
            );
        }
        assert_eq!(mutate(&|v| v[ip] = 0x65), Err(DropReason::BadIpHeader));
        assert_eq!(mutate(&|v| v[ip] = 0x44), Err(DropReason::BadIpHeader));
        assert_eq!(
            mutate(&|v| v[ip + 2..ip + 4].copy_from_slice(&[0x05, 0xdc])),
            Err(DropReason::BadIpHeader)
        );
        assert_eq!(mutate(&|v| v[ip + 8] ^= 1), Err(DropReason::BadIpChecksum));
        assert_eq!(
            mutate(&|v| {
                v[ip + 6] |= 0x20;
                fix_csum(v)
            }),
            Err(DropReason::IpFragment)
        );
        assert_eq!(
            mutate(&|v| {
                v[ip + 9] = 17;
                fix_csum(v)
            }),
            Err(DropReason::NotTcp)
        );
        assert_eq!(
            mutate(&|v| v[ip + 20 + 12] = 0x40),
            Err(DropReason::BadTcpHeader)
        );
        assert_eq!(
            mutate(&|v| v[ip + 20 + 12] = 0xf0),
            Err(DropReason::BadTcpHeader)
        );
    }

    #[test]
    fn fcs_matches_the_standard_check_value_and_residue() {
        // CRC-32 check value of "123456789" (the usual CRC catalogue entry for CRC-32/ISO-HDLC).
        assert_eq!(fcs(b"123456789"), 0xcbf4_3926);
        let f = with_fcs(&simple(b"x"));
        let reg = f.iter().fold(!0u32, |c, &b| crc32_step(c, b, 8));
        assert_eq!(reg, FCS_RESIDUE);
        assert_eq!(reg.reverse_bits(), 0xc704_dd7b);
        // Nibble steps (MII order: low nibble first) equal byte steps.
        let by_nibble = f.iter().fold(!0u32, |c, &b| {
            crc32_step(crc32_step(c, b & 15, 4), b >> 4, 4)
        });
        assert_eq!(by_nibble, reg);
    }

    #[test]
    fn mac_checks_in_order_rx_error_length_fcs() {
        let good = with_fcs(&simple(b""));
        assert_eq!(mac_receive(&good, false), Ok(&good[..good.len() - 4]));
        let mut bad = good.clone();
        bad[20] ^= 1;
        assert_eq!(mac_receive(&bad, false), Err(DropReason::BadFcs));
        assert_eq!(mac_receive(&bad, true), Err(DropReason::RxError));
        // A runt or a giant with a bad FCS is a length error; with RX_ER, an RX error.
        assert_eq!(mac_receive(&bad[..63], false), Err(DropReason::Runt));
        assert_eq!(mac_receive(&[], false), Err(DropReason::Runt));
        assert_eq!(mac_receive(&bad[..63], true), Err(DropReason::RxError));
        let giant = vec![0u8; MAX_FRAME_LEN + FCS_LEN + 1];
        assert_eq!(mac_receive(&giant, false), Err(DropReason::Oversize));
        assert_eq!(mac_receive(&giant, true), Err(DropReason::RxError));
        // The limits themselves are accepted.
        let min = with_fcs(&[0u8; MIN_FRAME_LEN]);
        assert_eq!(mac_receive(&min, false).map(<[u8]>::len), Ok(MIN_FRAME_LEN));
        let max = with_fcs(&[0u8; MAX_FRAME_LEN]);
        assert_eq!(mac_receive(&max, false).map(<[u8]>::len), Ok(MAX_FRAME_LEN));
        assert_eq!(receive(&good, false, 3).unwrap().time, 3);
    }

    #[test]
    fn malformed_options_do_not_drop_the_segment() {
        assert_eq!(window_scale(&[1, 1, 3, 3, 20]), 14);
        assert_eq!(window_scale(&[2, 4, 5, 0xb4, 3, 3, 2]), 2);
        assert_eq!(window_scale(&[2, 0]), WSCALE_NONE);
        assert_eq!(window_scale(&[2, 40, 0]), WSCALE_NONE);
        assert_eq!(window_scale(&[0, 3, 3, 2]), WSCALE_NONE);
        assert_eq!(window_scale(&[3]), WSCALE_NONE);
    }

    // ---- IPv6 (RFC 8200)

    const SRC6: [u8; 16] = [0xfd, 0x77, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];
    const DST6: [u8; 16] = [0xfd, 0x77, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20];

    /// An IPv6 SYN with a window scale, `payload` bytes of data, untagged.
    fn simple6(payload: &[u8]) -> Vec<u8> {
        let p = PacketBuilder::ethernet2([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1])
            .ipv6(SRC6, DST6, 64)
            .tcp(47340, 587, 1000, 65535)
            .syn()
            .options(&[TcpOptionElement::WindowScale(10)])
            .unwrap();
        let mut v = Vec::new();
        p.write(&mut v, payload).unwrap();
        v
    }

    /// `frame` (untagged IPv6) with extension headers inserted after the fixed header, each
    /// `(type, bytes after its next-header byte)`; the chain's last next header is the frame's
    /// old one. The payload length is fixed up.
    fn with_ext(frame: &[u8], exts: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let ip = 14;
        let mut v = frame[..ip + 40].to_vec();
        let mut nh = frame[ip + 6];
        let mut chain = Vec::new();
        for (t, body) in exts.iter().rev() {
            let mut h = vec![nh];
            h.extend(body);
            chain.splice(0..0, h);
            nh = *t;
        }
        v[ip + 6] = nh;
        v.extend(&chain);
        v.extend(&frame[ip + 40..]);
        let plen = (v.len() - ip - 40) as u16;
        v[ip + 4..ip + 6].copy_from_slice(&plen.to_be_bytes());
        v
    }

    /// An options/routing header body of `units` 8-byte units (length byte, then padding).
    fn opts(units: u8) -> Vec<u8> {
        let mut b = vec![units - 1];
        b.resize(units as usize * 8 - 1, 0);
        b
    }

    fn frag(offset: u16, more: bool) -> Vec<u8> {
        let w = offset << 3 | more as u16;
        let mut b = vec![0];
        b.extend(w.to_be_bytes());
        b.extend([0, 0, 0, 42]);
        b
    }

    #[test]
    fn parses_an_ipv6_syn() {
        let mut f = simple6(b"hello");
        let d = parse_frame(&f, 3).unwrap();
        assert_eq!(d.src.to_string(), "[fd77:1::10]:47340");
        assert_eq!(d.dst.to_string(), "[fd77:1::20]:587");
        assert_eq!((d.wscale, d.payload_len, d.seq), (10, 5, 1000));
        // Padding after the payload is not payload.
        f.resize(200, 0xee);
        assert_eq!(parse_frame(&f, 3).unwrap().payload_len, 5);
    }

    #[test]
    fn ipv6_extension_headers_are_walked() {
        let base = simple6(b"xy");
        let want = parse_frame(&base, 0).unwrap();
        let chains: Vec<Vec<(u8, Vec<u8>)>> = vec![
            vec![(0, opts(1))],
            vec![
                (0, opts(2)),
                (60, opts(1)),
                (43, opts(3)),
                (44, frag(0, false)),
            ],
            vec![(60, opts(1)), (44, frag(0, false)), (60, opts(2))],
            (0..MAX_EXT_HEADERS).map(|_| (60, opts(1))).collect(),
        ];
        for c in chains {
            assert_eq!(parse_frame(&with_ext(&base, &c), 0), Ok(want), "{c:?}");
        }
        let limit: Vec<_> = (0..=MAX_EXT_HEADERS).map(|_| (60, opts(1))).collect();
        assert_eq!(
            parse_frame(&with_ext(&base, &limit), 0),
            Err(DropReason::ExtHeaderLimit)
        );
        for (c, why) in [
            (vec![(44, frag(0, true))], DropReason::IpFragment),
            (
                vec![(0, opts(1)), (44, frag(185, false))],
                DropReason::IpFragment,
            ),
            (vec![(60, opts(1)), (0, opts(1))], DropReason::BadIpHeader),
            (vec![(51, opts(2))], DropReason::Ipsec),
            (vec![(50, opts(2))], DropReason::Ipsec),
        ] {
            assert_eq!(parse_frame(&with_ext(&base, &c), 0), Err(why), "{c:?}");
        }
        // The chain's last next header.
        for (nh, why) in [
            (59, DropReason::NoNextHeader),
            (17, DropReason::NotTcp),
            (58, DropReason::NotTcp),
            (253, DropReason::NotTcp),
        ] {
            let mut f = with_ext(&base, &[(60, opts(1))]);
            f[14 + 40] = nh;
            assert_eq!(parse_frame(&f, 0), Err(why), "next header {nh}");
        }
    }

    #[test]
    fn ipv6_lengths_are_checked() {
        let base = simple6(b"");
        let ip = 14;
        let mutate = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut v = base.clone();
            f(&mut v);
            parse_frame(&v, 0)
        };
        assert_eq!(mutate(&|v| v[ip] = 0x46), Err(DropReason::BadIpHeader));
        // Payload length past the frame, or shorter than the TCP header.
        assert_eq!(mutate(&|v| v[ip + 5] += 1), Err(DropReason::BadIpHeader));
        assert_eq!(
            mutate(&|v| v[ip + 4..ip + 6].copy_from_slice(&[0, 19])),
            Err(DropReason::BadTcpHeader)
        );
        // A jumbogram (RFC 2675).
        assert_eq!(
            mutate(&|v| {
                v[ip + 4..ip + 6].copy_from_slice(&[0, 0]);
                v[ip + 6] = 0;
            }),
            Err(DropReason::Unsupported)
        );
        // An extension header running past the payload.
        let mut f = with_ext(&base, &[(60, opts(1))]);
        f[ip + 41] = 200;
        assert_eq!(parse_frame(&f, 0), Err(DropReason::BadIpHeader));
        // A header chain that ends exactly at the payload's end.
        let mut f = with_ext(&base, &[(60, opts(1))]);
        f[ip + 40] = 59;
        f.truncate(ip + 48);
        f[ip + 4..ip + 6].copy_from_slice(&[0, 8]);
        f.resize(MIN_FRAME_LEN.max(f.len()), 0);
        assert_eq!(parse_frame(&f, 0), Err(DropReason::NoNextHeader));
        f[ip + 40] = 60;
        assert_eq!(parse_frame(&f, 0), Err(DropReason::BadIpHeader));
    }

    #[test]
    fn ipv6_under_stacked_vlans() {
        let base = simple6(b"");
        let mut two = base[..12].to_vec();
        two.extend([0x88, 0xa8, 0, 7, 0x81, 0x00, 0, 42]);
        two.extend(&base[12..]);
        assert_eq!(parse_frame(&two, 0), parse_frame(&base, 0));
    }

    // ---- snap length

    #[test]
    fn a_cut_frame_is_tracked_from_complete_headers() {
        let f4 = simple(b"0123456789");
        let f6 = simple6(b"0123456789");
        for f in [&f4, &f6] {
            let whole = parse_frame(f, 0).unwrap();
            let headers = f.len() - 10;
            for keep in 0..f.len() {
                let got = parse_captured(&f[..keep], f.len(), 0);
                if keep >= headers {
                    assert_eq!(got, Ok(whole), "kept {keep}");
                } else {
                    assert_eq!(got, Err(DropReason::SnapTruncated), "kept {keep}");
                }
            }
        }
        // A segment other than a SYN needs its TCP header with the options (the tracker reads
        // every segment's TSval: RFC 7323 §3, issue 11), not its payload; its lengths come
        // from the IP header.
        let mut ack = f4.clone();
        ack[14 + 20 + 13] = 0x10;
        let whole = parse_frame(&ack, 0).unwrap();
        let headers = ack.len() - 10;
        assert_eq!(parse_captured(&ack[..headers], ack.len(), 0), Ok(whole));
        assert_eq!(
            parse_captured(&ack[..54], ack.len(), 0),
            Err(DropReason::SnapTruncated)
        );
        assert_eq!(whole.payload_len, 10);
        // Length errors are still errors.
        let mut bad = ack.clone();
        bad[14 + 2..14 + 4].copy_from_slice(&2000u16.to_be_bytes());
        assert_eq!(
            parse_captured(&bad[..54], bad.len(), 0),
            Err(DropReason::BadIpHeader)
        );
    }
}
