//! The bounded table with IPv4 and IPv6 connections (docs/core.md, "The table key"): an IPv6
//! connection takes an even way and the next; capacity, the choice of ways, eviction of pairs,
//! and keys that share their head's bits but not their addresses never merging.
//!
//! One bucket of four ways (`buckets: 1`), so every key collides.

use synscope_model::tracker::RemoveReason;
use synscope_model::{
    Counter, Endpoint, Event, SegmentDescriptor, TableShape, TcpFlags, TcpState, Tracker,
    TrackerConfig, Verdict,
};

const ONE_BUCKET: TableShape = TableShape::Bounded {
    buckets: 1,
    ways: 4,
};

fn tracker() -> Tracker {
    Tracker::new(TrackerConfig {
        shape: ONE_BUCKET,
        ..TrackerConfig::default()
    })
}

fn seg(src: Endpoint, dst: Endpoint, seq: u32, ack: u32, flags: u16) -> SegmentDescriptor {
    SegmentDescriptor {
        time: 100,
        ..SegmentDescriptor::new(src, dst, seq, ack, TcpFlags::new(flags))
    }
}

const SYN: u16 = TcpFlags::SYN;
const ACK: u16 = TcpFlags::ACK;

/// A whole handshake: the connection ends ESTABLISHED on both sides (never evicted).
fn establish(t: &mut Tracker, c: Endpoint, s: Endpoint, ev: &mut Vec<Event>) -> Verdict {
    let v = t.process(&seg(c, s, 1000, 0, SYN), ev);
    if v == Verdict::Refused {
        return v;
    }
    t.process(&seg(s, c, 5000, 1001, SYN | ACK), ev);
    t.process(&seg(c, s, 1001, 5001, ACK), ev)
}

/// A SYN alone: half-open (evictable, class 1).
fn half_open(t: &mut Tracker, c: Endpoint, s: Endpoint, ev: &mut Vec<Event>) -> Verdict {
    t.process(&seg(c, s, 1000, 0, SYN), ev)
}

fn v4(n: u32) -> Endpoint {
    Endpoint::v4(0x0a00_0000 | n, 40000)
}

/// An IPv6 endpoint whose low 32 address bits are `n`: the bits a head way holds.
fn v6(top: u128, n: u32) -> Endpoint {
    Endpoint::v6(top << 32 | n as u128, 40000)
}

fn server4() -> Endpoint {
    Endpoint::v4(0x0a00_00ff, 80)
}

fn server6() -> Endpoint {
    Endpoint::v6(0xfd00 << 112 | 0xff, 80)
}

/// `(slot, IPv6?)` of every entry, and the continuation slots.
fn layout(t: &Tracker) -> (Vec<(usize, bool)>, Vec<usize>) {
    let tb = t.table();
    let entries = tb
        .entries_with_slot()
        .map(|(i, e)| (i, e.key.is_v6()))
        .collect();
    let conts = (0..4)
        .filter(|i| tb.continuation_of(*i).is_some())
        .collect();
    (entries, conts)
}

#[test]
fn ipv4_capacity_is_every_way() {
    let mut t = tracker();
    let mut ev = Vec::new();
    for n in 1..=4 {
        assert_eq!(
            establish(&mut t, v4(n), server4(), &mut ev),
            Verdict::Tracked
        );
    }
    assert_eq!(
        half_open(&mut t, v4(5), server4(), &mut ev),
        Verdict::Refused
    );
    assert_eq!(t.table().len(), 4);
}

#[test]
fn ipv6_capacity_is_half_the_ways() {
    let mut t = tracker();
    let mut ev = Vec::new();
    for n in 1..=2 {
        assert_eq!(
            establish(&mut t, v6(7, n), server6(), &mut ev),
            Verdict::Tracked
        );
    }
    assert_eq!(layout(&t), (vec![(0, true), (2, true)], vec![1, 3]));
    assert_eq!(
        half_open(&mut t, v6(7, 3), server6(), &mut ev),
        Verdict::Refused
    );
    assert_eq!(
        half_open(&mut t, v4(3), server4(), &mut ev),
        Verdict::Refused
    );
    assert_eq!(t.counters().get(Counter::TableFull), 2);
}

#[test]
fn a_mixed_bucket_holds_both_and_ipv4_keeps_pairs_free() {
    let mut t = tracker();
    let mut ev = Vec::new();
    establish(&mut t, v4(1), server4(), &mut ev);
    // Way 0 is taken: the next IPv4 connection takes way 1 (its partner is taken), not way 2,
    // so the pair 2-3 stays free for an IPv6 one.
    establish(&mut t, v4(2), server4(), &mut ev);
    assert_eq!(
        establish(&mut t, v6(1, 1), server6(), &mut ev),
        Verdict::Tracked
    );
    assert_eq!(
        layout(&t),
        (vec![(0, false), (1, false), (2, true)], vec![3])
    );
    assert_eq!(
        half_open(&mut t, v4(3), server4(), &mut ev),
        Verdict::Refused
    );
}

#[test]
fn ipv4_fills_a_half_taken_pair_first() {
    let mut t = tracker();
    let mut ev = Vec::new();
    for n in 1..=4 {
        establish(&mut t, v4(n), server4(), &mut ev);
    }
    // Close three so that ways 0, 1 and 3 are free (a RST resets both endpoints: finished,
    // then gone after the linger), then a new one goes to way 3 (partner 2 taken), not way 0.
    ev.clear();
    for n in [1, 2, 4] {
        t.process(&seg(v4(n), server4(), 1001, 5001, TcpFlags::RST), &mut ev);
    }
    let mut later = seg(v4(9), server4(), 1, 0, ACK);
    later.time = 100 + 60 * 60;
    t.advance_time(later.time, &mut ev);
    assert_eq!(t.table().len(), 1);
    half_open(&mut t, v4(5), server4(), &mut ev);
    let slot = t.last_slot().unwrap();
    assert_eq!(slot, 3);
}

#[test]
fn ipv6_evicts_a_pair_of_evictable_ipv4_entries() {
    let mut t = tracker();
    let mut ev = Vec::new();
    // Ways 0 and 1 live, ways 2 and 3 half-open.
    establish(&mut t, v4(1), server4(), &mut ev);
    establish(&mut t, v4(2), server4(), &mut ev);
    half_open(&mut t, v4(3), server4(), &mut ev);
    half_open(&mut t, v4(4), server4(), &mut ev);
    ev.clear();
    assert_eq!(
        half_open(&mut t, v6(1, 1), server6(), &mut ev),
        Verdict::Tracked
    );
    let evicted: Vec<usize> = ev
        .iter()
        .filter_map(|e| match e {
            Event::Removed {
                slot,
                reason: RemoveReason::Evicted,
                ..
            } => Some(*slot),
            _ => None,
        })
        .collect();
    assert_eq!(evicted, vec![2, 3]);
    assert_eq!(t.counters().get(Counter::Evicted), 2);
    assert_eq!(layout(&t).1, vec![3]);
    // And an IPv4 connection evicts the half-open IPv6 one, which leaves both its ways.
    ev.clear();
    assert_eq!(
        half_open(&mut t, v4(5), server4(), &mut ev),
        Verdict::Tracked
    );
    assert_eq!(t.last_slot(), Some(2));
    assert_eq!(
        layout(&t),
        (vec![(0, false), (1, false), (2, false)], vec![])
    );
}

#[test]
fn keys_alike_in_their_head_never_merge() {
    let mut t = tracker();
    let mut ev = Vec::new();
    // Three connections whose heads hold the same 96 bits: an IPv4 one, and two IPv6 ones that
    // differ only in the addresses' top 96 bits.
    let c4 = Endpoint::v4(0x0000_0001, 40000);
    let s4 = Endpoint::v4(0x0000_0002, 80);
    let (c6a, s6a) = (v6(1, 1), Endpoint::v6(1 << 32 | 2, 80));
    let (c6b, s6b) = (v6(2, 1), Endpoint::v6(2 << 32 | 2, 80));
    establish(&mut t, c4, s4, &mut ev);
    establish(&mut t, c6a, s6a, &mut ev);
    assert_eq!(half_open(&mut t, c6b, s6b, &mut ev), Verdict::Refused);
    assert_eq!(t.table().len(), 2);
    for e in t.table().entries() {
        assert_eq!(e.states(), [TcpState::Established; 2], "{:?}", e.key);
    }
    let keys: Vec<String> = t.table().entries().map(|e| e.key.lo.to_string()).collect();
    assert_eq!(keys, vec!["0.0.0.1:40000", "[::1:0:1]:40000"]);
}

/// Established connections with random endpoints (`v6_per_8` of 8 IPv6) offered to a table of
/// `shape` until it refuses 20,000 in a row: how many it holds, and of which family.
fn fill(shape: TableShape, v6_per_8: u64, seed: u64) -> (usize, usize) {
    let mut t = Tracker::new(TrackerConfig {
        shape,
        ..TrackerConfig::default()
    });
    let mut x = seed;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let (mut refused_in_a_row, mut ev) = (0, ());
    while refused_in_a_row < 20_000 {
        let r = next();
        let (c, s) = if r % 8 < v6_per_8 {
            (
                Endpoint::v6((next() as u128) << 64 | next() as u128, r as u16),
                Endpoint::v6(0xfd00 << 112 | 1, 443),
            )
        } else {
            (Endpoint::v4(next() as u32, r as u16), server4())
        };
        let v = t.process(&seg(c, s, 1000, 0, SYN), &mut ev);
        if v == Verdict::Refused {
            refused_in_a_row += 1;
            continue;
        }
        refused_in_a_row = 0;
        t.process(&seg(s, c, 5000, 1001, SYN | ACK), &mut ev);
        t.process(&seg(c, s, 1001, 5001, ACK), &mut ev);
    }
    let v6 = t.table().entries().filter(|e| e.key.is_v6()).count();
    (t.table().len() - v6, v6)
}

/// The capacity figures of docs/core.md ("The table key"): IPv4 only fills every way, IPv6
/// only every pair, a mix every way with both.
#[test]
fn capacity_of_the_tables() {
    for (board, shape) in [
        ("Arty A7-35T", TableShape::ARTY_35T),
        ("Arty A7-100T", TableShape::ARTY_100T),
    ] {
        let ways = shape.capacity().unwrap();
        let (v4, _) = fill(shape, 0, 7);
        let (_, v6) = fill(shape, 8, 8);
        let (m4, m6) = fill(shape, 4, 9);
        println!(
            "| {board} | {v4} | {v6} | {} ({m4} IPv4 + {m6} IPv6) |",
            m4 + m6
        );
        assert_eq!(v4, ways, "{board}: IPv4 takes every way");
        assert_eq!(v6, ways / 2, "{board}: IPv6 takes every pair");
        assert_eq!(m4 + 2 * m6, ways, "{board}: a mix takes every way");
    }
}
