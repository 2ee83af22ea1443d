//! lookup_hasher (the command engine's bit-serial `LOOKUP` hash) under Verilator against
//! `synscope_model::hash::toeplitz`: random keys and IPv4/IPv6 tuples, edge keys and inputs
//! (zeros, ones, a single bit at either end), the RSS specification's examples, the exact
//! `LOOKUP_HASH_CYCLES` from `start` to `done`, and a `start` while busy starting over.

mod common;

use common::{seeded, Rng};
use synscope_hdl::link::engine::lookup_hasher::LOOKUP_HASH_CYCLES;
use synscope_model::descriptor::HashInput;
use synscope_model::hash::{toeplitz, DEFAULT_HASH_KEY, HASH_INPUT_BYTES, HASH_KEY_BYTES};
use synscope_model::{Endpoint, FlowKey};
use synscope_sim::be_words;
use synscope_sim::models::LookupHasher;

type Key = [u8; HASH_KEY_BYTES];

/// Present `x` and `key` with `start` for one cycle; `done` must stay low for exactly
/// `LOOKUP_HASH_CYCLES` edges after the edge that takes `start`; returns the hash then on
/// `hash`.
fn hash(m: &mut LookupHasher, key: &Key, x: &HashInput) -> u32 {
    m.set_data(be_words(&x.bytes));
    m.set_key(be_words(key));
    m.set_start(true);
    m.tick();
    m.set_start(false);
    // Inputs change under a running hash: it took them at `start`.
    m.set_data([!0; HASH_INPUT_BYTES / 4]);
    m.set_key([!0; HASH_KEY_BYTES / 4]);
    for i in 0..LOOKUP_HASH_CYCLES {
        assert!(!m.done(), "done {i} cycles after the start edge");
        m.tick();
    }
    assert!(
        m.done(),
        "not done {LOOKUP_HASH_CYCLES} cycles after the start edge"
    );
    let h = m.hash() as u32;
    // It holds the result.
    m.ticks(3);
    assert!(m.done());
    assert_eq!(m.hash() as u32, h, "hash changed while idle");
    h
}

fn check(m: &mut LookupHasher, key: &Key, x: &HashInput) {
    assert_eq!(
        hash(m, key, x),
        toeplitz(key, x.as_slice()),
        "key {key:02x?} input {:02x?}",
        x.as_slice()
    );
}

fn random_key(rng: &mut Rng) -> Key {
    let mut k = [0u8; HASH_KEY_BYTES];
    k.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
    k
}

/// A random 4-tuple's hash input, as `LOOKUP` orders it (`FlowKey::of`).
fn random_tuple(rng: &mut Rng, v6: bool) -> HashInput {
    let (a, b) = if v6 {
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

/// `len` bytes of `fill`, zeros after (an IPv4 input is 12 bytes).
fn input_of(fill: impl Fn(usize) -> u8, len: usize) -> HashInput {
    let mut bytes = [0u8; HASH_INPUT_BYTES];
    (0..len).for_each(|i| bytes[i] = fill(i));
    HashInput { bytes, len }
}

#[test]
fn done_at_power_on() {
    let m = LookupHasher::new();
    assert!(m.done());
}

#[test]
fn lookup_hasher_random_keys_and_tuples() {
    let mut rng = seeded(0x100c_4a54);
    let mut m = LookupHasher::new();
    for i in 0..400 {
        let key = if i % 4 == 0 {
            DEFAULT_HASH_KEY
        } else {
            random_key(&mut rng)
        };
        let x = random_tuple(&mut rng, i % 2 == 1);
        check(&mut m, &key, &x);
    }
}

#[test]
fn lookup_hasher_edge_keys_and_inputs() {
    let mut m = LookupHasher::new();
    let mut rng = seeded(3);
    let keys: Vec<Key> = vec![
        [0; HASH_KEY_BYTES],
        [0xff; HASH_KEY_BYTES],
        DEFAULT_HASH_KEY,
        std::array::from_fn(|i| if i == 0 { 0x80 } else { 0 }),
        std::array::from_fn(|i| if i == HASH_KEY_BYTES - 1 { 1 } else { 0 }),
        random_key(&mut rng),
    ];
    let mut inputs = Vec::new();
    for len in [12, HASH_INPUT_BYTES] {
        inputs.push(input_of(|_| 0, len));
        inputs.push(input_of(|_| 0xff, len));
        inputs.push(input_of(|i| if i == 0 { 0x80 } else { 0 }, len));
        inputs.push(input_of(|i| if i == len - 1 { 1 } else { 0 }, len));
        inputs.push(input_of(|i| (i * 29 + 7) as u8, len));
    }
    for key in &keys {
        for x in &inputs {
            check(&mut m, key, x);
        }
    }
}

/// The RSS specification's verification examples with the power-on key (also in
/// tests/toeplitz_hash.rs, for the core's pipelined hash).
#[test]
fn lookup_hasher_rss_specification_examples() {
    let mut m = LookupHasher::new();
    for (src, dst, want) in [
        ("66.9.149.187:2794", "161.142.100.80:1766", 0x51cc_c178u32),
        (
            "[3ffe:2501:200:1fff::7]:2794",
            "[3ffe:2501:200:3::1]:1766",
            0x4020_7d3d,
        ),
    ] {
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
        let x = HashInput { bytes, len: n + 4 };
        assert_eq!(hash(&mut m, &DEFAULT_HASH_KEY, &x), want, "{src} -> {dst}");
    }
}

#[test]
fn lookup_hasher_start_while_busy_starts_over() {
    let mut rng = seeded(5);
    let mut m = LookupHasher::new();
    let (k1, k2) = (random_key(&mut rng), random_key(&mut rng));
    let (x1, x2) = (random_tuple(&mut rng, true), random_tuple(&mut rng, false));
    m.set_data(be_words(&x1.bytes));
    m.set_key(be_words(&k1));
    m.set_start(true);
    m.tick();
    m.set_start(false);
    m.ticks(100);
    assert!(!m.done());
    check(&mut m, &k2, &x2);
}
