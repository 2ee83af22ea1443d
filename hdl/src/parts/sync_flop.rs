//! `sync_flop`: one flip-flop of a two-flop synchronizer (the UART receiver's line input).

use rust_hdl::prelude::*;

/// One flip-flop of a synchronizer: powers up high (an idle UART line) and carries `ASYNC_REG`,
/// so the two flops are placed together and not optimised (rust-hdl's own synchronizer has
/// neither). Custom Verilog, like `toeplitz_hash::KeyRegister`.
#[derive(LogicBlock)]
pub struct SyncFlop {
    pub clock: Signal<In, Clock>,
    pub d: Signal<In, Bit>,
    pub q: Signal<Out, Bit>,
}

impl Default for SyncFlop {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            d: Default::default(),
            q: Signal::new_with_default(true),
        }
    }
}

impl Logic for SyncFlop {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.q.next = self.d.val();
        }
    }

    fn connect(&mut self) {
        self.q.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "(* ASYNC_REG = \"TRUE\" *) reg sync_q = 1'b1;\n\
             always @(posedge clock) sync_q <= d;\n\
             always @* q = sync_q;\n"
                .into(),
        )
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "sync_flop".into(),
            clock: "clock".into(),
            inputs: vec!["d".into()],
            outputs: vec!["q".into()],
        }]
    }
}
