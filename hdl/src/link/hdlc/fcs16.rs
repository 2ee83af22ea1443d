//! `Fcs16`: the FCS-16 register's next value (RFC 1662 §C.2) as two LUT levels of parities.

use super::fcs16_update;
use rust_hdl::prelude::*;

/// the 24), two LUT levels. Custom Verilog written from the linear map of the function, for the
/// same reason as `toeplitz_hash::ToeplitzPartials`: rust-hdl cannot assign single bits.
#[derive(LogicBlock, Default)]
pub struct Fcs16 {
    pub fcs: Signal<In, Bits<16>>,
    pub octet: Signal<In, Bits<8>>,
    pub fcs_next: Signal<Out, Bits<16>>,
}

impl Fcs16 {
    /// Input bits feeding output bit `i`: (FCS bits, octet bits).
    fn taps(i: usize) -> (Vec<usize>, Vec<usize>) {
        let f = (0..16)
            .filter(|j| fcs16_update(1 << j, 0) >> i & 1 == 1)
            .collect();
        let o = (0..8)
            .filter(|k| fcs16_update(0, 1 << k) >> i & 1 == 1)
            .collect();
        (f, o)
    }
}

impl Logic for Fcs16 {
    fn update(&mut self) {
        let v = fcs16_update(
            self.fcs.val().to_u64() as u16,
            self.octet.val().to_u64() as u8,
        );
        self.fcs_next.next = (v as u64).to_bits();
    }

    fn connect(&mut self) {
        self.fcs_next.connect();
    }

    fn hdl(&self) -> Verilog {
        let mut v = String::from("always @* begin\n");
        for i in 0..16 {
            let (f, o) = Self::taps(i);
            let terms: Vec<String> = f
                .iter()
                .map(|j| format!("fcs[{j}]"))
                .chain(o.iter().map(|k| format!("octet[{k}]")))
                .collect();
            v.push_str(&format!("  fcs_next[{i}] = {};\n", terms.join(" ^ ")));
        }
        v.push_str("end\n");
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Verilog's taps are the function's linear map.
    #[test]
    fn fcs16_taps_are_linear() {
        for fcs in [0u16, 1, 0x8000, 0xffff, 0x1234, 0xf0b8] {
            for octet in [0u8, 1, 0x80, 0xff, 0x7e, 0x5a] {
                let mut v = 0u16;
                for i in 0..16 {
                    let (f, o) = Fcs16::taps(i);
                    let bit = f.iter().map(|j| fcs >> j & 1).sum::<u16>()
                        + o.iter().map(|k| (octet as u16) >> k & 1).sum::<u16>();
                    v |= (bit & 1) << i;
                }
                assert_eq!(v, fcs16_update(fcs, octet));
            }
        }
    }
}
