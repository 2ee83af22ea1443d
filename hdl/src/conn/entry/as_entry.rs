//! `AsEntry`: the second word of an IPv6 pair read as an entry word (a cast).

use super::*;

/// The bits of a [`ContBits`] read as an `EntryBits` (a cast: wires only).
#[derive(LogicBlock, Default)]
pub struct AsEntry {
    pub cont: Signal<In, ContBits>,
    pub word: Signal<Out, EntryBits>,
}

impl Logic for AsEntry {
    fn update(&mut self) {
        self.word.next = self.cont.val().as_entry();
    }

    fn connect(&mut self) {
        self.word.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom("assign word = cont;\n".into())
    }
}
