//! A number as a Verilog constant of any width (rust-hdl's `Constant<Bits<N>>`), for the
//! codes and limits a block compares against.

use rust_hdl::prelude::*;

/// `v` as an `N`-bit constant.
pub fn konst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.to_bits())
}
