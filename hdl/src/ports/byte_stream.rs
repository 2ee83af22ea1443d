//! The byte streams of the UART/HDLC chain (docs/link.md):
//!
//! ```text
//!  uart_rx ─ByteFlow→ hdlc_deframer ─FrameBytes→ command_engine ─Packet→ slice ─Packet→
//!  hdlc_framer ─Byte→ uart_tx
//! ```
//!
//! A byte moves at an edge where `valid` (and, with back-pressure, `ready`) is high.

use crate::interface_pair;
use crate::link::hdlc::STATUS_BITS;
use rust_hdl::prelude::*;

interface_pair! {
    /// Bytes without back-pressure (a receiver cannot hold the line): the UART receiver's.
    driver ByteFlowOut;
    taker ByteFlowIn;
    {
        data: drive Bits<8>,
        valid: drive Bit,
    }
}

interface_pair! {
    /// Bytes with valid/ready: the framer's line bytes to the UART transmitter.
    driver ByteOut;
    taker ByteIn;
    {
        data: drive Bits<8>,
        valid: drive Bit,
        ready: take Bit,
    }
}

interface_pair! {
    /// A packet's bytes with valid/ready, `last` on its final byte: the engine's answers,
    /// through the register slice, to the framer.
    driver PacketOut;
    taker PacketIn;
    {
        data: drive Bits<8>,
        last: drive Bit,
        valid: drive Bit,
        ready: take Bit,
    }
}

interface_pair! {
    /// A received frame's bytes, no back-pressure: `first` on its first byte; then one `end`
    /// beat whose `status` is the frame's verdict (`hdlc::ST_*`). The deframer's to the engine.
    driver FrameBytesOut;
    taker FrameBytesIn;
    {
        data: drive Bits<8>,
        valid: drive Bit,
        first: drive Bit,
        end: drive Bit,
        status: drive Bits<STATUS_BITS>,
    }
}
