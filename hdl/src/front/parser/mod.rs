//! The frame parser's blocks ([`crate::front::frame_parser::FrameParser`] instantiates and wires
//! them), in the order a frame's bytes reach them:
//! * [`eth_vlan`]: the EtherType, behind up to two VLAN tags; where the IP header starts;
//! * [`ipv4_header`]: the IP fixed-header fields (RFC 791 §3.1; IPv6's version and payload
//!   length land in the same registers), the IPv4 header checksum (RFC 1071) and IPv4's checks;
//! * [`ip_addrs`]: the two addresses, either version, a byte at a time;
//! * [`ipv6_walk`]: the IPv6 next header and the extension-header chain (RFC 8200 §4), to
//!   where TCP starts or what stops the walk;
//! * [`tcp_header`]: the TCP header fields (RFC 9293 §3.1), its length checks and the
//!   payload length;
//! * [`tcp_options`]: the option walk for window scale and Timestamps (RFC 7323 §2.2, §3.2);
//! * [`descriptor`]: the checks in `parse_frame`'s order at the status entry, and the result
//!   registers (valid/ready).
//!
//! Every block looks at the byte being read (`byte_in`) at its position (`ipo`: bytes since the
//! IP header's start); the frame's end (`clear`: the status entry, or `reset`) starts the next
//! frame. Below: the exact-width helper types they share.

pub mod descriptor;
pub mod eth_vlan;
pub mod ip_addrs;
pub mod ipv4_header;
pub mod ipv6_walk;
pub mod tcp_header;
pub mod tcp_options;

use rust_hdl::prelude::*;

/// States of the window-scale option walk.
pub mod walk {
    /// The next option byte is a kind.
    pub const KIND: u64 = 0;
    /// The next is the length of a kind other than EOL/NOP.
    pub const LEN: u64 = 1;
    /// Skipping an option's value bytes.
    pub const SKIP: u64 = 2;
    /// The next byte is the window-scale shift (then the next kind: the walk goes on for the
    /// Timestamps option).
    pub const VAL: u64 = 3;
    /// The walk has ended (found, EOL, or malformed).
    pub const DONE: u64 = 4;
}

pub(crate) use crate::parts::konst::konst as k;

/// A 32-bit value shifted left by a byte with `b0` coming in (a big-endian field arriving).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ShiftIn32 {
    pub b0: Bits<8>,
    pub rest: Bits<24>,
}

/// A 16-bit big-endian field, byte by byte (`b1` arrives first).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Be16 {
    pub b0: Bits<8>,
    pub b1: Bits<8>,
}

/// A 32-bit big-endian field, byte by byte (`b3` arrives first).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Be32 {
    pub b0: Bits<8>,
    pub b1: Bits<8>,
    pub b2: Bits<8>,
    pub b3: Bits<8>,
}

// Exact-width zero extensions and ×4 (header lengths count 32-bit words), built as structs
// whose fields are assigned: rust-hdl's `bit_cast` widening is emitted as `x & mask`, which
// Verilator's -Wall rejects as a width mismatch.

/// `4·v` in 11 bits.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Words11 {
    pub z: Bits<2>,
    pub v: Bits<4>,
    pub zz: Bits<5>,
}

/// `4·v` in 16 bits.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Words16 {
    pub z: Bits<2>,
    pub v: Bits<4>,
    pub zz: Bits<10>,
}

#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Ext8to11 {
    pub v: Bits<8>,
    pub z: Bits<3>,
}

#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Ext11to16 {
    pub v: Bits<11>,
    pub z: Bits<5>,
}

/// An address register shifted by one byte (`b0` the new one).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Shift128 {
    pub b0: Bits<8>,
    pub rest: Bits<120>,
}

#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Ext11to17 {
    pub v: Bits<11>,
    pub z: Bits<6>,
}

/// `8·v` in 17 bits (an extension header's length byte counts 8-byte units).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Units8 {
    pub z: Bits<3>,
    pub v: Bits<8>,
    pub zz: Bits<6>,
}

#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Ext16to17 {
    pub v: Bits<16>,
    pub z: Bits<1>,
}

#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Ext1to16 {
    pub v: Bits<1>,
    pub z: Bits<15>,
}

/// The nine TCP control bits: header byte 13, and AE (bit 0 of byte 12) above them.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct Flags9 {
    pub lo: Bits<8>,
    pub ae: Bit,
}
