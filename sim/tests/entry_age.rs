//! entry_age under Verilator against `synscope_model::timeouts::expire` (16-bit time) and
//! eviction_class against `Entry::eviction_class`.
//!
//! The model runs on true 32-bit times; the hardware gets their low 16 bits. Every case has a
//! true elapsed time below 2¹⁶ (what the sweep guarantees), and the anchor is compared mod 2¹⁶.
//! Random streams replay with `SYNSCOPE_SEED=<seed>` (printed in every failure).

mod common;

use common::Rng;
use synscope_model::entry::{EndpointTrack, Entry};
use synscope_model::timeouts::{expire, MAX_TIMEOUT_S};
use synscope_model::{Endpoint, FlowKey, TcpState, Timeouts};
use synscope_sim::models::{EntryAge, EvictionClass};

const TIME_MASK: u32 = 0xffff;
/// Largest `last_seen` used: anchor + elapsed + timeouts stay below 2³² in the model.
const LAST_MAX: u32 = 0xfffd_0000;

/// The seed `Rng::new(default)` will use (so a failure can print it).
fn seed(default: u64) -> u64 {
    std::env::var("SYNSCOPE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
        .max(1)
}

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

fn embryonic(s: [TcpState; 2]) -> bool {
    !(s[0].is_synchronized()
        || s[1].is_synchronized()
        || (s[0] == TcpState::Closed && s[1] == TcpState::Closed))
}

/// How many cases took each path of `expire` (so a test that never reaches one fails).
#[derive(Default, Debug)]
struct Coverage {
    cases: u64,
    unchanged: u64,
    removed_without_step: u64,
    removed_after_step: u64,
    embryonic_closed: u64,
    time_wait_closed: u64,
    time_wait_then_embryonic: u64,
    wrapped: u64,
}

impl Coverage {
    fn assert_complete(&self, what: &str) {
        let c = self;
        for (name, n) in [
            ("unchanged", c.unchanged),
            ("removed without a step", c.removed_without_step),
            ("removed after a step", c.removed_after_step),
            ("embryonic -> CLOSED", c.embryonic_closed),
            ("TIME_WAIT -> CLOSED", c.time_wait_closed),
            (
                "TIME_WAIT -> CLOSED, then embryonic",
                c.time_wait_then_embryonic,
            ),
            ("16-bit time wrapped", c.wrapped),
        ] {
            assert!(n > 0, "{what}: no case of `{name}` exercised: {c:?}");
        }
    }
}

struct Dut {
    m: EntryAge,
    t: Option<Timeouts>,
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
            self.m.set_time_wait(t.time_wait as u64);
            self.m.set_embryonic(t.embryonic as u64);
            self.m.set_idle(t.idle as u64);
            self.m.set_linger(t.linger as u64);
            self.t = Some(*t);
        }
    }

    /// One case: `last`/`now` are true times (`now − last < 2¹⁶`).
    fn check(
        &mut self,
        s: [TcpState; 2],
        last: u32,
        now: u32,
        t: &Timeouts,
        cov: &mut Coverage,
        ctx: &str,
    ) {
        assert!(now >= last && now - last <= TIME_MASK);
        self.timeouts(t);
        let m = &mut self.m;
        m.set_lo_state(s[0].bits() as u64);
        m.set_hi_state(s[1].bits() as u64);
        m.set_last_seen((last & TIME_MASK) as u64);
        m.set_now((now & TIME_MASK) as u64);
        m.eval();
        let want = expire(s, last, now, t);
        let why = || {
            format!(
                "{ctx}: states {s:?}, last_seen {last} ({:#06x}), now {now} ({:#06x}), \
                 elapsed {}, {t:?}: model {want:?}",
                last & TIME_MASK,
                now & TIME_MASK,
                now - last
            )
        };
        let got_states = [
            TcpState::from_bits(m.new_lo_state() as u8),
            TcpState::from_bits(m.new_hi_state() as u8),
        ];
        assert_eq!(m.alive(), want.is_some(), "alive: {}", why());
        match want {
            Some((states, anchor)) => {
                assert_eq!(got_states, states.map(Some), "states: {}", why());
                assert_eq!(
                    m.new_last_seen() as u32,
                    anchor & TIME_MASK,
                    "anchor: {}",
                    why()
                );
                assert_eq!(
                    [m.lo_changed(), m.hi_changed()],
                    [states[0] != s[0], states[1] != s[1]],
                    "changed: {}",
                    why()
                );
                assert_eq!(
                    m.age() as u32,
                    now.wrapping_sub(anchor) & TIME_MASK,
                    "age: {}",
                    why()
                );
                let class = eviction_class(states);
                assert_eq!(m.evictable(), class.is_some(), "evictable: {}", why());
                if let Some(c) = class {
                    assert_eq!(m.evict_class() as u8, c, "eviction class: {}", why());
                } else {
                    assert_eq!(m.evict_class(), 3, "eviction class (never): {}", why());
                }
                if states == s {
                    cov.unchanged += 1;
                } else if embryonic(s) {
                    cov.embryonic_closed += 1;
                } else if states == [TcpState::Closed; 2]
                    && s.iter().any(|x| {
                        matches!(
                            x,
                            TcpState::Listen | TcpState::SynSent | TcpState::SynReceived
                        )
                    })
                {
                    cov.time_wait_then_embryonic += 1;
                } else {
                    cov.time_wait_closed += 1;
                }
            }
            None => {
                assert_eq!(
                    [m.lo_changed(), m.hi_changed()],
                    [false, false],
                    "changed of a removed entry: {}",
                    why()
                );
                if embryonic(s) && now - last >= t.embryonic
                    || s.contains(&TcpState::TimeWait) && now - last >= t.time_wait
                {
                    cov.removed_after_step += 1;
                } else {
                    cov.removed_without_step += 1;
                }
            }
        }
        cov.cases += 1;
        if (last & TIME_MASK) + (now - last) > TIME_MASK {
            cov.wrapped += 1;
        }
    }
}

/// A random configuration that `Timeouts::validate` accepts, of random magnitude (small ones
/// often, so boundaries meet).
fn random_valid(rng: &mut Rng) -> Timeouts {
    loop {
        let pick = |rng: &mut Rng| {
            let scale = 1 + rng.below(15) as u32;
            1 + rng.below(1 << scale) as u32
        };
        let time_wait = pick(rng);
        let embryonic = pick(rng);
        let linger = pick(rng);
        let floor = time_wait.max(embryonic) + linger + 1;
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
            embryonic,
            idle,
            linger,
        };
        if t.validate().is_ok() {
            return t;
        }
    }
}

/// Every elapsed time at which `expire` can change its answer under `t`, ±1, and the extremes.
fn boundaries(t: &Timeouts) -> Vec<u32> {
    let (tw, emb, idle, lin) = (t.time_wait, t.embryonic, t.idle, t.linger);
    let mut v = Vec::new();
    for b in [
        0,
        tw,
        emb,
        lin,
        idle,
        emb + lin,
        emb + idle,
        tw + lin,
        tw + idle,
        tw + emb,
        tw + emb + lin,
        tw + emb + idle,
        MAX_TIMEOUT_S,
        TIME_MASK,
    ] {
        for e in [b.wrapping_sub(1), b, b + 1] {
            if e <= TIME_MASK {
                v.push(e);
            }
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn state_pairs() -> impl Iterator<Item = [TcpState; 2]> {
    TcpState::ALL
        .into_iter()
        .flat_map(|a| TcpState::ALL.into_iter().map(move |b| [a, b]))
}

#[test]
fn entry_age_matches_expire_on_every_boundary() {
    let sd = seed(0x5eed_a6e0);
    let mut rng = Rng::new(sd);
    let mut configs = vec![
        Timeouts::default(),
        Timeouts {
            time_wait: 3,
            embryonic: 2,
            idle: 10,
            linger: 1,
        },
        Timeouts {
            time_wait: 1,
            embryonic: 1,
            idle: 3,
            linger: 1,
        },
        // The largest sums the validation allows.
        Timeouts {
            time_wait: 16383,
            embryonic: 16383,
            idle: MAX_TIMEOUT_S,
            linger: 1,
        },
        Timeouts {
            time_wait: 1,
            embryonic: MAX_TIMEOUT_S - 3,
            idle: MAX_TIMEOUT_S,
            linger: 2,
        },
    ];
    configs.extend((0..24).map(|_| random_valid(&mut rng)));
    let bases = [0u32, 1, 40_000, 65_530, TIME_MASK, 0x7fff_ff00, LAST_MAX];
    let mut dut = Dut::new();
    let mut cov = Coverage::default();
    for t in &configs {
        t.validate().unwrap();
        let es = boundaries(t);
        for s in state_pairs() {
            for &e in &es {
                for &base in &bases {
                    let ctx = format!("boundary grid, SYNSCOPE_SEED={sd}");
                    dut.check(s, base, base + e, t, &mut cov, &ctx);
                }
            }
        }
    }
    eprintln!(
        "entry_age boundary grid: {} configurations, {cov:?}",
        configs.len()
    );
    cov.assert_complete("boundary grid");
}

#[test]
fn entry_age_matches_expire_on_random_cases() {
    let sd = seed(0x5eed_a6e1);
    let mut rng = Rng::new(sd);
    let mut dut = Dut::new();
    let mut cov = Coverage::default();
    let mut t = random_valid(&mut rng);
    for i in 0..200_000u32 {
        if i % 64 == 0 {
            t = random_valid(&mut rng);
        }
        let s = [
            TcpState::ALL[rng.below(11) as usize],
            TcpState::ALL[rng.below(11) as usize],
        ];
        let last = rng.below(LAST_MAX as u64 + 1) as u32;
        let e = match rng.below(4) {
            0 | 1 => rng.below(TIME_MASK as u64 + 1) as u32,
            2 => {
                let b = boundaries(&t);
                let b = b[rng.below(b.len() as u64) as usize];
                (b + rng.below(5) as u32).saturating_sub(2).min(TIME_MASK)
            }
            _ => rng
                .below((t.time_wait + t.embryonic + t.linger + t.idle).min(TIME_MASK) as u64 + 1)
                as u32,
        };
        let ctx = format!("random case {i}, SYNSCOPE_SEED={sd}");
        dut.check(s, last, last + e, &t, &mut cov, &ctx);
    }
    eprintln!("entry_age random: {cov:?}");
    cov.assert_complete("random cases");
}

/// Beyond the contract: the hardware does not rely on `Timeouts::validate`, so any 15-bit
/// configuration (zero timeouts included) ages like the model.
#[test]
fn entry_age_matches_expire_for_any_15_bit_timeouts() {
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
            embryonic: pick(&mut rng),
            idle: pick(&mut rng),
            linger: pick(&mut rng),
        };
        let s = [
            TcpState::ALL[rng.below(11) as usize],
            TcpState::ALL[rng.below(11) as usize],
        ];
        let last = rng.below(LAST_MAX as u64 + 1) as u32;
        let b = boundaries(&t);
        let e = if rng.chance(1, 2) {
            b[rng.below(b.len() as u64) as usize]
        } else {
            rng.below(TIME_MASK as u64 + 1) as u32
        };
        let ctx = format!("any-config case {i}, SYNSCOPE_SEED={sd}");
        dut.check(s, last, last + e, &t, &mut cov, &ctx);
    }
    eprintln!("entry_age any 15-bit configuration: {cov:?}");
    assert!(cov.removed_after_step > 0 && cov.time_wait_closed > 0 && cov.embryonic_closed > 0);
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
