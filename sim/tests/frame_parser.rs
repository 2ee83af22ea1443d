//! frame_parser under Verilator against `synscope_model::frame::parse_frame`, frame by frame.
//!
//! The parser's input is driven as the receive FIFO presents it (head entry, `in_read` takes
//! it): each frame's bytes, then its status entry. Every result is compared with the model for
//! the same bytes: the drop reason, or every descriptor field (named on a mismatch, with the
//! frame index and the seed; `SYNSCOPE_SEED=N` replays it). Every frame must give exactly one
//! result, in order.
//!
//! Streams: every capture frame (padded as on the wire); all 512 values of the nine flag bits;
//! a seeded random stream of well-formed and malformed frames: VLAN tags (0–3 of each TPID),
//! other EtherTypes, IPv6, IHL 0–15 with options, wrong versions, total lengths, checksums,
//! fragments, protocols, data offsets 0–15, TCP options (window scale and Timestamps well and badly formed,
//! EOL, NOP, truncated and oversized options), every flag byte, truncated frames, runts and
//! giants, frames the receiver already dropped (status only); with an input that pauses and an
//! output that is not always ready. `SYNSCOPE_LONG=1` runs 2·10⁵ random frames.

mod common;

use common::{capture_frames, long_run, seeded, Rng};
use std::time::Instant;
use synscope_hdl::front::mii_rx::{status_of, STATUS_OK};
use synscope_model::descriptor::SegmentDescriptor;
use synscope_model::frame::{ones_complement_sum, pad_to_minimum, parse_frame};
use synscope_model::{DropReason, TcpFlags};
use synscope_sim::models::FrameParser;

/// One frame as the FIFO delivers it.
struct Frame {
    bytes: Vec<u8>,
    /// The receiver's status byte (`STATUS_OK`, or a drop with no bytes).
    status: u8,
    time: u32,
    what: String,
}

impl Frame {
    fn expected(&self) -> Result<SegmentDescriptor, DropReason> {
        if self.status == STATUS_OK {
            parse_frame(&self.bytes, self.time)
        } else {
            Err(DropReason::from_bits(self.status & 15).unwrap())
        }
    }
}

type Got = Result<SegmentDescriptor, DropReason>;

fn read_result(m: &FrameParser) -> Got {
    if m.out_drop() {
        let r = m.out_reason() as u8;
        return Err(DropReason::from_bits(r).unwrap_or_else(|| panic!("reason code {r}")));
    }
    Ok(descriptor_out!(m))
}

/// Name the first differing field.
fn diff(e: &Got, g: &Got) -> String {
    match (e, g) {
        (Ok(e), Ok(g)) => {
            let fields: [(&str, u128, u128); 12] = [
                ("v6", e.src.is_v6() as u128, g.src.is_v6() as u128),
                ("src_ip", e.src.addr_bits(), g.src.addr_bits()),
                ("src_port", e.src.port as u128, g.src.port as u128),
                ("dst_ip", e.dst.addr_bits(), g.dst.addr_bits()),
                ("dst_port", e.dst.port as u128, g.dst.port as u128),
                ("seq", e.seq as u128, g.seq as u128),
                ("ack", e.ack as u128, g.ack as u128),
                ("flags", e.flags.bits() as u128, g.flags.bits() as u128),
                ("window", e.window as u128, g.window as u128),
                ("wscale", e.wscale as u128, g.wscale as u128),
                ("payload_len", e.payload_len as u128, g.payload_len as u128),
                ("time", e.time as u128, g.time as u128),
            ];
            let (name, a, b) = fields.iter().find(|(_, a, b)| a != b).unwrap();
            format!("field {name}: expected {a:#x}, got {b:#x}")
        }
        (Err(e), Err(g)) => format!("drop reason: expected {e}, got {g}"),
        (Ok(_), Err(g)) => format!("expected a descriptor, got a drop ({g})"),
        (Err(e), Ok(_)) => format!("expected a drop ({e}), got a descriptor"),
    }
}

/// Feed `frames` (input pauses with probability `idle`/16 per cycle, output not ready with
/// `busy`/16) and compare every result; returns the cycles taken.
fn run(seed: u64, frames: &[Frame], idle: u64, busy: u64) -> u64 {
    let mut m = FrameParser::new();
    let mut rng = seeded(seed ^ 0xfeed);
    m.set_reset(true);
    m.tick();
    m.set_reset(false);
    let (mut fi, mut bi) = (0usize, 0usize); // frame, byte (== len: the status entry)
    let mut results = 0usize;
    let mut cycles = 0u64;
    while results < frames.len() {
        let present = fi < frames.len() && !rng.chance(idle, 16);
        m.set_in_empty(!present);
        if let Some(f) = frames.get(fi) {
            let last = bi == f.bytes.len();
            m.set_in_last(last);
            m.set_in_data(if last { f.status } else { f.bytes[bi] } as u64);
            m.set_now(f.time as u64);
        }
        let ready = !rng.chance(busy, 16);
        m.set_out_ready(ready);
        m.eval();
        if m.out_valid() && ready {
            let f = &frames[results];
            let (e, g) = (f.expected(), read_result(&m));
            if e != g {
                panic!(
                    "seed {seed}: frame {results} ({}, {} bytes): {}",
                    f.what,
                    f.bytes.len(),
                    diff(&e, &g)
                );
            }
            results += 1;
        }
        if m.in_read() {
            assert!(present, "read while empty");
            if bi == frames[fi].bytes.len() {
                fi += 1;
                bi = 0;
            } else {
                bi += 1;
            }
        }
        m.tick();
        cycles += 1;
        assert!(
            cycles < 100_000_000,
            "seed {seed}: stuck after {results} results"
        );
    }
    // Nothing more may come out.
    m.set_in_empty(true);
    m.set_out_ready(true);
    for _ in 0..8 {
        m.eval();
        assert!(!m.out_valid(), "seed {seed}: a result too many");
        m.tick();
    }
    cycles
}

fn seed(default: u64) -> u64 {
    let s = std::env::var("SYNSCOPE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    println!("seed {s} (SYNSCOPE_SEED={s} replays it)");
    s
}

fn report(name: &str, n: usize, cycles: u64, t: Instant) {
    let s = t.elapsed().as_secs_f64();
    println!(
        "{name}: {n} frames, {cycles} cycles in {s:.2} s ({:.0} frames/s, {:.2} M cycles/s)",
        n as f64 / s,
        cycles as f64 / s / 1e6
    );
}

// ---- frame generator

/// IPv4 header checksum over `h` (checksum field zeroed first).
fn set_ip_checksum(h: &mut [u8]) {
    h[10] = 0;
    h[11] = 0;
    let c = !ones_complement_sum(h);
    h[10..12].copy_from_slice(&c.to_be_bytes());
}

/// TCP options: a random list of well- and ill-formed options (RFC 7323 §2.2 window scale and
/// §3.2 Timestamps among them, some twice, some with wrong lengths), padded to a multiple of
/// four unless `raw`.
fn tcp_options(rng: &mut Rng, what: &mut String) -> Vec<u8> {
    let mut o = Vec::new();
    for _ in 0..rng.below(6) {
        match rng.below(12) {
            0 => o.push(1),                                             // NOP
            1 if rng.chance(1, 3) => o.push(0),                         // EOL
            2 => o.extend_from_slice(&[2, 4, 5, 0xb4]),                 // MSS
            3..=5 => o.extend_from_slice(&[3, 3, rng.below(20) as u8]), // window scale
            6 => o.extend_from_slice(&[4, 2]),                          // SACK permitted
            7 => {
                o.extend_from_slice(&[8, 10]);
                o.extend((0..8).map(|_| rng.next_u64() as u8));
            }
            8 if rng.chance(1, 2) => {
                // Timestamps with another length than 10: skipped, the walk goes on.
                let l = 2 + rng.below(12) as u8;
                o.extend_from_slice(&[8, l]);
                o.extend((2..l).map(|_| rng.next_u64() as u8));
            }
            8 => o.extend_from_slice(&[3, 2 + rng.below(4) as u8, rng.below(20) as u8]), // WS, bad length
            9 => o.extend_from_slice(&[rng.below(256) as u8, rng.below(8) as u8]), // any kind, short length
            10 => o.extend_from_slice(&[rng.below(256) as u8, rng.below(64) as u8]), // maybe past the end
            _ => o.push(rng.below(256) as u8),
        }
    }
    o.truncate(40);
    while o.len() % 4 != 0 {
        o.push(if rng.chance(1, 2) { 0 } else { 1 });
    }
    if !o.is_empty() {
        *what += &format!(", options {o:02x?}");
    }
    o
}

fn random_frame(rng: &mut Rng, time: u32) -> Frame {
    let mut what = String::new();
    if rng.chance(1, 40) {
        // Dropped by the receiver: the status entry alone.
        let r = [
            DropReason::BadFcs,
            DropReason::RxError,
            DropReason::Runt,
            DropReason::Oversize,
            DropReason::FifoOverflow,
        ][rng.below(5) as usize];
        return Frame {
            bytes: vec![],
            status: status_of(r),
            time,
            what: format!("receiver drop {r}"),
        };
    }
    let mut f: Vec<u8> = (0..12).map(|_| rng.next_u64() as u8).collect();
    // VLAN tags.
    let ntags = match rng.below(16) {
        0..=10 => 0,
        11..=13 => 1,
        14 => 2,
        _ => 3,
    };
    for _ in 0..ntags {
        let tpid: u16 = [0x8100, 0x88a8, 0x9100][rng.below(3) as usize];
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&(rng.next_u64() as u16).to_be_bytes());
    }
    if ntags > 0 {
        what += &format!("{ntags} tags, ");
    }
    let ethertype: u16 = match rng.below(40) {
        0..=13 => return ipv6_frame(rng, f, what, time),
        14 => 0x0806,
        15 => rng.next_u64() as u16,
        16 => 0x8100,
        _ => 0x0800,
    };
    f.extend_from_slice(&ethertype.to_be_bytes());
    what += &format!("ethertype {ethertype:#06x}");
    // IPv4 header.
    let ip_at = f.len();
    let ihl: usize = match rng.below(20) {
        0 => rng.below(5) as usize,
        1..=3 => 6 + rng.below(10) as usize,
        _ => 5,
    };
    let tcp_opts = tcp_options(rng, &mut what);
    let doff: usize = if rng.chance(1, 12) {
        rng.below(16) as usize
    } else {
        5 + tcp_opts.len() / 4
    };
    let payload_len = match rng.below(20) {
        0 => rng.below(1500) as usize,
        1..=10 => 0,
        _ => rng.below(100) as usize,
    };
    let hdr = ihl.max(5) * 4;
    let tcp_len = 20 + tcp_opts.len() + payload_len;
    let mut total_len = (hdr + tcp_len) as u16;
    match rng.below(24) {
        0 => total_len = rng.next_u64() as u16,
        1 => total_len = total_len.wrapping_add(rng.below(8) as u16),
        2 => total_len = total_len.wrapping_sub(rng.below(40) as u16),
        _ => {}
    }
    let version = if rng.chance(1, 30) {
        rng.below(16) as u8
    } else {
        4
    };
    let mut ip = vec![0u8; hdr];
    ip[0] = version << 4 | ihl as u8;
    ip[1] = rng.next_u64() as u8;
    ip[2..4].copy_from_slice(&total_len.to_be_bytes());
    ip[4..6].copy_from_slice(&(rng.next_u64() as u16).to_be_bytes());
    let frag: u16 = match rng.below(16) {
        0 => 0x2000,
        1 => rng.next_u64() as u16 & 0x1fff,
        2 => rng.next_u64() as u16,
        3..=8 => 0x4000,
        _ => 0,
    };
    ip[6..8].copy_from_slice(&frag.to_be_bytes());
    ip[8] = rng.next_u64() as u8;
    ip[9] = if rng.chance(1, 20) {
        rng.next_u64() as u8
    } else {
        6
    };
    for b in ip[12..].iter_mut() {
        *b = rng.next_u64() as u8;
    }
    set_ip_checksum(&mut ip);
    if rng.chance(1, 25) {
        ip[10 + rng.below(2) as usize] ^= 1 << rng.below(8);
    }
    what += &format!(
        ", ip ver {version} ihl {ihl} total {total_len} frag {frag:#06x} proto {}",
        ip[9]
    );
    f.extend_from_slice(&ip);
    // TCP header.
    let _ = ip_at;
    let mut tcp = vec![0u8; 20];
    for b in tcp.iter_mut() {
        *b = rng.next_u64() as u8;
    }
    let flags = if rng.chance(1, 2) {
        rng.next_u64() as u16 & 0x1ff | TcpFlags::SYN
    } else {
        rng.next_u64() as u16 & 0x1ff
    };
    tcp[12] = (doff as u8) << 4 | (rng.next_u64() as u8 & 0x0e) | (flags >> 8) as u8;
    tcp[13] = flags as u8;
    what += &format!(", doff {doff} flags {flags:#05x}");
    f.extend_from_slice(&tcp);
    f.extend_from_slice(&tcp_opts);
    f.extend((0..payload_len).map(|_| rng.next_u64() as u8));
    // Truncation, padding, giants.
    if rng.chance(1, 12) {
        let cut = rng.below(f.len() as u64 + 1) as usize;
        f.truncate(cut);
        what += &format!(", cut to {cut}");
    }
    if rng.chance(1, 40) {
        let extra = 1400 + rng.below(200) as usize;
        f.extend((0..extra).map(|_| rng.next_u64() as u8));
        what += ", giant";
    }
    let bytes = if rng.chance(3, 4) {
        let mut v = Vec::new();
        pad_to_minimum(&f, &mut v);
        v
    } else {
        f
    };
    Frame {
        bytes,
        status: STATUS_OK,
        time,
        what,
    }
}

/// Truncation, padding, giants: what happens to a random frame at the end.
fn finish_frame(rng: &mut Rng, mut f: Vec<u8>, mut what: String, time: u32) -> Frame {
    if rng.chance(1, 12) {
        let cut = rng.below(f.len() as u64 + 1) as usize;
        f.truncate(cut);
        what += &format!(", cut to {cut}");
    }
    if rng.chance(1, 40) {
        let extra = 1400 + rng.below(200) as usize;
        f.extend((0..extra).map(|_| rng.next_u64() as u8));
        what += ", giant";
    }
    let bytes = if rng.chance(3, 4) {
        let mut v = Vec::new();
        pad_to_minimum(&f, &mut v);
        v
    } else {
        f
    };
    Frame {
        bytes,
        status: STATUS_OK,
        time,
        what,
    }
}

/// A random IPv6 frame after the Ethernet header and tags in `f` (RFC 8200): a chain of
/// extension headers of every kind the parser walks (hop-by-hop first or not, routing,
/// destination options, atomic and real fragments), up to past the limit, ending in TCP or in
/// what ends a walk (AH, ESP, no next header, UDP, anything); payload lengths exact, short,
/// long, zero (a jumbogram with hop-by-hop).
fn ipv6_frame(rng: &mut Rng, mut f: Vec<u8>, mut what: String, time: u32) -> Frame {
    use synscope_model::frame::MAX_EXT_HEADERS;
    f.extend_from_slice(&0x86ddu16.to_be_bytes());
    what += "ethertype 0x86dd";
    let n_ext = match rng.below(10) {
        0..=3 => 0,
        4..=7 => 1 + rng.below(3) as usize,
        8 => rng.below(MAX_EXT_HEADERS as u64 + 1) as usize,
        _ => MAX_EXT_HEADERS + rng.below(2) as usize,
    };
    let mut kinds: Vec<u8> = (0..n_ext)
        .map(|i| match rng.below(12) {
            0 => 0,
            1 if i == 0 => 0,
            1..=4 => 60,
            5..=7 => 43,
            8..=9 => 44,
            10 => 51,
            _ => [50, 59, 17, 58, 253][rng.below(5) as usize],
        })
        .collect();
    let last = match rng.below(16) {
        0 => 59,
        1 => 17,
        2 => 51,
        3 => 50,
        4 => rng.below(256) as u8,
        _ => 6,
    };
    kinds.push(last);
    let mut chain = Vec::new();
    for w in kinds.windows(2) {
        let (kind, next) = (w[0], w[1]);
        let mut h = vec![next];
        match kind {
            44 => {
                let word: u16 = match rng.below(4) {
                    0 => 1,
                    1 => (rng.below(8191) as u16 + 1) << 3,
                    2 => rng.next_u64() as u16,
                    _ => rng.next_u64() as u16 & 0x0006,
                };
                h.push(0);
                h.extend(word.to_be_bytes());
                h.extend((0..4).map(|_| rng.next_u64() as u8));
            }
            _ => {
                let units = if rng.chance(1, 30) {
                    rng.below(256) as usize
                } else {
                    rng.below(3) as usize
                };
                h.push(units as u8);
                h.extend((0..units * 8 + 6).map(|_| rng.next_u64() as u8));
            }
        }
        chain.extend(h);
        what += &format!(" +{kind}");
    }
    let tcp_opts = tcp_options(rng, &mut what);
    let doff: usize = if rng.chance(1, 12) {
        rng.below(16) as usize
    } else {
        5 + tcp_opts.len() / 4
    };
    let payload_len = match rng.below(20) {
        0 => rng.below(1400) as usize,
        1..=10 => 0,
        _ => rng.below(100) as usize,
    };
    let mut tcp = vec![0u8; 20];
    for b in tcp.iter_mut() {
        *b = rng.next_u64() as u8;
    }
    let flags = if rng.chance(1, 2) {
        rng.next_u64() as u16 & 0x1ff | TcpFlags::SYN
    } else {
        rng.next_u64() as u16 & 0x1ff
    };
    tcp[12] = (doff as u8) << 4 | (rng.next_u64() as u8 & 0x0e) | (flags >> 8) as u8;
    tcp[13] = flags as u8;
    let body_len = chain.len() + 20 + tcp_opts.len() + payload_len;
    let mut plen = body_len as u16;
    match rng.below(24) {
        0 => plen = rng.next_u64() as u16,
        1 => plen = plen.wrapping_add(rng.below(8) as u16),
        2 => plen = plen.wrapping_sub(rng.below(40) as u16),
        3 => plen = 0,
        _ => {}
    }
    let version = if rng.chance(1, 30) {
        rng.below(16) as u8
    } else {
        6
    };
    let mut ip = vec![version << 4 | rng.below(16) as u8, rng.next_u64() as u8];
    ip.extend((rng.next_u64() as u16).to_be_bytes());
    ip.extend(plen.to_be_bytes());
    ip.push(kinds[0]);
    ip.push(rng.next_u64() as u8);
    // Addresses: an IPv4-mapped one sometimes, else random.
    for _ in 0..2 {
        let a: u128 = if rng.chance(1, 8) {
            0xffff_0000_0000 | rng.next_u64() as u32 as u128
        } else {
            rng.next_u128()
        };
        ip.extend(a.to_be_bytes());
    }
    what += &format!(", ipv6 ver {version} plen {plen} chain {}", kinds[0]);
    f.extend(ip);
    f.extend(chain);
    f.extend(tcp);
    f.extend(tcp_opts);
    f.extend((0..payload_len).map(|_| rng.next_u64() as u8));
    what += &format!(", doff {doff} flags {flags:#05x}");
    finish_frame(rng, f, what, time)
}

fn random_frames(rng: &mut Rng, n: usize) -> Vec<Frame> {
    (0..n).map(|i| random_frame(rng, (i / 7) as u32)).collect()
}

// ---- tests

#[test]
fn frame_parser_matches_the_model_on_every_capture() {
    let mut buf = Vec::new();
    let frames: Vec<Frame> = capture_frames()
        .into_iter()
        .enumerate()
        .map(|(i, (name, t, f))| {
            pad_to_minimum(&f, &mut buf);
            Frame {
                bytes: buf.clone(),
                status: STATUS_OK,
                time: t,
                what: format!("{name} #{i}"),
            }
        })
        .collect();
    let t = Instant::now();
    let cycles = run(0, &frames, 0, 0);
    report("captures", frames.len(), cycles, t);
    assert!(frames.iter().filter(|f| f.expected().is_ok()).count() > frames.len() / 2);
}

#[test]
fn frame_parser_every_flag_combination() {
    // A valid SYN-shaped frame with window scale; all 512 values of the nine flag bits.
    let mut rng = seeded(9);
    let base = loop {
        let f = random_frame(&mut rng, 1);
        if f.bytes.len() >= 60
            && f.bytes[12..14] == [8, 0]
            && f.expected().is_ok_and(|d| d.wscale != 15)
        {
            break f;
        }
    };
    let ip_at = 14;
    let frames: Vec<Frame> = (0..512u16)
        .map(|flags| {
            let mut b = base.bytes.clone();
            let tcp_at = ip_at + (b[ip_at] as usize & 15) * 4;
            b[tcp_at + 12] = b[tcp_at + 12] & 0xfe | (flags >> 8) as u8;
            b[tcp_at + 13] = flags as u8;
            Frame {
                bytes: b,
                status: STATUS_OK,
                time: 5,
                what: format!("flags {flags:#05x}"),
            }
        })
        .collect();
    assert!(
        frames.iter().all(|f| f.expected().is_ok()),
        "the base frame is well formed"
    );
    run(1, &frames, 2, 2);
}

#[test]
fn frame_parser_random_malformed_frames() {
    let seed = seed(0x0ddb_a110);
    let mut rng = seeded(seed);
    let n = if long_run() { 200_000 } else { 20_000 };
    let frames = random_frames(&mut rng, n);
    let mut by_reason = [0usize; DropReason::COUNT];
    let ok = frames
        .iter()
        .filter(|f| match f.expected() {
            Ok(_) => true,
            Err(r) => {
                by_reason[r as usize] += 1;
                false
            }
        })
        .count();
    println!("{ok} descriptors; drops by reason: {by_reason:?}");
    let t = Instant::now();
    let cycles = run(seed, &frames, 0, 0);
    report("random", frames.len(), cycles, t);
    // The stream reaches every reason the parser decides (not the MAC's FCS and RX_ER, nor
    // the receive FIFO's overflow).
    for r in DropReason::ALL.into_iter().filter(|r| {
        !matches!(
            r,
            DropReason::BadFcs
                | DropReason::RxError
                | DropReason::FifoOverflow
                | DropReason::SnapTruncated
        )
    }) {
        assert!(by_reason[r as usize] > 0, "the generator never makes {r}");
    }
}

#[test]
fn frame_parser_every_truncation_of_ipv4_and_ipv6_frames() {
    // Frames cut at every byte (and then padded to the minimum as a MAC would, or not): IPv4
    // with options, IPv6 with a chain of extension headers, under two VLAN tags.
    let seed = seed(0x7c07);
    let mut rng = seeded(seed);
    let mut bases = Vec::new();
    while bases.len() < 6 {
        let f = random_frame(&mut rng, 3);
        let v6 = f.what.contains("0x86dd") && f.what.contains('+');
        if f.expected().is_ok() && (bases.len() % 2 == 1) == v6 {
            bases.push(f);
        }
    }
    let mut frames = Vec::new();
    for b in &bases {
        for cut in 0..=b.bytes.len() {
            for pad in [false, true] {
                let mut bytes = b.bytes[..cut].to_vec();
                if pad {
                    let mut v = Vec::new();
                    pad_to_minimum(&bytes, &mut v);
                    bytes = v;
                }
                frames.push(Frame {
                    bytes,
                    status: STATUS_OK,
                    time: 3,
                    what: format!(
                        "{}, cut to {cut}{}",
                        b.what,
                        if pad { ", padded" } else { "" }
                    ),
                });
            }
        }
    }
    let reasons: std::collections::BTreeSet<String> = frames
        .iter()
        .filter_map(|f| f.expected().err().map(|r| r.to_string()))
        .collect();
    println!("{} cut frames; reasons {reasons:?}", frames.len());
    run(seed, &frames, 1, 1);
}

#[test]
fn frame_parser_random_frames_with_pauses_and_backpressure() {
    let seed = seed(0x0bac_c0ff);
    let mut rng = seeded(seed);
    let frames = random_frames(&mut rng, if long_run() { 50_000 } else { 5_000 });
    let t = Instant::now();
    let cycles = run(seed, &frames, 5, 7);
    report("pauses", frames.len(), cycles, t);
}
