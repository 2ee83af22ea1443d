//! `ToeplitzPartials`: stage 1 of the hash, the partial parities and their register (see
//! [`super`]).

use super::{partial_parities, GROUPS, GROUP_BITS, HASH_BITS, INPUT_BITS, KEY_BITS, PARTIAL_BITS};
use rust_hdl::prelude::*;

/// The partial-parity array and its register, loaded at a clock edge while `en` is high (an
/// input is in the stage) and holding otherwise. Written as explicit Verilog (one reduction per
/// bit) because rust-hdl's `update()` language cannot assign single bits of a wide signal, and
/// a sequential XOR chain would leave the tree's shape to the synthesizer. The enable is the
/// flip-flops' CE pin on a 7-series part (no logic); while the core is idle the 3,072 partials
/// do not switch, and the Verilated model does not evaluate them (its work is inside the
/// `if (en)`).
#[derive(LogicBlock, Default)]
pub struct ToeplitzPartials {
    pub clock: Signal<In, Clock>,
    pub en: Signal<In, Bit>,
    pub data: Signal<In, Bits<INPUT_BITS>>,
    pub key: Signal<In, Bits<KEY_BITS>>,
    pub partials: Signal<Out, Bits<PARTIAL_BITS>>,
}

impl Logic for ToeplitzPartials {
    fn update(&mut self) {
        if self.clock.pos_edge() && self.en.val() {
            let p = partial_parities(&self.data.val(), &self.key.val());
            let mut out = Bits::<PARTIAL_BITS>::default();
            for (g, pg) in p.iter().enumerate() {
                out.set_bits::<HASH_BITS>(g * HASH_BITS, (*pg as u64).to_bits());
            }
            self.partials.next = out;
        }
    }

    fn connect(&mut self) {
        self.partials.connect();
    }

    fn hdl(&self) -> Verilog {
        // Key bit 0 is in no window (the lowest window starts at bit 1); the `unused` name tells
        // Verilator's lint that this is deliberate.
        let mut v = format!(
            "wire unused_key_lsb = key[0];\ninitial partials = {PARTIAL_BITS}'d0;\n\
             always @(posedge clock) if (en) begin\n"
        );
        // Word g, bit j: XOR over t of data[lo+t] & key[lo+t+j+1], written a word at a time
        // (one statement per partial word simulates far faster in Verilator than one per bit;
        // each bit is still the same 6-input function for the synthesizer).
        for g in 0..GROUPS {
            let lo = g * GROUP_BITS;
            let terms: Vec<String> = (0..GROUP_BITS)
                .map(|t| {
                    format!(
                        "({{{HASH_BITS}{{data[{}]}}}} & key[{} +: {HASH_BITS}])",
                        lo + t,
                        lo + t + 1
                    )
                })
                .collect();
            v.push_str(&format!(
                "  partials[{} +: {HASH_BITS}] <= {};\n",
                g * HASH_BITS,
                terms.join(" ^ ")
            ));
        }
        v.push_str("end\n");
        Verilog::Custom(v)
    }
}
