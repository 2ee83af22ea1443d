//! synscope hardware (rust-hdl), generated to Verilog.
//!
//! One block per file, named by what it does in the data path. [`gen`] turns each test top into
//! a Verilog file whose module is `top` (a rust-hdl rule: one top per file).

pub mod arty_top;
pub mod board;
pub mod boards;
pub mod command_engine;
pub mod conn_core;
pub mod entry;
pub mod entry_age;
pub mod flag_decode;
pub mod flow_key;
pub mod frame_parser;
pub mod front_counters;
pub mod gen;
pub mod hdlc;
pub mod mdio;
pub mod mii_rx;
pub mod pins;
pub mod ram;
pub mod segment_apply;
pub mod slice;
pub mod station;
pub mod sync_flop;
pub mod toeplitz_hash;
pub mod uart;
pub mod uart_rx;
pub mod uart_tx;

pub use conn_core::ConnCore;
pub use entry_age::{EntryAge, EvictionClass};
pub use flag_decode::FlagDecode;
pub use flow_key::FlowKey;
pub use frame_parser::FrameParser;
pub use gen::{generate_all, Top, TOPS};
pub use hdlc::{HdlcDeframer, HdlcFramer};
pub use mii_rx::MiiRx;
pub use segment_apply::SegmentApply;
pub use toeplitz_hash::ToeplitzHash;
pub use uart_rx::UartRx;
pub use uart_tx::UartTx;
