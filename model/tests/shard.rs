//! The analysis on several threads (`shard::analyze_capture_sharded`) gives the single
//! tracker's report, connection for connection, counter for counter, on any number of threads:
//! on every bundled capture, and on a generated capture made to trip a sharding — thousands
//! of interleaved connections on a small bounded table (evictions, refusals, sweeps) and an
//! unbounded one, timestamps that go backwards, frames the tracker does not take (UDP, ARP)
//! carrying the newest time, VLAN-tagged and IPv6 frames, truncated frames, and 4-tuples that
//! come back after their entry left (the traffic of `synscope_model::traffic::Mix`).

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::DataLink;
use std::path::PathBuf;
use std::time::Duration;
use synscope_model::analysis::{analyze_capture, AnalysisReport};
use synscope_model::rng::Rng;
use synscope_model::shard::analyze_capture_sharded;
use synscope_model::traffic::wire::{write_frame, write_noise};
use synscope_model::traffic::{Chance, Clients, Emitted, Mix, MixConfig};
use synscope_model::{TableShape, Timeouts, TrackerConfig};

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

/// A mix made to trip a sharding: 400 conversations open at once from few clients (4-tuples
/// come back), some on a VLAN, some IPv6, 2 % noise frames.
fn mix(seed: u64) -> Mix<Rng> {
    let mut config = MixConfig::realistic(u64::MAX, 400, 10.0, 10);
    config.clients = Clients::Few { hosts: 800 };
    config.client_ports = (1024, 40);
    config.servers = 8;
    config.server_ports = &[80, 443];
    config.vlan = Chance::new(1, 10);
    config.noise = Chance::new(2, 100);
    config.step_us = (0, 2_000);
    config.start = Duration::from_secs(5);
    Mix::new(Rng::new(seed | 1), config)
}

fn generated(seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed.wrapping_mul(3) | 1);
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(Vec::new(), header).unwrap();
    // Quiet spells so far: the written time is the mix's plus them, jittered, sometimes
    // backwards.
    let mut quiet = Duration::ZERO;
    let mut data = Vec::new();
    for (at, e) in mix(seed).take(12_000) {
        if rng.below(500) == 0 {
            quiet += Duration::from_secs(40); // timeouts fire
        }
        let clock = at + quiet;
        let mut t = if rng.below(20) == 0 {
            clock.saturating_sub(Duration::from_micros(rng.below(3_000_000)))
        } else {
            clock
        };
        match e {
            Emitted::Segment(s) => write_frame(&s, &mut data),
            Emitted::Noise(n) => {
                // Frames the tracker does not take, ahead of the others' time.
                write_noise(n, &mut data);
                t = clock + Duration::from_micros(rng.below(2_000_000));
            }
        }
        let orig_len = data.len() as u32;
        if rng.below(200) == 0 {
            data.truncate(30); // cut by the snap length
        }
        w.write_packet(&PcapPacket::new(t, orig_len, &data))
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
