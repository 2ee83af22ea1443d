//! event_queue under Verilator (docs/core.md, "Events"): the record C2 hands over is registered
//! (the O stage) and pushed only if reportable; a record that finds the record FIFO or (IPv6)
//! the address side FIFO full is dropped and says so (`dropped`, the bank's `events_dropped`)
//! without disturbing what is queued; the host side pops in order, first-word fall-through,
//! with each IPv6 record's addresses whole. The top has 2^6 buckets and 2^6 records, so the
//! 32-record side FIFO fills before the record FIFO.

mod common;

use common::seeded;
use synscope_hdl::conn::entry::{STATE_BITS, TIME_BITS, TOP_IP_BITS};
use synscope_hdl::conn::event_queue::EVENT_TOP_FIFO_BITS;
use synscope_sim::models::EventQueue;

/// Records the top's FIFO holds (`EventQueue<6, 6, 7>`, gen.rs).
const RECORDS: usize = 64;
/// IPv6 records the side FIFO holds.
const TOPS: usize = 1 << EVENT_TOP_FIFO_BITS;

/// One record, field by field, as `EventRecord` declares them.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
struct Rec {
    /// created, refused, evicted, reincarnated, lo_changed, hi_changed (LSB first).
    kinds: u64,
    expired: u64,
    way: u64,
    v6: bool,
    states: [u64; 4],
    lo_ip: u64,
    lo_port: u64,
    hi_ip: u64,
    hi_port: u64,
    time: u64,
    client_is_lo: bool,
    /// The addresses' top bits (IPv6 only).
    lo_top: u128,
    hi_top: u128,
    bucket: u64,
}

impl Rec {
    /// `EventRecord`'s fields with their widths, in declaration order.
    fn fields(&self) -> Vec<(u128, usize)> {
        let mut f: Vec<(u128, usize)> =
            (0..6).map(|i| ((self.kinds >> i & 1) as u128, 1)).collect();
        f.push((self.expired as u128, 3));
        f.push((self.way as u128, 2));
        f.push((self.v6 as u128, 1));
        f.extend(self.states.iter().map(|s| (*s as u128, STATE_BITS)));
        f.extend([
            (self.lo_ip as u128, 32),
            (self.lo_port as u128, 16),
            (self.hi_ip as u128, 32),
            (self.hi_port as u128, 16),
            (self.time as u128, TIME_BITS),
            (self.client_is_lo as u128, 1),
        ]);
        f
    }

    /// Reportable: a kind other than `evicted` alone, or dead ways removed.
    fn reportable(&self) -> bool {
        self.kinds & !0b100 != 0 || self.expired != 0
    }

    /// The full addresses the head shows (`head_lo_ip`, `head_hi_ip`).
    fn addresses(&self) -> (u128, u128) {
        let top = |t: u128| if self.v6 { t << 32 } else { 0 };
        (
            top(self.lo_top) | self.lo_ip as u128,
            top(self.hi_top) | self.hi_ip as u128,
        )
    }
}

/// `fields` packed least significant first into `N` 32-bit words (Verilator's layout).
fn pack<const N: usize>(fields: &[(u128, usize)]) -> [u32; N] {
    let mut w = [0u32; N];
    let mut at = 0;
    for &(v, width) in fields {
        for b in 0..width {
            if v >> b & 1 == 1 {
                w[(at + b) / 32] |= 1 << ((at + b) % 32);
            }
        }
        at += width;
    }
    w
}

/// The fields of `fields`' widths read back from `words`.
fn unpack(words: &[u32], widths: &[usize]) -> Vec<u128> {
    let mut at = 0;
    widths
        .iter()
        .map(|&width| {
            let v = (0..width).fold(0u128, |v, b| {
                v | (((words[(at + b) / 32] >> ((at + b) % 32)) & 1) as u128) << b
            });
            at += width;
            v
        })
        .collect()
}

fn random_rec(rng: &mut common::Rng, v6: bool) -> Rec {
    let r = |rng: &mut common::Rng, bits: usize| rng.next_u64() & ((1 << bits) - 1);
    Rec {
        kinds: r(rng, 6) | 1,
        expired: r(rng, 3),
        way: r(rng, 2),
        v6,
        states: [0; 4].map(|_| r(rng, STATE_BITS)),
        lo_ip: r(rng, 32),
        lo_port: r(rng, 16),
        hi_ip: r(rng, 32),
        hi_port: r(rng, 16),
        time: r(rng, TIME_BITS),
        client_is_lo: rng.chance(1, 2),
        lo_top: rng.next_u128() & ((1 << TOP_IP_BITS) - 1),
        hi_top: rng.next_u128() & ((1 << TOP_IP_BITS) - 1),
        bucket: r(rng, 6),
    }
}

/// Present `rec` (when `valid`) for one clock; returns whether it was dropped (decided in
/// the O stage, the cycle after).
fn offer(m: &mut EventQueue, rec: &Rec, valid: bool) -> bool {
    m.set_valid(valid);
    m.set_record(pack::<5>(&rec.fields()));
    m.set_bucket(rec.bucket);
    m.set_tops_in(pack::<6>(&[
        (rec.lo_top, TOP_IP_BITS),
        (rec.hi_top, TOP_IP_BITS),
    ]));
    m.tick();
    m.set_valid(false);
    m.eval();
    m.dropped()
}

/// Pop every queued record, checking each against `want` in order.
fn drain(m: &mut EventQueue, want: &[Rec]) {
    let widths: Vec<usize> = Rec::default().fields().iter().map(|f| f.1).collect();
    m.tick(); // the last offered record reaches the FIFO
    for (i, r) in want.iter().enumerate() {
        m.eval();
        assert!(m.head_valid(), "record {i} of {} missing", want.len());
        let got = unpack(&m.head(), &widths);
        let expect: Vec<u128> = r.fields().iter().map(|f| f.0).collect();
        assert_eq!(got, expect, "record {i}");
        assert_eq!(m.head_bucket(), r.bucket, "record {i}'s bucket");
        assert_eq!(
            (m.head_lo_ip(), m.head_hi_ip()),
            r.addresses(),
            "record {i}'s addresses"
        );
        m.set_pop(true);
        m.tick();
        m.set_pop(false);
    }
    m.eval();
    assert!(!m.head_valid(), "more records than pushed");
}

#[test]
fn event_queue_keeps_order_and_drops_only_what_does_not_fit() {
    let mut rng = seeded(0xe7e7_0001);
    let mut m = EventQueue::new();
    // IPv4: the FIFO fills, the next record is dropped, what was queued comes out in order.
    let recs: Vec<Rec> = (0..RECORDS + 3)
        .map(|_| random_rec(&mut rng, false))
        .collect();
    let dropped: Vec<bool> = recs.iter().map(|r| offer(&mut m, r, true)).collect();
    assert!(dropped[..RECORDS].iter().all(|d| !d), "{dropped:?}");
    assert!(dropped[RECORDS..].iter().all(|d| *d), "{dropped:?}");
    drain(&mut m, &recs[..RECORDS]);

    // IPv6: the side FIFO fills first; an IPv4 record still fits after it.
    let mut recs: Vec<Rec> = (0..TOPS + 2).map(|_| random_rec(&mut rng, true)).collect();
    recs.push(random_rec(&mut rng, false));
    let dropped: Vec<bool> = recs.iter().map(|r| offer(&mut m, r, true)).collect();
    assert!(dropped[..TOPS].iter().all(|d| !d), "{dropped:?}");
    assert!(dropped[TOPS..TOPS + 2].iter().all(|d| *d), "{dropped:?}");
    assert!(!dropped[TOPS + 2], "an IPv4 record needs no side FIFO");
    let kept: Vec<Rec> = recs[..TOPS]
        .iter()
        .chain(&recs[TOPS + 2..])
        .copied()
        .collect();
    drain(&mut m, &kept);
}

#[test]
fn event_queue_pushes_only_reportable_records_of_a_descriptor() {
    let mut rng = seeded(0xe7e7_0002);
    let mut m = EventQueue::new();
    let mut want = Vec::new();
    for i in 0..200 {
        let v6 = rng.chance(1, 4);
        let mut r = random_rec(&mut rng, v6);
        // Kinds and expiries drawn so that every combination occurs, evicted alone included.
        r.kinds = rng.next_u64() & 0b11_1111;
        r.expired = if rng.chance(1, 2) { 0 } else { rng.below(5) };
        let valid = rng.chance(3, 4);
        assert!(
            !offer(&mut m, &r, valid),
            "record {i} dropped with room left"
        );
        if valid && r.reportable() {
            want.push(r);
        }
        if want.len() == RECORDS / 2 {
            drain(&mut m, &want);
            want.clear();
        }
    }
    drain(&mut m, &want);
}
