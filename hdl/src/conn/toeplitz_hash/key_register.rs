//! `KeyRegister`: the hash key, loaded at run time, powered up holding the default key.

use super::{key_word, KEY_BITS};
use rust_hdl::core::timing::TimingInfo;
use rust_hdl::prelude::*;
use synscope_model::hash::HASH_KEY_BYTES;

/// The key register: loads `d` when `load` is high, powers up holding `DEFAULT_HASH_KEY`.
/// Custom Verilog so the load becomes the flip-flops' clock enable and the power-on value their
/// INIT (rust-hdl's `DFFWithInit` XORs the value around a zero-initialised register, which cost a
/// LUT per bit for the load multiplexer).
#[derive(LogicBlock)]
pub struct KeyRegister {
    pub clock: Signal<In, Clock>,
    pub load: Signal<In, Bit>,
    pub d: Signal<In, Bits<KEY_BITS>>,
    pub q: Signal<Out, Bits<KEY_BITS>>,
    _init: [u8; HASH_KEY_BYTES],
}

impl KeyRegister {
    pub fn new(init: &[u8; HASH_KEY_BYTES]) -> Self {
        Self {
            clock: Default::default(),
            load: Default::default(),
            d: Default::default(),
            q: Signal::new_with_default(key_word(init)),
            _init: *init,
        }
    }
}

impl Logic for KeyRegister {
    fn update(&mut self) {
        if self.clock.pos_edge() && self.load.val() {
            self.q.next = self.d.val();
        }
    }

    fn connect(&mut self) {
        self.q.connect();
    }

    fn hdl(&self) -> Verilog {
        let hex: String = self._init.iter().map(|b| format!("{b:02x}")).collect();
        Verilog::Custom(format!(
            "initial begin\n   q = {KEY_BITS}'h{hex};\nend\n\n\
             always @(posedge clock) begin\n   if (load) q <= d;\nend\n"
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "key_register".into(),
            clock: "clock".into(),
            inputs: vec!["d".into(), "load".into()],
            outputs: vec!["q".into()],
        }]
    }
}
