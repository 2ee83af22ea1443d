//! `frame_parser`: Ethernet frames from the receive FIFO → segment descriptors or drop reasons,
//! one byte per clock (system clock domain).
//!
//! Exactly `synscope_model::frame::parse_frame` for the same bytes, same checks, same order, same
//! reason (read the model first). Each byte is looked at once, as it passes: its position picks
//! the field it belongs to (offsets from `synscope_model::frame::field`), and every check is
//! decided when the frame's status entry arrives, from what was kept, as a priority chain in the
//! model's order:
//! 1. the receiver's own verdict (a status entry with `STATUS_DROP`: passed through), then length
//!    (`< 60` Runt, `> 1522` Oversize);
//! 2. Ethernet II EtherType at 12, up to two VLAN tags skipped (TPID 0x8100, 0x88A8, 0x9100); a
//!    third, or IPv6 → Unsupported; not IPv4 → NotIp;
//! 3. IPv4 (RFC 791 §3.1): version, IHL ≥ 5, IHL·4 ≤ total length ≤ bytes present →
//!    BadIpHeader; header checksum (RFC 1071, summed a 16-bit word at a time with end-around
//!    carry while the bytes pass) → BadIpChecksum; MF or fragment offset → IpFragment;
//!    protocol ≠ 6 → NotTcp;
//! 4. TCP (RFC 9293 §3.1): IP payload ≥ 20, data offset ≥ 5 and ·4 ≤ IP payload →
//!    BadTcpHeader. The options between byte 20 and the data offset are walked as they pass for
//!    the window-scale option (RFC 7323 §2.2) and the Timestamps option (§3.2: kind 8, length
//!    10, TSval its first four value bytes), with the model's rules for malformed options (EOL,
//!    a kind without length, a length < 2 or past the options end the walk); the first of each
//!    counts. The shift is kept only for a SYN, and capped at 14; the TSval of every segment.
//!
//! Every rule of the model is byte-serial: each field sits at a position known before it
//! arrives (the EtherType position from the tags before it, the TCP header from the IHL, the
//! options' end from the data offset), and the length checks need only the count at the end.
//!
//! ## Interface
//! Input: the receive FIFO's read side (`in_empty`, head entry `in_data`/`in_last`, `in_read`
//! takes it): frame bytes, then a `last` entry with the status byte. Output: one result per
//! frame, `out_valid` until `out_ready` (valid/ready; the parser stops reading while a result
//! waits): `out_drop` with `out_reason` (the `DropReason` encoding), or the descriptor fields,
//! `seg_time` = `now` when the status entry was read. `reset` (synchronous) starts a new frame
//! and empties the output.

use crate::front::mii_rx::STATUS_OK;
use rust_hdl::prelude::*;
use synscope_model::descriptor::{WSCALE_MAX, WSCALE_NONE};
use synscope_model::drop::DropReason;
use synscope_model::flags::TcpFlags;
use synscope_model::frame::field::*;
use synscope_model::frame::{MAX_EXT_HEADERS, MAX_FRAME_LEN, MAX_VLAN_TAGS, MIN_FRAME_LEN};

/// Width of the byte position (saturating: any length > 1522 is Oversize).
pub const POS_BITS: usize = 11;
/// Time base width (the model's `time: u32`).
pub const NOW_BITS: usize = 32;

const _: () = assert!(MAX_FRAME_LEN < (1 << POS_BITS) - 1);
const _: () = assert!(TcpFlags::BITS == 9);

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

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.to_bits())
}

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

#[derive(LogicBlock)]
pub struct FrameParser {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// The time base (seconds), stamped on each descriptor.
    pub now: Signal<In, Bits<NOW_BITS>>,
    // ---- receive FIFO, read side
    pub in_empty: Signal<In, Bit>,
    pub in_data: Signal<In, Bits<8>>,
    pub in_last: Signal<In, Bit>,
    pub in_read: Signal<Out, Bit>,
    // ---- result
    pub out_ready: Signal<In, Bit>,
    pub out_valid: Signal<Out, Bit>,
    pub out_drop: Signal<Out, Bit>,
    pub out_reason: Signal<Out, Bits<{ DropReason::BITS }>>,
    /// The descriptor is IPv6 (else IPv4: the addresses' low 32 bits).
    pub v6: Signal<Out, Bit>,
    pub src_ip: Signal<Out, Bits<128>>,
    pub dst_ip: Signal<Out, Bits<128>>,
    pub src_port: Signal<Out, Bits<16>>,
    pub dst_port: Signal<Out, Bits<16>>,
    pub seq: Signal<Out, Bits<32>>,
    pub ack: Signal<Out, Bits<32>>,
    pub flags: Signal<Out, Bits<9>>,
    pub window: Signal<Out, Bits<16>>,
    pub wscale: Signal<Out, Bits<4>>,
    pub payload_len: Signal<Out, Bits<16>>,
    /// TSval of the Timestamps option, when `ts_ok` (`SegmentDescriptor::tsval`).
    pub tsval: Signal<Out, Bits<32>>,
    pub ts_ok: Signal<Out, Bit>,
    pub seg_time: Signal<Out, Bits<NOW_BITS>>,

    // ---- per-frame state
    /// Position of the byte being read = bytes before it (saturating).
    pos: DFF<Bits<POS_BITS>>,
    /// Where the (next) EtherType / TPID is, and tags skipped so far.
    et_pos: DFF<Bits<POS_BITS>>,
    tags: DFF<Bits<2>>,
    et_hi: DFF<Bits<8>>,
    /// The EtherType is known; the IP header starts at `ip_at`.
    eth_done: DFF<Bit>,
    ip_at: DFF<Bits<POS_BITS>>,
    et_unsupported: DFF<Bit>,
    et_not_ip: DFF<Bit>,
    ver_ihl: DFF<Bits<8>>,
    total_len: DFF<Be16>,
    frag: DFF<Be16>,
    proto: DFF<Bits<8>>,
    /// The addresses, shifted in a byte at a time (an IPv4 one ends in the low 32 bits).
    r_src_ip: DFF<Bits<128>>,
    r_dst_ip: DFF<Bits<128>>,
    ck_hi: DFF<Bits<8>>,
    ck_acc: DFF<Bits<16>>,
    r_src_port: DFF<Be16>,
    r_dst_port: DFF<Be16>,
    r_seq: DFF<Be32>,
    r_ack: DFF<Be32>,
    off_byte: DFF<Bits<8>>,
    flags_byte: DFF<Bits<8>>,
    r_window: DFF<Be16>,
    opt_state: DFF<Bits<3>>,
    /// The option whose length is next is window scale.
    opt_ws: DFF<Bit>,
    /// Option bytes from the current option's kind to the end of the options.
    opt_room: DFF<Bits<POS_BITS>>,
    opt_skip: DFF<Bits<8>>,
    ws_found: DFF<Bit>,
    ws_val: DFF<Bits<4>>,
    /// The option whose length is next is Timestamps.
    opt_ts: DFF<Bit>,
    /// The value bytes being skipped are the first Timestamps option's.
    opt_tsv: DFF<Bit>,
    ts_found: DFF<Bit>,
    ts_val: DFF<Bits<32>>,
    /// `ts_val` shifted left a byte, the new byte in.
    ts_in: Signal<Local, ShiftIn32>,
    // ---- result registers
    o_valid: DFF<Bit>,
    o_drop: DFF<Bit>,
    o_reason: DFF<Bits<4>>,
    o_src_ip: DFF<Bits<128>>,
    o_dst_ip: DFF<Bits<128>>,
    o_src_port: DFF<Bits<16>>,
    o_dst_port: DFF<Bits<16>>,
    o_seq: DFF<Bits<32>>,
    o_ack: DFF<Bits<32>>,
    o_flags: DFF<Bits<9>>,
    o_window: DFF<Bits<16>>,
    o_wscale: DFF<Bits<4>>,
    o_payload_len: DFF<Bits<16>>,
    o_tsval: DFF<Bits<32>>,
    o_ts_ok: DFF<Bit>,
    o_time: DFF<Bits<NOW_BITS>>,

    // ---- combinational temporaries
    take: Signal<Local, Bit>,
    byte_in: Signal<Local, Bits<8>>,
    et_pos1: Signal<Local, Bits<POS_BITS>>,
    et_word: Signal<Local, Be16>,
    et16: Signal<Local, Bits<16>>,
    is_vlan: Signal<Local, Bit>,
    ipo: Signal<Local, Bits<POS_BITS>>,
    ihl_w11: Signal<Local, Words11>,
    ihl_bytes: Signal<Local, Bits<POS_BITS>>,
    ihl_w16: Signal<Local, Words16>,
    ihl_bytes16: Signal<Local, Bits<16>>,
    in_tcp: Signal<Local, Bit>,
    tcpo: Signal<Local, Bits<POS_BITS>>,
    doff_w11: Signal<Local, Words11>,
    doff_bytes: Signal<Local, Bits<POS_BITS>>,
    doff_w16: Signal<Local, Words16>,
    doff_bytes16: Signal<Local, Bits<16>>,
    opt_left: Signal<Local, Bits<POS_BITS>>,
    len_w: Signal<Local, Ext8to11>,
    len11: Signal<Local, Bits<POS_BITS>>,
    ck_word: Signal<Local, Be16>,
    ck_w17: Signal<Local, Ext16to17>,
    ck_a17: Signal<Local, Ext16to17>,
    ck_a17b: Signal<Local, Bits<17>>,
    ck_w17b: Signal<Local, Bits<17>>,
    ck_s17: Signal<Local, Bits<17>>,
    ck_c: Signal<Local, Ext1to16>,
    ck_c16: Signal<Local, Bits<16>>,
    ck_next: Signal<Local, Bits<16>>,
    ip_len: Signal<Local, Bits<POS_BITS>>,
    ip_len_w: Signal<Local, Ext11to16>,
    ip_len16: Signal<Local, Bits<16>>,
    tot16: Signal<Local, Bits<16>>,
    tcp_len: Signal<Local, Bits<16>>,
    flags_w: Signal<Local, Flags9>,
    flags9: Signal<Local, Bits<9>>,
    reason: Signal<Local, Bits<4>>,
    drop: Signal<Local, Bit>,

    // ---- constants
    k_min_len: Constant<Bits<POS_BITS>>,
    k_max_len: Constant<Bits<POS_BITS>>,
    k_pos_max: Constant<Bits<POS_BITS>>,
    k_one_p: Constant<Bits<POS_BITS>>,
    k_zero_p: Constant<Bits<POS_BITS>>,
    k_et_first: Constant<Bits<POS_BITS>>,
    k_tag_len: Constant<Bits<POS_BITS>>,
    k_two_p: Constant<Bits<POS_BITS>>,
    k_one_tag: Constant<Bits<2>>,
    k_zero_tags: Constant<Bits<2>>,
    k_max_tags: Constant<Bits<2>>,
    k_tpid_q: Constant<Bits<16>>,
    k_tpid_ad: Constant<Bits<16>>,
    k_tpid_old: Constant<Bits<16>>,
    k_et_ipv4: Constant<Bits<16>>,
    k_et_ipv6: Constant<Bits<16>>,
    k_ip_ver_ihl: Constant<Bits<POS_BITS>>,
    k_ip_tl0: Constant<Bits<POS_BITS>>,
    k_ip_tl1: Constant<Bits<POS_BITS>>,
    k_ip_frag0: Constant<Bits<POS_BITS>>,
    k_ip_frag1: Constant<Bits<POS_BITS>>,
    k_ip_proto: Constant<Bits<POS_BITS>>,
    k_ip_min_p: Constant<Bits<POS_BITS>>,
    k_ver4: Constant<Bits<4>>,
    k_ihl_min: Constant<Bits<4>>,
    k_frag_hi_mask: Constant<Bits<8>>,
    k_frag_lo_mask: Constant<Bits<8>>,
    k_zero8: Constant<Bits<8>>,
    k_proto_tcp: Constant<Bits<8>>,
    k_ck_ok: Constant<Bits<16>>,
    k_zero16: Constant<Bits<16>>,
    k_tcp_sp0: Constant<Bits<POS_BITS>>,
    k_tcp_sp1: Constant<Bits<POS_BITS>>,
    k_tcp_dp0: Constant<Bits<POS_BITS>>,
    k_tcp_dp1: Constant<Bits<POS_BITS>>,
    k_tcp_seq0: Constant<Bits<POS_BITS>>,
    k_tcp_seq1: Constant<Bits<POS_BITS>>,
    k_tcp_seq2: Constant<Bits<POS_BITS>>,
    k_tcp_seq3: Constant<Bits<POS_BITS>>,
    k_tcp_ack0: Constant<Bits<POS_BITS>>,
    k_tcp_ack1: Constant<Bits<POS_BITS>>,
    k_tcp_ack2: Constant<Bits<POS_BITS>>,
    k_tcp_ack3: Constant<Bits<POS_BITS>>,
    k_tcp_off: Constant<Bits<POS_BITS>>,
    k_tcp_flags: Constant<Bits<POS_BITS>>,
    k_tcp_win0: Constant<Bits<POS_BITS>>,
    k_tcp_win1: Constant<Bits<POS_BITS>>,
    k_tcp_min_p: Constant<Bits<POS_BITS>>,
    k_tcp_min_16: Constant<Bits<16>>,
    k_opt_eol: Constant<Bits<8>>,
    k_opt_nop: Constant<Bits<8>>,
    k_opt_ws: Constant<Bits<8>>,
    k_opt_ws_len: Constant<Bits<8>>,
    k_opt_len_min: Constant<Bits<8>>,
    k_opt_ts: Constant<Bits<8>>,
    k_opt_ts_len: Constant<Bits<8>>,
    /// Skip counts of the Timestamps option's value bytes: above `k_ts_end` is TSval, and
    /// `k_ts_last` is its last byte.
    k_ts_end: Constant<Bits<8>>,
    k_ts_last: Constant<Bits<8>>,
    k_one8: Constant<Bits<8>>,
    k_ws_max8: Constant<Bits<8>>,
    k_ws_max: Constant<Bits<4>>,
    k_ws_none: Constant<Bits<4>>,
    k_w_kind: Constant<Bits<3>>,
    k_w_len: Constant<Bits<3>>,
    k_w_skip: Constant<Bits<3>>,
    k_w_val: Constant<Bits<3>>,
    k_w_done: Constant<Bits<3>>,
    k_r_runt: Constant<Bits<4>>,
    k_r_oversize: Constant<Bits<4>>,
    k_r_not_ip: Constant<Bits<4>>,
    k_r_unsupported: Constant<Bits<4>>,
    k_r_bad_ip: Constant<Bits<4>>,
    k_r_bad_ck: Constant<Bits<4>>,
    k_r_frag: Constant<Bits<4>>,
    k_r_not_tcp: Constant<Bits<4>>,
    k_r_bad_tcp: Constant<Bits<4>>,
    k_st_ok: Constant<Bits<8>>,
    k_zero1: Constant<Bits<1>>,
    k_zero2: Constant<Bits<2>>,
    k_zero3: Constant<Bits<3>>,
    k_zero5: Constant<Bits<5>>,
    k_zero10: Constant<Bits<10>>,
    k_zero15: Constant<Bits<15>>,
    is_v6: DFF<Bit>,
    jumbo: DFF<Bit>,
    nh: DFF<Bits<8>>,
    nx: DFF<Bits<8>>,
    hdr_at: DFF<Bits<POS_BITS>>,
    hdr_end: DFF<Bits<POS_BITS>>,
    end_known: DFF<Bit>,
    ext_n: DFF<Bits<4>>,
    frag_hi: DFF<Bits<8>>,
    w_active: DFF<Bit>,
    w_tcp: DFF<Bit>,
    tcp_at: DFF<Bits<POS_BITS>>,
    w_stop: DFF<Bit>,
    w_reason: DFF<Bits<4>>,
    o_v6: DFF<Bit>,
    src_shift: Signal<Local, Shift128>,
    dst_shift: Signal<Local, Shift128>,
    src_take: Signal<Local, Bit>,
    dst_take: Signal<Local, Bit>,
    trans: Signal<Local, Bit>,
    at_eff: Signal<Local, Bits<POS_BITS>>,
    nh_eff: Signal<Local, Bits<8>>,
    n_eff: Signal<Local, Bits<4>>,
    start: Signal<Local, Bit>,
    c_tcp: Signal<Local, Bit>,
    c_ext: Signal<Local, Bit>,
    c_ext_ok: Signal<Local, Bit>,
    c_reason: Signal<Local, Bits<4>>,
    end17: Signal<Local, Bits<17>>,
    end_w: Signal<Local, Ext16to17>,
    at_w: Signal<Local, Ext11to17>,
    at17: Signal<Local, Bits<17>>,
    hdr_w: Signal<Local, Ext11to17>,
    hdr17: Signal<Local, Bits<17>>,
    len8_w: Signal<Local, Units8>,
    hdr_end17: Signal<Local, Bits<17>>,
    l4_at: Signal<Local, Bits<POS_BITS>>,
    l4_w: Signal<Local, Ext11to16>,
    l4_16: Signal<Local, Bits<16>>,
    ip_end16: Signal<Local, Bits<16>>,
    fin_reason: Signal<Local, Bits<4>>,
    bad_ip6: Signal<Local, Bit>,
    ip_len17w: Signal<Local, Ext11to17>,
    ip_len17: Signal<Local, Bits<17>>,
    k_ip6_len: Constant<Bits<POS_BITS>>,
    k_ip6_pl0: Constant<Bits<POS_BITS>>,
    k_ip6_pl1: Constant<Bits<POS_BITS>>,
    k_ip_src: Constant<Bits<POS_BITS>>,
    k_ip6_len16: Constant<Bits<16>>,
    k_ip6_len17: Constant<Bits<17>>,
    k_ip6_nh: Constant<Bits<POS_BITS>>,
    k_ip6_src: Constant<Bits<POS_BITS>>,
    k_ip6_dst: Constant<Bits<POS_BITS>>,
    k_ip6_dst_end: Constant<Bits<POS_BITS>>,
    k_ip_src_end: Constant<Bits<POS_BITS>>,
    k_ip_dst_end: Constant<Bits<POS_BITS>>,
    k_ver6: Constant<Bits<4>>,
    k_unit: Constant<Bits<POS_BITS>>,
    k_unit17: Constant<Bits<17>>,
    k_two_p17: Constant<Bits<POS_BITS>>,
    k_three_p: Constant<Bits<POS_BITS>>,
    k_nh_hbh: Constant<Bits<8>>,
    k_nh_rt: Constant<Bits<8>>,
    k_nh_frag: Constant<Bits<8>>,
    k_nh_dst: Constant<Bits<8>>,
    k_nh_none: Constant<Bits<8>>,
    k_proto_ah: Constant<Bits<8>>,
    k_proto_esp: Constant<Bits<8>>,
    k_frag_lo_m: Constant<Bits<8>>,
    k_frag_hi_m: Constant<Bits<8>>,
    k_max_ext: Constant<Bits<4>>,
    k_one4: Constant<Bits<4>>,
    k_zero4: Constant<Bits<4>>,
    k_zero6: Constant<Bits<6>>,
    k_zero128: Constant<Bits<128>>,
    k_r_ipsec: Constant<Bits<4>>,
    k_r_no_next: Constant<Bits<4>>,
    k_r_ext_limit: Constant<Bits<4>>,
}

impl Default for FrameParser {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            now: Default::default(),
            in_empty: Default::default(),
            in_data: Default::default(),
            in_last: Default::default(),
            in_read: Default::default(),
            out_ready: Default::default(),
            out_valid: Default::default(),
            out_drop: Default::default(),
            out_reason: Default::default(),
            v6: Default::default(),
            src_ip: Default::default(),
            dst_ip: Default::default(),
            src_port: Default::default(),
            dst_port: Default::default(),
            seq: Default::default(),
            ack: Default::default(),
            flags: Default::default(),
            window: Default::default(),
            wscale: Default::default(),
            payload_len: Default::default(),
            tsval: Default::default(),
            ts_ok: Default::default(),
            seg_time: Default::default(),
            pos: Default::default(),
            et_pos: Default::default(),
            tags: Default::default(),
            et_hi: Default::default(),
            eth_done: Default::default(),
            ip_at: Default::default(),
            et_unsupported: Default::default(),
            et_not_ip: Default::default(),
            ver_ihl: Default::default(),
            total_len: Default::default(),
            frag: Default::default(),
            proto: Default::default(),
            r_src_ip: Default::default(),
            r_dst_ip: Default::default(),
            ck_hi: Default::default(),
            ck_acc: Default::default(),
            r_src_port: Default::default(),
            r_dst_port: Default::default(),
            r_seq: Default::default(),
            r_ack: Default::default(),
            off_byte: Default::default(),
            flags_byte: Default::default(),
            r_window: Default::default(),
            opt_state: Default::default(),
            opt_ws: Default::default(),
            opt_room: Default::default(),
            opt_skip: Default::default(),
            ws_found: Default::default(),
            ws_val: Default::default(),
            opt_ts: Default::default(),
            opt_tsv: Default::default(),
            ts_found: Default::default(),
            ts_val: Default::default(),
            ts_in: Default::default(),
            o_valid: Default::default(),
            o_drop: Default::default(),
            o_reason: Default::default(),
            o_src_ip: Default::default(),
            o_dst_ip: Default::default(),
            o_src_port: Default::default(),
            o_dst_port: Default::default(),
            o_seq: Default::default(),
            o_ack: Default::default(),
            o_flags: Default::default(),
            o_window: Default::default(),
            o_wscale: Default::default(),
            o_payload_len: Default::default(),
            o_tsval: Default::default(),
            o_ts_ok: Default::default(),
            o_time: Default::default(),
            take: Default::default(),
            byte_in: Default::default(),
            et_pos1: Default::default(),
            et_word: Default::default(),
            et16: Default::default(),
            is_vlan: Default::default(),
            ipo: Default::default(),
            ihl_w11: Default::default(),
            ihl_bytes: Default::default(),
            ihl_w16: Default::default(),
            ihl_bytes16: Default::default(),
            in_tcp: Default::default(),
            tcpo: Default::default(),
            doff_w11: Default::default(),
            doff_bytes: Default::default(),
            doff_w16: Default::default(),
            doff_bytes16: Default::default(),
            opt_left: Default::default(),
            len_w: Default::default(),
            len11: Default::default(),
            ck_word: Default::default(),
            ck_w17: Default::default(),
            ck_a17: Default::default(),
            ck_a17b: Default::default(),
            ck_w17b: Default::default(),
            ck_s17: Default::default(),
            ck_c: Default::default(),
            ck_c16: Default::default(),
            ck_next: Default::default(),
            ip_len: Default::default(),
            ip_len_w: Default::default(),
            ip_len16: Default::default(),
            tot16: Default::default(),
            tcp_len: Default::default(),
            flags_w: Default::default(),
            flags9: Default::default(),
            reason: Default::default(),
            drop: Default::default(),
            k_min_len: k(MIN_FRAME_LEN as u64),
            k_max_len: k(MAX_FRAME_LEN as u64),
            k_pos_max: k((1 << POS_BITS) - 1),
            k_one_p: k(1),
            k_zero_p: k(0),
            k_et_first: k(ETHERTYPE as u64),
            k_tag_len: k(VLAN_TAG_LEN as u64),
            k_two_p: k(2),
            k_one_tag: k(1),
            k_zero_tags: k(0),
            k_max_tags: k(MAX_VLAN_TAGS as u64),
            k_tpid_q: k(TPID_8021Q as u64),
            k_tpid_ad: k(TPID_8021AD as u64),
            k_tpid_old: k(TPID_QINQ_OLD as u64),
            k_et_ipv4: k(ETHERTYPE_IPV4 as u64),
            k_et_ipv6: k(ETHERTYPE_IPV6 as u64),
            k_ip_ver_ihl: k(IP_VER_IHL as u64),
            k_ip_tl0: k(IP_TOTAL_LEN as u64),
            k_ip_tl1: k(IP_TOTAL_LEN as u64 + 1),
            k_ip_frag0: k(IP_FLAGS_FRAG as u64),
            k_ip_frag1: k(IP_FLAGS_FRAG as u64 + 1),
            k_ip_proto: k(IP_PROTOCOL as u64),
            k_ip_min_p: k(IP_MIN_HEADER as u64),
            k_ver4: k(4),
            k_ihl_min: k((IP_MIN_HEADER / 4) as u64),
            k_frag_hi_mask: k(((IP_MF | IP_FRAG_OFFSET) >> 8) as u64),
            k_frag_lo_mask: k(((IP_MF | IP_FRAG_OFFSET) & 0xff) as u64),
            k_zero8: k(0),
            k_proto_tcp: k(IP_PROTO_TCP as u64),
            k_ck_ok: k(0xffff),
            k_zero16: k(0),
            k_tcp_sp0: k(TCP_SRC_PORT as u64),
            k_tcp_sp1: k(TCP_SRC_PORT as u64 + 1),
            k_tcp_dp0: k(TCP_DST_PORT as u64),
            k_tcp_dp1: k(TCP_DST_PORT as u64 + 1),
            k_tcp_seq0: k(TCP_SEQ as u64),
            k_tcp_seq1: k(TCP_SEQ as u64 + 1),
            k_tcp_seq2: k(TCP_SEQ as u64 + 2),
            k_tcp_seq3: k(TCP_SEQ as u64 + 3),
            k_tcp_ack0: k(TCP_ACK as u64),
            k_tcp_ack1: k(TCP_ACK as u64 + 1),
            k_tcp_ack2: k(TCP_ACK as u64 + 2),
            k_tcp_ack3: k(TCP_ACK as u64 + 3),
            k_tcp_off: k(TCP_OFFSET as u64),
            k_tcp_flags: k(TCP_FLAGS as u64),
            k_tcp_win0: k(TCP_WINDOW as u64),
            k_tcp_win1: k(TCP_WINDOW as u64 + 1),
            k_tcp_min_p: k(TCP_MIN_HEADER as u64),
            k_tcp_min_16: k(TCP_MIN_HEADER as u64),
            k_opt_eol: k(OPT_EOL as u64),
            k_opt_nop: k(OPT_NOP as u64),
            k_opt_ws: k(OPT_WSCALE as u64),
            k_opt_ws_len: k(OPT_WSCALE_LEN as u64),
            k_opt_len_min: k(2),
            k_opt_ts: k(OPT_TIMESTAMP as u64),
            k_opt_ts_len: k(OPT_TIMESTAMP_LEN as u64),
            k_ts_end: k(OPT_TIMESTAMP_LEN as u64 - 2 - 4),
            k_ts_last: k(OPT_TIMESTAMP_LEN as u64 - 2 - 3),
            k_one8: k(1),
            k_ws_max8: k(WSCALE_MAX as u64),
            k_ws_max: k(WSCALE_MAX as u64),
            k_ws_none: k(WSCALE_NONE as u64),
            k_w_kind: k(walk::KIND),
            k_w_len: k(walk::LEN),
            k_w_skip: k(walk::SKIP),
            k_w_val: k(walk::VAL),
            k_w_done: k(walk::DONE),
            k_r_runt: k(DropReason::Runt as u64),
            k_r_oversize: k(DropReason::Oversize as u64),
            k_r_not_ip: k(DropReason::NotIp as u64),
            k_r_unsupported: k(DropReason::Unsupported as u64),
            k_r_bad_ip: k(DropReason::BadIpHeader as u64),
            k_r_bad_ck: k(DropReason::BadIpChecksum as u64),
            k_r_frag: k(DropReason::IpFragment as u64),
            k_r_not_tcp: k(DropReason::NotTcp as u64),
            k_r_bad_tcp: k(DropReason::BadTcpHeader as u64),
            k_st_ok: k(STATUS_OK as u64),
            k_zero1: k(0),
            k_zero2: k(0),
            k_zero3: k(0),
            k_zero5: k(0),
            k_zero10: k(0),
            k_zero15: k(0),
            is_v6: Default::default(),
            jumbo: Default::default(),
            nh: Default::default(),
            nx: Default::default(),
            hdr_at: Default::default(),
            hdr_end: Default::default(),
            end_known: Default::default(),
            ext_n: Default::default(),
            frag_hi: Default::default(),
            w_active: Default::default(),
            w_tcp: Default::default(),
            tcp_at: Default::default(),
            w_stop: Default::default(),
            w_reason: Default::default(),
            o_v6: Default::default(),
            src_shift: Default::default(),
            dst_shift: Default::default(),
            src_take: Default::default(),
            dst_take: Default::default(),
            trans: Default::default(),
            at_eff: Default::default(),
            nh_eff: Default::default(),
            n_eff: Default::default(),
            start: Default::default(),
            c_tcp: Default::default(),
            c_ext: Default::default(),
            c_ext_ok: Default::default(),
            c_reason: Default::default(),
            end17: Default::default(),
            end_w: Default::default(),
            at_w: Default::default(),
            at17: Default::default(),
            hdr_w: Default::default(),
            hdr17: Default::default(),
            len8_w: Default::default(),
            hdr_end17: Default::default(),
            l4_at: Default::default(),
            l4_w: Default::default(),
            l4_16: Default::default(),
            ip_end16: Default::default(),
            fin_reason: Default::default(),
            bad_ip6: Default::default(),
            ip_len17w: Default::default(),
            ip_len17: Default::default(),
            k_ip6_len: k(IP6_HEADER_LEN as u64),
            k_ip6_pl0: k(IP6_PAYLOAD_LEN as u64),
            k_ip6_pl1: k(IP6_PAYLOAD_LEN as u64 + 1),
            k_ip_src: k(IP_SRC as u64),
            k_ip6_len16: k(IP6_HEADER_LEN as u64),
            k_ip6_len17: k(IP6_HEADER_LEN as u64),
            k_ip6_nh: k(IP6_NEXT_HEADER as u64),
            k_ip6_src: k(IP6_SRC as u64),
            k_ip6_dst: k(IP6_DST as u64),
            k_ip6_dst_end: k((IP6_DST + 16) as u64),
            k_ip_src_end: k((IP_SRC + 4) as u64),
            k_ip_dst_end: k((IP_DST + 4) as u64),
            k_ver6: k(6),
            k_unit: k(EXT_UNIT as u64),
            k_unit17: k(EXT_UNIT as u64),
            k_two_p17: k(2),
            k_three_p: k(3),
            k_nh_hbh: k(NH_HOP_BY_HOP as u64),
            k_nh_rt: k(NH_ROUTING as u64),
            k_nh_frag: k(NH_FRAGMENT as u64),
            k_nh_dst: k(NH_DEST_OPTS as u64),
            k_nh_none: k(NH_NONE as u64),
            k_proto_ah: k(IP_PROTO_AH as u64),
            k_proto_esp: k(IP_PROTO_ESP as u64),
            k_frag_lo_m: k((FRAG_OFFSET_M & 0xff) as u64),
            k_frag_hi_m: k((FRAG_OFFSET_M >> 8) as u64),
            k_max_ext: k(MAX_EXT_HEADERS as u64),
            k_one4: k(1),
            k_zero4: k(0),
            k_zero6: k(0),
            k_zero128: Constant::new(Default::default()),
            k_r_ipsec: k(DropReason::Ipsec as u64),
            k_r_no_next: k(DropReason::NoNextHeader as u64),
            k_r_ext_limit: k(DropReason::ExtHeaderLimit as u64),
        }
    }
}

impl Logic for FrameParser {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            pos,
            et_pos,
            tags,
            et_hi,
            eth_done,
            ip_at,
            et_unsupported,
            et_not_ip,
            ver_ihl,
            total_len,
            frag,
            proto,
            r_src_ip,
            r_dst_ip,
            ck_hi,
            ck_acc,
            r_src_port,
            r_dst_port,
            r_seq,
            r_ack,
            off_byte,
            flags_byte,
            r_window,
            opt_state,
            opt_ws,
            opt_room,
            opt_skip,
            ws_found,
            ws_val,
            opt_ts,
            opt_tsv,
            ts_found,
            ts_val,
            o_valid,
            o_drop,
            o_reason,
            o_src_ip,
            o_dst_ip,
            o_src_port,
            o_dst_port,
            o_seq,
            o_ack,
            o_flags,
            o_window,
            o_wscale,
            o_payload_len,
            o_tsval,
            o_ts_ok,
            o_time,
            is_v6,
            jumbo,
            nh,
            nx,
            hdr_at,
            hdr_end,
            end_known,
            ext_n,
            frag_hi,
            w_active,
            w_tcp,
            tcp_at,
            w_stop,
            w_reason,
            o_v6
        );

        // ---- input handshake: read while there is an entry and no result waits
        self.take.next = !self.in_empty.val() && (!self.o_valid.q.val() || self.out_ready.val());
        self.in_read.next = self.take.val();
        self.byte_in.next = self.in_data.val();
        if self.o_valid.q.val() && self.out_ready.val() {
            self.o_valid.d.next = false;
        }

        // ---- positions and lengths (exact widths: header lengths are 32-bit words)
        self.et_pos1.next = self.et_pos.q.val() + self.k_one_p.val();
        self.et_word.next.b1 = self.et_hi.q.val();
        self.et_word.next.b0 = self.byte_in.val();
        self.et16.next = self.et_word.val().into();
        self.is_vlan.next = (self.et16.val() == self.k_tpid_q.val())
            || (self.et16.val() == self.k_tpid_ad.val())
            || (self.et16.val() == self.k_tpid_old.val());
        self.ipo.next = self.pos.q.val() - self.ip_at.q.val();
        self.ihl_w11.next.z = self.k_zero2.val();
        self.ihl_w11.next.v = self.ver_ihl.q.val().get_bits::<4>(0);
        self.ihl_w11.next.zz = self.k_zero5.val();
        self.ihl_bytes.next = self.ihl_w11.val().into();
        self.ihl_w16.next.z = self.k_zero2.val();
        self.ihl_w16.next.v = self.ver_ihl.q.val().get_bits::<4>(0);
        self.ihl_w16.next.zz = self.k_zero10.val();
        self.ihl_bytes16.next = self.ihl_w16.val().into();
        // ---- IPv6 header chain (RFC 8200 §4), walked as the bytes pass: `hdr_at` is where the
        // header of type `nh` starts (from the IP header), `hdr_end` where it ends once its
        // length byte is in. At `hdr_end` the next header starts (`trans`), of type `nx`.
        self.end_w.next.v = self.total_len.q.val().into();
        self.end_w.next.z = self.k_zero1.val();
        self.end17.next = self.end_w.val().into();
        self.end17.next = self.end17.val() + self.k_ip6_len17.val();
        self.trans.next = self.w_active.q.val()
            && self.end_known.q.val()
            && (self.ipo.val() == self.hdr_end.q.val());
        self.at_eff.next = self.hdr_at.q.val();
        self.nh_eff.next = self.nh.q.val();
        self.n_eff.next = self.ext_n.q.val();
        if self.trans.val() {
            self.at_eff.next = self.hdr_end.q.val();
            self.nh_eff.next = self.nx.q.val();
            self.n_eff.next = self.ext_n.q.val() + self.k_one4.val();
        }
        // A header starts at this byte (at the status entry: it starts where the frame ends).
        self.start.next = self.w_active.q.val() && (self.ipo.val() == self.at_eff.val());
        self.at_w.next.v = self.at_eff.val();
        self.at_w.next.z = self.k_zero6.val();
        self.at17.next = self.at_w.val().into();
        self.at17.next = self.at17.val() + self.k_unit17.val();
        // What the header starting here is: TCP, an extension header to walk, or the end.
        self.c_tcp.next = self.nh_eff.val() == self.k_proto_tcp.val();
        self.c_ext.next = (self.nh_eff.val() == self.k_nh_hbh.val())
            || (self.nh_eff.val() == self.k_nh_rt.val())
            || (self.nh_eff.val() == self.k_nh_dst.val())
            || (self.nh_eff.val() == self.k_nh_frag.val());
        self.c_ext_ok.next = false;
        self.c_reason.next = self.k_r_not_tcp.val();
        if (self.nh_eff.val() == self.k_proto_ah.val())
            || (self.nh_eff.val() == self.k_proto_esp.val())
        {
            self.c_reason.next = self.k_r_ipsec.val();
        }
        if self.nh_eff.val() == self.k_nh_none.val() {
            self.c_reason.next = self.k_r_no_next.val();
        }
        if self.c_ext.val() {
            if self.n_eff.val() == self.k_max_ext.val() {
                self.c_reason.next = self.k_r_ext_limit.val();
            } else if ((self.nh_eff.val() == self.k_nh_hbh.val())
                && (self.n_eff.val() != self.k_zero4.val()))
                || (self.at17.val() > self.end17.val())
            {
                self.c_reason.next = self.k_r_bad_ip.val();
            } else {
                self.c_ext_ok.next = true;
            }
        }
        // The current header's end, from its length byte ((len + 1)·8 bytes).
        self.hdr_w.next.v = self.hdr_at.q.val();
        self.hdr_w.next.z = self.k_zero6.val();
        self.hdr17.next = self.hdr_w.val().into();
        self.len8_w.next.z = self.k_zero3.val();
        self.len8_w.next.v = self.byte_in.val();
        self.len8_w.next.zz = self.k_zero6.val();
        self.hdr_end17.next = self.len8_w.val().into();
        self.hdr_end17.next = self.hdr_end17.val() + self.hdr17.val() + self.k_unit17.val();

        // ---- where TCP starts: after the IPv4 header, or where the IPv6 walk found it
        self.l4_at.next = self.ihl_bytes.val();
        if self.is_v6.q.val() {
            if self.w_tcp.q.val() {
                self.l4_at.next = self.tcp_at.q.val();
            } else {
                self.l4_at.next = self.at_eff.val();
            }
        }
        self.in_tcp.next = self.eth_done.q.val()
            && (self.ipo.val() >= self.l4_at.val())
            && (!self.is_v6.q.val()
                || self.w_tcp.q.val()
                || (self.start.val() && self.c_tcp.val()));
        self.tcpo.next = self.ipo.val() - self.l4_at.val();
        self.doff_w11.next.z = self.k_zero2.val();
        self.doff_w11.next.v = self.off_byte.q.val().get_bits::<4>(4);
        self.doff_w11.next.zz = self.k_zero5.val();
        self.doff_bytes.next = self.doff_w11.val().into();
        self.doff_w16.next.z = self.k_zero2.val();
        self.doff_w16.next.v = self.off_byte.q.val().get_bits::<4>(4);
        self.doff_w16.next.zz = self.k_zero10.val();
        self.doff_bytes16.next = self.doff_w16.val().into();
        self.opt_left.next = self.doff_bytes.val() - self.tcpo.val();
        // TSval so far, shifted a byte with this one in (taken in the option walk below).
        self.ts_in.next.b0 = self.byte_in.val();
        self.ts_in.next.rest = self.ts_val.q.val().get_bits::<24>(0);
        self.len_w.next.v = self.byte_in.val();
        self.len_w.next.z = self.k_zero3.val();
        self.len11.next = self.len_w.val().into();

        // ---- which address a byte belongs to, and each address shifted by it
        self.src_shift.next.rest = self.r_src_ip.q.val().get_bits::<120>(0);
        self.src_shift.next.b0 = self.byte_in.val();
        self.dst_shift.next.rest = self.r_dst_ip.q.val().get_bits::<120>(0);
        self.dst_shift.next.b0 = self.byte_in.val();
        if self.is_v6.q.val() {
            self.src_take.next =
                (self.ipo.val() >= self.k_ip6_src.val()) && (self.ipo.val() < self.k_ip6_dst.val());
            self.dst_take.next = (self.ipo.val() >= self.k_ip6_dst.val())
                && (self.ipo.val() < self.k_ip6_dst_end.val());
        } else {
            self.src_take.next = (self.ipo.val() >= self.k_ip_src.val())
                && (self.ipo.val() < self.k_ip_src_end.val());
            self.dst_take.next = (self.ipo.val() >= self.k_ip_src_end.val())
                && (self.ipo.val() < self.k_ip_dst_end.val());
        }

        // ---- checksum: the word ending with this byte, added with end-around carry
        self.ck_word.next.b1 = self.ck_hi.q.val();
        self.ck_word.next.b0 = self.byte_in.val();
        self.ck_w17.next.v = self.ck_word.val().into();
        self.ck_w17.next.z = self.k_zero1.val();
        self.ck_a17.next.v = self.ck_acc.q.val();
        self.ck_a17.next.z = self.k_zero1.val();
        self.ck_a17b.next = self.ck_a17.val().into();
        self.ck_w17b.next = self.ck_w17.val().into();
        self.ck_s17.next = self.ck_a17b.val() + self.ck_w17b.val();
        self.ck_c.next.v = self.ck_s17.val().get_bits::<1>(16);
        self.ck_c.next.z = self.k_zero15.val();
        self.ck_c16.next = self.ck_c.val().into();
        self.ck_next.next = self.ck_s17.val().get_bits::<16>(0) + self.ck_c16.val();

        // ---- one byte
        if self.take.val() && !self.in_last.val() {
            if self.pos.q.val() != self.k_pos_max.val() {
                self.pos.d.next = self.pos.q.val() + self.k_one_p.val();
            }
            // Ethernet: EtherType, skipping up to MAX_VLAN_TAGS tags.
            if !self.eth_done.q.val() {
                if self.pos.q.val() == self.et_pos.q.val() {
                    self.et_hi.d.next = self.byte_in.val();
                }
                if self.pos.q.val() == self.et_pos1.val() {
                    if self.is_vlan.val() && (self.tags.q.val() != self.k_max_tags.val()) {
                        self.tags.d.next = self.tags.q.val() + self.k_one_tag.val();
                        self.et_pos.d.next = self.et_pos.q.val() + self.k_tag_len.val();
                    } else {
                        self.eth_done.d.next = true;
                        self.ip_at.d.next = self.et_pos.q.val() + self.k_two_p.val();
                        self.et_unsupported.d.next = self.is_vlan.val();
                        self.et_not_ip.d.next = (self.et16.val() != self.k_et_ipv4.val())
                            && (self.et16.val() != self.k_et_ipv6.val());
                        self.is_v6.d.next = self.et16.val() == self.k_et_ipv6.val();
                        self.w_active.d.next = self.et16.val() == self.k_et_ipv6.val();
                        self.hdr_at.d.next = self.k_ip6_len.val();
                    }
                }
            } else {
                // IPv4 header fields.
                if self.ipo.val() == self.k_ip_ver_ihl.val() {
                    self.ver_ihl.d.next = self.byte_in.val();
                }
                if self.ipo.val() == self.k_ip_tl0.val() {
                    self.total_len.d.next.b1 = self.byte_in.val();
                }
                if self.ipo.val() == self.k_ip_tl1.val() {
                    self.total_len.d.next.b0 = self.byte_in.val();
                }
                if self.ipo.val() == self.k_ip_frag0.val() {
                    self.frag.d.next.b1 = self.byte_in.val();
                }
                if self.ipo.val() == self.k_ip_frag1.val() {
                    self.frag.d.next.b0 = self.byte_in.val();
                }
                if self.ipo.val() == self.k_ip_proto.val() {
                    self.proto.d.next = self.byte_in.val();
                }
                // Addresses, a byte at a time.
                if self.src_take.val() {
                    self.r_src_ip.d.next = self.src_shift.val().into();
                }
                if self.dst_take.val() {
                    self.r_dst_ip.d.next = self.dst_shift.val().into();
                }
                // IPv6 fixed header: payload length (kept where IPv4's total length is), next
                // header; a jumbogram is payload length 0 with a hop-by-hop header (RFC 2675).
                if self.is_v6.q.val() {
                    if self.ipo.val() == self.k_ip6_pl0.val() {
                        self.total_len.d.next.b1 = self.byte_in.val();
                    }
                    if self.ipo.val() == self.k_ip6_pl1.val() {
                        self.total_len.d.next.b0 = self.byte_in.val();
                    }
                    if self.ipo.val() == self.k_ip6_nh.val() {
                        self.nh.d.next = self.byte_in.val();
                        self.jumbo.d.next = (self.total_len.q.val().b1 == self.k_zero8.val())
                            && (self.total_len.q.val().b0 == self.k_zero8.val())
                            && (self.byte_in.val() == self.k_nh_hbh.val());
                    }
                }
                // The header chain walk.
                if self.start.val() {
                    if self.c_tcp.val() {
                        self.w_tcp.d.next = true;
                        self.tcp_at.d.next = self.at_eff.val();
                        self.w_active.d.next = false;
                    } else if self.c_ext_ok.val() {
                        self.nx.d.next = self.byte_in.val();
                        self.hdr_at.d.next = self.at_eff.val();
                        self.nh.d.next = self.nh_eff.val();
                        self.ext_n.d.next = self.n_eff.val();
                        self.end_known.d.next = false;
                    } else {
                        self.w_stop.d.next = true;
                        self.w_reason.d.next = self.c_reason.val();
                        self.w_active.d.next = false;
                    }
                } else if self.w_active.q.val() {
                    if self.ipo.val() == self.hdr_at.q.val() + self.k_one_p.val() {
                        self.end_known.d.next = true;
                        if self.nh.q.val() == self.k_nh_frag.val() {
                            self.hdr_end.d.next = self.hdr_at.q.val() + self.k_unit.val();
                        } else {
                            self.hdr_end.d.next = self.hdr_end17.val().get_bits::<POS_BITS>(0);
                            if self.hdr_end17.val() > self.end17.val() {
                                self.w_stop.d.next = true;
                                self.w_reason.d.next = self.k_r_bad_ip.val();
                                self.w_active.d.next = false;
                            }
                        }
                    }
                    if self.nh.q.val() == self.k_nh_frag.val() {
                        // Fragment offset and M (RFC 8200 §4.5): an atomic fragment has
                        // neither (RFC 6946) and is walked through.
                        if self.ipo.val() == self.hdr_at.q.val() + self.k_two_p17.val() {
                            self.frag_hi.d.next = self.byte_in.val();
                        }
                        if (self.ipo.val() == self.hdr_at.q.val() + self.k_three_p.val())
                            && (((self.frag_hi.q.val() & self.k_frag_hi_m.val())
                                != self.k_zero8.val())
                                || ((self.byte_in.val() & self.k_frag_lo_m.val())
                                    != self.k_zero8.val()))
                        {
                            self.w_stop.d.next = true;
                            self.w_reason.d.next = self.k_r_frag.val();
                            self.w_active.d.next = false;
                        }
                    }
                }
                // Header checksum over the IHL·4 header bytes, a word per two bytes. (At the
                // first byte the IHL is not known yet: an even byte is only kept.)
                if !self.ipo.val().get_bit(0) {
                    self.ck_hi.d.next = self.byte_in.val();
                } else if self.ipo.val() < self.ihl_bytes.val() {
                    self.ck_acc.d.next = self.ck_next.val();
                }
                // TCP header fields.
                if self.in_tcp.val() {
                    if self.tcpo.val() == self.k_tcp_sp0.val() {
                        self.r_src_port.d.next.b1 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_sp1.val() {
                        self.r_src_port.d.next.b0 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_dp0.val() {
                        self.r_dst_port.d.next.b1 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_dp1.val() {
                        self.r_dst_port.d.next.b0 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_seq0.val() {
                        self.r_seq.d.next.b3 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_seq1.val() {
                        self.r_seq.d.next.b2 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_seq2.val() {
                        self.r_seq.d.next.b1 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_seq3.val() {
                        self.r_seq.d.next.b0 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_ack0.val() {
                        self.r_ack.d.next.b3 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_ack1.val() {
                        self.r_ack.d.next.b2 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_ack2.val() {
                        self.r_ack.d.next.b1 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_ack3.val() {
                        self.r_ack.d.next.b0 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_off.val() {
                        self.off_byte.d.next = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_flags.val() {
                        self.flags_byte.d.next = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_win0.val() {
                        self.r_window.d.next.b1 = self.byte_in.val();
                    }
                    if self.tcpo.val() == self.k_tcp_win1.val() {
                        self.r_window.d.next.b0 = self.byte_in.val();
                    }
                    // Options (RFC 7323 §2.2 window scale), walked as the model walks them.
                    if (self.tcpo.val() >= self.k_tcp_min_p.val())
                        && (self.tcpo.val() < self.doff_bytes.val())
                    {
                        if self.opt_state.q.val() == self.k_w_kind.val() {
                            if self.byte_in.val() == self.k_opt_eol.val() {
                                self.opt_state.d.next = self.k_w_done.val();
                            } else if self.byte_in.val() != self.k_opt_nop.val() {
                                self.opt_state.d.next = self.k_w_len.val();
                                self.opt_ws.d.next = self.byte_in.val() == self.k_opt_ws.val();
                                self.opt_ts.d.next = self.byte_in.val() == self.k_opt_ts.val();
                                self.opt_room.d.next = self.opt_left.val();
                            }
                        } else if self.opt_state.q.val() == self.k_w_len.val() {
                            if (self.byte_in.val() < self.k_opt_len_min.val())
                                || (self.len11.val() > self.opt_room.q.val())
                            {
                                self.opt_state.d.next = self.k_w_done.val();
                            } else if self.opt_ws.q.val()
                                && (self.byte_in.val() == self.k_opt_ws_len.val())
                            {
                                self.opt_state.d.next = self.k_w_val.val();
                            } else if self.byte_in.val() == self.k_opt_len_min.val() {
                                self.opt_state.d.next = self.k_w_kind.val();
                            } else {
                                self.opt_state.d.next = self.k_w_skip.val();
                                self.opt_skip.d.next =
                                    self.byte_in.val() - self.k_opt_len_min.val();
                                self.opt_tsv.d.next = self.opt_ts.q.val()
                                    && (self.byte_in.val() == self.k_opt_ts_len.val())
                                    && !self.ts_found.q.val();
                            }
                        } else if self.opt_state.q.val() == self.k_w_skip.val() {
                            self.opt_skip.d.next = self.opt_skip.q.val() - self.k_one8.val();
                            if self.opt_skip.q.val() == self.k_one8.val() {
                                self.opt_state.d.next = self.k_w_kind.val();
                            }
                            // TSval: the first four value bytes of the Timestamps option.
                            if self.opt_tsv.q.val() && (self.opt_skip.q.val() > self.k_ts_end.val())
                            {
                                self.ts_val.d.next = self.ts_in.val().into();
                                if self.opt_skip.q.val() == self.k_ts_last.val() {
                                    self.ts_found.d.next = true;
                                }
                            }
                        } else if self.opt_state.q.val() == self.k_w_val.val() {
                            self.opt_state.d.next = self.k_w_kind.val();
                            if !self.ws_found.q.val() {
                                self.ws_found.d.next = true;
                                self.ws_val.d.next = self.k_ws_max.val();
                                if self.byte_in.val() < self.k_ws_max8.val() {
                                    self.ws_val.d.next = self.byte_in.val().get_bits::<4>(0);
                                }
                            }
                        }
                    }
                }
            }
        }

        // ---- the checks, in parse_frame's order
        self.ip_len.next = self.pos.q.val() - self.ip_at.q.val();
        self.ip_len_w.next.v = self.ip_len.val();
        self.ip_len_w.next.z = self.k_zero5.val();
        self.ip_len16.next = self.ip_len_w.val().into();
        self.tot16.next = self.total_len.q.val().into();
        // The IP packet's end: IPv4 total length, or 40 + IPv6 payload length.
        self.ip_end16.next = self.tot16.val();
        if self.is_v6.q.val() {
            self.ip_end16.next = self.tot16.val() + self.k_ip6_len16.val();
        }
        self.l4_w.next.v = self.l4_at.val();
        self.l4_w.next.z = self.k_zero5.val();
        self.l4_16.next = self.l4_w.val().into();
        self.tcp_len.next = self.ip_end16.val() - self.l4_16.val();
        // IPv6: the fixed header (40 bytes present, version 6, the payload inside the frame),
        // then the walk's end: what stopped it, or where TCP is.
        self.ip_len17w.next.v = self.ip_len.val();
        self.ip_len17w.next.z = self.k_zero6.val();
        self.ip_len17.next = self.ip_len17w.val().into();
        self.bad_ip6.next = (self.ip_len.val() < self.k_ip6_len.val())
            || (self.ver_ihl.q.val().get_bits::<4>(4) != self.k_ver6.val())
            || (self.end17.val() > self.ip_len17.val());
        self.fin_reason.next = self.k_r_bad_ip.val();
        if self.w_stop.q.val() {
            self.fin_reason.next = self.w_reason.q.val();
        } else if self.start.val() && !self.c_ext_ok.val() {
            self.fin_reason.next = self.c_reason.val();
        }
        self.drop.next = true;
        self.reason.next = self.byte_in.val().get_bits::<4>(0);
        if self.byte_in.val() != self.k_st_ok.val() {
            // The receiver dropped it: its reason stands.
        } else if self.pos.q.val() < self.k_min_len.val() {
            self.reason.next = self.k_r_runt.val();
        } else if self.pos.q.val() > self.k_max_len.val() {
            self.reason.next = self.k_r_oversize.val();
        } else if self.et_unsupported.q.val() {
            self.reason.next = self.k_r_unsupported.val();
        } else if self.et_not_ip.q.val() {
            self.reason.next = self.k_r_not_ip.val();
        } else if self.is_v6.q.val() && self.bad_ip6.val() {
            self.reason.next = self.k_r_bad_ip.val();
        } else if self.is_v6.q.val() && self.jumbo.q.val() {
            self.reason.next = self.k_r_unsupported.val();
        } else if self.is_v6.q.val()
            && !(self.w_tcp.q.val()
                || (!self.w_stop.q.val() && self.start.val() && self.c_tcp.val()))
        {
            self.reason.next = self.fin_reason.val();
        } else if !self.is_v6.q.val()
            && ((self.ip_len.val() < self.k_ip_min_p.val())
                || (self.ver_ihl.q.val().get_bits::<4>(4) != self.k_ver4.val())
                || (self.ver_ihl.q.val().get_bits::<4>(0) < self.k_ihl_min.val())
                || (self.tot16.val() < self.ihl_bytes16.val())
                || (self.tot16.val() > self.ip_len16.val()))
        {
            self.reason.next = self.k_r_bad_ip.val();
        } else if !self.is_v6.q.val() && (self.ck_acc.q.val() != self.k_ck_ok.val()) {
            self.reason.next = self.k_r_bad_ck.val();
        } else if !self.is_v6.q.val()
            && (((self.frag.q.val().b1 & self.k_frag_hi_mask.val()) != self.k_zero8.val())
                || ((self.frag.q.val().b0 & self.k_frag_lo_mask.val()) != self.k_zero8.val()))
        {
            self.reason.next = self.k_r_frag.val();
        } else if !self.is_v6.q.val()
            && ((self.proto.q.val() == self.k_proto_ah.val())
                || (self.proto.q.val() == self.k_proto_esp.val()))
        {
            self.reason.next = self.k_r_ipsec.val();
        } else if !self.is_v6.q.val() && (self.proto.q.val() != self.k_proto_tcp.val()) {
            self.reason.next = self.k_r_not_tcp.val();
        } else if (self.tcp_len.val() < self.k_tcp_min_16.val())
            || (self.doff_bytes16.val() < self.k_tcp_min_16.val())
            || (self.doff_bytes16.val() > self.tcp_len.val())
        {
            self.reason.next = self.k_r_bad_tcp.val();
        } else {
            self.drop.next = false;
        }
        self.flags_w.next.lo = self.flags_byte.q.val();
        self.flags_w.next.ae = self.off_byte.q.val().get_bit(0);
        self.flags9.next = self.flags_w.val().into();

        // ---- the status entry: the result, and a new frame
        if self.take.val() && self.in_last.val() {
            self.o_valid.d.next = true;
            self.o_drop.d.next = self.drop.val();
            self.o_reason.d.next = self.reason.val();
            self.o_v6.d.next = self.is_v6.q.val();
            self.o_src_ip.d.next = self.r_src_ip.q.val();
            self.o_dst_ip.d.next = self.r_dst_ip.q.val();
            self.o_src_port.d.next = self.r_src_port.q.val().into();
            self.o_dst_port.d.next = self.r_dst_port.q.val().into();
            self.o_seq.d.next = self.r_seq.q.val().into();
            self.o_ack.d.next = self.r_ack.q.val().into();
            self.o_flags.d.next = self.flags9.val();
            self.o_window.d.next = self.r_window.q.val().into();
            self.o_wscale.d.next = self.k_ws_none.val();
            if self.ws_found.q.val() && self.flags_byte.q.val().get_bit(1) {
                self.o_wscale.d.next = self.ws_val.q.val();
            }
            self.o_payload_len.d.next = self.tcp_len.val() - self.doff_bytes16.val();
            self.o_tsval.d.next = self.ts_val.q.val();
            self.o_ts_ok.d.next = self.ts_found.q.val();
            self.o_time.d.next = self.now.val();
        }
        if (self.take.val() && self.in_last.val()) || self.reset.val() {
            self.pos.d.next = self.k_zero_p.val();
            self.et_pos.d.next = self.k_et_first.val();
            self.tags.d.next = self.k_zero_tags.val();
            self.eth_done.d.next = false;
            self.ck_acc.d.next = self.k_zero16.val();
            self.opt_state.d.next = self.k_w_kind.val();
            self.ws_found.d.next = false;
            self.is_v6.d.next = false;
            self.r_src_ip.d.next = self.k_zero128.val();
            self.r_dst_ip.d.next = self.k_zero128.val();
            self.w_active.d.next = false;
            self.w_tcp.d.next = false;
            self.w_stop.d.next = false;
            self.ext_n.d.next = self.k_zero4.val();
            self.end_known.d.next = false;
            self.jumbo.d.next = false;
            self.ts_found.d.next = false;
        }

        // ---- outputs
        self.out_valid.next = self.o_valid.q.val();
        self.out_drop.next = self.o_drop.q.val();
        self.out_reason.next = self.o_reason.q.val();
        self.v6.next = self.o_v6.q.val();
        self.src_ip.next = self.o_src_ip.q.val();
        self.dst_ip.next = self.o_dst_ip.q.val();
        self.src_port.next = self.o_src_port.q.val();
        self.dst_port.next = self.o_dst_port.q.val();
        self.seq.next = self.o_seq.q.val();
        self.ack.next = self.o_ack.q.val();
        self.flags.next = self.o_flags.q.val();
        self.window.next = self.o_window.q.val();
        self.wscale.next = self.o_wscale.q.val();
        self.payload_len.next = self.o_payload_len.q.val();
        self.tsval.next = self.o_tsval.q.val();
        self.ts_ok.next = self.o_ts_ok.q.val();
        self.seg_time.next = self.o_time.q.val();

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.o_valid.d.next = false;
        }
    }
}

/// A connected instance (the generated top).
pub fn connected() -> FrameParser {
    let mut u = FrameParser::default();
    u.clock.connect();
    u.reset.connect();
    u.now.connect();
    u.in_empty.connect();
    u.in_data.connect();
    u.in_last.connect();
    u.out_ready.connect();
    u.connect_all();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_parser_is_synthesizable() {
        yosys_validate("synscope_frame_parser", &generate_verilog(&connected())).unwrap();
    }
}
