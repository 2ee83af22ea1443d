//! `toeplitz_hash`: the keyed Toeplitz (RSS) hash of a connection key, pipelined.
//!
//! Exactly `synscope_model::hash::toeplitz` over `FlowKey::hash_input`: the 36 bytes of an
//! IPv6 4-tuple, or the 12 of an IPv4 one followed by 24 zero bytes (a zero input bit XORs in
//! nothing, so that is the IPv4 hash). The hash is linear over GF(2): with the input as a
//! 288-bit big-endian number `x` (bit 287 = the first byte's MSB) and the key as a 320-bit
//! big-endian number `k`,
//!
//! ```text
//! hash[j] = ^(x & k[j+1 +: 288])        for j in 0..32
//! ```
//!
//! i.e. a 576-input parity per output bit, computed in three registered stages:
//! 1. [`GROUPS`] partial parities of [`GROUP_BITS`] input bits each (3 data + 3 key bits:
//!    exactly one LUT6 per partial, 3072 LUTs);
//! 2. the 96 partials of each output bit folded 6 to 1 into [`FOLDED_WORDS`] words (512 LUTs);
//! 3. those 16 folded into the hash (two LUT levels, 96 LUTs).
//!
//! Each stage's register loads only at an edge where an input is in the stage (its `valid`),
//! and holds otherwise: `hash` keeps the last input's hash until the next one comes out, and is
//! read only with `out_valid`. The enables cost no logic (the flip-flops' CE pins); they keep
//! 3,616 flip-flops from switching while the core is idle, and the Verilated model from
//! evaluating the stages on those cycles.
//!
//! The IPv4-only core (96 input bits) measured 1248 LUTs with one LUT per stage; coarser cuts
//! were rejected then (12-bit groups in two LUT levels: 2083 LUTs for 96 bits). The width is the
//! RSS specification's: an IPv6 TCP 4-tuple is 288 bits.
//!
//! ## Timing
//! One input per clock, back to back. [`LATENCY`] = 4: an input presented with `in_valid` in
//! the cycle before clock edge *n* comes out on `hash` with `out_valid` after edge *n + 3*
//! (input register → partials → folded → hash register).
//!
//! ## Key
//! `key` (128 bits, `u128::from_be_bytes` of the model's key bytes) is loaded into the key
//! register by `key_load`; the register powers up holding `DEFAULT_HASH_KEY`. Inputs presented in
//! the same cycle as `key_load` or later are hashed with the new key; inputs already in the
//! pipeline finish with the old one. `reset` (synchronous) empties the pipeline, not the key.

//!
//! One block per file: the pipeline [`ToeplitzHash`] here, its stages [`partials`] and [`fold`],
//! and the [`key_register`].

use crate::conn::flow_key::IP_BITS;
use rust_hdl::prelude::*;
use synscope_model::descriptor::HashInput;
use synscope_model::hash::{DEFAULT_HASH_KEY, HASH_INPUT_BYTES, HASH_KEY_BYTES};

pub mod fold;
pub mod key_register;
pub mod partials;

pub use fold::ToeplitzFold;
pub use key_register::KeyRegister;
pub use partials::ToeplitzPartials;

/// Input width: lo.ip, hi.ip, lo.port, hi.port of an IPv6 key (an IPv4 key is 96 bits of it).
pub const INPUT_BITS: usize = HASH_INPUT_BYTES * 8;
/// Key width.
pub const KEY_BITS: usize = HASH_KEY_BYTES * 8;
/// Output width.
pub const HASH_BITS: usize = 32;
/// Input bits per partial parity.
pub const GROUP_BITS: usize = 3;
/// Partial parities per output bit.
pub const GROUPS: usize = INPUT_BITS / GROUP_BITS;
/// Width of the partials register.
pub const PARTIAL_BITS: usize = GROUPS * HASH_BITS;
/// 32-bit words left after the first fold (6 partials per LUT6).
pub const FOLDED_WORDS: usize = GROUPS.div_ceil(6);
/// Width of the folded register.
pub const FOLDED_BITS: usize = FOLDED_WORDS * HASH_BITS;
/// Clock edges from an accepted input to its hash on the output.
pub const LATENCY: usize = 4;

const _: () = assert!(INPUT_BITS + HASH_BITS == KEY_BITS);
const _: () = assert!(INPUT_BITS % GROUP_BITS == 0);

/// Bytes, first byte most significant, as an `N`-bit word (`bytes` fills its top bits; the
/// rest is zero).
fn be_word<const N: usize>(bytes: &[u8]) -> Bits<N> {
    let mut w = Bits::<N>::default();
    for (i, byte) in bytes.iter().enumerate() {
        for b in 0..8 {
            if byte & (0x80 >> b) != 0 {
                w = w.replace_bit(N - 1 - (i * 8 + b), true);
            }
        }
    }
    w
}

/// The 288-bit input word of a hash input (the model's `FlowKey::hash_input`): its bytes in the
/// top bits, zeros after an IPv4 key's 12.
pub fn input_word(input: &HashInput) -> Bits<INPUT_BITS> {
    be_word(input.as_slice())
}

/// The 320-bit key word of the model's key bytes.
pub fn key_word(key: &[u8; HASH_KEY_BYTES]) -> Bits<KEY_BITS> {
    be_word(key)
}

/// Bit `g * HASH_BITS + j` of the partials: parity of input bits `g*GROUP_BITS ..+GROUP_BITS`
/// against their key windows for output bit `j`.
pub fn partial_parities(data: &Bits<INPUT_BITS>, key: &Bits<KEY_BITS>) -> [u32; GROUPS] {
    let mut p = [0u32; GROUPS];
    for (g, pg) in p.iter_mut().enumerate() {
        let lo = g * GROUP_BITS;
        for t in 0..GROUP_BITS {
            if data.get_bit(lo + t) {
                for j in 0..HASH_BITS {
                    *pg ^= (key.get_bit(lo + t + j + 1) as u32) << j;
                }
            }
        }
    }
    p
}

#[derive(LogicBlock)]
pub struct ToeplitzHash {
    pub clock: Signal<In, Clock>,
    /// Synchronous: clears the valid pipeline.
    pub reset: Signal<In, Bit>,
    /// New key (`key_word` of the key bytes), taken when `key_load` is high.
    pub key: Signal<In, Bits<KEY_BITS>>,
    pub key_load: Signal<In, Bit>,
    /// `input_word(FlowKey::hash_input())`: {lo.ip, hi.ip, lo.port, hi.port}.
    pub data: Signal<In, Bits<INPUT_BITS>>,
    pub in_valid: Signal<In, Bit>,
    pub hash: Signal<Out, Bits<HASH_BITS>>,
    pub out_valid: Signal<Out, Bit>,
    key_q: KeyRegister,
    data_q: DFF<Bits<INPUT_BITS>>,
    valid1: DFF<Bit>,
    valid2: DFF<Bit>,
    valid3: DFF<Bit>,
    valid4: DFF<Bit>,
    xor_array: ToeplitzPartials,
    fold1: ToeplitzFold<PARTIAL_BITS, FOLDED_BITS>,
    fold2: ToeplitzFold<FOLDED_BITS, HASH_BITS>,
}

impl Default for ToeplitzHash {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            key: Default::default(),
            key_load: Default::default(),
            data: Default::default(),
            in_valid: Default::default(),
            hash: Default::default(),
            out_valid: Default::default(),
            key_q: KeyRegister::new(&DEFAULT_HASH_KEY),
            data_q: Default::default(),
            valid1: Default::default(),
            valid2: Default::default(),
            valid3: Default::default(),
            valid4: Default::default(),
            xor_array: Default::default(),
            fold1: Default::default(),
            fold2: Default::default(),
        }
    }
}

impl Logic for ToeplitzHash {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, key_q, data_q, valid1, valid2, valid3, valid4);
        // Key register.
        self.key_q.clock.next = self.clock.val();
        self.key_q.load.next = self.key_load.val();
        self.key_q.d.next = self.key.val();
        // Stage 1: input register.
        self.data_q.d.next = self.data.val();
        // Stage 2: partial parities of the registered input under the current key.
        self.xor_array.clock.next = self.clock.val();
        self.xor_array.en.next = self.valid1.q.val();
        self.xor_array.data.next = self.data_q.q.val();
        self.xor_array.key.next = self.key_q.q.val();
        // Stage 3: fold the 96 partials of each output bit to 16.
        self.fold1.clock.next = self.clock.val();
        self.fold1.en.next = self.valid2.q.val();
        self.fold1.words.next = self.xor_array.partials.val();
        // Stage 4: and those 16 to the hash.
        self.fold2.clock.next = self.clock.val();
        self.fold2.en.next = self.valid3.q.val();
        self.fold2.words.next = self.fold1.folded.val();
        self.hash.next = self.fold2.folded.val();
        // Valid pipeline beside the data.
        self.valid1.d.next = self.in_valid.val();
        self.valid2.d.next = self.valid1.q.val();
        self.valid3.d.next = self.valid2.q.val();
        self.valid4.d.next = self.valid3.q.val();
        self.out_valid.next = self.valid4.q.val();
        // Synchronous reset last: it wins.
        if self.reset.val() {
            self.valid1.d.next = false;
            self.valid2.d.next = false;
            self.valid3.d.next = false;
            self.valid4.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::hash::toeplitz;

    fn uut() -> ToeplitzHash {
        let mut uut = ToeplitzHash::default();
        uut.clock.connect();
        uut.reset.connect();
        uut.key.connect();
        uut.key_load.connect();
        uut.data.connect();
        uut.in_valid.connect();
        uut.connect_all();
        uut
    }

    /// A random hash input: 12 bytes (IPv4) or 36 (IPv6).
    fn input(next: &mut impl FnMut() -> u64, v6: bool) -> HashInput {
        let mut bytes = [0u8; HASH_INPUT_BYTES];
        let len = if v6 { 36 } else { 12 };
        for b in bytes[..len].iter_mut() {
            *b = next() as u8;
        }
        HashInput { bytes, len }
    }

    #[test]
    fn toeplitz_hash_is_synthesizable() {
        yosys_validate("synscope_toeplitz_hash", &generate_verilog(&uut())).unwrap();
    }

    /// The partial parities XOR back to the model's hash.
    #[test]
    fn partials_recombine_to_the_model_hash() {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for n in 0..300 {
            let mut key = [0u8; HASH_KEY_BYTES];
            key.iter_mut().for_each(|b| *b = next() as u8);
            let x = input(&mut next, n % 2 == 1);
            let want = toeplitz(&key, x.as_slice());
            let got = partial_parities(&input_word(&x), &key_word(&key))
                .iter()
                .fold(0, |a, p| a ^ p);
            assert_eq!(got, want, "key {key:?} input {x:?}");
        }
    }

    /// rust-hdl's own simulator: back-to-back inputs under the power-on key, then a key load.
    #[test]
    fn toeplitz_hash_pipeline_in_rust_hdl_sim() {
        const N: usize = 8;
        let mut new_key = DEFAULT_HASH_KEY;
        new_key
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b ^= i as u8);
        let mut s = 7u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s >> 33
        };
        let inputs: Vec<HashInput> = (0..N).map(|i| input(&mut next, i % 2 == 0)).collect();
        // The key changes with input N/2 (presented in the same cycle as `key_load`).
        let expect: Vec<u32> = inputs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let k = if i < N / 2 { DEFAULT_HASH_KEY } else { new_key };
                toeplitz(&k, d.as_slice())
            })
            .collect();
        let words: Vec<Bits<INPUT_BITS>> = inputs.iter().map(input_word).collect();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<ToeplitzHash>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<ToeplitzHash>| {
            let mut x = sim.init()?;
            wait_clock_true!(sim, clock, x);
            for cycle in 0..N + LATENCY {
                // Outputs now: the input of `cycle - LATENCY`.
                let due = cycle.checked_sub(LATENCY);
                sim_assert_eq!(sim, x.out_valid.val(), due.is_some(), x);
                if let Some(i) = due {
                    sim_assert_eq!(sim, x.hash.val().index() as u32, expect[i], x);
                }
                x.in_valid.next = cycle < N;
                x.data.next = words.get(cycle).copied().unwrap_or_default();
                x.key_load.next = cycle == N / 2;
                x.key.next = key_word(&new_key);
                wait_clock_cycle!(sim, clock, x);
            }
            sim.done(x)
        });
        sim.run(Box::new(uut()), 10_000).unwrap();
    }
}

/// `toeplitz_hash::input_word` of an IPv6 key: {lo.ip, hi.ip, lo.port, hi.port}, MSB first.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct HashWord {
    pub hi_port: Bits<16>,
    pub lo_port: Bits<16>,
    pub hi_ip: Bits<IP_BITS>,
    pub lo_ip: Bits<IP_BITS>,
}

/// `toeplitz_hash::input_word` of an IPv4 key: its 12 bytes, MSB first, then zeros.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct HashWord4 {
    pub zero: Bits<{ INPUT_BITS - 96 }>,
    pub hi_port: Bits<16>,
    pub lo_port: Bits<16>,
    pub hi_ip: Bits<32>,
    pub lo_ip: Bits<32>,
}
