//! way_pair (stage C1 for one pair of ways, docs/core.md "Pipeline") under Verilator against
//! the model: for pairs as the table holds them (two IPv4 entries or free ways, or an IPv6
//! entry's head and continuation), read from the RAM or forwarded from the last write-back,
//! from a bucket of the current epoch or a stale one, and keys that hit either way, miss by
//! one field, or differ only in an IPv6 address's top bits:
//!
//! * this cycle, `*_keq` is `FlowKey` equality with the way's entry (an IPv6 key compares its
//!   continuation's top bits; the odd way holds IPv4 keys only) and `*_match` adds that the
//!   entry is alive at the item's time (`timeouts::expire`);
//! * after the edge, each way aged as `expire` ages it (a continuation lives and dies with its
//!   head and ranks `CLASS_NEVER`), its eviction class (`Entry::eviction_class`) and age, its
//!   states as read for the gauges, and whether the odd way held a continuation.
//!
//! Random streams replay with `SYNSCOPE_SEED=<seed>`.

mod common;

use common::{seed, seeded, timeout_word, Rng};
use rust_hdl::prelude::{Bits, Synth, ToBits};
use synscope_hdl::conn::counter_bank::WaySnap;
use synscope_hdl::conn::entry::{
    u32s_of_words, unpack_bits, words_of_u32s, ContBits, EntryBits, STATE_BITS, TIME_BITS, WORDS,
};
use synscope_hdl::conn::entry_age::CLASS_NEVER;
use synscope_hdl::conn::way_pair::WayKey;
use synscope_model::entry::{Aux, EndpointTrack, Entry, SeqKnown};
use synscope_model::time::{elapsed, secs};
use synscope_model::timeouts::{expire, Aged};
use synscope_model::{Endpoint, FlowKey, TcpState, Timeouts};
use synscope_sim::models::WayPair;

const CASES: usize = 50_000;
const TIME_MASK: u32 = (1 << TIME_BITS) - 1;
const ENTRY_WORDS: usize = 15;
const KEY_WORDS: usize = 10;
/// Short timeouts, so that ages drawn up to `idle` + a little reach every path of `expire`.
const TIMEOUTS: Timeouts = Timeouts {
    time_wait: 3,
    handshake: 2,
    fin_wait_2: 4,
    idle: 10,
    linger: 1,
};

/// What a way holds.
#[derive(Clone, Copy, Debug)]
enum Held {
    Free,
    V4(Entry),
    /// The odd way of an IPv6 entry whose head is in the even way.
    Cont,
}

/// A pair as the table holds it: an IPv4 entry or nothing in each way, or an IPv6 entry: its
/// head in the even way and its continuation (`Held::Cont`) in the odd one.
#[derive(Clone, Copy, Debug)]
struct Pair {
    even: Option<Entry>,
    odd: Held,
}

/// `b` as Verilator's 32-bit words, least significant first.
fn u32s<const W: usize, const N: usize>(b: Bits<W>) -> [u32; N] {
    let mut w = [0u32; N];
    for i in 0..W {
        if b.get_bit(i) {
            w[i / 32] |= 1 << (i % 32);
        }
    }
    w
}

fn key_word(k: &FlowKey) -> [u32; KEY_WORDS] {
    let (lo, hi) = (k.lo.addr_bits(), k.hi.addr_bits());
    let top = |a: u128| (a >> 32).to_bits();
    let key = WayKey {
        v6: k.is_v6(),
        lo_ip: (lo as u32 as u64).to_bits(),
        lo_top: top(lo),
        lo_port: u64::from(k.lo.port).to_bits(),
        hi_ip: (hi as u32 as u64).to_bits(),
        hi_top: top(hi),
        hi_port: u64::from(k.hi.port).to_bits(),
    };
    let b: Bits<{ <WayKey as Synth>::BITS }> = key.into();
    u32s(b)
}

fn entry_words(e: &EntryBits) -> [u32; ENTRY_WORDS] {
    u32s_of_words::<ENTRY_WORDS>(&e.words())
}

/// A word of random bits with `valid` low: a free way (its fields mean nothing).
fn free_word(rng: &mut Rng) -> EntryBits {
    let mut w = [0u64; WORDS];
    for x in w.iter_mut() {
        *x = rng.next_u64();
    }
    let mut e = unpack_bits(&w);
    e.valid = false;
    e
}

/// Addresses from a small pool, so that keys collide in all but one field.
fn address(rng: &mut Rng, v6: bool) -> Endpoint {
    let port = [80, 443, 5000, 5001][rng.below(4) as usize];
    let low = [0x0a00_0001u32, 0x0a00_0002][rng.below(2) as usize];
    if v6 {
        let top = [0x2001_0db8u128 << 64, 0xfe80u128 << 112][rng.below(2) as usize];
        Endpoint::v6(top | u128::from(low), port)
    } else {
        Endpoint::v4(low, port)
    }
}

fn flow_key(rng: &mut Rng, v6: bool) -> FlowKey {
    let (a, b) = (address(rng, v6), address(rng, v6));
    FlowKey {
        lo: a.min(b),
        hi: a.max(b),
    }
}

/// An entry of `key` last seen up to a little past the idle timeout before `now`, in any
/// pair of states, with handshake clocks, timestamps or nothing beside them.
fn entry(rng: &mut Rng, key: FlowKey, now: u32) -> Entry {
    let age = |rng: &mut Rng| rng.below(u64::from(secs(TIMEOUTS.idle + 3))) as u32;
    let last_age = age(rng);
    let mut ends = [0, 1].map(|_| EndpointTrack::new(TcpState::ALL[rng.below(11) as usize]));
    for end in ends.iter_mut() {
        end.seq = SeqKnown::Seen;
        end.nxt = rng.next_u32();
        end.max = end.nxt;
        end.aux = match rng.below(3) {
            0 => Aux::None,
            1 => Aux::Ts(rng.next_u32()),
            _ => Aux::Handshake {
                at: now.wrapping_sub(age(rng).min(last_age)),
                gap: rng.below(64) as u32,
            },
        };
    }
    Entry {
        key,
        client_is_lo: rng.chance(1, 2),
        picked_up: false,
        ends,
        last_seen: now.wrapping_sub(last_age),
    }
}

fn pair(rng: &mut Rng, now: u32) -> Pair {
    if rng.chance(1, 3) {
        let k = flow_key(rng, true);
        return Pair {
            even: Some(entry(rng, k, now)),
            odd: Held::Cont,
        };
    }
    let v4 = |rng: &mut Rng| {
        rng.chance(4, 5).then(|| {
            let k = flow_key(rng, false);
            entry(rng, k, now)
        })
    };
    let even = v4(rng);
    let odd = v4(rng).map_or(Held::Free, Held::V4);
    Pair { even, odd }
}

/// The key looked for: a way's own, the IPv6 entry's with other top bits or as IPv4 (its
/// low bits), or one from the pool.
fn search_key(rng: &mut Rng, p: &Pair) -> FlowKey {
    let odd = match p.odd {
        Held::V4(e) => Some(e.key),
        _ => None,
    };
    let own = [p.even.map(|e| e.key), odd];
    match rng.below(5) {
        0 | 1 => own[rng.below(2) as usize].unwrap_or_else(|| flow_key(rng, false)),
        2 => match (p.even, p.odd) {
            (Some(e), Held::Cont) => {
                let mut k = e.key;
                let flip = 1u128 << (32 + rng.below(96));
                let a = if rng.chance(1, 2) {
                    &mut k.lo
                } else {
                    &mut k.hi
                };
                *a = Endpoint::v6(a.addr_bits() ^ flip, a.port);
                k
            }
            _ => flow_key(rng, true),
        },
        3 => match p.even {
            Some(e) => FlowKey {
                lo: Endpoint::v4(e.key.lo.addr_bits() as u32, e.key.lo.port),
                hi: Endpoint::v4(e.key.hi.addr_bits() as u32, e.key.hi.port),
            },
            None => flow_key(rng, false),
        },
        _ => {
            let v6 = rng.chance(1, 2);
            flow_key(rng, v6)
        }
    }
}

/// What one way must show after the edge.
struct WayWant {
    /// The entry aged (alive), or `None` (gone or free).
    aged: Option<Entry>,
    keq: bool,
}

fn want(e: Option<&Entry>, key: &FlowKey, now: u32) -> WayWant {
    let Some(e) = e else {
        return WayWant {
            aged: None,
            keq: false,
        };
    };
    let aged = match expire(e.clocks(), now, &TIMEOUTS) {
        Aged::Alive(c) => {
            let mut a = *e;
            a.set_clocks(c);
            Some(a)
        }
        Aged::Gone(_) => None,
    };
    WayWant {
        aged,
        keq: e.key == *key,
    }
}

struct Coverage {
    hits: usize,
    v6_hits: usize,
    top_misses: usize,
    dead_hits: usize,
    odd_hits: usize,
}

/// Drive one case and check the block against the model.
fn check(m: &mut WayPair, rng: &mut Rng, cov: &mut Coverage, ctx: &str) {
    let now = rng.next_u32();
    let p = pair(rng, now);
    let key = search_key(rng, &p);
    let (stale, use_fwd) = (rng.chance(1, 10), rng.chance(1, 3));
    let even_word = p.even.map_or_else(|| free_word(rng), |e| EntryBits::of(&e));
    let odd_word = match p.odd {
        Held::Free => free_word(rng),
        Held::V4(e) => EntryBits::of(&e),
        Held::Cont => ContBits::of(&p.even.unwrap()).unwrap().as_entry(),
    };
    let (other_even, other_odd) = (free_word(rng), free_word(rng));
    let (read, fwd) = if use_fwd {
        ((other_even, other_odd), (even_word, odd_word))
    } else {
        ((even_word, odd_word), (other_even, other_odd))
    };
    m.set_even_read(entry_words(&read.0));
    m.set_odd_read(entry_words(&read.1));
    m.set_even_fwd(entry_words(&fwd.0));
    m.set_odd_fwd(entry_words(&fwd.1));
    m.set_use_fwd(use_fwd);
    m.set_stale(stale);
    m.set_now(u64::from(now & TIME_MASK));
    m.set_timeouts(timeout_word(&TIMEOUTS));
    m.set_key(key_word(&key));
    m.eval();

    // A stale bucket reads as empty.
    let (even, odd) = if stale {
        (None, Held::Free)
    } else {
        (p.even, p.odd)
    };
    let odd_entry = match odd {
        Held::V4(e) => Some(e),
        _ => None,
    };
    let cont = matches!(odd, Held::Cont);
    let we = want(even.as_ref(), &key, now);
    let wo = want(odd_entry.as_ref(), &key, now);
    let why = || format!("{ctx}: pair {p:?}, key {key:?}, now {now}, stale {stale}");
    assert_eq!(m.even_keq(), we.keq, "even_keq: {}", why());
    assert_eq!(m.odd_keq(), wo.keq, "odd_keq: {}", why());
    assert_eq!(
        m.even_match(),
        we.keq && we.aged.is_some(),
        "even_match: {}",
        why()
    );
    assert_eq!(
        m.odd_match(),
        wo.keq && wo.aged.is_some(),
        "odd_match: {}",
        why()
    );
    cov.hits += usize::from(we.keq || wo.keq);
    cov.v6_hits += usize::from(we.keq && key.is_v6());
    cov.dead_hits += usize::from(we.keq && we.aged.is_none());
    cov.odd_hits += usize::from(wo.keq);
    if let (Some(e), true) = (even, cont) {
        let same_low = e.key.lo.port == key.lo.port
            && e.key.hi.port == key.hi.port
            && e.key.lo.addr_bits() as u32 == key.lo.addr_bits() as u32
            && e.key.hi.addr_bits() as u32 == key.hi.addr_bits() as u32;
        cov.top_misses += usize::from(same_low && key.is_v6() && e.key != key);
    }

    m.tick();
    check_aged(
        "even",
        &we,
        m.even_aged(),
        m.even_class(),
        m.even_age(),
        now,
        &why,
    );
    if cont {
        let mut c = ContBits::of(&even.unwrap()).unwrap().as_entry();
        c.valid = we.aged.is_some();
        let hw = unpack_bits(&words_of_u32s(&m.odd_aged()));
        assert_eq!(hw, c, "odd_aged (a continuation): {}", why());
        assert_eq!(m.odd_class(), CLASS_NEVER, "odd_class: {}", why());
    } else {
        check_aged(
            "odd",
            &wo,
            m.odd_aged(),
            m.odd_class(),
            m.odd_age(),
            now,
            &why,
        );
    }
    assert_eq!(m.odd_cont(), cont, "odd_cont: {}", why());
    check_snap(m.even_old(), even.as_ref(), "even_old", &why);
    check_snap(m.odd_old(), odd_entry.as_ref(), "odd_old", &why);
}

fn check_aged(
    way: &str,
    w: &WayWant,
    aged_hw: [u32; ENTRY_WORDS],
    class: u64,
    age: u64,
    now: u32,
    why: &dyn Fn() -> String,
) {
    let words = words_of_u32s(&aged_hw);
    match &w.aged {
        Some(a) => {
            assert_eq!(words, a.pack(), "{way}_aged: {}", why());
            assert_eq!(
                age as u32,
                elapsed(now, a.last_seen) & TIME_MASK,
                "{way}_age: {}",
                why()
            );
            let class_want = a.eviction_class().map_or(CLASS_NEVER, u64::from);
            assert_eq!(class, class_want, "{way}_class: {}", why());
        }
        None => assert_eq!(words[0] & 1, 0, "{way}_aged is not valid: {}", why()),
    }
}

/// The gauges' snapshot of a way as read: valid for an entry of its own, its role and states.
fn check_snap(hw: u64, e: Option<&Entry>, port: &str, why: &dyn Fn() -> String) {
    let valid = hw & 1 == 1;
    assert_eq!(valid, e.is_some(), "{port} valid: {}", why());
    if let Some(e) = e {
        let at = WaySnap::default();
        let field = |offset: usize| hw >> offset & ((1 << STATE_BITS) - 1);
        let client_is_lo = hw >> at.get_my_offset_client_is_lo() & 1 == 1;
        assert_eq!(client_is_lo, e.client_is_lo, "{port} role: {}", why());
        let states = [
            field(at.get_my_offset_lo_state()),
            field(at.get_my_offset_hi_state()),
        ];
        let want = e.states().map(|s| s as u64);
        assert_eq!(states, want, "{port} states: {}", why());
    }
}

#[test]
fn way_pair_matches_the_model_on_random_pairs() {
    let mut rng = seeded(0x3a7_9a12);
    let mut m = WayPair::new();
    let mut cov = Coverage {
        hits: 0,
        v6_hits: 0,
        top_misses: 0,
        dead_hits: 0,
        odd_hits: 0,
    };
    for case in 0..CASES {
        let ctx = format!("case {case} (SYNSCOPE_SEED={})", seed(0x3a7_9a12));
        check(&mut m, &mut rng, &mut cov, &ctx);
    }
    // Every kind of compare occurred often.
    for (what, n) in [
        ("hits", cov.hits),
        ("IPv6 hits", cov.v6_hits),
        ("IPv6 keys missing by their top bits only", cov.top_misses),
        ("hits on a dead entry", cov.dead_hits),
        ("hits in the odd way", cov.odd_hits),
    ] {
        assert!(n > CASES / 100, "{what}: {n} of {CASES}");
    }
}
