//! `synscope generate OUT.pcap`: large synthetic captures with a realistic mix, so benchmarks and
//! soak tests are not limited to small files.
//!
//! Many connections are open at once (a pool of `--concurrency` scripts, interleaved at random);
//! each has a handshake, some request/response exchanges and one of the endings seen in real
//! traffic: orderly close by either side, half close, reset by either side, refused, unanswered
//! SYN, or left open. A little noise is mixed in: ARP and UDP frames, VLAN-tagged connections,
//! and segments with invalid flag combinations. `--ipv6 P` makes P % of the connections IPv6
//! (RFC 8200; one in fifty of those carries a destination-options header on every segment).

use anyhow::{Context, Result};
use clap::Args;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::DataLink;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Duration;
use synscope_model::frame::ones_complement_sum;
use synscope_model::TcpFlags as F;

#[derive(Args, Debug, Clone)]
pub struct GenerateArgs {
    /// Output pcap file.
    pub output: PathBuf,
    /// Approximate number of frames.
    #[arg(long, default_value_t = 1_000_000)]
    pub packets: u64,
    /// Number of TCP connections.
    #[arg(long, default_value_t = 100_000)]
    pub connections: u64,
    /// Connections open at the same time.
    #[arg(long, default_value_t = 4096)]
    pub concurrency: usize,
    /// Random seed (the same seed gives the same file).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Percentage of the connections that are IPv6.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub ipv6: u8,
}

/// An address of either family.
#[derive(Clone, Copy)]
enum Addr {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Addr {
    fn bytes(&self) -> &[u8] {
        match self {
            Addr::V4(a) => a,
            Addr::V6(a) => a,
        }
    }
}

/// What a generated file holds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Generated {
    pub frames: u64,
    pub connections: u64,
    pub bytes: u64,
}

#[derive(Clone, Copy)]
struct Seg {
    from_client: bool,
    flags: u16,
    payload: u16,
}

struct Conn {
    client: (Addr, u16),
    server: (Addr, u16),
    vlan: Option<u16>,
    /// IPv6: a destination-options header before TCP.
    dest_opts: bool,
    /// The next sequence number of the client's stream and of the server's.
    nxt: [u32; 2],
    script: Vec<Seg>,
    at: usize,
}

#[derive(Clone, Copy)]
enum Ending {
    ClientClose,
    ServerClose,
    ClientHalfClose,
    ClientReset,
    ServerReset,
    Refused,
    Unanswered,
    LeftOpen,
}

const ENDINGS: [(Ending, u32); 8] = [
    (Ending::ClientClose, 40),
    (Ending::ServerClose, 22),
    (Ending::ClientHalfClose, 5),
    (Ending::ClientReset, 7),
    (Ending::ServerReset, 6),
    (Ending::Refused, 4),
    (Ending::Unanswered, 3),
    (Ending::LeftOpen, 13),
];

fn pick_ending(rng: &mut fastrand::Rng) -> Ending {
    let total: u32 = ENDINGS.iter().map(|e| e.1).sum();
    let mut x = rng.u32(0..total);
    for (e, w) in ENDINGS {
        if x < w {
            return e;
        }
        x -= w;
    }
    Ending::LeftOpen
}

fn script(rng: &mut fastrand::Rng, exchanges: u32) -> Vec<Seg> {
    let c = |flags, payload| Seg {
        from_client: true,
        flags,
        payload,
    };
    let s = |flags, payload| Seg {
        from_client: false,
        flags,
        payload,
    };
    let ending = pick_ending(rng);
    let mut v = vec![c(F::SYN, 0)];
    match ending {
        Ending::Refused => {
            v.push(s(F::RST | F::ACK, 0));
            return v;
        }
        Ending::Unanswered => return v,
        _ => {}
    }
    v.push(s(F::SYN | F::ACK, 0));
    v.push(c(F::ACK, 0));
    for _ in 0..exchanges {
        v.push(c(F::PSH | F::ACK, rng.u16(40..600)));
        let parts = rng.u32(1..4);
        for p in 0..parts {
            let last = p + 1 == parts;
            let len = if last { rng.u16(50..1460) } else { 1460 };
            v.push(s(if last { F::PSH | F::ACK } else { F::ACK }, len));
        }
        v.push(c(F::ACK, 0));
    }
    match ending {
        Ending::ClientClose => {
            v.extend([c(F::FIN | F::ACK, 0), s(F::ACK, 0), s(F::FIN | F::ACK, 0)]);
            v.push(c(F::ACK, 0));
        }
        Ending::ServerClose => {
            v.extend([s(F::FIN | F::ACK, 0), c(F::ACK, 0), c(F::FIN | F::ACK, 0)]);
            v.push(s(F::ACK, 0));
        }
        Ending::ClientHalfClose => {
            v.extend([c(F::FIN | F::ACK, 0), s(F::ACK, 0), s(F::PSH | F::ACK, 700)]);
            v.push(c(F::ACK, 0));
        }
        Ending::ClientReset => v.push(c(F::RST | F::ACK, 0)),
        Ending::ServerReset => v.push(s(F::RST, 0)),
        // A few live connections carry an invalid flag combination, which must change nothing.
        Ending::LeftOpen if rng.u32(0..20) == 0 => v.push(c(F::SYN | F::FIN, 0)),
        _ => {}
    }
    v
}

fn tcp_frame(conn: &mut Conn, seg: Seg, out: &mut Vec<u8>) {
    let (src, dst) = if seg.from_client {
        (conn.client, conn.server)
    } else {
        (conn.server, conn.client)
    };
    // Positions in `conn.nxt`: the sender's stream and its peer's.
    let (me, peer) = if seg.from_client { (0, 1) } else { (1, 0) };
    let syn = seg.flags & F::SYN != 0;
    let opts: &[u8] = if syn {
        &[2, 4, 0x05, 0xb4, 1, 3, 3, 7]
    } else {
        &[]
    };
    let seq = conn.nxt[me];
    // A RST with no ACK (the server's abort) still carries its own sequence number.
    let ack = if seg.flags & F::ACK != 0 {
        conn.nxt[peer]
    } else {
        0
    };
    conn.nxt[me] = seq
        .wrapping_add(seg.payload as u32)
        .wrapping_add(syn as u32)
        .wrapping_add((seg.flags & F::FIN != 0) as u32);

    out.clear();
    out.extend_from_slice(&[0x02, 0, 0, 0, 0, 2]);
    out.extend_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    if let Some(vid) = conn.vlan {
        out.extend_from_slice(&[0x81, 0x00]);
        out.extend_from_slice(&vid.to_be_bytes());
    }
    let tcp_len = 20 + opts.len() + seg.payload as usize;
    match (src.0, dst.0) {
        (Addr::V4(s), Addr::V4(d)) => {
            out.extend_from_slice(&[0x08, 0x00]);
            let ip_at = out.len();
            let total = 20 + tcp_len;
            out.extend_from_slice(&[0x45, 0]);
            out.extend_from_slice(&(total as u16).to_be_bytes());
            out.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
            out.extend_from_slice(&s);
            out.extend_from_slice(&d);
            let csum = !ones_complement_sum(&out[ip_at..ip_at + 20]);
            out[ip_at + 10..ip_at + 12].copy_from_slice(&csum.to_be_bytes());
        }
        _ => {
            // IPv6 (RFC 8200 §3), and a destination-options header (§4.6) of one PadN option.
            let ext: &[u8] = if conn.dest_opts {
                &[6, 0, 1, 4, 0, 0, 0, 0]
            } else {
                &[]
            };
            out.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0]);
            out.extend_from_slice(&((ext.len() + tcp_len) as u16).to_be_bytes());
            out.extend_from_slice(&[if conn.dest_opts { 60 } else { 6 }, 64]);
            out.extend_from_slice(src.0.bytes());
            out.extend_from_slice(dst.0.bytes());
            out.extend_from_slice(ext);
        }
    }
    let tcp_at = out.len();
    out.extend_from_slice(&src.1.to_be_bytes());
    out.extend_from_slice(&dst.1.to_be_bytes());
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&ack.to_be_bytes());
    out.push((((20 + opts.len()) / 4) as u8) << 4);
    out.push(seg.flags as u8);
    out.extend_from_slice(&(if syn { 64240u16 } else { 502 }).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(opts);
    out.resize(out.len() + seg.payload as usize, 0x5a);
    // TCP checksum over the pseudo-header (RFC 9293 §3.1; IPv6: RFC 8200 §8.1).
    let mut pseudo = Vec::with_capacity(40);
    pseudo.extend_from_slice(src.0.bytes());
    pseudo.extend_from_slice(dst.0.bytes());
    pseudo.extend_from_slice(&[0, 6]);
    pseudo.extend_from_slice(&(tcp_len as u16).to_be_bytes());
    let sum = ones_complement_sum(&pseudo) as u32 + ones_complement_sum(&out[tcp_at..]) as u32;
    let folded = ((sum & 0xffff) + (sum >> 16)) as u16;
    out[tcp_at + 16..tcp_at + 18].copy_from_slice(&(!folded).to_be_bytes());
}

fn noise_frame(rng: &mut fastrand::Rng, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&[0xff; 6]);
    out.extend_from_slice(&[0x02, 0, 0, 0, 0, 3]);
    if rng.bool() {
        out.extend_from_slice(&[0x08, 0x06]);
        out.resize(60, 0);
    } else {
        // UDP/IPv4 with a valid header checksum.
        out.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 36, 0, 0, 0x40, 0, 64, 17, 0, 0]);
        out.extend_from_slice(&[10, 9, 0, 1, 10, 9, 0, 2]);
        let csum = !ones_complement_sum(&out[14..34]);
        out[24..26].copy_from_slice(&csum.to_be_bytes());
        out.resize(60, 0);
    }
}

/// Write the synthetic capture.
pub fn generate(args: &GenerateArgs, path: &Path) -> Result<Generated> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        snaplen: 65535,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(BufWriter::with_capacity(1 << 20, file), header)?;
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let conns = args.connections.max(1);
    // ~3.5 frames per exchange and ~6 frames of handshake and close.
    let per_conn = args.packets as f64 / conns as f64;
    let mean_exchanges = ((per_conn - 6.0) / 3.5).max(0.0);
    let mut pool: Vec<Conn> = Vec::with_capacity(args.concurrency.max(1));
    let mut made = 0u64;
    let mut g = Generated::default();
    let mut t = Duration::from_secs(1_800_000_000);
    let mut buf = Vec::with_capacity(1600);
    let ipv6 = args.ipv6;
    let new_conn = |rng: &mut fastrand::Rng, made: &mut u64| {
        let n = *made;
        *made += 1;
        let exchanges = rng.u32(0..=(2.0 * mean_exchanges).round() as u32);
        let v6 = rng.u8(0..100) < ipv6;
        let (client, server) = if v6 {
            // fd00:1::/64 clients, fd00:200::1..32 servers.
            let mut c = [0u8; 16];
            c[..4].copy_from_slice(&[0xfd, 0, 0, 1]);
            c[8..].copy_from_slice(&n.to_be_bytes());
            let mut s = [0u8; 16];
            s[..4].copy_from_slice(&[0xfd, 0, 2, 0]);
            s[15] = 1 + rng.u8(0..32);
            (Addr::V6(c), Addr::V6(s))
        } else {
            (
                Addr::V4([10, 1 + (n >> 16) as u8 % 100, (n >> 8) as u8, n as u8]),
                Addr::V4([10, 200, 0, 1 + rng.u8(0..32)]),
            )
        };
        Conn {
            client: (client, 32768 + rng.u16(0..28000)),
            server: (server, [80, 443, 5432, 1883, 8080][rng.usize(0..5)]),
            vlan: (rng.u32(0..100) == 0).then(|| rng.u16(1..4095)),
            dest_opts: v6 && rng.u32(0..50) == 0,
            nxt: [rng.u32(..), rng.u32(..)],
            script: script(rng, exchanges),
            at: 0,
        }
    };
    while made < conns && pool.len() < args.concurrency.max(1) {
        pool.push(new_conn(&mut rng, &mut made));
    }
    let progress = crate::progress::Progress::new("generating", args.packets, "frames");
    while !pool.is_empty() {
        t += Duration::from_micros(rng.u64(1..200));
        if rng.u32(0..200) == 0 {
            noise_frame(&mut rng, &mut buf);
        } else {
            let i = rng.usize(0..pool.len());
            let conn = &mut pool[i];
            let seg = conn.script[conn.at];
            conn.at += 1;
            tcp_frame(conn, seg, &mut buf);
            if conn.at == conn.script.len() {
                if made < conns {
                    pool[i] = new_conn(&mut rng, &mut made);
                } else {
                    pool.swap_remove(i);
                }
            }
        }
        w.write_packet(&PcapPacket::new(t, buf.len() as u32, &buf))?;
        g.frames += 1;
        g.bytes += buf.len() as u64;
        if g.frames % 4096 == 0 {
            progress.set(g.frames);
        }
    }
    progress.finish();
    g.connections = made;
    Ok(g)
}

/// The fewest frames a connection takes on average (handshake and ending, no exchange: the
/// mix of `ENDINGS` gives about 5.7).
const MIN_FRAMES_PER_CONNECTION: u64 = 6;
/// The most frames a connection may take on average: beyond it a few connections with a
/// random number of exchanges each would not give `--packets` (and their scripts would fill
/// memory).
const MAX_FRAMES_PER_CONNECTION: u64 = 100_000;
/// Distinct client addresses the generator makes (10.1-100.x.y).
const MAX_CONNECTIONS: u64 = 100 << 16;

/// Arguments that the generator can honour, or a message saying which one to change.
pub fn validate(a: &GenerateArgs) -> Result<()> {
    if a.connections == 0 || a.connections > MAX_CONNECTIONS {
        anyhow::bail!(
            "--connections {}: from 1 to {MAX_CONNECTIONS}",
            a.connections
        );
    }
    if a.concurrency == 0 {
        anyhow::bail!("--concurrency 0: at least one connection must be open at a time");
    }
    let (lo, hi) = (
        a.connections * MIN_FRAMES_PER_CONNECTION,
        a.connections.saturating_mul(MAX_FRAMES_PER_CONNECTION),
    );
    if a.packets < lo {
        anyhow::bail!(
            "--packets {} is too few for {} connections: each takes about {} frames (handshake \
             and ending); give --packets {lo} or more, or fewer --connections",
            a.packets,
            a.connections,
            MIN_FRAMES_PER_CONNECTION
        );
    }
    if a.packets > hi {
        anyhow::bail!(
            "--packets {} is too many for {} connections (at most {} frames each): give more \
             --connections",
            a.packets,
            a.connections,
            MAX_FRAMES_PER_CONNECTION
        );
    }
    Ok(())
}

pub fn run(a: &GenerateArgs) -> Result<()> {
    validate(a)?;
    let g = generate(a, &a.output)?;
    eprintln!(
        "wrote {}: {} frames, {} connections, {:.1} MB",
        a.output.display(),
        g.frames,
        g.connections,
        g.bytes as f64 / 1e6
    );
    Ok(())
}
