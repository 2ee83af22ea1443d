//! synscope hardware (rust-hdl), generated to Verilog.
//!
//! Folders by data flow: [`front`] (MII receiver, frame parser, front-end counters, MDIO),
//! [`conn`] (the connection core and its stages), [`link`] (UART, HDLC framing, command engine),
//! [`tops`] (the board, the station, the Arty top) and [`parts`] (memories, a register slice, a
//! synchronizer). One block per file, named by what it does in the data path. Beside them: the
//! pin table ([`pins`]), the boards' geometry ([`boards`]) and [`gen`], which turns each test top
//! into a Verilog file whose module is `top` (a rust-hdl rule: one top per file).

pub mod boards;
pub mod conn;
pub mod front;
pub mod gen;
pub mod link;
pub mod parts;
pub mod pins;
pub mod ports;
pub mod tops;

pub use conn::conn_core::ConnCore;
pub use conn::entry_age::{EntryAge, EvictionClass};
pub use conn::flag_decode::FlagDecode;
pub use conn::flow_key::FlowKey;
pub use conn::segment_apply::SegmentApply;
pub use conn::toeplitz_hash::ToeplitzHash;
pub use conn::way_choice::WayChoice;
pub use front::frame_parser::FrameParser;
pub use front::mii_rx::MiiRx;
pub use gen::{generate_all, Top, TOPS};
pub use link::hdlc::{HdlcDeframer, HdlcFramer};
pub use link::uart_rx::UartRx;
pub use link::uart_tx::UartTx;
