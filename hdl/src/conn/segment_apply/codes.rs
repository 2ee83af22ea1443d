//! The model's codes as Verilog constants, shared by segment_apply's blocks: state, flag
//! class, `SeqKnown`, verdict and flag-bit positions (each the model's discriminant).

use crate::conn::entry::STATE_BITS;
use rust_hdl::prelude::*;
use synscope_model::entry::SeqKnown;
use synscope_model::{FlagClass, TcpState};

/// A bit position of `TcpFlags` as a constant index.
pub fn flag_bit(mask: u16) -> Constant<Bits<4>> {
    Constant::new((mask.trailing_zeros() as u64).to_bits())
}

/// A `TcpState` code.
pub fn state_code(s: TcpState) -> Constant<Bits<STATE_BITS>> {
    Constant::new((s as u8 as u64).to_bits())
}

/// A `FlagClass` code (3 bits: every class).
pub fn class_code(c: FlagClass) -> Constant<Bits<3>> {
    Constant::new((c as u8 as u64).to_bits())
}

/// A transition-table class (2 bits: the four table classes).
pub fn table_class(c: FlagClass) -> Constant<Bits<2>> {
    Constant::new((c as u8 as u64).to_bits())
}

/// A `SeqKnown` code.
pub fn seq_code(s: SeqKnown) -> Constant<Bits<2>> {
    Constant::new((s as u8 as u64).to_bits())
}

/// Any constant of `N` bits.
pub use crate::parts::konst::konst as c;
