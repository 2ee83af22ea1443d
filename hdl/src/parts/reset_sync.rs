//! `reset_sync`: a reset synchronizer for a clock domain whose clock may stop (the PHY's).

use rust_hdl::core::timing::TimingInfo;
use rust_hdl::prelude::*;

/// A reset synchronizer (as verilog-ethernet's `sync_reset`): `rst` rises with `arst` at once
/// (asynchronously, so a reset is not missed while `clock` is stopped) and falls two `clock`
/// edges after `arst` does. `arst` must come from a register (no glitches). Powers up in reset.
#[derive(LogicBlock)]
pub struct ResetSync {
    pub clock: Signal<In, Clock>,
    pub arst: Signal<In, Bit>,
    pub rst: Signal<Out, Bit>,
    _s1: bool,
}

impl Default for ResetSync {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            arst: Default::default(),
            rst: Signal::new_with_default(true),
            _s1: true,
        }
    }
}

impl Logic for ResetSync {
    fn update(&mut self) {
        if self.arst.val() {
            self._s1 = true;
            self.rst.next = true;
        } else if self.clock.pos_edge() {
            self.rst.next = self._s1;
            self._s1 = false;
        }
    }

    fn connect(&mut self) {
        self.rst.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "(* ASYNC_REG = \"TRUE\" *) reg s1 = 1'b1;\ninitial rst = 1'b1;\n\n\
             always @(posedge clock or posedge arst) begin\n   if (arst) begin\n      s1 <= 1'b1;\n      \
             rst <= 1'b1;\n   end else begin\n      s1 <= 1'b0;\n      rst <= s1;\n   end\nend\n"
                .into(),
        )
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "reset_sync".into(),
            clock: "clock".into(),
            inputs: vec!["arst".into()],
            outputs: vec!["rst".into()],
        }]
    }
}
