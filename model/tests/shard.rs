//! The analysis on several threads (`shard::analyze_capture_sharded`) gives the single
//! tracker's report, connection for connection, counter for counter, on any number of threads:
//! on every bundled capture, and on a generated capture made to trip a sharding — thousands
//! of interleaved connections on a small bounded table (evictions, refusals, sweeps) and an
//! unbounded one, timestamps that go backwards, frames the tracker does not take (UDP, ARP,
//! garbage) carrying the newest time, VLAN-tagged frames, short and truncated frames, and
//! 4-tuples that come back after their entry left.

use etherparse::{PacketBuilder, TcpHeader, VlanId};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::DataLink;
use std::path::PathBuf;
use std::time::Duration;
use synscope_model::analysis::{analyze_capture, AnalysisReport};
use synscope_model::rng::Rng;
use synscope_model::shard::analyze_capture_sharded;
use synscope_model::{TableShape, TcpFlags, Timeouts, TrackerConfig};

const THREADS: [usize; 4] = [2, 3, 4, 7];

fn shapes() -> [TableShape; 3] {
    [
        TableShape::Unbounded,
        TableShape::ARTY_35T,
        TableShape::Bounded {
            buckets: 64,
            ways: 4,
        },
    ]
}

/// Timeouts of a few seconds, so that a tracker's clock off by a second shows in the states.
fn short() -> Timeouts {
    Timeouts {
        time_wait: 2,
        handshake: 3,
        fin_wait_2: 3,
        idle: 9,
        linger: 1,
    }
}

fn same(what: &str, a: &AnalysisReport, b: &AnalysisReport) {
    assert_eq!(a.counters, b.counters, "{what}: counters");
    assert_eq!(a.listeners, b.listeners, "{what}: listeners");
    assert_eq!(
        a.capture_truncated, b.capture_truncated,
        "{what}: truncated"
    );
    assert_eq!(a.end_time, b.end_time, "{what}: end time");
    assert_eq!(
        a.connections.len(),
        b.connections.len(),
        "{what}: connections"
    );
    for (i, (x, y)) in a.connections.iter().zip(&b.connections).enumerate() {
        assert_eq!(x, y, "{what}: connection {i}");
    }
}

fn check(name: &str, pcap: &[u8]) {
    for shape in shapes() {
        for timeouts in [Timeouts::default(), short()] {
            let config = TrackerConfig { shape, timeouts };
            let one = analyze_capture(pcap, config).unwrap();
            for threads in THREADS {
                let many = analyze_capture_sharded(pcap, config, threads).unwrap();
                let what = format!("{name}, {shape:?}, {timeouts:?}, {threads} threads");
                same(&what, &one, &many);
            }
        }
    }
}

#[test]
fn every_bundled_capture_on_any_thread_count() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../captures");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path
            .extension()
            .is_some_and(|x| x == "pcap" || x == "pcapng")
        {
            check(
                &path.file_name().unwrap().to_string_lossy(),
                &std::fs::read(&path).unwrap(),
            );
            n += 1;
        }
    }
    assert!(n > 5, "the bundled captures are there ({n})");
}

struct Conn {
    c: ([u8; 4], u16),
    s: ([u8; 4], u16),
    cs: u32,
    ss: u32,
    step: u32,
    vlan: bool,
}

fn tcp(
    vlan: bool,
    from: ([u8; 4], u16),
    to: ([u8; 4], u16),
    seq: u32,
    ack: u32,
    flags: u16,
    len: usize,
) -> Vec<u8> {
    let mut h = TcpHeader::new(from.1, to.1, seq, 64_000);
    h.acknowledgment_number = ack;
    h.syn = flags & TcpFlags::SYN != 0;
    h.ack = flags & TcpFlags::ACK != 0;
    h.fin = flags & TcpFlags::FIN != 0;
    h.rst = flags & TcpFlags::RST != 0;
    h.psh = flags & TcpFlags::PSH != 0;
    let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    let payload = vec![0x5a; len];
    let mut f = Vec::new();
    if vlan {
        eth.single_vlan(VlanId::try_new(9).unwrap())
            .ipv4(from.0, to.0, 64)
            .tcp_header(h)
            .write(&mut f, &payload)
            .unwrap();
    } else {
        eth.ipv4(from.0, to.0, 64)
            .tcp_header(h)
            .write(&mut f, &payload)
            .unwrap();
    }
    f
}

fn udp(from: [u8; 4], to: [u8; 4]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 3], [2, 0, 0, 0, 0, 4])
        .ipv4(from, to, 64)
        .udp(5353, 53)
        .write(&mut f, &[1, 2, 3, 4])
        .unwrap();
    f
}

/// The next segment of a conversation (handshake, data both ways, a close by FIN or RST, or a
/// stop), and whether it was its last.
fn advance(c: &mut Conn, rng: &mut Rng) -> (Vec<u8>, bool) {
    use TcpFlags as F;
    let step = c.step;
    c.step += 1;
    let v = c.vlan;
    match step {
        0 => {
            c.cs = c.cs.wrapping_add(1);
            (tcp(v, c.c, c.s, c.cs.wrapping_sub(1), 0, F::SYN, 0), false)
        }
        1 => {
            c.ss = c.ss.wrapping_add(1);
            (
                tcp(v, c.s, c.c, c.ss.wrapping_sub(1), c.cs, F::SYN | F::ACK, 0),
                false,
            )
        }
        2..=6 => {
            let len = rng.below(300) as usize;
            let f = if rng.below(2) == 0 {
                let f = tcp(v, c.c, c.s, c.cs, c.ss, F::ACK | F::PSH, len);
                c.cs = c.cs.wrapping_add(len as u32);
                f
            } else {
                let f = tcp(v, c.s, c.c, c.ss, c.cs, F::ACK | F::PSH, len);
                c.ss = c.ss.wrapping_add(len as u32);
                f
            };
            (f, false)
        }
        7 => match rng.below(4) {
            0 => (tcp(v, c.c, c.s, c.cs, c.ss, F::RST | F::ACK, 0), true),
            1 => (tcp(v, c.c, c.s, c.cs, c.ss, F::ACK, 0), true),
            _ => {
                c.cs = c.cs.wrapping_add(1);
                (
                    tcp(v, c.c, c.s, c.cs.wrapping_sub(1), c.ss, F::FIN | F::ACK, 0),
                    false,
                )
            }
        },
        8 => {
            c.ss = c.ss.wrapping_add(1);
            (
                tcp(v, c.s, c.c, c.ss.wrapping_sub(1), c.cs, F::FIN | F::ACK, 0),
                false,
            )
        }
        _ => (tcp(v, c.c, c.s, c.cs, c.ss, F::ACK, 0), true),
    }
}

fn generated(seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed | 1);
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(Vec::new(), header).unwrap();
    let mut pool: Vec<Conn> = Vec::new();
    // Microseconds since the start; the written time jitters around it, sometimes backwards.
    let mut clock = 5_000_000u64;
    for _ in 0..12_000 {
        clock += rng.below(2_000);
        if rng.below(500) == 0 {
            clock += 40_000_000; // a quiet spell: timeouts fire
        }
        let mut t = if rng.below(20) == 0 {
            clock.saturating_sub(rng.below(3_000_000))
        } else {
            clock
        };
        let kind = rng.below(100);
        if kind < 2 {
            // Frames the tracker does not take, ahead of the others' time.
            t = clock + rng.below(2_000_000);
        }
        let mut data = match kind {
            0 => udp([10, 9, 0, 1], [10, 9, 0, 2]),
            1 => vec![0xff; 42],
            _ => {
                if pool.len() < 400 || rng.below(30) == 0 {
                    // Few client addresses: 4-tuples come back after their entry left.
                    let client = [10, 0, rng.below(4) as u8, rng.below(200) as u8];
                    let server = [192, 168, 1, 1 + rng.below(8) as u8];
                    pool.push(Conn {
                        c: (client, 1024 + rng.below(40) as u16),
                        s: (server, [80, 443][rng.below(2) as usize]),
                        cs: rng.next_u64() as u32,
                        ss: rng.next_u64() as u32,
                        step: 0,
                        vlan: rng.below(10) == 0,
                    });
                }
                let k = rng.below(pool.len() as u64) as usize;
                let (f, done) = advance(&mut pool[k], &mut rng);
                if done {
                    pool.swap_remove(k);
                }
                f
            }
        };
        let ts = Duration::from_micros(t);
        let orig_len = data.len() as u32;
        if rng.below(200) == 0 {
            data.truncate(30); // cut by the snap length
        }
        w.write_packet(&PcapPacket::new(ts, orig_len, &data))
            .unwrap();
    }
    w.into_writer()
}

#[test]
fn a_generated_capture_on_any_thread_count() {
    for seed in [1u64, 0x5eed] {
        let pcap = generated(seed);
        let small = TrackerConfig {
            shape: TableShape::Bounded {
                buckets: 64,
                ways: 4,
            },
            timeouts: short(),
        };
        let one = analyze_capture(&pcap, small).unwrap();
        // The capture exercises what it is meant to.
        use synscope_model::Counter;
        assert!(one.capture_truncated > 10, "truncated frames");
        assert!(one.counters.get(Counter::Evicted) > 0, "evictions");
        assert!(one.counters.get(Counter::TableFull) > 0, "refusals");
        assert!(one.counters.get(Counter::Expired) > 0, "expiries");
        assert!(one.counters.dropped() > 100, "frames not taken");
        assert!(
            one.connections.len() > 500,
            "connections: {}",
            one.connections.len()
        );
        check(&format!("generated {seed}"), &pcap);
    }
}
