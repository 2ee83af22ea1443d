//! The Ethernet frames of generated traffic (the inverse of [`crate::frame::parse_frame`] for
//! what the generator sends): Ethernet II, an optional 802.1Q tag, IPv4 (RFC 791) or IPv6
//! (RFC 8200) with an optional destination-options header, TCP (RFC 9293 §3.1) with valid
//! checksums, and the noise frames (ARP, UDP).

use super::{Noise, Segment};
use crate::descriptor::WSCALE_NONE;
use crate::frame::ones_complement_sum;
use crate::SegmentDescriptor;

/// The byte every payload is filled with.
pub const PAYLOAD_BYTE: u8 = 0x5a;

/// The TCP options of a segment: on a SYN, MSS 1460 (RFC 9293 §3.7.1) and its window scale
/// (RFC 7323 §2); then, with a TSval, the timestamps option (RFC 7323 §3, TSecr 0).
fn options(d: &SegmentDescriptor, out: &mut [u8; 20]) -> usize {
    let mut n = 0;
    if d.wscale != WSCALE_NONE {
        out[..8].copy_from_slice(&[2, 4, 0x05, 0xb4, 1, 3, 3, d.wscale]);
        n = 8;
    }
    if let Some(ts) = d.tsval {
        out[n..n + 4].copy_from_slice(&[1, 1, 8, 10]);
        out[n + 4..n + 8].copy_from_slice(&ts.to_be_bytes());
        out[n + 8..n + 12].copy_from_slice(&[0; 4]);
        n += 12;
    }
    n
}

/// `seg` as an Ethernet frame (no FCS), in `out`.
pub fn write_frame(seg: &Segment, out: &mut Vec<u8>) {
    let d = &seg.desc;
    let mut opts = [0u8; 20];
    let n = options(d, &mut opts);
    let opts = &opts[..n];
    out.clear();
    out.extend_from_slice(&[0x02, 0, 0, 0, 0, 2]);
    out.extend_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    if let Some(vid) = seg.vlan {
        out.extend_from_slice(&[0x81, 0x00]);
        out.extend_from_slice(&vid.to_be_bytes());
    }
    let tcp_len = 20 + opts.len() + d.payload_len as usize;
    let (src, dst) = (d.src.addr_bits(), d.dst.addr_bits());
    let addrs: ([u8; 16], [u8; 16]) = (src.to_be_bytes(), dst.to_be_bytes());
    let (src, dst): (&[u8], &[u8]) = if d.src.is_v6() {
        (&addrs.0, &addrs.1)
    } else {
        (&addrs.0[12..], &addrs.1[12..])
    };
    if !d.src.is_v6() {
        out.extend_from_slice(&[0x08, 0x00]);
        let ip_at = out.len();
        let total = 20 + tcp_len;
        out.extend_from_slice(&[0x45, 0]);
        out.extend_from_slice(&(total as u16).to_be_bytes());
        out.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
        out.extend_from_slice(src);
        out.extend_from_slice(dst);
        let csum = !ones_complement_sum(&out[ip_at..ip_at + 20]);
        out[ip_at + 10..ip_at + 12].copy_from_slice(&csum.to_be_bytes());
    } else {
        // A destination-options header (RFC 8200 §4.6) of one PadN option.
        let ext: &[u8] = if seg.dest_opts {
            &[6, 0, 1, 4, 0, 0, 0, 0]
        } else {
            &[]
        };
        out.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0]);
        out.extend_from_slice(&((ext.len() + tcp_len) as u16).to_be_bytes());
        out.extend_from_slice(&[if seg.dest_opts { 60 } else { 6 }, 64]);
        out.extend_from_slice(src);
        out.extend_from_slice(dst);
        out.extend_from_slice(ext);
    }
    let tcp_at = out.len();
    out.extend_from_slice(&d.src.port.to_be_bytes());
    out.extend_from_slice(&d.dst.port.to_be_bytes());
    out.extend_from_slice(&d.seq.to_be_bytes());
    out.extend_from_slice(&d.ack.to_be_bytes());
    out.push((((20 + opts.len()) / 4) as u8) << 4);
    out.push(d.flags.bits() as u8);
    out.extend_from_slice(&d.window.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(opts);
    out.resize(out.len() + d.payload_len as usize, PAYLOAD_BYTE);
    // The checksum over the pseudo-header (RFC 9293 §3.1; IPv6: RFC 8200 §8.1).
    let mut pseudo = Vec::with_capacity(40);
    pseudo.extend_from_slice(src);
    pseudo.extend_from_slice(dst);
    pseudo.extend_from_slice(&[0, 6]);
    pseudo.extend_from_slice(&(tcp_len as u16).to_be_bytes());
    let sum = ones_complement_sum(&pseudo) as u32 + ones_complement_sum(&out[tcp_at..]) as u32;
    let folded = ((sum & 0xffff) + (sum >> 16)) as u16;
    out[tcp_at + 16..tcp_at + 18].copy_from_slice(&(!folded).to_be_bytes());
}

/// A noise frame, broadcast, padded to 60 bytes: an ARP frame, or UDP/IPv4 with a valid
/// header checksum.
pub fn write_noise(noise: Noise, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&[0xff; 6]);
    out.extend_from_slice(&[0x02, 0, 0, 0, 0, 3]);
    match noise {
        Noise::Arp => out.extend_from_slice(&[0x08, 0x06]),
        Noise::Udp => {
            out.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 36, 0, 0, 0x40, 0, 64, 17, 0, 0]);
            out.extend_from_slice(&[10, 9, 0, 1, 10, 9, 0, 2]);
            let csum = !ones_complement_sum(&out[14..34]);
            out[24..26].copy_from_slice(&csum.to_be_bytes());
        }
    }
    out.resize(60, 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{parse_frame, MAX_FRAME_LEN};
    use crate::rng::Rng;
    use crate::traffic::{Emitted, Mix, MixConfig};

    /// Every generated frame parses back to the descriptor it was made from, or is over the
    /// Ethernet maximum (a full-size segment over IPv6: `synscope generate` has always made
    /// them, and the tracker drops them as oversize).
    #[test]
    fn frames_parse_back_to_their_descriptors() {
        let mut config = MixConfig::realistic(2000, 64, 12.0, 30);
        config.timestamps = true;
        config.vlan = super::super::Chance::new(1, 10);
        let mut buf = Vec::new();
        let (mut segs, mut v6) = (0, 0);
        for (_, e) in Mix::new(Rng::new(7), config) {
            match e {
                Emitted::Segment(s) => {
                    write_frame(&s, &mut buf);
                    let got = parse_frame(&buf, s.desc.time);
                    if buf.len() > MAX_FRAME_LEN {
                        assert_eq!(got, Err(crate::DropReason::Oversize));
                    } else {
                        assert_eq!(got, Ok(s.desc));
                    }
                    segs += 1;
                    v6 += s.desc.src.is_v6() as u32;
                }
                Emitted::Noise(n) => {
                    write_noise(n, &mut buf);
                    assert!(parse_frame(&buf, 0).is_err());
                }
            }
        }
        assert!(segs > 10_000 && v6 > 2_000, "{segs} segments, {v6} IPv6");
    }
}
