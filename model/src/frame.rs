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
//!    a third tag or IPv6 (0x86DD) → `Unsupported`; anything but IPv4 (0x0800) → `NotIp`;
//! 3. IPv4 (RFC 791): 20 bytes present, version 4, IHL ≥ 5, IHL·4 ≤ total length ≤ bytes
//!    present → else `BadIpHeader`; header checksum → `BadIpChecksum`; MF or fragment offset ≠ 0
//!    → `IpFragment`; protocol ≠ 6 → `NotTcp`;
//! 4. TCP (RFC 9293 §3.1): IP payload ≥ 20, data offset ≥ 5, data offset·4 ≤ IP payload → else
//!    `BadTcpHeader`. Options are walked only for the window-scale option of a SYN (RFC 7323
//!    §2.2); malformed options end the walk and are not a drop (the endpoints decide on them).
//!
//! The TCP checksum is not verified: the FCS already protects the wire, and hosts with checksum
//! offload put frames on the wire that a capture on the host shows with wrong checksums.

use crate::descriptor::{Endpoint, SegmentDescriptor, WSCALE_MAX, WSCALE_NONE};
use crate::drop::DropReason;
use crate::flags::TcpFlags;

/// Smallest frame without FCS (IEEE 802.3: 64 bytes with FCS).
pub const MIN_FRAME_LEN: usize = 60;
/// Largest frame accepted without FCS: 1500 bytes of payload, 14 of header, two VLAN tags.
pub const MAX_FRAME_LEN: usize = 1522;
/// Most VLAN tags skipped before the EtherType must be IP.
pub const MAX_VLAN_TAGS: usize = 2;
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

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Is `tpid` a VLAN tag protocol identifier?
pub const fn is_vlan_tpid(tpid: u16) -> bool {
    matches!(
        tpid,
        field::TPID_8021Q | field::TPID_8021AD | field::TPID_QINQ_OLD
    )
}

/// Ones'-complement sum of 16-bit words (RFC 1071), folded.
pub fn ones_complement_sum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut chunks = bytes.chunks_exact(2);
    for c in &mut chunks {
        sum += u16::from_be_bytes([c[0], c[1]]) as u32;
    }
    if let [last] = chunks.remainder() {
        sum += (*last as u32) << 8;
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

/// The source and destination of an untagged IPv4 frame, read without any check: a hint for
/// loading a connection ahead of time ([`parse_frame`] alone decides what a frame is). `None`
/// when the frame is not that simple or too short.
#[inline]
pub fn peek_endpoints(frame: &[u8]) -> Option<(Endpoint, Endpoint)> {
    use field::*;
    if be16(frame.get(..ETH_HEADER_LEN)?, ETHERTYPE) != ETHERTYPE_IPV4 {
        return None;
    }
    let ip = &frame[ETH_HEADER_LEN..];
    let ihl = ((*ip.first()? & 0x0f) as usize) * 4;
    if ihl < IP_MIN_HEADER || ip.len() < ihl + TCP_DST_PORT + 2 {
        return None;
    }
    Some((
        Endpoint::new(be32(ip, IP_SRC), be16(ip, ihl + TCP_SRC_PORT)),
        Endpoint::new(be32(ip, IP_DST), be16(ip, ihl + TCP_DST_PORT)),
    ))
}

/// Parse one frame (wire form, without FCS) seen at `time` (ticks) into a descriptor, or the
/// reason it is dropped.
pub fn parse_frame(frame: &[u8], time: u32) -> Result<SegmentDescriptor, DropReason> {
    use field::*;
    // 1. MAC length limits.
    if frame.len() < MIN_FRAME_LEN {
        return Err(DropReason::Runt);
    }
    if frame.len() > MAX_FRAME_LEN {
        return Err(DropReason::Oversize);
    }

    // 2. EtherType, skipping up to two VLAN tags.
    let mut et_at = ETHERTYPE;
    let mut ethertype = be16(frame, et_at);
    let mut tags = 0;
    while is_vlan_tpid(ethertype) && tags < MAX_VLAN_TAGS {
        tags += 1;
        et_at += VLAN_TAG_LEN;
        ethertype = be16(frame, et_at);
    }
    if is_vlan_tpid(ethertype) || ethertype == ETHERTYPE_IPV6 {
        return Err(DropReason::Unsupported);
    }
    if ethertype != ETHERTYPE_IPV4 {
        return Err(DropReason::NotIp);
    }

    // 3. IPv4 header (RFC 791 §3.1).
    let ip_at = et_at + 2;
    let ip = &frame[ip_at..];
    if ip.len() < IP_MIN_HEADER {
        return Err(DropReason::BadIpHeader);
    }
    let version = ip[IP_VER_IHL] >> 4;
    let ihl = ((ip[IP_VER_IHL] & 0x0f) as usize) * 4;
    let total_len = be16(ip, IP_TOTAL_LEN) as usize;
    if version != 4 || ihl < IP_MIN_HEADER || total_len < ihl || total_len > ip.len() {
        return Err(DropReason::BadIpHeader);
    }
    if ones_complement_sum(&ip[..ihl]) != 0xffff {
        return Err(DropReason::BadIpChecksum);
    }
    let frag = be16(ip, IP_FLAGS_FRAG);
    if frag & (IP_MF | IP_FRAG_OFFSET) != 0 {
        return Err(DropReason::IpFragment);
    }
    if ip[IP_PROTOCOL] != IP_PROTO_TCP {
        return Err(DropReason::NotTcp);
    }

    // 4. TCP header (RFC 9293 §3.1).
    let tcp = &ip[ihl..total_len];
    if tcp.len() < TCP_MIN_HEADER {
        return Err(DropReason::BadTcpHeader);
    }
    let doff = ((tcp[TCP_OFFSET] >> 4) as usize) * 4;
    if doff < TCP_MIN_HEADER || doff > tcp.len() {
        return Err(DropReason::BadTcpHeader);
    }
    let flags = TcpFlags::from_header_bytes(tcp[TCP_OFFSET], tcp[TCP_FLAGS]);
    let wscale = if flags.syn() {
        window_scale(&tcp[TCP_MIN_HEADER..doff])
    } else {
        WSCALE_NONE
    };
    Ok(SegmentDescriptor {
        src: Endpoint::new(be32(ip, IP_SRC), be16(tcp, TCP_SRC_PORT)),
        dst: Endpoint::new(be32(ip, IP_DST), be16(tcp, TCP_DST_PORT)),
        seq: be32(tcp, TCP_SEQ),
        ack: be32(tcp, TCP_ACK),
        flags,
        window: be16(tcp, TCP_WINDOW),
        wscale,
        payload_len: (tcp.len() - doff) as u16,
        tsval: timestamp(&tcp[TCP_MIN_HEADER..doff]),
        time,
    })
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
            Err(DropReason::Unsupported)
        );
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
}
