//! `StyledRam`: rust-hdl `RAM`'s ports with a `ram_style` by size (see [`super`]).

use super::{ram_timing, style_for, verilog};
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// rust-hdl `RAM<D, N>` with a `ram_style` by size ([`style_for`]).
#[derive(LogicBlock, Default)]
pub struct StyledRam<D: Synth, const N: usize> {
    pub read_address: Signal<In, Bits<N>>,
    pub read_clock: Signal<In, Clock>,
    pub read_data: Signal<Out, D>,
    pub write_address: Signal<In, Bits<N>>,
    pub write_clock: Signal<In, Clock>,
    pub write_data: Signal<In, D>,
    pub write_enable: Signal<In, Bit>,
    _sim: BTreeMap<Bits<N>, D>,
}

impl<D: Synth, const N: usize> Logic for StyledRam<D, N> {
    fn update(&mut self) {
        if self.read_clock.pos_edge() {
            self.read_data.next = *self
                ._sim
                .get(&self.read_address.val())
                .unwrap_or(&D::default());
        }
        if self.write_clock.pos_edge() && self.write_enable.val() {
            self._sim
                .insert(self.write_address.val(), self.write_data.val());
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(verilog(D::BITS, N, style_for(D::BITS << N), false))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        ram_timing()
    }
}
