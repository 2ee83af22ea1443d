//! counter_bank under Verilator (docs/core.md, "Counters" and "Snapshot"). Its Verilog is
//! written by hand (`CounterBank::hdl`: adders side by side, a case for the read port) and the
//! rust-hdl simulation of the same bank uses `increments` and `gauge_deltas`; this test holds
//! the two together, cycle by cycle, against a reference of the bank's documented timing:
//!
//! * each counter adds its increment of the record at every edge (`reset` zeroes them);
//! * a gauge moves by a write-back's delta (after minus before, per state and role) one edge
//!   after the delta is registered; `clear` zeroes the gauges and the delta in flight, `reset`
//!   keeps them (they describe the table);
//! * the snapshot copies every counter and gauge at each edge while not `frozen`, and at a
//!   `snap` edge; the read port is registered and reads the snapshot (0 outside the index
//!   ranges).
//!
//! Named cases then tie each record field to the model's `Counter` it feeds. Random streams
//! replay with `SYNSCOPE_SEED=<seed>`.

mod common;

use common::{seed, seeded, Rng};
use rust_hdl::prelude::{Bits, ToBits};
use synscope_hdl::conn::counter_bank::{
    gauge_deltas, increments, CountRecord, WaySnap, CORE_COUNTERS, COUNTER_BITS,
    COUNTER_INDEX_BITS, FIRST_COUNTER, FIRST_GAUGE, GAUGES, GAUGE_BITS, STATES,
};
use synscope_hdl::conn::entry::STATE_BITS;
use synscope_hdl::conn::segment_apply::{V_RST, V_SYN_CHALLENGED, V_UNACCEPTABLE, V_UNTRACKED};
use synscope_hdl::conn::{OUT_VERDICT_BITS, WAYS, WAY_COUNT_BITS};
use synscope_model::{Counter, FlagClass, TcpState};
use synscope_sim::models::CounterBank;

const COUNTER_MASK: u64 = (1 << COUNTER_BITS) - 1;
const GAUGE_MASK: u64 = (1 << GAUGE_BITS) - 1;
const CYCLES: usize = 40_000;

/// The inputs of one edge.
#[derive(Clone, Copy, Default, Debug)]
struct Inputs {
    record: CountRecord,
    reset: bool,
    clear: bool,
    gvalid: bool,
    old: [WaySnap; WAYS],
    new: [WaySnap; WAYS],
    index: u64,
    snap: bool,
    frozen: bool,
}

/// The bank's registers as docs/core.md describes them.
struct Reference {
    counts: [u64; CORE_COUNTERS],
    gauges: [u64; GAUGES],
    deltas: [i64; GAUGES],
    snap_counts: [u64; CORE_COUNTERS],
    snap_gauges: [u64; GAUGES],
    value: u64,
}

impl Reference {
    fn new() -> Reference {
        Reference {
            counts: [0; CORE_COUNTERS],
            gauges: [0; GAUGES],
            deltas: [0; GAUGES],
            snap_counts: [0; CORE_COUNTERS],
            snap_gauges: [0; GAUGES],
            value: 0,
        }
    }

    /// The read port's answer for `index` from the snapshot.
    fn read(&self, index: u64) -> u64 {
        let i = index as usize;
        let first = FIRST_COUNTER as usize;
        if (first..first + CORE_COUNTERS).contains(&i) {
            self.snap_counts[i - first]
        } else if (FIRST_GAUGE..FIRST_GAUGE + GAUGES).contains(&i) {
            self.snap_gauges[i - FIRST_GAUGE]
        } else {
            0
        }
    }

    /// One rising edge: every register takes its value from the state before the edge.
    fn edge(&mut self, x: &Inputs) {
        self.value = self.read(x.index);
        if x.snap || !x.frozen {
            self.snap_counts = self.counts;
            self.snap_gauges = self.gauges;
        }
        if x.reset {
            self.counts = [0; CORE_COUNTERS];
        } else {
            for (c, n) in self.counts.iter_mut().zip(increments(&x.record)) {
                *c = c.wrapping_add(n) & COUNTER_MASK;
            }
        }
        if x.clear {
            self.gauges = [0; GAUGES];
            self.deltas = [0; GAUGES];
        } else {
            for (g, d) in self.gauges.iter_mut().zip(self.deltas) {
                *g = g.wrapping_add(d as u64) & GAUGE_MASK;
            }
            self.deltas = gauge_deltas(x.gvalid, &x.old, &x.new);
        }
    }
}

fn record_bits(r: CountRecord) -> u64 {
    let b: Bits<{ <CountRecord as rust_hdl::prelude::Synth>::BITS }> = r.into();
    b.to_u64()
}

fn snap_bits(s: WaySnap) -> u64 {
    let b: Bits<{ <WaySnap as rust_hdl::prelude::Synth>::BITS }> = s.into();
    b.to_u64()
}

fn drive(m: &mut CounterBank, x: &Inputs) {
    m.set_record(record_bits(x.record));
    m.set_reset(x.reset);
    m.set_clear(x.clear);
    m.set_gvalid(x.gvalid);
    for w in 0..WAYS {
        m.set_snap_old_at(w, snap_bits(x.old[w]));
        m.set_snap_new_at(w, snap_bits(x.new[w]));
    }
    m.set_index(x.index);
    m.set_snap(x.snap);
    m.set_frozen(x.frozen);
}

/// A way's snapshot: valid most of the time, with a state code that is sometimes none of
/// the eleven (the gauges ignore it).
fn way_snap(rng: &mut Rng) -> WaySnap {
    let state = |rng: &mut Rng| {
        if rng.chance(1, 16) {
            rng.below(1 << STATE_BITS)
        } else {
            rng.below(STATES as u64)
        }
    };
    WaySnap {
        valid: rng.chance(3, 4),
        client_is_lo: rng.chance(1, 2),
        lo_state: state(rng).to_bits(),
        hi_state: state(rng).to_bits(),
    }
}

/// A record as `out_record` registers it: a descriptor most of the time, every verdict code
/// and flag class (valid or not), the multi-bit fields over their whole range.
fn record(rng: &mut Rng) -> CountRecord {
    let mut bits = |n: usize| rng.next_u64() & ((1 << n) - 1);
    CountRecord {
        desc: bits(3) != 0,
        flags: bits(9).to_bits(),
        flag_class: bits(3).to_bits(),
        verdict: bits(OUT_VERDICT_BITS).to_bits(),
        reincarnated: bits(2) == 0,
        picked_up: bits(2) == 0,
        created: bits(2) == 0,
        state_changes: bits(2).to_bits(),
        evicted: bits(2).to_bits(),
        refused: bits(3) == 0,
        fin_held: bits(3) == 0,
        window_probe: bits(3) == 0,
        handshake_lost: bits(3) == 0,
        expired: bits(WAY_COUNT_BITS).to_bits(),
        events_dropped: bits(3) == 0,
    }
}

/// One edge's inputs: mostly counting with the snapshot following, sometimes frozen (a host
/// read in progress, the index walking), rarely a reset or a clear.
fn inputs(rng: &mut Rng, frozen: bool) -> Inputs {
    let index_range = 1u64 << COUNTER_INDEX_BITS;
    Inputs {
        record: record(rng),
        reset: rng.chance(1, 2_000),
        clear: rng.chance(1, 2_000),
        gvalid: rng.chance(1, 2),
        old: [(); WAYS].map(|_| way_snap(rng)),
        new: [(); WAYS].map(|_| way_snap(rng)),
        index: rng.below(index_range),
        snap: frozen && rng.chance(1, 50),
        frozen,
    }
}

#[test]
fn counter_bank_matches_its_reference_cycle_by_cycle() {
    let mut rng = seeded(0xc0_b4_4c);
    let mut m = CounterBank::new();
    let mut r = Reference::new();
    let mut frozen = false;
    let mut nonzero_reads = 0;
    for cycle in 0..CYCLES {
        if rng.chance(1, 200) {
            frozen = !frozen;
        }
        let x = inputs(&mut rng, frozen);
        drive(&mut m, &x);
        m.tick();
        r.edge(&x);
        assert_eq!(
            m.value(),
            r.value,
            "cycle {cycle} (SYNSCOPE_SEED={}): index {} after {x:?}",
            seed(0xc0_b4_4c),
            x.index
        );
        nonzero_reads += usize::from(r.value != 0);
    }
    // The reads saw counters and gauges at work, not an idle bank.
    assert!(nonzero_reads > CYCLES / 4, "{nonzero_reads}");
}

/// Count `records` (no write-backs), then freeze, take a snapshot and read every index.
fn counts_after(records: &[CountRecord]) -> Vec<u64> {
    let mut m = CounterBank::new();
    for rec in records {
        drive(
            &mut m,
            &Inputs {
                record: *rec,
                ..Default::default()
            },
        );
        m.tick();
    }
    let idle = Inputs {
        frozen: true,
        snap: true,
        ..Default::default()
    };
    drive(&mut m, &idle);
    m.tick();
    (0..1u64 << COUNTER_INDEX_BITS)
        .map(|index| {
            drive(
                &mut m,
                &Inputs {
                    index,
                    frozen: true,
                    ..Default::default()
                },
            );
            m.tick();
            m.value()
        })
        .collect()
}

/// `n` of each listed counter, 0 for every other index.
fn expect(list: &[(Counter, u64)]) -> Vec<u64> {
    let mut v = vec![0; 1 << COUNTER_INDEX_BITS];
    for &(c, n) in list {
        v[c as usize] += n;
    }
    v
}

/// A descriptor record with no flags and a flag-class code past `Invalid` (counted by no
/// class counter), so that a case counts only what it sets.
fn descriptor() -> CountRecord {
    CountRecord {
        desc: true,
        flag_class: 7u64.to_bits(),
        ..Default::default()
    }
}

/// A record and the counters it must move, by name.
type NamedCase = (&'static str, CountRecord, Vec<(Counter, u64)>);

#[test]
fn each_record_field_feeds_its_named_counter() {
    let syn = 1u64 << 1;
    let ack = 1u64 << 4;
    let cases: Vec<NamedCase> = vec![
        (
            "a SYN of class Syn",
            CountRecord {
                flags: syn.to_bits(),
                flag_class: (FlagClass::Syn as u64).to_bits(),
                created: true,
                ..descriptor()
            },
            vec![
                (Counter::FlagSyn, 1),
                (Counter::ClassSyn, 1),
                (Counter::Created, 1),
            ],
        ),
        (
            "an invalid combination, untracked",
            CountRecord {
                flags: (syn | 1).to_bits(),
                flag_class: (FlagClass::Invalid as u64).to_bits(),
                verdict: V_UNTRACKED.to_bits(),
                ..descriptor()
            },
            vec![
                (Counter::FlagFin, 1),
                (Counter::FlagSyn, 1),
                (Counter::ClassInvalid, 1),
                (Counter::Untracked, 1),
            ],
        ),
        (
            "each RST class",
            CountRecord {
                verdict: (V_RST + 2).to_bits(),
                ..descriptor()
            },
            vec![(Counter::RstOutOfWindow, 1)],
        ),
        (
            "a challenged SYN",
            CountRecord {
                verdict: V_SYN_CHALLENGED.to_bits(),
                ..descriptor()
            },
            vec![(Counter::SynInSync, 1)],
        ),
        (
            "an unacceptable segment, last class",
            CountRecord {
                verdict: (V_UNACCEPTABLE + 3).to_bits(),
                flags: ack.to_bits(),
                ..descriptor()
            },
            vec![(Counter::FlagAck, 1), (Counter::TimeWaitSynRefused, 1)],
        ),
        (
            "notes, multi-bit counts",
            CountRecord {
                fin_held: true,
                window_probe: true,
                handshake_lost: true,
                reincarnated: true,
                picked_up: true,
                state_changes: 2u64.to_bits(),
                evicted: 2u64.to_bits(),
                refused: true,
                ..descriptor()
            },
            vec![
                (Counter::FinHeld, 1),
                (Counter::WindowProbes, 1),
                (Counter::HandshakeLost, 1),
                (Counter::Reincarnations, 1),
                (Counter::PickedUp, 1),
                (Counter::StateChanges, 2),
                (Counter::Evicted, 2),
                (Counter::TableFull, 1),
            ],
        ),
        (
            "a sweep visit: only expiries and drops count",
            CountRecord {
                desc: false,
                flags: syn.to_bits(),
                created: true,
                expired: (WAYS as u64).to_bits(),
                events_dropped: true,
                ..Default::default()
            },
            vec![(Counter::Expired, WAYS as u64), (Counter::EventsDropped, 1)],
        ),
    ];
    for (what, rec, want) in cases {
        // Three of each: the counters add.
        let got = counts_after(&[rec, rec, rec]);
        let want: Vec<(Counter, u64)> = want.into_iter().map(|(c, n)| (c, 3 * n)).collect();
        assert_eq!(got, expect(&want), "{what}");
    }
}

#[test]
fn gauges_follow_write_backs_and_a_clear_empties_them() {
    let mut m = CounterBank::new();
    let way = |client: TcpState, server: TcpState| WaySnap {
        valid: true,
        client_is_lo: false,
        lo_state: (server as u64).to_bits(),
        hi_state: (client as u64).to_bits(),
    };
    let empty = [WaySnap::default(); WAYS];
    let mut opened = empty;
    opened[0] = way(TcpState::SynSent, TcpState::SynReceived);
    let mut established = opened;
    established[0] = way(TcpState::Established, TcpState::Established);
    let gauge = |m: &mut CounterBank, role: usize, s: TcpState| {
        let index = (FIRST_GAUGE + role * STATES + s as usize) as u64;
        drive(
            m,
            &Inputs {
                index,
                ..Default::default()
            },
        );
        // The snapshot follows one edge behind, the read port one more.
        m.ticks(2);
        m.value()
    };
    for (old, new) in [(empty, opened), (opened, established)] {
        drive(
            &mut m,
            &Inputs {
                gvalid: true,
                old,
                new,
                ..Default::default()
            },
        );
        m.tick();
    }
    drive(&mut m, &Inputs::default());
    m.ticks(2);
    assert_eq!(gauge(&mut m, 0, TcpState::Established), 1);
    assert_eq!(gauge(&mut m, 1, TcpState::Established), 1);
    assert_eq!(gauge(&mut m, 0, TcpState::SynSent), 0);
    assert_eq!(gauge(&mut m, 1, TcpState::SynReceived), 0);
    // A write-back with gvalid low moves nothing.
    drive(
        &mut m,
        &Inputs {
            old: established,
            new: empty,
            ..Default::default()
        },
    );
    m.ticks(2);
    assert_eq!(gauge(&mut m, 0, TcpState::Established), 1);
    // A clear (a new hash key: the table is emptied) zeroes them; a reset keeps them.
    drive(
        &mut m,
        &Inputs {
            reset: true,
            ..Default::default()
        },
    );
    m.tick();
    assert_eq!(gauge(&mut m, 1, TcpState::Established), 1);
    drive(
        &mut m,
        &Inputs {
            clear: true,
            ..Default::default()
        },
    );
    m.tick();
    assert_eq!(gauge(&mut m, 1, TcpState::Established), 0);
}
