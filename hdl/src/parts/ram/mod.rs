//! Memories whose Verilog says where they belong (rust-hdl's `RAM` says nothing, so yosys maps
//! every memory by its own cost model, and a 2048 × 1 bit memory takes a whole RAMB18):
//!
//! * [`StyledRam`]: rust-hdl `RAM`'s ports (one write port, one registered read port, each on its
//!   own clock), with `ram_style` chosen by size: memories of at most [`LUT_RAM_MAX_BITS`] bits go
//!   to LUT RAM (`distributed`), larger ones to block RAM. A drop-in for `RAM<D, N>`.
//! * [`GatedRam`]: the same with a read enable: the read register (and the block RAM's read
//!   port) only loads when `read_enable` is high, so the read port reads only the addresses the
//!   owner enables: the MII receive FIFO uses it to never read the address the other clock
//!   writes (docs/hdl.md, "Receive FIFO").
//!
//! Both are custom Verilog with a Rust `update` that simulates the same for rust-hdl; the
//! Verilator tests run the Verilog.

use rust_hdl::prelude::*;

mod gated;
mod styled;

pub use gated::GatedRam;
pub use styled::StyledRam;

/// The largest memory (bits) [`StyledRam`] puts in LUT RAM: 2048 × 1 (`conn_core`'s epoch bits)
/// is 32 RAM64X1D pairs' worth of LUTs, far cheaper than a RAMB18 on a part whose block RAM the
/// connection table fills.
pub const LUT_RAM_MAX_BITS: usize = 4096;

/// `ram_style` of a memory of `bits` bits.
pub const fn style_for(bits: usize) -> &'static str {
    if bits <= LUT_RAM_MAX_BITS {
        "distributed"
    } else {
        "block"
    }
}

/// The collision check of a [`GatedRam`] (simulation only: synthesis defines `SYNTHESIS`): at
/// every read, the write port must not be presenting the same address (the write that the
/// other clock's next edge makes). A violation stops the simulation (`$fatal`, a panic of the
/// Verilator test).
const COLLISION_CHECK: &str = "\n`ifndef SYNTHESIS\n// synthesis translate_off\n\
always @(posedge read_clock) begin\n   if (read_enable && write_enable && (read_address == write_address)) begin\n      \
$display(\"GatedRam: read of address %0d while the write port writes it\", read_address);\n      \
$fatal(1, \"GatedRam: read-during-write collision\");\n   end\nend\n\
// synthesis translate_on\n`endif\n";

pub(super) fn verilog(data_bits: usize, addr_bits: usize, style: &str, gated: bool) -> String {
    let enable = if gated { "if (read_enable) " } else { "" };
    let check = if gated { COLLISION_CHECK } else { "" };
    format!(
        "(* ram_style = \"{style}\" *)\nreg [{d}:0] mem [{a}:0];\n\n\
         always @(posedge read_clock) begin\n   {enable}read_data <= mem[read_address];\nend\n\n\
         always @(posedge write_clock) begin\n   if (write_enable) mem[write_address] <= write_data;\nend\n{check}",
        d = data_bits - 1,
        a = (1usize << addr_bits) - 1,
    )
}

pub(super) fn ram_timing() -> Vec<TimingInfo> {
    vec![
        TimingInfo {
            name: "ram_read".into(),
            clock: "read_clock".into(),
            inputs: vec!["read_address".into()],
            outputs: vec!["read_data".into()],
        },
        TimingInfo {
            name: "ram_write".into(),
            clock: "write_clock".into(),
            inputs: vec![
                "write_address".into(),
                "write_data".into(),
                "write_enable".into(),
            ],
            outputs: vec![],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_by_size() {
        assert_eq!(style_for(2048), "distributed");
        assert_eq!(style_for(2048 * 9), "block");
        assert_eq!(style_for(1 << 18), "block");
    }

    #[test]
    fn verilog_carries_the_style_and_the_enable() {
        let v = verilog(9, 11, "block", true);
        assert!(v.contains("(* ram_style = \"block\" *)"));
        assert!(v.contains("if (read_enable) read_data <= mem[read_address];"));
        assert!(v.contains("reg [8:0] mem [2047:0];"));
    }
}
