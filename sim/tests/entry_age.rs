//! entry_age under Verilator against `synscope_model::timeouts::expire` (through
//! `Entry::clocks` / `Entry::set_clocks`, 20-bit times) and eviction_class against
//! `Entry::eviction_class`.
//!
//! The model runs on true 32-bit times; the hardware gets their low 20 bits. Every case has
//! true ages (`now − last_seen`, `now − at`) below 2²⁰ ticks (what the sweep guarantees), and the
//! aged entry is compared packed (times mod 2²⁰). Ages are drawn on and around every deadline:
//! each endpoint's timer (TIME_WAIT, FIN_WAIT_2, the handshake silence of its clock's gap and
//! its cap), the linger and idle thresholds after each possible re-anchoring, and at random.
//! Random streams replay with `SYNSCOPE_SEED=<seed>` (printed in every failure).

mod common;

use common::{seed, timeout_word, Rng};
use synscope_hdl::conn::entry::{u32s_of_words, words_of_u32s, EntryBits};
use synscope_model::entry::{Aux, EndpointTrack, Entry, SeqKnown};
use synscope_model::time::{elapsed, secs};
use synscope_model::timeouts::{expire, handshake_silence, Aged, MAX_TIMEOUT_S};
use synscope_model::{Endpoint, FlowKey, TcpState, Timeouts};
use synscope_sim::models::{EntryAge, EvictionClass};

const TIME_MASK: u32 = 0xf_ffff;
/// Largest age drawn: below 2²⁰ with room.
const AGE_MAX: u32 = (1 << 20) - 1;
const PORT_WORDS: usize = 15;

/// `Entry::eviction_class` of a pair of states.
fn eviction_class(states: [TcpState; 2]) -> Option<u8> {
    let any = Endpoint::v4(0, 0);
    Entry {
        key: FlowKey { lo: any, hi: any },
        client_is_lo: true,
        picked_up: false,
        ends: [EndpointTrack::new(states[0]), EndpointTrack::new(states[1])],
        last_seen: 0,
    }
    .eviction_class()
}

/// How many cases took each path of `expire` (so a test that never reaches one fails).
#[derive(Default, Debug)]
struct Coverage {
    cases: u64,
    unchanged: u64,
    one_fired: u64,
    both_fired_lo_last: u64,
    both_fired_hi_last: u64,
    reanchored: u64,
    handshake_clock_fired: u64,
    handshake_capped: u64,
    gone_linger: u64,
    gone_idle: u64,
    wrapped: u64,
}

impl Coverage {
    fn assert_complete(&self, what: &str) {
        let c = self;
        for (name, n) in [
            ("unchanged", c.unchanged),
            ("one endpoint's timer fired", c.one_fired),
            ("both fired, lo last", c.both_fired_lo_last),
            ("both fired, hi last", c.both_fired_hi_last),
            ("re-anchored", c.reanchored),
            ("a handshake clock fired", c.handshake_clock_fired),
            ("the handshake cap applied", c.handshake_capped),
            ("gone after linger", c.gone_linger),
            ("gone after idle", c.gone_idle),
            ("20-bit time wrapped", c.wrapped),
        ] {
            assert!(n > 0, "{what}: no case of `{name}` exercised: {c:?}");
        }
    }
}

struct Dut {
    m: EntryAge,
    t: Option<Timeouts>,
}

/// When endpoint `e`'s timer fires (the model's `deadline`), for coverage.
fn deadline(e: &EndpointTrack, last_seen: u32, t: &Timeouts) -> Option<(u32, bool)> {
    match e.state {
        TcpState::SynSent | TcpState::SynReceived => {
            let (at, gap, clock) = match e.aux {
                Aux::Handshake { at, gap } => (at, gap, true),
                _ => (last_seen, 0, false),
            };
            let silence = handshake_silence(gap);
            Some((
                at.wrapping_add(silence.min(secs(t.handshake))),
                clock || silence > secs(t.handshake),
            ))
        }
        TcpState::TimeWait => Some((last_seen.wrapping_add(secs(t.time_wait)), false)),
        TcpState::FinWait2 => Some((last_seen.wrapping_add(secs(t.fin_wait_2)), false)),
        _ => None,
    }
}

impl Dut {
    fn new() -> Dut {
        Dut {
            m: EntryAge::new(),
            t: None,
        }
    }

    fn timeouts(&mut self, t: &Timeouts) {
        if self.t != Some(*t) {
            self.m.set_timeouts(timeout_word(t));
            self.t = Some(*t);
        }
    }

    /// One case: `e`'s times are true times at most `AGE_MAX` before `now`.
    fn check(&mut self, e: &Entry, now: u32, t: &Timeouts, cov: &mut Coverage, ctx: &str) {
        self.timeouts(t);
        self.m
            .set_entry(u32s_of_words::<PORT_WORDS>(&EntryBits::of(e).words()));
        self.m.set_now((now & TIME_MASK) as u64);
        self.m.eval();
        let want = expire(e.clocks(), now, t);
        let why = || format!("{ctx}: entry {e:?}, now {now}, {t:?}: model {want:?}");
        let aged_hw = words_of_u32s(&self.m.aged());
        let (c, alive) = match want {
            Aged::Alive(c) => (c, true),
            Aged::Gone(c) => (c, false),
        };
        assert_eq!(self.m.alive(), alive, "alive: {}", why());
        let mut aged = *e;
        aged.set_clocks(c);
        if alive {
            assert_eq!(
                aged_hw,
                aged.pack(),
                "aged entry: hw {:?}\n{}",
                synscope_hdl::conn::entry::unpack_bits(&aged_hw),
                why()
            );
            assert_eq!(
                self.m.age() as u32,
                elapsed(now, aged.last_seen) & TIME_MASK,
                "age: {}",
                why()
            );
            let class = eviction_class(aged.states());
            assert_eq!(self.m.evictable(), class.is_some(), "evictable: {}", why());
            assert_eq!(
                self.m.evict_class() as u8,
                class.unwrap_or(3),
                "eviction class: {}",
                why()
            );
        } else {
            assert_eq!(aged_hw[0] & 1, 0, "a gone entry is not valid: {}", why());
        }
        // Coverage.
        cov.cases += 1;
        let fired: Vec<usize> = (0..2)
            .filter(|i| c.states[*i] != e.ends[*i].state)
            .collect();
        match fired.len() {
            0 => cov.unchanged += alive as u64,
            1 => cov.one_fired += 1,
            _ => {
                let d = [0, 1].map(|i| deadline(&e.ends[i], e.last_seen, t).unwrap().0);
                if synscope_model::time::later(d[0], d[1]) {
                    cov.both_fired_lo_last += 1;
                } else {
                    cov.both_fired_hi_last += 1;
                }
            }
        }
        for i in fired {
            let (_, hs) = deadline(&e.ends[i], e.last_seen, t).unwrap();
            if hs {
                if matches!(e.ends[i].aux, Aux::Handshake { .. }) {
                    cov.handshake_clock_fired += 1;
                }
                if let Aux::Handshake { gap, .. } = e.ends[i].aux {
                    if handshake_silence(gap) > secs(t.handshake) {
                        cov.handshake_capped += 1;
                    }
                }
            }
        }
        if c.last_seen != e.last_seen {
            cov.reanchored += 1;
        }
        if !alive {
            let silent = elapsed(now, c.last_seen);
            if silent >= secs(t.idle) {
                cov.gone_idle += 1;
            } else {
                cov.gone_linger += 1;
            }
        }
        if (e.last_seen & TIME_MASK) > (now & TIME_MASK) {
            cov.wrapped += 1;
        }
    }
}

/// A random configuration that `Timeouts::validate` accepts, of random magnitude (small ones
/// often, so boundaries meet).
fn random_valid(rng: &mut Rng) -> Timeouts {
    loop {
        let pick = |rng: &mut Rng| {
            let scale = 1 + rng.below(14) as u32;
            1 + rng.below(1 << scale) as u32
        };
        let (time_wait, handshake, fin_wait_2, linger) =
            (pick(rng), pick(rng), pick(rng), pick(rng));
        let floor = time_wait.max(handshake).max(fin_wait_2) + linger + 1;
        if floor > MAX_TIMEOUT_S {
            continue;
        }
        let idle = if rng.chance(1, 3) {
            floor + rng.below(3) as u32
        } else {
            floor + rng.below((MAX_TIMEOUT_S - floor + 1) as u64) as u32
        }
        .min(MAX_TIMEOUT_S);
        let t = Timeouts {
            time_wait,
            handshake,
            fin_wait_2,
            idle,
            linger,
        };
        if t.validate().is_ok() {
            return t;
        }
    }
}

/// Ages (in ticks) at which `expire` can change its answer for an entry under `t` whose
/// handshake clocks have gaps `gaps`: every timer, every timer + linger and + idle, ±1.
fn boundaries(t: &Timeouts, gaps: [u32; 2]) -> Vec<u32> {
    let mut timers = vec![
        0,
        secs(t.time_wait),
        secs(t.fin_wait_2),
        secs(t.handshake),
        handshake_silence(0),
    ];
    for g in gaps {
        timers.push(handshake_silence(g).min(secs(t.handshake)));
    }
    let mut v = Vec::new();
    for x in timers {
        for b in [
            x,
            x + secs(t.linger),
            x + secs(t.idle),
            secs(t.linger),
            secs(t.idle),
        ] {
            for e in [b.wrapping_sub(1), b, b + 1] {
                if e <= AGE_MAX {
                    v.push(e);
                }
            }
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn random_entry(rng: &mut Rng, t: &Timeouts, now: u32, near: bool) -> Entry {
    let state = |rng: &mut Rng| {
        // Timed states more often.
        const TIMED: [TcpState; 5] = [
            TcpState::SynSent,
            TcpState::SynReceived,
            TcpState::TimeWait,
            TcpState::FinWait2,
            TcpState::Closed,
        ];
        if rng.chance(2, 3) {
            TIMED[rng.below(5) as usize]
        } else {
            TcpState::ALL[rng.below(11) as usize]
        }
    };
    let gap = |rng: &mut Rng| match rng.below(4) {
        0 => 0,
        1 => rng.below(64) as u32,
        2 => rng.below(4096) as u32,
        _ => 4095,
    };
    let gaps = [gap(rng), gap(rng)];
    let b = boundaries(t, gaps);
    let age = |rng: &mut Rng| {
        if near && rng.chance(3, 4) {
            b[rng.below(b.len() as u64) as usize]
        } else {
            rng.below(AGE_MAX as u64 + 1) as u32
        }
    };
    let last_age = age(rng);
    let mut ends = [
        EndpointTrack::new(state(rng)),
        EndpointTrack::new(state(rng)),
    ];
    for (i, end) in ends.iter_mut().enumerate() {
        end.seq = SeqKnown::Seen;
        end.nxt = rng.next_u64() as u32;
        end.max = end.nxt;
        end.aux = match rng.below(4) {
            0 => Aux::None,
            1 => Aux::Ts(rng.next_u64() as u32),
            _ => {
                // A clock older or newer than last_seen, around its own deadline.
                let a = if rng.chance(1, 2) { last_age } else { age(rng) };
                Aux::Handshake {
                    at: now.wrapping_sub(a),
                    gap: gaps[i],
                }
            }
        };
    }
    Entry {
        key: FlowKey {
            lo: Endpoint::v4(0x0a00_0001, 1000),
            hi: Endpoint::v4(0x0a00_0002, 2000),
        },
        client_is_lo: rng.chance(1, 2),
        picked_up: false,
        ends,
        last_seen: now.wrapping_sub(last_age),
    }
}

fn configs(rng: &mut Rng) -> Vec<Timeouts> {
    let mut v = vec![
        Timeouts::default(),
        Timeouts {
            time_wait: 3,
            handshake: 2,
            fin_wait_2: 4,
            idle: 10,
            linger: 1,
        },
        Timeouts {
            time_wait: 1,
            handshake: 1,
            fin_wait_2: 1,
            idle: 3,
            linger: 1,
        },
        // The largest timeouts the validation allows.
        Timeouts {
            time_wait: MAX_TIMEOUT_S - 2,
            handshake: MAX_TIMEOUT_S - 2,
            fin_wait_2: MAX_TIMEOUT_S - 2,
            idle: MAX_TIMEOUT_S,
            linger: 1,
        },
    ];
    v.extend((0..28).map(|_| random_valid(rng)));
    v
}

#[test]
fn entry_age_matches_expire_near_every_deadline() {
    let sd = seed(0x5eed_a6e0);
    let mut rng = Rng::new(sd);
    let mut dut = Dut::new();
    let mut cov = Coverage::default();
    let configs = configs(&mut rng);
    for (k, t) in configs.iter().enumerate() {
        t.validate().unwrap();
        for i in 0..6_000 {
            let now = match i % 3 {
                0 => rng.next_u64() as u32,
                // Around the wrap of the stored time and of the 32-bit time.
                1 => (rng.below(1 << 21) as u32).wrapping_sub(1 << 20),
                _ => (1 << 20) + rng.below(1 << 10) as u32,
            };
            let e = random_entry(&mut rng, t, now, true);
            let ctx = format!("config {k} case {i}, SYNSCOPE_SEED={sd}");
            dut.check(&e, now, t, &mut cov, &ctx);
        }
    }
    eprintln!(
        "entry_age near deadlines: {} configurations, {cov:?}",
        configs.len()
    );
    cov.assert_complete("near deadlines");
}

#[test]
fn entry_age_matches_expire_on_random_cases() {
    let sd = seed(0x5eed_a6e1);
    let mut rng = Rng::new(sd);
    let mut dut = Dut::new();
    let mut cov = Coverage::default();
    let mut t = random_valid(&mut rng);
    for i in 0..100_000u32 {
        if i % 64 == 0 {
            t = random_valid(&mut rng);
        }
        let now = rng.next_u64() as u32;
        let e = random_entry(&mut rng, &t, now, false);
        let ctx = format!("random case {i}, SYNSCOPE_SEED={sd}");
        dut.check(&e, now, &t, &mut cov, &ctx);
    }
    eprintln!("entry_age random: {cov:?}");
    assert!(
        cov.one_fired > 0 && cov.gone_idle > 0 && cov.unchanged > 0,
        "{cov:?}"
    );
}

/// Beyond the contract: the hardware does not rely on `Timeouts::validate`, so any 14-bit
/// configuration (zero timeouts included) ages like the model.
#[test]
fn entry_age_matches_expire_for_any_14_bit_timeouts() {
    let sd = seed(0x5eed_a6e2);
    let mut rng = Rng::new(sd);
    let mut dut = Dut::new();
    let mut cov = Coverage::default();
    for i in 0..50_000u32 {
        let pick = |rng: &mut Rng| {
            if rng.chance(1, 4) {
                rng.below(4) as u32
            } else {
                rng.below(MAX_TIMEOUT_S as u64 + 1) as u32
            }
        };
        let t = Timeouts {
            time_wait: pick(&mut rng),
            handshake: pick(&mut rng),
            fin_wait_2: pick(&mut rng),
            idle: pick(&mut rng),
            linger: pick(&mut rng),
        };
        let now = rng.next_u64() as u32;
        let near = rng.chance(1, 2);
        let e = random_entry(&mut rng, &t, now, near);
        let ctx = format!("any-config case {i}, SYNSCOPE_SEED={sd}");
        dut.check(&e, now, &t, &mut cov, &ctx);
    }
    eprintln!("entry_age any 14-bit configuration: {cov:?}");
    assert!(
        cov.one_fired > 0 && cov.gone_linger > 0 && cov.reanchored > 0,
        "{cov:?}"
    );
}

fn state_pairs() -> impl Iterator<Item = [TcpState; 2]> {
    TcpState::ALL
        .into_iter()
        .flat_map(|a| TcpState::ALL.into_iter().map(move |b| [a, b]))
}

#[test]
fn eviction_class_matches_the_model_for_all_121_state_pairs() {
    let mut m = EvictionClass::new();
    let mut seen = [0usize; 4];
    for s in state_pairs() {
        m.set_lo_state(s[0].bits() as u64);
        m.set_hi_state(s[1].bits() as u64);
        m.eval();
        let want = eviction_class(s);
        assert_eq!(m.evictable(), want.is_some(), "{s:?}");
        assert_eq!(m.evict_class() as u8, want.unwrap_or(3), "{s:?}");
        seen[want.unwrap_or(3) as usize] += 1;
    }
    // Finished: {CLOSED, TIME_WAIT}² = 4; never: [ESTABLISHED, ESTABLISHED] only.
    assert_eq!(seen[0], 4, "{seen:?}");
    assert_eq!(seen[3], 1, "{seen:?}");
    assert!(seen.iter().all(|n| *n > 0), "{seen:?}");
    assert_eq!(seen.iter().sum::<usize>(), 121);
}
