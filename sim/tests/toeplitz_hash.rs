//! toeplitz_hash under Verilator against `synscope_model::hash::toeplitz`: back-to-back inputs,
//! the documented latency, key changes at run time, bubbles, and reset.

mod common;

use common::Rng;
use std::collections::VecDeque;
use std::time::Instant;
use synscope_hdl::toeplitz_hash::{input_word, key_word, LATENCY};
use synscope_model::hash::{toeplitz, DEFAULT_HASH_KEY};
use synscope_model::{Endpoint, FlowKey};
use synscope_sim::models::ToeplitzHash;

/// Inputs of one cycle.
#[derive(Clone, Copy, Default)]
struct Cycle {
    input: Option<[u8; 12]>,
    key_load: Option<u128>,
}

/// Drive `cycles` one per clock and check every output cycle: `out_valid` exactly `LATENCY`
/// cycles after an input, with the hash under the key in force when the input was presented
/// (a `key_load` in the same cycle counts). Returns the number of hashes checked.
fn run(m: &mut ToeplitzHash, key: &mut u128, cycles: &[Cycle]) -> usize {
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
        m.set_key(c.key_load.unwrap_or(0));
        m.set_in_valid(c.input.is_some());
        m.set_data(c.input.map(|b| input_word(&b)).unwrap_or(0));
        due.push_back(c.input.map(|b| toeplitz(&key.to_be_bytes(), &b)));
        m.tick();
    }
    checked
}

fn random_tuple(rng: &mut Rng) -> [u8; 12] {
    let a = Endpoint::new(rng.next_u64() as u32, rng.next_u64() as u16);
    let b = Endpoint::new(rng.next_u64() as u32, rng.next_u64() as u16);
    FlowKey::of(a, b).0.hash_input()
}

#[test]
fn rss_specification_example_with_the_power_on_key() {
    let mut m = ToeplitzHash::new();
    let mut key = key_word(&DEFAULT_HASH_KEY);
    let mut input = [0u8; 12];
    input[0..4].copy_from_slice(&[66, 9, 149, 187]);
    input[4..8].copy_from_slice(&[161, 142, 100, 80]);
    input[8..10].copy_from_slice(&2794u16.to_be_bytes());
    input[10..12].copy_from_slice(&1766u16.to_be_bytes());
    let c = Cycle {
        input: Some(input),
        key_load: None,
    };
    assert_eq!(run(&mut m, &mut key, &[c]), 1);
    // And the value itself, not only agreement with the model.
    let mut m = ToeplitzHash::new();
    m.set_data(input_word(&input));
    m.set_in_valid(true);
    m.tick();
    m.set_in_valid(false);
    for _ in 1..LATENCY {
        assert!(!m.out_valid());
        m.tick();
    }
    assert!(m.out_valid());
    assert_eq!(m.hash(), 0x51cc_c178);
}

#[test]
fn toeplitz_back_to_back_random_keys_and_tuples() {
    let mut rng = Rng::new(0x70e9_1172);
    let mut m = ToeplitzHash::new();
    let mut key = key_word(&DEFAULT_HASH_KEY);
    // 20,000 inputs one per clock; a new random key every ~500 cycles, loaded in a cycle that
    // also carries an input (the new key applies to it) or in an idle cycle.
    let cycles: Vec<Cycle> = (0..20_000)
        .map(|_| Cycle {
            input: if rng.chance(1, 200) {
                None
            } else {
                Some(random_tuple(&mut rng))
            },
            key_load: rng.chance(1, 500).then(|| rng.next_u128()),
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
    let mut key = key_word(&DEFAULT_HASH_KEY);
    let mut rng = Rng::new(7);
    let k2 = rng.next_u128();
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
        toeplitz(&DEFAULT_HASH_KEY, &x),
        toeplitz(&k2.to_be_bytes(), &x),
        "pick a tuple whose hash differs under the two keys"
    );
}

#[test]
fn toeplitz_reset_empties_the_pipeline_but_keeps_the_key() {
    let mut m = ToeplitzHash::new();
    let mut rng = Rng::new(11);
    let k = rng.next_u128();
    m.set_key(k);
    m.set_key_load(true);
    m.tick();
    m.set_key_load(false);
    m.set_data(input_word(&random_tuple(&mut rng)));
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
