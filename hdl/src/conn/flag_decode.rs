//! `flag_decode`: the nine TCP control bits → the 3-bit flag class the endpoint FSMs are driven by.
//!
//! Combinational. Exactly `synscope_model::flags::classify`: a validity look-up over
//! FIN/SYN/RST/ACK/URG (PSH, ECE, CWR and AE masked off, as in Linux `tcp_valid_flags[]`), then the
//! priority encoder RST > SYN/SYN-ACK > FIN > ACK. The 32-entry validity table is a `ROM` filled
//! from [`VALID_COMBINATIONS`] and the class codes are [`FlagClass`] discriminants, so the
//! hardware holds no second copy of either.

use rust_hdl::prelude::*;
use synscope_model::flags::{TcpFlags, VALID_COMBINATIONS};
use synscope_model::FlagClass;

/// Width of the flag input (FIN = bit 0 … AE = bit 8).
pub const FLAG_BITS: usize = TcpFlags::BITS;
/// Width of the flag-class output.
pub const CLASS_BITS: usize = FlagClass::BITS;

/// Bit positions of the flags the classifier reads (`TcpFlags` constants as indices).
const FIN: usize = TcpFlags::FIN.trailing_zeros() as usize;
const SYN: usize = TcpFlags::SYN.trailing_zeros() as usize;
const RST: usize = TcpFlags::RST.trailing_zeros() as usize;
const ACK: usize = TcpFlags::ACK.trailing_zeros() as usize;

/// `flags::validity_index` as a packed struct (fields pack LSB first): slice assignments of
/// exact widths, where a `bit_cast` concatenation would leave Verilog width mismatches.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ValidityIndex {
    /// FIN SYN RST.
    pub fin_syn_rst: Bits<3>,
    /// ACK URG.
    pub ack_urg: Bits<2>,
}

#[derive(LogicBlock)]
pub struct FlagDecode {
    /// TCP control bits, bit 0 = FIN … bit 8 = AE (`TcpFlags` bit order).
    pub flags: Signal<In, Bits<FLAG_BITS>>,
    /// `FlagClass` discriminant.
    pub flag_class: Signal<Out, Bits<CLASS_BITS>>,
    /// The combination is not one of the nine valid ones (`flag_class` = `Invalid`).
    pub invalid: Signal<Out, Bit>,
    /// `VALID_COMBINATIONS[validity_index(flags)]`.
    valid_rom: ROM<Bit, 5>,
    vidx: Signal<Local, ValidityIndex>,
    // Class codes, from the model's discriminants.
    c_syn: Constant<Bits<CLASS_BITS>>,
    c_synack: Constant<Bits<CLASS_BITS>>,
    c_fin: Constant<Bits<CLASS_BITS>>,
    c_ack: Constant<Bits<CLASS_BITS>>,
    c_rst: Constant<Bits<CLASS_BITS>>,
    c_invalid: Constant<Bits<CLASS_BITS>>,
    // Flag bit positions (constants: indices in `update()` must be fields or literals).
    b_fin: Constant<Bits<4>>,
    b_syn: Constant<Bits<4>>,
    b_rst: Constant<Bits<4>>,
    b_ack: Constant<Bits<4>>,
}

fn class_code(c: FlagClass) -> Constant<Bits<CLASS_BITS>> {
    Constant::new((c as u8 as u64).to_bits())
}

impl Default for FlagDecode {
    fn default() -> Self {
        Self {
            flags: Default::default(),
            flag_class: Default::default(),
            invalid: Default::default(),
            valid_rom: VALID_COMBINATIONS.iter().map(|v| Bit::from(*v)).into(),
            vidx: Default::default(),
            c_syn: class_code(FlagClass::Syn),
            c_synack: class_code(FlagClass::SynAck),
            c_fin: class_code(FlagClass::Fin),
            c_ack: class_code(FlagClass::Ack),
            c_rst: class_code(FlagClass::Rst),
            c_invalid: class_code(FlagClass::Invalid),
            b_fin: Constant::new(FIN.to_bits()),
            b_syn: Constant::new(SYN.to_bits()),
            b_rst: Constant::new(RST.to_bits()),
            b_ack: Constant::new(ACK.to_bits()),
        }
    }
}

impl Logic for FlagDecode {
    #[hdl_gen]
    fn update(&mut self) {
        // Validity index (`flags::validity_index`): FIN SYN RST in bits 0..3, ACK URG in bits 3..5.
        self.vidx.next.fin_syn_rst = self.flags.val().get_bits::<3>(0);
        self.vidx.next.ack_urg = self.flags.val().get_bits::<2>(4);
        self.valid_rom.address.next = self.vidx.val().into();
        self.invalid.next = !self.valid_rom.data.val();
        // Priority encoder RST > SYN(-ACK) > FIN > ACK, behind the validity check.
        if !self.valid_rom.data.val() {
            self.flag_class.next = self.c_invalid.val();
        } else if self.flags.val().get_bit(self.b_rst.val().index()) {
            self.flag_class.next = self.c_rst.val();
        } else if self.flags.val().get_bit(self.b_syn.val().index()) {
            if self.flags.val().get_bit(self.b_ack.val().index()) {
                self.flag_class.next = self.c_synack.val();
            } else {
                self.flag_class.next = self.c_syn.val();
            }
        } else if self.flags.val().get_bit(self.b_fin.val().index()) {
            self.flag_class.next = self.c_fin.val();
        } else {
            self.flag_class.next = self.c_ack.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synscope_model::flags::classify;

    fn uut() -> FlagDecode {
        let mut uut = FlagDecode::default();
        uut.flags.connect();
        uut.connect_all();
        uut
    }

    #[test]
    fn flag_decode_is_synthesizable() {
        yosys_validate("synscope_flag_decode", &generate_verilog(&uut())).unwrap();
    }

    /// rust-hdl's own simulator, all 512 flag values against `classify`.
    #[test]
    fn flag_decode_matches_the_model_in_rust_hdl_sim() {
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut sim: Sim<FlagDecode>| {
            let mut x = sim.init()?;
            for b in 0..=TcpFlags::MASK {
                x.flags.next = (b as u64).to_bits();
                x = sim.wait(1, x)?;
                let want = classify(TcpFlags::new(b));
                sim_assert_eq!(sim, x.flag_class.val().index(), want as usize, x);
                sim_assert_eq!(sim, x.invalid.val(), want == FlagClass::Invalid, x);
            }
            sim.done(x)
        });
        sim.run(Box::new(uut()), 1_000).unwrap();
    }
}
