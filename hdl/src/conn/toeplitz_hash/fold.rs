//! `ToeplitzFold`: stages 2 and 3 of the hash, XOR folds of 32-bit words and their register
//! (see [`super`]).

use super::HASH_BITS;
use rust_hdl::prelude::*;

/// XOR-folds `IN / 32` 32-bit words into `OUT / 32` words: output word `o` bit `j` is the parity
/// of bit `j` of input words `o*F .. (o+1)*F`, `F = ceil(IN / OUT)` (at most 36: two LUT6
/// levels), registered at a clock edge while `en` is high and holding otherwise (as
/// [`ToeplitzPartials`]: the CE pin on a 7-series part, no switching and no simulation work while
/// idle). Custom Verilog for the same reason as [`ToeplitzPartials`].
#[derive(LogicBlock, Default)]
pub struct ToeplitzFold<const IN: usize, const OUT: usize> {
    pub clock: Signal<In, Clock>,
    pub en: Signal<In, Bit>,
    pub words: Signal<In, Bits<IN>>,
    pub folded: Signal<Out, Bits<OUT>>,
}

impl<const IN: usize, const OUT: usize> ToeplitzFold<IN, OUT> {
    const WORDS_IN: usize = IN / HASH_BITS;
    const WORDS_OUT: usize = OUT / HASH_BITS;
    const FAN_IN: usize = Self::WORDS_IN.div_ceil(Self::WORDS_OUT);

    /// Input words folded into output word `o`.
    fn sources(o: usize) -> std::ops::Range<usize> {
        o * Self::FAN_IN..((o + 1) * Self::FAN_IN).min(Self::WORDS_IN)
    }
}

impl<const IN: usize, const OUT: usize> Logic for ToeplitzFold<IN, OUT> {
    fn update(&mut self) {
        if !(self.clock.pos_edge() && self.en.val()) {
            return;
        }
        let mut out = Bits::<OUT>::default();
        for o in 0..Self::WORDS_OUT {
            let mut w = Bits::<HASH_BITS>::default();
            for i in Self::sources(o) {
                w = w ^ self.words.val().get_bits::<HASH_BITS>(i * HASH_BITS);
            }
            out.set_bits::<HASH_BITS>(o * HASH_BITS, w);
        }
        self.folded.next = out;
    }

    fn connect(&mut self) {
        self.folded.connect();
    }

    fn hdl(&self) -> Verilog {
        assert!(IN % HASH_BITS == 0 && OUT % HASH_BITS == 0 && Self::FAN_IN <= 36);
        let mut v = format!("initial folded = {OUT}'d0;\nalways @(posedge clock) if (en) begin\n");
        for o in 0..Self::WORDS_OUT {
            let terms: Vec<String> = Self::sources(o)
                .map(|i| format!("words[{} +: {HASH_BITS}]", i * HASH_BITS))
                .collect();
            v.push_str(&format!(
                "  folded[{} +: {HASH_BITS}] <= {};\n",
                o * HASH_BITS,
                terms.join(" ^ ")
            ));
        }
        v.push_str("end\n");
        Verilog::Custom(v)
    }
}
