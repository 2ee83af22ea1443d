//! `LookupHasher`: the keyed Toeplitz hash of one `LOOKUP` tuple, a bit a cycle.
//!
//! `LOOKUP` (docs/protocol.md, "Operations") answers from the bucket the core would use, so the
//! engine hashes the tuple exactly as `synscope_model::hash::toeplitz` over
//! `FlowKey::hash_input` does, and as the core's pipelined
//! [`ToeplitzHash`](crate::conn::toeplitz_hash::ToeplitzHash) does. One lookup at a time needs
//! no 3,700-LUT parity tree: the RSS definition itself, one input bit per clock, is 288 cycles
//! (2.9 µs at 100 MHz) against the milliseconds the request takes on the line.
//!
//! With the input MSB first (`toeplitz_hash::input_word`: the first byte's MSB is bit 287) and
//! the key as `toeplitz_hash::key_word` (the first key byte most significant), for each input
//! bit in turn: a set bit XORs the key's top 32 bits into the hash, and the key shifts left a
//! bit (its top 32 bits are then the window that starts at the next input bit). An IPv4 tuple's
//! 96 bits come first, then zeros, which XOR in nothing.
//!
//! ## Timing
//! `start` (one cycle) loads `data` and `key` and clears the hash at the next clock edge, at
//! which `done` falls; it rises again [`LOOKUP_HASH_CYCLES`] edges after that one (a bit per
//! edge), when `hash` holds the result, which stays until the next `start`. A `start` while busy
//! starts over. `done` is high at power-on.

use crate::conn::toeplitz_hash::{HASH_BITS, INPUT_BITS, KEY_BITS};
use rust_hdl::prelude::*;

/// Clock edges from the one that takes `start` to `done`: one per input bit.
pub const LOOKUP_HASH_CYCLES: usize = INPUT_BITS;
/// Bits of the input-bit counter.
const COUNT_BITS: usize = 9;
const _: () = assert!(INPUT_BITS < 1 << COUNT_BITS);
// `update()` reads the input's MSB and the key's top 32 bits at these literal offsets.
const _: () = assert!(INPUT_BITS == 287 + 1 && KEY_BITS == 288 + HASH_BITS);

/// The bit-serial Toeplitz hasher of `LOOKUP`.
#[derive(LogicBlock)]
pub struct LookupHasher {
    pub clock: Signal<In, Clock>,
    /// Load `data` and `key` and start.
    pub start: Signal<In, Bit>,
    /// `toeplitz_hash::input_word` of the tuple's `FlowKey::hash_input`.
    pub data: Signal<In, Bits<INPUT_BITS>>,
    /// `toeplitz_hash::key_word` of the hash key.
    pub key: Signal<In, Bits<KEY_BITS>>,
    /// The hash, valid while `done`.
    pub hash: Signal<Out, Bits<HASH_BITS>>,
    pub done: Signal<Out, Bit>,
    /// Input bits not yet taken: their MSB is the next one.
    xsr: DFF<Bits<INPUT_BITS>>,
    /// The key, shifted left a bit per input bit taken: its top 32 bits are the next window.
    ksr: DFF<Bits<KEY_BITS>>,
    hacc: DFF<Bits<HASH_BITS>>,
    /// Input bits taken (`INPUT_BITS`: done).
    count: DFFWithInit<Bits<COUNT_BITS>>,
    count_zero: Constant<Bits<COUNT_BITS>>,
    count_one: Constant<Bits<COUNT_BITS>>,
    count_done: Constant<Bits<COUNT_BITS>>,
    hash_zero: Constant<Bits<HASH_BITS>>,
}

impl Default for LookupHasher {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            start: Default::default(),
            data: Default::default(),
            key: Default::default(),
            hash: Default::default(),
            done: Default::default(),
            xsr: Default::default(),
            ksr: Default::default(),
            hacc: Default::default(),
            count: DFFWithInit::new((INPUT_BITS as u64).to_bits()),
            count_zero: Constant::new(0u64.to_bits()),
            count_one: Constant::new(1u64.to_bits()),
            count_done: Constant::new((INPUT_BITS as u64).to_bits()),
            hash_zero: Constant::new(0u64.to_bits()),
        }
    }
}

impl Logic for LookupHasher {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, xsr, ksr, hacc, count);
        self.hash.next = self.hacc.q.val();
        self.done.next = self.count.q.val() == self.count_done.val();
        if self.start.val() {
            self.xsr.d.next = self.data.val();
            self.ksr.d.next = self.key.val();
            self.hacc.d.next = self.hash_zero.val();
            self.count.d.next = self.count_zero.val();
        } else if self.count.q.val() != self.count_done.val() {
            if self.xsr.q.val().get_bit(287) {
                self.hacc.d.next = self.hacc.q.val() ^ self.ksr.q.val().get_bits::<32>(288);
            }
            self.ksr.d.next = self.ksr.q.val() << 1;
            self.xsr.d.next = self.xsr.q.val() << 1;
            self.count.d.next = self.count.q.val() + self.count_one.val();
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected() -> LookupHasher {
    let mut u = LookupHasher::default();
    u.clock.connect();
    u.start.connect();
    u.data.connect();
    u.key.connect();
    u
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::toeplitz_hash::{input_word, key_word};
    use synscope_model::descriptor::HashInput;
    use synscope_model::hash::{toeplitz, DEFAULT_HASH_KEY, HASH_INPUT_BYTES};

    #[test]
    fn lookup_hasher_is_synthesizable() {
        let mut u = connected();
        u.connect_all();
        yosys_validate("synscope_lookup_hasher", &generate_verilog(&u)).unwrap();
    }

    /// The block's algorithm, in Rust on the same words, is the model's hash.
    #[test]
    fn shift_and_xor_is_the_models_toeplitz() {
        let mut bytes = [0u8; HASH_INPUT_BYTES];
        bytes
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = (i * 37 + 11) as u8);
        for len in [12, HASH_INPUT_BYTES] {
            let x = HashInput { bytes, len };
            let mut xsr = input_word(&x);
            let mut ksr = key_word(&DEFAULT_HASH_KEY);
            let mut h = Bits::<32>::default();
            for _ in 0..LOOKUP_HASH_CYCLES {
                if xsr.get_bit(287) {
                    h = h ^ ksr.get_bits::<32>(288);
                }
                ksr = ksr << 1;
                xsr = xsr << 1;
            }
            assert_eq!(h.to_u64() as u32, toeplitz(&DEFAULT_HASH_KEY, x.as_slice()));
        }
    }
}
