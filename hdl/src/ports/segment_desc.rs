//! The segment descriptor stream (docs/core.md, "Descriptor"): one TCP segment per cycle in
//! which `valid` is high, as `synscope_model::SegmentDescriptor` carries it. Driven by the frame
//! parser's result register, taken by the connection core's input stage (`desc_in`); no
//! back-pressure (the core takes one per clock).

use crate::conn::flow_key::IP_BITS;
use crate::interface_pair;
use rust_hdl::prelude::*;

interface_pair! {
    /// The end that produces descriptors (the frame parser).
    driver SegmentDescOut;
    /// The end that takes them (the connection core).
    taker SegmentDescIn;
    {
        /// A descriptor is on the other fields this cycle.
        valid: drive Bit,
        /// The endpoints are IPv6 (else IPv4, in the addresses' low 32 bits).
        v6: drive Bit,
        src_ip: drive Bits<IP_BITS>,
        dst_ip: drive Bits<IP_BITS>,
        src_port: drive Bits<16>,
        dst_port: drive Bits<16>,
        seq: drive Bits<32>,
        ack: drive Bits<32>,
        /// `TcpFlags`' nine bits (RFC 9293 §3.1 and RFC 3168's ECE/CWR, NS).
        flags: drive Bits<9>,
        window: drive Bits<16>,
        /// Window-scale shift of a SYN (RFC 7323 §2.2), capped at 14.
        wscale: drive Bits<4>,
        payload_len: drive Bits<16>,
        /// TSval of the Timestamps option (RFC 7323 §3.2), when `ts_ok`.
        tsval: drive Bits<32>,
        ts_ok: drive Bit,
        /// Capture time in ticks (`SegmentDescriptor::time`, `synscope_model::time`).
        seg_time: drive Bits<32>,
    }
}
