//! `synscope generate OUT.pcap`: large synthetic captures with a realistic mix, so benchmarks and
//! soak tests are not limited to small files.
//!
//! Many connections are open at once (a pool of `--concurrency` scripts, interleaved at random);
//! each has a handshake, some request/response exchanges and one of the endings seen in real
//! traffic: orderly close by either side, half close, reset by either side, refused, unanswered
//! SYN, or left open. A little noise is mixed in: ARP and UDP frames, VLAN-tagged connections,
//! and segments with invalid flag combinations. `--ipv6 P` makes P % of the connections IPv6
//! (RFC 8200; one in fifty of those carries a destination-options header on every segment).
//! The traffic is `synscope_model::traffic`'s, the generator the tests and benches share.

use anyhow::{Context, Result};
use clap::Args;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::DataLink;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use synscope_model::rng::WyRand;
use synscope_model::traffic::wire::{write_frame, write_noise};
use synscope_model::traffic::{Emitted, Mix, MixConfig};

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

/// What a generated file holds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Generated {
    pub frames: u64,
    pub connections: u64,
    pub bytes: u64,
}

/// Write the synthetic capture: [`synscope_model::traffic::Mix`] with
/// [`MixConfig::realistic`], drawn from [`WyRand`] (the stream this command has always used,
/// so a seed gives the same file).
pub fn generate(args: &GenerateArgs, path: &Path) -> Result<Generated> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        snaplen: 65535,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(BufWriter::with_capacity(1 << 20, file), header)?;
    let conns = args.connections.max(1);
    let config = MixConfig::realistic(
        conns,
        args.concurrency,
        args.packets as f64 / conns as f64,
        args.ipv6,
    );
    let mut mix = Mix::new(WyRand::new(args.seed), config);
    let mut g = Generated::default();
    let mut buf = Vec::with_capacity(1600);
    let progress = crate::progress::Progress::new("generating", args.packets, "frames");
    for (t, e) in mix.by_ref() {
        match e {
            Emitted::Segment(s) => write_frame(&s, &mut buf),
            Emitted::Noise(n) => write_noise(n, &mut buf),
        }
        w.write_packet(&PcapPacket::new(t, buf.len() as u32, &buf))?;
        g.frames += 1;
        g.bytes += buf.len() as u64;
        if g.frames % 4096 == 0 {
            progress.set(g.frames);
        }
    }
    progress.finish();
    g.connections = mix.conversations();
    Ok(g)
}

/// The fewest frames a connection takes on average (handshake and ending, no exchange: the
/// mix of `REALISTIC_ENDINGS` gives about 5.7).
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

#[cfg(test)]
mod tests {
    use synscope_model::rng::{Source, WyRand};

    /// `WyRand` draws what `fastrand` 2 drew for this command before the generator moved to
    /// the model: the same seed still gives the same capture.
    #[test]
    fn wyrand_is_the_fastrand_stream() {
        for seed in [0u64, 1, 42, u64::MAX] {
            let (mut a, mut b) = (WyRand::new(seed), fastrand::Rng::with_seed(seed));
            for n in [1u32, 2, 3, 5, 20, 100, 199, 560, 4094, 28000, u32::MAX] {
                assert_eq!(a.below32(n), b.u32(0..n));
                assert_eq!(a.below64(n as u64), b.u64(0..n as u64));
                assert_eq!(
                    a.below64(n as u64 * 7919),
                    b.usize(0..n as usize * 7919) as u64
                );
                let m = n.min(255);
                assert_eq!(a.below32(m) as u8, b.u8(0..m as u8));
                let m = n.min(65535);
                assert_eq!(a.below32(m) as u16, b.u16(0..m as u16));
                assert_eq!(a.any32(), b.u32(..));
                assert_eq!(a.coin(), b.bool());
            }
        }
    }
}
