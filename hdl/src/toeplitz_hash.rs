//! `toeplitz_hash`: the keyed Toeplitz (RSS) hash of a connection key, pipelined.
//!
//! Exactly `synscope_model::hash::toeplitz` over the 12 bytes of `FlowKey::hash_input`. The
//! hash is linear over GF(2): with the input as a 96-bit big-endian number `x` (bit 95 = the
//! first byte's MSB) and the key as a 128-bit big-endian number `k`,
//!
//! ```text
//! hash[j] = ^(x & k[j+1 +: 96])        for j in 0..32
//! ```
//!
//! i.e. a 192-input parity per output bit. It is cut into [`GROUPS`] partial parities of
//! [`GROUP_BITS`] input bits (24 inputs each: two LUT6 levels), registered, then XORed (8
//! inputs: two LUT levels), so no path between registers is deeper than two LUTs.
//!
//! ## Timing
//! One input per clock, back to back. [`LATENCY`] = 3: an input presented with `in_valid` in
//! the cycle before clock edge *n* comes out on `hash` with `out_valid` after edge *n + 2*
//! (input register → partials register → hash register).
//!
//! ## Key
//! `key` (128 bits, `u128::from_be_bytes` of the model's key bytes) is loaded into the key
//! register by `key_load`; the register powers up holding `DEFAULT_HASH_KEY`. Inputs presented in
//! the same cycle as `key_load` or later are hashed with the new key; inputs already in the
//! pipeline finish with the old one. `reset` (synchronous) empties the pipeline, not the key.

use rust_hdl::prelude::*;
use synscope_model::hash::{DEFAULT_HASH_KEY, HASH_KEY_BYTES};

/// Input width: lo.ip, hi.ip, lo.port, hi.port.
pub const INPUT_BITS: usize = 96;
/// Key width.
pub const KEY_BITS: usize = HASH_KEY_BYTES * 8;
/// Output width.
pub const HASH_BITS: usize = 32;
/// Input bits per partial parity.
pub const GROUP_BITS: usize = 12;
/// Partial parities per output bit.
pub const GROUPS: usize = INPUT_BITS / GROUP_BITS;
/// Width of the partials register.
pub const PARTIAL_BITS: usize = GROUPS * HASH_BITS;
/// Clock edges from an accepted input to its hash on the output.
pub const LATENCY: usize = 3;

const _: () = assert!(INPUT_BITS + HASH_BITS == KEY_BITS);
const _: () = assert!(
    GROUPS == 8,
    "the final XOR tree in update() is written for 8 groups"
);

/// The 96-bit input word of a 12-byte hash input (as the model's `FlowKey::hash_input`).
pub fn input_word(bytes: &[u8; 12]) -> u128 {
    bytes.iter().fold(0u128, |a, b| (a << 8) | *b as u128)
}

/// The 128-bit key word of the model's key bytes.
pub fn key_word(key: &[u8; HASH_KEY_BYTES]) -> u128 {
    u128::from_be_bytes(*key)
}

/// Bit `g * HASH_BITS + j` of the partials: parity of input bits `g*GROUP_BITS ..+GROUP_BITS`
/// against their key windows for output bit `j`.
pub fn partial_parities(data: u128, key: u128) -> [u32; GROUPS] {
    let mut p = [0u32; GROUPS];
    for (g, pg) in p.iter_mut().enumerate() {
        let lo = g * GROUP_BITS;
        let x = (data >> lo) & ((1 << GROUP_BITS) - 1);
        for j in 0..HASH_BITS {
            let k = (key >> (lo + j + 1)) & ((1 << GROUP_BITS) - 1);
            *pg |= ((x & k).count_ones() & 1) << j;
        }
    }
    p
}

/// The combinational partial-parity array. Written as explicit Verilog (one reduction per bit)
/// because rust-hdl's `update()` language cannot assign single bits of a wide signal, and a
/// sequential XOR chain would leave the tree's shape to the synthesizer.
#[derive(LogicBlock, Default)]
pub struct ToeplitzPartials {
    pub data: Signal<In, Bits<INPUT_BITS>>,
    pub key: Signal<In, Bits<KEY_BITS>>,
    pub partials: Signal<Out, Bits<PARTIAL_BITS>>,
}

impl Logic for ToeplitzPartials {
    fn update(&mut self) {
        let p = partial_parities(self.data.val().to_u128(), self.key.val().to_u128());
        let mut out = Bits::<PARTIAL_BITS>::default();
        for (g, pg) in p.iter().enumerate() {
            out.set_bits::<HASH_BITS>(g * HASH_BITS, (*pg as u64).to_bits());
        }
        self.partials.next = out;
    }

    fn connect(&mut self) {
        self.partials.connect();
    }

    fn hdl(&self) -> Verilog {
        // Key bit 0 is in no window (the lowest window starts at bit 1); the `unused` name tells
        // Verilator's lint that this is deliberate.
        let mut v = String::from("wire unused_key_lsb = key[0];\nalways @* begin\n");
        for g in 0..GROUPS {
            let lo = g * GROUP_BITS;
            for j in 0..HASH_BITS {
                v.push_str(&format!(
                    "  partials[{}] = ^(data[{} +: {}] & key[{} +: {}]);\n",
                    g * HASH_BITS + j,
                    lo,
                    GROUP_BITS,
                    lo + j + 1,
                    GROUP_BITS
                ));
            }
        }
        v.push_str("end\n");
        Verilog::Custom(v)
    }
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
    key_q: DFFWithInit<Bits<KEY_BITS>>,
    data_q: DFF<Bits<INPUT_BITS>>,
    part_q: DFF<Bits<PARTIAL_BITS>>,
    hash_q: DFF<Bits<HASH_BITS>>,
    valid1: DFF<Bit>,
    valid2: DFF<Bit>,
    valid3: DFF<Bit>,
    xor_array: ToeplitzPartials,
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
            key_q: DFFWithInit::new(key_word(&DEFAULT_HASH_KEY).to_bits()),
            data_q: Default::default(),
            part_q: Default::default(),
            hash_q: Default::default(),
            valid1: Default::default(),
            valid2: Default::default(),
            valid3: Default::default(),
            xor_array: Default::default(),
        }
    }
}

impl Logic for ToeplitzHash {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, key_q, data_q, part_q, hash_q, valid1, valid2, valid3);
        // Key register.
        if self.key_load.val() {
            self.key_q.d.next = self.key.val();
        }
        // Stage 1: input register.
        self.data_q.d.next = self.data.val();
        // Stage 2: partial parities of the registered input under the current key.
        self.xor_array.data.next = self.data_q.q.val();
        self.xor_array.key.next = self.key_q.q.val();
        self.part_q.d.next = self.xor_array.partials.val();
        // Stage 3: XOR the eight partials of each output bit (a balanced tree).
        self.hash_q.d.next = ((self.part_q.q.val().get_bits::<32>(0)
            ^ self.part_q.q.val().get_bits::<32>(32))
            ^ (self.part_q.q.val().get_bits::<32>(64) ^ self.part_q.q.val().get_bits::<32>(96)))
            ^ ((self.part_q.q.val().get_bits::<32>(128) ^ self.part_q.q.val().get_bits::<32>(160))
                ^ (self.part_q.q.val().get_bits::<32>(192)
                    ^ self.part_q.q.val().get_bits::<32>(224)));
        self.hash.next = self.hash_q.q.val();
        // Valid pipeline beside the data.
        self.valid1.d.next = self.in_valid.val();
        self.valid2.d.next = self.valid1.q.val();
        self.valid3.d.next = self.valid2.q.val();
        self.out_valid.next = self.valid3.q.val();
        // Synchronous reset last: it wins.
        if self.reset.val() {
            self.valid1.d.next = false;
            self.valid2.d.next = false;
            self.valid3.d.next = false;
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

    fn bytes12(w: u128) -> [u8; 12] {
        w.to_be_bytes()[4..].try_into().unwrap()
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
        for _ in 0..2_000 {
            let key = ((next() as u128) << 64) | next() as u128;
            let data = (((next() as u128) << 64) | next() as u128) & ((1 << INPUT_BITS) - 1);
            let want = toeplitz(&key.to_be_bytes(), &bytes12(data));
            let got = partial_parities(data, key).iter().fold(0, |a, p| a ^ p);
            assert_eq!(got, want, "key {key:032x} data {data:024x}");
        }
    }

    /// rust-hdl's own simulator: back-to-back inputs under the power-on key, then a key load.
    #[test]
    fn toeplitz_hash_pipeline_in_rust_hdl_sim() {
        const N: usize = 12;
        let new_key: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
        let inputs: Vec<u128> = (0..N as u128)
            .map(|i| (i * 0x0102_0304_0506_0708_090a_0b0d) & ((1 << INPUT_BITS) - 1))
            .collect();
        // The key changes with input N/2 (presented in the same cycle as `key_load`).
        let expect: Vec<u32> = inputs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let k = if i < N / 2 {
                    key_word(&DEFAULT_HASH_KEY)
                } else {
                    new_key
                };
                toeplitz(&k.to_be_bytes(), &bytes12(*d))
            })
            .collect();
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
                x.data.next = inputs.get(cycle).copied().unwrap_or(0).to_bits();
                x.key_load.next = cycle == N / 2;
                x.key.next = new_key.to_bits();
                wait_clock_cycle!(sim, clock, x);
            }
            sim.done(x)
        });
        sim.run(Box::new(uut()), 10_000).unwrap();
    }
}
