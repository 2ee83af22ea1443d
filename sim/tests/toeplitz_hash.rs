//! toeplitz_hash under Verilator against `synscope_model::hash::toeplitz`: back-to-back inputs,
//! the documented latency, key changes at run time, bubbles, and reset.

mod common;

use common::{seeded, Rng};
use std::collections::VecDeque;
use std::time::Instant;
use synscope_hdl::conn::toeplitz_hash::LATENCY;
use synscope_model::descriptor::HashInput;
use synscope_model::hash::{toeplitz, DEFAULT_HASH_KEY, HASH_INPUT_BYTES, HASH_KEY_BYTES};
use synscope_model::{Endpoint, FlowKey};
use synscope_sim::be_words;
use synscope_sim::models::ToeplitzHash;

type Key = [u8; HASH_KEY_BYTES];

/// Inputs of one cycle.
#[derive(Clone, Copy, Default)]
struct Cycle {
    input: Option<HashInput>,
    key_load: Option<Key>,
}

/// The input port's value (`toeplitz_hash::input_word`: the bytes at the top, zeros after).
fn data(x: &HashInput) -> [u32; HASH_INPUT_BYTES / 4] {
    be_words(&x.bytes)
}

fn key_port(k: &Key) -> [u32; HASH_KEY_BYTES / 4] {
    be_words(k)
}

fn random_key(rng: &mut Rng) -> Key {
    let mut k = [0u8; HASH_KEY_BYTES];
    k.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
    k
}

/// Drive `cycles` one per clock and check every output cycle: `out_valid` exactly `LATENCY`
/// cycles after an input, with the hash under the key in force when the input was presented
/// (a `key_load` in the same cycle counts). Returns the number of hashes checked.
fn run(m: &mut ToeplitzHash, key: &mut Key, cycles: &[Cycle]) -> usize {
    let mut due: VecDeque<Option<u32>> = VecDeque::new();
    let mut checked = 0;
    for c in cycles
        .iter()
        .copied()
        .chain(std::iter::repeat(Cycle::default()).take(LATENCY))
    {
        if due.len() == LATENCY {
            let want = due.pop_front().unwrap();
            assert_eq!(m.out_valid(), want.is_some(), "out_valid at t={}", m.time());
            if let Some(h) = want {
                assert_eq!(m.hash() as u32, h, "hash at t={}", m.time());
                checked += 1;
            }
        }
        if let Some(k) = c.key_load {
            *key = k;
        }
        m.set_key_load(c.key_load.is_some());
        m.set_key(key_port(&c.key_load.unwrap_or([0; HASH_KEY_BYTES])));
        m.set_in_valid(c.input.is_some());
        m.set_data(c.input.map(|b| data(&b)).unwrap_or_default());
        due.push_back(c.input.map(|b| toeplitz(key, b.as_slice())));
        m.tick();
    }
    checked
}

/// A random 4-tuple's hash input: IPv4 or IPv6 alike.
fn random_tuple(rng: &mut Rng) -> HashInput {
    let (a, b) = if rng.chance(1, 2) {
        (
            Endpoint::v6(rng.next_u128(), rng.next_u64() as u16),
            Endpoint::v6(rng.next_u128(), rng.next_u64() as u16),
        )
    } else {
        (
            Endpoint::v4(rng.next_u64() as u32, rng.next_u64() as u16),
            Endpoint::v4(rng.next_u64() as u32, rng.next_u64() as u16),
        )
    };
    FlowKey::of(a, b).0.hash_input()
}

/// The RSS specification's input (source, destination, ports), as a hash input.
fn rss_input(src: &str, dst: &str) -> HashInput {
    let (s, d): (Endpoint, Endpoint) = (src.parse().unwrap(), dst.parse().unwrap());
    let mut bytes = [0u8; HASH_INPUT_BYTES];
    let n = if s.is_v6() {
        bytes[..16].copy_from_slice(&s.addr_bits().to_be_bytes());
        bytes[16..32].copy_from_slice(&d.addr_bits().to_be_bytes());
        32
    } else {
        bytes[..4].copy_from_slice(&(s.addr_bits() as u32).to_be_bytes());
        bytes[4..8].copy_from_slice(&(d.addr_bits() as u32).to_be_bytes());
        8
    };
    bytes[n..n + 2].copy_from_slice(&s.port.to_be_bytes());
    bytes[n + 2..n + 4].copy_from_slice(&d.port.to_be_bytes());
    HashInput { bytes, len: n + 4 }
}

#[test]
fn rss_specification_examples_with_the_power_on_key() {
    for (src, dst, want) in [
        ("66.9.149.187:2794", "161.142.100.80:1766", 0x51cc_c178u64),
        (
            "[3ffe:2501:200:1fff::7]:2794",
            "[3ffe:2501:200:3::1]:1766",
            0x4020_7d3d,
        ),
        (
            "[3ffe:1900:4545:3:200:f8ff:fe21:67cf]:44251",
            "[fe80::200:f8ff:fe21:67cf]:38024",
            0x02d1_feef,
        ),
    ] {
        let input = rss_input(src, dst);
        let mut key = DEFAULT_HASH_KEY;
        let c = Cycle {
            input: Some(input),
            key_load: None,
        };
        let mut m = ToeplitzHash::new();
        assert_eq!(run(&mut m, &mut key, &[c]), 1);
        // And the value itself, not only agreement with the model.
        let mut m = ToeplitzHash::new();
        m.set_data(data(&input));
        m.set_in_valid(true);
        m.tick();
        m.set_in_valid(false);
        for _ in 1..LATENCY {
            assert!(!m.out_valid());
            m.tick();
        }
        assert!(m.out_valid());
        assert_eq!(m.hash(), want, "{src} -> {dst}");
    }
}

#[test]
fn toeplitz_back_to_back_random_keys_and_tuples() {
    let mut rng = seeded(0x70e9_1172);
    let mut m = ToeplitzHash::new();
    let mut key = DEFAULT_HASH_KEY;
    // 20,000 inputs one per clock; a new random key every ~500 cycles, loaded in a cycle that
    // also carries an input (the new key applies to it) or in an idle cycle.
    let cycles: Vec<Cycle> = (0..20_000)
        .map(|_| Cycle {
            input: if rng.chance(1, 200) {
                None
            } else {
                Some(random_tuple(&mut rng))
            },
            key_load: rng.chance(1, 500).then(|| random_key(&mut rng)),
        })
        .collect();
    let loads = cycles.iter().filter(|c| c.key_load.is_some()).count();
    assert!(loads >= 10, "only {loads} key loads");
    let t = Instant::now();
    let checked = run(&mut m, &mut key, &cycles);
    let secs = t.elapsed().as_secs_f64();
    assert!(checked >= 19_000, "{checked}");
    eprintln!(
        "toeplitz_hash: {checked} hashes checked, {loads} key loads, {:.2} M cycles/s incl. model",
        cycles.len() as f64 / secs / 1e6
    );
}

#[test]
fn toeplitz_key_change_takes_effect_exactly_at_the_load_cycle() {
    let mut m = ToeplitzHash::new();
    let mut key = DEFAULT_HASH_KEY;
    let mut rng = seeded(7);
    let k2 = random_key(&mut rng);
    let x = random_tuple(&mut rng);
    // The same tuple every cycle; the key changes under a full pipeline.
    let cycles: Vec<Cycle> = (0..8)
        .map(|i| Cycle {
            input: Some(x),
            key_load: (i == 4).then_some(k2),
        })
        .collect();
    assert_eq!(run(&mut m, &mut key, &cycles), 8);
    assert_ne!(
        toeplitz(&DEFAULT_HASH_KEY, x.as_slice()),
        toeplitz(&k2, x.as_slice()),
        "pick a tuple whose hash differs under the two keys"
    );
}

#[test]
fn toeplitz_reset_empties_the_pipeline_but_keeps_the_key() {
    let mut m = ToeplitzHash::new();
    let mut rng = seeded(11);
    let k = random_key(&mut rng);
    m.set_key(key_port(&k));
    m.set_key_load(true);
    m.tick();
    m.set_key_load(false);
    m.set_data(data(&random_tuple(&mut rng)));
    m.set_in_valid(true);
    m.tick();
    m.tick();
    m.set_in_valid(false);
    m.set_reset(true);
    m.tick();
    m.set_reset(false);
    for _ in 0..LATENCY + 1 {
        assert!(!m.out_valid());
        m.tick();
    }
    let mut key = k;
    let c = Cycle {
        input: Some(random_tuple(&mut rng)),
        key_load: None,
    };
    assert_eq!(run(&mut m, &mut key, &[c]), 1);
}
